import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { idKey, type WriteJournal } from './write-journal';

/**
 * A digest of everything stored in one database: every collection's name and every document's
 * content, hashed. Large append-only arrays (a case's history and machine snapshot) are left out
 * because every write that touches them also changes the case's `version`, `lastHash` and
 * `updatedAt`, which are in. Two equal digests mean no document was added, removed or changed.
 */

/** Fields never read for the digest (kept small so it can run before and after every request). */
const heavy: Record<string, Record<string, 0>> = {
  cases: { history: 0, snapshot: 0 },
};

export interface Digest {
  hash: string;
  /** collection → number of documents */
  counts: Record<string, number>;
}

function stable(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `D${value.toISOString()}`;
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object') {
    const maybeHex = (value as { toHexString?: () => string }).toHexString;
    if (typeof maybeHex === 'function') return `O${maybeHex.call(value)}`;
    if (Buffer.isBuffer(value)) return `B${value.toString('base64')}`;
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function collectionDigest(conn: Connection, name: string): Promise<{ hash: string; count: number }> {
  const docs = await conn
    .db!.collection(name)
    .find({}, { projection: heavy[name] ?? {} })
    .sort({ _id: 1 })
    .toArray();
  const h = createHash('sha256').update(`#${name}:${docs.length}\n`);
  for (const d of docs) h.update(stable(d)).update('\n');
  return { hash: h.digest('hex'), count: docs.length };
}

export async function collectionNames(conn: Connection): Promise<string[]> {
  return (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
}

function combine(perCollection: Map<string, string>): string {
  const h = createHash('sha256');
  for (const name of [...perCollection.keys()].sort()) h.update(`${name}=${perCollection.get(name)}\n`);
  return h.digest('hex');
}

export async function databaseDigest(conn: Connection): Promise<Digest & { perCollection: Map<string, string> }> {
  const names = await collectionNames(conn);
  const perCollection = new Map<string, string>();
  const counts: Record<string, number> = {};
  for (const name of names) {
    const d = await collectionDigest(conn, name);
    perCollection.set(name, d.hash);
    counts[name] = d.count;
  }
  return { hash: combine(perCollection), counts, perCollection };
}


const docHash = (d: unknown) => createHash('sha256').update(stable(d)).digest('hex');

export interface Change {
  collection: string;
  id: string;
  /** The document as it is now (undefined: it is gone), for looking into what changed. */
  now: unknown;
}

/**
 * The database digest before and after every request, kept up to date incrementally: a hash per
 * document is cached, and after a request only the documents the write journal saw written (or,
 * when a write did not say which, the whole collection) are read and hashed again. Comparing the
 * fresh hashes with the cached ones is comparing the digest of the whole database before and after
 * the request. `verifyComplete` rereads everything to prove that the journal missed no write.
 */
export class DigestTracker {
  private docs = new Map<string, Map<string, string>>();
  fullChecks = 0;
  documentsRehashed = 0;
  collectionsRehashed = 0;

  constructor(
    private readonly conn: Connection,
    private readonly journal: WriteJournal,
  ) {}

  private async readCollection(name: string): Promise<Map<string, string>> {
    const docs = await this.conn.db!.collection(name).find({}, { projection: heavy[name] ?? {} }).toArray();
    return new Map(docs.map((d) => [idKey(d._id), docHash(d)]));
  }

  async init(): Promise<void> {
    this.docs = new Map();
    for (const name of await collectionNames(this.conn)) this.docs.set(name, await this.readCollection(name));
  }

  /** The digest of the whole database as cached. */
  get hash(): string {
    const h = createHash('sha256');
    for (const name of [...this.docs.keys()].sort()) {
      const m = this.docs.get(name)!;
      h.update(`#${name}:${m.size}\n`);
      for (const id of [...m.keys()].sort()) h.update(`${id}=${m.get(id)}\n`);
    }
    return h.digest('hex');
  }

  get documentCount(): number {
    let n = 0;
    for (const m of this.docs.values()) n += m.size;
    return n;
  }

  /**
   * The documents whose content differs from before the request that began at `mark` (added,
   * changed or removed). Updates the cache, so the next request is compared with this state.
   */
  async changedSince(mark: number): Promise<Change[]> {
    const changes: Change[] = [];
    for (const [name, ids] of this.journal.touchedSince(mark)) {
      const cached = this.docs.get(name) ?? new Map<string, string>();
      this.docs.set(name, cached);
      const coll = this.conn.db!.collection(name);
      if (ids === null) {
        this.collectionsRehashed += 1;
        const docs = await coll.find({}, { projection: heavy[name] ?? {} }).toArray();
        const fresh = new Map(docs.map((d) => [idKey(d._id), d]));
        for (const id of new Set([...cached.keys(), ...fresh.keys()])) {
          const now = fresh.get(id);
          const h = now === undefined ? undefined : docHash(now);
          if (h !== cached.get(id)) changes.push({ collection: name, id, now });
          if (h === undefined) cached.delete(id);
          else cached.set(id, h);
        }
        continue;
      }
      this.documentsRehashed += ids.size;
      const docs = await coll.find({ _id: { $in: [...ids.values()] as never[] } }, { projection: heavy[name] ?? {} }).toArray();
      const fresh = new Map(docs.map((d) => [idKey(d._id), d]));
      for (const id of ids.keys()) {
        const now = fresh.get(id);
        const h = now === undefined ? undefined : docHash(now);
        if (h !== cached.get(id)) changes.push({ collection: name, id, now });
        if (h === undefined) cached.delete(id);
        else cached.set(id, h);
      }
    }
    return changes;
  }

  /** Rereads everything; returns `collection/id` of each document whose content differs from the cache. */
  async verifyComplete(): Promise<string[]> {
    this.fullChecks += 1;
    const differing: string[] = [];
    const names = new Set([...(await collectionNames(this.conn)), ...this.docs.keys()]);
    const fresh = new Map<string, Map<string, string>>();
    for (const name of names) {
      const now = await this.readCollection(name);
      fresh.set(name, now);
      const cached = this.docs.get(name) ?? new Map<string, string>();
      for (const id of new Set([...cached.keys(), ...now.keys()])) if (cached.get(id) !== now.get(id)) differing.push(`${name}/${id}`);
    }
    this.docs = fresh;
    return differing;
  }
}
