/**
 * `tf.contrib.distributions.Logistic(loc, scale, validate_args=False, allow_nan_stats=True,
 * name='Logistic')` (TF 1.15 contrib/distributions/python/ops/logistic.py): samples
 * loc + scale·(log u − log1p(−u)) with u uniform on (tiny, 1), log_prob −z − 2·softplus(−z) −
 * log scale, cdf sigmoid(z), log_cdf −softplus(−z), entropy 2 + log scale, stddev scale·π/√3.
 */
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from '../ops/convert.js';
import { add, log, log1p, multiply, negative, nn, onesLike, randomUniform, sigmoid, subtract } from '../ops/index.js';
import { LocScale } from './loc-scale.js';

type Opts = { validateArgs?: boolean; allowNanStats?: boolean; name?: string };

export class Logistic extends LocScale {
  constructor(loc: TensorLike, scale: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(loc: TensorLike, scale: TensorLike, opts?: Opts);
  constructor(opts: Opts & { loc: TensorLike; scale: TensorLike });
  constructor(...args: unknown[]) {
    super(args, 'Logistic');
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    // np.nextafter(0, 1): the smallest positive (denormal) value of the dtype
    const lo = this.dtype === 'float64' ? Number.MIN_VALUE : 1.401298464324817e-45;
    const u = randomUniform(this.sampleShape(n), { minval: lo, maxval: 1, dtype: this.dtype, seed });
    return add(multiply(subtract(log(u), log1p(negative(u))), this.scale), this.loc);
  }
  protected override _logProb(x: Tensor): Tensor {
    const z = this.z(x);
    return subtract(subtract(negative(z), multiply(this.c(2), nn.softplus(negative(z)))), log(this.scale));
  }
  protected override _cdf(x: Tensor): Tensor {
    return sigmoid(this.z(x));
  }
  protected override _logCdf(x: Tensor): Tensor {
    return negative(nn.softplus(negative(this.z(x))));
  }
  protected override _survival(x: Tensor): Tensor {
    return sigmoid(negative(this.z(x)));
  }
  protected override _logSurvival(x: Tensor): Tensor {
    return negative(nn.softplus(this.z(x)));
  }
  protected override _entropy(): Tensor {
    return add(this.c(2), log(multiply(this.scale, onesLike(this.loc))));
  }
  protected override _stddev(): Tensor {
    return multiply(multiply(this.scale, onesLike(this.loc)), this.c(Math.PI / Math.sqrt(3)));
  }
  protected override _variance(): Tensor {
    const s = this._stddev();
    return multiply(s, s);
  }
}
