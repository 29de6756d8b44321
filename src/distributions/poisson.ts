/**
 * `tf.contrib.distributions.Poisson(rate=None, log_rate=None, validate_args=False,
 * allow_nan_stats=True, name='Poisson')` (TF 1.15 contrib/distributions/python/ops/poisson.py):
 * exactly one of rate and log_rate; log_prob x·log_rate − lgamma(1 + x) − rate (x checked to
 * be a non-negative integer under validate_args), cdf igammac(1 + ⌊x⌋, rate), mean = variance
 * = rate, mode ⌊rate⌋, samples by random_poisson.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  assertEqual, assertNonNegative, assertPositive, exp, floor, identity, igammac, lgamma, log, multiply, randomPoisson, shape as shapeOf, sqrt, subtract, add,
} from '../ops/index.js';
import type { PartialShape } from '../shape.js';
import { Distribution, NOT_REPARAMETERIZED, ctorArgs } from './distribution.js';
import { isFloat } from './params.js';

type Opts = { rate?: TensorLike | null; logRate?: TensorLike | null; validateArgs?: boolean; allowNanStats?: boolean; name?: string };

export class Poisson extends Distribution {
  readonly rate: Tensor;
  readonly logRate: Tensor;

  constructor(rate?: TensorLike | null, logRate?: TensorLike | null, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(rate: TensorLike | null, opts?: Opts);
  constructor(opts: Opts);
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['rate', 'logRate'], 'Poisson');
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const hasRate = a.rate !== undefined && a.rate !== null;
    const hasLog = a.logRate !== undefined && a.logRate !== null;
    if (hasRate === hasLog) throw new ValueError('Must specify exactly one of `rate`, `log_rate`.');
    const parameters = { rate: a.rate ?? null, log_rate: a.logRate ?? null, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'Poisson' };
    const [rate, logRate, scope, g] = Poisson.scoped(a.name as string | undefined, 'Poisson', [a.rate, a.logRate], (scope, g) => {
      if (hasLog) {
        const lr = identity(toTensor(a.logRate as TensorLike, 'float32'), { name: 'log_rate' });
        if (!isFloat(lr.dtype)) throw new TypeError('log_rate.dtype must be a floating point type');
        return [exp(lr, { name: 'rate' }), lr, scope, g] as const;
      }
      const r0 = toTensor(a.rate as TensorLike, 'float32');
      if (!isFloat(r0.dtype)) throw new TypeError('rate.dtype must be a floating point type');
      return g.controlDependencies(validateArgs ? [assertPositive(r0)] : [], () => {
        const r = identity(r0, { name: 'rate' });
        return [r, log(r, { name: 'log_rate' }), scope, g] as const;
      });
    });
    super({ dtype: rate.dtype, reparameterizationType: NOT_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.rate = rate;
    this.logRate = logRate;
  }

  get batchShape(): PartialShape {
    return this.rate.shape;
  }
  protected batchShapeTensorImpl(): Tensor {
    return shapeOf(this.rate, { outType: 'int32' });
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    return randomPoisson(this.rate, [n], { dtype: this.dtype, seed });
  }

  /** embed_check_nonnegative_integer_form under validate_args. */
  private checked(x: Tensor): Tensor {
    if (!this.validateArgs) return x;
    return this.graph.controlDependencies(
      [assertNonNegative(x, { message: "'x' must be non-negative." }), assertEqual(x, floor(x), { message: "'x' cannot contain fractional components." })],
      () => identity(x),
    );
  }
  protected override _logProb(x: Tensor): Tensor {
    const v = this.checked(x);
    return subtract(subtract(multiply(v, this.logRate), lgamma(add(v, toTensor(1, this.dtype)))), this.rate);
  }
  protected override _cdf(x: Tensor): Tensor {
    const v = this.validateArgs ? this.checked(x) : floor(x);
    return igammac(add(v, toTensor(1, this.dtype)), this.rate);
  }
  protected override _mean(): Tensor {
    return identity(this.rate);
  }
  protected override _variance(): Tensor {
    return identity(this.rate);
  }
  protected override _stddev(): Tensor {
    return sqrt(this.rate);
  }
  protected override _mode(): Tensor {
    return floor(this.rate);
  }
}
