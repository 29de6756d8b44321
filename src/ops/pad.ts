/** `tf.pad`: TF's Pad / PadV2 (CONSTANT) and MirrorPad (REFLECT, SYMMETRIC), with gradients. */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

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
  paddings: readonly (readonly number[])[] | Record<string, unknown>,
  mode?: string | Record<string, unknown>,
  name?: string | Record<string, unknown>,
  constantValues?: number | Record<string, unknown>,
): Tensor {
  const o = kwargs([tensor, paddings, mode, name, constantValues], ['tensor', 'paddings', 'mode', 'name', 'constantValues'], 'pad');
  const x = toTensor(o.tensor as TensorLike);
  const p = o.paddings;
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
