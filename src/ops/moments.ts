/**
 * TF1's moments helpers and batch norms (python/ops/nn_impl.py): tf.nn.sufficientStatistics,
 * normalizeMoments, weightedMoments, batchNormWithGlobalNormalization (batch_normalization
 * underneath, as in TF 1.15), computeAverageLoss and scaleRegularizationLoss (one replica), and
 * tf.nn.fusedBatchNorm — TF's FusedBatchNormV3 op (y, batch_mean, batch_variance — the latter
 * Bessel-corrected in training, as TF's kernel returns it for the moving averages — and the
 * reserve spaces), with FusedBatchNormGradV3 for its gradient; both lower to elementwise and
 * reduction primitives on every device.
 */
import { deprecatedAlias, tf1Function } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type Dim, type PartialShape, cShape } from '../shape.js';
import { gather, shape as shapeOf, shapeFnError, squeeze, zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { add, cast, multiply, realDiv, reciprocal, reduceProd, reduceSum, square, squaredDifference, subtract } from './math.js';
import { batchNormalization } from './normalization.js';
import { defineOp, makeOp, registerGradient, registerNoGradient } from './registry.js';

function axesOf(v: unknown, where: string): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a))) throw new TypeError(`${where}: axes must be an integer or an array of integers, got ${JSON.stringify(v)}`);
  return [...new Set(list as number[])];
}

/**
 * `tf.nn.sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None)`
 * → `[count, mean_ss, var_ss, shift]`: the element count over `axes` (in x's dtype), Σ(x − shift)
 * and Σ(x − shift)² (shift null: Σx and Σx²), and the shift (null when none).
 */
export const sufficientStatistics = tf1Function(
  'sufficientStatistics',
  ['x', 'axes', 'shift', 'keepDims', 'name', 'keepdims'],
  (x: TensorLike, axes: number | number[], shift?: TensorLike | null, keepDims?: boolean | null, name?: string | null, keepdims?: boolean | null): [Tensor, Tensor, Tensor, Tensor | null] => {
    const ax = axesOf(axes, 'nn.sufficientStatistics');
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    const t = toTensor(x);
    return t.graph.nameScope(name ?? 'sufficient_statistics', () => {
      const s = t.shape;
      let counts: Tensor;
      if (s !== null && ax.every((d) => s[d < 0 ? d + s.length : d] !== null && s[d < 0 ? d + s.length : d] !== undefined)) {
        counts = toTensor(ax.reduce((p, d) => p * (s[d < 0 ? d + s.length : d] as number), 1), t.dtype);
      } else {
        const dims = gather(cast(shapeOf(t), t.dtype), toTensor(ax, 'int32'));
        counts = reduceProd(dims, null, false, 'count');
      }
      let sh: Tensor | null = null;
      let mss: Tensor;
      let vss: Tensor;
      if (shift !== undefined && shift !== null) {
        sh = toTensor(shift, t.dtype);
        mss = subtract(t, sh);
        vss = squaredDifference(t, sh);
      } else {
        mss = t;
        vss = square(t);
      }
      return [counts, reduceSum(mss, ax, kd, 'mean_ss'), reduceSum(vss, ax, kd, 'var_ss'), sh];
    });
  },
  2,
);

/**
 * `tf.nn.normalize_moments(counts, mean_ss, variance_ss, shift, name=None)` → `[mean, variance]`
 * from sufficient statistics.
 */
export const normalizeMoments = tf1Function(
  'normalizeMoments',
  ['counts', 'meanSs', 'varianceSs', 'shift', 'name'],
  (counts: TensorLike, meanSs: TensorLike, varianceSs: TensorLike, shift: TensorLike | null, name?: string | null): [Tensor, Tensor] => {
    const m = toTensor(meanSs);
    return m.graph.nameScope(name ?? 'normalize', () => {
      const divisor = reciprocal(toTensor(counts, m.dtype), 'divisor');
      let shiftedMean: Tensor;
      let mean: Tensor;
      if (shift !== undefined && shift !== null) {
        shiftedMean = multiply(m, divisor, 'shifted_mean');
        mean = add(shiftedMean, toTensor(shift, m.dtype), 'mean');
      } else {
        shiftedMean = multiply(m, divisor, 'mean');
        mean = shiftedMean;
      }
      const variance = subtract(multiply(toTensor(varianceSs, m.dtype), divisor), square(shiftedMean), 'variance');
      return [mean, variance];
    });
  },
  4,
);

/**
 * `tf.nn.weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None)`
 * → `[weighted_mean, weighted_variance]`, the weights broadcast against x (float16 computed in
 * float32).
 */
export const weightedMoments = tf1Function(
  'weightedMoments',
  ['x', 'axes', 'frequencyWeights', 'name', 'keepDims', 'keepdims'],
  (x: TensorLike, axes: number | number[], frequencyWeights: TensorLike, name?: string | null, keepDims?: boolean | null, keepdims?: boolean | null): [Tensor, Tensor] => {
    const ax = axesOf(axes, 'nn.weightedMoments');
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    let t = toTensor(x);
    return t.graph.nameScope(name ?? 'weighted_moments', () => {
      let w = toTensor(frequencyWeights, t.dtype === 'float16' ? 'float32' : t.dtype);
      const needsCast = t.dtype === 'float16';
      if (needsCast) t = cast(t, 'float32');
      if (w.dtype !== t.dtype) w = cast(w, t.dtype);
      const weightedInputSum = reduceSum(multiply(w, t), ax, true, 'weighted_input_sum');
      const broadcastedWeights = add(w, zerosLike(t));
      const sumOfWeights = reduceSum(broadcastedWeights, ax, true, 'sum_of_weights');
      const divisor = reciprocal(sumOfWeights, 'inv_weight_sum');
      let mean = multiply(weightedInputSum, divisor);
      const distsq = reduceSum(multiply(w, squaredDifference(t, mean)), ax, true, 'weighted_distsq');
      let variance = multiply(distsq, divisor);
      if (!kd) {
        mean = squeeze(mean, ax);
        variance = squeeze(variance, ax);
      }
      if (needsCast) {
        mean = cast(mean, 'float16');
        variance = cast(variance, 'float16');
      }
      return [mean, variance];
    });
  },
  3,
);

/**
 * `tf.nn.batch_norm_with_global_normalization(t, m, v, beta, gamma, variance_epsilon,
 * scale_after_normalization, name=None, input=None, mean=None, variance=None)`: batch
 * normalization with gamma applied only when `scale_after_normalization`.
 */
export const batchNormWithGlobalNormalization = tf1Function(
  'batchNormWithGlobalNormalization',
  ['t', 'm', 'v', 'beta', 'gamma', 'varianceEpsilon', 'scaleAfterNormalization', 'name', 'input', 'mean', 'variance'],
  (
    t?: TensorLike | null, m?: TensorLike | null, v?: TensorLike | null, beta?: TensorLike | null, gamma?: TensorLike | null,
    varianceEpsilon?: number | null, scaleAfterNormalization?: boolean | null, name?: string | null,
    input?: TensorLike | null, mean?: TensorLike | null, variance?: TensorLike | null,
  ): Tensor => {
    const x = deprecatedAlias('input', input, 't', t);
    const mu = deprecatedAlias('mean', mean, 'm', m);
    const va = deprecatedAlias('variance', variance, 'v', v);
    if (x === undefined || mu === undefined || va === undefined) throw new TypeError('batchNormWithGlobalNormalization() needs t (input), m (mean) and v (variance)');
    return batchNormalization(x, mu, va, beta ?? null, scaleAfterNormalization ? (gamma ?? null) : null, varianceEpsilon as number, name ?? undefined);
  },
);

// ----- FusedBatchNormV3 -------------------------------------------------------------------------------
interface FbnAttrs {
  [k: string]: unknown;
  epsilon: number;
  dataFormat: string;
  isTraining: boolean;
}

const FBN_T = ['float16', 'bfloat16', 'float32'];

function fbnInfer(type: string, ins: readonly Tensor[], a: FbnAttrs, name: string, nChannelInputs: number[]): PartialShape {
  const x = ins[type === 'FusedBatchNormV3' ? 0 : 1]!;
  const shapes = ins.map((t) => t.shape);
  if (!FBN_T.includes(x.dtype)) throw new TypeError(`Value passed to parameter 'x' has DataType ${x.dtype} not in list of allowed values: ${FBN_T.join(', ')}`);
  if (x.shape !== null && x.shape.length !== 4) throw shapeFnError(`Shape must be rank 4 but is rank ${x.shape.length}`, name, type, shapes);
  const cAxis = a.dataFormat === 'NCHW' ? 1 : 3;
  let c: Dim = x.shape?.[cAxis] ?? null;
  for (const i of nChannelInputs) {
    const t = ins[i]!;
    if (t.shape === null) continue;
    if (t.shape.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${t.shape.length}`, name, type, shapes);
    const d = t.shape[0]!;
    if (c !== null && d !== null && c !== d) throw shapeFnError(`Dimensions must be equal, but are ${c} and ${d}`, name, type, shapes);
    c = c ?? d;
  }
  return [c];
}

/** Channel statistics of x [N,H,W,C] → [C]: the sum over N·H·W divided by their count. */
function channelMean(b: Lower, v: Val, m: number): Val {
  return b.binary('div', b.reduce('sum', v, [0, 1, 2], false), b.scalar(m, v.dtype));
}

function nhwcOnly(b: Lower, a: FbnAttrs): void {
  if (a.dataFormat !== 'NHWC') throw new InvalidArgumentError(`The CPU implementation of FusedBatchNorm only supports NHWC tensor format for now.`, b.opName);
}

function checkChannels(b: Lower, x: Val, vs: [Val, string][]): number {
  const c = x.shape[3]!;
  for (const [v, what] of vs) {
    if (v.shape.length !== 1 || v.shape[0] !== c) {
      throw new InvalidArgumentError(`${what} must have the same number of elements as the channels of x, got ${v.shape.length === 1 ? v.shape[0] : cShape([...v.shape])} and ${c}`, b.opName);
    }
  }
  return c;
}

defineOp<FbnAttrs>({
  type: 'FusedBatchNormV3',
  infer: (ins, a, name) => {
    const [x, scale, offset, mean, variance] = ins as Tensor[];
    for (const [t, what] of [[scale!, 'scale'], [offset!, 'offset'], [mean!, 'mean'], [variance!, 'variance']] as const) {
      if (t.dtype !== 'float32') throw new TypeError(`Value passed to parameter '${what}' has DataType ${t.dtype} not in list of allowed values: float32`);
    }
    const c = fbnInfer('FusedBatchNormV3', ins, a, name, a.isTraining ? [1, 2] : [1, 2, 3, 4]);
    const u: DType = 'float32';
    return [
      { dtype: x!.dtype, shape: x!.shape }, { dtype: u, shape: c }, { dtype: u, shape: c },
      { dtype: u, shape: c }, { dtype: u, shape: c }, { dtype: u, shape: null },
    ];
  },
  lower: (b, [x0, scale, offset, mean0, var0], a) => {
    nhwcOnly(b, a);
    const x = x0!.dtype === 'float32' ? x0! : b.cast(x0!, 'float32');
    const [n, h, w] = x.shape as [number, number, number, number];
    const m = n * h * w;
    let mean: Val;
    let variance: Val;
    if (a.isTraining) {
      checkChannels(b, x, [[scale!, 'scale'], [offset!, 'offset']]);
      mean = channelMean(b, x, m);
      const d = b.binary('sub', x, mean);
      variance = channelMean(b, b.binary('mul', d, d), m);
    } else {
      checkChannels(b, x, [[scale!, 'scale'], [offset!, 'offset'], [mean0!, 'When is_training=false, mean'], [var0!, 'When is_training=false, variance']]);
      mean = mean0!;
      variance = var0!;
    }
    const inv = b.unary('rsqrt', b.binary('add', variance, b.scalar(a.epsilon, 'float32')));
    const k = b.binary('mul', inv, scale!);
    let y = b.binary('add', b.binary('mul', b.binary('sub', x, mean), k), offset!);
    if (x0!.dtype !== 'float32') y = b.cast(y, x0!.dtype);
    // The variance TF returns in training is the unbiased one (n / (n − 1)), for the moving averages.
    const batchVar = a.isTraining && m > 1 ? b.binary('mul', variance, b.scalar(m / (m - 1), 'float32')) : variance;
    return [y, mean, batchVar, mean, variance, b.fill([0], 0, 'float32')];
  },
});

defineOp<FbnAttrs>({
  type: 'FusedBatchNormGradV3',
  infer: (ins, a, name) => {
    const [dy, x] = ins as Tensor[];
    const c = fbnInfer('FusedBatchNormGradV3', ins, a, name, [2, 3, 4]);
    return [
      { dtype: x!.dtype, shape: x!.shape ?? dy!.shape }, { dtype: 'float32', shape: c }, { dtype: 'float32', shape: c },
      { dtype: 'float32', shape: [0] }, { dtype: 'float32', shape: [0] },
    ];
  },
  lower: (b, [dy0, x0, scale, mean, variance], a) => {
    nhwcOnly(b, a);
    const f32 = (v: Val): Val => (v.dtype === 'float32' ? v : b.cast(v, 'float32'));
    const dy = f32(dy0!);
    const x = f32(x0!);
    checkChannels(b, x, [[scale!, 'scale'], [mean!, 'reserve_space_1'], [variance!, 'reserve_space_2']]);
    const [n, h, w] = x.shape as [number, number, number, number];
    const m = n * h * w;
    const inv = b.unary('rsqrt', b.binary('add', variance!, b.scalar(a.epsilon, 'float32')));
    const xhat = b.binary('mul', b.binary('sub', x, mean!), inv);
    const dOffset = b.reduce('sum', dy, [0, 1, 2], false);
    const dScale = b.reduce('sum', b.binary('mul', dy, xhat), [0, 1, 2], false);
    const k = b.binary('mul', scale!, inv);
    let dx: Val;
    if (a.isTraining) {
      // scale·inv·(dy − mean(dy) − x̂·mean(dy·x̂))
      const meanDy = b.binary('div', dOffset, b.scalar(m, 'float32'));
      const meanDyXhat = b.binary('div', dScale, b.scalar(m, 'float32'));
      dx = b.binary('mul', b.binary('sub', b.binary('sub', dy, meanDy), b.binary('mul', xhat, meanDyXhat)), k);
    } else {
      dx = b.binary('mul', dy, k);
    }
    if (x0!.dtype !== 'float32') dx = b.cast(dx, x0!.dtype);
    const empty = b.fill([0], 0, 'float32');
    return [dx, dScale, dOffset, empty, empty];
  },
});
// TF's _FusedBatchNormV3Grad: only y's gradient flows back; mean and variance inputs get none.
registerGradient('FusedBatchNormV3', (op, grads) => {
  const dy = grads[0];
  if (!dy) return [null, null, null, null, null];
  const [x, scale] = op.inputs as Tensor[];
  const a = op.attrs as FbnAttrs;
  const rs1 = a.isTraining ? op.outputs[3]! : op.inputs[3]!;
  const rs2 = a.isTraining ? op.outputs[4]! : op.inputs[4]!;
  const g = makeOp(dy.graph, 'FusedBatchNormGradV3', [dy, x!, scale!, rs1, rs2, op.outputs[5]!], { ...a }, undefined, 'FusedBatchNormGradV3');
  return [g.outputs[0]!, g.outputs[1]!, g.outputs[2]!, null, null];
});

/**
 * `tf.nn.fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
 * data_format='NHWC', is_training=True, name=None)` → `[y, batch_mean, batch_variance]` (TF's
 * FusedBatchNormV3; epsilon at least 1.001e-5 as TF sets it). In training the mean and variance
 * are the batch's (the variance returned Bessel-corrected); otherwise the given ones normalize.
 */
export const fusedBatchNorm = tf1Function(
  'fusedBatchNorm',
  ['x', 'scale', 'offset', 'mean', 'variance', 'epsilon', 'dataFormat', 'isTraining', 'name'],
  (
    x: TensorLike, scale: TensorLike, offset: TensorLike, mean?: TensorLike | null, variance?: TensorLike | null,
    epsilon?: number | null, dataFormat?: string | null, isTraining?: boolean | null, name?: string | null,
  ): [Tensor, Tensor, Tensor] => {
    const t = toTensor(x);
    const s = toTensor(scale);
    const o = toTensor(offset);
    const training = isTraining ?? true;
    if (training && ((mean !== undefined && mean !== null) || (variance !== undefined && variance !== null))) {
      throw new ValueError("Both 'mean' and 'variance' must be None if is_training is True.");
    }
    const empty = (): Tensor => toTensor(new Float32Array(0) as unknown as TensorLike, 'float32');
    const mu = mean === undefined || mean === null ? empty() : toTensor(mean);
    const va = variance === undefined || variance === null ? empty() : toTensor(variance);
    const eps = Math.max(epsilon ?? 0.001, 1.001e-5);
    const df = dataFormat ?? 'NHWC';
    if (df !== 'NHWC' && df !== 'NCHW') throw new ValueError(`Value for attr 'data_format' of "${df}" is not in the list of allowed values: "NHWC", "NCHW"`);
    const op = makeOp(t.graph, 'FusedBatchNormV3', [t, s, o, mu, va], { epsilon: eps, dataFormat: df, isTraining: training }, name ?? undefined, 'FusedBatchNormV3');
    return [op.outputs[0]!, op.outputs[1]!, op.outputs[2]!];
  },
  3,
);

// ----- losses under a distribution strategy (one replica here) --------------------------------------
/**
 * `tf.nn.compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None)`:
 * Σ loss (weighted) / global batch size — the first dimension of the loss times the replicas in
 * sync (one: tsflow runs no distribution strategy).
 */
export const computeAverageLoss = tf1Function(
  'computeAverageLoss',
  ['perExampleLoss', 'sampleWeight', 'globalBatchSize'],
  (perExampleLoss: TensorLike, sampleWeight?: TensorLike | null, globalBatchSize?: number | TensorLike | null): Tensor => {
    let loss = toTensor(perExampleLoss);
    const dt = loss.dtype;
    if (loss.shape !== null && loss.shape.length === 0) {
      throw new ValueError(`Invalid value passed for \`per_example_loss\`. Expected a tensor with at least rank 1, received: ${loss.name}`);
    }
    if (sampleWeight !== undefined && sampleWeight !== null) loss = multiply(loss, cast(toTensor(sampleWeight), dt));
    loss = cast(loss, dt);
    let gbs: Tensor;
    if (globalBatchSize === undefined || globalBatchSize === null) {
      gbs = cast(gather(shapeOf(loss), toTensor(0, 'int32')), dt);
    } else {
      gbs = toTensor(globalBatchSize as TensorLike, typeof globalBatchSize === 'number' ? dt : undefined);
    }
    return realDiv(reduceSum(loss), cast(gbs, dt));
  },
  1,
);

/** `tf.nn.scale_regularization_loss(regularization_loss)`: Σ loss / the replicas in sync (one). */
export const scaleRegularizationLoss = tf1Function('scaleRegularizationLoss', ['regularizationLoss'], (regularizationLoss: TensorLike): Tensor => {
  const l = toTensor(regularizationLoss);
  return realDiv(reduceSum(l), toTensor(1, l.dtype));
}, 1);

// Second-order gradients of batch norm are not built (TF has _FusedBatchNormGradGrad).
registerNoGradient('FusedBatchNormGradV3');
