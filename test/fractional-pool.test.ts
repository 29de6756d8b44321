/**
 * tf.nn.fractionalMaxPool / fractionalAvgPool: TF's region rules (steps of k or k+1 from 0 to
 * the input size; the plain k-step regions when the ratio divides the size), values against a
 * loop reference over the returned sequences, deterministic regions repeating, TF's texts and
 * finite-difference gradients through FractionalMaxPoolGrad / FractionalAvgPoolGrad.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, rng, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();
const rnd = (n: number, seed: number) => { const r = rng(seed); return Array.from({ length: n }, () => Math.fround(2 * r() - 1)); };

function ref(kind: 'max' | 'avg', x: number[], xs: number[], rows: number[], cols: number[], overlapping: boolean): number[] {
  const [n, h, w, c] = xs as [number, number, number, number];
  const out: number[] = [];
  const reg = (s: number[], i: number, len: number) => [s[i]!, Math.min(overlapping ? s[i + 1]! : s[i + 1]! - 1, len - 1)];
  for (let b = 0; b < n; b++) for (let i = 0; i < rows.length - 1; i++) for (let j = 0; j < cols.length - 1; j++) for (let ch = 0; ch < c; ch++) {
    const [r0, r1] = reg(rows, i, h);
    const [c0, c1] = reg(cols, j, w);
    const vals: number[] = [];
    for (let r = r0!; r <= r1!; r++) for (let q = c0!; q <= c1!; q++) vals.push(x[((b * h + r) * w + q) * c + ch]!);
    out.push(kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length);
  }
  return out;
}

for (const dev of devices) {
  describe(`fractional pools (${dev.name})`, () => {
    it('regions follow TF\'s rules and values match a loop reference over them', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = [2, 11, 9, 3];
      const x = rnd(2 * 11 * 9 * 3, 1);
      const g = new tf.Graph();
      const cases = [
        { kind: 'max' as const, ratio: [1, 1.44, 1.73, 1], pseudo: false, ov: false },
        { kind: 'max' as const, ratio: [1, 1.5, 1.5, 1], pseudo: true, ov: true },
        { kind: 'avg' as const, ratio: [1, 1.44, 1.73, 1], pseudo: true, ov: false },
        { kind: 'avg' as const, ratio: [1, 2, 1.2, 1], pseudo: false, ov: true },
      ];
      const { outs, plain, mp } = g.asDefault(() => {
        const X = tf.constant(Float32Array.from(x), 'float32', xs);
        const four = tf.constant(Float32Array.from(x.slice(0, 2 * 8 * 6 * 3)), 'float32', [2, 8, 6, 3]);
        return {
          outs: cases.map((c) => (c.kind === 'max' ? tf.nn.fractionalMaxPool : tf.nn.fractionalAvgPool)(X, c.ratio, c.pseudo, c.ov, true, 7, 3)),
          plain: tf.nn.fractionalMaxPool(four, [1, 2, 2, 1], false, false, true)[0]!,
          mp: tf.nn.maxPool(four, 2, 2, 'VALID'),
        };
      });
      expect(outs[0]![0]!.op.type).toBe('FractionalMaxPool');
      expect(outs[0]![0]!.shape).toEqual([2, 7, 5, 3]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r1 = (await sess.run(outs.flat())) as NDArray[];
      const r2 = (await sess.run(outs.flat())) as NDArray[];
      const [a, b] = (await sess.run([plain, mp])) as NDArray[];
      await sess.close();
      expect(Array.from(a!.data)).toEqual(Array.from(b!.data));
      cases.forEach((c, i) => {
        const [y, rs, cs] = [r1[3 * i]!, r1[3 * i + 1]!, r1[3 * i + 2]!];
        const rows = Array.from(rs.data, Number);
        const cols = Array.from(cs.data, Number);
        for (const [s, len, ratio] of [[rows, 11, c.ratio[1]!], [cols, 9, c.ratio[2]!]] as const) {
          const out = Math.floor(len / ratio);
          const k = Math.floor(len / out);
          expect(s.length).toBe(out + 1);
          expect(s[0]).toBe(0);
          expect(s[out]).toBe(len);
          s.slice(1).forEach((v, j) => expect([k, k + 1]).toContain(v - s[j]!));
        }
        expect(Array.from(y.data, Number).map((v) => Math.fround(v))).toEqual(ref(c.kind, x, xs, rows, cols, c.ov).map((v) => Math.fround(v)));
        // deterministic: the same regions on every run
        expect(Array.from(r2[3 * i + 1]!.data)).toEqual(Array.from(rs.data));
      });
    });
  });
}

describe('fractional pool GraphDefs and texts', () => {
  it('writes and reads TF\'s op types and attrs; an imported deterministic pool keeps its regions', async () => {
    const g = new tf.Graph();
    const [y, rows] = g.asDefault(() => tf.nn.fractionalMaxPool(tf.constant(Float32Array.from(rnd(50, 3)), 'float32', [1, 5, 10, 1]), [1, 1.5, 1.7, 1], true, true, true, 4, 9, 'FractionalMaxPool'));
    const gd = g.asGraphDef();
    const node = gd.node.find((n) => n.name === 'FractionalMaxPool')!;
    expect(node.op).toBe('FractionalMaxPool');
    expect(Array.from(node.attr.pooling_ratio!.list!.f, Number).map(Math.fround)).toEqual([1, 1.5, 1.7, 1].map(Math.fround));
    expect(node.attr.seed2!.i).toBe(9);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const a = (await s1.run([y!, rows!])) as NDArray[];
    const b = (await s2.run([g2.getTensorByName('FractionalMaxPool:0'), g2.getTensorByName('FractionalMaxPool:1')])) as NDArray[];
    expect(Array.from(b[1]!.data)).toEqual(Array.from(a[1]!.data));
    expect(Array.from(b[0]!.data)).toEqual(Array.from(a[0]!.data));
    await s1.close();
    await s2.close();
  });

  it("refuses seeds without deterministic and ratios TF refuses", async () => {
    const g = new tf.Graph();
    const y = g.asDefault(() => {
      expect(() => tf.nn.fractionalMaxPool(tf.zeros([1, 4, 4, 1]), [2, 1.5, 1.5, 1])).toThrow('Only pooling_ratio of 1.0 on the batch and channel dimensions is supported.');
      expect(() => tf.nn.fractionalAvgPool(tf.zeros([1, 4, 4, 1]), [1, 0.5, 1.5, 1])).toThrow('pooling_ratio cannot be smaller than 1');
      return tf.nn.fractionalMaxPool(tf.zeros([1, 4, 4, 1]), [1, 1.5, 1.5, 1], false, false, false, 5)[0]!;
    });
    const s = new tf.Session({ graph: g });
    await expect(s.run(y)).rejects.toThrow('Both seed and seed2 should be 0 if deterministic is false.');
    await s.close();
  });
});

const tie = (r: () => number, i: number) => i * 0.37 - 3 + 0.1 * r();
const GRAD: GradCase[] = [
  { name: 'fractionalMaxPool overlapping', ins: [{ shape: [1, 5, 7, 2], gen: tie }], f: (x) => tf.nn.fractionalMaxPool(tf.sin(x), [1, 1.4, 1.6, 1], true, true, true, 1, 2)[0]! },
  { name: 'fractionalAvgPool', ins: [{ shape: [1, 5, 7, 2] }], f: (x) => tf.nn.fractionalAvgPool(x, [1, 1.4, 1.6, 1], false, false, true, 1, 2)[0]! },
];
describeGradients('finite-difference gradients of the fractional pools', GRAD, devices);
