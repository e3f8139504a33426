import { ManualClock } from '../../src/clock';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { caseWithObligations } from '../projects/support';

/**
 * Escrow discharges the obligor, not the restoration: Suzhou closes such cases once the deposit is
 * made, and a closed case whose restoration is pending stays findable (restorationPending=true)
 * until its money is allocated and its projects are accepted.
 */

let svc: TestService;
let handler: Caller;

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date('2026-02-02T02:00:00Z')) });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
});
afterAll(async () => {
  await svc.stop();
});

async function closedAfterDeposit(): Promise<string> {
  const { id } = await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 640_000 }], [{ obligationId: 'O1', amountFen: 640_000 }], { title: '提存后结案的案件' });
  await send(handler, id, { type: 'EVALUATION_EXEMPTED', reasonCode: 'no_restoration_obligation' });
  return (await send(handler, id, { type: 'CASE_CLOSED', archiveRef: '吴环赔档〔2026〕3号' })).id as string;
}

describe('closed, restoration pending', () => {
  it('lists a case closed after its escrow deposit while its money is not yet restored', async () => {
    const pending = await closedAfterDeposit();
    const { id: paidOnly } = await caseWithObligations(handler, [{ kind: 'payment', amountFen: 10_000 }]);
    await send(handler, paidOnly, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 10_000 });

    const view = (await handler.get(`/cases/${pending}`).expect(200)).body;
    expect(view).toMatchObject({ state: 'closed', liabilityStatus: 'discharged', restorationStatus: 'pending' });

    const listed = (await handler.get('/cases?state=closed&restorationPending=true&count=true').expect(200)).body;
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([pending]);
    expect(listed.total).toBe(1);
    const notPending = (await handler.get('/cases?restorationPending=false&limit=200').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(notPending).toContain(paidOnly);
    expect(notPending).not.toContain(pending);
    await handler.get('/cases?restorationPending=maybe').expect(400);
  });
});
