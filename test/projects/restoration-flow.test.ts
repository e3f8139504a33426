import { ManualClock } from '../../src/clock';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { allocateAndConfirm, moneyCase, newBase, publishedProject } from './support';

let svc: TestService;
let admin: Caller;
let handler: Caller;
let manager: Caller;
let baseId: string;
const clock = new ManualClock(new Date('2026-01-15T02:00:00Z'));

beforeAll(async () => {
  svc = await startTestService({ clock });
  admin = as(svc.app, TEST_ADMIN_TOKEN);
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  baseId = await newBase(admin);
  manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [baseId] })).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('the whole flow: escrow deposit → suggestions → plan → two-way confirmation → releases → accepted project → restored case', () => {
  it('carries escrowed and substitute-restoration money into a project and the case to restored', async () => {
    // A project in the base's library, published with a gap of 10,000 yuan.
    const draft = await manager.post(`/bases/${baseId}/projects`, {
      name: '金庭镇消夏湾湿地修复',
      method: 'wetland_restoration',
      media: ['wetland', 'surface_water'],
      district: '吴中区',
      town: '金庭镇',
      budgetFen: 1_000_000,
      minContributionFen: 100_000,
    }).expect(201);
    const projectId = draft.body.id as string;
    expect(draft.body).toMatchObject({ status: 'draft', fundedFen: 0, gapFen: 1_000_000, baseId });
    // Dates and acceptance criteria are not needed to publish; they are set before work starts.
    await manager.patch(`/projects/${projectId}`, { startDate: '2026-02-01', endDate: '2026-12-31', acceptanceCriteria: '植被覆盖率≥80%' }).expect(200);
    const published = await manager.post(`/projects/${projectId}/publish`, {}).expect(200);
    expect(published.body).toMatchObject({ status: 'published', statusLabel: { zh: '已发布（待认领）', en: 'Published' } });

    // Case A: 6,000 yuan deposited with the notary; liability discharged, nothing restored yet.
    const caseA = await moneyCase(handler, { amountFen: 600_000, depositFen: 600_000 });
    expect(caseA.view).toMatchObject({ liabilityStatus: 'discharged', restorationStatus: 'pending', state: 'evaluation.pending' });
    // Case B: a substitute-restoration duty of 4,000 yuan, not deposited (the obligor pays the project).
    const caseB = await moneyCase(handler, { amountFen: 400_000, kind: 'substitute_restoration' });

    const suggestions = await handler.get(`/cases/${caseA.id}/project-suggestions`).expect(200);
    expect(suggestions.body.items[0]).toMatchObject({ projectId, obligationId: 'O1', amountFen: 600_000 });
    expect(suggestions.body.items[0].score).toBeGreaterThan(0);
    expect(suggestions.body.items[0].reasons.map((x: { factor: string }) => x.factor)).toEqual(expect.arrayContaining(['ecological', 'place', 'money']));

    const forProject = await manager.get(`/projects/${projectId}/case-suggestions`).expect(200);
    expect(forProject.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(expect.arrayContaining([caseA.id, caseB.id]));

    const plan = await handler.post('/matching/plan', { projectIds: [projectId] }).expect(200);
    expect(plan.body.solver).toMatchObject({ optimal: true });
    expect(plan.body.allocations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: caseA.id, obligationId: 'O1', projectId, amountFen: 600_000 }),
        expect.objectContaining({ caseId: caseB.id, obligationId: 'O1', projectId, amountFen: 400_000 }),
      ]),
    );
    expect(plan.body.unallocatedFen).toBe(0);

    // Case A's money: proposed by the handler, accepted by both sides.
    const proposed = await handler.post('/allocations', { caseId: caseA.id, obligationId: 'O1', projectId, amountFen: 600_000 }).expect(201);
    const allocA = proposed.body.id as string;
    expect(proposed.body).toMatchObject({ status: 'proposed', acceptedByCase: null, acceptedByProject: null });
    // It names its case, for the base manager who may not read cases.
    expect(caseA.view.caseNo).toEqual(expect.any(String));
    expect(proposed.body).toMatchObject({ caseNo: caseA.view.caseNo, caseTitle: caseA.view.title });
    const seenByManager = (await manager.get(`/allocations?projectId=${projectId}`).expect(200)).body.items;
    expect(seenByManager.find((a: { id: string }) => a.id === proposed.body.id)).toMatchObject({ caseNo: caseA.view.caseNo, caseTitle: caseA.view.title });
    const halfway = await handler.post(`/allocations/${allocA}/accept`).expect(200);
    expect(halfway.body).toMatchObject({ status: 'proposed', acceptedByCase: expect.any(Object), acceptedByProject: null });
    const confirmed = await manager.post(`/allocations/${allocA}/accept`).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', confirming: false });
    let project = (await manager.get(`/projects/${projectId}`).expect(200)).body;
    expect(project).toMatchObject({ status: 'funding', fundedFen: 600_000, gapFen: 400_000 });
    let viewA = (await handler.get(`/cases/${caseA.id}`).expect(200)).body;
    expect(viewA.restorationStatus).toBe('allocated');
    expect(viewA.obligations[0]).toMatchObject({ allocatedFen: 600_000 });

    // Case B's money: proposed by the base manager (two-way), accepted by both.
    const fromBase = await manager.post('/allocations', { caseId: caseB.id, obligationId: 'O1', projectId, amountFen: 400_000 }).expect(201);
    await manager.post(`/allocations/${fromBase.body.id}/accept`).expect(200);
    const bConfirmed = await handler.post(`/allocations/${fromBase.body.id}/accept`).expect(200);
    expect(bConfirmed.body.status).toBe('confirmed');
    project = (await manager.get(`/projects/${projectId}`).expect(200)).body;
    expect(project).toMatchObject({ status: 'funded', fundedFen: 1_000_000, gapFen: 0 });
    // Funded: it may start, and its dates and criteria may still be completed.
    expect(project.allowedActions).toEqual(['update', 'start']);

    // Releases from escrow by milestone, never past the allocation.
    await handler.post(`/allocations/${allocA}/releases`, { amountFen: 300_000, milestone: '开工预付', releasedAt: '2026-02-01' }).expect(201);
    const second = await handler.post(`/allocations/${allocA}/releases`, { amountFen: 300_000, milestone: '完工结算', releasedAt: '2026-06-01' }).expect(201);
    expect(second.body).toMatchObject({ releasedFen: 600_000, releases: [expect.objectContaining({ milestone: '开工预付' }), expect.objectContaining({ milestone: '完工结算' })] });
    const tooMuch = await handler.post(`/allocations/${allocA}/releases`, { amountFen: 1, milestone: '追加', releasedAt: '2026-06-02' }).expect(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'exceeds_allocation', details: { remainingFen: 0 } });

    const ledger = (await handler.get(`/escrow?caseId=${caseA.id}`).expect(200)).body;
    expect(ledger.items).toHaveLength(1);
    expect(ledger.items[0]).toMatchObject({ depositedFen: 600_000, allocatedFen: 600_000, releasedFen: 600_000, unallocatedFen: 0, balanceFen: 0, flagged: false });
    // 2031-01-12 is a Sunday: the case's escrow_lapse_5y deadline moves to the next working day.
    expect(ledger.items[0].obligations[0].deposits[0]).toMatchObject({ amountFen: 600_000, unallocatedFen: 0, ageDays: 3, lapseDate: '2031-01-13', flagged: false });

    // The project is carried out; the cases follow.
    await manager.post(`/projects/${projectId}/start`, { note: '进场施工' }).expect(200);
    viewA = (await handler.get(`/cases/${caseA.id}`).expect(200)).body;
    expect(viewA.restorationStatus).toBe('in_progress');
    await send(handler, caseA.id, { type: 'EVALUATION_PASSED', reportRef: '评估报告〔2026〕1号' });
    await manager.post(`/projects/${projectId}/complete`, { reportRef: '竣工报告' }).expect(200);
    expect((await handler.get(`/cases/${caseA.id}`).expect(200)).body.restorationStatus).toBe('in_progress');
    // The statistics are current now; the acceptance below changes the case only through the restoration track.
    const restoredBefore = (await handler.get('/stats/kpis?from=2020-01-01&to=2030-12-31').expect(200)).body.restorationRate.reportedApart.byStatus.restored ?? 0;
    const accepted = await manager.post(`/projects/${projectId}/accept`, { reportRef: '验收意见〔2026〕5号' }).expect(200);
    expect(accepted.body.status).toBe('accepted');
    viewA = (await handler.get(`/cases/${caseA.id}`).expect(200)).body;
    expect(viewA.restorationStatus).toBe('restored');
    // The restoration track's write (no case event) reaches the statistics at once, not at the next resync.
    const restoredAfter = (await handler.get('/stats/kpis?from=2020-01-01&to=2030-12-31').expect(200)).body.restorationRate.reportedApart.byStatus.restored ?? 0;
    expect(restoredAfter).toBe(restoredBefore + 1);
    // Deriving the restoration track neither bumps the case version nor writes its history.
    const history = (await handler.get(`/cases/${caseA.id}/history`).expect(200)).body.items;
    expect(history).toHaveLength(viewA.version);
    expect((await handler.get(`/cases/${caseB.id}`).expect(200)).body.restorationStatus).toBe('in_progress');

    const closed = await manager.post(`/projects/${projectId}/close`, {}).expect(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.history.map((h: { type: string; to: string }) => `${h.type}→${h.to}`)).toEqual([
      'CREATED→draft',
      'UPDATED→draft',
      'PUBLISHED→published',
      'FUNDS_CHANGED→funding',
      'FUNDS_CHANGED→funded',
      'STARTED→in_progress',
      'COMPLETED→completed',
      'ACCEPTED→accepted',
      'CLOSED→closed',
    ]);
    expect(closed.body.history[3].actor).toEqual({ clientId: expect.any(String), role: 'baseManager' });
    await manager.post(`/projects/${projectId}/start`, {}).expect(422);
  });
});

describe('the 2022 pooling example (太湖生态岛): 19 obligations fill one village project of 63,486.5 yuan', () => {
  const amountsFen = [
    250_000, 300_000, 180_000, 420_000, 515_000, 260_000, 330_000, 150_000, 612_500, 200_000, 275_000, 390_000,
    345_000, 410_000, 225_000, 360_000, 298_150, 318_000, 510_000,
  ];

  it('plans, proposes and confirms 19 allocations to gap 0 and status funded', async () => {
    expect(amountsFen.reduce((s, x) => s + x, 0)).toBe(6_348_650);
    const projectId = await publishedProject(manager, baseId, {
      name: '太湖生态岛 村庄生态环境提升项目',
      method: 'rural_environment',
      media: ['surface_water', 'soil'],
      budgetFen: 6_348_650,
    });
    // 19 companies, each with an escrow duty deposited in full (created a few at a time).
    const cases: string[] = [];
    for (let k = 0; k < amountsFen.length; k += 5) {
      const batch = amountsFen.slice(k, k + 5).map((amountFen, i) =>
        moneyCase(handler, { amountFen, depositFen: amountFen, damageMedia: ['surface_water'], title: `企业${k + i + 1} 替代性修复` }),
      );
      cases.push(...(await Promise.all(batch)).map((c) => c.id));
    }
    const plan = await handler.post('/matching/plan', { caseIds: cases, projectIds: [projectId] }).expect(200);
    expect(plan.body.allocations).toHaveLength(19);
    expect(plan.body.unallocatedFen).toBe(0);
    expect(plan.body.allocations.reduce((s: number, a: { amountFen: number }) => s + a.amountFen, 0)).toBe(6_348_650);

    for (const a of plan.body.allocations as { caseId: string; obligationId: string; projectId: string; amountFen: number }[]) {
      const res = await allocateAndConfirm(handler, manager, { caseId: a.caseId, obligationId: a.obligationId, projectId: a.projectId, amountFen: a.amountFen });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('confirmed');
    }
    const project = (await manager.get(`/projects/${projectId}`).expect(200)).body;
    expect(project).toMatchObject({ fundedFen: 6_348_650, gapFen: 0, status: 'funded' });
    for (const id of cases) {
      const view = (await handler.get(`/cases/${id}`).expect(200)).body;
      expect(view.restorationStatus).toBe('allocated');
    }
    const confirmed = await handler.get(`/allocations?projectId=${projectId}&status=confirmed&limit=50`).expect(200);
    expect(confirmed.body.items).toHaveLength(19);
  }, 300_000);
});
