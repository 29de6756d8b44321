/**
 * `tf.contrib.legacySeq2seq`'s losses (tensorflow/contrib/legacy_seq2seq/python/ops/seq2seq.py,
 * TF 1.15): `sequenceLossByExample` and `sequenceLoss` over lists of per-timestep tensors, the
 * form older programs (TF's ptb_word_lm.py before contrib.seq2seq) call.
 */
import { tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { index } from '../ops/strided-slice.js';
import { reshape, shape } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { add, addN, cast, divide, multiply, reduceSum } from '../ops/math.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../ops/nn.js';
import type { SoftmaxLossFunction } from './seq2seq.js';

function listOf(x: unknown, what: string): TensorLike[] {
  if (!Array.isArray(x)) throw new TypeError(`sequence_loss_by_example(): ${what} must be a list of tensors (one per timestep), got ${String(x)}`);
  return x as TensorLike[];
}

function byExampleImpl(
  logitsIn: readonly TensorLike[], targetsIn: readonly TensorLike[], weightsIn: readonly TensorLike[], averageAcrossTimesteps?: boolean | null,
  softmaxLossFunction?: SoftmaxLossFunction | null, name?: string | null,
): Tensor {
  const logitsL = listOf(logitsIn, 'logits');
  const targetsL = listOf(targetsIn, 'targets');
  const weightsL = listOf(weightsIn, 'weights');
  if (targetsL.length !== logitsL.length || weightsL.length !== logitsL.length) {
    throw new ValueError(`Lengths of logits, weights, and targets must be the same ${logitsL.length}, ${weightsL.length}, ${targetsL.length}.`);
  }
  if (logitsL.length === 0) throw new ValueError('sequence_loss_by_example(): logits must hold at least one timestep');
  const logits = logitsL.map((l) => toTensor(l));
  const g = logits[0]!.graph;
  return g.nameScope(name ?? 'sequence_loss_by_example', () => {
    const logPerpList = logits.map((logit, i) => {
      const weight = toTensor(weightsL[i]!, logit.dtype);
      let crossent: Tensor;
      if (!softmaxLossFunction) {
        const target = reshape(toTensor(targetsL[i]!, 'int32'), [-1]);
        crossent = sparseSoftmaxCrossEntropyWithLogits({ labels: target, logits: logit });
      } else {
        crossent = softmaxLossFunction({ labels: toTensor(targetsL[i]!, 'int32'), logits: logit });
      }
      return multiply(crossent, weight, 'mul');
    });
    let logPerps = addN(logPerpList);
    if (averageAcrossTimesteps ?? true) {
      let totalSize = addN(weightsL.map((w) => toTensor(w, logits[0]!.dtype)));
      totalSize = add(totalSize, 1e-12, 'add'); // TF: just to avoid division by 0 for all-0 weights
      logPerps = divide(logPerps, totalSize, 'truediv');
    }
    return logPerps;
  });
}

/**
 * `tf.contrib.legacySeq2seq.sequenceLossByExample(logits, targets, weights,
 * averageAcrossTimesteps = true, softmaxLossFunction?, name?)`: lists (one entry per timestep)
 * of [batch, classes] logits, [batch] int targets and [batch] float weights; the [batch]
 * log-perplexity Σ_t w_t · xent_t, divided by Σ_t w_t + 1e-12 when averaging across timesteps.
 */
export const sequenceLossByExample = tf1Function(
  'sequence_loss_by_example',
  ['logits', 'targets', 'weights', 'averageAcrossTimesteps', 'softmaxLossFunction', 'name'],
  byExampleImpl,
  3,
);

function sequenceLossImpl(
  logits: readonly TensorLike[], targets: readonly TensorLike[], weights: readonly TensorLike[], averageAcrossTimesteps?: boolean | null,
  averageAcrossBatch?: boolean | null, softmaxLossFunction?: SoftmaxLossFunction | null, name?: string | null,
): Tensor {
  const first = toTensor(listOf(logits, 'logits')[0] ?? 0);
  return first.graph.nameScope(name ?? 'sequence_loss', () => {
    const cost = reduceSum(byExampleImpl(logits, targets, weights, averageAcrossTimesteps, softmaxLossFunction));
    if (averageAcrossBatch ?? true) {
      const batchSize = index(shape(toTensor(targets[0]!, 'int32')), 0);
      return divide(cost, cast(batchSize, cost.dtype), 'truediv');
    }
    return cost;
  });
}

/**
 * `tf.contrib.legacySeq2seq.sequenceLoss(logits, targets, weights, averageAcrossTimesteps =
 * true, averageAcrossBatch = true, softmaxLossFunction?, name?)`: the sum over the batch of
 * sequenceLossByExample, divided by the batch size when averaging across the batch.
 */
export const sequenceLoss = tf1Function(
  'sequence_loss',
  ['logits', 'targets', 'weights', 'averageAcrossTimesteps', 'averageAcrossBatch', 'softmaxLossFunction', 'name'],
  sequenceLossImpl,
  3,
);
