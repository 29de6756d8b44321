/**
 * `tf.tensorScatterUpdate/Add/Sub` (also `tf.tensorScatterNd*`): a copy of a tensor with index
 * tuples' slices replaced, added to or subtracted from (TF's TensorScatter* ops, lowered onto
 * scatter-nd's flat positions); `tf.batchGather` (TF 1.15's composition: a gather over the
 * batch dims folded into one); `tf.searchsorted` (TF's LowerBound / UpperBound: for each value,
 * how many sorted entries are below it, counted on the device); `tf.parallelStack` (TF's
 * ParallelConcat, which has no gradient).
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, cShape, sizeOf } from '../shape.js';
import { expandDims, gather, reshape, shapeFnError, zerosLike } from './array.js';
import { identity } from './core.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { negative } from './math.js';
import { defineOp, makeOp, registerGradient, registerNoGradient } from './registry.js';
import { flatIndex, gatherNd } from './scatter-nd.js';

const asInt = (x: TensorLike, name: string): Tensor => toTensor(x, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined, name);
const dims = (s: PartialShape): string => (s === null ? '<unknown>' : `[${s.map((d) => d ?? '?').join(',')}]`);

type ScatterKind = 'Update' | 'Add' | 'Sub';
for (const kind of ['Update', 'Add', 'Sub'] as ScatterKind[]) {
  const type = `TensorScatter${kind}`;
  defineOp({
    type,
    infer: ([t, idx, up], _a, name) => {
      if (idx!.dtype !== 'int32' && idx!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'indices' has DataType ${idx!.dtype} not in list of allowed values: int32, int64`);
      if (up!.dtype !== t!.dtype) throw new TypeError(`Input 'updates' of '${type}' Op has type ${up!.dtype} that does not match type ${t!.dtype} of argument 'tensor'.`);
      const ts = t!.shape;
      const is = idx!.shape;
      const us = up!.shape;
      const shapes = [ts, is, us];
      if (is !== null && is.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, type, shapes);
      if (ts !== null && is !== null && us !== null) {
        const q = is[is.length - 1];
        if (q !== null && q !== undefined) {
          if (q > ts.length) throw shapeFnError(`Index innermost dimension length must be <= tensor rank; saw: ${q} vs. ${ts.length}`, name, type, shapes);
          const want = [...is.slice(0, -1), ...ts.slice(q)];
          const ok = want.length === us.length && want.every((d, i) => d === null || us[i] === null || d === us[i]);
          if (!ok) throw shapeFnError(`Must have updates.shape = indices.shape[:batch_dim] + shape[slice_dim:], got updates.shape: ${dims(us)}, indices.shape: ${dims(is)}, shape: ${dims(ts)}, slice_dim: ${q}, and batch_dim: ${is.length - 1}`, name, type, shapes);
        }
      }
      return [{ dtype: t!.dtype, shape: ts }];
    },
    lower: (b, [t, idx, up]) => [tensorScatter(b, kind, t!, idx!, up!)],
  });
}

function tensorScatter(b: Lower, kind: ScatterKind, t: Val, idx: Val, up: Val): Val {
  const q = idx.shape[idx.shape.length - 1]!;
  const shape = t.shape;
  if (q > shape.length) throw new InvalidArgumentError(`Index innermost dimension length must be <= tensor rank; saw: ${q} vs. ${shape.length}`, b.opName);
  const lead = shape.slice(0, q);
  const rest = shape.slice(q);
  const n = sizeOf(idx.shape) / Math.max(q, 1);
  const want = [...idx.shape.slice(0, -1), ...rest];
  if (up.shape.length !== want.length || up.shape.some((d, i) => d !== want[i])) {
    throw new InvalidArgumentError(`Must have updates.shape = indices.shape[:batch_dim] + shape[slice_dim:], got updates.shape: ${cShape([...up.shape])}, indices.shape: ${cShape([...idx.shape])}, shape: ${cShape([...shape])}, slice_dim: ${q}, and batch_dim: ${idx.shape.length - 1}`, b.opName);
  }
  const rows = sizeOf(lead);
  const flatT = b.reshape(t, [rows, ...rest]);
  const flatU = b.reshape(up, [n, ...rest]);
  const pos = flatIndex(b, idx, lead);
  if (kind !== 'Update') {
    const summed = b.scatterAdd(flatU, pos, 0, rows);
    return b.reshape(b.binary(kind === 'Add' ? 'add' : 'sub', flatT, summed), [...shape]);
  }
  // The last update naming a position wins: its 1-based number, combined by max (0: none).
  const order = b.range(n, 1, 1, 'int32');
  const last = b.scatterAdd(order, pos, 0, rows, 'max');
  const src = b.binary('maximum', b.binary('sub', last, b.scalar(1, 'int32')), b.scalar(0, 'int32'));
  const picked = n === 0 ? b.fill([rows, ...rest], 0, t.dtype) : b.gather(flatU, src, 0);
  const named = b.reshape(b.binary('greater', last, b.scalar(0, 'int32')), [rows, ...rest.map(() => 1)]);
  return b.reshape(b.select(b.broadcastTo(named, [rows, ...rest]), picked, flatT), [...shape]);
}

// TF 1.15 array_grad.py: _TensorScatterUpdateGrad / AddGrad / SubGrad.
registerGradient('TensorScatterUpdate', (op, [dy]) => {
  if (!dy) return [null, null, null];
  const idx = op.inputs[1]!;
  return [tensorScatterUpdate(identity(dy), idx, zerosLike(op.inputs[2]!, dy.dtype)), null, gatherNd(dy, idx)];
});
registerGradient('TensorScatterAdd', (op, [dy]) => (dy ? [identity(dy), null, gatherNd(dy, op.inputs[1]!)] : [null, null, null]));
registerGradient('TensorScatterSub', (op, [dy]) => (dy ? [identity(dy), null, negative(gatherNd(dy, op.inputs[1]!))] : [null, null, null]));

function scatterOp(kind: ScatterKind, where: string, args: unknown[]): Tensor {
  const o = kwargs(args, ['tensor', 'indices', 'updates', 'name'], where, 3);
  const t = toTensor(o.tensor as TensorLike, undefined, 'tensor');
  const u = toTensor(o.updates as TensorLike, t.dtype, 'updates');
  return makeOp(t.graph, `TensorScatter${kind}`, [t, asInt(o.indices as TensorLike, 'indices'), u], {}, o.name as string | undefined, `TensorScatter${kind}`).outputs[0]!;
}
type ScatterFn = (tensor: TensorLike, indices: TensorLike, updates: TensorLike | Record<string, unknown>, name?: string | Record<string, unknown>) => Tensor;
/** `tf.tensorScatterUpdate(tensor, indices, updates, name?)`: `tensor` with the slices at `indices` replaced (the last of repeated indices wins). */
export const tensorScatterUpdate: ScatterFn = (...a) => scatterOp('Update', 'tensorScatterUpdate', a);
/** `tf.tensorScatterAdd(tensor, indices, updates, name?)`: `tensor` with `updates` added at `indices` (repeats add up). */
export const tensorScatterAdd: ScatterFn = (...a) => scatterOp('Add', 'tensorScatterAdd', a);
/** `tf.tensorScatterSub(tensor, indices, updates, name?)`. */
export const tensorScatterSub: ScatterFn = (...a) => scatterOp('Sub', 'tensorScatterSub', a);
/** TF's `tensor_scatter_nd_update` spelling. */
export const tensorScatterNdUpdate = tensorScatterUpdate;
/** TF's `tensor_scatter_nd_add` spelling. */
export const tensorScatterNdAdd = tensorScatterAdd;
/** TF's `tensor_scatter_nd_sub` spelling. */
export const tensorScatterNdSub = tensorScatterSub;

// ----- batchGather ---------------------------------------------------------------------------------
/**
 * `tf.batchGather(params, indices, name?)`: `out[b..., i] = params[b..., indices[b..., i]]` over the
 * leading `rank(indices) - 1` dims (TF 1.15's `_batch_gather`: one gather over the batch dims
 * folded into one); differentiable in `params` through gather.
 */
export function batchGather(params: TensorLike, indices: TensorLike | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([params, indices, name], ['params', 'indices', 'name'], 'batchGather', 2);
  const p = toTensor(o.params as TensorLike, undefined, 'params');
  const idx = asInt(o.indices as TensorLike, 'indices');
  return p.graph.nameScope((o.name as string | undefined) ?? 'BatchGather', () => {
    const is = idx.shape;
    if (is === null) throw new ValueError('batch_gather does not allow indices with unknown shape.');
    const ps = p.shape;
    const bd = is.length - 1;
    if (ps === null || ps.slice(0, bd + 1).some((d) => d === null) || is.some((d) => d === null)) {
      throw new ValueError('batchGather needs the static shape of indices and of the batch dims of params');
    }
    if (ps.length < bd + 1) throw new ValueError(`batch_gather: params rank ${ps.length} is lower than indices rank ${is.length}`);
    for (let i = 0; i < bd; i++) {
      if (ps[i] !== is[i]) throw new ValueError(`Dimension ${i} in both shapes must be equal, but are ${ps[i]} and ${is[i]}. Shapes are ${cShape(ps.slice(0, bd))} and ${cShape(is.slice(0, bd))}.`);
    }
    // offsets of each batch row in params folded to [prod(batch dims) * dim, ...]
    const batch = is.slice(0, bd) as number[];
    const axis = ps[bd] as number;
    const nb = sizeOf(batch);
    const per = is[bd] as number;
    const offs = new Int32Array(nb * per);
    for (let b = 0; b < nb; b++) for (let i = 0; i < per; i++) offs[b * per + i] = b * axis;
    const flatIdx = makeOp(p.graph, 'Add', [reshape(idx.dtype === 'int32' ? idx : makeOp(p.graph, 'Cast', [idx], { DstT: 'int32' }, undefined, 'Cast').outputs[0]!, [-1]), toTensor(new NDArray(offs, [offs.length], 'int32'))], {}, undefined, 'add').outputs[0]!;
    const flatP = reshape(p, [nb * axis, ...ps.slice(bd + 1).map((d) => d ?? -1)] as never);
    return reshape(gather(flatP, flatIdx), [...(is as number[]), ...ps.slice(bd + 1).map((d) => d ?? -1)] as never);
  });
}

// ----- searchsorted (LowerBound / UpperBound) ------------------------------------------------------
for (const type of ['LowerBound', 'UpperBound']) {
  defineOp<{ outType: DType }>({
    type,
    infer: ([s, v], a, name) => {
      if (s!.dtype !== v!.dtype) throw new TypeError(`Input 'values' of '${type}' Op has type ${v!.dtype} that does not match type ${s!.dtype} of argument 'sorted_inputs'.`);
      for (const x of [s!.shape, v!.shape]) if (x !== null && x.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${x.length}`, name, type, [s!.shape, v!.shape]);
      return [{ dtype: a.outType, shape: v!.shape }];
    },
    lower: (b, [s, v], a) => {
      if (s!.shape[0] !== v!.shape[0]) throw new InvalidArgumentError('Leading dim_size of both tensors must match.', b.opName);
      const [bs, n] = s!.shape as [number, number];
      const m = v!.shape[1]!;
      const below = b.binary(type === 'LowerBound' ? 'less' : 'lessEqual', b.reshape(s!, [bs, 1, n]), b.reshape(v!, [bs, m, 1]));
      const count = b.reduce('sum', b.cast(below, 'int32'), [2], false);
      return [a.outType === 'int32' ? count : b.cast(count, a.outType)];
    },
  });
}

/**
 * `tf.searchsorted(sortedSequence, values, side = 'left', outType = tf.int32, name?)`: for each
 * value, the index where it would be inserted into its row of the sorted sequence (`'left'`: before
 * equal entries, `'right'`: after them); leading dims must match.
 */
export function searchsorted(
  sortedSequence: TensorLike, values: TensorLike, side?: string | Record<string, unknown>, outType?: DType | string | Record<string, unknown>, name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([sortedSequence, values, side, outType, name], ['sortedSequence', 'values', 'side', 'outType', 'name'], 'searchsorted', 2);
  const s = toTensor(o.sortedSequence as TensorLike, undefined, 'sorted_sequence');
  const v = toTensor(o.values as TensorLike, s.dtype, 'values');
  const sd = (o.side as string | undefined) ?? 'left';
  if (sd !== 'left' && sd !== 'right') throw new ValueError(`side must be either 'right' or 'left'.  Saw: ${sd}.`);
  const ot = o.outType === undefined || o.outType === null ? 'int32' : parseDType(o.outType);
  return s.graph.nameScope((o.name as string | undefined) ?? 'searchsorted', () => {
    if (s.shape === null || v.shape === null || s.shape[s.shape.length - 1] === null || v.shape[v.shape.length - 1] === null) {
      throw new ValueError('searchsorted needs the static last dims of sorted_sequence and values');
    }
    const n = s.shape[s.shape.length - 1] as number;
    const m = v.shape[v.shape.length - 1] as number;
    const s2 = reshape(s, [-1, n]);
    const v2 = reshape(v, [-1, m]);
    const out = makeOp(s.graph, sd === 'right' ? 'UpperBound' : 'LowerBound', [s2, v2], { outType: ot }, undefined, sd === 'right' ? 'UpperBound' : 'LowerBound').outputs[0]!;
    return reshape(out, v.shape.map((d) => d ?? -1) as never);
  });
}

// ----- parallelStack (ParallelConcat) --------------------------------------------------------------
defineOp<{ shape: number[] }>({
  type: 'ParallelConcat',
  infer: (ins, a, name) => {
    for (const t of ins) {
      const s = t.shape;
      if (s !== null && (s.length !== a.shape.length || s[0] !== 1 || s.slice(1).some((d, i) => d !== null && d !== a.shape[i + 1]))) {
        throw shapeFnError(`All input shapes must be fully defined and match [1, ${a.shape.slice(1).join(', ')}]`, name, 'ParallelConcat', ins.map((x) => x.shape));
      }
    }
    return [{ dtype: ins[0]!.dtype, shape: a.shape }];
  },
  lower: (b, ins, a) => {
    for (const v of ins) {
      if (v.shape[0] !== 1 || v.shape.length !== a.shape.length || v.shape.some((d, i) => i > 0 && d !== a.shape[i])) {
        throw new InvalidArgumentError(`Input shape ${cShape([...v.shape])} does not match the expected [1${a.shape.slice(1).map((d) => `,${d}`).join('')}]`, b.opName);
      }
    }
    return [b.concat(ins, 0)];
  },
});

/** `tf.parallelStack(values, name = 'parallel_stack')`: stacks tensors of one fully defined shape along a new first axis; not differentiable (as TF's ParallelConcat). */
export function parallelStack(values: TensorLike[], name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([values, name], ['values', 'name'], 'parallelStack', 1);
  const vs = (o.values as TensorLike[]).map((v) => toTensor(v));
  if (vs.length === 0) throw new ValueError("List argument 'values' to 'ParallelConcat' Op with length 0 shorter than minimum length 1.");
  const s = vs[0]!.shape;
  if (s === null || s.some((d) => d === null)) throw new ValueError(`parallel_stack needs a fully defined shape, got ${s === null ? '<unknown>' : dims(s)}`);
  return vs[0]!.graph.nameScope((o.name as string | undefined) ?? 'parallel_stack', () => {
    const ex = vs.map((v) => expandDims(v, 0));
    return makeOp(vs[0]!.graph, 'ParallelConcat', ex, { shape: [vs.length, ...(s as number[])] }, undefined, 'ParallelConcat').outputs[0]!;
  });
}

// Not differentiable, as TF declares them; ParallelConcat has no gradient
for (const t of ['LowerBound', 'UpperBound']) registerGradient(t, null);
registerNoGradient('ParallelConcat');
