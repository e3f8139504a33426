import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../project';

/**
 * The embedded FerretDB v1 engine (SQLite storage), built from the Go module by the small program
 * in src/db/ferretdb/ and cached by a hash of its sources and the Go version, so it is rebuilt only
 * when one of them changes.
 */
const sourceDir = path.join(projectRoot, 'src', 'db', 'ferretdb');
const cacheRoot = path.join(projectRoot, '.cache', 'ferretdb');

export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

const noGoAdvice =
  'The embedded FerretDB engine is built from source with Go, and no usable Go toolchain was found.\n' +
  'Do one of these:\n' +
  '  - install Go 1.24 or newer (https://go.dev/dl/) and start again (the first build needs the Go module proxy);\n' +
  '  - set MONGODB_URI to a running MongoDB, e.g. MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0;\n' +
  '  - set MONGOMS_SYSTEM_BINARY to a local mongod binary (ENGINE=mongodb);\n' +
  '  - set FERRETDB_BINARY to a prebuilt ferretdb-embedded binary.';

function goVersion(): string | null {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

function sourceHash(go: string): string {
  const h = createHash('sha256').update(go);
  const sources = fs.readdirSync(sourceDir).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort();
  for (const f of sources) {
    h.update(f).update(fs.readFileSync(path.join(sourceDir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

export interface BuildProgress {
  (message: string): void;
}

/** Returns the path of a ready binary, building it first when its sources changed. */
export function ensureFerretdbBinary(progress: BuildProgress = () => {}): string {
  const prebuilt = process.env.FERRETDB_BINARY;
  if (prebuilt) {
    if (!fs.existsSync(prebuilt)) throw new EngineUnavailableError(`FERRETDB_BINARY=${prebuilt} does not exist.`);
    return prebuilt;
  }
  const go = goVersion();
  if (!go) throw new EngineUnavailableError(noGoAdvice);
  const dir = path.join(cacheRoot, sourceHash(go));
  const binary = path.join(dir, 'ferretdb-embedded');
  if (fs.existsSync(binary)) return binary;

  fs.mkdirSync(dir, { recursive: true });
  progress(`building the embedded FerretDB engine with ${go} (first run only; downloads Go modules)…`);
  const tmp = `${binary}.${process.pid}.tmp`;
  const build = (extraEnv: NodeJS.ProcessEnv) =>
    spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], {
      cwd: sourceDir,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -buildvcs=false', ...extraEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let result = build({});
  if (result.status !== 0) {
    // FerretDB v1.24 was released with Go 1.24; a much newer local Go may refuse one of its
    // dependencies, in which case Go fetches the release toolchain through the module proxy.
    progress('build failed with the local Go; retrying with GOTOOLCHAIN=go1.24.3…');
    result = build({ GOTOOLCHAIN: 'go1.24.3' });
  }
  if (result.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new EngineUnavailableError(
      `Building the embedded FerretDB engine failed:\n${(result.stderr || String(result.error)).slice(-2000)}\n\n${noGoAdvice}`,
    );
  }
  fs.renameSync(tmp, binary); // atomic: a concurrent build never sees a half-written binary
  progress(`built ${path.relative(projectRoot, binary)}`);
  return binary;
}

export interface RunningFerretdb {
  uri: string;
  version: string;
  stop(): Promise<void>;
}

/** Starts the engine on a free loopback port with its SQLite files in dataDir. */
export async function startFerretdb(
  binary: string,
  dataDir: string,
  timeoutMs = 30_000,
  /** Told when the engine dies on its own after it was ready, with the tail of what it printed. */
  onUnexpectedExit: (message: string) => void = () => undefined,
): Promise<RunningFerretdb> {
  fs.mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(binary, ['--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let crash = ''; // a Go panic's first lines: the tail alone would show only goroutine stacks
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (!crash) {
      const at = text.search(/^(panic:|fatal error:)/m);
      if (at >= 0) crash = text.slice(at, at + 3000);
    }
    stderr = (stderr + text).slice(-4000);
  });

  const ready = new Promise<{ uri: string; version: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EngineUnavailableError(`FerretDB did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(line) as { uri: string; version: string };
        resolve(parsed);
      } catch {
        reject(new EngineUnavailableError(`FerretDB printed an unexpected first line: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EngineUnavailableError(`FerretDB exited with code ${code} before it was ready:\n${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EngineUnavailableError(`FerretDB could not be started: ${err.message}`));
    });
  });

  const { uri, version } = await ready;
  let stopped: Promise<void> | null = null;
  child.once('exit', (code, signal) => {
    if (!stopped) onUnexpectedExit(`the embedded FerretDB engine exited (code ${code}, signal ${signal}):\n${crash || stderr}`);
  });
  return {
    uri,
    version,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
