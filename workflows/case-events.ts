import { z } from 'zod';
import { calendarDate, instant, moneyFen, objectRef, positiveMoneyFen, quantity, reference, shortText, text } from './fields';
import {
  assessmentRoutes, attendeeKinds, consultationFailureReasons, exemptionReasons, judgmentOutcomes, majorBases,
  notStartReasons, obligationKinds, procuratorateReplyIntents, restorability, screeningOutcomes, terminationReasons, type Labels, type Role,
} from './vocabulary';

/**
 * The events of a compensation case: their payloads (validated at the edge, strict: unknown keys
 * are refused), the roles allowed to send them, and their labels. The machine in case-machine.ts
 * decides where each is accepted.
 */

/** Duties that are money: their amount is what bounds the payments and deposits recorded against them. */
export const moneyObligationKinds: readonly string[] = ['payment', 'escrow', 'substitute_restoration'];

export const obligationInput = z
  .object({
    kind: z.enum(obligationKinds.values),
    dueDate: calendarDate.optional(),
    amountFen: moneyFen.optional(),
    quantity: quantity.optional(),
    description: text(1000).optional(),
    partyId: objectRef.optional(),
  })
  .strict()
  .superRefine((o, check) => {
    if (moneyObligationKinds.includes(o.kind) && !o.amountFen) {
      check.addIssue({ code: 'custom', path: ['amountFen'], message: '缴纳赔偿金、公证提存和替代性修复义务须写明金额（an amount greater than 0 is required for this kind）' });
    }
  });
export type ObligationInput = z.infer<typeof obligationInput>;

const obligations = z.array(obligationInput).min(1).max(100);

const breakdown = z
  .object({
    interimLossFen: moneyFen.optional(),
    permanentLossFen: moneyFen.optional(),
    investigationCostsFen: moneyFen.optional(),
    restorationCostsFen: moneyFen.optional(),
    preventionCostsFen: moneyFen.optional(),
  })
  .strict();

const staff: Role[] = ['handler', 'reviewer'];

interface EventSpec<S extends z.ZodObject> {
  payload: S;
  roles: Role[];
  /** Roles allowed only while the case is in one of these top-level states. */
  rolesOnlyIn?: Partial<Record<Role, string[]>>;
  labels: Labels;
}

function event<S extends z.ZodObject>(spec: EventSpec<S>): EventSpec<S> {
  return spec;
}

export const caseEventSpecs = {
  SCREENED: event({
    labels: { zh: '线索筛查', en: 'Lead screened' },
    roles: staff,
    payload: z.object({ outcome: z.enum(screeningOutcomes.values), duplicateOf: objectRef.optional(), note: text().optional() }),
  }),
  DAMAGE_CONFIRMED: event({
    labels: { zh: '确认存在损害', en: 'Damage confirmed' },
    roles: staff,
    payload: z.object({ findings: text(5000) }),
  }),
  NO_DAMAGE: event({
    labels: { zh: '认定不存在损害', en: 'No damage found' },
    roles: staff,
    payload: z.object({ reason: text(2000) }),
  }),
  CLAIM_STARTED: event({
    labels: { zh: '启动索赔（立案）', en: 'Claim started' },
    roles: staff,
    payload: z.object({ caseNo: shortText.optional() }),
  }),
  CLAIM_NOT_STARTED: event({
    labels: { zh: '决定不启动索赔', en: 'Claim not started' },
    roles: staff,
    payload: z.object({
      reasonCode: z.enum(notStartReasons.values),
      note: text(),
      estimatedDamageFen: moneyFen.optional().meta({ description: 'Estimated damage; checked against the significantly-minor ceiling when given' }),
      priorPenaltyRef: reference.optional().meta({ description: 'A penalty decision against a party within the re-offence window (行政处罚决定书文号): excludes significantly_minor' }),
    }),
  }),
  PROCURATORATE_NOTIFIED: event({
    labels: { zh: '书面告知检察机关', en: 'Procuratorate notified' },
    roles: staff,
    payload: z.object({ procuratorate: shortText, noticeRef: reference.optional() }),
  }),
  MARKED_MAJOR: event({
    labels: { zh: '认定为重大案件', en: 'Marked as major case' },
    roles: staff,
    payload: z.object({ basis: z.enum(majorBases.values), note: text().optional() }),
  }),
  PRIOR_PENALTY_RECORDED: event({
    labels: { zh: '登记当事人既往行政处罚', en: 'Prior penalty recorded' },
    roles: staff,
    payload: z.object({ partyId: objectRef, decisionRef: reference, decidedAt: instant, authority: shortText.optional() }),
  }),
  COLLECTIVE_REVIEW_RECORDED: event({
    labels: { zh: '记录集体研究', en: 'Collective review recorded' },
    roles: ['reviewer'],
    payload: z.object({
      decision: text(2000),
      minutesRef: reference.optional(),
      attendees: z.array(shortText).min(2).max(50).optional().meta({ description: 'Who took part in the collective review (names and posts), at least two' }),
    }),
  }),
  INVESTIGATION_CONCLUDED: event({
    labels: { zh: '损害调查终结', en: 'Investigation concluded' },
    roles: staff,
    payload: z.object({ conclusion: z.enum(['assess', 'terminate']), obligorsIdentified: z.boolean(), reportRef: reference.optional() }),
  }),
  ASSESSMENT_COMPLETED: event({
    labels: { zh: '鉴定评估完成', en: 'Assessment completed' },
    roles: staff,
    payload: z.object({
      route: z.enum(assessmentRoutes.values),
      amountFen: moneyFen,
      restorability: z.enum(restorability.values),
      breakdown: breakdown.optional(),
      institution: shortText.optional(),
      reportRef: reference.optional(),
      restorationPlanRef: reference.optional(),
    }),
  }),
  CONSULTATION_NOTICE_SERVED: event({
    labels: { zh: '送达磋商通知书', en: 'Consultation notice served' },
    roles: staff,
    payload: z.object({ servedAt: instant, replyDueAt: instant }),
  }),
  OBLIGOR_REPLIED: event({
    labels: { zh: '赔偿义务人答复', en: 'Obligor replied' },
    roles: staff,
    payload: z.object({ reply: z.enum(['agree_to_consult', 'refuse']) }),
  }),
  CONSULTATION_MEETING_HELD: event({
    labels: { zh: '召开磋商会议', en: 'Consultation meeting held' },
    roles: staff,
    payload: z.object({
      heldAt: instant,
      obligorAttended: z.boolean(),
      attendees: z.array(z.enum(attendeeKinds.values)).max(5).optional(),
      minutesRef: reference.optional(),
    }),
  }),
  CONSULTATION_AGREED: event({
    labels: { zh: '磋商达成一致', en: 'Consultation agreed' },
    roles: staff,
    payload: z.object({ obligations }),
  }),
  CONSULTATION_FAILED: event({
    labels: { zh: '磋商不成', en: 'Consultation failed' },
    roles: staff,
    payload: z.object({ reasonCode: z.enum(consultationFailureReasons.values), note: text().optional() }),
  }),
  RECONSULTATION_STARTED: event({
    labels: { zh: '再次磋商', en: 'Re-consultation started' },
    roles: staff,
    payload: z.object({ note: text().optional() }),
  }),
  LAWSUIT_FILED: event({
    labels: { zh: '提起赔偿诉讼', en: 'Lawsuit filed' },
    roles: staff,
    payload: z.object({
      court: shortText,
      filedAt: instant,
      supportRequestedFromProcuratorate: z.boolean().optional(),
      basis: z.enum(['agreement_default']).optional().meta({ description: 'In performance: an agreement without judicial confirmation is not performed' }),
      obligationIds: z.array(objectRef).min(1).max(100).optional().meta({ description: 'With basis agreement_default: the obligations sued for' }),
    }),
  }),
  HANDED_TO_PROCURATORATE: event({
    labels: { zh: '移送检察机关（公益诉讼）', en: 'Handed to the procuratorate' },
    roles: staff,
    payload: z.object({ procuratorate: shortText, note: text().optional() }),
  }),
  PUBLIC_NOTICE_ISSUED: event({
    labels: { zh: '检察机关公告（督促提起索赔）', en: 'Public notice by the procuratorate' },
    roles: ['procuratorate'],
    payload: z.object({ noticeRef: reference, publishedAt: instant }),
  }),
  REPLIED_TO_PROCURATORATE: event({
    labels: { zh: '书面回复检察机关（函告）', en: 'Written answer to the procuratorate' },
    roles: staff,
    payload: z.object({ letterRef: reference, intent: z.enum(procuratorateReplyIntents.values), note: text().optional() }),
  }),
  DEEMED_NOT_PURSUED: event({
    labels: { zh: '视为不提起索赔（公告期满未书面回复）', en: 'Deemed not pursued' },
    roles: ['procuratorate'],
    payload: z.object({ noticeRef: reference, noticeEndedAt: instant }),
  }),
  AGREEMENT_SIGNED: event({
    labels: { zh: '签订赔偿协议', en: 'Agreement signed' },
    roles: staff,
    payload: z.object({ signedAt: instant, agreementRef: reference.optional(), bondFen: moneyFen.optional() }),
  }),
  JUDICIAL_CONFIRMATION_APPLIED: event({
    labels: { zh: '申请司法确认', en: 'Judicial confirmation applied' },
    roles: staff,
    payload: z.object({
      court: shortText,
      appliedAt: instant,
      noticePublishedAt: instant.optional().meta({ description: "The day the court published the agreement (公告), when known; the not-before date counts from it, else from appliedAt" }),
    }),
  }),
  JUDICIAL_NOTICE_PUBLISHED: event({
    labels: { zh: '登记人民法院公告日期', en: 'Court notice published' },
    roles: staff,
    payload: z.object({ publishedAt: instant, noticeRef: reference.optional() }),
  }),
  JUDICIAL_CONFIRMATION_RULED: event({
    labels: { zh: '司法确认裁定', en: 'Judicial confirmation ruled' },
    roles: staff,
    payload: z.object({ result: z.enum(['confirmed', 'rejected']), rulingRef: reference.optional() }),
  }),
  JUDICIAL_CONFIRMATION_WAIVED: event({
    labels: { zh: '不申请司法确认', en: 'Judicial confirmation waived' },
    roles: staff,
    payload: z.object({ note: text().optional() }),
  }),
  SUPPORT_PROVIDED: event({
    labels: { zh: '检察机关支持起诉', en: 'Support provided' },
    roles: ['procuratorate'],
    payload: z.object({ note: text().optional() }),
  }),
  PUBLIC_INTEREST_SUIT_FILED: event({
    labels: { zh: '提起公益诉讼', en: 'Public-interest suit filed' },
    roles: ['procuratorate'],
    payload: z.object({ court: shortText, filedAt: instant }),
  }),
  JUDGMENT_EFFECTIVE: event({
    labels: { zh: '裁判生效', en: 'Judgment effective' },
    roles: [...staff, 'procuratorate'],
    rolesOnlyIn: { procuratorate: ['publicInterestLitigation'] },
    payload: z.object({
      outcome: z.enum(judgmentOutcomes.values),
      obligations: z.array(obligationInput).max(100).optional(),
      judgmentRef: reference.optional(),
    }),
  }),
  OBLIGATION_PROGRESS: event({
    labels: { zh: '登记履行情况', en: 'Obligation progress' },
    roles: staff,
    payload: z.object({
      obligationId: objectRef,
      status: z.enum(['in_progress', 'performed', 'defaulted']),
      evidenceRef: reference.optional(),
      paidFen: moneyFen.optional(),
    }),
  }),
  ESCROW_DEPOSITED: event({
    labels: { zh: '公证提存', en: 'Escrow deposited' },
    roles: staff,
    payload: z.object({ obligationId: objectRef, amountFen: positiveMoneyFen, notary: shortText, certificateNo: reference, depositedAt: instant }),
  }),
  MONEY_RECORD_REVERSED: event({
    labels: { zh: '撤销缴纳或提存记录', en: 'Money record reversed' },
    roles: staff,
    payload: z.object({ seq: z.number().int().min(2).max(1_000_000).meta({ description: 'The history entry (seq) of the payment or deposit to undo' }), reason: text() }),
  }),
  ENFORCEMENT_APPLIED: event({
    labels: { zh: '申请强制执行', en: 'Enforcement applied' },
    roles: staff,
    payload: z.object({ obligationId: objectRef, court: shortText }),
  }),
  EVALUATION_PASSED: event({
    labels: { zh: '修复效果评估通过', en: 'Evaluation passed' },
    roles: staff,
    payload: z.object({ reportRef: reference.optional() }),
  }),
  EVALUATION_FAILED: event({
    labels: { zh: '修复效果评估未通过', en: 'Evaluation failed' },
    roles: staff,
    payload: z.object({ followUp: obligations }),
  }),
  EVALUATION_EXEMPTED: event({
    labels: { zh: '免于修复效果评估', en: 'Evaluation exempted' },
    roles: staff,
    payload: z.object({ reasonCode: z.enum(exemptionReasons.values), note: text().optional() }),
  }),
  CASE_CLOSED: event({
    labels: { zh: '结案归档', en: 'Case closed' },
    roles: staff,
    payload: z.object({ archiveRef: reference.optional() }),
  }),
  TERMINATED: event({
    labels: { zh: '终止索赔', en: 'Terminated' },
    roles: staff,
    payload: z.object({ reasonCode: z.enum(terminationReasons.values), note: text() }),
  }),
  DEADLINE_EXTENDED: event({
    labels: { zh: '延长期限', en: 'Deadline extended' },
    // Which role may extend which deadline is a rule (rules.deadlineExtensions): the procuratorate
    // its own public notice, the bureau its own periods.
    roles: [...staff, 'procuratorate'],
    payload: z.object({ rule: z.string().regex(/^[a-z0-9_]{1,60}$/), newDueAt: instant, reason: text() }),
  }),
  SUSPENDED: event({
    labels: { zh: '中止', en: 'Suspended' },
    roles: staff,
    payload: z.object({ reason: text() }),
  }),
  RESUMED: event({
    labels: { zh: '恢复办理', en: 'Resumed' },
    roles: staff,
    payload: z.object({ note: text().optional() }),
  }),
} as const;

export type CaseEventType = keyof typeof caseEventSpecs;
export const caseEventTypes = Object.keys(caseEventSpecs) as CaseEventType[];
export type CaseEventPayload<T extends CaseEventType> = z.infer<(typeof caseEventSpecs)[T]['payload']>;

/** The body of POST /cases/:id/events for one type: `{ type, at?, ...payload }`, strict. */
export function eventBodySchema<T extends CaseEventType>(type: T) {
  return caseEventSpecs[type].payload.extend({ type: z.literal(type), at: instant.optional() }).strict();
}

export function isCaseEventType(value: unknown): value is CaseEventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(caseEventSpecs, value);
}

export function roleMaySend(type: CaseEventType, role: Role, topState: string): boolean {
  const spec: EventSpec<z.ZodObject> = caseEventSpecs[type];
  if (!spec.roles.includes(role)) return false;
  const only = spec.rolesOnlyIn?.[role];
  return !only || only.includes(topState);
}
