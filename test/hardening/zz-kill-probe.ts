import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import mongoose from 'mongoose';
import { resolveDatabase } from '../../src/db/engine';

const childCode = `
const mongoose = require('mongoose');
(async () => {
  const conn = await mongoose.createConnection(process.env.URI, { dbName: 'killdb' }).asPromise();
  const c = conn.collection('docs');
  process.stdout.write('ready\\n');
  await Promise.all(Array.from({ length: 16 }, async (_, w) => {
    for (let n = 0; ; n++) {
      const id = 'd' + ((n * 7 + w) % 40);
      await c.updateOne({ _id: id }, { $inc: { n: 1 }, $push: { h: { w, n, pad: 'x'.repeat(500) } } }, { upsert: true });
      await c.findOne({ _id: id });
      if (n % 10 === 0) await c.insertOne({ _id: 'i' + w + '_' + n + '_' + Math.random(), big: 'y'.repeat(5000) });
    }
  }));
})();
`;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-probe-'));
  const db = await resolveDatabase({ engine: 'ferretdb', dataDir, logger: { info: () => undefined, warn: () => undefined }, ephemeral: true });
  const other = await mongoose.createConnection(db.uri, { dbName: 'bystander' }).asPromise();
  for (let round = 0; round < 25; round++) {
    const child = spawn(process.execPath, ['-e', childCode], { cwd: process.cwd(), env: { ...process.env, URI: db.uri }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    try {
      await other.collection('x').insertOne({ round });
      await other.collection('x').findOne({ round });
    } catch (e) {
      console.log('round', round, 'ENGINE GONE', String(e));
      process.exit(1);
    }
  }
  console.log('engine survived 25 SIGKILLed clients');
  await other.close();
  await db.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
