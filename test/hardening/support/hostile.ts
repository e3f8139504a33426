import fc from 'fast-check';

/**
 * Hostile values for the fuzzer, as small descriptors that fast-check can print and shrink; the
 * big ones (huge strings and arrays, deep nesting) are materialised only when a request is built.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values a client must never be able to store: if one shows up in the database, a body set a field it does not own. */
export const SENTINEL_TEXT = 'MASS-ASSIGNED-c0ffee';
export const SENTINEL_NUMBER = 987_654_321;

export type Hostile =
  | { h: 'json'; v: Json }
  | { h: 'huge-string'; n: number; c: string }
  | { h: 'huge-array'; n: number; v: Json }
  | { h: 'deep'; depth: number; kind: 'array' | 'object' }
  | { h: 'proto-object'; key: '__proto__' | 'constructor' | 'prototype' };

export const mongoOperators: Json[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(100) || true' },
  { $regex: '.*', $options: 'i' },
  { $in: ['吴中区', '昆山市'] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $set: { state: 'closed' } },
  { $function: { body: 'return 1', args: [], lang: 'js' } },
  { 'a.b': 1 },
  '$where',
  '$gt',
  '$$ROOT',
  { $oid: '000000000000000000000000' },
];

export const unicodeEdges: string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202eevil\u202c',
  '\ufeff',
  '\u200b\u200c\u200d',
  'e\u0301\u0301\u0301',
  '𝕏𝕐ℤ',
  '👨‍👩‍👧‍👦',
  '\u2028\u2029',
  '\u0085',
  'Ｔｅｓｔ',
  'Z̴̡̢͚̈́̀a̷̛͖l̸͔̓g̵̣̈o̶̝͝',
  '\r\n\t',
  ' ',
  '',
  '\\',
  '"\'`<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00',
  '${7*7}{{7*7}}',
  '吴中区\u0000',
  '吴中区 ',
  '.吴中区',
  '$吴中区',
];

export const badDates: Json[] = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '0000-01-01',
  '1999-12-31',
  '2101-01-01',
  '9999-12-31',
  'yesterday',
  '2026-1-1',
  '2026/01/01',
  '20260101',
  '2026-01-01T25:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01T00:00:00+99:00',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2099-01-01',
  '2026-01-01T00:00:00.000Z\u0000',
  1735689600000,
  -1,
  '',
  ' 2026-01-01',
];

export const badMoney: Json[] = [-1, -100, -0.01, 0.5, 1.5, 99.999, 1e21, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, '100', '1e3', '0x10', true, null, [], {}, 1e-7];

export const badIds: string[] = [
  '%7B%22%24gt%22%3A%22%22%7D',
  'a'.repeat(65),
  'a'.repeat(3000),
  '..%2F..%2Fetc%2Fpasswd',
  '%24where',
  '__proto__',
  'constructor',
  'prototype',
  '%00',
  'x%00y',
  '%F0%9F%92%A9',
  '%E2%80%AE',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%20',
  'case_doesnotexist',
  'alloc_doesnotexist',
  '-1',
  '0',
  'null',
  'undefined',
  '%5B%5D',
  'a.b',
  '*',
];

export const badCursors: string[] = [
  'not-a-cursor',
  '',
  'x'.repeat(199),
  'x'.repeat(500),
  Buffer.from('{"t":{"$gt":""},"i":"x"}').toString('base64url'),
  Buffer.from('{"t":"2026-01-01T00:00:00.000Z","i":{"$ne":null}}').toString('base64url'),
  Buffer.from('{"t":"2026-01-01T00:00:00.000Z","i":"x","__proto__":{"polluted":1}}').toString('base64url'),
  Buffer.from('{"t":"2026-02-30T00:00:00.000Z","i":"x"}').toString('base64url'),
  Buffer.from('{"t":"2026-01-01T00:00:00.000Z","i":"$where"}').toString('base64url'),
  Buffer.from('[1,2,3]').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('{"t":1,"c":"x","d":"y"}').toString('base64url'),
  Buffer.from('{"t":-1,"c":{"$gt":""},"d":"y"}').toString('base64url'),
  '%ZZ',
  '====',
  '\u0000',
];

/** Keys the server owns, in any body: a client must never set them. */
export const serverOwnedKeys = [
  'state',
  'stage',
  'version',
  'history',
  'fundedFen',
  'gapFen',
  'status',
  'createdAt',
  'updatedAt',
  '_id',
  'id',
  'procuratorateVisible',
  'major',
  'overdue',
  'outcome',
  'caseNo',
  'deadlines',
  'nextDueAt',
  'allocationIds',
  'reservation',
  'confirmedAt',
  'acceptedByCase',
  'acceptedByProject',
  'tokenHash',
  'revokedAt',
  'releasedFen',
  'allocatedFen',
  'leaseOwner',
  'lastHash',
  'snapshot',
  'machineVersion',
  'createdBy',
  'referredBy',
  'liabilityStatus',
  'restorationStatus',
  'kpi',
  'role',
  'districts',
  'baseIds',
  'baseId',
  'actor',
  'seq',
  'feedTicket',
] as const;

export const protoKeys = ['__proto__', 'constructor', 'prototype'] as const;

const smallJson: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noDefaultInfinity: true, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
);

export const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 6, arbitrary: smallJson.map((v) => ({ h: 'json' as const, v })) },
  { weight: 5, arbitrary: fc.constantFrom(...mongoOperators).map((v) => ({ h: 'json' as const, v })) },
  { weight: 4, arbitrary: fc.constantFrom(...unicodeEdges).map((v) => ({ h: 'json' as const, v })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((v) => ({ h: 'json' as const, v })) },
  { weight: 3, arbitrary: fc.constantFrom(...badDates).map((v) => ({ h: 'json' as const, v })) },
  { weight: 3, arbitrary: fc.constantFrom(...badMoney).map((v) => ({ h: 'json' as const, v })) },
  { weight: 1, arbitrary: fc.record({ h: fc.constant('huge-string' as const), n: fc.constantFrom(201, 2_001, 10_001, 100_000, 300_000), c: fc.constantFrom('x', '汉', '😀', '$') }) },
  { weight: 1, arbitrary: fc.record({ h: fc.constant('huge-array' as const), n: fc.constantFrom(51, 101, 2_001, 20_001), v: fc.constantFrom<Json>(0, 'soil', { kind: 'payment' }, null) }) },
  { weight: 1, arbitrary: fc.record({ h: fc.constant('deep' as const), depth: fc.constantFrom(20, 200, 3_000), kind: fc.constantFrom('array' as const, 'object' as const) }) },
  { weight: 1, arbitrary: fc.record({ h: fc.constant('proto-object' as const), key: fc.constantFrom(...protoKeys) }) },
);

/** An object with an own property named like a prototype key (JSON.parse makes exactly that). */
export function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** A deep copy (through JSON, which keeps own `__proto__` keys as JSON.parse makes them), so shared constants are never mutated. */
const fresh = (v: Json): Json => (v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as Json) : v);

export function materialise(h: Hostile): unknown {
  switch (h.h) {
    case 'json':
      return fresh(h.v);
    case 'huge-string':
      return h.c.repeat(h.n);
    case 'huge-array':
      return Array.from({ length: h.n }, () => fresh(h.v));
    case 'deep': {
      let v: unknown = SENTINEL_TEXT;
      for (let i = 0; i < h.depth; i++) v = h.kind === 'array' ? [v] : { a: v };
      return v;
    }
    case 'proto-object': {
      const o: Record<string, unknown> = {};
      withOwnKey(o, h.key, h.key === 'constructor' ? { prototype: { polluted: SENTINEL_TEXT } } : { polluted: SENTINEL_TEXT });
      return o;
    }
  }
}

/** Percent-encodes a path segment unless it already is one of the deliberately raw bad ids. */
export function pathSegment(raw: string): string {
  return /%/.test(raw) ? raw : [...Buffer.from(raw, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
