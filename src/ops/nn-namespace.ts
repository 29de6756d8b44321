/**
 * `tf.nn`: the ops of nn.ts with TF1's RNN drivers and cells. The RNN modules build on loops,
 * gradients and layers, so they are joined here rather than in nn.ts, which the array and math
 * ops import while they are still being defined.
 */
export * from './nn.js';
export { softsign } from './math-special.js';
export {
  batchNormWithGlobalNormalization, computeAverageLoss, fusedBatchNorm, normalizeMoments, scaleRegularizationLoss,
  sufficientStatistics, weightedMoments,
} from './moments.js';
export { bidirectionalDynamicRnn, dynamicRnn, staticBidirectionalRnn, staticRnn } from './rnn/rnn.js';
export { rawRnn, staticStateSavingRnn } from './rnn/raw-rnn.js';
export * as rnnCell from './rnn/cells-namespace.js';
export {
  lrn, localResponseNormalization, conv1d, conv3d, convolution, atrousConv2d, separableConv2d, depthwiseConv2dNative,
  depthwiseConv2dNativeBackpropInput, depthwiseConv2dNativeBackpropFilter, conv2dBackpropInput, conv2dBackpropFilter,
  maxPoolWithArgmax, maxPool1d, avgPool1d, maxPool2d, avgPool2d, maxPoolV2, avgPoolV2, pool,
} from './conv-family.js';
export { spaceToDepth, depthToSpace, spaceToBatch } from './space-batch.js';
export { maxPool3d, avgPool3d, conv3dTranspose, conv3dBackpropFilter, conv3dBackpropFilterV2 } from './window3d.js';
export { dilation2d, erosion2d } from './dilation2d.js';
export { withSpaceToBatch } from './with-space-to-batch.js';
export { fractionalMaxPool, fractionalAvgPool } from './fractional-pool.js';
export { conv1dTranspose, convTranspose, atrousConv2dTranspose } from './conv-transpose-nd.js';
export {
  depthwiseConv2dNativeBackpropInput as depthwiseConv2dBackpropInput, depthwiseConv2dNativeBackpropFilter as depthwiseConv2dBackpropFilter,
} from './conv-family.js';
export { ctcLoss, ctcLossV2, ctcGreedyDecoder, ctcBeamSearchDecoder, ctcBeamSearchDecoderV2 } from './ctc.js';
export { ctcUniqueLabels } from './ctc-unique-labels.js';
export { embeddingLookupSparse, safeEmbeddingLookupSparse } from './embedding-sparse.js';
export { fixedUnigramCandidateSampler, learnedUnigramCandidateSampler, allCandidateSampler } from './candidate-samplers-unigram.js';
export { collapseRepeated } from './sparse-extra.js';
