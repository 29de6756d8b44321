/**
 * The dtypes beyond float32/int32/bool on every device: TF's Cast semantics, arithmetic,
 * comparisons and reductions of int8/uint8/int16/uint16/int64/float16 against a float64
 * reference (wrapping and half rounding computed independently, in reference.ts), argmax's
 * int64 default end to end (the MNIST accuracy idiom), string tensors, and integer feed checks.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { DType, NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './harness.js';
import { castTo, coerceTo, halfRound } from './reference.js';

registerSkipSummary();
const devices = await resolvedDevices();

const INTS: DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'int64'];
const SMALL: DType[] = ['int8', 'uint8', 'int16', 'uint16'];
const RANGE: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647],
  int64: [-(2 ** 31), 2 ** 31 - 1], // what every device holds (WebGPU: 32-bit)
};

/** Numbers of the result (float16 decoded, bool as 0/1). */
function nums(a: NDArray): number[] {
  const flat = (a.shape.length === 0 ? [a.toArray()] : (a.toArray() as unknown[]).flat(Infinity)) as (number | boolean)[];
  return flat.map(Number);
}

function seq(seed: number, n: number, lo: number, hi: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return lo + (s % (hi - lo + 1));
  });
}

for (const dev of devices) {
  describe(`dtypes [${dev.name}]`, () => {
    type Built = tf.Tensor[] | { fetches: tf.Tensor[]; feeds: [tf.Tensor, unknown][] };
    const withSession = async (ctx: { skip: (note?: string) => never }, build: () => Built): Promise<NDArray[]> => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const built = g.asDefault(build);
      const { fetches, feeds } = Array.isArray(built) ? { fetches: built, feeds: [] } : built;
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        return (await sess.run(fetches, feeds as never)) as NDArray[];
      } finally {
        await sess.close();
      }
    };

    it('cast float32 → every dtype: truncation toward zero, saturation, NaN → 0, half rounding', async (ctx) => {
      const xs = [0, -0.5, 0.5, 2.9, -3.7, 127.5, 128, -129, 255.9, 256, -1, 32767.5, 40000, 65535, 70000, 2147483000, -2147483000, NaN, 1e-5, 65504, 65519, 65520, 1.0009765625 + 2 ** -11];
      const targets = ([...SMALL, 'int32', 'int64', 'float16', 'float64', 'bool'] as DType[]).filter((d) => d !== 'float64' || dev.caps.float64);
      const outs = await withSession(ctx, () => {
        const x = tf.constant(xs, tf.float32);
        return targets.map((d) => tf.cast(x, d));
      });
      targets.forEach((d, k) => {
        const want = xs.map((v) => (d === 'bool' ? (v !== 0 ? 1 : 0) : castTo(Math.fround(v), d, 'float32')));
        expect(outs[k]!.dtype).toBe(d);
        expect(nums(outs[k]!), `float32 → ${d}`).toEqual(want);
      });
    });

    it('cast between integer dtypes wraps as C++ does; bool and float16 round trips', async (ctx) => {
      const xs = [-129, -128, -1, 0, 1, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 70000, -70000];
      const outs = await withSession(ctx, () => {
        const x = tf.constant(xs, tf.int32);
        const small = SMALL.map((d) => tf.cast(x, d));
        return [
          ...small,
          ...small.map((t) => tf.cast(t, 'int32')),
          tf.cast(tf.cast(x, 'int8'), 'uint8'),
          tf.cast(tf.cast(x, 'float16'), 'int32'),
          tf.cast(tf.cast(x, 'int16'), 'bool'),
          tf.cast(tf.cast(x, 'int64'), 'int16'),
        ];
      });
      SMALL.forEach((d, k) => {
        expect(nums(outs[k]!), `int32 → ${d}`).toEqual(xs.map((v) => coerceTo(v, d)));
        expect(nums(outs[SMALL.length + k]!), `${d} → int32`).toEqual(xs.map((v) => coerceTo(v, d)));
      });
      const n = 2 * SMALL.length;
      expect(nums(outs[n]!)).toEqual(xs.map((v) => coerceTo(coerceTo(v, 'int8'), 'uint8')));
      expect(nums(outs[n + 1]!)).toEqual(xs.map((v) => castTo(halfRound(v), 'int32', 'float16')));
      expect(nums(outs[n + 2]!)).toEqual(xs.map((v) => (coerceTo(v, 'int16') !== 0 ? 1 : 0)));
      expect(nums(outs[n + 3]!)).toEqual(xs.map((v) => coerceTo(v, 'int16')));
    });

    for (const d of [...SMALL, 'int64'] as DType[]) {
      // TF 1.15 registers Maximum/Minimum for int32/int64 only (not the small ints), and Add for
      // every int but uint16 (its op def lacks it; Sub, Mul and FloorDiv have it)
      const minmax = d === 'int64';
      const hasAdd = d !== 'uint16';
      it(`${d}: add, sub, mul, floorDiv${minmax ? ', maximum, minimum' : ''}, reductions and comparisons wrap and compare like TF`, async (ctx) => {
        const [lo, hi] = RANGE[d]!;
        // int64 values stay far from 32 bits so the checked WebGPU device computes them too
        const [a, b] = d === 'int64' ? [seq(3, 24, -40000, 40000), seq(4, 24, -40000, 40000)] : [seq(1, 24, lo, hi), seq(2, 24, lo, hi)];
        const bNonZero = b.map((v) => (v === 0 ? 1 : v));
        const outs = await withSession(ctx, () => {
          const x = tf.constant(a, d, [4, 6]);
          const y = tf.constant(bNonZero, d, [4, 6]);
          if (!minmax) {
            for (const op of [tf.maximum, tf.minimum]) {
              expect(() => op(x, y)).toThrow(`Value passed to parameter 'x' has DataType ${d} not in list of allowed values: bfloat16, float16, float32, float64, int32, int64`);
            }
          }
          if (!hasAdd) expect(() => tf.add(x, y)).toThrow(/parameter 'x' has DataType uint16 not in list of allowed values: bfloat16, float16, float32, float64, uint8, int8, int16, int32, int64, complex64, complex128, string$/);
          // stand-ins keep the fetch positions: the checks below skip them
          return [
            hasAdd ? tf.add(x, y) : x, tf.subtract(x, y), tf.multiply(x, y), tf.floorDiv(x, y), minmax ? tf.maximum(x, y) : x, minmax ? tf.minimum(x, y) : x,
            tf.reduceSum(x, 1), tf.reduceMax(x, 0), tf.reduceMin(x, 0), tf.reduceMean(x, 1),
            tf.equal(x, y), tf.less(x, y), tf.greaterEqual(x, tf.constant(a[0]!, d)),
            tf.argmax(x, 1), tf.argmin(x, 0, { outputType: tf.int32 }),
          ];
        });
        const w = (v: number): number => (d === 'int64' ? v : coerceTo(v, d));
        const zip = (f: (p: number, q: number) => number): number[] => a.map((p, i) => w(f(p, bNonZero[i]!)));
        const row = (f: (r: number[]) => number): number[] => [0, 1, 2, 3].map((r) => f(a.slice(r * 6, r * 6 + 6)));
        const col = (f: (c: number[]) => number): number[] => [0, 1, 2, 3, 4, 5].map((c) => f([0, 1, 2, 3].map((r) => a[r * 6 + c]!)));
        const check = (k: number, want: number[], what: string, dtype: DType = d): void => {
          expect(outs[k]!.dtype, what).toBe(dtype);
          expect(nums(outs[k]!), what).toEqual(want);
        };
        if (hasAdd) check(0, zip((p, q) => p + q), 'add');
        check(1, zip((p, q) => p - q), 'sub');
        check(2, zip((p, q) => p * q), 'mul');
        check(3, zip((p, q) => Math.floor(p / q)), 'floorDiv');
        if (minmax) {
          check(4, zip(Math.max), 'maximum');
          check(5, zip(Math.min), 'minimum');
        }
        // sums wrap in the dtype, then the mean truncates toward zero
        check(6, row((r) => w(r.reduce((s, v) => s + v, 0))), 'reduceSum');
        check(7, col((c) => Math.max(...c)), 'reduceMax');
        check(8, col((c) => Math.min(...c)), 'reduceMin');
        check(9, row((r) => w(Math.trunc(w(r.reduce((s, v) => s + v, 0)) / 6))), 'reduceMean');
        check(10, a.map((p, i) => (p === bNonZero[i] ? 1 : 0)), 'equal', 'bool');
        check(11, a.map((p, i) => (p < bNonZero[i]! ? 1 : 0)), 'less', 'bool');
        check(12, a.map((p) => (p >= a[0]! ? 1 : 0)), 'greaterEqual', 'bool');
        check(13, row((r) => r.indexOf(Math.max(...r))), 'argmax', 'int64');
        check(14, col((c) => c.indexOf(Math.min(...c))), 'argmin', 'int32');
      });
    }

    it('float16: arithmetic rounds each result to half precision (through float32)', async (ctx) => {
      const a = [0.1, 1.5, -2.25, 1000.3, 60000, 3.14159, 1e-6, -7.77];
      const b = [0.2, 1.0009765625, 4.5, 0.7, 10000, 2.71828, 3e-6, 0.01];
      const outs = await withSession(ctx, () => {
        const x = tf.constant(a, 'float16');
        const y = tf.constant(b, 'float16');
        return [x, tf.add(x, y), tf.multiply(x, y), tf.subtract(x, y), tf.reduceSum(x), tf.greater(x, y), tf.argmax(x), tf.square(y)];
      });
      const h = a.map(halfRound);
      const k = b.map(halfRound);
      const f = (g: (p: number, q: number) => number): number[] => h.map((p, i) => halfRound(g(p, k[i]!)));
      expect(outs[0]!.dtype).toBe('float16');
      expect(nums(outs[0]!)).toEqual(h);
      expect(nums(outs[1]!)).toEqual(f((p, q) => Math.fround(p + q)));
      expect(nums(outs[2]!)).toEqual(f((p, q) => Math.fround(p * q)));
      expect(nums(outs[3]!)).toEqual(f((p, q) => Math.fround(p - q)));
      const sum = halfRound(h.reduce((s, v) => s + v, 0));
      expect(Math.abs(nums(outs[4]!)[0]! - sum)).toBeLessThanOrEqual(Math.abs(sum) * 2 ** -10);
      expect(nums(outs[5]!)).toEqual(h.map((p, i) => (p > k[i]! ? 1 : 0)));
      expect(nums(outs[6]!)).toEqual([h.indexOf(Math.max(...h))]);
      expect(nums(outs[7]!)).toEqual(k.map((q) => halfRound(Math.fround(q * q))));
    });

    it('argmax returns int64 by default: the MNIST accuracy idiom, int64 labels, casts and reductions', async (ctx) => {
      const logits = [[0.1, 2, 0.3], [5, 1, 2], [0, 0, 9], [1, 1, 0]];
      const onehot = [[0, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0]];
      const outs = await withSession(ctx, () => {
        const y = tf.placeholder(tf.float32, [null, 3]);
        const labels = tf.constant(onehot, tf.float32);
        const labelsInt64 = tf.placeholder(tf.int64, [null], 'labels');
        const pred = tf.argmax(y, 1);
        expect(pred.dtype).toBe('int64');
        expect(tf.argMax(y, 1).dtype).toBe('int64');
        expect(tf.argMin(y, 1).dtype).toBe('int64');
        expect(tf.argmin(y, { axis: 1, outputType: tf.int32 }).dtype).toBe('int32');
        const correct = tf.equal(tf.argmax(y, 1), tf.argmax(labels, 1));
        const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
        return {
          fetches: [
            accuracy, correct, tf.equal(pred, labelsInt64), tf.cast(pred, tf.float32), tf.reduceSum(pred), tf.reduceMax(pred),
            tf.reduceMean(pred), tf.add(pred, tf.constant(10, tf.int64)), tf.toInt32(pred), tf.toInt64(tf.constant([2.9, -2.9])),
          ],
          feeds: [[y, logits], [labelsInt64, [1, 2, 2, 1]]],
        };
      });
      // argmax rows [1, 0, 2, 0] (the tie [1, 1, 0] takes the first index, as TF's CPU kernel)
      // against labels [1, 2, 2, 0]: 3 of 4 agree
      expect(nums(outs[0]!)).toEqual([0.75]);
      expect(outs[1]!.toArray()).toEqual([true, false, true, true]);
      expect(outs[2]!.toArray()).toEqual([true, false, true, false]);
      expect(outs[3]!.dtype).toBe('float32');
      expect(nums(outs[3]!)).toEqual([1, 0, 2, 0]);
      expect(outs[4]!.dtype).toBe('int64');
      expect(nums(outs[4]!)).toEqual([3]);
      expect(nums(outs[5]!)).toEqual([2]);
      expect(nums(outs[6]!)).toEqual([0]); // 3 / 4 truncates
      expect(nums(outs[7]!)).toEqual([11, 10, 12, 10]);
      expect(outs[8]!.dtype).toBe('int32');
      expect(nums(outs[9]!)).toEqual([2, -2]);
    });

    it('string constants, placeholders, feeds, equal, join and length (a WebGPU session runs them on the CPU)', async (ctx) => {
      const outs = await withSession(ctx, () => {
        const hello = tf.constant('Hello, TensorFlow!');
        const words = tf.placeholder(tf.string, [null]);
        return {
          fetches: [
            hello, words, tf.equal(words, tf.constant('b')), tf.notEqual(words, words), tf.strings.join([words, 'x'], '-'),
            tf.strings.length(words), tf.strings.length(words, { unit: 'UTF8_CHAR' }), tf.identity(tf.reshape(words, [1, -1])),
            tf.gather(words, tf.constant([2, 0], tf.int32)), tf.add(words, words),
          ],
          feeds: [[words, ['a', 'b', 'héllo']]],
        };
      });
      expect(outs[0]!.dtype).toBe('string');
      expect(outs[0]!.toArray()).toBe('Hello, TensorFlow!');
      expect(String(outs[0])).toBe("b'Hello, TensorFlow!'");
      expect(outs[1]!.toArray()).toEqual(['a', 'b', 'héllo']);
      expect([...(outs[1] as NDArray<'string'>).data[2]!]).toEqual([104, 0xc3, 0xa9, 108, 108, 111]);
      expect(outs[2]!.toArray()).toEqual([false, true, false]);
      expect(outs[3]!.toArray()).toEqual([false, false, false]);
      expect(outs[4]!.toArray()).toEqual(['a-x', 'b-x', 'héllo-x']);
      expect(outs[5]!.toArray()).toEqual([1, 1, 6]);
      expect(outs[6]!.toArray()).toEqual([1, 1, 5]);
      expect(outs[7]!.toArray()).toEqual([['a', 'b', 'héllo']]);
      expect(outs[8]!.toArray()).toEqual(['héllo', 'a']);
      expect(outs[9]!.toArray()).toEqual(['aa', 'bb', 'héllohéllo']);
    });

    it('integer feeds out of range or non-finite are InvalidArgumentErrors naming the tensor', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const ph = g.asDefault(() => INTS.map((d) => tf.placeholder(d, [null], `x_${d}`)));
      const sess = new tf.Session({ ...dev.options, graph: g });
      const fails = async (k: number, value: unknown): Promise<Error> => {
        try {
          await sess.run(ph[k]!, [[ph[k]!, value]] as never);
        } catch (e) {
          return e as Error;
        }
        throw new Error(`feeding ${String(value)} to ${INTS[k]} did not fail`);
      };
      try {
        for (const [k, d] of INTS.entries()) {
          const [lo, hi] = d === 'int64' ? [-(2 ** 53), 2 ** 53] : RANGE[d]!;
          for (const bad of [[hi + 1], [lo - 1], [NaN], [Infinity], new Float32Array([NaN]), new tf.NDArray(new Float64Array([hi + 1]), [1])]) {
            const e = await fails(k, bad);
            expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
            expect(e.message).toContain(`'x_${d}:0'`);
            expect((e as tf.errors.OpError).op).toBe(`x_${d}`);
          }
          // in range: fractions truncate toward zero, as numpy's asarray does
          const ok = (await sess.run(ph[k]!, [[ph[k]!, [lo === 0 ? 1.9 : -1.9, 2.5]]] as never)) as NDArray;
          expect(nums(ok)).toEqual([lo === 0 ? 1 : -1, 2]);
        }
        const e = await fails(4, [2 ** 31]);
        expect(e.message.split('\n')[0]).toBe(
          "Type of feed value 2147483648 with type number is not compatible with Tensor type int32 of 'x_int32:0' (2147483648 is out of range for int32 [-2147483648, 2147483647]). Try explicitly setting the type of the feed tensor to a larger type (e.g. int64).",
        );
      } finally {
        await sess.close();
      }
    });

    it('ops without a kernel for a dtype fail at build time with TF\'s text', () => {
      new tf.Graph().asDefault(() => {
        const s = tf.constant(['a']);
        const i8 = tf.constant([1], tf.int8);
        expect(() => tf.sqrt(tf.constant([4], tf.int32))).toThrow(
          "Value passed to parameter 'x' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64, complex64, complex128",
        );
        expect(() => tf.matmul(tf.constant([[1]], tf.int8), tf.constant([[1]], tf.int8))).toThrow(/parameter 'a' has DataType int8 not in list/);
        expect(() => tf.multiply(s, s)).toThrow(/DataType string not in list/);
        expect(() => tf.reduceSum(s)).toThrow(/DataType string not in list/);
        expect(() => tf.argmax(tf.constant([true]))).toThrow(/parameter 'input' has DataType bool not in list/);
        expect(() => tf.argmax(i8, { outputType: tf.float32 })).toThrow(
          "Value passed to parameter 'output_type' has DataType float32 not in list of allowed values: int32, int64",
        );
        expect(() => tf.negative(tf.constant([1], tf.uint8))).toThrow(/DataType uint8 not in list/);
        expect(tf.add(i8, i8).dtype).toBe('int8');
      });
    });
  });
}

describe('dtypes on the WebGPU device', async () => {
  const gpu = devices.find((d) => d.name === 'webgpu');
  it('holds int64 as checked 32-bit values: uploads, casts and add/mul that leave the range fail clearly', async (ctx) => {
    if (!gpu || gpu.skipReason) skipTest(ctx, 'no WebGPU device in this run');
    const g = new tf.Graph();
    const [big, sum, prod, castBig, fed] = g.asDefault(() => {
      const c = tf.constant([2 ** 30, 1], tf.int64);
      return [tf.identity(tf.constant([2 ** 33], tf.int64)), tf.add(c, c), tf.multiply(c, tf.constant([4, 1], tf.int64)), tf.cast(tf.constant([3e9]), tf.int64), tf.placeholder(tf.int64, [1])];
    });
    const sess = new tf.Session({ ...gpu!.options, graph: g });
    try {
      for (const [t, feeds] of [[big], [sum], [prod], [castBig], [fed, [[fed, [2 ** 32]]]]] as [tf.Tensor, unknown?][]) {
        const e = await sess.run(t!, feeds as never).then(() => null, (x: Error) => x);
        expect(e, t!.name).toBeInstanceOf(tf.errors.OpError);
        expect(e!.message).toMatch(/WebGPU device.*32-bit/);
      }
      // within 32 bits, the same graph computes
      const within = g.asDefault(() => tf.add(tf.constant([2 ** 29], tf.int64), tf.constant([2 ** 29], tf.int64)));
      expect(((await sess.run(within)) as NDArray).toArray()).toEqual([2 ** 30]);
    } finally {
      await sess.close();
    }
  });
});
