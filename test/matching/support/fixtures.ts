import fc from 'fast-check';
import type { MatchingArcs } from '../../../src/matching/plan';
import type { Medium, MoneySource, ProjectCandidate, ProjectMethod } from '../../../src/matching/types';

export const TODAY = '2026-03-01';

export function source(overrides: Partial<MoneySource> = {}): MoneySource {
  return {
    caseId: 'case-1',
    obligationId: 'ob-1',
    district: '吴中区',
    damageMedia: ['surface_water'],
    amountFen: 1_000_000,
    ...overrides,
  };
}

export function project(overrides: Partial<ProjectCandidate> = {}): ProjectCandidate {
  return {
    projectId: 'p-1',
    baseId: 'base-1',
    name: '测试项目',
    method: 'water_restoration',
    media: ['surface_water'],
    district: '吴中区',
    gapFen: 4_000_000,
    ...overrides,
  };
}

const DISTRICTS = ['吴中区', '吴江区', '相城区', '姑苏区', '常熟市', '外市县'];
const MEDIA: Medium[] = ['surface_water', 'wetland', 'fishery', 'soil', 'groundwater', 'forest', 'air', 'other'];
const METHODS: ProjectMethod[] = ['water_restoration', 'wetland_restoration', 'fry_release', 'replanting', 'soil_remediation'];

const dateArb = fc
  .integer({ min: -400, max: 600 })
  .map((offset) => new Date(Date.UTC(2026, 2, 1) + offset * 86_400_000).toISOString().slice(0, 10));

const pointArb = fc.record({
  lng: fc.double({ min: 120.2, max: 121.2, noNaN: true }),
  lat: fc.double({ min: 30.8, max: 31.9, noNaN: true }),
});

export interface ArbOptions {
  maxAmount: number;
  maxGap: number;
  withMinContribution?: boolean;
  withSplitFlags?: boolean;
}

export function sourceArb(o: ArbOptions): fc.Arbitrary<Omit<MoneySource, 'caseId' | 'obligationId'>> {
  return fc.record(
    {
      district: fc.constantFrom(...DISTRICTS),
      damageMedia: fc.uniqueArray(fc.constantFrom(...MEDIA), { minLength: 1, maxLength: 2 }),
      amountFen: fc.integer({ min: 0, max: o.maxAmount }),
      location: pointArb,
      dueDate: dateArb,
      splittable: o.withSplitFlags ? fc.boolean() : fc.constant(undefined),
    },
    { requiredKeys: ['district', 'damageMedia', 'amountFen'] },
  );
}

export function projectArb(o: ArbOptions): fc.Arbitrary<Omit<ProjectCandidate, 'projectId' | 'baseId' | 'name'>> {
  return fc.record(
    {
      method: fc.constantFrom(...METHODS),
      media: fc.uniqueArray(fc.constantFrom(...MEDIA), { minLength: 0, maxLength: 2 }),
      district: fc.constantFrom(...DISTRICTS),
      gapFen: fc.integer({ min: 0, max: o.maxGap }),
      location: pointArb,
      minContributionFen: o.withMinContribution ? fc.integer({ min: 0, max: o.maxGap }) : fc.constant(undefined),
      startDate: dateArb,
      endDate: dateArb,
    },
    { requiredKeys: ['method', 'media', 'district', 'gapFen'] },
  );
}

/** Lists of sources and projects with unique ids. */
export function instanceArb(
  o: ArbOptions & { sources: [number, number]; projects: [number, number] },
): fc.Arbitrary<{ sources: MoneySource[]; projects: ProjectCandidate[] }> {
  return fc
    .record({
      sources: fc.array(sourceArb(o), { minLength: o.sources[0], maxLength: o.sources[1] }),
      projects: fc.array(projectArb(o), { minLength: o.projects[0], maxLength: o.projects[1] }),
      interest: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
    })
    .map(({ sources, projects, interest }) => {
      const ss: MoneySource[] = sources.map((s, i) => ({
        ...s,
        caseId: `case-${Math.floor(i / 2)}`,
        obligationId: `ob-${i % 2}`,
      }));
      const ps: ProjectCandidate[] = projects.map((p, j) => ({ ...p, projectId: `p-${j}`, baseId: 'b', name: `项目${j}` }));
      for (const [a, b] of interest) {
        if (ss.length === 0 || ps.length === 0) break;
        const s = ss[a % ss.length];
        const p = ps[b % ps.length];
        s.interestedProjectIds = [...(s.interestedProjectIds ?? []), p.projectId];
      }
      return { sources: ss, projects: ps };
    });
}

/**
 * The best objective (Σ cost × amount, in hundredths × fen) over every integral allocation of a
 * small instance, by enumeration: each source's money is distributed over its arcs in every possible
 * way. With `constrained`, non-splittable sources use one arc at most and every allocation is at
 * least the project's minimum contribution.
 */
export function exhaustiveBest(inst: MatchingArcs, constrained: boolean): number {
  const remGap = inst.projects.map((p) => p.gap);
  let best = 0;
  const arcsOf: number[][] = inst.sources.map((_, i) => {
    const out: number[] = [];
    for (let k = inst.arcStart[i]; k < inst.arcStart[i + 1]; k++) out.push(k);
    return out;
  });
  const visitSource = (i: number, value: number): void => {
    if (i === inst.sources.length) {
      if (value > best) best = value;
      return;
    }
    const arcs = arcsOf[i];
    const s = inst.sources[i];
    const distribute = (a: number, left: number, used: number, v: number): void => {
      if (a === arcs.length) {
        visitSource(i + 1, v);
        return;
      }
      const k = arcs[a];
      const j = inst.arcProject[k];
      const max = Math.min(left, remGap[j]);
      for (let x = 0; x <= max; x++) {
        if (x > 0 && constrained) {
          if (x < inst.projects[j].minContribution) continue;
          if (!s.splittable && used > 0) break;
        }
        remGap[j] -= x;
        distribute(a + 1, left - x, used + (x > 0 ? 1 : 0), v + x * inst.arcCost[k]);
        remGap[j] += x;
      }
    };
    distribute(0, s.amount, 0, value);
  };
  visitSource(0, 0);
  return best;
}
