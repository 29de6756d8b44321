/**
 * `tf.contrib.distributions.MultivariateNormalDiag(loc=None, scale_diag=None,
 * scale_identity_multiplier=None, validate_args=False, allow_nan_stats=True,
 * name='MultivariateNormalDiag')` (TF 1.15 contrib's mvn_diag.py): events over the last axis
 * with covariance diag(d)², d = scale_diag (+ the identity multiplier), the identity when both
 * are None. Samples loc + d·N(0, 1); log_prob −½Σz² − (k/2)·log 2π − Σlog|d|; entropy
 * (k/2)(1 + log 2π) + Σlog|d|; KL against another MultivariateNormalDiag in closed form.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  abs, add, broadcastDynamicShape, broadcastStaticShape, concat, divide, log, matrixDiag, multiply, onesLike, randomNormal, reduceSum, shape as shapeOf,
  slice, square, subtract, zerosLike, identity,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { commonDtype } from './params.js';

type Opts = { loc?: TensorLike | null; scaleDiag?: TensorLike | null; scaleIdentityMultiplier?: TensorLike | null; validateArgs?: boolean; allowNanStats?: boolean; name?: string };

export class MultivariateNormalDiag extends Distribution {
  readonly loc: Tensor;
  /** The diagonal of the scale matrix. */
  readonly scaleDiag: Tensor;
  /** loc + 0·d: loc broadcast to the batch. */
  private readonly locB: Tensor;

  constructor(loc?: TensorLike | null, scaleDiag?: TensorLike | null, scaleIdentityMultiplier?: TensorLike | null, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(loc: TensorLike | null, scaleDiag: TensorLike | null, opts?: Opts);
  constructor(opts: Opts);
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['loc', 'scaleDiag', 'scaleIdentityMultiplier'], 'MultivariateNormalDiag');
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const given = (v: unknown) => v !== undefined && v !== null;
    if (!given(a.loc) && !given(a.scaleDiag)) throw new ValueError('Must specify one or both of `loc`, `scale_diag`.');
    const parameters = { loc: a.loc ?? null, scale_diag: a.scaleDiag ?? null, scale_identity_multiplier: a.scaleIdentityMultiplier ?? null, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? 'MultivariateNormalDiag' };
    const [loc, d, locB, scope, g] = MultivariateNormalDiag.scoped(a.name as string | undefined, 'MultivariateNormalDiag', [a.loc, a.scaleDiag, a.scaleIdentityMultiplier], (scope, g) => {
      const dtype = commonDtype([a.loc, a.scaleDiag, a.scaleIdentityMultiplier]);
      const sd = given(a.scaleDiag) ? toTensor(a.scaleDiag as TensorLike, dtype) : null;
      const l = given(a.loc) ? identity(toTensor(a.loc as TensorLike, dtype), { name: 'loc' }) : zerosLike(sd!);
      if (l.shape !== null && l.shape.length === 0) throw new ValueError('loc must have rank at least 1');
      let diag = sd ?? onesLike(l);
      if (given(a.scaleIdentityMultiplier)) {
        const m = toTensor(a.scaleIdentityMultiplier as TensorLike, dtype);
        diag = sd ? add(sd, m) : multiply(onesLike(l), m);
      }
      for (const t of [l, diag]) if (t.dtype !== dtype) throw new TypeError(`MultivariateNormalDiag: the parameters must share one dtype, got ${t.dtype} and ${dtype}`);
      const dd = identity(diag, { name: 'scale_diag' });
      return [l, dd, add(l, multiply(zerosLike(dd), toTensor(0, dtype))), scope, g] as const;
    });
    super({ dtype: loc.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.loc = loc;
    this.scaleDiag = d;
    this.locB = locB;
  }

  get batchShape(): PartialShape {
    const s = broadcastStaticShape(this.loc.shape, this.scaleDiag.shape);
    return s === null ? null : s.slice(0, -1);
  }
  protected batchShapeTensorImpl(): Tensor {
    const full = broadcastDynamicShape(shapeOf(this.loc, { outType: 'int32' }), shapeOf(this.scaleDiag, { outType: 'int32' }));
    return slice(full, [0], [this.locB.shape!.length - 1]);
  }
  override get eventShape(): PartialShape {
    const s = broadcastStaticShape(this.loc.shape, this.scaleDiag.shape);
    return s === null ? null : s.slice(-1);
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const s = this.locB.shape;
    const shape = s !== null && isFullyDefined(s) ? [n, ...(s as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), shapeOf(this.locB, { outType: 'int32' })], 0);
    return add(this.loc, multiply(this.scaleDiag, randomNormal(shape, { dtype: this.dtype, seed })));
  }
  private c(v: number): Tensor {
    return toTensor(v, this.dtype);
  }
  private k(): Tensor {
    const e = this.eventShape;
    return e !== null && e[0] !== null ? this.c(e[0]!) : slice(shapeOf(this.locB, { outType: 'int32' }), [-1], [1]);
  }
  /** Σ log|d| over the event axis, broadcast to the batch. */
  private logDet(): Tensor {
    return reduceSum(log(abs(add(this.scaleDiag, zerosLike(this.locB)))), -1);
  }
  protected override _logProb(x: Tensor): Tensor {
    const z = divide(subtract(x, this.loc), this.scaleDiag);
    return subtract(subtract(multiply(this.c(-0.5), reduceSum(square(z), -1)), multiply(this.k(), this.c(0.5 * Math.log(2 * Math.PI)))), this.logDet());
  }
  protected override _entropy(): Tensor {
    return add(multiply(this.k(), this.c(0.5 * (1 + Math.log(2 * Math.PI)))), this.logDet());
  }
  protected override _mean(): Tensor {
    return identity(this.locB);
  }
  protected override _mode(): Tensor {
    return identity(this.locB);
  }
  protected override _stddev(): Tensor {
    return abs(add(this.scaleDiag, zerosLike(this.locB)));
  }
  protected override _variance(): Tensor {
    return square(add(this.scaleDiag, zerosLike(this.locB)));
  }
  protected override _covariance(): Tensor {
    return matrixDiag(this._variance());
  }
}

registerKL(MultivariateNormalDiag, MultivariateNormalDiag, (da, db, name) => {
  const a = da as MultivariateNormalDiag;
  const b = db as MultivariateNormalDiag;
  return a.graph.nameScope(name ?? 'kl_mvn', () => {
    const c = (v: number) => toTensor(v, a.dtype);
    const ratio = reduceSum(square(divide(a.scaleDiag, b.scaleDiag)), -1);
    const maha = reduceSum(square(divide(subtract(b.loc, a.loc), b.scaleDiag)), -1);
    const k = reduceSum(onesLike(add(a.loc, b.loc)), -1);
    const ld = subtract(reduceSum(log(abs(b.scaleDiag)), -1), reduceSum(log(abs(a.scaleDiag)), -1));
    return multiply(c(0.5), add(subtract(add(ratio, maha), k), multiply(c(2), ld)));
  });
});
