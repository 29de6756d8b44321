/**
 * Slicing and sparse-gradient ops against the float64 reference on every device: stridedSlice
 * (random specs over every mask), tf.index, unsortedSegmentSum, embeddingLookup, the norms and
 * clipping, xwPlusB; then TF's error texts and the IndexedSlices conversions.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { ACCUMULATING, COMPOSITE, type OpEntry, runOpTable } from './op-table.js';
import { type Rng, arrayOf, registerSkipSummary, resolvedDevices, skipTest } from './harness.js';
import './reference-ops.js';

registerSkipSummary();

const f32 = (r: Rng, shape: number[], lo = -3, hi = 3): NDArray => arrayOf(shape, 'float32', () => r.uniform(lo, hi));

/** A random strided-slice spec for `shape`: any mix of masks, negative and out-of-range bounds. */
function sliceSpec(r: Rng, shape: number[]) {
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  const m = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
  const useEllipsis = r.bool(0.4);
  const realDims = useEllipsis ? r.int(0, shape.length) : r.int(0, shape.length);
  const items: ('e' | 'n' | 'd')[] = Array.from({ length: realDims }, () => 'd' as const);
  if (useEllipsis) items.splice(r.int(0, items.length), 0, 'e');
  for (let k = r.int(0, 2); k > 0; k--) items.splice(r.int(0, items.length), 0, 'n');
  let dim = 0;
  const ellAt = items.indexOf('e');
  items.forEach((it, i) => {
    const bit = 1 << i;
    begin.push(0); end.push(0); strides.push(1);
    if (it === 'e') {
      m.ellipsisMask |= bit;
      dim = shape.length - items.slice(i + 1).filter((x) => x === 'd').length;
      return;
    }
    if (it === 'n') {
      m.newAxisMask |= bit;
      return;
    }
    const d = shape[ellAt >= 0 && i > ellAt ? dim : dim]!;
    dim++;
    if (r.bool(0.25)) {
      m.shrinkAxisMask |= bit;
      const j = r.int(0, d - 1);
      begin[i] = r.bool() ? j - d : j;
      end[i] = begin[i]! + 1;
      return;
    }
    const st = r.pick([1, 1, 2, 3, -1, -2]);
    strides[i] = st;
    begin[i] = r.int(-d - 1, d + 1);
    end[i] = r.int(-d - 1, d + 1);
    if (r.bool(0.3)) m.beginMask |= bit;
    if (r.bool(0.3)) m.endMask |= bit;
  });
  return { begin, end, strides, m };
}

const TABLE: OpEntry[] = [
  {
    name: 'stridedSlice (random masks)',
    api: ['stridedSlice'],
    trials: 12,
    gen: (r) => {
      const shape = r.shape(r.int(1, 4), 1, 5);
      const s = sliceSpec(r, shape);
      return { inputs: [f32(r, shape)], build: ([x]) => tf.stridedSlice(x!, s.begin, s.end, s.strides, s.m) };
    },
  },
  {
    name: 'stridedSlice (int32)',
    api: ['stridedSlice'],
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 1, 5);
      const s = sliceSpec(r, shape);
      return { inputs: [arrayOf(shape, 'int32', () => r.int(-50, 50))], build: ([x]) => tf.stridedSlice(x!, s.begin, s.end, s.strides, s.m) };
    },
  },
  {
    name: 'index (Python slicing)',
    api: ['index'],
    trials: 1,
    gen: (r) => ({
      inputs: [f32(r, [3, 4, 5])],
      build: ([x]) => [
        tf.index(x!, '1:', '...', -1),
        tf.index(x!, 0),
        tf.index(x!, ':', -1),
        tf.index(x!, '::-1', tf.newaxis, '1:3', '::2'),
        tf.index(x!, '...', '-2:', null),
        tf.index(x!, -2, '::-2', 4),
        tf.index(x!, ':'),
      ],
    }),
  },
  {
    name: 'unsortedSegmentSum',
    api: ['unsortedSegmentSum'],
    tol: ACCUMULATING,
    gen: (r) => {
      const idsShape = r.shape(r.int(1, 2), 1, 4);
      const inner = r.shape(r.int(0, 2), 1, 3);
      const n = r.int(1, 5);
      const ids = arrayOf(idsShape, 'int32', () => r.int(-1, n - 1));
      return { inputs: [f32(r, [...idsShape, ...inner]), ids], build: ([d, i]) => tf.unsortedSegmentSum(d!, i!, n) };
    },
  },
  {
    name: 'nn.embeddingLookup',
    api: ['nn.embeddingLookup'],
    gen: (r) => {
      const vocab = r.int(1, 6);
      const dims = r.shape(r.int(1, 2), 1, 4);
      const ids = arrayOf(r.shape(r.int(0, 2), 1, 4), 'int32', () => r.int(0, vocab - 1));
      return { inputs: [f32(r, [vocab, ...dims]), ids], build: ([p, i]) => tf.nn.embeddingLookup(p!, i!) };
    },
  },
  {
    name: 'nn.embeddingLookup (maxNorm)',
    api: ['nn.embeddingLookup'],
    tol: COMPOSITE,
    gen: (r) => {
      const ids = arrayOf([r.int(1, 4)], 'int32', () => r.int(0, 4));
      return { inputs: [f32(r, [5, 3]), ids], build: ([p, i]) => tf.nn.embeddingLookup(p!, i!, { maxNorm: 2 }) };
    },
  },
  {
    name: 'norm (vector and matrix ords)',
    api: ['norm'],
    tol: COMPOSITE,
    gen: (r) => {
      const shape = r.shape(r.int(2, 3), 1, 4);
      const ax = r.int(0, shape.length - 1);
      const ax2 = (ax + 1) % shape.length;
      return {
        inputs: [f32(r, shape)],
        build: ([x]) => [
          tf.norm(x!),
          tf.norm(x!, 'euclidean', ax),
          tf.norm(x!, 1, ax, true),
          tf.norm(x!, Infinity, ax),
          tf.norm(x!, 3, null),
          tf.norm(x!, { ord: 'fro', axis: [ax, ax2] }),
          tf.norm(x!, { ord: 1, axis: [ax, ax2], keepdims: true }),
          tf.norm(x!, { ord: Infinity, axis: [ax2, ax] }),
        ],
      };
    },
  },
  {
    name: 'globalNorm / clipByGlobalNorm',
    api: ['globalNorm', 'clipByGlobalNorm'],
    tol: COMPOSITE,
    gen: (r) => {
      const a = f32(r, r.shape(r.int(0, 2), 1, 4));
      const b = f32(r, r.shape(r.int(1, 3), 1, 3));
      const clip = r.pick([0.5, 2, 100]);
      return {
        inputs: [a, b],
        build: ([x, y]) => {
          const [clipped, n] = tf.clipByGlobalNorm([x!, null, y!], clip);
          expect(clipped[1]).toBeNull();
          return [tf.globalNorm([x!, y!]), n, clipped[0] as Tensor, clipped[2] as Tensor];
        },
      };
    },
  },
  {
    name: 'clipByNorm',
    api: ['clipByNorm'],
    tol: COMPOSITE,
    gen: (r) => {
      const shape = r.shape(r.int(1, 3), 1, 4);
      const axes = r.bool() ? null : [r.int(0, shape.length - 1)];
      const x = r.bool(0.2) ? arrayOf(shape, 'float32', () => 0) : f32(r, shape);
      return { inputs: [x], build: ([t]) => tf.clipByNorm(t!, r.pick([0.5, 1.5, 50]), axes) };
    },
  },
  {
    name: 'nn.xwPlusB',
    api: ['nn.xwPlusB'],
    tol: ACCUMULATING,
    gen: (r) => {
      const [m, k, n] = [r.int(1, 5), r.int(1, 6), r.int(1, 5)];
      return { inputs: [f32(r, [m, k]), f32(r, [k, n]), f32(r, [n])], build: ([x, w, b]) => tf.nn.xwPlusB(x!, w!, b!) };
    },
  },
];

await runOpTable('slicing and sparse ops vs the float64 reference', TABLE);

// ----- error texts and sparse-gradient behaviour ------------------------------------------------------

for (const dev of await resolvedDevices()) {
  describe(`slicing and sparse gradients beyond the reference [${dev.name}]`, () => {
    it('stridedSlice: TF build-time and run-time errors', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      new tf.Graph().asDefault(() => {
        const x = tf.zeros([3, 4]);
        expect(() => tf.index(x, 3)).toThrow(
          "slice index 3 of dimension 0 out of bounds. for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4], [1], [1], [1] and with computed input tensors: input[1] = <3>, input[2] = <4>, input[3] = <1>.",
        );
        expect(() => tf.stridedSlice(x, [0, 0], [1, 1], [1, 0])).toThrow(/^strides\[1\] must be non-zero for 'strided_slice/);
        expect(() => tf.stridedSlice(x, [0, 0, 0], [1, 1, 1])).toThrow(/^Index out of range using input dim 2; input has only 2 dims/);
        expect(() => tf.stridedSlice(x, [0, 0], [1, 1], [1, 1], { ellipsisMask: 3 })).toThrow(/^Multiple ellipses in slice spec not allowed/);
        expect(() => tf.stridedSlice(x, [0], [1, 2])).toThrow(/^Expected begin, end, and strides to be 1D equal size tensors/);
        expect(() => tf.index(x, '1:2:0')).toThrow(/slice step cannot be zero/);
        expect(() => tf.index(x, '...', '...')).toThrow(/at most one ellipsis/);
        expect(() => tf.index(x, 'a:b')).toThrow(/is not a slice/);
      });
      const g = new tf.Graph();
      const [p, y] = g.asDefault(() => {
        const p = tf.placeholder('float32', [null, 2]);
        return [p, tf.index(p, 2)] as const;
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const err = await sess.run(y, [[p, [[1, 2], [3, 4]]]]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((err as Error).message.split('\n')[0]).toBe('slice index 2 of dimension 0 out of bounds.');
      await sess.close();
    });

    it('the gradient of a gather is IndexedSlices; dense conversion, aggregation and clipping keep TF1 semantics', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const r = g.asDefault(() => {
        const params = tf.constant([[1, 2], [3, 4], [5, 6]]);
        const ids = tf.constant([2, 0, 2], 'int32');
        const e = tf.nn.embeddingLookup(params, ids);
        const loss = tf.add(tf.reduceSum(tf.multiply(e, tf.constant([[1, 2], [3, 4], [5, 6]]))), tf.reduceSum(tf.gather(params, tf.constant([1], 'int32'))));
        const [grad] = tf.gradients(loss, params);
        const [dense] = tf.gradients(tf.reduceSum(tf.multiply(params, 2)), params);
        const [mixed] = tf.gradients(tf.add(loss, tf.reduceSum(tf.multiply(params, 2))), params);
        const [clipped] = tf.clipByGlobalNorm([grad!], 1);
        return { grad: grad as tf.IndexedSlices, dense: dense!, mixed: mixed as tf.IndexedSlices, clipped: clipped[0] as tf.IndexedSlices };
      });
      expect(r.grad).toBeInstanceOf(tf.IndexedSlices);
      expect(r.dense).toBeInstanceOf(tf.Tensor);
      expect(r.mixed).toBeInstanceOf(tf.IndexedSlices);
      expect(r.clipped).toBeInstanceOf(tf.IndexedSlices);
      expect(r.grad.shape).toEqual([3, 2]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [gv, gi, gd, md, cv] = (await sess.run([r.grad.values, r.grad.indices, r.grad, r.mixed, r.clipped.values])) as NDArray[];
      // Two gathers aggregate by concatenation (the later consumer's rows first).
      expect(gi!.toArray()).toEqual([1, 2, 0, 2]);
      expect(gv!.toArray()).toEqual([[1, 1], [1, 2], [3, 4], [5, 6]]);
      expect(gd!.toArray()).toEqual([[3, 4], [1, 1], [6, 8]]);
      expect(md!.toArray()).toEqual([[5, 6], [3, 3], [8, 10]]);
      const norm = Math.sqrt(1 + 4 + 9 + 16 + 25 + 36 + 1 + 1);
      expect(Array.from(cv!.data).map((v) => +v.toFixed(5))).toEqual([1, 1, 1, 2, 3, 4, 5, 6].map((v) => +(v / norm).toFixed(5)));
      await sess.close();
    });
  });
}
