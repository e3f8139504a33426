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
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { CaseModel, type CaseDocument, type DeadlineRecord, type HistoryEntry } from '../models/case';
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
import { caseFactIndexFor } from '../src/stats/fact-index';
import { deadlinesOf } from '../src/stats/case-facts';
import { kpiFieldsOf } from '../src/stats/kpi-fields';
import type { CaseContext, CaseFacts, CaseMachineEvent } from '../workflows/case-context';
import { advanceCase, topStateOf, type PersistedCaseSnapshot } from '../workflows/case-runtime';
import { liabilityStatus, restorationStatus } from '../workflows/case-status';
import { nextDueAt, planDeadlines, type Deadline } from '../workflows/deadlines';
import { cstDate } from '../workflows/fields';
import type { DeadlineRuleName } from '../workflows/rules';
import { DEMO_START, districts, planCase, rngOf, type CasePlan } from './seed-demo';

const args = z
  .object({
    cases: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    templates: z.coerce.number().int().min(10).max(20_000).default(1_000),
    runs: z.coerce.number().int().min(3).max(50).default(7),
    batch: z.coerce.number().int().min(100).max(10_000).default(1_000),
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

function toRecord(d: Deadline): DeadlineRecord {
  return {
    id: d.id,
    rule: d.rule,
    ...(d.ref ? { ref: d.ref } : {}),
    startAt: new Date(d.startAt),
    dueAt: new Date(d.dueAt),
    status: d.status,
    openedSeq: d.openedSeq,
    ...(d.settledAt ? { settledAt: new Date(d.settledAt) } : {}),
    ...(d.missedAt ? { missedAt: new Date(d.missedAt) } : {}),
    ...(d.metLate ? { metLate: true } : {}),
    extensions: d.extensions.map((e) => ({ from: new Date(e.from), to: new Date(e.to), reason: e.reason, seq: e.seq })),
  };
}

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
async function buildCase(ctx: AppContext, clock: ManualClock, plan: CasePlan, caseNoSeq: Map<number, number>): Promise<CaseDocument> {
  clock.set(new Date(plan.receivedAt + 20 * 60_000));
  const doc = newCaseDocument(ctx, handler, parse(registerLeadBody, plan.lead), { _id: plan.id, ...plan.extra });
  const calendar = await ctx.workflow.calendar.get();
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

async function main() {
  const a = parseArgs();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', SCHEDULER_ENABLED: 'false', NODE_ENV: 'test', ADMIN_TOKEN: 'bench-admin-token-0123456789' });
  const logger = createLogger('warn');
  const db = await resolveDatabase({ mongodbUri: config.MONGODB_URI, engine: config.ENGINE, dataDir: config.dataDir, logger, ephemeral: !config.MONGODB_URI });
  const dbName = `bench_stats_${Date.now()}`;
  const clock = new ManualClock(new Date(`${DEMO_START}T00:00:00+08:00`));
  const svc = await startService({ config, logger, clock, database: { uri: db.uri, dbName }, listen: true });
  const total = performance.now();
  try {
    console.log(`bench:stats — ${a.cases.toLocaleString('en')} cases from ${a.templates} planned templates; engine ${svc.ctx.engine.engine} ${svc.ctx.engine.version}; ${a.runs} runs per report`);
    const horizon = Date.parse('2026-01-05T00:00:00+08:00');
    const start = Date.parse(`${DEMO_START}T00:00:00+08:00`);

    let t = performance.now();
    const caseNoSeq = new Map<number, number>();
    const templates: CaseDocument[] = [];
    for (let i = 0; i < a.templates; i++) templates.push(await buildCase(svc.ctx, clock, planCase(42, i, start, horizon), caseNoSeq));
    const size = templates.reduce((s, d) => s + JSON.stringify(d).length, 0) / templates.length;
    const events = templates.reduce((s, d) => s + d.history.length - 1, 0) / templates.length;
    console.log(`templates: ${a.templates} cases advanced in memory in ${((performance.now() - t) / 1000).toFixed(1)} s; ${events.toFixed(1)} events and ${(size / 1024).toFixed(1)} KB (JSON) a case on average`);

    t = performance.now();
    const rng = rngOf(99);
    const weights = districts.map((d) => d.weight);
    const sum = weights.reduce((s, w) => s + w, 0);
    const districtOf = () => {
      let x = rng() * sum;
      for (const d of districts) if ((x -= d.weight) < 0) return d.name;
      return districts[0]!.name;
    };
    const collection = CaseModel.collection;
    for (let done = 0; done < a.cases; ) {
      const n = Math.min(a.batch, a.cases - done);
      const batch: CaseDocument[] = [];
      for (let k = 0; k < n; k++) {
        const i = done + k;
        const copy = structuredClone(templates[i % templates.length]!);
        copy._id = `case_bench_${String(i).padStart(7, '0')}`;
        copy.district = districtOf();
        if (copy.caseNo) copy.caseNo = `${copy.caseNo.slice(0, -1)}-${i}号`;
        batch.push(copy);
      }
      await collection.insertMany(batch as never[], { ordered: false });
      done += n;
      const rate = done / ((performance.now() - t) / 1000);
      process.stderr.write(`\rinserting: ${done.toLocaleString('en')}/${a.cases.toLocaleString('en')} (${Math.round(rate)}/s, ETA ${Math.round((a.cases - done) / rate)} s)\x1b[K`);
    }
    process.stderr.write('\n');
    console.log(`inserted ${a.cases.toLocaleString('en')} case documents in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    clock.set(new Date(horizon + 10 * 3_600_000));
    const url = `http://127.0.0.1:${svc.port}/api/v1`;
    const admin = { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token-0123456789' };
    const mk = async (body: unknown) => ((await (await fetch(`${url}/clients`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const viewer = { authorization: `Bearer ${await mk({ name: 'bench viewer', role: 'viewer', districts: ['*'] })}` };
    const handlerToken = await mk({ name: 'bench handler', role: 'handler', districts: ['*'] });

    const get = async (path: string, headers: Record<string, string> = viewer) => {
      const t0 = performance.now();
      const res = await fetch(`${url}${path}`, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${text.slice(0, 300)}`);
      return { ms: performance.now() - t0, body: text };
    };

    const first = await get('/stats/kpis');
    const index = caseFactIndexFor(svc.ctx);
    console.log(`first report (reads every case's facts once; what a service start pays in the background): ${(first.ms / 1000).toFixed(1)} s for ${index.size.toLocaleString('en')} cases`);
    const report = JSON.parse(first.body) as Record<string, { value: number | null; numerator: number; denominator: number }>;
    console.log(
      `  initiation ${report.initiationRate!.numerator}/${report.initiationRate!.denominator}, closure ${report.closureRate!.numerator}/${report.closureRate!.denominator}, restoration ${report.restorationRate!.numerator}/${report.restorationRate!.denominator}`,
    );

    const reports: [string, string][] = [
      ['GET /stats/kpis (all time, all districts)', '/stats/kpis'],
      ['GET /stats/kpis?from&to (2025)', '/stats/kpis?from=2025-01-01&to=2025-12-31'],
      ['GET /stats/kpis?district=吴中区', `/stats/kpis?district=${encodeURIComponent('吴中区')}`],
      ['GET /stats/kpis?groupBy=district', '/stats/kpis?from=2025-01-01&to=2025-12-31&groupBy=district'],
      ['GET /stats/kpis?groupBy=caseClass', '/stats/kpis?groupBy=caseClass'],
      ['GET /stats/kpis.csv?groupBy=channel', '/stats/kpis.csv?groupBy=channel'],
      ['GET /stats/overdue?limit=50', '/stats/overdue?limit=50'],
    ];
    const results: Record<string, ReturnType<typeof stats>> = {};
    for (const [name, path] of reports) {
      const ms: number[] = [];
      for (let r = 0; r < a.runs; r++) ms.push((await get(path)).ms);
      results[name] = stats(ms);
      const s = results[name]!;
      console.log(`${name.padEnd(44)} median ${s.median.toFixed(1).padStart(7)} ms  p90 ${s.p90.toFixed(1).padStart(7)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`);
    }

    // A case changes through the API: the next report re-reads that one case before answering.
    const change = templates.findIndex((d) => d.stage !== 'closed' && d.stage !== 'suspended');
    const id = `case_bench_${String(change).padStart(7, '0')}`;
    const after: number[] = [];
    for (let r = 0; r < Math.min(3, a.runs); r++) {
      const sent = await fetch(`${url}/cases/${id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${handlerToken}` },
        body: JSON.stringify({ type: 'MARKED_MAJOR', basis: 'designated', note: `基准测试 ${r}` }),
      });
      if (sent.status !== 200) throw new Error(`event → ${sent.status} ${await sent.text()}`);
      after.push((await get('/stats/kpis')).ms);
    }
    const s = stats(after);
    console.log(`${'GET /stats/kpis right after a case event'.padEnd(44)} median ${s.median.toFixed(1).padStart(7)} ms  (re-reads the changed case by _id)`);
    console.log(`total ${((performance.now() - total) / 1000).toFixed(0)} s`);
  } finally {
    await svc.stop();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
