import { ManualClock } from '../../src/clock';
import { DeadlineScheduler } from '../../src/scheduler/deadline-scheduler';
import { as, leadBody, newClient, send, type Caller } from '../support/api';
import { startTestService, type TestService } from '../support/service';
import { DISTRICT_A, PROCURATORATE_A } from './helpers';

/**
 * The procuratorate's public notice (公告) on a public-interest lead it transferred: the bureau has
 * 30 days to answer in writing; only when they pass unanswered is the claim deemed not pursued.
 * The notice, its deadline and the refusal reasons are what the procuratorate sees on its case.
 */

const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
let svc: TestService;
let handler: Caller;
let proc: Caller;

const transfer = (sourceRef: string) => {
  const { channel: _c, ...body } = leadBody({ title: '检察机关移送：阳澄湖非法围垦线索', district: DISTRICT_A, receivedAt: '2026-03-01', sourceRef });
  void _c;
  return body;
};

/** A transferred lead carried to the decision whether to start the claim. */
async function leadAtStartDecision(sourceRef: string): Promise<string> {
  const id = (await proc.post('/procuratorate/leads', transfer(sourceRef)).expect(201)).body.id as string;
  await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场核查确认湿地被围垦' });
  return id;
}

const noticeDeadline = (view: { deadlines: { rule: string }[] }) => view.deadlines.find((d) => d.rule === 'public_notice_30d') as Record<string, unknown> | undefined;

beforeAll(async () => {
  svc = await startTestService({ clock });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token);
  proc = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] }, PROCURATORATE_A)).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('the procuratorate\'s public notice', () => {
  it('opens a 30-day deadline the procuratorate sees; deemed not pursued only after it passed unanswered', async () => {
    const id = await leadAtStartDecision('吴中检公建〔2026〕21号');
    clock.set('2026-03-05T02:00:00Z');
    const noticed = await send(proc, id, { type: 'PUBLIC_NOTICE_ISSUED', noticeRef: '吴中检公告〔2026〕3号', publishedAt: '2026-03-05' });
    expect(noticed.state).toBe('startDecision');
    expect(noticeDeadline(noticed)).toMatchObject({ status: 'open', ref: '吴中检公告〔2026〕3号', dueAt: expect.stringMatching(/^2026-04-0[4-7]T/) });
    // The procuratorate reads the same deadline on its own view of the case.
    expect(noticeDeadline((await proc.get(`/cases/${id}`).expect(200)).body)).toMatchObject({ status: 'open' });

    // Too early: the 30 days have not passed, whatever noticeEndedAt says.
    clock.set('2026-03-20T02:00:00Z');
    const early = await proc.post(`/cases/${id}/events`, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴中检公告〔2026〕3号', noticeEndedAt: '2026-03-19' }).expect(422);
    expect(early.body.error).toMatchObject({ code: 'guard_failed' });
    expect(early.body.error.details.reason).toMatch(/30日答复期尚未届满/);

    // The days pass unanswered: the scheduler marks the deadline missed; now the claim is deemed not pursued.
    clock.set('2026-04-10T02:00:00Z');
    await new DeadlineScheduler(svc.ctx).tick();
    const missed = (await proc.get(`/cases/${id}`).expect(200)).body;
    expect(noticeDeadline(missed)).toMatchObject({ status: 'missed', overdue: true });
    const deemed = await send(proc, id, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴中检公告〔2026〕3号', noticeEndedAt: '2026-04-04' });
    expect(deemed.state).toBe('publicInterestLitigation');
  });

  it('is answered when the bureau starts the claim in time', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const id = await leadAtStartDecision('吴中检公建〔2026〕22号');
    await send(proc, id, { type: 'PUBLIC_NOTICE_ISSUED', noticeRef: '吴中检公告〔2026〕4号', publishedAt: '2026-03-02' });
    clock.set('2026-03-12T02:00:00Z');
    const started = await send(handler, id, { type: 'CLAIM_STARTED' });
    expect(noticeDeadline(started)).toMatchObject({ status: 'met' });
    expect(started.state).toBe('investigation');
  });

  it('may be issued only by the procuratorate, and only where the claim is still undecided', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const id = await leadAtStartDecision('吴中检公建〔2026〕23号');
    const byHandler = await handler.post(`/cases/${id}/events`, { type: 'PUBLIC_NOTICE_ISSUED', noticeRef: '公告', publishedAt: '2026-03-02' }).expect(403);
    expect(byHandler.body.error.code).toBe('forbidden');
    await send(handler, id, { type: 'CLAIM_STARTED' });
    const late = await proc.post(`/cases/${id}/events`, { type: 'PUBLIC_NOTICE_ISSUED', noticeRef: '公告', publishedAt: '2026-03-02' }).expect(422);
    expect(late.body.error.code).toBe('event_not_allowed');
  });
});
