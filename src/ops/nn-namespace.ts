/**
 * `tf.nn`: the ops of nn.ts with TF1's RNN drivers and cells. The RNN modules build on loops,
 * gradients and layers, so they are joined here rather than in nn.ts, which the array and math
 * ops import while they are still being defined.
 */
export * from './nn.js';
export { bidirectionalDynamicRnn, dynamicRnn, staticBidirectionalRnn, staticRnn } from './rnn/rnn.js';
export * as rnnCell from './rnn/cells-namespace.js';
