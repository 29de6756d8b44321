/**
 * tf.TensorArray: every operation against plain-JS values, inside tf.whileLoop (fixed and
 * dynamic size), TF1's error texts, gradients by finite differences (float64 plain-JS, float32
 * wasm and WebGPU) and against the unrolled equivalent, on every device of the harness.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const vals = (x: unknown): number[] => Array.from((x as NDArray).data as Float32Array, Number);
const f32 = (v: number[], shape: number[]): NDArray => new tf.NDArray(Float32Array.from(v), shape, 'float32');
const i32 = (v: number): Tensor => tf.constant(v, 'int32');
const iota = (n: number, k = 1): number[] => Array.from({ length: n }, (_, i) => (i + 1) * k);

for (const d of devices) {
  describe(`TensorArray on ${d.name}`, () => {
    const session = (g: tf.Graph): tf.Session => new tf.Session({ ...d.options, graph: g });

    it('write / read / stack / unstack / gather / scatter / concat / split / size', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [3, 2], 'x');
        const ta = new tf.TensorArray('float32', 3);
        const w = ta.write(2, tf.constant([5, 6])).write(0, [1, 2]);
        const u = new tf.TensorArray('float32', 3).unstack(x);
        const sc = new tf.TensorArray('float32', 4, { elementShape: [2] }).scatter([3, 1], tf.constant([[7, 8], [9, 10]]));
        const sp = new tf.TensorArray('float32', 2).split(tf.constant([1, 2, 3, 4]), [2, 2]);
        return {
          x, names: [w.flow.op.name, u.flow.op.name],
          outs: [w.stack(), w.read(2), u.gather([2, 0]), u.read(1), sc.stack(), u.concat(), sp.read(1), u.size(), sp.size()],
          shapes: [w.stack().shape, u.read(0).shape, sc.elementShape],
        };
      });
      expect(t.names).toEqual(['TensorArrayWrite_1/TensorArrayWriteV3', 'TensorArrayUnstack/TensorArrayScatterV3']);
      expect(t.shapes).toEqual([[3, 2], [2], [2]]);
      const s = session(g);
      const r = (await s.run(t.outs, new Map([[t.x, f32(iota(6), [3, 2])]]))) as NDArray[];
      expect(r.map((a) => a.shape)).toEqual([[3, 2], [2], [2, 2], [2], [4, 2], [6], [2], [], []]);
      expect(r.slice(0, 7).map(vals)).toEqual([[1, 2, 0, 0, 5, 6], [5, 6], [5, 6, 1, 2], [3, 4], [0, 0, 9, 10, 0, 0, 7, 8], iota(6), [3, 4]]);
      expect([Number(r[7]!.data[0]), Number(r[8]!.data[0])]).toEqual([3, 2]);
      await s.close();
    });

    it('in a whileLoop: per-step writes of a function of the reads; a dynamicSize array growing each iteration', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [null, 2], 'x');
        const n = tf.index(tf.shape(x), 0);
        const inp = new tf.TensorArray('float32', n).unstack(x);
        const [, acc, out] = tf.whileLoop(
          (i: Tensor) => tf.less(i, n),
          (i: Tensor, a: Tensor, ta: tf.TensorArray) => {
            const a2 = tf.add(a, inp.read(i));
            return [tf.add(i, 1), a2, ta.write(i, tf.multiply(a2, 2))];
          },
          [i32(0), tf.zeros([2]), new tf.TensorArray('float32', n)],
        ) as [Tensor, Tensor, tf.TensorArray];
        const [, grown] = tf.whileLoop(
          (i: Tensor) => tf.less(i, 4),
          (i: Tensor, ta: tf.TensorArray) => [tf.add(i, 1), ta.write(i, tf.multiply(tf.ones([2]), tf.cast(tf.square(i), 'float32')))],
          [i32(0), new tf.TensorArray('float32', 0, { dynamicSize: true })],
        ) as [Tensor, tf.TensorArray];
        return { x, outs: [acc, out.stack(), grown.stack(), grown.size()] };
      });
      const s = session(g);
      for (const rowsN of [3, 1]) {
        const xv = iota(2 * rowsN);
        const r = (await s.run(t.outs, new Map([[t.x, f32(xv, [rowsN, 2])]]))) as NDArray[];
        const cum: number[] = [];
        let a = [0, 0];
        for (let k = 0; k < rowsN; k++) {
          a = [a[0]! + xv[2 * k]!, a[1]! + xv[2 * k + 1]!];
          cum.push(2 * a[0]!, 2 * a[1]!);
        }
        expect(vals(r[0])).toEqual(a);
        expect(r[1]!.shape).toEqual([rowsN, 2]);
        expect(vals(r[1])).toEqual(cum);
        expect(vals(r[2])).toEqual([0, 0, 1, 1, 4, 4, 9, 9]);
        expect(Number(r[3]!.data[0])).toBe(4);
      }
      await s.close();
    });

    it("TF1's errors", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const ta = new tf.TensorArray('float32', 3);
        expect(() => ta.write(0, [1, 2]).write(1, [1, 2, 3])).toThrow('Inconsistent shapes: saw (3,) but expected (2,) (and infer_shape=True)');
        expect(() => new tf.TensorArray('float32', 2).write(0, tf.constant([1, 2], 'int32'))).toThrow('TensorArray dtype is float32 but Op is trying to write dtype int32');
        expect(() => new tf.TensorArray('float32')).toThrow('Size must be provided if handle is not provided');
        return {
          over: new tf.TensorArray('float32', 3).write(3, [1]).stack(),
          unread: new tf.TensorArray('float32', 3).read(1),
          outside: new tf.TensorArray('float32', 2).unstack([[1], [2]]).read(5),
        };
      });
      const s = session(g);
      await expect(s.run(t.over)).rejects.toThrow('Tried to write to index 3 but array is not resizeable and size is: 3');
      await expect(s.run(t.unread)).rejects.toThrow('Could not read from TensorArray index 1 because it has not yet been written to.');
      await expect(s.run(t.outside)).rejects.toThrow('Tried to read from index 5 but array size is: 2');
      await s.close();
    });
  });
}

/** A TensorArray loop over x's rows: out[i] = tanh(x[i]·y + out[i-1]), stacked. */
function taLoop(x: Tensor, y: Tensor): Tensor {
  const n = x.shape![0]!;
  const inp = new tf.TensorArray(x.dtype, n).unstack(x);
  const [, , out] = tf.whileLoop(
    (i: Tensor) => tf.less(i, n),
    (i: Tensor, prev: Tensor, ta: tf.TensorArray) => {
      const v = tf.tanh(tf.add(tf.multiply(inp.read(i), y), prev));
      return [tf.add(i, 1), v, ta.write(i, v)];
    },
    [i32(0), tf.zerosLike(y), new tf.TensorArray(x.dtype, n)],
  ) as [Tensor, Tensor, tf.TensorArray];
  return out.stack();
}

const CASES: GradCase[] = [
  { name: 'unstack → whileLoop reads and writes → stack', ins: [{ shape: [3, 2] }, { shape: [2] }], f: (x, y) => taLoop(x, y) },
  {
    name: 'scatter, gather, one index read twice (the gradients add up)',
    ins: [{ shape: [2, 3] }],
    f: (x) => {
      const ta = new tf.TensorArray(x.dtype, 4).scatter([3, 0], x);
      return [ta.gather([0, 3, 0]), tf.multiply(ta.read(3), ta.read(3))];
    },
  },
  {
    name: 'dynamicSize writes in a loop, concat; split',
    ins: [{ shape: [2] }, { shape: [4] }],
    f: (x, z) => {
      const [, ta] = tf.whileLoop(
        (i: Tensor) => tf.less(i, 3),
        (i: Tensor, a: tf.TensorArray) => [tf.add(i, 1), a.write(i, tf.sin(tf.multiply(x, tf.cast(tf.add(i, 1), x.dtype))))],
        [i32(0), new tf.TensorArray(x.dtype, 1, { dynamicSize: true })],
      ) as [Tensor, tf.TensorArray];
      const sp = new tf.TensorArray(x.dtype, 2).split(z, [2, 2]);
      return [tf.reshape(ta.concat(), [6]), tf.multiply(sp.read(1), sp.read(0))];
    },
  },
];

describeGradients('finite-difference gradients through TensorArrays', CASES, devices);

describe('TensorArray loop against the unrolled equivalent', () => {
  it('same values and gradients as the unrolled ops (float64)', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.placeholder('float64', [4, 3], 'x');
      const y = tf.placeholder('float64', [3], 'y');
      const looped = taLoop(x, y);
      const rowsX = tf.unstack(x) as Tensor[];
      let prev = tf.zerosLike(y);
      const outs: Tensor[] = [];
      for (const r of rowsX) {
        prev = tf.tanh(tf.add(tf.multiply(r, y), prev));
        outs.push(prev);
      }
      const unrolled = tf.stack(outs);
      const w = tf.constant(new tf.NDArray(Float64Array.from({ length: 12 }, (_, i) => Math.cos(i)), [4, 3], 'float64'));
      return { x, y, looped, unrolled, gl: tf.gradients(tf.reduceSum(tf.multiply(looped, w)), [x, y]) as Tensor[], gu: tf.gradients(tf.reduceSum(tf.multiply(unrolled, w)), [x, y]) as Tensor[] };
    });
    const s = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    const feeds = new Map<Tensor, NDArray>([
      [t.x, new tf.NDArray(Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)), [4, 3], 'float64')],
      [t.y, new tf.NDArray(Float64Array.of(0.7, -1.2, 0.4), [3], 'float64')],
    ]);
    const [l, u, glx, gly, gux, guy] = (await s.run([t.looped, t.unrolled, ...t.gl, ...t.gu], feeds)) as NDArray[];
    expect(Array.from(l!.data)).toEqual(Array.from(u!.data));
    Array.from(gux!.data).forEach((v, i) => expect(Number(glx!.data[i])).toBeCloseTo(Number(v), 12));
    Array.from(guy!.data).forEach((v, i) => expect(Number(gly!.data[i])).toBeCloseTo(Number(v), 12));
    await s.close();
  });
});
