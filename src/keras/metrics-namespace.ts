/** `tf.keras.metrics`: per-sample metric functions (a model reports their batch means). */
export {
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, meanSquaredError, meanAbsoluteError,
  meanSquaredError as mse, meanAbsoluteError as mae, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
} from './losses.js';
