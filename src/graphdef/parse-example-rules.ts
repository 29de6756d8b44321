/**
 * TF's ParseExample and ParseSingleExample nodes as tf.io.parseExample / parseSingleExample ops
 * when their keys and defaults are constants (what TF's Python and TF Serving's graphs hold),
 * sparse (VarLen) features included; any other ParseExample imports as an opaque op
 * (opaque-ops.ts). Both export in TF 1.15's form: ParseExample with its keys and defaults as
 * inputs, ParseSingleExample with its keys as attrs.
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { AttrValue } from '../proto/framework.js';
import type { StringArray } from '../string-array.js';
import { A, registerExporter } from './export.js';
import { type ImportCtx, RULES, foldConst, make } from './import-rules.js';
import { OPAQUE_RULES } from './opaque-ops.js';
import { shapeToProto } from './tensor-proto.js';

interface DenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null; seq?: boolean }
interface SparseSpec { key: string; dtype: DType }

const dec = new TextDecoder();

/** A constant input, through the Reshape TF's parse_example puts on a given default value. */
function constOf(t: Tensor): NDArray | null {
  if (t.op.type === 'Reshape' && t.shape !== null && t.shape.every((d) => d !== null)) {
    const v = foldConst(t.op.inputs[0]!);
    const shape = t.shape as number[];
    return v && v.size === shape.reduce((a, b) => a * b, 1) ? new NDArray(v.data as never, shape, v.dtype) : null;
  }
  return foldConst(t);
}

/** A dense spec of TF's dense_shapes[i], Tdense[i] and default value; null when tsflow cannot parse it. */
function spec(key: string, shape: (number | null)[] | null, dtype: DType, dflt: NDArray | null): DenseSpec | null {
  if (shape === null || dflt === null) return null;
  const seq = shape.length > 0 && shape[0] === null;
  const rest = seq ? shape.slice(1) : shape;
  if (rest.some((d) => d === null)) return null;
  const s = rest as number[];
  if (seq) return dflt.size === 1 ? { key, shape: s, dtype, dflt, seq: true } : null;
  return { key, shape: s, dtype, dflt: dflt.size === 0 ? null : dflt };
}

function denseShapes(c: ImportCtx): ((number | null)[] | null)[] {
  const v = c.node.attr.dense_shapes?.list?.shape ?? [];
  return v.map((p) => (p.unknownRank ? null : p.dim.map((d) => (d.size < 0 ? null : d.size))));
}

const types = (c: ImportCtx, k: string): DType[] => (c.node.attr[k]?.list?.type.length ? c.attrs.types(k) : []);
/** A constant string scalar input's value; null when it is not one. */
function keyOf(t: Tensor): string | null {
  const k = foldConst(t);
  return k && k.dtype === 'string' && k.size === 1 ? dec.decode((k.data as unknown as StringArray)[0]!) : null;
}

function parseExampleRule(c: ImportCtx) {
  const ns = c.attrs.int('Nsparse');
  const nd = c.attrs.int('Ndense');
  const tdense = types(c, 'Tdense');
  const tsparse = types(c, 'sparse_types');
  const shapes = denseShapes(c);
  let dense: (DenseSpec | null)[] = [];
  let sparse: (SparseSpec | null)[] = [];
  if (c.inputs.length === 2 + ns + 2 * nd && tsparse.length === ns) {
    sparse = Array.from({ length: ns }, (_, i) => {
      const key = keyOf(c.inputs[2 + i]!);
      return key === null ? null : { key, dtype: tsparse[i]! };
    });
    dense = Array.from({ length: nd }, (_, i) => {
      const key = keyOf(c.inputs[2 + ns + i]!);
      return key === null ? null : spec(key, shapes[i] ?? null, tdense[i]!, constOf(c.inputs[2 + ns + nd + i]!));
    });
  }
  // tsflow's op takes a vector of examples; TF builds over a scalar too (its kernel then fails).
  const rank = c.inputs[0]!.shape?.length;
  if (sparse.length !== ns || sparse.some((d) => d === null) || dense.length !== nd || dense.some((d) => d === null) || (rank !== undefined && rank !== 1)) return OPAQUE_RULES.get('ParseExample')!(c);
  return make(c, 'ParseExample', [c.inputs[0]!], { sparse, dense, batched: true });
}

function parseSingleExampleRule(c: ImportCtx) {
  const keys = (c.node.attr.dense_keys?.list?.s ?? []).map((b) => dec.decode(b));
  const tdense = types(c, 'Tdense');
  const shapes = denseShapes(c);
  const dense = keys.map((k, i) => spec(k, shapes[i] ?? null, tdense[i]!, c.inputs[1 + i] ? constOf(c.inputs[1 + i]!) : null));
  const sparseKeys = (c.node.attr.sparse_keys?.list?.s ?? []).map((b) => dec.decode(b));
  const tsparse = types(c, 'sparse_types');
  if (dense.some((d) => d === null)) throw new Error(`ParseSingleExample node '${c.node.name}' has non-constant defaults or shapes not fully defined, which tsflow does not import`);
  if (sparseKeys.length !== c.attrs.int('num_sparse', 0) || tsparse.length !== sparseKeys.length) throw new Error(`ParseSingleExample node '${c.node.name}': num_sparse, sparse_keys and sparse_types disagree`);
  const sparse = sparseKeys.map((key, i) => ({ key, dtype: tsparse[i]! }));
  return make(c, 'ParseSingleExample', [c.inputs[0]!], { sparse, dense, batched: false });
}

// ----- export ------------------------------------------------------------------------------
interface ExportCtx { attrs: Record<string, unknown>; constInput(suffix: string, v: NDArray): void }
const emptyList = () => ({ s: [], i: [], f: [], b: [], type: [], shape: [], tensor: [], func: [] });
const shapesAttr = (d: DenseSpec[]): AttrValue => ({ list: { ...emptyList(), shape: d.map((s) => shapeToProto(s.seq ? [null, ...s.shape] : s.shape)) } });
const strScalar = (v: string): NDArray => NDArray.fromStrings([v], []);
function denseDefault(s: DenseSpec): NDArray {
  // A sequence feature's default is its scalar padding value; a fixed one's is empty when required.
  if (s.seq) return s.dflt ? new NDArray(s.dflt.data.subarray(0, 1) as never, [], s.dtype) : s.dtype === 'string' ? strScalar('') : new NDArray((s.dtype === 'int64' ? Float64Array.of(0) : Float32Array.of(0)) as never, [], s.dtype);
  return s.dflt ? new NDArray(s.dflt.data as never, s.shape, s.dtype) : NDArray.zeros([0], s.dtype);
}
const specsOf = (c: ExportCtx) => ({ sparse: (c.attrs.sparse as SparseSpec[] | undefined) ?? [], dense: c.attrs.dense as DenseSpec[] });

registerExporter(['ParseExample'], (ctx) => {
  const c = ctx as unknown as ExportCtx;
  const { sparse, dense } = specsOf(c);
  c.constInput('names', NDArray.fromStrings([], [0]));
  sparse.forEach((s, i) => c.constInput(`sparse_keys_${i}`, strScalar(s.key)));
  dense.forEach((s, i) => c.constInput(`dense_keys_${i}`, strScalar(s.key)));
  dense.forEach((s) => c.constInput('Const', denseDefault(s)));
  return { Nsparse: A.i(sparse.length), Ndense: A.i(dense.length), sparse_types: A.types(sparse.map((s) => s.dtype)), Tdense: A.types(dense.map((s) => s.dtype)), dense_shapes: shapesAttr(dense) };
});
registerExporter(['ParseSingleExample'], (ctx) => {
  const c = ctx as unknown as ExportCtx;
  const { sparse, dense } = specsOf(c);
  dense.forEach((s) => c.constInput('Const', denseDefault(s)));
  return {
    num_sparse: A.i(sparse.length), sparse_keys: A.strs(sparse.map((s) => s.key)), dense_keys: A.strs(dense.map((s) => s.key)), sparse_types: A.types(sparse.map((s) => s.dtype)),
    Tdense: A.types(dense.map((s) => s.dtype)), dense_shapes: shapesAttr(dense),
  };
});

RULES.set('ParseExample', parseExampleRule);
RULES.set('ParseSingleExample', parseSingleExampleRule);
