/**
 * Image-shaped array ops, NHWC: tf.spaceToDepth / depthToSpace, tf.spaceToBatchNd /
 * batchToSpaceNd (and TF1's 2-D spaceToBatch / batchToSpace), tf.extractImagePatches. All lower
 * into reshapes, transposes, concats and gathers, with TF's gradients.
 */
import { deprecatedAlias, tf1Function } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim, PartialShape } from '../shape.js';
import { shape as shapeOf, shapeFnError } from './array.js';
import { type Fail, type Padding, checkPadding, foldShape, runtimeOut, staticOut, withRank4 } from './conv.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

// ----- space_to_depth / depth_to_space ------------------------------------------------------------
interface BlockAttrs {
  block_size: number;
  data_format: string;
  [k: string]: unknown;
}

function checkBlockFormat(a: BlockAttrs, op: string): void {
  if (a.data_format !== 'NHWC') throw new InvalidArgumentError(`Only NHWC data_format supported on CPU. Got ${a.data_format}`, op);
}

const divide = (d: Dim, by: number, fail: Fail): Dim => {
  if (d === null) return null;
  if (d % by !== 0) throw fail(`Dimension size must be evenly divisible by ${by} but is ${d}`);
  return d / by;
};

defineOp<BlockAttrs>({
  type: 'SpaceToDepth',
  infer: ([x], a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'SpaceToDepth', [x!.shape]);
    const [n, h, w, c] = withRank4(x!.shape, fail);
    const bs = a.block_size;
    return [{ dtype: x!.dtype, shape: [n!, divide(h!, bs, fail), divide(w!, bs, fail), c === null ? null : c * bs * bs] }];
  },
  lower: (b, [x], a) => {
    checkBlockFormat(a, b.opName);
    if (x!.shape.length !== 4) throw new InvalidArgumentError(`Input rank should be: 4 instead of: ${x!.shape.length}`, b.opName);
    const [n, h, w, c] = x!.shape as [number, number, number, number];
    const bs = a.block_size;
    if (h % bs !== 0 || w % bs !== 0) throw new InvalidArgumentError(`Image width ${w} and height ${h} should be divisible by block_size: ${bs}`, b.opName);
    const t = b.transpose(b.reshape(x!, [n, h / bs, bs, w / bs, bs, c]), [0, 1, 3, 2, 4, 5]);
    return [b.reshape(t, [n, h / bs, w / bs, bs * bs * c])];
  },
});

defineOp<BlockAttrs>({
  type: 'DepthToSpace',
  infer: ([x], a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'DepthToSpace', [x!.shape]);
    const [n, h, w, c] = withRank4(x!.shape, fail);
    const bs = a.block_size;
    return [{ dtype: x!.dtype, shape: [n!, h === null ? null : h * bs, w === null ? null : w * bs, divide(c!, bs * bs, fail)] }];
  },
  lower: (b, [x], a) => {
    checkBlockFormat(a, b.opName);
    if (x!.shape.length !== 4) throw new InvalidArgumentError(`Input rank should be: 4 instead of: ${x!.shape.length}`, b.opName);
    const [n, h, w, c] = x!.shape as [number, number, number, number];
    const bs = a.block_size;
    if (c % (bs * bs) !== 0) throw new InvalidArgumentError(`Input depth dimension ${c} should be divisible by: ${bs * bs}`, b.opName);
    const t = b.transpose(b.reshape(x!, [n, h, w, bs, bs, c / (bs * bs)]), [0, 1, 3, 2, 4, 5]);
    return [b.reshape(t, [n, h * bs, w * bs, c / (bs * bs)])];
  },
});
registerGradient('SpaceToDepth', (op, [dy]) => [dy ? blockOp('DepthToSpace', dy, op.attrs as BlockAttrs) : null]);
registerGradient('DepthToSpace', (op, [dy]) => [dy ? blockOp('SpaceToDepth', dy, op.attrs as BlockAttrs) : null]);

function blockOp(type: 'SpaceToDepth' | 'DepthToSpace', x: Tensor, a: BlockAttrs, name?: string): Tensor {
  return makeOp(x.graph, type, [x], { block_size: a.block_size, data_format: a.data_format }, name, type).outputs[0]!;
}
function blockFn(type: 'SpaceToDepth' | 'DepthToSpace', where: string) {
  return tf1Function(where, ['input', 'blockSize', 'name', 'dataFormat'], (input: TensorLike, blockSize: number, name?: string, dataFormat?: string): Tensor => {
    if (!Number.isInteger(blockSize)) throw new TypeError(`Expected int for argument 'block_size' not ${String(blockSize)}.`);
    if (blockSize < 2) throw new ValueError(`Value for attr 'block_size' of ${blockSize} must be at least minimum 2`);
    const df = dataFormat ?? 'NHWC';
    if (df !== 'NHWC' && df !== 'NCHW' && df !== 'NCHW_VECT_C') throw new ValueError(`Attr 'data_format' of '${type}' Op passed string '${df}' not in: "NHWC", "NCHW", "NCHW_VECT_C".`);
    return blockOp(type, toTensor(input), { block_size: blockSize, data_format: df }, name);
  }, 2);
}
/** `tf.spaceToDepth(input, blockSize, name?, dataFormat = 'NHWC')`: [N,H,W,C] → [N,H/b,W/b,b·b·C]. */
export const spaceToDepth = blockFn('SpaceToDepth', 'spaceToDepth');
/** `tf.depthToSpace(input, blockSize, name?, dataFormat = 'NHWC')`: [N,H,W,b·b·C] → [N,H·b,W·b,C]. */
export const depthToSpace = blockFn('DepthToSpace', 'depthToSpace');

// ----- space_to_batch_nd / batch_to_space_nd --------------------------------------------------------
const constOf = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);

function folded(b: Lower, v: Val, what: string): number[] {
  const c = b.requireValue(v, () => new InvalidArgumentError(`${what} must be known when the plan is built (a constant)`, b.opName));
  return Array.from(c.data as ArrayLike<number>, Number);
}

/** block_shape [M] and paddings/crops [M, 2] as numbers, with TF's checks. */
function blockArgs(blockShape: number[], pads: number[], bsShape: readonly (number | null)[] | null, what: 'paddings' | 'crops', fail: (m: string) => Error): [number[], [number, number][]] {
  const m = blockShape.length;
  if (bsShape !== null && bsShape.length !== 1) throw fail('block_shape must be one-dimensional');
  if (pads.length !== 2 * m) throw fail(`${what} should have shape [${m}, 2] instead of [${pads.length / 2}, 2]`);
  blockShape.forEach((v, i) => { if (v < 1) throw fail(`All values in block_shape must be positive, got value, ${v} at index ${i}.`); });
  const p: [number, number][] = [];
  for (let i = 0; i < m; i++) {
    const lo = pads[2 * i]!;
    const hi = pads[2 * i + 1]!;
    if (lo < 0 || hi < 0) throw fail(`${what === 'paddings' ? 'Paddings' : 'Crops'} must be non-negative`);
    p.push([lo, hi]);
  }
  return [blockShape, p];
}

function s2bShape(xs: PartialShape, block: number[], pads: [number, number][], fail: Fail): PartialShape {
  const m = block.length;
  if (xs === null) return null;
  if (xs.length < m + 1) throw fail(`Shape must be at least rank ${m + 1} but is rank ${xs.length}`);
  const prod = block.reduce((p, v) => p * v, 1);
  const out: Dim[] = [xs[0] === null ? null : xs[0]! * prod];
  for (let i = 0; i < m; i++) {
    const d = xs[1 + i]!;
    out.push(d === null ? null : divide(d + pads[i]![0] + pads[i]![1], block[i]!, fail));
  }
  return [...out, ...xs.slice(1 + m)];
}

function b2sShape(xs: PartialShape, block: number[], crops: [number, number][], fail: Fail): PartialShape {
  const m = block.length;
  if (xs === null) return null;
  if (xs.length < m + 1) throw fail(`Shape must be at least rank ${m + 1} but is rank ${xs.length}`);
  const prod = block.reduce((p, v) => p * v, 1);
  const out: Dim[] = [divide(xs[0]!, prod, fail)];
  for (let i = 0; i < m; i++) {
    const d = xs[1 + i]!;
    if (d === null) out.push(null);
    else {
      const c = d * block[i]! - crops[i]![0] - crops[i]![1];
      if (c < 0) throw fail(`Negative dimension size caused by subtracting ${crops[i]![0] + crops[i]![1]} from ${d * block[i]!}`);
      out.push(c);
    }
  }
  return [...out, ...xs.slice(1 + m)];
}

export function spaceToBatchLower(b: Lower, x: Val, block: number[], pads: [number, number][]): Val {
  const m = block.length;
  const s = x.shape;
  if (s.length < m + 1) throw new InvalidArgumentError(`input rank should be >= ${m + 1} instead of ${s.length}`, b.opName);
  let v = x;
  for (let i = 0; i < m; i++) {
    const [lo, hi] = pads[i]!;
    if (lo === 0 && hi === 0) continue;
    const parts: Val[] = [];
    const side = (k: number) => b.fill(v.shape.map((d, j) => (j === i + 1 ? k : d)), 0, v.dtype);
    if (lo > 0) parts.push(side(lo));
    parts.push(v);
    if (hi > 0) parts.push(side(hi));
    v = b.concat(parts, i + 1);
  }
  const batch = s[0]!;
  const rest = s.slice(1 + m);
  const shape6: number[] = [batch];
  for (let i = 0; i < m; i++) {
    const p = v.shape[1 + i]!;
    if (p % block[i]! !== 0) throw new InvalidArgumentError(`padded_shape[${i}]=${p} is not divisible by block_shape[${i}]=${block[i]}`, b.opName);
    shape6.push(p / block[i]!, block[i]!);
  }
  const r = b.reshape(v, [...shape6, ...rest]);
  const perm = [...block.map((_, i) => 2 + 2 * i), 0, ...block.map((_, i) => 1 + 2 * i), ...rest.map((_, i) => 1 + 2 * m + i)];
  const t = b.transpose(r, perm);
  const prod = block.reduce((p, q) => p * q, 1);
  return b.reshape(t, [batch * prod, ...block.map((q, i) => v.shape[1 + i]! / q), ...rest]);
}

export function batchToSpaceLower(b: Lower, x: Val, block: number[], crops: [number, number][]): Val {
  const m = block.length;
  const s = x.shape;
  if (s.length < m + 1) throw new InvalidArgumentError(`input rank should be >= ${m + 1} instead of ${s.length}`, b.opName);
  const prod = block.reduce((p, q) => p * q, 1);
  if (s[0]! % prod !== 0) throw new InvalidArgumentError(`Input batch dimension (${s[0]}) is not divisible by product of block sizes (${prod})`, b.opName);
  const batch = s[0]! / prod;
  const sp = s.slice(1, 1 + m);
  const rest = s.slice(1 + m);
  const r = b.reshape(x, [...block, batch, ...sp, ...rest]);
  const perm = [m, ...block.flatMap((_, i) => [m + 1 + i, i]), ...rest.map((_, i) => 2 * m + 1 + i)];
  const full = b.reshape(b.transpose(r, perm), [batch, ...sp.map((d, i) => d * block[i]!), ...rest]);
  const begin = [0, ...crops.map((c) => c[0]), ...rest.map(() => 0)];
  const size = [batch, ...sp.map((d, i) => {
    const v = d * block[i]! - crops[i]![0] - crops[i]![1];
    if (v < 0) throw new InvalidArgumentError(`Crops must not exceed the block-expanded size: ${crops[i]![0]} + ${crops[i]![1]} > ${d * block[i]!}`, b.opName);
    return v;
  }), ...rest];
  return crops.every((c) => c[0] === 0 && c[1] === 0) ? full : b.slice(full, begin, size);
}

for (const [type, what] of [['SpaceToBatchND', 'paddings'], ['BatchToSpaceND', 'crops']] as const) {
  defineOp({
    type,
    infer: ([x, bs, p], _a, name) => {
      for (const [t, param] of [[bs!, 'block_shape'], [p!, what]] as const) {
        if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
      }
      const fail: Fail = (m) => shapeFnError(m, name, type, [x!.shape, bs!.shape, p!.shape]);
      const bv = constOf(bs!);
      const pv = constOf(p!);
      if (bv === null || pv === null) {
        const m = bs!.shape?.[0] ?? null;
        const r = x!.shape?.length;
        return [{ dtype: x!.dtype, shape: r === undefined || m === null ? null : Array(r).fill(null) }];
      }
      const [block, pads] = blockArgs(bv, pv, bs!.shape, what, fail);
      return [{ dtype: x!.dtype, shape: (type === 'SpaceToBatchND' ? s2bShape : b2sShape)(x!.shape, block, pads, fail) }];
    },
    lower: (b, [x, bs, p]) => {
      const fail = (m: string) => new InvalidArgumentError(m, b.opName);
      const [block, pads] = blockArgs(folded(b, bs!, 'block_shape'), folded(b, p!, what), bs!.shape, what, fail);
      return [(type === 'SpaceToBatchND' ? spaceToBatchLower : batchToSpaceLower)(b, x!, block, pads)];
    },
  });
}
registerGradient('SpaceToBatchND', (op, [dy]) => [dy ? ndOp('BatchToSpaceND', dy, op.inputs[1]!, op.inputs[2]!) : null, null, null]);
registerGradient('BatchToSpaceND', (op, [dy]) => [dy ? ndOp('SpaceToBatchND', dy, op.inputs[1]!, op.inputs[2]!) : null, null, null]);

/** TF1's 2-D ops with `block_size` as an attr (BatchToSpace, and SpaceToBatch for imported graphs). */
for (const [type, what] of [['SpaceToBatch', 'paddings'], ['BatchToSpace', 'crops']] as const) {
  defineOp<{ block_size: number; [k: string]: unknown }>({
    type,
    infer: ([x, p], a, name) => {
      if (p!.dtype !== 'int32' && p!.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${what}' has DataType ${p!.dtype} not in list of allowed values: int32, int64`);
      const fail: Fail = (m) => shapeFnError(m, name, type, [x!.shape, p!.shape]);
      if (a.block_size < 2) throw new ValueError(`Value for attr 'block_size' of ${a.block_size} must be at least minimum 2`);
      const xs = withRank4(x!.shape, fail);
      const pv = constOf(p!);
      if (pv === null) return [{ dtype: x!.dtype, shape: [null, null, null, xs[3]!] }];
      const [block, pads] = blockArgs([a.block_size, a.block_size], pv, [2], what, fail);
      return [{ dtype: x!.dtype, shape: (type === 'SpaceToBatch' ? s2bShape : b2sShape)(xs, block, pads, fail) }];
    },
    lower: (b, [x, p], a) => {
      const fail = (m: string) => new InvalidArgumentError(m, b.opName);
      if (x!.shape.length !== 4) throw fail(`input rank should be 4 instead of ${x!.shape.length}`);
      const [block, pads] = blockArgs([a.block_size, a.block_size], folded(b, p!, what), [2], what, fail);
      return [(type === 'SpaceToBatch' ? spaceToBatchLower : batchToSpaceLower)(b, x!, block, pads)];
    },
  });
}
registerGradient('SpaceToBatch', (op, [dy]) => [dy ? makeOp(dy.graph, 'BatchToSpace', [dy, op.inputs[1]!], { block_size: op.attrs.block_size }, undefined, 'BatchToSpace').outputs[0]! : null, null]);
registerGradient('BatchToSpace', (op, [dy]) => [dy ? makeOp(dy.graph, 'SpaceToBatch', [dy, op.inputs[1]!], { block_size: op.attrs.block_size }, undefined, 'SpaceToBatch').outputs[0]! : null, null]);

type IntsLike = TensorLike | readonly number[] | readonly (readonly number[])[];
const intTensor = (v: IntsLike): Tensor => (v instanceof Tensor ? v : constant((v as readonly unknown[]).flat() as number[], 'int32', Array.isArray((v as unknown[])[0]) ? [(v as unknown[]).length, 2] : [(v as unknown[]).length]));
function ndOp(type: 'SpaceToBatchND' | 'BatchToSpaceND', x: TensorLike, blockShape: IntsLike, pads: IntsLike, name?: string): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, type, [t, intTensor(blockShape), intTensor(pads)], {}, name, type).outputs[0]!;
}
/** `tf.spaceToBatchNd(input, blockShape, paddings, name?)`: blockShape [M], paddings [M, 2]. */
export const spaceToBatchNd = tf1Function('spaceToBatchNd', ['input', 'blockShape', 'paddings', 'name'],
  (input: TensorLike, blockShape: IntsLike, paddings: IntsLike, name?: string): Tensor => ndOp('SpaceToBatchND', input, blockShape, paddings, name), 3);
/** `tf.batchToSpaceNd(input, blockShape, crops, name?)`: blockShape [M], crops [M, 2]. */
export const batchToSpaceNd = tf1Function('batchToSpaceNd', ['input', 'blockShape', 'crops', 'name'],
  (input: TensorLike, blockShape: IntsLike, crops: IntsLike, name?: string): Tensor => ndOp('BatchToSpaceND', input, blockShape, crops, name), 3);
/** `tf.spaceToBatch(input, paddings, blockSize, name?, blockShape?)`: SpaceToBatchND with block [b, b] (as TF1 builds it). */
export const spaceToBatch = tf1Function('spaceToBatch', ['input', 'paddings', 'blockSize', 'name', 'blockShape'],
  (input: TensorLike, paddings: IntsLike, blockSize?: number | null, name?: string, blockShape?: number | null): Tensor => {
    const bs = deprecatedAlias('block_shape', blockShape, 'block_size', blockSize);
    if (bs === undefined) throw new TypeError("spaceToBatch() missing required argument 'block_size'");
    const y = ndOp('SpaceToBatchND', input, constant([bs, bs], 'int64'), paddings, name);
    if (y.shape !== null && y.shape.length !== 4) throw new ValueError(`Shape ${JSON.stringify(y.shape)} must have rank 4`);
    return y;
  }, 2);
/** `tf.batchToSpace(input, crops, blockSize, name?, blockShape?)`: TF1's BatchToSpace op. */
export const batchToSpace = tf1Function('batchToSpace', ['input', 'crops', 'blockSize', 'name', 'blockShape'],
  (input: TensorLike, crops: IntsLike, blockSize?: number | null, name?: string, blockShape?: number | null): Tensor => {
    const bs = deprecatedAlias('block_shape', blockShape, 'block_size', blockSize);
    if (bs === undefined) throw new TypeError("batchToSpace() missing required argument 'block_size'");
    const t = toTensor(input);
    return makeOp(t.graph, 'BatchToSpace', [t, intTensor(crops)], { block_size: bs }, name, 'BatchToSpace').outputs[0]!;
  }, 2);

// ----- patches: the gather table shared by MaxPoolWithArgmax and ExtractImagePatches ------------
/**
 * For each output cell p of a [h, w] plane and window tap (ki, kj): the flat input position it
 * reads, or h·w (a padding cell), at idx[(p·kh + ki)·kw + kj].
 */
export function patchTable(h: number, w: number, kh: number, kw: number, s: number[], r: number[], pad: Padding, op: string): { oh: number; ow: number; idx: Int32Array } {
  const [oh, top] = runtimeOut(h, kh, r[0]!, s[0]!, pad, op);
  const [ow, left] = runtimeOut(w, kw, r[1]!, s[1]!, pad, op);
  const idx = new Int32Array(oh * ow * kh * kw);
  let k = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let i = 0; i < kh; i++) {
        const iy = y * s[0]! - top + i * r[0]!;
        for (let j = 0; j < kw; j++) {
          const ix = x * s[1]! - left + j * r[1]!;
          idx[k++] = iy >= 0 && iy < h && ix >= 0 && ix < w ? iy * w + ix : h * w;
        }
      }
    }
  }
  return { oh, ow, idx };
}

/** x [n,h,w,c] → [n, P·K, c]: every window tap of every output cell, padding cells = `padValue`. */
export function gatherPatches(b: Lower, x: Val, idx: Int32Array, padValue: number): Val {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const flat = b.reshape(x, [n, h * w, c]);
  const padded = b.concat([flat, b.fill([n, 1, c], padValue, x.dtype)], 1);
  return b.gather(padded, b.constant(new NDArray(idx, [idx.length], 'int32')), 1);
}


// ----- ExtractImagePatches -----------------------------------------------------------------------
interface PatchAttrs {
  ksizes: number[];
  strides: number[];
  rates: number[];
  padding: Padding;
  [k: string]: unknown;
}

function checkPatchAttrs(a: PatchAttrs, fail: (m: string) => Error): void {
  for (const [k, v] of [['ksizes', a.ksizes], ['strides', a.strides], ['rates', a.rates]] as const) {
    if (v.length !== 4) throw fail(`ExtractImagePatches requires the ${k} attribute to contain 4 values, but got: ${v.length}`);
    if (v[0] !== 1 || v[3] !== 1) throw fail(`Only support ${k} across space.`);
  }
}

function patchGeom(x: readonly number[], a: PatchAttrs, op: string) {
  if (x.length !== 4) throw new InvalidArgumentError('input must be 4-dimensional', op);
  checkPatchAttrs(a, (m) => new InvalidArgumentError(m, op));
  return patchTable(x[1]!, x[2]!, a.ksizes[1]!, a.ksizes[2]!, [a.strides[1]!, a.strides[2]!], [a.rates[1]!, a.rates[2]!], a.padding, op);
}

defineOp<PatchAttrs>({
  type: 'ExtractImagePatches',
  infer: ([x], a, name) => {
    if (x!.dtype === 'bool' || x!.dtype === 'string') throw new TypeError(`Value passed to parameter 'images' has DataType ${x!.dtype} not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64`);
    const fail: Fail = (m) => shapeFnError(m, name, 'ExtractImagePatches', [x!.shape]);
    checkPatchAttrs(a, fail);
    const [n, h, w, c] = withRank4(x!.shape, fail);
    const oh = staticOut(h!, a.ksizes[1]!, a.rates[1]!, a.strides[1]!, a.padding, fail);
    const ow = staticOut(w!, a.ksizes[2]!, a.rates[2]!, a.strides[2]!, a.padding, fail);
    return [{ dtype: x!.dtype, shape: [n!, oh, ow, c === null ? null : c * a.ksizes[1]! * a.ksizes[2]!] }];
  },
  lower: (b, [x], a) => {
    const t = patchGeom(x!.shape, a, b.opName);
    const [n, , , c] = x!.shape as [number, number, number, number];
    return [b.reshape(gatherPatches(b, x!, t.idx, 0), [n, t.oh, t.ow, a.ksizes[1]! * a.ksizes[2]! * c])];
  },
});

/** tsflow's gradient helper: inputs (dy, shape of images) → d images (each patch cell added back). */
defineOp<PatchAttrs>({
  type: 'ExtractImagePatchesGrad',
  infer: ([dy, sizes], _a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'ExtractImagePatchesGrad', [dy!.shape, sizes!.shape]);
    const s = sizes!.op.type === 'Shape' ? withRank4(sizes!.op.inputs[0]!.shape, fail) : [null, null, null, null];
    return [{ dtype: dy!.dtype, shape: s }];
  },
  lower: (b, [dy, sizes], a) => {
    const xs = foldShape(b, sizes!, 'images shape');
    const t = patchGeom(xs, a, b.opName);
    const [n, h, w, c] = xs as [number, number, number, number];
    const k = a.ksizes[1]! * a.ksizes[2]!;
    const rows = b.reshape(dy!, [n, t.oh * t.ow * k, c]);
    const sum = b.scatterAdd(rows, b.constant(new NDArray(t.idx, [t.idx.length], 'int32')), 1, h * w + 1);
    return [b.reshape(b.slice(sum, [0, 0, 0], [n, h * w, c]), xs)];
  },
});
registerGradient('ExtractImagePatches', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'ExtractImagePatchesGrad', [dy, shapeOf(op.inputs[0]!)], { ...(op.attrs as PatchAttrs) }, undefined, 'ExtractImagePatchesGrad').outputs[0]! : null,
]);
registerGradient('ExtractImagePatchesGrad', (op, [g]) => [
  g ? makeOp(g.graph, 'ExtractImagePatches', [g], { ...(op.attrs as PatchAttrs) }, undefined, 'ExtractImagePatches').outputs[0]! : null,
  null,
]);

const four = (v: number | readonly number[], what: string): number[] => {
  const a = typeof v === 'number' ? [1, v, v, 1] : [...v];
  if (a.length !== 4 || a.some((x) => !Number.isInteger(x))) throw new ValueError(`${what} must be a list of 4 integers, got ${JSON.stringify(v)}`);
  return a;
};
/**
 * `tf.extractImagePatches(images, ksizes, strides, rates, padding, name?, sizes?)`: [N,H,W,C] →
 * [N,oh,ow,kh·kw·C], each output cell the (dilated) kh×kw patch, zeros in the padding.
 */
export const extractImagePatches = tf1Function(
  'extractImagePatches', ['images', 'ksizes', 'strides', 'rates', 'padding', 'name', 'sizes'],
  (images: TensorLike, ksizes: number | readonly number[] | null, strides: number | readonly number[], rates: number | readonly number[], padding: Padding | string, name?: string, sizes?: number | readonly number[] | null): Tensor => {
    const k = deprecatedAlias('sizes', sizes, 'ksizes', ksizes);
    if (k === undefined) throw new TypeError("extractImagePatches() missing required argument 'ksizes'");
    for (const [n, v] of [['strides', strides], ['rates', rates], ['padding', padding]] as const) {
      if (v === undefined) throw new TypeError(`extractImagePatches() missing required argument '${n}'`);
    }
    const x = toTensor(images);
    const attrs: PatchAttrs = { ksizes: four(k, 'ksizes'), strides: four(strides, 'strides'), rates: four(rates, 'rates'), padding: checkPadding(padding, 'ExtractImagePatches') };
    return makeOp(x.graph, 'ExtractImagePatches', [x], attrs, name, 'ExtractImagePatches').outputs[0]!;
  }, 1);
