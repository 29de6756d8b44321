/**
 * A reduction over all axes of a tensor of unknown rank (`tf.reduceMean(tf.placeholder(tf.float32))`)
 * is written to a GraphDef as TF's _ReductionDims writes it: reduction_indices = Range(0, Rank(x), 1).
 * The graph imports back and reduces feeds of any rank.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('reduce over all axes of an unknown-rank tensor in a GraphDef', () => {
  it('exports Range(0, Rank(x), 1) and imports back to the same values', async () => {
    const g = new tf.Graph();
    const gd = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, undefined, 'x');
      tf.reduceMean(x, { name: 'm' });
      tf.reduceMax(x, { name: 'mx', keepdims: true });
      return g.asGraphDef();
    });
    const byName = new Map(gd.node.map((n) => [n.name, n]));
    expect(byName.get('m')!.op).toBe('Mean');
    expect(byName.get('m')!.input).toEqual(['x', 'm/range']);
    expect(byName.get('m/range')!.op).toBe('Range');
    expect(byName.get('m/range')!.input).toEqual(['m/range/start', 'm/Rank', 'm/range/delta']);
    expect(byName.get('m/Rank')!.op).toBe('Rank');
    expect(byName.get('m/Rank')!.input).toEqual(['x']);

    const g2 = new tf.Graph();
    await g2.asDefault(async () => {
      tf.importGraphDef(gd, { name: '' });
      await using s = new tf.Session({ graph: g2 });
      // numpy: np.mean([[1, 2], [3, 6]]) = 3, np.mean([[[1], [2]], [[3], [10]]]) = 4
      expect((await s.run('m:0', { 'x:0': [[1, 2], [3, 6]] })).toArray()).toBe(3);
      expect((await s.run('m:0', { 'x:0': [[[1], [2]], [[3], [10]]] })).toArray()).toBe(4);
      expect((await s.run('m:0', { 'x:0': 5 })).toArray()).toBe(5);
      const mx = await s.run('mx:0', { 'x:0': [[[1], [7]], [[3], [10]]] });
      expect(mx.shape).toEqual([1, 1, 1]);
      expect(mx.toArray()).toEqual([[[10]]]);
    });
  });

  it('a Saver writes the MetaGraph of such a graph', async () => {
    const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tsflow-reduce-rank-'));
    try {
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const x = tf.placeholder(tf.float32);
        const v = new tf.Variable(2.0);
        tf.reduceMean(tf.multiply(x, v));
        const saver = new tf.train.Saver();
        await using s = new tf.Session({ graph: g });
        await s.run(tf.globalVariablesInitializer());
        const p = await saver.save(s, join(dir, 'm'));
        expect(existsSync(`${p}.meta`)).toBe(true);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
