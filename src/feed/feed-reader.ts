import { CaseModel, type CaseDocument, type HistoryEntry } from '../../models/case';
import { ChangeModel, type ChangeDocument } from '../../models/feed';
import type { QueryFilter } from 'mongoose';
import type { AppContext } from '../context';
import { inScope, type CaseScope } from '../cases/case-scope';
import { ChangeSignal } from './change-signal';
import { encodeFeedCursor, type FeedPosition } from './feed-cursor';
import { FeedResolver } from './feed-resolver';

/**
 * The reading half of the change feed. A page is read in ticket order from the caller's position up
 * to the resolved watermark W (see feed-resolver.ts), filtered by the caller's scope. Because W
 * only moves past tickets whose records exist, and records are never changed, two reads from the
 * same position return the same items, and a client that always continues from the last cursor it
 * received sees every change exactly once.
 *
 * Per-case order: a case's tickets grow with its seq (the writer of seq n+1 loads the case after
 * seq n committed, then reserves its ticket), so ticket order is each case's seq order.
 *
 * Cases that become visible later: for a procuratorate, a case's earlier changes were invisible
 * when they happened. The change that makes it visible is recorded with `becameVisible`; the reader
 * expands it into the case's history seq 1..n-1 (read from the case) followed by the change itself.
 * The earlier records stay invisible, so nothing is delivered twice. A cursor can stop inside such
 * an expansion: `{ ticket, seq }` = "seq 1..seq of this ticket's expansion delivered".
 */

export interface FeedItem {
  cursor: string;
  caseId: string;
  seq: number;
  type: string;
  at: string;
  state: string;
}

export interface FeedPage {
  items: FeedItem[];
  /** Where to continue; never null: after the last item, or after everything resolved so far. */
  nextCursor: string;
  /** More items are available now (poll again at once); false: caught up. */
  hasMore: boolean;
}

interface FeedRuntime {
  resolver: FeedResolver;
  signal: ChangeSignal;
}

const runtimes = new WeakMap<AppContext, FeedRuntime>();

/** The feed's per-service state: one resolver and one wake-up signal, hooked to the commit listeners once. */
export function feedRuntimeFor(ctx: AppContext): FeedRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    rt = { resolver: new FeedResolver(ctx), signal: new ChangeSignal() };
    const signal = rt.signal;
    ctx.listeners.push((change) => {
      if (change.kind === 'event') signal.notify();
    });
    runtimes.set(ctx, rt);
  }
  return rt;
}

function scopeOfChanges(scope: CaseScope): QueryFilter<ChangeDocument> {
  return {
    ...(scope.districts === 'all' ? {} : { district: { $in: [...scope.districts] } }),
    ...(scope.procuratorateOnly ? { procuratorateVisible: true } : { abandoned: { $ne: true } }),
  };
}

/** The same test as scopeOfChanges, for records already in memory. */
function inScopeOfChanges(scope: CaseScope): (c: ChangeDocument) => boolean {
  const districts = scope.districts === 'all' ? null : new Set(scope.districts);
  return (c) =>
    !c.abandoned && (districts === null || (c.district !== undefined && districts.has(c.district))) && (!scope.procuratorateOnly || c.procuratorateVisible === true);
}

/**
 * A case's history for a replay, or null when the case is outside the scope. Read by `_id` alone
 * and checked with `inScope`: FerretDB v1 uses its _id lookup only for a filter that holds nothing
 * but `_id` (any other condition scans the collection), and the result is the same on both engines.
 */
async function historyInScope(scope: CaseScope, caseId: string): Promise<HistoryEntry[] | null> {
  const doc = await CaseModel.findOne({ _id: caseId }, { history: 1, district: 1, procuratorateVisible: 1 }).lean<Pick<CaseDocument, 'history' | 'district' | 'procuratorateVisible'>>();
  return doc && inScope(scope, doc) ? doc.history : null;
}

type ChangeRecord = Required<Pick<ChangeDocument, 'caseId' | 'seq' | 'type' | 'at' | 'state'>> & Pick<ChangeDocument, '_id' | 'becameVisible'>;

export async function readFeedPage(resolver: FeedResolver, scope: CaseScope, after: FeedPosition, limit: number): Promise<FeedPage> {
  const filter = scopeOfChanges(scope);
  const replays = scope.procuratorateOnly;
  const items: FeedItem[] = [];
  const resolved = await resolver.resolvedThrough();

  /** Emits `rec` (its replay from `fromSeq` first); false when the page filled up before its end. */
  const emit = async (rec: ChangeRecord, fromSeq: number): Promise<boolean> => {
    if (fromSeq < rec.seq) {
      const history = await historyInScope(scope, rec.caseId);
      const earlier = (history ?? []).filter((e) => e.seq >= fromSeq && e.seq < rec.seq).sort((a, b) => a.seq - b.seq);
      for (const e of earlier) {
        if (items.length >= limit) return false;
        items.push({ cursor: encodeFeedCursor({ ticket: rec._id, seq: e.seq }), caseId: rec.caseId, seq: e.seq, type: e.type, at: new Date(e.at).toISOString(), state: e.to });
      }
    }
    if (items.length >= limit) return false;
    items.push({ cursor: encodeFeedCursor({ ticket: rec._id }), caseId: rec.caseId, seq: rec.seq, type: rec.type, at: new Date(rec.at).toISOString(), state: rec.state });
    return true;
  };
  const stopped = (): FeedPage => ({ items, nextCursor: items[items.length - 1]!.cursor, hasMore: true });

  // Cursors are only ever issued at or below W; one beyond it was not (it is forged or from another database).
  if (after.ticket > resolved) return { items, nextCursor: encodeFeedCursor(after), hasMore: false };
  let position = after;
  if (position.seq !== undefined) {
    const fromCache = replays ? resolver.cachedAfter(position.ticket - 1, position.ticket, inScopeOfChanges(scope), 1) : [];
    const rec = fromCache ? (fromCache[0] as ChangeRecord | undefined) : await ChangeModel.findOne({ _id: position.ticket, ...filter }).lean<ChangeRecord>();
    if (rec?.becameVisible && position.seq < rec.seq && !(await emit(rec, position.seq + 1))) return stopped();
    position = { ticket: position.ticket };
  }
  if (position.ticket >= resolved) return { items, nextCursor: encodeFeedCursor(position), hasMore: false };

  const records =
    (resolver.cachedAfter(position.ticket, resolved, inScopeOfChanges(scope), limit) as ChangeRecord[] | null) ??
    (await ChangeModel.find({ _id: { $gt: position.ticket, $lte: resolved }, ...filter })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ChangeRecord[]>());
  for (const rec of records) {
    if (!(await emit(rec, replays && rec.becameVisible ? 1 : rec.seq))) return stopped();
  }
  const exhausted = records.length < limit;
  const last = records[records.length - 1];
  return { items, nextCursor: encodeFeedCursor({ ticket: exhausted || !last ? resolved : last._id }), hasMore: !exhausted };
}
