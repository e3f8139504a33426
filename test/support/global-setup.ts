import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { resolveDatabase, type ResolvedDatabase } from '../../src/db/engine';

/**
 * Starts ONE real database engine for the whole run (or uses MONGODB_URI) and hands its URI to the
 * test files; each file then works in a database of its own (test/support/service.ts).
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-test-'));
  const logger = { info: (m: unknown) => console.log(`[engine] ${typeof m === 'string' ? m : JSON.stringify(m)}`), warn: (...a: unknown[]) => console.log('[engine]', ...a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))) };
  const db: ResolvedDatabase = await resolveDatabase({
    mongodbUri: process.env.MONGODB_URI,
    engine: (process.env.ENGINE as 'auto' | 'mongodb' | 'ferretdb' | undefined) ?? 'auto',
    dataDir,
    logger,
    ephemeral: true,
  });
  process.env.TEST_MONGODB_URI = db.uri;
  process.env.TEST_ENGINE_SOURCE = db.source;
  process.env.TEST_ENGINE_VERSION = db.version ?? '';
  console.log(`\n[engine] tests run on ${db.source} (${db.engine ?? 'detected at connect'} ${db.version ?? ''}) at ${db.uri}`);
  (globalThis as { __ECO_DB__?: { db: ResolvedDatabase; dataDir: string } }).__ECO_DB__ = { db, dataDir };
}
