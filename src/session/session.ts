/** `tf.Session`: runs pruned, cached plans of a graph on its devices; holds variable values. */
import { RunMetadata, RunOptions, type StepStats, wantsTrace } from './run-trace.js';
import { RemoteSession, type WireStats } from '../distributed/remote-session.js';
import { getDefaultGraph } from '../graph/context.js';
import { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { InvalidArgumentError, RuntimeError, ValueError } from '../errors.js';
import '../device/builtin.js';
import type { Device } from '../device/device.js';
import { type DeviceDecl, deviceDecl, fallbackDevice, registeredDevices } from '../device/registry.js';
import { Variable } from '../ops/variables.js';
import { cShape, shapesEqual } from '../shape.js';
import { prune, uninitializedError } from './compile.js';
import { type FetchResult, type Fetches, flattenFetches } from './fetches.js';
import { type FeedDict, resolveFeeds } from './feeds.js';
import { type DeviceKind, type Placer, type Segment, askedTypes, needsPlacement, placeOp, segment } from './placement.js';
import { Runner, type SessionState, type SubRun, requestKey } from './runner.js';
import { type Route, isLazy, subRun } from './host-stage.js';
import { RunLock, attachRunLock } from './run-lock.js';
import { type ConfigFields, type ConfigProto, type ResolvedSessionOptions, type SessionOptions, fullDeviceName, resolveSessionOptions } from './config.js';

export type { SessionOptions };

/** One device a session uses, as `sess.listDevices()` gives it (TF's `_DeviceAttributes`' name and type). */
export interface DeviceAttributes {
  name: string;
  deviceType: string;
  /** Threads the device's kernels run on (CPU). */
  threads?: number;
  /** Why the CPU device runs inline on one thread whatever `threads` asked (e.g. a page that is not cross-origin isolated), or null. */
  singleThreadReason?: string | null;
}

export interface SessionStats {
  /** Plans compiled (cache misses). */
  compiles: number;
  /** Runs (or run segments) served by a cached plan. */
  cacheHits: number;
  runs: number;
  /** Steps of the compiled plans before elementwise fusion, summed over compiles. */
  stepsBeforeFusion: number;
  /** Steps of the compiled plans after fusion (equal to stepsBeforeFusion when it is off). */
  stepsAfterFusion: number;
}

interface Request {
  elements: (Tensor | Operation)[];
  feeds: Map<Tensor, NDArray>;
  key: string;
  rebuild(values: unknown[]): unknown;
}

export class Session {
  readonly graph: Graph;
  readonly stats: SessionStats = { compiles: 0, cacheHits: 0, runs: 0, stepsBeforeFusion: 0, stepsAfterFusion: 0 };
  private readonly opts: ResolvedSessionOptions;
  private readonly state: SessionState;
  private readonly runners = new Map<DeviceKind, Runner>();
  /** Devices being opened or opened (null: not to be had), by id. */
  private readonly opening = new Map<DeviceKind, Promise<Runner | null>>();
  private readonly fallback: DeviceDecl = fallbackDevice();
  private closed = false;
  /** One run at a time, in call order; queue waits park on it (src/session/run-lock.ts). */
  private readonly lock = new RunLock();
  /** Asynchronous runs called and not yet settled. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per request key: its segments when the ops span devices, else null. */
  private readonly routes = new Map<string, ReturnType<typeof segment> | null>();
  /** Segments of lazy ops' sub-runs (lazyRoute), by request key. */
  private readonly lazySegments = new Map<string, Segment[]>();
  private placementVersion = -1;
  /** Per graph version: does any op ask for another device, and which device types are named? */
  private placedElsewhere = false;
  private asked = new Set<string>();

  /** Ops whose placement was printed (`logDevicePlacement`). */
  private readonly logged = new Set<Operation>();
  /** With a `grpc://` target: the cluster the session runs on (src/distributed). */
  private readonly remote: RemoteSession | null = null;

  /** `new Session(opts?)`, or TF1's positional `new Session(target, graph?, config?)`. */
  constructor(...args: [opts?: SessionOptions | null] | [target: string, graph?: Graph | null, config?: ConfigProto | ConfigFields | null, opts?: SessionOptions]) {
    this.opts = resolveSessionOptions(args);
    this.graph = this.opts.graph ?? getDefaultGraph();
    this.state = { stats: this.stats, initialized: new Set(), runCounts: new Map(), varHome: new Map(), ...(this.opts.fusion !== undefined ? { fuse: this.opts.fusion } : {}) };
    attachRunLock(this.state, this.lock);
    // the session's device must be registered (checked with the options); the fallback opens now
    const host = this.fallback.open(this.openOptions(this.fallback)) as Device;
    this.state.host = host;
    this.runners.set(this.fallback.id, new Runner(host, this.state));
    if (this.opts.target) this.remote = new RemoteSession(this.opts.target, this.graph, this.opts.operationTimeoutInMs ?? 0);
    if (this.opts.logDevicePlacement) console.log('Device mapping: no known devices.');
  }

  /** Calls, steps and tensor bytes sent and received by a session with a `grpc://` target (null without one). */
  get distributedStats(): WireStats | null {
    return this.remote ? { ...this.remote.stats } : null;
  }

  private get defaultKind(): DeviceKind {
    return this.opts.device ?? this.fallback.id;
  }

  private get fallbackRunner(): Runner {
    return this.runners.get(this.fallback.id)!;
  }

  private openOptions(d: DeviceDecl): { threads?: number; parallelThreshold?: number; soft: boolean } {
    // A session asks softly for a device other than its own: placement then names the op that wanted it.
    const soft = !!this.opts.allowSoftPlacement || this.defaultKind !== d.id;
    return {
      ...(this.opts.threads !== undefined ? { threads: this.opts.threads } : {}),
      ...(this.opts.parallelThreshold !== undefined ? { parallelThreshold: this.opts.parallelThreshold } : {}),
      soft,
    };
  }

  /** The devices this session runs on (the fallback, and the others once opened), in registry order. */
  listDevices(): DeviceAttributes[] {
    if (this.remote) return this.remote.listDevices();
    const out: DeviceAttributes[] = [];
    for (const d of registeredDevices()) {
      const r = this.runners.get(d.id);
      if (!r) continue;
      const { name, threads, singleThreadReason } = r.device;
      // a CPU device says how many threads it really runs on, and why one where it was asked more
      out.push({ name, deviceType: d.deviceType, ...(threads !== undefined ? { threads } : {}), ...(singleThreadReason !== undefined ? { singleThreadReason } : {}) });
    }
    return out;
  }

  /** Open a device once; null where there is none and the session can do without it. */
  private openDevice(d: DeviceDecl): Promise<Runner | null> {
    const have = this.opening.get(d.id);
    if (have) return have;
    const o = this.openOptions(d);
    const hidden = this.opts.deviceCount[d.deviceType] === 0;
    const open = (): Promise<Device | null> => !hidden ? Promise.resolve(d.open(o))
      : o.soft ? Promise.resolve(null) : Promise.reject(new InvalidArgumentError(`The ${d.label} device is hidden by the session config (deviceCount ${d.deviceType}: 0)`));
    const p = open().then((dev) => (dev ? this.adopt(d, dev) : null));
    this.opening.set(d.id, p);
    return p;
  }

  /** Open a synchronous device now, where it opens without waiting; whether it is open. */
  private openSync(d: DeviceDecl): boolean {
    if (this.runners.has(d.id)) return true;
    if (this.opening.has(d.id) || this.opts.deviceCount[d.deviceType] === 0) return false;
    const dev = d.open(this.openOptions(d));
    if (dev instanceof Promise) {
      this.opening.set(d.id, dev.then((x) => (x ? this.adopt(d, x) : null)));
      return false;
    }
    this.opening.set(d.id, Promise.resolve(this.adopt(d, dev)));
    return true;
  }

  private adopt(d: DeviceDecl, dev: Device): Runner {
    const r = new Runner(dev, this.state);
    this.runners.set(d.id, r);
    return r;
  }

  /** The devices a run may need, besides the fallback: the session's own and those the graph names. */
  private wanted(): DeviceDecl[] {
    return registeredDevices().filter((d) => !d.fallback && (d.id === this.defaultKind || this.asked.has(d.deviceType)));
  }

  /** @internal The run lock (queue runners count themselves on it). */
  get runLock(): RunLock {
    return this.lock;
  }

  /** @internal Whether `close()` has been called. */
  get isClosed(): boolean {
    return this.closed;
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeError('Attempted to use a closed Session.');
  }

  /** Run `fetches` with `feedDict`; resolves to values in the fetches' structure. */
  run<const F extends Fetches>(fetches: F, feedDict?: FeedDict | RunKeywords, opts?: unknown, runMetadata?: RunMetadata | null): Promise<FetchResult<F>>;
  /** Fetches whose structure is not known statically. */
  run(fetches: unknown, feedDict?: FeedDict | RunKeywords, opts?: unknown, runMetadata?: RunMetadata | null): Promise<any>;
  run(fetches: unknown, feedDict?: FeedDict | RunKeywords, opts?: unknown, runMetadata?: RunMetadata | null): Promise<unknown> {
    // TF1's keyword form, `sess.run(y, feed_dict={...}, options=..., run_metadata=...)`, as a
    // trailing object: `sess.run(y, {feedDict, options, runMetadata})`. None of these keys is a
    // tensor name (those end in `:<index>`), so a feed dict keyed by names never looks like it.
    const kw = runKeywords(feedDict);
    if (kw) {
      feedDict = kw.feedDict;
      opts ??= kw.options;
      runMetadata ??= kw.runMetadata;
    }
    const stats = traceStats(opts, runMetadata);
    const timeout = opts instanceof RunOptions ? opts.timeoutInMs : (opts as { timeoutInMs?: number } | null | undefined)?.timeoutInMs;
    return this.start(fetches, feedDict as FeedDict | undefined, stats, timeout, undefined);
  }

  /**
   * @internal A cluster task's run for one client's RunGraph call: `tag` names it to
   * `runLock.cancelTagged` (the call was cancelled, the client went away).
   */
  runTagged(fetches: unknown, feedDict: FeedDict, timeoutInMs: number | undefined, tag: unknown): Promise<unknown> {
    return this.start(fetches, feedDict, undefined, timeoutInMs, tag);
  }

  private start(fetches: unknown, feedDict: FeedDict | undefined, stats: StepStats | undefined, timeout: number | undefined, tag: unknown): Promise<unknown> {
    this.lock.inFlight++;
    // A session with a grpc:// target sends its runs out at once: they run on the cluster's
    // tasks, where one may wait for another (the chief's queue runner and its training steps).
    if (this.remote) {
      const r = this.runAsync(fetches, feedDict, stats, timeout).finally(() => {
        this.lock.inFlight--;
        this.inFlight.delete(r);
      });
      this.inFlight.add(r);
      return r;
    }
    // Runs are serialized: a session executes one run at a time, in call order; a run waiting
    // in a queue op gives the lock back until it is woken (src/session/run-lock.ts).
    // settled (and counted off) before the caller's continuation runs
    const p = this.lock.acquire().then(() => this.runAsync(fetches, feedDict, stats, timeout, tag)).finally(() => {
      this.lock.inFlight--;
      this.lock.release();
      this.inFlight.delete(p);
    });
    this.inFlight.add(p);
    return p;
  }

  private request(fetches: unknown, feedDict: FeedDict | undefined): Request {
    this.checkOpen();
    if (this.graph.operations.length === 0) {
      throw new RuntimeError('The Session graph is empty.  Add operations to the graph before calling run().');
    }
    const flat = flattenFetches(this.graph, fetches);
    const feeds = resolveFeeds(this.graph, feedDict);
    this.stats.runs++;
    return { elements: flat.elements, feeds, key: requestKey(flat.elements, feeds), rebuild: flat.rebuild };
  }

  private finish(req: Request, values: Map<Tensor, NDArray>): unknown {
    return req.rebuild(req.elements.map((e) => (e instanceof Operation ? null : (req.feeds.get(e) ?? values.get(e)))));
  }

  /** Segments for a request, or null when one device runs it all. */
  private route(req: Pick<Request, 'key' | 'elements' | 'feeds'>, opened: readonly DeviceKind[]): ReturnType<typeof segment> | null {
    this.scanPlacement();
    if (!this.placedElsewhere) return null;
    const placer = this.placer(opened);
    let r = this.routes.get(req.key);
    if (r === undefined) {
      r = segment(req.elements, req.feeds, placer);
      // one segment on the session's device runs as one request, unless a cond or loop in it
      // has ops placed elsewhere (segment() does not look behind them)
      const home = (s: Segment) => s.kind === this.defaultKind && (![...s.ops].some(isLazy) || [...prune(req.elements, req.feeds)].every((op) => placeOp(op, placer) === this.defaultKind));
      if (r.length === 0 || (r.length === 1 && home(r[0]!))) r = null;
      this.routes.set(req.key, r);
    }
    return r;
  }

  /** The placer over the opened devices. */
  private placer(opened: readonly DeviceKind[]): Placer {
    // soft placement moves ops onto a software device (a CPU-backed GPU adapter) only where it is the session's own
    const devices = new Map<DeviceKind, { soft: boolean }>();
    for (const id of opened) {
      const d = deviceDecl(id);
      const dev = this.runners.get(id)!.device;
      devices.set(id, { soft: this.defaultKind === id || !d.isSoftware?.(dev) });
    }
    return { defaultKind: this.defaultKind, allowSoftPlacement: !!this.opts.allowSoftPlacement, devices };
  }

  /** The runner a variable no run has placed yet belongs on: where its op is placed. */
  private async placedHome(v: Variable): Promise<Runner> {
    this.scanPlacement();
    if (!this.placedElsewhere) return this.homeOf(v);
    const opened: DeviceKind[] = [];
    for (const d of this.wanted()) if (await this.openDevice(d)) opened.push(d.id);
    return this.runners.get(placeOp(v.op, this.placer(opened))) ?? this.fallbackRunner;
  }

  /** Re-scan the graph's device requests when it has grown. */
  private scanPlacement(): void {
    if (this.placementVersion === this.graph.version) return;
    this.placementVersion = this.graph.version;
    this.routes.clear();
    this.lazySegments.clear();
    const ops = this.graph.operations;
    this.placedElsewhere = needsPlacement(ops, { defaultKind: this.defaultKind, allowSoftPlacement: false });
    this.asked = askedTypes(ops);
  }

  private async runAsync(fetches: unknown, feedDict?: FeedDict, stats?: StepStats, timeoutInMs?: number, tag?: unknown): Promise<unknown> {
    // this run's deadline for queue waits (RunOptions, else the config's operationTimeoutInMs)
    const ms = timeoutInMs !== undefined && timeoutInMs > 0 ? timeoutInMs : (this.opts.operationTimeoutInMs ?? 0);
    const req = this.request(fetches, feedDict);
    if (req.elements.length === 0) return req.rebuild([]);
    if (this.remote) return this.finish(req, await this.remote.run(req.key, req.elements, req.feeds, timeoutInMs));
    this.lock.deadline = ms > 0 ? performance.now() + ms : undefined;
    this.lock.tag = tag;
    this.scanPlacement();
    const opened: DeviceKind[] = [];
    for (const d of this.wanted()) if (await this.openDevice(d)) opened.push(d.id);
    const main = this.runners.get(this.defaultKind) ?? this.fallbackRunner;
    const segs = this.route(req, opened);
    if (this.opts.logDevicePlacement) this.logPlacement(req, segs ? this.placer(opened) : null, main.device.kind);
    if (!segs) {
      return this.finish(req, await main.run({ key: req.key, elements: req.elements, feeds: req.feeds }, stats));
    }
    const values = new Map<Tensor, NDArray>(req.feeds);
    const route = this.lazyRoute(values, opened);
    for (const seg of segs) {
      const runner = this.runners.get(seg.kind) ?? this.fallbackRunner;
      const out = await runner.run({ ...this.subRun(seg, values), route }, stats);
      for (const [t, v] of out) values.set(t, v);
    }
    return this.finish(req, values);
  }

  /**
   * How a run spanning devices runs a lazy op's sub-runs (a taken branch, a loop body): cut into
   * segments by the same placement, given the values known where the lazy op runs (`known`: the
   * run's values, and a loop iteration's or branch's around a nested one). Only synchronous
   * devices take part in `runSync`.
   */
  private lazyRoute(known: ReadonlyMap<Tensor, NDArray>, opened: readonly DeviceKind[]): Route {
    return function* (this: Session, elements: (Tensor | Operation)[], feeds: Map<Tensor, NDArray>, sync: boolean, store: Map<unknown, unknown>) {
      const all = new Map(known);
      for (const [t, v] of feeds) all.set(t, v);
      // what is known already (a feed, an earlier segment's result) is not computed again
      const out = new Map<Tensor, NDArray>();
      for (const e of elements) if (e instanceof Tensor && all.has(e)) out.set(e, all.get(e)!);
      elements = elements.filter((e) => !(e instanceof Tensor && all.has(e)));
      if (elements.length === 0) return out;
      const key = requestKey(elements, all);
      let segs = this.lazySegments.get(key);
      if (!segs) {
        if (this.lazySegments.size >= 4096) this.lazySegments.clear(); // loop values whose shapes change each iteration
        this.lazySegments.set(key, (segs = segment(elements, all, this.placer(opened))));
      }
      const inner = this.lazyRoute(all, opened);
      for (const seg of segs) {
        const runner = this.runners.get(seg.kind) ?? this.fallbackRunner;
        if (sync && !deviceDecl(seg.kind).sync) throw new RuntimeError(`runSync cannot run ops placed on the ${deviceDecl(seg.kind).label} device`);
        const segFeeds = new Map(seg.inputs.map((t) => [t, all.get(t)!] as const));
        for (const [t, v] of yield* subRun(runner, seg.elements, segFeeds, sync, seg.ops, store, inner)) {
          all.set(t, v);
          out.set(t, v);
        }
      }
      return out;
    }.bind(this);
  }

  /** TF's placer lines (`name: (Type): /job:localhost/replica:0/task:0/device:CPU:0`), once per op. */
  private logPlacement(req: Request, placer: Placer | null, main: DeviceKind): void {
    // every op the run may use, the ops behind a cond or loop included
    const lines: string[] = [];
    for (const op of [...prune(req.elements, req.feeds)].sort((a, b) => a.id - b.id)) {
      if (this.logged.has(op)) continue;
      this.logged.add(op);
      lines.push(`${op.name}: (${op.type}): ${fullDeviceName(placer ? placeOp(op, placer) : main)}`);
    }
    if (lines.length > 0) console.log(lines.join('\n'));
  }

  private subRun(seg: ReturnType<typeof segment>[number], values: Map<Tensor, NDArray>): SubRun {
    const feeds = new Map(seg.inputs.map((t) => [t, values.get(t)!] as const));
    return { key: requestKey(seg.elements, feeds), elements: seg.elements, feeds, boundary: seg.ops };
  }

  /** Synchronous run (CPU device only). */
  runSync<const F extends Fetches>(fetches: F, feedDict?: FeedDict, opts?: unknown, runMetadata?: RunMetadata | null): FetchResult<F>;
  runSync(fetches: unknown, feedDict?: FeedDict, opts?: unknown, runMetadata?: RunMetadata | null): any;
  runSync(fetches: unknown, feedDict?: FeedDict, opts?: unknown, runMetadata?: RunMetadata | null): unknown {
    const stats = traceStats(opts, runMetadata);
    if (this.remote) throw new RuntimeError('runSync cannot run a session with a grpc:// target (its steps wait on the network): use run()');
    const home = deviceDecl(this.defaultKind);
    if (!home.sync) throw new RuntimeError(`runSync is only available on devices that run synchronously (the CPU device), not on the ${home.label} device`);
    // It cannot wait its turn (that needs the event loop), and must not cut in: runs share the
    // device's buffers and worker pool, and run in call order. (Runs parked in a queue op hold
    // no lock: runSync may run then.)
    if (this.lock.busy) {
      throw new RuntimeError(
        'runSync was called while an asynchronous run of this session is in progress; runs execute one at a time, in call order: await the pending run() first',
      );
    }
    const req = this.request(fetches, feedDict);
    if (req.elements.length === 0) return req.rebuild([]);
    this.scanPlacement();
    // only synchronous devices take part (opened here where they can be)
    const opened = this.wanted().filter((d) => d.sync && this.openSync(d)).map((d) => d.id);
    const main = this.runners.get(this.defaultKind);
    if (!main) throw new RuntimeError(`runSync: the ${home.label} device could not be opened synchronously; run() opens it`);
    const segs = this.route(req, opened);
    if (this.opts.logDevicePlacement) this.logPlacement(req, segs ? this.placer(opened) : null, main.device.kind);
    if (!segs) return this.finish(req, main.runSync({ key: req.key, elements: req.elements, feeds: req.feeds }, stats));
    const values = new Map<Tensor, NDArray>(req.feeds);
    const route = this.lazyRoute(values, opened);
    for (const seg of segs) {
      const runner = this.runners.get(seg.kind);
      if (!runner || !deviceDecl(seg.kind).sync) throw new RuntimeError(`runSync cannot run ops placed on the ${deviceDecl(seg.kind).label} device`);
      for (const [t, v] of runner.runSync({ ...this.subRun(seg, values), route }, stats)) values.set(t, v);
    }
    return this.finish(req, values);
  }

  private homeOf(v: Variable): Runner {
    return this.state.varHome.get(v.op.name) ?? this.runners.get(this.defaultKind) ?? this.fallbackRunner;
  }

  /** Current value of a variable (for savers); fails if it is uninitialized. */
  async readVariable(v: Variable): Promise<NDArray> {
    this.checkOpen();
    const key = v.op.name;
    if (this.remote) return this.remote.readVariable(v);
    if (!this.state.initialized.has(key)) throw uninitializedError(key, key);
    return new NDArray(await this.homeOf(v).device.readVariable(key), v.shape, v.dtype);
  }

  /**
   * Assign several variables at once (restore). Every value is checked first, so a failure
   * changes no variable.
   */
  async writeVariables(pairs: readonly [Variable, NDArray][], opName = 'Assign'): Promise<void> {
    this.checkOpen();
    for (const [v, a] of pairs) {
      if (v.graph !== this.graph) throw new ValueError(`Variable ${v.name} is not an element of this graph.`);
      if (!shapesEqual(v.shape, a.shape)) {
        throw new InvalidArgumentError(
          `Assign requires shapes of both tensors to match. lhs shape= ${cShape(v.shape)} rhs shape= ${cShape(a.shape)}`,
          opName,
        );
      }
      if (a.dtype !== v.dtype && !(v.dtype === 'int64' && a.dtype === 'int32')) {
        throw new InvalidArgumentError(`Assign of ${v.op.name} expects dtype ${v.dtype}, got ${a.dtype}`, opName);
      }
    }
    if (this.remote) return this.remote.writeVariables(pairs);
    if (this.defaultKind !== this.fallback.id) await this.openDevice(deviceDecl(this.defaultKind));
    for (const [v, a] of pairs) {
      const key = v.op.name;
      // a restore before any run: the variable goes where its op is placed, not to the default device
      const home = this.state.varHome.get(key) ?? (await this.placedHome(v));
      this.state.varHome.set(key, home);
      home.ensureVar(key, v.dtype, v.shape);
      await home.device.writeVariable(key, a.dtype === v.dtype ? a.data : Float64Array.from(a.data));
      this.state.initialized.add(key);
    }
  }

  isInitialized(v: Variable): boolean {
    // a cluster's variables are checked where they live (reads fail there when uninitialized)
    if (this.remote) return true;
    return this.state.initialized.has(v.op.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // runs waiting in queue ops are cancelled, as TF's session close cancels pending ops
    this.lock.cancelAll();
    // a cluster session's steps in flight are cancelled on their tasks first
    await this.remote?.close();
    await Promise.allSettled([...this.inFlight]);
    for (const r of this.runners.values()) await r.dispose();
    this.runners.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The step stats a run fills: `runMetadata`'s, when `opts` asks for a trace (fresh for each run, as TF's). */
const RUN_KEYWORDS = new Set(['feedDict', 'options', 'runMetadata']);

/** `Session.run`'s keyword parameters, TF1's `feed_dict`, `options` and `run_metadata`. */
export interface RunKeywords {
  feedDict?: FeedDict;
  options?: unknown;
  runMetadata?: RunMetadata | null;
}

/** `run`'s keyword parameters when its second argument is `{feedDict?, options?, runMetadata?}`. */
function runKeywords(arg: unknown): RunKeywords | null {
  if (arg === null || typeof arg !== 'object' || Object.getPrototypeOf(arg) !== Object.prototype) return null;
  const keys = Object.keys(arg);
  return keys.length > 0 && keys.every((k) => RUN_KEYWORDS.has(k)) ? (arg as RunKeywords) : null;
}

function traceStats(opts: unknown, runMetadata: RunMetadata | null | undefined): StepStats | undefined {
  if (runMetadata !== undefined && runMetadata !== null && !(runMetadata instanceof RunMetadata)) {
    throw new TypeError(`run_metadata must be a tf.RunMetadata, got ${String(runMetadata)}`);
  }
  if (!runMetadata || !wantsTrace(opts)) return undefined;
  runMetadata.stepStats = { devStats: [] };
  return runMetadata.stepStats;
}
