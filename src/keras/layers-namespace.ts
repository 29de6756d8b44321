/** `tf.keras.layers`. */
export {
  Activation, Add, Average, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, Dense, Dropout, Embedding, Flatten,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, Input, InputLayer, Lambda, LeakyReLU,
  MaxPooling1D, MaxPooling2D, Multiply, Reshape, Subtract, add, average, concatenate, multiply, subtract,
  MaxPooling2D as MaxPool2D, AveragePooling2D as AvgPool2D, MaxPooling1D as MaxPool1D,
  Conv2D as Convolution2D, Conv1D as Convolution1D,
} from './layers-core.js';
export {
  AveragePooling1D, AveragePooling3D, Conv2DTranspose, Conv3D, Conv3DTranspose, DepthwiseConv2D, GlobalAveragePooling3D, GlobalMaxPooling3D,
  MaxPooling3D, SeparableConv1D, SeparableConv2D, Conv2DTranspose as Convolution2DTranspose, Conv3D as Convolution3D,
  Conv3DTranspose as Convolution3DTranspose, SeparableConv1D as SeparableConvolution1D, SeparableConv2D as SeparableConvolution2D,
  AveragePooling1D as AvgPool1D, AveragePooling3D as AvgPool3D, MaxPooling3D as MaxPool3D, GlobalAveragePooling3D as GlobalAvgPool3D,
  GlobalMaxPooling3D as GlobalMaxPool3D,
} from './layers-conv.js';
export {
  Cropping1D, Cropping2D, Cropping3D, Permute, RepeatVector, TimeDistributed, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D,
  ZeroPadding2D, ZeroPadding3D,
} from './layers-reshaping.js';
export { Bidirectional, CuDNNGRU, CuDNNLSTM, GRU, LSTM, RNN, SimpleRNN } from './recurrent.js';
export { AbstractRNNCell, GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells } from './layers-rnn-cells.js';
export { InputSpec, Layer, Wrapper } from './layers-base.js';
export { ELU, PReLU, ReLU, Softmax, ThresholdedReLU } from './layers-activation.js';
export {
  ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, Masking, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
} from './layers-noise.js';
export { Dot, Maximum, Minimum, dot, maximum, minimum } from './layers-merge-extra.js';
export { LayerNormalization } from './layers-normalization.js';
export { AdditiveAttention, Attention } from './layers-attention.js';
export {
  GlobalAveragePooling1D as GlobalAvgPool1D, GlobalAveragePooling2D as GlobalAvgPool2D, GlobalMaxPooling1D as GlobalMaxPool1D,
  GlobalMaxPooling2D as GlobalMaxPool2D,
} from './layers-core.js';
export { LocallyConnected1D, LocallyConnected2D } from './layers-local.js';
export { deserialize, serialize } from './layers-serialization.js';
export { DenseFeatures } from './layers-dense-features.js';
