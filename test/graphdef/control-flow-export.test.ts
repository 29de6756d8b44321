/**
 * tsflow's own tf.whileLoop and tf.cond written by asGraphDef as TF1 writes them (control flow
 * v1 with TF's attrs: Enter's frame_name, is_constant, parallel_iterations; T; Merge's N), and
 * imported back into a fresh graph with the same numbers on every device of the harness.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const values = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

describe('tsflow loops and conds written as TF1 writes them', () => {
  const build = () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [], 'x');
      const k = tf.constant(3, { name: 'k' });
      const [, a] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 4), (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.add(tf.multiply(v, x), k)], [tf.constant(0, { dtype: 'int32' }), tf.constant(1)]) as tf.Tensor[];
      tf.identity(a!, { name: 'out' });
      tf.identity(tf.cond(tf.greater(x, 0), () => tf.multiply(x, 2), () => tf.negative(x)) as tf.Tensor, { name: 'cout' });
    });
    return g;
  };

  it("asGraphDef gives Enter its frame_name, is_constant and parallel_iterations, the others T (and Merge's N)", () => {
    const gd = build().asGraphDef();
    const node = (name: string) => gd.node.find((n) => n.name === name)!;
    const enter = node('while/Enter_1');
    expect(enter.op).toBe('Enter');
    expect(new TextDecoder().decode(enter.attr.frame_name!.s)).toBe('while/while_context');
    expect(enter.attr.is_constant!.b).toBe(false);
    expect(enter.attr.parallel_iterations!.i).toBe(10);
    // the captured x and k enter as loop constants
    const consts = gd.node.filter((n) => n.op === 'Enter' && n.attr.is_constant!.b).map((n) => n.input[0]);
    expect(consts.sort()).toEqual(['k', 'x']);
    expect(Object.keys(node('while/Merge_1').attr).sort()).toEqual(['N', 'T']);
    expect(node('while/Merge_1').input).toEqual(['while/Enter_1', 'while/NextIteration_1']);
    expect(Object.keys(node('while/Switch_1').attr)).toEqual(['T']);
    expect(Object.keys(node('while/Exit_1').attr)).toEqual(['T']);
    expect(Object.keys(node('while/NextIteration_1').attr)).toEqual(['T']);
    expect(Object.keys(node('while/LoopCond').attr)).toEqual([]);
    expect(node('cond/Merge').attr.N!.i).toBe(2);
  });

  for (const d of devices) {
    it(`imported back into a fresh graph, the same numbers on ${d.name}`, async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      g.asDefault(() => tf.importGraphDef(build().asGraphDef(), { name: '' }));
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        for (const [x, out, cout] of [[2, 61, 4], [-1, 1, 1]]) {
          // a = a·x + 3 four times from 1; cond: x > 0 ? 2x : −x
          const [o, c] = (await sess.run([g.getTensorByName('out:0'), g.getTensorByName('cout:0')], { 'x:0': x } as never)) as NDArray[];
          expect(values(o!)).toEqual([out]);
          expect(values(c!)).toEqual([cout]);
        }
      } finally {
        await sess.close();
      }
    });
  }
});
