/**
 * Keras's recurrent dropout (TF 1.15 keras/layers/recurrent.py, DropoutRNNCellMixin):
 * `dropout` masks a cell's inputs and `recurrentDropout` its previous state while training; the
 * masks (K.dropout of ones: 0 or 1/(1−rate)) are made once per RNN call and reused at every step
 * (also in the while-loop path for an unknown number of steps), one per gate for implementation
 * 1 and one for implementation 2; at inference they are ones. Outputs are checked against a
 * float64 reference of Keras's step formulas given the masks the graph drew.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();
const L = tf.keras.layers;

type M = number[][]; // [rows][cols]
const mat = (a: NDArray): M => {
  const [r, c] = a.shape as [number, number];
  const d = Array.from(a.data as Float32Array);
  return Array.from({ length: r }, (_, i) => d.slice(i * c, (i + 1) * c));
};
const dot = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const cols = (a: M, from: number, n: number): M => a.map((r) => r.slice(from, from + n));
const zip = (a: M, b: M, f: (x: number, y: number) => number): M => a.map((r, i) => r.map((v, j) => f(v, b[i]![j]!)));
const add = (a: M, b: M) => zip(a, b, (x, y) => x + y);
const mul = (a: M, b: M) => zip(a, b, (x, y) => x * y);
const addRow = (a: M, b: number[]) => a.map((r) => r.map((v, j) => v + b[j]!));
const map = (a: M, f: (x: number) => number) => a.map((r) => r.map(f));
const hardSigmoid = (x: number) => Math.max(0, Math.min(1, 0.2 * x + 0.5));

/** Keras LSTMCell.call with masks (implementation 1: one per gate; 2: the first for all). */
function lstmStep(x: M, h: M, c: M, k: M, rk: M, b: number[], dp: M[] | null, rec: M[] | null, impl: number, u: number): [M, M] {
  const gx = (g: number) => addRow(dot(dp ? mul(x, dp[impl === 1 ? g : 0]!) : x, cols(k, g * u, u)), b.slice(g * u, (g + 1) * u));
  const gh = (g: number) => dot(rec ? mul(h, rec[impl === 1 ? g : 0]!) : h, cols(rk, g * u, u));
  const i = map(add(gx(0), gh(0)), hardSigmoid);
  const f = map(add(gx(1), gh(1)), hardSigmoid);
  const cn = add(mul(f, c), mul(i, map(add(gx(2), gh(2)), Math.tanh)));
  const o = map(add(gx(3), gh(3)), hardSigmoid);
  return [mul(o, map(cn, Math.tanh)), cn];
}

/** Keras GRUCell.call (reset_after=False) with masks; implementation 2 mixes the masked state. */
function gruStep(x: M, h: M, k: M, rk: M, b: number[], dp: M[] | null, rec: M[] | null, impl: number, u: number): M {
  const gx = (g: number) => addRow(dot(dp ? mul(x, dp[impl === 1 ? g : 0]!) : x, cols(k, g * u, u)), b.slice(g * u, (g + 1) * u));
  const hg = (g: number) => (rec ? mul(h, rec[impl === 1 ? g : 0]!) : h);
  const z = map(add(gx(0), dot(hg(0), cols(rk, 0, u))), hardSigmoid);
  const r = map(add(gx(1), dot(hg(1), cols(rk, u, u))), hardSigmoid);
  const hh = map(add(gx(2), dot(mul(r, hg(2)), cols(rk, 2 * u, u))), Math.tanh);
  const hm = impl === 2 && rec ? hg(0) : h;
  return add(mul(z, hm), mul(map(z, (v) => 1 - v), hh));
}

const expectClose = (a: M, b: M, tol: number) => {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[0]!.length; j++) expect(Math.abs(a[i]![j]! - b[i]![j]!)).toBeLessThan(tol);
};
const isMask = (m: M, rate: number) => m.flat().every((v) => v === 0 || Math.abs(v - 1 / (1 - rate)) < 1e-6);

for (const dev of devices) {
  describe(`keras recurrent dropout (${dev.name})`, () => {
    for (const [cls, impl] of [['LSTM', 1], ['LSTM', 2], ['GRU', 1], ['GRU', 2]] as const) {
      for (const steps of [3, null]) {
        it(`${cls} implementation ${impl}, ${steps === null ? 'unknown steps (while loop)' : 'unrolled'}: Keras's step with one set of masks for every step`, async (ctx) => {
          if (dev.skipReason) skipTest(ctx, dev.skipReason);
          const [B, T, D, U] = [4, 3, 5, 3];
          const g = new tf.Graph();
          const o = g.asDefault(() => {
            tf.setRandomSeed(7);
            const x = tf.placeholder(tf.float32, [B, steps, D]);
            const layer = new (cls === 'LSTM' ? L.LSTM : L.GRU)(U, { dropout: 0.4, recurrentDropout: 0.3, implementation: impl, returnSequences: true });
            const y = layer.apply(x, { training: true }) as Tensor;
            const cell = layer.cell as unknown as { getDropoutMaskForCell(x: Tensor, t: unknown, n: number): Tensor[]; getRecurrentDropoutMaskForCell(x: Tensor, t: unknown, n: number): Tensor[]; kernel: tf.Variable; recurrentKernel: tf.Variable; bias: tf.Variable };
            const n = cls === 'LSTM' ? 4 : 3;
            // the masks the call made (cached on the cell until the next call)
            const dp = cell.getDropoutMaskForCell(x, true, n);
            const rec = cell.getRecurrentDropoutMaskForCell(x, true, n);
            const inf = layer.apply(x, { training: false }) as Tensor;
            return { x, y, inf, dp, rec, k: cell.kernel, rk: cell.recurrentKernel, b: cell.bias, init: tf.globalVariablesInitializer() };
          });
          const sess = new tf.Session({ graph: g, ...dev.options });
          await sess.run(o.init);
          const xv = Float32Array.from({ length: B * T * D }, (_, i) => Math.sin(i * 0.7) * 1.5);
          const xs = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, bi) => Array.from(xv.slice((bi * T + t) * D, (bi * T + t + 1) * D))));
          const feed: [Tensor, NDArray][] = [[o.x, new tf.NDArray(xv, [B, T, D])]];
          const got = (await sess.run([o.y, o.inf, ...o.dp, ...o.rec, o.k.value(), o.rk.value(), o.b.value()], feed)) as NDArray[];
          const n = o.dp.length;
          const [y, inf] = got as [NDArray, NDArray];
          const dp = got.slice(2, 2 + n).map(mat);
          const rec = got.slice(2 + n, 2 + 2 * n).map(mat);
          const [k, rk] = [mat(got[2 + 2 * n]!), mat(got[3 + 2 * n]!)];
          const b = Array.from(got[4 + 2 * n]!.data as Float32Array);
          expect(dp.every((m) => isMask(m, 0.4)) && rec.every((m) => isMask(m, 0.3))).toBe(true);
          // the masks drop something and keep something
          expect(new Set(dp.flat(2)).size).toBe(2);
          const yv = Array.from(y.data as Float32Array);
          const infv = Array.from(inf.data as Float32Array);
          const at = (a: number[], t: number): M => Array.from({ length: B }, (_, bi) => a.slice((bi * T + t) * U, (bi * T + t + 1) * U));
          for (const [masks, out] of [[true, yv], [false, infv]] as const) {
            let h: M = Array.from({ length: B }, () => Array(U).fill(0));
            let c: M = h;
            for (let t = 0; t < T; t++) {
              if (cls === 'LSTM') [h, c] = lstmStep(xs[t]!, h, c, k, rk, b, masks ? dp : null, masks ? rec : null, impl, U);
              else h = gruStep(xs[t]!, h, k, rk, b, masks ? dp : null, masks ? rec : null, impl, U);
              expectClose(at(out, t), h, 2e-5);
            }
          }
          await sess.close();
        });
      }
    }

    it('SimpleRNN: the learning phase decides (ones at inference), and every run draws new masks', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const D = 24;
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [2, 4, D]);
        // identity kernel, no recurrence, linear: each step's output is the step's masked input
        const layer = new L.SimpleRNN(D, { activation: null, dropout: 0.5, kernelInitializer: 'identity', recurrentInitializer: 'zeros', returnSequences: true });
        return { x, y: layer.apply(x) as Tensor, phase: tf.keras.backend.learningPhase() as Tensor, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(o.init);
      const ones = new tf.NDArray(new Float32Array(2 * 4 * D).fill(1), [2, 4, D]);
      const test = (await sess.run(o.y, [[o.x, ones]])) as NDArray;
      expect(Array.from(test.data as Float32Array).every((v) => v === 1)).toBe(true);
      const draw = async () => Array.from(((await sess.run(o.y, [[o.x, ones], [o.phase, true]])) as NDArray).data as Float32Array);
      const a = await draw();
      expect(a.every((v) => v === 0 || v === 2)).toBe(true);
      // one mask for the 4 steps of each sequence
      for (let s = 0; s < 2; s++) for (let t = 1; t < 4; t++) expect(a.slice((s * 4 + t) * D, (s * 4 + t + 1) * D)).toEqual(a.slice(s * 4 * D, (s * 4 + 1) * D));
      expect(await draw()).not.toEqual(a);
      await sess.close();
    });
  });
}
