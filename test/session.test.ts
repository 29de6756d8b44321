/**
 * Session behaviour (tf1-reference.md §2): pruning, once-per-run execution, the plan cache, fetch
 * and feed structures, TF1's error texts, variables and random ops across runs and sessions.
 * Runs on every device in TSFLOW_TEST_DEVICES.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { rejection, thrown } from './support/errors.js';

registerSkipSummary();

const devices = await resolvedDevices();

/** The first line of an error's message (TF1 may append node details after it). */
function firstLine(e: unknown): string {
  return String((e as Error).message).split('\n')[0]!;
}

const f32 = (data: number[], shape: number[] = [data.length]): NDArray => new tf.NDArray(Float32Array.from(data), shape);

for (const dev of devices) {
  describe(`Session [${dev.name}]`, () => {
    /** A fresh graph, built by `build`, and a session on it for the device under test. */
    function setup<T>(build: () => T): { g: tf.Graph; sess: tf.Session; t: T } {
      const g = new tf.Graph();
      const t = g.asDefault(build);
      return { g, sess: new tf.Session({ ...dev.options, graph: g }), t };
    }

    // Every test first checks the device is usable here.
    const test = (name: string, fn: () => Promise<void>): void => {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        await fn();
      });
    };

    // ----- pruning and execution ------------------------------------------------------------------

    test('only the subgraph the fetches need runs: an unfed placeholder on an unused branch is fine', async () => {
      const { sess, t } = setup(() => {
        const unused = tf.placeholder('float32', [2], 'unused');
        const a = tf.constant([1, 2]);
        return { y: tf.multiply(a, 3), z: tf.add(unused, 1) };
      });
      expect((await sess.run(t.y)).toArray()).toEqual([3, 6]);
      await sess.close();
    });

    test('each op runs at most once per call: a random op fetched twice gives identical values', async () => {
      const { sess, t } = setup(() => {
        const r = tf.randomUniform([5]);
        return { r, id: tf.identity(r), sum: tf.add(r, tf.zerosLike(r)) };
      });
      const out = (await sess.run({ a: t.r, b: [t.r, t.id], c: t.sum })) as { a: NDArray; b: NDArray[]; c: NDArray };
      expect(out.b[0]!.toArray()).toEqual(out.a.toArray());
      expect(out.b[1]!.toArray()).toEqual(out.a.toArray());
      expect(out.c.toArray()).toEqual(out.a.toArray());
      await sess.close();
    });

    test('an assign fetched twice in one call runs once', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable([1, 2]);
        return { v, inc: v.assignAdd([10, 10]) };
      });
      await sess.run(t.v.initializer);
      const [a, b] = (await sess.run([t.inc, t.inc])) as NDArray[];
      expect(a!.toArray()).toEqual([11, 12]);
      expect(b!.toArray()).toEqual([11, 12]);
      expect((await sess.run(t.v)).toArray()).toEqual([11, 12]);
      await sess.close();
    });

    test('plans are cached per (fetches, feeds, feed shapes): session.stats counts compiles and hits', async () => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', [null]);
        return { x, y: tf.multiply(x, 2), z: tf.add(x, 1) };
      });
      expect(sess.stats).toMatchObject({ compiles: 0, cacheHits: 0 });
      await sess.run(t.y, [[t.x, [1, 2]]]);
      expect(sess.stats).toMatchObject({ compiles: 1, cacheHits: 0 });
      await sess.run(t.y, [[t.x, [3, 4]]]);
      expect(sess.stats).toMatchObject({ compiles: 1, cacheHits: 1 });
      // Same fetch through another structure and a name string: the same plan.
      await sess.run({ out: 'Mul:0' }, new Map([[t.x, [5, 6]]]));
      expect(sess.stats).toMatchObject({ compiles: 1, cacheHits: 2 });
      // A new feed shape or a new fetch compiles again.
      await sess.run(t.y, [[t.x, [1, 2, 3]]]);
      expect(sess.stats.compiles).toBe(2);
      await sess.run(t.z, [[t.x, [1, 2, 3]]]);
      expect(sess.stats.compiles).toBe(3);
      expect(sess.stats.runs).toBe(5);
      await sess.close();
    });

    // ----- fetch structures -------------------------------------------------------------------------

    test('fetch structures: single, array, nested object, Map, Operation → null, names, duplicates', async () => {
      const { sess, t } = setup(() => {
        const a = tf.constant([1, 2], 'float32', undefined, 'a');
        const b = tf.constant(3, 'int32', undefined, 'b');
        const noop = tf.noOp('nothing');
        return { a, b, noop };
      });
      const single = (await sess.run(t.a)) as NDArray;
      expect(single).toBeInstanceOf(tf.NDArray);
      expect(single.dtype).toBe('float32');
      expect(single.toArray()).toEqual([1, 2]);

      const scalar = (await sess.run(t.b)) as NDArray;
      expect(scalar.shape).toEqual([]);
      expect(scalar.dtype).toBe('int32');
      expect(scalar.toArray()).toBe(3);

      const arr = (await sess.run([t.a, t.b])) as NDArray[];
      expect(arr.map((x) => x.toArray())).toEqual([[1, 2], 3]);

      const nested = (await sess.run({ p: t.a, q: [t.b, { r: t.a, s: t.noop }] })) as {
        p: NDArray;
        q: [NDArray, { r: NDArray; s: null }];
      };
      expect(nested.p.toArray()).toEqual([1, 2]);
      expect(nested.q[0].toArray()).toBe(3);
      expect(nested.q[1].r.toArray()).toEqual([1, 2]);
      expect(nested.q[1].s).toBeNull();

      const m = (await sess.run(new Map<string, unknown>([['first', t.a], ['second', [t.b]]]))) as Map<string, unknown>;
      expect(m).toBeInstanceOf(Map);
      expect([...m.keys()]).toEqual(['first', 'second']);
      expect((m.get('first') as NDArray).toArray()).toEqual([1, 2]);
      expect((m.get('second') as NDArray[])[0]!.toArray()).toBe(3);

      expect(await sess.run(t.noop)).toBeNull();
      expect(await sess.run('nothing')).toBeNull();
      expect(((await sess.run('a:0')) as NDArray).toArray()).toEqual([1, 2]);
      const byName = (await sess.run(['a:0', 'b:0', 'nothing'])) as [NDArray, NDArray, null];
      expect(byName[0].toArray()).toEqual([1, 2]);
      expect(byName[1].toArray()).toBe(3);
      expect(byName[2]).toBeNull();

      const dup = (await sess.run([t.a, t.a, 'a:0'])) as NDArray[];
      expect(dup.map((x) => x.toArray())).toEqual([[1, 2], [1, 2], [1, 2]]);

      expect(await sess.run([])).toEqual([]);
      expect(await sess.run({})).toEqual({});
      await sess.close();
    });

    test('returned values are copies: changing one does not change the next run', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable([1, 2, 3]);
        return { v, c: tf.constant([4, 5]) };
      });
      await sess.run(t.v.initializer);
      const a = (await sess.run(t.v)) as NDArray;
      a.data[0] = 100;
      const c = (await sess.run(t.c)) as NDArray;
      c.data[0] = 100;
      expect((await sess.run(t.v)).toArray()).toEqual([1, 2, 3]);
      expect((await sess.run(t.c)).toArray()).toEqual([4, 5]);
      await sess.close();
    });

    // ----- feeds ------------------------------------------------------------------------------------

    test('feeds as a Map (tensor or name keys), as [key, value] pairs, and as a name-keyed object', async () => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', [2], 'x');
        const y = tf.placeholder('float32', [], 'y');
        return { x, y, z: tf.add(tf.multiply(x, y), 1) };
      });
      const want = [7, 9];
      expect((await sess.run(t.z, new Map<Tensor | string, unknown>([[t.x, [3, 4]], ['y:0', 2]]) as never)).toArray()).toEqual(want);
      expect((await sess.run(t.z, [[t.x, f32([3, 4])], ['y:0', 2]])).toArray()).toEqual(want);
      expect((await sess.run(t.z, { 'x:0': Float32Array.from([3, 4]), 'y:0': 2 })).toArray()).toEqual(want);
      await sess.close();
    });

    test('a bare typed array takes the placeholder shape, filling one unknown dim', async () => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', [null, 2]);
        return { x, s: tf.reduceSum(x, 1) };
      });
      expect((await sess.run(t.s, [[t.x, Float32Array.from([1, 2, 3, 4, 5, 6])]])).toArray()).toEqual([3, 7, 11]);
      await sess.close();
    });

    test('feeding an intermediate tensor: its producers (and their placeholders) do not run', async () => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', [2]);
        const mid = tf.multiply(x, 10);
        return { x, mid, out: tf.add(mid, 1) };
      });
      expect((await sess.run(t.out, [[t.mid, [1, 2]]])).toArray()).toEqual([2, 3]);
      // The fed tensor itself, fetched, is the fed value.
      const [m, o] = (await sess.run([t.mid, t.out], [[t.mid, [5, 6]]])) as NDArray[];
      expect(m!.toArray()).toEqual([5, 6]);
      expect(o!.toArray()).toEqual([6, 7]);
      await sess.close();
    });

    test('a fetched fed tensor returns the fed value converted to the tensor dtype', async () => {
      const { sess, t } = setup(() => ({ x: tf.placeholder('int32', [3]), b: tf.placeholder('bool', [2]) }));
      const [x, b] = (await sess.run([t.x, t.b], [[t.x, [1.7, -2.5, 3]], [t.b, [1, 0]]])) as NDArray[];
      expect(x!.dtype).toBe('int32');
      expect(x!.toArray()).toEqual([1, -2, 3]);
      expect(b!.dtype).toBe('bool');
      expect(b!.toArray()).toEqual([true, false]);
      await sess.close();
    });

    test('placeholderWithDefault: the default unless fed', async () => {
      const { sess, t } = setup(() => {
        const p = tf.placeholderWithDefault(tf.constant([1, 2]), [null]);
        return { p, y: tf.multiply(p, 2) };
      });
      expect((await sess.run(t.y)).toArray()).toEqual([2, 4]);
      expect((await sess.run(t.y, [[t.p, [5, 6, 7]]])).toArray()).toEqual([10, 12, 14]);
      await sess.close();
    });

    test('a variable may be fed: its readers see the fed value, and it need not be initialized', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable([1, 2]);
        return { v, y: tf.multiply(v, 3) };
      });
      expect((await sess.run(t.y, [[t.v, [10, 20]]] as never)).toArray()).toEqual([30, 60]);
      await sess.close();
    });

    // ----- TF1 error texts ------------------------------------------------------------------------

    test('unfed placeholder: InvalidArgumentError naming the op, dtype and (if ranked > 0) shape', async () => {
      const { sess, t } = setup(() => ({
        withShape: tf.add(tf.placeholder('float32', [null, 4]), 1),
        unknown: tf.add(tf.placeholder('float32'), 1),
        scalar: tf.add(tf.placeholder('int32', []), 1),
        full: tf.logicalAnd(tf.placeholder('bool', [2, 3], 'flags'), true),
      }));
      const e1 = await rejection(sess.run(t.withShape));
      expect(e1).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(firstLine(e1)).toBe("You must feed a value for placeholder tensor 'Placeholder' with dtype float and shape [?,4]");
      expect((e1 as tf.errors.OpError).op).toBe('Placeholder');
      expect((e1 as tf.errors.OpError).code).toBe(3);
      expect(firstLine(await rejection(sess.run(t.unknown)))).toBe("You must feed a value for placeholder tensor 'Placeholder_1' with dtype float");
      expect(firstLine(await rejection(sess.run(t.scalar)))).toBe("You must feed a value for placeholder tensor 'Placeholder_2' with dtype int32");
      expect(firstLine(await rejection(sess.run(t.full)))).toBe("You must feed a value for placeholder tensor 'flags' with dtype bool and shape [2,3]");
      await sess.close();
    });

    test('feed of the wrong shape: ValueError with Python shapes', async () => {
      const { sess, t } = setup(() => ({ x: tf.placeholder('float32', [null, 4]), s: tf.placeholder('float32', []) }));
      const e = await rejection(sess.run(t.x, [[t.x, [1, 2, 3]]]));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(firstLine(e)).toBe("Cannot feed value of shape (3,) for Tensor 'Placeholder:0', which has shape '(?, 4)'");
      expect(firstLine(await rejection(sess.run(t.s, [[t.s, [1]]])))).toBe(
        "Cannot feed value of shape (1,) for Tensor 'Placeholder_1:0', which has shape '()'",
      );
      expect(firstLine(await rejection(sess.run(t.x, [[t.x, [[1, 2, 3]]]])))).toBe(
        "Cannot feed value of shape (1, 3) for Tensor 'Placeholder:0', which has shape '(?, 4)'",
      );
      await sess.close();
    });

    test('fetch errors: unknown name, null, a tensor of another graph, a wrong type', async () => {
      const { sess } = setup(() => tf.constant(1, 'float32', undefined, 'c'));
      const e = await rejection(sess.run('x:0'));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(firstLine(e)).toBe(
        `Fetch argument 'x:0' cannot be interpreted as a Tensor. ("The name 'x:0' refers to a Tensor which does not exist. The operation, 'x', does not exist in the graph.")`,
      );
      expect(firstLine(await rejection(sess.run('c:1')))).toBe(
        `Fetch argument 'c:1' cannot be interpreted as a Tensor. ("The name 'c:1' refers to a Tensor which does not exist. The operation, 'c', exists but only has 1 outputs.")`,
      );
      expect(firstLine(await rejection(sess.run('nope')))).toBe(
        `Fetch argument 'nope' cannot be interpreted as a Tensor. ("The name 'nope' refers to an Operation not in the graph.")`,
      );
      const eNull = await rejection(sess.run(null));
      expect(eNull).toBeInstanceOf(TypeError);
      expect(firstLine(eNull)).toBe("Fetch argument None has invalid type <class 'NoneType'>");
      const eList = await rejection(sess.run([tf.constant(0), null].slice(1)));
      expect(firstLine(eList)).toBe("Fetch argument None has invalid type <class 'NoneType'>");

      const other = new tf.Graph().asDefault(() => tf.placeholder('float32', [null, 4]));
      const eg = await rejection(sess.run(other));
      expect(eg).toBeInstanceOf(tf.errors.ValueError);
      expect(eg.message).toContain('Tensor Tensor("Placeholder:0", shape=(?, 4), dtype=float32) is not an element of this graph.');

      const eType = await rejection(sess.run(42));
      expect(eType).toBeInstanceOf(TypeError);
      expect(firstLine(eType)).toMatch(/^Fetch argument 42 has invalid type .*, must be a string or Tensor\./);
      await sess.close();
    });

    test('feed errors: unknown key, a Tensor as the value', async () => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', []);
        return { x, c: tf.constant(2), y: tf.add(x, 1) };
      });
      const ek = await rejection(sess.run(t.y, { 'x:0': 1 }));
      expect(ek).toBeInstanceOf(TypeError);
      expect(firstLine(ek)).toBe(
        "Cannot interpret feed_dict key as Tensor: The name 'x:0' refers to a Tensor which does not exist. The operation, 'x', does not exist in the graph.",
      );
      const ev = await rejection(sess.run(t.y, [[t.x, t.c as never]]));
      expect(ev).toBeInstanceOf(TypeError);
      expect(firstLine(ev)).toBe(
        'The value of a feed cannot be a tf.Tensor object. Acceptable feed values include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, the tensor object was Tensor("Const:0", shape=(), dtype=float32) which was passed to the feed with key Tensor("Placeholder:0", shape=(), dtype=float32).',
      );
      await sess.close();
    });

    test('closed session: RuntimeError "Attempted to use a closed Session."; close is idempotent', async () => {
      const { sess, t } = setup(() => tf.constant(1));
      expect((await sess.run(t)).toArray()).toBe(1);
      await sess.close();
      await sess.close();
      const e = await rejection(sess.run(t));
      expect(e).toBeInstanceOf(tf.errors.RuntimeError);
      expect(e.message).toBe('Attempted to use a closed Session.');
      if (dev.caps.runSync) expect(thrown(() => sess.runSync(t)).message).toBe('Attempted to use a closed Session.');
    });

    test('Symbol.asyncDispose closes the session', async () => {
      const { sess, t } = setup(() => tf.constant(1));
      await sess.run(t);
      await sess[Symbol.asyncDispose]();
      expect((await rejection(sess.run(t))).message).toBe('Attempted to use a closed Session.');
    });

    test('empty graph: RuntimeError with TF text (two spaces)', async () => {
      const sess = new tf.Session({ ...dev.options, graph: new tf.Graph() });
      const e = await rejection(sess.run([]));
      expect(e).toBeInstanceOf(tf.errors.RuntimeError);
      expect(e.message).toBe('The Session graph is empty.  Add operations to the graph before calling run().');
      await sess.close();
    });

    test('uninitialized variable: FailedPreconditionError "Attempting to use uninitialized value Variable"', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable([1, 2]);
        const w = new tf.Variable(3, { name: 'weights' });
        return { v, w, y: tf.multiply(v, 2) };
      });
      for (const fetch of [t.y, t.v, 'Variable:0', 'Variable/read:0']) {
        const e = await rejection(sess.run(fetch));
        expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
        expect(firstLine(e)).toBe('Attempting to use uninitialized value Variable');
        expect((e as tf.errors.OpError).code).toBe(9);
      }
      expect(firstLine(await rejection(sess.run(t.w)))).toBe('Attempting to use uninitialized value weights');
      await sess.run(tf.variablesInitializer([t.v]));
      expect((await sess.run(t.y)).toArray()).toEqual([2, 4]);
      expect(firstLine(await rejection(sess.run(t.w)))).toBe('Attempting to use uninitialized value weights');
      await sess.close();
    });

    test('bad Session options are rejected at the boundary', async () => {
      const g = new tf.Graph();
      expect(() => new tf.Session({ graph: g, threads: 0 })).toThrow(/threads/);
      expect(() => new tf.Session({ graph: g, threads: 1.5 })).toThrow(/threads/);
      expect(() => new tf.Session({ graph: g, device: 'tpu' as never })).toThrow(/device/);
      expect(() => new tf.Session({ graph: 5 as never })).toThrow(/graph must be a tf.Graph/);
      expect(() => new tf.Session({ graph: g, bogus: true } as never)).toThrow(TypeError);
      expect(() => new tf.Session({ graph: g, allowSoftPlacement: 'yes' as never })).toThrow(/allowSoftPlacement/);
    });

    test('a failed run changes no variable', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable([1, 2]);
        const x = tf.placeholder('float32', [2]);
        const inc = v.assignAdd([1, 1]);
        // Fails at run time, after the assign could have executed.
        const bad = tf.checkNumerics(tf.log(tf.add(x, tf.zerosLike(inc))), 'bad');
        return { v, x, inc, bad };
      });
      await sess.run(t.v.initializer);
      const e = await rejection(sess.run([t.inc, t.bad], [[t.x, [-1, 1]]]));
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((await sess.run(t.v)).toArray()).toEqual([1, 2]);
      // Fails before running (a bad feed shape): nothing changes either.
      await rejection(sess.run([t.inc, t.bad], [[t.x, [1, 2, 3]]]));
      expect((await sess.run(t.v)).toArray()).toEqual([1, 2]);
      // And a good run still works.
      await sess.run([t.inc, t.bad], [[t.x, [1, 1]]]);
      expect((await sess.run(t.v)).toArray()).toEqual([2, 3]);
      await sess.close();
    });

    // ----- runSync, variables, randomness ---------------------------------------------------------

    test('runSync gives what run gives (where the device declares it)', async (): Promise<void> => {
      const { sess, t } = setup(() => {
        const x = tf.placeholder('float32', [null]);
        const v = new tf.Variable([1, 1, 1]);
        return { x, v, y: tf.add(tf.multiply(x, v), 1) };
      });
      if (!dev.caps.runSync) {
        expect(() => sess.runSync(t.y)).toThrow(/runSync/);
        await sess.close();
        return;
      }
      sess.runSync(t.v.initializer);
      const a = sess.runSync(t.y, [[t.x, [1, 2, 3]]]) as NDArray;
      const b = (await sess.run(t.y, [[t.x, [1, 2, 3]]])) as NDArray;
      expect(a.toArray()).toEqual([2, 3, 4]);
      expect(a.toArray()).toEqual(b.toArray());
      expect(sess.runSync({ k: [t.v] }).k[0].toArray()).toEqual([1, 1, 1]);
      expect(() => sess.runSync('x:0')).toThrow(tf.errors.ValueError);
      await sess.close();
    });

    test('variables live per session: two sessions on one graph are independent', async () => {
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const v = new tf.Variable([1, 2]);
        return { v, inc: v.assignAdd([1, 1]), init: tf.globalVariablesInitializer() };
      });
      const s1 = new tf.Session({ ...dev.options, graph: g });
      const s2 = new tf.Session({ ...dev.options, graph: g });
      await s1.run(t.init);
      await s1.run(t.inc);
      await s1.run(t.inc);
      expect((await s1.run(t.v)).toArray()).toEqual([3, 4]);
      expect(firstLine(await rejection(s2.run(t.v)))).toBe('Attempting to use uninitialized value Variable');
      await s2.run(t.init);
      expect((await s2.run(t.v)).toArray()).toEqual([1, 2]);
      await s2.run(t.inc);
      expect((await s1.run(t.v)).toArray()).toEqual([3, 4]);
      expect((await s2.run(t.v)).toArray()).toEqual([2, 3]);
      // Values persist across runs of one session, until it closes.
      await s1.close();
      const s3 = new tf.Session({ ...dev.options, graph: g });
      expect(firstLine(await rejection(s3.run(t.v)))).toBe('Attempting to use uninitialized value Variable');
      await s2.close();
      await s3.close();
    });

    test('assign ops return the new value; control dependencies order reads after them', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable(5);
        const set = v.assign(7);
        const after = tf.controlDependencies([set], () => tf.identity(v.readValue()));
        return { v, set, after, sub: v.assignSub(2) };
      });
      await sess.run(t.v.initializer);
      expect((await sess.run(t.set)).toArray()).toBe(7);
      await sess.run(t.v.initializer);
      expect((await sess.run(t.after)).toArray()).toBe(7);
      expect((await sess.run(t.sub)).toArray()).toBe(5);
      await sess.close();
    });

    test('random ops: same graph seed + op seed repeat in fresh sessions, and differ run to run', async () => {
      const build = (): { g: tf.Graph; r: Tensor; n: Tensor } => {
        const g = new tf.Graph();
        const [r, n] = g.asDefault(() => {
          tf.setRandomSeed(1234);
          return [tf.randomUniform([6], { seed: 7 }), tf.randomNormal([6])] as const;
        });
        return { g, r, n };
      };
      const first = build();
      const second = build();
      const s1 = new tf.Session({ ...dev.options, graph: first.g });
      const s2 = new tf.Session({ ...dev.options, graph: second.g });
      const s3 = new tf.Session({ ...dev.options, graph: first.g });
      const run1 = (await s1.run([first.r, first.n])) as NDArray[];
      const run2 = (await s1.run([first.r, first.n])) as NDArray[];
      const other = (await s2.run([second.r, second.n])) as NDArray[];
      const again = (await s3.run([first.r, first.n])) as NDArray[];
      expect(other.map((a) => a.toArray())).toEqual(run1.map((a) => a.toArray()));
      expect(again.map((a) => a.toArray())).toEqual(run1.map((a) => a.toArray()));
      expect(run2[0]!.toArray()).not.toEqual(run1[0]!.toArray());
      expect(run2[1]!.toArray()).not.toEqual(run1[1]!.toArray());
      // The second runs repeat too.
      expect(((await s2.run(second.r)) as NDArray).toArray()).toEqual(run2[0]!.toArray());
      for (const s of [s1, s2, s3]) await s.close();
    });

    test('an op seed without a graph seed is repeatable; different op seeds differ', async () => {
      const g = new tf.Graph();
      const [a, b, c] = g.asDefault(() => [tf.randomUniform([4], { seed: 3 }), tf.randomUniform([4], { seed: 3 }), tf.randomUniform([4], { seed: 4 })]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [x, y, z] = (await sess.run([a!, b!, c!])) as NDArray[];
      expect(y!.toArray()).toEqual(x!.toArray());
      expect(z!.toArray()).not.toEqual(x!.toArray());
      await sess.close();
    });

    test('runs on one session are serialized in call order', async () => {
      const { sess, t } = setup(() => {
        const v = new tf.Variable(0);
        return { v, inc: v.assignAdd(1) };
      });
      await sess.run(t.v.initializer);
      const results = await Promise.all(Array.from({ length: 5 }, () => sess.run(t.inc)));
      expect(results.map((r) => (r as NDArray).toArray())).toEqual([1, 2, 3, 4, 5]);
      await sess.close();
    });

    test('listDevices names the CPU', async () => {
      const { sess } = setup(() => tf.constant(1));
      expect(sess.listDevices().map((d) => d.name)).toContain('/device:CPU:0');
      await sess.close();
    });

    test('listDevices says how many threads the CPU device runs on, and why one where it runs inline', async () => {
      const g = new tf.Graph();
      g.asDefault(() => tf.constant(1));
      const two = new tf.Session({ graph: g, threads: 2 });
      await two.run(g.getTensorByName('Const:0'));
      expect(two.listDevices().find((d) => d.deviceType === 'CPU')).toEqual({ name: '/device:CPU:0', deviceType: 'CPU', threads: 2, singleThreadReason: null });
      await two.close();
    });
  });
}
