import { assign, setup, transition, type SnapshotFrom } from 'xstate';
import type { Labels, Role } from './vocabulary';

/**
 * The lifecycle of a substitute-restoration project (替代性修复项目) as an XState v5 statechart:
 *
 *   draft → published → funding → funded → in_progress → completed → accepted → closed
 *
 * Pure, like the case machine: no I/O, no clock (the service puts `at` in every event). A project
 * stores its status as a plain string beside its own fields, so the snapshot is rebuilt from them
 * (`resolveProject`) rather than persisted: the project document is the single source.
 *
 * Funding is not anyone's decision: `FUNDS_CHANGED` carries the amounts after confirmed allocations
 * moved them, and the machine goes to the status they imply (some money: funding; gap 0: funded;
 * none: back to published). Starting, completing, accepting and closing are the base manager's
 * events; editing (`UPDATED`) is allowed while the project is a draft or published without money.
 * Guards give their reasons in Chinese and English.
 */

export const PROJECT_MACHINE_VERSION = 1;

export type ProjectState = 'draft' | 'published' | 'funding' | 'funded' | 'in_progress' | 'completed' | 'accepted' | 'closed';

/** What the guards read: the project's own fields, as stored. */
export interface ProjectContext {
  name: string;
  method: string;
  media: string[];
  district: string;
  budgetFen: number;
  fundedFen: number;
  gapFen: number;
  minContributionFen: number;
  startDate?: string;
  endDate?: string;
  acceptanceCriteria?: string;
}

/** The editable fields as they would be after an UPDATED event (PATCH). */
export type ProjectFields = Omit<ProjectContext, 'fundedFen' | 'gapFen'>;

export interface ProjectActor {
  clientId: string;
  role: Role | 'system';
}

interface EventBase {
  at: string;
  actor: ProjectActor;
}

export type ProjectEvent =
  | (EventBase & { type: 'UPDATED'; payload: { fields: ProjectFields; changed: string[] } })
  | (EventBase & { type: 'PUBLISHED'; payload: { note?: string } })
  | (EventBase & { type: 'FUNDS_CHANGED'; payload: { fundedFen: number; gapFen: number } })
  | (EventBase & { type: 'STARTED'; payload: { note?: string } })
  | (EventBase & { type: 'COMPLETED'; payload: { note?: string; reportRef?: string } })
  | (EventBase & { type: 'ACCEPTED'; payload: { note?: string; reportRef?: string } })
  | (EventBase & { type: 'CLOSED'; payload: { note?: string } });

export type ProjectEventType = ProjectEvent['type'];
export const projectEventTypes: readonly ProjectEventType[] = ['UPDATED', 'PUBLISHED', 'FUNDS_CHANGED', 'STARTED', 'COMPLETED', 'ACCEPTED', 'CLOSED'];

export const projectEventLabels: Record<ProjectEventType, Labels> = {
  UPDATED: { zh: '修改项目信息', en: 'Project updated' },
  PUBLISHED: { zh: '发布项目', en: 'Published' },
  FUNDS_CHANGED: { zh: '资金落实情况变化', en: 'Confirmed funding changed' },
  STARTED: { zh: '项目开工', en: 'Started' },
  COMPLETED: { zh: '项目完工', en: 'Completed' },
  ACCEPTED: { zh: '项目验收', en: 'Accepted' },
  CLOSED: { zh: '项目关闭', en: 'Closed' },
};

/** The roles that may send each event (FUNDS_CHANGED comes from the service itself). */
export const projectEventRoles: Record<ProjectEventType, readonly (Role | 'system')[]> = {
  UPDATED: ['baseManager'],
  PUBLISHED: ['baseManager'],
  FUNDS_CHANGED: ['system', 'handler', 'baseManager'],
  STARTED: ['baseManager'],
  COMPLETED: ['baseManager'],
  ACCEPTED: ['baseManager'],
  CLOSED: ['baseManager'],
};

export interface ProjectStateMeta {
  labels: Labels;
}

const why = (zh: string, en: string): string => `${zh}（${en}）`;

/** The Chinese names of the fields a refusal may ask for. */
const fieldNames: Record<string, string> = {
  name: '项目名称', method: '修复方式', media: '修复的环境要素', district: '所在区县', budgetFen: '项目预算',
  startDate: '开始日期', endDate: '结束日期', acceptanceCriteria: '验收标准',
};

const asked = (fields: string[]) => why(`须先填写：${fields.map((f) => fieldNames[f] ?? f).join('、')}`, `required first: ${fields.join(', ')}`);

/**
 * Fields a project must have before it is published to the project library. Its dates and
 * acceptance criteria are optional in the contract (real bases publish projects whose dates are not
 * fixed yet): the dates are required before it starts, the criteria before it is accepted.
 */
export function missingForPublication(c: ProjectFields): string[] {
  const missing: string[] = [];
  if (!c.name) missing.push('name');
  if (!c.method) missing.push('method');
  if (!c.media?.length) missing.push('media');
  if (!c.district) missing.push('district');
  if (!(c.budgetFen > 0)) missing.push('budgetFen');
  return missing;
}

/** Fields that may still be completed once money is committed: the dates and the acceptance criteria. */
export const lateEditableFields: readonly string[] = ['startDate', 'endDate', 'acceptanceCriteria', 'publicBenefit'];

function fieldProblems(c: ProjectFields, fundedFen: number): string | null {
  if (c.startDate && c.endDate && c.endDate < c.startDate) return why('结束日期早于开始日期', 'endDate is before startDate');
  if (c.minContributionFen > c.budgetFen) return why('最低认领金额超过项目预算', 'minContributionFen is above the budget');
  if (c.budgetFen < fundedFen) return why('预算不得低于已落实的资金', 'the budget cannot be below the money already confirmed');
  return null;
}

/**
 * Why an event may not proceed (null: it may), given the state it is sent in. The machine's guards
 * call this same function, so the reason a client reads is the rule the machine applies.
 */
export function projectRefusal(state: ProjectState, ctx: ProjectContext, ev: ProjectEvent): string | null {
  switch (ev.type) {
    case 'UPDATED': {
      // Once money is committed only the dates, the acceptance criteria and the public benefit may change.
      const late = state !== 'draft' && state !== 'published';
      const locked = late ? ev.payload.changed.filter((f) => !lateEditableFields.includes(f)) : [];
      if (locked.length) return why(`资金落实后只能补充开始日期、结束日期、验收标准和公益效益（不能修改：${locked.map((f) => fieldNames[f] ?? f).join('、')}）`, `only dates, acceptance criteria and public benefit may change now: ${locked.join(', ')}`);
      return fieldProblems(ev.payload.fields, ctx.fundedFen);
    }
    case 'PUBLISHED': {
      const missing = missingForPublication(ctx);
      if (missing.length) return asked(missing);
      return fieldProblems(ctx, ctx.fundedFen);
    }
    case 'FUNDS_CHANGED':
      if (ev.payload.fundedFen < 0 || ev.payload.gapFen < 0) return why('资金数额不能为负', 'amounts cannot be negative');
      if (ev.payload.fundedFen + ev.payload.gapFen !== ctx.budgetFen) return why('已落实资金与缺口之和须等于预算', 'fundedFen + gapFen must equal the budget');
      return null;
    case 'STARTED': {
      if (ctx.gapFen !== 0) return why(`资金缺口尚余 ${(ctx.gapFen / 100).toFixed(2)} 元，不能开工`, `the funding gap of ${ctx.gapFen} fen is not filled`);
      const missing = (['startDate', 'endDate'] as const).filter((f) => !ctx[f]);
      return missing.length ? asked(missing) : null;
    }
    case 'ACCEPTED':
      return ctx.acceptanceCriteria ? null : asked(['acceptanceCriteria']);
    case 'CLOSED':
      if (state !== 'accepted' && ctx.fundedFen > 0) {
        return why('项目已有确认的资金，须验收后方可关闭', 'a project holding confirmed money closes only after acceptance');
      }
      return null;
    default:
      return null;
  }
}

const meta = (zh: string, en: string): { meta: ProjectStateMeta } => ({ meta: { labels: { zh, en } } });

/** A guard per state, so the machine's own guard knows which state it is checking from. */
const permittedIn = (state: ProjectState) => ({ type: 'permitted' as const, params: { state } });

function fundingTransitions(from: ProjectState) {
  const targets: Record<'fullyFunded' | 'partlyFunded' | 'unfunded', ProjectState> = { fullyFunded: 'funded', partlyFunded: 'funding', unfunded: 'published' };
  return (['fullyFunded', 'partlyFunded', 'unfunded'] as const).map((guard) => ({
    guard: { type: guard, params: { state: from } },
    ...(targets[guard] === from ? {} : { target: targets[guard] }),
    actions: 'applyFunds' as const,
  }));
}

export function createProjectMachine() {
  return setup({
    types: { context: {} as ProjectContext, events: {} as ProjectEvent, input: {} as ProjectContext },
    guards: {
      permitted: ({ context, event }, params: { state: ProjectState }) => projectRefusal(params.state, context, event) === null,
      fullyFunded: ({ context, event }, params: { state: ProjectState }) =>
        event.type === 'FUNDS_CHANGED' && projectRefusal(params.state, context, event) === null && event.payload.gapFen === 0,
      partlyFunded: ({ context, event }, params: { state: ProjectState }) =>
        event.type === 'FUNDS_CHANGED' && projectRefusal(params.state, context, event) === null && event.payload.fundedFen > 0 && event.payload.gapFen > 0,
      unfunded: ({ context, event }, params: { state: ProjectState }) =>
        event.type === 'FUNDS_CHANGED' && projectRefusal(params.state, context, event) === null && event.payload.fundedFen === 0,
    },
    actions: {
      applyFields: assign(({ event }) => (event.type === 'UPDATED' ? { ...event.payload.fields } : {})),
      applyFunds: assign(({ event }) => (event.type === 'FUNDS_CHANGED' ? { fundedFen: event.payload.fundedFen, gapFen: event.payload.gapFen } : {})),
    },
  }).createMachine({
    id: 'project',
    initial: 'draft',
    context: ({ input }) => input,
    states: {
      draft: {
        ...meta('草稿', 'Draft'),
        on: {
          UPDATED: { guard: permittedIn('draft'), actions: 'applyFields' },
          PUBLISHED: { guard: permittedIn('draft'), target: 'published' },
          CLOSED: { guard: permittedIn('draft'), target: 'closed' },
        },
      },
      published: {
        ...meta('已发布（待认领）', 'Published'),
        on: {
          UPDATED: { guard: permittedIn('published'), actions: 'applyFields' },
          FUNDS_CHANGED: fundingTransitions('published'),
          CLOSED: { guard: permittedIn('published'), target: 'closed' },
        },
      },
      funding: {
        ...meta('筹资中', 'Funding'),
        on: { FUNDS_CHANGED: fundingTransitions('funding'), UPDATED: { guard: permittedIn('funding'), actions: 'applyFields' } },
      },
      funded: {
        ...meta('资金已落实', 'Funded'),
        on: {
          FUNDS_CHANGED: fundingTransitions('funded'),
          STARTED: { guard: permittedIn('funded'), target: 'in_progress' },
          UPDATED: { guard: permittedIn('funded'), actions: 'applyFields' },
        },
      },
      in_progress: {
        ...meta('实施中', 'In progress'),
        on: { COMPLETED: { guard: permittedIn('in_progress'), target: 'completed' }, UPDATED: { guard: permittedIn('in_progress'), actions: 'applyFields' } },
      },
      completed: {
        ...meta('已完工（待验收）', 'Completed, awaiting acceptance'),
        on: { ACCEPTED: { guard: permittedIn('completed'), target: 'accepted' }, UPDATED: { guard: permittedIn('completed'), actions: 'applyFields' } },
      },
      accepted: { ...meta('已验收', 'Accepted'), on: { CLOSED: { guard: permittedIn('accepted'), target: 'closed' } } },
      closed: { ...meta('已关闭', 'Closed'), type: 'final' },
    },
  });
}

export type ProjectMachine = ReturnType<typeof createProjectMachine>;
export type ProjectSnapshot = SnapshotFrom<ProjectMachine>;

/** Statuses that still take money: confirmations reserve only on projects in one of these. */
export const fundableStates: readonly ProjectState[] = ['published', 'funding', 'funded'];
/** Statuses in which the project's work has begun (for the cases' restoration track). */
export const startedStates: readonly ProjectState[] = ['in_progress', 'completed', 'accepted', 'closed'];
export const acceptedStates: readonly ProjectState[] = ['accepted', 'closed'];

export function projectStateLabels(machine: ProjectMachine): Record<ProjectState, Labels> {
  const out = {} as Record<ProjectState, Labels>;
  for (const [key, node] of Object.entries(machine.root.states)) out[key as ProjectState] = (node.meta as ProjectStateMeta).labels;
  return out;
}

/** The snapshot of a stored project: its status and its fields. */
export function resolveProject(machine: ProjectMachine, state: ProjectState, context: ProjectContext): ProjectSnapshot {
  return machine.resolveState({ value: state, context });
}

/** Event types the state has a transition for (before any guard looks at the payload). */
export function acceptedProjectEvents(snapshot: ProjectSnapshot): ProjectEventType[] {
  const seen = new Set<string>();
  for (const node of snapshot._nodes) for (const type of node.ownEvents) seen.add(type);
  return projectEventTypes.filter((t) => seen.has(t));
}

export type ProjectAdvance =
  | { ok: true; changed: boolean; from: ProjectState; to: ProjectState; context: ProjectContext }
  | { ok: false; code: 'event_not_allowed'; state: ProjectState; allowed: ProjectEventType[] }
  | { ok: false; code: 'guard_failed'; state: ProjectState; reason: string };

/**
 * One event on a stored project. `changed` is false when nothing moved (FUNDS_CHANGED with the
 * status the amounts already imply): not an error, and nothing to record.
 */
export function advanceProject(machine: ProjectMachine, state: ProjectState, context: ProjectContext, event: ProjectEvent): ProjectAdvance {
  const current = resolveProject(machine, state, context);
  const accepted = acceptedProjectEvents(current);
  if (!accepted.includes(event.type)) return { ok: false, code: 'event_not_allowed', state, allowed: accepted.filter((t) => t !== 'FUNDS_CHANGED') };
  const refusal = projectRefusal(state, context, event);
  if (refusal) return { ok: false, code: 'guard_failed', state, reason: refusal };
  const [next] = transition(machine, current, event);
  const to = next.value as ProjectState;
  const changed = to !== state || (event.type === 'UPDATED' && next.context !== current.context);
  return { ok: true, changed, from: state, to, context: next.context };
}
