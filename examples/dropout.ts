// Port of the TF1 dropout snippet (keep_prob fed as 0.5: kept units are scaled by 2).
// test-check: \[\[4\.7799997 8\.\]\n \[0\.51100004 0\.84400004\]\n \[24\.01 38\.24\]\]
//   weights = [tf.Variable(hidden_layer_weights), tf.Variable(out_weights)]
//   biases = [tf.Variable(tf.zeros(3)), tf.Variable(tf.zeros(2))]
//   features = tf.Variable([[0.0, 2.0, 3.0, 4.0], [0.1, 0.2, 0.3, 0.4], [11.0, 12.0, 13.0, 14.0]])
//   keep_prob = tf.placeholder(tf.float32)
//   hidden_layer = tf.add(tf.matmul(features, weights[0]), biases[0])
//   hidden_layer = tf.nn.relu(hidden_layer)
//   hidden_layer = tf.nn.dropout(hidden_layer, keep_prob)
//   logits = tf.add(tf.matmul(hidden_layer, weights[1]), biases[1])
//   with tf.Session() as sess:
//       sess.run(tf.global_variables_initializer())
//       print(sess.run(logits, feed_dict={keep_prob: 0.5}))
import * as tf from 'tsflow';

tf.setRandomSeed(1); // TF1's snippet is unseeded; seeding makes this run repeatable.

const hiddenLayerWeights = [[0.1, 0.2, 0.4], [0.4, 0.6, 0.6], [0.5, 0.9, 0.1], [0.8, 0.2, 0.8]];
const outWeights = [[0.1, 0.6], [0.2, 0.1], [0.7, 0.9]];
const weights = [new tf.Variable(hiddenLayerWeights), new tf.Variable(outWeights)];
const biases = [new tf.Variable(tf.zeros(3)), new tf.Variable(tf.zeros(2))];
const features = new tf.Variable([[0.0, 2.0, 3.0, 4.0], [0.1, 0.2, 0.3, 0.4], [11.0, 12.0, 13.0, 14.0]]);
const keepProb = tf.placeholder(tf.float32);
let hiddenLayer = tf.add(tf.matmul(features, weights[0]!), biases[0]!);
hiddenLayer = tf.nn.relu(hiddenLayer);
hiddenLayer = tf.nn.dropout(hiddenLayer, keepProb);
const logits = tf.add(tf.matmul(hiddenLayer, weights[1]!), biases[1]!);
{
  await using sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());
  console.log((await sess.run(logits, new Map([[keepProb, 0.5]]))).toString());
  // With keep_prob = 1.0 dropout is the identity:
  console.log((await sess.run(logits, new Map([[keepProb, 1.0]]))).toString());
}
