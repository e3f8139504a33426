import type { CaseContext, CaseEventOf, CaseMachineEvent, TopState } from './case-context';
import type { CaseEventType, ObligationInput } from './case-events';
import { cstDate } from './fields';
import { explicitDue } from './calendar';
import { extendersOf, type DeadlineRuleName, type WorkflowRules } from './rules';
import { allocatableKinds, notStartReasons, pastDateFields, restorationKinds, roles, terminationReasons, type Role } from './vocabulary';
import { deadlineRules } from './deadlines';

/**
 * Guards that explain themselves. Each returns null when the event may proceed, or the reason it
 * may not, in Chinese and English, so a case handler reads why and an integrator can log it.
 *
 * `preconditions` depend on the case alone (they decide which events are offered at all);
 * `refusals` also read the event's payload and facts.
 */

type Refusal = string | null;
const why = (zh: string, en: string): string => `${zh}（${en}）`;

function needsCollectiveReview(ctx: CaseContext, decision: string): Refusal {
  if (!ctx.major) return null;
  if (ctx.collectiveReview && ctx.collectiveReview.stage === ctx.stage) return null;
  return why(
    `重大案件${decision}前须在本阶段记录集体研究`,
    `a major case needs a collective review recorded in this stage before ${decision === '终止' ? 'termination' : decision === '签订协议' ? 'signing the agreement' : 'deciding not to start the claim'}`,
  );
}

function unknownParties(ctx: CaseContext, items: ObligationInput[] | undefined): Refusal {
  const missing = (items ?? []).map((o) => o.partyId).filter((p): p is string => !!p && !ctx.partyIds.includes(p));
  return missing.length ? why(`未知的当事人：${missing.join('、')}`, `unknown party ${missing.join(', ')}`) : null;
}

function findObligation(ctx: CaseContext, id: string) {
  return ctx.obligations.find((o) => o.id === id);
}

/** 1,234,567.89 元, for the reasons a refusal gives. */
function yuan(fen: number): string {
  return `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}

/**
 * Money is bounded by what is owed: a deposit or payment that would take an obligation past its
 * amount is refused, naming what is still open. (An obligation without an amount, as recorded
 * before amounts were required for money duties, has no bound to check.)
 */
function beyondAmount(o: { amountFen?: number }, already: number, adding: number, what: string): Refusal {
  if (o.amountFen === undefined || already + adding <= o.amountFen) return null;
  const open = Math.max(0, o.amountFen - already);
  return why(`${what}超过该义务尚未履行的数额（应为 ${yuan(o.amountFen)}，尚余 ${yuan(open)}）`, `more than the ${open} fen still owed`);
}

export const preconditions: Partial<Record<CaseEventType, (ctx: CaseContext) => Refusal>> = {
  PROCURATORATE_NOTIFIED: (ctx) =>
    ctx.claim?.started ? null : why('启动索赔（立案）后方可告知检察机关', 'the claim must be started before notifying the procuratorate'),
  ENFORCEMENT_APPLIED: (ctx) =>
    ctx.enforceable ? null : why('仅经司法确认的协议或生效裁判可申请强制执行', 'only confirmed agreements or judgments can be enforced'),
};

type RefusalTable = { [K in CaseEventType]?: (ctx: CaseContext, ev: CaseEventOf<K>, rules: WorkflowRules) => Refusal };

export const refusals: RefusalTable = {
  CLAIM_NOT_STARTED: (ctx, ev, rules) => {
    if (!(rules.notStartGrounds as string[]).includes(ev.payload.reasonCode)) {
      return why(`本地规则未启用不启动索赔事由“${notStartReasons.labels[ev.payload.reasonCode].zh}”`, `not-start ground ${ev.payload.reasonCode} is not enabled`);
    }
    const review = needsCollectiveReview(ctx, '不启动索赔');
    if (review) return review;
    if (ev.payload.reasonCode !== 'significantly_minor') return null;
    if (ctx.redLine) return why('损害发生在生态保护红线内，不适用“显著轻微”', 'inside an ecological protection red line, damage cannot be "significantly minor"');
    if (ev.payload.priorPenaltyRef) {
      return why(
        `当事人${rules.reoffenceWindowYears}年内曾受行政处罚（${ev.payload.priorPenaltyRef}），不适用“显著轻微”`,
        `a prior penalty (${ev.payload.priorPenaltyRef}) shows re-offending; "significantly minor" does not apply`,
      );
    }
    if (ev.facts.reoffence) {
      return why(
        `当事人两年内再次发生生态环境损害（见案件 ${ev.facts.reoffence.otherCaseId}），不适用“显著轻微”`,
        `party ${ev.facts.reoffence.partyId} re-offended within ${rules.reoffenceWindowYears} years (case ${ev.facts.reoffence.otherCaseId}); "significantly minor" does not apply`,
      );
    }
    const windowStart = new Date(ctx.receivedAt);
    windowStart.setUTCFullYear(windowStart.getUTCFullYear() - rules.reoffenceWindowYears);
    const penalty = (ctx.priorPenalties ?? []).find((p) => p.decidedAt >= windowStart.toISOString() && p.decidedAt <= ctx.receivedAt);
    if (penalty) {
      return why(
        `当事人${rules.reoffenceWindowYears}年内曾受行政处罚（${penalty.decisionRef}，${cstDate(penalty.decidedAt)}），不适用“显著轻微”`,
        `party ${penalty.partyId} was penalised within ${rules.reoffenceWindowYears} years (${penalty.decisionRef}); "significantly minor" does not apply`,
      );
    }
    const est = ev.payload.estimatedDamageFen;
    if (est !== undefined && est > rules.significantlyMinorCeilingFen) {
      return why(`估算损害超过“显著轻微”上限 ${rules.significantlyMinorCeilingFen / 100} 元`, `estimated damage is above the significantly-minor ceiling of ${rules.significantlyMinorCeilingFen} fen`);
    }
    return null;
  },
  PRIOR_PENALTY_RECORDED: (ctx, ev) => {
    if (!ctx.partyIds.includes(ev.payload.partyId)) return why(`未知的当事人：${ev.payload.partyId}`, `unknown party ${ev.payload.partyId}`);
    return (ctx.priorPenalties ?? []).some((p) => p.decisionRef === ev.payload.decisionRef) ? why('该处罚决定已登记', 'this penalty decision is already recorded') : null;
  },
  ASSESSMENT_COMPLETED: (_ctx, ev, rules) =>
    ev.payload.route === 'simplified' && ev.payload.amountFen > rules.simpleCaseCeilingFen
      ? why(`简易评估仅适用于损害不超过 ${rules.simpleCaseCeilingFen / 100} 元的案件`, `the simplified route is only for damage up to ${rules.simpleCaseCeilingFen} fen`)
      : null,
  CONSULTATION_NOTICE_SERVED: (_ctx, ev) =>
    ev.payload.replyDueAt < ev.payload.servedAt ? why('答复期限早于送达日期', 'replyDueAt is before servedAt') : null,
  OBLIGOR_REPLIED: (ctx) => (ctx.consultation.reply ? why('已登记过赔偿义务人的答复', 'the obligor\'s reply is already recorded') : null),
  CONSULTATION_MEETING_HELD: (ctx, ev) =>
    ctx.consultation.noticeServedAt && cstDate(ev.payload.heldAt) < cstDate(ctx.consultation.noticeServedAt)
      ? why('磋商会议早于磋商通知书送达', 'the meeting is dated before the notice was served')
      : null,
  CONSULTATION_AGREED: (ctx, ev) => unknownParties(ctx, ev.payload.obligations),
  CONSULTATION_FAILED: (ctx, ev, rules) => {
    const round = ctx.consultation;
    if (ctx.consultation.noticeServedAt === undefined && ev.payload.reasonCode !== 'cannot_consult') {
      return why('磋商通知送达前只能以“无法磋商”为由认定磋商不成', 'before the notice is served only cannot_consult applies');
    }
    switch (ev.payload.reasonCode) {
      case 'cannot_consult':
        return ev.payload.note ? null : why('“无法磋商”须说明情况（如通知无法送达、义务人下落不明）', 'cannot_consult needs a note');
      case 'obligor_refused':
        return round.reply === 'refuse' ? null : why('未登记赔偿义务人拒绝磋商的答复', 'no refusal by the obligor is recorded');
      case 'no_reply':
        return !round.reply && ev.facts.overdueRules.includes('obligor_reply')
          ? null
          : why('答复期限尚未届满或义务人已答复', 'the reply period has not ended, or the obligor replied');
      case 'absent_or_walkout':
        return round.meetings.some((m) => !m.obligorAttended) ? null : why('没有义务人缺席的会议记录', 'no meeting without the obligor is recorded');
      case 'meetings_exhausted':
        return round.meetings.length >= rules.consultationMeetingLimit
          ? null
          : why(`磋商会议不足 ${rules.consultationMeetingLimit} 次`, `fewer than ${rules.consultationMeetingLimit} meetings held`);
      case 'period_expired':
        return ev.facts.overdueRules.includes('consultation_90d') ? null : why('磋商期限尚未届满', 'the consultation period has not ended');
      case 'other':
        return ev.payload.note ? null : why('“其他情形”须说明理由', '"other" needs a note');
    }
  },
  REPLIED_TO_PROCURATORATE: (ctx, ev) => {
    if (!ctx.procuratorate.publicNotice) return why('检察机关尚未就本案发布公告，无需函告', 'no public notice of the procuratorate to answer');
    // While the notice's period runs (also after it was missed: a late answer is still an answer).
    return ev.facts.openDeadlines.public_notice_30d ? null : why('检察公告已答复或已处理，无需再函告', 'the public notice is already answered');
  },
  DEEMED_NOT_PURSUED: (ctx, ev) => {
    if (ctx.procuratorate.reply) {
      return why(`已于 ${cstDate(ctx.procuratorate.reply.at)} 书面回复检察机关（${ctx.procuratorate.reply.letterRef}），不能视为不提起索赔`, 'the bureau answered the notice in writing');
    }
    if (ev.payload.noticeEndedAt > ev.facts.now) return why('公告期尚未届满', 'the public notice period has not ended');
    const due = ev.facts.openDeadlines.public_notice_30d; // when the notice was recorded with PUBLIC_NOTICE_ISSUED
    return due && due > ev.facts.now ? why('检察公告的30日答复期尚未届满', 'the 30 days to answer the public notice have not passed') : null;
  },
  AGREEMENT_SIGNED: (ctx) => needsCollectiveReview(ctx, '签订协议'),
  JUDGMENT_EFFECTIVE: (ctx, ev) =>
    ev.payload.outcome === 'dismissed' && ev.payload.obligations?.length
      ? why('驳回诉讼请求的裁判不设定义务', 'a dismissal sets no obligations')
      : unknownParties(ctx, ev.payload.obligations),
  OBLIGATION_PROGRESS: (ctx, ev) => {
    const o = findObligation(ctx, ev.payload.obligationId);
    if (!o) return why(`没有义务 ${ev.payload.obligationId}`, `no obligation ${ev.payload.obligationId}`);
    if (o.status === 'performed') return why('该义务已履行完毕', 'the obligation is already performed');
    return ev.payload.paidFen ? beyondAmount(o, o.paidFen, ev.payload.paidFen, '缴纳金额') : null;
  },
  ESCROW_DEPOSITED: (ctx, ev) => {
    const o = findObligation(ctx, ev.payload.obligationId);
    if (!o) return why(`没有义务 ${ev.payload.obligationId}`, `no obligation ${ev.payload.obligationId}`);
    if (!allocatableKinds.includes(o.kind)) return why('只有替代性修复或提存义务可以提存', 'only substitute-restoration or escrow obligations can be deposited');
    if (o.status === 'performed') return why('该义务已履行完毕', 'the obligation is already performed');
    if (o.escrowDeposits.some((d) => d.certificateNo === ev.payload.certificateNo)) return why('该提存公证书已登记', 'this escrow certificate is already recorded');
    const deposited = o.escrowDeposits.reduce((sum, d) => sum + d.amountFen, 0);
    return beyondAmount(o, deposited, ev.payload.amountFen, '提存金额');
  },
  JUDICIAL_CONFIRMATION_RULED: (_ctx, ev) => {
    const floor = ev.facts.openDeadlines.judicial_confirmation_notice_30d;
    if (ev.payload.result !== 'confirmed' || !floor || cstDate(ev.at) > cstDate(floor)) return null;
    return why(`人民法院的公告期至 ${zhDay(cstDate(floor))} 届满，确认裁定不能早于届满之后`, `the court's notice runs until ${cstDate(floor)}; a confirmation cannot be dated before it ends`);
  },
  JUDICIAL_NOTICE_PUBLISHED: (ctx) => (ctx.judicialConfirmation ? null : why('尚未申请司法确认', 'no judicial confirmation applied for')),
  LAWSUIT_FILED: (ctx, ev) => {
    if (ctx.stage !== 'performance') {
      return ev.payload.basis || ev.payload.obligationIds ? why('仅在履行阶段可就未履行的协议起诉', 'basis agreement_default applies in performance only') : null;
    }
    if (ev.payload.basis !== 'agreement_default' || !ev.payload.obligationIds?.length) {
      return why('履行阶段起诉须以协议未履行为由（basis: agreement_default）并列明所涉义务', 'in performance a suit needs basis agreement_default and obligationIds');
    }
    if (ctx.enforceable) return why('协议已经司法确认或判决，可申请强制执行，无需另行起诉', 'an enforceable agreement or judgment is enforced, not sued on');
    for (const id of ev.payload.obligationIds) {
      const o = findObligation(ctx, id);
      if (!o) return why(`没有义务 ${id}`, `no obligation ${id}`);
      if (o.source !== 'agreement') return why(`义务 ${id} 不是赔偿协议设定的`, `obligation ${id} is not from the agreement`);
      if (o.status === 'performed') return why(`义务 ${id} 已履行完毕`, `obligation ${id} is performed`);
    }
    return null;
  },
  MONEY_RECORD_REVERSED: (ctx, ev) => {
    const record = ev.facts.moneyRecord;
    if (!record) return why(`第 ${ev.payload.seq} 条办理记录不是缴纳或提存记录`, `history entry ${ev.payload.seq} records no payment or deposit`);
    if ((ctx.reversedMoneyRecords ?? []).includes(record.seq)) return why(`第 ${record.seq} 条记录已撤销`, `entry ${record.seq} is already reversed`);
    const o = findObligation(ctx, record.obligationId);
    if (!o) return why(`没有义务 ${record.obligationId}`, `no obligation ${record.obligationId}`);
    if (record.type === 'ESCROW_DEPOSITED') {
      if (!o.escrowDeposits.some((d) => d.certificateNo === record.certificateNo)) return why(`第 ${record.seq} 条记录的提存已不在该义务下`, 'the deposit is no longer recorded');
      const left = o.escrowDeposits.reduce((s, d) => s + d.amountFen, 0) - record.amountFen;
      const allocated = ev.facts.allocatedFen ?? 0;
      if (left < allocated) {
        return why(`该义务的提存资金已确认分配 ${yuan(allocated)}，撤销后仅余 ${yuan(left)}，请先处理分配`, `${allocated} fen are allocated; only ${left} would remain`);
      }
    }
    return null;
  },
  ENFORCEMENT_APPLIED: (ctx, ev) => {
    const o = findObligation(ctx, ev.payload.obligationId);
    if (!o) return why(`没有义务 ${ev.payload.obligationId}`, `no obligation ${ev.payload.obligationId}`);
    if (o.status === 'performed') return why('该义务已履行完毕', 'the obligation is already performed');
    return null;
  },
  EVALUATION_FAILED: (ctx, ev) => unknownParties(ctx, ev.payload.followUp),
  EVALUATION_EXEMPTED: (ctx, ev) => {
    if (ev.payload.reasonCode === 'no_restoration_obligation' && ctx.obligations.some((o) => restorationKinds.includes(o.kind) && o.kind !== 'substitute_restoration')) {
      return why('案件有修复义务，不能以“无修复义务”免于评估', 'the case has restoration obligations');
    }
    if (ev.payload.reasonCode === 'other' && !ev.payload.note) return why('“其他”须说明理由', '"other" needs a note');
    return null;
  },
  TERMINATED: (ctx, ev, rules) =>
    (rules.terminationGrounds as string[]).includes(ev.payload.reasonCode)
      ? needsCollectiveReview(ctx, '终止')
      : why(`本地规则未启用终止事由“${terminationReasons.labels[ev.payload.reasonCode].zh}”`, `termination ground ${ev.payload.reasonCode} is not enabled`),
  DEADLINE_EXTENDED: (_ctx, ev, rules) => {
    const current = ev.facts.openDeadlines[ev.payload.rule];
    if (!current) return why(`没有可延长的期限 ${ev.payload.rule}`, `no open deadline ${ev.payload.rule}`);
    const rule = ev.payload.rule as DeadlineRuleName;
    const label = deadlineRules[rule]?.labels.zh ?? rule;
    const may = extendersOf(rules, rule);
    if (may.length === 0) return why(`${label}不得延长`, `${rule} cannot be extended`);
    if (!may.includes(ev.actor.role)) {
      return why(`${label}只能由${may.map((r) => roles.labels[r as Role].zh).join('或')}延长`, `only ${may.join('/')} may extend ${rule}`);
    }
    return explicitDue(ev.payload.newDueAt) > current ? null : why('新期限须晚于原期限', 'the new due date must be later than the current one');
  },
};

/** The reason an event is refused on this case, or null. Used by the machine's guards and by the service to answer 422. */
function zhDay(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** Business dates (vocabulary.ts, pastDateFields): not after today, and not before the lead was received. */
export function businessDateRefusal(ctx: CaseContext, event: CaseMachineEvent): Refusal {
  const today = cstDate(event.facts.now);
  const received = cstDate(ctx.receivedAt);
  const values: [string, unknown][] = [['at', event.at], ...Object.entries(event.payload ?? {})];
  for (const [field, value] of values) {
    const spec = pastDateFields[field];
    if (!spec || typeof value !== 'string') continue;
    const day = cstDate(value);
    if (day > today) return why(`${spec.zh}（${zhDay(day)}）不能晚于今天`, `${field} is in the future`);
    if (spec.notBeforeReceipt && day < received) {
      return why(`${spec.zh}（${zhDay(day)}）不能早于线索受理日期（${zhDay(received)}）`, `${field} is before the lead was received`);
    }
  }
  return null;
}

export function refusalOf(ctx: CaseContext, event: CaseMachineEvent, rules: WorkflowRules): Refusal {
  const dated = businessDateRefusal(ctx, event);
  if (dated) return dated;
  const pre = preconditions[event.type]?.(ctx);
  if (pre) return pre;
  const check = refusals[event.type] as ((c: CaseContext, e: CaseMachineEvent, r: WorkflowRules) => Refusal) | undefined;
  return check ? check(ctx, event, rules) : null;
}

export function stageOf(ctx: CaseContext): TopState {
  return ctx.stage;
}
