/** `tf.Session`: runs pruned, cached plans of a graph on a device; holds variable values. */
import { z } from 'zod';
import { getDefaultGraph } from '../graph/context.js';
import { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { InvalidArgumentError, RuntimeError, ValueError } from '../errors.js';
import type { Device, Program } from '../device/device.js';
import { CpuDevice } from '../device/cpu/index.js';
import { Variable } from '../ops/variables.js';
import { cShape, shapesEqual, sizeOf } from '../shape.js';
import { type CompiledPlan, compilePlan, uninitializedError } from './compile.js';
import { flattenFetches } from './fetches.js';
import { type FeedDict, resolveFeeds } from './feeds.js';
import { createDevice, describeDevices } from './devices.js';

const optionsSchema = z
  .object({
    graph: z.instanceof(Graph, { message: 'graph must be a tf.Graph' }).optional(),
    device: z.enum(['cpu', 'webgpu']).optional(),
    threads: z.number().int().min(1).max(256).optional(),
    allowSoftPlacement: z.boolean().optional(),
    /** Worker fan-out threshold in FLOPs (0: every step runs on the workers). */
    parallelThreshold: z.number().min(0).optional(),
  })
  .strict();

export type SessionOptions = z.input<typeof optionsSchema>;

export interface SessionStats {
  /** Plans compiled (cache misses). */
  compiles: number;
  /** Runs served by a cached plan. */
  cacheHits: number;
  runs: number;
}

interface CacheEntry {
  compiled: CompiledPlan;
  program: Program;
}

function parseOptions(opts: unknown): z.output<typeof optionsSchema> {
  const r = optionsSchema.safeParse(opts ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new TypeError(`Invalid Session option ${i.path.join('.') || '(options)'}: ${i.message}`);
  }
  return r.data;
}

export class Session {
  readonly graph: Graph;
  readonly stats: SessionStats = { compiles: 0, cacheHits: 0, runs: 0 };
  private readonly opts: z.output<typeof optionsSchema>;
  private device: Device | null = null;
  private devicePromise: Promise<Device> | null = null;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly initialized = new Set<string>();
  private readonly varInfo = new Map<string, { dtype: string; shape: number[] }>();
  private readonly runCounts = new Map<string, number>();
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts?: SessionOptions) {
    this.opts = parseOptions(opts);
    this.graph = this.opts.graph ?? getDefaultGraph();
    if ((this.opts.device ?? 'cpu') === 'cpu') this.device = new CpuDevice(this.opts);
  }

  /** Name of the device plans run on (`/device:CPU:0`, `/device:GPU:0`). */
  listDevices(): { name: string; deviceType: 'CPU' | 'GPU' }[] {
    return describeDevices(this.device);
  }

  private async getDevice(): Promise<Device> {
    if (this.device) return this.device;
    this.devicePromise ??= createDevice(this.opts).then((d) => (this.device = d));
    return this.devicePromise;
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeError('Attempted to use a closed Session.');
  }

  /** Run `fetches` with `feedDict`; resolves to values in the fetches' structure. */
  run(fetches: unknown, feedDict?: FeedDict, _opts?: unknown): Promise<any> {
    // Runs are serialized: a session executes one plan at a time, in call order.
    const p = this.queue.then(() => this.runAsync(fetches, feedDict));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async runAsync(fetches: unknown, feedDict?: FeedDict): Promise<unknown> {
    const prep = this.prepare(fetches, feedDict);
    if (!prep.entry) return prep.finish([]);
    const device = await this.getDevice();
    const entry = prep.entry === 'compile' ? await this.compile(prep, device) : prep.entry;
    const dyn = this.dynFor(entry.compiled);
    this.checkInit(entry.compiled);
    const results = await entry.program.run(prep.feedArrays(entry.compiled), dyn);
    this.afterRun(entry.compiled);
    return prep.finish(results, entry.compiled);
  }

  /** Synchronous run (CPU device only). */
  runSync(fetches: unknown, feedDict?: FeedDict, _opts?: unknown): any {
    const device = this.device;
    if (!device?.compileSync) throw new RuntimeError('runSync is only available on the CPU device');
    const prep = this.prepare(fetches, feedDict);
    if (!prep.entry) return prep.finish([]);
    let entry: CacheEntry;
    if (prep.entry === 'compile') {
      const compiled = this.compilePlanFor(prep, device);
      entry = { compiled, program: device.compileSync(compiled.plan) };
      this.cache.set(prep.key, entry);
    } else entry = prep.entry;
    const dyn = this.dynFor(entry.compiled);
    this.checkInit(entry.compiled);
    const results = entry.program.runSync!(prep.feedArrays(entry.compiled), dyn);
    this.afterRun(entry.compiled);
    return prep.finish(results, entry.compiled);
  }

  private prepare(fetches: unknown, feedDict: FeedDict | undefined) {
    this.checkOpen();
    if (this.graph.operations.length === 0) {
      throw new RuntimeError('The Session graph is empty.  Add operations to the graph before calling run().');
    }
    const flat = flattenFetches(this.graph, fetches);
    const feeds = resolveFeeds(this.graph, feedDict);
    this.stats.runs++;
    const key =
      flat.elements.map((e) => (e instanceof Operation ? `^${e.id}` : `${e.op.id}:${e.index}`)).join(',') +
      '|' +
      [...feeds].map(([t, v]) => `${t.op.id}:${t.index}=${v.dtype}[${v.shape.join('x')}]`).join(',');
    let entry: CacheEntry | 'compile' | null = null;
    if (flat.elements.length > 0) {
      const hit = this.cache.get(key);
      if (hit) {
        this.stats.cacheHits++;
        entry = hit;
      } else entry = 'compile';
    }
    return {
      key,
      flat,
      feeds,
      entry,
      feedArrays: (c: CompiledPlan) => c.feedOrder.map((t) => feeds.get(t)!.data),
      finish: (results: ArrayLike<number>[] | unknown[], c?: CompiledPlan) => {
        const values = flat.elements.map((e, i) => {
          if (e instanceof Operation) return null;
          const fed = feeds.get(e);
          if (fed) return fed;
          const slot = c!.fetchSlots[i]!;
          return new NDArray(results[slot] as never, c!.fetchShapes[slot]!, e.dtype);
        });
        return flat.rebuild(values);
      },
    };
  }

  private compilePlanFor(prep: { flat: { elements: (Tensor | Operation)[] }; feeds: Map<Tensor, NDArray> }, device: Device): CompiledPlan {
    const compiled = compilePlan(prep.flat.elements, prep.feeds, device);
    this.stats.compiles++;
    for (const [key, v] of compiled.variables) {
      const known = this.varInfo.get(key);
      if (!known || known.dtype !== v.dtype || !shapesEqual(known.shape, v.shape)) {
        this.varInfo.set(key, v);
        device.createVariable(key, v.dtype, sizeOf(v.shape));
      }
    }
    return compiled;
  }

  private async compile(prep: Parameters<Session['compilePlanFor']>[0] & { key: string }, device: Device): Promise<CacheEntry> {
    const compiled = this.compilePlanFor(prep, device);
    const entry = { compiled, program: await device.compile(compiled.plan) };
    this.cache.set(prep.key, entry);
    return entry;
  }

  private checkInit(c: CompiledPlan): void {
    for (const [key, op] of c.needsInit) if (!this.initialized.has(key)) throw uninitializedError(key, op);
  }

  private dynFor(c: CompiledPlan): Uint32Array {
    const dyn = new Uint32Array(c.dynOps.length);
    c.dynOps.forEach((op, i) => (dyn[i] = this.runCounts.get(op) ?? 0));
    return dyn;
  }

  private afterRun(c: CompiledPlan): void {
    for (const op of c.dynOps) this.runCounts.set(op, (this.runCounts.get(op) ?? 0) + 1);
    for (const key of c.assigns) this.initialized.add(key);
  }

  /** Current value of a variable (for savers); fails if it is uninitialized. */
  async readVariable(v: Variable): Promise<NDArray> {
    this.checkOpen();
    const key = v.op.name;
    if (!this.initialized.has(key)) throw uninitializedError(key, key);
    const device = await this.getDevice();
    return new NDArray(await device.readVariable(key), v.shape, v.dtype);
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
    const device = await this.getDevice();
    for (const [v, a] of pairs) {
      const key = v.op.name;
      device.createVariable(key, v.dtype, sizeOf(v.shape));
      this.varInfo.set(key, { dtype: v.dtype, shape: v.shape });
      const data = a.dtype === v.dtype ? a.data : Float64Array.from(a.data);
      await device.writeVariable(key, data);
      this.initialized.add(key);
    }
  }

  isInitialized(v: Variable): boolean {
    return this.initialized.has(v.op.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    for (const e of this.cache.values()) e.program.dispose();
    this.cache.clear();
    const d = this.device;
    this.device = null;
    if (d) await d.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

