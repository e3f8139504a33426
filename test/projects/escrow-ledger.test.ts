import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { allocateAndConfirm, caseWithObligations, newBase, publishedProject } from './support';

/**
 * The escrow ledger (提存台账). This file runs the service with a RULES_FILE that sets the
 * unallocated-escrow flag period to 30 days (the default is 365), to pin down that it is a rule.
 */

let svc: TestService;
let handler: Caller;
let viewer: Caller;
let manager: Caller;
let baseId: string;
let rulesDir: string;
const clock = new ManualClock(new Date('2026-01-15T02:00:00Z'));

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-rules-'));
  const rulesFile = path.join(rulesDir, 'rules.json');
  fs.writeFileSync(rulesFile, JSON.stringify({ escrowUnallocatedFlagDays: 30 }));
  svc = await startTestService({ clock, env: { RULES_FILE: rulesFile } });
  handler = as(svc.app, (await newClient(svc.app, 'handler', { districts: ['吴中区'] })).token);
  viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['吴中区'] })).token);
  baseId = await newBase(as(svc.app, TEST_ADMIN_TOKEN));
  manager = as(svc.app, (await newClient(svc.app, 'baseManager', { baseIds: [baseId] })).token);
});
afterAll(async () => {
  await svc.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

describe('GET /escrow', () => {
  it('shows each deposit with its age, its 5-year lapse date and a flag once unallocated past the period', async () => {
    // 10,000 yuan owed into escrow, deposited in two parts: 4,000 on 2025-11-20 (56 days ago), 6,000 on 2026-01-10.
    const { id: caseId, view } = await caseWithObligations(
      handler,
      [{ kind: 'escrow', amountFen: 1_000_000 }],
      [
        { obligationId: 'O1', amountFen: 400_000, depositedAt: '2025-11-20', certificateNo: '(2025)苏姑证字第88号' },
        { obligationId: 'O1', amountFen: 600_000, depositedAt: '2026-01-10', certificateNo: '(2026)苏姑证字第3号' },
      ],
      { receivedAt: '2025-11-03' },
    );
    expect(view).toMatchObject({ liabilityStatus: 'discharged', restorationStatus: 'pending' });

    let ledger = (await viewer.get(`/escrow?caseId=${caseId}`).expect(200)).body;
    expect(ledger).toMatchObject({ asOf: '2026-01-15', flagAfterDays: 30, lapsePeriod: { amount: 5, unit: 'years' } });
    let item = ledger.items[0];
    expect(item).toMatchObject({ caseId, depositedFen: 1_000_000, allocatedFen: 0, releasedFen: 0, unallocatedFen: 1_000_000, balanceFen: 1_000_000, flagged: true });
    expect(item.obligations[0]).toMatchObject({ obligationId: 'O1', kind: 'escrow', oldestUnallocatedAgeDays: 56, earliestLapseDate: '2030-11-20' });
    expect(item.obligations[0].deposits).toEqual([
      expect.objectContaining({ certificateNo: '(2025)苏姑证字第88号', amountFen: 400_000, unallocatedFen: 400_000, ageDays: 56, flagged: true, lapseDate: '2030-11-20' }),
      expect.objectContaining({ certificateNo: '(2026)苏姑证字第3号', amountFen: 600_000, unallocatedFen: 600_000, ageDays: 5, flagged: false, lapseDate: '2031-01-10' }),
    ]);
    expect(item.obligations[0].deposits[0].daysToLapse).toBe(1770);
    expect((await viewer.get('/escrow?flagged=true').expect(200)).body.items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);

    // 5,000 yuan confirmed to a project: charged to the oldest deposit first, which stops waiting.
    const projectId = await publishedProject(manager, baseId, { budgetFen: 500_000 });
    const confirmed = await allocateAndConfirm(handler, manager, { caseId, obligationId: 'O1', projectId, amountFen: 500_000 });
    expect(confirmed.body.status).toBe('confirmed');
    await handler.post(`/allocations/${confirmed.body.id}/releases`, { amountFen: 200_000, milestone: '首期', releasedAt: '2026-01-15' }).expect(201);

    ledger = (await viewer.get(`/escrow?caseId=${caseId}`).expect(200)).body;
    item = ledger.items[0];
    expect(item).toMatchObject({ depositedFen: 1_000_000, allocatedFen: 500_000, releasedFen: 200_000, unallocatedFen: 500_000, balanceFen: 800_000, flagged: false });
    expect(item.obligations[0].deposits.map((d: { allocatedFen: number; unallocatedFen: number; flagged: boolean }) => [d.allocatedFen, d.unallocatedFen, d.flagged])).toEqual([
      [400_000, 0, false],
      [100_000, 500_000, false],
    ]);
    expect(item.obligations[0].allocations).toEqual([
      expect.objectContaining({ projectId, amountFen: 500_000, status: 'confirmed', releasedFen: 200_000, releases: [expect.objectContaining({ milestone: '首期', amountFen: 200_000 })] }),
    ]);
    expect((await handler.get(`/cases/${caseId}`).expect(200)).body.restorationStatus).toBe('partly_allocated');

    // A month later the rest has waited past the period: flagged again.
    clock.set('2026-02-15T02:00:00Z');
    item = (await viewer.get(`/escrow?caseId=${caseId}`).expect(200)).body.items[0];
    expect(item.flagged).toBe(true);
    expect(item.obligations[0].deposits[1]).toMatchObject({ ageDays: 36, unallocatedFen: 500_000, flagged: true });
    expect(item.obligations[0].oldestUnallocatedAgeDays).toBe(36);
    expect((await viewer.get('/escrow?flagged=false').expect(200)).body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
  });

  it('pages by case with the list conventions and totals the page', async () => {
    for (let i = 0; i < 3; i++) await caseWithObligations(handler, [{ kind: 'escrow', amountFen: 10_000 }], [{ obligationId: 'O1', amountFen: 10_000 }]);
    const first = (await handler.get('/escrow?limit=2').expect(200)).body;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.totals.depositedFen).toBe(first.items.reduce((s: number, i: { depositedFen: number }) => s + i.depositedFen, 0));
    const second = (await handler.get(`/escrow?limit=2&cursor=${first.nextCursor}`).expect(200)).body;
    const seen = [...first.items, ...second.items].map((i: { caseId: string }) => i.caseId);
    expect(new Set(seen).size).toBe(seen.length);
    await handler.get('/escrow?cursor=garbage').expect(400);
  });
});
