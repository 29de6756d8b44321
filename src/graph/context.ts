/** The default graph and the default session — the only global state in tsflow. */
import { RuntimeError } from '../errors.js';
import { createAsyncContext } from '../platform/async-context.js';
import { type DeviceFunction, Graph, setDefaultGraphLookup } from './graph.js';
import type { Operation, Tensor } from './tensor.js';

/** What the graph layer needs of a default session (the Session class lives above it). */
export interface DefaultSession {
  readonly graph: Graph;
}

/** One `asDefault` entry: a graph and/or a session over the enclosing entries. */
interface Frame {
  readonly graph: Graph | null;
  readonly session: DefaultSession | null;
  readonly parent: Frame | null;
}

let root = new Graph();
/** Interactive sessions, the defaults (with their graphs) until closed, beneath every frame. */
const installed: DefaultSession[] = [];
/** Frames follow their callback across `await` where the platform has an async context. */
const als = createAsyncContext<Frame | null>();
/** The frame chain where it has none (then only synchronous callbacks are allowed). */
let syncFrame: Frame | null = null;

function currentFrame(): Frame | null {
  return als ? (als.getStore() ?? null) : syncFrame;
}

export function getDefaultGraph(): Graph {
  for (let f = currentFrame(); f; f = f.parent) if (f.graph) return f.graph;
  return installed[installed.length - 1]?.graph ?? root;
}
setDefaultGraphLookup(getDefaultGraph);

/** The innermost default session, or null (typed as `tf.Session` by the session layer). */
export function defaultSession(): DefaultSession | null {
  for (let f = currentFrame(); f; f = f.parent) if (f.session) return f.session;
  return installed[installed.length - 1] ?? null;
}

export function resetDefaultGraph(): void {
  let nested = installed.length > 0;
  for (let f = currentFrame(); f && !nested; f = f.parent) nested = f.graph !== null;
  if (nested) {
    throw new RuntimeError('Do not use tf.resetDefaultGraph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.');
  }
  root = new Graph();
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as PromiseLike<unknown>).then === 'function';
}

/**
 * Run `fn` with `graph` and/or `session` as the defaults. An async `fn` keeps them across its
 * `await`s; where the platform cannot follow an async callback, one that returns a Promise is
 * rejected rather than left to build ops in the wrong graph.
 */
export function withDefaults<T>(graph: Graph | null, session: DefaultSession | null, fn: () => T, what: string): T {
  const frame: Frame = { graph, session, parent: currentFrame() };
  if (als) return als.run(frame, fn);
  syncFrame = frame;
  let out: T;
  try {
    out = fn();
  } finally {
    syncFrame = frame.parent;
  }
  if (isThenable(out)) {
    out.then(undefined, () => undefined);
    return Promise.reject(
      new RuntimeError(`${what}: the callback returned a Promise, but this platform has no async context (AsyncLocalStorage) to keep the defaults in force across await; pass a synchronous callback`),
    ) as T;
  }
  return out;
}

/** Make `g` the default graph while `fn` runs (TF's `with g.as_default():`). */
export function withGraph<T>(g: Graph, fn: () => T): T {
  return withDefaults(g, null, fn, 'Graph.asDefault');
}

/** Install `s` (and its graph) as the defaults until `uninstallDefaultSession(s)`. */
export function installDefaultSession(s: DefaultSession): void {
  installed.push(s);
}

export function uninstallDefaultSession(s: DefaultSession): void {
  const i = installed.lastIndexOf(s);
  if (i >= 0) installed.splice(i, 1);
}

export function nameScope<T>(name: string | null, fn: (scope: string) => T): T {
  return getDefaultGraph().nameScope(name, fn);
}

/** `tf.device(spec | fn | null, fn)`: a device string, a device function of each new op, or null to clear. */
export function device<T>(spec: string | DeviceFunction | null, fn: () => T): T {
  return getDefaultGraph().device(spec, fn);
}

/**
 * `tf.colocateWith(op, fn, ignoreExisting = false)`: ops made inside `fn` are colocated with `op`
 * (an Operation, or a tensor or variable, meaning its op): attr `_class` = ['loc:@<op name>'] and
 * op's device, as TF1's `with tf.colocate_with(op):` does.
 */
export function colocateWith<T>(op: Operation | Tensor | { op: Operation } | null, fn: () => T, ignoreExisting = false): T {
  // an Operation has outputs; a tensor or a variable names its op
  const o = op === null ? null : 'outputs' in op && 'type' in op ? (op as Operation) : (op as { op: Operation }).op;
  return (o?.graph ?? getDefaultGraph()).colocateWith(o, fn, ignoreExisting);
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
    /** Make this graph the default while `fn` runs (across its `await`s when `fn` is async). */
    asDefault<T>(fn: () => T): T;
  }
}
Graph.prototype.asDefault = function <T>(this: Graph, fn: () => T): T {
  return withGraph(this, fn);
};
