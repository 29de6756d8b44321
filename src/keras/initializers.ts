/**
 * `tf.keras.initializers` as TF 1.15's v1 API has it: the classes are init_ops' with Keras's
 * defaults (RandomNormal / TruncatedNormal stddev 0.05, RandomUniform ±0.05), `he_normal`,
 * `he_uniform`, `lecun_normal`, `lecun_uniform` are functions of `seed` giving a
 * VarianceScaling, and the snake-case names (`glorot_uniform`, `zeros`, `random_normal`, …) are
 * the classes. Instances are callable `(shape, dtype?, partitionInfo?) => Tensor`, so layers and
 * `tf.getVariable` take them as they take tf's initializers; `get` takes names, configs and
 * functions.
 */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { bindArgs } from '../layers/kwargs.js';
import * as init from '../scope/initializers.js';
import { callableInstance, deserializeKerasObject, isClass, serializeKerasObject } from './generic-utils.js';

type Built = init.Initializer;

/** `keras.initializers.Initializer`: a callable `(shape, dtype?, partitionInfo?)`; subclasses make the tf initializer. */
export class Initializer {
  /** TF's class name (`RandomNormal`, `VarianceScaling`, …). */
  className = 'Initializer';
  protected inner: Built | null = null;
  constructor() {
    return callableInstance(new.target.prototype as Initializer, (self, a) => self.call(a[0] as number[], a[1] as DType | undefined, a[2] as init.PartitionInfo | undefined));
  }
  call(shape: readonly number[], dtype?: DType | string | null, partitionInfo?: init.PartitionInfo | null): Tensor {
    if (!this.inner) throw new ValueError('Initializer: subclasses must be called, not the base class');
    return this.inner(shape, dtype, partitionInfo);
  }
  getConfig(): Record<string, unknown> {
    return this.inner ? this.inner.getConfig() : {};
  }
  /** The class name `serialize` writes. */
  get kerasClassName(): string {
    return this.className;
  }
}
export interface Initializer {
  (shape: readonly number[], dtype?: DType | string | null, partitionInfo?: init.PartitionInfo | null): Tensor;
}

function subclass(name: string, names: string[], make: (o: Record<string, unknown>) => Built): new (...args: unknown[]) => Initializer {
  const C = class extends Initializer {
    constructor(...args: unknown[]) {
      super();
      const o = bindArgs(name, names, args);
      for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
      this.inner = make(o);
      this.className = name;
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

/** `Zeros(dtype=float32)`. */
export const Zeros = subclass('Zeros', ['dtype'], (o) => init.zerosInitializer(o));
/** `Ones(dtype=float32)`. */
export const Ones = subclass('Ones', ['dtype'], (o) => init.onesInitializer(o));
/** `Constant(value=0, dtype=float32, verify_shape=False)`. */
export const Constant = subclass('Constant', ['value', 'dtype', 'verifyShape'], (o) => init.constantInitializer(o));
/** `RandomNormal(mean=0.0, stddev=0.05, seed=None, dtype=float32)`. */
export const RandomNormal = subclass('RandomNormal', ['mean', 'stddev', 'seed', 'dtype'], (o) => init.randomNormalInitializer({ mean: 0, stddev: 0.05, ...o }));
/** `RandomUniform(minval=-0.05, maxval=0.05, seed=None, dtype=float32)`. */
export const RandomUniform = subclass('RandomUniform', ['minval', 'maxval', 'seed', 'dtype'], (o) => init.randomUniformInitializer({ minval: -0.05, maxval: 0.05, ...o }));
/** `TruncatedNormal(mean=0.0, stddev=0.05, seed=None, dtype=float32)`: redrawn beyond 2 stddev. */
export const TruncatedNormal = subclass('TruncatedNormal', ['mean', 'stddev', 'seed', 'dtype'], (o) => init.truncatedNormalInitializer({ mean: 0, stddev: 0.05, ...o }));
/** `VarianceScaling(scale=1.0, mode='fan_in', distribution='truncated_normal', seed=None, dtype=float32)`. */
export const VarianceScaling = subclass('VarianceScaling', ['scale', 'mode', 'distribution', 'seed', 'dtype'], (o) => init.varianceScalingInitializer(o));
/** `Orthogonal(gain=1.0, seed=None, dtype=float32)`. */
export const Orthogonal = subclass('Orthogonal', ['gain', 'seed', 'dtype'], (o) => init.orthogonalInitializer(o));
/** `Identity(gain=1.0, dtype=float32)`: 2-D only. */
export const Identity = subclass('Identity', ['gain', 'dtype'], (o) => init.identityInitializer(o));
/** `GlorotUniform(seed=None, dtype=float32)`: uniform, limit sqrt(6 / (fan_in + fan_out)). */
export const GlorotUniform = subclass('GlorotUniform', ['seed', 'dtype'], (o) => init.glorotUniformInitializer(o));
/** `GlorotNormal(seed=None, dtype=float32)`: truncated normal, stddev sqrt(2 / (fan_in + fan_out)). */
export const GlorotNormal = subclass('GlorotNormal', ['seed', 'dtype'], (o) => init.glorotNormalInitializer(o));

const seedOf = (args: unknown[], where: string): number | null => (bindArgs(where, ['seed'], args).seed as number | null | undefined) ?? null;
/** `he_normal(seed=None)`: VarianceScaling(2, 'fan_in', 'truncated_normal'). */
export const heNormal = (...args: unknown[]): Initializer => new VarianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: seedOf(args, 'he_normal') });
/** `he_uniform(seed=None)`: VarianceScaling(2, 'fan_in', 'uniform'). */
export const heUniform = (...args: unknown[]): Initializer => new VarianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: seedOf(args, 'he_uniform') });
/** `lecun_normal(seed=None)`: VarianceScaling(1, 'fan_in', 'truncated_normal'). */
export const lecunNormal = (...args: unknown[]): Initializer => new VarianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: seedOf(args, 'lecun_normal') });
/** `lecun_uniform(seed=None)`: VarianceScaling(1, 'fan_in', 'uniform'). */
export const lecunUniform = (...args: unknown[]): Initializer => new VarianceScaling({ scale: 1, mode: 'fan_in', distribution: 'uniform', seed: seedOf(args, 'lecun_uniform') });

// TF's snake-case aliases of the classes (`tf.keras.initializers.glorot_uniform` is GlorotUniform).
export {
  Zeros as zeros, Ones as ones, Constant as constant, RandomNormal as randomNormal, RandomNormal as normal, RandomUniform as randomUniform,
  RandomUniform as uniform, TruncatedNormal as truncatedNormal, Orthogonal as orthogonal, Identity as identity, GlorotUniform as glorotUniform,
  GlorotNormal as glorotNormal,
};

const MODULE: Record<string, unknown> = {
  Initializer, Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Orthogonal, Identity, GlorotUniform, GlorotNormal,
  zeros: Zeros, zero: Zeros, ones: Ones, one: Ones, constant: Constant, random_normal: RandomNormal, normal: RandomNormal,
  random_uniform: RandomUniform, uniform: RandomUniform, truncated_normal: TruncatedNormal, orthogonal: Orthogonal, identity: Identity,
  glorot_uniform: GlorotUniform, glorot_normal: GlorotNormal, variance_scaling: VarianceScaling,
  he_normal: heNormal, he_uniform: heUniform, lecun_normal: lecunNormal, lecun_uniform: lecunUniform,
};

/** `initializers.serialize(initializer)`: `{className, config}`. */
export function serialize(initializer: unknown): unknown {
  return serializeKerasObject(initializer);
}
/** `initializers.deserialize(config, custom_objects=None)`. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  const r = deserializeKerasObject(config, MODULE, customObjects, 'initializer');
  return isClass(r) ? new (r as new () => Initializer)() : r;
}
/**
 * `initializers.get(identifier)`: null, a config, a name ('glorot_uniform', 'he_normal',
 * 'RandomNormal'; also camelCase 'heNormal') built with its defaults, or an initializer/function
 * as is.
 */
export function get(identifier: unknown): unknown {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'object' && !Array.isArray(identifier)) return deserialize(identifier);
  if (typeof identifier === 'string') {
    const name = identifier in MODULE ? identifier : identifier.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    if (!(name in MODULE)) throw new ValueError(`Unknown initializer: ${identifier}`);
    return deserialize({ className: name, config: {} });
  }
  if (typeof identifier === 'function') return identifier;
  throw new ValueError(`Could not interpret initializer identifier: ${String(identifier)}`);
}
