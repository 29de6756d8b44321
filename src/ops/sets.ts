/**
 * `tf.sets` (TF 1.15's sets_impl.py over gen_set_ops): SetSize, DenseToDenseSetOperation,
 * DenseToSparseSetOperation and SparseToSparseSetOperation. The last dimension of each input
 * holds the sets, the others index them; a result is a SparseTensor whose last dimension holds
 * each result set sorted ascending (strings by their bytes), of dense shape [group dims...,
 * largest result set]. Like TF's CPU kernels (set_kernels.cc), these run on the host, with TF's
 * checks and texts; none is differentiable.
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InternalError, InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, sizeOf } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { makeOp, registerGradient } from './registry.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';

const VALID: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'string'];
const dtypeRepr = (d: DType): string => `<dtype: '${d}'>`;

type Key = number | string;

/** The elements of `a` as set keys: numbers, or strings as their bytes (one char per byte, so < orders as bytes). */
function keysOf(a: NDArray): Key[] {
  if (a.dtype === 'string') {
    return Array.from(a.data as ArrayLike<unknown>, (v) => {
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : (v as Uint8Array);
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    });
  }
  return Array.from(valuesOf(a));
}
const cmp = (x: Key, y: Key): number => (x < y ? -1 : x > y ? 1 : 0);

function valuesArray(keys: Key[], dtype: DType): NDArray {
  if (dtype === 'string') {
    return NDArray.fromStrings(keys.map((k) => {
      const s = k as string;
      const b = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
      return b;
    }));
  }
  return arrayOf(keys as number[], [keys.length], dtype);
}

type SetOp = 'a-b' | 'b-a' | 'intersection' | 'union';
function setOperationOf(s: string, opName: string): SetOp {
  const l = s.toLowerCase();
  if (l === 'a-b' || l === 'b-a' || l === 'intersection' || l === 'union') return l;
  throw new InvalidArgumentError(`Invalid set_operation ${l}.`, opName);
}
function apply(op: SetOp, a: Set<Key>, b: Set<Key>): Key[] {
  let out: Key[];
  if (op === 'a-b') out = [...a].filter((k) => !b.has(k));
  else if (op === 'b-a') out = [...b].filter((k) => !a.has(k));
  else if (op === 'intersection') out = [...a].filter((k) => b.has(k));
  else out = [...new Set([...a, ...b])];
  return out.sort(cmp);
}

interface Sparse {
  indices: number[][];
  keys: Key[];
  shape: number[];
}

/** TF's SparseTensorFromContext and IndicesValid: rank ≥ 2, indices in bounds and in row-major order. */
function sparseFrom(ind: NDArray, vals: NDArray, shp: NDArray, opName: string, validate: boolean): Sparse {
  const shape = Array.from(valuesOf(shp));
  if (ind.shape.length !== 2) throw new InvalidArgumentError(`Input indices should be a matrix but received shape [${ind.shape.join(',')}]`, opName);
  if (vals.shape.length !== 1) throw new InvalidArgumentError(`Input values should be a vector but received shape [${vals.shape.join(',')}]`, opName);
  if (shp.shape.length !== 1) throw new InvalidArgumentError(`Input shape should be a vector but received shape [${shp.shape.join(',')}]`, opName);
  if (shape.length < 2) throw new InvalidArgumentError(`Invalid rank ${shape.length}.`, opName);
  const [n, r] = ind.shape as [number, number];
  if (r !== shape.length) throw new InvalidArgumentError(`Dimension mismatch: indices have ${r} columns but the shape has rank ${shape.length}`, opName);
  if (vals.shape[0] !== n) throw new InvalidArgumentError(`Number of indices ${n} does not match number of values ${vals.shape[0]}`, opName);
  const flat = valuesOf(ind);
  const indices = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * r, (i + 1) * r)));
  if (validate) {
    for (let i = 0; i < n; i++) {
      const idx = indices[i]!;
      const where = `indices[${i}] = [${idx.join(',')}]`;
      if (idx.some((v, d) => v < 0 || v >= shape[d]!)) throw new InvalidArgumentError(`${where} is out of bounds: need 0 <= index < [${shape.join(',')}]`, opName);
      if (i > 0) {
        const prev = indices[i - 1]!;
        let c = 0;
        for (let d = 0; d < r && c === 0; d++) c = idx[d]! - prev[d]!;
        if (c < 0) throw new InvalidArgumentError(`${where} is out of order`, opName);
        if (c === 0) throw new InvalidArgumentError(`${where} is repeated`, opName);
      }
    }
  }
  return { indices, keys: keysOf(vals), shape };
}

interface Group {
  key: number[];
  values: Key[];
}

/** Runs of consecutive entries with the same leading n − 1 indices (TF's SparseTensor::group), each checked as TF's CheckGroup. */
function groupsOf(s: Sparse, opName: string): Group[] {
  const out: Group[] = [];
  const r = s.shape.length;
  s.indices.forEach((idx, i) => {
    for (let j = 0; j < r; j++) {
      if (!(s.shape[j]! > 0)) throw new InternalError(`Invalid dim_size[${j}] = ${s.shape[j]}.`, opName);
      if (!(s.shape[j]! > idx[j]!)) throw new InternalError(`indices[${i}, ${j}] expected < ${s.shape[j]}, got ${idx[j]}.`, opName);
    }
    const key = idx.slice(0, -1);
    const g = out[out.length - 1];
    if (g && g.key.every((v, d) => v === key[d])) g.values.push(s.keys[i]!);
    else out.push({ key, values: [s.keys[i]!] });
  });
  return out;
}

/** The group shape: all but the last dimension (TF's GroupShape). */
function groupShape(shape: readonly number[], opName: string): number[] {
  if (shape.length < 2) throw new InvalidArgumentError(`Shape [${shape.join(',')}] has rank ${shape.length} < 2`, opName);
  return shape.slice(0, -1);
}
function groupShapeFrom(a: readonly number[], b: readonly number[], opName: string): number[] {
  const ga = groupShape(a, opName);
  const gb = groupShape(b, opName);
  if (ga.length !== gb.length || ga.some((d, i) => d !== gb[i])) throw new InvalidArgumentError(`Mismatched shapes [${ga.join(',')}] vs [${gb.join(',')}]`, opName);
  return ga;
}
const unflat = (i: number, shape: readonly number[]): number[] => {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return out;
};
function denseGroup(a: NDArray, keys: Key[], flatGroup: number): Set<Key> {
  const n = a.shape[a.shape.length - 1]!;
  return new Set(keys.slice(flatGroup * n, (flatGroup + 1) * n));
}

/** TF's OutputSparseTensor: indices [n, rank] int64, values [n], dense shape [group..., max set size]. */
function output(results: { key: number[]; set: Key[] }[], gshape: number[], dtype: DType): NDArray[] {
  const nonEmpty = results.filter((r) => r.set.length > 0);
  const rank = gshape.length + 1;
  const maxSize = nonEmpty.reduce((m, r) => Math.max(m, r.set.length), 0);
  const idx: number[] = [];
  const vals: Key[] = [];
  for (const r of nonEmpty) {
    r.set.forEach((v, k) => {
      idx.push(...r.key, k);
      vals.push(v);
    });
  }
  return [arrayOf(idx, [vals.length, rank], 'int64'), valuesArray(vals, dtype), arrayOf([...gshape, maxSize], [rank], 'int64')];
}

interface SetAttrs {
  [k: string]: unknown;
  setOperation: string;
  validateIndices: boolean;
}

function checkDType(t: Tensor, param: string): void {
  if (!VALID.includes(t.dtype)) throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: int8, int16, int32, int64, uint8, uint16, string`);
}
const rankOf = (s: PartialShape): number | null => (s === null ? null : s.length);
function outSpecs(dtype: DType, rank: number | null): { dtype: DType; shape: PartialShape }[] {
  return [{ dtype: 'int64', shape: [null, rank] }, { dtype, shape: [null] }, { dtype: 'int64', shape: [rank] }];
}
function atLeast2(s: PartialShape, name: string, type: string, shapes: PartialShape[]): void {
  if (s !== null && s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, type, shapes);
}
/** The rank of a sparse input from its dense_shape's static length, if known. */
const sparseRank = (shape: Tensor): number | null => (shape.shape === null ? null : shape.shape[0] ?? null);

defineHostOp<SetAttrs>({
  type: 'SetSize',
  infer: ([ind, vals, shp]) => {
    checkDType(vals!, 'set_values');
    void ind;
    const r = sparseRank(shp!);
    return [{ dtype: 'int32', shape: r === null ? null : new Array(r - 1).fill(null) }];
  },
  run: ([ind, vals, shp], a, op) => {
    const s = sparseFrom(ind!, vals!, shp!, op.name, true);
    void a;
    const gshape = groupShape(s.shape, op.name);
    const out = new Float64Array(sizeOf(gshape));
    for (const g of groupsOf(s, op.name)) {
      let flat = 0;
      g.key.forEach((v, d) => (flat = flat * gshape[d]! + v));
      out[flat] = new Set(g.values).size;
    }
    return [arrayOf(out, gshape, 'int32')];
  },
});
registerGradient('SetSize', null);

defineHostOp<SetAttrs>({
  type: 'DenseToDenseSetOperation',
  infer: ([x, y], _a, name) => {
    checkDType(x!, 'set1');
    if (y!.dtype !== x!.dtype) throw new TypeError(`Input 'set2' of 'DenseToDenseSetOperation' Op has type ${y!.dtype} that does not match type ${x!.dtype} of argument 'set1'.`);
    const shapes = [x!.shape, y!.shape];
    atLeast2(x!.shape, name, 'DenseToDenseSetOperation', shapes);
    atLeast2(y!.shape, name, 'DenseToDenseSetOperation', shapes);
    const r1 = rankOf(x!.shape);
    const r2 = rankOf(y!.shape);
    if (r1 !== null && r2 !== null && r1 !== r2) throw shapeFnError(`Shape must be rank ${r1} but is rank ${r2}`, name, 'DenseToDenseSetOperation', shapes);
    return outSpecs(x!.dtype, r1 ?? r2);
  },
  run: ([x, y], a, op) => {
    const setOp = setOperationOf(a.setOperation, op.name);
    const gshape = groupShapeFrom(x!.shape, y!.shape, op.name);
    const kx = keysOf(x!);
    const ky = keysOf(y!);
    const results = [];
    for (let g = 0; g < sizeOf(gshape); g++) results.push({ key: unflat(g, gshape), set: apply(setOp, denseGroup(x!, kx, g), denseGroup(y!, ky, g)) });
    return output(results, gshape, x!.dtype);
  },
});

defineHostOp<SetAttrs>({
  type: 'DenseToSparseSetOperation',
  infer: ([x, _i, v, s], _a, name) => {
    checkDType(x!, 'set1');
    if (v!.dtype !== x!.dtype) throw new TypeError(`Input 'set2_values' of 'DenseToSparseSetOperation' Op has type ${v!.dtype} that does not match type ${x!.dtype} of argument 'set1'.`);
    atLeast2(x!.shape, name, 'DenseToSparseSetOperation', [x!.shape]);
    return outSpecs(x!.dtype, rankOf(x!.shape) ?? sparseRank(s!));
  },
  run: ([x, ind, vals, shp], a, op) => {
    const setOp = setOperationOf(a.setOperation, op.name);
    const s2 = sparseFrom(ind!, vals!, shp!, op.name, true);
    const gshape = groupShapeFrom(x!.shape, s2.shape, op.name);
    const kx = keysOf(x!);
    const groups = groupsOf(s2, op.name);
    let next = 0;
    const results = [];
    for (let g = 0; g < sizeOf(gshape); g++) {
      const key = unflat(g, gshape);
      let set2 = new Set<Key>();
      const grp = groups[next];
      if (grp) {
        if (grp.key.length !== key.length) throw new InvalidArgumentError(`Invalid number of group indices ${grp.key.length}, expected ${key.length}.`, op.name);
        if (grp.key.every((v, d) => v === key[d])) {
          set2 = new Set(grp.values);
          next++;
        }
      }
      results.push({ key, set: apply(setOp, denseGroup(x!, kx, g), set2) });
    }
    return output(results, gshape, x!.dtype);
  },
});

defineHostOp<SetAttrs>({
  type: 'SparseToSparseSetOperation',
  infer: ([_i1, v1, s1, _i2, v2, s2]) => {
    checkDType(v1!, 'set1_values');
    if (v2!.dtype !== v1!.dtype) throw new TypeError(`Input 'set2_values' of 'SparseToSparseSetOperation' Op has type ${v2!.dtype} that does not match type ${v1!.dtype} of argument 'set1_values'.`);
    return outSpecs(v1!.dtype, sparseRank(s1!) ?? sparseRank(s2!));
  },
  run: ([i1, v1, s1, i2, v2, s2], a, op) => {
    const setOp = setOperationOf(a.setOperation, op.name);
    // as TF's kernel: set1's indices are validated, set2's only grouped
    const a1 = sparseFrom(i1!, v1!, s1!, op.name, true);
    const a2 = sparseFrom(i2!, v2!, s2!, op.name, false);
    const gshape = groupShapeFrom(a1.shape, a2.shape, op.name);
    const g1 = groupsOf(a1, op.name);
    const g2 = groupsOf(a2, op.name);
    let p = 0;
    let q = 0;
    const byKey = new Map<string, { key: number[]; set: Key[] }>();
    while (p < g1.length || q < g2.length) {
      let c: number;
      if (p >= g1.length) c = 1;
      else if (q >= g2.length) c = -1;
      else {
        if (g1[p]!.key.length !== g2[q]!.key.length) throw new InvalidArgumentError(`Mismatched group dims ${g1[p]!.key.length} vs ${g2[q]!.key.length}.`, op.name);
        c = 0;
        for (let d = 0; d < g1[p]!.key.length && c === 0; d++) c = g1[p]!.key[d]! - g2[q]!.key[d]!;
      }
      let set1 = new Set<Key>();
      let set2 = new Set<Key>();
      let key: number[] = [];
      if (c <= 0) {
        set1 = new Set(g1[p]!.values);
        key = g1[p++]!.key;
      }
      if (c >= 0) {
        set2 = new Set(g2[q]!.values);
        key = g2[q++]!.key;
      }
      const set = apply(setOp, set1, set2);
      if (set.length > 0) byKey.set(key.join(','), { key, set });
    }
    // TF keeps the result sets in a map ordered by their group indices
    const results = [...byKey.values()].sort((x, y) => {
      for (let d = 0; d < x.key.length; d++) if (x.key[d] !== y.key[d]) return x.key[d]! - y.key[d]!;
      return 0;
    });
    return output(results, gshape, v1!.dtype);
  },
});
for (const t of ['DenseToDenseSetOperation', 'DenseToSparseSetOperation', 'SparseToSparseSetOperation']) registerGradient(t, null);

// ----- the Python layer ----------------------------------------------------------------------------
type SetLike = TensorLike | SparseTensor | SparseTensorValue;

function convert(x: SetLike, name: string): Tensor | SparseTensor {
  if (x instanceof SparseTensor) return x;
  if (x instanceof SparseTensorValue) return SparseTensor.fromValue(x);
  // a plain JS number (or array of them) is an integer here, as a Python int is (int32)
  let leaf: unknown = x;
  while (Array.isArray(leaf)) leaf = leaf[0];
  const plainNumbers = isHostValue(x) && !(x instanceof NDArray) && (typeof leaf === 'number' || typeof leaf === 'boolean');
  return toTensor(x as TensorLike, plainNumbers ? 'int32' : undefined, name);
}
function repr(x: Tensor | SparseTensor): string {
  return x instanceof SparseTensor ? `SparseTensor(indices=${x.indices}, values=${x.values}, dense_shape=${x.denseShape})` : String(x);
}

/** TF's _convert_to_tensors_or_sparse_tensors: dtypes checked, a (sparse, dense) pair flipped to (dense, sparse). */
function convertPair(a: SetLike, b: SetLike): [Tensor | SparseTensor, Tensor | SparseTensor, boolean] {
  const x = convert(a, 'a');
  if (!VALID.includes(x.dtype)) throw new TypeError(`'a' invalid dtype ${dtypeRepr(x.dtype)}.`);
  const y = convert(b, 'b');
  if (y.dtype !== x.dtype) throw new TypeError(`Types don't match, ${dtypeRepr(x.dtype)} vs ${dtypeRepr(y.dtype)}.`);
  if (x instanceof SparseTensor && !(y instanceof SparseTensor)) return [y, x, true];
  return [x, y, false];
}

function setOperation(a: Tensor | SparseTensor, b: Tensor | SparseTensor, op: SetOp, validateIndices: boolean): SparseTensor {
  const attrs = { setOperation: op, validateIndices };
  let o: Operation;
  if (a instanceof SparseTensor) {
    if (!(b instanceof SparseTensor)) throw new ValueError('Sparse,Dense is not supported, but Dense,Sparse is. Please flip the order of your inputs.');
    o = makeOp(a.graph, 'SparseToSparseSetOperation', [a.indices, a.values, a.denseShape, b.indices, b.values, b.denseShape], attrs, undefined, 'SparseToSparseSetOperation');
  } else if (b instanceof SparseTensor) {
    o = makeOp(a.graph, 'DenseToSparseSetOperation', [a, b.indices, b.values, b.denseShape], attrs, undefined, 'DenseToSparseSetOperation');
  } else {
    o = makeOp(a.graph, 'DenseToDenseSetOperation', [a, b], attrs, undefined, 'DenseToDenseSetOperation');
  }
  return new SparseTensor(o.outputs[0]!, o.outputs[1]!, o.outputs[2]!);
}

/** `tf.sets.size(a, validateIndices = true)` (`tf.sets.setSize`): the number of distinct elements of each set of the SparseTensor `a`, int32 of a's leading n − 1 dimensions. */
export function size(a: SparseTensor | SparseTensorValue, validateIndices?: boolean | Record<string, unknown>): Tensor {
  const o = kwargs([a, validateIndices], ['a', 'validateIndices'], 'set_size', 1);
  const x = convert(o.a as SetLike, 'a');
  if (!(x instanceof SparseTensor)) throw new TypeError(`Expected \`SparseTensor\`, got ${repr(x)}.`);
  if (!VALID.includes(x.values.dtype)) throw new TypeError(`Invalid dtype ${dtypeRepr(x.values.dtype)}.`);
  return makeOp(x.graph, 'SetSize', [x.indices, x.values, x.denseShape], { validateIndices: o.validateIndices ?? true }, undefined, 'SetSize').outputs[0]!;
}

/** `tf.sets.intersection(a, b, validateIndices = true)`: the intersection of each aligned pair of sets (dense or sparse), as a SparseTensor. */
export function intersection(a: SetLike, b: SetLike, validateIndices?: boolean | Record<string, unknown>): SparseTensor {
  const o = kwargs([a, b, validateIndices], ['a', 'b', 'validateIndices'], 'set_intersection', 2);
  const [x, y] = convertPair(o.a as SetLike, o.b as SetLike);
  return setOperation(x, y, 'intersection', (o.validateIndices ?? true) as boolean);
}

/** `tf.sets.union(a, b, validateIndices = true)`: the union of each aligned pair of sets, as a SparseTensor. */
export function union(a: SetLike, b: SetLike, validateIndices?: boolean | Record<string, unknown>): SparseTensor {
  const o = kwargs([a, b, validateIndices], ['a', 'b', 'validateIndices'], 'set_union', 2);
  const [x, y] = convertPair(o.a as SetLike, o.b as SetLike);
  return setOperation(x, y, 'union', (o.validateIndices ?? true) as boolean);
}

/** `tf.sets.difference(a, b, aminusb = true, validateIndices = true)`: a − b (or b − a) of each aligned pair of sets, as a SparseTensor. */
export function difference(a: SetLike, b: SetLike, aminusb?: boolean | Record<string, unknown>, validateIndices?: boolean): SparseTensor {
  const o = kwargs([a, b, aminusb, validateIndices], ['a', 'b', 'aminusb', 'validateIndices'], 'set_difference', 2);
  const [x, y, flipped] = convertPair(o.a as SetLike, o.b as SetLike);
  let amb = (o.aminusb ?? true) as boolean;
  if (flipped) amb = !amb;
  return setOperation(x, y, amb ? 'a-b' : 'b-a', (o.validateIndices ?? true) as boolean);
}

export { size as setSize, intersection as setIntersection, union as setUnion, difference as setDifference };
