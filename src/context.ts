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

/**
 * A committed change of a case: an `event` appended a history entry (a case event, a missed
 * deadline); a `derived` change rewrote a field the service maintains without one (the
 * restoration track's status and facts, an assigned case number).
 */
export type CaseChange = { kind: 'event'; caseId: string; seq: number; type: string } | { kind: 'derived'; caseId: string; field: string };

/** Something that wants to hear about every committed case change (the feed, the statistics, the restoration track). */
export type CaseChangeListener = (change: CaseChange) => void;

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
