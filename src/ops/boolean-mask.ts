/**
 * `tf.booleanMask` and the op it rests on, Where (the coordinates of the true elements, as
 * `tf.where(condition)` with one argument).
 *
 * Where's output shape, [number of true elements, rank], depends on the condition's values,
 * while a device plan's shapes are fixed when it compiles (from the feed shapes). So Where is a
 * host-stage op (session/host-stage.ts): a run first computes the condition (a sub-run, whose
 * values are kept), evaluates Where on the host, then runs the rest of the graph with Where's
 * output fed as a value of concrete shape. A run whose mask keeps a different number of
 * elements compiles (and caches) a plan for that shape.
 *
 * `booleanMask` is TF1's composition (array_ops.py): flatten the masked dims into one,
 * `gather(tensor, squeeze(where(mask), 1), axis)`, so its gradient is gather's (an
 * `IndexedSlices` for axis 0).
 */
import { type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import type { Dim } from '../shape.js';
import { reshape, shape as shapeOf, squeeze } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { reduceProd } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { index } from './strided-slice.js';

const WHERE_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'uint16', 'float16', 'bool'];

defineOp({
  type: 'Where',
  infer: ([x]) => {
    if (!WHERE_DTYPES.includes(x!.dtype)) {
      throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: ${WHERE_DTYPES.join(', ')}`);
    }
    return [{ dtype: 'int64', shape: x!.shape === null ? [null, null] : [null, x!.shape.length] }];
  },
  lower: () => {
    throw new Error('Where runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('Where', null);

/** Row-major coordinates of the non-zero elements of `x`, int64 [n, rank]. */
export function whereCoordinates(x: NDArray): NDArray {
  const data = x.data as ArrayLike<number>;
  const rank = x.shape.length;
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i]) n++;
  const out = new Float64Array(n * rank);
  const idx = new Array<number>(rank).fill(0);
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i]) {
      for (let d = 0; d < rank; d++) out[k++] = idx[d]!;
    }
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return new NDArray(out, [n, rank], 'int64');
}

registerHostOp('Where', function* (_op, ins) {
  return [whereCoordinates(ins[0]!)];
});

/** The coordinates of `condition`'s true (non-zero) elements, int64 [n, rank] (TF's Where op). */
export function whereIndices(condition: TensorLike, name?: string): Tensor {
  const c = toTensor(condition, 'bool');
  return makeOp(c.graph, 'Where', [c], {}, name, 'Where').outputs[0]!;
}

/** TF1's TensorShape text: `(3, ?)`. */
function pyShape(s: readonly Dim[]): string {
  return `(${s.map((d) => (d === null ? '?' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
}

export interface BooleanMaskOptions {
  name?: string;
  axis?: number | null;
}

/**
 * `tf.booleanMask(tensor, mask, name = 'boolean_mask', axis = null)`: the slices of `tensor`
 * where `mask` (bool, rank k ≥ 1, matching `tensor`'s dims axis..axis+k-1) is true, stacked
 * along `axis`; the result's dim there has the run-time count of true elements.
 */
export function booleanMask(tensor: TensorLike, mask: TensorLike, name?: string | BooleanMaskOptions, axis?: number | null | BooleanMaskOptions): Tensor {
  let o: BooleanMaskOptions = {};
  if (typeof name === 'object' && name !== null) o = name;
  else if (typeof axis === 'object' && axis !== null) o = { ...axis, ...(name !== undefined ? { name } : {}) };
  else o = { ...(name !== undefined ? { name } : {}), ...(axis !== undefined ? { axis } : {}) };
  const t = toTensor(tensor);
  return t.graph.nameScope(o.name ?? 'boolean_mask', () => {
    const m = toTensor(mask, 'bool', 'mask');
    if (m.dtype !== 'bool') throw new TypeError(`Input 'mask' of boolean_mask has type ${m.dtype}, expected bool`);
    const ms = m.shape;
    if (ms === null) {
      throw new ValueError('Number of mask dimensions must be specified, even if some dimensions are None.  E.g. shape=[None] is ok, but shape=None is not.');
    }
    if (ms.length === 0) throw new ValueError('mask cannot be scalar.');
    const ax = o.axis ?? 0;
    if (!Number.isInteger(ax) || ax < 0) throw new ValueError(`boolean_mask: axis must be a non-negative integer, got ${String(o.axis)}`);
    const ts = t.shape;
    if (ts !== null) {
      const part = ts.slice(ax, ax + ms.length);
      const ok = part.length === ms.length && part.every((d, i) => d === null || ms[i] === null || d === ms[i]);
      if (!ok) throw new ValueError(`Shapes ${pyShape(part)} and ${pyShape(ms)} are incompatible`);
    }
    // [..before, prod(masked dims), ..after], from static dims where known
    const dyn = ts === null ? null : ts;
    const dim = (i: number): number | Tensor => dyn?.[i] ?? index(shapeOf(t), i);
    const rank = ts?.length;
    let flat: Tensor;
    if (rank === undefined) {
      throw new ValueError('boolean_mask: the tensor needs a known rank');
    } else {
      const before = Array.from({ length: ax }, (_, i) => dim(i));
      const after = Array.from({ length: rank - ax - ms.length }, (_, i) => dim(ax + ms.length + i));
      const static_ = ms.every((d, i) => d !== null || dyn?.[ax + i] != null);
      const lead = static_ ? ms.reduce<number>((p, d, i) => p * (d ?? (dyn![ax + i] as number)), 1) : reduceProd(index(shapeOf(t), `${ax}:${ax + ms.length}`), [0]);
      flat = ms.length === 1 ? t : reshape(t, [...before, lead, ...after] as never);
    }
    const indices = squeeze(whereIndices(reshape(m, [-1])), [1]);
    return makeOp(flat.graph, 'GatherV2', [flat, indices], { axis: ax }, undefined, 'GatherV2').outputs[0]!;
  });
}
