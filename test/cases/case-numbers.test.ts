import { CaseNumberModel } from '../../models/case-number';
import { backfillManualCaseNumbers, parseCaseNo } from '../../src/cases/case-numbers';
import { defaultRules } from '../../workflows/rules';
import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/** Official case numbers (立案编号) are unique, whether issued by the sequence or entered by hand. */

const bed = caseTestBed('2026-03-02T02:00:00Z');

/** A lead carried to the claim decision, ready for CLAIM_STARTED. */
async function readyToStart(title: string): Promise<string> {
  const id = (await bed.handler.post('/cases', leadBody({ title, receivedAt: '2026-02-20' })).expect(201)).body.id as string;
  await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(bed.handler, id, { type: 'DAMAGE_CONFIRMED', findings: '核查属实' });
  return id;
}

const start = (id: string, caseNo?: string) => bed.handler.post(`/cases/${id}/events`, { type: 'CLAIM_STARTED', ...(caseNo ? { caseNo } : {}) });

describe('case numbers', () => {
  it('reads a number in the configured format whatever its padding, and nothing else', () => {
    expect(parseCaseNo(defaultRules, '苏环赔〔2026〕0037号', 2026)).toEqual({ year: 2026, seq: 37 });
    expect(parseCaseNo(defaultRules, '苏环赔〔2026〕37号', 2026)).toEqual({ year: 2026, seq: 37 });
    expect(parseCaseNo(defaultRules, '苏环赔〔2025〕0001号', 2026)).toEqual({ year: 2025, seq: 1 });
    expect(parseCaseNo(defaultRules, '吴环赔〔2026〕0037号', 2026)).toBeNull();
    expect(parseCaseNo(defaultRules, '苏环赔〔2026〕0000号', 2026)).toBeNull();
    expect(parseCaseNo({ ...defaultRules, caseNoFormat: 'ECO-{seq}' }, 'ECO-12', 2027)).toEqual({ year: 2027, seq: 12 });
  });

  it('refuses a hand-entered number that the sequence already issued, in any padding (409), and changes nothing', async () => {
    const first = await readyToStart('自动编号的案件');
    const issued = (await start(first).expect(200)).body.caseNo as string;
    expect(issued).toBe('苏环赔〔2026〕0001号');

    const second = await readyToStart('手工编号重复的案件');
    for (const again of [issued, '苏环赔〔2026〕1号']) {
      const res = await start(second, again).expect(409);
      expect(res.body.error.code).toBe('case_no_taken');
    }
    const unchanged = (await bed.handler.get(`/cases/${second}`).expect(200)).body;
    expect(unchanged).toMatchObject({ state: 'startDecision', version: 3 });
    expect(unchanged.caseNo ?? null).toBeNull();
  });

  it('continues the sequence after a hand-entered number instead of issuing it again', async () => {
    const manual = await readyToStart('手工编号的案件');
    expect((await start(manual, '苏环赔〔2026〕0002号').expect(200)).body.caseNo).toBe('苏环赔〔2026〕0002号');
    const next = await readyToStart('其后自动编号的案件');
    expect((await start(next).expect(200)).body.caseNo).toBe('苏环赔〔2026〕0003号');
  });

  it('refuses the same hand-entered number on two cases, also in another format', async () => {
    const a = await readyToStart('自编号甲');
    const b = await readyToStart('自编号乙');
    await start(a, '吴中环赔字〔2026〕第8号').expect(200);
    expect((await start(b, '吴中环赔字〔2026〕第8号').expect(409)).body.error.code).toBe('case_no_taken');
    expect((await start(b, '吴中环赔字〔2026〕第9号').expect(200)).body.caseNo).toBe('吴中环赔字〔2026〕第9号');
  });

  it('gives numbers entered before this rule their year and sequence at start-up, so the sequence skips them', async () => {
    // As an earlier version stored a hand-entered number: by its text only.
    await CaseNumberModel.create({ _id: 'manual:苏环赔〔2026〕0004号', caseId: 'case_legacy', caseNo: '苏环赔〔2026〕0004号', at: new Date('2026-02-01T00:00:00Z') });
    expect(await backfillManualCaseNumbers(bed.svc.ctx.workflow.rules)).toBe(1);
    expect(await backfillManualCaseNumbers(bed.svc.ctx.workflow.rules)).toBe(0);
    const next = await readyToStart('迁移后自动编号的案件');
    expect((await start(next).expect(200)).body.caseNo).toBe('苏环赔〔2026〕0005号');
    const other = await readyToStart('迁移后手工编号的案件');
    expect((await start(other, '苏环赔〔2026〕0004号').expect(409)).body.error.code).toBe('case_no_taken');
  });
});
