/**
 * Gradients of the shape-operand ops (src/ops/shape-operands.ts) when tsflow builds them from
 * tensor arguments (`tf.slice(x, begin, n)`, `tf.tile(x, m)`, `tf.reshape(x, tf.stack([n, -1]))`):
 * the gradient takes the same operand tensors, whose values the plan gets when it is built (a
 * run-time value is computed first: src/session/value-stage.ts).
 */
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { reshapeLike, shape, zerosLike } from './array.js';
import { cast, equal, multiply, realDiv } from './math.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

const intsOf = (b: Lower, v: Val, what: string): number[] =>
  Array.from(b.requireValue(v, () => new InvalidArgumentError(`${what} must be known when the plan is built`, b.opName)).data as ArrayLike<number>, Number);

/** Input 0 (a slice of input 1 at `begin`, input 2) placed into zeros shaped like input 1. */
defineOp({
  type: 'PadLikeAt',
  infer: ([g, like]) => [{ dtype: g!.dtype, shape: like!.shape }],
  lower: (b, [g, like, begin]) => {
    const at = intsOf(b, begin!, "Slice's begin");
    let cur = g!;
    like!.shape.forEach((d, i) => {
      const before = at[i]!;
      const after = d - before - cur.shape[i]!;
      const part = (n: number) => b.fill(cur.shape.map((s, j) => (j === i ? n : s)), 0, g!.dtype);
      const pieces = [...(before > 0 ? [part(before)] : []), cur, ...(after > 0 ? [part(after)] : [])];
      if (pieces.length > 1) cur = b.concat(pieces, i);
    });
    return [cur];
  },
});
registerGradient('PadLikeAt', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'FoldedSlice', [dy, op.inputs[2]!, shape(op.inputs[0]!)], {}, undefined, 'Slice').outputs[0]! : null,
  null,
  null,
]);

/** Input 0 (a tiling of input 1 by the multiples in input 2) summed over its tiles. */
defineOp({
  type: 'TileGradAt',
  infer: ([, like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [g, like, multiples]) => {
    const m = intsOf(b, multiples!, "Tile's multiples");
    const s = like!.shape;
    const split = b.reshape(g!, s.flatMap((d, i) => [m[i]!, d]));
    return [b.reduce('sum', split, s.map((_, i) => 2 * i), false)];
  },
});
registerGradient('TileGradAt', (op, [dy]) => [dy ? makeOp(dy.graph, 'FoldedTile', [dy, op.inputs[2]!], {}, undefined, 'Tile').outputs[0]! : null, null, null]);

registerGradient('FoldedSlice', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'PadLikeAt', [dy, op.inputs[0]!, op.inputs[1]!], {}, undefined, 'Pad').outputs[0]! : null,
  null,
  null,
]);
registerGradient('FoldedTile', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'TileGradAt', [dy, op.inputs[0]!, op.inputs[1]!], {}, undefined, 'Sum').outputs[0]! : null,
  null,
]);
for (const t of ['FoldedReshape', 'FoldedExpandDims']) registerGradient(t, (op, [dy]) => [dy ? reshapeLike(dy, op.inputs[0]!) : null, null]);
registerGradient('OneHotByTensor', null);

// ----- reductions, transpose and concat with axes / perm as tensors ---------------------------------
/** Input 0 (a reduction of input 1 over the axes in input 2) broadcast back to input 1's shape (divided by the count for a mean). */
defineOp<{ keepDims: boolean; mean: boolean }>({
  type: 'UnreduceAt',
  infer: ([, like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [g, like, axes], a) => {
    const s = like!.shape;
    const r = s.length;
    const ax = new Set(intsOf(b, axes!, 'the reduction axes').map((v) => (v < 0 ? v + r : v)));
    const kept = b.reshape(g!, s.map((d, i) => (ax.has(i) ? 1 : d)));
    const full = b.broadcastTo(kept, s);
    if (!a.mean) return [full];
    const count = s.reduce((n, d, i) => (ax.has(i) ? n * d : n), 1);
    return [b.binary('div', full, b.scalar(count, g!.dtype))];
  },
});
const unreduceAt = (g: Tensor, like: Tensor, axes: Tensor, keepDims: boolean, mean = false): Tensor =>
  makeOp(g.graph, 'UnreduceAt', [g, like, axes], { keepDims, mean }, undefined, 'BroadcastTo').outputs[0]!;
const foldedSum = (x: Tensor, axes: Tensor, keepDims: boolean, mean = false): Tensor =>
  makeOp(x.graph, mean ? 'FoldedMean' : 'FoldedSum', [x, axes], { keepDims }, undefined, mean ? 'Mean' : 'Sum').outputs[0]!;
registerGradient('UnreduceAt', (op, [dy]) => [dy ? foldedSum(dy, op.inputs[2]!, op.attrs.keepDims as boolean, op.attrs.mean as boolean) : null, null, null]);
registerGradient('FoldedSum', (op, [dy]) => [dy ? unreduceAt(dy, op.inputs[0]!, op.inputs[1]!, !!op.attrs.keepDims) : null, null]);
registerGradient('FoldedMean', (op, [dy]) => [dy ? unreduceAt(dy, op.inputs[0]!, op.inputs[1]!, !!op.attrs.keepDims, true) : null, null]);
for (const type of ['FoldedMax', 'FoldedMin']) {
  registerGradient(type, (op, [dy]) => {
    if (!dy) return [null, null];
    const [x, axes] = op.inputs as [Tensor, Tensor];
    const kd = !!op.attrs.keepDims;
    // shared equally among the positions that attain the extremum, as TF's _MinOrMaxGrad
    const ind = cast(equal(unreduceAt(op.outputs[0]!, x, axes, kd), x), x.dtype);
    const count = unreduceAt(foldedSum(ind, axes, kd), x, axes, kd);
    return [multiply(realDiv(ind, count), unreduceAt(dy, x, axes, kd)), null];
  });
}
registerGradient('FoldedTranspose', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'FoldedTranspose', [dy, makeOp(dy.graph, 'InvertPermutation', [op.inputs[1]!], {}, undefined, 'InvertPermutation').outputs[0]!], {}, undefined, 'transpose').outputs[0]! : null,
  null,
]);

/** Input 0 split along the axis in input 1 into pieces as long as inputs 2.. are. */
defineOp({
  type: 'SplitLikeAt',
  infer: ([g, , ...likes]) => likes.map((l) => ({ dtype: g!.dtype, shape: l.shape })),
  lower: (b, [g, axis, ...likes]) => {
    const r = g!.shape.length;
    const a0 = intsOf(b, axis!, "ConcatV2's axis")[0]!;
    const ax = a0 < 0 ? a0 + r : a0;
    let off = 0;
    return likes.map((l) => {
      const begin = g!.shape.map((_, i) => (i === ax ? off : 0));
      const size = g!.shape.map((d, i) => (i === ax ? l.shape[i]! : d));
      off += l.shape[ax]!;
      return b.slice(g!, begin, size);
    });
  },
});
registerGradient('SplitLikeAt', (op, dys) => {
  const pieces = dys.map((d, i) => d ?? zerosLike(op.outputs[i]!));
  return [makeOp(op.graph, 'FoldedConcatV2', [...pieces, op.inputs[1]!], {}, undefined, 'concat').outputs[0]!, null, ...op.inputs.slice(2).map(() => null)];
});
registerGradient('FoldedConcatV2', (op, [dy]) => {
  if (!dy) return op.inputs.map(() => null);
  const xs = op.inputs.slice(0, -1);
  const axis = op.inputs[op.inputs.length - 1]!;
  return [...makeOp(dy.graph, 'SplitLikeAt', [dy, axis, ...xs], {}, undefined, 'Slice').outputs, null];
});

/** Input 0's rows summed into zeros shaped like input 2, at input 1's positions along the axis in input 3. */
defineOp({
  type: 'ScatterAddLikeAt',
  infer: ([g, , like]) => [{ dtype: g!.dtype, shape: like!.shape }],
  lower: (b, [g, idx, like, axis]) => {
    const r = like!.shape.length;
    const a0 = intsOf(b, axis!, "GatherV2's axis")[0]!;
    const ax = a0 < 0 ? a0 + r : a0;
    return [b.scatterAdd(g!, idx!, ax, like!.shape[ax]!)];
  },
});
registerGradient('ScatterAddLikeAt', (op, [dy]) => [dy ? makeOp(dy.graph, 'FoldedGatherV2', [dy, op.inputs[1]!, op.inputs[3]!], {}, undefined, 'GatherV2').outputs[0]! : null, null, null, null]);
registerGradient('FoldedGatherV2', (op, [dy]) => {
  if (!dy) return [null, null, null];
  const [params, indices, axis] = op.inputs as [Tensor, Tensor, Tensor];
  return [makeOp(dy.graph, 'ScatterAddLikeAt', [dy, indices, params, axis], {}, undefined, 'UnsortedSegmentSum').outputs[0]!, null, null];
});
