import { send, leadAtConsultationNotice } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { caseWithObligations } from '../projects/support';

/**
 * Two roads to court that were dead ends: consultation impossible from the start (the notice cannot
 * be served, the obligor is gone), and an agreement without judicial confirmation that is not
 * performed (sued on from performance; enforcement stays for confirmed agreements and judgments).
 */

const bed = caseTestBed('2026-02-02T02:00:00Z');

const atConsultationNotice = () => leadAtConsultationNotice(bed.handler);

const suit = { type: 'LAWSUIT_FILED', court: '苏州市中级人民法院', filedAt: '2026-02-01' };

describe('consultation impossible', () => {
  it('is declared before any notice, with the circumstances, and the case goes to court', async () => {
    const id = await atConsultationNotice();
    const noNote = await bed.handler.post(`/cases/${id}/events`, { type: 'CONSULTATION_FAILED', reasonCode: 'cannot_consult' }).expect(422);
    expect(noNote.body.error.details.reason).toContain('“无法磋商”须说明情况');
    const other = await bed.handler.post(`/cases/${id}/events`, { type: 'CONSULTATION_FAILED', reasonCode: 'obligor_refused' }).expect(422);
    expect(other.body.error.details.reason).toContain('磋商通知送达前只能以“无法磋商”为由认定磋商不成');
    const failed = await send(bed.handler, id, { type: 'CONSULTATION_FAILED', reasonCode: 'cannot_consult', note: '义务人已注销，法定代表人下落不明，通知无法送达' });
    expect(failed.state).toBe('consultation.failed');
    expect((await send(bed.handler, id, suit)).state).toBe('litigation');
  });
});

describe('an unperformed agreement without judicial confirmation', () => {
  it('is sued on from performance, and the judgment takes the place of the duties sued for', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'payment', amountFen: 50_000 }, { kind: 'replanting' }]);
    await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O2', status: 'performed' });
    // Without a basis, or naming a performed duty, the suit is refused.
    expect((await bed.handler.post(`/cases/${id}/events`, suit).expect(422)).body.error.details.reason).toContain('履行阶段起诉须以协议未履行为由');
    expect((await bed.handler.post(`/cases/${id}/events`, { ...suit, basis: 'agreement_default', obligationIds: ['O2'] }).expect(422)).body.error.details.reason).toContain('义务 O2 已履行完毕');
    const sued = await send(bed.handler, id, { ...suit, basis: 'agreement_default', obligationIds: ['O1'] });
    expect(sued.state).toBe('litigation');
    expect(sued.obligations.find((o: { id: string }) => o.id === 'O1')).toMatchObject({ status: 'defaulted' });

    const judged = await send(bed.handler, id, { type: 'JUDGMENT_EFFECTIVE', outcome: 'upheld', obligations: [{ kind: 'payment', amountFen: 55_000, partyId: 'P1' }], judgmentRef: '（2026）苏05民初8号' });
    expect(judged.state).toBe('performance');
    expect(judged.enforceable).toBe(true);
    expect(judged.obligations.map((o: { id: string; source: string }) => [o.id, o.source])).toEqual([['O2', 'agreement'], ['O3', 'judgment']]);
    expect((await send(bed.handler, id, { type: 'OBLIGATION_PROGRESS', obligationId: 'O3', status: 'performed', paidFen: 55_000 })).state).toBe('evaluation.pending');
  });

  it('is enforced, not sued on, once it is enforceable', async () => {
    const { id } = await caseWithObligations(bed.handler, [{ kind: 'payment', amountFen: 50_000 }]);
    // A judicially confirmed agreement is the same as a judgment here: mark it so as the confirmation would.
    await send(bed.handler, id, { ...suit, basis: 'agreement_default', obligationIds: ['O1'] });
    await send(bed.handler, id, { type: 'JUDGMENT_EFFECTIVE', outcome: 'upheld', obligations: [{ kind: 'payment', amountFen: 50_000 }] });
    const again = await bed.handler.post(`/cases/${id}/events`, { ...suit, basis: 'agreement_default', obligationIds: ['O2'] }).expect(422);
    expect(again.body.error.details.reason).toMatch(/可申请强制执行|不是赔偿协议设定的/);
  });
});
