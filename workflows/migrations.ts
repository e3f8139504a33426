import { MACHINE_VERSION } from './case-machine';
import type { PersistedCaseSnapshot } from './case-runtime';

/**
 * Snapshot migrations between machine versions (docs/workflow.md, "Snapshots and machine
 * versions"). `migrations[n]` turns a version-n snapshot into a version n+1 one. Version 1 is the
 * first, so the table is empty; a change that renames or removes states adds an entry here.
 */
export const migrations: Record<number, (snapshot: PersistedCaseSnapshot) => PersistedCaseSnapshot> = {};

export class MachineVersionError extends Error {}

/** Brings a stored snapshot up to the running machine's version, or says why it cannot. */
export function upgradeSnapshot(snapshot: PersistedCaseSnapshot, version: number): PersistedCaseSnapshot {
  if (version > MACHINE_VERSION) {
    throw new MachineVersionError(`case written by machine version ${version}; this service runs version ${MACHINE_VERSION}`);
  }
  let current = snapshot;
  for (let v = version; v < MACHINE_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new MachineVersionError(`no migration from machine version ${v} to ${v + 1}`);
    current = step(current);
  }
  return current;
}
