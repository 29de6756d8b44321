/**
 * tf.keras.layers' further convolutions and pools (Conv2DTranspose with output_padding,
 * Conv3D, Conv3DTranspose, SeparableConv1D/2D, DepthwiseConv2D, AveragePooling1D, Max/Average
 * Pooling3D, the 3-D global pools) and the layers that move values (UpSampling1D/2D/3D,
 * ZeroPadding1D/2D/3D, Cropping1D/2D/3D, Permute, RepeatVector) and TimeDistributed, on every
 * device in TSFLOW_TEST_DEVICES: static output shapes as TF computes them, weight names and
 * shapes as TF makes them, numbers against float64 numpy goldens
 * (fixtures/keras-conv-reshaping-goldens.py: explicit loops; the transposed convolutions as the
 * adjoint scatter of the convolution), d(output)/d(inputs) against central differences, and
 * Keras's errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const L = tf.keras.layers;

interface Golden {
  input: { shape: number[]; values: number[] };
  weights: { name: string; shape: number[]; values: number[] }[];
  output: { shape: number[]; values: number[] };
}
const G: Record<string, Golden> = JSON.parse(readFileSync(new URL('./fixtures/keras-conv-reshaping-goldens.json', import.meta.url), 'utf8'));

const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);

interface Applied {
  readonly weights: tf.Variable[];
  apply(x: Tensor): Tensor;
}
type Make = () => Applied;
const mk = (f: () => unknown): Make => f as Make;

/** Each golden's layer, as a Keras user writes it. */
const CASES: [string, Make][] = [
  ['conv2dT same s2 op1', mk(() => new L.Conv2DTranspose(3, 3, { strides: 2, padding: 'same', outputPadding: 1 }))],
  ['conv2dT valid s2', mk(() => new L.Conv2DTranspose(3, [3, 3], [2, 2]))],
  ['conv2dT same k4 s2', mk(() => new L.Conv2DTranspose(3, 4, 2, 'same'))],
  ['conv2dT valid dilation 2', mk(() => new L.Conv2DTranspose(3, 3, { dilationRate: 2 }))],
  ['conv2dT valid s(2,3) op(1,2) k(3,2)', mk(() => new L.Conv2DTranspose(3, [3, 2], { strides: [2, 3], outputPadding: [1, 2] }))],
  ['conv2dT channels_first same s2', mk(() => new L.Convolution2DTranspose(3, 3, { strides: 2, padding: 'same', dataFormat: 'channels_first' }))],
  ['conv3dT same s2 op1', mk(() => new L.Conv3DTranspose(2, 3, { strides: 2, padding: 'same', outputPadding: 1 }))],
  ['conv3dT valid s(1,2,1) op(0,1,0)', mk(() => new L.Conv3DTranspose(2, 3, { strides: [1, 2, 1], outputPadding: [0, 1, 0] }))],
  ['conv3dT channels_first valid s2', mk(() => new L.Convolution3DTranspose(2, 3, { strides: 2, dataFormat: 'channels_first' }))],
  ['conv3d same s2', mk(() => new L.Conv3D(3, [2, 3, 2], { strides: 2, padding: 'same' }))],
  ['conv3d valid dilation (2,1,1)', mk(() => new L.Conv3D(3, [2, 3, 2], { dilationRate: [2, 1, 1] }))],
  ['conv3d channels_first valid', mk(() => new L.Convolution3D(3, [2, 3, 2], { dataFormat: 'channels_first' }))],
  ['separable2d same dm2', mk(() => new L.SeparableConv2D(3, 3, { padding: 'same', depthMultiplier: 2 }))],
  ['separable2d valid s2', mk(() => new L.SeparableConvolution2D(3, 3, { strides: 2, depthMultiplier: 2 }))],
  ['separable1d valid dilation 2', mk(() => new L.SeparableConv1D(3, 3, { dilationRate: 2 }))],
  ['depthwise valid s2 dm2', mk(() => new L.DepthwiseConv2D(3, 2, 'valid', 2))],
  ['depthwise channels_first same', mk(() => new L.DepthwiseConv2D(3, { padding: 'same', depthMultiplier: 2, dataFormat: 'channels_first' }))],
  ['avgpool1d default', mk(() => new L.AveragePooling1D())],
  ['avgpool1d 3 s2 same', mk(() => new L.AvgPool1D(3, 2, 'same'))],
  ['maxpool3d default', mk(() => new L.MaxPooling3D())],
  ['avgpool3d 3 s2 same', mk(() => new L.AveragePooling3D(3, 2, 'same'))],
  ['globalavgpool3d', mk(() => new L.GlobalAveragePooling3D())],
  ['globalmaxpool3d channels_first', mk(() => new L.GlobalMaxPool3D('channels_first'))],
  ['upsampling1d 3', mk(() => new L.UpSampling1D(3))],
  ['upsampling2d (2,3)', mk(() => new L.UpSampling2D([2, 3]))],
  ['upsampling2d channels_first', mk(() => new L.UpSampling2D({ dataFormat: 'channels_first' }))],
  ['upsampling2d bilinear', mk(() => new L.UpSampling2D({ interpolation: 'bilinear' }))],
  ['upsampling3d (1,2,3)', mk(() => new L.UpSampling3D([1, 2, 3]))],
  ['zeropadding1d (1,2)', mk(() => new L.ZeroPadding1D([1, 2]))],
  ['zeropadding2d ((1,0),(2,1))', mk(() => new L.ZeroPadding2D([[1, 0], [2, 1]]))],
  ['zeropadding2d channels_first 1', mk(() => new L.ZeroPadding2D(1, 'channels_first'))],
  ['zeropadding3d default', mk(() => new L.ZeroPadding3D())],
  ['cropping1d default', mk(() => new L.Cropping1D())],
  ['cropping2d ((1,2),(0,3))', mk(() => new L.Cropping2D([[1, 2], [0, 3]]))],
  ['cropping2d channels_first ((0,1),(2,0))', mk(() => new L.Cropping2D({ cropping: [[0, 1], [2, 0]], dataFormat: 'channels_first' }))],
  ['cropping3d default', mk(() => new L.Cropping3D())],
  ['permute (2,1)', mk(() => new L.Permute([2, 1]))],
  ['permute (3,1,2)', mk(() => new L.Permute([3, 1, 2]))],
  ['repeatvector 4', mk(() => new L.RepeatVector(4))],
  ['timedistributed dense', mk(() => new L.TimeDistributed(new L.Dense(5)))],
  ['timedistributed conv2d same', mk(() => new L.TimeDistributed(new L.Conv2D(2, 3, { padding: 'same' })))],
];

function expectClose(got: NDArray, want: readonly number[], tol = 1e-4): void {
  expect(got.size).toBe(want.length);
  const g = Array.from(got.data as Float32Array);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(g[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`element ${i}: got ${g[i]}, want ${want[i]} (got ${g.slice(0, 12).join(', ')} …)`);
  }
}

describe('keras conv / reshaping layers: static shapes and weights as TF makes them', () => {
  for (const [name, make] of CASES) {
    it(name, () => {
      const gold = G[name]!;
      const g = new tf.Graph();
      g.asDefault(() => {
        const layer = make();
        const y = layer.apply(tf.placeholder(tf.float32, gold.input.shape));
        expect(y.shape).toEqual(gold.output.shape);
        expect(layer.weights.map((v) => v.name)).toEqual(gold.weights.map((w) => w.name));
        expect(layer.weights.map((v) => v.shape)).toEqual(gold.weights.map((w) => w.shape));
      });
    });
  }

  it('an unknown batch keeps the other dims known; TimeDistributed with unknown steps', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 3, 3, 2]);
      expect(new L.Conv2DTranspose(4, 3, { strides: 2, padding: 'same', outputPadding: 1 }).apply(x).shape).toEqual([null, 6, 6, 4]);
      expect(new L.Conv3DTranspose(2, 2, { strides: 2, outputPadding: 1 }).apply(tf.placeholder(tf.float32, [null, 2, 2, 2, 1])).shape).toEqual([null, 5, 5, 5, 2]);
      const up = new L.UpSampling2D({ interpolation: 'bilinear' }).apply(x);
      expect(up.shape).toEqual([null, 6, 6, 2]);
      // K.resize_images runs resize_images_v2: ResizeBilinear with half-pixel centres
      expect(up.op.type).toBe('ResizeBilinear');
      expect(up.op.attrs.half_pixel_centers).toBe(true);
      expect(up.op.attrs.align_corners).toBe(false);
      expect(new L.Cropping2D(1).apply(tf.placeholder(tf.float32, [null, null, 5, 2])).shape).toEqual([null, null, 3, 2]);
      const td = new L.TimeDistributed(new L.Dense(7));
      expect(td.apply(tf.placeholder(tf.float32, [null, null, 3])).shape).toEqual([null, null, 7]);
      expect(new L.TimeDistributed(new L.Dense(2)).apply(tf.placeholder(tf.float32, [5, null, 3])).shape).toEqual([5, null, 2]);
      expect(td.name).toBe('time_distributed');
      expect(new L.TimeDistributed(new L.Dense(2)).name).toBe('time_distributed_2');
    });
  });
});

for (const dev of devices) {
  describe(`keras conv / reshaping layers against numpy goldens on ${dev.name}`, () => {
    for (const [name, make] of CASES) {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const gold = G[name]!;
        const g = new tf.Graph();
        const { x, y, sets } = g.asDefault(() => {
          const layer = make();
          const x = tf.placeholder(tf.float32, gold.input.shape);
          const y = layer.apply(x);
          const sets = layer.weights.map((v, i) => tf.assign(v, nd(gold.weights[i]!.values, gold.weights[i]!.shape)));
          return { x, y, sets };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          if (sets.length > 0) await sess.run(sets);
          const got = (await sess.run(y, new Map([[x, nd(gold.input.values, gold.input.shape)]]))) as NDArray;
          expect(got.shape).toEqual(gold.output.shape);
          expectClose(got, gold.output.values);
        } finally {
          await sess.close();
        }
      });
    }

    it('TimeDistributed with unknown batch and steps (the run-time reshape), and Dropout inside it following the learning phase', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const gold = G['timedistributed dense']!;
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const layer = new L.TimeDistributed(new L.Dense(5));
        const x = tf.placeholder(tf.float32, [null, null, 3]);
        const y = layer.apply(x);
        const sets = layer.weights.map((v, i) => tf.assign(v, nd(gold.weights[i]!.values, gold.weights[i]!.shape)));
        const d = new L.TimeDistributed(new L.Dropout(0.5)).apply(x);
        return { x, y, d, sets };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        await sess.run(o.sets);
        const xv = nd(gold.input.values, gold.input.shape);
        const [y, d0] = (await sess.run([o.y, o.d], new Map([[o.x, xv]]))) as NDArray[];
        expect(y!.shape).toEqual(gold.output.shape);
        expectClose(y!, gold.output.values);
        expectClose(d0!, gold.input.values, 1e-6);
        const phase = g.asDefault(() => tf.keras.backend.learningPhase()) as Tensor;
        const d1 = (await sess.run(o.d, new Map<Tensor, NDArray | boolean>([[o.x, xv], [phase, true]]) as never)) as NDArray;
        const dv = Array.from(d1.data as Float32Array);
        expect(dv.some((v) => v === 0)).toBe(true);
        dv.forEach((v, i) => expect(v === 0 || Math.abs(v - 2 * gold.input.values[i]!) < 1e-5).toBe(true));
      } finally {
        await sess.close();
      }
    });

    it('TimeDistributed(Dense) trains in a Sequential: its weights are the model\'s, and fit lowers the loss', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        tf.setRandomSeed(3);
        const m = new tf.keras.Sequential([new L.TimeDistributed(new L.Dense(2), { inputShape: [4, 3] })]);
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        return m;
      });
      expect(m.trainableWeights.map((v) => v.name)).toEqual(['time_distributed/kernel:0', 'time_distributed/bias:0']);
      const sess = new tf.Session({ ...dev.options, graph: g });
      tf.keras.backend.setSession(sess);
      try {
        const xs = nd(Array.from({ length: 8 * 12 }, (_, i) => Math.sin(i * 0.37)), [8, 4, 3]);
        const ys = nd(Array.from({ length: 8 * 8 }, (_, i) => Math.cos(i * 0.21)), [8, 4, 2]);
        const h = await m.fit(xs, ys, { epochs: 5, batchSize: 8, verbose: 0 });
        const loss = h.history.loss as number[];
        expect(loss[loss.length - 1]!).toBeLessThan(loss[0]!);
      } finally {
        await sess.close();
      }
    });
  });
}

describe('keras conv / reshaping layers: Keras\'s errors', () => {
  it('bad arguments and inputs fail with TF\'s texts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x4 = tf.placeholder(tf.float32, [1, 3, 3, 2]);
      expect(() => new L.Conv2DTranspose(2, 3, { strides: 2, outputPadding: 2 })).toThrow('Stride (2, 2) must be greater than output padding (2, 2)');
      expect(() => new L.Conv3DTranspose(2, 3, { outputPadding: 1 })).toThrow('Stride (1, 1, 1) must be greater than output padding (1, 1, 1)');
      expect(() => new L.Conv2DTranspose(2, 3).apply(tf.placeholder(tf.float32, [1, 3, 3]))).toThrow('expected ndim=4, found ndim=3');
      // an even kernel with 'same' and output_padding 0 asks TF's backprop-input op for a size it rejects
      expect(() => new L.Conv3DTranspose(1, 2, { strides: 2, padding: 'same', outputPadding: 0 }).apply(tf.placeholder(tf.float32, [1, 3, 3, 3, 1])))
        .toThrow("Size of out_backprop doesn't match computed: actual = 3, computed = 2");
      expect(() => new L.DepthwiseConv2D(3, { depthMultiplier: 0 })).toThrow('depth_multiplier must be a positive integer');
      expect(() => new L.DepthwiseConv2D(3).apply(tf.placeholder(tf.float32, [1, 3, 3, null]))).toThrow('The channel dimension of the inputs to `DepthwiseConv2D` should be defined. Found `None`.');
      expect(() => new L.UpSampling2D({ interpolation: 'bicubic' })).toThrow('`interpolation` argument should be one of `"nearest"` or `"bilinear"`.');
      expect(() => new L.UpSampling2D().apply(tf.placeholder(tf.float32, [1, 3, 3]))).toThrow('expected ndim=4, found ndim=3');
      expect(() => new L.ZeroPadding2D([1, 2, 3])).toThrow('`padding` should have two elements. Found: (1, 2, 3)');
      expect(() => new L.ZeroPadding2D('x')).toThrow('`padding` should be either an int, a tuple of 2 ints');
      expect(() => new L.Cropping2D([[1, 2, 3], [0, 0]])).toThrow('The `1st entry of cropping` argument must be a tuple of 2 integers');
      expect(() => new L.Permute([1, 3])).toThrow('Invalid permutation `dims` for Permute Layer: (1, 3). The set of indices in `dims` must be consecutive and start from 1.');
      expect(() => new L.RepeatVector(2).apply(x4)).toThrow('expected ndim=2, found ndim=4');
      expect(() => new L.TimeDistributed(3)).toThrow('Please initialize `TimeDistributed` layer with a `Layer` instance. You passed: 3');
      expect(() => new L.TimeDistributed(new L.Dense(2)).apply(tf.placeholder(tf.float32, [2, 3]))).toThrow('`TimeDistributed` Layer should be passed an `input_shape ` with at least 3 dimensions, received: [2, 3]');
      expect(() => new L.GlobalAveragePooling3D().apply(x4)).toThrow('expected ndim=5, found ndim=4');
    });
  });
});

describeGradients('keras conv / reshaping layers: d(output)/d(inputs) against central differences', [
  { name: 'Conv2DTranspose same, strides 2, output_padding 1', ins: [{ shape: [1, 2, 3, 2] }], f: (x) => new L.Conv2DTranspose(2, 3, { strides: 2, padding: 'same', outputPadding: 1 }).apply(x) },
  { name: 'Conv2DTranspose channels_first valid', ins: [{ shape: [1, 2, 2, 3] }], f: (x) => new L.Conv2DTranspose(2, [2, 3], { dataFormat: 'channels_first' }).apply(x) },
  { name: 'Conv3DTranspose same, output_padding 1', ins: [{ shape: [1, 2, 2, 2, 1] }], f: (x) => new L.Conv3DTranspose(2, 2, { strides: 2, padding: 'same', outputPadding: 1 }).apply(x) },
  { name: 'Conv3D same, strides 2', ins: [{ shape: [1, 3, 3, 3, 2] }], f: (x) => new L.Conv3D(2, 2, { strides: 2, padding: 'same' }).apply(x) },
  { name: 'SeparableConv2D depth_multiplier 2', ins: [{ shape: [1, 4, 4, 2] }], f: (x) => new L.SeparableConv2D(2, 3, { depthMultiplier: 2 }).apply(x) },
  { name: 'DepthwiseConv2D channels_first same', ins: [{ shape: [1, 2, 3, 3] }], f: (x) => new L.DepthwiseConv2D(2, { padding: 'same', dataFormat: 'channels_first' }).apply(x) },
  { name: 'AveragePooling3D same', ins: [{ shape: [1, 3, 3, 3, 1] }], f: (x) => new L.AveragePooling3D(2, 2, 'same').apply(x) },
  { name: 'UpSampling2D bilinear', ins: [{ shape: [1, 2, 3, 1] }], f: (x) => tf.cast(new L.UpSampling2D({ interpolation: 'bilinear' }).apply(x), x.dtype) },
  { name: 'UpSampling1D then Cropping1D', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.Cropping1D([1, 2]).apply(new L.UpSampling1D(2).apply(x)) },
  { name: 'ZeroPadding2D then Permute', ins: [{ shape: [1, 2, 2, 2] }], f: (x) => new L.Permute([3, 1, 2]).apply(new L.ZeroPadding2D([[1, 0], [0, 1]]).apply(x)) },
  { name: 'TimeDistributed(Dense tanh)', ins: [{ shape: [2, 3, 4] }], f: (x) => new L.TimeDistributed(new L.Dense(3, { activation: 'tanh' })).apply(x) },
], devices, {
  // ResizeBilinear's output is float32 whatever the input, too coarse for float64's step of 1e-5
  skip: (c, cfg) => (c.name === 'UpSampling2D bilinear' && cfg.dtype === 'float64' ? 'ResizeBilinear computes in float32' : null),
});
