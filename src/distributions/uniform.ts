/**
 * `tf.distributions.Uniform(low=0., high=1., validate_args=False, allow_nan_stats=True,
 * name='Uniform')` (TF 1.15's uniform.py): samples `low + (high - low)·U[0, 1)` (fully
 * reparameterized), prob = 1/(high - low) on [low, high) and 0 outside (NaN stays NaN), the cdf
 * clipped to [0, 1], entropy log(high - low), mean (low + high)/2, variance (high - low)²/12.
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertLess, broadcastDynamicShape, broadcastStaticShape, concat, divide, greaterEqual, isNan, less, log, logicalOr, multiply, ones, onesLike,
  randomUniform, shape as shapeOf, sqrt, square, subtract, where, zeros, zerosLike,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs } from './distribution.js';
import { commonDtype, param } from './params.js';

export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;

  constructor(low?: TensorLike, high?: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(low: TensorLike, high: TensorLike, opts: { validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { low?: TensorLike; high?: TensorLike; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['low', 'high'], 'Uniform');
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const lowIn = (a.low as TensorLike | undefined) ?? 0;
    const highIn = (a.high as TensorLike | undefined) ?? 1;
    const parameters = { low: lowIn, high: highIn, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'Uniform' };
    const [low, high, scope, g] = Uniform.scoped(a.name as string | undefined, 'Uniform', [lowIn, highIn], (scope, g) => {
      const dtype = commonDtype([lowIn, highIn]);
      const lo = toTensor(lowIn, dtype);
      const hi = toTensor(highIn, dtype);
      const deps = validateArgs ? [assertLess(lo, hi, { message: 'uniform not defined when low >= high.' })] : [];
      return g.controlDependencies(deps, () => [param(lo, dtype, 'low'), param(hi, dtype, 'high'), scope, g] as const);
    });
    super({ dtype: low.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope, graph: g });
    this.low = low;
    this.high = high;
  }

  /** `range()`: high - low. */
  range(name = 'range'): Tensor {
    return this.inScope(name, () => subtract(this.high, this.low));
  }
  private rng(): Tensor {
    return subtract(this.high, this.low);
  }

  get batchShape(): PartialShape {
    return broadcastStaticShape(this.low.shape, this.high.shape);
  }
  protected batchShapeTensorImpl(): Tensor {
    return broadcastDynamicShape(shapeOf(this.low, { outType: 'int32' }), shapeOf(this.high, { outType: 'int32' }));
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const samples = randomUniform(shape, { dtype: this.dtype, seed });
    return add(this.low, multiply(this.rng(), samples));
  }

  protected override _prob(x: Tensor): Tensor {
    const bx = multiply(x, ones(this.batchShapeTensor(), this.dtype));
    return where(isNan(bx), bx, where(logicalOr(less(bx, this.low), greaterEqual(bx, this.high)), zerosLike(bx), divide(onesLike(bx), this.rng())));
  }
  protected override _cdf(x: Tensor): Tensor {
    const shape = broadcastDynamicShape(shapeOf(x, { outType: 'int32' }), this.batchShapeTensor());
    const z = zeros(shape, this.dtype);
    const o = ones(shape, this.dtype);
    const bx = multiply(x, o);
    const notBig = where(less(bx, multiply(this.low, o)), z, divide(subtract(bx, this.low), this.rng()));
    return where(greaterEqual(bx, multiply(this.high, o)), o, notBig);
  }
  protected override _entropy(): Tensor {
    return log(this.rng());
  }
  protected override _mean(): Tensor {
    return divide(add(this.low, this.high), toTensor(2, this.dtype));
  }
  protected override _variance(): Tensor {
    return divide(square(this.rng()), toTensor(12, this.dtype));
  }
  protected override _stddev(): Tensor {
    return divide(this.rng(), sqrt(toTensor(12, this.dtype)));
  }
}
