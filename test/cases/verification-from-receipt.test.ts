import { CaseModel } from '../../models/case';
import { DeadlineScheduler } from '../../src/scheduler/deadline-scheduler';
import { migrateStoredCases } from '../../src/cases/case-data-migrations';
import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/**
 * The 30-day verification period runs from receiving the lead (2022 Provisions), not from
 * screening: it opens at registration, is met by the verification's finding (damage or none), and
 * is cancelled when screening finds a duplicate or an out-of-scope lead, which closes as
 * `screened_out`, not as a decision not to start a claim.
 */

const bed = caseTestBed('2026-03-02T02:00:00Z');
const clock = bed.clock;

const verificationOf = (view: { deadlines: { rule: string }[] }) => view.deadlines.filter((d) => d.rule === 'verification_30d');

describe('the verification period', () => {
  it('opens at registration from the receipt, and a lead nobody screens becomes due and then overdue', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const created = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02', title: '无人筛查的线索' })).expect(201)).body;
    // 2026-03-02 + 30 days = 2026-04-01 (a Wednesday), end of that day in Beijing.
    expect(verificationOf(created)).toEqual([expect.objectContaining({ status: 'open', dueAt: '2026-04-01T15:59:59.999Z', startAt: '2026-03-01T16:00:00.000Z' })]);
    expect(created.state).toBe('lead');

    clock.set('2026-04-02T02:00:00Z');
    await new DeadlineScheduler(bed.svc.ctx).tick();
    const later = (await bed.handler.get(`/cases/${created.id}`).expect(200)).body;
    expect(verificationOf(later)).toEqual([expect.objectContaining({ status: 'missed' })]);
    expect(later.overdue).toBe(true);
    const overdue = (await bed.handler.get('/cases?overdue=true&limit=100').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(overdue).toContain(created.id);
  });

  it('keeps the one deadline through screening and is met by the finding of damage', async () => {
    clock.set('2026-03-10T02:00:00Z');
    const id = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
    const screened = await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
    expect(verificationOf(screened)).toEqual([expect.objectContaining({ id: 'verification_30d-1', status: 'open', dueAt: '2026-04-01T15:59:59.999Z' })]);
    const found = await send(bed.handler, id, { type: 'DAMAGE_CONFIRMED', findings: '核查属实' });
    expect(verificationOf(found)).toEqual([expect.objectContaining({ status: 'met' })]);
  });

  it('is met by a finding of no damage', async () => {
    clock.set('2026-03-10T02:00:00Z');
    const id = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
    await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
    const closed = await send(bed.handler, id, { type: 'NO_DAMAGE', reason: '现场核查未发现损害' });
    expect(closed).toMatchObject({ state: 'closed', outcome: 'no_damage' });
    expect(verificationOf(closed)).toEqual([expect.objectContaining({ status: 'met' })]);
  });

  it('is cancelled when the lead is screened out, which closes as screened_out and not as "not started"', async () => {
    clock.set('2026-03-10T02:00:00Z');
    for (const outcome of ['duplicate', 'out_of_scope']) {
      const id = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
      const view = await send(bed.handler, id, { type: 'SCREENED', outcome });
      expect(view).toMatchObject({ state: 'closed', outcome: 'screened_out' });
      expect(verificationOf(view)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    }
    const kpis = (await bed.handler.get('/stats/kpis').expect(200)).body;
    expect(kpis.initiationRate.reportedApart.notStartedByReason).toEqual({});
  });
});

describe('stored cases from before these rules (start-up migration)', () => {
  it('gives an unscreened lead its verification deadline and a screened-out case its outcome, once', async () => {
    clock.set('2026-03-10T02:00:00Z');
    const lead = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02', title: '旧版本登记的线索' })).expect(201)).body.id as string;
    const out = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02', title: '旧版本筛查排除的线索' })).expect(201)).body.id as string;
    await send(bed.handler, out, { type: 'SCREENED', outcome: 'duplicate' });
    // As an earlier version stored them: no deadline on a lead, "not started" on a screened-out case.
    await CaseModel.updateOne({ _id: lead }, { $set: { deadlines: [], nextDueAt: null } });
    await CaseModel.updateOne({ _id: out }, { $set: { outcome: 'not_started', 'snapshot.context.outcome': 'not_started' } });

    expect(await migrateStoredCases(bed.svc.ctx)).toEqual({ leadsGivenVerificationDeadline: 1, screenedOut: 1, notBeforeDatesRestored: 0 });
    expect(await migrateStoredCases(bed.svc.ctx)).toEqual({ leadsGivenVerificationDeadline: 0, screenedOut: 0, notBeforeDatesRestored: 0 });

    const migratedLead = (await bed.handler.get(`/cases/${lead}`).expect(200)).body;
    expect(verificationOf(migratedLead)).toEqual([expect.objectContaining({ status: 'open', dueAt: '2026-04-01T15:59:59.999Z' })]);
    expect((await CaseModel.findById(lead, { nextDueAt: 1 }).lean())!.nextDueAt).toEqual(new Date('2026-04-01T15:59:59.999Z'));
    expect((await bed.handler.get(`/cases/${out}`).expect(200)).body.outcome).toBe('screened_out');
    // The migrated lead advances as any other: screening keeps its deadline.
    expect(verificationOf(await send(bed.handler, lead, { type: 'SCREENED', outcome: 'verify' }))).toHaveLength(1);
  });
});
