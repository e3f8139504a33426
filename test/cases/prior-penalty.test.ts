import { leadBody, send } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/**
 * Re-offending within two years excludes the "significantly minor" route; the bed.handler can show it
 * with a prior administrative penalty decision, not only by another compensation case.
 */

const bed = caseTestBed('2026-03-10T02:00:00Z');

async function atStartDecision(): Promise<string> {
  const id = (await bed.handler.post('/cases', leadBody({ receivedAt: '2026-03-02' })).expect(201)).body.id as string;
  await send(bed.handler, id, { type: 'SCREENED', outcome: 'verify' });
  await send(bed.handler, id, { type: 'DAMAGE_CONFIRMED', findings: '少量倾倒，已清理' });
  return id;
}

const minor = { type: 'CLAIM_NOT_STARTED', reasonCode: 'significantly_minor', note: '损害显著轻微', estimatedDamageFen: 100_000 };

describe('prior penalty decisions', () => {
  it('refuse the significantly-minor route for a party penalised within two years before the lead', async () => {
    const id = await atStartDecision();
    const view = await send(bed.handler, id, { type: 'PRIOR_PENALTY_RECORDED', partyId: 'P1', decisionRef: '吴环罚〔2025〕12号', decidedAt: '2025-06-01', authority: '苏州市吴中生态环境局' });
    expect(view.version).toBe(4);
    const res = await bed.handler.post(`/cases/${id}/events`, minor).expect(422);
    expect(res.body.error.details.reason).toContain('当事人2年内曾受行政处罚（吴环罚〔2025〕12号，2025-06-01），不适用“显著轻微”');
    // Another ground is still open to the bureau.
    await send(bed.handler, id, { type: 'CLAIM_NOT_STARTED', reasonCode: 'already_performed', note: '已自行清理并赔偿' });
  });

  it('do not count when older than the window', async () => {
    const id = await atStartDecision();
    await send(bed.handler, id, { type: 'PRIOR_PENALTY_RECORDED', partyId: 'P1', decisionRef: '吴环罚〔2023〕3号', decidedAt: '2023-11-20' });
    expect(await send(bed.handler, id, minor)).toMatchObject({ state: 'closed', outcome: 'not_started' });
  });

  it('given with the decision not to start (priorPenaltyRef), refuse the significantly-minor route too', async () => {
    const id = await atStartDecision();
    const res = await bed.handler.post(`/cases/${id}/events`, { ...minor, priorPenaltyRef: '吴环罚〔2025〕30号' }).expect(422);
    expect(res.body.error.details.reason).toContain('当事人2年内曾受行政处罚（吴环罚〔2025〕30号），不适用“显著轻微”');
    const view = await send(bed.handler, id, { type: 'CLAIM_NOT_STARTED', reasonCode: 'permitted_discharge', note: '持证排污', priorPenaltyRef: '吴环罚〔2025〕30号' });
    expect(view.claim).toMatchObject({ reasonCode: 'permitted_discharge', priorPenaltyRef: '吴环罚〔2025〕30号' });
  });

  it('are refused for an unknown party, twice over, or with a date after today', async () => {
    const id = await atStartDecision();
    const record = (over: Record<string, unknown>) => bed.handler.post(`/cases/${id}/events`, { type: 'PRIOR_PENALTY_RECORDED', partyId: 'P1', decisionRef: '吴环罚〔2026〕1号', decidedAt: '2026-01-05', ...over });
    expect((await record({ partyId: 'P9' }).expect(422)).body.error.details.reason).toContain('未知的当事人');
    await record({}).expect(200);
    expect((await record({}).expect(422)).body.error.details.reason).toContain('该处罚决定已登记');
    expect((await record({ decisionRef: '吴环罚〔2026〕2号', decidedAt: '2026-03-11' }).expect(422)).body.error.details.reason).toContain('处罚决定日期（2026年3月11日）不能晚于今天');
  });
});
