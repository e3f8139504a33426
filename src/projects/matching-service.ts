import type { ProjectDocument } from '../../models/project';
import { cstDate } from '../../workflows/fields';
import { requireAccess } from '../auth/permissions';
import { coversDistrict, type Principal } from '../auth/principal';
import { loadCase } from '../cases/case-repository';
import { caseScopeOf, systemCaseScope, type CaseScope } from '../cases/case-scope';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { parse } from '../http/validate';
import { rankProjectsForSources, rankSourcesForProject } from '../matching/rank';
import { planAllocations } from '../matching/plan';
import { defaultMatchingOptions, type MatchingOptions, type Medium, type MoneySource, type ProjectCandidate, type ProjectMethod } from '../matching/types';
import { findMoneyCases, loadLedgers, moneySourcesOf } from './money-sources';
import { fundableProjects, loadReadableProject, ownsProject } from './project-service';
import { planBody, suggestionsQuery } from './restoration-schemas';

/**
 * Two-way matching (双向匹配) as the service offers it: the pure module in src/matching does the
 * scoring, rankings and the global plan; this file only reads the cases' money and the projects
 * from the database, applies the caller's scope, and passes `today` in.
 */

export function matchingOptions(ctx: AppContext): MatchingOptions {
  return defaultMatchingOptions(cstDate(ctx.clock.now().toISOString()));
}

export function projectCandidateOf(p: ProjectDocument): ProjectCandidate {
  const point = p.location.point;
  return {
    projectId: p._id,
    baseId: p.baseId,
    name: p.name,
    method: p.method as ProjectMethod,
    media: (p.media ?? []) as Medium[],
    district: p.location.district,
    ...(point?.lng !== undefined && point?.lat !== undefined ? { location: { lng: point.lng, lat: point.lat } } : {}),
    gapFen: p.gapFen,
    ...(p.minContributionFen ? { minContributionFen: p.minContributionFen } : {}),
    ...(p.startDate ? { startDate: p.startDate } : {}),
    ...(p.endDate ? { endDate: p.endDate } : {}),
  };
}

/** A project that lists the damage media it takes money for accepts only sources with one of them. */
export function acceptsDamage(p: Pick<ProjectDocument, 'acceptedDamageTypes'>, s: Pick<MoneySource, 'damageMedia'>): boolean {
  const accepted = p.acceptedDamageTypes ?? [];
  return accepted.length === 0 || s.damageMedia.some((m) => accepted.includes(m));
}

/** GET /cases/:id/project-suggestions: projects for the case's unallocated money, best first. */
export async function projectSuggestionsForCase(ctx: AppContext, principal: Principal | undefined, caseId: string, query: unknown) {
  const caller = requireAccess(principal, 'matching.caseSuggestions');
  const q = parse(suggestionsQuery, query, 'query');
  const doc = await loadCase(caseScopeOf(caller), caseId);
  if (!doc) throw errors.notFound('case');
  const ledgers = await loadLedgers([doc._id]);
  const sources = moneySourcesOf([doc], ledgers);
  if (sources.length === 0) return { items: [], unallocatedFen: 0 };
  const projects = await fundableProjects();
  const byId = new Map(projects.map((p) => [p._id, p]));
  const candidates = projects.filter((p) => sources.some((s) => acceptsDamage(p, s))).map(projectCandidateOf);
  const ranked = rankProjectsForSources(sources, candidates, matchingOptions(ctx), { limit: q.limit });
  return {
    unallocatedFen: sources.reduce((s, x) => s + x.amountFen, 0),
    items: ranked
      .filter((r) => acceptsDamage(byId.get(r.projectId)!, sources.find((s) => s.obligationId === r.obligationId)!))
      .map((r) => ({
        projectId: r.projectId,
        score: r.score,
        reasons: r.reasons,
        obligationId: r.obligationId,
        amountFen: r.amountFen,
        name: r.name,
        baseId: r.baseId,
        gapFen: r.gapFen,
      })),
  };
}

/**
 * Which cases a caller may draw money from: handlers and reviewers their districts, admins all;
 * a base manager looks for money for its own project among all cases (that is the point of
 * two-way matching), but sees only what the suggestion shows.
 */
function sourceScope(caller: Principal): CaseScope {
  return caller.role === 'baseManager' ? systemCaseScope('case suggestions for a base manager') : caseScopeOf(caller);
}

/** GET /projects/:id/case-suggestions: cases whose money fits the project's gap, best first. */
export async function caseSuggestionsForProject(ctx: AppContext, principal: Principal | undefined, projectId: string, query: unknown) {
  const caller = requireAccess(principal, 'matching.projectSuggestions');
  const q = parse(suggestionsQuery, query, 'query');
  const project = await loadReadableProject(caller, projectId);
  if (caller.role === 'baseManager' && !ownsProject(caller, project)) throw errors.notFound('project');
  const cases = await findMoneyCases(sourceScope(caller), {});
  const ledgers = await loadLedgers(cases.map((c) => c._id));
  const sources = moneySourcesOf(cases, ledgers).filter((s) => acceptsDamage(project, s));
  const ranked = rankSourcesForProject(projectCandidateOf(project), sources, matchingOptions(ctx), { limit: q.limit });
  const caseById = new Map(cases.map((c) => [c._id, c]));
  return {
    gapFen: project.gapFen,
    items: ranked.map((r) => {
      const c = caseById.get(r.caseId)!;
      return { caseId: r.caseId, obligationId: r.obligationId, score: r.score, reasons: r.reasons, amountFen: r.amountFen, caseNo: c.caseNo ?? null, title: c.title, district: c.district };
    }),
  };
}

/** POST /matching/plan: a proposed global allocation over the caller's cases, not saved. */
export async function proposePlan(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'matching.plan');
  const input = parse(planBody, body ?? {});
  const outside = (input.districts ?? []).filter((d) => !coversDistrict(caller, d));
  if (outside.length) throw errors.forbidden(`You may not plan for ${outside.join(', ')}.`);
  const cases = await findMoneyCases(caseScopeOf(caller), { ...(input.districts ? { districts: input.districts } : {}), ...(input.caseIds ? { caseIds: input.caseIds } : {}) });
  const ledgers = await loadLedgers(cases.map((c) => c._id));
  const sources = moneySourcesOf(cases, ledgers);
  const projects = await fundableProjects(input.projectIds ? { projectIds: input.projectIds } : {});
  const plan = planAllocations(sources, projects.map(projectCandidateOf), matchingOptions(ctx));

  // A project that takes money only for some damage media refuses the rest: such planned
  // allocations are left out (their money stays unallocated), as a proposal would be refused.
  const projectById = new Map(projects.map((p) => [p._id, p]));
  const sourceByKey = new Map(sources.map((s) => [`${s.caseId}:${s.obligationId}`, s]));
  const kept = plan.allocations.filter((a) => acceptsDamage(projectById.get(a.projectId)!, sourceByKey.get(`${a.caseId}:${a.obligationId}`)!));
  const dropped = plan.allocations.filter((a) => !kept.includes(a));
  const droppedFen = dropped.reduce((s, a) => s + a.amountFen, 0);
  return {
    allocations: kept.map((a) => ({ caseId: a.caseId, obligationId: a.obligationId, projectId: a.projectId, amountFen: a.amountFen, score: a.score })),
    unallocatedFen: plan.unallocatedFen + droppedFen,
    objective: plan.objective - dropped.reduce((s, a) => s + a.score * a.amountFen, 0),
    solver: { name: plan.solver.name, optimal: plan.solver.optimal && dropped.length === 0, ms: Math.round(plan.solver.ms * 1000) / 1000 },
    sources: sources.length,
    projects: projects.length,
  };
}
