/** `tf.layers`: TF1's layers, as classes (`new tf.layers.Dense(10)`, `.apply(x)`) and functions. */
export { Layer, type Activation, type LayerOptions } from './base.js';
export { Dense, dense } from './dense.js';
export { Conv2D, Conv2DTranspose, conv2d, conv2dTranspose } from './conv.js';
export { AveragePooling2D, MaxPooling2D, averagePooling2d, maxPooling2d } from './pooling.js';
export { Dropout, Flatten, dropout, flatten } from './core.js';
export { BatchNormalization, batchNormalization } from './normalization.js';
export {
  AveragePooling1D, AveragePooling3D, Conv1D, Conv3D, Conv3DTranspose, MaxPooling1D, MaxPooling3D, SeparableConv1D, SeparableConv2D,
  averagePooling1d, averagePooling3d, conv1d, conv3d, conv3dTranspose, maxPooling1d, maxPooling3d, separableConv1d, separableConv2d,
} from './conv-nd.js';
export { InputSpec } from '../keras/layers-base.js';
