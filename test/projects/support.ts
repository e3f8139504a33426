import { leadBody, send, type Caller } from '../support/api';

/** Drives cases and projects through HTTP to where the restoration tests start. */

export interface MoneyCaseOptions {
  district?: string;
  kind?: 'escrow' | 'substitute_restoration';
  amountFen: number;
  /** Deposit this much with the notary once the case is in performance (default: nothing). */
  depositFen?: number;
  depositedAt?: string;
  damageMedia?: string[];
  title?: string;
  certificateNo?: string;
}

let certificateSeq = 0;

export interface DepositInput {
  obligationId: string;
  amountFen: number;
  depositedAt?: string;
  certificateNo?: string;
}

/**
 * A case agreed with the given obligations (O1, O2, ... in order), waived judicial confirmation,
 * so it is in performance; then the deposits are recorded with the notary.
 */
export async function caseWithObligations(
  handler: Caller,
  obligations: { kind: string; amountFen?: number }[],
  deposits: DepositInput[] = [],
  o: { district?: string; damageMedia?: string[]; title?: string; receivedAt?: string } = {},
): Promise<{ id: string; view: Record<string, unknown> }> {
  const district = o.district ?? '吴中区';
  const created = await handler.post('/cases', leadBody({ ...(o.receivedAt ? { receivedAt: o.receivedAt } : {}), district, damageMedia: o.damageMedia ?? ['surface_water', 'wetland'], title: o.title ?? '太湖沿岸湿地受损', parties: [{ name: '苏州某化工有限公司', kind: 'company' }] }));
  if (created.status !== 201) throw new Error(`case creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const total = obligations.reduce((s, x) => s + (x.amountFen ?? 0), 0);
  for (const e of [
    { type: 'SCREENED', outcome: 'verify' },
    { type: 'DAMAGE_CONFIRMED', findings: '湿地植被受损' },
    { type: 'CLAIM_STARTED' },
    { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: Math.min(Math.max(total, 1), 30_000_000), restorability: 'none' },
    { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-01-06', replyDueAt: '2026-01-20' },
    { type: 'OBLIGOR_REPLIED', reply: 'agree_to_consult' },
    { type: 'CONSULTATION_MEETING_HELD', heldAt: '2026-01-08', obligorAttended: true },
    { type: 'CONSULTATION_AGREED', obligations: obligations.map((x) => ({ ...x, partyId: 'P1' })) },
    { type: 'AGREEMENT_SIGNED', signedAt: '2026-01-10' },
    { type: 'JUDICIAL_CONFIRMATION_WAIVED' },
  ]) await send(handler, id, e);
  let view = (await handler.get(`/cases/${id}`)).body as Record<string, unknown>;
  for (const d of deposits) {
    view = await send(handler, id, {
      type: 'ESCROW_DEPOSITED',
      obligationId: d.obligationId,
      amountFen: d.amountFen,
      notary: '苏州市姑苏公证处',
      certificateNo: d.certificateNo ?? `(2026)苏姑证字第${++certificateSeq}号`,
      depositedAt: d.depositedAt ?? '2026-01-12',
    });
  }
  return { id, view };
}

/** A case agreed with one substitute-restoration or escrow obligation (O1), in performance or past it. */
export async function moneyCase(handler: Caller, o: MoneyCaseOptions): Promise<{ id: string; view: Record<string, unknown> }> {
  const deposits = o.depositFen ? [{ obligationId: 'O1', amountFen: o.depositFen, ...(o.depositedAt ? { depositedAt: o.depositedAt } : {}), ...(o.certificateNo ? { certificateNo: o.certificateNo } : {}) }] : [];
  return caseWithObligations(handler, [{ kind: o.kind ?? 'escrow', amountFen: o.amountFen }], deposits, { district: o.district, damageMedia: o.damageMedia, title: o.title });
}

export const projectBody = (over: Record<string, unknown> = {}) => ({
  name: '金庭镇湿地生态修复项目',
  method: 'wetland_restoration',
  media: ['wetland', 'surface_water'],
  district: '吴中区',
  town: '金庭镇',
  location: { lng: 120.29, lat: 31.1 },
  owner: '太湖生态岛建设管理中心',
  implementer: '苏州某生态工程有限公司',
  budgetFen: 1_000_000,
  startDate: '2026-02-01',
  endDate: '2026-12-31',
  acceptanceCriteria: '湿地植被覆盖率恢复至80%以上，水质达到III类',
  publicBenefit: '恢复太湖沿岸湿地生态功能',
  ...over,
});

/** A base manager's published project. */
export async function publishedProject(manager: Caller, baseId: string, over: Record<string, unknown> = {}): Promise<string> {
  const created = await manager.post(`/bases/${baseId}/projects`, projectBody(over));
  if (created.status !== 201) throw new Error(`project creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await manager.post(`/projects/${created.body.id}/publish`, {});
  if (published.status !== 200) throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
  return created.body.id as string;
}

export async function newBase(admin: Caller, over: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post('/bases', { name: '太湖生态岛示范基地', district: '吴中区', place: '金庭镇', areaKm2: 84.59, ...over });
  if (res.status !== 201) throw new Error(`base creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Proposes, then accepts from both sides; returns the last reply. */
export async function allocateAndConfirm(handler: Caller, manager: Caller, body: { caseId: string; obligationId: string; projectId: string; amountFen: number }) {
  const proposed = await handler.post('/allocations', body);
  if (proposed.status !== 201) throw new Error(`proposal failed: ${proposed.status} ${JSON.stringify(proposed.body)}`);
  const a = await handler.post(`/allocations/${proposed.body.id}/accept`);
  if (a.status !== 200) throw new Error(`case-side accept failed: ${a.status} ${JSON.stringify(a.body)}`);
  return manager.post(`/allocations/${proposed.body.id}/accept`);
}
