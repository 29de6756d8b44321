/**
 * Child process of crash-safety.test.ts: saves generation after generation of two variables
 * under one prefix until it is killed (or has saved `maxSaves` times), printing `saved <g>`
 * after each save returns. Every value of generation g is g.
 *
 *   node --import tsx save-child.ts <dir> <first generation> [maxSaves]
 */
import * as tf from '../../src/index.js';

const [dir, first, max] = process.argv.slice(2);
const maxSaves = max === undefined ? 100000 : Number(max);

const g = new tf.Graph();
const { setAll, saver } = g.asDefault(() => {
  const w = new tf.Variable(tf.zeros([1 << 18]), { name: 'w' });
  const b = new tf.Variable(tf.zeros([3], tf.int32), { name: 'b' });
  const gen = tf.placeholder(tf.float32, []);
  const setAll = tf.group(
    tf.assign(w, tf.add(tf.zeros([1 << 18]), gen)),
    tf.assign(b, tf.cast(tf.add(tf.zeros([3]), gen), tf.int32)),
  );
  return { setAll: (v: number) => [setAll, gen, v] as const, saver: new tf.train.Saver() };
});
const sess = new tf.Session({ graph: g });
await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
for (let i = 0, gen = Number(first); i < maxSaves; i++, gen++) {
  const [op, ph, v] = setAll(gen);
  await sess.run(op, [[ph, new tf.NDArray(Float32Array.of(v), [])]]);
  await saver.save(sess, `${dir}/model.ckpt`);
  process.stdout.write(`saved ${gen}\n`);
}
sess.close();
