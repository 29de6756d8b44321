/**
 * Finite-difference gradient checks of the slicing, segment, norm, clipping and further array/nn
 * ops: in float64 on the CPU device's plain-JS kernels, and in float32 on its wasm kernels and on
 * WebGPU (when an adapter exists).
 */
import { describe, it } from 'vitest';
import * as tf from 'tsflow';
import { type GradCase, checkGradients, gradConfigs } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();

const distinct = (r: () => number, i: number): number => (i % 2 ? 1 : -1) * (0.3 + r()) + i * 0.01;

export const GRAD_CASES: GradCase[] = [
  {
    name: 'StridedSlice (masks, negative strides)',
    ins: [{ shape: [3, 4, 2] }],
    f: (x) => [
      tf.index(x, '1:', '...', -1),
      tf.index(x, '::-2', tf.newaxis, '1:3'),
      tf.stridedSlice(x, [0, 3], [3, 0], [2, -2], { endMask: 1 }),
      tf.index(x, -1, '::3'),
    ],
  },
  {
    name: 'UnsortedSegmentSum',
    ins: [{ shape: [4, 2] }, { shape: [4], fixed: { dtype: 'int32', value: [2, 0, -1, 2] } }],
    f: (d, ids) => tf.unsortedSegmentSum(d, ids, 3),
  },
  {
    name: 'embeddingLookup (IndexedSlices gradient) through a dense consumer',
    ins: [{ shape: [4, 3] }, { shape: [3], fixed: { dtype: 'int32', value: [3, 1, 3] } }],
    f: (p, ids) => [tf.nn.embeddingLookup(p, ids), tf.multiply(p, p)],
  },
  {
    name: 'embeddingLookup (maxNorm)',
    ins: [{ shape: [3, 2], gen: 'away' }, { shape: [2], fixed: { dtype: 'int32', value: [0, 2] } }],
    f: (p, ids) => tf.nn.embeddingLookup(p, ids, { maxNorm: 0.5 }),
  },
  {
    name: 'norm (euclidean, 1, inf, p=3, fro)',
    ins: [{ shape: [2, 3], gen: distinct }],
    f: (x) => [tf.norm(x), tf.norm(x, 1, 1), tf.norm(x, Infinity, 0), tf.norm(x, 3), tf.norm(x, { ord: 'fro', axis: [0, 1] })],
  },
  {
    name: 'clipByNorm (clipped and not)',
    ins: [{ shape: [2, 3] }],
    f: (x) => [tf.clipByNorm(x, 0.5), tf.clipByNorm(x, 10), tf.clipByNorm(x, 0.3, [1])],
  },
  {
    name: 'globalNorm / clipByGlobalNorm',
    ins: [{ shape: [2, 2] }, { shape: [3] }],
    f: (a, b) => {
      const [clipped, n] = tf.clipByGlobalNorm([a, null, b], 0.8);
      return [clipped[0] as tf.Tensor, clipped[2] as tf.Tensor, n, tf.globalNorm([a, b])];
    },
  },
  {
    name: 'xwPlusB',
    ins: [{ shape: [2, 3] }, { shape: [3, 2] }, { shape: [2] }],
    f: (x, w, b) => tf.nn.xwPlusB(x, w, b),
  },
  { name: 'PadV2 / MirrorPad', ins: [{ shape: [3, 2] }], f: (x) => [tf.pad(x, [[1, 2], [0, 1]]), tf.pad(x, [[2, 1], [1, 1]], 'REFLECT'), tf.pad(x, [[3, 0], [1, 2]], 'SYMMETRIC')] },
  { name: 'Split / ReverseV2', ins: [{ shape: [4, 2] }], f: (x) => [...tf.split(x, [1, 3]), tf.reverse(x, [0, 1])] },
  { name: 'Cumsum', ins: [{ shape: [2, 5] }], f: (x) => [tf.cumsum(x, 1), tf.cumsum(x, 1, true, true)] },
  { name: 'TopKV2', ins: [{ shape: [2, 4], gen: distinct }], f: (x) => tf.nn.topK(x, 2)[0] },
  { name: 'GatherNd / ScatterNd', ins: [{ shape: [3, 2] }, { shape: [2, 1], fixed: { dtype: 'int32', value: [2, 0] } }], f: (x, i) => [tf.gatherNd(x, i), tf.scatterNd(i, tf.index(x, '1:'), [4, 2])] },
  { name: 'Einsum / tensordot', ins: [{ shape: [2, 3] }, { shape: [3, 2] }], f: (a, b) => [tf.einsum('ij,jk->ki', a, b), tf.einsum('ij->j', a), tf.einsum('ij,kl->ik', a, b), tf.tensordot(a, b, 1)] },
  { name: 'moments / batchNormalization / l2Normalize', ins: [{ shape: [3, 2] }, { shape: [2], gen: 'pos' }], f: (x, s) => {
    const [m, v] = tf.nn.moments(x, [0]);
    return [m, v, tf.nn.batchNormalization(x, m, v, null, s, 1e-3), tf.nn.l2Normalize(x, 1)];
  } },
  { name: 'conv2dTranspose / depthwiseConv2d', ins: [{ shape: [1, 2, 2, 2] }, { shape: [2, 2, 1, 2] }, { shape: [1, 3, 3, 2] }, { shape: [2, 2, 2, 1] }],
    f: (dy, f, x, df) => [tf.nn.conv2dTranspose(dy, f, [1, 3, 3, 1], 2, 'SAME'), tf.nn.depthwiseConv2d(x, df, 1, 'VALID')] },
];

const devices = await resolvedDevices();
const CONFIGS = gradConfigs(devices);

for (const cfg of CONFIGS) {
  describe(`finite-difference gradients of array/nn ops: ${cfg.label}`, () => {
    for (const c of GRAD_CASES) {
      it(c.name, async (ctx) => {
        const why = cfg.skip();
        if (why) skipTest(ctx, why);
        await checkGradients(c, cfg.dtype, cfg.options);
      });
    }
  });
}
