/**
 * `npm run build:engine`: builds (or finds cached) the embedded FerretDB binary, so that the first
 * test run or start does not pay for the build inside a timeout. Skipped when MONGODB_URI is set.
 */
import { ensureFerretdbBinary, EngineUnavailableError } from './ferretdb';

if (process.env.MONGODB_URI) {
  console.log('build:engine: MONGODB_URI is set; the embedded engine is not needed.');
} else {
  try {
    const started = Date.now();
    const binary = ensureFerretdbBinary((m) => console.log(`build:engine: ${m}`));
    console.log(`build:engine: ready (${binary}, ${Date.now() - started} ms)`);
  } catch (err) {
    if (err instanceof EngineUnavailableError && process.env.ENGINE === 'mongodb') {
      console.log('build:engine: FerretDB not buildable, ENGINE=mongodb so continuing.');
    } else {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    }
  }
}
