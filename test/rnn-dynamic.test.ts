/**
 * RNN cells and drivers: TF1's variable names (rnn/lstm_cell/..., gru_cell/gates/...,
 * multi_rnn_cell/cell_N/..., bidirectional_rnn/fw|bw/...), cell outputs against float64
 * re-implementations of TF1's formulas, variable-length batches through tf.nn.dynamicRnn
 * against each sequence run alone (zeros past its length, the state of its last valid step),
 * dynamicRnn against staticRnn (values and gradients), the bidirectional drivers, the wrappers;
 * on every device of the harness (small sizes on WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const cellNs = tf.nn.rnnCell;

type M = number[][];
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
/** [B, n] · [n, m] + b. */
function affine(x: M, w: Float64Array | number[], rows: number, cols: number, b?: ArrayLike<number>): M {
  return x.map((r) => Array.from({ length: cols }, (_, j) => r.reduce((s, v, k) => s + v * Number(w[k * cols + j]), b ? Number(b[j]) : 0)));
}
const cat = (a: M, b: M): M => a.map((r, i) => [...r, ...b[i]!]);

interface LstmOpts { peep?: boolean; proj?: number; cellClip?: number; projClip?: number; forgetBias?: number }
/** TF1's LSTMCell (and BasicLSTMCell: no peepholes/projection) on float64. */
function lstmRef(x: M, c: M, h: M, W: ArrayLike<number>, b: ArrayLike<number>, n: number, o: LstmOpts, diag?: { f: ArrayLike<number>; i: ArrayLike<number>; o: ArrayLike<number> }, P?: ArrayLike<number>): [M, M] {
  const inp = cat(x, h);
  const z = affine(inp, Array.from(W), inp[0]!.length, 4 * n, b);
  const fb = o.forgetBias ?? 1;
  const newC = z.map((r, bi) => Array.from({ length: n }, (_, k) => {
    const cp = c[bi]![k]!;
    const [ig, jg, fg] = [r[k]!, r[n + k]!, r[2 * n + k]!];
    let v = o.peep ? sig(fg + fb + Number(diag!.f[k]) * cp) * cp + sig(ig + Number(diag!.i[k]) * cp) * Math.tanh(jg) : sig(fg + fb) * cp + sig(ig) * Math.tanh(jg);
    if (o.cellClip !== undefined) v = Math.max(-o.cellClip, Math.min(o.cellClip, v));
    return v;
  }));
  let m = z.map((r, bi) => Array.from({ length: n }, (_, k) => {
    const cv = newC[bi]![k]!;
    const og = r[3 * n + k]!;
    return (o.peep ? sig(og + Number(diag!.o[k]) * cv) : sig(og)) * Math.tanh(cv);
  }));
  if (o.proj) {
    m = affine(m, Array.from(P!), n, o.proj);
    if (o.projClip !== undefined) m = m.map((r) => r.map((v) => Math.max(-o.projClip!, Math.min(o.projClip!, v))));
  }
  return [newC, m];
}
function gruRef(x: M, h: M, Wg: ArrayLike<number>, bg: ArrayLike<number>, Wc: ArrayLike<number>, bc: ArrayLike<number>, n: number): M {
  const g = affine(cat(x, h), Array.from(Wg), 0, 2 * n, bg).map((r) => r.map(sig));
  const rh = h.map((r, i) => r.map((v, k) => v * g[i]![k]!));
  const cand = affine(cat(x, rh), Array.from(Wc), 0, n, bc).map((r) => r.map(Math.tanh));
  return h.map((r, i) => r.map((v, k) => g[i]![n + k]! * v + (1 - g[i]![n + k]!) * cand[i]![k]!));
}

const rows = (a: NDArray, t?: number): M => {
  const [B, T, H] = a.shape as number[];
  if (t === undefined) {
    const [r, c] = a.shape as [number, number];
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => Number(a.data[i * c + j])));
  }
  return Array.from({ length: B! }, (_, i) => Array.from({ length: H! }, (_, j) => Number(a.data[(i * T! + t) * H! + j])));
};
const expectClose = (got: M, want: M, tol: number): void => {
  want.forEach((r, i) => r.forEach((v, j) => {
    const g = got[i]![j]!;
    if (!(Math.abs(g - v) <= tol * (1 + Math.abs(v)))) expect.fail(`[${i},${j}] ${g} vs ${v}`);
  }));
};
const seqData = (B: number, T: number, I: number, seed = 1): number[][][] =>
  Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, k) => Math.sin(seed * 7 + b * 3.1 + t * 1.7 + k * 0.9) * 0.8)));
const f32of = (x: number[][][]): NDArray => new tf.NDArray(Float32Array.from(x.flat(2)), [x.length, x[0]!.length, x[0]![0]!.length], 'float32');

describe('TF1 variable names and shapes', () => {
  it('LSTMCell with peepholes and projection, GRUCell, MultiRNNCell, bidirectional scopes', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [null, 5, 3]);
      tf.nn.dynamicRnn(new cellNs.LSTMCell(4, { usePeepholes: true, numProj: 2 }), x, { dtype: 'float32' });
      tf.nn.dynamicRnn(new cellNs.GRUCell(4), x, { dtype: 'float32', scope: 'g' });
      tf.nn.dynamicRnn(new cellNs.MultiRNNCell([new cellNs.BasicLSTMCell(4), new cellNs.BasicLSTMCell(2)]), x, { dtype: 'float32', scope: 'm' });
      tf.nn.bidirectionalDynamicRnn(new cellNs.BasicLSTMCell(4), new cellNs.BasicLSTMCell(4), x, { dtype: 'float32' });
      tf.nn.staticBidirectionalRnn(new tf.contrib.rnn.BasicRNNCell(3), new tf.contrib.rnn.BasicRNNCell(3), tf.unstack(x, { axis: 1 }) as Tensor[], { dtype: 'float32', scope: 's' });
      expect(tf.globalVariables().map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual([
        'rnn/lstm_cell/kernel:0 [5,16]', 'rnn/lstm_cell/bias:0 [16]', 'rnn/lstm_cell/w_f_diag:0 [4]', 'rnn/lstm_cell/w_i_diag:0 [4]',
        'rnn/lstm_cell/w_o_diag:0 [4]', 'rnn/lstm_cell/projection/kernel:0 [4,2]',
        'g/gru_cell/gates/kernel:0 [7,8]', 'g/gru_cell/gates/bias:0 [8]', 'g/gru_cell/candidate/kernel:0 [7,4]', 'g/gru_cell/candidate/bias:0 [4]',
        'm/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0 [7,16]', 'm/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0 [16]',
        'm/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0 [6,8]', 'm/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0 [8]',
        'bidirectional_rnn/fw/basic_lstm_cell/kernel:0 [7,16]', 'bidirectional_rnn/fw/basic_lstm_cell/bias:0 [16]',
        'bidirectional_rnn/bw/basic_lstm_cell/kernel:0 [7,16]', 'bidirectional_rnn/bw/basic_lstm_cell/bias:0 [16]',
        's/fw/basic_rnn_cell/kernel:0 [6,3]', 's/fw/basic_rnn_cell/bias:0 [3]', 's/bw/basic_rnn_cell/kernel:0 [6,3]', 's/bw/basic_rnn_cell/bias:0 [3]',
      ]);
      expect(g.getOperationByName('rnn/lstm_cell/kernel').type).toBe('VariableV2');
    });
  });

  it("TF1's errors: no dtype without an initial state, a sequence_length that is not a vector, an unknown input depth", () => {
    tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      const x = tf.placeholder('float32', [2, 5, 3]);
      expect(() => tf.nn.dynamicRnn(new cellNs.GRUCell(2), x)).toThrow('If there is no initial_state, you must give a dtype.');
      expect(() => tf.nn.staticRnn(new cellNs.GRUCell(2), [x])).toThrow('If no initial_state is provided, dtype must be specified');
      expect(() => tf.nn.dynamicRnn(new cellNs.GRUCell(2), x, { dtype: 'float32', sequenceLength: tf.constant([[1, 2]], 'int32') })).toThrow('sequence_length must be a vector of length batch_size, but saw shape: (1, 2)');
      expect(() => tf.nn.dynamicRnn(new cellNs.GRUCell(2), tf.placeholder('float32', [2, 5, null]), { dtype: 'float32' })).toThrow('Input size (depth of inputs) must be accessible via shape inference, but saw value None.');
      expect(() => new cellNs.MultiRNNCell([])).toThrow('Must specify at least one cell for MultiRNNCell.');
    });
  });
});

for (const d of devices) {
  const small = d.name === 'webgpu';
  const tol = d.options.device === 'webgpu' ? 2e-4 : 2e-5;
  describe(`RNNs on ${d.name}`, () => {
    it('dynamicRnn with sequenceLength: LSTMCell (peepholes, projection, clips) against each sequence alone in float64', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [B, T, I, H, P] = small ? [2, 3, 2, 3, 2] : [3, 5, 3, 4, 3];
      const lens = small ? [3, 1] : [5, 2, 0];
      const o: LstmOpts = { peep: true, proj: P, cellClip: 0.6, projClip: 0.3, forgetBias: 0.7 };
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [null, T, I], 'x');
        const sl = tf.placeholder('int32', [null], 'sl');
        const cell = new cellNs.LSTMCell(H, { usePeepholes: true, numProj: P, cellClip: 0.6, projClip: 0.3, forgetBias: 0.7, initializer: tf.randomUniformInitializer(-0.8, 0.8, { seed: 3 }) });
        const [out, st] = tf.nn.dynamicRnn(cell, x, { sequenceLength: sl, dtype: 'float32' });
        return { x, sl, out, st: st as tf.nn.rnnCell.LSTMStateTuple, cell, init: tf.globalVariablesInitializer() };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const data = seqData(B, T, I);
      const [out, c, h, W, bias, wf, wi, wo, Pk] = (await s.run(
        [t.out, t.st.c, t.st.h, ...t.cell.variables.map((v) => v.value())],
        new Map<Tensor, NDArray>([[t.x, f32of(data)], [t.sl, new tf.NDArray(Int32Array.from(lens), [B], 'int32')]]),
      )) as NDArray[];
      expect(out!.shape).toEqual([B, T, P]);
      const diag = { f: wf!.data as Float32Array, i: wi!.data as Float32Array, o: wo!.data as Float32Array };
      for (let b = 0; b < B; b++) {
        let cs: M = [new Array<number>(H).fill(0)];
        let hs: M = [new Array<number>(P).fill(0)];
        for (let k = 0; k < T; k++) {
          const got = rows(out!, k)[b]!;
          if (k >= lens[b]!) {
            expect(got).toEqual(new Array<number>(P).fill(0));
            continue;
          }
          [cs, hs] = lstmRef([data[b]![k]!], cs, hs, W!.data as Float32Array, bias!.data as Float32Array, H, o, diag, Pk!.data as Float32Array);
          expectClose([got], hs, tol);
        }
        expectClose([rows(c!)[b]!], cs, tol);
        expectClose([rows(h!)[b]!], hs, tol);
      }
      await s.close();
    });

    it('GRUCell and a MultiRNNCell of BasicLSTMCells in dynamicRnn (timeMajor, initialState) against float64', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [B, T, I, H] = small ? [2, 2, 2, 2] : [2, 4, 3, 3];
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [T, B, I], 'x');
        const h0 = tf.placeholder('float32', [B, H], 'h0');
        const gru = new cellNs.GRUCell(H, { kernelInitializer: tf.randomUniformInitializer(-1, 1, { seed: 5 }) });
        const [gout, gst] = tf.nn.dynamicRnn(gru, x, { initialState: h0, timeMajor: true, scope: 'gru' });
        const multi = new cellNs.MultiRNNCell([new cellNs.BasicLSTMCell(H, { forgetBias: 0.5 }), new cellNs.BasicLSTMCell(H)]);
        const [mout, mst] = tf.nn.dynamicRnn(multi, x, { dtype: 'float32', timeMajor: true, scope: 'multi' });
        return { x, h0, gout, gst: gst as Tensor, mout, mst: mst as tf.nn.rnnCell.LSTMStateTuple[], gru, multi, init: tf.globalVariablesInitializer() };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const data = seqData(T, B, I, 2); // time-major [T][B][I]
      const h0 = Array.from({ length: B }, (_, b) => Array.from({ length: H }, (_, k) => 0.3 * Math.cos(b + k)));
      const vars = [...t.gru.variables, ...t.multi.variables].map((v) => v.value());
      const res = (await s.run([t.gout, t.gst, t.mout, t.mst[1]!.h, ...vars], new Map<Tensor, NDArray>([
        [t.x, f32of(data)], [t.h0, new tf.NDArray(Float32Array.from(h0.flat()), [B, H], 'float32')],
      ]))) as NDArray[];
      const [gout, gst, mout, mh, Wg, bg, Wc, bc, W0, b0, W1, b1] = res as NDArray[];
      let h: M = h0.map((r) => r.map(Math.fround));
      let c0: M = Array.from({ length: B }, () => new Array<number>(H).fill(0));
      let h0m = c0.map((r) => [...r]);
      let c1 = c0.map((r) => [...r]);
      let h1 = c0.map((r) => [...r]);
      const tm = (a: NDArray, k: number): M => Array.from({ length: B }, (_, b) => Array.from({ length: H }, (_, j) => Number(a.data[(k * B + b) * H + j])));
      for (let k = 0; k < T; k++) {
        h = gruRef(data[k]!, h, Wg!.data as Float32Array, bg!.data as Float32Array, Wc!.data as Float32Array, bc!.data as Float32Array, H);
        expectClose(tm(gout!, k), h, tol);
        [c0, h0m] = lstmRef(data[k]!, c0, h0m, W0!.data as Float32Array, b0!.data as Float32Array, H, { forgetBias: 0.5 });
        [c1, h1] = lstmRef(h0m, c1, h1, W1!.data as Float32Array, b1!.data as Float32Array, H, {});
        expectClose(tm(mout!, k), h1, tol);
      }
      expectClose(rows(gst!), h, tol);
      expectClose(rows(mh!), h1, tol);
      await s.close();
    });

    it('dynamicRnn equals staticRnn with the same cell, values and gradients; bidirectional drivers agree', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [B, T, I, H] = small ? [2, 3, 2, 2] : [3, 4, 3, 4];
      const lens = small ? [2, 3] : [4, 1, 3];
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [B, T, I], 'x');
        const sl = tf.constant(lens, 'int32');
        const cell = new cellNs.BasicLSTMCell(H);
        const [dout, dst] = tf.nn.dynamicRnn(cell, x, { sequenceLength: sl, dtype: 'float32' });
        const xs = tf.unstack(x, { axis: 1 }) as Tensor[];
        const [souts, sst] = tf.nn.staticRnn(cell, xs, { sequenceLength: sl, dtype: 'float32' });
        const sout = tf.stack(souts, { axis: 1 });
        const w = cell.variables.map((v) => v.value());
        const dg = tf.gradients(tf.reduceSum(tf.sin(dout)), [x, ...w]) as Tensor[];
        const sg = tf.gradients(tf.reduceSum(tf.sin(sout)), [x, ...w]) as Tensor[];
        const fw = new cellNs.GRUCell(H);
        const bw = new cellNs.GRUCell(H);
        const [[bf, bb]] = tf.nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: sl, dtype: 'float32' });
        const [sbi] = tf.nn.staticBidirectionalRnn(fw, bw, xs, { sequenceLength: sl, dtype: 'float32' });
        return { x, dout, sout, dc: (dst as tf.nn.rnnCell.LSTMStateTuple).c, sc: (sst as tf.nn.rnnCell.LSTMStateTuple).c, dg, sg, bi: tf.concat([bf!, bb!], 2), sbi: tf.stack(sbi, { axis: 1 }), init: tf.globalVariablesInitializer() };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const r = (await s.run([t.dout, t.sout, t.dc, t.sc, t.bi, t.sbi, ...t.dg, ...t.sg], new Map([[t.x, f32of(seqData(B, T, I, 3))]]))) as NDArray[];
      const same = (a: NDArray, b: NDArray, eps: number): void => Array.from(a.data as Float32Array).forEach((v, i) => expect(Math.abs(v - Number(b.data[i]))).toBeLessThanOrEqual(eps * (1 + Math.abs(v))));
      same(r[0]!, r[1]!, 1e-6);
      same(r[2]!, r[3]!, 1e-6);
      same(r[4]!, r[5]!, 1e-6);
      for (let k = 0; k < 3; k++) same(r[6 + k]!, r[9 + k]!, 1e-5);
      await s.close();
    });

    it('DropoutWrapper: seeded, repeatable, kept units scaled by 1/keep; ResidualWrapper adds the inputs', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [B, T, H] = [2, 3, 4];
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [B, T, H], 'x');
        const base = new cellNs.BasicRNNCell(H);
        const [plain] = tf.nn.dynamicRnn(base, x, { dtype: 'float32', scope: 'p' });
        const [dropped] = tf.nn.dynamicRnn(new cellNs.DropoutWrapper(base, { outputKeepProb: 0.5, seed: 7 }), x, { dtype: 'float32', scope: 'p' });
        const [kept] = tf.nn.dynamicRnn(new cellNs.DropoutWrapper(base, { inputKeepProb: 1, outputKeepProb: 1, stateKeepProb: 1 }), x, { dtype: 'float32', scope: 'p' });
        const [res] = tf.nn.dynamicRnn(new cellNs.ResidualWrapper(base), x, { dtype: 'float32', scope: 'p' });
        return { x, plain, dropped, kept, res, init: tf.globalVariablesInitializer() };
      });
      expect(g.asDefault(() => tf.globalVariables().length)).toBe(2);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const xv = f32of(seqData(B, T, H, 4));
      const feed = new Map([[t.x, xv]]);
      const [p, d1, k, r] = (await s.run([t.plain, t.dropped, t.kept, t.res], feed)) as NDArray[];
      const [d2] = (await s.run([t.dropped], feed)) as NDArray[];
      expect(Array.from(k!.data as Float32Array)).toEqual(Array.from(p!.data as Float32Array));
      let zeros = 0;
      Array.from(d1!.data as Float32Array).forEach((v, i) => {
        if (v === 0) zeros++;
        else expect(v).toBeCloseTo(2 * Number(p!.data[i]), 5);
      });
      expect(zeros).toBeGreaterThan(0);
      expect(zeros).toBeLessThan(d1!.data.length);
      expect(Array.from(d2!.data as Float32Array)).not.toEqual(Array.from(d1!.data as Float32Array)); // a fresh draw per run
      Array.from(r!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(Number(p!.data[i]) + Number(xv.data[i]), 5));
      await s.close();
    });
  });
}

const GRAD_CASES: GradCase[] = [
  {
    name: 'dynamicRnn with sequenceLength, GRUCell: inputs and initial state',
    ins: [{ shape: [2, 3, 2] }, { shape: [2, 2] }],
    f: (x, h0) => {
      const g = x.graph;
      return g.nameScope('c', () => {
        const cell = new cellNs.GRUCell(2, { kernelInitializer: tf.constantInitializer(0.4), biasInitializer: tf.constantInitializer(0.1) });
        const [out, st] = tf.nn.dynamicRnn(cell, x, { sequenceLength: tf.constant([3, 1], 'int32'), initialState: h0 });
        return [out, st as Tensor];
      });
    },
  },
  {
    name: 'bidirectionalDynamicRnn, BasicRNNCells: inputs',
    ins: [{ shape: [2, 3, 2] }],
    f: (x) => {
      const mk = (): tf.nn.rnnCell.BasicRNNCell => new cellNs.BasicRNNCell(2);
      const [[a, b]] = tf.nn.bidirectionalDynamicRnn(mk(), mk(), x, { sequenceLength: tf.constant([2, 3], 'int32'), dtype: x.dtype });
      return [a!, b!];
    },
  },
];

describeGradients('finite-difference gradients through dynamic RNNs', GRAD_CASES, devices);

describe('against a TF-written LSTM classifier (test/fixtures/tf-graphs/onnx_lstm_frozen.pb)', () => {
  it("its rnn/basic_lstm_cell/kernel and bias loaded into tsflow's BasicLSTMCell give TF's logits, through staticRnn and dynamicRnn", async () => {
    const { readFileSync } = await import('node:fs');
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const [X, kp, out, kernel, bias, w1, b1] = tf.importGraphDef(new Uint8Array(readFileSync('test/fixtures/tf-graphs/onnx_lstm_frozen.pb')), {
        name: 'tf',
        returnElements: ['X:0', 'keep_prob:0', 'output:0', 'rnn/basic_lstm_cell/kernel:0', 'rnn/basic_lstm_cell/bias:0', 'model/w1:0', 'model/b1:0'],
      }) as Tensor[];
      const x = tf.reshape(X!, [-1, 28, 28]);
      const cell = new cellNs.BasicLSTMCell(128);
      const [souts] = tf.nn.staticRnn(cell, tf.unstack(x, 28, 1) as Tensor[], { dtype: 'float32' });
      const [douts] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', scope: 'rnn' });
      const head = (h: Tensor): Tensor => tf.add(tf.matmul(h, w1!), b1!);
      return {
        X: X!, kp: kp!, out: out!, names: cell.variables.map((v) => `${v.name} ${JSON.stringify(v.shape)}`),
        load: tf.group(tf.assign(cell.variables[0]!, kernel!), tf.assign(cell.variables[1]!, bias!)),
        sLogits: head(souts[27]!), dLogits: head(tf.index(douts, ':', -1)),
      };
    });
    expect(t.names).toEqual(['rnn/basic_lstm_cell/kernel:0 [156,512]', 'rnn/basic_lstm_cell/bias:0 [512]']);
    const s = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    await s.run(t.load);
    const B = 3;
    const xs = new tf.NDArray(Float32Array.from({ length: B * 784 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2), [B, 784], 'float32');
    const [want, sl, dl] = (await s.run([t.out, t.sLogits, t.dLogits], new Map<Tensor, unknown>([[t.X, xs], [t.kp, 1]]) as never)) as NDArray[];
    expect(want!.shape).toEqual([B, 10]);
    Array.from(want!.data as Float32Array).forEach((v, i) => {
      expect(Math.abs(Number(sl!.data[i]) - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v)));
      expect(Math.abs(Number(dl!.data[i]) - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v)));
    });
    await s.close();
  });

  it("GRU: the TF-written rnn/gru_cell/{gates,candidate}/{kernel,bias} in tsflow's GRUCell give TF's logits (onnx_gru_frozen.pb)", async () => {
    const { readFileSync } = await import('node:fs');
    const g = new tf.Graph();
    const names = ['rnn/gru_cell/gates/kernel', 'rnn/gru_cell/gates/bias', 'rnn/gru_cell/candidate/kernel', 'rnn/gru_cell/candidate/bias'];
    const t = g.asDefault(() => {
      const [X, kp, out, w1, b1, ...ws] = tf.importGraphDef(new Uint8Array(readFileSync('test/fixtures/tf-graphs/onnx_gru_frozen.pb')), {
        name: 'tf',
        returnElements: ['X:0', 'keep_prob:0', 'output:0', 'model/w1:0', 'model/b1:0', ...names.map((n) => `${n}:0`)],
      }) as Tensor[];
      const x = tf.reshape(X!, [-1, 28, 28]);
      const cell = new cellNs.GRUCell(128);
      const [douts] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32' });
      return {
        X: X!, kp: kp!, out: out!, names: cell.variables.map((v) => `${v.name} ${JSON.stringify(v.shape)}`),
        load: tf.group(...cell.variables.map((v, i) => tf.assign(v, ws[i]!))),
        logits: tf.add(tf.matmul(tf.index(douts, ':', -1), w1!), b1!),
      };
    });
    expect(t.names).toEqual(['rnn/gru_cell/gates/kernel:0 [156,256]', 'rnn/gru_cell/gates/bias:0 [256]', 'rnn/gru_cell/candidate/kernel:0 [156,128]', 'rnn/gru_cell/candidate/bias:0 [128]']);
    const s = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    await s.run(t.load);
    const B = 2;
    const xs = new tf.NDArray(Float32Array.from({ length: B * 784 }, (_, i) => (Math.cos(i * 0.21) + 1) / 2), [B, 784], 'float32');
    const [want, got] = (await s.run([t.out, t.logits], new Map<Tensor, unknown>([[t.X, xs], [t.kp, 1]]) as never)) as NDArray[];
    expect(want!.shape).toEqual([B, 10]);
    Array.from(want!.data as Float32Array).forEach((v, i) => expect(Math.abs(Number(got!.data[i]) - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
    await s.close();
  });
});
