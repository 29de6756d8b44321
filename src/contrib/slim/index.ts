/**
 * `tf.contrib.slim` (TF 1.15 contrib/slim/__init__.py): the contrib layers (the same
 * argScope-decorated functions as `tf.contrib.layers`), initializers and regularizers, the
 * framework's argScope and variable helpers, and the namespaces `losses` (contrib's losses),
 * `metrics` (contrib's streaming metrics), `learning` and `evaluation`.
 */
import { contribLayers } from '../../layers/contrib-namespace.js';

export const {
  flatten, fullyConnected, convolution, convolution1d, convolution2d, convolution3d, conv1d, conv2d, conv3d, convolution2dTranspose,
  conv2dTranspose, separableConvolution2d, separableConv2d, maxPool2d, avgPool2d, batchNorm, layerNorm, dropout, oneHotEncoding,
  embedSequence, repeat, stack,
} = contribLayers;

export { xavierInitializer, varianceScalingInitializer } from '../initializers.js';
/** TF1 exports xavier_initializer under this name too. */
export { xavierInitializer as xavierInitializerConv2d } from '../initializers.js';
export { l1Regularizer, l2Regularizer, l1L2Regularizer, sumRegularizer, applyRegularization } from '../../layers/regularizers.js';
export { argScope, addArgScope, hasArgScope, argScopedArguments, currentArgScope, type ArgScope } from '../arg-scope.js';
export {
  getVariables, getModelVariables, getTrainableVariables, getLocalVariables, getVariablesByName, getVariablesBySuffix, getUniqueVariable,
} from '../framework-variables.js';
export { getGlobalStep, getOrCreateGlobalStep, createGlobalStep } from '../../train/global-step.js';
export {
  variable, modelVariable, localVariable, addModelVariable, getVariablesToRestore, assignFromCheckpoint, assignFromCheckpointFn,
  assignFromValues, assignFromValuesFn,
} from './variables.js';
export { softmax } from './softmax.js';
export * as losses from './losses.js';
export * as metrics from './metrics.js';
export * as learning from './learning.js';
export * as evaluation from './evaluation.js';
