/**
 * TF 1.15's gradient wrappers of custom_gradient.py, built on `tf.customGradient`:
 * `tf.gradPassThrough(f)` (f's forward value, the identity's gradient) and `tf.recomputeGrad(f)`
 * (f's forward value; the gradient runs f again, after the incoming gradients are ready, and
 * differentiates that copy, so f's intermediate values need not be kept for the backward pass).
 */
import { controlDependencies } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import type { Variable } from './variables.js';
import type { TensorLike } from './convert.js';
import { customGradient } from './custom-gradient.js';
import { gradients } from './gradients.js';

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

/** Split a customGradient gradFn's arguments into the result gradients and the `{variables}` it may end with. */
function splitArgs(a: unknown[]): { dys: Tensor[]; variables: Variable[] | null } {
  const last = a[a.length - 1];
  if (last !== null && typeof last === 'object' && 'variables' in (last as object) && !('op' in (last as object))) {
    return { dys: a.slice(0, -1) as Tensor[], variables: (last as { variables: Variable[] }).variables };
  }
  return { dys: a as Tensor[], variables: null };
}

/**
 * `tf.gradPassThrough(f)`: a function computing `f(...xs)` whose gradient is the incoming one,
 * unchanged, for each input (f must return one tensor per input, of the inputs' shapes); the
 * variables f reads get no gradient.
 */
export function gradPassThrough(f: Fn): (...xs: TensorLike[]) => Tensor | Tensor[] {
  if (typeof f !== 'function') throw new TypeError(`gradPassThrough expects a function, got ${String(f)}`);
  return customGradient((...xs: Tensor[]) => {
    const grad = (...a: unknown[]) => {
      const { dys, variables } = splitArgs(a);
      return variables !== null ? ([dys, variables.map(() => null)] as [Tensor[], null[]]) : dys;
    };
    return [f(...xs), grad];
  });
}

/**
 * `tf.recomputeGrad(f)`: a function computing `f(...xs)`; its gradient builds f again under a
 * control dependency on the incoming gradients and takes tf.gradients of that copy with respect
 * to the inputs (and the variables f reads).
 */
export function recomputeGrad(f: Fn): (...xs: TensorLike[]) => Tensor | Tensor[] {
  if (typeof f !== 'function') throw new TypeError(`recomputeGrad expects a function, got ${String(f)}`);
  return customGradient((...xs: Tensor[]) => {
    const result = f(...xs);
    const grad = (...a: unknown[]) => {
      const { dys, variables } = splitArgs(a);
      const again = controlDependencies(dys, () => f(...xs));
      const ys = Array.isArray(again) ? again : [again];
      const targets = [...xs, ...(variables ?? [])];
      const g = gradients(ys, targets as never, dys) as (Tensor | null)[];
      const dxs = g.slice(0, xs.length);
      return variables !== null ? ([dxs, g.slice(xs.length)] as [(Tensor | null)[], (Tensor | null)[]]) : dxs;
    };
    return [result, grad];
  });
}
