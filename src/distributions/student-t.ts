/**
 * `tf.distributions.StudentT(df, loc, scale, validate_args=False, allow_nan_stats=True,
 * name='StudentT')` (TF 1.15's student_t.py): samples loc + scale·N/√(G/df) with G ~
 * Gamma(df/2, 1) drawn with the seed salted "student_t"; log_prob −½(df+1)·log1p(y²/df) −
 * (log|scale| + ½log df + ½log π + lgamma(df/2) − lgamma((df+1)/2)); cdf from betainc;
 * entropy log|scale| + ½log df + lbeta(df/2, ½) + ½(df+1)(ψ((df+1)/2) − ψ(df/2)); mean
 * (df > 1) and variance (∞ for 1 < df ≤ 2) NaN where undefined, or asserted without
 * allow_nan_stats.
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  abs, add, assertLess, assertPositive, assertSameFloatDtype, betainc, broadcastDynamicShape, broadcastStaticShape, concat, digamma, divide, fill,
  greater, identity, less, lgamma, log, log1p, multiply, ones, randomGamma, randomNormal, rsqrt, shape as shapeOf, square, subtract, where,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs } from './distribution.js';
import { commonDtype, param } from './params.js';
import { genNewSeed } from './seed.js';

type Opts = { validateArgs?: boolean; allowNanStats?: boolean; name?: string };

export class StudentT extends Distribution {
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;

  constructor(df: TensorLike, loc: TensorLike, scale: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(df: TensorLike, loc: TensorLike, scale: TensorLike, opts?: Opts);
  constructor(opts: Opts & { df: TensorLike; loc: TensorLike; scale: TensorLike });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['df', 'loc', 'scale'], 'StudentT');
    for (const k of ['df', 'loc', 'scale']) if (a[k] === undefined || a[k] === null) throw new TypeError(`StudentT() missing required argument: '${k}'`);
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const parameters = { df: a.df, loc: a.loc, scale: a.scale, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'StudentT' };
    const [df, loc, scale, scope, g] = StudentT.scoped(a.name as string | undefined, 'StudentT', [a.df, a.loc, a.scale], (scope, g) => {
      const dtype = commonDtype([a.df, a.loc, a.scale]);
      const df0 = toTensor(a.df as TensorLike, dtype);
      return g.controlDependencies(validateArgs ? [assertPositive(df0)] : [], () => {
        const d = identity(df0, { name: 'df' });
        const l = param(a.loc as TensorLike, dtype, 'loc');
        const s = param(a.scale as TensorLike, dtype, 'scale');
        assertSameFloatDtype([d, l, s]);
        return [d, l, s, scope, g] as const;
      });
    });
    super({ dtype: scale.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.df = df;
    this.loc = loc;
    this.scale = scale;
  }

  get batchShape(): PartialShape {
    return broadcastStaticShape(this.df.shape, broadcastStaticShape(this.loc.shape, this.scale.shape));
  }
  protected batchShapeTensorImpl(): Tensor {
    const s = (t: Tensor) => shapeOf(t, { outType: 'int32' });
    return broadcastDynamicShape(s(this.df), broadcastDynamicShape(s(this.loc), s(this.scale)));
  }
  private c(v: number): Tensor {
    return toTensor(v, this.dtype);
  }
  private onesB(): Tensor {
    return ones(this.batchShapeTensor(), this.dtype);
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const normal = randomNormal(shape, { dtype: this.dtype, seed });
    const df = multiply(this.df, this.onesB());
    const gamma = randomGamma([n], multiply(this.c(0.5), df), this.c(1), this.dtype, genNewSeed(seed, 'student_t') ?? null);
    const samples = multiply(normal, rsqrt(divide(gamma, df)));
    return add(multiply(samples, this.scale), this.loc);
  }

  protected override _logProb(x: Tensor): Tensor {
    const y = divide(subtract(x, this.loc), this.scale);
    const unnorm = multiply(multiply(this.c(-0.5), add(this.df, this.c(1))), log1p(divide(square(y), this.df)));
    const norm = add(
      add(add(log(abs(this.scale)), multiply(this.c(0.5), log(this.df))), this.c(0.5 * Math.log(Math.PI))),
      subtract(lgamma(multiply(this.c(0.5), this.df)), lgamma(multiply(this.c(0.5), add(this.df, this.c(1))))),
    );
    return subtract(unnorm, norm);
  }
  protected override _cdf(x: Tensor): Tensor {
    const y = divide(subtract(x, this.loc), this.scale);
    const xt = divide(this.df, add(square(y), this.df));
    const neg = multiply(this.c(0.5), betainc(multiply(this.c(0.5), this.df), multiply(this.c(0.5), ones(shapeOf(xt), this.dtype)), xt));
    return where(less(y, this.c(0)), neg, subtract(this.c(1), neg));
  }
  protected override _entropy(): Tensor {
    const df = multiply(this.df, this.onesB());
    const half = this.c(0.5);
    const lbeta = subtract(add(lgamma(multiply(half, df)), this.c(0.5 * Math.log(Math.PI))), lgamma(multiply(half, add(df, this.c(1)))));
    return add(
      add(add(log(abs(this.scale)), multiply(half, log(this.df))), lbeta),
      multiply(multiply(half, add(this.df, this.c(1))), subtract(digamma(multiply(half, add(this.df, this.c(1)))), digamma(multiply(half, this.df)))),
    );
  }
  private nanOr(cond: Tensor, v: Tensor, assertMsg: string, bound: number): Tensor {
    if (this.allowNanStats) return where(cond, v, fill(this.batchShapeTensor(), this.c(NaN)));
    return this.graph.controlDependencies([assertLess(multiply(this.c(bound), this.onesB()), this.df, { message: assertMsg })], () => identity(v));
  }
  protected override _mean(): Tensor {
    const mean = multiply(this.loc, this.onesB());
    return this.nanOr(greater(this.df, this.c(1)), mean, 'mean not defined for components of df <= 1', 1);
  }
  protected override _variance(): Tensor {
    const df = multiply(this.df, this.onesB());
    const denom = where(greater(df, this.c(2)), subtract(df, this.c(2)), this.onesB());
    const v = divide(multiply(multiply(this.onesB(), square(this.scale)), df), denom);
    const defined = where(greater(df, this.c(2)), v, fill(this.batchShapeTensor(), this.c(Infinity)));
    if (this.allowNanStats) return where(greater(df, this.c(1)), defined, fill(this.batchShapeTensor(), this.c(NaN)));
    return this.graph.controlDependencies([assertLess(multiply(this.c(2), this.onesB()), df, { message: 'variance not defined for components of df <= 2' })], () => identity(v));
  }
  protected override _mode(): Tensor {
    return multiply(this.loc, this.onesB());
  }
}
