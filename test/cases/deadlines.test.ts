import { ManualClock } from '../../src/clock';
import { CaseModel } from '../../models/case';
import { DeadlineScheduler } from '../../src/scheduler/deadline-scheduler';
import { startTestService, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';

let svc: TestService;
let handler: Caller;
const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));

beforeAll(async () => {
  svc = await startTestService({ clock });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('deadlines', () => {
  it('verification_30d is due 30 days after receipt, moved to the next working day, at the end of that day in Beijing', async () => {
    // 2026-03-02 + 30 days = 2026-04-01, a Wednesday.
    const id = (await handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id;
    const view = await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    expect(view.deadlines[0]).toMatchObject({ rule: 'verification_30d', status: 'open', dueAt: '2026-04-01T15:59:59.999Z' });
    // 2026-09-05 + 30 days = 2026-10-05, inside the National Day holiday: due on 2026-10-08.
    clock.set('2026-09-06T02:00:00Z');
    const holiday = (await handler.post('/cases', leadBody({ receivedAt: '2026-09-05' })).expect(201)).body.id;
    const hv = await send(handler, holiday, { type: 'SCREENED', outcome: 'verify' });
    expect(hv.deadlines[0].dueAt).toBe('2026-10-08T15:59:59.999Z');
    clock.set('2026-03-02T02:00:00Z');
  });

  it('a passed deadline is marked missed exactly once by two scheduler instances racing', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = (await handler.post('/cases', leadBody({ receivedAt: '2026-03-02', title: `到期 ${i}` })).expect(201)).body.id as string;
      await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
      ids.push(id);
    }
    // One of them meets its deadline in time: it must never be marked missed.
    await send(handler, ids[0]!, { type: 'DAMAGE_CONFIRMED', findings: '确认' });

    clock.set('2026-04-03T02:00:00Z');
    const a = new DeadlineScheduler(svc.ctx);
    const b = new DeadlineScheduler(svc.ctx);
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    const again = await a.tick();
    expect(ra.deadlinesMissed + rb.deadlinesMissed).toBeGreaterThanOrEqual(5);
    expect(again.deadlinesMissed).toBe(0);

    for (const id of ids) {
      const doc = await CaseModel.findById(id).lean();
      const missedEntries = doc!.history.filter((h) => h.type === 'DEADLINE_MISSED');
      if (id === ids[0]) {
        expect(missedEntries).toHaveLength(0);
        expect(doc!.deadlines[0]!.status).toBe('met');
      } else {
        expect(missedEntries).toHaveLength(1);
        expect(doc!.deadlines[0]!.status).toBe('missed');
        expect(doc!.overdue).toBe(true);
        expect(doc!.history).toHaveLength(doc!.version);
      }
    }
    const overdue = await handler.get('/cases?overdue=true&limit=200').expect(200);
    expect(overdue.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(ids.slice(1)));
    expect(overdue.body.items.map((c: { id: string }) => c.id)).not.toContain(ids[0]);
  });

  it('a missed deadline met later is recorded as met late, and an extension reopens it', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const id = (await handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
    await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    clock.set('2026-04-10T02:00:00Z');
    await new DeadlineScheduler(svc.ctx).tick();
    let view = (await handler.get(`/cases/${id}`).expect(200)).body;
    expect(view.deadlines[0].status).toBe('missed');
    view = await send(handler, id, { type: 'DEADLINE_EXTENDED', rule: 'verification_30d', newDueAt: '2026-04-30', reason: '补充监测' });
    expect(view.deadlines[0]).toMatchObject({ status: 'open', dueAt: '2026-04-30T15:59:59.999Z' });
    expect(view.deadlines[0].extensions).toHaveLength(1);
    view = await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: 'x' });
    expect(view.deadlines[0].status).toBe('met');
    expect(view.overdue).toBe(false);
  });
});
