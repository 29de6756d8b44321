/**
 * tf.editDistance, the (de)serializing ops, tf.sparseMatmul, sparseResetShape,
 * convertToTensorOrSparseTensor, batchScatterUpdate and tf.nn.collapseRepeated on every device:
 * values from TF's edit_distance_op_test.py and hand-computed references, serialized bytes
 * checked against hand-built TensorProto encodings, TF's op types and attrs in GraphDefs, and
 * finite-difference gradients for sparseMatmul.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, SparseTensor, SparseTensorValue, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const list = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const close = (a: NDArray, want: number[], tol = 1e-6): void => {
  expect(a.data.length).toBe(want.length);
  want.forEach((w, i) => (Number.isFinite(w) ? expect(Math.abs(Number(a.data[i]) - w), `[${i}] ${a.data[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))) : expect(Number(a.data[i])).toBe(w)));
};
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const bytesOf = (a: NDArray): Uint8Array[] => [...(a.data as unknown as Uint8Array[])];

const st = (i: number[][], v: unknown[], s: number[]) => new tf.SparseTensor(i, v as never, s);
const chars = (w: string): string[] => [...w];

for (const dev of devices) {
  const session = (g: tf.Graph) => new tf.Session({ ...dev.options, graph: g });

  describe(`editDistance (${dev.name})`, () => {
    it("TF's edit_distance_op_test cases", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const idxH = [...chars('algorithm').map((_, i) => [0, i]), ...chars('altruistic').map((_, i) => [1, i])];
        const idxT = [...chars('altruistic').map((_, i) => [0, i]), ...chars('algorithm').map((_, i) => [1, i])];
        const hs = st(idxH, [...chars('algorithm'), ...chars('altruistic')], [2, 11]);
        const ts = st(idxT, [...chars('altruistic'), ...chars('algorithm')], [2, 11]);
        const i64 = (v: number[]) => tf.constant(v, 'int64');
        return {
          normalized: tf.editDistance(st([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, -1] as never, [2, 2]), st([[0, 0], [1, 0], [1, 1]], [0, 1, 1] as never, [2, 2])),
          unnormalized: tf.editDistance(
            new tf.SparseTensor([[0, 0], [1, 0], [1, 1]], i64([10, 10, 11]), [2, 2]),
            new tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], i64([1, 2, 1, -1]), [2, 3]), false),
          properU: tf.editDistance(hs, ts, { normalize: false }),
          properN: tf.editDistance(hs, ts),
          d3: tf.editDistance(st([[0, 0, 0], [1, 0, 0]], [0, 1], [2, 1, 1]), st([[0, 1, 0], [1, 0, 0], [1, 1, 0]], [0, 1, 1], [2, 2, 1])),
          zeroHyp: tf.editDistance(new tf.SparseTensor(tf.zeros([0, 2], 'int64'), tf.zeros([0], 'int32'), [1, 0]), new tf.SparseTensor([[0, 0]], tf.constant([0], 'int32'), [1, 1])),
          zeroTruth: tf.editDistance(new tf.SparseTensor([[0, 0]], tf.constant([0], 'int32'), [1, 1]), new tf.SparseTensor(tf.zeros([0, 2], 'int64'), tf.zeros([0], 'int32'), [1, 0])),
          zeroBoth: tf.editDistance(new tf.SparseTensor(tf.zeros([0, 2], 'int64'), tf.zeros([0], 'int32'), [1, 0]), new tf.SparseTensor(tf.zeros([0, 2], 'int64'), tf.zeros([0], 'int32'), [1, 0])),
        };
      });
      expect(f.d3.shape).toEqual([2, 2]);
      expect(f.normalized.op.type).toBe('EditDistance');
      expect(f.normalized.op.name).toBe('edit_distance');
      const o = (await session(g).run(f)) as Record<string, NDArray>;
      close(o.normalized!, [1.0, 0.5]);
      close(o.unnormalized!, [2.0, 2.0]);
      close(o.properU!, [6, 6]);
      close(o.properN!, [6 / 10, 6 / 9]);
      expect(o.d3!.shape).toEqual([2, 2]);
      close(o.d3!, [Infinity, 1, 0, 1]);
      close(o.zeroHyp!, [1]);
      close(o.zeroTruth!, [Infinity]);
      close(o.zeroBoth!, [0]);
    });

    it('matches a plain Levenshtein reference on random sequences, and TF’s errors', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      let s = 7;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const lev = (a: number[], b: number[]): number => {
        const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
        for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        return d[a.length]![b.length]!;
      };
      const rows = 6;
      const seqs = (n: number) => Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(rnd() * 7) }, () => Math.floor(rnd() * 3)));
      const H = seqs(rows);
      const T = seqs(rows);
      const sp = (q: number[][]) => new tf.SparseTensor(q.flatMap((r, i) => r.map((_, j) => [i, j])), tf.constant(q.flat(), 'int32'), [rows, 8]);
      const g = new tf.Graph();
      const [n, u, bad] = g.asDefault(() => [tf.editDistance(sp(H), sp(T)), tf.editDistance(sp(H), sp(T), false), tf.editDistance(new tf.SparseTensor([[0, 0]], tf.constant([1], 'int32'), tf.placeholderWithDefault(tf.constant([1, 2], 'int64'), [2])), new tf.SparseTensor(tf.zeros([0, 3], 'int64'), tf.zeros([0], 'int32'), [1, 1, 1]))]);
      const sess = session(g);
      const [on, ou] = (await sess.run([n!, u!])) as NDArray[];
      close(ou!, H.map((h, i) => lev(h, T[i]!)));
      close(on!, H.map((h, i) => lev(h, T[i]!) / T[i]!.length), 1e-6);
      await expect(sess.run(bad!)).rejects.toThrow('Expected truth and hypothesis to have matching ranks, but their shapes are: [3] and [2]');
      expect(() => g.asDefault(() => tf.editDistance(tf.constant([1]) as never, sp(T)))).toThrow('Hypothesis must be a SparseTensor.');
      expect(() => g.asDefault(() => tf.editDistance(sp(H), new tf.SparseTensor([[0, 0, 0]], tf.constant([1], 'int32'), [1, 1, 1])))).toThrow('Num elements of hypothesis_shape does not match truth_shape: 2 vs. 3');
      expect(() => g.asDefault(() => tf.editDistance(sp(H), st([[0, 0]], [1.5], [1, 1])))).toThrow("Input 'truth_values' of 'EditDistance' Op has type float32 that does not match type int32 of argument 'hypothesis_values'.");
    });
  });

  describe(`serialize / parse (${dev.name})`, () => {
    it("serializeTensor writes TF's TensorProto bytes; parseTensor reads them back", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => ({
        f32: tf.serializeTensor(tf.constant([[1.5, -2]], 'float32')),
        i64: tf.io.serializeTensor(tf.constant(7, 'int64')),
        str: tf.serializeTensor(tf.constant(['ab', ''])),
        bool: tf.serializeTensor(tf.constant([true, false])),
        empty: tf.serializeTensor(tf.zeros([0], 'float32')),
        i32: tf.serializeTensor(tf.constant([[-1, 300]], 'int32')),
      }));
      expect(f.f32.op.type).toBe('SerializeTensor');
      const o = (await session(g).run(f)) as Record<string, NDArray>;
      // dtype (field 1), tensor_shape (2: one dim message per dim, size in field 1), tensor_content (4)
      expect(hex(bytesOf(o.f32!)[0]!)).toBe('08 01 12 08 12 02 08 01 12 02 08 02 22 08 00 00 c0 3f 00 00 00 c0');
      expect(hex(bytesOf(o.i64!)[0]!)).toBe('08 09 12 00 22 08 07 00 00 00 00 00 00 00');
      // strings: varint lengths, then the bytes
      expect(hex(bytesOf(o.str!)[0]!)).toBe('08 07 12 04 12 02 08 02 22 04 02 00 61 62');
      expect(hex(bytesOf(o.bool!)[0]!)).toBe('08 0a 12 04 12 02 08 02 22 02 01 00');
      // a zero-size dim is an empty dim message; no content
      expect(hex(bytesOf(o.empty!)[0]!)).toBe('08 01 12 02 12 00');
      expect(hex(bytesOf(o.i32!)[0]!)).toBe('08 03 12 08 12 02 08 01 12 02 08 02 22 08 ff ff ff ff 2c 01 00 00');

      const g2 = new tf.Graph();
      const [ser, back] = g2.asDefault(() => {
        const s = tf.placeholder('string', []);
        return [s, { f: tf.parseTensor(s, 'float32'), s: tf.io.parseTensor(s, 'string'), i: tf.parseTensor(s, { outType: 'int64' }) }];
      });
      const sess = session(g2);
      const pf = (await sess.run(back.f, new Map([[ser, tf.NDArray.fromStrings([bytesOf(o.f32!)[0]!], [])]]))) as NDArray;
      expect(pf.shape).toEqual([1, 2]);
      close(pf, [1.5, -2]);
      const ps = (await sess.run(back.s, new Map([[ser, tf.NDArray.fromStrings([bytesOf(o.str!)[0]!], [])]]))) as NDArray;
      expect(ps.toArray()).toEqual(['ab', '']);
      const pi = (await sess.run(back.i, new Map([[ser, tf.NDArray.fromStrings([bytesOf(o.i64!)[0]!], [])]]))) as NDArray;
      expect(pi.shape).toEqual([]);
      expect(list(pi)).toEqual([7]);
      await expect(sess.run(back.f, new Map([[ser, tf.NDArray.fromStrings([bytesOf(o.i64!)[0]!], [])]]))).rejects.toThrow('Type mismatch between parsed tensor (int64) and dtype (float)');
      await expect(sess.run(back.f, new Map([[ser, tf.NDArray.fromStrings(['bogus'], [])]]))).rejects.toThrow("Could not parse `serialized` as TensorProto: 'bogus'");
    });

    it('serializeSparse / serializeManySparse / deserializeManySparse round trip', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const sp = st([[0, 0], [0, 2], [2, 1]], [1.5, 2, 3], [3, 4]);
        const many = tf.serializeManySparse(sp);
        const back = tf.deserializeManySparse(many, 'float32', 2);
        const two = tf.stack([tf.serializeSparse(st([[0, 0]], [1], [1, 2])), tf.serializeSparse(st([[1, 1], [2, 0]], [2, 3], [3, 2]))]);
        const merged = tf.deserializeManySparse(two, 'float32');
        return { one: tf.serializeSparse(sp), many, bi: back.indices, bv: back.values, bs: back.denseShape, mi: merged.indices, mv: merged.values, ms: merged.denseShape, backShape: back.indices };
      });
      expect(f.many.shape).toEqual([null, 3]);
      expect(f.backShape.shape).toEqual([null, 2]);
      const o = (await session(g).run(f)) as Record<string, NDArray>;
      const one = bytesOf(o.one!);
      expect(one.length).toBe(3);
      // indices int64 [3, 2], values float [3], shape int64 [2]
      expect(hex(one[2]!)).toBe('08 09 12 04 12 02 08 02 22 10 03 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00');
      expect(hex(one[1]!)).toBe('08 01 12 04 12 02 08 03 22 0c 00 00 c0 3f 00 00 00 40 00 00 40 40');
      const many = bytesOf(o.many!);
      expect(o.many!.shape).toEqual([3, 3]);
      // row 1 is empty: indices [0, 1], values [0], shape [4]
      expect(hex(many[3]!)).toBe('08 09 12 06 12 00 12 02 08 01');
      expect(hex(many[4]!)).toBe('08 01 12 02 12 00');
      expect(hex(many[5]!)).toBe('08 09 12 04 12 02 08 01 22 08 04 00 00 00 00 00 00 00');
      expect(list(o.bi!)).toEqual([0, 0, 0, 2, 2, 1]);
      close(o.bv!, [1.5, 2, 3]);
      expect(list(o.bs!)).toEqual([3, 4]);
      expect(list(o.mi!)).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 0]);
      close(o.mv!, [1, 2, 3]);
      expect(list(o.ms!)).toEqual([2, 3, 2]);

      const g2 = new tf.Graph();
      const [bad, wrong] = g2.asDefault(() => [
        tf.serializeManySparse(st([[1, 0], [0, 0]], [1, 2], [2, 2])),
        tf.deserializeManySparse(tf.stack([tf.serializeSparse(st([[0, 0]], [1], [1, 2]))]), 'int32'),
      ]);
      const sess = session(g2);
      await expect(sess.run(bad!)).rejects.toThrow('indices[1] = [0,0] is out of order');
      await expect(sess.run((wrong as SparseTensor).values)).rejects.toThrow('Requested SparseTensor of type int32 but SparseTensor[0].values.dtype() == float');
    });
  });

  describe(`sparseMatmul, sparseResetShape, convertToTensorOrSparseTensor, batchScatterUpdate, collapseRepeated (${dev.name})`, () => {
    it('computes as TF', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const a = tf.constant([[1, 0, 2], [0, 0, 3]], 'float32');
        const b = tf.constant([[1, 2], [3, 4], [5, 6]], 'float32');
        const sp = st([[0, 1], [1, 2]], [1, 2], [4, 5]);
        const v = new tf.Variable(tf.zeros([2, 3, 2]));
        const upd = tf.batchScatterUpdate(v, tf.constant([[2, 0], [1, 1]], 'int32'), tf.constant([[[1, 1], [2, 2]], [[3, 3], [4, 4]]], 'float32'));
        const [coll, len] = tf.nn.collapseRepeated(tf.constant([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0], [5, 6, 6, 7, 7]], 'int32'), tf.constant([5, 3, 3], 'int32'));
        return {
          mm: tf.sparseMatmul(a, b, { aIsSparse: true }),
          mmT: tf.sparseMatmul(b, a, true, true),
          reset: tf.sparseResetShape(sp).denseShape,
          reset2: tf.sparse.resetShape(sp, [5, 6]).denseShape,
          upd, coll, len, init: v.initializer,
        };
      });
      expect(f.mm.op.type).toBe('SparseMatMul');
      expect(() => g.asDefault(() => tf.sparseResetShape(st([[0, 1]], [1], [4, 5]), [3, 6]))).toThrow('Requested new_shape should have dimension sizes >= sp_input.shape.');
      const sp = st([[0, 0]], [1], [1, 1]);
      expect(g.asDefault(() => tf.convertToTensorOrSparseTensor(sp))).toBe(sp);
      expect(() => g.asDefault(() => tf.convertToTensorOrSparseTensor(sp, 'int32'))).toThrow('Sparse dtype: requested = int32, actual = float32');
      const sess = session(g);
      await sess.run(f.init);
      const { init: _init, ...fetch } = f;
      const o = (await sess.run(fetch)) as Record<string, NDArray>;
      close(o.mm!, [11, 14, 15, 18]);
      // b^T a^T = (a b)^T
      close(o.mmT!, [11, 15, 14, 18]);
      expect(list(o.reset!)).toEqual([2, 3]);
      expect(list(o.reset2!)).toEqual([5, 6]);
      close(o.upd!, [2, 2, 0, 0, 1, 1, 0, 0, 4, 4, 0, 0]);
      expect(o.coll!.shape).toEqual([3, 3]);
      expect(list(o.coll!)).toEqual([1, 2, 3, 4, 0, 0, 5, 6, 0]);
      expect(list(o.len!)).toEqual([3, 1, 2]);
    });
  });
}

describe('GraphDef export with TF op types', () => {
  it('writes the ops and attrs as TF', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.editDistance(st([[0, 0]], [1], [1, 1]), st([[0, 0]], [1], [1, 1]), false, 'ed');
      tf.serializeManySparse(st([[0, 0]], [1], [1, 1]), 'sms');
      tf.deserializeManySparse(tf.placeholder('string', [null, 3]), 'float32', null, 'dms');
      tf.parseTensor(tf.placeholder('string', []), 'int64', 'pt');
      tf.sparseMatmul(tf.ones([2, 2]), tf.ones([2, 2]), false, true, true, false, 'smm');
    });
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('ed').op).toBe('EditDistance');
    expect(node('ed').attr.normalize!.b).toBe(false);
    expect(node('ed').attr.T!.type).toBe(1);
    expect(node('sms').op).toBe('SerializeManySparse');
    expect(node('sms').attr.out_type!.type).toBe(7);
    expect(node('dms').attr.dtype!.type).toBe(1);
    expect(node('pt').attr.out_type!.type).toBe(9);
    expect(node('smm').op).toBe('SparseMatMul');
    expect(node('smm').attr.transpose_b!.b).toBe(true);
    expect(node('smm').attr.a_is_sparse!.b).toBe(true);
    expect(node('smm').attr.Ta!.type).toBe(1);
  });
});

describe('GraphDef round trip and hostile inputs', () => {
  it('imports what it exports and runs the same', async () => {
    const g = new tf.Graph();
    const names = g.asDefault(() => {
      const ed = tf.editDistance(st([[0, 0], [0, 1]], [1, 2], [1, 2]), st([[0, 0]], [1], [1, 2]), { name: 'ed' });
      const sms = tf.serializeManySparse(st([[0, 0], [1, 1]], [1, 2], [2, 2]), 'sms');
      const dms = tf.deserializeManySparse(sms, 'float32', null, 'dms');
      const pt = tf.parseTensor(tf.serializeTensor(tf.constant([3, 4], 'int64')), 'int64', 'pt');
      const smm = tf.sparseMatmul(tf.constant([[1, 2]], 'float32'), tf.constant([[3], [4]], 'float32'), { name: 'smm' });
      return [ed, dms.values, dms.denseShape, pt, smm].map((t) => t.name);
    });
    const gd = g.asGraphDef();
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    const o = (await sess.run(names.map((n) => g2.getTensorByName(n)))) as NDArray[];
    close(o[0]!, [1]);
    close(o[1]!, [1, 2]);
    expect(list(o[2]!)).toEqual([2, 2]);
    expect(list(o[3]!)).toEqual([3, 4]);
    close(o[4]!, [11]);
  });

  it('malformed serialized tensors and shapes fail with InvalidArgumentError, without huge allocations', async () => {
    const g = new tf.Graph();
    const [s, p, d, ed] = g.asDefault(() => {
      const ph = tf.placeholder('string', []);
      const many = tf.placeholder('string', [null, 3]);
      return [ph, tf.parseTensor(ph, 'float32'), [many, tf.deserializeManySparse(many, 'float32')] as const,
        tf.editDistance(st([[0, 0]], [1], [1, 1]), new tf.SparseTensor([[0, 0]], [1], tf.constant([2 ** 40, 2 ** 20], 'int64')))];
    });
    const sess = new tf.Session({ graph: g });
    const feed = (b: number[]) => new Map([[s as Tensor, tf.NDArray.fromStrings([Uint8Array.from(b)], [])]]);
    // shape [2^40] with no data
    await expect(sess.run(p as Tensor, feed([0x08, 0x01, 0x12, 0x08, 0x12, 0x06, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]))).rejects.toThrow(tf.errors.InvalidArgumentError);
    // truncated content
    await expect(sess.run(p as Tensor, feed([0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x22, 0x08, 0, 0, 0xc0]))).rejects.toThrow('Could not parse `serialized` as TensorProto');
    // content length not matching the shape
    await expect(sess.run(p as Tensor, feed([0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x03, 0x22, 0x04, 0, 0, 0xc0, 0x3f]))).rejects.toThrow(tf.errors.InvalidArgumentError);
    const [many, sp] = d as readonly [Tensor, SparseTensor];
    await expect(sess.run(sp.values, new Map([[many, tf.NDArray.fromStrings(['x', 'y', 'z'], [1, 3])]]))).rejects.toThrow("Could not parse serialized_sparse[0, 0] as TensorProto: 'x'");
    await expect(sess.run(ed as Tensor)).rejects.toThrow('too large');
  });
});

const GRAD: GradCase[] = [
  { name: 'sparseMatmul (SparseMatMul)', ins: [{ shape: [2, 3] }, { shape: [3, 2] }], f: (a, b) => tf.sparseMatmul(a!, b!, { aIsSparse: true }) },
  { name: 'sparseMatmul transposed', ins: [{ shape: [3, 2] }, { shape: [2, 3] }], f: (a, b) => tf.sparseMatmul(a!, b!, true, true) },
];
describeGradients('finite-difference gradients of sparseMatmul', GRAD, devices, { skip: (_c, cfg) => (cfg.dtype === 'float64' ? 'SparseMatMul is float32 only, as in TF' : null) });

export type { SparseTensorValue, Tensor };
