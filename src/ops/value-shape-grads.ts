/**
 * Gradients of the shape-operand ops (src/ops/shape-operands.ts) when tsflow builds them from
 * tensor arguments (`tf.slice(x, begin, n)`, `tf.tile(x, m)`, `tf.reshape(x, tf.stack([n, -1]))`):
 * the gradient takes the same operand tensors, whose values the plan gets when it is built (a
 * run-time value is computed first: src/session/value-stage.ts).
 */
import { InvalidArgumentError } from '../errors.js';
import { reshapeLike, shape } from './array.js';
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
