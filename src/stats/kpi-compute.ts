import type { CaseFact } from './case-facts';
import { caseClasses, type CaseClass } from './kpi-fields';
import type { GroupDimension, KpiKey } from './kpi-definitions';

/**
 * The KPIs as pure functions of the cases' facts, a period and the time of the report: every
 * definition of kpi-definitions.ts in code. No I/O: the service hands in the facts of the cases
 * the caller may see.
 */

export interface Period {
  /** Inclusive start and exclusive end, epoch ms (China Standard Time day boundaries); null: open. */
  fromMs: number | null;
  toMs: number | null;
}

export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface Days extends Rate {
  mean: number | null;
  p90: number | null;
}

export type Counts = Record<string, number>;

export interface KpiReport {
  initiationRate: Rate & { reportedApart: { cohort: number; notStartedByReason: Counts; terminatedBeforeStart: number; pendingDecision: number; deemedNotPursued: number } };
  closureRate: Rate & { reportedApart: { cohort: number; terminatedByReason: Counts; notStartedInPeriod: number; dismissed: number; stillOpen: number } };
  restorationRate: Rate & { reportedApart: { cohort: number; terminatedWithDuty: number; byStatus: Counts; escrowUnallocated: number } };
  verificationOnTimeRate: Rate & { reportedApart: { cohort: number; pending: number; cancelled: number } };
  procuratorateNoticeOnTimeRate: Rate & { reportedApart: { cohort: number; pending: number; cancelled: number } };
  consultationSuccessRate: Rate & { reportedApart: { cohort: number; ongoing: number; terminated: number; reconsulted: number } };
  daysToAgreement: Days;
  judicialConfirmationRate: Rate & { reportedApart: { cohort: number; pending: number; awaitingRuling: number; rejected: number; waived: number } };
  moneyReceivedRate: Rate;
  treasuryReceivedRate: Rate;
  escrowReceivedRate: Rate;
  thirdPartyReceivedRate: Rate;
  escrowAllocationRate: Rate & { reportedApart: { ageing: { bucket: string; labels: { zh: string; en: string }; unallocatedFen: number; deposits: number }[] } };
  daysLeadToClosure: Days & { reportedApart: { byClass: Record<CaseClass, { median: number | null; count: number }> } };
}

/** Counts shown beside the KPIs: the cases received in the period, by state and by district. */
export interface CaseCounts {
  received: number;
  open: number;
  closed: number;
  overdue: number;
  casesByState: { state: string; count: number }[];
  casesByDistrict: { district: string; count: number }[];
}

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

export function inPeriod(t: number | null, p: Period): boolean {
  if (t === null) return false;
  return (p.fromMs === null || t >= p.fromMs) && (p.toMs === null || t < p.toMs);
}

export function rate(numerator: number, denominator: number): Rate {
  return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator };
}

function bump(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Ascending numeric sort without a comparator callback (a typed array sorts numbers natively). */
function sortedNumbers(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  if (q === 0.5) {
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function days(values: number[]): Days {
  const sorted = sortedNumbers(values);
  let total = 0;
  for (const v of values) total += v;
  return { ...rate(total, sorted.length), value: quantile(sorted, 0.5), mean: sorted.length ? total / sorted.length : null, p90: quantile(sorted, 0.9) };
}

/** Whole days between two instants (the business days the parties experience, not hours / 24 rounded up). */
export function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) / DAY));
}

type DeadlineVerdict = 'on_time' | 'late' | 'pending' | 'cancelled';

function deadlineVerdict(outcome: string | null, dueAt: number | null, suspended: boolean, now: number): DeadlineVerdict | null {
  if (outcome === null) return null;
  if (outcome === 'open') return !suspended && dueAt !== null && dueAt < now ? 'late' : 'pending';
  return outcome as DeadlineVerdict;
}

const ageingBuckets = [
  { bucket: 'under_1y', labels: { zh: '不满1年', en: 'under 1 year' }, maxYears: 1 },
  { bucket: '1_3y', labels: { zh: '1至3年', en: '1–3 years' }, maxYears: 3 },
  { bucket: '3_5y', labels: { zh: '3至5年', en: '3–5 years' }, maxYears: 5 },
  { bucket: '5y_plus', labels: { zh: '5年以上（提存物领取权利期限届满）', en: '5 years and more (lapse)' }, maxYears: Infinity },
] as const;

export function computeKpis(facts: Iterable<CaseFact>, period: Period, now: number): KpiReport {
  const init = { cohort: 0, num: 0, notStartedByReason: {} as Counts, terminatedBeforeStart: 0, pendingDecision: 0, deemedNotPursued: 0 };
  const closure = { cohort: 0, num: 0, terminatedByReason: {} as Counts, notStartedInPeriod: 0, dismissed: 0, stillOpen: 0 };
  const restoration = { cohort: 0, num: 0, terminatedWithDuty: 0, byStatus: {} as Counts, escrowUnallocated: 0 };
  const verification = { cohort: 0, onTime: 0, late: 0, pending: 0, cancelled: 0 };
  const notice = { cohort: 0, onTime: 0, late: 0, pending: 0, cancelled: 0 };
  const consultation = { cohort: 0, agreed: 0, failed: 0, ongoing: 0, terminated: 0, reconsulted: 0 };
  const agreementDays: number[] = [];
  const judicial = { cohort: 0, confirmed: 0, rejected: 0, waived: 0, pending: 0, applied: 0 };
  const money = { due: 0, paid: 0, treasuryDue: 0, treasuryPaid: 0, escrowDue: 0, escrowPaid: 0, thirdDue: 0, thirdPaid: 0 };
  const escrow = { deposited: 0, allocated: 0, ageing: ageingBuckets.map((b) => ({ bucket: b.bucket, labels: b.labels, unallocatedFen: 0, deposits: 0 })) };
  const closureDays: number[] = [];
  const closureDaysByClass = new Map<CaseClass, number[]>(caseClasses.map((c) => [c, []]));

  const lo = period.fromMs ?? -Infinity;
  const hi = period.toMs ?? Infinity;
  const within = (t: number | null) => t !== null && t >= lo && t < hi;

  for (const f of facts) {
    const k = f.kpi;
    const suspended = f.stage === 'suspended';

    if (within(k.damageConfirmedAt)) {
      init.cohort += 1;
      if (k.notStarted) bump(init.notStartedByReason, k.notStartedReason ?? 'other');
      else if (k.terminatedBeforeStart) init.terminatedBeforeStart += 1;
      else if (k.claimStarted) init.num += 1;
      else if (k.deemedNotPursued) init.deemedNotPursued += 1;
      else init.pendingDecision += 1;
    }

    if (k.notStarted && within(k.notStartedAt)) closure.notStartedInPeriod += 1;

    const opened = within(k.claimStartedAt);
    if (opened) {
      closure.cohort += 1;
      if (k.terminated) bump(closure.terminatedByReason, k.terminationReason ?? 'other');
      else if (k.completed || k.dismissed) {
        closure.num += 1;
        if (k.dismissed) closure.dismissed += 1;
      } else closure.stillOpen += 1;

      if (k.hasRestorationDuty) {
        restoration.cohort += 1;
        if (k.terminated) restoration.terminatedWithDuty += 1;
        else {
          bump(restoration.byStatus, f.restorationStatus);
          if (f.restorationStatus === 'restored') restoration.num += 1;
        }
        if (f.escrow.some((d) => d.allocatedFen < d.fen)) restoration.escrowUnallocated += 1;
      }

      const v = deadlineVerdict(k.procuratorateNoticeDeadline, k.procuratorateNoticeDueAt, suspended, now);
      if (v) {
        notice.cohort += 1;
        if (v === 'on_time') notice.onTime += 1;
        else if (v === 'late') notice.late += 1;
        else if (v === 'pending') notice.pending += 1;
        else notice.cancelled += 1;
      }

      money.due += k.moneyDueFen;
      money.paid += k.moneyPaidFen;
      money.treasuryDue += k.treasuryDueFen;
      money.treasuryPaid += k.treasuryPaidFen;
      money.escrowDue += k.escrowDueFen;
      money.escrowPaid += k.escrowPaidFen;
      money.thirdDue += k.thirdPartyDueFen;
      money.thirdPaid += k.thirdPartyPaidFen;
    }

    if (within(f.receivedAt)) {
      const v = deadlineVerdict(k.verificationDeadline, k.verificationDueAt, suspended, now);
      if (v) {
        verification.cohort += 1;
        if (v === 'on_time') verification.onTime += 1;
        else if (v === 'late') verification.late += 1;
        else if (v === 'pending') verification.pending += 1;
        else verification.cancelled += 1;
      }
    }

    if (within(k.consultationNoticeServedAt)) {
      consultation.cohort += 1;
      if (k.consultationRounds > 1) consultation.reconsulted += 1;
      if (k.consultationOutcome === 'agreed') consultation.agreed += 1;
      else if (k.consultationOutcome === 'failed') consultation.failed += 1;
      else if (k.terminated) consultation.terminated += 1;
      else consultation.ongoing += 1;
    }

    if (within(k.agreedAt) && k.daysToAgreement !== null) agreementDays.push(k.daysToAgreement);

    if (k.judicialStatus && within(k.agreementSignedAt)) {
      judicial.cohort += 1;
      switch (k.judicialStatus) {
        case 'confirmed': judicial.confirmed += 1; break;
        case 'rejected': judicial.rejected += 1; break;
        case 'waived': judicial.waived += 1; break;
        case 'applied': judicial.applied += 1; break;
        default: judicial.pending += 1;
      }
    }

    for (const d of f.escrow) {
      if (!within(d.at)) continue;
      escrow.deposited += d.fen;
      escrow.allocated += d.allocatedFen;
      const unallocated = d.fen - d.allocatedFen;
      if (unallocated > 0) {
        const age = (now - d.at) / YEAR;
        const i = ageingBuckets.findIndex((b) => age < b.maxYears);
        escrow.ageing[i]!.unallocatedFen += unallocated;
        escrow.ageing[i]!.deposits += 1;
      }
    }

    if ((k.completed || k.dismissed) && within(k.closedAt)) {
      const d = daysBetween(f.receivedAt, k.closedAt!);
      closureDays.push(d);
      closureDaysByClass.get(k.caseClass)?.push(d);
    }
  }

  const byClass = Object.fromEntries(
    caseClasses.map((c) => {
      const sorted = sortedNumbers(closureDaysByClass.get(c)!);
      return [c, { median: quantile(sorted, 0.5), count: sorted.length }];
    }),
  ) as Record<CaseClass, { median: number | null; count: number }>;
  const excludedFromInit = Object.values(init.notStartedByReason).reduce((s, n) => s + n, 0) + init.terminatedBeforeStart;
  const terminated = Object.values(closure.terminatedByReason).reduce((s, n) => s + n, 0);

  return {
    initiationRate: {
      ...rate(init.num, init.cohort - excludedFromInit),
      reportedApart: {
        cohort: init.cohort,
        notStartedByReason: init.notStartedByReason,
        terminatedBeforeStart: init.terminatedBeforeStart,
        pendingDecision: init.pendingDecision,
        deemedNotPursued: init.deemedNotPursued,
      },
    },
    closureRate: {
      ...rate(closure.num, closure.cohort - terminated),
      reportedApart: {
        cohort: closure.cohort,
        terminatedByReason: closure.terminatedByReason,
        notStartedInPeriod: closure.notStartedInPeriod,
        dismissed: closure.dismissed,
        stillOpen: closure.stillOpen,
      },
    },
    restorationRate: {
      ...rate(restoration.num, restoration.cohort - restoration.terminatedWithDuty),
      reportedApart: {
        cohort: restoration.cohort,
        terminatedWithDuty: restoration.terminatedWithDuty,
        byStatus: restoration.byStatus,
        escrowUnallocated: restoration.escrowUnallocated,
      },
    },
    verificationOnTimeRate: {
      ...rate(verification.onTime, verification.onTime + verification.late),
      reportedApart: { cohort: verification.cohort, pending: verification.pending, cancelled: verification.cancelled },
    },
    procuratorateNoticeOnTimeRate: {
      ...rate(notice.onTime, notice.onTime + notice.late),
      reportedApart: { cohort: notice.cohort, pending: notice.pending, cancelled: notice.cancelled },
    },
    consultationSuccessRate: {
      ...rate(consultation.agreed, consultation.agreed + consultation.failed),
      reportedApart: { cohort: consultation.cohort, ongoing: consultation.ongoing, terminated: consultation.terminated, reconsulted: consultation.reconsulted },
    },
    daysToAgreement: days(agreementDays),
    judicialConfirmationRate: {
      ...rate(judicial.confirmed, judicial.confirmed + judicial.rejected + judicial.waived),
      reportedApart: { cohort: judicial.cohort, pending: judicial.pending, awaitingRuling: judicial.applied, rejected: judicial.rejected, waived: judicial.waived },
    },
    moneyReceivedRate: rate(money.paid, money.due),
    treasuryReceivedRate: rate(money.treasuryPaid, money.treasuryDue),
    escrowReceivedRate: rate(money.escrowPaid, money.escrowDue),
    thirdPartyReceivedRate: rate(money.thirdPaid, money.thirdDue),
    escrowAllocationRate: { ...rate(escrow.allocated, escrow.deposited), reportedApart: { ageing: escrow.ageing } },
    daysLeadToClosure: { ...days(closureDays), reportedApart: { byClass } },
  };
}

export function countCases(facts: Iterable<CaseFact>, period: Period, now: number): CaseCounts {
  const byState = new Map<string, number>();
  const byDistrict = new Map<string, number>();
  let received = 0;
  let closed = 0;
  let overdue = 0;
  for (const f of facts) {
    if (!inPeriod(f.receivedAt, period)) continue;
    received += 1;
    if (f.stage === 'closed') closed += 1;
    if (isOverdue(f, now)) overdue += 1;
    byState.set(f.stage, (byState.get(f.stage) ?? 0) + 1);
    byDistrict.set(f.district, (byDistrict.get(f.district) ?? 0) + 1);
  }
  return {
    received,
    open: received - closed,
    closed,
    overdue,
    casesByState: [...byState].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || a.state.localeCompare(b.state)),
    casesByDistrict: [...byDistrict].map(([district, count]) => ({ district, count })).sort((a, b) => b.count - a.count || a.district.localeCompare(b.district)),
  };
}

/** An open deadline past due (a suspended case's clock is stopped), or one the scheduler marked missed. */
export function overdueDeadlines(f: CaseFact, now: number) {
  return f.deadlines.filter((d) => d.status === 'missed' || (d.dueAt < now && f.stage !== 'suspended'));
}

export function isOverdue(f: CaseFact, now: number): boolean {
  for (const d of f.deadlines) if (d.status === 'missed' || (d.dueAt < now && f.stage !== 'suspended')) return true;
  return false;
}

export function groupKeyOf(f: CaseFact, dim: GroupDimension): string {
  if (dim === 'caseClass') return f.kpi.caseClass;
  return f[dim];
}

export function groupFacts(facts: Iterable<CaseFact>, dim: GroupDimension): Map<string, CaseFact[]> {
  const groups = new Map<string, CaseFact[]>();
  for (const f of facts) {
    const key = groupKeyOf(f, dim);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

export type KpiValues = Pick<KpiReport, KpiKey>;
