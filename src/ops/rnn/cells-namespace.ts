/** `tf.nn.rnnCell`: TF1's `tf.nn.rnn_cell` module (the cells also under `tf.contrib.rnn`). */
export {
  BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple, MultiRNNCell, RNNCell, ResidualWrapper,
} from './cells.js';
export { DeviceWrapper } from './contrib-wrappers.js';
