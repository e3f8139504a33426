import mongoose from 'mongoose';

/**
 * Records every write the MongoDB driver performs in this process (the service under test runs in
 * it), with how many documents it affected. Hashing the whole database costs ~70 ms on the
 * embedded FerretDB engine (it decodes whole documents, histories included), far too slow to run
 * before and after each of 10,000 requests; this journal tells, for free, which collections a
 * request may have changed, so only those are re-hashed (see DigestTracker). A periodic full
 * digest checks that no write escaped the journal.
 */

export interface JournalEntry {
  seq: number;
  collection: string;
  op: string;
  /** Documents inserted, matched-and-modified, upserted or deleted (-1: unknown, treat as a write). */
  affected: number;
  /** The _ids the write addressed, when its filter (or inserted documents) name them; null: unknown. */
  ids: unknown[] | null;
}

/** How an _id is spelled as a map key (the raw value is kept for queries: 2100 is not '2100'). */
export const idKey = (id: unknown): string => {
  const hex = (id as { toHexString?: () => string } | null)?.toHexString;
  return typeof hex === 'function' ? `oid:${hex.call(id)}` : typeof id === 'string' ? id : `${typeof id}:${JSON.stringify(id)}`;
};

/** Which documents a write addresses: the inserted ones, or those its filter names by _id. */
function idsOf(op: string, args: unknown[]): unknown[] | null {
  if (op === 'insertOne') {
    const doc = args[0] as { _id?: unknown } | undefined;
    return doc && doc._id !== undefined ? [doc._id] : null;
  }
  if (op === 'insertMany') {
    const docs = args[0] as { _id?: unknown }[] | undefined;
    return Array.isArray(docs) && docs.every((d) => d && d._id !== undefined) ? docs.map((d) => d._id) : null;
  }
  if (op === 'bulkWrite' || op.startsWith('drop') || op.startsWith('create') || op === 'rename') return null;
  const filter = args[0] as { _id?: unknown } | undefined;
  const id = filter?._id;
  if (id === undefined || id === null) return null;
  if (typeof id === 'object' && !(id as { toHexString?: unknown }).toHexString) {
    const $in = (id as { $in?: unknown[]; $eq?: unknown }).$in;
    if (Array.isArray($in) && Object.keys(id).length === 1) return $in;
    const $eq = (id as { $eq?: unknown }).$eq;
    if ($eq !== undefined && Object.keys(id).length === 1) return [$eq];
    return null;
  }
  return [id];
}

const writeMethods = [
  'insertOne',
  'insertMany',
  'bulkWrite',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'rename',
  'drop',
  'createIndex',
  'createIndexes',
  'dropIndex',
  'dropIndexes',
] as const;

function affectedBy(op: string, result: unknown): number {
  if (result === null || result === undefined) return op.startsWith('findOneAnd') ? 0 : -1;
  const r = result as Record<string, unknown>;
  if (op.startsWith('findOneAnd')) {
    const meta = r.lastErrorObject as { n?: number } | undefined;
    if (meta && typeof meta.n === 'number') return meta.n;
    return 'value' in r ? (r.value ? 1 : 0) : 1;
  }
  const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  if (op === 'insertOne') return r.acknowledged === false ? -1 : 1;
  if (op === 'insertMany' || op === 'bulkWrite') {
    const n = num('insertedCount') + num('modifiedCount') + num('upsertedCount') + num('deletedCount');
    return n;
  }
  if (op.startsWith('update') || op === 'replaceOne') return num('modifiedCount') + num('upsertedCount');
  if (op.startsWith('delete')) return num('deletedCount');
  return -1;
}

export class WriteJournal {
  entries: JournalEntry[] = [];
  /** Database operations (reads through Mongoose queries, and writes) running now. */
  inFlight = 0;
  /** Bumped whenever an operation starts or ends: work the service does after it replied shows here. */
  activity = 0;
  private seq = 0;
  private restore: (() => void) | null = null;

  install(): void {
    if (this.restore) return;
    const proto = (mongoose.mongo.Collection as unknown as { prototype: Record<string, unknown> }).prototype;
    const originals = new Map<string, unknown>();
    for (const method of writeMethods) {
      const original = proto[method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
      if (typeof original !== 'function') continue;
      originals.set(method, original);
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const journal = this;
      proto[method] = async function patched(this: { collectionName: string }, ...args: unknown[]) {
        journal.inFlight += 1;
        journal.activity += 1;
        try {
          const result = await original.apply(this, args);
          journal.record(this.collectionName, method, affectedBy(method, result), idsOf(method, args));
          return result;
        } catch (err) {
          // A failed write (a duplicate key, say) may still have done part of its work (insertMany).
          journal.record(this.collectionName, `${method}!`, method === 'insertMany' || method === 'bulkWrite' ? -1 : 0, idsOf(method, args));
          throw err;
        } finally {
          journal.inFlight -= 1;
          journal.activity += 1;
        }
      };
    }
    // Reads too, so that settle() waits for work a request started and did not await (a listener
    // that reads before it writes).
    const queryProtos = [mongoose.Query.prototype, mongoose.Aggregate.prototype] as unknown as { exec: (...a: unknown[]) => Promise<unknown> }[];
    const execs = queryProtos.map((p) => p.exec);
    queryProtos.forEach((p, i) => {
      const original = execs[i]!;
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const journal = this;
      p.exec = async function tracked(this: unknown, ...args: unknown[]) {
        journal.inFlight += 1;
        journal.activity += 1;
        try {
          return await original.apply(this, args);
        } finally {
          journal.inFlight -= 1;
          journal.activity += 1;
        }
      };
    });
    this.restore = () => {
      for (const [method, original] of originals) proto[method] = original;
      queryProtos.forEach((p, i) => (p.exec = execs[i]!));
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = null;
  }

  private record(collection: string, op: string, affected: number, ids: unknown[] | null): void {
    this.entries.push({ seq: ++this.seq, collection, op, affected, ids });
    if (this.entries.length > 100_000) this.entries.splice(0, 50_000);
  }

  get mark(): number {
    return this.seq;
  }

  since(mark: number): JournalEntry[] {
    return this.entries.filter((e) => e.seq > mark);
  }

  /**
   * What writes since the mark affected (or may have affected): per collection, the _ids, or
   * null when some write there did not say which documents it addressed.
   */
  touchedSince(mark: number): Map<string, Map<string, unknown> | null> {
    const out = new Map<string, Map<string, unknown> | null>();
    for (const e of this.since(mark)) {
      if (e.affected === 0) continue;
      const known = out.get(e.collection);
      if (e.ids === null || known === null) out.set(e.collection, null);
      else {
        const m = known ?? new Map<string, unknown>();
        for (const id of e.ids) m.set(idKey(id), id);
        out.set(e.collection, m);
      }
    }
    return out;
  }

  /** Waits until no database operation is running and none has started or ended for `quietMs`. */
  async settle(quietMs = 40, maxMs = 10_000): Promise<void> {
    const until = Date.now() + maxMs;
    let last = this.activity;
    let quietSince = Date.now();
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
      if (this.inFlight > 0 || this.activity !== last) {
        last = this.activity;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
    }
  }
}
