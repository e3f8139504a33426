import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { EngineKind } from './db/engine';

export interface EngineDescription {
  engine: EngineKind;
  version: string;
  source: 'uri' | 'mongodb-memory-server' | 'ferretdb-embedded';
}

/** What every component of the running service shares. Built once in server.ts. */
export interface AppContext {
  config: Config;
  logger: Logger;
  connection: Connection;
  engine: EngineDescription;
  clock: Clock;
}
