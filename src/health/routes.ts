import { Router } from 'express';
import type { AppContext } from '../context';
import { pingDatabase } from '../db/connection';

export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  // Liveness: the process answers. It does not touch the database, so a slow database never gets a
  // healthy process restarted.
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', engine: ctx.engine.engine, uptimeSeconds: Math.round(process.uptime()) });
  });
  // Readiness: the database answers a ping now.
  router.get('/ready', async (_req, res) => {
    const ok = await pingDatabase(ctx.connection);
    const payload = { status: ok ? 'ready' : 'unavailable', engine: ctx.engine.engine, engineVersion: ctx.engine.version, source: ctx.engine.source };
    if (ok) res.json(payload);
    else res.status(503).json({ error: { code: 'unavailable', message: 'The database does not answer.', details: payload } });
  });
  return router;
}
