/**
 * `tf.keras.regularizers` (TF 1.15 keras/regularizers.py): `L1L2(l1=0., l2=0.)` gives
 * l1·Σ|x| + l2·Σx² (a constant 0 when both are 0), `l1(l=0.01)`, `l2(l=0.01)`,
 * `l1_l2(l1=0.01, l2=0.01)`, and `get` / `serialize` / `deserialize`. Instances are callable, so
 * a layer's `kernelRegularizer` takes them and the penalty joins the model's losses.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { bindArgs } from '../layers/kwargs.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { Variable } from '../ops/variables.js';
import { floatx } from './backend.js';
import { callableInstance, deserializeKerasObject, serializeKerasObject } from './generic-utils.js';

const T = (w: TensorLike | Variable): Tensor => (w instanceof Tensor ? w : w instanceof Variable ? w.value() : toTensor(w as TensorLike));

/** `keras.regularizers.Regularizer`: 0; subclasses override `call`. */
export class Regularizer {
  constructor() {
    return callableInstance(new.target.prototype as Regularizer, (self, a) => self.call(T(a[0] as Tensor)));
  }
  call(_x: Tensor): Tensor {
    return ops.constant(0, floatx());
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}
export interface Regularizer {
  (x: TensorLike | Variable): Tensor;
}

function num(v: unknown, what: string, d: number): number {
  if (v === undefined || v === null) return d;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${what} must be a number, got ${String(v)}`);
  return v;
}

/** `L1L2(l1=0.0, l2=0.0)`. */
export class L1L2 extends Regularizer {
  readonly l1: number;
  readonly l2: number;
  constructor(...args: unknown[]) {
    super();
    const o = bindArgs('L1L2', ['l1', 'l2'], args);
    this.l1 = num(o.l1, 'l1', 0);
    this.l2 = num(o.l2, 'l2', 0);
  }
  override call(x: Tensor): Tensor {
    if (!this.l1 && !this.l2) return ops.constant(0, floatx());
    let r: Tensor | null = null;
    if (this.l1) r = ops.multiply(this.l1, ops.reduceSum(ops.abs(x)));
    if (this.l2) {
      const p = ops.multiply(this.l2, ops.reduceSum(ops.square(x)));
      r = r ? ops.add(r, p) : p;
    }
    return r!;
  }
  override getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** `l1(l=0.01)`: L1L2(l1=l). */
export function l1(l = 0.01): L1L2 {
  return new L1L2({ l1: (l as unknown as Record<string, unknown>)?.l ?? l });
}
/** `l2(l=0.01)`: L1L2(l2=l). */
export function l2(l = 0.01): L1L2 {
  return new L1L2({ l2: (l as unknown as Record<string, unknown>)?.l ?? l });
}
/** `l1_l2(l1=0.01, l2=0.01)`. */
export function l1L2(...args: unknown[]): L1L2 {
  const o = bindArgs('l1_l2', ['l1', 'l2'], args);
  return new L1L2({ l1: num(o.l1, 'l1', 0.01), l2: num(o.l2, 'l2', 0.01) });
}

// `l1`, `l2`, `l1_l2` as config class names build L1L2s with those defaults.
const asClass = (f: (o: Record<string, unknown>) => L1L2) => class {
  constructor(o: Record<string, unknown> = {}) {
    return f(o);
  }
};
const MODULE: Record<string, unknown> = {
  Regularizer,
  L1L2,
  l1: asClass((o) => new L1L2({ l1: num(o.l, 'l', 0.01) })),
  l2: asClass((o) => new L1L2({ l2: num(o.l, 'l', 0.01) })),
  l1_l2: asClass((o) => l1L2(o)),
};

/** `regularizers.serialize(regularizer)`: `{className, config}`. */
export function serialize(regularizer: unknown): unknown {
  return serializeKerasObject(regularizer);
}
/** `regularizers.deserialize(config, custom_objects=None)`. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  return deserializeKerasObject(config, MODULE, customObjects, 'regularizer');
}
/** `regularizers.get(identifier)`: null, a config, 'l1' / 'l2' / 'l1_l2' (their defaults), 'L1L2', or a function as is. */
export function get(identifier: unknown): ((x: TensorLike | Variable) => Tensor) | null {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'object' && !Array.isArray(identifier)) return deserialize(identifier) as Regularizer;
  if (typeof identifier === 'string') {
    if (['l1', 'l2', 'l1_l2'].includes(identifier)) return deserialize({ className: identifier, config: {} }) as Regularizer;
    const r = deserialize(identifier);
    return (typeof r === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(r)) ? new (r as new () => Regularizer)() : r) as Regularizer;
  }
  if (typeof identifier === 'function') return identifier as Regularizer;
  throw new ValueError(`Could not interpret regularizer identifier: ${String(identifier)}`);
}
