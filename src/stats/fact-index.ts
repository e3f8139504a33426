import { performance } from 'node:perf_hooks';
import { CaseModel } from '../../models/case';
import type { AppContext } from '../context';
import { AppError } from '../http/errors';
import { factOf, factProjection, hasCurrentKpi, type CaseFact, type FactSource } from './case-facts';
import { FactTable } from './fact-table';

/**
 * The statistics' read model: every case's KPI facts, held in memory and computed from there.
 *
 * Why not an aggregation per request: on the embedded FerretDB v1 (SQLite) engine every query
 * except an `_id` equality is evaluated in Go over every document of the collection (the `_id`
 * equality itself is indexed only by our engine wrapper, src/db/ferretdb/id_index.go), so one
 * $match/$group over 100,000 case documents takes tens of seconds there, whatever the indexes.
 * Reading each case's small projection once and keeping it current costs one full read at start
 * and one `_id` read per change; every report after that is a pass over memory (milliseconds at
 * 100,000 cases), identical on MongoDB and FerretDB. See docs/kpis.md for the measurements.
 *
 * Kept current by:
 *  - the commit listeners (every case change this process commits, scheduler included): the case is
 *    marked dirty and re-read before the next report, so a report always reflects this process's
 *    own committed changes;
 *  - a full resync (the same aggregation as the first load) in the background, every
 *    `resyncEveryMs` or 20× the last load's duration if that is longer: it picks up changes made
 *    by other service instances, direct database writes (the benchmark's), and derived fields
 *    written without a case event (the restoration track's restorationStatus).
 * Each reply says when the last full load finished (`asOf`).
 */

export interface FactIndexOptions {
  resyncEveryMs: number;
  /**
   * Where a full load reads the cases from: by default every case document of the database through
   * one aggregation ($project of the fields in factProjection). The benchmark gives its own.
   */
  source?: () => AsyncIterable<FactSource>;
  /** Cases read per cursor batch during a full load. */
  batchSize: number;
  /** How long a report waits for the first load before answering 503 (a large database on a slow engine takes minutes). */
  firstLoadWaitMs: number;
  /** Called after each full load with the count and duration (benchmarks, logs). */
  onLoaded?: (info: { cases: number; ms: number }) => void;
}

export const defaultFactIndexOptions: FactIndexOptions = { resyncEveryMs: 5 * 60_000, batchSize: 2_000, firstLoadWaitMs: 20_000 };

interface Entry {
  fact: CaseFact;
  /** performance.now() when the read that produced it started. */
  readAt: number;
}

export class CaseFactIndex {
  private entries = new Map<string, Entry>();
  /** The same facts by column, what reports read (see fact-table.ts); rows are updated in place. */
  private current = new FactTable();
  private loaded: Promise<void> | null = null;
  private loading: Promise<void> | null = null;
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastLoadMs = 0;
  private stopped = false;
  /** Cases read so far by the running full load. */
  private reading = 0;
  /** When the last full load finished (business clock), for the replies' `asOf`. */
  lastLoadedAt: Date | null = null;

  constructor(
    private readonly ctx: AppContext,
    readonly options: FactIndexOptions = defaultFactIndexOptions,
  ) {
    ctx.listeners.push(({ caseId }) => {
      if (this.loaded) this.dirty.add(caseId);
    });
  }

  /** Every case's facts, current with this process's committed changes. The first call loads them all. */
  async table(): Promise<FactTable> {
    this.loaded ??= this.load();
    if (!this.lastLoadedAt) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'waited'>((resolve) => {
        timer = setTimeout(() => resolve('waited'), this.options.firstLoadWaitMs);
      });
      const outcome = await Promise.race([this.loaded, waited]).finally(() => clearTimeout(timer));
      if (outcome === 'waited') {
        throw new AppError(503, 'statistics_loading', `The statistics are still reading the cases (${this.reading.toLocaleString('en')} so far); try again shortly.`, { casesRead: this.reading }, { 'Retry-After': '30' });
      }
    }
    await this.flush();
    return this.current;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Starts the first load now, in the background (service start outside tests). */
  warmUp(): void {
    this.loaded ??= this.load();
    this.loaded.catch((err: unknown) => this.ctx.logger.warn({ err }, 'statistics: first load of case facts failed; the next report retries'));
  }

  /** Reads every case again and waits for it (after bulk writes that bypass the service). */
  async resync(): Promise<void> {
    this.loaded ??= this.load();
    await this.loaded;
    await this.load();
  }

  /** Marks a case changed outside a case event (e.g. its restoration facts), so the next report re-reads it. */
  touch(caseId: string): void {
    if (this.loaded) this.dirty.add(caseId);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private load(): Promise<void> {
    this.loading ??= this.fullLoad().finally(() => {
      this.loading = null;
    });
    return this.loading.catch((err: unknown) => {
      // A failed first load is retried by the next report rather than remembered.
      if (this.entries.size === 0 && !this.lastLoadedAt) this.loaded = null;
      throw err;
    });
  }

  private async fullLoad(): Promise<void> {
    const started = performance.now();
    const next = new Map<string, Entry>();
    const outdated: string[] = [];
    const source = this.options.source?.() ?? CaseModel.aggregate<FactSource>([{ $project: factProjection }]).cursor({ batchSize: this.options.batchSize });
    this.reading = 0;
    for await (const doc of source) {
      this.reading += 1;
      if (!hasCurrentKpi(doc)) {
        outdated.push(doc._id);
        continue;
      }
      next.set(doc._id, { fact: factOf(doc), readAt: started });
    }
    for (const id of outdated) {
      const fact = await this.read(id, true);
      if (fact) next.set(id, { fact, readAt: started });
    }
    // Reads that started after this load began are newer than what it saw: keep them.
    for (const [id, entry] of this.entries) {
      const loaded = next.get(id);
      if (!loaded || entry.readAt > started) next.set(id, entry);
    }
    // Built before the swap, so no report waits for it.
    const table = new FactTable(Array.from(next.values(), (e) => e.fact));
    this.entries = next;
    this.current = table;
    this.lastLoadMs = performance.now() - started;
    this.lastLoadedAt = this.ctx.clock.now();
    this.options.onLoaded?.({ cases: next.size, ms: this.lastLoadMs });
    this.ctx.logger.debug({ cases: next.size, ms: Math.round(this.lastLoadMs) }, 'statistics: case facts loaded');
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(this.options.resyncEveryMs, 20 * this.lastLoadMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped || this.ctx.connection.readyState !== 1) return;
      this.load().catch((err: unknown) => {
        this.ctx.logger.warn({ err }, 'statistics: background resync failed');
        this.schedule();
      });
    }, wait);
    this.timer.unref();
  }

  private async read(id: string, withSnapshot = false): Promise<CaseFact | null> {
    const projection = withSnapshot ? { ...factProjection, snapshot: 1 } : factProjection;
    const doc = await CaseModel.findOne({ _id: id }, projection).lean<FactSource>();
    if (!doc) return null;
    if (!withSnapshot && !hasCurrentKpi(doc)) return this.read(id, true);
    return factOf(doc);
  }

  /** Re-reads the cases changed since the last report, one at a time, in the order they changed. */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dirty.size === 0) return;
    this.flushing = (async () => {
      while (this.dirty.size) {
        const id = this.dirty.values().next().value as string;
        this.dirty.delete(id);
        const readAt = performance.now();
        const fact = await this.read(id);
        if (fact) {
          this.entries.set(id, { fact, readAt });
          this.current.set(fact);
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }
}

const indexes = new WeakMap<AppContext, CaseFactIndex>();

/** The service's one index (created with its routes; listeners are registered once). */
export function caseFactIndexFor(ctx: AppContext, options?: Partial<FactIndexOptions>): CaseFactIndex {
  let index = indexes.get(ctx);
  if (!index) {
    index = new CaseFactIndex(ctx, { ...defaultFactIndexOptions, ...options });
    indexes.set(ctx, index);
  }
  return index;
}
