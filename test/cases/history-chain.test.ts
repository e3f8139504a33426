import { CaseModel } from '../../models/case';
import { startTestService, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';

let svc: TestService;
let handler: Caller;

beforeAll(async () => {
  svc = await startTestService();
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
});
afterAll(async () => {
  await svc.stop();
});

async function caseWithHistory(): Promise<string> {
  const id = (await handler.post('/cases', leadBody()).expect(201)).body.id as string;
  await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '现场确认' });
  await send(handler, id, { type: 'MARKED_MAJOR', basis: 'designated' });
  return id;
}

describe('the history is tamper-evident', () => {
  it('an untouched history verifies', async () => {
    const id = await caseWithHistory();
    const res = await handler.get(`/cases/${id}/history/verify`).expect(200);
    expect(res.body).toMatchObject({ valid: true, entries: 4, firstBroken: null, versionMatchesHistory: true });
  });

  it('an entry edited directly in the database is named as the first broken one', async () => {
    const id = await caseWithHistory();
    const doc = await CaseModel.findById(id).lean();
    const history = doc!.history.map((h) => ({ ...h }));
    history[2] = { ...history[2]!, payload: { findings: '现场未见损害' } };
    await CaseModel.collection.updateOne({ _id: id as never }, { $set: { history } });
    const res = await handler.get(`/cases/${id}/history/verify`).expect(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.firstBroken).toMatchObject({ seq: 3 });
  });

  it('a deleted entry is detected', async () => {
    const id = await caseWithHistory();
    const doc = await CaseModel.findById(id).lean();
    await CaseModel.collection.updateOne({ _id: id as never }, { $set: { history: doc!.history.filter((h) => h.seq !== 2) } });
    const res = await handler.get(`/cases/${id}/history/verify`).expect(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.firstBroken.seq).toBe(3);
  });
});
