import { vocab, type VocabName } from '../lib/vocab';

/**
 * Chinese names for the fields of the events' payloads (the schemas in GET /workflow carry the
 * field names only) and the vocabulary table that labels each enum field.
 */

export const fieldLabels: Record<string, string> = {
  at: '业务发生日期',
  outcome: '结论',
  duplicateOf: '重复线索对应的案件编号',
  note: '备注',
  findings: '核查认定的损害事实',
  reason: '理由',
  caseNo: '案号',
  reasonCode: '理由类别',
  estimatedDamageFen: '估算损害金额',
  procuratorate: '检察机关',
  noticeRef: '文书编号',
  basis: '认定依据',
  decision: '集体研究意见',
  minutesRef: '会议纪要编号',
  conclusion: '调查结论',
  obligorsIdentified: '是否已确定赔偿义务人',
  reportRef: '报告编号',
  route: '评估方式',
  amountFen: '金额',
  restorability: '可修复性',
  breakdown: '损害数额构成',
  interimLossFen: '期间服务功能损失',
  permanentLossFen: '永久性损害',
  investigationCostsFen: '调查、鉴定评估费用',
  restorationCostsFen: '生态环境修复费用',
  preventionCostsFen: '清除污染、防止损害扩大费用',
  institution: '鉴定评估机构',
  restorationPlanRef: '修复方案编号',
  servedAt: '送达日期',
  replyDueAt: '答复期限',
  reply: '答复意见',
  heldAt: '会议日期',
  obligorAttended: '赔偿义务人是否到会',
  attendees: '其他参会方',
  obligations: '赔偿义务',
  followUp: '后续修复义务',
  kind: '义务类型',
  dueDate: '履行期限',
  quantity: '数量',
  value: '数值',
  unit: '单位',
  description: '内容说明',
  partyId: '赔偿义务人',
  court: '人民法院',
  filedAt: '立案日期',
  supportRequestedFromProcuratorate: '是否申请检察机关支持起诉',
  noticeEndedAt: '公告期满日期',
  signedAt: '签订日期',
  agreementRef: '协议编号',
  bondFen: '履约保证金',
  appliedAt: '申请日期',
  result: '裁定结果',
  rulingRef: '裁定书编号',
  judgmentRef: '裁判文书编号',
  obligationId: '赔偿义务',
  status: '履行状态',
  evidenceRef: '证明材料编号',
  paidFen: '已支付金额',
  notary: '公证机构',
  certificateNo: '提存公证书编号',
  depositedAt: '提存日期',
  archiveRef: '档案号',
  rule: '期限',
  newDueAt: '延长至',
};

/** Labels that depend on the event (the same field name means different things). */
const eventFieldLabels: Record<string, string> = {
  'SCREENED.outcome': '筛查结论',
  'JUDGMENT_EFFECTIVE.outcome': '裁判结果',
  'CLAIM_NOT_STARTED.reasonCode': '不启动索赔的理由',
  'CONSULTATION_FAILED.reasonCode': '磋商不成的原因',
  'TERMINATED.reasonCode': '终止理由',
  'EVALUATION_EXEMPTED.reasonCode': '免于评估的理由',
  'NO_DAMAGE.reason': '认定理由',
  'SUSPENDED.reason': '中止理由',
  'DEADLINE_EXTENDED.reason': '延长理由',
  'ASSESSMENT_COMPLETED.amountFen': '评估认定的损害数额',
  'ESCROW_DEPOSITED.amountFen': '提存金额',
  'PROCURATORATE_NOTIFIED.noticeRef': '告知函编号',
  'DEEMED_NOT_PURSUED.noticeRef': '公告编号',
  'PUBLIC_NOTICE_ISSUED.noticeRef': '公告编号',
  'PUBLIC_NOTICE_ISSUED.publishedAt': '公告发布日期',
  'CLAIM_NOT_STARTED.priorPenaltyRef': '两年内的行政处罚决定书文号（如有）',
  'JUDICIAL_CONFIRMATION_APPLIED.noticePublishedAt': '法院公告日期（如已公告）',
  'JUDICIAL_NOTICE_PUBLISHED.publishedAt': '法院公告日期',
  'JUDICIAL_NOTICE_PUBLISHED.noticeRef': '公告编号',
  'PRIOR_PENALTY_RECORDED.partyId': '受处罚的当事人',
  'PRIOR_PENALTY_RECORDED.decisionRef': '行政处罚决定书文号',
  'PRIOR_PENALTY_RECORDED.decidedAt': '处罚决定日期',
  'PRIOR_PENALTY_RECORDED.authority': '作出处罚的机关',
  'REPLIED_TO_PROCURATORATE.letterRef': '回复函文号',
  'REPLIED_TO_PROCURATORATE.intent': '回复意见',
  'REPLIED_TO_PROCURATORATE.note': '说明',
  'COLLECTIVE_REVIEW_RECORDED.decision': '集体研究意见',
  'COLLECTIVE_REVIEW_RECORDED.minutesRef': '会议纪要文号',
  'COLLECTIVE_REVIEW_RECORDED.attendees': '参会人员（姓名、职务）',
  'CLAIM_STARTED.caseNo': '案号（不填则自动编号）',
};

export function labelFor(eventType: string, key: string): string {
  return eventFieldLabels[`${eventType}.${key}`] ?? fieldLabel(key);
}

/** Which vocabulary labels an enum field; keyed "EVENT.field" first, then "field". */
const enumTables: Record<string, VocabName> = {
  'SCREENED.outcome': 'screeningOutcomes',
  'CLAIM_NOT_STARTED.reasonCode': 'notStartReasons',
  'CONSULTATION_FAILED.reasonCode': 'consultationFailureReasons',
  'TERMINATED.reasonCode': 'terminationReasons',
  'EVALUATION_EXEMPTED.reasonCode': 'exemptionReasons',
  'JUDGMENT_EFFECTIVE.outcome': 'judgmentOutcomes',
  'OBLIGATION_PROGRESS.status': 'obligationStatuses',
  basis: 'majorBases',
  conclusion: 'investigationConclusions',
  route: 'assessmentRoutes',
  restorability: 'restorability',
  reply: 'obligorReplies',
  attendees: 'attendeeKinds',
  kind: 'obligationKinds',
  result: 'confirmationResults',
};

export function fieldLabel(name: string): string {
  return fieldLabels[name] ?? name;
}

/** A field path from a 400 reply ("obligations.0.kind") in words: "赔偿义务 第1项 义务类型". */
export function fieldPathLabel(path: string): string {
  return path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `第${Number(p) + 1}项` : fieldLabel(p)))
    .join(' ');
}

/** The Chinese label of an enum value of a payload field. */
export function enumLabel(eventType: string, field: string, value: string): string {
  const table = enumTables[`${eventType}.${field}`] ?? enumTables[field];
  if (table && vocab[table][value]) return vocab[table][value]!;
  // Otherwise the first vocabulary table that knows the value.
  for (const t of Object.values(vocab)) if (t[value]) return t[value]!;
  return value;
}

const hiddenInTimeline = new Set(['type']);

/** "字段：值" lines for a history entry's payload, with money, dates and enums in words. */
export function describePayload(
  eventType: string,
  payload: Record<string, unknown>,
  fmt: { date: (iso: string) => string; money: (fen: number) => string; obligation?: (id: string) => string; party?: (id: string) => string },
): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  const render = (field: string, v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'boolean') return v ? '是' : '否';
    if (typeof v === 'number') return field.endsWith('Fen') ? fmt.money(v) : String(v);
    if (typeof v === 'string') {
      if (field === 'obligationId' && fmt.obligation) return fmt.obligation(v);
      if (field === 'partyId' && fmt.party) return fmt.party(v);
      if (/At$|Date$/.test(field) && /^\d{4}-\d{2}-\d{2}/.test(v)) return fmt.date(v);
      return enumLabel(eventType, field, v);
    }
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? describeObject(x as Record<string, unknown>) : render(field, x))).join('；');
    if (typeof v === 'object') return describeObject(v as Record<string, unknown>);
    return String(v);
  };
  const describeObject = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .filter(([, x]) => x !== undefined && x !== null)
      .map(([k, x]) => (k === 'quantity' && typeof x === 'object' ? `${fieldLabel(k)} ${(x as { value: number }).value}${(x as { unit: string }).unit}` : `${fieldLabel(k)} ${render(k, x)}`))
      .join('，');
  for (const [k, v] of Object.entries(payload)) {
    if (hiddenInTimeline.has(k) || v === undefined) continue;
    out.push({ label: labelFor(eventType, k), text: render(k, v) });
  }
  return out;
}
