/**
 * GraphDef export of TensorArray graphs in TF 1.15's form (handle :0 and flow :1, the handle
 * entering loops through constant Enters, unstack/stack as Scatter/Gather over a Range, TF's attr
 * names), and the round trip: export → importGraphDef → run gives the original graph's numbers
 * for tf.nn.dynamicRnn (LSTM, GRU with sequenceLength), bidirectionalDynamicRnn and a raw loop
 * using every TensorArray method, on every device; Saver.save → importMetaGraph → restore.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import type { GraphDef, NodeDef } from '../../src/proto/framework.js';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const cellNs = tf.nn.rnnCell;
const dec = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const xv = (shape: number[]): NDArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new tf.NDArray(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 0.9), shape, 'float32');
};

/** A model built in a fresh graph: its output names, feeds, and an init op when it has variables. */
interface Model { g: tf.Graph; outs: string[]; feeds: Record<string, NDArray>; init: tf.Operation | null }

function model(build: () => tf.Tensor[], feeds: Record<string, NDArray>): Model {
  const g = new tf.Graph();
  let outs: string[] = [];
  let init: tf.Operation | null = null;
  g.asDefault(() => {
    outs = build().map((t, i) => tf.identity(t, { name: `out${i}` }).op.name);
    if (tf.globalVariables().length) init = tf.globalVariablesInitializer();
  });
  return { g, outs, feeds, init };
}

const lstm = (): Model =>
  model(() => {
    const x = tf.placeholder('float32', [2, 4, 3], 'x');
    const [out, st] = tf.nn.dynamicRnn(new cellNs.BasicLSTMCell(5), x, { dtype: 'float32' });
    return [out as tf.Tensor, (st as tf.nn.rnnCell.LSTMStateTuple).h];
  }, { 'x:0': xv([2, 4, 3]) });
const gruSeq = (): Model =>
  model(() => {
    const x = tf.placeholder('float32', [3, 4, 2], 'x');
    const sl = tf.placeholder('int32', [3], 'sl');
    const [out, st] = tf.nn.dynamicRnn(new cellNs.GRUCell(3), x, { dtype: 'float32', sequenceLength: sl });
    return [out as tf.Tensor, st as tf.Tensor];
  }, { 'x:0': xv([3, 4, 2]), 'sl:0': new tf.NDArray(Int32Array.of(4, 1, 2), [3], 'int32') });
const bidi = (): Model =>
  model(() => {
    const x = tf.placeholder('float32', [5, 2, 3], 'x');
    const [[fw, bw]] = tf.nn.bidirectionalDynamicRnn(new cellNs.BasicLSTMCell(2), new cellNs.GRUCell(3), x, { dtype: 'float32', timeMajor: true }) as unknown as [[tf.Tensor, tf.Tensor]];
    return [fw!, bw!];
  }, { 'x:0': xv([5, 2, 3]) });
/** Every TensorArray method, in and around a loop (the loop nested in another). */
const rawLoop = (): Model =>
  model(() => {
    const x = tf.placeholder('float32', [4, 2], 'x');
    const inTa = new tf.TensorArray('float32', 4).unstack(x);
    const outTa = new tf.TensorArray('float32', 4, { elementShape: [2] });
    const [, , done] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 4),
      (i: tf.Tensor, acc: tf.Tensor, ta: tf.TensorArray) => {
        // an inner loop reads the outer array too: its handle enters both frames
        const [, s] = tf.whileLoop((j: tf.Tensor) => tf.less(j, 2), (j: tf.Tensor, v: tf.Tensor) => [tf.add(j, 1), tf.add(v, inTa.read(i))], [tf.constant(0, 'int32'), tf.zeros([2])]) as tf.Tensor[];
        const a = tf.add(acc, tf.multiply(s!, 0.5));
        return [tf.add(i, 1), a, ta.write(i, tf.tanh(a))];
      },
      [tf.constant(0, 'int32'), tf.zeros([2]), outTa],
    ) as unknown as [tf.Tensor, tf.Tensor, tf.TensorArray];
    const stacked = done.stack();
    const gathered = done.gather([3, 0]);
    const sc = new tf.TensorArray('float32', 3).scatter([2, 0, 1], tf.slice(x, [0, 0], [3, 2]));
    const sp = new tf.TensorArray('float32', 2).split(tf.reshape(x, [8]), [4, 4]);
    const dyn = new tf.TensorArray('float32', 0, { dynamicSize: true }).write(0, tf.constant([1, 2])).write(2, tf.constant([5, 6]));
    return [stacked, gathered, sc.concat(), sp.stack(), sc.size(), dyn.stack()];
  }, { 'x:0': xv([4, 2]) });

async function runModel(m: Model, d: (typeof devices)[number]): Promise<{ values: NDArray[]; frozen: GraphDef }> {
  const sess = new tf.Session({ ...d.options, graph: m.g });
  try {
    if (m.init) await sess.run(m.init);
    const values = (await sess.run(m.outs.map((n) => m.g.getTensorByName(`${n}:0`)), m.feeds as never)) as NDArray[];
    const frozen = await tf.graphUtil.convertVariablesToConstants(sess, m.g.asGraphDef(), m.outs);
    return { values, frozen };
  } finally {
    await sess.close();
  }
}

describe('TensorArray graphs written as TF 1.15 writes them', () => {
  const gd = lstm().g.asGraphDef();
  const node = (name: string): NodeDef => {
    const n = gd.node.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };

  it('TensorArrayV3 with TF attrs; its flow read as :1; unstack as Shape/strided_slice/Range + TensorArrayScatterV3', () => {
    const ta = node('rnn/TensorArray_1');
    expect(ta.op).toBe('TensorArrayV3');
    expect(Object.keys(ta.attr).sort()).toEqual(['clear_after_read', 'dtype', 'dynamic_size', 'element_shape', 'identical_element_shapes', 'tensor_array_name']);
    expect(ta.attr.dtype!.type).toBe(1);
    expect(ta.attr.clear_after_read!.b).toBe(true);
    expect(ta.attr.dynamic_size!.b).toBe(false);
    const sc = node('rnn/TensorArrayUnstack/TensorArrayScatterV3');
    expect(sc.op).toBe('TensorArrayScatterV3');
    expect(sc.input).toEqual(['rnn/TensorArray_1', 'rnn/TensorArrayUnstack/range', 'rnn/transpose', 'rnn/TensorArray_1:1']);
    expect(Object.keys(sc.attr)).toEqual(['T']);
    const range = node('rnn/TensorArrayUnstack/range');
    expect(range.op).toBe('Range');
    expect(range.input[1]).toBe('rnn/TensorArrayUnstack/strided_slice');
    expect(node('rnn/TensorArrayUnstack/strided_slice').input[0]).toBe('rnn/TensorArrayUnstack/Shape');
    expect(node('rnn/TensorArrayUnstack/strided_slice').attr.shrink_axis_mask!.i).toBe(1);
    // a flow entering the loop is TF's float scalar
    const flowEnter = gd.node.find((n) => n.op === 'Enter' && n.input[0] === 'rnn/TensorArray:1')!;
    expect(flowEnter.attr.T!.type).toBe(1);
    expect(flowEnter.attr.is_constant!.b).toBe(false);
  });

  it('handles enter the loop once per array as constant resource Enters; read/write take the handle first', () => {
    const rd = gd.node.find((n) => n.op === 'TensorArrayReadV3')!;
    expect(rd.input).toHaveLength(3);
    const h = node(rd.input[0]!);
    expect(h.op).toBe('Enter');
    expect(h.name).toBe(`${rd.name}/Enter_1`);
    expect(h.input).toEqual(['rnn/TensorArray_1']);
    expect(h.attr.T!.type).toBe(20);
    expect(h.attr.is_constant!.b).toBe(true);
    expect(dec(h.attr.frame_name!.s)).toBe('rnn/while/while_context');
    expect(Object.keys(rd.attr)).toEqual(['dtype']);
    const wr = gd.node.find((n) => n.op === 'TensorArrayWriteV3')!;
    expect(wr.input).toHaveLength(4);
    expect(node(wr.input[0]!).input).toEqual(['rnn/TensorArray']);
    expect(node(wr.input[0]!).attr.T!.type).toBe(20);
    expect(gd.node.filter((n) => n.op === 'Enter' && n.attr.T?.type === 20)).toHaveLength(2);
  });

  it('stack as TensorArraySizeV3 + Range + TensorArrayGatherV3 with element_shape; no tsflow-only TensorArray types', () => {
    const ga = node('rnn/TensorArrayStack/TensorArrayGatherV3');
    expect(ga.op).toBe('TensorArrayGatherV3');
    expect(ga.input).toEqual(['rnn/TensorArray', 'rnn/TensorArrayStack/range', 'rnn/while/Exit_2']);
    expect(ga.attr.element_shape!.shape!.dim.map((x: { size: number | bigint }) => Number(x.size))).toEqual([2, 5]);
    expect(node('rnn/TensorArrayStack/TensorArraySizeV3').input).toEqual(['rnn/TensorArray', 'rnn/while/Exit_2']);
    expect(gd.node.filter((n) => /^TensorArray(Unstack|Stack|Grow)$/.test(n.op))).toEqual([]);
  });

  it('the nested loop: the outer array enters both frames, outer frame first', () => {
    const g = rawLoop().g.asGraphDef();
    const rd = g.node.find((n) => n.op === 'TensorArrayReadV3' && n.name.includes('while/while/'))!;
    const inner = g.node.find((n) => n.name === rd.input[0])!;
    const outer = g.node.find((n) => n.name === inner.input[0])!;
    expect([inner.op, outer.op]).toEqual(['Enter', 'Enter']);
    expect(dec(inner.attr.frame_name!.s)).not.toBe(dec(outer.attr.frame_name!.s));
    expect(outer.input[0]).toMatch(/^TensorArray(_\d+)?$/);
    expect(g.node.find((n) => n.name === outer.input[0])!.op).toBe('TensorArrayV3');
    const split = g.node.find((n) => n.op === 'TensorArraySplitV3')!;
    // TF's lengths are int64
    expect(g.node.find((n) => n.name === split.input[2])!.attr.dtype?.type ?? g.node.find((n) => n.name === split.input[2])!.attr.DstT!.type).toBe(9);
  });

  const cases: [string, () => Model][] = [['dynamicRnn LSTM', lstm], ['dynamicRnn GRU with sequenceLength', gruSeq], ['bidirectionalDynamicRnn', bidi], ['a raw loop with every TensorArray method', rawLoop]];
  for (const d of devices) {
    for (const [what, make] of cases) {
      it(`${what}: export → importGraphDef → run gives the same numbers on ${d.name}`, async (ctx) => {
        if (d.skipReason) skipTest(ctx, d.skipReason);
        const m = make();
        const { values, frozen } = await runModel(m, d);
        const g2 = new tf.Graph();
        g2.asDefault(() => tf.importGraphDef(frozen, { name: '' }));
        const s2 = new tf.Session({ ...d.options, graph: g2 });
        try {
          const got = (await s2.run(m.outs.map((n) => g2.getTensorByName(`${n}:0`)), m.feeds as never)) as NDArray[];
          got.forEach((v, i) => {
            expect(v.shape).toEqual(values[i]!.shape);
            const want = Array.from(values[i]!.data as ArrayLike<number>, Number);
            Array.from(v.data as ArrayLike<number>, Number).forEach((x, k) => expect(x).toBeCloseTo(want[k]!, 5));
          });
        } finally {
          await s2.close();
        }
      });
    }
  }
});

describe('Saver.save → tf.train.importMetaGraph → restore of an RNN model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsflow-ta-meta-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('runs the forward output from the .meta with the saved weights', async () => {
    const m = lstm();
    const saver = m.g.asDefault(() => new tf.train.Saver());
    const sess = new tf.Session({ graph: m.g });
    await sess.run(m.init!);
    const want = (await sess.run(m.g.getTensorByName('out0:0'), m.feeds as never)) as NDArray;
    const prefix = (await saver.save(sess, join(dir, 'rnn.ckpt')))!;
    await sess.close();
    const g2 = new tf.Graph();
    const s2 = g2.asDefault(() => tf.train.importMetaGraph(`${prefix}.meta`))!;
    const sess2 = new tf.Session({ graph: g2 });
    await s2.restore(sess2, prefix);
    const got = (await sess2.run(g2.getTensorByName('out0:0'), m.feeds as never)) as NDArray;
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    await sess2.close();
  });

  it("a training graph's .meta (dynamicRnn + minimize) imports: the forward output runs, the gradient loop's steps fail only when run", async () => {
    const g = new tf.Graph();
    const { init, saver } = g.asDefault(() => {
      const x = tf.placeholder('float32', [2, 3, 4], 'x');
      const [out] = tf.nn.dynamicRnn(new cellNs.BasicLSTMCell(5), x, { dtype: 'float32' });
      tf.identity(out as tf.Tensor, { name: 'out0' });
      new tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduceSum(tf.square(out as tf.Tensor)), { name: 'train' });
      return { init: tf.globalVariablesInitializer(), saver: new tf.train.Saver() };
    });
    const feeds = { 'x:0': xv([2, 3, 4]) };
    const sess = new tf.Session({ graph: g });
    await sess.run(init);
    const want = (await sess.run(g.getTensorByName('out0:0'), feeds as never)) as NDArray;
    const prefix = (await saver.save(sess, join(dir, 'train.ckpt')))!;
    const gd = g.asGraphDef();
    await sess.close();
    // tsflow's own gradient ops have no TF form: they are written as _TsflowGradientLoopOp nodes naming the op
    const opaque = gd.node.filter((n) => n.op === '_TsflowGradientLoopOp');
    expect(opaque.map((n) => dec(n.attr._tsflow_op!.s))).toEqual(expect.arrayContaining(['TensorArrayClearRows', 'TensorArrayReadGrad', 'TensorArrayAccumulateRead']));
    expect(opaque.every((n) => n.name.startsWith('gradients/'))).toBe(true);
    const g2 = new tf.Graph();
    const s2 = g2.asDefault(() => tf.train.importMetaGraph(`${prefix}.meta`))!;
    const sess2 = new tf.Session({ graph: g2 });
    await s2.restore(sess2, prefix);
    const got = (await sess2.run(g2.getTensorByName('out0:0'), feeds as never)) as NDArray;
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    const err = await sess2.run(g2.getOperationByName('train'), feeds as never).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(err!.message).toMatch(/^tsflow cannot run node 'gradients\/[^']+' imported from a GraphDef: it is tsflow's \w+, a step of the gradient of a while loop/);
    await sess2.close();
  });
});
