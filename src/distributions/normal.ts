/**
 * `tf.distributions.Normal(loc, scale, validate_args=False, allow_nan_stats=True,
 * name='Normal')` (TF 1.15's python/ops/distributions/normal.py): fully reparameterized samples
 * `loc + scale·N(0, 1)`, log_prob = -½z² - ½log(2π) - log(scale) with z = (x - loc)/scale,
 * cdf = Φ(z), log_cdf = log Φ(z) (special_math's tails), entropy ½log(2πe) + log(scale), and
 * KL(N_a || N_b) = (μa - μb)²/(2σb²) + ½(σa²/σb² - 1 - log(σa²/σb²)).
 */
import type { DType } from '../dtype.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from '../ops/convert.js';
import { toTensor } from '../ops/convert.js';
import {
  add, assertPositive, assertSameFloatDtype, broadcastDynamicShape, broadcastStaticShape, concat, divide, log, multiply, negative,
  onesLike, randomNormal, shape as shapeOf, square, subtract,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { commonDtype, param } from './params.js';
import { logNdtr, ndtr } from './special-math.js';

const c = (v: number, d: DType) => toTensor(v, d);

export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  constructor(loc: TensorLike, scale: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(loc: TensorLike, scale: TensorLike, opts?: { validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { loc: TensorLike; scale: TensorLike; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['loc', 'scale'], 'Normal');
    if (a.loc === undefined || a.scale === undefined) throw new TypeError(`Normal() missing required argument: '${a.loc === undefined ? 'loc' : 'scale'}'`);
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const parameters = { loc: a.loc, scale: a.scale, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'Normal' };
    const [loc, scale, scope, g] = Normal.scoped(a.name as string | undefined, 'Normal', [a.loc, a.scale], (scope, g) => {
      const dtype = commonDtype([a.loc, a.scale]);
      const s0 = toTensor(a.scale as TensorLike, dtype);
      const deps = validateArgs ? [assertPositive(s0)] : [];
      return g.controlDependencies(deps, () => {
        const l = param(a.loc as TensorLike, dtype, 'loc');
        const s = param(s0, dtype, 'scale');
        assertSameFloatDtype([l, s]);
        return [l, s, scope, g] as const;
      });
    });
    super({ dtype: scale.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope, graph: g });
    this.loc = loc;
    this.scale = scale;
  }

  get batchShape(): PartialShape {
    return broadcastStaticShape(this.loc.shape, this.scale.shape);
  }
  protected batchShapeTensorImpl(): Tensor {
    return broadcastDynamicShape(shapeOf(this.loc, { outType: 'int32' }), shapeOf(this.scale, { outType: 'int32' }));
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const sampled = randomNormal(shape, { mean: 0, stddev: 1, dtype: this.loc.dtype, seed });
    return add(multiply(sampled, this.scale), this.loc);
  }

  private z(x: Tensor): Tensor {
    return getDefaultGraph().nameScope('standardize', () => divide(subtract(x, this.loc), this.scale));
  }

  protected override _logProb(x: Tensor): Tensor {
    return subtract(multiply(c(-0.5, this.dtype), square(this.z(x))), add(c(0.5 * Math.log(2 * Math.PI), this.dtype), log(this.scale)));
  }
  protected override _cdf(x: Tensor): Tensor {
    return ndtr(this.z(x));
  }
  protected override _logCdf(x: Tensor): Tensor {
    return logNdtr(this.z(x));
  }
  protected override _survival(x: Tensor): Tensor {
    return ndtr(negative(this.z(x)));
  }
  protected override _logSurvival(x: Tensor): Tensor {
    return logNdtr(negative(this.z(x)));
  }
  protected override _entropy(): Tensor {
    const scale = multiply(this.scale, onesLike(this.loc));
    return add(c(0.5 * Math.log(2 * Math.PI * Math.E), this.dtype), log(scale));
  }
  protected override _mean(): Tensor {
    return multiply(this.loc, onesLike(this.scale));
  }
  protected override _stddev(): Tensor {
    return multiply(this.scale, onesLike(this.loc));
  }
  protected override _variance(): Tensor {
    return square(this._stddev());
  }
  protected override _mode(): Tensor {
    return this._mean();
  }
}

registerKL(Normal, Normal, (na, nb, name) => {
  const a = na as Normal;
  const b = nb as Normal;
  return a.graph.nameScope(name ?? 'kl_normal_normal', () => {
    const d = a.dtype;
    const sa2 = square(a.scale);
    const sb2 = square(b.scale);
    const ratio = divide(sa2, sb2);
    return add(divide(square(subtract(a.loc, b.loc)), multiply(c(2, d), sb2)), multiply(c(0.5, d), subtract(subtract(ratio, c(1, d)), log(ratio))));
  });
});
