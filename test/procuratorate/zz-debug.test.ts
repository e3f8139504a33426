import { ChangeModel, CounterModel } from '../../models/feed';
import { feedRuntimeFor } from '../../src/feed/feed-reader';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, PROCURATORATE_A, newLead, startClaim } from './helpers';
let svc: TestService; let handler: Caller; let proc: Caller;
beforeAll(async () => { svc = await startTestService(); handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token); proc = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] })).token); });
afterAll(async () => { await svc.stop(); });
it('debug', async () => {
  const id = await newLead(handler, DISTRICT_A);
  await startClaim(handler, id);
  await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
  console.log(await CounterModel.find().lean(), await ChangeModel.find().lean());
  console.log(await feedRuntimeFor(svc.ctx).resolver.resolvedThrough());
  console.log(await ChangeModel.find({ _id: { $gt: 0, $lte: 5 } }, { _id: 1 }).lean());
  console.log(JSON.stringify((await proc.get('/procuratorate/changes')).body));
});
