/**
 * tf.contrib.seq2seq beam search: gatherTree on TF's gather_tree_op_test cases; tileBatch;
 * BeamSearchDecoder under dynamicDecode against a brute-force search over every two-step
 * sequence of a bigram model (known logits; with beam width = vocabulary size two steps of beam
 * search are exact), with and without TF's length penalty ((5 + len) / 6)^w; a beam of width 1
 * equals greedy decoding of the same AttentionWrapper over tileBatch'ed memory.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const s2s = tf.contrib.seq2seq;
const vals = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number>, Number);
/** [batch, time, beam] nested → [time, batch, beam] (TF's _transpose_batch_time in the op test). */
const tbt = (x: number[][][]): number[][][] => x[0]!.map((_, t) => x.map((b) => b[t]!));

/** A cell whose output is its input (the one-hot of the previous token): with a Dense(V) of kernel M the logits are M[previous token]. */
class EchoCell extends tf.nn.rnnCell.RNNCell {
  constructor(private readonly v: number) {
    super('echo_cell');
  }
  get stateSize(): number {
    return 1;
  }
  get outputSize(): number {
    return this.v;
  }
  get variables(): tf.Variable[] {
    return [];
  }
  protected build(): void {}
  protected step(inputs: Tensor, state: Tensor): [Tensor, Tensor] {
    return [inputs, state];
  }
}

const V = 4;
const END = 3;
// Bigram logits M[prev][next] (rows: previous token), chosen so that no two scores tie.
const M = [
  [0.3, 1.7, -0.4, 0.9],
  [1.1, -0.6, 0.8, 0.2],
  [-0.3, 0.5, 1.4, 1.0],
  [0.0, 0.1, 0.2, 0.3],
];
const logSoftmax = (r: number[]): number[] => {
  const m = Math.max(...r);
  const z = Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0)) + m;
  return r.map((x) => x - z);
};
const LP = M.map(logSoftmax);

/** Every two-step continuation of `start` (after the end token only the end token, at no cost), scored as TF's beam search scores it. */
function bruteForce(start: number, w: number): { seq: number[]; score: number }[] {
  const pen = (len: number): number => (w === 0 ? 1 : Math.pow((5 + len) / 6, w));
  const out: { seq: number[]; score: number }[] = [];
  for (let a = 0; a < V; a++) {
    if (a === END) {
      // The end token counts in the beam's length from the next step on.
      out.push({ seq: [END, END], score: LP[start]![END]! / pen(1) });
      continue;
    }
    for (let b = 0; b < V; b++) {
      const lp = LP[start]![a]! + LP[a]![b]!;
      out.push({ seq: [a, b], score: lp / pen(b === END ? 1 : 2) });
    }
  }
  return out.sort((x, y) => y.score - x.score).slice(0, V);
}

for (const d of devices) {
  describe(`beam search on ${d.name}`, () => {
    const session = (g: tf.Graph): tf.Session => new tf.Session({ ...d.options, graph: g });

    it("gatherTree: TF's gather_tree_op_test cases (end token handling, lengths, bad parents)", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const one = s2s.gatherTree(
          tf.constant(tbt([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, -1, -1]]]), 'int32'),
          tf.constant(tbt([[[0, 0, 0], [0, 1, 1], [2, 1, 2], [-1, -1, -1]]]), 'int32'),
          [3], 10,
        );
        // Two batch entries, the second of length 0; an end token mid-beam ends the beam.
        const two = s2s.gatherTree(
          tf.constant(tbt([[[2, 2, 2], [6, 5, 6], [7, 8, 9], [10, 10, 10]], [[2, 3, 4], [5, 6, 7], [8, 9, 10], [11, 12, 0]]]), 'int32'),
          tf.constant(tbt([[[0, 0, 0], [0, 1, 1], [2, 1, 2], [1, 1, 1]], [[0, 0, 0], [1, 2, 0], [2, 1, 1], [2, 0, 1]]]), 'int32'),
          [4, 0], 11,
        );
        const endMid = s2s.gatherTree(tf.constant([[[4]], [[2]], [[5]]], 'int32'), tf.constant([[[0]], [[0]], [[0]]], 'int32'), [3], 2);
        const bad = s2s.gatherTree(
          tf.constant(tbt([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, -1, -1]]]), 'int32'),
          tf.constant(tbt([[[0, 0, 0], [0, -1, 1], [2, 1, 2], [-1, -1, -1]]]), 'int32'),
          [3], 10,
        );
        return { one, two, endMid, bad };
      });
      const s = session(g);
      const [one, two, endMid] = (await s.run([t.one, t.two, t.endMid])) as NDArray[];
      expect(one!.shape).toEqual([4, 1, 3]);
      expect(vals(one)).toEqual(tbt([[[2, 2, 2], [6, 5, 6], [7, 8, 9], [10, 10, 10]]]).flat(2));
      // Entry 0 (length 4): beams traced back through parents [1,1,1] at the last step; entry 1 (length 0): all end tokens.
      expect(vals(two)).toEqual(tbt([[[2, 2, 2], [5, 5, 5], [8, 8, 8], [10, 10, 10]], [[11, 11, 11], [11, 11, 11], [11, 11, 11], [11, 11, 11]]]).flat(2));
      expect(vals(endMid)).toEqual([4, 2, 2]);
      await expect(s.run(t.bad)).rejects.toThrow('Saw invalid parent id -1 at (batch, time, beam) == (0, 0, 1)');
      await s.close();
    });

    it('tileBatch repeats each batch entry (nested structures too)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [null, 2]);
        const [a, b] = s2s.tileBatch([x, tf.constant([5, 7], 'int32')], 3) as Tensor[];
        return { x, a: a!, b: b! };
      });
      expect(t.a.shape).toEqual([null, 2]);
      expect(t.b.shape).toEqual([6]);
      const s = session(g);
      const [a, b] = (await s.run([t.a, t.b], new Map([[t.x, new tf.NDArray(Float32Array.from([1, 2, 3, 4]), [2, 2], 'float32')]]))) as NDArray[];
      expect(vals(a)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
      expect(vals(b)).toEqual([5, 5, 5, 7, 7, 7]);
      await s.close();
    });

    for (const w of [0, 1.3]) {
      it(`BeamSearchDecoder (beam = vocab, two steps, length penalty ${w}) finds the brute-force best sequences and scores`, async (ctx) => {
        if (d.skipReason) skipTest(ctx, d.skipReason);
        const starts = [0, 2];
        const g = new tf.Graph();
        const t = g.asDefault(() => {
          const cell = new EchoCell(V);
          const dense = new tf.layers.Dense(V, { useBias: false, kernelInitializer: tf.constantInitializer(M.flat()) });
          const init = cell.zeroState(starts.length * V, 'float32');
          const dec = new s2s.BeamSearchDecoder(cell, tf.eye(V), tf.constant(starts, 'int32'), END, init, V, { outputLayer: dense, lengthPenaltyWeight: w });
          const [out, st, lens] = s2s.dynamicDecode(dec, { maximumIterations: 2 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput, tf.contrib.seq2seq.BeamSearchDecoderState, Tensor];
          return { ids: out.predictedIds, scores: out.beamSearchDecoderOutput.scores, lens, stLens: st.lengths };
        });
        const s = session(g);
        await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
        const [ids, scores, lens, stLens] = (await s.run([t.ids, t.scores, t.lens, t.stLens])) as NDArray[];
        expect(ids!.shape).toEqual([2, 2, V]);
        const idv = vals(ids);
        const sc = vals(scores);
        starts.forEach((st, b) => {
          const want = bruteForce(st, w);
          for (let k = 0; k < V; k++) {
            const seq = [idv[(b * 2 + 0) * V + k]!, idv[(b * 2 + 1) * V + k]!];
            expect(seq, `entry ${b} beam ${k}`).toEqual(want[k]!.seq);
            expect(Math.abs(sc[(b * 2 + 1) * V + k]! - want[k]!.score)).toBeLessThan(1e-5);
            const len = want[k]!.seq[0] === END ? 1 : 2;
            expect(vals(stLens)[b * V + k]).toBe(len);
          }
        });
        // dynamicDecode's lengths are per beam slot: time + 1 at each step the slot was unfinished
        // before (at step 0 only slot 0 is; at step 1 all but the slot whose first token was the end token).
        const pen = (len: number): number => (w === 0 ? 1 : Math.pow((5 + len) / 6, w));
        const wantLens = starts.flatMap((st) => {
          const first = [...Array(V).keys()].sort((a, c) => LP[st]![c]! / pen(c === END ? 0 : 1) - LP[st]![a]! / pen(a === END ? 0 : 1));
          return first.map((tok, k) => (tok !== END ? 2 : k === 0 ? 1 : 0));
        });
        expect(vals(lens)).toEqual(wantLens);
        await s.close();
      });
    }

    it("coverage penalty: a finished beam's score gains weight · sum(log(min(accumulated alignments, 1))), the others keep theirs", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const starts = [0, 2];
      const WCOV = 0.1;
      const MT = 3; // memory time
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(6);
        const memory = tf.constant(new tf.NDArray(Float32Array.from({ length: 2 * MT * 2 }, (_, i) => Math.sin(1.7 * i)), [2, MT, 2], 'float32'));
        const mech = new s2s.LuongAttention(V, s2s.tileBatch(memory, V) as Tensor);
        // The echo cell reads only the token (no attention fed in) and the wrapper outputs the cell's output: the logits stay M[previous token].
        const w = new s2s.AttentionWrapper(new EchoCell(V), mech, { cellInputFn: (x: Tensor) => x, outputAttention: false });
        const dense = new tf.layers.Dense(V, { useBias: false, kernelInitializer: tf.constantInitializer(M.flat()) });
        const dec = new s2s.BeamSearchDecoder(w, tf.eye(V), tf.constant(starts, 'int32'), END, w.zeroState(2 * V, 'float32'), V, { outputLayer: dense, coverageLengthPenaltyWeight: WCOV });
        const [out] = s2s.dynamicDecode(dec, { maximumIterations: 2 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput];
        return { ids: out.predictedIds, scores: out.beamSearchDecoderOutput.scores, keys: mech.keys };
      });
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [ids, scores, keys] = (await s.run([t.ids, t.scores, t.keys])) as NDArray[];
      const kv = vals(keys); // [2·V, MT, V]
      const idv = vals(ids);
      const sc = vals(scores);
      let checkedPenalty = 0;
      starts.forEach((st, b) => {
        // step 0's alignments: softmax over memory time of the keys' column of the start token
        const z = [...Array(MT).keys()].map((j) => kv[((b * V) * MT + j) * V + st]!);
        const mx = Math.max(...z);
        const e = z.map((x) => Math.exp(x - mx));
        const cov = e.reduce((acc, x) => acc + Math.log(Math.min(x / e.reduce((p, q) => p + q, 0), 1)), 0);
        // As bruteForce(…, 0) but [END, END] scored with the coverage penalty.
        const all: { seq: number[]; score: number }[] = [];
        for (let a = 0; a < V; a++) {
          if (a === END) all.push({ seq: [END, END], score: LP[st]![END]! + WCOV * cov });
          else for (let c = 0; c < V; c++) all.push({ seq: [a, c], score: LP[st]![a]! + LP[a]![c]! });
        }
        const top = all.sort((x, y) => y.score - x.score).slice(0, V);
        if (top.some((x) => x.seq[0] === END)) checkedPenalty++;
        for (let k = 0; k < V; k++) {
          expect([idv[(b * 2) * V + k], idv[(b * 2 + 1) * V + k]], `entry ${b} beam ${k}`).toEqual(top[k]!.seq);
          expect(Math.abs(sc[(b * 2 + 1) * V + k]! - top[k]!.score)).toBeLessThan(1e-5);
        }
      });
      // the finished beam is among the best somewhere, so a penalized score is checked
      expect(checkedPenalty).toBeGreaterThan(0);
      await s.close();
    });

    it("reorderTensorArrays: the alignment history comes back stacked, each beam's rows along its ancestry", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const B = 2;
      const K = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(8);
        const memory = tf.constant(new tf.NDArray(Float32Array.from({ length: B * 3 * 2 }, (_, i) => Math.sin(0.9 * i)), [B, 3, 2], 'float32'));
        const emb = tf.constant(new tf.NDArray(Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(1.1 * i)), [5, 3], 'float32'));
        const w = new s2s.AttentionWrapper(new tf.nn.rnnCell.BasicLSTMCell(4), new s2s.BahdanauAttention(3, s2s.tileBatch(memory, K) as Tensor), { attentionLayerSize: 3, alignmentHistory: true });
        const dense = new tf.layers.Dense(5);
        const run = (reorder: boolean) => {
          const dec = new s2s.BeamSearchDecoder(w, emb, tf.constant([0, 1], 'int32'), 4, w.zeroState(B * K, 'float32'), K, { outputLayer: dense, reorderTensorArrays: reorder });
          return s2s.dynamicDecode(dec, { maximumIterations: 4 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput, tf.contrib.seq2seq.BeamSearchDecoderState];
        };
        const [o1, st1] = run(false);
        const [, st2] = run(true);
        const raw = ((st1.cellState as unknown as tf.contrib.seq2seq.AttentionWrapperState).alignmentHistory as tf.TensorArray).stack();
        const sorted = (st2.cellState as unknown as tf.contrib.seq2seq.AttentionWrapperState).alignmentHistory as unknown as Tensor;
        return { raw, sorted, parents: o1.beamSearchDecoderOutput.parentIds, lengths: st1.lengths };
      });
      expect(t.sorted).toBeInstanceOf(tf.Tensor);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [raw, sorted, parents, lengths] = (await s.run([t.raw, t.sorted, t.parents, t.lengths])) as NDArray[];
      const T = raw!.shape[0]!;
      const MT = raw!.shape[2]!;
      expect(sorted!.shape).toEqual(raw!.shape);
      const pv = vals(parents); // [batch, time, beam]
      expect(pv.slice(K).some((p, i) => p !== i % K), 'some beam changes parents, so the order matters').toBe(true);
      const rv = vals(raw);
      const want: number[] = new Array<number>(rv.length);
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < K; k++) {
          const len = Math.min(T, vals(lengths)[b * K + k]!);
          const src = new Array<number>(T).fill(k);
          let cur = k;
          for (let tt = len - 1; tt >= 0; tt--) {
            src[tt] = cur;
            cur = pv[(b * T + tt) * K + cur]!;
          }
          for (let tt = 0; tt < T; tt++) for (let j = 0; j < MT; j++) want[(tt * B * K + b * K + k) * MT + j] = rv[(tt * B * K + b * K + src[tt]!) * MT + j]!;
        }
      }
      expect(vals(sorted)).toEqual(want);
      await s.close();
    });

    it('a beam of width 1 over an AttentionWrapper equals greedy decoding; width 3 over tileBatch\'ed memory runs, best beam first', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const B = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        tf.setRandomSeed(4);
        const memory = tf.constant(new tf.NDArray(Float32Array.from({ length: B * 3 * 2 }, (_, i) => Math.sin(i)), [B, 3, 2], 'float32'));
        const emb = tf.constant(new tf.NDArray(Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(1.3 * i)), [5, 3], 'float32'));
        const cell = new tf.nn.rnnCell.BasicLSTMCell(4);
        const w = new s2s.AttentionWrapper(cell, new s2s.BahdanauAttention(3, s2s.tileBatch(memory, 1) as Tensor, s2s.tileBatch(tf.constant([3, 2], 'int32'), 1)), 3);
        const dense = new tf.layers.Dense(5);
        const start = tf.constant([0, 1], 'int32');
        const greedyDec = new s2s.BasicDecoder(w, new s2s.GreedyEmbeddingHelper(emb, start, 4), w.zeroState(B, 'float32'), dense);
        const [go] = s2s.dynamicDecode(greedyDec, { maximumIterations: 6 }) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput];
        const beamDec = new s2s.BeamSearchDecoder(w, emb, start, 4, w.zeroState(B, 'float32'), 1, dense);
        const [bo] = s2s.dynamicDecode(beamDec, { maximumIterations: 6 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput];
        // Width 3: the memory and its lengths tiled, a fresh wrapper (its own variables).
        const w3 = new s2s.AttentionWrapper(new tf.nn.rnnCell.BasicLSTMCell(4), new s2s.LuongAttention(4, s2s.tileBatch(memory, 3) as Tensor, s2s.tileBatch(tf.constant([3, 2], 'int32'), 3)), 3);
        const dec3 = new s2s.BeamSearchDecoder(w3, emb, start, 4, w3.zeroState(B * 3, 'float32'), 3, new tf.layers.Dense(5), 0.5);
        const [o3, st3] = s2s.dynamicDecode(dec3, { maximumIterations: 5 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput, tf.contrib.seq2seq.BeamSearchDecoderState];
        const att = st3.cellState as unknown as tf.contrib.seq2seq.AttentionWrapperState;
        return { greedy: go.sampleId, beam: tf.squeeze(bo.predictedIds, [2]), ids3: o3.predictedIds, scores3: o3.beamSearchDecoderOutput.scores, al3: att.alignments as Tensor };
      });
      expect(t.al3.shape).toEqual([B, 3, 3]);
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [greedyA, beamA, ids3, scores3] = (await s.run([t.greedy, t.beam, t.ids3, t.scores3])) as NDArray[];
      const greedy = vals(greedyA);
      const beam = vals(beamA);
      expect(beamA!.shape).toEqual(greedyA!.shape);
      const T = greedy.length / B;
      for (let b = 0; b < B; b++) {
        let ended = false;
        for (let i = 0; i < T; i++) {
          const gv = greedy[b * T + i]!;
          // After the end token gatherTree writes end tokens; greedy decoding goes on emitting argmaxes.
          expect(beam[b * T + i], `entry ${b} step ${i}`).toBe(ended ? 4 : gv);
          if (gv === 4) ended = true;
        }
      }
      expect(ids3!.shape[0]).toBe(B);
      expect(ids3!.shape[2]).toBe(3);
      expect(vals(ids3).every((x) => x >= 0 && x < 5)).toBe(true);
      const T3 = ids3!.shape[1]!;
      const sc = vals(scores3);
      for (let b = 0; b < B; b++) {
        const last = sc.slice((b * T3 + T3 - 1) * 3, (b * T3 + T3) * 3);
        expect(last[0]).toBeGreaterThanOrEqual(last[1]!);
        expect(last[1]).toBeGreaterThanOrEqual(last[2]!);
      }
      await s.close();
    });
  });
}

describe('beam search errors', () => {
  it("rejects what TF rejects, with TF's messages", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const cell = new tf.nn.rnnCell.BasicLSTMCell(3);
      expect(() => new s2s.BeamSearchDecoder(cell, tf.eye(4), tf.constant([[1]], 'int32'), 2, cell.zeroState(3, 'float32'), 3)).toThrow('start_tokens must be a vector');
      expect(() => new s2s.BeamSearchDecoder(cell, tf.eye(4), [1], [2], cell.zeroState(3, 'float32'), 3)).toThrow('end_token must be a scalar');
      expect(() => new s2s.BeamSearchDecoder(cell, tf.eye(4), [1, 2], 2, cell.zeroState(2, 'float32'), 3)).toThrow('Perhaps you forgot to create a zero_state with batch_size=encoder_batch_size * beam_width?');
      expect(() => s2s.tileBatch(tf.constant(3), 2)).toThrow('t must have rank at least 1');
    });
  });
});
