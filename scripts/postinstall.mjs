#!/usr/bin/env node
/* global process, console */
// The root install's postinstall step, so that after `npm install` (or `npm ci`) at the root,
// `npm start` and `npm test` have everything they need without the network:
//  1. the web console's dependencies (web/package.json, locked by web/package-lock.json) go into
//     web/node_modules, unless they are current already;
//  2. the embedded database engine (FerretDB, built from its Go module by src/db/ferretdb/) is built
//     into .cache/ferretdb/, when Go is installed (without Go the service needs MONGODB_URI, and
//     says so at start).
//
// Skipped when the install leaves out development dependencies (`npm ci --omit=dev`, as the
// production image's runtime stage does: it serves a console built in the build stage and always
// has MONGODB_URI).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const log = (msg) => console.log(`[postinstall] ${msg}`);

const omitted = `${process.env.npm_config_omit ?? ''}`.split(/[\s,]+/);
if (omitted.includes('dev') || process.env.NODE_ENV === 'production') {
  log('development dependencies are left out of this install: the web console is not installed');
  process.exit(0);
}
if (!fs.existsSync(path.join(web, 'package.json'))) process.exit(0);

const lock = path.join(web, 'package-lock.json');
const installed = path.join(web, 'node_modules', '.package-lock.json');
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);
if (mtime(installed) > 0 && mtime(installed) >= mtime(lock)) {
  log('web/node_modules is current with web/package-lock.json');
} else {
  log('installing the web console\'s dependencies into web/node_modules (npm ci --prefix web)');
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['ci', '--prefix', 'web', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    console.error(`[postinstall] npm ci --prefix web failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
  log(`web console's dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// 2. The embedded engine, when Go is here to build it.
const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.error || go.status !== 0) {
  log('no Go toolchain: the embedded engine is not built (start the service with MONGODB_URI, or install Go and run `npm run build:engine`)');
} else {
  log(`building the embedded database engine with ${go.stdout.trim()} (once; cached in .cache/ferretdb/)`);
  const tsx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const res = spawnSync(tsx, [path.join('src', 'db', 'build-ferretdb-cli.ts')], { cwd: root, stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    console.error(`[postinstall] the embedded engine could not be built (exit ${res.status ?? res.signal}); \`npm run build:engine\` retries it`);
    process.exit(res.status ?? 1);
  }
}
