import { ManualClock } from '../../src/clock';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { caseWithObligations, newBase, projectBody, publishedProject } from './support';

/**
 * Who may do what with bases, projects, allocations and the escrow ledger. Deny paths first: a
 * foreign object is a 404 exactly like a missing one; a role that may never do a thing gets 403.
 */

let svc: TestService;
let admin: Caller;
let handler: Caller;
let otherHandler: Caller;
let reviewer: Caller;
let viewer: Caller;
let manager: Caller;
let otherManager: Caller;
let procuratorate: Caller;
let baseId: string;
let otherBaseId: string;
let projectId: string;
let draftId: string;
let caseId: string;
let allocationId: string;

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date('2026-01-15T02:00:00Z')) });
  admin = as(svc.app, TEST_ADMIN_TOKEN);
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  otherHandler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['昆山市'] })).token);
  reviewer = as(svc.app, (await newClient(svc.app, 'reviewer', { districts: ['吴中区'] })).token);
  viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['吴中区'] })).token);
  procuratorate = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: ['吴中区'] })).token);
  baseId = await newBase(admin);
  otherBaseId = await newBase(admin, { name: '阳澄湖生态修复基地', district: '相城区' });
  manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [baseId] })).token);
  otherManager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [otherBaseId] })).token);
  projectId = await publishedProject(manager, baseId, { budgetFen: 500_000 });
  draftId = (await manager.post(`/bases/${baseId}/projects`, projectBody({ name: '草稿项目' })).expect(201)).body.id;
  caseId = (await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 300_000 }], [{ obligationId: 'O1', amountFen: 300_000 }])).id;
  allocationId = (await handler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 200_000 }).expect(201)).body.id;
});
afterAll(async () => {
  await svc.stop();
});

describe('when a base manager reaches for another base', () => {
  it('then its bases, projects and allocations answer 404', async () => {
    await otherManager.post(`/bases/${baseId}/projects`, projectBody()).expect(404);
    await otherManager.patch(`/projects/${projectId}`, { name: '改名' }).expect(404);
    for (const action of ['publish', 'start', 'complete', 'accept', 'close']) await otherManager.post(`/projects/${projectId}/${action}`, {}).expect(404);
    await otherManager.get(`/projects/${draftId}`).expect(404);
    await otherManager.get(`/projects/${projectId}/case-suggestions`).expect(404);
    await otherManager.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 100_000 }).expect(404);
    await otherManager.post(`/allocations/${allocationId}/accept`).expect(404);
    await otherManager.post(`/allocations/${allocationId}/decline`, {}).expect(404);
    await otherManager.get(`/allocations/${allocationId}`).expect(404);
    expect((await otherManager.get('/allocations').expect(200)).body.items).toEqual([]);
  });

  it('then a base that does not exist answers the same 404', async () => {
    await manager.post('/bases/base_doesNotExist/projects', projectBody()).expect(404);
  });

  it('then published projects of any base are still readable, drafts are not', async () => {
    expect((await otherManager.get(`/projects/${projectId}`).expect(200)).body.status).toBe('published');
    const listed = (await handler.get('/projects?limit=200').expect(200)).body.items.map((p: { id: string }) => p.id);
    expect(listed).toContain(projectId);
    expect(listed).not.toContain(draftId);
    expect((await manager.get('/projects?status=draft').expect(200)).body.items.map((p: { id: string }) => p.id)).toContain(draftId);
    expect((await handler.get('/projects?status=draft').expect(200)).body.items).toEqual([]);
    await handler.get(`/projects/${draftId}`).expect(404);
    expect((await admin.get(`/projects/${draftId}`).expect(200)).body.status).toBe('draft');
  });
});

describe('when a handler reaches for a case outside its districts', () => {
  it('then the case, its suggestions, allocations and releases answer 404', async () => {
    await otherHandler.get(`/cases/${caseId}/project-suggestions`).expect(404);
    await otherHandler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 100_000 }).expect(404);
    await otherHandler.post(`/allocations/${allocationId}/accept`).expect(404);
    await otherHandler.post(`/allocations/${allocationId}/decline`, {}).expect(404);
    await otherHandler.post(`/allocations/${allocationId}/releases`, { amountFen: 1, milestone: 'x', releasedAt: '2026-02-01' }).expect(404);
    await otherHandler.get(`/allocations/${allocationId}`).expect(404);
    expect((await otherHandler.get(`/allocations?caseId=${caseId}`).expect(200)).body.items).toEqual([]);
    expect((await otherHandler.get('/escrow').expect(200)).body.items).toEqual([]);
    await otherHandler.get('/escrow?district=吴中区').expect(403);
    await otherHandler.post('/matching/plan', { districts: ['吴中区'] }).expect(403);
    const plan = (await otherHandler.post('/matching/plan', {}).expect(200)).body;
    expect(plan.allocations).toEqual([]);
    const suggestions = (await otherHandler.get(`/projects/${projectId}/case-suggestions`).expect(200)).body;
    expect(suggestions.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
  });
});

describe('when a role may never do a thing', () => {
  it('then it is a 403', async () => {
    await handler.post('/bases', { name: 'x', district: '吴中区' }).expect(403);
    await manager.post('/bases', { name: 'x', district: '吴中区' }).expect(403);
    await handler.post(`/bases/${baseId}/projects`, projectBody()).expect(403);
    await admin.post(`/projects/${projectId}/start`, {}).expect(403);
    await handler.patch(`/projects/${projectId}`, { name: 'x' }).expect(403);
    await viewer.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 100_000 }).expect(403);
    await reviewer.post(`/allocations/${allocationId}/accept`).expect(403);
    await manager.post(`/allocations/${allocationId}/releases`, { amountFen: 1, milestone: 'x', releasedAt: '2026-02-01' }).expect(403);
    await manager.get('/escrow').expect(403);
    await procuratorate.get('/escrow').expect(403);
    await manager.get(`/cases/${caseId}/project-suggestions`).expect(403);
    await manager.post('/matching/plan', {}).expect(403);
    await viewer.get(`/projects/${projectId}/case-suggestions`).expect(403);
  });

  it('then without a token it is a 401', async () => {
    const anonymous = as(svc.app, 'not-a-valid-token-at-all-0000');
    await anonymous.get('/projects').expect(401);
    await anonymous.get('/escrow').expect(401);
  });
});

describe('when a body carries what the server owns', () => {
  it('then it is a 400 naming the field', async () => {
    const patched = await manager.patch(`/projects/${projectId}`, { fundedFen: 1 }).expect(400);
    expect(patched.body.error.code).toBe('invalid_request');
    await manager.patch(`/projects/${draftId}`, { status: 'funded' }).expect(400);
    await manager.patch(`/projects/${draftId}`, { gapFen: 0 }).expect(400);
    await manager.patch(`/projects/${draftId}`, {}).expect(400);
    await manager.post(`/bases/${baseId}/projects`, { ...projectBody(), version: 7 }).expect(400);
    await manager.post(`/bases/${baseId}/projects`, { ...projectBody(), method: 'magic' }).expect(400);
    await handler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 100_000, status: 'confirmed' }).expect(400);
    await handler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: -5 }).expect(400);
    await handler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 1.5 }).expect(400);
    await handler.post(`/allocations/${allocationId}/releases`, { amountFen: 1, milestone: 'x', releasedAt: '2026-02-01', by: 'me' }).expect(400);
    await handler.get('/projects?status[$ne]=draft').expect(400);
    await handler.get('/escrow?flagged=maybe').expect(400);
    await admin.post('/bases', { name: 'x', district: '$where' }).expect(400);
  });
});

describe('when an allocation does not fit', () => {
  it('then the proposal is refused with a stable code', async () => {
    const tooMuch = await handler.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 300_001 }).expect(422);
    expect(tooMuch.body.error.code).toBe('exceeds_unallocated');
    const small = await publishedProject(manager, baseId, { budgetFen: 100_000, minContributionFen: 50_000, name: '小项目' });
    expect((await handler.post('/allocations', { caseId, obligationId: 'O1', projectId: small, amountFen: 100_001 }).expect(422)).body.error.code).toBe('exceeds_gap');
    expect((await handler.post('/allocations', { caseId, obligationId: 'O1', projectId: small, amountFen: 10_000 }).expect(422)).body.error.code).toBe('below_min_contribution');
    await handler.post('/allocations', { caseId, obligationId: 'O1', projectId: draftId, amountFen: 10_000 }).expect(404);
    await handler.post('/allocations', { caseId, obligationId: 'O9', projectId, amountFen: 10_000 }).expect(404);
    const picky = await publishedProject(manager, baseId, { budgetFen: 100_000, acceptedDamageTypes: ['air'], name: '大气项目' });
    expect((await handler.post('/allocations', { caseId, obligationId: 'O1', projectId: picky, amountFen: 10_000 }).expect(422)).body.error.code).toBe('damage_type_not_accepted');
  });

  it('then a payment obligation cannot be allocated at all', async () => {
    const paying = (await caseWithObligations(handler, [{ kind: 'payment', amountFen: 100_000 }])).id;
    expect((await handler.post('/allocations', { caseId: paying, obligationId: 'O1', projectId, amountFen: 10_000 }).expect(422)).body.error.code).toBe('obligation_not_allocatable');
    expect((await handler.get(`/cases/${paying}/project-suggestions`).expect(200)).body.items).toEqual([]);
  });
});

describe('when either side declines', () => {
  it('then the allocation is declined for good and moves no money', async () => {
    const id = (await manager.post('/allocations', { caseId, obligationId: 'O1', projectId, amountFen: 100_000 }).expect(201)).body.id;
    await handler.post(`/allocations/${id}/accept`).expect(200);
    const declined = await manager.post(`/allocations/${id}/decline`, { reason: '项目已另有安排' }).expect(200);
    expect(declined.body).toMatchObject({ status: 'declined', declinedBy: { role: 'baseManager', reason: '项目已另有安排' } });
    expect((await handler.post(`/allocations/${id}/accept`).expect(422)).body.error.code).toBe('allocation_declined');
    await handler.post(`/allocations/${id}/releases`, { amountFen: 1, milestone: 'x', releasedAt: '2026-02-01' }).expect(422);
    expect((await manager.get(`/projects/${projectId}`).expect(200)).body).toMatchObject({ fundedFen: 0, gapFen: 500_000 });
  });

  it('then a confirmed allocation cannot be declined', async () => {
    await handler.post(`/allocations/${allocationId}/accept`).expect(200);
    expect((await manager.post(`/allocations/${allocationId}/accept`).expect(200)).body.status).toBe('confirmed');
    expect((await handler.post(`/allocations/${allocationId}/decline`, {}).expect(422)).body.error.code).toBe('allocation_confirmed');
    // Accepting again is harmless.
    expect((await manager.post(`/allocations/${allocationId}/accept`).expect(200)).body.status).toBe('confirmed');
  });
});

describe('when a project holds money', () => {
  it('then it can no longer be edited or closed before acceptance', async () => {
    const p = (await manager.get(`/projects/${projectId}`).expect(200)).body;
    expect(p.status).toBe('funding');
    const edit = await manager.patch(`/projects/${projectId}`, { budgetFen: 900_000 }).expect(422);
    expect(edit.body.error).toMatchObject({ code: 'guard_failed', details: { state: 'funding' } });
    expect(edit.body.error.details.reason).toContain('资金落实后只能补充开始日期、结束日期、验收标准和公益效益（不能修改：项目预算）');
    // The dates and the acceptance criteria may still be completed.
    await manager.patch(`/projects/${projectId}`, { acceptanceCriteria: '成活率≥85%' }).expect(200);
    await manager.post(`/projects/${projectId}/close`, {}).expect(422);
    const early = await manager.post(`/projects/${projectId}/start`, {}).expect(422);
    expect(early.body.error.code).toBe('event_not_allowed');
  });

  it('then a repeated Idempotency-Key creates the project once', async () => {
    const first = await manager.post(`/bases/${baseId}/projects`, projectBody({ name: '幂等项目' })).set('Idempotency-Key', 'proj-1').expect(201);
    const again = await manager.post(`/bases/${baseId}/projects`, projectBody({ name: '幂等项目' })).set('Idempotency-Key', 'proj-1').expect(201);
    expect(again.body.id).toBe(first.body.id);
    await manager.post(`/bases/${baseId}/projects`, projectBody({ name: '另一个' })).set('Idempotency-Key', 'proj-1').expect(409);
  });

  it('then an outdated If-Match is a 409 naming the current version', async () => {
    const p = (await manager.get(`/projects/${draftId}`).expect(200)).body;
    const res = await manager.patch(`/projects/${draftId}`, { name: '新名称' }).set('If-Match', String(p.version - 1)).expect(409);
    expect(res.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: p.version } });
    const ok = await manager.patch(`/projects/${draftId}`, { name: '新名称', town: null }).set('If-Match', String(p.version)).expect(200);
    expect(ok.body).toMatchObject({ name: '新名称', town: null, version: p.version + 1 });
  });
});

describe('the OpenAPI document', () => {
  it('describes every restoration route, generated from the same schemas', async () => {
    const doc = (await as(svc.app, 'unused-token-0000000000').get('/openapi.json').expect(200)).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    for (const op of [
      'POST /bases', 'GET /bases', 'POST /bases/{baseId}/projects', 'PATCH /projects/{id}', 'POST /projects/{id}/publish',
      'POST /projects/{id}/start', 'POST /projects/{id}/complete', 'POST /projects/{id}/accept', 'POST /projects/{id}/close',
      'GET /projects/{id}', 'GET /projects', 'GET /cases/{id}/project-suggestions', 'GET /projects/{id}/case-suggestions',
      'POST /matching/plan', 'POST /allocations', 'GET /allocations', 'GET /allocations/{id}', 'POST /allocations/{id}/accept',
      'POST /allocations/{id}/decline', 'POST /allocations/{id}/releases', 'GET /escrow',
    ]) expect(ops).toContain(op);
    const propose = doc.paths['/allocations'].post;
    expect(propose.requestBody.content['application/json'].schema).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['caseId', 'obligationId', 'projectId', 'amountFen']) });
  });
});
