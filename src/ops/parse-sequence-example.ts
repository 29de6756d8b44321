/**
 * `tf.io.parseSingleSequenceExample` and `tf.io.parseSequenceExample`: tf.train.SequenceExample
 * protos into a context dict (FixedLenFeature → Tensor, VarLenFeature → SparseTensor) and a
 * feature_list dict (FixedLenSequenceFeature → Tensor `[T, ...shape]`, VarLenFeature →
 * SparseTensor with `[time, index]` indices), with TF's op types, output order, checks and
 * error texts (TF's FastParseSequenceExample). Host-stage ops: their output shapes come from
 * the bytes.
 */
import { type DType, StringArray, arrayCtor } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { decode } from '../proto/codec.js';
import { type FeatureMsg, type SequenceExampleMsg, SequenceExampleT } from '../proto/example.js';
import { registerHostOp } from '../session/host-stage.js';
import { type OutSpec } from './registry.js';
import { sizeOf } from '../shape.js';
import { type TensorLike, toNDArray, toTensor } from './convert.js';
import { FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, varLenOutputs } from './parsing.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { SparseTensor } from './sparse-tensor.js';
import './parse-sequence-graphdef.js';

interface SparseSpec { key: string; dtype: DType }
interface ContextDenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null }
/** A context dense spec as an attr: its default is the attr `default<i>` (an NDArray attr exports as a tensor). */
type ContextDenseAttr = Omit<ContextDenseSpec, 'dflt'> & { hasDefault: boolean };
interface ListDenseSpec { key: string; shape: number[]; dtype: DType; allowMissing: boolean }
interface SeqAttrs {
  contextSparse: SparseSpec[];
  contextDense: ContextDenseAttr[];
  featureListSparse: SparseSpec[];
  featureListDense: ListDenseSpec[];
  batched: boolean;
  [k: string]: unknown;
}

type Spec = FixedLenFeature | FixedLenSequenceFeature | VarLenFeature;
const TF_TYPE: Record<string, string> = { float32: 'float', int64: 'int64', string: 'string' };
const kindOf = (f: FeatureMsg): string | null => (f.floatList ? 'float' : f.int64List ? 'int64' : f.bytesList ? 'string' : null);
const valuesOf = (f: FeatureMsg): ArrayLike<unknown> => f.floatList?.value ?? f.int64List?.value ?? f.bytesList?.value ?? [];
const describe = (f: Spec): string => `${f.constructor.name}(${JSON.stringify(f)})`;

function outArray(dtype: DType, n: number): unknown[] {
  if (dtype === 'string') {
    const a = new StringArray(n);
    for (let i = 0; i < n; i++) a[i] = new Uint8Array(0);
    return a as unknown as unknown[];
  }
  return new (arrayCtor(dtype))(n) as unknown as unknown[];
}
const nd = (data: unknown[], shape: number[], dtype: DType) => new NDArray(data as never, shape, dtype);
const int64s = (v: number[], shape: number[]) => new NDArray(Float64Array.from(v) as never, shape, 'int64');

interface Parsed { context: Record<string, FeatureMsg>; lists: Record<string, { feature: FeatureMsg[] }> }

function sequenceParse(op: Operation, serialized: NDArray, names: NDArray | undefined, a: SeqAttrs): NDArray[] {
  const contextDense: ContextDenseSpec[] = a.contextDense.map((c, i) => ({ key: c.key, shape: c.shape, dtype: c.dtype, dflt: c.hasDefault ? (a[`default${i}`] as NDArray) : null }));
  const fail = (msg: string) => new InvalidArgumentError(msg, op.name);
  if (serialized.shape.length !== (a.batched ? 1 : 0)) throw fail(`Expected serialized to be a ${a.batched ? 'vector' : 'scalar'}, got shape: [${serialized.shape.join(',')}]`);
  const rows = serialized.data as unknown as StringArray;
  const n = a.batched ? serialized.size : 1;
  const nameList = names && names.size > 0 ? Array.from(names.data as unknown as StringArray, (b) => new TextDecoder().decode(b)) : [];
  if (nameList.length > 0 && nameList.length !== n) throw fail('example_names must be empty or have the correct number of elements');
  const exName = (e: number): string => (nameList.length === 0 ? '<unknown>' : nameList[e]!);

  const exs: Parsed[] = [];
  for (let e = 0; e < n; e++) {
    let m: SequenceExampleMsg;
    try {
      m = decode<SequenceExampleMsg>(SequenceExampleT, rows[e]!);
    } catch {
      throw fail(`Invalid protocol message input, example id: ${exName(e)}`);
    }
    exs.push({ context: m.context?.feature ?? {}, lists: m.featureLists?.featureList ?? {} });
  }

  // Type checks over every example first, as TF scans lengths before filling any output.
  for (const c of [...a.contextSparse, ...a.contextDense]) {
    exs.forEach((x, e) => {
      const f = x.context[c.key];
      const k = f && kindOf(f);
      if (k && k !== TF_TYPE[c.dtype]) throw fail(`Name: ${exName(e)}, Context feature: ${c.key}.  Data types don't match. Expected type: ${TF_TYPE[c.dtype]}`);
    });
  }
  for (const c of [...a.featureListSparse, ...a.featureListDense]) {
    exs.forEach((x, e) => {
      (x.lists[c.key]?.feature ?? []).forEach((f, row) => {
        const k = kindOf(f);
        if (k && k !== TF_TYPE[c.dtype]) throw fail(`Name: ${exName(e)}, Feature list: ${c.key}, Index: ${row}.  Data types don't match. Expected type: ${TF_TYPE[c.dtype]}`);
      });
    });
  }

  const ctxDense = contextDense.map((c) => {
    const expected = sizeOf(c.shape);
    let longest = c.dflt ? c.dflt.size : 0;
    for (const x of exs) {
      const f = x.context[c.key];
      if (f && kindOf(f)) longest = Math.max(longest, valuesOf(f).length);
    }
    if (longest !== expected) throw fail(`Inconsistent max number of elements for feature ${c.key}: expected ${expected}, but found ${longest}`);
    const out = outArray(c.dtype, n * expected);
    exs.forEach((x, e) => {
      const f = x.context[c.key];
      let vals: ArrayLike<unknown>;
      if (!f) {
        if (!c.dflt) throw fail(`Feature: ${c.key} (data type: ${TF_TYPE[c.dtype]}) is required but could not be found.`);
        vals = c.dflt.data as ArrayLike<unknown>;
      } else vals = kindOf(f) ? valuesOf(f) : [];
      if (vals.length !== expected) throw fail(`Unexpected number of elements in example ${exName(e)}`);
      for (let i = 0; i < expected; i++) out[e * expected + i] = vals[i];
    });
    return nd(out, a.batched ? [n, ...c.shape] : c.shape, c.dtype);
  });

  const ctxSparse = a.contextSparse.map((c) => varLenOutputs(exs.map((x) => x.context[c.key]), c.dtype, a.batched));

  const lengths: NDArray[] = [];
  const listDense = a.featureListDense.map((c) => {
    const per = sizeOf(c.shape);
    let longest = 0;
    for (const x of exs) {
      let total = 0;
      for (const f of x.lists[c.key]?.feature ?? []) total += kindOf(f) ? valuesOf(f).length : 0;
      longest = Math.max(longest, total);
    }
    if (per === 0 ? longest !== 0 : longest % per !== 0) {
      throw fail(`Feature list '${c.key}' has an unexpected number of values.  Total values size: ${longest} is not consistent with output shape: [?${c.shape.map((d) => `,${d}`).join('')}]`);
    }
    const maxRows = per === 0 ? Math.max(0, ...exs.map((x) => x.lists[c.key]?.feature.length ?? 0)) : longest / per;
    const stride = maxRows * per;
    const out = outArray(c.dtype, n * stride);
    const len: number[] = [];
    exs.forEach((x, e) => {
      const list = x.lists[c.key];
      if (!list && !c.allowMissing) {
        throw fail(`Name: ${exName(e)}, Feature list '${c.key}' is required but could not be found.  Did you mean to include it in feature_list_dense_missing_assumed_empty or feature_list_dense_defaults?`);
      }
      let off = e * stride;
      (list?.feature ?? []).forEach((f, row) => {
        const v = kindOf(f) ? valuesOf(f) : [];
        if (v.length !== per) throw fail(`Name: ${exName(e)}, Key: ${c.key}, Index: ${row}.  Number of values != expected.  values size: ${v.length} but output shape: [${c.shape.join(',')}]`);
        for (let i = 0; i < per; i++) out[off++] = v[i];
      });
      len.push(list?.feature.length ?? 0);
    });
    lengths.push(int64s(len, [n]));
    return nd(out, a.batched ? [n, maxRows, ...c.shape] : [maxRows, ...c.shape], c.dtype);
  });

  const listSparse = a.featureListSparse.map((c) => {
    const idx: number[] = [];
    const vals: unknown[] = [];
    let maxRows = 0;
    let maxCols = 0;
    exs.forEach((x, e) => {
      const list = x.lists[c.key];
      if (!list || list.feature.length === 0) return;
      list.feature.forEach((f, row) => {
        const v = kindOf(f) ? valuesOf(f) : [];
        maxCols = Math.max(maxCols, v.length);
        for (let i = 0; i < v.length; i++) {
          if (a.batched) idx.push(e);
          idx.push(row, i);
          vals.push(v[i]);
        }
      });
      maxRows = Math.max(maxRows, list.feature.length);
    });
    const out = outArray(c.dtype, vals.length);
    vals.forEach((v, i) => (out[i] = v));
    const r = a.batched ? 3 : 2;
    return [int64s(idx, [vals.length, r]), nd(out, [vals.length], c.dtype), int64s(a.batched ? [n, maxRows, maxCols] : [maxRows, maxCols], [r])];
  });

  return [
    ...ctxSparse.map((s) => s[0]!), ...ctxSparse.map((s) => s[1]!), ...ctxSparse.map((s) => s[2]!), ...ctxDense,
    ...listSparse.map((s) => s[0]!), ...listSparse.map((s) => s[1]!), ...listSparse.map((s) => s[2]!), ...listDense,
    ...(a.batched ? lengths : []),
  ];
}

for (const type of ['ParseSingleSequenceExample', 'ParseSequenceExample'] as const) {
  defineOp<SeqAttrs>({
    type,
    infer: (ins, a) => {
      const s = ins[0]!;
      if (s.dtype !== 'string') throw new TypeError(`Value passed to parameter 'serialized' has DataType ${s.dtype} not in list of allowed values: string`);
      const want = a.batched ? 1 : 0;
      if (s.shape !== null && s.shape.length !== want) throw new ValueError(`Shape must be rank ${want} but is rank ${s.shape.length} for '${type}' (serialized)`);
      const b: (number | null)[] = a.batched ? [s.shape?.[0] ?? null] : [];
      const sparse = (list: SparseSpec[], rank: number): OutSpec[] => [
        ...list.map(() => ({ dtype: 'int64' as DType, shape: [null, rank] })),
        ...list.map((c) => ({ dtype: c.dtype, shape: [null] })),
        ...list.map(() => ({ dtype: 'int64' as DType, shape: [rank] })),
      ];
      return [
        ...sparse(a.contextSparse, a.batched ? 2 : 1),
        ...a.contextDense.map((c) => ({ dtype: c.dtype, shape: [...b, ...c.shape] })),
        ...sparse(a.featureListSparse, a.batched ? 3 : 2),
        ...a.featureListDense.map((c) => ({ dtype: c.dtype, shape: [...b, null, ...c.shape] })),
        ...(a.batched ? a.featureListDense.map(() => ({ dtype: 'int64' as DType, shape: b })) : []),
      ];
    },
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    return sequenceParse(op, ins[0]!, ins[1], op.attrs as SeqAttrs);
  });
}

type Features = Record<string, Spec> | null | undefined;

function contextSpecs(features: Features): { sparse: SparseSpec[]; dense: ContextDenseSpec[] } {
  const sparse: SparseSpec[] = [];
  const dense: ContextDenseSpec[] = [];
  for (const key of Object.keys(features ?? {}).sort()) {
    const f = features![key]!;
    if (f instanceof VarLenFeature) sparse.push({ key, dtype: f.dtype });
    else if (f instanceof FixedLenFeature) {
      let dflt: NDArray | null = null;
      if (f.defaultValue !== null) {
        const size = sizeOf(f.shape);
        dflt = toNDArray(f.defaultValue as never, f.dtype);
        if (dflt.size === 1 && size !== 1) {
          const out = outArray(f.dtype, size);
          for (let i = 0; i < size; i++) out[i] = dflt.data[0];
          dflt = nd(out, f.shape, f.dtype);
        }
        if (dflt.size !== size) throw new ValueError(`Shapes (${dflt.shape.join(', ')}) and (${f.shape.join(', ')}) are incompatible (default_value of ${key})`);
      }
      dense.push({ key, shape: f.shape, dtype: f.dtype, dflt });
    } else throw new ValueError(`Unsupported ${(f as object)?.constructor?.name ?? typeof f} ${describe(f)}.`);
  }
  return { sparse, dense };
}

function featureListSpecs(features: Features): { sparse: SparseSpec[]; dense: ListDenseSpec[] } {
  const sparse: SparseSpec[] = [];
  const dense: ListDenseSpec[] = [];
  for (const key of Object.keys(features ?? {}).sort()) {
    const f = features![key]!;
    if (f instanceof VarLenFeature) sparse.push({ key, dtype: f.dtype });
    else if (f instanceof FixedLenSequenceFeature) {
      if (f.defaultValue !== null) throw new ValueError(`Value feature_list.dense_defaults[${key}] must be None`);
      dense.push({ key, shape: f.shape, dtype: f.dtype, allowMissing: f.allowMissing });
    } else throw new ValueError(`Unsupported ${(f as object)?.constructor?.name ?? typeof f} ${describe(f)}.`);
  }
  return { sparse, dense };
}

interface SeqOutputs { context: Record<string, Tensor | SparseTensor>; featureLists: Record<string, Tensor | SparseTensor>; lengths: Record<string, Tensor> }

function build(type: 'ParseSingleSequenceExample' | 'ParseSequenceExample', serialized: TensorLike, contextFeatures: Features, sequenceFeatures: Features, names: TensorLike | null | undefined, name: string | undefined): SeqOutputs {
  if (Object.keys(contextFeatures ?? {}).length === 0 && Object.keys(sequenceFeatures ?? {}).length === 0) throw new ValueError('Missing features.');
  const ctx = contextSpecs(contextFeatures);
  const fl = featureListSpecs(sequenceFeatures);
  const s = toTensor(serialized, 'string');
  const ins = [s];
  if (names !== null && names !== undefined) ins.push(toTensor(names, 'string'));
  const batched = type === 'ParseSequenceExample';
  const defaults = Object.fromEntries(ctx.dense.flatMap((c, i) => (c.dflt ? [[`default${i}`, c.dflt]] : [])));
  const contextDense = ctx.dense.map(({ dflt, ...c }) => ({ ...c, hasDefault: dflt !== null }));
  const op = makeOp(s.graph ?? getDefaultGraph(), type, ins, { contextSparse: ctx.sparse, contextDense, featureListSparse: fl.sparse, featureListDense: fl.dense, batched, ...defaults }, name, type);
  const o = op.outputs;
  let i = 0;
  const take = (k: number) => o.slice(i, (i += k));
  const sparseOf = (list: SparseSpec[]) => {
    const [ix, v, sh] = [take(list.length), take(list.length), take(list.length)];
    return list.map((c, j) => [c.key, new SparseTensor(ix[j]!, v[j]!, sh[j]!)] as const);
  };
  const cs = sparseOf(ctx.sparse);
  const cd = take(ctx.dense.length).map((t, j) => [ctx.dense[j]!.key, t] as const);
  const ls = sparseOf(fl.sparse);
  const ld = take(fl.dense.length).map((t, j) => [fl.dense[j]!.key, t] as const);
  const lens = batched ? take(fl.dense.length).map((t, j) => [fl.dense[j]!.key, t] as const) : [];
  return { context: Object.fromEntries([...cs, ...cd]), featureLists: Object.fromEntries([...ls, ...ld]), lengths: Object.fromEntries(lens) };
}

interface SingleOpts { contextFeatures?: Features; sequenceFeatures?: Features; exampleName?: TensorLike | null; name?: string }
interface BatchOpts { contextFeatures?: Features; sequenceFeatures?: Features; exampleNames?: TensorLike | null; name?: string }
const isOpts = (x: unknown): boolean => typeof x === 'object' && x !== null && ['contextFeatures', 'sequenceFeatures', 'exampleName', 'exampleNames', 'name'].some((k) => k in x) && !Object.values(x).some((v) => v instanceof FixedLenFeature || v instanceof FixedLenSequenceFeature || v instanceof VarLenFeature);

/**
 * `tf.io.parseSingleSequenceExample(serialized, contextFeatures?, sequenceFeatures?,
 * exampleName?, name?)`: a scalar serialized SequenceExample → `[context, featureLists]`.
 */
export function parseSingleSequenceExample(
  serialized: TensorLike, contextFeatures?: Features | SingleOpts, sequenceFeatures?: Features | SingleOpts,
  exampleName?: TensorLike | null | SingleOpts, name?: string | SingleOpts,
): [Record<string, Tensor | SparseTensor>, Record<string, Tensor | SparseTensor>] {
  const args = [contextFeatures, sequenceFeatures, exampleName, name];
  const at = args.findIndex((x) => x !== undefined && isOpts(x));
  const o: SingleOpts = at >= 0 ? (args[at] as SingleOpts) : {};
  const pos = at >= 0 ? args.slice(0, at) : args;
  const r = build('ParseSingleSequenceExample', serialized, (pos[0] as Features) ?? o.contextFeatures, (pos[1] as Features) ?? o.sequenceFeatures, (pos[2] as TensorLike) ?? o.exampleName, (pos[3] as string) ?? o.name);
  return [r.context, r.featureLists];
}

/**
 * `tf.io.parseSequenceExample(serialized, contextFeatures?, sequenceFeatures?, exampleNames?,
 * name?)`: a vector of serialized SequenceExamples → `[context, featureLists, lengths]`, dense
 * feature lists padded to the longest (0 or ''), `lengths[key]` each example's row count.
 */
export function parseSequenceExample(
  serialized: TensorLike, contextFeatures?: Features | BatchOpts, sequenceFeatures?: Features | BatchOpts,
  exampleNames?: TensorLike | null | BatchOpts, name?: string | BatchOpts,
): [Record<string, Tensor | SparseTensor>, Record<string, Tensor | SparseTensor>, Record<string, Tensor>] {
  const args = [contextFeatures, sequenceFeatures, exampleNames, name];
  const at = args.findIndex((x) => x !== undefined && isOpts(x));
  const o: BatchOpts = at >= 0 ? (args[at] as BatchOpts) : {};
  const pos = at >= 0 ? args.slice(0, at) : args;
  const r = build('ParseSequenceExample', serialized, (pos[0] as Features) ?? o.contextFeatures, (pos[1] as Features) ?? o.sequenceFeatures, (pos[2] as TensorLike) ?? o.exampleNames, (pos[3] as string) ?? o.name);
  return [r.context, r.featureLists, r.lengths];
}
