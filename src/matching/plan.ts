/**
 * The global allocation plan: pool the sources' money into projects up to their gaps, maximising
 * Σ score × amountFen placed.
 *
 * Model (a transportation problem): supplies are the sources' unallocated money, capacities the
 * projects' gaps, arcs the compatible pairs scoring ≥ minScore, each with gain = score in
 * hundredths (an integer 0..10000). Money may stay unplaced. It is solved exactly by the primal
 * network simplex in `network-simplex.ts`; transportation problems with integer data have integral
 * optimal basic solutions, so every planned amount is a whole number of fen.
 *
 * Hard side-constraints make the problem NP-hard in general (they turn it into a fixed-charge /
 * single-sourcing problem):
 *  - a source that may not be split (`splittable`, default `allowSplit`) goes to one project only;
 *  - each allocation must be at least the project's minimum contribution (capped at its gap).
 * The relaxed problem (without them) is solved first; its optimum is an upper bound. If its solution
 * already satisfies them, it is optimal (`solver.optimal = true`). Otherwise a repair heuristic runs:
 *  1. every allocation below the minimum contribution loses its arc;
 *  2. every non-splittable source placed in several projects is fixed to the one project where its
 *     money alone is worth most given the others' allocations — score × min(amount, room left by
 *     the other sources), counting only rooms that reach the minimum contribution (ties: higher
 *     score, then project id) — its other arcs are removed, so the re-solve merges its money into
 *     that project as far as the gap allows;
 *  3. re-solve optimally on the remaining arcs (warm, from the previous basis); repeat until nothing
 *     is violated. Each round removes at least one arc, so this ends; after `maxRepairRounds`
 *     rounds (default 5) the last solution is cleaned up instead (violating allocations dropped).
 *     Money still unplaced is then placed greedily by score where the constraints allow;
 *  4. two constrained greedy plans — by score (as `greedyPlan`) and by the value an arc could take
 *     alone, score × min(amount, gap) — are computed too, and the best of the three is kept (the
 *     solver name then reads `network-simplex+greedy`).
 * The result reports `optimal = false` (unless it reaches the relaxed bound), `relaxedObjective` and
 * `gap = (relaxed − objective) / relaxed`, a bound on how far from optimal it can be.
 *
 * Complexity, with S sources, P projects, A arcs (compatible pairs ≥ minScore), V = S + P + 2:
 *  - building arcs: O(S·(classes + groups·log P)) to dismiss (district, media set) groups that
 *    cannot reach minScore, plus O(1) per remaining candidate pair (see `scoreRow`);
 *  - network simplex: pivots × O(√A + V) worst case per pivot (see network-simplex.ts);
 *  - repair: at most `maxRepairRounds` further solves plus O(A log A) for the greedy top-up.
 */
import { TransportationSolver } from './network-simplex';
import {
  byText,
  createScoringContext,
  prepareProject,
  prepareSource,
  projectTable,
  scoreRow,
  sourceKey,
  type PreparedProject,
  type PreparedSource,
  type RowCounts,
} from './score';
import type { MatchingOptions, MatchingPlan, MoneySource, PlannedAllocation, ProjectCandidate } from './types';

// Bound once: calls through the module namespace (an accessor per call once compiled to CommonJS)
// are measurably slower in the O(S·P) loops.
const scoreRowOf = scoreRow;

export interface MatchingArcs {
  /** sources with money, sorted by (caseId, obligationId) */
  sources: PreparedSource[];
  /** projects with a gap that have not ended, sorted by projectId */
  projects: PreparedProject[];
  /** arcs in (source, project) order; arcs of source i are arcStart[i] .. arcStart[i+1]-1 */
  arcSource: Int32Array;
  arcProject: Int32Array;
  /** score in hundredths (0..10000) */
  arcCost: Int32Array;
  arcStart: Int32Array;
  /** compatible pairs, including those below minScore */
  compatiblePairs: number;
  /** Σ amountFen of every source given (with money or not) */
  totalFen: number;
}

export interface PlanStats {
  arcs: number;
  compatiblePairs: number;
  sources: number;
  projects: number;
  pivots: number;
  repairRounds: number;
  buildMs: number;
  solveMs: number;
}

export type MatchingPlanWithStats = MatchingPlan & { stats: PlanStats };

export interface PlanOptions {
  /** elapsed-time source for `solver.ms` (default performance.now); the only clock the plan reads */
  now?: () => number;
  /** repair rounds before falling back to the clean-up (default 5) */
  maxRepairRounds?: number;
}


class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Prepare both sides in canonical order and list the arcs: compatible pairs with score ≥ minScore.
 * Projects are grouped by (district, media set) so that whole groups that cannot reach minScore
 * are dismissed with one bound per source (see `scoreRow`); the distance is only computed for
 * pairs that can still reach it. Throws on duplicate source keys or project ids.
 */
export function buildMatchingArcs(
  sources: readonly MoneySource[],
  projects: readonly ProjectCandidate[],
  options: MatchingOptions,
): MatchingArcs {
  const ctx = createScoringContext(options);
  const allSources = sources.map((s) => prepareSource(s, ctx));
  let totalFen = 0;
  const seenKeys = new Set<string>();
  for (const s of allSources) {
    const key = sourceKey(s.source);
    if (seenKeys.has(key)) throw new RangeError(`duplicate money source ${key}`);
    seenKeys.add(key);
    totalFen += s.amount;
  }
  const seenIds = new Set<string>();
  const allProjects = projects.map((p) => {
    if (seenIds.has(p.projectId)) throw new RangeError(`duplicate project ${p.projectId}`);
    seenIds.add(p.projectId);
    return prepareProject(p, ctx);
  });
  const ps = allSources
    .filter((s) => s.amount > 0)
    .sort((a, b) => byText(a.source.caseId, b.source.caseId) || byText(a.source.obligationId, b.source.obligationId));
  const pp = allProjects.filter((p) => p.gap > 0 && !p.ended).sort((a, b) => byText(a.id, b.id));

  const table = projectTable(pp);
  const keptIndex = new Int32Array(pp.length);
  const keptCost = new Int32Array(pp.length);
  const sorted: number[] = [];
  const counts: RowCounts = { kept: 0, compatible: 0 };
  const arcSource = new IntBuffer();
  const arcProject = new IntBuffer();
  const arcCost = new IntBuffer();
  const arcStart = new Int32Array(ps.length + 1);
  let compatiblePairs = 0;
  for (let i = 0; i < ps.length; i++) {
    arcStart[i] = arcSource.length;
    scoreRowOf(ps[i], table, ctx, false, keptIndex, keptCost, counts);
    compatiblePairs += counts.compatible;
    // Arcs of a source in project order (the row lists them in group order).
    sorted.length = 0;
    for (let q = 0; q < counts.kept; q++) sorted.push(q);
    sorted.sort((a, b) => keptIndex[a] - keptIndex[b]);
    for (const q of sorted) {
      arcSource.push(i);
      arcProject.push(keptIndex[q]);
      arcCost.push(keptCost[q]);
    }
  }
  arcStart[ps.length] = arcSource.length;
  return {
    sources: ps,
    projects: pp,
    arcSource: arcSource.toArray(),
    arcProject: arcProject.toArray(),
    arcCost: arcCost.toArray(),
    arcStart,
    compatiblePairs,
    totalFen,
  };
}

/** Σ cost × flow exactly (BigInt), to decide whether a repaired plan reaches the relaxed bound. */
function exactObjective(cost: Int32Array, flow: Float64Array): bigint {
  let total = 0n;
  for (let k = 0; k < flow.length; k++) if (flow[k] > 0) total += BigInt(cost[k]) * BigInt(flow[k]);
  return total;
}

function objectiveOf(cost: Int32Array, flow: Float64Array): number {
  let total = 0;
  for (let k = 0; k < flow.length; k++) if (flow[k] > 0) total += cost[k] * flow[k];
  return total / 100;
}

function allocationsOf(inst: MatchingArcs, flow: Float64Array): PlannedAllocation[] {
  const out: PlannedAllocation[] = [];
  for (let k = 0; k < flow.length; k++) {
    if (flow[k] <= 0) continue;
    const s = inst.sources[inst.arcSource[k]].source;
    out.push({
      caseId: s.caseId,
      obligationId: s.obligationId,
      projectId: inst.projects[inst.arcProject[k]].id,
      amountFen: flow[k],
      score: inst.arcCost[k] / 100,
    });
  }
  return out;
}

function placedFen(flow: Float64Array): number {
  let t = 0;
  for (let k = 0; k < flow.length; k++) t += flow[k];
  return t;
}

/**
 * Arc indices by score descending, then arc index (source order, then project order): a counting
 * sort over the integer scores 0..10000, O(A + 10001).
 */
function arcsByScore(inst: MatchingArcs): Int32Array {
  const cost = inst.arcCost;
  const start = new Int32Array(10002);
  for (let k = 0; k < cost.length; k++) start[10000 - cost[k] + 1]++;
  for (let c = 1; c < start.length; c++) start[c] += start[c - 1];
  const order = new Int32Array(cost.length);
  for (let k = 0; k < cost.length; k++) order[start[10000 - cost[k]]++] = k;
  return order;
}

/** Arc indices by score × min(amount, gap) descending, then arc index. O(A log A). */
function arcsByValue(inst: MatchingArcs): Int32Array {
  const value = new Float64Array(inst.arcCost.length);
  for (let k = 0; k < value.length; k++) {
    const amount = inst.sources[inst.arcSource[k]].amount;
    const gap = inst.projects[inst.arcProject[k]].gap;
    value[k] = inst.arcCost[k] * Math.min(amount, gap);
  }
  return Int32Array.from(value, (_, k) => k).sort((a, b) => value[b] - value[a] || a - b);
}

/**
 * Greedy placement over `order`, on top of the allocations already in `flow`: each arc takes as
 * much as its source and project still allow, unless that would break a side-constraint (a second
 * project for a non-splittable source, an allocation below the minimum contribution).
 */
function greedyFill(inst: MatchingArcs, order: Int32Array, flow: Float64Array, active?: Uint8Array): void {
  const remS = Float64Array.from(inst.sources, (s) => s.amount);
  const remG = Float64Array.from(inst.projects, (p) => p.gap);
  const used = new Int32Array(inst.sources.length);
  for (let k = 0; k < flow.length; k++) {
    if (flow[k] > 0) {
      remS[inst.arcSource[k]] -= flow[k];
      remG[inst.arcProject[k]] -= flow[k];
      used[inst.arcSource[k]]++;
    }
  }
  for (let q = 0; q < order.length; q++) {
    const k = order[q];
    if (active && active[k] === 0) continue;
    const i = inst.arcSource[k];
    const j = inst.arcProject[k];
    const x = Math.min(remS[i], remG[j]);
    if (x <= 0) continue;
    if (!inst.sources[i].splittable && used[i] > 0 && flow[k] === 0) continue;
    if (flow[k] + x < inst.projects[j].minContribution) continue;
    if (flow[k] === 0) used[i]++;
    flow[k] += x;
    remS[i] -= x;
    remG[j] -= x;
  }
}

/** Greedy baseline: pairs by score descending, each filled as far as possible. O(A log A). */
export function greedyPlan(
  sources: readonly MoneySource[],
  projects: readonly ProjectCandidate[],
  options: MatchingOptions,
  planOptions: PlanOptions = {},
): MatchingPlanWithStats {
  const now = planOptions.now ?? (() => performance.now());
  const t0 = now();
  const inst = buildMatchingArcs(sources, projects, options);
  const t1 = now();
  const flow = new Float64Array(inst.arcCost.length);
  greedyFill(inst, arcsByScore(inst), flow);
  const t2 = now();
  return {
    allocations: allocationsOf(inst, flow),
    unallocatedFen: inst.totalFen - placedFen(flow),
    objective: objectiveOf(inst.arcCost, flow),
    solver: { name: 'greedy', optimal: false, ms: t2 - t0 },
    stats: statsOf(inst, 0, 0, t1 - t0, t2 - t1),
  };
}

function statsOf(inst: MatchingArcs, pivots: number, rounds: number, buildMs: number, solveMs: number): PlanStats {
  return {
    arcs: inst.arcCost.length,
    compatiblePairs: inst.compatiblePairs,
    sources: inst.sources.length,
    projects: inst.projects.length,
    pivots,
    repairRounds: rounds,
    buildMs,
    solveMs,
  };
}

/**
 * Marks the arcs a repair round removes; returns how many side-constraint violations it found.
 * With `dropInPlace`, the violating allocations are also removed from `flow` (the clean-up).
 */
function repairRound(inst: MatchingArcs, flow: Float64Array, active: Uint8Array, dropInPlace: boolean): number {
  let violations = 0;
  const dropped = new Uint8Array(flow.length);
  const into = new Float64Array(inst.projects.length);
  for (let k = 0; k < flow.length; k++) {
    if (flow[k] <= 0) continue;
    into[inst.arcProject[k]] += flow[k];
    if (flow[k] < inst.projects[inst.arcProject[k]].minContribution) {
      dropped[k] = 1;
      active[k] = 0;
      violations++;
    }
  }
  for (let i = 0; i < inst.sources.length; i++) {
    const s = inst.sources[i];
    if (s.splittable) continue;
    const from = inst.arcStart[i];
    const to = inst.arcStart[i + 1];
    let placed = 0;
    for (let k = from; k < to; k++) if (flow[k] > 0) placed++;
    if (placed < 2) continue;
    violations++;
    // Keep the project where this money alone is worth most, given what the other sources put
    // there in this solution: score × min(amount, room left), where that reaches the minimum.
    let best = -1;
    let bestValue = 0;
    for (let k = from; k < to; k++) {
      if (active[k] === 0) continue;
      const p = inst.projects[inst.arcProject[k]];
      const take = Math.min(s.amount, p.gap - (into[inst.arcProject[k]] - flow[k]));
      if (take <= 0 || take < p.minContribution) continue;
      const value = inst.arcCost[k] * take;
      if (value > bestValue || (value === bestValue && best >= 0 && inst.arcCost[k] > inst.arcCost[best])) {
        best = k;
        bestValue = value;
      }
    }
    for (let k = from; k < to; k++) {
      if (k === best) continue;
      active[k] = 0;
      if (flow[k] > 0) dropped[k] = 1;
    }
  }
  if (dropInPlace) for (let k = 0; k < flow.length; k++) if (dropped[k] === 1) flow[k] = 0;
  return violations;
}

/**
 * The optimal (or, under binding side-constraints, repaired) global allocation.
 * Deterministic: the inputs are put in canonical order first, so their order does not matter.
 */
export function planAllocations(
  sources: readonly MoneySource[],
  projects: readonly ProjectCandidate[],
  options: MatchingOptions,
  planOptions: PlanOptions = {},
): MatchingPlanWithStats {
  const now = planOptions.now ?? (() => performance.now());
  const maxRounds = planOptions.maxRepairRounds ?? 5;
  const t0 = now();
  const inst = buildMatchingArcs(sources, projects, options);
  const t1 = now();

  const solver = new TransportationSolver({
    supplies: inst.sources.map((s) => s.amount),
    demands: inst.projects.map((p) => p.gap),
    arcFrom: inst.arcSource,
    arcTo: inst.arcProject,
    arcGain: inst.arcCost,
  });
  const relaxed = solver.solve().flow;
  const relaxedExact = exactObjective(inst.arcCost, relaxed);
  const active = new Uint8Array(inst.arcCost.length).fill(1);
  let flow: Float64Array = relaxed.slice();
  let rounds = 0;
  let repaired = false;
  for (;;) {
    const last = rounds >= maxRounds;
    const before = active.slice();
    const violations = repairRound(inst, flow, active, last);
    if (violations === 0) break;
    repaired = true;
    if (last) break;
    rounds++;
    for (let k = 0; k < active.length; k++) if (before[k] === 1 && active[k] === 0) solver.forbid(k);
    flow = solver.solve().flow;
  }
  let name = 'network-simplex';
  if (repaired) {
    name = 'network-simplex+repair';
    // Money the repaired solution left unplaced may still fit somewhere within the constraints.
    const order = arcsByScore(inst);
    greedyFill(inst, order, flow, active);
    // Forbidding an arc whose allocation fell below the minimum can also shut out a pairing that
    // could have carried the minimum. Two constrained greedy plans do not have that blind spot:
    // by score, and by the value an arc could take on its own (score × min(amount, gap)). The
    // best of the three is kept.
    let best = exactObjective(inst.arcCost, flow);
    for (const candidate of [order, arcsByValue(inst)]) {
      const greedy = new Float64Array(flow.length);
      greedyFill(inst, candidate, greedy);
      const value = exactObjective(inst.arcCost, greedy);
      if (value > best) {
        best = value;
        flow = greedy;
        name = 'network-simplex+greedy';
      }
    }
  }
  const t2 = now();

  const objective = objectiveOf(inst.arcCost, flow);
  const report: MatchingPlan['solver'] = {
    name,
    optimal: !repaired || exactObjective(inst.arcCost, flow) === relaxedExact,
    ms: t2 - t0,
  };
  if (repaired) {
    const relaxedObjective = objectiveOf(inst.arcCost, relaxed);
    report.relaxedObjective = relaxedObjective;
    report.gap = relaxedObjective > 0 ? Math.max(0, (relaxedObjective - objective) / relaxedObjective) : 0;
  }
  return {
    allocations: allocationsOf(inst, flow),
    unallocatedFen: inst.totalFen - placedFen(flow),
    objective,
    solver: report,
    stats: statsOf(inst, solver.totalPivots, rounds, t1 - t0, t2 - t1),
  };
}
