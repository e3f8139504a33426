import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { movedClockEnv } from '../../support/moved-clock';
import { HttpClient } from './http';

/**
 * The real service as a child process (`node --require tsx/cjs src/main.ts`), the way it runs in
 * production, so that it can be killed with SIGKILL: no shutdown hook, no flush, no finally.
 * One child at a time may write to the embedded engine (docs/workflow.md), so start() refuses to
 * run while a previous child is still alive.
 */

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ChildServiceOptions {
  mongodbUri: string;
  dbName: string;
  port: number;
  adminToken: string;
  env?: Record<string, string>;
}

export class ChildService {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** The last lines the child wrote (for a failure message). */
  output: string[] = [];
  starts = 0;
  readonly client: HttpClient;

  constructor(private readonly opts: ChildServiceOptions) {
    this.client = new HttpClient('127.0.0.1', opts.port, 4);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the service and waits until GET /ready answers 200; returns the milliseconds it took. */
  async start(timeoutMs = 120_000): Promise<number> {
    if (this.alive) throw new Error('a child service is still running: only one process may write to the embedded engine');
    const started = Date.now();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        MONGODB_URI: this.opts.mongodbUri,
        MONGODB_DB: this.opts.dbName,
        PORT: String(this.opts.port),
        HOST: '127.0.0.1',
        ADMIN_TOKEN: this.opts.adminToken,
        LOG_LEVEL: 'warn',
        DATA_DIR: path.join(os.tmpdir(), 'eco-hardening-child'),
        ...movedClockEnv(),
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line.slice(0, 2000));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));

    const until = started + timeoutMs;
    while (Date.now() < until) {
      if (!this.alive) throw new Error(`the service exited during start-up:\n${this.output.slice(-30).join('\n')}`);
      const r = await this.client.get('/ready', undefined);
      if (r.status === 200) return Date.now() - started;
      await new Promise((r2) => setTimeout(r2, 100));
    }
    throw new Error(`the service was not ready in ${timeoutMs} ms:\n${this.output.slice(-30).join('\n')}`);
  }

  /** SIGKILL, then waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child) return;
    if (this.alive) this.child.kill(signal);
    await this.exited;
    this.client.agent.destroy();
  }

  /** Resident set size of the child in bytes (Linux /proc), or null. */
  rssBytes(): number | null {
    if (!this.child?.pid) return null;
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : null;
    } catch {
      return null;
    }
  }
}
