/**
 * `tf.distributions.Dirichlet(concentration, validate_args=False, allow_nan_stats=True,
 * name='Dirichlet')` (TF 1.15's python/ops/distributions/dirichlet.py): batch shape
 * concentration.shape[:-1], event shape its last dim; samples are random_gamma draws normalized
 * over the event axis, log_prob = Σ xlogy(α − 1, x) − lbeta(α), entropy, mean α/α₀, variance,
 * covariance, mode (α − 1)/(α₀ − k) (NaN, or an assertion without allow_nan_stats, unless every
 * α > 1), TF's validate_args checks, and KL(Dirichlet ‖ Dirichlet).
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertLess, assertNear, assertPositive, assertRankAtLeast, cast, digamma, divide, expandDims, fill, greater, identity, lbeta, linalg, matmul,
  multiply, negative, randomGamma, reduceAll, reduceSum, rsqrt, shape as shapeOf, slice, subtract, whereV2,
} from '../ops/index.js';
import type { PartialShape } from '../shape.js';
import { xlogy } from './beta.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { commonDtype } from './params.js';

export class Dirichlet extends Distribution {
  readonly concentration: Tensor;
  readonly totalConcentration: Tensor;

  constructor(concentration: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(concentration: TensorLike, opts?: { validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { concentration: TensorLike; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['concentration'], 'Dirichlet');
    if (a.concentration === undefined || a.concentration === null) throw new TypeError("Dirichlet() missing required argument: 'concentration'");
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const parameters = { concentration: a.concentration, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'Dirichlet' };
    const [conc, total, scope, g] = Dirichlet.scoped(a.name as string | undefined, 'Dirichlet', [a.concentration], (scope, g) => {
      let c = toTensor(a.concentration as TensorLike, commonDtype([a.concentration]), 'concentration');
      if (validateArgs) {
        const c0 = c;
        c = g.controlDependencies([
          assertPositive(c0, { message: 'Concentration parameter must be positive.' }),
          assertRankAtLeast(c0, 1, { message: 'Concentration parameter must have >=1 dimensions.' }),
          assertLess(toTensor(1, 'int32'), slice(shapeOf(c0, { outType: 'int32' }), [-1 + (c0.shape?.length ?? 1)], [1]), {
            message: 'Concentration parameter must have event_size >= 2.',
          }),
        ], () => identity(c0));
      }
      return [c, reduceSum(c, -1), scope, g] as const;
    });
    super({ dtype: conc.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.concentration = conc;
    this.totalConcentration = total;
  }

  get batchShape(): PartialShape {
    return this.concentration.shape === null ? null : this.concentration.shape.slice(0, -1);
  }
  protected batchShapeTensorImpl(): Tensor {
    return shapeOf(this.totalConcentration, { outType: 'int32' });
  }
  override get eventShape(): PartialShape {
    return this.concentration.shape === null ? null : this.concentration.shape.slice(-1);
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const g = randomGamma([n], this.concentration, null, this.dtype, seed ?? null);
    return divide(g, reduceSum(g, -1, true));
  }

  private c(v: number): Tensor {
    return toTensor(v, this.dtype);
  }
  /** k, the event size, in the dtype (TF: cast(event_shape_tensor()[0])). */
  private k(): Tensor {
    const k = this.eventShape?.[0];
    if (k !== null && k !== undefined) return this.c(k);
    const s = shapeOf(this.concentration, { outType: 'int32' });
    return cast(reduceSum(slice(s, [this.concentration.shape!.length - 1], [1])), this.dtype);
  }
  private validSample(x: Tensor): Tensor {
    if (!this.validateArgs) return x;
    return this.graph.controlDependencies([
      assertPositive(x, { message: 'samples must be positive.' }),
      assertNear(this.c(1), reduceSum(x, -1), { message: 'sample last-dimension must sum to `1`' }),
    ], () => identity(x));
  }
  /** `_log_normalization()`: lbeta(concentration). */
  logNormalization(): Tensor {
    return lbeta(this.concentration);
  }

  protected override _logProb(x: Tensor): Tensor {
    const v = this.validSample(x);
    return subtract(reduceSum(xlogy(subtract(this.concentration, this.c(1)), v), -1), this.logNormalization());
  }
  protected override _entropy(): Tensor {
    return subtract(
      add(this.logNormalization(), multiply(subtract(this.totalConcentration, this.k()), digamma(this.totalConcentration))),
      reduceSum(multiply(subtract(this.concentration, this.c(1)), digamma(this.concentration)), -1),
    );
  }
  protected override _mean(): Tensor {
    return divide(this.concentration, expandDims(this.totalConcentration, -1));
  }
  private varianceScale(): Tensor {
    return rsqrt(add(this.c(1), expandDims(this.totalConcentration, -1)));
  }
  protected override _variance(): Tensor {
    const scale = this.varianceScale();
    const x = multiply(scale, this._mean());
    return multiply(x, subtract(scale, x));
  }
  protected override _covariance(): Tensor {
    const x = multiply(this.varianceScale(), this._mean());
    return linalg.setDiag(negative(matmul(expandDims(x, -1), expandDims(x, -2))), this._variance());
  }
  protected override _mode(): Tensor {
    const mode = divide(subtract(this.concentration, this.c(1)), subtract(expandDims(this.totalConcentration, -1), this.k()));
    if (this.allowNanStats) {
      const nan = fill(shapeOf(mode, { outType: 'int32' }), toTensor(NaN, this.dtype), 'nan');
      return whereV2(reduceAll(greater(this.concentration, this.c(1)), -1, true), mode, nan);
    }
    return this.graph.controlDependencies(
      [assertLess(this.c(1), this.concentration, { message: 'Mode undefined when any concentration <= 1' })],
      () => identity(mode),
    );
  }
}

registerKL(Dirichlet, Dirichlet, (da, db, name) => {
  const d1 = da as Dirichlet;
  const d2 = db as Dirichlet;
  return d1.graph.nameScope(name ?? 'kl_dirichlet_dirichlet', () => {
    const digammaSum = digamma(reduceSum(d1.concentration, [-1], true));
    const digammaDiff = subtract(digamma(d1.concentration), digammaSum);
    const concentrationDiff = subtract(d1.concentration, d2.concentration);
    return add(subtract(reduceSum(multiply(concentrationDiff, digammaDiff), [-1]), lbeta(d1.concentration)), lbeta(d2.concentration));
  });
});
