import { AllocationModel } from '../../models/allocation';
import { contextOfCase } from '../cases/case-repository';
import { CaseModel } from '../../models/case';
import { RestorationRevisionModel } from '../../models/obligation-ledger';
import { ProjectModel } from '../../models/project';
import { acceptedStates, startedStates, type ProjectState } from '../../workflows/project-machine';
import { restorationStatus, type RestorationFacts } from '../../workflows/case-status';
import type { AppContext, CaseChange } from '../context';
import { notifyCaseChange } from '../case-changes';
import { serialized } from '../db/serialized';
import { updateOneById } from '../db/by-id';
import { caseWriteKey, loadCase } from '../cases/case-repository';
import { systemCaseScope } from '../cases/case-scope';

/**
 * The restoration track of a case (domain.md, "two tracks"): what its money became once allocated.
 * After every confirmation, release and project state change, the affected cases get their
 * `restorationFacts` and `restorationStatus` recomputed from the confirmed allocations and the
 * projects' states. Only those two fields are written, without touching the case's version or
 * history: they are derived facts, not case events.
 *
 * Two recomputations can finish out of order. Each takes a revision number first (a per-case
 * counter), reads after taking it, and writes only over facts of a lower revision; so the facts of
 * the last recomputation to start (which read everything committed before it) are what remain.
 * The write is also guarded by the case version it read the snapshot at, so the status is never
 * computed from an outdated snapshot.
 */

export interface StoredRestorationFacts extends RestorationFacts {
  rev: number;
}

export async function computeRestorationFacts(caseId: string): Promise<RestorationFacts> {
  const allocations = await AllocationModel.find({ caseId, status: 'confirmed' }, { obligationId: 1, projectId: 1, amountFen: 1 }).lean();
  const allocatedFenByObligation: Record<string, number> = {};
  const projectIds = new Set<string>();
  for (const a of allocations) {
    allocatedFenByObligation[a.obligationId] = (allocatedFenByObligation[a.obligationId] ?? 0) + a.amountFen;
    projectIds.add(a.projectId);
  }
  const projects = projectIds.size ? await ProjectModel.find({ _id: { $in: [...projectIds] } }, { status: 1 }).lean() : [];
  const status = (p: { status: string }) => p.status as ProjectState;
  return {
    allocatedFenByObligation,
    fundedProjects: projectIds.size,
    projectsStarted: projects.filter((p) => startedStates.includes(status(p))).length,
    projectsAccepted: projects.filter((p) => acceptedStates.includes(status(p))).length,
  };
}

/** Recomputes one case's restoration facts and status. Idempotent; safe to call at any time. */
export async function refreshCaseRestoration(ctx: AppContext, caseId: string): Promise<void> {
  const { rev } = (await serialized(`restoration-revision:${caseId}`, () =>
    RestorationRevisionModel.findOneAndUpdate({ _id: caseId }, { $inc: { rev: 1 } }, { upsert: true, returnDocument: 'after' }).lean(),
  ))!;
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await loadCase(systemCaseScope('restoration track'), caseId);
    if (!doc) return;
    const stored = doc.restorationFacts as StoredRestorationFacts | null;
    if (stored && typeof stored.rev === 'number' && stored.rev >= rev) return;
    const facts = await computeRestorationFacts(caseId);
    const status = restorationStatus(contextOfCase(doc), facts);
    // Under the case's own write key: on FerretDB this write rewrites the whole case document.
    const written = await updateOneById(
      CaseModel,
      caseWriteKey(caseId),
      caseId,
      { version: doc.version, $or: [{ 'restorationFacts.rev': { $lt: rev } }, { 'restorationFacts.rev': { $exists: false } }] },
      { $set: { restorationFacts: { ...facts, rev }, restorationStatus: status } },
    );
    if (written) {
      notifyCaseChange(ctx, { kind: 'derived', caseId, field: 'restorationStatus' });
      return;
    }
    // The case moved on (a case event committed) or a later recomputation wrote: look again.
  }
  ctx.logger.warn({ caseId }, 'restoration facts not written after 10 attempts; the next change recomputes them');
}

/** Every case with confirmed money in a project (after the project's state changed). */
export async function refreshCasesOfProject(ctx: AppContext, projectId: string): Promise<void> {
  const caseIds = new Set((await AllocationModel.find({ projectId, status: 'confirmed' }, { caseId: 1 }).lean()).map((a) => a.caseId));
  for (const caseId of caseIds) await refreshCaseRestoration(ctx, caseId);
}

/**
 * Listens to committed case changes (ctx.listeners). A case event computes the case's restoration
 * status from the facts it read before its commit; if a recomputation here wrote newer facts in
 * between, that status is stale. So after every change of a case that has allocations, the track
 * is recomputed (in the background: the case's reply does not wait for it).
 */
export function restorationTrackListener(ctx: AppContext) {
  return (change: CaseChange) => {
    if (change.kind !== 'event') return; // its own writes are derived changes: no loop
    void (async () => {
      if (!(await AllocationModel.exists({ caseId: change.caseId }))) return;
      await refreshCaseRestoration(ctx, change.caseId);
    })().catch((err: unknown) => ctx.logger.warn({ err, caseId: change.caseId }, 'restoration track not recomputed after a case change'));
  };
}
