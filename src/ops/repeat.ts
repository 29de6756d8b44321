/**
 * `tf.repeat(input, repeats, axis?, name?)` (TF 1.15's array_ops.repeat / repeat_with_axis): each
 * slice of `input` along `axis` repeated `repeats` times (a scalar, or one count per slice), the
 * flattened input when `axis` is absent. Built as TF builds it: a scalar count tiles and
 * reshapes; counts per slice tile to the largest count and keep the first `repeats[i]` copies with
 * a sequence mask and boolean_mask, so the gradient flows back to `input`.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { concat, expandDims, reshape, shape, slice, tile } from './array.js';
import { broadcastTo } from './array-extra.js';
import { booleanMask } from './boolean-mask.js';
import { type TensorLike, toTensor } from './convert.js';
import { constant } from './core.js';
import { maximum, multiply, reduceMax } from './math.js';
import { sequenceMask } from './scan.js';

function tileOneDimension(data: Tensor, axis: number, multiple: Tensor): Tensor {
  const r = data.shape!.length;
  const parts: Tensor[] = [];
  if (axis > 0) parts.push(constant(new Array(axis).fill(1), 'int32'));
  parts.push(reshape(multiple, [1]));
  if (r - axis - 1 > 0) parts.push(constant(new Array(r - axis - 1).fill(1), 'int32'));
  return tile(data, parts.length === 1 ? parts[0]! : concat(parts, 0));
}

/** shape(x)[begin:end] as a 1-D int32 tensor (end = null: to the end). */
function dims(s: Tensor, rank: number, begin: number, end: number | null): Tensor {
  const e = end ?? rank;
  return slice(s, [begin], [Math.max(0, e - begin)]);
}

export function repeat(input: TensorLike, repeats: TensorLike, axis?: number | null | Record<string, unknown>, name?: string): Tensor {
  const o = kwargs([input, repeats, axis, name], ['input', 'repeats', 'axis', 'name'], 'repeat', 2);
  let data = toTensor(o.input as TensorLike, undefined, 'data');
  let ax = o.axis as number | null | undefined;
  return data.graph.nameScope((o.name as string | undefined) ?? 'Repeat', () => {
    if (ax === undefined || ax === null) {
      data = reshape(data, [-1]);
      ax = 0;
    }
    if (!Number.isInteger(ax)) throw new TypeError(`axis must be an int; got ${typeof ax}`);
    const reps = toTensor(o.repeats as TensorLike, typeof o.repeats === 'number' || Array.isArray(o.repeats) ? 'int32' : undefined, 'repeats');
    if (reps.dtype !== 'int32' && reps.dtype !== 'int64') throw new TypeError(`repeats must be an integer tensor, got ${reps.dtype}`);
    const rep = reps.dtype === 'int32' ? reps : toTensor(reps, 'int32');
    if (rep.shape !== null && rep.shape.length > 1) throw new ValueError(`Shape ${rep.shape.length === 0 ? '()' : `(${rep.shape.join(', ')})`} must have rank at most 1`);
    if (data.shape === null) throw new ValueError('repeat: the rank of input must be known');
    // a scalar is upgraded to a vector
    if (data.shape.length === 0) data = reshape(data, [1]);
    const r = data.shape!.length;
    if (ax < -r || ax >= r) throw new ValueError(`axis=${ax} out of bounds: expected ${-r}<=axis<${r}`);
    if (ax < 0) ax += r;
    const a = ax;
    const dataShape = shape(data, { outType: 'int32' });
    if (rep.shape !== null && rep.shape.length === 1) {
      const d = data.shape![a];
      const n = rep.shape[0];
      if (d !== null && d !== undefined && n !== null && n !== undefined && d !== n) throw new ValueError(`Dimensions ${d} and ${n} are not compatible`);
    }
    if (rep.shape !== null && rep.shape.length === 0) {
      const tiled = tileOneDimension(expandDims(data, a + 1), a + 1, rep);
      const resultShape = concat([dims(dataShape, r, 0, a), reshape(multiply(rep, slice(dataShape, [a], [1])), [1]), dims(dataShape, r, a + 1, null)], 0);
      return reshape(tiled, resultShape);
    }
    let rp = rep;
    if (rp.shape === null || rp.shape.length !== a + 1) {
      const rr = rp.shape?.length ?? 1;
      rp = broadcastTo(rp, concat([dims(dataShape, r, 0, a + 1 - rr), shape(rp, { outType: 'int32' })], 0));
    }
    const maxRepeat = maximum(0, reduceMax(rp));
    const mask = sequenceMask(rp, maxRepeat);
    const tiled = tileOneDimension(expandDims(data, a + 1), a + 1, maxRepeat);
    const masked = booleanMask(tiled, mask);
    if (a === 0) return masked;
    return reshape(masked, concat([dims(dataShape, r, 0, a), constant([-1], 'int32'), dims(dataShape, r, a + 1, null)], 0));
  });
}
