/**
 * Child process of meta-graph.test.ts: a fresh process that knows nothing of the model but
 * the `.meta` file and the checkpoint. It imports the MetaGraph, restores it, evaluates loss and
 * accuracy by tensor name, runs the `train` op (found by name and through the train_op
 * collection) once with the same batch, and prints what it saw as one JSON line.
 *
 *   node --import tsx meta-child.ts <checkpoint prefix> <batch.json>
 */
import { readFileSync } from 'node:fs';
import * as tf from '../../src/index.js';

const [prefix, batchFile] = process.argv.slice(2);
const batch = JSON.parse(readFileSync(batchFile!, 'utf8')) as { x: number[]; y: number[]; n: number };
const g = new tf.Graph();
const saver = g.asDefault(() => tf.train.importMetaGraph(`${prefix}.meta`))!;
const sess = new tf.Session({ graph: g });
await saver.restore(sess, prefix!);
const feed = new Map([
  [g.getTensorByName('x:0'), new tf.NDArray(Float32Array.from(batch.x), [batch.n, 4])],
  [g.getTensorByName('labels:0'), new tf.NDArray(Int32Array.from(batch.y), [batch.n], 'int32')],
]);
const evalBoth = async () => {
  const [l, a] = (await sess.run([g.getTensorByName('loss:0'), g.getTensorByName('accuracy:0')], feed)) as tf.NDArray[];
  return [Number(l!.data[0]), Number(a!.data[0])];
};
const before = await evalBoth();
const trainOps = g.getCollection<tf.Operation>('train_op');
await sess.run(g.getOperationByName('train'), feed);
const after = await evalBoth();
console.log(JSON.stringify({
  before,
  after,
  trainOp: trainOps.map((o) => o.name),
  trainable: tf.trainableVariables(g).map((v) => v.op.name),
  global: tf.globalVariables(g).map((v) => v.op.name),
  summaries: g.getCollection<tf.Tensor>('summaries').map((t) => t.name),
  keys: [...saver.varList.keys()],
}));
await sess.close();
