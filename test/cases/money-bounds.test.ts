import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { caseWithObligations } from '../projects/support';

/**
 * Money is bounded by what is owed: a deposit or payment above what an obligation still owes is
 * refused with the amounts, and money duties must name their amount. (Measured before: a
 * 10^15-fen deposit against a 2,000-fen duty was accepted and then allocated and released.)
 */

const bed = caseTestBed('2026-02-02T02:00:00Z');

let certificate = 0;
const deposit = (obligationId: string, amountFen: number) => ({
  type: 'ESCROW_DEPOSITED',
  obligationId,
  amountFen,
  notary: '苏州市姑苏公证处',
  certificateNo: `（2026）苏姑证字第${++certificate}号`,
  depositedAt: '2026-01-12',
});

async function refused(id: string, event: Record<string, unknown>): Promise<string> {
  const before = (await bed.handler.get(`/cases/${id}`).expect(200)).body;
  const res = await bed.handler.post(`/cases/${id}/events`, event);
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 422, code: 'guard_failed' });
  const after = (await bed.handler.get(`/cases/${id}`).expect(200)).body;
  expect({ version: after.version, obligations: after.obligations }).toEqual({ version: before.version, obligations: before.obligations });
  return res.body.error.message as string;
}

describe('money bounded by what is owed', () => {
  it('refuses an escrow deposit above the amount still owed, and accepts the rest exactly', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'escrow', amountFen: 2_000 }]);
    const message = await refused(id, deposit('O1', 1_000_000_000_000_000));
    expect(message).toContain('提存金额超过该义务尚未履行的数额');
    expect(message).toContain('尚余 20.00 元');

    await send(bed.handler, id, deposit('O1', 1_500));
    expect(await refused(id, deposit('O1', 501))).toContain('尚余 5.00 元');
    const view = await send(bed.handler, id, deposit('O1', 500));
    expect(view.obligations[0]).toMatchObject({ id: 'O1', status: 'performed' });
  });

  it('refuses a payment above the amount still owed', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'payment', amountFen: 10_000 }]);
    await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'in_progress', paidFen: 6_000 });
    expect(await refused(id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 4_001 })).toContain('缴纳金额超过该义务尚未履行的数额');
    const view = await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 4_000 });
    expect(view.obligations[0]).toMatchObject({ status: 'performed', paidFen: 10_000 });
  });

  it('requires an amount for payment, escrow and substitute-restoration duties (400, nothing changes)', async () => {
    for (const kind of ['payment', 'escrow', 'substitute_restoration']) {
      await expect(caseWithObligations(bed.handler, [{ kind }])).rejects.toThrow(/CONSULTATION_AGREED → 400 .*amountFen/);
    }
    // A duty in kind needs no amount.
    await caseWithObligations(bed.handler, [{ kind: 'replanting' }]);
  });

  it('names the missing amount for the console', async () => {
    const id = (await bed.handler.post('/cases', leadBody()).expect(201)).body.id as string;
    const res = await bed.handler.post(`/cases/${id}/events`, { type: 'CONSULTATION_AGREED', obligations: [{ kind: 'escrow', partyId: 'P1' }] }).expect(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'obligations.0.amountFen' })]));
  });
});
