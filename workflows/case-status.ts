import type { CaseContext } from './case-context';
import { allocatableKinds, restorationKinds } from './vocabulary';

/**
 * The two tracks of a case (domain.md): the obligor's liability, discharged by payment, restoration
 * or an escrow deposit; and the restoration actually delivered. Escrowed money that no project has
 * yet received counts as not restored.
 */

export type LiabilityStatus = 'open' | 'discharged';
export type RestorationStatus = 'none' | 'pending' | 'partly_allocated' | 'allocated' | 'in_progress' | 'restored';

export function liabilityStatus(ctx: CaseContext): LiabilityStatus {
  if (ctx.obligations.length === 0) return ctx.outcome ? 'discharged' : 'open';
  return ctx.obligations.every((o) => o.status === 'performed') ? 'discharged' : 'open';
}

/** What the restoration bases report back for this case's money (from confirmed allocations). */
export interface RestorationFacts {
  allocatedFenByObligation: Record<string, number>;
  /** Projects that received this case's money: how many, and how many are in progress or accepted. */
  fundedProjects: number;
  projectsStarted: number;
  projectsAccepted: number;
}

export const noRestorationFacts: RestorationFacts = { allocatedFenByObligation: {}, fundedProjects: 0, projectsStarted: 0, projectsAccepted: 0 };

export function allocatableFen(ctx: CaseContext): number {
  return ctx.obligations
    .filter((o) => allocatableKinds.includes(o.kind))
    .reduce((sum, o) => sum + Math.max(o.amountFen ?? 0, o.escrowDeposits.reduce((s, d) => s + d.amountFen, 0)), 0);
}

export function restorationStatus(ctx: CaseContext, facts: RestorationFacts = noRestorationFacts): RestorationStatus {
  const duties = ctx.obligations.filter((o) => restorationKinds.includes(o.kind) || allocatableKinds.includes(o.kind));
  if (duties.length === 0) return 'none';
  const onSite = duties.filter((o) => !allocatableKinds.includes(o.kind));
  const money = allocatableFen(ctx);
  const allocated = Object.values(facts.allocatedFenByObligation).reduce((s, v) => s + v, 0);
  const moneyPlaced = money === 0 || allocated >= money;
  const evaluationOk = ctx.evaluation?.result === 'passed' || ctx.evaluation?.result === 'exempted';
  const onSiteDone = onSite.every((o) => o.status === 'performed');

  if (evaluationOk && onSiteDone && moneyPlaced && facts.projectsAccepted === facts.fundedProjects) return 'restored';
  if (facts.projectsStarted > 0 || onSite.some((o) => o.status === 'in_progress' || o.status === 'performed')) return 'in_progress';
  if (money > 0 && allocated > 0) return allocated >= money ? 'allocated' : 'partly_allocated';
  return 'pending';
}
