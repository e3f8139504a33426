import type { QueryFilter, ProjectionType, UpdateQuery } from 'mongoose';
import { CaseModel, type CaseDocument, type HistoryEntry } from '../../models/case';
import type { CaseContext } from '../../workflows/case-context';
import { idPattern } from '../ids';
import { findOneById, updateOneById, type GuardFilter } from '../db/by-id';
import { scopeFilter, type CaseScope } from './case-scope';

/**
 * Data access for cases. Every function takes the caller's scope; a case outside it is answered
 * exactly like a missing one (null). Reads return plain objects (lean), never Mongoose documents.
 */

/** What advancing a case needs: everything but the history, which only grows. */
const withoutHistory = { history: 0 } as const;

export type CaseRecord = Omit<CaseDocument, 'history'>;

/** The procedure's context in a stored case's machine snapshot. */
export function contextOfCase(doc: Pick<CaseDocument, 'snapshot'>): CaseContext {
  return (doc.snapshot as { context: CaseContext }).context;
}

export async function loadCase(scope: CaseScope, id: string): Promise<CaseRecord | null> {
  if (!idPattern.test(id)) return null;
  return findOneById<CaseRecord>(CaseModel as never, id, scopeGuard(scope), withoutHistory);
}

export async function loadCaseHistory(scope: CaseScope, id: string): Promise<Pick<CaseDocument, '_id' | 'history' | 'version' | 'lastHash'> | null> {
  if (!idPattern.test(id)) return null;
  return findOneById<Pick<CaseDocument, '_id' | 'history' | 'version' | 'lastHash'>>(CaseModel as never, id, scopeGuard(scope), { history: 1, version: 1, lastHash: 1 });
}

export async function insertCase(doc: CaseDocument): Promise<void> {
  await CaseModel.create(doc);
}

/**
 * The one write of an advance: applied only if the case is still at `expectedVersion`, so a lost
 * race changes nothing and returns false. (An updateOne rather than findOneAndUpdate: FerretDB v1
 * cannot project a findAndModify reply, and the caller already knows the document it wrote.)
 */
export async function commitCaseChange(scope: CaseScope, id: string, expectedVersion: number, update: UpdateQuery<CaseDocument>): Promise<boolean> {
  return updateOneById(CaseModel, caseWriteKey(id), id, { version: expectedVersion, ...scopeGuard(scope) }, update as Record<string, unknown>);
}

/** The serialization key of every conditional write to one case (src/db/serialized.ts). */
export function caseWriteKey(id: string): string {
  return `case:${id}`;
}

export async function currentVersion(scope: CaseScope, id: string): Promise<number | null> {
  if (!idPattern.test(id)) return null;
  const doc = await findOneById<Pick<CaseDocument, 'version'>>(CaseModel as never, id, scopeGuard(scope), { version: 1 });
  return doc?.version ?? null;
}

/** The scope as a by-id guard (the same conditions as `scopeFilter`). */
function scopeGuard(scope: CaseScope): GuardFilter {
  return scopeFilter(scope) as GuardFilter;
}

export async function findCases(
  scope: CaseScope,
  filter: QueryFilter<CaseDocument>,
  opts: { sort: Record<string, 1 | -1>; limit: number; projection: ProjectionType<CaseDocument> },
): Promise<CaseRecord[]> {
  return CaseModel.find({ $and: [scopeFilter(scope), filter] }, opts.projection).sort(opts.sort).limit(opts.limit).lean<CaseRecord[]>();
}

export async function countCases(scope: CaseScope, filter: QueryFilter<CaseDocument>): Promise<number> {
  return CaseModel.countDocuments({ $and: [scopeFilter(scope), filter] });
}

/** Whether an event with this idempotency key is already in the case's history (crash recovery). */
export async function historyHasKey(scope: CaseScope, id: string, key: string): Promise<boolean> {
  if (!idPattern.test(id)) return false;
  return !!(await findOneById(CaseModel as never, id, { ...scopeGuard(scope), 'history.idempotencyKey': key }, { 'history.idempotencyKey': 1 }));
}

export type { HistoryEntry };
