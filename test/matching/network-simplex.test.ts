import fc from 'fast-check';
import { TransportationSolver, solveTransportation, type TransportationProblem } from '../../src/matching/network-simplex';
import loadHighs from 'highs';
import { transportationToLp } from '../../src/matching/lp-format';

/** Exhaustive optimum of a tiny transportation problem: every integral flow is tried. */
function bruteForce(p: TransportationProblem): number {
  const remS = Array.from(p.supplies);
  const remD = Array.from(p.demands);
  let best = 0;
  const visit = (k: number, value: number): void => {
    if (k === p.arcFrom.length) {
      best = Math.max(best, value);
      return;
    }
    const i = p.arcFrom[k];
    const j = p.arcTo[k];
    for (let x = 0; x <= Math.min(remS[i], remD[j]); x++) {
      remS[i] -= x;
      remD[j] -= x;
      visit(k + 1, value + x * p.arcGain[k]);
      remS[i] += x;
      remD[j] += x;
    }
  };
  visit(0, 0);
  return best;
}

function problemArb(o: { maxNodes: number; maxAmount: number; maxGain: number; minGain: number }): fc.Arbitrary<TransportationProblem> {
  return fc
    .record({
      supplies: fc.array(fc.integer({ min: 0, max: o.maxAmount }), { minLength: 1, maxLength: o.maxNodes }),
      demands: fc.array(fc.integer({ min: 0, max: o.maxAmount }), { minLength: 1, maxLength: o.maxNodes }),
      arcs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: o.minGain, max: o.maxGain })), { maxLength: o.maxNodes * o.maxNodes }),
    })
    .map(({ supplies, demands, arcs }) => {
      // At most one arc per pair, as in the plan.
      const seen = new Set<string>();
      const kept = arcs
        .map(([a, b, g]) => [a % supplies.length, b % demands.length, g] as const)
        .filter(([i, j]) => !seen.has(`${i},${j}`) && seen.add(`${i},${j}`) !== undefined);
      return {
        supplies,
        demands,
        arcFrom: kept.map((a) => a[0]),
        arcTo: kept.map((a) => a[1]),
        arcGain: kept.map((a) => a[2]),
      };
    });
}

function checkFeasible(p: TransportationProblem, flow: Float64Array): void {
  const out = new Array<number>(p.supplies.length).fill(0);
  const into = new Array<number>(p.demands.length).fill(0);
  flow.forEach((f, k) => {
    expect(Number.isInteger(f)).toBe(true);
    expect(f).toBeGreaterThanOrEqual(0);
    out[p.arcFrom[k]] += f;
    into[p.arcTo[k]] += f;
  });
  out.forEach((v, i) => expect(v).toBeLessThanOrEqual(p.supplies[i]));
  into.forEach((v, j) => expect(v).toBeLessThanOrEqual(p.demands[j]));
}

describe('network simplex for the transportation problem', () => {
  it('reaches the exhaustive optimum on small random instances, with every tree invariant kept at every pivot', () => {
    fc.assert(
      fc.property(problemArb({ maxNodes: 3, maxAmount: 4, minGain: -3, maxGain: 30 }), (p) => {
        const sol = solveTransportation(p, { validate: true, blockSize: 1 });
        checkFeasible(p, sol.flow);
        expect(sol.objective).toBe(bruteForce(p));
        const recomputed = Array.from(sol.flow).reduce((a, f, k) => a + f * p.arcGain[k], 0);
        expect(sol.objective).toBe(recomputed);
      }),
      { numRuns: 600 },
    );
  });

  it('agrees with the HiGHS LP optimum on larger random instances', async () => {
    const highs = await loadHighs();
    fc.assert(
      fc.property(problemArb({ maxNodes: 25, maxAmount: 1_000_000, minGain: 0, maxGain: 10_000 }), (p) => {
        const sol = solveTransportation(p, { validate: p.arcFrom.length < 120 });
        checkFeasible(p, sol.flow);
        if (p.arcFrom.length === 0) {
          expect(sol.objective).toBe(0);
          return;
        }
        const lp = highs.solve(transportationToLp(p), { output_flag: false });
        expect(lp.Status).toBe('Optimal');
        expect(Math.abs(lp.ObjectiveValue - sol.objective)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(sol.objective)));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps arcs with a negative gain empty and leaves money unplaced rather than lose value', () => {
    const sol = solveTransportation({ supplies: [5], demands: [5], arcFrom: [0], arcTo: [0], arcGain: [-1] });
    expect(sol.flow[0]).toBe(0);
    expect(sol.objective).toBe(0);
  });

  it('pools several supplies into one demand up to its capacity and no further', () => {
    const sol = solveTransportation({ supplies: [3, 4, 5], demands: [10], arcFrom: [0, 1, 2], arcTo: [0, 0, 0], arcGain: [7, 9, 8] });
    expect(Array.from(sol.flow)).toEqual([1, 4, 5]);
    expect(sol.objective).toBe(1 * 7 + 4 * 9 + 5 * 8);
  });

  it('splits a supply across demands when that is worth more', () => {
    const sol = solveTransportation({ supplies: [10], demands: [4, 4], arcFrom: [0, 0], arcTo: [0, 1], arcGain: [5, 3] });
    expect(Array.from(sol.flow)).toEqual([4, 4]);
  });

  it('ignores empty supplies and demands, and handles no arcs at all', () => {
    const sol = solveTransportation({ supplies: [0, 2], demands: [3, 0], arcFrom: [0, 1, 1], arcTo: [0, 0, 1], arcGain: [9, 4, 9] });
    expect(Array.from(sol.flow)).toEqual([0, 2, 0]);
    expect(solveTransportation({ supplies: [1], demands: [1], arcFrom: [], arcTo: [], arcGain: [] }).objective).toBe(0);
  });

  it('rejects fractional amounts, bad arc ends and fractional gains', () => {
    expect(() => solveTransportation({ supplies: [1.5], demands: [1], arcFrom: [0], arcTo: [0], arcGain: [1] })).toThrow(/supply 0/);
    expect(() => solveTransportation({ supplies: [1], demands: [1], arcFrom: [1], arcTo: [0], arcGain: [1] })).toThrow(/bad source/);
    expect(() => solveTransportation({ supplies: [1], demands: [1], arcFrom: [0], arcTo: [0], arcGain: [0.5] })).toThrow(/gain/);
  });

  it('re-solved warm after forbidding arcs, equals a cold solve without them', () => {
    fc.assert(
      fc.property(
        problemArb({ maxNodes: 6, maxAmount: 50, minGain: 0, maxGain: 100 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (p, picks) => {
          const solver = new TransportationSolver(p, { validate: true });
          solver.solve();
          const forbidden = new Set(p.arcFrom.length === 0 ? [] : picks.map((x) => x % p.arcFrom.length));
          for (const k of forbidden) solver.forbid(k);
          const warm = solver.solve();
          const keep = Array.from(p.arcFrom, (_, k) => k).filter((k) => !forbidden.has(k));
          const cold = solveTransportation({
            supplies: p.supplies,
            demands: p.demands,
            arcFrom: keep.map((k) => p.arcFrom[k]),
            arcTo: keep.map((k) => p.arcTo[k]),
            arcGain: keep.map((k) => p.arcGain[k]),
          });
          expect(warm.objective).toBe(cold.objective);
          for (const k of forbidden) expect(warm.flow[k]).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
