/** `tf.matrixBandPart` (TF's MatrixBandPart): the band of each innermost matrix, zeros outside. */
import { tf1Function } from '../args.js';
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

function bandLimit(b: Lower, v: Val, what: string): number {
  const c = b.requireValue(v, () => new UnimplementedError(`MatrixBandPart: ${what} must be a value known when the plan compiles (a constant or computed from shapes)`, b.opName));
  return Number(c.data[0]);
}

defineOp({
  type: 'MatrixBandPart',
  infer: ([x, lo, hi], _a, name) => {
    const shapes = [x!.shape, lo!.shape, hi!.shape];
    if (x!.shape !== null && x!.shape.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${x!.shape.length}`, name, 'MatrixBandPart', shapes);
    for (const t of [lo!, hi!]) {
      if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${t === lo ? 'num_lower' : 'num_upper'}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
      if (t.shape !== null && t.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${t.shape.length}`, name, 'MatrixBandPart', shapes);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  lower: (b, [x, lo, hi]) => {
    const r = x!.shape.length;
    const m = x!.shape[r - 2]!;
    const n = x!.shape[r - 1]!;
    const lower = bandLimit(b, lo!, 'num_lower');
    const upper = bandLimit(b, hi!, 'num_upper');
    if (lower > m) throw new InvalidArgumentError(`num_lower must be negative or less or equal to number of rows (${m}) got: ${lower}`, b.opName);
    if (upper > n) throw new InvalidArgumentError(`num_upper must be negative or less or equal to number of columns (${n}) got: ${upper}`, b.opName);
    const mask = new Uint8Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) mask[i * n + j] = (lower < 0 || i - j <= lower) && (upper < 0 || j - i <= upper) ? 1 : 0;
    }
    return [b.select(b.constant(new NDArray(mask, [m, n], 'bool')), x!, b.scalar(0, x!.dtype))];
  },
});
registerGradient('MatrixBandPart', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'MatrixBandPart', [dy, op.inputs[1]!, op.inputs[2]!], {}, undefined, 'MatrixBandPart').outputs[0]! : null,
  null,
  null,
]);

/** `tf.matrix_band_part(input, num_lower, num_upper, name=None)`: a negative bound keeps that whole triangle. */
export const matrixBandPart = tf1Function('matrixBandPart', ['input', 'numLower', 'numUpper', 'name'],
  (input: TensorLike, numLower: TensorLike, numUpper: TensorLike, name?: string | null): Tensor => {
    const x = toTensor(input);
    const lo = toTensor(numLower, typeof numLower === 'number' ? 'int64' : undefined);
    const hi = toTensor(numUpper, typeof numUpper === 'number' ? 'int64' : undefined);
    return makeOp(x.graph, 'MatrixBandPart', [x, lo, hi], {}, name ?? undefined, 'MatrixBandPart').outputs[0]!;
  }, 3);
