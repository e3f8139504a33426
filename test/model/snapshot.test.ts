import { createActor } from 'xstate';
import { createCaseMachine, MACHINE_VERSION } from '../../workflows/case-machine';
import { restoreCase, statePath, type PersistedCaseSnapshot } from '../../workflows/case-runtime';
import { MachineVersionError, upgradeSnapshot } from '../../workflows/migrations';
import { explore } from './case-graph';

function badKeys(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    ...(k.includes('.') || k.startsWith('$') ? [`${path}/${k}`] : []),
    ...badKeys(v, `${path}/${k}`),
  ]);
}

describe('persisted snapshots', () => {
  const machine = createCaseMachine();
  const { nodes } = explore(machine);

  it('never contain a key with "." or a leading "$" (MongoDB forbids them), in any reachable state', () => {
    const offenders = nodes.flatMap((n) => badKeys(n.snapshot));
    expect(offenders).toEqual([]);
    expect(nodes.length).toBeGreaterThan(100);
  });

  it('restore to the same state and context after a JSON round trip, as from the database', () => {
    for (const n of nodes.slice(0, 300)) {
      const stored = JSON.parse(JSON.stringify(n.snapshot)) as PersistedCaseSnapshot;
      const restored = restoreCase(machine, stored);
      expect(statePath(restored.value)).toBe(n.path);
      expect(restored.context).toEqual(n.snapshot.context);
    }
  });

  it('restore into a machine built afresh (a restart) and keep the deep history of a suspension', () => {
    const suspended = nodes.find((n) => n.path === 'suspended' && n.snapshot.context.stage === 'investigation')!;
    const fresh = createCaseMachine();
    const actor = createActor(fresh, { snapshot: JSON.parse(JSON.stringify(suspended.snapshot)) as never, input: undefined as never });
    actor.start();
    actor.send({ type: 'RESUMED', payload: {}, at: '2026-06-01T00:00:00.000Z', facts: { now: '2026-06-01T00:00:00.000Z', overdueRules: [], openDeadlines: {} }, actor: { clientId: 't', role: 'handler' } });
    expect(statePath(actor.getSnapshot().value)).toBe('investigation');
    actor.stop();
  });

  it('from a newer machine version are refused, not misread', () => {
    expect(() => upgradeSnapshot(nodes[0]!.snapshot, MACHINE_VERSION + 1)).toThrow(MachineVersionError);
    expect(upgradeSnapshot(nodes[0]!.snapshot, MACHINE_VERSION)).toBe(nodes[0]!.snapshot);
  });
});
