/**
 * `tf.gatherNd` and `tf.scatterNd`: index tuples over the leading dims, lowered to one flat gather
 * (or scatter-add) over those dims folded into one. An index tuple outside the shape fails the run.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, sizeOf, stridesOf } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

function checkIndices(t: Tensor, type: string): void {
  if (t.dtype !== 'int32' && t.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter 'indices' of '${type}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
  }
}

/**
 * Flat positions [N] of index tuples [N, q] into `dims` (the leading q dims); -1 where a tuple is
 * out of range, which the gather/scatter and row-update steps reject.
 */
export function flatIndex(b: Lower, indices: Val, dims: readonly number[]): Val {
  const q = dims.length;
  const n = sizeOf(indices.shape) / Math.max(q, 1);
  if (q === 0) return b.fill([n], 0, 'int32');
  const idx = b.reshape(b.cast(indices, 'int32'), [n, q]);
  const st = b.constant(new NDArray(Int32Array.from(stridesOf(dims)), [1, q], 'int32'));
  const lin = b.reduce('sum', b.binary('mul', idx, st), [1], false);
  const lo = b.binary('greaterEqual', idx, b.scalar(0, 'int32'));
  const hi = b.binary('less', idx, b.constant(new NDArray(Int32Array.from(dims), [1, q], 'int32')));
  const ok = b.reduce('all', b.binary('logicalAnd', lo, hi), [1], false);
  return b.select(ok, lin, b.scalar(-1, 'int32'));
}

defineOp({
  type: 'GatherNd',
  infer: ([p, idx], _a, name) => {
    checkIndices(idx!, 'GatherNd');
    const ps = p!.shape;
    const is = idx!.shape;
    if (is !== null && is.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, 'GatherNd', [ps, is]);
    if (ps === null || is === null) return [{ dtype: p!.dtype, shape: null }];
    const q = is[is.length - 1]!;
    if (q === null) return [{ dtype: p!.dtype, shape: null }];
    if (q > ps.length) {
      throw shapeFnError(`indices.shape[-1] must be <= params.rank, but saw indices shape: ${`[${is.map((d) => d ?? '?').join(',')}]`} and params shape: [${ps.map((d) => d ?? '?').join(',')}]`, name, 'GatherNd', [ps, is]);
    }
    return [{ dtype: p!.dtype, shape: [...is.slice(0, -1), ...ps.slice(q)] }];
  },
  lower: (b, [p, idx]) => {
    const q = idx!.shape[idx!.shape.length - 1]!;
    const lead = p!.shape.slice(0, q);
    const rest = p!.shape.slice(q);
    const flat = b.reshape(p!, [sizeOf(lead), ...rest]);
    const rows = b.gather(flat, flatIndex(b, idx!, lead), 0);
    return [b.reshape(rows, [...idx!.shape.slice(0, -1), ...rest])];
  },
});
registerGradient('GatherNd', (op, [dy]) => {
  if (!dy) return [null, null];
  const [p, idx] = op.inputs as [Tensor, Tensor];
  return [makeOp(dy.graph, 'ScatterNdLike', [idx, dy, p], {}, undefined, 'ScatterNd').outputs[0]!, null];
});

function scatterNdLower(b: Lower, idx: Val, updates: Val, shape: readonly number[]): Val {
  const q = idx.shape[idx.shape.length - 1]!;
  if (q > shape.length) {
    throw new InvalidArgumentError(`Dimensions [0,${q}) of indices[shape=[${idx.shape.join(',')}]] must match dimensions [0,${q}) of output shape [${shape.join(',')}]`, b.opName);
  }
  const lead = shape.slice(0, q);
  const rest = shape.slice(q);
  const n = sizeOf(idx.shape) / Math.max(q, 1);
  const want = [...idx.shape.slice(0, -1), ...rest];
  if (updates.shape.length !== want.length || updates.shape.some((d, i) => d !== want[i])) {
    throw new InvalidArgumentError(`Must have updates.shape = indices.shape[:batch_dim] + shape[slice_dim:], got updates.shape: [${updates.shape.join(',')}], indices.shape: [${idx.shape.join(',')}], shape: [${shape.join(',')}], slice_dim: ${q}, and batch_dim: ${idx.shape.length - 1}`, b.opName);
  }
  const summed = b.scatterAdd(b.reshape(updates, [n, ...rest]), flatIndex(b, idx, lead), 0, sizeOf(lead));
  return b.reshape(summed, [...shape]);
}

function scatterNdShape(idx: PartialShape, shape: PartialShape, fail: (m: string) => ValueError): PartialShape {
  if (idx !== null && idx.length < 1) throw fail('Shape must be at least rank 1 but is rank 0');
  const q = idx?.[idx.length - 1];
  if (shape !== null && q !== null && q !== undefined && q > shape.length) {
    throw fail(`The outer ${q} dimensions of indices.shape=[${idx!.map((d) => d ?? '?').join(',')}] must match the outer ${q} dimensions of shape=[${shape.map((d) => d ?? '?').join(',')}]`);
  }
  return shape;
}

/** ScatterNd with a static `shape` attr. */
defineOp<{ shape: number[] }>({
  type: 'ScatterNd',
  infer: ([idx, up], a, name) => {
    checkIndices(idx!, 'ScatterNd');
    return [{ dtype: up!.dtype, shape: scatterNdShape(idx!.shape, a.shape, (m) => shapeFnError(m, name, 'ScatterNd', [idx!.shape, up!.shape, [a.shape.length]], [[2, a.shape]])) }];
  },
  lower: (b, [idx, up], a) => [scatterNdLower(b, idx!, up!, a.shape)],
});
/** ScatterNd into the run-time shape of input 2 (the gradient of GatherNd). */
defineOp({
  type: 'ScatterNdLike',
  infer: ([, up, like]) => [{ dtype: up!.dtype, shape: like!.shape }],
  lower: (b, [idx, up, like]) => [scatterNdLower(b, idx!, up!, like!.shape)],
});
for (const t of ['ScatterNd', 'ScatterNdLike']) {
  registerGradient(t, (op, [dy]) => {
    const g = dy ? makeOp(dy.graph, 'GatherNd', [dy, op.inputs[0]!], {}, undefined, 'GatherNd').outputs[0]! : null;
    return op.inputs.map((_, i) => (i === 1 ? g : null));
  });
}

const asIndices = (x: unknown): Tensor => toTensor(x as TensorLike, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined);

/** `tf.gatherNd(params, indices, name?)`: `out[i...] = params[indices[i...]]`, a tuple indexing the leading dims. */
export function gatherNd(params: TensorLike, indices: TensorLike | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([params, indices, name], ['params', 'indices', 'name'], 'gatherNd');
  const p = toTensor(o.params as TensorLike);
  return makeOp(p.graph, 'GatherNd', [p, asIndices(o.indices)], {}, o.name as string | undefined, 'GatherNd').outputs[0]!;
}

/** `tf.scatterNd(indices, updates, shape, name?)`: zeros of `shape` with `updates` summed in at `indices`. */
export function scatterNd(indices: TensorLike, updates: TensorLike | Record<string, unknown>, shape?: readonly number[] | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([indices, updates, shape, name], ['indices', 'updates', 'shape', 'name'], 'scatterNd');
  const u = toTensor(o.updates as TensorLike);
  const s = o.shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) throw new TypeError(`scatterNd: shape must be an array of non-negative integers, got ${JSON.stringify(s)}`);
  return makeOp(u.graph, 'ScatterNd', [asIndices(o.indices), u], { shape: [...(s as number[])] }, o.name as string | undefined, 'ScatterNd').outputs[0]!;
}

