/**
 * Fake quantization (tf.quantization.fake_quant_with_min_max_{args,vars,vars_per_channel}) on
 * every device against test/fixtures/fake-quant-goldens.json (TF's nudging and rounding written
 * out in numpy float32), TF's kernel-test cases, and the straight-through gradients: the
 * function is piecewise constant, so TF's gradient is the clipped identity by definition, not
 * a finite difference; the min/max gradients are sums of dy outside the nudged range.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();
const G = JSON.parse(fs.readFileSync(new URL('./fixtures/fake-quant-goldens.json', import.meta.url), 'utf8')) as {
  cases: { min: number; max: number; numBits: number; narrowRange: boolean; x: number[]; y: number[]; dy: number[]; dx: number[]; dmin: number; dmax: number }[];
  perChannel: { min: number[]; max: number[]; x: number[]; y: number[]; dy: number[]; dx: number[]; dmin: number[]; dmax: number[] };
};
const arr = (x: unknown): number[] => Array.from((x as NDArray).data as Float32Array);
const f32 = (xs: number[]): number[] => xs.map(Math.fround);
const close = (a: number[], b: number[], tol: number): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));
};

for (const dev of devices) {
  describe(`fake quantization (${dev.name})`, () => {
    it("TF's kernel-test cases: no nudging, and zero point 0.4 nudged down", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [a, b] = g.asDefault(() => [
        tf.quantization.fakeQuantWithMinMaxArgs(tf.constant([-10.1, -10.0, -9.9, -9.75, 53.75, 53.8], 'float32', [2, 3]), -10.0, 53.75),
        tf.fakeQuantWithMinMaxArgs([-0.1, 0.0, 0.1, 0.25, 63.75, 63.8], { min: -0.1, max: 63.65 }),
      ]);
      await using sess = new tf.Session({ graph: g, ...dev.options });
      const [ra, rb] = (await sess.run([a!, b!])) as NDArray[];
      expect(ra!.shape).toEqual([2, 3]);
      expect(arr(ra)).toEqual(f32([-10.0, -10.0, -10.0, -9.75, 53.75, 53.75]));
      expect(arr(rb)).toEqual(f32([0.0, 0.0, 0.0, 0.25, 63.75, 63.75]));
    });

    it('Args, Vars and their gradients match the goldens for every range, bit width and narrow range', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const built = g.asDefault(() => G.cases.map((c) => {
        const x = tf.constant(c.x, 'float32');
        const mn = tf.constant(c.min, 'float32');
        const mx = tf.constant(c.max, 'float32');
        const dy = tf.constant(c.dy, 'float32');
        const yv = tf.quantization.fakeQuantWithMinMaxVars(x, mn, mx, { numBits: c.numBits, narrowRange: c.narrowRange });
        const [dx, dmin, dmax] = tf.gradients(yv, [x, mn, mx], dy) as tf.Tensor[];
        const ya = c.min < c.max ? tf.quantization.fakeQuantWithMinMaxArgs(x, c.min, c.max, c.numBits, c.narrowRange) : null;
        const dxa = ya ? (tf.gradients(ya, x, dy) as tf.Tensor[])[0]! : null;
        return { yv, dx: dx!, dmin: dmin!, dmax: dmax!, ya, dxa };
      }));
      await using sess = new tf.Session({ graph: g, ...dev.options });
      for (let k = 0; k < G.cases.length; k++) {
        const c = G.cases[k]!;
        const b = built[k]!;
        const [yv, dx, dmin, dmax] = (await sess.run([b.yv, b.dx, b.dmin, b.dmax])) as NDArray[];
        expect(arr(yv)).toEqual(f32(c.y));
        if (c.min === 0 && c.max === 0) continue; // a zero range: only the forward op's zeros are checked
        expect(arr(dx)).toEqual(f32(c.dx));
        close(arr(dmin), [Math.fround(c.dmin)], 1e-6);
        close(arr(dmax), [Math.fround(c.dmax)], 1e-6);
        if (b.ya) {
          const [ya, dxa] = (await sess.run([b.ya, b.dxa!])) as NDArray[];
          expect(arr(ya)).toEqual(f32(c.y));
          expect(arr(dxa)).toEqual(f32(c.dx));
        }
      }
    });

    it('per channel: a range per last-axis channel, gradients per channel', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const p = G.perChannel;
      const g = new tf.Graph();
      const r = g.asDefault(() => {
        const x = tf.constant(p.x, 'float32', [4, 3]);
        const mn = tf.constant(p.min, 'float32');
        const mx = tf.constant(p.max, 'float32');
        const y = tf.quantization.fakeQuantWithMinMaxVarsPerChannel(x, mn, mx);
        return [y, ...(tf.gradients(y, [x, mn, mx], tf.constant(p.dy, 'float32', [4, 3])) as tf.Tensor[])];
      });
      await using sess = new tf.Session({ graph: g, ...dev.options });
      const [y, dx, dmin, dmax] = (await sess.run(r)) as NDArray[];
      expect(arr(y)).toEqual(f32(p.y));
      expect(arr(dx)).toEqual(f32(p.dx));
      close(arr(dmin), f32(p.dmin), 1e-6);
      close(arr(dmax), f32(p.dmax), 1e-6);
    });
  });
}

describe('fake quantization: errors and GraphDef', () => {
  it("TF's texts for a bad range, bit width and channel count", () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.quantization.fakeQuantWithMinMaxArgs([1], 2, 1)).toThrow('min has to be smaller than max, was: 2 >= 1');
      expect(() => tf.quantization.fakeQuantWithMinMaxArgs([1], { numBits: 1 })).toThrow('num_bits must be between 2 and 16, inclusive');
      expect(() => tf.quantization.fakeQuantWithMinMaxVars([1], [0, 1], 1)).toThrow(/Shape must be rank 0 but is rank 1/);
      expect(() => tf.quantization.fakeQuantWithMinMaxVarsPerChannel(tf.zeros([2, 3]), [0, 0], [1, 1])).toThrow(/Dimensions must be equal, but are 3 and 2/);
      expect(() => tf.quantization.fakeQuantWithMinMaxVars(tf.zeros([2], 'int32'), 0, 1)).toThrow(TypeError);
    });
  });

  it('round-trips through a GraphDef with TF attr names', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.quantization.fakeQuantWithMinMaxArgs(tf.placeholder('float32', [3], 'x'), { min: -1, max: 1, numBits: 4, narrowRange: true, name: 'fq' });
    });
    const node = g.asGraphDef().node.find((n) => n.name === 'fq')!;
    expect(node.op).toBe('FakeQuantWithMinMaxArgs');
    expect(node.attr.num_bits!.i).toBe(4);
    expect(node.attr.narrow_range!.b).toBe(true);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    await using sess = new tf.Session({ graph: g2 });
    const y = (await sess.run(g2.getTensorByName('fq:0'), [[g2.getTensorByName('x:0'), new tf.NDArray(Float32Array.of(-2, 0.1, 0.5), [3], 'float32')]])) as NDArray;
    // 4 bits narrow: levels 1..15, scale 2/14, zero at 8: nudged [-1, 1]; TF multiplies by the
    // float32 reciprocal of the scale (6.9999995 here, so 0.5 lands one level lower than 1.5 / s)
    const fr = Math.fround;
    const s = fr(2 / 14);
    const inv = fr(1 / s);
    const q = (x: number): number => fr(fr(Math.floor(fr(fr(fr(x + 1) * inv) + 0.5)) * s) - 1);
    expect(arr(y)).toEqual([-1, q(0.1), q(0.5)]);
    expect(q(0.5)).toBe(fr(fr(10 * s) - 1));
  });
});
