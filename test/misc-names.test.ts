/**
 * TF 1.15 names: tf.strings.format, tf.random.stateless_*, tf.sparse.matmul,
 * tf.contrib.framework.nest, tf.makeTensorProto / makeNdarray / tf.contrib.util,
 * tf.contrib.nn.alphaDropout, tf.train.assertGlobalStep / VocabInfo / maybe_* batching.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const text = (a: unknown): string => new TextDecoder().decode(((a as tf.NDArray).data as unknown as Uint8Array[])[0]!);
const vals = (a: unknown): number[] => Array.from((a as tf.NDArray).data as ArrayLike<number>, Number);
async function run<T>(build: () => T): Promise<unknown> {
  const g = new tf.Graph();
  const t = g.asDefault(build);
  const s = new tf.Session({ graph: g });
  try {
    return await s.run(t as never);
  } finally {
    await s.close();
  }
}

describe('tf.strings.format', () => {
  it("prints tensors as TF's StringFormat does (TF 1.15 docstring examples)", async () => {
    const [a, b, c, d, e] = (await run(() => [
      tf.strings.format('tensor: {}, suffix', tf.range(10)),
      tf.strings.format('tensor: <>, suffix', tf.range(10), { placeholder: '<>' }),
      tf.strings.format('{}', tf.reshape(tf.range(100), [10, 10]), { summarize: 2 }),
      tf.strings.format('a {} b {}', [tf.constant([[1, 2], [3, 4]]), tf.constant(2.5)]),
      tf.strings.format('{}', tf.zeros([2, 2, 2], tf.int32), { summarize: -1 }),
    ])) as tf.NDArray[];
    expect(text(a)).toBe('tensor: [0 1 2 ... 7 8 9], suffix');
    expect(text(b)).toBe('tensor: [0 1 2 ... 7 8 9], suffix');
    expect(text(c)).toBe('[[0 1 ... 8 9]\n [10 11 ... 18 19]\n ...\n [80 81 ... 88 89]\n [90 91 ... 98 99]]');
    expect(text(d)).toBe('a [[1 2]\n [3 4]] b 2.5');
    expect(text(e)).toBe('[[[0 0]\n  [0 0]]\n\n [[0 0]\n  [0 0]]]');
    expect(a!.shape).toEqual([]);
  });
  it("a placeholder count that differs from the inputs is TF's ValueError", () => {
    tf.resetDefaultGraph();
    expect(() => tf.strings.format('{} and {}', tf.constant(1))).toThrow('2 placeholder(s) in template does not match 1 tensor(s) provided as input');
    expect(() => tf.strings.format('{}', [])).toThrow('1 placeholder(s) in template does not match 0 tensor(s) provided as input');
  });
});

describe('tf.random stateless ops', () => {
  // Goldens from a numpy model of TF's kernels (GenerateKey, FillPhiloxRandom, the distributions),
  // float32 steps through glibc's logf/sinf/cosf/sqrtf as TF's CPU kernel calls them.
  it('statelessUniform: TF Philox bits, float32 / float64 / int32 / int64', async () => {
    const [u, ud, i32, i64, scaled] = (await run(() => [
      tf.random.statelessUniform([6], [1, 2]),
      tf.random.statelessUniform([3], tf.constant([7, -3], tf.int64), { dtype: tf.float64 }),
      tf.random.statelessUniform([2, 3], [1, 2], -5, 10, tf.int32),
      tf.random.statelessUniform([3], [1, 2], { minval: -100, maxval: 1e12, dtype: tf.int64 }),
      tf.random.statelessUniform([2], [1, 2], 2, 4),
    ])) as tf.NDArray[];
    expect(vals(u)).toEqual([0.8440604209899902, 0.19204533100128174, 0.9962232112884521, 0.16038739681243896, 0.27199018001556396, 0.6493459939956665]);
    expect(vals(ud)).toEqual([0.47713778180121613, 0.9809041063278245, 0.7182915943104444]);
    expect(i32!.shape).toEqual([2, 3]);
    expect(vals(i32)).toEqual([5, 9, 4, 4, 2, 5]);
    expect(i64!.dtype).toBe('int64');
    expect(vals(i64)).toEqual([145534126344, 637598856678, 316425122467]);
    expect(vals(scaled)[0]).toBeCloseTo(2 + 2 * 0.8440604209899902, 6);
  });
  it('statelessNormal / statelessTruncatedNormal: Box-Muller sin-first, |z| < 2 rejection, groups of 256 blocks', async () => {
    const [n, nd, t, td, ms] = (await run(() => [
      tf.random.statelessNormal([5], [1, 2]),
      tf.random.statelessNormal([3], [3, 4], { dtype: 'float64' }),
      tf.random.statelessTruncatedNormal([6], [1, 2]),
      tf.random.statelessTruncatedNormal([3], [5, 6], { dtype: tf.float64 }),
      tf.random.statelessNormal([2], [1, 2], 10, 0.5),
    ])) as tf.NDArray[];
    expect(vals(n)).toEqual([0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, -1.301589846611023]);
    expect(vals(nd)).toEqual([-0.33108455971554474, 0.027812399664981575, -1.4892401731006637]);
    expect(vals(t)).toEqual([0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, 0.16820591688156128, -1.6850333213806152]);
    expect(vals(td)).toEqual([1.9110135209673957, -1.016761244746766, 0.975443728726583]);
    expect(vals(ms)[0]).toBeCloseTo(10 + 0.5 * 0.544110119342804, 6);
  });
  it('statelessMultinomial / statelessCategorical: one Philox stream over the rows, -inf logits never drawn', async () => {
    const logits = [[0, 1, 2], [-1, -Infinity, 3]];
    const [m, c, m32] = (await run(() => [
      tf.random.statelessMultinomial(logits, 5, [4, 2]),
      tf.random.statelessCategorical(logits, 5, [4, 2]),
      tf.random.statelessMultinomial(logits, 5, [4, 2], { outputDtype: tf.int32 }),
    ])) as tf.NDArray[];
    expect(m!.dtype).toBe('int64');
    expect(m!.shape).toEqual([2, 5]);
    expect(vals(m)).toEqual([2, 2, 2, 1, 2, 2, 2, 2, 2, 2]);
    expect(vals(c)).toEqual(vals(m));
    expect(m32!.dtype).toBe('int32');
  });
  it('the same seed gives the same numbers in every run and session; a fed seed changes them', async () => {
    const g = new tf.Graph();
    const { seed, x } = g.asDefault(() => {
      const seed = tf.placeholder(tf.int32, [2]);
      return { seed, x: tf.random.statelessNormal([4, 3], seed) };
    });
    expect(x.shape).toEqual([4, 3]);
    const s1 = new tf.Session({ graph: g });
    const a = vals(await s1.run(x, [[seed, [1, 2]]]));
    const b = vals(await s1.run(x, [[seed, [1, 2]]]));
    const c = vals(await s1.run(x, [[seed, [2, 1]]]));
    await s1.close();
    const s2 = new tf.Session({ graph: g });
    const d = vals(await s2.run(x, [[seed, [1, 2]]]));
    await s2.close();
    expect(b).toEqual(a);
    expect(d).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.slice(0, 5)).toEqual([0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, -1.301589846611023]);
  });
  it("bad seeds, dtypes and ranges: TF's errors", async () => {
    tf.resetDefaultGraph();
    expect(() => tf.random.statelessUniform([2], [1, 2, 3])).toThrow(/Dimension must be 2 but is 3/);
    expect(() => tf.random.statelessUniform([2], tf.constant([1, 2]))).toThrow("Value passed to parameter 'seed' has DataType float32 not in list of allowed values: int32, int64");
    expect(() => tf.random.statelessUniform([2], [1, 2], { dtype: tf.int32 })).toThrow('Must specify maxval for integer dtype tf.int32');
    expect(() => tf.random.statelessUniform([2], [1, 2], { dtype: tf.bool })).toThrow('Invalid dtype tf.bool');
    await expect(run(() => tf.random.statelessUniform([2], [1, 2], 5, 5, tf.int32))).rejects.toThrow('Need minval < maxval, got 5 >= 5');
    const g = new tf.Graph();
    const { seed, x } = g.asDefault(() => {
      const seed = tf.placeholder(tf.int32);
      return { seed, x: tf.random.statelessUniform([2], seed) };
    });
    const s = new tf.Session({ graph: g });
    await expect(s.run(x, [[seed, [1, 2, 3]]])).rejects.toThrow('seed must have shape [2], not [3]');
    await s.close();
    expect(() => tf.random.statelessMultinomial([1, 2], 2, [1, 2])).toThrow(/Shape must be rank 2 but is rank 1/);
  });
});

describe('tf.sparse.matmul', () => {
  it('is sparse_tensor_dense_matmul: [[1,0],[0,2]] @ [[1,2],[3,4]]', async () => {
    expect(tf.sparse.matmul).toBe(tf.sparseTensorDenseMatmul);
    const r = await run(() => tf.sparse.matmul(new tf.SparseTensor([[0, 0], [1, 1]], [1, 2], [2, 2]), tf.constant([[1, 2], [3, 4]])));
    expect(vals(r)).toEqual([1, 2, 6, 8]);
  });
});

describe('tf.contrib.framework.nest', () => {
  const nest = tf.contrib.framework.nest;
  it('flatten / packSequenceAs / mapStructure / isSequence', () => {
    const s = { b: [1, [2, 3]], a: 4 };
    expect(nest.flatten(s)).toEqual([4, 1, 2, 3]);
    expect(nest.flatten(7)).toEqual([7]);
    expect(nest.flatten(null)).toEqual([null]);
    expect(nest.packSequenceAs(s, [10, 20, 30, 40])).toEqual({ b: [20, [30, 40]], a: 10 });
    expect(nest.packSequenceAs([0, 0], [[1, 2], [3]])).toEqual([[1, 2], [3]]);
    expect(nest.packSequenceAs(5, [9])).toBe(9);
    expect(nest.mapStructure((x: number, y: number) => x * 10 + y, [1, { k: 2 }], [3, { k: 4 }])).toEqual([13, { k: 24 }]);
    expect(nest.isSequence([1])).toBe(true);
    expect(nest.isSequence({ a: 1 })).toBe(true);
    expect(nest.isSequence('ab')).toBe(false);
    tf.resetDefaultGraph();
    expect(nest.isSequence(tf.constant(1))).toBe(false);
    const st = new tf.nn.rnnCell.LSTMStateTuple(1, 2);
    expect(nest.isSequence(st)).toBe(true);
    expect(nest.flatten([st, 3])).toEqual([1, 2, 3]);
  });
  it("TF's errors", () => {
    expect(() => nest.assertSameStructure([1, [2]], [1, 2])).toThrow("The two structures don't have the same nested structure.");
    expect(() => nest.assertSameStructure([1, [2]], [1, 2])).toThrow('Substructure "type=list str=[2]" is a sequence, while substructure "type=int str=2" is not');
    expect(() => nest.assertSameStructure([1, 2], [1, 2, 3])).toThrow("don't have the same sequence length");
    expect(() => nest.assertSameStructure({ a: 1 }, { b: 1 })).toThrow("The two dictionaries don't have the same set of keys.");
    expect(() => nest.assertSameStructure([1, 2], new tf.nn.rnnCell.LSTMStateTuple(1, 2))).toThrow(TypeError);
    expect(() => nest.assertSameStructure([1, 2], new tf.nn.rnnCell.LSTMStateTuple(1, 2), false)).not.toThrow();
    expect(() => nest.packSequenceAs([1, 2], [1])).toThrow('Could not pack sequence. Structure had 2 elements, but flat_sequence had 1 elements.');
    expect(() => nest.packSequenceAs(1, [1, 2])).toThrow('Structure is a scalar but len(flat_sequence) == 2 > 1');
    expect(() => nest.packSequenceAs([1], 3)).toThrow('flat_sequence must be a sequence');
    expect(() => nest.mapStructure((x: number) => x)).toThrow('Must provide at least one structure');
  });
});

describe('tf.makeTensorProto / tf.makeNdarray / tf.contrib.util', () => {
  it('round trips; a shape with fewer values stores them and the reader repeats the last', () => {
    const p = tf.makeTensorProto([[1, 2], [3, 4]], tf.int32);
    expect(p.dtype).toBe(3); // DT_INT32
    expect(p.tensorShape!.dim.map((d) => d.size)).toEqual([2, 2]);
    expect(p.tensorContent.length).toBe(16);
    const back = tf.makeNdarray(p);
    expect(back.dtype).toBe('int32');
    expect(back.toArray()).toEqual([[1, 2], [3, 4]]);
    const f = tf.makeTensorProto([1, 2], tf.float32, [2, 3]);
    expect(f.floatVal).toEqual([1, 2]);
    expect(tf.makeNdarray(f).toArray()).toEqual([[1, 2, 2], [2, 2, 2]]);
    const s = tf.makeTensorProto(7, tf.float32, [1]);
    expect(s.floatVal).toEqual([7]);
    expect(tf.contrib.util.makeNdarray(tf.contrib.util.makeTensorProto(['a', 'bc'])).toArray()).toEqual(['a', 'bc']);
  });
  it("TF's errors", () => {
    expect(() => tf.makeTensorProto([1, 2, 3], tf.float32, [2])).toThrow('Too many elements provided. Needed at most 2, but received 3');
    expect(() => tf.makeTensorProto([1, 2], tf.float32, [2, 1], true)).toThrow("Expected Tensor's shape: (2, 1), got (2,).");
    expect(() => tf.makeTensorProto([1.5], tf.int32)).toThrow("Expected int32, got 1.5 of type 'float' instead.");
    expect(tf.makeTensorProto(3, tf.float32, [2, 2], { allowBroadcast: true }).floatVal).toEqual([3]);
  });
  it('constantValue: the build-time value, else null', () => {
    tf.resetDefaultGraph();
    expect(tf.contrib.util.constantValue(tf.constant([1, 2]))!.toArray()).toEqual([1, 2]);
    expect(tf.contrib.util.constantValue(tf.shape(tf.zeros([3, 4])))!.toArray()).toEqual([3, 4]);
    expect(tf.contrib.util.constantValue(tf.placeholder(tf.float32))).toBeNull();
  });
});

describe('tf.contrib.nn.alphaDropout', () => {
  it("TF's formula: kept x -> a·x + b, dropped -> a·α' + b, the mask from random_uniform(seed) >= 1 - keepProb", async () => {
    const x = [[0.3, -1.2, 2.0, 0.5], [1.1, -0.4, 0.0, 0.9]];
    const build = (): tf.Tensor[] => {
      tf.setRandomSeed(3);
      const xt = tf.constant(x);
      const y = tf.contrib.nn.alphaDropout(xt, 0.5, { seed: 7 });
      const [dx] = tf.gradients(tf.reduceSum(tf.multiply(y, tf.constant([[1, 2, 3, 4], [5, 6, 7, 8]]))), [xt]);
      return [y, dx as tf.Tensor];
    };
    const [y, dx] = (await run(build)) as tf.NDArray[];
    // the same seeds draw the same uniforms in a random_uniform of the same shape
    const u = vals(await run(() => {
      tf.setRandomSeed(3);
      tf.constant(x);
      return tf.randomUniform([2, 4], { seed: 7 });
    }));
    const a = 0.886404894665932;
    const b = 0.7791939305180317;
    const flat = x.flat();
    const want = flat.map((v, i) => (u[i]! >= 0.5 ? a * v + b : a * -1.7580993408473766 + b));
    vals(y).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    // d/dx = a where kept, 0 where dropped (times the weights 1..8)
    vals(dx).forEach((v, i) => expect(v).toBeCloseTo(u[i]! >= 0.5 ? a * (i + 1) : 0, 5));
    const kept = u.filter((v) => v >= 0.5).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(8);
  });
  it('keepProb 1 returns x; a keepProb outside (0, 1] is a ValueError', () => {
    tf.resetDefaultGraph();
    const x = tf.constant([1, 2]);
    expect(tf.contrib.nn.alphaDropout(x, 1)).toBe(x);
    expect(() => tf.contrib.nn.alphaDropout(x, 0)).toThrow('keep_prob must be a scalar tensor or a float in the range (0, 1], got 0');
    expect(() => tf.contrib.nn.alphaDropout(x, 1.5)).toThrow('keep_prob must be a scalar tensor or a float in the range (0, 1], got 1.5');
  });
});

describe('tf.train.assertGlobalStep / VocabInfo', () => {
  it("assertGlobalStep: TF's TypeErrors", () => {
    tf.resetDefaultGraph();
    expect(() => tf.train.assertGlobalStep(tf.train.getOrCreateGlobalStep())).not.toThrow();
    expect(() => tf.train.assertGlobalStep(3)).toThrow('Existing "global_step" must be a Variable or Tensor: 3.');
    expect(() => tf.train.assertGlobalStep(tf.constant(1.5))).toThrow('Existing "global_step" does not have integer type: float32');
    expect(() => tf.train.assertGlobalStep(tf.constant([1, 2], tf.int32))).toThrow('Existing "global_step" is not scalar: (2,)');
    expect(() => tf.train.assertGlobalStep(tf.placeholder(tf.int64, [null]))).not.toThrow();
  });
  it('VocabInfo: fields, defaults, the axis check, nests as a tuple', () => {
    const v = new tf.train.VocabInfo('new.txt', 100, 1, 'old.txt');
    expect([v.newVocab, v.newVocabSize, v.numOovBuckets, v.oldVocab, v.oldVocabSize, v.backupInitializer, v.axis]).toEqual(['new.txt', 100, 1, 'old.txt', -1, null, 0]);
    const w = new tf.train.VocabInfo('n', 5, 0, 'o', { oldVocabSize: 4, axis: 1 });
    expect([w.oldVocabSize, w.axis]).toEqual([4, 1]);
    expect(w.replace({ axis: 0 }).axis).toBe(0);
    expect(tf.contrib.framework.nest.flatten(w)).toEqual(['n', 5, 0, 'o', 4, null, 1]);
    expect(() => new tf.train.VocabInfo('n', 5, 0, 'o', { axis: 2 })).toThrow('The only supported values for the axis argument are 0 and 1.  Provided axis: 2');
    expect(() => new tf.train.VocabInfo('n', 5)).toThrow("VocabInfo() missing 2 required positional arguments: 'numOovBuckets' and 'oldVocab'");
  });
});

describe('tf.train.maybeBatch / maybeShuffleBatch / maybeBatchJoin', () => {
  async function drain(build: () => { out: tf.Tensor; init: tf.Operation }): Promise<number[]> {
    const g = new tf.Graph();
    const m = g.asDefault(build);
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    const seen: number[] = [];
    try {
      for (;;) seen.push(...vals(await sess.run(m.out)));
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
    }
    coord.requestStop();
    await coord.join(threads);
    await sess.close();
    return seen;
  }
  it('a bool scalar keeps the even inputs (tf.cond around the enqueue)', async () => {
    const seen = await drain(() => {
      const [x] = tf.train.sliceInputProducer([tf.constant([0, 1, 2, 3, 4, 5, 6, 7], tf.int32)], { numEpochs: 1, shuffle: false });
      const out = tf.train.maybeBatch([x!], tf.equal(tf.mod(x!, 2), 0), 2, { allowSmallerFinalBatch: true });
      return { out: out as tf.Tensor, init: tf.group([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]) };
    });
    expect(seen).toEqual([0, 2, 4, 6]);
  });
  it('with enqueueMany a bool vector picks rows; shuffle and join variants; a constant false builds a NoOp enqueue', async () => {
    const seen = await drain(() => {
      const [x] = tf.train.sliceInputProducer([tf.constant([[0, 1, 2], [3, 4, 5]], tf.int32)], { numEpochs: 1, shuffle: false });
      const out = tf.train.maybeBatch([x!], tf.greater(x!, 1), 2, { enqueueMany: true, allowSmallerFinalBatch: true });
      return { out: out as tf.Tensor, init: tf.group([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]) };
    });
    expect(seen).toEqual([2, 3, 4, 5]);
    const shuffled = await drain(() => {
      const [x] = tf.train.sliceInputProducer([tf.range(10)], { numEpochs: 1, shuffle: false });
      const out = tf.train.maybeShuffleBatch([x!], 3, 20, 2, tf.less(x!, 6), { seed: 1, allowSmallerFinalBatch: true });
      return { out: out as tf.Tensor, init: tf.group([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]) };
    });
    expect([...shuffled].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5]);
    const joined = await drain(() => {
      const [a] = tf.train.sliceInputProducer([tf.constant([1, 2, 3], tf.int32)], { numEpochs: 1, shuffle: false });
      const [b] = tf.train.sliceInputProducer([tf.constant([10, 20], tf.int32)], { numEpochs: 1, shuffle: false });
      const out = tf.train.maybeBatchJoin([[a!], [b!]], true, 2, { allowSmallerFinalBatch: true });
      return { out: out as tf.Tensor, init: tf.localVariablesInitializer() };
    });
    expect([...joined].sort((p, q) => p - q)).toEqual([1, 2, 3, 10, 20]);
    // a constant keepInput is decided when the graph is built (TF's smart_cond): false enqueues through a NoOp
    const g = new tf.Graph();
    g.asDefault(() => tf.train.maybeBatch([tf.constant(1)], false, 2, { name: 'never' }));
    const qr = g.getCollection<tf.train.QueueRunner>(tf.GraphKeys.QUEUE_RUNNERS);
    expect(qr.map((r) => r.enqueueOps.map((o) => o.type))).toEqual([['NoOp']]);
  });
  it("keep_input errors are TF's", () => {
    tf.resetDefaultGraph();
    const x = tf.constant([1, 2]);
    expect(() => tf.train.maybeBatch([x], tf.constant([true, false]), 2)).toThrow('`keep_input` cannot be a vector when `enqueue_many=False`.');
    expect(() => tf.train.maybeBatch([x], tf.constant([[true]]), 2, { enqueueMany: true })).toThrow('`keep_input` must be 0 or 1 dimensions.');
    expect(() => tf.train.maybeBatch([x], tf.placeholder(tf.bool), 2)).toThrow('`keep_input` dimensions must be known at graph construction.');
  });
});
