#!/usr/bin/env node
/* global process, console */
// Builds the web console (web/, Vite + React + Ant Design) into web/dist, which the service serves
// at `/`. Used by `npm run build`, `npm start` and `npm test`.
//
//   node scripts/build-web.mjs             build when web/dist is missing or older than its sources
//   node scripts/build-web.mjs --if-stale  the same (the name `npm start` uses)
//   node scripts/build-web.mjs --force     always rebuild
//
// The web app's dependencies live in web/package.json; the root install puts them in web/node_modules
// (scripts/postinstall.mjs), so building needs no network.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stamp = path.join(dist, '.build-stamp');
const force = process.argv.includes('--force');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Everything the build reads: a change in any of these makes web/dist stale. */
const sources = [
  'web/src',
  'web/public',
  'web/index.html',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'web/package.json',
  'web/package-lock.json',
  'workflows/vocabulary.ts', // imported by the web app for its Chinese labels
];

const log = (msg) => console.log(`[build-web] ${msg}`);

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function run(args, what) {
  log(`${what}: ${npm} ${args.join(' ')}`);
  const started = Date.now();
  const res = spawnSync(npm, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    console.error(`[build-web] ${what} failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
  log(`${what} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (!fs.existsSync(path.join(web, 'package.json'))) {
  log('no web/ app: nothing to build');
  process.exit(0);
}

// 1. Dependencies: installed by the root install (scripts/postinstall.mjs, its postinstall step).
// Building never installs anything, so `npm start` needs no network.
const installed = path.join(web, 'node_modules', '.package-lock.json');
if (!fs.existsSync(installed) || mtime(path.join(web, 'package-lock.json')) > mtime(installed)) {
  console.error(
    `[build-web] the web console's dependencies are ${fs.existsSync(installed) ? 'older than web/package-lock.json' : 'not installed'}: ` +
      'run `npm install` at the repository root (it installs web/node_modules too).',
  );
  process.exit(1);
}

// 2. Build, unless web/dist is newer than every source.
const built = mtime(stamp);
const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (!force && built > 0 && built >= newest) {
  log('web/dist is up to date (newer than web/src and its other sources); use --force to rebuild');
  process.exit(0);
}
log(force ? 'rebuilding (--force)' : built === 0 ? 'web/dist is missing: building' : 'web sources changed since the last build: rebuilding');
const startedAt = new Date();
run(['run', 'build', '--prefix', 'web'], 'type-checking and building the web console');
// The stamp carries the time the build started, so an edit made during the build is not missed.
fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
fs.utimesSync(stamp, startedAt, startedAt);
log(`built into ${path.relative(root, dist)}/ (served by the service at /)`);
