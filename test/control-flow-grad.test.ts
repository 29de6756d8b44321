/**
 * Finite-difference checks of gradients through tf.cond (each branch taken, nested, a value
 * used in one branch only) and tf.whileLoop (loop variables, captured loop constants, a
 * data-dependent trip count, nested loops, a cond in the body), in float64 on the CPU's
 * plain-JS kernels and float32 on its wasm kernels and on WebGPU where present; and against
 * the gradient of the unrolled loop.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type GradCase, checkGradients, gradConfigs } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const i32 = (v: number): Tensor => tf.constant(v, 'int32');
/** `x ↦ x·y + sin(x)` repeated `n` times over the loop variable, y captured. */
const loopBody = (y: Tensor) => (i: Tensor, v: Tensor) => [tf.add(i, 1), tf.add(tf.multiply(v, y), tf.sin(v))];

const CASES: GradCase[] = [
  {
    name: 'cond, true branch taken',
    ins: [{ shape: [3] }, { shape: [3] }],
    f: (x, y) => tf.cond(tf.greater(tf.reduceSum(x), -100), () => tf.multiply(x, y), () => tf.sin(x)) as Tensor,
  },
  {
    name: 'cond, false branch taken; y used only in the untaken branch',
    ins: [{ shape: [3] }, { shape: [3] }],
    f: (x, y) => tf.cond(tf.less(tf.reduceSum(x), -100), () => tf.multiply(x, y), () => tf.sin(x)) as Tensor,
  },
  {
    name: 'nested cond with several outputs',
    ins: [{ shape: [2, 2] }, { shape: [2, 2] }],
    f: (x, y) => {
      const [a, b] = tf.cond(
        tf.greater(tf.reduceSum(x), -100),
        () => tf.cond(tf.less(tf.reduceSum(y), 100), () => [tf.matmul(x, y), tf.tanh(y)], () => [x, y]) as Tensor[],
        () => [y, x],
      ) as Tensor[];
      return [a!, b!];
    },
  },
  {
    name: 'nested cond in the untaken branch: its gradient contributes nothing',
    ins: [{ shape: [2, 2] }, { shape: [2, 2] }],
    f: (x, y) => {
      const xy = tf.matmul(x, y);
      return tf.cond(
        tf.greater(tf.reduceSum(x), -100),
        () => tf.square(xy),
        () => tf.cond(tf.greater(tf.reduceSum(xy), 0), () => tf.abs(xy), () => tf.negative(tf.multiply(xy, y))),
      ) as Tensor;
    },
  },
  {
    name: 'whileLoop: loop variable and captured constant, 3 iterations',
    ins: [{ shape: [2] }, { shape: [2] }],
    f: (x, y) => (tf.whileLoop((i: Tensor) => tf.less(i, 3), loopBody(y), [i32(0), x]) as Tensor[])[1]!,
  },
  {
    name: 'whileLoop: trip count from the data, two float loop variables, maximumIterations',
    ins: [{ shape: [3], gen: 'pos' }, { shape: [3] }],
    f: (x, y) => {
      const [a, b] = tf.whileLoop(
        (a: Tensor) => tf.less(tf.reduceSum(a), 40),
        (a: Tensor, b: Tensor) => [tf.add(tf.multiply(a, 1.7), tf.square(y)), tf.add(b, tf.multiply(a, y))],
        [x, tf.zeros([3], x.dtype)],
        { maximumIterations: 20 },
      ) as Tensor[];
      return [a!, b!];
    },
  },
  {
    name: 'whileLoop: nested loop and a cond in the body',
    ins: [{ shape: [2] }, { shape: [2] }],
    f: (x, y) => (tf.whileLoop(
      (i: Tensor) => tf.less(i, 3),
      (i: Tensor, v: Tensor) => {
        const inner = tf.whileLoop((j: Tensor) => tf.less(j, i), (j: Tensor, u: Tensor) => [tf.add(j, 1), tf.add(tf.multiply(u, 0.5), tf.cos(tf.multiply(u, y)))], [i32(0), v]) as Tensor[];
        const c = tf.cond(tf.equal(tf.mod(i, 2), 0), () => tf.multiply(inner[1]!, y), () => tf.tanh(inner[1]!)) as Tensor;
        return [tf.add(i, 1), c];
      },
      [i32(0), x],
    ) as Tensor[])[1]!,
  },
];

const CONFIGS = gradConfigs(devices);

for (const cfg of CONFIGS) {
  describe(`finite-difference gradients through cond and whileLoop: ${cfg.label}`, () => {
    for (const c of CASES) {
      it(c.name, async (ctx) => {
        const why = cfg.skip();
        if (why) skipTest(ctx, why);
        await checkGradients(c, cfg.dtype, cfg.options);
      });
    }
  });
}

describe('whileLoop gradient against the unrolled loop', () => {
  it('same values and gradients as the unrolled body, for several trip counts', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.placeholder('float64', [2], 'x');
      const y = tf.placeholder('float64', [2], 'y');
      const n = tf.placeholder('int32', [], 'n');
      const looped = (tf.whileLoop((i: Tensor) => tf.less(i, n), loopBody(y), [i32(0), x]) as Tensor[])[1]!;
      const unrolled: Tensor[] = [];
      let v = x;
      for (let k = 0; k < 4; k++) {
        unrolled.push(v);
        v = tf.add(tf.multiply(v, y), tf.sin(v));
      }
      const lossL = tf.reduceSum(tf.square(looped));
      const gl = tf.gradients(lossL, [x, y]) as Tensor[];
      const gu = unrolled.map((u) => tf.gradients(tf.reduceSum(tf.square(u)), [x, y]).map((d) => d ?? tf.zerosLike(x)) as Tensor[]);
      return { x, y, n, looped, unrolled, gl, gu };
    });
    const s = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    const x = new tf.NDArray(Float64Array.of(0.3, -0.7), [2], 'float64');
    const y = new tf.NDArray(Float64Array.of(0.9, 1.1), [2], 'float64');
    for (const k of [0, 1, 3]) {
      const feeds = new Map<Tensor, NDArray>([[t.x, x], [t.y, y], [t.n, new tf.NDArray(Int32Array.of(k), [], 'int32')]]);
      const [lv, gx, gy, uv, ux, uy] = (await s.run([t.looped, ...t.gl, t.unrolled[k]!, ...t.gu[k]!], feeds)) as NDArray[];
      expect(Array.from(lv!.data as Float64Array)).toEqual(Array.from(uv!.data as Float64Array));
      Array.from(ux!.data as Float64Array).forEach((v, i) => expect(Number(gx!.data[i])).toBeCloseTo(k === 0 ? 2 * x.data[i]! : v, 12));
      Array.from(uy!.data as Float64Array).forEach((v, i) => expect(Number(gy!.data[i])).toBeCloseTo(k === 0 ? 0 : v, 12));
    }
    await s.close();
  });
});
