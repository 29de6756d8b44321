/** `tf.keras.layers`. */
export {
  Activation, Add, Average, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, Dense, Dropout, Embedding, Flatten,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, Input, InputLayer, Lambda, LeakyReLU,
  MaxPooling1D, MaxPooling2D, Multiply, Reshape, Subtract, add, average, concatenate, multiply, subtract,
  MaxPooling2D as MaxPool2D, AveragePooling2D as AvgPool2D, MaxPooling1D as MaxPool1D,
  Conv2D as Convolution2D, Conv1D as Convolution1D,
} from './layers-core.js';
export { Bidirectional, GRU, LSTM, SimpleRNN } from './recurrent.js';
export type { KerasLayer as Layer } from './layer-utils.js';
