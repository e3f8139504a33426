import mongoose, { type Connection } from 'mongoose';
import type { EngineKind } from './engine';

// Queries only ever see fields the schemas declare; an unknown filter key is dropped, not passed on.
mongoose.set('strictQuery', true);

export interface EngineInfo {
  engine: EngineKind;
  version: string;
}

export async function connectDatabase(uri: string, dbName: string, production: boolean): Promise<Connection> {
  await mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false, // indexes are created once at start by syncIndexes, not lazily per model
    ...(production ? { writeConcern: { w: 'majority', journal: true } } : {}),
  });
  return mongoose.connection;
}

/** Asks the server what it is: FerretDB answers buildInfo with a `ferretdbVersion` field. */
export async function detectEngine(conn: Connection, knownVersion?: string): Promise<EngineInfo> {
  const info = await conn.db!.admin().command({ buildInfo: 1 });
  if ('ferretdbVersion' in info) {
    const reported = String(info.ferretdbVersion);
    return { engine: 'ferretdb', version: reported !== 'unknown' ? reported : knownVersion ?? 'unknown' };
  }
  return { engine: 'mongodb', version: String(info.version) };
}

export async function pingDatabase(conn: Connection): Promise<boolean> {
  try {
    if (conn.readyState !== 1) return false;
    await conn.db!.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
