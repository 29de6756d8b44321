/**
 * tf.nn.embeddingLookupSparse / safeEmbeddingLookupSparse and the unigram / all candidate
 * samplers on every device: combined embeddings against a plain-JS reference (and the cases of
 * TF's embedding_ops_test.py for the safe lookup), the IndexedSlices gradient and
 * finite-difference gradients; samplers' expected counts from TF's formulas, their frequencies,
 * the learned sampler's per-session counts, TF's candidate_sampler_ops_test values for
 * AllCandidateSampler, and TF's op types / attrs in GraphDefs.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const list = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const close = (a: NDArray, want: number[], tol = 1e-5): void => {
  expect(a.data.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(Number(a.data[i]) - w), `[${i}] ${a.data[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
};

// params 6 x 3
const P = Array.from({ length: 18 }, (_, k) => Math.sin(k + 1) * 2);
const row = (id: number) => P.slice(id * 3, id * 3 + 3);
// sp_ids rows: [1, 3], [0], [1, 1, 5]
const IDX = [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]];
const IDS = [1, 3, 0, 1, 1, 5];
const W = [2.0, 0.5, 1.0, 3.0, 1.5, 0.25];
function reference(combiner: 'mean' | 'sqrtn' | 'sum', weights: number[] | null, maxNorm?: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    const acc = [0, 0, 0];
    let ws = 0;
    let ws2 = 0;
    IDX.forEach(([i], k) => {
      if (i !== r) return;
      const w = weights ? weights[k]! : 1;
      let e = row(IDS[k]!);
      if (maxNorm !== undefined) {
        const n = Math.hypot(...e);
        if (n > maxNorm) e = e.map((x) => (x * maxNorm) / n);
      }
      e.forEach((x, j) => (acc[j]! += w * x));
      ws += w;
      ws2 += w * w;
    });
    const d = combiner === 'sum' ? 1 : combiner === 'mean' ? ws : Math.sqrt(ws2);
    out.push(...acc.map((x) => x / d));
  }
  return out;
}

for (const dev of devices) {
  const session = (g: tf.Graph) => new tf.Session({ ...dev.options, graph: g });

  describe(`embeddingLookupSparse (${dev.name})`, () => {
    it('combines by mean / sqrtn / sum, weighted or not, sharded by mod or div, with maxNorm', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const params = tf.constant(P, 'float32', [6, 3]);
        const ids = new tf.SparseTensor(IDX, tf.constant(IDS, 'int64'), [3, 3]);
        const w = new tf.SparseTensor(IDX, W, [3, 3]);
        // mod: shard k holds ids k, k+2, k+4; div: shard 0 holds ids 0..2
        const mod = [tf.constant([...row(0), ...row(2), ...row(4)], 'float32', [3, 3]), tf.constant([...row(1), ...row(3), ...row(5)], 'float32', [3, 3])];
        const div = [tf.constant(P.slice(0, 9), 'float32', [3, 3]), tf.constant(P.slice(9), 'float32', [3, 3])];
        return {
          mean: tf.nn.embeddingLookupSparse(params, ids, null),
          sqrtn: tf.nn.embeddingLookupSparse(params, ids, null, { combiner: 'sqrtn' }),
          sum: tf.nn.embeddingLookupSparse(params, ids, null, 'mod', null, 'sum'),
          wmean: tf.nn.embeddingLookupSparse(params, ids, w, { combiner: 'mean' }),
          wsqrtn: tf.nn.embeddingLookupSparse(params, ids, w, { combiner: 'sqrtn' }),
          wsum: tf.nn.embeddingLookupSparse(params, ids, w, { combiner: 'sum' }),
          shardMod: tf.nn.embeddingLookupSparse(mod, ids, w, { combiner: 'sum' }),
          shardDiv: tf.nn.embeddingLookupSparse(div, ids, w, { combiner: 'sum', partitionStrategy: 'div' }),
          norm: tf.nn.embeddingLookupSparse(params, ids, w, { combiner: 'mean', maxNorm: 1.0 }),
        };
      });
      expect(f.mean.op.name).toBe('embedding_lookup_sparse');
      expect(f.mean.op.type).toBe('SparseSegmentMean');
      expect(f.wsum.op.type).toBe('SegmentSum');
      expect(f.mean.shape).toEqual([null, 3]);
      const o = (await session(g).run(f)) as Record<string, NDArray>;
      close(o.mean!, reference('mean', null));
      close(o.sqrtn!, reference('sqrtn', null));
      close(o.sum!, reference('sum', null));
      close(o.wmean!, reference('mean', W));
      close(o.wsqrtn!, reference('sqrtn', W));
      close(o.wsum!, reference('sum', W));
      close(o.shardMod!, reference('sum', W));
      close(o.shardDiv!, reference('sum', W));
      close(o.norm!, reference('mean', W, 1.0));
    });

    it('sends an IndexedSlices gradient to params; TF’s argument errors', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [grad, dense] = g.asDefault(() => {
        const params = tf.constant(P, 'float32', [6, 3]);
        const ids = new tf.SparseTensor(IDX, tf.constant(IDS, 'int64'), [3, 3]);
        const out = tf.nn.embeddingLookupSparse(params, ids, new tf.SparseTensor(IDX, W, [3, 3]), { combiner: 'sum' });
        const [gr] = tf.gradients(tf.reduceSum(out), [params]);
        return [gr, tf.convertToTensor(gr as never)];
      });
      expect(grad).toBeInstanceOf(tf.IndexedSlices);
      const d = (await session(g).run(dense as Tensor)) as NDArray;
      // d(sum)/d(params[id]) = sum of that id's weights
      const want = new Array<number>(18).fill(0);
      IDS.forEach((id, k) => [0, 1, 2].forEach((j) => (want[id * 3 + j]! += W[k]!)));
      close(d, want);
      g.asDefault(() => {
        const ids = new tf.SparseTensor(IDX, tf.constant(IDS, 'int64'), [3, 3]);
        expect(() => tf.nn.embeddingLookupSparse(tf.ones([6, 3]), ids, null, { combiner: 'max' })).toThrow("combiner must be one of 'mean', 'sqrtn' or 'sum'");
        expect(() => tf.nn.embeddingLookupSparse(tf.ones([6, 3]), tf.ones([2]) as never, null)).toThrow('sp_ids must be SparseTensor');
        expect(() => tf.nn.embeddingLookupSparse(tf.ones([6, 3]), ids, tf.ones([2]) as never)).toThrow('sp_weights must be either None or SparseTensor');
      });
    });
  });

  describe(`safeEmbeddingLookupSparse (${dev.name})`, () => {
    // embedding_ops_test's _ids_and_weights_2d: row 0 several ids (one invalid), row 1 only
    // invalid ids, row 2 none, row 3 one id, row 4 only weights <= 0
    const ind = [[0, 0], [0, 1], [0, 2], [1, 0], [3, 0], [4, 0], [4, 1]];
    const ids = [0, 1, -1, -1, 2, 0, 1];
    const wts = [1.0, 2.0, 1.0, 1.0, 3.0, 0.0, -0.5];
    const E = Array.from({ length: 20 }, (_, k) => Math.cos(k * 0.7) + 0.1 * k);
    const er = (i: number) => E.slice(i * 4, i * 4 + 4);
    const zero = [0, 0, 0, 0];
    it("TF's cases: zero vector or default id for empty rows, pruned ids and weights, sum keeps weights <= 0, 3-D ids", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const w = tf.constant(E, 'float32', [5, 4]);
        const shards = [tf.constant(E.slice(0, 12), 'float32', [3, 4]), tf.constant(E.slice(12), 'float32', [2, 4])];
        const spIds = () => new tf.SparseTensor(ind, tf.constant(ids, 'int64'), [5, 4]);
        const spW = () => new tf.SparseTensor(ind, wts, [5, 4]);
        // 3-D: [2, 3, 4] ids, rows (0,0), (0,1), (1,0), (1,2)
        const ind3 = [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 2, 0]];
        return {
          zeros: tf.nn.safeEmbeddingLookupSparse(w, spIds(), spW()),
          dflt: tf.nn.safeEmbeddingLookupSparse([w], spIds(), spW(), { defaultId: 3 }),
          noW: tf.nn.safeEmbeddingLookupSparse(shards, spIds(), null),
          sum: tf.nn.safeEmbeddingLookupSparse(w, spIds(), spW(), 'sum'),
          d3: tf.nn.safeEmbeddingLookupSparse(w, new tf.SparseTensor(ind3, tf.constant([0, 1, 4, 2, -1, 3], 'int64'), [2, 3, 4]), null, { combiner: 'sum' }),
        };
      });
      expect(f.d3.shape).toEqual([null, null, 4]);
      const o = (await session(g).run(f)) as Record<string, NDArray>;
      const mix = (pairs: [number, number][], d: number) => [0, 1, 2, 3].map((j) => pairs.reduce((p, [i, w]) => p + w * er(i)[j]!, 0) / d);
      close(o.zeros!, [...mix([[0, 1], [1, 2]], 3), ...zero, ...zero, ...er(2), ...zero]);
      close(o.dflt!, [...mix([[0, 1], [1, 2]], 3), ...er(3), ...er(3), ...er(2), ...er(3)]);
      close(o.noW!, [...mix([[0, 1], [1, 1]], 2), ...zero, ...zero, ...er(2), ...mix([[0, 1], [1, 1]], 2)]);
      close(o.sum!, [...mix([[0, 1], [1, 2]], 1), ...zero, ...zero, ...mix([[2, 3]], 1), ...mix([[0, 0], [1, -0.5]], 1)]);
      expect(o.d3!.shape).toEqual([2, 3, 4]);
      close(o.d3!, [...mix([[0, 1], [1, 1]], 1), ...er(4), ...zero, ...er(2), ...zero, ...er(3)]);
    });
  });

  describe(`candidate samplers (${dev.name})`, () => {
    it("allCandidateSampler: TF's candidate_sampler_ops_test values", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => tf.nn.allCandidateSampler(tf.constant([[1, 2], [0, 4], [3, 3]], 'int64'), 2, 5, true));
      expect(f[0].op.type).toBe('AllCandidateSampler');
      const [s, t, e] = (await session(g).run(f)) as NDArray[];
      expect(list(s!)).toEqual([0, 1, 2, 3, 4]);
      expect(t!.shape).toEqual([3, 2]);
      expect(list(t!)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(list(e!)).toEqual([1, 1, 1, 1, 1]);
    });

    it('fixedUnigramCandidateSampler: distortion, reserved ids, shards, vocab file; counts and frequencies', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vocab-'));
      const vocab = path.join(dir, 'vocab.txt');
      fs.writeFileSync(vocab, 'the,40\nof,10\nand,30\nto,20\n');
      const g = new tf.Graph();
      const tc = () => tf.constant([[0], [3]], 'int64');
      const f = g.asDefault(() => ({
        plain: tf.nn.fixedUnigramCandidateSampler(tc(), 1, 4000, false, 4, { unigrams: [1, 2, 3, 4], seed: 3 }),
        distorted: tf.nn.fixedUnigramCandidateSampler(tc(), 1, 8, false, 4, { unigrams: [1, 4, 9, 16], distortion: 0.5, seed: 3 }),
        reserved: tf.nn.fixedUnigramCandidateSampler(tc(), 1, 3, true, 5, { unigrams: [1, 2, 3], numReservedIds: 2, seed: 3 }),
        shard: tf.nn.fixedUnigramCandidateSampler(tf.constant([[1]], 'int64'), 1, 2, false, 3, { unigrams: [1, 2, 3, 4, 5, 6], numShards: 2, shard: 1, seed: 3 }),
        file: tf.nn.fixedUnigramCandidateSampler(tc(), 1, 10, false, 4, { vocabFile: vocab, seed: 3 }),
      }));
      const o = (await session(g).run(f)) as Record<string, NDArray[]>;
      const [ps, pt, pe] = o.plain!;
      // not unique: expected count p * numSampled, p = w / total
      close(pt!, [0.1 * 4000, 0.4 * 4000]);
      close(pe!, list(ps!).map((v) => ((v + 1) / 10) * 4000));
      const freq = [0, 1, 2, 3].map((k) => list(ps!).filter((v) => v === k).length / 4000);
      freq.forEach((q, k) => expect(Math.abs(q - (k + 1) / 10)).toBeLessThan(0.03));
      // distortion 0.5: weights 1, 2, 3, 4
      close(o.distorted![1]!, [0.1 * 8, 0.4 * 8]);
      // reserved ids 0, 1 have weight 0: never sampled
      const rs = list(o.reserved![0]!);
      expect(new Set(rs)).toEqual(new Set([2, 3, 4]));
      // unique: 1 - (1 - p)^tries, 0 for a reserved id, in (p, 1] for id 3 (p = 2/6)
      const rt = list(o.reserved![1]!);
      expect(rt[0]).toBe(0);
      expect(rt[1]).toBeGreaterThan(2 / 6);
      expect(rt[1]).toBeLessThanOrEqual(1);
      // shard 1 of 2 keeps ids 1, 3, 5: weights 2, 4, 6
      close(o.shard![1]!, [(4 / 12) * 2]);
      list(o.shard![0]!).forEach((v) => expect(v).toBeLessThan(3));
      // the vocabulary's last column: 40, 10, 30, 20
      close(o.file![1]!, [0.4 * 10, 0.2 * 10]);

      const g2 = new tf.Graph();
      const bad = g2.asDefault(() => tf.nn.fixedUnigramCandidateSampler(tc(), 1, 2, false, 5, { unigrams: [1, 2, 3] }));
      await expect(session(g2).run(bad[0])).rejects.toThrow('range is 5 must be equal to weights size  3');
      expect(() => g2.asDefault(() => tf.nn.fixedUnigramCandidateSampler(tc(), 1, 2, false, 3))).toThrow('Must provide either vocab_file or unigrams, but not both.');
      fs.rmSync(dir, { recursive: true });
      const g3 = new tf.Graph();
      const missing = g3.asDefault(() => tf.nn.fixedUnigramCandidateSampler(tc(), 1, 2, false, 4, { vocabFile: vocab }));
      await expect(session(g3).run(missing[0])).rejects.toThrow(tf.errors.NotFoundError);
    });

    it('learnedUnigramCandidateSampler counts true classes per session; seeds repeat a sequence', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [s, t, e] = g.asDefault(() => tf.nn.learnedUnigramCandidateSampler(tf.constant([[0], [0], [0]], 'int64'), 1, 4, false, 4, { seed: 11 }));
      const sess = session(g);
      const r1 = (await sess.run([s, t, e])) as NDArray[];
      // first run: every class weight 1 -> p = 1/4, count p * 4
      close(r1[1]!, [1, 1, 1]);
      close(r1[2]!, [1, 1, 1, 1]);
      const r2 = (await sess.run([t, e])) as NDArray[];
      // after seeing class 0 three times: weights 4, 1, 1, 1
      close(r2[0]!, [(4 / 7) * 4, (4 / 7) * 4, (4 / 7) * 4]);
      const sess2 = session(g);
      const again = (await sess2.run([s, t])) as NDArray[];
      expect(list(again[0]!)).toEqual(list(r1[0]!));
      close(again[1]!, [1, 1, 1]);
      const g2 = new tf.Graph();
      const bad = g2.asDefault(() => tf.nn.learnedUnigramCandidateSampler(tf.constant([[7]], 'int64'), 1, 2, false, 4));
      await expect(session(g2).run(bad[0])).rejects.toThrow('`true_candidate` out of range [0, 4), received 7');
    });
  });
}

describe('GraphDef export of the samplers', () => {
  it("writes TF's op types and attrs", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.nn.fixedUnigramCandidateSampler(tf.constant([[0]], 'int64'), 1, 2, true, 3, { unigrams: [1, 2, 3], distortion: 0.75, seed: 5, name: 'fixed' });
      tf.nn.learnedUnigramCandidateSampler(tf.constant([[0]], 'int64'), 1, 2, true, 3, { name: 'learned' });
    });
    const gd = g.asGraphDef();
    const n = (x: string) => gd.node.find((q) => q.name === x)!;
    expect(n('fixed').op).toBe('FixedUnigramCandidateSampler');
    expect(n('fixed').attr.unigrams!.list!.f).toEqual([1, 2, 3]);
    expect(n('fixed').attr.distortion!.f).toBe(0.75);
    expect(n('fixed').attr.range_max!.i).toBe(3);
    expect(n('learned').op).toBe('LearnedUnigramCandidateSampler');
    expect(n('learned').attr.unique!.b).toBe(true);
  });

  it('imports them back with their attrs', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.nn.fixedUnigramCandidateSampler(tf.constant([[2]], 'int64'), 1, 3, false, 3, { unigrams: [1, 1, 2], seed: 5, name: 'fixed' });
      tf.nn.allCandidateSampler(tf.constant([[2]], 'int64'), 1, 3, true, { name: 'all' });
    });
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    const [t, s] = (await sess.run([g2.getTensorByName('fixed:1'), g2.getTensorByName('all:0')])) as NDArray[];
    close(t!, [0.5 * 3]);
    expect(list(s!)).toEqual([0, 1, 2]);
  });
});

const IDS_T = () => new tf.SparseTensor(IDX, tf.constant(IDS, 'int64'), [3, 3]);
const GRAD: GradCase[] = [
  { name: 'embeddingLookupSparse mean w.r.t. params', ins: [{ shape: [6, 3] }], f: (p) => tf.reshape(tf.nn.embeddingLookupSparse(p!, IDS_T(), null), [3, 3]) },
  { name: 'embeddingLookupSparse sqrtn w.r.t. params and weights', ins: [{ shape: [6, 3] }, { shape: [6], gen: 'pos' }], f: (p, w) => tf.reshape(tf.nn.embeddingLookupSparse(p!, IDS_T(), new tf.SparseTensor(IDX, w!, [3, 3]), { combiner: 'sqrtn' }), [3, 3]) },
  { name: 'embeddingLookupSparse weighted mean w.r.t. weights', ins: [{ shape: [6, 3] }, { shape: [6], gen: 'pos' }], f: (p, w) => tf.reshape(tf.nn.embeddingLookupSparse(p!, IDS_T(), new tf.SparseTensor(IDX, w!, [3, 3]), { combiner: 'mean' }), [3, 3]) },
];
describeGradients('finite-difference gradients of embeddingLookupSparse', GRAD, devices);
