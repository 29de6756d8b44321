/**
 * Graph membership wherever graph elements enter (TF1's ValueError texts): op inputs, control
 * dependencies, `tf.group`, fetches and feeds. An element of another graph never reaches a run
 * of this one.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { rejection, thrown } from './support/errors.js';

const firstLine = (e: Error): string => e.message.split('\n')[0]!;

/** Two graphs with a counter of the same name each: `inc` adds 100 to it. */
function twoGraphs() {
  const make = () => {
    const g = new tf.Graph();
    return g.asDefault(() => {
      const counter = new tf.Variable(0, { name: 'counter' });
      const inc = tf.assignAdd(counter, 100, 'inc').op;
      const x = tf.placeholder(tf.float32, [2], 'x');
      return { g, counter, inc, x, init: tf.globalVariablesInitializer() };
    });
  };
  return { a: make(), b: make() };
}

describe('graph membership', () => {
  it('controlDependencies on an op or tensor of another graph is a ValueError; nothing of that graph runs', async () => {
    const { a, b } = twoGraphs();
    const opsBefore = a.g.operations.length;
    const eOp = thrown(() => a.g.asDefault(() => tf.controlDependencies([b.inc], () => tf.identity(a.x))));
    expect(eOp).toBeInstanceOf(tf.errors.ValueError);
    expect(firstLine(eOp)).toBe('Operation name: "inc"');
    expect(eOp.message).toMatch(/ is not an element of this graph\.$/);
    const eT = thrown(() => a.g.controlDependencies([b.x], () => tf.identity(a.x)));
    expect(eT).toBeInstanceOf(tf.errors.ValueError);
    expect(eT.message).toBe('Tensor Tensor("x:0", shape=(2,), dtype=float32) is not an element of this graph.');
    // no op was added; A's counter moves, B's (same name, other graph) does not
    expect(a.g.operations.length).toBe(opsBefore);
    const sa = new tf.Session({ graph: a.g, threads: 1 });
    const sb = new tf.Session({ graph: b.g, threads: 1 });
    await sa.run(a.init);
    await sb.run(b.init);
    for (let i = 0; i < 3; i++) await sa.run(a.inc);
    expect((await sa.run(a.counter)).data[0]).toBe(300);
    expect((await sb.run(b.counter)).data[0]).toBe(0);
    await sa.close();
    await sb.close();
  });

  it('control dependencies by name resolve in the graph; other types are a TypeError', () => {
    const { a } = twoGraphs();
    const y = a.g.asDefault(() => tf.controlDependencies(['inc'], () => tf.identity(a.x)));
    expect(y.op.controlInputs).toEqual([a.inc]);
    const e = thrown(() => a.g.controlDependencies([3 as never], () => tf.identity(a.x)));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('Can not convert a number into a Tensor or Operation.');
  });

  it('op inputs from two graphs: "... must be from the same graph as ..."; inputs all from another graph build there', () => {
    const { a, b } = twoGraphs();
    const e = thrown(() => a.g.asDefault(() => tf.add(a.x, b.x)));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      'Tensor("x:0", shape=(2,), dtype=float32) must be from the same graph as Tensor("x:0", shape=(2,), dtype=float32).',
    );
    const e2 = thrown(() => tf.matmul(tf.reshape(a.x, [1, 2]), tf.reshape(b.x, [2, 1])));
    expect(e2).toBeInstanceOf(tf.errors.ValueError);
    expect(e2.message).toMatch(/^Tensor\("Reshape(_\d+)?:0", shape=\(2, 1\), dtype=float32\) must be from the same graph as Tensor\("Reshape(_\d+)?:0", shape=\(1, 2\), dtype=float32\)\.$/);
    // TF1 builds an op in its inputs' graph, whatever the default graph is
    const n = a.g.operations.length;
    const sum = a.g.asDefault(() => tf.add(b.x, b.x));
    expect(sum.graph).toBe(b.g);
    expect(a.g.operations.length).toBe(n);
  });

  it('tf.group of ops from two graphs is a ValueError', () => {
    const { a, b } = twoGraphs();
    const e = thrown(() => a.g.asDefault(() => tf.group(a.inc, b.inc)));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(firstLine(e)).toBe('name: "inc"');
    expect(e.message).toMatch(/must be from the same graph as name: "inc"\nop: "AssignAdd"\.$/);
    // ops of one other graph group there
    const g = a.g.asDefault(() => tf.group(b.inc, b.init));
    expect(g.graph).toBe(b.g);
  });

  it('fetches and feeds of another graph fail with TF1 texts before anything runs', async () => {
    const { a, b } = twoGraphs();
    const sess = new tf.Session({ graph: a.g, threads: 1 });
    await sess.run(a.init);
    const eOp = await rejection(sess.run(b.inc));
    expect(eOp).toBeInstanceOf(tf.errors.ValueError);
    expect(firstLine(eOp)).toBe(`Fetch argument <tf.Operation 'inc' type=AssignAdd> cannot be interpreted as a Tensor. (Operation name: "inc"`);
    const eVar = await rejection(sess.run(b.counter));
    expect(eVar).toBeInstanceOf(tf.errors.ValueError);
    expect(eVar.message).toBe(
      `Fetch argument <tf.Variable 'counter:0' shape=() dtype=float32_ref> cannot be interpreted as a Tensor. (Tensor Tensor("counter:0", shape=(), dtype=float32) is not an element of this graph.)`,
    );
    const eT = await rejection(sess.run([a.x, b.x], [[a.x, [1, 2]]]));
    expect(eT).toBeInstanceOf(tf.errors.ValueError);
    expect(eT.message).toBe(
      `Fetch argument <tf.Tensor 'x:0' shape=(2,) dtype=float32> cannot be interpreted as a Tensor. (Tensor Tensor("x:0", shape=(2,), dtype=float32) is not an element of this graph.)`,
    );
    const eFeed = await rejection(sess.run(a.counter, [[b.x, [1, 2]]]));
    expect(eFeed).toBeInstanceOf(TypeError);
    expect(eFeed.message).toBe('Cannot interpret feed_dict key as Tensor: Tensor Tensor("x:0", shape=(2,), dtype=float32) is not an element of this graph.');
    const eSync = thrown(() => sess.runSync(b.inc));
    expect(eSync).toBeInstanceOf(tf.errors.ValueError);
    // nothing ran
    expect((await sess.run(a.counter)).data[0]).toBe(0);
    await sess.close();
  });
});
