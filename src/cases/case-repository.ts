import type { QueryFilter, ProjectionType, UpdateQuery } from 'mongoose';
import { CaseModel, type CaseDocument, type HistoryEntry } from '../../models/case';
import { idPattern } from '../ids';
import { serialized } from '../db/serialized';
import { scopeFilter, type CaseScope } from './case-scope';

/**
 * Data access for cases. Every function takes the caller's scope; a case outside it is answered
 * exactly like a missing one (null). Reads return plain objects (lean), never Mongoose documents.
 */

/** What advancing a case needs: everything but the history, which only grows. */
const withoutHistory = { history: 0 } as const;

export type CaseRecord = Omit<CaseDocument, 'history'>;

export async function loadCase(scope: CaseScope, id: string): Promise<CaseRecord | null> {
  if (!idPattern.test(id)) return null;
  return CaseModel.findOne({ _id: id, ...scopeFilter(scope) }, withoutHistory).lean<CaseRecord>();
}

export async function loadCaseHistory(scope: CaseScope, id: string): Promise<Pick<CaseDocument, '_id' | 'history' | 'version' | 'lastHash'> | null> {
  if (!idPattern.test(id)) return null;
  return CaseModel.findOne({ _id: id, ...scopeFilter(scope) }, { history: 1, version: 1, lastHash: 1 }).lean();
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
  const res = await serialized(caseWriteKey(id), () => CaseModel.updateOne({ _id: id, version: expectedVersion, ...scopeFilter(scope) }, update));
  return res.modifiedCount === 1;
}

/** The serialization key of every conditional write to one case (src/db/serialized.ts). */
export function caseWriteKey(id: string): string {
  return `case:${id}`;
}

export async function currentVersion(scope: CaseScope, id: string): Promise<number | null> {
  const doc = await CaseModel.findOne({ _id: id, ...scopeFilter(scope) }, { version: 1 }).lean();
  return doc?.version ?? null;
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
  return !!(await CaseModel.exists({ _id: id, ...scopeFilter(scope), 'history.idempotencyKey': key }));
}

export type { HistoryEntry };
