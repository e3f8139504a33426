import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './context';
import { healthRoutes } from './health/routes';
import { errorHandler, notFoundHandler } from './http/errors';
import { apiRoutes } from './api';

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // 'simple' query parsing: `?a[$gt]=x` stays the literal key "a[$gt]", never a nested object.
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'info'),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(express.json({ limit: ctx.config.BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));

  app.use(healthRoutes(ctx));
  app.use('/api/v1', apiRoutes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
