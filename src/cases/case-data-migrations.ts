import type { QueryFilter } from 'mongoose';
import type { CaseDocument } from '../../models/case';
import type { CaseContext } from '../../workflows/case-context';
import { countsAsDue, nextDueAt, registrationDeadlines } from '../../workflows/deadlines';
import type { AppContext } from '../context';
import { kpiFieldsOf } from '../stats/kpi-fields';
import { commitCaseChange, contextOfCase, findCases } from './case-repository';
import { systemCaseScope } from './case-scope';
import { toDeadline, toRecord } from './deadline-records';

/**
 * Start-up migrations of stored cases when a rule of the procedure changes what a case's derived
 * fields say (docs/workflow.md, "Data migrations"). Each is idempotent, touches only the cases it
 * names, and writes with the case's version guard, so a case advanced meanwhile is left to the next
 * start (it then already carries the new rule).
 *
 * 1. The 30-day verification period runs from the lead's receipt: a lead registered before that
 *    rule, still unscreened, gets its verification_30d deadline (anchored on receivedAt).
 * 2. A lead screened out as a duplicate or out of scope closed as "not started"; it is
 *    `screened_out`, kept out of not-start figures and lists.
 * 3. The court's notice period of a judicial confirmation is a not-before date, never missed: one
 *    the scheduler marked missed is open (or met) again, and the case's overdue flag follows.
 */
type Stored = Pick<CaseDocument, '_id' | 'deadlines' | 'version' | 'receivedAt' | 'snapshot'>;

const scope = systemCaseScope('start-up migration');

/**
 * One migration: the cases the filter names (read through the case repository), each rewritten with
 * the fields `change` gives (null: nothing to do) by the repository's version-guarded write.
 */
async function migrate(filter: QueryFilter<CaseDocument>, change: (doc: Stored) => Record<string, unknown> | null): Promise<number> {
  const docs = (await findCases(scope, filter, { sort: { _id: 1 }, limit: 0 /* no limit */, projection: { deadlines: 1, version: 1, receivedAt: 1, snapshot: 1 } })) as unknown as Stored[];
  let changed = 0;
  for (const doc of docs) {
    const set = change(doc);
    if (set && (await commitCaseChange(scope, doc._id, doc.version, { $set: set }))) changed += 1;
  }
  return changed;
}

export async function migrateStoredCases(ctx: AppContext): Promise<{ leadsGivenVerificationDeadline: number; screenedOut: number; notBeforeDatesRestored: number }> {
  const calendar = await ctx.workflow.calendar.get();

  const leadsGivenVerificationDeadline = await migrate({ stage: 'lead' }, (doc) => {
    if ((doc.deadlines ?? []).some((d) => d.rule === 'verification_30d')) return null;
    const deadlines = [...(doc.deadlines ?? []).map(toDeadline), ...registrationDeadlines(new Date(doc.receivedAt).toISOString(), ctx.workflow.rules, calendar)];
    const due = nextDueAt(deadlines);
    return { deadlines: deadlines.map(toRecord), nextDueAt: due ? new Date(due) : null, kpi: kpiFieldsOf(contextOfCase(doc), deadlines) };
  });

  const screenedOut = await migrate({ outcome: 'not_started' }, (doc) => {
    const context = contextOfCase(doc);
    if (!context.screening || context.screening.outcome === 'verify' || context.claim) return null;
    const migrated: CaseContext = { ...context, outcome: 'screened_out' };
    return { outcome: 'screened_out', 'snapshot.context.outcome': 'screened_out', kpi: kpiFieldsOf(migrated, (doc.deadlines ?? []).map(toDeadline)) };
  });

  // Leaving judicial confirmation settles its notice period, so only cases still there (or suspended
  // from there) can hold one marked missed.
  const notBeforeDatesRestored = await migrate({ overdue: true, stage: { $in: ['judicialConfirmation', 'suspended'] } }, (doc) => {
    if (!doc.deadlines.some((d) => d.status === 'missed' && !countsAsDue(d.rule))) return null;
    const deadlines = doc.deadlines.map(toDeadline).map((d) => {
      if (d.status !== 'missed' || countsAsDue(d.rule)) return d;
      const { missedAt: _m, ...rest } = d;
      void _m;
      return { ...rest, status: 'open' as const };
    });
    const due = nextDueAt(deadlines);
    return { deadlines: deadlines.map(toRecord), nextDueAt: due ? new Date(due) : null, overdue: deadlines.some((d) => d.status === 'missed'), kpi: kpiFieldsOf(contextOfCase(doc), deadlines) };
  });

  return { leadsGivenVerificationDeadline, screenedOut, notBeforeDatesRestored };
}
