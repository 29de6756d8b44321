/**
 * Host kernels for complex64/complex128 values: elementwise arithmetic with broadcasting,
 * reductions, matmul and the discrete Fourier transforms. Values are split into float64 real
 * and imaginary parts while computing (so complex64 accumulates in float64) and stored back
 * interleaved (re, im) in the dtype's Float32Array/Float64Array.
 */
import { type DType, allocArray, isComplex, storedToNumber } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { sizeOf, stridesOf } from '../shape.js';

/** A complex value being computed: float64 parts and a shape. */
export interface Parts {
  re: Float64Array;
  im: Float64Array;
  shape: number[];
}

/** The parts of any numeric NDArray (a real one has zero imaginary parts). */
export function partsOf(a: NDArray): Parts {
  const n = a.size;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const d = a.data as ArrayLike<number>;
  if (isComplex(a.dtype)) {
    for (let i = 0; i < n; i++) {
      re[i] = d[2 * i]!;
      im[i] = d[2 * i + 1]!;
    }
  } else {
    for (let i = 0; i < n; i++) re[i] = storedToNumber(d[i]!, a.dtype);
  }
  return { re, im, shape: [...a.shape] };
}

export function emptyParts(shape: readonly number[]): Parts {
  const n = sizeOf(shape);
  return { re: new Float64Array(n), im: new Float64Array(n), shape: [...shape] };
}

/** Store parts as a complex NDArray of `dtype` (complex64 rounds each part to float32). */
export function fromParts(p: Parts, dtype: DType): NDArray {
  const n = p.re.length;
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = p.re[i]!;
    out[2 * i + 1] = p.im[i]!;
  }
  return new NDArray(out, p.shape, dtype);
}

/** A real NDArray of `dtype` (float32/float64) from float64 values. */
export function realArray(v: Float64Array, shape: readonly number[], dtype: DType): NDArray {
  const out = allocArray(dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return new NDArray(out, shape, dtype);
}

/** numpy broadcasting of two shapes; TF's run-time text on mismatch. */
export function broadcastShapes(a: readonly number[], b: readonly number[], opName?: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = a[a.length - n + i] ?? 1;
    const q = b[b.length - n + i] ?? 1;
    if (p !== q && p !== 1 && q !== 1) {
      throw new InvalidArgumentError(`Incompatible shapes: [${a.join(',')}] vs. [${b.join(',')}]`, opName);
    }
    out[i] = p === 1 ? q : p;
  }
  return out;
}

/** For each element of `out` (row-major), the flat index of the element of `shape` broadcast to it. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const r = out.length;
  const st = stridesOf(shape);
  // the stride of each output axis in the source (0 where broadcast)
  const s = out.map((_, i) => {
    const j = i - (r - shape.length);
    return j < 0 || shape[j] === 1 ? 0 : st[j]!;
  });
  const ctr = new Array<number>(r).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = off;
    for (let d = r - 1; d >= 0; d--) {
      ctr[d]!++;
      off += s[d]!;
      if (ctr[d]! < out[d]!) break;
      off -= s[d]! * out[d]!;
      ctr[d] = 0;
    }
  }
  return idx;
}

export function broadcastTo(p: Parts, shape: readonly number[]): Parts {
  const idx = broadcastIndex(p.shape, shape);
  const o = emptyParts(shape);
  for (let k = 0; k < idx.length; k++) {
    o.re[k] = p.re[idx[k]!]!;
    o.im[k] = p.im[idx[k]!]!;
  }
  return o;
}

export type CFn = (ar: number, ai: number, br: number, bi: number) => [number, number];

/** An elementwise binary function of complex values, broadcasting. */
export function binary(a: Parts, b: Parts, f: CFn, opName?: string): Parts {
  const shape = broadcastShapes(a.shape, b.shape, opName);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const o = emptyParts(shape);
  for (let k = 0; k < ia.length; k++) {
    const [r, i] = f(a.re[ia[k]!]!, a.im[ia[k]!]!, b.re[ib[k]!]!, b.im[ib[k]!]!);
    o.re[k] = r;
    o.im[k] = i;
  }
  return o;
}

export function unary(a: Parts, f: (r: number, i: number) => [number, number]): Parts {
  const o = emptyParts(a.shape);
  for (let k = 0; k < a.re.length; k++) {
    const [r, i] = f(a.re[k]!, a.im[k]!);
    o.re[k] = r;
    o.im[k] = i;
  }
  return o;
}

export const cadd: CFn = (ar, ai, br, bi) => [ar + br, ai + bi];
export const csub: CFn = (ar, ai, br, bi) => [ar - br, ai - bi];
export const cmul: CFn = (ar, ai, br, bi) => [ar * br - ai * bi, ar * bi + ai * br];
/** Complex division, scaled as Smith's algorithm (std::complex style) to avoid overflow. */
export const cdiv: CFn = (ar, ai, br, bi) => {
  if (Math.abs(br) >= Math.abs(bi)) {
    if (br === 0 && bi === 0) return [ar / 0, ai / 0];
    const r = bi / br;
    const d = br + bi * r;
    return [(ar + ai * r) / d, (ai - ar * r) / d];
  }
  const r = br / bi;
  const d = br * r + bi;
  return [(ar * r + ai) / d, (ai * r - ar) / d];
};

/** exp(a + bi) = e^a (cos b + i sin b). */
export function cexp(r: number, i: number): [number, number] {
  const e = Math.exp(r);
  return i === 0 ? [e, 0] : [e * Math.cos(i), e * Math.sin(i)];
}
/** The principal log: ln|z| + i arg z. */
export function clog(r: number, i: number): [number, number] {
  return [Math.log(Math.hypot(r, i)), Math.atan2(i, r)];
}
/** The principal square root. */
export function csqrt(r: number, i: number): [number, number] {
  if (r === 0 && i === 0) return [0, i];
  const m = Math.hypot(r, i);
  const a = Math.sqrt((m + Math.abs(r)) / 2);
  if (r >= 0) return [a, i / (2 * a)];
  return [Math.abs(i) / (2 * a), i < 0 || Object.is(i, -0) ? -a : a];
}

/** Sum over `axes` (normalised), as Sum/Mean with `keepDims`. */
export function reduceSum(p: Parts, axes: readonly number[], keepDims: boolean, mean = false): Parts {
  const set = new Set(axes);
  const kept = p.shape.map((d, i) => (set.has(i) ? 1 : d));
  const o = emptyParts(kept);
  const st = stridesOf(kept);
  const r = p.shape.length;
  const ctr = new Array<number>(r).fill(0);
  for (let k = 0; k < p.re.length; k++) {
    let off = 0;
    for (let d = 0; d < r; d++) if (!set.has(d)) off += ctr[d]! * st[d]!;
    o.re[off] += p.re[k]!;
    o.im[off] += p.im[k]!;
    for (let d = r - 1; d >= 0; d--) {
      if (++ctr[d]! < p.shape[d]!) break;
      ctr[d] = 0;
    }
  }
  if (mean) {
    const count = axes.reduce((acc, ax) => acc * p.shape[ax]!, 1);
    for (let k = 0; k < o.re.length; k++) {
      o.re[k] /= count;
      o.im[k] /= count;
    }
  }
  if (!keepDims) o.shape = p.shape.filter((_, i) => !set.has(i));
  return o;
}

/** Sum `p` down to `shape` (the inverse of broadcasting it there). */
export function sumTo(p: Parts, shape: readonly number[]): Parts {
  const lead = p.shape.length - shape.length;
  const axes: number[] = [];
  p.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const s = reduceSum(p, axes, true);
  s.shape = [...shape];
  return s;
}

export function transpose(p: Parts, perm: readonly number[]): Parts {
  const shape = perm.map((i) => p.shape[i]!);
  const st = stridesOf(p.shape);
  const o = emptyParts(shape);
  const r = shape.length;
  const ctr = new Array<number>(r).fill(0);
  for (let k = 0; k < o.re.length; k++) {
    let off = 0;
    for (let d = 0; d < r; d++) off += ctr[d]! * st[perm[d]!]!;
    o.re[k] = p.re[off]!;
    o.im[k] = p.im[off]!;
    for (let d = r - 1; d >= 0; d--) {
      if (++ctr[d]! < shape[d]!) break;
      ctr[d] = 0;
    }
  }
  return o;
}

/** Batched matmul of [..., m, k] × [..., k, n] (batch dims broadcast), float64 accumulation. */
export function matmul(a: Parts, b: Parts, ta: boolean, tb: boolean, opName?: string): Parts {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const k2 = tb ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== k2) {
    throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: [${a.shape.join(',')}], In[1]: [${b.shape.join(',')}]`, opName);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), opName);
  const ia = broadcastIndex(a.shape.slice(0, -2), batch);
  const ib = broadcastIndex(b.shape.slice(0, -2), batch);
  const o = emptyParts([...batch, m, n]);
  const sa = a.shape[ra - 2]! * a.shape[ra - 1]!;
  const sb = b.shape[rb - 2]! * b.shape[rb - 1]!;
  for (let t = 0; t < ia.length; t++) {
    const oa = ia[t]! * sa;
    const ob = ib[t]! * sb;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sr = 0;
        let si = 0;
        for (let q = 0; q < k; q++) {
          const pa = oa + (ta ? q * m + i : i * k + q);
          const pb = ob + (tb ? j * k + q : q * n + j);
          const xr = a.re[pa]!;
          const xi = a.im[pa]!;
          const yr = b.re[pb]!;
          const yi = b.im[pb]!;
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        const po = t * m * n + i * n + j;
        o.re[po] = sr;
        o.im[po] = si;
      }
    }
  }
  return o;
}

// ----- discrete Fourier transforms ---------------------------------------------------------

/** In-place radix-2 FFT of a power-of-two length; `sign` -1 forward, +1 inverse (unscaled). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      for (let j = 0; j < half; j++) {
        // twiddles computed directly (not by recurrence) to keep float64 accuracy
        const wr = Math.cos(ang * j);
        const wi = Math.sin(ang * j);
        const a = i + j;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * In-place DFT of any length (unscaled; `sign` -1 forward, +1 inverse): radix-2 for powers of
 * two, Bluestein's chirp-z through a power-of-two convolution otherwise.
 */
export function dft(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) {
    radix2(re, im, sign);
    return;
  }
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // chirp w[k] = exp(sign·iπk²/n); k² mod 2n keeps the angle exact for large k
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (sign * Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = Math.sin(a);
  }
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k]! * wr[k]! - im[k]! * wi[k]!;
    ai[k] = re[k]! * wi[k]! + im[k]! * wr[k]!;
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = wr[k]!;
    bi[k] = bi[m - k] = -wi[k]!;
  }
  radix2(ar, ai, -1);
  radix2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  radix2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const r = ar[k]! / m;
    const i = ai[k]! / m;
    re[k] = r * wr[k]! - i * wi[k]!;
    im[k] = r * wi[k]! + i * wr[k]!;
  }
}

/** The DFT of `p` along axis `axis` (in place); inverse ones are scaled by 1/n. */
export function dftAxis(p: Parts, axis: number, inverse: boolean): void {
  const n = p.shape[axis]!;
  if (n === 0) return;
  const inner = sizeOf(p.shape.slice(axis + 1));
  const outer = sizeOf(p.shape.slice(0, axis));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        re[k] = p.re[base + k * inner]!;
        im[k] = p.im[base + k * inner]!;
      }
      dft(re, im, inverse ? 1 : -1);
      for (let k = 0; k < n; k++) {
        p.re[base + k * inner] = inverse ? re[k]! / n : re[k]!;
        p.im[base + k * inner] = inverse ? im[k]! / n : im[k]!;
      }
    }
  }
}

/** `p` cropped or zero-padded (at the end) to `shape`, of the same rank. */
export function cropOrPad(p: Parts, shape: readonly number[]): Parts {
  if (shape.every((d, i) => d === p.shape[i])) return { re: p.re.slice(), im: p.im.slice(), shape: [...shape] };
  const o = emptyParts(shape);
  const r = shape.length;
  const st = stridesOf(p.shape);
  const lim = shape.map((d, i) => Math.min(d, p.shape[i]!));
  if (lim.some((d) => d === 0)) return o;
  const ctr = new Array<number>(r).fill(0);
  const ost = stridesOf(shape);
  for (;;) {
    let src = 0;
    let dst = 0;
    for (let d = 0; d < r; d++) {
      src += ctr[d]! * st[d]!;
      dst += ctr[d]! * ost[d]!;
    }
    o.re[dst] = p.re[src]!;
    o.im[dst] = p.im[src]!;
    let d = r - 1;
    for (; d >= 0; d--) {
      if (++ctr[d]! < lim[d]!) break;
      ctr[d] = 0;
    }
    if (d < 0) break;
  }
  return o;
}
