/**
 * `tf.distributions.Categorical(logits=None, probs=None, dtype=tf.int32, validate_args=False,
 * allow_nan_stats=True, name='Categorical')` (TF 1.15's categorical.py): the last axis holds
 * the classes; samples by tf.multinomial, log_prob = -sparse_softmax_cross_entropy(k, logits),
 * entropy = -Σ p·log_softmax(logits), mode = argmax, and the Categorical/Categorical KL.
 */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  argmax, cast, concat, expandDims, multinomial, multiply, negative, nn, ones, onesLike, reduceSum, reshape, shape as shapeOf, slice, subtract, transpose,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined, shapesEqual } from '../shape.js';
import { Distribution, NOT_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { getLogitsAndProbs } from './params.js';

const INT_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16'];

export class Categorical extends Distribution {
  readonly logits: Tensor;
  readonly probs: Tensor;
  /** The number of classes: a number when static, else a scalar tensor. */
  readonly eventSize: number | Tensor;

  constructor(logits?: TensorLike | null, probs?: TensorLike | null, dtype?: DType | string, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(logits: TensorLike | null, probs?: TensorLike | null, opts?: { dtype?: DType | string; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { logits?: TensorLike | null; probs?: TensorLike | null; dtype?: DType | string; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['logits', 'probs', 'dtype'], 'Categorical');
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const dtype = parseDType((a.dtype as string | undefined) ?? 'int32');
    if (!INT_DTYPES.includes(dtype) && dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`Categorical: unsupported dtype ${dtype}`);
    const parameters = { logits: a.logits ?? null, probs: a.probs ?? null, dtype, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'Categorical' };
    const [logits, probs, eventSize, scope, g] = Categorical.scoped(a.name as string | undefined, 'Categorical', [a.logits, a.probs], (scope, g) => {
      const [l, p] = getLogitsAndProbs(a.logits as TensorLike, a.probs as TensorLike, true, validateArgs);
      const rank = l.shape?.length;
      if (rank === 0) throw new ValueError('logits must have rank at least 1; got rank 0');
      const last = rank === undefined ? null : l.shape![rank - 1]!;
      const size = last ?? g.nameScope('event_size', () => slice(shapeOf(l, { outType: 'int32' }), [-1], [1]));
      return [l, p, size, scope, g] as const;
    });
    super({ dtype, reparameterizationType: NOT_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope, graph: g });
    this.logits = logits;
    this.probs = probs;
    this.eventSize = eventSize;
  }

  get batchShape(): PartialShape {
    return this.logits.shape === null ? null : this.logits.shape.slice(0, -1);
  }
  protected batchShapeTensorImpl(): Tensor {
    return slice(shapeOf(this.logits, { outType: 'int32' }), [0], [this.logits.shape!.length - 1]);
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const logits2d = this.logits.shape?.length === 2 ? this.logits : reshape(this.logits, typeof this.eventSize === 'number' ? [-1, this.eventSize] : concat([toTensor(Int32Array.of(-1) as never, 'int32'), this.eventSize], 0));
    const sampleDtype: DType = this.dtype === 'int64' || this.dtype === 'float64' ? 'int64' : 'int32';
    const draws = multinomial(logits2d, n, { seed, outputDtype: sampleDtype });
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const out = reshape(transpose(draws), shape);
    return out.dtype === this.dtype ? out : cast(out, this.dtype);
  }

  protected override eventValue(v: TensorLike): Tensor {
    return toTensor(v, this.dtype === 'int64' ? 'int64' : 'int32', 'k');
  }

  protected override _logProb(k: Tensor): Tensor {
    let logits = this.logits;
    let kk = INT_DTYPES.includes(k.dtype) ? k : cast(k, 'int32');
    const batch = logits.shape === null ? null : logits.shape.slice(0, -1);
    if (!(isFullyDefined(logits.shape) && isFullyDefined(kk.shape) && shapesEqual(kk.shape as number[], batch as number[]))) {
      logits = multiply(logits, onesLike(expandDims(kk, -1), { dtype: logits.dtype }));
      const ls = logits.shape!.slice(0, -1);
      const logitsShape = isFullyDefined(ls) ? (ls as number[]) : slice(shapeOf(logits, { outType: 'int32' }), [0], [ls.length]);
      kk = multiply(kk, ones(logitsShape, kk.dtype));
    }
    return negative(nn.sparseSoftmaxCrossEntropyWithLogits({ labels: kk, logits }));
  }
  protected override _entropy(): Tensor {
    return negative(reduceSum(multiply(nn.logSoftmax(this.logits), this.probs), -1));
  }
  protected override _mode(): Tensor {
    return cast(argmax(this.logits, -1), this.dtype);
  }
}

registerKL(Categorical, Categorical, (da, db, name) => {
  const a = da as Categorical;
  const b = db as Categorical;
  return a.graph.nameScope(name ?? 'kl_categorical_categorical', () => {
    const deltaLogProbs1 = subtract(nn.logSoftmax(a.logits), nn.logSoftmax(b.logits));
    return reduceSum(multiply(nn.softmax(a.logits), deltaLogProbs1), -1);
  });
});
