/**
 * tf.contrib.crf against brute force, as TF 1.15's crf_test.py checks it: every tag sequence of
 * small batches enumerated in plain JS (float64) for the sequence score, the log norm (log-sum-exp
 * of all scores), the log-likelihood (probabilities summing to 1), the multitag score (log-sum-exp
 * over the sequences the bitmap allows) and decoding (crfDecode and viterbiDecode = the argmax
 * sequence); TF's own example values; max_seq_len 1 (static, and through tf.cond when the time
 * dimension is fed), lengths 0 and padded positions; int64 tags and lengths; the `transitions`
 * variable; the cells on tf.nn.dynamicRnn; bad input; and finite-difference gradients of the
 * log-likelihood, the log norm and the multitag score — on every device of the harness.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { describeGradients, rng } from './support/grad-check.js';
import { thrown } from './support/errors.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const crf = tf.contrib.crf;

const vals = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number | bigint>, Number);
const f32 = (v: number[], shape: number[]): NDArray => new tf.NDArray(Float32Array.from(v), shape, 'float32');
const i32 = (v: number[], shape: number[]): NDArray => new tf.NDArray(Int32Array.from(v), shape, 'int32');

// ----- plain-JS references (float64) --------------------------------------------------------------

type Mat = number[][];
/** score of `tags` over the first `len` steps: Σ unary + Σ transitions. */
function refScore(x: Mat, trans: Mat, tags: number[], len: number): number {
  let s = 0;
  for (let t = 0; t < len; t++) s += x[t]![tags[t]!]!;
  for (let t = 0; t + 1 < len; t++) s += trans[tags[t]!]![tags[t + 1]!]!;
  return s;
}
/** Every tag sequence of length `len` (`O^len` of them), in itertools.product's order. */
function allSequences(numTags: number, len: number): number[][] {
  let out: number[][] = [[]];
  for (let t = 0; t < len; t++) out = out.flatMap((p) => Array.from({ length: numTags }, (_, k) => [...p, k]));
  return out;
}
const logSumExp = (v: number[]): number => {
  const m = Math.max(...v);
  return m === -Infinity ? -Infinity : m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
};
/** The brute-force argmax sequence and its score (the first of equal maxima, as np.argmax). */
function refBest(x: Mat, trans: Mat, len: number): [number[], number] {
  let best: number[] = [];
  let bestScore = -Infinity;
  for (const s of allSequences(x[0]!.length, len)) {
    const v = refScore(x, trans, s, len);
    if (v > bestScore) [best, bestScore] = [s, v];
  }
  return [best, bestScore];
}

const randMat = (r: () => number, rows: number, cols: number, scale = 2): Mat =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(scale * (2 * r() - 1))));

// TF's crf_test.py values.
const TF_INPUTS: Mat = [[4, 5, -3], [3, -1, 3], [-1, 2, 1], [0, 0, 0]];
const TF_TRANS: Mat = [[-3, 5, -2], [3, 4, 1], [1, 2, 1]];

const B = 4;
const T = 4;
const O = 3;
const LENS = [4, 2, 0, 1];

for (const d of devices) {
  describe(`tf.contrib.crf on ${d.name}`, () => {
    const tol = d.name === 'webgpu' ? 4e-4 : 2e-5;
    const close = (got: number, want: number, what: string): void => {
      expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
    };
    const run = async (g: tf.Graph, fetches: Tensor[], feed?: Map<Tensor, NDArray>): Promise<NDArray[]> => {
      const s = new tf.Session({ ...d.options, graph: g });
      try {
        return (await s.run(fetches, feed)) as NDArray[];
      } finally {
        await s.close();
      }
    };

    it("TF's crf_test.py cases: sequence, unary and binary scores, log norm, log-likelihood, decoding", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const tags = [1, 2, 1, 0];
      const seqs = allSequences(3, 3).map((s) => [...s, 0]);
      const f = g.asDefault(() => {
        const x = tf.constant(f32(TF_INPUTS.flat(), [1, 4, 3]));
        const tr = tf.constant(f32(TF_TRANS.flat(), [3, 3]));
        const len = tf.constant([3], 'int32');
        const tg = tf.constant([tags], 'int32');
        const xs = tf.tile(x, [seqs.length, 1, 1]);
        const lens = tf.tile(len, [seqs.length]);
        const allTags = tf.constant(i32(seqs.flat(), [seqs.length, 4]));
        const [ll] = crf.crfLogLikelihood(xs, allTags, lens, tr);
        return [
          crf.crfSequenceScore(x, tg, len, tr), crf.crfUnaryScore(tg, len, x), crf.crfBinaryScore(tg, len, tr),
          crf.crfLogNorm(x, len, tr), crf.crfSequenceScore(xs, allTags, lens, tr), tf.reduceLogsumexp(ll), ...crf.crfDecode(x, tr, len),
        ];
      });
      const [score, unary, binary, logNorm, all, total, decTags, decScore] = await run(g, f);
      const unaryRef = TF_INPUTS[0]![1]! + TF_INPUTS[1]![2]! + TF_INPUTS[2]![1]!;
      const binaryRef = TF_TRANS[1]![2]! + TF_TRANS[2]![1]!;
      close(vals(unary)[0]!, unaryRef, 'unary score');
      close(vals(binary)[0]!, binaryRef, 'binary score');
      close(vals(score)[0]!, refScore(TF_INPUTS, TF_TRANS, tags, 3), 'sequence score');
      const refAll = seqs.map((s) => refScore(TF_INPUTS, TF_TRANS, s, 3));
      vals(all).forEach((v, i) => close(v, refAll[i]!, `score of ${seqs[i]}`));
      close(vals(logNorm)[0]!, logSumExp(refAll), 'log norm');
      close(vals(total)[0]!, 0, 'log-sum-exp of all log-likelihoods');
      const [best, bestScore] = refBest(TF_INPUTS, TF_TRANS, 3);
      expect(vals(decTags)).toEqual([...best, 0]);
      close(vals(decScore)[0]!, bestScore, 'best score');
      const [vit, vitScore] = crf.viterbiDecode(TF_INPUTS.slice(0, 3), TF_TRANS);
      expect(vit).toEqual(best);
      expect(vitScore).toBe(bestScore);
    });

    it('a random batch with lengths 4, 2, 0, 1: every score, log norm, log-likelihood, multitag score and decoding against enumeration', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const r = rng(11);
      const xs = Array.from({ length: B }, () => randMat(r, T, O));
      const trans = randMat(r, O, O, 1.5);
      const bitmap = xs.map(() => Array.from({ length: T }, (_, t) => {
        const row = Array.from({ length: O }, () => r() < 0.6);
        row[(t * 7) % O] = true; // at least one allowed tag per step
        return row;
      }));
      const gold = xs.map(() => Array.from({ length: T }, () => Math.floor(r() * O)));
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const x = tf.constant(f32(xs.flat(2), [B, T, O]));
        const tr = tf.constant(f32(trans.flat(), [O, O]));
        const lens = tf.constant(LENS, 'int32');
        const tg = tf.constant(i32(gold.flat(), [B, T]));
        const bm = tf.constant(new tf.NDArray(Uint8Array.from(bitmap.flat(2).map(Number)), [B, T, O], 'bool'));
        const [ll, trOut] = crf.crfLogLikelihood(x, tg, lens, tr);
        expect(trOut).toBe(tr);
        return [
          crf.crfSequenceScore(x, tg, lens, tr), crf.crfLogNorm(x, lens, tr), ll, crf.crfMultitagSequenceScore(x, bm, lens, tr),
          ...crf.crfDecode(x, tr, lens),
        ];
      });
      const [score, logNorm, ll, multi, decTags, decScore] = (await run(g, f)).map(vals);
      for (let b = 0; b < B; b++) {
        const len = LENS[b]!;
        const all = allSequences(O, len).map((s) => refScore(xs[b]!, trans, s, len));
        // (a length-0 sequence scores 0 and has log norm 0, as TF 1.15 masks them)
        const lnRef = len === 0 ? 0 : logSumExp(all);
        close(score![b]!, refScore(xs[b]!, trans, gold[b]!, len), `sequence score [${b}]`);
        close(logNorm![b]!, lnRef, `log norm [${b}]`);
        close(ll![b]!, refScore(xs[b]!, trans, gold[b]!, len) - lnRef, `log-likelihood [${b}]`);
        const allowed = allSequences(O, len).filter((s) => s.every((k, t) => bitmap[b]![t]![k]));
        close(multi![b]!, len === 0 ? 0 : logSumExp(allowed.map((s) => refScore(xs[b]!, trans, s, len))), `multitag score [${b}]`);
        const tags = decTags!.slice(b * T, (b + 1) * T);
        if (len === 0) {
          // TF's algorithm leaves the argmax of the first step there, and its max as the score.
          expect(tags).toEqual([xs[b]![0]!.indexOf(Math.max(...xs[b]![0]!)), 0, 0, 0]);
          close(decScore![b]!, Math.max(...xs[b]![0]!), `best score [${b}]`);
          continue;
        }
        const [best, bestScore] = refBest(xs[b]!, trans, len);
        expect(tags, `decoded tags [${b}]`).toEqual([...best, ...new Array<number>(T - len).fill(0)]);
        close(decScore![b]!, bestScore, `best score [${b}]`);
        const [vit, vitScore] = crf.viterbiDecode(f32(xs[b]!.slice(0, len).flat(), [len, O]), f32(trans.flat(), [O, O]));
        expect(vit, `viterbiDecode [${b}]`).toEqual(best);
        close(vitScore, bestScore, `viterbi score [${b}]`);
      }
    });

    it('max_seq_len 1: the single-step branch, static and through tf.cond with the time dimension fed (1 and 4 steps)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const r = rng(5);
      const trans = randMat(r, O, O);
      const x1 = [randMat(r, 1, O), randMat(r, 1, O)];
      const x4 = [randMat(r, T, O), randMat(r, T, O)];
      const lens1 = [1, 0];
      const lens4 = [3, 1];
      const tags1 = [[2], [1]];
      const tags4 = [[0, 2, 1, 1], [1, 0, 0, 0]];
      const bits = [true, false, true];
      const g = new tf.Graph();
      const { fetchesStatic, fetchesDyn, ph, phTags, phLens, phBits } = g.asDefault(() => {
        const tr = tf.constant(f32(trans.flat(), [O, O]));
        const build = (x: Tensor, tg: Tensor, lens: Tensor, bm: Tensor): Tensor[] => [
          crf.crfSequenceScore(x, tg, lens, tr), crf.crfLogNorm(x, lens, tr), crf.crfLogLikelihood(x, tg, lens, tr)[0],
          crf.crfMultitagSequenceScore(x, bm, lens, tr), ...crf.crfDecode(x, tr, lens),
        ];
        const bm1 = tf.tile(tf.reshape(tf.constant(bits), [1, 1, O]), [2, 1, 1]);
        const fetchesStatic = build(tf.constant(f32(x1.flat(2), [2, 1, O])), tf.constant(i32(tags1.flat(), [2, 1])), tf.constant(lens1, 'int32'), bm1);
        const ph = tf.placeholder('float32', [null, null, O]);
        const phTags = tf.placeholder('int32', [null, null]);
        const phLens = tf.placeholder('int32', [null]);
        const phBits = tf.placeholder('bool', [null, null, O]);
        return { fetchesStatic, fetchesDyn: build(ph, phTags, phLens, phBits), ph, phTags, phLens, phBits };
      });
      expect(fetchesStatic[4]!.shape).toEqual([2, 1]);
      const bitsFeed = (n: number): NDArray => new tf.NDArray(Uint8Array.from(Array.from({ length: 2 * n }, () => bits.map(Number)).flat()), [2, n, O], 'bool');
      const check = (got: number[][], xs: Mat[], lens: number[], tags: number[][]): void => {
        const [score, logNorm, ll, multi, decTags, decScore] = got;
        const n = xs[0]!.length;
        for (let b = 0; b < 2; b++) {
          const len = lens[b]!;
          const all = allSequences(O, len).map((s) => refScore(xs[b]!, trans, s, len));
          const ln = len === 0 ? 0 : logSumExp(all);
          close(score![b]!, refScore(xs[b]!, trans, tags[b]!, len), `score [${b}], ${n} steps`);
          close(logNorm![b]!, ln, `log norm [${b}], ${n} steps`);
          close(ll![b]!, refScore(xs[b]!, trans, tags[b]!, len) - ln, `log-likelihood [${b}], ${n} steps`);
          const allowed = allSequences(O, len).filter((s) => s.every((k) => bits[k]));
          // TF's single-step branch reduces over the (only) step whatever the length.
          const multiRef = n === 1 ? logSumExp(xs[b]![0]!.filter((_, k) => bits[k])) : len === 0 ? 0 : logSumExp(allowed.map((s) => refScore(xs[b]!, trans, s, len)));
          close(multi![b]!, multiRef, `multitag [${b}], ${n} steps`);
          if (len > 0) {
            const [best, bestScore] = refBest(xs[b]!, trans, len);
            expect(decTags!.slice(b * n, b * n + len)).toEqual(best);
            close(decScore![b]!, bestScore, `best score [${b}], ${n} steps`);
          } else {
            expect(decTags![b * n]).toBe(xs[b]![0]!.indexOf(Math.max(...xs[b]![0]!)));
          }
        }
      };
      check((await run(g, fetchesStatic)).map(vals), x1, lens1, tags1);
      const feed = (xs: Mat[], tags: number[][], lens: number[]): Map<Tensor, NDArray> => new Map([
        [ph, f32(xs.flat(2), [2, xs[0]!.length, O])], [phTags, i32(tags.flat(), [2, tags[0]!.length])], [phLens, i32(lens, [2])], [phBits, bitsFeed(xs[0]!.length)],
      ]);
      check((await run(g, fetchesDyn, feed(x1, tags1, lens1))).map(vals), x1, lens1, tags1);
      check((await run(g, fetchesDyn, feed(x4, tags4, lens4))).map(vals), x4, lens4, tags4);
    });

    it("all lengths 0 (TF's ZeroSeqLength cases): log norm 0, decode shapes [2, 10] and [2]", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const x = tf.ones([2, 10, 5]);
        const tr = tf.ones([5, 5]);
        const lens = tf.zeros([2], 'int32');
        return [crf.crfLogNorm(x, lens, tr), ...crf.crfDecode(x, tr, lens)];
      });
      expect(f[1]!.shape).toEqual([2, 10]);
      expect(f[2]!.shape).toEqual([2]);
      expect(f[1]!.dtype).toBe('int32');
      const [ln, tags, scores] = await run(g, f);
      expect(vals(ln)).toEqual([0, 0]);
      expect(tags!.shape).toEqual([2, 10]);
      expect(vals(tags)).toEqual(new Array<number>(20).fill(0));
      expect(vals(scores)).toEqual([1, 1]);
    });

    it('int64 tag indices and sequence lengths', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      if (!d.caps.float64) skipTest(ctx, `${d.name} does not compute int64 tensors`);
      const g = new tf.Graph();
      const tags = [1, 2, 1, 0];
      const f = g.asDefault(() => {
        const x = tf.constant(f32(TF_INPUTS.flat(), [1, 4, 3]));
        const tr = tf.constant(f32(TF_TRANS.flat(), [3, 3]));
        const len = tf.constant([3], 'int64');
        const tg = tf.constant([tags], 'int64');
        return [crf.crfUnaryScore(tg, len, x), crf.crfSequenceScore(x, tg, len, tr), crf.crfLogLikelihood(x, tg, len, tr)[0], ...crf.crfDecode(x, tr, len)];
      });
      const [unary, score, ll, decTags] = (await run(g, f)).map(vals);
      const all = allSequences(3, 3).map((s) => refScore(TF_INPUTS, TF_TRANS, s, 3));
      close(unary![0]!, TF_INPUTS[0]![1]! + TF_INPUTS[1]![2]! + TF_INPUTS[2]![1]!, 'unary score (int64 tags)');
      close(score![0]!, refScore(TF_INPUTS, TF_TRANS, tags, 3), 'sequence score (int64)');
      close(ll![0]!, refScore(TF_INPUTS, TF_TRANS, tags, 3) - logSumExp(all), 'log-likelihood (int64)');
      expect(decTags).toEqual([...refBest(TF_INPUTS, TF_TRANS, 3)[0], 0]);
    });

    it("crfLogLikelihood without transition params makes the variable 'transitions' (trainable, [num_tags, num_tags])", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const r = rng(3);
      const xs = randMat(r, T, O);
      const { ll, trans, init, names, shape } = g.asDefault(() => {
        const x = tf.constant(f32(xs.flat(), [1, T, O]));
        const [ll, trans] = tf.variableScope('crf', () => crf.crfLogLikelihood(x, tf.constant([[0, 1, 2, 0]], 'int32'), tf.constant([T], 'int32')));
        return { ll, trans: trans as tf.Variable, init: tf.globalVariablesInitializer(), names: tf.trainableVariables().map((v) => v.name), shape: (trans as tf.Variable).shape };
      });
      expect(names).toEqual(['crf/transitions:0']);
      expect(shape).toEqual([O, O]);
      const s = new tf.Session({ ...d.options, graph: g });
      try {
        await s.run(init);
        const [llv, tv] = (await s.run([ll, trans])) as NDArray[];
        const tm = [0, 1, 2].map((i) => vals(tv).slice(i * O, (i + 1) * O));
        const all = allSequences(O, T).map((sq) => refScore(xs, tm, sq, T));
        close(vals(llv)[0]!, refScore(xs, tm, [0, 1, 2, 0], T) - logSumExp(all), 'log-likelihood with the made variable');
      } finally {
        await s.close();
      }
    });

    it('the cells on tf.nn.dynamicRnn: CrfForwardRnnCell gives the alphas, the decode cells int32 backpointers and tags', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const r = rng(8);
      const xs = randMat(r, T, O);
      const trans = randMat(r, O, O);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const x = tf.constant(f32(xs.flat(), [1, T, O]));
        const tr = tf.constant(f32(trans.flat(), [O, O]));
        const first = tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1]);
        const rest = tf.slice(x, [0, 1, 0], [-1, -1, -1]);
        const fwd = new crf.CrfForwardRnnCell(tr);
        expect([fwd.stateSize, fwd.outputSize]).toEqual([O, O]);
        const [alphas, last] = tf.nn.dynamicRnn(fwd, rest, { initialState: first });
        const [bp, best] = tf.nn.dynamicRnn(new crf.CrfDecodeForwardRnnCell(tr), rest, { initialState: first, dtype: 'int32' });
        const bwd = new crf.CrfDecodeBackwardRnnCell(O);
        expect([bwd.stateSize, bwd.outputSize]).toEqual([1, 1]);
        const start = tf.constant([[1]], 'int32');
        const [back] = tf.nn.dynamicRnn(bwd, tf.reverse(bp, [1]), { initialState: start });
        expect(bp.dtype).toBe('int32');
        return [alphas, last as Tensor, bp, best as Tensor, back];
      });
      const [alphas, last, bp, best, back] = (await run(g, f)).map(vals);
      // The forward algorithm and Viterbi's max recursion in plain JS.
      let a = xs[0]!;
      let m = xs[0]!;
      const refBp: number[][] = [];
      for (let t = 1; t < T; t++) {
        a = Array.from({ length: O }, (_, j) => xs[t]![j]! + logSumExp(a.map((v, i) => v + trans[i]![j]!)));
        a.forEach((v, j) => close(alphas![(t - 1) * O + j]!, v, `alpha[${t}][${j}]`));
        const cand = Array.from({ length: O }, (_, j) => m.map((v, i) => v + trans[i]![j]!));
        refBp.push(cand.map((c) => c.indexOf(Math.max(...c))));
        m = cand.map((c, j) => xs[t]![j]! + Math.max(...c));
      }
      a.forEach((v, j) => close(last![j]!, v, `final alpha[${j}]`));
      m.forEach((v, j) => close(best![j]!, v, `final max score[${j}]`));
      expect(bp).toEqual(refBp.flat());
      let tag = 1;
      const refBack = [...refBp].reverse().map((row) => (tag = row[tag]!));
      expect(back).toEqual(refBack);
    });

    it('bad input: clear errors naming the argument', (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      g.asDefault(() => {
        const x = tf.zeros([2, 3, 4]);
        const tr = tf.zeros([4, 4]);
        const lens = tf.constant([3, 2], 'int32');
        expect(thrown(() => crf.crfLogNorm(tf.zeros([2, 3]), lens, tr)).message).toMatch(/crf_log_norm: inputs must be \[batch_size, max_seq_len, num_tags\], got shape \(2, 3\)/);
        expect(thrown(() => crf.crfLogNorm(x, lens, tf.zeros([4, 3]))).message).toMatch(/transition_params must be \[num_tags, num_tags\], got shape \(4, 3\)/);
        expect(thrown(() => crf.crfLogNorm(x, tf.constant([1.5, 2]), tr)).message).toMatch(/sequence_lengths must be int32 or int64, got float32/);
        expect(thrown(() => crf.crfSequenceScore(x, tf.zeros([2, 3]), lens, tr)).message).toMatch(/tag_indices must be int32 or int64, got float32/);
        expect(thrown(() => crf.crfMultitagSequenceScore(x, tf.zeros([2, 3, 4]), lens, tr)).message).toMatch(/tag_bitmap must be a bool tensor, got float32/);
        expect(thrown(() => crf.crfLogLikelihood(tf.placeholder('float32', [2, 3, null]), tf.zeros([2, 3], 'int32'), lens)).message).toMatch(/number of tags \(inputs.shape\[2\]\) must be known/);
        expect(thrown(() => crf.crfDecode(x, tr)).message).toMatch(/crf_decode\(\) missing 1 required positional argument: 'sequenceLength'/);
        expect(thrown(() => crf.viterbiDecode([], [[0]])).message).toMatch(/at least one step/);
        expect(thrown(() => crf.viterbiDecode([[1, 2]], [[0]])).message).toMatch(/transition_params must be \[2, 2\] for 2 tags, got \[1, 1\]/);
        expect(thrown(() => new crf.CrfDecodeBackwardRnnCell(0)).message).toMatch(/num_tags must be a positive integer/);
      });
    });
  });
}

describe('viterbiDecode (host arrays)', () => {
  it('matches enumeration on random problems, plain arrays and NDArrays, and keeps numpy\'s first-of-equal-maxima', () => {
    const r = rng(21);
    for (let k = 0; k < 20; k++) {
      const len = 1 + (k % 5);
      const n = 2 + (k % 3);
      const x = randMat(r, len, n);
      const tr = randMat(r, n, n);
      const [best, bestScore] = refBest(x, tr, len);
      const [vit, score] = crf.viterbiDecode(x, tr);
      expect(vit).toEqual(best);
      expect(Math.abs(score - bestScore)).toBeLessThan(1e-9);
      const [vit32] = crf.viterbiDecode(f32(x.flat(), [len, n]), new tf.NDArray(Float64Array.from(tr.flat()), [n, n], 'float64'));
      expect(vit32).toEqual(best);
    }
    // All equal: np.argmax picks index 0 everywhere.
    expect(crf.viterbiDecode([[1, 1], [1, 1], [1, 1]], [[0, 0], [0, 0]])).toEqual([[0, 0, 0], 3]);
  });
});

// ----- gradients against finite differences ------------------------------------------------------

const GT = 3;
const GO = 3;
const GRAD_LENS = [3, 2, 1];
const GRAD_TAGS = [0, 2, 1, 1, 0, 2, 2, 1, 0];
const fixedLens = { shape: [3], fixed: { dtype: 'int32' as const, value: GRAD_LENS } };
const fixedTags = { shape: [3, GT], fixed: { dtype: 'int32' as const, value: GRAD_TAGS } };
describeGradients('tf.contrib.crf gradients', [
  {
    name: 'crfLogLikelihood wrt inputs and transitions (lengths 3, 2, 1)',
    ins: [{ shape: [3, GT, GO] }, { shape: [GO, GO] }, fixedTags, fixedLens],
    f: (x, tr, tags, lens) => crf.crfLogLikelihood(x!, tags!, lens!, tr!)[0],
  },
  {
    name: 'crfLogNorm wrt inputs and transitions',
    ins: [{ shape: [3, GT, GO] }, { shape: [GO, GO] }, fixedLens],
    f: (x, tr, lens) => crf.crfLogNorm(x!, lens!, tr!),
  },
  {
    name: 'crfLogLikelihood, max_seq_len 1',
    ins: [{ shape: [3, 1, GO] }, { shape: [GO, GO] }, { shape: [3, 1], fixed: { dtype: 'int32', value: [2, 0, 1] } }, { shape: [3], fixed: { dtype: 'int32', value: [1, 1, 0] } }],
    f: (x, tr, tags, lens) => crf.crfLogLikelihood(x!, tags!, lens!, tr!)[0],
  },
  {
    name: 'crfMultitagSequenceScore wrt inputs and transitions',
    ins: [{ shape: [3, GT, GO] }, { shape: [GO, GO] }, fixedLens],
    f: (x, tr, lens) => crf.crfMultitagSequenceScore(x!, tf.constant(new tf.NDArray(Uint8Array.from([1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1]), [3, GT, GO], 'bool')), lens!, tr!),
  },
], devices);
