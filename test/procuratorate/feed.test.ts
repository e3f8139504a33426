import { CaseModel } from '../../models/case';
import { ChangeModel } from '../../models/feed';
import { feedRuntimeFor } from '../../src/feed/feed-reader';
import { reserveTicket } from '../../src/feed/feed-writer';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, DISTRICT_B, PROCURATORATE_A, drainFeed as drainNow, expectFeedEqualsHistories, newLead, settleFeed, startClaim, type FeedReply } from './helpers';

let svc: TestService;
let handler: Caller;
let handlerB: Caller;
let proc: Caller;

beforeAll(async () => {
  svc = await startTestService();
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token);
  handlerB = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_B] })).token);
  proc = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] })).token);
});
afterAll(async () => {
  await svc.stop();
});

/** Drains after every change committed so far is on the feed. */
const drainFeed = async (caller: Caller, after: string | undefined, limit?: number) => {
  await settleFeed(svc);
  return drainNow(caller, after, limit);
};

const page = async (after: string | undefined, query = ''): Promise<FeedReply> =>
  (await proc.get(`/procuratorate/changes?${after ? `after=${encodeURIComponent(after)}&` : ''}${query}`).expect(200)).body;

describe('the change feed', () => {
  it('delivers a case notified after events already happened with its earlier history first, once, in seq order', async () => {
    const start = (await drainFeed(proc, undefined)).cursor;
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated' });
    const other = await newLead(handlerB, DISTRICT_B);
    await startClaim(handlerB, other);
    await settleFeed(svc);
    expect((await page(start)).items).toEqual([]);

    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const { items, cursor } = await drainFeed(proc, start);
    expect(items.map((i) => [i.seq, i.type])).toEqual([
      [1, 'LEAD_REGISTERED'],
      [2, 'SCREENED'],
      [3, 'DAMAGE_CONFIRMED'],
      [4, 'CLAIM_STARTED'],
      [5, 'MARKED_MAJOR'],
      [6, 'PROCURATORATE_NOTIFIED'],
    ]);
    await expectFeedEqualsHistories(proc, items, [id]);

    // Later events follow once; nothing already delivered comes back.
    await send(handler, id, { type: 'SUSPENDED', reason: '等待刑事判决' });
    await send(handlerB, other, { type: 'SUSPENDED', reason: '等待刑事判决' });
    const next = await drainFeed(proc, cursor);
    expect(next.items.map((i) => [i.caseId, i.seq, i.type])).toEqual([[id, 7, 'SUSPENDED']]);
  });

  it('pages through a replay with cursors inside it, and the same cursor always gives the same continuation', async () => {
    const start = (await drainFeed(proc, undefined)).cursor;
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const whole = await drainFeed(proc, start);
    const stepped = await drainFeed(proc, start, 2);
    expect(stepped.items).toEqual(whole.items);
    expect(stepped.cursor).toBe(whole.cursor);

    const first = await page(start, 'limit=2');
    expect(first.items.map((i) => i.seq)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);
    const again = await page(first.nextCursor, 'limit=2');
    const twice = await page(first.nextCursor, 'limit=2');
    expect(again).toEqual(twice);
    expect(again.items.map((i) => i.seq)).toEqual([3, 4]);
    // Any item's cursor resumes right after that item.
    const fromItem = await page(whole.items[2]!.cursor);
    expect(fromItem.items).toEqual(whole.items.slice(3));
  });

  it('gives the same pages from the collection as from the in-memory cache of recent records', async () => {
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const cached = await drainFeed(proc, undefined, 4);
    const { options } = feedRuntimeFor(svc.ctx).resolver;
    const before = options.cachedRecords;
    options.cachedRecords = 2;
    try {
      await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated' }); // the next scan trims the cache
      const fromCollection = await drainFeed(proc, undefined, 4);
      expect(fromCollection.items.slice(0, cached.items.length)).toEqual(cached.items);
      expect(fromCollection.items.slice(cached.items.length).map((i) => i.type)).toEqual(['MARKED_MAJOR']);
    } finally {
      options.cachedRecords = before;
    }
  });

  it('answers a caught-up reader with no items and a cursor to continue from, and refuses bad parameters', async () => {
    const { cursor } = await drainFeed(proc, undefined);
    const caughtUp = await page(cursor);
    expect(caughtUp).toMatchObject({ items: [], hasMore: false });
    expect(typeof caughtUp.nextCursor).toBe('string');
    for (const q of ['after=not-a-cursor', 'after=eyJ0IjotMX0', 'limit=0', 'limit=501', 'waitMs=30001', 'cursor=x', 'after[$gt]=1']) {
      const res = await proc.get(`/procuratorate/changes?${q}`);
      expect({ q, status: res.status, code: res.body.error?.code }).toEqual({ q, status: 400, code: 'invalid_request' });
    }
  });

  it('long-polls: an empty wait ends with the change as soon as it is committed', async () => {
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const { cursor } = await drainFeed(proc, undefined);

    const began = Date.now();
    const quiet = await page(cursor, 'waitMs=700');
    expect(quiet.items).toEqual([]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(650);

    const waiting = Date.now();
    const poll = page(cursor, 'waitMs=10000');
    await new Promise((r) => setTimeout(r, 300));
    await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated' });
    const woke = await poll;
    expect(woke.items.map((i) => [i.caseId, i.type])).toEqual([[id, 'MARKED_MAJOR']]);
    expect(Date.now() - waiting).toBeLessThan(5000);
  });
});

describe('holes in the ticket sequence', () => {
  const tune = (repairAfterMs: number, abandonAfterMs: number) => {
    const { options } = feedRuntimeFor(svc.ctx).resolver;
    options.repairAfterMs = repairAfterMs;
    options.abandonAfterMs = abandonAfterMs;
  };
  afterEach(() => tune(3_000, 120_000));

  it('holds later changes behind a ticket whose writer died before committing, then records it abandoned after the grace period', async () => {
    tune(100, 1_500);
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const { cursor } = await drainFeed(proc, undefined);

    const dead = await reserveTicket(); // a writer that dies here never commits nor records
    await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated' });
    while (!(await ChangeModel.exists({ _id: dead + 1 }))) await new Promise((r) => setTimeout(r, 10));
    expect((await page(cursor)).items).toEqual([]);

    const began = Date.now();
    const late = await page(cursor, 'waitMs=8000');
    expect(late.items.map((i) => i.type)).toEqual(['MARKED_MAJOR']);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
    expect(await ChangeModel.findById(dead).lean()).toMatchObject({ abandoned: true });
  });

  it('repairs a ticket whose writer committed and died before recording: the change comes from the case history', async () => {
    tune(200, 60_000);
    const id = await newLead(handler, DISTRICT_A);
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const { cursor } = await drainFeed(proc, undefined);

    // Simulate the crash window of a writer: ticket reserved, commit done, change record never written.
    const ticket = await reserveTicket();
    const doc = (await CaseModel.findById(id, { version: 1, state: 1 }).lean())!;
    const seq = doc.version + 1;
    const at = new Date('2026-01-05T03:00:00Z');
    await CaseModel.updateOne(
      { _id: id, version: doc.version },
      {
        $inc: { version: 1 },
        $push: { history: { seq, type: 'MARKED_MAJOR', payload: { basis: 'designated' }, facts: {}, actor: { clientId: 'crashed-writer', role: 'handler' }, at, recordedAt: at, from: doc.state, to: doc.state, version: seq, feedTicket: ticket } },
      },
    );
    await send(handler, id, { type: 'SUSPENDED', reason: '等待刑事判决' });

    const got = await page(cursor, 'waitMs=8000');
    const rest = await drainFeed(proc, got.nextCursor);
    const items = [...got.items, ...rest.items];
    expect(items.map((i) => [i.seq, i.type])).toEqual([
      [seq, 'MARKED_MAJOR'],
      [seq + 1, 'SUSPENDED'],
    ]);
    expect(await ChangeModel.findById(ticket).lean()).toMatchObject({ caseId: id, seq, procuratorateVisible: true, district: DISTRICT_A });
    expect(feedRuntimeFor(svc.ctx).resolver.stats.repairedFromHistory).toBeGreaterThanOrEqual(1);
  });
});
