/**
 * npm run bench:advance [-- --clients 32 --requests 40]
 *
 * N concurrent clients advance distinct cases over real HTTP against the service on the real
 * engine (the embedded one, or MONGODB_URI), and the same number of workers perform the bare floor
 * of one advance — a read plus a version-guarded write of a document of the same size, through
 * the by-id helpers (src/db/by-id.ts) without HTTP, validation or the machine — in the same process. Prints throughput, p50/p99 of both and the ratio.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startService } from '../src/server';
import { resolveDatabase } from '../src/db/engine';
import mongoose, { Schema } from 'mongoose';
import { CaseModel } from '../models/case';
import { findOneById, updateOneById } from '../src/db/by-id';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const CLIENTS = arg('clients', 32);
const REQUESTS = arg('requests', 40);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(name: string, latencies: number[], wallMs: number) {
  const s = [...latencies].sort((a, b) => a - b);
  const line = { name, requests: s.length, throughputPerS: Math.round((s.length / wallMs) * 1000), p50: +percentile(s, 50).toFixed(2), p99: +percentile(s, 99).toFixed(2) };
  console.log(`${name.padEnd(34)} ${String(line.requests).padStart(6)} req  ${String(line.throughputPerS).padStart(6)} req/s  p50 ${line.p50.toFixed(2).padStart(7)} ms  p99 ${line.p99.toFixed(2).padStart(7)} ms`);
  return line;
}

async function main() {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', SCHEDULER_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'test', ADMIN_TOKEN: 'bench-admin-token-0123456789' });
  const logger = createLogger('warn');
  console.log(`bench:advance — ${CLIENTS} concurrent clients × ${REQUESTS} events each`);
  const db = await resolveDatabase({ mongodbUri: base.MONGODB_URI, engine: base.ENGINE, dataDir: base.dataDir, logger, ephemeral: !base.MONGODB_URI });
  const dbName = `bench_${Date.now()}`;
  const svc = await startService({ config: base, logger, database: { uri: db.uri, dbName, version: db.version }, listen: true });
  console.log(`engine: ${svc.ctx.engine.engine} ${svc.ctx.engine.version}; service on port ${svc.port}`);
  const url = `http://127.0.0.1:${svc.port}/api/v1`;
  const adminHeaders = { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token-0123456789' };
  const client = await (await fetch(`${url}/clients`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ name: 'bench', role: 'handler', districts: ['吴中区'] }) })).json() as { token: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${client.token}` };

  process.stdout.write('preparing cases');
  const ids: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = await (await fetch(`${url}/cases`, { method: 'POST', headers, body: JSON.stringify({ title: `基准案件 ${i}`, channel: 'complaint', receivedAt: new Date().toISOString().slice(0, 10), district: '吴中区', parties: [{ name: '某公司', kind: 'company' }] }) })).json() as { id: string };
    await fetch(`${url}/cases/${c.id}/events`, { method: 'POST', headers, body: JSON.stringify({ type: 'SCREENED', outcome: 'verify' }) });
    ids.push(c.id);
    if (i % 8 === 7) process.stdout.write('.');
  }
  console.log(' done');

  // Each client advances its own case with If-Match, alternating two events a handler may repeat.
  const eventFor = (i: number) =>
    i % 2 === 0
      ? { type: 'MARKED_MAJOR', basis: 'designated', note: `第${i}次` }
      : { type: 'DEADLINE_EXTENDED', rule: 'verification_30d', newDueAt: new Date(Date.now() + (40 + i) * 86_400_000).toISOString().slice(0, 10), reason: `第${i}次延期` };

  // The floor's documents: copies of the cases as they are before the advances (same size at every step).
  const Floor = mongoose.models.BenchFloor ?? mongoose.model('BenchFloor', new Schema({ _id: String }, { strict: false, collection: 'bench_floor', versionKey: false }));
  const docs = await CaseModel.find({ _id: { $in: ids } }).lean();
  await Floor.collection.insertMany(docs.map((d) => ({ ...d, _id: `floor_${d._id}` })) as never[]);

  const advanceLat: number[] = [];
  let t0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      let version = (await CaseModel.findById(id, { version: 1 }).lean())!.version;
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        const res = await fetch(`${url}/cases/${id}/events`, { method: 'POST', headers: { ...headers, 'if-match': String(version) }, body: JSON.stringify(eventFor(version)) });
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`advance answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        version += 1;
        advanceLat.push(ms);
      }
    }),
  );
  const advanceWall = performance.now() - t0;

  // The floor: the two database operations an advance cannot avoid — read the case, write it back
  // guarded by its version — on copies of the same documents, through the same by-id helpers the
  // service uses (on FerretDB a filter beside `_id` scans the collection; see src/db/by-id.ts).
  const sample = (await CaseModel.findById(ids[0], { history: 1 }).lean())!.history.at(-1)!;
  const floorLat: number[] = [];
  t0 = performance.now();
  await Promise.all(
    docs.map(async (d) => {
      const id = `floor_${d._id}`;
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        const current = (await findOneById<{ version: number; state: string }>(Floor as never, id, {}, { history: 0 }))!;
        await updateOneById(Floor, `floor:${id}`, id, { version: current.version }, {
          $set: { updatedAt: new Date(), state: current.state },
          $inc: { version: 1 },
          $push: { history: { ...sample, seq: current.version + 1 } },
        });
        floorLat.push(performance.now() - t);
      }
    }),
  );
  const floorWall = performance.now() - t0;

  console.log('');
  const a = summary('advance over HTTP (service)', advanceLat, advanceWall);
  const f = summary('floor: read + guarded write by _id', floorLat, floorWall);
  console.log(`\nratio advance/floor: p50 ${(a.p50 / f.p50).toFixed(2)}×, p99 ${(a.p99 / f.p99).toFixed(2)}×, throughput ${(f.throughputPerS / a.throughputPerS).toFixed(2)}× (aim: p50 ≤ 1.5×)`);
  await svc.ctx.connection.db!.dropDatabase();
  await svc.stop();
  await db.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
