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

export async function recordChange(ticket: number, change: ChangeInput, now: Date): Promise<void> {
  await ChangeModel.create({ _id: ticket, ...change, ...(change.becameVisible ? {} : { becameVisible: undefined }), createdAt: now }).catch(ignoreDuplicate);
}

export async function abandonTicket(ticket: number, now: Date): Promise<void> {
  await ChangeModel.create({ _id: ticket, abandoned: true, createdAt: now }).catch(ignoreDuplicate);
}
