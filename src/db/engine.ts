import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensureFerretdbBinary, EngineUnavailableError, startFerretdb } from './ferretdb';

export type EngineKind = 'mongodb' | 'ferretdb';

export interface ResolvedDatabase {
  uri: string;
  /** How the database was found: a configured URI, or an engine the service started itself. */
  source: 'uri' | 'mongodb-memory-server' | 'ferretdb-embedded';
  /** Known for embedded engines; for a configured URI it is read from the server after connecting. */
  engine?: EngineKind;
  version?: string;
  stop(): Promise<void>;
}

export interface ResolveOptions {
  mongodbUri?: string;
  engine: 'auto' | 'mongodb' | 'ferretdb';
  dataDir: string;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Keep no files after stop (tests). */
  ephemeral?: boolean;
}

// After a failed download of mongod we do not try again on every start for a day: on an offline
// machine each attempt costs several seconds before it gives up.
const DOWNLOAD_RETRY_MS = 24 * 3600 * 1000;

async function startMongodbMemoryServer(opts: ResolveOptions): Promise<ResolvedDatabase> {
  // Imported lazily: the package is a development dependency and production sets MONGODB_URI.
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const dbPath = path.join(opts.dataDir, 'mongodb');
  if (!opts.ephemeral) fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: opts.ephemeral ? {} : { dbPath, storageEngine: 'wiredTiger' },
  });
  return {
    uri: server.getUri(),
    source: 'mongodb-memory-server',
    engine: 'mongodb',
    async stop() {
      await server.stop({ doCleanup: !!opts.ephemeral, force: false });
    },
  };
}

async function startEmbeddedFerretdb(opts: ResolveOptions): Promise<ResolvedDatabase> {
  const binary = ensureFerretdbBinary((m) => opts.logger.info(m));
  const dir = opts.ephemeral ? fs.mkdtempSync(path.join(opts.dataDir, 'ferretdb-')) : path.join(opts.dataDir, 'ferretdb');
  const running = await startFerretdb(binary, dir, undefined, (m) => opts.logger.warn(m));
  return {
    uri: running.uri,
    source: 'ferretdb-embedded',
    engine: 'ferretdb',
    version: running.version,
    async stop() {
      await running.stop();
      if (opts.ephemeral) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The engine policy of design.md: MONGODB_URI when set; otherwise a real mongod through
 * mongodb-memory-server when one can be had; otherwise the embedded FerretDB.
 */
export async function resolveDatabase(opts: ResolveOptions): Promise<ResolvedDatabase> {
  if (opts.mongodbUri) {
    return { uri: opts.mongodbUri, source: 'uri', stop: async () => {} };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (opts.engine === 'mongodb') return startMongodbMemoryServer(opts);
  if (opts.engine === 'ferretdb') return startEmbeddedFerretdb(opts);

  const marker = path.join(opts.dataDir, '.mongod-unavailable');
  const recentlyFailed =
    !process.env.MONGOMS_SYSTEM_BINARY &&
    fs.existsSync(marker) &&
    Date.now() - fs.statSync(marker).mtimeMs < DOWNLOAD_RETRY_MS;
  if (!recentlyFailed) {
    try {
      return await startMongodbMemoryServer(opts);
    } catch (err) {
      fs.writeFileSync(marker, `${new Date().toISOString()} ${(err as Error).message}\n`);
      opts.logger.warn(
        { reason: (err as Error).message.split('\n')[0] },
        'no mongod binary available (set MONGOMS_SYSTEM_BINARY to use one); falling back to embedded FerretDB',
      );
    }
  }
  try {
    return await startEmbeddedFerretdb(opts);
  } catch (err) {
    if (err instanceof EngineUnavailableError) throw err;
    throw new EngineUnavailableError(`The embedded FerretDB engine failed to start: ${(err as Error).message}`);
  }
}
