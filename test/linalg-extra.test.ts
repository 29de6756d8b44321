/**
 * TF 1.15's tf.linalg.expm, lu, pinv, tridiagonalSolve and tf.math.besselI0 / I0e / I1 / I1e.
 * Reference values are scipy's (scipy.linalg.expm, scipy.linalg.lu_factor with its row swaps
 * turned into the permutation, numpy.linalg.pinv, numpy.linalg.solve on the dense tridiagonal
 * matrix, scipy.special.i0e / i1e / i0 / i1), computed in float64 and written here. Values run
 * on every device in float32 and on the CPU in float64; TF's op types, GraphDef attrs and error
 * texts; finite-difference gradients (expm, pinv, tridiagonalSolve, the Bessel functions) on the
 * gradient configurations of the other suites; Lu has no gradient in TF 1.15.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { expectNear as near } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

// scipy.special at BX
const BX = [0, 1e-06, 0.25, -0.5, 1, -2.5, 4, 7.5, 8, 8.5, -11, 20, 45, -80];
const I0E = [1.0, 0.9999990000007495, 0.7910171621397195, 0.64503527044915, 0.46575960759364043, 0.27004644161220276, 0.20700192122398672, 0.1483158300773955, 0.1434317818568503, 0.13900184305484758, 0.1217301681665896, 0.089780311884826, 0.05963811501173194, 0.04467329178227527];
const I1E = [0.0, 4.999995000003124e-07, 0.0981126286973682, -0.15642080318487173, 0.2079104153497085, -0.20658464953126654, 0.1787508395024353, 0.13804121154855414, 0.13414249329269812, 0.13054935509459586, -0.1160577581698902, 0.08750622218328867, 0.05897170313620064, -0.04439320005809746];
const I0 = [1.0, 1.0000000000002494, 1.015686141223608, 1.0634833707413234, 1.2660658777520082, 3.289839144050123, 11.30192195213633, 268.1613115151893, 427.56411572180474, 683.1619269901155, 7288.489339821248, 43558282.559553534, 2.0834140751773143e+18, 2.4751784043341698e+33];
const I1 = [0.0, 5.000000000000624e-07, 0.12597910894546785, -0.25789430539089636, 0.5651591039924851, -2.5167162452886984, 9.759465153704449, 249.58436542268802, 399.8731367825599, 641.6199025400667, -6948.858659812163, 42454973.385127775, 2.060133462081577e+18, -2.4596595795675403e+33];

// 3×3 matrices of 1-norms 0.004, 0.1, 0.6, 1.5, 3, 14 and 90 (every Padé degree, 0 to 4 squarings) and scipy.linalg.expm of each
const EXPM_IN = [[0.0008571428571428572, -0.002, 0.0005714285714285716, 0.0014285714285714288, 0.0002857142857142858, -0.0011428571428571432, -0.0005714285714285716, 0.0017142857142857144, 0.0008571428571428572], [0.021428571428571432, -0.05, 0.014285714285714289, 0.03571428571428572, 0.007142857142857144, -0.028571428571428577, -0.014285714285714289, 0.042857142857142864, 0.021428571428571432], [0.1285714285714286, -0.3, 0.08571428571428573, 0.2142857142857143, 0.042857142857142864, -0.17142857142857146, -0.08571428571428573, 0.2571428571428572, 0.1285714285714286], [0.3214285714285714, -0.7499999999999999, 0.2142857142857143, 0.5357142857142857, 0.10714285714285715, -0.4285714285714286, -0.2142857142857143, 0.6428571428571428, 0.3214285714285714], [0.6428571428571428, -1.4999999999999998, 0.4285714285714286, 1.0714285714285714, 0.2142857142857143, -0.8571428571428572, -0.4285714285714286, 1.2857142857142856, 0.6428571428571428], [3.0, -7.0, 2.0, 5.0, 1.0, -4.0, -2.0, 6.0, 3.0], [19.28571428571429, -45.0, 12.85714285714286, 32.142857142857146, 6.42857142857143, -25.71428571428572, -12.85714285714286, 38.57142857142858, 19.28571428571429]];
const EXPM_OUT = [[1.0008559173958553, -0.0020006513733369265, 0.0005730617059933766, 0.0014297135308699563, 1.0002833458122142, -0.0011431009908145601, -0.000570692781290847, 0.0017158359485731048, 1.0008563666746784], [1.0206482111710196, -0.05038148774331946, 0.015313449554530022, 0.03641650961033662, 1.0056459473291541, -0.028707920547627493, -0.013809385276650458, 0.04381391296038103, 1.0209334647409622], [1.0979316751008927, -0.3086104790323655, 0.12379638478262103, 0.23709794199776077, 0.9862007936447371, -0.17318883238537278, -0.06547978537137211, 0.2889415482836836, 1.1089917198168193], [1.106977594330686, -0.7392654609341525, 0.45747784702081085, 0.643232486406984, 0.7329101025007159, -0.4005918370314386, -0.0543277969317484, 0.8024627805916889, 1.1834370865889565], [0.7250260702249528, -0.9930564810857231, 1.3439576860614812, 1.2052388099172417, -0.2598223816304519, -0.4734084278521551, 0.391736945934557, 1.5779599577762518, 1.0542095349138558], [7.699045720643439, -3.195363202463942, 11.127759257759031, 7.060291834898612, 0.031137514467567552, -0.919770364088566, 5.5948541582262505, 9.740962254125494, 10.870575851261336], [60319370.81042695, 31063410.01817252, 79938440.36046194, 19353742.093535237, 10462990.25123493, 25629154.720240716, 65458182.012342736, 34254579.10604123, 87894592.29492435]];
const EXPM_N = [4444.137905546062, 2194.76987775646, -2926.3598370086142, -1408.5817684711633]; // expm([[10, 3], [-4, 2]])

// scipy.linalg.lu_factor: the packed factors and the permutation its row swaps make
const LU_IN = [2.0, -1.0, 0.0, 3.0, 4.0, 1.0, -2.0, 1.0, -6.0, 2.0, 5.0, 0.0, 1.0, 7.0, 1.0, -2.0];
const LU_OUT = [-6.0, 2.0, 5.0, 0.0, -0.16666666666666666, 7.333333333333333, 1.8333333333333333, -2.0, -0.3333333333333333, -0.04545454545454546, 1.7499999999999998, 2.909090909090909, -0.6666666666666666, 0.3181818181818182, 0.4285714285714286, 0.3896103896103894];
const LU_PERM = [2, 3, 0, 1];
const LU2 = [3.0, 4.0, 0.3333333333333333, 0.6666666666666667]; // lu_factor([[1, 2], [3, 4]])
const LU2_PERM = [1, 0];

const PINV_W = [-0.9444444444444444, 0.4444444444444443, -0.11111111111111108, 0.11111111111111109, 0.7222222222222221, -0.22222222222222207]; // numpy.linalg.pinv([[1, 2, 3], [4, 5, 6]])
const PINV_R = [-0.03333333333333385, -0.06666666666666661, 0.8333333333333339, 0.0666666666666671, 0.13333333333333325, -0.666666666666667, 0.033333333333333236, 0.06666666666666664, 0.16666666666666682]; // numpy.linalg.pinv([[1, 2, 3], [2, 4, 6], [1, 0, 1]]) (rank 2)

// the tridiagonal system: super [2, −1, 3, (0)], main [1, 4, −2, 5], sub [(0), 3, 1, −1]; its dense form; two right-hand sides
const TRI_SUP = [2, -1, 3, 0];
const TRI_MAIN = [1, 4, -2, 5];
const TRI_SUB = [0, 3, 1, -1];
const TRI_M = [1.0, 2.0, 0.0, 0.0, 3.0, 4.0, -1.0, 0.0, 0.0, 1.0, -2.0, 3.0, 0.0, 0.0, -1.0, 5.0];
const TRI_RHS = [1, 2, 0, -1, 3, 1, -2, 4];
const TRI_X = [-3.4210526315789473, -2.421052631578947, 2.210526315789474, 2.2105263157894735, -1.4210526315789471, 2.578947368421052, -0.6842105263157895, 1.3157894736842104];
const TRI_XV = [-3.4210526315789473, 2.210526315789474, -1.4210526315789471, -0.6842105263157895]; // the first column alone
// [[0, 1, 0], [2, 1, 1], [0, 3, 2]]·x = [1, 2, 3]: a zero first pivot, solvable only with row interchanges
const PIV_X = [0.5, 1.0, -0.0];

const transpose2 = (v: number[], r: number, c: number): number[] => Array.from({ length: r * c }, (_, i) => v[(i % r) * c + Math.floor(i / r)]!);

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    describe(`linalg extras and Bessel functions (${dev.name}, ${dtype})`, () => {
      const f64 = dtype === 'float64';
      const gpu = dev.name === 'webgpu';

      it('besselI0e / I1e / I0 / I1 against scipy.special', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const o = g.asDefault(() => {
          const x = tf.constant(BX, dtype);
          const special = tf.constant([Infinity, -Infinity, NaN, 0], dtype);
          return {
            i0e: tf.math.besselI0e(x), i1e: tf.math.besselI1e(x), i0: tf.math.besselI0(tf.index(x, ':-2')), i1: tf.math.besselI1(tf.index(x, ':-2')),
            e0: tf.math.besselI0e(special), e1: tf.math.besselI1e(special),
          };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        const r = (await sess.run(o)) as Record<string, NDArray>;
        // float32: a few ulps of the Chebyshev sums in f32 (more on WebGPU's approximate exp)
        const rel = f64 ? 4e-15 : gpu ? 3e-5 : 3e-6;
        const rel2 = (got: NDArray, want: number[], what: string) =>
          want.forEach((w, i) => expect(Math.abs(Number(got.data[i]) - w), `${what}(${BX[i]}): ${got.data[i]} vs ${w}`).toBeLessThanOrEqual(rel * Math.abs(w) + (f64 ? 1e-300 : 1e-12)));
        expect(r.i0e!.dtype).toBe(dtype);
        rel2(r.i0e!, I0E, 'i0e');
        rel2(r.i1e!, I1E, 'i1e');
        rel2(r.i0!, I0.slice(0, -2), 'i0');
        rel2(r.i1!, I1.slice(0, -2), 'i1');
        // i0e(±∞) = i1e(+∞) = 0, i1e(−∞) = −0, NaN stays NaN
        expect(Array.from(r.e0!.data).slice(0, 2)).toEqual([0, 0]);
        expect(r.e0!.data[2]).toBeNaN();
        expect(r.e0!.data[3]).toBe(1);
        expect(Math.abs(r.e1!.data[0] as number) + Math.abs(r.e1!.data[1] as number)).toBe(0);
        expect(r.e1!.data[2]).toBeNaN();
        expect(r.e1!.data[3]).toBe(0);
        await sess.close();
      });

      it('expm against scipy.linalg.expm, every Padé branch in one batch, batch dims, an empty matrix', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const o = g.asDefault(() => {
          const batch = tf.constant(EXPM_IN.flat(), dtype, [7, 3, 3]);
          const p = tf.placeholder(dtype, null, { name: 'p' });
          return {
            batch: tf.linalg.expm(batch),
            nested: tf.linalg.expm(tf.reshape(tf.index(batch, '1:'), [2, 3, 3, 3])),
            n: tf.linalg.expm(tf.constant([[10, 3], [-4, 2]], dtype)),
            zero: tf.linalg.expm(tf.zeros([2, 2], dtype)),
            dyn: tf.linalg.expm(p), p,
            empty: tf.linalg.expm(tf.zeros([2, 0, 0], dtype)),
          };
        });
        expect(o.batch.shape).toEqual([7, 3, 3]);
        expect(o.nested.shape).toEqual([2, 3, 3, 3]);
        expect(o.dyn.shape).toBeNull();
        const sess = new tf.Session({ graph: g, ...dev.options });
        const { p: _p, ...fetch } = o;
        const r = (await sess.run(fetch, [[o.p, new tf.NDArray(f64 ? Float64Array.from([10, 3, -4, 2]) : Float32Array.from([10, 3, -4, 2]), [1, 2, 2], dtype)]])) as Record<string, NDArray>;
        // relative to each matrix's largest entry (the norm-90 one holds 8.8e7)
        const tol = f64 ? 1e-12 : gpu ? 2e-4 : 3e-5;
        EXPM_OUT.forEach((want, b) => {
          const scale = Math.max(...want.map(Math.abs));
          want.forEach((w, i) => {
            const got = Number(r.batch!.data[b * 9 + i]);
            expect(Math.abs(got - w), `expm matrix ${b} [${i}]: ${got} vs ${w}`).toBeLessThanOrEqual(tol * scale);
          });
        });
        const nest = EXPM_OUT.slice(1).flat();
        nest.forEach((w, i) => expect(Math.abs(Number(r.nested!.data[i]) - w)).toBeLessThanOrEqual(tol * 9e7));
        for (const [k, v] of [['n', r.n!], ['dyn', r.dyn!]] as const) {
          EXPM_N.forEach((w, i) => expect(Math.abs(Number(v.data[i]) - w), `${k}[${i}]`).toBeLessThanOrEqual(tol * 4444));
        }
        expect(r.dyn!.shape).toEqual([1, 2, 2]);
        expect(Array.from(r.zero!.data)).toEqual([1, 0, 0, 1]);
        expect(r.empty!.shape).toEqual([2, 0, 0]);
        await sess.close();
      });

      it('lu against scipy.linalg.lu_factor: packed factors, the permutation, batches, int64 indices', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const o = g.asDefault(() => {
          const a = tf.constant(LU_IN, dtype, [4, 4]);
          const [lu, p] = tf.linalg.lu(a);
          const [luB, pB] = tf.linalg.lu(tf.constant([1, 2, 3, 4, 3, 4, 1, 2], dtype, [2, 2, 2]), tf.int64);
          // L·U from the packed factors equals the rows of a taken in the order p
          const l = tf.add(tf.matrixBandPart(lu, -1, 0), tf.subtract(tf.eye(4, { dtype }), tf.matrixDiag(tf.matrixDiagPart(lu))));
          const u = tf.matrixBandPart(lu, 0, -1);
          return { lu, p, luB, pB, rec: tf.matmul(l, u), rows: tf.gather(a, p) };
        });
        expect(o.lu.shape).toEqual([4, 4]);
        expect(o.p.shape).toEqual([4]);
        expect(o.p.dtype).toBe('int32');
        expect(o.pB.dtype).toBe('int64');
        expect(o.pB.shape).toEqual([2, 2]);
        const sess = new tf.Session({ graph: g, ...dev.options });
        const r = (await sess.run(o)) as Record<string, NDArray>;
        const tol = f64 ? 1e-14 : 1e-6;
        near(r.lu!, LU_OUT, tol, 'lu');
        expect(Array.from(r.p!.data)).toEqual(LU_PERM);
        near(r.rec!, Array.from(r.rows!.data as Float32Array | Float64Array), tol * 10, 'L·U vs a[p]');
        // [[3, 4], [1, 2]] is [[1, 2], [3, 4]] already pivoted: the same factors, no interchange
        near(r.luB!, [...LU2, ...LU2], tol, 'batched lu');
        expect(Array.from(r.pB!.data).map(Number)).toEqual([...LU2_PERM, 0, 1]);
        await sess.close();
      });

      it('pinv against numpy.linalg.pinv: wide, rank-deficient (rcond drops a singular value), batched, a given rcond', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const o = g.asDefault(() => {
          const w = tf.constant([[1, 2, 3], [4, 5, 6]], dtype);
          const rd = tf.constant([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype);
          return {
            w: tf.linalg.pinv(w), rd: tf.linalg.pinv(rd), b: tf.linalg.pinv(tf.stack([w, tf.multiply(w, tf.constant(2, dtype))])),
            // rcond 0.5 keeps only the largest singular value of diag(4, 1): pinv = diag(1/4, 0)
            cut: tf.linalg.pinv(tf.constant([[4, 0], [0, 1]], dtype), 0.5),
          };
        });
        expect(o.w.shape).toEqual([3, 2]);
        expect(o.b.shape).toEqual([2, 3, 2]);
        const sess = new tf.Session({ graph: g, ...dev.options });
        const r = (await sess.run(o)) as Record<string, NDArray>;
        const tol = f64 ? 1e-12 : 2e-5;
        near(r.w!, PINV_W, tol, 'pinv(wide)', [3, 2]);
        near(r.rd!, PINV_R, f64 ? 1e-12 : 1e-4, 'pinv(rank 2)', [3, 3]);
        near(r.b!, [...PINV_W, ...PINV_W.map((v) => v / 2)], tol, 'batched pinv');
        near(r.cut!, [0.25, 0, 0, 0], tol, 'pinv with rcond');
        await sess.close();
      });

      it('tridiagonalSolve: compact, sequence and matrix formats, vector and matrix rhs, transposeRhs, with and without pivoting', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const o = g.asDefault(() => {
          const c = (v: number[], s?: number[]) => tf.constant(v, dtype, s);
          const compact = c([...TRI_SUP, ...TRI_MAIN, ...TRI_SUB], [3, 4]);
          const rhs = c(TRI_RHS, [4, 2]);
          const rhsT = c(transpose2(TRI_RHS, 4, 2), [2, 4]);
          return {
            compact: tf.linalg.tridiagonalSolve(compact, rhs),
            vector: tf.linalg.tridiagonalSolve(compact, c([1, 0, 3, -2])),
            seqFull: tf.linalg.tridiagonalSolve([c(TRI_SUP), c(TRI_MAIN), c(TRI_SUB)], rhs, 'sequence'),
            seqShort: tf.linalg.tridiagonalSolve([c(TRI_SUP.slice(0, 3)), c(TRI_MAIN), c(TRI_SUB.slice(1))], rhs, { diagonalsFormat: 'sequence' }),
            matrix: tf.linalg.tridiagonalSolve(c(TRI_M, [4, 4]), rhs, 'matrix'),
            transposed: tf.linalg.tridiagonalSolve(compact, rhsT, { transposeRhs: true }),
            thomas: tf.linalg.tridiagonalSolve(compact, rhs, { partialPivoting: false }),
            pivot: tf.linalg.tridiagonalSolve(c([1, 1, 0, 0, 1, 2, 0, 2, 3], [3, 3]), c([1, 2, 3])),
            batch: tf.linalg.tridiagonalSolve(tf.stack([compact, tf.multiply(compact, c([2]))]), tf.stack([rhs, rhs])),
            one: tf.linalg.tridiagonalSolve(c([9, 4, 9], [3, 1]), c([2], [1])),
            // super[M − 1] and sub[0] are not read
            ignored: tf.linalg.tridiagonalSolve(c([...TRI_SUP.slice(0, 3), 99, ...TRI_MAIN, -77, ...TRI_SUB.slice(1)], [3, 4]), rhs),
          };
        });
        expect(o.compact.op.type).toBe('TridiagonalSolve');
        expect(o.transposed.shape).toEqual([2, 4]);
        const sess = new tf.Session({ graph: g, ...dev.options });
        const r = (await sess.run(o)) as Record<string, NDArray>;
        const tol = f64 ? 1e-13 : 1e-5;
        for (const k of ['compact', 'seqFull', 'seqShort', 'matrix', 'thomas', 'ignored'] as const) near(r[k]!, TRI_X, tol, k, [4, 2]);
        near(r.vector!, TRI_XV, tol, 'vector rhs', [4]);
        near(r.transposed!, transpose2(TRI_X, 4, 2), tol, 'transposeRhs', [2, 4]);
        near(r.pivot!, PIV_X, tol, 'zero leading pivot', [3]);
        near(r.batch!, [...TRI_X, ...TRI_X.map((v) => v / 2)], tol, 'batched', [2, 4, 2]);
        near(r.one!, [0.5], tol, '1×1');
        await sess.close();
      });
    });
  }
}

describe('linalg extras: op types, GraphDefs, errors, gradients that TF 1.15 lacks', () => {
  it("op types, names and TF's GraphDef attrs, round trip", async () => {
    const g = new tf.Graph();
    const o = g.asDefault(() => {
      const x = tf.constant([0.5, -2]);
      const a = tf.constant([[2, 1], [1, 3]], tf.float64);
      const [lu, p] = tf.linalg.lu(a, tf.int64, 'myLu');
      const t = tf.linalg.tridiagonalSolve(tf.constant([[1, 0], [2, 2], [0, 1]], tf.float64), tf.constant([[1], [1]], tf.float64), { partialPivoting: false, name: 'tri' });
      return { i0e: tf.math.besselI0e(x), i1e: tf.math.besselI1e(x), i0: tf.math.besselI0(x), i1: tf.math.besselI1(x, 'myI1'), lu, p, t, e: tf.linalg.expm(a), pi: tf.linalg.pinv(a) };
    });
    expect(o.i0e.op.type).toBe('BesselI0e');
    expect(o.i1e.op.type).toBe('BesselI1e');
    expect(o.i0.name).toBe('bessel_i0/mul:0');
    expect(o.i1.name).toBe('myI1/mul:0');
    expect(o.lu.name).toBe('myLu:0');
    expect(o.p.name).toBe('myLu:1');
    expect(o.t.name).toBe('tri:0');
    expect(o.e.name.startsWith('matrix_exponential/')).toBe(true);
    expect(o.pi.name.startsWith('pinv/')).toBe(true);
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('myLu').op).toBe('Lu');
    expect(Object.keys(node('myLu').attr).sort()).toEqual(['T', 'output_idx_type']);
    expect(node('tri').attr.partial_pivoting).toEqual({ b: false });
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    for (const t of ['BesselI0e', 'BesselI1e', 'Lu', 'TridiagonalSolve']) expect(g2.getOperations().some((op) => op.type === t), t).toBe(true);
    expect(g2.getOperationByName('tri').attrs.partialPivoting).toBe(false);
    expect(g2.getOperationByName('myLu').outputs[1]!.dtype).toBe('int64');
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const names = ['myLu:0', 'myLu:1', 'tri:0', 'BesselI0e:0', 'BesselI1e:0'];
    const a1 = (await s1.run(names.map((n) => g.getTensorByName(n)))) as NDArray[];
    const a2 = (await s2.run(names.map((n) => g2.getTensorByName(n)))) as NDArray[];
    a1.forEach((v, i) => expect(Array.from(a2[i]!.data), names[i]).toEqual(Array.from(v.data)));
    await s1.close();
    await s2.close();
  });

  it("TF's errors at graph construction", () => {
    new tf.Graph().asDefault(() => {
      const FL = 'bfloat16, float16, float32, float64';
      expect(() => tf.linalg.expm(tf.constant([[1, 2, 3], [4, 5, 6]]))).toThrow(
        "Dimensions must be equal, but are 3 and 2 for 'matrix_exponential/MatMul'",
      );
      expect(() => tf.linalg.expm(tf.constant([[1, 2], [3, 4]], tf.int32))).toThrow("tf.linalg.expm does not support matrices of type <dtype: 'int32'>");
      expect(() => tf.linalg.lu(tf.constant([[1, 2, 3], [4, 5, 6]]))).toThrow("Dimensions must be equal, but are 2 and 3 for 'Lu' (op: 'Lu') with input shapes: [2,3].");
      expect(() => tf.linalg.lu(tf.constant([1, 2]))).toThrow("Shape must be at least rank 2 but is rank 1 for 'Lu' (op: 'Lu') with input shapes: [2].");
      expect(() => tf.linalg.lu(tf.constant([[1, 2], [3, 4]], tf.int32))).toThrow(
        "Value passed to parameter 'input' has DataType int32 not in list of allowed values: float64, float32, float16, complex64, complex128",
      );
      expect(() => tf.linalg.lu(tf.constant([[1, 2], [3, 4]]), tf.float32)).toThrow("Value for attr 'output_idx_type' of float32 is not in the list of allowed values: int32, int64");
      expect(() => tf.linalg.pinv(tf.constant([[1, 2]], tf.int32))).toThrow('Input `a` must have `float`-like `dtype` (saw int32).');
      expect(() => tf.linalg.pinv(tf.constant([1, 2]))).toThrow('Input `a` must have at least 2 dimensions (saw: 1).');
      // a plain array converts inside the pinv scope, making no op outside it
      const g = new tf.Graph();
      const fromArray = g.asDefault(() => tf.linalg.pinv([[2, 0], [0, 4]]));
      expect(fromArray.shape).toEqual([2, 2]);
      expect(g.getOperations().filter((op) => !op.name.startsWith('pinv/')).map((op) => op.name)).toEqual([]);
      const d3 = tf.constant([[0, 1, 2], [3, 4, 5], [6, 7, 0]]);
      expect(() => tf.linalg.tridiagonalSolve(tf.constant([[1, 2], [3, 4]]), tf.constant([1, 2]))).toThrow('Expected 3 diagonals got 2');
      expect(() => tf.linalg.tridiagonalSolve(tf.constant([1, 2, 3]), tf.constant([1, 2, 3]))).toThrow('Expected diagonals to have rank at least 2, got 1');
      expect(() => tf.linalg.tridiagonalSolve(d3, tf.constant([1, 2]))).toThrow('Expected number of left-hand sided and right-hand sides to be equal, got 3 and 2');
      expect(() => tf.linalg.tridiagonalSolve(d3, tf.zeros([1, 1, 3, 1]))).toThrow('Expected the rank of rhs to be 1 or 2, got 4');
      expect(() => tf.linalg.tridiagonalSolve(tf.zeros([2, 3, 3]), tf.zeros([4, 3, 1]))).toThrow('Batch shapes (2,) and (4,) are incompatible');
      expect(() => tf.linalg.tridiagonalSolve(tf.zeros([3, 2]), tf.zeros([3, 1]), 'matrix')).toThrow('Expected last two dimensions of diagonals to be same, got 2 and 3');
      expect(() => tf.linalg.tridiagonalSolve(d3, tf.zeros([3]), 'banded')).toThrow('Unrecognized diagonals_format: banded');
      expect(() => tf.linalg.tridiagonalSolve([tf.zeros([3]), tf.zeros([3])], tf.zeros([3]), 'sequence')).toThrow('Expected diagonals to be a sequence of length 3.');
      expect(() => tf.linalg.tridiagonalSolve([tf.zeros([1]), tf.zeros([3]), tf.zeros([3])], tf.zeros([3]), 'sequence')).toThrow('Expected superdiagonal to be have length 3 or 2, got 1.');
      expect(() => tf.linalg.tridiagonalSolve(tf.constant([[1, 2], [3, 4], [5, 6]], tf.int32), tf.constant([1, 2], tf.int32))).toThrow(
        "Value passed to parameter 'diagonals' has DataType int32 not in list of allowed values: float64, float32, complex64, complex128",
      );
      expect(() => tf.math.besselI0e(tf.constant([1], tf.int32))).toThrow(`Value passed to parameter 'x' has DataType int32 not in list of allowed values: ${FL}`);
      expect(() => tf.math.besselI1(tf.constant([1], tf.int64))).toThrow(`Value passed to parameter 'x' has DataType int64 not in list of allowed values: ${FL}`);
      // TF 1.15 registers no gradient for Lu
      const a = tf.constant([[2, 1], [1, 3]]);
      expect(() => tf.gradients(tf.reduceSum(tf.linalg.lu(a)[0]), [a])).toThrow("No gradient defined for operation 'Lu' (op type: Lu)");
    });
  });

  it("TF's run-time errors: singular and non-square inputs fed at run time", async () => {
    const g = new tf.Graph();
    const o = g.asDefault(() => {
      const p = tf.placeholder(tf.float64, null, { name: 'p' });
      const d = tf.placeholder(tf.float64, [3, null], { name: 'd' });
      const r = tf.placeholder(tf.float64, [null, 1], { name: 'r' });
      return {
        p, d, r, lu: tf.linalg.lu(p, null, 'lu')[0],
        piv: tf.linalg.tridiagonalSolve(d, r, { name: 'piv' }), thomas: tf.linalg.tridiagonalSolve(d, r, { partialPivoting: false, name: 'thomas' }),
      };
    });
    const sess = new tf.Session({ graph: g });
    const f64 = (v: number[], s: number[]) => new tf.NDArray(Float64Array.from(v), s, 'float64');
    await expect(sess.run(o.lu, [[o.p, f64([1, 2, 2, 4], [2, 2])]])).rejects.toThrow('Input is not invertible.');
    await expect(sess.run(o.lu, [[o.p, f64([1, 2, 3, 4, 5, 6], [2, 3])]])).rejects.toThrow('Input matrix must be square.');
    // [[0, 1, 0], [2, 1, 1], [0, 3, 2]]: the Thomas algorithm meets the zero pivot, elimination with interchanges does not
    const needsPivot = f64([1, 1, 0, 0, 1, 2, 0, 2, 3], [3, 3]);
    const rhs = f64([1, 2, 3], [3, 1]);
    const x = (await sess.run(o.piv, [[o.d, needsPivot], [o.r, rhs]])) as NDArray;
    near(x, PIV_X, 1e-14, 'pivoting');
    await expect(sess.run(o.thomas, [[o.d, needsPivot], [o.r, rhs]])).rejects.toThrow(
      'The matrix is either not invertible, or requires pivoting. Try setting partial_pivoting = True.',
    );
    // [[1, 1, 0], [1, 1, 0], [0, 1, 1]]: rows 1 and 2 equal, singular
    await expect(sess.run(o.piv, [[o.d, f64([1, 0, 0, 1, 1, 1, 0, 1, 1], [3, 3])], [o.r, rhs]])).rejects.toThrow('The matrix is not invertible.');
    await expect(sess.run(o.piv, [[o.d, f64([0, 0, 0], [3, 1])], [o.r, f64([1], [1, 1])]])).rejects.toThrow('The matrix is not invertible: it is a scalar with value zero.');
    await expect(sess.run(o.piv, [[o.d, needsPivot], [o.r, f64([1, 2], [2, 1])]])).rejects.toThrow(
      'Expected the same number of left-hand sides and right-hand sides, got 3 and 2.',
    );
    await sess.close();
  });
});

const inside = (lo: number, hi: number) => (r: () => number) => lo + (hi - lo) * r();
// a well-conditioned tridiagonal system: diagonally dominant main diagonal
const triGen = (r: () => number, i: number) => (i >= 4 && i < 8 ? 3 + r() : 2 * r() - 1);
const GRAD: GradCase[] = [
  { name: 'besselI0e', ins: [{ shape: [6], gen: (r, i) => [-9, -3, -0.7, 0.4, 2.5, 10][i]! + 0.2 * r() }], f: (x) => tf.math.besselI0e(x) },
  { name: 'besselI1e', ins: [{ shape: [6], gen: (r, i) => [-9, -3, -0.7, 0.4, 2.5, 10][i]! + 0.2 * r() }], f: (x) => tf.math.besselI1e(x) },
  { name: 'besselI0, besselI1', ins: [{ shape: [4], gen: inside(-2.5, 2.5) }], f: (x) => [tf.math.besselI0(x), tf.math.besselI1(x)] },
  { name: 'expm (3×3, small norm)', ins: [{ shape: [3, 3], gen: inside(-0.3, 0.3) }], f: (x) => tf.linalg.expm(x) },
  { name: 'expm (batch of 2×2 with squarings)', ins: [{ shape: [2, 2, 2], gen: (r, i) => (i < 4 ? 2 * r() - 1 : 4 * (2 * r() - 1)) }], f: (x) => tf.linalg.expm(x) },
  { name: 'pinv (tall 3×2)', ins: [{ shape: [3, 2], gen: (r, i) => [1, 0.2, -0.3, 1.5, 0.4, 0.8][i]! + 0.2 * r() }], f: (x) => tf.linalg.pinv(x) },
  { name: 'tridiagonalSolve (diagonals and rhs)', ins: [{ shape: [3, 4], gen: triGen }, { shape: [4, 2] }], f: (d, b) => tf.linalg.tridiagonalSolve(d, b) },
  {
    name: 'tridiagonalSolve (sequence, vector rhs, no pivoting)', ins: [{ shape: [3], gen: inside(-1, 1) }, { shape: [4], gen: inside(3, 4) }, { shape: [3], gen: inside(-1, 1) }, { shape: [4] }],
    f: (sup, main, sub, b) => tf.linalg.tridiagonalSolve([sup, main, sub], b, 'sequence', { partialPivoting: false }),
  },
];

describeGradients('finite-difference gradients of expm, pinv, tridiagonalSolve and the Bessel functions', GRAD, devices);
