import fs from 'node:fs';
import type { ResolvedDatabase } from '../../src/db/engine';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __ECO_DB__?: { db: ResolvedDatabase; dataDir: string } }).__ECO_DB__;
  if (!state) return;
  await state.db.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
