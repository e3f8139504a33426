#!/usr/bin/env node
/* global process, console */
// The root install's postinstall step: installs the web console's dependencies (web/package.json,
// locked by web/package-lock.json) into web/node_modules, so that after `npm install` (or `npm ci`)
// at the root, `npm start` and `npm run build` have everything they need without the network.
//
// Skipped when the install leaves out development dependencies (`npm ci --omit=dev`, as the
// production image's runtime stage does: it serves a console built in the build stage), and when
// web/node_modules is already current with web/package-lock.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const log = (msg) => console.log(`[install-web] ${msg}`);

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
  process.exit(0);
}

log('installing the web console\'s dependencies into web/node_modules (npm ci --prefix web)');
const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const res = spawnSync(npm, ['ci', '--prefix', 'web', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: process.env });
if (res.status !== 0) {
  console.error(`[install-web] npm ci --prefix web failed (exit ${res.status ?? res.signal})`);
  process.exit(res.status ?? 1);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
