/**
 * tf.keras.layers added beside the core ones: the recurrent cells (SimpleRNNCell, LSTMCell,
 * GRUCell with reset_after both ways), RNN over a cell or a stack of cells (go_backwards,
 * return_state, masks), the advanced activations (ReLU, ELU, ThresholdedReLU, Softmax, PReLU),
 * LayerNormalization, Dot/Maximum/Minimum, Attention/AdditiveAttention (use_scale, causal,
 * masks), Masking, the noise layers (GaussianNoise, GaussianDropout, AlphaDropout,
 * SpatialDropout1D/2D/3D: identity at inference, their noise while training),
 * ActivityRegularization, and the Layer base a user subclasses, on every device in
 * TSFLOW_TEST_DEVICES: weight names and shapes as TF makes them, numbers against float64 numpy
 * goldens (fixtures/keras-layers-extra-goldens.py), central-difference gradients, Keras's errors.
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

interface Arr { shape: number[]; values: number[] }
interface Golden { inputs: Arr[]; weights: (Arr & { name: string })[]; outputs: Arr[] }
const G: Record<string, Golden> = JSON.parse(readFileSync(new URL('./fixtures/keras-layers-extra-goldens.json', import.meta.url), 'utf8'));

const nd = (a: Arr): NDArray => new tf.NDArray(Float32Array.from(a.values), [...a.shape]);

interface Built { weights: () => tf.Variable[]; outs: Tensor[] }
type Make = (xs: Tensor[]) => Built;
const one = (layer: { weights: tf.Variable[]; apply(x: never, ...a: never[]): unknown }, y: unknown): Built => ({
  weights: () => layer.weights,
  outs: Array.isArray(y) ? (y.flat(2) as Tensor[]) : [y as Tensor],
});

const CASES: [string, Make][] = [
  ['simple_rnn_cell step', ([x, h]) => { const c = new L.SimpleRNNCell(4); return one(c, c.apply(x!, [h!])); }],
  ['lstm_cell step', ([x, h, c]) => { const l = new L.LSTMCell(4); return one(l, l.apply(x!, [h!, c!])); }],
  ['gru_cell step', ([x, h]) => { const l = new L.GRUCell(4); return one(l, l.apply(x!, [h!])); }],
  ['gru_cell reset_after step', ([x, h]) => { const l = new L.GRUCell(4, { resetAfter: true }); return one(l, l.apply(x!, h!)); }],
  ['rnn lstm_cell go_backwards sequences', ([x]) => { const r = new L.RNN(new L.LSTMCell(3), { returnSequences: true, goBackwards: true }); return one(r, r.apply(x!)); }],
  ['rnn stacked lstm+gru return_state', ([x]) => { const r = new L.RNN([new L.LSTMCell(3), new L.GRUCell(2)], { returnState: true }); return one(r, r.apply(x!)); }],
  ['gru reset_after sequences', ([x]) => { const r = new L.GRU(3, { resetAfter: true, returnSequences: true }); return one(r, r.apply(x!)); }],
  ['simple_rnn masked sequences', ([x, m]) => { const r = new L.SimpleRNN(3, { returnSequences: true, returnState: true }); return one(r, r.apply(x!, { mask: m! })); }],
  ['relu max 2 slope 0.1 threshold 0.5', ([x]) => { const l = new L.ReLU(2, 0.1, 0.5); return one(l, l.apply(x!)); }],
  ['elu 0.5', ([x]) => { const l = new L.ELU(0.5); return one(l, l.apply(x!)); }],
  ['thresholded_relu 0.3', ([x]) => { const l = new L.ThresholdedReLU({ theta: 0.3 }); return one(l, l.apply(x!)); }],
  ['softmax axis 1', ([x]) => { const l = new L.Softmax(1); return one(l, l.apply(x!)); }],
  ['prelu shared_axes 1', ([x]) => { const l = new L.PReLU({ sharedAxes: [1] }); return one(l, l.apply(x!)); }],
  ['layer_norm axis -1', ([x]) => { const l = new L.LayerNormalization(); return one(l, l.apply(x!)); }],
  ['layer_norm axis (1,2) eps 0.01', ([x]) => { const l = new L.LayerNormalization([1, 2], 0.01); return one(l, l.apply(x!)); }],
  ['dot axes 1 normalize', ([a, b]) => { const l = new L.Dot(1, true); return one(l, l.apply([a!, b!])); }],
  ['dot axes (1,2)', ([a, b]) => ({ weights: () => [], outs: [L.dot([a!, b!], [1, 2])] })],
  ['maximum', (xs) => ({ weights: () => [], outs: [L.maximum(xs)] })],
  ['minimum', (xs) => { const l = new L.Minimum(); return one(l, l.apply(xs)); }],
  ['attention use_scale [q, v, k]', (xs) => { const l = new L.Attention({ useScale: true }); return one(l, l.apply(xs)); }],
  ['attention causal masked', ([q, v, qm, vm]) => { const l = new L.Attention({ causal: true }); return one(l, l.apply([q!, v!], { mask: [qm!, vm!] })); }],
  ['additive_attention [q, v, k]', (xs) => { const l = new L.AdditiveAttention(); return one(l, l.apply(xs)); }],
  ['masking 0.5', ([x]) => { const l = new L.Masking(0.5); return one(l, l.apply(x!)); }],
];

function expectClose(got: NDArray, want: readonly number[], tol = 1e-4): void {
  expect(got.size).toBe(want.length);
  const g = Array.from(got.data as Float32Array);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(g[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`element ${i}: got ${g[i]}, want ${want[i]} (got ${g.slice(0, 12).join(', ')} …)`);
  }
}

describe('keras extra layers: static shapes and weights as TF makes them', () => {
  for (const [name, make] of CASES) {
    it(name, () => {
      const gold = G[name]!;
      const g = new tf.Graph();
      g.asDefault(() => {
        const b = make(gold.inputs.map((a) => tf.placeholder(tf.float32, a.shape)));
        expect(b.outs.map((t) => t.shape)).toEqual(gold.outputs.map((o) => o.shape));
        expect(b.weights().map((v) => v.name)).toEqual(gold.weights.map((w) => w.name));
        expect(b.weights().map((v) => v.shape)).toEqual(gold.weights.map((w) => w.shape));
      });
    });
  }

  it('LSTM, GRU and SimpleRNN share the cells; a cell made by a layer takes the cell\'s name; TF 1.15 defaults', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2, 5, 3]);
      const lstm = new L.LSTM(4);
      lstm.apply(x);
      expect(lstm.cell).toBeInstanceOf(L.LSTMCell);
      expect(lstm.weights.map((v) => [v.name, v.shape])).toEqual([['lstm/kernel:0', [3, 16]], ['lstm/recurrent_kernel:0', [4, 16]], ['lstm/bias:0', [16]]]);
      expect(new L.LSTMCell(2).name).toBe('lstm_cell_1');
      const gru = new L.GRU(2);
      gru.apply(x);
      expect((gru.cell as InstanceType<typeof L.GRUCell>).resetAfter).toBe(false);
      expect(gru.bias!.shape).toEqual([6]);
      const ln = new L.LayerNormalization();
      expect([ln.axis, ln.epsilon, ln.center, ln.scale]).toEqual([[-1], 1e-3, true, true]);
      // unknown steps run in the while loop
      const dyn = new L.RNN(new L.SimpleRNNCell(2), { returnSequences: true }).apply(tf.placeholder(tf.float32, [null, null, 3]));
      expect(dyn.shape).toEqual([null, null, 2]);
      expect(L.GlobalAvgPool1D).toBe(L.GlobalAveragePooling1D);
      expect(L.GlobalMaxPool2D).toBe(L.GlobalMaxPooling2D);
    });
  });

  it('a user subclass of Layer: build() makes weights by addWeight, call() computes, list inputs, InputSpec checked', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      class Scale extends L.Layer {
        w: tf.Variable | null = null;
        constructor(opts: Record<string, unknown> = {}) {
          super(opts);
          this.inputSpec = new L.InputSpec({ minNdim: 2 });
        }
        protected override build(shape: (number | null)[]): void {
          this.w = this.addWeight('w', [shape[shape.length - 1]!], null, 'ones', 'l2');
        }
        protected override call(x: Tensor): Tensor {
          return tf.multiply(x, this.w!);
        }
      }
      const s = new Scale();
      expect(s.name).toBe('scale');
      const y = s.apply(tf.placeholder(tf.float32, [2, 3]));
      expect(y.shape).toEqual([2, 3]);
      expect(s.weights.map((v) => v.name)).toEqual(['scale/w:0']);
      expect(s.losses.length).toBe(1);
      expect(() => s.apply(tf.placeholder(tf.float32, [3]))).toThrow('Input 0 of layer scale is incompatible with the layer: : expected min_ndim=2, found ndim=1');
      class Pair extends L.Layer {
        seen: unknown = null;
        protected override build(shapes: unknown): void {
          this.seen = shapes;
        }
        protected override call(xs: Tensor[]): Tensor {
          return tf.add(xs[0]!, xs[1]!);
        }
      }
      const p = new Pair({ name: 'pair' });
      expect(p.apply([tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [2, 3])]).shape).toEqual([2, 3]);
      expect(p.seen).toEqual([[2, 3], [2, 3]]);
      const spec = new L.InputSpec({ ndim: 3, axes: { [-1]: 4 } });
      const q = new L.Layer();
      q.inputSpec = spec;
      expect(() => q.apply(tf.placeholder(tf.float32, [1, 2, 5]))).toThrow('expected axis -1 of input shape to have value 4');
      expect(() => q.apply(tf.placeholder(tf.float32, [1, 2]))).toThrow('expected ndim=3, found ndim=2');
    });
  });
});

for (const dev of devices) {
  describe(`keras extra layers against numpy goldens on ${dev.name}`, () => {
    for (const [name, make] of CASES) {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const gold = G[name]!;
        const g = new tf.Graph();
        const { xs, outs, sets } = g.asDefault(() => {
          const xs = gold.inputs.map((a) => tf.placeholder(tf.float32, a.shape));
          const b = make(xs);
          const sets = b.weights().map((v, i) => tf.assign(v, nd(gold.weights[i]!)));
          return { xs, outs: b.outs, sets };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          if (sets.length > 0) await sess.run(sets);
          const got = (await sess.run(outs, new Map(xs.map((x, i) => [x, nd(gold.inputs[i]!)])))) as NDArray[];
          got.forEach((a, i) => {
            expect(a.shape).toEqual(gold.outputs[i]!.shape);
            expectClose(a, gold.outputs[i]!.values);
          });
        } finally {
          await sess.close();
        }
      });
    }

    it('noise and dropout layers: the identity at inference, their noise while training', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const n = 4000;
      const xv = Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(i * 0.37));
      const o = g.asDefault(() => {
        tf.setRandomSeed(7);
        const x = tf.placeholder(tf.float32, [n / 8, 8]);
        const x4 = tf.placeholder(tf.float32, [20, 5, 5, 40]);
        const x3 = tf.placeholder(tf.float32, [50, 10, 8]);
        return {
          x, x4, x3,
          gn: new L.GaussianNoise(0.5).apply(x),
          gd: new L.GaussianDropout(0.2).apply(x),
          ad: new L.AlphaDropout(0.3).apply(x),
          sd2: new L.SpatialDropout2D(0.4).apply(x4),
          sd2cf: new L.SpatialDropout2D(0.4, 'channels_first').apply(x4),
          sd1: new L.SpatialDropout1D(0.5).apply(x3),
          phase: tf.keras.backend.learningPhase() as Tensor,
        };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const ones4 = new tf.NDArray(new Float32Array(20 * 5 * 5 * 40).fill(1), [20, 5, 5, 40]);
        const ones3 = new tf.NDArray(new Float32Array(50 * 80).fill(1), [50, 10, 8]);
        const feed = (train: boolean) => new Map<Tensor, NDArray | boolean>([[o.x, new tf.NDArray(Float32Array.from(xv), [n / 8, 8])], [o.x4, ones4], [o.x3, ones3], ...(train ? [[o.phase, true] as [Tensor, boolean]] : [])]);
        const fetch = [o.gn, o.gd, o.ad, o.sd2, o.sd2cf, o.sd1];
        const inf = (await sess.run(fetch, feed(false) as never)) as NDArray[];
        for (const a of inf.slice(0, 3)) expectClose(a, xv, 1e-6);
        for (const a of inf.slice(3)) expect(Array.from(a.data as Float32Array).every((v) => v === 1)).toBe(true);
        const [gn, gd, ad, sd2, sd2cf, sd1] = ((await sess.run(fetch, feed(true) as never)) as NDArray[]).map((a) => Array.from(a.data as Float32Array));
        const stats = (d: number[]): [number, number] => {
          const m = d.reduce((a, b) => a + b, 0) / d.length;
          return [m, Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length)];
        };
        // GaussianNoise: x + N(0, 0.25)
        const [m1, s1] = stats(gn!.map((v, i) => v - xv[i]!));
        expect(Math.abs(m1)).toBeLessThan(0.05);
        expect(Math.abs(s1 - 0.5)).toBeLessThan(0.03);
        // GaussianDropout: x · N(1, 0.2/0.8)
        const [m2, s2] = stats(gd!.map((v, i) => v / xv[i]!));
        expect(Math.abs(m2 - 1)).toBeLessThan(0.05);
        expect(Math.abs(s2 - 0.5)).toBeLessThan(0.03);
        // AlphaDropout: a·x + b where kept, a·(−alpha·scale) + b where dropped
        const rate = 0.3;
        const alphaP = -1.6732632423543772 * 1.0507009873554805;
        const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
        const b = -a * alphaP * rate;
        let dropped = 0;
        ad!.forEach((v, i) => {
          const kept = Math.abs(v - (a * xv[i]! + b)) < 1e-4;
          const drop = Math.abs(v - (a * alphaP + b)) < 1e-4;
          expect(kept || drop).toBe(true);
          if (drop) dropped++;
        });
        expect(Math.abs(dropped / n - rate)).toBeLessThan(0.04);
        // SpatialDropout: whole channels 0 or 1/(1−rate)
        const channelsConst = (d: number[], idx: (k: number) => number, groups: number): number => {
          const val = new Map<number, number>();
          let zeros = 0;
          d.forEach((v, k) => {
            expect(v === 0 || Math.abs(v - 1 / 0.6) < 1e-5 || Math.abs(v - 2) < 1e-5).toBe(true);
            const gi = idx(k);
            if (val.has(gi)) expect(val.get(gi)).toBe(v);
            else {
              val.set(gi, v);
              if (v === 0) zeros++;
            }
          });
          expect(val.size).toBe(groups);
          return zeros / groups;
        };
        expect(Math.abs(channelsConst(sd2!, (k) => Math.floor(k / 1000) * 40 + (k % 40), 800) - 0.4)).toBeLessThan(0.07);
        expect(Math.abs(channelsConst(sd2cf!, (k) => Math.floor(k / 25), 800) - 0.4)).toBeLessThan(0.07);
        expect(Math.abs(channelsConst(sd1!, (k) => Math.floor(k / 80) * 8 + (k % 8), 400) - 0.5)).toBeLessThan(0.08);
      } finally {
        await sess.close();
      }
    });

    it('ActivityRegularization adds l1·Σ|x| + l2·Σx² over the batch size to the losses, the output unchanged', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const xv = [1, -2, 3, -4, 0.5, 6];
      const o = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [2, 3]);
        const l = new L.ActivityRegularization(0.1, 0.01);
        const y = l.apply(x);
        return { x, y, loss: tf.addN(l.losses) };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const [y, loss] = (await sess.run([o.y, o.loss], new Map([[o.x, new tf.NDArray(Float32Array.from(xv), [2, 3])]]))) as NDArray[];
        expectClose(y!, xv, 1e-7);
        const want = (0.1 * xv.reduce((a, v) => a + Math.abs(v), 0) + 0.01 * xv.reduce((a, v) => a + v * v, 0)) / 2;
        expectClose(loss!, [want], 1e-5);
      } finally {
        await sess.close();
      }
    });
  });
}

describe('keras extra layers: Keras\'s errors', () => {
  it('bad arguments and inputs fail with TF\'s texts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new L.ReLU(-1)).toThrow('max_value of Relu layer cannot be negative value: -1');
      expect(() => new L.ReLU(null, -0.5)).toThrow('negative_slope of Relu layer cannot be negative value: -0.5');
      expect(() => new L.Dot([1, 2, 3])).toThrow('Invalid format for `axes` - should contain two elements.');
      expect(() => new L.Dot(1).apply([tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [2, 4])])).toThrow('Dimension incompatibility 3 != 4. Layer shapes: (2, 3), (2, 4)');
      expect(() => new L.Dot(1).apply([tf.placeholder(tf.float32, [2, 3])])).toThrow('A merge layer should be called on a list of inputs.');
      expect(() => new L.Attention().apply([tf.placeholder(tf.float32, [1, 2, 3])])).toThrow('Attention layer accepts inputs list of length 2 or 3');
      expect(() => new L.RNN(3)).toThrow('Argument `cell` should have a `call` method.');
      expect(() => new L.RNN(new L.LSTMCell(2), { unroll: true }).apply(tf.placeholder(tf.float32, [2, null, 3]))).toThrow('Cannot unroll a RNN if the time dimension is undefined.');
      expect(() => new L.RNN(new L.LSTMCell(2)).apply(tf.placeholder(tf.float32, [2, 3, 3]), { initialState: [tf.zeros([2, 2])] })).toThrow('Layer has 2 states but was passed 1 initial states.');
      expect(() => new L.CuDNNLSTM(4)).toThrow('CuDNNLSTM runs only on a GPU with cuDNN');
      expect(() => new L.CuDNNGRU(4)).toThrow('CuDNNGRU runs only on a GPU with cuDNN');
      expect(() => new L.LSTMCell(2, { dropout: 'half' })).toThrow('LSTMCell: dropout must be a number, got half');
      expect(() => new L.StackedRNNCells([new L.LSTMCell(2), 5])).toThrow('All cells must have a `call` method.');
    });
  });
});

describeGradients('keras extra layers: d(output)/d(inputs) against central differences', [
  { name: 'RNN(LSTMCell) go_backwards', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.RNN(new L.LSTMCell(2), { goBackwards: true }).apply(x) as Tensor },
  { name: 'GRU reset_after', ins: [{ shape: [2, 3, 2] }], f: (x) => new L.GRU(2, { resetAfter: true, returnSequences: true }).apply(x) as Tensor },
  { name: 'StackedRNNCells(SimpleRNN, GRU)', ins: [{ shape: [1, 3, 2] }], f: (x) => new L.RNN([new L.SimpleRNNCell(2), new L.GRUCell(2)]).apply(x) as Tensor },
  { name: 'LayerNormalization', ins: [{ shape: [2, 5] }], f: (x) => new L.LayerNormalization({ gammaInitializer: 'glorot_uniform' }).apply(x) },
  { name: 'PReLU', ins: [{ shape: [2, 4], gen: 'away' }], f: (x) => new L.PReLU({ alphaInitializer: tf.constantInitializer(0.25) }).apply(x) },
  { name: 'Dot normalize', ins: [{ shape: [2, 3] }, { shape: [2, 3] }], f: (a, b) => L.dot([a!, b!], 1, true) },
  { name: 'Attention causal', ins: [{ shape: [1, 3, 2] }, { shape: [1, 3, 2] }], f: (q, v) => new L.Attention({ causal: true }).apply([q!, v!]) as Tensor },
  { name: 'AdditiveAttention', ins: [{ shape: [1, 2, 3] }, { shape: [1, 3, 3] }], f: (q, v) => new L.AdditiveAttention().apply([q!, v!]) as Tensor },
  { name: 'ELU and Softmax', ins: [{ shape: [2, 4] }], f: (x) => new L.Softmax().apply(new L.ELU(0.7).apply(x)) },
], devices);
