import type { Request } from 'express';
import { errors } from './errors';

/**
 * The version a change is based on, from `If-Match` (optional): a plain number, quoted or weak
 * (`3`, `"3"`, `W/"3"`). `what` names the document in the error ("case", "project").
 */
export function parseIfMatch(req: Request, what: string): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) return undefined;
  const m = typeof raw === 'string' ? /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim()) : null;
  if (!m) throw errors.invalidRequest(`If-Match must be the ${what} version, e.g. If-Match: 3.`, [{ path: 'If-Match', message: 'invalid' }]);
  return Number(m[1]);
}
