/**
 * The layers of `tf.contrib.layers`, with TF1's aliases (`conv2d` is `convolution2d`, …), each
 * usable in `tf.contrib.framework.argScope` as TF decorates them with add_arg_scope.
 */
import { addArgScope } from '../contrib/arg-scope.js';
import { FC_NAMES, FLATTEN_NAMES, flatten, fullyConnected } from './contrib.js';
import {
  CONV_NAMES, POOL_NAMES, SEPARABLE_NAMES, avgPool2d, convolution, convolution1d, convolution2d, convolution2dTranspose, convolution3d,
  maxPool2d, separableConvolution2d,
} from './contrib-conv.js';
import { DROPOUT_NAMES, ONE_HOT_NAMES, dropout, embedSequence, oneHotEncoding, repeat, stack } from './contrib-misc.js';
import { BN_NAMES, LN_NAMES, batchNorm, layerNorm } from './contrib-norm.js';
import { GN_NAMES, IN_NAMES, groupNorm, instanceNorm } from './contrib-group-norm.js';

const conv1 = addArgScope(convolution1d, CONV_NAMES);
const conv2 = addArgScope(convolution2d, CONV_NAMES);
const conv3 = addArgScope(convolution3d, CONV_NAMES);
const convT = addArgScope(convolution2dTranspose, CONV_NAMES.filter((n) => n !== 'rate'));
const sep = addArgScope(separableConvolution2d, SEPARABLE_NAMES);

export const contribLayers = {
  flatten: addArgScope(flatten, FLATTEN_NAMES),
  fullyConnected: addArgScope(fullyConnected, FC_NAMES),
  convolution: addArgScope(convolution, [...CONV_NAMES, 'convDims']),
  convolution1d: conv1,
  convolution2d: conv2,
  convolution3d: conv3,
  conv1d: conv1,
  conv2d: conv2,
  conv3d: conv3,
  convolution2dTranspose: convT,
  conv2dTranspose: convT,
  separableConvolution2d: sep,
  separableConv2d: sep,
  maxPool2d: addArgScope(maxPool2d, POOL_NAMES),
  avgPool2d: addArgScope(avgPool2d, POOL_NAMES),
  batchNorm: addArgScope(batchNorm, BN_NAMES),
  layerNorm: addArgScope(layerNorm, LN_NAMES),
  instanceNorm: addArgScope(instanceNorm, IN_NAMES),
  groupNorm: addArgScope(groupNorm, GN_NAMES),
  dropout: addArgScope(dropout, DROPOUT_NAMES),
  oneHotEncoding: addArgScope(oneHotEncoding, ONE_HOT_NAMES),
  embedSequence,
  repeat,
  stack,
};
