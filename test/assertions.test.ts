/**
 * tf.Assert, tf.Print, tf.print, the tf.assert* family (also under tf.debugging), the numeric
 * checks and tf.countUpTo: TF1's error texts (Tensor::SummarizeValue formatting, the static
 * ValueError / TypeError / InvalidArgumentError texts), that a failed assertion fails the run
 * before any variable changes, on every device; Print's stderr format and firstN.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const vals = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

for (const dev of devices) {
  describe(`assertions (${dev.name})`, () => {
    it('a failed check fails the run with TF1 text and commits nothing; a passing one lets it run', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [3], { name: 'x' });
        const y = tf.placeholder('float32', [3], { name: 'y' });
        const v = new tf.Variable(tf.zeros([3]), { name: 'v' });
        const checks = [tf.assertLess(x, y), tf.assertPositive(x, { message: 'x must be positive' })];
        const step = tf.controlDependencies(checks, () => tf.assignAdd(v, tf.multiply(x, y)));
        const finite = tf.verifyTensorAllFinite(tf.divide(x, y), 'x / y');
        return { x, y, v, step, finite, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(t.init);
      const feed = (x: number[], y: number[]) => new Map<Tensor, number[]>([[t.x, x], [t.y, y]]);
      expect(vals((await sess.run(t.step, feed([1, 2, 3], [2, 3, 4]))) as NDArray)).toEqual([2, 6, 12]);
      await expect(sess.run(t.step, feed([1, 5, 3], [2, 3, 4]))).rejects.toThrow(
        'assertion failed: [Condition x < y did not hold element-wise:] [x (x:0) = ] [1 5 3] [y (y:0) = ] [2 3 4]',
      );
      await expect(sess.run(t.step, feed([1, -2, 3], [2, 3, 4]))).rejects.toThrow(
        'assertion failed: [x must be positive] [Condition x > 0 did not hold element-wise:] [x (x:0) = ] [1 -2 3]',
      );
      await expect(sess.run(t.step, feed([1, -2, 3], [2, 3, 4]))).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(vals((await sess.run(t.v)) as NDArray)).toEqual([2, 6, 12]);
      expect(vals((await sess.run(t.finite, feed([1, 2, 3], [2, 4, 4]))) as NDArray)).toEqual([0.5, 0.5, 0.75]);
      await expect(sess.run(t.finite, feed([1, 2, 0], [2, 0, 0]))).rejects.toThrow('x / y : Tensor had Inf and NaN values');
      await sess.close();
    });

    it('tf.countUpTo: the value before each increment, OutOfRangeError at the limit', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        // CountUpTo has a CPU kernel only (as in TF): its variable is placed with it there
        const counter = new tf.Variable(tf.constant(0, 'int32'), { name: 'counter' });
        const w = new tf.Variable(tf.constant(10), { name: 'w' });
        const c = tf.countUpTo(counter, 2);
        const step = tf.controlDependencies([c], () => tf.assignAdd(w, 1));
        return { counter, w, c, step, m: counter.countUpTo(2), init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(t.init);
      expect(vals((await sess.run(t.c)) as NDArray)).toEqual([0]);
      expect(vals((await sess.run(t.step)) as NDArray)).toEqual([11]);
      await expect(sess.run(t.step)).rejects.toThrow('Reached limit of 2');
      await expect(sess.run(t.m)).rejects.toBeInstanceOf(tf.errors.OutOfRangeError);
      const [cv, wv] = (await sess.run([t.counter, t.w])) as NDArray[];
      expect([...vals(cv!), ...vals(wv!)]).toEqual([2, 11]);
      await sess.close();
    });
  });
}

describe('Assert, Print and print', () => {
  const written: string[] = [];
  const origErr = process.stderr.write.bind(process.stderr);
  const origOut = process.stdout.write.bind(process.stdout);
  const capture = (): void => {
    written.length = 0;
    process.stderr.write = ((s: string) => (written.push(`err:${s}`), true)) as typeof process.stderr.write;
    process.stdout.write = ((s: string) => (written.push(`out:${s}`), true)) as typeof process.stdout.write;
  };
  afterEach(() => {
    process.stderr.write = origErr;
    process.stdout.write = origOut;
  });

  it('Assert: SummarizeValue formatting, summarize, the AssertGuard cond for non-string/int32 data', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const ok = tf.placeholder('bool', [], { name: 'ok' });
      const m = tf.constant([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
      const direct = tf.Assert(ok, ['ints', m, tf.constant(['a', 'b"c'])]);
      const all = tf.Assert(ok, [m], { summarize: -1, name: 'all' });
      const guarded = tf.Assert(ok, ['floats', tf.constant([0.1, 1 / 3, 1e-7, 2.5e10, -0, 1, 1, 1])], { summarize: 5 });
      const bools = tf.Assert(ok, [tf.constant([true, false])]);
      const f64 = tf.Assert(ok, [tf.constant(new tf.NDArray(Float64Array.of(0.1, 1 / 3), [2], 'float64'))]);
      const scalar = tf.Assert(ok, [tf.constant(7, 'int32'), tf.constant(Infinity), tf.constant(NaN)]);
      return { ok, direct, all, guarded, bools, f64, scalar };
    });
    expect(t.direct.type).toBe('Assert');
    expect(t.direct.name).toBe('Assert/Assert');
    expect(t.all.name).toBe('all/Assert');
    expect(t.guarded.type).toBe('Merge');
    expect(t.guarded.name).toBe('Assert_1/AssertGuard/Merge');
    expect(g.getOperations().some((op) => op.name === 'Assert_1/AssertGuard/Assert' && op.type === 'Assert')).toBe(true);
    expect(() => tf.Assert(tf.constant(1), ['x'])).toThrow("Input 'condition' of 'Assert' Op has type float32 that does not match expected type of bool.");
    const sess = new tf.Session({ graph: g });
    const yes = new Map([[t.ok, true]]);
    const no = new Map([[t.ok, false]]);
    for (const op of [t.direct, t.all, t.guarded, t.bools, t.f64, t.scalar]) expect(await sess.run(op, yes)).toBeNull();
    await expect(sess.run(t.direct, no)).rejects.toThrow('assertion failed: [ints] [[1 2 3]...] [a b\\"c]');
    await expect(sess.run(t.bools, no)).rejects.toThrow('assertion failed: [1 0]');
    await expect(sess.run(t.all, no)).rejects.toThrow('assertion failed: [[1 2 3][4 5 6]]');
    await expect(sess.run(t.guarded, no)).rejects.toThrow('assertion failed: [floats] [0.1 0.333333343 1e-07 2.5e+10 -0...]');
    await expect(sess.run(t.f64, no)).rejects.toThrow('assertion failed: [0.1 0.33333333333333331]');
    await expect(sess.run(t.scalar, no)).rejects.toThrow('assertion failed: [7] [inf] [nan]');
    await sess.close();
  });

  it('Print: identity of its input, message[v0][v1] on stderr, firstN per session; tf.print', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.placeholder('float32', [4], { name: 'x' });
      const p = tf.Print(x, [x, 'tag', tf.constant([[1, 2], [3, 4]], { dtype: 'int32' })], { message: 'x is: ', firstN: 2, summarize: 2 });
      const y = tf.multiply(p, 2);
      const pr = tf.print('x =', x, { summarize: 1, outputStream: 'stdout', end: '!\n' });
      const pr2 = tf.print(tf.constant([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }), tf.constant(['a']), 'as {} text');
      return { x, p, y, pr, pr2 };
    });
    expect(t.p.op.type).toBe('Print');
    expect(t.p.op.name).toBe('Print');
    expect(t.pr.type).toBe('PrintV2');
    expect(() => tf.print(1, { outputStream: 'file' })).toThrow('Unsupported output stream or logging level file.');
    const grad = g.asDefault(() => tf.gradients(tf.reduceSum(t.y), [t.x])[0]!);
    const sess = new tf.Session({ graph: g });
    capture();
    const xv = [1.5, -2, 3, 4];
    const outs: number[][] = [];
    for (let i = 0; i < 3; i++) outs.push(vals((await sess.run(t.y, new Map([[t.x, xv]]))) as NDArray));
    await sess.run(t.pr, new Map([[t.x, xv]]));
    await sess.run(t.pr2);
    const gv = vals((await sess.run(grad, new Map([[t.x, xv]]))) as NDArray);
    process.stderr.write = origErr;
    process.stdout.write = origOut;
    expect(outs).toEqual([xv.map((v) => v * 2), xv.map((v) => v * 2), xv.map((v) => v * 2)]);
    expect(gv).toEqual([2, 2, 2, 2]);
    expect(written).toEqual([
      'err:x is: [1.5 -2...][tag][[1 2]...]\n',
      'err:x is: [1.5 -2...][tag][[1 2]...]\n',
      'out:x = [1.5 ... 4]!\n',
      'err:[[1 2 3]\n [4 5 6]] ["a"] as {} text\n',
    ]);
    await sess.close();
    // a new session counts from zero again
    const s2 = new tf.Session({ graph: g });
    capture();
    await s2.run(t.p, new Map([[t.x, xv]]));
    process.stderr.write = origErr;
    expect(written).toEqual(['err:x is: [1.5 -2...][tag][[1 2]...]\n']);
    await s2.close();
  });
});

describe('tf.assert* family: static checks and TF1 texts', () => {
  it('constant inputs are checked when the graph is built (numpy-printed values)', () => {
    tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      expect(() => tf.assertEqual(tf.constant([1, 2]), tf.constant([1, 3]))).toThrow(
        'Condition x == y did not hold element-wise:\nx (Const:0) = \n[1. 2.]\ny (Const_1:0) = \n[1. 3.]',
      );
      expect(() => tf.assertNonNegative(tf.constant([-1, 1]))).toThrow('\nCondition x >= 0 did not hold element-wise:\nx (Const_2:0) = \n[-1.  1.]');
      expect(() => tf.assertEqual(tf.constant([1, 2]), tf.constant([1, 2]))).not.toThrow();
      expect(() => tf.assertLess(tf.constant(3, 'int32'), tf.constant(2, 'int32'), { message: 'small' })).toThrow(
        /^small\nCondition x < y did not hold element-wise:\nx \(Const_\d+:0\) = \n3\ny \(Const_\d+:0\) = \n2$/,
      );
      let e: unknown;
      try { tf.assertGreater(1, 2); } catch (err) { e = err; }
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      const x = tf.placeholder('float32', [3], { name: 'x' });
      expect(tf.assertEqual(x, x).type).toBe('NoOp');
      expect(tf.assertRank(x, 1).name).toBe('assert_rank/static_checks_determined_all_ok');
      expect(() => tf.assertRank(x, 2)).toThrow('.  Tensor x:0 must have rank 2.  Received rank 1, shape (3,)');
      expect(() => tf.assertRank(x, 2, { message: 'm' })).toThrow('m.  Tensor x:0 must have rank 2.');
      expect(() => tf.assertRankAtLeast(x, 2)).toThrow('.  Tensor x:0 must have rank at least 2.  Received rank 1, shape (3,)');
      expect(() => tf.assertRankIn(x, [2, 4])).toThrow('.  Tensor x:0 must have rank in (array(2, dtype=int32), array(4, dtype=int32)).  Received rank 1, shape (3,)');
      expect(tf.assertRankIn(x, [1, 4]).type).toBe('NoOp');
      expect(() => tf.assertRank(x, tf.constant(1))).toThrow("  Const_");
      expect(() => tf.assertRank(x, [1, 2])).toThrow('Rank must be a scalar.');
      expect(() => tf.assertInteger(x)).toThrow(`  Expected "x" to be integer type.  Found: x:0 of dtype <dtype: 'float32'>`);
      expect(tf.assertInteger(tf.constant(1, 'int32')).name).toBe('assert_integer_1/statically_determined_was_integer');
      expect(() => tf.assertType(x, tf.int32, 'msg')).toThrow("msg  x:0 must be of type <dtype: 'int32'>");
      expect(tf.assertType(x, 'float32').type).toBe('NoOp');
      expect(() => tf.assertScalar(x)).toThrow('Expected scalar shape for x:0, saw shape: (3,).');
      expect(() => tf.assertScalar(tf.placeholder('float32'))).toThrow('saw shape: <unknown>.');
      const s = tf.constant(2);
      expect(tf.assertScalar(s)).toBe(s);
      expect(tf.assertSameFloatDtype([x, null as never, tf.constant(1)])).toBe('float32');
      expect(tf.assertSameFloatDtype()).toBe('float32');
      expect(tf.assertSameFloatDtype(null, 'float64')).toBe('float64');
      expect(() => tf.assertSameFloatDtype([x, tf.constant(1, { dtype: 'int32', name: 'i' })])).toThrow("i:0, type=<dtype: 'int32'>, must be of the same type (<dtype: 'float32'>) as x:0.");
      expect(() => tf.assertSameFloatDtype([tf.constant(1, 'int32')])).toThrow("Expected floating point type, got <dtype: 'int32'>.");
      expect(() => tf.assertSameFloatDtype([x], 'float64')).toThrow("x:0, type=<dtype: 'float32'>, must be of the same type (<dtype: 'float64'>).");
      expect(() => tf.assertProperIterable(x)).toThrow(`Expected argument "values" to be a "proper" iterable.  Found: <class 'tensorflow.python.framework.ops.Tensor'>`);
      expect(() => tf.assertProperIterable('abc')).toThrow(`"proper" iterable.  Found: <class 'str'>`);
      expect(() => tf.assertProperIterable(3)).toThrow(`Expected argument "values" to be iterable.  Found: <class 'int'>`);
      expect(() => tf.assertProperIterable([x, x])).not.toThrow();
      expect(tf.debugging.assertEqual).toBe(tf.assertEqual);
      expect(tf.debugging.assertAllFinite).toBe(tf.verifyTensorAllFinite);
      expect(tf.debugging.Assert).toBe(tf.Assert);
      expect(tf.debugging.checkNumerics).toBe(tf.checkNumerics);
      expect(tf.isNumericTensor(x)).toBe(true);
      expect(tf.isNumericTensor(tf.constant(true))).toBe(false);
    });
  });

  it('dynamic checks: every comparison, near, ranks, monotonicity, addCheckNumericsOps', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.placeholder('float32', [null], { name: 'x' });
      const y = tf.placeholder('float32', [null], { name: 'y' });
      const u = tf.placeholder('float32', undefined, { name: 'u' });
      const checks = {
        equal: tf.assertEqual(x, y), noneEqual: tf.assertNoneEqual(x, y), less: tf.assertLess(x, y), lessEqual: tf.assertLessEqual(x, y),
        greater: tf.assertGreater(x, y), greaterEqual: tf.assertGreaterEqual(x, y), negative: tf.assertNegative(x),
        nonNegative: tf.assertNonNegative(x), nonPositive: tf.assertNonPositive(x), near: tf.assertNear(x, y, { rtol: 0.1, atol: 0.01 }),
        rank2: tf.assertRank(u, 2), rankAtLeast1: tf.assertRankAtLeast(u, 1), rankIn: tf.assertRankIn(u, [0, 2]),
      };
      const mono = [tf.isNonDecreasing(x), tf.isStrictlyIncreasing(x)];
      return { x, y, u, checks, mono };
    });
    const sess = new tf.Session({ graph: g });
    const passes = async (op: tf.Operation, x: number[], y: number[], u: number | number[] | number[][] = 0): Promise<boolean> => {
      try {
        await sess.run(op, new Map<Tensor, number | number[] | number[][]>([[t.x, x], [t.y, y], [t.u, u]]));
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
        expect((e as Error).message).toMatch(/^assertion failed: /);
        return false;
      }
    };
    const c = t.checks;
    const table: [tf.Operation, number[], number[], boolean][] = [
      [c.equal, [1, 2], [1, 2], true], [c.equal, [1, 2], [1, 3], false],
      [c.noneEqual, [1, 2], [2, 1], true], [c.noneEqual, [1, 2], [0, 2], false],
      [c.less, [1, 2], [2, 3], true], [c.less, [1, 3], [2, 3], false],
      [c.lessEqual, [1, 3], [2, 3], true], [c.lessEqual, [1, 4], [2, 3], false],
      [c.greater, [3, 4], [2, 3], true], [c.greater, [3, 3], [2, 3], false],
      [c.greaterEqual, [3, 3], [2, 3], true], [c.greaterEqual, [3, 2], [2, 3], false],
      [c.negative, [-1, -2], [], true], [c.negative, [-1, 0], [], false],
      [c.nonNegative, [0, 2], [], true], [c.nonNegative, [0, -2], [], false],
      [c.nonPositive, [0, -2], [], true], [c.nonPositive, [0, 2], [], false],
      [c.near, [1, 2], [1.05, 2.1], true], [c.near, [1, 2], [1.2, 2], false],
      [c.equal, [], [], true], [c.less, [], [], true],
    ];
    for (const [op, x, y, want] of table) expect(await passes(op, x, y), `${op.name} ${x} ${y}`).toBe(want);
    await expect(sess.run(c.nonPositive, new Map<Tensor, number[] | number>([[t.x, [0, 2]], [t.y, []], [t.u, 0]]))).rejects.toThrow(
      'assertion failed: [] [Condition x <= 0 did not hold element-wise:x (x:0) = ] [0 2]',
    );
    await expect(sess.run(c.near, new Map<Tensor, number[] | number>([[t.x, [1]], [t.y, [2]], [t.u, 0]]))).rejects.toThrow(
      'assertion failed: [] [x and y not equal to tolerance rtol = Tensor(\\"assert_near/rtol:0\\", shape=(), dtype=float32), atol = Tensor(\\"assert_near/atol:0\\", shape=(), dtype=float32)] [x (x:0) = ] [1] [y (y:0) = ] [2]',
    );
    expect(await passes(c.rank2, [], [], [[1, 2]])).toBe(true);
    expect(await passes(c.rank2, [], [], [1, 2])).toBe(false);
    await expect(sess.run(c.rank2, new Map<Tensor, number[]>([[t.x, []], [t.y, []], [t.u, [1, 2, 3]]]))).rejects.toThrow(
      'assertion failed: [] [Tensor u:0 must have rank] [2] [Received shape: ] [3]',
    );
    expect(await passes(c.rankAtLeast1, [], [], [1])).toBe(true);
    expect(await passes(c.rankAtLeast1, [], [], 1)).toBe(false);
    expect(await passes(c.rankIn, [], [], 1)).toBe(true);
    expect(await passes(c.rankIn, [], [], [1])).toBe(false);
    const mono = async (x: number[]) => ((await sess.run(t.mono, new Map([[t.x, x]]))) as NDArray[]).map((a) => Boolean(a.data[0]));
    expect(await mono([1, 1, 3])).toEqual([true, false]);
    expect(await mono([1, 2, 3])).toEqual([true, true]);
    expect(await mono([3, 1, 2])).toEqual([false, false]);
    expect(await mono([5])).toEqual([true, true]);
    expect(await mono([])).toEqual([true, true]);
    await sess.close();
    expect(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), () => tf.isNonDecreasing(tf.constant(['a'])))).toThrow('Expected x to be numeric, instead found: ');

    const g2 = new tf.Graph();
    const t2 = g2.asDefault(() => {
      const a = tf.placeholder('float32', [2], { name: 'a' });
      const b = tf.log(a, 'log');
      const checkAll = tf.addCheckNumericsOps();
      return { a, b, checkAll };
    });
    const s2 = new tf.Session({ graph: g2 });
    expect(await s2.run(t2.checkAll, new Map([[t2.a, [1, 2]]]))).toBeNull();
    await expect(s2.run(t2.checkAll, new Map([[t2.a, [1, -2]]]))).rejects.toThrow('log:0 : Tensor had NaN values');
    await s2.close();
    expect(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      const p = tf.placeholder('bool', []);
      tf.cond(p, () => tf.constant(1), () => tf.constant(2));
      return tf.addCheckNumericsOps();
    })).toThrow('`tf.add_check_numerics_ops() is not compatible with TensorFlow control flow operations such as `tf.cond()` or `tf.while_loop()`.');
  });

  it('debugging.assertShapes: symbolic sizes across tensors, statically and at run time', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.zeros([10, 3], 'float32', 'x');
      const y = tf.ones([10, 7], 'float32', 'y');
      expect(tf.debugging.assertShapes([[x, ['N', 'Q']], [y, ['N', 'D']], [tf.constant([1, 2, 3]), ['Q']], [tf.constant(1), []]]).type).toBe('NoOp');
      expect(() => tf.debugging.assertShapes([[x, ['N', 'D']], [y, ['N', 'D']]])).toThrow(
        '.  Specified by tensor x:0 dimension 1.  Tensor y:0 dimension 1 must have size 3.  Received size 7, shape (10, 7)',
      );
      expect(() => tf.debugging.assertShapes(new Map([[x, ['N', 4]]]), { message: 'm' })).toThrow('m.  Specified explicitly.  Tensor x:0 dimension 1 must have size 4.');
      expect(() => tf.debugging.assertShapes([[x, ['N', '...']]])).toThrow('.  Tensor x:0 specified shape index 1.  Symbol `...` or `*` for a variable number of unspecified dimensions is only allowed as the first entry');
      expect(() => tf.debugging.assertShapes([[x, 5]] as never)).toThrow('Specified shape must be an iterable.');
      expect(() => tf.debugging.assertShapes([[x, ['*', 3]], [y, ['...', 10, 7]]])).not.toThrow();
      const a = tf.placeholder('float32', [null, 3], { name: 'a' });
      const b = tf.placeholder('float32', [null, null], { name: 'b' });
      return { a, b, check: tf.debugging.assertShapes([[a, ['N', 3]], [b, ['N', 'N']]]) };
    });
    const sess = new tf.Session({ graph: g });
    expect(await sess.run(t.check, new Map([[t.a, [[1, 2, 3], [4, 5, 6]]], [t.b, [[1, 2], [3, 4]]]]))).toBeNull();
    await expect(sess.run(t.check, new Map([[t.a, [[1, 2, 3], [4, 5, 6]]], [t.b, [[1, 2, 3], [3, 4, 5]]]]))).rejects.toThrow(
      'assertion failed: [] [Specified by tensor a:0 dimension 0] [Tensor b:0 dimension] [1] [must have size] [2] [Received shape: ] [2 3]',
    );
    await sess.close();
  });

  it('assertVariablesInitialized: FailedPreconditionError until every variable is initialized', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const a = new tf.Variable(tf.constant(1), { name: 'a' });
      const b = new tf.Variable(tf.zeros([2, 3]), { name: 'b' });
      return { a, b, all: tf.assertVariablesInitialized()!, one: tf.assertVariablesInitialized([b])! };
    });
    expect(tf.Graph.prototype.asDefault.call(new tf.Graph(), () => tf.assertVariablesInitialized())).toBeNull();
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(t.all)).rejects.toThrow('Attempting to use uninitialized value a');
    await sess.run(t.a.initializer);
    await expect(sess.run(t.all)).rejects.toBeInstanceOf(tf.errors.FailedPreconditionError);
    await sess.run(t.b.initializer);
    expect(vals((await sess.run(t.all)) as NDArray)).toEqual([0, 2]);
    expect(vals((await sess.run(t.one)) as NDArray)).toEqual([2]);
    await sess.close();
  });

  it('countUpTo: TF1 texts; a float or non-scalar variable is refused', () => {
    new tf.Graph().asDefault(() => {
      const f = new tf.Variable(tf.constant(1));
      expect(() => tf.countUpTo(f, 3)).toThrow("Value passed to parameter 'ref' has DataType float32 not in list of allowed values: int32, int64");
      const v = new tf.Variable(tf.constant([1, 2], { dtype: 'int32' }));
      expect(() => tf.countUpTo(v, 3)).toThrow("Shape must be rank 0 but is rank 1 for 'CountUpTo' (op: 'CountUpTo') with input shapes: [2].");
      const s = new tf.Variable(tf.constant(0, 'int64'), { name: 's' });
      const c = s.countUpTo(5);
      expect([c.op.type, c.dtype, c.shape]).toEqual(['CountUpTo', 'int64', []]);
      expect(() => s.countUpTo(1.5)).toThrow("Expected int for argument 'limit' not 1.5.");
    });
  });
});
