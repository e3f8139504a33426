import request from 'supertest';
import type { Express } from 'express';
import { TEST_ADMIN_TOKEN } from './service';

/** Small helpers for HTTP tests: real tokens, real requests. */

export const SUZHOU = ['姑苏区', '吴中区', '相城区', '吴江区', '虎丘区', '苏州工业园区', '常熟市', '张家港市', '昆山市', '太仓市'];

export async function newClient(app: Express, role: string, scope: { districts?: string[]; baseIds?: string[] } = {}, name = `${role} client`): Promise<{ id: string; token: string }> {
  const body: Record<string, unknown> = { name, role };
  if (['handler', 'reviewer', 'viewer', 'procuratorate'].includes(role)) body.districts = scope.districts ?? ['吴中区'];
  if (role === 'baseManager') body.baseIds = scope.baseIds ?? ['base_x'];
  const res = await request(app).post('/api/v1/clients').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(body);
  if (res.status !== 201) throw new Error(`client creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, token: res.body.token };
}

export function as(app: Express, token: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(request(app).get(`/api/v1${path}`)),
    post: (path: string, body?: unknown) => auth(request(app).post(`/api/v1${path}`)).send(body as object),
    put: (path: string, body?: unknown) => auth(request(app).put(`/api/v1${path}`)).send(body as object),
    patch: (path: string, body?: unknown) => auth(request(app).patch(`/api/v1${path}`)).send(body as object),
    delete: (path: string) => auth(request(app).delete(`/api/v1${path}`)),
  };
}

export type Caller = ReturnType<typeof as>;

export const leadBody = (over: Record<string, unknown> = {}) => ({
  title: '太湖沿岸非法倾倒建筑垃圾',
  channel: 'complaint',
  receivedAt: '2026-01-02',
  district: '吴中区',
  damageMedia: ['soil', 'wetland'],
  parties: [{ name: '苏州某建材有限公司', kind: 'company', creditCode: '91320506MA1XXXXX0A' }],
  ...over,
});

/** Sends an event and fails the test with the reply when it is not 200. */
export async function send(caller: Caller, caseId: string, event: Record<string, unknown>) {
  const res = await caller.post(`/cases/${caseId}/events`, event);
  if (res.status !== 200) throw new Error(`${String(event.type)} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A new lead carried through verification, the claim, the investigation and a simplified assessment: the case waits for its consultation notice. */
export async function leadAtConsultationNotice(caller: Caller, lead: Record<string, unknown> = {}): Promise<string> {
  const res = await caller.post('/cases', leadBody(lead));
  if (res.status !== 201) throw new Error(`lead registration → ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  for (const e of [
    { type: 'SCREENED', outcome: 'verify' },
    { type: 'DAMAGE_CONFIRMED', findings: '核查属实' },
    { type: 'CLAIM_STARTED' },
    { type: 'INVESTIGATION_CONCLUDED', conclusion: 'assess', obligorsIdentified: true },
    { type: 'ASSESSMENT_COMPLETED', route: 'simplified', amountFen: 1_000_000, restorability: 'none' },
  ]) await send(caller, id, e);
  return id;
}
