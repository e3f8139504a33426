import mongoose, { Schema } from 'mongoose';
import { startTestService, type TestService } from '../support/service';

let svc: TestService;
beforeAll(async () => { svc = await startTestService(); });
afterAll(async () => { await svc.stop(); });

const M = mongoose.model('ProbeY', new Schema({ _id: String, n: Number, v: Number, arr: [String] }, { collection: 'probey', versionKey: false }));

it('guarded $inc under concurrency', async () => {
  await M.create({ _id: 'a', n: 0, v: 0, arr: [] });
  const res = await Promise.all(Array.from({ length: 10 }, (_, i) => M.updateOne({ _id: 'a', n: { $lte: 150 - 20 } }, { $inc: { n: 20 }, $push: { arr: `x${i}` } })));
  const doc = await M.findById('a').lean();
  console.log('guarded', res.map((r) => r.modifiedCount).join(','), JSON.stringify(doc));
  await M.create({ _id: 'b', n: 0, v: 0, arr: [] });
  const res2 = await Promise.all(Array.from({ length: 10 }, (_, i) => M.updateOne({ _id: 'b', v: 0 }, { $inc: { v: 1 }, $push: { arr: `y${i}` } })));
  console.log('version', res2.map((r) => r.modifiedCount).join(','), JSON.stringify(await M.findById('b').lean()));
  await M.create({ _id: 'c', n: 0, v: 0, arr: [] });
  const res3 = await Promise.all(Array.from({ length: 10 }, () => M.findOneAndUpdate({ _id: 'c', n: { $lte: 150 - 20 } }, { $inc: { n: 20 } }, { returnDocument: 'after' }).lean()));
  console.log('fam', res3.map((r) => (r ? 1 : 0)).join(','), JSON.stringify(await M.findById('c').lean()));
});
