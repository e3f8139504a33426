import { randomBytes } from 'node:crypto';

/** Opaque ids: a type prefix and 16 random bytes, URL-safe. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, (c) => (c === '-' ? 'A' : 'B'))}`;
}

export const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
