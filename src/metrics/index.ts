/** `tf.metrics`: TF1's streaming metrics, each `[value, updateOp]` over local variables. */
export { accuracy, mean, meanAbsoluteError, meanSquaredError, rootMeanSquaredError } from './mean.js';
export { falseNegatives, falsePositives, precision, recall, trueNegatives, truePositives } from './counts.js';
export { auc } from './auc.js';
export {
  averagePrecisionAtK, sparseAveragePrecisionAtK, meanIou, meanPerClassAccuracy, percentageBelow, precisionAtK, precisionAtTopK, recallAtK, recallAtTopK, sparsePrecisionAtK, sparseRecallAtK,
} from './classes.js';
export {
  falseNegativesAtThresholds, falsePositivesAtThresholds, meanCosineDistance, meanRelativeError, meanTensor, precisionAtThresholds,
  recallAtThresholds, sensitivityAtSpecificity, specificityAtSensitivity, trueNegativesAtThresholds, truePositivesAtThresholds,
} from './more.js';
