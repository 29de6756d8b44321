/**
 * MetaGraph export as TF 1.15 writes it: meta_info_def.stripped_op_list (the OpDef of each op
 * type used, sorted by name, with attr defaults), strip_default_attrs in
 * tf.train.exportMetaGraph / Saver.save / SavedModelBuilder (attrs equal to the OpDef default
 * dropped), and import re-adding the defaults, so a stripped MetaGraph imports back and runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode, encode, fromText } from '../../src/proto/codec.js';
import { type GraphDef, GraphDefT, OpListT } from '../../src/proto/framework.js';
import { type MetaGraphDef, MetaGraphDefT } from '../../src/proto/meta-graph.js';
import { opDefOf, withDefaultAttrs } from '../../src/graphdef/op-defs.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tsflow-strip-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function build() {
  const x = tf.placeholder(tf.float32, [null, 2], 'x');
  const p = tf.placeholder(tf.float32, null, 'p');
  const w = new tf.Variable(tf.constant([[1, 2], [3, 4]], tf.float32), { name: 'w' });
  const y = tf.add(tf.reduceSum(tf.matmul(x, w), 1), tf.reduceSum(tf.square(p), [0]), 'y');
  const saver = new tf.train.Saver();
  return { x, p, w, y, saver };
}

const node = (mg: MetaGraphDef, name: string) => mg.graphDef!.node.find((n) => n.name === name)!;
const attrs = (mg: MetaGraphDef, name: string) => Object.keys(node(mg, name).attr).sort();

describe('stripped_op_list', () => {
  it("holds the OpDef of each op type used, sorted, with TF's attr defaults", () => {
    const g = new tf.Graph();
    const mg = g.asDefault(() => {
      build();
      return tf.train.exportMetaGraph();
    });
    const ops = (mg.metaInfoDef!.strippedOpList as { op: { name: string }[] }).op;
    const names = ops.map((o) => o.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(['Add', 'Assign', 'Const', 'Identity', 'MatMul', 'NoOp', 'Placeholder', 'RestoreV2', 'SaveV2', 'Square', 'Sum', 'VariableV2']);
    expect(new Set(names)).toEqual(new Set(mg.graphDef!.node.map((n) => n.op)));
    // Through the wire format and back: TF's OpDef fields.
    const back = decode<{ op: any[] }>(OpListT, encode(OpListT, mg.metaInfoDef!.strippedOpList as never));
    const matmul = back.op.find((o) => o.name === 'MatMul')!;
    expect(matmul.inputArg.map((a: any) => [a.name, a.typeAttr])).toEqual([['a', 'T'], ['b', 'T']]);
    expect(matmul.outputArg.map((a: any) => a.name)).toEqual(['product']);
    expect(matmul.attr.map((a: any) => [a.name, a.type, a.defaultValue?.b])).toEqual([['transpose_a', 'bool', false], ['transpose_b', 'bool', false], ['T', 'type', undefined]]);
    expect(matmul.attr[2].allowedValues.list.type).toEqual([14, 19, 1, 2, 3, 9, 8, 18]);
    const assign = back.op.find((o) => o.name === 'Assign')!;
    expect(assign.inputArg[0]).toMatchObject({ name: 'ref', typeAttr: 'T', isRef: true });
    expect(assign.allowsUninitializedInput).toBe(true);
    const variable = back.op.find((o) => o.name === 'VariableV2')!;
    expect(variable.isStateful).toBe(true);
    expect(variable.attr.map((a: any) => a.name)).toEqual(['shape', 'dtype', 'container', 'shared_name']);
    const sum = back.op.find((o) => o.name === 'Sum')!;
    expect(sum.attr.find((a: any) => a.name === 'Tidx').defaultValue.type).toBe(3);
    expect(sum.attr.find((a: any) => a.name === 'keep_dims').defaultValue.b).toBe(false);
    const ph = back.op.find((o) => o.name === 'Placeholder')!;
    expect(ph.attr[1].defaultValue.shape.unknownRank).toBe(true);
    const save = back.op.find((o) => o.name === 'SaveV2')!;
    expect(save.inputArg[3]).toMatchObject({ name: 'tensors', typeListAttr: 'dtypes' });
    expect(save.attr[0]).toMatchObject({ name: 'dtypes', type: 'list(type)', hasMinimum: true, minimum: 1 });
    expect(mg.metaInfoDef!.strippedDefaultAttrs).toBe(false);
  });

  it("leaves out op types tsflow has no OpDef for (TF's importer tolerates that)", () => {
    const g = new tf.Graph();
    const mg = g.asDefault(() => {
      tf.io.decodeRaw(tf.placeholder(tf.string, [1]), tf.int32); // DecodeRaw: outside the table
      return tf.train.exportMetaGraph();
    });
    expect(opDefOf('DecodeRaw')).toBeUndefined();
    expect(mg.graphDef!.node.map((n) => n.op)).toContain('DecodeRaw');
    expect((mg.metaInfoDef!.strippedOpList as { op: { name: string }[] }).op.map((o) => o.name)).toEqual(['Placeholder']);
  });
});

describe('stripDefaultAttrs', () => {
  it('drops attrs equal to their OpDef defaults and keeps the rest', () => {
    const g = new tf.Graph();
    const [full, stripped] = g.asDefault(() => {
      build();
      return [tf.train.exportMetaGraph(), tf.train.exportMetaGraph(null, { stripDefaultAttrs: true })];
    });
    expect(stripped.metaInfoDef!.strippedDefaultAttrs).toBe(true);
    expect(attrs(full, 'MatMul')).toEqual(['T', 'transpose_a', 'transpose_b']);
    expect(attrs(stripped, 'MatMul')).toEqual(['T']);
    expect(attrs(full, 'w/Assign')).toEqual(['T', '_class', 'use_locking', 'validate_shape']);
    expect(attrs(stripped, 'w/Assign')).toEqual(['T', '_class']);
    expect(attrs(stripped, 'w')).toEqual(['dtype', 'shape']);
    expect(attrs(stripped, 'Sum')).toEqual(['T']);
    // A known shape is not the default (unknown rank): it stays.
    expect(attrs(stripped, 'x')).toEqual(['dtype', 'shape']);
    expect(attrs(stripped, 'p')).toEqual(['dtype']);
    // Everything else is the same node for node.
    expect(stripped.graphDef!.node.map((n) => [n.name, n.op, n.input])).toEqual(full.graphDef!.node.map((n) => [n.name, n.op, n.input]));
    // Adding the defaults back gives the full nodes.
    const readd = stripped.graphDef!.node.map(withDefaultAttrs);
    expect(readd.map((n) => encode(GraphDefT, { node: [n], versions: undefined } as never))).toEqual(full.graphDef!.node.map((n) => encode(GraphDefT, { node: [n] } as never)));
  });

  it('a stripped MetaGraph from Saver.save imports back, restores and runs', async () => {
    const dir = tmp();
    const prefix = join(dir, 'model');
    const g = new tf.Graph();
    let want: number[] = [];
    await g.asDefault(async () => {
      const m = build();
      await using sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(tf.assign(m.w, tf.constant([[0.5, -1], [2, 3]], tf.float32)));
      want = Array.from((await sess.run(m.y, new Map<tf.Tensor, unknown>([[m.x, [[1, 2], [3, 4]]], [m.p, [1, 2]]]) as never) as tf.NDArray).data as Float32Array);
      await m.saver.save(sess, prefix, { stripDefaultAttrs: true });
    });
    const mg = decode<MetaGraphDef>(MetaGraphDefT, new Uint8Array(readFileSync(`${prefix}.meta`)));
    expect(mg.metaInfoDef!.strippedDefaultAttrs).toBe(true);
    expect(attrs(mg, 'MatMul')).toEqual(['T']);
    const g2 = new tf.Graph();
    await g2.asDefault(async () => {
      const saver = tf.train.importMetaGraph(`${prefix}.meta`)!;
      await using sess = new tf.Session();
      await saver.restore(sess, prefix);
      const got = await sess.run('y:0', { 'x:0': [[1, 2], [3, 4]], 'p:0': [1, 2] } as never) as tf.NDArray;
      expect(Array.from(got.data as Float32Array)).toEqual(want);
      expect(want).toEqual([1 * 0.5 + 2 * 2 + 1 * -1 + 2 * 3 + 5, 3 * 0.5 + 4 * 2 + 3 * -1 + 4 * 3 + 5]);
      expect(tf.getDefaultGraph().getOperationByName('MatMul').attrs).toMatchObject({ transposeA: false, transposeB: false });
    });
  });

  it('SavedModelBuilder writes stripped MetaGraphs with strip_default_attrs', async () => {
    const dir = join(tmp(), 'sm');
    const g = new tf.Graph();
    await g.asDefault(async () => {
      build();
      await using sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const b = new tf.savedModel.builder.SavedModelBuilder(dir);
      await b.addMetaGraphAndVariables(sess, ['serve'], { stripDefaultAttrs: true });
      await b.save();
    });
    const sm = await tf.savedModel.loader.load(new tf.Session({ graph: new tf.Graph() }), ['serve'], dir).catch((e: Error) => e);
    expect(sm).not.toBeInstanceOf(Error);
    const mg = sm as MetaGraphDef;
    expect(mg.metaInfoDef!.strippedDefaultAttrs).toBe(true);
    expect(attrs(mg, 'MatMul')).toEqual(['T']);
  });

  it('imports a TF-written stripped GraphDef, re-adding the defaults', async () => {
    const gd = fromText<GraphDef>(GraphDefT, `
      node { name: "a" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
      node { name: "b" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 1 } } float_val: 3 float_val: 4 } } } }
      node { name: "m" op: "MatMul" input: "a" input: "b" attr { key: "T" value { type: DT_FLOAT } } }
      node { name: "axis" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
      node { name: "s" op: "Sum" input: "m" input: "axis" attr { key: "T" value { type: DT_FLOAT } } }
    `);
    const g = new tf.Graph();
    await g.asDefault(async () => {
      tf.importGraphDef(gd, { name: '' });
      await using sess = new tf.Session();
      const got = await sess.run('s:0', { 'a:0': [[1, 2], [5, 6]] } as never) as tf.NDArray;
      expect(Array.from(got.data as Float32Array)).toEqual([1 * 3 + 2 * 4 + 5 * 3 + 6 * 4]);
      expect(tf.getDefaultGraph().getOperationByName('a').outputs[0]!.shape).toBeNull();
    });
    expect(gd.node[2]!.attr.transpose_a).toBeUndefined(); // the caller's GraphDef is not changed
    expect(opDefOf('MatMul')!.attr[0]!.defaultValue).toEqual({ b: false });
  });
});

describe('OpDefs of training graphs', () => {
  it("cover conv/pool gradients and loops, each node in its OpDef's form", () => {
    const g = new tf.Graph();
    const mg = g.asDefault(() => {
      const img = tf.placeholder(tf.float32, [null, 8, 8, 3]);
      const k = new tf.Variable(tf.truncatedNormal([3, 3, 3, 4]));
      const c = tf.nn.avgPool(tf.nn.maxPool(tf.nn.relu(tf.nn.conv2d(img, k, [1, 1, 1, 1], 'SAME')), [1, 2, 2, 1], [1, 2, 2, 1], 'VALID'), [1, 2, 2, 1], [1, 2, 2, 1], 'VALID');
      const [, acc] = tf.whileLoop((n: tf.Tensor) => tf.less(n, 3), (n: tf.Tensor, a: tf.Tensor) => [tf.add(n, 1), tf.multiply(a, 2)], [tf.constant(0), tf.reduceMean(c)]) as tf.Tensor[];
      new tf.train.MomentumOptimizer(0.05, 0.9).minimize(acc!);
      return tf.train.exportMetaGraph(null, { stripDefaultAttrs: true });
    });
    const listed = new Set((mg.metaInfoDef!.strippedOpList as { op: { name: string }[] }).op.map((o) => o.name));
    for (const t of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad', 'Enter', 'Merge', 'Switch', 'Exit', 'NextIteration', 'LoopCond', 'ApplyMomentum']) {
      expect(listed.has(t), t).toBe(true);
    }
    for (const n of mg.graphDef!.node) {
      const d = opDefOf(n.op);
      if (!d || !listed.has(n.op)) continue;
      // Every attr left is the OpDef's and differs from its default; every required attr is there.
      for (const k of Object.keys(n.attr).filter((a) => !a.startsWith('_'))) {
        const a = d.attr.find((x) => x.name === k)!;
        expect(a, `${n.op}.${k}`).toBeDefined();
        if (a.defaultValue) expect(encode(GraphDefT, { node: [{ ...n, attr: { [k]: n.attr[k]! } }] } as never)).not.toEqual(encode(GraphDefT, { node: [{ ...n, attr: { [k]: a.defaultValue } }] } as never));
      }
      for (const a of d.attr) if (!a.defaultValue) expect(n.attr[a.name], `${n.op}.${a.name}`).toBeDefined();
    }
    const conv = mg.graphDef!.node.find((n) => n.op === 'Conv2D')!;
    expect(Object.keys(conv.attr).sort()).toEqual(['T', 'padding', 'strides']);
  });
});
