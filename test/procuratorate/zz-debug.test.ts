import mongoose from 'mongoose';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, send, type Caller } from '../support/api';
import { DISTRICT_A, PROCURATORATE_A, newLead, startClaim, settleFeed } from './helpers';
let svc: TestService; let handler: Caller; let proc: Caller;
beforeAll(async () => { svc = await startTestService(); handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: [DISTRICT_A] })).token); proc = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [DISTRICT_A] })).token); });
afterAll(async () => { await svc.stop(); });
it('debug', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) { const id = await newLead(handler, DISTRICT_A); await startClaim(handler, id); ids.push(id); }
  const ops: string[] = [];
  mongoose.set('debug', (coll: string, method: string) => { ops.push(`${coll}.${method}`); });
  let t = Date.now();
  await send(handler, ids[0]!, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
  console.log('send ms', Date.now() - t, ops.join(' '));
  ops.length = 0;
  for (const id of ids.slice(1)) await send(handler, id, { type: 'PROCURATORATE_NOTIFIED', procuratorate: PROCURATORATE_A });
  await settleFeed(svc);
  ops.length = 0;
  t = Date.now();
  const r = await proc.get('/procuratorate/changes?limit=500');
  console.log('page ms', Date.now() - t, r.body.items.length, ops.join(' '));
  ops.length = 0;
  t = Date.now();
  await proc.get(`/procuratorate/changes?after=${r.body.nextCursor}`);
  console.log('empty page ms', Date.now() - t, ops.join(' '));
  mongoose.set('debug', false);
});
