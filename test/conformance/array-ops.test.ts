/**
 * pad, split, reverse, cumsum, sequenceMask, topK, inTopK, gatherNd, scatterNd, einsum,
 * tensordot, moments, batchNormalization, l2Normalize,
 * conv2dTranspose and depthwiseConv2d against the float64 reference on every device.
 */
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { ACCUMULATING, COMPOSITE, type OpEntry, runOpTable } from './op-table.js';
import { type Rng, arrayOf, registerSkipSummary } from './harness.js';
import './reference-ops.js';

registerSkipSummary();

const f32 = (r: Rng, shape: number[], lo = -3, hi = 3): NDArray => arrayOf(shape, 'float32', () => r.uniform(lo, hi));

const TABLE: OpEntry[] = [
  {
    name: 'pad (CONSTANT, REFLECT, SYMMETRIC)',
    api: ['pad'],
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 2, 4);
      const p = shape.map((d) => [r.int(0, d - 1), r.int(0, d - 1)]);
      return { inputs: [f32(r, shape)], build: ([x]) => [tf.pad(x!, p), tf.pad(x!, p, 'CONSTANT', undefined, 1.5), tf.pad(x!, p, 'REFLECT'), tf.pad(x!, p, 'SYMMETRIC')] };
    },
  },
  {
    name: 'split / reverse',
    api: ['split', 'reverse'],
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 1, 4);
      const ax = r.int(0, shape.length - 1);
      shape[ax] = 6;
      return { inputs: [f32(r, shape)], build: ([x]) => [...tf.split(x!, 3, ax), ...tf.split(x!, [1, -1, 2], ax), tf.reverse(x!, [ax]), tf.reverse(x!, shape.map((_, i) => i))] };
    },
  },
  {
    name: 'cumsum (exclusive, reverse)',
    api: ['cumsum'],
    tol: ACCUMULATING,
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 1, 7);
      const ax = r.int(-shape.length, shape.length - 1);
      return { inputs: [f32(r, shape)], build: ([x]) => [tf.cumsum(x!, ax), tf.cumsum(x!, ax, true), tf.cumsum(x!, ax, false, true), tf.cumsum(x!, { axis: ax, exclusive: true, reverse: true })] };
    },
  },
  {
    name: 'sequenceMask (maxlen given)',
    api: ['sequenceMask'],
    gen: (r) => {
      const l = arrayOf(r.shape(r.int(1, 2), 1, 4), 'int32', () => r.int(0, 5));
      return { inputs: [l], build: ([x]) => [tf.sequenceMask(x!, 5), tf.sequenceMask(x!, 6, 'float32')] };
    },
  },
  {
    name: 'nn.topK / nn.inTopK',
    api: ['nn.topK', 'nn.inTopK'],
    gen: (r) => {
      const [b, n] = [r.int(1, 4), r.int(1, 6)];
      const k = r.int(0, n);
      const p = arrayOf([b, n], 'float32', () => r.int(-3, 3) / 2);
      const t = arrayOf([b], 'int32', () => r.int(0, n - 1));
      return { inputs: [p, t], build: ([x, y]) => [...tf.nn.topK(x!, k), tf.nn.inTopK(x!, y!, Math.max(k, 1))] };
    },
  },
  {
    name: 'gatherNd / scatterNd',
    api: ['gatherNd', 'scatterNd'],
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 1, 4);
      const q = r.int(1, shape.length);
      const n = r.int(1, 4);
      const idx = arrayOf([n, q], 'int32', () => 0);
      for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) idx.data[i * q + j] = r.int(0, shape[j]! - 1);
      const up = f32(r, [n, ...shape.slice(q)]);
      return { inputs: [f32(r, shape), idx, up], build: ([p, i, u]) => [tf.gatherNd(p!, i!), tf.scatterNd(i!, u!, shape)] };
    },
  },
  {
    name: 'einsum / tensordot',
    api: ['einsum', 'tensordot'],
    tol: ACCUMULATING,
    gen: (r) => {
      const [i, j, k, l] = [r.int(1, 4), r.int(1, 4), r.int(1, 4), r.int(1, 3)];
      return {
        inputs: [f32(r, [l, i, j]), f32(r, [l, j, k])],
        build: ([a, b]) => [tf.einsum('bij,bjk->bik', a!, b!), tf.einsum('bij,bjk->kb', a!, b!), tf.einsum('bij->jb', a!), tf.einsum('bij,bjk', a!, b!), tf.tensordot(a!, b!, [[0, 2], [0, 1]])],
      };
    },
  },
  {
    name: 'nn.moments / batchNormalization / l2Normalize',
    api: ['nn.moments', 'nn.batchNormalization', 'nn.l2Normalize'],
    tol: COMPOSITE,
    gen: (r) => {
      const shape = [r.int(1, 4), r.int(1, 4), 3];
      return {
        inputs: [f32(r, shape), f32(r, [3]), f32(r, [3], 0.5, 2)],
        build: ([x, o, s]) => {
          const [m, v] = tf.nn.moments(x!, [0, 1]);
          return [m, v, tf.nn.batchNormalization(x!, m, v, o!, s!, 1e-3), tf.nn.batchNormalization(x!, m, v, null, null, 1e-3), tf.nn.l2Normalize(x!, 2), ...tf.nn.moments(x!, [1], null, undefined, true)];
        },
      };
    },
  },
  {
    name: 'nn.conv2dTranspose / nn.depthwiseConv2d',
    api: ['nn.conv2dTranspose', 'nn.depthwiseConv2d'],
    tol: ACCUMULATING,
    staticOnly: true,
    gen: (r) => {
      const s = r.int(1, 2);
      const pad = r.pick(['SAME', 'VALID']);
      const [h, w] = [r.int(3, 5), r.int(3, 5)];
      const oh = pad === 'SAME' ? Math.ceil(h / s) : Math.floor((h - 2) / s) + 1;
      const ow = pad === 'SAME' ? Math.ceil(w / s) : Math.floor((w - 2) / s) + 1;
      return {
        inputs: [f32(r, [1, oh, ow, 3]), f32(r, [2, 2, 2, 3]), f32(r, [1, h, w, 2]), f32(r, [2, 2, 2, 2])],
        build: ([dy, f, x, df]) => [tf.nn.conv2dTranspose(dy!, f!, [1, h, w, 2], s, pad), tf.nn.depthwiseConv2d(x!, df!, [1, s, s, 1], pad)],
      };
    },
  },
];

await runOpTable('array and nn ops vs the float64 reference', TABLE);
