import { TEST_ADMIN_TOKEN } from '../support/service';
import { as, newClient, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { allocateAndConfirm, caseWithObligations, newBase, publishedProject } from '../projects/support';

/**
 * A payment or deposit recorded in error is corrected by a reversing event, MONEY_RECORD_REVERSED
 * { seq, reason }: its amounts are undone, the history stays append-only, and money already
 * allocated to a project cannot be taken away this way.
 */

const bed = caseTestBed('2026-02-02T02:00:00Z');

type Obl = { id: string; status: string; paidFen: number; depositedFen: number };
const obligation = (view: { obligations: Obl[] }, id = 'O1') => view.obligations.find((o) => o.id === id)!;
const seqOf = async (id: string, type: string) => ((await bed.handler.get(`/cases/${id}/history`).expect(200)).body.items as { seq: number; type: string }[]).filter((e) => e.type === type).map((e) => e.seq);

describe('reversing a money record', () => {
  it('undoes a deposit recorded in error, returns the case to performance, and keeps the history whole', async () => {
    const { id, view } = await caseWithObligations(bed.handler, [{ kind: 'escrow', amountFen: 10_000 }], [{ obligationId: 'O1', amountFen: 10_000, certificateNo: '（2026）苏姑证字第501号' }]);
    expect(view).toMatchObject({ state: 'evaluation.pending' });
    const [depositSeq] = await seqOf(id, 'ESCROW_DEPOSITED');
    const reversed = await send(bed.handler, id, { type: 'MONEY_RECORD_REVERSED', seq: depositSeq, reason: '公证书编号录入错误' });
    expect(reversed.state).toBe('performance');
    expect(obligation(reversed)).toMatchObject({ status: 'pending', depositedFen: 0 });
    expect(reversed.deadlines.filter((d: { rule: string }) => d.rule === 'escrow_lapse_5y')).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect((await seqOf(id, 'ESCROW_DEPOSITED'))).toEqual([depositSeq]);
    expect((await bed.handler.get(`/cases/${id}/history/verify`).expect(200)).body.valid).toBe(true);
    // The right deposit is recorded again; the same record cannot be reversed twice.
    await send(bed.handler, id, { type: 'ESCROW_DEPOSITED', obligationId: 'O1', amountFen: 10_000, notary: '苏州市姑苏公证处', certificateNo: '（2026）苏姑证字第502号', depositedAt: '2026-01-20' });
    const twice = await bed.handler.post(`/cases/${id}/events`, { type: 'MONEY_RECORD_REVERSED', seq: depositSeq, reason: '再次撤销' }).expect(422);
    expect(twice.body.error.details.reason).toContain(`第 ${depositSeq} 条记录已撤销`);
  });

  it('undoes a payment, and in evaluation returns the case to performance when the duty is no longer performed', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'payment', amountFen: 10_000 }]);
    await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'in_progress', paidFen: 4_000 });
    await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'in_progress', paidFen: 4_000 });
    const [first, second] = await seqOf(id, 'OBLIGATION_PROGRESS');
    const view = await send(bed.handler, id, { type: 'MONEY_RECORD_REVERSED', seq: second, reason: '重复登记' });
    expect(obligation(view)).toMatchObject({ paidFen: 4_000, status: 'in_progress' });
    // The refund makes room for the real remainder, and no more.
    await bed.handler.post(`/cases/${id}/events`, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 6_001 }).expect(422);
    expect((await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 6_000 })).state).toBe('evaluation.pending');
    const inEvaluation = await send(bed.handler, id, { type: 'MONEY_RECORD_REVERSED', seq: first, reason: '票据作废' });
    expect(inEvaluation.state).toBe('performance');
    expect(obligation(inEvaluation)).toMatchObject({ paidFen: 6_000, status: 'in_progress' });
  });

  it('stays in evaluation while every duty is still performed', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'replanting' }]);
    // A duty in kind, performed, with a payment recorded on it by mistake.
    const performed = await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O1', status: 'performed', paidFen: 500 });
    expect(performed.state).toBe('evaluation.pending');
    const [seq] = await seqOf(id, 'OBLIGATION_PROGRESS');
    const view = await send(bed.handler, id, { type: 'MONEY_RECORD_REVERSED', seq, reason: '误录金额' });
    expect(view.state).toBe('evaluation.pending');
    expect(obligation(view)).toMatchObject({ status: 'performed', paidFen: 0 });
  });

  it('refuses an entry that recorded no money, and a deposit already allocated to a project', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'escrow', amountFen: 10_000 }], [{ obligationId: 'O1', amountFen: 10_000 }]);
    const notMoney = await bed.handler.post(`/cases/${id}/events`, { type: 'MONEY_RECORD_REVERSED', seq: 2, reason: 'x' }).expect(422);
    expect(notMoney.body.error.details.reason).toContain('第 2 条办理记录不是缴纳或提存记录');

    const [depositSeq] = await seqOf(id, 'ESCROW_DEPOSITED');
    const baseId = await newBase(as(bed.svc.app, TEST_ADMIN_TOKEN));
    const mgr = as(bed.svc.app, (await newClient(bed.svc.app, 'baseManager', { baseIds: [baseId] })).token);
    const projectId = await publishedProject(mgr, baseId, { budgetFen: 10_000 });
    expect((await allocateAndConfirm(bed.handler, mgr, { caseId: id, obligationId: 'O1', projectId, amountFen: 6_000 })).status).toBe(200);
    const allocated = await bed.handler.post(`/cases/${id}/events`, { type: 'MONEY_RECORD_REVERSED', seq: depositSeq, reason: '错误' }).expect(422);
    expect(allocated.body.error.details.reason).toContain('已确认分配 60.00 元，撤销后仅余 0.00 元');
  });
});
