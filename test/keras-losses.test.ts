/**
 * Keras's losses and metrics as TF 1.15's backend computes them, against plain-JS references on
 * every device in TSFLOW_TEST_DEVICES: crossentropies on probabilities clip to [1e-7, 1 − 1e-7]
 * before the log, while on a Softmax (Sigmoid) op's output they use its logits; mse/mae;
 * sparse/categorical/binary accuracy; a categorical model trained on toCategorical labels; a
 * text-classification model (Embedding, GlobalAveragePooling1D, sigmoid) with validationData;
 * an LSTM over sequences of unknown length (the while-loop path) trained by fit.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { Rng, registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const k = tf.keras;
const L = k.layers;
const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);
const arr = (a: NDArray): number[] => Array.from(a.data as Float32Array);
const EPS = 1e-7;
// The bounds as float32 holds them (1 − 1e-7 rounds to 1 − 2⁻²³).
const clip = (p: number): number => Math.min(Math.fround(1 - EPS), Math.max(Math.fround(EPS), p));

function close(got: readonly number[], want: readonly number[], tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    if (!(Math.abs(v - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`[${i}]: got ${v}, want ${want[i]}`);
  });
}

for (const dev of devices) {
  describe(`keras losses and metrics on ${dev.name}`, () => {
    it('crossentropies: clipped logs on probabilities, logits under a Softmax / Sigmoid op', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const probs = [0.7, 0.3, 0, 0.2, 0.2, 0.6];
      const logits = [2, -1, 0.5, 0.1, 3, -2];
      const labels = [2, 1];
      const g = new tf.Graph();
      const out = g.asDefault(() => {
        const p = tf.constant(nd(probs, [2, 3]));
        const z = tf.constant(nd(logits, [2, 3]));
        const t = tf.constant(nd(labels, [2]));
        const oneHot = tf.constant(nd([0, 0, 1, 0, 1, 0], [2, 3]));
        const bt = tf.constant(nd([1, 0, 0, 1, 1, 0], [2, 3]));
        const bp = tf.constant(nd([0.9, 0.1, 1, 0.5, 0, 0.3], [2, 3]));
        const L2 = k.losses;
        return [
          L2.sparseCategoricalCrossentropy(t, p), L2.sparseCategoricalCrossentropy(t, tf.nn.softmax(z)),
          L2.categoricalCrossentropy(oneHot, p), L2.categoricalCrossentropy(oneHot, tf.nn.softmax(z)),
          L2.binaryCrossentropy(bt, bp), L2.binaryCrossentropy(bt, tf.sigmoid(tf.constant(nd(logits, [2, 3])))),
          L2.meanSquaredError(bt, bp), L2.meanAbsoluteError(bt, bp),
          k.metrics.sparseCategoricalAccuracy(t, p), k.metrics.categoricalAccuracy(oneHot, tf.constant(nd(logits, [2, 3]))),
          k.metrics.binaryAccuracy(bt, bp),
        ] as Tensor[];
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const r = ((await sess.run(out)) as NDArray[]).map(arr);
      await sess.close();
      const lse = (row: number[]): number => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      const zr = [logits.slice(0, 3), logits.slice(3)];
      // the 0 probability of class 2 is clipped to 1e-7: −log(1e-7) ≈ 16.118
      close(r[0]!, [-Math.log(clip(0)), -Math.log(0.2)]);
      close(r[1]!, [lse(zr[0]!) - zr[0]![2]!, lse(zr[1]!) - zr[1]![1]!]);
      close(r[2]!, [-Math.log(clip(0)), -Math.log(0.2)]);
      close(r[3]!, r[1]!);
      const f = Math.fround;
      const bce = (t: number, p: number): number => -(t * Math.log(f(f(clip(f(p))) + f(EPS))) + (1 - t) * Math.log(f(f(1 - clip(f(p))) + f(EPS))));
      const bt = [1, 0, 0, 1, 1, 0];
      const bp = [0.9, 0.1, 1, 0.5, 0, 0.3];
      close(r[4]!, [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + bce(bt[3 * i + j]!, bp[3 * i + j]!), 0) / 3));
      const sce = (t: number, z: number): number => Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      close(r[5]!, [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + sce(bt[3 * i + j]!, logits[3 * i + j]!), 0) / 3));
      close(r[6]!, [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + (bp[3 * i + j]! - bt[3 * i + j]!) ** 2, 0) / 3));
      close(r[7]!, [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + Math.abs(bp[3 * i + j]! - bt[3 * i + j]!), 0) / 3));
      expect(r[8]).toEqual([0, 0]); // argmax 0 vs 2, argmax 2 vs 1
      expect(r[9]).toEqual([0, 1]); // argmax 0 vs 2, argmax 4-3=1 vs 1
      close(r[10]!, [2 / 3, 1 / 3]); // row 0: 0.9 ✓, 0.1 ✓, 1 vs 0 ✗; row 1: 0.5 (not > 0.5) vs 1 ✗, 0 vs 1 ✗, 0.3 vs 0 ✓
    });

    it('categorical crossentropy on toCategorical labels: the epoch loss is the mean of the batch losses', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(11);
      const n = 30;
      const xv = Array.from({ length: n * 2 }, () => r.uniform(-1, 1));
      const ids = Array.from({ length: n }, (_, i) => (xv[2 * i]! > 0 ? (xv[2 * i + 1]! > 0 ? 2 : 1) : 0));
      const g = new tf.Graph();
      k.backend.setSession(new tf.Session({ ...dev.options, graph: g }));
      const model = g.asDefault(() => new k.Sequential([new L.Dense(3, { activation: 'softmax', inputShape: [2] })]));
      model.compile({ optimizer: new k.optimizers.SGD({ lr: 0 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      const y = k.utils.toCategorical(ids, 3);
      const [W, b] = (await model.getWeights()).map(arr);
      const hist = await model.fit(nd(xv, [n, 2]), y, { batchSize: 7, epochs: 1, shuffle: false, verbose: 0 });
      // lr 0: every batch sees the same weights, so the epoch mean is the mean over all samples
      let loss = 0;
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const z = [0, 1, 2].map((c) => xv[2 * i]! * W![c]! + xv[2 * i + 1]! * W![3 + c]! + b![c]!);
        const m = Math.max(...z);
        loss += Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) + m - z[ids[i]!]!;
        if (z.indexOf(m) === ids[i]) hits++;
      }
      close(hist.history.loss!, [loss / n], 1e-5);
      close(hist.history.acc!, [hits / n], 1e-6);
    });

    it('text classification: Embedding → GlobalAveragePooling1D → Dense(sigmoid) learns; val_ keys from validationData', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(12);
      const vocab = 20;
      const make = (n: number): [NDArray, NDArray] => {
        const seqs: number[][] = [];
        const ys: number[] = [];
        for (let i = 0; i < n; i++) {
          const pos = r.uniform(0, 1) < 0.5;
          // positive reviews use words 10..19 more often
          const len = 3 + Math.floor(r.uniform(0, 5));
          seqs.push(Array.from({ length: len }, () => 1 + Math.floor(r.uniform(0, 9)) + (pos && r.uniform(0, 1) < 0.7 ? 10 : 0)));
          ys.push(pos ? 1 : 0);
        }
        return [k.preprocessing.sequence.padSequences(seqs, { maxlen: 8, padding: 'post' }), nd(ys, [n])];
      };
      const [x, y] = make(96);
      const [vx, vy] = make(32);
      const g = new tf.Graph();
      k.backend.setSession(new tf.Session({ ...dev.options, graph: g }));
      const model = g.asDefault(() => new k.Sequential([
        new L.Embedding(vocab, 8),
        new L.GlobalAveragePooling1D(),
        new L.Dense(8, { activation: tf.nn.relu }),
        new L.Dense(1, { activation: tf.sigmoid }),
      ]));
      model.compile({ optimizer: new k.optimizers.Adam({ lr: 0.05 }), loss: 'binary_crossentropy', metrics: ['acc'] });
      const hist = await model.fit(x, y, { epochs: 12, batchSize: 16, validationData: [vx, vy], verbose: 0 });
      expect(Object.keys(hist.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
      expect(hist.history.loss![11]!).toBeLessThan(0.6 * hist.history.loss![0]!);
      expect(hist.history.val_acc![11]!).toBeGreaterThan(0.75);
      expect(model.weights[0]!.name).toBe('embedding/embeddings:0');
    });

    it('an LSTM over sequences of unknown length runs in the while loop and trains', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(13);
      const n = 24;
      const t = 5;
      const xv = Array.from({ length: n * t }, () => r.uniform(-1, 1));
      const yv = Array.from({ length: n }, (_, i) => xv.slice(i * t, i * t + t).reduce((a, b) => a + b, 0) / t);
      const g = new tf.Graph();
      k.backend.setSession(new tf.Session({ ...dev.options, graph: g }));
      const { model, inp, h, fixed, hu } = g.asDefault(() => {
        const inp = k.Input({ shape: [null, 1] });
        const lstm = new L.LSTM(4);
        const h = lstm.apply(inp) as Tensor;
        const out = new L.Dense(1).apply(h);
        // the same weights unrolled over a known length
        const fixed = tf.placeholder(tf.float32, [null, t, 1]);
        return { model: new k.Model(inp, out), inp, h, fixed, hu: lstm.apply(fixed) as Tensor };
      });
      expect(h.shape).toEqual([null, 4]);
      model.compile({ optimizer: new k.optimizers.Adam({ lr: 0.02 }), loss: 'mse' });
      const x = nd(xv, [n, t, 1]);
      const hist = await model.fit(x, nd(yv, [n, 1]), { epochs: 15, batchSize: 8, verbose: 0 });
      expect(hist.history.loss![14]!).toBeLessThan(0.5 * hist.history.loss![0]!);
      const sess = g.asDefault(() => k.backend.getSession());
      const viaLoop = (await sess.run(h, new Map([[inp, x]]))) as NDArray;
      const viaUnroll = (await sess.run(hu, new Map([[fixed, x]]))) as NDArray;
      expect(viaLoop.shape).toEqual([n, 4]);
      close(arr(viaLoop), arr(viaUnroll), 1e-5);
    });
  });
}
