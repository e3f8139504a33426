import { send, type Caller } from '../support/api';

/**
 * Case histories for the statistics tests, written as the business dates things happened on.
 * Dates are China Standard Time days (`2025-01-20` is that day's midnight in Beijing).
 */

export type Step = { type: string; at: string } & Record<string, unknown>;

const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export const ev = {
  screen: (at: string): Step => ({ type: 'SCREENED', outcome: 'verify', at }),
  confirm: (at: string): Step => ({ type: 'DAMAGE_CONFIRMED', findings: '经初步核查，存在生态环境损害', at }),
  noDamage: (at: string): Step => ({ type: 'NO_DAMAGE', reason: '未发现损害', at }),
  start: (at: string): Step => ({ type: 'CLAIM_STARTED', at }),
  notStart: (at: string, reasonCode: string): Step => ({
    type: 'CLAIM_NOT_STARTED',
    reasonCode,
    note: '依法不启动索赔',
    ...(reasonCode === 'significantly_minor' ? { estimatedDamageFen: 150_000 } : {}),
    at,
  }),
  notify: (at: string): Step => ({ type: 'PROCURATORATE_NOTIFIED', procuratorate: '苏州市吴中区人民检察院', at }),
  investigate: (at: string): Step => ({ type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true, at }),
  assess: (at: string, route: 'formal' | 'simplified' | 'documentary', amountFen: number): Step => ({
    type: 'ASSESSMENT_COMPLETED',
    route,
    amountFen,
    restorability: 'partial',
    at,
  }),
  serve: (at: string): Step => ({ type: 'CONSULTATION_NOTICE_SERVED', servedAt: at, replyDueAt: plusDays(at, 20), at }),
  agree: (at: string, obligations: Record<string, unknown>[]): Step => ({ type: 'CONSULTATION_AGREED', obligations, at }),
  fail: (at: string): Step => ({ type: 'CONSULTATION_FAILED', reasonCode: 'other', note: '义务人拒不承担责任', at }),
  sign: (at: string): Step => ({ type: 'AGREEMENT_SIGNED', signedAt: at, at }),
  applyJc: (at: string): Step => ({ type: 'JUDICIAL_CONFIRMATION_APPLIED', court: '苏州市中级人民法院', appliedAt: at, at }),
  ruleJc: (at: string, result: 'confirmed' | 'rejected'): Step => ({ type: 'JUDICIAL_CONFIRMATION_RULED', result, at }),
  waiveJc: (at: string): Step => ({ type: 'JUDICIAL_CONFIRMATION_WAIVED', at }),
  perform: (at: string, obligationId: string, paidFen?: number): Step => ({
    type: 'OBLIGATION_PROGRESS',
    obligationId,
    status: 'performed',
    ...(paidFen !== undefined ? { paidFen } : {}),
    at,
  }),
  deposit: (at: string, obligationId: string, amountFen: number, certificateNo: string): Step => ({
    type: 'ESCROW_DEPOSITED',
    obligationId,
    amountFen,
    notary: '苏州市姑苏公证处',
    certificateNo,
    depositedAt: at,
    at,
  }),
  pass: (at: string): Step => ({ type: 'EVALUATION_PASSED', at }),
  exempt: (at: string): Step => ({ type: 'EVALUATION_EXEMPTED', reasonCode: 'no_restoration_obligation', at }),
  close: (at: string): Step => ({ type: 'CASE_CLOSED', at }),
  terminate: (at: string, reasonCode: string): Step => ({ type: 'TERMINATED', reasonCode, note: '终止索赔', at }),
  suspend: (at: string): Step => ({ type: 'SUSPENDED', reason: '等待刑事判决', at }),
};

let serial = 0;

/** Registers a lead and sends its steps in order; returns the case id. */
export async function makeCase(caller: Caller, district: string, receivedAt: string, steps: Step[], title?: string): Promise<string> {
  serial += 1;
  const res = await caller.post('/cases', {
    title: title ?? `统计测试案件 ${serial}`,
    channel: serial % 2 ? 'administrative_penalty' : 'complaint',
    receivedAt,
    district,
    parties: [{ name: `测试企业${serial}`, kind: 'company' }],
  });
  if (res.status !== 201) throw new Error(`lead → ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  for (const step of steps) await send(caller, id, step);
  return id;
}
