/**
 * tf.nn.softmaxCrossEntropyWithLogits(V2) with logits and labels of different ranks: TF 1.15
 * flattens each one's outer dims to a matrix on its own (nn_ops._flatten_outer_dims) and reshapes
 * the cost to logits' shape less its last dim — so `labels=tf.stop_gradient([Y_one_hot])` (a list
 * around [N, C], i.e. [1, N, C]) against logits [N, C] works, as in DeepLearningZeroToAll's lab-06.
 * Values from numpy (log-softmax rows), gradients against finite differences (labels normalized
 * per row: TF's kernel gradient, softmax − labels, assumes rows summing to 1).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { checkGradients } from './support/grad-check.js';

const logits2 = [[1, 2, 0.5], [-1, 0, 3]];
const labels3 = [[[0.2, 0.3, 0.5], [1, 0, 0]]];

describe('softmax cross-entropy over inputs of different ranks', () => {
  it('labels [1, N, C] against logits [N, C] (numpy: -(labels * log_softmax).sum(1))', async () => {
    tf.resetDefaultGraph();
    const lg = tf.placeholder(tf.float32, [null, 3]);
    const lb = tf.constant(labels3);
    const v2 = tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: lg, labels: tf.stopGradient([lb]) });
    const v1 = tf.nn.softmaxCrossEntropyWithLogits({ logits: lg, labels: lb });
    const sess = new tf.Session();
    const [a, b] = (await sess.run([v2, v1], new Map([[lg, logits2]]))) as tf.NDArray[];
    for (const r of [a!, b!]) {
      expect(r.shape).toEqual([2]);
      expect(r.get(0)).toBeCloseTo(1.41436878, 5);
      expect(r.get(1)).toBeCloseTo(4.0658839, 5);
    }
    await sess.close();
  });

  it('logits [2, 2, C] against labels [4, C]: the cost comes back as [2, 2]', async () => {
    tf.resetDefaultGraph();
    const lg = tf.constant([[[1, 2, 0.5], [-1, 0, 3]], [[0, 0, 0], [2, -2, 1]]]);
    const lb = tf.constant([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0.5, 0.5, 0]]);
    const c = tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: lg, labels: lb });
    expect(c.shape).toEqual([2, 2]);
    const sess = new tf.Session();
    const r = (await sess.run(c)) as tf.NDArray;
    expect(r.shape).toEqual([2, 2]);
    const want = [[0.46436878, 0.0658839], [1.09861229, 2.32656264]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(r.get(i, j)).toBeCloseTo(want[i]![j]!, 5);
    await sess.close();
  });

  it('different class counts are still refused', () => {
    tf.resetDefaultGraph();
    expect(() => tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: tf.zeros([2, 3]), labels: tf.zeros([1, 2, 4]) })).toThrow(
      /logits and labels must be broadcastable: logits_size=\[2,3\] labels_size=\[2,4\]/,
    );
  });

  it('gradients w.r.t. logits and labels match finite differences', async () => {
    await checkGradients(
      {
        name: 'xent labels [1,N,C]',
        ins: [{ shape: [2, 3] }, { shape: [1, 2, 3], gen: 'pos' }],
        f: (lg, lb) => tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: lg!, labels: tf.divide(lb!, tf.reduceSum(lb!, -1, true)) }),
      },
      'float64',
      {},
    );
    await checkGradients(
      {
        name: 'xent logits [2,2,C] labels [4,C]',
        ins: [{ shape: [2, 2, 3] }, { shape: [4, 3], gen: 'pos' }],
        f: (lg, lb) => tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: lg!, labels: tf.divide(lb!, tf.reduceSum(lb!, -1, true)) }),
      },
      'float64',
      {},
    );
  });
});
