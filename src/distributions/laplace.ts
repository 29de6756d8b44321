/**
 * `tf.distributions.Laplace(loc, scale, validate_args=False, allow_nan_stats=True,
 * name='Laplace')` (TF 1.15's laplace.py): samples loc − scale·sign(u)·log1p(−|u|) with u
 * uniform on (nextafter(−1, 0), 1), log_prob = −|z| − log(2·scale), cdf
 * ½ − ½·sign(z)·expm1(−|z|), log_cdf / log_survival by special_math.log_cdf_laplace, entropy
 * log 2 + 1 + log scale, stddev √2·scale.
 */
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from '../ops/convert.js';
import { abs, add, exp, expm1, less, log, log1p, multiply, negative, onesLike, randomUniform, sign, subtract, where } from '../ops/index.js';
import { LocScale } from './loc-scale.js';

type Opts = { validateArgs?: boolean; allowNanStats?: boolean; name?: string };

/** special_math.log_cdf_laplace: log of the standard Laplace cdf, accurate in both tails. */
function logCdfLaplace(x: Tensor, one: (v: number) => Tensor): Tensor {
  const lower = add(one(-Math.log(2)), x);
  const upper = log1p(multiply(one(-0.5), exp(negative(abs(x)))));
  return where(less(x, one(0)), lower, upper);
}

export class Laplace extends LocScale {
  constructor(loc: TensorLike, scale: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(loc: TensorLike, scale: TensorLike, opts?: Opts);
  constructor(opts: Opts & { loc: TensorLike; scale: TensorLike });
  constructor(...args: unknown[]) {
    super(args, 'Laplace');
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const lo = this.dtype === 'float64' ? -(1 - 2 ** -53) : -(1 - 2 ** -24);
    const u = randomUniform(this.sampleShape(n), { minval: lo, maxval: 1, dtype: this.dtype, seed });
    return subtract(this.loc, multiply(multiply(this.scale, sign(u)), log1p(negative(abs(u)))));
  }
  protected override _logProb(x: Tensor): Tensor {
    return subtract(negative(abs(this.z(x))), add(this.c(Math.log(2)), log(this.scale)));
  }
  protected override _cdf(x: Tensor): Tensor {
    const z = this.z(x);
    return subtract(this.c(0.5), multiply(multiply(this.c(0.5), sign(z)), expm1(negative(abs(z)))));
  }
  protected override _logCdf(x: Tensor): Tensor {
    return logCdfLaplace(this.z(x), (v) => this.c(v));
  }
  protected override _logSurvival(x: Tensor): Tensor {
    return logCdfLaplace(negative(this.z(x)), (v) => this.c(v));
  }
  protected override _entropy(): Tensor {
    return add(this.c(Math.log(2) + 1), log(this.scaleB()));
  }
  protected override _stddev(): Tensor {
    return multiply(multiply(this.c(Math.SQRT2), this.scale), onesLike(this.loc));
  }
  protected override _variance(): Tensor {
    const s = this._stddev();
    return multiply(s, s);
  }
}
