/**
 * `tf.contrib.distributions.OneHotCategorical(logits=None, probs=None, dtype=tf.int32, …)`,
 * `ExpRelaxedOneHotCategorical(temperature, logits=None, probs=None, …)` and
 * `RelaxedOneHotCategorical(temperature, logits=None, probs=None, …)` (TF 1.15 contrib's
 * onehot_categorical.py and relaxed_onehot_categorical.py). Events are vectors over the last
 * axis. OneHotCategorical samples one_hot(multinomial draws), log_prob
 * −softmax_cross_entropy(x, logits), mode one_hot(argmax). The relaxed (Gumbel-softmax /
 * Concrete) forms sample log_softmax((logits + Gumbel) / temperature) — exp'd for the relaxed
 * one — with density lgamma(k) + (k − 1)·log τ + Σ log_softmax(logits − τ·x) in log space, the
 * relaxed one's minus Σ log x (the Exp bijector's Jacobian); both fully reparameterized.
 */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, argmax, cast, concat, divide, exp, expandDims, identity, lgamma, log, multinomial, multiply, negative, nn, oneHot, onesLike, randomUniform,
  reduceLogsumexp, reduceSum, reshape, shape as shapeOf, slice, subtract, transpose,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { getLogitsAndProbs } from './params.js';

type Opts = { validateArgs?: boolean; allowNanStats?: boolean; name?: string };

/** The parts every one of them shares: logits / probs over the last axis, its size, the shapes. */
abstract class OverClasses extends Distribution {
  readonly logits!: Tensor;
  readonly probs!: Tensor;
  /** The number of classes: a number when static, else a scalar tensor. */
  readonly eventSize!: number | Tensor;

  get batchShape(): PartialShape {
    return this.logits.shape === null ? null : this.logits.shape.slice(0, -1);
  }
  protected batchShapeTensorImpl(): Tensor {
    return slice(shapeOf(this.logits, { outType: 'int32' }), [0], [this.logits.shape!.length - 1]);
  }
  override get eventShape(): PartialShape {
    return this.logits.shape === null ? null : this.logits.shape.slice(-1);
  }
  protected logits2d(): Tensor {
    if (this.logits.shape?.length === 2) return this.logits;
    return reshape(this.logits, typeof this.eventSize === 'number' ? [-1, this.eventSize] : concat([toTensor(Int32Array.of(-1) as never, 'int32'), reshape(this.eventSize, [1])], 0));
  }
  /** [n, ...batch(, k)] as a static list or a run-time vector. */
  protected nShape(n: number, withEvent: boolean): number[] | Tensor {
    const b = withEvent ? this.logits.shape : this.batchShape;
    if (b !== null && isFullyDefined(b)) return [n, ...(b as number[])];
    return concat([toTensor(Int32Array.of(n) as never, 'int32'), withEvent ? shapeOf(this.logits, { outType: 'int32' }) : this.batchShapeTensor()], 0);
  }
  /** logits and x broadcast against each other, as TF's _log_prob does before the reduction. */
  protected broadcastPair(x: Tensor): [Tensor, Tensor] {
    let logits = this.logits;
    let v = x;
    if (!(isFullyDefined(x.shape) && isFullyDefined(logits.shape) && JSON.stringify(x.shape) === JSON.stringify(logits.shape))) {
      logits = multiply(onesLike(x, { dtype: logits.dtype }), logits);
      v = multiply(onesLike(logits, { dtype: x.dtype }), v);
    }
    return [logits, v];
  }
}

function build(a: Record<string, unknown>, cls: string, values: unknown[]) {
  return (Distribution as unknown as { scoped: <T>(n: string | undefined, d: string, v: readonly unknown[], f: (s: string, g: import('../graph/graph.js').Graph) => T) => T }).scoped(
    a.name as string | undefined, cls, values, (scope, g) => {
      const [l, p] = getLogitsAndProbs(a.logits as TensorLike, a.probs as TensorLike, true, (a.validateArgs as boolean | undefined) ?? false);
      const rank = l.shape?.length;
      if (rank === 0) throw new ValueError('logits must have rank at least 1; got rank 0');
      const last = rank === undefined ? null : l.shape![rank - 1]!;
      const size = last ?? g.nameScope('event_size', () => reshape(slice(shapeOf(l, { outType: 'int32' }), [-1], [1]), []));
      return { l, p, size, scope, g };
    });
}

export class OneHotCategorical extends OverClasses {
  constructor(logits?: TensorLike | null, probs?: TensorLike | null, dtype?: DType | string, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(logits: TensorLike | null, probs?: TensorLike | null, opts?: Opts & { dtype?: DType | string });
  constructor(opts: Opts & { logits?: TensorLike | null; probs?: TensorLike | null; dtype?: DType | string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['logits', 'probs', 'dtype'], 'OneHotCategorical');
    const dtype = parseDType((a.dtype as string | undefined) ?? 'int32');
    const b = build(a, 'OneHotCategorical', [a.logits, a.probs]);
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const parameters = { logits: a.logits ?? null, probs: a.probs ?? null, dtype, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'OneHotCategorical' };
    super({ dtype, reparameterizationType: NOT_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope: b.scope, graph: b.g });
    Object.assign(this, { logits: b.l, probs: b.p, eventSize: b.size });
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const sampleDtype: DType = this.dtype === 'int64' || this.dtype === 'float64' ? 'int64' : 'int32';
    const draws = multinomial(this.logits2d(), n, { seed, outputDtype: sampleDtype });
    const idx = reshape(transpose(draws), this.nShape(n, false));
    return oneHot(idx, this.eventSize as number, { dtype: this.dtype });
  }
  protected override eventValue(v: TensorLike): Tensor {
    return toTensor(v, this.dtype);
  }
  protected override _logProb(x: Tensor): Tensor {
    const [logits, v] = this.broadcastPair(x);
    return negative(nn.softmaxCrossEntropyWithLogits({ labels: cast(v, logits.dtype), logits }));
  }
  protected override _entropy(): Tensor {
    return negative(reduceSum(multiply(nn.logSoftmax(this.logits), this.probs), -1));
  }
  protected override _mode(): Tensor {
    return oneHot(argmax(this.logits, -1), this.eventSize as number, { dtype: this.dtype });
  }
}

registerKL(OneHotCategorical, OneHotCategorical, (da, db, name) => {
  const a = da as OneHotCategorical;
  const b = db as OneHotCategorical;
  return a.graph.nameScope(name ?? 'kl_categorical_categorical', () =>
    reduceSum(multiply(nn.softmax(a.logits), subtract(nn.logSoftmax(a.logits), nn.logSoftmax(b.logits))), -1));
});

export class ExpRelaxedOneHotCategorical extends OverClasses {
  readonly temperature!: Tensor;

  constructor(temperature: TensorLike, logits?: TensorLike | null, probs?: TensorLike | null, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(temperature: TensorLike, logits: TensorLike | null, opts?: Opts & { probs?: TensorLike | null });
  constructor(temperature: TensorLike, opts: Opts & { logits?: TensorLike | null; probs?: TensorLike | null });
  constructor(opts: Opts & { temperature: TensorLike; logits?: TensorLike | null; probs?: TensorLike | null });
  constructor(...args: unknown[]) {
    const cls = new.target === RelaxedOneHotCategorical ? 'RelaxedOneHotCategorical' : 'ExpRelaxedOneHotCategorical';
    const a = ctorArgs(args, ['temperature', 'logits', 'probs'], cls);
    if (a.temperature === undefined || a.temperature === null) throw new TypeError(`${cls}() missing required argument: 'temperature'`);
    const b = build(a, cls, [a.logits, a.probs, a.temperature]);
    const t = b.g.nameScope(b.scope, () => identity(toTensor(a.temperature as TensorLike, b.l.dtype), { name: 'temperature' }));
    if (t.dtype !== b.l.dtype) throw new TypeError(`temperature must have the logits' dtype ${b.l.dtype}, got ${t.dtype}`);
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const parameters = { temperature: a.temperature, logits: a.logits ?? null, probs: a.probs ?? null, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? cls };
    super({ dtype: b.l.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope: b.scope, graph: b.g });
    Object.assign(this, { logits: b.l, probs: b.p, eventSize: b.size, temperature: t });
  }

  /** log_softmax((logits + Gumbel noise) / temperature), [n, ...batch, k]. */
  protected logSample(n: number, seed: number | undefined): Tensor {
    const tiny = this.dtype === 'float64' ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
    const u = randomUniform(this.nShape(n, true), { minval: tiny, maxval: 1, dtype: this.dtype, seed });
    const gumbel = negative(log(negative(log(u))));
    const noisy = divide(add(gumbel, this.logits), expandDims(this.temperature, -1));
    return subtract(noisy, reduceLogsumexp(noisy, -1, true));
  }
  protected sampleN(n: number, seed: number | undefined): Tensor {
    return this.logSample(n, seed);
  }
  /** The Concrete density of log-space x. */
  protected logDensity(x: Tensor): Tensor {
    const [logits, v] = this.broadcastPair(x);
    const k = typeof this.eventSize === 'number' ? toTensor(this.eventSize, this.dtype) : cast(this.eventSize, this.dtype);
    const norm = add(lgamma(k), multiply(subtract(k, toTensor(1, this.dtype)), log(this.temperature)));
    const unnorm = reduceSum(nn.logSoftmax(subtract(logits, multiply(v, expandDims(this.temperature, -1)))), -1);
    return add(norm, unnorm);
  }
  protected override _logProb(x: Tensor): Tensor {
    return this.logDensity(x);
  }
}

export class RelaxedOneHotCategorical extends ExpRelaxedOneHotCategorical {
  protected override sampleN(n: number, seed: number | undefined): Tensor {
    return exp(this.logSample(n, seed));
  }
  protected override _logProb(x: Tensor): Tensor {
    const y = log(x);
    return subtract(this.logDensity(y), reduceSum(y, -1));
  }
}
