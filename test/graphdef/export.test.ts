import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode } from '../../src/proto/codec.js';
import { type GraphDef, GraphDefT } from '../../src/proto/framework.js';
import { graphDefFromText } from '../../src/graphdef/write-graph.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-graphdef-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const X = new tf.NDArray(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 2), [6, 4]);
const LABELS = new tf.NDArray(Int32Array.from([0, 1, 2, 1, 0, 2]), [6], 'int32');

/** A small classifier with reshape, conv-free dense layers, a reduction and an SGD train op. */
function build() {
  const x = tf.placeholder(tf.float32, [null, 4], 'x');
  const labels = tf.placeholder(tf.int32, [null], 'labels');
  const w = new tf.Variable(tf.constant(Array.from({ length: 12 }, (_, i) => (i % 5) * 0.1 - 0.2), tf.float32, [4, 3]), { name: 'W' });
  const b = new tf.Variable(tf.constant([0.1, -0.1, 0.05]), { name: 'b' });
  const h = tf.reshape(tf.add(tf.matmul(x, w), b), [-1, 3]);
  const probs = tf.nn.softmax(tf.nn.relu(h), -1, 'probs');
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: h }), undefined, false, 'loss');
  const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss, { name: 'train' });
  const init = tf.globalVariablesInitializer();
  return { x, labels, probs, loss, train, init };
}

async function trained(steps: number) {
  const g = new tf.Graph();
  const m = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  await sess.run(m.init);
  for (let i = 0; i < steps; i++) await sess.run(m.train, new Map([[m.x, X], [m.labels, LABELS]]));
  return { g, m, sess };
}

describe('graph.asGraphDef', () => {
  it('writes TF1 NodeDefs: op types, attrs, :N and ^ctrl inputs, folded inputs as Consts, _class', () => {
    const g = new tf.Graph();
    g.asDefault(build);
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    const mm = node('MatMul');
    expect(mm.op).toBe('MatMul');
    expect(mm.input).toEqual(['x', 'W/read']);
    expect(mm.attr.T).toEqual({ type: 1 });
    expect(mm.attr.transpose_a).toEqual({ b: false });
    expect(node('x').attr.shape!.shape).toEqual({ dim: [{ size: -1, name: '' }, { size: 4, name: '' }], unknownRank: false });
    expect(node('W').op).toBe('VariableV2');
    expect(node('W/read').attr._class!.list!.s.map((s) => new TextDecoder().decode(s))).toEqual(['loc:@W']);
    const rs = node('Reshape');
    expect(rs.input).toEqual(['Add', 'Reshape/shape']);
    expect(node('Reshape/shape').attr.value!.tensor!.tensorContent.length).toBe(8);
    expect(gd.node.some((n) => n.input.some((i) => /:1$/.test(i)))).toBe(true);
    expect(node('init').input.every((i) => i.startsWith('^'))).toBe(true);
    expect(g.getOperationByName('MatMul').nodeDef).toEqual(mm);
    expect(gd.versions!.producer).toBeGreaterThan(0);
  });

  it('export → import into a fresh graph gives the same numbers and trains the same', async () => {
    const { g, m, sess } = await trained(0);
    const gd = g.asGraphDef();
    const g2 = new tf.Graph();
    const [x2, l2, p2, loss2, train2, init2] = g2.asDefault(() =>
      tf.importGraphDef(gd, { name: '', returnElements: ['x:0', 'labels:0', 'probs:0', 'loss:0', 'train', 'init'] }),
    )! as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Operation, tf.Operation];
    const s2 = new tf.Session({ graph: g2 });
    await s2.run(init2);
    for (let i = 0; i < 3; i++) {
      await sess.run(m.train, new Map([[m.x, X], [m.labels, LABELS]]));
      await s2.run(train2, new Map([[x2, X], [l2, LABELS]]));
    }
    const [pa, la] = (await sess.run([m.probs, m.loss], new Map([[m.x, X], [m.labels, LABELS]]))) as tf.NDArray[];
    const [pb, lb] = (await s2.run([p2, loss2], new Map([[x2, X], [l2, LABELS]]))) as tf.NDArray[];
    expect(Array.from(pb!.data)).toEqual(Array.from(pa!.data));
    expect(lb!.data[0]).toBe(la!.data[0]);
    await sess.close();
    await s2.close();
  });

  it('tf.pad exports as TF\'s PadV2 / MirrorPad (paddings and constant_values as Const inputs) and imports back', async () => {
    const g = new tf.Graph();
    const [a, r] = g.asDefault(() => {
      const x = tf.constant([[1, 2, 3], [4, 5, 6]], tf.float32);
      return [tf.pad(x, [[1, 0], [0, 2]], 'CONSTANT', 'padded', 9), tf.pad(x, [[0, 1], [2, 1]], 'REFLECT', 'mirrored')];
    });
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('padded').op).toBe('PadV2');
    expect(node('padded').input).toEqual(['Const', 'padded/paddings', 'padded/constant_values']);
    expect(node('mirrored').op).toBe('MirrorPad');
    expect(new TextDecoder().decode(node('mirrored').attr.mode!.s)).toBe('REFLECT');
    const g2 = new tf.Graph();
    const [a2, r2] = g2.asDefault(() => tf.importGraphDef(gd, { name: '', returnElements: ['padded:0', 'mirrored:0'] }))! as tf.Tensor[];
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const want = (await s1.run([a!, r!])) as tf.NDArray[];
    const got = (await s2.run([a2!, r2!])) as tf.NDArray[];
    expect(got.map((v) => v.shape)).toEqual([[3, 5], [3, 6]]);
    got.forEach((v, i) => expect(Array.from(v.data)).toEqual(Array.from(want[i]!.data)));
    expect(Array.from(got[0]!.data.slice(0, 5))).toEqual([9, 9, 9, 9, 9]);
    await s1.close();
    await s2.close();
  });

  it('writeGraph writes binary and pbtxt GraphDefs that read back to the same graph', () => {
    const g = new tf.Graph();
    g.asDefault(build);
    const gd = g.asGraphDef();
    const bin = tf.train.writeGraph(g, path.join(root, 'out'), 'graph.pb', false);
    const txt = tf.train.writeGraph(gd, path.join(root, 'out'), 'graph.pbtxt');
    expect(bin).toBe(path.join(root, 'out', 'graph.pb'));
    const fromBin = decode<GraphDef>(GraphDefT, new Uint8Array(fs.readFileSync(bin)));
    const text = fs.readFileSync(txt, 'utf8');
    expect(text).toContain('node {\n  name: "x"\n  op: "Placeholder"\n');
    expect(text).toContain('      type: DT_FLOAT\n');
    const fromText = graphDefFromText(text);
    expect(fromBin).toEqual(decode(GraphDefT, new Uint8Array(fs.readFileSync(bin))));
    expect(fromText.node.map((n) => [n.name, n.op, n.input])).toEqual(gd.node.map((n) => [n.name, n.op, n.input]));
    expect(fromText.node.find((n) => n.name === 'W')!.attr).toEqual(fromBin.node.find((n) => n.name === 'W')!.attr);
  });
});

describe('zeros_like / ones_like', () => {
  it("are written as TF's ZerosLike / OnesLike (attr T), a dtype change as tsflow's FillLike, and import back to the same values", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2, 2], 'x');
      tf.add(tf.zerosLike(x), tf.onesLike(x), 'sum');
      tf.zerosLike(x, tf.int32, 'ints');
      tf.gradients(tf.reduceSum(tf.square(x)), [x]);
    });
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('zeros_like').op).toBe('ZerosLike');
    expect(node('ones_like').op).toBe('OnesLike');
    expect(node('ones_like').attr).toEqual({ T: { type: 1 } });
    expect(node('gradients/grad_ys_0').op).toBe('OnesLike');
    expect(node('ints').op).toBe('FillLike');
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    expect(((await sess.run('sum:0', { 'x:0': [[1, 2], [3, 4]] })) as tf.NDArray).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(((await sess.run('ints:0', { 'x:0': [[1, 2], [3, 4]] })) as tf.NDArray).dtype).toBe('int32');
    await sess.close();
  });
});

describe('tf.graphUtil', () => {
  it('extractSubGraph keeps what the outputs need, in GraphDef order', () => {
    const g = new tf.Graph();
    g.asDefault(build);
    const sub = tf.graphUtil.extractSubGraph(g.asGraphDef(), ['probs']);
    const names = sub.node.map((n) => n.name);
    expect(names).toContain('W');
    expect(names).not.toContain('labels');
    expect(names).not.toContain('train');
    expect(() => tf.graphUtil.extractSubGraph(g.asGraphDef(), ['nope'])).toThrow('nope is not in graph');
    expect(() => tf.graphUtil.extractSubGraph({} as GraphDef, ['x'])).toThrow('graph_def must be a graph_pb2.GraphDef proto.');
  });

  it('convertVariablesToConstants freezes a trained graph; the frozen .pb predicts the same', async () => {
    const { g, m, sess } = await trained(5);
    const frozen = await tf.graphUtil.convertVariablesToConstants(sess, g.asGraphDef(), ['probs']);
    expect(frozen.node.find((n) => n.name === 'W')!.op).toBe('Const');
    expect(frozen.node.some((n) => n.op === 'VariableV2' || n.op === 'Assign')).toBe(false);
    const file = tf.train.writeGraph(frozen, root, 'frozen.pb', false);
    const want = (await sess.run(m.probs, new Map([[m.x, X]]))) as tf.NDArray;
    const g2 = new tf.Graph();
    const [x2, p2] = g2.asDefault(() => tf.importGraphDef(new Uint8Array(fs.readFileSync(file)), { returnElements: ['x:0', 'probs:0'] }))! as tf.Tensor[];
    const s2 = new tf.Session({ graph: g2 });
    const got = (await s2.run(p2!, new Map([[x2!, X]]))) as tf.NDArray;
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    await sess.close();
    await s2.close();
  });
});
