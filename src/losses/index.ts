/** `tf.losses`: TF1's loss functions, their reduction, and the loss collections. */
export {
  absoluteDifference, computeWeightedLoss, cosineDistance, hingeLoss, huberLoss, logLoss, meanSquaredError,
  sigmoidCrossEntropy, softmaxCrossEntropy, sparseSoftmaxCrossEntropy,
} from './losses.js';
export { meanPairwiseSquaredError } from './pairwise.js';
export { Reduction } from './reduction.js';
export { addLoss, getLosses, getRegularizationLoss, getRegularizationLosses, getTotalLoss } from './util.js';
