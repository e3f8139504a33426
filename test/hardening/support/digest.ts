import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { WriteJournal } from './write-journal';

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

/**
 * The database digest before and after every request, kept up to date incrementally: the
 * per-collection digests are cached, and after a request only the collections the write journal
 * saw written are hashed again. `verifyComplete` recomputes everything from scratch to prove that
 * the cache (and so the journal) missed nothing.
 */
export class DigestTracker {
  private cache = new Map<string, string>();
  fullChecks = 0;
  partialRehashes = 0;

  constructor(
    private readonly conn: Connection,
    private readonly journal: WriteJournal,
  ) {}

  async init(): Promise<void> {
    this.cache = (await databaseDigest(this.conn)).perCollection;
  }

  get hash(): string {
    return combine(this.cache);
  }

  /**
   * The digest now versus before the request that began at `mark`: the collections whose content
   * changed. Updates the cache, so the next request compares against this state.
   */
  async changedSince(mark: number): Promise<string[]> {
    const touched = this.journal.touchedSince(mark);
    const changed: string[] = [];
    for (const name of touched) {
      this.partialRehashes += 1;
      const now = (await collectionDigest(this.conn, name)).hash;
      if (this.cache.get(name) !== now) changed.push(name);
      this.cache.set(name, now);
    }
    return changed;
  }

  /** Recomputes every collection; returns those whose content differs from the cache. */
  async verifyComplete(): Promise<string[]> {
    this.fullChecks += 1;
    const full = (await databaseDigest(this.conn)).perCollection;
    const differing = [...new Set([...full.keys(), ...this.cache.keys()])].filter((n) => full.get(n) !== this.cache.get(n));
    this.cache = full;
    return differing;
  }
}
