/**
 * Runs sub-requests (fetches + feeds) on one device: plan cache, compile, run, and the
 * session-wide bookkeeping (initialized variables, random-op run counters).
 */
import type { Device, Program } from '../device/device.js';
import type { DataArray } from '../dtype.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { shapesEqual, sizeOf } from '../shape.js';
import { type CompiledPlan, LoopFeeds, NotResident, TensorValueNeeded, compilePlan, uninitializedError } from './compile.js';
import { allFed, valueRequest, withValues } from './value-stage.js';
import { FUSION_BY_DEFAULT } from './fusion.js';
import { deviceRunStarts } from './device-busy.js';
import { type Route, driveAsync, driveSync, hostOpsOf, runWithHostOps } from './host-stage.js';
import { type StepStats, TraceCollector } from './run-trace.js';

export interface SessionState {
  stats: { compiles: number; cacheHits: number; stepsBeforeFusion?: number; stepsAfterFusion?: number };
  /** Fuse elementwise steps (ConfigProto graphOptions.optimizerOptions.globalJitLevel); unset: the default. */
  fuse?: boolean;
  initialized: Set<string>;
  runCounts: Map<string, number>;
  /** Which device holds each variable's storage. */
  varHome: Map<string, Runner>;
  /** The session's host (CPU) device, where input pipelines run as in TF (tf.data functions). */
  host?: Device;
}

interface CacheEntry {
  compiled: CompiledPlan;
  program: Program;
}

export interface SubRun {
  key: string;
  elements: readonly (Tensor | Operation)[];
  feeds: Map<Tensor, NDArray>;
  boundary?: ReadonlySet<Operation>;
  /** Tensors whose values the plan takes as constants (src/session/value-stage.ts). */
  values?: ReadonlyMap<Tensor, NDArray>;
  /** A run spanning devices: how its lazy ops' sub-runs are placed (host-stage.ts Route). */
  route?: Route;
}

/** The ids of `elements` (`op:index` for a tensor, `^op` for an op), the first part of a request key. */
export function elementsKey(elements: readonly (Tensor | Operation)[]): string {
  return elements.map((e) => ('index' in e ? `${e.op.id}:${e.index}` : `^${e.id}`)).join(',');
}

export function requestKey(elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, NDArray>): string {
  return (
    elementsKey(elements) +
    '|' +
    [...feeds].map(([t, v]) => `${t.op.id}:${t.index}=${v.dtype}[${v.shape.join('x')}]`).join(',')
  );
}

export class Runner {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly varShapes = new Map<string, { dtype: string; shape: number[] }>();
  /** Request key → the tensors whose values its plan needs first. */
  private readonly needs = new Map<string, Tensor[]>();

  constructor(
    readonly device: Device,
    readonly state: SessionState,
  ) {}

  private lookup(r: SubRun): CacheEntry | null {
    const hit = this.cache.get(r.key);
    if (hit) this.state.stats.cacheHits++;
    return hit ?? null;
  }

  private compiled(r: SubRun): CompiledPlan {
    const c = compilePlan(r.elements, r.feeds, this.device, r.boundary, this.state.fuse ?? FUSION_BY_DEFAULT, r.values);
    const st = this.state.stats;
    st.compiles++;
    st.stepsBeforeFusion = (st.stepsBeforeFusion ?? 0) + c.fusion.before;
    st.stepsAfterFusion = (st.stepsAfterFusion ?? 0) + c.fusion.after;
    for (const [key, v] of c.variables) {
      const home = this.state.varHome.get(key);
      if (home && home !== this) {
        throw new Error(`Variable ${key} lives on ${home.device.name}; ops on ${this.device.name} cannot use it directly (place its readers and updates with it)`);
      }
      this.state.varHome.set(key, this);
      this.ensureVar(key, v.dtype, v.shape);
    }
    return c;
  }

  /** `r`'s plan, or null when it needs a run-time value first (recorded for `r`'s key). */
  private compiledOrNeeds(r: SubRun): CompiledPlan | null {
    try {
      return this.compiled(r);
    } catch (e) {
      if (!(e instanceof TensorValueNeeded)) throw e;
      // a loop keeping its values in device storage cannot compute one on the host: it runs fed
      if (r.feeds instanceof LoopFeeds) throw new NotResident(e.tensor.name);
      this.needs.set(r.key, [e.tensor]);
      return null;
    }
  }

  ensureVar(key: string, dtype: NDArray['dtype'], shape: number[]): void {
    const known = this.varShapes.get(key);
    if (!known || known.dtype !== dtype || !shapesEqual(known.shape, shape)) {
      this.varShapes.set(key, { dtype, shape });
      this.device.createVariable(key, dtype, sizeOf(shape));
    }
  }

  private before(c: CompiledPlan): Uint32Array {
    for (const [key, op] of c.needsInit) if (!this.state.initialized.has(key)) throw uninitializedError(key, op);
    const dyn = new Uint32Array(c.dynOps.length);
    c.dynOps.forEach((op, i) => (dyn[i] = this.state.runCounts.get(op) ?? 0));
    return dyn;
  }

  private after(c: CompiledPlan, results: DataArray[], r: SubRun): Map<Tensor, NDArray> {
    for (const op of c.dynOps) this.state.runCounts.set(op, (this.state.runCounts.get(op) ?? 0) + 1);
    for (const key of c.assigns) this.state.initialized.add(key);
    const out = new Map<Tensor, NDArray>();
    r.elements.forEach((e, i) => {
      if (!('index' in e)) return;
      const slot = c.fetchSlots[i]!;
      if (slot >= 0) out.set(e, new NDArray(results[slot]!, c.fetchShapes[slot]!, e.dtype));
      // a stateful op's output computed for a run-time value (value-stage.ts) is fed to the plan
      else if (r.values && r.feeds.has(e)) out.set(e, r.feeds.get(e)!);
    });
    return out;
  }

  /**
   * Run `r`; host-stage ops in it (iterators, parsing) are evaluated first, on this thread.
   * With `stats`, the executed steps' times are added to it (plans without host-stage ops).
   */
  run(r: SubRun, stats?: StepStats): Promise<Map<Tensor, NDArray>> {
    const ops = hostOpsOf(this, r);
    return ops.length > 0 ? driveAsync(runWithHostOps(this, r, ops, false)) : this.runPlan(r, stats);
  }

  runSync(r: SubRun, stats?: StepStats): Map<Tensor, NDArray> {
    const ops = hostOpsOf(this, r);
    return ops.length > 0 ? driveSync(runWithHostOps(this, r, ops, true)) : this.runPlanSync(r, stats);
  }

  private addStats(stats: StepStats | undefined, trace: TraceCollector | null, c: CompiledPlan, r: SubRun): void {
    if (!stats || !trace) return;
    const graph = r.elements[0] ? ('index' in r.elements[0] ? r.elements[0].op.graph : r.elements[0].graph) : null;
    stats.devStats.push({ device: `/job:localhost/replica:0/task:0${this.device.name}`, nodeStats: trace.nodeStats(c.plan, graph) });
  }

  /** Run `r` as one device plan. */
  async runPlan(r: SubRun, stats?: StepStats): Promise<Map<Tensor, NDArray>> {
    for (;;) {
      const need = this.needs.get(r.key);
      if (need) {
        r = withValues(r, need, allFed(r, need) ? new Map() : await this.run(valueRequest(r, need)));
        continue;
      }
      // while this run waits, prefetching pipelines keep their functions off the device
      const ends = deviceRunStarts(this.device);
      try {
        let entry = this.lookup(r);
        if (!entry) {
          const compiled = this.compiledOrNeeds(r);
          if (!compiled) continue;
          entry = { compiled, program: await this.device.compile(compiled.plan) };
          this.cache.set(r.key, entry);
        }
        const dyn = this.before(entry.compiled);
        const trace = stats ? new TraceCollector() : null;
        const results = await entry.program.run(feedArrays(entry.compiled, r), dyn, trace?.record);
        this.addStats(stats, trace, entry.compiled, r);
        return this.after(entry.compiled, results, r);
      } finally {
        ends();
      }
    }
  }

  runPlanSync(r: SubRun, stats?: StepStats): Map<Tensor, NDArray> {
    const device = this.device;
    let entry: CacheEntry | null;
    for (;;) {
      const need = this.needs.get(r.key);
      if (need) {
        r = withValues(r, need, allFed(r, need) ? new Map() : this.runSync(valueRequest(r, need)));
        continue;
      }
      entry = this.lookup(r);
      if (entry) break;
      if (!device.compileSync) throw new Error(`${device.name} cannot compile synchronously`);
      const compiled = this.compiledOrNeeds(r);
      if (!compiled) continue;
      entry = { compiled, program: device.compileSync(compiled.plan) };
      this.cache.set(r.key, entry);
      break;
    }
    if (!entry.program.runSync) throw new Error(`${device.name} cannot run synchronously`);
    const dyn = this.before(entry.compiled);
    const trace = stats ? new TraceCollector() : null;
    const results = entry.program.runSync(feedArrays(entry.compiled, r), dyn, trace?.record);
    this.addStats(stats, trace, entry.compiled, r);
    return this.after(entry.compiled, results, r);
  }

  async dispose(): Promise<void> {
    for (const e of this.cache.values()) e.program.dispose();
    this.cache.clear();
    await this.device.dispose();
  }
}

function feedArrays(c: CompiledPlan, r: SubRun): DataArray[] {
  return c.feedOrder.map((t) => r.feeds.get(t)!.data);
}
