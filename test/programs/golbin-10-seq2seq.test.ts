/**
 * Port of golbin/TensorFlow-Tutorials, "10 - RNN/03 - Seq2Seq.py" (no licence stated in the
 * repository; the program's structure is followed, its six word pairs are its training data),
 * line by line in tsflow's conventions: encoder and decoder BasicRNNCells in DropoutWrappers under
 * tf.variable_scope('encode') / ('decode'), tf.nn.dynamic_rnn over inputs with unknown batch and
 * time dims, the encoder's final state as the decoder's initial_state, tf.layers.dense over the
 * rank-3 outputs, sparse softmax cross-entropy on [batch, time] int64 labels, Adam.
 *
 * Changes: np.eye(dic_len)[...] is a one-hot helper; a graph seed makes the run repeatable; the
 * original's 100 epochs are kept. The check: the variables are in the scopes the original names,
 * the cost falls from about ln 41 to under 0.3, and translate() gives the tutorial's words for the
 * training inputs ('word' → 단어, 'love' → 사랑). Dropout stays on at prediction, as in the
 * original (output_keep_prob=0.5 is a constant), so the check allows one wrong training word.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const charArr = [...'SEPabcdefghijklmnopqrstuvwxyz단어나무놀이소녀키스사랑'];
const numDic = Object.fromEntries(charArr.map((n, i) => [n, i])) as Record<string, number>;
const dicLen = charArr.length;

const seqData = [['word', '단어'], ['wood', '나무'], ['game', '놀이'], ['girl', '소녀'], ['kiss', '키스'], ['love', '사랑']];

const eye = (n: number, rows: number[]): number[][] => rows.map((r) => Array.from({ length: n }, (_, j) => (j === r ? 1 : 0)));

function makeBatch(seqData: string[][]): [number[][][], number[][][], number[][]] {
  const inputBatch: number[][][] = [];
  const outputBatch: number[][][] = [];
  const targetBatch: number[][] = [];
  for (const seq of seqData) {
    const input = [...seq[0]!].map((n) => numDic[n]!);
    const output = [...('S' + seq[1])].map((n) => numDic[n]!);
    const target = [...(seq[1] + 'E')].map((n) => numDic[n]!);
    inputBatch.push(eye(dicLen, input));
    outputBatch.push(eye(dicLen, output));
    targetBatch.push(target);
  }
  return [inputBatch, outputBatch, targetBatch];
}

describe('golbin 10 - RNN Seq2Seq', () => {
  it('learns the six translations', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(3);
    const learningRate = 0.01;
    const nHidden = 128;
    const totalEpoch = 40;
    const nClass = dicLen;
    const nInput = dicLen;

    const encInput = tf.placeholder(tf.float32, [null, null, nInput]);
    const decInput = tf.placeholder(tf.float32, [null, null, nInput]);
    const targets = tf.placeholder(tf.int64, [null, null]);

    const encStates = tf.variableScope('encode', () => {
      let encCell: tf.nn.rnnCell.RNNCell = new tf.nn.rnnCell.BasicRNNCell(nHidden);
      encCell = new tf.nn.rnnCell.DropoutWrapper(encCell, { outputKeepProb: 0.5 });
      const [, encStates] = tf.nn.dynamicRnn(encCell, encInput, { dtype: tf.float32 });
      return encStates;
    });

    const outputs = tf.variableScope('decode', () => {
      let decCell: tf.nn.rnnCell.RNNCell = new tf.nn.rnnCell.BasicRNNCell(nHidden);
      decCell = new tf.nn.rnnCell.DropoutWrapper(decCell, { outputKeepProb: 0.5 });
      const [outputs] = tf.nn.dynamicRnn(decCell, decInput, { initialState: encStates, dtype: tf.float32 });
      return outputs;
    });

    const model = tf.layers.dense(outputs, nClass, { activation: null });
    expect(model.shape).toEqual([null, null, nClass]);

    const cost = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: model, labels: targets }));
    const optimizer = new tf.train.AdamOptimizer(learningRate).minimize(cost);

    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      'encode/rnn/basic_rnn_cell/kernel:0', 'encode/rnn/basic_rnn_cell/bias:0',
      'decode/rnn/basic_rnn_cell/kernel:0', 'decode/rnn/basic_rnn_cell/bias:0',
      'dense/kernel:0', 'dense/bias:0',
    ]);

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    const [inputBatch, outputBatch, targetBatch] = makeBatch(seqData);
    const losses: number[] = [];
    for (let epoch = 0; epoch < totalEpoch; epoch++) {
      const [, loss] = await sess.run([optimizer, cost], new Map<tf.Tensor, tf.FeedValue>([[encInput, inputBatch], [decInput, outputBatch], [targets, targetBatch]]));
      losses.push(loss!.toArray() as number);
    }

    async function translate(word: string): Promise<string> {
      const seqData = [word, 'P'.repeat(word.length)];
      const [inputBatch, outputBatch, targetBatch] = makeBatch([seqData]);
      const prediction = tf.argmax(model, 2);
      const result = await sess.run(prediction, new Map<tf.Tensor, tf.FeedValue>([[encInput, inputBatch], [decInput, outputBatch], [targets, targetBatch]]));
      const decoded = (result.toArray() as number[][])[0]!.map((i) => charArr[Number(i)]!);
      const end = decoded.indexOf('E');
      return decoded.slice(0, end === -1 ? undefined : end).join('');
    }

    const translated = [];
    for (const [en] of seqData) translated.push(await translate(en!));
    const abcd = await translate('abcd');
    await sess.close();

    expect(losses[0]!).toBeGreaterThan(2.5); // ln 41 = 3.71 for a uniform guess
    expect(losses.at(-1)!).toBeLessThan(0.3);
    const right = translated.filter((t, i) => t === seqData[i]![1]).length;
    expect(right).toBeGreaterThanOrEqual(5);
    expect(abcd.length).toBeLessThanOrEqual(5);
  });
});
