import request from 'supertest';
import { ManualClock } from '../../src/clock';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, DISTRICT_B, PROCURATORATE_A, PROCURATORATE_B, drainFeed, failConsultation, newLead, settleFeed, startClaim } from './helpers';

let svc: TestService;
const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
let handlerA: Caller;
let handlerB: Caller;
let procA: Caller;
let procB: Caller;
let procAClientId: string;

/** The cases of the matrix, by what happened to them. */
const c: Record<string, string> = {};
let visibleToA: string[];
let visibleToB: string[];

const transfer = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const { channel: _c, ...body } = leadBody({ title: '检察机关移送：太湖沿岸非法采砂线索', sourceRef: '吴中检公建〔2026〕1号', ...over });
  void _c;
  return body;
};

beforeAll(async () => {
  svc = await startTestService({ clock });
  handlerA = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token);
  handlerB = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_B] })).token);
  const a = await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] }, PROCURATORATE_A);
  procAClientId = a.id;
  procA = as(svc.app, a.token);
  procB = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_B] }, PROCURATORATE_B)).token);

  // District A
  c.leadA = await newLead(handlerA, DISTRICT_A);
  c.openedA = await newLead(handlerA, DISTRICT_A);
  await startClaim(handlerA, c.openedA); // claim started, procuratorate not notified
  c.notifiedA = await newLead(handlerA, DISTRICT_A);
  await startClaim(handlerA, c.notifiedA);
  await send(handlerA, c.notifiedA, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A, noticeRef: '吴环赔告〔2026〕1号' });
  c.handedA = await newLead(handlerA, DISTRICT_A);
  await startClaim(handlerA, c.handedA);
  await failConsultation(handlerA, c.handedA);
  await send(handlerA, c.handedA, { type: 'HANDED_TO_PROCURATORATE', procuratorate: PROCURATORATE_A, note: '磋商不成，移送公益诉讼' });
  c.suedA = await newLead(handlerA, DISTRICT_A);
  await startClaim(handlerA, c.suedA);
  await send(handlerA, c.suedA, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
  await failConsultation(handlerA, c.suedA);
  await send(handlerA, c.suedA, { type: 'LAWSUIT_FILED', court: '苏州市中级人民法院', filedAt: '2026-01-05', supportRequestedFromProcuratorate: true });
  c.failedNotNotifiedA = await newLead(handlerA, DISTRICT_A);
  await startClaim(handlerA, c.failedNotNotifiedA);
  await failConsultation(handlerA, c.failedNotNotifiedA);
  c.referredA = (await procA.post('/procuratorate/leads', transfer()).expect(201)).body.id;

  // District B
  c.notifiedB = await newLead(handlerB, DISTRICT_B);
  await startClaim(handlerB, c.notifiedB);
  await send(handlerB, c.notifiedB, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_B });
  c.openedB = await newLead(handlerB, DISTRICT_B);
  await startClaim(handlerB, c.openedB);
  c.referredB = (await procB.post('/procuratorate/leads', transfer({ district: DISTRICT_B, sourceRef: '姑检公建〔2026〕7号' })).expect(201)).body.id;

  visibleToA = [c.notifiedA, c.handedA, c.suedA, c.referredA];
  visibleToB = [c.notifiedB, c.referredB];
}, 60_000);

afterAll(async () => {
  await svc.stop();
});

const sorted = (xs: string[]) => [...xs].sort();

describe('visibility: a procuratorate sees exactly its notified, handed and referred cases of its districts', () => {
  const matrix = () => [
    { name: 'A', proc: procA, visible: visibleToA },
    { name: 'B', proc: procB, visible: visibleToB },
  ];

  it('GET /cases/:id, /history, /history/verify: 200 for a visible case, 404 not_found for every other', async () => {
    for (const { proc, visible } of matrix()) {
      for (const id of Object.values(c)) {
        const expected = visible.includes(id) ? 200 : 404;
        for (const path of [`/cases/${id}`, `/cases/${id}/history`, `/cases/${id}/history/verify`]) {
          const res = await proc.get(path);
          expect({ path, status: res.status }).toEqual({ path, status: expected });
          if (expected === 404) expect(res.body.error.code).toBe('not_found');
        }
      }
    }
  });

  it('POST /cases/:id/events on an invisible case is a 404, whatever the event', async () => {
    for (const { proc, visible } of matrix()) {
      for (const id of Object.values(c).filter((x) => !visible.includes(x))) {
        for (const event of [
          { type: 'SUPPORT_PROVIDED' },
          { type: 'DEEMED_NOT_PURSUED', noticeRef: '公告〔2026〕1号', noticeEndedAt: '2026-01-01' },
          { type: 'SCREENED', outcome: 'verify' },
        ]) {
          const res = await proc.post(`/cases/${id}/events`, event);
          expect({ id, type: event.type, status: res.status }).toEqual({ id, type: event.type, status: 404 });
        }
      }
    }
  });

  it('GET /cases and GET /procuratorate/cases list exactly the visible cases, also when filtering by a foreign district', async () => {
    for (const { proc, visible } of matrix()) {
      const list = await proc.get('/cases?limit=200').expect(200);
      expect(sorted(list.body.items.map((i: { id: string }) => i.id))).toEqual(sorted(visible));
      const own = await proc.get('/procuratorate/cases?limit=200').expect(200);
      expect(sorted(own.body.items.map((i: { id: string }) => i.id))).toEqual(sorted(visible));
    }
    expect((await procA.get(`/cases?district=${encodeURIComponent(DISTRICT_B)}`).expect(200)).body.items).toEqual([]);
    expect((await procA.get(`/procuratorate/cases?district=${encodeURIComponent(DISTRICT_B)}`).expect(200)).body.items).toEqual([]);
  });

  it('GET /procuratorate/changes carries events of the visible cases only, each case complete from seq 1', async () => {
    await settleFeed(svc);
    for (const { proc, visible } of matrix()) {
      const { items } = await drainFeed(proc, undefined);
      expect(sorted([...new Set(items.map((i) => i.caseId))])).toEqual(sorted(visible));
      for (const id of visible) {
        const history = (await proc.get(`/cases/${id}/history`).expect(200)).body.items;
        expect(items.filter((i) => i.caseId === id).map((i) => i.seq)).toEqual(history.map((h: { seq: number }) => h.seq));
      }
    }
  });

  it('GET /procuratorate/late-notices shows a procuratorate only its visible cases', async () => {
    for (const { proc, visible } of matrix()) {
      const res = await proc.get('/procuratorate/late-notices').expect(200);
      for (const item of res.body.items) expect(visible).toContain(item.caseId);
    }
  });

  it('the procuratorate endpoints are refused to other roles, and case registration to the procuratorate', async () => {
    await handlerA.get('/procuratorate/changes').expect(403);
    await handlerA.get('/procuratorate/cases').expect(403);
    await handlerA.post('/procuratorate/leads', transfer({ sourceRef: 'x-1' })).expect(403);
    await procA.post('/cases', leadBody()).expect(403);
    await request(svc.app).get('/api/v1/procuratorate/changes').expect(401);
  });
});

describe('events: the procuratorate sends only its own events, and a handler none of them', () => {
  it('refuses handler events from the procuratorate and procuratorate events from a handler (403)', async () => {
    await procA.post(`/cases/${c.notifiedA}/events`, { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true }).expect(403);
    await procA.post(`/cases/${c.referredA}/events`, { type: 'SCREENED', outcome: 'verify' }).expect(403);
    await procA.post(`/cases/${c.notifiedA}/events`, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A }).expect(403);
    await handlerA.post(`/cases/${c.suedA}/events`, { type: 'SUPPORT_PROVIDED', note: '支持起诉' }).expect(403);
    await handlerA.post(`/cases/${c.handedA}/events`, { type: 'PUBLIC_INTEREST_SUIT_FILED', court: '苏州市中级人民法院', filedAt: '2026-01-05' }).expect(403);
    await handlerA.post(`/cases/${c.failedNotNotifiedA}/events`, { type: 'DEEMED_NOT_PURSUED', noticeRef: '公告〔2026〕2号', noticeEndedAt: '2026-01-01' }).expect(403);
  });

  it('offers the procuratorate its own events only, in the case view', async () => {
    const handed = await procA.get(`/cases/${c.handedA}`).expect(200);
    expect(handed.body.state).toMatch(/^publicInterestLitigation/);
    expect(sorted(handed.body.allowedEvents)).toEqual(sorted(['PUBLIC_INTEREST_SUIT_FILED', 'JUDGMENT_EFFECTIVE']));
    const sued = await procA.get(`/cases/${c.suedA}`).expect(200);
    expect(sued.body.allowedEvents).toEqual(['SUPPORT_PROVIDED']);
    // On its own transferred lead it may give public notice, or find it deemed not pursued.
    const lead = await procA.get(`/cases/${c.referredA}`).expect(200);
    expect(sorted(lead.body.allowedEvents)).toEqual(sorted(['PUBLIC_NOTICE_ISSUED', 'DEEMED_NOT_PURSUED']));
  });

  it('accepts support of the suit in litigation, but a judgment from the procuratorate only in its own public-interest suit', async () => {
    await send(procA, c.suedA, { type: 'SUPPORT_PROVIDED', note: '出具支持起诉意见书' });
    await procA.post(`/cases/${c.suedA}/events`, { type: 'JUDGMENT_EFFECTIVE', outcome: 'upheld' }).expect(403);
    await send(procA, c.handedA, { type: 'PUBLIC_INTEREST_SUIT_FILED', court: '苏州市中级人民法院', filedAt: '2026-01-05' });
    const judged = await send(procA, c.handedA, { type: 'JUDGMENT_EFFECTIVE', outcome: 'upheld', obligations: [{ kind: 'payment', amountFen: 50_000_00 }] });
    expect(judged.state).toMatch(/^performance/);
  });

  it('shows the procuratorate the 15-day notice deadline and refuses "deemed not pursued" before the public notice ends', async () => {
    const notified = await procA.get(`/cases/${c.notifiedA}`).expect(200);
    expect(notified.body.deadlines.find((d: { rule: string }) => d.rule === 'procuratorate_notice_15d')).toMatchObject({ status: 'met', dueAt: expect.any(String) });
    expect(notified.body.procuratorate.notified).toMatchObject({ procuratorate: PROCURATORATE_A });

    // A referred lead, verified by the bureau; the procuratorate's 30-day public notice (公告) runs.
    await send(handlerA, c.referredA, { type: 'SCREENED', outcome: 'verify' });
    await send(handlerA, c.referredA, { type: 'DAMAGE_CONFIRMED', findings: '非法采砂造成湿地破坏' });
    const early = await procA.post(`/cases/${c.referredA}/events`, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴检公告〔2026〕1号', noticeEndedAt: '2026-02-04' }).expect(422);
    expect(early.body.error.code).toBe('guard_failed');
    expect(early.body.error.details.reason).toMatch(/public notice period has not ended/);
    const deemed = await send(procA, c.referredA, { type: 'DEEMED_NOT_PURSUED', noticeRef: '吴检公告〔2026〕1号', noticeEndedAt: '2026-01-04' });
    expect(deemed.state).toMatch(/^publicInterestLitigation/);
    expect(deemed.procuratorate.deemedNotPursued).toMatchObject({ noticeRef: '吴检公告〔2026〕1号' });
  });
});

describe('lead transfer (线索移送)', () => {
  it('creates a case in lead, channel procuratorate_referral, linked to sourceRef, visible to the procuratorate', async () => {
    const view = await procA.get(`/cases/${c.referredA}`).expect(200);
    expect(view.body).toMatchObject({ channel: 'procuratorate_referral', sourceRef: '吴中检公建〔2026〕1号', district: DISTRICT_A });
    const history = (await procA.get(`/cases/${c.referredA}/history`).expect(200)).body.items;
    expect(history[0]).toMatchObject({ seq: 1, type: 'LEAD_REGISTERED', to: 'lead', actor: { clientId: procAClientId, role: 'procuratorate' } });
    // The bureau works it like any lead.
    await handlerA.get(`/cases/${c.referredA}`).expect(200);
  });

  it('makes 10 concurrent identical transfers one case: one 201, nine 200 with the same case', async () => {
    const body = transfer({ sourceRef: '吴中检公建〔2026〕88号', title: '并发移送的同一线索' });
    const replies = await Promise.all(Array.from({ length: 10 }, () => procA.post('/procuratorate/leads', body)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const all = await procA.get('/procuratorate/cases?limit=200&channel=procuratorate_referral').expect(200);
    expect(all.body.items.filter((i: { title: string }) => i.title === '并发移送的同一线索')).toHaveLength(1);
    const [id] = [...ids];
    expect((await procA.get(`/cases/${id}/history`).expect(200)).body.items).toHaveLength(1);
    // A later repeat is still the same case.
    const again = await procA.post('/procuratorate/leads', body).expect(200);
    expect(again.body.id).toBe(id);
  });

  it('keeps references apart per procuratorate client', async () => {
    const other = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] }, '苏州市人民检察院')).token);
    const body = transfer({ sourceRef: '吴中检公建〔2026〕99号' });
    const first = await procA.post('/procuratorate/leads', body).expect(201);
    const second = await other.post('/procuratorate/leads', body).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('validates the transfer: sourceRef required, channel fixed, own districts only, unknown keys refused', async () => {
    const { sourceRef: _s, ...noRef } = transfer();
    void _s;
    expect((await procA.post('/procuratorate/leads', noRef).expect(400)).body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'sourceRef' })]));
    await procA.post('/procuratorate/leads', { ...transfer({ sourceRef: 'v-2' }), channel: 'complaint' }).expect(400);
    await procA.post('/procuratorate/leads', { ...transfer({ sourceRef: 'v-3' }), channel: 'procuratorate_referral' }).expect(201);
    await procA.post('/procuratorate/leads', transfer({ sourceRef: 'v-4', district: DISTRICT_B })).expect(403);
    await procA.post('/procuratorate/leads', { ...transfer({ sourceRef: 'v-5' }), procuratorateVisible: false }).expect(400);
    await procA.post('/procuratorate/leads', { ...transfer({ sourceRef: 'v-6' }), receivedAt: '2030-01-01' }).expect(400);
    // A refused transfer leaves no claim behind: the corrected one is created at once.
    await procA.post('/procuratorate/leads', transfer({ sourceRef: 'v-6' })).expect(201);
  });
});

describe('the OpenAPI document', () => {
  it('describes the procuratorate routes', async () => {
    const doc = await request(svc.app).get('/api/v1/openapi.json').expect(200);
    for (const [path, method] of [
      ['/procuratorate/leads', 'post'],
      ['/procuratorate/cases', 'get'],
      ['/procuratorate/changes', 'get'],
      ['/procuratorate/late-notices', 'get'],
    ] as const) {
      expect(doc.body.paths[path]?.[method]).toBeDefined();
    }
    expect(doc.body.paths['/procuratorate/changes'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['after', 'limit', 'waitMs']));
  });
});

describe('late notices: the bureau sees where the procuratorate was not notified within 15 days', () => {
  it('lists overdue and late-notified cases by district scope, and flags them on the procuratorate\'s own list', async () => {
    // Claims started on 2026-01-05: the notice is due on 2026-01-20.
    const onTime = await newLead(handlerA, DISTRICT_A, { title: '按期告知' });
    await startClaim(handlerA, onTime);
    await send(handlerA, onTime, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
    const late = await newLead(handlerA, DISTRICT_A, { title: '逾期告知' });
    await startClaim(handlerA, late);
    const never = await newLead(handlerA, DISTRICT_A, { title: '未告知' });
    await startClaim(handlerA, never);
    // Suspended on the day the claim started: its clock stands still (中止期间不计入期限).
    const suspended = await newLead(handlerA, DISTRICT_A, { title: '中止中' });
    await startClaim(handlerA, suspended);
    await send(handlerA, suspended, { type: 'SUSPENDED', reason: '等待刑事判决' });

    clock.set('2026-01-25T02:00:00Z');
    await send(handlerA, late, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });

    const list = await handlerA.get('/procuratorate/late-notices?limit=200').expect(200);
    const byId = new Map(list.body.items.map((i: { caseId: string }) => [i.caseId, i]));
    expect(byId.get(late)).toMatchObject({ kind: 'notified_late', daysLate: 5, notifiedAt: expect.any(String) });
    expect(byId.get(never)).toMatchObject({ kind: 'overdue', daysLate: 5, notifiedAt: null });
    expect(byId.get(c.openedA)).toMatchObject({ kind: 'overdue' });
    expect(byId.has(onTime)).toBe(false);
    expect(byId.has(suspended)).toBe(false);
    expect(byId.has(c.openedB)).toBe(false);
    expect([...byId.values()].every((i) => (i as { district: string }).district === DISTRICT_A)).toBe(true);

    const listB = await handlerB.get('/procuratorate/late-notices').expect(200);
    expect(listB.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([c.openedB]);

    // Paging: one item per page walks the same set.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await handlerA.get(`/procuratorate/late-notices?limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      paged.push(...res.body.items.map((i: { caseId: string }) => i.caseId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sorted(paged)).toEqual(sorted([...byId.keys()] as string[]));

    const own = await procA.get('/procuratorate/cases?limit=200').expect(200);
    const lateView = own.body.items.find((i: { id: string }) => i.id === late);
    expect(lateView.procuratorateNotice).toMatchObject({ status: 'met', late: true, overdue: false });
    const onTimeView = own.body.items.find((i: { id: string }) => i.id === onTime);
    expect(onTimeView.procuratorateNotice).toMatchObject({ status: 'met', late: false });
    const procLate = await procA.get('/procuratorate/late-notices').expect(200);
    expect(procLate.body.items.map((i: { caseId: string }) => i.caseId)).toContain(late);
    expect(procLate.body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(never);

    // Also the admin, across districts.
    const admin = await request(svc.app).get('/api/v1/procuratorate/late-notices?limit=200').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    expect(admin.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(expect.arrayContaining([late, never, c.openedB]));
  });
});
