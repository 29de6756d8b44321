/**
 * Sparse optimizer updates (TF's SparseApply* and ScatterSub): the gradient is IndexedSlices
 * rows `grad` at `indices`. Repeated indices are summed first (TF1's
 * `_deduplicate_indexed_slices`), then only the rows named in `indices` are updated with the
 * dense rule of the same optimizer; all other rows of the variable and its slots keep their
 * values. Where there are fewer indices than rows, the update reads the looked-up rows, computes
 * their new values and writes them into the variable and slots in place after the run
 * (`Lower.assignRows`): O(indices × row) per step, whatever the variable's size. Otherwise it is
 * computed over the whole variable and masked to the rows.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { Lower, Val } from '../ops/lower.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { cShape, pyShape, sizeOf } from '../shape.js';
import { APPLY_SPECS, type ApplySpec } from './apply-ops.js';
// ScatterSub (GradientDescent's sparse update) and the other scatter ops on variables
import '../ops/state-scatter.js';

/** Summed rows as a dense tensor shaped like `like`, and a [rows, 1, …] mask of the rows touched. */
function rowsOf(b: Lower, like: Val, grad: Val, indices: Val): { dense: Val; touched: Val } {
  const n = like.shape[0]!;
  const nIdx = sizeOf(indices.shape);
  const rest = like.shape.slice(1);
  const values = b.reshape(grad, [nIdx, ...rest]);
  const idx = b.reshape(indices, [nIdx]);
  const dense = b.scatterAdd(values, idx, 0, n);
  const counts = b.scatterAdd(b.fill([nIdx], 1, like.dtype), idx, 0, n);
  const touched = b.reshape(b.binary('greater', counts, b.scalar(0, like.dtype)), [n, ...rest.map(() => 1)]);
  return { dense, touched };
}

/**
 * The sparse path's rows: `idx` [n] int32 and `summed` [n, ...rest], each row the sum of the
 * rows of `grad` at the same index (in index order, as the dense path sums them).
 */
function summedRows(b: Lower, like: Val, grad: Val, indices: Val): { idx: Val; summed: Val } {
  const nIdx = sizeOf(indices.shape);
  const values = b.reshape(grad, [nIdx, ...like.shape.slice(1)]);
  const idx = b.cast(b.reshape(indices, [nIdx]), 'int32');
  const first = b.firstIndex(idx, like.shape[0]!);
  return { idx, summed: b.gather(b.scatterAdd(values, first, 0, nIdx), first, 0) };
}

/** Whether the row-wise path is the cheaper one: fewer indices than rows. */
const rowWise = (v: Val, indices: Val): boolean => sizeOf(indices.shape) < v.shape[0]!;

function checkRows(b: Lower, v: Val, grad: Val, indices: Val): void {
  const r = indices.shape.length;
  const rest = v.shape.slice(1);
  const ok = grad.shape.length === r + rest.length && grad.shape.slice(r).every((d, i) => d === rest[i]) && grad.shape.slice(0, r).every((d, i) => d === indices.shape[i]);
  if (v.shape.length === 0 || !ok) {
    throw new InvalidArgumentError(`var and grad do not have the same shape${cShape([...v.shape])} ${cShape([...grad.shape])}`, b.opName);
  }
}

/** Where `indices` sits among a sparse op's inputs: right after `grad`, as in TF's op definitions. */
function indicesAt(spec: ApplySpec): number {
  const gi = spec.args.findIndex((n) => n === 'grad' || n === 'delta');
  return spec.refs.length + gi + 1;
}

/**
 * `Sparse<dense type>`: inputs are the dense op's refs and args with `indices` right after
 * `grad` (TF's order: SparseApplyFtrl(var, accum, linear, grad, indices, lr, …)).
 */
export function defineSparseApply(denseType: string): void {
  const spec = APPLY_SPECS.get(denseType)!;
  const type = `Sparse${denseType}`;
  const nRefs = spec.refs.length;
  const at = indicesAt(spec);
  const split = <T>(ins: readonly T[]): { rest: T[]; indices: T } => ({ rest: [...ins.slice(0, at), ...ins.slice(at + 1)], indices: ins[at]! });
  defineOp<Record<string, unknown>>({
    type,
    stateful: true,
    infer: (ins, _a, name) => {
      const { rest, indices } = split(ins);
      const v = rest[0]!;
      if (indices.dtype !== 'int32' && indices.dtype !== 'int64') {
        throw new TypeError(`Value passed to parameter 'indices' has DataType ${indices.dtype} not in list of allowed values: int32, int64`);
      }
      rest.forEach((t, i) => {
        const what = i < nRefs ? spec.refs[i]! : spec.args[i - nRefs]!;
        if (i < nRefs && t.op.type !== 'VariableV2') throw new TypeError(`'${name}' needs a Variable as its input '${what}', got ${t.name}`);
        if (spec.int64Args?.includes(what)) {
          if (t.dtype !== 'int64') throw new TypeError(`Input '${what}' of '${type}' Op has type ${t.dtype} that does not match expected type of int64.`);
        } else if (t.dtype !== v.dtype) {
          throw new TypeError(`Input '${what}' of '${type}' Op has type ${t.dtype} that does not match type ${v.dtype} of argument 'var'.`);
        }
      });
      const grad = rest[at - 1]!;
      const vs = v.shape;
      const gs = grad.shape;
      if (vs && gs && vs.length > 0 && gs.length > 0 && (gs.length !== vs.length || gs.slice(1).some((d, i) => d !== null && vs[i + 1] !== null && d !== vs[i + 1]))) {
        throw new ValueError(`Shapes ${pyShape(vs.slice(1))} and ${pyShape(gs.slice(1))} are incompatible for '${name}' (op: '${type}')`);
      }
      return [{ dtype: v.dtype, shape: v.shape }];
    },
    lower: (b, ins, a) => {
      const { rest, indices } = split(ins);
      const refs = rest.slice(0, nRefs);
      const named: Record<string, Val> = {};
      spec.args.forEach((n, i) => (named[n] = rest[nRefs + i]!));
      const gname = spec.args[at - 1 - nRefs]!;
      const grad = named[gname]!;
      checkRows(b, refs[0]!, grad, indices);
      for (const n of spec.args) {
        if (n !== gname && named[n]!.shape.length !== 0) throw new InvalidArgumentError(`${n} is not a scalar: ${cShape([...named[n]!.shape])}`, b.opName);
      }
      if (rowWise(refs[0]!, indices)) {
        const { idx, summed } = summedRows(b, refs[0]!, grad, indices);
        const rows = refs.map((r) => b.gather(r, idx, 0));
        let first = refs[0]!;
        for (const [i, nv] of spec.update(b, rows, { ...named, [gname]: summed }, a)) {
          const assigned = b.assignRows(refs[i]!, idx, nv);
          if (i === 0) first = assigned;
        }
        return [first];
      }
      const { dense, touched } = rowsOf(b, refs[0]!, grad, indices);
      let out = refs[0]!;
      for (const [i, nv] of spec.update(b, refs, { ...named, [gname]: dense }, a)) {
        const assigned = b.assign(refs[i]!, b.select(touched, nv, refs[i]!));
        if (i === 0) out = assigned;
      }
      return [out];
    },
  });
  registerGradient(type, null);
}

for (const t of ['ApplyMomentum', 'ApplyAdagrad', 'ApplyRMSProp', 'ApplyCenteredRMSProp', 'ApplyFtrl', 'ApplyFtrlV2']) defineSparseApply(t);

/** A sparse update op: `refs` are variable refs, `args` the dense op's other inputs (grad = the rows); `indices` goes after grad. */
export function sparseApplyOp(type: string, refs: Tensor[], args: Tensor[], indices: Tensor, attrs: Record<string, unknown> = {}): Tensor {
  const at = indicesAt(APPLY_SPECS.get(type.slice('Sparse'.length))!);
  const all = [...refs, ...args];
  all.splice(at, 0, indices);
  return makeOp(refs[0]!.graph, type, all, attrs, undefined, type).outputs[0]!;
}
