/** `tf.Session`: runs pruned, cached plans of a graph on its devices; holds variable values. */
import { getDefaultGraph } from '../graph/context.js';
import { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { InvalidArgumentError, RuntimeError, ValueError } from '../errors.js';
import { CpuDevice } from '../device/cpu/index.js';
import type { Device } from '../device/device.js';
import { Variable } from '../ops/variables.js';
import { cShape, shapesEqual } from '../shape.js';
import { prune, uninitializedError } from './compile.js';
import { localDevice } from '../graph/device-spec.js';
import { type FetchResult, type Fetches, flattenFetches } from './fetches.js';
import { type FeedDict, resolveFeeds } from './feeds.js';
import { createWebGPU, isSoftwareGpu } from './devices.js';
import { type DeviceKind, type Placer, needsPlacement, segment } from './placement.js';
import { Runner, type SessionState, type SubRun, requestKey } from './runner.js';
import { type ConfigFields, type ConfigProto, type ResolvedSessionOptions, type SessionOptions, fullDeviceName, resolveSessionOptions } from './config.js';

export type { SessionOptions };

export interface SessionStats {
  /** Plans compiled (cache misses). */
  compiles: number;
  /** Runs (or run segments) served by a cached plan. */
  cacheHits: number;
  runs: number;
}

interface Request {
  elements: (Tensor | Operation)[];
  feeds: Map<Tensor, NDArray>;
  key: string;
  rebuild(values: unknown[]): unknown;
}

export class Session {
  readonly graph: Graph;
  readonly stats: SessionStats = { compiles: 0, cacheHits: 0, runs: 0 };
  private readonly opts: ResolvedSessionOptions;
  private readonly state: SessionState;
  private readonly runners = new Map<DeviceKind, Runner>();
  private gpu: Promise<Runner | null> | null = null;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Asynchronous runs called and not yet settled. */
  private pending = 0;
  /** Per request key: its segments when the ops span devices, else null. */
  private readonly routes = new Map<string, ReturnType<typeof segment> | null>();
  private placementVersion = -1;
  /** Per graph version: does any op ask for another device / for the GPU? */
  private placedElsewhere = false;
  private asksGpu = false;

  /** Ops whose placement was printed (`logDevicePlacement`). */
  private readonly logged = new Set<Operation>();

  /** `new Session(opts?)`, or TF1's positional `new Session(target, graph?, config?)`. */
  constructor(...args: [opts?: SessionOptions | null] | [target: string, graph?: Graph | null, config?: ConfigProto | ConfigFields | null, opts?: SessionOptions]) {
    this.opts = resolveSessionOptions(args);
    this.graph = this.opts.graph ?? getDefaultGraph();
    this.state = { stats: this.stats, initialized: new Set(), runCounts: new Map(), varHome: new Map() };
    this.runners.set('cpu', new Runner(new CpuDevice(this.opts), this.state));
    if (this.opts.logDevicePlacement) console.log('Device mapping: no known devices.');
  }

  private get defaultKind(): DeviceKind {
    return this.opts.device ?? 'cpu';
  }

  /** The devices this session runs on (a GPU once it has been opened). */
  listDevices(): { name: string; deviceType: 'CPU' | 'GPU' }[] {
    const out: { name: string; deviceType: 'CPU' | 'GPU' }[] = [{ name: '/device:CPU:0', deviceType: 'CPU' }];
    const gpu = this.runners.get('webgpu');
    if (gpu) out.push({ name: gpu.device.name, deviceType: 'GPU' });
    return out;
  }

  /** Open the WebGPU device once; null where there is none and soft placement allows the CPU. */
  private openGpu(): Promise<Runner | null> {
    // A CPU session asks softly: placement then names the op that wanted the GPU.
    const soft = !!this.opts.allowSoftPlacement || this.defaultKind === 'cpu';
    const open = (): Promise<Device | null> => this.opts.gpuVisible ? createWebGPU(soft)
      : soft ? Promise.resolve(null) : Promise.reject(new InvalidArgumentError('The WebGPU device is hidden by the session config (deviceCount GPU: 0)'));
    this.gpu ??= open().then((d) => {
      if (!d) return null;
      const r = new Runner(d, this.state);
      this.runners.set('webgpu', r);
      return r;
    });
    return this.gpu;
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeError('Attempted to use a closed Session.');
  }

  /** Run `fetches` with `feedDict`; resolves to values in the fetches' structure. */
  run<const F extends Fetches>(fetches: F, feedDict?: FeedDict, opts?: unknown): Promise<FetchResult<F>>;
  /** Fetches whose structure is not known statically. */
  run(fetches: unknown, feedDict?: FeedDict, opts?: unknown): Promise<any>;
  run(fetches: unknown, feedDict?: FeedDict, _opts?: unknown): Promise<unknown> {
    // Runs are serialized: a session executes one plan at a time, in call order.
    this.pending++;
    // settled (and counted off) before the caller's continuation runs
    const p = this.queue.then(() => this.runAsync(fetches, feedDict)).finally(() => this.pending--);
    this.queue = p.catch(() => undefined);
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
  private route(req: Request, gpu: boolean): ReturnType<typeof segment> | null {
    this.scanPlacement();
    if (!this.placedElsewhere) return null;
    const gpuDevice = this.runners.get('webgpu')?.device;
    const softGpu = gpu && (this.defaultKind === 'webgpu' || !(gpuDevice && isSoftwareGpu(gpuDevice)));
    const placer: Placer = { defaultKind: this.defaultKind, gpu, allowSoftPlacement: !!this.opts.allowSoftPlacement, softGpu };
    let r = this.routes.get(req.key);
    if (r === undefined) {
      r = segment(req.elements, req.feeds, placer);
      if (r.length <= 1) r = r.length === 1 && r[0]!.kind !== this.defaultKind ? r : null;
      this.routes.set(req.key, r);
    }
    return r;
  }

  /** Re-scan the graph's device requests when it has grown. */
  private scanPlacement(): void {
    if (this.placementVersion === this.graph.version) return;
    this.placementVersion = this.graph.version;
    this.routes.clear();
    const ops = this.graph.operations;
    this.placedElsewhere = needsPlacement(ops, { defaultKind: this.defaultKind, gpu: true, allowSoftPlacement: false });
    this.asksGpu = ops.some((op) => op.device !== '' && localDevice(op.device).startsWith('/device:GPU'));
  }

  private async runAsync(fetches: unknown, feedDict?: FeedDict): Promise<unknown> {
    const req = this.request(fetches, feedDict);
    if (req.elements.length === 0) return req.rebuild([]);
    this.scanPlacement();
    const wantsGpu = this.defaultKind === 'webgpu' || this.asksGpu;
    const gpu = wantsGpu ? await this.openGpu() : null;
    const main = this.defaultKind === 'webgpu' && gpu ? gpu : this.runners.get('cpu')!;
    const segs = this.route(req, gpu !== null);
    if (this.opts.logDevicePlacement) this.logPlacement(req, segs, main === gpu ? 'webgpu' : 'cpu');
    if (!segs) {
      return this.finish(req, await main.run({ key: req.key, elements: req.elements, feeds: req.feeds }));
    }
    const values = new Map<Tensor, NDArray>(req.feeds);
    for (const seg of segs) {
      const runner = seg.kind === 'webgpu' && gpu ? gpu : this.runners.get('cpu')!;
      const out = await runner.run(this.subRun(seg, values));
      for (const [t, v] of out) values.set(t, v);
    }
    return this.finish(req, values);
  }

  /** TF's placer lines (`name: (Type): /job:localhost/replica:0/task:0/device:CPU:0`), once per op. */
  private logPlacement(req: Request, segs: ReturnType<typeof segment> | null, main: DeviceKind): void {
    const parts = segs ? segs.map((s) => [s.kind, s.ops] as const) : [[main, prune(req.elements, req.feeds)] as const];
    const lines: string[] = [];
    for (const [kind, ops] of parts) {
      for (const op of [...ops].sort((a, b) => a.id - b.id)) {
        if (this.logged.has(op)) continue;
        this.logged.add(op);
        lines.push(`${op.name}: (${op.type}): ${fullDeviceName(kind)}`);
      }
    }
    if (lines.length > 0) console.log(lines.join('\n'));
  }

  private subRun(seg: ReturnType<typeof segment>[number], values: Map<Tensor, NDArray>): SubRun {
    const feeds = new Map(seg.inputs.map((t) => [t, values.get(t)!] as const));
    return { key: requestKey(seg.elements, feeds), elements: seg.elements, feeds, boundary: seg.ops };
  }

  /** Synchronous run (CPU device only). */
  runSync<const F extends Fetches>(fetches: F, feedDict?: FeedDict, opts?: unknown): FetchResult<F>;
  runSync(fetches: unknown, feedDict?: FeedDict, opts?: unknown): any;
  runSync(fetches: unknown, feedDict?: FeedDict, _opts?: unknown): unknown {
    if (this.defaultKind !== 'cpu') throw new RuntimeError('runSync is only available on the CPU device');
    // It cannot wait its turn (that needs the event loop), and must not cut in: runs share the
    // device's buffers and worker pool, and run in call order.
    if (this.pending > 0) {
      throw new RuntimeError(
        'runSync was called while an asynchronous run of this session is in progress; runs execute one at a time, in call order: await the pending run() first',
      );
    }
    const req = this.request(fetches, feedDict);
    if (req.elements.length === 0) return req.rebuild([]);
    const segs = this.route(req, false);
    if (this.opts.logDevicePlacement) this.logPlacement(req, segs, 'cpu');
    const cpu = this.runners.get('cpu')!;
    if (!segs) return this.finish(req, cpu.runSync({ key: req.key, elements: req.elements, feeds: req.feeds }));
    const values = new Map<Tensor, NDArray>(req.feeds);
    for (const seg of segs) {
      if (seg.kind !== 'cpu') throw new RuntimeError('runSync cannot run ops placed on the GPU');
      for (const [t, v] of cpu.runSync(this.subRun(seg, values))) values.set(t, v);
    }
    return this.finish(req, values);
  }

  private homeOf(v: Variable): Runner {
    return this.state.varHome.get(v.op.name) ?? this.runners.get(this.defaultKind) ?? this.runners.get('cpu')!;
  }

  /** Current value of a variable (for savers); fails if it is uninitialized. */
  async readVariable(v: Variable): Promise<NDArray> {
    this.checkOpen();
    const key = v.op.name;
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
    if (this.defaultKind === 'webgpu') await this.openGpu();
    for (const [v, a] of pairs) {
      const key = v.op.name;
      const home = this.homeOf(v);
      this.state.varHome.set(key, home);
      home.ensureVar(key, v.dtype, v.shape);
      await home.device.writeVariable(key, a.dtype === v.dtype ? a.data : Float64Array.from(a.data));
      this.state.initialized.add(key);
    }
  }

  isInitialized(v: Variable): boolean {
    return this.state.initialized.has(v.op.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    for (const r of this.runners.values()) await r.dispose();
    this.runners.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
