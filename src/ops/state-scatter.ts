/**
 * TF1's scatter ops on variables (state_ops): `tf.scatterUpdate`, `scatterAdd`, `scatterSub`,
 * `scatterMul`, `scatterDiv`, `scatterMax`, `scatterMin`, `scatterNdUpdate`, `scatterNdAdd`,
 * `scatterNdSub`. Each reads the rows it names, combines the updates of repeated indices once
 * (add/sub: summed in index order; mul/div: multiplied; max/min; update: the last one wins, as
 * TF's CPU kernel applies them in order) and writes only those rows into the variable
 * (`Lower.assignRows`), so a step costs O(indices × row). The output is the variable's new
 * value; an index out of range fails the run with TF's text and changes nothing.
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, cShape, sizeOf } from '../shape.js';
import { mergeOrError, shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { flatIndex } from './scatter-nd.js';
import { Variable } from './variables.js';

/** TF's `numbertypes`. */
const NUMBER = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8', 'quint8', 'qint32', 'bfloat16', 'uint16', 'complex128', 'float16', 'uint32', 'uint64'];
const MINMAX = ['float16', 'bfloat16', 'float32', 'float64', 'int32', 'int64'];

type Kind = 'update' | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';
const KINDS: [string, Kind, readonly string[] | null][] = [
  ['ScatterUpdate', 'update', null], ['ScatterAdd', 'add', NUMBER], ['ScatterSub', 'sub', NUMBER],
  ['ScatterMul', 'mul', NUMBER], ['ScatterDiv', 'div', NUMBER], ['ScatterMax', 'max', MINMAX], ['ScatterMin', 'min', MINMAX],
];
const ND_KINDS: [string, Kind, readonly string[] | null][] = [
  ['ScatterNdUpdate', 'update', null], ['ScatterNdAdd', 'add', NUMBER], ['ScatterNdSub', 'sub', NUMBER],
];

function checkInputs(type: string, name: string, ref: Tensor, indices: Tensor, updates: Tensor, allowed: readonly string[] | null): void {
  if (ref.op.type !== 'VariableV2') throw new TypeError(`'${name}' needs a Variable as its first input, got ${ref.name}`);
  if (allowed && !allowed.includes(ref.dtype)) {
    throw new TypeError(`Value passed to parameter 'ref' has DataType ${ref.dtype} not in list of allowed values: ${allowed.join(', ')}`);
  }
  if (indices.dtype !== 'int32' && indices.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter 'indices' has DataType ${indices.dtype} not in list of allowed values: int32, int64`);
  }
  if (updates.dtype !== ref.dtype) {
    throw new TypeError(`Input 'updates' of '${type}' Op has type ${updates.dtype} that does not match type ${ref.dtype} of argument 'ref'.`);
  }
}

/** Positions [n] of the last occurrence of each index: firstIndex over the reversed indices. */
function lastIndex(b: Lower, idx: Val, axisSize: number): Val {
  const n = idx.shape[0]!;
  const rev = (x: Val): Val => b.prim('copy', { outShape: [n], inStrides: [-1], inOffset: n - 1 }, [x], [{ dtype: 'int32', shape: [n] }])[0]!;
  // reversed position p ↔ original position n-1-p
  return rev(b.binary('sub', b.scalar(n - 1, 'int32'), b.firstIndex(rev(idx), axisSize)));
}

/**
 * The new value of `ref` ([N, ...rest]) after the `kind` update with rows `u` [n, ...rest] at
 * int32 `idx` [n]: rows combined per index, applied to the gathered rows, written in place.
 */
function applyRows(b: Lower, kind: Kind, ref: Val, idx: Val, u: Val, flat: Val = ref): Val {
  const big = flat.shape[0]!;
  const n = idx.shape[0]!;
  const first = b.firstIndex(idx, big);
  if (kind === 'update') return b.assignRows(ref, idx, b.gather(u, lastIndex(b, idx, big), 0));
  const fn = kind === 'add' || kind === 'sub' ? 'sum' : kind === 'mul' || kind === 'div' ? 'prod' : kind;
  const combined = b.gather(b.scatterAdd(u, first, 0, n, fn), first, 0);
  const rows = b.gather(flat, idx, 0);
  const op = kind === 'add' ? 'add' : kind === 'sub' ? 'sub' : kind === 'mul' ? 'mul' : kind === 'div' ? 'div' : kind === 'max' ? 'maximum' : 'minimum';
  return b.assignRows(ref, idx, b.binary(op, rows, combined));
}

for (const [type, kind, allowed] of KINDS) {
  defineOp<{ useLocking?: boolean }>({
    type,
    stateful: true,
    infer: ([ref, indices, updates], _a, name) => {
      checkInputs(type, name, ref!, indices!, updates!, allowed);
      const rs = ref!.shape;
      const is = indices!.shape;
      const us = updates!.shape;
      if (rs !== null && rs.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, type, [rs, is, us]);
      if (rs !== null && is !== null && us !== null && us.length > 0) {
        const m = mergeOrError(us, [...is, ...rs.slice(1)]);
        if (typeof m === 'string') throw shapeFnError(m, name, type, [rs, is, us]);
      }
      return [{ dtype: ref!.dtype, shape: rs }];
    },
    lower: (b, [ref, indices, updates]) => {
      const n = sizeOf(indices!.shape);
      const rest = ref!.shape.slice(1);
      const want = [...indices!.shape, ...rest];
      const scalar = updates!.shape.length === 0;
      if (!scalar && (updates!.shape.length !== want.length || updates!.shape.some((d, i) => d !== want[i]))) {
        throw new InvalidArgumentError(
          `Must have updates.shape = indices.shape + params.shape[1:] or updates.shape = [], got updates.shape ${cShape([...updates!.shape])}, indices.shape ${cShape([...indices!.shape])}, params.shape ${cShape([...ref!.shape])}`,
          b.opName,
        );
      }
      const u = scalar ? b.broadcastTo(updates!, [n, ...rest]) : b.reshape(updates!, [n, ...rest]);
      return [applyRows(b, kind, ref!, b.cast(b.reshape(indices!, [n]), 'int32'), u)];
    },
  });
  registerGradient(type, null);
}


function ndShape(type: string, name: string, rs: PartialShape, is: PartialShape, us: PartialShape): void {
  const shapes = [rs, is, us];
  if (is !== null && is.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, type, shapes);
  const q = is?.[is.length - 1];
  if (rs === null || is === null || q === null || q === undefined) return;
  if (q > rs.length) {
    throw shapeFnError(`The outer ${q} dimensions of indices.shape=${cShape(is)} must match the outer ${q} dimensions of shape=${cShape(rs)}`, name, type, shapes);
  }
  if (us !== null) {
    const m = mergeOrError(us, [...is.slice(0, -1), ...rs.slice(q)]);
    if (typeof m === 'string') {
      throw shapeFnError(`Dimensions [${is.length - 1},${us.length}) of updates[shape=${cShape(us)}] = ${cShape(us.slice(is.length - 1))} must match dimensions [${q},${rs.length}) of input[shape=${cShape(rs)}] = ${cShape(rs.slice(q))}`, name, type, shapes);
    }
  }
}

for (const [type, kind, allowed] of ND_KINDS) {
  defineOp<{ useLocking?: boolean }>({
    type,
    stateful: true,
    infer: ([ref, indices, updates], _a, name) => {
      checkInputs(type, name, ref!, indices!, updates!, allowed);
      ndShape(type, name, ref!.shape, indices!.shape, updates!.shape);
      return [{ dtype: ref!.dtype, shape: ref!.shape }];
    },
    lower: (b, [ref, indices, updates]) => {
      const q = indices!.shape[indices!.shape.length - 1]!;
      const shape = ref!.shape;
      const lead = shape.slice(0, q);
      const rest = shape.slice(q);
      const n = sizeOf(indices!.shape) / Math.max(q, 1);
      const want = [...indices!.shape.slice(0, -1), ...rest];
      if (q > shape.length || updates!.shape.length !== want.length || updates!.shape.some((d, i) => d !== want[i])) {
        throw new InvalidArgumentError(
          `Must have updates.shape = indices.shape[:batch_dim] + params_shape[slice_dim:], got updates.shape: ${cShape([...updates!.shape])}, indices.shape: ${cShape([...indices!.shape])}, params_shape: ${cShape([...shape])}, slice_dim: ${q}, and batch_dim: ${indices!.shape.length - 1}`,
          b.opName,
        );
      }
      const flat = b.reshape(ref!, [sizeOf(lead), ...rest]);
      return [applyRows(b, kind, ref!, flatIndex(b, indices!, lead), b.reshape(updates!, [n, ...rest]), flat)];
    },
  });
  registerGradient(type, null);
}

const SCATTER_NAMES = ['ref', 'indices', 'updates', 'useLocking', 'name'] as const;
const asIndices = (x: unknown): Tensor => toTensor(x as TensorLike, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined);

type ScatterArgs = [ref: Variable | Tensor, indices: TensorLike, updates: TensorLike, useLocking?: boolean | null, name?: string | null];
type ScatterOpts = { useLocking?: boolean | null; name?: string | null };

function scatterOp(type: string, where: string, args: unknown[]): Tensor {
  const o = kwargs(args, SCATTER_NAMES, where, 3);
  const ref = o.ref;
  const r = ref instanceof Variable ? ref.ref : (ref as Tensor);
  if (!r || typeof r !== 'object' || !('op' in r) || r.op.type !== 'VariableV2') throw new TypeError(`${where}(): ref must be a Variable, got ${String(ref)}`);
  if (o.useLocking !== undefined && o.useLocking !== null && typeof o.useLocking !== 'boolean') throw new TypeError(`${where}(): use_locking must be a bool, got ${String(o.useLocking)}`);
  const u = toTensor(o.updates as TensorLike, r.dtype as DType);
  // use_locking is accepted for TF1's signature; runs in one session are ordered anyway
  const attrs = { useLocking: (o.useLocking as boolean | null | undefined) ?? (type.endsWith('Update') ? true : false) };
  return makeOp(r.graph, type, [r, asIndices(o.indices), u], attrs, (o.name ?? undefined) as string | undefined, type).outputs[0]!;
}

type F = (...args: ScatterArgs | [...ScatterArgs, ScatterOpts] | [Variable | Tensor, TensorLike, TensorLike, ScatterOpts]) => Tensor;
const make = (type: string, where: string): F => (...args) => scatterOp(type, where, args);

/** `tf.scatter_update(ref, indices, updates, use_locking=True, name=None)`: `ref[indices] = updates`. */
export const scatterUpdate: F = make('ScatterUpdate', 'scatterUpdate');
/** `tf.scatter_add(ref, indices, updates, use_locking=False, name=None)`: `ref[indices] += updates`. */
export const scatterAdd: F = make('ScatterAdd', 'scatterAdd');
/** `tf.scatter_sub(...)`: `ref[indices] -= updates`. */
export const scatterSub: F = make('ScatterSub', 'scatterSub');
/** `tf.scatter_mul(...)`: `ref[indices] *= updates`. */
export const scatterMul: F = make('ScatterMul', 'scatterMul');
/** `tf.scatter_div(...)`: `ref[indices] /= updates`. */
export const scatterDiv: F = make('ScatterDiv', 'scatterDiv');
/** `tf.scatter_max(...)`: `ref[indices] = max(ref[indices], updates)`. */
export const scatterMax: F = make('ScatterMax', 'scatterMax');
/** `tf.scatter_min(...)`: `ref[indices] = min(ref[indices], updates)`. */
export const scatterMin: F = make('ScatterMin', 'scatterMin');
/** `tf.scatter_nd_update(ref, indices, updates, use_locking=True, name=None)`: index tuples over the leading dims. */
export const scatterNdUpdate: F = make('ScatterNdUpdate', 'scatterNdUpdate');
/** `tf.scatter_nd_add(ref, indices, updates, use_locking=False, name=None)`. */
export const scatterNdAdd: F = make('ScatterNdAdd', 'scatterNdAdd');
/** `tf.scatter_nd_sub(ref, indices, updates, use_locking=False, name=None)`. */
export const scatterNdSub: F = make('ScatterNdSub', 'scatterNdSub');
