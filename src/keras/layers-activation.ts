/**
 * TF 1.15's keras/layers/advanced_activations.py: ReLU(max_value, negative_slope, threshold),
 * PReLU (a learned `alpha` per input position, shared along `shared_axes`), ELU(alpha),
 * ThresholdedReLU(theta) and Softmax(axis).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import * as K from './backend-ops.js';
import { setConstraint } from './constraints.js';
import { prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';

/** `keras.layers.ReLU(max_value=None, negative_slope=0, threshold=0)`: K.relu. */
export class ReLU extends SimpleLayer {
  readonly kerasClass = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  constructor(...args: unknown[]) {
    const p = prepare('ReLU', ['maxValue', 'negativeSlope', 'threshold'], args);
    const mv = (p.o.maxValue as number | null | undefined) ?? null;
    if (mv !== null && mv < 0) throw new ValueError(`max_value of Relu layer cannot be negative value: ${mv}`);
    const ns = (p.o.negativeSlope as number | undefined) ?? 0;
    if (ns < 0) throw new ValueError(`negative_slope of Relu layer cannot be negative value: ${ns}`);
    super(p);
    this.maxValue = mv;
    this.negativeSlope = ns;
    this.threshold = (p.o.threshold as number | undefined) ?? 0;
  }
  protected call(x: Tensor): Tensor {
    return K.relu(x, this.negativeSlope, this.maxValue, this.threshold);
  }
}

/** `keras.layers.ELU(alpha=1.0)`. */
export class ELU extends SimpleLayer {
  readonly kerasClass = 'ELU';
  readonly alpha: number;
  constructor(...args: unknown[]) {
    const p = prepare('ELU', ['alpha'], args);
    super(p);
    this.alpha = (p.o.alpha as number | undefined) ?? 1;
  }
  protected call(x: Tensor): Tensor {
    return K.elu(x, this.alpha);
  }
}

/** `keras.layers.ThresholdedReLU(theta=1.0)`: x where x > theta, else 0. */
export class ThresholdedReLU extends SimpleLayer {
  readonly kerasClass = 'ThresholdedReLU';
  readonly theta: number;
  constructor(...args: unknown[]) {
    const p = prepare('ThresholdedReLU', ['theta'], args);
    super(p);
    this.theta = (p.o.theta as number | undefined) ?? 1;
  }
  protected call(x: Tensor): Tensor {
    return ops.multiply(x, ops.cast(ops.greater(x, this.theta), x.dtype));
  }
}

/** `keras.layers.Softmax(axis=-1)`. */
export class Softmax extends SimpleLayer {
  readonly kerasClass = 'Softmax';
  readonly axis: number;
  constructor(...args: unknown[]) {
    const p = prepare('Softmax', ['axis'], args);
    super(p);
    this.axis = (p.o.axis as number | undefined) ?? -1;
  }
  protected call(x: Tensor): Tensor {
    return K.softmax(x, this.axis);
  }
}

/** `keras.layers.PReLU(alpha_initializer='zeros', alpha_regularizer=None, alpha_constraint=None, shared_axes=None)`: relu(x) − alpha·relu(−x). */
export class PReLU extends SimpleLayer {
  readonly kerasClass = 'PReLU';
  readonly sharedAxes: number[] | null;
  alpha: Variable | null = null;
  private readonly o: Record<string, unknown>;
  constructor(...args: unknown[]) {
    const p = prepare('PReLU', ['alphaInitializer', 'alphaRegularizer', 'alphaConstraint', 'sharedAxes'], args, 0, { initializers: { alphaInitializer: 'zeros' }, constraints: ['alphaConstraint'] });
    super(p);
    const s = p.o.sharedAxes as number | number[] | null | undefined;
    this.sharedAxes = s === undefined || s === null ? null : Array.isArray(s) ? [...s] : [s];
    this.o = { ...p.o, constraint: p.constraints.alphaConstraint ?? null };
  }
  protected override build(shape: readonly (number | null)[] | null): void {
    if (shape === null) throw new ValueError('PReLU needs an input of known rank');
    const param = shape.slice(1);
    for (const a of this.sharedAxes ?? []) param[a - 1] = 1;
    if (param.some((d) => d === null)) throw new ValueError(`PReLU: the alpha shape ${JSON.stringify(param)} has unknown dims; share those axes (shared_axes)`);
    this.alpha = this.addWeight('alpha', param as number[], { initializer: this.o.alphaInitializer, regularizer: this.o.alphaRegularizer as never });
    if (this.o.constraint) setConstraint(this.alpha, this.o.constraint as never);
  }
  protected call(x: Tensor): Tensor {
    const pos = ops.nn.relu(x);
    const neg = ops.multiply(ops.negative(this.alpha!), ops.nn.relu(ops.negative(x)));
    return ops.add(pos, neg);
  }
}
