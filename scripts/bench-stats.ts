import { toRecord } from '../src/cases/deadline-records';
/**
 * npm run bench:stats [-- --cases 100000 --templates 1000 --runs 7]
 *
 * How fast the bureau's figures answer at scale. On a fresh database of the real engine (the
 * embedded one, or MONGODB_URI), it inserts N realistic case documents (default 100,000), then
 * times the KPI endpoint over HTTP: the first load of the case facts (what a service start pays),
 * then the median of several requests for each kind of report, and a report right after a case
 * changed through the API.
 *
 * The documents: `--templates` cases are planned by the demo generator (scripts/seed-demo.ts) and
 * advanced in memory exactly as the case service writes them (newCaseDocument, then per event the
 * machine's transition, the deadlines, the history entry with its hash and the KPI fields); copies
 * of them, spread over districts and channels, are inserted with insertMany in batches. For the
 * benchmark only: real data goes through the service (npm run seed:demo).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { CaseModel, type CaseDocument, type HistoryEntry } from '../models/case';
import { ManualClock } from '../src/clock';
import { loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import type { Principal } from '../src/auth/principal';
import { resolveDatabase } from '../src/db/engine';
import { createLogger } from '../src/logger';
import { startService } from '../src/server';
import { newCaseDocument, parseEventBody } from '../src/cases/case-service';
import { registerLeadBody } from '../src/cases/case-schemas';
import { entryHash, GENESIS_HASH } from '../src/cases/case-history';
import { parse } from '../src/http/validate';
import { CaseFactIndex, caseFactIndexFor, defaultFactIndexOptions } from '../src/stats/fact-index';
import { getKpis } from '../src/stats/stats-service';
import { deadlinesOf } from '../src/stats/case-facts';
import { kpiFieldsOf } from '../src/stats/kpi-fields';
import type { CaseContext, CaseFacts, CaseMachineEvent } from '../workflows/case-context';
import { advanceCase, topStateOf, type PersistedCaseSnapshot } from '../workflows/case-runtime';
import { liabilityStatus, restorationStatus } from '../workflows/case-status';
import { nextDueAt, planDeadlines } from '../workflows/deadlines';
import { cstDate } from '../workflows/fields';
import type { DeadlineRuleName } from '../workflows/rules';
import { DEMO_START, districts, planCase, rngOf, type CasePlan } from './seed-demo';

const args = z
  .object({
    /** Cases the service's statistics hold while the reports are timed. */
    cases: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    /** Case documents inserted into the database (default: all of them on MongoDB; fewer on FerretDB, see below). */
    dbcases: z.coerce.number().int().min(100).max(1_000_000).optional(),
    templates: z.coerce.number().int().min(10).max(20_000).default(500),
    runs: z.coerce.number().int().min(3).max(50).default(7),
    batch: z.coerce.number().int().min(50).max(10_000).default(500),
  })
  .strict();

function parseArgs() {
  const raw: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    raw[m[1]!] = m[2] ?? argv[++i] ?? '';
  }
  return args.parse(raw);
}

const handler: Principal = { clientId: 'bench:handler', name: 'bench', role: 'handler', districts: 'all', baseIds: [] };

function factsAt(doc: CaseDocument, now: Date): CaseFacts {
  const nowIso = now.toISOString();
  const overdue = new Set<DeadlineRuleName>();
  const open: Record<string, string> = {};
  for (const d of doc.deadlines) {
    const due = new Date(d.dueAt).toISOString();
    if (d.status === 'missed' || (d.status === 'open' && due < nowIso)) overdue.add(d.rule as DeadlineRuleName);
    if ((d.status === 'open' || d.status === 'missed') && (!open[d.rule] || open[d.rule]! < due)) open[d.rule] = due;
  }
  return { now: nowIso, overdueRules: [...overdue], openDeadlines: open };
}

/** One planned case written the way the case service writes it (case-service.ts: newCaseDocument, sendEvent). */
export async function buildCase(ctx: AppContext, clock: ManualClock, plan: CasePlan, caseNoSeq: Map<number, number>): Promise<CaseDocument> {
  clock.set(new Date(plan.receivedAt + 20 * 60_000));
  const calendar = await ctx.workflow.calendar.get();
  const doc = newCaseDocument(ctx, handler, parse(registerLeadBody, plan.lead), calendar, { _id: plan.id, ...plan.extra });
  for (const e of plan.events) {
    const now = new Date(e.at + 3 * 60_000);
    const { type, at, payload } = parseEventBody(e.body);
    const facts = factsAt(doc, now);
    const actor = { clientId: `bench:${e.role}`, role: e.role };
    const event = { type, payload, at: at ?? now.toISOString(), facts, actor } as CaseMachineEvent;
    const result = advanceCase(ctx.workflow.machine, ctx.workflow.rules, doc.snapshot as PersistedCaseSnapshot, event);
    if (!result.ok) throw new Error(`${plan.id} ${type}: ${JSON.stringify(result)}`);
    const seq = doc.version + 1;
    const context: CaseContext = result.context;
    const deadlines = planDeadlines({
      before: deadlinesOf(doc.deadlines),
      from: result.from,
      to: result.to,
      event,
      previous: (doc.snapshot as PersistedCaseSnapshot).context,
      context,
      seq,
      rules: ctx.workflow.rules,
      calendar,
    });
    const entry: Omit<HistoryEntry, 'hash' | 'prevHash'> = {
      seq,
      type,
      payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
      facts: JSON.parse(JSON.stringify(facts)) as Record<string, unknown>,
      actor,
      at: new Date(event.at),
      recordedAt: now,
      from: result.from,
      to: result.to,
      version: seq,
    };
    const prevHash = doc.lastHash ?? GENESIS_HASH;
    const hash = entryHash(prevHash, entry);
    const due = nextDueAt(deadlines);
    Object.assign(doc, {
      snapshot: result.snapshot,
      state: result.to,
      stage: topStateOf(result.to),
      deadlines: deadlines.map(toRecord),
      nextDueAt: due ? new Date(due) : null,
      overdue: deadlines.some((d) => d.status === 'missed'),
      major: context.major,
      liabilityStatus: liabilityStatus(context),
      restorationStatus: restorationStatus(context),
      kpi: kpiFieldsOf(context, deadlines),
      updatedAt: now,
      lastHash: hash,
      version: seq,
    });
    doc.history.push({ ...entry, prevHash, hash });
    if (context.outcome) doc.outcome = context.outcome;
    if (context.closedAt) doc.closedAt = new Date(context.closedAt);
    if (type === 'CLAIM_STARTED') {
      const year = Number(cstDate(event.at).slice(0, 4));
      const n = (caseNoSeq.get(year) ?? 0) + 1;
      caseNoSeq.set(year, n);
      Object.assign(doc, { openedAt: new Date(event.at), caseNoYear: year, caseNo: `苏环赔〔${year}〕${String(n).padStart(5, '0')}号` });
    }
    if (type === 'PROCURATORATE_NOTIFIED' || type === 'HANDED_TO_PROCURATORATE' || type === 'DEEMED_NOT_PURSUED') doc.procuratorateVisible = true;
  }
  return doc;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p90: q(0.9), min: s[0]!, max: s[s.length - 1]! };
}

/**
 * On the embedded FerretDB v1 engine every case document costs ~10 ms of the engine's CPU to write
 * and again to read (it converts each document through its own JSON form), so 100,000 realistic
 * documents take tens of minutes to insert and as long to read back on this machine. By default the
 * benchmark then inserts FERRET_DB_CASES of them, measures the engine's write and full-read rates
 * on those, and fills the service's statistics with the facts of all `--cases` documents built the
 * same way (the same factOf the full read uses) to time the reports at full size. `--dbcases N`
 * inserts N instead (`--dbcases 100000` for the whole thing).
 */
const FERRET_DB_CASES = 5_000;

async function main() {
  const a = parseArgs();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', SCHEDULER_ENABLED: 'false', NODE_ENV: 'test', ADMIN_TOKEN: 'bench-admin-token-0123456789' });
  const logger = createLogger('warn');
  const db = await resolveDatabase({ mongodbUri: config.MONGODB_URI, engine: config.ENGINE, dataDir: config.dataDir, logger, ephemeral: !config.MONGODB_URI });
  const dbName = `bench_stats_${Date.now()}`;
  const clock = new ManualClock(new Date(`${DEMO_START}T00:00:00+08:00`));
  const svc = await startService({ config, logger, clock, database: { uri: db.uri, dbName }, listen: true });
  const total = performance.now();
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  try {
    const engine = svc.ctx.engine.engine;
    const dbCases = Math.min(a.cases, a.dbcases ?? (engine === 'mongodb' ? a.cases : FERRET_DB_CASES));
    console.log(`bench:stats — reports over ${a.cases.toLocaleString('en')} cases; engine ${engine} ${db.version ?? svc.ctx.engine.version}; ${dbCases.toLocaleString('en')} case documents in the database; ${a.runs} runs per report`);
    const horizon = Date.parse('2026-01-05T00:00:00+08:00');
    const start = Date.parse(`${DEMO_START}T00:00:00+08:00`);

    let t = performance.now();
    const caseNoSeq = new Map<number, number>();
    const templates: CaseDocument[] = [];
    for (let i = 0; i < a.templates; i++) templates.push(await buildCase(svc.ctx, clock, planCase(42, i, start, horizon), caseNoSeq));
    const size = templates.reduce((s, d) => s + JSON.stringify(d).length, 0) / templates.length;
    const events = templates.reduce((s, d) => s + d.history.length - 1, 0) / templates.length;
    console.log(`templates: ${a.templates} demo-planned cases advanced in memory in ${secs(performance.now() - t)}; ${events.toFixed(1)} events and ${(size / 1024).toFixed(1)} KB (JSON) a case`);

    const rng = rngOf(99);
    const districtOfCopy = Array.from({ length: a.cases }, () => {
      let x = rng() * districts.reduce((s, d) => s + d.weight, 0);
      for (const d of districts) if ((x -= d.weight) < 0) return d.name;
      return districts[0]!.name;
    });
    /** Copy i of the templates: its own id, case number and district. */
    const copyOf = (i: number): CaseDocument => {
      const template = templates[i % templates.length]!;
      // Shallow: the driver serialises shared nested values as often as asked, and factOf only reads.
      return {
        ...template,
        _id: `case_bench_${String(i).padStart(7, '0')}`,
        district: districtOfCopy[i]!,
        ...(template.caseNo ? { caseNo: `${template.caseNo.slice(0, -1)}-${i}号` } : {}),
      };
    };

    t = performance.now();
    for (let done = 0; done < dbCases; ) {
      const n = Math.min(a.batch, dbCases - done);
      await CaseModel.collection.insertMany(Array.from({ length: n }, (_, k) => copyOf(done + k)) as never[], { ordered: false });
      done += n;
      const rate = done / ((performance.now() - t) / 1000);
      process.stderr.write(`\rinserting: ${done.toLocaleString('en')}/${dbCases.toLocaleString('en')} (${Math.round(rate)}/s, ETA ${Math.round((dbCases - done) / rate)} s)\x1b[K`);
    }
    process.stderr.write('\n');
    const insertMs = performance.now() - t;
    const insertRate = dbCases / (insertMs / 1000);
    console.log(`inserted ${dbCases.toLocaleString('en')} case documents in ${secs(insertMs)} (${Math.round(insertRate)}/s${dbCases < a.cases ? `; ${a.cases.toLocaleString('en')} would take about ${secs((a.cases / insertRate) * 1000)}` : ''})`);

    // The full read a service start does (in the background), from the database.
    const patient = { resyncEveryMs: 3_600_000, firstLoadWaitMs: 3_600_000 };
    const cold = new CaseFactIndex(svc.ctx, { ...defaultFactIndexOptions, ...patient });
    t = performance.now();
    const loaded = (await cold.table()).size;
    cold.stop();
    const loadMs = performance.now() - t;
    const loadRate = loaded / (loadMs / 1000);
    console.log(`full read of the case facts from the database: ${loaded.toLocaleString('en')} cases in ${secs(loadMs)} (${Math.round(loadRate)}/s${loaded < a.cases ? `; ${a.cases.toLocaleString('en')} would take about ${secs((a.cases / loadRate) * 1000)}` : ''})`);

    // The service's statistics: read from the database when it holds every case, else the same documents from memory.
    const index = caseFactIndexFor(
      svc.ctx,
      dbCases < a.cases
        ? {
            ...patient,
            source: async function* () {
              for (let i = 0; i < a.cases; i++) yield copyOf(i);
            },
          }
        : patient,
    );
    clock.set(new Date(horizon + 10 * 3_600_000));
    const url = `http://127.0.0.1:${svc.port}/api/v1`;
    const admin = { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token-0123456789' };
    const mk = async (body: unknown) => ((await (await fetch(`${url}/clients`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const viewer = { authorization: `Bearer ${await mk({ name: 'bench viewer', role: 'viewer', districts: ['*'] })}` };
    const handlerToken = await mk({ name: 'bench handler', role: 'handler', districts: ['*'] });

    // Wall time, and this process's CPU time (the service and the client share it): the machine may be busy with other work.
    const get = async (path: string, headers: Record<string, string> = viewer) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await fetch(`${url}${path}`, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${text.slice(0, 300)}`);
      const c = process.cpuUsage(c0);
      return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, body: text };
    };

    const first = await get('/stats/kpis');
    console.log(`first report (loads the facts of ${index.size.toLocaleString('en')} cases ${dbCases < a.cases ? 'from memory' : 'from the database'}): ${secs(first.ms)}`);
    const report = JSON.parse(first.body) as Record<string, { value: number | null; numerator: number; denominator: number }>;
    const show = (k: string) => `${report[k]!.numerator}/${report[k]!.denominator}`;
    console.log(`  initiation ${show('initiationRate')}, closure ${show('closureRate')}, restoration ${show('restorationRate')}`);

    const reports: [string, string][] = [
      ['GET /stats/kpis (all time, all districts)', '/stats/kpis'],
      ['GET /stats/kpis?from&to (2025)', '/stats/kpis?from=2025-01-01&to=2025-12-31'],
      ['GET /stats/kpis?district=吴中区', `/stats/kpis?district=${encodeURIComponent('吴中区')}`],
      ['GET /stats/kpis?groupBy=district (2025)', '/stats/kpis?from=2025-01-01&to=2025-12-31&groupBy=district'],
      ['GET /stats/kpis?groupBy=caseClass', '/stats/kpis?groupBy=caseClass'],
      ['GET /stats/kpis.csv?groupBy=channel', '/stats/kpis.csv?groupBy=channel'],
      ['GET /stats/overdue?limit=50', '/stats/overdue?limit=50'],
    ];
    const line = (name: string, s: ReturnType<typeof stats>, note = '', cpu?: ReturnType<typeof stats>) =>
      console.log(
        `${name.padEnd(44)} median ${s.median.toFixed(1).padStart(7)} ms  p90 ${s.p90.toFixed(1).padStart(7)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})` +
          `${cpu ? `  cpu median ${cpu.median.toFixed(1)} ms` : ''}${note}`,
      );
    for (const [name, path] of reports) {
      const ms: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < a.runs; r++) {
        const res = await get(path);
        ms.push(res.ms);
        cpu.push(res.cpu);
      }
      line(name, stats(ms), '', stats(cpu));
    }

    // The same reports through the service function, without HTTP, authentication and JSON.
    const principal: Principal = { clientId: 'bench:viewer', name: 'bench', role: 'viewer', districts: 'all', baseIds: [] };
    for (const [name, query] of [
      ['getKpis() (all time, all districts)', {}],
      ['getKpis() groupBy=caseClass', { groupBy: 'caseClass' }],
    ] as const) {
      const ms: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < a.runs; r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await getKpis(svc.ctx, principal, query);
        ms.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      line(name, stats(ms), '', stats(cpu));
    }

    // A case changes through the API: the next report re-reads that one case before answering.
    const id = `case_bench_${String(templates.findIndex((d) => d.stage !== 'closed' && d.stage !== 'suspended')).padStart(7, '0')}`;
    const events2: number[] = [];
    const after: number[] = [];
    const afterCpu: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const sent = await fetch(`${url}/cases/${id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${handlerToken}` },
        body: JSON.stringify({ type: 'MARKED_MAJOR', basis: 'designated', note: `基准测试 ${r}` }),
      });
      if (sent.status !== 200) throw new Error(`event → ${sent.status} ${await sent.text()}`);
      events2.push(performance.now() - t0);
      const res = await get('/stats/kpis');
      after.push(res.ms);
      afterCpu.push(res.cpu);
    }
    line('POST /cases/:id/events (for comparison)', stats(events2));
    line('GET /stats/kpis right after that event', stats(after), '  (re-reads the changed case by _id)', stats(afterCpu));
    console.log(`total ${secs(performance.now() - total)}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  } finally {
    await svc.stop();
    await db.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
