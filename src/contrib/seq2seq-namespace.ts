/** `tf.contrib.seq2seq`: the parts tsflow has. */
export { sequenceLoss, type SoftmaxLossFunction } from './seq2seq.js';
