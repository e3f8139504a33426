import { DeadlineScheduler } from '../../src/scheduler/deadline-scheduler';
import { CaseModel } from '../../models/case';
import { migrateStoredCases } from '../../src/cases/case-data-migrations';
import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/**
 * The court publishes an agreement for not less than 30 days before it may confirm it: a floor set
 * by the court, not a duty of the bureau. It is recorded (from the application, or the actual
 * publication), never overdue, never marked missed, and a `confirmed` ruling dated before it ends
 * is refused.
 */

const bed = caseTestBed('2026-03-02T02:00:00Z');
const clock = bed.clock;

async function appliedForConfirmation(appliedAt: string, extra: Record<string, unknown> = {}): Promise<string> {
  clock.set('2026-03-02T02:00:00Z');
  const id = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-02-02' })).expect(201)).body.id as string;
  for (const e of [
    { type: 'SCREENED', outcome: 'verify' },
    { type: 'DAMAGE_CONFIRMED', findings: '核查属实' },
    { type: 'CLAIM_STARTED' },
    { type: 'PROCURATORATE_NOTIFIED', procuratorate: '苏州市吴中区人民检察院' },
    { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: 1_000_000, restorability: 'none' },
    { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-02-20', replyDueAt: '2026-03-06' },
    { type: 'OBLIGOR_REPLIED', reply: 'agree_to_consult' },
    { type: 'CONSULTATION_MEETING_HELD', heldAt: '2026-02-25', obligorAttended: true },
    { type: 'CONSULTATION_AGREED', obligations: [{ kind: 'payment', amountFen: 1_000_000, partyId: 'P1' }] },
    { type: 'AGREEMENT_SIGNED', signedAt: '2026-02-27' },
    { type: 'JUDICIAL_CONFIRMATION_APPLIED', court: '苏州市中级人民法院', appliedAt, ...extra },
  ]) await send(bed.handler, id, e);
  return id;
}

type View = { state: string; overdue: boolean; deadlines: { rule: string; dueAt: string; status: string; overdue: boolean; notBefore?: boolean }[] };
const notice = (view: View) => view.deadlines.find((d) => d.rule === 'judicial_confirmation_notice_30d')!;

describe('the court\'s notice period of a judicial confirmation', () => {
  it('is a not-before date that never becomes overdue, even long past', async () => {
    const id = await appliedForConfirmation('2026-03-02');
    // 2026-03-02 + 30 days = 2026-04-01, a Wednesday.
    const view = (await bed.handler.get(`/cases/${id}`).expect(200)).body as View;
    expect(notice(view)).toMatchObject({ status: 'open', dueAt: '2026-04-01T15:59:59.999Z', notBefore: true, overdue: false });

    clock.set('2026-05-01T02:00:00Z');
    await new DeadlineScheduler(bed.svc.ctx).tick();
    const later = (await bed.handler.get(`/cases/${id}`).expect(200)).body as View;
    expect(notice(later)).toMatchObject({ status: 'open', overdue: false });
    expect(later.overdue).toBe(false);
    const overdueList = (await bed.handler.get('/cases?overdue=true&limit=100').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(overdueList).not.toContain(id);
    const stats = (await bed.handler.get('/stats/overdue').expect(200)).body;
    expect(JSON.stringify(stats)).not.toContain('judicial_confirmation_notice_30d');
  });

  it('refuses a confirmation dated before the notice ends, and accepts one after it', async () => {
    const id = await appliedForConfirmation('2026-03-02');
    clock.set('2026-04-01T08:00:00Z');
    const early = await bed.handler.post(`/cases/${id}/events`, { type: 'JUDICIAL_CONFIRMATION_RULED', result: 'confirmed' }).expect(422);
    expect(early.body.error.details.reason).toContain('人民法院的公告期至 2026年4月1日 届满，确认裁定不能早于届满之后');
    // A rejection is not bound by the notice.
    clock.set('2026-04-02T02:00:00Z');
    const confirmed = await send(bed.handler, id, { type: 'JUDICIAL_CONFIRMATION_RULED', result: 'confirmed', rulingRef: '（2026）苏05民特12号' });
    expect(confirmed.state).toBe('performance');
    expect(notice(confirmed)).toMatchObject({ status: 'met' });
  });

  it('counts from the actual publication when it is recorded', async () => {
    const id = await appliedForConfirmation('2026-03-02', { noticePublishedAt: '2026-03-02' });
    clock.set('2026-03-10T02:00:00Z');
    const view = await send(bed.handler, id, { type: 'JUDICIAL_NOTICE_PUBLISHED', publishedAt: '2026-03-09', noticeRef: '（2026）苏05民特12号公告' });
    // 2026-03-09 + 30 days = 2026-04-08, a Wednesday.
    expect(notice(view)).toMatchObject({ dueAt: '2026-04-08T15:59:59.999Z', status: 'open' });
    clock.set('2026-04-08T02:00:00Z');
    await bed.handler.post(`/cases/${id}/events`, { type: 'JUDICIAL_CONFIRMATION_RULED', result: 'confirmed' }).expect(422);
    expect((await send(bed.handler, id, { type: 'JUDICIAL_CONFIRMATION_RULED', result: 'rejected' })).state).toMatch(/^consultation/);
  });

  it('once marked missed by an earlier version, is open again after the start-up migration', async () => {
    const id = await appliedForConfirmation('2026-03-02');
    const stored = (await CaseModel.findById(id, { deadlines: 1 }).lean())!;
    const deadlines = stored.deadlines.map((d) => (d.rule === 'judicial_confirmation_notice_30d' ? { ...d, status: 'missed', missedAt: new Date('2026-04-02T00:00:00Z') } : d));
    await CaseModel.updateOne({ _id: id }, { $set: { deadlines, overdue: true } });
    expect((await migrateStoredCases(bed.svc.ctx)).notBeforeDatesRestored).toBe(1);
    const view = (await bed.handler.get(`/cases/${id}`).expect(200)).body as View;
    expect(notice(view)).toMatchObject({ status: 'open', overdue: false });
    expect(view.overdue).toBe(false);
    expect((await migrateStoredCases(bed.svc.ctx)).notBeforeDatesRestored).toBe(0);
  });
});
