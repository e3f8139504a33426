import type { CaseFact } from './case-facts';
import { caseClasses, type CaseClass } from './kpi-fields';
import type { KpiKey } from './kpi-definitions';
import { CONSULTATION, DEADLINE, FLAG, JUDICIAL, type FactTable } from './fact-table';

/**
 * The KPIs as pure functions of the cases' facts (a FactTable and the rows the caller may see),
 * a period and the time of the report: every definition of kpi-definitions.ts in code. No I/O.
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

export function rate(numerator: number, denominator: number): Rate {
  return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator };
}

function bump(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/**
 * Quantiles of whole-day durations by counting (O(n + largest value)) rather than sorting: a report
 * takes them several times over tens of thousands of cases.
 */
function dayQuantiles(values: readonly number[]): { count: number; total: number; median: number | null; p90: number | null } {
  const n = values.length;
  if (n === 0) return { count: 0, total: 0, median: null, p90: null };
  let max = 0;
  let total = 0;
  for (const v of values) {
    total += v;
    if (v > max) max = v;
  }
  const hist = new Uint32Array(Math.min(max, 1_000_000) + 1);
  for (const v of values) hist[Math.min(Math.max(0, Math.round(v)), hist.length - 1)]! += 1;
  // The k-th smallest value (0-based).
  const nth = (k: number): number => {
    let seen = 0;
    for (let d = 0; d < hist.length; d++) {
      seen += hist[d]!;
      if (seen > k) return d;
    }
    return hist.length - 1;
  };
  const median = n % 2 ? nth((n - 1) / 2) : (nth(n / 2 - 1) + nth(n / 2)) / 2;
  return { count: n, total, median, p90: nth(Math.min(n - 1, Math.ceil(0.9 * n) - 1)) };
}

function days(values: number[]): Days {
  const q = dayQuantiles(values);
  return { ...rate(q.total, q.count), value: q.median, mean: q.count ? q.total / q.count : null, p90: q.p90 };
}

/** Whole days between two instants (the business days the parties experience, not hours / 24 rounded up). */
export function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) / DAY));
}

const VERDICT = { pending: 0, onTime: 1, late: 2, cancelled: 3, none: 4 } as const;

// Module-local copies: an imported binding may compile to a getter call on every use in the loops below.
const F_STARTED = FLAG.claimStarted;
const F_NOT_STARTED = FLAG.notStarted;
const F_TERMINATED_BEFORE_START = FLAG.terminatedBeforeStart;
const F_DEEMED = FLAG.deemedNotPursued;
const F_TERMINATED = FLAG.terminated;
const F_CLOSED = FLAG.completed | FLAG.dismissed;
const F_DISMISSED = FLAG.dismissed;
const F_DUTY = FLAG.hasRestorationDuty;
const F_SUSPENDED = FLAG.suspended;
const F_RESTORED = FLAG.restored;
const F_ESCROW = FLAG.escrow;
const F_MISSED = FLAG.missedDeadline;
const D_ON_TIME = DEADLINE.on_time;
const D_LATE = DEADLINE.late;
const D_CANCELLED = DEADLINE.cancelled;
const D_OPEN = DEADLINE.open;
const C_AGREED = CONSULTATION.agreed;
const C_FAILED = CONSULTATION.failed;
const J_NONE = JUDICIAL.none;
const J_CONFIRMED = JUDICIAL.confirmed;
const J_REJECTED = JUDICIAL.rejected;
const J_WAIVED = JUDICIAL.waived;
const J_PENDING = JUDICIAL.pending;
const J_APPLIED = JUDICIAL.applied;

/** How a deadline KPI counts one case: an open deadline is late once past due, unless the case is suspended (its clock stopped). */
function verdict(code: number, dueAt: number, suspended: boolean, now: number): number {
  switch (code) {
    case D_ON_TIME:
      return VERDICT.onTime;
    case D_LATE:
      return VERDICT.late;
    case D_CANCELLED:
      return VERDICT.cancelled;
    case D_OPEN:
      return !suspended && dueAt < now ? VERDICT.late : VERDICT.pending;
    default:
      return VERDICT.none;
  }
}

const ageingBuckets = [
  { bucket: 'under_1y', labels: { zh: '不满1年', en: 'under 1 year' }, maxYears: 1 },
  { bucket: '1_3y', labels: { zh: '1至3年', en: '1–3 years' }, maxYears: 3 },
  { bucket: '3_5y', labels: { zh: '3至5年', en: '3–5 years' }, maxYears: 5 },
  { bucket: '5y_plus', labels: { zh: '5年以上（提存物领取权利期限届满）', en: '5 years and more (lapse)' }, maxYears: Infinity },
] as const;

/** All rows of a table (every case it holds). */
export function allRows(table: FactTable): Int32Array {
  return table.select(null, false);
}

export function computeKpis(table: FactTable, rows: Int32Array, period: Period, now: number): KpiReport {
  const lo = period.fromMs ?? -Infinity;
  const hi = period.toMs ?? Infinity;
  // NaN (no date) fails both comparisons.
  const within = (t: number) => t >= lo && t < hi;
  const { date, money: m, code, small, flags } = table;
  // Every column in a local: the loop below then reads typed arrays only.
  const receivedAt = date.receivedAt, damageConfirmedAt = date.damageConfirmedAt, claimStartedAt = date.claimStartedAt;
  const notStartedAt = date.notStartedAt, closedAt = date.closedAt, servedAt = date.servedAt, agreedAt = date.agreedAt;
  const signedAt = date.signedAt, verificationDueAt = date.verificationDueAt, noticeDueAt = date.noticeDueAt;
  const moneyDue = m.moneyDue, moneyPaid = m.moneyPaid, treasuryDueCol = m.treasuryDue, treasuryPaidCol = m.treasuryPaid;
  const escrowDueCol = m.escrowDue, escrowPaidCol = m.escrowPaid, thirdDueCol = m.thirdPartyDue, thirdPaidCol = m.thirdPartyPaid;
  const notStartedReasonCol = code.notStartedReason, terminationReasonCol = code.terminationReason, restorationStatusCol = code.restorationStatus;
  const noticeCol = small.notice, verificationCol = small.verification, roundsCol = small.rounds, consultationCol = small.consultation;
  const judicialCol = small.judicial, caseClassCol = small.caseClass, daysToAgreementCol = table.daysToAgreement;
  const reasons = table.dict.notStartedReason.values;
  const terminationReasons = table.dict.terminationReason.values;
  const statuses = table.dict.restorationStatus.values;

  let initCohort = 0, initNum = 0, terminatedBeforeStart = 0, pendingDecision = 0, deemedNotPursued = 0;
  const notStartedByReason: Counts = {};
  let closureCohort = 0, closureNum = 0, dismissed = 0, stillOpen = 0, notStartedInPeriod = 0;
  const terminatedByReason: Counts = {};
  let restCohort = 0, restNum = 0, terminatedWithDuty = 0, escrowUnallocated = 0;
  const byStatusCode = new Float64Array(statuses.length);
  const verification = [0, 0, 0, 0];
  let verificationCohort = 0;
  const notice = [0, 0, 0, 0];
  let noticeCohort = 0;
  let consCohort = 0, agreed = 0, failed = 0, ongoing = 0, consTerminated = 0, reconsulted = 0;
  const agreementDays: number[] = [];
  let judCohort = 0;
  const judicial = new Float64Array(6);
  let due = 0, paid = 0, treasuryDue = 0, treasuryPaid = 0, escrowDue = 0, escrowPaid = 0, thirdDue = 0, thirdPaid = 0;
  let deposited = 0, allocated = 0;
  const ageing = ageingBuckets.map((b) => ({ bucket: b.bucket, labels: b.labels, unallocatedFen: 0, deposits: 0 }));
  const closureDays: number[] = [];
  const closureDaysByClass: number[][] = caseClasses.map(() => []);

  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
    const f = flags[i]!;

    if (within(damageConfirmedAt[i]!)) {
      initCohort += 1;
      if (f & F_NOT_STARTED) bump(notStartedByReason, reasons[notStartedReasonCol[i]!]!);
      else if (f & F_TERMINATED_BEFORE_START) terminatedBeforeStart += 1;
      else if (f & F_STARTED) initNum += 1;
      else if (f & F_DEEMED) deemedNotPursued += 1;
      else pendingDecision += 1;
    }

    if (f & F_NOT_STARTED && within(notStartedAt[i]!)) notStartedInPeriod += 1;

    if (within(claimStartedAt[i]!)) {
      closureCohort += 1;
      if (f & F_TERMINATED) bump(terminatedByReason, terminationReasons[terminationReasonCol[i]!]!);
      else if (f & (F_CLOSED)) {
        closureNum += 1;
        if (f & F_DISMISSED) dismissed += 1;
      } else stillOpen += 1;

      if (f & F_DUTY) {
        restCohort += 1;
        if (f & F_TERMINATED) terminatedWithDuty += 1;
        else {
          byStatusCode[restorationStatusCol[i]!]! += 1;
          if (f & F_RESTORED) restNum += 1;
        }
        if (f & F_ESCROW && table.escrow.get(i)!.some((d) => d.allocatedFen < d.fen)) escrowUnallocated += 1;
      }

      const v = verdict(noticeCol[i]!, noticeDueAt[i]!, (f & F_SUSPENDED) !== 0, now);
      if (v !== VERDICT.none) {
        noticeCohort += 1;
        notice[v]! += 1;
      }

      due += moneyDue[i]!;
      paid += moneyPaid[i]!;
      treasuryDue += treasuryDueCol[i]!;
      treasuryPaid += treasuryPaidCol[i]!;
      escrowDue += escrowDueCol[i]!;
      escrowPaid += escrowPaidCol[i]!;
      thirdDue += thirdDueCol[i]!;
      thirdPaid += thirdPaidCol[i]!;
    }

    if (within(receivedAt[i]!)) {
      const v = verdict(verificationCol[i]!, verificationDueAt[i]!, (f & F_SUSPENDED) !== 0, now);
      if (v !== VERDICT.none) {
        verificationCohort += 1;
        verification[v]! += 1;
      }
    }

    if (within(servedAt[i]!)) {
      consCohort += 1;
      if (roundsCol[i]! > 1) reconsulted += 1;
      const c = consultationCol[i]!;
      if (c === C_AGREED) agreed += 1;
      else if (c === C_FAILED) failed += 1;
      else if (f & F_TERMINATED) consTerminated += 1;
      else ongoing += 1;
    }

    const d2a = daysToAgreementCol[i]!;
    if (!Number.isNaN(d2a) && within(agreedAt[i]!)) agreementDays.push(d2a);

    const jc = judicialCol[i]!;
    if (jc !== J_NONE && within(signedAt[i]!)) {
      judCohort += 1;
      judicial[jc]! += 1;
    }

    if (f & F_ESCROW) {
      for (const d of table.escrow.get(i)!) {
        if (!within(d.at)) continue;
        deposited += d.fen;
        allocated += d.allocatedFen;
        const unallocated = d.fen - d.allocatedFen;
        if (unallocated > 0) {
          const age = (now - d.at) / YEAR;
          const b = ageingBuckets.findIndex((x) => age < x.maxYears);
          ageing[b]!.unallocatedFen += unallocated;
          ageing[b]!.deposits += 1;
        }
      }
    }

    if (f & (F_CLOSED) && within(closedAt[i]!)) {
      const n = daysBetween(receivedAt[i]!, closedAt[i]!);
      closureDays.push(n);
      closureDaysByClass[caseClassCol[i]!]!.push(n);
    }
  }

  const byClass = Object.fromEntries(
    caseClasses.map((c, k) => {
      const q = dayQuantiles(closureDaysByClass[k]!);
      return [c, { median: q.median, count: q.count }];
    }),
  ) as Record<CaseClass, { median: number | null; count: number }>;
  const byStatus: Counts = {};
  statuses.forEach((s, k) => {
    if (byStatusCode[k]) byStatus[s] = byStatusCode[k]!;
  });
  const excludedFromInit = Object.values(notStartedByReason).reduce((s, n) => s + n, 0) + terminatedBeforeStart;
  const terminated = Object.values(terminatedByReason).reduce((s, n) => s + n, 0);

  return {
    initiationRate: {
      ...rate(initNum, initCohort - excludedFromInit),
      reportedApart: { cohort: initCohort, notStartedByReason, terminatedBeforeStart, pendingDecision, deemedNotPursued },
    },
    closureRate: {
      ...rate(closureNum, closureCohort - terminated),
      reportedApart: { cohort: closureCohort, terminatedByReason, notStartedInPeriod, dismissed, stillOpen },
    },
    restorationRate: {
      ...rate(restNum, restCohort - terminatedWithDuty),
      reportedApart: { cohort: restCohort, terminatedWithDuty, byStatus, escrowUnallocated },
    },
    verificationOnTimeRate: {
      ...rate(verification[VERDICT.onTime]!, verification[VERDICT.onTime]! + verification[VERDICT.late]!),
      reportedApart: { cohort: verificationCohort, pending: verification[VERDICT.pending]!, cancelled: verification[VERDICT.cancelled]! },
    },
    procuratorateNoticeOnTimeRate: {
      ...rate(notice[VERDICT.onTime]!, notice[VERDICT.onTime]! + notice[VERDICT.late]!),
      reportedApart: { cohort: noticeCohort, pending: notice[VERDICT.pending]!, cancelled: notice[VERDICT.cancelled]! },
    },
    consultationSuccessRate: {
      ...rate(agreed, agreed + failed),
      reportedApart: { cohort: consCohort, ongoing, terminated: consTerminated, reconsulted },
    },
    daysToAgreement: days(agreementDays),
    judicialConfirmationRate: {
      ...rate(judicial[J_CONFIRMED]!, judicial[J_CONFIRMED]! + judicial[J_REJECTED]! + judicial[J_WAIVED]!),
      reportedApart: {
        cohort: judCohort,
        pending: judicial[J_PENDING]!,
        awaitingRuling: judicial[J_APPLIED]!,
        rejected: judicial[J_REJECTED]!,
        waived: judicial[J_WAIVED]!,
      },
    },
    moneyReceivedRate: rate(paid, due),
    treasuryReceivedRate: rate(treasuryPaid, treasuryDue),
    escrowReceivedRate: rate(escrowPaid, escrowDue),
    thirdPartyReceivedRate: rate(thirdPaid, thirdDue),
    escrowAllocationRate: { ...rate(allocated, deposited), reportedApart: { ageing } },
    daysLeadToClosure: { ...days(closureDays), reportedApart: { byClass } },
  };
}

export function countCases(table: FactTable, rows: Int32Array, period: Period, now: number): CaseCounts {
  const lo = period.fromMs ?? -Infinity;
  const hi = period.toMs ?? Infinity;
  const stages = new Float64Array(table.dict.stage.values.length);
  const districts = new Float64Array(table.dict.district.values.length);
  const closedCode = table.dict.stage.find('closed');
  let received = 0;
  let closed = 0;
  let overdue = 0;
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
    const t = table.date.receivedAt[i]!;
    if (!(t >= lo && t < hi)) continue;
    received += 1;
    const stage = table.code.stage[i]!;
    if (stage === closedCode) closed += 1;
    const f = table.flags[i]!;
    if (f & F_MISSED || (!(f & F_SUSPENDED) && table.date.nextOpenDueAt[i]! < now)) overdue += 1;
    stages[stage]! += 1;
    districts[table.code.district[i]!]! += 1;
  }
  const list = <K extends string>(values: string[], counts: Float64Array, key: K) =>
    values
      .map((v, k) => ({ [key]: v, count: counts[k]! }) as Record<K, string> & { count: number })
      .filter((x) => x.count > 0)
      .sort((a, b) => b.count - a.count || a[key].localeCompare(b[key]));
  return {
    received,
    open: received - closed,
    closed,
    overdue,
    casesByState: list(table.dict.stage.values, stages, 'state'),
    casesByDistrict: list(table.dict.district.values, districts, 'district'),
  };
}

/** An open deadline past due (a suspended case's clock is stopped), or one the scheduler marked missed. */
export function overdueDeadlines(f: CaseFact, now: number) {
  return f.deadlines.filter((d) => d.status === 'missed' || (d.dueAt < now && f.stage !== 'suspended'));
}

export type KpiValues = Pick<KpiReport, KpiKey>;
