import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens are 32 random bytes: far beyond guessing, so a single fast SHA-256 is the right hash for
 * them (a slow KDF protects low-entropy passwords and would cost every request).
 */
export function newToken(): string {
  return `eco_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenHint(token: string): string {
  return `${token.slice(0, 8)}…`;
}

export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
