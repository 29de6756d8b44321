/**
 * `tf.nn.embeddingLookupSparse` and `tf.nn.safeEmbeddingLookupSparse`, composed as TF 1.15's
 * embedding_ops.py does: the unique ids are looked up once (`embeddingLookup`, so the gradient
 * reaching `params` is an IndexedSlices of those rows), then combined per row of `sp_ids` —
 * without weights by SparseSegmentSum/Mean/SqrtN, with weights by multiplying and SegmentSum
 * (divided by the weight sum for "mean", by sqrt of the sum of squared weights for "sqrtn").
 * The safe form flattens higher-rank ids to 2-D, drops ids < 0 (and, unless combining by sum,
 * weights <= 0), fills empty rows with `defaultId` (or zeros in the result), and reshapes back.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { PartitionedVariable } from '../scope/partitioned-variable.js';
import { concat, expandDims, fill, gather, rank, reshape, shape as shapeOf, slice, stack, tile, zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { embeddingLookup } from './embedding.js';
import { cast, divide, greater, greaterEqual, multiply, pow, reduceProd, sqrt, subtract, where } from './math.js';
import { segmentSum, sparseSegmentMean, sparseSegmentSqrtN, sparseSegmentSum } from './segment-sorted.js';
import { unique } from './set-ops.js';
import { sparseFillEmptyRows, sparseReshape, sparseRetain } from './sparse-ops.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';
import { index } from './strided-slice.js';

type Params = TensorLike | PartitionedVariable | readonly TensorLike[];
type Combiner = 'mean' | 'sqrtn' | 'sum';

function paramList(p: Params): TensorLike[] {
  if (p instanceof PartitionedVariable) return [...p];
  return Array.isArray(p) ? [...(p as TensorLike[])] : [p as TensorLike];
}
const isSp = (x: unknown): x is SparseTensor | SparseTensorValue => x instanceof SparseTensor || x instanceof SparseTensorValue;

function compatible(a: Tensor, b: Tensor): void {
  const x = a.shape;
  const y = b.shape;
  if (x === null || y === null) return;
  if (x.length !== y.length || x.some((d, i) => d !== null && y[i] !== null && d !== y[i])) {
    const py = (s: readonly (number | null)[]) => `(${s.map((d) => d ?? '?').join(', ')}${s.length === 1 ? ',' : ''})`;
    throw new ValueError(`Shapes ${py(x)} and ${py(y)} are incompatible`);
  }
}

/**
 * `tf.nn.embeddingLookupSparse(params, spIds, spWeights, partitionStrategy = 'mod', name?,
 * combiner = 'mean', maxNorm?)`: per row of the [N, M] SparseTensor `spIds`, the combination of
 * the embeddings of its ids (weighted by `spWeights`, or 1 where it is null). `spIds`' indices
 * must be in row-major order and every row must hold an id.
 */
export function embeddingLookupSparse(...args: unknown[]): Tensor {
  const o = kwargs(args, ['params', 'spIds', 'spWeights', 'partitionStrategy', 'name', 'combiner', 'maxNorm'], 'embedding_lookup_sparse', 2);
  const combiner = (o.combiner ?? 'mean') as Combiner;
  if (combiner !== 'mean' && combiner !== 'sqrtn' && combiner !== 'sum') throw new ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'");
  const params = paramList(o.params as Params).map((p) => toTensor(p));
  if (!isSp(o.spIds)) throw new TypeError('sp_ids must be SparseTensor');
  const spIds = SparseTensor.fromValue(o.spIds);
  const ignoreWeights = o.spWeights === undefined || o.spWeights === null;
  let spWeights: SparseTensor | null = null;
  if (!ignoreWeights) {
    if (!isSp(o.spWeights)) throw new TypeError('sp_weights must be either None or SparseTensor');
    spWeights = SparseTensor.fromValue(o.spWeights);
    compatible(spIds.values, spWeights.values);
    compatible(spIds.indices, spWeights.indices);
    compatible(spIds.denseShape, spWeights.denseShape);
  }
  if (params.length === 0) throw new ValueError('Need at least one param');
  return params[0]!.graph.nameScope((o.name as string | undefined) ?? 'embedding_lookup_sparse', (scope) => {
    let segmentIds = index(spIds.indices, ':', 0);
    if (segmentIds.dtype !== 'int32') segmentIds = cast(segmentIds, 'int32');
    const [ids, idx] = unique(spIds.values);
    let embeddings = embeddingLookup(params, ids, { partitionStrategy: (o.partitionStrategy as 'mod' | 'div' | undefined) ?? 'mod', maxNorm: o.maxNorm as number | null | undefined });
    if (embeddings.dtype === 'float16') embeddings = cast(embeddings, 'float32');
    const opName = scope;
    if (spWeights) {
      let weights = spWeights.values;
      if (weights.dtype !== embeddings.dtype) weights = cast(weights, embeddings.dtype);
      embeddings = gather(embeddings, idx);
      // weights reshaped to broadcast against the embeddings' trailing dims
      const ones = fill(expandDims(subtract(rank(embeddings), 1), 0), toTensor(1, 'int32'));
      const bcast = concat([shapeOf(weights), ones], 0);
      const orig = weights.shape;
      weights = reshape(weights, bcast);
      const eRank = embeddings.shape?.length;
      if (eRank !== undefined && orig !== null) weights.setShape([...orig, ...new Array<number>(eRank - 1).fill(1)]);
      embeddings = multiply(embeddings, weights);
      if (combiner === 'sum') return segmentSum(embeddings, segmentIds, opName);
      const summed = segmentSum(embeddings, segmentIds);
      const wsum = combiner === 'mean' ? segmentSum(weights, segmentIds) : sqrt(segmentSum(pow(weights, 2), segmentIds));
      return divide(summed, wsum, opName);
    }
    if (combiner === 'sum') return sparseSegmentSum(embeddings, idx, segmentIds, opName);
    if (combiner === 'mean') return sparseSegmentMean(embeddings, idx, segmentIds, opName);
    return sparseSegmentSqrtN(embeddings, idx, segmentIds, opName);
  });
}

/**
 * `tf.nn.safeEmbeddingLookupSparse(embeddingWeights, sparseIds, sparseWeights?, combiner =
 * 'mean', defaultId?, name?, partitionStrategy = 'div', maxNorm?)`: as embeddingLookupSparse for
 * ids of any rank ≥ 2 (combined along the last dimension), with invalid ids (< 0) pruned, and for
 * combiners other than "sum" ids of weight ≤ 0 too; a row left with no id gets the embedding of
 * `defaultId`, or zeros when it is not given.
 */
export function safeEmbeddingLookupSparse(...args: unknown[]): Tensor {
  const o = kwargs(args, ['embeddingWeights', 'sparseIds', 'sparseWeights', 'combiner', 'defaultId', 'name', 'partitionStrategy', 'maxNorm'], 'safe_embedding_lookup_sparse', 2);
  if (o.embeddingWeights === undefined || o.embeddingWeights === null) throw new ValueError(`Missing embedding_weights ${String(o.embeddingWeights)}.`);
  const list = paramList(o.embeddingWeights as Params);
  if (list.length < 1) throw new ValueError('Missing embedding_weights [].');
  if (!isSp(o.sparseIds)) throw new TypeError('sparse_ids must be SparseTensor');
  let sparseIds = SparseTensor.fromValue(o.sparseIds);
  let sparseWeights: SparseTensor | null = null;
  if (o.sparseWeights !== undefined && o.sparseWeights !== null) {
    if (!isSp(o.sparseWeights)) throw new TypeError('sparse_weights must be either None or SparseTensor');
    sparseWeights = SparseTensor.fromValue(o.sparseWeights);
  }
  const dtype = sparseWeights?.dtype;
  const weights = list.map((w) => toTensor(w, dtype));
  const combiner = (o.combiner ?? 'mean') as Combiner;
  const defaultId = o.defaultId as number | null | undefined;
  const g = weights[0]!.graph;
  return g.nameScope((o.name as string | undefined) ?? 'embedding_lookup', (scope) => {
    const opName = scope;
    // higher-rank ids and weights reshaped to 2-D
    const originalShape = sparseIds.denseShape;
    const rankDim = originalShape.shape?.[0] ?? null;
    const originalRank: number | Tensor = rankDim ?? index(shapeOf(originalShape), 0);
    const rm1 = typeof originalRank === 'number' ? originalRank - 1 : subtract(originalRank, 1);
    const leadSize = typeof rm1 === 'number' ? [rm1] : expandDims(rm1, 0);
    sparseIds = sparseReshape(sparseIds, stack([reduceProd(slice(originalShape, [0], leadSize)), gather(originalShape, rm1)]));
    if (sparseWeights) sparseWeights = new SparseTensor(sparseIds.indices, sparseWeights.values, sparseIds.denseShape);
    // prune invalid ids, then (unless summing) non-positive weights
    const valid = greaterEqual(sparseIds.values, toTensor(0, sparseIds.values.dtype));
    sparseIds = sparseRetain(sparseIds, valid);
    if (sparseWeights) sparseWeights = sparseRetain(sparseWeights, valid);
    if (combiner !== 'sum' && sparseWeights) {
      const positive = greater(sparseWeights.values, toTensor(0, sparseWeights.dtype));
      sparseIds = sparseRetain(sparseIds, positive);
      sparseWeights = sparseRetain(sparseWeights, positive);
    }
    const [filledIds, isRowEmpty0] = sparseFillEmptyRows(sparseIds, toTensor(defaultId ?? 0, sparseIds.dtype));
    sparseIds = filledIds;
    if (sparseWeights) sparseWeights = sparseFillEmptyRows(sparseWeights, toTensor(1, sparseWeights.dtype))[0];
    let result = embeddingLookupSparse(weights, sparseIds, sparseWeights, {
      combiner, partitionStrategy: (o.partitionStrategy as string | undefined) ?? 'div', maxNorm: o.maxNorm,
      ...(defaultId === undefined || defaultId === null ? {} : { name: opName }),
    });
    if (defaultId === undefined || defaultId === null) {
      const isRowEmpty = tile(reshape(isRowEmpty0, [-1, 1]), stack([1, index(shapeOf(result), 1)]));
      result = where(isRowEmpty, zerosLike(result), result, opName);
    }
    const lead = slice(cast(originalShape, 'int32'), [0], leadSize);
    const finalResult = reshape(result, concat([lead, slice(shapeOf(result), [1], [-1])], 0));
    const rest = result.shape === null ? null : result.shape.slice(1);
    if (rankDim !== null && rest !== null) finalResult.setShape([...new Array<null>(rankDim - 1).fill(null), ...rest]);
    return finalResult;
  });
}
