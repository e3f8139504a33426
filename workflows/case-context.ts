import type { CaseEventPayload, CaseEventType, ObligationInput } from './case-events';
import type { DeadlineRuleName } from './rules';
import type { ObligationStatus, Outcome, Role } from './vocabulary';

/**
 * What the machine remembers about a case: the procedure's own data. Descriptive data (title,
 * place, parties' names) lives beside the snapshot on the case document; the machine only needs the
 * facts its guards read. Keys are plain identifiers: the snapshot is stored as a MongoDB document.
 */

export type TopState =
  | 'lead' | 'verification' | 'startDecision' | 'investigation' | 'assessment' | 'consultation'
  | 'agreement' | 'judicialConfirmation' | 'litigation' | 'publicInterestLitigation' | 'performance'
  | 'evaluation' | 'suspended' | 'closed';

export interface EscrowDeposit {
  amountFen: number;
  notary: string;
  certificateNo: string;
  depositedAt: string;
}

export interface Obligation extends ObligationInput {
  id: string;
  status: ObligationStatus;
  source: 'agreement' | 'judgment' | 'follow_up';
  paidFen: number;
  escrowDeposits: EscrowDeposit[];
  evidenceRefs: string[];
  enforcement?: { court: string; at: string };
  updatedAt: string;
}

export interface ConsultationMeeting {
  heldAt: string;
  obligorAttended: boolean;
  attendees: string[];
  minutesRef?: string;
}

export interface ConsultationRound {
  round: number;
  noticeServedAt?: string;
  replyDueAt?: string;
  reply?: 'agree_to_consult' | 'refuse';
  repliedAt?: string;
  meetings: ConsultationMeeting[];
  failure?: { reasonCode: string; note?: string; at: string };
  agreedAt?: string;
}

export interface CaseContext {
  receivedAt: string;
  redLine: boolean;
  partyIds: string[];
  /** Agreement duties replaced by a judgment on the agreement's default (LAWSUIT_FILED basis agreement_default). */
  supersededObligations?: Obligation[];
  /** History seqs of payments and deposits reversed by MONEY_RECORD_REVERSED. */
  reversedMoneyRecords?: number[];
  /** Administrative penalty decisions against the parties, entered by the handler (the re-offence check). */
  priorPenalties?: { partyId: string; decisionRef: string; decidedAt: string; authority?: string; at: string }[];
  /** The top-level state the case is in, or was in when suspended: collective reviews belong to one stage. */
  stage: TopState;
  major: boolean;
  majorBasis?: string;
  collectiveReview?: { stage: TopState; decision: string; minutesRef?: string; attendees?: string[]; recordedBy?: string; at: string };
  screening?: { outcome: string; duplicateOf?: string; note?: string; at: string };
  verification?: { damage: boolean; findings?: string; reason?: string; at: string };
  claim?: { started: boolean; at: string; reasonCode?: string; note?: string; priorPenaltyRef?: string };
  procuratorate: {
    notified?: { procuratorate: string; noticeRef?: string; at: string };
    handedTo?: { procuratorate: string; note?: string; at: string };
    /** The procuratorate's public notice urging the claim (30 days to answer in writing). */
    publicNotice?: { noticeRef: string; publishedAt: string; at: string };
    deemedNotPursued?: { noticeRef: string; noticeEndedAt: string; at: string };
    /** The bureau's written answer (函告) to the public notice. */
    reply?: { letterRef: string; intent: string; note?: string; at: string };
    supportRequested?: boolean;
    supportProvided: { note?: string; at: string }[];
    suit?: { court: string; filedAt: string };
  };
  investigation?: { conclusion: 'assess' | 'terminate'; obligorsIdentified: boolean; reportRef?: string; at: string };
  assessment?: CaseEventPayload<'ASSESSMENT_COMPLETED'> & { at: string };
  consultation: ConsultationRound;
  pastConsultations: ConsultationRound[];
  agreement?: { signedAt?: string; agreementRef?: string; bondFen?: number };
  judicialConfirmation?: { court: string; appliedAt: string; noticePublishedAt?: string; noticeRef?: string; result?: 'confirmed' | 'rejected'; rulingRef?: string; ruledAt?: string };
  litigation?: { court: string; filedAt: string; supportRequestedFromProcuratorate?: boolean; basis?: 'agreement_default'; obligationIds?: string[] };
  judgment?: { outcome: string; judgmentRef?: string; at: string; by: Role };
  /** A confirmed agreement or a judgment: obligations can be enforced by the court. */
  enforceable: boolean;
  obligations: Obligation[];
  nextObligationNo: number;
  evaluation?: { result: 'passed' | 'failed' | 'exempted'; reportRef?: string; reasonCode?: string; note?: string; at: string };
  evaluationsFailed: number;
  suspension?: { reason: string; at: string; from: TopState };
  termination?: { reasonCode: string; note: string; at: string };
  outcome?: Outcome;
  closedAt?: string;
  archiveRef?: string;
}

/** What the service knows and tells the machine with every event (the machine never reads a clock or a database). */
export interface CaseFacts {
  now: string;
  /** Rules with a deadline that is open and past due, or marked missed. */
  overdueRules: DeadlineRuleName[];
  /** Due dates of the open or missed deadlines by rule (the latest per rule), for DEADLINE_EXTENDED. */
  openDeadlines: Record<string, string>;
  /** For CLAIM_NOT_STARTED: a party's creditCode/idNumber found on another case received within the window before this one. */
  reoffence?: { partyId: string; otherCaseId: string; otherReceivedAt: string } | null;
  /** For MONEY_RECORD_REVERSED: the history entry it names, when that entry recorded money, and how much of that obligation's money is allocated to projects. */
  moneyRecord?: MoneyRecord | null;
  allocatedFen?: number;
}

/** A payment (OBLIGATION_PROGRESS.paidFen) or an escrow deposit (ESCROW_DEPOSITED), as its history entry recorded it. */
export interface MoneyRecord {
  seq: number;
  type: 'OBLIGATION_PROGRESS' | 'ESCROW_DEPOSITED';
  obligationId: string;
  amountFen: number;
  certificateNo?: string;
}

export type CaseMachineEvent = {
  [K in CaseEventType]: { type: K; payload: CaseEventPayload<K>; at: string; facts: CaseFacts; actor: { clientId: string; role: Role } };
}[CaseEventType];

export type CaseEventOf<K extends CaseEventType> = Extract<CaseMachineEvent, { type: K }>;

export interface CaseMachineInput {
  receivedAt: string;
  redLine: boolean;
  partyIds: string[];
}
