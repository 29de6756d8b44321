/**
 * TF1's sorted segment reductions `tf.segmentSum/Mean/Max/Min/Prod` and the sparse ones without
 * `numSegments`, `tf.sparseSegmentSum/Mean/SqrtN`. Their output has `segment_ids[-1] + 1` rows,
 * known only from the ids' values, so they are host-stage ops (host-values.ts), computed as TF's
 * CPU kernels do them, with TF's run-time checks and texts: ids must be sorted ("segment ids are
 * not increasing"), non-negative, and a segment with no rows gets 0 (1 for a product).
 * Gradients are TF 1.15's (math_grad.py); SegmentProd has none in TF 1.15.
 */
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { type PartialShape, sizeOf } from '../shape.js';
import { fill, gather, reshape, shape as shapeOf, shapeFnError, zerosLike } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { unsortedSegmentSum } from './indexed-slices.js';
import { cast, divide, equal, sqrt, where } from './math.js';
import { makeOp, registerGradient, registerNoGradient } from './registry.js';
import { index } from './strided-slice.js';
import { NDArray as ND } from '../ndarray.js';

const REAL: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'uint16', 'float16'];
const REAL_TEXT = 'float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64';
const FLOAT_TEXT = 'bfloat16, float16, float32, float64';

function checkDType(t: Tensor, param: string, allowed: readonly DType[], text: string): void {
  if (!allowed.includes(t.dtype)) throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${text}`);
}
function checkIndexDType(t: Tensor, param: string, allowed: readonly DType[] = ['int32', 'int64']): void {
  if (!allowed.includes(t.dtype)) throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${allowed.join(', ')}`);
}
const asIds = (x: TensorLike): Tensor => toTensor(x, isHostValue(x) && !(x instanceof ND) ? 'int32' : undefined);

type Kind = 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod';
const KINDS: Kind[] = ['Sum', 'Mean', 'Max', 'Min', 'Prod'];

/** Combine `rows` (row numbers into `data` viewed as [N, w]) into one output row. */
function combine(kind: Kind | 'SqrtN', vals: Float64Array, w: number, rows: number[], out: Float64Array, o: number): void {
  for (let k = 0; k < w; k++) {
    let acc = kind === 'Prod' ? 1 : kind === 'Max' ? -Infinity : kind === 'Min' ? Infinity : 0;
    for (const r of rows) {
      const v = vals[r * w + k]!;
      if (kind === 'Prod') acc *= v;
      else if (kind === 'Max') acc = v > acc || v !== v ? v : acc;
      else if (kind === 'Min') acc = v < acc || v !== v ? v : acc;
      else acc += v;
    }
    if (kind === 'Mean') acc /= rows.length;
    else if (kind === 'SqrtN') acc /= Math.sqrt(rows.length);
    out[o * w + k] = acc;
  }
}

/** Rounds a float result to the integer dtype as TF's integer kernels compute (mean truncates). */
function finish(values: Float64Array, shape: number[], dtype: DType): NDArray {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16') for (let i = 0; i < values.length; i++) values[i] = Math.trunc(values[i]!);
  return arrayOf(values, shape, dtype);
}

/** Walk sorted segment ids as TF's kernels do; `rows(start, end)` handles one segment. */
function walkSorted(ids: Float64Array, outputRows: number, op: string, each: (seg: number, start: number, end: number) => void): void {
  const n = ids.length;
  let start = 0;
  let end = 1;
  if (n === 0) return;
  let out = ids[0]!;
  while (end <= n) {
    let next = 0;
    if (end < n) {
      next = ids[end]!;
      if (out === next) {
        end++;
        continue;
      }
      if (!(out < next)) throw new InvalidArgumentError('segment ids are not increasing', op);
    }
    if (!(out >= 0 && out < outputRows)) {
      throw new InvalidArgumentError(`Segment id ${out} out of range [0, ${outputRows}), possibly because 'segment_ids' input is not sorted.`, op);
    }
    each(out, start, end);
    if (end >= n) break;
    start = end;
    end++;
    out = next;
  }
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

for (const kind of KINDS) {
  const type = `Segment${kind}`;
  defineHostOp({
    type,
    infer: ([data, ids], _a, name) => {
      checkDType(data!, 'data', REAL, REAL_TEXT);
      checkIndexDType(ids!, 'segment_ids');
      const d = data!.shape;
      const s = ids!.shape;
      const shapes: PartialShape[] = [d, s];
      if (d !== null && d.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, type, shapes);
      if (s !== null && s.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${s.length}`, name, type, shapes);
      if (d !== null && s !== null && d[0] !== null && s[0] !== null && d[0] !== s[0]) {
        throw shapeFnError(`Dimensions must be equal, but are ${d[0]} and ${s[0]}`, name, type, shapes);
      }
      return [{ dtype: data!.dtype, shape: d === null ? null : [null, ...d.slice(1)] }];
    },
    run: ([data, ids], _a, op) => {
      if (ids!.rank !== 1) throw new InvalidArgumentError('segment_ids should be a vector.', op.name);
      const n = ids!.size;
      if (data!.rank < 1 || data!.shape[0] !== n) throw new InvalidArgumentError('segment_ids should be the same size as dimension 0 of input.', op.name);
      const idv = valuesOf(ids!);
      const rows = n > 0 ? idv[n - 1]! + 1 : 0;
      if (rows < 0 || (n > 0 && rows <= 0)) throw new InvalidArgumentError('segment ids must be >= 0', op.name);
      const inner = data!.shape.slice(1);
      const w = sizeOf(inner);
      const vals = valuesOf(data!);
      const out = new Float64Array(rows * w).fill(kind === 'Prod' ? 1 : 0);
      walkSorted(idv, rows, op.name, (seg, s, e) => combine(kind, vals, w, range(s, e), out, seg));
      return [finish(out, [rows, ...inner], data!.dtype)];
    },
  });
}

registerGradient('SegmentSum', (op, [dy]) => [dy ? gather(dy, op.inputs[1]!) : null, null]);
registerGradient('SegmentMean', (op, [dy]) => {
  if (!dy) return [null, null];
  const [data, ids] = op.inputs as [Tensor, Tensor];
  // TF's _SegmentMeanGrad: dy over the segment counts, gathered back to the rows.
  const extra = (data.shape?.length ?? 1) - 1;
  const ones = fill([index(shapeOf(ids), 0), ...new Array<number>(extra).fill(1)] as never, 1, undefined, dy.dtype);
  const scaled = divide(dy, segmentSum(ones, ids));
  return [gather(scaled, ids), null];
});
for (const kind of ['Max', 'Min']) {
  registerGradient(`Segment${kind}`, (op, [dy]) => {
    if (!dy) return [null, null];
    const [data, ids] = op.inputs as [Tensor, Tensor];
    const gathered = gather(op.outputs[0]!, ids);
    const selected = equal(data, gathered);
    const numSelected = segmentSum(cast(selected, dy.dtype), ids);
    return [where(selected, gather(divide(dy, numSelected), ids), zerosLike(data)), null];
  });
}

function segmentOp(kind: Kind, data: TensorLike, segmentIds: TensorLike, name?: string): Tensor {
  const d = toTensor(data);
  return makeOp(d.graph, `Segment${kind}`, [d, asIds(segmentIds)], {}, name, `Segment${kind}`).outputs[0]!;
}
/** `tf.segmentSum(data, segmentIds, name?)`: sums of rows of sorted segments; `segmentIds[-1] + 1` rows. */
export const segmentSum = (data: TensorLike, segmentIds: TensorLike, name?: string): Tensor => segmentOp('Sum', data, segmentIds, name);
/** `tf.segmentMean(data, segmentIds, name?)`. */
export const segmentMean = (data: TensorLike, segmentIds: TensorLike, name?: string): Tensor => segmentOp('Mean', data, segmentIds, name);
/** `tf.segmentMax(data, segmentIds, name?)` (0 for an empty segment, as TF's sorted kernel). */
export const segmentMax = (data: TensorLike, segmentIds: TensorLike, name?: string): Tensor => segmentOp('Max', data, segmentIds, name);
/** `tf.segmentMin(data, segmentIds, name?)` (0 for an empty segment). */
export const segmentMin = (data: TensorLike, segmentIds: TensorLike, name?: string): Tensor => segmentOp('Min', data, segmentIds, name);
/** `tf.segmentProd(data, segmentIds, name?)` (1 for an empty segment; no gradient, as in TF 1.15). */
export const segmentProd = (data: TensorLike, segmentIds: TensorLike, name?: string): Tensor => segmentOp('Prod', data, segmentIds, name);

// ----- sparse segment reductions (output rows from the last segment id) -----------------------
type SparseKind = 'Sum' | 'Mean' | 'SqrtN';
for (const kind of ['Sum', 'Mean', 'SqrtN'] as SparseKind[]) {
  const type = `SparseSegment${kind}`;
  defineHostOp({
    type,
    infer: ([data, indices, ids], _a, name) => {
      checkDType(data!, 'data', kind === 'Sum' ? REAL : ['float32', 'float64', 'float16'], kind === 'Sum' ? REAL_TEXT : FLOAT_TEXT);
      checkIndexDType(indices!, 'indices');
      checkIndexDType(ids!, 'segment_ids', ['int32']);
      const d = data!.shape;
      const shapes: PartialShape[] = [d, indices!.shape, ids!.shape];
      if (d !== null && d.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, type, shapes);
      for (const s of [indices!.shape, ids!.shape]) if (s !== null && s.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${s.length}`, name, type, shapes);
      const a = indices!.shape?.[0];
      const b = ids!.shape?.[0];
      if (a != null && b != null && a !== b) throw shapeFnError(`Dimension 0 in both shapes must be equal, but are ${a} and ${b}. Shapes are [${a}] and [${b}].`, name, type, shapes);
      return [{ dtype: data!.dtype, shape: d === null ? null : [null, ...d.slice(1)] }];
    },
    run: ([data, indices, ids], _a, op) => {
      if (indices!.rank !== 1) throw new InvalidArgumentError('indices should be a vector.', op.name);
      if (ids!.rank !== 1) throw new InvalidArgumentError('segment_ids should be a vector.', op.name);
      const n = indices!.size;
      if (ids!.size !== n) throw new InvalidArgumentError('segment_ids and indices should have same size.', op.name);
      const idv = valuesOf(ids!);
      const iv = valuesOf(indices!);
      const rows = n > 0 ? idv[n - 1]! + 1 : 0;
      if (rows < 0) throw new InvalidArgumentError('segment ids must be >= 0', op.name);
      const inner = data!.shape.slice(1);
      const w = sizeOf(inner);
      const N = data!.shape[0]!;
      const vals = valuesOf(data!);
      const out = new Float64Array(rows * w);
      walkSorted(idv, rows, op.name, (seg, s, e) => {
        for (let k = s; k < e; k++) {
          if (!(iv[k]! >= 0 && iv[k]! < N)) throw new InvalidArgumentError(`Bad: indices[${k}] == ${iv[k]} out of range [0, ${N})`, op.name);
        }
        combine(kind, vals, w, range(s, e).map((k) => iv[k]!), out, seg);
      });
      return [finish(out, [rows, ...inner], data!.dtype)];
    },
  });
}

// TF's _SparseSegmentSumGrad and the Mean / SqrtN gradients (SparseSegmentMeanGrad's sums, composed).
for (const kind of ['Sum', 'Mean', 'SqrtN'] as SparseKind[]) {
  registerGradient(`SparseSegment${kind}`, (op, [dy]) => {
    if (!dy) return [null, null, null];
    const [data, indices, ids] = op.inputs as [Tensor, Tensor, Tensor];
    const rowsIn = index(shapeOf(data), 0);
    let g = gather(dy, ids);
    if (kind !== 'Sum') {
      const nSeg = index(shapeOf(dy), 0);
      const counts = unsortedSegmentSum(fill([index(shapeOf(ids), 0)] as never, 1, undefined, dy.dtype), ids, nSeg);
      let per = gather(counts, ids);
      if (kind === 'SqrtN') per = sqrt(per);
      const extra = (data.shape?.length ?? 1) - 1;
      if (extra > 0) per = reshape(per, [-1, ...new Array<number>(extra).fill(1)]);
      g = divide(g, per);
    }
    return [unsortedSegmentSum(g, indices, rowsIn), null, null];
  });
}

function sparseSegmentOp(kind: SparseKind, data: TensorLike, indices: TensorLike, segmentIds: TensorLike, name?: string): Tensor {
  const d = toTensor(data);
  return makeOp(d.graph, `SparseSegment${kind}`, [d, asIds(indices), asIds(segmentIds)], {}, name, `SparseSegment${kind}`).outputs[0]!;
}
/** `tf.sparseSegmentSum(data, indices, segmentIds, name?)`: sums of `data[indices]` over sorted segments. */
export const sparseSegmentSum = (data: TensorLike, indices: TensorLike, segmentIds: TensorLike, name?: string): Tensor => sparseSegmentOp('Sum', data, indices, segmentIds, name);
/** `tf.sparseSegmentMean(data, indices, segmentIds, name?)`. */
export const sparseSegmentMean = (data: TensorLike, indices: TensorLike, segmentIds: TensorLike, name?: string): Tensor => sparseSegmentOp('Mean', data, indices, segmentIds, name);
/** `tf.sparseSegmentSqrtN(data, indices, segmentIds, name?)`: sums divided by sqrt(count). */
export const sparseSegmentSqrtN = (data: TensorLike, indices: TensorLike, segmentIds: TensorLike, name?: string): Tensor => sparseSegmentOp('SqrtN', data, indices, segmentIds, name);
// TF 1.15 registers no gradient for it
registerNoGradient('SegmentProd');
