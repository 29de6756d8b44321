/**
 * tf.io.VarLenFeature and tf.io.SparseFeature in parseExample / parseSingleExample (TF 1.15:
 * SparseTensors with indices [example, i] / [i], dense_shape [batch, longest]; a SparseFeature
 * merged from its index and value keys), TF's texts for bad input; SparseTensor components in
 * tf.data (map, batch, getNext, sess.run giving SparseTensorValue; paddedBatch refused as TF
 * does); ParseExample / ParseSingleExample with sparse keys through a GraphDef in TF's form; and
 * a TFRecord → dataset → parseExample → embeddingLookupSparse training step on every device.
 * Examples are built with tf.train.Example; expected values are written out by hand.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { graphDefFromText } from '../src/graphdef/write-graph.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-parse-varlen-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Feat = { int64List: { value: number[] } } | { floatList: { value: number[] } } | { bytesList: { value: string[] } } | Record<string, never>;
const i64 = (v: number[]): Feat => ({ int64List: { value: v } });
const f32 = (v: number[]): Feat => ({ floatList: { value: v } });
const bytes = (v: string[]): Feat => ({ bytesList: { value: v } });
const example = (feature: Record<string, Feat>): Uint8Array => new tf.train.Example({ features: { feature } } as never).serializeToString();

const vec = (bs: Uint8Array[]): NDArray => tf.NDArray.fromStrings(bs, [bs.length]);
const one = (b: Uint8Array): NDArray => tf.NDArray.fromStrings([b], []);
const dec = new TextDecoder();
const sp = (v: any) => ({
  indices: v.indices.toArray(),
  values: v.values.dtype === 'string' ? Array.from(v.values.data as Uint8Array[], (b) => dec.decode(b)) : v.values.toArray(),
  denseShape: v.denseShape.toArray(),
});

async function run(build: () => unknown, opts: Record<string, unknown> = {}): Promise<any> {
  const g = new tf.Graph();
  const f = g.asDefault(build);
  const sess = new tf.Session({ ...opts, graph: g });
  try {
    return await sess.run(f as never);
  } finally {
    await sess.close();
  }
}
const { VarLenFeature, SparseFeature, FixedLenFeature } = tf.io;

// TF's parse_example docstring: kw / dank / gps over two examples
const DOC = [
  example({ kw: bytes(['knit', 'big']), gps: f32([]) }),
  example({ kw: bytes(['emmy']), dank: i64([42]), gps: {} }),
];

describe('VarLenFeature', () => {
  it('parseExample gives TF\'s SparseTensors (docstring case: strings, a missing and an empty feature)', async () => {
    const out = await run(() => tf.parseExample(vec(DOC), {
      kw: new VarLenFeature(tf.string),
      dank: new VarLenFeature(tf.int64),
      gps: new VarLenFeature(tf.float32),
    }));
    expect(out.kw).toBeInstanceOf(tf.SparseTensorValue);
    expect(sp(out.kw)).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: ['knit', 'big', 'emmy'], denseShape: [2, 2] });
    expect(sp(out.dank)).toEqual({ indices: [[1, 0]], values: [42], denseShape: [2, 1] });
    expect(out.dank.values.dtype).toBe('int64');
    expect(sp(out.gps)).toEqual({ indices: [], values: [], denseShape: [2, 0] });
    expect(out.gps.indices.shape).toEqual([0, 2]);
    expect(out.gps.values.dtype).toBe('float32');
  });

  it('mixes Tensors and SparseTensors; dense_shape is the batch and the longest list', async () => {
    const ser = vec([example({ ft: f32([1, 2]), y: i64([1]) }), example({ y: i64([0]) }), example({ ft: f32([3]), y: i64([1]) })]);
    const g = new tf.Graph();
    const out = g.asDefault(() => tf.parseExample(ser, { ft: new VarLenFeature(tf.float32), y: new FixedLenFeature([], tf.int64) }));
    expect(out.ft).toBeInstanceOf(tf.SparseTensor);
    expect(out.y).toBeInstanceOf(tf.Tensor);
    expect(out.ft.indices.shape).toEqual([null, 2]);
    expect(out.ft.denseShape.shape).toEqual([2]);
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(out as never)) as any;
    await sess.close();
    expect(sp(got.ft)).toEqual({ indices: [[0, 0], [0, 1], [2, 0]], values: [1, 2, 3], denseShape: [3, 2] });
    expect(got.y.toArray()).toEqual([1, 0, 1]);
  });

  it('parseSingleExample gives indices [i] and dense_shape [n]', async () => {
    const s = example({ ids: i64([7, 3, 9]), w: f32([0.5]) });
    const out = await run(() => tf.parseSingleExample(one(s), { ids: new VarLenFeature(tf.int64), w: new FixedLenFeature([1], tf.float32), none: new VarLenFeature(tf.string) }));
    expect(sp(out.ids)).toEqual({ indices: [[0], [1], [2]], values: [7, 3, 9], denseShape: [3] });
    expect(out.w.toArray()).toEqual([0.5]);
    expect(sp(out.none)).toEqual({ indices: [], values: [], denseShape: [0] });
  });

  it('a wrong-typed feature is TF\'s InvalidArgumentError', async () => {
    const bad = vec([example({ ids: i64([1]) }), example({ ids: f32([1]) })]);
    await expect(run(() => tf.parseExample(bad, { ids: new VarLenFeature(tf.int64) }))).rejects.toThrow(
      "Name: <unknown>, Key: ids, Index: 1.  Data types don't match. Expected type: int64, Actual type: float",
    );
    await expect(run(() => tf.parseSingleExample(one(example({ ids: bytes(['a']) })), { ids: new VarLenFeature(tf.float32) }))).rejects.toThrow(
      "Key: ids.  Data types don't match. Expected type: float, Actual type: string",
    );
    await expect(run(() => tf.parseExample(bad, { ids: new VarLenFeature(tf.int64) }))).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
  });
});

describe('SparseFeature', () => {
  // TF's parse_example docstring: ix / val, size 100
  const ser = vec([example({ val: f32([0.5, -1.0]), ix: i64([3, 20]) }), example({ val: f32([0.0]), ix: i64([42]) })]);

  it('merges index and value keys into [batch, size] (docstring case); the raw keys are not outputs', async () => {
    const out = await run(() => tf.parseExample(ser, { sparse: new SparseFeature('ix', 'val', tf.float32, 100) }));
    expect(Object.keys(out)).toEqual(['sparse']);
    expect(sp(out.sparse)).toEqual({ indices: [[0, 3], [0, 20], [1, 42]], values: [0.5, -1, 0], denseShape: [2, 100] });
  });

  it('sorts by index unless alreadySorted; an index key may also be asked for as a VarLenFeature', async () => {
    const s = vec([example({ val: i64([5, 6, 7]), ix: i64([9, 2, 4]) })]);
    const sorted = await run(() => tf.parseExample(s, { m: new SparseFeature('ix', 'val', tf.int64, 10), ix: new VarLenFeature(tf.int64) }));
    expect(sp(sorted.m)).toEqual({ indices: [[0, 2], [0, 4], [0, 9]], values: [6, 7, 5], denseShape: [1, 10] });
    expect(sp(sorted.ix)).toEqual({ indices: [[0, 0], [0, 1], [0, 2]], values: [9, 2, 4], denseShape: [1, 3] });
    const kept = await run(() => tf.parseExample(s, { m: new SparseFeature('ix', 'val', tf.int64, 10, { alreadySorted: true }) }));
    expect(sp(kept.m)).toEqual({ indices: [[0, 9], [0, 2], [0, 4]], values: [5, 6, 7], denseShape: [1, 10] });
  });

  it('several index keys give one dimension each (TF\'s SparseFeature docstring, single and batched)', async () => {
    const s = example({ val: f32([0.5, -1.0]), ix0: i64([3, 20]), ix1: i64([1, 0]) });
    const f = { st: new SparseFeature(['ix0', 'ix1'], 'val', tf.float32, [100, 3]) };
    const single = await run(() => tf.parseSingleExample(one(s), f));
    expect(sp(single.st)).toEqual({ indices: [[3, 1], [20, 0]], values: [0.5, -1], denseShape: [100, 3] });
    const batch = await run(() => tf.parseExample(vec([example({ val: f32([2]), ix0: i64([7]), ix1: i64([2]) }), s]), f));
    expect(sp(batch.st)).toEqual({ indices: [[0, 7, 2], [1, 3, 1], [1, 20, 0]], values: [2, 0.5, -1], denseShape: [2, 100, 3] });
  });

  it('an index out of [0, size) parses as in TF and fails where the tensor is made dense', async () => {
    const s = vec([example({ val: f32([1, 2]), ix: i64([1, 5]) })]);
    const out = await run(() => tf.parseExample(s, { m: new SparseFeature('ix', 'val', tf.float32, 5) }));
    expect(sp(out.m)).toEqual({ indices: [[0, 1], [0, 5]], values: [1, 2], denseShape: [1, 5] });
    await expect(run(() => tf.sparse.toDense(tf.parseExample(s, { m: new SparseFeature('ix', 'val', tf.float32, 5) }).m))).rejects.toThrow('indices[1] = [0,5] is out of bounds: need 0 <= index < [1,5]');
    const ok = await run(() => tf.sparse.toDense(tf.parseExample(vec([example({ val: f32([1, 2]), ix: i64([4, 0]) })]), { m: new SparseFeature('ix', 'val', tf.float32, 5) }).m));
    expect(ok.toArray()).toEqual([[2, 0, 0, 0, 1]]);
  });

  it('toDense of a parsed SparseTensor is TF\'s SparseToDense (default value, strings; out-of-order and repeated indices refused)', async () => {
    const g = new tf.Graph();
    const d = g.asDefault(() => tf.sparse.toDense(tf.parseExample(vec(DOC), { kw: new VarLenFeature(tf.string) }).kw, '-'));
    expect(d.op.type).toBe('SparseToDense');
    expect(d.shape).toEqual([null, null]);
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(d)) as NDArray;
    await sess.close();
    expect(got.shape).toEqual([2, 2]);
    expect(Array.from(got.data as unknown as Uint8Array[], (b) => dec.decode(b))).toEqual(['knit', 'big', 'emmy', '-']);
    const dense = (ix: number[], sorted: boolean) => run(() => tf.sparse.toDense(tf.parseExample(vec([example({ val: f32(ix.map((x) => x + 0.5)), ix: i64(ix) })]), { m: new SparseFeature('ix', 'val', tf.float32, 4, sorted) }).m, -1));
    expect((await dense([3, 0], false)).toArray()).toEqual([[0.5, -1, -1, 3.5]]);
    await expect(dense([3, 0], true)).rejects.toThrow('indices[1] = [0,0] is out of order');
    await expect(dense([2, 2], true)).rejects.toThrow('indices[1] = [0,2] is repeated');
  });

  it('bad configurations are TF\'s ValueErrors', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.placeholder(tf.string, [null]);
      expect(() => tf.parseExample(s, { z: new SparseFeature('ix', 'val', tf.float32, 4), ix: new VarLenFeature(tf.float32) })).toThrow(
        "Conflicting type <dtype: 'float32'> vs int64 for feature ix.",
      );
      expect(() => tf.parseExample(s, { z: new SparseFeature('ix', 'val', tf.float32, 4), val: new VarLenFeature(tf.string) })).toThrow(
        "Conflicting type <dtype: 'string'> vs <dtype: 'float32'> for feature val.",
      );
      expect(() => tf.parseExample(s, { a: new SparseFeature('ix', 'val', tf.float32, 4), val: new FixedLenFeature([], tf.float32) })).toThrow(
        "Dense and sparse keys must not intersect; intersection: {'val'}",
      );
      expect(() => tf.parseExample(s, { a: new SparseFeature('', 'val', tf.float32, 4) })).toThrow('Missing index_key for SparseFeature');
      expect(() => new SparseFeature(['a', 'b'], 'val', tf.float32, 4)).toThrow(tf.errors.ValueError);
      expect(() => tf.parseExample(s, {})).toThrow('Missing: features was empty.');
    });
  });
});

describe('SparseTensors in tf.data', () => {
  const records = [
    example({ ids: i64([4, 1]), label: f32([1]) }),
    example({ ids: i64([2]), label: f32([0]) }),
    example({ ids: i64([0, 3, 3]), label: f32([1]) }),
  ];
  const file = path.join(root, 'ids.tfrecord');
  const w = new tf.io.TFRecordWriter(file);
  for (const r of records) w.write(r);
  w.close();
  const features = { ids: new VarLenFeature(tf.int64), label: new FixedLenFeature([], tf.float32) };

  it('map(parseSingleExample) then batch stacks the sparse components (new leading index, max dense shape)', async () => {
    const g = new tf.Graph();
    const { next, ds } = g.asDefault(() => {
      const ds = new tf.data.TFRecordDataset(file).map((s: tf.Tensor) => tf.parseSingleExample(s, features)).batch(2);
      return { ds, next: ds.makeOneShotIterator().getNext() };
    });
    expect(ds.outputTypes).toEqual({ ids: 'int64', label: 'float32' });
    expect(ds.outputShapes).toEqual({ ids: [null, null], label: [null] });
    expect(next.ids).toBeInstanceOf(tf.SparseTensor);
    expect(next.ids.indices.shape).toEqual([null, 2]);
    const sess = new tf.Session({ graph: g });
    const a = (await sess.run(next)) as any;
    const b = (await sess.run(next)) as any;
    await expect(sess.run(next)).rejects.toBeInstanceOf(tf.errors.OutOfRangeError);
    await sess.close();
    expect(a.ids).toBeInstanceOf(tf.SparseTensorValue);
    expect(sp(a.ids)).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: [4, 1, 2], denseShape: [2, 2] });
    expect(a.label.toArray()).toEqual([1, 0]);
    expect(sp(b.ids)).toEqual({ indices: [[0, 0], [0, 1], [0, 2]], values: [0, 3, 3], denseShape: [1, 3] });
  });

  it('a reinitializable and a feedable iterator of SparseTensor elements from outputTypes / outputShapes / outputClasses', async () => {
    const g = new tf.Graph();
    const { init, next, handleOf, ph, next2 } = g.asDefault(() => {
      const ds = new tf.data.TFRecordDataset(file).map((s: tf.Tensor) => tf.parseSingleExample(s, features));
      expect(ds.outputClasses).toEqual({ ids: tf.SparseTensor, label: tf.Tensor });
      const it = tf.data.Iterator.fromStructure(ds.outputTypes, ds.outputShapes, { outputClasses: ds.outputClasses });
      expect(it.outputClasses).toEqual({ ids: tf.SparseTensor, label: tf.Tensor });
      expect(() => tf.data.Iterator.fromStructure(ds.outputTypes, ds.outputShapes).makeInitializer(ds)).toThrow(TypeError);
      const other = ds.skip(2).makeOneShotIterator();
      const ph = tf.placeholder(tf.string, []);
      const fed = tf.data.Iterator.fromStringHandle(ph, ds.outputTypes, ds.outputShapes, ds.outputClasses);
      return { init: it.makeInitializer(ds), next: it.getNext(), handleOf: other.stringHandle(), ph, next2: fed.getNext() };
    });
    expect(next.ids).toBeInstanceOf(tf.SparseTensor);
    const sess = new tf.Session({ graph: g });
    await sess.run(init);
    const a = (await sess.run(next)) as any;
    expect(sp(a.ids)).toEqual({ indices: [[0], [1]], values: [4, 1], denseShape: [2] });
    const h = (await sess.run(handleOf)) as NDArray;
    const c = (await sess.run(next2, new Map([[ph, h]]))) as any;
    await sess.close();
    expect(sp(c.ids)).toEqual({ indices: [[0], [1], [2]], values: [0, 3, 3], denseShape: [3] });
    expect(c.label.toArray()).toBe(1);
  });

  it('batch then map(parseExample); a map may return a SparseTensor it builds; paddedBatch refuses sparse as TF', async () => {
    const g = new tf.Graph();
    const { next, next2 } = g.asDefault(() => {
      const ds = new tf.data.TFRecordDataset(file).batch(3).map((s: tf.Tensor) => tf.parseExample(s, features));
      const ds2 = tf.data.Dataset.range(3).map((x: tf.Tensor) => new tf.SparseTensor(tf.reshape(x, [1, 1]), tf.reshape(tf.cast(x, tf.float32), [1]), tf.stack([tf.add(x, 1)]))).batch(3);
      return { next: ds.makeOneShotIterator().getNext(), next2: ds2.makeOneShotIterator().getNext() };
    });
    const sess = new tf.Session({ graph: g });
    const [a, b] = (await sess.run([next, next2])) as any[];
    await sess.close();
    expect(sp(a.ids)).toEqual({ indices: [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]], values: [4, 1, 2, 0, 3, 3], denseShape: [3, 3] });
    expect(sp(b)).toEqual({ indices: [[0, 0], [1, 1], [2, 2]], values: [0, 1, 2], denseShape: [3, 3] });
    const g2 = new tf.Graph();
    g2.asDefault(() => {
      const ds = new tf.data.TFRecordDataset(file).map((s: tf.Tensor) => tf.parseSingleExample(s, features));
      expect(() => ds.paddedBatch(2)).toThrow('Batching of padded sparse tensors is not currently supported');
    });
  });
});

describe('SparseTensor elements as dataset function arguments', () => {
  it('fromTensors(SparseTensorValue) → map gets a SparseTensor; outputShapes as TF', async () => {
    const v = new tf.SparseTensorValue(
      new tf.NDArray(Float64Array.of(0, 1, 2, 0), [2, 2], 'int64'), new tf.NDArray(Float32Array.of(3, 4), [2], 'float32'), new tf.NDArray(Float64Array.of(3, 2), [2], 'int64'),
    );
    const g = new tf.Graph();
    const next = g.asDefault(() => {
      const ds = tf.data.Dataset.fromTensors({ st: v, k: 1 }).map((e: any) => {
        expect(e.st).toBeInstanceOf(tf.SparseTensor);
        return { st: new tf.SparseTensor(e.st.indices, tf.multiply(e.st.values, 10), e.st.denseShape), n: tf.size(e.st.values), k: e.k };
      });
      expect(ds.outputShapes).toEqual({ k: [], n: [], st: [null, null] });
      return ds.makeOneShotIterator().getNext();
    });
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(next)) as any;
    await sess.close();
    expect(sp(got.st)).toEqual({ indices: [[0, 1], [2, 0]], values: [30, 40], denseShape: [3, 2] });
    expect(got.n.toArray()).toBe(2);
  });
});

describe('slicing SparseTensor components: fromTensorSlices and unbatch', () => {
  const pull = async (build: () => any, n: number) => {
    const g = new tf.Graph();
    const next = g.asDefault(() => build().makeOneShotIterator().getNext());
    const sess = new tf.Session({ graph: g });
    const out: any[] = [];
    for (let i = 0; i < n; i++) out.push(await sess.run(next));
    await expect(sess.run(next)).rejects.toBeInstanceOf(tf.errors.OutOfRangeError);
    await sess.close();
    return out;
  };

  it('fromTensorSlices of a SparseTensorValue gives each row\'s entries (dense shape without its first dimension)', async () => {
    // [[0, 7, 0], [0, 0, 0], [5, 0, 6]]
    const v = new tf.SparseTensorValue(
      new tf.NDArray(Float64Array.of(0, 1, 2, 0, 2, 2), [3, 2], 'int64'), new tf.NDArray(Float32Array.of(7, 5, 6), [3], 'float32'), new tf.NDArray(Float64Array.of(3, 3), [2], 'int64'),
    );
    const got = await pull(() => tf.data.Dataset.fromTensorSlices({ st: v, y: [10, 20, 30] }), 3);
    expect(got.map((e) => sp(e.st))).toEqual([
      { indices: [[1]], values: [7], denseShape: [3] },
      { indices: [], values: [], denseShape: [3] },
      { indices: [[0], [2]], values: [5, 6], denseShape: [3] },
    ]);
    expect(got.map((e) => e.y.toArray())).toEqual([10, 20, 30]);
    expect(() => tf.data.Dataset.fromTensorSlices({ st: v, y: [1, 2] })).toThrow('Dimensions 3 and 2 are not compatible');
  });

  it('unbatch of batch-parsed examples gives per-example SparseTensors (dense shape the batch\'s longest, as TF)', async () => {
    const file = path.join(root, 'unbatch.tfrecord');
    const w = new tf.io.TFRecordWriter(file);
    [[4, 1], [], [0, 3, 3]].forEach((ids) => w.write(example({ ids: i64(ids) })));
    w.close();
    const got = await pull(() => new tf.data.TFRecordDataset(file).batch(3).map((s: tf.Tensor) => tf.parseExample(s, { ids: new VarLenFeature(tf.int64) })).unbatch(), 3);
    expect(got.map((e) => sp(e.ids))).toEqual([
      { indices: [[0], [1]], values: [4, 1], denseShape: [3] },
      { indices: [], values: [], denseShape: [3] },
      { indices: [[0], [1], [2]], values: [0, 3, 3], denseShape: [3] },
    ]);
  });
});

describe('ParseExample with sparse keys through a GraphDef', () => {
  it('exports TF\'s ParseExample node (sparse keys inputs, Nsparse, sparse_types) and imports to an op giving the same values', async () => {
    const g = new tf.Graph();
    const { ser, out } = g.asDefault(() => {
      const ser = tf.placeholder(tf.string, [null], { name: 'tf_example' });
      return { ser, out: tf.parseExample(ser, { kw: new VarLenFeature(tf.string), gps: new VarLenFeature(tf.float32), dank: new FixedLenFeature([1], tf.int64, -1) }) };
    });
    const gd = g.asGraphDef();
    const node = gd.node.find((n) => n.op === 'ParseExample')!;
    expect(node.attr.Nsparse!.i).toBe(2);
    expect(node.attr.Ndense!.i).toBe(1);
    expect(node.attr.sparse_types!.list!.type).toEqual([1, 7]); // DT_FLOAT, DT_STRING (keys sorted: gps, kw)
    expect(node.input.length).toBe(1 + 1 + 2 + 1 + 1);
    const byName = new Map(gd.node.map((n) => [n.name, n]));
    const key = (i: string) => dec.decode(byName.get(i)!.attr.value!.tensor!.stringVal[0]!);
    expect(node.input.slice(2, 5).map(key)).toEqual(['gps', 'kw', 'dank']);
    // TF's output order: sparse_indices, sparse_values, sparse_shapes, dense_values
    expect([out.gps.indices, out.kw.indices, out.gps.values, out.kw.values, out.gps.denseShape, out.kw.denseShape, out.dank].map((t) => t.name.split(':')[1] ?? '0')).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const feed = vec(DOC);
    const fetch = (gr: tf.Graph) => [out.kw.values, out.kw.indices, out.kw.denseShape, out.gps.denseShape, out.dank].map((t) => gr.getTensorByName(t.name));
    const s1 = new tf.Session({ graph: g });
    const want = (await s1.run(fetch(g), new Map([[ser, feed]]))) as NDArray[];
    await s1.close();
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    expect(g2.getOperationByName(node.name).type).toBe('ParseExample');
    const s2 = new tf.Session({ graph: g2 });
    const got = (await s2.run(fetch(g2), new Map([[g2.getTensorByName('tf_example:0'), feed]]))) as NDArray[];
    await s2.close();
    expect(Array.from(got[0]!.data as unknown as Uint8Array[], (b) => dec.decode(b))).toEqual(['knit', 'big', 'emmy']);
    expect(got.slice(1).map((x) => x.toArray())).toEqual(want.slice(1).map((x) => x.toArray()));
    expect(got[4]!.toArray()).toEqual([[-1], [42]]);
  });

  // What TF 1.15's parse_example writes for {ids: VarLenFeature(int64), label: FixedLenFeature([1], float32, 0.5)}
  // (its default reshaped to the dense shape), and parse_single_example for {ids, w: FixedLenFeature([], float32)}.
  const str = (name: string, v: string | null) => `node { name: "${name}" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { ${v === null ? 'dim { }' : ''} } ${v === null ? '' : `string_val: "${v}"`} } } } }`;
  const TF_GRAPH = `
node { name: "input_example_tensor" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: -1 } } } } }
node { name: "ParseExample/Const" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 0.5 } } } }
node { name: "ParseExample/Reshape/shape" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 1 } } } }
node { name: "ParseExample/Reshape" op: "Reshape" input: "ParseExample/Const" input: "ParseExample/Reshape/shape" attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tshape" value { type: DT_INT32 } } }
${str('ParseExample/ParseExample/names', null)}
${str('ParseExample/ParseExample/sparse_keys_0', 'ids')}
${str('ParseExample/ParseExample/dense_keys_0', 'label')}
node { name: "ParseExample/ParseExample" op: "ParseExample" input: "input_example_tensor" input: "ParseExample/ParseExample/names" input: "ParseExample/ParseExample/sparse_keys_0" input: "ParseExample/ParseExample/dense_keys_0" input: "ParseExample/Reshape"
  attr { key: "Ndense" value { i: 1 } } attr { key: "Nsparse" value { i: 1 } } attr { key: "Tdense" value { list { type: DT_FLOAT } } }
  attr { key: "dense_shapes" value { list { shape { dim { size: 1 } } } } } attr { key: "sparse_types" value { list { type: DT_INT64 } } } }
node { name: "one_example" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { } } } }
node { name: "ParseSingleExample/Const" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { } } } } } }
node { name: "ParseSingleExample/ParseSingleExample" op: "ParseSingleExample" input: "one_example" input: "ParseSingleExample/Const"
  attr { key: "Tdense" value { list { type: DT_FLOAT } } } attr { key: "dense_keys" value { list { s: "w" } } } attr { key: "dense_shapes" value { list { shape { } } } }
  attr { key: "num_sparse" value { i: 1 } } attr { key: "sparse_keys" value { list { s: "ids" } } } attr { key: "sparse_types" value { list { type: DT_INT64 } } } }
`;

  it('a ParseExample / ParseSingleExample graph as TF 1.15 writes it (Nsparse 1, a reshaped default) imports and runs', async () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(graphDefFromText(TF_GRAPH), { name: '' }));
    expect(g.getOperationByName('ParseExample/ParseExample').type).toBe('ParseExample');
    const sess = new tf.Session({ graph: g });
    const t = (n: string) => g.getTensorByName(n);
    const batch = vec([example({ ids: i64([3, 1, 4]) }), example({ label: f32([2]) }), example({ ids: i64([5]), label: f32([-1]) })]);
    const got = ((await sess.run(['ParseExample/ParseExample:0', 'ParseExample/ParseExample:1', 'ParseExample/ParseExample:2', 'ParseExample/ParseExample:3'].map(t), new Map([[t('input_example_tensor:0'), batch]]))) as NDArray[]).map((x) => x.toArray());
    expect(got).toEqual([[[0, 0], [0, 1], [0, 2], [2, 0]], [3, 1, 4, 5], [3, 3], [[0.5], [2], [-1]]]);
    const single = ((await sess.run([0, 1, 2, 3].map((i) => t(`ParseSingleExample/ParseSingleExample:${i}`)), new Map([[t('one_example:0'), one(example({ ids: i64([8, 9]), w: f32([1.5]) }))]]))) as NDArray[]).map((x) => x.toArray());
    await sess.close();
    expect(single).toEqual([[[0], [1]], [8, 9], [2], 1.5]);
  });

  it('ParseSingleExample carries sparse_keys / num_sparse as attrs; a SparseFeature exports as ParseSingleExample and TF\'s merge ops', async () => {
    const g = new tf.Graph();
    const { ser, out } = g.asDefault(() => {
      const ser = tf.placeholder(tf.string, [], { name: 'one' });
      return { ser, out: tf.parseSingleExample(ser, { ids: new VarLenFeature(tf.int64), m: new SparseFeature('ix', 'val', tf.float32, 8) }) };
    });
    const gd = g.asGraphDef();
    const node = gd.node.find((n) => n.op === 'ParseSingleExample')!;
    expect(node.attr.num_sparse!.i).toBe(3);
    expect(node.attr.sparse_keys!.list!.s.map((b) => dec.decode(b))).toEqual(['ids', 'ix', 'val']);
    expect(node.attr.sparse_types!.list!.type).toEqual([9, 9, 1]);
    expect(gd.node.some((n) => n.op === 'SparseReorder')).toBe(true);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s2 = new tf.Session({ graph: g2 });
    const feed = one(example({ ids: i64([5, 6]), ix: i64([6, 1]), val: f32([0.25, 4]) }));
    const names = [out.ids.indices, out.ids.values, out.ids.denseShape, out.m.indices, out.m.values, out.m.denseShape].map((t) => g2.getTensorByName(t.name));
    const got = ((await s2.run(names, new Map([[g2.getTensorByName(ser.name), feed]]))) as NDArray[]).map((x) => x.toArray());
    await s2.close();
    expect(got).toEqual([[[0], [1]], [5, 6], [2], [[1], [6]], [4, 0.25], [8]]);
  });
});

for (const dev of devices) {
  describe(`TFRecord → dataset → parseExample → embeddingLookupSparse training (${dev.name})`, () => {
    it('parsed SparseTensors feed device ops: toDense, a row sum, a matmul', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const ser = vec([example({ v: f32([1, 2]) }), example({}), example({ v: f32([3, 4, 5]) })]);
      const g = new tf.Graph();
      const { dense, sums, sparseDense } = g.asDefault(() => {
        const p = tf.parseExample(ser, { v: new VarLenFeature(tf.float32) });
        const dense = tf.sparse.toDense(p.v);
        const spv = tf.parseExample(vec([example({ mi: i64([2, 0]), mv: f32([2, -1]) }), example({ mi: i64([1]), mv: f32([4]) })]), { m: new SparseFeature('mi', 'mv', tf.float32, 3) }).m;
        const rhs = tf.constant([[1, 2], [3, 4], [5, 6]]);
        return { dense, sums: tf.reduceSum(dense, 1), sparseDense: tf.matmul(tf.sparse.toDense(spv), rhs) };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [d, sm, md] = (await sess.run([dense, sums, sparseDense])) as NDArray[];
      await sess.close();
      expect(d!.toArray()).toEqual([[1, 2, 0], [0, 0, 0], [3, 4, 5]]);
      expect(sm!.toArray()).toEqual([3, 0, 12]);
      // [[-1, 0, 2], [0, 4, 0]] @ [[1, 2], [3, 4], [5, 6]]
      expect(md!.toArray()).toEqual([[9, 10], [12, 16]]);
    });

    it('one gradient-descent step moves each embedding row by lr times its hand-computed gradient', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const rows = [[2, 0], [1], [1, 1, 3]];
      const labels = [1, -1, 0.5];
      const file = path.join(root, `train-${dev.name}.tfrecord`);
      const w = new tf.io.TFRecordWriter(file);
      rows.forEach((r, i) => w.write(example({ ids: i64(r), y: f32([labels[i]!]) })));
      w.close();
      const V = 4;
      const D = 2;
      const E0 = [[0.5, -1], [2, 0.25], [-0.75, 1.5], [1, 1]];
      const wv = [1.5, -0.5];
      const lr = 0.1;
      const g = new tf.Graph();
      const { step, loss, emb, init } = g.asDefault(() => {
        const it = new tf.data.TFRecordDataset(file).batch(3).map((s: tf.Tensor) => tf.parseExample(s, { ids: new VarLenFeature(tf.int64), y: new FixedLenFeature([], tf.float32) })).makeOneShotIterator();
        const b = it.getNext();
        const emb = new tf.Variable(tf.constant(E0), { name: 'emb' });
        const e = tf.nn.embeddingLookupSparse(emb, b.ids, null, { combiner: 'mean' }); // [3, D]
        const pred = tf.reduceSum(tf.multiply(e, tf.constant(wv)), 1);
        const loss = tf.reduceSum(tf.multiply(pred, b.y));
        const step = new tf.train.GradientDescentOptimizer(lr).minimize(loss);
        return { step, loss, emb, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(init);
      const [l] = (await sess.run([loss, step])) as NDArray[];
      const after = ((await sess.run(emb)) as NDArray).toArray() as number[][];
      await sess.close();
      // reference: pred_b = mean_{v in ids_b} E[v]·w, loss = Σ y_b pred_b; dE[v] = Σ_b y_b·count_b(v)/len_b·w
      const pred = rows.map((r) => r.reduce((a, v) => a + E0[v]!.reduce((s, x, d) => s + x * wv[d]!, 0), 0) / r.length);
      const wantLoss = pred.reduce((a, p, b) => a + p * labels[b]!, 0);
      expect(Math.abs(Number(l!.data[0]) - wantLoss)).toBeLessThan(1e-4);
      const grad = Array.from({ length: V }, () => new Array<number>(D).fill(0));
      rows.forEach((r, b) => r.forEach((v) => wv.forEach((x, d) => (grad[v]![d]! += (labels[b]! * x) / r.length))));
      const want = E0.map((row, v) => row.map((x, d) => x - lr * grad[v]![d]!));
      after.forEach((row, v) => row.forEach((x, d) => expect(Math.abs(x - want[v]![d]!), `emb[${v}][${d}]`).toBeLessThan(1e-5)));
    });
  });
}

// tf.sparse.toDense of a dense shape known only at run time (TF's SparseToDense op): d/dvalues
// and d/ddefault against finite differences; the result reshaped to give the check a static shape.
describeGradients('finite-difference gradients of tf.sparse.toDense with a run-time dense shape', [
  {
    name: 'values and default value',
    ins: [{ shape: [4] }, { shape: [] }],
    f: (v, d) => {
      const shape = tf.identity(tf.constant(new tf.NDArray(Float64Array.of(2, 3), [2], 'int64')));
      const st = new tf.SparseTensor(tf.constant(new tf.NDArray(Float64Array.of(0, 0, 0, 2, 1, 1, 1, 2), [4, 2], 'int64')), v, shape);
      return tf.reshape(tf.sparse.toDense(st, d), [2, 3]);
    },
  },
], devices);
