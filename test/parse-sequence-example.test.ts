/**
 * tf.io.parseSingleSequenceExample / parseSequenceExample on SequenceExample bytes written here
 * by a small protobuf writer of TF's example.proto (independent of tsflow's codec), checked
 * against the cases of TF's parsing_ops_test.py (sequence example tests) and TF's error texts.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

// --- protobuf wire writer (TF's feature.proto / example.proto field numbers) ---------------
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const field = (num: number, body: number[]): number[] => [...varint((num << 3) | 2), ...varint(body.length), ...body];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
type F = number[];
const int64F = (v: number[]): F => field(3, v.length ? field(1, v.flatMap(varint)) : []);
const floatF = (v: number[]): F => field(2, v.length ? field(1, v.flatMap((x) => [...new Uint8Array(Float32Array.of(x).buffer)])) : []);
const bytesF = (v: string[]): F => field(1, v.flatMap((s) => field(1, utf8(s))));
const mapEntry = (k: string, v: number[]): number[] => field(1, [...field(1, utf8(k)), ...field(2, v)]);
const features = (m: Record<string, F>): number[] => Object.entries(m).flatMap(([k, v]) => mapEntry(k, v));
const featureList = (fs: F[]): number[] => fs.flatMap((f) => field(1, f));
const seqExample = (o: { context?: Record<string, F>; lists?: Record<string, F[]> }): Uint8Array =>
  Uint8Array.from([
    ...(o.context ? field(1, features(o.context)) : []),
    ...(o.lists ? field(2, Object.entries(o.lists).flatMap(([k, fs]) => mapEntry(k, featureList(fs)))) : []),
  ]);

const scalar = (b: Uint8Array): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues([b]) as never, [], 'string');
const vector = (bs: Uint8Array[]): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues(bs) as never, [bs.length], 'string');

async function run(build: () => unknown): Promise<any> {
  const g = new tf.Graph();
  const f = g.asDefault(build);
  await using sess = new tf.Session({ graph: g });
  return await sess.run(f as never);
}
const sparse = (v: any) => ({ indices: v.indices.toArray(), values: v.values.toArray(), denseShape: v.denseShape.toArray() });
const { FixedLenFeature, FixedLenSequenceFeature, VarLenFeature } = tf.io;

describe('tf.io.parseSingleSequenceExample', () => {
  it('parses sparse and dense context features (TF: testSequenceExampleWithSparseAndDenseContext)', async () => {
    const s = seqExample({ context: { c: floatF([3, 4]), st_a: floatF([3, 4]) } });
    const [ctx, fl] = await run(() => tf.io.parseSingleSequenceExample(scalar(s), {
      st_a: new VarLenFeature(tf.float32),
      a: new FixedLenFeature([1, 1], tf.int64, [[1]]),
      b: new FixedLenFeature([], tf.string, 'id'),
      c: new FixedLenFeature([2], tf.float32),
    }));
    expect(fl).toEqual({});
    expect(sparse(ctx.st_a)).toEqual({ indices: [[0], [1]], values: [3, 4], denseShape: [2] });
    expect(ctx.a.toArray()).toEqual([[1]]);
    expect(ctx.a.dtype).toBe('int64');
    expect(ctx.b.toArray()).toEqual('id');
    expect(ctx.c.toArray()).toEqual([3, 4]);
  });

  it('parses feature lists of several row shapes (TF: testSequenceExampleWithMultipleSizeFeatureLists)', async () => {
    const s = seqExample({ lists: {
      a: [int64F([-1, 0, 1]), int64F([2, 3, 4]), int64F([5, 6, 7]), int64F([8, 9, 10])],
      b: [bytesF(['r00', 'r01', 'r10', 'r11'])],
      c: [floatF([3, 4]), floatF([-1, 2])],
    } });
    const [, fl] = await run(() => tf.io.parseSingleSequenceExample(scalar(s), null, {
      a: new FixedLenSequenceFeature([1, 3], tf.int64),
      b: new FixedLenSequenceFeature([2, 2], tf.string),
      c: new FixedLenSequenceFeature(2, tf.float32),
      d: new FixedLenSequenceFeature([5], tf.float32, true),
    }));
    expect(fl.a.toArray()).toEqual([[[-1, 0, 1]], [[2, 3, 4]], [[5, 6, 7]], [[8, 9, 10]]]);
    expect(fl.b.toArray()).toEqual([[['r00', 'r01'], ['r10', 'r11']]]);
    expect(fl.c.toArray()).toEqual([[3, 4], [-1, 2]]);
    expect(fl.d.shape).toEqual([0, 5]);
  });

  it('parses sparse feature lists with [time, index] indices (TF: testSequenceExampleWithSparseAndDenseFeatureLists)', async () => {
    const s = seqExample({ lists: {
      a: [int64F([3, 4]), int64F([1, 0])],
      st_a: [floatF([3, 4]), floatF([5]), floatF([])],
      st_b: [bytesF(['a']), bytesF([]), bytesF([]), bytesF(['b', 'c'])],
    } });
    const [, fl] = await run(() => tf.io.parseSingleSequenceExample(scalar(s), { sequenceFeatures: {
      st_a: new VarLenFeature(tf.float32), st_b: new VarLenFeature(tf.string), st_c: new VarLenFeature(tf.int64),
      a: new FixedLenSequenceFeature([2], tf.int64),
    } }));
    expect(fl.a.toArray()).toEqual([[3, 4], [1, 0]]);
    expect(sparse(fl.st_a)).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: [3, 4, 5], denseShape: [3, 2] });
    expect(sparse(fl.st_b)).toEqual({ indices: [[0, 0], [3, 0], [3, 1]], values: ['a', 'b', 'c'], denseShape: [4, 2] });
    expect(fl.st_c.indices.shape).toEqual([0, 2]);
    expect(fl.st_c.denseShape.toArray()).toEqual([0, 0]);
  });

  it('gives static shapes [null, ...shape] and SparseTensors', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const [ctx, fl] = tf.io.parseSingleSequenceExample(tf.placeholder(tf.string, []), { v: new VarLenFeature(tf.int64), d: new FixedLenFeature([3], tf.float32) }, { x: new FixedLenSequenceFeature([2], tf.float32) });
      expect(fl.x!.shape).toEqual([null, 2]);
      expect((ctx.d as tf.Tensor).shape).toEqual([3]);
      expect(ctx.v).toBeInstanceOf(tf.SparseTensor);
      expect((ctx.v as tf.SparseTensor).op.type).toBe('ParseSingleSequenceExample');
    });
  });

  const fails = async (s: Uint8Array, seq: Record<string, any>, msg: string, ctx: Record<string, any> | null = null) => {
    await expect(run(() => tf.io.parseSingleSequenceExample(scalar(s), ctx, seq, 'in1'))).rejects.toThrow(tf.errors.InvalidArgumentError);
    await expect(run(() => tf.io.parseSingleSequenceExample(scalar(s), ctx, seq, 'in1'))).rejects.toThrow(msg);
  };

  it('fails on a missing required feature list', () =>
    fails(seqExample({ lists: {} }), { a: new FixedLenSequenceFeature([2], tf.int64) },
      "Name: in1, Feature list 'a' is required but could not be found.  Did you mean to include it in feature_list_dense_missing_assumed_empty or feature_list_dense_defaults?"));

  it('fails on inconsistent and wrong data types in a feature list', async () => {
    await fails(seqExample({ lists: { a: [int64F([-1, 0]), floatF([2, 3])] } }), { a: new FixedLenSequenceFeature([2], tf.int64) },
      "Name: in1, Feature list: a, Index: 1.  Data types don't match. Expected type: int64");
    await fails(seqExample({ lists: { a: [int64F([3, 4]), int64F([1, 2]), floatF([2, 3])] } }), { a: new VarLenFeature(tf.int64) },
      "Name: in1, Feature list: a, Index: 2.  Data types don't match. Expected type: int64");
  });

  it('fails on a wrong number of values in a feature list', async () => {
    await fails(seqExample({ lists: { a: [int64F([2, 3]), int64F([2, 3, 4])] } }), { a: new FixedLenSequenceFeature([2], tf.int64) },
      "Feature list 'a' has an unexpected number of values.  Total values size: 5 is not consistent with output shape: [?,2]");
    await fails(seqExample({ lists: { a: [int64F([2, 3, 4]), int64F([5])] } }), { a: new FixedLenSequenceFeature([2], tf.int64) },
      'Name: in1, Key: a, Index: 0.  Number of values != expected.  values size: 3 but output shape: [2]');
  });

  it('fails on context features: wrong type, required but absent, wrong size', async () => {
    await fails(seqExample({ context: { c: int64F([1, 2]) } }), {}, "Name: in1, Context feature: c.  Data types don't match. Expected type: float", { c: new FixedLenFeature([2], tf.float32) });
    await fails(seqExample({ context: { c: floatF([1, 2, 3]) } }), {}, 'Inconsistent max number of elements for feature c: expected 2, but found 3', { c: new FixedLenFeature([2], tf.float32) });
    const pair = vector([seqExample({ context: { c: floatF([1, 2]) } }), seqExample({ context: { c: floatF([1]) } })]);
    await expect(run(() => tf.io.parseSequenceExample(pair, { c: new FixedLenFeature([2], tf.float32) }, null, ['in1', 'in2']))).rejects.toThrow('Unexpected number of elements in example in2');
    const required = seqExample({ context: { d: floatF([2]) } });
    await fails(required, {}, 'Inconsistent max number of elements for feature c: expected 1, but found 0', { c: new FixedLenFeature([1], tf.float32) });
  });

  it('fails on bytes that are not a SequenceExample', async () => {
    const bad = Uint8Array.of(0x0a, 0x05, 0x01);
    await expect(run(() => tf.io.parseSingleSequenceExample(scalar(bad), { c: new VarLenFeature(tf.float32) }))).rejects.toThrow('Invalid protocol message input, example id: <unknown>');
  });

  it('fails at run time on a serialized input of the wrong rank', async () => {
    const s = seqExample({ context: { c: floatF([1]) } });
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const p = tf.placeholder(tf.string);
      const [ctx] = tf.io.parseSingleSequenceExample(p, { c: new VarLenFeature(tf.float32) });
      const [bctx] = tf.io.parseSequenceExample(p, { c: new VarLenFeature(tf.float32) });
      await using sess = new tf.Session();
      await expect(sess.run((ctx.c as tf.SparseTensor).values, new Map([[p, vector([s, s])]]) as never)).rejects.toThrow('Expected serialized to be a scalar, got shape: [2]');
      await expect(sess.run((bctx.c as tf.SparseTensor).values, new Map([[p, scalar(s)]]) as never)).rejects.toThrow('Expected serialized to be a vector, got shape: []');
      const ok = await sess.run((ctx.c as tf.SparseTensor).values, new Map([[p, scalar(s)]]) as never) as tf.NDArray;
      expect(ok.toArray()).toEqual([1]);
    });
  });

  it("checks the features as TF's Python does", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.placeholder(tf.string, []);
      expect(() => tf.io.parseSingleSequenceExample(s)).toThrow('Missing features.');
      expect(() => tf.io.parseSingleSequenceExample(s, {}, {})).toThrow('Missing features.');
      expect(() => tf.io.parseSingleSequenceExample(s, null, { a: new FixedLenSequenceFeature([], tf.int64, true, 3) })).toThrow('Value feature_list.dense_defaults[a] must be None');
      expect(() => tf.io.parseSingleSequenceExample(s, null, { a: new FixedLenFeature([], tf.int64) as never })).toThrow(/Unsupported FixedLenFeature/);
      expect(() => tf.io.parseSingleSequenceExample(s, { a: new FixedLenSequenceFeature([], tf.int64, true) as never })).toThrow(/Unsupported FixedLenSequenceFeature/);
      expect(() => tf.io.parseSingleSequenceExample(tf.placeholder(tf.string, [2]), { a: new VarLenFeature(tf.int64) })).toThrow('Shape must be rank 0 but is rank 1');
    });
  });
});

describe('tf.io.parseSequenceExample', () => {
  it('pads dense feature lists to the longest and returns lengths (TF: testSequenceExampleBatch)', async () => {
    const first = seqExample({ lists: { a: [int64F([-1, 0, 1]), int64F([2, 3, 4]), int64F([5, 6, 7]), int64F([8, 9, 10])] } });
    const second = seqExample({ lists: { a: [int64F([21, 2, 11])] } });
    const [ctx, fl, len] = await run(() => tf.io.parseSequenceExample(vector([first, second]), null, { a: new FixedLenSequenceFeature([1, 3], tf.int64) }, ['in1', 'in2']));
    expect(ctx).toEqual({});
    expect(fl.a.toArray()).toEqual([
      [[[-1, 0, 1]], [[2, 3, 4]], [[5, 6, 7]], [[8, 9, 10]]],
      [[[21, 2, 11]], [[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0]]],
    ]);
    expect(len.a.toArray()).toEqual([4, 1]);
  });

  it('batches context and sparse features with a leading example index', async () => {
    const e0 = seqExample({ context: { id: int64F([7]), t: bytesF(['x', 'y']) }, lists: { w: [bytesF(['a']), bytesF(['b', 'c'])], f: [floatF([1])] } });
    const e1 = seqExample({ context: { t: bytesF(['z']) }, lists: { w: [bytesF([]), bytesF([]), bytesF(['d'])] } });
    const [ctx, fl, len] = await run(() => tf.io.parseSequenceExample(vector([e0, e1]), {
      id: new FixedLenFeature([], tf.int64, -1), t: new VarLenFeature(tf.string),
    }, { w: new VarLenFeature(tf.string), f: new FixedLenSequenceFeature([], tf.float32, { allowMissing: true }) }));
    expect(ctx.id.toArray()).toEqual([7, -1]);
    expect(sparse(ctx.t)).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: ['x', 'y', 'z'], denseShape: [2, 2] });
    expect(sparse(fl.w)).toEqual({ indices: [[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 2, 0]], values: ['a', 'b', 'c', 'd'], denseShape: [2, 3, 2] });
    expect(fl.f.toArray()).toEqual([[1], [0]]);
    expect(len.f.toArray()).toEqual([1, 0]);
  });

  it('names the failing example', async () => {
    const ok = seqExample({ lists: { a: [int64F([1])] } });
    const bad = seqExample({ lists: {} });
    await expect(run(() => tf.io.parseSequenceExample(vector([ok, bad]), null, { a: new FixedLenSequenceFeature([], tf.int64) }, ['first', 'second'])))
      .rejects.toThrow("Name: second, Feature list 'a' is required but could not be found.");
    await expect(run(() => tf.io.parseSequenceExample(vector([ok, bad]), null, { a: new FixedLenSequenceFeature([], tf.int64) }, ['only'])))
      .rejects.toThrow('example_names must be empty or have the correct number of elements');
  });
});

describe('sequence parsing ops in a GraphDef', () => {
  it('export and import back with their features and defaults', async () => {
    const g = new tf.Graph();
    const gd = g.asDefault(() => {
      const s = tf.placeholder(tf.string, [2], 's');
      const [ctx, fl, len] = tf.io.parseSequenceExample(s, { c: new FixedLenFeature([2], tf.float32, [1, 2]), v: new VarLenFeature(tf.int64) }, { f: new FixedLenSequenceFeature([], tf.int64, true) }, null, 'pse');
      tf.identity(ctx.c as tf.Tensor, 'c_out');
      tf.identity((ctx.v as tf.SparseTensor).values, 'v_out');
      tf.identity(fl.f as tf.Tensor, 'f_out');
      tf.identity(len.f!, 'len_out');
      return g.asGraphDef();
    });
    const e0 = seqExample({ context: { v: int64F([5, 6]) }, lists: { f: [int64F([1]), int64F([2])] } });
    const e1 = seqExample({ context: { c: floatF([7, 8]) } });
    const g2 = new tf.Graph();
    await g2.asDefault(async () => {
      tf.importGraphDef(gd, { name: '' });
      await using sess = new tf.Session();
      const [c, v, f, len] = await sess.run(['c_out:0', 'v_out:0', 'f_out:0', 'len_out:0'], { 's:0': vector([e0, e1]) } as never) as tf.NDArray[];
      expect(c!.toArray()).toEqual([[1, 2], [7, 8]]);
      expect(v!.toArray()).toEqual([5, 6]);
      expect(f!.toArray()).toEqual([[1, 2], [0, 0]]);
      expect(len!.toArray()).toEqual([2, 0]);
    });
  });
});

describe('ParseSingleSequenceExample and DecodeCompressed as TF writes them', () => {
  it("export with TF's inputs and attrs and import back", async () => {
    const g = new tf.Graph();
    const gd = g.asDefault(() => {
      const s = tf.placeholder(tf.string, [], 's');
      const [ctx, fl] = tf.io.parseSingleSequenceExample(tf.io.decodeCompressed(s, 'ZLIB', 'dc'), {
        c: new FixedLenFeature([2], tf.float32, [1, 2]), r: new FixedLenFeature([], tf.int64), v: new VarLenFeature(tf.string),
      }, { f: new FixedLenSequenceFeature([2], tf.int64, true), g: new FixedLenSequenceFeature([], tf.float32), w: new VarLenFeature(tf.int64) }, 'ex7', 'pse');
      tf.identity(ctx.c as tf.Tensor, 'c_out');
      tf.identity(ctx.r as tf.Tensor, 'r_out');
      tf.identity((ctx.v as tf.SparseTensor).values, 'v_out');
      tf.identity(fl.f as tf.Tensor, 'f_out');
      tf.identity(fl.g as tf.Tensor, 'g_out');
      tf.identity((fl.w as tf.SparseTensor).indices, 'w_out');
      return g.asGraphDef();
    });
    const dc = gd.node.find((n) => n.name === 'dc')!;
    expect(dc.op).toBe('DecodeCompressed');
    expect(new TextDecoder().decode(dc.attr.compression_type!.s)).toBe('ZLIB');
    const n = gd.node.find((x) => x.name === 'pse')!;
    expect(n.op).toBe('ParseSingleSequenceExample');
    expect(n.input).toEqual(['dc', 'pse/feature_list_dense_missing_assumed_empty', 'pse/context_sparse_keys_0', 'pse/context_dense_keys_0', 'pse/context_dense_keys_1',
      'pse/feature_list_sparse_keys_0', 'pse/feature_list_dense_keys_0', 'pse/feature_list_dense_keys_1', 'pse/context_dense_default_0', 'pse/context_dense_default_1', 'Const']); // debug_name last: the exampleName constant
    expect(Object.keys(n.attr).sort()).toEqual(['Ncontext_dense', 'Ncontext_sparse', 'Nfeature_list_dense', 'Nfeature_list_sparse', 'Tcontext_dense', 'context_dense_shapes',
      'context_sparse_types', 'feature_list_dense_shapes', 'feature_list_dense_types', 'feature_list_sparse_types']);
    expect(n.attr.Ncontext_dense!.i).toBe(2);
    expect(n.attr.feature_list_dense_shapes!.list!.shape.map((s) => s.dim.map((d) => d.size))).toEqual([[2], []]);
    const missing = gd.node.find((x) => x.name === 'pse/feature_list_dense_missing_assumed_empty')!;
    expect(missing.attr.value!.tensor!.stringVal.map((b) => new TextDecoder().decode(b))).toEqual(['f']);
    const { deflateSync } = await import('node:zlib');
    const bytes = deflateSync(seqExample({ context: { r: int64F([4]), v: bytesF(['a']) }, lists: { g: [floatF([0.5]), floatF([1.5])], w: [int64F([]), int64F([9])] } }));
    const g2 = new tf.Graph();
    await g2.asDefault(async () => {
      tf.importGraphDef(gd, { name: '' });
      await using sess = new tf.Session();
      const [c, r, v, f, gv, w] = await sess.run(['c_out:0', 'r_out:0', 'v_out:0', 'f_out:0', 'g_out:0', 'w_out:0'], { 's:0': scalar(bytes) } as never) as tf.NDArray[];
      expect(c!.toArray()).toEqual([1, 2]);
      expect(r!.toArray()).toEqual(4);
      expect(v!.toArray()).toEqual(['a']);
      expect(f!.shape).toEqual([0, 2]);
      expect(gv!.toArray()).toEqual([0.5, 1.5]);
      expect(w!.toArray()).toEqual([[1, 0]]);
      const bad = deflateSync(seqExample({ lists: { g: [floatF([1])] } }));
      await expect(sess.run('c_out:0', { 's:0': scalar(bad) } as never)).rejects.toThrow('Inconsistent max number of elements for feature r: expected 1, but found 0');
    });
  });
});

describe('stripped MetaGraphs with sequence parsing', () => {
  it('list the OpDefs, strip the empty lists and import back', async () => {
    const g = new tf.Graph();
    const mg = g.asDefault(() => {
      const s = tf.placeholder(tf.string, [], 's');
      const [, fl] = tf.io.parseSingleSequenceExample(s, null, { g: new FixedLenSequenceFeature([], tf.float32) }, null, 'pse');
      tf.identity(fl.g as tf.Tensor, 'g_out');
      return tf.train.exportMetaGraph(null, { stripDefaultAttrs: true });
    });
    const ops = (mg.metaInfoDef!.strippedOpList as { op: { name: string; attr: { name: string; allowedValues?: any }[] }[] }).op;
    const def = ops.find((o) => o.name === 'ParseSingleSequenceExample')!;
    expect(def.attr.find((a) => a.name === 'Tcontext_dense')!.allowedValues.list.type).toEqual([1, 9, 7]);
    const n = mg.graphDef!.node.find((x) => x.name === 'pse')!;
    expect(Object.keys(n.attr).sort()).toEqual(['Nfeature_list_dense', 'feature_list_dense_shapes', 'feature_list_dense_types']);
    const g2 = new tf.Graph();
    await g2.asDefault(async () => {
      tf.train.importMetaGraph(mg);
      await using sess = new tf.Session();
      const out = await sess.run('g_out:0', { 's:0': scalar(seqExample({ lists: { g: [floatF([2]), floatF([3])] } })) } as never) as tf.NDArray;
      expect(out.toArray()).toEqual([2, 3]);
    });
  });
});
