/**
 * TF1's calling convention, function by function: TF1's positional parameters in TF1's order and
 * a trailing options object of the same names in camelCase build the same graph (same op names,
 * types, inputs and attrs); an unknown keyword is a TypeError naming the function and the key.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { NDArray } from '../src/ndarray.js';
import { thrown } from './support/errors.js';

type Build = () => unknown;
interface Case {
  /** The name errors use. */
  where: string;
  positional: Build;
  keywords: Build;
  /** A call with an unknown keyword `bogus` (after the required positional arguments). */
  bogus: Build;
}

/** The graph as data: every op's name, type, inputs, device and attrs. */
function signature(g: tf.Graph): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof NDArray) return { nd: v.toArray(), dtype: v.dtype, shape: v.shape };
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, norm(x)]));
    return v;
  };
  return JSON.stringify(
    g.getOperations().map((op) => [op.name, op.type, op.inputs.map((t) => t.name), op.device, norm((op as unknown as { attrs: unknown }).attrs)]),
  );
}
function built(fn: Build): string {
  const g = new tf.Graph();
  g.asDefault(() => {
    tf.setRandomSeed(1);
    fn();
  });
  return signature(g);
}

const x = (): tf.Tensor => tf.placeholder('float32', [2, 3], 'x');
const img = (): tf.Tensor => tf.placeholder('float32', [1, 4, 4, 2], 'img');
const filt = (): tf.Tensor => tf.placeholder('float32', [2, 2, 2, 3], 'filt');
const ids = (): tf.Tensor => tf.placeholder('int32', [2], 'ids');

const cases: Case[] = [
  // math
  { where: 'add', positional: () => tf.add(x(), 1, 'a'), keywords: () => tf.add(x(), 1, { name: 'a' }), bogus: () => tf.add(x(), 1, { bogus: 1 } as never) },
  { where: 'add', positional: () => tf.add(x(), 1), keywords: () => tf.add({ x: x(), y: 1 } as never), bogus: () => tf.add(x(), { y: 1, bogus: 1 } as never) },
  { where: 'subtract', positional: () => tf.subtract(x(), 2, 's'), keywords: () => tf.subtract(x(), { y: 2, name: 's' }), bogus: () => tf.subtract(x(), 2, { bogus: 1 } as never) },
  { where: 'multiply', positional: () => tf.multiply(x(), 2, 'm'), keywords: () => tf.multiply(x(), 2, { name: 'm' }), bogus: () => tf.multiply(x(), 2, { bogus: 1 } as never) },
  { where: 'divide', positional: () => tf.divide(x(), 2, 'd'), keywords: () => tf.divide(x(), 2, { name: 'd' }), bogus: () => tf.divide(x(), 2, { bogus: 1 } as never) },
  { where: 'pow', positional: () => tf.pow(x(), 2, 'p'), keywords: () => tf.pow(x(), { y: 2, name: 'p' }), bogus: () => tf.pow(x(), 2, { bogus: 1 } as never) },
  { where: 'maximum', positional: () => tf.maximum(x(), 0, 'mx'), keywords: () => tf.maximum(x(), 0, { name: 'mx' }), bogus: () => tf.maximum(x(), 0, { bogus: 1 } as never) },
  { where: 'equal', positional: () => tf.equal(x(), 0, 'eq'), keywords: () => tf.equal(x(), 0, { name: 'eq' }), bogus: () => tf.equal(x(), 0, { bogus: 1 } as never) },
  { where: 'logicalAnd', positional: () => tf.logicalAnd(tf.less(x(), 0), true, 'la'), keywords: () => tf.logicalAnd(tf.less(x(), 0), true, { name: 'la' }), bogus: () => tf.logicalAnd(true, true, { bogus: 1 } as never) },
  { where: 'square', positional: () => tf.square(x(), 'sq'), keywords: () => tf.square(x(), { name: 'sq' }), bogus: () => tf.square(x(), { bogus: 1 } as never) },
  { where: 'exp', positional: () => tf.exp(x(), 'e'), keywords: () => tf.exp({ x: x(), name: 'e' }), bogus: () => tf.exp(x(), { bogus: 1 } as never) },
  { where: 'sigmoid', positional: () => tf.sigmoid(x(), 'sg'), keywords: () => tf.sigmoid(x(), { name: 'sg' }), bogus: () => tf.sigmoid(x(), { bogus: 1 } as never) },
  { where: 'cast', positional: () => tf.cast(x(), 'int32', 'c'), keywords: () => tf.cast(x(), { dtype: 'int32', name: 'c' }), bogus: () => tf.cast(x(), 'int32', { bogus: 1 } as never) },
  { where: 'clipByValue', positional: () => tf.clipByValue(x(), 0, 1, 'cv'), keywords: () => tf.clipByValue(x(), { clipValueMin: 0, clipValueMax: 1, name: 'cv' }), bogus: () => tf.clipByValue(x(), 0, 1, { bogus: 1 } as never) },
  { where: 'where', positional: () => tf.where(tf.less(x(), 0), x(), 0, 'w'), keywords: () => tf.where(tf.less(x(), 0), { x: x(), y: 0, name: 'w' }), bogus: () => tf.where(true, 1, 0, { bogus: 1 } as never) },
  { where: 'addN', positional: () => tf.addN([x(), x()], 'an'), keywords: () => tf.addN([x(), x()], { name: 'an' }), bogus: () => tf.addN([1], { bogus: 1 } as never) },
  {
    where: 'matmul',
    positional: () => tf.matmul(x(), x(), false, true, false, false, false, false, 'mm'),
    keywords: () => tf.matmul(x(), x(), { transposeB: true, name: 'mm' }),
    bogus: () => tf.matmul(x(), x(), { transpose_b: true } as never),
  },
  { where: 'matmul', positional: () => tf.matmul(x(), x(), false, false, false, true), keywords: () => tf.matmul(x(), x(), { adjointB: true }), bogus: () => tf.matmul(x(), x(), false, { bogus: 1 } as never) },
  // reductions, with TF1's deprecated aliases
  { where: 'reduceSum', positional: () => tf.reduceSum(x(), [1], true, 'rs'), keywords: () => tf.reduceSum(x(), { reductionIndices: [1], keepDims: true, name: 'rs' }), bogus: () => tf.reduceSum(x(), { bogus: 1 } as never) },
  { where: 'reduceMean', positional: () => tf.reduceMean(x(), 1, true), keywords: () => tf.reduceMean(x(), { axis: 1, keepdims: true }), bogus: () => tf.reduceMean(x(), { keep_dims: true } as never) },
  { where: 'reduceMean', positional: () => tf.reduceMean(x(), null, false, 'all'), keywords: () => tf.reduceMean({ inputTensor: x(), name: 'all' }), bogus: () => tf.reduceMean(x(), 1, { bogus: 1 } as never) },
  { where: 'reduceMax', positional: () => tf.reduceMax(x(), 0, false, 'rm'), keywords: () => tf.reduceMax(x(), { axis: 0, name: 'rm' }), bogus: () => tf.reduceMax(x(), { bogus: 1 } as never) },
  { where: 'reduceMin', positional: () => tf.reduceMin(x(), 0), keywords: () => tf.reduceMin(x(), { reductionIndices: 0 }), bogus: () => tf.reduceMin(x(), { bogus: 1 } as never) },
  { where: 'reduceProd', positional: () => tf.reduceProd(x(), 1, true), keywords: () => tf.reduceProd(x(), 1, { keepDims: true }), bogus: () => tf.reduceProd(x(), { bogus: 1 } as never) },
  { where: 'argmax', positional: () => tf.argmax(x(), 1, 'am', null, 'int32'), keywords: () => tf.argmax(x(), { dimension: 1, name: 'am', outputType: 'int32' }), bogus: () => tf.argmax(x(), { bogus: 1 } as never) },
  // array ops
  { where: 'zeros', positional: () => tf.zeros([2, 3], 'int32', 'z'), keywords: () => tf.zeros([2, 3], { dtype: 'int32', name: 'z' }), bogus: () => tf.zeros([2], { bogus: 1 } as never) },
  { where: 'ones', positional: () => tf.ones([2], 'float32', 'o'), keywords: () => tf.ones({ shape: [2], name: 'o' }), bogus: () => tf.ones([2], { bogus: 1 } as never) },
  { where: 'fill', positional: () => tf.fill([2, 2], 7, 'f'), keywords: () => tf.fill([2, 2], { value: 7, name: 'f' }), bogus: () => tf.fill([2], 1, { bogus: 1 } as never) },
  { where: 'zerosLike', positional: () => tf.zerosLike(x(), 'int32', 'zl'), keywords: () => tf.zerosLike(x(), { dtype: 'int32', name: 'zl' }), bogus: () => tf.zerosLike(x(), { bogus: 1 } as never) },
  { where: 'onesLike', positional: () => tf.onesLike(x(), null, 'ol', true), keywords: () => tf.onesLike(x(), { name: 'ol', optimize: true }), bogus: () => tf.onesLike(x(), { bogus: 1 } as never) },
  { where: 'constant', positional: () => tf.constant(1, 'int32', [2], 'k'), keywords: () => tf.constant(1, { dtype: 'int32', shape: [2], name: 'k' }), bogus: () => tf.constant(1, { bogus: 1 } as never) },
  { where: 'placeholder', positional: () => tf.placeholder('float32', [null, 3], 'ph'), keywords: () => tf.placeholder('float32', { shape: [null, 3], name: 'ph' }), bogus: () => tf.placeholder('float32', { bogus: 1 } as never) },
  { where: 'reshape', positional: () => tf.reshape(x(), [3, 2], 'r'), keywords: () => tf.reshape(x(), { shape: [3, 2], name: 'r' }), bogus: () => tf.reshape(x(), [6], { bogus: 1 } as never) },
  { where: 'transpose', positional: () => tf.transpose(x(), [1, 0], 't'), keywords: () => tf.transpose(x(), { perm: [1, 0], name: 't' }), bogus: () => tf.transpose(x(), { bogus: 1 } as never) },
  { where: 'concat', positional: () => tf.concat([x(), x()], 1, 'cc'), keywords: () => tf.concat([x(), x()], { axis: 1, name: 'cc' }), bogus: () => tf.concat([x()], 0, { bogus: 1 } as never) },
  { where: 'stack', positional: () => tf.stack([x(), x()], 1, 'st'), keywords: () => tf.stack([x(), x()], { axis: 1, name: 'st' }), bogus: () => tf.stack([x()], { bogus: 1 } as never) },
  { where: 'unstack', positional: () => tf.unstack(x(), 3, 1, 'us'), keywords: () => tf.unstack(x(), { num: 3, axis: 1, name: 'us' }), bogus: () => tf.unstack(x(), { bogus: 1 } as never) },
  { where: 'expandDims', positional: () => tf.expandDims(x(), 0, 'ed'), keywords: () => tf.expandDims(x(), { dim: 0, name: 'ed' }), bogus: () => tf.expandDims(x(), 0, { bogus: 1 } as never) },
  { where: 'squeeze', positional: () => tf.squeeze(tf.expandDims(x(), 0), [0], 'sz'), keywords: () => tf.squeeze(tf.expandDims(x(), 0), { squeezeDims: [0], name: 'sz' }), bogus: () => tf.squeeze(x(), { bogus: 1 } as never) },
  { where: 'slice', positional: () => tf.slice(x(), [0, 1], [2, 2], 'sl'), keywords: () => tf.slice(x(), [0, 1], { size: [2, 2], name: 'sl' }), bogus: () => tf.slice(x(), [0, 0], [1, 1], { bogus: 1 } as never) },
  { where: 'gather', positional: () => tf.gather(x(), ids(), null, 'g', 1), keywords: () => tf.gather(x(), ids(), { axis: 1, name: 'g' }), bogus: () => tf.gather(x(), ids(), { bogus: 1 } as never) },
  { where: 'oneHot', positional: () => tf.oneHot(ids(), 4, 5, -1, 0, 'float32', 'oh'), keywords: () => tf.oneHot(ids(), 4, { onValue: 5, offValue: -1, axis: 0, name: 'oh' }), bogus: () => tf.oneHot(ids(), 4, { bogus: 1 } as never) },
  { where: 'tile', positional: () => tf.tile(x(), [2, 1], 'tl'), keywords: () => tf.tile(x(), { multiples: [2, 1], name: 'tl' }), bogus: () => tf.tile(x(), [1, 1], { bogus: 1 } as never) },
  { where: 'shape', positional: () => tf.shape(x(), 'sh', 'int32'), keywords: () => tf.shape(x(), { name: 'sh', outType: 'int32' }), bogus: () => tf.shape(x(), { bogus: 1 } as never) },
  { where: 'size', positional: () => tf.size(x(), 'sz'), keywords: () => tf.size(x(), { name: 'sz' }), bogus: () => tf.size(x(), { bogus: 1 } as never) },
  { where: 'rank', positional: () => tf.rank(x(), 'rk'), keywords: () => tf.rank(x(), { name: 'rk' }), bogus: () => tf.rank(x(), { bogus: 1 } as never) },
  { where: 'range', positional: () => tf.range(1, 7, 2, 'int32', 'rg'), keywords: () => tf.range(1, { limit: 7, delta: 2, dtype: 'int32', name: 'rg' }), bogus: () => tf.range(3, { bogus: 1 } as never) },
  { where: 'identity', positional: () => tf.identity(x(), 'id'), keywords: () => tf.identity(x(), { name: 'id' }), bogus: () => tf.identity(x(), { bogus: 1 } as never) },
  { where: 'stopGradient', positional: () => tf.stopGradient(x(), 'sg'), keywords: () => tf.stopGradient(x(), { name: 'sg' }), bogus: () => tf.stopGradient(x(), { bogus: 1 } as never) },
  { where: 'noOp', positional: () => tf.noOp('n'), keywords: () => tf.noOp({ name: 'n' }), bogus: () => tf.noOp({ bogus: 1 } as never) },
  { where: 'checkNumerics', positional: () => tf.checkNumerics(x(), 'bad', 'cn'), keywords: () => tf.checkNumerics(x(), { message: 'bad', name: 'cn' }), bogus: () => tf.checkNumerics(x(), 'm', { bogus: 1 } as never) },
  { where: 'placeholderWithDefault', positional: () => tf.placeholderWithDefault(1, [], 'pd'), keywords: () => tf.placeholderWithDefault(1, { shape: [], name: 'pd' }), bogus: () => tf.placeholderWithDefault(1, [], { bogus: 1 } as never) },
  // random ops
  { where: 'randomNormal', positional: () => tf.randomNormal([2], 1, 2, 'float32', 3, 'rn'), keywords: () => tf.randomNormal([2], { mean: 1, stddev: 2, seed: 3, name: 'rn' }), bogus: () => tf.randomNormal([2], { minval: 0 } as never) },
  { where: 'truncatedNormal', positional: () => tf.truncatedNormal([2], 0, 0.1, 'float32', 4), keywords: () => tf.truncatedNormal([2], { stddev: 0.1, seed: 4 }), bogus: () => tf.truncatedNormal([2], { bogus: 1 } as never) },
  { where: 'randomUniform', positional: () => tf.randomUniform([2], -1, 1, 'float32', 5, 'ru'), keywords: () => tf.randomUniform([2], -1, { maxval: 1, seed: 5, name: 'ru' }), bogus: () => tf.randomUniform([2], { mean: 0 } as never) },
  // tf.nn
  { where: 'nn.relu', positional: () => tf.nn.relu(x(), 'r'), keywords: () => tf.nn.relu({ features: x(), name: 'r' }), bogus: () => tf.nn.relu(x(), { bogus: 1 } as never) },
  { where: 'nn.leakyRelu', positional: () => tf.nn.leakyRelu(x(), 0.1, 'lr'), keywords: () => tf.nn.leakyRelu(x(), { alpha: 0.1, name: 'lr' }), bogus: () => tf.nn.leakyRelu(x(), { bogus: 1 } as never) },
  { where: 'nn.softmax', positional: () => tf.nn.softmax(x(), 0, 'sm'), keywords: () => tf.nn.softmax(x(), { dim: 0, name: 'sm' }), bogus: () => tf.nn.softmax(x(), { bogus: 1 } as never) },
  { where: 'nn.logSoftmax', positional: () => tf.nn.logSoftmax(x(), -1, 'ls'), keywords: () => tf.nn.logSoftmax(x(), { axis: -1, name: 'ls' }), bogus: () => tf.nn.logSoftmax(x(), { bogus: 1 } as never) },
  { where: 'nn.biasAdd', positional: () => tf.nn.biasAdd(x(), [1, 2, 3], 'NHWC', 'ba'), keywords: () => tf.nn.biasAdd(x(), [1, 2, 3], { dataFormat: 'NHWC', name: 'ba' }), bogus: () => tf.nn.biasAdd(x(), [1, 2, 3], { bogus: 1 } as never) },
  { where: 'nn.l2Loss', positional: () => tf.nn.l2Loss(x(), 'l2'), keywords: () => tf.nn.l2Loss(x(), { name: 'l2' }), bogus: () => tf.nn.l2Loss(x(), { bogus: 1 } as never) },
  { where: 'nn.xwPlusB', positional: () => tf.nn.xwPlusB(x(), tf.ones([3, 2]), [1, 2], 'xw'), keywords: () => tf.nn.xwPlusB(x(), tf.ones([3, 2]), { biases: [1, 2], name: 'xw' }), bogus: () => tf.nn.xwPlusB(x(), x(), x(), { bogus: 1 } as never) },
  { where: 'nn.dropout', positional: () => tf.nn.dropout(x(), 0.5, null, 7, 'do'), keywords: () => tf.nn.dropout(x(), { keepProb: 0.5, seed: 7, name: 'do' }), bogus: () => tf.nn.dropout(x(), 0.5, { bogus: 1 } as never) },
  { where: 'nn.dropout', positional: () => tf.nn.dropout(x(), null, [1, 3], 7, null as never, 0.25), keywords: () => tf.nn.dropout(x(), { rate: 0.25, noiseShape: [1, 3], seed: 7 }), bogus: () => tf.nn.dropout(x(), { keep_prob: 0.5 } as never) },
  {
    where: 'nn.conv2d',
    positional: () => tf.nn.conv2d(img(), filt(), [1, 1, 1, 1], 'SAME', true, 'NHWC', [1, 1, 1, 1], 'cv'),
    keywords: () => tf.nn.conv2d(img(), { filters: filt(), strides: [1, 1, 1, 1], padding: 'SAME', name: 'cv' }),
    bogus: () => tf.nn.conv2d(img(), filt(), 1, 'SAME', { bogus: 1 } as never),
  },
  { where: 'nn.maxPool', positional: () => tf.nn.maxPool(img(), 2, 2, 'VALID', 'NHWC', 'mp'), keywords: () => tf.nn.maxPool({ input: img(), ksize: 2, strides: 2, padding: 'VALID', name: 'mp' }), bogus: () => tf.nn.maxPool(img(), 2, 2, 'VALID', { bogus: 1 } as never) },
  { where: 'nn.avgPool', positional: () => tf.nn.avgPool(img(), [1, 2, 2, 1], [1, 2, 2, 1], 'SAME', 'NHWC', 'ap'), keywords: () => tf.nn.avgPool(img(), [1, 2, 2, 1], { strides: [1, 2, 2, 1], padding: 'SAME', name: 'ap' }), bogus: () => tf.nn.avgPool(img(), 2, 2, 'SAME', { bogus: 1 } as never) },
  {
    where: 'nn.softmax_cross_entropy_with_logits',
    positional: () => tf.nn.softmaxCrossEntropyWithLogits({ labels: x(), logits: x(), dim: 0, name: 'xe' }),
    keywords: () => tf.nn.softmaxCrossEntropyWithLogits({ labels: x(), logits: x(), axis: 0, name: 'xe' }),
    bogus: () => tf.nn.softmaxCrossEntropyWithLogits({ labels: x(), logits: x(), bogus: 1 } as never),
  },
  // variables and initializers
  {
    where: 'Variable',
    positional: () => new tf.Variable(tf.zeros([2]), false, ['mine'], true, null, 'v', null, 'float32'),
    keywords: () => new tf.Variable(tf.zeros([2]), { trainable: false, collections: ['mine'], name: 'v', dtype: 'float32' }),
    bogus: () => new tf.Variable(1, { bogus: 1 } as never),
  },
  { where: 'Variable', positional: () => new tf.Variable(1, undefined, undefined, undefined, undefined, 'w'), keywords: () => new tf.Variable({ initialValue: 1, name: 'w' }), bogus: () => new tf.Variable(1, true, { bogus: 1 } as never) },
  { where: 'variablesInitializer', positional: () => tf.variablesInitializer([new tf.Variable(1)], 'vi'), keywords: () => tf.variablesInitializer({ varList: [new tf.Variable(1)], name: 'vi' }), bogus: () => tf.variablesInitializer([], { bogus: 1 } as never) },
];

describe('positional and keyword calls build the same graph', () => {
  it.each(cases.map((c, i) => [`${i}: ${c.where}`, c] as const))('%s', (_label, c) => {
    const a = built(c.positional);
    expect(a.length).toBeGreaterThan(2);
    expect(built(c.keywords)).toBe(a);
  });
});

describe('an unknown keyword is a TypeError naming the function and the key', () => {
  it.each(cases.map((c, i) => [`${i}: ${c.where}`, c] as const))('%s', (_label, c) => {
    const e = thrown(() => new tf.Graph().asDefault(c.bogus));
    expect(e).toBeInstanceOf(TypeError);
    const key = /keyword argument '(\w+)'/.exec(e.message)?.[1];
    expect(e.message).toBe(`${c.where}() got an unexpected keyword argument '${key}'`);
  });
});

describe('optimizers: TF1 positional order or keywords, for the constructor, minimize, computeGradients and applyGradients', () => {
  const model = (): [tf.Variable, tf.Tensor, tf.Variable] => {
    const v = new tf.Variable([1, 2], { name: 'v' });
    const step = tf.train.getOrCreateGlobalStep();
    return [v, tf.reduceSum(tf.square(v)), step];
  };
  const opts: [string, () => tf.train.Optimizer, () => tf.train.Optimizer, () => unknown][] = [
    ['GradientDescentOptimizer', () => new tf.train.GradientDescentOptimizer(0.1, false, 'GD'), () => new tf.train.GradientDescentOptimizer({ learningRate: 0.1, name: 'GD' }), () => new tf.train.GradientDescentOptimizer(0.1, { bogus: 1 } as never)],
    ['MomentumOptimizer', () => new tf.train.MomentumOptimizer(0.1, 0.9, false, 'M', true), () => new tf.train.MomentumOptimizer(0.1, { momentum: 0.9, name: 'M', useNesterov: true }), () => new tf.train.MomentumOptimizer(0.1, 0.9, { bogus: 1 } as never)],
    ['AdagradOptimizer', () => new tf.train.AdagradOptimizer(0.1, 0.2, false, 'AG'), () => new tf.train.AdagradOptimizer({ learningRate: 0.1, initialAccumulatorValue: 0.2, name: 'AG' }), () => new tf.train.AdagradOptimizer(0.1, { bogus: 1 } as never)],
    ['AdamOptimizer', () => new tf.train.AdamOptimizer(0.01, 0.8, 0.99, 1e-7, false, 'A'), () => new tf.train.AdamOptimizer({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, name: 'A' }), () => new tf.train.AdamOptimizer({ learning_rate: 0.1 } as never)],
    ['AdamOptimizer', () => new tf.train.AdamOptimizer(), () => new tf.train.AdamOptimizer({}), () => new tf.train.AdamOptimizer(0.1, 0.9, { bogus: 1 } as never)],
    ['RMSPropOptimizer', () => new tf.train.RMSPropOptimizer(0.1, 0.8, 0.5, 1e-6, false, true, 'R'), () => new tf.train.RMSPropOptimizer(0.1, { decay: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true, name: 'R' }), () => new tf.train.RMSPropOptimizer(0.1, { bogus: 1 } as never)],
  ];
  it.each(opts)('%s', (where, pos, kw, bogus) => {
    const a = built(() => {
      const [v, loss, step] = model();
      pos().minimize(loss, step, [v], tf.train.Optimizer.GATE_OP, null, false, 'train');
    });
    const b = built(() => {
      const [v, loss, step] = model();
      kw().minimize(loss, { globalStep: step, varList: [v], name: 'train' });
    });
    expect(b).toBe(a);
    expect(a).toContain('train');
    const e = thrown(() => new tf.Graph().asDefault(bogus));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(new RegExp(`^${where}\\(\\) got an unexpected keyword argument '\\w+'$`));
  });

  it('computeGradients and applyGradients', () => {
    const a = built(() => {
      const [v, loss, step] = model();
      const o = new tf.train.GradientDescentOptimizer(0.5);
      o.applyGradients(o.computeGradients(loss, [v], 1, null, false, null as never), step, 'apply');
    });
    const b = built(() => {
      const [v, loss, step] = model();
      const o = new tf.train.GradientDescentOptimizer({ learningRate: 0.5 });
      o.applyGradients({ gradsAndVars: o.computeGradients(loss, { varList: [v] }), globalStep: step, name: 'apply' });
    });
    expect(b).toBe(a);
    new tf.Graph().asDefault(() => {
      const [v, loss] = model();
      const o = new tf.train.GradientDescentOptimizer(0.5);
      expect(thrown(() => o.minimize(loss, { global_step: v } as never)).message).toBe("minimize() got an unexpected keyword argument 'global_step'");
      expect(thrown(() => o.computeGradients(loss, { var_list: [v] } as never)).message).toBe("computeGradients() got an unexpected keyword argument 'var_list'");
      expect(thrown(() => o.applyGradients([], { global_step: v } as never)).message).toBe("applyGradients() got an unexpected keyword argument 'global_step'");
      expect(thrown(() => o.minimize(loss, { gateGradients: 7 })).message).toBe('gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not 7');
      expect(thrown(() => new tf.train.MomentumOptimizer(...([0.1] as never as [number, number]))).message).toBe("MomentumOptimizer() missing 1 required positional argument: 'momentum'");
    });
  });

  it('trains to the same numbers either way', async () => {
    const run = async (make: () => tf.train.Optimizer): Promise<number[]> => {
      const g = new tf.Graph();
      return g.asDefault(async () => {
        const [, loss, step] = model();
        const train = make().minimize(loss, step);
        const sess = new tf.Session();
        await sess.run(tf.globalVariablesInitializer());
        for (let i = 0; i < 3; i++) await sess.run(train);
        const out = (await sess.run(tf.globalVariables()[0]!)) as tf.NDArray;
        await sess.close();
        return Array.from(out.data as Float32Array);
      });
    };
    const a = await run(() => new tf.train.AdamOptimizer(0.1, 0.5, 0.9));
    const b = await run(() => new tf.train.AdamOptimizer({ learningRate: 0.1, beta1: 0.5, beta2: 0.9 }));
    expect(b).toEqual(a);
    // Adam moves each coordinate by about lr per step at first
    expect(a[0]).toBeLessThan(1 - 0.25);
  });
});

describe('values, aliases and misuse', () => {
  const run = (fn: () => tf.Tensor | tf.Tensor[]): unknown => {
    const g = new tf.Graph();
    return g.asDefault(() => {
      const t = fn();
      const sess = new tf.Session();
      const out = sess.runSync(t) as tf.NDArray | tf.NDArray[];
      void sess.close();
      return Array.isArray(out) ? out.map((o) => o.toArray()) : out.toArray();
    });
  };
  const m = [[1, 2, 3], [4, 5, 6]];

  it('reductions by keyword, with TF1 aliases', () => {
    expect(run(() => tf.reduceMean(m, { axis: 1, keepdims: true }))).toEqual([[2], [5]]);
    expect(run(() => tf.reduceSum(m, { reductionIndices: [1] }))).toEqual([6, 15]);
    expect(run(() => tf.reduceSum(m, { reductionIndices: 0, keepDims: true }))).toEqual([[5, 7, 9]]);
    expect(run(() => tf.reduceMax(m, 1, { keepdims: true }))).toEqual([[3], [6]]);
    expect(thrown(() => tf.reduceSum(m, { axis: 0, reductionIndices: 1 })).message).toBe("Cannot specify both 'axis' and 'reduction_indices'");
    expect(thrown(() => tf.reduceSum(m, { keepdims: true, keepDims: true })).message).toBe("Cannot specify both 'keepdims' and 'keep_dims'");
    expect(thrown(() => tf.reduceSum(m, 0, { axis: 1 })).message).toBe("reduceSum() got multiple values for argument 'axis'");
    expect(thrown(() => tf.reduceSum(m, 0, false, 'n', null, null, 7 as never)).message).toBe('reduceSum() takes at most 6 positional arguments but 7 were given');
    expect(thrown(() => tf.reduceSum({ axis: 0 } as never)).message).toBe("reduceSum() missing 1 required positional argument: 'inputTensor'");
  });

  it('fills by keyword', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.zeros([2, 3], { dtype: 'int32' }).dtype).toBe('int32');
      expect(tf.ones([2], { dtype: 'bool' }).dtype).toBe('bool');
      expect(tf.zerosLike(tf.zeros([2]), { dtype: 'int32' }).dtype).toBe('int32');
      expect(tf.onesLike(tf.zeros([2]), { dtype: 'float64' }).dtype).toBe('float64');
      expect(tf.fill([2], 1, { dtype: 'int32' }).dtype).toBe('int32');
      expect(tf.shape(tf.zeros([2]), { outType: 'int64' }).dtype).toBe('int64');
    });
    expect(run(() => tf.zeros([2, 3], { dtype: 'int32' }))).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(run(() => tf.ones({ shape: [2] }))).toEqual([1, 1]);
    expect(run(() => tf.fill([2], 7, { name: 'seven' }))).toEqual([7, 7]);
    expect(run(() => tf.onesLike(m, { dtype: 'int32' }))).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(run(() => tf.shape(tf.zeros([2, 5]), { outType: 'int64' }))).toEqual([2, 5]);
  });

  it('gather takes its axis by keyword, as TF1', () => {
    expect(run(() => tf.gather(m, [2, 0], { axis: 1 }))).toEqual([[3, 1], [6, 4]]);
    expect(run(() => tf.gather(m, [1], true))).toEqual([[4, 5, 6]]);
    expect(thrown(() => tf.gather(m, [1], 1 as never)).message).toMatch(/^gather\(\): validate_indices must be a bool/);
  });

  it('softmax cross-entropy along a keyword axis', () => {
    const logits = [[1, 2], [3, 1], [0, 0]];
    const labels = [[0, 1], [1, 0], [0, 1]];
    const t = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));
    const along0 = run(() => tf.nn.softmaxCrossEntropyWithLogits({ labels: t(labels), logits: t(logits), axis: 0 })) as number[];
    const last = run(() => tf.nn.softmaxCrossEntropyWithLogits({ labels, logits })) as number[];
    const ref = logits.map((r, i) => -Math.log(Math.exp(r[labels[i]!.indexOf(1)]!) / (Math.exp(r[0]!) + Math.exp(r[1]!))));
    along0.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
    last.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
  });

  it('Variable: positional collections, trainable and name as TF1 orders them', () => {
    new tf.Graph().asDefault(() => {
      const v = new tf.Variable(1.5, false, ['mine'], true, null, 'v');
      expect(v.name).toBe('v:0');
      expect(v.trainable).toBe(false);
      expect(tf.getCollection('mine')).toEqual([v]);
      expect(tf.globalVariables()).toEqual([]);
      const w = new tf.Variable([1, 2], { name: 'w', shape: [2] });
      expect(tf.globalVariables('w')).toEqual([w]);
      expect(tf.trainableVariables({ scope: 'nothing' })).toEqual([]);
      expect(thrown(() => new tf.Variable([1, 2], { shape: [3] })).message).toBe('Shapes (2,) and (3,) are incompatible');
      expect(thrown(() => new tf.Variable(1, { useResource: true })).message).toMatch(/use_resource=True/);
    });
  });
});
