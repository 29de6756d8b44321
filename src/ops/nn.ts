/** tf.nn: activations, softmax, cross-entropies, bias, L2 loss, dropout. */
import { isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { type PartialShape, cShape, mergeShapes, pyShape } from '../shape.js';
import { cast, add, greaterEqual, multiply, divide, subtract, where, negative, exp, log1p, matmul } from './math.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { defineUnary, unaryOp } from './elementwise.js';
import { randomUniform } from './random.js';
import { defineOp, makeOp } from './registry.js';
import { dropoutOptions, keepProbArg } from '../schemas.js';
import { parseArg, parseOptions } from '../validate.js';
import { deprecatedAlias, kwargs, tf1Function } from '../args.js';

defineUnary('Relu', 'relu');
defineUnary('Relu6', 'relu6');
defineUnary('Elu', 'elu');
defineUnary('Selu', 'selu');
defineUnary('Softplus', 'softplus');
defineUnary('LeakyRelu', 'leakyRelu');

const activation = (type: string, where: string) =>
  tf1Function(where, ['features', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp(type, x, name), 1);
export const relu = activation('Relu', 'nn.relu');
export const relu6 = activation('Relu6', 'nn.relu6');
export const elu = activation('Elu', 'nn.elu');
export const selu = activation('Selu', 'nn.selu');
export const softplus = activation('Softplus', 'nn.softplus');
/** `tf.nn.leaky_relu(features, alpha = 0.2, name?)`. */
export const leakyRelu = tf1Function('nn.leakyRelu', ['features', 'alpha', 'name'],
  (x: TensorLike, alpha = 0.2, name?: string): Tensor => unaryOp('LeakyRelu', x, name, 'LeakyRelu', { alpha }), 1);
export { sigmoid, tanh } from './math.js';

// ----- softmax ------------------------------------------------------------------------------
for (const [type, log] of [['Softmax', false], ['LogSoftmax', true]] as const) {
  defineOp({
    type,
    infer: ([x], _a, name) => {
      if (x!.shape !== null && x!.shape.length < 1) throw new ValueError(`Shape must be at least rank 1 but is rank 0 for '${name}' (op: '${type}') with input shapes: [].`);
      return [{ dtype: x!.dtype, shape: x!.shape }];
    },
    lower: (b, [x]) => [b.softmax(x!, log)],
  });
}

/** Softmax along `axis` (default the last); other axes are transposed to the end and back. */
function softmaxAlong(type: 'Softmax' | 'LogSoftmax', logits: TensorLike, axis: number, name: string | undefined): Tensor {
  const x = toTensor(logits);
  const r = x.shape?.length;
  if (axis === -1 || (r !== undefined && axis === r - 1)) return makeOp(x.graph, type, [x], {}, name, type).outputs[0]!;
  if (r === undefined) throw new ValueError(`${type} along axis ${axis} needs a known rank`);
  const ax = axis < 0 ? axis + r : axis;
  const perm = [...Array(r).keys()];
  perm[ax] = r - 1;
  perm[r - 1] = ax;
  const t = transposeOp(x, perm);
  const y = makeOp(x.graph, type, [t], {}, undefined, type).outputs[0]!;
  return transposeOp(y, perm, name);
}
let transposeOp: (x: Tensor, perm: number[], name?: string) => Tensor = () => {
  throw new Error('transpose not registered');
};
export function setTranspose(f: (x: Tensor, perm: number[], name?: string) => Tensor): void {
  transposeOp = f;
}

/** `tf.nn.softmax(logits, axis = -1, name?, dim?)` (`dim` is TF1's deprecated alias of `axis`); likewise logSoftmax. */
const softmaxFn = (type: 'Softmax' | 'LogSoftmax', where: string) =>
  tf1Function(where, ['logits', 'axis', 'name', 'dim'], (logits: TensorLike, axis?: number | null, name?: string, dim?: number | null): Tensor =>
    softmaxAlong(type, logits, deprecatedAlias('axis', axis, 'dim', dim) ?? -1, name), 1);
export const softmax = softmaxFn('Softmax', 'nn.softmax');
export const logSoftmax = softmaxFn('LogSoftmax', 'nn.logSoftmax');

// ----- cross-entropies -------------------------------------------------------------------------
defineOp({
  type: 'SoftmaxCrossEntropyWithLogits',
  infer: ([logits, labels], _a, name) => {
    const s = mergeShapes(logits!.shape, labels!.shape);
    if (s === undefined) throw new ValueError(`logits and labels must be broadcastable: logits_size=${cShape(logits!.shape)} labels_size=${cShape(labels!.shape)} for '${name}'`);
    return [
      { dtype: logits!.dtype, shape: s === null ? null : s.slice(0, -1) },
      { dtype: logits!.dtype, shape: s },
    ];
  },
  lower: (b, [logits, labels]) => {
    const ls = b.softmax(logits!, true);
    const loss = b.unary('neg', b.reduce('sum', b.binary('mul', labels!, ls), [logits!.shape.length - 1], false));
    const backprop = b.binary('sub', b.unary('exp', ls), labels!);
    return [loss, backprop];
  },
});

defineOp({
  type: 'SparseSoftmaxCrossEntropyWithLogits',
  infer: ([logits, labels], _a, name) => {
    if (logits!.shape && labels!.shape && labels!.shape.length !== logits!.shape.length - 1) {
      throw new ValueError(`Rank mismatch: Rank of labels (received ${labels!.shape.length}) should equal rank of logits minus 1 (received ${logits!.shape.length}) for '${name}'.`);
    }
    return [
      { dtype: logits!.dtype, shape: labels!.shape },
      { dtype: logits!.dtype, shape: logits!.shape },
    ];
  },
  lower: (b, [logits, labels]) => {
    const r = logits!.shape.length;
    const depth = logits!.shape[r - 1]!;
    if (labels!.shape.length !== r - 1 || labels!.shape.some((d, i) => d !== logits!.shape[i])) {
      throw new ValueError(`logits and labels must have the same first dimension, got logits shape ${cShape([...logits!.shape])} and labels shape ${cShape([...labels!.shape])}`);
    }
    const checked = b.prim('checkLabels', { n: labels!.shape.reduce((a, d) => a * d, 1), depth }, [labels!], [{ dtype: labels!.dtype, shape: [...labels!.shape] }])[0]!;
    const onehot = b.cast(b.binary('equal', b.reshape(checked, [...labels!.shape, 1]), b.range(depth, 0, 1, labels!.dtype)), logits!.dtype);
    const ls = b.softmax(logits!, true);
    const loss = b.unary('neg', b.reduce('sum', b.binary('mul', onehot, ls), [r - 1], false));
    const backprop = b.binary('sub', b.unary('exp', ls), onehot);
    return [loss, backprop];
  },
});

/** TF1 allows these functions only with keyword arguments: one options object. */
function xentArgs(fn: string, args: unknown, names: readonly string[] = ['labels', 'logits', 'name']): { labels: TensorLike; logits: TensorLike; name?: string; axis?: number; dim?: number } {
  if (typeof args !== 'object' || args === null || !('labels' in args) || !('logits' in args)) {
    throw new ValueError(`Only call \`${fn}\` with named arguments (labels=..., logits=..., ...)`);
  }
  return kwargs([args], names, `nn.${fn}`) as { labels: TensorLike; logits: TensorLike; name?: string };
}
/**
 * Cross-entropy along `axis`: the class axis is moved last with the others kept in order, so the
 * per-example loss comes out in the original order without transposing back.
 */
function xentAlong(logits: Tensor, labels: Tensor, axis: number, name?: string): Tensor {
  const r = logits.shape?.length;
  if (axis === -1 || (r !== undefined && axis === r - 1)) return softmaxXentV2Impl(logits, labels, name);
  if (r === undefined) throw new ValueError(`softmax cross-entropy along axis ${axis} needs a known rank`);
  if (axis < -r || axis >= r) throw new ValueError(`axis ${axis} is out of bounds for logits of rank ${r}`);
  const ax = axis < 0 ? axis + r : axis;
  const perm = [...[...Array(r).keys()].filter((i) => i !== ax), ax];
  return softmaxXentV2Impl(transposeOp(logits, perm), transposeOp(labels, perm), name);
}

/** Per-example softmax cross-entropy (TF1: labels get no gradient, as in the v1 op). */
export function softmaxCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike; name?: string; axis?: number; dim?: number }): Tensor {
  const a = xentArgs('softmax_cross_entropy_with_logits', args, ['labels', 'logits', 'dim', 'name', 'axis']);
  const [logits, labels] = toTensorPair(a.logits, a.labels);
  const stopped = makeOp(labels.graph, 'StopGradient', [labels], {}, undefined, 'labels_stop_gradient').outputs[0]!;
  return xentAlong(logits, stopped, deprecatedAlias('axis', a.axis, 'dim', a.dim) ?? -1, a.name);
}
/** The v2 op: gradients flow into labels too. */
export function softmaxCrossEntropyWithLogitsV2(args: { labels: TensorLike; logits: TensorLike; name?: string; axis?: number; dim?: number }): Tensor {
  const a = xentArgs('softmax_cross_entropy_with_logits_v2', args, ['labels', 'logits', 'axis', 'name', 'dim']);
  const [logits, labels] = toTensorPair(a.logits, a.labels);
  return xentAlong(logits, labels, deprecatedAlias('axis', a.axis, 'dim', a.dim) ?? -1, a.name);
}
function softmaxXentV2Impl(logits: Tensor, labels: Tensor, name?: string): Tensor {
  const lr = logits.shape?.length;
  const br = labels.shape?.length;
  if (lr === undefined || br === undefined || lr === br || lr < 1 || br < 1) {
    return makeOp(logits.graph, 'SoftmaxCrossEntropyWithLogits', [logits, labels], {}, name, 'softmax_cross_entropy_with_logits').outputs[0]!;
  }
  // Ranks differ: TF1 flattens each input's outer dims to a matrix on its own (_flatten_outer_dims),
  // so labels [1, N, C] (a list around a [N, C] tensor) meet logits [N, C], and reshapes the cost to
  // logits' shape less its last dim.
  const matrix = (t: Tensor, r: number) => {
    if (r === 2) return t;
    const classes = t.shape![r - 1] ?? logits.shape![lr - 1] ?? labels.shape![br - 1];
    if (classes === null || classes === undefined) throw new ValueError(`softmax cross-entropy of logits ${pyShape(logits.shape)} and labels ${pyShape(labels.shape)} (different ranks) needs a known class dimension`);
    return makeOp(t.graph, 'Reshape', [t], { shape: [-1, classes] }, undefined, 'Reshape').outputs[0]!;
  };
  const cost = makeOp(logits.graph, 'SoftmaxCrossEntropyWithLogits', [matrix(logits, lr), matrix(labels, br)], {}, lr === 2 ? name : undefined, 'softmax_cross_entropy_with_logits').outputs[0]!;
  if (lr === 2) return cost;
  const outer = logits.shape!.slice(0, -1);
  if (outer.every((d) => d !== null)) return makeOp(cost.graph, 'Reshape', [cost], { shape: outer as number[] }, name, 'Reshape').outputs[0]!;
  const shp = makeOp(logits.graph, 'Shape', [logits], {}, undefined, 'Shape').outputs[0]!;
  const outShape = makeOp(logits.graph, 'Slice', [shp], { begin: [0], size: [lr - 1] }, undefined, 'Slice').outputs[0]!;
  return makeOp(cost.graph, 'Reshape', [cost, outShape], { shape: null }, name, 'Reshape').outputs[0]!;
}

export function sparseSoftmaxCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike; name?: string }): Tensor {
  const a = xentArgs('sparse_softmax_cross_entropy_with_logits', args);
  const logits = toTensor(a.logits);
  const labels = toTensor(a.labels, 'int32');
  if (labels.dtype !== 'int32' && labels.dtype !== 'int64') throw new TypeError(`labels must be int32 or int64, got ${labels.dtype}`);
  return makeOp(logits.graph, 'SparseSoftmaxCrossEntropyWithLogits', [logits, labels], {}, a.name, 'SparseSoftmaxCrossEntropyWithLogits').outputs[0]!;
}

/** `max(x, 0) - x*z + log(1 + exp(-|x|))`, built from ops as TF builds it. */
export function sigmoidCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike; name?: string }): Tensor {
  const a = xentArgs('sigmoid_cross_entropy_with_logits', args);
  const [x, z] = toTensorPair(a.logits, a.labels);
  if (x.shape && z.shape && mergeShapes(x.shape, z.shape) === undefined) {
    throw new ValueError(`logits and labels must have the same shape (${pyShape(x.shape)} vs ${pyShape(z.shape)})`);
  }
  return x.graph.nameScope(a.name ?? 'logistic_loss', (scope) => {
    const zeros = makeOp(x.graph, 'FillLike', [x], { value: 0 }, 'zeros_like', 'zeros_like').outputs[0]!;
    const cond = greaterEqual(x, zeros);
    const reluLogits = where(cond, x, zeros);
    const negAbs = where(cond, negative(x), x);
    return add(subtract(reluLogits, multiply(x, z)), log1p(exp(negAbs)), scope);
  });
}

// ----- bias_add, l2_loss -------------------------------------------------------------------------
defineOp({
  type: 'BiasAdd',
  infer: ([v, bias], _a, name) => {
    if (bias!.shape && bias!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${bias!.shape.length} for '${name}' (op: 'BiasAdd') with input shapes: ${cShape(v!.shape)}, ${cShape(bias!.shape)}.`);
    const last = v!.shape?.[v!.shape.length - 1];
    const n = bias!.shape?.[0];
    if (last != null && n != null && last !== n) {
      throw new ValueError(`Dimensions must be equal, but are ${last} and ${n} for '${name}' (op: 'BiasAdd') with input shapes: ${cShape(v!.shape)}, ${cShape(bias!.shape)}.`);
    }
    return [{ dtype: v!.dtype, shape: v!.shape }];
  },
  lower: (b, [v, bias]) => [b.binary('add', v!, bias!)],
});
function biasAddImpl(value: TensorLike, bias: TensorLike, dataFormat?: string | null, name?: string): Tensor {
  if (dataFormat !== undefined && dataFormat !== null && !(dataFormat.startsWith('N') && dataFormat.endsWith('C'))) {
    throw new ValueError(`nn.biasAdd(): data_format ${dataFormat} is not supported (only N...C layouts)`);
  }
  const [v, b] = toTensorPair(value, bias);
  return makeOp(v.graph, 'BiasAdd', [v, b], {}, name, 'BiasAdd').outputs[0]!;
}
/** `tf.nn.bias_add(value, bias, dataFormat?, name?)`: NHWC (the bias along the last dim). */
export const biasAdd = tf1Function('nn.biasAdd', ['value', 'bias', 'dataFormat', 'name'], biasAddImpl, 2);
function xwPlusBImpl(x: TensorLike, weights: TensorLike, biases: TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  return t.graph.nameScope(name ?? 'xw_plus_b', (scope) => biasAdd(matmul(t, weights), biases, { name: scope }));
}
/** `tf.nn.xwPlusB(x, weights, biases)`: `matmul(x, weights) + biases`, in scope `xw_plus_b`. */
export const xwPlusB = tf1Function('nn.xwPlusB', ['x', 'weights', 'biases', 'name'], xwPlusBImpl, 3);

defineOp({
  type: 'L2Loss',
  infer: ([x]) => [{ dtype: x!.dtype, shape: [] }],
  lower: (b, [x]) => [b.binary('mul', b.reduce('sum', b.unary('square', x!), x!.shape.map((_, i) => i), false), b.scalar(0.5, x!.dtype))],
});
function l2LossImpl(t: TensorLike, name?: string): Tensor {
  const x = toTensor(t);
  return makeOp(x.graph, 'L2Loss', [x], {}, name, 'L2Loss').outputs[0]!;
}
export const l2Loss = tf1Function('nn.l2Loss', ['t', 'name'], l2LossImpl, 1);

// ----- dropout -----------------------------------------------------------------------------------
export interface DropoutOptions {
  noiseShape?: number[];
  seed?: number;
  name?: string;
  /** TF2-style drop rate; `keepProb = 1 - rate`. */
  rate?: TensorLike;
}

/** TF1 `tf.nn.dropout(x, keepProb)`: kept units are scaled by 1/keepProb; keepProb 1 (literal) is `x` itself. */
function dropoutFn(x: TensorLike, keepProb?: TensorLike | null, opts: DropoutOptions = {}): Tensor {
  parseArg(keepProbArg, keepProb, 'nn.dropout', 'keepProb');
  parseOptions(dropoutOptions, opts, 'nn.dropout');
  const t = toTensor(x);
  if (!isFloat(t.dtype)) throw new ValueError(`x has to be a floating point tensor since it's going to be scaled. Got a ${t.dtype} tensor instead.`);
  let rateArg: TensorLike | undefined = opts.rate;
  if (keepProb !== undefined && keepProb !== null) {
    rateArg = typeof keepProb === 'number' ? 1 - keepProb : undefined;
    if (rateArg === undefined) {
      const kp = toTensor(keepProb, t.dtype);
      return t.graph.nameScope(opts.name ?? 'dropout', (scope) => dropoutImpl(t, subtract(1, kp), kp, opts, scope));
    }
  }
  if (rateArg === undefined) throw new ValueError('You must provide a rate to dropout.');
  if (typeof rateArg === 'number') {
    if (!(rateArg >= 0 && rateArg < 1)) throw new ValueError(`rate must be a scalar tensor or a float in the range [0, 1), got ${rateArg}`);
    if (rateArg === 0) return t;
    const r = rateArg;
    return t.graph.nameScope(opts.name ?? 'dropout', (scope) => dropoutImpl(t, toTensor(r, t.dtype), toTensor(1 - r, t.dtype), opts, scope));
  }
  const rate = toTensor(rateArg, t.dtype);
  return t.graph.nameScope(opts.name ?? 'dropout', (scope) => dropoutImpl(t, rate, subtract(1, rate), opts, scope));
}

/** `tf.nn.dropout(x, keepProb?, noiseShape?, seed?, name?, rate?)`. */
export const dropout = tf1Function(
  'nn.dropout', ['x', 'keepProb', 'noiseShape', 'seed', 'name', 'rate'],
  (x: TensorLike, keepProb?: TensorLike | null, noiseShape?: number[] | null, seed?: number | null, name?: string, rate?: TensorLike | null): Tensor =>
    dropoutFn(x, keepProb, { noiseShape: noiseShape ?? undefined, seed: seed ?? undefined, name, rate: rate ?? undefined }),
  1,
);

function dropoutImpl(x: Tensor, rate: Tensor, keep: Tensor, opts: DropoutOptions, scope: string): Tensor {
  const noise = opts.noiseShape ? [...opts.noiseShape] : x.shape !== null && x.shape.every((d) => d !== null) ? (x.shape as number[]) : makeOp(x.graph, 'Shape', [x], {}, undefined, 'Shape').outputs[0]!;
  const u = randomUniform(noise, { seed: opts.seed, dtype: x.dtype });
  const mask = cast(greaterEqual(u, rate), x.dtype);
  const out = multiply(divide(x, keep), mask, scope);
  // TF1's ret.set_shape(x.get_shape()): a keep probability of unknown shape (a bare placeholder)
  // leaves the output with x's static shape
  if (x.shape !== null && (out.shape === null || out.shape.length === x.shape.length)) {
    const merged = x.shape.map((d, i) => d ?? (out.shape === null ? null : out.shape[i]!));
    (out as { shape: PartialShape }).shape = merged;
  }
  return out;
}

export { conv2d, maxPool, avgPool, type Conv2DOptions, type PoolOptions, type Padding } from './conv.js';
export { embeddingLookup, type EmbeddingLookupOptions } from './embedding.js';
export { topK, inTopK } from './top-k.js';
export { moments, batchNormalization, l2Normalize } from './normalization.js';
export { conv2dTranspose, depthwiseConv2d } from './conv-transpose.js';
export { nceLoss, sampledSoftmaxLoss } from './sampled-losses.js';
export { logUniformCandidateSampler, uniformCandidateSampler, computeAccidentalHits, type SampledValues } from './candidate-sampling.js';
export { weightedCrossEntropyWithLogits, logPoissonLoss, swish, crelu, reluLayer, zeroFraction } from './nn-extra.js';
