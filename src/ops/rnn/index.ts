/** RNN cells and drivers (`tf.contrib.rnn`). */
export { BasicLSTMCell, BasicRNNCell, LSTMStateTuple, type RNNState, staticRnn } from './cells.js';
export { staticRnn as static_rnn } from './cells.js';
