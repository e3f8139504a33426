/**
 * npm run bench:load [-- --duration 30 --connections 64 --cases 400 --warmup 3 --data api|seed-demo --db NAME]
 *
 * A real-socket load test of the running service with demo data. It starts a database (MONGODB_URI,
 * or the embedded engine in a temporary directory) and fills a fresh database with demo data:
 * `--data api` (the default) creates the cases through the API, spread over every stage of the
 * procedure (a tenth closed, a tenth holding escrow money, ten published projects);
 * `--data seed-demo` runs `scripts/seed-demo.ts` first (realistic, but slow on the embedded
 * engine: about 8 s per case on a loaded 2-core machine); `--db NAME` (with MONGODB_URI) uses a
 * database already seeded, as it is. Then it starts the service as its own process (`src/main.ts`,
 * as `npm start` runs it) and drives it from 64 keep-alive connections, one API client (token)
 * each, for 30 s with a realistic mix:
 *
 *   70 % reads    — a case view (GET /cases/:id, 60 %) or a list page (GET /cases with filters, 40 %)
 *   25 % events   — POST /cases/:id/events (MARKED_MAJOR, SUSPENDED, RESUMED) on open cases, each
 *                   connection on its own share of them
 *    5 % suggestions — GET /cases/:id/project-suggestions or /projects/:id/case-suggestions
 *
 * Prints throughput, p50/p99/p99.9 latency (overall and per kind), the errors by status, and the
 * service's resident memory (and its peak) at the end. Closed loop: each connection sends its next
 * request when the previous one is answered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { resolveDatabase } from '../src/db/engine';

// ----- arguments -----------------------------------------------------------------------------

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number`);
  return v;
}

const DURATION_S = arg('duration', 30);
const CONNECTIONS = arg('connections', 64);
const CASES = arg('cases', 400);
const SEED = arg('seed', 1);
function textArg(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const DATA = textArg('data', 'api');
const EXISTING_DB = textArg('db', undefined);
if (DATA !== 'api' && DATA !== 'seed-demo') throw new Error('--data is api or seed-demo');
if (EXISTING_DB && !process.env.MONGODB_URI) throw new Error('--db needs MONGODB_URI');
const WARMUP_S = arg('warmup', 3);
const ADMIN = `bench-admin-${randomBytes(12).toString('hex')}`;
const repoRoot = path.resolve(__dirname, '..');

// ----- a small keep-alive HTTP client --------------------------------------------------------

interface Reply {
  status: number;
  json: unknown;
  ms: number;
}

function makeClient(port: number, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const request = (method: string, p: string, token: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve) => {
      const started = performance.now();
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const req = http.request({ host: '127.0.0.1', port, method, path: `/api/v1${p}`, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, ms: performance.now() - started });
        });
        res.on('error', () => resolve({ status: 0, json: undefined, ms: performance.now() - started }));
      });
      req.on('error', () => resolve({ status: 0, json: undefined, ms: performance.now() - started }));
      req.setTimeout(60_000, () => req.destroy());
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function run(cmd: string[], env: Record<string, string>, label: string): { child: ChildProcess; done: Promise<number>; tail: string[] } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', ...cmd], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    for (const line of d.toString('utf8').split(/\r|\n/)) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (label) process.stdout.write(`  [${label}] ${line.slice(0, 200)}\n`);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const done = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return { child, done, tail };
}

function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ----- demo data through the API (when seed:demo cannot be used) -------------------------------

const DISTRICTS = ['姑苏区', '吴中区', '相城区', '吴江区', '虎丘区', '苏州工业园区', '常熟市', '张家港市', '昆山市', '太仓市'];

async function seedThroughApi(client: ReturnType<typeof makeClient>, n: number): Promise<void> {
  const handler = (await client.request('POST', '/clients', ADMIN, { name: '演示数据', role: 'handler', districts: ['*'] })).json as { token: string };
  const manager0 = await client.request('POST', '/bases', ADMIN, { name: '太湖生态岛示范基地', district: '吴中区' });
  const baseId = (manager0.json as { id: string }).id;
  const manager = (await client.request('POST', '/clients', ADMIN, { name: '基地管理人', role: 'baseManager', baseIds: [baseId] })).json as { token: string };
  for (let i = 0; i < 10; i++) {
    const p = await client.request('POST', `/bases/${baseId}/projects`, manager.token, {
      name: `湿地修复项目 ${i}`, method: 'wetland_restoration', media: ['wetland', 'surface_water'], district: DISTRICTS[i]!, budgetFen: 5_000_000 + i * 100_000,
      acceptanceCriteria: '植被覆盖率恢复至80%以上', startDate: '2026-06-01', endDate: '2027-06-01',
    });
    await client.request('POST', `/projects/${(p.json as { id: string }).id}/publish`, manager.token, {});
  }
  const steps = [
    { type: 'SCREENED', outcome: 'verify' },
    { type: 'DAMAGE_CONFIRMED', findings: '现场核查确认损害' },
    { type: 'CLAIM_STARTED' },
    { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: 800_000, restorability: 'partial' },
    { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-01-06', replyDueAt: '2026-01-20' },
    { type: 'CONSULTATION_AGREED', obligations: [{ kind: 'escrow', amountFen: 800_000, partyId: 'P1' }] },
    { type: 'AGREEMENT_SIGNED', signedAt: '2026-01-10' },
    { type: 'JUDICIAL_CONFIRMATION_WAIVED' },
    { type: 'ESCROW_DEPOSITED', obligationId: 'O1', amountFen: 800_000, notary: '苏州市姑苏公证处', certificateNo: 'X', depositedAt: '2026-01-12' },
  ];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const c = await client.request('POST', '/cases', handler.token, {
          title: `演示案件 ${i}`, channel: 'inspection', receivedAt: '2026-01-02', district: DISTRICTS[i % DISTRICTS.length]!, damageMedia: ['wetland'],
          parties: [{ name: `苏州某公司${i}`, kind: 'company' }],
        });
        const id = (c.json as { id: string }).id;
        if (i % 10 === 9) {
          await client.request('POST', `/cases/${id}/events`, handler.token, { type: 'SCREENED', outcome: 'out_of_scope', note: '不属于生态环境损害赔偿范围' });
          continue;
        }
        const depth = i % 10 === 8 ? steps.length : i % (steps.length + 1);
        for (const step of steps.slice(0, depth)) {
          const body = step.type === 'ESCROW_DEPOSITED' ? { ...step, certificateNo: `(2026)苏姑证字第${i}号` } : step;
          await client.request('POST', `/cases/${id}/events`, handler.token, body);
        }
        if (i % 50 === 49) process.stdout.write(`  [api seed] ${i + 1}/${n} cases\n`);
      }
    }),
  );
}

// ----- the bench -----------------------------------------------------------------------------

type Kind = 'view' | 'list' | 'event' | 'suggestions';

interface CaseInfo {
  id: string;
  state: string;
  district: string;
  restorationStatus: string;
}

async function main(): Promise<void> {
  console.log(`bench:load — ${CONNECTIONS} connections for ${DURATION_S} s (after ${WARMUP_S} s warm-up); demo data: ${EXISTING_DB ? `database ${EXISTING_DB} as it is` : `${CASES} cases through ${DATA === 'api' ? 'the API' : 'seed:demo'}`}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-bench-load-'));
  const logger = { info: () => undefined, warn: () => undefined };
  const db = await resolveDatabase({ mongodbUri: process.env.MONGODB_URI, engine: (process.env.ENGINE as 'auto' | 'mongodb' | 'ferretdb' | undefined) ?? 'auto', dataDir, logger, ephemeral: !process.env.MONGODB_URI });
  const dbName = EXISTING_DB ?? `bench_load_${Date.now()}`;
  const baseEnv = { MONGODB_URI: db.uri, MONGODB_DB: dbName, ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn', DATA_DIR: dataDir, NODE_ENV: 'development' };
  let service: ReturnType<typeof run> | undefined;
  try {
    // 1. Demo data, before the service starts (the embedded engine takes one writer at a time).
    const seedStarted = Date.now();
    let seededBy = EXISTING_DB ? `existing database ${EXISTING_DB}` : DATA;
    if (!EXISTING_DB && DATA === 'seed-demo') {
      const seed = run(['scripts/seed-demo.ts', '--cases', String(CASES), '--seed', String(SEED)], baseEnv, 'seed:demo');
      const code = await seed.done;
      if (code !== 0) {
        console.log(`  seed:demo exited with ${code}; the bench creates its data through the API instead`);
        seededBy = 'api';
      }
    }

    // 2. The service, as its own process.
    const port = await freePort();
    service = run(['src/main.ts'], { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' }, '');
    const client = makeClient(port, CONNECTIONS + 8);
    const until = Date.now() + 180_000;
    for (;;) {
      const r = await new Promise<number>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/ready' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
      });
      if (r === 200) break;
      if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.tail.join('\n')}`);
      if (Date.now() > until) throw new Error('the service did not become ready');
      await sleep(200);
    }
    if (seededBy === 'api') await seedThroughApi(client, CASES);
    const seedS = (Date.now() - seedStarted) / 1000;

    // 3. What the load works on: every case (summaries), the projects, one client per connection.
    const cases: CaseInfo[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await client.request('GET', `/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, ADMIN);
      const body = page.json as { items: CaseInfo[]; nextCursor: string | null };
      cases.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    const projects = (((await client.request('GET', '/projects?limit=200', ADMIN)).json as { items: { id: string; status: string }[] }).items ?? []).filter((p) => ['published', 'funding', 'funded'].includes(p.status));
    const open = cases.filter((c) => !c.state.startsWith('closed'));
    const withMoney = cases.filter((c) => ['pending', 'partly_allocated'].includes(c.restorationStatus));
    if (!cases.length || !open.length) throw new Error('no demo data to work on');
    const tokens: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) tokens.push(((await client.request('POST', '/clients', ADMIN, { name: `负载客户端 ${i}`, role: 'handler', districts: ['*'] })).json as { token: string }).token);
    const districts = [...new Set(cases.map((c) => c.district))];
    const topStates = [...new Set(cases.map((c) => c.state.split('.')[0]!))];
    console.log(
      `data (${seededBy}, ${seedS.toFixed(0)} s): ${cases.length} cases (${open.length} open, ${withMoney.length} with unallocated restoration money), ${projects.length} fundable projects, ${districts.length} districts`,
    );

    // 4. The load.
    const lat: Record<Kind, number[]> = { view: [], list: [], event: [], suggestions: [] };
    const statuses = new Map<string, number>();
    let measuring = false;
    let running = true;
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const words = ['湿地', '倾倒', '排污', '太湖', '林地', '土壤'];

    async function connection(i: number): Promise<void> {
      const token = tokens[i]!;
      const mine = open.filter((_, k) => k % CONNECTIONS === i);
      const suspended = new Set<string>();
      let listCursor: string | null = null;
      while (running) {
        const r = Math.random();
        let kind: Kind;
        let reply: Reply;
        if (r < 0.7) {
          if (Math.random() < 0.6) {
            kind = 'view';
            reply = await client.request('GET', `/cases/${pick(cases).id}`, token);
          } else {
            kind = 'list';
            const f = Math.random();
            const q =
              listCursor && f < 0.2 ? `&cursor=${encodeURIComponent(listCursor)}`
              : f < 0.4 ? `&state=${pick(topStates)}`
              : f < 0.6 ? `&district=${encodeURIComponent(pick(districts))}`
              : f < 0.7 ? `&q=${encodeURIComponent(pick(words))}`
              : f < 0.8 ? '&overdue=true'
              : '';
            reply = await client.request('GET', `/cases?limit=20${q}`, token);
            listCursor = (reply.json as { nextCursor?: string | null })?.nextCursor ?? null;
          }
        } else if (r < 0.95 && mine.length) {
          kind = 'event';
          const c = pick(mine);
          const body = suspended.has(c.id) ? { type: 'RESUMED', note: '恢复办理' } : Math.random() < 0.5 ? { type: 'SUSPENDED', reason: '等待鉴定机构补充材料' } : { type: 'MARKED_MAJOR', basis: 'designated', note: '负载测试' };
          reply = await client.request('POST', `/cases/${c.id}/events`, token, body);
          const state = (reply.json as { state?: string })?.state;
          if (reply.status === 200 && state) {
            if (state === 'suspended') suspended.add(c.id);
            else suspended.delete(c.id);
          } else if (reply.status === 422) {
            // The case moved on (the scheduler, a deadline): look at it again next time.
            const now = (await client.request('GET', `/cases/${c.id}`, token)).json as { state?: string };
            if (now?.state === 'suspended') suspended.add(c.id);
            else suspended.delete(c.id);
          }
        } else {
          kind = 'suggestions';
          reply =
            Math.random() < 0.5 || !projects.length
              ? await client.request('GET', `/cases/${pick(withMoney.length ? withMoney : cases).id}/project-suggestions`, token)
              : await client.request('GET', `/projects/${pick(projects).id}/case-suggestions`, token);
        }
        if (!measuring) continue;
        lat[kind].push(reply.ms);
        const key = `${kind} ${reply.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }

    const load = Array.from({ length: CONNECTIONS }, (_, i) => connection(i));
    await sleep(WARMUP_S * 1000);
    measuring = true;
    const started = performance.now();
    await sleep(DURATION_S * 1000);
    measuring = false;
    const wallS = (performance.now() - started) / 1000;
    const memory = memoryOf(service.child.pid!);
    running = false;
    await Promise.all(load);
    client.close();

    // 5. The figures.
    const all = Object.values(lat).flat().sort((a, b) => a - b);
    const errors = [...statuses.entries()].filter(([k]) => !/ 2\d\d$/.test(k));
    const line = (name: string, xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `${name.padEnd(12)} ${String(s.length).padStart(7)} req ${(s.length / wallS).toFixed(1).padStart(8)} req/s   p50 ${percentile(s, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(s, 99).toFixed(1).padStart(8)} ms   p99.9 ${percentile(s, 99.9).toFixed(1).padStart(8)} ms`;
    };
    console.log('');
    console.log(line('all', all));
    for (const k of Object.keys(lat) as Kind[]) console.log(line(k, lat[k]));
    console.log(`errors: ${errors.reduce((s, [, n]) => s + n, 0)}${errors.length ? ` (${errors.map(([k, n]) => `${k}×${n}`).join(', ')})` : ''}`);
    console.log(`service resident memory at the end: ${memory ? `${mb(memory.rss)} (peak ${mb(memory.peak)})` : 'unknown'}; engine: ${db.source}${db.version ? ` ${db.version}` : ''}; ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await Promise.race([service.done, sleep(15_000)]);
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
    }
    if (process.env.MONGODB_URI && !EXISTING_DB) {
      const conn = await mongoose.createConnection(db.uri, { dbName }).asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
