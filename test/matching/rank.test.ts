import fc from 'fast-check';
import { rankProjectsForSource, rankProjectsForSources, rankSourcesForProject } from '../../src/matching/rank';
import { FACTORS, scorePair } from '../../src/matching/score';
import { defaultMatchingOptions, type MatchingOptions } from '../../src/matching/types';
import { TODAY, instanceArb, project, source } from './support/fixtures';

const options: MatchingOptions = { ...defaultMatchingOptions(TODAY), minScore: 0 };

describe('projects for a case', () => {
  const projects = [
    project({ projectId: 'near', district: '吴中区' }),
    project({ projectId: 'shed', district: '吴江区' }),
    project({ projectId: 'city', district: '常熟市' }),
    project({ projectId: 'unrelated', media: ['air'], method: 'clean_production' }),
    project({ projectId: 'ended', endDate: '2025-12-31' }),
  ];

  it('lists compatible projects best first, with the reasons of every factor, and leaves out incompatible ones', () => {
    const items = rankProjectsForSource(source(), projects, options);
    expect(items.map((x) => x.projectId)).toEqual(['near', 'shed', 'city']);
    for (const item of items) {
      expect(item.reasons.map((r) => r.factor)).toEqual(FACTORS);
      expect(item.score).toBe(scorePair(source(), projects.find((p) => p.projectId === item.projectId)!, options).score);
    }
  });

  it('takes all of a case’s obligations and names, per project, the one whose money fits best', () => {
    const small = source({ obligationId: 'small', amountFen: 100_000 });
    const large = source({ obligationId: 'large', amountFen: 4_000_000 });
    const items = rankProjectsForSources([small, large], [project({ projectId: 'p', gapFen: 4_000_000 })], options);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ projectId: 'p', caseId: 'case-1', obligationId: 'large', amountFen: 4_000_000 });
    expect(rankProjectsForSource(small, [project({ projectId: 'p' })], options)[0].obligationId).toBe('small');
  });

  it('breaks ties deterministically: the larger gap first, then the project id', () => {
    const twins = [
      project({ projectId: 'b', gapFen: 1_000_000 }),
      project({ projectId: 'a', gapFen: 1_000_000 }),
      project({ projectId: 'c', gapFen: 1_000_000 }),
    ];
    const s = source({ amountFen: 2_000_000 });
    expect(rankProjectsForSource(s, twins, options).map((x) => x.projectId)).toEqual(['a', 'b', 'c']);
    expect(rankProjectsForSource(s, [...twins].reverse(), options).map((x) => x.projectId)).toEqual(['a', 'b', 'c']);
    // Money covering both gaps fully scores them the same: the larger gap comes first.
    const covered = rankProjectsForSource(s, [...twins, project({ projectId: 'z', gapFen: 1_500_000 })], options);
    expect(covered.map((x) => x.projectId)).toEqual(['z', 'a', 'b', 'c']);
    expect(covered[0].score).toBe(covered[1].score);
  });

  it('honours minScore unless asked for everything, and a limit', () => {
    const all = rankProjectsForSource(source(), projects, options);
    const cut = all[1].score;
    const strict = rankProjectsForSource(source(), projects, { ...options, minScore: cut });
    expect(strict.map((x) => x.projectId)).toEqual(all.slice(0, 2).map((x) => x.projectId));
    expect(rankProjectsForSource(source(), projects, { ...options, minScore: cut }, { includeBelowMinScore: true })).toHaveLength(3);
    expect(rankProjectsForSource(source(), projects, options, { limit: 1 }).map((x) => x.projectId)).toEqual(['near']);
    expect(() => rankProjectsForSource(source(), projects, options, { limit: -1 })).toThrow(/limit/);
  });

  it('returns nothing for a case without unallocated money', () => {
    expect(rankProjectsForSources([], projects, options)).toEqual([]);
    expect(rankProjectsForSource(source({ amountFen: 0 }), projects, options)).toEqual([]);
  });
});

describe('cases for a project', () => {
  it('lists compatible money best first with amounts and reasons; ties by amount, then case and obligation id', () => {
    const p = project({ gapFen: 10_000_000 });
    const sources = [
      source({ caseId: 'far', district: '常熟市' }),
      source({ caseId: 'b', amountFen: 2_000_000 }),
      source({ caseId: 'a', amountFen: 2_000_000 }),
      source({ caseId: 'a', obligationId: 'ob-0', amountFen: 2_000_000 }),
      source({ caseId: 'air', damageMedia: ['air'] }),
    ];
    const items = rankSourcesForProject(p, sources, options);
    expect(items.map((x) => `${x.caseId}:${x.obligationId}`)).toEqual(['a:ob-0', 'a:ob-1', 'b:ob-1', 'far:ob-1']);
    expect(items[0].amountFen).toBe(2_000_000);
    expect(items[0].reasons).toHaveLength(FACTORS.length);
    expect(items[3].score).toBeLessThan(items[2].score);
  });

  it('returns nothing for a project without a gap or already ended', () => {
    expect(rankSourcesForProject(project({ gapFen: 0 }), [source()], options)).toEqual([]);
    expect(rankSourcesForProject(project({ endDate: '2025-01-01' }), [source()], options)).toEqual([]);
  });

  it('agrees with pair scoring both ways on random instances', () => {
    fc.assert(
      fc.property(
        instanceArb({ maxAmount: 3_000_000, maxGap: 6_000_000, withMinContribution: true, sources: [1, 10], projects: [1, 8] }),
        fc.integer({ min: 0, max: 80 }),
        ({ sources, projects }, minScore) => {
          const o = { ...options, minScore };
          for (const p of projects) {
            const items = rankSourcesForProject(p, sources, o);
            const want = sources
              .map((s) => ({ s, r: scorePair(s, p, o) }))
              .filter((x) => x.r.compatible && x.r.score >= minScore);
            expect(items.map((x) => `${x.caseId}:${x.obligationId}`).sort()).toEqual(want.map((x) => x.r.sourceKey).sort());
            for (let k = 1; k < items.length; k++) expect(items[k - 1].score).toBeGreaterThanOrEqual(items[k].score);
          }
          for (const s of sources) {
            const items = rankProjectsForSource(s, projects, o);
            const want = projects.map((p) => scorePair(s, p, o)).filter((r) => r.compatible && r.score >= minScore);
            expect(items.map((x) => x.projectId).sort()).toEqual(want.map((r) => r.projectId).sort());
            for (const item of items) expect(item.score).toBe(want.find((r) => r.projectId === item.projectId)?.score);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
