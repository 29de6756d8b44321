/** `tf.estimator.inputs.numpyInputFn`: an input function over host arrays (NDArrays or typed arrays). */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { Dataset } from '../data/dataset.js';
import '../data/iterator.js';

type Arrays = NDArray | Record<string, NDArray>;

export interface NumpyInputFnOptions {
  batchSize?: number;
  /** Epochs over the data (default 1); null repeats forever. */
  numEpochs?: number | null;
  /** Required, as in TF1. */
  shuffle?: boolean;
  /** The shuffle buffer (default 1000). */
  queueCapacity?: number;
  numThreads?: number;
}

/**
 * `numpyInputFn(x, y?, {batchSize = 128, numEpochs = 1, shuffle, queueCapacity = 1000})`: a
 * function that builds a Dataset pipeline over `x` (an array or a dict of arrays, the features)
 * and `y` (the labels) and returns `[features, labels]` (or the features alone without `y`).
 */
export function numpyInputFn(x: Arrays, y?: NDArray | null, opts: NumpyInputFnOptions = {}): () => [unknown, Tensor] | unknown {
  if (opts.shuffle === undefined || opts.shuffle === null) throw new ValueError('shuffle must be provided explicitly as True or False.');
  const batchSize = opts.batchSize ?? 128;
  const numEpochs = opts.numEpochs === undefined ? 1 : opts.numEpochs;
  const rows = (a: NDArray): number => a.shape[0] ?? 0;
  const xs = x instanceof NDArray ? [x] : Object.values(x);
  if (xs.length === 0) throw new ValueError('x cannot be an empty dict');
  const n = rows(xs[0]!);
  for (const a of [...xs, ...(y ? [y] : [])]) {
    if (!(a instanceof NDArray)) throw new TypeError('numpyInputFn takes NDArrays (or a dict of them)');
    if (rows(a) !== n) throw new ValueError(`Length of tensors in x and y is mismatched. All elements in x and y must have the same length.`);
  }
  return () => {
    let ds = Dataset.fromTensorSlices(y ? [x, y] : x);
    if (opts.shuffle) ds = ds.shuffle(opts.queueCapacity ?? 1000);
    ds = ds.repeat(numEpochs).batch(batchSize);
    return ds.makeOneShotIterator().getNext();
  };
}
