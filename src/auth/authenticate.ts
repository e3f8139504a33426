import type { RequestHandler } from 'express';
import { ClientModel } from '../../models/client';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import type { Role } from '../../workflows/vocabulary';
import { districtsOf, type Principal } from './principal';
import { hashToken, sameSecret } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const bearer = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/;

/**
 * Resolves the bearer token to a principal. Revocation takes effect at once: every request reads
 * the client by its token hash (one indexed lookup), nothing is cached.
 */
export function authenticate(ctx: AppContext): RequestHandler {
  const adminToken = ctx.config.ADMIN_TOKEN;
  return async (req, _res, next) => {
    try {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? bearer.exec(header) : null;
      if (!match) throw errors.unauthenticated();
      const token = match[1]!;
      if (adminToken && sameSecret(token, adminToken)) {
        req.principal = { clientId: 'admin', name: 'bootstrap admin', role: 'admin', districts: 'all', baseIds: [] };
        return next();
      }
      const client = await ClientModel.findOne({ tokenHash: hashToken(token), revokedAt: null }, { name: 1, role: 1, districts: 1, baseIds: 1 }).lean();
      if (!client) throw errors.unauthenticated();
      req.principal = {
        clientId: client._id,
        name: client.name,
        role: client.role as Role,
        districts: districtsOf(client.districts),
        baseIds: client.baseIds,
      };
      next();
    } catch (err) {
      next(err);
    }
  };
}
