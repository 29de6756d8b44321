/**
 * tf.contrib.seq2seq decoding: TrainingHelper / GreedyEmbeddingHelper / SampleEmbeddingHelper,
 * BasicDecoder and dynamicDecode against a float64 plain-JS re-implementation of TF 1.15's
 * decoder.py loop (LSTM cell + dense output layer on the fetched weights) and against
 * tf.nn.dynamicRnn on the same cell; sequence lengths, imputeFinished zeros, the end token,
 * maximumIterations, TF's variable names, and gradients (finite differences through the decoder
 * loop, weight gradients equal to dynamicRnn's) on every device of the harness.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { describeGradients } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const s2s = tf.contrib.seq2seq;
type DecodeOut = [tf.contrib.seq2seq.BasicDecoderOutput<Tensor>, tf.nn.rnnCell.LSTMStateTuple, Tensor];
/** dynamicDecode of a BasicDecoder (an LSTM state where the test reads it). */
const decode = (...a: Parameters<typeof s2s.dynamicDecode>): DecodeOut => s2s.dynamicDecode(...a) as unknown as DecodeOut;

const vals = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number>, Number);
const f32 = (v: number[], shape: number[]): NDArray => new tf.NDArray(Float32Array.from(v), shape, 'float32');
const wave = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + k) * 0.9);
const sig = (z: number): number => 1 / (1 + Math.exp(-z));

/** [rows, cols] row-major matrix from a fetched array. */
type Mat = { d: number[]; r: number; c: number };
const mat = (a: NDArray): Mat => ({ d: vals(a), r: a.shape[0]!, c: a.shape.length > 1 ? a.shape[1]! : 1 });
function affine(x: number[], w: Mat, b: number[]): number[] {
  return Array.from({ length: w.c }, (_, j) => x.reduce((s, xi, i) => s + xi * w.d[i * w.c + j]!, b[j]!));
}
/** TF1's BasicLSTMCell step (forget bias 1): gates i, j, f, o of [x, h]·kernel + bias. */
function lstm(x: number[], c: number[], h: number[], k: Mat, b: number[]): [number[], number[]] {
  const z = affine([...x, ...h], k, b);
  const n = h.length;
  const nc = c.map((cv, u) => cv * sig(z[2 * n + u]! + 1) + sig(z[u]!) * Math.tanh(z[n + u]!));
  return [nc, nc.map((cv, u) => Math.tanh(cv) * sig(z[3 * n + u]!))];
}
const argmax = (v: number[]): number => v.reduce((bi, x, i) => (x > v[bi]! ? i : bi), 0);

interface RefOut { out: number[][][]; ids: number[][]; lengths: number[]; c: number[][]; h: number[][]; margin: number }

/** The gap between the largest and the second largest logit. */
const gap = (v: number[]): number => {
  const [a, b] = [...v].sort((x, y) => y - x);
  return a! - b!;
};

/**
 * decoder.py's loop in float64: `next(b, t, logits)` gives [finished, next input] of entry b
 * (the helper); the loop runs while some entry is unfinished and below maxIt.
 */
function refDecode(first: number[][], next: (b: number, t: number, logits: number[]) => [boolean, number[]], firstFinished: boolean[], k: Mat, kb: number[], d: Mat, db: number[], impute: boolean, maxIt = Infinity): RefOut {
  const B = first.length;
  const n = kb.length / 4;
  let c = first.map(() => new Array<number>(n).fill(0));
  let h = first.map(() => new Array<number>(n).fill(0));
  let inputs = first;
  let finished = [...firstFinished].map((f) => f || maxIt <= 0);
  const lengths = new Array<number>(B).fill(0);
  const out: number[][][] = first.map(() => []);
  const ids: number[][] = first.map(() => []);
  let margin = Infinity;
  for (let t = 0; finished.some((f) => !f); t++) {
    const nf: boolean[] = [];
    const ni: number[][] = [];
    const nc: number[][] = [];
    const nh: number[][] = [];
    for (let b = 0; b < B; b++) {
      const [cb, hb] = lstm(inputs[b]!, c[b]!, h[b]!, k, kb);
      const logits = affine(hb, d, db);
      const [fin, inp] = next(b, t, logits);
      if (!finished[b]) {
        lengths[b] = t + 1;
        margin = Math.min(margin, gap(logits));
      }
      const done = finished[b]! && impute;
      out[b]!.push(done ? logits.map(() => 0) : logits);
      ids[b]!.push(done ? 0 : argmax(logits));
      nc.push(done ? c[b]! : cb);
      nh.push(done ? h[b]! : hb);
      nf.push(fin || finished[b]! || t + 1 >= maxIt);
      ni.push(inp);
    }
    [c, h, inputs, finished] = [nc, nh, ni, nf];
  }
  return { out, ids, lengths, c, h, margin };
}

function expectNear(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`${what}[${i}]: got ${g}, want ${want[i]} (got ${got.join(', ')})`);
  });
}

const B = 3;
const T = 4;
const D = 2;
const N = 5;
const V = 4;
const LENS = [4, 2, 3];

for (const d of devices) {
  describe(`tf.contrib.seq2seq decoders on ${d.name}`, () => {
    const session = (g: tf.Graph): tf.Session => new tf.Session({ ...d.options, graph: g });
    const tol = d.name === 'webgpu' ? 2e-4 : 1e-5;

    for (const impute of [true, false]) {
      it(`TrainingHelper + BasicDecoder (imputeFinished ${impute}): values, lengths, state, TF's variable names; equal to dynamicRnn + the same dense layer`, async (ctx) => {
        if (d.skipReason) skipTest(ctx, d.skipReason);
        const g = new tf.Graph();
        const t = g.asDefault(() => {
          tf.setRandomSeed(5); // the same weights every run
          const x = tf.placeholder('float32', [B, T, D], 'x');
          const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
          const dense = new tf.layers.Dense(V);
          const helper = new s2s.TrainingHelper(x, tf.constant(LENS, 'int32'));
          const dec = new s2s.BasicDecoder(cell, helper, cell.zeroState(B, 'float32'), { outputLayer: dense });
          const [outs, state, lengths] = decode(dec, { imputeFinished: impute });
          const [rnnOut, rnnState] = tf.nn.dynamicRnn(cell, x, { sequenceLength: LENS, dtype: 'float32' }) as [Tensor, tf.nn.rnnCell.LSTMStateTuple];
          const projected = dense.apply(rnnOut);
          return {
            x, outs: [outs.rnnOutput, outs.sampleId, state.c, state.h, lengths, projected, rnnState.c, rnnState.h],
            shapes: [outs.rnnOutput.shape, outs.sampleId.shape, lengths.shape],
            weights: [cell.variables[0]!, cell.variables[1]!, dense.kernel!, dense.bias!],
            names: tf.globalVariables().map((v) => v.op.name),
          };
        });
        expect(t.names).toEqual(['decoder/basic_lstm_cell/kernel', 'decoder/basic_lstm_cell/bias', 'decoder/dense/kernel', 'decoder/dense/bias']);
        expect(t.shapes).toEqual([[B, null, V], [B, null], [B]]);
        const s = session(g);
        await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
        const xv = wave(B * T * D, 0.3);
        const r = (await s.run([...t.outs, ...t.weights.map((w) => w.value())], new Map([[t.x, f32(xv, [B, T, D])]]))) as NDArray[];
        const [out, ids, c, h, lengths, proj, rc, rh, k, kb, dk, db] = r;
        expect(vals(lengths)).toEqual(LENS);
        expect(out!.shape).toEqual([B, T, V]);
        // float64 re-implementation of the loop on the fetched weights
        const row = (b: number, tt: number): number[] => xv.slice((b * T + tt) * D, (b * T + tt + 1) * D);
        const ref = refDecode(
          [0, 1, 2].map((b) => row(b, 0)),
          (b, tt) => [tt + 1 >= LENS[b]!, LENS.every((l) => tt + 1 >= l) ? [0, 0] : row(b, tt + 1)],
          LENS.map((l) => l === 0), mat(k!), vals(kb), mat(dk!), vals(db), impute,
        );
        expectNear(vals(out), ref.out.flat(2), tol, 'rnnOutput');
        expect(vals(ids)).toEqual(ref.ids.flat());
        expectNear(vals(c), ref.c.flat(), tol, 'final c');
        expectNear(vals(h), ref.h.flat(), tol, 'final h');
        // dynamicRnn on the same cell: the same outputs within each length; its final state
        // is the decoder's when finished entries are carried through.
        const o = vals(out);
        const p = vals(proj);
        for (let b = 0; b < B; b++) {
          for (let tt = 0; tt < T; tt++) {
            for (let v = 0; v < V; v++) {
              const i = (b * T + tt) * V + v;
              if (tt < LENS[b]!) expect(Math.abs(o[i]! - p[i]!)).toBeLessThan(tol * 10);
              else if (impute) expect(o[i]).toBe(0);
            }
          }
        }
        if (impute) {
          expectNear(vals(c), vals(rc), tol * 10, 'c vs dynamicRnn');
          expectNear(vals(h), vals(rh), tol * 10, 'h vs dynamicRnn');
        }
        await s.close();
      });
    }

    it('TrainingHelper timeMajor inputs and dynamicDecode outputTimeMajor: the batch-major results transposed', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [B, T, D], 'x');
        const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
        const dense = new tf.layers.Dense(V);
        const [bm, , l1] = decode(new s2s.BasicDecoder(cell, new s2s.TrainingHelper(x, LENS), cell.zeroState(B, 'float32'), dense), { imputeFinished: true });
        const xt = tf.transpose(x, [1, 0, 2]);
        const [tm, , l2] = tf.variableScope('decoder', { reuse: true }, (): DecodeOut =>
          decode(new s2s.BasicDecoder(cell, new s2s.TrainingHelper(xt, LENS, { timeMajor: true }), cell.zeroState(B, 'float32'), dense), { imputeFinished: true, outputTimeMajor: true, scope: tf.getVariableScope() }),
        );
        return { x, bm, outs: [bm.rnnOutput, bm.sampleId, l1, tm.rnnOutput, tm.sampleId, l2], shapes: [tm.rnnOutput.shape, tm.sampleId.shape] };
      });
      expect(t.shapes).toEqual([[null, B, V], [null, B]]);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [bo, bi, l1, to, ti, l2] = (await s.run(t.outs, new Map([[t.x, f32(wave(B * T * D, 0.9), [B, T, D])]]))) as NDArray[];
      expect(to!.shape).toEqual([T, B, V]);
      expect(ti!.shape).toEqual([T, B]);
      const b = vals(bo);
      const tv = vals(to);
      const bids = vals(bi);
      const tids = vals(ti);
      for (let bb = 0; bb < B; bb++) {
        for (let tt = 0; tt < T; tt++) {
          expect(tids[tt * B + bb]).toBe(bids[bb * T + tt]);
          for (let v = 0; v < V; v++) expect(Math.abs(tv[(tt * B + bb) * V + v]! - b[(bb * T + tt) * V + v]!)).toBeLessThan(1e-6);
        }
      }
      expect(vals(l2)).toEqual(vals(l1));
      // a BasicDecoderOutput fetches as one, as TF's namedtuple
      const fetched = (await s.run(t.bm, new Map([[t.x, f32(wave(B * T * D, 0.9), [B, T, D])]]))) as unknown as tf.contrib.seq2seq.BasicDecoderOutput<NDArray>;
      expect(fetched).toBeInstanceOf(s2s.BasicDecoderOutput);
      expect(vals(fetched.sampleId)).toEqual(bids);
      await s.close();
    });

    it('GreedyEmbeddingHelper stops each entry at the end token and reports its length; maximumIterations bounds the loop', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      // Token k's one-hot embedding maps to logits peaking at k + 1 (mod 5): from the start
      // tokens [0, 2, 3] the end token 4 comes after 4, 2 and 1 steps.
      const g = new tf.Graph();
      const shift = Array.from({ length: 10 * 5 }, (_, i) => {
        const [row, col] = [Math.floor(i / 5), i % 5];
        return row < 5 && col === (row + 1) % 5 ? 3 : 0;
      });
      const t = g.asDefault(() => {
        const embedding = tf.eye(5);
        const cells: tf.nn.rnnCell.BasicRNNCell[] = [];
        const run = (maxIt: number | null, scope: string) => {
          const cell = new tf.nn.rnnCell.BasicRNNCell(5);
          cells.push(cell);
          const helper = new s2s.GreedyEmbeddingHelper(embedding, tf.constant([0, 2, 3], 'int32'), 4);
          const dec = new s2s.BasicDecoder(cell, helper, cell.zeroState(3, 'float32'));
          const [o, , len] = decode(dec, { imputeFinished: true, maximumIterations: maxIt, scope });
          return [o.sampleId, o.rnnOutput, len];
        };
        const outs = [...run(null, 'free'), ...run(2, 'bounded'), ...run(0, 'none')];
        const loads = cells.map((c) => c.kernel!.assign(tf.constant(shift, 'float32', [10, 5])));
        return { outs, loads, names: tf.globalVariables().map((v) => v.op.name) };
      });
      expect(t.names).toEqual(['free/basic_rnn_cell/kernel', 'free/basic_rnn_cell/bias', 'bounded/basic_rnn_cell/kernel', 'bounded/basic_rnn_cell/bias', 'none/basic_rnn_cell/kernel', 'none/basic_rnn_cell/bias']);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      await s.run(t.loads);
      const [ids, out, len, ids2, , len2, ids0, out0, len0] = (await s.run(t.outs)) as NDArray[];
      expect(ids!.shape).toEqual([3, 4]);
      expect(vals(ids)).toEqual([1, 2, 3, 4, 3, 4, 0, 0, 4, 0, 0, 0]);
      expect(vals(len)).toEqual([4, 2, 1]);
      // past an entry's end its rnn outputs are zeros; before it tanh(3) at the sampled id
      const o = vals(out);
      const at = (b: number, tt: number, v: number): number => o[(b * 4 + tt) * 5 + v]!;
      expect(at(2, 1, 0)).toBe(0);
      expect(at(2, 3, 4)).toBe(0);
      expect(Math.abs(at(0, 1, 2) - Math.tanh(3))).toBeLessThan(1e-5);
      expect(ids2!.shape).toEqual([3, 2]);
      expect(vals(ids2)).toEqual([1, 2, 3, 4, 4, 0]);
      expect(vals(len2)).toEqual([2, 2, 1]);
      // maximumIterations 0: finished before the first step, nothing decoded
      expect(ids0!.shape).toEqual([3, 0]);
      expect(out0!.shape).toEqual([3, 0, 5]);
      expect(vals(len0)).toEqual([0, 0, 0]);
      await s.close();
    });

    it('CustomHelper: greedy one-hot decoding written as its three functions (TF keyword arguments)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const shift = Array.from({ length: 10 * 5 }, (_, i) => (i < 25 && i % 5 === (Math.floor(i / 5) + 1) % 5 ? 3 : 0));
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const cell = new tf.nn.rnnCell.BasicRNNCell(5);
        const seen: string[] = [];
        const helper = new s2s.CustomHelper(
          () => [tf.constant([false, false, false]), tf.oneHot(tf.constant([0, 2, 3], 'int32'), 5)],
          ({ outputs }: { outputs: Tensor }) => tf.argmax(outputs, { axis: -1, outputType: 'int32' }),
          ({ state, sampleIds, time }: { state: Tensor; sampleIds?: Tensor; time: Tensor }) => {
            seen.push(time.dtype);
            return [tf.equal(sampleIds!, 4), tf.oneHot(sampleIds!, 5), state];
          },
        );
        expect(() => helper.batchSize).toThrow('batch_size accessed before initialize was called');
        const [o, , len] = decode(new s2s.BasicDecoder(cell, helper, cell.zeroState(3, 'float32')), { imputeFinished: true });
        return { outs: [o.sampleId, len], load: cell.kernel!.assign(tf.constant(shift, 'float32', [10, 5])), seen, shape: o.sampleId.shape };
      });
      expect(t.seen).toEqual(['int32']);
      expect(t.shape).toEqual([3, null]);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      await s.run(t.load);
      const [ids, len] = (await s.run(t.outs)) as NDArray[];
      expect(vals(ids)).toEqual([1, 2, 3, 4, 3, 4, 0, 0, 4, 0, 0, 0]);
      expect(vals(len)).toEqual([4, 2, 1]);
      await s.close();
    });

    it('GreedyEmbeddingHelper (embedding variable and function) with an LSTM + dense layer against the float64 loop; SampleEmbeddingHelper on a peaked distribution', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const E = 3;
      const embV = wave(V * E, 1.1);
      const t = g.asDefault(() => {
        // fixed initial weights, so the argmax margins below are those of one known draw
        tf.setRandomSeed(11);
        const emb = tf.getVariable('embedding', { shape: [V, E], initializer: tf.constantInitializer(embV) });
        const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
        const dense = new tf.layers.Dense(V, { biasInitializer: tf.constantInitializer([0.05, -0.1, 0.1, 0.02]) });
        const helper = new s2s.GreedyEmbeddingHelper(emb, [1, 0, 3], 2);
        const dec = new s2s.BasicDecoder(cell, helper, cell.zeroState(3, 'float32'), dense);
        const [o, st, len] = decode(dec, { maximumIterations: 6 });
        // the same decoder with the embedding as a function, reusing the variables
        const helperFn = new s2s.GreedyEmbeddingHelper((ids: Tensor) => tf.nn.embeddingLookup(emb, ids), [1, 0, 3], 2);
        const [o2, , len2] = tf.variableScope('decoder', { reuse: true }, (): DecodeOut =>
          decode(new s2s.BasicDecoder(cell, helperFn, cell.zeroState(3, 'float32'), dense), { maximumIterations: 6, scope: tf.getVariableScope() }),
        );
        // a peaked distribution: a temperature of 1e-4 makes the draws the argmax
        const sampler = new s2s.SampleEmbeddingHelper(emb, [1, 0, 3], 2, { softmaxTemperature: 0.0001, seed: 7 });
        const [o3, , len3] = tf.variableScope('decoder', { reuse: true }, (): DecodeOut =>
          decode(new s2s.BasicDecoder(cell, sampler, cell.zeroState(3, 'float32'), dense), { maximumIterations: 6, scope: tf.getVariableScope() }),
        );
        return {
          outs: [o.rnnOutput, o.sampleId, st.c, st.h, len, o2.sampleId, len2, o3.sampleId, len3],
          weights: [cell.variables[0]!, cell.variables[1]!, dense.kernel!, dense.bias!].map((w) => w.value()),
          names: tf.globalVariables().map((v) => v.op.name),
        };
      });
      expect(t.names).toEqual(['embedding', 'decoder/basic_lstm_cell/kernel', 'decoder/basic_lstm_cell/bias', 'decoder/dense/kernel', 'decoder/dense/bias']);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const r = (await s.run([...t.outs, ...t.weights])) as NDArray[];
      const [out, ids, c, h, len, ids2, len2, ids3, len3, k, kb, dk, db] = r;
      const embRow = (id: number): number[] => embV.slice(id * E, (id + 1) * E);
      const starts = [1, 0, 3];
      const ref = refDecode(
        starts.map(embRow),
        (_b, _t, logits) => [argmax(logits) === 2, embRow(argmax(logits))],
        [false, false, false], mat(k!), vals(kb), mat(dk!), vals(db), false, 6,
      );
      // argmax picks well clear of float32 rounding (and of the 1e-4-temperature draws)
      expect(ref.margin).toBeGreaterThan(0.02);
      const steps = ref.out[0]!.length;
      expect(out!.shape).toEqual([3, steps, V]);
      expectNear(vals(out), ref.out.flat(2), tol, 'greedy rnnOutput');
      expect(vals(ids)).toEqual(ref.ids.flat());
      expect(vals(len)).toEqual(ref.lengths);
      // entry 0 emits the end token at once; the others run to maximumIterations
      expect(ref.lengths).toEqual([1, 6, 6]);
      expectNear(vals(c), ref.c.flat(), tol, 'greedy c');
      expectNear(vals(h), ref.h.flat(), tol, 'greedy h');
      expect(vals(ids2)).toEqual(vals(ids));
      expect(vals(len2)).toEqual(vals(len));
      expect(vals(ids3)).toEqual(vals(ids));
      expect(vals(len3)).toEqual(vals(len));
      await s.close();
    });
  });
}

describe('tf.contrib.seq2seq decoders: TF1 error texts', () => {
  it('rejects bad helpers, layers and shapes', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const cell = new tf.nn.rnnCell.BasicLSTMCell(2);
      const x = tf.placeholder('float32', [2, 3, 1]);
      expect(() => new s2s.TrainingHelper(x, tf.constant([[1, 2]], 'int32'))).toThrow('Expected sequence_length to be a vector, but received shape: (1, 2)');
      expect(() => new s2s.GreedyEmbeddingHelper(tf.eye(3), tf.constant(1, 'int32'), 0)).toThrow('start_tokens must be a vector');
      expect(() => new s2s.GreedyEmbeddingHelper(tf.eye(3), [1, 2], [0])).toThrow('end_token must be a scalar');
      const helper = new s2s.TrainingHelper(x, [3, 2]);
      expect(() => new s2s.BasicDecoder(cell, {} as never, cell.zeroState(2))).toThrow('helper must be a Helper, received: ');
      expect(() => new s2s.BasicDecoder(cell, helper, cell.zeroState(2), { outputLayer: (v: Tensor) => v })).toThrow('output_layer must be a Layer, received: ');
      const dec = new s2s.BasicDecoder(cell, helper, cell.zeroState(2));
      expect(() => s2s.dynamicDecode(dec, { maximumIterations: [3] })).toThrow('maximum_iterations must be a scalar');
      expect(() => s2s.dynamicDecode(cell as never)).toThrow('Expected decoder to be type Decoder, but saw: ');
    });
  });
});

const GT = 3;
describeGradients('finite-difference gradients through dynamicDecode', [
  {
    name: 'dynamicDecode training',
    test: 'TrainingHelper + BasicDecoder (LSTM, dense layer, lengths [3, 1], imputeFinished): d/dinputs and d/dinitial state',
    ins: [{ shape: [2, GT, 2] }, { shape: [2, 3] }, { shape: [2, 3] }],
    f: (x, c0, h0) => {
      tf.setRandomSeed(5);
      const cell = new tf.nn.rnnCell.BasicLSTMCell(3);
      const helper = new s2s.TrainingHelper(x, tf.constant([3, 1], 'int32'));
      const dec = new s2s.BasicDecoder(cell, helper, new tf.nn.rnnCell.LSTMStateTuple(c0, h0), { outputLayer: new tf.layers.Dense(2) });
      const [o, st] = decode(dec, { imputeFinished: true });
      return [tf.reshape(o.rnnOutput, [2, GT, 2]), st.c, st.h];
    },
  },
], devices);

for (const d of devices) {
  describe(`seq2seq training step on ${d.name}`, () => {
    it('weight gradients of a sequenceLoss through the decoder equal those through dynamicRnn; ten SGD steps lower the loss', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(3);
        const x = tf.placeholder('float32', [B, T, D], 'x');
        const y = tf.constant([[1, 2, 3, 0], [2, 2, 1, 1], [0, 3, 1, 2]], 'int32');
        const cell = new tf.nn.rnnCell.BasicLSTMCell(N);
        const dense = new tf.layers.Dense(V);
        const dec = new s2s.BasicDecoder(cell, new s2s.TrainingHelper(x, [T, T, T]), cell.zeroState(B, 'float32'), dense);
        const [o] = decode(dec);
        const w = tf.ones([B, T]);
        const loss = s2s.sequenceLoss(o.rnnOutput, y, w);
        const [rnnOut] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32' });
        const loss2 = s2s.sequenceLoss(dense.apply(rnnOut), y, w);
        const vars = tf.trainableVariables();
        const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
        return { x, loss, grads: tf.gradients(loss, vars), grads2: tf.gradients(loss2, vars), train };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const feed = new Map([[t.x, f32(wave(B * T * D, 0.5), [B, T, D])]]);
      const [l0, ...gs] = (await s.run([t.loss, ...t.grads, ...t.grads2] as Tensor[], feed)) as NDArray[];
      const n = t.grads.length;
      expect(n).toBe(4);
      for (let i = 0; i < n; i++) expectNear(vals(gs[i]), vals(gs[n + i]), 1e-4, `gradient ${i}`);
      for (let step = 0; step < 10; step++) await s.run(t.train, feed);
      const l1 = (await s.run(t.loss, feed)) as NDArray;
      expect(Number(l1.data[0])).toBeLessThan(Number(l0!.data[0]) - 0.05);
      await s.close();
    });
  });
}

describe('a greedy decoder in a GraphDef', () => {
  it("asGraphDef writes TF1's loop and TensorArray nodes and the decoder's variables", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const cell = new tf.nn.rnnCell.BasicRNNCell(5);
      const helper = new s2s.GreedyEmbeddingHelper(tf.eye(5), tf.constant([0, 2, 3], 'int32'), 4);
      const [o, , len] = decode(new s2s.BasicDecoder(cell, helper, cell.zeroState(3, 'float32'), new tf.layers.Dense(5)), { imputeFinished: true, maximumIterations: 3 });
      tf.identity(o.sampleId, { name: 'ids' });
      tf.identity(len, { name: 'len' });
    });
    const gd = g.asGraphDef();
    const types = new Set(gd.node.map((n) => n.op));
    for (const t of ['TensorArrayV3', 'TensorArrayWriteV3', 'Enter', 'Merge', 'Switch', 'LoopCond', 'NextIteration', 'Exit', 'ArgMax', 'All']) expect(types.has(t), t).toBe(true);
    const names = gd.node.map((n) => n.name);
    for (const v of ['decoder/basic_rnn_cell/kernel', 'decoder/basic_rnn_cell/bias', 'decoder/dense/kernel', 'decoder/dense/bias', 'decoder/while/LoopCond', 'decoder/maximum_iterations']) expect(names, v).toContain(v);
  });
});
