/**
 * tf.booleanMask and one-argument tf.where (data-dependent output shapes, resolved on the host
 * before the plan) on every device: values against a float64 reference filter (cases after TF's
 * array_ops_test BooleanMaskTest: 1-D and n-D masks, axis, masks fed or computed in the
 * graph, all-false masks), static shapes, TF's errors, and the gradient (finite differences,
 * and the IndexedSlices of axis 0).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './harness.js';
import { checkGradients } from '../support/grad-check.js';
import { rng } from '../support/random.js';

registerSkipSummary();
const devices = await resolvedDevices();

const size = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);

/** numpy's `tensor[mask]` along `axis`, on flat data: the kept slices and the result shape. */
function refMask(data: number[], shape: number[], mask: boolean[], maskShape: number[], axis: number): { data: number[]; shape: number[] } {
  const outer = size(shape.slice(0, axis));
  const k = size(maskShape);
  const inner = size(shape.slice(axis + maskShape.length));
  const kept = mask.map((m, i) => (m ? i : -1)).filter((i) => i >= 0);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const j of kept) for (let i = 0; i < inner; i++) out.push(data[(o * k + j) * inner + i]!);
  return { data: out, shape: [...shape.slice(0, axis), kept.length, ...shape.slice(axis + maskShape.length)] };
}

const CASES: { name: string; shape: number[]; maskShape: number[]; axis?: number }[] = [
  { name: '1-D tensor, 1-D mask', shape: [5], maskShape: [5] },
  { name: '2-D tensor, 1-D mask (rows)', shape: [4, 3], maskShape: [4] },
  { name: '3-D tensor, 2-D mask', shape: [3, 2, 4], maskShape: [3, 2] },
  { name: 'axis 1', shape: [2, 5, 3], maskShape: [5], axis: 1 },
  { name: 'axis 1, 2-D mask', shape: [2, 3, 2, 2], maskShape: [3, 2], axis: 1 },
];

for (const dev of devices) {
  describe(`booleanMask [${dev.name}]`, () => {
    const open = (ctx: { skip: (note?: string) => never }, g: tf.Graph): tf.Session => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      return new tf.Session({ ...dev.options, graph: g });
    };

    for (const c of CASES) {
      it(`${c.name}: values and shapes as numpy's tensor[mask], for masks of every count`, async (ctx) => {
        const r = rng(c.shape.length * 7 + (c.axis ?? 0));
        const data = Array.from({ length: size(c.shape) }, () => Math.round(100 * (2 * r() - 1)) / 8);
        const g = new tf.Graph();
        const [x, m, y] = g.asDefault(() => {
          const x = tf.constant(data, tf.float32, c.shape);
          const m = tf.placeholder(tf.bool, c.maskShape.map(() => null));
          return [x, m, tf.booleanMask(x, m, { axis: c.axis ?? null })];
        });
        const ax = c.axis ?? 0;
        expect(y!.shape).toEqual([...c.shape.slice(0, ax), null, ...c.shape.slice(ax + c.maskShape.length)]);
        void x;
        const sess = open(ctx, g);
        try {
          const k = size(c.maskShape);
          const masks = [Array.from({ length: k }, () => r() < 0.5), new Array<boolean>(k).fill(true), new Array<boolean>(k).fill(false), Array.from({ length: k }, (_, i) => i === k - 1)];
          for (const mask of masks) {
            const got = (await sess.run(y!, [[m!, new tf.NDArray(Uint8Array.from(mask, Number), c.maskShape, 'bool')]])) as NDArray;
            const want = refMask(data, c.shape, mask, c.maskShape, ax);
            expect(got.shape).toEqual(want.shape);
            expect(Array.from(got.data as Float32Array)).toEqual(want.data.map(Math.fround));
          }
        } finally {
          await sess.close();
        }
      });
    }

    it('a mask computed in the graph, the masked values used further on; runSync; where(mask) coordinates', async (ctx) => {
      const g = new tf.Graph();
      const [x, total, kept, coords] = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [null, 2]);
        const pos = tf.greater(tf.reduceSum(x, 1), tf.constant(0));
        const kept = tf.booleanMask(x, pos);
        return [x, tf.reduceSum(tf.multiply(kept, tf.constant(2))), kept, tf.where(tf.greater(x, tf.constant(0)))];
      });
      expect(coords!.dtype).toBe('int64');
      expect(coords!.shape).toEqual([null, 2]);
      const sess = open(ctx, g);
      try {
        const v = [[1, 2], [-3, 1], [0.5, -0.25], [-1, -1]];
        const [t, k, w] = (await sess.run([total!, kept!, coords!], [[x!, v]])) as NDArray[];
        expect(t!.toArray()).toBe(2 * (1 + 2 + 0.5 - 0.25));
        expect(k!.toArray()).toEqual([[1, 2], [0.5, -0.25]]);
        expect(w!.toArray()).toEqual([[0, 0], [0, 1], [1, 1], [2, 0]]);
        if (dev.caps.runSync) expect((sess.runSync(kept!, [[x!, [[-1, 0], [2, 2]]]]) as NDArray).toArray()).toEqual([[2, 2]]);
      } finally {
        await sess.close();
      }
    });

    it('gradient: the upstream rows scattered back to the kept positions, zero elsewhere (IndexedSlices on axis 0)', async (ctx) => {
      const g = new tf.Graph();
      const [dx, dxAxis1, asDense] = g.asDefault(() => {
        const x = tf.constant([[1, 2], [3, 4], [5, 6]], tf.float32);
        const mask = tf.constant([true, false, true]);
        const y = tf.booleanMask(x, mask);
        const [gx] = tf.gradients(tf.reduceSum(tf.multiply(y, tf.constant([[10, 20], [30, 40]]))), [x]);
        const [gx1] = tf.gradients(tf.reduceSum(tf.multiply(tf.booleanMask(x, tf.constant([false, true]), { axis: 1 }), tf.constant([[1], [2], [3]]))), [x]);
        return [gx, gx1, tf.convertToTensor(gx as never)];
      }) as [unknown, Tensor, Tensor];
      expect(dx).toBeInstanceOf(tf.IndexedSlices);
      const sess = open(ctx, g);
      try {
        const [d, d1] = (await sess.run([asDense, dxAxis1])) as NDArray[];
        expect(d!.toArray()).toEqual([[10, 20], [0, 0], [30, 40]]);
        expect(d1!.toArray()).toEqual([[0, 1], [0, 2], [0, 3]]);
      } finally {
        await sess.close();
      }
    });

    for (const dtype of ['float64', 'float32'] as const) {
      it(`finite-difference gradients (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        if (dtype === 'float64' && !dev.caps.float64) skipTest(ctx, `${dev.name}: no float64`);
        const mask2 = [[true, false], [false, false], [true, true]];
        await checkGradients({ name: 'booleanMask 2-D mask', ins: [{ shape: [3, 2, 2] }], f: (x) => tf.reshape(tf.booleanMask(x!, tf.constant(mask2)), [3, 2]) }, dtype, dev.options);
        await checkGradients(
          { name: 'booleanMask axis 1', ins: [{ shape: [2, 4] }], f: (x) => tf.reshape(tf.booleanMask(x!, tf.constant([true, false, true, true]), { axis: 1 }), [2, 3]) },
          dtype,
          dev.options,
        );
      });
    }

    it("TF's errors for scalar, unknown-rank and mismatched masks", () => {
      new tf.Graph().asDefault(() => {
        const x = tf.zeros([3, 4]);
        expect(() => tf.booleanMask(x, tf.constant(true))).toThrow('mask cannot be scalar.');
        expect(() => tf.booleanMask(x, tf.placeholder(tf.bool))).toThrow(
          'Number of mask dimensions must be specified, even if some dimensions are None.  E.g. shape=[None] is ok, but shape=None is not.',
        );
        expect(() => tf.booleanMask(x, tf.constant([true, false]))).toThrow('Shapes (3,) and (2,) are incompatible');
        expect(() => tf.booleanMask(x, tf.constant([[true], [false], [true]]))).toThrow('Shapes (3, 4) and (3, 1) are incompatible');
        expect(tf.booleanMask(x, tf.constant([true, false, true, true]), { axis: 1 }).shape).toEqual([3, null]);
        expect(() => tf.where(tf.constant([true]), tf.constant([1]))).toThrow('x and y must both be non-None or both be None.');
      });
    });
  });
}
