/**
 * Benchmark of the matching module (npm run bench:matching).
 *
 * For a realistic size (1×: 1,000 open obligations, 200 projects) and ten times that, on seeded
 * synthetic data over Suzhou's districts, it measures: one case's project suggestions and one
 * project's case suggestions (median over several cases/projects, as an API page of 50 and as the
 * full list); the global plan (with the data's side-constraints: some non-splittable obligations,
 * some projects with a minimum contribution); the network simplex alone on the plan's transportation
 * problem; the greedy baseline; and HiGHS (LP, WebAssembly) on the very same transportation problem,
 * checking that both reach the same optimum.
 */
import os from 'node:os';
import loadHighs from 'highs';
import { buildMatchingArcs, greedyPlan, planAllocations } from '../src/matching/plan';
import { rankProjectsForSources, rankSourcesForProject } from '../src/matching/rank';
import { solveTransportation, type TransportationProblem } from '../src/matching/network-simplex';
import { transportationToLp } from '../src/matching/lp-format';
import { generateMatchingData } from '../src/matching/synthetic';
import { defaultMatchingOptions, type MatchingOptions, type MoneySource } from '../src/matching/types';

const TODAY = '2026-03-01';
/** The plan keeps only strong matches as arcs: about 120k–130k of the 20M pairs at 10×. */
const PLAN_MIN_SCORE = 80;
const SUGGESTION_RUNS = 15;
const PLAN_RUNS = 3;

const SIZES = [
  { label: '1×', sources: 1_000, projects: 200, seed: 20_260_301 },
  { label: '10×', sources: 10_000, projects: 2_000, seed: 20_260_302 },
];

const started = performance.now();
function progress(message: string): void {
  console.log(`[+${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function ms(x: number): string {
  return `${x.toFixed(x < 10 ? 2 : 1)} ms`;
}

/** Wall-clock and CPU time (user + system, this process) of one call. */
function timed<T>(f: () => T): { value: T; ms: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = f();
  const ms = performance.now() - t;
  const used = process.cpuUsage(c);
  return { value, ms, cpu: (used.user + used.system) / 1000 };
}

function both(wall: number[], cpu: number[]): string {
  return `${ms(median(wall))} (CPU ${ms(median(cpu))})`;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

function yuan(fenHundredths: number): string {
  return (fenHundredths / 100).toExponential(6);
}

async function main(): Promise<void> {
  const highs = await loadHighs();
  console.log('Matching benchmark');
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadAverage()}`);
  console.log('Times are medians, wall clock with the CPU time of this process in brackets (the machine may be shared).');
  const summary: string[] = [];

  for (const size of SIZES) {
    console.log('');
    progress(`${size.label}: generating ${size.sources} obligations and ${size.projects} projects (seed ${size.seed})`);
    const data = generateMatchingData({ seed: size.seed, sources: size.sources, projects: size.projects, today: TODAY });
    const suggestOptions: MatchingOptions = defaultMatchingOptions(TODAY);
    const planOptions: MatchingOptions = { ...defaultMatchingOptions(TODAY), minScore: PLAN_MIN_SCORE };

    // Suggestions: one case (all its obligations) against every project; one project against every obligation.
    const byCase = new Map<string, MoneySource[]>();
    for (const s of data.sources) byCase.set(s.caseId, [...(byCase.get(s.caseId) ?? []), s]);
    const cases = [...byCase.values()];
    progress(`${size.label}: ${cases.length} cases; timing suggestions (${SUGGESTION_RUNS} cases and ${SUGGESTION_RUNS} projects, after warm-up)`);
    for (let w = 0; w < 3; w++) {
      rankProjectsForSources(cases[w], data.projects, suggestOptions);
      rankSourcesForProject(data.projects[w], data.sources, suggestOptions);
    }
    const pick = (n: number, k: number): number => Math.floor(((k + 0.5) * n) / SUGGESTION_RUNS);
    const caseTimes = { page: [] as number[], pageCpu: [] as number[], full: [] as number[], fullCpu: [] as number[], items: [] as number[] };
    const projectTimes = { page: [] as number[], pageCpu: [] as number[], full: [] as number[], fullCpu: [] as number[], items: [] as number[] };
    for (let k = 0; k < SUGGESTION_RUNS; k++) {
      const c = cases[pick(cases.length, k)];
      const p = data.projects[pick(data.projects.length, k)];
      const pageCase = timed(() => rankProjectsForSources(c, data.projects, suggestOptions, { limit: 50 }));
      caseTimes.page.push(pageCase.ms);
      caseTimes.pageCpu.push(pageCase.cpu);
      const fullCase = timed(() => rankProjectsForSources(c, data.projects, suggestOptions));
      caseTimes.full.push(fullCase.ms);
      caseTimes.fullCpu.push(fullCase.cpu);
      caseTimes.items.push(fullCase.value.length);
      const pageProject = timed(() => rankSourcesForProject(p, data.sources, suggestOptions, { limit: 50 }));
      projectTimes.page.push(pageProject.ms);
      projectTimes.pageCpu.push(pageProject.cpu);
      const fullProject = timed(() => rankSourcesForProject(p, data.sources, suggestOptions));
      projectTimes.full.push(fullProject.ms);
      projectTimes.fullCpu.push(fullProject.cpu);
      projectTimes.items.push(fullProject.value.length);
    }
    const lines = [
      `${size.label} project suggestions for one case: ${both(caseTimes.page, caseTimes.pageCpu)} for a page of 50, ${both(caseTimes.full, caseTimes.fullCpu)} for the full list (median ${median(caseTimes.items)} projects, each with reasons)`,
      `${size.label} case suggestions for one project: ${both(projectTimes.page, projectTimes.pageCpu)} for a page of 50, ${both(projectTimes.full, projectTimes.fullCpu)} for the full list (median ${median(projectTimes.items)} obligations, each with reasons)`,
    ];
    lines.forEach((l) => progress(l));

    // The transportation problem of the plan.
    progress(`${size.label}: scoring all ${size.sources * size.projects} pairs for the plan (minScore ${PLAN_MIN_SCORE})`);
    const built = timed(() => buildMatchingArcs(data.sources, data.projects, planOptions));
    const inst = built.value;
    const problem: TransportationProblem = {
      supplies: inst.sources.map((s) => s.amount),
      demands: inst.projects.map((p) => p.gap),
      arcFrom: inst.arcSource,
      arcTo: inst.arcProject,
      arcGain: inst.arcCost,
    };
    progress(
      `${size.label}: ${inst.compatiblePairs} compatible pairs, ${inst.arcCost.length} arcs (score ≥ ${PLAN_MIN_SCORE}), built in ${ms(built.ms)}`,
    );

    progress(`${size.label}: global plan, ${PLAN_RUNS} runs`);
    const planRuns = Array.from({ length: PLAN_RUNS }, () => timed(() => planAllocations(data.sources, data.projects, planOptions)));
    const plan = planRuns[0].value;
    const planTime = both(
      planRuns.map((r) => r.ms),
      planRuns.map((r) => r.cpu),
    );
    progress(
      `${size.label} global plan: ${planTime} (runs ${planRuns.map((r) => ms(r.ms)).join(', ')}; first run: arcs built in ${ms(plan.stats.buildMs)}, solve + repair ${ms(plan.stats.solveMs)}), ${plan.allocations.length} allocations, ${plan.stats.pivots} pivots, ${plan.stats.repairRounds} repair rounds, solver ${plan.solver.name}, optimal=${plan.solver.optimal}, gap to relaxed ${(100 * (plan.solver.gap ?? 0)).toFixed(4)}%`,
    );

    progress(`${size.label}: network simplex alone on the transportation problem, ${PLAN_RUNS} runs`);
    const simplexRuns = Array.from({ length: PLAN_RUNS }, () => timed(() => solveTransportation(problem)));
    const simplex = simplexRuns[0].value;
    const simplexMs = median(simplexRuns.map((r) => r.ms));
    const simplexCpu = median(simplexRuns.map((r) => r.cpu));
    const simplexTime = both(
      simplexRuns.map((r) => r.ms),
      simplexRuns.map((r) => r.cpu),
    );

    progress(`${size.label}: greedy baseline`);
    const greedy = greedyPlan(data.sources, data.projects, planOptions);

    progress(`${size.label}: HiGHS LP on the same transportation problem`);
    const lpText = timed(() => transportationToLp(problem));
    const lp = timed(() => highs.solve(lpText.value, { output_flag: false }));
    const lpObjective = lp.value.Status === 'Optimal' ? lp.value.ObjectiveValue : Number.NaN;
    const diff = Math.abs(lpObjective - simplex.objective);
    const agree = diff <= 1e-7 * Math.max(1, Math.abs(simplex.objective));

    const results = [
      `${size.label} transportation problem: network simplex ${simplexTime} (${simplex.pivots} pivots), objective ${yuan(simplex.objective)} score·yuan; HiGHS ${ms(lp.ms)} (CPU ${ms(lp.cpu)}) (+ ${ms(lpText.ms)} to write ${(lpText.value.length / 1e6).toFixed(1)} MB of LP text), status ${lp.value.Status}, objective ${yuan(lpObjective)}; agree: ${agree ? 'yes' : 'NO'} (difference ${(diff / 100).toFixed(2)} score·yuan); network simplex ${(lp.ms / simplexMs).toFixed(1)}× faster (CPU: ${(lp.cpu / simplexCpu).toFixed(1)}×)`,
      `${size.label} plan vs greedy: plan objective ${yuan(plan.objective * 100)} (relaxed ${yuan((plan.solver.relaxedObjective ?? plan.objective) * 100)}), greedy ${yuan(greedy.objective * 100)} in ${ms(greedy.solver.ms)} (arcs built again included); plan/greedy = ${(plan.objective / greedy.objective).toFixed(4)}; unallocated ${(plan.unallocatedFen / 100).toFixed(0)} yuan (greedy ${(greedy.unallocatedFen / 100).toFixed(0)} yuan) of ${(inst.totalFen / 100).toFixed(0)} yuan`,
    ];
    results.forEach((l) => progress(l));
    summary.push(
      ...lines,
      `${size.label} global plan: ${planTime}, ${inst.arcCost.length} arcs (${inst.compatiblePairs} compatible pairs), ${plan.solver.name}, gap to relaxed ${(100 * (plan.solver.gap ?? 0)).toFixed(4)}%`,
      ...results,
    );
  }

  console.log(`\nSummary (load average at the end ${loadAverage()})`);
  for (const l of summary) console.log(`- ${l}`);
  progress('done');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
