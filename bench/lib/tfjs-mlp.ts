/** The MLP 784-256-10 SGD training step in TensorFlow.js (bench/cases/mlp.ts, and in a page bench/browser/page.ts). */
import type { Tfjs } from './tfjs.js';
import { randomData } from './child.js';

/** A step function: one sgd minimize of softmax cross-entropy, the batch resident, the loss read back. */
export function tfjsMlpStep(tf: Tfjs, b: number, inputs: number, hidden: number, out: number, labels: Int32Array): () => Promise<void> {
  const x = tf.tensor2d(randomData(b * inputs, 3), [b, inputs]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), out);
  const w1 = tf.variable(tf.tensor2d(randomData(inputs * hidden, 1).map((v) => v * 0.1), [inputs, hidden]));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.tensor2d(randomData(hidden * out, 2).map((v) => v * 0.1), [hidden, out]));
  const b2 = tf.variable(tf.zeros([out]));
  const opt = tf.train.sgd(0.1);
  return async () => {
    const cost = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.losses.softmaxCrossEntropy(y, logits) as never;
    }, true)!;
    await cost.data();
    cost.dispose();
  };
}
