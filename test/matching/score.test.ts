import fc from 'fast-check';
import {
  FACTORS,
  createScoringContext,
  prepareProject,
  prepareSource,
  projectTable,
  scoreCost,
  scorePair,
  scoreRow,
  type RowCounts,
} from '../../src/matching/score';
import { SUZHOU_WATERSHEDS, defaultMatchingOptions, type MatchingOptions } from '../../src/matching/types';
import { mediaRelatedness } from '../../src/matching/ecology';
import { haversineKm } from '../../src/matching/geo';
import { TODAY, instanceArb, project, source } from './support/fixtures';

const options: MatchingOptions = defaultMatchingOptions(TODAY);

function score(s = source(), p = project(), o = options): number {
  const r = scorePair(s, p, o);
  expect(r.compatible).toBe(true);
  return r.score;
}

function factor(name: string, s = source(), p = project(), o = options): number {
  const r = scorePair(s, p, o).reasons.find((x) => x.factor === name);
  if (!r) throw new Error(`no ${name} reason`);
  return r.value;
}

describe('default options', () => {
  it('cover the ten Suzhou districts with a watershed each, and weights that favour ecology', () => {
    expect(Object.keys(options.watersheds ?? {}).sort()).toEqual(
      ['姑苏区', '吴中区', '相城区', '吴江区', '虎丘区', '苏州工业园区', '常熟市', '张家港市', '昆山市', '太仓市'].sort(),
    );
    expect(options.watersheds?.['吴中区']).toBe(SUZHOU_WATERSHEDS['吴中区']);
    expect(options.watersheds?.['张家港市']).not.toBe(options.watersheds?.['吴中区']);
    const w = options.weights;
    expect(w.ecological).toBeGreaterThan(Math.max(w.place, w.money, w.timing, w.interest));
    expect(options.allowSplit).toBe(true);
    expect(options.today).toBe(TODAY);
  });

  it('return a fresh watershed table each time, so a caller cannot change the defaults', () => {
    const a = defaultMatchingOptions(TODAY);
    (a.watersheds as Record<string, string>)['吴中区'] = 'changed';
    expect(defaultMatchingOptions(TODAY).watersheds?.['吴中区']).toBe('太湖区');
  });
});

describe('ecological equivalence', () => {
  it('scores the same medium above a related medium', () => {
    const same = score(source({ damageMedia: ['surface_water'] }), project({ media: ['surface_water'] }));
    const related = score(source({ damageMedia: ['surface_water'] }), project({ media: ['wetland'] }));
    expect(same).toBeGreaterThan(related);
    expect(factor('ecological', source(), project({ media: ['wetland'] }))).toBe(mediaRelatedness('surface_water', 'wetland'));
  });

  it('uses the best related pair when either side lists several media', () => {
    const one = factor('ecological', source({ damageMedia: ['soil'] }), project({ media: ['surface_water'] }));
    const two = factor('ecological', source({ damageMedia: ['soil', 'wetland'] }), project({ media: ['surface_water'] }));
    expect(two).toBeGreaterThan(one);
  });

  it('makes a pair incompatible when no damaged medium relates to what the project restores', () => {
    const r = scorePair(source({ damageMedia: ['air'] }), project({ media: ['fishery'], method: 'fry_release' }), options);
    expect(r.compatible).toBe(false);
    expect(r.score).toBe(0);
    expect(r.incompatibility).toMatch(/no damaged medium relates/);
    expect(r.reasons).toHaveLength(FACTORS.length);
  });

  it('keeps the relatedness table symmetric', () => {
    expect(mediaRelatedness('forest', 'air')).toBe(mediaRelatedness('air', 'forest'));
    expect(mediaRelatedness('soil', 'groundwater')).toBeGreaterThan(0);
    expect(mediaRelatedness('air', 'fishery')).toBe(0);
  });

  it('infers the media of a project that lists none from its method', () => {
    const r = scorePair(source({ damageMedia: ['fishery'] }), project({ media: [], method: 'fry_release' }), options);
    expect(r.compatible).toBe(true);
    expect(r.reasons[0].value).toBe(1);
    expect(r.reasons[0].note).toMatch(/inferred/);
  });
});

describe('place', () => {
  const far = { lng: 121.1, lat: 31.6 };
  it('ranks same district > same watershed > same city > elsewhere when there are no points', () => {
    const s = source({ district: '吴中区' });
    const district = score(s, project({ district: '吴中区' }));
    const watershed = score(s, project({ district: '吴江区' }));
    const city = score(s, project({ district: '张家港市' }));
    const elsewhere = score(s, project({ district: '无锡市滨湖区' }));
    expect(district).toBeGreaterThan(watershed);
    expect(watershed).toBeGreaterThan(city);
    expect(city).toBeGreaterThan(elsewhere);
  });

  it('within a tier prefers the nearer project, measured with the haversine distance', () => {
    const s = source({ location: { lng: 120.3, lat: 31.1 } });
    const near = project({ location: { lng: 120.31, lat: 31.11 } });
    const farther = project({ location: { lng: 120.6, lat: 31.3 } });
    expect(score(s, near)).toBeGreaterThan(score(s, farther));
    const r = scorePair(s, farther, options).reasons.find((x) => x.factor === 'place');
    expect(r?.note).toContain(`${haversineKm(s.location!, farther.location!).toFixed(1)} km`);
  });

  it('never lets a closer project of a lower tier beat a project of a higher tier', () => {
    const s = source({ district: '吴中区', location: { lng: 120.6, lat: 31.25 } });
    const sameDistrictFar = project({ district: '吴中区', location: far });
    const otherShedNear = project({ district: '相城区', location: { lng: 120.601, lat: 31.251 } });
    expect(factor('place', s, sameDistrictFar)).toBeGreaterThan(factor('place', s, otherShedNear));
  });

  it('uses the watershed table from the options', () => {
    const s = source({ district: 'A区' });
    const p = project({ district: 'B区' });
    const without = factor('place', s, p, { ...options, watersheds: {} });
    const withTable = factor('place', s, p, { ...options, watersheds: { A区: '某流域', B区: '某流域' } });
    expect(withTable).toBeGreaterThan(without);
  });
});

describe('money fit', () => {
  it('scores money that fills more of the gap higher, and full cover at the maximum', () => {
    const p = project({ gapFen: 1_000_000 });
    const tenth = factor('money', source({ amountFen: 100_000 }), p);
    const half = factor('money', source({ amountFen: 500_000 }), p);
    const all = factor('money', source({ amountFen: 1_000_000 }), p);
    expect(half).toBeGreaterThan(tenth);
    expect(all).toBe(1);
    expect(factor('money', source({ amountFen: 3_000_000 }), p)).toBe(1);
  });

  it('discounts a non-splittable source much larger than the gap (the rest would stay idle)', () => {
    const p = project({ gapFen: 1_000_000 });
    const splittable = factor('money', source({ amountFen: 4_000_000 }), p);
    const whole = factor('money', source({ amountFen: 4_000_000, splittable: false }), p);
    expect(whole).toBeLessThan(splittable);
    expect(factor('money', source({ amountFen: 4_000_000 }), p, { ...options, allowSplit: false })).toBe(whole);
  });

  it('makes money below the minimum contribution incompatible', () => {
    const r = scorePair(source({ amountFen: 40_000 }), project({ minContributionFen: 50_000 }), options);
    expect(r.compatible).toBe(false);
    expect(r.incompatibility).toMatch(/minimum contribution/);
    expect(scorePair(source({ amountFen: 50_000 }), project({ minContributionFen: 50_000 }), options).compatible).toBe(true);
  });

  it('caps the minimum contribution at the gap: money that closes a small gap is welcome', () => {
    const r = scorePair(source({ amountFen: 30_000 }), project({ gapFen: 30_000, minContributionFen: 50_000 }), options);
    expect(r.compatible).toBe(true);
  });

  it('makes a project without a gap and a source without money incompatible', () => {
    expect(scorePair(source(), project({ gapFen: 0 }), options).compatible).toBe(false);
    expect(scorePair(source({ amountFen: 0 }), project(), options).compatible).toBe(false);
  });
});

describe('timing', () => {
  it('makes a project that ended before today incompatible', () => {
    const r = scorePair(source(), project({ startDate: '2025-01-01', endDate: '2026-02-28' }), options);
    expect(r.compatible).toBe(false);
    expect(r.incompatibility).toMatch(/ended/);
    expect(scorePair(source(), project({ endDate: TODAY }), options).compatible).toBe(true);
  });

  it('prefers a project running when the money is due over one starting later, and both over one ending first', () => {
    const s = source({ dueDate: '2026-06-01' });
    const running = factor('timing', s, project({ startDate: '2026-01-01', endDate: '2026-12-31' }));
    const later = factor('timing', s, project({ startDate: '2026-10-01', endDate: '2027-12-31' }));
    const muchLater = factor('timing', s, project({ startDate: '2027-10-01', endDate: '2028-12-31' }));
    const endsFirst = factor('timing', s, project({ startDate: '2026-01-01', endDate: '2026-04-30' }));
    expect(running).toBe(1);
    expect(later).toBeLessThan(running);
    expect(muchLater).toBeLessThan(later);
    expect(endsFirst).toBeLessThan(muchLater);
  });

  it('treats escrowed money (no due date) and overdue money as available today', () => {
    const p = project({ startDate: '2026-01-01', endDate: '2026-04-30' });
    expect(factor('timing', source({ dueDate: undefined }), p)).toBe(1);
    expect(factor('timing', source({ dueDate: '2025-01-01' }), p)).toBe(1);
  });
});

describe('interest', () => {
  it('boosts explicit interest, mutual most', () => {
    const none = score(source(), project());
    const fromCase = score(source({ interestedProjectIds: ['p-1'] }), project());
    const fromProject = score(source(), project({ interestedCaseIds: ['case-1'] }));
    const mutual = score(source({ interestedProjectIds: ['p-1'] }), project({ interestedCaseIds: ['case-1'] }));
    expect(fromCase).toBeGreaterThan(none);
    expect(fromProject).toBe(fromCase);
    expect(mutual).toBeGreaterThan(fromCase);
  });

  it('ignores interest in other projects or cases', () => {
    expect(score(source({ interestedProjectIds: ['p-9'] }), project({ interestedCaseIds: ['case-9'] }))).toBe(score());
  });
});

describe('reasons and the score', () => {
  it('explains every factor, in order, with normalised weights and a bilingual note', () => {
    const r = scorePair(source({ location: { lng: 120.3, lat: 31.1 } }), project({ location: { lng: 120.4, lat: 31.2 } }), options);
    expect(r.reasons.map((x) => x.factor)).toEqual(FACTORS);
    expect(r.reasons.reduce((a, x) => a + x.weight, 0)).toBeCloseTo(1, 12);
    for (const x of r.reasons) {
      expect(x.value).toBeGreaterThanOrEqual(0);
      expect(x.value).toBeLessThanOrEqual(1);
      expect(x.note).toMatch(/[\u4e00-\u9fff].* \/ [a-z]/);
    }
    const recomputed = r.reasons.reduce((a, x) => a + x.weight * x.value * 100, 0);
    expect(Math.abs(recomputed - r.score)).toBeLessThan(0.02);
    expect(r.sourceKey).toBe('case-1:ob-1');
    expect(Math.round(r.score * 100)).toBe(r.score * 100);
  });

  it('moves with the weights: a zero weight removes a factor, other weights rescale', () => {
    const s = source({ interestedProjectIds: ['p-1'] });
    const p = project({ district: '常熟市' });
    const noInterest = { ...options, weights: { ...options.weights, interest: 0 } };
    expect(scorePair(s, p, noInterest).reasons.find((x) => x.factor === 'interest')?.weight).toBe(0);
    const plain = source();
    expect(scorePair(plain, p, noInterest).score).toBeGreaterThan(scorePair(plain, p, options).score);
    const placeHeavy = { ...options, weights: { ...options.weights, place: 200 } };
    expect(scorePair(s, p, placeHeavy).score).toBeLessThan(scorePair(s, p, options).score);
  });

  it('is deterministic and leaves its inputs untouched', () => {
    const s = source({ interestedProjectIds: ['p-1'], location: { lng: 120.3, lat: 31.1 } });
    const p = project({ location: { lng: 120.4, lat: 31.2 } });
    const before = JSON.stringify([s, p]);
    expect(scorePair(s, p, options)).toEqual(scorePair(s, p, options));
    expect(JSON.stringify([s, p])).toBe(before);
  });

  it('rejects malformed data with a message naming the field', () => {
    expect(() => scorePair(source({ amountFen: 1.5 }), project(), options)).toThrow(/amountFen of case-1:ob-1/);
    expect(() => scorePair(source({ dueDate: '2026-02-30' }), project(), options)).toThrow(/dueDate.*case-1:ob-1/);
    expect(() => scorePair(source(), project({ endDate: '26-1-1' }), options)).toThrow(/endDate.*project p-1/);
    expect(() => scorePair(source(), project(), { ...options, today: 'today' })).toThrow(/today/);
    expect(() => scorePair(source(), project(), { ...options, weights: { ...options.weights, place: -1 } })).toThrow(/weights.place/);
  });
});

describe('scoring a row of projects at once (the plan’s fast path)', () => {
  it('gives exactly the pair-by-pair scores, keeps exactly the pairs reaching minScore, and counts compatible pairs', () => {
    fc.assert(
      fc.property(
        instanceArb({ maxAmount: 5_000_000, maxGap: 8_000_000, withMinContribution: true, withSplitFlags: true, sources: [1, 6], projects: [1, 12] }),
        fc.integer({ min: 0, max: 90 }),
        fc.boolean(),
        ({ sources, projects }, minScore, allowSplit) => {
          const ctx = createScoringContext({ ...options, minScore, allowSplit });
          const pp = projects.map((p) => prepareProject(p, ctx));
          const table = projectTable(pp);
          const idx = new Int32Array(pp.length);
          const cost = new Int32Array(pp.length);
          const counts: RowCounts = { kept: 0, compatible: 0 };
          for (const raw of sources) {
            const s = prepareSource(raw, ctx);
            for (const include of [false, true]) {
              scoreRow(s, table, ctx, include, idx, cost, counts);
              const got = new Map<number, number>();
              for (let q = 0; q < counts.kept; q++) got.set(idx[q], cost[q]);
              const want = new Map<number, number>();
              let compatible = 0;
              pp.forEach((p, j) => {
                const c = scoreCost(s, p, ctx, false);
                if (c < 0) return;
                compatible++;
                if (include || c >= ctx.minCost) want.set(j, c);
              });
              expect(got).toEqual(want);
              expect(counts.compatible).toBe(compatible);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
