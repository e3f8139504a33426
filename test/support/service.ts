import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { ManualClock, type Clock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { startService, type RunningService } from '../../src/server';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestService extends RunningService {
  dbName: string;
  clock: Clock;
}

/**
 * The real service on the real engine, in a database of this test file's own that is dropped
 * afterwards. Requests go through the Express app (supertest) unless `listen` is set.
 */
export async function startTestService(
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    listen?: boolean;
    /** Reuse a database (e.g. the dbName of a service stopped with keepDatabase) to test a restart. */
    dbName?: string;
    /** stop() leaves the database in place instead of dropping it. */
    keepDatabase?: boolean;
  } = {},
): Promise<TestService> {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global setup starts the engine).');
  const dbName = opts.dbName ?? `t_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SCHEDULER_ENABLED: 'false',
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    HOST: '127.0.0.1',
    ...opts.env,
  });
  const clock = opts.clock ?? new ManualClock();
  const service = await startService({ config, clock, database: { uri, dbName, version: process.env.TEST_ENGINE_VERSION || undefined }, listen: opts.listen });
  const stop = async () => {
    if (!opts.keepDatabase && mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await service.stop();
  };
  return { ...service, stop, dbName, clock };
}
