import { randomBytes } from 'node:crypto';
import { ChildService, freePort } from './support/child-service';
import { API, HttpClient } from './support/http';
const ADMIN = 'probe-admin-token-0123456789';
it('probe child throughput', async () => {
  const port = await freePort();
  const c = new ChildService({ mongodbUri: process.env.TEST_MONGODB_URI!, dbName: 'probe_' + randomBytes(3).toString('hex'), port, adminToken: ADMIN, env: { SCHEDULER_INTERVAL_MS: '500', RATE_LIMIT_PER_MINUTE: '0' } });
  await c.start();
  const http = new HttpClient('127.0.0.1', port, 64);
  const cl = (await http.post(`${API}/clients`, { name: 'h', role: 'handler', districts: ['吴中区'] }, ADMIN)).json as { token: string };
  const run = async (label: string, n: number, conc: number, f: (i: number) => Promise<unknown>) => {
    const lat: number[] = []; let i = 0; const t = Date.now();
    await Promise.all(Array.from({ length: conc }, async () => { while (i < n) { const k = i++; const s = performance.now(); await f(k); lat.push(performance.now() - s); } }));
    lat.sort((a, b) => a - b);
    console.log(label, n, 'in', Date.now() - t, 'ms; p50', lat[Math.floor(lat.length / 2)]!.toFixed(1), 'p99', lat[Math.floor(lat.length * 0.99)]!.toFixed(1));
  };
  await run('GET /me x1', 100, 1, () => http.get(`${API}/me`, cl.token));
  await run('GET /me x16', 400, 16, () => http.get(`${API}/me`, cl.token));
  const ids: string[] = [];
  await run('POST /cases x1', 20, 1, async () => { const r = await http.post(`${API}/cases`, { title: 't', channel: 'complaint', receivedAt: '2026-01-02', district: '吴中区' }, cl.token); ids.push((r.json as { id: string }).id); });
  await run('POST /cases x16', 64, 16, async () => { const r = await http.post(`${API}/cases`, { title: 't', channel: 'complaint', receivedAt: '2026-01-02', district: '吴中区' }, cl.token); ids.push((r.json as { id: string }).id); });
  await run('SCREENED x16 distinct', 64, 16, async (k) => http.post(`${API}/cases/${ids[k]}/events`, { type: 'SCREENED', outcome: 'verify' }, cl.token));
  await run('GET case x16', 200, 16, async (k) => http.get(`${API}/cases/${ids[k % ids.length]}`, cl.token));
  await c.kill();
  http.close(); c.client.close();
}, 300000);
