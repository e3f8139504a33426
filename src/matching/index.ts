/** Two-way matching (双向匹配): pure scoring, rankings both ways and the global pooling plan. */
export * from './types';
export {
  FACTORS,
  createScoringContext,
  explainPair,
  prepareProject,
  prepareSource,
  scoreAllPairs,
  scorePair,
  sourceKey,
  yuan,
  type ScoringContext,
} from './score';
export {
  rankProjectsForSource,
  rankProjectsForSources,
  rankSourcesForProject,
  type RankedProject,
  type RankedSource,
  type RankingOptions,
} from './rank';
export {
  buildMatchingArcs,
  greedyPlan,
  planAllocations,
  type MatchingArcs,
  type MatchingPlanWithStats,
  type PlanOptions,
  type PlanStats,
} from './plan';
export {
  TransportationSolver,
  solveTransportation,
  type TransportationProblem,
  type TransportationSolution,
} from './network-simplex';
export { transportationToLp } from './lp-format';
export { MEDIA, MEDIA_RELATEDNESS, METHOD_MEDIA, MEDIUM_LABELS, mediaRelatedness } from './ecology';
export { haversineKm } from './geo';
