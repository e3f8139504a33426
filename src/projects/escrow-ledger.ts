import type { AllocationDocument } from '../../models/allocation';
import { contextOfCase } from '../cases/case-repository';
import { ProjectModel } from '../../models/project';
import type { EscrowDeposit, Obligation } from '../../workflows/case-context';
import { cstDate } from '../../workflows/fields';
import type { Period } from '../../workflows/rules';
import { requireAccess } from '../auth/permissions';
import { coversDistrict, type Principal } from '../auth/principal';
import { findCases, type CaseRecord } from '../cases/case-repository';
import { caseScopeOf } from '../cases/case-scope';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { afterCursor, decodeCursor, pageOf } from '../http/pagination';
import { parse } from '../http/validate';
import { allocationsOfCases, recoverStaleReservations } from './allocation-service';
import { escrowQuery } from './restoration-schemas';

/**
 * The escrow ledger (提存台账): money obligors deposited with a notary (公证提存), what of it is
 * confirmed to projects, what was released to them, and how long the rest has waited. A deposit
 * discharges the obligor's liability but restores nothing until a project receives it, and the
 * right to collect escrowed property lapses five years after the deposit (Civil Code art. 574):
 * so every deposit shows its age, its lapse date, and a flag once it has waited unallocated longer
 * than the configured period (rule `escrowUnallocatedFlagDays`, default 365 days).
 *
 * Confirmed allocations are charged to an obligation's deposits oldest first, so the age and flag
 * of each deposit describe the money that is really still waiting.
 */

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function addPeriod(date: string, period: Period): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (period.unit === 'years') d.setUTCFullYear(d.getUTCFullYear() + period.amount);
  // Working days would need the calendar; the lapse rule is in years, so calendar days are near enough here.
  else d.setUTCDate(d.getUTCDate() + period.amount);
  return d.toISOString().slice(0, 10);
}

const ledgerProjection = { snapshot: 1, district: 1, title: 1, caseNo: 1, state: 1, deadlines: 1, createdAt: 1 } as const;

interface DepositRow {
  certificateNo: string;
  notary: string;
  amountFen: number;
  depositedAt: string;
  allocatedFen: number;
  unallocatedFen: number;
  ageDays: number;
  flagged: boolean;
  lapseDate: string;
  daysToLapse: number;
}

function lapseDateOf(doc: CaseRecord, o: Obligation, d: EscrowDeposit, period: Period): string {
  const deadline = (doc.deadlines ?? []).find((x) => x.rule === 'escrow_lapse_5y' && x.ref === `${o.id}/${d.certificateNo}`);
  return deadline ? cstDate(new Date(deadline.dueAt).toISOString()) : addPeriod(cstDate(d.depositedAt), period);
}

function ledgerItem(doc: CaseRecord, allocations: AllocationDocument[], projectNames: Map<string, string>, today: string, flagDays: number, period: Period) {
  const obligations = contextOfCase(doc)
    .obligations.filter((o) => (o.escrowDeposits ?? []).length > 0)
    .map((o) => {
      const mine = allocations.filter((a) => a.obligationId === o.id);
      const confirmed = mine.filter((a) => a.status === 'confirmed');
      const allocatedFen = confirmed.reduce((s, a) => s + a.amountFen, 0);
      const releasedFen = confirmed.reduce((s, a) => s + (a.releasedFen ?? 0), 0);
      const depositedFen = o.escrowDeposits.reduce((s, d) => s + d.amountFen, 0);
      let charge = allocatedFen;
      const deposits: DepositRow[] = [...o.escrowDeposits]
        .sort((a, b) => a.depositedAt.localeCompare(b.depositedAt))
        .map((d) => {
          const allocatedHere = Math.min(d.amountFen, charge);
          charge -= allocatedHere;
          const unallocatedFen = d.amountFen - allocatedHere;
          const depositDate = cstDate(d.depositedAt);
          const ageDays = dayNumber(today) - dayNumber(depositDate);
          const lapseDate = lapseDateOf(doc, o, d, period);
          return {
            certificateNo: d.certificateNo,
            notary: d.notary,
            amountFen: d.amountFen,
            depositedAt: d.depositedAt,
            allocatedFen: allocatedHere,
            unallocatedFen,
            ageDays,
            flagged: unallocatedFen > 0 && ageDays > flagDays,
            lapseDate,
            daysToLapse: dayNumber(lapseDate) - dayNumber(today),
          };
        });
      const waiting = deposits.filter((d) => d.unallocatedFen > 0);
      return {
        obligationId: o.id,
        kind: o.kind,
        amountFen: o.amountFen ?? null,
        depositedFen,
        allocatedFen,
        releasedFen,
        unallocatedFen: Math.max(0, depositedFen - allocatedFen),
        balanceFen: depositedFen - releasedFen,
        flagged: deposits.some((d) => d.flagged),
        oldestUnallocatedAgeDays: waiting.length ? Math.max(...waiting.map((d) => d.ageDays)) : null,
        earliestLapseDate: deposits.length ? deposits.map((d) => d.lapseDate).sort()[0]! : null,
        deposits,
        allocations: mine.map((a) => ({
          id: a._id,
          projectId: a.projectId,
          projectName: projectNames.get(a.projectId) ?? null,
          amountFen: a.amountFen,
          status: a.status,
          confirmedAt: a.confirmedAt ? new Date(a.confirmedAt).toISOString() : null,
          releasedFen: a.releasedFen ?? 0,
          releases: (a.releases ?? []).map((r) => ({ id: r.id, amountFen: r.amountFen, milestone: r.milestone, releasedAt: new Date(r.releasedAt).toISOString() })),
        })),
      };
    });
  const sum = (k: 'depositedFen' | 'allocatedFen' | 'releasedFen' | 'unallocatedFen' | 'balanceFen') => obligations.reduce((s, o) => s + o[k], 0);
  return {
    caseId: doc._id,
    caseNo: doc.caseNo ?? null,
    title: doc.title,
    district: doc.district,
    state: doc.state,
    depositedFen: sum('depositedFen'),
    allocatedFen: sum('allocatedFen'),
    releasedFen: sum('releasedFen'),
    unallocatedFen: sum('unallocatedFen'),
    balanceFen: sum('balanceFen'),
    flagged: obligations.some((o) => o.flagged),
    obligations,
  };
}

export async function escrowLedger(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  const caller = requireAccess(principal, 'escrow.read');
  const q = parse(escrowQuery, query, 'query');
  if (q.district && !coversDistrict(caller, q.district)) throw errors.forbidden(`You may not read the escrow ledger of ${q.district}.`);
  await recoverStaleReservations(ctx);
  const cursor = decodeCursor(q.cursor);
  const conditions: Record<string, unknown>[] = [{ 'kpi.escrowDepositedFen': { $gt: 0 } }];
  if (q.district) conditions.push({ district: q.district });
  if (q.caseId) conditions.push({ _id: q.caseId });
  const page = afterCursor('createdAt', cursor);
  if (Object.keys(page).length) conditions.push(page);
  const docs = await findCases(caseScopeOf(caller), { $and: conditions }, { sort: { createdAt: -1, _id: -1 }, limit: q.limit + 1, projection: ledgerProjection });

  const allocations = await allocationsOfCases(docs.map((d) => d._id));
  const projectIds = [...new Set(allocations.map((a) => a.projectId))];
  const projects = projectIds.length ? await ProjectModel.find({ _id: { $in: projectIds } }, { name: 1 }).lean() : [];
  const projectNames = new Map(projects.map((p) => [p._id, p.name]));
  const rules = ctx.workflow.rules;
  const today = cstDate(ctx.clock.now().toISOString());
  const byCase = new Map<string, AllocationDocument[]>();
  for (const a of allocations) byCase.set(a.caseId, [...(byCase.get(a.caseId) ?? []), a]);

  const result = pageOf(docs, q.limit, (d) => new Date(d.createdAt), (d) =>
    ledgerItem(d, byCase.get(d._id) ?? [], projectNames, today, rules.escrowUnallocatedFlagDays, rules.periods.escrow_lapse_5y),
  );
  const items = q.flagged === undefined ? result.items : result.items.filter((i) => i.flagged === (q.flagged === 'true'));
  const total = (k: 'depositedFen' | 'allocatedFen' | 'releasedFen' | 'unallocatedFen' | 'balanceFen') => items.reduce((s, i) => s + i[k], 0);
  return {
    asOf: today,
    flagAfterDays: rules.escrowUnallocatedFlagDays,
    lapsePeriod: rules.periods.escrow_lapse_5y,
    totals: {
      depositedFen: total('depositedFen'),
      allocatedFen: total('allocatedFen'),
      releasedFen: total('releasedFen'),
      unallocatedFen: total('unallocatedFen'),
      balanceFen: total('balanceFen'),
      flaggedCases: items.filter((i) => i.flagged).length,
    },
    items,
    nextCursor: result.nextCursor,
  };
}
