import { ManualClock } from '../../src/clock';
import { startTestService, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';

let svc: TestService;
let handler: Caller;
let reviewer: Caller;
const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));

beforeAll(async () => {
  svc = await startTestService({ clock });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  reviewer = as(svc.app, (await newClient(svc.app, 'reviewer', { districts: ['吴中区'] })).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('a small case on the simplified route, agreed, escrowed and closed', () => {
  it('goes from lead to closed(completed) with history, versions and a case number', async () => {
    const created = await handler.post('/cases', leadBody()).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ state: 'lead', version: 1, allowedEvents: expect.arrayContaining(['SCREENED']) });

    await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    let view = await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场倾倒约300立方米建筑垃圾' });
    expect(view.state).toBe('startDecision');
    view = await send(handler, id, { type: 'CLAIM_STARTED' });
    expect(view.caseNo).toMatch(/^苏环赔〔2026〕\d{4}号$/);
    expect(view.deadlines.find((d: { rule: string }) => d.rule === 'procuratorate_notice_15d')).toMatchObject({ status: 'open' });
    await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: '苏州市吴中区人民检察院' });
    await send(handler, id, { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true });
    view = await send(handler, id, { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: 6_400_00, restorability: 'none' });
    expect(view.state).toBe('consultation.notice');
    // A week on: the notice, the meeting, the signature and the deposit have happened by now.
    clock.set('2026-01-13T02:00:00Z');
    await send(handler, id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-01-06', replyDueAt: '2026-01-20' });
    await send(handler, id, { type: 'OBLIGOR_REPLIED', reply: 'agree_to_consult' });
    await send(handler, id, { type: 'CONSULTATION_MEETING_HELD', heldAt: '2026-01-08', obligorAttended: true, attendees: ['procuratorate', 'experts'] });
    view = await send(handler, id, { type: 'CONSULTATION_AGREED', obligations: [{ kind: 'escrow', amountFen: 6_400_00, partyId: 'P1' }] });
    expect(view.state).toBe('agreement.drafting');
    await send(handler, id, { type: 'AGREEMENT_SIGNED', signedAt: '2026-01-10' });
    view = await send(handler, id, { type: 'JUDICIAL_CONFIRMATION_WAIVED' });
    expect(view.state).toBe('performance');
    view = await send(handler, id, { type: 'ESCROW_DEPOSITED', obligationId: 'O1', amountFen: 6_400_00, notary: '苏州市姑苏公证处', certificateNo: '(2026)苏姑证字第1号', depositedAt: '2026-01-12' });
    expect(view.state).toBe('evaluation.pending');
    expect(view.liabilityStatus).toBe('discharged');
    expect(view.restorationStatus).toBe('pending');
    expect(view.obligations[0]).toMatchObject({ status: 'performed', allocatedFen: 0 });
    await send(handler, id, { type: 'EVALUATION_EXEMPTED', reasonCode: 'no_restoration_obligation' });
    view = await send(handler, id, { type: 'CASE_CLOSED', archiveRef: '档案2026-1' });
    expect(view).toMatchObject({ state: 'closed', outcome: 'completed', allowedEvents: [] });

    const history = await handler.get(`/cases/${id}/history`).expect(200);
    expect(history.body.items.map((e: { seq: number }) => e.seq)).toEqual(history.body.items.map((_: unknown, i: number) => i + 1));
    expect(history.body.items).toHaveLength(view.version);
    const verify = await handler.get(`/cases/${id}/history/verify`).expect(200);
    expect(verify.body.valid).toBe(true);
  });
});

describe('guards that explain themselves', () => {
  it('refuses the simplified route above the ceiling with the reason', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    for (const e of [
      { type: 'SCREENED', outcome: 'verify' },
      { type: 'DAMAGE_CONFIRMED', findings: 'x' },
      { type: 'CLAIM_STARTED' },
      { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    ]) await send(handler, id, e);
    const res = await handler.post(`/cases/${id}/events`, { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: 30_000_001, restorability: 'full' }).expect(422);
    expect(res.body.error.code).toBe('guard_failed');
    expect(res.body.error.details.reason).toMatch(/simplified route/);
    const after = await handler.get(`/cases/${id}`).expect(200);
    expect(after.body.version).toBe(5);
  });

  it('refuses a significantly-minor non-start inside a red line, accepts it outside', async () => {
    const inside = (await handler.post('/cases', leadBody({ redLine: true, parties: [] })).expect(201)).body.id;
    const outside = (await handler.post('/cases', leadBody({ parties: [] })).expect(201)).body.id;
    for (const id of [inside, outside]) {
      await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
      await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: 'x' });
    }
    const refused = await handler.post(`/cases/${inside}/events`, { type: 'CLAIM_NOT_STARTED', reasonCode: 'significantly_minor', note: '面积很小' }).expect(422);
    expect(refused.body.error.details.reason).toMatch(/red line/);
    const accepted = await send(handler, outside, { type: 'CLAIM_NOT_STARTED', reasonCode: 'significantly_minor', note: '面积很小' });
    expect(accepted).toMatchObject({ state: 'closed', outcome: 'not_started' });
  });

  it('refuses termination of a major case until a reviewer records a collective review', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    await send(handler, id, { type: 'MARKED_MAJOR', basis: 'central_inspection' });
    const refused = await handler.post(`/cases/${id}/events`, { type: 'TERMINATED', reasonCode: 'covered_elsewhere', note: '已另案处理' }).expect(422);
    expect(refused.body.error.details.reason).toMatch(/collective review/);
    await handler.post(`/cases/${id}/events`, { type: 'COLLECTIVE_REVIEW_RECORDED', decision: '同意终止' }).expect(403);
    const reviewed = await send(reviewer, id, { type: 'COLLECTIVE_REVIEW_RECORDED', decision: '同意终止', minutesRef: '会议纪要〔2026〕3号', attendees: ['张华（局长）', '李明（法规处处长）', '王芳（执法支队队长）'] });
    // The review records who took part, its minutes and its decision.
    expect(reviewed.collectiveReview).toMatchObject({ decision: '同意终止', minutesRef: '会议纪要〔2026〕3号', attendees: ['张华（局长）', '李明（法规处处长）', '王芳（执法支队队长）'] });
    await reviewer.post(`/cases/${id}/events`, { type: 'COLLECTIVE_REVIEW_RECORDED', decision: '同意', attendees: ['一人'] }).expect(400);
    const done = await send(handler, id, { type: 'TERMINATED', reasonCode: 'covered_elsewhere', note: '已另案处理' });
    expect(done).toMatchObject({ state: 'closed', outcome: 'terminated' });
  });
});

describe('suspension', () => {
  it('resumes exactly where it stopped and moves open deadlines by the time suspended', async () => {
    clock.set('2026-01-05T02:00:00Z');
    const id = (await handler.post('/cases', leadBody({ receivedAt: '2026-01-05' })).expect(201)).body.id;
    let view = await send(handler, id, { type: 'SCREENED', outcome: 'verify', at: '2026-01-05' });
    const due = view.deadlines[0].dueAt;
    clock.set('2026-01-06T03:00:00Z');
    view = await send(handler, id, { type: 'SUSPENDED', reason: '等待刑事判决', at: '2026-01-06' });
    expect(view.state).toBe('suspended');
    expect(view.allowedEvents).toEqual(expect.arrayContaining(['RESUMED', 'TERMINATED']));
    clock.set('2026-01-16T03:00:00Z');
    view = await send(handler, id, { type: 'RESUMED', at: '2026-01-16' });
    expect(view.state).toBe('verification');
    expect(Date.parse(view.deadlines[0].dueAt) - Date.parse(due)).toBe(10 * 86_400_000);
  });
});
