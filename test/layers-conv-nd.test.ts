/**
 * tf.layers conv1d / conv3d / separableConv1d / separableConv2d and the 1-D and 3-D poolings:
 * TF1's variable names and shapes, outputs against float64 references of TF1's formulas
 * (strides, dilation, valid / same / causal padding, channels_first, depth multipliers), and
 * gradients of the 3-D convolution and poolings against finite differences.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { conv3dNdhwc, conv3dTransposeNdhwc, pool3dNdhwc } from '../src/layers/conv-nd.js';
import { checkGradients, rng } from './support/grad-check.js';
import { thrown } from './support/errors.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A channels-last N-d conv (any number of spatial dims), kernel [...k, in, out]. */
function refConv(x: number[], xs: number[], k: number[], ks: number[], s: number[], d: number[], same: boolean): { data: number[]; shape: number[] } {
  const nd = xs.length - 2;
  const sp = xs.slice(1, -1);
  const c = xs[xs.length - 1]!;
  const kk = ks.slice(0, nd);
  const o = ks[ks.length - 1]!;
  const outs: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < nd; i++) {
    const eff = (kk[i]! - 1) * d[i]! + 1;
    if (same) {
      const out = Math.ceil(sp[i]! / s[i]!);
      outs.push(out);
      before.push(Math.floor(Math.max(0, (out - 1) * s[i]! + eff - sp[i]!) / 2));
    } else {
      outs.push(Math.floor((sp[i]! - eff) / s[i]!) + 1);
      before.push(0);
    }
  }
  const idx = (dims: number[], pos: number[]): number => pos.reduce((a, p, i) => a * dims[i]! + p, 0);
  const data: number[] = [];
  const iter = (dims: number[], fn: (p: number[]) => void, p: number[] = []): void => {
    if (p.length === dims.length) return fn(p);
    for (let i = 0; i < dims[p.length]!; i++) iter(dims, fn, [...p, i]);
  };
  for (let b = 0; b < xs[0]!; b++) {
    iter(outs, (op) => {
      for (let q = 0; q < o; q++) {
        let acc = 0;
        iter(kk, (kp) => {
          const ip = op.map((v, i) => v * s[i]! + kp[i]! * d[i]! - before[i]!);
          if (ip.some((v, i) => v < 0 || v >= sp[i]!)) return;
          for (let ch = 0; ch < c; ch++) acc += x[idx([xs[0]!, ...sp, c], [b, ...ip, ch])]! * k[idx(ks, [...kp, ch, q])]!;
        });
        data.push(acc);
      }
    });
  }
  return { data, shape: [xs[0]!, ...outs, o] };
}

/** Depthwise: kernel [...k, C, M] → output channel c·M + m. */
function refDepthwise(x: number[], xs: number[], k: number[], ks: number[], s: number[], d: number[], same: boolean): { data: number[]; shape: number[] } {
  const c = xs[xs.length - 1]!;
  const m = ks[ks.length - 1]!;
  const kk = ks.slice(0, -2);
  // Each (c, m) pair is an ordinary conv of channel c alone.
  const perChannel: { data: number[]; shape: number[] }[] = [];
  for (let ch = 0; ch < c; ch++) {
    const xc = x.filter((_, i) => i % c === ch);
    const kc: number[] = [];
    for (let i = 0; i < k.length; i++) if (Math.floor(i / m) % c === ch) kc.push(k[i]!);
    perChannel.push(refConv(xc, [...xs.slice(0, -1), 1], kc, [...kk, 1, m], s, d, same));
  }
  const shape = [...perChannel[0]!.shape.slice(0, -1), c * m];
  const pos = size(shape) / (c * m);
  const data: number[] = [];
  for (let p = 0; p < pos; p++) for (let ch = 0; ch < c; ch++) for (let q = 0; q < m; q++) data.push(perChannel[ch]!.data[p * m + q]!);
  return { data, shape };
}

/** A channels-last N-d pool; padding is never counted (max ignores it, mean divides by the valid count). */
function refPool(kind: 'max' | 'avg', x: number[], xs: number[], k: number[], s: number[], same: boolean): { data: number[]; shape: number[] } {
  const nd = xs.length - 2;
  const sp = xs.slice(1, -1);
  const c = xs[xs.length - 1]!;
  const outs: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < nd; i++) {
    if (same) {
      const out = Math.ceil(sp[i]! / s[i]!);
      outs.push(out);
      before.push(Math.floor(Math.max(0, (out - 1) * s[i]! + k[i]! - sp[i]!) / 2));
    } else {
      outs.push(Math.floor((sp[i]! - k[i]!) / s[i]!) + 1);
      before.push(0);
    }
  }
  const idx = (dims: number[], pos: number[]): number => pos.reduce((a, p, i) => a * dims[i]! + p, 0);
  const iter = (dims: number[], fn: (p: number[]) => void, p: number[] = []): void => {
    if (p.length === dims.length) return fn(p);
    for (let i = 0; i < dims[p.length]!; i++) iter(dims, fn, [...p, i]);
  };
  const data: number[] = [];
  for (let b = 0; b < xs[0]!; b++) {
    iter(outs, (op) => {
      for (let ch = 0; ch < c; ch++) {
        let acc = kind === 'max' ? -Infinity : 0;
        let n = 0;
        iter(k, (kp) => {
          const ip = op.map((v, i) => v * s[i]! + kp[i]! - before[i]!);
          if (ip.some((v, i) => v < 0 || v >= sp[i]!)) return;
          const v = x[idx([xs[0]!, ...sp, c], [b, ...ip, ch])]!;
          acc = kind === 'max' ? Math.max(acc, v) : acc + v;
          n++;
        });
        data.push(kind === 'max' ? acc : acc / n);
      }
    });
  }
  return { data, shape: [xs[0]!, ...outs, c] };
}

/** Move channels between first and last. */
function toFirst(x: number[], shape: number[]): { data: number[]; shape: number[] } {
  const c = shape[shape.length - 1]!;
  const n = shape[0]!;
  const sp = size(shape.slice(1, -1));
  const data: number[] = [];
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < sp; p++) data.push(x[(b * sp + p) * c + ch]!);
  return { data, shape: [n, c, ...shape.slice(1, -1)] };
}

function close(got: NDArray, want: { data: number[]; shape: number[] }): void {
  expect(got.shape).toEqual(want.shape);
  const g = Array.from(got.data as Float64Array);
  g.forEach((v, i) => expect(Math.abs(v - want.data[i]!)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(want.data[i]!))));
}

const randArr = (seed: number, n: number): number[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => 2 * r() - 1);
};

interface LayerRun {
  out: NDArray;
  vars: Record<string, NDArray>;
}
/** Build `make(x)` on a float64 input, initialize, and fetch the output and every variable by name. */
async function runLayer(xShape: number[], x: number[], make: (x: Tensor) => Tensor): Promise<LayerRun & { names: [string, number[]][] }> {
  const g = new tf.Graph();
  const { y, vars } = g.asDefault(() => {
    tf.setRandomSeed(3);
    const p = tf.constant(new tf.NDArray(Float64Array.from(x), xShape, 'float64'));
    return { y: make(p), vars: tf.globalVariables() };
  });
  const sess = new tf.Session({ graph: g });
  await g.asDefault(() => sess.run(tf.globalVariablesInitializer()));
  // Non-zero biases, so that the bias is checked too.
  for (const v of vars) if (v.op.name.endsWith('/bias')) await g.asDefault(() => sess.run(tf.assign(v, tf.constant(randArr(9, v.shape[0]!), 'float64'))));
  const got = (await sess.run([y, ...vars])) as NDArray[];
  await sess.close();
  return { out: got[0]!, vars: Object.fromEntries(vars.map((v, i) => [v.op.name, got[i + 1]!])), names: vars.map((v) => [v.op.name, v.shape as number[]]) };
}
const flat = (a: NDArray): number[] => Array.from(a.data as Float64Array);
const addBias = (r: { data: number[]; shape: number[] }, b: number[]): { data: number[]; shape: number[] } => ({ data: r.data.map((v, i) => v + b[i % b.length]!), shape: r.shape });

describe('tf.layers.conv1d / Conv1D', () => {
  it('variables conv1d/kernel [k, in, filters] and conv1d/bias; valid, same, causal, strides and dilation against float64', async () => {
    const xs = [2, 9, 3];
    const x = randArr(1, size(xs));
    for (const [padding, strides, dil] of [['valid', 1, 1], ['same', 2, 1], ['valid', 1, 2], ['same', 1, 3], ['causal', 1, 2]] as const) {
      const r = await runLayer(xs, x, (t) => tf.layers.conv1d(t, 4, 3, strides, padding, 'channels_last', dil));
      expect(r.names).toEqual([['conv1d/kernel', [3, 3, 4]], ['conv1d/bias', [4]]]);
      let xin = x;
      let xsIn = xs;
      if (padding === 'causal') {
        const left = dil * 2;
        xsIn = [2, 9 + left, 3];
        xin = [];
        for (let b = 0; b < 2; b++) xin.push(...Array(left * 3).fill(0), ...x.slice(b * 27, (b + 1) * 27));
      }
      const ref = refConv(xin, xsIn, flat(r.vars['conv1d/kernel']!), [3, 3, 4], [strides], [dil], padding === 'same');
      close(r.out, addBias(ref, flat(r.vars['conv1d/bias']!)));
    }
  });

  it('the Conv1D class, a second layer conv1d_1, reuse by name, channels_first and an activation', async () => {
    const xs = [1, 3, 7];
    const x = randArr(2, size(xs));
    const r = await runLayer(xs, x, (t) => {
      const l = new tf.layers.Conv1D(2, 2, { dataFormat: 'channels_first', activation: tf.nn.relu, useBias: false });
      const a = l.apply(t);
      expect(l.apply(t).shape).toEqual([1, 2, 6]);
      return a;
    });
    expect(r.names).toEqual([['conv1d/kernel', [2, 3, 2]]]);
    // channels_first [1, 3, 7] is the channels_last [1, 7, 3] of its transpose
    const last: number[] = [];
    for (let w = 0; w < 7; w++) for (let c = 0; c < 3; c++) last.push(x[c * 7 + w]!);
    const ref = refConv(last, [1, 7, 3], flat(r.vars['conv1d/kernel']!), [2, 3, 2], [1], [1], false);
    close(r.out, toFirst(ref.data.map((v) => Math.max(v, 0)), ref.shape));
    new tf.Graph().asDefault(() => {
      const t = tf.placeholder('float32', [null, 5, 2]);
      tf.layers.conv1d(t, 3, 2, { name: 'c' });
      tf.layers.conv1d(t, 3, 2, { name: 'c', reuse: true });
      tf.layers.conv1d(t, 3, 2);
      tf.layers.conv1d(t, 3, 2);
      expect(tf.globalVariables().map((v) => v.op.name)).toEqual(['c/kernel', 'c/bias', 'conv1d/kernel', 'conv1d/bias', 'conv1d_1/kernel', 'conv1d_1/bias']);
      expect(thrown(() => tf.layers.conv1d(tf.placeholder('float32', [2, 5]), 3, 2)).message).toBe(
        'Input 0 of layer conv1d_2 is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: [2, 5]',
      );
      expect(thrown(() => tf.layers.conv2d(tf.placeholder('float32', [1, 4, 4, 1]), 3, 2, { padding: 'causal' })).message).toMatch(/^The `padding` argument must be one of "valid", "same"/);
    });
  });
});

describe('tf.layers.separableConv2d / separableConv1d', () => {
  it('separable_conv2d/{depthwise_kernel [kh, kw, in, dm], pointwise_kernel [1, 1, in·dm, filters], bias}: depthwise then 1×1, against float64', async () => {
    const xs = [2, 6, 5, 3];
    const x = randArr(3, size(xs));
    for (const [padding, strides, dil, dm] of [['valid', 1, 1, 1], ['same', 2, 1, 2], ['same', 1, 2, 2]] as const) {
      const r = await runLayer(xs, x, (t) => tf.layers.separableConv2d(t, 4, [3, 2], strides, padding, 'channels_last', dil, dm));
      expect(r.names).toEqual([
        ['separable_conv2d/depthwise_kernel', [3, 2, 3, dm]],
        ['separable_conv2d/pointwise_kernel', [1, 1, 3 * dm, 4]],
        ['separable_conv2d/bias', [4]],
      ]);
      const dw = refDepthwise(x, xs, flat(r.vars['separable_conv2d/depthwise_kernel']!), [3, 2, 3, dm], [strides, strides], [dil, dil], padding === 'same');
      const pw = refConv(dw.data, dw.shape, flat(r.vars['separable_conv2d/pointwise_kernel']!), [1, 1, 3 * dm, 4], [1, 1], [1, 1], false);
      close(r.out, addBias(pw, flat(r.vars['separable_conv2d/bias']!)));
    }
  });

  it('separable_conv1d and the SeparableConv1D / SeparableConv2D classes', async () => {
    const xs = [2, 8, 2];
    const x = randArr(4, size(xs));
    const r = await runLayer(xs, x, (t) => tf.layers.separableConv1d(t, 3, 3, { strides: 2, padding: 'same', depthMultiplier: 2 }));
    expect(r.names).toEqual([
      ['separable_conv1d/depthwise_kernel', [3, 2, 2]],
      ['separable_conv1d/pointwise_kernel', [1, 4, 3]],
      ['separable_conv1d/bias', [3]],
    ]);
    const dw = refDepthwise(x, xs, flat(r.vars['separable_conv1d/depthwise_kernel']!), [3, 2, 2], [2], [1], true);
    const pw = refConv(dw.data, dw.shape, flat(r.vars['separable_conv1d/pointwise_kernel']!), [1, 4, 3], [1], [1], false);
    close(r.out, addBias(pw, flat(r.vars['separable_conv1d/bias']!)));
    new tf.Graph().asDefault(() => {
      const l = new tf.layers.SeparableConv2D(5, 3, { padding: 'same', name: 'sep' });
      expect(l.apply(tf.placeholder('float32', [null, 4, 4, 2])).shape).toEqual([null, 4, 4, 5]);
      expect(tf.trainableVariables().map((v) => v.op.name)).toEqual(['sep/depthwise_kernel', 'sep/pointwise_kernel', 'sep/bias']);
      expect(new tf.layers.SeparableConv1D(2, 2).apply(tf.placeholder('float32', [1, 5, 3])).shape).toEqual([1, 4, 2]);
    });
  });
});

describe('tf.layers.conv3d / Conv3D', () => {
  it('conv3d/kernel [kd, kh, kw, in, filters]; valid, same, strides and dilation against float64; channels_first', async () => {
    const xs = [2, 5, 4, 4, 2];
    const x = randArr(5, size(xs));
    for (const [padding, strides, dil] of [['valid', [1, 1, 1], [1, 1, 1]], ['same', [2, 1, 2], [1, 1, 1]], ['valid', [1, 1, 1], [2, 1, 1]], ['same', [1, 1, 1], [2, 2, 1]]] as const) {
      const r = await runLayer(xs, x, (t) => tf.layers.conv3d(t, 3, [3, 2, 2], [...strides], padding, 'channels_last', [...dil]));
      expect(r.names).toEqual([['conv3d/kernel', [3, 2, 2, 2, 3]], ['conv3d/bias', [3]]]);
      const ref = refConv(x, xs, flat(r.vars['conv3d/kernel']!), [3, 2, 2, 2, 3], [...strides], [...dil], padding === 'same');
      close(r.out, addBias(ref, flat(r.vars['conv3d/bias']!)));
    }
    const first = toFirst(x, xs);
    const r = await runLayer(first.shape, first.data, (t) => new tf.layers.Conv3D(2, 2, { dataFormat: 'channels_first', padding: 'same' }).apply(t));
    const ref = refConv(x, xs, flat(r.vars['conv3d/kernel']!), [2, 2, 2, 2, 2], [1, 1, 1], [1, 1, 1], true);
    const withBias = addBias(ref, flat(r.vars['conv3d/bias']!));
    close(r.out, toFirst(withBias.data, withBias.shape));
  });

  it('gradients of the 3-D convolution (input and kernel) match finite differences', async () => {
    for (const [p, s, d] of [['valid', [1, 1, 1], [1, 1, 1]], ['same', [2, 1, 2], [1, 1, 1]], ['valid', [1, 1, 1], [2, 1, 1]]] as const) {
      await checkGradients(
        { name: `conv3d ${p} ${s} ${d}`, ins: [{ shape: [1, 5, 3, 3, 2] }, { shape: [2, 2, 2, 2, 2] }], f: (x, k) => conv3dNdhwc(x, k, [...s], p, [...d], 'conv3d') },
        'float64', { device: 'cpu' },
      );
    }
  });
});

describe('1-D and 3-D poolings', () => {
  it('max/average pooling1d against float64 (valid and same, strides), channels_first', async () => {
    const xs = [2, 7, 3];
    const x = randArr(6, size(xs));
    for (const kind of ['max', 'avg'] as const) {
      for (const [pool, stride, padding] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same']] as const) {
        const fn = kind === 'max' ? tf.layers.maxPooling1d : tf.layers.averagePooling1d;
        const r = await runLayer(xs, x, (t) => fn(t, pool, stride, padding));
        close(r.out, refPool(kind, x, xs, [pool], [stride], padding === 'same'));
      }
    }
    const first = toFirst(x, xs);
    const r = await runLayer(first.shape, first.data, (t) => new tf.layers.MaxPooling1D(2, 1, { dataFormat: 'channels_first' }).apply(t));
    const ref = refPool('max', x, xs, [2], [1], false);
    close(r.out, toFirst(ref.data, ref.shape));
  });

  it('max/average pooling3d against float64: padding is never counted', async () => {
    const xs = [2, 5, 4, 3, 2];
    const x = randArr(7, size(xs));
    for (const kind of ['max', 'avg'] as const) {
      for (const [pool, stride, padding] of [[[2, 2, 2], [2, 2, 2], 'valid'], [[3, 2, 2], [2, 1, 2], 'same'], [[2, 3, 1], [1, 2, 1], 'same']] as const) {
        const fn = kind === 'max' ? tf.layers.maxPooling3d : tf.layers.averagePooling3d;
        const r = await runLayer(xs, x, (t) => fn(t, [...pool], [...stride], padding));
        close(r.out, refPool(kind, x, xs, [...pool], [...stride], padding === 'same'));
      }
    }
    const first = toFirst(x, xs);
    const r = await runLayer(first.shape, first.data, (t) => new tf.layers.AveragePooling3D(2, 2, { dataFormat: 'channels_first', padding: 'same' }).apply(t));
    const ref = refPool('avg', x, xs, [2, 2, 2], [2, 2, 2], true);
    close(r.out, toFirst(ref.data, ref.shape));
  });

  it('gradients of the 3-D poolings match finite differences', async () => {
    const distinct = (r: () => number, i: number): number => (i % 2 ? 1 : -1) * (0.3 + r()) + i * 0.013;
    for (const kind of ['max', 'avg'] as const) {
      await checkGradients(
        { name: `${kind}Pool3d same`, ins: [{ shape: [1, 5, 3, 3, 2], gen: distinct }], f: (x) => pool3dNdhwc(kind, x, [3, 2, 2], [2, 1, 2], 'same', 'pool') },
        'float64', { device: 'cpu' },
      );
    }
  });
});

describe('tf.layers.conv3dTranspose / Conv3DTranspose', () => {
  it('is the adjoint of conv3d in its input: <conv3d(y, K), x> = <y, conv3dTranspose(x, K)>, with TF1\'s output sizes', async () => {
    for (const [p, s, xs, ks] of [
      ['valid', [1, 1, 1], [2, 3, 3, 2, 2], [2, 2, 2, 3, 2]],
      ['same', [2, 1, 2], [1, 3, 2, 3, 2], [3, 2, 2, 2, 2]],
      ['valid', [2, 2, 1], [1, 2, 3, 2, 1], [3, 2, 1, 2, 1]],
      ['valid', [3, 1, 1], [1, 2, 2, 2, 1], [2, 2, 2, 1, 1]],
    ] as const) {
      const g = new tf.Graph();
      const x = randArr(11, size(xs));
      const k = randArr(12, size(ks));
      const out = g.asDefault(() => {
        const xt = tf.constant(new tf.NDArray(Float64Array.from(x), [...xs], 'float64'));
        const kt = tf.constant(new tf.NDArray(Float64Array.from(k), [...ks], 'float64'));
        const yT = conv3dTransposeNdhwc(xt, kt, [...s], p, 't');
        const y = tf.constant(new tf.NDArray(Float64Array.from(randArr(13, size(yT.shape as number[]))), yT.shape as number[], 'float64'));
        const back = conv3dNdhwc(y, kt, [...s], p, [1, 1, 1], 'c');
        return { yT, y, back, lhs: tf.reduceSum(tf.multiply(back, xt)), rhs: tf.reduceSum(tf.multiply(y, yT)) };
      });
      const len = (n: number, kk: number, st: number): number => (p === 'valid' ? n * st + Math.max(kk - st, 0) : n * st);
      expect(out.yT.shape).toEqual([xs[0], len(xs[1], ks[0], s[0]), len(xs[2], ks[1], s[1]), len(xs[3], ks[2], s[2]), ks[3]]);
      expect(out.back.shape).toEqual([...xs]);
      const sess = new tf.Session({ graph: g });
      const [lhs, rhs] = (await sess.run([out.lhs, out.rhs])) as NDArray[];
      await sess.close();
      expect(Math.abs(Number(lhs!.data[0]) - Number(rhs!.data[0]))).toBeLessThan(1e-10 * (1 + Math.abs(Number(lhs!.data[0]))));
    }
  });

  it('conv3d_transpose/kernel [kd, kh, kw, filters, in]; a batch of unknown size; gradients match finite differences', async () => {
    new tf.Graph().asDefault(() => {
      const y = tf.layers.conv3dTranspose(tf.placeholder('float32', [null, 2, 3, 3, 4]), 5, [2, 3, 3], 2, 'same');
      expect(y.shape).toEqual([null, 4, 6, 6, 5]);
      expect(tf.trainableVariables().map((v) => [v.op.name, v.shape])).toEqual([['conv3d_transpose/kernel', [2, 3, 3, 5, 4]], ['conv3d_transpose/bias', [5]]]);
      const c = new tf.layers.Conv3DTranspose(2, 2, { dataFormat: 'channels_first', useBias: false }).apply(tf.placeholder('float32', [1, 3, 2, 2, 2]));
      expect(c.shape).toEqual([1, 2, 3, 3, 3]);
    });
    await checkGradients(
      { name: 'conv3dTranspose same', ins: [{ shape: [1, 2, 2, 2, 2] }, { shape: [2, 2, 2, 3, 2] }], f: (x, k) => conv3dTransposeNdhwc(x, k, [2, 1, 2], 'same', 't') },
      'float64', { device: 'cpu' },
    );
  });
});
