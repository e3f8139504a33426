/**
 * `npm run test:on-date -- YYYY-MM-DD` runs the suite under libfaketime (scripts/test-on-date.mjs).
 * A service the tests start as a child process gets only the variables it names, so these carry
 * the moved clock to it as well; on an ordinary run they are empty.
 */
export function movedClockEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && (k === 'LD_PRELOAD' || k === 'TEST_TODAY' || k.startsWith('FAKETIME')))) as Record<string, string>;
}
