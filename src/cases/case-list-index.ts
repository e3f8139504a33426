import { CaseModel } from '../../models/case';
import type { AppContext } from '../context';
import type { PageCursor } from '../http/pagination';
import type { CaseRecord } from './case-repository';
import { inScope, type CaseScope } from './case-scope';

/**
 * The case list on the embedded FerretDB engine, answered from memory.
 *
 * Why: FerretDB v1 evaluates every filter and sort beside a lone `_id` by decoding every case
 * document in Go, history included (about 3 ms a case here): a page of the list cost 0.6 s at
 * 200 cases and grows with every case. On that engine exactly one service process serves the
 * database (src/db/serialized.ts), so this process sees every change through its commit
 * listeners; the list's fields of each case are read once and then re-read by `_id` (indexed)
 * when the case changes. A full reload every few minutes guards against anything missed. On
 * MongoDB the list is a query on its indexes and this class is not used.
 *
 * Semantics are those of the database query in listCases (filters, text search, keyset order);
 * test/cases/case-list-index.test.ts compares the two on the same data. The deadline scheduler
 * finds its due cases here too on this engine (it would otherwise read every case every tick).
 */

/** The fields of a case the list shows, filters and sorts on. */
export const listProjection = {
  history: 0,
  snapshot: 0,
  deadlines: 0,
  partyKeys: 0,
  restorationFacts: 0,
  kpi: 0,
} as const;

export type ListedCase = Omit<CaseRecord, 'snapshot' | 'deadlines' | 'partyKeys'>;

export interface ListFilter {
  stage?: string;
  district?: string;
  channel?: string;
  overdue?: boolean;
  major?: boolean;
  /** Restoration owed and not yet restored (restorationStatus neither none nor restored), closed cases included. */
  restorationPending?: boolean;
  openedFrom?: Date;
  openedTo?: Date;
  /** A case-insensitive substring of the title, the case number or a party's name. */
  text?: string;
}

const RELOAD_EVERY_MS = 5 * 60_000;

function time(d: Date | string | null | undefined): number | null {
  return d ? new Date(d).getTime() : null;
}

/** Restoration statuses that mean "owed and not yet restored". */
export const pendingRestorationStatuses = ['pending', 'partly_allocated', 'allocated', 'in_progress'] as const;

function restorationPendingOf(status: string | null | undefined): boolean {
  return (pendingRestorationStatuses as readonly string[]).includes(status ?? 'none');
}

export function matchesListFilter(doc: ListedCase, f: ListFilter): boolean {
  if (f.stage !== undefined && doc.stage !== f.stage) return false;
  if (f.district !== undefined && doc.district !== f.district) return false;
  if (f.channel !== undefined && doc.channel !== f.channel) return false;
  if (f.overdue !== undefined && (doc.overdue ?? null) !== f.overdue) return false;
  if (f.major !== undefined && (doc.major ?? null) !== f.major) return false;
  if (f.restorationPending !== undefined && restorationPendingOf(doc.restorationStatus) !== f.restorationPending) return false;
  if (f.openedFrom || f.openedTo) {
    const opened = time(doc.openedAt);
    if (opened === null) return false;
    if (f.openedFrom && opened < f.openedFrom.getTime()) return false;
    if (f.openedTo && opened > f.openedTo.getTime()) return false;
  }
  if (f.text !== undefined) {
    const needle = f.text.toLowerCase();
    const hay = [doc.title, doc.caseNo, ...(doc.parties ?? []).map((p) => p.name)];
    if (!hay.some((h) => typeof h === 'string' && h.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** (createdAt desc, _id desc), the list's keyset order. */
function newestFirst(a: ListedCase, b: ListedCase): number {
  const d = time(b.createdAt)! - time(a.createdAt)!;
  if (d !== 0) return d;
  return a._id < b._id ? 1 : a._id > b._id ? -1 : 0;
}

function after(doc: ListedCase, cursor: PageCursor | undefined): boolean {
  if (!cursor) return true;
  const t = new Date(cursor.t).getTime();
  const c = time(doc.createdAt)!;
  return c < t || (c === t && doc._id < cursor.i);
}

export class CaseListIndex {
  private readonly entries = new Map<string, ListedCase>();
  private loaded: Promise<void> | null = null;
  private loadedAt = 0;
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: AppContext) {
    ctx.listeners.push(({ caseId }) => {
      if (this.loaded) this.dirty.add(caseId);
    });
  }

  /** One page in list order (limit + 1 items when there is more), and the total when asked. */
  async page(scope: CaseScope, filter: ListFilter, cursor: PageCursor | undefined, limit: number, count: boolean): Promise<{ docs: ListedCase[]; total?: number }> {
    await this.current();
    const matching = [...this.entries.values()].filter((d) => inScope(scope, d) && matchesListFilter(d, filter));
    matching.sort(newestFirst);
    const docs = matching.filter((d) => after(d, cursor)).slice(0, limit + 1);
    return count ? { docs, total: matching.length } : { docs };
  }

  /**
   * Cases matching `keep`, in `order`, at most `limit`: the service's own sweeps (the scheduler)
   * on this engine. Every write they lead to re-checks its condition on the stored document.
   */
  async select(keep: (doc: ListedCase) => boolean, order: (a: ListedCase, b: ListedCase) => number, limit: number): Promise<ListedCase[]> {
    await this.current();
    return [...this.entries.values()].filter(keep).sort(order).slice(0, limit);
  }

  /** Starts the first load in the background (at service start). */
  warmUp(): void {
    this.current().catch((err: unknown) => this.ctx.logger.warn({ err }, 'case list: first load failed; the next list retries'));
  }

  private async current(): Promise<void> {
    if (!this.loaded || Date.now() - this.loadedAt > RELOAD_EVERY_MS) {
      this.loaded = this.loadAll();
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    await this.loaded;
    await this.flush();
  }

  /**
   * Re-reads the changed cases. Flushes run one after another, so a caller that finds its own
   * change already taken by a running flush still waits for that flush to finish.
   */
  private flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      while (this.dirty.size) {
        const ids = [...this.dirty];
        this.dirty.clear();
        for (const id of ids) {
          const doc = await CaseModel.findOne({ _id: id }, listProjection).lean<ListedCase>();
          if (doc) this.entries.set(id, doc);
          else this.entries.delete(id);
        }
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async loadAll(): Promise<void> {
    const started = Date.now();
    const fresh = new Map<string, ListedCase>();
    for await (const doc of CaseModel.find({}, listProjection).lean<ListedCase>().cursor({ batchSize: 500 })) fresh.set(doc._id, doc as ListedCase);
    this.entries.clear();
    for (const [id, doc] of fresh) this.entries.set(id, doc);
    this.loadedAt = started;
    this.ctx.logger.debug({ cases: fresh.size, ms: Date.now() - started }, 'case list loaded');
  }
}

const indexes = new WeakMap<AppContext, CaseListIndex>();

/** The list index of this service, or null where the database answers lists itself (MongoDB). */
export function caseListIndex(ctx: AppContext): CaseListIndex | null {
  if (ctx.engine.engine !== 'ferretdb') return null;
  let index = indexes.get(ctx);
  if (!index) {
    index = new CaseListIndex(ctx);
    indexes.set(ctx, index);
  }
  return index;
}
