/**
 * `tf.keras.constraints` (TF 1.15 keras/constraints.py): weight projections applied after each
 * optimizer update of the variable they belong to (a layer's `kernelConstraint` /
 * `biasConstraint`, or `K.variable(..., constraint)`): MaxNorm, NonNeg, UnitNorm, MinMaxNorm,
 * RadialConstraint, their snake-case aliases and `get` / `serialize` / `deserialize`. Instances
 * are callable: `new MaxNorm(2)(w)`.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { bindArgs } from '../layers/kwargs.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { epsilon, floatx } from './backend.js';
import { callableInstance, deserializeKerasObject, serializeKerasObject } from './generic-utils.js';

export type ConstraintFn = (w: Tensor) => Tensor;

const registry = new WeakMap<Variable, ConstraintFn>();
/** Attach a constraint to a variable (the Keras optimizers apply it after updating the variable). */
export function setConstraint(v: Variable, c: ConstraintFn | null): void {
  if (c) registry.set(v, c);
  else registry.delete(v);
}
/** The constraint attached to `v`, or null. */
export function constraintOf(v: Variable): ConstraintFn | null {
  return registry.get(v) ?? null;
}

const T = (w: TensorLike | Variable): Tensor => (w instanceof Tensor ? w : toTensor(w as TensorLike));
const norms = (w: Tensor, axis: number | number[]): Tensor => ops.sqrt(ops.reduceSum(ops.square(w), axis, true));

/** `keras.constraints.Constraint`: the identity; subclasses override `call`. */
export class Constraint {
  constructor() {
    return callableInstance(new.target.prototype as Constraint, (self, a) => self.call(T(a[0] as Tensor)));
  }
  /** The projected weights. */
  call(w: Tensor): Tensor {
    return w;
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}
export interface Constraint {
  (w: TensorLike | Variable): Tensor;
}

/** `MaxNorm(max_value=2, axis=0)`: w · clip(‖w‖, 0, max_value) / (ε + ‖w‖), norms along `axis`. */
export class MaxNorm extends Constraint {
  readonly maxValue: number;
  readonly axis: number | number[];
  constructor(...args: unknown[]) {
    super();
    const o = bindArgs('MaxNorm', ['maxValue', 'axis'], args);
    this.maxValue = (o.maxValue as number | undefined) ?? 2;
    this.axis = (o.axis as number | number[] | undefined) ?? 0;
  }
  override call(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const desired = ops.clipByValue(n, 0, this.maxValue);
    return ops.multiply(w, ops.divide(desired, ops.add(epsilon(), n)));
  }
  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

/** `NonNeg()`: w · (w ≥ 0). */
export class NonNeg extends Constraint {
  override call(w: Tensor): Tensor {
    return ops.multiply(w, ops.cast(ops.greaterEqual(w, 0), w.dtype === floatx() ? floatx() : w.dtype));
  }
}

/** `UnitNorm(axis=0)`: w / (ε + ‖w‖). */
export class UnitNorm extends Constraint {
  readonly axis: number | number[];
  constructor(...args: unknown[]) {
    super();
    const o = bindArgs('UnitNorm', ['axis'], args);
    this.axis = (o.axis as number | number[] | undefined) ?? 0;
  }
  override call(w: Tensor): Tensor {
    return ops.divide(w, ops.add(epsilon(), norms(w, this.axis)));
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

/** `MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)`: norms moved toward [min, max] by `rate`. */
export class MinMaxNorm extends Constraint {
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | number[];
  constructor(...args: unknown[]) {
    super();
    const o = bindArgs('MinMaxNorm', ['minValue', 'maxValue', 'rate', 'axis'], args);
    this.minValue = (o.minValue as number | undefined) ?? 0;
    this.maxValue = (o.maxValue as number | undefined) ?? 1;
    this.rate = (o.rate as number | undefined) ?? 1;
    this.axis = (o.axis as number | number[] | undefined) ?? 0;
  }
  override call(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const lo = Math.min(this.minValue, this.maxValue);
    const desired = ops.add(ops.multiply(this.rate, ops.clipByValue(n, lo, this.maxValue)), ops.multiply(1 - this.rate, n));
    return ops.multiply(w, ops.divide(desired, ops.add(epsilon(), n)));
  }
  override getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

/**
 * `RadialConstraint()`: each (rows, cols) slice of a [rows, cols, in, out] kernel made constant
 * on square rings about the centre, as TF 1.15's `_kernel_constraint` builds it: with s =
 * ⌊rows/2⌋, the innermost block (1×1 for odd rows, 2×2 for even) takes kernel[s−1, s−1] and ring
 * r outward takes kernel[s+i, s+i], i counting from 0 (odd) or 1 (even).
 */
export class RadialConstraint extends Constraint {
  override call(w: Tensor): Tensor {
    const s = w.shape;
    if (s === null || s.length !== 4) throw new ValueError(`The weight tensor must be of rank 4, but is of shape: ${s === null ? '<unknown>' : `(${s.map((d) => d ?? 'None').join(', ')})`}`);
    const [h, wd, c, k] = s as number[];
    if (h === undefined || wd === undefined || [h, wd, c, k].some((d) => d === null)) throw new ValueError('RadialConstraint needs the kernel shape fully known');
    if (h !== wd) throw new ValueError(`RadialConstraint needs square kernels, got ${h}x${wd}`);
    if (h < 2) throw new ValueError(`RadialConstraint needs kernels of at least 2x2, got ${h}x${wd}`);
    const start = Math.floor(h / 2);
    const odd = h % 2 === 1;
    // The diagonal index each position copies.
    const src: number[] = [];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < h; j++) {
        let ring: number;
        if (odd) ring = Math.max(Math.abs(i - start), Math.abs(j - start));
        else ring = Math.max(i < start ? start - 1 - i : i - start, j < start ? start - 1 - j : j - start);
        const d = ring === 0 ? start - 1 : odd ? start + ring - 1 : start + ring;
        src.push(d * h + d);
      }
    }
    const flat = ops.reshape(w, [h * h, c! * k!]);
    return ops.reshape(ops.gather(flat, ops.constant(Int32Array.from(src), 'int32')), [h, h, c!, k!]);
  }
}

// TF's aliases (the snake-case names are the classes themselves).
export { MaxNorm as maxNorm, NonNeg as nonNeg, UnitNorm as unitNorm, MinMaxNorm as minMaxNorm, RadialConstraint as radialConstraint };
export { MaxNorm as maxnorm, NonNeg as nonneg, UnitNorm as unitnorm };

const MODULE: Record<string, unknown> = {
  Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm, RadialConstraint,
  max_norm: MaxNorm, non_neg: NonNeg, unit_norm: UnitNorm, min_max_norm: MinMaxNorm, radial_constraint: RadialConstraint,
  maxnorm: MaxNorm, nonneg: NonNeg, unitnorm: UnitNorm,
};

/** `constraints.serialize(constraint)`: `{className, config}`. */
export function serialize(constraint: unknown): unknown {
  return serializeKerasObject(constraint);
}
/** `constraints.deserialize(config, custom_objects=None)`. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  return deserializeKerasObject(config, MODULE, customObjects, 'constraint');
}
/** `constraints.get(identifier)`: null, a config, a class name ('max_norm', 'NonNeg') built with its defaults, or a function as is. */
export function get(identifier: unknown): ConstraintFn | null {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'object' && !Array.isArray(identifier)) return deserialize(identifier) as ConstraintFn;
  if (typeof identifier === 'string') return deserialize({ className: identifier, config: {} }) as ConstraintFn;
  if (typeof identifier === 'function') return identifier as ConstraintFn;
  throw new ValueError(`Could not interpret constraint identifier: ${String(identifier)}`);
}
