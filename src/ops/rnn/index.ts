/** RNN cells and drivers: `tf.nn.rnnCell` and `tf.contrib.rnn`. */
export {
  BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple, MultiRNNCell, RNNCell, ResidualWrapper,
  type LSTMCellOpts, type DropoutWrapperOpts, type RNNState, type SizeStruct,
} from './cells.js';
export { GRUBlockCell, GRUBlockCellV2, LSTMBlockCell, LSTMBlockFusedCell, type LSTMBlockCellOpts } from './block-cells.js';
export { bidirectionalDynamicRnn, dynamicRnn, staticBidirectionalRnn, staticRnn } from './rnn.js';
export { staticRnn as static_rnn, staticBidirectionalRnn as static_bidirectional_rnn } from './rnn.js';
export { rawRnn, staticStateSavingRnn, staticStateSavingRnn as static_state_saving_rnn } from './raw-rnn.js';
export {
  CoupledInputForgetGateLSTMCell, IndRNNCell, IndyGRUCell, IndyLSTMCell, IntersectionRNNCell, LayerNormBasicLSTMCell, LayerNormLSTMCell, NASCell,
  SRUCell, UGRNNCell,
} from './contrib-cells.js';
export { AttentionCellWrapper, DeviceWrapper, EmbeddingWrapper, HighwayWrapper, InputProjectionWrapper, OutputProjectionWrapper } from './contrib-wrappers.js';
export { Conv1DLSTMCell, Conv2DLSTMCell, Conv3DLSTMCell, ConvLSTMCell } from './conv-lstm.js';
export {
  stackBidirectionalDynamicRnn, stackBidirectionalDynamicRnn as stack_bidirectional_dynamic_rnn, stackBidirectionalRnn,
  stackBidirectionalRnn as stack_bidirectional_rnn,
} from './stack-bidirectional.js';
