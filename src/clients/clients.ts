import { Router } from 'express';
import { z } from 'zod';
import { ClientModel, type ClientDocument } from '../../models/client';
import { requireAccess } from '../auth/permissions';
import { ALL_DISTRICTS, type Principal } from '../auth/principal';
import { hashToken, newToken, tokenHint } from '../auth/tokens';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { afterCursor, cursorParam, decodeCursor, limitParam, pageOf } from '../http/pagination';
import { parse } from '../http/validate';
import { idPattern, newId } from '../ids';
import { serialized } from '../db/serialized';
import { roles } from '../../workflows/vocabulary';
import { describeRoute } from '../openapi/registry';

const districtName = z.string().trim().min(1).max(50).regex(/^[^$.]/, 'must not start with $ or .');
const scopedRoles = ['handler', 'reviewer', 'viewer', 'procuratorate'];

export const createClientBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(roles.values),
    districts: z.array(districtName).min(1).max(50).optional().meta({ description: `District names; ["${ALL_DISTRICTS}"] means every district` }),
    baseIds: z.array(z.string().regex(idPattern)).min(1).max(50).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (scopedRoles.includes(b.role) && !b.districts) ctx.addIssue({ code: 'custom', path: ['districts'], message: `is required for the role ${b.role}` });
    if (b.role === 'baseManager' && !b.baseIds) ctx.addIssue({ code: 'custom', path: ['baseIds'], message: 'is required for base managers' });
  });

export function clientView(c: Pick<ClientDocument, '_id' | 'name' | 'role' | 'districts' | 'baseIds' | 'createdAt' | 'revokedAt' | 'tokenHint'>) {
  return {
    id: c._id,
    name: c.name,
    role: c.role,
    districts: c.districts,
    baseIds: c.baseIds,
    tokenHint: c.tokenHint,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt ? c.revokedAt.toISOString() : null,
  };
}

export async function createClient(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'clients.create');
  const input = parse(createClientBody, body);
  const token = newToken();
  const doc = await ClientModel.create({
    _id: newId('cli'),
    name: input.name,
    role: input.role,
    districts: input.districts ?? (input.role === 'admin' ? [ALL_DISTRICTS] : []),
    baseIds: input.baseIds ?? [],
    tokenHash: hashToken(token),
    tokenHint: tokenHint(token),
    createdAt: ctx.clock.now(),
    createdBy: caller.clientId,
  });
  return { ...clientView(doc.toObject()), token };
}

const listQuery = z.object({ limit: limitParam, cursor: cursorParam, includeRevoked: z.enum(['true', 'false']).optional() }).strict();

export async function listClients(_ctx: AppContext, principal: Principal | undefined, query: unknown) {
  requireAccess(principal, 'clients.list');
  const q = parse(listQuery, query, 'query');
  const cursor = decodeCursor(q.cursor);
  const filter = { ...(q.includeRevoked === 'true' ? {} : { revokedAt: null }), ...afterCursor('createdAt', cursor) };
  const docs = await ClientModel.find(filter, { tokenHash: 0 }).sort({ createdAt: -1, _id: -1 }).limit(q.limit + 1).lean();
  return pageOf(docs, q.limit, (d) => d.createdAt, clientView);
}

export async function revokeClient(ctx: AppContext, principal: Principal | undefined, id: string) {
  requireAccess(principal, 'clients.revoke');
  if (!idPattern.test(id)) throw errors.notFound('client');
  const doc = await serialized(`client:${id}`, () =>
    ClientModel.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: ctx.clock.now() } }, { returnDocument: 'after' }).lean(),
  );
  if (!doc) throw errors.notFound('client');
  ctx.tokens.evictClient(doc._id);
  return clientView(doc);
}

describeRoute({ method: 'post', path: '/clients', tag: 'Clients', summary: 'Create an API client; its token is shown once', roles: ['admin'], body: createClientBody, successStatus: 201, errors: [400, 401, 403] });
describeRoute({ method: 'get', path: '/clients', tag: 'Clients', summary: 'List API clients (tokens are never shown again)', roles: ['admin'], query: listQuery, errors: [400, 401, 403] });
describeRoute({ method: 'delete', path: '/clients/:id', tag: 'Clients', summary: 'Revoke a client at once', roles: ['admin'], errors: [401, 403, 404] });
describeRoute({ method: 'get', path: '/me', tag: 'Clients', summary: 'Who the token belongs to: role, districts, bases', errors: [401] });

export function clientRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/clients', async (req, res) => {
    res.status(201).json(await createClient(ctx, req.principal, req.body));
  });
  r.get('/clients', async (req, res) => {
    res.json(await listClients(ctx, req.principal, req.query));
  });
  r.delete('/clients/:id', async (req, res) => {
    res.json(await revokeClient(ctx, req.principal, req.params.id));
  });
  r.get('/me', (req, res) => {
    const p = requireAccess(req.principal, 'me.read');
    res.json({ id: p.clientId, name: p.name, role: p.role, districts: p.districts === 'all' ? [ALL_DISTRICTS] : p.districts, baseIds: p.baseIds });
  });
  return r;
}
