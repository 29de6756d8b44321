/**
 * TF 1.15's keras/layers/merge.py beyond Add/Subtract/Multiply/Average/Concatenate: Maximum,
 * Minimum (element-wise over the inputs) and Dot(axes, normalize) (K.batch_dot of the two
 * inputs, each l2-normalized along its axis first when `normalize`), with the functional forms.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import * as K from './backend-ops.js';
import { prepare } from './layer-utils.js';
import { Merge } from './layers-core.js';

const shapeStr = (s: readonly (number | null)[] | null): string => (s === null ? 'None' : `(${s.map((d) => d ?? 'None').join(', ')}${s.length === 1 ? ',' : ''})`);

/** `keras.layers.Maximum()`. */
export class Maximum extends Merge {
  readonly kerasClass = 'Maximum';
  constructor(...args: unknown[]) {
    super(prepare('Maximum', [], args));
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => ops.maximum(a, b), xs[0]!);
  }
}

/** `keras.layers.Minimum()`. */
export class Minimum extends Merge {
  readonly kerasClass = 'Minimum';
  constructor(...args: unknown[]) {
    super(prepare('Minimum', [], args));
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => ops.minimum(a, b), xs[0]!);
  }
}

/** `keras.layers.Dot(axes, normalize=False)`: the dot product of two inputs along `axes` (one per input, or one for both). */
export class Dot extends Merge {
  readonly kerasClass = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;
  constructor(...args: unknown[]) {
    const p = prepare('Dot', ['axes', 'normalize'], args, 1);
    const axes = p.o.axes as number | number[];
    if (!Number.isInteger(axes)) {
      if (!Array.isArray(axes)) throw new TypeError('Invalid type for `axes` - should be a list or an int.');
      if (axes.length !== 2) throw new ValueError(`Invalid format for \`axes\` - should contain two elements. Received: ${JSON.stringify(axes)}`);
      if (!axes.every((a) => Number.isInteger(a))) throw new ValueError(`Invalid format for \`axes\` - list elements should be "int". Received: ${JSON.stringify(axes)}`);
    }
    super(p);
    this.axes = Array.isArray(axes) ? [axes[0]!, axes[1]!] : axes;
    this.normalize = (p.o.normalize as boolean | undefined) ?? false;
  }
  protected merge(xs: Tensor[]): Tensor {
    if (xs.length !== 2) throw new ValueError('A `Dot` layer should be called on a list of 2 inputs.');
    let [a, b] = xs as [Tensor, Tensor];
    const ra = a.shape?.length;
    const rb = b.shape?.length;
    if (ra === undefined || rb === undefined) throw new ValueError('Dot needs inputs of known rank');
    const ax = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    // Keras: a negative axis counts from the end, taken modulo each input's rank.
    const axes: [number, number] = [((ax[0]! % ra) + ra) % ra, ((ax[1]! % rb) + rb) % rb];
    const d1 = a.shape![axes[0]];
    const d2 = b.shape![axes[1]];
    if (d1 !== null && d2 !== null && d1 !== d2) throw new ValueError(`Dimension incompatibility ${d1} != ${d2}. Layer shapes: ${shapeStr(a.shape)}, ${shapeStr(b.shape)}`);
    if (this.normalize) {
      a = ops.nn.l2Normalize(a, axes[0]);
      b = ops.nn.l2Normalize(b, axes[1]);
    }
    return K.batchDot(a, b, axes);
  }
}

/** `keras.layers.maximum(inputs)`, `minimum(inputs)`, `dot(inputs, axes, normalize=False)`. */
export const maximum = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Maximum(opts).apply(inputs);
export const minimum = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Minimum(opts).apply(inputs);
export function dot(inputs: TensorLike[], ...args: unknown[]): Tensor {
  return new Dot(...args).apply(inputs);
}
