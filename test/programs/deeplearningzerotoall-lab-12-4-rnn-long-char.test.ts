/**
 * Port of hunkim/DeepLearningZeroToAll lab-12-4-rnn_long_char.py (TF1; the repository carries no
 * licence file), line by line in tsflow's conventions: next-character prediction over a sentence
 * with tf.oneHot inputs, a 2-layer tf.contrib.rnn.MultiRNNCell of BasicLSTMCells run by
 * tf.nn.dynamicRnn, tf.contrib.layers.fullyConnected on the reshaped outputs and
 * tf.contrib.seq2seq.sequenceLoss with all-ones weights, trained with Adam.
 *
 * Changes: iterations 500 → 18, and the sentence is cut to its first 50 characters (40 windows
 * of 10), so the test stays bounded; `list(set(sentence))` (an arbitrary order in Python) is
 * the characters in first-seen order. Checks: the variable names TF1 gives this graph, the
 * first loss ≈ log(num_classes) (a near-uniform start), the loss falling below half of that,
 * and the greedy next characters matching the sentence for most positions.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('lab-12-4 long char RNN: stacked LSTMs + fully_connected + sequence_loss learn the sentence', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // reproducibility

  const sentence = (
    "if you want to build a ship, don't drum up people together to " +
    "collect wood and don't assign them tasks and work, but rather " +
    'teach them to long for the endless immensity of the sea.'
  ).slice(0, 50);

  const char_set = [...new Set(sentence)];
  const char_dic = new Map(char_set.map((w, i) => [w, i]));

  const data_dim = char_set.length;
  const hidden_size = char_set.length;
  const num_classes = char_set.length;
  const sequence_length = 10; // Any arbitrary number
  const learning_rate = 0.1;
  void data_dim;

  const dataX: number[][] = [];
  const dataY: number[][] = [];
  for (let i = 0; i < sentence.length - sequence_length; i++) {
    const x_str = sentence.slice(i, i + sequence_length);
    const y_str = sentence.slice(i + 1, i + sequence_length + 1);
    const x = [...x_str].map((c) => char_dic.get(c)!); // x str to index
    const y = [...y_str].map((c) => char_dic.get(c)!); // y str to index
    dataX.push(x);
    dataY.push(y);
  }

  const batch_size = dataX.length;

  const X = tf.placeholder(tf.int32, [null, sequence_length]);
  const Y = tf.placeholder(tf.int32, [null, sequence_length]);

  // One-hot encoding
  const X_one_hot = tf.oneHot(X, num_classes);
  expect(X_one_hot.shape).toEqual([null, sequence_length, num_classes]); // check out the shape

  // Make a lstm cell with hidden_size (each unit output vector size)
  function lstm_cell() {
    const cell = new tf.contrib.rnn.BasicLSTMCell(hidden_size, { stateIsTuple: true });
    return cell;
  }

  const multi_cells = new tf.contrib.rnn.MultiRNNCell([0, 1].map(() => lstm_cell()), { stateIsTuple: true });

  // outputs: unfolding size x hidden size, state = hidden size
  let [outputs, _states] = tf.nn.dynamicRnn(multi_cells, X_one_hot, { dtype: tf.float32 }) as [tf.Tensor, unknown];
  void _states;

  // FC layer
  const X_for_fc = tf.reshape(outputs, [-1, hidden_size]);
  outputs = tf.contrib.layers.fullyConnected(X_for_fc, num_classes, { activationFn: null });

  // reshape out for sequence_loss
  outputs = tf.reshape(outputs, [batch_size, sequence_length, num_classes]);

  // All weights are 1 (equal weights)
  const weights = tf.ones([batch_size, sequence_length]);

  const sequence_loss = tf.contrib.seq2seq.sequenceLoss({ logits: outputs, targets: Y, weights });
  const mean_loss = tf.reduceMean(sequence_loss);
  const train_op = new tf.train.AdamOptimizer({ learningRate: learning_rate }).minimize(mean_loss);

  expect(tf.trainableVariables().map((v) => v.name)).toEqual([
    'rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0',
    'rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0',
    'rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0',
    'rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0',
    'fully_connected/weights:0',
    'fully_connected/biases:0',
  ]);

  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());

  const losses: number[] = [];
  for (let i = 0; i < 18; i++) {
    const [, l] = (await sess.run([train_op, mean_loss, outputs], new Map([[X, dataX], [Y, dataY]]))) as [null, tf.NDArray, tf.NDArray];
    losses.push(l.toArray() as number);
  }

  // Glorot-initialized weights on one-hot inputs start near the uniform guess: log(num_classes).
  expect(Math.abs(losses[0]! - Math.log(num_classes))).toBeLessThan(0.3);
  expect(losses[17]!).toBeLessThan(losses[0]! / 2);

  // Let's print the last char of each result to check it works
  const results = (await sess.run(outputs, new Map([[X, dataX]]))) as tf.NDArray;
  let right = 0;
  let total = 0;
  const r = results.toArray() as number[][][];
  r.forEach((result, j) => {
    result.forEach((row, t) => {
      const index = row.indexOf(Math.max(...row));
      if (index === dataY[j]![t]) right++;
      total++;
    });
  });
  expect(right / total).toBeGreaterThan(0.6);
  await sess.close();
});
