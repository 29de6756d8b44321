/** Build-time integer arguments of the tf.signal functions (frame lengths, steps, FFT sizes). */
import { ValueError } from '../../errors.js';
import { Tensor } from '../../graph/tensor.js';
import type { TensorLike } from '../convert.js';
import { scalarValue } from '../shape-value.js';

/**
 * The value of an integer scalar argument known when the graph is built: a number or a constant
 * tensor (TF's `tensor_util.constant_value`). tsflow's signal ops lay out their frames at build
 * time, so a length only known at run time is refused with a clear error.
 */
export function staticInt(v: TensorLike | null | undefined, what: string, fn: string): number {
  let n: number | null = null;
  if (typeof v === 'number') n = v;
  else if (v instanceof Tensor) {
    if (v.shape !== null && v.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${v.shape.length} for '${fn}' (${what})`);
    n = scalarValue(v);
  }
  if (n === null) throw new ValueError(`${fn}: ${what} must be a Python-style integer or a constant scalar tensor; a value known only at run time is not supported`);
  if (!Number.isInteger(n)) throw new TypeError(`${fn}: ${what} must be an integer, got ${n}`);
  return n;
}
