import { ManualClock } from '../../src/clock';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { newBase, projectBody } from './support';

/**
 * The contract makes a project's dates and acceptance criteria optional: real bases publish
 * projects whose dates are not fixed yet. Publishing does not need them; starting needs the dates;
 * a project still seeking money past its end date is marked expired.
 */

const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
let svc: TestService;
let manager: Caller;
let baseId: string;

beforeAll(async () => {
  svc = await startTestService({ clock });
  baseId = await newBase(as(svc.app, TEST_ADMIN_TOKEN));
  manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [baseId] })).token);
});
afterAll(async () => {
  await svc.stop();
});

describe('project dates', () => {
  it('publishes a project without dates or acceptance criteria', async () => {
    const { startDate: _s, endDate: _e, acceptanceCriteria: _a, ...undated } = projectBody({ name: '日期未定的补植项目' }) as Record<string, unknown>;
    void [_s, _e, _a];
    const draft = await manager.post(`/bases/${baseId}/projects`, undated).expect(201);
    const published = await manager.post(`/projects/${draft.body.id}/publish`, {}).expect(200);
    expect(published.body).toMatchObject({ status: 'published', startDate: null, endDate: null, acceptanceCriteria: null, expired: false });
  });

  it('marks a published project past its end date as expired, and not before', async () => {
    const draft = await manager.post(`/bases/${baseId}/projects`, projectBody({ name: '即将到期的项目', startDate: '2026-01-01', endDate: '2026-03-31' })).expect(201);
    await manager.post(`/projects/${draft.body.id}/publish`, {}).expect(200);
    clock.set('2026-03-31T15:00:00Z'); // 23:00 on 31 March in Beijing: its last day
    expect((await manager.get(`/projects/${draft.body.id}`).expect(200)).body.expired).toBe(false);
    clock.set('2026-03-31T16:30:00Z'); // 00:30 on 1 April in Beijing
    expect((await manager.get(`/projects/${draft.body.id}`).expect(200)).body.expired).toBe(true);
    const listed = (await manager.get('/projects?status=published&limit=100').expect(200)).body.items.find((p: { id: string }) => p.id === draft.body.id);
    expect(listed.expired).toBe(true);
    // A new end date brings it back.
    const extended = await manager.patch(`/projects/${draft.body.id}`, { endDate: '2026-12-31' }).expect(200);
    expect(extended.body.expired).toBe(false);
    clock.set('2026-03-02T02:00:00Z');
  });
});
