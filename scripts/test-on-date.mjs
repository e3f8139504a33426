#!/usr/bin/env node
/* global process, console */
// Runs the test suite (or another npm script) with the clock moved to another date, to show that no
// test depends on the day it runs:
//
//   npm run test:on-date -- 2026-09-30            npm test on 30 September 2026, 10:00 Beijing time
//   npm run test:on-date -- 2026-12-12 test:e2e   the browser tests on a Saturday
//
// The date's clock starts at 10:00 China Standard Time and runs on from there. It is moved with
// libfaketime (Debian: `apt-get install faketime`) for this process tree: Node, Jest and the
// services the tests start. Chromium cannot run under libfaketime, so the browser tests shift each
// page's Date by the same offset (FAKETIME, test/e2e/support/browser.ts). The embedded engine (a
// static Go binary) keeps the real time, which it never uses for dates. TEST_TODAY names the date.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const [date, script = 'test'] = process.argv.slice(2);
if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
  console.error('usage: npm run test:on-date -- YYYY-MM-DD [npm script, default "test"]');
  process.exit(2);
}
const candidates = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1', '/usr/local/lib/faketime/libfaketime.so.1'];
const lib = process.env.LIBFAKETIME ?? candidates.find((p) => fs.existsSync(p));
if (!lib) {
  console.error('libfaketime is not installed: `apt-get install faketime` (or set LIBFAKETIME to libfaketime.so.1).');
  process.exit(2);
}

// 02:00 UTC is 10:00 in Beijing: the same calendar day in both. The clock is moved by a fixed offset
// (not "start at"), so that every process of the run, including services started later and
// restarted after a SIGKILL, reads the same time as the test runner.
const offsetSeconds = Math.round((Date.parse(`${date}T02:00:00Z`) - Date.now()) / 1000);
const env = { ...process.env, TZ: 'UTC', LD_PRELOAD: lib, FAKETIME: `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', TEST_TODAY: date };
const check = spawnSync(process.execPath, ['-e', 'process.stdout.write(new Date().toISOString())'], { env, encoding: 'utf8' });
if (!check.stdout.startsWith(date)) {
  console.error(`the clock did not move (a child process says ${check.stdout || check.stderr}): is ${lib} libfaketime?`);
  process.exit(2);
}
console.log(`[test-on-date] npm run ${script} with the clock at ${check.stdout} (10:00 Beijing time on ${date}, running on)`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const res = spawnSync(npm, ['run', script], { env, stdio: 'inherit' });
console.log(`[test-on-date] npm run ${script} on ${date}: exit ${res.status ?? res.signal}`);
process.exit(res.status ?? 1);
