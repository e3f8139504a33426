import { Router, type Request } from 'express';
import { parseIfMatch } from '../http/if-match';
import { z } from 'zod';
import type { AppContext } from '../context';
import { permissions, requireAccess, type Action } from '../auth/permissions';
import { parseIdempotencyKey, requestHash, withIdempotency } from '../http/idempotency';
import { describeRoute, type RouteDescription } from '../openapi/registry';
import { acceptAllocation, declineAllocation, getAllocation, listAllocations, proposeAllocation, recoverStaleReservations, releaseFromEscrow } from './allocation-service';
import { escrowLedger } from './escrow-ledger';
import { restorationTrackListener } from './restoration-track';
import { caseSuggestionsForProject, projectSuggestionsForCase, proposePlan } from './matching-service';
import { createBase, createProject, getProject, listBases, listProjects, projectActions, transitionProject, updateProject } from './project-service';
import {
  allocationView,
  baseView,
  caseSuggestionsView,
  createBaseBody,
  createProjectBody,
  declineBody,
  escrowQuery,
  listAllocationsQuery,
  listProjectsQuery,
  listQuery,
  patchProjectBody,
  planBody,
  planView,
  projectSuggestionsView,
  projectView,
  proposeAllocationBody,
  releaseBody,
  suggestionsQuery,
  transitionBody,
} from './restoration-schemas';

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

function describe(action: Action, d: Omit<RouteDescription, 'tag' | 'roles'>): void {
  describeRoute({ ...d, tag: 'Restoration', roles: permissions[action].roles });
}

const ifMatch = (req: Request) => parseIfMatch(req, 'project');

const ifMatchHeader = { name: 'If-Match', description: 'The project version the change is based on; a mismatch is a 409' };
const idempotencyHeader = { name: 'Idempotency-Key', description: 'A repeated key returns the first result' };

/** Restoration bases, projects, matching suggestions and plans, allocations, escrow. */
export function restorationRoutes(ctx: AppContext): Router {
  const r = Router();
  ctx.listeners.push(restorationTrackListener(ctx));

  // ----- bases -----
  describe('bases.create', { method: 'post', path: '/bases', summary: 'Register a restoration base (修复基地)', body: createBaseBody, response: baseView, successStatus: 201 });
  r.post('/bases', async (req, res) => {
    res.status(201).json(await createBase(ctx, req.principal, req.body));
  });
  describe('bases.list', { method: 'get', path: '/bases', summary: 'List restoration bases', query: listQuery, response: page(baseView) });
  r.get('/bases', async (req, res) => {
    res.json(await listBases(ctx, req.principal, req.query));
  });

  // ----- projects -----
  describe('projects.create', {
    method: 'post',
    path: '/bases/:baseId/projects',
    summary: 'Add a draft project to the base\'s project library (项目库)',
    body: createProjectBody,
    response: projectView,
    successStatus: 201,
    headers: [idempotencyHeader],
    errors: [400, 401, 403, 404, 409, 422],
  });
  r.post('/bases/:baseId/projects', async (req, res) => {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const caller = requireAccess(req.principal, 'projects.create');
    const baseId = req.params.baseId;
    const reply = await withIdempotency(ctx.clock, caller.clientId, key, requestHash('POST', `/bases/${baseId}/projects`, req.body), async () => ({
      status: 201,
      body: await createProject(ctx, caller, baseId, req.body),
    }));
    res.status(reply.status).json(reply.body);
  });

  describe('projects.update', {
    method: 'patch',
    path: '/projects/:id',
    summary: 'Edit a draft or published project without money (null clears an optional field)',
    body: patchProjectBody,
    response: projectView,
    headers: [ifMatchHeader],
    errors: [400, 401, 403, 404, 409, 422],
  });
  r.patch('/projects/:id', async (req, res) => {
    const view = await updateProject(ctx, req.principal, req.params.id, req.body, ifMatch(req));
    res.set('ETag', `"${view.version}"`).json(view);
  });

  for (const action of projectActions) {
    describe('projects.transition', {
      method: 'post',
      path: `/projects/:id/${action}`,
      summary: `Project lifecycle: ${action}`,
      body: transitionBody,
      response: projectView,
      headers: [ifMatchHeader],
      errors: [400, 401, 403, 404, 409, 422],
    });
    r.post(`/projects/:id/${action}`, async (req, res) => {
      const view = await transitionProject(ctx, req.principal, req.params.id, action, req.body, ifMatch(req));
      res.set('ETag', `"${view.version}"`).json(view);
    });
  }

  describe('projects.read', { method: 'get', path: '/projects/:id', summary: 'A project with its lifecycle history', response: projectView });
  r.get('/projects/:id', async (req, res) => {
    const view = await getProject(ctx, req.principal, req.params.id, recoverStaleReservations);
    res.set('ETag', `"${view.version}"`).json(view);
  });

  describe('projects.list', { method: 'get', path: '/projects', summary: 'List projects (drafts only to their own base)', query: listProjectsQuery, response: page(projectView) });
  r.get('/projects', async (req, res) => {
    res.json(await listProjects(ctx, req.principal, req.query));
  });

  // ----- matching (双向匹配) -----
  describe('matching.caseSuggestions', {
    method: 'get',
    path: '/cases/:id/project-suggestions',
    summary: 'Projects for the case\'s unallocated substitute-restoration and escrow money, ranked with reasons',
    query: suggestionsQuery,
    response: projectSuggestionsView,
  });
  r.get('/cases/:id/project-suggestions', async (req, res) => {
    res.json(await projectSuggestionsForCase(ctx, req.principal, req.params.id, req.query));
  });

  describe('matching.projectSuggestions', {
    method: 'get',
    path: '/projects/:id/case-suggestions',
    summary: 'Cases whose money fits the project\'s gap, ranked with reasons',
    query: suggestionsQuery,
    response: caseSuggestionsView,
  });
  r.get('/projects/:id/case-suggestions', async (req, res) => {
    res.json(await caseSuggestionsForProject(ctx, req.principal, req.params.id, req.query));
  });

  describe('matching.plan', {
    method: 'post',
    path: '/matching/plan',
    summary: 'A proposed global allocation (pooling cases into projects up to their gaps); not saved',
    body: planBody,
    response: planView,
  });
  r.post('/matching/plan', async (req, res) => {
    res.json(await proposePlan(ctx, req.principal, req.body));
  });

  // ----- allocations -----
  describe('allocations.propose', {
    method: 'post',
    path: '/allocations',
    summary: 'Propose an allocation of an obligation\'s money to a project',
    body: proposeAllocationBody,
    response: allocationView,
    successStatus: 201,
    headers: [idempotencyHeader],
    errors: [400, 401, 403, 404, 409, 422],
  });
  r.post('/allocations', async (req, res) => {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const caller = requireAccess(req.principal, 'allocations.propose');
    const reply = await withIdempotency(ctx.clock, caller.clientId, key, requestHash('POST', '/allocations', req.body), async () => ({
      status: 201,
      body: await proposeAllocation(ctx, caller, req.body),
    }));
    res.status(reply.status).json(reply.body);
  });

  describe('allocations.read', { method: 'get', path: '/allocations', summary: 'List allocations (filter by case, project, status)', query: listAllocationsQuery, response: page(allocationView) });
  r.get('/allocations', async (req, res) => {
    res.json(await listAllocations(ctx, req.principal, req.query));
  });
  describe('allocations.read', { method: 'get', path: '/allocations/:id', summary: 'One allocation', response: allocationView });
  r.get('/allocations/:id', async (req, res) => {
    res.json(await getAllocation(ctx, req.principal, req.params.id));
  });

  describe('allocations.respond', {
    method: 'post',
    path: '/allocations/:id/accept',
    summary: 'Accept for your side (a handler of the case\'s district, a manager of the project\'s base); confirmed once both have',
    response: allocationView,
    errors: [401, 403, 404, 409, 422],
  });
  r.post('/allocations/:id/accept', async (req, res) => {
    res.json(await acceptAllocation(ctx, req.principal, req.params.id));
  });

  describe('allocations.respond', { method: 'post', path: '/allocations/:id/decline', summary: 'Decline a proposed allocation (either side)', body: declineBody, response: allocationView, errors: [400, 401, 403, 404, 409, 422] });
  r.post('/allocations/:id/decline', async (req, res) => {
    res.json(await declineAllocation(ctx, req.principal, req.params.id, req.body));
  });

  describe('allocations.release', {
    method: 'post',
    path: '/allocations/:id/releases',
    summary: 'Release money from escrow to the project for a milestone (never more than the allocation)',
    body: releaseBody,
    response: allocationView,
    successStatus: 201,
    headers: [idempotencyHeader],
    errors: [400, 401, 403, 404, 409, 422],
  });
  r.post('/allocations/:id/releases', async (req, res) => {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const caller = requireAccess(req.principal, 'allocations.release');
    const id = req.params.id;
    const reply = await withIdempotency(ctx.clock, caller.clientId, key, requestHash('POST', `/allocations/${id}/releases`, req.body), async () => ({
      status: 201,
      body: await releaseFromEscrow(ctx, caller, id, req.body),
    }));
    res.status(reply.status).json(reply.body);
  });

  // ----- escrow ledger (提存台账) -----
  describe('escrow.read', {
    method: 'get',
    path: '/escrow',
    summary: 'The escrow ledger: deposits, allocations, releases, balances, age, lapse dates; unallocated deposits past the configured period are flagged (limit counts cases)',
    query: escrowQuery,
  });
  r.get('/escrow', async (req, res) => {
    res.json(await escrowLedger(ctx, req.principal, req.query));
  });

  return r;
}
