/**
 * tf.keras layers in graph mode against plain-JS float64 references of Keras's formulas, on
 * every device in TSFLOW_TEST_DEVICES: Dense (string activation), Conv2D + MaxPooling2D,
 * Embedding + GlobalAveragePooling1D, SimpleRNN / LSTM / GRU (hard-sigmoid gates, Keras's gate
 * order, return_sequences / return_state, go_backwards), Bidirectional, merges, Reshape,
 * LeakyReLU, Lambda, Dropout and BatchNormalization under the learning phase; Keras's variable
 * names; the recurrent layers' gradients against central differences; constructor errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { Rng, registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const k = tf.keras;
const L = k.layers;

const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);
const rand = (r: Rng, n: number, lo = -1, hi = 1): number[] => Array.from({ length: n }, () => r.uniform(lo, hi));
const arr = (a: NDArray): number[] => Array.from(a.data as Float32Array);

// ----- plain-JS references ------------------------------------------------------------------------
/** [n, a] · [a, b] */
function mm(x: number[], n: number, a: number, w: number[], b: number): number[] {
  const out = new Array<number>(n * b).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < b; j++) for (let q = 0; q < a; q++) out[i * b + j]! += x[i * a + q]! * w[q * b + j]!;
  return out;
}
const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, 0.2 * v + 0.5));
/** One recurrent layer over x [n, t, d]; returns per-step outputs [t][n*u] and final states. */
function refRnn(kind: 'simple' | 'lstm' | 'gru', x: number[], n: number, t: number, d: number, u: number, W: number[], U: number[], B: number[], backwards = false): { seq: number[][]; states: number[][] } {
  const g = kind === 'simple' ? 1 : kind === 'lstm' ? 4 : 3;
  let h = new Array<number>(n * u).fill(0);
  let c = new Array<number>(n * u).fill(0);
  const seq: number[][] = [];
  const steps = Array.from({ length: t }, (_, i) => (backwards ? t - 1 - i : i));
  for (const s of steps) {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xs.push(x[(i * t + s) * d + j]!);
    const zx = mm(xs, n, d, W, g * u).map((v, idx) => v + B[idx % (g * u)]!);
    const part = (z: number[], i: number, gi: number, j: number): number => z[i * g * u + gi * u + j]!;
    const nh = new Array<number>(n * u);
    const nc = new Array<number>(n * u);
    if (kind === 'gru') {
      // z, r from x·W + h·U[:, :2u]; candidate uses (r*h)·U[:, 2u:]
      const zh = mm(h, n, u, U, g * u);
      for (let i = 0; i < n; i++) {
        const rh: number[] = [];
        const zs: number[] = [];
        for (let j = 0; j < u; j++) {
          const z = hardSigmoid(part(zx, i, 0, j) + part(zh, i, 0, j));
          const r = hardSigmoid(part(zx, i, 1, j) + part(zh, i, 1, j));
          zs.push(z);
          rh.push(r * h[i * u + j]!);
        }
        for (let j = 0; j < u; j++) {
          let acc = part(zx, i, 2, j);
          for (let q = 0; q < u; q++) acc += rh[q]! * U[q * g * u + 2 * u + j]!;
          nh[i * u + j] = zs[j]! * h[i * u + j]! + (1 - zs[j]!) * Math.tanh(acc);
        }
      }
    } else {
      const zh = mm(h, n, u, U, g * u);
      for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) {
        if (kind === 'simple') nh[i * u + j] = Math.tanh(part(zx, i, 0, j) + part(zh, i, 0, j));
        else {
          const ig = hardSigmoid(part(zx, i, 0, j) + part(zh, i, 0, j));
          const fg = hardSigmoid(part(zx, i, 1, j) + part(zh, i, 1, j));
          const cc = fg * c[i * u + j]! + ig * Math.tanh(part(zx, i, 2, j) + part(zh, i, 2, j));
          const og = hardSigmoid(part(zx, i, 3, j) + part(zh, i, 3, j));
          nc[i * u + j] = cc;
          nh[i * u + j] = og * Math.tanh(cc);
        }
      }
    }
    h = nh;
    if (kind === 'lstm') c = nc;
    seq.push(h);
  }
  return { seq, states: kind === 'lstm' ? [h, c] : [h] };
}
/** Per-step outputs [t][n*u] → [n, t, u] flat. */
function bySample(seq: number[][], n: number, u: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (const s of seq) out.push(...s.slice(i * u, (i + 1) * u));
  return out;
}

function expectClose(got: NDArray, want: readonly number[], tol = 2e-5): void {
  expect(got.size).toBe(want.length);
  const g = arr(got);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(g[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`element ${i}: got ${g[i]}, want ${want[i]} (got ${g.slice(0, 12).join(', ')} …)`);
  }
}

/** Build in a fresh graph, make the device's session the Keras session, initialize, run. */
async function withGraph<T>(dev: { options: object }, build: () => T, body: (sess: tf.Session, built: T) => Promise<void>): Promise<void> {
  const g = new tf.Graph();
  const built = g.asDefault(build);
  const sess = new tf.Session({ ...dev.options, graph: g });
  k.backend.setSession(sess);
  try {
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    await body(sess, built);
  } finally {
    await sess.close();
  }
}

const read = (sess: tf.Session, v: tf.Variable): Promise<number[]> => sess.readVariable(v).then(arr);

for (const dev of devices) {
  describe(`keras layers on ${dev.name}`, () => {
    it('Dense with a string activation: relu(x·kernel + bias), kernel glorot-uniform within its limit', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(1);
      const xv = rand(r, 4 * 5);
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [null, 5]);
        const layer = new L.Dense(3, { activation: 'relu', biasInitializer: 'ones' });
        return { x, layer, y: layer.apply(x) };
      }, async (sess, { x, layer, y }) => {
        const W = await read(sess, layer.kernel!);
        const b = await read(sess, layer.bias!);
        const limit = Math.sqrt(6 / (5 + 3));
        expect(W.every((w) => Math.abs(w) <= limit)).toBe(true);
        expect(b).toEqual([1, 1, 1]);
        const got = (await sess.run(y, new Map([[x, nd(xv, [4, 5])]]))) as NDArray;
        expectClose(got, mm(xv, 4, 5, W, 3).map((v, i) => Math.max(0, v + b[i % 3]!)));
      });
    });

    it('Conv2D (relu, valid) then MaxPooling2D with Keras\'s default strides = pool_size', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(2);
      const xv = rand(r, 1 * 5 * 5 * 2);
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [1, 5, 5, 2]);
        const conv = new L.Conv2D(2, 2, { activation: 'relu' });
        const pool = new L.MaxPooling2D();
        const c = conv.apply(x);
        return { x, conv, c, p: pool.apply(c) };
      }, async (sess, { x, conv, c, p }) => {
        const K = await read(sess, conv.kernel!);
        const [cv, pv] = (await sess.run([c, p], new Map([[x, nd(xv, [1, 5, 5, 2])]]))) as NDArray[];
        const ref: number[] = [];
        for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let o = 0; o < 2; o++) {
          let acc = 0;
          for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) for (let ch = 0; ch < 2; ch++) acc += xv[((i + di) * 5 + j + dj) * 2 + ch]! * K[((di * 2 + dj) * 2 + ch) * 2 + o]!;
          ref.push(Math.max(0, acc));
        }
        expect(cv!.shape).toEqual([1, 4, 4, 2]);
        expectClose(cv!, ref);
        const pref: number[] = [];
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let o = 0; o < 2; o++) {
          pref.push(Math.max(...[0, 1].flatMap((a) => [0, 1].map((b2) => ref[((2 * i + a) * 4 + 2 * j + b2) * 2 + o]!))));
        }
        expect(pv!.shape).toEqual([1, 2, 2, 2]);
        expectClose(pv!, pref);
      });
    });

    it('Embedding (float ids cast to int32) then GlobalAveragePooling1D', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const ids = [1, 0, 3, 3, 2, 1];
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [2, 3]);
        const emb = new L.Embedding(4, 2);
        const e = emb.apply(x);
        return { x, emb, e, m: new L.GlobalAveragePooling1D().apply(e) };
      }, async (sess, { x, emb, e, m }) => {
        const E = await read(sess, emb.embeddings!);
        expect(E.every((v) => Math.abs(v) <= 0.05)).toBe(true);
        const [ev, mv] = (await sess.run([e, m], new Map([[x, nd(ids, [2, 3])]]))) as NDArray[];
        expect(ev!.shape).toEqual([2, 3, 2]);
        expectClose(ev!, ids.flatMap((i) => [E[2 * i]!, E[2 * i + 1]!]));
        const mean = [0, 1].flatMap((s) => [0, 1].map((c) => (E[2 * ids[3 * s]! + c]! + E[2 * ids[3 * s + 1]! + c]! + E[2 * ids[3 * s + 2]! + c]!) / 3));
        expectClose(mv!, mean);
      });
    });

    it('Conv1D, MaxPooling1D, GlobalMaxPooling1D, AveragePooling2D and GlobalAveragePooling2D', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(6);
      const sv = rand(r, 1 * 5 * 2);
      const iv = rand(r, 1 * 4 * 4 * 1);
      await withGraph(dev, () => {
        const s = tf.placeholder(tf.float32, [1, 5, 2]);
        const im = tf.placeholder(tf.float32, [1, 4, 4, 1]);
        const conv = new L.Conv1D(1, 2, { useBias: false });
        const c = conv.apply(s);
        return { s, im, conv, c, mp: new L.MaxPooling1D().apply(c), gm: new L.GlobalMaxPooling1D().apply(s), ap: new L.AveragePooling2D().apply(im), ga: new L.GlobalAveragePooling2D().apply(im) };
      }, async (sess, o) => {
        const K = await read(sess, o.conv.kernel!);
        const [c, mp, gm, ap, ga] = (await sess.run([o.c, o.mp, o.gm, o.ap, o.ga], new Map([[o.s, nd(sv, [1, 5, 2])], [o.im, nd(iv, [1, 4, 4, 1])]]))) as NDArray[];
        const cref = [0, 1, 2, 3].map((i) => sv[2 * i]! * K[0]! + sv[2 * i + 1]! * K[1]! + sv[2 * i + 2]! * K[2]! + sv[2 * i + 3]! * K[3]!);
        expect(c!.shape).toEqual([1, 4, 1]);
        expectClose(c!, cref);
        expectClose(mp!, [Math.max(cref[0]!, cref[1]!), Math.max(cref[2]!, cref[3]!)]);
        expectClose(gm!, [0, 1].map((ch) => Math.max(...[0, 1, 2, 3, 4].map((i) => sv[2 * i + ch]!))));
        expectClose(ap!, [0, 1].flatMap((i) => [0, 1].map((j) => (iv[8 * i + 2 * j]! + iv[8 * i + 2 * j + 1]! + iv[8 * i + 2 * j + 4]! + iv[8 * i + 2 * j + 5]!) / 4)));
        expectClose(ga!, [iv.reduce((a, b) => a + b, 0) / 16]);
      });
    });

    for (const kind of ['simple', 'lstm', 'gru'] as const) {
      it(`${kind === 'simple' ? 'SimpleRNN' : kind.toUpperCase()}: returnSequences, returnState and goBackwards follow Keras's recurrence`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const r = new Rng(3);
        const [n, t, d, u] = [2, 4, 3, 3];
        const xv = rand(r, n * t * d);
        const Ctor = kind === 'simple' ? L.SimpleRNN : kind === 'lstm' ? L.LSTM : L.GRU;
        await withGraph(dev, () => {
          const x = tf.placeholder(tf.float32, [n, t, d]);
          const seqLayer = new Ctor(u, { returnSequences: true });
          const stateLayer = new Ctor(u, { returnState: true, goBackwards: true });
          return { x, seqLayer, stateLayer, seq: seqLayer.apply(x) as Tensor, st: stateLayer.apply(x) as Tensor[] };
        }, async (sess, { x, seqLayer, stateLayer, seq, st }) => {
          const feed = new Map([[x, nd(xv, [n, t, d])]]);
          const W = await read(sess, seqLayer.kernel!);
          const U = await read(sess, seqLayer.recurrentKernel!);
          const B = await read(sess, seqLayer.bias!);
          if (kind === 'lstm') expect(B).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]); // unit_forget_bias
          const got = (await sess.run(seq, feed)) as NDArray;
          expect(got.shape).toEqual([n, t, u]);
          expectClose(got, bySample(refRnn(kind, xv, n, t, d, u, W, U, B).seq, n, u));
          expect(st.length).toBe(kind === 'lstm' ? 3 : 2);
          const W2 = await read(sess, stateLayer.kernel!);
          const U2 = await read(sess, stateLayer.recurrentKernel!);
          const B2 = await read(sess, stateLayer.bias!);
          const ref = refRnn(kind, xv, n, t, d, u, W2, U2, B2, true);
          const outs = (await sess.run(st, feed)) as NDArray[];
          expectClose(outs[0]!, ref.seq[t - 1]!);
          ref.states.forEach((s, i) => expectClose(outs[i + 1]!, s));
        });
      });
    }

    it('Bidirectional(LSTM, concat): forward steps beside the re-reversed backward steps', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(4);
      const [n, t, d, u] = [2, 3, 2, 2];
      const xv = rand(r, n * t * d);
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [n, t, d]);
        const bi = new L.Bidirectional(new L.LSTM(u, { returnSequences: true }));
        return { x, bi, y: bi.apply(x) };
      }, async (sess, { x, bi, y }) => {
        expect(bi.weights.map((v) => v.name)).toEqual([
          'bidirectional/forward_lstm/kernel:0', 'bidirectional/forward_lstm/recurrent_kernel:0', 'bidirectional/forward_lstm/bias:0',
          'bidirectional/backward_lstm/kernel:0', 'bidirectional/backward_lstm/recurrent_kernel:0', 'bidirectional/backward_lstm/bias:0',
        ]);
        const w = await Promise.all(bi.weights.map((v) => read(sess, v)));
        const fw = refRnn('lstm', xv, n, t, d, u, w[0]!, w[1]!, w[2]!).seq;
        const bw = refRnn('lstm', xv, n, t, d, u, w[3]!, w[4]!, w[5]!, true).seq.reverse();
        const want: number[] = [];
        for (let i = 0; i < n; i++) for (let s = 0; s < t; s++) want.push(...fw[s]!.slice(i * u, (i + 1) * u), ...bw[s]!.slice(i * u, (i + 1) * u));
        const got = (await sess.run(y, new Map([[x, nd(xv, [n, t, d])]]))) as NDArray;
        expect(got.shape).toEqual([n, t, 2 * u]);
        expectClose(got, want);
      });
    });

    it('Bidirectional(LSTM, return_state): [output, forward h, c, backward h, c]; merge_mode None gives both outputs', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(5);
      const [n, t, d, u] = [2, 3, 2, 2];
      const xv = rand(r, n * t * d);
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [n, t, d]);
        const bi = new L.Bidirectional(new L.LSTM(u, { returnState: true }));
        const both = new L.Bidirectional(new L.LSTM(u), { mergeMode: null });
        return { x, bi, ys: bi.apply(x) as Tensor[], both, pair: both.apply(x) as Tensor[] };
      }, async (sess, { x, bi, ys, both, pair }) => {
        expect(ys.length).toBe(5);
        expect(pair.length).toBe(2);
        const feed = new Map([[x, nd(xv, [n, t, d])]]);
        const got = (await sess.run([...ys, ...pair], feed)) as NDArray[];
        for (const [layer, outs] of [[bi, got.slice(0, 5)], [both, got.slice(5)]] as const) {
          const w = await Promise.all(layer.weights.map((v) => read(sess, v)));
          const fw = refRnn('lstm', xv, n, t, d, u, w[0]!, w[1]!, w[2]!);
          const bw = refRnn('lstm', xv, n, t, d, u, w[3]!, w[4]!, w[5]!, true);
          const last = (o: { seq: number[][] }) => o.seq[o.seq.length - 1]!;
          if (outs.length === 5) {
            const want: number[] = [];
            for (let i = 0; i < n; i++) want.push(...last(fw).slice(i * u, (i + 1) * u), ...last(bw).slice(i * u, (i + 1) * u));
            expectClose(outs[0]!, want);
            [...fw.states, ...bw.states].forEach((s, k) => expectClose(outs[k + 1]!, s));
          } else {
            expectClose(outs[0]!, last(fw));
            expectClose(outs[1]!, last(bw));
          }
        }
      });
    });

    it('merges, Reshape, LeakyReLU, Lambda and Activation', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const av = [1, -2, 3, -4, 5, -6];
      const bv = [0.5, 0.25, -1, 2, -3, 4];
      await withGraph(dev, () => {
        const a = k.Input({ shape: [3] });
        const b = k.Input({ shape: [3] });
        return {
          a, b,
          cat: L.concatenate([a, b]),
          sum: L.add([a, b]),
          sub: new L.Subtract().apply([a, b]),
          resh: new L.Reshape([3, 1]).apply(a),
          leaky: new L.LeakyReLU().apply(a),
          lam: new L.Lambda((xs: Tensor | Tensor[]) => tf.multiply((xs as Tensor[])[0]!, (xs as Tensor[])[1]!)).apply([a, b]),
          act: new L.Activation('tanh').apply(a),
        };
      }, async (sess, o) => {
        const feed = new Map([[o.a, nd(av, [2, 3])], [o.b, nd(bv, [2, 3])]]);
        const [cat, sum, sub, resh, leaky, lam, act] = (await sess.run([o.cat, o.sum, o.sub, o.resh, o.leaky, o.lam, o.act], feed)) as NDArray[];
        expect(cat!.shape).toEqual([2, 6]);
        expectClose(cat!, [...av.slice(0, 3), ...bv.slice(0, 3), ...av.slice(3), ...bv.slice(3)]);
        expectClose(sum!, av.map((v, i) => v + bv[i]!));
        expectClose(sub!, av.map((v, i) => v - bv[i]!));
        expect(resh!.shape).toEqual([2, 3, 1]);
        expectClose(leaky!, av.map((v) => (v > 0 ? v : 0.3 * v)));
        expectClose(lam!, av.map((v, i) => v * bv[i]!));
        expectClose(act!, av.map(Math.tanh));
      });
    });

    it('Dropout and BatchNormalization follow the learning phase (placeholder default 0, fed 1)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(5);
      const xv = rand(r, 8 * 4);
      await withGraph(dev, () => {
        const x = tf.placeholder(tf.float32, [8, 4]);
        const drop = new L.Dropout(0.5).apply(x);
        const bnLayer = new L.BatchNormalization();
        return { x, drop, bnLayer, bn: bnLayer.apply(x), phase: k.backend.learningPhase() as Tensor };
      }, async (sess, { x, drop, bnLayer, bn, phase }) => {
        expect(phase.op.name).toBe('keras_learning_phase');
        const feed = new Map<Tensor, NDArray | boolean>([[x, nd(xv, [8, 4])]]);
        const [d0, b0] = (await sess.run([drop, bn], feed as never)) as NDArray[];
        expectClose(d0!, xv);
        expectClose(b0!, xv.map((v) => v / Math.sqrt(1 + 1e-3)));
        feed.set(phase, true);
        const [d1, b1] = (await sess.run([drop, bn, ...bnLayer.updates], feed as never)) as NDArray[];
        const dv = arr(d1!);
        dv.forEach((v, i) => expect(v === 0 || Math.abs(v - 2 * xv[i]!) < 1e-5).toBe(true));
        expect(dv.some((v) => v === 0)).toBe(true);
        const want: number[] = [];
        const mean = [0, 1, 2, 3].map((c) => xv.filter((_, i) => i % 4 === c).reduce((a, b) => a + b, 0) / 8);
        const vari = [0, 1, 2, 3].map((c) => xv.filter((_, i) => i % 4 === c).reduce((a, b) => a + (b - mean[c]!) ** 2, 0) / 8);
        xv.forEach((v, i) => want.push((v - mean[i % 4]!) / Math.sqrt(vari[i % 4]! + 1e-3)));
        expectClose(b1!, want, 1e-4);
        // the moving mean moved by (1 - momentum) toward the batch mean
        expectClose(await sess.readVariable(bnLayer.movingMean!), mean.map((m) => 0.01 * m), 1e-5);
      });
    });
  });
}

describe('keras layer names and errors', () => {
  it('names are unique per graph as Keras makes them, and variables live under them', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const m = new k.Sequential([new L.Dense(4, { inputShape: [3] }), new L.Dense(2), new L.Reshape([2, 1]), new L.LSTM(2)]);
      expect(m.name).toBe('sequential');
      expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'reshape', 'lstm']);
      expect(m.weights.map((v) => v.name)).toEqual([
        'dense/kernel:0', 'dense/bias:0', 'dense_1/kernel:0', 'dense_1/bias:0', 'lstm/kernel:0', 'lstm/recurrent_kernel:0', 'lstm/bias:0',
      ]);
      expect((m.input as Tensor).op.name).toBe('dense_input');
      const m2 = new k.Sequential([new L.Dense(1, { inputShape: [2] })]);
      expect(m2.name).toBe('sequential_1');
      expect(m2.weights[0]!.name).toBe('dense_2/kernel:0');
      expect(k.Input({ shape: [2] }).op.name).toBe('input_1');
      expect(k.Input({ shape: [2] }).op.name).toBe('input_2');
    });
  });

  it('bad arguments fail with Keras\'s texts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new L.Dense(3, { activation: 'nope' })).toThrow('Unknown activation function:nope');
      expect(() => new L.Dense(3, { kernelInitializer: 'nope' })).toThrow('Unknown initializer: nope');
      expect(() => new L.Reshape([-1, -1])).toThrow('Can only specify one unknown dimension.');
      expect(() => new L.Add().apply(tf.zeros([2, 2]))).toThrow('A merge layer should be called on a list of inputs.');
      expect(() => new L.Dense(3).apply(tf.zeros([2, 2, 2]).shape ? tf.placeholder(tf.float32, [2, null]) : tf.zeros([1]))).toThrow('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
      expect(() => k.Input({})).toThrow('Please provide to Input either a `shape` or a `tensor` argument.');
    });
  });
});

describeGradients('keras recurrent layers: d(output)/d(inputs) against central differences', [
  { name: 'SimpleRNN returnSequences', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.SimpleRNN(3, { returnSequences: true }).apply(x) as Tensor },
  { name: 'LSTM', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.LSTM(2).apply(x) as Tensor },
  { name: 'GRU returnSequences', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.GRU(2, { returnSequences: true }).apply(x) as Tensor },
], devices);
