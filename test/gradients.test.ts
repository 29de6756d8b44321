import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor } from 'tsflow';
import { defineOp, getGradient, makeOp, registeredOpTypes } from '../src/ops/registry.js';
import { binaryOp } from '../src/ops/elementwise.js';
import { reshapeLike, sumToShapeOf, broadcastLike } from '../src/ops/array.js';
import { unreduceLike } from '../src/ops/grads/util.js';

// ----- a float64 finite-difference gradient checker ------------------------------------------
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How inputs are drawn: uniform(-1,1), positive, or away from 0 (kinks of abs/relu/…). */
type Gen = 'uniform' | 'pos' | 'away' | 'prob' | ((r: () => number, i: number) => number);
interface In {
  shape: number[];
  gen?: Gen;
  /** A fixed, non-differentiated input (e.g. int labels). */
  fixed?: { dtype: 'int32' | 'float64'; value: number[] };
}
interface Case {
  name: string;
  ins: In[];
  f: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Also check the gradient of the gradient. */
  second?: boolean;
}

function draw(gen: Gen, n: number, r: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (typeof gen === 'function') out[i] = gen(r, i);
    else if (gen === 'pos') out[i] = 0.5 + 1.5 * r();
    else if (gen === 'away') out[i] = (r() < 0.5 ? -1 : 1) * (0.2 + 0.8 * r());
    else if (gen === 'prob') out[i] = 0.05 + 0.9 * r();
    else out[i] = 2 * r() - 1;
  }
  return out;
}

const size = (s: number[]): number => s.reduce((a, d) => a * d, 1);

/** Check d(loss)/d(inputs) against central differences, where loss = Σ w·f(x). */
async function checkCase(c: Case, seed = 1): Promise<void> {
  const g = new tf.Graph();
  const r = rng(seed);
  await g.asDefault(async () => {
    const phs = c.ins.map((inp, i) => tf.placeholder(inp.fixed?.dtype ?? 'float64', inp.shape, `x${i}`));
    const values = c.ins.map((inp) =>
      inp.fixed ? tf.NDArray.zeros([0]) : new tf.NDArray(draw(inp.gen ?? 'uniform', size(inp.shape), r), inp.shape, 'float64'),
    );
    c.ins.forEach((inp, i) => {
      if (inp.fixed) values[i] = new tf.NDArray(inp.fixed.dtype === 'int32' ? Int32Array.from(inp.fixed.value) : Float64Array.from(inp.fixed.value), inp.shape, inp.fixed.dtype);
    });
    const out = c.f(...phs);
    const outs = Array.isArray(out) ? out : [out];
    const probe = new tf.Session({ graph: g });
    const shapes = (probe.runSync(outs, new Map(phs.map((p, i) => [p, values[i]!] as [Tensor, tf.NDArray]))) as tf.NDArray[]).map((a) => a.shape);
    const weighted = outs.map((y, k) => {
      const shape = shapes[k]!;
      const w = new tf.NDArray(draw('uniform', size(shape), r), shape, 'float64');
      return tf.reduceSum(tf.multiply(y, tf.constant(w)));
    });
    const loss = tf.addN(weighted);
    const diffIdx = c.ins.map((inp, i) => (inp.fixed ? -1 : i)).filter((i) => i >= 0);
    const xs = diffIdx.map((i) => phs[i]!);
    const grads = tf.gradients(loss, xs);
    const sess = new tf.Session({ graph: g });
    const feed = (vals: tf.NDArray[]) => new Map(phs.map((p, i) => [p, vals[i]!] as [Tensor, tf.NDArray]));

    const compare = (target: Tensor, gs: (tf.Gradient | null)[], label: string): void => {
      const fetched = gs.map((t) => (t ? (sess.runSync(t, feed(values)) as tf.NDArray) : null));
      diffIdx.forEach((xi, k) => {
        const x = values[xi]!;
        const h = 1e-5;
        const num = new Float64Array(x.size);
        for (let j = 0; j < x.size; j++) {
          const orig = x.data[j]!;
          x.data[j] = orig + h;
          const fp = (sess.runSync(target, feed(values)) as tf.NDArray).data[0]!;
          x.data[j] = orig - h;
          const fm = (sess.runSync(target, feed(values)) as tf.NDArray).data[0]!;
          x.data[j] = orig;
          num[j] = (fp - fm) / (2 * h);
        }
        const sym = fetched[k];
        if (sym) expect(sym.shape, `${label} shape of d/dx${xi}`).toEqual(x.shape);
        for (let j = 0; j < x.size; j++) {
          const s = sym ? sym.data[j]! : 0;
          const tol = 1e-6 * (1 + Math.abs(num[j]!));
          if (!(Math.abs(s - num[j]!) <= tol)) {
            throw new Error(`${c.name} ${label}: d/dx${xi}[${j}] symbolic ${s} vs numeric ${num[j]} (all: ${sym ? Array.from(sym.data) : 'null'} vs ${Array.from(num)})`);
          }
        }
      });
    };
    compare(loss, grads, 'first order');
    if (c.second) {
      const vs = grads.map((gr) => (gr ? tf.constant(new tf.NDArray(draw('uniform', size(gr.shape as number[]), r), gr.shape as number[], 'float64')) : null));
      const terms = grads.flatMap((gr, i) => (gr ? [tf.reduceSum(tf.multiply(gr, vs[i]!))] : []));
      const loss2 = tf.addN(terms);
      compare(loss2, tf.gradients(loss2, xs), 'second order');
    }
    await sess.close();
    await probe.close();
  });
}

// ----- one case per op type ----------------------------------------------------------------
const S = [2, 3];
const un = (name: string, f: (x: Tensor) => Tensor, gen: Gen = 'uniform', second = true): Case => ({ name, ins: [{ shape: S, gen }], f, second });
const bin = (name: string, f: (x: Tensor, y: Tensor) => Tensor, gx: Gen = 'uniform', gy: Gen = 'uniform', second = true): Case[] => [
  { name, ins: [{ shape: S, gen: gx }, { shape: S, gen: gy }], f, second },
  { name: `${name} (broadcast)`, ins: [{ shape: [2, 1, 3], gen: gx }, { shape: [4, 1], gen: gy }], f, second },
];
const distinct: Gen = (r, i) => (i % 2 ? 1 : -1) * (0.3 + r());

const cases: Case[] = [
  un('Neg', tf.negative),
  un('Abs', tf.abs, 'away'),
  un('Square', tf.square),
  un('Sqrt', tf.sqrt, 'pos'),
  un('Rsqrt', tf.rsqrt, 'pos'),
  un('Exp', tf.exp),
  un('Expm1', tf.expm1),
  un('Log', tf.log, 'pos'),
  un('Log1p', tf.log1p, 'pos'),
  un('Sign', (x) => tf.add(tf.sign(x), x), 'away'),
  un('Reciprocal', tf.reciprocal, 'pos'),
  un('Sigmoid', tf.sigmoid),
  un('Tanh', tf.tanh),
  un('Sin', tf.sin),
  un('Cos', tf.cos),
  ...bin('Add', tf.add),
  ...bin('AddV2', (x, y) => binaryOp('AddV2', x, y, undefined)),
  ...bin('Sub', tf.subtract),
  ...bin('Mul', tf.multiply),
  ...bin('RealDiv', tf.realDiv, 'uniform', 'pos'),
  ...bin('FloorMod', tf.mod, (r) => 0.1 + 0.8 * r() + Math.floor(r() * 3), () => 1, false),
  ...bin('Pow', tf.pow, 'pos', 'uniform'),
  ...bin('Maximum', tf.maximum, distinct, 'uniform'),
  ...bin('Minimum', tf.minimum, distinct, 'uniform'),
  ...bin('SquaredDifference', tf.squaredDifference),
  { name: 'ReluGrad', ins: [{ shape: S, gen: 'away' }, { shape: S }], f: (a, d) => binaryOp('ReluGrad', a, d, undefined), second: true },
  { name: 'Relu6Grad', ins: [{ shape: S, gen: (r) => 0.2 + 5.6 * r() }, { shape: S }], f: (a, d) => binaryOp('Relu6Grad', a, d, undefined), second: true },
  { name: 'LeakyReluGrad', ins: [{ shape: S, gen: 'away' }, { shape: S }], f: (a, d) => binaryOp('LeakyReluGrad', a, d, undefined, 'LeakyReluGrad', { alpha: 0.3 }), second: true },
  { name: 'EluGrad', ins: [{ shape: S, gen: (r) => -0.9 + 1.8 * r() }, { shape: S }], f: (a, d) => binaryOp('EluGrad', a, d, undefined), second: true },
  { name: 'SigmoidGrad', ins: [{ shape: S, gen: 'prob' }, { shape: S }], f: (a, d) => binaryOp('SigmoidGrad', a, d, undefined), second: true },
  { name: 'TanhGrad', ins: [{ shape: S }, { shape: S }], f: (a, d) => binaryOp('TanhGrad', a, d, undefined), second: true },
  { name: 'SoftplusGrad', ins: [{ shape: S }, { shape: S }], f: (a, d) => binaryOp('SoftplusGrad', a, d, undefined), second: true },
  { name: 'RsqrtGrad', ins: [{ shape: S, gen: 'pos' }, { shape: S }], f: (a, d) => binaryOp('RsqrtGrad', a, d, undefined), second: true },
  { name: 'SqrtGrad', ins: [{ shape: S, gen: 'pos' }, { shape: S }], f: (a, d) => binaryOp('SqrtGrad', a, d, undefined), second: true },
  { name: 'AddN', ins: [{ shape: S }, { shape: S }, { shape: [3] }], f: (a, b, c) => tf.addN([a, b, c]), second: true },
  { name: 'Cast', ins: [{ shape: S }], f: (x) => tf.multiply(tf.cast(tf.cast(x, 'float32'), 'float64'), 0) },
  { name: 'SelectV2', ins: [{ shape: S }, { shape: [3] }], f: (x, y) => tf.where(tf.constant([[true, false, true], [false, false, true]]), x, y), second: true },
  { name: 'MatMul', ins: [{ shape: [2, 3] }, { shape: [3, 4] }], f: (a, b) => tf.matmul(a, b), second: true },
  { name: 'MatMul (transposeA)', ins: [{ shape: [3, 2] }, { shape: [3, 4] }], f: (a, b) => tf.matmul(a, b, { transposeA: true }), second: true },
  { name: 'MatMul (transposeB)', ins: [{ shape: [2, 3] }, { shape: [4, 3] }], f: (a, b) => tf.matmul(a, b, { transposeB: true }), second: true },
  { name: 'MatMul (both)', ins: [{ shape: [3, 2] }, { shape: [4, 3] }], f: (a, b) => tf.matmul(a, b, { transposeA: true, transposeB: true }), second: true },
  { name: 'MatMul (batched, broadcast)', ins: [{ shape: [2, 2, 3] }, { shape: [3, 2] }], f: (a, b) => tf.matmul(a, b), second: true },
  { name: 'Sum', ins: [{ shape: [2, 3, 2] }], f: (x) => [tf.reduceSum(x), tf.reduceSum(x, [0, 2]), tf.reduceSum(x, -1, true)], second: true },
  { name: 'Mean', ins: [{ shape: [2, 3, 2] }], f: (x) => [tf.reduceMean(x), tf.reduceMean(x, 1), tf.reduceMean(x, [0, 2], true)], second: true },
  { name: 'Max', ins: [{ shape: [2, 3, 2] }], f: (x) => [tf.reduceMax(x), tf.reduceMax(x, 1), tf.reduceMax(x, [0, 2], true)] },
  { name: 'Min', ins: [{ shape: [2, 3, 2] }], f: (x) => [tf.reduceMin(x), tf.reduceMin(x, 1, true)] },
  { name: 'Prod', ins: [{ shape: [2, 3, 2] }], f: (x) => [tf.reduceProd(x), tf.reduceProd(x, 1)], second: true },
  {
    name: 'Prod (zeros)',
    ins: [{ shape: [3, 3], gen: (r, i) => (i === 1 || i === 6 || i === 7 ? 0 : 2 * r() - 1) }],
    f: (x) => tf.reduceProd(x, 1),
  },
  un('Relu', tf.nn.relu, 'away'),
  un('Relu6', tf.nn.relu6, (r) => (r() < 0.5 ? -1 : 1) * (0.2 + 7 * r())),
  un('Elu', tf.nn.elu, 'away'),
  un('Selu', tf.nn.selu, 'away'),
  un('Softplus', tf.nn.softplus),
  un('LeakyRelu', (x) => tf.nn.leakyRelu(x, 0.3), 'away'),
  { name: 'Softmax', ins: [{ shape: [2, 4] }], f: (x) => tf.nn.softmax(x), second: true },
  { name: 'Softmax (axis 0)', ins: [{ shape: [3, 2] }], f: (x) => tf.nn.softmax(x, 0), second: true },
  { name: 'LogSoftmax', ins: [{ shape: [2, 4] }], f: (x) => tf.nn.logSoftmax(x), second: true },
  {
    // TF's gradient assumes each row of labels sums to 1 (backprop = softmax - labels).
    name: 'SoftmaxCrossEntropyWithLogits',
    ins: [{ shape: [2, 4] }, { shape: [2, 4], gen: (r, i) => [0.1, 0.2, 0.3, 0.4, 0.5, 0, 0.25, 0.25][i]! }],
    f: (l, y) => tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: y, logits: l }),
  },
  {
    name: 'SoftmaxCrossEntropyWithLogits (both outputs)',
    ins: [{ shape: [2, 4] }, { shape: [2, 4], fixed: { dtype: 'float64', value: [0.1, 0.2, 0.3, 0.4, 0.5, 0, 0.25, 0.25] } }],
    f: (l, y) => {
      const op = tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: y, logits: l }).op;
      return [op.outputs[0]!, op.outputs[1]!];
    },
    second: true,
  },
  {
    name: 'SparseSoftmaxCrossEntropyWithLogits',
    ins: [{ shape: [3, 4] }, { shape: [3], fixed: { dtype: 'int32', value: [2, 0, 3] } }],
    f: (l, y) => {
      const op = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits: l }).op;
      return [op.outputs[0]!, op.outputs[1]!];
    },
    second: true,
  },
  { name: 'BiasAdd', ins: [{ shape: [2, 3, 4] }, { shape: [4] }], f: (v, b) => tf.nn.biasAdd(v, b), second: true },
  { name: 'L2Loss', ins: [{ shape: S }], f: (x) => tf.nn.l2Loss(x), second: true },
  { name: 'Reshape', ins: [{ shape: [2, 6] }], f: (x) => tf.reshape(x, [3, -1, 2]), second: true },
  { name: 'Reshape (shape tensor)', ins: [{ shape: [2, 6] }], f: (x) => tf.reshape(x, tf.constant([4, 3], 'int32')), second: true },
  { name: 'ReshapeLike', ins: [{ shape: [2, 6] }, { shape: [3, 4] }], f: (x, l) => reshapeLike(x, l), second: true },
  { name: 'SumToShapeOf', ins: [{ shape: [2, 3] }, { shape: [3] }], f: (x, l) => sumToShapeOf(x, l), second: true },
  { name: 'BroadcastLike', ins: [{ shape: [3] }, { shape: [2, 3] }], f: (x, l) => broadcastLike(x, l), second: true },
  { name: 'UnreduceLike', ins: [{ shape: [2] }, { shape: [2, 3] }], f: (x, l) => unreduceLike(x, l, [1], false, true), second: true },
  { name: 'Transpose', ins: [{ shape: [2, 3, 4] }], f: (x) => [tf.transpose(x, [1, 2, 0]), tf.transpose(x)], second: true },
  { name: 'ConcatV2', ins: [{ shape: [2, 1] }, { shape: [2, 3] }, { shape: [2, 2] }], f: (a, b, c) => [tf.concat([a, b, c], 1), tf.concat([b, b], -2)], second: true },
  { name: 'Pack', ins: [{ shape: [2, 3] }, { shape: [2, 3] }], f: (a, b) => [tf.stack([a, b]), tf.stack([a, b, a], -1)], second: true },
  { name: 'Unpack', ins: [{ shape: [3, 2] }], f: (x) => [...tf.unstack(x, { axis: 1 }), tf.unstack(x)[2]!], second: true },
  { name: 'ExpandDims', ins: [{ shape: [2, 3] }], f: (x) => [tf.expandDims(x, 1), tf.expandDims(x, -1)], second: true },
  { name: 'Squeeze', ins: [{ shape: [2, 1, 3, 1] }], f: (x) => [tf.squeeze(x), tf.squeeze(x, [1])], second: true },
  { name: 'Slice', ins: [{ shape: [3, 4, 2] }], f: (x) => [tf.slice(x, [1, 0, 1], [2, -1, 1]), tf.slice(x, [0, 2, 0], [3, 2, 2])], second: true },
  { name: 'SliceLike / PadLike', ins: [{ shape: [2, 2] }, { shape: [4, 3] }], f: (x, l) => makeOp(x.graph, 'PadLike', [x, l], { begin: [1, 0] }, undefined, 'Pad').outputs[0]!, second: true },
  {
    name: 'GatherV2',
    ins: [{ shape: [4, 3] }, { shape: [3], fixed: { dtype: 'int32', value: [2, 0, 2] } }],
    f: (p, i) => [tf.gather(p, i), tf.gather(p, i, { axis: 1 }), tf.gather(p, tf.constant([[3, 3], [1, 0]], 'int32'))],
    second: true,
  },
  { name: 'Tile', ins: [{ shape: [2, 3] }], f: (x) => [tf.tile(x, [2, 1]), tf.tile(x, [3, 2])], second: true },
  { name: 'Conv2D (VALID)', ins: [{ shape: [2, 4, 4, 2] }, { shape: [3, 2, 2, 3] }], f: (x, k) => tf.nn.conv2d(x, k, 1, 'VALID'), second: true },
  { name: 'Conv2D (SAME, stride 2)', ins: [{ shape: [1, 5, 4, 2] }, { shape: [3, 3, 2, 2] }], f: (x, k) => tf.nn.conv2d(x, k, 2, 'SAME'), second: true },
  { name: 'Conv2D (dilated)', ins: [{ shape: [1, 5, 5, 1] }, { shape: [2, 2, 1, 2] }], f: (x, k) => tf.nn.conv2d(x, k, 1, 'SAME', { dilations: 2 }), second: true },
  { name: 'MaxPool', ins: [{ shape: [1, 4, 4, 2], gen: (_r, i) => ((i * 37) % 32) / 8 - 2 }], f: (x) => [tf.nn.maxPool(x, 2, 2, 'VALID'), tf.nn.maxPool(x, 3, 1, 'SAME')] },
  { name: 'AvgPool', ins: [{ shape: [2, 4, 5, 2] }], f: (x) => [tf.nn.avgPool(x, 2, 2, 'VALID'), tf.nn.avgPool(x, 3, 2, 'SAME')], second: true },
  { name: 'Identity', ins: [{ shape: S }], f: (x) => tf.identity(x), second: true },
  { name: 'PlaceholderWithDefault', ins: [{ shape: S }], f: (x) => tf.placeholderWithDefault(x, [2, 3]), second: true },
  { name: 'CheckNumerics', ins: [{ shape: S }], f: (x) => tf.checkNumerics(x, 'bad'), second: true },
  { name: 'sigmoid_cross_entropy_with_logits', ins: [{ shape: S, gen: 'away' }, { shape: S, gen: 'prob' }], f: (x, z) => tf.nn.sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), second: true },
  { name: 'clip_by_value', ins: [{ shape: S, gen: (r) => (r() < 0.5 ? -1 : 1) * (0.1 + r()) * 2 }], f: (x) => tf.clipByValue(x, -1.05, 1.05) },
  {
    name: 'MLP',
    ins: [{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [5] }, { shape: [5, 3] }],
    f: (x, w1, b1, w2) => tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: tf.constant([[1, 0, 0], [0, 0.5, 0.5], [0, 0, 1]], 'float64'), logits: tf.matmul(tf.nn.tanh(tf.nn.biasAdd(tf.matmul(x, w1), b1)), w2) }),
    second: true,
  },
];

describe('gradients against central differences (float64)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkCase(c);
  });
});

describe('gradient registry', () => {
  it('every declared op type has a gradient or is declared not differentiable', () => {
    const missing = registeredOpTypes().filter((t) => getGradient(t) === undefined && !t.startsWith('Test'));
    expect(missing).toEqual([]);
  });
});

// ----- tf.gradients behaviour --------------------------------------------------------------
describe('tf.gradients', () => {
  it('names its ops under gradients/, then gradients_1/', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2, 2], 'x');
      const w = new tf.Variable(tf.ones([2, 2]), { name: 'W' });
      const y = tf.matmul(x, w);
      const [d1] = tf.gradients(y, [w]);
      const [d2] = tf.gradients(y, [w]);
      expect(d1!.name).toBe('gradients/MatMul_grad/MatMul_1:0');
      expect(d2!.name).toBe('gradients_1/MatMul_grad/MatMul_1:0');
      expect(g.getOperationByName('gradients/grad_ys_0').type).toBe('FillLike');
    });
  });

  it('sums over several ys, weights by gradYs, and sums several consumers with AddN', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.constant([1, 2, 3], 'float32');
      const y1 = tf.multiply(x, x);
      const y2 = tf.multiply(x, 3);
      const [dx] = tf.gradients([y1, y2], x);
      const [dw] = tf.gradients([y1, y2], x, [tf.constant([1, 1, 1]), tf.constant([2, 0, 1])]);
      expect(g.getOperations().some((op) => op.type === 'AddN')).toBe(true);
      const sess = new tf.Session({ graph: g });
      expect((await sess.run(dx)).toArray()).toEqual([5, 7, 9]);
      expect((await sess.run(dw)).toArray()).toEqual([8, 4, 9]);
      await sess.close();
    });
  });

  it('returns null for unconnected xs, stopGradient, and integer paths', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [3]);
      const z = tf.placeholder('float32', [3]);
      const y = tf.add(tf.multiply(x, 2), tf.stopGradient(z));
      const viaInt = tf.cast(tf.cast(x, 'int32'), 'float32');
      const viaArgmax = tf.cast(tf.argmax(x), 'float32');
      const viaCmp = tf.cast(tf.greater(x, 0), 'float32');
      const viaFloor = tf.floor(x);
      expect(tf.gradients(y, [x, z]).map((t) => t === null)).toEqual([false, true]);
      expect(tf.gradients(viaInt, x)).toEqual([null]);
      expect(tf.gradients(viaArgmax, x)).toEqual([null]);
      expect(tf.gradients(viaCmp, x)).toEqual([null]);
      expect(tf.gradients(viaFloor, x)).toEqual([null]);
      // stopGradients: the given tensors are constants; d(a*x)/dx with a = 2x held fixed is a.
      const a = tf.multiply(x, 2);
      const [da] = tf.gradients(tf.multiply(a, x), [x], null, { stopGradients: [a] });
      expect(da!.op.type).toBe('Mul');
      expect(da!.op.inputs.map((t) => t.name)).toContain(a.name);
    });
  });

  it('a y that is an x gets the seed', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.constant([1, 2], 'float32');
      const [d] = tf.gradients(x, x, [tf.constant([3, 4], 'float32')]);
      const sess = new tf.Session({ graph: g });
      expect((await sess.run(d)).toArray()).toEqual([3, 4]);
      await sess.close();
    });
  });

  it('raises LookupError for an op without a gradient and ValueError for a bad grad_ys count', () => {
    defineOp({ type: 'TestNoGradient', infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }], lower: (_b, [x]) => [x!] });
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2]);
      const op = g.addOp({ type: 'TestNoGradient', inputs: [x], outputs: [{ dtype: 'float32', shape: [2] }], name: 'odd', defaultName: 'odd' });
      expect(() => tf.gradients(op.outputs[0]!, x)).toThrow(tf.errors.LookupError);
      expect(() => tf.gradients(op.outputs[0]!, x)).toThrow("No gradient defined for operation 'odd' (op type: TestNoGradient)");
      expect(() => tf.gradients([x, x], x, [null])).toThrow(new tf.errors.ValueError('Passed 1 grad_ys for 2 ys'));
    });
  });

  it('differentiates through a Variable (via its ref) and reads the current value', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const v = new tf.Variable(tf.constant([1, -2, 3], 'float32'), { name: 'v' });
      const loss = tf.reduceSum(tf.square(v));
      const [d] = tf.gradients(loss, v);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      expect((await sess.run(d)).toArray()).toEqual([2, -4, 6]);
      await sess.close();
    });
  });

  it('gradients of gradients (Hessian-vector products) are ordinary ops', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.constant([0.5, -1, 2], 'float64');
      const y = tf.reduceSum(tf.multiply(tf.pow(x, 3), 1 / 6));
      const [dx] = tf.gradients(y, x); // x^2/2
      const [d2] = tf.gradients(dx!, x); // x
      const [d3] = tf.gradients(d2!, x); // 1
      const sess = new tf.Session({ graph: g });
      const [a, b, c] = await sess.run([dx, d2, d3]);
      expect(a.toArray()).toEqual([0.125, 0.5, 2]);
      expect(b.toArray()).toEqual([0.5, -1, 2]);
      expect(c.toArray()).toEqual([1, 1, 1]);
      await sess.close();
    });
  });
});

// ----- gradient cases from the shared conformance fixtures -----------------------------------
interface FixtureCase { id: string; inputs: Record<string, unknown>; expected: unknown; tol: { atol?: number; rtol?: number } }
const fixtures: FixtureCase[] = JSON.parse(readFileSync(new URL('./fixtures/conformance/cases.json', import.meta.url), 'utf8'));
const fx = (id: string): FixtureCase => fixtures.find((c) => c.id === id)!;
function close(actual: unknown, expected: unknown, tol: { atol?: number; rtol?: number }): void {
  const a = [actual].flat(Infinity) as number[];
  const e = [expected].flat(Infinity) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual((tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(e[i]!)));
}

describe('conformance cases (gradients)', () => {
  async function run<T>(fn: () => T): Promise<T extends unknown[] ? tf.NDArray[] : tf.NDArray> {
    const g = new tf.Graph();
    return g.asDefault(async () => {
      const fetch = fn();
      const sess = new tf.Session({ graph: g });
      const out = await sess.run(fetch);
      await sess.close();
      return out;
    });
  }

  it('softmax_grad_2d', async () => {
    const c = fx('softmax_grad_2d');
    const out = await run(() => {
      const x = tf.constant(c.inputs.x as number[][]);
      return tf.gradients(tf.nn.softmax(x), x, [tf.constant(c.inputs.dy as number[][])])[0];
    });
    close(out.toArray(), c.expected, c.tol);
  });

  it('sigmoid_grad_1d and tanh_grad_scalar', async () => {
    for (const [id, f] of [['sigmoid_grad_1d', tf.sigmoid], ['tanh_grad_scalar', tf.tanh]] as const) {
      const c = fx(id);
      const out = await run(() => {
        const x = tf.constant(c.inputs.x as number[]);
        return tf.gradients(f(x), x, [tf.constant(c.inputs.dy as number[])])[0];
      });
      close(out.toArray(), c.expected, c.tol);
    }
  });

  it('matmul_grad', async () => {
    const c = fx('matmul_grad');
    const out = await run(() => {
      const a = tf.constant(c.inputs.a as number[][]);
      const b = tf.constant(c.inputs.b as number[][]);
      return tf.gradients(tf.matmul(a, b), [a, b], [tf.constant(c.inputs.dy as number[][])]);
    });
    const e = c.expected as { da: number[][]; db: number[][] };
    close(out[0]!.toArray(), e.da, c.tol);
    close(out[1]!.toArray(), e.db, c.tol);
  });

  it('softmax_xent_with_logits: the gradient of the summed loss is the backprop output', async () => {
    const c = fx('softmax_xent_with_logits');
    const out = await run(() => {
      const logits = tf.constant(c.inputs['features(logits)'] as number[][]);
      const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.constant(c.inputs.labels as number[][]), logits });
      return [loss, tf.gradients(loss, logits)[0]!];
    });
    const e = c.expected as { loss: number[]; backprop: number[][] };
    close(out[0]!.toArray(), e.loss, c.tol);
    close(out[1]!.toArray(), e.backprop, c.tol);
  });

  it('l2_loss and its gradient', async () => {
    const c = fx('l2_loss');
    const out = await run(() => {
      const t = tf.constant(c.inputs.t as number[][]);
      const l = tf.nn.l2Loss(t);
      return [l, tf.gradients(l, t)[0]!];
    });
    close(out[0]!.toArray(), c.expected, c.tol);
    close(out[1]!.toArray(), c.inputs.t, { atol: 0 });
  });
});
