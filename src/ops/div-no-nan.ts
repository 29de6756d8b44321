/** `DivNoNan`: x / y, and 0 wherever y is 0 (used by the losses' and metrics' safe means). */
import type { Tensor } from '../graph/tensor.js';
import { binaryOp, broadcastOrThrow, sameDType } from './elementwise.js';
import { multiply, negative } from './math.js';
import type { TensorLike } from './convert.js';
import { defineOp, registerGradient } from './registry.js';
import { binaryGrads } from './grads/util.js';

defineOp({
  type: 'DivNoNan',
  infer: ([x, y], _a, name) => {
    sameDType('DivNoNan', x!, y!);
    return [{ dtype: x!.dtype, shape: broadcastOrThrow('DivNoNan', name, x!, y!) }];
  },
  lower: (b, [x, y]) => {
    const zero = b.scalar(0, y!.dtype);
    const isZero = b.binary('equal', y!, zero);
    // Divide by 1 where y is 0, so no inf/nan is formed at all.
    const safe = b.select(isZero, b.scalar(1, y!.dtype), y!);
    const q = b.binary('div', x!, safe);
    return [b.select(isZero, zero, q)];
  },
});

/** TF's gradient: dx = divNoNan(dy, y), dy' = dy · divNoNan(divNoNan(-x, y), y). */
registerGradient('DivNoNan', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  return binaryGrads(op, divNoNan(dy, y), multiply(dy, divNoNan(divNoNan(negative(x), y), y)));
});

export function divNoNan(x: TensorLike, y: TensorLike, name?: string): Tensor {
  return binaryOp('DivNoNan', x, y, name);
}
