import { ManualClock } from '../../src/clock';
import { permissions, type Action } from '../../src/auth/permissions';
import { roleMaySend, type CaseEventType } from '../../workflows/case-events';
import type { Role } from '../../workflows/vocabulary';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, leadBody, newClient, send, type Caller } from '../support/api';
import { caseWithObligations, newBase, projectBody, publishedProject } from '../projects/support';
import { API, HttpClient, type Reply } from './support/http';

/**
 * The authorization matrix: every endpoint × every role × the caller's own object, a foreign one
 * (another district, another base) and, where cases are concerned, one the procuratorate may not
 * see (same district, never notified or handed to it). The expected answer of each cell is not
 * written here: it is computed from the service's own permission table (src/auth/permissions.ts,
 * `permissions[action].roles` and `.scope`) and, for case events, from the workflow's role table
 * (`roleMaySend`), so that the test and the code cannot drift apart silently:
 *
 *   role not in the table's roles                       → 403 forbidden
 *   allowed, own object                                 → the endpoint's normal answer
 *   allowed, foreign object named by id (path or body)  → 404 not_found, like a missing one
 *   allowed, foreign district named in the request      → 403 forbidden
 *   allowed, a list                                     → 200, without the foreign object
 *
 * What is foreign follows the table's `scope`: none — nothing; district/case/allocation — outside
 * the caller's districts (admins see all), and for the procuratorate also a case not visible to
 * it; base/project — another base's, for base managers only. Every route the service describes in
 * its OpenAPI registry must have a row, so a new endpoint without one fails the test. Revoked,
 * missing and malformed tokens are refused on every endpoint, at once.
 */

const A = '吴中区';
const B = '昆山市';
const roles: Role[] = ['admin', 'handler', 'reviewer', 'viewer', 'procuratorate', 'baseManager'];
type Variant = 'own' | 'foreign' | 'hidden';

const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
let svc: TestService;
let http: HttpClient;
const tokens = {} as Record<Role, string>;
let admin: Caller;
let handlerA: Caller;
let managerA: Caller;
const o: Record<string, string> = {};

beforeAll(async () => {
  svc = await startTestService({ clock, listen: true });
  http = new HttpClient('127.0.0.1', svc.port!, 8);
  admin = as(svc.app, TEST_ADMIN_TOKEN);
  tokens.admin = TEST_ADMIN_TOKEN;
  for (const role of ['handler', 'reviewer', 'viewer', 'procuratorate'] as const) tokens[role] = (await newClient(svc.app, role, { districts: [A] })).token;
  handlerA = as(svc.app, tokens.handler);
  const handlerB = as(svc.app, (await newClient(svc.app, 'handler', { districts: [B] })).token);
  o.baseA = await newBase(admin, { name: '太湖生态岛示范基地', district: A });
  o.baseB = await newBase(admin, { name: '阳澄湖生态修复基地', district: B });
  tokens.baseManager = (await newClient(svc.app, 'baseManager', { baseIds: [o.baseA] })).token;
  managerA = as(svc.app, tokens.baseManager);
  const managerB = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [o.baseB] })).token);

  o.projA = await publishedProject(managerA, o.baseA, { budgetFen: 100_000_000 });
  o.projB = await publishedProject(managerB, o.baseB, { budgetFen: 100_000_000, district: B });
  o.draftA = (await managerA.post(`/bases/${o.baseA}/projects`, projectBody({ name: '草稿项目A' })).expect(201)).body.id;
  o.draftB = (await managerB.post(`/bases/${o.baseB}/projects`, projectBody({ name: '草稿项目B', district: B })).expect(201)).body.id;

  // caseA: district A, escrow money, notified late to the procuratorate (visible to it).
  // caseA2: district A, claim started, never notified (overdue; not visible to the procuratorate).
  // caseP: district A, handed to the procuratorate (public-interest litigation).
  // caseB: district B, escrow money, notified.
  o.caseA = (await caseWithObligations(handlerA, [{ kind: 'escrow', amountFen: 10_000_000 }], [{ obligationId: 'O1', amountFen: 10_000_000 }])).id;
  o.caseB = (await caseWithObligations(handlerB, [{ kind: 'escrow', amountFen: 10_000_000 }], [{ obligationId: 'O1', amountFen: 10_000_000 }], { district: B })).id;
  o.caseA2 = (await handlerA.post('/cases', leadBody({ title: '未告知检察机关的案件' })).expect(201)).body.id;
  o.caseP = (await handlerA.post('/cases', leadBody({ title: '移送公益诉讼的案件' })).expect(201)).body.id;
  for (const id of [o.caseA2, o.caseP]) {
    for (const e of [{ type: 'SCREENED', outcome: 'verify' }, { type: 'DAMAGE_CONFIRMED', findings: '确认' }, { type: 'CLAIM_STARTED' }]) await send(handlerA, id, e);
  }
  for (const e of [
    { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    { type: 'ASSESSMENT_COMPLETED', route: 'formal', amountFen: 1_000_000, restorability: 'partial' },
    { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-02', replyDueAt: '2026-03-10' },
    { type: 'OBLIGOR_REPLIED', reply: 'refuse' },
    { type: 'CONSULTATION_FAILED', reasonCode: 'obligor_refused' },
    { type: 'HANDED_TO_PROCURATORATE', procuratorate: '苏州市吴中区人民检察院' },
  ]) await send(handlerA, o.caseP, e);
  clock.set('2026-03-25T02:00:00Z');
  await send(handlerA, o.caseA, { type: 'PROCURATORATE_NOTIFIED', procuratorate: '苏州市吴中区人民检察院' });
  await send(handlerB, o.caseB, { type: 'PROCURATORATE_NOTIFIED', procuratorate: '苏州市昆山市人民检察院' });

  o.allocA = (await handlerA.post('/allocations', { caseId: o.caseA, obligationId: 'O1', projectId: o.projA, amountFen: 10_000 }).expect(201)).body.id;
  o.allocB = (await handlerB.post('/allocations', { caseId: o.caseB, obligationId: 'O1', projectId: o.projB, amountFen: 10_000 }).expect(201)).body.id;
  o.confA = (await handlerA.post('/allocations', { caseId: o.caseA, obligationId: 'O1', projectId: o.projA, amountFen: 1_000_000 }).expect(201)).body.id;
  await handlerA.post(`/allocations/${o.confA}/accept`).expect(200);
  expect((await managerA.post(`/allocations/${o.confA}/accept`).expect(200)).body.status).toBe('confirmed');
  o.confB = (await handlerB.post('/allocations', { caseId: o.caseB, obligationId: 'O1', projectId: o.projB, amountFen: 1_000_000 }).expect(201)).body.id;
  await handlerB.post(`/allocations/${o.confB}/accept`).expect(200);
  expect((await managerB.post(`/allocations/${o.confB}/accept`).expect(200)).body.status).toBe('confirmed');
}, 180_000);

afterAll(async () => {
  http?.close();
  await svc?.stop();
});

// ----- the rows -------------------------------------------------------------------------------

interface Req {
  path: string;
  body?: unknown;
  /** For lists: the id whose presence the cell checks. */
  target?: string;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  action: Action;
  /** What the request names: an object by id, a district, a collection (list), or nothing scoped. */
  names: 'object' | 'district' | 'collection' | 'nothing';
  /** The normal answer for an allowed role on its own object. */
  own: number | ((role: Role) => number);
  request: (role: Role, variant: Variant) => Promise<Req> | Req;
  /** How list items name the objects (default: id). */
  itemKey?: 'id' | 'caseId';
}

let seq = 0;
const caseFor = (v: Variant) => (v === 'own' ? o.caseA! : v === 'foreign' ? o.caseB! : o.caseA2!);
const districtFor = (role: Role, v: Variant) => (v === 'foreign' ? B : role === 'baseManager' ? undefined : A);
const withDistrict = (path: string, d: string | undefined) => (d ? `${path}${path.includes('?') ? '&' : '?'}district=${encodeURIComponent(d)}` : path);

/** A fresh draft of base A (for the lifecycle cells of its own manager). */
async function freshDraft(): Promise<string> {
  return (await managerA.post(`/bases/${o.baseA}/projects`, projectBody({ name: `生命周期草稿 ${++seq}` })).expect(201)).body.id;
}

/** A fresh proposed allocation of case A to project A. */
async function freshAllocation(): Promise<string> {
  return (await handlerA.post('/allocations', { caseId: o.caseA, obligationId: 'O1', projectId: o.projA, amountFen: 1_000 + ++seq }).expect(201)).body.id;
}

const lifecycle = (action: 'publish' | 'start' | 'complete' | 'accept' | 'close', ownStatus: number): Row => ({
  method: 'POST',
  route: `/projects/:id/${action}`,
  action: 'projects.transition',
  names: 'object',
  own: ownStatus,
  request: async (role, v) => ({ path: `/projects/${v === 'foreign' ? o.draftB : role === 'baseManager' ? await freshDraft() : o.draftA}/${action}`, body: {} }),
});

const rows: Row[] = [
  { method: 'POST', route: '/clients', action: 'clients.create', names: 'nothing', own: 201, request: () => ({ path: '/clients', body: { name: `矩阵客户 ${++seq}`, role: 'viewer', districts: [A] } }) },
  { method: 'GET', route: '/clients', action: 'clients.list', names: 'nothing', own: 200, request: () => ({ path: '/clients?limit=5' }) },
  {
    method: 'DELETE',
    route: '/clients/:id',
    action: 'clients.revoke',
    names: 'nothing',
    own: 200,
    request: async () => ({ path: `/clients/${(await newClient(svc.app, 'viewer', { districts: [A] }, `待撤销 ${++seq}`)).id}` }),
  },
  { method: 'GET', route: '/me', action: 'me.read', names: 'nothing', own: 200, request: () => ({ path: '/me' }) },

  { method: 'POST', route: '/cases', action: 'cases.register', names: 'district', own: 201, request: (_r, v) => ({ path: '/cases', body: leadBody({ title: `矩阵线索 ${++seq}`, district: v === 'foreign' ? B : A }) }) },
  { method: 'GET', route: '/cases', action: 'cases.list', names: 'collection', own: 200, request: (_r, v) => ({ path: '/cases?limit=200', target: caseFor(v) }) },
  { method: 'GET', route: '/cases/:id', action: 'cases.read', names: 'object', own: 200, request: (_r, v) => ({ path: `/cases/${caseFor(v)}` }) },
  {
    method: 'POST',
    route: '/cases/:id/events',
    action: 'cases.sendEvent',
    names: 'object',
    // MARKED_MAJOR is accepted in every open state; whether the role may send it is the workflow's table.
    own: (role) => (roleMaySend('MARKED_MAJOR', role, 'evaluation') ? 200 : 403),
    request: (_r, v) => ({ path: `/cases/${caseFor(v)}/events`, body: { type: 'MARKED_MAJOR', basis: 'designated' } }),
  },
  { method: 'GET', route: '/cases/:id/history', action: 'cases.history', names: 'object', own: 200, request: (_r, v) => ({ path: `/cases/${caseFor(v)}/history` }) },
  { method: 'GET', route: '/cases/:id/history/verify', action: 'cases.verifyHistory', names: 'object', own: 200, request: (_r, v) => ({ path: `/cases/${caseFor(v)}/history/verify` }) },

  { method: 'GET', route: '/workflow', action: 'workflow.read', names: 'nothing', own: 200, request: () => ({ path: '/workflow' }) },
  { method: 'GET', route: '/workflow/diagram', action: 'workflow.read', names: 'nothing', own: 200, request: () => ({ path: '/workflow/diagram' }) },
  { method: 'GET', route: '/calendar/:year', action: 'calendar.read', names: 'nothing', own: 200, request: () => ({ path: '/calendar/2026' }) },
  { method: 'PUT', route: '/calendar/:year', action: 'calendar.write', names: 'nothing', own: 200, request: () => ({ path: '/calendar/2100', body: { holidays: ['2100-01-01'], workdays: [] } }) },

  {
    method: 'POST',
    route: '/procuratorate/leads',
    action: 'procuratorate.transferLead',
    names: 'district',
    own: 201,
    request: (_r, v) => ({ path: '/procuratorate/leads', body: { title: '检察机关移送线索', receivedAt: '2026-03-01', district: v === 'foreign' ? B : A, sourceRef: `吴检公建〔2026〕${++seq}号` } }),
  },
  { method: 'GET', route: '/procuratorate/cases', action: 'procuratorate.cases', names: 'collection', own: 200, request: (_r, v) => ({ path: '/procuratorate/cases?limit=200', target: caseFor(v) }) },
  { method: 'GET', route: '/procuratorate/changes', action: 'procuratorate.changes', names: 'collection', own: 200, itemKey: 'caseId', request: (_r, v) => ({ path: '/procuratorate/changes?limit=500', target: caseFor(v) }) },
  { method: 'GET', route: '/procuratorate/late-notices', action: 'cases.list', names: 'collection', own: 200, itemKey: 'caseId', request: (_r, v) => ({ path: '/procuratorate/late-notices?limit=200', target: v === 'foreign' ? o.caseB! : v === 'own' ? o.caseA! : o.caseA2! }) },

  { method: 'POST', route: '/bases', action: 'bases.create', names: 'nothing', own: 201, request: () => ({ path: '/bases', body: { name: `矩阵基地 ${++seq}`, district: A } }) },
  { method: 'GET', route: '/bases', action: 'bases.list', names: 'nothing', own: 200, request: () => ({ path: '/bases' }) },
  { method: 'POST', route: '/bases/:baseId/projects', action: 'projects.create', names: 'object', own: 201, request: (_r, v) => ({ path: `/bases/${v === 'foreign' ? o.baseB : o.baseA}/projects`, body: projectBody({ name: `矩阵项目 ${++seq}` }) }) },
  { method: 'PATCH', route: '/projects/:id', action: 'projects.update', names: 'object', own: 200, request: (_r, v) => ({ path: `/projects/${v === 'foreign' ? o.draftB : o.draftA}`, body: { name: `改名 ${++seq}` } }) },
  lifecycle('publish', 200),
  lifecycle('start', 422),
  lifecycle('complete', 422),
  lifecycle('accept', 422),
  lifecycle('close', 200),
  { method: 'GET', route: '/projects/:id', action: 'projects.read', names: 'nothing', own: 200, request: (_r, v) => ({ path: `/projects/${v === 'foreign' ? o.projB : o.projA}` }) },
  { method: 'GET', route: '/projects', action: 'projects.list', names: 'nothing', own: 200, request: () => ({ path: '/projects?limit=50' }) },

  { method: 'GET', route: '/cases/:id/project-suggestions', action: 'matching.caseSuggestions', names: 'object', own: 200, request: (_r, v) => ({ path: `/cases/${caseFor(v)}/project-suggestions` }) },
  { method: 'GET', route: '/projects/:id/case-suggestions', action: 'matching.projectSuggestions', names: 'object', own: 200, request: (_r, v) => ({ path: `/projects/${v === 'foreign' ? o.projB : o.projA}/case-suggestions` }) },
  { method: 'POST', route: '/matching/plan', action: 'matching.plan', names: 'district', own: 200, request: (r, v) => ({ path: '/matching/plan', body: districtFor(r, v) ? { districts: [districtFor(r, v)] } : {} }) },
  {
    method: 'POST',
    route: '/allocations',
    action: 'allocations.propose',
    names: 'object',
    own: 201,
    // A handler reaches through the case, a base manager through the project.
    request: (role, v) => ({
      path: '/allocations',
      body: { caseId: v === 'foreign' && role !== 'baseManager' ? o.caseB : o.caseA, obligationId: 'O1', projectId: v === 'foreign' && role === 'baseManager' ? o.projB : o.projA, amountFen: 1_000 + ++seq },
    }),
  },
  { method: 'GET', route: '/allocations', action: 'allocations.read', names: 'collection', own: 200, request: (_r, v) => ({ path: '/allocations?limit=200', target: v === 'foreign' ? o.allocB : o.allocA }) },
  { method: 'GET', route: '/allocations/:id', action: 'allocations.read', names: 'object', own: 200, request: (_r, v) => ({ path: `/allocations/${v === 'foreign' ? o.allocB : o.allocA}` }) },
  { method: 'POST', route: '/allocations/:id/accept', action: 'allocations.respond', names: 'object', own: 200, request: async (_r, v) => ({ path: `/allocations/${v === 'foreign' ? o.allocB : await freshAllocation()}/accept` }) },
  { method: 'POST', route: '/allocations/:id/decline', action: 'allocations.respond', names: 'object', own: 200, request: async (_r, v) => ({ path: `/allocations/${v === 'foreign' ? o.allocB : await freshAllocation()}/decline`, body: {} }) },
  { method: 'POST', route: '/allocations/:id/releases', action: 'allocations.release', names: 'object', own: 201, request: (_r, v) => ({ path: `/allocations/${v === 'foreign' ? o.confB : o.confA}/releases`, body: { amountFen: 1, milestone: '阶段拨付', releasedAt: '2026-03-20' } }) },
  { method: 'GET', route: '/escrow', action: 'escrow.read', names: 'district', own: 200, request: (r, v) => ({ path: withDistrict('/escrow?limit=50', districtFor(r, v)) }) },

  { method: 'GET', route: '/stats/kpis', action: 'stats.read', names: 'district', own: 200, request: (r, v) => ({ path: withDistrict('/stats/kpis', districtFor(r, v)) }) },
  { method: 'GET', route: '/stats/kpis.csv', action: 'stats.read', names: 'district', own: 200, request: (r, v) => ({ path: withDistrict('/stats/kpis.csv', districtFor(r, v)) }) },
  { method: 'GET', route: '/stats/kpis/definitions', action: 'stats.read', names: 'nothing', own: 200, request: () => ({ path: '/stats/kpis/definitions' }) },
  { method: 'GET', route: '/stats/overdue', action: 'stats.read', names: 'district', own: 200, request: (r, v) => ({ path: withDistrict('/stats/overdue?limit=50', districtFor(r, v)) }) },
];

// ----- the expected answer, from the permission table ----------------------------------------

/** Whether the object of this variant lies outside the caller's scope, by the table's scope rule. */
function isForeign(action: Action, role: Role, variant: Variant): boolean {
  const scope = permissions[action].scope as string;
  if (variant === 'own' || scope === 'none') return false;
  if (variant === 'hidden') return role === 'procuratorate' && scope === 'case';
  if (scope === 'base' || scope === 'project') return role === 'baseManager';
  return role !== 'admin'; // district, case, allocation: admins see every district
}

function variantsOf(row: Row): Variant[] {
  if (row.names === 'nothing') return ['own'];
  return permissions[row.action].scope === 'case' ? ['own', 'foreign', 'hidden'] : ['own', 'foreign'];
}

interface Expected {
  status: number;
  /** For lists: whether the target must be in the reply. */
  listed?: boolean;
}

function expectedFor(row: Row, role: Role, variant: Variant): Expected {
  if (!(permissions[row.action].roles as readonly Role[]).includes(role)) return { status: 403 };
  const own = typeof row.own === 'function' ? row.own(role) : row.own;
  const foreign = isForeign(row.action, role, variant);
  if (row.names === 'collection') return { status: own, listed: !foreign };
  if (!foreign) return { status: own };
  return { status: row.names === 'object' ? 404 : row.names === 'district' ? 403 : own };
}

function listedIds(reply: Reply, key: 'id' | 'caseId'): string[] {
  const items = (reply.json as { items?: Record<string, string>[] })?.items ?? [];
  return items.map((i) => i[key]!);
}

describe('authorization matrix', () => {
  it('has a row for every route the service describes, with the roles the registry shows', async () => {
    const { describedRoutes } = await import('../../src/openapi/registry');
    const described = describedRoutes();
    const keyed = new Set(rows.map((r) => `${r.method} ${r.route}`));
    const missing = described.map((d) => `${d.method.toUpperCase()} ${d.path}`).filter((k) => !keyed.has(k));
    const stale = [...keyed].filter((k) => !described.some((d) => `${d.method.toUpperCase()} ${d.path}` === k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    for (const r of rows) {
      const d = described.find((x) => `${x.method.toUpperCase()} ${x.path}` === `${r.method} ${r.route}`)!;
      if (d.roles) expect({ route: `${r.method} ${r.route}`, roles: [...d.roles].sort() }).toEqual({ route: `${r.method} ${r.route}`, roles: [...permissions[r.action].roles].sort() });
    }
    console.log(`authorization matrix: ${rows.length} rows cover all ${described.length} described routes`);
  }, 60_000);

  it('answers every endpoint × role × own/foreign/hidden cell as the permission table says', async () => {
    const failures: string[] = [];
    let cells = 0;
    const byStatus = new Map<number, number>();
    for (const row of rows) {
      for (const role of roles) {
        for (const variant of variantsOf(row)) {
          const req = await row.request(role, variant);
          const want = expectedFor(row, role, variant);
          const reply = await http.request(row.method, `${API}${req.path}`, { token: tokens[role], body: req.body });
          cells += 1;
          byStatus.set(reply.status, (byStatus.get(reply.status) ?? 0) + 1);
          const where = `${row.method} ${row.route} as ${role}, ${variant}`;
          if (reply.status !== want.status) {
            failures.push(`${where}: expected ${want.status}, got ${reply.status} ${reply.text.slice(0, 200)}`);
            continue;
          }
          if (reply.status >= 400) {
            const code = (reply.json as { error?: { code?: string } })?.error?.code;
            const wantCode = reply.status === 403 ? 'forbidden' : reply.status === 404 ? 'not_found' : undefined;
            if (wantCode && code !== wantCode) failures.push(`${where}: ${reply.status} with code ${code}`);
          }
          if (want.listed !== undefined && req.target) {
            const listed = listedIds(reply, row.itemKey ?? 'id').includes(req.target);
            if (listed !== want.listed) failures.push(`${where}: the ${variant} object is ${listed ? '' : 'not '}listed`);
          }
        }
      }
    }
    const statuses = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`authorization matrix: ${cells} cells (${rows.length} endpoints × ${roles.length} roles × own/foreign/hidden where scoped) — ${statuses}`);
    expect(failures).toEqual([]);
    expect(cells).toBeGreaterThan(300);
  }, 300_000);

  it('lets each role send exactly the case events the workflow gives it, on cases it may see', async () => {
    const events: Record<string, Record<string, unknown>> = {
      MARKED_MAJOR: { basis: 'designated' },
      COLLECTIVE_REVIEW_RECORDED: { decision: '同意' },
      SUPPORT_PROVIDED: { note: '支持起诉' },
      DEEMED_NOT_PURSUED: { noticeRef: '公告1', noticeEndedAt: '2026-03-01' },
      PUBLIC_INTEREST_SUIT_FILED: { court: '苏州市中级人民法院', filedAt: '2026-03-20' },
      JUDGMENT_EFFECTIVE: { outcome: 'upheld', judgmentRef: '判决1' },
      // Last: notifying the procuratorate makes the hidden case visible to it, from the next request on.
      PROCURATORATE_NOTIFIED: { procuratorate: '苏州市吴中区人民检察院' },
    };
    let targets: [string, Variant][] = [
      [o.caseA!, 'own'],
      [o.caseP!, 'own'],
      [o.caseA2!, 'hidden'],
      [o.caseB!, 'foreign'],
    ];
    const failures: string[] = [];
    let cells = 0;
    let sentOk = 0;
    // The procuratorate first: it may send JUDGMENT_EFFECTIVE only while the case is in public-interest litigation.
    const order: Role[] = ['procuratorate', 'admin', 'viewer', 'baseManager', 'reviewer', 'handler'];
    for (const [type, payload] of Object.entries(events)) {
      for (const [caseId] of targets) {
        for (const role of order) {
          const variant = targets.find(([id]) => id === caseId)![1];
          const top = String((await admin.get(`/cases/${caseId}`).expect(200)).body.state).split('.')[0]!;
          let want: number | 'normal';
          if (!(permissions['cases.sendEvent'].roles as readonly Role[]).includes(role)) want = 403;
          else if (isForeign('cases.sendEvent', role, variant)) want = 404;
          else if (!roleMaySend(type as CaseEventType, role, top)) want = 403;
          else want = 'normal';
          const reply = await http.post(`${API}/cases/${caseId}/events`, { type, ...payload }, tokens[role]);
          cells += 1;
          const code = (reply.json as { error?: { code?: string } })?.error?.code;
          const ok = want === 'normal' ? reply.status === 200 || (reply.status === 422 && (code === 'event_not_allowed' || code === 'guard_failed')) : reply.status === want;
          if (reply.status === 200) sentOk += 1;
          if (reply.status === 200 && type === 'PROCURATORATE_NOTIFIED' && variant === 'hidden') targets = targets.map(([id, v]) => [id, id === caseId ? 'own' : v]);
          if (!ok) failures.push(`${type} on the ${variant} case (${top}) as ${role}: expected ${want}, got ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }
    // The notification made the hidden case visible to the procuratorate at once.
    expect((await http.get(`${API}/cases/${o.caseA2}`, tokens.procuratorate)).status).toBe(200);
    console.log(`case-event roles: ${cells} cells (${Object.keys(events).length} events × 4 cases × ${roles.length} roles), ${sentOk} accepted`);
    expect(failures).toEqual([]);
    expect(sentOk).toBeGreaterThan(5);
  }, 300_000);

  it('refuses a revoked token at once, and missing or malformed tokens, on every endpoint', async () => {
    const c = await newClient(svc.app, 'handler', { districts: [A] }, '即将撤销');
    // The token is resolved and remembered (TOKEN_CACHE_MS) before it is revoked.
    for (let i = 0; i < 3; i++) expect((await http.get(`${API}/me`, c.token)).status).toBe(200);
    expect((await http.get(`${API}/cases?limit=1`, c.token)).status).toBe(200);
    await admin.delete(`/clients/${c.id}`).expect(200);
    const failures: string[] = [];
    let cells = 0;
    const tokensToTry: [string, string | undefined, Record<string, string>][] = [
      ['revoked', c.token, {}],
      ['none', undefined, {}],
      ['garbage', 'eco_this-token-was-never-issued-000000', {}],
      ['basic scheme', undefined, { authorization: `Basic ${Buffer.from(`x:${TEST_ADMIN_TOKEN}`).toString('base64')}` }],
    ];
    for (const row of rows) {
      const req = await row.request('handler', 'own');
      for (const [name, token, headers] of tokensToTry) {
        const reply = await http.request(row.method, `${API}${req.path}`, { token, body: req.body, headers });
        cells += 1;
        const code = (reply.json as { error?: { code?: string } })?.error?.code;
        if (reply.status !== 401 || code !== 'unauthenticated') failures.push(`${row.method} ${row.route} with a ${name} token → ${reply.status} ${code}`);
      }
    }
    console.log(`unauthenticated: ${cells} cells (${rows.length} endpoints × revoked/none/garbage/basic), the revoked token refused on the first request after revocation`);
    expect(failures).toEqual([]);
  }, 300_000);
});
