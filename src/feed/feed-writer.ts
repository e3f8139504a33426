import { ChangeModel, CounterModel, type ChangeDocument } from '../../models/feed';
import { serialized } from '../db/serialized';

/**
 * The writing half of the change feed (the reading half is src/procuratorate). Writers call
 * `reserveTicket` before their guarded commit, then `recordChange` or `abandonTicket` after it.
 * If the process dies between commit and record, the ticket stays unresolved until the reader's
 * repair finds it in the case's history (history.feedTicket) or declares it abandoned.
 */

export async function reserveTicket(): Promise<number> {
  const counter = await serialized('counter:feed', () =>
    CounterModel.findOneAndUpdate({ _id: 'feed' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean(),
  );
  return counter!.seq;
}

export type ChangeInput = Required<Pick<ChangeDocument, 'caseId' | 'seq' | 'type' | 'at' | 'state' | 'district' | 'procuratorateVisible'>> & { becameVisible?: boolean };

function ignoreDuplicate(err: unknown): void {
  if ((err as { code?: number }).code !== 11000) throw err;
}

/**
 * Records a committed change under its ticket. Answers false when the ticket had already been
 * declared abandoned: the writer stalled between reserving it and committing for longer than the
 * feed's grace period (2 minutes), so the change feed does not carry this change. Callers log that
 * as an error (staleTicketMessage); it never fails the request, which has committed.
 */
export async function recordChange(ticket: number, change: ChangeInput, now: Date): Promise<boolean> {
  try {
    await ChangeModel.create({ _id: ticket, ...change, ...(change.becameVisible ? {} : { becameVisible: undefined }), createdAt: now });
    return true;
  } catch (err) {
    ignoreDuplicate(err);
    const existing = await ChangeModel.findOne({ _id: ticket }, { abandoned: 1 }).lean();
    return !existing?.abandoned;
  }
}

export const staleTicketMessage = 'change feed: this change committed after its ticket was declared abandoned; the feed does not carry it';

export async function abandonTicket(ticket: number, now: Date): Promise<void> {
  await ChangeModel.create({ _id: ticket, abandoned: true, createdAt: now }).catch(ignoreDuplicate);
}
