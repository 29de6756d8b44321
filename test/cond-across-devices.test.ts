/**
 * A cond or loop whose ops are placed on more than one device (a WebGPU session with string
 * ops in a branch or a loop body: strings live on the CPU device, as in TF) runs only the taken
 * branch, wherever its ops are placed, and gives the values a CPU session gives.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const num = (x: unknown): number => (x as NDArray).data[0] as number;
const str = (x: unknown): string => {
  const d = (x as NDArray).data as unknown as ArrayLike<unknown>;
  const v = d[0];
  return typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array);
};

for (const dev of devices) {
  describe(`a cond or loop spanning devices (${dev.name})`, () => {
    it('string-valued branches: the taken branch, each step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const x = tf.placeholder('float32', [], 'x');
        const s = tf.cond(tf.greater(x, 0), () => tf.constant('pos'), () => tf.constant('neg')) as tf.Tensor;
        return { x, s };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      expect(str(await sess.run(b.s, [[b.x, 1]]))).toBe('pos');
      expect(str(await sess.run(b.s, [[b.x, -1]]))).toBe('neg');
      await sess.close();
    });

    it('a float cond with a string op in one branch', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const x = tf.placeholder('float32', [], 'x');
        const n = tf.cond(tf.greater(x, 0), () => tf.add(tf.stringToNumber(tf.constant('2.5')), x), () => tf.multiply(x, 3)) as tf.Tensor;
        return { x, n };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      expect(num(await sess.run(b.n, [[b.x, 1]]))).toBe(3.5);
      expect(num(await sess.run(b.n, [[b.x, -2]]))).toBe(-6);
      await sess.close();
    });

    it('only the taken branch runs: an enqueue (CPU) inside a branch of a float cond', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const q = new tf.FIFOQueue(10, ['float32'], [[]]);
        const p = tf.placeholder('bool', [], 'p');
        const x = tf.placeholder('float32', [], 'x');
        const y = tf.cond(
          p,
          () => tf.controlDependencies([q.enqueue([tf.multiply(x, 2)])], () => tf.identity(x)),
          () => tf.negative(x),
        ) as tf.Tensor;
        return { q, p, x, y };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got: number[] = [];
      for (const [pv, xv] of [[true, 1], [false, 2], [true, 3]] as const) got.push(num(await sess.run(b.y, [[b.p, pv], [b.x, xv]])));
      expect(got).toEqual([1, -2, 3]);
      expect(num(await sess.run(b.q.size()))).toBe(2);
      expect(num(await sess.run(b.q.dequeue() as tf.Tensor))).toBe(2);
      await sess.close();
    });

    it('a while loop whose body formats and parses a string', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const n = tf.placeholder('int32', [], 'n');
        const [, acc] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, n),
          (i: tf.Tensor, a: tf.Tensor) => [tf.add(i, 1), tf.add(a, tf.stringToNumber(tf.asString(i)))],
          [tf.constant(0, 'int32'), tf.constant(0.5)],
        ) as tf.Tensor[];
        return { n, acc: acc! };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      expect(num(await sess.run(b.acc, [[b.n, 5]]))).toBe(10.5); // 0.5 + 0+1+2+3+4
      await sess.close();
    });

    it('a loop gradient in a step that also writes a string summary', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const w = new tf.Variable(tf.constant(1.5), { name: 'w' });
        const [, y] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor, a: tf.Tensor) => [tf.add(i, 1), tf.multiply(a, w.value())],
          [tf.constant(0, 'int32'), tf.constant(2)],
        ) as tf.Tensor[];
        const [dw] = tf.gradients(y!, [w.value()]);
        const summ = tf.summary.scalar('y', y!);
        return { w, y: y!, dw: dw!, summ, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      const [yv, dwv, sv] = (await sess.run([b.y, b.dw, b.summ])) as NDArray[];
      // y = 2 w^3, dy/dw = 6 w^2
      expect(num(yv)).toBeCloseTo(2 * 1.5 ** 3, 5);
      expect(num(dwv)).toBeCloseTo(6 * 1.5 ** 2, 5);
      expect(sv!.dtype).toBe('string');
      await sess.close();
    });
  });
}
