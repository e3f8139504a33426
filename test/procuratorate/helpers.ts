import { CounterModel } from '../../models/feed';
import { feedRuntimeFor } from '../../src/feed/feed-reader';
import { leadBody, send, type Caller } from '../support/api';
import type { TestService } from '../support/service';

/** Walks cases through the procedure by HTTP, for the procuratorate tests. */

export const DISTRICT_A = '吴中区';
export const DISTRICT_B = '姑苏区';
export const PROCURATORATE_A = '苏州市吴中区人民检察院';
export const PROCURATORATE_B = '苏州市姑苏区人民检察院';

export async function newLead(handler: Caller, district: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await handler.post('/cases', leadBody({ district, ...over }));
  if (res.status !== 201) throw new Error(`lead → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** lead → verification → startDecision → investigation (claim started: the 15-day notice deadline opens). */
export async function startClaim(handler: Caller, id: string): Promise<void> {
  await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场核查确认存在生态环境损害' });
  await send(handler, id, { type: 'CLAIM_STARTED' });
}

/** investigation → assessment → consultation → consultation.failed (the obligor refused). */
export async function failConsultation(handler: Caller, id: string): Promise<void> {
  await send(handler, id, { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true });
  await send(handler, id, { type: 'ASSESSMENT_COMPLETED', route: 'formal', amountFen: 120_000_00, restorability: 'partial' });
  await send(handler, id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-01-05', replyDueAt: '2026-01-20' });
  await send(handler, id, { type: 'OBLIGOR_REPLIED', reply: 'refuse' });
  await send(handler, id, { type: 'CONSULTATION_FAILED', reasonCode: 'obligor_refused' });
}

export interface FeedItem {
  cursor: string;
  caseId: string;
  seq: number;
  type: string;
  at: string;
  state: string;
}

export interface FeedReply {
  items: FeedItem[];
  nextCursor: string;
  hasMore: boolean;
}

/**
 * Waits until every ticket issued so far is resolved (writers record their change just after they
 * reply), so that a drain that follows sees every change committed before this call.
 */
export async function settleFeed(svc: TestService, timeoutMs = 15_000): Promise<void> {
  const issued = (await CounterModel.findById('feed').lean())?.seq ?? 0;
  const { resolver } = feedRuntimeFor(svc.ctx);
  const until = Date.now() + timeoutMs;
  while ((await resolver.resolvedThrough()) < issued) {
    if (Date.now() > until) throw new Error(`the feed did not resolve ticket ${issued} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads the feed from `after` until caught up; returns the items and the last cursor. */
export async function drainFeed(caller: Caller, after: string | undefined, limit = 100): Promise<{ items: FeedItem[]; cursor: string | undefined }> {
  const items: FeedItem[] = [];
  let cursor = after;
  for (let page = 0; page < 10_000; page++) {
    const res = await caller.get(`/procuratorate/changes?limit=${limit}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`changes → ${res.status} ${JSON.stringify(res.body)}`);
    const body = res.body as FeedReply;
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!body.hasMore) return { items, cursor };
  }
  throw new Error('the feed did not end');
}

export interface HistoryItem {
  seq: number;
  type: string;
  at: string;
  to: string;
}

export async function historyOf(caller: Caller, id: string): Promise<HistoryItem[]> {
  const res = await caller.get(`/cases/${id}/history`);
  if (res.status !== 200) throw new Error(`history ${id} → ${res.status}`);
  return res.body.items as HistoryItem[];
}

/**
 * Asserts that `items` are exactly the histories of `cases`: every (case, seq) once, each case in
 * seq order, with the history's type, time and resulting state. Returns the number of events checked.
 */
export async function expectFeedEqualsHistories(reader: Caller, items: FeedItem[], cases: string[]): Promise<number> {
  const byCase = new Map<string, FeedItem[]>();
  for (const item of items) {
    const list = byCase.get(item.caseId) ?? [];
    list.push(item);
    byCase.set(item.caseId, list);
  }
  expect([...byCase.keys()].sort()).toEqual([...cases].sort());
  let checked = 0;
  for (const id of cases) {
    const history = await historyOf(reader, id);
    const got = byCase.get(id)!.map((i) => ({ seq: i.seq, type: i.type, at: i.at, state: i.state }));
    expect(got).toEqual(history.map((h) => ({ seq: h.seq, type: h.type, at: h.at, state: h.to })));
    checked += history.length;
  }
  expect(items).toHaveLength(checked);
  return checked;
}
