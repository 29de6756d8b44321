/**
 * tf.contrib.layers.instanceNorm and groupNorm (TF 1.15 normalization.py) on every device:
 * outputs against a plain-JS normalization (per example; instance over the spatial axes of each
 * channel, group over the reduction axes and each group's channels), NHWC and NCHW, custom
 * groups / channels_axis / reduction_axes, mean_close_to_zero, an unknown batch, TF's variable
 * names and collections, TF1's errors, and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients, rng } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();
const L = tf.contrib.layers;

/**
 * Normalize x (row-major `shape`) over the elements sharing (batch, group): `key(idx)` names each
 * element's statistics cell and `chan(idx)` its channel, for gamma / beta.
 */
function refNorm(x: number[], shape: number[], key: (idx: number[]) => string, chan: (idx: number[]) => number, gamma: number[], beta: number[], eps: number): number[] {
  const idxOf = (flat: number): number[] => {
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(flat % shape[d]!); flat = Math.floor(flat / shape[d]!); }
    return idx;
  };
  const cells = new Map<string, number[]>();
  x.forEach((v, i) => { const k = key(idxOf(i)); (cells.get(k) ?? cells.set(k, []).get(k)!).push(v); });
  const stats = new Map([...cells].map(([k, vs]) => {
    const m = vs.reduce((p, v) => p + v, 0) / vs.length;
    return [k, [m, vs.reduce((p, v) => p + (v - m) ** 2, 0) / vs.length] as const];
  }));
  return x.map((v, i) => {
    const idx = idxOf(i);
    const [m, va] = stats.get(key(idx))!;
    const c = chan(idx);
    return ((v - m) / Math.sqrt(va + eps)) * gamma[c]! + beta[c]!;
  });
}

const randoms = (n: number, seed: number): number[] => { const r = rng(seed); return Array.from({ length: n }, () => 3 * r() - 1); };
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], tol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, tol, tol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const tol = dtype === 'float64' ? 1e-10 : 2e-5 * dev.caps.tolScale;
    const arr = (v: number[], shape: number[]): NDArray => new tf.NDArray(dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), shape, dtype);
    describe(`contrib.layers instance / group norm (${dev.name}, ${dtype})`, () => {
      async function run(build: () => { outs: Tensor[]; feed?: [Tensor, NDArray][] }): Promise<NDArray[]> {
        const g = new tf.Graph();
        const { outs, feed, init } = g.asDefault(() => ({ ...build(), init: tf.globalVariablesInitializer() }));
        const s = new tf.Session({ ...dev.options, graph: g });
        try {
          await s.run(init);
          return (await s.run(outs, new Map(feed ?? []))) as NDArray[];
        } finally {
          await s.close();
        }
      }

      it('instanceNorm normalizes each example and channel over the spatial axes (NHWC and NCHW)', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const shape = [2, 3, 4, 3];
        const x = randoms(72, 1);
        const gamma = [1.5, -0.5, 2];
        const beta = [0.1, 0.2, -0.3];
        const xc = randoms(2 * 3 * 4 * 5, 2);
        const [y, yc, yr] = await run(() => ({
          outs: [
            L.instanceNorm(arr(x, shape), { paramInitializers: { gamma: tf.constantInitializer(gamma), beta: tf.constantInitializer(beta) } }),
            L.instanceNorm(arr(xc, [2, 3, 4, 5]), { dataFormat: 'NCHW', paramInitializers: { gamma: tf.constantInitializer(gamma), beta: tf.constantInitializer(beta) }, epsilon: 0.01 }),
            L.instanceNorm(arr(x, shape), { center: false, scale: false, activationFn: tf.nn.relu }),
          ],
        }));
        expectClose(y!, refNorm(x, shape, (i) => `${i[0]}/${i[3]}`, (i) => i[3]!, gamma, beta, 1e-6), tol, 'NHWC');
        expectClose(yc!, refNorm(xc, [2, 3, 4, 5], (i) => `${i[0]}/${i[1]}`, (i) => i[1]!, gamma, beta, 0.01), tol, 'NCHW');
        expectClose(yr!, refNorm(x, shape, (i) => `${i[0]}/${i[3]}`, () => 0, [1], [0], 1e-6).map((v) => Math.max(v, 0)), tol, 'no params, relu');
      });

      it('groupNorm normalizes each example over its groups (NHWC, NCHW axes, mean_close_to_zero, unknown batch)', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const shape = [2, 3, 2, 6];
        const x = randoms(72, 3);
        const gamma = [1, 2, 0.5, -1, 1.5, 0.25];
        const beta = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
        const pi = { gamma: tf.constantInitializer(gamma), beta: tf.constantInitializer(beta) };
        const xc = randoms(2 * 4 * 3 * 2, 4);
        const ph = { t: null as Tensor | null };
        const [y, yc, y0, yu] = await run(() => {
          ph.t = tf.placeholder(dtype, [null, 3, 2, 6]);
          return {
            outs: [
              L.groupNorm(arr(x, shape), 3, { paramInitializers: pi }),
              L.groupNorm(arr(xc, [2, 4, 3, 2]), 2, 1, [-2, -1], { paramInitializers: { gamma: tf.constantInitializer([1, 2, 3, 4]), beta: tf.constantInitializer([0, 1, 0, 1]) } }),
              L.groupNorm(arr(x, shape), 2, { meanCloseToZero: true, epsilon: 0.1, scope: 'gn0' }),
              L.groupNorm(ph.t, 6, { paramInitializers: pi, scope: 'gnu' }),
            ],
            feed: [[ph.t, arr(x, shape)]],
          };
        });
        expectClose(y!, refNorm(x, shape, (i) => `${i[0]}/${Math.floor(i[3]! / 2)}`, (i) => i[3]!, gamma, beta, 1e-6), tol, 'NHWC, 3 groups');
        expectClose(yc!, refNorm(xc, [2, 4, 3, 2], (i) => `${i[0]}/${Math.floor(i[1]! / 2)}`, (i) => i[1]!, [1, 2, 3, 4], [0, 1, 0, 1], 1e-6), tol, 'channels axis 1');
        expectClose(y0!, refNorm(x, shape, (i) => `${i[0]}/${Math.floor(i[3]! / 3)}`, () => 0, [1], [0], 0.1), dtype === 'float64' ? 1e-9 : tol, 'mean_close_to_zero');
        expect(yu!.shape).toEqual(shape);
        expectClose(yu!, refNorm(x, shape, (i) => `${i[0]}/${i[3]}`, (i) => i[3]!, gamma, beta, 1e-6), tol, 'unknown batch, 6 groups');
      });
    });
  }
}

describe('contrib.layers instance / group norm: variables and errors', () => {
  it("TF's variable names, model variables, collections, reuse and arg scope", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [null, 4, 4, 8]);
      L.instanceNorm(x, { variablesCollections: ['norms'], outputsCollections: 'outs' });
      L.groupNorm(x, 4);
      L.groupNorm(x, 2, { scope: 'gn', center: false });
      L.instanceNorm(x, { scope: 'InstanceNorm', reuse: true });
      const names = (k: string) => g.getCollection<tf.Variable>(k).map((v) => v.name);
      expect(names('variables')).toEqual(['InstanceNorm/beta:0', 'InstanceNorm/gamma:0', 'GroupNorm/beta:0', 'GroupNorm/gamma:0', 'gn/gamma:0']);
      expect(names('model_variables')).toEqual(names('variables'));
      expect(names('trainable_variables')).toEqual(names('variables'));
      expect(names('norms')).toEqual(['InstanceNorm/beta:0', 'InstanceNorm/gamma:0']);
      expect(g.getCollection('outs').length).toBe(1);
      expect(g.getCollection<tf.Variable>('variables')[0]!.shape).toEqual([8]);
      tf.contrib.framework.argScope([L.groupNorm], { groups: 8 }, () => {
        expect(L.groupNorm(x, { scope: 'gs' }).shape).toEqual([null, 4, 4, 8]);
      });
    });
  });

  it("TF1's errors", () => {
    new tf.Graph().asDefault(() => {
      const x = tf.placeholder('float32', [2, 4, 4, 6]);
      expect(() => L.instanceNorm(tf.placeholder('float32'))).toThrow('has undefined rank.');
      expect(() => L.instanceNorm(x, { dataFormat: 'NWC' })).toThrow('data_format has to be either NCHW or NHWC.');
      expect(() => L.instanceNorm(tf.placeholder('float32', [2, 4, null]))).toThrow('has undefined channels dimension (?,).');
      expect(() => L.groupNorm(x, 12)).toThrow('Invalid groups 12 for 6 channels.');
      expect(() => L.groupNorm(x, 4)).toThrow('6 channels is not commensurate with 4 groups.');
      expect(() => L.groupNorm(x, 2, 2)).toThrow('reduction_axis must be mutually exclusive with channels_axis');
      expect(() => L.groupNorm(x, 2, 4)).toThrow('Axis is out of bounds.');
      expect(() => L.groupNorm(tf.placeholder('float32', [2, null, 4, 6]), 2)).toThrow('has undefined dimensions 1.');
    });
  });
});

const GRAD: GradCase[] = [
  { name: 'instanceNorm (NHWC)', ins: [{ shape: [2, 2, 3, 2] }], f: (x) => L.instanceNorm(x!, { paramInitializers: { gamma: tf.constantInitializer([1.5, -0.7]) } }) },
  { name: 'instanceNorm (NCHW)', ins: [{ shape: [1, 2, 3, 2] }], f: (x) => L.instanceNorm(x!, { dataFormat: 'NCHW' }) },
  { name: 'groupNorm (2 groups)', ins: [{ shape: [2, 2, 2, 4] }], f: (x) => L.groupNorm(x!, 2, { paramInitializers: { gamma: tf.constantInitializer([1, 2, -1, 0.5]), beta: tf.constantInitializer(0.3) } }) },
  { name: 'groupNorm (mean_close_to_zero)', ins: [{ shape: [1, 3, 2, 4] }], f: (x) => L.groupNorm(x!, 4, { meanCloseToZero: true }) },
];
describeGradients('finite-difference gradients of instanceNorm and groupNorm', GRAD, devices);
