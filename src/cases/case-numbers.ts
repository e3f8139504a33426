import { CaseModel } from '../../models/case';
import { CaseNumberModel } from '../../models/case-number';
import type { WorkflowRules } from '../../workflows/rules';
import { errors } from '../http/errors';
import { serialized } from '../db/serialized';
import { caseWriteKey } from './case-repository';

/**
 * Case numbers (e.g. 苏环赔〔2026〕0001号) are handed out after CLAIM_STARTED has committed, in the
 * order claims start, without gaps or duplicates even when many cases open at once:
 *   1. the case is committed with `caseNoPending: true`;
 *   2. the next number of the year is claimed by inserting `year:seq` (unique), retrying on a clash;
 *      a case that already holds a claim (unique caseId) reuses it, so a retry never takes two;
 *   3. the number is written onto the case.
 * A crash between 1 and 3 leaves `caseNoPending`; `assignPendingCaseNumbers` finishes the job at
 * start-up and on every scheduler tick.
 */

export function formatCaseNo(rules: WorkflowRules, year: number, seq: number): string {
  return rules.caseNoFormat.replace('{year}', String(year)).replace('{seq}', String(seq).padStart(rules.caseNoSeqWidth, '0'));
}

export async function claimManualCaseNo(caseId: string, caseNo: string, at: Date): Promise<void> {
  try {
    await CaseNumberModel.create({ _id: `manual:${caseNo}`, caseId, caseNo, at });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) {
      const existing = await CaseNumberModel.findOne({ caseId }).lean();
      if (existing?.caseNo === caseNo) return;
      throw errors.conflict('case_no_taken', `The case number ${caseNo} is already in use.`);
    }
    throw err;
  }
}

export async function releaseManualCaseNo(caseId: string, caseNo: string): Promise<void> {
  await CaseNumberModel.deleteOne({ _id: `manual:${caseNo}`, caseId });
}

export async function assignCaseNo(rules: WorkflowRules, caseId: string, year: number, at: Date): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const mine = await CaseNumberModel.findOne({ caseId }).lean();
    if (mine) {
      // Serialized with the case's other writes: FerretDB writes whole documents back (src/db/serialized.ts).
      await serialized(caseWriteKey(caseId), () =>
        CaseModel.updateOne({ _id: caseId }, { $set: { caseNo: mine.caseNo, caseNoYear: mine.year ?? year }, $unset: { caseNoPending: 1 } }),
      );
      return mine.caseNo;
    }
    const last = await CaseNumberModel.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean();
    const seq = (last?.seq ?? 0) + 1;
    const caseNo = formatCaseNo(rules, year, seq);
    try {
      await CaseNumberModel.create({ _id: `${year}:${seq}`, caseId, year, seq, caseNo, at });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      continue; // someone took that number (or this case got one concurrently): look again
    }
  }
  throw new Error(`could not allocate a case number for ${caseId}`);
}

/** Finishes numbering for cases whose CLAIM_STARTED committed but whose number was not written. */
export async function assignPendingCaseNumbers(
  rules: WorkflowRules,
  now: Date,
  /** Where to find them instead of a query (the in-memory case list on the embedded engine). */
  candidates?: () => Promise<{ _id: string; caseNoYear?: number | null }[]>,
): Promise<number> {
  const pending = candidates ? await candidates() : await CaseModel.find({ caseNoPending: true }, { caseNoYear: 1 }).limit(500).lean();
  for (const c of pending) await assignCaseNo(rules, c._id, c.caseNoYear ?? now.getUTCFullYear(), now);
  return pending.length;
}
