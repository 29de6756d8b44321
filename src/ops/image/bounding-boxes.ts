/**
 * tf.image.sampleDistortedBoundingBox (the SampleDistortedBoundingBoxV2 op TF 1.15's wrapper
 * creates) and tf.image.drawBoundingBoxes (DrawBoundingBoxes / DrawBoundingBoxesV2), with the
 * algorithms and error texts of TF 1.15's sample_distorted_bounding_box_op.cc and
 * draw_bounding_box_op.cc. Both run on the host before the plan (as TF runs them on the CPU), so
 * they work whatever the session's device. Neither has a gradient (TF: NotDifferentiable).
 *
 * The sampler is a stateful random op drawing from TF's own stream: Philox4x32-10 keyed by seed
 * with seed2 in the counter's high words, run k of the op in a session starting at block
 * k · max_attempts (GuardedPhiloxRandom's reservation), its words taken as TF's SimplePhilox takes
 * them (RandFloat: the low 23 bits of one word, Uniform(n): one word mod n). So a fresh session
 * with the same seeds repeats its boxes, and they are the boxes TF's CPU kernel gives for those
 * seeds. seed = seed2 = 0 draws unpredictable boxes, as TF's GuardedPhiloxRandom does.
 */
import { kwargs } from '../../args.js';
import { type DType, isInt } from '../../dtype.js';
import { FailedPreconditionError, InvalidArgumentError, ValueError } from '../../errors.js';
import { fromHalf, toHalf } from '../../float16.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { philox } from '../../device/philox.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import type { SessionState } from '../../session/runner.js';
import { cShape } from '../../shape.js';
import { shapeFnError } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { getSeed } from '../deprecated-aliases.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';

const f32 = Math.fround;
/** C++'s `<<` of a float (6 significant digits). */
const cFloat = (v: number): string => String(Number(v.toPrecision(6)));

/** lrintf under the default rounding mode: to nearest, ties to even. */
function lrint(v: number): number {
  const fl = Math.floor(v);
  const d = v - fl;
  if (d < 0.5) return fl;
  if (d > 0.5) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

// ----- SampleDistortedBoundingBoxV2 -----------------------------------------------------------

interface SampleAttrs {
  T: DType;
  seed: number;
  seed2: number;
  aspect_ratio_range: number[];
  area_range: number[];
  max_attempts: number;
  use_image_if_no_bounding_boxes: boolean;
  [k: string]: unknown;
}

/** A crop rectangle in pixels: [minX, minY, maxX, maxY]. */
type Rect = [number, number, number, number];
const area = (r: Rect): number => f32((r[2] - r[0]) * (r[3] - r[1]));
function intersect(a: Rect, b: Rect): Rect {
  const r: Rect = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[0] > r[2] || r[1] > r[3] ? [0, 0, 0, 0] : r;
}

/** Does the crop cover at least `minCovered` of one box with pixels in it? */
function coversEnough(crop: Rect, minCovered: number, boxes: Rect[]): boolean {
  if (area(crop) < 1) return false;
  for (const b of boxes) {
    const a = area(b);
    if (a < 1) continue;
    if (f32(area(intersect(crop, b)) / a) >= minCovered) return true;
  }
  return false;
}

interface Words { next(): number }
/** An int64 attr's low and high 32-bit words. */
function halves(v: number): [number, number] {
  const u = BigInt.asUintN(64, BigInt(v));
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}
const randFloat = (w: Words): number => (w.next() & 0x7fffff) / 8388608;
const uniform = (w: Words, n: number): number => w.next() % n;

/**
 * TF's GenerateRandomCrop: a height drawn uniformly between the ones the area range allows at
 * this aspect ratio (width = round(height · aspect)), nudged by one when rounding leaves the
 * area range, and a position uniform in [0, H − h) × [0, W − w) (TF's Uniform excludes the
 * last position). float32 arithmetic as the kernel's.
 */
function randomCrop(W: number, H: number, minRel: number, maxRel: number, aspect: number, w: Words): Rect | null {
  if (maxRel <= 0 || aspect <= 0 || W <= 0 || H <= 0 || minRel > maxRel) return null;
  const minArea = f32(f32(minRel * W) * H);
  const maxArea = f32(f32(maxRel * W) * H);
  let height = lrint(f32(Math.sqrt(f32(minArea / aspect))));
  let maxHeight = lrint(f32(Math.sqrt(f32(maxArea / aspect))));
  if (lrint(f32(maxHeight * aspect)) > W) maxHeight = Math.trunc((W + 0.5 - f32(1e-7)) / aspect);
  if (maxHeight > H) maxHeight = H;
  if (height >= maxHeight) height = maxHeight;
  if (height < maxHeight) height += uniform(w, maxHeight - height + 1);
  let width = lrint(f32(height * aspect));
  let a = f32(width * height);
  if (a < minArea) {
    height += 1;
    width = lrint(f32(height * aspect));
    a = f32(width * height);
  }
  if (a > maxArea) {
    height -= 1;
    width = lrint(f32(height * aspect));
    a = f32(width * height);
  }
  if (a < minArea || a > maxArea || width > W || height > H || width <= 0 || height <= 0) return null;
  const y = height < H ? uniform(w, H - height) : 0;
  const x = width < W ? uniform(w, W - width) : 0;
  return [x, y, x + width, y + height];
}

function checkSampleAttrs(a: SampleAttrs, op: string): void {
  const [ar, ar2] = a.aspect_ratio_range;
  const [lo, hi] = a.area_range;
  if (a.aspect_ratio_range.length !== 2) throw new InvalidArgumentError('Aspect ratio range field must specify 2 dimensions', op);
  if (!(ar! > 0 && ar2! > 0)) throw new InvalidArgumentError(`Aspect ratio range must be non-negative: [${cFloat(ar!)}, ${cFloat(ar2!)}]`, op);
  if (a.area_range.length !== 2) throw new InvalidArgumentError('Area range field must specify 2 dimensions', op);
  if (!(lo! > 0 && hi! > 0)) throw new InvalidArgumentError(`Area range must be non-negative: [${cFloat(lo!)}, ${cFloat(hi!)}]`, op);
  if (!(lo! <= 1 && hi! <= 1)) throw new InvalidArgumentError(`Area range must be less then or equal to 1.0: [${cFloat(lo!)}, ${cFloat(hi!)}]`, op);
  if (!(a.max_attempts > 0)) throw new InvalidArgumentError(`Max attempts must be non-negative: ${a.max_attempts}`, op);
}

const SIZE_TYPES: readonly DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64'];

defineOp<SampleAttrs>({
  type: 'SampleDistortedBoundingBoxV2',
  infer: ([size, boxes, minCovered]) => {
    if (!SIZE_TYPES.includes(size!.dtype)) throw new TypeError(`Value passed to parameter 'image_size' has DataType ${size!.dtype} not in list of allowed values: ${SIZE_TYPES.join(', ')}`);
    if (boxes!.dtype !== 'float32') throw new TypeError(`Input 'bounding_boxes' of 'SampleDistortedBoundingBoxV2' Op has type ${boxes!.dtype} that does not match expected type of float32.`);
    if (minCovered!.dtype !== 'float32') throw new TypeError(`Input 'min_object_covered' of 'SampleDistortedBoundingBoxV2' Op has type ${minCovered!.dtype} that does not match expected type of float32.`);
    return [{ dtype: size!.dtype, shape: [3] }, { dtype: size!.dtype, shape: [3] }, { dtype: 'float32', shape: [1, 1, 4] }];
  },
  lower: () => {
    throw new Error('SampleDistortedBoundingBoxV2 runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('SampleDistortedBoundingBoxV2', null);

const runs = new WeakMap<SessionState, Map<Operation, number>>();

function sampleHost(op: Operation, [size, boxes, minCov]: NDArray[], run: number): NDArray[] {
  const a = op.attrs as SampleAttrs;
  checkSampleAttrs(a, op.name);
  if (size!.shape.length !== 1) throw new InvalidArgumentError(`image_size must be 1-dimensional${cShape(size!.shape)}`, op.name);
  if (size!.shape[0] !== 3) throw new InvalidArgumentError(`image_size must contain 3 elements${cShape(size!.shape)}`, op.name);
  const [hRaw, wRaw] = [Number(size!.data[0]), Number(size!.data[1])];
  // TF reads them as uint64: a negative size is huge
  if (!(hRaw >= 0 && hRaw < 2147483647)) throw new InvalidArgumentError('image height cannot be >= int32 max', op.name);
  if (!(wRaw >= 0 && wRaw < 2147483647)) throw new InvalidArgumentError('image width cannot be >= int32 max', op.name);
  const [H, W] = [hRaw, wRaw];
  const bs = boxes!.shape;
  if (bs.length !== 3) throw new InvalidArgumentError(`input boxes must be 3-dimensional [batch, num_boxes, coords]: ${cShape(bs)}`, op.name);
  if (bs[2] !== 4) throw new InvalidArgumentError(`bounding boxes must have shape [4] or [*, 4], got ${cShape(bs)}`, op.name);
  if (minCov!.shape.length !== 0) throw new InvalidArgumentError(`min_object_covered must be 0-D, got shape ${cShape(minCov!.shape)}`, op.name);
  const minCovered = Number(minCov!.data[0]);
  if (!(minCovered >= 0)) throw new InvalidArgumentError(`Min object covered must be non-negative: ${cFloat(minCovered)}`, op.name);

  const bd = boxes!.data as Float32Array;
  const rects: Rect[] = [];
  for (let b = 0; b * 4 < bd.length; b++) {
    for (let i = 0; i < 4; i++) {
      const v = bd[b * 4 + i]!;
      if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`All bounding box coordinates must be in [0.0, 1.0]: ${cFloat(v)}`, op.name);
    }
    rects.push([Math.trunc(f32(bd[b * 4 + 1]! * W)), Math.trunc(f32(bd[b * 4]! * H)), Math.trunc(f32(bd[b * 4 + 3]! * W)), Math.trunc(f32(bd[b * 4 + 2]! * H))]);
  }
  const image: Rect = [0, 0, W, H];
  if (rects.length === 0) {
    if (!a.use_image_if_no_bounding_boxes) {
      throw new InvalidArgumentError('No bounding boxes provided as input. One must enable use_image_if_no_bounding_boxes if you wish to not provide any bounding boxes.', op.name);
    }
    rects.push(image);
  }

  // TF's GuardedPhiloxRandom: PhiloxRandom(seed, seed2) — key = seed's two 32-bit halves,
  // counter words 2 and 3 = seed2's — and each run reserves max_attempts 128-bit blocks, so run k
  // starts at block k·max_attempts; SimplePhilox then takes a block's four words in order.
  const seeded = a.seed !== 0 || a.seed2 !== 0;
  const rnd = (): number => (Math.random() * 2 ** 32) >>> 0;
  const [k0, k1] = seeded ? halves(a.seed) : [rnd(), rnd()];
  const [c2, c3] = seeded ? halves(a.seed2) : [rnd(), rnd()];
  const buf = new Uint32Array(4);
  let block = seeded ? run * a.max_attempts : 0;
  let at = 4;
  const words: Words = {
    next() {
      if (at === 4) {
        philox(block % 2 ** 32, Math.floor(block / 2 ** 32), c2, c3, k0, k1, buf);
        block++;
        at = 0;
      }
      return buf[at++]!;
    },
  };
  const [minArea, maxArea] = a.area_range.map(f32) as [number, number];
  const [minAspect, maxAspect] = a.aspect_ratio_range.map(f32) as [number, number];
  let crop: Rect | null = null;
  for (let i = 0; i < a.max_attempts && crop === null; i++) {
    const aspect = f32(f32(randFloat(words) * f32(maxAspect - minAspect)) + minAspect);
    const c = randomCrop(W, H, minArea, maxArea, aspect, words);
    if (c !== null && coversEnough(c, minCovered, rects)) crop = c;
  }
  crop ??= image;
  const [x0, y0, x1, y1] = crop;
  if (W < x1) throw new FailedPreconditionError(`width must be > target_width + offset_width: ${W}vs ${x1 - x0} + ${x0}`, op.name);
  if (H < y1) throw new FailedPreconditionError(`height must be >= target_height: height = ${H}vs ${y1 - y0} + ${y0}`, op.name);

  const T = size!.dtype;
  const vec = (v: number[]): NDArray => {
    const Ctor = (size!.data as unknown as { constructor: { from(v: number[]): never } }).constructor;
    return new NDArray(Ctor.from(v), [3], T);
  };
  const bbox = Float32Array.from([y0 / H, x0 / W, y1 / H, x1 / W]);
  return [vec([y0, x0, 0]), vec([y1 - y0, x1 - x0, -1]), new NDArray(bbox, [1, 1, 4], 'float32')];
}

registerHostOp('SampleDistortedBoundingBoxV2', function* (op, ins, hc) {
  let m = runs.get(hc.runner.state);
  if (!m) runs.set(hc.runner.state, (m = new Map()));
  const k = m.get(op) ?? 0;
  m.set(op, k + 1);
  return sampleHost(op, ins, k);
});

const SAMPLE_NAMES = ['imageSize', 'boundingBoxes', 'seed', 'seed2', 'minObjectCovered', 'aspectRatioRange', 'areaRange', 'maxAttempts', 'useImageIfNoBoundingBoxes', 'name'];

function floatPair(v: unknown, what: string, dflt: [number, number]): number[] {
  if (v === undefined || v === null) return dflt;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new TypeError(`Expected list for '${what}' argument to 'sample_distorted_bounding_box_v2' Op, not ${String(v)}.`);
  return v.map(f32);
}

function intSeed(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`Expected int for argument '${what}' not ${String(v)}.`);
  return v;
}

function sampleOp(o: Record<string, unknown>, seed: number, seed2: number, scope: string): Tensor[] {
  const size = toTensor(o.imageSize as TensorLike, 'int32');
  const g = size.graph;
  return g.nameScope((o.name as string | undefined) ?? scope, () => g.asDefault(() => {
    const boxes = toTensor(o.boundingBoxes as TensorLike, 'float32');
    const minCovered = toTensor((o.minObjectCovered ?? 0.1) as TensorLike, 'float32');
    const maxAttempts = o.maxAttempts ?? 100;
    if (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts)) throw new TypeError(`Expected int for argument 'max_attempts' not ${String(maxAttempts)}.`);
    if (!isInt(size.dtype)) throw new TypeError(`Value passed to parameter 'image_size' has DataType ${size.dtype} not in list of allowed values: ${SIZE_TYPES.join(', ')}`);
    const attrs: SampleAttrs = {
      T: size.dtype, seed, seed2,
      aspect_ratio_range: floatPair(o.aspectRatioRange, 'aspect_ratio_range', [0.75, 1.33]),
      area_range: floatPair(o.areaRange, 'area_range', [0.05, 1]),
      max_attempts: maxAttempts,
      use_image_if_no_bounding_boxes: !!o.useImageIfNoBoundingBoxes,
    };
    return [...makeOp(g, 'SampleDistortedBoundingBoxV2', [size, boxes, minCovered], attrs, undefined, 'SampleDistortedBoundingBoxV2').outputs];
  }));
}

/**
 * `tf.image.sampleDistortedBoundingBox(imageSize, boundingBoxes, seed?, seed2?,
 * minObjectCovered = 0.1, aspectRatioRange = [0.75, 1.33], areaRange = [0.05, 1],
 * maxAttempts = 100, useImageIfNoBoundingBoxes = false, name?)`: `[begin, size, bboxes]` — int
 * `[offsetY, offsetX, 0]` and `[height, width, -1]` for tf.slice, and the crop as a float32
 * `[1, 1, 4]` box. As TF 1.15's v1 function, seed and seed2 go to the op as given (the graph
 * seed plays no part; both unset: unpredictable boxes).
 */
export function sampleDistortedBoundingBox(...args: unknown[]): [Tensor, Tensor, Tensor] {
  const o = kwargs(args, SAMPLE_NAMES, 'sample_distorted_bounding_box', 2);
  return sampleOp(o, intSeed(o.seed, 'seed'), intSeed(o.seed2, 'seed2'), 'sample_distorted_bounding_box') as [Tensor, Tensor, Tensor];
}

/**
 * `tf.image.sampleDistortedBoundingBoxV2(imageSize, boundingBoxes, seed = 0,
 * minObjectCovered = 0.1, ...)`: TF 1.15's sample_distorted_bounding_box_v2 (TF2's
 * tf.image.sample_distorted_bounding_box): a non-zero op seed is combined with the graph seed
 * (TF1's get_seed); seed 0 draws unpredictable boxes.
 */
export function sampleDistortedBoundingBoxV2(...args: unknown[]): [Tensor, Tensor, Tensor] {
  const names = SAMPLE_NAMES.filter((n) => n !== 'seed2');
  const o = kwargs(args, names, 'sample_distorted_bounding_box_v2', 2);
  const s = intSeed(o.seed, 'seed');
  const [s1, s2] = s ? getSeed(s) : [0, 0];
  return sampleOp(o, s1 ?? 0, s2 ?? 0, 'sample_distorted_bounding_box') as [Tensor, Tensor, Tensor];
}

// ----- DrawBoundingBoxes ------------------------------------------------------------------------

/** TF's default colour table (RGBA): yellow, blue, red, lime, purple, olive, maroon, navy, aqua, fuchsia. */
const COLOR_TABLE = [
  [1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
  [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1],
];

function drawInfer(type: string) {
  return (ins: readonly Tensor[], _a: unknown, name: string) => {
    const [images, boxes] = ins;
    if (images!.dtype !== 'float32' && images!.dtype !== 'float16') throw new TypeError(`Value passed to parameter 'images' has DataType ${images!.dtype} not in list of allowed values: float32, float16`);
    if (boxes!.dtype !== 'float32') throw new TypeError(`Input 'boxes' of '${type}' Op has type ${boxes!.dtype} that does not match expected type of float32.`);
    const s = images!.shape;
    if (s !== null && s.length < 3) throw shapeFnError(`Shape must be at least rank 3 but is rank ${s.length}`, name, type, ins.map((t) => t.shape));
    return [{ dtype: images!.dtype, shape: s }];
  };
}

function drawHost(op: Operation, [images, boxes, colors]: NDArray[]): NDArray[] {
  const is = images!.shape;
  const bs = boxes!.shape;
  if (is.length !== 4) throw new InvalidArgumentError('The rank of the images should be 4', op.name);
  if (bs.length !== 3) throw new InvalidArgumentError('The rank of the boxes tensor should be 3', op.name);
  if (is[0] !== bs[0]) throw new InvalidArgumentError('The batch sizes should be the same', op.name);
  const [batch, height, width, depth] = is as [number, number, number, number];
  if (depth !== 4 && depth !== 1 && depth !== 3) throw new InvalidArgumentError('Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)', op.name);
  if (bs[2] !== 4) throw new InvalidArgumentError(`The size of the third dimension of the box must be 4. Received: ${bs[2]}`, op.name);
  let table: number[][] = [];
  if (colors !== undefined) {
    const cs = colors.shape;
    if (cs.length !== 2) throw new InvalidArgumentError(`colors must be a 2-D matrix${cShape(cs)}`, op.name);
    if (cs[1]! < depth) throw new InvalidArgumentError(`colors must have equal or more channels than the image provided: ${cShape(cs)}`, op.name);
    const cd = colors.data as Float32Array;
    for (let i = 0; i < cs[0]!; i++) table.push(Array.from(cd.subarray(i * cs[1]!, i * cs[1]! + Math.min(4, cs[1]!))));
  }
  if (table.length === 0) table = COLOR_TABLE.map((c) => (depth === 1 ? [1, ...c.slice(1)] : [...c]));

  const half = images!.dtype === 'float16';
  const src = images!.data as Float32Array | Uint16Array;
  const out = half ? Float32Array.from(src as Uint16Array, fromHalf) : Float32Array.from(src as Float32Array);
  const bd = boxes!.data as Float32Array;
  const nb = bs[1]!;
  const put = (b: number, y: number, x: number, color: number[]): void => {
    const at = ((b * height + y) * width + x) * depth;
    for (let c = 0; c < depth; c++) out[at + c] = color[c]!;
  };
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < nb; k++) {
      const color = table[k % table.length]!;
      const at = (b * nb + k) * 4;
      // float32 products truncated toward zero, as the kernel's int64 conversions
      const minRow = Math.trunc(f32(bd[at]! * (height - 1)));
      const minCol = Math.trunc(f32(bd[at + 1]! * (width - 1)));
      const maxRow = Math.trunc(f32(bd[at + 2]! * (height - 1)));
      const maxCol = Math.trunc(f32(bd[at + 3]! * (width - 1)));
      // inverted, or wholly outside: not drawn (TF logs a warning)
      if (minRow > maxRow || minCol > maxCol) continue;
      if (minRow >= height || maxRow < 0 || minCol >= width || maxCol < 0) continue;
      const r0 = Math.max(minRow, 0);
      const r1 = Math.min(maxRow, height - 1);
      const c0 = Math.max(minCol, 0);
      const c1 = Math.min(maxCol, width - 1);
      if (minRow >= 0) for (let j = c0; j <= c1; j++) put(b, minRow, j, color);
      if (maxRow < height) for (let j = c0; j <= c1; j++) put(b, maxRow, j, color);
      if (minCol >= 0) for (let i = r0; i <= r1; i++) put(b, i, minCol, color);
      if (maxCol < width) for (let i = r0; i <= r1; i++) put(b, i, maxCol, color);
    }
  }
  const data = half ? Uint16Array.from(out, toHalf) : out;
  return [new NDArray(data as never, is, images!.dtype)];
}

for (const type of ['DrawBoundingBoxes', 'DrawBoundingBoxesV2']) {
  defineOp({
    type,
    infer: drawInfer(type),
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    return drawHost(op, ins);
  });
}

/**
 * `tf.image.drawBoundingBoxes(images, boxes, name?, colors?)`: float32/float16 `[batch, h, w,
 * depth]` images (depth 1, 3 or 4) with each box `[yMin, xMin, yMax, xMax]` (relative) outlined
 * one pixel wide in colour `k % colors` (TF's table unless `colors` `[n, ≥depth]` is given).
 */
export function drawBoundingBoxes(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'boxes', 'name', 'colors'], 'draw_bounding_boxes', 2);
  const images = toTensor(o.images as TensorLike);
  const g = images.graph;
  return g.asDefault(() => {
    const boxes = toTensor(o.boxes as TensorLike, 'float32');
    const name = (o.name ?? undefined) as string | undefined;
    if (o.colors === undefined || o.colors === null) return makeOp(g, 'DrawBoundingBoxes', [images, boxes], { T: images.dtype }, name, 'DrawBoundingBoxes').outputs[0]!;
    const colors = toTensor(o.colors as TensorLike, 'float32');
    if (colors.dtype !== 'float32') throw new ValueError(`Tensor conversion requested dtype float32 for Tensor with dtype ${colors.dtype}: ${colors.name}`);
    return makeOp(g, 'DrawBoundingBoxesV2', [images, boxes, colors], { T: images.dtype }, name, 'DrawBoundingBoxesV2').outputs[0]!;
  });
}
