/** Fetch structures: flatten any nesting of graph elements, then rebuild results in its shape. */
import type { Graph } from '../graph/graph.js';
import { describeType } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { isConvertible, type TensorConvertible } from '../ops/convert.js';
import type { NDArray } from '../ndarray.js';
import { Variable } from '../ops/variables.js';
import { ValueError } from '../errors.js';
import { pyShape } from '../shape.js';
import { SparseTensor, SparseTensorValue } from '../ops/sparse-tensor.js';
import { tupleTypeOf } from '../ops/control-flow/nest.js';

export type FetchElement = Tensor | Operation;

/** What `Session.run` accepts: graph elements, names, and any array/object/Map nesting of them. */
export type Fetches =
  | Tensor
  | Operation
  | TensorConvertible
  | SparseTensor
  | string
  | readonly Fetches[]
  | ReadonlyMap<unknown, Fetches>
  | { readonly [key: string]: Fetches };

/**
 * The result of running `F`, in its structure: an NDArray per tensor, `null` per operation; a
 * name string is a tensor (`'x:0'`) or an operation (`'train'`), told apart only at run time.
 */
export type FetchResult<F> = F extends Operation
  ? null
  : F extends SparseTensor
    ? SparseTensorValue
  : F extends Tensor | TensorConvertible
    ? NDArray
    : F extends `${string}:${number}`
      ? NDArray
      : F extends string
        ? NDArray | null
        : F extends readonly unknown[]
          ? { -readonly [K in keyof F]: FetchResult<F[K]> }
          : F extends ReadonlyMap<infer K, infer V>
            ? Map<K, FetchResult<V>>
            : F extends object
              ? { -readonly [K in keyof F]: FetchResult<F[K]> }
              : never;

export interface FlatFetches {
  elements: FetchElement[];
  rebuild(values: unknown[]): unknown;
}

/** Python's repr of a graph element, as TF1's fetch errors print it. */
function repr(f: Tensor | Operation | Variable | object): string {
  if (f instanceof Operation) return `<tf.Operation '${f.name}' type=${f.type}>`;
  if (f instanceof Tensor) return `<tf.Tensor '${f.name}' shape=${pyShape(f.shape)} dtype=${f.dtype}>`;
  if (f instanceof Variable) return `<tf.Variable '${f.name}' shape=${pyShape(f.shape)} dtype=${f.dtype}_ref>`;
  return String(f);
}

/** A fetch from another graph, as TF1's session reports it. */
function notInGraph(f: Tensor | Operation | Variable | object, e: unknown): unknown {
  if (!(e instanceof ValueError)) return e;
  return new ValueError(`Fetch argument ${repr(f)} cannot be interpreted as a Tensor. (${e.message})`);
}

export function flattenFetches(g: Graph, fetches: unknown): FlatFetches {
  const elements: FetchElement[] = [];
  const index = new Map<FetchElement, number>();
  const add = (e: FetchElement): number => {
    let i = index.get(e);
    if (i === undefined) {
      i = elements.length;
      elements.push(e);
      index.set(e, i);
    }
    return i;
  };
  const walk = (f: unknown): ((vals: unknown[]) => unknown) => {
    if (f === null || f === undefined) {
      throw new TypeError(`Fetch argument ${f === null ? 'None' : 'undefined'} has invalid type <class 'NoneType'>`);
    }
    if (typeof f === 'string' || f instanceof Tensor || f instanceof Operation) {
      let el: FetchElement;
      try {
        el = g.asGraphElement(f, true, true);
      } catch (e) {
        if (typeof f === 'string') {
          throw new ValueError(`Fetch argument '${f}' cannot be interpreted as a Tensor. ("${(e as Error).message}")`);
        }
        throw notInGraph(f, e);
      }
      const i = add(el);
      return el instanceof Operation ? () => null : (vals) => vals[i];
    }
    if (f instanceof SparseTensor) {
      const parts = [f.indices, f.values, f.denseShape].map(walk);
      return (vals) => new SparseTensorValue(...(parts.map((p) => p(vals)) as [NDArray, NDArray, NDArray]));
    }
    if (f instanceof Variable || isConvertible(f)) {
      let el: FetchElement;
      try {
        el = g.asGraphElement(f instanceof Variable ? f.ref : f.toTensor(), true, false);
      } catch (e) {
        throw notInGraph(f, e);
      }
      const i = add(el);
      return (vals) => vals[i];
    }
    const tt = tupleTypeOf(f);
    if (tt) {
      // a namedtuple (an LSTMStateTuple) fetches as one of its type, as TF1's session does
      const parts = tt.fields(f as object).map(walk);
      return (vals) => tt.make(parts.map((p) => p(vals)));
    }
    if (Array.isArray(f)) {
      const parts = f.map(walk);
      return (vals) => parts.map((p) => p(vals));
    }
    if (f instanceof Map) {
      const parts = [...f].map(([k, v]) => [k, walk(v)] as const);
      return (vals) => new Map(parts.map(([k, p]) => [k, p(vals)]));
    }
    if (typeof f === 'object' && Object.getPrototypeOf(f) === Object.prototype) {
      const parts = Object.entries(f as object).map(([k, v]) => [k, walk(v)] as const);
      return (vals) => Object.fromEntries(parts.map(([k, p]) => [k, p(vals)]));
    }
    throw new TypeError(`Fetch argument ${String(f)} has invalid type ${describeType(f)}, must be a string or Tensor. (Can not convert a ${describeType(f)} into a Tensor or Operation.)`);
  };
  const rebuild = walk(fetches);
  return { elements, rebuild };
}
