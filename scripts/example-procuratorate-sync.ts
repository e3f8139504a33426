/**
 * Example client of the procuratorate change feed (检察机关变更订阅示例).
 *
 *   npm run example:procuratorate-sync -- --base-url http://localhost:3000 --token <token>
 *
 * Follows GET /api/v1/procuratorate/changes with long polls, prints every change, and keeps its
 * position in a cursor file so that a restart (of this client or of the service) resumes exactly
 * where it stopped. The token can also come from PROCURATORATE_TOKEN, which keeps it out of the
 * shell history. See docs/procuratorate.md.
 *
 * Delivery to this program is exactly once per cursor; what it does with a change and the saving
 * of the cursor are two steps, so a crash between them replays that page on restart. A real
 * integration makes its processing idempotent on (caseId, seq), as advised in the docs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const argsSchema = z
  .object({
    baseUrl: z.string().url().transform((u) => u.replace(/\/+$/, '')),
    token: z.string().min(1),
    cursorFile: z.string().min(1).default('procuratorate-feed.cursor'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    waitMs: z.coerce.number().int().min(0).max(30_000).default(25_000),
    once: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .strict();
type Args = z.infer<typeof argsSchema>;

const usage = `usage: example-procuratorate-sync --base-url URL --token TOKEN [--cursor-file FILE] [--limit N] [--wait-ms MS] [--once] [--json]
  --base-url     the service, e.g. http://localhost:3000 (the API is under /api/v1)
  --token        the procuratorate client's bearer token (or set PROCURATORATE_TOKEN)
  --cursor-file  where the position is kept (default ./procuratorate-feed.cursor)
  --limit        changes per page, 1-500 (default 100)
  --wait-ms      long-poll wait when caught up, 0-30000 (default 25000)
  --once         stop as soon as the feed is caught up (no long poll)
  --json         print each change as one JSON line`;

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = { token: process.env.PROCURATORATE_TOKEN };
  const names: Record<string, string> = { '--base-url': 'baseUrl', '--token': 'token', '--cursor-file': 'cursorFile', '--limit': 'limit', '--wait-ms': 'waitMs' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--once' || flag === '--json') raw[flag.slice(2)] = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (names[flag]) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      raw[names[flag]] = value;
    } else throw new Error(`unknown argument ${arg}`);
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

interface Change {
  cursor: string;
  caseId: string;
  seq: number;
  type: string;
  at: string;
  state: string;
}

interface Page {
  items: Change[];
  nextCursor: string;
  hasMore: boolean;
}

function readCursor(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return text || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write-then-rename: a crash leaves the old cursor or the new one, never a torn file. */
function writeCursor(file: string, cursor: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${cursor}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

class FatalError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchPage(args: Args, after: string | undefined, signal: AbortSignal): Promise<Page> {
  const url = new URL(`${args.baseUrl}/api/v1/procuratorate/changes`);
  url.searchParams.set('limit', String(args.limit));
  // --once wants to end when caught up, not to wait for the next change.
  const waitMs = args.once ? 0 : args.waitMs;
  url.searchParams.set('waitMs', String(waitMs));
  if (after) url.searchParams.set('after', after);
  const timeout = AbortSignal.timeout(waitMs + 30_000);
  const res = await fetch(url, { headers: { authorization: `Bearer ${args.token}`, accept: 'application/json' }, signal: AbortSignal.any([signal, timeout]) });
  const body = (await res.json().catch(() => null)) as (Page & { error?: { code: string; message: string } }) | null;
  if (res.ok && body) return body;
  const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
  if (res.status === 401 || res.status === 403) throw new FatalError(`${reason} — check the token and that its client has the procuratorate role`);
  if (res.status === 400) throw new FatalError(`${reason} — if the cursor file is damaged, delete it to start from the beginning`);
  const retryAfter = Number(res.headers.get('retry-after'));
  throw Object.assign(new Error(reason), { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined });
}

function print(change: Change, json: boolean): void {
  if (json) console.log(JSON.stringify(change));
  else console.log(`${change.at}  ${change.caseId}  #${String(change.seq).padStart(3)}  ${change.type.padEnd(28)} → ${change.state}`);
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());

  let cursor = readCursor(args.cursorFile);
  console.error(cursor ? `resuming from ${args.cursorFile}` : 'no cursor file: starting from the beginning of the feed');
  let failures = 0;
  let received = 0;
  while (!stop.signal.aborted) {
    let page: Page;
    try {
      page = await fetchPage(args, cursor, stop.signal);
      failures = 0;
    } catch (err) {
      if (stop.signal.aborted) break;
      if (err instanceof FatalError) {
        console.error(`error: ${err.message}`);
        process.exit(1);
      }
      failures += 1;
      // Exponential backoff with jitter; the cursor has not moved, so retrying repeats nothing.
      const backoff = (err as { retryAfterMs?: number }).retryAfterMs ?? Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2);
      console.error(`request failed (${(err as Error).message}); retrying in ${Math.round(backoff)} ms`);
      await sleep(backoff);
      continue;
    }
    for (const change of page.items) print(change, args.json);
    received += page.items.length;
    if (page.nextCursor !== cursor) {
      writeCursor(args.cursorFile, page.nextCursor);
      cursor = page.nextCursor;
    }
    if (args.once && !page.hasMore) break;
  }
  console.error(`${received} change(s) received; position saved in ${args.cursorFile}`);
}

void main();
