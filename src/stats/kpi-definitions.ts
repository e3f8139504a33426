import type { Labels } from '../../workflows/vocabulary';

/**
 * What each figure means: the one table the JSON reply, the CSV headers, GET /stats/kpis/definitions
 * and docs/kpis.md are written from. No rule defines these rates (domain.md), so every figure states
 * its cohort (which cases, dated by what), its numerator and denominator, and what is excluded and
 * reported apart, in English and, for the bureau's staff, in Chinese (`zh`).
 *
 * A period is [from, to] in China Standard Time calendar days, both included; a case belongs to a
 * cohort when the date that defines the cohort falls inside it. Without from/to: all time.
 */

/** The five texts that define a figure; kept in English and, for the bureau's staff, in Chinese (zh). */
export interface KpiTexts {
  cohort: string;
  numerator: string;
  denominator: string;
  excluded: string;
  reportedApart: string;
}

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
  /** The same five texts in Chinese (统计对象、分子、分母、不计入、另行列示), a faithful translation of the English. */
  zh: KpiTexts;
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
const zhOpenedCohort = '统计期内立案（启动索赔：CLAIM_STARTED，以该事件的日期为准）的案件。';
const zhOtherKinds = '其他种类的义务。';

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
    zh: {
      cohort: '统计期内经初步核查确认存在损害（DAMAGE_CONFIRMED）的线索。',
      numerator: '统计对象中已启动索赔（CLAIM_STARTED，立案）的线索，不论何时启动。',
      denominator: '统计对象线索，扣除依法不启动索赔的：作出不启动索赔决定（CLAIM_NOT_STARTED，六种事由中任一种），或在启动索赔前终止。',
      excluded: '依法不启动索赔的（按事由代码）和启动索赔前终止的。',
      reportedApart: 'notStartedByReason（不计入的不启动索赔决定 CLAIM_NOT_STARTED，按事由分列）、terminatedBeforeStart（启动索赔前终止）；计入分母的：pendingDecision（尚未作出决定）和 deemedNotPursued（检察机关的公告期满未获答复：计为本机关未启动索赔）。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '统计对象中以 completed（结案归档）或 dismissed（人民法院驳回诉讼请求）结案的案件。',
      denominator: '统计对象案件，扣除终止的案件。',
      excluded: '终止的案件。从未立案的线索（无损害、不启动索赔）根本不属于统计对象。',
      reportedApart: 'terminatedByReason（终止的案件，按事由分列）；notStartedInPeriod（统计期内作出的不启动索赔决定 CLAIM_NOT_STARTED）；比率之内单列的：dismissed（驳回诉讼请求）、stillOpen（尚在办理）。',
    },
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
    zh: {
      cohort: `${zhOpenedCohort}其中负有修复或替代性修复义务的案件（restorationStatus 不为 none）。`,
      numerator: '统计对象中修复已完成（restorationStatus 为 restored）的案件：修复效果评估通过或免于评估，各项现场修复义务均已履行，替代性修复资金或公证提存资金已全部分配至修复项目，且受资助的项目均已验收。',
      denominator: '负有上述义务的统计对象案件，扣除终止的案件。',
      excluded: '负有修复义务但终止的案件。',
      reportedApart: 'terminatedWithDuty（负有修复义务但终止）；byStatus（按修复状态分列：pending、partly_allocated、allocated、in_progress、restored）；escrowUnallocated（公证提存资金尚未分配至修复项目的案件：计为未修复）。',
    },
    csv: rateCsv('修复率'),
  },
  verificationOnTimeRate: {
    key: 'verificationOnTimeRate',
    kind: 'ratio',
    labels: { zh: '初步核查按期完成率（30日）', en: 'Verification within 30 days' },
    cohort: 'Leads received in the period (their verification_30d deadline opens at registration and runs from the receipt).',
    numerator: 'Cohort leads whose verification ended by its due date (as extended lawfully, suspension not counted).',
    denominator: 'Cohort leads whose verification ended, plus those still in verification past the due date.',
    excluded: 'Not yet verified and not yet due (pending); verification cancelled before its due date (screened out as a duplicate or out of scope, or terminated).',
    reportedApart: 'pending, cancelled.',
    zh: {
      cohort: '统计期内受理的线索（初步核查期限自受理线索之日起算，登记时即开始计算）。',
      numerator: '统计对象中在期限届满前（含当日）结束初步核查的线索（期限以依法延长后的为准，中止期间不计入）。',
      denominator: '统计对象中初步核查已结束的线索，加上超过期限仍在初步核查中的线索。',
      excluded: '尚未完成初步核查且期限尚未届满的（pending）；在期限届满前取消初步核查的（筛查为重复线索或不属于受理范围，或终止）。',
      reportedApart: 'pending（尚未到期）、cancelled（已取消）。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '统计对象中在期限届满前（含当日）书面告知检察机关的案件（procuratorate_notice_15d 按期完成）。',
      denominator: '统计对象中已告知的案件，加上超过期限仍未告知的案件（逾期尚未办理、已记为逾期，或在期限届满后结束办理而未告知）。',
      excluded: '尚未到期的（pending）；在期限届满前结束办理而未告知的（cancelled）。',
      reportedApart: 'pending（尚未到期）、cancelled（已取消）。',
    },
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
    zh: {
      cohort: '统计期内送达首份磋商通知书的案件。',
      numerator: '统计对象中在任一轮磋商中达成一致（CONSULTATION_AGREED）的案件。',
      denominator: '统计对象中磋商已有结果的案件：达成一致，或磋商不成且其后未再达成一致。',
      excluded: '仍在磋商中的（包括磋商不成后再次磋商的），以及在磋商有结果前终止的案件。',
      reportedApart: 'ongoing（仍在磋商）、terminated（有结果前终止）、reconsulted（磋商超过一轮的案件）。',
    },
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
    zh: {
      cohort: '统计期内经磋商达成一致的案件（以达成一致的日期为准）。',
      numerator: '统计对象各案件自达成一致的那一轮磋商通知书送达至达成一致的天数之和。',
      denominator: '统计对象案件数。',
      excluded: '无；value 为中位数，分子 ÷ 分母为平均数。',
      reportedApart: 'mean（平均数）、p90（第 90 百分位数）。',
    },
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
    zh: {
      cohort: '统计期内签署的赔偿协议（人民法院裁定不予确认的协议，以申请司法确认的日期为准）。',
      numerator: '统计对象中经人民法院司法确认（具有强制执行效力）的协议。',
      denominator: '统计对象中已有结果的协议：已确认、被人民法院裁定不予确认，或未申请司法确认即履行（waived）。',
      excluded: '已签署但尚未决定是否申请司法确认的（pending），以及已申请、等待人民法院裁定的。',
      reportedApart: 'pending（尚未决定是否申请）、awaitingRuling（等待裁定）、rejected（不予确认）、waived（未申请即履行）。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '统计对象各项义务已到位的资金（单位：分）：已登记的缴款加上公证提存的存入款。',
      denominator: '统计对象各项义务应到位的资金（单位：分；凡有金额的义务均计入）。',
      excluded: '无金额的义务（以修复行为履行的义务、赔礼道歉）。',
      reportedApart: '按资金去向分列：treasuryReceivedRate（缴入国库）、escrowReceivedRate（公证提存）、thirdPartyReceivedRate（第三方及替代性修复）。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '赔偿金及各项费用（作为政府非税收入缴入国库）已到位的金额（单位：分）。',
      denominator: '赔偿金及各项费用应到位的金额（单位：分）。',
      excluded: zhOtherKinds,
      reportedApart: '无。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '公证提存义务已存入公证机构提存账户的金额（单位：分）。',
      denominator: '公证提存义务应存入的金额（单位：分）。',
      excluded: zhOtherKinds,
      reportedApart: '无。',
    },
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
    zh: {
      cohort: zhOpenedCohort,
      numerator: '第三方修复和替代性修复义务已支付（或已提存）的金额（单位：分）。',
      denominator: '第三方修复和替代性修复义务应支付的金额（单位：分）。',
      excluded: zhOtherKinds,
      reportedApart: '无。',
    },
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
    zh: {
      cohort: '统计期内存入的公证提存资金（以存入日期为准）。',
      numerator: '上述资金中已确认分配至修复项目的部分（单位：分；一个案件已分配的提存资金先冲抵其最早的提存款）。',
      denominator: '存入的资金（单位：分）。',
      excluded: '无。',
      reportedApart: 'ageing（账龄）：尚未分配的资金按其提存至今的时长分列（不满 1 年、1–3 年、3–5 年、5 年及以上：领取提存物的权利自提存之日起 5 年内不行使而消灭）。',
    },
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
    zh: {
      cohort: '统计期内以 completed（结案归档）或 dismissed（驳回诉讼请求）结案的案件（以结案日期为准）。',
      numerator: '统计对象各案件自受理线索至结案的天数之和。',
      denominator: '统计对象案件数。',
      excluded: '未经索赔即结束的（无损害、不启动索赔）以及终止的案件。',
      reportedApart: 'byClass：按案件类别（major 重大案件、simplified 简易评估、formal 委托鉴定评估、documentary 依据已有文书和监测数据认定、unassessed 未评估）分列的中位数和件数；mean（平均数）。',
    },
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
