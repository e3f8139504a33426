/** The shapes the console reads from the public API (only the fields it uses). */

export interface Labels {
  zh: string;
  en: string;
}

export interface Me {
  id: string;
  name: string;
  role: string;
  districts: string[];
  baseIds: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export interface CaseSummary {
  id: string;
  caseNo: string | null;
  title: string;
  district: string;
  channel: string;
  state: string;
  stateLabel: Labels;
  version: number;
  major: boolean;
  overdue: boolean;
  outcome: string | null;
  receivedAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
  nextDueAt: string | null;
  liabilityStatus: string;
  restorationStatus: string;
  createdAt: string;
  updatedAt: string;
}

export interface Party {
  id: string;
  name: string;
  kind: string;
  creditCode?: string;
  idNumber?: string;
}

export interface Obligation {
  id: string;
  kind: string;
  status: string;
  dueDate?: string;
  amountFen?: number;
  quantity?: { value: number; unit: string };
  description?: string;
  partyId?: string;
  paidFen?: number;
  depositedFen?: number;
  allocatedFen?: number;
}

export interface Deadline {
  id: string;
  rule: string;
  label: Labels;
  startAt: string | null;
  dueAt: string;
  status: 'open' | 'met' | 'missed' | 'cancelled';
  overdue: boolean;
  settledAt?: string;
  metLate?: boolean;
  extensions: { from: string; to: string; reason: string; seq: number }[];
  /** A date before which something may not happen (the court's notice period): never overdue. */
  notBefore?: boolean;
  /** Whether the signed-in user may extend it (the bureau its own periods, the procuratorate its notice). */
  mayExtend?: boolean;
}

export interface CaseView extends CaseSummary {
  description: string | null;
  sourceRef: string | null;
  place: string | null;
  redLine: boolean;
  damageMedia: string[];
  parties: Party[];
  stage: string;
  majorBasis: string | null;
  assessment: { route?: string; amountFen?: number; restorability?: string; institution?: string } | null;
  consultation: { meetingsHeld: number; meetingLimit: number; reply?: string; noticeServedAt?: string } | null;
  obligations: Obligation[];
  deadlines: Deadline[];
  allowedEvents: string[];
}

export interface HistoryItem {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: { clientId: string; role: string };
  at: string;
  recordedAt?: string;
  from: string | null;
  to: string;
  version: number;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: (string | number)[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  description?: string;
  pattern?: string;
}

export interface WorkflowState {
  path: string;
  top: string;
  labels: Labels;
  deadlines: string[];
  final: boolean;
  children: string[];
}

export interface WorkflowEvent {
  type: string;
  labels: Labels;
  roles: string[];
  acceptedIn: string[];
  payloadSchema: JsonSchema;
}

export interface Workflow {
  machineVersion: number;
  states: WorkflowState[];
  events: WorkflowEvent[];
  deadlineRules: { rule: string; labels: Labels }[];
  limits: Record<string, number>;
}

export interface Project {
  id: string;
  baseId: string;
  name: string;
  method: string;
  media: string[];
  district: string;
  place?: string | null;
  budgetFen: number;
  minContributionFen?: number | null;
  fundedFen: number;
  gapFen: number;
  status: string;
  startDate?: string | null;
  endDate?: string | null;
  publicBenefit?: string | null;
  acceptanceCriteria?: string | null;
  town?: string | null;
  owner?: string | null;
  implementer?: string | null;
  acceptedDamageTypes?: string[];
  statusLabel?: Labels;
  /** Still seeking money past its end date: matching skips it. */
  expired?: boolean;
  allowedActions?: string[];
  history?: { seq: number; type: string; payload: Record<string, unknown>; actor: { clientId: string; role: string }; at: string; from: string | null; to: string }[];
  createdAt?: string;
  updatedAt?: string;
  version?: number;
}

export interface Base {
  id: string;
  name: string;
  district: string;
  place?: string | null;
}

export interface ScoreReason {
  factor: string;
  weight?: number;
  value?: number;
  note?: string;
}

export interface Allocation {
  id: string;
  caseId: string;
  caseNo?: string | null;
  caseTitle?: string | null;
  obligationId: string;
  projectId: string;
  amountFen: number;
  status: string;
  releasedFen?: number;
  caseAccepted?: boolean;
  projectAccepted?: boolean;
  createdAt?: string;
  updatedAt?: string;
  [key: string]: unknown;
}

export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
}
