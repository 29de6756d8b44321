/**
 * `tf.hessians(ys, xs, name='hessians', colocate_gradients_with_ops=False, gate_gradients=False,
 * aggregation_method=None)`: TF 1.15's composition, per x the gradients of each element of
 * the (flattened) first gradient, stacked and reshaped to shape(x) ++ shape(x). TF loops over
 * the elements with a while_loop; tsflow builds the same gradients once per element (x's size
 * must be known when the graph is built), which gives the same values.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { reshape, slice, stack, zerosLike } from './array.js';
import type { TensorLike } from './convert.js';
import { type Gradient, gradients } from './gradients.js';
import { densify } from './indexed-slices.js';

type XLike = TensorLike | { ref: Tensor };

/** `tf.hessians(ys, xs, name?, colocateGradientsWithOps?, gateGradients?, aggregationMethod?)`: one Hessian per x. */
export function hessians(ys: TensorLike | TensorLike[], xs: XLike | XLike[], ...rest: unknown[]): Tensor[] {
  const a = kwargs([ys, xs, ...rest], ['ys', 'xs', 'name', 'colocateGradientsWithOps', 'gateGradients', 'aggregationMethod'], 'hessians', 2);
  const xList = (Array.isArray(a.xs) ? a.xs : [a.xs]) as XLike[];
  const opts = {
    colocateGradientsWithOps: (a.colocateGradientsWithOps ?? false) as boolean,
    gateGradients: (a.gateGradients ?? false) as boolean,
    aggregationMethod: (a.aggregationMethod ?? null) as number | null,
  };
  const first = gradients(a.ys as TensorLike | TensorLike[], xList, null, opts);
  return first.map((g0: Gradient | null, i) => {
    const x0 = xList[i]!;
    const x = x0 instanceof Tensor ? x0 : typeof x0 === 'object' && x0 !== null && 'ref' in x0 ? x0.ref : null;
    if (g0 === null) throw new ValueError('None values not supported.');
    const gradient = reshape(densify(g0), [-1]);
    const shape = g0.shape ?? x?.shape ?? null;
    if (shape === null || shape.some((d) => d === null)) {
      throw new ValueError(`hessians needs the shape of each x known when the graph is built, got ${shape === null ? '<unknown>' : `[${shape.map((d) => d ?? '?').join(',')}]`}`);
    }
    const dims = shape as number[];
    const n = dims.reduce((p, d) => p * d, 1);
    const rows: Tensor[] = [];
    for (let j = 0; j < n; j++) {
      const gj = reshape(slice(gradient, [j], [1]), []);
      const h = gradients(gj, [xList[i]!], null, opts)[0];
      // an element of the gradient that does not depend on x (a linear y) has zero second derivatives
      rows.push(h === null || h === undefined ? zerosLike(gradient) : reshape(densify(h), [-1]));
    }
    const hessian = n === 0 ? reshape(gradient, [0, 0]) : stack(rows);
    return reshape(hessian, [...dims, ...dims]);
  });
}
