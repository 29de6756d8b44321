/**
 * TF1's unsorted segment reductions beyond the sum: `tf.unsortedSegmentMax/Min/Prod` (one op
 * each, lowered onto scatterAdd's max/min/prod combiners, empty segments given TF's identity:
 * the dtype's lowest for max, highest for min, 1 for prod) and `tf.unsortedSegmentMean/SqrtN`
 * (TF's Python compositions of segment sums), plus `tf.sparse.segment*WithNumSegments`-style
 * `sparseSegmentSum/Mean/SqrtNWithNumSegments` (gather the rows, then a segment sum).
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { DType } from '../dtype.js';
import type { PartialShape } from '../shape.js';
import { sizeOf } from '../shape.js';
import { shapeFnError, gather, onesLike, reshape, zerosLike } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { checkSegmentIds, unsortedSegmentSum } from './indexed-slices.js';
import type { Lower, Val } from './lower.js';
import { cast, divide, equal, maximum, multiply, sqrt, greater, where } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { NDArray } from '../ndarray.js';

type Kind = 'Max' | 'Min' | 'Prod';
const FN = { Max: 'max', Min: 'min', Prod: 'prod' } as const;

/** TF's identity for an empty segment: lowest / highest of the dtype, or 1. */
function identity(kind: Kind, dtype: DType): number {
  if (kind === 'Prod') return 1;
  const hi: Partial<Record<DType, number>> = {
    float32: 3.4028234663852886e38, float64: Number.MAX_VALUE, float16: 65504,
    int32: 2147483647, int64: Number.MAX_SAFE_INTEGER, int16: 32767, int8: 127, uint8: 255, uint16: 65535,
  };
  const lo: Partial<Record<DType, number>> = {
    float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE, float16: -65504,
    int32: -2147483648, int64: Number.MIN_SAFE_INTEGER, int16: -32768, int8: -128, uint8: 0, uint16: 0,
  };
  const v = (kind === 'Max' ? lo : hi)[dtype];
  if (v === undefined) throw new TypeError(`UnsortedSegment${kind} does not support dtype ${dtype}`);
  return v;
}

function segmentIds(x: TensorLike): Tensor {
  const ids = toTensor(x, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined);
  if (ids.dtype !== 'int32' && ids.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter 'segment_ids' has DataType ${ids.dtype} not in list of allowed values: int32, int64`);
  }
  return ids;
}

function numValue(b: Lower, num: Val | undefined, n: number | null, type: string): number {
  if (n !== null) return n;
  const v = b.requireValue(num!, () => new InvalidArgumentError(`${type} needs num_segments known when the plan is built (a constant or derived from tensor shapes)`, b.opName));
  return v.data[0]!;
}

/** Rows of `data` combined by `kind` into `n` segments; ids out of [0, n) fail as TF does, negative ones are dropped. */
function segmentReduce(b: Lower, kind: Kind, data: Val, ids: Val, n: number): Val {
  const r = ids.shape.length;
  const inner = data.shape.slice(r);
  for (let i = 0; i < r; i++) {
    if (data.shape[i] !== ids.shape[i]) {
      throw new InvalidArgumentError(`data.shape = [${data.shape.join(',')}] does not start with segment_ids.shape = [${ids.shape.join(',')}]`, b.opName);
    }
  }
  const nIdx = sizeOf(ids.shape);
  const flat = b.reshape(data, [nIdx, ...inner]);
  const idx = checkSegmentIds(b, ids, n);
  const neg = b.binary('less', idx, b.scalar(0, 'int32'));
  const routed = b.select(neg, b.scalar(n, 'int32'), idx);
  const combined = b.scatterAdd(flat, routed, 0, n + 1, FN[kind]);
  const counts = b.scatterAdd(b.fill([nIdx], 1, 'int32'), routed, 0, n + 1);
  const empty = b.reshape(b.binary('equal', counts, b.scalar(0, 'int32')), [n + 1, ...inner.map(() => 1)]);
  const filled = b.select(b.broadcastTo(empty, combined.shape), b.scalar(identity(kind, data.dtype), data.dtype), combined);
  return b.slice(filled, filled.shape.map(() => 0), [n, ...inner]);
}

for (const kind of ['Max', 'Min', 'Prod'] as Kind[]) {
  const type = `UnsortedSegment${kind}`;
  defineOp<{ numSegments: number | null }>({
    type,
    infer: (ins, a, name) => {
      const [data, ids] = ins as [Tensor, Tensor];
      const d = data.shape;
      const s = ids.shape;
      const shapes: PartialShape[] = [d, s, []];
      if (d !== null && s !== null) {
        if (s.length > d.length) throw shapeFnError(`Shape must be at least rank ${s.length} but is rank ${d.length}`, name, type, shapes);
        for (let i = 0; i < s.length; i++) {
          if (s[i] !== null && d[i] !== null && s[i] !== d[i]) {
            throw shapeFnError(`Dimension ${i} in both shapes must be equal, but are ${d[i]} and ${s[i]}. Shapes are [${d.slice(0, s.length).map((x) => x ?? '?').join(',')}] and [${s.map((x) => x ?? '?').join(',')}].`, name, type, shapes);
          }
        }
      }
      if (d === null || s === null) return [{ dtype: data.dtype, shape: null }];
      return [{ dtype: data.dtype, shape: [a.numSegments, ...d.slice(s.length)] }];
    },
    lower: (b, [data, ids, num], a) => [segmentReduce(b, kind, data!, ids!, numValue(b, num, a.numSegments, type))],
  });
}

function gatherDropNegatives(x: Tensor, ids: Tensor): Tensor {
  return makeOp(x.graph, 'GatherDropNegatives', [x, ids], {}, undefined, 'GatherDropNegatives').outputs[0]!;
}

function numOperand(op: { inputs: readonly Tensor[]; attrs: Record<string, unknown> }): number | Tensor {
  return (op.attrs.numSegments as number | null) ?? op.inputs[2]!;
}

// TF's _UnsortedSegmentMinOrMaxGrad: the gradient is split evenly among the entries that equal the segment's result.
for (const kind of ['Max', 'Min']) {
  registerGradient(`UnsortedSegment${kind}`, (op, [dy]) => {
    const none = op.inputs.slice(1).map(() => null);
    if (!dy) return [null, ...none];
    const [data, ids] = op.inputs as [Tensor, Tensor];
    const gathered = gatherDropNegatives(op.outputs[0]!, ids);
    const selected = equal(data, gathered);
    const numSelected = unsortedSegmentSum(cast(selected, dy.dtype), ids, numOperand(op));
    const weighted = divide(dy, numSelected);
    return [where(selected, gatherDropNegatives(weighted, ids), zerosLike(data)), ...none];
  });
}

// TF's _UnsortedSegmentProdGrad: the product of the other entries, zeros handled separately.
registerGradient('UnsortedSegmentProd', (op, [dy]) => {
  const none = op.inputs.slice(1).map(() => null);
  if (!dy) return [null, ...none];
  const [data, ids] = op.inputs as [Tensor, Tensor];
  const n = numOperand(op);
  const isZero = equal(data, zerosLike(data));
  const numZeros = unsortedSegmentSum(cast(isZero, 'int32'), ids, n);
  const grad = where(greater(numZeros, 1), zerosLike(dy), dy);
  const nonZeroData = where(isZero, onesLike(data), data);
  const nonZeroProd = unsortedSegmentProd(nonZeroData, ids, n);
  const gatheredProd = gatherDropNegatives(op.outputs[0]!, ids);
  const gatheredNonZeroProd = gatherDropNegatives(nonZeroProd, ids);
  const prodDividedByEl = divide(gatheredProd, nonZeroData);
  const partial = where(isZero, gatheredNonZeroProd, prodDividedByEl);
  return [multiply(gatherDropNegatives(grad, ids), partial), ...none];
});

function segmentOp(kind: Kind, data: TensorLike, segmentIdsIn: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  const d = toTensor(data);
  const ids = segmentIds(segmentIdsIn);
  const type = `UnsortedSegment${kind}`;
  if (typeof numSegments === 'number') {
    if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`num_segments must be a non-negative integer, got ${numSegments}`);
  }
  // As TF's graph: num_segments is always an input (a Const when a number is given).
  return makeOp(d.graph, type, [d, ids, toTensor(numSegments, typeof numSegments === 'number' ? 'int32' : undefined)], { numSegments: typeof numSegments === 'number' ? numSegments : null }, name, type).outputs[0]!;
}

/** `tf.unsortedSegmentMax(data, segmentIds, numSegments)`: the dtype's lowest value for an empty segment. */
export function unsortedSegmentMax(data: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return segmentOp('Max', data, segmentIds, numSegments, name);
}
/** `tf.unsortedSegmentMin(data, segmentIds, numSegments)`: the dtype's highest value for an empty segment. */
export function unsortedSegmentMin(data: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return segmentOp('Min', data, segmentIds, numSegments, name);
}
/** `tf.unsortedSegmentProd(data, segmentIds, numSegments)`: 1 for an empty segment. */
export function unsortedSegmentProd(data: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return segmentOp('Prod', data, segmentIds, numSegments, name);
}

/** TF's `_unsorted_segment_N`: per segment, max(count, 1), shaped to broadcast against the sums. */
function segmentCounts(d: Tensor, ids: Tensor, numSegments: number | Tensor): Tensor {
  const ones = onesLike(ids, d.dtype);
  let n = maximum(unsortedSegmentSum(ones, ids, numSegments), 1);
  const extra = (d.shape?.length ?? 0) - (ids.shape?.length ?? 0);
  if (extra > 0) n = reshape(n, [-1, ...new Array<number>(extra).fill(1)]);
  return n;
}

/** `tf.unsortedSegmentMean`: segment sums divided by max(count, 1), as TF's Python composition. */
export function unsortedSegmentMean(data: TensorLike, segmentIdsIn: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  const d = toTensor(data);
  const ids = segmentIds(segmentIdsIn);
  return divide(unsortedSegmentSum(d, ids, numSegments), segmentCounts(d, ids, numSegments), name);
}

/** `tf.unsortedSegmentSqrtN`: segment sums divided by sqrt(max(count, 1)). */
export function unsortedSegmentSqrtN(data: TensorLike, segmentIdsIn: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  const d = toTensor(data);
  const ids = segmentIds(segmentIdsIn);
  return divide(unsortedSegmentSum(d, ids, numSegments), sqrt(segmentCounts(d, ids, numSegments)), name);
}

type Combiner = 'sum' | 'mean' | 'sqrtn';
function sparseSegment(c: Combiner, data: TensorLike, indices: TensorLike, segmentIdsIn: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  const d = toTensor(data);
  const idx = segmentIds(indices);
  const ids = segmentIds(segmentIdsIn);
  const rows = gather(d, idx);
  if (c === 'sum') return unsortedSegmentSum(rows, ids, numSegments, name);
  if (c === 'mean') return unsortedSegmentMean(rows, ids, numSegments, name);
  return unsortedSegmentSqrtN(rows, ids, numSegments, name);
}

/** `tf.sparse.segmentSum(data, indices, segmentIds, numSegments)` (TF's SparseSegmentSumWithNumSegments). */
export function sparseSegmentSumWithNumSegments(data: TensorLike, indices: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return sparseSegment('sum', data, indices, segmentIds, numSegments, name);
}
/** `tf.sparse.segmentMean` with `numSegments` (TF's SparseSegmentMeanWithNumSegments). */
export function sparseSegmentMeanWithNumSegments(data: TensorLike, indices: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return sparseSegment('mean', data, indices, segmentIds, numSegments, name);
}
/** `tf.sparse.segmentSqrtN` with `numSegments` (TF's SparseSegmentSqrtNWithNumSegments). */
export function sparseSegmentSqrtNWithNumSegments(data: TensorLike, indices: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  return sparseSegment('sqrtn', data, indices, segmentIds, numSegments, name);
}
