/**
 * `tf.distributions.Beta(concentration1=None, concentration0=None, validate_args=False,
 * allow_nan_stats=True, name='Beta')` (TF 1.15's python/ops/distributions/beta.py): samples
 * G₁/(G₁ + G₀) of two gamma draws (the second seeded by gen_new_seed(seed, 'beta')), log_prob =
 * xlogy(c₁ − 1, x) + (c₀ − 1)·log1p(−x) − lbeta(c₁, c₀), cdf = betainc(c₁, c₀, x), entropy,
 * mean c₁/(c₁ + c₀), variance, mode (c₁ − 1)/(c₁ + c₀ − 2) (NaN, or an assertion without
 * allow_nan_stats, where c₁ ≤ 1 or c₀ ≤ 1), and KL(Beta ‖ Beta).
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertLess, assertPositive, assertSameFloatDtype, betainc, digamma, divide, equal, exp, fill, greater, identity, lgamma, log, log1p, logicalAnd,
  multiply, negative, onesLike, randomGamma, shape as shapeOf, subtract, where, zerosLike,
} from '../ops/index.js';
import type { PartialShape } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { commonDtype } from './params.js';
import { genNewSeed } from './seed.js';

/** TF's xlogy(x, y): 0 where x = 0, else x·log(y). */
export function xlogy(x: Tensor, y: Tensor): Tensor {
  const zero = zerosLike(multiply(x, y));
  return where(equal(multiply(x, onesLike(y)), zero), zero, multiply(x, log(y)));
}

export class Beta extends Distribution {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  readonly totalConcentration: Tensor;

  constructor(concentration1: TensorLike, concentration0: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(concentration1: TensorLike, concentration0: TensorLike, opts?: { validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { concentration1: TensorLike; concentration0: TensorLike; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['concentration1', 'concentration0'], 'Beta');
    for (const k of ['concentration1', 'concentration0']) {
      if (a[k] === undefined || a[k] === null) throw new TypeError(`Beta() missing required argument: '${k}'`);
    }
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const parameters = { concentration1: a.concentration1, concentration0: a.concentration0, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'Beta' };
    const [c1, c0, total, scope, g] = Beta.scoped(a.name as string | undefined, 'Beta', [a.concentration1, a.concentration0], (scope, g) => {
      const dtype = commonDtype([a.concentration1, a.concentration0]);
      const valid = (v: unknown, name: string): Tensor => {
        const t = toTensor(v as TensorLike, dtype, name);
        if (!validateArgs) return t;
        return g.controlDependencies([assertPositive(t, { message: 'Concentration parameter must be positive.' })], () => identity(t));
      };
      const c1 = valid(a.concentration1, 'concentration1');
      const c0 = valid(a.concentration0, 'concentration0');
      assertSameFloatDtype([c1, c0]);
      return [c1, c0, add(c1, c0), scope, g] as const;
    });
    super({ dtype: total.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.concentration1 = c1;
    this.concentration0 = c0;
    this.totalConcentration = total;
  }

  get batchShape(): PartialShape {
    return this.totalConcentration.shape;
  }
  protected batchShapeTensorImpl(): Tensor {
    return shapeOf(this.totalConcentration, { outType: 'int32' });
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const ones = onesLike(this.totalConcentration, { dtype: this.dtype });
    const e1 = multiply(ones, this.concentration1);
    const e0 = multiply(ones, this.concentration0);
    const g1 = randomGamma([n], e1, null, this.dtype, seed ?? null);
    const g2 = randomGamma([n], e0, null, this.dtype, genNewSeed(seed, 'beta') ?? null);
    return divide(g1, add(g1, g2));
  }

  private c(v: number): Tensor {
    return toTensor(v, this.dtype);
  }
  private validSample(x: Tensor): Tensor {
    if (!this.validateArgs) return x;
    return this.graph.controlDependencies([
      assertPositive(x, { message: 'sample must be positive' }),
      assertLess(x, toTensor(1, this.dtype), { message: 'sample must be less than `1`.' }),
    ], () => identity(x));
  }
  /** `_log_normalization()`: lgamma(c₁) + lgamma(c₀) − lgamma(c₁ + c₀). */
  logNormalization(): Tensor {
    return subtract(add(lgamma(this.concentration1), lgamma(this.concentration0)), lgamma(this.totalConcentration));
  }
  private logUnnormalizedProb(x: Tensor): Tensor {
    const v = this.validSample(x);
    return add(xlogy(subtract(this.concentration1, this.c(1)), v), multiply(subtract(this.concentration0, this.c(1)), log1p(negative(v))));
  }

  protected override _logProb(x: Tensor): Tensor {
    return subtract(this.logUnnormalizedProb(x), this.logNormalization());
  }
  protected override _prob(x: Tensor): Tensor {
    return exp(this._logProb(x));
  }
  protected override _cdf(x: Tensor): Tensor {
    return betainc(this.concentration1, this.concentration0, x);
  }
  protected override _logCdf(x: Tensor): Tensor {
    return log(this._cdf(x));
  }
  protected override _entropy(): Tensor {
    const one = this.c(1);
    return add(
      subtract(subtract(this.logNormalization(), multiply(subtract(this.concentration1, one), digamma(this.concentration1))),
        multiply(subtract(this.concentration0, one), digamma(this.concentration0))),
      multiply(subtract(this.totalConcentration, this.c(2)), digamma(this.totalConcentration)),
    );
  }
  protected override _mean(): Tensor {
    return divide(this.concentration1, this.totalConcentration);
  }
  protected override _variance(): Tensor {
    const m = this._mean();
    return divide(multiply(m, subtract(this.c(1), m)), add(this.c(1), this.totalConcentration));
  }
  protected override _mode(): Tensor {
    const mode = divide(subtract(this.concentration1, this.c(1)), subtract(this.totalConcentration, this.c(2)));
    if (this.allowNanStats) {
      const nan = fill(this.batchShapeTensor(), toTensor(NaN, this.dtype), 'nan');
      const isDefined = logicalAnd(greater(this.concentration1, this.c(1)), greater(this.concentration0, this.c(1)));
      return where(isDefined, mode, nan);
    }
    return this.graph.controlDependencies([
      assertLess(this.c(1), this.concentration1, { message: 'Mode undefined for concentration1 <= 1.' }),
      assertLess(this.c(1), this.concentration0, { message: 'Mode undefined for concentration0 <= 1.' }),
    ], () => identity(mode));
  }
}

registerKL(Beta, Beta, (da, db, name) => {
  const d1 = da as Beta;
  const d2 = db as Beta;
  return d1.graph.nameScope(name ?? 'kl_beta_beta', () => {
    const delta = (f: (d: Beta) => Tensor): Tensor => subtract(f(d2), f(d1));
    return add(
      subtract(subtract(delta((d) => d.logNormalization()), multiply(digamma(d1.concentration1), delta((d) => d.concentration1))),
        multiply(digamma(d1.concentration0), delta((d) => d.concentration0))),
      multiply(digamma(d1.totalConcentration), delta((d) => d.totalConcentration)),
    );
  });
});
