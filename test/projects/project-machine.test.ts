import {
  acceptedProjectEvents,
  advanceProject,
  createProjectMachine,
  projectStateLabels,
  resolveProject,
  type ProjectContext,
  type ProjectEvent,
  type ProjectState,
} from '../../workflows/project-machine';

/** The project lifecycle machine on its own: pure, no database. */

const machine = createProjectMachine();
const actor = { clientId: 'm1', role: 'baseManager' as const };
const at = '2026-02-01T00:00:00.000Z';

const ready: ProjectContext = {
  name: '金庭镇湿地修复',
  method: 'wetland_restoration',
  media: ['wetland'],
  district: '吴中区',
  budgetFen: 1_000,
  fundedFen: 0,
  gapFen: 1_000,
  minContributionFen: 0,
  startDate: '2026-02-01',
  endDate: '2026-12-31',
  acceptanceCriteria: '植被覆盖率≥80%',
};

const ev = <T extends ProjectEvent['type']>(type: T, payload: Extract<ProjectEvent, { type: T }>['payload']) => ({ type, payload, at, actor }) as ProjectEvent;
const funds = (fundedFen: number, budget = 1_000) => ev('FUNDS_CHANGED', { fundedFen, gapFen: budget - fundedFen });

function run(state: ProjectState, context: ProjectContext, event: ProjectEvent) {
  return advanceProject(machine, state, context, event);
}

describe('the project lifecycle', () => {
  it('labels every state in Chinese and English', () => {
    const labels = projectStateLabels(machine);
    expect(Object.keys(labels)).toEqual(['draft', 'published', 'funding', 'funded', 'in_progress', 'completed', 'accepted', 'closed']);
    expect(labels.funding).toEqual({ zh: '筹资中', en: 'Funding' });
  });

  it('refuses publication without the required fields, naming them in Chinese', () => {
    const res = run('draft', { ...ready, media: [], budgetFen: 0 }, ev('PUBLISHED', {}));
    expect(res).toMatchObject({ ok: false, code: 'guard_failed' });
    if (!res.ok && res.code === 'guard_failed') expect(res.reason).toContain('须先填写：修复的环境要素、项目预算');
    expect(run('draft', ready, ev('PUBLISHED', {}))).toMatchObject({ ok: true, to: 'published' });
    expect(run('draft', { ...ready, endDate: '2026-01-01' }, ev('PUBLISHED', {}))).toMatchObject({ ok: false, code: 'guard_failed' });
  });

  it('follows the confirmed money: some → funding, gap 0 → funded, none → back to published', () => {
    expect(run('published', ready, funds(400))).toMatchObject({ ok: true, to: 'funding', changed: true, context: { fundedFen: 400, gapFen: 600 } });
    expect(run('published', ready, funds(1_000))).toMatchObject({ ok: true, to: 'funded' });
    const funding = { ...ready, fundedFen: 400, gapFen: 600 };
    expect(run('funding', funding, funds(700))).toMatchObject({ ok: true, to: 'funding' });
    expect(run('funding', funding, funds(1_000))).toMatchObject({ ok: true, to: 'funded' });
    expect(run('funded', { ...ready, fundedFen: 1_000, gapFen: 0 }, funds(400))).toMatchObject({ ok: true, to: 'funding' });
    expect(run('funding', funding, funds(0))).toMatchObject({ ok: true, to: 'published' });
    // Amounts that do not add up to the budget are refused.
    expect(run('funding', funding, ev('FUNDS_CHANGED', { fundedFen: 500, gapFen: 600 }))).toMatchObject({ ok: false, code: 'guard_failed' });
    // Money does not move a project that has started.
    expect(run('in_progress', { ...ready, fundedFen: 1_000, gapFen: 0 }, funds(400))).toMatchObject({ ok: false, code: 'event_not_allowed' });
  });

  it('starts only funded, then completes, is accepted and closes', () => {
    const full = { ...ready, fundedFen: 1_000, gapFen: 0 };
    expect(run('funding', { ...ready, fundedFen: 400, gapFen: 600 }, ev('STARTED', {}))).toMatchObject({ ok: false, code: 'event_not_allowed' });
    expect(run('funded', full, ev('STARTED', {}))).toMatchObject({ ok: true, to: 'in_progress' });
    expect(run('in_progress', full, ev('COMPLETED', { reportRef: '竣工报告' }))).toMatchObject({ ok: true, to: 'completed' });
    expect(run('completed', full, ev('ACCEPTED', {}))).toMatchObject({ ok: true, to: 'accepted' });
    expect(run('accepted', full, ev('CLOSED', {}))).toMatchObject({ ok: true, to: 'closed' });
    expect(acceptedProjectEvents(resolveProject(machine, 'closed', full))).toEqual([]);
  });

  it('closes a draft or an unfunded published project, never one holding money before acceptance', () => {
    expect(run('draft', ready, ev('CLOSED', {}))).toMatchObject({ ok: true, to: 'closed' });
    expect(run('published', ready, ev('CLOSED', {}))).toMatchObject({ ok: true, to: 'closed' });
    expect(run('published', { ...ready, fundedFen: 10, gapFen: 990 }, ev('CLOSED', {}))).toMatchObject({ ok: false, code: 'guard_failed' });
    expect(run('funding', { ...ready, fundedFen: 10, gapFen: 990 }, ev('CLOSED', {}))).toMatchObject({ ok: false, code: 'event_not_allowed' });
  });

  it('publishes without dates or acceptance criteria, which are required before start and acceptance', () => {
    const { startDate: _s, endDate: _e, acceptanceCriteria: _a, ...undated } = ready;
    void [_s, _e, _a];
    expect(run('draft', undated, ev('PUBLISHED', {}))).toMatchObject({ ok: true, to: 'published' });
    const funded = { ...undated, fundedFen: 1_000, gapFen: 0 };
    const start = run('funded', funded, ev('STARTED', {}));
    expect(start).toMatchObject({ ok: false, code: 'guard_failed' });
    if (!start.ok && start.code === 'guard_failed') expect(start.reason).toContain('须先填写：开始日期、结束日期');
    const dated = { ...funded, startDate: '2026-03-01', endDate: '2026-12-31' };
    expect(run('funded', funded, ev('UPDATED', { fields: dated, changed: ['startDate', 'endDate'] }))).toMatchObject({ ok: true, to: 'funded' });
    expect(run('funded', dated, ev('STARTED', {}))).toMatchObject({ ok: true, to: 'in_progress' });
    const accept = run('completed', dated, ev('ACCEPTED', {}));
    if (!accept.ok && accept.code === 'guard_failed') expect(accept.reason).toContain('须先填写：验收标准');
    else throw new Error('acceptance without criteria was not refused');
    expect(run('completed', { ...dated, acceptanceCriteria: '成活率≥85%' }, ev('ACCEPTED', {}))).toMatchObject({ ok: true, to: 'accepted' });
  });

  it('edits only a draft or published project, within its field rules', () => {
    const fields = { ...ready, budgetFen: 2_000 };
    expect(run('draft', ready, ev('UPDATED', { fields, changed: ['budgetFen'] }))).toMatchObject({ ok: true, to: 'draft', changed: true, context: { budgetFen: 2_000 } });
    expect(run('published', ready, ev('UPDATED', { fields: { ...ready, minContributionFen: 5_000 }, changed: ['minContributionFen'] }))).toMatchObject({ ok: false, code: 'guard_failed' });
    // Once money is committed only the dates, criteria and public benefit may still change.
    expect(run('funding', { ...ready, fundedFen: 10, gapFen: 990 }, ev('UPDATED', { fields, changed: ['budgetFen'] }))).toMatchObject({ ok: false, code: 'guard_failed' });
    expect(run('accepted', ready, ev('UPDATED', { fields: ready, changed: ['acceptanceCriteria'] }))).toMatchObject({ ok: false, code: 'event_not_allowed' });
  });
});
