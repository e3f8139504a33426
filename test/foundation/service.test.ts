import request from 'supertest';
import { CaseModel } from '../../models/case';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.stop();
});

describe('GET /ready', () => {
  it('answers ready with the engine it runs on and its version', async () => {
    const res = await request(svc.app).get('/ready').expect(200);
    expect(res.body.status).toBe('ready');
    expect(['mongodb', 'ferretdb']).toContain(res.body.engine);
    expect(res.body.engineVersion).toEqual(expect.any(String));
    if (process.env.TEST_ENGINE_SOURCE === 'ferretdb-embedded') expect(res.body.engine).toBe('ferretdb');
  });

  it('GET /health answers without touching the database', async () => {
    const res = await request(svc.app).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('persistence on the real engine', () => {
  it('reads back through Mongoose what was written through Mongoose', async () => {
    const now = new Date('2026-03-01T00:00:00Z');
    await CaseModel.create({
      _id: 'probe-1',
      title: '太湖湿地非法采砂',
      district: '吴中区',
      channel: 'inspection',
      receivedAt: now,
      createdBy: { clientId: 'c1', role: 'handler' },
      machineVersion: 1,
      snapshot: { value: 'lead', context: { nested: { empty: {} } } },
      state: 'lead',
      stage: 'lead',
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    const back = await CaseModel.findById('probe-1').lean();
    expect(back?.title).toBe('太湖湿地非法采砂');
    expect(back?.receivedAt.toISOString()).toBe(now.toISOString());
    expect(back?.snapshot).toEqual({ value: 'lead', context: { nested: { empty: {} } } });
    const indexes = await CaseModel.collection.indexes();
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['nextDueAt_1', 'partyKeys_1']));
  });
});

describe('errors always have the one shape', () => {
  it('an unknown route is a 404 not_found', async () => {
    const res = await request(svc.app).get('/api/v1/no-such-thing').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('a malformed JSON body is a 400 invalid_request, not a 500', async () => {
    const res = await request(svc.app).post('/api/v1/cases').set('Content-Type', 'application/json').send('{"title": ').expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('a body over the limit is a 413', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(600 * 1024) });
    const res = await request(svc.app).post('/api/v1/cases').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});
