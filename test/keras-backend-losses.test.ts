/**
 * tf.keras.backend, losses, initializers, regularizers, constraints and activations as TF 1.15's
 * Keras computes them: numbers against numpy goldens (computed in float64 with the formulas of
 * keras/losses.py and keras/constraints.py) and plain-JS references, central-difference gradients
 * through a few losses, Keras's error texts for unknown names, and constraints / regularizers
 * taking effect in a trained Dense layer.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

const k = tf.keras;
const K = k.backend;
const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);
const arr = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

function close(got: readonly number[], want: readonly number[], tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    if (!(Math.abs(v - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`[${i}]: got ${v}, want ${want[i]}`);
  });
}

async function run(build: () => Tensor[]): Promise<number[][]> {
  const g = new tf.Graph();
  const out = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  const r = ((await sess.run(out)) as NDArray[]).map(arr);
  await sess.close();
  return r;
}

describe('keras.losses', () => {
  it('functions and their aliases match numpy goldens', async () => {
    const t = [0, 1, 1, 1, 0, 0];
    const p = [0.2, 0.7, 0.9, 0.6, 0.3, 0.05];
    const yt = [1, 2, 0.5, 3, 0, 2];
    const yp = [1.5, 1, 0.7, 2, 0.4, 2.5];
    const pt = [0.2, 0.3, 0.5, 0.1, 0.6, 0.3];
    const pp = [0.25, 0.25, 0.5, 0.3, 0.3, 0.4];
    const L = k.losses;
    const r = await run(() => {
      const c = (v: number[]): Tensor => tf.constant(nd(v, [2, 3]));
      return [
        L.mse(c(t), c(p)), L.MAPE(c(yt), c(yp)), L.msle(c(yt), c(yp)), L.hinge(c(t), c(p)), L.squaredHinge(c(t), c(p)),
        L.categoricalHinge(c(t), c(p)), L.logcosh(c(yt), c(yp)), L.KLD(c(pt), c(pp)), L.poisson(c(yt), c(yp)), L.cosineProximity(c(yt), c(yp)),
        L.binaryCrossentropy(c(t), c(p), false, 0.2), L.categoricalCrossentropy(c([0, 0, 1, 1, 0, 0]), c([0.2, 0.3, 0.5, 0.7, 0.2, 0.1]), false, 0.1),
      ];
    });
    const want = [
      [0.0466666667, 0.0841666667], [46.6666667, 133333353.0], [0.0766202702, 0.0732456352], [0.533333333, 0.916666667],
      [0.513333333, 0.984166667], [0.0, 0.7], [0.19125447, 0.210616274], [0.0100677568, 0.219722458], [0.990957342, 0.329325588],
      [-0.868850943, -0.945574266], [0.376086722, 0.446171142], [0.740717726, 0.463297381],
    ];
    r.forEach((v, i) => close(v, want[i]!, 2e-5));
  });

  it('hinge keeps labels that are not all 0/1 as they are', async () => {
    const [h] = await run(() => [k.losses.hinge(tf.constant(nd([-1, 1, 1, 1, -1, -1], [2, 3])), tf.constant(nd([0.2, 0.7, 0.9, 0.6, 0.3, 0.05], [2, 3])))]);
    close(h!, [(1.2 + 0.3 + 0.1) / 3, (0.4 + 1.3 + 1.05) / 3]);
  });

  it('Loss classes: reductions, sample weights, Huber and the crossentropy options', async () => {
    const L = k.losses;
    const t = [0, 1, 1, 1, 0, 0];
    const p = [0.2, 0.7, 0.9, 0.6, 0.3, 0.05];
    const yt = [1, 2, 0.5, 3, 0, 2];
    const yp = [1.5, 1, 0.7, 2, 0.4, 2.5];
    const r = await run(() => {
      const c = (v: number[]): Tensor => tf.constant(nd(v, [2, 3]));
      const w = tf.constant(nd([0.5, 2], [2]));
      return [
        new L.MeanSquaredError()(c(t), c(p)), new L.MeanSquaredError()(c(t), c(p), w), new L.MeanSquaredError({ reduction: 'sum' }).apply(c(t), c(p), w),
        new L.MeanSquaredError('none')(c(t), c(p), w), new L.Huber()(c(yt), c(yp)),
        new L.BinaryCrossentropy({ labelSmoothing: 0.2 })(c(t), c(p)),
        new L.CategoricalCrossentropy(true)(c([0, 0, 1, 1, 0, 0]), c([2, -1, 0.5, 0.1, 3, -2])),
        new L.SparseCategoricalCrossentropy()(tf.constant(nd([2, 0], [2, 1])), c([0.2, 0.3, 0.5, 0.7, 0.2, 0.1])),
      ];
    });
    close(r[0]!, [(0.0466666667 + 0.0841666667) / 2]);
    close(r[1]!, [0.09583333333333334]);
    close(r[2]!, [0.19166666666666668]);
    close(r[3]!, [0.0466666667 * 0.5, 0.0841666667 * 2]);
    close(r[4]!, [0.225]);
    close(r[5]!, [(0.376086722 + 0.446171142) / 2]);
    const lse = (row: number[]): number => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    close(r[6]!, [(lse([2, -1, 0.5]) - 0.5 + lse([0.1, 3, -2]) - 0.1) / 2]);
    close(r[7]!, [(-Math.log(0.5) - Math.log(0.7)) / 2]);
    expect(new L.Huber(2).getConfig()).toEqual({ reduction: 'auto', name: 'huber_loss', delta: 2 });
    expect(() => new L.MeanSquaredError('mean')).toThrow('Invalid Reduction Key mean.');
  });

  it('get / serialize / deserialize by Keras name, with TF error texts', () => {
    const L = k.losses;
    expect(L.get('mse')).toBe(L.meanSquaredError);
    expect(L.get('kullback_leibler_divergence')).toBe(L.kld);
    expect(L.get('cosine_proximity')).toBe(L.cosineSimilarity);
    expect(L.serialize(L.MAPE)).toBe('mean_absolute_percentage_error');
    const h = L.deserialize({ className: 'Huber', config: { delta: 3 } }) as InstanceType<typeof L.Huber>;
    expect(h).toBeInstanceOf(L.Huber);
    expect(h.getConfig().delta).toBe(3);
    expect(L.serialize(h)).toEqual({ className: 'Huber', config: { reduction: 'auto', name: 'huber_loss', delta: 3 } });
    expect(() => L.get('foo')).toThrow('Unknown loss function:foo');
    expect(() => L.deserialize({ className: 'Foo', config: {} })).toThrow('Unknown loss function: Foo');
    expect(() => L.get(5)).toThrow('Could not interpret loss function identifier: 5');
  });

  it('gradients of mse, logcosh, categorical hinge and Huber match central differences', async () => {
    const yt = [1, 2, 0.5, 3, 0, 2];
    const yp0 = [1.5, 1, 0.7, 2, 0.4, 2.5];
    const g = new tf.Graph();
    const { x, losses, grads } = g.asDefault(() => {
      const x = tf.placeholder('float64', [2, 3]);
      const t = tf.constant(new tf.NDArray(Float64Array.from(yt), [2, 3]));
      const ls = [
        tf.reduceSum(k.losses.mse(t, x)), tf.reduceSum(k.losses.logcosh(t, x)), tf.reduceSum(k.losses.categoricalHinge(t, x)),
        tf.reduceSum(tf.square(k.losses.poisson(t, x))),
      ];
      return { x, losses: ls, grads: ls.map((l) => tf.gradients(l, x)[0] as Tensor) };
    });
    const sess = new tf.Session({ graph: g });
    const feed = (v: number[]) => new Map([[x, new tf.NDArray(Float64Array.from(v), [2, 3])]]);
    const an = ((await sess.run(grads, feed(yp0) as never)) as NDArray[]).map(arr);
    const h = 1e-6;
    for (let j = 0; j < 6; j++) {
      const up = [...yp0];
      const dn = [...yp0];
      up[j]! += h;
      dn[j]! -= h;
      const a = ((await sess.run(losses, feed(up) as never)) as NDArray[]).map((v) => arr(v)[0]!);
      const b = ((await sess.run(losses, feed(dn) as never)) as NDArray[]).map((v) => arr(v)[0]!);
      a.forEach((_, i) => {
        const num = (a[i]! - b[i]!) / (2 * h);
        if (Math.abs(num - an[i]![j]!) > 1e-5 * (1 + Math.abs(num))) throw new Error(`loss ${i} [${j}]: analytic ${an[i]![j]}, numeric ${num}`);
      });
    }
    await sess.close();
  });
});

describe('keras.backend', () => {
  it('dot on n-d operands, batch_dot, repeat_elements, switch and the crossentropies', async () => {
    const a = Array.from({ length: 24 }, (_, i) => i / 10);
    const b = Array.from({ length: 40 }, (_, i) => i / 7);
    const r = await run(() => {
      const x1 = tf.constant(nd(Array.from({ length: 12 }, (_, i) => i), [2, 3, 2]));
      const y1 = tf.constant(nd(Array.from({ length: 16 }, (_, i) => i), [2, 2, 4]));
      const c = tf.constant(nd([1, 0, 1, 0], [2, 2]));
      return [
        K.dot(tf.constant(nd(a, [2, 3, 4])), tf.constant(nd(b, [2, 4, 5]))), K.batchDot(x1, y1),
        K.batchDot(tf.constant(nd([1, 2, 3, 4], [2, 2])), tf.constant(nd([5, 6, 7, 8], [2, 2])), 1),
        K.repeatElements(tf.constant(nd([0, 1, 2, 3, 4, 5], [2, 3])), 2, 1),
        K.switch(tf.greater(c, 0.5), tf.constant(nd([1, 2, 3, 4], [2, 2])), tf.constant(nd([-1, -2, -3, -4], [2, 2]))),
        K.switch(tf.constant(true), () => tf.constant(7), () => tf.constant(8)),
        K.categoricalCrossentropy(tf.constant(nd([0, 1], [1, 2])), tf.constant(nd([2, 0], [1, 2]))),
        K.binaryCrossentropy(tf.constant(nd([1, 0], [2])), tf.constant(nd([1, 0], [2]))),
        K.relu(tf.constant(nd([-2, -0.5, 0.5, 3, 8], [5])), 0.1, 6, 1), K.std(tf.constant(nd([1, 2, 3, 5], [4]))),
        K.oneHot(tf.constant(new tf.NDArray(Int32Array.of(2, 0), [2])), 3), K.arange(-3) as Tensor,
      ];
    });
    // numpy's dot of [2,3,4]·[2,4,5] → [2,3,2,5].
    const want: number[] = [];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 2; j++) for (let m = 0; m < 5; m++) {
      let s = 0;
      for (let q = 0; q < 4; q++) s += a[i * 4 + q]! * b[j * 20 + q * 5 + m]!;
      want.push(s);
    }
    close(r[0]!, want);
    close(r[1]!, [4, 5, 6, 7, 12, 17, 22, 27, 20, 29, 38, 47, 132, 145, 158, 171, 172, 189, 206, 223, 212, 233, 254, 275]);
    close(r[2]!, [17, 53]);
    close(r[3]!, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    close(r[4]!, [1, -2, 3, -4]);
    close(r[5]!, [7]);
    // Probabilities [1, 0] clip to [1 − ε, ε] (float32: 1 − 2⁻²³ and 1e-7), so −log(ε).
    close(r[6]!, [-Math.log(Math.fround(1e-7))], 1e-4);
    // −log(1 − ε + ε) for both: ≈ 0 but not exactly.
    expect(r[7]!.every((v) => Math.abs(v) < 1e-6)).toBe(true);
    // relu(alpha=0.1, max 6, threshold 1): x·(x > 1) clipped at 6, minus 0.1·relu(1 − x).
    close(r[8]!, [-0.3, -0.15, -0.05, 3, 6]);
    close(r[9]!, [Math.sqrt(((1 - 2.75) ** 2 + (2 - 2.75) ** 2 + (3 - 2.75) ** 2 + (5 - 2.75) ** 2) / 4)]);
    close(r[10]!, [0, 0, 1, 1, 0, 0]);
    expect(r[11]).toEqual([]);
  });

  it('variables, get/set_value, K.function with updates, gradients and the learning phase', async () => {
    K.clearSession();
    const v = K.variable([[1, 2], [3, 4]], null, 'kv');
    expect(v.dtype).toBe('float32');
    expect(K.countParams(v)).toBe(4);
    expect(arr(await K.getValue(v))).toEqual([1, 2, 3, 4]);
    await K.setValue(v, [[5, 6], [7, 8]]);
    expect(arr(await K.eval(v))).toEqual([5, 6, 7, 8]);
    await expect(K.setValue(v, [1, 2, 3])).rejects.toThrow('Cannot assign a value of shape [3] to variable kv:0 of shape [2, 2]');
    const x = K.placeholder([null, 2]) as Tensor;
    const y = K.dot(x, v.value());
    const f = K.function([x], [y, K.sum(y)], [[v, tf.add(v.value(), 1)]]);
    const [o1, s1] = (await f([[[1, 1]]])) as NDArray[];
    expect(arr(o1!)).toEqual([12, 14]);
    expect(arr(s1!)).toEqual([26]);
    // The update ran after the first output.
    expect(arr(await K.getValue(v))).toEqual([6, 7, 8, 9]);
    const [gv] = K.gradients(K.sum(K.square(v.value())), [v]);
    expect(arr((await K.batchGetValue([gv!]))[0]!)).toEqual([12, 14, 16, 18]);
    const phase = K.inTrainPhase(tf.constant(1), tf.constant(0));
    const fp = K.function([K.learningPhase() as Tensor], phase);
    expect(arr((await fp([true])) as NDArray)).toEqual([1]);
    expect(arr((await fp([false])) as NDArray)).toEqual([0]);
    expect(K.learningPhaseScope(1, () => K.inTrainPhase(() => tf.constant(5), () => tf.constant(6)).op.type)).toBe('Const');
    expect(K.learningPhase()).not.toBe(1);
    expect(() => K.learningPhaseScope(2, () => 0)).toThrow('Expected learning phase to be 0 or 1.');
    expect(K.getUid('x')).toBe(1);
    expect(K.getUid('x')).toBe(2);
    expect(K.imageDataFormat()).toBe('channels_last');
    expect(() => K.setImageDataFormat('nhwc')).toThrow('Unknown data_format: nhwc');
    expect(() => K.pool2d(x, [2, 2], [1, 1], 'valid', null, 'min')).toThrow('Invalid pooling mode: min');
    expect(() => K.function(x as never, [y])).toThrow('`inputs` to a Keras backend function should be a list or tuple.');
    expect(K.zeros([2, 3])).toBeInstanceOf(tf.Variable);
    K.clearSession();
  });

  it('pool2d, conv2d with channels_first, resize_images and bias_add against plain-JS references', async () => {
    const img = Array.from({ length: 16 }, (_, i) => i);
    const r = await run(() => {
      const x = tf.constant(nd(img, [1, 4, 4, 1]));
      const xc = tf.constant(nd(img, [1, 1, 4, 4]));
      const ker = tf.constant(nd([1, 0, 0, -1], [2, 2, 1, 1]));
      return [
        K.pool2d(x, [2, 2], [2, 2]), K.pool2d(x, [2, 2], [2, 2], 'valid', null, 'avg'), K.conv2d(xc, ker, [1, 1], 'valid', 'channels_first'),
        K.resizeImages(tf.constant(nd([1, 2, 3, 4], [1, 2, 2, 1])), 2, 1, 'channels_last'),
        K.resizeImages(tf.constant(nd([1, 3], [1, 2, 1, 1])), 2, 1, 'channels_last', 'bilinear'),
        K.biasAdd(tf.constant(nd([0, 0, 0, 0], [1, 2, 2])), tf.constant(nd([1, 2], [2])), 'channels_first'),
      ];
    });
    close(r[0]!, [5, 7, 13, 15]);
    close(r[1]!, [2.5, 4.5, 10.5, 12.5]);
    close(r[2]!, Array(9).fill(-5));
    close(r[3]!, [1, 2, 1, 2, 3, 4, 3, 4]);
    close(r[5]!, [1, 1, 2, 2]);
    // Half-pixel bilinear rows 2 → 4: sources −0.25, 0.25, 0.75, 1.25 (clamped) → 1, 1.5, 2.5, 3.
    close(r[4]!, [1, 1.5, 2.5, 3]);
  });
});

describe('keras.initializers, regularizers, constraints, activations', () => {
  it('constraints match numpy goldens; RadialConstraint follows TF 1.15 ring by ring', async () => {
    const C = k.constraints;
    const w = [3, 0.5, 4, 0.5];
    const kernel = Array.from({ length: 16 }, (_, i) => i);
    const r = await run(() => {
      const t = tf.constant(nd(w, [2, 2]));
      return [
        new C.MaxNorm(2)(t), new C.UnitNorm()(t), new C.MinMaxNorm(1, 2, 0.5)(t), new C.NonNeg()(tf.constant(nd([-1, 2], [2]))),
        new C.RadialConstraint()(tf.constant(nd(kernel, [4, 4, 1, 1]))),
      ];
    });
    close(r[0]!, [1.19999998, 0.499999929, 1.59999997, 0.499999929]);
    close(r[1]!, [0.599999988, 0.707106681, 0.799999984, 0.707106681]);
    close(r[2]!, [2.09999996, 0.603553305, 2.79999994, 0.603553305]);
    close(r[3]!, [0, 2]);
    // 4x4: the inner 2x2 takes v_11 (5), the outer ring v_33 (15).
    close(r[4]!, [15, 15, 15, 15, 15, 5, 5, 15, 15, 5, 5, 15, 15, 15, 15, 15]);
    expect(C.get('max_norm')).toBeInstanceOf(C.MaxNorm);
    expect(C.serialize(new C.MaxNorm(3, 1))).toEqual({ className: 'MaxNorm', config: { maxValue: 3, axis: 1 } });
    expect(() => C.get('foo')).toThrow('Unknown constraint: foo');
  });

  it('regularizers: penalties, get by name, and a Dense layer adding them to the model loss', async () => {
    const R = k.regularizers;
    const [a, b, z] = await run(() => {
      const t = tf.constant(nd([1, -2, 3], [3]));
      return [R.l1L2(0.1, 0.01)(t), R.get('l2')!(t), new R.L1L2()(t)];
    });
    close(a!, [0.1 * 6 + 0.01 * 14]);
    close(b!, [0.01 * 14]);
    close(z!, [0]);
    expect(R.serialize(R.l1(0.3))).toEqual({ className: 'L1L2', config: { l1: 0.3, l2: 0 } });
    expect(() => R.get('l3')).toThrow('Unknown regularizer:l3');
  });

  it('initializers: Keras defaults, names, and layers taking them; activations get/serialize', async () => {
    const I = k.initializers;
    const rn = new I.RandomNormal();
    expect(rn.getConfig()).toMatchObject({ mean: 0, stddev: 0.05 });
    expect(I.serialize(I.heNormal(3))).toEqual({ className: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: 3, dtype: 'float32' } });
    expect(I.get('glorot_uniform')).toBeInstanceOf(I.GlorotUniform);
    expect(I.get('he_normal')).toBeInstanceOf(I.VarianceScaling);
    expect(() => I.get('foo')).toThrow('Unknown initializer: foo');
    K.clearSession();
    const m = new k.Sequential([
      new k.layers.Dense(3, { inputShape: [2], kernelInitializer: new I.Constant(0.5), biasInitializer: 'ones', kernelRegularizer: R2(), kernelConstraint: new k.constraints.MaxNorm(0.1) }),
    ]);
    m.compile(new k.optimizers.SGD(0.1), 'mse');
    expect(m.losses.length).toBe(1);
    const [w0] = (await K.batchGetValue([m.layers[0]!.weights[0]!])) as NDArray[];
    expect(arr(w0!)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    await m.fit(nd([1, 2, 3, 4], [2, 2]), nd([1, 0, 1, 0, 1, 0], [2, 3]), { epochs: 1, batchSize: 2, verbose: 0 });
    const [w1] = (await K.batchGetValue([m.layers[0]!.weights[0]!])) as NDArray[];
    // Each kernel column's norm is at most 0.1 after the update.
    const c = arr(w1!);
    for (let j = 0; j < 3; j++) expect(Math.hypot(c[j]!, c[3 + j]!)).toBeLessThanOrEqual(0.1 + 1e-6);
    K.clearSession();
    const A = k.activations;
    expect(A.get('relu')).toBe(A.get('relu'));
    expect(A.serialize(A.softplus)).toBe('softplus');
    expect(A.get(null)).toBe(A.linear);
    expect(() => A.get('foo')).toThrow('Unknown activation function:foo');
    const [sm] = await run(() => [A.softmax(tf.constant(nd([1, 2, 3, 1, 1, 1], [1, 2, 3])))]);
    const e = [1, 2, 3].map((v) => Math.exp(v - 3));
    close(sm!, [...e.map((v) => v / (e[0]! + e[1]! + e[2]!)), 1 / 3, 1 / 3, 1 / 3]);
  });
});

function R2(): unknown {
  return k.regularizers.l2(0.01);
}
