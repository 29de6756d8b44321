/**
 * Port of golbin/TensorFlow-Tutorials, "10 - RNN/02 - Autocomplete.py" (no licence stated in the
 * repository; the program's structure is followed, its ten words are its training data), line by
 * line in tsflow's conventions: a two-layer MultiRNNCell of BasicLSTMCells (the first wrapped in a
 * DropoutWrapper fed a keep_prob placeholder) under tf.nn.dynamic_rnn, the last step's output
 * through a dense projection, sparse softmax cross-entropy, Adam.
 *
 * Changes: np.eye(dic_len)[input] is written out as a one-hot helper; a graph seed is set so the
 * run is repeatable (the original's 30 epochs, with the dropout at 0.5, may leave a word wrong on
 * other seeds); `outputs[-1]` is tf.index(outputs, -1). The check: the cost falls from about ln 26 and
 * all ten words are completed, as the tutorial prints.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const charArr = 'abcdefghijklmnopqrstuvwxyz'.split('');
const numDic = Object.fromEntries(charArr.map((n, i) => [n, i])) as Record<string, number>;
const dicLen = charArr.length;

const seqData = ['word', 'wood', 'deep', 'dive', 'cold', 'cool', 'load', 'love', 'kiss', 'kind'];

const eye = (n: number, rows: number[]): number[][] => rows.map((r) => Array.from({ length: n }, (_, j) => (j === r ? 1 : 0)));

function makeBatch(seqData: string[]): [number[][][], number[]] {
  const inputBatch: number[][][] = [];
  const targetBatch: number[] = [];
  for (const seq of seqData) {
    const input = [...seq.slice(0, -1)].map((n) => numDic[n]!);
    const target = numDic[seq.at(-1)!]!;
    inputBatch.push(eye(dicLen, input));
    targetBatch.push(target);
  }
  return [inputBatch, targetBatch];
}

describe('golbin 10 - RNN Autocomplete', () => {
  it('learns to complete the ten words', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const learningRate = 0.01;
    const nHidden = 128;
    const totalEpoch = 30;
    const nStep = 3;
    const nInput = dicLen;
    const nClass = dicLen;

    const X = tf.placeholder(tf.float32, [null, nStep, nInput]);
    const Y = tf.placeholder(tf.int32, [null]);
    // dropout prob for RNN
    const keepProb = tf.placeholder(tf.float32, []);

    const W = new tf.Variable(tf.randomNormal([nHidden, nClass]));
    const b = new tf.Variable(tf.randomNormal([nClass]));

    let cell1: tf.nn.rnnCell.RNNCell = new tf.nn.rnnCell.BasicLSTMCell(nHidden);
    cell1 = new tf.nn.rnnCell.DropoutWrapper(cell1, { outputKeepProb: keepProb });
    const cell2 = new tf.nn.rnnCell.BasicLSTMCell(nHidden);
    const multiCell = new tf.nn.rnnCell.MultiRNNCell([cell1, cell2]);

    let [outputs] = tf.nn.dynamicRnn(multiCell, X, { dtype: tf.float32 });

    outputs = tf.transpose(outputs, [1, 0, 2]);
    outputs = tf.index(outputs, -1);
    const model = tf.add(tf.matmul(outputs, W), b);

    const cost = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: model, labels: Y }));
    const optimizer = new tf.train.AdamOptimizer(learningRate).minimize(cost);

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    let [inputBatch, targetBatch] = makeBatch(seqData);
    const losses: number[] = [];
    for (let epoch = 0; epoch < totalEpoch; epoch++) {
      const [, loss] = await sess.run([optimizer, cost], new Map<tf.Tensor, tf.FeedValue>([[X, inputBatch], [Y, targetBatch], [keepProb, 0.5]]));
      losses.push(loss!.toArray() as number);
    }

    const prediction = tf.cast(tf.argmax(model, 1), tf.int32);
    const predictionCheck = tf.equal(prediction, Y);
    const accuracy = tf.reduceMean(tf.cast(predictionCheck, tf.float32));

    [inputBatch, targetBatch] = makeBatch(seqData);
    const [predict, accuracyVal] = await sess.run([prediction, accuracy], new Map<tf.Tensor, tf.FeedValue>([[X, inputBatch], [Y, targetBatch], [keepProb, 1]]));
    const predictWords = seqData.map((val, idx) => val.slice(0, 3) + charArr[(predict!.toArray() as number[])[idx]!]);
    await sess.close();

    expect(losses[0]!).toBeGreaterThan(1.5);
    expect(losses.at(-1)!).toBeLessThan(0.2 * losses[0]!);
    expect(predictWords).toEqual(seqData);
    expect(accuracyVal!.toArray()).toBe(1);
  });
});
