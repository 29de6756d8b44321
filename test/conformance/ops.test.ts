/**
 * Every op in the public contract against the float64 reference interpreter: seeded random
 * inputs (respecting each op's domain), fed through placeholders with static shapes and again
 * with every dim unknown, compared within float32 tolerances. One table entry per op.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { DType, NDArray, Tensor } from 'tsflow';
import { evaluate, fromNDArray, numpyBroadcast } from './reference.js';
import { shapeProblems } from './op-table.js';
import {
  type DeviceCaps, Rng, type Tol, apiFn, arrayOf, mismatches, registerSkipSummary, resolvedDevices, skipTest,
} from './harness.js';

registerSkipSummary();

interface Built {
  inputs: NDArray[];
  build(xs: Tensor[]): Tensor | Tensor[];
}

interface OpEntry {
  name: string;
  /** Public functions the entry needs (dotted paths under `tf`). */
  api: string[];
  gen(r: Rng): Built;
  tol?: Partial<Tol>;
  requires?: (keyof DeviceCaps)[];
  trials?: number;
  /** The static output shape may stay partial even when every input shape is known. */
  dynamicShape?: boolean;
}

const ELEMENTWISE: Tol = { rtol: 1e-6, atol: 1e-7 };
const COMPOSITE: Tol = { rtol: 1e-5, atol: 1e-6 };
const ACCUMULATING: Tol = { rtol: 1e-5, atol: 1e-5 };

// ----- input generators --------------------------------------------------------------------------

const f32 = (r: Rng, shape: number[], lo = -3, hi = 3): NDArray => arrayOf(shape, 'float32', () => r.uniform(lo, hi));
const i32 = (r: Rng, shape: number[], lo = -5, hi = 5): NDArray => arrayOf(shape, 'int32', () => r.int(lo, hi));
const bools = (r: Rng, shape: number[]): NDArray => arrayOf(shape, 'bool', () => r.bool());
/** Floats with exact ties, zeros and halves mixed in (for comparisons, sign, round, relu…). */
const edgy = (r: Rng, shape: number[], lo = -3, hi = 3): NDArray =>
  arrayOf(shape, 'float32', () => (r.bool(0.4) ? r.int(2 * lo, 2 * hi) / 2 : r.uniform(lo, hi)));
const positive = (r: Rng, shape: number[], lo = 0.05, hi = 8): NDArray => arrayOf(shape, 'float32', () => r.uniform(lo, hi));
const awayFromZero = (r: Rng, shape: number[]): NDArray => arrayOf(shape, 'float32', () => (r.bool() ? 1 : -1) * r.uniform(0.25, 4));

const anyShape = (r: Rng, minRank = 0, maxRank = 4): number[] => r.shape(r.int(minRank, maxRank), 1, 4);

/** Two shapes that broadcast together (either side may be the smaller one). */
function pairShapes(r: Rng): [number[], number[]] {
  const out = anyShape(r);
  const a = r.bool(0.4) ? out : r.broadcastable(out);
  const b = r.bool(0.4) ? out : r.broadcastable(out);
  return r.bool() ? [a, b] : [b, a];
}

function unary(name: string, fn: (x: Tensor) => Tensor, gen: (r: Rng, s: number[]) => NDArray = f32, tol?: Partial<Tol>): OpEntry {
  return { name, api: [name], tol, gen: (r) => ({ inputs: [gen(r, anyShape(r))], build: ([x]) => fn(x!) }) };
}

function binary(
  name: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  genA: (r: Rng, s: number[]) => NDArray = f32,
  genB: (r: Rng, s: number[]) => NDArray = genA,
  extra: Partial<OpEntry> = {},
): OpEntry {
  return {
    name,
    api: [name.split(' ')[0]!],
    ...extra,
    gen: (r) => {
      const [sa, sb] = pairShapes(r);
      return { inputs: [genA(r, sa), genB(r, sb)], build: ([a, b]) => fn(a!, b!) };
    },
  };
}

/** Random axis argument for a reduction over rank `rank`: none, one (maybe negative), or several. */
function axisArg(r: Rng, rank: number): number | number[] | undefined {
  if (rank === 0 || r.bool(0.25)) return undefined;
  if (r.bool(0.5)) return r.int(-rank, rank - 1);
  const axes = [...Array(rank).keys()].filter(() => r.bool());
  return axes.length ? axes : [r.int(0, rank - 1)];
}

function reduction(name: 'reduceSum' | 'reduceMean' | 'reduceMax' | 'reduceMin', dtype: DType = 'float32', requires?: (keyof DeviceCaps)[]): OpEntry {
  return {
    name: dtype === 'float32' ? name : `${name} (${dtype})`,
    api: [name],
    tol: ACCUMULATING,
    requires,
    gen: (r) => {
      const shape = anyShape(r, 0, 4);
      const axis = axisArg(r, shape.length);
      const keep = r.bool();
      const x = dtype === 'int32' ? i32(r, shape, -20, 20) : dtype === 'float64' ? arrayOf(shape, 'float64', () => r.uniform(-3, 3)) : f32(r, shape);
      return { inputs: [x], build: ([t]) => tf[name](t!, axis, keep) };
    },
  };
}

function matmulEntry(batched: boolean, dtype: DType = 'float32', requires?: (keyof DeviceCaps)[]): OpEntry {
  return {
    name: `matmul${batched ? ' (batched)' : ''}${dtype === 'float32' ? '' : ` (${dtype})`}`,
    api: ['matmul'],
    tol: ACCUMULATING,
    requires,
    gen: (r) => {
      const [m, k, n] = [r.int(1, 7), r.int(1, 9), r.int(1, 7)];
      const ta = r.bool();
      const tb = r.bool();
      const batch = batched ? [r.int(1, 3)] : [];
      const gen = (s: number[]): NDArray => (dtype === 'float64' ? arrayOf(s, 'float64', () => r.uniform(-2, 2)) : f32(r, s, -2, 2));
      const a = gen([...batch, ...(ta ? [k, m] : [m, k])]);
      const b = gen([...(batched && r.bool() ? [] : batch), ...(tb ? [n, k] : [k, n])]);
      return { inputs: [a, b], build: ([x, y]) => tf.matmul(x!, y!, { transposeA: ta, transposeB: tb }) };
    },
  };
}

/** Call a builder that may not exist yet (the entry is skipped when it does not). */
function call(path: string, ...args: unknown[]): Tensor {
  const f = apiFn(path) as ((...a: unknown[]) => Tensor) | undefined;
  if (!f) throw new Error(`tf.${path} is missing`);
  return f(...args);
}

// ----- the table ----------------------------------------------------------------------------------

const OPS: OpEntry[] = [
  // Math
  binary('add', (a, b) => tf.add(a, b)),
  binary('add (int32)', (a, b) => tf.add(a, b), (r, s) => i32(r, s, -1000, 1000)),
  binary('add (float64)', (a, b) => tf.add(a, b), (r, s) => arrayOf(s, 'float64', () => r.uniform(-3, 3)), undefined, { requires: ['float64'] }),
  binary('subtract', (a, b) => tf.subtract(a, b)),
  binary('subtract (int32)', (a, b) => tf.subtract(a, b), (r, s) => i32(r, s, -1000, 1000)),
  binary('multiply', (a, b) => tf.multiply(a, b)),
  binary('multiply (int32)', (a, b) => tf.multiply(a, b), (r, s) => i32(r, s, -300, 300)),
  binary('divide', (a, b) => tf.divide(a, b), f32, awayFromZero),
  binary('divide (int32 → float32)', (a, b) => tf.divide(a, b), (r, s) => i32(r, s, -9, 9), (r, s) => arrayOf(s, 'int32', () => (r.bool() ? 1 : -1) * r.int(1, 7))),
  unary('negative', (x) => tf.negative(x)),
  unary('abs', (x) => tf.abs(x), edgy),
  { ...unary('abs', (x) => tf.abs(x), (r, s) => i32(r, s)), name: 'abs (int32)' },
  unary('square', (x) => tf.square(x)),
  unary('sqrt', (x) => tf.sqrt(x), (r, s) => positive(r, s, 0, 50)),
  unary('rsqrt', (x) => tf.rsqrt(x), positive),
  unary('exp', (x) => tf.exp(x), (r, s) => f32(r, s, -10, 10)),
  unary('log', (x) => tf.log(x), (r, s) => positive(r, s, 1e-3, 100)),
  binary('pow', (a, b) => tf.pow(a, b), (r, s) => positive(r, s, 0.1, 4), (r, s) => f32(r, s, -2.5, 2.5)),
  binary('pow (negative base, integral exponent)', (a, b) => tf.pow(a, b), (r, s) => f32(r, s, -3, 3), (r, s) => arrayOf(s, 'float32', () => r.int(-3, 4))),
  binary('maximum', (a, b) => tf.maximum(a, b), edgy),
  binary('maximum (int32)', (a, b) => tf.maximum(a, b), (r, s) => i32(r, s)),
  binary('minimum', (a, b) => tf.minimum(a, b), edgy),
  unary('sign', (x) => tf.sign(x), edgy),
  unary('floor', (x) => tf.floor(x), edgy),
  unary('round', (x) => tf.round(x), (r, s) => edgy(r, s, -6, 6)),
  {
    name: 'clipByValue',
    api: ['clipByValue'],
    gen: (r) => {
      const lo = r.uniform(-2, 0);
      const hi = r.uniform(0, 2);
      return { inputs: [edgy(r, anyShape(r))], build: ([x]) => tf.clipByValue(x!, lo, hi) };
    },
  },
  matmulEntry(false),
  matmulEntry(true),
  matmulEntry(false, 'float64', ['float64']),

  // Reductions
  reduction('reduceSum'),
  reduction('reduceSum', 'int32'),
  reduction('reduceSum', 'float64', ['float64']),
  reduction('reduceMean'),
  reduction('reduceMean', 'int32'),
  reduction('reduceMax'),
  reduction('reduceMax', 'int32'),
  reduction('reduceMin'),
  ...(['argmax', 'argmin'] as const).map(
    (name): OpEntry => ({
      name,
      api: [name],
      gen: (r) => {
        const shape = anyShape(r, 1, 4);
        const axis = r.int(-shape.length, shape.length - 1);
        // Small integers: ties are common, and the smallest index must win.
        return { inputs: [arrayOf(shape, 'float32', () => r.int(-2, 2))], build: ([x]) => tf[name](x!, axis) };
      },
    }),
  ),

  // Comparison / logic
  ...(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const).map((name) =>
    binary(name, (a, b) => tf[name](a, b), (r, s) => arrayOf(s, 'float32', () => r.int(-2, 2) / 2)),
  ),
  binary('equal (int32)', (a, b) => tf.equal(a, b), (r, s) => i32(r, s, -2, 2)),
  binary('logicalAnd', (a, b) => tf.logicalAnd(a, b), bools),
  binary('logicalOr', (a, b) => tf.logicalOr(a, b), bools),
  unary('logicalNot', (x) => tf.logicalNot(x), bools),
  {
    name: 'where',
    api: ['where'],
    gen: (r) => {
      const out = anyShape(r);
      return {
        inputs: [bools(r, r.broadcastable(out)), f32(r, r.broadcastable(out)), f32(r, out)],
        build: ([c, x, y]) => tf.where(c!, x!, y!),
      };
    },
  },

  // Shape / movement
  ...([
    ['float32', 'int32', (r: Rng, s: number[]) => f32(r, s, -6, 6)],
    ['int32', 'float32', (r: Rng, s: number[]) => i32(r, s, -100, 100)],
    ['float32', 'bool', edgy],
    ['bool', 'float32', bools],
    ['int32', 'bool', (r: Rng, s: number[]) => i32(r, s, -1, 1)],
  ] as const).map(
    ([from, to, gen]): OpEntry => ({
      name: `cast ${from} → ${to}`,
      api: ['cast'],
      gen: (r) => ({ inputs: [gen(r, anyShape(r))], build: ([x]) => tf.cast(x!, to) }),
    }),
  ),
  {
    name: 'reshape',
    api: ['reshape'],
    gen: (r) => {
      const shape = anyShape(r, 0, 4);
      const n = shape.reduce((a, d) => a * d, 1);
      // A new factorisation of n, maybe with one -1.
      const factors: number[] = [];
      let rest = n;
      for (let p = 2; p <= rest; p++) while (rest % p === 0) { factors.push(p); rest /= p; }
      const target: number[] = [];
      for (const f of factors) if (target.length && r.bool()) target[target.length - 1]! *= f; else target.push(f);
      if (r.bool(0.3)) target.splice(r.int(0, target.length), 0, 1);
      if (target.length && r.bool()) target[r.int(0, target.length - 1)] = -1;
      return { inputs: [f32(r, shape)], build: ([x]) => tf.reshape(x!, target) };
    },
  },
  {
    name: 'transpose',
    api: ['transpose'],
    gen: (r) => {
      const shape = anyShape(r, 0, 5);
      const perm = [...shape.keys()];
      for (let i = perm.length - 1; i > 0; i--) {
        const j = r.int(0, i);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const usePerm = r.bool(0.7);
      return { inputs: [f32(r, shape)], build: ([x]) => tf.transpose(x!, usePerm ? perm : undefined) };
    },
  },
  {
    name: 'concat',
    api: ['concat'],
    gen: (r) => {
      const base = anyShape(r, 1, 4);
      const axis = r.int(0, base.length - 1);
      const parts = Array.from({ length: r.int(1, 4) }, () => {
        const s = [...base];
        s[axis] = r.int(1, 3);
        return f32(r, s);
      });
      const negAxis = r.bool();
      return { inputs: parts, build: (xs) => call('concat', xs, negAxis ? axis - base.length : axis) };
    },
  },
  {
    name: 'stack',
    api: ['stack'],
    gen: (r) => {
      const base = anyShape(r, 0, 3);
      const axis = r.int(0, base.length);
      const parts = Array.from({ length: r.int(1, 4) }, () => f32(r, base));
      return { inputs: parts, build: (xs) => call('stack', xs, axis) };
    },
  },
  {
    name: 'expandDims',
    api: ['expandDims'],
    gen: (r) => {
      const shape = anyShape(r, 0, 3);
      const axis = r.int(-shape.length - 1, shape.length);
      return { inputs: [f32(r, shape)], build: ([x]) => call('expandDims', x, axis) };
    },
  },
  {
    name: 'squeeze',
    api: ['squeeze'],
    gen: (r) => {
      const shape = r.shape(r.int(1, 4), 1, 3).map((d) => (r.bool(0.4) ? 1 : d));
      const ones = [...shape.keys()].filter((i) => shape[i] === 1);
      const axes = ones.filter(() => r.bool());
      const useAxes = axes.length > 0 && r.bool();
      return { inputs: [f32(r, shape)], build: ([x]) => (useAxes ? call('squeeze', x, axes) : call('squeeze', x)) };
    },
  },
  {
    name: 'slice',
    api: ['slice'],
    gen: (r) => {
      const shape = anyShape(r, 1, 4);
      const begin = shape.map((d) => r.int(0, d - 1));
      const sz = shape.map((d, i) => (r.bool(0.2) ? -1 : r.int(0, d - begin[i]!)));
      return { inputs: [f32(r, shape)], build: ([x]) => call('slice', x, begin, sz) };
    },
  },
  {
    name: 'gather',
    api: ['gather'],
    gen: (r) => {
      const shape = anyShape(r, 1, 3);
      const axis = r.bool() ? undefined : r.int(0, shape.length - 1);
      const idx = arrayOf(r.shape(r.int(0, 2), 1, 4), 'int32', () => r.int(0, shape[axis ?? 0]! - 1));
      return { inputs: [f32(r, shape), idx], build: ([x, i]) => (axis === undefined ? call('gather', x, i) : call('gather', x, i, { axis })) };
    },
  },
  {
    name: 'oneHot',
    api: ['oneHot'],
    gen: (r) => {
      const depth = r.int(1, 6);
      const idxShape = r.shape(r.int(0, 2), 1, 4);
      const idx = arrayOf(idxShape, 'int32', () => r.int(-1, depth));
      // Out-of-range indices (-1, depth) give a row of offValue.
      const opts = r.bool() ? undefined : { onValue: r.pick([1, 5, -2]), offValue: r.pick([0, 0.5]), axis: r.int(-1, idxShape.length) };
      return { inputs: [idx], build: ([i]) => (opts ? call('oneHot', i, depth, opts) : call('oneHot', i, depth)) };
    },
  },
  {
    name: 'tile',
    api: ['tile'],
    gen: (r) => {
      const shape = anyShape(r, 1, 3);
      const mult = shape.map(() => r.int(1, 3));
      return { inputs: [f32(r, shape)], build: ([x]) => call('tile', x, mult) };
    },
  },
  {
    name: 'range',
    api: ['range'],
    gen: (r) => {
      const start = r.int(-5, 5);
      const limit = start + r.int(0, 12);
      const delta = r.int(1, 3);
      const limitOnly = r.bool(0.3);
      const negative = !limitOnly && r.bool(0.3);
      return {
        inputs: [],
        build: () => (limitOnly ? call('range', limit - start) : negative ? call('range', limit, start, -delta) : call('range', start, limit, delta)),
      };
    },
  },
  ...(['shape', 'size', 'rank'] as const).map(
    (name): OpEntry => ({
      name,
      api: [name],
      dynamicShape: true,
      gen: (r) => ({ inputs: [f32(r, anyShape(r, 0, 4))], build: ([x]) => tf[name](x!) }),
    }),
  ),

  // Constructors and plumbing
  {
    name: 'constant / zeros / ones / fill',
    api: ['constant', 'zeros', 'ones', 'fill'],
    gen: (r) => {
      const s = anyShape(r, 0, 3);
      const v = f32(r, s);
      const c = r.uniform(-3, 3);
      return {
        inputs: [],
        build: () => [tf.constant(v), tf.zeros(s), tf.ones(s, 'int32'), tf.fill(s, c), tf.constant(c, 'float32', s)],
      };
    },
  },
  {
    name: 'zerosLike / onesLike / identity / stopGradient / placeholderWithDefault',
    api: ['zerosLike', 'onesLike', 'identity', 'stopGradient', 'placeholderWithDefault'],
    gen: (r) => {
      const s = anyShape(r);
      const d = f32(r, s);
      return {
        inputs: [f32(r, s)],
        build: ([x]) => [tf.zerosLike(x!), tf.onesLike(x!), tf.identity(x!), tf.stopGradient(x!), tf.placeholderWithDefault(d, s)],
      };
    },
  },
  unary('checkNumerics', (x) => tf.checkNumerics(x, 'finite')),

  // tf.nn
  unary('nn.relu', (x) => tf.nn.relu(x), edgy),
  unary('nn.relu6', (x) => tf.nn.relu6(x), (r, s) => edgy(r, s, -3, 9)),
  {
    name: 'nn.leakyRelu',
    api: ['nn.leakyRelu'],
    gen: (r) => {
      const alpha = r.pick([undefined, 0.01, 0.3, 1.5]);
      return { inputs: [edgy(r, anyShape(r))], build: ([x]) => (alpha === undefined ? tf.nn.leakyRelu(x!) : tf.nn.leakyRelu(x!, alpha)) };
    },
  },
  unary('nn.elu', (x) => tf.nn.elu(x), (r, s) => edgy(r, s, -6, 4)),
  unary('nn.softplus', (x) => tf.nn.softplus(x), (r, s) => f32(r, s, -30, 30)),
  unary('nn.sigmoid', (x) => tf.nn.sigmoid(x), (r, s) => f32(r, s, -20, 20)),
  unary('nn.tanh', (x) => tf.nn.tanh(x), (r, s) => f32(r, s, -10, 10)),
  unary('sigmoid', (x) => tf.sigmoid(x), (r, s) => f32(r, s, -20, 20)),
  unary('tanh', (x) => tf.tanh(x), (r, s) => f32(r, s, -10, 10)),
  ...(['softmax', 'logSoftmax'] as const).map(
    (name): OpEntry => ({
      name: `nn.${name}`,
      api: [`nn.${name}`],
      tol: COMPOSITE,
      gen: (r) => {
        const shape = anyShape(r, 1, 4);
        const axis = r.bool() ? undefined : r.int(-shape.length, shape.length - 1);
        return { inputs: [f32(r, shape, -8, 8)], build: ([x]) => (axis === undefined ? tf.nn[name](x!) : tf.nn[name](x!, axis)) };
      },
    }),
  ),
  {
    name: 'nn.dropout',
    api: ['nn.dropout'],
    gen: (r) => {
      const shape = anyShape(r, 1, 4);
      const keep = r.pick([0.5, 0.8, 0.25]);
      const seed = r.int(1, 1000);
      const noise = r.bool() ? shape.map((d) => (r.bool() ? 1 : d)) : undefined;
      return { inputs: [f32(r, shape)], build: ([x]) => tf.nn.dropout(x!, keep, { seed, noiseShape: noise }) };
    },
  },
  {
    name: 'nn.biasAdd',
    api: ['nn.biasAdd'],
    gen: (r) => {
      const shape = anyShape(r, 1, 4);
      return { inputs: [f32(r, shape), f32(r, [shape[shape.length - 1]!])], build: ([x, b]) => tf.nn.biasAdd(x!, b!) };
    },
  },
  { ...unary('nn.l2Loss', (x) => tf.nn.l2Loss(x)), tol: ACCUMULATING },
  {
    name: 'nn.softmaxCrossEntropyWithLogits (loss and backprop)',
    api: ['nn.softmaxCrossEntropyWithLogits'],
    tol: COMPOSITE,
    gen: (r) => {
      const [n, c] = [r.int(1, 5), r.int(1, 6)];
      const labels = new Float32Array(n * c);
      for (let i = 0; i < n; i++) {
        const w = Array.from({ length: c }, () => r.next());
        const s = w.reduce((a, b) => a + b, 0);
        w.forEach((v, j) => (labels[i * c + j] = v / s));
      }
      return {
        inputs: [f32(r, [n, c], -6, 6), new tf.NDArray(labels, [n, c])],
        build: ([logits, lab]) => {
          const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels: lab!, logits: logits! });
          return [loss, loss.op.outputs[1]!];
        },
      };
    },
  },
  {
    name: 'nn.sparseSoftmaxCrossEntropyWithLogits (loss and backprop)',
    api: ['nn.sparseSoftmaxCrossEntropyWithLogits'],
    tol: COMPOSITE,
    gen: (r) => {
      const [n, c] = [r.int(1, 5), r.int(1, 6)];
      return {
        inputs: [f32(r, [n, c], -6, 6), arrayOf([n], 'int32', () => r.int(0, c - 1))],
        build: ([logits, lab]) => {
          const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: lab!, logits: logits! });
          return [loss, loss.op.outputs[1]!];
        },
      };
    },
  },
  {
    name: 'nn.sigmoidCrossEntropyWithLogits',
    api: ['nn.sigmoidCrossEntropyWithLogits'],
    tol: COMPOSITE,
    gen: (r) => {
      const s = anyShape(r);
      return {
        inputs: [edgy(r, s, -8, 8), arrayOf(s, 'float32', () => (r.bool() ? r.int(0, 1) : r.next()))],
        build: ([x, z]) => tf.nn.sigmoidCrossEntropyWithLogits({ labels: z!, logits: x! }),
      };
    },
  },
  {
    name: 'nn.conv2d',
    api: ['nn.conv2d'],
    tol: ACCUMULATING,
    gen: (r) => {
      const [n, h, w, c, o] = [r.int(1, 2), r.int(1, 7), r.int(1, 7), r.int(1, 3), r.int(1, 3)];
      const padding = r.pick(['SAME', 'VALID'] as const);
      const kh = padding === 'VALID' ? r.int(1, h) : r.int(1, 4);
      const kw = padding === 'VALID' ? r.int(1, w) : r.int(1, 4);
      const s = [1, r.int(1, 3), r.int(1, 3), 1];
      // Dilation (TF requires unit strides with it) keeps the effective window inside VALID inputs.
      const dil = padding === 'SAME' && r.bool(0.3) ? [1, 2, 2, 1] : undefined;
      const strides = dil ? [1, 1, 1, 1] : s;
      return {
        inputs: [f32(r, [n, h, w, c]), f32(r, [kh, kw, c, o])],
        build: ([x, f]) => (dil ? call('nn.conv2d', x, f, strides, padding, { dilations: dil }) : call('nn.conv2d', x, f, strides, padding)),
      };
    },
  },
  ...(['maxPool', 'avgPool'] as const).map(
    (name): OpEntry => ({
      name: `nn.${name}`,
      api: [`nn.${name}`],
      tol: COMPOSITE,
      gen: (r) => {
        const [n, h, w, c] = [r.int(1, 2), r.int(1, 7), r.int(1, 7), r.int(1, 3)];
        const padding = r.pick(['SAME', 'VALID'] as const);
        const kh = padding === 'VALID' ? r.int(1, h) : r.int(1, 4);
        const kw = padding === 'VALID' ? r.int(1, w) : r.int(1, 4);
        const s = [1, r.int(1, 3), r.int(1, 3), 1];
        return { inputs: [edgy(r, [n, h, w, c])], build: ([x]) => call(`nn.${name}`, x, [1, kh, kw, 1], s, padding) };
      },
    }),
  ),
];

// ----- the table covers the contract -----------------------------------------------------------------

/** Builder names in api.md's "Ops" section (`nn.` prefixed inside the tf.nn bullet). */
function contractOps(): string[] {
  const md = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = md.slice(md.indexOf('## Ops'), md.indexOf('## Running'));
  const names: string[] = [];
  for (const bullet of section.split(/\n- /).slice(1)) {
    const prefix = bullet.startsWith('`tf.nn`') ? 'nn.' : '';
    for (const [, chunk] of bullet.matchAll(/`([^`]*)`/g)) {
      if (chunk === 'tf.nn') continue;
      let text = chunk!;
      for (let prev = ''; prev !== text; ) [prev, text] = [text, text.replace(/\([^()]*\)|\{[^{}]*\}/g, ' ')];
      for (const tok of text.split(/[\s,]+/)) {
        if (!/^(tf\.)?[a-z][A-Za-z0-9]*$/.test(tok)) continue;
        names.push(tok.startsWith('tf.') ? tok.slice(3) : prefix + tok);
      }
    }
  }
  return names;
}

describe('the op table', () => {
  it("has an entry for every op in api.md's Ops list", () => {
    const ops = contractOps();
    expect(ops.length).toBeGreaterThan(60);
    const covered = new Set(OPS.flatMap((e) => e.api));
    expect(ops.filter((n) => !covered.has(n))).toEqual([]);
  });
});

// ----- running an entry ------------------------------------------------------------------------------

const RANDOM_OP = /^(Random|TruncatedNormal)/;

/** Random-op outputs upstream of `outs` (their values are pinned in the reference). */
function randomTensors(outs: readonly Tensor[]): Tensor[] {
  const seen = new Set<tf.Operation>();
  const found: Tensor[] = [];
  const stack = outs.map((t) => t.op);
  while (stack.length) {
    const op = stack.pop()!;
    if (seen.has(op)) continue;
    seen.add(op);
    if (RANDOM_OP.test(op.type)) found.push(...op.outputs);
    for (const t of op.inputs) stack.push(t.op);
    for (const c of op.controlInputs) stack.push(c);
  }
  return found;
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

interface Trial {
  label: string;
  feeds: Map<Tensor, NDArray>;
  outs: Tensor[];
  randoms: Tensor[];
  staticShapes: boolean;
}

const devices = await resolvedDevices();

for (const dev of devices) {
  describe(`ops vs the float64 reference [${dev.name}]`, () => {
    for (const entry of OPS) {
      it(entry.name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        for (const p of entry.api) if (!apiFn(p)) skipTest(ctx, `tf.${p} is not implemented yet`);
        for (const c of entry.requires ?? []) if (!dev.caps[c]) skipTest(ctx, `device ${dev.name} does not declare capability '${c}'`);

        const g = new tf.Graph();
        const trials: Trial[] = [];
        const n = entry.trials ?? 4;
        g.asDefault(() => {
          for (let t = 0; t < n; t++) {
            for (const staticShapes of [true, false]) {
              const r = new Rng(hashName(entry.name) + t * 7919);
              const spec = entry.gen(r);
              const phs = spec.inputs.map((a) => tf.placeholder(a.dtype, staticShapes ? a.shape : a.shape.map(() => null)));
              const built = spec.build(phs);
              const outs = Array.isArray(built) ? built : [built];
              const shapes = spec.inputs.map((a) => `[${a.shape}]`).join(', ');
              trials.push({
                label: `trial ${t} (${staticShapes ? 'static' : 'unknown'} shapes; inputs ${shapes || 'none'})`,
                feeds: new Map(phs.map((p, i) => [p, spec.inputs[i]!])),
                outs,
                randoms: randomTensors(outs),
                staticShapes,
              });
            }
          }
        });

        const tol: Tol = { ...ELEMENTWISE, ...entry.tol };
        tol.rtol *= dev.caps.tolScale;
        tol.atol *= dev.caps.tolScale;
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          for (const tr of trials) {
            const got = (await sess.run([...tr.outs, ...tr.randoms], tr.feeds)) as NDArray[];
            const pinned = new Map(tr.randoms.map((t, i) => [t, got[tr.outs.length + i]!]));
            const want = evaluate(tr.outs, { feeds: tr.feeds, pinned });
            tr.outs.forEach((t, i) => {
              const actual = got[i]!;
              // The static shape must describe the run-time one (exactly, when inputs are static).
              const problems = [...mismatches(actual, want[i]!, tol), ...shapeProblems(t, actual, tr.staticShapes && !entry.dynamicShape)];
              expect(problems, `${entry.name}, ${tr.label}, output ${i} (${t.name}):\n  ${problems.join('\n  ')}`).toEqual([]);
            });
          }
        } finally {
          await sess.close();
        }
      });
    }
  });
}

// ----- checks that are not a reference comparison ------------------------------------------------------

for (const dev of devices) {
  describe(`op behaviour beyond the reference [${dev.name}]`, () => {
    it('random ops: distributions and ranges', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [u, nrm, tn] = g.asDefault(() => [
        tf.randomUniform([4000], { minval: -2, maxval: 3, seed: 1 }),
        tf.randomNormal([4000], { mean: 1, stddev: 2, seed: 2 }),
        tf.truncatedNormal([4000], { mean: -1, stddev: 0.5, seed: 3 }),
      ]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [a, b, c] = (await sess.run([u!, nrm!, tn!])) as NDArray[];
      await sess.close();
      const stats = (x: NDArray): [number, number, number, number] => {
        const d = Array.from(x.data);
        const m = d.reduce((p, q) => p + q, 0) / d.length;
        const sd = Math.sqrt(d.reduce((p, q) => p + (q - m) ** 2, 0) / d.length);
        return [m, sd, Math.min(...d), Math.max(...d)];
      };
      const [um, , umin, umax] = stats(a!);
      expect(umin).toBeGreaterThanOrEqual(-2);
      expect(umax).toBeLessThan(3);
      expect(um).toBeCloseTo(0.5, 0);
      const [nm, nsd] = stats(b!);
      expect(Math.abs(nm - 1)).toBeLessThan(0.15);
      expect(Math.abs(nsd - 2)).toBeLessThan(0.15);
      const [tm, , tmin, tmax] = stats(c!);
      // Redrawn beyond two standard deviations.
      expect(tmin).toBeGreaterThanOrEqual(-1 - 2 * 0.5);
      expect(tmax).toBeLessThanOrEqual(-1 + 2 * 0.5);
      expect(Math.abs(tm + 1)).toBeLessThan(0.05);
      expect(a!.dtype).toBe('float32');
    });

    it('dropout with keepProb 1 (a literal) returns x itself; other rates scale kept units', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [x, same, y] = g.asDefault(() => {
        const x = tf.placeholder('float32', [2000]);
        return [x, tf.nn.dropout(x, 1), tf.nn.dropout(x, 0.25, { seed: 5 })] as const;
      });
      expect(same).toBe(x);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const ones = new tf.NDArray(new Float32Array(2000).fill(1), [2000]);
      const out = (await sess.run(y, [[x, ones]])) as NDArray;
      await sess.close();
      const vals = new Set(Array.from(out.data));
      expect([...vals].sort()).toEqual([0, 4]);
      const kept = Array.from(out.data).filter((v) => v !== 0).length / 2000;
      expect(Math.abs(kept - 0.25)).toBeLessThan(0.05);
    });

    it('checkNumerics fails on NaN / Inf with TF text', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [x, y] = g.asDefault(() => {
        const x = tf.placeholder('float32', [3]);
        return [x, tf.checkNumerics(tf.log(x), 'log went bad')] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      await expect(sess.run(y, [[x, [1, 2, -1]]])).rejects.toThrow(/^log went bad : Tensor had NaN values/);
      await expect(sess.run(y, [[x, [1, 0, 3]]])).rejects.toThrow(/^log went bad : Tensor had Inf values/);
      await expect(sess.run(y, [[x, [1, 0, 3]]])).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
      await sess.close();
    });

    it('sparse cross-entropy rejects an out-of-range label with TF text', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [labels, loss] = g.asDefault(() => {
        const labels = tf.placeholder('int32', [3]);
        const logits = tf.zeros([3, 10]);
        return [labels, tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits })] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const err = await sess.run(loss, [[labels, new tf.NDArray(Int32Array.from([3, 10, 1]), [3])]]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((err as Error).message.split('\n')[0]).toBe('Received a label value of 10 which is outside the valid range of [0, 10).  Label values: 3 10 1');
      await sess.close();
    });

    it('run-time broadcasting failure: Incompatible shapes', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [a, b, c] = g.asDefault(() => {
        const a = tf.placeholder('float32', [null, null]);
        const b = tf.placeholder('float32', [null]);
        return [a, b, tf.add(a, b)] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const err = await sess.run(c, [[a, [[1, 2, 3], [4, 5, 6]]], [b, [1, 2, 3, 4]]]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((err as Error).message.split('\n')[0]).toBe('Incompatible shapes: [2,3] vs. [4]');
      expect((err as tf.errors.OpError).op).toBe('Add');
      await sess.close();
    });

    it('matmul size mismatch: build-time ValueError and run-time InvalidArgumentError texts', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      new tf.Graph().asDefault(() => {
        expect(() => tf.matmul(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(
          "Dimensions must be equal, but are 3 and 4 for 'MatMul' (op: 'MatMul') with input shapes: [2,3], [4,5].",
        );
      });
      new tf.Graph().asDefault(() => {
        expect(() => tf.matmul(tf.zeros([2]), tf.zeros([2, 3]))).toThrow(
          "Shape must be rank 2 but is rank 1 for 'MatMul' (op: 'MatMul') with input shapes: [2], [2,3].",
        );
      });
      const g = new tf.Graph();
      const [a, b, c] = g.asDefault(() => {
        const a = tf.placeholder('float32', [null, null]);
        const b = tf.placeholder('float32', [null, null]);
        return [a, b, tf.matmul(a, b)] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const err = await sess.run(c, [[a, tf.NDArray.zeros([2, 3])], [b, tf.NDArray.zeros([4, 5])]]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((err as Error).message.split('\n')[0]).toBe('Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]');
      await sess.close();
    });

    it('reshape with a wrong element count: TF texts', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [x, r1, r2] = g.asDefault(() => {
        const x = tf.placeholder('float32', [null]);
        return [x, tf.reshape(x, [2, 2]), tf.reshape(x, [-1, 2])] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const six = [1, 2, 3, 4, 5, 6];
      await expect(sess.run(r1, [[x, six]])).rejects.toThrow('Input to reshape is a tensor with 6 values, but the requested shape has 4');
      await expect(sess.run(r2, [[x, [1, 2, 3, 4, 5, 6, 7]]])).rejects.toThrow(
        'Input to reshape is a tensor with 7 values, but the requested shape requires a multiple of 2',
      );
      await sess.close();
    });

    it('numpy broadcasting of the reference agrees with its own rule on a known example', () => {
      expect(numpyBroadcast([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
      expect(numpyBroadcast([2, 3], [4])).toBeUndefined();
      expect(fromNDArray(new tf.NDArray(Float32Array.from([1.5]), [1])).data[0]).toBe(1.5);
    });
  });
}
