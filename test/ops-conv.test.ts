/**
 * conv2d, maxPool, avgPool and the backprop ops the gradients use: hand-computed values, a
 * direct JS reference of TF's window formulas, shape inference with unknown dims, TF error texts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor } from 'tsflow';
import { avgPoolGrad, conv2dBackpropFilter, conv2dBackpropInput, maxPoolGrad } from '../src/ops/conv.js';

beforeEach(() => tf.resetDefaultGraph());

function run(t: Tensor, feeds?: [Tensor, unknown][]): tf.NDArray {
  return new tf.Session().runSync(t, feeds ? new Map(feeds as [Tensor, never][]) : undefined);
}
const flat = (t: Tensor, feeds?: [Tensor, unknown][]): number[] => Array.from(run(t, feeds).data as Float32Array);
function err(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** Small integers, so float32 sums are exact. */
function ints(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s % 7) - 3;
  });
}
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

// ----- reference: TF's windowed-output formulas, straight from the definitions ---------------
function outAndPad(inp: number, k: number, s: number, d: number, pad: string): [number, number] {
  const kEff = (k - 1) * d + 1;
  if (pad === 'VALID') return [Math.floor((inp - kEff + s) / s), 0];
  const out = Math.ceil(inp / s);
  return [out, Math.floor(Math.max(0, (out - 1) * s + kEff - inp) / 2)];
}
interface Win { n: number; h: number; w: number; c: number; oh: number; ow: number; pt: number; pl: number }
function win(xs: number[], kh: number, kw: number, s: number[], d: number[], pad: string): Win {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [oh, pt] = outAndPad(h, kh, s[0]!, d[0]!, pad);
  const [ow, pl] = outAndPad(w, kw, s[1]!, d[1]!, pad);
  return { n, h, w, c, oh, ow, pt, pl };
}
function refConv(x: number[], xs: number[], f: number[], fs: number[], s: number[], d: number[], pad: string): { data: number[]; shape: number[] } {
  const [kh, kw, , o] = fs as [number, number, number, number];
  const g = win(xs, kh, kw, s, d, pad);
  const out: number[] = [];
  for (let b = 0; b < g.n; b++) for (let i = 0; i < g.oh; i++) for (let j = 0; j < g.ow; j++) for (let q = 0; q < o; q++) {
    let acc = 0;
    for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) for (let c = 0; c < g.c; c++) {
      const y = i * s[0]! + di * d[0]! - g.pt;
      const z = j * s[1]! + dj * d[1]! - g.pl;
      if (y < 0 || y >= g.h || z < 0 || z >= g.w) continue;
      acc += x[((b * g.h + y) * g.w + z) * g.c + c]! * f[((di * kw + dj) * g.c + c) * o + q]!;
    }
    out.push(acc);
  }
  return { data: out, shape: [g.n, g.oh, g.ow, o] };
}
/** Per output cell, the input offsets of its valid window cells (row-major window order). */
function poolCells(xs: number[], k: number[], s: number[], pad: string): { g: Win; cells: number[][] } {
  const g = win(xs, k[0]!, k[1]!, s, [1, 1], pad);
  const cells: number[][] = [];
  for (let b = 0; b < g.n; b++) for (let i = 0; i < g.oh; i++) for (let j = 0; j < g.ow; j++) for (let c = 0; c < g.c; c++) {
    const at: number[] = [];
    for (let di = 0; di < k[0]!; di++) for (let dj = 0; dj < k[1]!; dj++) {
      const y = i * s[0]! + di - g.pt;
      const z = j * s[1]! + dj - g.pl;
      if (y >= 0 && y < g.h && z >= 0 && z < g.w) at.push(((b * g.h + y) * g.w + z) * g.c + c);
    }
    cells.push(at);
  }
  return { g, cells };
}
function refPool(kind: 'max' | 'avg', x: number[], xs: number[], k: number[], s: number[], pad: string): { data: number[]; shape: number[] } {
  const { g, cells } = poolCells(xs, k, s, pad);
  const data = cells.map((at) => (kind === 'max' ? Math.max(...at.map((p) => x[p]!)) : at.reduce((a, p) => a + x[p]!, 0) / at.length));
  return { data, shape: [g.n, g.oh, g.ow, g.c] };
}
const dot = (a: number[], b: number[]): number => a.reduce((acc, v, i) => acc + v * b[i]!, 0);

// ----- conv2d --------------------------------------------------------------------------------
describe('conv2d', () => {
  const diag = (): Tensor => tf.constant([1, 0, 0, 1], 'float32', [2, 2, 1, 1]);

  it('matches hand-computed values (VALID, SAME with the extra pad at the bottom/right, stride 2)', () => {
    const x = tf.constant([...Array(16).keys()].map((v) => v + 1), 'float32', [1, 4, 4, 1]);
    const v = tf.nn.conv2d(x, diag(), 1, 'VALID');
    expect(v.op.type).toBe('Conv2D');
    expect(v.op.name).toBe('Conv2D');
    expect(v.shape).toEqual([1, 3, 3, 1]);
    expect(flat(v)).toEqual([7, 9, 11, 15, 17, 19, 23, 25, 27]);
    // SAME 2x2, stride 1: pad_total 1 → all on the bottom/right, so the last row/col see zeros.
    expect(flat(tf.nn.conv2d(x, diag(), [1, 1, 1, 1], 'SAME'))).toEqual([7, 9, 11, 4, 15, 17, 19, 8, 23, 25, 27, 12, 13, 14, 15, 16]);
    expect(flat(tf.nn.conv2d(x, diag(), [2, 2], 'SAME'))).toEqual([7, 11, 23, 27]);
  });

  it('dilation spreads the filter taps', () => {
    const x = tf.constant([...Array(16).keys()].map((v) => v + 1), 'float32', [1, 4, 4, 1]);
    // taps at (0,0) and (2,2): out = x[i][j] + x[i+2][j+2]
    const y = tf.nn.conv2d(x, diag(), 1, 'VALID', { dilations: 2 });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(flat(y)).toEqual([12, 14, 20, 22]);
  });

  const cases: [string, number[], number[], number[], number[], string][] = [
    ['VALID 3x3', [2, 5, 6, 3], [3, 3, 3, 2], [1, 1], [1, 1], 'VALID'],
    ['SAME 3x3', [1, 5, 5, 2], [3, 3, 2, 3], [1, 1], [1, 1], 'SAME'],
    ['SAME 2x2 (even filter)', [1, 4, 5, 1], [2, 2, 1, 2], [1, 1], [1, 1], 'SAME'],
    ['SAME stride 2', [2, 5, 5, 2], [3, 3, 2, 2], [2, 2], [1, 1], 'SAME'],
    ['VALID stride 2x3', [1, 7, 8, 1], [2, 3, 1, 2], [2, 3], [1, 1], 'VALID'],
    ['SAME stride 3, filter wider than stride', [1, 7, 7, 1], [4, 4, 1, 1], [3, 3], [1, 1], 'SAME'],
    ['VALID dilation 2', [1, 7, 7, 2], [3, 2, 2, 2], [1, 1], [2, 2], 'VALID'],
    ['SAME dilation 2x3', [1, 6, 7, 1], [2, 3, 1, 2], [1, 1], [2, 3], 'SAME'],
  ];
  for (const [label, xs, fs, s, d, pad] of cases) {
    it(`matches the JS reference: ${label}`, () => {
      const xv = ints(size(xs), 1 + xs[1]!);
      const fv = ints(size(fs), 7 + fs[0]!);
      const y = tf.nn.conv2d(tf.constant(xv, 'float32', xs), tf.constant(fv, 'float32', fs), s, pad, { dilations: d });
      const ref = refConv(xv, xs, fv, fs, s, d, pad);
      expect(y.shape).toEqual(ref.shape);
      expect(flat(y)).toEqual(ref.data);
    });
  }

  it('runs in float64', () => {
    const y = tf.nn.conv2d(tf.constant([1, 2, 3, 4], 'float64', [1, 2, 2, 1]), tf.constant([0.5], 'float64', [1, 1, 1, 1]), 1, 'SAME');
    expect(y.dtype).toBe('float64');
    expect(Array.from(run(y).data)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('infers output shapes with unknown dims', () => {
    const x = tf.placeholder('float32', [null, 28, 28, 1]);
    const f5 = tf.zeros([5, 5, 1, 32]);
    expect(tf.nn.conv2d(x, f5, 1, 'SAME').shape).toEqual([null, 28, 28, 32]);
    expect(tf.nn.conv2d(x, f5, 2, 'VALID').shape).toEqual([null, 12, 12, 32]);
    expect(tf.nn.conv2d(x, f5, 3, 'SAME').shape).toEqual([null, 10, 10, 32]);
    expect(tf.nn.conv2d(x, f5, 1, 'VALID', { dilations: 2 }).shape).toEqual([null, 20, 20, 32]);
    expect(tf.nn.conv2d(tf.placeholder('float32', [null, null, 9, 3]), tf.zeros([3, 3, 3, 4]), 2, 'VALID').shape).toEqual([null, null, 4, 4]);
    expect(tf.nn.conv2d(tf.placeholder('float32'), tf.placeholder('float32'), 1, 'SAME').shape).toEqual([null, null, null, null]);
    expect(tf.nn.conv2d(x, tf.placeholder('float32', [null, null, 1, 8]), 1, 'SAME').shape).toEqual([null, 28, 28, 8]);
    expect(tf.nn.conv2d(x, tf.placeholder('float32', [null, null, 1, 8]), 1, 'VALID').shape).toEqual([null, null, null, 8]);
  });

  it('runs with a batch that is only known at run time', () => {
    const x = tf.placeholder('float32', [null, 2, 2, 1]);
    const y = tf.nn.conv2d(x, tf.ones([1, 1, 1, 2]), 1, 'VALID');
    const out = run(y, [[x, [[[[1], [2]], [[3], [4]]], [[[5], [6]], [[7], [8]]]]]]);
    expect(out.shape).toEqual([2, 2, 2, 2]);
    expect(Array.from(out.data)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8]);
  });

  it('raises TF errors at build time', () => {
    const f = tf.zeros([2, 2, 1, 1]);
    expect(err(() => tf.nn.conv2d(tf.zeros([5, 5, 1]), f, 1, 'SAME')).message).toBe(
      "Shape must be rank 4 but is rank 3 for 'Conv2D' (op: 'Conv2D') with input shapes: [5,5,1], [2,2,1,1].",
    );
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([2, 2, 2, 1]), 1, 'SAME')).message).toBe(
      "Depth of input (3) is not a multiple of input depth of filter (2) for 'Conv2D' (op: 'Conv2D') with input shapes: [1,5,5,3], [2,2,2,1].",
    );
    const e = err(() => tf.nn.conv2d(tf.zeros([1, 2, 2, 1]), tf.zeros([3, 3, 1, 1]), 1, 'VALID'));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("Negative dimension size caused by subtracting 3 from 2 for 'Conv2D' (op: 'Conv2D') with input shapes: [1,2,2,1], [3,3,1,1].");
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 2, 2, 1]), f, 1, 'VALID', { dilations: 2 })).message).toMatch(
      /^Negative dimension size caused by subtracting 3 from 2 for 'Conv2D'/,
    );
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), f, 0, 'SAME')).message).toMatch(/^Stride must be > 0, but got 0 for 'Conv2D'/);
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), f, [1, 1, 1], 'SAME')).message).toBe('strides should be of length 1, 2 or 4 but was 3');
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), f, 1, 'same')).message).toBe(
      'Attr \'padding\' of \'Conv2D\' Op passed string \'same\' not in: "SAME", "VALID".',
    );
    const nchw = err(() => tf.nn.conv2d(tf.zeros([1, 1, 4, 4]), f, 1, 'SAME', { dataFormat: 'NCHW' }));
    expect(nchw).toBeInstanceOf(tf.errors.ValueError);
    expect(nchw.message).toMatch(/data_format 'NCHW' is not supported.*NHWC/);
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 4, 4, 1], 'int32'), tf.zeros([2, 2, 1, 1], 'int32'), 1, 'SAME')).message).toBe(
      "Value passed to parameter 'input' has DataType int32 not in list of allowed values: float16, bfloat16, float32, float64",
    );
    expect(err(() => tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([2, 2, 1, 1], 'float64'), 1, 'SAME'))).toBeInstanceOf(TypeError);
  });

  it('raises TF errors at run time', () => {
    const x = tf.placeholder('float32', [null, null, null, null]);
    const fed = (v: number[], s: number[]): [Tensor, unknown][] => [[x, new tf.NDArray(Float32Array.from(v), s)]];
    const neg = err(() => run(tf.nn.conv2d(x, tf.zeros([3, 3, 1, 1]), 1, 'VALID'), fed([1], [1, 1, 1, 1])));
    expect(neg).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(neg.message).toMatch(/^Computed output size would be negative: -1 \[input_size: 1, effective_filter_size: 3, stride: 1\]/);
    // (in - k_eff + s) / s truncates toward zero, so a window one wider than the input gives 0
    expect(run(tf.nn.conv2d(x, tf.zeros([3, 3, 1, 1]), 1, 'VALID'), fed([1, 2, 3, 4], [1, 2, 2, 1])).shape).toEqual([1, 0, 0, 1]);
    expect((neg as tf.errors.OpError).op).toBe('Conv2D');
    expect(err(() => run(tf.nn.conv2d(x, tf.zeros([1, 1, 2, 1]), 1, 'SAME'), fed([1, 2, 3], [1, 1, 1, 3]))).message).toMatch(
      /^input and filter must have the same depth: 3 vs 2/,
    );
    expect(err(() => run(tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([1, 1, 1, 1]), [2, 1, 1, 1], 'SAME'))).message).toMatch(
      /^Current implementation does not yet support strides in the batch and depth dimensions\./,
    );
  });
});

// ----- pooling ---------------------------------------------------------------------------------
describe('maxPool / avgPool', () => {
  const x33 = (): Tensor => tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9], 'float32', [1, 3, 3, 1]);

  it('matches hand-computed values; SAME averages over valid cells only', () => {
    const m = tf.nn.maxPool(x33(), 2, 2, 'SAME');
    expect(m.op.type).toBe('MaxPool');
    expect(m.op.name).toBe('MaxPool');
    expect(m.shape).toEqual([1, 2, 2, 1]);
    expect(flat(m)).toEqual([5, 6, 8, 9]);
    expect(flat(tf.nn.maxPool(x33(), [1, 2, 2, 1], [1, 1, 1, 1], 'VALID'))).toEqual([5, 6, 8, 9]);
    const a = tf.nn.avgPool(x33(), 2, 2, 'SAME');
    expect(a.op.name).toBe('AvgPool');
    // windows: {1,2,4,5} {3,6} {7,8} {9}
    expect(flat(a)).toEqual([3, 4.5, 7.5, 9]);
    // 3x3 stride 1 SAME: corner (0,0) averages {1,2,4,5}; the centre all nine
    const a3 = flat(tf.nn.avgPool(x33(), 3, 1, 'SAME'));
    expect(a3[0]).toBe(3);
    expect(a3[4]).toBe(5);
    expect(a3[1]).toBeCloseTo(21 / 6, 6);
  });

  it('padded cells never win a max', () => {
    const x = tf.constant([-5, -4, -3, -2, -1, -6, -7, -8, -9], 'float32', [1, 3, 3, 1]);
    expect(flat(tf.nn.maxPool(x, 2, 2, 'SAME'))).toEqual([-1, -3, -7, -9]);
  });

  const cases: [string, number[], number[], number[], string][] = [
    ['SAME 2x2/2 on 5x5', [2, 5, 5, 2], [2, 2], [2, 2], 'SAME'],
    ['VALID 3x3/2', [1, 7, 6, 3], [3, 3], [2, 2], 'VALID'],
    ['SAME 3x2/1x3', [1, 4, 7, 1], [3, 2], [1, 3], 'SAME'],
    ['SAME window larger than input', [1, 2, 3, 1], [4, 4], [1, 1], 'SAME'],
  ];
  for (const [label, xs, k, s, pad] of cases) {
    it(`matches the JS reference: ${label}`, () => {
      const xv = ints(size(xs), 3 + xs[2]!);
      const x = tf.constant(xv, 'float32', xs);
      for (const kind of ['max', 'avg'] as const) {
        const y = (kind === 'max' ? tf.nn.maxPool : tf.nn.avgPool)(x, k, s, pad);
        const ref = refPool(kind, xv, xs, k, s, pad);
        expect(y.shape).toEqual(ref.shape);
        flat(y).forEach((v, i) => expect(v).toBeCloseTo(ref.data[i]!, 5));
      }
    });
  }

  it('infers shapes with unknown dims', () => {
    const x = tf.placeholder('float32', [null, 28, 28, 32]);
    expect(tf.nn.maxPool(x, 2, 2, 'SAME').shape).toEqual([null, 14, 14, 32]);
    expect(tf.nn.avgPool(x, 3, 2, 'VALID').shape).toEqual([null, 13, 13, 32]);
    expect(tf.nn.maxPool(tf.placeholder('float32', [4, null, 5, null]), [1, 2, 2, 1], [1, 2, 2, 1], 'SAME').shape).toEqual([4, null, 3, null]);
    expect(tf.nn.avgPool(tf.placeholder('float32'), 2, 2, 'SAME').shape).toEqual([null, null, null, null]);
  });

  it('raises TF errors', () => {
    expect(err(() => tf.nn.maxPool(tf.zeros([1, 2, 2, 1]), 3, 1, 'VALID')).message).toBe(
      "Negative dimension size caused by subtracting 3 from 2 for 'MaxPool' (op: 'MaxPool') with input shapes: [1,2,2,1].",
    );
    expect(err(() => tf.nn.avgPool(tf.zeros([2, 2, 1]), 2, 2, 'SAME')).message).toBe(
      "Shape must be rank 4 but is rank 3 for 'AvgPool' (op: 'AvgPool') with input shapes: [2,2,1].",
    );
    expect(err(() => tf.nn.maxPool(tf.zeros([1, 2, 2, 1]), [2, 2, 2], 1, 'SAME')).message).toBe('ksize should be of length 1, 2 or 4 but was 3');
    expect(err(() => tf.nn.avgPool(tf.zeros([1, 2, 2, 1]), 2, 1, 'FULL')).message).toBe(
      'Attr \'padding\' of \'AvgPool\' Op passed string \'FULL\' not in: "SAME", "VALID".',
    );
    expect(err(() => tf.nn.avgPool(tf.zeros([1, 2, 2, 1], 'int32'), 2, 1, 'SAME'))).toBeInstanceOf(TypeError);
    expect(err(() => tf.nn.maxPool(tf.zeros([1, 2, 2, 1]), 2, 1, 'SAME', { dataFormat: 'NCHW' }))).toBeInstanceOf(tf.errors.ValueError);
    const batch = err(() => run(tf.nn.maxPool(tf.zeros([2, 2, 2, 1]), [2, 1, 1, 1], 1, 'SAME')));
    expect(batch).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(batch.message).toMatch(/^Pooling is not yet supported on the batch dimension\./);
    const x = tf.placeholder('float32', [null, null, null, 1]);
    expect(err(() => run(tf.nn.maxPool(x, 3, 1, 'VALID'), [[x, [[[[1]]]]]])).message).toMatch(
      /^Computed output size would be negative: -1 \[input_size: 1, effective_filter_size: 3, stride: 1\]/,
    );
  });
});

// ----- backprop ops --------------------------------------------------------------------------
describe('backprop ops for the gradients', () => {
  const conv = { strides: [1, 2, 1, 1], padding: 'SAME' as const, dilations: [1, 1, 2, 1] };

  it('Conv2DBackpropInput / Filter are the adjoints of conv2d: <conv(x,f), dy> = <x, dx> = <f, df>', () => {
    const [xs, fs] = [[2, 5, 6, 2], [3, 2, 2, 3]];
    const xv = ints(size(xs), 11);
    const fv = ints(size(fs), 5);
    const ref = refConv(xv, xs, fv, fs, [2, 1], [1, 2], 'SAME');
    const dyv = ints(size(ref.shape), 9);
    const x = tf.constant(xv, 'float32', xs);
    const f = tf.constant(fv, 'float32', fs);
    const dy = tf.constant(dyv, 'float32', ref.shape);
    const dx = conv2dBackpropInput(x, f, dy, conv);
    const df = conv2dBackpropFilter(x, f, dy, conv);
    expect(dx.op.type).toBe('Conv2DBackpropInput');
    expect(df.op.type).toBe('Conv2DBackpropFilter');
    expect(dx.shape).toEqual(xs);
    expect(df.shape).toEqual(fs);
    const want = dot(ref.data, dyv);
    expect(dot(flat(dx), xv)).toBe(want);
    expect(dot(flat(df), fv)).toBe(want);
    // the input shape may also be given as numbers
    expect(flat(conv2dBackpropInput([...xs], f, dy, conv))).toEqual(flat(dx));
  });

  it('takes its output shape from a like-tensor, unknown batch included', () => {
    const x = tf.placeholder('float32', [null, 4, 4, 1]);
    const f = tf.ones([2, 2, 1, 1]);
    const y = tf.nn.conv2d(x, f, 1, 'VALID');
    const attrs = y.op.attrs as unknown as typeof conv;
    const dx = conv2dBackpropInput(x, f, tf.onesLike(y), attrs);
    expect(dx.shape).toEqual([null, 4, 4, 1]);
    const out = run(dx, [[x, new tf.NDArray(new Float32Array(32), [2, 4, 4, 1])]]);
    expect(out.shape).toEqual([2, 4, 4, 1]);
    // each input cell counts the 2x2 windows that cover it
    expect(Array.from(out.data.slice(0, 16))).toEqual([1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1]);
    expect(conv2dBackpropFilter(x, [2, 2, 1, 1], tf.onesLike(y), attrs).shape).toEqual([2, 2, 1, 1]);
  });

  it('checks out_backprop against the forward geometry at run time', () => {
    const dy = tf.placeholder('float32', [null, null, null, 1]);
    const dx = conv2dBackpropInput([1, 5, 5, 1], tf.ones([2, 2, 1, 1]), dy, { strides: [1, 1, 1, 1], padding: 'VALID', dilations: [1, 1, 1, 1] });
    expect(dx.shape).toEqual([1, 5, 5, 1]);
    const e = err(() => run(dx, [[dy, new tf.NDArray(new Float32Array(9), [1, 3, 3, 1])]]));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toMatch(
      /^Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 3, computed = 4 spatial_dim: 1 input: 5 filter: 2 output: 3 stride: 1 dilation: 1/,
    );
  });

  it('MaxPoolGrad routes each gradient to the first max of its window', () => {
    const xs = [1, 4, 5, 2];
    const xv = ints(size(xs), 4); // small ints: ties are common
    const pool = { ksize: [1, 2, 3, 1], strides: [1, 2, 2, 1], padding: 'SAME' as const };
    const x = tf.constant(xv, 'float32', xs);
    const y = tf.nn.maxPool(x, pool.ksize, pool.strides, 'SAME');
    const ys = y.shape as number[];
    const dy = tf.constant([...Array(size(ys)).keys()].map((v) => v + 1), 'float32', ys);
    const dx = maxPoolGrad(x, y, dy, pool);
    expect(dx.op.type).toBe('MaxPoolGrad');
    expect(dx.shape).toEqual(xs);
    const { cells } = poolCells(xs, [2, 3], [2, 2], 'SAME');
    const want = new Array<number>(size(xs)).fill(0);
    cells.forEach((at, o) => {
      const m = Math.max(...at.map((p) => xv[p]!));
      want[at.find((p) => xv[p] === m)!] += o + 1;
    });
    expect(flat(dx)).toEqual(want);
  });

  it('AvgPoolGrad is the adjoint of avgPool and takes a like-tensor or a shape', () => {
    const xs = [2, 5, 4, 2];
    const pool = { ksize: [1, 3, 2, 1], strides: [1, 2, 1, 1], padding: 'SAME' as const };
    const xv = ints(size(xs), 8);
    const ref = refPool('avg', xv, xs, [3, 2], [2, 1], 'SAME');
    const dyv = ints(size(ref.shape), 2);
    const x = tf.placeholder('float32', [null, 5, 4, 2]);
    const dx = avgPoolGrad(x, tf.constant(dyv, 'float32', ref.shape), pool);
    expect(dx.op.type).toBe('AvgPoolGrad');
    expect(dx.shape).toEqual([null, 5, 4, 2]);
    const got = flat(dx, [[x, new tf.NDArray(Float32Array.from(xv), xs)]]);
    expect(dot(got, xv)).toBeCloseTo(dot(ref.data, dyv), 4);
    expect(flat(avgPoolGrad(xs, tf.constant(dyv, 'float32', ref.shape), pool))).toEqual(got);
  });
});
