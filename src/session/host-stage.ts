/**
 * Host-stage ops: ops evaluated in JS on the calling thread before a plan runs, whose outputs
 * then join the run's feeds. They are the ops a device plan cannot hold: ones acting on host
 * resources (dataset iterators) and ones whose output shapes depend on input values (example
 * parsing, decodeRaw). A plan's shapes are fixed at compile time from the feed shapes, so
 * feeding their outputs keeps that model: a new output shape is a new cached plan.
 *
 * A run whose pruned closure holds host-stage ops (found once per request key) computes, in
 * creation order, each such op's missing inputs (a sub-run through the same runner, whose
 * results are kept as feeds so nothing runs twice), then the op itself, then the remaining
 * plan. Host work is written once as generators that yield promises: driven synchronously for
 * `runSync` (a yield there is an error) and asynchronously for `run`.
 */
import { RuntimeError } from '../errors.js';
import { Operation, type Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { prune } from './compile.js';
import { getOpDef } from '../ops/registry.js';

import { type Runner, type SubRun, elementsKey, requestKey } from './runner.js';

/** A lazy host op (a cond's Merge, a loop's Exit) computes its inputs itself, through sub-runs. */
export const isLazy = (op: Operation): boolean => lazy.has(op.type);

/** Host work: yields the promises it waits on. */
export type HostGen<T> = Generator<Promise<unknown>, T, unknown>;

export interface HostContext {
  runner: Runner;
  sync: boolean;
  /** The values of this (sub-)run so far: its feeds and the host results; a lazy op may add more. */
  feeds: Map<Tensor, NDArray>;
  boundary?: ReadonlySet<Operation>;
  /** Scratch shared by every sub-run of one `Session.run` (a loop's per-iteration history). */
  store: Map<unknown, unknown>;
  /** The host-stage ops of this (sub-)run, in the order they run (a cond's Merge computes its siblings' values with its own). */
  hostOps?: readonly Operation[];
  /** In a run spanning devices: runs a lazy op's sub-runs over the session's devices (unbounded by this segment). */
  route?: Route;
}

/**
 * A run spanning devices places a lazy op's inputs (a branch, a loop body) only when the op asks
 * for them: its sub-runs go through the session's placement, each cut into device segments.
 */
export type Route = (elements: (Tensor | Operation)[], feeds: Map<Tensor, NDArray>, sync: boolean, store: Map<unknown, unknown>) => HostGen<Map<Tensor, NDArray>>;

/** Runs one host-stage op on its input values; returns a value per output. */
export type HostOpFn = (op: Operation, ins: NDArray[], ctx: HostContext) => HostGen<NDArray[]>;

const impls = new Map<string, HostOpFn>();
const lazy = new Set<string>();
/** For op types that run on the host only sometimes: which ops of the type do. */
const conditions = new Map<string, (op: Operation) => boolean>();
let anyDefined = false;

/**
 * Register a host-stage op. With `when`, only the ops of the type it accepts run on the host
 * (the others lower into the device plan as usual). A `lazy` one (control flow's Merge and Exit) gets no precomputed
 * inputs: it computes what it needs through sub-runs of `ctx.runner` (only a taken branch, a
 * loop's body once per iteration), and the ops behind its inputs are not part of the run.
 */
export function registerHostOp(type: string, fn: HostOpFn, opts: { lazy?: boolean; when?: (op: Operation) => boolean } = {}): void {
  impls.set(type, fn);
  if (opts.lazy) lazy.add(type);
  if (opts.when) conditions.set(type, opts.when);
  anyDefined = true;
}

export function isHostOp(op: Operation): boolean {
  if (!impls.has(op.type)) return false;
  const when = conditions.get(op.type);
  return when === undefined || when(op);
}

/** Wait for a promise from host work (await in `run`, an error in `runSync`). */
export function* wait<T>(p: Promise<T> | T): HostGen<T> {
  if (!(p instanceof Promise)) return p;
  return (yield p) as T;
}

export function driveSync<T>(g: HostGen<T>, what = 'this run'): T {
  const s = g.next();
  if (!s.done) {
    void s.value.catch(() => undefined);
    throw new RuntimeError(`${what} needs asynchronous work (an async generator or an asynchronous device): use await sess.run(...) instead of runSync`);
  }
  return s.value;
}

export async function driveAsync<T>(g: HostGen<T>): Promise<T> {
  let s = g.next();
  while (!s.done) {
    let v: unknown;
    try {
      v = await s.value;
    } catch (e) {
      s = g.throw(e);
      continue;
    }
    s = g.next(v);
  }
  return s.value;
}

const plans = new WeakMap<Runner, Map<string, Operation[]>>();

/** The host-stage ops of a sub-run's closure, in creation order (cached per key); empty when none. */
export function hostOpsOf(runner: Runner, r: SubRun): Operation[] {
  if (!anyDefined) return [];
  let m = plans.get(runner);
  if (!m) plans.set(runner, (m = new Map()));
  let ops = m.get(r.key);
  if (!ops) {
    ops = [...prune(r.elements, r.feeds, r.boundary, isLazy)].filter(isHostOp).sort((a, b) => a.id - b.id);
    m.set(r.key, ops);
  }
  return ops;
}

const pure = new WeakMap<Operation, boolean>();
/** Whether `op`'s value follows from constants alone: no placeholder, variable, stateful or host-stage op behind it. */
function fromConstants(op: Operation): boolean {
  let p = pure.get(op);
  if (p === undefined) {
    const def = getOpDef(op.type);
    p = op.type === 'Const' || (!def.stateful && !isHostOp(op) && op.inputs.length > 0 && !/^Placeholder/.test(op.type) && op.inputs.every((t) => fromConstants(t.op)));
    pure.set(op, p);
  }
  return p;
}

/**
 * A small integer input of a host-stage op computed from constants (an Assert's checked
 * `epoch_size`) is not made a feed of the run: the plan recomputes it to the same value, and a
 * shape-like operand derived from it (a Range's limit) stays foldable when the plan is built.
 */
export function isRecomputableInt(t: Tensor, v: NDArray): boolean {
  return (v.dtype === 'int32' || v.dtype === 'int64') && v.size <= 16 && fromConstants(t.op);
}

/**
 * The tensors, among the ops that computing `ts` runs, whose producer must run once per
 * `Session.run`: outputs of stateful ops (assigns, random draws, dequeues, an iterator's next
 * element). A sub-run computing `ts` returns these too and they join the run's values, so the
 * rest of the run (a fetch, a control dependency) reads them instead of running the op again.
 * Not variables (their reads alias the variable) nor resource makers (no inputs: a queue, a
 * table), nor what lazy host ops (a nested cond or loop) compute inside.
 */
export function onceOutputs(runner: Runner, ts: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, unknown>, boundary?: ReadonlySet<Operation>): Tensor[] {
  // Cached per runner (one graph: op ids are unique in it) and segment, by what is asked and fed:
  // a cond's outside values are asked each step, and their closure can be the whole network.
  let bySeg = onceCache.get(runner);
  if (!bySeg) onceCache.set(runner, (bySeg = new WeakMap()));
  const segKey = boundary ?? NO_BOUNDARY;
  let m = bySeg.get(segKey);
  if (!m) bySeg.set(segKey, (m = new Map()));
  const key = elementsKey(ts) + '|' + [...feeds.keys()].map((t) => `${t.op.id}:${t.index}`).join(',');
  let out = m.get(key);
  if (!out) {
    out = [];
    for (const op of prune(ts, feeds, boundary, isLazy)) {
      if (isLazy(op) || !getOpDef(op.type).stateful || isResourceMaker(op)) continue;
      for (const t of op.outputs) if (!feeds.has(t) && !ts.includes(t)) out.push(t);
    }
    if (m.size >= 4096) m.clear(); // a run that feeds a new set each step must not grow it forever
    m.set(key, out);
  }
  return out;
}
const onceCache = new WeakMap<Runner, WeakMap<object, Map<string, Tensor[]>>>();
const NO_BOUNDARY = {};
/** A stateful op whose output is a resource, not a value: one with no inputs (a variable, a queue, a table), but a random draw of a static shape, and a stack's or TensorArray's handle. */
const isResourceMaker = (op: Operation): boolean => (op.inputs.length === 0 && !STATIC_RANDOM.has(op.type)) || op.type === 'StackV2' || op.type === 'TensorArrayV3';
const STATIC_RANDOM = new Set(['RandomUniform', 'RandomStandardNormal', 'TruncatedNormal']);

const hostDeps = new WeakMap<Runner, Map<string, Map<Operation, Set<Operation>>>>();

/** For each host op of a sub-run: the other host ops its inputs depend on, through any op (cached per key). */
function hostDepsOf(runner: Runner, r: SubRun, ops: readonly Operation[]): Map<Operation, Set<Operation>> {
  let m = hostDeps.get(runner);
  if (!m) hostDeps.set(runner, (m = new Map()));
  let d = m.get(r.key);
  if (!d) {
    d = new Map();
    const hosts = new Set(ops);
    for (const op of ops) {
      const from = [...op.inputs, ...op.controlInputs];
      const closure = from.length === 0 ? [] : prune(from, r.feeds, r.boundary, isLazy);
      d.set(op, new Set([...closure].filter((o) => hosts.has(o) && o !== op)));
    }
    m.set(r.key, d);
  }
  return d;
}

/** Run `r` with its host-stage ops evaluated first. */
export function* runWithHostOps(runner: Runner, r: SubRun, ops: readonly Operation[], sync: boolean, store: Map<unknown, unknown> = new Map()): HostGen<Map<Tensor, NDArray>> {
  const feeds = new Map(r.feeds);
  const ctx: HostContext = { runner, sync, feeds, store, hostOps: ops, ...(r.boundary ? { boundary: r.boundary } : {}), ...(r.route ? { route: r.route } : {}) };
  const local = new Map<Tensor, NDArray>();
  const done = (op: Operation) => op.outputs.length > 0 && op.outputs.every((t) => feeds.has(t));
  const missingOf = (op: Operation) => [...new Set(op.inputs.filter((t) => !feeds.has(t) && !local.has(t)))];
  let deps: Map<Operation, Set<Operation>> | null = null;
  for (const [i, op] of ops.entries()) {
    if (done(op)) continue;
    const isL = isLazy(op);
    const missing = isL ? [] : missingOf(op);
    if (missing.length > 0) {
      // One sub-run computes these inputs and those of the later host ops that need no host op
      // still to run (a SyncReplicasOptimizer's gradient applies: forward and backward once).
      deps ??= hostDepsOf(runner, r, ops);
      const want = new Set(missing);
      const pending = new Set<Operation>([op]);
      for (const o of ops.slice(i + 1)) {
        if (isLazy(o)) break;
        if (done(o)) continue;
        const blocked = [...deps.get(o)!].some((d) => pending.has(d));
        pending.add(o);
        if (!blocked) for (const t of missingOf(o)) want.add(t);
      }
      const got = yield* subRun(runner, [...want, ...onceOutputs(runner, [...want], feeds, r.boundary)], feeds, sync, r.boundary, store);
      for (const [t, v] of got) (isRecomputableInt(t, v) ? local : feeds).set(t, v);
    }
    const outs = yield* impls.get(op.type)!(op, isL ? [] : op.inputs.map((t) => feeds.get(t) ?? local.get(t)!), ctx);
    op.outputs.forEach((t, i) => feeds.set(t, outs[i]!));
  }
  const rest = r.elements.filter((e) => (e instanceof Operation ? !isHostOp(e) : !feeds.has(e)));
  const out = rest.length === 0 ? new Map<Tensor, NDArray>() : yield* planRun(runner, { key: requestKey(rest, feeds), elements: rest, feeds, ...(r.boundary ? { boundary: r.boundary } : {}) }, sync);
  for (const e of r.elements) if (!(e instanceof Operation) && !out.has(e) && feeds.has(e) && !r.feeds.has(e)) out.set(e, feeds.get(e)!);
  return out;
}

/** Values of `elements` (host-stage ops included) given `feeds`, through `runner`. */
export function* subRun(runner: Runner, elements: (Tensor | Operation)[], feeds: Map<Tensor, NDArray>, sync: boolean, boundary?: ReadonlySet<Operation>, store?: Map<unknown, unknown>, route?: Route): HostGen<Map<Tensor, NDArray>> {
  const r: SubRun = { key: requestKey(elements, feeds), elements, feeds: new Map(feeds), ...(boundary ? { boundary } : {}), ...(route ? { route } : {}) };
  const ops = hostOpsOf(runner, r);
  if (ops.length > 0) return yield* runWithHostOps(runner, r, ops, sync, store);
  return yield* planRun(runner, r, sync);
}

function* planRun(runner: Runner, r: SubRun, sync: boolean): HostGen<Map<Tensor, NDArray>> {
  if (sync) return runner.runPlanSync(r);
  return yield* wait(runner.runPlan(r));
}
