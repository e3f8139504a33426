import { toDeadline } from '../cases/deadline-records';
import { countsAsDue } from '../../workflows/deadlines';
import type { DeadlineRecord } from '../../models/case';
import type { CaseContext } from '../../workflows/case-context';
import type { Deadline } from '../../workflows/deadlines';
import type { DeadlineRuleName } from '../../workflows/rules';
import { KPI_FIELDS_VERSION, kpiFieldsOf, type KpiFields } from './kpi-fields';

/**
 * One case as the statistics see it: its dimensions, its KPI facts with dates as epoch
 * milliseconds, and its live deadlines. Built from a small projection of the case document, so
 * the whole set for a province fits in memory (about 1 KB a case).
 */

type Millis<T> = { [K in keyof T]: T[K] extends Date ? number : T[K] extends Date | null ? number | null : T[K] };

export interface FactDeadline {
  id: string;
  rule: DeadlineRuleName;
  dueAt: number;
  status: 'open' | 'missed';
}

export type KpiFacts = Omit<Millis<KpiFields>, 'escrowDeposits'> & { escrowDeposits: { obligationId: string; at: number; fen: number }[] };

export interface CaseFact {
  id: string;
  version: number;
  district: string;
  channel: string;
  procuratorateVisible: boolean;
  caseNo: string | null;
  title: string;
  state: string;
  stage: string;
  receivedAt: number;
  outcome: string | null;
  restorationStatus: string;
  /** Confirmed allocations by obligation (the restoration track's facts). */
  allocatedFenByObligation: Record<string, number>;
  kpi: KpiFacts;
  /** Open and missed deadlines only: the overdue list's material. */
  deadlines: FactDeadline[];
  /** Its escrow deposits with the part of each allocated to projects (see escrowDepositsAllocated). */
  escrow: EscrowDepositAllocated[];
}

export interface EscrowDepositAllocated {
  at: number;
  fen: number;
  allocatedFen: number;
}

/**
 * A case's escrow deposits with the part of each that has been allocated to projects: a case's
 * allocated escrow money is counted against its oldest deposits first, per obligation.
 */
export function escrowDepositsAllocated(deposits: KpiFacts['escrowDeposits'], allocatedFenByObligation: Record<string, number>): EscrowDepositAllocated[] {
  if (deposits.length === 0) return [];
  const byObligation = new Map<string, { at: number; fen: number }[]>();
  for (const d of deposits) byObligation.set(d.obligationId, [...(byObligation.get(d.obligationId) ?? []), { at: d.at, fen: d.fen }]);
  const out: EscrowDepositAllocated[] = [];
  for (const [obligationId, list] of byObligation) {
    let left = allocatedFenByObligation[obligationId] ?? 0;
    for (const d of [...list].sort((a, b) => a.at - b.at)) {
      const allocatedFen = Math.min(d.fen, Math.max(0, left));
      left -= allocatedFen;
      out.push({ ...d, allocatedFen });
    }
  }
  return out;
}

/** The fields of a case document the statistics read (snapshot only for documents written before the current KPI fields). */
export const factProjection = {
  _id: 1,
  version: 1,
  district: 1,
  channel: 1,
  procuratorateVisible: 1,
  caseNo: 1,
  title: 1,
  state: 1,
  stage: 1,
  receivedAt: 1,
  outcome: 1,
  restorationStatus: 1,
  restorationFacts: 1,
  kpi: 1,
  deadlines: 1,
} as const;

export interface FactSource {
  _id: string;
  version: number;
  district: string;
  channel: string;
  procuratorateVisible?: boolean | null;
  caseNo?: string | null;
  title: string;
  state: string;
  stage: string;
  receivedAt: Date;
  outcome?: string | null;
  restorationStatus?: string | null;
  restorationFacts?: unknown;
  kpi?: unknown;
  deadlines?: DeadlineRecord[] | null;
  snapshot?: { context: CaseContext } | null;
}

export function hasCurrentKpi(doc: Pick<FactSource, 'kpi'>): boolean {
  const kpi = doc.kpi as { v?: unknown } | null | undefined;
  return !!kpi && kpi.v === KPI_FIELDS_VERSION;
}


/** The machine's form of stored deadlines, for recomputing KPI fields of older documents. */
export function deadlinesOf(records: readonly DeadlineRecord[]): Deadline[] {
  return records.map(toDeadline);
}

const ms = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : t;
};

/** Written out field by field: every fact object gets the same shape, which keeps reading them fast. */
function kpiFactsOf(k: KpiFields): KpiFacts {
  return {
    v: k.v,
    caseClass: k.caseClass,
    major: k.major,
    damageConfirmed: k.damageConfirmed,
    damageConfirmedAt: ms(k.damageConfirmedAt),
    claimStarted: k.claimStarted,
    claimStartedAt: ms(k.claimStartedAt),
    notStarted: k.notStarted,
    notStartedReason: k.notStartedReason ?? null,
    notStartedAt: ms(k.notStartedAt),
    deemedNotPursued: k.deemedNotPursued,
    terminated: k.terminated,
    terminationReason: k.terminationReason ?? null,
    terminatedBeforeStart: k.terminatedBeforeStart,
    completed: k.completed,
    dismissed: k.dismissed,
    closedAt: ms(k.closedAt),
    verificationDeadline: k.verificationDeadline ?? null,
    verificationDueAt: ms(k.verificationDueAt),
    procuratorateNoticeDeadline: k.procuratorateNoticeDeadline ?? null,
    procuratorateNoticeDueAt: ms(k.procuratorateNoticeDueAt),
    consultationNoticeServedAt: ms(k.consultationNoticeServedAt),
    consultationOutcome: k.consultationOutcome ?? null,
    consultationRounds: k.consultationRounds ?? 0,
    consultationNoticeServed: k.consultationNoticeServed,
    consultationAgreed: k.consultationAgreed,
    consultationFailed: k.consultationFailed,
    agreedAt: ms(k.agreedAt),
    daysToAgreement: k.daysToAgreement ?? null,
    agreementSignedAt: ms(k.agreementSignedAt),
    judicialStatus: k.judicialStatus ?? null,
    judicialConfirmationApplied: k.judicialConfirmationApplied,
    judicialConfirmed: k.judicialConfirmed,
    hasRestorationDuty: k.hasRestorationDuty,
    evaluationResult: k.evaluationResult ?? null,
    moneyDueFen: k.moneyDueFen ?? 0,
    moneyPaidFen: k.moneyPaidFen ?? 0,
    treasuryDueFen: k.treasuryDueFen ?? 0,
    treasuryPaidFen: k.treasuryPaidFen ?? 0,
    escrowDueFen: k.escrowDueFen ?? 0,
    escrowPaidFen: k.escrowPaidFen ?? 0,
    escrowDepositedFen: k.escrowDepositedFen ?? 0,
    thirdPartyDueFen: k.thirdPartyDueFen ?? 0,
    thirdPartyPaidFen: k.thirdPartyPaidFen ?? 0,
    escrowDeposits: (k.escrowDeposits ?? []).map((d) => ({ obligationId: d.obligationId, at: ms(d.at) ?? 0, fen: d.fen })),
  };
}

/**
 * The fact of one case. `doc.kpi` must be current (hasCurrentKpi) or `doc.snapshot` given, from
 * which the KPI fields are recomputed exactly as a commit would write them.
 */
export function factOf(doc: FactSource): CaseFact {
  let kpi: KpiFields;
  if (hasCurrentKpi(doc)) kpi = doc.kpi as KpiFields;
  else if (doc.snapshot?.context) kpi = kpiFieldsOf(doc.snapshot.context, deadlinesOf(doc.deadlines ?? []));
  else throw new Error(`case ${doc._id}: KPI fields of another version and no snapshot to recompute them from`);
  const restoration = (doc.restorationFacts ?? null) as { allocatedFenByObligation?: Record<string, number> } | null;
  const allocatedFenByObligation = { ...(restoration?.allocatedFenByObligation ?? {}) };
  const facts = kpiFactsOf(kpi);
  return {
    id: doc._id,
    version: doc.version,
    district: doc.district,
    channel: doc.channel,
    procuratorateVisible: !!doc.procuratorateVisible,
    caseNo: doc.caseNo ?? null,
    title: doc.title,
    state: doc.state,
    stage: doc.stage,
    receivedAt: ms(doc.receivedAt) ?? 0,
    outcome: doc.outcome ?? null,
    restorationStatus: doc.restorationStatus ?? 'none',
    allocatedFenByObligation,
    kpi: facts,
    deadlines: (doc.deadlines ?? [])
      // A not-before date (the court's notice period) is never overdue.
      .filter((d) => (d.status === 'open' || d.status === 'missed') && countsAsDue(d.rule))
      .map((d) => ({ id: d.id, rule: d.rule as DeadlineRuleName, dueAt: ms(d.dueAt) ?? 0, status: d.status as 'open' | 'missed' })),
    escrow: escrowDepositsAllocated(facts.escrowDeposits, allocatedFenByObligation),
  };
}
