/**
 * tf.contrib.rnn's further cells, wrappers and drivers, and tf.contrib.cudnnRnn: for each cell
 * TF's variable names and shapes, and its outputs and final state over a few steps against a
 * float64 plain-JS re-implementation of TF's formulas, on every variable's values read back from
 * the session (every variable is first set to random values, so each one must be used as TF
 * uses it); stack-bidirectional RNNs with sequence lengths; the cuDNN layers against the
 * compatible cells' equations; finite-difference gradients — on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients, rng } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const rnn = tf.contrib.rnn;
const cudnn = tf.contrib.cudnnRnn;

// ----- plain-JS float64 helpers (rows = batch entries) -----------------------------------------
type M = number[][];
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const relu = (v: number): number => Math.max(0, v);
const ew = (f: (...v: number[]) => number, ...ms: M[]): M => ms[0]!.map((row, r) => row.map((_, c) => f(...ms.map((m) => m[r]![c]!))));
const cat = (...ms: M[]): M => ms[0]!.map((_, r) => ms.flatMap((m) => m[r]!));
const cols = (m: M, start: number, n: number): M => m.map((row) => row.slice(start, start + n));
/** [B, D] · K [D, N] (+ b [N]). */
function lin(x: M, k: NDArray, b?: NDArray): M {
  const [D, N] = k.shape as [number, number];
  if (x[0]!.length !== D) throw new Error(`lin: ${x[0]!.length} columns against a [${D}, ${N}] kernel`);
  return x.map((row) => Array.from({ length: N }, (_, n) => row.reduce((a, v, d) => a + v * Number(k.data[d * N + n]), b ? Number(b.data[n]) : 0)));
}
const vec = (a: NDArray): number[] => Array.from(a.data as Float32Array, Number);
const rowMul = (m: M, v: number[]): M => m.map((row) => row.map((x, i) => x * v[i % v.length]!));
const rowAdd = (m: M, v: number[]): M => m.map((row) => row.map((x, i) => x + v[i]!));
function layerNorm(m: M, g: number[], b: number[]): M {
  return m.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const vr = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(vr + 1e-12)) * g[i]! + b[i]!);
  });
}
const zerosM = (b: number, n: number): M => Array.from({ length: b }, () => new Array<number>(n).fill(0));

const B = 2, I = 3, H = 4, T = 3;
// time-major inputs [T][B][I]
const xs: M[] = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: I }, (_, i) => Math.fround(Math.sin(1 + t * 7 + b * 3 + i)))));
const xArray = (): NDArray => new tf.NDArray(Float32Array.from(xs.flat(2)), [T, B, I], 'float32');

/** Build in a fresh graph, set every variable to random values in ±0.6, run; `vals` are the variables read back. */
async function runRandomized(
  d: (typeof devices)[number], build: (x: Tensor) => { fetch: unknown[] }, seed = 3,
): Promise<{ vars: tf.Variable[]; vals: NDArray[]; out: NDArray[] }> {
  const g = new tf.Graph();
  const r = rng(seed);
  const { t, vars, init, setAll } = g.asDefault(() => {
    const x = tf.placeholder('float32', [T, B, I], 'x');
    const t = build(x);
    const vars = tf.globalVariables();
    const setAll = tf.group(...vars.map((v) => {
      const shape = v.shape as number[];
      const n = shape.reduce((a, k) => a * k, 1);
      return tf.assign(v, tf.constant(new tf.NDArray(Float32Array.from({ length: n }, () => 1.2 * r() - 0.6), shape, 'float32')));
    }));
    return { t, vars, init: tf.globalVariablesInitializer(), setAll };
  });
  const s = new tf.Session({ ...d.options, graph: g });
  try {
    await s.run(init);
    await s.run(setAll);
    const vals = (await s.run(vars.map((v) => v.value()))) as NDArray[];
    const x = g.getTensorByName('x:0');
    const out = (await s.run(t.fetch as Tensor[], new Map([[x, xArray()]]))) as NDArray[];
    return { vars, vals, out };
  } finally {
    await s.close();
  }
}

const names = (vars: tf.Variable[]): string[] => vars.map((v) => `${v.name} ${JSON.stringify(v.shape)}`);
function expectClose(got: NDArray, want: number[], digits = 4): void {
  expect(got.data.length).toBe(want.length);
  want.forEach((v, i) => expect(Number(got.data[i]), `element ${i}`).toBeCloseTo(v, digits));
}

/** Unroll a step function over xs: outputs [T][B][*] and the final state. */
function unroll<S>(s0: S, step: (x: M, s: S) => [M, S]): { outs: M[]; state: S } {
  let s = s0;
  const outs: M[] = [];
  for (const x of xs) {
    const [o, ns] = step(x, s);
    outs.push(o);
    s = ns;
  }
  return { outs, state: s };
}

type LSTMRef = { c: M; h: M };

for (const d of devices) {
  describe(`contrib.rnn cells on ${d.name}`, () => {
    it('LayerNormBasicLSTMCell: kernel and input/transform/forget/output/state gamma, beta; layer-normed gates and state', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const [o, st] = tf.nn.dynamicRnn(new rnn.LayerNormBasicLSTMCell(H, { forgetBias: 0.5 }), x, { dtype: 'float32', timeMajor: true });
        const s = st as InstanceType<typeof rnn.LSTMStateTuple>;
        return { fetch: [o, s.c, s.h] };
      });
      const p = 'rnn/layer_norm_basic_lstm_cell/';
      expect(names(vars)).toEqual([
        `${p}kernel:0 [7,16]`, ...['input', 'transform', 'forget', 'output', 'state'].flatMap((s) => [`${p}${s}/gamma:0 [4]`, `${p}${s}/beta:0 [4]`]),
      ]);
      const [k, ...ln] = vals;
      const norm = (m: M, q: number): M => layerNorm(m, vec(ln[2 * q]!), vec(ln[2 * q + 1]!));
      const ref = unroll<LSTMRef>({ c: zerosM(B, H), h: zerosM(B, H) }, (x, { c, h }) => {
        const z = lin(cat(x, h), k!);
        const [i, j, f, o] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
        const g = ew(Math.tanh, norm(j!, 1));
        let nc = ew((cv, fv, iv, gv) => cv * sig(fv + 0.5) + sig(iv) * gv, c, norm(f!, 2), norm(i!, 0), g);
        nc = norm(nc, 4);
        const nh = ew((cv, ov) => Math.tanh(cv) * sig(ov), nc, norm(o!, 3));
        return [nh, { c: nc, h: nh }];
      });
      expectClose(out[0]!, ref.outs.flat(2));
      expectClose(out[1]!, ref.state.c.flat());
      expectClose(out[2]!, ref.state.h.flat());
    });

    it('CoupledInputForgetGateLSTMCell with peepholes and projection: W_0, B, W_F_diag, W_O_diag, W_P_0', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const P = 3;
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const [o, st] = tf.nn.dynamicRnn(new rnn.CoupledInputForgetGateLSTMCell(H, { usePeepholes: true, numProj: P, projClip: 0.4 }), x, { dtype: 'float32', timeMajor: true });
        return { fetch: [o, (st as InstanceType<typeof rnn.LSTMStateTuple>).c] };
      });
      const p = 'rnn/coupled_input_forget_gate_lstm_cell/';
      expect(names(vars)).toEqual([`${p}W_0:0 [6,12]`, `${p}B:0 [12]`, `${p}W_F_diag:0 [4]`, `${p}W_O_diag:0 [4]`, `${p}W_P_0:0 [4,3]`]);
      const [w, b, wf, wo, wp] = vals;
      const ref = unroll<LSTMRef>({ c: zerosM(B, H), h: zerosM(B, P) }, (x, { c, h }) => {
        const z = lin(cat(x, h), w!, b!);
        const [j, f, o] = [0, 1, 2].map((q) => cols(z, q * H, H));
        const fa = ew((fv, cv, wv) => sig(fv + 1 + wv * cv), f!, c, c.map(() => vec(wf!)));
        const nc = ew((fv, cv, jv) => fv * cv + (1 - fv) * Math.tanh(jv), fa, c, j!);
        const m = ew((ov, cv, wv) => sig(ov + wv * cv) * Math.tanh(cv), o!, nc, nc.map(() => vec(wo!)));
        const pm = ew((v) => Math.max(-0.4, Math.min(0.4, v)), lin(m, wp!));
        return [pm, { c: nc, h: pm }];
      });
      expectClose(out[0]!, ref.outs.flat(2));
      expectClose(out[1]!, ref.state.c.flat());
    });

    it('NASCell with biases and projection: recurrent_kernel, kernel, bias, projection_weights', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const P = 2;
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const [o, st] = tf.nn.dynamicRnn(new rnn.NASCell(H, { numProj: P, useBiases: true }), x, { dtype: 'float32', timeMajor: true });
        return { fetch: [o, (st as InstanceType<typeof rnn.LSTMStateTuple>).c] };
      });
      const p = 'rnn/nas_cell/';
      expect(names(vars)).toEqual([`${p}recurrent_kernel:0 [2,32]`, `${p}kernel:0 [3,32]`, `${p}bias:0 [32]`, `${p}projection_weights:0 [4,2]`]);
      const [wm, wi, b, wp] = vals;
      const ref = unroll<LSTMRef>({ c: zerosM(B, H), h: zerosM(B, P) }, (x, { c, h }) => {
        const mm = lin(h, wm!, b!);
        const im = lin(x, wi!);
        const ms = [...Array(8).keys()].map((q) => cols(mm, q * H, H));
        const is = [...Array(8).keys()].map((q) => cols(im, q * H, H));
        const l1 = [
          ew((a, bb) => sig(a + bb), is[0]!, ms[0]!), ew((a, bb) => relu(a + bb), is[1]!, ms[1]!), ew((a, bb) => sig(a + bb), is[2]!, ms[2]!),
          ew((a, bb) => relu(a * bb), is[3]!, ms[3]!), ew((a, bb) => Math.tanh(a + bb), is[4]!, ms[4]!), ew((a, bb) => sig(a + bb), is[5]!, ms[5]!),
          ew((a, bb) => Math.tanh(a + bb), is[6]!, ms[6]!), ew((a, bb) => sig(a + bb), is[7]!, ms[7]!),
        ];
        const l20 = ew((a, bb, cv) => Math.tanh(Math.tanh(a * bb) + cv), l1[0]!, l1[1]!, c);
        const l21 = ew((a, bb) => Math.tanh(a + bb), l1[2]!, l1[3]!);
        const l22 = ew((a, bb) => Math.tanh(a * bb), l1[4]!, l1[5]!);
        const l23 = ew((a, bb) => sig(a + bb), l1[6]!, l1[7]!);
        const nc = ew((a, bb) => a * bb, l20, l21);
        const m = ew((cv, a, bb) => Math.tanh(cv * Math.tanh(a + bb)), nc, l22, l23);
        const pm = lin(m, wp!);
        return [pm, { c: nc, h: pm }];
      });
      expectClose(out[0]!, ref.outs.flat(2));
      expectClose(out[1]!, ref.state.c.flat());
    });

    it('UGRNNCell, IntersectionRNNCell (in_projection), IndRNNCell, IndyGRUCell, IndyLSTMCell: names and outputs', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const run = (cell: InstanceType<typeof rnn.RNNCell>, scope: string): Tensor[] => {
          const [o, st] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', timeMajor: true, scope });
          return [o, st instanceof rnn.LSTMStateTuple ? (st.c as Tensor) : (st as Tensor)];
        };
        return {
          fetch: [
            ...run(new rnn.UGRNNCell(H, { forgetBias: 0.3 }), 'u'), ...run(new rnn.IntersectionRNNCell(H, { numInProj: H }), 'p'),
            ...run(new rnn.IndRNNCell(H), 'i'), ...run(new rnn.IndyGRUCell(H), 'g'), ...run(new rnn.IndyLSTMCell(H, { forgetBias: 0.2 }), 'l'),
          ],
        };
      });
      expect(names(vars)).toEqual([
        'u/ugrnn_cell/kernel:0 [7,8]', 'u/ugrnn_cell/bias:0 [8]',
        'p/intersection_rnn_cell/in_projection/kernel:0 [3,4]', 'p/intersection_rnn_cell/in_projection/bias:0 [4]',
        'p/intersection_rnn_cell/kernel:0 [8,16]', 'p/intersection_rnn_cell/bias:0 [16]',
        'i/ind_rnn_cell/kernel_w:0 [3,4]', 'i/ind_rnn_cell/kernel_u:0 [1,4]', 'i/ind_rnn_cell/bias:0 [4]',
        'g/indy_gru_cell/gates/kernel_w:0 [3,8]', 'g/indy_gru_cell/gates/kernel_u:0 [1,8]', 'g/indy_gru_cell/gates/bias:0 [8]',
        'g/indy_gru_cell/candidate/kernel:0 [3,4]', 'g/indy_gru_cell/candidate/kernel_u:0 [1,4]', 'g/indy_gru_cell/candidate/bias:0 [4]',
        'l/indy_lstm_cell/kernel_w:0 [3,16]', 'l/indy_lstm_cell/kernel_u:0 [1,16]', 'l/indy_lstm_cell/bias:0 [16]',
      ]);
      const [uk, ub, pk, pb, ik, ib, rw, ru, rb, gw, gu, gb, cw, cu, cb, lw, lu, lb] = vals;
      const h0 = zerosM(B, H);
      const ug = unroll(h0, (x, h) => {
        const z = lin(cat(x, h), uk!, ub!);
        const nh = ew((gv, cv, hv) => sig(gv + 0.3) * hv + (1 - sig(gv + 0.3)) * Math.tanh(cv), cols(z, 0, H), cols(z, H, H), h);
        return [nh, nh];
      });
      const ip = unroll(h0, (x, h) => {
        const px = lin(x, pk!, pb!);
        const z = lin(cat(px, h), ik!, ib!);
        const [gh, hh, gy, y] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
        const ns = ew((g, a, hv) => sig(g + 1) * hv + (1 - sig(g + 1)) * Math.tanh(a), gh!, hh!, h);
        const ny = ew((g, a, xv) => sig(g + 1) * xv + (1 - sig(g + 1)) * relu(a), gy!, y!, px);
        return [ny, ns];
      });
      const ind = unroll(h0, (x, h) => {
        const nh = ew(Math.tanh, rowAdd(ew((a, bb) => a + bb, lin(x, rw!), rowMul(h, vec(ru!))), vec(rb!)));
        return [nh, nh];
      });
      const gru = unroll(h0, (x, h) => {
        const gates = ew(sig, rowAdd(ew((a, bb) => a + bb, lin(x, gw!), rowMul(cat(h, h), vec(gu!))), vec(gb!)));
        const [r, u] = [cols(gates, 0, H), cols(gates, H, H)];
        const cand = ew(Math.tanh, rowAdd(ew((a, bb) => a + bb, lin(x, cw!), rowMul(ew((rv, hv) => rv * hv, r, h), vec(cu!))), vec(cb!)));
        const nh = ew((uv, hv, cv) => uv * hv + (1 - uv) * cv, u, h, cand);
        return [nh, nh];
      });
      const lstm = unroll<LSTMRef>({ c: h0, h: h0 }, (x, { c, h }) => {
        const z = rowAdd(ew((a, bb) => a + bb, lin(x, lw!), rowMul(cat(h, h, h, h), vec(lu!))), vec(lb!));
        const [i, j, f, o] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
        const nc = ew((cv, fv, iv, jv) => cv * sig(fv + 0.2) + sig(iv) * Math.tanh(jv), c, f!, i!, j!);
        const nh = ew((cv, ov) => Math.tanh(cv) * sig(ov), nc, o!);
        return [nh, { c: nc, h: nh }];
      });
      const refs = [ug.outs, ug.state, ip.outs, ip.state, ind.outs, ind.state, gru.outs, gru.state, lstm.outs, lstm.state.c];
      refs.forEach((r, k) => expectClose(out[k]!, (r as number[][] | number[][][]).flat(2) as number[]));
      expect(() => new tf.Graph().asDefault(() => new rnn.IntersectionRNNCell(H).call(tf.zeros([B, I]), tf.zeros([B, H])))).toThrow(
        'Must have input size == output size for Intersection RNN. To fix, num_in_proj should be set to num_units at cell init.',
      );
    });

    it('LayerNormLSTMCell (peepholes, layer norm, cell clip, projection) and SRUCell: names, order and outputs', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const P = 3;
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const cell = new rnn.LayerNormLSTMCell(H, { usePeepholes: true, layerNorm: true, cellClip: 0.5, numProj: P, forgetBias: 0.4 });
        const [o, st] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', timeMajor: true, scope: 'n' });
        const [so, sc] = tf.nn.dynamicRnn(new rnn.SRUCell(I), x, { dtype: 'float32', timeMajor: true, scope: 's' });
        return { fetch: [o, (st as InstanceType<typeof rnn.LSTMStateTuple>).c, so, sc as Tensor] };
      });
      const p = 'n/layer_norm_lstm_cell/';
      const nv = (s: string): string[] => [`${p}${s}/gamma:0 [4]`, `${p}${s}/beta:0 [4]`];
      expect(names(vars)).toEqual([
        `${p}kernel:0 [6,16]`, `${p}bias:0 [16]`, ...nv('input'), ...nv('transform'), ...nv('forget'), ...nv('output'),
        `${p}w_f_diag:0 [4]`, `${p}w_i_diag:0 [4]`, `${p}w_o_diag:0 [4]`, ...nv('state'), `${p}projection/kernel:0 [4,3]`,
        's/sru_cell/kernel:0 [3,12]', 's/sru_cell/bias:0 [6]',
      ]);
      const [k, , ...rest] = vals;
      const ln = rest.slice(0, 8);
      const [wf, wi, wo, sg, sb, pk, sk, sbias] = rest.slice(8);
      const norm = (m: M, q: number): M => layerNorm(m, vec(ln[2 * q]!), vec(ln[2 * q + 1]!));
      const rows = (v: NDArray): M => zerosM(B, H).map(() => vec(v));
      const ref = unroll<LSTMRef>({ c: zerosM(B, H), h: zerosM(B, P) }, (x, { c, h }) => {
        const z = lin(cat(x, h), k!);
        const [i, j, f, o] = [0, 1, 2, 3].map((q) => norm(cols(z, q * H, H), q));
        let nc = ew((fv, cv, wfv, iv, wiv, jv) => sig(fv + 0.4 + wfv * cv) * cv + sig(iv + wiv * cv) * Math.tanh(jv), f!, c, rows(wf!), i!, rows(wi!), j!);
        nc = layerNorm(nc, vec(sg!), vec(sb!)).map((row) => row.map((v) => Math.max(-0.5, Math.min(0.5, v))));
        const m = ew((ov, wov, cv) => sig(ov + wov * cv) * Math.tanh(cv), o!, rows(wo!), nc);
        const pm = lin(m, pk!);
        return [pm, { c: nc, h: pm }];
      });
      expectClose(out[0]!, ref.outs.flat(2));
      expectClose(out[1]!, ref.state.c.flat());
      const sru = unroll(zerosM(B, I), (x, c) => {
        const u = lin(x, sk!);
        const [xb, fi, ri, xt] = [0, 1, 2, 3].map((q) => cols(u, q * I, I));
        const fr = ew(sig, rowAdd(cat(fi!, ri!), vec(sbias!)));
        const [f, r] = [cols(fr, 0, I), cols(fr, I, I)];
        const nc = ew((fv, cv, xv) => fv * cv + (1 - fv) * xv, f, c, xb!);
        const hh = ew((rv, cv, xv) => rv * Math.tanh(cv) + (1 - rv) * xv, r, nc, xt!);
        return [hh, nc];
      });
      expectClose(out[2]!, sru.outs.flat(2));
      expectClose(out[3]!, sru.state.flat());
    });

    it('HighwayWrapper, Input/OutputProjectionWrapper, EmbeddingWrapper: names (the highway gates in the enclosing scope) and outputs', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const [hw] = tf.nn.dynamicRnn(new rnn.HighwayWrapper(new rnn.BasicRNNCell(I), { coupleCarryTransformGates: false }), x, { dtype: 'float32', timeMajor: true, scope: 'hw' });
        const [ip] = tf.nn.dynamicRnn(new rnn.InputProjectionWrapper(new rnn.BasicRNNCell(H), 2, { activation: tf.tanh }), x, { dtype: 'float32', timeMajor: true, scope: 'ip' });
        const [op] = tf.nn.dynamicRnn(new rnn.OutputProjectionWrapper(new rnn.BasicRNNCell(H), 2), x, { dtype: 'float32', timeMajor: true, scope: 'op' });
        const ids = tf.constant([[[1], [4]], [[0], [2]], [[3], [3]]], 'int32');
        const emb = new rnn.EmbeddingWrapper(new rnn.BasicRNNCell(H), 5, 2);
        const [eo] = tf.nn.staticRnn(emb, tf.unstack(ids) as Tensor[], { dtype: 'float32', scope: 'em' });
        return { fetch: [hw, ip, op, tf.stack(eo)] };
      });
      expect(names(vars)).toEqual([
        'hw/basic_rnn_cell/kernel:0 [6,3]', 'hw/basic_rnn_cell/bias:0 [3]', 'hw/carry_w:0 [3,3]', 'hw/carry_b:0 [3]', 'hw/transform_w:0 [3,3]', 'hw/transform_b:0 [3]',
        'ip/input_projection_wrapper/kernel:0 [3,2]', 'ip/input_projection_wrapper/bias:0 [2]',
        'ip/input_projection_wrapper/basic_rnn_cell/kernel:0 [6,4]', 'ip/input_projection_wrapper/basic_rnn_cell/bias:0 [4]',
        'op/output_projection_wrapper/basic_rnn_cell/kernel:0 [7,4]', 'op/output_projection_wrapper/basic_rnn_cell/bias:0 [4]',
        'op/output_projection_wrapper/kernel:0 [4,2]', 'op/output_projection_wrapper/bias:0 [2]',
        'em/embedding_wrapper/embedding:0 [5,2]', 'em/embedding_wrapper/basic_rnn_cell/kernel:0 [6,4]', 'em/embedding_wrapper/basic_rnn_cell/bias:0 [4]',
      ]);
      const [hk, hb, cw, cb, tw, tb, pk, pb, ik, ib, ok, ob, qk, qb, E, ek, eb] = vals;
      const basic = (k: NDArray, b: NDArray) => (x: M, h: M): M => ew(Math.tanh, lin(cat(x, h), k, b));
      const hw = unroll(zerosM(B, I), (x, h) => {
        const o = basic(hk!, hb!)(x, h);
        const carry = ew(sig, lin(x, cw!, cb!));
        const tr = ew(sig, lin(x, tw!, tb!));
        return [ew((xv, c, ov, t) => xv * c + ov * t, x, carry, o, tr), o];
      });
      const ip = unroll(zerosM(B, H), (x, h) => {
        const o = basic(ik!, ib!)(ew(Math.tanh, lin(x, pk!, pb!)), h);
        return [o, o];
      });
      const op = unroll(zerosM(B, H), (x, h) => {
        const o = basic(ok!, ob!)(x, h);
        return [lin(o, qk!, qb!), o];
      });
      const idv = [[1, 4], [0, 2], [3, 3]];
      let eh = zerosM(B, H);
      const eouts: M[] = [];
      for (const row of idv) {
        const ex = row.map((id) => [Number(E!.data[2 * id]), Number(E!.data[2 * id + 1])]);
        eh = basic(ek!, eb!)(ex, eh);
        eouts.push(eh);
      }
      expectClose(out[0]!, hw.outs.flat(2));
      expectClose(out[1]!, ip.outs.flat(2));
      expectClose(out[2]!, op.outs.flat(2));
      expectClose(out[3]!, eouts.flat(2));
    });

    it('AttentionCellWrapper over BasicLSTMCell: its variables nest the cell; output and attention state vs the reference', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const L = 2, A = H;
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const cell = new rnn.AttentionCellWrapper(new rnn.BasicLSTMCell(H), L);
        const [o, st] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', timeMajor: true });
        const [, attns, attnStates] = st as [unknown, Tensor, Tensor];
        return { fetch: [o, attns, attnStates] };
      });
      const p = 'rnn/attention_cell_wrapper/';
      expect(names(vars)).toEqual([
        `${p}kernel:0 [7,3]`, `${p}bias:0 [3]`, `${p}basic_lstm_cell/kernel:0 [7,16]`, `${p}basic_lstm_cell/bias:0 [16]`,
        `${p}attention/attn_w:0 [1,1,4,4]`, `${p}attention/attn_v:0 [4]`, `${p}attention/kernel:0 [8,4]`, `${p}attention/bias:0 [4]`,
        `${p}attn_output_projection/kernel:0 [8,4]`, `${p}attn_output_projection/bias:0 [4]`,
      ]);
      const [k1, b1, lk, lb, aw, av, k3, b3, k2, b2] = vals;
      const awK = new tf.NDArray(aw!.data, [A, A], 'float32');
      type S = { c: M; h: M; attns: M; states: M[] };
      const ref = unroll<S>({ c: zerosM(B, H), h: zerosM(B, H), attns: zerosM(B, A), states: [zerosM(B, A), zerosM(B, A)] }, (x, s) => {
        const xi = lin(cat(x, s.attns), k1!, b1!);
        const z = lin(cat(xi, s.h), lk!, lb!);
        const [i, j, f, o] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
        const nc = ew((cv, fv, iv, jv) => cv * sig(fv + 1) + sig(iv) * Math.tanh(jv), s.c, f!, i!, j!);
        const nh = ew((cv, ov) => Math.tanh(cv) * sig(ov), nc, o!);
        const y = lin(cat(nc, nh), k3!, b3!);
        const scores = s.states.map((st) => ew((fv, yv) => fv + yv, lin(st, awK), y).map((row) => row.reduce((a, v, q) => a + Number(av!.data[q]) * Math.tanh(v), 0)));
        const attns = Array.from({ length: B }, (_, b) => {
          const e = scores.map((sc) => Math.exp(sc[b]!));
          const tot = e.reduce((a, v) => a + v, 0);
          return Array.from({ length: A }, (_, q) => s.states.reduce((a, st, l) => a + (e[l]! / tot) * st[b]![q]!, 0));
        });
        const output = lin(cat(nh, attns), k2!, b2!);
        return [output, { c: nc, h: nh, attns, states: [...s.states.slice(1), output] }];
      });
      expectClose(out[0]!, ref.outs.flat(2));
      expectClose(out[1]!, ref.state.attns.flat());
      expectClose(out[2]!, Array.from({ length: B }, (_, b) => ref.state.states.flatMap((st) => st[b]!)).flat());
      expect(() => new rnn.AttentionCellWrapper(new rnn.BasicLSTMCell(H), 0)).toThrow('attn_length should be greater than zero, got 0');
      expect(() => new rnn.AttentionCellWrapper(new rnn.BasicLSTMCell(H), 2, { stateIsTuple: false })).toThrow('Cell returns tuple of states, but the flag state_is_tuple is not set');
    });

    it('DeviceWrapper places the cell\'s ops on its device', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const out = g.asDefault(() => {
        const cell = new tf.nn.rnnCell.DeviceWrapper(new rnn.BasicRNNCell(H), '/cpu:0');
        const [o] = cell.call(tf.ones([B, I]), cell.zeroState(B, 'float32') as Tensor);
        return o;
      });
      expect(out.op.device.toLowerCase()).toContain('cpu:0');
    });

    it('Conv2DLSTMCell in dynamicRnn with sequence lengths: conv_lstm_cell/{kernel, biases}; outputs vs a plain-JS SAME convolution LSTM', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const S = 3, C = 2, O = 2, TT = 2;
      const inp = Array.from({ length: TT * B * S * S * C }, (_, q) => Math.fround(Math.cos(q * 0.7)));
      const g = new tf.Graph();
      const r = rng(5);
      const t = g.asDefault(() => {
        const x = tf.constant(new tf.NDArray(Float32Array.from(inp), [B, TT, S, S, C], 'float32'));
        const cell = new rnn.Conv2DLSTMCell([S, S, C], O, [3, 3]);
        const [o, st] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: [2, 1] });
        const vars = tf.globalVariables();
        const setAll = tf.group(...vars.map((v) => {
          const shape = v.shape as number[];
          return tf.assign(v, tf.constant(new tf.NDArray(Float32Array.from({ length: shape.reduce((a, k) => a * k, 1) }, () => r() - 0.5), shape, 'float32')));
        }));
        return { o, st: st as InstanceType<typeof rnn.LSTMStateTuple>, vars, setAll, init: tf.globalVariablesInitializer() };
      });
      expect(names(t.vars)).toEqual(['rnn/conv_lstm_cell/kernel:0 [3,3,4,8]', 'rnn/conv_lstm_cell/biases:0 [8]']);
      expect(t.o.shape).toEqual([B, TT, S, S, O]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      await s.run(t.setAll);
      const [k, bias] = (await s.run(t.vars.map((v) => v.value()))) as NDArray[];
      const [o, c] = (await s.run([t.o, t.st.c])) as NDArray[];
      await s.close();
      const at = (b: number, tt: number, y: number, xx: number, ch: number): number => inp[((((b * TT + tt) * S + y) * S + xx) * C) + ch]!;
      const outs: number[] = new Array(B * TT * S * S * O).fill(0);
      const finalC: number[] = new Array(B * S * S * O).fill(0);
      for (let b = 0; b < B; b++) {
        let cs = new Array(S * S * O).fill(0);
        let hs = new Array(S * S * O).fill(0);
        const len = b === 0 ? 2 : 1;
        for (let tt = 0; tt < len; tt++) {
          const nc = [...cs];
          const nh = [...hs];
          for (let y = 0; y < S; y++) for (let xx = 0; xx < S; xx++) {
            const z = Array.from({ length: 4 * O }, (_, f) => Number(bias!.data[f]));
            for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) {
              const yy = y + dy - 1, x2 = xx + dx - 1;
              if (yy < 0 || yy >= S || x2 < 0 || x2 >= S) continue;
              const chans = [...Array(C).keys()].map((ch) => at(b, tt, yy, x2, ch)).concat([...Array(O).keys()].map((ch) => hs[(yy * S + x2) * O + ch]!));
              chans.forEach((v, ci) => {
                for (let f = 0; f < 4 * O; f++) z[f] += v * Number(k!.data[((dy * 3 + dx) * (C + O) + ci) * 4 * O + f]);
              });
            }
            for (let u = 0; u < O; u++) {
              const q = (y * S + xx) * O + u;
              const cc = sig(z[2 * O + u]! + 1) * cs[q]! + sig(z[u]!) * Math.tanh(z[O + u]!);
              nc[q] = cc;
              nh[q] = Math.tanh(cc) * sig(z[3 * O + u]!);
            }
          }
          cs = nc;
          hs = nh;
          hs.forEach((v, q) => { outs[(b * TT + tt) * S * S * O + q] = v; });
        }
        cs.forEach((v, q) => { finalC[b * S * S * O + q] = v; });
      }
      expectClose(o!, outs);
      expectClose(c!, finalC);
      expect(() => new rnn.ConvLSTMCell(2, [3, 2], 2, [3, 3])).toThrow('Invalid input_shape [3, 2] for conv_ndims=2.');
    });

    it('stackBidirectionalDynamicRnn (2 layers, sequence lengths) and stackBidirectionalRnn: TF\'s scopes; outputs and per-layer states vs the reference', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const lens = [3, 2];
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const cells = (): InstanceType<typeof rnn.BasicRNNCell>[] => [new rnn.BasicRNNCell(H), new rnn.BasicRNNCell(2)];
        const [o, sf, sb] = rnn.stackBidirectionalDynamicRnn(cells(), cells(), x, { sequenceLength: lens, dtype: 'float32', timeMajor: true });
        const [so, ssf] = rnn.stackBidirectionalRnn(cells(), cells(), tf.unstack(x) as Tensor[], { sequenceLength: lens, dtype: 'float32' });
        return { fetch: [o, ...(sf as Tensor[]), ...(sb as Tensor[]), tf.stack(so), ...(ssf as Tensor[])] };
      });
      const dyn = (l: number, dir: string, shape: string): string[] => [`stack_bidirectional_rnn/cell_${l}/bidirectional_rnn/${dir}/basic_rnn_cell/kernel:0 ${shape}`, `stack_bidirectional_rnn/cell_${l}/bidirectional_rnn/${dir}/basic_rnn_cell/bias:0 [${JSON.parse(shape)[1]}]`];
      const stat = (l: number, dir: string, shape: string): string[] => [`stack_bidirectional_rnn/cell_${l}/${dir}/basic_rnn_cell/kernel:0 ${shape}`, `stack_bidirectional_rnn/cell_${l}/${dir}/basic_rnn_cell/bias:0 [${JSON.parse(shape)[1]}]`];
      expect(names(vars)).toEqual([
        ...dyn(0, 'fw', '[7,4]'), ...dyn(0, 'bw', '[7,4]'), ...dyn(1, 'fw', '[10,2]'), ...dyn(1, 'bw', '[10,2]'),
        ...stat(0, 'fw', '[7,4]'), ...stat(0, 'bw', '[7,4]'), ...stat(1, 'fw', '[10,2]'), ...stat(1, 'bw', '[10,2]'),
      ]);
      const ref = (p: NDArray[]): { outs: number[][][]; sf: M[]; sb: M[] } => {
        let layerIn: number[][][] = xs; // [T][B][*]
        const sf: M[] = [];
        const sb: M[] = [];
        [[H, 0], [2, 4]].forEach(([n, off]) => {
          const step = (k: NDArray, b: NDArray, x: number[], h: number[]): number[] => lin([[...x, ...h]], k, b)[0]!.map(Math.tanh);
          const outF = layerIn.map((row) => row.map(() => new Array<number>(n!).fill(0)));
          const outB = layerIn.map((row) => row.map(() => new Array<number>(n!).fill(0)));
          const fFin: M = [];
          const bFin: M = [];
          for (let b = 0; b < B; b++) {
            let h = new Array<number>(n!).fill(0);
            for (let t = 0; t < lens[b]!; t++) outF[t]![b] = h = step(p[off!]!, p[off! + 1]!, layerIn[t]![b]!, h);
            fFin.push(h);
            h = new Array<number>(n!).fill(0);
            for (let t = lens[b]! - 1; t >= 0; t--) outB[t]![b] = h = step(p[off! + 2]!, p[off! + 3]!, layerIn[t]![b]!, h);
            bFin.push(h);
          }
          sf.push(fFin);
          sb.push(bFin);
          layerIn = outF.map((row, t) => row.map((f, b) => [...f, ...outB[t]![b]!]));
        });
        return { outs: layerIn, sf, sb };
      };
      const r1 = ref(vals.slice(0, 8));
      expectClose(out[0]!, r1.outs.flat(2));
      expectClose(out[1]!, r1.sf[0]!.flat());
      expectClose(out[2]!, r1.sf[1]!.flat());
      expectClose(out[3]!, r1.sb[0]!.flat());
      expectClose(out[4]!, r1.sb[1]!.flat());
      const r2 = ref(vals.slice(8));
      expectClose(out[5]!, r2.outs.flat(2));
      expectClose(out[6]!, r2.sf[0]!.flat());
      expect(() => rnn.stackBidirectionalDynamicRnn([new rnn.BasicRNNCell(2)], [], tf.zeros([1, 1, 1]))).toThrow('Must specify at least one bw cell for BidirectionalRNN.');
      expect(() => rnn.stackBidirectionalDynamicRnn([new rnn.BasicRNNCell(2)], [new rnn.BasicRNNCell(2), new rnn.BasicRNNCell(2)], tf.zeros([1, 1, 1]))).toThrow('Forward and Backward cells must have the same depth.');
    });

    it('CudnnCompatibleLSTMCell and CudnnCompatibleGRUCell: TF\'s names; cuDNN\'s equations (forget bias 0, r ∘ (h·W_h + b_h))', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const [lo] = tf.nn.dynamicRnn(new cudnn.CudnnCompatibleLSTMCell(H), x, { dtype: 'float32', timeMajor: true, scope: 'l' });
        const [go] = tf.nn.dynamicRnn(new cudnn.CudnnCompatibleGRUCell(H), x, { dtype: 'float32', timeMajor: true, scope: 'g' });
        return { fetch: [lo, go] };
      });
      const p = 'g/cudnn_compatible_gru_cell/';
      expect(names(vars)).toEqual([
        'l/cudnn_compatible_lstm_cell/kernel:0 [7,16]', 'l/cudnn_compatible_lstm_cell/bias:0 [16]',
        `${p}gates/kernel:0 [7,8]`, `${p}gates/bias:0 [8]`, `${p}candidate/input_projection/kernel:0 [3,4]`,
        `${p}candidate/hidden_projection/kernel:0 [4,4]`, `${p}candidate/input_projection/bias:0 [4]`, `${p}candidate/hidden_projection/bias:0 [4]`,
      ]);
      const [lk, lb, gk, gb, ik, hk, ib, hb] = vals;
      const lstm = unroll<LSTMRef>({ c: zerosM(B, H), h: zerosM(B, H) }, (x, { c, h }) => {
        const z = lin(cat(x, h), lk!, lb!);
        const [i, j, f, o] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
        const nc = ew((cv, fv, iv, jv) => cv * sig(fv) + sig(iv) * Math.tanh(jv), c, f!, i!, j!);
        const nh = ew((cv, ov) => Math.tanh(cv) * sig(ov), nc, o!);
        return [nh, { c: nc, h: nh }];
      });
      const gru = unroll(zerosM(B, H), (x, h) => {
        const gates = ew(sig, lin(cat(x, h), gk!, gb!));
        const [r, u] = [cols(gates, 0, H), cols(gates, H, H)];
        const cand = ew((a, rv, bb) => Math.tanh(a + rv * bb), lin(x, ik!, ib!), r, lin(h, hk!, hb!));
        const nh = ew((uv, cv, hv) => (1 - uv) * cv + uv * hv, u, cand, h);
        return [nh, nh];
      });
      expectClose(out[0]!, lstm.outs.flat(2));
      expectClose(out[1]!, gru.outs.flat(2));
    });

    it('CudnnLSTM (2 layers) and bidirectional CudnnGRU: the canonical checkpoint names, time-major outputs and [layers·dirs, batch, units] states', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const lstm = new cudnn.CudnnLSTM(2, H);
        const [lo, [lh, lc]] = lstm.apply(x);
        const gru = new cudnn.CudnnGRU(1, 2, { direction: 'bidirectional' });
        const [go, [gh]] = gru.apply(x, { sequenceLengths: [3, 2] });
        expect(lstm.stateShape(5)).toEqual([[2, 5, H], [2, 5, H]]);
        return { fetch: [lo, lh!, lc!, go, gh!] };
      });
      const lp = (i: number): string => `cudnn_lstm/rnn/multi_rnn_cell/cell_${i}/cudnn_compatible_lstm_cell/`;
      const gp = (dir: string): string => `cudnn_gru/stack_bidirectional_rnn/cell_0/bidirectional_rnn/${dir}/cudnn_compatible_gru_cell/`;
      const gruNames = (dir: string): string[] => [
        `${gp(dir)}gates/kernel:0 [5,4]`, `${gp(dir)}gates/bias:0 [4]`, `${gp(dir)}candidate/input_projection/kernel:0 [3,2]`,
        `${gp(dir)}candidate/hidden_projection/kernel:0 [2,2]`, `${gp(dir)}candidate/input_projection/bias:0 [2]`, `${gp(dir)}candidate/hidden_projection/bias:0 [2]`,
      ];
      expect(names(vars)).toEqual([
        `${lp(0)}kernel:0 [7,16]`, `${lp(0)}bias:0 [16]`, `${lp(1)}kernel:0 [8,16]`, `${lp(1)}bias:0 [16]`, ...gruNames('fw'), ...gruNames('bw'),
      ]);
      // the LSTM stack
      let layerIn: number[][][] = xs;
      const hFin: M[] = [];
      const cFin: M[] = [];
      for (let l = 0; l < 2; l++) {
        const [k, b] = [vals[2 * l]!, vals[2 * l + 1]!];
        const outs: M[] = [];
        let c = zerosM(B, H);
        let h = zerosM(B, H);
        for (const x of layerIn) {
          const z = lin(cat(x, h), k, b);
          const [i, j, f, o] = [0, 1, 2, 3].map((q) => cols(z, q * H, H));
          c = ew((cv, fv, iv, jv) => cv * sig(fv) + sig(iv) * Math.tanh(jv), c, f!, i!, j!);
          h = ew((cv, ov) => Math.tanh(cv) * sig(ov), c, o!);
          outs.push(h);
        }
        hFin.push(h);
        cFin.push(c);
        layerIn = outs;
      }
      expectClose(out[0]!, layerIn.flat(2));
      expectClose(out[1]!, hFin.flat(2));
      expectClose(out[2]!, cFin.flat(2));
      // the bidirectional GRU with lengths [3, 2]
      const gruStep = (p: NDArray[], x: number[], h: number[]): number[] => {
        const [gk, gb, ik, hk, ib, hb] = p;
        const gates = lin([[...x, ...h]], gk!, gb!)[0]!.map(sig);
        const xi = lin([x], ik!, ib!)[0]!;
        const hh = lin([h], hk!, hb!)[0]!;
        return h.map((hv, q) => {
          const cand = Math.tanh(xi[q]! + gates[q]! * hh[q]!);
          return (1 - gates[2 + q]!) * cand + gates[2 + q]! * hv;
        });
      };
      const lens = [3, 2];
      const gOut = xs.map(() => Array.from({ length: B }, () => new Array<number>(4).fill(0)));
      const gStates: number[][][] = [[], []];
      for (let b = 0; b < B; b++) {
        let h = [0, 0];
        for (let t = 0; t < lens[b]!; t++) {
          h = gruStep(vals.slice(4, 10), xs[t]![b]!, h);
          gOut[t]![b]!.splice(0, 2, ...h);
        }
        gStates[0]!.push(h);
        h = [0, 0];
        for (let t = lens[b]! - 1; t >= 0; t--) {
          h = gruStep(vals.slice(10, 16), xs[t]![b]!, h);
          gOut[t]![b]!.splice(2, 2, ...h);
        }
        gStates[1]!.push(h);
      }
      expectClose(out[3]!, gOut.flat(2));
      expectClose(out[4]!, gStates.flat(2));
      expect(() => new cudnn.CudnnLSTM(1, 2, { direction: 'sideways' as never })).toThrow('Invalid direction: sideways, expecting unidirectional or bidirectional');
    });

    it('CudnnLSTM and CudnnGRU initial values: Glorot uniform per cuDNN gate matrix (input and recurrent rows apart), zero biases', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.zeros([T, B, I]);
        new cudnn.CudnnLSTM(1, H).apply(x);
        new cudnn.CudnnGRU(1, H).apply(x);
        return { vars: tf.globalVariables(), init: tf.globalVariablesInitializer() };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const v = (await s.run(t.vars.map((x) => x.value()))) as NDArray[];
      await s.close();
      const whole = Math.sqrt(6 / (I + H + 4 * H)); // Glorot over the whole canonical LSTM kernel
      for (const [k, cols2] of [[v[0]!, 4 * H], [v[2]!, 2 * H]] as const) {
        const rowsAbs = (r0: number, r1: number): number[] => Array.from(k.data as Float32Array).slice(r0 * cols2, r1 * cols2).map(Math.abs);
        const top = rowsAbs(0, I);
        const bottom = rowsAbs(I, I + H);
        expect(Math.max(...top)).toBeLessThanOrEqual(Math.sqrt(6 / (I + H)));
        expect(Math.max(...bottom)).toBeLessThanOrEqual(Math.sqrt(6 / (2 * H)));
        expect(Math.max(...top)).toBeGreaterThan(whole);
        expect(Math.max(...bottom)).toBeGreaterThan(whole);
      }
      expect(Array.from(v[1]!.data).every((x) => x === 0)).toBe(true);
      for (const b of [v[3]!, v[6]!, v[7]!]) expect(Array.from(b.data).every((x) => x === 0)).toBe(true);
    });

    it('CudnnRNNRelu batch-major with a given initial state [batch, layers, units]; a second call reuses the variables', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const h0 = Array.from({ length: B * H }, (_, q) => Math.fround(0.3 * Math.sin(q + 2)));
      let count = 0;
      const { out, vals, vars } = await runRandomized(d, (x) => {
        const layer = new cudnn.CudnnRNNRelu(1, H);
        const xb = tf.transpose(x, [1, 0, 2]);
        const init = tf.constant(new tf.NDArray(Float32Array.from(h0), [B, 1, H], 'float32'));
        const [o, [h]] = layer.apply(xb, [init], null, false);
        count = tf.globalVariables().length;
        layer.apply(xb, { timeMajor: false });
        expect(tf.globalVariables().length).toBe(count);
        return { fetch: [o, h!] };
      });
      expect(names(vars)).toEqual(['cudnn_rnn_relu/rnn/multi_rnn_cell/cell_0/basic_rnn_cell/kernel:0 [7,4]', 'cudnn_rnn_relu/rnn/multi_rnn_cell/cell_0/basic_rnn_cell/bias:0 [4]']);
      const start: M = [0, 1].map((b) => h0.slice(b * H, (b + 1) * H));
      const ref = unroll(start, (x, h) => {
        const nh = ew(relu, lin(cat(x, h), vals[0]!, vals[1]!));
        return [nh, nh];
      });
      // batch-major outputs [B, T, H]
      expectClose(out[0]!, Array.from({ length: B }, (_, b) => ref.outs.map((o) => o[b]!)).flat(2));
      expectClose(out[1]!, ref.state.flat());
    });
  });
}

describeGradients((label) => `contrib.rnn gradients, ${label}`, (cfg) => [
  {
    name: 'LayerNormBasicLSTMCell',
    test: 'LayerNormBasicLSTMCell: d(outputs, c)/d(inputs) matches central differences',
    ins: [{ shape: [2, 2, 3] }],
    f: (x) => {
      const [o, st] = tf.nn.dynamicRnn(new rnn.LayerNormBasicLSTMCell(3, { normShift: 0.2 }), x, { dtype: cfg.dtype, timeMajor: true });
      return [o, (st as InstanceType<typeof rnn.LSTMStateTuple>).c as Tensor];
    },
  },
  {
    name: 'Conv1DLSTMCell',
    test: 'Conv1DLSTMCell: d(outputs)/d(inputs) matches central differences',
    ins: [{ shape: [1, 2, 3, 2] }],
    f: (x) => tf.nn.dynamicRnn(new rnn.Conv1DLSTMCell([3, 2], 2, [3]), x, { dtype: cfg.dtype })[0],
  },
  {
    name: 'stackBidirectionalDynamicRnn',
    test: 'stackBidirectionalDynamicRnn with sequence lengths: d(outputs, states)/d(inputs) matches central differences',
    ins: [{ shape: [2, 3, 2] }],
    f: (x) => {
      const [o, sf, sb] = rnn.stackBidirectionalDynamicRnn([new rnn.GRUCell(2), new rnn.GRUCell(2)], [new rnn.GRUCell(2), new rnn.GRUCell(2)], x, { sequenceLength: [3, 2], dtype: cfg.dtype });
      return [o, ...(sf as Tensor[]), ...(sb as Tensor[])];
    },
  },
  {
    name: 'CudnnCompatibleGRUCell',
    test: 'CudnnCompatibleGRUCell: d(outputs)/d(inputs) matches central differences',
    ins: [{ shape: [3, 2, 2] }],
    f: (x) => tf.nn.dynamicRnn(new cudnn.CudnnCompatibleGRUCell(3), x, { dtype: cfg.dtype, timeMajor: true })[0],
  },
  {
    name: 'CudnnLSTM',
    test: 'CudnnLSTM (bidirectional, 2 layers; CudnnCompatibleLSTMCell): d(outputs, h, c)/d(inputs) matches central differences',
    ins: [{ shape: [2, 2, 2] }],
    f: (x) => {
      const [o, [h, c]] = new cudnn.CudnnLSTM(2, 2, { direction: 'bidirectional', dtype: cfg.dtype }).apply(x);
      return [o, h!, c!];
    },
  },
], devices);
