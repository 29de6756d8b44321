/**
 * `tf.signal.fftshift` / `ifftshift` (TF 1.15's fft_ops.py): the zero-frequency term moved to the
 * centre (and back), a roll by ±⌊n/2⌋ along each of `axes` (all axes when absent).
 */
import { kwargs } from '../../args.js';
import type { Tensor } from '../../graph/tensor.js';
import { gather, shape } from '../array.js';
import { roll } from '../array-extra.js';
import { type TensorLike, toTensor } from '../convert.js';
import { floorDiv, negative } from '../math.js';

function shifted(where: string, args: unknown[], inverse: boolean): Tensor {
  const o = kwargs(args, ['x', 'axes', 'name'], where, 1);
  const x = toTensor(o.x as TensorLike);
  return x.graph.nameScope((o.name as string | undefined) ?? where, (scope) => {
    let axes = o.axes as number | number[] | undefined | null;
    let shift: TensorLike;
    const s = x.shape;
    if (axes === undefined || axes === null) {
      if (s === null) throw new TypeError(`${where}: the rank of x must be known when axes is None`);
      axes = s.map((_, i) => i);
      shift = floorDiv(shape(x), 2);
    } else if (typeof axes === 'number') {
      shift = floorDiv(gather(shape(x), axes), 2);
    } else {
      shift = floorDiv(gather(shape(x), [...axes]), 2);
    }
    if (inverse) shift = negative(shift);
    return roll(x, shift, axes, scope.replace(/\/$/, '') + '/');
  });
}

/** `tf.signal.fftshift(x, axes?, name?)`: roll by ⌊n/2⌋ along each axis (numpy.fft.fftshift). */
export function fftshift(x: TensorLike, axes?: number | number[] | null | Record<string, unknown>, name?: string): Tensor {
  return shifted('fftshift', [x, axes, name], false);
}
/** `tf.signal.ifftshift(x, axes?, name?)`: the inverse of fftshift, roll by −⌊n/2⌋. */
export function ifftshift(x: TensorLike, axes?: number | number[] | null | Record<string, unknown>, name?: string): Tensor {
  return shifted('ifftshift', [x, axes, name], true);
}
