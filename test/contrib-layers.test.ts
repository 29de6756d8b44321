/**
 * tf.contrib.layers (TF1 contrib/layers/python/layers/layers.py) on every device: conv2d /
 * convolution2d, conv2dTranspose, separableConv2d, maxPool2d, avgPool2d, batchNorm (core layer,
 * fused and moments routes; training vs inference; moving averages), layerNorm, dropout,
 * embedSequence, oneHotEncoding, repeat, stack — TF's variable names, shapes and defaults, and
 * numbers against float64 re-implementations; tf.contrib.framework's variable look-ups and argScope.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { expectNear } from './support/compare.js';
import { rng } from './support/random.js';

const devices = await resolvedDevices();
registerSkipSummary();
const L = tf.contrib.layers;

const rand = (n: number, seed: number): number[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
};
const f32 = (xs: number[], shape: number[]) => tf.constant(Float32Array.from(xs), 'float32', shape);
const arr = (v: unknown): number[] => Array.from((v as NDArray).data as Float32Array);
const names = (g: tf.Graph, key = 'variables') => g.getCollection<tf.Variable>(key).map((v) => v.name);

/** TF's SAME/VALID output size and leading pad. */
function pads(inp: number, k: number, s: number, padding: string, d = 1): [number, number] {
  const ke = (k - 1) * d + 1;
  if (padding === 'VALID') return [Math.ceil((inp - ke + 1) / s), 0];
  const out = Math.ceil(inp / s);
  return [out, Math.floor(Math.max((out - 1) * s + ke - inp, 0) / 2)];
}
/** NHWC conv in float64: w [kh, kw, c, o]. */
function conv2dRef(x: number[], [n, h, w, c]: number[], wt: number[], [kh, kw, , o]: number[], s: number, padding: string): { y: number[]; shape: number[] } {
  const [oh, ph] = pads(h, kh, s, padding);
  const [ow, pw] = pads(w, kw, s, padding);
  const y = new Array(n * oh * ow * o).fill(0);
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let q = 0; q < o; q++) {
    let acc = 0;
    for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) {
      const yi = i * s + di - ph, xj = j * s + dj - pw;
      if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
      for (let ci = 0; ci < c; ci++) acc += x[((b * h + yi) * w + xj) * c + ci]! * wt[((di * kw + dj) * c + ci) * o + q]!;
    }
    y[((b * oh + i) * ow + j) * o + q] = acc;
  }
  return { y, shape: [n, oh, ow, o] };
}
const addBias = (y: number[], b: number[]) => y.map((v, i) => v + b[i % b.length]!);
const relu = (y: number[]) => y.map((v) => Math.max(v, 0));

for (const dev of devices) {
  describe(`tf.contrib.layers (${dev.name})`, () => {
    const tol = 1e-5 * dev.caps.tolScale;
    it('conv2d: Conv/weights [3,3,3,4] (Xavier), Conv/biases, SAME, ReLU; stride 2 VALID; numbers', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(2 * 5 * 5 * 3, 1);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = f32(xs, [2, 5, 5, 3]);
        const y1 = L.conv2d(x, 4, [3, 3], { biasesInitializer: tf.randomNormalInitializer({ seed: 2 }) });
        const y2 = L.convolution2d(x, 2, 3, { stride: 2, padding: 'VALID', activationFn: null, scope: 'c2' });
        return { y1, y2, init: tf.globalVariablesInitializer() };
      });
      expect(names(g)).toEqual(['Conv/weights:0', 'Conv/biases:0', 'c2/weights:0', 'c2/biases:0']);
      expect(names(g, 'model_variables')).toEqual(names(g));
      expect(g.getTensorByName('Conv/weights:0').shape).toEqual([3, 3, 3, 4]);
      expect(m.y1.shape).toEqual([2, 5, 5, 4]);
      expect(m.y1.op.type).toBe('Relu');
      expect(m.y2.shape).toEqual([2, 2, 2, 2]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      const [w1, b1, w2, b2, y1, y2] = await sess.run(['Conv/weights:0', 'Conv/biases:0', 'c2/weights:0', 'c2/biases:0', m.y1, m.y2].map((n) => (typeof n === 'string' ? g.getTensorByName(n) : n)));
      // Xavier uniform: |w| <= sqrt(6 / (fan_in + fan_out)), fan = 3*3*3 + 3*3*4
      expect(Math.max(...arr(w1).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (27 + 36)));
      expect(arr(b1).some((v) => v !== 0)).toBe(true);
      const r1 = conv2dRef(xs, [2, 5, 5, 3], arr(w1), [3, 3, 3, 4], 1, 'SAME');
      expectNear(y1 as NDArray, relu(addBias(r1.y, arr(b1))), tol, 'conv2d SAME relu', r1.shape);
      const r2 = conv2dRef(xs, [2, 5, 5, 3], arr(w2), [3, 3, 3, 2], 2, 'VALID');
      expectNear(y2 as NDArray, addBias(r2.y, arr(b2)), tol, 'conv2d VALID linear', r2.shape);
      await sess.close();
    });

    it('conv2dTranspose (Conv2d_transpose/weights [k, k, out, in]) and separableConv2d (depthwise/pointwise weights): numbers', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(1 * 3 * 3 * 2, 3);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = f32(xs, [1, 3, 3, 2]);
        const t = L.conv2dTranspose(x, 3, 2, { stride: 2, padding: 'VALID', activationFn: null });
        const same = L.conv2dTranspose(x, 3, 3, { stride: 2 });
        const s = L.separableConv2d(x, 4, 3, { depthMultiplier: 2, activationFn: null, biasesInitializer: tf.constantInitializer(0.5) });
        const d = L.separableConv2d(x, null, 3, { activationFn: null });
        return { t, same, s, d, init: tf.globalVariablesInitializer() };
      });
      expect(names(g)).toEqual([
        'Conv2d_transpose/weights:0', 'Conv2d_transpose/biases:0', 'Conv2d_transpose_1/weights:0', 'Conv2d_transpose_1/biases:0',
        'SeparableConv2d/depthwise_weights:0', 'SeparableConv2d/pointwise_weights:0', 'SeparableConv2d/biases:0',
        'SeparableConv2d_1/depthwise_weights:0', 'SeparableConv2d_1/biases:0',
      ]);
      expect(g.getTensorByName('Conv2d_transpose/weights:0').shape).toEqual([2, 2, 3, 2]);
      expect(m.same.shape).toEqual([1, 6, 6, 3]);
      expect(g.getTensorByName('SeparableConv2d/depthwise_weights:0').shape).toEqual([3, 3, 2, 2]);
      expect(g.getTensorByName('SeparableConv2d/pointwise_weights:0').shape).toEqual([1, 1, 4, 4]);
      expect(g.getTensorByName('SeparableConv2d_1/depthwise_weights:0').shape).toEqual([3, 3, 2, 1]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      const get = (n: string) => sess.run(g.getTensorByName(n)).then(arr);
      // transposed conv, VALID stride 2 kernel 2: every input cell paints its own 2x2 block
      const wt = await get('Conv2d_transpose/weights:0');
      const want = new Array(6 * 6 * 3).fill(0);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) for (let o = 0; o < 3; o++) {
        for (let c = 0; c < 2; c++) want[((i * 2 + di) * 6 + (j * 2 + dj)) * 3 + o] += xs[(i * 3 + j) * 2 + c]! * wt[((di * 2 + dj) * 3 + o) * 2 + c]!;
      }
      expectNear((await sess.run(m.t)) as NDArray, want, tol, 'conv2d_transpose', [1, 6, 6, 3]);
      // separable: depthwise (channel c, multiplier k -> c*2 + k), then 1x1 pointwise, + 0.5
      const dw = await get('SeparableConv2d/depthwise_weights:0');
      const pw = await get('SeparableConv2d/pointwise_weights:0');
      const depth = (w: number[], mult: number): number[] => {
        const out = new Array(9 * 2 * mult).fill(0);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 2; c++) for (let k = 0; k < mult; k++) {
          let acc = 0;
          for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
            const yi = i + di - 1, xj = j + dj - 1;
            if (yi >= 0 && yi < 3 && xj >= 0 && xj < 3) acc += xs[(yi * 3 + xj) * 2 + c]! * w[((di * 3 + dj) * 2 + c) * mult + k]!;
          }
          out[(i * 3 + j) * 2 * mult + c * mult + k] = acc;
        }
        return out;
      };
      const dsep = depth(dw, 2);
      const sep = new Array(9 * 4).fill(0).map((_, idx) => {
        const p = Math.floor(idx / 4), o = idx % 4;
        let acc = 0.5;
        for (let q = 0; q < 4; q++) acc += dsep[p * 4 + q]! * pw[q * 4 + o]!;
        return acc;
      });
      expectNear((await sess.run(m.s)) as NDArray, sep, tol, 'separable_conv2d', [1, 3, 3, 4]);
      expectNear((await sess.run(m.d)) as NDArray, depth(await get('SeparableConv2d_1/depthwise_weights:0'), 1), tol, 'depthwise only', [1, 3, 3, 2]);
      await sess.close();
    });

    it('maxPool2d / avgPool2d: stride 2 and VALID by default, MaxPool2D/MaxPool names', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(1 * 5 * 5 * 2, 4);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = f32(xs, [1, 5, 5, 2]);
        return { mx: L.maxPool2d(x, [2, 2]), av: L.avgPool2d(x, 2), same: L.maxPool2d(x, 3, { stride: 1, padding: 'SAME', scope: 'p' }) };
      });
      expect(m.mx.name).toBe('MaxPool2D/MaxPool:0');
      expect(m.av.name).toBe('AvgPool2D/AvgPool:0');
      expect(m.same.name).toBe('p/MaxPool:0');
      expect(m.same.shape).toEqual([1, 5, 5, 2]);
      const pool = (f: (v: number[]) => number) => {
        const out: number[] = [];
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 2; c++) {
          out.push(f([0, 1].flatMap((di) => [0, 1].map((dj) => xs[((i * 2 + di) * 5 + (j * 2 + dj)) * 2 + c]!))));
        }
        return out;
      };
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [mx, av] = await sess.run([m.mx, m.av]);
      expectNear(mx as NDArray, pool((v) => Math.max(...v)), tol, 'max_pool2d', [1, 2, 2, 2]);
      expectNear(av as NDArray, pool((v) => v.reduce((a, b) => a + b) / 4), tol, 'avg_pool2d', [1, 2, 2, 2]);
      await sess.close();
    });

    /** Per-channel batch statistics (last axis) in float64: mean, biased and unbiased variance. */
    const stats = (xs: number[], c: number) => {
      const n = xs.length / c;
      const mean = Array.from({ length: c }, (_, k) => xs.filter((_, i) => i % c === k).reduce((a, b) => a + b) / n);
      const ss = Array.from({ length: c }, (_, k) => xs.filter((_, i) => i % c === k).reduce((a, v) => a + (v - mean[k]!) ** 2, 0));
      return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
    };

    // core: the Keras layer creates gamma before beta; the fused and moments routes beta first
    for (const [what, shape, opts, bessel, core] of [
      ['rank 4, defaults (core layer, fused kernel)', [2, 3, 3, 2], {}, true, true],
      ['rank 2 (fused route)', [6, 3], {}, true, false],
      ['rank 4, updatesCollections null (fused route, in-place updates)', [2, 2, 2, 3], { updatesCollections: null }, true, false],
      ['rank 3, updatesCollections null (moments route)', [2, 3, 2], { updatesCollections: null }, false, false],
      ['rank 4, fused false (core layer, moments)', [2, 2, 2, 2], { fused: false }, false, true],
    ] as [string, number[], Record<string, unknown>, boolean, boolean][]) {
      it(`batchNorm ${what}: training vs inference, moving averages (decay 0.999)`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const c = shape[shape.length - 1]!;
        const xs = rand(shape.reduce((a, b) => a * b), 5).map((v, i) => Math.fround(3 * v + (i % c)));
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const x = f32(xs, shape);
          const train = L.batchNorm(x, opts);
          const infer = L.batchNorm(x, { ...opts, isTraining: false, reuse: true, scope: 'BatchNorm' });
          const flag = tf.placeholder('bool', []);
          const either = L.batchNorm(x, { ...opts, isTraining: flag, scale: true, scope: 'bn2' });
          return { train, infer, flag, either, updates: g.getCollection<tf.Tensor>('update_ops'), init: tf.globalVariablesInitializer() };
        });
        expect(names(g)).toEqual([
          'BatchNorm/beta:0', 'BatchNorm/moving_mean:0', 'BatchNorm/moving_variance:0',
          ...(core ? ['bn2/gamma:0', 'bn2/beta:0'] : ['bn2/beta:0', 'bn2/gamma:0']), 'bn2/moving_mean:0', 'bn2/moving_variance:0',
        ]);
        expect(names(g, 'trainable_variables')).toEqual(['BatchNorm/beta:0', ...(core ? ['bn2/gamma:0', 'bn2/beta:0'] : ['bn2/beta:0', 'bn2/gamma:0'])]);
        expect(names(g, 'model_variables')).toEqual(names(g));
        const inPlace = opts.updatesCollections === null;
        expect(m.updates.length).toBe(inPlace ? 0 : 4);
        expect(m.train.shape).toEqual(shape);
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        const s = stats(xs, c);
        const eps = 0.001;
        const norm = (mean: number[], v: number[]) => xs.map((x, i) => (x - mean[i % c]!) / Math.sqrt(v[i % c]! + eps));
        // inference before any update: moving mean 0, variance 1
        expectNear((await sess.run(m.infer)) as NDArray, norm([0, 0, 0].slice(0, c), [1, 1, 1].slice(0, c)), tol, 'inference');
        expectNear((await sess.run(m.train, inPlace ? undefined : undefined)) as NDArray, norm(s.mean, s.biased), 1e-4 * dev.caps.tolScale, 'training');
        if (!inPlace) await sess.run(m.updates.slice(0, 2));
        const target = bessel ? s.unbiased : s.biased;
        const mm = s.mean.map((v) => 0.001 * v);
        const mv = target.map((v) => 0.999 + 0.001 * v);
        expectNear((await sess.run(g.getTensorByName('BatchNorm/moving_mean:0'))) as NDArray, mm, 1e-6, 'moving_mean');
        expectNear((await sess.run(g.getTensorByName('BatchNorm/moving_variance:0'))) as NDArray, mv, 1e-6, 'moving_variance');
        expectNear((await sess.run(m.infer)) as NDArray, norm(mm, mv), tol, 'inference after one update');
        // is_training as a tensor: false normalizes with the moving statistics and updates nothing
        expectNear((await sess.run(m.either, new Map([[m.flag, false]]))) as NDArray, norm([0, 0, 0].slice(0, c), [1, 1, 1].slice(0, c)), tol, 'flag false');
        if (!inPlace) await sess.run(m.updates.slice(2), new Map([[m.flag, false]]));
        expectNear((await sess.run(g.getTensorByName('bn2/moving_mean:0'))) as NDArray, new Array(c).fill(0), 0, 'flag false: no update');
        expectNear((await sess.run(m.either, new Map([[m.flag, true]]))) as NDArray, norm(s.mean, s.biased), 1e-4 * dev.caps.tolScale, 'flag true');
        await sess.close();
      });
    }

    it('batchNorm zeroDebiasMovingMean: <var>/biased and local_step; one update gives the batch mean', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(4 * 3, 8).map((v, i) => Math.fround(v + i % 3));
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const y = L.batchNorm(f32(xs, [4, 3]), { zeroDebiasMovingMean: true, updatesCollections: null });
        return { y, init: tf.globalVariablesInitializer() };
      });
      // TF's _zero_debias opens variable_scope(<var op name>) inside the BatchNorm scope, hence the repeated prefix
      expect(names(g)).toEqual([
        'BatchNorm/beta:0', 'BatchNorm/moving_mean:0', 'BatchNorm/moving_variance:0', 'BatchNorm/BatchNorm/moving_mean/biased:0', 'BatchNorm/BatchNorm/moving_mean/local_step:0',
      ]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      await sess.run(m.y);
      const s = stats(xs, 3);
      expectNear((await sess.run(g.getTensorByName('BatchNorm/moving_mean:0'))) as NDArray, s.mean, 1e-4 * dev.caps.tolScale, 'debiased moving_mean');
      expectNear((await sess.run(g.getTensorByName('BatchNorm/moving_variance:0'))) as NDArray, s.unbiased.map((v) => 0.999 + 0.001 * v), 1e-6, 'moving_variance');
      await sess.close();
    });

    it('layerNorm: LayerNorm/beta, gamma of shape [last]; moments over begin_norm_axis..', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(2 * 3 * 4, 6).map((v, i) => Math.fround(v * (1 + (i % 4))));
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = f32(xs, [2, 3, 4]);
        return { a: L.layerNorm(x), b: L.layerNorm(x, { beginNormAxis: -1, center: false, scope: 'ln' }), init: tf.globalVariablesInitializer() };
      });
      expect(names(g)).toEqual(['LayerNorm/beta:0', 'LayerNorm/gamma:0', 'ln/gamma:0']);
      expect(g.getTensorByName('LayerNorm/gamma:0').shape).toEqual([4]);
      const ln = (group: number) => {
        const out: number[] = [];
        for (let s = 0; s < xs.length; s += group) {
          const v = xs.slice(s, s + group);
          const mu = v.reduce((a, b) => a + b) / group;
          const va = v.reduce((a, b) => a + (b - mu) ** 2, 0) / group;
          out.push(...v.map((x) => (x - mu) / Math.sqrt(va + 1e-12)));
        }
        return out;
      };
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      expectNear((await sess.run(m.a)) as NDArray, ln(12), tol * 10, 'layer_norm over [3, 4]', [2, 3, 4]);
      expectNear((await sess.run(m.b)) as NDArray, ln(4), tol * 10, 'layer_norm over [4]', [2, 3, 4]);
      await sess.close();
      expect(() => new tf.Graph().asDefault(() => L.layerNorm(tf.zeros([2, 3]), { beginNormAxis: 2 }))).toThrow('begin_params_axis (-1) and begin_norm_axis (2) must be < rank(inputs) (2)');
    });

    it('dropout (keep_prob 0.5, is_training true by default), embedSequence, oneHotEncoding', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = rand(200, 7).map((v) => Math.fround(v + 2));
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = f32(xs, [200]);
        const ids = tf.constant(Int32Array.of(3, 1, 3, 0), 'int32', [2, 2]);
        return {
          d: L.dropout(x, 0.5, { seed: 1 }), off: L.dropout(x, { isTraining: false }),
          e: L.embedSequence(ids, { vocabSize: 4, embedDim: 3 }),
          eu: L.embedSequence(ids, { vocabSize: 4, embedDim: 3, unique: true, scope: 'EmbedSequence', reuse: true }),
          oh: L.oneHotEncoding(tf.constant(Int32Array.of(2, 0, 1)), 3, { onValue: 5, offValue: -1 }),
          init: tf.globalVariablesInitializer(),
        };
      });
      expect(names(g, 'model_variables')).toEqual(['EmbedSequence/embeddings:0']);
      expect(m.e.shape).toEqual([2, 2, 3]);
      expect(m.oh.name.startsWith('OneHotEncoding/')).toBe(true);
      expect(m.oh.dtype).toBe('float32');
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      const d = arr(await sess.run(m.d));
      d.forEach((v, i) => expect(v === 0 || Math.abs(v - 2 * xs[i]!) <= 1e-5 * Math.abs(v), `dropout[${i}] ${v}`).toBe(true));
      expect(d.filter((v) => v === 0).length).toBeGreaterThan(50);
      expect(d.filter((v) => v === 0).length).toBeLessThan(150);
      expect(arr(await sess.run(m.off))).toEqual(xs);
      const table = arr(await sess.run(g.getTensorByName('EmbedSequence/embeddings:0')));
      const rows = [3, 1, 3, 0].flatMap((id) => table.slice(id * 3, id * 3 + 3));
      expect(arr(await sess.run(m.e))).toEqual(rows);
      expect(arr(await sess.run(m.eu))).toEqual(rows);
      expect(arr(await sess.run(m.oh))).toEqual([-1, -1, 5, 5, -1, -1, -1, 5, -1]);
      await sess.close();
    });
  });
}

describe('tf.contrib.layers scopes and tf.contrib.framework', () => {
  it('repeat and stack: TF\'s scope names (<scope>/<scope>_<i>, the layer\'s Python name)', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.zeros([1, 6, 6, 2]);
      const r = L.repeat(x, 2, L.conv2d, 3, [3, 3], { scope: 'conv1' });
      L.repeat(r, 2, L.conv2d, 3, [3, 3]);
      const f = L.flatten(r);
      const s = L.stack(f, L.fullyConnected, [32, 64], { scope: 'fc' });
      expect(s.shape).toEqual([1, 64]);
      L.stack(tf.zeros([1, 6, 6, 2]), L.conv2d, [[4, [3, 3]], [5, [1, 1]]]);
    });
    expect(names(g)).toEqual([
      'conv1/conv1_1/weights:0', 'conv1/conv1_1/biases:0', 'conv1/conv1_2/weights:0', 'conv1/conv1_2/biases:0',
      'Repeat/convolution2d_1/weights:0', 'Repeat/convolution2d_1/biases:0', 'Repeat/convolution2d_2/weights:0', 'Repeat/convolution2d_2/biases:0',
      'fc/fc_1/weights:0', 'fc/fc_1/biases:0', 'fc/fc_2/weights:0', 'fc/fc_2/biases:0',
      'Stack/convolution2d_1/weights:0', 'Stack/convolution2d_1/biases:0', 'Stack/convolution2d_2/weights:0', 'Stack/convolution2d_2/biases:0',
    ]);
    expect(g.getTensorByName('fc/fc_2/weights:0').shape).toEqual([32, 64]);
    expect(g.getTensorByName('Stack/convolution2d_2/weights:0').shape).toEqual([1, 1, 4, 5]);
    expect(() => L.stack(tf.zeros([1, 2]), L.fullyConnected, 3 as never)).toThrow('stack_args need to be a list or tuple');
  });

  it('variables_collections, outputs_collections, normalizer_fn with normalizer_params, weights_regularizer', () => {
    const F0 = tf.contrib.framework;
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.zeros([2, 4, 4, 3]);
      const y = L.conv2d(x, 8, 3, {
        normalizerFn: L.batchNorm, normalizerParams: { scale: true }, weightsRegularizer: L.l2Regularizer(0.1),
        variablesCollections: { weights: ['my_weights'] }, outputsCollections: ['outs'],
      });
      expect(g.getCollection('outs')).toEqual([y]);
      expect(() => F0.argScope([L.fullyConnected], { padding: 'VALID' }, () => L.fullyConnected(tf.zeros([1, 2]), 2))).toThrow("fully_connected() got an unexpected keyword argument 'padding'");
      expect(g.getCollection<tf.Variable>('my_weights').map((v) => v.name)).toEqual(['Conv/weights:0']);
      expect(g.getCollection('regularization_losses').length).toBe(1);
    });
    // a normalizer replaces the biases
    expect(names(g)).toEqual(['Conv/weights:0', 'Conv/BatchNorm/gamma:0', 'Conv/BatchNorm/beta:0', 'Conv/BatchNorm/moving_mean:0', 'Conv/BatchNorm/moving_variance:0']);
    expect(() => new tf.Graph().asDefault(() => L.conv2d(tf.zeros([1, 4, 3]), 2, 3))).toThrow('Convolution expects input with rank 4, got 3');
    expect(() => new tf.Graph().asDefault(() => L.maxPool2d(tf.zeros([1, 4, 4, 3]), 2, { dataFormat: 'NWC' }))).toThrow('data_format has to be either NCHW or NHWC.');
    expect(() => new tf.Graph().asDefault(() => L.embedSequence(tf.zeros([2], 'int32'), { vocabSize: 3 }))).toThrow('Must specify vocab size and embedding dimension');
  });

  it('framework: getVariables / getModelVariables / getVariablesByName / getUniqueVariable, global step', () => {
    const F = tf.contrib.framework;
    const g = new tf.Graph();
    g.asDefault(() => {
      L.fullyConnected(tf.zeros([2, 3]), 4, { scope: 'a' });
      L.fullyConnected(tf.zeros([2, 3]), 4, { scope: 'ab' });
      new tf.Variable(1, { name: 'plain' });
      const step = F.getOrCreateGlobalStep();
      expect(F.getGlobalStep()).toBe(step);
      expect(F.getVariables().map((v) => v.name)).toEqual(['a/weights:0', 'a/biases:0', 'ab/weights:0', 'ab/biases:0', 'plain:0', 'global_step:0']);
      expect(F.getModelVariables().map((v) => v.name)).toEqual(['a/weights:0', 'a/biases:0', 'ab/weights:0', 'ab/biases:0']);
      expect(F.getVariables('a/').map((v) => v.name)).toEqual(['a/weights:0', 'a/biases:0']);
      expect(F.getModelVariables(null, 'biases').map((v) => v.name)).toEqual(['a/biases:0', 'ab/biases:0']);
      expect(F.getVariablesByName('weights').map((v) => v.name)).toEqual(['a/weights:0', 'ab/weights:0']);
      expect(F.getTrainableVariables('ab').map((v) => v.name)).toEqual(['ab/weights:0', 'ab/biases:0']);
      expect(F.getUniqueVariable('a/weights').name).toBe('a/weights:0');
      expect(() => F.getUniqueVariable('zz')).toThrow("Couldn't find variable zz");
      expect(() => F.getUniqueVariable('a')).toThrow('Variable a does not uniquely identify a variable');
    });
  });

  it('argScope: defaults for the listed layers, call arguments win, nested scopes, re-entered scopes', () => {
    const F = tf.contrib.framework;
    expect(() => F.argScope([tf.add], {}, () => 0)).toThrow('is not decorated with @add_arg_scope');
    const g2 = new tf.Graph();
    g2.asDefault(() => {
      const x = tf.zeros([1, 6, 6, 2]);
      const saved = F.argScope([L.conv2d, L.convolution2d], { padding: 'VALID', activationFn: null }, (sc) => {
        const a = L.conv2d(x, 3, 3);
        expect(a.shape).toEqual([1, 4, 4, 3]);
        expect(a.op.type).toBe('BiasAdd');
        expect(() => L.conv2d(x, 3, 3, 1, 'SAME')).toThrow("convolution2d() got multiple values for argument 'padding'");
        expect(L.conv2d(x, 3, 3, 1, { padding: 'SAME' }).shape).toEqual([1, 6, 6, 3]);
        expect(L.conv2d(x, 3, 3, { padding: 'SAME' }).shape).toEqual([1, 6, 6, 3]);
        F.argScope([L.conv2d], { stride: 2 }, () => expect(L.conv2d(x, 3, 3).shape).toEqual([1, 2, 2, 3]));
        expect(F.hasArgScope(L.conv2d)).toBe(true);
        return sc;
      });
      expect(L.conv2d(x, 3, 3).op.type).toBe('Relu');
      F.argScope(saved, () => expect(L.conv2d(x, 3, 3).shape).toEqual([1, 4, 4, 3]));
    });
  });
});
