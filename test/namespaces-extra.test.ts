/**
 * TF 1.15 names added to tf.math, tf.linalg, tf.signal, tf.bitwise, tf.manip, tf.dtypes, tf.queue,
 * tf.io and tf: cumulativeLogsumexp, multiplyNoNan, nextafter, reciprocalNoNan,
 * reduceEuclideanNorm, matvec, normalize, matrixRank, tridiagonalMatmul, fftshift / ifftshift, the
 * bitwise ops, repeat, bitcast, gradPassThrough, recomputeGrad, DeviceSpec and colocateWith.
 * Reference values are numpy's (np.logaddexp.accumulate, np.nextafter, np.linalg.matrix_rank,
 * np.fft.fftshift, np.repeat, ndarray.view, np.left_shift on the clamped shift of TF's kernel, …),
 * computed in float64 and written here; gradients by central finite differences (float64, CPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type GradCase, checkGradients } from './support/grad-check.js';
import { expectNear as near } from './support/compare.js';

async function run<T>(build: () => T, feeds?: [Tensor, unknown][]): Promise<T extends Tensor ? NDArray : Record<string, NDArray>> {
  const g = new tf.Graph();
  const fetches = g.asDefault(build);
  const s = new tf.Session({ graph: g });
  try {
    return (await s.run(fetches as never, feeds as never)) as never;
  } finally {
    await s.close();
  }
}
const vals = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const f64 = (v: number[], shape: number[]) => tf.constant(new tf.NDArray(Float64Array.from(v), shape, 'float64'));
const grad = (c: GradCase) => checkGradients(c, 'float64', {});

// np.logaddexp.accumulate of X along each configuration
const X = [0.5, -1.2, 3.0, 2.2, -0.3, 0.8, -2.5, 1.1];
const CLE1 = [0.5, 0.667786029386266, 3.0926526293198564, 3.4359358177765564, -0.3, 1.087335325115431, 1.114631344990119, 1.800489612348345];
const CLE0R = [0.8711006659477777, 0.9269280110429725, 3.0040784432705707, 2.487335325115431, -0.3, 0.8, -2.5, 1.1];
const CLE1XR = [3.3813940719398987, 3.371100665947778, 2.2, -1.7976931348623157e308, 1.66992924556805, 1.1269570930082082, 1.1, -1.7976931348623157e308];

describe('tf.math additions', () => {
  it('cumulativeLogsumexp: inclusive, reverse, exclusive (an empty prefix is lowest(), as TF 1.15)', async () => {
    const r = await run(() => {
      const x = f64(X, [2, 4]);
      return {
        a: tf.math.cumulativeLogsumexp(x, 1),
        b: tf.math.cumulativeLogsumexp(x, { axis: 0, reverse: true }),
        c: tf.math.cumulativeLogsumexp(x, 1, true, true),
        d: tf.math.cumulativeLogsumexp(tf.constant([1000, 1000, -1000], 'float32')),
        e: tf.math.cumulativeLogsumexp(tf.constant([2], 'float32'), 0, true),
      };
    });
    near(r.a, CLE1, 1e-12, 'inclusive', [2, 4]);
    near(r.b, CLE0R, 1e-12, 'reverse axis 0');
    expect(vals(r.c)[3]).toBe(-Number.MAX_VALUE);
    expect(vals(r.c)[7]).toBe(-Number.MAX_VALUE);
    near(r.c, CLE1XR.map((v) => (v < -1e300 ? 0 : v)).map((v, i) => (i === 3 || i === 7 ? -Number.MAX_VALUE : v)), 1e-12, 'exclusive reverse');
    // no overflow: 1000 + log 2 (float32)
    near(r.d, [1000, 1000.6931471805599, 1000.6931471805599], 1e-6, 'large values');
    expect(vals(r.e)).toEqual([-3.4028234663852886e38]);
  });

  it('cumulativeLogsumexp: TF op, axis check and dtype check', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const y = tf.math.cumulativeLogsumexp(tf.zeros([2, 3]), 1);
      expect(y.op.type).toBe('CumulativeLogsumexp');
      expect(() => tf.math.cumulativeLogsumexp(tf.zeros([2, 3]), 2)).toThrow('axis must be in the range [-2, 2), but got 2');
      expect(() => tf.math.cumulativeLogsumexp(tf.constant([1, 2], 'int32'))).toThrow(
        "Value passed to parameter 'x' has DataType int32 not in list of allowed values: float16, float32, float64",
      );
    });
  });

  it('cumulativeLogsumexp gradients (TF 1.15 _CumulativeLogsumexpGrad) match finite differences', async () => {
    await grad({ name: 'inclusive', ins: [{ shape: [2, 4] }], f: (x) => tf.math.cumulativeLogsumexp(x, 1) });
    await grad({ name: 'exclusive reverse', ins: [{ shape: [3, 2] }], f: (x) => tf.slice(tf.math.cumulativeLogsumexp(x, 0, true, true), [0, 0], [2, 2]) });
    await grad({ name: 'reverse', ins: [{ shape: [5] }], f: (x) => tf.math.cumulativeLogsumexp(x, { reverse: true }) });
  });

  it('multiplyNoNan: 0 where y is 0 even when x is NaN or inf; gradient; dtype check', async () => {
    const r = await run(() => tf.math.multiplyNoNan(tf.constant([NaN, 2, Infinity, -3]), tf.constant([0, 3, 0, 0.5])));
    expect(vals(r)).toEqual([0, 6, 0, -1.5]);
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.math.multiplyNoNan(tf.zeros([2]), tf.zeros([2])).op.type).toBe('MulNoNan');
      expect(() => tf.math.multiplyNoNan(tf.zeros([2]), tf.zeros([2], 'float64'))).toThrow('x and y must have the same dtype, got float32 != float64');
    });
    await grad({ name: 'multiplyNoNan', ins: [{ shape: [2, 3] }, { shape: [3], gen: 'away' }], f: (x, y) => tf.math.multiplyNoNan(x, y) });
    // the gradients are mul_no_nan(dy, y) and mul_no_nan(x, dy): no NaN from an infinite x where y is 0
    const d = await run(() => {
      const x = tf.constant([Infinity, 2]);
      const y = tf.constant([0, 3]);
      const [dx, dy] = tf.gradients(tf.math.multiplyNoNan(x, y), [x, y]);
      return { dx: dx as Tensor, dy: dy as Tensor };
    });
    expect(vals(d.dx)).toEqual([0, 3]);
    expect(vals(d.dy)).toEqual([Infinity, 2]);
  });

  it('nextafter in float32 and float64 (numpy goldens), its gradient passes to x1 only', async () => {
    const r = await run(() => ({
      a: tf.math.nextafter(tf.constant([1, 0, -1, 3.5, 2], 'float32'), tf.constant([2, -1, -2, 0, 2], 'float32')),
      b: tf.math.nextafter(f64([1, 0, -1, 3.5], [4]), f64([2, -1, -2, 0], [4])),
      c: tf.math.nextafter(tf.constant([NaN, 1], 'float32'), tf.constant([1, NaN], 'float32')),
    }));
    expect(vals(r.a)).toEqual([1.0000001192092896, -1.401298464324817e-45, -1.0000001192092896, 3.499999761581421, 2.0]);
    expect(vals(r.b)).toEqual([1.0000000000000002, -5e-324, -1.0000000000000002, 3.4999999999999996]);
    expect(vals(r.c).every(Number.isNaN)).toBe(true);
    const d = await run(() => {
      const x1 = tf.constant([[1, 2], [3, 4]]);
      const x2 = tf.constant([0, 9]);
      const [g1, g2] = tf.gradients(tf.reduceSum(tf.multiply(tf.math.nextafter(x1, x2), [[1, 2], [3, 4]])), [x1, x2]);
      return { g1: g1 as Tensor, g2: g2 as Tensor };
    });
    expect(vals(d.g1)).toEqual([1, 2, 3, 4]);
    expect(vals(d.g2)).toEqual([0, 0]);
    const g = new tf.Graph();
    g.asDefault(() => expect(() => tf.math.nextafter(tf.constant([1], 'int32'), tf.constant([1], 'int32'))).toThrow(
      "Value passed to parameter 'x1' has DataType int32 not in list of allowed values: float64, float32",
    ));
  });

  it('reciprocalNoNan: 1/x and 0 at 0; gradient away from 0', async () => {
    const r = await run(() => tf.math.reciprocalNoNan(tf.constant([0, 2, -4, 0.5])));
    expect(vals(r)).toEqual([0, 0.5, -0.25, 2]);
    await grad({ name: 'reciprocalNoNan', ins: [{ shape: [4], gen: 'away' }], f: (x) => tf.math.reciprocalNoNan(x) });
  });

  it('reduceEuclideanNorm: axes, keepdims, integers truncated, gradient', async () => {
    const r = await run(() => {
      const a = f64([1, -2, 3, 4, 0, -1], [2, 3]);
      return {
        rows: tf.math.reduceEuclideanNorm(a, 1),
        all: tf.math.reduceEuclideanNorm(a),
        kept: tf.math.reduceEuclideanNorm(a, { axis: 0, keepdims: true }),
        ints: tf.math.reduceEuclideanNorm(tf.constant([[3, 4], [1, 1]], 'int32'), 1),
      };
    });
    near(r.rows, [3.7416573867739413, 4.123105625617661], 1e-14, 'rows', [2]);
    near(r.all, [5.5677643628300215], 1e-14, 'all', []);
    near(r.kept, [Math.sqrt(17), 2, Math.sqrt(10)], 1e-14, 'kept', [1, 3]);
    expect(vals(r.ints)).toEqual([5, 1]);
    await grad({ name: 'reduceEuclideanNorm axis 1', ins: [{ shape: [2, 3] }], f: (x) => tf.math.reduceEuclideanNorm(x, 1) });
    await grad({ name: 'reduceEuclideanNorm all, keepdims', ins: [{ shape: [3, 2] }], f: (x) => tf.math.reduceEuclideanNorm(x, null, true) });
  });

  it('aliases: mod is floormod, isNonDecreasing / isStrictlyIncreasing as tf.*', async () => {
    expect(tf.math.mod).toBe(tf.floormod);
    expect(tf.math.isNonDecreasing).toBe(tf.isNonDecreasing);
    expect(tf.math.isStrictlyIncreasing).toBe(tf.isStrictlyIncreasing);
    const r = await run(() => ({ m: tf.math.mod(tf.constant([-7, 7]), tf.constant([3, -3])), n: tf.math.isNonDecreasing([1, 1, 2]), s: tf.math.isStrictlyIncreasing([1, 1, 2]) }));
    expect(vals(r.m)).toEqual([2, -2]);
    expect(vals(r.n)).toEqual([1]);
    expect(vals(r.s)).toEqual([0]);
  });
});

describe('tf.linalg additions', () => {
  // sup [2, −1, 3, (0)], main [1, 4, −2, 5], sub [(0), 3, 1, −1]; numpy: dense matrix @ rhs
  const SUP = [2, -1, 3, 0];
  const MAIN = [1, 4, -2, 5];
  const SUB = [0, 3, 1, -1];
  const DENSE = [1, 2, 0, 0, 3, 4, -1, 0, 0, 1, -2, 3, 0, 0, -1, 5];
  const RHS = [1, 2, 0, -1, 3, 1, -2, 4];
  const TM = [1.0, 0.0, 0.0, 1.0, -12.0, 9.0, -13.0, 19.0];

  it('tridiagonalMatmul in the compact, sequence and matrix formats', async () => {
    const r = await run(() => {
      const rhs = f64(RHS, [4, 2]);
      return {
        compact: tf.linalg.tridiagonalMatmul(f64([...SUP, ...MAIN, ...SUB], [3, 4]), rhs),
        sequence: tf.linalg.tridiagonalMatmul([f64(SUP, [4]), f64(MAIN, [4]), f64(SUB, [4])], rhs, 'sequence'),
        matrix: tf.linalg.tridiagonalMatmul(f64(DENSE, [4, 4]), rhs, { diagonalsFormat: 'matrix' }),
        batch: tf.linalg.tridiagonalMatmul(f64([...SUP, ...MAIN, ...SUB, ...MAIN, ...SUB, ...SUP], [2, 3, 4]), f64([...RHS, ...RHS], [2, 4, 2])),
      };
    });
    for (const k of ['compact', 'sequence', 'matrix'] as const) near(r[k], TM, 1e-14, k, [4, 2]);
    near(r.batch, [...TM, ...vals(r.batch).slice(8)], 0, 'batch 0', [2, 4, 2]);
    // second batch: sup = MAIN, main = SUB, sub = SUP: row i = MAIN[i]·rhs[i+1] + SUB[i]·rhs[i] + SUP[i]·rhs[i−1]
    const want: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) want.push((i < 3 ? MAIN[i]! * RHS[(i + 1) * 2 + j]! : 0) + SUB[i]! * RHS[i * 2 + j]! + (i > 0 ? SUP[i]! * RHS[(i - 1) * 2 + j]! : 0));
    near(r.batch, [...TM, ...want], 1e-14, 'batch');
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.linalg.tridiagonalMatmul(tf.zeros([3, 4]), tf.zeros([4, 2])).op.type).toBe('TridiagonalMatMul');
      expect(() => tf.linalg.tridiagonalMatmul(tf.zeros([3, 4]), tf.zeros([4, 2]), 'banded')).toThrow('Unrecognized diagonals_format: banded');
      expect(() => tf.linalg.tridiagonalMatmul(tf.zeros([4, 3]), tf.zeros([4, 2]), 'matrix')).toThrow('Expected last two dimensions of diagonals to be same, got 3 and 4');
      expect(() => tf.linalg.tridiagonalMatmul([tf.zeros([4]), tf.zeros([4])], tf.zeros([4, 2]), 'sequence')).toThrow('Expected diagonals to be a sequence of length 3.');
    });
  });

  it('tridiagonalMatmul gradients (TF _TridiagonalMatMulGrad) match finite differences', async () => {
    await grad({ name: 'compact', ins: [{ shape: [3, 4] }, { shape: [4, 2] }], f: (d, b) => tf.linalg.tridiagonalMatmul(d, b) });
    await grad({ name: 'matrix', ins: [{ shape: [2, 3, 3] }, { shape: [2, 3, 1] }], f: (d, b) => tf.linalg.tridiagonalMatmul(d, b, 'matrix') });
  });

  it('matvec, normalize, matrixRank, matrixTranspose', async () => {
    const r = await run(() => {
      const [n, nn] = tf.linalg.normalize(f64([3, 4, 0, 12], [2, 2]), 'euclidean', 1);
      const [n1] = tf.linalg.normalize(f64([1, -3], [2]), 1);
      return {
        mv: tf.linalg.matvec(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, 0, -1], [3])),
        mvt: tf.linalg.matvec(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, -1], [2]), { transposeA: true }),
        n, nn, n1,
        r1: tf.linalg.matrixRank(f64([1, 2, 2, 4], [2, 2])),
        rb: tf.linalg.matrixRank(f64([1, 2, 3, 4, 1, 2, 3, 2, 4, 6, 1, 0, 1, 0, 0, 0, 0, 0], [2, 3, 3])),
        rt: tf.linalg.matrixRank(f64([1, 0, 0, 1e-3], [2, 2]), 0.01),
        mt: tf.linalg.matrixTranspose(f64([1, 2, 3, 4, 5, 6], [1, 2, 3])),
      };
    });
    expect(vals(r.mv)).toEqual([-2, -2]);
    expect(vals(r.mvt)).toEqual([-3, -3, -3]);
    near(r.n, [0.6, 0.8, 0, 1], 1e-15, 'normalized', [2, 2]);
    near(r.nn, [5, 12], 1e-15, 'norm', [2, 1]);
    near(r.n1, [0.25, -0.75], 1e-15, 'ord 1');
    // numpy.linalg.matrix_rank: 1; [[1,2,3],[4,1,2],[3,2,4]] 3, [[6,1,0],[1,0,0],[0,0,0]] 2; with tol 0.01: 1
    expect(vals(r.r1)).toEqual([1]);
    expect(vals(r.rb)).toEqual([3, 2]);
    expect(vals(r.rt)).toEqual([1]);
    expect(vals(r.mt)).toEqual([1, 4, 2, 5, 3, 6]);
    await grad({ name: 'matvec', ins: [{ shape: [2, 2, 3] }, { shape: [2, 3] }], f: (a, b) => tf.linalg.matvec(a, b) });
  });
});

describe('tf.signal.fftshift / ifftshift', () => {
  it('match numpy.fft.fftshift / ifftshift', async () => {
    const r = await run(() => {
      const x = tf.constant(Int32Array.from({ length: 10 }, (_, i) => i), 'int32', [2, 5]);
      return { a: tf.signal.fftshift(x), b: tf.signal.fftshift(x, 1), c: tf.signal.ifftshift(x), d: tf.signal.ifftshift(tf.signal.fftshift(x, [0, 1]), [0, 1]) };
    });
    expect(vals(r.a)).toEqual([8, 9, 5, 6, 7, 3, 4, 0, 1, 2]);
    expect(vals(r.b)).toEqual([3, 4, 0, 1, 2, 8, 9, 5, 6, 7]);
    expect(vals(r.c)).toEqual([7, 8, 9, 5, 6, 2, 3, 4, 0, 1]);
    expect(vals(r.d)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('tf.bitwise', () => {
  it('and / or / xor / invert / shifts (TF clamps the shift to [0, bits − 1])', async () => {
    const r = await run(() => ({
      and: tf.bitwise.bitwiseAnd([12, -7, 255], [10, 6, 15]),
      or: tf.bitwise.bitwiseOr([12, -7, 255], [10, 6, 15]),
      xor: tf.bitwise.bitwiseXor([12, -7, 255], [10, 6, 15]),
      bc: tf.bitwise.bitwiseAnd(tf.constant([[1, 2], [3, 4]], 'int32'), 3),
      ls: tf.bitwise.leftShift(tf.constant([1, 1, -1, 5, 7, -8], 'int32'), tf.constant([3, 40, 2, -1, 31, 1], 'int32')),
      rs: tf.bitwise.rightShift(tf.constant([-16, 16, -1, 100, -128], 'int8'), tf.constant([2, 9, 3, -4, 7], 'int8')),
      rsu: tf.bitwise.rightShift(tf.constant([255, 128], 'uint8'), tf.constant([1, 7], 'uint8')),
      lsu: tf.bitwise.leftShift(tf.constant([255], 'uint8'), tf.constant([4], 'uint8')),
      inv8: tf.bitwise.invert(tf.constant([0, 5, 255], 'uint8')),
      inv32: tf.bitwise.invert([0, 5, -3]),
      inv16: tf.bitwise.invert(tf.constant([7], 'uint16')),
      and64: tf.bitwise.bitwiseAnd(tf.constant([2 ** 40 + 5, -1], 'int64'), tf.constant([2 ** 40 + 3, 2 ** 33], 'int64')),
    }));
    expect(vals(r.and)).toEqual([8, 0, 15]);
    expect(vals(r.or)).toEqual([14, -1, 255]);
    expect(vals(r.xor)).toEqual([6, -1, 240]);
    expect(vals(r.bc)).toEqual([1, 2, 3, 0]);
    expect(vals(r.ls)).toEqual([8, -2147483648, -4, 5, -2147483648, -16]);
    expect(vals(r.rs)).toEqual([-4, 0, -1, 100, -1]);
    expect(vals(r.rsu)).toEqual([127, 1]);
    expect(vals(r.lsu)).toEqual([240]);
    expect(vals(r.inv8)).toEqual([255, 250, 0]);
    expect(vals(r.inv32)).toEqual([-1, -6, 2]);
    expect(vals(r.inv16)).toEqual([65528]);
    expect(vals(r.and64)).toEqual([2 ** 40 + 1, 2 ** 33]);
    expect(r.and.dtype).toBe('int32');
  });

  it("TF's op types and dtype errors; no gradient", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.bitwise.leftShift([1], [2]).op.type).toBe('LeftShift');
      expect(tf.bitwise.invert([1]).op.type).toBe('Invert');
      expect(() => tf.bitwise.bitwiseAnd(tf.zeros([2]), tf.zeros([2]))).toThrow(
        "Value passed to parameter 'x' has DataType float32 not in list of allowed values: int8, int16, int32, int64, uint8, uint16, uint32, uint64",
      );
      expect(() => tf.bitwise.bitwiseOr(tf.constant([1], 'int32'), tf.constant([1], 'int64'))).toThrow(
        "Input 'y' of 'BitwiseOr' Op has type int64 that does not match type int32 of argument 'x'.",
      );
      expect(() => tf.bitwise.bitwiseXor(tf.zeros([2], 'int32'), tf.zeros([3], 'int32'))).toThrow('Dimensions must be equal, but are 2 and 3');
    });
  });
});

describe('tf.manip, tf.dtypes, tf.queue, tf.io aliases', () => {
  it('are the tf.* functions and classes', async () => {
    expect(tf.manip.reshape).toBe(tf.reshape);
    expect(tf.manip.tile).toBe(tf.tile);
    expect(tf.manip.roll).toBe(tf.roll);
    expect(tf.manip.reverse).toBe(tf.reverseV2);
    expect(tf.manip.gatherNd).toBe(tf.gatherNd);
    expect(tf.manip.scatterNd).toBe(tf.scatterNd);
    expect(tf.manip.spaceToBatchNd).toBe(tf.spaceToBatchNd);
    expect(tf.manip.batchToSpaceNd).toBe(tf.batchToSpaceNd);
    expect(tf.dtypes.cast).toBe(tf.cast);
    expect(tf.dtypes.saturateCast).toBe(tf.saturateCast);
    expect(tf.dtypes.complex).toBe(tf.complex);
    expect(tf.dtypes.asString).toBe(tf.asString);
    expect(tf.queue.FIFOQueue).toBe(tf.FIFOQueue);
    expect(tf.queue.PaddingFIFOQueue).toBe(tf.PaddingFIFOQueue);
    expect(tf.queue.RandomShuffleQueue).toBe(tf.RandomShuffleQueue);
    expect(tf.queue.QueueBase).toBe(tf.QueueBase);
    expect(tf.io.PaddingFIFOQueue).toBe(tf.PaddingFIFOQueue);
    expect(tf.io.RandomShuffleQueue).toBe(tf.RandomShuffleQueue);
    expect(tf.io.QueueBase).toBe(tf.QueueBase);
    const r = await run(() => tf.manip.reverse(tf.constant([[1, 2, 3]]), [1]));
    expect(vals(r)).toEqual([3, 2, 1]);
  });

  it('dtypes.asDType and DType: names, TF spellings and DataType enum values; TF errors', () => {
    expect(tf.dtypes.asDtype).toBe(tf.dtypes.asDType);
    expect(tf.dtypes.asDType('float')).toBe('float32');
    expect(tf.dtypes.asDType('double')).toBe('float64');
    expect(tf.dtypes.asDType('int64')).toBe('int64');
    expect(tf.dtypes.asDType(9)).toBe('int64');
    expect(tf.dtypes.asDType(7)).toBe('string');
    expect(tf.dtypes.DType(1)).toBe('float32');
    expect(tf.dtypes.DType(19)).toBe('float16');
    expect(() => tf.dtypes.asDType('floaty')).toThrow("Cannot convert value 'floaty' to a TensorFlow DType.");
    expect(() => tf.dtypes.asDType(999)).toThrow('Cannot convert value 999 to a TensorFlow DType.');
    expect(() => tf.dtypes.DType(999)).toThrow('type_enum is not a valid types_pb2.DataType: 999');
  });
});

describe('tf.repeat', () => {
  it('matches numpy.repeat: counts per slice, scalar counts, no axis (flattened)', async () => {
    const r = await run(() => ({
      a: tf.repeat(tf.constant([[1, 2], [3, 4], [5, 6]], 'int32'), [2, 0, 1], 0),
      b: tf.repeat(tf.constant([[1, 2], [3, 4]], 'int32'), [1, 3], 1),
      c: tf.repeat(tf.constant([[1, 2], [3, 4]], 'int32'), 2),
      d: tf.repeat(tf.constant([[1, 2], [3, 4]], 'int32'), 2, { axis: -1 }),
      e: tf.repeat(tf.constant(7, 'int32'), 3, 0),
    }));
    expect(vals(r.a)).toEqual([1, 2, 1, 2, 5, 6]);
    expect(r.a.shape).toEqual([3, 2]);
    expect(vals(r.b)).toEqual([1, 2, 2, 2, 3, 4, 4, 4]);
    expect(r.b.shape).toEqual([2, 4]);
    expect(vals(r.c)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(vals(r.d)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(r.d.shape).toEqual([2, 4]);
    expect(vals(r.e)).toEqual([7, 7, 7]);
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.repeat(tf.zeros([3, 2]), [1, 2], 0)).toThrow('Dimensions 3 and 2 are not compatible');
      expect(() => tf.repeat(tf.zeros([3, 2]), 1, 2)).toThrow('axis=2 out of bounds: expected -2<=axis<2');
    });
    await grad({ name: 'repeat counts', ins: [{ shape: [3, 2] }], f: (x) => tf.reshape(tf.repeat(x, [2, 0, 3], 0), [5, 2]) });
    await grad({ name: 'repeat scalar', ins: [{ shape: [2, 2] }], f: (x) => tf.reshape(tf.repeat(x, 3, 1), [2, 6]) });
  });
});

describe('tf.bitcast', () => {
  it('reinterprets bytes as numpy view does', async () => {
    const r = await run(() => ({
      a: tf.bitcast(tf.constant([1.0, -2.5], 'float32'), 'int32'),
      b: tf.bitcast(tf.constant([1, 2, 3, 4, 5, 6, 7, 8], 'uint8', [4, 2]), 'int16'),
      c: tf.bitcast(f64([1.5], [1]), 'int32'),
      d: tf.bitcast(tf.constant([0x3c00, 0xc000], 'uint16'), 'float16'),
      e: tf.bitcast(tf.constant([1065353216], 'int32'), 'float32'),
    }));
    expect(vals(r.a)).toEqual([1065353216, -1071644672]);
    expect(vals(r.b)).toEqual([513, 1027, 1541, 2055]);
    expect(r.b.shape).toEqual([4]);
    expect(vals(r.c)).toEqual([0, 1073217536]);
    expect(r.c.shape).toEqual([1, 2]);
    expect(r.d.dtype).toBe('float16');
    expect((r.d.toArray() as number[])).toEqual([1, -2]);
    expect(vals(r.e)).toEqual([1]);
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.bitcast(tf.constant([1, 2, 3], 'uint8'), 'int16')).toThrow('Cannot bitcast due to shape. 3 does not match 2');
      expect(() => tf.bitcast(tf.constant([true]), 'uint8')).toThrow("Value passed to parameter 'input' has DataType bool not in list of allowed values");
    });
  });
});

describe('tf.gradPassThrough and tf.recomputeGrad', () => {
  it('gradPassThrough: the forward value of f, the incoming gradient unchanged', async () => {
    const r = await run(() => {
      const x = tf.constant([0.4, 1.6, -2.2]);
      const y = tf.gradPassThrough((t: Tensor) => tf.round(t))(x) as Tensor;
      const [dx] = tf.gradients(tf.reduceSum(tf.multiply(y, [1, 2, 3])), x);
      return { y, dx: dx as Tensor };
    });
    near(r.y, [0, 2, -2], 0, 'round');
    near(r.dx, [1, 2, 3], 1e-7, 'pass-through gradient');
  });

  it('recomputeGrad: same values and gradients as f itself; f runs again in the gradient', async () => {
    let calls = 0;
    const f = (t: Tensor): Tensor => {
      calls++;
      return tf.multiply(tf.sin(t), t);
    };
    const r = await run(() => {
      const x = f64([0.4, 1.6, -2.2], [3]);
      const y = tf.recomputeGrad(f)(x) as Tensor;
      const [dx] = tf.gradients(tf.reduceSum(y), x);
      return { y, dx: dx as Tensor };
    });
    expect(calls).toBe(2);
    const xs = [0.4, 1.6, -2.2];
    near(r.y, xs.map((v) => Math.sin(v) * v), 1e-14, 'forward');
    near(r.dx, xs.map((v) => Math.cos(v) * v + Math.sin(v)), 1e-14, 'gradient');
    await grad({ name: 'recomputeGrad', ins: [{ shape: [2, 2] }, { shape: [2] }], f: (a, b) => tf.recomputeGrad((p: Tensor, q: Tensor) => tf.tanh(tf.multiply(p, q)))(a, b) as Tensor });
  });

  it('recomputeGrad: the variables f reads get gradients too', async () => {
    const g = new tf.Graph();
    const o = g.asDefault(() => {
      const w = new tf.Variable(f64([2, -1], [2]), { name: 'w' });
      const x = f64([0.5, 3], [2]);
      const y = tf.recomputeGrad((t: Tensor) => tf.reduceSum(tf.multiply(tf.square(t), w.value())))(x) as Tensor;
      const [dx, dw] = tf.gradients(y, [x, w]);
      return { dx: dx as Tensor, dw: dw as Tensor, init: tf.globalVariablesInitializer() };
    });
    const s = new tf.Session({ graph: g });
    await s.run(o.init);
    const r = (await s.run({ dx: o.dx, dw: o.dw })) as Record<string, NDArray>;
    near(r.dx!, [2 * 0.5 * 2, 2 * 3 * -1], 1e-14, 'dx');
    near(r.dw!, [0.25, 9], 1e-14, 'dw');
    await s.close();
  });
});

describe('tf.DeviceSpec', () => {
  it('parses, prints and merges as TF 1.15', () => {
    const d = tf.DeviceSpec.fromString('/job:ps/replica:1/task:0/gpu:2');
    expect([d.job, d.replica, d.task, d.deviceType, d.deviceIndex]).toEqual(['ps', 1, 0, 'GPU', 2]);
    expect(d.toString()).toBe('/job:ps/replica:1/task:0/device:GPU:2');
    expect(tf.DeviceSpec.fromString('/device:CPU:*').toString()).toBe('/device:CPU:*');
    expect(new tf.DeviceSpec('worker', null, 3, 'cpu', 0).toString()).toBe('/job:worker/task:3/device:CPU:0');
    const e = new tf.DeviceSpec({ job: 'worker', deviceType: 'GPU' });
    expect(d.makeMergedSpec(e).toString()).toBe('/job:worker/replica:1/task:0/device:GPU:2');
    const m = new tf.DeviceSpec({ task: 5 });
    m.mergeFrom(d);
    expect(m.toString()).toBe('/job:ps/replica:1/task:0/device:GPU:2');
    // parse_from_string replaces every field
    const p = new tf.DeviceSpec({ job: 'a', task: 1 }).parseFromString('/replica:2');
    expect(p.toString()).toBe('/replica:2');
    p.task = '7';
    expect(p.task).toBe(7);
    expect(p.replace({ deviceType: 'gpu', deviceIndex: 1 }).toString()).toBe('/replica:2/task:7/device:GPU:1');
    expect(d.equals(tf.DeviceSpec.fromString('/job:ps/replica:1/task:0/device:GPU:2'))).toBe(true);
    expect(() => tf.DeviceSpec.fromString('/job:ps/gpu:0/cpu:0')).toThrow('Cannot specify multiple device types: /job:ps/gpu:0/cpu:0');
    expect(() => tf.DeviceSpec.fromString('/jobs:ps')).toThrow("Unknown attribute: 'jobs' in '/jobs:ps'");
  });
});

describe('tf.colocateWith', () => {
  it("sets _class ['loc:@name'] and the op's device on the ops made inside, as TF1", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.device('/cpu:0', () => tf.constant(1, undefined, undefined, 'a'));
      const b = tf.constant(2, undefined, undefined, 'b');
      const [c, d, e, f] = tf.device('/gpu:0', () => tf.colocateWith(a, () => {
        const c = tf.add(a, b, 'c');
        const d = tf.colocateWith(b.op, () => tf.identity(c, 'd'));
        const e = tf.colocateWith(b, () => tf.identity(c, 'e'), true);
        // colocated with c, which is itself colocated with a: c's group, not its name
        const f = tf.colocateWith(c, () => tf.identity(c, 'f'), true);
        return [c, d, e, f];
      }));
      expect(c.op.attrs._class).toEqual(['loc:@a']);
      // the device scopes are set aside inside colocateWith: a's device
      expect(c.op.device).toBe('/device:CPU:0');
      expect(d.op.attrs._class).toEqual(['loc:@a', 'loc:@b']);
      expect(e.op.attrs._class).toEqual(['loc:@b']);
      expect(f.op.attrs._class).toEqual(['loc:@a']);
      const after = tf.identity(a, 'after');
      expect(after.op.attrs._class).toBeUndefined();
      expect(() => tf.colocateWith(null, () => 0)).toThrow('Trying to reset colocation (op is None) but ignore_existing is not True');
      const node = g.asGraphDef().node.find((n: { name: string }) => n.name === 'd') as { attr: Record<string, { list?: { s: Uint8Array[] } }> };
      expect(node.attr._class!.list!.s.map((x) => new TextDecoder().decode(x))).toEqual(['loc:@a', 'loc:@b']);
    });
  });
});
