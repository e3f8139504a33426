import { ManualClock } from '../../src/clock';
import { ChangeModel } from '../../models/feed';
import { startTestService, type TestService } from '../support/service';
import { as, leadBody, newClient, type Caller } from '../support/api';
import { DISTRICT_A, DISTRICT_B, PROCURATORATE_A, PROCURATORATE_B, expectFeedEqualsHistories, settleFeed, type FeedItem, type FeedReply } from './helpers';

/**
 * The feed under load: 8 concurrent writers advance 50 cases (with version conflicts between
 * them, so some tickets are abandoned), the deadline scheduler marks deadlines missed in between
 * (a third kind of writer), cases become visible at different points of their history, and a
 * reader polls all along with varying page sizes. What it collects must be exactly the union of
 * the visible cases' histories: no gap, no duplicate, each case in seq order.
 */

const CASES = 50;
const WRITERS = 8;

const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
let svc: TestService;
let handlerA: Caller;
let handlerB: Caller;
let procA: Caller;
let procB: Caller;
/** Set on teardown (e.g. after a timeout): the load's participants stop instead of hitting a stopped service. */
let stopped = false;

beforeAll(async () => {
  svc = await startTestService({ clock });
  handlerA = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token);
  handlerB = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_B] })).token);
  procA = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] })).token);
  procB = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_B] })).token);
});
afterAll(async () => {
  stopped = true;
  await sleep(500);
  await svc.stop();
});

interface Plan {
  index: number;
  district: string;
  /** Created by the procuratorate's lead transfer: visible from its first entry. */
  referred: boolean;
  notified: boolean;
  steps: Record<string, unknown>[];
  id?: string;
  creating?: boolean;
  version: number;
  step: number;
}

function planOf(index: number): Plan {
  const district = index < 45 ? DISTRICT_A : DISTRICT_B;
  const notified = index % 10 !== 9;
  const steps: Record<string, unknown>[] = [
    { type: 'SCREENED', outcome: 'verify' },
    { type: 'DEADLINE_EXTENDED', rule: 'verification_30d', newDueAt: '2026-06-30', reason: '案情复杂，报经批准延长' },
    { type: 'DAMAGE_CONFIRMED', findings: '确认存在生态环境损害' },
    { type: 'CLAIM_STARTED' },
    { type: 'SUSPENDED', reason: '等待刑事判决' },
    { type: 'RESUMED', note: '刑事判决已生效' },
  ];
  // Notified at different points after the claim started: the earlier history is replayed then.
  if (notified) steps.splice(4 + (index % 3), 0, { type: 'PROCURATORATE_NOTIFIED', procuratorate: district === DISTRICT_A ? PROCURATORATE_A : PROCURATORATE_B });
  return { index, district, referred: index % 10 === 0, notified, steps, version: 0, step: 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the change feed under load', () => {
  it('gives a continuously polling reader every event of its visible cases exactly once, in per-case order', async () => {
    const plans = Array.from({ length: CASES }, (_, i) => planOf(i));
    const handlerOf = (p: Plan) => (p.district === DISTRICT_A ? handlerA : handlerB);
    const stats = { events: 0, conflicts: 0, pages: 0, deadlinesMissed: 0 };
    let writing = true;
    /** Set when any participant fails: the others stop, so the failure is reported, not a crash after teardown. */
    let failed = false;
    const halted = () => failed || stopped;

    /** Writers in flight per case: a conflict with one of them is settled by its own reply. */
    const inFlight = new Map<Plan, number>();
    const writer = async (w: number) => {
      for (let round = 0; !halted(); round++) {
        const open = plans.filter((p) => p.step < p.steps.length && !p.creating);
        if (!open.length) {
          if (plans.every((p) => p.step >= p.steps.length)) return;
          await sleep(5);
          continue;
        }
        // Writers crowd the same few cases: conflicting commits, abandoned tickets.
        const p = open[(w * 7 + round * 13) % Math.min(open.length, 24)]!;
        if (!p.id) {
          p.creating = true;
          const res = p.referred
            ? await (p.district === DISTRICT_A ? procA : procB).post('/procuratorate/leads', { ...leadBody({ district: p.district, title: `移送线索 ${p.index}` }), channel: undefined, sourceRef: `检移〔2026〕${p.index}号` })
            : await handlerOf(p).post('/cases', leadBody({ district: p.district, title: `案件 ${p.index}` }));
          if (res.status !== 201) throw new Error(`create ${p.index} → ${res.status} ${JSON.stringify(res.body)}`);
          p.id = res.body.id;
          p.version = 1;
          p.creating = false;
          continue;
        }
        const [version, step] = [p.version, p.step];
        inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
        const res = await handlerOf(p).post(`/cases/${p.id}/events`, p.steps[step]).set('If-Match', String(version));
        inFlight.set(p, inFlight.get(p)! - 1);
        if (res.status === 200) {
          stats.events += 1;
          p.version = Math.max(p.version, res.body.version);
          p.step = Math.max(p.step, step + 1);
        } else if (res.status === 409) {
          stats.conflicts += 1;
          // Lost to another writer (whose reply moves the plan on) or to the scheduler's
          // DEADLINE_MISSED (the step is still to do): once no writer of this case is in flight,
          // the plan's step is right and the case is at least at the version the conflict names.
          while ((inFlight.get(p) ?? 0) > 0 && !halted()) await sleep(5);
          p.version = Math.max(p.version, res.body.error.details.currentVersion as number);
        } else {
          throw new Error(`${String(p.steps[step]!.type)} on case ${p.index} → ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    };

    // The deadline scheduler: once the clock has passed the notice deadlines, it marks them missed
    // on cases not yet notified, racing the handlers for the same documents.
    const scheduler = async () => {
      // A handful of ticks spread over the run: each one scans the cases (FerretDB has no index use here).
      for (let ticks = 0; ticks < 8 && writing && !halted(); ) {
        await sleep(2500);
        if (plans.filter((p) => p.step >= 4).length < 15) continue;
        clock.set('2026-03-10T02:00:00Z');
        stats.deadlinesMissed += (await svc.scheduler.tick()).deadlinesMissed;
        ticks += 1;
      }
    };

    const collected: FeedItem[] = [];
    const lastSeq = new Map<string, number>();
    const reader = async () => {
      let cursor: string | undefined;
      const limits = [3, 17, 100, 500];
      for (let i = 0; !halted(); i++) {
        const quiet = !writing;
        if (quiet) await settleFeed(svc);
        const res = await procA.get(`/procuratorate/changes?limit=${limits[i % limits.length]}&waitMs=${quiet ? 0 : 250}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
        if (res.status !== 200) throw new Error(`changes → ${res.status} ${JSON.stringify(res.body)}`);
        const page = res.body as FeedReply;
        stats.pages += 1;
        for (const item of page.items) {
          // Checked as they arrive: each case's seq goes up by exactly one.
          expect({ caseId: item.caseId, seq: item.seq }).toEqual({ caseId: item.caseId, seq: (lastSeq.get(item.caseId) ?? 0) + 1 });
          lastSeq.set(item.caseId, item.seq);
          collected.push(item);
        }
        cursor = page.nextCursor;
        if (quiet && !page.hasMore && page.items.length === 0) return;
      }
    };

    const guard = (run: Promise<void>) =>
      run.catch((err: unknown) => {
        if (stopped) return;
        failed = true;
        throw err;
      });
    const began = Date.now();
    const progress = process.env.FEED_LOAD_PROGRESS
      ? setInterval(() => console.log(`${((Date.now() - began) / 1000).toFixed(0)} s`, JSON.stringify(stats), `collected ${collected.length}`, `done ${plans.filter((p) => p.step >= p.steps.length).length}`, JSON.stringify(plans.filter((p) => p.step < p.steps.length).slice(0, 5).map((p) => [p.index, p.version, p.step, inFlight.get(p) ?? 0]))), 5000)
      : undefined;
    const readerDone = guard(reader());
    const schedulerDone = guard(scheduler());
    const writers = await Promise.allSettled(Array.from({ length: WRITERS }, (_, w) => guard(writer(w))));
    writing = false;
    const rest = await Promise.allSettled([schedulerDone, readerDone]);
    clearInterval(progress);
    const failure = [...writers, ...rest].find((r) => r.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const seconds = (Date.now() - began) / 1000;

    const visible = plans.filter((p) => p.district === DISTRICT_A && (p.notified || p.referred)).map((p) => p.id!);
    const checked = await expectFeedEqualsHistories(procA, collected, visible);
    expect(new Set(collected.map((i) => i.cursor)).size).toBe(collected.length);
    const missedOnFeed = collected.filter((i) => i.type === 'DEADLINE_MISSED').length;
    const abandoned = await ChangeModel.countDocuments({ abandoned: true });
    const tickets = await ChangeModel.countDocuments();
    console.log(
      `feed under load: checked ${checked} events of ${visible.length} visible cases (of ${CASES}) — exactly once, in per-case order; ` +
        `${stats.events} events sent by ${WRITERS} writers, ${stats.conflicts} version conflicts, ${tickets} tickets of which ${abandoned} abandoned, ` +
        `${stats.deadlinesMissed} deadlines marked missed by the scheduler (${missedOnFeed} DEADLINE_MISSED entries on this feed), ${stats.pages} pages read, ${seconds.toFixed(1)} s`,
    );
    expect(checked).toBeGreaterThan(300);
    expect(stats.conflicts).toBeGreaterThan(0);

    // The other district's procuratorate gets its own cases only, complete as well.
    const { items: itemsB } = await (async () => {
      const items: FeedItem[] = [];
      let after: string | undefined;
      for (;;) {
        const body = (await procB.get(`/procuratorate/changes?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`).expect(200)).body as FeedReply;
        items.push(...body.items);
        after = body.nextCursor;
        if (!body.hasMore) return { items };
      }
    })();
    const visibleB = plans.filter((p) => p.district === DISTRICT_B && (p.notified || p.referred)).map((p) => p.id!);
    await expectFeedEqualsHistories(procB, itemsB, visibleB);
  }, 420_000);
});
