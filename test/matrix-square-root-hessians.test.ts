/**
 * tf.linalg.sqrtm / tf.matrixSquareRoot (MatrixSquareRoot) and tf.hessians. On every device in
 * float32 and float64: S·S = A for symmetric positive definite, nonsymmetric (complex
 * eigenvalues), triangular and batched inputs, against closed-form principal roots where one is
 * known; NaN where no real principal root exists; TF's shape errors; finite-difference
 * gradients (TF 1.15's Kronecker-form Sylvester solve). Hessians against hand-derived second
 * derivatives, shaped shape(x) ++ shape(x).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { expectNear } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function matmul(a: number[], b: number[], n: number): number[] {
  const o = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) o[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return o;
}

const SPD = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
const NONSYM = [4, 1, 0, -2, 3, 1, 0.5, 0, 2];
// 1 ± 2i: the principal root of [[1, −2], [2, 1]] is [[p, −q], [q, p]] with p + qi = √(1 + 2i)
const ROT = [1, -2, 2, 1];
const P = Math.sqrt((Math.sqrt(5) + 1) / 2);
const Q = 1 / P;
const BATCH = [4, 1, 0, 9, 2, -1, -1, 2];

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const tol = dtype === 'float64' ? 1e-10 : 3e-5 * dev.caps.tolScale;
    describe(`matrix square root and hessians (${dev.name}, ${dtype})`, () => {
      it('sqrtm(A)·sqrtm(A) = A; the principal roots of known matrices', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const c = (v: number[], s: number[]) => tf.constant(v, dtype, s);
          return {
            spd: tf.linalg.sqrtm(c(SPD, [3, 3])),
            nonsym: tf.matrixSquareRoot(c(NONSYM, [3, 3])),
            rot: tf.linalg.sqrtm(c(ROT, [2, 2])),
            batch: tf.linalg.sqrtm(c(BATCH, [2, 2, 2])),
            neg: tf.linalg.sqrtm(c([-1, 0, 0, 4], [2, 2])),
            zero: tf.linalg.sqrtm(c([0, 0, 0, 0], [2, 2])),
            empty: tf.linalg.sqrtm(tf.zeros([3, 0, 0], dtype)),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [spd, nonsym, rot, batch, neg, zero, empty] = (await sess.run([f.spd, f.nonsym, f.rot, f.batch, f.neg, f.zero, f.empty])) as NDArray[];
          expect(spd!.dtype).toBe(dtype);
          expect(spd!.shape).toEqual([3, 3]);
          const s = nums(spd!);
          expectNear({ ...spd!, data: Float64Array.from(matmul(s, s, 3)) } as NDArray, SPD, tol, 'spd S·S');
          // the root of a symmetric matrix is symmetric
          expect(Math.abs(s[1]! - s[3]!)).toBeLessThan(tol * 10);
          const ns = nums(nonsym!);
          expectNear({ ...nonsym!, data: Float64Array.from(matmul(ns, ns, 3)) } as NDArray, NONSYM, tol, 'nonsymmetric S·S');
          expectNear(rot!, [P, -Q, Q, P], tol, 'rotation root');
          // [[4, 1], [0, 9]] → [[2, 0.2], [0, 3]]; [[2, −1], [−1, 2]] (eigenvalues 1, 3) → (√3 ± 1)/2 entries
          const r3 = Math.sqrt(3);
          expectNear(batch!, [2, 0.2, 0, 3, (r3 + 1) / 2, (1 - r3) / 2, (1 - r3) / 2, (r3 + 1) / 2], tol, 'batched roots', [2, 2, 2]);
          expect(nums(neg!).every(Number.isNaN), `no real principal root: ${nums(neg!)}`).toBe(true);
          expect(nums(zero!)).toEqual([0, 0, 0, 0]);
          expect(empty!.shape).toEqual([3, 0, 0]);
        } finally {
          await sess.close();
        }
      });

      it('hessians: second derivatives shaped shape(x) ++ shape(x), for several xs', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const x = tf.constant([1, 2, 3], dtype);
          const m = tf.constant([[0.5, -1], [2, 1.5]], dtype);
          // y = x0²·x2 + x1³ + x2²·x0 + Σ m² · x1
          const y = tf.add(
            tf.reduceSum(tf.multiply(tf.square(x), tf.reverse(x, [0]))),
            tf.multiply(tf.reduceSum(tf.square(m)), tf.slice(x, [1], [1])),
          );
          const [hx, hm] = tf.hessians(y, [x, m]);
          const lin = tf.hessians(tf.reduceSum(tf.multiply(x, tf.constant([1, 2, 3], dtype))), x)[0];
          return { hx: hx!, hm: hm!, lin: lin! };
        });
        expect(f.hm.shape).toEqual([2, 2, 2, 2]);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [hx, hm, lin] = (await sess.run([f.hx, f.hm, f.lin])) as NDArray[];
          const [x0, x1, x2] = [1, 2, 3];
          expectNear(hx!, [2 * x2, 0, 2 * x0 + 2 * x2, 0, 6 * x1, 0, 2 * x0 + 2 * x2, 0, 2 * x0], tol, 'hessian in x', [3, 3]);
          // d²/dm_ij dm_kl of Σm²·x1 = 2·x1·δ
          expectNear(hm!, Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) === i % 4 ? 2 * x1 : 0)), tol, 'hessian in m', [2, 2, 2, 2]);
          expectNear(lin!, new Array(9).fill(0), 0, 'hessian of a linear function', [3, 3]);
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('MatrixSquareRoot graph checks', () => {
  it('op type, name and TF shape errors', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.linalg.sqrtm(tf.zeros([4, 2, 2]));
      expect(s.op.type).toBe('MatrixSquareRoot');
      expect(s.name).toBe('MatrixSquareRoot:0');
      expect(s.shape).toEqual([4, 2, 2]);
      expect(() => tf.linalg.sqrtm(tf.zeros([2, 3]))).toThrow(
        "Dimensions must be equal, but are 2 and 3 for 'MatrixSquareRoot_1' (op: 'MatrixSquareRoot') with input shapes: [2,3].",
      );
      expect(() => tf.linalg.sqrtm(tf.zeros([2]))).toThrow('Shape must be at least rank 2 but is rank 1');
      expect(() => tf.linalg.sqrtm(tf.zeros([2, 2], 'int32'))).toThrow("Value passed to parameter 'input' has DataType int32 not in list of allowed values");
    });
  });
});

// Near-identity-scaled inputs keep every eigenvalue well inside the right half-plane.
const diagHeavy = (n: number) => (r: () => number, i: number) => (i % (n * n) % (n + 1) === 0 ? 2.5 + r() : 0.6 * (r() - 0.5));
const GRAD: GradCase[] = [
  { name: 'sqrtm of a 3×3 matrix', ins: [{ shape: [3, 3], gen: diagHeavy(3) }], f: (a) => tf.linalg.sqrtm(a) },
  { name: 'sqrtm of a batch of 2×2 matrices', ins: [{ shape: [2, 2, 2], gen: diagHeavy(2) }], f: (a) => tf.linalg.sqrtm(a) },
  { name: 'hessians of a cubic (gradient of the Hessian)', ins: [{ shape: [3], gen: 'pos' }], f: (x: Tensor) => tf.hessians(tf.reduceSum(tf.multiply(tf.square(x), tf.reverse(x, [0]))), x)[0]! },
];
describeGradients('finite-difference gradients of sqrtm and hessians', GRAD, devices);
