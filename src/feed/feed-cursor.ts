import { z } from 'zod';
import { errors } from '../http/errors';

/**
 * A position in the change feed. `ticket` is the feed ticket of the last change delivered; `seq`
 * is set only inside the replay of a case's earlier history (when the change at `ticket` made the
 * case visible, the reader first replays seq 1..n-1 of that case, then the change itself): it is
 * the last seq of that replay already delivered. Without `seq`, the ticket is done.
 *
 * Clients get it as an opaque base64url string and must not build it themselves; a forged cursor
 * can only move a client within its own visible feed, never widen what it sees.
 */
export interface FeedPosition {
  ticket: number;
  seq?: number;
}

export const FEED_START: FeedPosition = { ticket: 0 };

const cursorShape = z
  .object({
    t: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    s: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export function encodeFeedCursor(p: FeedPosition): string {
  return Buffer.from(JSON.stringify(p.seq === undefined ? { t: p.ticket } : { t: p.ticket, s: p.seq }), 'utf8').toString('base64url');
}

export function decodeFeedCursor(raw: string | undefined): FeedPosition {
  if (raw === undefined || raw === '') return FEED_START;
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data.s === undefined ? { ticket: parsed.data.t } : { ticket: parsed.data.t, seq: parsed.data.s };
  } catch {
    // not base64url JSON: fall through to the one error
  }
  throw errors.invalidRequest('The cursor is not valid; pass a cursor or nextCursor this feed returned.', [{ path: 'after', message: 'invalid cursor' }]);
}
