/**
 * TF1 idioms google-research/bert's modeling.py and optimization.py write (ported in
 * examples/tf1/bert): `tf.expand_dims(x, axis=[-1])` (a one-element list is TF's one-element
 * `dim` tensor; more elements is TF's shape-function error) and `tf.get_variable(name=…,
 * shape=…, initializer=…)` with every argument by keyword; a tf.train.Optimizer subclass that
 * defines apply_gradients only (TF's _create_slots / _prepare default to nothing, _apply_dense
 * raises NotImplementedError).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

describe('tf.expandDims with axis as a one-element list', () => {
  for (const d of devices) {
    it(`[${d.name}] axis [-1] and [1] insert the dim as -1 and 1 do`, async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const x = tf.constant([[1, 2, 3], [4, 5, 6]], { dtype: tf.int32 });
        const a = tf.expandDims(x, { axis: [-1] });
        const b = tf.expandDims(x, [1]);
        const c = tf.expandDims(x, { dim: [0] });
        expect(a.shape).toEqual([2, 3, 1]);
        expect(b.shape).toEqual([2, 1, 3]);
        expect(c.shape).toEqual([1, 2, 3]);
        const sess = new tf.Session({ ...d.options, graph: g });
        const [va, vb, vc] = await sess.run([a, b, c]);
        expect(va!.toArray()).toEqual([[[1], [2], [3]], [[4], [5], [6]]]);
        expect(vb!.toArray()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
        expect(vc!.toArray()).toEqual([[[1, 2, 3], [4, 5, 6]]]);
        await sess.close();
      });
    });
  }

  it('a list of two axes is TF\'s shape-function error; an axis out of range still says so', () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder(tf.float32, [2, 3]);
    expect(() => tf.expandDims(x, { axis: [0, 1] })).toThrow(
      /^'dim' input must be a tensor with a single value for 'ExpandDims' \(op: 'ExpandDims'\) with input shapes: \[2,3\], \[2\]/);
    expect(() => tf.expandDims(x, [])).toThrow(/'dim' input must be a tensor with a single value/);
    expect(() => tf.expandDims(x, [0.5])).toThrow(/axis must be an integer, got 0.5/);
    expect(() => tf.expandDims(x, [5])).toThrow(/5/);
  });
});

describe('tf.getVariable with every argument by keyword', () => {
  it('getVariable({name, shape, initializer, dtype, trainable}) is getVariable(name, {...})', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const w = tf.variableScope('embeddings', () =>
        tf.getVariable({ name: 'word_embeddings', shape: [3, 2], initializer: tf.constantInitializer(0.5) }));
      const m = tf.getVariable({ name: 'embeddings/word_embeddings/adam_m', shape: [3, 2], dtype: tf.float32, trainable: false, initializer: tf.zerosInitializer() });
      expect(w.name).toBe('embeddings/word_embeddings:0');
      expect(w.shape).toEqual([3, 2]);
      expect(m.name).toBe('embeddings/word_embeddings/adam_m:0');
      expect(tf.trainableVariables().map((v) => v.name)).toEqual(['embeddings/word_embeddings:0']);
      expect(tf.globalVariables().map((v) => v.name)).toEqual(['embeddings/word_embeddings:0', 'embeddings/word_embeddings/adam_m:0']);
      // reuse finds it by the same keyword call
      const again = tf.variableScope('embeddings', { reuse: true }, () => tf.getVariable({ name: 'word_embeddings', shape: [3, 2] }));
      expect(again).toBe(w);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      const [vw, vm] = await sess.run([w, m]);
      expect(vw!.toArray()).toEqual([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]);
      expect(vm!.toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
      await sess.close();
    });
  });

  it('its errors are those of the positional form', () => {
    tf.resetDefaultGraph();
    tf.getVariable({ name: 'v', shape: [2] });
    expect(() => tf.getVariable({ name: 'v', shape: [2] })).toThrow(/^Variable v already exists, disallowed/);
    expect(() => tf.getVariable({ name: 'u', shape: [2], bogus: 1 })).toThrow(/bogus/);
    expect(() => tf.getVariable({ shape: [2] } as never)).toThrow(/getVariable name must be a string/);
  });
});

describe('tf.train.Optimizer subclasses', () => {
  it('one that overrides applyGradients only needs nothing else; minimize through the base update says _apply_dense is missing', async () => {
    class Halving extends tf.train.Optimizer {
      constructor() {
        super(false, 'Halving');
      }
      override applyGradients(...args: Parameters<tf.train.Optimizer['applyGradients']>): tf.Operation {
        const pairs = args[0] as [tf.Tensor, tf.Variable][];
        return tf.group(...pairs.map(([, v]) => v.assign(tf.multiply(v, 0.5))));
      }
    }
    class Plain extends tf.train.Optimizer {
      constructor() {
        super(false, 'Plain');
      }
    }
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const w = new tf.Variable([4.0, -2.0], { name: 'w' });
      const loss = tf.reduceSum(tf.square(w));
      const step = new Halving().minimize(loss);
      expect(() => new Plain().minimize(loss)).toThrow(/^Plain does not implement _apply_dense$/);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(step);
      expect((await sess.run(w)).toArray()).toEqual([2, -1]);
      await sess.close();
    });
  });
});
