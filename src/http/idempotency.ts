import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyModel } from '../../models/idempotency';
import type { Clock } from '../clock';
import { serialized } from '../db/serialized';
import { AppError, errors } from './errors';

/**
 * Idempotency-Key handling: the first request with a key claims it and runs; a repeat with the
 * same body gets the first reply (waiting for it if the first is still running); a repeat with a
 * different body is a 409. Only successful replies are kept: after an error the key is released,
 * so the client can retry with it. A claim whose runner died is taken over after its lock expires;
 * the runner's `recover` hook then answers from what was already committed.
 */

export interface StoredReply {
  status: number;
  body: unknown;
}

const keyPattern = /^[\x21-\x7e]{1,200}$/;
const LOCK_MS = 30_000;
const WAIT_MS = 15_000;

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${stableJson(body)}`).digest('hex');
}

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

export function parseIdempotencyKey(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !keyPattern.test(raw)) {
    throw errors.invalidRequest('Idempotency-Key must be 1–200 printable ASCII characters.', [{ path: 'Idempotency-Key', message: 'invalid' }]);
  }
  return raw;
}

export async function withIdempotency(
  clock: Clock,
  clientId: string,
  key: string | undefined,
  hash: string,
  run: (storedKey: string | undefined) => Promise<StoredReply>,
  recover?: (storedKey: string) => Promise<StoredReply | null>,
): Promise<StoredReply> {
  if (!key) return run(undefined);
  const id = createHash('sha256').update(`${clientId}\n${key}`).digest('hex');

  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    let claimed = false;
    let takeover = false;
    try {
      await IdempotencyModel.create({ _id: id, clientId, requestHash: hash, state: 'pending', lockedUntil: new Date(clock.now().getTime() + LOCK_MS), createdAt: clock.now() });
      claimed = true;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    if (!claimed) {
      const existing = await IdempotencyModel.findById(id).lean();
      if (!existing) continue; // released by a failed first attempt: claim it again
      if (existing.requestHash !== hash) throw errors.idempotencyKeyReused();
      if (existing.state === 'done') return { status: existing.status!, body: existing.body };
      if (existing.lockedUntil.getTime() < clock.now().getTime()) {
        const won = await serialized(`idem:${id}`, () =>
          IdempotencyModel.findOneAndUpdate(
            { _id: id, state: 'pending', lockedUntil: existing.lockedUntil },
            { $set: { lockedUntil: new Date(clock.now().getTime() + LOCK_MS) } },
          ).lean(),
        );
        claimed = takeover = !!won;
      }
      if (!claimed) {
        if (Date.now() > deadline) throw errors.conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
        await sleep(Math.min(25 * 2 ** Math.min(attempt, 4), 200));
        continue;
      }
    }

    try {
      const recovered = takeover && recover ? await recover(id) : null;
      const reply = recovered ?? (await run(id));
      await IdempotencyModel.updateOne({ _id: id }, { $set: { state: 'done', status: reply.status, body: reply.body } });
      return reply;
    } catch (err) {
      await IdempotencyModel.deleteOne({ _id: id, state: 'pending' });
      if (err instanceof AppError) throw err;
      throw err;
    }
  }
}
