/**
 * `tf.sparse.from_dense` and TF 1.15's `tf.sparse.segment_{sum,mean,sqrt_n}` (the v1 spellings
 * of `tf.sparse_segment_*`, with `num_segments` after `name`).
 */
import { kwargs } from '../args.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { shape, zeros } from './array.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { notEqual, where } from './math.js';
import { gatherNd } from './scatter-nd.js';
import { sparseSegmentMean, sparseSegmentSqrtN, sparseSegmentSum } from './segment-sorted.js';
import { sparseSegmentMeanWithNumSegments, sparseSegmentSqrtNWithNumSegments, sparseSegmentSumWithNumSegments } from './segment.js';
import { SparseTensor } from './sparse-tensor.js';

/** `tf.sparse.from_dense(tensor, name=None)`: the entries of `tensor` that are not zero (not '' for strings). */
export function fromDense(...args: unknown[]): SparseTensor {
  const o = kwargs(args, ['tensor', 'name'], 'from_dense', 1);
  const t0 = o.tensor as TensorLike;
  const g = (t0 as Partial<Tensor>).graph ?? getDefaultGraph();
  const body = (): SparseTensor => {
    const t = toTensor(t0);
    const indices = where(notEqual(t, t.dtype === 'string' ? constant('', 'string') : zeros([], t.dtype)));
    return new SparseTensor(indices, gatherNd(t, indices), shape(t, undefined, 'int64'));
  };
  const name = (o.name as string | null | undefined) ?? 'dense_to_sparse';
  return g.nameScope(name, body);
}

type SegFn = (data: TensorLike, indices: TensorLike, segmentIds: TensorLike, name?: string) => Tensor;
type SegNFn = (data: TensorLike, indices: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string) => Tensor;

function segment(where: string, plain: SegFn, withN: SegNFn) {
  return (...args: unknown[]): Tensor => {
    const o = kwargs(args, ['data', 'indices', 'segmentIds', 'name', 'numSegments'], where, 3);
    const name = (o.name as string | null | undefined) ?? undefined;
    const n = o.numSegments as number | Tensor | null | undefined;
    const [d, i, s] = [o.data as TensorLike, o.indices as TensorLike, o.segmentIds as TensorLike];
    return n === undefined || n === null ? plain(d, i, s, name) : withN(d, i, s, n, name);
  };
}

/** `tf.sparse.segment_sum(data, indices, segment_ids, name=None, num_segments=None)`. */
export const segmentSum = segment('sparse_segment_sum', sparseSegmentSum, sparseSegmentSumWithNumSegments);
/** `tf.sparse.segment_mean(data, indices, segment_ids, name=None, num_segments=None)`. */
export const segmentMean = segment('sparse_segment_mean', sparseSegmentMean, sparseSegmentMeanWithNumSegments);
/** `tf.sparse.segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None)`. */
export const segmentSqrtN = segment('sparse_segment_sqrt_n', sparseSegmentSqrtN, sparseSegmentSqrtNWithNumSegments);
