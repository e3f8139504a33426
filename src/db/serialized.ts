/**
 * Conditional writes, one at a time per key within this process.
 *
 * Why: FerretDB v1 with SQLite storage applies `update`/`findAndModify` by reading the matching
 * document, applying the operators in Go and writing the result back by _id, without re-checking
 * the filter at write time (see FerretDB's handler/msg_update.go). Two concurrent conditional
 * updates of one document — `{ _id, version: 3 }`, `{ _id, gapFen: { $gte: n } }`, an `$inc` on a
 * counter — can therefore both succeed, the second overwriting the first. MongoDB applies each
 * such update atomically. Every compare-and-set write in this service goes through `serialized`
 * with the key of the document it guards, so the same code is correct on both engines: on MongoDB
 * the database's atomicity holds across any number of service instances; on the embedded FerretDB
 * engine (development and tests) this process is the only writer, and this queue makes its
 * conditional writes atomic. Inserts with a unique key are atomic on both engines and need no queue.
 */
const tails = new Map<string, Promise<unknown>>();

export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
