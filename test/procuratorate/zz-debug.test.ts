import { ChangeModel } from '../../models/feed';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, PROCURATORATE_A, newLead, startClaim } from './helpers';
let svc: TestService; let handler: Caller;
beforeAll(async () => { svc = await startTestService(); handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token); });
afterAll(async () => { await svc.stop(); });
it('debug', async () => {
  const orig = ChangeModel.create.bind(ChangeModel);
  const spy = jest.spyOn(ChangeModel, 'create').mockImplementation(((doc: { _id: number }) => {
    const t = Date.now();
    console.log('create start', doc._id);
    return (orig(doc as never) as Promise<unknown>).then((r) => { console.log('create done', doc._id, Date.now() - t); return r; }, (e) => { console.log('create failed', doc._id, String(e)); throw e; });
  }) as never);
  const id = await newLead(handler, DISTRICT_A);
  await startClaim(handler, id);
  await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
  console.log('reply received');
  spy.mockRestore();
});
