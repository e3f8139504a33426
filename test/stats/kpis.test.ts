import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { parseCsv } from '../../src/stats/csv';
import { as, newClient, type Caller } from '../support/api';
import { startTestService, type TestService } from '../support/service';
import { ev, makeCase } from './kpi-steps';

/**
 * The KPI definitions of docs/kpis.md checked on a small, hand-built set of cases whose expected
 * numerators and denominators are worked out by hand below, case by case. Every case goes through
 * the HTTP API; the report date is 2026-01-05.
 *
 *   c1  吴中区  received 01-05, damage 01-20, opened 01-25, notified 01-30 (in time), formal,
 *               agreed 03-31 (served 03-01: 30 days), signed 04-05, confirmed by the court,
 *               self-restoration + costs 20,000 yuan paid, evaluation passed, closed 06-30 (176 days)
 *   c2  吴中区  damage 02-10, not started 02-15 (significantly minor)
 *   c3  吴中区  received 01-15, damage 03-01 (verification 45 days: late), not started (already performed)
 *   c4  吴中区  damage 03-10, no decision yet
 *   c5  吴中区  damage 03-15, opened 03-20, notified 03-25, terminated 05-01 (obligor extinct)
 *   c6  吴中区  damage 2024-12-20, opened 2025-01-10, never notified, simplified, served 02-01,
 *               consultation failed 05-10 (still awaiting the decision to sue)
 *   c7  相城区  damage 02-01, opened 02-05, notified 02-06, payment 50,000 yuan paid, exempted,
 *               closed 03-28 (received 01-20: 67 days)
 *   c8  吴中区  received 03-25, damage 04-10 (second quarter), no decision yet
 *   c9  吴中区  damage 02-20, terminated 02-25 before the claim started (covered elsewhere)
 *   c10 吴中区  received 01-03, no damage 01-10
 *   c11 吴中区  received 02-01, damage 02-12, opened 02-15, notified 03-10 (late), simplified,
 *               served 02-20, agreed 03-05 (13 days), signed 03-08, confirmation waived, escrow
 *               50,000 yuan deposited 03-20 and not allocated, exempted, closed 03-28 (55 days)
 *   c12 吴中区  received 03-20, still in verification (due 04-19: late)
 *   c13 吴中区  received 03-10, suspended in verification (its clock stopped: pending)
 */

const D1 = '吴中区';
const D2 = '相城区';
const Q1 = 'from=2025-01-01&to=2025-03-31';
const Q2 = 'from=2025-04-01&to=2025-06-30';

let svc: TestService;
let h1: Caller;
let h2: Caller;
let viewer: Caller;
let procuratorate: Caller;
const ids: Record<string, string> = {};

beforeAll(async () => {
  svc = await startTestService({ clock: new ManualClock(new Date('2026-01-05T02:00:00Z')) });
  h1 = as(svc.app, (await newClient(svc.app, 'handler', { districts: [D1] })).token);
  h2 = as(svc.app, (await newClient(svc.app, 'handler', { districts: [D2] })).token);
  viewer = as(svc.app, (await newClient(svc.app, 'viewer', { districts: ['*'] })).token);
  procuratorate = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts: [D1] })).token);
  // Read once before the cases exist: every later change must reach the report through the commit listeners.
  await viewer.get('/stats/kpis').expect(200);

  ids.c1 = await makeCase(h1, D1, '2025-01-05', [
    ev.screen('2025-01-06'), ev.confirm('2025-01-20'), ev.start('2025-01-25'), ev.notify('2025-01-30'), ev.investigate('2025-02-10'),
    ev.assess('2025-02-25', 'formal', 50_000_000), ev.serve('2025-03-01'),
    ev.agree('2025-03-31', [{ kind: 'self_restoration', description: '补植复绿' }, { kind: 'costs', amountFen: 2_000_000 }]),
    ev.sign('2025-04-05'), ev.applyJc('2025-04-10'), ev.ruleJc('2025-05-15', 'confirmed'),
    ev.perform('2025-06-01', 'O1'), ev.perform('2025-06-01', 'O2', 2_000_000), ev.pass('2025-06-20'), ev.close('2025-06-30'),
  ]);
  ids.c2 = await makeCase(h1, D1, '2025-02-01', [ev.screen('2025-02-02'), ev.confirm('2025-02-10'), ev.notStart('2025-02-15', 'significantly_minor')]);
  ids.c3 = await makeCase(h1, D1, '2025-01-15', [ev.screen('2025-01-16'), ev.confirm('2025-03-01'), ev.notStart('2025-03-05', 'already_performed')]);
  ids.c4 = await makeCase(h1, D1, '2025-03-01', [ev.screen('2025-03-02'), ev.confirm('2025-03-10')]);
  ids.c5 = await makeCase(h1, D1, '2025-03-05', [
    ev.screen('2025-03-06'), ev.confirm('2025-03-15'), ev.start('2025-03-20'), ev.notify('2025-03-25'), ev.terminate('2025-05-01', 'obligor_extinct'),
  ]);
  ids.c6 = await makeCase(h1, D1, '2024-12-01', [
    ev.screen('2024-12-02'), ev.confirm('2024-12-20'), ev.start('2025-01-10'), ev.investigate('2025-01-20'),
    ev.assess('2025-01-25', 'simplified', 1_000_000), ev.serve('2025-02-01'), ev.fail('2025-05-10'),
  ]);
  ids.c7 = await makeCase(h2, D2, '2025-01-20', [
    ev.screen('2025-01-21'), ev.confirm('2025-02-01'), ev.start('2025-02-05'), ev.notify('2025-02-06'), ev.investigate('2025-02-10'),
    ev.assess('2025-02-12', 'simplified', 5_000_000), ev.serve('2025-02-14'), ev.agree('2025-03-01', [{ kind: 'payment', amountFen: 5_000_000 }]),
    ev.sign('2025-03-02'), ev.waiveJc('2025-03-03'), ev.perform('2025-03-20', 'O1', 5_000_000), ev.exempt('2025-03-25'), ev.close('2025-03-28'),
  ]);
  ids.c8 = await makeCase(h1, D1, '2025-03-25', [ev.screen('2025-03-26'), ev.confirm('2025-04-10')]);
  ids.c9 = await makeCase(h1, D1, '2025-02-10', [ev.screen('2025-02-11'), ev.confirm('2025-02-20'), ev.terminate('2025-02-25', 'covered_elsewhere')]);
  ids.c10 = await makeCase(h1, D1, '2025-01-03', [ev.screen('2025-01-04'), ev.noDamage('2025-01-10')]);
  ids.c11 = await makeCase(h1, D1, '2025-02-01', [
    ev.screen('2025-02-02'), ev.confirm('2025-02-12'), ev.start('2025-02-15'), ev.investigate('2025-02-18'),
    ev.assess('2025-02-19', 'simplified', 5_000_000), ev.serve('2025-02-20'), ev.agree('2025-03-05', [{ kind: 'escrow', amountFen: 5_000_000 }]),
    ev.sign('2025-03-08'), ev.notify('2025-03-10'), ev.waiveJc('2025-03-12'), ev.deposit('2025-03-20', 'O1', 5_000_000, '(2025)苏姑证提字第11号'),
    ev.exempt('2025-03-25'), ev.close('2025-03-28'),
  ]);
  ids.c12 = await makeCase(h1, D1, '2025-03-20', [ev.screen('2025-03-21')]);
  ids.c13 = await makeCase(h1, D1, '2025-03-10', [ev.screen('2025-03-11'), ev.suspend('2025-03-12')]);
}, 240_000);

afterAll(async () => {
  await svc?.stop();
});

const triple = (r: { value: number | null; numerator: number; denominator: number }) => [r.numerator, r.denominator, r.value];

describe('KPIs on a hand-built set of cases', () => {
  it('initiation rate: cohort by the date damage was confirmed; lawful not-starts and terminations before the start are excluded and reported by reason', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}&district=${encodeURIComponent(D1)}`).expect(200)).body;
    // cohort c1 c2 c3 c4 c5 c9 c11 = 7; excluded c2 c3 (not started) and c9 (terminated before start); opened c1 c5 c11
    expect(triple(q1.initiationRate)).toEqual([3, 4, 3 / 4]);
    expect(q1.initiationRate.reportedApart).toEqual({
      cohort: 7,
      notStartedByReason: { significantly_minor: 1, already_performed: 1 },
      terminatedBeforeStart: 1,
      pendingDecision: 1,
      deemedNotPursued: 0,
    });
    const q2 = (await h1.get(`/stats/kpis?${Q2}`).expect(200)).body;
    // only c8 had its damage confirmed in the second quarter, and nothing is decided yet
    expect(triple(q2.initiationRate)).toEqual([0, 1, 0]);
  });

  it('closure rate: cases opened in the period, terminated ones excluded, dismissed and completed both closed', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // opened c1 c5 c6 c11; c5 terminated; closed c1 c11; still open c6
    expect(triple(q1.closureRate)).toEqual([2, 3, 2 / 3]);
    expect(q1.closureRate.reportedApart).toEqual({ cohort: 4, terminatedByReason: { obligor_extinct: 1 }, notStartedInPeriod: 2, dismissed: 0, stillOpen: 1 });
    const q2 = (await h1.get(`/stats/kpis?${Q2}`).expect(200)).body;
    expect(triple(q2.closureRate)).toEqual([0, 0, null]);
  });

  it('restoration rate: only cases with restoration duties, and escrow money not yet allocated is not restored', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // c1 (self-restoration, evaluation passed) restored; c11 (escrow deposited, unallocated) not
    expect(triple(q1.restorationRate)).toEqual([1, 2, 1 / 2]);
    expect(q1.restorationRate.reportedApart).toEqual({ cohort: 2, terminatedWithDuty: 0, byStatus: { restored: 1, pending: 1 }, escrowUnallocated: 1 });
    const d2 = (await h2.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // c7 owed only a payment: no restoration duty, so no denominator
    expect(triple(d2.restorationRate)).toEqual([0, 0, null]);
  });

  it('deadline rates: verification within 30 days by receipt, procuratorate notice within 15 days by opening; a suspended clock is pending', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // received in Q1: c1 c2 c3 c4 c5 c8 c9 c10 c11 c12 c13; late: c3 (45 days), c12 (still open past due); c13 suspended
    expect(triple(q1.verificationOnTimeRate)).toEqual([8, 10, 8 / 10]);
    expect(q1.verificationOnTimeRate.reportedApart).toEqual({ cohort: 11, pending: 1, cancelled: 0 });
    // opened in Q1: c1 c5 in time; c11 notified after 23 days; c6 never notified
    expect(triple(q1.procuratorateNoticeOnTimeRate)).toEqual([2, 4, 2 / 4]);
  });

  it('consultation success, days to agreement and judicial confirmation', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // notices served in Q1: c1 and c11 agreed, c6 failed
    expect(triple(q1.consultationSuccessRate)).toEqual([2, 3, 2 / 3]);
    // agreed in Q1: c1 after 30 days, c11 after 13
    expect(q1.daysToAgreement).toMatchObject({ value: 21.5, numerator: 43, denominator: 2, mean: 21.5 });
    // signed in Q1: c11, confirmation waived
    expect(triple(q1.judicialConfirmationRate)).toEqual([0, 1, 0]);
    expect(q1.judicialConfirmationRate.reportedApart).toMatchObject({ cohort: 1, waived: 1 });
    const q2 = (await h1.get(`/stats/kpis?${Q2}`).expect(200)).body;
    expect(triple(q2.judicialConfirmationRate)).toEqual([1, 1, 1]);
  });

  it('money received / due by destination, and escrow allocated / deposited with its age', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    // opened in Q1: c1 costs 20,000 yuan paid; c11 escrow 50,000 yuan deposited
    expect(triple(q1.moneyReceivedRate)).toEqual([7_000_000, 7_000_000, 1]);
    expect(triple(q1.treasuryReceivedRate)).toEqual([2_000_000, 2_000_000, 1]);
    expect(triple(q1.escrowReceivedRate)).toEqual([5_000_000, 5_000_000, 1]);
    expect(triple(q1.thirdPartyReceivedRate)).toEqual([0, 0, null]);
    expect(triple(q1.escrowAllocationRate)).toEqual([0, 5_000_000, 0]);
    expect(q1.escrowAllocationRate.reportedApart.ageing[0]).toMatchObject({ bucket: 'under_1y', unallocatedFen: 5_000_000, deposits: 1 });
  });

  it('days from lead to closure: completed and dismissed cases closed in the period, by case class', async () => {
    const q1 = (await h1.get(`/stats/kpis?${Q1}`).expect(200)).body;
    expect(q1.daysLeadToClosure).toMatchObject({ value: 55, numerator: 55, denominator: 1 });
    const all = (await h1.get('/stats/kpis').expect(200)).body;
    // c1 176 days (formal), c11 55 days (simplified); no damage, not started and terminated are not closures
    expect(all.daysLeadToClosure).toMatchObject({ value: 115.5, numerator: 231, denominator: 2 });
    expect(all.daysLeadToClosure.reportedApart.byClass).toMatchObject({ formal: { median: 176, count: 1 }, simplified: { median: 55, count: 1 }, major: { median: null, count: 0 } });
  });

  it('counts only the caller\'s districts, refuses a district outside them, and a procuratorate sees only the cases notified to it', async () => {
    const d2 = (await h2.get(`/stats/kpis?${Q1}`).expect(200)).body;
    expect(triple(d2.initiationRate)).toEqual([1, 1, 1]);
    expect(triple(d2.closureRate)).toEqual([1, 1, 1]);
    expect(d2.daysLeadToClosure).toMatchObject({ value: 67, denominator: 1 });
    expect(d2.casesByDistrict).toEqual([{ district: D2, count: 1 }]);
    const refused = await h2.get(`/stats/kpis?district=${encodeURIComponent(D1)}`).expect(403);
    expect(refused.body.error.code).toBe('forbidden');

    const all = (await viewer.get(`/stats/kpis?${Q1}`).expect(200)).body;
    expect(triple(all.initiationRate)).toEqual([4, 5, 4 / 5]);
    expect(triple(all.closureRate)).toEqual([3, 4, 3 / 4]);

    // notified (visible to the procuratorate): c1 c5 c11, all opened
    const p = (await procuratorate.get(`/stats/kpis?${Q1}`).expect(200)).body;
    expect(triple(p.initiationRate)).toEqual([3, 3, 1]);
  });

  it('breaks the KPIs down by district with the same figures as one district at a time', async () => {
    const grouped = (await viewer.get(`/stats/kpis?${Q1}&groupBy=district`).expect(200)).body;
    expect(grouped.groupBy).toBe('district');
    expect(grouped.groups.map((g: { key: string }) => g.key).sort()).toEqual([D1, D2].sort());
    for (const g of grouped.groups) {
      const alone = (await viewer.get(`/stats/kpis?${Q1}&district=${encodeURIComponent(g.key)}`).expect(200)).body;
      for (const k of ['initiationRate', 'closureRate', 'restorationRate', 'moneyReceivedRate', 'daysLeadToClosure']) expect(triple(g[k])).toEqual(triple(alone[k]));
    }
    const byClass = (await viewer.get(`/stats/kpis?${Q1}&groupBy=caseClass`).expect(200)).body;
    const classes = Object.fromEntries(byClass.groups.map((g: { key: string; closureRate: { value: number | null; numerator: number; denominator: number } }) => [g.key, triple(g.closureRate)]));
    // opened in Q1: c1 formal (closed), c6 simplified (open), c11 simplified (closed), c7 simplified (closed), c5 unassessed (terminated)
    expect(classes).toEqual({ formal: [1, 1, 1], simplified: [2, 3, 2 / 3], unassessed: [0, 0, null] });
  });

  it('refuses unknown query keys, bad dates and a reversed period', async () => {
    expect((await h1.get('/stats/kpis?foo=1').expect(400)).body.error.code).toBe('invalid_request');
    await h1.get('/stats/kpis?from=2025-13-01').expect(400);
    await h1.get('/stats/kpis?from=2025-04-01&to=2025-03-01').expect(400);
    await h1.get('/stats/kpis?groupBy=state').expect(400);
    await h1.get('/stats/kpis?district[$ne]=x').expect(400);
  });

  it('describes every KPI: cohort, numerator, denominator, exclusions', async () => {
    const defs = (await viewer.get('/stats/kpis/definitions').expect(200)).body.items;
    const report = (await viewer.get('/stats/kpis').expect(200)).body;
    for (const d of defs) {
      expect(report[d.key]).toEqual(expect.objectContaining({ numerator: expect.any(Number), denominator: expect.any(Number) }));
      for (const field of ['cohort', 'numerator', 'denominator', 'excluded', 'reportedApart']) expect(d[field].length).toBeGreaterThan(0);
    }
    expect(defs.map((d: { key: string }) => d.key)).toEqual(expect.arrayContaining(['initiationRate', 'closureRate', 'restorationRate']));
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'kpis.md'), 'utf8');
    for (const d of defs) {
      expect(doc).toContain(`\`${d.key}\``);
      expect(doc).toContain(d.labels.zh.replace(/（.*）$/, ''));
    }
  });

  it('gives every KPI its five texts in Chinese too (zh), for the bureau\'s staff', async () => {
    const defs = (await viewer.get('/stats/kpis/definitions').expect(200)).body.items;
    expect(defs).toHaveLength(14);
    const han = /[\u4e00-\u9fff]/;
    for (const d of defs) {
      expect(d.zh).toEqual(expect.any(Object));
      for (const field of ['cohort', 'numerator', 'denominator', 'excluded', 'reportedApart']) {
        const text = d.zh[field];
        expect({ key: d.key, field, text: typeof text === 'string' && text.trim().length > 0 && han.test(text) }).toEqual({ key: d.key, field, text: true });
        // A translation, not the English copied over.
        expect(text).not.toBe(d[field]);
      }
    }
    // docs/kpis.md carries the same Chinese texts in its 统计口径（中文） table.
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'kpis.md'), 'utf8');
    for (const d of defs) for (const field of ['cohort', 'numerator', 'denominator']) expect(doc).toContain(d.zh[field]);
    const spec = (await viewer.get('/openapi.json').expect(200)).body;
    const item = spec.paths['/stats/kpis/definitions'].get.responses['200'].content['application/json'].schema.properties.items.items;
    expect(item.required).toContain('zh');
    expect(item.properties.zh.required).toEqual(expect.arrayContaining(['cohort', 'numerator', 'denominator', 'excluded', 'reportedApart']));
  });

  it('is in the OpenAPI document with its query schemas', async () => {
    const spec = (await viewer.get('/openapi.json').expect(200)).body;
    for (const p of ['/stats/kpis', '/stats/kpis.csv', '/stats/kpis/definitions', '/stats/overdue']) expect(spec.paths[p]?.get).toBeDefined();
    expect(spec.paths['/stats/kpis'].get.parameters.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['from', 'to', 'district', 'groupBy']));
  });
});

describe('the CSV export', () => {
  it('is UTF-8 with a BOM, has Chinese headers and parses back to the JSON figures', async () => {
    const res = await viewer.get(`/stats/kpis.csv?${Q1}&groupBy=district`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('\r\n');
    const rows = parseCsv(text);
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['统计期间起', '统计期间止', '辖区']);
    expect(header).toEqual(expect.arrayContaining(['启动率（%）', '启动率·分子（件）', '启动率·分母（件）', '结案率（%）', '修复率（%）', '赔偿资金到位率·分母（元）']));
    const json = (await viewer.get(`/stats/kpis?${Q1}&groupBy=district`).expect(200)).body;
    const col = (name: string) => header.indexOf(name);
    const total = rows[1]!;
    expect(total.slice(0, 3)).toEqual(['2025-01-01', '2025-03-31', '全部']);
    expect(Number(total[col('启动率·分子（件）')])).toBe(json.initiationRate.numerator);
    expect(Number(total[col('启动率·分母（件）')])).toBe(json.initiationRate.denominator);
    expect(Number(total[col('启动率（%）')])).toBeCloseTo(json.initiationRate.value * 100, 2);
    expect(Number(total[col('赔偿资金到位率·分母（元）')])).toBe(json.moneyReceivedRate.denominator / 100);
    expect(total[col('修复率（%）')]).toBe(String(Math.round(json.restorationRate.value * 10000) / 100));
    const wz = rows.find((r) => r[2] === D1)!;
    const group = json.groups.find((g: { key: string }) => g.key === D1);
    expect(Number(wz[col('结案率·分子（件）')])).toBe(group.closureRate.numerator);
    expect(rows).toHaveLength(1 + 1 + json.groups.length);
  });
});

describe('the overdue list', () => {
  it('lists open deadlines past due oldest first, by district and rule; a suspended case\'s clock is stopped', async () => {
    const first = (await h1.get('/stats/overdue').expect(200)).body;
    expect(first.items.map((i: { caseId: string; rule: string }) => [i.caseId, i.rule])).toEqual([
      [ids.c6, 'procuratorate_notice_15d'],
      [ids.c12, 'verification_30d'],
    ]);
    expect(first.items[0]).toMatchObject({ district: D1, status: 'open', label: { zh: expect.stringContaining('检察机关') } });
    expect(first.items[0].daysOverdue).toBeGreaterThan(300);
    expect(first.summary).toEqual([
      expect.objectContaining({ district: D1, rule: 'procuratorate_notice_15d', count: 1 }),
      expect.objectContaining({ district: D1, rule: 'verification_30d', count: 1 }),
    ]);
    expect(first.total).toBe(2);
    expect((await h2.get('/stats/overdue').expect(200)).body.items).toEqual([]);
  });

  it('pages with a cursor and filters by rule', async () => {
    const p1 = (await h1.get('/stats/overdue?limit=1').expect(200)).body;
    expect(p1.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.c6]);
    const p2 = (await h1.get(`/stats/overdue?limit=1&cursor=${p1.nextCursor}`).expect(200)).body;
    expect(p2.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.c12]);
    expect(p2.nextCursor).toBeNull();
    const byRule = (await h1.get('/stats/overdue?rule=verification_30d').expect(200)).body;
    expect(byRule.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.c12]);
    await h1.get('/stats/overdue?cursor=bogus').expect(400);
    await h1.get('/stats/overdue?rule=nope').expect(400);
  });

  it('follows the scheduler: deadlines it marks missed stay on the list as missed', async () => {
    await svc.scheduler.tick();
    const after = (await h1.get('/stats/overdue').expect(200)).body;
    expect(after.items.map((i: { caseId: string; status: string }) => [i.caseId, i.status])).toEqual([
      [ids.c6, 'missed'],
      [ids.c12, 'missed'],
    ]);
    const kpis = (await h1.get('/stats/kpis').expect(200)).body;
    expect(kpis.cases.overdue).toBe(2);
  });
});
