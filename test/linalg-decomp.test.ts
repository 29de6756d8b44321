/**
 * The decompositions: tf.qr, tf.svd, tf.selfAdjointEig / selfAdjointEigvals (tf.linalg.qr, svd,
 * eigh, eigvalsh). On every device, float32 and float64 (where the device computes float64):
 * reconstructions (Q·R, U·diag(s)·Vᵀ, V·diag(e)·Vᵀ), orthonormal factors, numpy's orders and
 * values (svd descending, eigh ascending), batches, full_matrices / compute_uv shapes; TF's op
 * types and GraphDef attrs; finite-difference gradients (TF 1.15's QrGrad, SvdGrad,
 * SelfAdjointEigV2Grad) of sign-invariant functions of the factors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { expectNear as near } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

const eyeData = (b: number, n: number): number[] => Array.from({ length: b * n * n }, (_, i) => (Math.floor(i / n) % n === i % n ? 1 : 0));

// Tall 4×3, wide 2×3, and a batch of two 3×3 matrices.
const TALL = [4, 1, 2, 1, 3, 0, 2, 0, 5, 1, 1, 1];
const WIDE = [1, 2, 3, 4, 5, 6];
const BATCH = [2, -1, 0, -1, 2, -1, 0, -1, 2, 1, 2, 3, 2, 5, 4, 3, 4, 9];

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    describe(`decompositions (${dev.name}, ${dtype})`, () => {
      it('qr, svd and selfAdjointEig reconstruct their input with orthonormal factors, in numpy order', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const tol = dtype === 'float64' ? 1e-12 : 2e-5;
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const c = (v: number[], s: number[]) => tf.constant(v, dtype, s);
          const tall = c(TALL, [4, 3]);
          const wide = c(WIDE, [2, 3]);
          const batch = c(BATCH, [2, 3, 3]);
          const tt = (x: Tensor) => tf.matrixTranspose(x);
          const [q, r] = tf.qr(tall);
          const [qf, rf] = tf.linalg.qr(tall, { fullMatrices: true });
          const [qb, rb] = tf.qr(batch);
          const [s, u, v] = tf.svd(tall);
          const [sw, uw, vw] = tf.linalg.svd(wide, true);
          const [sb, ub, vb] = tf.svd(batch);
          const sOnly = tf.svd(c([1, 2, 3, 4, 5, 6], [3, 2]), { computeUv: false });
          const [e, ev] = tf.selfAdjointEig(batch);
          const eOnly = tf.linalg.eigvalsh(batch);
          const usv = (uu: Tensor, ss: Tensor, vv: Tensor) => tf.matmul(tf.multiply(uu, tf.expandDims(ss, -2)), vv, { transposeB: true });
          return {
            qr: tf.matmul(q, r), qtq: tf.matmul(q, q, { transposeA: true }), r, qf, qrFull: tf.matmul(qf, rf), qfq: tf.matmul(qf, qf, { transposeA: true }),
            qrB: tf.matmul(qb, rb), rb,
            s, usv: usv(u, s, v), utu: tf.matmul(u, u, { transposeA: true }), vtv: tf.matmul(v, v, { transposeA: true }),
            sw, uw, vw, wideRec: tf.matmul(tf.matmul(uw, tf.concat([tf.matrixDiag(sw), tf.zeros([2, 1], dtype)], 1)), vw, { transposeB: true }),
            vwv: tf.matmul(vw, vw, { transposeA: true }),
            sb, usvB: usv(ub, sb, vb), sOnly,
            e, eigRec: usv(ev, e, ev), vtvE: tf.matmul(ev, ev, { transposeA: true }), eOnly,
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const o = (await sess.run(f)) as Record<string, NDArray>;
          near(o.qr!, TALL, tol, 'q·r', [4, 3]);
          near(o.qtq!, eyeData(1, 3), tol, 'qᵀq', [3, 3]);
          const rv = Array.from(o.r!.data as ArrayLike<number>);
          expect([rv[3], rv[6], rv[7]].map(Number)).toEqual([0, 0, 0]);
          expect(o.qf!.shape).toEqual([4, 4]);
          near(o.qrFull!, TALL, tol, 'full q·r', [4, 3]);
          near(o.qfq!, eyeData(1, 4), tol, 'full qᵀq');
          near(o.qrB!, BATCH, tol, 'batched q·r', [2, 3, 3]);
          // numpy.linalg.svd([[4,1,2],[1,3,0],[2,0,5],[1,1,1]]) singular values.
          near(o.s!, [6.8518095706418425, 3.5361644504351166, 1.883679003211468], tol, 's', [3]);
          near(o.usv!, TALL, tol, 'u·diag(s)·vᵀ');
          near(o.utu!, eyeData(1, 3), tol, 'uᵀu', [3, 3]);
          near(o.vtv!, eyeData(1, 3), tol, 'vᵀv', [3, 3]);
          // numpy.linalg.svd([[1,2,3],[4,5,6]]): 9.508032, 0.77286964.
          near(o.sw!, [9.508032000695724, 0.7728696356734838], tol, 'wide s', [2]);
          expect(o.uw!.shape).toEqual([2, 2]);
          expect(o.vw!.shape).toEqual([3, 3]);
          near(o.wideRec!, WIDE, tol, 'wide full reconstruction', [2, 3]);
          near(o.vwv!, eyeData(1, 3), tol, 'full vᵀv');
          near(o.usvB!, BATCH, tol, 'batched u·diag(s)·vᵀ', [2, 3, 3]);
          const sbv = Array.from(o.sb!.data as ArrayLike<number>, Number);
          expect(sbv[0]! >= sbv[1]! && sbv[1]! >= sbv[2]! && sbv[3]! >= sbv[4]! && sbv[4]! >= sbv[5]!).toBe(true);
          // numpy.linalg.svd([[1,2],[3,4],[5,6]], compute_uv=False)
          near(o.sOnly!, [9.525518091565107, 0.514300580658644], tol, 's only', [2]);
          // eigh of the second-difference matrix: 2 − √2, 2, 2 + √2; the second is symmetric too.
          const e = Array.from(o.e!.data as ArrayLike<number>, Number);
          near(o.e!, [2 - Math.SQRT2, 2, 2 + Math.SQRT2, ...e.slice(3)], tol, 'e', [2, 3]);
          expect(e[3]! <= e[4]! && e[4]! <= e[5]!).toBe(true);
          expect(e[3]! + e[4]! + e[5]!).toBeCloseTo(15, dtype === 'float64' ? 10 : 4);
          near(o.eigRec!, BATCH, tol, 'v·diag(e)·vᵀ');
          near(o.vtvE!, eyeData(2, 3), tol, 'vᵀv (eigh)');
          near(o.eOnly!, e, tol, 'eigvalsh', [2, 3]);
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('decompositions: op types, shapes, attrs and texts', () => {
  it('TF op types and static shapes; only the lower triangle is read; GraphDef attrs round-trip', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [5, null, 4, 3]);
      const [q, r] = tf.qr(x);
      expect(q.op.type).toBe('Qr');
      expect(q.shape).toEqual([5, null, 4, 3]);
      expect(r.shape).toEqual([5, null, 3, 3]);
      const [s, u, v] = tf.svd(x, { fullMatrices: true });
      expect(s.op.type).toBe('Svd');
      expect([s.shape, u.shape, v.shape]).toEqual([[5, null, 3], [5, null, 4, 4], [5, null, 3, 3]]);
      const e = tf.selfAdjointEigvals(tf.placeholder('float64', [2, 3, 3]));
      expect(e.op.type).toBe('SelfAdjointEigV2');
      expect(e.shape).toEqual([2, 3]);
      expect(() => tf.selfAdjointEig(x)).toThrow("Dimensions must be equal, but are 4 and 3 for 'SelfAdjointEigV2_1' (op: 'SelfAdjointEigV2') with input shapes: [5,?,4,3].");
      expect(() => tf.qr(tf.placeholder('float32', [3]))).toThrow('Shape must be at least rank 2 but is rank 1');
      expect(() => tf.svd(tf.constant([[1, 2]], 'int32'))).toThrow("Value passed to parameter 'input' has DataType int32 not in list of allowed values");
    });
    const gd = g.asGraphDef();
    const node = (t: string) => gd.node.find((n) => n.op === t)!;
    expect(node('Qr').attr.full_matrices!.b).toBe(false);
    expect(node('Svd').attr.full_matrices!.b).toBe(true);
    expect(node('Svd').attr.compute_uv!.b).toBe(true);
    expect(node('SelfAdjointEigV2').attr.compute_v!.b).toBe(false);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    expect(g2.getOperations().find((o) => o.type === 'Svd')!.attrs).toMatchObject({ fullMatrices: true, computeUv: true });
    // The upper triangle is ignored, as TF's kernel reads the lower one.
    const g3 = new tf.Graph();
    const [a, b] = g3.asDefault(() => [tf.selfAdjointEigvals(tf.constant([[2, 99], [1, 2]], 'float64')), tf.selfAdjointEigvals(tf.constant([[2, 1], [1, 2]], 'float64'))]);
    const sess = new tf.Session({ graph: g3 });
    try {
      const [ea, eb] = (await sess.run([a!, b!])) as NDArray[];
      near(ea!, [1, 3], 1e-12, 'lower-triangle eig');
      near(eb!, [1, 3], 1e-12, 'symmetric eig');
    } finally {
      await sess.close();
    }
    // TF 1.15's QrGrad refuses wide inputs.
    const g4 = new tf.Graph();
    g4.asDefault(() => {
      const w = tf.placeholder('float32', [2, 3]);
      const [, rw] = tf.qr(w);
      expect(() => tf.gradients(tf.reduceSum(rw), [w])).toThrow('QrGrad not implemented when ncols > nrows or full_matrices is true and ncols != nrows.');
    });
  });
});

// Well separated singular values / eigenvalues, so float32 differences stay accurate.
const dominant = (n: number, cols: number) => (r: () => number, i: number): number => {
  const row = Math.floor(i / cols) % n;
  const col = i % cols;
  return (row === col ? 3 - 1.1 * row : 0) + 0.6 * (r() - 0.5);
};
const proj = (x: Tensor, k: number): Tensor => {
  const v = tf.slice(x, [0, 0], [-1, k]);
  return tf.matmul(v, v, { transposeB: true });
};
const GRAD: GradCase[] = [
  { name: 'qr of a square matrix (q and r)', ins: [{ shape: [3, 3], gen: dominant(3, 3) }], f: (x) => tf.qr(x) },
  { name: 'qr of a tall matrix, reduced', ins: [{ shape: [4, 3], gen: dominant(4, 3) }], f: (x) => tf.qr(x) },
  { name: 'svd values (compute_uv false)', ins: [{ shape: [3, 2], gen: dominant(3, 2) }], f: (x) => tf.svd(x, { computeUv: false }) },
  {
    name: 'svd of a tall matrix: s, u·uᵀ, u₁·v₁ᵀ',
    ins: [{ shape: [3, 2], gen: dominant(3, 2) }],
    f: (x) => {
      const [s, u, v] = tf.svd(x);
      return [s, proj(u, 2), tf.matmul(tf.slice(u, [0, 0], [-1, 1]), tf.slice(v, [0, 0], [-1, 1]), { transposeB: true })];
    },
  },
  {
    name: 'svd of a wide matrix, full matrices: s, v₁·v₁ᵀ, u·uᵀ',
    ins: [{ shape: [2, 3], gen: dominant(2, 3) }],
    f: (x) => {
      const [s, u, v] = tf.svd(x, true);
      return [s, proj(v, 1), proj(v, 3), proj(u, 1)];
    },
  },
  {
    name: 'selfAdjointEig: e and the lowest eigenvector\'s projector',
    ins: [{ shape: [3, 3], gen: dominant(3, 3) }],
    f: (x) => {
      const [e, v] = tf.selfAdjointEig(x);
      return [e, proj(v, 1)];
    },
  },
  { name: 'selfAdjointEigvals (compute_v false)', ins: [{ shape: [3, 3], gen: dominant(3, 3) }], f: (x) => tf.selfAdjointEigvals(x) },
];

describeGradients('finite-difference gradients of the decompositions', GRAD, devices);
