/**
 * `tf.image`: TF 1.15's image_ops_impl.py functions on NHWC images (3-D `[h, w, c]` or 4-D
 * `[batch, h, w, c]`), with TF1's argument checks and texts. Resizing is its own ops
 * (./resize.ts); everything else is composed from tsflow's ops as TF's Python composes it, so
 * crops, pads, flips and the colour adjustments have gradients through those ops.
 * nonMaxSuppression runs on the host (its output length depends on the values), as TF runs
 * NonMaxSuppressionV3 on the CPU.
 */
import { kwargs } from '../../args.js';
import { type DType, isFloat, isInt } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { Assert } from '../logging-ops.js';
import { identity } from '../core.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { type PartialShape, pyShape } from '../../shape.js';
import { concat, expandDims, gather, range, reshape, shape as shapeOf, slice, squeeze, stack, tile, transpose as transposeOp, unstack, zeros } from '../array.js';
import { depthwiseConv2d } from '../conv-transpose.js';
import { type TensorLike, toTensor } from '../convert.js';
import { tensordot } from '../einsum.js';
import {
  abs, add, cast, ceil, clipByValue, equal, floor, floorDiv, greater, greaterEqual as greaterEq, less, lessEqual as lessEq, maximum, minimum, mod, multiply, pow,
  reduceMean, reduceSum, sqrt, square, subtract, where,
} from '../math.js';
import { gatherNd } from '../scatter-nd.js';
import { pad } from '../pad.js';
import { randomUniform } from '../random.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { reverse } from '../split.js';
import { checkKind, resizeOp, type ResizeKind } from './resize.js';

export { checkKind };

type Img = TensorLike;
type Opt = Record<string, unknown>;

/** TF1's `tf.image.ResizeMethod` (ResizeMethodV1: integers). */
export const ResizeMethod = Object.freeze({ BILINEAR: 0, NEAREST_NEIGHBOR: 1, BICUBIC: 2, AREA: 3 });

const scoped = <T>(x: Tensor, name: string | undefined, dflt: string, fn: () => T): T => x.graph.nameScope(name ?? dflt, () => fn());

function args(a: unknown[], names: string[], where: string, required: number): Opt {
  return kwargs(a, names, where, required);
}

/** _CheckAtLeast3DImage (static part). */
function checkAtLeast3D(x: Tensor): void {
  const s = x.shape;
  if (s === null) return;
  if (s.length < 3) throw new ValueError(`'image' (shape ${pyShape(s)}) must be at least three-dimensional.`);
  if (s.some((d) => d === 0)) throw new ValueError("all dims of 'image.shape' must be > 0.");
}

/** The 3-or-4-D rule of the crop/pad/resize functions: the image as a batch, and whether it was one. */
function asBatch(x: Tensor, text = (s: PartialShape) => `'image' (shape ${pyShape(s)}) must have either 3 or 4 dimensions.`): [Tensor, boolean] {
  const s = x.shape;
  if (s === null) throw new ValueError("'image' contains no shape.");
  if (s.length === 3) return [expandDims(x, 0), false];
  if (s.length !== 4) throw new ValueError(text(s));
  return [x, true];
}
const unbatch = (x: Tensor, isBatch: boolean): Tensor => (isBatch ? x : squeeze(x, [0]));

function intArg(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  return v;
}

/** Static [batch, h, w, c] of a 4-D image; h and w must be known for the crop/pad arithmetic. */
function dims4(x: Tensor, fn: string): [number | null, number, number, number | null] {
  const s = x.shape as (number | null)[];
  if (s[1] === null || s[2] === null) throw new ValueError(`${fn}: tsflow needs the image's height and width known when the graph is built, got shape ${pyShape(s)}`);
  return [s[0]!, s[1]!, s[2]!, s[3]!];
}

// ----- resizing -----------------------------------------------------------------------------

function sizePair(size: unknown): Tensor | [number, number] {
  if (Array.isArray(size)) {
    if (size.length !== 2) throw new ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width");
    if (size.every((v) => typeof v === 'number')) {
      if (!size.every((v) => Number.isInteger(v))) throw new TypeError(`Expected int32, got ${size.find((v) => !Number.isInteger(v))} of type 'float' instead.`);
      return [size[0], size[1]];
    }
    if (size.some((v) => v === null || v === undefined)) throw new ValueError("Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to a Tensor.");
    return stack(size.map((v) => toTensor(v as TensorLike, 'int32')), 0);
  }
  const t = toTensor(size as TensorLike, 'int32');
  if (t.dtype !== 'int32') throw new ValueError(`Tensor conversion requested dtype int32 for Tensor with dtype ${t.dtype}: ${t.name}`);
  if (t.shape !== null && (t.shape.length !== 1 || (t.shape[0] !== null && t.shape[0] !== 2))) {
    throw new ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width");
  }
  return t;
}

function resizeCommon(images: Img, size: unknown, kind: ResizeKind, alignCorners: boolean, preserveAspectRatio: boolean, name: string | undefined, dflt: string): Tensor {
  const x0 = toTensor(images);
  return scoped(x0, name, dflt, () => {
    if (x0.shape === null) throw new ValueError("'images' contains no shape.");
    const [x, isBatch] = asBatch(x0, () => "'images' must have either 3 or 4 dimensions.");
    let sz = sizePair(size);
    const [, h, w] = x.shape as (number | null)[];
    if (preserveAspectRatio) {
      if (Array.isArray(sz) && h !== null && w !== null) {
        // TF: scale_factor = min(new_h / h, new_w / w); new = tf.round(dim * scale_factor), in
        // float32 and rounding half to even as tf.round does
        const f = Math.fround;
        const scale = Math.min(f(sz[0] / h), f(sz[1] / w));
        const rint = (v: number): number => (v - Math.floor(v) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
        sz = [rint(f(h * scale)), rint(f(w * scale))];
      } else {
        throw new ValueError('preserveAspectRatio: tsflow needs the image size and the target size known when the graph is built');
      }
    }
    if (Array.isArray(sz) && h === sz[0] && w === sz[1]) return unbatch(x, isBatch);
    const st = Array.isArray(sz) ? toTensor(Int32Array.from(sz) as unknown as TensorLike, 'int32') : sz;
    return unbatch(resizeOp(kind, x, st, alignCorners, undefined), isBatch);
  });
}

/**
 * `tf.image.resizeImages(images, size, method = BILINEAR, alignCorners = false,
 * preserveAspectRatio = false, name?)` (TF1's resize_images): float32 out except for
 * NEAREST_NEIGHBOR, or the input itself when the size is statically unchanged.
 */
export function resizeImages(...a: unknown[]): Tensor {
  const o = args(a, ['images', 'size', 'method', 'alignCorners', 'preserveAspectRatio', 'name'], 'resizeImages', 2);
  return resizeCommon(o.images as Img, o.size, checkKind(o.method ?? 0), !!o.alignCorners, !!o.preserveAspectRatio, o.name as string | undefined, 'resize_images');
}
/** TF1's `tf.image.resize` (the same as resizeImages in TF 1.15). */
export const resize = resizeImages;

function rawResize(kind: ResizeKind, fn: string, a: unknown[]): Tensor {
  // ResizeArea (tf.image.resize_area) has no half_pixel_centers
  const o = args(a, ['images', 'size', 'alignCorners', 'name', ...(kind === 'area' ? [] : ['halfPixelCenters'])], fn, 2);
  const x = toTensor(o.images as Img);
  const sz = sizePair(o.size);
  const st = Array.isArray(sz) ? toTensor(Int32Array.from(sz) as unknown as TensorLike, 'int32') : sz;
  // alignCorners with halfPixelCenters fails when the op runs, as TF's kernels check it
  return resizeOp(kind, x, st, !!o.alignCorners, o.name as string | undefined, !!o.halfPixelCenters);
}
/**
 * `tf.image.resizeBilinear(images, size, alignCorners = false, name?, halfPixelCenters = false)`:
 * the ResizeBilinear op (4-D); halfPixelCenters maps `in = (out + 0.5)·in/out − 0.5`.
 */
export const resizeBilinear = (...a: unknown[]): Tensor => rawResize('bilinear', 'resizeBilinear', a);
/** `tf.image.resizeNearestNeighbor(images, size, alignCorners = false, name?, halfPixelCenters = false)`. */
export const resizeNearestNeighbor = (...a: unknown[]): Tensor => rawResize('nearest', 'resizeNearestNeighbor', a);
/** `tf.image.resizeBicubic(images, size, alignCorners = false, name?, halfPixelCenters = false)`. */
export const resizeBicubic = (...a: unknown[]): Tensor => rawResize('bicubic', 'resizeBicubic', a);
/** `tf.image.resizeArea(images, size, alignCorners = false, name?)`. */
export const resizeArea = (...a: unknown[]): Tensor => rawResize('area', 'resizeArea', a);

// ----- crops and pads -----------------------------------------------------------------------

/** An offset: an integer, or a scalar int tensor known when the graph runs. */
function offsetArg(v: unknown, what: string): number | Tensor {
  if (typeof v === 'number') return intArg(v, what);
  const t = toTensor(v as TensorLike);
  if (t.shape !== null && t.shape.length !== 0) throw new ValueError(`${what} must be a scalar, got shape ${pyShape(t.shape)}`);
  if (!isInt(t.dtype)) throw new TypeError(`${what} must be an integer tensor, got ${t.dtype}`);
  return cast(t, 'int32');
}

/**
 * TF's `_assert` of the crop/pad functions: a ValueError now when the condition is known, else an
 * Assert the result depends on (`assertion failed: [message]` when the graph runs).
 */
function checks(conds: [boolean | Tensor, string][], result: () => Tensor): Tensor {
  const deps: Operation[] = [];
  for (const [c, msg] of conds) {
    if (c === false) throw new ValueError(msg);
    if (c !== true) deps.push(Assert(c, [msg]));
  }
  const r = result();
  return deps.length === 0 ? r : r.graph.controlDependencies(deps, () => identity(r));
}
const ge = (a: number | Tensor, b: number | Tensor): boolean | Tensor =>
  typeof a === 'number' && typeof b === 'number' ? a >= b : greaterEq(a, b);
const sum = (a: number | Tensor, b: number | Tensor): number | Tensor => (typeof a === 'number' && typeof b === 'number' ? a + b : add(a, b));
const diff = (a: number | Tensor, b: number | Tensor): number | Tensor => (typeof a === 'number' && typeof b === 'number' ? a - b : subtract(a, b));

function cropImpl(x0: Tensor, oh: number | Tensor, ow: number | Tensor, th: number, tw: number): Tensor {
  const [x, isBatch] = asBatch(x0);
  checkAtLeast3D(x);
  const [, h, w] = dims4(x, 'crop_to_bounding_box');
  return checks([
    [ge(ow, 0), 'offset_width must be >= 0.'],
    [ge(oh, 0), 'offset_height must be >= 0.'],
    [tw > 0, 'target_width must be > 0.'],
    [th > 0, 'target_height must be > 0.'],
    [ge(w, sum(tw, ow)), 'width must be >= target + offset.'],
    [ge(h, sum(th, oh)), 'height must be >= target + offset.'],
  ], () => unbatch(slice(x, [0, oh, ow, 0], [-1, th, tw, -1]), isBatch));
}

/** `tf.image.cropToBoundingBox(image, offsetHeight, offsetWidth, targetHeight, targetWidth)`. */
export function cropToBoundingBox(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'offsetHeight', 'offsetWidth', 'targetHeight', 'targetWidth'], 'cropToBoundingBox', 5);
  const x = toTensor(o.image as Img);
  return scoped(x, undefined, 'crop_to_bounding_box', () =>
    cropImpl(x, offsetArg(o.offsetHeight, 'offset_height'), offsetArg(o.offsetWidth, 'offset_width'), intArg(o.targetHeight, 'target_height'), intArg(o.targetWidth, 'target_width')));
}

function padImpl(x0: Tensor, oh: number | Tensor, ow: number | Tensor, th: number, tw: number): Tensor {
  const [x, isBatch] = asBatch(x0);
  checkAtLeast3D(x);
  const [b, h, w, c] = dims4(x, 'pad_to_bounding_box');
  const afterW = diff(diff(tw, ow), w);
  const afterH = diff(diff(th, oh), h);
  return checks([
    [ge(oh, 0), 'offset_height must be >= 0'],
    [ge(ow, 0), 'offset_width must be >= 0'],
    [ge(afterW, 0), 'width must be <= target - offset'],
    [ge(afterH, 0), 'height must be <= target - offset'],
  ], () => {
    if ([oh, ow, afterH, afterW].every((v) => typeof v === 'number')) return unbatch(pad(x, [[0, 0], [oh as number, afterH as number], [ow as number, afterW as number], [0, 0]]), isBatch);
    const row = (a: number | Tensor, z: number | Tensor): Tensor => stack([cast(a, 'int32'), cast(z, 'int32')]);
    const paddings = stack([row(0, 0), row(oh, afterH), row(ow, afterW), row(0, 0)]);
    const padded = pad(x, paddings);
    padded.setShape([b, th, tw, c]);
    return unbatch(padded, isBatch);
  });
}

/** `tf.image.padToBoundingBox(image, offsetHeight, offsetWidth, targetHeight, targetWidth)`: zeros around. */
export function padToBoundingBox(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'offsetHeight', 'offsetWidth', 'targetHeight', 'targetWidth'], 'padToBoundingBox', 5);
  const x = toTensor(o.image as Img);
  return scoped(x, undefined, 'pad_to_bounding_box', () =>
    padImpl(x, offsetArg(o.offsetHeight, 'offset_height'), offsetArg(o.offsetWidth, 'offset_width'), intArg(o.targetHeight, 'target_height'), intArg(o.targetWidth, 'target_width')));
}

const pyFloorDiv = (a: number, b: number): number => Math.floor(a / b);

/** `tf.image.resizeImageWithCropOrPad(image, targetHeight, targetWidth)`: centre crop and/or zero pad. */
export function resizeImageWithCropOrPad(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'targetHeight', 'targetWidth'], 'resizeImageWithCropOrPad', 3);
  const x0 = toTensor(o.image as Img);
  return scoped(x0, undefined, 'resize_image_with_crop_or_pad', () => {
    const th = intArg(o.targetHeight, 'target_height');
    const tw = intArg(o.targetWidth, 'target_width');
    const [x, isBatch] = asBatch(x0);
    checkAtLeast3D(x);
    if (!(tw > 0)) throw new ValueError('target_width must be > 0.');
    if (!(th > 0)) throw new ValueError('target_height must be > 0.');
    const [, h, w] = dims4(x, 'resize_image_with_crop_or_pad');
    const wd = tw - w;
    const hd = th - h;
    const cropped = cropImpl(x, Math.max(pyFloorDiv(-hd, 2), 0), Math.max(pyFloorDiv(-wd, 2), 0), Math.min(th, h), Math.min(tw, w));
    return unbatch(padImpl(cropped, Math.max(pyFloorDiv(hd, 2), 0), Math.max(pyFloorDiv(wd, 2), 0), th, tw), isBatch);
  });
}
export const resizeWithCropOrPad = resizeImageWithCropOrPad;

/**
 * `tf.image.resizeImageWithPad(image, targetHeight, targetWidth, method = BILINEAR,
 * alignCorners = false)`: resize keeping the aspect ratio, then zero-pad to the target.
 */
export function resizeImageWithPad(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'targetHeight', 'targetWidth', 'method', 'alignCorners'], 'resizeImageWithPad', 3);
  const x0 = toTensor(o.image as Img);
  return scoped(x0, undefined, 'resize_image_with_pad', () => {
    const th = intArg(o.targetHeight, 'target_height');
    const tw = intArg(o.targetWidth, 'target_width');
    const [x, isBatch] = asBatch(x0);
    checkAtLeast3D(x);
    if (!(tw > 0)) throw new ValueError('target_width must be > 0.');
    if (!(th > 0)) throw new ValueError('target_height must be > 0.');
    const [, h, w] = dims4(x, 'resize_image_with_pad');
    // TF computes these in float32 tensors
    const f = Math.fround;
    const ratio = Math.max(f(w / tw), f(h / th));
    const rh = f(h / ratio);
    const rw = f(w / ratio);
    const ph = Math.max(0, Math.floor(f(f(th - rh) / 2)));
    const pw = Math.max(0, Math.floor(f(f(tw - rw) / 2)));
    const resized = resizeCommon(x, [Math.floor(rh), Math.floor(rw)], checkKind(o.method ?? 0), !!o.alignCorners, false, undefined, 'resize_images');
    return unbatch(padImpl(resized, ph, pw, th, tw), isBatch);
  });
}

/** `tf.image.centralCrop(image, centralFraction)`: the central part of each image. */
export function centralCrop(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'centralFraction'], 'centralCrop', 2);
  const x = toTensor(o.image as Img);
  const frac = Number(o.centralFraction);
  return scoped(x, undefined, 'central_crop', () => {
    if (!(frac > 0 && frac <= 1)) throw new ValueError('central_fraction must be within (0, 1]');
    if (frac === 1) return x;
    checkAtLeast3D(x);
    const r = x.shape?.length;
    if (r !== 3 && r !== 4) throw new ValueError("'image' should either be a 3D or 4D tensor.");
    const [b, isBatch] = asBatch(x);
    const [, h, w] = dims4(b, 'central_crop');
    const hs = Math.trunc((h - h * frac) / 2);
    const ws = Math.trunc((w - w * frac) / 2);
    return unbatch(slice(b, [0, hs, ws, 0], [-1, h - hs * 2, w - ws * 2, -1]), isBatch);
  });
}

// ----- flips, transposes, rotations -----------------------------------------------------------

function flipAxis(x: Tensor, which: 0 | 1): Tensor {
  checkAtLeast3D(x);
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError("'image' contains no shape.");
  if (r !== 3 && r !== 4) throw new ValueError(`'image' (shape ${pyShape(x.shape)})must have either 3 or 4 dimensions.`);
  return reverse(x, [which + (r === 4 ? 1 : 0)]);
}
/** `tf.image.flipLeftRight(image)`: reverses the width axis. */
export function flipLeftRight(image: Img): Tensor {
  const x = toTensor(image);
  return scoped(x, undefined, 'flip_left_right', () => flipAxis(x, 1));
}
/** `tf.image.flipUpDown(image)`: reverses the height axis. */
export function flipUpDown(image: Img): Tensor {
  const x = toTensor(image);
  return scoped(x, undefined, 'flip_up_down', () => flipAxis(x, 0));
}

function randomFlip(a: unknown[], which: 0 | 1, fn: string, scope: string): Tensor {
  const o = args(a, ['image', 'seed'], fn, 1);
  const x = toTensor(o.image as Img);
  return scoped(x, undefined, scope, () => {
    checkAtLeast3D(x);
    const r = x.shape?.length;
    if (r !== 3 && r !== 4) throw new ValueError(`'image' (shape ${pyShape(x.shape)})must have either 3 or 4 dimensions.`);
    const seed = (o.seed as number | null | undefined) ?? null;
    if (r === 3) {
      const u = randomUniform([], 0, 1, 'float32', seed);
      return where(less(u, 0.5), reverse(x, [which]), x);
    }
    // one draw per image of the batch (TF 1.15)
    const n = x.shape![0] ?? null;
    const u = randomUniform(n === null ? slice(shapeOf(x), [0], [1]) : [n], 0, 1, 'float32', seed);
    const flips = reshape(less(u, 0.5), [-1, 1, 1, 1]);
    return where(flips, reverse(x, [which + 1]), x);
  });
}
/** `tf.image.randomFlipLeftRight(image, seed?)`: each image flipped with probability 1/2. */
export const randomFlipLeftRight = (...a: unknown[]): Tensor => randomFlip(a, 1, 'randomFlipLeftRight', 'random_flip_left_right');
/** `tf.image.randomFlipUpDown(image, seed?)`. */
export const randomFlipUpDown = (...a: unknown[]): Tensor => randomFlip(a, 0, 'randomFlipUpDown', 'random_flip_up_down');

/** `tf.image.transposeImage(image)` (also `tf.image.transpose`): swaps height and width. */
export function transposeImage(image: Img): Tensor {
  const x = toTensor(image);
  return scoped(x, undefined, 'transpose', () => {
    checkAtLeast3D(x);
    const r = x.shape?.length;
    if (r === 3) return transposeOp(x, [1, 0, 2]);
    if (r === 4) return transposeOp(x, [0, 2, 1, 3]);
    throw new ValueError("'image' must have either 3 or 4 dimensions.");
  });
}
export const transpose = transposeImage;

/** `tf.image.rot90(image, k = 1)`: rotates counter-clockwise by k × 90°. */
export function rot90(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'k', 'name'], 'rot90', 1);
  const x = toTensor(o.image as Img);
  const k = intArg(o.k ?? 1, 'k');
  return scoped(x, o.name as string | undefined, 'rot90', () => {
    checkAtLeast3D(x);
    const r = x.shape?.length;
    if (r !== 3 && r !== 4) throw new ValueError("'image' must have either 3 or 4 dimensions.");
    const off = r === 4 ? 1 : 0;
    const perm = r === 4 ? [0, 2, 1, 3] : [1, 0, 2];
    switch (((k % 4) + 4) % 4) {
      case 1: return transposeOp(reverse(x, [1 + off]), perm);
      case 2: return reverse(x, [off, 1 + off]);
      case 3: return reverse(transposeOp(x, perm), [1 + off]);
      default: return x;
    }
  });
}

/** `tf.randomCrop(value, size, seed?, name?)` (also `tf.image.randomCrop`): a uniformly placed crop of shape `size`. */
export function randomCrop(...a: unknown[]): Tensor {
  const o = args(a, ['value', 'size', 'seed', 'name'], 'randomCrop', 2);
  const x = toTensor(o.value as TensorLike);
  const size = o.size as number[];
  if (!Array.isArray(size) || !size.every((v) => Number.isInteger(v) && v >= 0)) throw new TypeError(`randomCrop: size must be an array of non-negative integers, got ${JSON.stringify(o.size)}`);
  return scoped(x, o.name as string | undefined, 'random_crop', () => {
    const s = x.shape;
    if (s !== null && s.length !== size.length) throw new ValueError(`Shapes must be equal rank, but are ${s.length} and ${size.length}`);
    if (s !== null && s.every((d) => d !== null) && s.some((d, i) => d! < size[i]!)) {
      throw new InvalidArgumentError(`assertion failed: [Need value.shape >= size, got ] [${s.join(' ')}] [${size.join(' ')}]`);
    }
    const limit = add(subtract(shapeOf(x), toTensor(Int32Array.from(size) as unknown as TensorLike, 'int32')), 1);
    const u = randomUniform([size.length], 0, 1, 'float32', (o.seed as number | null | undefined) ?? null);
    const offset = cast(floor(multiply(u, cast(limit, 'float32'))), 'int32');
    let y = x;
    size.forEach((n, d) => {
      const idx = add(gather(offset, d), range(0, n, 1, 'int32'));
      y = gather(y, idx, { axis: d });
    });
    return y;
  });
}

// ----- dtype conversion ---------------------------------------------------------------------

const INT_MAX: Partial<Record<DType, number>> = { uint8: 255, int8: 127, uint16: 65535, int16: 32767, int32: 2147483647, int64: 9223372036854775807 };
const INT_MIN: Partial<Record<DType, number>> = { uint8: 0, int8: -128, uint16: 0, int16: -32768, int32: -2147483648, int64: -9223372036854775808 };

function saturateCast(x: Tensor, dtype: DType): Tensor {
  if (isInt(dtype) && x.dtype !== dtype) {
    const lo = Math.max(INT_MIN[dtype]!, isInt(x.dtype) ? INT_MIN[x.dtype]! : -Infinity);
    const hi = Math.min(INT_MAX[dtype]!, isInt(x.dtype) ? INT_MAX[x.dtype]! : Infinity);
    const clipLo = isInt(x.dtype) && lo <= INT_MIN[x.dtype]! ? null : lo;
    const clipHi = isInt(x.dtype) && hi >= INT_MAX[x.dtype]! ? null : hi;
    let y = x;
    if (clipLo !== null) y = maximum(y, toTensor(clipLo, x.dtype));
    if (clipHi !== null) y = minimum(y, toTensor(clipHi, x.dtype));
    return cast(y, dtype);
  }
  return cast(x, dtype);
}

function convertImpl(x: Tensor, dtype: DType, saturate: boolean): Tensor {
  if (!isFloat(dtype) && !isInt(dtype)) throw new TypeError('dtype must be either floating point or integer');
  if (isInt(dtype) && INT_MAX[dtype] === undefined) throw new TypeError(`convertImageDtype: unsupported dtype ${dtype}`);
  if (dtype === x.dtype) return x.graph.nameScope('', () => makeOp(x.graph, 'Identity', [x], {}, undefined, 'Identity').outputs[0]!);
  if (isInt(x.dtype) && isInt(dtype)) {
    const si = INT_MAX[x.dtype]!;
    const so = INT_MAX[dtype]!;
    if (si > so) {
      const scale = Math.floor((si + 1) / (so + 1));
      const scaled = floorDiv(x, toTensor(scale, x.dtype));
      return saturate ? saturateCast(scaled, dtype) : cast(scaled, dtype);
    }
    const c = saturate ? saturateCast(x, dtype) : cast(x, dtype);
    return multiply(c, toTensor(Math.floor((so + 1) / (si + 1)), dtype));
  }
  if (isFloat(x.dtype) && isFloat(dtype)) return cast(x, dtype);
  if (isInt(x.dtype)) return multiply(cast(x, dtype), toTensor(1 / INT_MAX[x.dtype]!, dtype));
  const scaled = multiply(x, toTensor(INT_MAX[dtype]! + 0.5, x.dtype));
  return saturate ? saturateCast(scaled, dtype) : cast(scaled, dtype);
}

/**
 * `tf.image.convertImageDtype(image, dtype, saturate = false, name?)`: floats are in [0, 1),
 * integers in [0, MAX]; conversions scale (uint8 → float32 divides by 255, float32 → uint8
 * multiplies by 255.5 and truncates) and `saturate` clips before an integer cast.
 */
export function convertImageDtype(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'dtype', 'saturate', 'name'], 'convertImageDtype', 2);
  const x = toTensor(o.image as Img);
  const dtype = String(o.dtype) as DType;
  return scoped(x, o.name as string | undefined, 'convert_image', () => convertImpl(x, dtype, !!o.saturate));
}

/** The float version of an image (float16/float32 kept, others converted to float32), and the way back. */
function asFloat(x: Tensor): [Tensor, (y: Tensor) => Tensor] {
  const orig = x.dtype;
  const flt = orig === 'float16' || orig === 'float32' ? x : convertImpl(x, 'float32', false);
  return [flt, (y) => convertImpl(y, orig, true)];
}

// ----- colour adjustments -------------------------------------------------------------------

function scalarIn(v: unknown, dtype: DType): Tensor {
  return cast(toTensor(v as TensorLike), dtype);
}

/** `tf.image.adjustBrightness(image, delta)`: adds delta (in the float [0, 1) scale). */
export function adjustBrightness(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'delta'], 'adjustBrightness', 2);
  const x = toTensor(o.image as Img);
  return scoped(x, undefined, 'adjust_brightness', () => {
    const [flt, back] = asFloat(x);
    return back(add(flt, scalarIn(o.delta, flt.dtype)));
  });
}

/** `tf.image.adjustContrast(images, contrastFactor)`: (x − mean) · factor + mean per image and channel. */
export function adjustContrast(...a: unknown[]): Tensor {
  const o = args(a, ['images', 'contrastFactor'], 'adjustContrast', 2);
  const x = toTensor(o.images as Img);
  return scoped(x, undefined, 'adjust_contrast', () => {
    const [flt, back] = asFloat(x);
    const r = flt.shape?.length;
    if (r !== undefined && r < 3) throw new ValueError(`Shape must be at least rank 3 but is rank ${r} for 'AdjustContrastv2' (op: 'AdjustContrastv2') with input shapes: ${pyShape(flt.shape)}, [].`);
    const mean = reduceMean(flt, [-3, -2], true);
    return back(add(multiply(subtract(flt, mean), scalarIn(o.contrastFactor, flt.dtype)), mean));
  });
}

/** `tf.image.adjustGamma(image, gamma = 1, gain = 1)`: gain · image^gamma (float scale). */
export function adjustGamma(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'gamma', 'gain'], 'adjustGamma', 1);
  const x = toTensor(o.image as Img);
  return scoped(x, undefined, 'adjust_gamma', () => {
    const gamma = o.gamma ?? 1;
    if (typeof gamma === 'number' && gamma < 0) throw new ValueError('Gamma should be a non-negative real number.');
    const [flt, back] = asFloat(x);
    return back(multiply(scalarIn(o.gain ?? 1, flt.dtype), pow(flt, scalarIn(gamma, flt.dtype))));
  });
}

function checkRgb(x: Tensor, what = 'image'): void {
  const c = x.shape?.[x.shape.length - 1];
  if (c !== undefined && c !== null && c !== 3) throw new InvalidArgumentError(`input must have 3 channels but instead has ${c} channels.`);
  if (x.shape !== null && x.shape.length < 1) throw new ValueError(`${what} must be at least 1-D`);
}

/** RGB → [h, s, v] components (TF's RGBToHSV kernel, float). */
function hsvParts(x: Tensor): [Tensor, Tensor, Tensor] {
  const [r, g, b] = unstack(x, 3, -1) as [Tensor, Tensor, Tensor];
  const v = maximum(r, maximum(g, b));
  const range = subtract(v, minimum(r, minimum(g, b)));
  const zero = toTensor(0, x.dtype);
  const one = toTensor(1, x.dtype);
  const s = where(greater(v, zero), divide(range, where(greater(v, zero), v, one)), zero);
  const norm = divide(one, multiply(toTensor(6, x.dtype), where(greater(range, zero), range, one)));
  let h = where(equal(r, v), multiply(norm, subtract(g, b)),
    where(equal(g, v), add(multiply(norm, subtract(b, r)), toTensor(2 / 6, x.dtype)), add(multiply(norm, subtract(r, g)), toTensor(4 / 6, x.dtype))));
  h = where(greater(range, zero), h, zero);
  h = where(less(h, zero), add(h, one), h);
  return [h, s, v];
}

/** [h, s, v] → RGB (TF's HSVToRGB kernel). */
function rgbFromParts(h: Tensor, s: Tensor, v: Tensor): Tensor {
  const dt = h.dtype;
  const c = multiply(s, v);
  const m = subtract(v, c);
  const dh = multiply(h, toTensor(6, dt));
  const cat = floor(dh);
  const xx = multiply(c, subtract(toTensor(1, dt), abs(subtract(mod(dh, toTensor(2, dt)), toTensor(1, dt)))));
  const zero = multiply(c, toTensor(0, dt));
  const pick = (vals: Tensor[]): Tensor => {
    let out = zero;
    for (let k = 5; k >= 0; k--) out = where(equal(cat, toTensor(k, dt)), vals[k]!, out);
    return out;
  };
  const r = pick([c, xx, zero, zero, xx, c]);
  const g = pick([xx, c, c, xx, zero, zero]);
  const b = pick([zero, zero, xx, c, c, xx]);
  return stack([add(r, m), add(g, m), add(b, m)], -1);
}

const divide = (a: Tensor, b: Tensor): Tensor => makeOp(a.graph, 'RealDiv', [a, b], {}, undefined, 'truediv').outputs[0]!;

function floatOnly(x: Tensor, op: string): void {
  if (!isFloat(x.dtype)) throw new TypeError(`Value passed to parameter 'images' has DataType ${x.dtype} not in list of allowed values: float16, float32, float64`);
  void op;
}

/** `tf.image.rgbToHsv(images, name?)`: float images, h/s/v in [0, 1]. */
export function rgbToHsv(images: Img, name?: string): Tensor {
  const x = toTensor(images);
  floatOnly(x, 'RGBToHSV');
  checkRgb(x);
  return scoped(x, name, 'RGBToHSV', () => stack(hsvParts(x), -1));
}

/** `tf.image.hsvToRgb(images, name?)`. */
export function hsvToRgb(images: Img, name?: string): Tensor {
  const x = toTensor(images);
  floatOnly(x, 'HSVToRGB');
  checkRgb(x);
  return scoped(x, name, 'HSVToRGB', () => {
    const [h, s, v] = unstack(x, 3, -1) as [Tensor, Tensor, Tensor];
    return rgbFromParts(h, s, v);
  });
}

/** `tf.image.adjustSaturation(image, saturationFactor, name?)`: s ← clip(s · factor, 0, 1) in HSV. */
export function adjustSaturation(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'saturationFactor', 'name'], 'adjustSaturation', 2);
  const x = toTensor(o.image as Img);
  return scoped(x, o.name as string | undefined, 'adjust_saturation', () => {
    checkRgb(x);
    const [flt, back] = asFloat(x);
    const [h, s, v] = hsvParts(flt);
    const s2 = clipByValue(multiply(s, scalarIn(o.saturationFactor, flt.dtype)), 0, 1);
    return back(rgbFromParts(h, s2, v));
  });
}

/** `tf.image.adjustHue(image, delta, name?)`: h ← (h + delta) mod 1 in HSV; delta in [−1, 1]. */
export function adjustHue(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'delta', 'name'], 'adjustHue', 2);
  const x = toTensor(o.image as Img);
  return scoped(x, o.name as string | undefined, 'adjust_hue', () => {
    checkRgb(x);
    const [flt, back] = asFloat(x);
    const [h, s, v] = hsvParts(flt);
    const h2 = mod(add(h, scalarIn(o.delta, flt.dtype)), toTensor(1, flt.dtype));
    return back(rgbFromParts(h2, s, v));
  });
}

function randomFactor(seed: unknown, lower: unknown, upper: unknown): Tensor {
  return randomUniform([], lower as number, upper as number, 'float32', (seed as number | null | undefined) ?? null);
}

/** `tf.image.randomBrightness(image, maxDelta, seed?)`: delta ~ U[−maxDelta, maxDelta). */
export function randomBrightness(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'maxDelta', 'seed'], 'randomBrightness', 2);
  const md = Number(o.maxDelta);
  if (md < 0) throw new ValueError('max_delta must be non-negative.');
  const x = toTensor(o.image as Img);
  return adjustBrightness(x, x.graph.asDefault(() => randomFactor(o.seed, -md, md)));
}

function checkRange(lower: number, upper: number): void {
  if (upper <= lower) throw new ValueError('upper must be > lower.');
  if (lower < 0) throw new ValueError('lower must be non-negative.');
}

/** `tf.image.randomContrast(image, lower, upper, seed?)`: factor ~ U[lower, upper). */
export function randomContrast(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'lower', 'upper', 'seed'], 'randomContrast', 3);
  checkRange(Number(o.lower), Number(o.upper));
  const x = toTensor(o.image as Img);
  return adjustContrast(x, x.graph.asDefault(() => randomFactor(o.seed, o.lower, o.upper)));
}

/** `tf.image.randomSaturation(image, lower, upper, seed?)`. */
export function randomSaturation(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'lower', 'upper', 'seed'], 'randomSaturation', 3);
  checkRange(Number(o.lower), Number(o.upper));
  const x = toTensor(o.image as Img);
  return adjustSaturation(x, x.graph.asDefault(() => randomFactor(o.seed, o.lower, o.upper)));
}

/** `tf.image.randomHue(image, maxDelta, seed?)`: maxDelta in [0, 0.5]. */
export function randomHue(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'maxDelta', 'seed'], 'randomHue', 2);
  const md = Number(o.maxDelta);
  if (md > 0.5) throw new ValueError('max_delta must be <= 0.5.');
  if (md < 0) throw new ValueError('max_delta must be non-negative.');
  const x = toTensor(o.image as Img);
  return adjustHue(x, x.graph.asDefault(() => randomFactor(o.seed, -md, md)));
}

/**
 * `tf.image.perImageStandardization(image)`: (x − mean) / max(stddev, 1/√N) per image, N its
 * number of elements (TF1's adjusted_stddev), float32 out.
 */
export function perImageStandardization(image: Img): Tensor {
  const x0 = toTensor(image);
  return scoped(x0, undefined, 'per_image_standardization', () => {
    checkAtLeast3D(x0);
    const s = x0.shape;
    if (s === null || s.slice(-3).some((d) => d === null)) throw new ValueError('perImageStandardization: tsflow needs the image dims known when the graph is built');
    const n = (s.slice(-3) as number[]).reduce((p, d) => p * d, 1);
    const x = cast(x0, 'float32');
    const mean = reduceMean(x, [-1, -2, -3], true);
    const centered = subtract(x, mean);
    const std = sqrt(reduceMean(square(centered), [-1, -2, -3], true));
    const adjusted = maximum(std, toTensor(1 / Math.sqrt(n), 'float32'));
    return divide(centered, adjusted);
  });
}

/** `tf.image.rgbToGrayscale(images, name?)`: 0.2989 R + 0.5870 G + 0.1140 B, last dim 1, same dtype. */
export function rgbToGrayscale(images: Img, name?: string): Tensor {
  const x = toTensor(images);
  return scoped(x, name, 'rgb_to_grayscale', () => {
    const [flt, back] = [convertImpl(x, 'float32', false), (y: Tensor) => convertImpl(y, x.dtype, false)];
    const gray = tensordot(flt, toTensor(Float32Array.from([0.2989, 0.587, 0.114]) as unknown as TensorLike, 'float32'), [[-1], [-1]]);
    return back(expandDims(gray, -1));
  });
}

/** `tf.image.grayscaleToRgb(images, name?)`: the single channel tiled to 3. */
export function grayscaleToRgb(images: Img, name?: string): Tensor {
  const x = toTensor(images);
  return scoped(x, name, 'grayscale_to_rgb', () => {
    const s = x.shape;
    if (s !== null) {
      if (s.length < 2) throw new ValueError(`A grayscale image (shape ${pyShape(s)}) must be at least two-dimensional.`);
      if (s[s.length - 1] !== null && s[s.length - 1] !== 1) throw new ValueError(`Last dimension of a grayscale image should be size 1.`);
    }
    const r = s!.length;
    return tile(x, [...Array(r - 1).fill(1), 3]);
  });
}

// ----- image statistics ---------------------------------------------------------------------

/** `tf.image.totalVariation(images, name?)`: Σ|Δ| over neighbouring pixels, per image for 4-D. */
export function totalVariation(images: Img, name?: string): Tensor {
  const x = toTensor(images);
  return scoped(x, name, 'total_variation', () => {
    const r = x.shape?.length;
    const s = x.shape as (number | null)[] | null;
    if (r !== 3 && r !== 4) throw new ValueError("'images' must be either 3 or 4-dimensional.");
    if (s!.some((d) => d === null)) throw new ValueError('totalVariation: tsflow needs the image shape known when the graph is built');
    const off = r - 3;
    // pixel differences along the height (axis off) and the width (axis off + 1)
    const diff = (axis: number): Tensor => {
      const b1 = s!.map((_, i) => (i === axis ? 1 : 0));
      const b0 = s!.map(() => 0);
      const size = s!.map((d, i) => (i === axis ? d! - 1 : -1));
      return subtract(slice(x, b1, size), slice(x, b0, size));
    };
    const axes = r === 4 ? [1, 2, 3] : null;
    return add(reduceSum(abs(diff(off)), axes), reduceSum(abs(diff(off + 1)), axes));
  });
}

/** `tf.image.imageGradients(image)`: [dy, dx] of a 4-D image, zero in the last row / column. */
export function imageGradients(image: Img): [Tensor, Tensor] {
  const x = toTensor(image);
  if (x.shape === null || x.shape.length !== 4) throw new ValueError(`image_gradients expects a 4D tensor [batch_size, h, w, d], not ${pyShape(x.shape)}.`);
  const [b, h, w, d] = x.shape;
  if ([b, h, w, d].some((v) => v === null)) throw new ValueError('imageGradients: tsflow needs the image shape known when the graph is built');
  const [B, H, W, D] = [b, h, w, d] as number[];
  return scoped(x, undefined, 'image_gradients', () => {
    const dy = subtract(slice(x, [0, 1, 0, 0], [-1, -1, -1, -1]), slice(x, [0, 0, 0, 0], [-1, H! - 1, -1, -1]));
    const dx = subtract(slice(x, [0, 0, 1, 0], [-1, -1, -1, -1]), slice(x, [0, 0, 0, 0], [-1, -1, W! - 1, -1]));
    return [concat([dy, zeros([B!, 1, W!, D!], x.dtype)], 1), concat([dx, zeros([B!, H!, 1, D!], x.dtype)], 2)];
  });
}

/** `tf.image.sobelEdges(image)`: [batch, h, w, d, 2] (dy, dx) Sobel responses, REFLECT-padded. */
export function sobelEdges(image: Img): Tensor {
  const x = toTensor(image);
  if (x.shape === null || x.shape.length !== 4 || x.shape[3] === null) throw new ValueError('sobelEdges: expects a 4-D image with a known channel count');
  const d = x.shape[3];
  return scoped(x, undefined, 'sobel_edges', () => {
    const ky = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
    const kx = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    // filter [3, 3, d, 2]: each channel's two kernels
    const data = x.dtype === 'float64' ? new Float64Array(9 * d * 2) : new Float32Array(9 * d * 2);
    for (let p = 0; p < 9; p++) for (let c = 0; c < d; c++) { data[(p * d + c) * 2] = ky[p]!; data[(p * d + c) * 2 + 1] = kx[p]!; }
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`sobelEdges: float32 or float64 images, got ${x.dtype}`);
    const filt = toTensor(new NDArray(data, [3, 3, d, 2], x.dtype) as unknown as TensorLike);
    const padded = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], 'REFLECT');
    const out = depthwiseConv2d(padded, filt, [1, 1, 1, 1], 'VALID');
    const s = out.shape as (number | null)[];
    return reshape(out, [s[0] ?? -1, s[1] ?? -1, s[2] ?? -1, d, 2]);
  });
}

// ----- non-max suppression (host stage) -------------------------------------------------------

interface NmsAttrs { [k: string]: unknown }

function iou(b: ArrayLike<number>, i: number, j: number): number {
  const yminI = Math.min(b[i * 4]!, b[i * 4 + 2]!); const ymaxI = Math.max(b[i * 4]!, b[i * 4 + 2]!);
  const xminI = Math.min(b[i * 4 + 1]!, b[i * 4 + 3]!); const xmaxI = Math.max(b[i * 4 + 1]!, b[i * 4 + 3]!);
  const yminJ = Math.min(b[j * 4]!, b[j * 4 + 2]!); const ymaxJ = Math.max(b[j * 4]!, b[j * 4 + 2]!);
  const xminJ = Math.min(b[j * 4 + 1]!, b[j * 4 + 3]!); const xmaxJ = Math.max(b[j * 4 + 1]!, b[j * 4 + 3]!);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0);
  const iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  const inter = ih * iw;
  return inter / (areaI + areaJ - inter);
}

function nmsHost(op: Operation, [boxes, scores, maxOut, iouT, scoreT]: NDArray[]): NDArray[] {
  const n = boxes!.shape[0] ?? 0;
  if (boxes!.shape.length !== 2 || boxes!.shape[1] !== 4) throw new InvalidArgumentError(`boxes must be 2-D${boxes!.shape.length === 2 ? ` and have 4 columns, got shape [${boxes!.shape.join(',')}]` : ''}`, op.name);
  if (scores!.shape.length !== 1 || scores!.shape[0] !== n) throw new InvalidArgumentError(`scores has incompatible shape`, op.name);
  const max = Number(maxOut!.data[0]);
  const thr = Number(iouT!.data[0]);
  const sthr = Number(scoreT!.data[0]);
  if (!(thr >= 0 && thr <= 1)) throw new InvalidArgumentError('iou_threshold must be in [0, 1]', op.name);
  const b = Array.from(boxes!.data as ArrayLike<number>, Number);
  const s = Array.from(scores!.data as ArrayLike<number>, Number);
  const order = [...Array(n).keys()].filter((i) => s[i]! > sthr).sort((i, j) => s[j]! - s[i]! || i - j);
  const picked: number[] = [];
  for (const i of order) {
    if (picked.length >= max) break;
    if (picked.every((j) => !(iou(b, i, j) > thr))) picked.push(i);
  }
  return [new NDArray(Int32Array.from(picked), [picked.length], 'int32')];
}

defineOp<NmsAttrs>({
  type: 'NonMaxSuppressionV3',
  infer: ([boxes, scores, maxOut], _a, name) => {
    for (const [t, what] of [[boxes!, 'boxes'], [scores!, 'scores']] as const) {
      if (!isFloat(t.dtype)) throw new TypeError(`Value passed to parameter '${what}' has DataType ${t.dtype} not in list of allowed values: float16, float32`);
    }
    if (boxes!.shape !== null && boxes!.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${boxes!.shape.length} for '${name}' (op: 'NonMaxSuppressionV3') with input shapes: ${pyShape(boxes!.shape)}.`);
    if (maxOut!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'max_output_size' has DataType ${maxOut!.dtype} not in list of allowed values: int32`);
    return [{ dtype: 'int32', shape: [null] }];
  },
  lower: () => {
    throw new Error('NonMaxSuppressionV3 runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('NonMaxSuppressionV3', null);
registerHostOp('NonMaxSuppressionV3', function* (op, ins) {
  return nmsHost(op, ins);
});

/**
 * `tf.image.nonMaxSuppression(boxes, scores, maxOutputSize, iouThreshold = 0.5,
 * scoreThreshold = -Infinity, name?)`: indices (int32) of the kept boxes, by falling score.
 */
export function nonMaxSuppression(...a: unknown[]): Tensor {
  const o = args(a, ['boxes', 'scores', 'maxOutputSize', 'iouThreshold', 'scoreThreshold', 'name'], 'nonMaxSuppression', 3);
  const boxes = toTensor(o.boxes as TensorLike, 'float32');
  const g = boxes.graph;
  return g.nameScope((o.name as string | undefined) ?? 'non_max_suppression', () => g.asDefault(() => {
    const scores = toTensor(o.scores as TensorLike, 'float32');
    const maxOut = toTensor(o.maxOutputSize as TensorLike, 'int32');
    const iouT = toTensor((o.iouThreshold ?? 0.5) as TensorLike, 'float32');
    const scoreT = toTensor((o.scoreThreshold ?? -Infinity) as TensorLike, 'float32');
    return makeOp(g, 'NonMaxSuppressionV3', [boxes, scores, maxOut, iouT, scoreT], { T: 'float32' }, undefined, 'NonMaxSuppressionV3').outputs[0]!;
  }));
}

// ----- crop and resize ------------------------------------------------------------------------

/**
 * `tf.image.cropAndResize(image, boxes, boxInd, cropSize, method = 'bilinear',
 * extrapolationValue = 0, name?)`: for each box [y1, x1, y2, x2] (normalized, may be flipped or
 * reach outside) of image boxInd[i], a cropSize crop sampled as TF's CropAndResize kernel does
 * (corner-aligned, bilinear or nearest; samples outside the image get extrapolationValue),
 * float32 [numBoxes, cropHeight, cropWidth, depth]. Composed from gathers and lerps, so it has
 * gradients w.r.t. the image and the boxes (TF's CropAndResizeGradImage / GradBoxes).
 */
export function cropAndResize(...a: unknown[]): Tensor {
  const o = args(a, ['image', 'boxes', 'boxInd', 'cropSize', 'method', 'extrapolationValue', 'name', 'boxIndices'], 'cropAndResize', 3);
  const img0 = toTensor(o.image as Img);
  const g = img0.graph;
  return g.nameScope((o.name as string | undefined) ?? 'CropAndResize', () => g.asDefault(() => {
    const boxes = toTensor(o.boxes as TensorLike, 'float32');
    const ind = toTensor((o.boxInd ?? o.boxIndices) as TensorLike, 'int32');
    const method = String(o.method ?? 'bilinear');
    if (method !== 'bilinear' && method !== 'nearest') throw new ValueError(`method must be 'bilinear' or 'nearest', got '${method}'`);
    const cs = o.cropSize as number[];
    if (!Array.isArray(cs) || cs.length !== 2 || !cs.every((v) => Number.isInteger(v) && v > 0)) throw new ValueError('crop_size must be two positive integers [crop_height, crop_width]');
    const s = img0.shape;
    const shapes = `${[img0.shape, boxes.shape, ind.shape, [2]].map((q) => (q === null ? '<unknown>' : `[${q.map((d) => d ?? '?').join(',')}]`)).join(', ')}`;
    const rankErr = (r: number, want: number) => new ValueError(`Shape must be rank ${want} but is rank ${r} for 'CropAndResize' (op: 'CropAndResize') with input shapes: ${shapes}.`);
    if (s === null || s.length !== 4) throw rankErr(s?.length ?? 0, 4);
    if (boxes.shape !== null && boxes.shape.length !== 2) throw rankErr(boxes.shape.length, 2);
    if (boxes.shape?.[1] !== undefined && boxes.shape[1] !== null && boxes.shape[1] !== 4) throw new ValueError(`Dimension must be 4 but is ${boxes.shape[1]} for 'CropAndResize' (op: 'CropAndResize') with input shapes: ${shapes}.`);
    if (ind.shape !== null && ind.shape.length !== 1) throw rankErr(ind.shape.length, 1);
    const [, H, W] = s as (number | null)[];
    if (H === null || W === null) throw new ValueError("cropAndResize: tsflow needs the image's height and width known when the graph is built");
    const [ch, cw] = cs as [number, number];
    const image = cast(img0, 'float32');
    const f = (v: number): Tensor => toTensor(v, 'float32');
    const [y1, x1, y2, x2] = unstack(boxes, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    // in-image coordinates of the samples: [N, ch] and [N, cw]
    const coords = (lo: Tensor, hi: Tensor, size: number, n: number): Tensor => {
      const lo2 = expandDims(lo, 1);
      const hi2 = expandDims(hi, 1);
      if (n === 1) return multiply(multiply(add(lo2, hi2), f(0.5)), f(size - 1));
      const step = divide(multiply(subtract(hi2, lo2), f(size - 1)), f(n - 1));
      return add(multiply(lo2, f(size - 1)), multiply(toTensor(Float32Array.from({ length: n }, (_, i) => i) as unknown as TensorLike, 'float32'), step));
    };
    const iy = coords(y1, y2, H, ch);
    const ix = coords(x1, x2, W, cw);
    const inside = (c: Tensor, size: number): Tensor => makeOp(g, 'LogicalAnd', [greaterEq(c, f(0)), lessEq(c, f(size - 1))], {}, undefined, 'LogicalAnd').outputs[0]!;
    const valid = makeOp(g, 'LogicalAnd', [expandDims(inside(iy, H), 2), expandDims(inside(ix, W), 1)], {}, undefined, 'LogicalAnd').outputs[0]!; // [N, ch, cw]
    const clampIdx = (c: Tensor, size: number): Tensor => cast(clipByValue(c, 0, size - 1), 'int32');
    const zerosNHW = zeros([1, ch, cw], 'int32');
    const bIdx = add(reshape(ind, [-1, 1, 1]), zerosNHW);
    const at = (yi: Tensor, xi: Tensor): Tensor => {
      const yy = add(expandDims(yi, 2), zerosNHW);
      const xx = add(expandDims(xi, 1), zerosNHW);
      return gatherNd(image, stack([bIdx, yy, xx], -1));
    };
    let out: Tensor;
    if (method === 'nearest') {
      // std::round of a coordinate ≥ 0 (half away from zero), not tf.round's half-to-even
      out = at(clampIdx(floor(add(iy, f(0.5))), H), clampIdx(floor(add(ix, f(0.5))), W));
    } else {
      const ty = floor(iy);
      const tx = floor(ix);
      const yl = expandDims(expandDims(subtract(iy, ty), 2), 3);
      const xl = expandDims(expandDims(subtract(ix, tx), 1), 3);
      const t = clampIdx(ty, H);
      const bt = clampIdx(ceil(iy), H);
      const l = clampIdx(tx, W);
      const r = clampIdx(ceil(ix), W);
      const tl = at(t, l);
      const tr = at(t, r);
      const bl = at(bt, l);
      const br = at(bt, r);
      const top = add(tl, multiply(subtract(tr, tl), xl));
      const bottom = add(bl, multiply(subtract(br, bl), xl));
      out = add(top, multiply(subtract(bottom, top), yl));
    }
    return where(expandDims(valid, 3), out, f(Number(o.extrapolationValue ?? 0)));
  }));
}
export { decodePng, encodePng, decodeGif, decodeBmp, decodeImage, isJpeg } from './codec-ops.js';
export { decodeJpeg, decodeAndCropJpeg, extractJpegShape, encodeJpeg } from './jpeg.js';
export { psnr, ssim, ssimMultiscale } from './quality.js';
export { sampleDistortedBoundingBox, sampleDistortedBoundingBoxV2, drawBoundingBoxes } from './bounding-boxes.js';
export { rgbToYuv, yuvToRgb, rgbToYiq, yiqToRgb } from './colour-spaces.js';
export { combinedNonMaxSuppression } from './combined-nms.js';
export { extractGlimpse } from './glimpse.js';
export { adjustJpegQuality, extractPatches, extractImagePatches } from './jpeg-quality-patches.js';
export { nonMaxSuppressionPadded, nonMaxSuppressionWithScores, nonMaxSuppressionOverlaps } from './nms-variants.js';
export { randomJpegQuality } from './jpeg-variable-quality.js';
