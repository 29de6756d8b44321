/**
 * tf.contrib.seq2seq attention: BahdanauAttention (plain and normalized), LuongAttention (plain
 * and scaled) inside an AttentionWrapper over a BasicLSTMCell, decoded by BasicDecoder +
 * TrainingHelper + dynamicDecode, against a float64 plain-JS computation of TF 1.15's formulas
 * on the fetched weights: scores, masking by memorySequenceLength, alignments, context vectors,
 * the attention layer, alignment history; TF's variable names; finite-difference gradients
 * through the wrapper; hardmax and safeCumprod; TF's errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { describeGradients } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const s2s = tf.contrib.seq2seq;

const vals = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number>, Number);
const wave = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + k) * 0.9);
const sig = (z: number): number => 1 / (1 + Math.exp(-z));

type Mat = { d: number[]; r: number; c: number };
const mat = (a: NDArray): Mat => ({ d: vals(a), r: a.shape[0]!, c: a.shape.length > 1 ? a.shape[1]! : 1 });
/** x · W (+ b). */
const affine = (x: number[], w: Mat, b?: number[]): number[] =>
  Array.from({ length: w.c }, (_, j) => x.reduce((s, xi, i) => s + xi * w.d[i * w.c + j]!, b ? b[j]! : 0));
function lstm(x: number[], c: number[], h: number[], k: Mat, b: number[]): [number[], number[]] {
  const z = affine([...x, ...h], k, b);
  const n = h.length;
  const nc = c.map((cv, u) => cv * sig(z[2 * n + u]! + 1) + sig(z[u]!) * Math.tanh(z[n + u]!));
  return [nc, nc.map((cv, u) => Math.tanh(cv) * sig(z[3 * n + u]!))];
}
function expectNear(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`${what}[${i}]: got ${g}, want ${want[i]} (got ${got.join(', ')})`);
  });
}

const B = 2;
const T = 4; // memory time
const D = 3; // memory depth
const S = 3; // decoder steps
const X = 2; // decoder input depth
const N = 4; // cell units
const U = 4; // attention units (= N for Luong)
const A = 5; // attention layer size
const LENS = [4, 2];

type Kind = 'bahdanau' | 'bahdanau-norm' | 'luong' | 'luong-scale';

/**
 * TF's formulas in float64: keys = memory_layer(memory masked to its lengths); per step the
 * LSTM of [x, previous attention], the score of its output against the keys (Bahdanau:
 * sum(v·tanh(keys + W_q h)), normalized g·v/|v| and + b; Luong: h·keys, times g), -inf past
 * the lengths, softmax, context = alignments · memory, attention = [h, context] · W_a.
 */
function reference(kind: Kind, w: Record<string, NDArray>, mem: number[], xs: number[]) {
  const memRow = (b: number, t: number) => (t < LENS[b]! ? mem.slice((b * T + t) * D, (b * T + t + 1) * D) : new Array<number>(D).fill(0));
  const mk = mat(w.memory!);
  const keys = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => affine(memRow(b, t), mk)));
  const cellK = mat(w.kernel!);
  const cellB = vals(w.bias!);
  const attK = mat(w.attention!);
  const outs: number[][][] = [];
  const aligns: number[][][] = [];
  for (let b = 0; b < B; b++) {
    let c = new Array<number>(N).fill(0);
    let h = new Array<number>(N).fill(0);
    let att = new Array<number>(A).fill(0);
    const ob: number[][] = [];
    const ab: number[][] = [];
    for (let s = 0; s < S; s++) {
      const x = xs.slice((b * S + s) * X, (b * S + s + 1) * X);
      [c, h] = lstm([...x, ...att], c, h, cellK, cellB);
      let score: number[];
      if (kind.startsWith('bahdanau')) {
        const pq = affine(h, mat(w.query!));
        let v = vals(w.v!);
        let bias = new Array<number>(U).fill(0);
        if (kind === 'bahdanau-norm') {
          const g = vals(w.g!)[0]!;
          const norm = Math.sqrt(v.reduce((s2, vi) => s2 + vi * vi, 0));
          v = v.map((vi) => (g * vi) / norm);
          bias = vals(w.b!);
        }
        score = keys[b]!.map((k) => k.reduce((s2, ki, u) => s2 + v[u]! * Math.tanh(ki + pq[u]! + bias[u]!), 0));
      } else {
        const g = kind === 'luong-scale' ? vals(w.g!)[0]! : 1;
        score = keys[b]!.map((k) => g * k.reduce((s2, ki, u) => s2 + ki * h[u]!, 0));
      }
      const masked = score.map((v, t) => (t < LENS[b]! ? v : -Infinity));
      const m = Math.max(...masked);
      const e = masked.map((v) => Math.exp(v - m));
      const z = e.reduce((p, q) => p + q, 0);
      const al = e.map((v) => v / z);
      const ctx = Array.from({ length: D }, (_, dd) => al.reduce((s2, a, t) => s2 + a * memRow(b, t)[dd]!, 0));
      att = affine([...h, ...ctx], attK);
      ob.push(att);
      ab.push(al);
    }
    outs.push(ob);
    aligns.push(ab);
  }
  return { outs, aligns };
}

function mechanism(kind: Kind, memory: Tensor, lengths: Tensor): tf.contrib.seq2seq.BaseAttentionMechanism {
  if (kind === 'bahdanau') return new s2s.BahdanauAttention(U, memory, lengths);
  if (kind === 'bahdanau-norm') return new s2s.BahdanauAttention(U, memory, { memorySequenceLength: lengths, normalize: true });
  if (kind === 'luong') return new s2s.LuongAttention(U, memory, lengths);
  return new s2s.LuongAttention(U, memory, lengths, true);
}

const VAR_NAMES: Record<Kind, string[]> = {
  bahdanau: ['memory_layer/kernel', 'decoder/attention_wrapper/basic_lstm_cell/kernel', 'decoder/attention_wrapper/basic_lstm_cell/bias', 'decoder/attention_wrapper/bahdanau_attention/query_layer/kernel', 'decoder/attention_wrapper/bahdanau_attention/attention_v', 'decoder/attention_wrapper/attention_layer/kernel'],
  'bahdanau-norm': ['memory_layer/kernel', 'decoder/attention_wrapper/basic_lstm_cell/kernel', 'decoder/attention_wrapper/basic_lstm_cell/bias', 'decoder/attention_wrapper/bahdanau_attention/query_layer/kernel', 'decoder/attention_wrapper/bahdanau_attention/attention_v', 'decoder/attention_wrapper/bahdanau_attention/attention_g', 'decoder/attention_wrapper/bahdanau_attention/attention_b', 'decoder/attention_wrapper/attention_layer/kernel'],
  luong: ['memory_layer/kernel', 'decoder/attention_wrapper/basic_lstm_cell/kernel', 'decoder/attention_wrapper/basic_lstm_cell/bias', 'decoder/attention_wrapper/attention_layer/kernel'],
  'luong-scale': ['memory_layer/kernel', 'decoder/attention_wrapper/basic_lstm_cell/kernel', 'decoder/attention_wrapper/basic_lstm_cell/bias', 'decoder/attention_wrapper/luong_attention/attention_g', 'decoder/attention_wrapper/attention_layer/kernel'],
};

for (const d of devices) {
  // WGSL has no 64-bit float: the same checks in float32 on WebGPU, at float32's tolerance
  const FL = d.name === 'webgpu' ? 'float32' : 'float64';
  const arr = (v: number[], shape: number[]): NDArray => new tf.NDArray(FL === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape, FL);
  const tol = (t: number): number => (FL === 'float64' ? t : 2e-4);
  describe(`attention wrappers on ${d.name}`, () => {
    for (const kind of ['bahdanau', 'bahdanau-norm', 'luong', 'luong-scale'] as Kind[]) {
      it(`${kind}: outputs, alignments and alignment history equal TF's formulas (float64; float32 on WebGPU); masking; TF's variable names`, async (ctx) => {
        if (d.skipReason) skipTest(ctx, d.skipReason);
        const g = new tf.Graph();
        const t = g.asDefault(() => {
          tf.setRandomSeed(7);
          const memory = tf.placeholder(FL, [B, null, D], 'memory');
          const x = tf.placeholder(FL, [B, S, X], 'x');
          const lengths = tf.constant(LENS, 'int32');
          const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
          const mech = mechanism(kind, memory, lengths);
          const wrapper = new s2s.AttentionWrapper(cell, mech, { attentionLayerSize: A, alignmentHistory: true });
          const init = wrapper.zeroState(B, FL);
          const dec = new s2s.BasicDecoder(wrapper, new s2s.TrainingHelper(x, [S, S]), init);
          const [out, st] = s2s.dynamicDecode(dec) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput, tf.contrib.seq2seq.AttentionWrapperState];
          const byName = (n: string) => tf.globalVariables().find((v) => v.name === `${n}:0`)!;
          const names = tf.globalVariables().map((v) => v.name.replace(/:0$/, ''));
          // the wrapper's own variables: all of them (the cell's, both layers', the score's)
          expect(wrapper.variables.map((v) => v.name.replace(/:0$/, '')).sort()).toEqual([...names].sort());
          const vs: Record<string, Tensor> = {
            memory: byName('memory_layer/kernel').value(),
            kernel: byName('decoder/attention_wrapper/basic_lstm_cell/kernel').value(),
            bias: byName('decoder/attention_wrapper/basic_lstm_cell/bias').value(),
            attention: byName('decoder/attention_wrapper/attention_layer/kernel').value(),
          };
          if (kind.startsWith('bahdanau')) {
            vs.query = byName('decoder/attention_wrapper/bahdanau_attention/query_layer/kernel').value();
            vs.v = byName('decoder/attention_wrapper/bahdanau_attention/attention_v').value();
          }
          if (kind === 'bahdanau-norm') {
            vs.g = byName('decoder/attention_wrapper/bahdanau_attention/attention_g').value();
            vs.b = byName('decoder/attention_wrapper/bahdanau_attention/attention_b').value();
          }
          if (kind === 'luong-scale') vs.g = byName('decoder/attention_wrapper/luong_attention/attention_g').value();
          const history = (st.alignmentHistory as tf.TensorArray).stack();
          return { memory, x, names, vs, out: out.rnnOutput, alignments: st.alignments as Tensor, time: st.time, history, keys: mech.keys, values: mech.values, init };
        });
        expect(t.names).toEqual(VAR_NAMES[kind]);
        expect(t.out.shape).toEqual([B, null, A]);
        const s = new tf.Session({ ...d.options, graph: g });
        await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
        if (kind === 'bahdanau-norm' || kind === 'luong-scale') {
          // Move g off its initial value so that it matters.
          await s.run(g.asDefault(() => tf.globalVariables().find((v) => v.name.endsWith('attention_g:0'))!.assign(tf.constant(kind === 'luong-scale' ? 0.6 : 1.7, FL))));
        }
        if (kind === 'bahdanau-norm') {
          await s.run(g.asDefault(() => tf.globalVariables().find((v) => v.name.endsWith('attention_b:0'))!.assign(tf.constant([0.3, -0.2, 0.1, 0.5], FL))));
        }
        const mem = wave(B * T * D, 0.3);
        const xs = wave(B * S * X, 1.1);
        const feed = new Map([[t.memory, arr(mem, [B, T, D])], [t.x, arr(xs, [B, S, X])]]);
        const keys = Object.keys(t.vs);
        const got = (await s.run([t.out, t.alignments, t.time, t.history, t.values, ...keys.map((k) => t.vs[k]!)], feed)) as NDArray[];
        const w: Record<string, NDArray> = {};
        keys.forEach((k, i) => (w[k] = got[5 + i]!));
        const ref = reference(kind, w, mem, xs);
        expectNear(vals(got[0]), ref.outs.flat(2), tol(1e-10), 'attention outputs');
        expectNear(vals(got[1]), ref.aligns.map((ab) => ab[S - 1]!).flat(), tol(1e-10), 'final alignments');
        expect(vals(got[2])).toEqual([S]);
        // history: [time, batch, memory time]
        expectNear(vals(got[3]), Array.from({ length: S }, (_, st) => ref.aligns.map((ab) => ab[st]!).flat()).flat(), tol(1e-10), 'alignment history');
        // masked entries get exactly zero weight and the memory past the lengths is zeroed
        const al = vals(got[1]);
        expect(al[T + 2]).toBe(0);
        expect(al[T + 3]).toBe(0);
        expect(vals(got[4]).slice((T + 2) * D).map(Math.abs)).toEqual(new Array<number>(2 * D).fill(0));
        await s.close();
      });
    }

    it('outputAttention=false gives the cell output; no attention layer: the attention is the context; a list of mechanisms concatenates', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(2);
        const memory = tf.constant(arr(wave(B * T * D, 0.8), [B, T, D]));
        const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
        const m1 = new s2s.LuongAttention(N, memory);
        const m2 = new s2s.BahdanauAttention(U, memory, [3, 1]);
        const w = new s2s.AttentionWrapper(cell, [m1, m2], { outputAttention: false });
        const st0 = w.zeroState(B, FL) as unknown as tf.contrib.seq2seq.AttentionWrapperState;
        const x = tf.constant(arr(wave(B * X, 0.1), [B, X]));
        const [out, st] = w.call(x, st0 as never) as unknown as [Tensor, tf.contrib.seq2seq.AttentionWrapperState];
        const [a1, a2] = st.alignments as Tensor[];
        const ctx1 = tf.squeeze(tf.matmul(tf.expandDims(a1!, 1), m1.values), [1]);
        const ctx2 = tf.squeeze(tf.matmul(tf.expandDims(a2!, 1), m2.values), [1]);
        return { out, att: st.attention, ctx: tf.concat([ctx1, ctx2], 1), h: ((st.cellState as unknown) as tf.nn.rnnCell.LSTMStateTuple).h, size: w.outputSize, st0, a2 };
      });
      expect(t.size).toBe(N);
      expect(t.att.shape).toEqual([B, 2 * D]);
      expect((t.st0.attention as Tensor).shape).toEqual([B, 2 * D]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [out, att, c, h, a2] = (await s.run([t.out, t.att, t.ctx, t.h, t.a2])) as NDArray[];
      expect(vals(out)).toEqual(vals(h));
      expectNear(vals(att), vals(c), tol(1e-12), 'attention = contexts');
      expect(vals(a2).slice(T + 1)).toEqual([0, 0, 0]);
      await s.close();
    });

    it('hardmax and safeCumprod', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => ({
        h: s2s.hardmax(tf.constant([[0.1, 2, -1], [3, 0, 3.5]], 'float32')),
        c: s2s.safeCumprod(tf.constant([0.5, 0, 0.25, 2], FL)),
        ce: s2s.safeCumprod(tf.constant([[0.5, 0.4, 0.25]], FL), { axis: 1, exclusive: true }),
      }));
      const s = new tf.Session({ ...d.options, graph: g });
      const [h, c, ce] = (await s.run([t.h, t.c, t.ce])) as NDArray[];
      expect(vals(h)).toEqual([0, 1, 0, 0, 0, 1]);
      expect(h!.dtype).toBe('float32');
      const cv = vals(c);
      expectNear([cv[0]!], [0.5], tol(1e-12), 'cumprod');
      expect(cv[1]!).toBeLessThan(1e-300);
      expectNear([cv[3]!], [cv[2]!], tol(1e-12), 'clipped to 1');
      expectNear(vals(ce), [1, 0.5, 0.2], tol(1e-12), 'exclusive');
      await s.close();
    });
  });
}

/** TF's monotonic attention recurrence: q_j = (1 - p_{j-1}) q_{j-1} + prev_j, attention_j = p_j q_j. */
function refMonotonic(p: number[], prev: number[]): number[] {
  let q = 0;
  return p.map((pj, j) => {
    q = (j === 0 ? 0 : (1 - p[j - 1]!) * q) + prev[j]!;
    return pj * q;
  });
}

for (const d of devices) {
  // WGSL has no 64-bit float: the same checks in float32 on WebGPU, at float32's tolerance
  const FL = d.name === 'webgpu' ? 'float32' : 'float64';
  const arr = (v: number[], shape: number[]): NDArray => new tf.NDArray(FL === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape, FL);
  const tol = (t: number): number => (FL === 'float64' ? t : 2e-4);
  describe(`monotonic attention on ${d.name}`, () => {
    it("monotonicAttention's recursive, parallel and hard modes against the recurrence (float64; float32 on WebGPU)", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const p = [0.2, 0.7, 0.4, 0.9, 0.1, 0.5, 0.3, 0.6, 0.8, 0.05];
      const prev = [0.1, 0.5, 0.2, 0.1, 0.1, 0.6, 0.3, 0.05, 0.05, 0];
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const pc = tf.constant(arr(p, [2, 5]));
        const pv = tf.constant(arr(prev, [2, 5]));
        return {
          rec: s2s.monotonicAttention(pc, pv, 'recursive'),
          par: s2s.monotonicAttention(pc, pv, 'parallel'),
          hard: s2s.monotonicAttention(tf.constant(arr([0, 0, 1, 1, 0, 1], [1, 6])), tf.constant(arr([0, 1, 0, 0, 0, 0], [1, 6])), 'hard'),
        };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      const [rec, par, hard] = (await s.run([t.rec, t.par, t.hard])) as NDArray[];
      const want = [...refMonotonic(p.slice(0, 5), prev.slice(0, 5)), ...refMonotonic(p.slice(5), prev.slice(5))];
      expectNear(vals(rec), want, tol(1e-12), 'recursive');
      expectNear(vals(par), want, tol(1e-9), 'parallel');
      expect(vals(hard)).toEqual([0, 0, 1, 0, 0, 0]);
      await s.close();
    });

    it('LuongMonotonicAttention in an AttentionWrapper: one-hot initial alignments, sigmoid(score + bias) through the recurrence; variable names', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(9);
        const memory = tf.constant(arr(wave(2 * 4 * 3, 0.2), [2, 4, 3]));
        const mech = new s2s.LuongMonotonicAttention(3, memory, [4, 3], { scale: true, scoreBiasInit: 0.4, mode: 'recursive' });
        const w = new s2s.AttentionWrapper(new tf.nn.rnnCell.BasicLSTMCell(3), mech);
        const st0 = w.zeroState(2, FL) as unknown as tf.contrib.seq2seq.AttentionWrapperState;
        const [, st] = w.call(tf.constant(arr(wave(4, 0.9), [2, 2])), st0 as never) as unknown as [Tensor, tf.contrib.seq2seq.AttentionWrapperState];
        const names = tf.globalVariables().map((v) => v.name.replace(/:0$/, ''));
        return { a0: st0.alignments as Tensor, a1: st.alignments as Tensor, keys: mech.keys, h: (st.cellState as unknown as tf.nn.rnnCell.LSTMStateTuple).h, names };
      });
      expect(t.names).toEqual(['memory_layer/kernel', 'attention_wrapper/basic_lstm_cell/kernel', 'attention_wrapper/basic_lstm_cell/bias', 'attention_wrapper/luong_monotonic_attention/attention_g', 'attention_wrapper/luong_monotonic_attention/attention_score_bias']);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [a0, a1, keys, h] = (await s.run([t.a0, t.a1, t.keys, t.h])) as NDArray[];
      expect(vals(a0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
      const kv = vals(keys);
      const hv = vals(h);
      const want = [0, 1].flatMap((b) => {
        const p = [0, 1, 2, 3].map((j) => (j < [4, 3][b]! ? 1 / (1 + Math.exp(-([0, 1, 2].reduce((acc, u) => acc + hv[b * 3 + u]! * kv[(b * 4 + j) * 3 + u]!, 0) + 0.4))) : 0));
        return refMonotonic(p, [1, 0, 0, 0]);
      });
      expectNear(vals(a1), want, tol(1e-10), 'alignments');
      await s.close();
    });
  });
}

describe('attention errors', () => {
  it("rejects what TF rejects, with TF's messages", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const memory = tf.placeholder('float32', [2, 5, 3]);
      const cell = new tf.nn.rnnCell.BasicLSTMCell(4);
      expect(() => new s2s.LuongAttention(4, tf.placeholder('float32', [2, 5, null]))).toThrow('Expected memory');
      expect(() => new s2s.AttentionWrapper(cell, 3)).toThrow('attention_mechanism must be an AttentionMechanism or list of multiple AttentionMechanism instances');
      const m = new s2s.LuongAttention(3, memory);
      expect(() => new s2s.AttentionWrapper(cell, m, { attentionLayerSize: 3, attentionLayer: new tf.layers.Dense(3) })).toThrow('Only one of attention_layer_size and attention_layer should be set');
      expect(() => new s2s.AttentionWrapper(cell, m, { attentionLayerSize: [3, 4] })).toThrow('must contain exactly one integer per attention_mechanism, saw: 2 vs 1');
      const w = new s2s.AttentionWrapper(cell, m);
      expect(() => w.call(tf.zeros([2, 2]), w.zeroState(2, 'float32'))).toThrow('Incompatible or unknown inner dimensions between query and keys.  Query');
      expect(() => w.call(tf.zeros([2, 2]), cell.zeroState(2, 'float32'))).toThrow('Expected state to be instance of AttentionWrapperState');
      expect(() => new s2s.BahdanauAttention(4, memory, tf.constant([1, 2, 3]))).toThrow('memory_sequence_length and memory tensor batch sizes do not match.');
      const w2 = new s2s.AttentionWrapper(new tf.nn.rnnCell.BasicLSTMCell(3), m);
      expect(() => w2.call(tf.zeros([3, 2]), w2.zeroState(3, 'float32'))).toThrow('Non-matching batch sizes between the memory (encoder output) and the');
    });
  });
});

describeGradients('finite-difference gradients through the AttentionWrapper', [
  {
    name: 'bahdanau wrapper',
    test: 'AttentionWrapper(LSTM, BahdanauAttention normalized, masked) in dynamicDecode: d/dmemory and d/dinputs',
    ins: [{ shape: [2, 3, 2] }, { shape: [2, 2, 2] }],
    f: (mem, x) => {
      tf.setRandomSeed(11);
      const mech = new s2s.BahdanauAttention(3, mem, { memorySequenceLength: tf.constant([3, 2], 'int32'), normalize: true });
      const w = new s2s.AttentionWrapper(new tf.nn.rnnCell.BasicLSTMCell(3), mech, 2);
      const dec = new s2s.BasicDecoder(w, new s2s.TrainingHelper(x, [2, 2]), w.zeroState(2, mem.dtype));
      const [o, st] = s2s.dynamicDecode(dec) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput, tf.contrib.seq2seq.AttentionWrapperState];
      return [tf.reshape(o.rnnOutput, [2, 2, 2]), st.alignments as Tensor];
    },
  },
  {
    name: 'luong wrapper',
    test: 'AttentionWrapper(GRU, LuongAttention scaled) one step: d/dmemory and d/dinputs',
    ins: [{ shape: [2, 3, 2] }, { shape: [2, 2] }],
    f: (mem, x) => {
      tf.setRandomSeed(12);
      const mech = new s2s.LuongAttention(3, mem, { scale: true });
      const w = new s2s.AttentionWrapper(new tf.nn.rnnCell.GRUCell(3), mech, 2);
      const [o] = w.call(x, w.zeroState(2, mem.dtype));
      return o;
    },
  },
], devices);
