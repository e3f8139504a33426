import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '../../src/clock';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, PROCURATORATE_A, drainFeed, expectFeedEqualsHistories, newLead, settleFeed, startClaim, type FeedItem, type FeedReply } from './helpers';

/**
 * A client that saved its cursor resumes after the service restarts: nothing missed, nothing
 * repeated, also when the saved cursor points inside the replay of a case's earlier history.
 * Then the example client (scripts/example-procuratorate-sync.ts) follows the same feed over a
 * real socket and resumes from its cursor file.
 */

const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
let first: TestService | undefined;
let second: TestService | undefined;
let dbName: string;
let handlerToken: string;
let procToken: string;

afterAll(async () => {
  await first?.stop();
  await second?.stop();
});

const page = async (caller: Caller, after: string | undefined, limit: number): Promise<FeedReply> =>
  (await caller.get(`/procuratorate/changes?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`).expect(200)).body;

describe('resuming the feed after a restart of the service', () => {
  const cases: string[] = [];
  const received: FeedItem[] = [];
  let saved: string;

  it('reads part of the feed on the first service and saves the cursor, inside a replay', async () => {
    first = await startTestService({ clock, keepDatabase: true });
    dbName = first.dbName;
    handlerToken = (await newClient(first.app, 'handler', { districts: [DISTRICT_A] })).token;
    procToken = (await newClient(first.app, 'procuratorate', { districts: [DISTRICT_A] })).token;
    const handler = as(first.app, handlerToken);
    const proc = as(first.app, procToken);
    for (let i = 0; i < 3; i++) {
      const id = await newLead(handler, DISTRICT_A, { title: `重启前的案件 ${i}` });
      await startClaim(handler, id);
      await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
      cases.push(id);
    }
    await settleFeed(first);
    const one = await page(proc, undefined, 3);
    const two = await page(proc, one.nextCursor, 4);
    received.push(...one.items, ...two.items);
    saved = two.nextCursor;
    expect(received.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 1, 2]);
    expect(two.hasMore).toBe(true);
    await first.stop();
    first = undefined;
  });

  it('continues on a new service from the saved cursor: the union is every history exactly once', async () => {
    second = await startTestService({ clock, dbName, listen: true });
    const handler = as(second.app, handlerToken);
    const proc = as(second.app, procToken);
    await send(handler, cases[0]!, { type: 'MARKED_MAJOR', basis: 'designated' });
    const id = await newLead(handler, DISTRICT_A, { title: '重启后的案件' });
    await startClaim(handler, id);
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    cases.push(id);
    await settleFeed(second);

    const again = await drainFeed(proc, saved, 5);
    const twice = await drainFeed(proc, saved, 5);
    expect(twice.items).toEqual(again.items);
    const all = [...received, ...again.items];
    const checked = await expectFeedEqualsHistories(proc, all, cases);
    expect(checked).toBe(5 + 5 + 5 + 1 + 5);
  });

  it('the example client prints every change once and resumes from its cursor file', async () => {
    const svc = second!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-sync-'));
    const cursorFile = path.join(dir, 'feed.cursor');
    const run = async () => {
      const { stdout } = await promisify(execFile)(
        path.join(process.cwd(), 'node_modules/.bin/tsx'),
        ['scripts/example-procuratorate-sync.ts', '--base-url', `http://127.0.0.1:${svc.port}`, '--cursor-file', cursorFile, '--once', '--json', '--limit', '7'],
        { env: { ...process.env, PROCURATORATE_TOKEN: procToken }, timeout: 45_000 },
      );
      return stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FeedItem);
    };
    const proc = as(svc.app, procToken);
    const everything = (await drainFeed(proc, undefined)).items;

    const firstRun = await run();
    expect(firstRun).toEqual(everything);
    expect(fs.readFileSync(cursorFile, 'utf8').trim()).toBe((await drainFeed(proc, undefined)).cursor);

    await send(as(svc.app, handlerToken), cases[1]!, { type: 'SUSPENDED', reason: '等待刑事判决' });
    await settleFeed(svc);
    const secondRun = await run();
    expect(secondRun.map((i) => [i.caseId, i.seq, i.type])).toEqual([[cases[1], 6, 'SUSPENDED']]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
