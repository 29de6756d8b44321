/**
 * A while loop whose values stay in device storage between iterations. Each loop variable and
 * each loop constant gets storage on the device (written once when the loop starts); the
 * condition's and the body's plans read them there, and the body's plan writes each next value
 * back after its steps, so nothing is copied in or out per iteration but what the host needs
 * (the values a gradient keeps). A TensorArray write over such storage writes just its row, in
 * place; a read gathers just its row. The plans are the same cached sub-plans as the host-fed
 * loop's, so the results are the same bit for bit.
 *
 * Used where every plan of the loop is a device plan (no host-stage op, no nested loop or cond
 * in it) and the condition has no effects; otherwise the loop feeds its values per iteration
 * (exec.ts). Storage is pooled per device by dtype and shape, one set per loop running.
 */
import type { DType } from '../../dtype.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { LoopFeeds, NotResident, type ResidentValue, prune } from '../../session/compile.js';
import { type HostContext, type HostGen, isHostOp, wait } from '../../session/host-stage.js';
import { type Runner, type SubRun, requestKey } from '../../session/runner.js';
import { getOpDef } from '../registry.js';
import { WhileContext } from './context.js';

/** What a differentiated loop keeps of one run: per iteration, its loop values and replayed values. */
export interface LoopRecord {
  invariants: NDArray[];
  /**
   * Per iteration: its loop values (where the loop kept them in device storage, only those a
   * gradient reads), the replayed random draws, the values kept for the gradient (`saved`).
   */
  iterations: { vals: (NDArray | undefined)[]; replay: NDArray[]; saved: NDArray[] }[];
  /** The loop values' shapes, where they were fixed (the loop ran in device storage). */
  fixedShapes?: number[][];
}

const pools = new WeakMap<Runner, Map<string, string[]>>();
/** Loops found not to fit device storage (a value changes shape): fed from then on. */
const fedOnly = new WeakSet<WhileContext>();
let nextKey = 0;

function acquire(runner: Runner, dtype: DType, shape: readonly number[]): ResidentValue {
  let m = pools.get(runner);
  if (!m) pools.set(runner, (m = new Map()));
  const key = m.get(`${dtype}[${shape.join(',')}]`)?.pop() ?? `\u0000loop value ${nextKey++}`;
  return { key, dtype, shape: [...shape] };
}

function release(runner: Runner, r: ResidentValue): void {
  const m = pools.get(runner)!;
  const sig = `${r.dtype}[${r.shape.join(',')}]`;
  const free = m.get(sig) ?? [];
  free.push(r.key);
  m.set(sig, free);
}

const int32Scalar = (v: number): NDArray => new NDArray(Int32Array.of(v), [], 'int32');

function* plan(ctx: HostContext, elements: Tensor[], feeds: LoopFeeds, sig: string): HostGen<Map<Tensor, NDArray>> {
  const r: SubRun = { key: `${requestKey(elements, feeds)}|${sig}`, elements, feeds };
  if (ctx.sync) return ctx.runner.runPlanSync(r);
  return yield* wait(ctx.runner.runPlan(r));
}

export interface LoopSetup {
  w: WhileContext;
  ctx: HostContext;
  /** Values entering the loop variables. */
  cur: NDArray[];
  /** The loop constants (and, for a gradient loop, the forward loop's) and values fed inside the loop. */
  base: Map<Tensor, NDArray>;
  keep: LoopRecord | null;
  rec: LoopRecord | undefined;
  /** A gradient loop's feeds from the forward record (exec.ts). */
  fromFwd: { t: Tensor; k: number; j: number }[] | null;
}

/** Whether the plans of `w` are device plans (no host-stage op) and its condition has no effects. */
function residentOk(s: LoopSetup, stops: ReadonlyMap<Tensor, unknown>, bodyOut: Tensor[]): boolean {
  const { w, ctx } = s;
  if (ctx.boundary || ctx.route || fedOnly.has(w)) return false;
  // a gradient loop: only after a forward loop that kept its values in storage (their shapes fixed)
  if (w.forward && (!s.fromFwd || !s.rec?.fixedShapes)) return false;
  if (s.cur.some((v) => v.dtype === 'string')) return false;
  const condOps = prune([w.loopCond!.inputs[0]!], stops);
  const bodyOps = prune(bodyOut, stops);
  const bad = (op: Operation): boolean => isHostOp(op) || op.type === 'Enter' || op.type === 'Exit';
  for (const op of condOps) if (bad(op) || getOpDef(op.type).stateful) return false;
  for (const op of bodyOps) if (bad(op)) return false;
  return true;
}

/**
 * Run the loop with its values in device storage; returns the values at its Exits, or null
 * where it cannot (before anything of the loop ran but a pure condition).
 */
export function* residentLoop(s: LoopSetup): HostGen<NDArray[] | null> {
  const { w, ctx, cur, base, keep, rec } = s;
  const runner = ctx.runner;
  const fwd = w.forward;
  const nexts = w.nextIterations.map((n) => n.inputs[0]!);
  const replay = keep ? w.replayed : [];
  const saved = keep ? w.saved : [];
  const ids = keep ? w.savedIds : [];
  // storage for the loop values and the constants (strings stay on the host, fed)
  const held: ResidentValue[] = [];
  const hold = (dtype: DType, shape: readonly number[]): ResidentValue => {
    const r = acquire(runner, dtype, shape);
    held.push(r);
    return r;
  };
  try {
    const vars = cur.map((v) => (v.dtype === 'string' ? null : hold(v.dtype, v.shape)));
    const resident = new Map<Tensor, ResidentValue>();
    const fedBase = new Map<Tensor, NDArray>();
    const initFeeds = new Map<Tensor, NDArray>();
    const initCommits: [Tensor, ResidentValue][] = [];
    w.merges.forEach((m, k) => {
      const r = vars[k];
      if (!r) return;
      resident.set(m.outputs[0]!, r);
      initFeeds.set(m.outputs[0]!, cur[k]!);
      initCommits.push([m.outputs[0]!, r]);
    });
    for (const [t, v] of base) {
      if (v.dtype === 'string') {
        fedBase.set(t, v);
        continue;
      }
      const r = hold(v.dtype, v.shape);
      resident.set(t, r);
      initFeeds.set(t, v);
      initCommits.push([t, r]);
    }
    // a gradient loop: forward values read only for their shapes are storage of that shape
    const fed = (s.fromFwd ?? []).filter(({ t, k }) => {
      if (k < 0 || !fwd!.shapeOnly.has(t) || !rec!.fixedShapes) return true;
      resident.set(t, hold(t.dtype, rec!.fixedShapes[k]!));
      return false;
    });
    const sig = [...resident].map(([t, r]) => `${t.op.id}:${t.index}@${r.key}`).join(',');
    const bodyFetch = [
      ...w.merges.flatMap((_, k) => (vars[k] ? [] : [nexts[k]!])),
      ...replay, ...saved, ...ids.map((k) => w.identities[k]!),
    ];
    const commits = w.merges.flatMap((_, k) => (vars[k] ? [[nexts[k]!, vars[k]!] as const] : []));
    const stops = new Map<Tensor, unknown>([...fedBase, ...resident]);
    w.merges.forEach((m) => stops.set(m.outputs[1]!, null));
    stops.set(w.loopCond!.outputs[0]!, null);
    for (const { t } of fed) stops.set(t, null);
    if (!residentOk(s, stops, [...bodyFetch, ...nexts])) return null;

    yield* plan(ctx, [], new LoopFeeds(initFeeds, new Map(), initCommits), `init:${initCommits.map(([t, r]) => `${t.op.id}:${t.index}@${r.key}`).join(',')}`);
    const condT = w.loopCond!.inputs[0]!;
    const yes = new NDArray(Uint8Array.of(1), [], 'bool');
    let strings = cur;
    for (let n = 0; ; n++) {
      const f = new Map(fedBase);
      w.merges.forEach((m, k) => {
        if (!vars[k]) f.set(m.outputs[0]!, strings[k]!);
        f.set(m.outputs[1]!, int32Scalar(n === 0 ? 0 : 1));
      });
      if (fwd) {
        const it = rec!.iterations[rec!.iterations.length - 1 - n];
        if (!it) break;
        for (const { t, k, j } of fed) f.set(t, k >= 0 ? (it.vals[k] ?? NDArray.zeros(rec!.fixedShapes![k]!, t.dtype)) : it.saved[j]!);
      }
      let res: Map<Tensor, NDArray>;
      try {
        if (!fwd) {
          const p = (yield* plan(ctx, [condT], new LoopFeeds(f, resident, []), sig)).get(condT)!;
          if (!p.data[0]) break;
        }
        f.set(w.loopCond!.outputs[0]!, yes);
        res = yield* plan(ctx, bodyFetch, new LoopFeeds(f, resident, commits), sig);
      } catch (e) {
        // a value that does not fit its storage, found when the first plans compile: the body
        // never ran (the condition has no effects), the loop starts over fed
        if (e instanceof NotResident && n === 0) {
          fedOnly.add(w);
          return null;
        }
        throw e;
      }
      if (keep) {
        const vals: (NDArray | undefined)[] = new Array(cur.length);
        for (const k of ids) vals[k] = res.get(w.identities[k]!)!;
        keep.iterations.push({ vals, replay: replay.map((t) => res.get(t)!), saved: saved.map((t) => res.get(t) ?? f.get(t)!) });
      }
      strings = w.merges.map((_, k) => (vars[k] ? cur[k]! : res.get(nexts[k]!)!));
    }
    if (keep) keep.fixedShapes = cur.map((v) => [...v.shape]);
    // the values at the Exits
    const outT = w.merges.flatMap((m, k) => (vars[k] ? [m.outputs[0]!] : []));
    const got = outT.length > 0 ? yield* plan(ctx, outT, new LoopFeeds(new Map(), resident, []), sig) : new Map<Tensor, NDArray>();
    return w.merges.map((m, k) => (vars[k] ? got.get(m.outputs[0]!)! : strings[k]!));
  } finally {
    for (const r of held) release(runner, r);
  }
}

