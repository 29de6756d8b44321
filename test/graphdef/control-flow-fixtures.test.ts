/**
 * GraphDefs that TensorFlow itself wrote with tf.while_loop and tf.cond (control flow v1:
 * Enter/Merge/Switch/LoopCond/NextIteration/Exit), from TF's own test data
 * (test/fixtures/tf-graphs/control-flow, provenance in test/fixtures/NOTICE.md), imported and run
 * on every device of the harness. Each expected value is derived from the Python program TF's
 * sources give for the graph, not from a TF run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { graphDefFromText } from '../../src/graphdef/write-graph.js';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const dir = fileURLToPath(new URL('../fixtures/tf-graphs/control-flow/', import.meta.url));
const load = (f: string) => graphDefFromText(readFileSync(dir + f, 'utf8'));

/** Import `file` into a fresh graph and run `fetches` (GraphDef tensor names) with `feeds`. */
async function run(d: (typeof devices)[number], file: string, fetches: string[], feeds: Record<string, unknown> = {}): Promise<NDArray[]> {
  const g = new tf.Graph();
  g.asDefault(() => tf.importGraphDef(load(file), { name: '' }));
  const sess = new tf.Session({ ...d.options, graph: g });
  try {
    return (await sess.run(fetches.map((n) => g.getTensorByName(n)), feeds as never)) as NDArray[];
  } finally {
    await sess.close();
  }
}

const values = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

for (const d of devices) {
  describe(`TF-written control-flow graphs on ${d.name}`, () => {
    it('merge_without_loops.pbtxt: tf.cond(7 < 5, concat axis 0, concat axis 1), then concat axis 2; only the taken branch, value_index as TF', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      // 7 < 5 is false: f2 concatenates ones([1,1,1]) on axis 1 → [1,2,1], then axis 2 → [1,2,2].
      const [r, idx] = await run(d, 'merge_without_loops.pbtxt', ['concat:0', 'cond/Merge:1']);
      expect(r!.shape).toEqual([1, 2, 2]);
      expect(values(r!)).toEqual([1, 1, 1, 1]);
      // The Merge's inputs are (true branch, false branch): the false one is input 1.
      expect(idx!.dtype).toBe('int32');
      expect(values(idx!)).toEqual([1]);
      // Feeding the predicate true takes f1: axis 0 → [2,1,1], then axis 2 → [2,1,2].
      const [t, ti] = await run(d, 'merge_without_loops.pbtxt', ['concat:0', 'cond/Merge:1'], { 'Less:0': true });
      expect(t!.shape).toEqual([2, 1, 2]);
      expect(values(ti!)).toEqual([0]);
    });

    it('loop_optimizer_zero_iteration_while.pbtxt: while i < 10 from i = 20 runs no iteration', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [r] = await run(d, 'loop_optimizer_zero_iteration_while.pbtxt', ['while/Exit:0']);
      expect(r!.dtype).toBe('int32');
      expect(values(r!)).toEqual([20]);
    });

    it('loops_and_resource_vars.pbtxt: loop values from a resource variable read before the loop, a nested loop reading it through a constant Enter', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      // loop_var = 0; (i, j) = (loop_var, 1); while i < 3: (i + 1, j + j) → (3, 8). The inner
      // loop (over loop_var's value, entered as a DT_RESOURCE loop constant) feeds nothing.
      const g = new tf.Graph();
      g.asDefault(() => tf.importGraphDef(load('loops_and_resource_vars.pbtxt'), { name: '' }));
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        await sess.run(g.getOperationByName('loop_var/Assign'));
        const [i, j] = (await sess.run([g.getTensorByName('while/Exit:0'), g.getTensorByName('while/Exit_1:0')])) as NDArray[];
        expect(values(i!)).toEqual([3]);
        expect(values(j!)).toEqual([8]);
      } finally {
        await sess.close();
      }
    });

    it('loop_optimizer_constant_feed_cond.pbtxt: a string cond whose predicate is a fed Const', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      // Const_1 is true: the true branch's cond/Const ""; fed false: the value through Switch_1:0.
      const [t] = await run(d, 'loop_optimizer_constant_feed_cond.pbtxt', ['Identity:0']);
      expect(t!.toArray()).toEqual(['']);
      const [f] = await run(d, 'loop_optimizer_constant_feed_cond.pbtxt', ['Identity:0'], { 'Const_1:0': false });
      expect(f!.toArray()).toEqual(["I'm a value!"]);
    });

    it('while_loop.pbtxt: (i, m) → (i + 1, concat([m, m], 0)) while i < 10, m growing every iteration', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const [i, m] = await run(d, 'while_loop.pbtxt', ['while/Exit:0', 'while/Exit_1:0']);
      expect(values(i!)).toEqual([10]);
      // ones([2, 2]) doubled on axis 0 ten times.
      expect(m!.shape).toEqual([2048, 2]);
      expect(values(m!).every((v) => v === 1)).toBe(true);
    });

    it('nested_loop.pbtxt: a loop nested in a loop body, its result unused by the outer body', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      // The outer body concatenates its own m on axis 0 (3 iterations); the inner loop's Exit
      // is read by nothing, so the outer result is ones([1,1,1]) doubled three times on axis 0.
      const [i, m] = await run(d, 'nested_loop.pbtxt', ['while/Exit:0', 'while/Exit_1:0']);
      expect(values(i!)).toEqual([3]);
      expect(m!.shape).toEqual([8, 1, 1]);
      expect(values(m!)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    });
  });
}

describe('TF-written control-flow graphs: structure', () => {
  it('the frames of nested_loop.pbtxt: Enter frame names as TF wrote them, the inner frame nested in the outer body', () => {
    const gd = load('nested_loop.pbtxt');
    const frames = gd.node.filter((n) => n.op === 'Enter').map((n) => new TextDecoder().decode(n.attr.frame_name!.s));
    expect(frames).toEqual(['while/while/', 'while/while/', 'while/while/while/while/', 'while/while/while/while/']);
    // The inner loop's Enter takes the outer body's Identity_1: it runs once per outer iteration.
    expect(gd.node.find((n) => n.name === 'while/while/Enter_1')!.input).toEqual(['while/Identity_1']);
  });
});

describe('TF-written control-flow graphs: feeding inside a frame', () => {
  it('a value of an imported loop body may not be fed; the top-level Exit and the values entering may', async () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(load('while_loop.pbtxt'), { name: '' }));
    const sess = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    try {
      const exit = g.getTensorByName('while/Exit:0');
      for (const inside of ['while/Identity:0', 'while/Merge:0', 'while/add:0', 'while/Enter:0']) {
        await expect(sess.run(exit, { [inside]: 3 } as never)).rejects.toThrow(`Tensor ${g.getTensorByName(inside)} may not be fed.`);
      }
      // the loop's start fed from outside: 7, 8, 9 → 10
      expect(values((await sess.run(exit, { 'Const:0': 7 } as never)) as NDArray)).toEqual([10]);
    } finally {
      await sess.close();
    }
  });
});
