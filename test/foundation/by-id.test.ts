import fc from 'fast-check';
import mongoose from 'mongoose';
import { matchesFilter, type GuardFilter } from '../../src/db/by-id';
import { startTestService, type TestService } from '../support/service';

/**
 * src/db/by-id.ts applies guard filters in JS on FerretDB (which only uses its primary key for a
 * lone `_id`). Its matcher must decide exactly as the engine does, so this test asks the engine.
 */

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.stop();
});

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));
const scalar = fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.constantFrom('a', 'b', 'c'), fc.boolean(), fc.constantFrom(day(0), day(1), day(2)), fc.constant(null));
const fieldValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ token: fc.oneof(scalar, fc.constant(undefined)) }, { requiredKeys: [] }));
const docArb = fc.record({ version: fieldValue, status: fieldValue, reservation: fieldValue, tags: fieldValue }, { requiredKeys: [] });

const path = fc.constantFrom('version', 'status', 'reservation', 'reservation.token', 'tags', 'missing');
const condition = fc.oneof(
  scalar,
  fc.record({ $eq: scalar }),
  fc.record({ $ne: scalar }),
  fc.record({ $lt: scalar }),
  fc.record({ $lte: scalar }),
  fc.record({ $gt: scalar }),
  fc.record({ $gte: scalar }),
  fc.record({ $in: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
  fc.record({ $exists: fc.boolean() }),
);
const simpleFilter = fc.dictionary(path, condition, { maxKeys: 2 });
const filterArb: fc.Arbitrary<GuardFilter> = fc.oneof(
  simpleFilter as fc.Arbitrary<GuardFilter>,
  fc.tuple(simpleFilter, fc.array(simpleFilter, { minLength: 1, maxLength: 2 })).map(([f, or]) => ({ ...f, $or: or }) as GuardFilter),
);

describe('the by-id filter matcher', () => {
  it('matches the same documents as the engine for every filter form it accepts', async () => {
    const coll = mongoose.connection.db!.collection<Record<string, unknown>>('byid_matcher');
    const docs = fc.sample(docArb, { numRuns: 60, seed: 20241125 }).map((d, i) => ({ _id: `d${i}`, ...d }));
    await coll.insertMany(docs as never[]);
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(filterArb, async (filter) => {
        const fromEngine = new Set((await coll.find(filter as never, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
        const stored = await coll.find({}).toArray();
        for (const doc of stored) {
          expect({ filter, doc, matches: matchesFilter(doc, filter) }).toEqual({ filter, doc, matches: fromEngine.has(doc._id) });
          compared += 1;
        }
      }),
      { numRuns: Number(process.env.BYID_RUNS ?? 150), seed: Number(process.env.BYID_SEED ?? 7) },
    );
    console.log(`by-id matcher: ${compared} document × filter pairs agreed with the engine`);
    expect(compared).toBeGreaterThan(5000);
  });

  it('refuses operators it does not implement instead of guessing', () => {
    expect(() => matchesFilter({ a: 1 }, { a: { $regex: 'x' } } as never)).toThrow(/\$regex/);
    expect(() => matchesFilter({ a: 1 }, { $and: [] } as never)).toThrow(/\$and/);
  });
});
