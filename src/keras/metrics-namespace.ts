/**
 * `tf.keras.metrics` (TF 1.15): the per-sample metric functions (a model reports their means),
 * the stateful Metric classes, and `get` / `serialize` / `deserialize` by Keras's names.
 */
import { ValueError } from '../errors.js';
import { deserializeKerasObject, serializeKerasObject } from './generic-utils.js';
import * as C from './metrics-classes.js';
import { FUNCTION_NAMES, METRIC_FUNCTIONS } from './metrics-functions.js';

export {
  accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
} from './metrics-functions.js';
export {
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, kullbackLeiblerDivergence,
  hinge, squaredHinge, categoricalHinge, logcosh, poisson, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  mse, MSE, mae, MAE, mape, MAPE, msle, MSLE, kld, KLD, cosineProximity, cosine,
} from './losses.js';
export {
  Metric, Mean, Sum, MeanTensor, MeanRelativeError, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
  TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, CosineSimilarity, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
  MeanSquaredLogarithmicError, Hinge, SquaredHinge, CategoricalHinge, LogCoshError, Poisson, KLDivergence, BinaryCrossentropy,
  CategoricalCrossentropy, SparseCategoricalCrossentropy, RootMeanSquaredError, FalsePositives, FalseNegatives, TrueNegatives, TruePositives,
  Precision, Recall, SensitivityAtSpecificity, SpecificityAtSensitivity, AUC, MeanIoU,
} from './metrics-classes.js';

const CLASSES: Record<string, unknown> = {
  Metric: C.Metric, Mean: C.Mean, Sum: C.Sum, MeanTensor: C.MeanTensor, MeanRelativeError: C.MeanRelativeError, Accuracy: C.Accuracy,
  BinaryAccuracy: C.BinaryAccuracy, CategoricalAccuracy: C.CategoricalAccuracy, SparseCategoricalAccuracy: C.SparseCategoricalAccuracy,
  TopKCategoricalAccuracy: C.TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy: C.SparseTopKCategoricalAccuracy, CosineSimilarity: C.CosineSimilarity,
  MeanAbsoluteError: C.MeanAbsoluteError, MeanAbsolutePercentageError: C.MeanAbsolutePercentageError, MeanSquaredError: C.MeanSquaredError,
  MeanSquaredLogarithmicError: C.MeanSquaredLogarithmicError, Hinge: C.Hinge, SquaredHinge: C.SquaredHinge, CategoricalHinge: C.CategoricalHinge,
  LogCoshError: C.LogCoshError, Poisson: C.Poisson, KLDivergence: C.KLDivergence, BinaryCrossentropy: C.BinaryCrossentropy,
  CategoricalCrossentropy: C.CategoricalCrossentropy, SparseCategoricalCrossentropy: C.SparseCategoricalCrossentropy,
  RootMeanSquaredError: C.RootMeanSquaredError, FalsePositives: C.FalsePositives, FalseNegatives: C.FalseNegatives, TrueNegatives: C.TrueNegatives,
  TruePositives: C.TruePositives, Precision: C.Precision, Recall: C.Recall, SensitivityAtSpecificity: C.SensitivityAtSpecificity,
  SpecificityAtSensitivity: C.SpecificityAtSensitivity, AUC: C.AUC, MeanIoU: C.MeanIoU,
};
const MODULE: Record<string, unknown> = { ...METRIC_FUNCTIONS, ...CLASSES };

/** `metrics.serialize(metric)`: a function's Keras name, a Metric's `{className, config}`. */
export function serialize(metric: unknown): unknown {
  return serializeKerasObject(metric, FUNCTION_NAMES);
}
/** `metrics.deserialize(config, custom_objects=None)`: a name gives the function (or class), a config builds the Metric. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  return deserializeKerasObject(config, MODULE, customObjects, 'metric function');
}
/** `metrics.get(identifier)`: a config or name deserialized, a function or Metric as is. */
export function get(identifier: unknown): unknown {
  if (identifier !== null && typeof identifier === 'object' && !Array.isArray(identifier) && !(identifier instanceof C.Metric)) return deserialize(identifier);
  if (typeof identifier === 'string') return deserialize(identifier);
  if (typeof identifier === 'function') return identifier;
  throw new ValueError(`Could not interpret metric function identifier: ${String(identifier)}`);
}
