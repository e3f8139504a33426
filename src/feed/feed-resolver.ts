import { performance } from 'node:perf_hooks';
import { CaseModel, type HistoryEntry } from '../../models/case';
import { serialized } from '../db/serialized';
import { ChangeModel, CounterModel, type ChangeDocument } from '../../models/feed';
import type { AppContext } from '../context';
import { abandonTicket, recordChange, type ChangeInput } from './feed-writer';

/**
 * The resolved watermark of the change feed: the highest ticket W such that every ticket ≤ W has
 * its record in `changes` (a change, or abandoned). Records are insert-only, so everything at or
 * below W is final and a reader may deliver it in ticket order without ever learning later about
 * a smaller ticket. Tickets above W may already have records; the reader does not look at them
 * until the tickets below are resolved (a writer reserves its ticket before its guarded commit, so
 * a small ticket can commit after a larger one: that is the hole this waits for).
 *
 * A hole normally closes within one database round trip. If its writer died, the hole is repaired:
 * after `repairAfterMs` the ticket is looked for in the cases' histories (`history.feedTicket`,
 * indexed) — found means the writer committed and died before recording, so the record is derived
 * from the case; after `abandonAfterMs` with no history entry, the writer is taken to have died
 * before committing and the ticket is recorded abandoned. Hole ages are measured on this process's
 * monotonic clock (how long a real writer has been silent), not the business clock.
 *
 * W is kept in the `counters` collection (`_id: 'feed-resolved'`, raised with $max), so every
 * service instance shares it and a restarted one resumes where the last one stopped.
 */

export interface FeedResolverOptions {
  /** Tickets looked at per scan. */
  scanBatch: number;
  /** Scans per call: one request never walks an unbounded backlog. */
  maxScansPerCall: number;
  /** Resolved change records kept in memory for readers near the head of the feed. */
  cachedRecords: number;
  /** Unresolved this long: look for the ticket in the cases' histories. */
  repairAfterMs: number;
  /**
   * Unresolved this long and in no history: record it abandoned. Must exceed the longest time a
   * live writer can take between reserving its ticket and committing (driver server selection
   * alone may wait 10–30 s during a failover), or a late commit would be skipped by the feed.
   */
  abandonAfterMs: number;
}

export const defaultResolverOptions: FeedResolverOptions = {
  scanBatch: 1000,
  maxScansPerCall: 20,
  cachedRecords: 5000,
  repairAfterMs: 3_000,
  abandonAfterMs: 120_000,
};

/** The ticket counter of src/feed/feed-writer.ts (reserveTicket). */
const TICKET_COUNTER_ID = 'feed';
const WATERMARK_ID = 'feed-resolved';

/** Mirrors the events that set procuratorateVisible at commit (src/cases/case-service.ts). */
const visibilityEvents: ReadonlySet<string> = new Set(['PROCURATORATE_NOTIFIED', 'HANDED_TO_PROCURATORATE', 'DEEMED_NOT_PURSUED']);

export interface ResolverStats {
  repairedFromHistory: number;
  declaredAbandoned: number;
}

interface CaseForRepair {
  _id: string;
  district: string;
  referredBy?: string | null;
  procuratorateVisible?: boolean | null;
  history: HistoryEntry[];
}

/**
 * The change record a ticket's writer would have written, derived from the case's history:
 * visibility after entry k is "created visible (a lead transfer) or a visibility event among
 * entries 1..k"; the entry that first makes it true is the one that became visible.
 */
export function changesFromHistory(doc: CaseForRepair, tickets: ReadonlySet<number>): Map<number, ChangeInput> {
  const history = [...doc.history].sort((a, b) => a.seq - b.seq);
  const anyVisibilityEvent = history.some((e) => visibilityEvents.has(e.type));
  const createdVisible = !!doc.referredBy || (!!doc.procuratorateVisible && !anyVisibilityEvent);
  const found = new Map<number, ChangeInput>();
  let visibleBefore = false;
  for (const e of history) {
    const visibleAfter: boolean = createdVisible || visibleBefore || visibilityEvents.has(e.type);
    if (e.feedTicket !== undefined && e.feedTicket !== null && tickets.has(e.feedTicket)) {
      found.set(e.feedTicket, {
        caseId: doc._id,
        seq: e.seq,
        type: e.type,
        at: new Date(e.at),
        state: e.to,
        district: doc.district,
        procuratorateVisible: visibleAfter,
        becameVisible: visibleAfter && !visibleBefore,
      });
    }
    visibleBefore = visibleAfter;
  }
  return found;
}

export class FeedResolver {
  private known = 0;
  /**
   * The records of tickets (cacheFrom, known], read by the scans that resolved them. Records are
   * final once resolved, so readers near the head of the feed are served from here instead of
   * querying `changes` again (on FerretDB v1 every such query scans the collection).
   */
  private readonly recent = new Map<number, ChangeDocument>();
  private cacheFrom = 0;
  /** Ticket → when this process first saw it unresolved (performance.now()). */
  private readonly unresolvedSince = new Map<number, number>();
  private running: Promise<number> | null = null;
  private queued: Promise<number> | null = null;
  readonly stats: ResolverStats = { repairedFromHistory: 0, declaredAbandoned: 0 };

  constructor(
    private readonly ctx: AppContext,
    readonly options: FeedResolverOptions = { ...defaultResolverOptions },
  ) {}

  /**
   * Advances and returns W. Concurrent callers share one scan; a caller that arrives while a scan
   * runs gets the next one, so the answer always covers every change recorded before the call.
   */
  resolvedThrough(): Promise<number> {
    if (!this.running) {
      this.running = this.advance().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.resolvedThrough();
      });
    return this.queued;
  }

  private async advance(): Promise<number> {
    const stored = await CounterModel.findById(WATERMARK_ID).lean();
    const start = Math.max(this.known, stored?.seq ?? 0);
    if (start !== this.cacheFrom + this.recent.size) {
      // Another instance resolved further than this one knew: the cache starts again from there.
      this.recent.clear();
      this.cacheFrom = start;
    }
    this.known = start;
    let w = start;
    for (let scan = 0; scan < this.options.maxScansPerCall; scan++) {
      const issued = (await CounterModel.findById(TICKET_COUNTER_ID).lean())?.seq ?? 0;
      if (w >= issued) break;
      const hi = Math.min(issued, w + this.options.scanBatch);
      let { next, missing } = await this.scan(w, hi);
      if (missing.length && (await this.repair(missing))) ({ next, missing } = await this.scan(w, hi));
      w = next;
      if (w < hi) break;
    }
    for (const t of this.unresolvedSince.keys()) if (t <= w) this.unresolvedSince.delete(t);
    if (w > (stored?.seq ?? 0)) await this.persist(w);
    this.known = Math.max(this.known, w);
    return this.known;
  }

  /** The last contiguous resolved ticket from w, and the unresolved tickets in (w, hi]; caches what resolved. */
  private async scan(w: number, hi: number): Promise<{ next: number; missing: number[] }> {
    const present = new Map((await ChangeModel.find({ _id: { $gt: w, $lte: hi } }).lean<ChangeDocument[]>()).map((c) => [c._id, c]));
    let next = w;
    while (next < hi && present.has(next + 1)) next += 1;
    const missing: number[] = [];
    for (let t = next + 1; t <= hi; t++) if (!present.has(t)) missing.push(t);
    const cached = this.cacheFrom + this.recent.size;
    if (cached >= w) {
      for (let t = cached + 1; t <= next; t++) this.recent.set(t, present.get(t)!);
      while (this.recent.size > this.options.cachedRecords) this.recent.delete(++this.cacheFrom);
    }
    return { next, missing };
  }

  /**
   * The resolved records in (after, upTo] that `wanted` accepts, at most `limit`, in ticket order —
   * or null when the cache does not hold that whole range (then read the collection).
   */
  cachedAfter(after: number, upTo: number, wanted: (c: ChangeDocument) => boolean, limit: number): ChangeDocument[] | null {
    if (after < this.cacheFrom || upTo > this.cacheFrom + this.recent.size) return null;
    const out: ChangeDocument[] = [];
    for (let t = after + 1; t <= upTo && out.length < limit; t++) {
      const c = this.recent.get(t)!;
      if (wanted(c)) out.push(c);
    }
    return out;
  }

  /** Repairs holes old enough; true when at least one ticket was resolved here. */
  private async repair(missing: number[]): Promise<boolean> {
    const now = performance.now();
    for (const t of missing) if (!this.unresolvedSince.has(t)) this.unresolvedSince.set(t, now);
    const age = (t: number) => now - (this.unresolvedSince.get(t) ?? now);
    const due = missing.filter((t) => age(t) >= this.options.repairAfterMs);
    if (!due.length) return false;

    const dueSet = new Set(due);
    const cases = await CaseModel.find({ 'history.feedTicket': { $in: due } }, { district: 1, referredBy: 1, procuratorateVisible: 1, history: 1 }).lean<CaseForRepair[]>();
    const found = new Map<number, ChangeInput>();
    for (const doc of cases) for (const [t, change] of changesFromHistory(doc, dueSet)) found.set(t, change);

    const at = this.ctx.clock.now();
    let resolved = false;
    for (const t of due) {
      const change = found.get(t);
      if (change) {
        await recordChange(t, change, at);
        this.stats.repairedFromHistory += 1;
        this.ctx.logger.warn({ ticket: t, caseId: change.caseId, seq: change.seq }, 'change feed: recorded a committed change its writer did not record');
        resolved = true;
      } else if (age(t) >= this.options.abandonAfterMs) {
        await abandonTicket(t, at);
        this.stats.declaredAbandoned += 1;
        this.ctx.logger.warn({ ticket: t, silentMs: Math.round(age(t)) }, 'change feed: ticket never committed; recorded as abandoned');
        resolved = true;
      }
    }
    return resolved;
  }

  /**
   * Raises the stored W. A stored W that lags (or, on an engine without atomic updates, even goes
   * back) is harmless: every value ever written was a resolved prefix, and readers take the max.
   */
  private async persist(w: number): Promise<void> {
    await serialized(`counter:${WATERMARK_ID}`, async () => {
      try {
        await CounterModel.updateOne({ _id: WATERMARK_ID }, { $max: { seq: w } }, { upsert: true });
      } catch (err) {
        // Two instances upserting the first watermark at once: the loser raises the winner's.
        if ((err as { code?: number }).code !== 11000) throw err;
        await CounterModel.updateOne({ _id: WATERMARK_ID }, { $max: { seq: w } });
      }
    });
  }
}
