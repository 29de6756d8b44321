/**
 * TF1's calling convention for the training-side functions: learning-rate schedules, clipping,
 * tf.gradients, tf.group, tf.assign*, tf.stridedSlice, summaries, FileWriter and the Saver.
 * Positional calls in TF1's order and keyword calls build the same graph; values of the new
 * schedules and of clipByAverageNorm are checked against float64 formulas.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { NDArray } from '../src/ndarray.js';
import { thrown } from './support/errors.js';
import { checkGradients } from './support/grad-check.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-cc-train-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Build = () => unknown;

function signature(g: tf.Graph): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof NDArray) return { nd: v.dtype === 'string' ? v.size : v.toArray(), dtype: v.dtype, shape: v.shape };
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, norm(x)]));
    return v;
  };
  const cols = [tf.GraphKeys.SUMMARIES, 'mine'].map((k) => g.getCollection<{ name: string }>(k).map((t) => t.name));
  return JSON.stringify([
    g.getOperations().map((op) => [op.name, op.type, op.inputs.map((t) => t.name), op.controlInputs.map((c) => c.name), norm((op as unknown as { attrs: unknown }).attrs)]),
    cols,
  ]);
}
function built(fn: Build): string {
  const g = new tf.Graph();
  g.asDefault(() => {
    tf.setRandomSeed(1);
    fn();
  });
  return signature(g);
}

const step = (): tf.Tensor => tf.placeholder('int64', [], 'step');
const x = (): tf.Tensor => tf.placeholder('float32', [2, 3], 'x');
const v = (): tf.Variable => new tf.Variable([1, 2, 3], { name: 'v' });

const cases: [string, Build, Build][] = [
  ['exponentialDecay', () => tf.train.exponentialDecay(0.1, step(), 10, 0.5, true, 'ed'), () => tf.train.exponentialDecay(0.1, step(), { decaySteps: 10, decayRate: 0.5, staircase: true, name: 'ed' })],
  ['exponentialDecay (None is the default)', () => tf.train.exponentialDecay(0.1, step(), 10, 0.5), () => tf.train.exponentialDecay(0.1, step(), 10, 0.5, null, null)],
  ['inverseTimeDecay', () => tf.train.inverseTimeDecay(0.1, step(), 10, 2, false, 'it'), () => tf.train.inverseTimeDecay({ learningRate: 0.1, globalStep: step(), decaySteps: 10, decayRate: 2, name: 'it' })],
  ['naturalExpDecay', () => tf.train.naturalExpDecay(0.1, step(), 10, 2, true), () => tf.train.naturalExpDecay(0.1, step(), 10, { decayRate: 2, staircase: true })],
  ['polynomialDecay', () => tf.train.polynomialDecay(0.1, step(), 100, 0.01, 2, true, 'pd'), () => tf.train.polynomialDecay(0.1, step(), 100, { endLearningRate: 0.01, power: 2, cycle: true, name: 'pd' })],
  ['cosineDecay', () => tf.train.cosineDecay(0.2, step(), 100, 0.1, 'cd'), () => tf.train.cosineDecay(0.2, step(), 100, { alpha: 0.1, name: 'cd' })],
  ['cosineDecayRestarts', () => tf.train.cosineDecayRestarts(0.2, step(), 10, 2, 0.5, 0.1, 'sg'), () => tf.train.cosineDecayRestarts(0.2, step(), { firstDecaySteps: 10, mMul: 0.5, alpha: 0.1, name: 'sg' })],
  ['linearCosineDecay', () => tf.train.linearCosineDecay(0.2, step(), 10, 1, 0.1, 0.01, 'lc'), () => tf.train.linearCosineDecay(0.2, step(), 10, { numPeriods: 1, alpha: 0.1, beta: 0.01, name: 'lc' })],
  ['noisyLinearCosineDecay', () => tf.train.noisyLinearCosineDecay(0.2, step(), 10, 0.5, 0.6, 1, 0.1, 0.01), () => tf.train.noisyLinearCosineDecay(0.2, step(), 10, { initialVariance: 0.5, varianceDecay: 0.6, numPeriods: 1, alpha: 0.1, beta: 0.01 })],
  ['piecewiseConstant', () => tf.train.piecewiseConstant(step(), [10, 20], [1, 0.5, 0.1], 'pc'), () => tf.train.piecewiseConstant(step(), { boundaries: [10, 20], values: [1, 0.5, 0.1], name: 'pc' })],
  ['clipByNorm', () => tf.clipByNorm(x(), 1.5, [1], 'cn'), () => tf.clipByNorm(x(), { clipNorm: 1.5, axes: [1], name: 'cn' })],
  ['clipByGlobalNorm', () => tf.clipByGlobalNorm([x(), x()], 2, null, 'cg'), () => tf.clipByGlobalNorm([x(), x()], { clipNorm: 2, name: 'cg' })],
  ['clipByGlobalNorm (useNorm)', () => tf.clipByGlobalNorm([x()], 2, tf.constant(3), 'cg'), () => tf.clipByGlobalNorm({ tList: [x()], clipNorm: 2, useNorm: tf.constant(3), name: 'cg' })],
  ['clipByAverageNorm', () => tf.clipByAverageNorm(x(), 0.5, 'ca'), () => tf.clipByAverageNorm(x(), { clipNorm: 0.5, name: 'ca' })],
  ['globalNorm', () => tf.globalNorm([x(), x()], 'gn'), () => tf.globalNorm({ tList: [x(), x()], name: 'gn' })],
  ['clipByValue', () => tf.clipByValue(x(), -1, 1, 'cv'), () => tf.clipByValue(x(), { clipValueMin: -1, clipValueMax: 1, name: 'cv' })],
  [
    'gradients',
    () => {
      const a = x();
      const s = tf.stopGradient(a);
      tf.gradients(tf.reduceSum(tf.multiply(a, a)), [a], [tf.constant(2)], 'G', false, true, tf.AggregationMethod.ADD_N, [s]);
    },
    () => {
      const a = x();
      const s = tf.stopGradient(a);
      tf.gradients(tf.reduceSum(tf.multiply(a, a)), [a], { gradYs: [tf.constant(2)], name: 'G', gateGradients: true, stopGradients: [s] });
    },
  ],
  ['group', () => tf.group(tf.noOp('a'), [tf.noOp('b')], { name: 'grp' }), () => tf.group([tf.noOp('a'), tf.noOp('b')], { name: 'grp' })],
  ['assign', () => tf.assign(v(), [3, 2, 1], true, false, 'as'), () => tf.assign(v(), [3, 2, 1], { validateShape: true, name: 'as' })],
  ['assign (name third, the earlier form)', () => tf.assign(v(), [3, 2, 1], 'as'), () => tf.assign({ ref: v(), value: [3, 2, 1], name: 'as' })],
  ['assignAdd', () => tf.assignAdd(v(), [1, 1, 1], false, 'aa'), () => tf.assignAdd(v(), [1, 1, 1], { useLocking: false, name: 'aa' })],
  ['assignSub', () => tf.assignSub(v(), [1, 1, 1], 'as'), () => tf.assignSub(v(), { value: [1, 1, 1], name: 'as' })],
  ['Variable.assign', () => v().assign([0, 0, 0], false, 'va'), () => v().assign([0, 0, 0], { name: 'va' })],
  ['Variable.assignAdd', () => v().assignAdd([2, 2, 2], 'va'), () => v().assignAdd([2, 2, 2], { name: 'va', readValue: true })],
  ['stridedSlice', () => tf.stridedSlice(x(), [0, 1], [2, 3], [1, 2], 1, 0, 0, 0, 2, null, 'ss'), () => tf.stridedSlice(x(), [0, 1], [2, 3], { strides: [1, 2], beginMask: 1, shrinkAxisMask: 2, name: 'ss' })],
  ['stridedSlice (masks object after end)', () => tf.stridedSlice(x(), [0], [1], null, 0, 0, 0, 0, 1), () => tf.stridedSlice(x(), [0], [1], { shrinkAxisMask: 1 })],
  ['summary.scalar', () => tf.summary.scalar('loss', x(), ['mine'], 'fam'), () => tf.summary.scalar('loss', x(), { collections: ['mine'], family: 'fam' })],
  ['summary.histogram', () => tf.summary.histogram('h', x(), null, 'fam'), () => tf.summary.histogram({ name: 'h', values: x(), family: 'fam' })],
  ['summary.image', () => tf.summary.image('im', tf.zeros([2, 4, 4, 1]), 1, ['mine'], 'f'), () => tf.summary.image('im', tf.zeros([2, 4, 4, 1]), { maxOutputs: 1, collections: ['mine'], family: 'f' })],
  ['summary.audio', () => tf.summary.audio('au', tf.zeros([1, 8]), 8000, 2, null, 'f'), () => tf.summary.audio('au', tf.zeros([1, 8]), 8000, { maxOutputs: 2, family: 'f' })],
  [
    'summary.merge and mergeAll',
    () => {
      tf.summary.scalar('a', 1);
      tf.summary.scalar('b', 2, ['mine']);
      tf.summary.mergeAll('mine', null, 'm');
      tf.summary.merge([tf.summary.scalar('c', 3)], ['mine'], 'mm');
    },
    () => {
      tf.summary.scalar('a', 1);
      tf.summary.scalar('b', 2, { collections: ['mine'] });
      tf.summary.mergeAll({ key: 'mine', name: 'm' });
      tf.summary.merge([tf.summary.scalar('c', 3)], { collections: ['mine'], name: 'mm' });
    },
  ],
];

describe('positional and keyword calls build the same graph', () => {
  it.each(cases)('%s', (_label, pos, kw) => {
    const a = built(pos);
    expect(a.length).toBeGreaterThan(20);
    expect(built(kw)).toBe(a);
  });
});

describe('an unknown keyword is a TypeError naming the function and the key', () => {
  const bogus: [string, Build][] = [
    ['exponentialDecay', () => tf.train.exponentialDecay(0.1, 1, 10, 0.5, { bogus: 1 } as never)],
    ['cosineDecayRestarts', () => tf.train.cosineDecayRestarts(0.1, 1, 10, { bogus: 1 } as never)],
    ['piecewiseConstant', () => tf.train.piecewiseConstant(1, [1], [1, 2], { bogus: 1 } as never)],
    ['clipByNorm', () => tf.clipByNorm(x(), 1, { bogus: 1 } as never)],
    ['clipByGlobalNorm', () => tf.clipByGlobalNorm([x()], 1, { bogus: 1 } as never)],
    ['clipByAverageNorm', () => tf.clipByAverageNorm(x(), 1, { bogus: 1 } as never)],
    ['gradients', () => tf.gradients(x(), [x()], { bogus: 1 } as never)],
    ['group', () => tf.group(tf.noOp(), { bogus: 1 } as never)],
    ['assign', () => tf.assign(v(), [1, 2, 3], { bogus: 1 } as never)],
    ['assignAdd', () => v().assignAdd([1, 1, 1], { bogus: 1 } as never)],
    ['stridedSlice', () => tf.stridedSlice(x(), [0], [1], { bogus: 1 } as never)],
    ['summary.scalar', () => tf.summary.scalar('s', 1, { bogus: 1 } as never)],
    ['summary.mergeAll', () => tf.summary.mergeAll({ bogus: 1 } as never)],
    ['FileWriter', () => new tf.summary.FileWriter(root, { bogus: 1 } as never)],
    ['Saver', () => new tf.train.Saver([v()], { bogus: 1 } as never)],
  ];
  it.each(bogus)('%s', (where, fn) => {
    const e = thrown(() => new tf.Graph().asDefault(fn));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(`${where}() got an unexpected keyword argument 'bogus'`);
  });
});

/** Evaluate `make(step)` at several steps, `reps` times each. */
async function at(make: (s: tf.Tensor) => tf.Tensor, steps: number[], reps = 1): Promise<number[][]> {
  const g = new tf.Graph();
  const [s, lr] = g.asDefault(() => {
    const p = tf.placeholder('int64', [], 'step');
    return [p, make(p)] as const;
  });
  const sess = new tf.Session({ graph: g });
  const out: number[][] = [];
  for (const st of steps) {
    const row: number[] = [];
    for (let i = 0; i < reps; i++) row.push((await sess.run(lr, new Map([[s, st]]))).toArray() as number);
    out.push(row);
  }
  await sess.close();
  return out;
}
const near = (a: number[], b: number[], tol = 1e-6): void => a.forEach((v2, i) => expect(Math.abs(v2 - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));

/** TF1's formulas in float64. */
function restartsRef(lr: number, s: number, first: number, tMul: number, mMul: number, alpha: number): number {
  let frac = s / first;
  let i: number;
  if (tMul === 1) {
    i = Math.floor(frac);
    frac -= i;
  } else {
    i = Math.floor(Math.log(1 - frac * (1 - tMul)) / Math.log(tMul));
    const sumR = (1 - tMul ** i) / (1 - tMul);
    frac = (frac - sumR) / tMul ** i;
  }
  const c = 0.5 * mMul ** i * (1 + Math.cos(Math.PI * frac));
  return lr * ((1 - alpha) * c + alpha);
}
function linearCosineRef(lr: number, s0: number, steps: number, periods: number, alpha: number, beta: number, noise = 0): number {
  const s = Math.min(s0, steps);
  const linear = (steps - s) / steps + noise;
  const c = 0.5 * (1 + Math.cos(Math.PI * 2 * periods * (s / steps)));
  return lr * ((alpha + linear) * c + beta);
}

describe('the schedules TF1 has beyond the basic four', () => {
  const steps = [0, 3, 9, 10, 17, 29, 30, 45, 70];
  it('cosineDecayRestarts: growing periods (tMul 2, 1.5) and equal ones (tMul 1), restarts scaled by mMul', async () => {
    for (const [tMul, mMul, alpha] of [[2, 1, 0], [2, 0.5, 0.1], [1, 0.8, 0], [1.5, 0.9, 0.05]] as const) {
      const got = (await at((s) => tf.train.cosineDecayRestarts(0.2, s, 10, tMul, mMul, alpha), steps)).map((r) => r[0]!);
      near(got, steps.map((s) => restartsRef(0.2, s, 10, tMul, mMul, alpha)), 2e-6);
    }
    // TF1's defaults: tMul 2, mMul 1, alpha 0; the op scope is SGDRDecay
    const g = new tf.Graph();
    g.asDefault(() => expect(tf.train.cosineDecayRestarts(0.1, step(), 5).op.name).toBe('SGDRDecay'));
  });

  it('linearCosineDecay, its defaults (numPeriods 0.5, alpha 0, beta 0.001) and the step clipped at decaySteps', async () => {
    const got = (await at((s) => tf.train.linearCosineDecay(0.2, s, 40, 2, 0.1, 0.01), steps)).map((r) => r[0]!);
    near(got, steps.map((s) => linearCosineRef(0.2, s, 40, 2, 0.1, 0.01)), 2e-6);
    const dflt = (await at((s) => tf.train.linearCosineDecay(0.2, s, 40), steps)).map((r) => r[0]!);
    near(dflt, steps.map((s) => linearCosineRef(0.2, s, 40, 0.5, 0, 0.001)), 2e-6);
  });

  it('noisyLinearCosineDecay: no noise at zero variance; otherwise its spread is lr·cos·sqrt(v0 / (1 + step)^vd)', async () => {
    const exact = (await at((s) => tf.train.noisyLinearCosineDecay(0.2, s, 40, 0, 0.55, 2, 0.1, 0.01), steps)).map((r) => r[0]!);
    near(exact, steps.map((s) => linearCosineRef(0.2, s, 40, 2, 0.1, 0.01)), 2e-6);
    const n = 400;
    const [row] = await at((s) => tf.train.noisyLinearCosineDecay(0.2, s, 40, 1, 0.55), [3], n);
    const mean = row!.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(row!.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const c = 0.5 * (1 + Math.cos((Math.PI * 2 * 0.5 * 3) / 40));
    const expectedSd = 0.2 * c * Math.sqrt(1 / 4 ** 0.55);
    expect(Math.abs(sd / expectedSd - 1)).toBeLessThan(0.15);
    expect(Math.abs(mean - linearCosineRef(0.2, 3, 40, 0.5, 0, 0.001))).toBeLessThan((4 * expectedSd) / Math.sqrt(n));
  });

  it('a missing global step is TF1\'s ValueError', () => {
    expect(thrown(() => tf.train.cosineDecayRestarts(0.1, null as never, 10)).message).toBe('cosine decay restarts requires global_step');
    expect(thrown(() => tf.train.polynomialDecay(0.1, null as never, 10)).message).toBe('global_step is required for polynomial_decay.');
  });
});

describe('clipByAverageNorm', () => {
  it('t * clipNorm / max(l2norm(t) / n, clipNorm), against float64', async () => {
    const vals = [[0.5, -1.5, 2], [3, 0.25, -4]];
    const flat = vals.flat();
    const l2 = Math.sqrt(flat.reduce((a, b) => a + b * b, 0));
    const g = new tf.Graph();
    const outs = g.asDefault(() => [tf.clipByAverageNorm(tf.constant(vals, 'float64'), 0.1), tf.clipByAverageNorm(tf.constant(vals, 'float64'), 5)]);
    const sess = new tf.Session({ graph: g });
    const [a, b] = (await sess.run(outs)) as tf.NDArray[];
    await sess.close();
    const avg = l2 / flat.length;
    near(Array.from(a!.data as Float64Array), flat.map((t) => (t * 0.1) / Math.max(avg, 0.1)), 1e-12);
    near(Array.from(b!.data as Float64Array), flat, 1e-12);
    expect(outs[0]!.op.name).toBe('clip_by_average_norm');
  });

  it('gradients match finite differences', async () => {
    await checkGradients({ name: 'clipByAverageNorm', ins: [{ shape: [2, 3] }], f: (t) => [tf.clipByAverageNorm(t, 0.05), tf.clipByAverageNorm(t, 10)] }, 'float64', { device: 'cpu' });
  });
});

describe('gradients, assign and group details', () => {
  it('unconnectedGradients ZERO gives zeros where NONE gives null; a single gradYs tensor is a list of one', async () => {
    const g = new tf.Graph();
    const [none, zero, scaled] = g.asDefault(() => {
      const a = tf.constant([1, 2], 'float32');
      const b = tf.constant([3, 4, 5], 'float32');
      const y = tf.reduceSum(tf.square(a));
      return [
        tf.gradients(y, [a, b]),
        tf.gradients(y, [a, b], { unconnectedGradients: tf.UnconnectedGradients.ZERO }),
        tf.gradients(y, a, tf.constant(3)),
      ];
    });
    expect(none[1]).toBeNull();
    const sess = new tf.Session({ graph: g });
    const [za, zb, s] = (await sess.run([zero[0] as tf.Tensor, zero[1] as tf.Tensor, scaled[0] as tf.Tensor])) as tf.NDArray[];
    await sess.close();
    expect(za!.toArray()).toEqual([2, 4]);
    expect(zb!.toArray()).toEqual([0, 0, 0]);
    expect(s!.toArray()).toEqual([6, 12]);
    g.asDefault(() => {
      const a = tf.constant(1);
      expect(thrown(() => tf.gradients(a, a, { aggregationMethod: 7 })).message).toBe('Invalid aggregation_method specified 7.');
      expect(thrown(() => tf.gradients(a, a, [1, 2])).message).toBe('Passed 2 grad_ys for 1 ys');
    });
  });

  it('assign ops update the variable; readValue false gives the op', async () => {
    const g = new tf.Graph();
    const out = g.asDefault(() => {
      const w = new tf.Variable([1, 2, 3], { name: 'w' });
      return { w, a: tf.assign(w, [5, 5, 5], true, true), add: w.assignAdd([1, 1, 1], { readValue: false }), sub: tf.assignSub(w, [2, 2, 2], { useLocking: true }) };
    });
    expect(out.add).toBeInstanceOf(tf.Operation);
    const sess = new tf.Session({ graph: g });
    await sess.run(out.w.initializer);
    expect(((await sess.run(out.a)) as tf.NDArray).toArray()).toEqual([5, 5, 5]);
    await sess.run(out.add);
    expect(((await sess.run(out.sub)) as tf.NDArray).toArray()).toEqual([4, 4, 4]);
    await sess.close();
    g.asDefault(() => {
      expect(thrown(() => tf.assign(out.w, [1, 2], { validateShape: false })).message).toMatch(/^assign\(\): validate_shape=False with a value of shape \(2,\)/);
      expect(thrown(() => tf.assign(out.w, [1, 2, 3], 'n', { name: 'm' } as never)).message).toBe("assign() got multiple values for argument 'name'");
      expect(thrown(() => tf.group(3 as never)).message).toMatch(/^group\(\) expects Operations or Tensors/);
    });
  });
});

describe('FileWriter and Saver by position and keyword', () => {
  it('FileWriter(logdir, graph, maxQueue, flushSecs, graphDef, filenameSuffix)', () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.constant(1, { name: 'one' }));
    const a = new tf.summary.FileWriter(path.join(root, 'a'), g, 5, 60, null, '.pos');
    const b = new tf.summary.FileWriter(path.join(root, 'b'), { graph: g, maxQueue: 5, flushSecs: 60, filenameSuffix: '.kw' });
    const c = new tf.summary.FileWriter({ logdir: path.join(root, 'c'), graphDef: g.asGraphDef() });
    const d = new tf.summary.FileWriter(path.join(root, 'd'), g.asGraphDef());
    for (const w of [a, b, c, d]) w.close();
    expect(a.filename.endsWith('.pos')).toBe(true);
    expect(b.filename.endsWith('.kw')).toBe(true);
    const sizes = [a, b, c, d].map((w) => fs.statSync(w.filename).size);
    // every writer wrote the version record and the graph
    expect(sizes[1]).toBe(sizes[0]);
    expect(sizes[2]).toBe(sizes[3]);
    expect(sizes[3]).toBeGreaterThan(60);
  });

  it('Saver(varList, reshape, sharded, maxToKeep, …) and save(sess, path, globalStep, latestFilename, metaGraphSuffix, writeMetaGraph)', async () => {
    const g = new tf.Graph();
    const { w, s1, s2, s3, s4 } = g.asDefault(() => {
      const w2 = new tf.Variable([1, 2], { name: 'w' });
      return {
        w: w2,
        s1: new tf.train.Saver([w2], false, false, 1, 10000, 'save', false, null, null, false, false, 2, true),
        s2: new tf.train.Saver({ varList: { renamed: w2 }, maxToKeep: 1, padStepNumber: true, writeVersion: 2 }),
        s3: new tf.train.Saver({ renamed: w2 }),
        s4: new tf.train.Saver(null, { deferBuild: true }),
      };
    });
    expect(s1.maxToKeep).toBe(1);
    expect(s1.padStepNumber).toBe(true);
    expect([...s3.varList.keys()]).toEqual(['renamed']);
    const sess = new tf.Session({ graph: g });
    await sess.run(w.initializer);
    const dir = path.join(root, 'ckpt');
    fs.mkdirSync(dir);
    const p1 = await s1.save(sess, path.join(dir, 'm'), 7, 'state', 'mg', true);
    expect(p1).toBe(path.join(dir, 'm-00000007'));
    expect(fs.existsSync(`${p1}.mg`)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'state'))).toBe(true);
    const p2 = await s2.save(sess, path.join(dir, 'k'), { globalStep: 3, writeMetaGraph: false, latestFilename: 'state2' });
    expect(p2).toBe(path.join(dir, 'k-00000003'));
    expect(fs.existsSync(`${p2}.meta`)).toBe(false);
    expect(tf.train.listVariables(p2!)).toEqual([['renamed', [2]]]);
    await sess.run(tf.assign(w, [0, 0]));
    await s3.restore({ sess, savePath: p2 });
    expect(((await sess.run(w)) as tf.NDArray).toArray()).toEqual([1, 2]);
    await expect(s4.save(sess, path.join(dir, 'x'))).rejects.toThrow('`build()` should be called before save if defer_build==True');
    g.asDefault(() => s4.build());
    expect([...s4.varList.keys()]).toEqual(['w']);
    await sess.close();
    expect(thrown(() => g.asDefault(() => new tf.train.Saver([w], { writeVersion: 1 }))).message).toMatch(/^Saver\(\): write_version 1 is not supported/);
    expect(thrown(() => g.asDefault(() => new tf.train.Saver([w], { sharded: 'yes' as never }))).message).toBe("Invalid Saver option sharded: expected a boolean, got 'yes'");
  });
});
