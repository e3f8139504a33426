import { Router, type Request } from 'express';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { parseIdempotencyKey, requestHash, withIdempotency } from '../http/idempotency';
import { getCase, getHistory, listCases, recoverCommittedEvent, registerLead, sendEvent, verifyHistory } from './case-service';
import { requireAccess } from '../auth/permissions';

function ifMatch(req: Request): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) return undefined;
  const m = typeof raw === 'string' ? /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim()) : null;
  if (!m) throw errors.invalidRequest('If-Match must be the case version, e.g. If-Match: 3.', [{ path: 'If-Match', message: 'invalid' }]);
  return Number(m[1]);
}

export function caseRoutes(ctx: AppContext): Router {
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
