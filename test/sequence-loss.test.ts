/**
 * tf.contrib.seq2seq.sequenceLoss and tf.contrib.legacySeq2seq.sequenceLossByExample /
 * sequenceLoss (TF 1.15's loss.py and legacy_seq2seq's seq2seq.py) on every device, against a
 * float64 re-implementation (log-sum-exp cross-entropy per [batch, time] entry, weighted, then
 * TF's averaging: by the weights' sum with div_no_nan, by the count of nonzero weights for the
 * sum_over flags; legacy: Σ_t w·xent / (Σ_t w + 1e-12), summed over the batch and divided by its
 * size), TF's errors, and finite-difference gradients through every reduction.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, rng, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const B = 3;
const T = 4;
const C = 5;
const r = rng(7);
const LOGITS = Array.from({ length: B * T * C }, () => 4 * r() - 2);
const TARGETS = Array.from({ length: B * T }, () => Math.floor(r() * C));
// padding-style weights: row 2 has its last two steps masked, row 1 its last
const WEIGHTS = [1, 1, 1, 1, 1, 0.5, 2, 0, 1, 1, 0, 0];

/** float64 cross-entropy of entry (b, t). */
function xent(b: number, t: number, logits = LOGITS): number {
  const row = logits.slice((b * T + t) * C, (b * T + t + 1) * C);
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
  return lse - row[TARGETS[b * T + t]!]!;
}
const w = (b: number, t: number): number => WEIGHTS[b * T + t]!;
const divNoNan = (x: number, y: number): number => (y === 0 ? 0 : x / y);

interface Flags { averageAcrossTimesteps?: boolean; averageAcrossBatch?: boolean; sumOverTimesteps?: boolean; sumOverBatch?: boolean }
/** The float64 reference of contrib.seq2seq.sequence_loss: [value, shape]. */
function reference(f: Flags): [number[], number[]] {
  const avgT = f.averageAcrossTimesteps ?? true;
  const avgB = f.averageAcrossBatch ?? true;
  const sumT = f.sumOverTimesteps ?? false;
  const sumB = f.sumOverBatch ?? false;
  const ce = (b: number, t: number): number => xent(b, t) * w(b, t);
  const all = (fn: (b: number, t: number) => number): number => {
    let s = 0;
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) s += fn(b, t);
    return s;
  };
  if (avgT && avgB) return [[divNoNan(all(ce), all(w))], []];
  if (sumT && sumB) return [[divNoNan(all(ce), all((b, t) => (w(b, t) !== 0 ? 1 : 0)))], []];
  const overBatch = avgB || (!avgT && sumB);
  const byCount = !(avgT || avgB);
  if (avgT || avgB || sumT || sumB) {
    const n = overBatch ? T : B;
    const out = Array.from({ length: n }, (_, i) => {
      let s = 0;
      let d = 0;
      for (let k = 0; k < (overBatch ? B : T); k++) {
        const [b, t] = overBatch ? [k, i] : [i, k];
        s += ce(b, t);
        d += byCount ? (w(b, t) !== 0 ? 1 : 0) : w(b, t);
      }
      return divNoNan(s, d);
    });
    return [out, [n]];
  }
  return [Array.from({ length: B * T }, (_, k) => ce(Math.floor(k / T), k % T)), [B, T]];
}

const FLAGS: Flags[] = [
  {},
  { averageAcrossTimesteps: false },
  { averageAcrossBatch: false },
  { averageAcrossTimesteps: false, averageAcrossBatch: false },
  { averageAcrossTimesteps: false, averageAcrossBatch: false, sumOverTimesteps: true, sumOverBatch: true },
  { averageAcrossTimesteps: false, sumOverTimesteps: true },
  { averageAcrossBatch: false, sumOverBatch: true },
  { averageAcrossTimesteps: false, averageAcrossBatch: false, sumOverTimesteps: true },
];

/** Legacy reference: per-example Σ_t w·xent (/ (Σ_t w + 1e-12)), and the batch sum (/ B). */
function legacyByExample(avgT: boolean): number[] {
  return Array.from({ length: B }, (_, b) => {
    let s = 0;
    let d = 0;
    for (let t = 0; t < T; t++) {
      s += xent(b, t) * w(b, t);
      d += w(b, t);
    }
    return avgT ? s / (d + 1e-12) : s;
  });
}

function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  }
}

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  describe(`sequence losses (${dev.name})`, () => {
    for (const dtype of dtypes) {
      const tol = dtype === 'float64' ? 1e-12 : 2e-6 * dev.caps.tolScale;
      it(`contrib.seq2seq.sequenceLoss, every averaging and summing flag (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const outs = g.asDefault(() => {
          const logits = tf.constant(LOGITS, dtype, [B, T, C]);
          const targets = tf.constant(TARGETS, 'int32', [B, T]);
          const weights = tf.constant(WEIGHTS, dtype, [B, T]);
          return FLAGS.map((f) => tf.contrib.seq2seq.sequenceLoss(logits, targets, weights, f));
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        const got = (await sess.run(outs)) as NDArray[];
        FLAGS.forEach((f, k) => {
          const [want, shape] = reference(f);
          expect(got[k]!.shape, JSON.stringify(f)).toEqual(shape);
          close(got[k]!.data, want, tol, JSON.stringify(f));
        });
        await sess.close();
      });

      it(`contrib.legacySeq2seq.sequenceLossByExample and sequenceLoss over per-step lists (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const outs = g.asDefault(() => {
          const logits = tf.unstack(tf.constant(LOGITS, dtype, [B, T, C]), { axis: 1 });
          const targets = tf.unstack(tf.constant(TARGETS, 'int32', [B, T]), { axis: 1 });
          const weights = tf.unstack(tf.constant(WEIGHTS, dtype, [B, T]), { axis: 1 });
          const L = tf.contrib.legacySeq2seq;
          return [
            L.sequenceLossByExample(logits, targets, weights),
            L.sequenceLossByExample(logits, targets, weights, { averageAcrossTimesteps: false }),
            L.sequenceLoss(logits, targets, weights),
            L.sequenceLoss(logits, targets, weights, false, false),
            L.sequenceLoss(logits, targets, weights, { averageAcrossTimesteps: false }),
          ];
        });
        expect(outs[0]!.name).toBe('sequence_loss_by_example/truediv:0');
        expect(outs[2]!.name).toBe('sequence_loss/truediv:0');
        const sess = new tf.Session({ graph: g, ...dev.options });
        const got = (await sess.run(outs)) as NDArray[];
        const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
        close(got[0]!.data, legacyByExample(true), tol, 'byExample');
        close(got[1]!.data, legacyByExample(false), tol, 'byExample, not averaged');
        close(got[2]!.data, [sum(legacyByExample(true)) / B], tol, 'sequenceLoss');
        close(got[3]!.data, [sum(legacyByExample(false))], tol, 'sequenceLoss, summed');
        close(got[4]!.data, [sum(legacyByExample(false)) / B], tol, 'sequenceLoss, per batch');
        await sess.close();
      });
    }

    it('a softmaxLossFunction called with {labels, logits}; all-zero weights give 0 (div_no_nan)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const seen: Tensor[][] = [];
      const outs = g.asDefault(() => {
        const logits = tf.constant(LOGITS, 'float32', [B, T, C]);
        const targets = tf.constant(TARGETS, 'int32', [B, T]);
        const twice = (a: { labels: Tensor; logits: Tensor }): Tensor => {
          seen.push([a.labels, a.logits]);
          return tf.multiply(tf.nn.sparseSoftmaxCrossEntropyWithLogits(a), 2);
        };
        return [
          tf.contrib.seq2seq.sequenceLoss(logits, targets, tf.ones([B, T]), { softmaxLossFunction: twice }),
          tf.contrib.seq2seq.sequenceLoss(logits, targets, tf.zeros([B, T])),
          tf.contrib.seq2seq.sequenceLoss(logits, targets, tf.zeros([B, T]), { averageAcrossTimesteps: false, averageAcrossBatch: false, sumOverTimesteps: true, sumOverBatch: true }),
          tf.contrib.seq2seq.sequenceLoss(logits, targets, tf.ones([B, T]), { softmaxLossFunction: tf.nn.sparseSoftmaxCrossEntropyWithLogits }),
        ];
      });
      expect(seen[0]!.map((t) => t.shape!.length)).toEqual([1, 2]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      let mean = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) mean += xent(b, t) / (B * T);
      close(got[0]!.data, [2 * mean], 2e-6 * dev.caps.tolScale, 'custom loss');
      expect(Array.from(got[1]!.data)).toEqual([0]);
      expect(Array.from(got[2]!.data)).toEqual([0]);
      close(got[3]!.data, [mean], 2e-6 * dev.caps.tolScale, 'tf.nn.sparseSoftmaxCrossEntropyWithLogits as the loss function');
      await sess.close();
    });
  });
}

describe('sequence losses: TF\'s errors and names', () => {
  it('ranks, conflicting flags, list lengths', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const logits = tf.zeros([2, 3, 4]);
      const targets = tf.zeros([2, 3], 'int32');
      const weights = tf.ones([2, 3]);
      const S = tf.contrib.seq2seq.sequenceLoss;
      expect(() => S(tf.zeros([6, 4]), targets, weights)).toThrow(tf.errors.ValueError);
      expect(() => S(tf.zeros([6, 4]), targets, weights)).toThrow('Logits must be a [batch_size x sequence_length x logits] tensor');
      expect(() => S(logits, tf.zeros([6], 'int32'), weights)).toThrow('Targets must be a [batch_size x sequence_length] tensor');
      expect(() => S(logits, targets, tf.ones([2, 3, 1]))).toThrow('Weights must be a [batch_size x sequence_length] tensor');
      expect(() => S(tf.placeholder('float32'), targets, weights)).toThrow('Cannot take the length of shape with unknown rank.');
      expect(() => S(logits, targets, weights, { sumOverTimesteps: true })).toThrow('average_across_timesteps and sum_over_timesteps cannot be set to True at same time.');
      expect(() => S(logits, targets, weights, { averageAcrossTimesteps: false, sumOverBatch: true })).toThrow('average_across_batch and sum_over_batch cannot be set to True at same time.');
      expect(() => S(logits, targets)).toThrow("sequence_loss() missing 1 required positional argument: 'weights'");
      expect(S(logits, targets, weights, { name: 'loss' }).name).toBe('loss/DivNoNan:0');
      const steps = tf.unstack(logits, { axis: 1 });
      expect(() => tf.contrib.legacySeq2seq.sequenceLossByExample(steps, tf.unstack(targets, { axis: 1 }), [weights])).toThrow(
        'Lengths of logits, weights, and targets must be the same 3, 1, 3.');
    });
  });
});

const seqCase = (f: Flags, name: string): GradCase => ({
  name,
  ins: [{ shape: [B, T, C] }, { shape: [B, T], fixed: { dtype: 'int32', value: TARGETS } }, { shape: [B, T], gen: (_r, i) => WEIGHTS[i]! || 0.25 }],
  f: (logits, targets, weights) => {
    const out = tf.contrib.seq2seq.sequenceLoss(logits!, targets!, weights!, f);
    // the [batch, time] result's static shape comes from a dynamic Shape slice
    const want = reference(f)[1];
    return want.length === 2 ? tf.reshape(out, want) : out;
  },
});
const GRAD: GradCase[] = [
  seqCase({}, 'sequenceLoss (averaged)'),
  seqCase({ averageAcrossTimesteps: false }, 'sequenceLoss, per timestep'),
  seqCase({ averageAcrossBatch: false }, 'sequenceLoss, per example'),
  seqCase({ averageAcrossTimesteps: false, averageAcrossBatch: false }, 'sequenceLoss, unreduced'),
  seqCase({ averageAcrossTimesteps: false, averageAcrossBatch: false, sumOverTimesteps: true, sumOverBatch: true }, 'sequenceLoss, summed over both'),
  seqCase({ averageAcrossTimesteps: false, sumOverTimesteps: true }, 'sequenceLoss, summed over time'),
  {
    name: 'legacySeq2seq.sequenceLossByExample and sequenceLoss',
    ins: [{ shape: [B, T, C] }, { shape: [B, T], fixed: { dtype: 'int32', value: TARGETS } }, { shape: [B, T], gen: (_r, i) => WEIGHTS[i]! || 0.25 }],
    f: (logits, targets, weights) => {
      const [l, t, wt] = [tf.unstack(logits!, { axis: 1 }), tf.unstack(targets!, { axis: 1 }), tf.unstack(weights!, { axis: 1 })];
      return [tf.contrib.legacySeq2seq.sequenceLossByExample(l, t, wt), tf.contrib.legacySeq2seq.sequenceLoss(l, t, wt, { averageAcrossTimesteps: false })];
    },
  },
];
describeGradients('finite-difference gradients of the sequence losses', GRAD, devices);
