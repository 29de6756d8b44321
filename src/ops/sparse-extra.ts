/**
 * Smaller TF1 functions around sparse data: `tf.sparseMatmul` (TF's SparseMatMul op: a MatMul
 * whose `aIsSparse` / `bIsSparse` are kernel hints, float32 only), `tf.sparseResetShape`,
 * `tf.convertToTensorOrSparseTensor`, `tf.batchScatterUpdate` and `tf.nn.collapseRepeated`, the
 * last three composed as TF 1.15's Python does.
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { RuntimeError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import type { NDArray } from '../ndarray.js';
import type { Variable } from './variables.js';
import { concat, expandDims, onesLike, range, reshape, shape as shapeOf, size, transpose } from './array.js';
import { booleanMask } from './boolean-mask.js';
import { assertEqual, assertLessEqual } from './check-ops.js';
import { type TensorLike, toTensor } from './convert.js';
import { identity as identityOp } from './core.js';
import { unsortedSegmentSum } from './indexed-slices.js';
import { add, cast, logicalAnd, matmul, maximum, multiply, notEqual, reduceMax, reduceSum } from './math.js';
import { defineOp, getOpDef, makeOp, registerGradient } from './registry.js';
import { sequenceMask } from './scan.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';
import { scatterNdUpdate } from './state-scatter.js';
import { index } from './strided-slice.js';

// ----- SparseMatMul ---------------------------------------------------------------------------------
interface SmmAttrs { transposeA: boolean; transposeB: boolean; aIsSparse: boolean; bIsSparse: boolean; [k: string]: unknown }

defineOp<SmmAttrs>({
  type: 'SparseMatMul',
  infer: (ins, a, name) => {
    ins.forEach((t, i) => {
      if (t.dtype !== 'float32') throw new TypeError(`Value passed to parameter '${i ? 'b' : 'a'}' has DataType ${t.dtype} not in list of allowed values: float32, bfloat16`);
      if (t.shape !== null && t.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${t.shape.length} for '${name}' (op: 'SparseMatMul')`);
    });
    return getOpDef('MatMul').infer(ins, { transposeA: a.transposeA, transposeB: a.transposeB }, name);
  },
  lower: (b, [x, y], a) => [b.matmul(x!, y!, a.transposeA, a.transposeB)],
});
registerGradient('SparseMatMul', (op, [g]) => {
  if (!g) return [null, null];
  const [a, b] = op.inputs as [Tensor, Tensor];
  const at = op.attrs as SmmAttrs;
  // TF's heuristic: a gradient coming from a ReluGrad is likely sparse
  const sparse = new Map<Tensor, boolean>([[a, at.aIsSparse], [b, at.bIsSparse], [g, g.op.type === 'ReluGrad']]);
  const mm = (t1: Tensor, t2: Tensor, transposeA = false, transposeB = false): Tensor => {
    const s1 = sparse.get(t1) ?? false;
    const s2 = sparse.get(t2) ?? false;
    if (transposeB) t2 = transpose(t2);
    return s1 || s2
      ? sparseMatmul(t1, t2, { transposeA, aIsSparse: s1, bIsSparse: s2 })
      : matmul(t1, t2, { transposeA });
  };
  const ta = at.transposeA;
  const tb = at.transposeB;
  if (!ta && !tb) return [mm(g, b, false, true), mm(a, g, true)];
  if (!ta && tb) return [mm(g, b), mm(g, a, true)];
  if (ta && !tb) return [mm(b, g, false, true), mm(a, g)];
  return [mm(b, g, true, true), mm(g, a, true, true)];
});
registerExporter(['SparseMatMul'], ({ op, attrs }) => ({
  transpose_a: A.b(!!attrs.transposeA), transpose_b: A.b(!!attrs.transposeB), a_is_sparse: A.b(!!attrs.aIsSparse), b_is_sparse: A.b(!!attrs.bIsSparse),
  Ta: A.type(op.inputs[0]!.dtype), Tb: A.type(op.inputs[1]!.dtype),
}));
RULES.set('SparseMatMul', (c) => make(c, 'SparseMatMul', c.inputs, {
  transposeA: c.attrs.bool('transpose_a', false), transposeB: c.attrs.bool('transpose_b', false),
  aIsSparse: c.attrs.bool('a_is_sparse', false), bIsSparse: c.attrs.bool('b_is_sparse', false),
}));

/**
 * `tf.sparseMatmul(a, b, transposeA = false, transposeB = false, aIsSparse = false, bIsSparse =
 * false, name?)`: the float32 matrix product (TF's SparseMatMul, for operands with many zeros).
 */
export function sparseMatmul(...args: unknown[]): Tensor {
  const o = kwargs(args, ['a', 'b', 'transposeA', 'transposeB', 'aIsSparse', 'bIsSparse', 'name'], 'sparse_matmul', 2);
  const a = toTensor(o.a as TensorLike, 'float32');
  const b = toTensor(o.b as TensorLike, 'float32');
  const attrs: SmmAttrs = { transposeA: !!o.transposeA, transposeB: !!o.transposeB, aIsSparse: !!o.aIsSparse, bIsSparse: !!o.bIsSparse };
  return makeOp(a.graph, 'SparseMatMul', [a, b], attrs, o.name as string | undefined, 'SparseMatMul').outputs[0]!;
}

// ----- sparse_reset_shape ---------------------------------------------------------------------------
const constOf = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);
const asSp = (x: unknown): SparseTensor => {
  if (x instanceof SparseTensor) return x;
  if (x instanceof SparseTensorValue) return SparseTensor.fromValue(x);
  throw new TypeError(`Input must be a SparseTensor. (got ${String(x)})`);
};

/**
 * `tf.sparseResetShape(spInput, newShape?)`: the same entries with dense shape `newShape` (each
 * dimension at least the old one), or without it the tightest shape holding the indices.
 */
export function sparseResetShape(spInput: SparseTensor | SparseTensorValue, newShape?: TensorLike | null | Record<string, unknown>): SparseTensor {
  const o = kwargs([spInput, newShape], ['spInput', 'newShape'], 'sparse_reset_shape', 1);
  const sp = asSp(o.spInput);
  const inIndices = identityOp(sp.indices);
  const inValues = identityOp(sp.values);
  const inShape = identityOp(sp.denseShape);
  if (o.newShape === undefined || o.newShape === null) {
    const low = reduceMax(inIndices, 0);
    const out = maximum(toTensor(0, 'int64'), add(low, onesLike(inShape)));
    return new SparseTensor(inIndices, inValues, out);
  }
  let out = toTensor(o.newShape as TensorLike, 'int64');
  if (out.shape !== null && out.shape.length !== 1) throw new ValueError(`Shape ${pyShape(out.shape)} must have rank 1`);
  if (out.dtype !== 'int64') out = cast(out, 'int64');
  const r = out.shape?.[0] ?? null;
  const r0 = inShape.shape?.[0] ?? null;
  if (r !== null && r0 !== null && r !== r0) throw new ValueError(`Dimensions ${r} and ${r0} are not compatible`);
  const want = constOf(out) ?? (o.newShape instanceof Array ? (o.newShape as number[]) : null);
  const have = sp.shape;
  if (want !== null && have !== null && have.every((d) => d !== null)) {
    if (!(have as number[]).every((d, i) => d <= want[i]!)) {
      throw new ValueError(`Requested new_shape should have dimension sizes >= sp_input.shape.  Found new_shape (${fmt(have as number[])}), sp_input.shape (${fmt(want)}).`);
    }
    return new SparseTensor(inIndices, inValues, out);
  }
  const g = sp.graph;
  const checked = g.controlDependencies([assertEqual(shapeOf(inShape), shapeOf(out))], () => identityOp(out));
  const checked2 = g.controlDependencies([assertLessEqual(inShape, checked)], () => identityOp(checked));
  return new SparseTensor(inIndices, inValues, checked2);
}
const fmt = (v: number[]): string => `[${v.join(' ')}]`;
const pyShape = (s: readonly (number | null)[]): string => `(${s.map((d) => d ?? '?').join(', ')}${s.length === 1 ? ',' : ''})`;

// ----- convert_to_tensor_or_sparse_tensor -----------------------------------------------------------
/**
 * `tf.convertToTensorOrSparseTensor(value, dtype?, name?)`: a SparseTensor (or
 * SparseTensorValue) as a SparseTensor of the requested dtype, anything else as a Tensor.
 */
export function convertToTensorOrSparseTensor(value: unknown, dtype?: DType | string | null | Record<string, unknown>, name?: string | null): Tensor | SparseTensor {
  const o = kwargs([value, dtype, name], ['value', 'dtype', 'name'], 'convert_to_tensor_or_sparse_tensor', 1);
  const d = (o.dtype ?? null) as DType | null;
  const v = o.value;
  if (v instanceof SparseTensorValue) return SparseTensor.fromValue(v);
  if (v instanceof SparseTensor) {
    if (d !== null && d !== v.dtype) throw new RuntimeError(`Sparse dtype: requested = ${d}, actual = ${v.dtype}`);
    return v;
  }
  const t = toTensor(v as TensorLike, d ?? undefined);
  if (d !== null && t.dtype !== d) throw new ValueError(`Tensor conversion requested dtype ${d} for Tensor with dtype ${t.dtype}: ${t}`);
  return t;
}

// ----- batch_scatter_update -------------------------------------------------------------------------
/**
 * `tf.batchScatterUpdate(ref, indices, updates, useLocking = true, name?)`: for indices of shape
 * [..., k], `ref[i0, ..., indices[i0, ..., j]] = updates[i0, ..., j]` (a ScatterNdUpdate with the
 * leading coordinates made explicit, as TF's state_ops.py builds it).
 */
export function batchScatterUpdate(...args: unknown[]): Tensor {
  const o = kwargs(args, ['ref', 'indices', 'updates', 'useLocking', 'name'], 'batch_scatter_update', 3);
  const ref = o.ref as Variable | Tensor;
  const g = ('graph' in ref ? ref.graph : (ref as Tensor).graph);
  return g.nameScope((o.name as string | undefined) ?? null, () => {
    const indices = toTensor(o.indices as TensorLike, Array.isArray(o.indices) ? 'int32' : undefined);
    const nd = indices.shape?.length;
    if (nd === undefined) throw new ValueError('batch_gather does not allow indices with unknown shape.');
    const indicesShape = shapeOf(indices);
    const ndIndices = expandDims(indices, -1);
    const list: Tensor[] = [];
    for (let d = 0; d < nd - 1; d++) {
      const dimSize = index(indicesShape, d);
      const bshape: (number | Tensor)[] = new Array<number>(nd + 1).fill(1);
      bshape[d] = dimSize;
      let r = reshape(range(0, dimSize, 1), bshape as never);
      if (r.dtype !== ndIndices.dtype) r = cast(r, ndIndices.dtype);
      list.push(multiply(r, onesLike(ndIndices)));
    }
    list.push(ndIndices);
    const finalIndices = concat(list, -1);
    return scatterNdUpdate(ref, finalIndices, o.updates as TensorLike, { useLocking: (o.useLocking as boolean | undefined) ?? true });
  });
}

// ----- collapse_repeated ----------------------------------------------------------------------------
/**
 * `tf.nn.collapseRepeated(labels, seqLength, name?)` → `[collapsedLabels, newSeqLength]`: each
 * row of `labels` [batch, maxlen] (its first `seqLength` entries) with runs of a repeated label
 * merged into one, left-aligned and zero-padded to the longest collapsed row.
 */
export function collapseRepeated(labels: TensorLike, seqLength: TensorLike, name?: string | Record<string, unknown>): [Tensor, Tensor] {
  const o = kwargs([labels, seqLength, name], ['labels', 'seqLength', 'name'], 'collapse_repeated', 2);
  const l0 = toTensor(o.labels as TensorLike, Array.isArray(o.labels) ? 'int32' : undefined);
  return l0.graph.nameScope((o.name as string | undefined) ?? 'collapse_repeated_labels', () => {
    const lab = l0;
    const seq = toTensor(o.seqLength as TensorLike, Array.isArray(o.seqLength) ? 'int32' : undefined);
    if (lab.shape !== null && lab.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${lab.shape.length} for labels`);
    // a label is kept when it differs from the previous one, within the sequence
    let labelMask = concat([onesLike(index(lab, ':', ':1'), 'bool'), notEqual(index(lab, ':', '1:'), index(lab, ':', ':-1'))], 1);
    const maxlen = lab.shape?.[1] ?? index(shapeOf(lab), 1);
    const seqMask = sequenceMask(seq, { maxlen });
    labelMask = logicalAnd(labelMask, seqMask);
    const newSeqLen = reduceSum(cast(labelMask, 'int32'), 1);
    const newMaxlen = reduceMax(newSeqLen);
    const idxMask = sequenceMask(newSeqLen, { maxlen: newMaxlen });
    const flatLabels = reshape(lab, [-1]);
    const flatLabelMask = reshape(labelMask, [-1]);
    const flatIdxMask = reshape(idxMask, [-1]);
    const idx = range(0, size(flatIdxMask));
    // TF scatters the kept labels into place with ScatterNd; its positions are distinct, so a segment sum is the same
    const flat = unsortedSegmentSum(booleanMask(flatLabels, flatLabelMask), booleanMask(idx, flatIdxMask), size(flatIdxMask));
    const batch = lab.shape?.[0] ?? index(shapeOf(lab), 0);
    const out = reshape(flat, [batch, newMaxlen] as never);
    return [out, cast(newSeqLen, seq.dtype)];
  });
}
