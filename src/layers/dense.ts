/**
 * `tf.layers.Dense` / `tf.layers.dense`: `activation(inputs · kernel + bias)` with `kernel`
 * [in, units] (glorot-uniform unless told otherwise) and `bias` [units] (zeros); inputs of rank
 * above 2 are multiplied along their last axis.
 */
import { isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { concat, reshape, shape, slice } from '../ops/array.js';
import { type TensorLike } from '../ops/convert.js';
import { matmul } from '../ops/math.js';
import { biasAdd } from '../ops/nn.js';
import type { Variable } from '../ops/variables.js';
import { zerosInitializer } from '../scope/initializers.js';
import type { Regularizer } from '../scope/variable-scope.js';
import { type Activation, Layer, type LayerOptions } from './base.js';
import { bindArgs } from './kwargs.js';

export interface DenseOptions extends LayerOptions {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: unknown;
  biasInitializer?: unknown;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
  kernelConstraint?: null;
  biasConstraint?: null;
}

const DENSE_ARGS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
  'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'trainable', 'name', 'dtype', '_scope', '_reuse',
];

/** Reject constraints (TF1 applies them in optimizers; tsflow has none) with a clear text. */
export function noConstraint(o: Record<string, unknown>, ...names: string[]): void {
  for (const n of names) {
    if (o[n] !== undefined && o[n] !== null) throw new ValueError(`${n}: weight constraints are not supported (pass null)`);
  }
}

/** Input rank check as Keras's InputSpec words it. */
export function checkMinRank(layer: string, x: Tensor, min: number): void {
  if (x.shape !== null && x.shape.length < min) {
    throw new ValueError(`Input 0 of layer ${layer} is incompatible with the layer: expected min_ndim=${min}, found ndim=${x.shape.length}. Full shape received: [${x.shape.map((d) => (d === null ? 'None' : d)).join(', ')}]`);
  }
}

export class Dense extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: unknown;
  readonly biasInitializer: unknown;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  /** `tf.layers.Dense(units, activation=None, use_bias=True, kernel_initializer=None, …)`. */
  constructor(...args: unknown[]) {
    const o = bindArgs('Dense', DENSE_ARGS, args, 1) as unknown as DenseOptions;
    super(o);
    noConstraint(o as unknown as Record<string, unknown>, 'kernelConstraint', 'biasConstraint');
    if (!Number.isInteger(o.units) || o.units <= 0) throw new ValueError(`units must be a positive integer, got ${String(o.units)}`);
    this.units = o.units;
    this.activation = o.activation ?? null;
    this.useBias = o.useBias ?? true;
    this.kernelInitializer = o.kernelInitializer ?? null;
    this.biasInitializer = o.biasInitializer ?? zerosInitializer();
    this.kernelRegularizer = o.kernelRegularizer ?? null;
    this.biasRegularizer = o.biasRegularizer ?? null;
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    if (!isFloat(this._dtype ?? 'float32')) throw new TypeError(`Unable to build \`Dense\` layer with non-floating point dtype ${this._dtype}`);
    const last = inputShape?.[inputShape.length - 1];
    if (last === null || last === undefined) throw new ValueError('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
    this.kernel = this.addWeight('kernel', [last, this.units], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  protected call(inputs: Tensor): Tensor {
    checkMinRank(this.name, inputs, 2);
    const s = inputs.shape!;
    const last = s[s.length - 1];
    if (last !== this.kernel!.shape[0]) {
      throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected axis -1 of input shape to have value ${this.kernel!.shape[0]} but received input with shape [${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`);
    }
    let y: Tensor;
    if (s.length > 2) {
      // TF1's tensordot over the last axis: flatten the leading dims, multiply, restore them.
      const mid = s.slice(1, -1);
      const flat = reshape(inputs, [-1, last]);
      if (mid.some((d) => d === null)) {
        // leading dims known only when the graph runs (e.g. [batch, time, features] with both
        // unknown): the output's shape is shape(inputs)[:-1] + [units], set statically where known
        const lead = slice(shape(inputs), [0], [s.length - 1]);
        y = reshape(matmul(flat, this.kernel!), concat([lead, [this.units]], 0), 'Tensordot');
        y.setShape([...s.slice(0, -1), this.units]);
      } else {
        y = reshape(matmul(flat, this.kernel!), [s[0] ?? -1, ...(mid as number[]), this.units], 'Tensordot');
      }
    } else {
      y = matmul(inputs, this.kernel!, { name: 'MatMul' });
    }
    if (this.bias) y = biasAdd(y, this.bias, { name: 'BiasAdd' });
    return this.activation ? this.activation(y) : y;
  }
}

/**
 * `tf.layers.dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
 * bias_initializer=zeros, kernel_regularizer=None, bias_regularizer=None,
 * activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
 * name=None, reuse=None)`.
 */
export function dense(...args: unknown[]): Tensor {
  const a = bindArgs('dense', [
    'inputs', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
    'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'trainable', 'name', 'reuse',
  ], args, 2);
  const { inputs, reuse, ...rest } = a;
  const layer = new Dense({ ...rest, _scope: rest.name ?? null, _reuse: reuse ?? null });
  return layer.apply(inputs as TensorLike);
}
