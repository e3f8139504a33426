import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { body } from './errors';

/**
 * Per-token request limits (per client IP for requests without a token). The key is a hash of the
 * Authorization header, so tokens are never kept in memory in clear beyond the request. In-memory
 * store: each service instance counts its own requests (a MongoDB-backed store exists for
 * express-rate-limit when several instances must share one budget).
 */
export function perTokenRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      if (typeof auth === 'string' && auth.length > 0) return `t:${createHash('sha256').update(auth).digest('base64url')}`;
      return `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`;
    },
    handler: (_req, res, _next, options) => {
      const retryAfter = Math.max(1, Math.ceil(options.windowMs / 1000));
      res.set('Retry-After', String(retryAfter)).status(429).json(body('too_many_requests', 'Too many requests for this token; slow down.', { retryAfterSeconds: retryAfter }));
    },
  });
}
