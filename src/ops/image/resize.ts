/**
 * TF1's resize ops (ResizeBilinear, ResizeNearestNeighbor, ResizeBicubic, ResizeArea) and the
 * gradient ops TF1 has (ResizeBilinearGrad, ResizeNearestNeighborGrad, ResizeBicubicGrad;
 * ResizeArea has none), with TF 1.15's two pixel mappings (image_resizer_state.h): the legacy
 * `in = out * scale` (scale = in/out, or (in−1)/(out−1) with align_corners), and, with
 * half_pixel_centers, `in = (out + 0.5) * scale − 0.5` (nearest: floor((out + 0.5) * scale);
 * bicubic: Keys's A = −0.5 with the taps outside the image dropped and the rest renormalized).
 *
 * Every method is separable: an output row (column) is a weighted sum of a few input rows
 * (columns) whose positions and weights depend only on the sizes. So each op lowers, with the
 * plan's concrete sizes, into a gather of those rows and a weighted sum along the height, then
 * the same along the width; each gradient into the transposed steps (weighted rows
 * scatter-added back). Positions and weights are computed in float32 as TF's CPU kernels do
 * (bicubic through TF's 1024-entry coefficient table, A = −0.75 legacy, −0.5 half-pixel). As
 * the lowering is made of the generic gather / multiply / sum / scatter-add steps, every device
 * runs the same mapping, and the ops whose size is fed run it on the host (resizeHost).
 */
import { type DType, isFloat } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import type { PartialShape } from '../../shape.js';
import { shape, shapeFnError, slice } from '../array.js';
import type { TensorLike } from '../convert.js';
import { constant } from '../core.js';
import type { Lower, Val } from '../lower.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { operandValues } from '../shape-operands.js';
import { fromData } from '../host-values.js';
import { registerHostOp } from '../../session/host-stage.js';
import { fromHalf } from '../../float16.js';

export type ResizeKind = 'bilinear' | 'nearest' | 'bicubic' | 'area';

/** Per output position: `k` input positions and weights (unused taps have weight 0). */
interface Taps {
  k: number;
  idx: Int32Array;
  w: Float32Array;
  /** Every weight is 1 and k is 1 (a plain gather). */
  plain: boolean;
}

const f = Math.fround;

/** TF's CalculateResizeScale. */
function resizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? f((inSize - 1) / f(outSize - 1)) : f(inSize / f(outSize));
}

const cubicTables = new Map<number, Float32Array>();
/**
 * TF's GetCoeffsTable: 1025 × 2 floats, A = −0.75 for the legacy kernel, −0.5 (Keys) with
 * half_pixel_centers. TF's InitCoeffsTable takes A as a double, so each entry is evaluated in
 * double from a float x and stored as a float.
 */
function coeffsTable(A: number): Float32Array {
  const cached = cubicTables.get(A);
  if (cached) return cached;
  const n = 1024;
  const t = new Float32Array((n + 1) * 2);
  for (let i = 0; i <= n; i++) {
    let x = f(i / n);
    t[i * 2] = ((A + 2) * x - (A + 3)) * x * x + 1;
    x = f(x + 1);
    t[i * 2 + 1] = ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }
  cubicTables.set(A, t);
  return t;
}

/** lrintf: round half to even. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function computeTaps(kind: ResizeKind, inSize: number, outSize: number, alignCorners: boolean, halfPixel = false): Taps {
  const scale = resizeScale(inSize, outSize, alignCorners);
  const bound = (v: number): number => Math.min(inSize - 1, Math.max(0, v));
  // TF's LegacyScaler and HalfPixelScaler, in float32
  const src = halfPixel ? (o: number): number => f(f(f(o + 0.5) * scale) - 0.5) : (o: number): number => f(o * scale);
  if (kind === 'nearest') {
    const idx = new Int32Array(outSize);
    for (let o = 0; o < outSize; o++) {
      // HalfPixelScalerForNN: (o + 0.5)·scale, the floor (roundf with align_corners) doing the rest
      const x = halfPixel ? f(f(o + 0.5) * scale) : f(o * scale);
      idx[o] = Math.max(0, Math.min(alignCorners ? Math.round(x) : Math.floor(x), inSize - 1));
    }
    return { k: 1, idx, w: new Float32Array(outSize).fill(1), plain: true };
  }
  if (kind === 'bilinear') {
    const idx = new Int32Array(outSize * 2);
    const w = new Float32Array(outSize * 2);
    for (let o = 0; o < outSize; o++) {
      // below 0 (half-pixel, the first outputs) both taps clamp to 0
      const x = src(o);
      const lo = Math.max(Math.floor(x), 0);
      const hi = Math.min(Math.ceil(x), inSize - 1);
      const lerp = f(x - Math.floor(x));
      idx[o * 2] = lo;
      idx[o * 2 + 1] = hi;
      w[o * 2] = f(1 - lerp);
      w[o * 2 + 1] = lerp;
    }
    return { k: 2, idx, w, plain: false };
  }
  if (kind === 'bicubic') {
    const table = coeffsTable(halfPixel ? -0.5 : -0.75);
    const n = 1024;
    const idx = new Int32Array(outSize * 4);
    const w = new Float32Array(outSize * 4);
    for (let o = 0; o < outSize; o++) {
      const x = src(o);
      const xi = Math.floor(x);
      const delta = f(x - xi);
      const off = rint(f(delta * n));
      const at = [xi - 1, xi, xi + 1, xi + 2];
      const ww = [table[off * 2 + 1]!, table[off * 2]!, table[(n - off) * 2]!, table[(n - off) * 2 + 1]!];
      const ii = at.map(bound);
      if (halfPixel) {
        // TF's use_keys_cubic: a tap outside the image weighs 0 and the weights are renormalized
        for (let j = 0; j < 4; j++) if (ii[j] !== at[j]) ww[j] = 0;
        const sum = f(f(f(ww[0]! + ww[1]!) + ww[2]!) + ww[3]!);
        if (Math.abs(sum) >= 1000 * 1.1754943508222875e-38) {
          const inv = f(1 / sum);
          for (let j = 0; j < 4; j++) ww[j] = f(ww[j]! * inv);
        }
      }
      w.set(ww, o * 4);
      idx.set(ii, o * 4);
    }
    return { k: 4, idx, w, plain: false };
  }
  // area: every input pixel the output pixel's span [o·s, (o+1)·s) covers, weighted by the
  // covered fraction, divided by s (TF's ResizeAreaOp, its legacy start/end scales).
  const spans: { i: number[]; w: number[] }[] = [];
  let k = 1;
  for (let o = 0; o < outSize; o++) {
    const a = f(o * scale);
    const b = f((o + 1) * scale);
    const start = Math.floor(a);
    const end = Math.ceil(b);
    const ii: number[] = [];
    const ww: number[] = [];
    for (let i = start; i < end; i++) {
      const s = i < a ? (i + 1 > b ? scale : f(i + 1 - a)) : i + 1 > b ? f(b - i) : 1;
      ii.push(bound(i));
      ww.push(f(s / scale));
    }
    spans.push({ i: ii, w: ww });
    k = Math.max(k, ii.length);
  }
  const idx = new Int32Array(outSize * k);
  const w = new Float32Array(outSize * k);
  spans.forEach((s, o) => {
    idx.set(s.i, o * k);
    w.set(s.w, o * k);
  });
  return { k, idx, w, plain: false };
}

/** x viewed as [outer, n, inner] → [outer, out, inner]: each output row the taps' weighted sum. */
function applyTaps(b: Lower, x: Val, t: Taps, outer: number, n: number, inner: number, out: number): Val {
  const v = b.reshape(x, [outer, n, inner]);
  const g = b.gather(v, b.constant(new NDArray(t.idx, [out * t.k], 'int32')), 1);
  if (t.plain) return g;
  const w = b.constant(new NDArray(x.dtype === 'float64' ? Float64Array.from(t.w) : t.w, [1, out, t.k, 1], x.dtype));
  return b.reduce('sum', b.binary('mul', b.reshape(g, [outer, out, t.k, inner]), w), [2], false);
}

/** The transpose of applyTaps: dy [outer, out, inner] → [outer, n, inner]. */
function applyTapsT(b: Lower, dy: Val, t: Taps, outer: number, n: number, inner: number, out: number): Val {
  let u = b.reshape(dy, [outer, out, 1, inner]);
  if (!t.plain) {
    const w = b.constant(new NDArray(dy.dtype === 'float64' ? Float64Array.from(t.w) : t.w, [1, out, t.k, 1], dy.dtype));
    u = b.binary('mul', u, w);
  } else if (t.k !== 1) {
    u = b.broadcastTo(u, [outer, out, t.k, inner]);
  }
  return b.scatterAdd(b.reshape(u, [outer, out * t.k, inner]), b.constant(new NDArray(t.idx, [out * t.k], 'int32')), 1, n);
}

/** Resize a concrete [B, H, W, C] value to [B, oh, ow, C]. */
export function lowerResize(b: Lower, x: Val, oh: number, ow: number, kind: ResizeKind, alignCorners: boolean, halfPixel = false): Val {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const th = computeTaps(kind, H, oh, alignCorners, halfPixel);
  const tw = computeTaps(kind, W, ow, alignCorners, halfPixel);
  const y = applyTaps(b, x, th, B, H, W * C, oh);
  return b.reshape(applyTaps(b, y, tw, B * oh, W, C, ow), [B, oh, ow, C]);
}

/** The gradient of lowerResize w.r.t. its input of spatial size [H, W]. */
export function lowerResizeGrad(b: Lower, dy: Val, H: number, W: number, kind: ResizeKind, alignCorners: boolean, halfPixel = false): Val {
  const [B, oh, ow, C] = dy.shape as [number, number, number, number];
  const th = computeTaps(kind, H, oh, alignCorners, halfPixel);
  const tw = computeTaps(kind, W, ow, alignCorners, halfPixel);
  const g = applyTapsT(b, dy, tw, B * oh, W, C, ow);
  return b.reshape(applyTapsT(b, g, th, B, H, W * C, oh), [B, H, W, C]);
}

// ----- op declarations ----------------------------------------------------------------------

const OP_OF: Record<ResizeKind, string> = { bilinear: 'ResizeBilinear', nearest: 'ResizeNearestNeighbor', bicubic: 'ResizeBicubic', area: 'ResizeArea' };
const REAL_TYPES: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'int64', 'float16', 'float32', 'float64'];
const TF_NAMES: Record<string, string> = { int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', int64: 'int64', float16: 'float16', float32: 'float32', float64: 'float64' };

/**
 * The attrs carry TF's own names (T, align_corners, half_pixel_centers), so asGraphDef writes
 * the NodeDefs TF writes and a TF-written graph's nodes import as these ops.
 */
interface ResizeAttrs { align_corners: boolean; half_pixel_centers?: boolean; T?: DType; [k: string]: unknown }

/** ImageResizerState's check: TF's InvalidArgument when both mappings are asked for. */
function checkMapping(a: ResizeAttrs, opName: string): boolean {
  if (a.half_pixel_centers && a.align_corners) throw new InvalidArgumentError('If half_pixel_centers is True, align_corners must be False.', opName);
  return !!a.half_pixel_centers;
}

/** The build-time value of a size operand, when it is a constant. */
function staticSize(t: Tensor): (number | null)[] {
  if (t.op.type === 'Const') {
    const v = t.op.attrs.value as NDArray | undefined;
    if (v && v.size === 2) return [Number(v.data[0]), Number(v.data[1])];
  }
  // Slice(Shape(x), [1], [2]), as the nearest-neighbor gradient builds it
  if (t.op.type === 'Slice' && t.op.inputs[0]!.op.type === 'Shape') {
    const s = t.op.inputs[0]!.op.inputs[0]!.shape;
    const begin = (t.op.attrs.begin as number[])[0]!;
    const n = (t.op.attrs.size as number[])[0]!;
    if (s && n === 2) return [s[begin] ?? null, s[begin + 1] ?? null];
  }
  return [null, null];
}

function sizeFromVal(b: Lower, v: Val, type: string): [number, number] {
  const s = operandValues(b, v, `${type}'s size`);
  if (s.length !== 2) throw new InvalidArgumentError(`shape_t must have two elements ${s.length}`, b.opName);
  if (!(s[0]! > 0 && s[1]! > 0)) throw new InvalidArgumentError('output dimensions must be positive', b.opName);
  return [s[0]!, s[1]!];
}

function checkImageRank4(x: Tensor, size: Tensor, name: string, type: string): void {
  const shapes: PartialShape[] = [x.shape, size.shape];
  if (x.shape !== null && x.shape.length !== 4) throw shapeFnError(`Shape must be rank 4 but is rank ${x.shape.length}`, name, type, shapes);
  if (size.shape !== null && size.shape.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${size.shape.length}`, name, type, shapes);
  if (size.shape !== null && size.shape[0] !== null && size.shape[0] !== 2) throw shapeFnError(`Dimension must be 2 but is ${size.shape[0]}`, name, type, shapes);
  if (size.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'size' has DataType ${size.dtype} not in list of allowed values: int32`);
}

for (const kind of ['bilinear', 'nearest', 'bicubic', 'area'] as const) {
  const type = OP_OF[kind];
  defineOp<ResizeAttrs>({
    type,
    infer: ([x, size], _a, name) => {
      if (!REAL_TYPES.includes(x!.dtype)) {
        throw new TypeError(`Value passed to parameter 'images' has DataType ${x!.dtype} not in list of allowed values: ${REAL_TYPES.map((d) => TF_NAMES[d]).join(', ')}`);
      }
      checkImageRank4(x!, size!, name, type);
      const [oh, ow] = staticSize(size!);
      const s = x!.shape;
      return [{ dtype: kind === 'nearest' ? x!.dtype : 'float32', shape: [s?.[0] ?? null, oh, ow, s?.[3] ?? null] }];
    },
    lower: (b, [x, size], a) => {
      // ResizeArea has no half_pixel_centers attr
      const half = kind === 'area' ? false : checkMapping(a, b.opName);
      const [oh, ow] = sizeFromVal(b, size!, type);
      const [, H, W] = x!.shape as number[];
      if (!(H! > 0 && W! > 0)) throw new InvalidArgumentError(`input image must be of non-zero size`, b.opName);
      if (kind === 'nearest') return [lowerResize(b, x!, oh, ow, kind, a.align_corners, half)];
      const xf = x!.dtype === 'float32' ? x! : b.cast(x!, 'float32');
      return [lowerResize(b, xf, oh, ow, kind, a.align_corners, half)];
    },
  });
}

// Gradients: ResizeBilinearGrad(grads, original_image), ResizeBicubicGrad(grads, original_image),
// ResizeNearestNeighborGrad(grads, size).
for (const kind of ['bilinear', 'bicubic'] as const) {
  const type = `${OP_OF[kind]}Grad`;
  defineOp<ResizeAttrs>({
    type,
    infer: ([dy, orig], _a, name) => {
      if (dy!.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'grads' has DataType ${dy!.dtype} not in list of allowed values: float32`);
      if (!isFloat(orig!.dtype)) throw new TypeError(`Value passed to parameter 'original_image' has DataType ${orig!.dtype} not in list of allowed values: float32, bfloat16, float16, float64`);
      for (const t of [dy!, orig!]) if (t.shape !== null && t.shape.length !== 4) throw shapeFnError(`Shape must be rank 4 but is rank ${t.shape.length}`, name, type, [dy!.shape, orig!.shape]);
      return [{ dtype: orig!.dtype, shape: orig!.shape }];
    },
    lower: (b, [dy, orig], a) => {
      const half = checkMapping(a, b.opName);
      const [, H, W] = orig!.shape as number[];
      const g = lowerResizeGrad(b, dy!, H!, W!, kind, a.align_corners, half);
      return [orig!.dtype === 'float32' ? g : b.cast(g, orig!.dtype)];
    },
  });
  registerGradient(type, null);
  registerGradient(OP_OF[kind], (op, [dy]) => {
    const x = op.inputs[0]!;
    if (!dy || !isFloat(x.dtype)) return [null, null];
    return [makeOp(dy.graph, type, [dy, x], { align_corners: !!op.attrs.align_corners, half_pixel_centers: !!op.attrs.half_pixel_centers, T: x.dtype }, undefined, type).outputs[0]!, null];
  });
}

defineOp<ResizeAttrs>({
  type: 'ResizeNearestNeighborGrad',
  infer: ([dy, size], _a, name) => {
    checkImageRank4(dy!, size!, name, 'ResizeNearestNeighborGrad');
    const [h, w] = staticSize(size!);
    return [{ dtype: dy!.dtype, shape: [dy!.shape?.[0] ?? null, h, w, dy!.shape?.[3] ?? null] }];
  },
  lower: (b, [dy, size], a) => {
    // TF's ResizeNearestNeighborOpGrad takes both attrs together (roundf of the half-pixel source)
    const [H, W] = sizeFromVal(b, size!, 'ResizeNearestNeighborGrad');
    return [lowerResizeGrad(b, dy!, H, W, 'nearest', a.align_corners, !!a.half_pixel_centers)];
  },
});
registerGradient('ResizeNearestNeighborGrad', null);
registerGradient('ResizeArea', null);

/**
 * Builds one of the four resize ops on a 4-D image tensor and an int32 [2] size tensor
 * (ResizeArea, as TF's, without a half_pixel_centers attr).
 */
export function resizeOp(kind: ResizeKind, images: Tensor, size: Tensor, alignCorners: boolean, name: string | undefined, halfPixelCenters = false): Tensor {
  const attrs: ResizeAttrs = kind === 'area'
    ? { align_corners: alignCorners, T: images.dtype }
    : { align_corners: alignCorners, half_pixel_centers: halfPixelCenters, T: images.dtype };
  return makeOp(images.graph, OP_OF[kind], [images, size], attrs, name, OP_OF[kind]).outputs[0]!;
}

export function checkKind(method: unknown): ResizeKind {
  const m: Record<string, ResizeKind> = { 0: 'bilinear', 1: 'nearest', 2: 'bicubic', 3: 'area', bilinear: 'bilinear', nearest: 'nearest', bicubic: 'bicubic', area: 'area' };
  const k = m[String(method).toLowerCase()];
  if (!k) throw new ValueError('Resize method is not implemented.');
  return k;
}

registerGradient('ResizeNearestNeighbor', (op, [dy]) => {
  const x = op.inputs[0]!;
  if (!dy) return [null, null];
  const hw = x.shape?.slice(1, 3);
  const size = hw && hw.length === 2 && hw.every((d) => d !== null)
    ? dy.graph.asDefault(() => constant(Int32Array.from(hw as number[]) as unknown as TensorLike, 'int32'))
    : slice(shape(x), [1], [2]);
  return [makeOp(dy.graph, 'ResizeNearestNeighborGrad', [dy, size], { align_corners: !!op.attrs.align_corners, half_pixel_centers: !!op.attrs.half_pixel_centers, T: x.dtype }, undefined, 'ResizeNearestNeighborGrad').outputs[0]!, null];
});

// A size computed from fed data (TF1's resize_images(image, placeholder)): the output shape is
// known only once the size is, so such a resize runs on the host (its gradient still lowers on
// the device, from the concrete shapes).
function resizeHost(x: NDArray, oh: number, ow: number, kind: ResizeKind, alignCorners: boolean, halfPixel: boolean): NDArray {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const th = computeTaps(kind, H, oh, alignCorners, halfPixel);
  const tw = computeTaps(kind, W, ow, alignCorners, halfPixel);
  const src = x.data as ArrayLike<number>;
  if (kind === 'nearest') {
    const out = NDArray.zeros([B, oh, ow, C], x.dtype);
    const d = out.data as unknown as { [i: number]: number };
    for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let c = 0; c < C; c++) {
      d[((b * oh + y) * ow + xo) * C + c] = src[((b * H + th.idx[y]!) * W + tw.idx[xo]!) * C + c]!;
    }
    return out;
  }
  const val = x.dtype === 'float16' ? (i: number) => fromHalf(src[i]!) : (i: number) => src[i]!;
  const out = new Float32Array(B * oh * ow * C);
  for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let i = 0; i < th.k; i++) {
      const wy = th.w[y * th.k + i]!;
      if (wy === 0) continue;
      let row = 0;
      for (let j = 0; j < tw.k; j++) row += tw.w[xo * tw.k + j]! * val(((b * H + th.idx[y * th.k + i]!) * W + tw.idx[xo * tw.k + j]!) * C + c);
      acc += wy * row;
    }
    out[((b * oh + y) * ow + xo) * C + c] = acc;
  }
  return new NDArray(out, [B, oh, ow, C], 'float32');
}

for (const kind of ['bilinear', 'nearest', 'bicubic', 'area'] as const) {
  registerHostOp(OP_OF[kind], function* (op, [x, size]) {
    const s = Array.from(size!.data as ArrayLike<number>, Number);
    if (s.length !== 2) throw new InvalidArgumentError(`shape_t must have two elements ${s.length}`, op.name);
    if (!(s[0]! > 0 && s[1]! > 0)) throw new InvalidArgumentError('output dimensions must be positive', op.name);
    if (x!.shape.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional[${x!.shape.join(',')}]`, op.name);
    const half = kind === 'area' ? false : checkMapping(op.attrs as ResizeAttrs, op.name);
    return [resizeHost(x!, s[0]!, s[1]!, kind, !!op.attrs.align_corners, half)];
  }, { when: (op) => fromData(op.inputs[1]!) });
}
