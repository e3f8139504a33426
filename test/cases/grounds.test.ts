import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { leadAtConsultationNotice, leadBody, send, type Caller } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/**
 * Coded grounds for not starting and for terminating a claim: the 2025 ground "damage already
 * restored through administrative enforcement or litigation", the not-start grounds found later as
 * termination grounds under the same codes, and the lists a deployment enables (RULES_FILE).
 */

async function atStartDecision(handler: Caller): Promise<string> {
  const id = (await handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
  await send(handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(handler, id, { type: 'DAMAGE_CONFIRMED', findings: '核查属实' });
  return id;
}

const assessed = (handler: Caller) => leadAtConsultationNotice(handler, { receivedAt: '2026-03-02' });

describe('with the default rules', () => {
  const bed = caseTestBed('2026-03-10T02:00:00Z');

  it('does not start a claim on damage already restored through enforcement or litigation, counted under that ground', async () => {
    const id = await atStartDecision(bed.handler);
    const view = await send(bed.handler, id, { type: 'CLAIM_NOT_STARTED', reasonCode: 'restored_via_enforcement_or_litigation', note: '已通过行政执法责令修复并验收' });
    expect(view).toMatchObject({ state: 'closed', outcome: 'not_started', claim: { reasonCode: 'restored_via_enforcement_or_litigation' } });
    const kpis = (await bed.handler.get('/stats/kpis').expect(200)).body;
    expect(kpis.initiationRate.reportedApart.notStartedByReason).toEqual({ restored_via_enforcement_or_litigation: 1 });
  });

  it('terminates a started claim on a not-start ground found later, under the same code, and after an assessment that does not support the claim', async () => {
    const later = await assessed(bed.handler);
    expect(await send(bed.handler, later, { type: 'TERMINATED', reasonCode: 'restored_via_enforcement_or_litigation', note: '诉讼中已判决修复' })).toMatchObject({ outcome: 'terminated', termination: { reasonCode: 'restored_via_enforcement_or_litigation' } });
    const unsupported = await assessed(bed.handler);
    expect(await send(bed.handler, unsupported, { type: 'TERMINATED', reasonCode: 'findings_do_not_support', note: '鉴定评估结论不支持索赔' })).toMatchObject({
      outcome: 'terminated',
      termination: { reasonCode: 'findings_do_not_support' },
    });
  });
});

describe('with a province\'s own lists (RULES_FILE)', () => {
  const rulesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eco-rules-')), 'rules.json');
  fs.writeFileSync(rulesFile, JSON.stringify({
    notStartGrounds: ['already_performed', 'covered_by_judgment', 'significantly_minor', 'obligor_extinct', 'permitted_discharge', 'other'],
    terminationGrounds: ['findings_do_not_support', 'obligor_extinct', 'covered_elsewhere'],
  }));
  const bed = caseTestBed('2026-03-10T02:00:00Z', { env: { RULES_FILE: rulesFile } });

  it('refuses a ground the rules do not enable, naming it, and accepts the enabled ones', async () => {
    const id = await atStartDecision(bed.handler);
    const refused = await bed.handler.post(`/cases/${id}/events`, { type: 'CLAIM_NOT_STARTED', reasonCode: 'restored_via_enforcement_or_litigation', note: '已修复' }).expect(422);
    expect(refused.body.error.details.reason).toContain('本地规则未启用不启动索赔事由“生态环境损害已通过行政执法、诉讼等途径得到修复”');
    expect(await send(bed.handler, id, { type: 'CLAIM_NOT_STARTED', reasonCode: 'already_performed', note: '已履行' })).toMatchObject({ outcome: 'not_started' });

    const started = await assessed(bed.handler);
    const other = await bed.handler.post(`/cases/${started}/events`, { type: 'TERMINATED', reasonCode: 'other', note: '其他' }).expect(422);
    expect(other.body.error.details.reason).toContain('本地规则未启用终止事由“其他情形”');
    expect(await send(bed.handler, started, { type: 'TERMINATED', reasonCode: 'findings_do_not_support', note: '结论不支持' })).toMatchObject({ outcome: 'terminated' });
  });
});
