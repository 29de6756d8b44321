/**
 * `tf.data.experimental`: the TF 1.15 transformations (each returns a function for
 * `dataset.apply`), `AUTOTUNE`, and the directed-interleave sources.
 */
import { ValueError } from '../errors.js';
import { Dataset } from './dataset.js';
import { ignoreErrors } from './ignore-errors.js';
import { unbatchDataset } from './unbatch.js';

export { AUTOTUNE } from './dataset.js';
export { ignoreErrors };
export { sampleFromDatasets, chooseFromDatasets } from './directed-interleave.js';
export { slidingWindowBatch } from './window.js';
export { CsvDataset, makeCsvDataset } from './csv.js';
export { groupByWindow, groupByReducer, Reducer, bucketBySequenceLength } from './grouping.js';
export { scan, Counter, enumerateDataset, getSingleElement } from './scan.js';
export { DistributeOptions, OptimizationOptions, StatsOptions, ThreadingOptions } from './options.js';
export {
  INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Optional, RandomDataset, TFRecordWriter, cardinality, denseToSparseBatch, getNextAsOptional, makeBatchedFeaturesDataset,
  parseExampleDataset, rejectionResample, takeWhile, unique,
} from './experimental-extra.js';

type Fn = (...args: any[]) => unknown;

/**
 * `mapAndBatch(mapFunc, batchSize, numParallelBatches?, dropRemainder = false, numParallelCalls?)`:
 * `map(mapFunc)` then `batch(batchSize, dropRemainder)` (TF's fused op gives the same elements).
 */
export function mapAndBatch(
  mapFunc: Fn,
  batchSize: number,
  numParallelBatches?: number | null | { numParallelBatches?: number | null; dropRemainder?: boolean; numParallelCalls?: number | null },
  dropRemainder = false,
  numParallelCalls?: number | null,
): (dataset: Dataset) => Dataset {
  const o = typeof numParallelBatches === 'object' && numParallelBatches !== null ? numParallelBatches : { numParallelBatches, dropRemainder, numParallelCalls };
  if (o.numParallelBatches != null && o.numParallelCalls != null) throw new ValueError('The `num_parallel_batches` and `num_parallel_calls` arguments are mutually exclusive.');
  return (dataset) => dataset.map(mapFunc).batch(batchSize, !!o.dropRemainder);
}

/**
 * `shuffleAndRepeat(bufferSize, count?, seed?)`: `shuffle(bufferSize, seed)` reshuffled each
 * epoch, repeated `count` times (forever without it), as TF documents its fused op.
 */
export function shuffleAndRepeat(bufferSize: number, count?: number | null | { count?: number | null; seed?: number | null }, seed?: number | null): (dataset: Dataset) => Dataset {
  const o = typeof count === 'object' && count !== null ? count : { count, seed };
  return (dataset) => dataset.shuffle(bufferSize, { seed: o.seed ?? null, reshuffleEachIteration: true }).repeat(o.count ?? null);
}

/** `unbatch()`: `dataset.unbatch()`. */
export function unbatch(): (dataset: Dataset) => Dataset {
  return (dataset) => unbatchDataset(dataset);
}

/**
 * `parallelInterleave(mapFunc, cycleLength, blockLength = 1, sloppy = false,
 * bufferOutputElements?, prefetchInputElements?)`: `interleave(mapFunc, cycleLength,
 * blockLength)`'s elements in its order (what TF gives when not `sloppy`; a sloppy order is
 * allowed to be any, and this one is it too). The buffering arguments are accepted.
 */
export function parallelInterleave(
  mapFunc: (...args: any[]) => Dataset,
  cycleLength: number | { cycleLength: number; blockLength?: number; sloppy?: boolean | null; bufferOutputElements?: number | null; prefetchInputElements?: number | null },
  blockLength = 1,
  sloppy: boolean | null = false,
  bufferOutputElements?: number | null,
  prefetchInputElements?: number | null,
): (dataset: Dataset) => Dataset {
  const o = typeof cycleLength === 'object' ? cycleLength : { cycleLength, blockLength, sloppy, bufferOutputElements, prefetchInputElements };
  void o.sloppy;
  return (dataset) => dataset.interleave(mapFunc, o.cycleLength, o.blockLength ?? 1);
}
