import type { CaseContext, Obligation } from '../../workflows/case-context';
import type { Deadline } from '../../workflows/deadlines';
import { allocatableKinds, restorationKinds, type ObligationKind } from '../../workflows/vocabulary';

/**
 * Small, flat facts about a case that the statistics count and group on, computed here once per
 * committed change (FerretDB v1 lacks $cond, so nothing has to be decided inside an aggregation).
 * Flags are 0/1 numbers, so `{ $sum: '$kpi.claimStarted' }` counts them on both engines; dates are
 * BSON dates; money is integer fen. What each field feeds is written down in docs/kpis.md.
 *
 * The statistics read these together with the case's own top-level fields (district, channel,
 * receivedAt, stage, outcome, restorationStatus, restorationFacts), which stay current when the
 * restoration track changes them without a case event.
 */

/** Bump when a field is added or its meaning changes: older documents are recomputed from their snapshot on read. */
export const KPI_FIELDS_VERSION = 2;

export type Flag = 0 | 1;

/** major takes precedence; otherwise the assessment route (小案简办 is `simplified`); `unassessed` before an assessment. */
export type CaseClass = 'major' | 'simplified' | 'formal' | 'documentary' | 'unassessed';
export const caseClasses: readonly CaseClass[] = ['major', 'simplified', 'formal', 'documentary', 'unassessed'];

/**
 * How a time limit went: met by its due date, late (met after it, missed, or cancelled after it),
 * still open (the reader compares dueAt with the time of the report), or cancelled before it was due.
 */
export type DeadlineOutcome = 'on_time' | 'late' | 'open' | 'cancelled';

/** The judicial confirmation (司法确认) of the case's agreement. */
export type JudicialStatus = 'pending' | 'applied' | 'confirmed' | 'rejected' | 'waived';

/** agreed in some round; failed (the last round failed and none agreed); ongoing (a notice was served, no result yet). */
export type ConsultationOutcome = 'agreed' | 'failed' | 'ongoing';

export interface EscrowDepositFact {
  obligationId: string;
  at: Date;
  fen: number;
}

export interface KpiFields {
  v: number;
  caseClass: CaseClass;
  major: Flag;

  /** 初步核查: damage confirmed, and when. */
  damageConfirmed: Flag;
  damageConfirmedAt: Date | null;
  /** 启动索赔: CLAIM_STARTED (立案), and when. */
  claimStarted: Flag;
  claimStartedAt: Date | null;
  /** Lawfully not started (CLAIM_NOT_STARTED), its reason code and date. */
  notStarted: Flag;
  notStartedReason: string | null;
  notStartedAt: Date | null;
  /** The procuratorate's public notice ended without a written answer (视为不提起索赔). */
  deemedNotPursued: Flag;
  terminated: Flag;
  terminationReason: string | null;
  /** Terminated before the claim was started: a lawful way of not starting it, found later. */
  terminatedBeforeStart: Flag;
  /** Closed with outcome completed / dismissed, and when the case closed (any outcome). */
  completed: Flag;
  dismissed: Flag;
  closedAt: Date | null;

  verificationDeadline: DeadlineOutcome | null;
  verificationDueAt: Date | null;
  procuratorateNoticeDeadline: DeadlineOutcome | null;
  procuratorateNoticeDueAt: Date | null;

  /** First consultation notice served (磋商通知书送达). */
  consultationNoticeServedAt: Date | null;
  consultationOutcome: ConsultationOutcome | null;
  consultationRounds: number;
  consultationNoticeServed: Flag;
  consultationAgreed: Flag;
  consultationFailed: Flag;
  agreedAt: Date | null;
  /** Days from the notice of the agreeing round to the agreement. */
  daysToAgreement: number | null;

  /** Signing date of the agreement (for one the court rejected, the date of the application). */
  agreementSignedAt: Date | null;
  judicialStatus: JudicialStatus | null;
  judicialConfirmationApplied: Flag;
  judicialConfirmed: Flag;

  /** A restoration or substitute-restoration duty (restorationStatus is then not `none`). */
  hasRestorationDuty: Flag;
  evaluationResult: 'passed' | 'failed' | 'exempted' | null;

  /** Money owed and received, in fen: all obligations, and by where the money goes. */
  moneyDueFen: number;
  moneyPaidFen: number;
  treasuryDueFen: number;
  treasuryPaidFen: number;
  escrowDueFen: number;
  /** Received on escrow obligations (deposits and any payment). */
  escrowPaidFen: number;
  /** Every escrow deposit, whatever the obligation's kind (the escrow ledger reads this). */
  escrowDepositedFen: number;
  thirdPartyDueFen: number;
  thirdPartyPaidFen: number;
  /** Every notarial escrow deposit (公证提存), for allocation and ageing. */
  escrowDeposits: EscrowDepositFact[];
}

const DAY = 86_400_000;

/** Compensation money and costs go to the treasury as non-tax revenue. */
const treasuryKinds: readonly ObligationKind[] = ['payment', 'costs'];
/** Money paid to whoever restores: a third party, or a restoration-base project. */
const thirdPartyKinds: readonly ObligationKind[] = ['third_party_restoration', 'substitute_restoration'];

const date = (iso: string | undefined | null): Date | null => (iso ? new Date(iso) : null);
const flag = (b: boolean): Flag => (b ? 1 : 0);

function deadlineOutcome(deadlines: readonly Deadline[], rule: string): { outcome: DeadlineOutcome | null; dueAt: Date | null } {
  const d = deadlines.filter((x) => x.rule === rule).sort((a, b) => a.openedSeq - b.openedSeq)[0];
  if (!d) return { outcome: null, dueAt: null };
  const settledLate = !!d.settledAt && d.settledAt > d.dueAt;
  let outcome: DeadlineOutcome;
  if (d.status === 'missed' || d.metLate) outcome = 'late';
  else if (d.status === 'met') outcome = settledLate ? 'late' : 'on_time';
  else if (d.status === 'cancelled') outcome = settledLate ? 'late' : 'cancelled';
  else outcome = 'open';
  return { outcome, dueAt: new Date(d.dueAt) };
}

function caseClassOf(ctx: CaseContext): CaseClass {
  if (ctx.major) return 'major';
  return ctx.assessment?.route ?? 'unassessed';
}

function judicialStatusOf(ctx: CaseContext): JudicialStatus | null {
  const jc = ctx.judicialConfirmation;
  const signed = !!ctx.agreement?.signedAt;
  if (jc?.result === 'confirmed') return 'confirmed';
  if (signed) {
    if (jc && !jc.result) return 'applied';
    if (ctx.stage === 'agreement') return 'pending';
    return 'waived';
  }
  if (jc?.result === 'rejected') return 'rejected';
  if (jc && !jc.result) return 'applied';
  return null;
}

function received(o: Obligation): number {
  return o.paidFen + o.escrowDeposits.reduce((t, d) => t + d.amountFen, 0);
}

export function kpiFieldsOf(ctx: CaseContext, deadlines: Deadline[]): KpiFields {
  const rounds = [...ctx.pastConsultations, ctx.consultation];
  const agreed = rounds.find((r) => r.agreedAt);
  const served = rounds.find((r) => r.noticeServedAt);
  const obligations = ctx.obligations;
  const sum = (kinds: readonly ObligationKind[] | null, f: (o: Obligation) => number) =>
    obligations.filter((o) => !kinds || kinds.includes(o.kind)).reduce((s, o) => s + f(o), 0);
  const due = (o: Obligation) => o.amountFen ?? 0;
  const verification = deadlineOutcome(deadlines, 'verification_30d');
  const notice = deadlineOutcome(deadlines, 'procuratorate_notice_15d');
  const claimStarted = ctx.claim?.started === true;
  const terminated = ctx.outcome === 'terminated';

  let consultationOutcome: ConsultationOutcome | null = null;
  if (agreed) consultationOutcome = 'agreed';
  else if (ctx.consultation.failure) consultationOutcome = 'failed';
  else if (served) consultationOutcome = 'ongoing';

  return {
    v: KPI_FIELDS_VERSION,
    caseClass: caseClassOf(ctx),
    major: flag(ctx.major),

    damageConfirmed: flag(ctx.verification?.damage === true),
    damageConfirmedAt: ctx.verification?.damage === true ? date(ctx.verification.at) : null,
    claimStarted: flag(claimStarted),
    claimStartedAt: claimStarted ? date(ctx.claim!.at) : null,
    notStarted: flag(ctx.claim?.started === false),
    notStartedReason: ctx.claim?.started === false ? ctx.claim.reasonCode ?? 'other' : null,
    notStartedAt: ctx.claim?.started === false ? date(ctx.claim.at) : null,
    deemedNotPursued: flag(!!ctx.procuratorate.deemedNotPursued),
    terminated: flag(terminated),
    terminationReason: terminated ? ctx.termination?.reasonCode ?? (ctx.investigation?.conclusion === 'terminate' ? 'investigation' : 'other') : null,
    terminatedBeforeStart: flag(terminated && !claimStarted),
    completed: flag(ctx.outcome === 'completed'),
    dismissed: flag(ctx.outcome === 'dismissed'),
    closedAt: date(ctx.closedAt),

    verificationDeadline: verification.outcome,
    verificationDueAt: verification.dueAt,
    procuratorateNoticeDeadline: notice.outcome,
    procuratorateNoticeDueAt: notice.dueAt,

    consultationNoticeServedAt: date(served?.noticeServedAt),
    consultationOutcome,
    consultationRounds: rounds.filter((r) => r.noticeServedAt).length,
    consultationNoticeServed: flag(!!served),
    consultationAgreed: flag(!!agreed),
    consultationFailed: flag(rounds.some((r) => !!r.failure)),
    agreedAt: date(agreed?.agreedAt),
    daysToAgreement:
      agreed?.agreedAt && agreed.noticeServedAt ? Math.max(0, Math.round((Date.parse(agreed.agreedAt) - Date.parse(agreed.noticeServedAt)) / DAY)) : null,

    agreementSignedAt: date(ctx.agreement?.signedAt ?? (ctx.judicialConfirmation?.result === 'rejected' ? ctx.judicialConfirmation.appliedAt : undefined)),
    judicialStatus: judicialStatusOf(ctx),
    judicialConfirmationApplied: flag(!!ctx.judicialConfirmation),
    judicialConfirmed: flag(ctx.judicialConfirmation?.result === 'confirmed'),

    hasRestorationDuty: flag(obligations.some((o) => restorationKinds.includes(o.kind) || allocatableKinds.includes(o.kind))),
    evaluationResult: ctx.evaluation?.result ?? null,

    moneyDueFen: sum(null, due),
    moneyPaidFen: sum(null, received),
    treasuryDueFen: sum(treasuryKinds, due),
    treasuryPaidFen: sum(treasuryKinds, received),
    escrowDueFen: sum(['escrow'], due),
    escrowPaidFen: sum(['escrow'], received),
    escrowDepositedFen: sum(null, (o) => o.escrowDeposits.reduce((t, d) => t + d.amountFen, 0)),
    thirdPartyDueFen: sum(thirdPartyKinds, due),
    thirdPartyPaidFen: sum(thirdPartyKinds, received),
    escrowDeposits: obligations.flatMap((o) => o.escrowDeposits.map((d) => ({ obligationId: o.id, at: new Date(d.depositedAt), fen: d.amountFen }))),
  };
}
