import type { UpdateQuery } from 'mongoose';
import { cstDate } from '../../workflows/fields';
import { isoOrNull as iso } from '../dates';
import { BaseModel, type BaseDocument } from '../../models/base';
import { ProjectModel, type ProjectDocument, type ProjectHistoryEntry, type ProjectStatus } from '../../models/project';
import {
  acceptedProjectEvents,
  advanceProject,
  createProjectMachine,
  projectStateLabels,
  resolveProject,
  type ProjectActor,
  type ProjectContext,
  type ProjectEvent,
  type ProjectEventType,
  type ProjectFields,
  type ProjectState,
} from '../../workflows/project-machine';
import { requireAccess } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { afterCursor, decodeCursor, pageOf } from '../http/pagination';
import { parse } from '../http/validate';
import { idPattern, newId } from '../ids';
import { updateOneById } from '../db/by-id';
import {
  createBaseBody,
  createProjectBody,
  listProjectsQuery,
  listQuery,
  patchProjectBody,
  transitionBody,
  type PatchProjectInput,
} from './restoration-schemas';
import { refreshCasesOfProject } from './restoration-track';

/**
 * Restoration bases (修复基地) and their project library (项目库). A base manager writes only the
 * projects of the bases in their scope (`principal.baseIds`); another base's project answers 404.
 * Every lifecycle change runs the project machine and is one write guarded by the version read;
 * funding reservations bump that version too (see allocation-service.ts), so a lifecycle change
 * never overwrites funding it did not see: it is recomputed and retried.
 */

export const projectMachine = createProjectMachine();
export const projectLabels = projectStateLabels(projectMachine);


// ----- bases ---------------------------------------------------------------------------------

/** Today in Beijing, by the service's clock. */
function todayOf(ctx: AppContext): string {
  return cstDate(ctx.clock.now().toISOString());
}

export function baseView(b: BaseDocument) {
  return {
    id: b._id,
    name: b.name,
    district: b.district,
    place: b.place ?? null,
    location: b.location?.lng !== undefined && b.location?.lat !== undefined ? { lng: b.location.lng, lat: b.location.lat } : null,
    areaKm2: b.areaKm2 ?? null,
    founders: b.founders ?? [],
    createdAt: iso(b.createdAt)!,
  };
}

export async function createBase(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'bases.create');
  const input = parse(createBaseBody, body);
  const doc = await BaseModel.create({
    _id: newId('base'),
    name: input.name,
    district: input.district,
    ...(input.place ? { place: input.place } : {}),
    ...(input.location ? { location: input.location } : {}),
    ...(input.areaKm2 !== undefined ? { areaKm2: input.areaKm2 } : {}),
    founders: input.founders ?? [],
    createdBy: caller.clientId,
    createdAt: ctx.clock.now(),
  });
  return baseView(doc.toObject());
}

export async function listBases(_ctx: AppContext, principal: Principal | undefined, query: unknown) {
  requireAccess(principal, 'bases.list');
  const q = parse(listQuery, query, 'query');
  const cursor = decodeCursor(q.cursor);
  const docs = await BaseModel.find(afterCursor('createdAt', cursor)).sort({ createdAt: -1, _id: -1 }).limit(q.limit + 1).lean<BaseDocument[]>();
  return pageOf(docs, q.limit, (d) => d.createdAt, baseView);
}

// ----- project views -------------------------------------------------------------------------

export function projectContextOf(p: ProjectDocument): ProjectContext {
  return {
    name: p.name,
    method: p.method,
    media: p.media ?? [],
    district: p.location.district,
    budgetFen: p.budgetFen,
    fundedFen: p.fundedFen,
    gapFen: p.gapFen,
    minContributionFen: p.minContributionFen ?? 0,
    ...(p.startDate ? { startDate: p.startDate } : {}),
    ...(p.endDate ? { endDate: p.endDate } : {}),
    ...(p.acceptanceCriteria ? { acceptanceCriteria: p.acceptanceCriteria } : {}),
  };
}

const actionOfEvent: Partial<Record<ProjectEventType, string>> = {
  UPDATED: 'update',
  PUBLISHED: 'publish',
  STARTED: 'start',
  COMPLETED: 'complete',
  ACCEPTED: 'accept',
  CLOSED: 'close',
};

export function ownsProject(p: Principal, project: Pick<ProjectDocument, 'baseId'>): boolean {
  return p.role === 'baseManager' && p.baseIds.includes(project.baseId);
}

/**
 * A project as its readers see it. `today` (YYYY-MM-DD, Beijing) marks a project still seeking money
 * whose end date has passed as `expired`: matching skips it, and the console says so.
 */
export function projectView(p: ProjectDocument, principal: Principal, today: string, withHistory = false) {
  const synced = syncedFunding(p, { clientId: 'system', role: 'system' }, new Date(0));
  const allowed = ownsProject(principal, p)
    ? acceptedProjectEvents(resolveProject(projectMachine, synced.state, synced.context))
        .map((t) => actionOfEvent[t])
        .filter((a): a is string => !!a)
    : [];
  const point = p.location.point;
  return {
    id: p._id,
    baseId: p.baseId,
    name: p.name,
    method: p.method,
    media: p.media ?? [],
    district: p.location.district,
    town: p.location.town ?? null,
    location: point?.lng !== undefined && point?.lat !== undefined ? { lng: point.lng, lat: point.lat } : null,
    owner: p.owner ?? null,
    implementer: p.implementer ?? null,
    budgetFen: p.budgetFen,
    fundedFen: p.fundedFen,
    gapFen: p.gapFen,
    minContributionFen: p.minContributionFen ?? 0,
    acceptedDamageTypes: p.acceptedDamageTypes ?? [],
    startDate: p.startDate ?? null,
    endDate: p.endDate ?? null,
    status: synced.state as ProjectStatus,
    statusLabel: projectLabels[synced.state],
    expired: (synced.state === 'published' || synced.state === 'funding') && !!p.endDate && p.endDate < today,
    acceptanceCriteria: p.acceptanceCriteria ?? null,
    publicBenefit: p.publicBenefit ?? null,
    version: p.version,
    allowedActions: allowed,
    createdAt: iso(p.createdAt)!,
    updatedAt: iso(p.updatedAt)!,
    ...(withHistory
      ? {
          history: (p.history ?? []).map((h) => ({
            seq: h.seq,
            type: h.type,
            payload: h.payload ?? {},
            actor: h.actor,
            at: iso(h.at)!,
            from: h.from ?? null,
            to: h.to,
            version: h.version,
          })),
        }
      : {}),
  };
}

export type ProjectView = ReturnType<typeof projectView>;

// ----- loading with scope --------------------------------------------------------------------

/** Drafts are the base's own business: only its managers and admins see them. */
function mayRead(principal: Principal, p: ProjectDocument): boolean {
  return p.status !== 'draft' || principal.role === 'admin' || ownsProject(principal, p);
}

export async function findProject(id: string): Promise<ProjectDocument | null> {
  if (!idPattern.test(id)) return null;
  return ProjectModel.findOne({ _id: id }).lean<ProjectDocument>();
}

export async function loadReadableProject(principal: Principal, id: string): Promise<ProjectDocument> {
  const p = await findProject(id);
  if (!p || !mayRead(principal, p)) throw errors.notFound('project');
  return p;
}

/** A project of one of the caller's bases, or 404. */
export async function loadOwnProject(principal: Principal, id: string): Promise<ProjectDocument> {
  const p = await findProject(id);
  if (!p || !ownsProject(principal, p)) throw errors.notFound('project');
  return p;
}

// ----- lifecycle -----------------------------------------------------------------------------

interface Synced {
  state: ProjectState;
  context: ProjectContext;
  entries: Omit<ProjectHistoryEntry, 'seq' | 'version'>[];
}

/**
 * The stored status brought in line with the stored amounts: a FUNDS_CHANGED step when a
 * reservation moved the amounts and the status has not caught up yet. Pure.
 */
export function syncedFunding(p: ProjectDocument, actor: ProjectActor, now: Date): Synced {
  const state = p.status as ProjectState;
  const context = projectContextOf(p);
  const event: ProjectEvent = { type: 'FUNDS_CHANGED', payload: { fundedFen: p.fundedFen, gapFen: p.gapFen }, at: now.toISOString(), actor };
  const result = advanceProject(projectMachine, state, context, event);
  if (!result.ok || !result.changed || result.to === state) return { state, context, entries: [] };
  return {
    state: result.to,
    context: result.context,
    entries: [{ type: 'FUNDS_CHANGED', payload: { ...event.payload }, actor: { ...actor }, at: now, recordedAt: now, from: state, to: result.to }],
  };
}

/** Every write to a project goes through this key (src/db/serialized.ts), funding reservations included. */
export function projectWriteKey(id: string): string {
  return `project:${id}`;
}

async function commitProject(p: ProjectDocument, now: Date, set: Record<string, unknown>, unset: Record<string, ''>, entries: Synced['entries']): Promise<boolean> {
  const version = p.version + 1;
  const numbered = entries.map((e, i) => ({ ...e, seq: (p.history?.length ?? 0) + i + 1, version }));
  const update: UpdateQuery<ProjectDocument> = { $set: { ...set, updatedAt: now }, $inc: { version: 1 } };
  if (Object.keys(unset).length) update.$unset = unset;
  if (numbered.length) update.$push = { history: { $each: numbered } };
  return updateOneById(ProjectModel, projectWriteKey(p._id), p._id, { version: p.version }, update as Record<string, unknown>);
}

/** Brings a project's status in line with its amounts (after a reservation or its undo). */
export async function syncProjectFunding(ctx: AppContext, projectId: string, actor: ProjectActor): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await findProject(projectId);
    if (!p) return;
    const now = ctx.clock.now();
    const synced = syncedFunding(p, actor, now);
    if (synced.entries.length === 0) return;
    if (await commitProject(p, now, { status: synced.state }, {}, synced.entries)) return;
  }
  ctx.logger.warn({ projectId }, 'project status not synchronised with its funding after 50 attempts; the next change does it');
}

function projectVersionConflict(current: number) {
  return errors.conflict('version_conflict', 'The project was changed by someone else; reload it and try again.', { currentVersion: current });
}

function refuse(result: Exclude<ReturnType<typeof advanceProject>, { ok: true }>) {
  if (result.code === 'guard_failed') return errors.guardFailed(result.reason, { state: result.state });
  return errors.eventNotAllowed(result.state, result.allowed.map((t) => actionOfEvent[t] ?? t));
}

const transitionEvents = { publish: 'PUBLISHED', start: 'STARTED', complete: 'COMPLETED', accept: 'ACCEPTED', close: 'CLOSED' } as const;
export type ProjectAction = keyof typeof transitionEvents;
export const projectActions = Object.keys(transitionEvents) as ProjectAction[];

/**
 * Runs one base-manager event on a project: load (own base only), catch the status up with the
 * funding, run the machine, write status + history + version+1 guarded by the version read. A
 * race lost to a funding reservation is retried; with If-Match it is a 409.
 */
async function runProjectEvent(
  ctx: AppContext,
  caller: Principal,
  id: string,
  ifMatch: number | undefined,
  build: (p: ProjectDocument, at: string) => { event: ProjectEvent; set?: Record<string, unknown>; unset?: Record<string, ''> },
): Promise<ProjectDocument> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const p = await loadOwnProject(caller, id);
    if (ifMatch !== undefined && ifMatch !== p.version) throw projectVersionConflict(p.version);
    const now = ctx.clock.now();
    const actor: ProjectActor = { clientId: caller.clientId, role: caller.role };
    const synced = syncedFunding(p, actor, now);
    const { event, set = {}, unset = {} } = build(p, now.toISOString());
    const result = advanceProject(projectMachine, synced.state, synced.context, event);
    if (!result.ok) throw refuse(result);
    const entry = { type: event.type, payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>, actor, at: new Date(event.at), recordedAt: now, from: synced.state, to: result.to };
    if (await commitProject(p, now, { ...set, status: result.to }, unset, [...synced.entries, entry])) {
      return (await findProject(id))!;
    }
    if (ifMatch !== undefined) throw projectVersionConflict((await findProject(id))?.version ?? p.version);
  }
  throw projectVersionConflict((await findProject(id))?.version ?? 0);
}

export async function createProject(ctx: AppContext, principal: Principal | undefined, baseId: string, body: unknown) {
  const caller = requireAccess(principal, 'projects.create');
  const input = parse(createProjectBody, body);
  const base = idPattern.test(baseId) ? await BaseModel.findOne({ _id: baseId }).lean() : null;
  if (!base || !caller.baseIds.includes(base._id)) throw errors.notFound('base');
  const now = ctx.clock.now();
  const context: ProjectContext = {
    name: input.name,
    method: input.method,
    media: input.media,
    district: input.district,
    budgetFen: input.budgetFen,
    fundedFen: 0,
    gapFen: input.budgetFen,
    minContributionFen: input.minContributionFen ?? 0,
    ...(input.startDate ? { startDate: input.startDate } : {}),
    ...(input.endDate ? { endDate: input.endDate } : {}),
  };
  // The same field rules as an edit: a draft is never created in a shape it could not be edited into.
  const check = advanceProject(projectMachine, 'draft', context, {
    type: 'UPDATED',
    payload: { fields: context, changed: [] },
    at: now.toISOString(),
    actor: { clientId: caller.clientId, role: caller.role },
  });
  if (!check.ok) throw refuse(check);
  const doc: ProjectDocument = {
    _id: newId('proj'),
    baseId: base._id,
    name: input.name,
    method: input.method,
    media: input.media,
    location: { district: input.district, ...(input.town ? { town: input.town } : {}), ...(input.location ? { point: input.location } : {}) },
    ...(input.owner ? { owner: input.owner } : {}),
    ...(input.implementer ? { implementer: input.implementer } : {}),
    budgetFen: input.budgetFen,
    fundedFen: 0,
    gapFen: input.budgetFen,
    minContributionFen: input.minContributionFen ?? 0,
    acceptedDamageTypes: input.acceptedDamageTypes ?? [],
    ...(input.startDate ? { startDate: input.startDate } : {}),
    ...(input.endDate ? { endDate: input.endDate } : {}),
    status: 'draft',
    ...(input.acceptanceCriteria ? { acceptanceCriteria: input.acceptanceCriteria } : {}),
    ...(input.publicBenefit ? { publicBenefit: input.publicBenefit } : {}),
    allocationIds: [],
    version: 1,
    history: [
      {
        seq: 1,
        type: 'CREATED',
        payload: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
        actor: { clientId: caller.clientId, role: caller.role },
        at: now,
        recordedAt: now,
        from: null,
        to: 'draft',
        version: 1,
      },
    ],
    createdBy: caller.clientId,
    createdAt: now,
    updatedAt: now,
  };
  await ProjectModel.create(doc);
  return projectView(doc, caller, todayOf(ctx), true);
}

/** Where each PATCH field lives in the document. */
const patchPaths: Record<keyof PatchProjectInput, string> = {
  name: 'name',
  method: 'method',
  media: 'media',
  district: 'location.district',
  town: 'location.town',
  location: 'location.point',
  owner: 'owner',
  implementer: 'implementer',
  budgetFen: 'budgetFen',
  minContributionFen: 'minContributionFen',
  acceptedDamageTypes: 'acceptedDamageTypes',
  startDate: 'startDate',
  endDate: 'endDate',
  publicBenefit: 'publicBenefit',
  acceptanceCriteria: 'acceptanceCriteria',
};

/** The keys of a PATCH body whose value differs from what is stored (a form sends every field). */
function changedKeys(current: ProjectDocument, input: PatchProjectInput): string[] {
  const stored = (path: string) => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), current);
  return (Object.entries(input) as [keyof PatchProjectInput, unknown][])
    .filter(([key, value]) => value !== undefined && JSON.stringify(value ?? null) !== JSON.stringify(stored(patchPaths[key]) ?? null))
    .map(([key]) => key);
}

export async function updateProject(ctx: AppContext, principal: Principal | undefined, id: string, body: unknown, ifMatch?: number) {
  const caller = requireAccess(principal, 'projects.update');
  const input = parse(patchProjectBody, body);
  const p = await runProjectEvent(ctx, caller, id, ifMatch, (current, at) => {
    const before = projectContextOf(current);
    const fields: ProjectFields = {
      name: input.name ?? before.name,
      method: input.method ?? before.method,
      media: input.media ?? before.media,
      district: input.district ?? before.district,
      budgetFen: input.budgetFen ?? before.budgetFen,
      minContributionFen: input.minContributionFen === null ? 0 : (input.minContributionFen ?? before.minContributionFen),
    };
    const optional = (key: 'startDate' | 'endDate' | 'acceptanceCriteria') => (input[key] === null ? undefined : (input[key] ?? before[key]));
    for (const key of ['startDate', 'endDate', 'acceptanceCriteria'] as const) {
      const v = optional(key);
      if (v !== undefined) fields[key] = v;
    }
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const [key, value] of Object.entries(input) as [keyof PatchProjectInput, unknown][]) {
      const path = patchPaths[key];
      if (value === null) {
        if (key === 'minContributionFen') set[path] = 0;
        else if (key === 'acceptedDamageTypes') set[path] = [];
        else unset[path] = '';
      } else if (value !== undefined) set[path] = value;
    }
    if (input.budgetFen !== undefined) set.gapFen = input.budgetFen - current.fundedFen;
    return {
      event: { type: 'UPDATED', payload: { fields, changed: changedKeys(current, input) }, at, actor: { clientId: caller.clientId, role: caller.role } },
      set,
      unset,
    };
  });
  return projectView(p, caller, todayOf(ctx), true);
}

export async function transitionProject(ctx: AppContext, principal: Principal | undefined, id: string, action: ProjectAction, body: unknown, ifMatch?: number) {
  const caller = requireAccess(principal, 'projects.transition');
  const input = parse(transitionBody, body ?? {});
  const type = transitionEvents[action];
  const p = await runProjectEvent(ctx, caller, id, ifMatch, (_current, now) => ({
    event: {
      type,
      payload: { ...(input.note ? { note: input.note } : {}), ...(input.reportRef && (type === 'COMPLETED' || type === 'ACCEPTED') ? { reportRef: input.reportRef } : {}) },
      at: input.at ?? now,
      actor: { clientId: caller.clientId, role: caller.role },
    } as ProjectEvent,
  }));
  if (type !== 'PUBLISHED') await refreshCasesOfProject(ctx, p._id);
  return projectView(p, caller, todayOf(ctx), true);
}

export async function getProject(ctx: AppContext, principal: Principal | undefined, id: string, recover: (ctx: AppContext) => Promise<unknown>) {
  const caller = requireAccess(principal, 'projects.read');
  await recover(ctx);
  return projectView(await loadReadableProject(caller, id), caller, todayOf(ctx), true);
}

export async function listProjects(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  const caller = requireAccess(principal, 'projects.list');
  const q = parse(listProjectsQuery, query, 'query');
  const cursor = decodeCursor(q.cursor);
  const conditions: Record<string, unknown>[] = [];
  if (q.status) conditions.push({ status: q.status });
  if (q.media) conditions.push({ media: q.media });
  if (q.district) conditions.push({ 'location.district': q.district });
  if (q.baseId) conditions.push({ baseId: q.baseId });
  if (caller.role !== 'admin') {
    const visible: Record<string, unknown>[] = [{ status: { $ne: 'draft' } }];
    if (caller.role === 'baseManager' && caller.baseIds.length) visible.push({ baseId: { $in: [...caller.baseIds] } });
    conditions.push({ $or: visible });
  }
  const page = afterCursor('createdAt', cursor);
  if (Object.keys(page).length) conditions.push(page);
  const filter = conditions.length ? { $and: conditions } : {};
  const docs = await ProjectModel.find(filter, { history: 0, allocationIds: 0 }).sort({ createdAt: -1, _id: -1 }).limit(q.limit + 1).lean<ProjectDocument[]>();
  return pageOf(docs, q.limit, (d) => d.createdAt, (d) => projectView(d, caller, todayOf(ctx)));
}

/** Projects that may still take money, as stored (the matching candidates). */
export async function fundableProjects(filter: { projectIds?: readonly string[] } = {}): Promise<ProjectDocument[]> {
  return ProjectModel.find(
    { status: { $in: ['published', 'funding', 'funded'] }, gapFen: { $gt: 0 }, ...(filter.projectIds ? { _id: { $in: [...filter.projectIds] } } : {}) },
    { history: 0, allocationIds: 0 },
  ).lean<ProjectDocument[]>();
}
