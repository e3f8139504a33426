import { leadBody, send, type Caller } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';
import { DISTRICT_A, PROCURATORATE_A } from '../procuratorate/helpers';

/**
 * Who may extend or pause which period: the bureau extends its own periods with a reason; only the
 * procuratorate extends its public notice; the 15-day notice duty and the 5-year escrow lapse are
 * never extended. Suspension pauses only the bureau's own periods (rules.deadlineExtensions and
 * rules.pausedBySuspension, both configurable).
 */

const bed = caseTestBed('2026-03-02T02:00:00Z', { districts: [DISTRICT_A], procuratorate: PROCURATORATE_A });
const clock = bed.clock;

type View = { version: number; allowedEvents: string[]; deadlines: { rule: string; dueAt: string; status: string; mayExtend?: boolean }[] };
const due = (view: View, rule: string) => view.deadlines.find((d) => d.rule === rule && (d.status === 'open' || d.status === 'missed'))?.dueAt;

/** A lead the procuratorate transferred, screened for verification (its verification_30d running). */
async function transferred(sourceRef: string): Promise<string> {
  clock.set('2026-03-02T02:00:00Z');
  const { channel: _c, ...lead } = leadBody({ title: '检察机关移送：阳澄湖非法围垦线索', district: DISTRICT_A, receivedAt: '2026-03-01', sourceRef });
  void _c;
  const id = (await bed.proc.post('/procuratorate/leads', lead).expect(201)).body.id as string;
  await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
  return id;
}

/** The same, verified, with the procuratorate's public notice on it (its public_notice_30d running). */
async function withNotice(sourceRef: string): Promise<string> {
  const id = await transferred(sourceRef);
  await send(bed.handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场核查确认湿地被围垦' });
  await send(bed.proc, id, { type: 'PUBLIC_NOTICE_ISSUED', noticeRef: `吴检公告〔2026〕${sourceRef}号`, publishedAt: '2026-03-01' });
  return id;
}

async function refused(caller: Caller, id: string, event: Record<string, unknown>, reason: string) {
  const res = await caller.post(`/cases/${id}/events`, event);
  expect({ status: res.status, reason: res.body.error?.details?.reason }).toEqual({ status: 422, reason: expect.stringContaining(reason) });
}

describe('extending deadlines', () => {
  const extend = (rule: string) => ({ type: 'DEADLINE_EXTENDED', rule, newDueAt: '2026-05-29', reason: '情况复杂' });

  it('lets only the procuratorate extend its public notice', async () => {
    const id = await withNotice('11');
    await refused(bed.handler, id, extend('public_notice_30d'), '检察公告期（30日内书面回复）只能由检察机关延长');
    expect(due(await send(bed.proc, id, extend('public_notice_30d')), 'public_notice_30d')).toBe('2026-05-29T15:59:59.999Z');
  });

  it('lets only the bureau extend its own periods', async () => {
    const id = await transferred('12');
    await refused(bed.proc, id, extend('verification_30d'), '初步核查期限（30日）只能由案件经办人或审核人延长');
    expect(due(await send(bed.handler, id, extend('verification_30d')), 'verification_30d')).toBe('2026-05-29T15:59:59.999Z');
  });

  it('never extends the 15-day notice to the procuratorate', async () => {
    const id = await withNotice('13');
    const started = await send(bed.handler, id, { type: 'CLAIM_STARTED' });
    expect(started.deadlines.find((d: { rule: string }) => d.rule === 'procuratorate_notice_15d')).toMatchObject({ status: 'open', mayExtend: false });
    await refused(bed.handler, id, extend('procuratorate_notice_15d'), '立案后告知检察机关期限（15日）不得延长');
  });

  it('offers the extension only to whom may extend a live deadline of the case', async () => {
    const id = await withNotice('14');
    const asProc = (await bed.proc.get(`/cases/${id}`).expect(200)).body as View;
    expect(asProc.deadlines.filter((d) => d.mayExtend).map((d) => d.rule)).toEqual(['public_notice_30d']);
    expect(asProc.allowedEvents).toContain('DEADLINE_EXTENDED');
    const asHandler = (await bed.handler.get(`/cases/${id}`).expect(200)).body as View;
    expect(asHandler.deadlines.filter((d) => d.mayExtend)).toEqual([]);
    expect(asHandler.allowedEvents).not.toContain('DEADLINE_EXTENDED');
    // Once the claim is decided the notice is answered: the procuratorate has nothing left to extend.
    await send(bed.handler, id, { type: 'CLAIM_STARTED' });
    expect(((await bed.proc.get(`/cases/${id}`).expect(200)).body as View).allowedEvents).not.toContain('DEADLINE_EXTENDED');
  });
});

describe('suspension', () => {
  async function suspendedTenDays(id: string): Promise<{ before: View; after: View }> {
    const before = (await bed.handler.get(`/cases/${id}`).expect(200)).body as View;
    clock.set('2026-03-03T02:00:00Z');
    await send(bed.handler, id, { type: 'SUSPENDED', reason: '等待刑事判决' });
    clock.set('2026-03-13T02:00:00Z');
    return { before, after: await send(bed.handler, id, { type: 'RESUMED' }) };
  }

  it('pauses the bureau\'s own periods', async () => {
    const { before, after } = await suspendedTenDays(await transferred('21'));
    expect(Date.parse(due(after, 'verification_30d')!) - Date.parse(due(before, 'verification_30d')!)).toBe(10 * 86_400_000);
  });

  it('lets the procuratorate\'s public notice run on', async () => {
    const { before, after } = await suspendedTenDays(await withNotice('22'));
    expect(due(after, 'public_notice_30d')).toBe(due(before, 'public_notice_30d'));
    expect(due(after, 'public_notice_30d')).toBeDefined();
  });
});
