import { ManualClock } from '../../src/clock';
import { createCase } from '../../src/cases/case-service';
import type { Principal } from '../../src/auth/principal';
import { startTestService, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { explore, machineInventory, NOW, RECEIVED } from './case-graph';

/**
 * Every state and every declared transition of the case machine, reached by generated event paths
 * (test/model/case-graph.ts) and replayed through the HTTP API on the real engine, checking state,
 * version and history after each step.
 */

let svc: TestService;
const callers: Record<string, Caller> = {};
let handlerPrincipal: Principal;

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date(NOW)) });
  for (const role of ['handler', 'reviewer', 'procuratorate'] as const) {
    const c = await newClient(svc.app, role, { districts: ['吴中区'] });
    callers[role] = as(svc.app, c.token);
    if (role === 'handler') handlerPrincipal = { clientId: c.id, name: 'handler', role, districts: ['吴中区'], baseIds: [] };
  }
});
afterAll(async () => {
  await svc.stop();
});

describe('model-based: generated paths replayed over HTTP', () => {
  const inventory = machineInventory();
  const model = explore();

  it('the generated paths reach every state and every transition of the machine', () => {
    const coveredTransitions = [...inventory.transitions].filter((t) => model.pathsToTransitions.has(t));
    const coveredStates = [...inventory.states].filter((s) => model.statesReached.has(s));
    console.log(
      `model coverage: ${coveredStates.length}/${inventory.states.size} states, ${coveredTransitions.length}/${inventory.transitions.size} transitions ` +
        `(${model.nodes.length} model nodes explored, ${model.pathsToTransitions.size} paths)`,
    );
    expect(coveredStates).toHaveLength(inventory.states.size);
    expect(coveredTransitions).toHaveLength(inventory.transitions.size);
  });

  it('replays every path through the API with the expected state, version and history at each step', async () => {
    let events = 0;
    const reached = new Set<string>();
    const replay = async (transition: string, steps: typeof model.pathsToTransitions extends Map<string, infer S> ? S : never) => {
      // Referred by the procuratorate, so its client may send its own events on this case too.
      const doc = await createCase(
        svc.ctx,
        handlerPrincipal,
        { title: `模型路径 ${transition}`, channel: 'procuratorate_referral', receivedAt: new Date(`${RECEIVED}T00:00:00+08:00`).toISOString(), district: '吴中区', parties: [{ name: '某公司', kind: 'company' }] },
        { procuratorateVisible: true },
      );
      let version = 1;
      for (const step of steps) {
        const res = await callers[step.role]!.post(`/cases/${doc._id}/events`, { type: step.type, ...step.payload }).set('If-Match', String(version));
        if (res.status !== 200) throw new Error(`${transition}: step ${step.type} answered ${res.status} ${JSON.stringify(res.body)}`);
        version += 1;
        events += 1;
        expect(res.body.version).toBe(version);
        res.body.state.split('.').forEach((_: string, i: number, parts: string[]) => reached.add(parts.slice(0, i + 1).join('.')));
      }
      const history = await callers.handler!.get(`/cases/${doc._id}/history`).expect(200);
      expect(history.body.items.map((h: { type: string }) => h.type)).toEqual(['LEAD_REGISTERED', ...steps.map((s) => s.type)]);
      expect(history.body.items.map((h: { version: number }) => h.version)).toEqual(history.body.items.map((_: unknown, i: number) => i + 1));
    };
    // Paths are independent cases: replay a few at a time.
    const queue = [...model.pathsToTransitions];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await replay(next[0], next[1]);
      }),
    );
    console.log(`model replay: ${model.pathsToTransitions.size} cases, ${events} events over HTTP, ${reached.size} distinct states seen`);
    expect([...inventory.states].filter((s) => !reached.has(s))).toEqual([]);
  }, 600_000);
});
