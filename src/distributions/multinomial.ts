/**
 * `tf.distributions.Multinomial(total_count, logits=None, probs=None, validate_args=False,
 * allow_nan_stats=True, name='Multinomial')` (TF 1.15's multinomial.py): counts of
 * `total_count` draws over the last axis's classes; log_prob = Σ counts·log_softmax(logits) +
 * log_combinations(total_count, counts), mean n·p, variance n·p·(1 - p), covariance with
 * -n·pᵢ·pⱼ off the diagonal. Sampling needs `total_count` known when the graph is built (a
 * number or a constant scalar): the draws are one tf.multinomial of n·total_count per batch row.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertEqual, cast, expandDims, lgamma, linalg, matmul, multinomial, multiply, negative, nn, oneHot, onesLike, reduceSum, reshape,
  shape as shapeOf, slice, subtract, transpose,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, NOT_REPARAMETERIZED, ctorArgs } from './distribution.js';
import { getLogitsAndProbs } from './params.js';

export class Multinomial extends Distribution {
  readonly totalCount: Tensor;
  readonly logits: Tensor;
  readonly probs: Tensor;
  private readonly meanVal: Tensor;

  constructor(totalCount: TensorLike, logits?: TensorLike | null, probs?: TensorLike | null, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(totalCount: TensorLike, opts: { logits?: TensorLike | null; probs?: TensorLike | null; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { totalCount: TensorLike; logits?: TensorLike | null; probs?: TensorLike | null; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['totalCount', 'logits', 'probs'], 'Multinomial');
    if (a.totalCount === undefined) throw new TypeError("Multinomial() missing required argument: 'total_count'");
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const parameters = { total_count: a.totalCount, logits: a.logits ?? null, probs: a.probs ?? null, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'Multinomial' };
    const built = Multinomial.scoped(a.name as string | undefined, 'Multinomial', [a.totalCount, a.logits, a.probs], (scope, g) => {
      const [l, p] = getLogitsAndProbs(a.logits as TensorLike, a.probs as TensorLike, true, validateArgs);
      const n = toTensor(a.totalCount as TensorLike, p.dtype, 'total_count');
      if (n.dtype !== p.dtype) throw new TypeError(`total_count must have the dtype of the probabilities (${p.dtype}), got ${n.dtype}`);
      return { l, p, n, mean: multiply(expandDims(n, -1), p), scope, g };
    });
    super({ dtype: built.p.dtype, reparameterizationType: NOT_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope: built.scope, graph: built.g });
    this.totalCount = built.n;
    this.logits = built.l;
    this.probs = built.p;
    this.meanVal = built.mean;
  }

  get batchShape(): PartialShape {
    return this.meanVal.shape === null ? null : this.meanVal.shape.slice(0, -1);
  }
  protected batchShapeTensorImpl(): Tensor {
    return slice(shapeOf(this.meanVal, { outType: 'int32' }), [0], [this.meanVal.shape!.length - 1]);
  }
  override get eventShape(): PartialShape {
    return this.meanVal.shape === null ? null : this.meanVal.shape.slice(-1);
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const tc = this.totalCount.op.type === 'Const' || this.totalCount.op.type === 'Identity' ? constScalar(this.totalCount) : null;
    if (tc === null) throw new ValueError('Multinomial.sample: total_count must be known when the graph is built (a number or a constant scalar)');
    const k = this.eventShape?.[0];
    const batch = this.batchShape;
    if (k === null || k === undefined || batch === null || !isFullyDefined(batch)) throw new ValueError('Multinomial.sample: the batch and event shapes must be known when the graph is built');
    const rows = (batch as number[]).reduce((p, q) => p * q, 1);
    const logits = reshape(multiply(this.logits, onesLike(this.meanVal)), [rows, k]);
    const draws = multinomial(logits, n * tc, { seed }); // [rows, n·N]
    const counts = reduceSum(oneHot(reshape(draws, [rows, n, tc]), k, { dtype: this.dtype }), 2); // [rows, n, k]
    return reshape(transpose(counts, [1, 0, 2]), [n, ...(batch as number[]), k]);
  }

  private validSample(counts: Tensor): Tensor {
    if (!this.validateArgs) return counts;
    const ok = assertEqual(this.totalCount, reduceSum(counts, -1), { message: 'counts must sum to `self.total_count`' });
    return this.graph.controlDependencies([ok], () => counts);
  }

  protected override _logProb(countsIn: Tensor): Tensor {
    const counts = this.validSample(countsIn);
    const unnormalized = reduceSum(multiply(counts, nn.logSoftmax(this.logits)), -1);
    // log_combinations(n, counts) = lgamma(n + 1) - Σ lgamma(counts + 1)
    const one = toTensor(1, this.dtype);
    const logCombinations = subtract(lgamma(add(this.totalCount, one)), reduceSum(lgamma(add(counts, one)), -1));
    return add(unnormalized, logCombinations);
  }
  protected override _mean(): Tensor {
    return add(this.meanVal, toTensor(0, this.dtype));
  }
  protected override _variance(): Tensor {
    const p = multiply(this.probs, expandDims(onesLike(this.totalCount), -1));
    return subtract(this.meanVal, multiply(this.meanVal, p));
  }
  protected override _covariance(): Tensor {
    const p = multiply(this.probs, expandDims(onesLike(this.totalCount), -1));
    return linalg.setDiag(negative(matmul(expandDims(this.meanVal, -1), expandDims(p, -2))), this._variance());
  }
}

/** The value of a constant scalar (through an Identity), else null. */
function constScalar(t: Tensor): number | null {
  let op = t.op;
  while (op.type === 'Identity') op = op.inputs[0]!.op;
  if (op.type !== 'Const') return null;
  const v = op.attrs.value as NDArray;
  if (v.size !== 1) return null;
  const x = Number(v.data[0]);
  if (!Number.isInteger(x) || x < 0) throw new ValueError(`Multinomial.sample: total_count must be a non-negative integer, got ${x}`);
  return x;
}

