import type { z } from 'zod';
import { errors, zodDetails } from './errors';

/** Parses untrusted input with a schema; a mismatch is a 400 listing the offending field paths. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw errors.invalidRequest(`The ${what} does not match the schema.`, zodDetails(result.error));
  }
  return result.data;
}
