/**
 * `keras.layers.LayerNormalization` as TF 1.15's keras/layers/normalization.py: per sample, the
 * moments over `axis` (default the last), then gamma·(x − mean)/sqrt(var + epsilon) + beta with
 * `gamma` and `beta` of the normalized axes' shape (made in that order).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { setConstraint } from './constraints.js';
import { prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';

/** `keras.layers.LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer='zeros', gamma_initializer='ones', …)`. */
export class LayerNormalization extends SimpleLayer {
  readonly kerasClass = 'LayerNormalization';
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private readonly o: Record<string, unknown>;
  private readonly cons: Record<string, unknown>;
  private axes: number[] = [];
  constructor(...args: unknown[]) {
    const p = prepare('LayerNormalization', [
      'axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint',
    ], args, 0, { initializers: { betaInitializer: 'zeros', gammaInitializer: 'ones' }, constraints: ['betaConstraint', 'gammaConstraint'] });
    const axis = p.o.axis ?? -1;
    if (Array.isArray(axis)) {
      if (!axis.every((a) => Number.isInteger(a))) throw new TypeError(`Expected an int or a list/tuple of ints for the argument 'axis', but received: ${JSON.stringify(axis)}`);
    } else if (!Number.isInteger(axis)) {
      throw new TypeError(`Expected an int or a list/tuple of ints for the argument 'axis', but received: ${String(axis)}`);
    }
    super(p);
    this.axis = Array.isArray(axis) ? [...axis] : [axis as number];
    this.epsilon = (p.o.epsilon as number | undefined) ?? 1e-3;
    this.center = (p.o.center as boolean | undefined) ?? true;
    this.scale = (p.o.scale as boolean | undefined) ?? true;
    this.o = p.o;
    this.cons = p.constraints;
  }
  protected override build(shape: readonly (number | null)[] | null): void {
    if (shape === null) throw new ValueError('LayerNormalization needs an input of known rank');
    const n = shape.length;
    const axes = this.axis.map((a) => (a < 0 ? a + n : a));
    for (const a of axes) if (a < 0 || a >= n) throw new ValueError(`Invalid axis: ${a}`);
    if (new Set(axes).size !== axes.length) throw new ValueError(`Duplicate axis: ${JSON.stringify(axes)}`);
    this.axes = [...axes].sort((a, b) => a - b);
    const param = this.axes.map((a) => shape[a]);
    if (param.some((d) => d === null)) throw new ValueError(`LayerNormalization: the normalized axes need known sizes, got ${JSON.stringify(shape)}`);
    if (this.scale) {
      this.gamma = this.addWeight('gamma', param as number[], { initializer: this.o.gammaInitializer, regularizer: this.o.gammaRegularizer as never });
      if (this.cons.gammaConstraint) setConstraint(this.gamma, this.cons.gammaConstraint as never);
    }
    if (this.center) {
      this.beta = this.addWeight('beta', param as number[], { initializer: this.o.betaInitializer, regularizer: this.o.betaRegularizer as never });
      if (this.cons.betaConstraint) setConstraint(this.beta, this.cons.betaConstraint as never);
    }
  }
  protected call(x: Tensor): Tensor {
    const n = x.shape!.length;
    const [mean, variance] = ops.nn.moments(x, this.axes, { keepDims: true });
    // gamma and beta broadcast along the normalized axes (size 1 elsewhere).
    const bshape = Array.from({ length: n }, (_, i) => (this.axes.includes(i) ? (x.shape![i] as number) : 1));
    const bc = (v: Variable | null): Tensor | null => (v ? ops.reshape(v, bshape) : null);
    return ops.nn.batchNormalization(x, mean, variance, bc(this.beta), bc(this.gamma), this.epsilon);
  }
}
