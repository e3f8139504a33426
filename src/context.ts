import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { EngineKind } from './db/engine';
import type { CalendarCache } from './calendar/calendar';
import type { TokenResolver } from './auth/authenticate';
import type { CaseMachine } from '../workflows/case-machine';
import type { WorkflowRules } from '../workflows/rules';
import type { Labels } from '../workflows/vocabulary';

export interface EngineDescription {
  engine: EngineKind;
  version: string;
  source: 'uri' | 'mongodb-memory-server' | 'ferretdb-embedded';
}

/** The procedure as this deployment runs it: the machine built with its configured rules. */
export interface WorkflowDeps {
  machine: CaseMachine;
  rules: WorkflowRules;
  stateLabels: Map<string, Labels>;
  calendar: CalendarCache;
}

/** Something that wants to hear about every committed case change (the procuratorate feed). */
export type CaseChangeListener = (change: { caseId: string; seq: number; type: string }) => void;

/** What every component of the running service shares. Built once in server.ts. */
export interface AppContext {
  config: Config;
  logger: Logger;
  connection: Connection;
  engine: EngineDescription;
  clock: Clock;
  workflow: WorkflowDeps;
  listeners: CaseChangeListener[];
  tokens: TokenResolver;
}
