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
 * Resolves tokens to principals, remembering a resolved token for a moment (TOKEN_CACHE_MS, default
 * 2 s) so a burst of requests does not read the clients collection each time. Revocation through
 * this instance evicts the token at once; another instance of the service honours it within the
 * cache period (set TOKEN_CACHE_MS=0 to read on every request).
 */
export class TokenResolver {
  private cache = new Map<string, { principal: Principal | null; until: number }>();
  constructor(private readonly ttlMs: number) {}

  async resolve(tokenHash: string): Promise<Principal | null> {
    const hit = this.cache.get(tokenHash);
    if (hit && hit.until > Date.now()) return hit.principal;
    const client = await ClientModel.findOne({ tokenHash, revokedAt: null }, { name: 1, role: 1, districts: 1, baseIds: 1 }).lean();
    const principal: Principal | null = client
      ? { clientId: client._id, name: client.name, role: client.role as Role, districts: districtsOf(client.districts), baseIds: client.baseIds }
      : null;
    if (this.ttlMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(tokenHash, { principal, until: Date.now() + this.ttlMs });
    }
    return principal;
  }

  evictClient(clientId: string): void {
    for (const [key, entry] of this.cache) if (entry.principal?.clientId === clientId) this.cache.delete(key);
  }
}

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
      const principal = await ctx.tokens.resolve(hashToken(token));
      if (!principal) throw errors.unauthenticated();
      req.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}
