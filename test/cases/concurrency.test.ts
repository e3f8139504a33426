import { ManualClock } from '../../src/clock';
import { CaseModel } from '../../models/case';
import { startTestService, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';

let svc: TestService;
let handler: Caller;

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date('2026-03-01T02:00:00Z')) });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('when 50 clients send conflicting events to one case at once', () => {
  it('exactly one succeeds per version, the rest get 409 with the current version, and the history has no gap or duplicate', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    // Everyone read version 2 and races to extend the verification deadline.
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        handler.post(`/cases/${id}/events`, { type: 'DEADLINE_EXTENDED', rule: 'verification_30d', newDueAt: `2026-06-${String(1 + (i % 28)).padStart(2, '0')}`, reason: `extension ${i}` }).set('If-Match', '2'),
      ),
    );
    const ok = replies.filter((r) => r.status === 200);
    const conflicts = replies.filter((r) => r.status === 409);
    console.log(`concurrency: 50 conflicting requests → ${ok.length} accepted, ${conflicts.length} version conflicts`);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    for (const c of conflicts) {
      expect(c.body.error.code).toBe('version_conflict');
      expect(c.body.error.details.currentVersion).toBeGreaterThanOrEqual(2);
    }
    const history = (await handler.get(`/cases/${id}/history`).expect(200)).body.items as { seq: number; version: number }[];
    expect(history.map((h) => h.seq)).toEqual([1, 2, 3]);
    const doc = await CaseModel.findById(id).lean();
    expect(doc!.version).toBe(3);
  });

  it('without If-Match every racer that read the same version still commits at most once per version', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => handler.post(`/cases/${id}/events`, { type: 'DEADLINE_EXTENDED', rule: 'verification_30d', newDueAt: '2026-12-31', reason: `r${i}` })),
    );
    const okCount = replies.filter((r) => r.status === 200).length;
    expect(okCount + replies.filter((r) => r.status === 409 || r.status === 422).length).toBe(50);
    const history = (await handler.get(`/cases/${id}/history`).expect(200)).body.items as { seq: number; version: number }[];
    expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history).toHaveLength(2 + okCount);
    const versions = new Set(replies.filter((r) => r.status === 200).map((r) => r.body.version));
    expect(versions.size).toBe(okCount);
  });
});

describe('Idempotency-Key', () => {
  it('sent 20 times concurrently yields one history entry and 20 identical replies', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    const body = { type: 'SCREENED', outcome: 'verify', note: '同一请求重复提交' };
    const replies = await Promise.all(Array.from({ length: 20 }, () => handler.post(`/cases/${id}/events`, body).set('Idempotency-Key', 'screen-once-7f3a')));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const first = JSON.stringify(replies[0]!.body);
    for (const r of replies) expect(JSON.stringify(r.body)).toBe(first);
    const history = (await handler.get(`/cases/${id}/history`).expect(200)).body.items as { type: string }[];
    expect(history.filter((h) => h.type === 'SCREENED')).toHaveLength(1);
  });

  it('reused with a different body is a 409 idempotency_key_reused and changes nothing', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    await handler.post(`/cases/${id}/events`, { type: 'MARKED_MAJOR', basis: 'designated' }).set('Idempotency-Key', 'k-1').expect(200);
    const res = await handler.post(`/cases/${id}/events`, { type: 'MARKED_MAJOR', basis: 'other' }).set('Idempotency-Key', 'k-1').expect(409);
    expect(res.body.error.code).toBe('idempotency_key_reused');
    expect((await handler.get(`/cases/${id}`).expect(200)).body.version).toBe(2);
  });

  it('after a refused request the same key can be used again', async () => {
    const id = (await handler.post('/cases', leadBody()).expect(201)).body.id;
    await handler.post(`/cases/${id}/events`, { type: 'DAMAGE_CONFIRMED', findings: 'x' }).set('Idempotency-Key', 'k-2').expect(422);
    await handler.post(`/cases/${id}/events`, { type: 'DAMAGE_CONFIRMED', findings: 'x' }).set('Idempotency-Key', 'k-2').expect(422);
  });

  it('makes lead registration safe to retry', async () => {
    const body = leadBody({ title: '重复提交的线索' });
    const [a, b] = await Promise.all([handler.post('/cases', body).set('Idempotency-Key', 'lead-1'), handler.post('/cases', body).set('Idempotency-Key', 'lead-1')]);
    expect(a.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(await CaseModel.countDocuments({ title: '重复提交的线索' })).toBe(1);
  });
});

describe('case numbers', () => {
  it('are allocated without gaps or duplicates when many claims start at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = (await handler.post('/cases', leadBody({ title: `立案并发 ${i}` })).expect(201)).body.id as string;
      await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
      await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: 'x' });
      ids.push(id);
    }
    const replies = await Promise.all(ids.map((id) => handler.post(`/cases/${id}/events`, { type: 'CLAIM_STARTED' })));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    const numbers = replies.map((r) => r.body.caseNo as string);
    expect(new Set(numbers).size).toBe(12);
    const seqs = (await CaseModel.find({ caseNo: { $regex: '^苏环赔〔2026〕' } }, { caseNo: 1 }).lean()).map((d) => Number(/〔2026〕(\d+)号/.exec(d.caseNo!)![1])).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
