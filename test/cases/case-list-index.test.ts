import { ManualClock } from '../../src/clock';
import { caseScopeOf, systemCaseScope, type CaseScope } from '../../src/cases/case-scope';
import { queryCaseList } from '../../src/cases/case-service';
import { caseListIndex, type ListFilter } from '../../src/cases/case-list-index';
import type { PageCursor } from '../../src/http/pagination';
import { DeadlineScheduler, isDue } from '../../src/scheduler/deadline-scheduler';
import { CaseModel } from '../../models/case';
import { as, leadBody, newClient, send, type Caller } from '../support/api';
import { startTestService, type TestService } from '../support/service';

/**
 * On the embedded engine the case list is answered from memory (src/cases/case-list-index.ts);
 * it must answer exactly what the database query answers, for every filter, scope and cursor,
 * and stay current with every change without waiting for its periodic reload.
 */

const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
let svc: TestService;
let handler: Caller;
const districts = ['吴中区', '姑苏区', '昆山市'];
const titles = ['太湖沿岸非法倾倒建筑垃圾', '阳澄湖 Wetland 非法占用', '化工园区废水偷排', 'ABC 公司土壤污染'];
const parties = ['苏州某建材有限公司', '昆山 Alpha 化工', '张某'];

beforeAll(async () => {
  svc = await startTestService({ clock });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts })).token);
  for (let i = 0; i < 36; i++) {
    clock.set(new Date(Date.UTC(2026, 2, 2, 2, 0, i % 5 === 0 ? 0 : i))); // some cases share a createdAt
    const res = await handler
      .post('/cases', leadBody({
        title: `${titles[i % titles.length]} ${i}`,
        district: districts[i % 3],
        channel: i % 4 === 0 ? 'inspection' : 'complaint',
        parties: [{ name: parties[i % parties.length], kind: 'company' }],
      }))
      .expect(201);
    const id = res.body.id as string;
    if (i % 2 === 1) await send(handler, id, { type: 'SCREENED', outcome: 'verify', note: '筛查' });
    if (i % 5 === 2) await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated', note: '指定' });
    if (i % 6 === 1 || i % 6 === 3) {
      await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场核查确认损害' });
      clock.set(new Date(Date.UTC(2026, 2, 3 + (i % 9), 2)));
      await send(handler, id, { type: 'CLAIM_STARTED' });
    }
  }
  // Some verification deadlines fall due and are marked missed (overdue cases).
  clock.set('2026-04-20T02:00:00Z');
  await new DeadlineScheduler(svc.ctx).tick();
});
afterAll(async () => {
  await svc.stop();
});

const filters: ListFilter[] = [
  {},
  { district: '吴中区' },
  { stage: 'verification' },
  { stage: 'investigation', district: '昆山市' },
  { channel: 'inspection' },
  { overdue: true },
  { overdue: false, channel: 'complaint' },
  { major: false },
  { major: true, stage: 'lead' },
  { restorationPending: true },
  { restorationPending: false, district: '吴中区' },
  { text: 'wetland' },
  { text: 'WETLAND' },
  { text: 'abc 公司' },
  { text: 'alpha' },
  { text: '苏环赔' },
  { text: '1' },
  { openedFrom: new Date('2026-03-05T00:00:00Z') },
  { openedFrom: new Date('2026-03-04T00:00:00Z'), openedTo: new Date('2026-03-08T00:00:00Z'), district: '姑苏区' },
];

async function both(scope: CaseScope, filter: ListFilter, cursor: PageCursor | undefined, limit: number) {
  const memory = await queryCaseList(svc.ctx, scope, filter, cursor, limit, true, 'auto');
  const database = await queryCaseList(svc.ctx, scope, filter, cursor, limit, true, 'database');
  const ids = (r: typeof memory) => ({ ids: r.docs.map((d) => `${d._id}@${d.version}`), total: r.total });
  return { memory: ids(memory), database: ids(database), last: database.docs.at(limit - 1) };
}

describe('the in-memory case list of the embedded engine', () => {
  it('answers every filter, scope and page exactly as the database query does', async () => {
    // The index serves lists exactly where the engine needs it.
    expect(caseListIndex(svc.ctx) !== null).toBe(svc.ctx.engine.engine === 'ferretdb');
    const scopes = [systemCaseScope('test'), caseScopeOf({ clientId: 'c', role: 'handler', districts: ['吴中区', '昆山市'] } as never)];
    let compared = 0;
    for (const scope of scopes) {
      for (const filter of filters) {
        // Walk every page of 5 with the database's cursors; each page must agree.
        let cursor: PageCursor | undefined;
        for (let page = 0; page < 20; page++) {
          const r = await both(scope, filter, cursor, 5);
          expect({ filter, page, ...r.memory }).toEqual({ filter, page, ...r.database });
          compared += r.database.ids.length;
          if (r.database.ids.length <= 5 || !r.last) break;
          cursor = { t: new Date(r.last.createdAt).toISOString(), i: r.last._id };
        }
      }
    }
    console.log(`case list: ${compared} listed cases compared over ${filters.length} filters × ${scopes.length} scopes, page by page`);
    expect(compared).toBeGreaterThan(100);
  });

  it('gives the scheduler the same due cases as its database query', async () => {
    const index = caseListIndex(svc.ctx);
    if (!index) return expect(svc.ctx.engine.engine).toBe('mongodb'); // the scheduler queries the database there
    // Leads in verification with their 30 days running, one of them suspended (its clock stopped).
    clock.set('2026-05-21T02:00:00Z');
    for (const [i, received] of ['2026-05-01', '2026-05-06', '2026-05-12', '2026-05-20'].entries()) {
      const id = (await handler.post('/cases', leadBody({ title: `核查中的线索 ${i}`, district: '吴中区', receivedAt: received })).expect(201)).body.id as string;
      await send(handler, id, { type: 'SCREENED', outcome: 'verify', note: '筛查' });
      if (i === 1) await send(handler, id, { type: 'SUSPENDED', reason: '等待监测报告' });
    }
    let compared = 0;
    // Before, between and after their due dates.
    for (const at of ['2026-05-25', '2026-06-02', '2026-06-08', '2026-06-15', '2026-06-30']) {
      const now = new Date(`${at}T02:00:00Z`);
      const free = { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] };
      const fromDb = (await CaseModel.find({ nextDueAt: { $lte: now }, stage: { $ne: 'suspended' }, ...free }, { _id: 1 }).lean()).map((d) => d._id).sort();
      const fromIndex = (await index.select((d) => isDue(d, now), () => 0, 10_000)).map((d) => d._id).sort();
      expect({ at, ids: fromIndex }).toEqual({ at, ids: fromDb });
      compared += fromDb.length;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('shows a change at once: a new case, an event, a missed deadline', async () => {
    const before = (await handler.get('/cases?limit=200&count=true').expect(200)).body;
    const created = await handler.post('/cases', leadBody({ title: '新登记的线索 list-now', district: '姑苏区' })).expect(201);
    const afterCreate = (await handler.get('/cases?q=list-now&count=true').expect(200)).body;
    expect(afterCreate.total).toBe(1);
    expect((await handler.get('/cases?count=true').expect(200)).body.total).toBe(before.total + 1);

    await send(handler, created.body.id, { type: 'SCREENED', outcome: 'verify', note: '筛查' });
    const verifying = (await handler.get('/cases?q=list-now&state=verification').expect(200)).body.items;
    expect(verifying.map((c: { id: string; version: number }) => [c.id, c.version])).toEqual([[created.body.id, 2]]);

    clock.set('2026-07-01T02:00:00Z');
    await new DeadlineScheduler(svc.ctx).tick();
    const overdue = (await handler.get('/cases?q=list-now&overdue=true').expect(200)).body.items;
    expect(overdue.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
  });
});
