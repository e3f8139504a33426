import { CaseModel, type CaseDocument } from '../../models/case';
import type { CaseContext } from '../../workflows/case-context';
import { countsAsDue, nextDueAt, registrationDeadlines } from '../../workflows/deadlines';
import type { AppContext } from '../context';
import { updateOneById } from '../db/by-id';
import { kpiFieldsOf } from '../stats/kpi-fields';
import { caseWriteKey, contextOfCase } from './case-repository';
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
export async function migrateStoredCases(ctx: AppContext): Promise<{ leadsGivenVerificationDeadline: number; screenedOut: number; notBeforeDatesRestored: number }> {
  const result = { leadsGivenVerificationDeadline: 0, screenedOut: 0, notBeforeDatesRestored: 0 };
  const calendar = await ctx.workflow.calendar.get();

  const leads = await CaseModel.find({ stage: 'lead' }, { deadlines: 1, version: 1, receivedAt: 1, snapshot: 1 }).lean<Pick<CaseDocument, '_id' | 'deadlines' | 'version' | 'receivedAt' | 'snapshot'>[]>();
  for (const doc of leads) {
    if ((doc.deadlines ?? []).some((d) => d.rule === 'verification_30d')) continue;
    const opened = registrationDeadlines(new Date(doc.receivedAt).toISOString(), ctx.workflow.rules, calendar);
    const deadlines = [...(doc.deadlines ?? []).map(toDeadline), ...opened];
    const due = nextDueAt(deadlines);
    const set = { deadlines: deadlines.map(toRecord), nextDueAt: due ? new Date(due) : null, kpi: kpiFieldsOf(contextOfCase(doc), deadlines) };
    if (await updateOneById(CaseModel, caseWriteKey(doc._id), doc._id, { version: doc.version }, { $set: set })) result.leadsGivenVerificationDeadline += 1;
  }

  const closed = await CaseModel.find({ outcome: 'not_started' }, { deadlines: 1, version: 1, snapshot: 1 }).lean<Pick<CaseDocument, '_id' | 'deadlines' | 'version' | 'snapshot'>[]>();
  for (const doc of closed) {
    const context = contextOfCase(doc);
    if (!context.screening || context.screening.outcome === 'verify' || context.claim) continue;
    const migrated: CaseContext = { ...context, outcome: 'screened_out' };
    const set = { outcome: 'screened_out', 'snapshot.context.outcome': 'screened_out', kpi: kpiFieldsOf(migrated, (doc.deadlines ?? []).map(toDeadline)) };
    if (await updateOneById(CaseModel, caseWriteKey(doc._id), doc._id, { version: doc.version }, { $set: set })) result.screenedOut += 1;
  }
  const marked = await CaseModel.find({ overdue: true }, { deadlines: 1, version: 1, snapshot: 1 }).lean<Pick<CaseDocument, '_id' | 'deadlines' | 'version' | 'snapshot'>[]>();
  for (const doc of marked) {
    if (!doc.deadlines.some((d) => d.status === 'missed' && !countsAsDue(d.rule))) continue;
    const deadlines = doc.deadlines.map(toDeadline).map((d) => {
      if (d.status !== 'missed' || countsAsDue(d.rule)) return d;
      const { missedAt: _m, ...rest } = d;
      void _m;
      return { ...rest, status: 'open' as const };
    });
    const due = nextDueAt(deadlines);
    const set = { deadlines: deadlines.map(toRecord), nextDueAt: due ? new Date(due) : null, overdue: deadlines.some((d) => d.status === 'missed'), kpi: kpiFieldsOf(contextOfCase(doc), deadlines) };
    if (await updateOneById(CaseModel, caseWriteKey(doc._id), doc._id, { version: doc.version }, { $set: set })) result.notBeforeDatesRestored += 1;
  }
  return result;
}
