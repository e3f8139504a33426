import { ManualClock } from '../../src/clock';
import { AllocationModel } from '../../models/allocation';
import { ObligationLedgerModel } from '../../models/obligation-ledger';
import { ProjectModel } from '../../models/project';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { caseWithObligations, newBase, publishedProject } from './support';

/**
 * Confirmations race without transactions: these pin down that no interleaving pushes a project
 * past its gap or an obligation past its money, that releases never pass their allocation, and
 * that a confirmation interrupted between its steps is finished or undone by the next reader.
 */

let svc: TestService;
let handler: Caller;
let manager: Caller;
let baseId: string;
const clock = new ManualClock(new Date('2026-01-15T02:00:00Z'));

beforeAll(async () => {
  svc = await startTestService({ clock });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  baseId = await newBase(as(svc.app, TEST_ADMIN_TOKEN));
  manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [baseId] })).token);
});
afterAll(async () => {
  await svc.stop();
});

async function propose(caseId: string, obligationId: string, projectId: string, amountFen: number): Promise<string> {
  const res = await handler.post('/allocations', { caseId, obligationId, projectId, amountFen });
  if (res.status !== 201) throw new Error(`proposal failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The invariant at rest: a project's amounts are exactly its confirmed allocations. */
async function expectProjectConsistent(projectId: string) {
  const project = (await ProjectModel.findById(projectId).lean())!;
  const confirmed = await AllocationModel.find({ projectId, status: 'confirmed' }).lean();
  const sum = confirmed.reduce((s, a) => s + a.amountFen, 0);
  expect(project.fundedFen).toBe(sum);
  expect(project.gapFen).toBe(project.budgetFen - sum);
  expect(project.gapFen).toBeGreaterThanOrEqual(0);
  expect(project.allocationIds.map((e) => e.split('#')[0]).sort()).toEqual(confirmed.map((a) => a._id).sort());
  return { project, confirmed };
}

describe('concurrent confirmations against one project', () => {
  it('confirms only what fits the gap; fundedFen equals the sum of confirmed allocations', async () => {
    const projectId = await publishedProject(manager, baseId, { budgetFen: 1_000_000 });
    // One case with ten escrow obligations of 1,500 yuan each, all deposited: 15,000 yuan for a 10,000 yuan gap.
    const obligations = Array.from({ length: 10 }, () => ({ kind: 'escrow', amountFen: 150_000 }));
    const deposits = obligations.map((_, i) => ({ obligationId: `O${i + 1}`, amountFen: 150_000 }));
    const { id: caseId } = await caseWithObligations(handler, obligations, deposits);
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) ids.push(await propose(caseId, `O${i}`, projectId, 150_000));

    // Both sides accept all ten at once: twenty requests racing.
    const replies = await Promise.all(ids.flatMap((id) => [handler.post(`/allocations/${id}/accept`), manager.post(`/allocations/${id}/accept`)]));
    for (const r of replies) expect([200, 422]).toContain(r.status);
    for (const r of replies.filter((x) => x.status === 422)) expect(r.body.error.code).toBe('exceeds_gap');

    const { project, confirmed } = await expectProjectConsistent(projectId);
    expect(confirmed).toHaveLength(6);
    expect(project).toMatchObject({ fundedFen: 900_000, gapFen: 100_000, status: 'funding' });
    // Each allocation left unconfirmed was answered with the refusal (a request of either side may retry it).
    ids.forEach((id, i) => {
      const mine = [replies[2 * i]!, replies[2 * i + 1]!];
      if (confirmed.some((a) => a._id === id)) expect(mine.some((r) => r.status === 200 && r.body.status === 'confirmed')).toBe(true);
      else expect(mine.some((r) => r.status === 422)).toBe(true);
    });
    const stillProposed = await AllocationModel.find({ _id: { $in: ids }, status: 'proposed' }).lean();
    expect(stillProposed).toHaveLength(4);
    expect(stillProposed.every((a) => a.reservation === null && a.acceptedByCase && a.acceptedByProject)).toBe(true);

    const view = (await handler.get(`/cases/${caseId}`).expect(200)).body;
    const allocated = view.obligations.reduce((s: number, o: { allocatedFen: number }) => s + o.allocatedFen, 0);
    expect(allocated).toBe(900_000);
    expect(view.restorationStatus).toBe('partly_allocated');
  });

  it('never allocates an obligation past its money, even across projects', async () => {
    const projects = [
      await publishedProject(manager, baseId, { budgetFen: 1_000_000, name: '项目甲' }),
      await publishedProject(manager, baseId, { budgetFen: 1_000_000, name: '项目乙' }),
      await publishedProject(manager, baseId, { budgetFen: 1_000_000, name: '项目丙' }),
    ];
    const { id: caseId } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 500_000 }], [{ obligationId: 'O1', amountFen: 500_000 }]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await propose(caseId, 'O1', projects[i % 3]!, 200_000));
    for (const id of ids) await handler.post(`/allocations/${id}/accept`).expect(200);

    const replies = await Promise.all(ids.map((id) => manager.post(`/allocations/${id}/accept`)));
    const ok = replies.filter((r) => r.status === 200 && r.body.status === 'confirmed');
    const refused = replies.filter((r) => r.status === 422);
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'exceeds_unallocated' });

    const ledger = (await ObligationLedgerModel.findById(`${caseId}:O1`).lean())!;
    expect(ledger.allocatedFen).toBe(400_000);
    expect(ledger.allocationIds).toHaveLength(2);
    for (const p of projects) await expectProjectConsistent(p);
    const funded = (await ProjectModel.find({ _id: { $in: projects } }).lean()).reduce((s, p) => s + p.fundedFen, 0);
    expect(funded).toBe(400_000);

    // What is left (1,000 yuan) can still be proposed and confirmed; a proposal above it is refused.
    await handler.post('/allocations', { caseId, obligationId: 'O1', projectId: projects[0], amountFen: 100_001 }).expect(422);
    const last = await propose(caseId, 'O1', projects[0]!, 100_000);
    await handler.post(`/allocations/${last}/accept`).expect(200);
    expect((await manager.post(`/allocations/${last}/accept`).expect(200)).body.status).toBe('confirmed');
    expect((await ObligationLedgerModel.findById(`${caseId}:O1`).lean())!.allocatedFen).toBe(500_000);
    expect((await handler.get(`/cases/${caseId}`).expect(200)).body.restorationStatus).toBe('allocated');
  });
});

describe('releases', () => {
  it('never exceed the allocation, even when sent at once', async () => {
    const projectId = await publishedProject(manager, baseId, { budgetFen: 150_000 });
    const { id: caseId } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 150_000 }], [{ obligationId: 'O1', amountFen: 150_000 }]);
    const id = await propose(caseId, 'O1', projectId, 150_000);
    await handler.post(`/allocations/${id}/releases`, { amountFen: 1, milestone: '预付', releasedAt: '2026-02-01' }).expect(422);
    await handler.post(`/allocations/${id}/accept`).expect(200);
    await manager.post(`/allocations/${id}/accept`).expect(200);
    expect((await manager.get(`/projects/${projectId}`).expect(200)).body.status).toBe('funded');

    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => handler.post(`/allocations/${id}/releases`, { amountFen: 20_000, milestone: `第${i + 1}期`, releasedAt: '2026-03-01' })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(7);
    expect(replies.filter((r) => r.status === 422).every((r) => r.body.error.code === 'exceeds_allocation')).toBe(true);
    const after = (await handler.get(`/allocations/${id}`).expect(200)).body;
    expect(after.releasedFen).toBe(140_000);
    expect(after.releases.reduce((s: number, r: { amountFen: number }) => s + r.amountFen, 0)).toBe(140_000);
    await manager.post(`/allocations/${id}/releases`, { amountFen: 10_000, milestone: '尾款', releasedAt: '2026-03-02' }).expect(403);
    const ledger = (await handler.get(`/escrow?caseId=${caseId}`).expect(200)).body;
    expect(ledger.items[0]).toMatchObject({ depositedFen: 150_000, allocatedFen: 150_000, releasedFen: 140_000, balanceFen: 10_000, unallocatedFen: 0 });
  });

  it('repeats nothing for a repeated Idempotency-Key', async () => {
    const projectId = await publishedProject(manager, baseId, { budgetFen: 100_000 });
    const { id: caseId } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 100_000 }], [{ obligationId: 'O1', amountFen: 100_000 }]);
    const id = await propose(caseId, 'O1', projectId, 100_000);
    await handler.post(`/allocations/${id}/accept`).expect(200);
    await manager.post(`/allocations/${id}/accept`).expect(200);
    const body = { amountFen: 30_000, milestone: '开工', releasedAt: '2026-02-01' };
    const first = await handler.post(`/allocations/${id}/releases`, body).set('Idempotency-Key', 'rel-1').expect(201);
    const again = await handler.post(`/allocations/${id}/releases`, body).set('Idempotency-Key', 'rel-1').expect(201);
    expect(again.body).toEqual(first.body);
    expect((await handler.get(`/allocations/${id}`).expect(200)).body.releasedFen).toBe(30_000);
  });
});

describe('a confirmation interrupted between its steps', () => {
  /**
   * A proposed allocation with both sides' acceptances, as a process left it that died right after
   * claiming the confirmation and reserving on the project, before the ledger step.
   */
  async function crashedAfterProjectStep(caseId: string, projectId: string, amountFen: number) {
    const id = await propose(caseId, 'O1', projectId, amountFen);
    const token = 'rsv_crashed';
    const now = clock.now();
    await AllocationModel.updateOne(
      { _id: id },
      { $set: { acceptedByCase: { clientId: 'h', at: now }, acceptedByProject: { clientId: 'm', at: now }, reservation: { token, startedAt: now } }, $inc: { version: 1 } },
    );
    await ProjectModel.updateOne({ _id: projectId }, { $inc: { fundedFen: amountFen, gapFen: -amountFen, version: 1 }, $push: { allocationIds: `${id}#${token}` } });
    return id;
  }

  it('is redone under a new claim once its lease has run out, exactly once', async () => {
    const projectId = await publishedProject(manager, baseId, { budgetFen: 500_000 });
    const { id: caseId } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 200_000 }], [{ obligationId: 'O1', amountFen: 200_000 }]);
    const id = await crashedAfterProjectStep(caseId, projectId, 200_000);
    const during = (await handler.get(`/allocations/${id}`).expect(200)).body;
    expect(during).toMatchObject({ status: 'proposed', confirming: true });
    expect((await ProjectModel.findById(projectId).lean())!.gapFen).toBe(300_000);

    clock.advanceDays(2 / (24 * 60)); // two minutes later: the lease has run out
    const recovered = (await handler.get(`/allocations/${id}`).expect(200)).body;
    expect(recovered).toMatchObject({ status: 'confirmed', confirming: false });
    const { project } = await expectProjectConsistent(projectId);
    expect(project).toMatchObject({ fundedFen: 200_000, gapFen: 300_000, status: 'funding' });
    expect(project.allocationIds).toHaveLength(1);
    expect(project.allocationIds[0]).not.toContain('rsv_crashed');
    expect((await ObligationLedgerModel.findById(`${caseId}:O1`).lean())!.allocatedFen).toBe(200_000);
    expect((await handler.get(`/cases/${caseId}`).expect(200)).body.restorationStatus).toBe('allocated');
    // Reading again changes nothing.
    await handler.get('/allocations').expect(200);
    await expectProjectConsistent(projectId);
  });

  it('is undone, leaving the allocation proposed, when its money went to another project meanwhile', async () => {
    const first = await publishedProject(manager, baseId, { budgetFen: 500_000, name: '项目丁' });
    const second = await publishedProject(manager, baseId, { budgetFen: 500_000, name: '项目戊' });
    const { id: caseId } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 200_000 }], [{ obligationId: 'O1', amountFen: 200_000 }]);
    const crashed = await crashedAfterProjectStep(caseId, first, 200_000);
    // The same money, proposed to another project and confirmed while the crashed one holds nothing on the ledger.
    const other = await propose(caseId, 'O1', second, 200_000);
    await handler.post(`/allocations/${other}/accept`).expect(200);
    expect((await manager.post(`/allocations/${other}/accept`).expect(200)).body.status).toBe('confirmed');

    clock.advanceDays(2 / (24 * 60));
    await handler.get('/escrow').expect(200); // any reader recovers stale reservations
    const after = (await handler.get(`/allocations/${crashed}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'proposed', confirming: false });
    const { project } = await expectProjectConsistent(first);
    expect(project).toMatchObject({ fundedFen: 0, gapFen: 500_000, status: 'published', allocationIds: [] });
    await expectProjectConsistent(second);
    const ledger = (await ObligationLedgerModel.findById(`${caseId}:O1`).lean())!;
    expect(ledger.allocatedFen).toBe(200_000);
    expect(ledger.allocationIds.map((e) => e.split('#')[0])).toEqual([other]);
    // It can still be declined by either side.
    expect((await manager.post(`/allocations/${crashed}/decline`, { reason: '资金已另行分配' }).expect(200)).body.status).toBe('declined');
  });
});
