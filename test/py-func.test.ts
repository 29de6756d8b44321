/**
 * tf.pyFunc / tf.numpyFunction / tf.pyFunction: JS functions on NDArrays inside a run, on every
 * device; TF's errors for a wrong count or dtype of results, the function's own exception, an
 * unregistered token after a GraphDef round trip; no gradient unless one is overridden.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const f32 = (v: number[], shape = [v.length]) => new tf.NDArray(Float32Array.from(v), shape, 'float32');

tf.RegisterGradient('PyFuncCubeGrad')((op, dy) => [tf.multiply(dy, tf.multiply(3, tf.square(op.inputs[0]!)))]);

for (const dev of devices) {
  describe(`pyFunc [${dev.name}]`, () => {
    it('calls a sync and an async JS function on the input values, between device ops', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const calls: number[][] = [];
      const { x, out, pair, count } = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [2, 2]);
        const sq = tf.multiply(x, x);
        // A JS-side sort of each row (values, then their argsort as int32).
        const pair = tf.pyFunc(async (a: NDArray) => {
          calls.push(Array.from(a.data as Float32Array));
          await new Promise((r) => setTimeout(r, 1));
          const rows = [0, 1].map((r) => Array.from(a.data.slice(r * 2, r * 2 + 2) as Float32Array));
          const order = rows.map((row) => [0, 1].sort((i, j) => row[i]! - row[j]!));
          return [f32(rows.flatMap((row, r) => order[r]!.map((i) => row[i]!)), [2, 2]), order];
        }, [sq], [tf.float32, tf.int32], { name: 'sort_rows' });
        const out = tf.add(tf.numpyFunction((a: NDArray) => f32(Array.from(a.data as Float32Array, (v) => v + 0.5), [2, 2]), [pair[0]!], tf.float32), 1);
        const count = tf.pyFunction((a: NDArray, b: NDArray) => a.size + b.size, [x, pair[1]!], tf.int64);
        return { x, out, pair, count };
      });
      expect(pair[0]!.op.type).toBe('PyFunc');
      expect(pair[0]!.op.name).toBe('sort_rows');
      expect(pair[0]!.shape).toBeNull();
      expect(count.op.type).toBe('EagerPyFunc');
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [o, idx, n] = (await sess.run([out, pair[1]!, count], new Map([[x, f32([3, -1, 0.5, 2], [2, 2])]]))) as NDArray[];
      expect(o!.shape).toEqual([2, 2]);
      expect(Array.from(o!.data)).toEqual([2.5, 10.5, 1.75, 5.5]);
      expect(idx!.dtype).toBe('int32');
      expect(idx!.toArray()).toEqual([[1, 0], [0, 1]]);
      expect(n!.dtype).toBe('int64');
      expect(Number(n!.data[0])).toBe(8);
      expect(calls).toEqual([[9, 1, 0.25, 4]]);
      await sess.close();
    });

    it("TF's errors: result count, result dtype, the function's exception (UnknownError / InvalidArgumentError naming the op)", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const t = g.asDefault(() => ({
        count: tf.pyFunc(() => 1.5, [], [tf.float32, tf.float32], { name: 'count' }),
        dtype: tf.pyFunc(() => new tf.NDArray(Float64Array.of(1), [1], 'float64'), [], tf.float32, { name: 'dtype' }),
        boom: tf.pyFunc(() => {
          throw new Error('boom');
        }, [], tf.float32, { name: 'boom' }),
        type: tf.pyFunc(async () => {
          throw new TypeError('bad type');
        }, [], tf.float32, { name: 'type' }),
      }));
      const sess = new tf.Session({ ...dev.options, graph: g });
      const token = (x: Tensor | Tensor[]) => (Array.isArray(x) ? x[0]! : x).op.attrs.token as string;
      await expect(sess.run(t.count[0]!)).rejects.toThrow(new RegExp(`^${token(t.count)} returns 1 values, but expects to see 2 values\\.`));
      await expect(sess.run(t.dtype)).rejects.toThrow(`0-th value returned by ${token(t.dtype)} is double, but expects float`);
      const e = await sess.run(t.boom).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(tf.errors.UnknownError);
      expect((e as tf.errors.OpError).op).toBe('boom');
      expect((e as Error).message.split('\n')[0]).toBe('Error: boom');
      const e2 = await sess.run(t.type).catch((x: unknown) => x);
      expect(e2).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((e2 as Error).message.split('\n')[0]).toBe('TypeError: bad type');
      await sess.close();
    });
  });
}

describe('pyFunc in graphs', () => {
  it('is stateful by default (PyFuncStateless with stateful: false); not differentiable; a gradient via gradientOverrideMap', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float64, [3]);
      const cube = (a: NDArray) => new tf.NDArray(Float64Array.from(a.data as Float64Array, (v) => v ** 3), a.shape, 'float64');
      const y = tf.pyFunc(cube, [x], tf.float64, false);
      expect(y.op.type).toBe('PyFuncStateless');
      expect(tf.gradients(tf.reduceSum(y), x)).toEqual([null]);
      const z = g.gradientOverrideMap({ PyFunc: 'PyFuncCubeGrad' }, () => tf.pyFunc(cube, [x], tf.float64));
      const [dz] = tf.gradients(tf.reduceSum(z), x);
      const sess = new tf.Session({ graph: g });
      const [zv, dv] = (await sess.run([z, dz!], new Map([[x, new tf.NDArray(Float64Array.of(1, -2, 0.5), [3], 'float64')]]))) as NDArray[];
      expect(Array.from(zv!.data)).toEqual([1, -8, 0.125]);
      expect(Array.from(dv!.data)).toEqual([3, 12, 0.75]);
      expect(() => sess.runSync(tf.pyFunc(async () => 1, [], tf.float32))).toThrow(/use await sess\.run/);
      await sess.close();
    });
  });

  it('exports as PyFunc with its token; importing it where the token is not registered fails the run as TF does', async () => {
    const g = new tf.Graph();
    const gd = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2], 'x');
      tf.pyFunc((a: NDArray) => a, [x], tf.float32, { name: 'echo' });
      return g.asGraphDef();
    });
    const node = gd.node.find((n) => n.name === 'echo')!;
    expect(node.op).toBe('PyFunc');
    const token = new TextDecoder().decode(node.attr.token!.s);
    expect(token).toMatch(/^pyfunc_\d+$/);
    expect(node.attr.Tout!.list!.type).toEqual([1]); // DT_FLOAT
    expect(node.attr.Tin!.list!.type).toEqual([1]);
    // In this process the token is registered: the imported graph runs it.
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s2 = new tf.Session({ graph: g2 });
    const feed = new Map([[g2.getTensorByName('x:0'), f32([4, 5])]]);
    expect(Array.from(((await s2.run(g2.getTensorByName('echo:0'), feed)) as NDArray).data)).toEqual([4, 5]);
    // A graph written by another process names a token nobody registered here.
    const other = { ...gd, node: gd.node.map((n) => (n.name === 'echo' ? { ...n, attr: { ...n.attr, token: { s: new TextEncoder().encode('pyfunc_123456') } } } : n)) };
    const g3 = new tf.Graph();
    g3.asDefault(() => tf.importGraphDef(other, { name: '' }));
    const s3 = new tf.Session({ graph: g3 });
    const e = await s3.run(g3.getTensorByName('echo:0'), new Map([[g3.getTensorByName('x:0'), f32([4, 5])]])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect((e as Error).message).toBe('ValueError: callback pyfunc_123456 is not found');
    expect((e as tf.errors.OpError).op).toBe('echo');
    await s2.close();
    await s3.close();
  });

  it('runs inside tf.cond (only when its branch is taken) and in a tf.whileLoop body', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const p = tf.placeholder(tf.bool, []);
      const x = tf.constant([1, 2], tf.float32);
      let calls = 0;
      const r: Tensor = tf.cond(p, () => tf.add(tf.pyFunc((a: NDArray) => {
        calls++;
        return a;
      }, [x], tf.float32), 1), () => tf.multiply(x, 10)) as Tensor;
      const double = (v: NDArray) => new tf.NDArray(Float32Array.from(v.data as Float32Array, (q) => q * 2), v.shape, 'float32');
      const loop = tf.whileLoop((i: Tensor) => tf.less(i, 3), (i: Tensor, a: Tensor) => [tf.add(i, 1), tf.reshape(tf.pyFunc(double, [a], tf.float32), [2])], [tf.constant(0), x]) as Tensor[];
      const acc: Tensor = loop[1]!;
      const sess = new tf.Session({ graph: g });
      const feed = (b: number) => new Map([[p, new tf.NDArray(Uint8Array.of(b), [], 'bool')]]);
      expect(((await sess.run(r, feed(1))) as NDArray).toArray()).toEqual([2, 3]);
      expect(((await sess.run(r, feed(0))) as NDArray).toArray()).toEqual([10, 20]);
      expect(calls).toBe(1);
      expect(((await sess.run(acc)) as NDArray).toArray()).toEqual([8, 16]);
      await sess.close();
    });
  });

  it('checks its arguments', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.pyFunc(3 as never, [], tf.float32)).toThrow(TypeError);
      expect(() => tf.pyFunc(() => 1, [], 'float99' as never)).toThrow(/Expected a dtype/);
      expect(() => tf.pyFunc(() => 1, 5 as never, tf.float32)).toThrow(/inp must be a list/);
    });
  });
});
