/** Shared pieces of the gradient functions, and the helper ops they need. */
import type { Tensor } from '../../graph/tensor.js';
import { isFullyDefined, shapesEqual } from '../../shape.js';
import { reduceMean, reduceSum } from '../math.js';
import { sumToShapeOf } from '../array.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';

/** Sum `g` down to the run-time shape of `x` (no op when both static shapes are equal). */
export function unbroadcast(g: Tensor, x: Tensor): Tensor {
  if (isFullyDefined(g.shape) && isFullyDefined(x.shape) && shapesEqual(g.shape, x.shape)) return g;
  return sumToShapeOf(g, x);
}

interface UnreduceAttrs {
  [k: string]: unknown;
  axes: number[] | null;
  keepDims: boolean;
  mean: boolean;
}

function reducedAxes(axes: number[] | null, rank: number): number[] {
  return (axes ?? [...Array(rank).keys()]).map((a) => (a < 0 ? a + rank : a));
}

/**
 * The inverse of a reduction's shape change: `g` (the reduced value) is reshaped to `like`'s
 * run-time shape with the reduced axes kept as 1, divided by their size when `mean`, and
 * broadcast to `like`'s shape.
 */
defineOp<UnreduceAttrs>({
  type: 'UnreduceLike',
  infer: ([g, like]) => [{ dtype: g!.dtype, shape: like!.shape }],
  lower: (b, [g, like], a) => {
    const shape = like!.shape;
    const axes = new Set(reducedAxes(a.axes, shape.length));
    const kept = shape.map((d, i) => (axes.has(i) ? 1 : d));
    let v = b.reshape(g!, kept);
    if (a.mean) {
      const count = [...axes].reduce((acc, i) => acc * shape[i]!, 1);
      v = b.binary('div', v, b.scalar(count, g!.dtype));
    }
    return [b.broadcastTo(v, shape)];
  },
});
registerGradient('UnreduceLike', (op, [dy]) => {
  if (!dy) return [null, null];
  const { axes, keepDims, mean } = op.attrs as UnreduceAttrs;
  return [(mean ? reduceMean : reduceSum)(dy, axes, keepDims), null];
});

export function unreduceLike(g: Tensor, like: Tensor, axes: number[] | null, keepDims: boolean, mean = false): Tensor {
  return makeOp(g.graph, 'UnreduceLike', [g, like], { axes, keepDims, mean }, undefined, 'BroadcastTo').outputs[0]!;
}

/** Both inputs' gradients of an elementwise binary op, unbroadcast. */
export function binaryGrads(op: { inputs: readonly Tensor[] }, gx: Tensor | null, gy: Tensor | null): (Tensor | null)[] {
  const [x, y] = op.inputs as [Tensor, Tensor];
  return [gx && unbroadcast(gx, x), gy && unbroadcast(gy, y)];
}
