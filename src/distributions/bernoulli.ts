/**
 * `tf.distributions.Bernoulli(logits=None, probs=None, dtype=tf.int32, validate_args=False,
 * allow_nan_stats=True, name='Bernoulli')` (TF 1.15's bernoulli.py): samples
 * `cast(uniform < probs)`, log_prob = -sigmoid_cross_entropy_with_logits(event, logits),
 * entropy = -logits·(σ(logits) - 1) + softplus(-logits), and the Bernoulli/Bernoulli KL.
 */
import { type DType, parseDType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, cast, concat, greater, identity, less, multiply, negative, nn, onesLike, randomUniform, shape as shapeOf, sigmoid, subtract,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined, shapesEqual } from '../shape.js';
import { Distribution, NOT_REPARAMETERIZED, ctorArgs, registerKL } from './distribution.js';
import { getLogitsAndProbs } from './params.js';

const softplus = nn.softplus;

export class Bernoulli extends Distribution {
  readonly logits: Tensor;
  readonly probs: Tensor;

  constructor(logits?: TensorLike | null, probs?: TensorLike | null, dtype?: DType | string, validateArgs?: boolean, allowNanStats?: boolean, name?: string);
  constructor(logits: TensorLike | null, probs?: TensorLike | null, opts?: { dtype?: DType | string; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(opts: { logits?: TensorLike | null; probs?: TensorLike | null; dtype?: DType | string; validateArgs?: boolean; allowNanStats?: boolean; name?: string });
  constructor(...args: unknown[]) {
    const a = ctorArgs(args, ['logits', 'probs', 'dtype'], 'Bernoulli');
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const dtype = parseDType((a.dtype as string | undefined) ?? 'int32');
    const parameters = { logits: a.logits ?? null, probs: a.probs ?? null, dtype, validate_args: validateArgs, allow_nan_stats: a.allowNanStats ?? true, name: a.name ?? 'Bernoulli' };
    const [logits, probs, scope, g] = Bernoulli.scoped(a.name as string | undefined, 'Bernoulli', [a.logits, a.probs], (scope, g) => {
      const [l, p] = getLogitsAndProbs(a.logits as TensorLike, a.probs as TensorLike, false, validateArgs);
      return [l, p, scope, g] as const;
    });
    super({ dtype, reparameterizationType: NOT_REPARAMETERIZED, validateArgs, allowNanStats: (a.allowNanStats as boolean | undefined) ?? true, parameters, scope, graph: g });
    this.logits = logits;
    this.probs = probs;
  }

  get batchShape(): PartialShape {
    return this.logits.shape;
  }
  protected batchShapeTensorImpl(): Tensor {
    return shapeOf(this.logits, { outType: 'int32' });
  }

  protected sampleN(n: number, seed: number | undefined): Tensor {
    const b = this.batchShape;
    const shape = b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
    const uniform = randomUniform(shape, { seed, dtype: this.probs.dtype });
    return cast(less(uniform, this.probs), this.dtype);
  }

  protected override eventValue(v: TensorLike): Tensor {
    return toTensor(v, this.dtype, 'value');
  }

  protected override _logProb(event: Tensor): Tensor {
    let e = cast(event, this.logits.dtype);
    let logits = this.logits;
    if (!(isFullyDefined(e.shape) && isFullyDefined(logits.shape) && shapesEqual(e.shape as number[], logits.shape as number[]))) {
      [logits, e] = [multiply(onesLike(e), logits), multiply(onesLike(logits), e)];
    }
    return negative(nn.sigmoidCrossEntropyWithLogits({ labels: e, logits }));
  }
  protected override _entropy(): Tensor {
    return add(multiply(negative(this.logits), subtract(sigmoid(this.logits), toTensor(1, this.logits.dtype))), softplus(negative(this.logits)));
  }
  protected override _mean(): Tensor {
    return identity(this.probs);
  }
  protected override _variance(): Tensor {
    const m = this._mean();
    return multiply(m, subtract(toTensor(1, m.dtype), m));
  }
  protected override _mode(): Tensor {
    return cast(greater(this.probs, toTensor(0.5, this.probs.dtype)), this.dtype);
  }
}

registerKL(Bernoulli, Bernoulli, (da, db, name) => {
  const a = da as Bernoulli;
  const b = db as Bernoulli;
  return a.graph.nameScope(name ?? 'kl_bernoulli_bernoulli', () => {
    const deltaProbs0 = subtract(softplus(negative(b.logits)), softplus(negative(a.logits)));
    const deltaProbs1 = subtract(softplus(b.logits), softplus(a.logits));
    return add(multiply(sigmoid(a.logits), deltaProbs0), multiply(sigmoid(negative(a.logits)), deltaProbs1));
  });
});
