/**
 * How control flow runs: Merge and Exit are lazy host-stage ops. A cond's Merge evaluates the
 * predicates of the Switches its inputs depend on (one sub-run), then computes only the live
 * input (a second sub-run), so an untaken branch's ops, assigns and random draws included, never
 * run. A loop's Exit runs the whole loop: per iteration one sub-plan for the condition and one
 * for the body, with the Merge outputs fed the current loop values (each a cached plan, reused
 * while the values keep their shapes). A loop that is differentiated keeps each iteration's
 * values (and the outputs of random ops in its body) for the gradient loop, which feeds them
 * back to recompute the body's intermediates, newest first.
 */
import { InternalError, InvalidArgumentError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { compatible, cShape, pyShape } from '../../shape.js';
import { type HostContext, type HostGen, isRecomputableInt, onceOutputs, registerHostOp, subRun } from '../../session/host-stage.js';
import { CondContext, WhileContext, condMerges, contextOf } from './context.js';
import { type LoopRecord, residentLoop } from './resident.js';

const int32Scalar = (v: number): NDArray => new NDArray(Int32Array.of(v), [], 'int32');

function* compute(ctx: HostContext, ts: (Tensor | Operation)[], feeds: Map<Tensor, NDArray> = ctx.feeds): HostGen<Map<Tensor, NDArray>> {
  // a run spanning devices places what a lazy op computes when it asks (host-stage.ts Route)
  if (ctx.route) return yield* ctx.route(ts, feeds, ctx.sync, ctx.store);
  return yield* subRun(ctx.runner, ts, feeds, ctx.sync, ctx.boundary, ctx.store);
}

// ----- cond: Merge ---------------------------------------------------------------------------

/** The cond branch a complete construct (a cond's Merge, a loop's Exit or Enter) was built in, if any. */
function branchOf(op: Operation): CondContext | null {
  let c = contextOf(op);
  if (c instanceof WhileContext && op.type !== 'Merge') c = c.outer;
  return c instanceof CondContext ? c : null;
}

/**
 * The Switch outputs `t` depends on inside its region: walked back to Switches (the branch
 * entries), stopping at fed values and at complete constructs (Merge, Exit, Enter), which are
 * live wherever the branch they were built in is (a cond or loop nested in a branch depends on
 * that branch's pivot).
 */
export function switchDeps(t: Tensor, feeds: ReadonlyMap<Tensor, NDArray>): Tensor[] {
  const out: Tensor[] = [];
  const seen = new Set<Operation>();
  const walk = (x: Tensor): void => {
    if (feeds.has(x)) return;
    if (x.op.type === 'Switch') {
      if (!out.includes(x)) out.push(x);
      return;
    }
    visit(x.op);
  };
  const visit = (op: Operation): void => {
    if (seen.has(op)) return;
    seen.add(op);
    if (op.type === 'Merge' || op.type === 'Exit' || op.type === 'Enter') {
      const b = branchOf(op);
      if (b?.pivot) walk(b.pivot);
      return;
    }
    op.inputs.forEach(walk);
    op.controlInputs.forEach(visit);
  };
  walk(t);
  return out;
}

/**
 * Ops built outside a cond that its branches' ops wait on by a control edge (an `ema.apply`
 * created before the cond, under `control_dependencies` in a branch): no Switch gates them, so
 * TF's executor runs them in every step that needs the cond, whichever branch is taken.
 */
export function outsideControlOps(ts: readonly Tensor[], feeds: ReadonlyMap<Tensor, NDArray>): Operation[] {
  const out: Operation[] = [];
  const seen = new Set<Operation>();
  const gated = (op: Operation): boolean => op.inputs.some((t) => switchDeps(t, feeds).length > 0) || op.controlInputs.some(gated);
  const visit = (op: Operation, viaControl: boolean): void => {
    if (seen.has(op)) return;
    seen.add(op);
    if (op.type === 'Switch' || op.type === 'Merge' || op.type === 'Exit' || op.type === 'Enter') return;
    if (viaControl && !gated(op)) {
      out.push(op);
      return;
    }
    for (const t of op.inputs) if (!feeds.has(t)) visit(t.op, false);
    for (const c of op.controlInputs) visit(c, true);
  };
  for (const t of ts) if (!feeds.has(t)) visit(t.op, false);
  return out;
}

function isLoopMerge(op: Operation): boolean {
  const c = contextOf(op);
  return c instanceof WhileContext && (c.merges.includes(op) || op.inputs.some((t) => t.op.type === 'NextIteration'));
}

/**
 * The Merges of one cond call that this (sub-)run still needs besides `op`: their live inputs
 * are computed in one sub-run with `op`'s, so the branch's ops they share (an assign the
 * outputs wait on) run once, as TF's executor runs each op of a taken branch once.
 */
function siblingMerges(op: Operation, ctx: HostContext): Operation[] {
  const pred = condMerges.get(op);
  if (!pred || !ctx.hostOps) return [];
  return ctx.hostOps.filter((m) => m !== op && m.type === 'Merge' && condMerges.get(m) === pred && !ctx.feeds.has(m.outputs[0]!));
}

/**
 * A Variable or its `/read` snapshot: in TF1 both alias the variable's buffer (Assign writes in
 * place), so a branch, or anything later in the run, reads the value current where it is used
 * (after the assigns that use waits on). These are never kept as the run's values.
 */
function isVariableRead(t: Tensor): boolean {
  return t.op.type === 'VariableV2' || (t.op.type === 'Identity' && t.op.inputs[0]!.op.type === 'VariableV2');
}

registerHostOp('Merge', function* (op, _ins, ctx) {
  if (isLoopMerge(op)) {
    throw new InvalidArgumentError(`${op.name} is inside a while loop; values of a loop are read through its Exit ops (the loop's results)`, op.name);
  }
  const merges = [op, ...siblingMerges(op, ctx)];
  const deps = merges.map((m) => m.inputs.map((t) => switchDeps(t, ctx.feeds)));
  // The cond's values from outside (its predicates and what enters each branch through a
  // Switch) are computed once, in one sub-run, and join the run's values: the branch then reads
  // them as TF's Switch forwards them, and an op behind them (a dequeue, an assign, a random draw,
  // one the predicate is computed from too) runs once per step, whichever branch is taken.
  const switches = [...new Set(deps.flat(2))];
  const preds = [...new Set(switches.map((s) => s.op.inputs[1]!))];
  const data = switches.map((s) => s.op.inputs[0]!).filter((t) => !isVariableRead(t));
  const outer = [...new Set([...preds, ...data])].filter((t) => !ctx.feeds.has(t));
  const outerOps = outsideControlOps(merges.flatMap((m) => m.inputs), ctx.feeds);
  const predVals = new Map(preds.flatMap((p) => (ctx.feeds.has(p) ? [[p, ctx.feeds.get(p)!] as const] : [])));
  if (outer.length > 0 || outerOps.length > 0) {
    // with the stateful ops' outputs behind them, so the rest of the run does not run those again
    const first = [...outer, ...outerOps];
    const got = yield* compute(ctx, [...first, ...onceOutputs(ctx.runner, first, ctx.feeds, ctx.route ? undefined : ctx.boundary)]);
    for (const [t, v] of got) {
      const isPred = preds.includes(t);
      if (isPred) predVals.set(t, v);
      if (!isVariableRead(t) && (isPred || !isRecomputableInt(t, v))) ctx.feeds.set(t, v);
    }
  }
  const live = (s: Tensor): boolean => Boolean(predVals.get(s.op.inputs[1]!)!.data[0]) === (s.index === 1);
  const taken = deps.map((d, k) => {
    const i = d.findIndex((ds) => ds.every(live));
    if (i < 0 && k === 0) throw new InvalidArgumentError(`Retval[0] does not have value: no input of ${op.name} is live`, op.name);
    return i;
  });
  const xs = merges.flatMap((m, k) => (taken[k]! >= 0 ? [m.inputs[taken[k]!]!] : []));
  const missing = [...new Set(xs.filter((x) => !ctx.feeds.has(x)))];
  const got = missing.length > 0 ? yield* compute(ctx, missing) : new Map<Tensor, NDArray>();
  const valueOf = (x: Tensor): NDArray => ctx.feeds.get(x) ?? got.get(x)!;
  merges.forEach((m, k) => {
    if (k === 0 || taken[k]! < 0) return;
    // siblings' values join the run's values; the run then skips those Merges
    ctx.feeds.set(m.outputs[0]!, valueOf(m.inputs[taken[k]!]!));
    ctx.feeds.set(m.outputs[1]!, int32Scalar(taken[k]!));
  });
  return [valueOf(op.inputs[taken[0]!]!), int32Scalar(taken[0]!)];
}, { lazy: true });

// ----- while: Exit ---------------------------------------------------------------------------


/**
 * The values of `ts` in this run, kept as feeds of the run (nothing runs twice, a random draw
 * is seen once) except, for a loop's entering values (`keepInts` false), small integer ones:
 * later plans of the run then still see how they were computed, so a size derived from shapes
 * (a TensorArray's, a loop bound) stays foldable when those plans lower.
 */
function* entryValues(ctx: HostContext, ts: Tensor[], keepInts = true): HostGen<NDArray[]> {
  const missing = [...new Set(ts.filter((t) => !ctx.feeds.has(t)))];
  const got = missing.length > 0 ? yield* compute(ctx, missing) : new Map<Tensor, NDArray>();
  for (const [t, v] of got) {
    const shapeLike = (v.dtype === 'int32' || v.dtype === 'int64') && v.data.length <= 16;
    if (keepInts || !shapeLike) ctx.feeds.set(t, v);
  }
  return ts.map((t) => ctx.feeds.get(t) ?? got.get(t)!);
}

function checkShape(w: WhileContext, k: number, v: NDArray): void {
  const m = w.merges[k]!.outputs[0]!;
  if (!compatible(m.shape, v.shape)) {
    throw new InvalidArgumentError(
      `The loop variable ${w.enters[k]!.inputs[0]!.name} has shape ${cShape(v.shape)} after an iteration, incompatible with its shape invariant ${pyShape(m.shape)}`,
      w.nextIterations[k]!.name,
    );
  }
}

function* runLoop(w: WhileContext, ctx: HostContext): HostGen<void> {
  const fwd = w.forward;
  let rec: LoopRecord | undefined;
  if (fwd) {
    // The forward loop runs (and keeps its record) in this same (sub-)run before its gradient:
    // inside an outer gradient loop it reruns from the outer iteration being recomputed.
    yield* entryValues(ctx, [fwd.exits[0]!.outputs[0]!]);
    rec = ctx.store.get(fwd) as LoopRecord | undefined;
    if (!rec) throw new InternalError(`the loop ${fwd.frameName} kept no record for its gradient`);
  }
  const cur = yield* entryValues(ctx, w.enters.map((e) => e.inputs[0]!), false);
  const invs = yield* entryValues(ctx, w.invariants.map((e) => e.inputs[0]!), false);
  const base = new Map<Tensor, NDArray>();
  w.invariants.forEach((e, k) => base.set(e.outputs[0]!, invs[k]!));
  for (const [t, v] of ctx.feeds) if (contextOf(t.op) === w) base.set(t, v);
  if (fwd && rec) fwd.invariants.forEach((e, k) => base.set(e.outputs[0]!, rec!.invariants[k]!));
  const keep: LoopRecord | null = w.recordForGradient ? { invariants: invs, iterations: [] } : null;
  const condT = w.loopCond!.inputs[0]!;
  const nexts = w.nextIterations.map((n) => n.inputs[0]!);
  // An iteration also runs what its NextIterations wait on (TF's gradient: the stack pushes of a
  // forward iteration, the pops of a gradient iteration).
  const nextDeps = [...new Set(w.nextIterations.flatMap((n) => n.controlInputs))];
  const replay = w.replayed;
  const saved = keep ? w.saved : [];
  // A gradient loop fed the forward body's values it reads: where each comes from in the record.
  const fromFwd = fwd && w.fromForward
    ? w.fromForward.flatMap((t) => {
        const k = fwd.identities.indexOf(t);
        if (k >= 0) return [{ t, k, j: -1 }];
        if (fwd.invariants.includes(t.op)) return [];
        return [{ t, k: -1, j: fwd.saved.indexOf(t) }];
      })
    : null;
  const done = nextDeps.length > 0 ? null : yield* residentLoop({ w, ctx, cur, base, keep, rec, fromFwd });
  if (done) {
    w.exits.forEach((e, k) => ctx.feeds.set(e.outputs[0]!, done[k]!));
    if (keep) ctx.store.set(w, keep);
    return;
  }
  if (keep) keep.iterations.length = 0;
  let vals = cur;
  const yes = new NDArray(Uint8Array.of(1), [], 'bool');
  for (let n = 0; ; n++) {
    const f = new Map(base);
    w.merges.forEach((m, k) => {
      f.set(m.outputs[0]!, vals[k]!);
      f.set(m.outputs[1]!, int32Scalar(n === 0 ? 0 : 1));
    });
    if (fwd && rec) {
      // Iteration n of the gradient loop recomputes forward iteration (count - 1 - n).
      const it = rec.iterations[rec.iterations.length - 1 - n];
      if (!it) break;
      if (fromFwd) {
        for (const { t, k, j } of fromFwd) f.set(t, k >= 0 ? (it.vals[k] ?? NDArray.zeros(rec.fixedShapes![k]!, t.dtype)) : it.saved[j]!);
      } else {
        fwd.merges.forEach((m, k) => {
          f.set(m.outputs[0]!, it.vals[k]!);
          f.set(m.outputs[1]!, int32Scalar(1));
        });
        f.set(fwd.loopCond!.outputs[0]!, yes);
        fwd.replayed.forEach((t, k) => f.set(t, it.replay[k]!));
      }
    } else {
      const p = (yield* compute(ctx, [condT], f)).get(condT)!;
      if (!p.data[0]) break;
    }
    f.set(w.loopCond!.outputs[0]!, yes);
    const res = yield* compute(ctx, [...nexts, ...nextDeps, ...(keep ? [...replay, ...saved] : [])], f);
    if (keep) keep.iterations.push({ vals, replay: replay.map((t) => res.get(t)!), saved: saved.map((t) => res.get(t) ?? f.get(t)!) });
    vals = nexts.map((t, k) => {
      const v = res.get(t)!;
      checkShape(w, k, v);
      return v;
    });
  }
  w.exits.forEach((e, k) => ctx.feeds.set(e.outputs[0]!, vals[k]!));
  if (keep) ctx.store.set(w, keep);
}

/**
 * Top-level loops that must run once per step (their iterations push onto or pop from a stack):
 * a second request for their results in the same run gets the first run's.
 */
export const ONCE_PER_STEP = new WeakSet<WhileContext>();
const LOOP_RESULTS = Symbol('loop results');

registerHostOp('Exit', function* (op, _ins, ctx) {
  const w = contextOf(op);
  if (!(w instanceof WhileContext)) throw new InternalError(`Exit ${op.name} is not part of a while loop built here`, op.name);
  const once = ONCE_PER_STEP.has(w);
  let done = ctx.store.get(LOOP_RESULTS) as Map<WhileContext, NDArray[]> | undefined;
  const had = once ? done?.get(w) : undefined;
  if (had) {
    w.exits.forEach((e, k) => ctx.feeds.set(e.outputs[0]!, had[k]!));
  } else {
    yield* runLoop(w, ctx);
    if (once) {
      if (!done) ctx.store.set(LOOP_RESULTS, (done = new Map()));
      done.set(w, w.exits.map((e) => ctx.feeds.get(e.outputs[0]!)!));
    }
  }
  return [ctx.feeds.get(op.outputs[0]!)!];
}, { lazy: true });
