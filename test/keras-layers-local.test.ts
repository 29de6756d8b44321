/**
 * tf.keras.layers.LocallyConnected1D / 2D (implementations 1, 2 and 3 with TF's weight layouts)
 * and tf.keras.backend's local_conv1d / local_conv2d, rnn and the CTC helpers: numbers against
 * float64 numpy goldens (fixtures/keras-local-backend-goldens.py: explicit per-position loops,
 * an explicit step loop, the CTC alpha recursion), gradients against central differences, and
 * Keras's errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { describeGradients } from './support/grad-check.js';
import { resolvedDevices } from './conformance/harness.js';

const devices = await resolvedDevices();
const L = tf.keras.layers;
const K = tf.keras.backend;

interface Arr { shape: number[]; values: number[] }
const G: Record<string, any> = JSON.parse(readFileSync(new URL('./fixtures/keras-local-backend-goldens.json', import.meta.url), 'utf8'));
const nd = (a: Arr): NDArray => new tf.NDArray(Float32Array.from(a.values), [...a.shape]);

function close(got: NDArray, want: Arr, tol = 1e-4): void {
  expect(got.shape).toEqual(want.shape);
  const g = Array.from(got.data as Float32Array);
  want.values.forEach((v, i) => {
    if (!(Math.abs(g[i]! - v) <= tol * (1 + Math.abs(v)))) throw new Error(`element ${i}: got ${g[i]}, want ${v}`);
  });
}

async function run(build: () => { fetch: Tensor | Tensor[]; init?: () => [tf.Variable, NDArray][] }): Promise<NDArray[]> {
  const g = new tf.Graph();
  const { fetch, assigns, init } = g.asDefault(() => {
    const b = build();
    const assigns = (b.init?.() ?? []).map(([v, a]) => tf.assign(v, tf.constant(a)));
    const init = tf.globalVariables().length > 0 ? tf.globalVariablesInitializer() : null;
    return { fetch: b.fetch, assigns, init };
  });
  const sess = new tf.Session({ graph: g });
  try {
    if (init) await sess.run(init);
    if (assigns.length) await sess.run(assigns);
    const r = await sess.run(Array.isArray(fetch) ? fetch : [fetch]);
    return r as NDArray[];
  } finally {
    await sess.close();
  }
}

describe('LocallyConnected1D / 2D', () => {
  for (const name of ['lc1d', 'lc1d cf', 'lc2d', 'lc2d cf']) {
    const c = G[name];
    for (const impl of [1, 2, 3]) {
      it(`${name}, implementation ${impl}: TF's kernel layout, numbers as per-position matmuls`, async () => {
        const Cls = c.ks.length === 1 ? L.LocallyConnected1D : L.LocallyConnected2D;
        let layer!: InstanceType<typeof L.LocallyConnected1D> | InstanceType<typeof L.LocallyConnected2D>;
        const [y] = await run(() => {
          layer = new Cls(c.filters, c.ks, c.st, { dataFormat: c.cf ? 'channels_first' : 'channels_last', implementation: impl });
          const out = layer.apply(tf.constant(nd(c.x)));
          return { fetch: out, init: () => [[layer.kernel!, nd(c[`kernel${impl}`])], [layer.bias!, nd(c.bias)]] };
        });
        expect(layer.kernel!.shape).toEqual(c[`kernel${impl}`].shape);
        expect(layer.bias!.shape).toEqual(c.bias.shape);
        expect(layer.kernel!.name).toMatch(/^locally_connected[12]d(_\d+)?\/kernel:0$/);
        close(y!, c.y);
      });
    }
  }

  it('K.local_conv1d and K.local_conv2d give the implementation-1 numbers without the bias', async () => {
    const c1 = G.lc1d;
    const c2 = G['lc2d cf'];
    const [y1, y2, b1, b2] = await run(() => ({
      fetch: [
        K.localConv1d(tf.constant(nd(c1.x)), tf.constant(nd(c1.kernel1)), c1.ks, c1.st),
        K.localConv2d(tf.constant(nd(c2.x)), tf.constant(nd(c2.kernel1)), c2.ks, c2.st, [3, 2], 'channels_first'),
        tf.constant(nd(c1.bias)), tf.constant(nd(c2.bias)),
      ],
    }));
    const sub = (y: NDArray, want: Arr, bias: NDArray): Arr => {
      // y_golden minus the bias (bias_add's reshape for channels_first is a plain reshape).
      const bv = Array.from(bias.data as Float32Array);
      const per = bv.length;
      const batch = want.shape[0]!;
      const n = want.values.length / batch;
      return { shape: want.shape, values: want.values.map((v, i) => v - bv[(i % n) % per]!) };
    };
    close(y1!, sub(y1!, c1.y, b1!));
    close(y2!, sub(y2!, c2.y, b2!));
  });

  it('padding same is refused for implementation 1 and accepted by 2 and 3 (same numbers)', async () => {
    expect(() => new L.LocallyConnected1D(2, 3, { padding: 'same' })).toThrow('Invalid border mode for LocallyConnected1D (only "valid" is supported if implementation is 1): same');
    expect(() => new L.LocallyConnected2D(2, 3, { implementation: 4 })).toThrow('Unrecognized implementation mode: 4.');
    const xs = nd({ shape: [1, 5, 2], values: Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)) });
    const [a, b] = await run(() => {
      const l2 = new L.LocallyConnected1D(3, 3, { padding: 'same', implementation: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' });
      const l3 = new L.LocallyConnected1D(3, 3, { padding: 'same', implementation: 3, kernelInitializer: 'ones' });
      const t = tf.constant(xs);
      const y2 = l2.apply(t);
      const y3 = l3.apply(t);
      expect(l2.kernel!.shape).toEqual([5, 2, 5, 3]);
      // 'same' windows: positions 0 and 4 see 2 inputs, the others 3 → 2+3+3+3+2 = 13 entries per in/out filter pair.
      expect(l3.kernel!.shape).toEqual([13 * 2 * 3]);
      return { fetch: [y2, y3], init: () => [] };
    });
    const xv = Array.from(xs.data as Float32Array);
    const want = [0, 1, 2, 3, 4].map((o) => {
      let s = 0;
      for (let i = Math.max(0, o - 1); i <= Math.min(4, o + 1); i++) s += xv[2 * i]! + xv[2 * i + 1]!;
      return s;
    });
    const w: Arr = { shape: [1, 5, 3], values: want.flatMap((v) => [v, v, v]) };
    close(a!, w);
    close(b!, w);
  });

  it('errors name what is wrong', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new L.LocallyConnected2D(2, 2).apply(tf.placeholder('float32', [null, 3, 3]))).toThrow(/expected ndim=4, found ndim=3/);
      expect(() => new L.LocallyConnected2D(2, 2).apply(tf.placeholder('float32', [null, null, 3, 1]))).toThrow(/should be fully-defined/);
    });
  });

  it('getConfig, serialize and deserialize round-trip the layer', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const l = new L.LocallyConnected2D(4, [2, 3], { strides: 2, activation: 'relu', implementation: 2 });
      const s = L.serialize(l) as { className: string; config: Record<string, unknown> };
      expect(s.className).toBe('LocallyConnected2D');
      expect(s.config).toMatchObject({ filters: 4, kernelSize: [2, 3], strides: [2, 2], padding: 'valid', activation: 'relu', implementation: 2, useBias: true });
      const back = L.deserialize(JSON.parse(JSON.stringify(s))) as InstanceType<typeof L.LocallyConnected2D>;
      expect(back).toBeInstanceOf(L.LocallyConnected2D);
      expect(back.getConfig()).toEqual(s.config);
      expect(() => L.deserialize({ className: 'NoSuchLayer', config: {} })).toThrow('Unknown layer: NoSuchLayer');
    });
  });
});

describeGradients('locally connected: d(output)/d(inputs) against central differences', [
  { name: 'LocallyConnected1D impl 1', ins: [{ shape: [2, 5, 2] }], f: (x) => new L.LocallyConnected1D(2, 2, { biasInitializer: 'ones' }).apply(x) },
  { name: 'LocallyConnected2D impl 2 cf', ins: [{ shape: [1, 2, 3, 3] }], f: (x) => new L.LocallyConnected2D(2, 2, { dataFormat: 'channels_first', implementation: 2 }).apply(x) },
  { name: 'LocallyConnected2D impl 3', ins: [{ shape: [1, 3, 4, 2] }], f: (x) => new L.LocallyConnected2D(2, [2, 2], { strides: [1, 2], implementation: 3 }).apply(x) },
], devices);

describe('K.rnn', () => {
  for (const name of ['rnn', 'rnn masked backwards', 'rnn masked']) {
    for (const known of [true, false]) {
      it(`${name}, ${known ? 'unrolled' : 'while loop'}: [last_output, outputs, new_states] as an explicit step loop`, async () => {
        const c = G[name];
        const outs = await run(() => {
          const W = tf.constant(nd(c.W));
          const U = tf.constant(nd(c.U));
          const step = (xt: Tensor, st: Tensor[]): [Tensor, Tensor[]] => {
            const [h, a, cc] = st;
            const o = tf.tanh(tf.add(tf.add(tf.matmul(xt, W), tf.matmul(h!, U)), cc!));
            return [o, [o, tf.add(a!, o)]];
          };
          const xv = tf.constant(nd(c.x));
          const x = known ? xv : tf.placeholderWithDefault(xv, [2, null, 3]);
          const mask = c.mask ? tf.constant(new tf.NDArray(Uint8Array.from(c.mask), [2, 4], 'bool')) : null;
          const [last, outputs, states] = K.rnn(step, x, [tf.constant(nd(c.h0)), tf.constant(nd(c.a0))], c.back, mask, [tf.constant(nd(c.c))]);
          return { fetch: [last, outputs, ...states] };
        });
        close(outs[0]!, c.last);
        close(outs[1]!, c.outputs);
        close(outs[2]!, c.states[0]);
        close(outs[3]!, c.states[1]);
      });
    }
  }
  it('errors', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => K.rnn((x, s) => [x, s], tf.zeros([2, 3]), [])).toThrow('Input should be at least 3D.');
      expect(() => K.rnn((x, s) => [x, s], tf.placeholder('float32', [2, null, 3]), [], false, null, null, true)).toThrow('Unrolling requires a fixed number of timesteps.');
    });
  });
});

describeGradients('K.rnn: d(outputs)/d(inputs, states) against central differences', [
  {
    name: 'K.rnn masked go_backwards', ins: [{ shape: [2, 3, 2] }, { shape: [2, 2] }],
    f: (x, h) => {
      const mask = tf.constant(new tf.NDArray(Uint8Array.from([1, 0, 1, 1, 1, 0]), [2, 3], 'bool'));
      const uu = tf.constant([[0.5, -0.3], [0.2, 0.7]], x!.dtype);
      const [, outs, st] = K.rnn((xt, s) => { const o = tf.tanh(tf.add(xt, tf.matmul(s[0]!, uu))); return [o, [o]]; }, x!, [h!], true, mask);
      return [outs, st[0]!];
    },
  },
], devices);

describe('K.ctc_batch_cost / ctc_decode / ctc_label_dense_to_sparse', () => {
  const c = G.ctc;
  it('ctc_batch_cost is the CTC loss of log(y_pred + epsilon) [samples, 1]', async () => {
    for (const dynamic of [false, true]) {
      const [loss] = await run(() => {
        const yt = tf.constant(new tf.NDArray(Int32Array.from(c.labels), [3, 4], 'int32'));
        const labels = dynamic ? tf.placeholderWithDefault(yt, [null, null]) : yt;
        return {
          fetch: K.ctcBatchCost(labels, tf.constant(nd(c.y_pred)), tf.constant(new tf.NDArray(Int32Array.from(c.input_len), [3, 1], 'int32')),
            tf.constant(new tf.NDArray(Int32Array.from(c.label_len), [3, 1], 'int32'))),
        };
      });
      close(loss!, c.loss, 2e-4);
    }
  });
  it('ctc_decode greedy: dense decoded padded with -1, negative sum of the max log probabilities', async () => {
    const [dec, lp] = await run(() => {
      const [d, l] = K.ctcDecode(tf.constant(nd(c.y_pred)), tf.constant(new tf.NDArray(Int32Array.from(c.input_len), [3], 'int32')));
      return { fetch: [d[0]!, l] };
    });
    expect(dec!.shape).toEqual(c.decoded_shape);
    expect(Array.from(dec!.data as ArrayLike<number>).map(Number)).toEqual(c.decoded.flat());
    close(lp!, c.neg_sum_logits);
  });
  it('ctc_decode beam search: its top path and greedy agree on a peaked distribution', async () => {
    const p = [[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.05, 0.05, 0.9], [0.05, 0.9, 0.05]];
    const [dec] = await run(() => {
      const [d] = K.ctcDecode(tf.constant(new tf.NDArray(Float32Array.from(p.flat()), [1, 4, 3])), tf.constant(new tf.NDArray(Int32Array.from([4]), [1], 'int32')), { greedy: false, beamWidth: 10, topPaths: 1 });
      return { fetch: d[0]! };
    });
    expect(Array.from(dec!.data as ArrayLike<number>).map(Number)).toEqual([0, 1]);
  });
  it('ctc_label_dense_to_sparse keeps the first label_length entries of each row', async () => {
    const [ind, val, shp] = await run(() => {
      const sp = K.ctcLabelDenseToSparse(tf.placeholderWithDefault(tf.constant(new tf.NDArray(Int32Array.from(c.labels), [3, 4], 'int32')), [null, null]), tf.constant(new tf.NDArray(Int32Array.from(c.label_len), [3], 'int32')));
      return { fetch: [sp.indices, sp.values, sp.denseShape] };
    });
    expect(Array.from(ind!.data as ArrayLike<number | bigint>).map(Number)).toEqual([0, 0, 0, 1, 0, 2, 1, 0, 1, 1, 2, 0]);
    expect(Array.from(val!.data as ArrayLike<number>).map(Number)).toEqual([0, 1, 1, 3, 2, 1]);
    expect(Array.from(shp!.data as ArrayLike<number | bigint>).map(Number)).toEqual([3, 4]);
  });
  it('ctc_batch_cost checks the length shapes', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => K.ctcBatchCost(tf.zeros([2, 3], 'int32'), tf.zeros([2, 4, 5]), tf.zeros([2, 2], 'int32'), tf.zeros([2, 1], 'int32'))).toThrow(/input_length must be \[samples, 1\]/);
    });
  });
});
