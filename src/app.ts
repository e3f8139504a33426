import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './context';
import { healthRoutes } from './health/routes';
import { refuseDeepJson } from './http/json-depth';
import { errorHandler, notFoundHandler } from './http/errors';
import { apiRoutes } from './api';
import { webDistDir } from './project';

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The web console's build (scripts/build-web.mjs); served at `/` when it exists. */
const webDist = webDistDir;

/**
 * The case handlers' web console: the built single-page app as static files, and index.html for any
 * other GET outside /api so that its client-side routes (/cases/123, /dashboard) survive a reload.
 * Hashed assets are cached for a year; index.html is revalidated every time.
 */
function webConsole(): RequestHandler[] {
  const index = path.join(webDist, 'index.html');
  if (!fs.existsSync(index)) return [];
  const assets = express.static(webDist, {
    index: false,
    setHeaders: (res, file) => {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const spaFallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/')) return next();
    // Only for a browser asking for a page; API clients keep their JSON 404.
    if (!String(req.headers.accept ?? '').includes('text/html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  return [assets, spaFallback];
}

/**
 * CSP for the console: scripts only from the service itself; inline styles allowed because Ant
 * Design and the Mermaid statechart put their styles in the page; images also from data:/blob:
 * (charts, the CSV download). No upgrade-insecure-requests: the bureau's intranet may serve plain http.
 */
const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

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
  app.use(helmet({ contentSecurityPolicy }));
  app.use(express.json({ limit: ctx.config.BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'], verify: refuseDeepJson }));

  app.use(healthRoutes(ctx));
  app.use('/api/v1', apiRoutes(ctx));
  for (const handler of webConsole()) app.use(handler);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
