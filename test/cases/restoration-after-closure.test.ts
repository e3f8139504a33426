import { as, newClient, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { caseWithObligations, newBase, publishedProject } from '../projects/support';
import { TEST_ADMIN_TOKEN } from '../support/service';

/**
 * Escrow discharges the obligor, not the restoration: Suzhou closes such cases once the deposit is
 * made, and a closed case whose restoration is pending stays findable (restorationPending=true)
 * until its money is allocated and its projects are accepted.
 */

const bed = caseTestBed('2026-02-02T02:00:00Z');

async function closedAfterDeposit(): Promise<string> {
  const { id } = await caseWithObligations(bed.handler, [{ kind: 'escrow', amountFen: 640_000 }], [{ obligationId: 'O1', amountFen: 640_000 }], { title: '提存后结案的案件' });
  await send(bed.handler, id, { type: 'EVALUATION_EXEMPTED', reasonCode: 'no_restoration_obligation' });
  return (await send(bed.handler, id, { type: 'CASE_CLOSED', archiveRef: '吴环赔档〔2026〕3号' })).id as string;
}

describe('closed, restoration pending', () => {
  it('lists a case closed after its escrow deposit while its money is not yet restored', async () => {
    const pending = await closedAfterDeposit();
    const { id: paidOnly } = await caseWithObligations(bed.handler, [{ kind: 'payment', amountFen: 10_000 }]);
    await send(bed.handler, paidOnly, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 10_000 });

    const view = (await bed.handler.get(`/cases/${pending}`).expect(200)).body;
    expect(view).toMatchObject({ state: 'closed', liabilityStatus: 'discharged', restorationStatus: 'pending' });

    const listed = (await bed.handler.get('/cases?state=closed&restorationPending=true&count=true').expect(200)).body;
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([pending]);
    expect(listed.total).toBe(1);
    const notPending = (await bed.handler.get('/cases?restorationPending=false&limit=200').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(notPending).toContain(paidOnly);
    expect(notPending).not.toContain(pending);
    await bed.handler.get('/cases?restorationPending=maybe').expect(400);
  });

  it('stays in the base manager\'s matching and in the restoration figures until its money is placed', async () => {
    const pending = await closedAfterDeposit();
    const baseId = await newBase(as(bed.svc.app, TEST_ADMIN_TOKEN));
    const manager = as(bed.svc.app, (await newClient(bed.svc.app, 'baseManager', { baseIds: [baseId] })).token);
    const projectId = await publishedProject(manager, baseId, { budgetFen: 640_000 });
    // The base manager's side of the two-way matching still offers the closed case's escrowed money.
    const suggested = (await manager.get(`/projects/${projectId}/case-suggestions`).expect(200)).body.items.map((i: { caseId: string }) => i.caseId);
    expect(suggested).toContain(pending);
    // The restoration rate counts it as owing restoration, not restored.
    const kpis = (await bed.handler.get('/stats/kpis').expect(200)).body;
    expect(kpis.restorationRate.reportedApart.byStatus.pending).toBeGreaterThanOrEqual(1);
  });
});
