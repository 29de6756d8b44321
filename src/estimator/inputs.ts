/** `tf.estimator.inputs.numpyInputFn`: an input function over host arrays (NDArrays or typed arrays). */
import { type DType, type StringArray } from '../dtype.js';
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

/** Row `i` of `a` along its first axis: a view of the host array, so no copy of the data is made. */
function rowOf(a: NDArray, i: number): NDArray {
  const inner = a.shape.slice(1);
  const n = inner.reduce((p, d) => p * d, 1);
  const d = a.dtype === 'string' ? (a.data as unknown as StringArray).slice(i * n, (i + 1) * n) : (a.data as Float32Array).subarray(i * n, (i + 1) * n);
  return new NDArray(d as never, inner, a.dtype);
}

/**
 * `numpyInputFn(x, y?, {batchSize = 128, numEpochs = 1, shuffle, queueCapacity = 1000})`: a
 * function that builds a Dataset pipeline over `x` (an array or a dict of arrays, the features)
 * and `y` (the labels) and returns `[features, labels]` (or the features alone without `y`).
 *
 * As TF1's numpy_input_fn keeps its arrays in Python and feeds them to its queue, the arrays stay
 * on the host here: the pipeline's source is a generator over their rows, so the graph (and the
 * graph.pbtxt and .meta files written from it) holds no copy of the data.
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
    if (a.shape.length === 0) throw new ValueError(`Shape must be at least rank 1 but is rank 0 (numpyInputFn of a scalar)`);
    if (rows(a) !== n) throw new ValueError(`Length of tensors in x and y is mismatched. All elements in x and y must have the same length.`);
  }
  // the element structure: the features (an array or a dict of arrays), then the labels
  const xDict = x instanceof NDArray ? null : { ...x };
  const keys = xDict ? Object.keys(xDict) : [];
  const types = (a: NDArray): DType => a.dtype;
  const shapes = (a: NDArray): number[] => a.shape.slice(1);
  const xTypes = xDict ? Object.fromEntries(keys.map((k) => [k, types(xDict[k]!)])) : types(x as NDArray);
  const xShapes = xDict ? Object.fromEntries(keys.map((k) => [k, shapes(xDict[k]!)])) : shapes(x as NDArray);
  const outputTypes = y ? [xTypes, types(y)] : xTypes;
  const outputShapes = y ? [xShapes, shapes(y)] : xShapes;
  function* elements(): Generator<unknown> {
    for (let i = 0; i < n; i++) {
      const f = xDict ? Object.fromEntries(keys.map((k) => [k, rowOf(xDict[k]!, i)])) : rowOf(x as NDArray, i);
      yield y ? [f, rowOf(y, i)] : f;
    }
  }
  return () => {
    let ds = Dataset.fromGenerator(elements, outputTypes, outputShapes);
    if (opts.shuffle) ds = ds.shuffle(opts.queueCapacity ?? 1000);
    ds = ds.repeat(numEpochs).batch(batchSize);
    return ds.makeOneShotIterator().getNext();
  };
}
