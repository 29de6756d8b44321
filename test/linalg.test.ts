/**
 * Linear algebra: tf.eye, diag / diagPart, matrixDiag / matrixDiagPart / matrixSetDiag,
 * matrixTranspose, trace, cross, matrixInverse, matrixDeterminant, slogdet / logdet, cholesky,
 * matrixTriangularSolve, matrixSolve, choleskySolve, matrixSolveLs and the tf.linalg names.
 * Values on every device against TF's test cases (named) and exact results, float64 accuracy on
 * the CPU, TF's op types, shapes and texts, GraphDef round trips, finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tsflow from 'tsflow';
// The ops under test from their modules (the same ones tf / tf.linalg export).
import * as linalgOps from '../src/ops/linalg.js';
import * as linalgNs from '../src/ops/linalg-namespace.js';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { expectNear as near } from './support/compare.js';

const tf = { ...tsflow, ...linalgOps, linalg: linalgNs };
const devices = await resolvedDevices();
registerSkipSummary();


// A symmetric positive definite matrix and its Cholesky factor (the classic 3×3 example).
const SPD = [4, 12, -16, 12, 37, -43, -16, -43, 98];
const SPD_L = [2, 0, 0, 6, 1, 0, -8, 5, 3];

function cases(dtype: 'float32' | 'float64') {
  const c = (v: number[], shape: number[]) => tf.constant(v, dtype, shape);
  // matrix_inverse_op_test testNonsymmetric: [[1,2],[3,4]] and [[1,3],[2,5]], batched
  const nonsym = c([1, 2, 3, 4, 1, 3, 2, 5], [2, 2, 2]);
  return {
    inv: tf.matrixInverse(nonsym),
    invAdj: tf.matrixInverse(nonsym, true),
    // determinant_op_test testBasic ([[2,3],[3,4]]: -1) and a batch ([[1,2],[3,4]], [[5,6],[7,8]]: -2, -2)
    det: tf.matrixDeterminant(c([2, 3, 3, 4], [2, 2])),
    detBatch: tf.matrixDeterminant(c([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])),
    detPerm: tf.matrixDeterminant(c([0, 2, 1, 1, 1, 0, 3, 0, 2], [3, 3])),
    detSingular: tf.matrixDeterminant(c([1, 2, 2, 4], [2, 2])),
    slog: tf.linalg.slogdet(c([0, 2, 1, 1, 1, 0, 3, 0, 2], [3, 3])),
    logdet: tf.linalg.logdet(c(SPD, [3, 3])),
    chol: tf.cholesky(c(SPD, [3, 3])),
    // [[1,2],[3,4]]·x = [5,6]: x = [-4, 4.5]; adjoint: [[1,3],[2,4]]·x = [5,6]: x = [-1, 2]
    solve: tf.matrixSolve(c([1, 2, 3, 4], [2, 2]), c([5, 6], [2, 1])),
    solveAdj: tf.matrixSolve(c([1, 2, 3, 4], [2, 2]), c([5, 6], [2, 1]), true),
    // [[1,0],[2,3]]·x = [1,8]: x = [1, 2]; upper [[1,2],[0,3]]: x = [-13/3, 8/3]; adjoint of the lower one: [[1,2],[0,3]]
    triLower: tf.matrixTriangularSolve(c([1, 7, 2, 3], [2, 2]), c([1, 8], [2, 1])),
    triUpper: tf.matrixTriangularSolve(c([1, 2, 7, 3], [2, 2]), c([1, 8], [2, 1]), false),
    triAdj: tf.matrixTriangularSolve(c([1, 7, 2, 3], [2, 2]), c([1, 8], [2, 1]), true, true),
    cholSolve: tf.choleskySolve(c(SPD_L, [3, 3]), c([-12, -31, 82], [3, 1])),
    // consistent overdetermined system: exact solution [1, 2]; underdetermined: minimum norm [1, 1]
    lstsq: tf.matrixSolveLs(c([1, 0, 0, 1, 1, 1], [3, 2]), c([1, 2, 3], [3, 1])),
    lstsqUnder: tf.matrixSolveLs(c([1, 1], [1, 2]), c([2], [1, 1])),
    eye: tf.eye(2, 3, { dtype }),
    eyeBatch: tf.eye(2, { batchShape: [2], dtype }),
    diag: tf.diag(c([1, 2, 3, 4], [2, 2])),
    diagPart: tf.diagPart(tf.diag(c([1, 2, 3, 4], [2, 2]))),
    mdiag: tf.matrixDiag(c([1, 2, 3, 4], [2, 2])),
    mdiagPart: tf.matrixDiagPart(c([1, 2, 3, 4, 5, 6], [2, 3])),
    // MatrixSetDiagTest testSquare / testRectangular
    setDiag: tf.matrixSetDiag(c([0, 1, 0, 1, 0, 1, 1, 1, 1], [3, 3]), c([1, 2, 3], [3])),
    setDiagRect: tf.matrixSetDiag(c([0, 1, 0, 1, 0, 1], [2, 3]), c([3, 4], [2])),
    trace: tf.trace(c([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])),
    cross: tf.cross(c([1, 0, 0, 1, 2, 3], [2, 3]), c([0, 1, 0, 4, 5, 6], [2, 3])),
    mt: tf.matrixTranspose(c([1, 2, 3, 4, 5, 6], [1, 2, 3])),
  };
}

function checkCases(r: Record<string, NDArray | NDArray[]>, tol: number): void {
  const g = (k: string) => r[k] as NDArray;
  near(g('inv'), [-2, 1, 1.5, -0.5, -5, 3, 2, -1], tol, 'matrix_inverse', [2, 2, 2]);
  near(g('invAdj'), [-2, 1.5, 1, -0.5, -5, 2, 3, -1], tol, 'matrix_inverse adjoint');
  near(g('det'), [-1], tol, 'determinant', []);
  near(g('detBatch'), [-2, -2], tol, 'determinant batch', [2]);
  near(g('detPerm'), [-7], tol, 'determinant with pivoting');
  near(g('detSingular'), [0], tol, 'determinant singular');
  const [sign, logAbs] = r.slog as NDArray[];
  near(sign!, [-1], 0, 'slogdet sign');
  near(logAbs!, [Math.log(7)], tol, 'slogdet log|det|');
  near(g('logdet'), [Math.log(36)], tol, 'logdet');
  near(g('chol'), SPD_L, tol, 'cholesky', [3, 3]);
  near(g('solve'), [-4, 4.5], tol, 'matrix_solve', [2, 1]);
  near(g('solveAdj'), [-1, 2], tol, 'matrix_solve adjoint');
  near(g('triLower'), [1, 2], tol, 'triangular_solve lower');
  near(g('triUpper'), [-13 / 3, 8 / 3], tol, 'triangular_solve upper');
  near(g('triAdj'), [-13 / 3, 8 / 3], tol, 'triangular_solve adjoint');
  near(g('cholSolve'), [1, 0, 1], tol * 10, 'cholesky_solve', [3, 1]);
  near(g('lstsq'), [1, 2], tol * 10, 'matrix_solve_ls', [2, 1]);
  near(g('lstsqUnder'), [1, 1], tol * 10, 'matrix_solve_ls underdetermined', [2, 1]);
  near(g('eye'), [1, 0, 0, 0, 1, 0], 0, 'eye', [2, 3]);
  near(g('eyeBatch'), [1, 0, 0, 1, 1, 0, 0, 1], 0, 'eye batch', [2, 2, 2]);
  const d = [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4];
  near(g('diag'), d, 0, 'diag', [2, 2, 2, 2]);
  near(g('diagPart'), [1, 2, 3, 4], 0, 'diag_part', [2, 2]);
  near(g('mdiag'), [1, 0, 0, 2, 3, 0, 0, 4], 0, 'matrix_diag', [2, 2, 2]);
  near(g('mdiagPart'), [1, 5], 0, 'matrix_diag_part', [2]);
  near(g('setDiag'), [1, 1, 0, 1, 2, 1, 1, 1, 3], 0, 'matrix_set_diag');
  near(g('setDiagRect'), [3, 1, 0, 1, 4, 1], 0, 'matrix_set_diag rectangular');
  near(g('trace'), [5, 13], 0, 'trace', [2]);
  near(g('cross'), [0, 0, 1, -3, 6, -3], 0, 'cross', [2, 3]);
  near(g('mt'), [1, 4, 2, 5, 3, 6], 0, 'matrix_transpose', [1, 3, 2]);
}

for (const dev of devices) {
  describe(`linear algebra values (${dev.name})`, () => {
    it('float32: TF test cases and exact results', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => cases('float32'));
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as unknown as Record<string, NDArray | NDArray[]>;
      await sess.close();
      checkCases(r, 3e-6 * dev.caps.tolScale);
    });

    it('a singular matrix and a non positive definite one fail with TF\'s texts', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [inv, sol, chol] = g.asDefault(() => {
        // matrix_inverse_op_test testNotInvertible
        const s = tf.constant([1, 0, -1, -1, 1, 0, 0, -1, 1], 'float32', [3, 3]);
        return [tf.matrixInverse(s), tf.matrixSolve(s, tf.ones([3, 1])), tf.cholesky(tf.constant([1, 2, 2, 1], 'float32', [2, 2]))];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await expect(sess.run(inv!)).rejects.toThrow('Input is not invertible.');
      await expect(sess.run(sol!)).rejects.toThrow('Input matrix is not invertible.');
      await expect(sess.run(chol!)).rejects.toThrow('Cholesky decomposition was not successful. The input might not be valid.');
      await sess.close();
    });
  });
}

describe('linear algebra in float64 (CPU)', () => {
  it('the same cases to float64 accuracy; a batched 6×6 inverse and solve against the identity', async () => {
    const g = new tf.Graph();
    const { outs, big } = g.asDefault(() => {
      const n = 6;
      const vals = Array.from({ length: 2 * n * n }, (_, i) => Math.sin(i * 1.7) + (i % (n + 1) === 0 ? 2 : 0));
      const a = tf.constant(vals, 'float64', [2, n, n]);
      const b = tf.constant(Array.from({ length: 2 * n * 3 }, (_, i) => Math.cos(i)), 'float64', [2, n, 3]);
      return {
        outs: cases('float64'),
        big: [tf.matmul(a, tf.matrixInverse(a)), tf.subtract(tf.matmul(a, tf.matrixSolve(a, b)), b),
          tf.subtract(tf.matrixDeterminant(a), tf.multiply(tf.linalg.slogdet(a)[0]!, tf.exp(tf.linalg.slogdet(a)[1]!)))],
      };
    });
    const sess = new tf.Session({ graph: g });
    const r = (await sess.run(outs)) as unknown as Record<string, NDArray | NDArray[]>;
    checkCases(r, 1e-13);
    const [eye, resid, detDiff] = (await sess.run(big)) as NDArray[];
    Array.from(eye!.data, Number).forEach((v, i) => expect(Math.abs(v - ((i % 36) % 7 === 0 ? 1 : 0))).toBeLessThan(1e-12));
    Array.from(resid!.data, Number).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
    Array.from(detDiff!.data, Number).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-10));
    await sess.close();
  });
});

describe('linear algebra declarations', () => {
  it("TF's op types, names, static shapes and the tf.linalg names", () => {
    new tf.Graph().asDefault(() => {
      const a = tf.placeholder('float32', [null, 3, 3]);
      const r = tf.placeholder('float32', [null, 3, 2]);
      const t: [Tensor, string, (number | null)[] | null][] = [
        [tf.matrixInverse(a), 'MatrixInverse', [null, 3, 3]],
        [tf.matrixDeterminant(a), 'MatrixDeterminant', [null]],
        [tf.linalg.slogdet(a)[1]!, 'LogMatrixDeterminant', [null]],
        [tf.cholesky(a), 'Cholesky', [null, 3, 3]],
        [tf.matrixSolve(a, r), 'MatrixSolve', [null, 3, 2]],
        [tf.matrixTriangularSolve(a, r), 'MatrixTriangularSolve', [null, 3, 2]],
        [tf.matrixDiag(r), 'MatrixDiag', [null, 3, 2, 2]],
        [tf.matrixDiagPart(r), 'MatrixDiagPart', [null, 2]],
        [tf.matrixSetDiag(a, tf.placeholder('float32', [null, 3])), 'MatrixSetDiag', [null, 3, 3]],
        [tf.diag(tf.placeholder('float32', [2, 3])), 'Diag', [2, 3, 2, 3]],
        [tf.diagPart(tf.placeholder('float32', [2, 3, 2, 3])), 'DiagPart', [2, 3]],
        [tf.cross(tf.placeholder('float32', [4, 3]), tf.placeholder('float32', [4, 3])), 'Cross', [4, 3]],
      ];
      for (const [x, type, shape] of t) {
        expect(x.op.type).toBe(type);
        expect(x.shape, type).toEqual(shape);
      }
      expect(tf.trace(a).name).toBe('Trace:0');
      expect(tf.matrixTranspose(r).shape).toEqual([null, 2, 3]);
      expect(tf.linalg.inv).toBe(tf.matrixInverse);
      expect(tf.linalg.det).toBe(tf.matrixDeterminant);
      expect(tf.linalg.diag).toBe(tf.matrixDiag);
      expect(tf.linalg.diagPart).toBe(tf.matrixDiagPart);
      expect(tf.linalg.transpose).toBe(tf.matrixTranspose);
      expect(tf.linalg.solve).toBe(tf.matrixSolve);
      expect(tf.linalg.triangularSolve).toBe(tf.matrixTriangularSolve);
      expect(tf.linalg.bandPart).toBe(tf.matrixBandPart);
      expect(tf.linalg.matmul).toBe(tf.matmul);
      expect(tf.linalg.l2Normalize).toBe(tf.nn.l2Normalize);
      expect(tf.linalg.norm).toBe(tf.norm);
      expect(tf.linalg.eye).toBe(tf.eye);
      expect(tf.linalg.trace).toBe(tf.trace);
      expect(tf.linalg.cholesky).toBe(tf.cholesky);
      expect(tf.linalg.adjoint(r).shape).toEqual([null, 2, 3]);
    });
  });

  it("TF1's texts for bad shapes and dtypes", () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.matrixInverse(tf.placeholder('float32', [2, 3]))).toThrow("Dimensions must be equal, but are 2 and 3 for 'MatrixInverse' (op: 'MatrixInverse') with input shapes: [2,3].");
      expect(() => tf.cholesky(tf.placeholder('float32', [3]))).toThrow("Shape must be at least rank 2 but is rank 1 for 'Cholesky' (op: 'Cholesky') with input shapes: [3].");
      expect(() => tf.matrixInverse(tf.constant([[1, 2], [3, 4]], 'int32'))).toThrow("Value passed to parameter 'input' has DataType int32 not in list of allowed values: float64, float32, float16, complex64, complex128");
      expect(() => tf.matrixSolve(tf.placeholder('float32', [3, 3]), tf.placeholder('float32', [2, 1]))).toThrow("Dimensions must be equal, but are 3 and 2 for 'MatrixSolve'");
      expect(() => tf.cross(tf.placeholder('float32', [2]), tf.placeholder('float32', [2]))).toThrow("Dimension must be 3 but is 2 for 'Cross'");
      expect(() => tf.matrixSetDiag(tf.placeholder('float32', [2, 3]), tf.placeholder('float32', [3]))).toThrow("Dimensions must be equal, but are 3 and 2 for 'MatrixSetDiag'");
      expect(() => tf.diagPart(tf.placeholder('float32', [2, 3]))).toThrow("Dimensions must be equal, but are 2 and 3 for 'DiagPart'");
      expect(() => tf.matrixTranspose(tf.placeholder('float32', [2]))).toThrow("Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: [2]");
    });
  });

  it('GraphDef round trip keeps the op types, attrs and numbers', async () => {
    const g = new tf.Graph();
    const names = ['MatrixInverse', 'MatrixDeterminant', 'Cholesky', 'MatrixSolve', 'MatrixTriangularSolve', 'MatrixDiag', 'MatrixDiagPart', 'MatrixSetDiag', 'Diag', 'DiagPart', 'Cross', 'LogMatrixDeterminant'];
    const outs = g.asDefault(() => {
      const a = tf.constant(SPD, 'float32', [3, 3]);
      const r = tf.constant([1, 2, 3], 'float32', [3, 1]);
      return [
        tf.matrixInverse(a, true, 'MatrixInverse'), tf.matrixDeterminant(a, 'MatrixDeterminant'), tf.cholesky(a, 'Cholesky'),
        tf.matrixSolve(a, r, true, 'MatrixSolve'), tf.matrixTriangularSolve(a, r, false, true, 'MatrixTriangularSolve'),
        tf.matrixDiag(r, 'MatrixDiag'), tf.matrixDiagPart(a, 'MatrixDiagPart'), tf.matrixSetDiag(a, [1, 2, 3], 'MatrixSetDiag'),
        tf.diag([1, 2], 'Diag'), tf.diagPart([[1, 2], [3, 4]], 'DiagPart'), tf.cross([1, 2, 3], [3, 1, 2], 'Cross'),
        tf.linalg.slogdet(a, 'LogMatrixDeterminant')[1]!,
      ];
    });
    const gd = g.asGraphDef();
    const tri = gd.node.find((n) => n.name === 'MatrixTriangularSolve')!;
    expect([tri.attr.lower!.b, tri.attr.adjoint!.b, tri.attr.T!.type !== undefined]).toEqual([false, true, true]);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const a = (await s1.run(outs)) as NDArray[];
    const b = (await s2.run(names.map((n, i) => g2.getTensorByName(`${n}:${i === 11 ? 1 : 0}`)))) as NDArray[];
    names.forEach((n, i) => {
      expect(g2.getOperationByName(n).type, n).toBe(n);
      expect(Array.from(b[i]!.data, Number), n).toEqual(Array.from(a[i]!.data, Number));
    });
    await s1.close();
    await s2.close();
  });
});

/** Inputs drawn near a diagonally dominant matrix (3 on the diagonal), so the factorizations are well conditioned. */
const dominant = (n: number) => (r: () => number, i: number) => (i % (n * n)) % (n + 1) === 0 ? 3 + 0.5 * r() : r() - 0.5;
const spd = (x: Tensor, n: number) => tf.add(tf.matmul(x, x, { transposeB: true }), tf.multiply(n, tf.eye(n, { dtype: x.dtype })));
// Cases share their inputs where they can: the finite differences cost two runs per input element.
const GRAD: (GradCase & { composite?: boolean })[] = [
  {
    name: 'matrixInverse, adjoint; matrixDeterminant; slogdet log|det| (batched)',
    ins: [{ shape: [2, 2, 2], gen: dominant(2) }],
    f: (x) => [tf.matrixInverse(x), tf.matrixInverse(x, true), tf.matrixDeterminant(x), tf.linalg.slogdet(x)[1]!],
  },
  { name: 'matrixDeterminant 3×3', ins: [{ shape: [3, 3], gen: dominant(3) }], f: (x) => tf.matrixDeterminant(x) },
  {
    name: 'matrixSolve, adjoint; matrixTriangularSolve lower, upper adjoint (batched)',
    ins: [{ shape: [2, 2, 2], gen: dominant(2) }, { shape: [2, 2, 1] }],
    f: (a, b) => [tf.matrixSolve(a, b), tf.matrixSolve(a, b, true), tf.matrixTriangularSolve(a, b), tf.matrixTriangularSolve(a, b, false, true)],
  },
  {
    name: 'cholesky, logdet, choleskySolve',
    ins: [{ shape: [2, 2] }, { shape: [2, 1] }],
    f: (x, b) => { const l = tf.cholesky(spd(x, 2)); return [l, tf.linalg.logdet(spd(x, 2)), tf.choleskySolve(l, b)]; },
  },
  { name: 'matrixSolveLs', composite: true, ins: [{ shape: [3, 2] }, { shape: [3, 1] }], f: (a, b) => tf.matrixSolveLs(tf.add(a, tf.constant([[2, 0], [0, 2], [0, 0]], a.dtype)), b, 0.1) },
  { name: 'matrixDiag / matrixDiagPart / matrixSetDiag', ins: [{ shape: [2, 3] }, { shape: [2, 2, 3] }, { shape: [2, 2] }], f: (d, m, s) => [tf.matrixDiag(d), tf.matrixDiagPart(m), tf.matrixSetDiag(m, s)] },
  { name: 'diag / diagPart / trace', ins: [{ shape: [2, 2] }, { shape: [3, 3] }], f: (d, m) => [tf.diag(d), tf.diagPart(m), tf.trace(m)] },
  { name: 'cross', ins: [{ shape: [2, 3] }, { shape: [2, 3] }], f: (a, b) => tf.cross(a, b) },
];

describeGradients('finite-difference gradients of the linear algebra ops', GRAD, devices, {
  skip: (c, cfg) => (c.composite && cfg.label.includes('WebGPU') ? 'composed of ops whose WebGPU gradients are checked above' : null),
});
