/**
 * tf.io.parseExample / parseSingleExample in GraphDefs: exported as TF 1.15's ParseExample node
 * (inputs serialized, names, dense_keys_i, dense defaults; attrs Nsparse, Ndense, sparse_types,
 * Tdense, dense_shapes with a sequence feature's leading -1) and ParseSingleExample (dense_keys
 * as an attr), imported back as ops that parse, with the same values.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const examples = [
  { a: [1, 2, 3], n: [7], s: [1.5, 2.5] },
  { a: [-1, 0, 4], s: [9] },
].map((e) =>
  new tf.train.Example({
    features: {
      feature: {
        a: { floatList: { value: e.a } },
        ...(e.n ? { n: { int64List: { value: e.n } } } : {}),
        s: { floatList: { value: e.s } },
      },
    },
  }).serializeToString(),
);

const dec = new TextDecoder();

describe('ParseExample through a GraphDef', () => {
  it('exports TF\'s node and imports to an op giving the same values', async () => {
    const g = new tf.Graph();
    const { ser, out } = g.asDefault(() => {
      const ser = tf.placeholder(tf.string, [null], { name: 'tf_example' });
      const out = tf.parseExample(ser, {
        a: new tf.FixedLenFeature([3], tf.float32),
        n: new tf.FixedLenFeature([1], tf.int64, -5),
        s: new tf.FixedLenSequenceFeature([], tf.float32, { allowMissing: true, defaultValue: -1 }),
      });
      return { ser, out };
    });
    const gd = g.asGraphDef();
    const node = gd.node.find((nd) => nd.op === 'ParseExample')!;
    expect(node.attr.Nsparse!.i).toBe(0);
    expect(node.attr.Ndense!.i).toBe(3);
    expect(node.attr.Tdense!.list!.type).toEqual([1, 9, 1]);
    expect(node.attr.dense_shapes!.list!.shape.map((s) => s.dim.map((d) => d.size))).toEqual([[3], [1], [-1]]);
    expect(node.input.length).toBe(1 + 1 + 3 + 3);
    const byName = new Map(gd.node.map((nd) => [nd.name, nd]));
    const keys = node.input.slice(2, 5).map((i) => dec.decode(byName.get(i)!.attr.value!.tensor!.stringVal[0]!));
    expect(keys).toEqual(['a', 'n', 's']);
    const feed = tf.NDArray.fromStrings(examples);
    const s1 = new tf.Session({ graph: g });
    const want = (await s1.run([out.a, out.n, out.s], new Map([[ser, feed]]))) as tf.NDArray[];
    await s1.close();
    expect(want.map((w) => w.toArray())).toEqual([[[1, 2, 3], [-1, 0, 4]], [[7], [-5]], [[1.5, 2.5], [9, -1]]]);

    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const names = [out.a, out.n, out.s].map((t) => t.name);
    expect(g2.getTensorByName(names[2]!).shape).toEqual([null, null]);
    const s2 = new tf.Session({ graph: g2 });
    const got = (await s2.run(names.map((n) => g2.getTensorByName(n)), new Map([[g2.getTensorByName('tf_example:0'), feed]]))) as tf.NDArray[];
    expect(got.map((w) => w.toArray())).toEqual(want.map((w) => w.toArray()));
    await s2.close();
  });

  it('ParseSingleExample carries its keys as an attr and imports back', async () => {
    const g = new tf.Graph();
    const { ser, out } = g.asDefault(() => {
      const ser = tf.placeholder(tf.string, [], { name: 'one' });
      return { ser, out: tf.parseSingleExample(ser, { a: new tf.FixedLenFeature([3], tf.float32), n: new tf.FixedLenFeature([1], tf.int64, 2) }) };
    });
    const gd = g.asGraphDef();
    const node = gd.node.find((nd) => nd.op === 'ParseSingleExample')!;
    expect(node.attr.dense_keys!.list!.s.map((b) => dec.decode(b))).toEqual(['a', 'n']);
    expect(node.attr.num_sparse!.i).toBe(0);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s2 = new tf.Session({ graph: g2 });
    const feed = tf.NDArray.fromStrings([examples[1]!], []);
    const got = (await s2.run([out.a.name, out.n.name].map((n) => g2.getTensorByName(n)), new Map([[g2.getTensorByName(ser.name), feed]]))) as tf.NDArray[];
    expect(got.map((x) => x.toArray())).toEqual([[-1, 0, 4], [2]]);
    await s2.close();
  });
});
