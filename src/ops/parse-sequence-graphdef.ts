/**
 * DecodeCompressed and ParseSingleSequenceExample in GraphDefs as TF 1.15 writes them (TF's
 * inputs, attrs and input order), both ways. TF's ParseSingleSequenceExample takes its keys and
 * context defaults as tensor inputs; one imports where they are constants (what TF's Python
 * builds). tsflow's batched ParseSequenceExample keeps its own attrs.
 */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, foldConst, make } from '../graphdef/import-rules.js';
import { NDArray } from '../ndarray.js';
import type { AttrValue } from '../proto/framework.js';
import type { PartialShape } from '../shape.js';
import type { StringArray } from '../string-array.js';
import { shapeFromProto, shapeToProto } from '../graphdef/tensor-proto.js';

registerExporter(['DecodeCompressed'], ({ attrs }) => ({ compression_type: A.s(String(attrs.compressionType ?? '')) }));
RULES.set('DecodeCompressed', (c) => make(c, 'DecodeCompressed', c.inputs, { compressionType: c.attrs.string('compression_type', '') }));

interface Sparse { key: string; dtype: DType }
interface CtxDense { key: string; shape: number[]; dtype: DType; hasDefault: boolean }
interface ListDense { key: string; shape: number[]; dtype: DType; allowMissing: boolean }

const emptyList = () => ({ s: [], i: [], f: [], b: [], type: [], shape: [], tensor: [], func: [] });
const shapes = (s: PartialShape[]): AttrValue => ({ list: { ...emptyList(), shape: s.map(shapeToProto) } });
const str = (s: string): NDArray => NDArray.fromStrings([s], []);

interface Ctx { op: { inputs: readonly { name: string }[] }; attrs: Record<string, unknown>; inputs: string[]; constInput(suffix: string, v: NDArray): void }

registerExporter(['ParseSingleSequenceExample'], (ctx) => {
  const c = ctx as unknown as Ctx;
  const a = c.attrs as { contextSparse: Sparse[]; contextDense: CtxDense[]; featureListSparse: Sparse[]; featureListDense: ListDense[] } & Record<string, unknown>;
  const debug = c.inputs.splice(1);
  c.constInput('feature_list_dense_missing_assumed_empty', NDArray.fromStrings(a.featureListDense.filter((d) => d.allowMissing).map((d) => d.key)));
  a.contextSparse.forEach((s, i) => c.constInput(`context_sparse_keys_${i}`, str(s.key)));
  a.contextDense.forEach((s, i) => c.constInput(`context_dense_keys_${i}`, str(s.key)));
  a.featureListSparse.forEach((s, i) => c.constInput(`feature_list_sparse_keys_${i}`, str(s.key)));
  a.featureListDense.forEach((s, i) => c.constInput(`feature_list_dense_keys_${i}`, str(s.key)));
  a.contextDense.forEach((s, i) => c.constInput(`context_dense_default_${i}`, s.hasDefault ? (a[`default${i}`] as NDArray) : NDArray.zeros([0], s.dtype)));
  if (debug.length > 0) c.inputs.push(...debug);
  else c.constInput('debug_name', str(''));
  return {
    Ncontext_sparse: A.i(a.contextSparse.length), Ncontext_dense: A.i(a.contextDense.length),
    Nfeature_list_sparse: A.i(a.featureListSparse.length), Nfeature_list_dense: A.i(a.featureListDense.length),
    context_sparse_types: A.types(a.contextSparse.map((s) => s.dtype)), Tcontext_dense: A.types(a.contextDense.map((s) => s.dtype)),
    feature_list_dense_types: A.types(a.featureListDense.map((s) => s.dtype)), context_dense_shapes: shapes(a.contextDense.map((s) => s.shape)),
    feature_list_sparse_types: A.types(a.featureListSparse.map((s) => s.dtype)), feature_list_dense_shapes: shapes(a.featureListDense.map((s) => s.shape)),
  };
});

const dec = new TextDecoder();

RULES.set('ParseSingleSequenceExample', (c) => {
  const n = (k: string) => c.attrs.int(k, 0);
  const [ncs, ncd, nfs, nfd] = [n('Ncontext_sparse'), n('Ncontext_dense'), n('Nfeature_list_sparse'), n('Nfeature_list_dense')];
  const types = (k: string) => (c.node.attr[k]?.list?.type.length ? c.attrs.types(k) : []);
  const shapeList = (k: string) => (c.node.attr[k]?.list?.shape ?? []).map((p) => shapeFromProto(p));
  const fail = (why: string) => new ValueError(`ParseSingleSequenceExample node '${c.node.name}': ${why}, which tsflow does not import`);
  const keyAt = (i: number): string => {
    const v = foldConst(c.inputs[i]!);
    if (!v || v.dtype !== 'string' || v.size !== 1) throw fail(`input ${i} is not a constant key`);
    return dec.decode((v.data as unknown as StringArray)[0]!);
  };
  const full = (s: PartialShape, what: string): number[] => {
    if (s === null || s.some((d) => d === null)) throw fail(`${what} has a shape not fully defined`);
    return s as number[];
  };
  const missing = foldConst(c.inputs[1]!);
  if (!missing || missing.dtype !== 'string') throw fail('feature_list_dense_missing_assumed_empty is not a constant');
  const assumedEmpty = new Set(Array.from(missing.data as unknown as StringArray, (b) => dec.decode(b)));
  let at = 2;
  const keys = (k: number) => Array.from({ length: k }, () => keyAt(at++));
  const [csKeys, cdKeys, fsKeys, fdKeys] = [keys(ncs), keys(ncd), keys(nfs), keys(nfd)];
  const [cst, cdt, fst, fdt] = [types('context_sparse_types'), types('Tcontext_dense'), types('feature_list_sparse_types'), types('feature_list_dense_types')];
  const [cds, fds] = [shapeList('context_dense_shapes'), shapeList('feature_list_dense_shapes')];
  const defaults: Record<string, NDArray> = {};
  const contextDense = cdKeys.map((key, i) => {
    const shape = full(cds[i] ?? null, `context feature ${key}`);
    const d = foldConst(c.inputs[at + i]!);
    if (!d) throw fail(`the default of context feature ${key} is not a constant`);
    if (d.size > 0) defaults[`default${i}`] = new NDArray(d.data as never, shape, d.dtype);
    return { key, shape, dtype: cdt[i]!, hasDefault: d.size > 0 };
  });
  at += ncd;
  const debug = foldConst(c.inputs[at]!);
  const names = debug && debug.dtype === 'string' && debug.size === 1 && (debug.data as unknown as StringArray)[0]!.length === 0 ? [] : [c.inputs[at]!];
  return make(c, 'ParseSingleSequenceExample', [c.inputs[0]!, ...names], {
    contextSparse: csKeys.map((key, i) => ({ key, dtype: cst[i]! })),
    contextDense,
    featureListSparse: fsKeys.map((key, i) => ({ key, dtype: fst[i]! })),
    featureListDense: fdKeys.map((key, i) => ({ key, shape: full(fds[i] ?? null, `feature list ${key}`), dtype: fdt[i]!, allowMissing: assumedEmpty.has(key) })),
    batched: false,
    ...defaults,
  });
});
