/**
 * `tf.contrib.image` (TF 1.15 contrib/image/python/ops/image_ops.py and dense_image_warp.py).
 *
 * `transform` follows ImageProjectiveTransformV2 (contrib/image/kernels/image_ops.h): output
 * pixel (x, y) reads the input at ((a0·x + a1·y + a2) / k, (a3·x + a4·y + a5) / k) with
 * k = a6·x + a7·y + 1, coordinates in float32; NEAREST rounds half away from zero, BILINEAR
 * blends the four neighbours; any read outside the image (and k = 0) is 0. tsflow composes it
 * from gathers, so the gradient reaching the images is the exact adjoint of the sampling (TF's
 * own gradient transforms the output gradient by the inverse matrix, a different approximation);
 * as in TF the transforms get no gradient. Integer images are blended in float and truncated
 * back, as the kernel's T(float) does.
 */
import { ValueError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { pyShape } from '../shape.js';
import { concat, expandDims, ones, range, reshape, shape as shapeOf, slice, squeeze, stack, unstack, zeros } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { stopGradient } from '../ops/core.js';
import { kwargs } from '../args.js';
import {
  abs, add, cast, cos, divide, equal, floor, greaterEqual, less, logicalAnd, matmul, maximum, minimum, multiply, negative, sign, sin, subtract, where,
} from '../ops/math.js';
import { gatherNd } from '../ops/scatter-nd.js';
import { gather } from '../ops/array.js';

const IMAGE_DTYPES = ['uint8', 'int32', 'int64', 'float16', 'float32', 'float64'];

/** The image as [batch, h, w, c] and the function taking the result back to the caller's rank. */
function asImages(x: Tensor): [Tensor, (y: Tensor) => Tensor] {
  if (!IMAGE_DTYPES.includes(x.dtype)) throw new TypeError(`Invalid dtype ${x.dtype}.`);
  if (x.shape === null) throw new TypeError('image_or_images rank must be statically known');
  const r = x.shape.length;
  if (r === 2) return [expandDims(expandDims(x, 0), -1), (y) => squeeze(y, [0, 3])];
  if (r === 3) return [expandDims(x, 0), (y) => squeeze(y, [0])];
  if (r === 4) return [x, (y) => y];
  throw new TypeError('Images should have rank between 2 and 4.');
}

const f32 = (v: number[] | Float32Array, shape: number[]): Tensor => toTensor(new NDArray(Float32Array.from(v), shape, 'float32') as unknown as TensorLike);

/** The batch size: static when known, else a run-time int32 scalar. */
const batchOf = (x: Tensor): number | Tensor => x.shape?.[0] ?? reshape(slice(shapeOf(x), [0], [1]), []);

/** The interpolation name, upper-cased as TF passes it to the kernel. */
function interpolationOf(v: unknown): 'NEAREST' | 'BILINEAR' {
  const s = String(v ?? 'NEAREST').toUpperCase();
  if (s !== 'NEAREST' && s !== 'BILINEAR') throw new InvalidArgumentError(`Invalid interpolation ${s}`);
  return s;
}

/** ImageProjectiveTransformV2 on [b, h, w, c] images with [1 or b, 8] float32 transforms. */
function projectiveTransform(images: Tensor, transforms: Tensor, outH: number, outW: number, interp: 'NEAREST' | 'BILINEAR'): Tensor {
  const [b, h, w, c] = images.shape as (number | null)[];
  if (h === null || w === null || c === null) throw new ValueError(`transform: tsflow needs the images' height, width and channels known when the graph is built, got shape ${pyShape(images.shape)}`);
  const nt = transforms.shape?.[0] ?? null;
  if (transforms.shape?.[1] !== undefined && transforms.shape[1] !== null && transforms.shape[1] !== 8) throw new InvalidArgumentError('Input transform should be num_images x 8');
  if (nt !== null && b !== null && nt !== 1 && nt !== b) throw new InvalidArgumentError('Input transform should be num_images x 8');
  // output pixel coordinates, row-major over [outH, outW]
  const P = outH * outW;
  const ox = f32(Float32Array.from({ length: P }, (_, i) => i % outW), [1, P]);
  const oy = f32(Float32Array.from({ length: P }, (_, i) => Math.floor(i / outW)), [1, P]);
  const a = unstack(stopGradient(transforms), { num: 8, axis: 1 }).map((t) => expandDims(t, 1));
  const proj = add(add(multiply(a[6]!, ox), multiply(a[7]!, oy)), 1);
  const inf = equal(proj, 0);
  const safe = where(inf, ones(shapeOf(proj), 'float32'), proj);
  const far = -2; // any coordinate outside the image reads the fill value
  const inX = where(inf, multiply(ones(shapeOf(proj), 'float32'), far), divide(add(add(multiply(a[0]!, ox), multiply(a[1]!, oy)), a[2]!), safe));
  const inY = where(inf, multiply(ones(shapeOf(proj), 'float32'), far), divide(add(add(multiply(a[3]!, ox), multiply(a[4]!, oy)), a[5]!), safe));
  // [b, 1] batch indices broadcast against the [1 or b, P] coordinates
  const bIdx = reshape(range(0, batchOf(images), 1, 'int32'), [-1, 1]);
  const work = images.dtype === 'float64' || images.dtype === 'int32' || images.dtype === 'int64' ? 'float64' : 'float32';
  const vals = cast(images, work);
  const zeroB = multiply(bIdx, 0);
  /** The image at integer (y, x) [·, P] float32 coordinates, 0 outside, as [b, P, c]. */
  const read = (y: Tensor, x: Tensor): Tensor => {
    const inside = logicalAnd(logicalAnd(greaterEqual(y, 0), less(y, h)), logicalAnd(greaterEqual(x, 0), less(x, w)));
    const yi = add(cast(minimum(maximum(y, 0), h - 1), 'int32'), zeroB);
    const xi = add(cast(minimum(maximum(x, 0), w - 1), 'int32'), zeroB);
    const idx = stack([add(bIdx, multiply(yi, 0)), yi, xi], -1);
    const got = gatherNd(vals, idx);
    return multiply(got, expandDims(cast(add(cast(inside, 'int32'), zeroB), work), -1));
  };
  let out: Tensor;
  if (interp === 'NEAREST') {
    const round = (v: Tensor): Tensor => multiply(sign(v), floor(add(abs(v), 0.5)));
    out = read(round(inY), round(inX));
  } else {
    const y0 = floor(inY);
    const x0 = floor(inX);
    const [y1, x1] = [add(y0, 1), add(x0, 1)];
    const wt = (t: Tensor): Tensor => expandDims(cast(add(t, cast(zeroB, 'float32')), work), -1);
    const [wy1, wx1] = [wt(subtract(inY, y0)), wt(subtract(inX, x0))];
    const [wy0, wx0] = [wt(subtract(y1, inY)), wt(subtract(x1, inX))];
    const top = add(multiply(wx0, read(y0, x0)), multiply(wx1, read(y0, x1)));
    const bottom = add(multiply(wx0, read(y1, x0)), multiply(wx1, read(y1, x1)));
    out = add(multiply(wy0, top), multiply(wy1, bottom));
  }
  return cast(reshape(out, [b ?? -1, outH, outW, c]), images.dtype);
}

/** A rank-1 transform as a batch of one; rank 2 kept. */
function transformsOf(t: TensorLike, what = 'transform_or_transforms'): Tensor {
  const x = toTensor(t, 'float32');
  if (x.dtype !== 'float32') throw new TypeError(`${what} must be float32, got ${x.dtype}`);
  if (x.shape === null) throw new TypeError(`${what} rank must be statically known`);
  if (x.shape.length === 1) return expandDims(x, 0);
  if (x.shape.length === 2) return x;
  throw new TypeError('Transforms should have rank 1 or 2.');
}

/**
 * `tf.contrib.image.transform(images, transforms, interpolation='NEAREST', output_shape=None,
 * name=None)`: images [h, w], [h, w, c] or [b, h, w, c]; transforms [8] or [1 or b, 8].
 */
export function transform(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'transforms', 'interpolation', 'outputShape', 'name'], 'contrib.image.transform', 2);
  const x0 = toTensor(o.images as TensorLike);
  return x0.graph.nameScope((o.name as string | undefined) ?? 'transform', () => {
    const [x, back] = asImages(x0);
    const interp = interpolationOf(o.interpolation);
    const t = transformsOf(o.transforms as TensorLike);
    let outShape = o.outputShape as number[] | null | undefined;
    if (outShape === undefined || outShape === null) outShape = [x.shape![1]!, x.shape![2]!];
    if (!Array.isArray(outShape) || outShape.length !== 2) throw new ValueError('output_shape must be a 1-D Tensor of 2 elements: new_height, new_width');
    if (outShape.some((d) => typeof d !== 'number' || d === null)) throw new ValueError('transform: tsflow needs output_shape as two numbers (or the image height and width known) when the graph is built');
    return back(projectiveTransform(x, t, outShape[0]!, outShape[1]!, interp));
  });
}

/**
 * `tf.contrib.image.angles_to_projective_transforms(angles, image_height, image_width)`: the
 * [n, 8] transforms rotating counterclockwise by each angle (radians) about the image centre.
 */
export function anglesToProjectiveTransforms(...args: unknown[]): Tensor {
  const o = kwargs(args, ['angles', 'imageHeight', 'imageWidth', 'name'], 'contrib.image.anglesToProjectiveTransforms', 3);
  const a0 = toTensor(o.angles as TensorLike, 'float32');
  return a0.graph.nameScope((o.name as string | undefined) ?? 'angles_to_projective_transforms', () => {
    if (a0.shape === null || a0.shape.length > 1) throw new TypeError('Angles should have rank 0 or 1.');
    const angles = a0.shape.length === 0 ? expandDims(a0, 0) : a0;
    const hm1 = subtract(cast(toTensor(o.imageHeight as TensorLike), 'float32'), 1);
    const wm1 = subtract(cast(toTensor(o.imageWidth as TensorLike), 'float32'), 1);
    const [cs, sn] = [cos(angles), sin(angles)];
    const xOff = divide(subtract(wm1, subtract(multiply(cs, wm1), multiply(sn, hm1))), 2);
    const yOff = divide(subtract(hm1, add(multiply(sn, wm1), multiply(cs, hm1))), 2);
    const col = (t: Tensor): Tensor => expandDims(t, 1);
    const n = slice(shapeOf(angles), [0], [1]);
    return concat([col(cs), col(negative(sn)), col(xOff), col(sn), col(cs), col(yOff), zeros(concat([n, toTensor([2], 'int32')], 0), 'float32')], 1);
  });
}

/** `tf.contrib.image.rotate(images, angles, interpolation='NEAREST', name=None)`: counterclockwise, radians, zeros outside. */
export function rotate(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'angles', 'interpolation', 'name'], 'contrib.image.rotate', 2);
  const x0 = toTensor(o.images as TensorLike);
  return x0.graph.nameScope((o.name as string | undefined) ?? 'rotate', () => {
    const [x, back] = asImages(x0);
    const [h, w] = [x.shape![1], x.shape![2]];
    if (h === null || w === null) throw new ValueError(`rotate: tsflow needs the images' height and width known when the graph is built, got shape ${pyShape(x0.shape)}`);
    const t = anglesToProjectiveTransforms(o.angles, h, w);
    return back(projectiveTransform(x, t, h!, w!, interpolationOf(o.interpolation)));
  });
}

/** `tf.contrib.image.translations_to_projective_transforms(translations)`: [dx, dy] rows to [n, 8] transforms. */
export function translationsToProjectiveTransforms(...args: unknown[]): Tensor {
  const o = kwargs(args, ['translations', 'name'], 'contrib.image.translationsToProjectiveTransforms', 1);
  const t0 = toTensor(o.translations as TensorLike, 'float32');
  return t0.graph.nameScope((o.name as string | undefined) ?? 'translations_to_projective_transforms', () => {
    if (t0.shape === null) throw new TypeError('translation_or_translations rank must be statically known');
    if (t0.shape.length !== 1 && t0.shape.length !== 2) throw new TypeError('Translations should have rank 1 or 2.');
    const t = t0.shape.length === 1 ? expandDims(t0, 0) : t0;
    const n = slice(shapeOf(t), [0], [1]);
    const col = (v: number): Tensor => (v === 1 ? ones(concat([n, toTensor([1], 'int32')], 0), 'float32') : zeros(concat([n, toTensor([1], 'int32')], 0), 'float32'));
    const dx = negative(slice(t, [0, 0], [-1, 1]));
    const dy = negative(slice(t, [0, 1], [-1, 1]));
    return concat([col(1), col(0), dx, col(0), col(1), dy, col(0), col(0)], 1);
  });
}

/** `tf.contrib.image.translate(images, translations, interpolation='NEAREST', name=None)`: shifts by [dx, dy] pixels. */
export function translate(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'translations', 'interpolation', 'name'], 'contrib.image.translate', 2);
  const x0 = toTensor(o.images as TensorLike);
  return x0.graph.nameScope((o.name as string | undefined) ?? 'translate', () =>
    transform(x0, translationsToProjectiveTransforms(o.translations), { interpolation: o.interpolation ?? 'NEAREST' }));
}

/** `tf.contrib.image.flat_transforms_to_matrices(transforms)`: [n, 8] (or [8]) to [n, 3, 3] with the implicit 1. */
export function flatTransformsToMatrices(...args: unknown[]): Tensor {
  const o = kwargs(args, ['transforms', 'name'], 'contrib.image.flatTransformsToMatrices', 1);
  const t0 = toTensor(o.transforms as TensorLike, 'float32');
  return t0.graph.nameScope((o.name as string | undefined) ?? 'flat_transforms_to_matrices', () => {
    const t = reshape(t0, [-1, 8]);
    const n = slice(shapeOf(t), [0], [1]);
    return reshape(concat([t, ones(concat([n, toTensor([1], 'int32')], 0), t.dtype)], 1), [-1, 3, 3]);
  });
}

/** `tf.contrib.image.matrices_to_flat_transforms(transform_matrices)`: [n, 3, 3] (or [3, 3]) to [n, 8], each divided by its last entry. */
export function matricesToFlatTransforms(...args: unknown[]): Tensor {
  const o = kwargs(args, ['transformMatrices', 'name'], 'contrib.image.matricesToFlatTransforms', 1);
  const m = toTensor(o.transformMatrices as TensorLike);
  return m.graph.nameScope((o.name as string | undefined) ?? 'matrices_to_flat_transforms', () => {
    if (m.shape === null || (m.shape.length !== 2 && m.shape.length !== 3)) throw new ValueError(`Matrices should be 2D or 3D, got: ${pyShape(m.shape)}`);
    const t = reshape(m, [-1, 9]);
    const norm = divide(t, slice(t, [0, 8], [-1, 1]));
    return slice(norm, [0, 0], [-1, 8]);
  });
}

/** `tf.contrib.image.compose_transforms(*transforms)`: the transform applying the last one first (the matrices' product, left to right). */
export function composeTransforms(...transforms: TensorLike[]): Tensor {
  if (transforms.length === 0) throw new ValueError('transforms cannot be empty');
  const first = toTensor(transforms[0]!, 'float32');
  return first.graph.nameScope('compose_transforms', () => {
    let m = flatTransformsToMatrices(first);
    for (const t of transforms.slice(1)) m = matmul(m, flatTransformsToMatrices(t));
    return matricesToFlatTransforms(m);
  });
}

/**
 * `tf.contrib.image.dense_image_warp(image, flow, name='dense_image_warp')`: output[b, y, x] is
 * image[b] bilinearly sampled at (y − flow[b, y, x, 0], x − flow[b, y, x, 1]); the cells are
 * clamped to the image (TF's _interpolate_bilinear), so it is differentiable in image and flow.
 */
export function denseImageWarp(...args: unknown[]): Tensor {
  const o = kwargs(args, ['image', 'flow', 'name'], 'contrib.image.denseImageWarp', 2);
  const image = toTensor(o.image as TensorLike);
  return image.graph.nameScope((o.name as string | undefined) ?? 'dense_image_warp', () => {
    const flow = toTensor(o.flow as TensorLike, image.dtype);
    const s = image.shape;
    if (s === null || s.length !== 4) throw new ValueError('Grid must be 4 dimensional. Received size: ' + pyShape(s));
    const [b, h, w, c] = s;
    if (h === null || w === null || c === null) throw new ValueError(`denseImageWarp: tsflow needs the image's height, width and channels known when the graph is built, got shape ${pyShape(s)}`);
    if (flow.shape !== null && (flow.shape.length !== 4 || flow.shape[3] !== 2)) throw new ValueError(`flow must be [batch, height, width, 2], got shape ${pyShape(flow.shape)}`);
    if (h < 2) throw new ValueError('Grid height must be at least 2.');
    if (w < 2) throw new ValueError('Grid width must be at least 2.');
    const P = h * w;
    const gy = Float32Array.from({ length: P * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2 / w) : (i / 2 | 0) % w));
    const grid = cast(f32(gy, [1, h, w, 2]), image.dtype);
    const q = reshape(subtract(grid, flow), [b ?? -1, P, 2]);
    const [qy, qx] = unstack(q, { num: 2, axis: 2 });
    const axis = (qv: Tensor, size: number): [Tensor, Tensor, Tensor] => {
      const fl = minimum(maximum(floor(qv), 0), size - 2);
      const i0 = cast(fl, 'int32');
      const alpha = expandDims(minimum(maximum(subtract(qv, fl), 0), 1), 2);
      return [i0, add(i0, 1), alpha];
    };
    const [y0, y1, ay] = axis(qy!, h);
    const [x0, x1, ax] = axis(qx!, w);
    const flat = reshape(image, [-1, c]);
    const batchOff = reshape(multiply(range(0, batchOf(image), 1, 'int32'), P), [-1, 1]);
    const at = (yy: Tensor, xx: Tensor): Tensor => reshape(gather(flat, add(batchOff, add(multiply(yy, w), xx))), [b ?? -1, P, c]);
    const [tl, tr, bl, br] = [at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1)];
    const top = add(multiply(ax, subtract(tr, tl)), tl);
    const bottom = add(multiply(ax, subtract(br, bl)), bl);
    const interp = add(multiply(ay, subtract(bottom, top)), top);
    return reshape(interp, [b ?? -1, h, w, c]);
  });
}
