import { CaseModel } from '../../models/case';
import { ManualClock } from '../../src/clock';
import { AppError } from '../../src/http/errors';
import { CaseFactIndex, caseFactIndexFor, defaultFactIndexOptions } from '../../src/stats/fact-index';
import { allRows, computeKpis } from '../../src/stats/kpi-compute';
import { TEST_ADMIN_TOKEN, startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { ev, makeCase } from './kpi-steps';

/**
 * The statistics' read model against the database: a full read gives the same figures as the
 * changes followed one by one, the flat KPI fields add up with a portable $match/$group/$sum
 * pipeline to the same numerators and denominators, money allocated to a restoration project
 * reaches the restoration rate, and a report does not hang while a large database is first read.
 */

const D1 = '吴中区';
let svc: TestService;
let handler: Caller;
let viewer: Caller;
let admin: Caller;

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date('2026-01-05T02:00:00Z')) });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [D1] })).token);
  viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['*'] })).token);
  admin = as(svc.app, TEST_ADMIN_TOKEN);
  await viewer.get('/stats/kpis').expect(200);
  const open = (received: string, confirmed: string, started: string) => [ev.screen(received), ev.confirm(confirmed), ev.start(started)];
  await makeCase(handler, D1, '2025-01-05', [...open('2025-01-06', '2025-01-10', '2025-01-15'), ev.notify('2025-01-20')]);
  await makeCase(handler, D1, '2025-02-05', [...open('2025-02-06', '2025-02-10', '2025-02-15'), ev.terminate('2025-03-01', 'other')]);
  await makeCase(handler, D1, '2025-02-07', [ev.screen('2025-02-08'), ev.confirm('2025-02-12'), ev.notStart('2025-02-20', 'obligor_extinct')]);
  await makeCase(handler, D1, '2025-03-01', [ev.screen('2025-03-02'), ev.confirm('2025-03-12')]);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
});

describe('the statistics read model', () => {
  it('reads the same figures from the database in full as it followed change by change', async () => {
    const live = (await viewer.get('/stats/kpis?from=2025-01-01&to=2025-12-31').expect(200)).body;
    const fresh = new CaseFactIndex(svc.ctx, { ...defaultFactIndexOptions, resyncEveryMs: 3_600_000 });
    const table = await fresh.table();
    fresh.stop();
    const period = { fromMs: Date.parse('2025-01-01T00:00:00+08:00'), toMs: Date.parse('2026-01-01T00:00:00+08:00') };
    const recomputed = computeKpis(table, allRows(table), period, svc.clock.now().getTime());
    for (const k of ['initiationRate', 'closureRate', 'restorationRate', 'procuratorateNoticeOnTimeRate', 'verificationOnTimeRate'] as const) {
      expect([recomputed[k].numerator, recomputed[k].denominator]).toEqual([live[k].numerator, live[k].denominator]);
    }
    expect(table.size).toBe(await CaseModel.countDocuments({}));
  });

  it('has KPI fields that add up with a portable $match/$group pipeline to the same numerators and denominators', async () => {
    // FerretDB v1 sums only top-level fields ({ $sum: '$kpi.claimStarted' } gives 0 there), but groups
    // on nested ones: so the portable form counts the cases of each combination of flags.
    const from = new Date('2025-01-01T00:00:00+08:00');
    const to = new Date('2026-01-01T00:00:00+08:00');
    type Row = { _id: Record<string, number>; n: number };
    const count = (rows: Row[], pick: (k: Record<string, number>) => boolean) => rows.filter((r) => pick(r._id)).reduce((s, r) => s + r.n, 0);
    const init = await CaseModel.aggregate<Row>([
      { $match: { district: D1, 'kpi.damageConfirmedAt': { $gte: from, $lt: to } } },
      { $group: { _id: { started: '$kpi.claimStarted', notStarted: '$kpi.notStarted', terminatedBeforeStart: '$kpi.terminatedBeforeStart' }, n: { $sum: 1 } } },
    ]);
    const closure = await CaseModel.aggregate<Row>([
      { $match: { district: D1, 'kpi.claimStartedAt': { $gte: from, $lt: to } } },
      { $group: { _id: { terminated: '$kpi.terminated', completed: '$kpi.completed', dismissed: '$kpi.dismissed' }, n: { $sum: 1 } } },
    ]);
    const report = (await viewer.get(`/stats/kpis?from=2025-01-01&to=2025-12-31&district=${encodeURIComponent(D1)}`).expect(200)).body;
    expect(report.initiationRate.numerator).toBe(count(init, (k) => k.started === 1));
    expect(report.initiationRate.denominator).toBe(count(init, (k) => k.notStarted === 0 && k.terminatedBeforeStart === 0));
    expect(report.closureRate.numerator).toBe(count(closure, (k) => k.completed === 1 || k.dismissed === 1));
    expect(report.closureRate.denominator).toBe(count(closure, (k) => k.terminated === 0));
    // by hand: damage confirmed in 2025 in 吴中区: four leads; one not started, one terminated after its start, two opened
    expect([report.initiationRate.numerator, report.initiationRate.denominator]).toEqual([2, 3]);
    expect([report.closureRate.numerator, report.closureRate.denominator]).toEqual([0, 1]);
  });

  it('counts a case as restored once its escrow money is allocated to a project that was accepted, and not before', async () => {
    const base = (await admin.post('/bases', { name: '太湖生态岛示范基地', district: D1, place: '金庭镇', areaKm2: 84.59 }).expect(201)).body;
    const manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [base.id] })).token);
    const project = (
      await manager
        .post(`/bases/${base.id}/projects`, {
          name: '消夏湾湿地修复（测试）',
          method: 'wetland_restoration',
          media: ['wetland'],
          district: D1,
          budgetFen: 3_000_000,
          startDate: '2025-06-01',
          endDate: '2026-06-01',
          acceptanceCriteria: '第三方评估达到修复目标',
        })
        .expect(201)
    ).body;
    await manager.post(`/projects/${project.id}/publish`, {}).expect(200);

    const id = await makeCase(handler, D1, '2025-04-01', [
      ev.screen('2025-04-02'), ev.confirm('2025-04-10'), ev.start('2025-04-12'), ev.notify('2025-04-15'), ev.investigate('2025-04-20'),
      ev.assess('2025-04-25', 'simplified', 3_000_000), ev.serve('2025-05-01'), ev.agree('2025-05-20', [{ kind: 'escrow', amountFen: 3_000_000 }]),
      ev.sign('2025-05-22'), ev.waiveJc('2025-05-23'), ev.deposit('2025-06-01', 'O1', 3_000_000, '(2025)苏吴证提字第1号'),
      ev.exempt('2025-06-10'), ev.close('2025-06-20'),
    ]);
    const q = '/stats/kpis?from=2025-04-01&to=2025-06-30';
    const before = (await viewer.get(q).expect(200)).body;
    expect([before.restorationRate.numerator, before.restorationRate.denominator]).toEqual([0, 1]);
    expect(before.restorationRate.reportedApart.escrowUnallocated).toBe(1);
    expect([before.escrowAllocationRate.numerator, before.escrowAllocationRate.denominator]).toEqual([0, 3_000_000]);

    const allocation = (await handler.post('/allocations', { caseId: id, obligationId: 'O1', projectId: project.id, amountFen: 3_000_000 }).expect(201)).body;
    await handler.post(`/allocations/${allocation.id}/accept`).expect(200);
    await manager.post(`/allocations/${allocation.id}/accept`).expect(200);
    for (const step of ['start', 'complete', 'accept']) await manager.post(`/projects/${project.id}/${step}`, {}).expect(200);
    expect((await handler.get(`/cases/${id}`).expect(200)).body.restorationStatus).toBe('restored');

    // The restoration track writes restorationStatus without a case event; the periodic resync (or a touch) brings it in.
    caseFactIndexFor(svc.ctx).touch(id);
    const after = (await viewer.get(q).expect(200)).body;
    expect([after.restorationRate.numerator, after.restorationRate.denominator]).toEqual([1, 1]);
    expect(after.restorationRate.reportedApart.escrowUnallocated).toBe(0);
    expect([after.escrowAllocationRate.numerator, after.escrowAllocationRate.denominator]).toEqual([3_000_000, 3_000_000]);
  });

  it('answers 503 with Retry-After instead of hanging while a large database is still being read for the first time', async () => {
    const never = async function* () {
      await new Promise(() => {});
      yield* [];
    };
    const slow = new CaseFactIndex(svc.ctx, { ...defaultFactIndexOptions, source: never, firstLoadWaitMs: 50 });
    const err = await slow.table().then(
      () => null,
      (e: unknown) => e,
    );
    slow.stop();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(503);
    expect((err as AppError).headers).toEqual({ 'Retry-After': '30' });
  });

  it('follows events sent for a case after the first report', async () => {
    const id = await makeCase(handler, D1, '2025-07-01', [ev.screen('2025-07-02')]);
    const before = (await viewer.get('/stats/kpis?from=2025-07-01&to=2025-07-31').expect(200)).body;
    expect(before.initiationRate.reportedApart.cohort).toBe(0);
    await send(handler, id, ev.confirm('2025-07-10'));
    const after = (await viewer.get('/stats/kpis?from=2025-07-01&to=2025-07-31').expect(200)).body;
    expect(after.initiationRate.reportedApart).toMatchObject({ cohort: 1, pendingDecision: 1 });
  });
});
