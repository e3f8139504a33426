import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { Express } from 'express';
import { createApp } from './app';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import type { AppContext, EngineDescription } from './context';
import { connectDatabase, detectEngine } from './db/connection';
import { useEngineSemantics } from './db/by-id';
import { resolveDatabase, type ResolvedDatabase } from './db/engine';
import { createLogger, type Logger } from './logger';
import { ensureIndexes } from '../models';
import { CalendarCache, seedCalendar } from './calendar/calendar';
import { assignPendingCaseNumbers, backfillManualCaseNumbers } from './cases/case-numbers';
import { migrateStoredCases } from './cases/case-data-migrations';
import { serviceVersion } from './project';
import { DeadlineScheduler } from './scheduler/deadline-scheduler';
import { TokenResolver } from './auth/authenticate';
import { createCaseMachine } from '../workflows/case-machine';
import { stateLabels } from '../workflows/case-catalogue';
import { resolveRules, type WorkflowRules } from '../workflows/rules';

export interface ServiceOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** An already resolved database (tests share one engine); otherwise resolved from config. */
  database?: { uri: string; dbName: string; version?: string };
  /** Listen on config.PORT; tests use the app without a socket. */
  listen?: boolean;
}

export interface RunningService {
  ctx: AppContext;
  scheduler: DeadlineScheduler;
  app: Express;
  server?: http.Server;
  port?: number;
  stop(): Promise<void>;
}

/**
 * Outside production an unset ADMIN_TOKEN is generated once and kept in DATA_DIR/admin-token
 * (readable by the owner only), so `npm start` works on a fresh clone without exposing a default.
 */
function developmentAdminToken(config: Config, logger: Logger): string | undefined {
  if (config.ADMIN_TOKEN || config.NODE_ENV === 'test') return config.ADMIN_TOKEN;
  const file = path.join(config.dataDir, 'admin-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, `adm_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  logger.warn({ file }, 'ADMIN_TOKEN is not set: using the development admin token stored in this file');
  return fs.readFileSync(file, 'utf8').trim();
}

function loadRules(config: Config): WorkflowRules {
  if (!config.RULES_FILE) return resolveRules({});
  try {
    return resolveRules(JSON.parse(fs.readFileSync(config.RULES_FILE, 'utf8')));
  } catch (err) {
    throw new Error(`RULES_FILE ${config.RULES_FILE} is not valid: ${(err as Error).message}`);
  }
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;

  let resolved: ResolvedDatabase | undefined;
  let uri: string;
  let dbName = config.MONGODB_DB;
  let source: EngineDescription['source'];
  if (options.database) {
    uri = options.database.uri;
    dbName = options.database.dbName;
    source = 'uri';
  } else {
    resolved = await resolveDatabase({ mongodbUri: config.MONGODB_URI, engine: config.ENGINE, dataDir: config.dataDir, logger });
    uri = resolved.uri;
    source = resolved.source;
  }

  let connection;
  try {
    connection = await connectDatabase(uri, dbName, config.NODE_ENV === 'production');
  } catch (err) {
    await resolved?.stop();
    throw err;
  }
  const detected = await detectEngine(connection, resolved?.version ?? options.database?.version);
  const engine: EngineDescription = { ...detected, source };
  useEngineSemantics(detected.engine);
  logger.info({ engine: engine.engine, version: engine.version, source, db: dbName, node: process.version, service: serviceVersion }, `database engine: ${engine.engine} ${engine.version} (Node.js ${process.version})`);
  await ensureIndexes(connection);

  const seeded = await seedCalendar();
  if (seeded) logger.info({ years: seeded }, 'seeded the working-day calendar');

  const rules = loadRules(config);
  const machine = createCaseMachine(rules);
  const adminToken = developmentAdminToken(config, logger);
  const ctx: AppContext = {
    config: { ...config, ADMIN_TOKEN: adminToken },
    logger,
    connection,
    engine,
    clock,
    workflow: { machine, rules, stateLabels: stateLabels(machine), calendar: new CalendarCache() },
    listeners: [],
    tokens: new TokenResolver(config.TOKEN_CACHE_MS),
  };
  const migrated = await migrateStoredCases(ctx);
  if (migrated.leadsGivenVerificationDeadline || migrated.screenedOut || migrated.notBeforeDatesRestored) logger.info(migrated, 'stored cases migrated to the current rules');
  const backfilled = await backfillManualCaseNumbers(rules);
  if (backfilled) logger.info({ claims: backfilled }, 'case numbers entered by hand now hold their year and sequence');
  await assignPendingCaseNumbers(rules, clock.now());
  const app = createApp(ctx);
  const scheduler = new DeadlineScheduler(ctx);
  if (config.SCHEDULER_ENABLED) scheduler.start(config.SCHEDULER_INTERVAL_MS);

  let server: http.Server | undefined;
  let port: number | undefined;
  if (options.listen) {
    // Slow-body protection: a client that trickles its headers or body is cut off (checked every 5 s).
    server = http.createServer({ connectionsCheckingInterval: 5_000 }, app);
    server.headersTimeout = 15_000;
    server.requestTimeout = 30_000;
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(config.PORT, config.HOST, () => resolve());
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ port, host: config.HOST }, `listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`);
  }

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await scheduler.stop();
      if (server) {
        // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server!.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
      }
      await mongoose.disconnect();
      await resolved?.stop();
    })());

  return { ctx, app, server, port, scheduler, stop };
}

/**
 * What Node's HTTP parser refuses before Express sees the request (a timeout, oversized headers,
 * malformed HTTP) is answered in the API's one error shape rather than with an empty body.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request took too long to arrive.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large.']
        : [400, 'invalid_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  // A request already handed to the app (its body was still arriving) is answered through its response.
  const pending = (socket as { _httpMessage?: http.ServerResponse })._httpMessage;
  if (pending) {
    if (pending.headersSent || pending.writableEnded) {
      socket.destroy();
      return;
    }
    pending.once('finish', () => socket.destroy());
    pending.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' }).end(body);
    return;
  }
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
