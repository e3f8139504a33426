import { Router, type Request } from 'express';
import { parseIfMatch } from '../http/if-match';
import type { AppContext } from '../context';
import { caseListIndex } from './case-list-index';
import { parseIdempotencyKey, requestHash, withIdempotency } from '../http/idempotency';
import { getCase, getHistory, listCases, recoverCommittedEvent, registerLead, sendEvent, verifyHistory } from './case-service';
import { permissions, requireAccess } from '../auth/permissions';
import { describeRoute } from '../openapi/registry';
import { z } from 'zod';
import { caseEventTypes, eventBodySchema } from '../../workflows/case-events';
import { listCasesQuery, registerLeadBody } from './case-schemas';

const eventBodies = {
  oneOf: caseEventTypes.map((t) => {
    const js = z.toJSONSchema(eventBodySchema(t), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete js.$schema;
    return { title: t, ...js };
  }),
  discriminator: { propertyName: 'type' },
};

const idempotencyHeader = { name: 'Idempotency-Key', description: 'Optional; a repeated key with the same body returns the first reply' };
describeRoute({ method: 'post', path: '/cases', tag: 'Cases', summary: 'Register a lead (线索登记)', roles: permissions['cases.register'].roles, body: registerLeadBody, successStatus: 201, responseDescription: 'The case view', headers: [idempotencyHeader], errors: [400, 401, 403, 409, 413] });
describeRoute({ method: 'get', path: '/cases', tag: 'Cases', summary: 'List cases in the caller\'s scope, newest first', roles: permissions['cases.list'].roles, query: listCasesQuery, responseDescription: '{ items: CaseSummary[], nextCursor, total? }', errors: [400, 401, 403] });
describeRoute({ method: 'get', path: '/cases/:id', tag: 'Cases', summary: 'The case view, with allowedEvents for the caller and its deadlines', roles: permissions['cases.read'].roles, responseDescription: 'The case view (ETag: its version)', errors: [401, 403, 404] });
describeRoute({ method: 'post', path: '/cases/:id/events', tag: 'Cases', summary: 'Send an event: { type, at?, ...payload }', roles: permissions['cases.sendEvent'].roles, bodyJsonSchema: eventBodies, responseDescription: 'The case view after the event', headers: [{ name: 'If-Match', description: 'The version the client read; a mismatch is a 409' }, idempotencyHeader], errors: [400, 401, 403, 404, 409, 413, 422] });
describeRoute({ method: 'get', path: '/cases/:id/history', tag: 'Cases', summary: 'The complete history of accepted events, oldest first', roles: permissions['cases.history'].roles, responseDescription: '{ items: [{ seq, type, payload, actor, at, from, to, version, hash }] }', errors: [401, 403, 404] });
describeRoute({ method: 'get', path: '/cases/:id/history/verify', tag: 'Cases', summary: 'Recompute the history\'s hash chain; names the first broken entry', roles: permissions['cases.verifyHistory'].roles, responseDescription: '{ valid, entries, firstBroken, version, versionMatchesHistory }', errors: [401, 403, 404] });

const ifMatch = (req: Request) => parseIfMatch(req, 'case');

export function caseRoutes(ctx: AppContext): Router {
  // On the embedded engine the list is served from memory: read it once now rather than on the first list.
  if (ctx.config.NODE_ENV !== 'test') caseListIndex(ctx)?.warmUp();
  const r = Router();

  r.post('/cases', async (req, res) => {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const caller = requireAccess(req.principal, 'cases.register');
    const reply = await withIdempotency(ctx.clock, caller.clientId, key, requestHash('POST', '/cases', req.body), async () => ({
      status: 201,
      body: await registerLead(ctx, caller, req.body),
    }));
    res.status(reply.status).json(reply.body);
  });

  r.get('/cases', async (req, res) => {
    res.json(await listCases(ctx, req.principal, req.query));
  });

  r.get('/cases/:id', async (req, res) => {
    const view = await getCase(ctx, req.principal, req.params.id);
    res.set('ETag', `"${view.version}"`).json(view);
  });

  r.post('/cases/:id/events', async (req, res) => {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const expected = ifMatch(req);
    const caller = requireAccess(req.principal, 'cases.sendEvent');
    const id = req.params.id;
    const reply = await withIdempotency(
      ctx.clock,
      caller.clientId,
      key,
      requestHash('POST', `/cases/${id}/events`, { body: req.body, ifMatch: expected ?? null }),
      async (storedKey) => ({ status: 200, body: await sendEvent(ctx, caller, id, req.body, { ifMatch: expected, idempotencyKey: storedKey }) }),
      async (storedKey) => {
        const view = await recoverCommittedEvent(ctx, caller, id, storedKey);
        return view ? { status: 200, body: view } : null;
      },
    );
    res.status(reply.status).json(reply.body);
  });

  r.get('/cases/:id/history', async (req, res) => {
    res.json(await getHistory(ctx, req.principal, req.params.id));
  });

  r.get('/cases/:id/history/verify', async (req, res) => {
    res.json(await verifyHistory(ctx, req.principal, req.params.id));
  });

  return r;
}
