/**
 * Slices of a partitioned variable in a checkpoint, as TF's TensorSlice: one extent per
 * dimension, `{start, length}` or full (`length` absent). A bundle stores each saved slice under
 * a binary key (TF's EncodeTensorNameSlice, OrderedCode) and lists the slices in the full
 * tensor's entry; SaveV2 / RestoreV2 name a slice by a shape_and_slices string such as
 * `"10 4 0,5:0,4"` (the full shape, then `start,length` or `-` per dimension).
 */
import { InvalidArgumentError } from '../errors.js';
import type { TensorSliceExtent } from './proto.js';

export type TensorSlice = readonly TensorSliceExtent[];

const isFullAt = (e: TensorSliceExtent): boolean => e.length === undefined;

/** The extent of dimension `d` of `fullShape`, as [start, end). */
function bounds(e: TensorSliceExtent, dim: number): [number, number] {
  return isFullAt(e) ? [0, dim] : [e.start, e.start + e.length!];
}

/** TF's TensorSlice::DebugString: `-` for a full extent, `start,length` otherwise, joined by `:`. */
export function sliceDebugString(s: TensorSlice): string {
  return s.map((e) => (isFullAt(e) ? '-' : `${e.start},${e.length}`)).join(':');
}

/** The slice's shape within `fullShape` (TF's SliceTensorShape, with its errors). */
export function sliceShape(s: TensorSlice, fullShape: readonly number[]): number[] {
  if (s.length !== fullShape.length) {
    throw new InvalidArgumentError(`Mismatching ranks: shape = [${fullShape.join(',')}], slice = ${sliceDebugString(s)}`);
  }
  return s.map((e, d) => {
    if (isFullAt(e)) return fullShape[d]!;
    if (e.start + e.length! > fullShape[d]!) {
      throw new InvalidArgumentError(`Extent in dimension ${d} out of bounds: shape = [${fullShape.join(',')}], slice = ${sliceDebugString(s)}`);
    }
    return e.length!;
  });
}

/** Whether `s` covers all of `fullShape` (TF's IsFullSlice: then it is saved as a plain tensor). */
export function coversAll(s: TensorSlice, fullShape: readonly number[]): boolean {
  return s.every((e, d) => isFullAt(e) || (e.start === 0 && e.length === fullShape[d]));
}

/** TF's TensorSlice::Parse of `0,5:-`. */
function parseSlice(str: string): TensorSliceExtent[] {
  return str.split(':').filter((x) => x !== '').map((x) => {
    if (x === '-') return { start: 0 };
    const sl = x.split(',').filter((y) => y !== '');
    const [s, l] = sl.map(Number);
    if (sl.length !== 2 || !sl.every((y) => /^[+-]?\d+$/.test(y))) {
      throw new InvalidArgumentError(`Expected a pair of numbers or '-' but got '${x}': string = ${str}`);
    }
    if (s! < 0 || l! <= 0) {
      throw new InvalidArgumentError(`Expected non-negative start and positive length but got start = ${s}, length = ${l}: string = ${str}`);
    }
    return { start: s!, length: l! };
  });
}

/** TF's ParseShapeAndSlice: `"10 4 0,5:0,4"` → the full shape, the slice and the slice's shape. */
export function parseShapeAndSlice(spec: string): { fullShape: number[]; slice: TensorSliceExtent[]; shape: number[] } {
  const splits = spec.split(' ');
  if (splits.length < 2) throw new InvalidArgumentError(`Need least two elements in shape_and_slice specification: ${spec}`);
  const slice = parseSlice(splits.pop()!);
  const fullShape = splits.map((s) => {
    if (!/^[+-]?\d+$/.test(s)) throw new InvalidArgumentError(`Non numerical dimension in shape_and_slice: ${spec}`);
    return Number(s);
  });
  return { fullShape, slice, shape: sliceShape(slice, fullShape) };
}

// ----- OrderedCode, as TF's saved_tensor_slice_util encodes slice keys ------------------------------

function writeNumIncreasing(out: number[], v: number): void {
  const bytes: number[] = [];
  for (let x = BigInt(v); x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
  out.push(bytes.length, ...bytes);
}

function writeString(out: number[], s: Uint8Array): void {
  for (const b of s) {
    if (b === 0x00) out.push(0x00, 0xff);
    else if (b === 0xff) out.push(0xff, 0x00);
    else out.push(b);
  }
  out.push(0x00, 0x01);
}

/** Encoded length in bytes of a signed number whose magnitude (`~n` when negative) has `bits` bits. */
const signedLength = (bits: number): number => (bits === 63 ? 10 : Math.floor(bits / 7) + 1);
const HEADER: readonly (readonly [number, number])[] = [
  [0, 0], [0x80, 0], [0xc0, 0], [0xe0, 0], [0xf0, 0], [0xf8, 0], [0xfc, 0], [0xfe, 0], [0xff, 0], [0xff, 0x80], [0xff, 0xc0],
];

function writeSignedNumIncreasing(out: number[], v: number): void {
  const val = BigInt(v);
  const x = val < 0n ? ~val : val;
  if (x < 64n) {
    out.push((0x80 ^ Number(BigInt.asUintN(8, val))) & 0xff);
    return;
  }
  // val sign-extended to 10 bytes, big-endian; then the length's header bits over its first two
  const buf: number[] = [];
  const u = BigInt.asUintN(80, val);
  for (let i = 9; i >= 0; i--) buf.push(Number((u >> BigInt(8 * i)) & 0xffn));
  const len = signedLength(x.toString(2).length);
  const begin = buf.slice(10 - len);
  begin[0] ^= HEADER[len]![0];
  begin[1] ^= HEADER[len]![1];
  out.push(...begin);
}

const utf8 = new TextEncoder();

/**
 * TF's EncodeTensorNameSlice: the key a slice's values are stored under (it starts with a 0 byte,
 * so slices sort before every tensor name). A full extent is encoded as start 0, length -1.
 */
export function encodeTensorNameSlice(name: string, s: TensorSlice): Uint8Array {
  const out: number[] = [];
  writeNumIncreasing(out, 0);
  writeString(out, utf8.encode(name));
  writeNumIncreasing(out, s.length);
  for (const e of s) {
    writeSignedNumIncreasing(out, isFullAt(e) ? 0 : e.start);
    writeSignedNumIncreasing(out, isFullAt(e) ? -1 : e.length!);
  }
  return Uint8Array.from(out);
}

// ----- copying between slices ----------------------------------------------------------------------

/** The intersection of two slices of `fullShape` as [start, end) per dimension, or null when empty. */
export function intersect(a: TensorSlice, b: TensorSlice, fullShape: readonly number[]): [number, number][] | null {
  const out: [number, number][] = [];
  for (let d = 0; d < fullShape.length; d++) {
    const [a0, a1] = bounds(a[d]!, fullShape[d]!);
    const [b0, b1] = bounds(b[d]!, fullShape[d]!);
    const lo = Math.max(a0, b0);
    const hi = Math.min(a1, b1);
    if (hi <= lo) return null;
    out.push([lo, hi]);
  }
  return out;
}

/** Elements in a [start, end) box. */
export const boxSize = (box: readonly [number, number][]): number => box.reduce((n, [lo, hi]) => n * (hi - lo), 1);

/**
 * Copy the part of `src` (the values of slice `srcSlice`, row-major) that lies in `box` into
 * `dst` (the values of slice `dstSlice`): TF's CopyDataFromTensorSliceToTensorSlice.
 */
export function copyBox<T>(
  fullShape: readonly number[], box: readonly [number, number][],
  srcSlice: TensorSlice, src: ArrayLike<T>, dstSlice: TensorSlice, dst: { [i: number]: T },
): void {
  const rank = fullShape.length;
  const srcShape = sliceShape(srcSlice, fullShape);
  const dstShape = sliceShape(dstSlice, fullShape);
  const srcStart = srcSlice.map((e, d) => bounds(e, fullShape[d]!)[0]);
  const dstStart = dstSlice.map((e, d) => bounds(e, fullShape[d]!)[0]);
  const strides = (shape: number[]): number[] => {
    const s = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
    return s;
  };
  const ss = strides(srcShape);
  const ds = strides(dstShape);
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  const idx = box.map(([lo]) => lo);
  const inner = box[rank - 1]![1] - box[rank - 1]![0];
  for (;;) {
    let si = 0;
    let di = 0;
    for (let d = 0; d < rank; d++) {
      si += (idx[d]! - srcStart[d]!) * ss[d]!;
      di += (idx[d]! - dstStart[d]!) * ds[d]!;
    }
    for (let k = 0; k < inner; k++) dst[di + k] = src[si + k]!;
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < box[d]![1]) break;
      idx[d] = box[d]![0];
    }
    if (d < 0) return;
  }
}
