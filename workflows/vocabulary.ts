/**
 * The words of the procedure, as the public contract spells them, with the Chinese a case handler
 * reads. Every list here is part of the API: adding a value is compatible, renaming one is not.
 */

export type Labels = { zh: string; en: string };

function labelled<const T extends string>(table: Record<T, Labels>) {
  return { values: Object.keys(table) as [T, ...T[]], labels: table };
}

export const roles = labelled({
  admin: { zh: '系统管理员', en: 'Administrator' },
  handler: { zh: '案件经办人', en: 'Case handler' },
  reviewer: { zh: '审核人', en: 'Reviewer' },
  procuratorate: { zh: '检察机关', en: 'Procuratorate' },
  baseManager: { zh: '修复基地管理人', en: 'Restoration-base manager' },
  viewer: { zh: '查阅人', en: 'Viewer' },
});
export type Role = (typeof roles.values)[number];

export const channels = labelled({
  inspection: { zh: '中央和省级生态环境保护督察', en: 'Central/provincial inspection' },
  emergency: { zh: '突发生态环境事件', en: 'Environmental emergency' },
  administrative_penalty: { zh: '行政处罚案件', en: 'Administrative penalty case' },
  crime: { zh: '涉嫌环境犯罪', en: 'Suspected environmental crime' },
  key_zone: { zh: '重点生态功能区、禁止开发区事件', en: 'Key ecological zone incident' },
  enforcement_campaign: { zh: '专项执法行动', en: 'Special enforcement campaign' },
  complaint: { zh: '信访举报', en: 'Complaint or report' },
  media: { zh: '媒体曝光', en: 'Media report' },
  superior_referral: { zh: '上级交办', en: 'Referral from a higher authority' },
  procuratorate_referral: { zh: '检察机关移送', en: 'Referral from the procuratorate' },
  other: { zh: '其他', en: 'Other' },
});
export type Channel = (typeof channels.values)[number];

export const media = labelled({
  air: { zh: '大气', en: 'Air' },
  surface_water: { zh: '地表水', en: 'Surface water' },
  groundwater: { zh: '地下水', en: 'Groundwater' },
  soil: { zh: '土壤', en: 'Soil' },
  sediment: { zh: '沉积物', en: 'Sediment' },
  forest: { zh: '森林', en: 'Forest' },
  wetland: { zh: '湿地', en: 'Wetland' },
  grassland: { zh: '草原', en: 'Grassland' },
  fishery: { zh: '渔业资源', en: 'Fishery' },
  biodiversity: { zh: '生物多样性', en: 'Biodiversity' },
  marine: { zh: '海洋', en: 'Marine' },
  other: { zh: '其他', en: 'Other' },
});
export type Medium = (typeof media.values)[number];

export const partyKinds = labelled({
  company: { zh: '企业', en: 'Company' },
  person: { zh: '自然人', en: 'Person' },
  organisation: { zh: '其他组织', en: 'Organisation' },
});

export const obligationKinds = labelled({
  self_restoration: { zh: '自行修复', en: 'Restoration by the obligor' },
  third_party_restoration: { zh: '委托第三方修复', en: 'Restoration by a third party' },
  payment: { zh: '缴纳赔偿金', en: 'Payment of compensation' },
  substitute_restoration: { zh: '替代性修复', en: 'Substitute restoration' },
  escrow: { zh: '公证提存', en: 'Notarial escrow deposit' },
  labour_in_lieu: { zh: '劳务代偿', en: 'Labour in lieu' },
  carbon_sink: { zh: '认购碳汇', en: 'Carbon-sink purchase' },
  fry_release: { zh: '增殖放流', en: 'Fry release' },
  replanting: { zh: '补植复绿', en: 'Replanting' },
  clean_production: { zh: '清洁生产替代', en: 'Clean-production upgrade' },
  costs: { zh: '承担调查评估等费用', en: 'Costs' },
  apology: { zh: '公开赔礼道歉', en: 'Public apology' },
  other: { zh: '其他', en: 'Other' },
});
export type ObligationKind = (typeof obligationKinds.values)[number];

/** Obligations that restore the environment, on site or elsewhere (the restoration track). */
export const restorationKinds: readonly ObligationKind[] = [
  'self_restoration', 'third_party_restoration', 'substitute_restoration', 'labour_in_lieu',
  'carbon_sink', 'fry_release', 'replanting', 'clean_production',
];
/** Obligations whose money is placed into restoration-base projects (matching and escrow). */
export const allocatableKinds: readonly ObligationKind[] = ['substitute_restoration', 'escrow'];

export const obligationStatuses = labelled({
  pending: { zh: '待履行', en: 'Pending' },
  in_progress: { zh: '履行中', en: 'In progress' },
  performed: { zh: '已履行', en: 'Performed' },
  defaulted: { zh: '逾期未履行', en: 'Defaulted' },
  enforced: { zh: '已申请强制执行', en: 'Enforcement applied' },
});
export type ObligationStatus = (typeof obligationStatuses.values)[number];

export const outcomes = labelled({
  no_damage: { zh: '不存在生态环境损害', en: 'No damage' },
  not_started: { zh: '不启动索赔', en: 'Claim not started' },
  screened_out: { zh: '筛查排除（重复或不属于受理范围）', en: 'Screened out (duplicate or out of scope)' },
  terminated: { zh: '终止索赔', en: 'Terminated' },
  completed: { zh: '结案', en: 'Completed' },
  dismissed: { zh: '诉讼请求被驳回', en: 'Claim dismissed' },
});
export type Outcome = (typeof outcomes.values)[number];

export const notStartReasons = labelled({
  already_performed: { zh: '赔偿义务人已履行赔偿义务', en: 'Obligor has already performed' },
  covered_by_judgment: { zh: '人民法院已就同一损害作出生效裁判', en: 'Covered by an effective judgment' },
  significantly_minor: { zh: '损害显著轻微', en: 'Significantly minor damage' },
  obligor_extinct: { zh: '义务人终止或死亡且无财产', en: 'Obligor extinct without property' },
  permitted_discharge: { zh: '依法持证排污', en: 'Discharge under a valid permit' },
  // The 2025 opinions' ground; which grounds a deployment uses is rules.notStartGrounds.
  restored_via_enforcement_or_litigation: { zh: '生态环境损害已通过行政执法、诉讼等途径得到修复', en: 'Damage already restored through administrative enforcement or litigation' },
  other: { zh: '其他情形', en: 'Other' },
});

export const consultationFailureReasons = labelled({
  obligor_refused: { zh: '赔偿义务人拒绝磋商', en: 'Obligor refused' },
  no_reply: { zh: '赔偿义务人逾期未答复', en: 'No reply in time' },
  absent_or_walkout: { zh: '无正当理由不参加或中途退出', en: 'Absent or walked out' },
  meetings_exhausted: { zh: '已磋商三次且难以达成一致', en: 'Meetings exhausted' },
  period_expired: { zh: '磋商期限届满未达成一致', en: 'Consultation period expired' },
  cannot_consult: { zh: '无法磋商（磋商通知无法送达、义务人下落不明等）', en: 'Consultation impossible (notice cannot be served, obligor gone)' },
  other: { zh: '其他情形', en: 'Other' },
});

/**
 * Grounds for ending a started claim: the not-start grounds, found later, under the same codes, and
 * the termination's own. `not_start_circumstance` is the uncoded form kept for earlier records.
 * Which grounds a deployment uses is rules.terminationGrounds.
 */
export const terminationReasons = labelled({
  already_performed: { zh: '赔偿义务人已履行赔偿义务', en: 'Obligor has already performed' },
  covered_by_judgment: { zh: '人民法院已就同一损害作出生效裁判', en: 'Covered by an effective judgment' },
  obligor_extinct: { zh: '义务人终止或死亡且无财产', en: 'Obligor extinct without property' },
  permitted_discharge: { zh: '依法持证排污', en: 'Discharge under a valid permit' },
  restored_via_enforcement_or_litigation: { zh: '生态环境损害已通过行政执法、诉讼等途径得到修复', en: 'Damage already restored through administrative enforcement or litigation' },
  findings_do_not_support: { zh: '调查、鉴定评估结论不支持索赔', en: 'Investigation or assessment findings do not support a claim' },
  covered_elsewhere: { zh: '损害已通过其他途径得到赔偿', en: 'Damage covered elsewhere' },
  not_start_circumstance: { zh: '发现不启动索赔情形（未分类）', en: 'A not-start circumstance found later (uncoded)' },
  other: { zh: '其他情形', en: 'Other' },
});

export const majorBases = labelled({
  central_inspection: { zh: '中央生态环境保护督察发现', en: 'Found by central inspection' },
  serious_emergency: { zh: '较大及以上突发环境事件', en: 'Serious environmental emergency' },
  major_destruction: { zh: '重大生态破坏事件', en: 'Major ecological destruction' },
  designated: { zh: '省级指定', en: 'Designated by the province' },
  other: { zh: '其他', en: 'Other' },
});

export const assessmentRoutes = labelled({
  formal: { zh: '委托鉴定评估', en: 'Formal appraisal' },
  simplified: { zh: '专家意见（简易评估）', en: 'Simplified (expert opinion)' },
  documentary: { zh: '依据已有文书和监测数据认定', en: 'From existing documents and data' },
});

export const restorability = labelled({
  full: { zh: '可完全修复', en: 'Fully restorable' },
  partial: { zh: '可部分修复', en: 'Partly restorable' },
  none: { zh: '无法修复', en: 'Not restorable' },
});

export const attendeeKinds = labelled({
  procuratorate: { zh: '检察机关', en: 'Procuratorate' },
  experts: { zh: '专家', en: 'Experts' },
  lawyers: { zh: '律师', en: 'Lawyers' },
  stakeholders: { zh: '利益相关方', en: 'Stakeholders' },
  neutral_host: { zh: '中立主持人', en: 'Neutral host' },
});

export const judgmentOutcomes = labelled({
  upheld: { zh: '支持诉讼请求', en: 'Upheld' },
  partly_upheld: { zh: '部分支持', en: 'Partly upheld' },
  mediated: { zh: '调解结案', en: 'Mediated' },
  dismissed: { zh: '驳回诉讼请求', en: 'Dismissed' },
});

export const exemptionReasons = labelled({
  no_restoration_obligation: { zh: '无修复义务（仅赔偿金、费用或提存）', en: 'No restoration obligation' },
  accepted_by_authority: { zh: '经主管部门认可免于评估', en: 'Accepted by the authority' },
  other: { zh: '其他', en: 'Other' },
});

/** What the bureau's written answer (函告) to the procuratorate's public notice says it will do. */
export const procuratorateReplyIntents = labelled({
  claim: { zh: '将依法提起索赔', en: 'Will pursue the claim' },
  not_claim: { zh: '不提起索赔', en: 'Will not pursue the claim' },
});

export const screeningOutcomes = labelled({
  verify: { zh: '转入初步核查', en: 'Verify' },
  duplicate: { zh: '重复线索', en: 'Duplicate' },
  out_of_scope: { zh: '不属于受理范围', en: 'Out of scope' },
});

/**
 * Event fields that name a day that has happened (a notice served, an agreement signed, money
 * deposited): not after today, and for the bureau's own steps not before the lead was received.
 * Read by the guard (workflows/case-guards.ts) and by the console's date pickers. Dates that look
 * ahead (a reply due date, a new due date) are not here; the procuratorate's public notice may
 * predate the lead's transfer; DEEMED_NOT_PURSUED's noticeEndedAt has its own guard (公告期尚未届满).
 */
export const pastDateFields: Record<string, { zh: string; notBeforeReceipt: boolean }> = {
  at: { zh: '业务日期', notBeforeReceipt: true },
  servedAt: { zh: '送达日期', notBeforeReceipt: true },
  heldAt: { zh: '会议日期', notBeforeReceipt: true },
  filedAt: { zh: '起诉日期', notBeforeReceipt: true },
  signedAt: { zh: '签订日期', notBeforeReceipt: true },
  appliedAt: { zh: '申请日期', notBeforeReceipt: true },
  depositedAt: { zh: '提存日期', notBeforeReceipt: true },
  publishedAt: { zh: '公告发布日期', notBeforeReceipt: false },
  decidedAt: { zh: '处罚决定日期', notBeforeReceipt: false },
  noticePublishedAt: { zh: '法院公告日期', notBeforeReceipt: true },
};
