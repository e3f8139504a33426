import type { StateNode } from 'xstate';
import type { CaseContext, CaseMachineEvent, MoneyRecord } from '../../workflows/case-context';
import type { CaseEventType } from '../../workflows/case-events';
import { createCaseMachine, type CaseMachine } from '../../workflows/case-machine';
import { advanceCase, startCase, statePath, type PersistedCaseSnapshot } from '../../workflows/case-runtime';
import { defaultRules } from '../../workflows/rules';
import type { Role } from '../../workflows/vocabulary';

/**
 * Model-based testing of the case machine: a breadth-first exploration of the machine with a
 * generator of valid events per state, giving the shortest event path to every reachable
 * (state, relevant context) node and to every transition the machine declares. The HTTP test
 * replays these paths against the real service.
 */

export interface Step {
  type: CaseEventType;
  role: Role;
  payload: Record<string, unknown>;
}

// Late enough for the court's 30-day notice of an agreement applied for on 2026-05-27 to have ended.
export const NOW = '2026-07-15T02:00:00.000Z';
export const RECEIVED = '2026-05-20';

const handler = (type: CaseEventType, payload: Record<string, unknown> = {}): Step => ({ type, role: 'handler', payload });

/**
 * The procuratorate's public notice on a lead, the bureau's written answer to it, and the notice
 * deemed not pursued: accepted while the lead is registered, verified or awaiting the decision to
 * start, and after consultation failed.
 */
function noticeSteps(ctx: CaseContext, noticeRef: string, publishedAt: string, noticeEndedAt: string): Step[] {
  const steps: Step[] = [];
  if (!ctx.procuratorate.publicNotice) steps.push({ type: 'PUBLIC_NOTICE_ISSUED', role: 'procuratorate', payload: { noticeRef, publishedAt } });
  else if (!ctx.procuratorate.reply) steps.push(handler('REPLIED_TO_PROCURATORATE', { letterRef: `函告${noticeRef}`, intent: 'claim' }));
  steps.push({ type: 'DEEMED_NOT_PURSUED', role: 'procuratorate', payload: { noticeRef, noticeEndedAt } });
  return steps;
}

/**
 * The payments and deposits a path has recorded and not reversed, with the history seq each will
 * have when the path is replayed (seq 1 is the lead's registration, then one entry per step).
 */
function moneyRecordsOf(steps: readonly Step[]): MoneyRecord[] {
  const reversed = new Set(steps.filter((s) => s.type === 'MONEY_RECORD_REVERSED').map((s) => s.payload.seq as number));
  const out: MoneyRecord[] = [];
  steps.forEach((s, i) => {
    const p = s.payload as { obligationId?: string; amountFen?: number; paidFen?: number; certificateNo?: string };
    if (s.type === 'ESCROW_DEPOSITED' && p.obligationId && p.amountFen) out.push({ seq: i + 2, type: 'ESCROW_DEPOSITED', obligationId: p.obligationId, amountFen: p.amountFen, certificateNo: p.certificateNo });
    if (s.type === 'OBLIGATION_PROGRESS' && p.obligationId && p.paidFen) out.push({ seq: i + 2, type: 'OBLIGATION_PROGRESS', obligationId: p.obligationId, amountFen: p.paidFen });
  });
  return out.filter((r) => !reversed.has(r.seq));
}

/** Events worth trying in a state: valid payloads, chosen so the graph stays finite. */
export function candidateSteps(path: string, ctx: CaseContext, taken: readonly Step[] = []): Step[] {
  const steps: Step[] = [];
  const top = path.split('.')[0];
  switch (path) {
    case 'lead':
      steps.push(handler('SCREENED', { outcome: 'verify' }), handler('SCREENED', { outcome: 'duplicate', note: '与另案重复' }));
      if (!ctx.major) steps.push(handler('MARKED_MAJOR', { basis: 'central_inspection' }));
      if (ctx.major && !ctx.collectiveReview) steps.push({ type: 'COLLECTIVE_REVIEW_RECORDED', role: 'reviewer', payload: { decision: '同意' } });
      steps.push(handler('TERMINATED', { reasonCode: 'other', note: '线索撤回' }));
      steps.push(...noticeSteps(ctx, '公告2026-0', '2026-04-20', '2026-05-25'));
      if (!ctx.priorPenalties?.length) steps.push(handler('PRIOR_PENALTY_RECORDED', { partyId: 'P1', decisionRef: '吴环罚〔2025〕1号', decidedAt: '2025-06-01' }));
      break;
    case 'verification':
      steps.push(handler('DAMAGE_CONFIRMED', { findings: '确认损害' }), handler('NO_DAMAGE', { reason: '未发现损害' }));
      steps.push(handler('DEADLINE_EXTENDED', { rule: 'verification_30d', newDueAt: '2026-07-31', reason: '现场勘查需要' }));
      steps.push(handler('SUSPENDED', { reason: '等待监测报告' }));
      steps.push(...noticeSteps(ctx, '公告2026-0', '2026-04-20', '2026-05-25'));
      break;
    case 'startDecision':
      steps.push(handler('CLAIM_STARTED'), handler('CLAIM_NOT_STARTED', { reasonCode: 'already_performed', note: '已履行' }));
      steps.push(...noticeSteps(ctx, '公告2026-1', '2026-04-20', '2026-05-25'));
      break;
    case 'investigation':
      steps.push(
        handler('INVESTIGATION_CONCLUDED', { conclusion: 'assess', obligorsIdentified: true }),
        handler('INVESTIGATION_CONCLUDED', { conclusion: 'terminate', obligorsIdentified: false }),
      );
      if (!ctx.procuratorate.notified) steps.push(handler('PROCURATORATE_NOTIFIED', { procuratorate: '吴中区人民检察院' }));
      steps.push(handler('SUSPENDED', { reason: '等待刑事判决' }));
      break;
    case 'assessment':
      steps.push(handler('ASSESSMENT_COMPLETED', { route: 'formal', amountFen: 50_000_000, restorability: 'partial', institution: '江苏省环境科学研究院' }));
      break;
    case 'consultation.notice':
      steps.push(handler('CONSULTATION_NOTICE_SERVED', { servedAt: '2026-05-21', replyDueAt: '2026-05-28' }));
      steps.push(handler('CONSULTATION_FAILED', { reasonCode: 'cannot_consult', note: '磋商通知无法送达，义务人下落不明' }));
      break;
    case 'consultation.meetings':
      if (!ctx.consultation.reply) steps.push(handler('OBLIGOR_REPLIED', { reply: 'agree_to_consult' }));
      if (ctx.consultation.meetings.length === 0) steps.push(handler('CONSULTATION_MEETING_HELD', { heldAt: '2026-05-22', obligorAttended: true }));
      steps.push(
        handler('CONSULTATION_AGREED', { obligations: [{ kind: 'escrow', amountFen: 30_000_000, partyId: 'P1' }, { kind: 'payment', amountFen: 20_000_000, partyId: 'P1' }] }),
        handler('CONSULTATION_FAILED', { reasonCode: 'other', note: '双方分歧较大' }),
      );
      break;
    case 'consultation.failed':
      steps.push(
        handler('RECONSULTATION_STARTED'),
        handler('LAWSUIT_FILED', { court: '苏州市中级人民法院', filedAt: '2026-05-25', supportRequestedFromProcuratorate: true }),
        handler('HANDED_TO_PROCURATORATE', { procuratorate: '苏州市人民检察院' }),
        ...noticeSteps(ctx, '公告2026-2', '2026-04-25', '2026-05-30'),
      );
      break;
    case 'agreement.drafting':
      steps.push(handler('AGREEMENT_SIGNED', { signedAt: '2026-05-26' }));
      break;
    case 'agreement.signed':
      steps.push(handler('JUDICIAL_CONFIRMATION_APPLIED', { court: '苏州市中级人民法院', appliedAt: '2026-05-27' }), handler('JUDICIAL_CONFIRMATION_WAIVED'));
      break;
    case 'judicialConfirmation':
      steps.push(handler('JUDICIAL_CONFIRMATION_RULED', { result: 'confirmed' }), handler('JUDICIAL_CONFIRMATION_RULED', { result: 'rejected' }));
      if (!ctx.judicialConfirmation?.noticePublishedAt) steps.push(handler('JUDICIAL_NOTICE_PUBLISHED', { publishedAt: '2026-05-28' }));
      break;
    case 'litigation':
      if (ctx.procuratorate.supportProvided.length === 0) steps.push({ type: 'SUPPORT_PROVIDED', role: 'procuratorate', payload: { note: '支持起诉意见书' } });
      steps.push(
        handler('JUDGMENT_EFFECTIVE', { outcome: 'upheld', obligations: [{ kind: 'escrow', amountFen: 30_000_000 }, { kind: 'payment', amountFen: 20_000_000 }] }),
        handler('JUDGMENT_EFFECTIVE', { outcome: 'dismissed' }),
      );
      break;
    case 'publicInterestLitigation':
      if (!ctx.procuratorate.suit) steps.push({ type: 'PUBLIC_INTEREST_SUIT_FILED', role: 'procuratorate', payload: { court: '苏州市中级人民法院', filedAt: '2026-05-29' } });
      steps.push(
        { type: 'JUDGMENT_EFFECTIVE', role: 'procuratorate', payload: { outcome: 'mediated', obligations: [{ kind: 'escrow', amountFen: 30_000_000 }, { kind: 'payment', amountFen: 20_000_000 }] } },
        { type: 'JUDGMENT_EFFECTIVE', role: 'procuratorate', payload: { outcome: 'dismissed' } },
      );
      break;
    case 'performance': {
      const escrow = ctx.obligations.find((o) => o.kind === 'escrow' && o.status !== 'performed');
      const other = ctx.obligations.find((o) => o.kind !== 'escrow' && o.status !== 'performed');
      if (escrow) steps.push(handler('ESCROW_DEPOSITED', { obligationId: escrow.id, amountFen: escrow.amountFen, notary: '苏州市公证处', certificateNo: `提存${escrow.id}`, depositedAt: '2026-05-30' }));
      // A duty in kind is recorded with a stray payment on it, which a reversal later undoes.
      if (!escrow && other) steps.push(handler('OBLIGATION_PROGRESS', { obligationId: other.id, status: 'performed', paidFen: other.amountFen ?? 100 }));
      const unperformed = ctx.obligations.find((o) => o.source === 'agreement' && o.status !== 'performed');
      if (!ctx.enforceable && unperformed) steps.push(handler('LAWSUIT_FILED', { court: '苏州市中级人民法院', filedAt: '2026-06-20', basis: 'agreement_default', obligationIds: [unperformed.id] }));
      const deposit = moneyRecordsOf(taken).find((r) => r.type === 'ESCROW_DEPOSITED');
      if (deposit && (ctx.reversedMoneyRecords ?? []).length === 0) steps.push(handler('MONEY_RECORD_REVERSED', { seq: deposit.seq, reason: '提存记录有误' }));
      if (ctx.enforceable && other && other.status !== 'enforced' && escrow) steps.push(handler('ENFORCEMENT_APPLIED', { obligationId: other.id, court: '苏州市中级人民法院' }));
      break;
    }
    case 'evaluation.pending':
      steps.push(handler('EVALUATION_PASSED', { reportRef: '评估报告1' }), handler('EVALUATION_EXEMPTED', { reasonCode: 'other', note: '专家论证' }));
      if (ctx.evaluationsFailed === 0) steps.push(handler('EVALUATION_FAILED', { followUp: [{ kind: 'replanting', quantity: { value: 200, unit: '株' } }] }));
      if ((ctx.reversedMoneyRecords ?? []).length === 0) for (const r of moneyRecordsOf(taken).filter((x) => x.type === 'OBLIGATION_PROGRESS')) steps.push(handler('MONEY_RECORD_REVERSED', { seq: r.seq, reason: '缴纳记录有误' }));
      break;
    case 'evaluation.passed':
    case 'evaluation.exempted':
      steps.push(handler('CASE_CLOSED'));
      break;
    case 'suspended':
      steps.push(handler('RESUMED'));
      if (!ctx.major) steps.push(handler('MARKED_MAJOR', { basis: 'designated' }));
      if (ctx.major && ctx.collectiveReview?.stage !== ctx.stage) steps.push({ type: 'COLLECTIVE_REVIEW_RECORDED', role: 'reviewer', payload: { decision: '同意' } });
      if (ctx.claim?.started && !ctx.procuratorate.notified) steps.push(handler('PROCURATORATE_NOTIFIED', { procuratorate: '吴中区人民检察院' }));
      if (ctx.stage === 'verification') steps.push(handler('DEADLINE_EXTENDED', { rule: 'verification_30d', newDueAt: '2026-08-31', reason: '中止期间' }));
      steps.push(handler('TERMINATED', { reasonCode: 'obligor_extinct', note: '企业注销' }));
      break;
    default:
      break;
  }
  void top;
  return steps;
}

function facts(path: string, ctx: CaseContext, taken: readonly Step[] = [], step?: Step) {
  const moneyRecord = step?.type === 'MONEY_RECORD_REVERSED' ? (moneyRecordsOf(taken).find((r) => r.seq === step.payload.seq) ?? null) : undefined;
  const verificationOpen = path === 'verification' || (path === 'suspended' && ctx.stage === 'verification');
  // The procuratorate's notice (published in April) runs, past due, until answered or decided.
  const p = ctx.procuratorate;
  const noticeLive = !!p.publicNotice && !p.reply && !p.deemedNotPursued && (!ctx.claim || path.startsWith('consultation'));
  return {
    ...(moneyRecord !== undefined ? { moneyRecord, allocatedFen: 0 } : {}),
    now: NOW,
    overdueRules: noticeLive ? ['public_notice_30d'] : [],
    openDeadlines: {
      ...(verificationOpen ? { verification_30d: '2026-06-19T15:59:59.999Z' } : {}),
      ...(noticeLive ? { public_notice_30d: '2026-05-20T15:59:59.999Z' } : {}),
      // The court's notice, from the application on 2026-05-27 (or its publication the next day), has ended.
      ...(path === 'judicialConfirmation' ? { judicial_confirmation_notice_30d: '2026-06-29T15:59:59.999Z' } : {}),
    },
  };
}

function keyOf(path: string, ctx: CaseContext): string {
  return JSON.stringify([
    path, ctx.stage, ctx.major, ctx.collectiveReview?.stage ?? null, ctx.claim?.started ?? null, !!ctx.procuratorate.notified,
    !!ctx.procuratorate.publicNotice, !!ctx.procuratorate.reply,
    ctx.procuratorate.supportProvided.length > 0, !!ctx.procuratorate.suit, ctx.consultation.reply ?? null, ctx.consultation.meetings.length > 0,
    ctx.enforceable, ctx.evaluationsFailed, (ctx.reversedMoneyRecords ?? []).length, ctx.obligations.map((o) => `${o.kind}:${o.status}`).join(','),
  ]);
}

export interface Edge {
  /** The transition the machine declares: the state that declares it, the event, and where it goes. */
  declared: string;
  from: string;
  to: string;
  step: Step;
}

export interface ModelNode {
  key: string;
  path: string;
  snapshot: PersistedCaseSnapshot;
  steps: Step[];
}

export function explore(machine: CaseMachine = createCaseMachine()) {
  const start = startCase(machine, { receivedAt: new Date(`${RECEIVED}T00:00:00+08:00`).toISOString(), redLine: false, partyIds: ['P1'] });
  const root: ModelNode = { key: keyOf(start.state, start.snapshot.context), path: start.state, snapshot: start.snapshot, steps: [] };
  const seen = new Map<string, ModelNode>([[root.key, root]]);
  const queue = [root];
  const pathsToTransitions = new Map<string, Step[]>();
  const statesReached = new Set<string>([root.path]);
  while (queue.length) {
    const node = queue.shift()!;
    for (const step of candidateSteps(node.path, node.snapshot.context, node.steps)) {
      const event = { type: step.type, payload: step.payload, at: NOW, facts: facts(node.path, node.snapshot.context, node.steps, step), actor: { clientId: 'model', role: step.role } } as CaseMachineEvent;
      const r = advanceCase(machine, defaultRules, node.snapshot, event);
      if (!r.ok) continue;
      r.to.split('.').forEach((_, i, parts) => statesReached.add(parts.slice(0, i + 1).join('.')));
      const declared = [declaredTransition(machine, node.path, node.snapshot, step.type, r.to)];
      // The eventless transition out of performance fires inside the same macrostep.
      if (node.path === 'performance' && r.to.startsWith('evaluation')) declared.push('performance --(always)#0');
      for (const d of declared) if (!pathsToTransitions.has(d)) pathsToTransitions.set(d, [...node.steps, step]);
      const key = keyOf(r.to, r.context);
      if (!seen.has(key)) {
        const next: ModelNode = { key, path: r.to, snapshot: r.snapshot, steps: [...node.steps, step] };
        seen.set(key, next);
        queue.push(next);
      }
    }
  }
  return { nodes: [...seen.values()], statesReached, pathsToTransitions };
}

type AnyNode = StateNode<never, never>;

function publicPath(n: AnyNode): string {
  return n.path.filter((p) => p !== 'active').join('.');
}

function allNodes(machine: CaseMachine): AnyNode[] {
  const out: AnyNode[] = [];
  const walk = (n: AnyNode) => {
    for (const c of Object.values(n.states) as AnyNode[]) {
      out.push(c);
      walk(c);
    }
  };
  walk(machine.root as unknown as AnyNode);
  return out;
}

/** Every state a case can be in (public paths), and every transition the machine declares. */
export function machineInventory(machine: CaseMachine = createCaseMachine()) {
  const nodes = allNodes(machine).filter((n) => n.type !== 'history' && n.key !== 'active');
  const states = new Set(nodes.map(publicPath));
  const transitions = new Set<string>();
  for (const n of [...allNodes(machine), machine.root as unknown as AnyNode]) {
    const on = (n.config.on ?? {}) as Record<string, unknown>;
    for (const [type, raw] of Object.entries(on)) {
      const options = Array.isArray(raw) ? raw : [raw];
      options.forEach((_, i) => transitions.add(`${n.key === 'active' ? '(open)' : publicPath(n)} --${type}#${i}`));
    }
    if (n.config.always) transitions.add(`${publicPath(n)} --(always)#0`);
  }
  return { states, transitions };
}

/** Which declared transition took a case from `from` to `to` on an event. */
function declaredTransition(machine: CaseMachine, from: string, snapshot: PersistedCaseSnapshot, type: string, to: string): string {
  const nodes = allNodes(machine);
  const byPath = (p: string) => nodes.find((n) => publicPath(n) === p && n.key !== 'active' && n.type !== 'history');
  let node: AnyNode | undefined = byPath(from);
  while (node) {
    const on = (node.config.on ?? {}) as Record<string, unknown>;
    if (type in on) break;
    node = node.parent as AnyNode | undefined;
  }
  if (!node) throw new Error(`no declaration of ${type} above ${from}`);
  const declaredOn = node.config.on as Record<string, unknown>;
  const options = (Array.isArray(declaredOn[type]) ? declaredOn[type] : [declaredOn[type]]) as { target?: string }[];
  const declaringPath = node.key === 'active' ? '(open)' : publicPath(node);
  if (options.length === 1) return `${declaringPath} --${type}#0`;
  // Guarded alternatives go to different top-level states: pick the one whose target matches.
  const topOf = (t: string) => (t.startsWith('#case.') ? t.slice(6).replace(/^active\./, '') : t).split('.')[0];
  let index = options.findIndex((o) => o.target && topOf(o.target) === to.split('.')[0]);
  // A targetless alternative keeps the case where it is.
  if (index < 0) index = options.findIndex((o) => !o.target && to.split('.')[0] === from.split('.')[0]);
  void snapshot;
  return `${declaringPath} --${type}#${index < 0 ? options.length - 1 : index}`;
}

export { statePath };
