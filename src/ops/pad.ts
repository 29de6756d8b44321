/** `tf.pad`: TF's Pad / PadV2 (CONSTANT) and MirrorPad (REFLECT, SYMMETRIC), with gradients. */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, getOpDef, makeOp, registerGradient } from './registry.js';
import { holdsTensor } from './dynamic-slice.js';
import { shape as shapeOf, slice } from './array.js';

type Mode = 'CONSTANT' | 'REFLECT' | 'SYMMETRIC';

interface PadAttrs {
  [k: string]: unknown;
  paddings: [number, number][];
  mode: Mode;
  constantValue: number;
}

function padInfer(type: string) {
  return ([x]: readonly Tensor[], a: PadAttrs, name: string) => {
    const p = a.paddings;
    const fail = (msg: string): ValueError => shapeFnError(msg, name, type, [x!.shape, [p.length, 2]], [[1, p.flat()]]);
    const s = x!.shape;
    if (s !== null && s.length !== p.length) throw fail(`Shape must be rank ${p.length} but is rank ${s.length}`);
    if (s === null) return [{ dtype: x!.dtype, shape: p.map(() => null) }];
    const out: Dim[] = s.map((d, i) => {
      const [lo, hi] = p[i]!;
      if (lo < 0 || hi < 0) throw fail(`Paddings must be non-negative: ${lo} ${hi}`);
      if (d === null) return null;
      if (a.mode === 'REFLECT' && (lo >= d || hi >= d)) throw fail(`paddings must be less than the dimension size: ${lo}, ${hi} greater than or equal to ${d}`);
      if (a.mode === 'SYMMETRIC' && (lo > d || hi > d)) throw fail(`paddings must be no greater than the dimension size: ${lo}, ${hi} greater than ${d}`);
      return d + lo + hi;
    });
    return [{ dtype: x!.dtype, shape: out }];
  };
}

/** Where each padded position along a dim of size `d` reads from (mirror modes). */
function mirrorIndex(d: number, lo: number, hi: number, mode: Mode): Int32Array {
  const off = mode === 'REFLECT' ? 1 : 0;
  return Int32Array.from({ length: lo + d + hi }, (_, k) => {
    const j = k - lo;
    if (j < 0) return -j - 1 + off;
    if (j >= d) return 2 * d - j - 1 - off;
    return j;
  });
}

function checkRuntime(b: Lower, x: Val, a: PadAttrs): void {
  if (x.shape.length !== a.paddings.length) {
    throw new InvalidArgumentError(`The first dimension of paddings must be the rank of inputs[${a.paddings.length},2] [${x.shape.join(',')}]`, b.opName);
  }
  x.shape.forEach((d, i) => {
    const [lo, hi] = a.paddings[i]!;
    if (a.mode === 'REFLECT' && (lo >= d || hi >= d)) {
      throw new InvalidArgumentError(`paddings must be less than the dimension size: ${lo}, ${hi} greater than or equal to ${d}`, b.opName);
    }
    if (a.mode === 'SYMMETRIC' && (lo > d || hi > d)) {
      throw new InvalidArgumentError(`paddings must be no greater than the dimension size: ${lo}, ${hi} greater than ${d}`, b.opName);
    }
  });
}

defineOp<PadAttrs>({
  type: 'PadV2',
  infer: padInfer('PadV2'),
  lower: (b, [x], a) => {
    checkRuntime(b, x!, a);
    let cur = x!;
    a.paddings.forEach(([lo, hi], i) => {
      const part = (n: number): Val => b.fill(cur.shape.map((s, j) => (j === i ? n : s)), a.constantValue, x!.dtype);
      const parts = [...(lo > 0 ? [part(lo)] : []), cur, ...(hi > 0 ? [part(hi)] : [])];
      if (parts.length > 1) cur = b.concat(parts, i);
    });
    return [cur];
  },
});
registerGradient('PadV2', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'SliceLike', [dy, op.inputs[0]!], { begin: (op.attrs.paddings as [number, number][]).map((p) => p[0]) }, undefined, 'Slice').outputs[0]! : null,
]);

defineOp<PadAttrs>({
  type: 'MirrorPad',
  infer: padInfer('MirrorPad'),
  lower: (b, [x], a) => {
    checkRuntime(b, x!, a);
    let cur = x!;
    a.paddings.forEach(([lo, hi], i) => {
      if (lo === 0 && hi === 0) return;
      const idx = mirrorIndex(x!.shape[i]!, lo, hi, a.mode);
      cur = b.gather(cur, b.constant(new NDArray(idx, [idx.length], 'int32')), i);
    });
    return [cur];
  },
});
/** The gradient of MirrorPad: each padded cell's gradient summed into the cell it mirrors. */
defineOp<PadAttrs>({
  type: 'MirrorPadGrad',
  infer: ([dy, like]) => [{ dtype: dy!.dtype, shape: like!.shape }],
  lower: (b, [dy, like], a) => {
    let cur = dy!;
    a.paddings.forEach(([lo, hi], i) => {
      if (lo === 0 && hi === 0) return;
      const d = like!.shape[i]!;
      const idx = mirrorIndex(d, lo, hi, a.mode);
      cur = b.scatterAdd(cur, b.constant(new NDArray(idx, [idx.length], 'int32')), i, d);
    });
    return [cur];
  },
});
registerGradient('MirrorPad', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'MirrorPadGrad', [dy, op.inputs[0]!], op.attrs, undefined, 'MirrorPadGrad').outputs[0]! : null,
]);
registerGradient('MirrorPadGrad', (op, [dy]) => [dy ? makeOp(dy.graph, 'MirrorPad', [dy], op.attrs, undefined, 'MirrorPad').outputs[0]! : null, null]);

/**
 * `tf.pad(tensor, paddings, mode = 'CONSTANT', name?, constantValues = 0)`: `paddings[i] =
 * [before, after]` for dim i. REFLECT mirrors without the edge (padding < dim), SYMMETRIC with it
 * (padding ≤ dim).
 */
export function pad(
  tensor: TensorLike,
  paddings: readonly (readonly number[])[] | TensorLike | Record<string, unknown>,
  mode?: string | Record<string, unknown>,
  name?: string | Record<string, unknown>,
  constantValues?: number | Record<string, unknown>,
): Tensor {
  const o = kwargs([tensor, paddings, mode, name, constantValues], ['tensor', 'paddings', 'mode', 'name', 'constantValues'], 'pad');
  const x = toTensor(o.tensor as TensorLike);
  const p = o.paddings;
  const m0 = String(o.mode ?? 'CONSTANT').toUpperCase();
  if (holdsTensor(p) && (m0 === 'CONSTANT' || m0 === 'REFLECT' || m0 === 'SYMMETRIC')) {
    const cv0 = Number((o.constantValues as number | undefined) ?? 0);
    if (m0 !== 'CONSTANT' && cv0 !== 0) throw new ValueError('constant_values must be 0 for REFLECT and SYMMETRIC padding');
    const pt = toTensor(p as TensorLike, Array.isArray(p) ? 'int32' : undefined);
    if (pt.dtype !== 'int32' && pt.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'paddings' has DataType ${pt.dtype} not in list of allowed values: int32, int64`);
    return makeOp(x.graph, 'PadByTensor', [x, pt], { mode: m0, constantValue: cv0 }, o.name as string | undefined, m0 === 'CONSTANT' ? 'Pad' : 'MirrorPad').outputs[0]!;
  }
  if (!Array.isArray(p) || !p.every((r) => Array.isArray(r) && r.length === 2 && r.every((v) => Number.isInteger(v)))) {
    throw new TypeError(`pad: paddings must be an array of [before, after] integer pairs, got ${JSON.stringify(p)}`);
  }
  const m = String(o.mode ?? 'CONSTANT').toUpperCase();
  if (m !== 'CONSTANT' && m !== 'REFLECT' && m !== 'SYMMETRIC') throw new ValueError(`Unknown padding mode: ${String(o.mode)}`);
  const cv = (o.constantValues as number | undefined) ?? 0;
  if (m !== 'CONSTANT' && cv !== 0) throw new ValueError('constant_values must be 0 for REFLECT and SYMMETRIC padding');
  const attrs: PadAttrs = { paddings: (p as number[][]).map((r) => [r[0]!, r[1]!] as [number, number]), mode: m, constantValue: Number(cv) };
  const type = m === 'CONSTANT' ? 'PadV2' : 'MirrorPad';
  return makeOp(x.graph, type, [x], attrs, o.name as string | undefined, type === 'PadV2' ? 'Pad' : 'MirrorPad').outputs[0]!;
}

// ----- paddings given as a tensor ------------------------------------------------------------------
/** The [rank, 2] paddings value of input 1 when the plan is built (a run-time value is computed first). */
function paddingsOf(b: Lower, p: Val): [number, number][] {
  const v = b.requireValue(p, () => new InvalidArgumentError('Pad needs its paddings known when the plan is built', b.opName));
  if (p.shape.length !== 2 || p.shape[1] !== 2) throw new InvalidArgumentError(`paddings must be a matrix with 2 columns: [${p.shape.join(',')}]`, b.opName);
  const d = Array.from(v.data as ArrayLike<number>, Number);
  return Array.from({ length: p.shape[0]! }, (_, i) => {
    const pair: [number, number] = [d[2 * i]!, d[2 * i + 1]!];
    if (pair[0] < 0 || pair[1] < 0) throw new InvalidArgumentError(`Paddings must be non-negative: ${pair[0]} ${pair[1]}`, b.opName);
    return pair;
  });
}

/** TF's Pad / PadV2 / MirrorPad with paddings as a tensor input (TF's shape function: known rows give known dims). */
defineOp<{ mode: Mode; constantValue: number }>({
  type: 'PadByTensor',
  infer: ([x, p], a, name) => {
    if (p!.shape && p!.shape.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${p!.shape.length}`, name, 'Pad', [x!.shape, p!.shape], []);
    const rank = x!.shape?.length ?? (p!.shape?.[0] ?? null);
    if (rank === null) return [{ dtype: x!.dtype, shape: null }];
    const c = p!.op.type === 'Const' ? Array.from((p!.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null;
    return [{ dtype: x!.dtype, shape: Array.from({ length: rank }, (_, i): Dim => {
      const d = x!.shape?.[i] ?? null;
      return d !== null && c ? d + c[2 * i]! + c[2 * i + 1]! : null;
    }) }];
  },
  lower: (b, [x, p], a) => {
    const attrs: PadAttrs = { paddings: paddingsOf(b, p!), mode: a.mode, constantValue: a.constantValue };
    return getOpDef(a.mode === 'CONSTANT' ? 'PadV2' : 'MirrorPad').lower(b, [x!], attrs);
  },
});
/** MirrorPadGrad with the paddings as input 2. */
defineOp<{ mode: Mode }>({
  type: 'MirrorPadGradByTensor',
  infer: ([dy, like]) => [{ dtype: dy!.dtype, shape: like!.shape }],
  lower: (b, [dy, like, p], a) => getOpDef('MirrorPadGrad').lower(b, [dy!, like!], { paddings: paddingsOf(b, p!), mode: a.mode, constantValue: 0 }),
});
registerGradient('MirrorPadGradByTensor', (op, [dy]) => [dy ? makeOp(dy.graph, 'PadByTensor', [dy, op.inputs[2]!], { mode: op.attrs.mode, constantValue: 0 }, undefined, 'MirrorPad').outputs[0]! : null, null, null]);
registerGradient('PadByTensor', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, p] = op.inputs as [Tensor, Tensor];
  if (op.attrs.mode !== 'CONSTANT') return [makeOp(dy.graph, 'MirrorPadGradByTensor', [dy, x, p], { mode: op.attrs.mode }, undefined, 'MirrorPadGrad').outputs[0]!, null];
  // TF's _PadGrad: slice dy at paddings[:, 0] with x's shape
  const begin = makeOp(dy.graph, 'Reshape', [slice(p, [0, 0], [-1, 1])], { shape: [-1] }, undefined, 'Reshape').outputs[0]!;
  return [slice(dy, begin, shapeOf(x)), null];
});
