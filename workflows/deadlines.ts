import type { CaseContext, CaseMachineEvent } from './case-context';
import type { CaseEventType } from './case-events';
import { dueDateOf, explicitDue, type WorkingCalendar } from './calendar';
import type { DeadlineRuleName, WorkflowRules } from './rules';
import type { Labels } from './vocabulary';

/**
 * The procedure's deadlines, declared as data. A deadline opens when a state is entered or an
 * event happens, counts from an anchor date, and is settled (met or cancelled) by events or by
 * leaving its state. `planDeadlines` applies one accepted event to a case's deadlines; it is pure,
 * and the scheduler marks open deadlines missed once their due time has passed.
 *
 * Suspension (中止) stops the clock: nothing is settled on SUSPENDED, and on RESUMED every open
 * deadline moves later by the time spent suspended (recorded as an extension).
 */

export interface Deadline {
  id: string;
  rule: DeadlineRuleName;
  ref?: string;
  startAt: string;
  dueAt: string;
  status: 'open' | 'met' | 'missed' | 'cancelled';
  openedSeq: number;
  settledAt?: string;
  missedAt?: string;
  metLate?: boolean;
  extensions: { from: string; to: string; reason: string; seq: number }[];
}

interface RuleDeclaration {
  labels: Labels;
  /** A state (public path) whose entry opens the deadline and whose exit settles it. */
  state?: string;
  /** Or an event that opens it. */
  openedBy?: CaseEventType;
  /**
   * A date before which something may not happen (a floor set by someone else), not a duty of the
   * bureau: shown, never overdue, never marked missed, never in nextDueAt.
   */
  notBefore?: boolean;
  /** An event that moves its start (and so its due date), e.g. the court's notice published later than estimated. */
  reanchoredBy?(ev: CaseMachineEvent): string | undefined;
  /** Opened when the lead is registered (anchored on its receipt), not by an event of the machine. */
  openedAtRegistration?: boolean;
  /** Events that meet it. */
  metBy?: CaseEventType[];
  /** Events that make it moot (cancelled), e.g. a lead screened out. */
  cancelledBy?(ev: CaseMachineEvent, d: Deadline): boolean;
  /** How leaving its state (other than by termination) settles it. */
  onExit?: 'met' | 'cancelled';
  /** Still running after the case closes (escrow money outlives the case). */
  outlivesCase?: boolean;
  anchor(ev: CaseMachineEvent, ctx: CaseContext): string;
  explicitDue?(ev: CaseMachineEvent): string | undefined;
  ref?(ev: CaseMachineEvent): string | undefined;
}

const at = (ev: CaseMachineEvent) => ev.at;

export const deadlineRules: Record<DeadlineRuleName, RuleDeclaration> = {
  verification_30d: {
    // 30 days from receiving or discovering the lead (2022 Provisions), not from screening: a lead
    // nobody screens is due and then overdue like any other.
    labels: { zh: '初步核查期限（30日）', en: 'Preliminary verification (30 days)' },
    openedAtRegistration: true,
    metBy: ['DAMAGE_CONFIRMED', 'NO_DAMAGE'],
    // Moot when the lead is screened out, or when the procuratorate takes the matter up itself.
    cancelledBy: (ev) => (ev.type === 'SCREENED' && ev.payload.outcome !== 'verify') || ev.type === 'DEEMED_NOT_PURSUED',
    anchor: (_ev, ctx) => ctx.receivedAt,
  },
  procuratorate_notice_15d: {
    labels: { zh: '立案后告知检察机关期限（15日）', en: 'Notify the procuratorate (15 days)' },
    openedBy: 'CLAIM_STARTED',
    metBy: ['PROCURATORATE_NOTIFIED'],
    anchor: at,
  },
  public_notice_30d: {
    labels: { zh: '检察公告期（30日内书面回复）', en: 'Answer the public notice (30 days)' },
    openedBy: 'PUBLIC_NOTICE_ISSUED',
    // Answered by the bureau's written answer (函告), or by deciding (to claim or not), suing, or
    // handing the matter over; DEEMED_NOT_PURSUED comes after it was missed.
    metBy: ['REPLIED_TO_PROCURATORATE', 'CLAIM_STARTED', 'CLAIM_NOT_STARTED', 'LAWSUIT_FILED', 'HANDED_TO_PROCURATORATE'],
    anchor: (ev) => (ev.type === 'PUBLIC_NOTICE_ISSUED' ? ev.payload.publishedAt : ev.at),
    ref: (ev) => (ev.type === 'PUBLIC_NOTICE_ISSUED' ? ev.payload.noticeRef : undefined),
  },
  consultation_90d: {
    labels: { zh: '磋商期限（90日）', en: 'Consultation period (90 days)' },
    state: 'consultation.meetings',
    onExit: 'met',
    anchor: (ev) => (ev.type === 'CONSULTATION_NOTICE_SERVED' ? ev.payload.servedAt : ev.at),
  },
  obligor_reply: {
    labels: { zh: '赔偿义务人答复期限', en: 'Obligor reply due' },
    state: 'consultation.meetings',
    metBy: ['OBLIGOR_REPLIED'],
    onExit: 'cancelled',
    anchor: (ev) => (ev.type === 'CONSULTATION_NOTICE_SERVED' ? ev.payload.servedAt : ev.at),
    explicitDue: (ev) => (ev.type === 'CONSULTATION_NOTICE_SERVED' ? explicitDue(ev.payload.replyDueAt) : undefined),
  },
  judicial_confirmation_notice_30d: {
    // The court publishes the agreement for not less than 30 days before it may confirm it (SPC
    // rules on judicial confirmation): a floor set by the court, not a duty of the bureau.
    labels: { zh: '司法确认公告期（不少于30日）', en: 'Judicial confirmation notice (not less than 30 days)' },
    state: 'judicialConfirmation',
    onExit: 'met',
    notBefore: true,
    anchor: (ev) => (ev.type === 'JUDICIAL_CONFIRMATION_APPLIED' ? (ev.payload.noticePublishedAt ?? ev.payload.appliedAt) : ev.at),
    reanchoredBy: (ev) => (ev.type === 'JUDICIAL_NOTICE_PUBLISHED' ? ev.payload.publishedAt : undefined),
  },
  escrow_lapse_5y: {
    labels: { zh: '提存物领取权利期限（5年）', en: 'Escrow lapse (5 years)' },
    openedBy: 'ESCROW_DEPOSITED',
    outlivesCase: true,
    // A deposit recorded in error and reversed has no lapse to watch.
    cancelledBy: (ev, d) => ev.type === 'MONEY_RECORD_REVERSED' && ev.facts.moneyRecord?.type === 'ESCROW_DEPOSITED' && d.ref === `${ev.facts.moneyRecord.obligationId}/${ev.facts.moneyRecord.certificateNo}`,
    anchor: (ev) => (ev.type === 'ESCROW_DEPOSITED' ? ev.payload.depositedAt : ev.at),
    ref: (ev) => (ev.type === 'ESCROW_DEPOSITED' ? `${ev.payload.obligationId}/${ev.payload.certificateNo}` : undefined),
  },
};

/** The public paths of every state a path is inside: `consultation.meetings` → [consultation, consultation.meetings]. */
function ancestry(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

export interface DeadlineStep {
  before: Deadline[];
  from: string;
  to: string;
  event: CaseMachineEvent;
  /** The context before and after the event. */
  previous: CaseContext;
  context: CaseContext;
  seq: number;
  rules: WorkflowRules;
  calendar: WorkingCalendar;
}

/** The case's deadlines after one accepted event. */
export function planDeadlines(step: DeadlineStep): Deadline[] {
  const { event, seq } = step;
  const deadlines = step.before.map((d) => ({ ...d, extensions: [...d.extensions] }));
  const settle = (d: Deadline, status: 'met' | 'cancelled') => {
    if (status === 'met' && d.status === 'missed') d.metLate = true;
    d.status = status;
    d.settledAt = event.at;
  };
  const live = (d: Deadline) => d.status === 'open' || d.status === 'missed';

  if (event.type === 'SUSPENDED') return deadlines;
  if (event.type === 'RESUMED') {
    const suspendedAt = step.previous.suspension?.at;
    const since = suspendedAt ? Date.parse(event.at) - Date.parse(suspendedAt) : 0;
    for (const d of deadlines) {
      // Only the bureau's own periods stand still while suspended (rules.pausedBySuspension).
      if (d.status !== 'open' || since <= 0 || !step.rules.pausedBySuspension.includes(d.rule)) continue;
      const to = new Date(Date.parse(d.dueAt) + since).toISOString();
      d.extensions.push({ from: d.dueAt, to, reason: '中止期间不计入期限 / suspension does not count', seq });
      d.dueAt = to;
    }
    return deadlines;
  }
  if (event.type === 'DEADLINE_EXTENDED') {
    const target = deadlines.filter((d) => d.rule === event.payload.rule && live(d)).sort((a, b) => b.dueAt.localeCompare(a.dueAt))[0];
    if (target) {
      const to = explicitDue(event.payload.newDueAt);
      target.extensions.push({ from: target.dueAt, to, reason: event.payload.reason, seq });
      target.dueAt = to;
      if (target.status === 'missed') target.status = 'open';
      delete target.missedAt;
    }
    return deadlines;
  }

  const exited = new Set(ancestry(step.from).filter((p) => !ancestry(step.to).includes(p)));
  const entered = ancestry(step.to).filter((p) => !ancestry(step.from).includes(p));
  const terminated = step.to === 'closed' && step.context.outcome === 'terminated';

  for (const d of deadlines) {
    if (!live(d)) continue;
    const decl = deadlineRules[d.rule];
    const anchor = decl.reanchoredBy?.(event);
    if (anchor && d.status === 'open') {
      const to = dueDateOf(anchor, step.rules.periods[d.rule], step.calendar);
      d.extensions.push({ from: d.dueAt, to, reason: '按实际公告日期重新计算 / counted from the actual publication', seq });
      d.startAt = anchor;
      d.dueAt = to;
      continue;
    }
    if (decl.metBy?.includes(event.type)) settle(d, 'met');
    else if (decl.cancelledBy?.(event, d)) settle(d, 'cancelled');
    else if (step.to === 'closed' && !decl.outlivesCase) settle(d, terminated || !decl.onExit ? 'cancelled' : decl.onExit);
    else if (decl.state && exited.has(decl.state)) settle(d, terminated ? 'cancelled' : decl.onExit ?? 'cancelled');
  }

  for (const [rule, decl] of Object.entries(deadlineRules) as [DeadlineRuleName, RuleDeclaration][]) {
    const opens = (decl.state && entered.includes(decl.state)) || decl.openedBy === event.type;
    if (!opens) continue;
    const startAt = decl.anchor(event, step.context);
    const dueAt = decl.explicitDue?.(event) ?? dueDateOf(startAt, step.rules.periods[rule], step.calendar);
    const ref = decl.ref?.(event);
    deadlines.push({ id: `${rule}-${seq}`, rule, ...(ref ? { ref } : {}), startAt, dueAt, status: 'open', openedSeq: seq, extensions: [] });
  }
  return deadlines;
}

/** The deadlines a lead has from its registration (seq 1): those that run from its receipt. */
export function registrationDeadlines(receivedAt: string, rules: WorkflowRules, calendar: WorkingCalendar): Deadline[] {
  return (Object.entries(deadlineRules) as [DeadlineRuleName, RuleDeclaration][])
    .filter(([, decl]) => decl.openedAtRegistration)
    .map(([rule]) => ({
      id: `${rule}-1`,
      rule,
      startAt: receivedAt,
      dueAt: dueDateOf(receivedAt, rules.periods[rule], calendar),
      status: 'open' as const,
      openedSeq: 1,
      extensions: [],
    }));
}

/** The earliest due time among open deadlines: what the scheduler looks for. */
export function nextDueAt(deadlines: Deadline[]): string | null {
  const open = deadlines.filter((d) => d.status === 'open' && countsAsDue(d.rule)).map((d) => d.dueAt).sort();
  return open[0] ?? null;
}

/** Whether a deadline of this rule is a duty that can fall due and be missed (not a notBefore floor). */
export function countsAsDue(rule: string): boolean {
  return !deadlineRules[rule as DeadlineRuleName]?.notBefore;
}

/** Marks open deadlines whose due time has passed as missed; returns the ones it marked. */
export function markMissed(deadlines: Deadline[], now: string): Deadline[] {
  const marked: Deadline[] = [];
  for (const d of deadlines) {
    if (d.status === 'open' && d.dueAt < now && countsAsDue(d.rule)) {
      d.status = 'missed';
      d.missedAt = now;
      marked.push(d);
    }
  }
  return marked;
}
