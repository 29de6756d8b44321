/** Gradients of shape and data-movement ops (with the helper ops they need), and of the ops that have none. */
import type { Tensor } from '../../graph/tensor.js';
import {
  broadcastLike, concat, gather, reshape, reshapeLike, shape, slice, stack, tile, transpose, unstack, zerosLike,
} from '../array.js';
import { isFullyDefined } from '../../shape.js';
import { IndexedSlices } from '../indexed-slices.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { unbroadcast } from './util.js';

for (const t of [
  'Fill', 'FillLike', 'Shape', 'Size', 'Rank', 'OneHot', 'Range',
  'RandomUniform', 'RandomStandardNormal', 'TruncatedNormal',
]) {
  registerGradient(t, null);
}

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

// ----- reshapes -------------------------------------------------------------------------------
registerGradient('Reshape', (op, [dy]) => {
  const d = dy ? reshapeLike(dy, op.inputs[0]!) : null;
  return op.inputs.length > 1 ? [d, null] : [d];
});
for (const t of ['ExpandDims', 'Squeeze']) registerGradient(t, (op, [dy]) => [dy ? reshapeLike(dy, op.inputs[0]!) : null]);
registerGradient('ReshapeLike', (op, [dy]) => [dy ? reshapeLike(dy, op.inputs[0]!) : null, null]);
registerGradient('SumToShapeOf', (op, [dy]) => [dy ? broadcastLike(dy, op.inputs[0]!) : null, null]);
registerGradient('BroadcastLike', (op, [dy]) => [dy ? unbroadcast(dy, op.inputs[0]!) : null, null]);

registerGradient('Transpose', (op, [dy]) => {
  if (!dy) return [null];
  const perm = op.attrs.perm as number[] | null;
  if (perm === null) return [transpose(dy)];
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return [transpose(dy, inv)];
});

// ----- concat / stack -----------------------------------------------------------------------------
/** Split input 0 along `axis` into pieces as long as inputs 1.. are (run-time shapes). */
defineOp<{ axis: number }>({
  type: 'SplitLike',
  infer: ([g, ...likes], a) => likes.map((l) => {
    const s = g!.shape;
    if (s === null || l.shape === null) return { dtype: g!.dtype, shape: l.shape };
    const ax = norm(a.axis, s.length);
    return { dtype: g!.dtype, shape: s.map((d, i) => (i === ax ? l.shape![i]! : d)) };
  }),
  lower: (b, [g, ...likes], a) => {
    const ax = norm(a.axis, g!.shape.length);
    let off = 0;
    return likes.map((l) => {
      const begin = g!.shape.map((_, i) => (i === ax ? off : 0));
      const size = g!.shape.map((d, i) => (i === ax ? l.shape[i]! : d));
      off += l.shape[ax]!;
      return b.slice(g!, begin, size);
    });
  },
});
registerGradient('SplitLike', (op, dys) => {
  const axis = op.attrs.axis as number;
  const pieces = dys.map((d, i) => d ?? zerosLike(op.outputs[i]!));
  return [concat(pieces, axis), ...op.inputs.slice(1).map(() => null)];
});
registerGradient('ConcatV2', (op, [dy]) => {
  if (!dy) return op.inputs.map(() => null);
  return [...makeOp(dy.graph, 'SplitLike', [dy, ...op.inputs], { axis: op.attrs.axis }, undefined, 'Slice').outputs];
});

registerGradient('Pack', (op, [dy]) => {
  if (!dy) return op.inputs.map(() => null);
  return unstack(dy, { num: op.inputs.length, axis: op.attrs.axis as number });
});
registerGradient('Unpack', (op, dys) => {
  if (dys.every((d) => d === null)) return [null];
  return [stack(dys.map((d, i) => d ?? zerosLike(op.outputs[i]!)), op.attrs.axis as number)];
});

// ----- slice ------------------------------------------------------------------------------------
/** Pad input 0 with zeros into the run-time shape of input 1, at offset `begin`. */
defineOp<{ begin: number[] }>({
  type: 'PadLike',
  infer: ([g, like]) => [{ dtype: g!.dtype, shape: like!.shape }],
  lower: (b, [g, like], a) => {
    let cur = g!;
    like!.shape.forEach((d, i) => {
      const before = a.begin[i]!;
      const after = d - before - cur.shape[i]!;
      const part = (n: number) => b.fill(cur.shape.map((s, j) => (j === i ? n : s)), 0, g!.dtype);
      const pieces = [...(before > 0 ? [part(before)] : []), cur, ...(after > 0 ? [part(after)] : [])];
      if (pieces.length > 1) cur = b.concat(pieces, i);
    });
    return [cur];
  },
});
registerGradient('PadLike', (op, [dy]) => {
  const g = op.inputs[0]!;
  if (!dy) return [null, null];
  const begin = op.attrs.begin as number[];
  // The size of the padded piece is only known at run time when g's shape is partial.
  const size = g.shape && g.shape.every((d) => d !== null) ? (g.shape as number[]) : null;
  return [size ? slice(dy, begin, size) : makeOp(dy.graph, 'SliceLike', [dy, g], { begin }, undefined, 'Slice').outputs[0]!, null];
});
/** Slice input 0 at `begin` with the run-time shape of input 1. */
defineOp<{ begin: number[] }>({
  type: 'SliceLike',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like], a) => [b.slice(x!, a.begin, like!.shape)],
});
registerGradient('SliceLike', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'PadLike', [dy, op.inputs[0]!], { begin: op.attrs.begin }, undefined, 'Pad').outputs[0]! : null,
  null,
]);
registerGradient('Slice', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'PadLike', [dy, op.inputs[0]!], { begin: op.attrs.begin }, undefined, 'Pad').outputs[0]! : null,
]);

// ----- gather -----------------------------------------------------------------------------------
/** Sum the rows of input 0 into zeros shaped like input 2, at the positions in input 1 along `axis`. */
defineOp<{ axis: number }>({
  type: 'ScatterAddLike',
  infer: ([g, , like]) => [{ dtype: g!.dtype, shape: like!.shape }],
  lower: (b, [g, idx, like], a) => {
    const ax = norm(a.axis, like!.shape.length);
    return [b.scatterAdd(g!, idx!, ax, like!.shape[ax]!)];
  },
});
registerGradient('ScatterAddLike', (op, [dy]) => [dy ? gather(dy, op.inputs[1]!, { axis: op.attrs.axis as number }) : null, null, null]);
registerGradient('GatherV2', (op, [dy]) => {
  if (!dy) return [null, null];
  const [params, indices] = op.inputs as [Tensor, Tensor];
  const inner = params.shape?.slice(1);
  // As TF1: along axis 0 the gradient is sparse, the gathered rows of dy at the indices.
  if (op.attrs.axis === 0 && inner && isFullyDefined(inner)) {
    return [new IndexedSlices(reshape(dy, [-1, ...inner]), reshape(indices, [-1]), shape(params)), null];
  }
  return [makeOp(dy.graph, 'ScatterAddLike', [dy, indices, params], { axis: op.attrs.axis }, undefined, 'UnsortedSegmentSum').outputs[0]!, null];
});

// ----- tile -------------------------------------------------------------------------------------
/** Sum input 0 (a tiling of input 1) over its tiles. */
defineOp<{ multiples: number[] }>({
  type: 'TileGrad',
  infer: ([, like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [g, like], a) => {
    const s = like!.shape;
    const split = b.reshape(g!, s.flatMap((d, i) => [a.multiples[i]!, d]));
    return [b.reduce('sum', split, s.map((_, i) => 2 * i), false)];
  },
});
registerGradient('TileGrad', (op, [dy]) => [dy ? tile(dy, op.attrs.multiples as number[]) : null, null]);
registerGradient('Tile', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'TileGrad', [dy, op.inputs[0]!], { multiples: op.attrs.multiples }, undefined, 'Sum').outputs[0]! : null,
]);
