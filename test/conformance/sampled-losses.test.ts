/**
 * Candidate samplers and sampled losses on every device: the samplers' distributions and
 * expected counts (TF's range_sampler.cc formulas), seeding, and tf.nn.nceLoss /
 * tf.nn.sampledSoftmaxLoss against a float64 re-implementation of TF1's
 * `_compute_sampled_logits` (nn_impl.py), accidental hits included; gradients by finite
 * differences (float64 on the JS kernels, float32 on the wasm kernels and WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './harness.js';
import { checkGradients } from '../support/grad-check.js';
import { rng } from '../support/random.js';

registerSkipSummary();
const devices = await resolvedDevices();

const FLT_MAX = 3.4028234663852886e38;
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const logUniformP = (k: number, range: number): number => Math.log((k + 2) / (k + 1)) / Math.log1p(range);

interface Problem {
  w: number[][]; b: number[]; x: number[][]; labels: number[][];
  sampled: number[]; te: number[][]; se: number[];
}

/** TF1's sampled logits and labels in float64 (nn_impl.py `_compute_sampled_logits`). */
function refLogits(p: Problem, removeHits: boolean): { logits: number[][]; labels: number[][] } {
  const dot = (u: number[], v: number[]): number => u.reduce((s, ui, i) => s + ui * v[i]!, 0);
  const numTrue = p.labels[0]!.length;
  const logits = p.x.map((xi, i) => {
    const t = p.labels[i]!.map((c, k) => dot(xi, p.w[c]!) + p.b[c]! - Math.log(p.te[i]![k]!));
    const s = p.sampled.map((c, j) => {
      // ComputeAccidentalHits maps each sampled class to its last position
      const hit = removeHits && p.labels[i]!.includes(c) && p.sampled.lastIndexOf(c) === j;
      return dot(xi, p.w[c]!) + p.b[c]! + (hit ? -FLT_MAX : 0) - Math.log(p.se[j]!);
    });
    return [...t, ...s];
  });
  const labels = logits.map((row) => row.map((_, j) => (j < numTrue ? 1 / numTrue : 0)));
  return { logits, labels };
}

function refNce(p: Problem, removeHits: boolean): number[] {
  const { logits, labels } = refLogits(p, removeHits);
  return logits.map((row, i) => row.reduce((s, x, j) => s + Math.max(x, 0) - x * labels[i]![j]! + Math.log1p(Math.exp(-Math.abs(x))), 0));
}

function refSoftmax(p: Problem, removeHits: boolean): number[] {
  const { logits, labels } = refLogits(p, removeHits);
  return logits.map((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    return row.reduce((s, x, j) => s - labels[i]![j]! * (x - lse), 0);
  });
}

function problem(seed: number, batch: number, numTrue: number, classes: number, dim: number, sampled: number[]): Problem {
  const r = rng(seed);
  const m = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(2 * r() - 1)));
  return {
    w: m(classes, dim),
    b: m(1, classes)[0]!,
    x: m(batch, dim),
    labels: Array.from({ length: batch }, () => Array.from({ length: numTrue }, () => Math.floor(r() * classes))),
    sampled,
    te: Array.from({ length: batch }, () => Array.from({ length: numTrue }, () => Math.fround(0.05 + 0.9 * r()))),
    se: sampled.map(() => Math.fround(0.05 + 0.9 * r())),
  };
}

for (const dev of devices) {
  describe(`sampled losses [${dev.name}]`, () => {
    const run = async (ctx: { skip: (note?: string) => never }, g: tf.Graph, fetches: Tensor[], times = 1): Promise<NDArray[][]> => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const out: NDArray[][] = [];
        for (let i = 0; i < times; i++) out.push((await sess.run(fetches)) as NDArray[]);
        return out;
      } finally {
        await sess.close();
      }
    };

    it('log-uniform and uniform samplers: draws follow p(k), expected counts as TF computes them', async (ctx) => {
      const range = 12;
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        tf.setRandomSeed(7);
        const labels = tf.constant([[0], [5], [11]], tf.int64);
        return [
          ...tf.nn.logUniformCandidateSampler(labels, 1, 400, false, range),
          ...tf.nn.uniformCandidateSampler(labels, 1, 400, false, range),
          ...tf.nn.logUniformCandidateSampler(labels, 1, 8, true, range),
          ...tf.nn.uniformCandidateSampler({ trueClasses: labels, numTrue: 1, numSampled: 8, unique: true, rangeMax: range }),
        ];
      });
      expect(outs.map((t) => t.dtype)).toEqual(['int64', 'float32', 'float32', 'int64', 'float32', 'float32', 'int64', 'float32', 'float32', 'int64', 'float32', 'float32']);
      expect(outs[1]!.shape).toEqual([3, 1]);
      const runs = await run(ctx, g, outs, 25);
      const probs = [(k: number) => logUniformP(k, range), () => 1 / range];
      for (const [s, p] of [[0, probs[0]!], [3, probs[1]!]] as const) {
        // 25 runs × 400 draws: each class's frequency within 5 standard deviations of p(k)
        const counts = new Array<number>(range).fill(0);
        for (const r of runs) for (const v of nums(r[s]!)) counts[v]!++;
        const n = 25 * 400;
        counts.forEach((c, k) => expect(Math.abs(c / n - p(k)), `class ${k}`).toBeLessThan(5 * Math.sqrt(p(k) * (1 - p(k)) / n)));
        // without unique: expected count p·numSampled, in float32
        const r0 = runs[0]!;
        expect(nums(r0[s + 2]!)).toEqual(nums(r0[s]!).map((v) => Math.fround(Math.fround(p(v)) * 400)));
        expect(nums(r0[s + 1]!)).toEqual([0, 5, 11].map((v) => Math.fround(Math.fround(p(v)) * 400)));
      }
      for (const [s, p] of [[6, probs[0]!], [9, probs[1]!]] as const) {
        let rejected = 0;
        for (const r of runs) {
          const drawn = nums(r[s]!);
          expect(new Set(drawn).size).toBe(8);
          drawn.forEach((v) => expect(v >= 0 && v < range && Number.isInteger(v)).toBe(true));
          // with unique: p·8 when 8 tries found 8 classes, else 1 - (1 - p)^tries with one
          // number of tries for every count of the run
          const counts = nums(r[s + 2]!);
          const pf = (v: number): number => Math.fround(p(v));
          const at8 = (v: number): number => Math.fround(pf(v) * 8);
          let exact = at8;
          if (counts.some((c, i) => c !== at8(drawn[i]!))) {
            const tries = Math.round(Math.log(1 - counts[0]!) / Math.log1p(-pf(drawn[0]!)));
            expect(tries).toBeGreaterThan(8);
            exact = (v) => Math.fround(-Math.expm1(tries * Math.log1p(-pf(v))));
            rejected++;
          }
          expect(counts).toEqual(drawn.map(exact));
          expect(nums(r[s + 1]!)).toEqual([0, 5, 11].map(exact));
        }
        // 8 distinct of 12 classes: most runs need more than 8 draws
        expect(rejected).toBeGreaterThan(10);
      }
    });

    it('seeded: a fresh session repeats the sequence, each run draws anew, op seeds differ', async (ctx) => {
      const build = (): [tf.Graph, Tensor[]] => {
        const g = new tf.Graph();
        const t = g.asDefault(() => {
          tf.setRandomSeed(3);
          const labels = tf.constant([[1]], tf.int64);
          return [tf.nn.logUniformCandidateSampler(labels, 1, 6, true, 1000)[0], tf.nn.logUniformCandidateSampler(labels, 1, 6, true, 1000, 5)[0]];
        });
        return [g, t];
      };
      const [g1, t1] = build();
      const [g2, t2] = build();
      const a = (await run(ctx, g1, t1, 3)).map((r) => r.map(nums));
      const b = (await run(ctx, g2, t2, 3)).map((r) => r.map(nums));
      expect(a).toEqual(b);
      expect(a[0]![0]).not.toEqual(a[1]![0]);
      expect(a[0]![0]).not.toEqual(a[0]![1]);
    });

    for (const [numTrue, sampled] of [[1, [3, 0, 7, 5]], [2, [2, 9, 4, 2, 6]]] as const) {
      for (const removeHits of [false, true]) {
        it(`nceLoss and sampledSoftmaxLoss match TF1's formulas in float64 (numTrue ${numTrue}, removeAccidentalHits ${removeHits})`, async (ctx) => {
          const p = problem(11 + numTrue, 4, numTrue, 10, 3, [...sampled]);
          // make accidental hits: row 0 holds sampled[0], row 2 the repeated class (numTrue 2)
          p.labels[0]![0] = sampled[0]!;
          if (numTrue === 2) p.labels[2]![1] = 2;
          const g = new tf.Graph();
          const [nce, soft] = g.asDefault(() => {
            const w = tf.constant(p.w, tf.float32);
            const bias = tf.constant(p.b, tf.float32);
            const x = tf.constant(p.x, tf.float32);
            const sv: [Tensor, Tensor, Tensor] = [tf.constant([...sampled], tf.int64), tf.constant(p.te, tf.float32), tf.constant(p.se, tf.float32)];
            const labels = tf.constant(p.labels, tf.int64);
            return [
              tf.nn.nceLoss(w, bias, labels, x, sampled.length, 10, numTrue, sv, removeHits),
              tf.nn.sampledSoftmaxLoss(w, bias, tf.cast(labels, tf.int32), x, sampled.length, 10, { numTrue, sampledValues: sv, removeAccidentalHits: removeHits }),
            ];
          });
          expect(nce!.shape).toEqual([4]);
          expect(soft!.shape).toEqual([4]);
          const [[a, b]] = await run(ctx, g, [nce!, soft!]);
          const close = (got: number[], want: number[], what: string): void =>
            got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${what}[${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)) * dev.caps.tolScale));
          close(nums(a!), refNce(p, removeHits), 'nce');
          close(nums(b!), refSoftmax(p, removeHits), 'sampled softmax');
          if (removeHits) {
            // the masked logits contribute nothing: different from the unmasked loss on row 0
            expect(Math.abs(refNce(p, true)[0]! - refNce(p, false)[0]!)).toBeGreaterThan(1e-3);
          }
        });
      }
    }

    it('the default sampler (log-uniform, unique): the loss of the classes it drew', async (ctx) => {
      const p = problem(5, 6, 1, 50, 4, []);
      const g = new tf.Graph();
      const [loss, soft, samp] = g.asDefault(() => {
        tf.setRandomSeed(9);
        const args = [tf.constant(p.w, tf.float32), tf.constant(p.b, tf.float32), tf.constant(p.labels, tf.int64), tf.constant(p.x, tf.float32), 8, 50] as const;
        const loss = tf.nn.nceLoss(...args);
        const soft = tf.nn.sampledSoftmaxLoss(...args, { seed: 4 });
        const ops = g.getOperations().filter((o) => o.type === 'LogUniformCandidateSampler');
        expect(ops.map((o) => o.name)).toEqual(['nce_loss/compute_sampled_logits/LogUniformCandidateSampler', 'sampled_softmax_loss/compute_sampled_logits/LogUniformCandidateSampler']);
        return [loss, soft, ops.flatMap((o) => o.outputs)];
      }) as [Tensor, Tensor, Tensor[]];
      const [r] = await run(ctx, g, [loss, soft, ...samp]);
      const [l, s, ...sv] = r!;
      const fill = (k: number): Problem => ({ ...p, sampled: nums(sv[k]!), te: nums(sv[k + 1]!).map((v) => [v]), se: nums(sv[k + 2]!) });
      const tol = (v: number): number => 1e-5 * (1 + Math.abs(v)) * dev.caps.tolScale;
      nums(l!).forEach((v, i) => expect(Math.abs(v - refNce(fill(0), false)[i]!)).toBeLessThanOrEqual(tol(v)));
      nums(s!).forEach((v, i) => expect(Math.abs(v - refSoftmax(fill(3), true)[i]!)).toBeLessThanOrEqual(tol(v)));
    });

    it('computeAccidentalHits: (row, last sampled position, -FLT_MAX) per label that was sampled, as TF\'s kernel', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [labels, sampled, hits] = g.asDefault(() => {
        const labels = tf.placeholder(tf.int64, [null, 2]);
        const sampled = tf.placeholder(tf.int64, [null]);
        return [labels, sampled, tf.nn.computeAccidentalHits(labels, sampled, 2)];
      });
      expect(hits.map((t) => [t.dtype, t.shape])).toEqual([['int32', [null]], ['int64', [null]], ['float32', [null]]]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const cases: [number[][], number[]][] = [[[[1, 4], [7, 1], [2, 3]], [4, 9, 1, 4]], [[[0, 0]], [5, 6]]];
        for (const [l, s] of cases) {
          const [i, j, w] = (await sess.run(hits, [[labels, l], [sampled, s]])) as NDArray[];
          const want: [number, number][] = [];
          l.forEach((row, r) => row.forEach((c) => { if (s.includes(c)) want.push([r, s.lastIndexOf(c)]); }));
          expect(nums(i!)).toEqual(want.map(([r]) => r));
          expect(nums(j!)).toEqual(want.map(([, p]) => p));
          expect(nums(w!)).toEqual(want.map(() => -FLT_MAX));
        }
      } finally {
        await sess.close();
      }
    });

    it('bad arguments fail with clear errors', () => {
      new tf.Graph().asDefault(() => {
        const l32 = tf.constant([[1]], tf.int32);
        expect(() => tf.nn.logUniformCandidateSampler(l32, 1, 2, true, 5)).toThrow(
          "Input 'true_classes' of 'LogUniformCandidateSampler' Op has type int32 that does not match expected type of int64.",
        );
        expect(() => tf.nn.uniformCandidateSampler(tf.constant([1], tf.int64), 1, 2, true, 5)).toThrow(/Shape must be rank 2 but is rank 1 for '.*' \(op: 'UniformCandidateSampler'\)/);
        expect(() => tf.nn.uniformCandidateSampler(tf.constant([[1]], tf.int64), 1, 0, true, 5)).toThrow(/num_sampled must be >= 1/);
        expect(() => tf.nn.nceLoss(tf.zeros([5, 2]), tf.zeros([5]), [[1]], tf.zeros([1, 2]), 2, 5, { bogus: 1 })).toThrow("nce_loss() got an unexpected keyword argument 'bogus'");
      });
    });

    it("run-time checks: TF's texts for a too-small range, a wrong column count and labels out of range", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [small, cols, out, ph] = g.asDefault(() => {
        const ph = tf.placeholder(tf.int64, [null, null]);
        return [tf.nn.uniformCandidateSampler(ph, 1, 6, true, 5)[0], tf.nn.uniformCandidateSampler(ph, 2, 2, true, 5)[0], tf.nn.logUniformCandidateSampler(ph, 1, 2, false, 5)[0], ph];
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const fail = (t: Tensor, v: number[][]): Promise<Error> => sess.run(t, [[ph, v]] as never).then(() => new Error('no error'), (e: Error) => e);
        expect((await fail(small, [[1]])).message).toContain("Sampler's range is too small.");
        expect((await fail(cols, [[1]])).message).toContain('true_classes must have num_true columns, expected: 1 was: 2');
        const e = await fail(out, [[7]]);
        expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
        expect(e.message).toContain('`true_candidate` out of range [0, 5), received 7');
      } finally {
        await sess.close();
      }
    });

    for (const dtype of ['float64', 'float32'] as const) {
      it(`gradients of nceLoss and sampledSoftmaxLoss w.r.t. weights (IndexedSlices), biases and inputs by finite differences (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        if (dtype === 'float64' && !dev.caps.float64) skipTest(ctx, `${dev.name}: no float64`);
        const sampled = [4, 1, 6];
        const sv = (): [Tensor, Tensor, Tensor] => [tf.constant(sampled, tf.int64), tf.constant([[0.3, 0.6], [0.2, 0.9]]), tf.constant([0.4, 0.5, 0.7])];
        const labels = [[1, 3], [0, 6]];
        for (const loss of [tf.nn.nceLoss, tf.nn.sampledSoftmaxLoss]) {
          await checkGradients(
            {
              name: loss.name,
              ins: [{ shape: [7, 3] }, { shape: [7] }, { shape: [2, 3] }],
              f: (w, b, x) => loss(w!, b!, tf.constant(labels, tf.int64), x!, 3, 7, { numTrue: 2, sampledValues: sv(), removeAccidentalHits: true }),
            },
            dtype,
            dev.options,
          );
        }
      });
    }
  });
}
