/**
 * Sampled losses: `tf.nn.nceLoss` and `tf.nn.sampledSoftmaxLoss`, built from ops as TF1's
 * nn_impl.py builds them (`_compute_sampled_logits`): the true and sampled classes' rows of
 * `weights` and `biases` come from one embedding lookup (so their gradient is one
 * `tf.IndexedSlices`), logits are `inputs·w + b - log(expected count)`, and accidental hits
 * (a sampled class that is one of the row's labels) get -FLT_MAX added.
 *
 * TF finds accidental hits with ComputeAccidentalHits (a list of variable length) scattered by
 * SparseToDense into a [batch, numSampled] mask; here the same mask is computed densely
 * (labels compared with the sampled classes), so every shape stays static. As TF's kernel, a
 * class sampled more than once is masked at its last position only.
 */
import { isOptionsObject } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { concat, expandDims, onesLike, reshape, shape as shapeOf, zerosLike } from './array.js';
import { type SampledValues, logUniformCandidateSampler } from './candidate-sampling.js';
import { constant, stopGradient } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { embeddingLookup } from './embedding.js';
import { add, cast, divide, equal, log, logicalAnd, logicalNot, matmul, multiply, reduceAny, reduceSum, subtract, where } from './math.js';
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogitsV2 } from './nn.js';
import { index } from './strided-slice.js';

const FLT_MAX = 3.4028234663852886e38;

interface SampledArgs {
  weights: TensorLike | readonly TensorLike[];
  biases: TensorLike;
  labels: TensorLike;
  inputs: TensorLike;
  numSampled: number;
  numClasses: number;
  numTrue: number;
  sampledValues: SampledValues | null;
  removeAccidentalHits: boolean;
  partitionStrategy: 'mod' | 'div';
  name: string;
  seed?: number;
}

const NAMES = ['weights', 'biases', 'labels', 'inputs', 'numSampled', 'numClasses', 'numTrue', 'sampledValues', 'removeAccidentalHits', 'partitionStrategy', 'name', 'seed'] as const;

/** TF1's positional order, then an options object; `weights` may itself be a list (of one). */
function parseArgs(args: unknown[], where: string, dflt: { removeAccidentalHits: boolean; name: string; seed: boolean }): SampledArgs {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let opts: Record<string, unknown> = {};
  if (n > 0 && isOptionsObject(args[n - 1])) opts = args[--n] as Record<string, unknown>;
  const names = dflt.seed ? NAMES : NAMES.slice(0, -1);
  if (n > names.length) throw new TypeError(`${where}() takes at most ${names.length} positional arguments but ${n} were given`);
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (args[i] !== undefined) o[names[i]!] = args[i];
  for (const [k, v] of Object.entries(opts)) {
    if (!(names as readonly string[]).includes(k)) throw new TypeError(`${where}() got an unexpected keyword argument '${k}'`);
    if (v === undefined) continue;
    if (k in o) throw new TypeError(`${where}() got multiple values for argument '${k}'`);
    o[k] = v;
  }
  for (const k of names.slice(0, 6)) if (o[k] === undefined || o[k] === null) throw new TypeError(`${where}() missing required argument '${k}'`);
  const int = (k: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${where}(): ${k} must be a positive integer, got ${String(v)}`);
    return v;
  };
  const strategy = (o.partitionStrategy ?? 'mod') as 'mod' | 'div';
  if (strategy !== 'mod' && strategy !== 'div') throw new ValueError(`Unrecognized partition strategy: ${String(strategy)}`);
  const sv = (o.sampledValues ?? null) as SampledValues | null;
  if (sv !== null && !(Array.isArray(sv) && sv.length === 3)) {
    throw new TypeError(`${where}(): sampledValues must be a [sampledCandidates, trueExpectedCount, sampledExpectedCount] triple, as a candidate sampler returns`);
  }
  return {
    weights: o.weights as TensorLike,
    biases: o.biases as TensorLike,
    labels: o.labels as TensorLike,
    inputs: o.inputs as TensorLike,
    numSampled: int('num_sampled', o.numSampled),
    numClasses: int('num_classes', o.numClasses),
    numTrue: int('num_true', o.numTrue ?? 1),
    sampledValues: sv,
    removeAccidentalHits: (o.removeAccidentalHits ?? dflt.removeAccidentalHits) as boolean,
    partitionStrategy: strategy,
    name: (o.name ?? dflt.name) as string,
    ...(o.seed !== undefined && o.seed !== null ? { seed: o.seed as number } : {}),
  };
}

/**
 * `[batch, numSampled]` bool: sampled class j is one of row i's labels, and j is its last
 * position among the sampled classes.
 */
function accidentalHits(labels: Tensor, sampled: Tensor, numSampled: number): Tensor {
  const s = numSampled;
  const inRow = reduceAny(equal(expandDims(labels, 2), reshape(sampled, [1, 1, s])), 1);
  const later = new Uint8Array(s * s);
  for (let j = 0; j < s; j++) for (let k = j + 1; k < s; k++) later[j * s + k] = 1;
  const repeated = reduceAny(logicalAnd(equal(reshape(sampled, [s, 1]), reshape(sampled, [1, s])), constant(new NDArray(later, [s, s], 'bool'))), 1);
  return logicalAnd(inRow, logicalNot(repeated));
}

/** TF's `_compute_sampled_logits`: `[logits, labels]`, each [batch, numTrue + numSampled]. */
function computeSampledLogits(a: SampledArgs, subtractLogQ: boolean): [Tensor, Tensor] {
  const inputs = toTensor(a.inputs);
  return inputs.graph.nameScope('compute_sampled_logits', () => {
    let labels = toTensor(a.labels, 'int64');
    if (labels.dtype !== 'int64') labels = cast(labels, 'int64');
    const labelsFlat = reshape(labels, [-1]);
    const sv = a.sampledValues ?? logUniformCandidateSampler(labels, a.numTrue, a.numSampled, true, a.numClasses, a.seed);
    const [sampledRaw, trueCount, sampledCount] = sv.map((t) => stopGradient(t)) as [Tensor, Tensor, Tensor];
    const sampled = sampledRaw.dtype === 'int64' ? sampledRaw : cast(sampledRaw, 'int64');
    const allIds = concat([labelsFlat, sampled], 0);
    // the true rows first, then the last numSampled rows: static slices whatever the batch
    const s = a.numSampled;
    let allW = embeddingLookup(a.weights as TensorLike, allIds, { partitionStrategy: a.partitionStrategy });
    if (allW.dtype !== inputs.dtype) allW = cast(allW, inputs.dtype);
    const trueW = index(allW, `:-${s}`);
    const sampledW = index(allW, `-${s}:`);
    let sampledLogits = matmul(inputs, sampledW, { transposeB: true });
    let allB = embeddingLookup(a.biases, allIds, { partitionStrategy: a.partitionStrategy });
    if (allB.dtype !== inputs.dtype) allB = cast(allB, inputs.dtype);
    const trueB = index(allB, `:-${s}`);
    const sampledB = index(allB, `-${s}:`);
    const dim = trueW.shape?.[1] ?? index(shapeOf(trueW), 1);
    // row-wise dot products of each input with its numTrue label rows
    const rowWise = reshape(trueW, [-1, a.numTrue, dim] as never);
    const dots = reduceSum(multiply(expandDims(inputs, 1), rowWise), 2);
    let trueLogits = add(reshape(dots, [-1, a.numTrue]), reshape(trueB, [-1, a.numTrue]));
    sampledLogits = add(sampledLogits, sampledB);
    if (a.removeAccidentalHits) {
      const hits = accidentalHits(reshape(labels, [-1, a.numTrue]), sampled, s);
      const zero = constant(0, inputs.dtype);
      sampledLogits = add(sampledLogits, where(hits, constant(-FLT_MAX, inputs.dtype), zero));
    }
    if (subtractLogQ) {
      const q = (t: Tensor): Tensor => log(t.dtype === inputs.dtype ? t : cast(t, inputs.dtype));
      trueLogits = subtract(trueLogits, q(trueCount));
      sampledLogits = subtract(sampledLogits, q(sampledCount));
    }
    const outLogits = concat([trueLogits, sampledLogits], 1);
    const outLabels = concat([divide(onesLike(trueLogits), constant(a.numTrue, inputs.dtype)), zerosLike(sampledLogits)], 1);
    return [outLogits, outLabels];
  });
}


/**
 * `tf.nn.nceLoss(weights, biases, labels, inputs, numSampled, numClasses, numTrue = 1,
 * sampledValues = null, removeAccidentalHits = false, partitionStrategy = 'mod', name =
 * 'nce_loss')`: the noise-contrastive estimation loss per example, [batch]. `weights`
 * [numClasses, dim], `biases` [numClasses], `labels` [batch, numTrue] (int64 or int32),
 * `inputs` [batch, dim]; the sampler is `logUniformCandidateSampler` (unique) unless
 * `sampledValues` gives a sampler's result.
 */
export function nceLoss(...args: unknown[]): Tensor {
  const a = parseArgs(args, 'nce_loss', { removeAccidentalHits: false, name: 'nce_loss', seed: false });
  const inputs = toTensor(a.inputs);
  return inputs.graph.nameScope(a.name, () => {
    const [logits, labels] = computeSampledLogits({ ...a, inputs }, true);
    const losses = sigmoidCrossEntropyWithLogits({ labels, logits, name: 'sampled_losses' });
    return reduceSum(losses, 1);
  });
}

/**
 * `tf.nn.sampledSoftmaxLoss(weights, biases, labels, inputs, numSampled, numClasses, numTrue = 1,
 * sampledValues = null, removeAccidentalHits = true, partitionStrategy = 'mod', name =
 * 'sampled_softmax_loss', seed = null)`: softmax cross-entropy over the true and sampled classes,
 * [batch].
 */
export function sampledSoftmaxLoss(...args: unknown[]): Tensor {
  const a = parseArgs(args, 'sampled_softmax_loss', { removeAccidentalHits: true, name: 'sampled_softmax_loss', seed: true });
  const inputs = toTensor(a.inputs);
  return inputs.graph.nameScope(a.name, () => {
    const [logits, labels] = computeSampledLogits({ ...a, inputs }, true);
    const stopped = stopGradient(labels, 'labels_stop_gradient');
    return softmaxCrossEntropyWithLogitsV2({ labels: stopped, logits });
  });
}
