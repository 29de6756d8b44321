/**
 * tf.TensorShape / tf.Dimension (TF1's tensor_shape.py) as tensor.getShape() returns them, and
 * tensor.setShape: refined static shapes seen by the ops built afterwards, TF's texts for
 * conflicts, and the values unchanged when the graph runs.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

describe('TensorShape', () => {
  it('getShape(): asList, ndims, shape[i].value (negative from the end), numElements, toString', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 784]);
      const s = x.getShape();
      expect(s.asList()).toEqual([null, 784]);
      expect(s.ndims).toBe(2);
      expect(s[1]!.value).toBe(784);
      expect(s[-1]!.value).toBe(784);
      expect(s[0]!.value).toBeNull();
      expect(Number(s[1]) * 2).toBe(1568);
      expect(tf.dimensionValue(s[1]!)).toBe(784);
      expect(String(s)).toBe('(?, 784)');
      expect(s.isFullyDefined()).toBe(false);
      expect(s.numElements()).toBeNull();
      expect([...s].map(String)).toEqual(['?', '784']);
      const u = tf.placeholder(tf.float32).getShape();
      expect(String(u)).toBe('<unknown>');
      expect(u.ndims).toBeNull();
      expect(() => u.asList()).toThrow('as_list() is not defined on an unknown TensorShape.');
      const v = new tf.Variable(tf.zeros([2, 3]));
      expect(v.getShape().asList()).toEqual([2, 3]);
      expect(v.getShape().numElements()).toBe(6);
      expect(String(new tf.TensorShape([5]))).toBe('(5,)');
    });
  });

  it('merges, concatenates and checks ranks with TF\'s texts', () => {
    const a = new tf.TensorShape([null, 3]);
    expect(a.mergeWith([2, null]).asList()).toEqual([2, 3]);
    expect(() => a.mergeWith([2, 4])).toThrow('Shapes (?, 3) and (2, 4) are not compatible');
    expect(a.concatenate([7]).asList()).toEqual([null, 3, 7]);
    expect(a.isCompatibleWith([5, 3])).toBe(true);
    expect(a.isCompatibleWith([5, 3, 1])).toBe(false);
    expect(() => a.withRank(3)).toThrow('Shape (?, 3) must have rank 3');
    expect(tf.unknownShape(2).asList()).toEqual([null, null]);
  });
});

describe('setShape', () => {
  it('refines the static shape for the ops built after it; values are unchanged', async () => {
    const g = new tf.Graph();
    const { y, z, x } = g.asDefault(() => {
      const x = tf.placeholder(tf.float32);
      const y = tf.identity(x);
      y.setShape([null, 3]);
      y.setShape([2, null]);
      return { x, y, z: tf.reduceSum(y, 1) };
    });
    expect(y.shape).toEqual([2, 3]);
    expect(z.shape).toEqual([2]);
    expect(() => y.setShape([2, 4])).toThrow('Dimension 1 in both shapes must be equal, but are 3 and 4. Shapes are [2,3] and [2,4].');
    expect(() => y.setShape([2])).toThrow('Shapes must be equal rank, but are 2 and 1');
    const sess = new tf.Session({ graph: g });
    expect(((await sess.run(z, [[x, [[1, 2, 3], [4, 5, 6]]]])) as NDArray).toArray()).toEqual([6, 15]);
    await sess.close();
  });
});

describe('a TensorShape where a shape goes', () => {
  it('slices as Python does, and a shape or its Dimensions feed getVariable, placeholder and zeros', async () => {
    const g = new tf.Graph();
    const { v, p, z } = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 5, 8]);
      const s = x.getShape();
      expect(s.slice(-1).asList()).toEqual([8]);
      expect(s.slice(1).asList()).toEqual([5, 8]);
      expect(s.slice(0, 2).asList()).toEqual([null, 5]);
      expect(tf.placeholder(tf.float32).getShape().slice(1).ndims).toBeNull();
      const v = tf.getVariable('gamma', s.slice(-1), { initializer: tf.onesInitializer() });
      const p = tf.placeholder(tf.float32, s);
      const z = tf.zeros([s.get(1).value!, s.get(2).value!]);
      expect(tf.getVariable('beta', [s.get(2)], { initializer: tf.zerosInitializer() }).shape).toEqual([8]);
      expect(tf.placeholder(tf.float32, tf.placeholder(tf.float32).getShape()).shape).toBeNull();
      return { v, p, z };
    });
    expect(v.shape).toEqual([8]);
    expect(p.shape).toEqual([null, 5, 8]);
    expect(z.shape).toEqual([5, 8]);
    expect(() => g.asDefault(() => tf.getVariable('bad', new tf.TensorShape([null, 3])))).toThrow(/shape/);
  });
});
