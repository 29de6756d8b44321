/** `tf.contrib.layers`' initializers: `xavier_initializer` and its own `variance_scaling_initializer` (contrib/layers/python/layers/initializers.py). */
import { z } from 'zod';
import { type DType, isFloat, parseDType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { kwargs } from '../args.js';
import { randomUniform, truncatedNormal } from '../ops/random.js';
import type { Initializer } from '../scope/initializers.js';
import { dtypeSchema, parseOptions, parseShape, seedSchema } from '../validate.js';

const MODES = ['FAN_IN', 'FAN_OUT', 'FAN_AVG'];

function assertFloat(d: DType): void {
  if (!isFloat(d)) throw new TypeError('Cannot create initializer for non-floating point type.');
}

const vsOptions = z.strictObject({
  factor: z.number().optional(),
  mode: z.string().optional(),
  uniform: z.boolean().optional(),
  seed: seedSchema.nullish(),
  dtype: dtypeSchema.optional(),
});

/**
 * `tf.contrib.layers.variance_scaling_initializer(factor = 2, mode = 'FAN_IN', uniform = False,
 * seed, dtype)`: stddev sqrt(factor / n). Unlike `tf.variance_scaling_initializer`, its
 * truncated normal uses stddev sqrt(1.3 · factor / n), and fans are taken from the last two dims.
 */
export function varianceScalingInitializer(...args: unknown[]): Initializer {
  const o = parseOptions(vsOptions, kwargs(args, ['factor', 'mode', 'uniform', 'seed', 'dtype'], 'varianceScalingInitializer'), 'varianceScalingInitializer');
  const factor = o.factor ?? 2;
  const mode = o.mode ?? 'FAN_IN';
  const uniform = o.uniform ?? false;
  const dtype = parseDType(o.dtype ?? 'float32');
  assertFloat(dtype);
  if (!MODES.includes(mode)) throw new TypeError(`Unknown mode ${mode} [FAN_IN, FAN_OUT, FAN_AVG]`);
  const seed = o.seed == null ? {} : { seed: o.seed };
  const init = (shapeArg: readonly number[], dt?: DType | string | null): Tensor => {
    const shape = parseShape(shapeArg, 'varianceScalingInitializer', 'shape');
    const d = dt == null ? dtype : parseDType(dt);
    assertFloat(d);
    let fanIn = 1;
    let fanOut = 1;
    if (shape.length > 0) {
      fanIn = shape.length > 1 ? shape[shape.length - 2]! : shape[shape.length - 1]!;
      fanOut = shape[shape.length - 1]!;
    }
    for (const dim of shape.slice(0, -2)) {
      fanIn *= dim;
      fanOut *= dim;
    }
    const n = mode === 'FAN_IN' ? fanIn : mode === 'FAN_OUT' ? fanOut : (fanIn + fanOut) / 2;
    if (uniform) {
      const limit = Math.sqrt((3 * factor) / n);
      return randomUniform(shape, { minval: -limit, maxval: limit, dtype: d, ...seed });
    }
    return truncatedNormal(shape, { mean: 0, stddev: Math.sqrt((1.3 * factor) / n), dtype: d, ...seed });
  };
  return Object.assign(init, { className: 'VarianceScaling', getConfig: () => ({ factor, mode, uniform, seed: o.seed ?? null, dtype }) });
}

const xavierOptions = z.strictObject({ uniform: z.boolean().optional(), seed: seedSchema.nullish(), dtype: dtypeSchema.optional() });

/** `tf.contrib.layers.xavier_initializer(uniform = True, seed, dtype)`: Glorot & Bengio's, fan average. */
export function xavierInitializer(...args: unknown[]): Initializer {
  const o = parseOptions(xavierOptions, kwargs(args, ['uniform', 'seed', 'dtype'], 'xavierInitializer'), 'xavierInitializer');
  return varianceScalingInitializer({ factor: 1, mode: 'FAN_AVG', uniform: o.uniform ?? true, seed: o.seed ?? null, dtype: o.dtype ?? 'float32' });
}
