/**
 * `tf.contrib.data`: TF 1.15 kept the tf.data.experimental transformations and sources here
 * under their old names, plus a few contrib-only shorthands (`batchAndDropRemainder`,
 * `paddedBatchAndDropRemainder`, `sloppyInterleave`, `reduceDataset`).
 */
import type { Dataset } from '../data/dataset.js';
import { Reducer, groupByReducer } from '../data/grouping.js';
import { getSingleElement } from '../data/scan.js';
import { parallelInterleave } from '../data/experimental.js';

export {
  AUTOTUNE, Counter, CsvDataset, Reducer, bucketBySequenceLength, chooseFromDatasets, enumerateDataset, getSingleElement, groupByReducer,
  groupByWindow, ignoreErrors, makeCsvDataset, mapAndBatch, parallelInterleave, sampleFromDatasets, scan, shuffleAndRepeat, slidingWindowBatch,
  unbatch, Optional, RandomDataset, TFRecordWriter, denseToSparseBatch, getNextAsOptional, makeBatchedFeaturesDataset, parseExampleDataset,
  rejectionResample, unique,
} from '../data/experimental.js';

/** `batchAndDropRemainder(batchSize)`: `dataset.batch(batchSize, true)`. */
export function batchAndDropRemainder(batchSize: number): (dataset: Dataset) => Dataset {
  return (dataset) => dataset.batch(batchSize, true);
}

/** `paddedBatchAndDropRemainder(batchSize, paddedShapes, paddingValues?)`: `dataset.paddedBatch(batchSize, paddedShapes, paddingValues, true)`. */
export function paddedBatchAndDropRemainder(batchSize: number, paddedShapes: unknown, paddingValues?: unknown): (dataset: Dataset) => Dataset {
  return (dataset) => dataset.paddedBatch(batchSize, paddedShapes as never, paddingValues as never, true);
}

/** `sloppyInterleave(mapFunc, cycleLength, blockLength = 1)`: `parallelInterleave(mapFunc, cycleLength, blockLength, true)`. */
export function sloppyInterleave(mapFunc: (...args: any[]) => Dataset, cycleLength: number, blockLength = 1): (dataset: Dataset) => Dataset {
  return parallelInterleave(mapFunc, cycleLength, blockLength, true);
}

/** `reduceDataset(dataset, reducer)`: the finalized state of `reducer` over all of `dataset`'s elements (one group, key 0). */
export function reduceDataset(dataset: Dataset, reducer: Reducer): any {
  return getSingleElement(dataset.apply(groupByReducer(() => 0, reducer)));
}
