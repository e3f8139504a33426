import { createHash } from 'node:crypto';
import type { HistoryEntry } from '../../models/case';
import { stableJson } from '../http/idempotency';

/**
 * Each history entry carries a SHA-256 over its content and the previous entry's hash, so that
 * any later edit of a stored entry breaks the chain from that entry on (tamper evidence).
 */

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalEntry(e: Omit<HistoryEntry, 'hash' | 'prevHash'>): unknown {
  return {
    seq: e.seq,
    type: e.type,
    payload: e.payload ?? {},
    facts: e.facts ?? {},
    actor: { clientId: e.actor.clientId, role: e.actor.role },
    at: new Date(e.at).toISOString(),
    recordedAt: new Date(e.recordedAt).toISOString(),
    from: e.from ?? null,
    to: e.to,
    version: e.version,
    idempotencyKey: e.idempotencyKey ?? null,
  };
}

export function entryHash(prevHash: string, e: Omit<HistoryEntry, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(stableJson(canonicalEntry(e))).digest('hex');
}

export function historyItemView(e: HistoryEntry) {
  return {
    seq: e.seq,
    type: e.type,
    payload: e.payload ?? {},
    actor: { clientId: e.actor.clientId, role: e.actor.role },
    at: new Date(e.at).toISOString(),
    recordedAt: new Date(e.recordedAt).toISOString(),
    from: e.from ?? null,
    to: e.to,
    version: e.version,
    hash: e.hash ?? null,
  };
}

/** Recomputes the chain; names the first entry whose stored hash does not match its content. */
export function verifyChain(history: HistoryEntry[]): { valid: boolean; entries: number; firstBroken: { seq: number; reason: string } | null } {
  let prev = GENESIS_HASH;
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    if (e.seq !== i + 1) return { valid: false, entries: history.length, firstBroken: { seq: e.seq, reason: `expected seq ${i + 1}` } };
    if ((e.prevHash ?? GENESIS_HASH) !== prev) return { valid: false, entries: history.length, firstBroken: { seq: e.seq, reason: 'prevHash does not match the previous entry' } };
    const expected = entryHash(prev, e);
    if (e.hash !== expected) return { valid: false, entries: history.length, firstBroken: { seq: e.seq, reason: 'content does not match its hash' } };
    prev = expected;
  }
  return { valid: true, entries: history.length, firstBroken: null };
}
