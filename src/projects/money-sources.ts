import { ObligationLedgerModel, obligationLedgerId, type ObligationLedgerDocument } from '../../models/obligation-ledger';
import type { CaseContext, Obligation } from '../../workflows/case-context';
import { allocatableKinds } from '../../workflows/vocabulary';
import type { Medium, MoneySource } from '../matching/types';
import { contextOfCase, findCases, loadCase, type CaseRecord } from '../cases/case-repository';
import type { CaseScope } from '../cases/case-scope';

/**
 * The money a case can place into restoration projects: its substitute-restoration (替代性修复) and
 * escrow (公证提存) obligations, read from the case's machine snapshot, less what is already
 * confirmed to projects (the obligation ledgers).
 */

/**
 * The money one obligation can place.
 * - escrow: what was deposited with the notary (nothing before the first deposit);
 * - substitute restoration: the amount owed, or what was deposited when that is more.
 * It only grows as deposits are recorded, so a confirmation that read it a moment ago never
 * over-allocates (see docs/escrow.md).
 */
export function obligationMoneyFen(o: Pick<Obligation, 'kind' | 'amountFen' | 'escrowDeposits'>): number {
  const deposited = (o.escrowDeposits ?? []).reduce((s, d) => s + d.amountFen, 0);
  if (o.kind === 'escrow') return deposited;
  if (o.kind === 'substitute_restoration') return Math.max(o.amountFen ?? 0, deposited);
  return 0;
}

export function allocatableObligations(ctx: CaseContext): Obligation[] {
  return ctx.obligations.filter((o) => allocatableKinds.includes(o.kind));
}

/** Fields of a case document the money sources need. */
const sourceProjection = { snapshot: 1, district: 1, title: 1, caseNo: 1, location: 1, damageMedia: 1, createdAt: 1, deadlines: 1, state: 1 } as const;

/** Cases in scope that have at least one substitute-restoration or escrow obligation. */
export async function findMoneyCases(scope: CaseScope, filter: { districts?: readonly string[]; caseIds?: readonly string[]; escrowOnly?: boolean }, limit = 100_000): Promise<CaseRecord[]> {
  const conditions: Record<string, unknown>[] = [{ 'snapshot.context.obligations.kind': { $in: [...allocatableKinds] } }];
  if (filter.districts) conditions.push({ district: { $in: [...filter.districts] } });
  if (filter.caseIds) conditions.push({ _id: { $in: [...filter.caseIds] } });
  if (filter.escrowOnly) conditions.push({ 'kpi.escrowDepositedFen': { $gt: 0 } });
  return findCases(scope, { $and: conditions }, { sort: { createdAt: -1, _id: -1 }, limit, projection: sourceProjection });
}

export async function loadLedgers(caseIds: readonly string[]): Promise<Map<string, ObligationLedgerDocument>> {
  const out = new Map<string, ObligationLedgerDocument>();
  if (caseIds.length === 0) return out;
  const docs = await ObligationLedgerModel.find({ caseId: { $in: [...caseIds] } }).lean<ObligationLedgerDocument[]>();
  for (const d of docs) out.set(d._id, d);
  return out;
}

export function allocatedFenOf(ledgers: Map<string, ObligationLedgerDocument>, caseId: string, obligationId: string): number {
  return ledgers.get(obligationLedgerId(caseId, obligationId))?.allocatedFen ?? 0;
}

export interface ObligationMoney {
  obligation: Obligation;
  moneyFen: number;
  allocatedFen: number;
  unallocatedFen: number;
}

export function obligationMoneyOf(doc: CaseRecord, ledgers: Map<string, ObligationLedgerDocument>): ObligationMoney[] {
  return allocatableObligations(contextOfCase(doc)).map((o) => {
    const moneyFen = obligationMoneyFen(o);
    const allocatedFen = allocatedFenOf(ledgers, doc._id, o.id);
    return { obligation: o, moneyFen, allocatedFen, unallocatedFen: Math.max(0, moneyFen - allocatedFen) };
  });
}

/** The matching module's input: one source per obligation that still has unallocated money. */
export function moneySourcesOf(cases: readonly CaseRecord[], ledgers: Map<string, ObligationLedgerDocument>): MoneySource[] {
  const out: MoneySource[] = [];
  for (const doc of cases) {
    for (const m of obligationMoneyOf(doc, ledgers)) {
      if (m.unallocatedFen <= 0) continue;
      const location = doc.location?.lng !== undefined && doc.location?.lat !== undefined && doc.location.lng !== null && doc.location.lat !== null ? { lng: doc.location.lng, lat: doc.location.lat } : undefined;
      out.push({
        caseId: doc._id,
        obligationId: m.obligation.id,
        ...(doc.caseNo ? { caseNo: doc.caseNo } : {}),
        caseTitle: doc.title,
        district: doc.district,
        ...(location ? { location } : {}),
        damageMedia: (doc.damageMedia ?? []) as Medium[],
        amountFen: m.unallocatedFen,
        ...(m.obligation.dueDate ? { dueDate: m.obligation.dueDate } : {}),
      });
    }
  }
  return out;
}

/** The money of one obligation as the case stands now (for a confirmation's guard). */
export async function currentObligationMoney(scope: CaseScope, caseId: string, obligationId: string): Promise<number> {
  const doc = await loadCase(scope, caseId);
  if (!doc) return 0;
  const o = contextOfCase(doc).obligations.find((x) => x.id === obligationId);
  return o ? obligationMoneyFen(o) : 0;
}
