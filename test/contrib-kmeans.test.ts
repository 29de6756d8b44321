/**
 * tf.contrib.factorization.KMeans against a float64 JS re-implementation of TF 1.15's
 * clustering_ops.py rules: Lloyd steps (centers := Σ points / (count + 1e-6)), the cosine variant
 * (rows and centers l2-normalized), and the mini-batch rule x += (Σ d - m·x) / (n + m).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

type M = number[][];

/** A seeded set of points around `c` centers. */
function blobs(n: number, d: number, c: number, seed: number): M {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const centers = Array.from({ length: c }, () => Array.from({ length: d }, () => r() * 10 - 5));
  return Array.from({ length: n }, (_, i) => centers[i % c]!.map((v) => v + (r() - 0.5) * 2));
}

const norm = (v: number[]): number[] => {
  const s = Math.sqrt(Math.max(v.reduce((a, b) => a + b * b, 0), 1e-12));
  return v.map((x) => x / s);
};
const dist = (a: number[], b: number[], cosine: boolean): number =>
  cosine ? 1 - a.reduce((p, x, i) => p + x * b[i]!, 0) : a.reduce((p, x, i) => p + (x - b[i]!) ** 2, 0);

function assignRef(x: M, c: M, cosine: boolean): { idx: number[]; score: number[] } {
  const pts = cosine ? x.map(norm) : x;
  const cs = cosine ? c.map(norm) : c;
  const idx: number[] = [];
  const score: number[] = [];
  for (const p of pts) {
    let best = 0;
    for (let j = 1; j < cs.length; j++) if (dist(p, cs[j]!, cosine) < dist(p, cs[best]!, cosine)) best = j;
    idx.push(best);
    score.push(Math.max(dist(p, cs[best]!, cosine), 0));
  }
  return { idx, score };
}

function lloydRef(x: M, c: M, cosine: boolean): M {
  const pts = cosine ? x.map(norm) : x;
  const { idx } = assignRef(x, c, cosine);
  const sums = c.map((r) => r.map(() => 0));
  const cnt = c.map(() => 0);
  idx.forEach((j, i) => {
    cnt[j]! += 1;
    pts[i]!.forEach((v, t) => (sums[j]![t]! += v));
  });
  const next = sums.map((s, j) => s.map((v) => v / (cnt[j]! + 1e-6)));
  return cosine ? next.map((r) => (r.every((v) => v === 0) ? r : norm(r))) : next;
}

function miniBatchRef(x: M, c: M, counts: number[], cosine: boolean): M {
  const pts = cosine ? x.map(norm) : x;
  const { idx } = assignRef(x, c, cosine);
  const m = c.map(() => 0);
  const sums = c.map((r) => r.map(() => 0));
  idx.forEach((j, i) => {
    m[j]! += 1;
    pts[i]!.forEach((v, t) => (sums[j]![t]! += v));
  });
  const next = c.map((r, j) => (m[j] === 0 ? r : r.map((v, t) => v + (sums[j]![t]! - m[j]! * v) / (counts[j]! + m[j]!))));
  m.forEach((v, j) => (counts[j]! += v));
  return next;
}

const rows = (a: tf.NDArray): M => {
  const w = a.shape[1]!;
  return Array.from({ length: a.shape[0]! }, (_, i) => Array.from(a.data as Float64Array).slice(i * w, (i + 1) * w) as number[]);
};
const clustersVar = (): tf.Tensor => tf.globalVariables().find((v) => v.name === 'clusters:0')!.value();

function expectClose(a: M, b: M, tol = 1e-9): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - b[i]![j]!)).toBeLessThan(tol)));
}

describe('tf.contrib.factorization.KMeans', () => {
  for (const metric of ['squared_euclidean', 'cosine'] as const) {
    it(`full-batch Lloyd steps (${metric}) match the float64 reference`, async () => {
      const cosine = metric === 'cosine';
      const data = blobs(40, 3, 4, 7);
      const g = new tf.Graph();
      const { tg, clusters, init } = g.asDefault(() => {
        const x = tf.constant(data, 'float64');
        const km = new tf.contrib.factorization.KMeans(x, 4, { distanceMetric: metric, randomSeed: 3 });
        return { tg: km.trainingGraph(), clusters: clustersVar(), init: tf.globalVariablesInitializer() };
      });
      {
        const [allScores, idx, scores, initialized, initOp, trainOp] = tg;
        expect(idx.length).toBe(1);
        expect(idx[0]!.dtype).toBe('int64');
        expect(allScores[0]!.shape).toEqual([40, 4]);
        await using sess = new tf.Session({ graph: g });
        await sess.run(init);
        expect((await sess.run(initialized.value())).toArray()).toBe(false);
        await sess.run(initOp);
        expect((await sess.run(initialized.value())).toArray()).toBe(true);
        let c = rows(await sess.run(clusters));
        // The initial centers are input rows (normalized for cosine).
        for (const r of c) expect(data.some((p) => dist(cosine ? norm(p) : p, r, false) < 1e-20)).toBe(true);
        // A second init_op leaves them alone.
        await sess.run(initOp);
        expect(rows(await sess.run(clusters))).toEqual(c);
        for (let step = 0; step < 5; step++) {
          const ref = assignRef(data, c, cosine);
          const [i, s, a] = await sess.run([idx[0]!, scores[0]!, allScores[0]!]);
          expect(Array.from(i!.data as ArrayLike<number>, Number)).toEqual(ref.idx);
          (s!.data as Float64Array).forEach((v, n) => expect(Math.abs(v - ref.score[n]!)).toBeLessThan(1e-9));
          expect(Math.abs(a!.data[0]! - dist(cosine ? norm(data[0]!) : data[0]!, cosine ? norm(c[0]!) : c[0]!, cosine))).toBeLessThan(1e-9);
          await sess.run(trainOp);
          c = lloydRef(data, c, cosine);
          expectClose(rows(await sess.run(clusters)), c);
        }
      }
    });
  }

  for (const metric of ['squared_euclidean', 'cosine'] as const) {
    it(`mini-batch updates (${metric}) follow TF1's rule with per-cluster counts`, async () => {
      const cosine = metric === 'cosine';
      const data = blobs(60, 2, 3, 11);
      const g = new tf.Graph();
      const { x, tg, clusters, init } = g.asDefault(() => {
        const x = tf.placeholder('float64', [null, 2]);
        const km = new tf.contrib.factorization.KMeans({ inputs: x, numClusters: 3, distanceMetric: metric, useMiniBatch: true, randomSeed: 5 });
        return { x, tg: km.trainingGraph(), clusters: clustersVar(), init: tf.globalVariablesInitializer() };
      });
      {
        const [, idx, , , initOp, trainOp] = tg;
        await using sess = new tf.Session({ graph: g });
        const feed = (b: M) => new Map([[x, new tf.NDArray(Float64Array.from(b.flat()), [b.length, 2], 'float64')]]);
        await sess.run(init);
        await sess.run(initOp, feed(data));
        let c = rows(await sess.run(clusters));
        const counts = [1, 1, 1]; // TF1 starts the counts at one
        for (let step = 0; step < 4; step++) {
          const batch = data.slice(step * 15, step * 15 + 15);
          const ref = assignRef(batch, c, cosine);
          const [, i] = await sess.run([trainOp, idx[0]!], feed(batch));
          expect(Array.from(i!.data as ArrayLike<number>, Number)).toEqual(ref.idx);
          c = miniBatchRef(batch, c, counts, cosine);
          expectClose(rows(await sess.run(clusters)), c);
        }
      }
    });
  }

  it('mini-batch with miniBatchStepsPerIteration > 1 syncs the updated copy every n steps', async () => {
    const data = blobs(30, 2, 3, 13);
    const init = [data[0]!, data[1]!, data[2]!];
    const g = new tf.Graph();
    const { x, tg, clusters, varInit } = g.asDefault(() => {
      const x = tf.placeholder('float64', [null, 2]);
      const km = new tf.contrib.factorization.KMeans(x, 3, tf.constant(init, 'float64'), 'squared_euclidean', true, 2);
      return { x, tg: km.trainingGraph(), clusters: clustersVar(), varInit: tf.globalVariablesInitializer() };
    });
    {
      const [, , , , initOp, trainOp] = tg;
      await using sess = new tf.Session({ graph: g });
      const feed = (b: M) => new Map([[x, new tf.NDArray(Float64Array.from(b.flat()), [b.length, 2], 'float64')]]);
      await sess.run(varInit);
      await sess.run(initOp, feed(data));
      let master = init.map((r) => [...r]);
      let updated = init.map((r) => [...r]);
      let counts = [0, 0, 0];
      let inSteps = 2;
      for (let step = 0; step < 5; step++) {
        const batch = data.slice(step * 6, step * 6 + 6);
        if (inSteps <= 0) {
          inSteps = 1;
          master = updated.map((r) => [...r]);
          counts = [0, 0, 0];
        } else inSteps -= 1;
        // Assignments use the master copy; updates go to the updated copy. (As in TF1, nothing
        // orders the read of the master copy against a sync in the same step; on these batches
        // both copies give the same assignments, so the check does not depend on that order.)
        const { idx } = assignRef(batch, master, false);
        const m = [0, 0, 0];
        const sums = [[0, 0], [0, 0], [0, 0]];
        idx.forEach((j, i) => { m[j]! += 1; batch[i]!.forEach((v, t) => (sums[j]![t]! += v)); });
        updated = updated.map((r, j) => (m[j] === 0 ? r : r.map((v, t) => v + (sums[j]![t]! - m[j]! * v) / (counts[j]! + m[j]!))));
        m.forEach((v, j) => (counts[j]! += v));
        await sess.run(trainOp, feed(batch));
        expectClose(rows(await sess.run(clusters)), master);
      }
    }
  });

  it("TF1's errors for bad arguments", () => {
    new tf.Graph().asDefault(() => {
      const x = tf.constant(blobs(5, 2, 1, 1), 'float32');
      expect(() => new tf.contrib.factorization.KMeans(x, 2, { distanceMetric: 'l1' })).toThrow("Unsupported distance metric 'l1'");
      expect(() => new tf.contrib.factorization.KMeans(x, 2, { initialClusters: 'first' })).toThrow("Unsupported initialization algorithm 'first'");
      expect(() => new tf.contrib.factorization.KMeans(x, 6).trainingGraph()).toThrow(/fewer than num_clusters = 6/);
      expect(() => new tf.contrib.factorization.KMeans(x, 0).trainingGraph()).toThrow(/must be positive/);
      expect(() => new tf.contrib.factorization.KMeans(x, 2, 'kmeans_plus_plus')).toThrow(tf.errors.UnimplementedError);
    });
  });

  it('a fed batch with fewer points than clusters fails when init_op runs; enough points initialize', async () => {
    const g = new tf.Graph();
    const { x, initOp, initialized, init } = g.asDefault(() => {
      const x = tf.placeholder('float32', [null, 2]);
      const [, , , initialized, initOp] = new tf.contrib.factorization.KMeans(x, 4).trainingGraph();
      return { x, initOp, initialized, init: tf.globalVariablesInitializer() };
    });
    await using sess = new tf.Session({ graph: g });
    await sess.run(init);
    const batch = (n: number) => new Map([[x, new tf.NDArray(Float32Array.from({ length: 2 * n }, (_, i) => i), [n, 2])]]);
    await expect(sess.run(initOp, batch(3))).rejects.toThrow(/fewer points than num_clusters = 4/);
    expect((await sess.run(initialized.value())).toArray()).toBe(false);
    await sess.run(initOp, batch(4));
    expect((await sess.run(initialized.value())).toArray()).toBe(true);
  });
});
