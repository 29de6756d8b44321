/**
 * `tf.signal.hann_window` / `hamming_window`: raised-cosine windows a − b·cos(2πk/N) with
 * N = length + periodic·even − 1, computed with TF's ops in the window's dtype so float32 windows
 * hold TF's float32 values.
 */
import { tf1Function } from '../../args.js';
import { type DType, isFloat, parseDType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { getDefaultGraph } from '../../graph/context.js';
import { ones, range } from '../array.js';
import { constant } from '../core.js';
import type { TensorLike } from '../convert.js';
import { cast, cos, divide, multiply, subtract } from '../math.js';
import { staticInt } from './static-args.js';

/**
 * A window function as TF calls it: `windowFn(frameLength, {dtype})`. Typed loosely so that
 * tf.signal's own windows (whose second positional parameter is `periodic`) fit.
 */
export type WindowFn = (frameLength: TensorLike, ...rest: never[]) => Tensor;
/** Call a window function TF's way. */
export const callWindow = (fn: WindowFn, frameLength: number, dtype: DType): Tensor => (fn as unknown as (l: number, o: { dtype: DType }) => Tensor)(frameLength, { dtype });

function raisedCosine(fn: string, windowLength: TensorLike, periodic: boolean | null | undefined, dtype: DType | string | null | undefined, name: string | null | undefined, a: number, b: number): Tensor {
  const dt = parseDType(dtype ?? 'float32');
  if (!isFloat(dt)) throw new ValueError(`dtype must be a floating point type. Found <dtype: '${dt}'>`);
  return getDefaultGraph().nameScope(name ?? fn, () => {
    const len = staticInt(windowLength, 'window_length', fn);
    if (len < 0) throw new ValueError(`${fn}: window_length must be non-negative, got ${len}`);
    if (len === 1) return ones([1], dt);
    const even = 1 - (len % 2);
    const n = len + ((periodic ?? true) ? 1 : 0) * even - 1;
    const count = cast(range(len), dt);
    const cosArg = divide(multiply(constant(2 * Math.PI, dt), count), constant(n, dt));
    return subtract(constant(a, dt), multiply(constant(b, dt), cos(cosArg)));
  });
}

const WINDOW_PARAMS = ['windowLength', 'periodic', 'dtype', 'name'] as const;

/** `tf.signal.hann_window(window_length, periodic=True, dtype=tf.float32, name=None)`. */
export const hannWindow = tf1Function('hannWindow', WINDOW_PARAMS, (windowLength: TensorLike, periodic?: boolean | null, dtype?: DType | string | null, name?: string | null): Tensor => raisedCosine('hann_window', windowLength, periodic, dtype, name, 0.5, 0.5), 1);

/** `tf.signal.hamming_window(window_length, periodic=True, dtype=tf.float32, name=None)`. */
export const hammingWindow = tf1Function('hammingWindow', WINDOW_PARAMS, (windowLength: TensorLike, periodic?: boolean | null, dtype?: DType | string | null, name?: string | null): Tensor => raisedCosine('hamming_window', windowLength, periodic, dtype, name, 0.54, 0.46), 1);
