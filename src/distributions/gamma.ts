/**
 * `tf.distributions.Gamma(concentration, rate, validate_args=False, allow_nan_stats=True,
 * name='Gamma')` (TF 1.15's python/ops/distributions/gamma.py): samples random_gamma([n],
 * concentration, rate) (fully reparameterized through RandomGamma's implicit gradient),
 * log_prob = xlogy(α − 1, x) − βx − (lgamma(α) − α·log β), cdf = igamma(α, βx), entropy
 * α − log β + lgamma(α) + (1 − α)·ψ(α), mean α/β, variance α/β², mode (α − 1)/β (NaN, or an
 * assertion without allow_nan_stats, where α ≤ 1), and KL(Gamma ‖ Gamma).
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertLess, assertPositive, assertSameFloatDtype, assertType, broadcastDynamicShape, broadcastStaticShape, digamma, divide, fill, greater, identity,
  igamma, lgamma, log, multiply, randomGamma, shape as shapeOf, sqrt, square, subtract, where,
} from '../ops/index.js';
import type { PartialShape } from '../shape.js';
import { xlogy } from './beta.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { commonDtype } from './params.js';

export class Gamma extends Distribution {
  readonly concentration: Tensor;
  readonly rate: Tensor;

  constructor(concentration: TensorLike, rate: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(concentration: TensorLike, rate: TensorLike, opts?: { validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { concentration: TensorLike; rate: TensorLike; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['concentration', 'rate'], 'Gamma');
    for (const k of ['concentration', 'rate']) {
      if (a[k] === undefined || a[k] === null) throw new TypeError(`Gamma() missing required argument: '${k}'`);
    }
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const parameters = { concentration: a.concentration, rate: a.rate, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'Gamma' };
    const [conc, rate, scope, g] = Gamma.scoped(a.name as string | undefined, 'Gamma', [a.concentration, a.rate], (scope, g) => {
      const dtype = commonDtype([a.concentration, a.rate]);
      const c0 = toTensor(a.concentration as TensorLike, dtype);
      const r0 = toTensor(a.rate as TensorLike, dtype);
      const deps = validateArgs ? [assertPositive(c0), assertPositive(r0)] : [];
      return g.controlDependencies(deps, () => {
        const c = identity(c0, { name: 'concentration' });
        const r = identity(r0, { name: 'rate' });
        assertSameFloatDtype([c, r]);
        return [c, r, scope, g] as const;
      });
    });
    super({ dtype: conc.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.concentration = conc;
    this.rate = rate;
  }

  get batchShape(): PartialShape {
    return broadcastStaticShape(this.concentration.shape, this.rate.shape);
  }
  protected batchShapeTensorImpl(): Tensor {
    return broadcastDynamicShape(shapeOf(this.concentration, { outType: 'int32' }), shapeOf(this.rate, { outType: 'int32' }));
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    return randomGamma([n], this.concentration, this.rate, this.dtype, seed ?? null);
  }

  private c(v: number): Tensor {
    return toTensor(v, this.dtype);
  }
  private validSample(x: Tensor): Tensor {
    assertType(x, this.dtype);
    if (!this.validateArgs) return x;
    return this.graph.controlDependencies([assertPositive(x)], () => identity(x));
  }
  /** `_log_normalization()`: lgamma(α) − α·log β. */
  logNormalization(): Tensor {
    return subtract(lgamma(this.concentration), multiply(this.concentration, log(this.rate)));
  }

  protected override _logProb(x: Tensor): Tensor {
    const v = this.validSample(x);
    const unnormalized = subtract(xlogy(subtract(this.concentration, this.c(1)), v), multiply(this.rate, v));
    return subtract(unnormalized, this.logNormalization());
  }
  protected override _cdf(x: Tensor): Tensor {
    const v = this.validSample(x);
    return igamma(this.concentration, multiply(this.rate, v));
  }
  protected override _entropy(): Tensor {
    const c = this.concentration;
    return add(add(subtract(c, log(this.rate)), lgamma(c)), multiply(subtract(this.c(1), c), digamma(c)));
  }
  protected override _mean(): Tensor {
    return divide(this.concentration, this.rate);
  }
  protected override _variance(): Tensor {
    return divide(this.concentration, square(this.rate));
  }
  protected override _stddev(): Tensor {
    return divide(sqrt(this.concentration), this.rate);
  }
  protected override _mode(): Tensor {
    const mode = divide(subtract(this.concentration, this.c(1)), this.rate);
    if (this.allowNanStats) {
      const nan = fill(this.batchShapeTensor(), toTensor(NaN, this.dtype), 'nan');
      return where(greater(this.concentration, this.c(1)), mode, nan);
    }
    return this.graph.controlDependencies(
      [assertLess(this.c(1), this.concentration, { message: 'mode not defined when any concentration <= 1' })],
      () => identity(mode),
    );
  }
}

registerKL(Gamma, Gamma, (da, db, name) => {
  const g0 = da as Gamma;
  const g1 = db as Gamma;
  return g0.graph.nameScope(name ?? 'kl_gamma_gamma', () => {
    const one = toTensor(1, g0.dtype);
    return add(
      add(
        add(multiply(subtract(g0.concentration, g1.concentration), digamma(g0.concentration)), subtract(lgamma(g1.concentration), lgamma(g0.concentration))),
        subtract(multiply(g1.concentration, log(g0.rate)), multiply(g1.concentration, log(g1.rate))),
      ),
      multiply(g0.concentration, subtract(divide(g1.rate, g0.rate), one)),
    );
  });
});
