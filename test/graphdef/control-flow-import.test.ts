import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { graphDefFromText } from '../../src/graphdef/write-graph.js';
import type { GraphDef } from '../../src/proto/framework.js';

const GRAPHS = fileURLToPath(new URL('../fixtures/tf-graphs/', import.meta.url));
const readText = (f: string): GraphDef => graphDefFromText(readFileSync(GRAPHS + f, 'utf8'));
const gpu = await tf.webgpuAvailable();
const devices: ('cpu' | 'webgpu')[] = gpu ? ['cpu', 'webgpu'] : ['cpu'];

function load(gd: GraphDef, ret: string[]) {
  const g = new tf.Graph();
  const out = g.asDefault(() => tf.importGraphDef(gd, { returnElements: ret }))!;
  return { g, out: out as tf.Tensor[] };
}

/** The dynamic_rnn fixture's cell, recomputed in float64: h_t = tanh(x_t * W + 0.5 h_{t-1}). */
function rnnReference(x: number[][]): { outputs: number[][]; state: number[] } {
  const W = [0.5, -1.0];
  let h = [0.1, 0.2];
  const outputs: number[][] = [];
  for (const xt of x) {
    h = h.map((hj, j) => Math.tanh(xt[j]! * W[j]! + 0.5 * hj));
    outputs.push(h);
  }
  return { outputs, state: h };
}

describe('importGraphDef: TF1 while loops (Enter/Merge/Switch/LoopCond/NextIteration/Exit)', () => {
  it('TF\'s own while_loop graph (grappler scc_test): i < 10 ? i + 1 runs to 10', async () => {
    const { g, out: [r] } = load(readText('tf_grappler_scc_while.pbtxt'), ['while/Exit:0']);
    expect(g.getOperationByName('import/while/Enter').type).toBe('Enter');
    await using sess = new tf.Session({ graph: g });
    const v = (await sess.run(r!)) as tf.NDArray;
    expect(v.dtype).toBe('int32');
    expect(Array.from(v.data)).toEqual([10]);
  });

  it('a loop variable whose shape grows (shape_invariants, which a GraphDef does not keep) runs: TF\'s while_loop.pbtxt', async () => {
    // tf.while_loop(lambda i, m: i < 10, lambda i, m: [i + 1, tf.concat([m, m], axis=0)], [0, tf.ones([2, 2])])
    const gd = graphDefFromText(readFileSync(GRAPHS + 'control-flow/while_loop.pbtxt', 'utf8'));
    const { g, out: [i, m] } = load(gd, ['while/Exit:0', 'while/Exit_1:0']);
    expect(g.getTensorByName('import/while/Merge_1:0').shape).toEqual([null, 2]);
    await using sess = new tf.Session({ graph: g });
    const [iv, mv] = (await sess.run([i!, m!])) as tf.NDArray[];
    expect(Array.from(iv!.data)).toEqual([10]);
    expect(mv!.shape).toEqual([2 * 2 ** 10, 2]);
    expect(Array.from(mv!.data).every((v) => v === 1)).toBe(true);
  });

  it.each(devices)('a dynamic_rnn-style loop over TensorArrays (unstack, read, write, gather) gives the recurrence\'s numbers (%s)', async (device) => {
    const { g, out: [x, output, state] } = load(readText('tf1_dynamic_rnn_tensor_array.pbtxt'), ['x:0', 'output:0', 'state:0']);
    await using sess = new tf.Session({ graph: g, device });
    for (const xs of [[[1, 2], [-0.5, 0.25], [3, -1], [0, 0.5]], [[0.3, -0.7], [2, 1]]]) {
      const [o, s] = (await sess.run([output!, state!], new Map([[x!, xs]]))) as tf.NDArray[];
      const ref = rnnReference(xs);
      expect(o!.shape).toEqual([xs.length, 2]);
      Array.from(o!.data).forEach((v, i) => expect(v).toBeCloseTo(ref.outputs.flat()[i]!, 5));
      Array.from(s!.data).forEach((v, i) => expect(v).toBeCloseTo(ref.state[i]!, 5));
    }
  });

  it('the loop gives what the same loop built with tsflow ops directly gives', async () => {
    const { g, out: [x, output] } = load(readText('tf1_dynamic_rnn_tensor_array.pbtxt'), ['x:0', 'output:0']);
    const xs = [[1, 2], [-0.5, 0.25], [3, -1]];
    const got = (await new tf.Session({ graph: g }).run(output!, new Map([[x!, xs]]))) as tf.NDArray;
    const g2 = new tf.Graph();
    const want = await g2.asDefault(async () => {
      const xt = tf.constant(xs);
      const ta = new tf.TensorArray(tf.float32, 3).unstack(xt);
      const [, , outTa] = tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        (i: tf.Tensor, h: tf.Tensor, out: tf.TensorArray) => {
          const hn = tf.tanh(tf.add(tf.multiply(ta.read(i), tf.constant([0.5, -1.0])), tf.multiply(h, 0.5)));
          return [tf.add(i, 1), hn, out.write(i, hn)];
        },
        [tf.constant(0, { dtype: tf.int32 }), tf.constant([0.1, 0.2]), new tf.TensorArray(tf.float32, 3)],
      ) as unknown as [tf.Tensor, tf.Tensor, tf.TensorArray];
      return (await new tf.Session({ graph: g2 }).run(outTa.stack())) as tf.NDArray;
    });
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it('a cond inside a loop body and a loop nested in a loop (tsflow-built, through asGraphDef) give the built graph\'s numbers', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [], { name: 'x' });
      const [, acc] = tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 5),
        (i: tf.Tensor, a: tf.Tensor) => [tf.add(i, 1), tf.cond(tf.less(i, 2), () => tf.add(a, x), () => tf.multiply(a, 2))],
        [tf.constant(0, { dtype: tf.int32 }), tf.constant(1)],
      ) as tf.Tensor[];
      tf.identity(acc!, { name: 'out' });
      const [, s] = tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        (i: tf.Tensor, t: tf.Tensor) => {
          const [, inner] = tf.whileLoop((j: tf.Tensor) => tf.less(j, i), (j: tf.Tensor, u: tf.Tensor) => [tf.add(j, 1), tf.add(u, x)], [tf.constant(0, { dtype: tf.int32 }), t]) as tf.Tensor[];
          return [tf.add(i, 1), inner!];
        },
        [tf.constant(0, { dtype: tf.int32 }), tf.constant(0)],
      ) as tf.Tensor[];
      tf.identity(s!, { name: 'out2' });
    });
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    await using sess = new tf.Session({ graph: g2 });
    for (const x of [3, -0.5]) {
      const [a, b] = (await sess.run([g2.getTensorByName('out:0'), g2.getTensorByName('out2:0')], { 'x:0': x } as never)) as tf.NDArray[];
      // (1 + x + x) * 2 * 2 * 2, and x added 0 + 1 + 2 times
      expect(a!.data[0]).toBeCloseTo((1 + 2 * x) * 8, 5);
      expect(b!.data[0]).toBeCloseTo(3 * x, 5);
    }
  });

  it('feeding a loop\'s Enter or fetching a value inside the loop is refused', async () => {
    const { g } = load(readText('tf_grappler_scc_while.pbtxt'), []);
    await using sess = new tf.Session({ graph: g });
    await expect(sess.run('import/while/Add:0')).rejects.toThrow(/inside a while loop/);
    await expect(sess.run('import/while/Exit:0', { 'import/while/Enter:0': 3 })).rejects.toThrow(/may not be fed|cannot be fed/);
  });

  it('malformed frames are InvalidArgumentErrors naming the node, never a hang', () => {
    const base = readText('tf_grappler_scc_while.pbtxt');
    const without = (name: string): GraphDef => ({ ...base, node: base.node.filter((n) => n.name !== name) });
    const imp = (gd: GraphDef) => new tf.Graph().asDefault(() => tf.importGraphDef(gd));
    // no LoopCond: the Switch reads the Less directly
    const noCond = without('while/LoopCond');
    noCond.node = noCond.node.map((n) => (n.name === 'while/Switch' ? { ...n, input: ['while/Merge', 'while/Less'] } : n));
    expect(() => imp(noCond)).toThrow(tf.errors.InvalidArgumentError);
    expect(() => imp(noCond)).toThrow(/has 0 LoopCond nodes/);
    // a Merge that joins its Enter with something other than a NextIteration
    const noNext = base.node.map((n) => (n.name === 'while/Merge' ? { ...n, input: ['while/Enter', 'Const'] } : n));
    expect(() => imp({ ...base, node: noNext })).toThrow(/while\/Merge/);
    expect(() => imp({ ...base, node: noNext })).toThrow(tf.errors.InvalidArgumentError);
    // an op mixing a loop value with an outside value that did not enter the frame
    const mixed = base.node.map((n) => (n.name === 'while/Add' ? { ...n, input: ['while/Identity', 'Const'] } : n));
    expect(() => imp({ ...base, node: mixed })).toThrow(/The node 'while\/Add' has inputs from different frames/);
    // the older TensorArray ops are named, not silently mis-run
    const ta = { ...base, node: [...base.node, { name: 'ta', op: 'TensorArrayV2', input: ['Const'], device: '', attr: {} }] };
    expect(() => imp(ta)).toThrow(/Node 'ta' has op type TensorArrayV2/);
  });
});

describe('importGraphDef: TF1 conds (Switch/Merge), nested', () => {
  it.each(devices)('only the taken branch decides the value, for every predicate (%s)', async (device) => {
    const { g, out: [x, t, p2, m, m1, idx] } = load(readText('tf1_cond_nested.pbtxt'), ['x:0', 'is_training:0', 'p2:0', 'cond/Merge:0', 'cond_1/Merge:0', 'cond_1/Merge:1']);
    await using sess = new tf.Session({ graph: g, device });
    const xs = [1, -2, 4];
    for (const training of [true, false]) {
      for (const inner of [true, false]) {
        const [a, b, i] = (await sess.run([m!, m1!, idx!], new Map<tf.Tensor, unknown>([[x!, xs], [t!, training], [p2!, inner]]) as never)) as tf.NDArray[];
        expect(Array.from(a!.data)).toEqual(xs.map((v) => (training ? v * 2 : v + 1)));
        expect(Array.from(b!.data)).toEqual(xs.map((v) => (training ? v * 0.5 : inner ? v * 3 : v - 1)));
        expect(Array.from(i!.data)).toEqual([training ? 1 : 0]);
      }
    }
  });
});
