/**
 * `tf.convertToTensor` and TF's autopacking (array_ops.py `_autopacking_conversion_function`):
 * lists holding tensors become a `Pack` wherever a tensor is expected, with TF's op names and
 * dtype rules; lists without tensors stay constants.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const inGraph = <T>(fn: () => T): T => new tf.Graph().asDefault(fn);

async function run<T>(t: tf.Tensor, feeds?: [tf.Tensor, unknown][]): Promise<unknown> {
  const s = new tf.Session({ graph: t.graph });
  try {
    return (await s.run(t, feeds as never)).toArray();
  } finally {
    await s.close();
  }
}

describe('autopacking', () => {
  it('tf.reduceMean([a, b]) packs the tensors', async () => {
    const m = inGraph(() => tf.reduceMean([tf.constant(1), tf.constant(3)]));
    const pack = m.op.inputs[0]!.op;
    expect(pack.type).toBe('Pack');
    expect(pack.name).toBe('packed');
    expect(await run(m)).toBe(2);
  });

  it('host values take the first tensor\'s dtype and are named packed/i; inner lists pack under packed/i', async () => {
    const [p, x] = inGraph(() => {
      const x = tf.placeholder(tf.int32, [], 'x');
      return [tf.convertToTensor([[x, 2], [3, x]]), x] as const;
    });
    expect(p.dtype).toBe('int32');
    expect(p.shape).toEqual([2, 2]);
    const names = p.graph.operations.map((o) => `${o.name}:${o.type}`);
    expect(names).toEqual(['x:Placeholder', 'packed/0/1:Const', 'packed/0:Pack', 'packed/1/0:Const', 'packed/1:Pack', 'packed:Pack']);
    expect(await run(p, [[x, 7]])).toEqual([[7, 2], [3, 7]]);
  });

  it('variables pack; a list holding tensors is a reshape shape', async () => {
    const [r, v, x] = inGraph(() => {
      const v = new tf.Variable(2, { dtype: tf.int32 });
      const x = tf.placeholder(tf.float32, [null, 6]);
      expect(tf.convertToTensor([v, 1]).op.inputs[0]).toBe(v.value());
      return [tf.reshape(x, [tf.index(tf.shape(x), 0), 2, -1]), v, x] as const;
    });
    const s = new tf.Session({ graph: r.graph });
    await s.run(v.initializer);
    expect((await s.run(r, [[x, new tf.NDArray(new Float32Array(24), [4, 6])]])).shape).toEqual([4, 2, 3]);
    await s.close();
  });

  it('binary ops pack a list beside a tensor in its dtype', async () => {
    const y = inGraph(() => {
      const a = tf.constant(2);
      return tf.multiply(a, [a, 1]);
    });
    expect(await run(y)).toEqual([4, 2]);
  });

  it('lists without tensors stay constants', () => {
    inGraph(() => {
      const c = tf.convertToTensor([[1, 2], [3, 4]]);
      expect(c.op.type).toBe('Const');
      expect(c.op.name).toBe('Const');
    });
  });

  it("TF's errors", () => {
    inGraph(() => {
      const f = tf.constant(1.5, tf.float32, undefined, 'f');
      const i = tf.constant(1, tf.int32, undefined, 'i');
      expect(() => tf.convertToTensor([f, i])).toThrow(
        "Cannot convert a list containing a tensor of dtype <dtype: 'int32'> to <dtype: 'float32'> (Tensor is: <tf.Tensor 'i:0' shape=() dtype=int32>)",
      );
      expect(() => tf.convertToTensor(f, tf.int32)).toThrow(
        "Tensor conversion requested dtype int32 for Tensor with dtype float32: <tf.Tensor 'f:0' shape=() dtype=float32>",
      );
      expect(() => tf.convertToTensor([f, tf.constant([1, 2])])).toThrow(/Shapes/);
    });
  });
});

describe('tf.convertToTensor', () => {
  it('tensors as they are, variables as their value, host values as Consts with dtype and name', async () => {
    inGraph(() => {
      const t = tf.constant(1);
      expect(tf.convertToTensor(t)).toBe(t);
      const v = new tf.Variable([1, 2]);
      expect(tf.convertToTensor(v)).toBe(v.value());
      const c = tf.convertToTensor([1, 2], tf.int32, 'c');
      expect([c.dtype, c.op.name]).toEqual(['int32', 'c']);
      const d = tf.convertToTensor(3, { name: 'three', dtype: tf.float32 });
      expect([d.dtype, d.op.name]).toEqual(['float32', 'three']);
      // preferredDtype is a hint: used when the value converts, ignored otherwise
      expect(tf.convertToTensor(3, { preferredDtype: tf.int32 }).dtype).toBe('int32');
      expect(tf.convertToTensor(true, { preferredDtype: tf.int32 }).dtype).toBe('int32');
    });
  });
});
