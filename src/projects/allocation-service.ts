import { AllocationModel, type AllocationDocument } from '../../models/allocation';
import { setTimeout as sleep } from 'node:timers/promises';
import { isoOrNull as iso } from '../dates';
import { ObligationLedgerModel, obligationLedgerId } from '../../models/obligation-ledger';
import { ProjectModel } from '../../models/project';
import { fundableStates, type ProjectActor } from '../../workflows/project-machine';
import { allocatableKinds } from '../../workflows/vocabulary';
import { requireAccess } from '../auth/permissions';
import { coversDistrict, type Principal } from '../auth/principal';
import { contextOfCase, loadCase, type CaseRecord } from '../cases/case-repository';
import { caseScopeOf, systemCaseScope } from '../cases/case-scope';
import type { AppContext } from '../context';
import { AppError, errors } from '../http/errors';
import { afterCursor, decodeCursor, pageOf } from '../http/pagination';
import { parse } from '../http/validate';
import { idPattern, newId } from '../ids';
import { findOneById, updateOneById } from '../db/by-id';
import { scorePair } from '../matching/score';
import { currentObligationMoney, loadLedgers, moneySourcesOf } from './money-sources';
import { acceptsDamage, matchingOptions, projectCandidateOf } from './matching-service';
import { findProject, ownsProject, projectWriteKey, syncProjectFunding } from './project-service';
import { declineBody, listAllocationsQuery, proposeAllocationBody, releaseBody } from './restoration-schemas';
import { refreshCaseRestoration } from './restoration-track';

/**
 * Allocations: one obligation's money to one project, confirmed by both sides (双向确认) and
 * released from escrow by milestone.
 *
 * Confirming moves money on two other documents, the project (fundedFen/gapFen) and the
 * obligation's ledger (allocatedFen), without a transaction. Each move is one guarded update that
 * also adds an entry `<allocationId>#<token>` to the document's `allocationIds`, so it can neither
 * pass the limit (the guard) nor happen twice (the entry), and its undo removes exactly it. The
 * token comes from a claim on the allocation (`reservation`), so only one confirmation runs at a
 * time, and only the claim's current holder can mark the allocation confirmed. The order is:
 *   claim → drop stale entries → reserve on the project → reserve on the ledger → confirm;
 * a failed step undoes the earlier ones. A claim older than its lease (a crash between steps) is
 * taken over by the next reader, who redoes the confirmation under a new token. docs/escrow.md
 * explains why this keeps every project within its gap and every obligation within its money.
 */

/**
 * Serialization keys (src/db/serialized.ts): FerretDB v1 writes a whole document back without
 * re-checking an update's filter, so every write to one of these documents goes through its key.
 */
const allocationWriteKey = (id: string) => `allocation:${id}`;
const ledgerWriteKey = (id: string) => `ledger:${id}`;

/** How long a confirmation may sit between its steps before another request takes it over. */
export const RESERVATION_LEASE_MS = 60_000;

type Side = 'case' | 'project';

export function allocationView(a: AllocationDocument) {
  return {
    id: a._id,
    caseId: a.caseId,
    caseNo: a.caseNo ?? null,
    caseTitle: a.caseTitle ?? null,
    obligationId: a.obligationId,
    projectId: a.projectId,
    baseId: a.baseId,
    district: a.district,
    amountFen: a.amountFen,
    score: a.score,
    status: a.status,
    proposedBy: { clientId: a.proposedBy.clientId, role: a.proposedBy.role, at: iso(a.proposedBy.at)! },
    acceptedByCase: a.acceptedByCase ? { clientId: a.acceptedByCase.clientId, at: iso(a.acceptedByCase.at)! } : null,
    acceptedByProject: a.acceptedByProject ? { clientId: a.acceptedByProject.clientId, at: iso(a.acceptedByProject.at)! } : null,
    declinedBy: a.declinedBy
      ? { clientId: a.declinedBy.clientId, role: a.declinedBy.role, at: iso(a.declinedBy.at)!, ...(a.declinedBy.reason ? { reason: a.declinedBy.reason } : {}) }
      : null,
    confirmedAt: iso(a.confirmedAt),
    confirming: !!a.reservation,
    releases: (a.releases ?? []).map((r) => ({
      id: r.id,
      amountFen: r.amountFen,
      milestone: r.milestone,
      releasedAt: iso(r.releasedAt)!,
      ...(r.note ? { note: r.note } : {}),
      by: { clientId: r.by.clientId, role: r.by.role },
    })),
    releasedFen: a.releasedFen ?? 0,
    version: a.version,
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
  };
}

export type AllocationView = ReturnType<typeof allocationView>;

async function findAllocation(id: string): Promise<AllocationDocument | null> {
  if (!idPattern.test(id)) return null;
  return AllocationModel.findOne({ _id: id }).lean<AllocationDocument>();
}

/** Who may see an allocation: the case's districts, the project's base managers, admins. */
function mayRead(p: Principal, a: Pick<AllocationDocument, 'district' | 'baseId'>): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'baseManager') return p.baseIds.includes(a.baseId);
  return coversDistrict(p, a.district);
}

/**
 * An allocation the caller may act on for its side, or 404: a handler through the case (scoped
 * case repository), a base manager through the project's base.
 */
async function loadForSide(caller: Principal, id: string): Promise<{ allocation: AllocationDocument; side: Side }> {
  const allocation = await findAllocation(id);
  if (!allocation) throw errors.notFound('allocation');
  if (caller.role === 'baseManager') {
    if (!caller.baseIds.includes(allocation.baseId)) throw errors.notFound('allocation');
    return { allocation, side: 'project' };
  }
  if (caller.role === 'handler') {
    const doc = await loadCase(caseScopeOf(caller), allocation.caseId);
    if (!doc) throw errors.notFound('allocation');
    return { allocation, side: 'case' };
  }
  throw errors.forbidden();
}

// ----- proposing -----------------------------------------------------------------------------

export async function proposeAllocation(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'allocations.propose');
  const input = parse(proposeAllocationBody, body);
  const project = await findProject(input.projectId);
  let caseDoc: CaseRecord | null;
  if (caller.role === 'baseManager') {
    if (!project || !ownsProject(caller, project)) throw errors.notFound('project');
    // Two-way matching: a base manager proposes for cases it found through the suggestions.
    caseDoc = await loadCase(systemCaseScope('allocation proposed by a base manager'), input.caseId);
    if (!caseDoc) throw errors.notFound('case');
  } else {
    caseDoc = await loadCase(caseScopeOf(caller), input.caseId);
    if (!caseDoc) throw errors.notFound('case');
    if (!project || project.status === 'draft') throw errors.notFound('project');
  }
  const obligation = contextOfCase(caseDoc).obligations.find((o) => o.id === input.obligationId);
  if (!obligation) throw errors.notFound('obligation');
  if (!allocatableKinds.includes(obligation.kind)) {
    throw errors.unprocessable('obligation_not_allocatable', 'Only substitute-restoration or escrow money can be allocated to a project (只有替代性修复或提存资金可以分配给项目).', { kind: obligation.kind });
  }
  if (!(['published', 'funding'] as string[]).includes(project.status) || project.gapFen <= 0) {
    throw errors.unprocessable('project_not_open_for_funding', 'The project does not take money now (项目当前不接受资金).', { status: project.status, gapFen: project.gapFen });
  }
  const ledgers = await loadLedgers([caseDoc._id]);
  const source = moneySourcesOf([caseDoc], ledgers).find((s) => s.obligationId === obligation.id);
  const unallocatedFen = source?.amountFen ?? 0;
  if (input.amountFen > unallocatedFen) {
    throw errors.unprocessable('exceeds_unallocated', `The obligation has only ${unallocatedFen} fen unallocated (义务未分配资金不足).`, { unallocatedFen });
  }
  if (input.amountFen > project.gapFen) {
    throw errors.unprocessable('exceeds_gap', `The project's funding gap is ${project.gapFen} fen (超过项目资金缺口).`, { gapFen: project.gapFen });
  }
  const min = project.minContributionFen ?? 0;
  if (input.amountFen < min && input.amountFen !== project.gapFen && input.amountFen !== unallocatedFen) {
    throw errors.unprocessable('below_min_contribution', `The project takes at least ${min} fen per contribution, unless it fills the gap or is all the obligation has left (低于最低认领金额).`, { minContributionFen: min });
  }
  if (source && !acceptsDamage(project, source)) {
    throw errors.unprocessable('damage_type_not_accepted', 'The project does not take money for this kind of damage (项目不接受该类损害的资金).', { acceptedDamageTypes: project.acceptedDamageTypes });
  }
  const score = source ? scorePair({ ...source, amountFen: input.amountFen }, projectCandidateOf(project), matchingOptions(ctx)).score : 0;
  const now = ctx.clock.now();
  const doc: AllocationDocument = {
    _id: newId('alloc'),
    caseId: caseDoc._id,
    caseNo: caseDoc.caseNo ?? null,
    caseTitle: caseDoc.title,
    obligationId: obligation.id,
    projectId: project._id,
    baseId: project.baseId,
    district: caseDoc.district,
    amountFen: input.amountFen,
    score,
    status: 'proposed',
    proposedBy: { clientId: caller.clientId, role: caller.role, at: now },
    acceptedByCase: null,
    acceptedByProject: null,
    declinedBy: null,
    confirmedAt: null,
    reservation: null,
    releases: [],
    releasedFen: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await AllocationModel.create(doc);
  return allocationView(doc);
}

// ----- the confirmation steps ----------------------------------------------------------------

const entryOf = (allocationId: string, token: string) => `${allocationId}#${token}`;

/** Reserves on the project: never past its gap, never twice for the same entry. */
async function reserveOnProject(a: AllocationDocument, entry: string, now: Date): Promise<boolean> {
  const reserved = await updateOneById(
    ProjectModel,
    projectWriteKey(a.projectId),
    a.projectId,
    { status: { $in: [...fundableStates] }, gapFen: { $gte: a.amountFen }, allocationIds: { $ne: entry } },
    { $inc: { fundedFen: a.amountFen, gapFen: -a.amountFen, version: 1 }, $push: { allocationIds: entry }, $set: { updatedAt: now } },
  );
  return reserved || !!(await findOneById(ProjectModel as never, a.projectId, { allocationIds: entry }, { _id: 1 }));
}

async function undoOnProject(a: AllocationDocument, entry: string, now: Date): Promise<void> {
  await updateOneById(ProjectModel, projectWriteKey(a.projectId), a.projectId, { allocationIds: entry }, {
    $inc: { fundedFen: -a.amountFen, gapFen: a.amountFen, version: 1 },
    $pull: { allocationIds: entry },
    $set: { updatedAt: now },
  });
}

/** Reserves on the obligation's ledger: never past the obligation's money. */
async function reserveOnLedger(a: AllocationDocument, entry: string, moneyFen: number, now: Date): Promise<boolean> {
  const _id = obligationLedgerId(a.caseId, a.obligationId);
  await ObligationLedgerModel.create({ _id, caseId: a.caseId, obligationId: a.obligationId, district: a.district, allocatedFen: 0, allocationIds: [], updatedAt: now }).catch(
    (err: { code?: number }) => {
      if (err.code !== 11000) throw err; // it exists already: fine (a unique insert is atomic on both engines)
    },
  );
  const reserved = await updateOneById(
    ObligationLedgerModel,
    ledgerWriteKey(_id),
    _id,
    { allocatedFen: { $lte: moneyFen - a.amountFen }, allocationIds: { $ne: entry } },
    { $inc: { allocatedFen: a.amountFen }, $push: { allocationIds: entry }, $set: { updatedAt: now } },
  );
  return reserved || !!(await findOneById(ObligationLedgerModel as never, _id, { allocationIds: entry }, { _id: 1 }));
}

async function undoOnLedger(a: AllocationDocument, entry: string, now: Date): Promise<void> {
  const _id = obligationLedgerId(a.caseId, a.obligationId);
  await updateOneById(ObligationLedgerModel, ledgerWriteKey(_id), _id, { allocationIds: entry }, {
    $inc: { allocatedFen: -a.amountFen },
    $pull: { allocationIds: entry },
    $set: { updatedAt: now },
  });
}

/**
 * Entries of this allocation under another token: left by a confirmation that crashed or lost
 * its claim. While we hold the claim and the allocation is not confirmed, none of them can ever
 * become valid, so they are removed (each removal guarded by the entry, so it happens once).
 */
async function dropStaleEntries(a: AllocationDocument, token: string, now: Date): Promise<void> {
  const prefix = `${a._id}#`;
  const keep = entryOf(a._id, token);
  const project = await ProjectModel.findOne({ _id: a.projectId }, { allocationIds: 1 }).lean();
  for (const e of project?.allocationIds ?? []) if (e.startsWith(prefix) && e !== keep) await undoOnProject(a, e, now);
  const ledger = await ObligationLedgerModel.findOne({ _id: obligationLedgerId(a.caseId, a.obligationId) }, { allocationIds: 1 }).lean();
  for (const e of ledger?.allocationIds ?? []) if (e.startsWith(prefix) && e !== keep) await undoOnLedger(a, e, now);
}

async function releaseClaim(id: string, token: string, now: Date): Promise<void> {
  await updateOneById(AllocationModel, allocationWriteKey(id), id, { 'reservation.token': token }, { $set: { reservation: null, updatedAt: now }, $inc: { version: 1 } });
}

type ConfirmOutcome = { ok: true } | { ok: false; error: AppError } | { ok: false; lostClaim: true };

/**
 * The steps after the claim. On a refusal every step already taken is undone and the claim is
 * released; the allocation stays proposed (both acceptances kept) so it can be declined or retried.
 */
async function confirmUnderClaim(ctx: AppContext, a: AllocationDocument, token: string, actor: ProjectActor): Promise<ConfirmOutcome> {
  const entry = entryOf(a._id, token);
  const now = ctx.clock.now();
  let onProject = false;
  let onLedger = false;
  try {
    await dropStaleEntries(a, token, now);
    onProject = await reserveOnProject(a, entry, now);
    if (!onProject) {
      const p = await ProjectModel.findOne({ _id: a.projectId }, { status: 1, gapFen: 1 }).lean();
      await releaseClaim(a._id, token, now);
      const open = !!p && (fundableStates as readonly string[]).includes(p.status);
      return {
        ok: false,
        error: open
          ? errors.unprocessable('exceeds_gap', `The project's remaining gap is ${p.gapFen} fen, less than this allocation (超过项目剩余资金缺口).`, { gapFen: p.gapFen })
          : errors.unprocessable('project_not_open_for_funding', 'The project no longer takes money (项目已不接受资金).', { status: p?.status ?? null }),
      };
    }
    const moneyFen = await currentObligationMoney(systemCaseScope('allocation confirmation'), a.caseId, a.obligationId);
    onLedger = await reserveOnLedger(a, entry, moneyFen, now);
    if (!onLedger) {
      await undoOnProject(a, entry, now);
      onProject = false;
      await releaseClaim(a._id, token, now);
      const ledger = await ObligationLedgerModel.findOne({ _id: obligationLedgerId(a.caseId, a.obligationId) }, { allocatedFen: 1 }).lean();
      const unallocatedFen = Math.max(0, moneyFen - (ledger?.allocatedFen ?? 0));
      return { ok: false, error: errors.unprocessable('exceeds_unallocated', `The obligation has only ${unallocatedFen} fen unallocated now (义务未分配资金不足).`, { unallocatedFen }) };
    }
    const done = await updateOneById(
      AllocationModel,
      allocationWriteKey(a._id),
      a._id,
      { status: 'proposed', 'reservation.token': token },
      { $set: { status: 'confirmed', confirmedAt: now, reservation: null, updatedAt: now }, $inc: { version: 1 } },
    );
    if (done) return { ok: true };
    // Our claim was taken over (we were slower than the lease): this token can never confirm now.
    await undoOnLedger(a, entry, now);
    await undoOnProject(a, entry, now);
    return { ok: false, lostClaim: true };
  } catch (err) {
    // Best effort now; whatever is left is redone or undone by the next reader after the lease.
    try {
      if (onLedger) await undoOnLedger(a, entry, now);
      if (onProject) await undoOnProject(a, entry, now);
      await releaseClaim(a._id, token, now);
    } catch (cleanup) {
      ctx.logger.warn({ err: cleanup, allocationId: a._id }, 'confirmation clean-up failed; recovery after the lease will finish it');
    }
    throw err;
  } finally {
    await syncProjectFunding(ctx, a.projectId, actor).catch((err: unknown) => ctx.logger.warn({ err, projectId: a.projectId }, 'project funding status not synchronised'));
  }
}

/** Takes the confirmation claim if nobody holds it; the token, or null. */
async function claim(a: AllocationDocument, now: Date): Promise<string | null> {
  const token = newId('rsv');
  const took = await updateOneById(
    AllocationModel,
    allocationWriteKey(a._id),
    a._id,
    { version: a.version, status: 'proposed', reservation: null },
    { $set: { reservation: { token, startedAt: now }, updatedAt: now }, $inc: { version: 1 } },
  );
  return took ? token : null;
}

/**
 * Recovery: a claim older than the lease belongs to a confirmation that crashed (or stalled)
 * between steps. Take it over under a new token and redo the confirmation from the start; the
 * old token's entries are dropped first. Idempotent: running it twice does nothing more.
 */
export async function recoverAllocation(ctx: AppContext, a: AllocationDocument): Promise<void> {
  const now = ctx.clock.now();
  if (!a.reservation || now.getTime() - new Date(a.reservation.startedAt).getTime() < RESERVATION_LEASE_MS) return;
  const token = newId('rsv');
  const stale = a.reservation.token;
  const took = await updateOneById(
    AllocationModel,
    allocationWriteKey(a._id),
    a._id,
    { status: 'proposed', 'reservation.token': stale },
    { $set: { reservation: { token, startedAt: now }, updatedAt: now }, $inc: { version: 1 } },
  );
  if (!took) return;
  const current = (await findAllocation(a._id))!;
  const outcome = await confirmUnderClaim(ctx, current, token, { clientId: 'system', role: 'system' });
  if (!outcome.ok && 'error' in outcome) ctx.logger.info({ allocationId: a._id, code: outcome.error.code }, 'recovered confirmation was refused; the allocation stays proposed');
  await refreshCaseRestoration(ctx, a.caseId);
}

/** Finishes or undoes confirmations left between their steps longer than the lease. */
export async function recoverStaleReservations(ctx: AppContext, limit = 50): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - RESERVATION_LEASE_MS);
  const stale = await AllocationModel.find({ 'reservation.startedAt': { $lt: before } }).limit(limit).lean<AllocationDocument[]>();
  for (const a of stale) await recoverAllocation(ctx, a);
  return stale.length;
}

// ----- accepting and declining ---------------------------------------------------------------

const MAX_ROUNDS = 200;

export async function acceptAllocation(ctx: AppContext, principal: Principal | undefined, id: string) {
  const caller = requireAccess(principal, 'allocations.respond');
  await recoverStaleReservations(ctx);
  const loaded = await loadForSide(caller, id);
  let a = loaded.allocation;
  const field = loaded.side === 'case' ? 'acceptedByCase' : 'acceptedByProject';
  const actor: ProjectActor = { clientId: caller.clientId, role: caller.role };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (a.status === 'confirmed') return allocationView(a);
    if (a.status === 'declined') throw errors.unprocessable('allocation_declined', 'The allocation was declined (该分配已被拒绝).');
    const now = ctx.clock.now();
    if (!a[field]) {
      const expected = a.version;
      await updateOneById(AllocationModel, allocationWriteKey(a._id), id, { version: expected, status: 'proposed' }, {
        $set: { [field]: { clientId: caller.clientId, at: now }, updatedAt: now },
        $inc: { version: 1 },
      });
    } else if (!a.acceptedByCase || !a.acceptedByProject) {
      return allocationView(a); // waiting for the other side
    } else if (a.reservation) {
      await recoverAllocation(ctx, a); // only if its lease ran out
      await sleep(10 + Math.random() * 20); // another request is confirming it
    } else {
      const token = await claim(a, now);
      if (token) {
        const outcome = await confirmUnderClaim(ctx, { ...a, version: a.version + 1 }, token, actor);
        if (!outcome.ok && 'error' in outcome) throw outcome.error;
        await refreshCaseRestoration(ctx, a.caseId);
      }
    }
    a = (await findAllocation(id))!;
  }
  throw errors.conflict('confirmation_in_progress', 'The allocation is being confirmed by another request; look at it again shortly.');
}

export async function declineAllocation(ctx: AppContext, principal: Principal | undefined, id: string, body: unknown) {
  const caller = requireAccess(principal, 'allocations.respond');
  const input = parse(declineBody, body ?? {});
  let { allocation: a } = await loadForSide(caller, id);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (a.status === 'declined') return allocationView(a);
    if (a.status === 'confirmed') {
      throw errors.unprocessable('allocation_confirmed', 'A confirmed allocation cannot be declined (已确认的分配不能拒绝).');
    }
    const now = ctx.clock.now();
    if (a.reservation) {
      await recoverAllocation(ctx, a);
      await sleep(10 + Math.random() * 20);
    } else {
      const expected = a.version;
      await updateOneById(AllocationModel, allocationWriteKey(id), id, { version: expected, status: 'proposed', reservation: null }, {
        $set: { status: 'declined', declinedBy: { clientId: caller.clientId, role: caller.role, at: now, ...(input.reason ? { reason: input.reason } : {}) }, updatedAt: now },
        $inc: { version: 1 },
      });
    }
    a = (await findAllocation(id))!;
  }
  throw errors.conflict('confirmation_in_progress', 'The allocation is being confirmed by another request; look at it again shortly.');
}

// ----- releases ------------------------------------------------------------------------------

/** Money released from escrow to the project for a milestone; never more than the allocation. */
export async function releaseFromEscrow(ctx: AppContext, principal: Principal | undefined, id: string, body: unknown) {
  const caller = requireAccess(principal, 'allocations.release');
  const input = parse(releaseBody, body);
  const { allocation: a } = await loadForSide(caller, id);
  if (a.status !== 'confirmed') {
    throw errors.unprocessable('allocation_not_confirmed', 'Money is released only on a confirmed allocation (分配确认后方可拨付).', { status: a.status });
  }
  const now = ctx.clock.now();
  const release = {
    id: newId('rel'),
    amountFen: input.amountFen,
    milestone: input.milestone,
    releasedAt: new Date(input.releasedAt),
    ...(input.note ? { note: input.note } : {}),
    by: { clientId: caller.clientId, role: caller.role },
    recordedAt: now,
  };
  // amountFen of an allocation never changes, so this one guard keeps every release within it.
  const released = await updateOneById(
    AllocationModel,
    allocationWriteKey(a._id),
    a._id,
    { status: 'confirmed', releasedFen: { $lte: a.amountFen - input.amountFen } },
    { $inc: { releasedFen: input.amountFen, version: 1 }, $push: { releases: release }, $set: { updatedAt: now } },
  );
  const after = (await findAllocation(id))!;
  if (!released) {
    const remaining = after.amountFen - (after.releasedFen ?? 0);
    throw errors.unprocessable('exceeds_allocation', `Only ${remaining} fen of this allocation is left to release (拨付金额超过分配余额).`, { remainingFen: remaining });
  }
  await refreshCaseRestoration(ctx, a.caseId);
  return allocationView(after);
}

// ----- reading -------------------------------------------------------------------------------

export async function getAllocation(ctx: AppContext, principal: Principal | undefined, id: string) {
  const caller = requireAccess(principal, 'allocations.read');
  await recoverStaleReservations(ctx);
  const a = await findAllocation(id);
  if (!a || !mayRead(caller, a)) throw errors.notFound('allocation');
  return allocationView(a);
}

export async function listAllocations(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  const caller = requireAccess(principal, 'allocations.read');
  const q = parse(listAllocationsQuery, query, 'query');
  await recoverStaleReservations(ctx);
  const cursor = decodeCursor(q.cursor);
  const conditions: Record<string, unknown>[] = [];
  if (q.caseId) conditions.push({ caseId: q.caseId });
  if (q.projectId) conditions.push({ projectId: q.projectId });
  if (q.status) conditions.push({ status: q.status });
  if (caller.role === 'baseManager') conditions.push({ baseId: { $in: [...caller.baseIds] } });
  else if (caller.districts !== 'all') conditions.push({ district: { $in: [...caller.districts] } });
  const page = afterCursor('createdAt', cursor);
  if (Object.keys(page).length) conditions.push(page);
  const docs = await AllocationModel.find(conditions.length ? { $and: conditions } : {}).sort({ createdAt: -1, _id: -1 }).limit(q.limit + 1).lean<AllocationDocument[]>();
  return pageOf(docs, q.limit, (d) => d.createdAt, allocationView);
}

/** For the ledger: every allocation of these cases that is not declined. */
export async function allocationsOfCases(caseIds: readonly string[]): Promise<AllocationDocument[]> {
  if (caseIds.length === 0) return [];
  return AllocationModel.find({ caseId: { $in: [...caseIds] }, status: { $in: ['proposed', 'confirmed'] } }).lean<AllocationDocument[]>();
}

