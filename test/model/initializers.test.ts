/**
 * Initializers (init_ops.py): every initializer's moments against TF1's formulas — fans of
 * matrices and conv kernels, variance-scaling modes and distributions (the truncated normal's
 * 0.87962566103423978 correction), orthogonality — on every device; constants and their errors;
 * tensor-valued random-op parameters.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { resolvedDevices } from '../conformance/harness.js';

const devices = await resolvedDevices();

interface Moments {
  mean: number;
  std: number;
  maxAbs: number;
  n: number;
}

function moments(a: tf.NDArray): Moments {
  const d = a.data as Float32Array;
  let s = 0;
  let m = 0;
  for (const x of d) {
    s += x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / d.length;
  let v = 0;
  for (const x of d) v += (x - mean) ** 2;
  return { mean, std: Math.sqrt(v / (d.length - 1)), maxAbs: m, n: d.length };
}

/** Mean within 5 standard errors, stddev within 3 %. */
function expectMoments(m: Moments, mean: number, std: number): void {
  expect(Math.abs(m.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(m.n));
  expect(m.std / std).toBeGreaterThan(0.97);
  expect(m.std / std).toBeLessThan(1.03);
}

async function values(opts: tf.SessionOptions, build: () => tf.Tensor | tf.Tensor[]): Promise<tf.NDArray[]> {
  const g = new tf.Graph();
  const ts = g.asDefault(() => {
    tf.setRandomSeed(7);
    const t = build();
    return Array.isArray(t) ? t : [t];
  });
  const s = new tf.Session({ graph: g, ...opts });
  try {
    return await s.run(ts);
  } finally {
    await s.close();
  }
}

const TN = 0.87962566103423978;
const conv = [3, 3, 16, 32];
const [convIn, convOut] = [3 * 3 * 16, 3 * 3 * 32];

describe('fans (_compute_fans)', () => {
  it('scalars, vectors, matrices, conv kernels', () => {
    expect(tf.computeFans([])).toEqual([1, 1]);
    expect(tf.computeFans([7])).toEqual([7, 7]);
    expect(tf.computeFans([3, 5])).toEqual([3, 5]);
    expect(tf.computeFans(conv)).toEqual([convIn, convOut]);
    expect(tf.computeFans([2, 3, 3, 4, 5])).toEqual([72, 90]);
  });
});

for (const d of devices) {
  describe(`initializer moments (${d.name})`, () => {
    it('random uniform / normal / truncated normal, and uniform unit scaling', async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const [u, n, t, uus] = await values(d.options, () => [
        tf.randomUniformInitializer(-2, 3)([200, 300]),
        tf.randomNormalInitializer({ mean: 1, stddev: 2 })([200, 300]),
        tf.truncatedNormalInitializer(0, 2)([200, 300]),
        tf.uniformUnitScalingInitializer(1.5)([100, 600]),
      ]);
      expectMoments(moments(u!), 0.5, 5 / Math.sqrt(12));
      expect(Math.min(...(u!.data as Float32Array))).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...(u!.data as Float32Array))).toBeLessThan(3);
      expectMoments(moments(n!), 1, 2);
      const mt = moments(t!);
      expectMoments(mt, 0, 2 * TN);
      expect(mt.maxAbs).toBeLessThanOrEqual(4);
      const limit = Math.sqrt(3 / 100) * 1.5;
      expectMoments(moments(uus!), 0, limit / Math.sqrt(3));
      expect(moments(uus!).maxAbs).toBeLessThanOrEqual(limit);
    });

    it('variance scaling: every mode and distribution on a conv kernel', async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const cases: [string, string, number][] = [];
      for (const mode of ['fan_in', 'fan_out', 'fan_avg']) {
        for (const dist of ['truncated_normal', 'normal', 'untruncated_normal', 'uniform']) {
          const n = mode === 'fan_in' ? convIn : mode === 'fan_out' ? convOut : (convIn + convOut) / 2;
          cases.push([mode, dist, Math.sqrt(2 / n)]);
        }
      }
      const shape = [3, 3, 16, 32 * 8];
      // same fans as `conv` but more samples: fan_out scales with the last dim
      const out = await values(d.options, () =>
        cases.map(([mode, distribution]) => tf.varianceScalingInitializer({ scale: 2, mode, distribution })(mode === 'fan_in' ? shape : conv.map((x, i) => (i === 0 ? x * 8 : x)))));
      cases.forEach(([mode, dist, std], i) => {
        const m = moments(out[i]!);
        let expected = std;
        if (mode !== 'fan_in') {
          // fan_out / fan_avg with the kernel's first dim ×8 (so the receptive field is 8× larger)
          const fin = 24 * 3 * 16;
          const fout = 24 * 3 * 32;
          expected = Math.sqrt(2 / (mode === 'fan_out' ? fout : (fin + fout) / 2));
        }
        expectMoments(m, 0, expected);
        if (dist === 'uniform') expect(m.maxAbs).toBeLessThanOrEqual(Math.sqrt(3) * expected * 1.0001);
        if (dist === 'truncated_normal' || dist === 'normal') expect(m.maxAbs).toBeLessThanOrEqual((2 * expected) / TN * 1.0001);
        if (dist === 'untruncated_normal') expect(m.maxAbs).toBeGreaterThan((2 * expected) / TN);
      });
    });

    it('glorot, he and lecun, and contrib xavier', async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const shape = [3, 3, 64, 128];
      const [fin, fout] = [9 * 64, 9 * 128];
      const out = await values(d.options, () => [
        tf.glorotUniformInitializer()(shape),
        tf.glorotNormalInitializer()(shape),
        tf.initializers.heNormal()(shape),
        tf.initializers.heUniform()(shape),
        tf.initializers.lecunNormal()(shape),
        tf.initializers.lecunUniform()(shape),
        tf.contrib.layers.xavierInitializer()(shape),
        tf.contrib.layers.xavierInitializer({ uniform: false })(shape),
        tf.contrib.layers.varianceScalingInitializer()(shape),
      ]);
      const glorot = Math.sqrt(2 / (fin + fout));
      expectMoments(moments(out[0]!), 0, glorot);
      expect(moments(out[0]!).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / (fin + fout)));
      expectMoments(moments(out[1]!), 0, glorot);
      expectMoments(moments(out[2]!), 0, Math.sqrt(2 / fin));
      expectMoments(moments(out[3]!), 0, Math.sqrt(2 / fin));
      expectMoments(moments(out[4]!), 0, Math.sqrt(1 / fin));
      expectMoments(moments(out[5]!), 0, Math.sqrt(1 / fin));
      // contrib: uniform limit sqrt(3·factor/n); truncated normal with stddev sqrt(1.3·factor/n), uncorrected
      expectMoments(moments(out[6]!), 0, glorot);
      expectMoments(moments(out[7]!), 0, Math.sqrt(1.3 / ((fin + fout) / 2)) * TN);
      expectMoments(moments(out[8]!), 0, Math.sqrt((1.3 * 2) / fin) * TN);
    });

    it('orthogonal: orthonormal columns or rows of the flattened kernel, scaled by gain', async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const [tall, wide, kernel, square] = await values(d.options, () => [
        tf.orthogonalInitializer()([96, 40]),
        tf.orthogonalInitializer({ gain: 2 })([20, 50]),
        tf.orthogonalInitializer()([3, 3, 4, 8]),
        tf.orthogonalInitializer({ seed: 3 })([64, 64]),
      ]);
      const gram = (a: tf.NDArray, rows: number, cols: number, byRows: boolean): number[][] => {
        const x = a.data as Float32Array;
        const k = byRows ? rows : cols;
        const len = byRows ? cols : rows;
        const at = (i: number, j: number) => (byRows ? x[i * cols + j]! : x[j * cols + i]!);
        return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => {
          let s = 0;
          for (let t = 0; t < len; t++) s += at(i, t) * at(j, t);
          return s;
        }));
      };
      const expectEye = (gm: number[][], scale: number) => {
        gm.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (i === j ? scale : 0))).toBeLessThan(1e-4 * Math.max(1, scale))));
      };
      expectEye(gram(tall!, 96, 40, false), 1);
      expectEye(gram(wide!, 20, 50, true), 4);
      expect(kernel!.shape).toEqual([3, 3, 4, 8]);
      expectEye(gram(kernel!, 36, 8, false), 1);
      expectEye(gram(square!, 64, 64, false), 1);
      // Haar-distributed: entries have mean 0 and variance 1/rows
      expectMoments(moments(square!), 0, 1 / 8);
    });

    it('tensor-valued mean, stddev, minval and maxval', async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const g = new tf.Graph();
      const [x, outs] = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [], 'x');
        return [x, [
          tf.randomNormal([100000], { stddev: x, seed: 1 }),
          tf.randomNormal([100000], { mean: x, stddev: 0.5, seed: 2 }),
          tf.truncatedNormal([100000], { stddev: tf.multiply(x, 2), seed: 3 }),
          tf.randomUniform([100000], { minval: x, maxval: tf.add(x, 4), seed: 4 }),
        ]] as const;
      });
      expect(outs[0].op.name).toBe('random_normal');
      expect(outs[0].op.inputs[0]!.op.inputs[0]!.op.name).toBe('random_normal/RandomStandardNormal');
      const s = new tf.Session({ graph: g, ...d.options });
      const [a, b, c, u] = await s.run([...outs], [[x, 3]]);
      await s.close();
      expectMoments(moments(a!), 0, 3);
      expectMoments(moments(b!), 3, 0.5);
      expectMoments(moments(c!), 0, 6 * TN);
      expectMoments(moments(u!), 5, 4 / Math.sqrt(12));
      expect(Math.min(...(u!.data as Float32Array))).toBeGreaterThanOrEqual(3);
    });
  });
}

describe('constant initializers', () => {
  it('zeros, ones, constant (padded with its last value), identity; dtypes from the call or the initializer', async () => {
    const [z, o, c, pad, id, i32] = await values({}, () => [
      tf.zerosInitializer()([2, 2]),
      tf.onesInitializer(tf.int32)([3]),
      tf.constantInitializer([[1, 2], [3, 4]])([2, 2]),
      tf.constantInitializer([1, 2])([2, 3]),
      tf.initializers.identity({ gain: 3 })([2, 3]),
      tf.initializers.constant(7)([2], tf.int32),
    ]);
    expect(z!.toArray()).toEqual([[0, 0], [0, 0]]);
    expect([o!.dtype, o!.toArray()]).toEqual(['int32', [1, 1, 1]]);
    expect(c!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(pad!.toArray()).toEqual([[1, 2, 2], [2, 2, 2]]);
    expect(id!.toArray()).toEqual([[3, 0, 0], [0, 3, 0]]);
    expect([i32!.dtype, i32!.toArray()]).toEqual(['int32', [7, 7]]);
  });

  it("TF1's errors", () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.constantInitializer([1, 2, 3])([2])).toThrow('Too many elements provided. Needed at most 2, but received 3');
      expect(() => tf.constantInitializer([1, 2], { verifyShape: true })([2, 1])).toThrow("Expected Tensor's shape: (2, 1), got (2,).");
      expect(() => tf.constantInitializer('a' as never)).toThrow(/^Invalid type for initial value/);
      expect(() => tf.randomNormalInitializer()([2], tf.int32)).toThrow("Expected floating point type, got <dtype: 'int32'>.");
      expect(() => tf.varianceScalingInitializer({ scale: 0 })).toThrow('`scale` must be positive float.');
      expect(() => tf.varianceScalingInitializer({ mode: 'fan' })).toThrow('Invalid `mode` argument: fan');
      expect(() => tf.varianceScalingInitializer({ distribution: 'cauchy' })).toThrow('Invalid `distribution` argument: cauchy');
      expect(() => tf.orthogonalInitializer()([4])).toThrow('The tensor to initialize must be at least two-dimensional');
      expect(() => tf.initializers.identity()([2, 2, 2])).toThrow('Identity matrix initializer can only be used for 2D matrices.');
      expect(() => tf.contrib.layers.varianceScalingInitializer({ mode: 'X' })).toThrow('Unknown mode X [FAN_IN, FAN_OUT, FAN_AVG]');
      expect(() => tf.contrib.layers.xavierInitializer({ dtype: tf.int32 })).toThrow('Cannot create initializer for non-floating point type.');
      expect(() => tf.randomUniformInitializer()([2], tf.int32)).toThrow("Must specify maxval for integer dtype <dtype: 'int32'>");
    });
  });

  it('configs and names', () => {
    expect(tf.varianceScalingInitializer(2, 'fan_avg').getConfig()).toEqual({ scale: 2, mode: 'fan_avg', distribution: 'truncated_normal', seed: null, dtype: 'float32' });
    expect(tf.glorotUniformInitializer({ seed: 3 }).className).toBe('GlorotUniform');
    expect(tf.initializers.zeros().className).toBe('Zeros');
    expect(tf.initializers.truncatedNormal({ stddev: 0.1 }).getConfig()).toEqual({ mean: 0, stddev: 0.1, seed: null, dtype: 'float32' });
  });

  it('the same seeds give the same values on fresh sessions', async () => {
    const a = await values({}, () => tf.glorotNormalInitializer({ seed: 5 })([30, 20]));
    const b = await values({}, () => tf.glorotNormalInitializer({ seed: 5 })([30, 20]));
    expect(Array.from(a[0]!.data)).toEqual(Array.from(b[0]!.data));
  });
});
