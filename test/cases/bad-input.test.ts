import { caseEventTypes } from '../../workflows/case-events';
import request from 'supertest';
import { CaseModel } from '../../models/case';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';

let svc: TestService;
let handler: Caller;
let otherDistrict: Caller;
let viewer: Caller;
let caseId: string;

async function snapshotOfCases() {
  const docs = await CaseModel.find({}, { _id: 1, version: 1, state: 1 }).sort({ _id: 1 }).lean();
  return JSON.stringify(docs);
}

beforeAll(async () => {
  svc = await startTestService();
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  otherDistrict = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['昆山市'] })).token);
  viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['吴中区'] })).token);
  caseId = (await handler.post('/cases', leadBody()).expect(201)).body.id;
  await send(handler, caseId, { type: 'SCREENED', outcome: 'verify' });
});
afterAll(async () => {
  await svc.stop();
});

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/\bat [^ ]+\.(ts|js):\d+|MongoServerError|Mongoose/);
}

describe('bad input to POST /cases changes nothing', () => {
  const cases: [string, unknown][] = [
    ['a wrong type', leadBody({ title: 42 })],
    ['a missing field', (({ title: _t, ...rest }) => rest)(leadBody())],
    ['an operator where a string belongs', leadBody({ district: { $gt: '' } })],
    ['an operator in a nested object', leadBody({ parties: [{ name: { $ne: null }, kind: 'company' }] })],
    ['an unknown key (mass assignment of state)', leadBody({ state: 'closed' })],
    ['an unknown key (version)', leadBody({ version: 99 })],
    ['__proto__ pollution', JSON.parse('{"__proto__": {"admin": true}, "title": "x", "channel": "other", "receivedAt": "2026-01-01", "district": "吴中区"}')],
    ['an unknown channel', leadBody({ channel: 'rumour' })],
    ['a bad date', leadBody({ receivedAt: '2026-02-30' })],
    ['a date in the future', leadBody({ receivedAt: '2099-01-01' })],
    ['an array body', [leadBody()]],
    ['a bad credit code', leadBody({ parties: [{ name: 'x', kind: 'company', creditCode: 'abc' }] })],
  ];
  it.each(cases)('%s → 400 invalid_request', async (_name, body) => {
    const before = await snapshotOfCases();
    const res = await handler.post('/cases', body).expect(400);
    expectErrorShape(res.body, 'invalid_request');
    expect(await snapshotOfCases()).toBe(before);
  });

  it('a lead in a district outside the caller\'s scope is refused (403)', async () => {
    const res = await otherDistrict.post('/cases', leadBody()).expect(403);
    expectErrorShape(res.body, 'forbidden');
  });

  it('a viewer may not register leads (403)', async () => {
    expectErrorShape((await viewer.post('/cases', leadBody()).expect(403)).body, 'forbidden');
  });
});

describe('bad input to POST /cases/:id/events changes nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['an unknown event type', { type: 'CASE_DELETED' }, 400, 'invalid_request'],
    ['no type at all', { findings: 'x' }, 400, 'invalid_request'],
    ['a type that is not a string', { type: { $gt: '' } }, 400, 'invalid_request'],
    ['an operator where a string belongs', { type: 'DAMAGE_CONFIRMED', findings: { $gt: '' } }, 400, 'invalid_request'],
    ['a missing required field', { type: 'DAMAGE_CONFIRMED' }, 400, 'invalid_request'],
    ['an extra field', { type: 'DAMAGE_CONFIRMED', findings: 'x', state: 'closed' }, 400, 'invalid_request'],
    ['fractional money', { type: 'ASSESSMENT_COMPLETED', route: 'formal', amountFen: 10.5, restorability: 'full' }, 400, 'invalid_request'],
    ['negative money', { type: 'ASSESSMENT_COMPLETED', route: 'formal', amountFen: -1, restorability: 'full' }, 400, 'invalid_request'],
    ['an event the state does not accept', { type: 'CASE_CLOSED' }, 422, 'event_not_allowed'],
  ];
  it.each(cases)('%s → %d %s', async (_name, body, status, code) => {
    const before = await snapshotOfCases();
    const res = await handler.post(`/cases/${caseId}/events`, body).expect(status);
    expectErrorShape(res.body, code);
    if (code === 'event_not_allowed') {
      expect(res.body.error.details).toEqual({ state: 'verification', allowedEvents: expect.arrayContaining(['DAMAGE_CONFIRMED', 'NO_DAMAGE']) });
    }
    expect(await snapshotOfCases()).toBe(before);
  });

  it('another district\'s case is a 404, exactly like a missing one', async () => {
    const foreign = await otherDistrict.post(`/cases/${caseId}/events`, { type: 'NO_DAMAGE', reason: 'x' }).expect(404);
    const missing = await otherDistrict.post('/cases/case_doesnotexist/events', { type: 'NO_DAMAGE', reason: 'x' }).expect(404);
    expect(foreign.body).toEqual(missing.body);
    await otherDistrict.get(`/cases/${caseId}`).expect(404);
    await otherDistrict.get(`/cases/${caseId}/history`).expect(404);
    expect((await otherDistrict.get('/cases').expect(200)).body.items).toEqual([]);
  });

  it('a stale If-Match is a 409 naming the current version', async () => {
    const res = await handler.post(`/cases/${caseId}/events`, { type: 'MARKED_MAJOR', basis: 'other' }).set('If-Match', '1').expect(409);
    expect(res.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
  });

  it('a malformed If-Match or Idempotency-Key is a 400', async () => {
    await handler.post(`/cases/${caseId}/events`, { type: 'MARKED_MAJOR', basis: 'other' }).set('If-Match', 'yesterday').expect(400);
    await handler.post(`/cases/${caseId}/events`, { type: 'MARKED_MAJOR', basis: 'other' }).set('Idempotency-Key', 'x'.repeat(300)).expect(400);
  });

  it('a viewer may read but not send events (403)', async () => {
    await viewer.get(`/cases/${caseId}`).expect(200);
    expectErrorShape((await viewer.post(`/cases/${caseId}/events`, { type: 'NO_DAMAGE', reason: 'x' }).expect(403)).body, 'forbidden');
  });

  it('an oversized body is a 413', async () => {
    const res = await handler.post(`/cases/${caseId}/events`, { type: 'DAMAGE_CONFIRMED', findings: 'x'.repeat(400_000) }).expect(413);
    expectErrorShape(res.body, 'payload_too_large');
  });
});

describe('bad queries and ids', () => {
  it.each([
    ['state=unknown'],
    ['state[$ne]=closed'],
    ['limit=0'],
    ['limit=1000'],
    ['cursor=not-a-cursor'],
    ['overdue=maybe'],
    ['openedFrom=yesterday'],
    ['color=red'],
  ])('GET /cases?%s → 400', async (q) => {
    expectErrorShape((await handler.get(`/cases?${q}`).expect(400)).body, 'invalid_request');
  });

  it('a text search with regex characters is taken literally', async () => {
    const res = await handler.get(`/cases?q=${encodeURIComponent('.*')}`).expect(200);
    expect(res.body.items).toEqual([]);
  });

  it('ids with operators or odd characters are 404, never 500', async () => {
    for (const id of ['%7B%22%24gt%22%3A%22%22%7D', 'a'.repeat(100), '..%2F..', '$where']) {
      const res = await handler.get(`/cases/${id}`);
      expect([404, 400]).toContain(res.status);
    }
  });

  it('requests without a valid token are 401', async () => {
    expectErrorShape((await request(svc.app).get('/api/v1/cases').expect(401)).body, 'unauthenticated');
    await request(svc.app).get('/api/v1/cases').set('Authorization', 'Bearer not-a-real-token-123456').expect(401);
    await request(svc.app).get('/api/v1/cases').set('Authorization', `Basic ${TEST_ADMIN_TOKEN}`).expect(401);
  });
});

describe('clients', () => {
  it('a revoked token fails at once', async () => {
    const c = await newClient(svc.app, 'viewer', { districts: ['吴中区'] });
    const caller = as(svc.app, c.token);
    await caller.get('/cases').expect(200);
    await request(svc.app).delete(`/api/v1/clients/${c.id}`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    await caller.get('/cases').expect(401);
  });

  it('tokens are stored hashed, never in clear', async () => {
    const c = await newClient(svc.app, 'viewer', { districts: ['吴中区'] });
    const raw = JSON.stringify(await svc.ctx.connection.db!.collection('clients').find({}).toArray());
    expect(raw).not.toContain(c.token);
  });

  it('non-admins may not manage clients', async () => {
    await handler.post('/clients', { name: 'x', role: 'admin' }).expect(403);
  });
});

describe('workflow description', () => {
  it('lists every state with labels and every event with its JSON schema and roles', async () => {
    const res = await handler.get('/workflow').expect(200);
    const consultation = res.body.states.find((s: { path: string }) => s.path === 'consultation.meetings');
    expect(consultation).toMatchObject({ labels: { zh: '磋商进行中' }, deadlines: ['consultation_90d', 'obligor_reply'] });
    const deemed = res.body.events.find((e: { type: string }) => e.type === 'DEEMED_NOT_PURSUED');
    expect(deemed.roles).toEqual(['procuratorate']);
    expect(deemed.payloadSchema.required).toEqual(expect.arrayContaining(['type', 'noticeRef', 'noticeEndedAt']));
    expect(res.body.events.map((e: { type: string }) => e.type).sort()).toEqual([...caseEventTypes].sort());
  });

  it('serves a Mermaid diagram generated from the machine', async () => {
    const res = await handler.get('/workflow/diagram').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text.startsWith('stateDiagram-v2')).toBe(true);
    expect(res.text).toContain('consultation_failed --> litigation: LAWSUIT_FILED');
  });

  it('publishes an OpenAPI document without a token', async () => {
    const res = await request(svc.app).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/cases/{id}/events'].post.requestBody).toBeDefined();
  });
});
