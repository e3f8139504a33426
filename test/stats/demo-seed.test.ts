import { CaseModel, type CaseDocument } from '../../models/case';
import { ProjectModel } from '../../models/project';
import { BaseModel } from '../../models/base';
import { ManualClock } from '../../src/clock';
import { verifyChain } from '../../src/cases/case-history';
import type { CaseMachineEvent } from '../../workflows/case-context';
import { advanceCase, startCase, type PersistedCaseSnapshot } from '../../workflows/case-runtime';
import { kpiFieldsOf } from '../../src/stats/kpi-fields';
import { deadlinesOf } from '../../src/stats/case-facts';
import { baseSeeds, DEMO_START, planCase, seedDemo } from '../../scripts/seed-demo';
import { as, newClient } from '../support/api';
import { startTestService, type TestService } from '../support/service';

/**
 * The demo seeder creates its data through the service functions, so every case it leaves must be
 * one the procedure could have produced: replaying its history through the machine from the lead
 * gives back the stored state and snapshot, and its hash chain holds. Running it again with the
 * same seed changes nothing.
 */

const SEED = 7;
const NOW = '2026-01-05';
const CASES = 36;

let svc: TestService;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(new Date(`${DEMO_START}T00:00:00+08:00`));
  svc = await startTestService({ clock });
}, 60_000);

afterAll(async () => {
  await svc?.stop();
});

function replay(doc: CaseDocument): { state: string; snapshot: PersistedCaseSnapshot; steps: number } {
  const machine = svc.ctx.workflow.machine;
  const rules = svc.ctx.workflow.rules;
  const lead = doc.history[0]!;
  expect(lead.type).toBe('LEAD_REGISTERED');
  let { snapshot, state } = startCase(machine, {
    receivedAt: new Date(doc.receivedAt).toISOString(),
    redLine: !!doc.redLine,
    partyIds: doc.parties.map((p) => p.id),
  });
  let steps = 0;
  for (const entry of doc.history.slice(1)) {
    if (entry.type === 'DEADLINE_MISSED') continue; // the scheduler's own entry: no transition
    const event = { type: entry.type, payload: entry.payload, at: new Date(entry.at).toISOString(), facts: entry.facts, actor: entry.actor } as unknown as CaseMachineEvent;
    const result = advanceCase(machine, rules, snapshot, event);
    if (!result.ok) throw new Error(`${doc._id} seq ${entry.seq} ${entry.type}: ${JSON.stringify(result)}`);
    expect(result.from).toBe(entry.from);
    expect(result.to).toBe(entry.to);
    snapshot = result.snapshot;
    state = result.to;
    steps += 1;
  }
  return { state, snapshot, steps };
}

describe('npm run seed:demo', () => {
  it('creates cases over the procedure\'s stages, bases with projects, allocations, through the service functions, with nothing refused', async () => {
    const summary = await seedDemo(svc.ctx, clock, { cases: CASES, seed: SEED, now: NOW, concurrency: 3 });
    expect(summary.failures).toEqual([]);
    expect(summary.casesCreated).toBe(CASES);
    expect(summary.basesCreated).toBe(10);
    expect(summary.projectsCreated).toBeGreaterThan(20);
    expect(await BaseModel.countDocuments({ name: '太湖生态岛示范基地' })).toBe(1);
    const stages = new Set((await CaseModel.find({}, { stage: 1 }).lean()).map((c) => c.stage));
    expect(stages.size).toBeGreaterThanOrEqual(5);
    expect(stages.has('closed')).toBe(true);
    const projects = await ProjectModel.find({}, { status: 1, gapFen: 1, budgetFen: 1 }).lean();
    expect(projects.every((p) => p.gapFen >= 0 && p.gapFen <= p.budgetFen)).toBe(true);
  }, 600_000);

  it('leaves cases whose histories replay through the machine to their stored states and snapshots, with intact hash chains', async () => {
    const docs = await CaseModel.find({ _id: { $regex: `^case_demo${SEED}_` } }).lean<CaseDocument[]>();
    expect(docs).toHaveLength(CASES);
    let events = 0;
    for (const doc of docs) {
      const { state, snapshot, steps } = replay(doc);
      events += steps;
      expect(state).toBe(doc.state);
      expect(snapshot).toEqual(doc.snapshot);
      expect(verifyChain(doc.history).valid).toBe(true);
      expect(doc.version).toBe(doc.history.length);
      // The KPI fields are those of the final context (the scheduler changes deadlines, not KPI inputs, except when it marks one missed).
      if (!doc.history.some((h) => h.type === 'DEADLINE_MISSED')) {
        expect(JSON.parse(JSON.stringify(doc.kpi))).toEqual(JSON.parse(JSON.stringify(kpiFieldsOf(snapshot.context, deadlinesOf(doc.deadlines)))));
      }
    }
    expect(events).toBeGreaterThan(CASES * 5);
  });

  it('matches the plans: each case went as far as its plan up to the demo\'s today', async () => {
    const horizon = Date.parse(`${NOW}T00:00:00+08:00`);
    const start = Date.parse(`${DEMO_START}T00:00:00+08:00`);
    for (let i = 0; i < CASES; i++) {
      const plan = planCase(SEED, i, start, horizon);
      const doc = (await CaseModel.findOne({ _id: plan.id }, { history: 1 }).lean<Pick<CaseDocument, 'history'>>())!;
      const done = doc.history.filter((h) => h.actor.role !== 'system').map((h) => h.type);
      expect(done).toEqual(['LEAD_REGISTERED', ...plan.events.map((e) => e.body.type)]);
      expect(plan.events.every((e) => e.at <= horizon)).toBe(true);
    }
  });

  it('is idempotent per seed: a second run creates nothing and changes no case', async () => {
    const before = await CaseModel.find({}, { version: 1 }).sort({ _id: 1 }).lean();
    const projectsBefore = await ProjectModel.countDocuments({});
    const again = await seedDemo(svc.ctx, clock, { cases: CASES, seed: SEED, now: NOW, concurrency: 3 });
    expect(again).toMatchObject({ casesCreated: 0, casesResumed: 0, casesUnchanged: CASES, events: 0, basesCreated: 0, projectsCreated: 0, allocationsConfirmed: 0, failures: [] });
    const after = await CaseModel.find({}, { version: 1 }).sort({ _id: 1 }).lean();
    expect(after).toEqual(before);
    expect(await ProjectModel.countDocuments({})).toBe(projectsBefore);
    expect(await BaseModel.countDocuments({})).toBe(baseSeeds.length);
  }, 600_000);

  it('gives the statistics something to show', async () => {
    const viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['*'] })).token);
    const kpis = (await viewer.get('/stats/kpis').expect(200)).body;
    expect(kpis.cases.received).toBe(CASES);
    for (const k of ['initiationRate', 'closureRate']) {
      expect(kpis[k].denominator).toBeGreaterThan(0);
      expect(kpis[k].numerator).toBeLessThanOrEqual(kpis[k].denominator);
    }
  });
});
