/**
 * TF1's functional ops (functional_ops.py): `tf.mapFn`, `tf.foldl`, `tf.foldr`, `tf.scan`, built
 * as TF1 builds them: the elements unstacked into TensorArrays, a `tf.whileLoop` over the index
 * (`maximumIterations` n) that reads element i, calls `fn` and writes its result into an output
 * TensorArray, the results stacked. Gradients flow through the loop and the arrays. Name scopes
 * `map`, `foldl`, `foldr`, `scan`.
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { type PartialShape, pyShape } from '../shape.js';
import { type TensorLike, toTensor } from './convert.js';
import { constant } from './core.js';
import { shape as shapeOf } from './array.js';
import { index } from './strided-slice.js';
import { add, greater, greaterEqual, less, subtract } from './math.js';
import { whileLoop } from './control-flow/while.js';
import { type Nested, flatten, packAs, sameStructure } from './control-flow/nest.js';
import { TensorArray } from './tensor-array.js';

const isSequence = (x: unknown): boolean =>
  Array.isArray(x) || (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype);

/** nest's flatten / pack for a structure that may be a single value (TF's input_flatten / input_pack). */
function packer(structure: unknown): { flat: (x: unknown) => unknown[]; pack: (xs: readonly unknown[]) => unknown } {
  const seq = isSequence(structure);
  return {
    flat: (x) => (seq ? flatten(x as Nested<unknown>) : [x]),
    pack: (xs) => (seq ? packAs(structure as Nested<unknown>, xs) : xs[0]),
  };
}

const describe = (x: unknown): string => {
  if (Array.isArray(x)) return `[${x.map(describe).join(', ')}]`;
  if (x instanceof Tensor) return String(x);
  if (x instanceof TensorArray) return String(x);
  if (isSequence(x)) return `{${Object.keys(x as object).map((k) => `'${k}': ${describe((x as Record<string, unknown>)[k])}`).join(', ')}}`;
  return String(x);
};

/** nest.assert_same_structure's ValueError. */
function assertSameStructure(a: unknown, b: unknown): void {
  const seqA = isSequence(a);
  const seqB = isSequence(b);
  if (seqA !== seqB || (seqA && !sameStructure(a, b))) {
    throw new ValueError(`The two structures don't have the same nested structure.\n\nFirst structure: ${describe(a)}\n\nSecond structure: ${describe(b)}`);
  }
}

const shapeStr = (s: PartialShape): string => (s === null ? '<unknown>' : pyShape(s));

/** Each element of `elems` as a tensor, rank ≥ 1 (TF's with_rank_at_least(1)). */
function elemTensors(flat: unknown[]): Tensor[] {
  return flat.map((e) => {
    const t = toTensor(e as TensorLike, undefined, 'elem');
    if (t.shape !== null && t.shape.length < 1) throw new ValueError(`Shape ${shapeStr(t.shape)} must have rank at least 1`);
    return t;
  });
}

/** The number of elements: the static first dimension, else `shape(elems[0])[0]`. */
function lengthOf(x: Tensor): Tensor | number {
  const d = x.shape?.[0];
  if (d !== undefined && d !== null && d !== 0) return d;
  return index(shapeOf(x), 0);
}

/** The static first dimension all `elems` share (TF merges them; a conflict is a ValueError). */
function staticLength(elems: Tensor[]): number | null {
  let n: number | null = null;
  for (const e of elems) {
    const d = e.shape === null ? null : e.shape[0]!;
    if (d === null) continue;
    if (n !== null && n !== d) throw new ValueError(`Dimensions ${n} and ${d} are not compatible`);
    n = d;
  }
  return n;
}

/** `[n, ...r.shape[1:]]` as the static shape of a stacked result (TF's set_shape). */
function setLeading(r: Tensor, n: number | null): Tensor {
  if (r.shape === null) return r;
  const d0 = r.shape[0] ?? null;
  if (n !== null && d0 !== null && d0 !== n) throw new ValueError(`Dimensions ${d0} and ${n} are not compatible`);
  (r as { shape: PartialShape }).shape = [n ?? d0, ...r.shape.slice(1)];
  return r;
}

const intConst = (v: number): Tensor => constant(v, { dtype: 'int32' });
const asLimit = (n: Tensor | number): Tensor => (typeof n === 'number' ? toTensor(n, 'int32') : n);

function checkFn(fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError('fn must be callable.');
}

function graphOf(ts: Tensor[]) {
  return ts[0]?.graph ?? getDefaultGraph();
}

function unstacked(elems: Tensor[], n: Tensor | number): TensorArray[] {
  return elems.map((e) => new TensorArray(e.dtype, n, { dynamicSize: false, inferShape: true }).unstack(e));
}

interface LoopOpts {
  parallelIterations?: number | null;
  backProp?: boolean | null;
  swapMemory?: boolean | null;
}

const loopOptions = (o: LoopOpts, n: Tensor | number) => ({
  parallelIterations: o.parallelIterations ?? 10,
  backProp: o.backProp ?? true,
  swapMemory: o.swapMemory ?? false,
  maximumIterations: n,
});

type Fn = (...args: never[]) => unknown;

// ----- map_fn --------------------------------------------------------------------------------

const MAP_NAMES = ['fn', 'elems', 'dtype', 'parallelIterations', 'backProp', 'swapMemory', 'inferShape', 'name'] as const;

/**
 * `tf.mapFn(fn, elems, dtype?, parallelIterations?, backProp?, swapMemory?, inferShape?, name?)`:
 * `fn` applied to each element of `elems` (unstacked along axis 0; a nested structure of tensors
 * gives `fn` that structure per element), the results stacked. `dtype` gives `fn`'s output
 * dtype(s) when they or their structure differ from `elems`.
 */
export function mapFn(...args: unknown[]): Nested<Tensor> {
  const o = kwargs(args, MAP_NAMES, 'map_fn', 2);
  const fn = o.fn as Fn;
  checkFn(fn);
  const elems = o.elems;
  const inp = packer(elems);
  const dtypeArg = (o.dtype ?? null) as Nested<DType | string> | null;
  const out = dtypeArg === null ? inp : packer(dtypeArg);
  const flat0 = inp.flat(elems);
  const g = graphOf(flat0.filter((x): x is Tensor => x instanceof Tensor));
  return g.nameScope((o.name as string | undefined) ?? 'map', () => {
    const elemsFlat = elemTensors(flat0);
    if (elemsFlat.length === 0) throw new ValueError('elems must be a Tensor or (possibly nested) sequence of Tensors.');
    const dtypeFlat = dtypeArg === null ? elemsFlat.map((e) => e.dtype) : (out.flat(dtypeArg) as (DType | string)[]).map((d) => parseDType(d as string));
    const n = lengthOf(elemsFlat[0]!);
    const elemsTa = unstacked(elemsFlat, n);
    const i = intConst(0);
    const inferShape = (o.inferShape as boolean | undefined) ?? true;
    const accs = dtypeFlat.map((dt) => new TensorArray(dt, n, { dynamicSize: false, inferShape }));
    const compute = (iv: Tensor, tas: TensorArray[]): [Tensor, TensorArray[]] => {
      const packed = inp.pack(elemsTa.map((ta) => ta.read(iv)));
      const fnOut = (fn as (x: unknown) => unknown)(packed);
      assertSameStructure(dtypeArg ?? elems, fnOut);
      const flatOut = out.flat(fnOut);
      return [add(iv, 1), tas.map((ta, k) => ta.write(iv, flatOut[k] as TensorLike))];
    };
    const limit = asLimit(n);
    const [, rA] = whileLoop((iv: Tensor) => less(iv, limit), compute as Fn, [i, accs] as never, loopOptions(o as LoopOpts, n)) as unknown as [Tensor, TensorArray[]];
    const nStatic = staticLength(elemsFlat);
    const results = rA.map((r) => setLeading(r.stack(), nStatic));
    return out.pack(results) as Nested<Tensor>;
  });
}

// ----- foldl / foldr -------------------------------------------------------------------------

const FOLD_NAMES = ['fn', 'elems', 'initializer', 'parallelIterations', 'backProp', 'swapMemory', 'name'] as const;

function fold(args: unknown[], where: 'foldl' | 'foldr'): Nested<Tensor> {
  const o = kwargs(args, FOLD_NAMES, where, 2);
  const fn = o.fn as Fn;
  checkFn(fn);
  const elems = o.elems;
  const inp = packer(elems);
  const flat0 = inp.flat(elems);
  const g = graphOf(flat0.filter((x): x is Tensor => x instanceof Tensor));
  const right = where === 'foldr';
  return g.nameScope((o.name as string | undefined) ?? where, () => {
    const elemsFlat = elemTensors(flat0);
    const n = lengthOf(elemsFlat[0]!);
    const elemsTa = unstacked(elemsFlat, n);
    const nT = asLimit(n);
    let a: unknown;
    let i: Tensor;
    if (o.initializer === undefined || o.initializer === null) {
      const first = right ? subtract(nT, 1) : 0;
      a = inp.pack(elemsTa.map((ta) => ta.read(first)));
      i = right ? (first as Tensor) : intConst(1);
    } else {
      a = o.initializer;
      i = right ? nT : intConst(0);
    }
    if (isSequence(a)) a = packAs(a as Nested<unknown>, flatten(a as Nested<unknown>).map((x) => toTensor(x as TensorLike)));
    else a = toTensor(a as TensorLike);
    const apply = (acc: unknown, at: Tensor): unknown => (fn as (a: unknown, x: unknown) => unknown)(acc, inp.pack(elemsTa.map((ta) => ta.read(at))));
    // foldr: i counts down; element i - 1 is folded while i > 0
    const compute = right
      ? (iv: Tensor, acc: unknown): unknown[] => {
          const j = subtract(iv, 1);
          return [j, apply(acc, j)];
        }
      : (iv: Tensor, acc: unknown): unknown[] => [add(iv, 1), apply(acc, iv)];
    const cond = right ? (iv: Tensor) => greater(iv, 0) : (iv: Tensor) => less(iv, nT);
    const res = whileLoop(cond as Fn, compute as Fn, [i, a] as never, loopOptions(o as LoopOpts, n)) as unknown as [Tensor, Nested<Tensor>];
    return res[1];
  });
}

/**
 * `tf.foldl(fn, elems, initializer?, parallelIterations?, backProp?, swapMemory?, name?)`: the
 * accumulator `fn(acc, x)` over the elements of `elems` from first to last, starting from
 * `initializer` (default: the first element, the fold then running over the rest).
 */
export function foldl(...args: unknown[]): Nested<Tensor> {
  return fold(args, 'foldl');
}

/** `tf.foldr(...)`: as `tf.foldl`, from the last element to the first. */
export function foldr(...args: unknown[]): Nested<Tensor> {
  return fold(args, 'foldr');
}

// ----- scan ----------------------------------------------------------------------------------

const SCAN_NAMES = ['fn', 'elems', 'initializer', 'parallelIterations', 'backProp', 'swapMemory', 'inferShape', 'reverse', 'name'] as const;

/**
 * `tf.scan(fn, elems, initializer?, parallelIterations?, backProp?, swapMemory?, inferShape?,
 * reverse?, name?)`: every accumulator of `fn(acc, x)` over the elements of `elems`, stacked (the
 * last one is foldl's result); `reverse` scans from the last element.
 */
export function scan(...args: unknown[]): Nested<Tensor> {
  const o = kwargs(args, SCAN_NAMES, 'scan', 2);
  const fn = o.fn as Fn;
  checkFn(fn);
  const elems = o.elems;
  const inp = packer(elems);
  const hasInit = o.initializer !== undefined && o.initializer !== null;
  const out = hasInit ? packer(o.initializer) : inp;
  const flat0 = inp.flat(elems);
  const g = graphOf(flat0.filter((x): x is Tensor => x instanceof Tensor));
  const reverse = (o.reverse as boolean | undefined) ?? false;
  const inferShape = (o.inferShape as boolean | undefined) ?? true;
  return g.nameScope((o.name as string | undefined) ?? 'scan', () => {
    const elemsFlat = elemTensors(flat0);
    const n = lengthOf(elemsFlat[0]!);
    const nT = asLimit(n);
    const elemsTa = unstacked(elemsFlat, n);
    let aFlat: Tensor[];
    let i: number;
    if (!hasInit) {
      const at = reverse ? subtract(nT, 1) : 0;
      aFlat = elemsTa.map((ta) => ta.read(at));
      i = 1;
    } else {
      aFlat = out.flat(o.initializer).map((x) => toTensor(x as TensorLike));
      i = 0;
    }
    let accs = aFlat.map((init) => new TensorArray(init.dtype, n, { elementShape: inferShape ? init.shape : null, dynamicSize: false, inferShape }));
    if (!hasInit) accs = accs.map((ta, k) => ta.write(reverse ? subtract(nT, 1) : 0, aFlat[k]!));
    const compute = (iv: Tensor, a: Tensor[], tas: TensorArray[]): unknown[] => {
      const packedElems = inp.pack(elemsTa.map((ta) => ta.read(iv)));
      const packedA = out.pack(a);
      const aOut = (fn as (a: unknown, x: unknown) => unknown)(packedA, packedElems);
      assertSameStructure(hasInit ? o.initializer : elems, aOut);
      const flatOut = out.flat(aOut).map((x) => toTensor(x as TensorLike));
      const next = reverse ? subtract(iv, 1) : add(iv, 1);
      return [next, flatOut, tas.map((ta, k) => ta.write(iv, flatOut[k]!))];
    };
    const initialI = reverse ? subtract(subtract(nT, 1), i) : intConst(i);
    const cond = reverse ? (iv: Tensor) => greaterEqual(iv, 0) : (iv: Tensor) => less(iv, nT);
    const res = whileLoop(cond as Fn, compute as Fn, [initialI, aFlat, accs] as never, loopOptions(o as LoopOpts, n)) as unknown as [Tensor, Tensor[], TensorArray[]];
    const nStatic = staticLength(elemsFlat);
    const results = res[2].map((r) => setLeading(r.stack(), nStatic));
    return out.pack(results) as Nested<Tensor>;
  });
}
