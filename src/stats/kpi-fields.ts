import type { CaseContext } from '../../workflows/case-context';
import type { Deadline } from '../../workflows/deadlines';
import { allocatableKinds, restorationKinds } from '../../workflows/vocabulary';

/**
 * Small, flat facts about a case that the statistics count and group on (FerretDB reads whole
 * documents, and v1 lacks $cond: so the figures are computed here, once per change, and the
 * aggregation only has to $match and $group on them). Written with every committed change.
 */
export interface KpiFields {
  damageConfirmed: boolean;
  claimStarted: boolean;
  /** Lawfully not started: the CLAIM_NOT_STARTED reason code. */
  notStartedReason: string | null;
  consultationNoticeServed: boolean;
  consultationAgreed: boolean;
  consultationFailed: boolean;
  daysToAgreement: number | null;
  judicialConfirmationApplied: boolean;
  judicialConfirmed: boolean;
  hasRestorationDuty: boolean;
  moneyDueFen: number;
  moneyPaidFen: number;
  escrowDepositedFen: number;
  /** met / missed / open / null (never opened) */
  verificationDeadline: string | null;
  procuratorateNoticeDeadline: string | null;
}

const DAY = 86_400_000;

function deadlineStatus(deadlines: Deadline[], rule: string): string | null {
  const d = deadlines.filter((x) => x.rule === rule).sort((a, b) => a.openedSeq - b.openedSeq)[0];
  if (!d) return null;
  return d.metLate ? 'missed' : d.status;
}

export function kpiFieldsOf(ctx: CaseContext, deadlines: Deadline[]): KpiFields {
  const rounds = [...ctx.pastConsultations, ctx.consultation];
  const agreed = rounds.find((r) => r.agreedAt);
  const obligations = ctx.obligations;
  return {
    damageConfirmed: ctx.verification?.damage === true,
    claimStarted: ctx.claim?.started === true,
    notStartedReason: ctx.claim?.started === false ? ctx.claim.reasonCode ?? 'other' : null,
    consultationNoticeServed: rounds.some((r) => !!r.noticeServedAt),
    consultationAgreed: !!agreed,
    consultationFailed: rounds.some((r) => !!r.failure),
    daysToAgreement: agreed?.agreedAt && agreed.noticeServedAt ? Math.max(0, Math.round((Date.parse(agreed.agreedAt) - Date.parse(agreed.noticeServedAt)) / DAY)) : null,
    judicialConfirmationApplied: !!ctx.judicialConfirmation,
    judicialConfirmed: ctx.judicialConfirmation?.result === 'confirmed',
    hasRestorationDuty: obligations.some((o) => restorationKinds.includes(o.kind) || allocatableKinds.includes(o.kind)),
    moneyDueFen: obligations.reduce((s, o) => s + (o.amountFen ?? 0), 0),
    moneyPaidFen: obligations.reduce((s, o) => s + o.paidFen + o.escrowDeposits.reduce((t, d) => t + d.amountFen, 0), 0),
    escrowDepositedFen: obligations.reduce((s, o) => s + o.escrowDeposits.reduce((t, d) => t + d.amountFen, 0), 0),
    verificationDeadline: deadlineStatus(deadlines, 'verification_30d'),
    procuratorateNoticeDeadline: deadlineStatus(deadlines, 'procuratorate_notice_15d'),
  };
}
