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

/**
 * The year and sequence number of a case number written in the configured format, e.g.
 * 苏环赔〔2026〕0037号 → 2026, 37 (and 苏环赔〔2026〕37号 too: the padding does not make another number).
 * Null for a number in another format. A format without {year} takes `defaultYear`.
 */
export function parseCaseNo(rules: WorkflowRules, caseNo: string, defaultYear: number): { year: number; seq: number } | null {
  const pattern = rules.caseNoFormat
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('\\{year\\}', '(?<year>\\d{4})')
    .replace('\\{seq\\}', '(?<seq>\\d{1,9})');
  const m = new RegExp(`^${pattern}$`).exec(caseNo.trim());
  if (!m?.groups) return null;
  const seq = Number(m.groups.seq);
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  return { year: m.groups.year ? Number(m.groups.year) : defaultYear, seq };
}

/**
 * The claim key of a number: a number in the configured format shares its key (`2026:37`) with the
 * automatic sequence, so a manual number can neither repeat an issued one nor be issued again by
 * the sequence (which continues after the highest number of the year, manual ones included).
 * Other numbers are claimed by their text.
 */
function claimOf(rules: WorkflowRules, caseNo: string, defaultYear: number): { _id: string; year?: number; seq?: number } {
  const parsed = parseCaseNo(rules, caseNo, defaultYear);
  return parsed ? { _id: `${parsed.year}:${parsed.seq}`, ...parsed } : { _id: `manual:${caseNo.trim()}` };
}

/** Claims a number entered by hand (CLAIM_STARTED { caseNo }); 409 when it is already issued. */
export async function claimManualCaseNo(rules: WorkflowRules, caseId: string, caseNo: string, year: number, at: Date): Promise<void> {
  const claim = claimOf(rules, caseNo, year);
  const taken = () => errors.conflict('case_no_taken', `案件编号 ${caseNo} 已被使用（the case number is already in use）。`);
  // Numbers claimed before claims were keyed by year and sequence carry their text only.
  const legacy = await CaseNumberModel.findOne({ caseNo: caseNo.trim(), caseId: { $ne: caseId } }, { _id: 1 }).lean();
  if (legacy) throw taken();
  try {
    await CaseNumberModel.create({ ...claim, caseId, caseNo: caseNo.trim(), at });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) {
      const existing = await CaseNumberModel.findOne({ caseId }).lean();
      if (existing?._id === claim._id) return;
      throw taken();
    }
    throw err;
  }
}

export async function releaseManualCaseNo(rules: WorkflowRules, caseId: string, caseNo: string, year: number): Promise<void> {
  await CaseNumberModel.deleteOne({ _id: claimOf(rules, caseNo, year)._id, caseId });
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

/**
 * Start-up migration: manual numbers claimed before claims were keyed by year and sequence
 * (`manual:<text>`) get the year and sequence their text names, so the automatic sequence continues
 * after them instead of issuing the same number again. Idempotent; returns how many it updated.
 */
export async function backfillManualCaseNumbers(rules: WorkflowRules): Promise<number> {
  const legacy = await CaseNumberModel.find({ _id: { $regex: '^manual:' }, seq: { $exists: false } }).lean();
  let updated = 0;
  for (const claim of legacy) {
    const parsed = parseCaseNo(rules, claim.caseNo, claim.at.getUTCFullYear());
    if (!parsed) continue;
    await CaseNumberModel.updateOne({ _id: claim._id }, { $set: { year: parsed.year, seq: parsed.seq } });
    updated += 1;
  }
  return updated;
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
