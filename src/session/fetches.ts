/** Fetch structures: flatten any nesting of graph elements, then rebuild results in its shape. */
import type { Graph } from '../graph/graph.js';
import { describeType } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { isConvertible, type TensorConvertible } from '../ops/convert.js';
import type { NDArray } from '../ndarray.js';
import { Variable } from '../ops/variables.js';
import { ValueError } from '../errors.js';

export type FetchElement = Tensor | Operation;

/** What `Session.run` accepts: graph elements, names, and any array/object/Map nesting of them. */
export type Fetches =
  | Tensor
  | Operation
  | TensorConvertible
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
        throw e;
      }
      const i = add(el);
      return el instanceof Operation ? () => null : (vals) => vals[i];
    }
    if (f instanceof Variable) {
      const i = add(g.asGraphElement(f.ref, true, false));
      return (vals) => vals[i];
    }
    if (isConvertible(f)) {
      const i = add(g.asGraphElement(f.toTensor(), true, false));
      return (vals) => vals[i];
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
