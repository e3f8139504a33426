import { createActor, initialTransition, transition, type SnapshotFrom, type StateValue } from 'xstate';
import type { CaseContext, CaseMachineEvent, CaseMachineInput, TopState } from './case-context';
import { caseEventTypes, type CaseEventType } from './case-events';
import { preconditions, refusalOf } from './case-guards';
import { type CaseMachine } from './case-machine';
import type { WorkflowRules } from './rules';

/**
 * Pure operations on a case's machine: start, restore a stored snapshot, list the events a state
 * accepts, and advance by one event with a reason whenever the event is refused. The service calls
 * these; it never drives XState directly.
 */

export type CaseSnapshot = SnapshotFrom<CaseMachine>;
/** The JSON form stored in the case document (getPersistedSnapshot). */
export type PersistedCaseSnapshot = Record<string, unknown> & { value: StateValue; context: CaseContext };

/** The public dotted state path: `{ active: { consultation: 'meetings' } }` → `consultation.meetings`. */
export function statePath(value: StateValue): string {
  const parts: string[] = [];
  let v: StateValue = value;
  for (;;) {
    if (typeof v === 'string') {
      parts.push(v);
      break;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) break;
    parts.push(keys[0]!);
    const child = v[keys[0]!];
    if (child === undefined) break;
    v = child;
  }
  return (parts[0] === 'active' ? parts.slice(1) : parts).join('.');
}

export function topStateOf(path: string): TopState {
  return path.split('.')[0] as TopState;
}

function persist(machine: CaseMachine, snapshot: CaseSnapshot): PersistedCaseSnapshot {
  // A JSON round trip drops `undefined`, which the MongoDB driver would otherwise store as null,
  // so the stored snapshot is byte-for-byte what the machine computed.
  return JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot))) as PersistedCaseSnapshot;
}

export function startCase(machine: CaseMachine, input: CaseMachineInput): { snapshot: PersistedCaseSnapshot; state: string } {
  const [initial] = initialTransition(machine, input);
  return { snapshot: persist(machine, initial), state: statePath(initial.value) };
}

export function restoreCase(machine: CaseMachine, persisted: PersistedCaseSnapshot): CaseSnapshot {
  // createActor restores (and validates) the snapshot without starting anything.
  return createActor(machine, { snapshot: persisted as never, input: undefined as never }).getSnapshot();
}

/** Event types with a transition from the current state (before any guard looks at a payload). */
export function acceptedEventTypes(snapshot: CaseSnapshot): CaseEventType[] {
  const seen = new Set<string>();
  for (const node of snapshot._nodes) for (const type of node.ownEvents) seen.add(type);
  return caseEventTypes.filter((t) => seen.has(t));
}

/** What the case offers now: accepted by the state and not ruled out by the case alone. */
export function offeredEventTypes(snapshot: CaseSnapshot): CaseEventType[] {
  return acceptedEventTypes(snapshot).filter((t) => !preconditions[t]?.(snapshot.context));
}

export type AdvanceResult =
  | { ok: true; snapshot: PersistedCaseSnapshot; from: string; to: string; context: CaseContext; value: StateValue }
  | { ok: false; code: 'event_not_allowed'; state: string; allowed: CaseEventType[]; reason?: string }
  | { ok: false; code: 'guard_failed'; state: string; reason: string };

export function advanceCase(machine: CaseMachine, rules: WorkflowRules, persisted: PersistedCaseSnapshot, event: CaseMachineEvent): AdvanceResult {
  const current = restoreCase(machine, persisted);
  const from = statePath(current.value);
  const accepted = acceptedEventTypes(current);
  if (!accepted.includes(event.type)) {
    return { ok: false, code: 'event_not_allowed', state: from, allowed: offeredEventTypes(current) };
  }
  const pre = preconditions[event.type]?.(current.context);
  if (pre) return { ok: false, code: 'event_not_allowed', state: from, allowed: offeredEventTypes(current), reason: pre };
  const refusal = refusalOf(current.context, event, rules);
  if (refusal) return { ok: false, code: 'guard_failed', state: from, reason: refusal };

  const [next] = transition(machine, current, event);
  if (next === current || (next.context === current.context && statePath(next.value) === from && event.type !== 'DEADLINE_EXTENDED')) {
    // Every accepted, permitted event has a transition; this is a defect in the machine, not the request.
    throw new Error(`machine took no transition for ${event.type} in ${from}`);
  }
  return { ok: true, snapshot: persist(machine, next), from, to: statePath(next.value), context: next.context, value: next.value };
}
