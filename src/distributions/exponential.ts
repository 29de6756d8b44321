/**
 * `tf.distributions.Exponential(rate, validate_args=False, allow_nan_stats=True,
 * name='Exponential')` (TF 1.15's exponential.py): a Gamma with concentration 1, so log_prob,
 * cdf, entropy, mean, variance and mode (NaN, as Gamma's for concentration ≤ 1) are Gamma's;
 * samples are −log(u)/rate with u uniform on (tiny, 1).
 */
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from '../ops/convert.js';
import { toTensor } from '../ops/convert.js';
import { concat, divide, log, negative, randomUniform } from '../ops/index.js';
import { isFullyDefined } from '../shape.js';
import { ctorArgs } from './distribution.js';
import { Gamma } from './gamma.js';

type Opts = { validateArgs?: boolean; allowNanStats?: boolean; name?: string };

export class Exponential extends Gamma {
  constructor(rate: TensorLike, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(rate: TensorLike, opts?: Opts);
  constructor(opts: Opts & { rate: TensorLike });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['rate'], 'Exponential');
    if (a.rate === undefined || a.rate === null) throw new TypeError("Exponential() missing required argument: 'rate'");
    super(1, a.rate as TensorLike, { validateArgs: a.validateArgs as boolean | undefined, allowNanStats: a.allowNanStats as boolean | undefined, name: (a.name as string | undefined) ?? 'Exponential' });
    (this.parameters as Record<string, unknown>).rate = a.rate;
    delete (this.parameters as Record<string, unknown>).concentration;
  }

  protected override sampleN(n: number, seed: number | undefined): Tensor {
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const tiny = this.dtype === 'float64' ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
    const u = randomUniform(shape, { minval: tiny, maxval: 1, dtype: this.dtype, seed });
    return divide(negative(log(u)), this.rate);
  }
}
