import type { Labels } from '../../workflows/vocabulary';

/**
 * What each figure means: the one table the JSON reply, the CSV headers, GET /stats/kpis/definitions
 * and docs/kpis.md are written from. No rule defines these rates (domain.md), so every figure states
 * its cohort (which cases, dated by what), its numerator and denominator, and what is excluded and
 * reported apart.
 *
 * A period is [from, to] in China Standard Time calendar days, both included; a case belongs to a
 * cohort when the date that defines the cohort falls inside it. Without from/to: all time.
 */

/** ratio: value = numerator ÷ denominator of cases; money: the same of amounts in fen; days: value is the median. */
export type KpiKind = 'ratio' | 'money' | 'days';

export interface KpiDefinition {
  key: KpiKey;
  kind: KpiKind;
  labels: Labels;
  cohort: string;
  numerator: string;
  denominator: string;
  excluded: string;
  reportedApart: string;
  /** Column headers of the CSV (value, numerator, denominator). */
  csv: [string, string, string];
}

export const kpiKeys = [
  'initiationRate',
  'closureRate',
  'restorationRate',
  'verificationOnTimeRate',
  'procuratorateNoticeOnTimeRate',
  'consultationSuccessRate',
  'daysToAgreement',
  'judicialConfirmationRate',
  'moneyReceivedRate',
  'treasuryReceivedRate',
  'escrowReceivedRate',
  'thirdPartyReceivedRate',
  'escrowAllocationRate',
  'daysLeadToClosure',
] as const;
export type KpiKey = (typeof kpiKeys)[number];

const rateCsv = (zh: string): [string, string, string] => [`${zh}（%）`, `${zh}·分子（件）`, `${zh}·分母（件）`];
const moneyCsv = (zh: string): [string, string, string] => [`${zh}（%）`, `${zh}·分子（元）`, `${zh}·分母（元）`];
const daysCsv = (zh: string): [string, string, string] => [`${zh}·中位数（天）`, `${zh}·合计天数`, `${zh}·案件数`];

const openedCohort = 'Cases opened (立案: CLAIM_STARTED, dated by the event) in the period.';

export const kpiDefinitions: Record<KpiKey, KpiDefinition> = {
  initiationRate: {
    key: 'initiationRate',
    kind: 'ratio',
    labels: { zh: '启动率', en: 'Initiation rate' },
    cohort: 'Leads whose damage was confirmed in preliminary verification (DAMAGE_CONFIRMED) in the period.',
    numerator: 'Cohort leads whose claim was started (CLAIM_STARTED, 立案), whenever that happened.',
    denominator: 'Cohort leads, less those lawfully not started: a CLAIM_NOT_STARTED decision (any of its six reasons) or a termination before the claim started.',
    excluded: 'Lawfully not started (by reason code) and terminated before the start.',
    reportedApart:
      'notStartedByReason (the excluded CLAIM_NOT_STARTED decisions by reason), terminatedBeforeStart; within the denominator: pendingDecision (no decision yet) and deemedNotPursued (the procuratorate\'s public notice ended unanswered: counted as not started by the bureau).',
    csv: rateCsv('启动率'),
  },
  closureRate: {
    key: 'closureRate',
    kind: 'ratio',
    labels: { zh: '结案率', en: 'Closure rate' },
    cohort: openedCohort,
    numerator: 'Cohort cases closed with outcome completed (结案归档) or dismissed (the court dismissed the claim).',
    denominator: 'Cohort cases, less the terminated ones (终止).',
    excluded: 'Terminated cases. Leads never opened (no damage, not started) are not in the cohort at all.',
    reportedApart: 'terminatedByReason; notStartedInPeriod (CLAIM_NOT_STARTED decisions dated in the period); within the fraction: dismissed, stillOpen.',
    csv: rateCsv('结案率'),
  },
  restorationRate: {
    key: 'restorationRate',
    kind: 'ratio',
    labels: { zh: '修复率', en: 'Restoration rate' },
    cohort: `${openedCohort} Of these, the cases with a restoration or substitute-restoration duty (restorationStatus is not none).`,
    numerator:
      'Cohort cases whose restoration is done (restorationStatus restored): evaluation passed or exempted, every on-site duty performed, all substitute or escrow money allocated to projects and every funded project accepted.',
    denominator: 'Cohort cases with such a duty, less the terminated ones.',
    excluded: 'Terminated cases that had a duty.',
    reportedApart:
      'terminatedWithDuty; byStatus (pending, partly_allocated, allocated, in_progress, restored); escrowUnallocated (cases with escrow money not yet allocated to a project: counted as not restored).',
    csv: rateCsv('修复率'),
  },
  verificationOnTimeRate: {
    key: 'verificationOnTimeRate',
    kind: 'ratio',
    labels: { zh: '初步核查按期完成率（30日）', en: 'Verification within 30 days' },
    cohort: 'Leads received in the period that went to preliminary verification (their verification_30d deadline opened).',
    numerator: 'Cohort leads whose verification ended by its due date (as extended lawfully, suspension not counted).',
    denominator: 'Cohort leads whose verification ended, plus those still in verification past the due date.',
    excluded: 'Still in verification and not yet due (pending); verification cancelled before its due date (e.g. terminated).',
    reportedApart: 'pending, cancelled.',
    csv: rateCsv('初步核查按期完成率'),
  },
  procuratorateNoticeOnTimeRate: {
    key: 'procuratorateNoticeOnTimeRate',
    kind: 'ratio',
    labels: { zh: '立案后15日内告知检察机关率', en: 'Procuratorate notified within 15 days' },
    cohort: openedCohort,
    numerator: 'Cohort cases whose procuratorate was notified in writing by the due date (procuratorate_notice_15d met in time).',
    denominator: 'Cohort cases notified, plus those not notified past the due date (open past due, missed, or closed after the due date without a notice).',
    excluded: 'Not yet due (pending); closed before the due date without a notice (cancelled).',
    reportedApart: 'pending, cancelled.',
    csv: rateCsv('15日内告知检察机关率'),
  },
  consultationSuccessRate: {
    key: 'consultationSuccessRate',
    kind: 'ratio',
    labels: { zh: '磋商成功率', en: 'Consultation success rate' },
    cohort: 'Cases whose first consultation notice (磋商通知书) was served in the period.',
    numerator: 'Cohort cases that reached agreement (CONSULTATION_AGREED) in any round.',
    denominator: 'Cohort cases whose consultation has a result: agreed, or failed (磋商不成) with no later agreement.',
    excluded: 'Consultations still going on (including a re-consultation after a failure), and cases terminated before any result.',
    reportedApart: 'ongoing, terminated, reconsulted (cases with more than one round).',
    csv: rateCsv('磋商成功率'),
  },
  daysToAgreement: {
    key: 'daysToAgreement',
    kind: 'days',
    labels: { zh: '磋商达成协议用时', en: 'Days from consultation notice to agreement' },
    cohort: 'Cases that reached agreement in consultation in the period (dated by the agreement).',
    numerator: 'Sum over the cohort of the days from the notice of the agreeing round to the agreement.',
    denominator: 'Number of cohort cases.',
    excluded: 'Nothing; value is the median, numerator ÷ denominator the mean.',
    reportedApart: 'mean, p90.',
    csv: daysCsv('磋商达成协议用时'),
  },
  judicialConfirmationRate: {
    key: 'judicialConfirmationRate',
    kind: 'ratio',
    labels: { zh: '司法确认率', en: 'Judicial confirmation rate' },
    cohort: 'Compensation agreements signed in the period (for an agreement the court rejected: dated by the application).',
    numerator: 'Cohort agreements confirmed by the court (司法确认, enforceable).',
    denominator: 'Cohort agreements with a decision: confirmed, rejected by the court, or performed without applying (waived).',
    excluded: 'Signed with no decision yet whether to apply (pending), and applications awaiting the ruling.',
    reportedApart: 'pending, awaitingRuling, rejected, waived.',
    csv: rateCsv('司法确认率'),
  },
  moneyReceivedRate: {
    key: 'moneyReceivedRate',
    kind: 'money',
    labels: { zh: '赔偿资金到位率', en: 'Money received / money due' },
    cohort: openedCohort,
    numerator: 'Money received on the cohort\'s obligations, in fen: payments recorded plus escrow deposits.',
    denominator: 'Money due on the cohort\'s obligations, in fen (every obligation with an amount).',
    excluded: 'Obligations without an amount (restoration in kind, apologies).',
    reportedApart: 'by destination: treasuryReceivedRate, escrowReceivedRate, thirdPartyReceivedRate.',
    csv: moneyCsv('赔偿资金到位率'),
  },
  treasuryReceivedRate: {
    key: 'treasuryReceivedRate',
    kind: 'money',
    labels: { zh: '赔偿金缴入国库到位率', en: 'Treasury: received / due' },
    cohort: openedCohort,
    numerator: 'Received on compensation payments and costs (non-tax revenue to the treasury), in fen.',
    denominator: 'Due on compensation payments and costs, in fen.',
    excluded: 'Other obligation kinds.',
    reportedApart: '—',
    csv: moneyCsv('缴入国库到位率'),
  },
  escrowReceivedRate: {
    key: 'escrowReceivedRate',
    kind: 'money',
    labels: { zh: '公证提存到位率', en: 'Escrow: deposited / due' },
    cohort: openedCohort,
    numerator: 'Deposited into the notary\'s escrow account on escrow obligations, in fen.',
    denominator: 'Due on escrow obligations, in fen.',
    excluded: 'Other obligation kinds.',
    reportedApart: '—',
    csv: moneyCsv('公证提存到位率'),
  },
  thirdPartyReceivedRate: {
    key: 'thirdPartyReceivedRate',
    kind: 'money',
    labels: { zh: '第三方及替代性修复资金到位率', en: 'Third party and substitute restoration: received / due' },
    cohort: openedCohort,
    numerator: 'Paid (or deposited) on third-party and substitute-restoration obligations, in fen.',
    denominator: 'Due on third-party and substitute-restoration obligations, in fen.',
    excluded: 'Other obligation kinds.',
    reportedApart: '—',
    csv: moneyCsv('第三方修复资金到位率'),
  },
  escrowAllocationRate: {
    key: 'escrowAllocationRate',
    kind: 'money',
    labels: { zh: '提存资金分配率', en: 'Escrow allocated / deposited' },
    cohort: 'Escrow deposits made in the period (dated by the deposit).',
    numerator:
      'Of that money, the part confirmed to restoration projects, in fen (a case\'s allocated escrow money is counted against its oldest deposits first).',
    denominator: 'Money deposited, in fen.',
    excluded: 'Nothing.',
    reportedApart: 'ageing: unallocated money by the age of its deposit today (under 1 year, 1–3, 3–5, 5 years and more: the right to collect escrowed property lapses after 5 years).',
    csv: moneyCsv('提存资金分配率'),
  },
  daysLeadToClosure: {
    key: 'daysLeadToClosure',
    kind: 'days',
    labels: { zh: '线索至结案用时', en: 'Days from lead to closure' },
    cohort: 'Cases closed in the period with outcome completed or dismissed (dated by the closure).',
    numerator: 'Sum over the cohort of the days from the lead\'s receipt to the closure.',
    denominator: 'Number of cohort cases.',
    excluded: 'Closures without a claim (no damage, not started) and terminations.',
    reportedApart: 'byClass: the median and count for each case class (major, simplified, formal, documentary, unassessed); mean.',
    csv: daysCsv('线索至结案用时'),
  },
};

/** Dimensions a report can be broken down by (?groupBy=). */
export const groupDimensions = ['district', 'channel', 'caseClass'] as const;
export type GroupDimension = (typeof groupDimensions)[number];

export const groupDimensionLabels: Record<GroupDimension, string> = {
  district: '辖区',
  channel: '线索来源',
  caseClass: '案件类别',
};

export const caseClassLabels: Record<string, Labels> = {
  major: { zh: '重大案件', en: 'Major case' },
  simplified: { zh: '简易评估（小案简办）', en: 'Simplified assessment' },
  formal: { zh: '委托鉴定评估', en: 'Formal appraisal' },
  documentary: { zh: '依据已有文书和监测数据认定', en: 'From existing documents and data' },
  unassessed: { zh: '未评估', en: 'Not assessed' },
};
