/**
 * TF 1.15's newer spellings and small helpers: tf.random.*, tf.sparse.from_dense and
 * segment_*, tf.io.*, tf.nest, tf.errors codes, tf.compat helpers, tf.graph_util's
 * remove_training_nodes / must_run_on_cpu, tf.estimator's parse-example specs and
 * tf.train.checkpoints_iterator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const arr = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number | bigint>, Number);

describe('tf.random / tf.sparse / tf.io spellings', () => {
  it('tf.random.shuffle, setRandomSeed, getSeed and the candidate samplers are the tf / tf.nn ones', () => {
    expect(tf.random.shuffle).toBe(tf.randomShuffle);
    expect(tf.random.uniformCandidateSampler).toBe(tf.nn.uniformCandidateSampler);
    expect(tf.random.allCandidateSampler).toBe(tf.nn.allCandidateSampler);
    new tf.Graph().asDefault(() => {
      tf.random.setRandomSeed(7);
      expect(tf.random.getSeed(3)).toEqual([7, 3]);
    });
  });

  it('tf.sparse.fromDense keeps the nonzero entries (and non-empty strings) with int64 indices and shape', async () => {
    const g = new tf.Graph();
    const [sp, ss] = g.asDefault(() => [
      tf.sparse.fromDense(tf.constant([[0, 3, 0], [5, 0, 6]], 'float32')),
      tf.sparse.fromDense(tf.constant([['a', ''], ['', 'b']])),
    ]);
    expect(sp!.indices.op.name.startsWith('dense_to_sparse')).toBe(true);
    await using sess = new tf.Session({ graph: g });
    const [i, v, s, si, sv] = (await sess.run([sp!.indices, sp!.values, sp!.denseShape, ss!.indices, ss!.values])) as NDArray[];
    expect(i!.dtype).toBe('int64');
    expect(arr(i)).toEqual([0, 1, 1, 0, 1, 2]);
    expect(arr(v)).toEqual([3, 5, 6]);
    expect(s!.dtype).toBe('int64');
    expect(arr(s)).toEqual([2, 3]);
    expect(arr(si)).toEqual([0, 0, 1, 1]);
    expect([...((sv as NDArray).data as Iterable<Uint8Array | string>)].map((b) => (typeof b === 'string' ? b : new TextDecoder().decode(b)))).toEqual(['a', 'b']);
  });

  it('tf.sparse.segmentSum/Mean/SqrtN take (data, indices, segmentIds, name, numSegments)', async () => {
    const g = new tf.Graph();
    const r = g.asDefault(() => {
      const c = tf.constant([[1, 2], [3, 4], [5, 6]], 'float32');
      return [
        tf.sparse.segmentSum(c, [0, 2], [0, 0]),
        tf.sparse.segmentMean(c, [0, 1, 2], [0, 1, 1]),
        tf.sparse.segmentSqrtN(c, [0, 1], [0, 0], 'sq', 3),
        tf.sparse.segmentSum(c, [1], [1], { numSegments: 3 }),
      ];
    });
    await using sess = new tf.Session({ graph: g });
    const [a, b, c, d] = (await sess.run(r)) as NDArray[];
    expect(arr(a)).toEqual([6, 8]);
    expect(arr(b)).toEqual([1, 2, 4, 5]);
    const s2 = Math.fround(Math.SQRT2);
    expect(arr(c)).toEqual([Math.fround(4 / s2), Math.fround(6 / s2), 0, 0, 0, 0]);
    expect(arr(d)).toEqual([0, 0, 3, 4, 0, 0]);
  });

  it('tf.io has the base64 ops, matchFilenamesOnce and writeGraph', () => {
    expect(tf.io.encodeBase64).toBe(tf.encodeBase64);
    expect(typeof tf.io.decodeBase64).toBe('function');
    expect(tf.io.matchFilenamesOnce).toBe(tf.train.matchFilenamesOnce);
    expect(tf.io.writeGraph).toBe(tf.train.writeGraph);
  });
});

describe('tf.nest', () => {
  it('flatten / packSequenceAs / mapStructure / assertSameStructure / isNested', () => {
    const s = { b: [1, 2], a: 3 };
    expect(tf.nest.flatten(s)).toEqual([3, 1, 2]);
    expect(tf.nest.packSequenceAs(s, [30, 10, 20])).toEqual({ a: 30, b: [10, 20] });
    expect(tf.nest.mapStructure((x: number) => x * 2, s)).toEqual({ a: 6, b: [2, 4] });
    expect(tf.nest.isNested([1])).toBe(true);
    expect(tf.nest.isNested('ab')).toBe(false);
    expect(() => tf.nest.assertSameStructure([1, [2]], [1, 2])).toThrow(tf.errors.ValueError);
  });
});

describe('tf.errors codes', () => {
  it('exceptionTypeFromErrorCode / errorCodeFromExceptionType and the status constants', () => {
    expect(tf.errors.exceptionTypeFromErrorCode(3)).toBe(tf.errors.InvalidArgumentError);
    expect(tf.errors.exceptionTypeFromErrorCode(16)).toBe(tf.errors.UnauthenticatedError);
    expect(tf.errors.errorCodeFromExceptionType(tf.errors.OutOfRangeError)).toBe(tf.errors.OUT_OF_RANGE);
    expect(new tf.errors.UnauthenticatedError('no').code).toBe(16);
    expect(tf.errors.DATA_LOSS).toBe(15);
    expect(() => tf.errors.exceptionTypeFromErrorCode(99)).toThrow(tf.errors.KeyError);
  });
});

describe('tf.compat helpers', () => {
  it('asStrAny, pathToStr, dimensionValue, dimensionAtIndex', () => {
    expect(tf.compat.asStrAny(new TextEncoder().encode('hé'))).toBe('hé');
    expect(tf.compat.asStrAny(12)).toBe('12');
    expect(tf.compat.pathToStr(new URL('file:///tmp/a%20b'))).toBe('/tmp/a b');
    expect(tf.compat.pathToStr('x/y')).toBe('x/y');
    expect(tf.compat.dimensionValue(new tf.Dimension(4))).toBe(4);
    expect(tf.compat.dimensionAtIndex(new tf.TensorShape([2, null]), 1).value).toBe(null);
    expect(tf.compat.dimensionAtIndex(new tf.TensorShape([2, 5]), -1).value).toBe(5);
    expect(tf.compat.dimensionAtIndex(new tf.TensorShape(null), 3).value).toBe(null);
  });
});

describe('tf.graphUtil extras', () => {
  it('removeTrainingNodes splices Identity and CheckNumerics out, keeping control-edge Identities and protected nodes', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2], 'x');
      const a = tf.identity(x, 'a');
      const c = tf.checkNumerics(a, 'bad', 'check');
      const b = tf.identity(c, 'b');
      const y = tf.multiply(b, 2, 'y');
      const ctl = tf.identity(x, 'ctl');
      tf.controlDependencies([ctl], () => tf.add(y, 1, 'z'));
      tf.identity(y, 'out');
    });
    const gd = g.asGraphDef();
    const pruned = tf.graphUtil.removeTrainingNodes(gd, ['out']);
    const names = pruned.node.map((n) => n.name);
    expect(names).not.toContain('a');
    expect(names).not.toContain('b');
    expect(names).not.toContain('check');
    expect(names).toContain('ctl');
    expect(names).toContain('out');
    expect(pruned.node.find((n) => n.name === 'y')!.input[0]).toBe('x');
    expect(pruned.node.find((n) => n.name === 'z')!.input).toContain('^ctl');
  });

  it('mustRunOnCpu: string/int32 Consts, int32 Cast sources, variable ops when pinned', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.constant('a', 'string', undefined, 's');
      const i = tf.constant(1, 'int32', undefined, 'i');
      const f = tf.constant(1, 'float32', undefined, 'f');
      const c = tf.cast(i, 'float32');
      const v = new tf.Variable(1, { name: 'v' });
      expect(tf.graphUtil.mustRunOnCpu(s.op)).toBe(true);
      expect(tf.graphUtil.mustRunOnCpu(i.op)).toBe(true);
      expect(tf.graphUtil.mustRunOnCpu(f.op)).toBe(false);
      expect(tf.graphUtil.mustRunOnCpu(c.op)).toBe(true);
      expect(tf.graphUtil.mustRunOnCpu(v.op)).toBe(false);
      expect(tf.graphUtil.mustRunOnCpu(v.op, true)).toBe(true);
      const nd = g.asGraphDef().node.find((n) => n.name === 's')!;
      expect(tf.graphUtil.mustRunOnCpu(nd)).toBe(true);
      expect(tf.graphUtil.tensorShapeFromNodeDefName(g, 'f').dims).toEqual([]);
      expect(typeof tf.graphUtil.importGraphDef).toBe('function');
    });
  });
});

describe('tf.estimator parse-example specs', () => {
  it('classifierParseExampleSpec / regressorParseExampleSpec add the label and weight features', () => {
    const cols = [tf.featureColumn.numericColumn('age'), tf.featureColumn.categoricalColumnWithHashBucket('city', 10)];
    const spec = tf.estimator.classifierParseExampleSpec(cols, 'label', { weightColumn: 'w' });
    expect(Object.keys(spec).sort()).toEqual(['age', 'city', 'label', 'w']);
    expect(spec.label).toBeInstanceOf(tf.io.FixedLenFeature);
    expect((spec.label as tf.io.FixedLenFeature).shape).toEqual([1]);
    expect((spec.label as tf.io.FixedLenFeature).dtype).toBe('int64');
    const r = tf.estimator.regressorParseExampleSpec(cols, 'y', 'float32', null, 3);
    expect((r.y as tf.io.FixedLenFeature).shape).toEqual([3]);
    expect((r.y as tf.io.FixedLenFeature).dtype).toBe('float32');
    expect(() => tf.estimator.classifierParseExampleSpec(cols, 'age')).toThrow('label should not be used as feature. label_key: age');
    expect(() => tf.estimator.classifierParseExampleSpec(cols, 'l', { weightColumn: 'city' })).toThrow('weight_column should not be used as feature. weight_column: city');
  });
});

describe('tf.train.checkpointsIterator', () => {
  it('yields each new checkpoint once and ends after the timeout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-iter-'));
    const g = new tf.Graph();
    const { init, saver, inc } = g.asDefault(() => {
      const v = new tf.Variable(0, { name: 'v' });
      return { init: tf.globalVariablesInitializer(), saver: new tf.train.Saver(), inc: tf.assignAdd(v, 1) };
    });
    await using sess = new tf.Session({ graph: g });
    await sess.run(init);
    await saver.save(sess, path.join(dir, 'model'), { globalStep: 1 });
    const seen: string[] = [];
    for await (const p of tf.train.checkpointsIterator(dir, { timeout: 1.5 })) {
      seen.push(path.basename(p));
      if (seen.length === 1) {
        await sess.run(inc);
        await saver.save(sess, path.join(dir, 'model'), { globalStep: 2 });
      }
    }
    expect(seen).toEqual(['model-1', 'model-2']);
    expect(tf.train.piecewiseConstantDecay).toBe(tf.train.piecewiseConstant);
    expect(tf.initializers.tablesInitializer).toBe(tf.tablesInitializer);
    expect(typeof tf.layers.InputSpec).toBe('function');
  });
});
