/**
 * tf.metrics.average_precision_at_k / sparse_average_precision_at_k (TF 1.15 metrics_impl):
 * TF's metrics_test examples (fastml.com's mean average precision example), hand fractions:
 * per row Σ_{i ≤ k, rank i relevant} precision@i / min(#labels, k); float64 `max` / `total`
 * local variables, value total / max, weights scaling both.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const labels = [[0, 1, 2, 3, 4], [0, 2, 4, 5, 6]];
const predictions = [[0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3], [0.3, 0.5, 0.0, 0.4, 0.0, 0.1, 0.2]];
// top-5 indices: ex1 (5, 3, 6, 0, 1), relevant at ranks 2, 4, 5; ex2 (1, 3, 0, 6, 5), relevant at ranks 3, 4, 5
const ap1 = [0, (1 / 2) / 2, (1 / 2) / 3, (1 / 2 + 2 / 4) / 4];
const ap2 = [0, 0, (1 / 3) / 3, (1 / 3 + 2 / 4) / 4];

async function evalMetric(k: number, rows: number[], weights?: number[]): Promise<{ update: number; value: number; vars: string[] }> {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const [value, update] = tf.metrics.averagePrecisionAtK(
      tf.constant(rows.map((r) => labels[r]!), tf.int64), tf.constant(rows.map((r) => predictions[r]!)), k, weights ? { weights: tf.constant(weights) } : {},
    );
    return { value, update, init: tf.localVariablesInitializer(), vars: tf.localVariables().map((v) => v.name) };
  });
  const sess = new tf.Session({ graph: g });
  await sess.run(m.init);
  const u = (await sess.run(m.update)) as NDArray;
  const v = (await sess.run(m.value)) as NDArray;
  await sess.close();
  return { update: Number(u.data[0]), value: Number(v.data[0]), vars: m.vars };
}

describe('tf.metrics.averagePrecisionAtK', () => {
  for (const k of [1, 2, 3, 4]) {
    it(`k=${k}: each example, their mean, and weighted`, async () => {
      const one = await evalMetric(k, [0]);
      expect(one.update).toBeCloseTo(ap1[k - 1]!, 12);
      expect(one.value).toBeCloseTo(ap1[k - 1]!, 12);
      expect((await evalMetric(k, [1])).value).toBeCloseTo(ap2[k - 1]!, 12);
      expect((await evalMetric(k, [0, 1])).value).toBeCloseTo((ap1[k - 1]! + ap2[k - 1]!) / 2, 12);
      expect((await evalMetric(k, [0, 1], [0.3, 0.6])).value).toBeCloseTo((0.3 * ap1[k - 1]! + 0.6 * ap2[k - 1]!) / 0.9, 12);
    });
  }

  it('local variables named as TF names them; streams across runs; sparse alias; bad k', async () => {
    const { vars } = await evalMetric(2, [0]);
    expect(vars).toEqual(['average_precision_at_2/max:0', 'average_precision_at_2/total:0']);
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const l = tf.placeholder(tf.int64, [null, 5]);
      const p = tf.placeholder(tf.float32, [null, 7]);
      const [value, update] = tf.metrics.sparseAveragePrecisionAtK(l, p, 4);
      expect(() => tf.metrics.averagePrecisionAtK(l, p, 0)).toThrow('Invalid k=0.');
      return { l, p, value, update, init: tf.localVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    for (const r of [0, 1]) await sess.run(m.update, new Map<tf.Tensor, NDArray>([[m.l, new tf.NDArray(Float64Array.from(labels[r]!), [1, 5], 'int64')], [m.p, new tf.NDArray(Float32Array.from(predictions[r]!), [1, 7], 'float32')]]));
    expect(Number(((await sess.run(m.value)) as NDArray).data[0])).toBeCloseTo((ap1[3]! + ap2[3]!) / 2, 12);
    await sess.close();
  });
});
