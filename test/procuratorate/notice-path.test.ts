import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { DISTRICT_A, PROCURATORATE_A } from './helpers';

/**
 * The procuratorate's path on a lead it transferred (2024 linkage opinions): its public notice and,
 * once 30 days pass unanswered, "deemed not pursued" are accepted while the lead is registered,
 * being verified or awaiting the decision to start; the bureau answers with a written letter (函告),
 * which meets the 30 days.
 */

const bed = caseTestBed('2026-03-02T02:00:00Z', { districts: [DISTRICT_A], procuratorate: PROCURATORATE_A });
const clock = bed.clock;

async function transferred(sourceRef: string): Promise<string> {
  clock.set('2026-03-02T02:00:00Z');
  const { channel: _c, ...lead } = leadBody({ title: '检察机关移送：阳澄湖非法围垦线索', district: DISTRICT_A, receivedAt: '2026-03-01', sourceRef });
  void _c;
  return (await bed.proc.post('/procuratorate/leads', lead).expect(201)).body.id as string;
}

const notice = (ref: string) => ({ type: 'PUBLIC_NOTICE_ISSUED', noticeRef: `吴检公告〔2026〕${ref}号`, publishedAt: '2026-03-01' });
const deadlineOf = (view: { deadlines: { rule: string }[] }, rule: string) => view.deadlines.find((d) => d.rule === rule) as { status: string } | undefined;

describe('the procuratorate\'s public notice on a transferred lead', () => {
  it('is accepted before screening and during verification', async () => {
    const fresh = await transferred('31');
    const onLead = await send(bed.proc, fresh, notice('31'));
    expect(onLead.state).toBe('lead');
    expect(deadlineOf(onLead, 'public_notice_30d')).toMatchObject({ status: 'open' });

    const verifying = await transferred('32');
    await send(bed.handler, verifying, { type: 'SCREENED', outcome: 'verify' });
    expect((await send(bed.proc, verifying, notice('32'))).state).toBe('verification');
  });

  it('is answered by the bureau\'s written letter, after which it cannot be deemed not pursued', async () => {
    const id = await transferred('33');
    await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
    await send(bed.proc, id, notice('33'));
    const answered = await send(bed.handler, id, { type: 'REPLIED_TO_PROCURATORATE', letterRef: '吴环函〔2026〕7号', intent: 'claim' });
    expect(answered.state).toBe('verification');
    expect(deadlineOf(answered, 'public_notice_30d')).toMatchObject({ status: 'met' });
    expect(answered.procuratorate.reply).toMatchObject({ letterRef: '吴环函〔2026〕7号', intent: 'claim' });

    clock.set('2026-04-10T02:00:00Z');
    const res = await bed.proc.post(`/cases/${id}/events`, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴检公告〔2026〕33号', noticeEndedAt: '2026-03-31' });
    expect({ status: res.status, reason: res.body.error?.details?.reason }).toEqual({ status: 422, reason: expect.stringContaining('书面回复检察机关（吴环函〔2026〕7号），不能视为不提起索赔') });
  });

  it('left unanswered for 30 days, is deemed not pursued from verification, which ends the bureau\'s verification period', async () => {
    const id = await transferred('34');
    await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
    await send(bed.proc, id, notice('34'));
    clock.set('2026-04-02T02:00:00Z');
    const deemed = await send(bed.proc, id, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴检公告〔2026〕34号', noticeEndedAt: '2026-03-31' });
    expect(deemed.state).toMatch(/^publicInterestLitigation/);
    expect(deadlineOf(deemed, 'verification_30d')).toMatchObject({ status: 'cancelled' });
  });

  it('is deemed not pursued from a lead nobody screened', async () => {
    const id = await transferred('35');
    await send(bed.proc, id, notice('35'));
    clock.set('2026-04-02T02:00:00Z');
    expect((await send(bed.proc, id, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴检公告〔2026〕35号', noticeEndedAt: '2026-03-31' })).state).toMatch(/^publicInterestLitigation/);
  });

  it('refuses a written answer where there is no notice to answer', async () => {
    const id = await transferred('36');
    const res = await bed.handler.post(`/cases/${id}/events`, { type: 'REPLIED_TO_PROCURATORATE', letterRef: '吴环函〔2026〕8号', intent: 'claim' });
    expect({ status: res.status, reason: res.body.error?.details?.reason }).toEqual({ status: 422, reason: expect.stringContaining('检察机关尚未就本案发布公告') });
    // And the procuratorate may not write the bureau's letter.
    await send(bed.proc, id, notice('36'));
    expect((await bed.proc.post(`/cases/${id}/events`, { type: 'REPLIED_TO_PROCURATORATE', letterRef: 'x', intent: 'claim' })).status).toBe(403);
  });
});

describe('the written answer', () => {
  it('is refused once the notice is answered', async () => {
    const id = await transferred('37');
    await send(bed.proc, id, notice('37'));
    await send(bed.handler, id, { type: 'REPLIED_TO_PROCURATORATE', letterRef: '吴环函〔2026〕9号', intent: 'not_claim' });
    const again = await bed.handler.post(`/cases/${id}/events`, { type: 'REPLIED_TO_PROCURATORATE', letterRef: '吴环函〔2026〕10号', intent: 'claim' }).expect(422);
    expect(again.body.error.details.reason).toContain('检察公告已答复或已处理');
  });
});
