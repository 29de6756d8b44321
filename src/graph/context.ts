/** The default-graph stack — the only global state in tsflow. */
import { RuntimeError } from '../errors.js';
import { Graph } from './graph.js';
import type { Operation, Tensor } from './tensor.js';

let root = new Graph();
const stack: Graph[] = [];

export function getDefaultGraph(): Graph {
  return stack[stack.length - 1] ?? root;
}

export function resetDefaultGraph(): void {
  if (stack.length > 0) {
    throw new RuntimeError('Do not use tf.resetDefaultGraph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.');
  }
  root = new Graph();
}

/** Make `g` the default graph while `fn` runs (TF's `with g.as_default():`). */
export function withGraph<T>(g: Graph, fn: () => T): T {
  stack.push(g);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

export function nameScope<T>(name: string | null, fn: (scope: string) => T): T {
  return getDefaultGraph().nameScope(name, fn);
}

export function device<T>(spec: string, fn: () => T): T {
  return getDefaultGraph().device(spec, fn);
}

export function controlDependencies<T>(deps: readonly (Operation | Tensor | string | { op: Operation })[] | null, fn: () => T): T {
  const asElement = (d: (typeof deps & object)[number]) =>
    typeof d === 'object' && d !== null && 'op' in d && !('index' in d) ? d.op : (d as Operation | Tensor | string);
  return getDefaultGraph().controlDependencies(deps === null ? null : deps.map(asElement), fn);
}

export function setRandomSeed(seed: number): void {
  getDefaultGraph().seed = seed;
}

declare module './graph.js' {
  interface Graph {
    /** Make this graph the default while `fn` runs. */
    asDefault<T>(fn: () => T): T;
  }
}
Graph.prototype.asDefault = function <T>(this: Graph, fn: () => T): T {
  return withGraph(this, fn);
};
