/**
 * Type-level expectations for `Session.run`'s results, checked by `tsc` (test/types.test.ts and
 * the project's type check). Nothing here runs.
 */
import * as tf from 'tsflow';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_: Equal<A, B>): void {}

declare const sess: tf.Session;
declare const t: tf.Tensor;
declare const v: tf.Variable;
declare const op: tf.Operation;

export async function results(): Promise<void> {
  expectType<tf.NDArray, Awaited<ReturnType<typeof sess.run<typeof t>>>>(true);
  const one = await sess.run(t);
  expectType<tf.NDArray, typeof one>(true);
  const variable = await sess.run(v);
  expectType<tf.NDArray, typeof variable>(true);
  const none = await sess.run(op);
  expectType<null, typeof none>(true);
  const tuple = await sess.run([t, op, v]);
  expectType<[tf.NDArray, null, tf.NDArray], typeof tuple>(true);
  const [a, b] = await sess.run([t, t]);
  expectType<tf.NDArray, typeof a>(true);
  expectType<tf.NDArray, typeof b>(true);
  const dict = await sess.run({ loss: t, train: op, nested: { w: v, pair: [t, op] } });
  expectType<{ loss: tf.NDArray; train: null; nested: { w: tf.NDArray; pair: [tf.NDArray, null] } }, typeof dict>(true);
  const byName = await sess.run('x:0');
  expectType<tf.NDArray, typeof byName>(true);
  const opName = await sess.run('train');
  expectType<tf.NDArray | null, typeof opName>(true);
  const list: tf.Tensor[] = [t, t];
  const many = await sess.run(list);
  expectType<tf.NDArray[], typeof many>(true);
  const sync = sess.runSync([t, op]);
  expectType<[tf.NDArray, null], typeof sync>(true);
  // A result is an NDArray, not `any`: misuse is a compile error.
  // @ts-expect-error NDArray has no method 'nope'
  one.nope();
  // @ts-expect-error an operation's result is null
  none.shape;
}
