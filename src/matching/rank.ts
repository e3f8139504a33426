/**
 * Rankings both ways: projects for a case's unallocated money, and cases for a project's gap.
 *
 * One call is linear in the other side: O(n) cheap numeric scores (no strings built, the distance
 * skipped for pairs that cannot reach minScore), a counting pass over the integer scores to find
 * the candidates for the top `limit`, a comparison sort of those only, and the bilingual reasons
 * built only for the items returned (all of them unless `limit` is given). Nothing is precomputed
 * across calls.
 */
import {
  BELOW_MIN_SCORE,
  INCOMPATIBLE,
  clearlyIncompatible,
  byText,
  createScoringContext,
  explainReasons,
  prepareProject,
  prepareSource,
  scoreCost,
  type PreparedProject,
  type PreparedSource,
} from './score';
import type { MatchingOptions, MoneySource, ProjectCandidate, ScoreReason } from './types';

// Bound once: calls through the module namespace (an accessor per call once compiled to CommonJS)
// are measurably slower in the O(S·P) loops.
const costOf = scoreCost;
const clearly = clearlyIncompatible;
const INCOMPATIBLE_PAIR = INCOMPATIBLE;
const BELOW_MIN = BELOW_MIN_SCORE;

export interface RankingOptions {
  /** return at most this many items (the best ones) */
  limit?: number;
  /** keep compatible items scoring below `minScore` too (default false) */
  includeBelowMinScore?: boolean;
}

export interface RankedProject {
  projectId: string;
  score: number;
  reasons: ScoreReason[];
  /** the obligation of the case whose money scored best for this project */
  caseId: string;
  obligationId: string;
  /** that obligation's unallocated money */
  amountFen: number;
  baseId: string;
  name: string;
  gapFen: number;
}

export interface RankedSource {
  caseId: string;
  obligationId: string;
  score: number;
  reasons: ScoreReason[];
  amountFen: number;
}


/**
 * Indices of the items that can be among the `limit` best: every item whose cost is at least the
 * limit-th largest cost (ties included), found with a counting pass over the integer costs
 * 0..10000, so only those few need the full comparison sort. O(n + 10001).
 */
function topByCost(cost: readonly number[], limit: number): number[] {
  if (limit >= cost.length) return cost.map((_, i) => i);
  const counts = new Int32Array(10001);
  for (const c of cost) counts[c]++;
  let threshold = 10000;
  for (let seen = 0; threshold > 0; threshold--) {
    seen += counts[threshold];
    if (seen >= limit) break;
  }
  const out: number[] = [];
  for (let i = 0; i < cost.length; i++) if (cost[i] >= threshold) out.push(i);
  return out;
}

function limitOf(ranking: RankingOptions | undefined): number {
  const limit = ranking?.limit;
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  return limit;
}

/**
 * Projects for a case's unallocated money, best first.
 *
 * Accepts all the obligations (money sources) of one case, or a single one. Each project is scored
 * against each source and keeps its best-scoring source (ties: the larger amount, then the smaller
 * obligation id); the item names that obligation. Incompatible projects are left out, and so are
 * those scoring below `minScore` unless `includeBelowMinScore`. Ties between projects: the larger
 * gap first, then the project id in code-unit order.
 */
export function rankProjectsForSources(
  sources: MoneySource | readonly MoneySource[],
  projects: readonly ProjectCandidate[],
  options: MatchingOptions,
  ranking?: RankingOptions,
): RankedProject[] {
  const ctx = createScoringContext(options);
  const list: readonly MoneySource[] = Array.isArray(sources) ? sources : [sources as MoneySource];
  const prepared = list.map((s) => prepareSource(s, ctx)).filter((s) => s.amount > 0);
  if (prepared.length === 0) return [];
  const prune = !ranking?.includeBelowMinScore;
  const limit = limitOf(ranking);

  const keptProjects: PreparedProject[] = [];
  const keptSource: number[] = [];
  const keptCost: number[] = [];
  for (const project of projects) {
    const p = prepareProject(project, ctx);
    let best = -1;
    let bestCost = -1;
    for (let i = 0; i < prepared.length; i++) {
      const c = costOf(prepared[i], p, ctx, prune);
      if (c < 0) continue;
      if (c > bestCost || (c === bestCost && betterSource(prepared[i], prepared[best]))) {
        best = i;
        bestCost = c;
      }
    }
    if (best < 0 || (prune && bestCost < ctx.minCost)) continue;
    keptProjects.push(p);
    keptSource.push(best);
    keptCost.push(bestCost);
  }

  const order = topByCost(keptCost, limit);
  order.sort(
    (a, b) =>
      keptCost[b] - keptCost[a] ||
      keptProjects[b].gap - keptProjects[a].gap ||
      byText(keptProjects[a].id, keptProjects[b].id),
  );
  const n = Math.min(order.length, limit);
  const out: RankedProject[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const p = keptProjects[i];
    const s = prepared[keptSource[i]];
    out[k] = {
      projectId: p.id,
      score: keptCost[i] / 100,
      reasons: explainReasons(s, p, ctx),
      caseId: s.source.caseId,
      obligationId: s.source.obligationId,
      amountFen: s.amount,
      baseId: p.project.baseId,
      name: p.project.name,
      gapFen: p.gap,
    };
  }
  return out;
}

/** Alias: the same function, for one source or several. */
export const rankProjectsForSource = rankProjectsForSources;

function betterSource(a: PreparedSource, b: PreparedSource): boolean {
  if (a.amount !== b.amount) return a.amount > b.amount;
  return byText(a.source.obligationId, b.source.obligationId) < 0;
}

/**
 * Cases (money sources) for a project's gap, best first. Incompatible sources are left out, and
 * so are those scoring below `minScore` unless `includeBelowMinScore`. Ties: the larger amount
 * first, then case id, then obligation id (code-unit order).
 */
export function rankSourcesForProject(
  project: ProjectCandidate,
  sources: readonly MoneySource[],
  options: MatchingOptions,
  ranking?: RankingOptions,
): RankedSource[] {
  const ctx = createScoringContext(options);
  const p = prepareProject(project, ctx);
  const prune = !ranking?.includeBelowMinScore;
  const limit = limitOf(ranking);
  if (p.gap <= 0 || p.ended) return [];

  const kept: PreparedSource[] = [];
  const keptCost: number[] = [];
  for (const source of sources) {
    // Most sources of a large list fail on media or money: skip preparing them. (Their dates are
    // then not validated; a source that can match always is.)
    if (clearly(source, p)) continue;
    const s = prepareSource(source, ctx);
    const c = costOf(s, p, ctx, prune);
    if (c === INCOMPATIBLE_PAIR || c === BELOW_MIN) continue;
    if (prune && c < ctx.minCost) continue;
    kept.push(s);
    keptCost.push(c);
  }
  const order = topByCost(keptCost, limit);
  order.sort(
    (a, b) =>
      keptCost[b] - keptCost[a] ||
      kept[b].amount - kept[a].amount ||
      byText(kept[a].source.caseId, kept[b].source.caseId) ||
      byText(kept[a].source.obligationId, kept[b].source.obligationId),
  );
  const n = Math.min(order.length, limit);
  const out: RankedSource[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const s = kept[order[k]];
    out[k] = {
      caseId: s.source.caseId,
      obligationId: s.source.obligationId,
      score: keptCost[order[k]] / 100,
      reasons: explainReasons(s, p, ctx),
      amountFen: s.amount,
    };
  }
  return out;
}
