/**
 * tf.keras.layers.DenseFeatures: tf.feature_column.input_layer's value (columns sorted by name,
 * concatenated) with its variables in the layer's scope, reused by a second call; numbers worked
 * by hand from the assigned embedding table; TF's errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const L = tf.keras.layers;
const fc = tf.featureColumn;

describe('DenseFeatures', () => {
  it('numeric + embedding columns: [price, emb mean], variables dense_features/<col>/…, reused on a second call', async () => {
    const g = new tf.Graph();
    const { y1, y2, layer, assign, init } = g.asDefault(() => {
      const layer = new L.DenseFeatures([fc.numericColumn('price', { shape: [2] }), fc.embeddingColumn(fc.categoricalColumnWithIdentity('a', 3), 2, { combiner: 'mean' })]);
      const ids = new tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([0, 2, 1], 'int64'), [2, 2]);
      const feats = { price: tf.constant([[1, 2], [3, 4]]), a: ids };
      const y1 = layer.apply(feats) as tf.Tensor;
      const y2 = layer.apply({ price: tf.constant([[5, 6], [7, 8]]), a: ids }) as tf.Tensor;
      const v = layer.weights[0]!;
      return { y1, y2, layer, assign: tf.assign(v, tf.constant([[1, 2], [3, 4], [5, 6]])), init: tf.globalVariablesInitializer() };
    });
    expect(layer.weights.map((v) => v.name)).toEqual(['dense_features/a_embedding/embedding_weights:0']);
    expect(g.asDefault(() => tf.globalVariables().length)).toBe(1);
    expect(y1.shape).toEqual([2, 4]);
    const sess = new tf.Session({ graph: g });
    await sess.run(init);
    await sess.run(assign);
    const [a, b] = (await sess.run([y1, y2])) as NDArray[];
    // columns sorted by name: a_embedding first — row 0: mean(W[0], W[2]) = [3, 4]; row 1: W[1] = [3, 4]
    expect(Array.from(a!.data as Float32Array)).toEqual([3, 4, 1, 2, 3, 4, 3, 4]);
    expect(Array.from(b!.data as Float32Array)).toEqual([3, 4, 5, 6, 3, 4, 7, 8]);
    await sess.close();
  });
  it("TF's errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new L.DenseFeatures([])).toThrow('feature_columns must not be empty.');
      expect(() => new L.DenseFeatures([fc.categoricalColumnWithIdentity('a', 3)])).toThrow(/Items of feature_columns must be a DenseColumn/);
      expect(() => new L.DenseFeatures([fc.numericColumn('p')]).apply(tf.constant([1]))).toThrow(/We expected a dictionary here/);
    });
  });
});
