import { z } from 'zod';
import { errors } from './errors';

/**
 * Keyset pagination over (time desc, id desc): stable under inserts, cheap on an index, and the
 * cursor is opaque to clients (base64url JSON they should not build themselves).
 */
export const limitParam = z.coerce.number().int().min(1).max(200).default(50);
export const cursorParam = z.string().max(200).optional();

export interface PageCursor {
  t: string;
  i: string;
}

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

const cursorShape = z.object({ t: z.iso.datetime(), i: z.string().min(1).max(64) }).strict();

export function decodeCursor(raw: string | undefined): PageCursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw errors.invalidRequest('The cursor is not valid; use nextCursor from a previous page.', [{ path: 'cursor', message: 'invalid cursor' }]);
}

/** The MongoDB condition for "after this cursor" in (field desc, _id desc) order. */
export function afterCursor(field: string, cursor: PageCursor | undefined): Record<string, unknown> {
  if (!cursor) return {};
  const t = new Date(cursor.t);
  return { $or: [{ [field]: { $lt: t } }, { [field]: t, _id: { $lt: cursor.i } }] };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageOf<T, D extends { _id: string }>(docs: D[], limit: number, field: (d: D) => Date, view: (d: D) => T): Page<T> {
  const more = docs.length > limit;
  const shown = more ? docs.slice(0, limit) : docs;
  const last = shown[shown.length - 1];
  return { items: shown.map(view), nextCursor: more && last ? encodeCursor({ t: field(last).toISOString(), i: last._id }) : null };
}
