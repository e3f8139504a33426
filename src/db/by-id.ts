import type { Model } from 'mongoose';
import type { EngineKind } from './engine';
import { serialized } from './serialized';

/**
 * Reads and guarded writes of ONE document by its string `_id`, fast on both engines.
 *
 * Why: FerretDB v1 (SQLite) uses its primary key only when a filter is exactly `{ _id: <string> }`
 * (backends/sqlite/collection.go, `Query`); any other key beside `_id` — a version guard, a
 * district scope — makes it read and decode every document of the collection. A case advance
 * guarded by `{ _id, version, district }` therefore cost time proportional to the number of
 * cases. On FerretDB these functions query by `_id` alone and apply the rest of the filter here,
 * with the same semantics (`matchesFilter`, tested against the engine itself); guarded writes do
 * read-check-write inside `serialized`, which is what makes them atomic on that engine anyway
 * (src/db/serialized.ts). On MongoDB the whole filter goes to the server, which applies it
 * atomically across any number of service instances.
 */

let engine: EngineKind = 'mongodb';

/** Called once the engine is known (src/server.ts); MongoDB semantics until then. */
export function useEngineSemantics(kind: EngineKind): void {
  engine = kind;
}

type Scalar = string | number | boolean | Date | null;
type Condition = Scalar | { $eq?: Scalar; $ne?: Scalar; $lt?: Scalar; $lte?: Scalar; $gt?: Scalar; $gte?: Scalar; $in?: readonly Scalar[]; $exists?: boolean };

/**
 * The filter language these helpers accept beside `_id`: dotted paths compared with a scalar
 * (null also matches a missing field) or with $eq/$ne/$lt/$lte/$gt/$gte/$in/$exists, and a
 * top-level $or of such filters. Anything else is refused at once rather than half-understood.
 */
export interface GuardFilter {
  [path: string]: Condition | readonly GuardFilter[] | undefined;
  $or?: readonly GuardFilter[];
}

function valueAt(doc: unknown, path: string): unknown[] {
  // An array on the way fans out, as in MongoDB: `a.b` matches when any element's b matches.
  let values: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of values) {
      if (Array.isArray(v)) {
        if (v.length === 0) next.push(undefined);
        for (const item of v) next.push(item && typeof item === 'object' && !(item instanceof Date) ? (item as Record<string, unknown>)[part] : undefined);
      } else if (v && typeof v === 'object') {
        next.push((v as Record<string, unknown>)[part]);
      } else {
        next.push(undefined);
      }
    }
    values = next;
  }
  return values.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));
}

function comparable(v: unknown): number | string | boolean | null | undefined {
  if (v instanceof Date) return v.getTime();
  return v as number | string | boolean | null | undefined;
}

function sameType(a: unknown, b: unknown): boolean {
  return typeof a === typeof b && (a instanceof Date) === (b instanceof Date);
}

function equals(actual: unknown, expected: Scalar): boolean {
  if (expected === null) return actual === null || actual === undefined;
  return sameType(actual, expected) && comparable(actual) === comparable(expected);
}

function order(actual: unknown, expected: Scalar, test: (a: number | string, b: number | string) => boolean, inclusive: boolean): boolean {
  if (expected === null) return inclusive && equals(actual, null); // null sorts equal only to null and missing
  if (actual === null || actual === undefined || !sameType(actual, expected)) return false;
  return test(comparable(actual) as number | string, comparable(expected) as number | string);
}

function conditionHolds(values: unknown[], cond: Condition): boolean {
  if (cond === null || typeof cond !== 'object' || cond instanceof Date) return values.some((v) => equals(v, cond));
  for (const [op, arg] of Object.entries(cond)) {
    const ok = (() => {
      switch (op) {
        case '$eq':
          return values.some((v) => equals(v, arg as Scalar));
        case '$ne':
          return !values.some((v) => equals(v, arg as Scalar));
        case '$lt':
          return values.some((v) => order(v, arg as Scalar, (a, b) => a < b, false));
        case '$lte':
          return values.some((v) => order(v, arg as Scalar, (a, b) => a <= b, true));
        case '$gt':
          return values.some((v) => order(v, arg as Scalar, (a, b) => a > b, false));
        case '$gte':
          return values.some((v) => order(v, arg as Scalar, (a, b) => a >= b, true));
        case '$in':
          return (arg as Scalar[]).some((x) => values.some((v) => equals(v, x)));
        case '$exists':
          return values.some((v) => v !== undefined) === arg;
        default:
          throw new Error(`by-id filters do not support ${op}`);
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** Whether `doc` matches `filter`, as MongoDB would decide it for the subset in GuardFilter. */
export function matchesFilter(doc: unknown, filter: GuardFilter): boolean {
  for (const [path, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (path === '$or') {
      if (!(cond as readonly GuardFilter[]).some((f) => matchesFilter(doc, f))) return false;
    } else if (path.startsWith('$')) {
      throw new Error(`by-id filters do not support ${path}`);
    } else if (!conditionHolds(valueAt(doc, path), cond as Condition)) {
      return false;
    }
  }
  return true;
}

function filterPaths(filter: GuardFilter, into = new Set<string>()): Set<string> {
  for (const [path, cond] of Object.entries(filter)) {
    if (path === '$or') for (const f of cond as readonly GuardFilter[]) filterPaths(f, into);
    else into.add(path);
  }
  return into;
}

type Projection = Record<string, 0 | 1>;

/** Whether one dotted path is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** The caller's projection widened so that every field the filter looks at is read. */
function projectionFor(projection: Projection | undefined, filter: GuardFilter): Projection | undefined {
  if (!projection) return undefined;
  const paths = [...filterPaths(filter)];
  const inclusive = Object.values(projection).includes(1);
  if (inclusive) {
    const out: Projection = { ...projection };
    for (const path of paths) if (!Object.keys(out).some((k) => overlaps(k, path))) out[path] = 1;
    return out;
  }
  const out = Object.fromEntries(Object.entries(projection).filter(([k]) => !paths.some((p) => overlaps(k, p)))) as Projection;
  return Object.keys(out).length ? out : undefined;
}

/** `findOne({ _id: id, ...filter }, projection)`, lean, using the primary key on both engines. */
export async function findOneById<T>(model: Model<T>, id: string, filter: GuardFilter, projection?: Projection): Promise<T | null> {
  if (engine === 'mongodb') return model.findOne({ _id: id, ...filter } as never, projection).lean<T>();
  const doc = await model.findOne({ _id: id } as never, projectionFor(projection, filter)).lean<T>();
  return doc && matchesFilter(doc, filter) ? doc : null;
}

/**
 * `updateOne({ _id: id, ...guard }, update)` applied only while the guard holds, serialized under
 * `key` (the document's write key). Returns whether the document matched and was written.
 */
export async function updateOneById<T>(model: Model<T>, key: string, id: string, guard: GuardFilter, update: Record<string, unknown>): Promise<boolean> {
  return serialized(key, async () => {
    if (engine === 'mongodb') {
      const res = await model.updateOne({ _id: id, ...guard } as never, update as never);
      return res.matchedCount === 1;
    }
    const current = await model.findOne({ _id: id } as never, projectionFor({ _id: 1 }, guard)).lean();
    if (!current || !matchesFilter(current, guard)) return false;
    await model.updateOne({ _id: id } as never, update as never);
    return true;
  });
}
