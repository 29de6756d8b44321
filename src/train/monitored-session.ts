/**
 * `tf.train.MonitoredSession`, `SingularMonitoredSession`, `MonitoredTrainingSession`,
 * `Scaffold` and the session creators (`ChiefSessionCreator`, `WorkerSessionCreator`).
 *
 * As in TF1, a monitored session calls its hooks' `begin()` when it is made (the graph may
 * still grow then), creates the session through its creator (restore the latest checkpoint of
 * `checkpointDir`, or run the scaffold's init op; then its local init op), tells the hooks
 * (`afterCreateSession`), and wraps each `run` in the hooks' `beforeRun`/`afterRun`, merging
 * their fetches and feeds into the one `Session.run`. `close()` calls the hooks' `end()`.
 *
 * Python's `with MonitoredSession(...) as sess:` is `await sess.withSession(async (sess) =>
 * ...)` here: it closes the session at the end of the body, and an OutOfRangeError (the end of
 * the input data) or StopIteration ending the body is no error — the hooks' `end()` runs and
 * the call returns normally — while any other error skips `end()` and propagates. `await using
 * sess = ...` closes the session too (and calls `end()` unless a run failed with an error other
 * than the end of data), but cannot keep an error from leaving the block.
 *
 * Session creation is asynchronous (it runs ops), so the constructor starts it and every
 * method waits for it; `await sess.ready` waits for it explicitly.
 */
import { AbortedError, DeadlineExceededError, OutOfRangeError, RuntimeError, UnavailableError, UnimplementedError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { group } from '../ops/core.js';
import { globalVariables, globalVariablesInitializer } from '../ops/variables.js';
import { reportUninitializedVariables } from '../ops/variable-init.js';
import { localVariablesInitializer } from '../scope/collections.js';
import { ConfigProto } from '../session/config.js';
import { RunMetadata, RunOptions } from '../session/run-trace.js';
import { Session, type SessionOptions } from '../session/session.js';
import { latestCheckpoint } from '../checkpoint/state.js';
import { mergeAll } from '../summary/summary.js';
import { Coordinator } from './coordinator.js';
import { startQueueRunners } from './queue-runner.js';
import { CheckpointSaverHook } from './hooks/checkpoint-saver-hook.js';
import type { CheckpointSaverListener } from './hooks/checkpoint-saver-hook.js';
import { StepCounterHook } from './hooks/step-counter-hook.js';
import { StopIteration } from './hooks/stop-iteration.js';
import { SummarySaverHook } from './hooks/summary-saver-hook.js';
import { Saver } from './saver.js';
import { SessionRunArgs, SessionRunContext, type SessionRunHook, SessionRunValues } from './session-run-hook.js';
import * as logging from './tf-logging.js';

type Awaitable<T> = T | Promise<T>;
/** A session's configuration: a `tf.ConfigProto`, or Session options (`{device, threads, allowSoftPlacement, …}`). */
export type MonitoredSessionConfig = ConfigProto | Omit<SessionOptions, 'graph'> | null;

/** A master is '' (an in-process session) or a cluster task's `grpc://host:port` target. */
function checkMaster(master: string | null | undefined, where: string): void {
  if (master !== undefined && master !== null && master !== '' && !/^grpc:\/\/[^/]+:\d+$/.test(master)) {
    throw new UnimplementedError(`${where}: master '${master}': a master is '' (in-process) or a grpc://host:port target`);
  }
}

function newSession(graph: Graph, config: MonitoredSessionConfig | undefined, master = ''): Session {
  const target = master ? { target: master } : {};
  if (config === null || config === undefined) return new Session({ graph, ...target });
  if (config instanceof ConfigProto) return new Session({ graph, config, ...target });
  return new Session({ ...(config as SessionOptions), graph, ...target });
}

// ----- Scaffold ------------------------------------------------------------------------------

export interface ScaffoldOptions {
  initOp?: Operation | Tensor | null;
  initFeedDict?: unknown;
  /** Called as `initFn(scaffold, session)` after the init op. */
  initFn?: ((scaffold: Scaffold, session: Session) => Awaitable<void>) | null;
  readyOp?: Tensor | null;
  readyForLocalInitOp?: Tensor | null;
  localInitOp?: Operation | Tensor | null;
  summaryOp?: Tensor | null;
  saver?: Saver | null;
  copyFromScaffold?: Scaffold | null;
}

/**
 * `tf.train.Scaffold`: the init op, local init op, summary op and saver of a training graph,
 * given or (at `finalize()`) taken from the graph's collections or made by default.
 */
export class Scaffold {
  private _initOp: Operation | Tensor | null;
  private readonly _initFeedDict: unknown;
  private readonly userInitFn: ScaffoldOptions['initFn'];
  private _readyOp: Tensor | null;
  private _readyForLocalInitOp: Tensor | null;
  private _localInitOp: Operation | Tensor | null;
  private _summaryOp: Tensor | null;
  private _saver: Saver | null;
  private finalized = false;

  constructor(opts: ScaffoldOptions = {}) {
    let o = opts;
    if (o.copyFromScaffold != null) {
      const c = o.copyFromScaffold;
      if (!(c instanceof Scaffold)) throw new TypeError('copy_from_scaffold is not a Scaffold instance.');
      o = {
        initOp: o.initOp ?? c.initOp, initFeedDict: o.initFeedDict ?? c.initFeedDict, initFn: o.initFn ?? c.userInitFn,
        readyOp: o.readyOp ?? c.readyOp, readyForLocalInitOp: o.readyForLocalInitOp ?? c.readyForLocalInitOp,
        localInitOp: o.localInitOp ?? c.localInitOp, summaryOp: o.summaryOp ?? c.summaryOp, saver: o.saver ?? c.saver,
      };
    }
    this._initOp = o.initOp ?? null;
    this._initFeedDict = o.initFeedDict ?? null;
    this.userInitFn = o.initFn ?? null;
    this._readyOp = o.readyOp ?? null;
    this._readyForLocalInitOp = o.readyForLocalInitOp ?? null;
    this._localInitOp = o.localInitOp ?? null;
    this._summaryOp = o.summaryOp ?? null;
    this._saver = o.saver ?? null;
  }

  /** Make the missing pieces (from the graph's collections, or defaults added to them). */
  finalize(): this {
    if (this.finalized) return this;
    if (this._initOp === null) this._initOp = Scaffold.getOrDefault('init_op', GraphKeys.INIT_OP, () => group(globalVariablesInitializer()));
    if (this._localInitOp === null) this._localInitOp = Scaffold.getOrDefault('local_init_op', GraphKeys.LOCAL_INIT_OP, Scaffold.defaultLocalInitOp);
    if (this._summaryOp === null) this._summaryOp = Scaffold.getOrDefault('summary_op', GraphKeys.SUMMARY_OP, () => mergeAll());
    if (this._saver === null) this._saver = getSaverOrDefault();
    this.finalized = true;
    return this;
  }

  get initOp(): Operation | Tensor | null {
    return this._initOp;
  }
  get initFeedDict(): unknown {
    return this._initFeedDict;
  }
  get initFn(): ((session: Session) => Awaitable<void>) | null {
    const f = this.userInitFn;
    return f ? (s: Session) => f(this, s) : null;
  }
  get readyOp(): Tensor | null {
    return this._readyOp;
  }
  get readyForLocalInitOp(): Tensor | null {
    return this._readyForLocalInitOp;
  }
  get localInitOp(): Operation | Tensor | null {
    return this._localInitOp;
  }
  get summaryOp(): Tensor | null {
    return this._summaryOp;
  }
  get saver(): Saver | null {
    return this._saver;
  }

  /** The one element of `collectionKey`, or `make()`'s result (added to the collection). */
  static getOrDefault<T>(argName: string, collectionKey: string, make: () => T | null): T | null {
    const els = getDefaultGraph().getCollection<T>(collectionKey);
    if (els.length > 0) {
      if (els.length > 1) throw new RuntimeError(`More than one item in the collection "${collectionKey}". Please indicate which one to use by passing it to the tf.Scaffold constructor as:  tf.Scaffold(${argName}=item to use)`);
      return els[0]!;
    }
    const op = make();
    if (op !== null && op !== undefined) getDefaultGraph().addToCollection(collectionKey, op);
    return op;
  }

  /** The local variables' initializer (TF also groups the tables' initializers here). */
  static defaultLocalInitOp(): Operation {
    return group(localVariablesInitializer());
  }
}

/** The graph's saver (SAVERS collection), or a new one over every global variable added to it. */
function getSaverOrDefault(): Saver {
  const g = getDefaultGraph();
  const savers = g.getCollection<Saver>(GraphKeys.SAVERS);
  if (savers.length > 0) {
    if (savers.length > 1) throw new RuntimeError(`More than one item in collection ${GraphKeys.SAVERS}. Please indicate which one to use by passing it to the constructor.`);
    return savers[0]!;
  }
  const saver = new Saver(null, { allowEmpty: true });
  g.addToCollection(GraphKeys.SAVERS, saver);
  return saver;
}

// ----- session creators ----------------------------------------------------------------------

/** `tf.train.SessionCreator`: makes a ready Session. */
export abstract class SessionCreator {
  abstract createSession(): Promise<Session>;
}

export interface ChiefSessionCreatorOptions {
  scaffold?: Scaffold | null;
  master?: string;
  config?: MonitoredSessionConfig;
  checkpointDir?: string | null;
  checkpointFilenameWithPath?: string | null;
}

/**
 * `tf.train.ChiefSessionCreator(scaffold?, master = '', config?, checkpointDir?,
 * checkpointFilenameWithPath?)`: restores the given checkpoint or the latest one in
 * `checkpointDir`, else runs the scaffold's init op (with its feed dict) and init fn; then the
 * local init op.
 */
export class ChiefSessionCreator extends SessionCreator {
  private readonly scaffold: Scaffold;
  private readonly master: string;
  private readonly config: MonitoredSessionConfig | undefined;
  private readonly checkpointDir: string | null;
  private readonly checkpointFile: string | null;
  private readonly graph: Graph;
  constructor(scaffold?: Scaffold | null | ChiefSessionCreatorOptions, master?: string, config?: MonitoredSessionConfig, checkpointDir?: string | null, checkpointFilenameWithPath?: string | null) {
    super();
    const o: ChiefSessionCreatorOptions = scaffold instanceof Scaffold || scaffold === null || scaffold === undefined ? { scaffold, master, config, checkpointDir, checkpointFilenameWithPath } : scaffold;
    checkMaster(o.master, 'ChiefSessionCreator');
    this.scaffold = o.scaffold ?? new Scaffold();
    this.master = o.master ?? '';
    this.config = o.config;
    this.checkpointDir = o.checkpointDir ?? null;
    this.checkpointFile = o.checkpointFilenameWithPath ?? null;
    this.graph = getDefaultGraph();
  }

  async createSession(): Promise<Session> {
    return this.graph.asDefault(async () => {
      this.scaffold.finalize();
      const sess = newSession(this.graph, this.config, this.master);
      try {
        const saver = this.scaffold.saver;
        const ckpt = this.checkpointFile ?? (this.checkpointDir ? latestCheckpoint(this.checkpointDir) : null);
        const { initOp, initFn, localInitOp } = this.scaffold;
        if (ckpt && saver) {
          // Session.writeVariables homes a variable no op has touched yet on the session's
          // default device, whatever its own placement (the CPU-pinned global step of a WebGPU
          // session); running the init op first places each variable where its assign runs.
          // The restore then overwrites every value, so the model is the checkpoint's, as in TF.
          if (initOp) await sess.run(initOp, (this.scaffold.initFeedDict ?? undefined) as never);
          logging.info('Restoring parameters from %s', ckpt);
          await saver.restore(sess, ckpt);
        } else {
          if (!initOp && !initFn && !localInitOp) throw new RuntimeError('Model is not initialized and no init_op or init_fn or local_init_op was given');
          if (initOp) await sess.run(initOp, (this.scaffold.initFeedDict ?? undefined) as never);
          if (initFn) await initFn(sess);
        }
        const local = this.scaffold.localInitOp;
        if (local) {
          logging.info('Running local_init_op.');
          await sess.run(local);
          logging.info('Done running local_init_op.');
        }
        return sess;
      } catch (e) {
        await sess.close();
        throw e;
      }
    });
  }
}

/**
 * `tf.train.WorkerSessionCreator(scaffold?, master, config?, maxWaitSecs = 7200)`: a non-chief
 * worker's session on a cluster (`master` a `grpc://` target), which waits until the chief has
 * initialized the model (the scaffold's ready op, by default reportUninitializedVariables,
 * reports nothing), then runs the local init op.
 */
export class WorkerSessionCreator extends SessionCreator {
  private readonly scaffold: Scaffold;
  private readonly master: string;
  private readonly config: MonitoredSessionConfig | undefined;
  private readonly maxWaitSecs: number;
  private readonly graph: Graph;
  constructor(scaffold?: Scaffold | null | { scaffold?: Scaffold | null; master?: string; config?: MonitoredSessionConfig; maxWaitSecs?: number }, master?: string, config?: MonitoredSessionConfig, maxWaitSecs?: number) {
    super();
    const o = scaffold instanceof Scaffold || scaffold === null || scaffold === undefined ? { scaffold, master, config, maxWaitSecs } : scaffold;
    checkMaster(o.master, 'WorkerSessionCreator');
    this.scaffold = o.scaffold ?? new Scaffold();
    this.master = o.master ?? '';
    this.config = o.config;
    this.maxWaitSecs = o.maxWaitSecs ?? 7200;
    this.graph = getDefaultGraph();
  }

  async createSession(): Promise<Session> {
    if (this.master === '') {
      throw new UnimplementedError("WorkerSessionCreator: a worker waits for its chief's session on a shared master; in-process sessions (master '') have no chief to wait for: use isChief: true");
    }
    return this.graph.asDefault(async () => {
      const ready = this.scaffold.readyOp ?? reportUninitializedVariables();
      // TF's SessionManager.wait_for_session: the local init op runs once the chief has
      // initialized the global variables (the local ones, a SyncReplicasOptimizer's local step,
      // are this worker's to initialize), then the model must be ready
      const readyForLocal = this.scaffold.readyForLocalInitOp ?? reportUninitializedVariables(globalVariables());
      this.scaffold.finalize();
      const sess = newSession(this.graph, this.config, this.master);
      try {
        const until = Date.now() + this.maxWaitSecs * 1000;
        const local = this.scaffold.localInitOp;
        let localDone = !local;
        const names = (t: NDArray) => `Variables not initialized: ${(t.toArray() as string[]).join(', ')}`;
        for (;;) {
          let localMsg = 'None';
          if (!localDone) {
            const notReady = await sess.run(readyForLocal);
            if (notReady.size === 0) {
              await sess.run(local!);
              localDone = true;
            } else localMsg = names(notReady);
          }
          const left = localDone ? await sess.run(ready) : null;
          if (left && left.size === 0) break;
          if (Date.now() >= until) throw new DeadlineExceededError(`Session was not ready after waiting ${this.maxWaitSecs} secs.`);
          logging.info('Waiting for model to be ready.  Ready_for_local_init_op:  %s, ready: %s', localMsg, left ? names(left) : 'None');
          await new Promise((r) => setTimeout(r, Math.min(200, Math.max(0, until - Date.now()))));
        }
        return sess;
      } catch (e) {
        await sess.close();
        throw e;
      }
    });
  }
}

// ----- monitored sessions --------------------------------------------------------------------

const isEndOfData = (e: unknown): boolean => e instanceof OutOfRangeError || e instanceof StopIteration;

/** A run's feeds as a Map keyed by tensors (names resolved in `g`). */
function feedMap(g: Graph, fd: unknown): Map<Tensor, unknown> {
  const out = new Map<Tensor, unknown>();
  if (fd === null || fd === undefined) return out;
  const key = (k: unknown): Tensor => {
    if (k instanceof Tensor) return k;
    if (typeof k === 'string') return g.asGraphElement(k, true, false) as Tensor;
    if (k && typeof k === 'object' && 'value' in k && typeof (k as { value: unknown }).value === 'function') return (k as { value(): Tensor }).value();
    throw new TypeError(`Cannot interpret feed_dict key as Tensor: ${String(k)}`);
  };
  const entries: Iterable<[unknown, unknown]> = fd instanceof Map ? fd.entries() : Array.isArray(fd) ? (fd as [unknown, unknown][]) : Object.entries(fd as Record<string, unknown>);
  for (const [k, v] of entries) out.set(key(k), v);
  return out;
}

function raiseIfFeedsIntersect(a: Map<Tensor, unknown>, b: Map<Tensor, unknown>, message: string): void {
  const both = [...b.keys()].filter((k) => a.has(k));
  if (both.length > 0) throw new RuntimeError(`${message} Conflict(s): [${both.map((t) => `<tf.Tensor '${t.name}'>`).join(', ')}]`);
}

/** The StepContext `runStepFn` passes its step function. */
export class StepContext {
  constructor(readonly session: Session, private readonly runWithHooksFn: (fetches: unknown, feedDict?: unknown, options?: RunOptions | null, runMetadata?: RunMetadata | null) => Promise<any>) {}
  /** A run with the hooks, as `MonitoredSession.run`. */
  runWithHooks(fetches: unknown, feedDict?: unknown, options?: RunOptions | null, runMetadata?: RunMetadata | null): Promise<any> {
    return this.runWithHooksFn(fetches, feedDict, options, runMetadata);
  }
  /** End the loop: throws StopIteration, which `runStepFn` turns into `shouldStop()` being true. */
  requestStop(): never {
    throw new StopIteration('step_fn has requested the iterations to stop.');
  }
}

class BaseMonitoredSession {
  private readonly hooks: SessionRunHook[];
  private readonly creator: SessionCreator;
  private readonly shouldRecover: boolean;
  private readonly g: Graph;
  private sess: Session | null = null;
  private coord: Coordinator | null = null;
  private stopRequested = false;
  /** How long `close()` waits for the queue runners' loops to end. */
  protected stopGracePeriodSecs = 120;
  private closed = false;
  private failed = false;
  /** Resolves once the session has been created (and the hooks told); rejects with the creation's error. */
  readonly ready: Promise<void>;

  protected constructor(sessionCreator: SessionCreator | null, hooks: readonly SessionRunHook[] | null, shouldRecover: boolean) {
    this.g = getDefaultGraph();
    this.hooks = [...(hooks ?? [])];
    this.creator = sessionCreator ?? new ChiefSessionCreator();
    this.shouldRecover = shouldRecover;
    // begin() runs now, while the caller's graph may still grow; async parts are awaited in order
    let pending: Promise<void> | null = null;
    for (const h of this.hooks) {
      if (pending) {
        pending = pending.then(() => this.g.asDefault(() => h.begin()));
      } else {
        const r = h.begin();
        if (r instanceof Promise) pending = r;
      }
    }
    this.ready = (async () => {
      if (pending) await pending;
      await this.createSession();
    })();
    this.ready.catch(() => undefined);
  }

  private async createSession(): Promise<void> {
    for (;;) {
      try {
        const sess = await this.creator.createSession();
        // no coordinator-suppressed errors; the graph's queue runners start, as in TF1
        this.coord = new Coordinator([]);
        if (sess.graph.getCollection(GraphKeys.QUEUE_RUNNERS).length > 0) sess.graph.asDefault(() => startQueueRunners(sess, this.coord));
        await this.g.asDefault(async () => {
          for (const h of this.hooks) await h.afterCreateSession(sess, this.coord!);
        });
        this.sess = sess;
        return;
      } catch (e) {
        if (!this.shouldRecover || !(e instanceof AbortedError || e instanceof UnavailableError)) throw e;
        logging.info('An error was raised while a session was being created. This may be due to a preemption of a connected worker or parameter server. A new session will be created. Error: %s', (e as Error).message);
      }
    }
  }

  /** The graph launched in this session. */
  get graph(): Graph {
    return this.g;
  }

  /** True once a hook (or `runStepFn`) asked to stop, or the session is closed. */
  shouldStop(): boolean {
    if (this.closed) return true;
    this.coord?.raiseRequestedException();
    return this.stopRequested || (this.coord?.shouldStop() ?? false);
  }

  /** `run(fetches, feedDict?, options?, runMetadata?)`: `Session.run` with the hooks around it. */
  async run(fetches: unknown, feedDict?: unknown, options?: RunOptions | null, runMetadata?: RunMetadata | null): Promise<any> {
    await this.ready;
    for (;;) {
      try {
        return await this.hookedRun(fetches, feedDict, options, runMetadata);
      } catch (e) {
        if (this.shouldRecover && (e instanceof AbortedError || e instanceof UnavailableError)) {
          logging.info('An error was raised. This may be due to a preemption in a connected worker or parameter server. The current session will be closed and a new session will be created. Error: %s', e.message);
          await this.sess?.close();
          this.sess = null;
          await this.createSession();
          continue;
        }
        if (!isEndOfData(e)) this.failed = true;
        throw e;
      }
    }
  }

  private async hookedRun(fetches: unknown, feedDict?: unknown, options?: RunOptions | null, runMetadata?: RunMetadata | null): Promise<any> {
    if (this.closed || !this.sess) throw new RuntimeError('Run called on a closed MonitoredSession.');
    if (this.shouldStop()) throw new RuntimeError('Run called even after should_stop requested.');
    const sess = this.sess;
    const ctx = new SessionRunContext(new SessionRunArgs(fetches, feedDict), sess);
    const hookFetches = new Map<SessionRunHook, unknown>();
    const hookFeeds = new Map<Tensor, unknown>();
    let traceLevel = options?.traceLevel ?? 0;
    for (const h of this.hooks) {
      const req = await this.g.asDefault(() => h.beforeRun(ctx));
      if (req === null || req === undefined) continue;
      if (req.fetches !== null && req.fetches !== undefined) hookFetches.set(h, req.fetches);
      if (req.feedDict) {
        const f = feedMap(this.g, req.feedDict);
        raiseIfFeedsIntersect(hookFeeds, f, 'Same tensor is fed by two hooks.');
        for (const [k, v] of f) hookFeeds.set(k, v);
      }
      if (req.options) traceLevel = Math.max(traceLevel, req.options.traceLevel ?? 0);
    }
    let feeds: unknown = feedDict;
    if (hookFeeds.size > 0) {
      const user = feedMap(this.g, feedDict);
      raiseIfFeedsIntersect(user, hookFeeds, 'Same tensor is fed by a SessionRunHook and user.');
      feeds = new Map([...hookFeeds, ...user]);
    }
    const opts = options ?? (traceLevel > 0 ? new RunOptions({ traceLevel }) : null);
    if (opts && traceLevel > (opts.traceLevel ?? 0)) opts.traceLevel = traceLevel;
    const meta = runMetadata ?? (opts ? new RunMetadata() : null);
    const order = [...hookFetches.keys()];
    const out = (await sess.run([fetches, ...order.map((h) => hookFetches.get(h))], (feeds ?? undefined) as never, opts ?? undefined, meta ?? undefined)) as unknown[];
    const byHook = new Map(order.map((h, i) => [h, out[i + 1]] as const));
    for (const h of this.hooks) {
      await this.g.asDefault(() => h.afterRun(ctx, new SessionRunValues(byHook.has(h) ? byHook.get(h) : null, opts, meta)));
    }
    this.stopRequested = this.stopRequested || ctx.stopRequested;
    this.coord?.raiseRequestedException();
    return out[0];
  }

  /**
   * `runStepFn(stepFn)`: `stepFn(stepContext)` with the raw session (`stepContext.session`) and
   * `stepContext.runWithHooks(...)`; its `requestStop()` ends the loop (`shouldStop()` is then
   * true) and this returns undefined.
   */
  async runStepFn<T>(stepFn: (stepContext: StepContext) => Awaitable<T>): Promise<T | undefined> {
    await this.ready;
    if (!this.sess) throw new RuntimeError('Run called on a closed MonitoredSession.');
    try {
      return await stepFn(new StepContext(this.sess, (f, fd, o, m) => this.run(f, fd, o, m)));
    } catch (e) {
      if (e instanceof StopIteration) {
        this.stopRequested = true;
        return undefined;
      }
      throw e;
    }
  }

  /** Call the hooks' `end()` (unless `skipEnd`), then close the session. */
  private async closeInternal(skipEnd: boolean): Promise<void> {
    if (this.closed) throw new RuntimeError('Session is already closed.');
    try {
      await this.ready;
    } catch (e) {
      this.closed = true;
      throw e;
    }
    try {
      if (!skipEnd) {
        await this.g.asDefault(async () => {
          for (const h of this.hooks) await h.end(this.sess!);
        });
      }
    } finally {
      this.closed = true;
      const s = this.sess;
      this.sess = null;
      const coord = this.coord;
      this.coord = null;
      try {
        // the queue runners' loops cancel their queues and end; then the session closes
        if (coord) {
          coord.requestStop();
          await coord.join(null, { stopGracePeriodSecs: this.stopGracePeriodSecs, ignoreLiveThreads: true });
        }
      } finally {
        await s?.close();
      }
    }
  }

  /** Call the hooks' `end()` and close the session. */
  close(): Promise<void> {
    return this.closeInternal(false);
  }

  /**
   * Python's `with ... as sess:` block: `fn(this)`, then close. The end of data
   * (OutOfRangeError) or StopIteration ends the block quietly (the hooks' `end()` runs, the
   * result is undefined); other errors close the session without `end()` and propagate.
   */
  async withSession<T>(fn: (sess: this) => Awaitable<T>): Promise<T | undefined> {
    let result: T | undefined;
    try {
      result = await fn(this);
    } catch (e) {
      if (!isEndOfData(e)) {
        if (!this.closed) await this.closeInternal(true).catch(() => undefined);
        throw e;
      }
      result = undefined;
    }
    if (!this.closed) await this.closeInternal(false);
    return result;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.closed) await this.closeInternal(this.failed);
  }

  /** @internal the raw session (SingularMonitoredSession exposes it). */
  protected rawSess(): Session | null {
    return this.sess;
  }
}

export interface MonitoredSessionOptions {
  sessionCreator?: SessionCreator | null;
  hooks?: readonly SessionRunHook[] | null;
  stopGracePeriodSecs?: number;
}

/**
 * `tf.train.MonitoredSession(sessionCreator = ChiefSessionCreator(), hooks?, stopGracePeriodSecs = 120)`:
 * a session-like object running hooks; it recreates its session on AbortedError/UnavailableError.
 */
export class MonitoredSession extends BaseMonitoredSession {
  constructor(sessionCreator?: SessionCreator | null | MonitoredSessionOptions, hooks?: readonly SessionRunHook[] | null, stopGracePeriodSecs?: number) {
    const o: MonitoredSessionOptions = sessionCreator instanceof SessionCreator || sessionCreator === null || sessionCreator === undefined ? { sessionCreator, hooks, ...(stopGracePeriodSecs !== undefined ? { stopGracePeriodSecs } : {}) } : sessionCreator;
    super(o.sessionCreator ?? null, o.hooks ?? null, true);
    if (o.stopGracePeriodSecs !== undefined) this.stopGracePeriodSecs = o.stopGracePeriodSecs;
  }
}

export interface SingularMonitoredSessionOptions {
  hooks?: readonly SessionRunHook[] | null;
  scaffold?: Scaffold | null;
  master?: string;
  config?: MonitoredSessionConfig;
  checkpointDir?: string | null;
  stopGracePeriodSecs?: number;
  checkpointFilenameWithPath?: string | null;
}

/** `tf.train.SingularMonitoredSession(hooks?, scaffold?, master = '', config?, checkpointDir?, stopGracePeriodSecs = 120, checkpointFilenameWithPath?)`: always a chief, no recovery, and its raw session is available. */
export class SingularMonitoredSession extends BaseMonitoredSession {
  constructor(hooks?: readonly SessionRunHook[] | null | SingularMonitoredSessionOptions, scaffold?: Scaffold | null, master?: string, config?: MonitoredSessionConfig, checkpointDir?: string | null, stopGracePeriodSecs?: number, checkpointFilenameWithPath?: string | null) {
    const o: SingularMonitoredSessionOptions = Array.isArray(hooks) || hooks === null || hooks === undefined ? { hooks: hooks as readonly SessionRunHook[] | null, scaffold, master, config, checkpointDir, checkpointFilenameWithPath, ...(stopGracePeriodSecs !== undefined ? { stopGracePeriodSecs } : {}) } : (hooks as SingularMonitoredSessionOptions);
    super(new ChiefSessionCreator({ scaffold: o.scaffold ?? null, master: o.master ?? '', config: o.config, checkpointDir: o.checkpointDir ?? null, checkpointFilenameWithPath: o.checkpointFilenameWithPath ?? null }), o.hooks ?? null, false);
    if (o.stopGracePeriodSecs !== undefined) this.stopGracePeriodSecs = o.stopGracePeriodSecs;
  }
  /** The underlying Session (runs without hooks, saves and restores). */
  rawSession(): Session | null {
    return this.rawSess();
  }
}

// ----- MonitoredTrainingSession --------------------------------------------------------------

export interface MonitoredTrainingSessionOptions {
  master?: string;
  isChief?: boolean;
  checkpointDir?: string | null;
  scaffold?: Scaffold | null;
  hooks?: readonly SessionRunHook[] | null;
  chiefOnlyHooks?: readonly SessionRunHook[] | null;
  /** Default 600 when neither this nor `saveCheckpointSteps` is given; null disables. */
  saveCheckpointSecs?: number | null;
  /** Default 100 when neither this nor `saveSummariesSecs` is given. */
  saveSummariesSteps?: number | null;
  saveSummariesSecs?: number | null;
  config?: MonitoredSessionConfig;
  stopGracePeriodSecs?: number;
  logStepCountSteps?: number | null;
  maxWaitSecs?: number;
  saveCheckpointSteps?: number | null;
  summaryDir?: string | null;
  /** Listeners of the default CheckpointSaverHook. */
  savingListeners?: readonly CheckpointSaverListener[] | null;
}

/**
 * `tf.train.MonitoredTrainingSession({master, isChief, checkpointDir, scaffold, hooks,
 * chiefOnlyHooks, saveCheckpointSecs, saveSummariesSteps, saveSummariesSecs, config,
 * stopGracePeriodSecs, logStepCountSteps, maxWaitSecs, saveCheckpointSteps, summaryDir})`: a
 * MonitoredSession for training. A chief restores or initializes the model and gets, besides
 * `chiefOnlyHooks` and `hooks`, a StepCounterHook (every `logStepCountSteps`) and a
 * SummarySaverHook into `summaryDir` (default `checkpointDir`), and a CheckpointSaverHook
 * into `checkpointDir`.
 */
export function MonitoredTrainingSession(opts: MonitoredTrainingSessionOptions = {}): MonitoredSession {
  checkMaster(opts.master, 'MonitoredTrainingSession');
  const has = (k: keyof MonitoredTrainingSessionOptions): boolean => opts[k] !== undefined;
  let sumSteps = opts.saveSummariesSteps ?? null;
  let sumSecs = opts.saveSummariesSecs ?? null;
  if (!has('saveSummariesSteps') && !has('saveSummariesSecs')) {
    sumSteps = 100;
    sumSecs = null;
  }
  let ckSteps = opts.saveCheckpointSteps ?? null;
  let ckSecs = opts.saveCheckpointSecs ?? null;
  if (!has('saveCheckpointSteps') && !has('saveCheckpointSecs')) {
    ckSteps = null;
    ckSecs = 600;
  }
  const scaffold = opts.scaffold ?? new Scaffold();
  const isChief = opts.isChief ?? true;
  const stopGracePeriodSecs = opts.stopGracePeriodSecs ?? 120;
  if (!isChief) {
    return new MonitoredSession({ sessionCreator: new WorkerSessionCreator({ scaffold, master: opts.master ?? '', config: opts.config ?? null, ...(opts.maxWaitSecs !== undefined ? { maxWaitSecs: opts.maxWaitSecs } : {}) }), hooks: opts.hooks ?? [], stopGracePeriodSecs });
  }
  const all: SessionRunHook[] = [...(opts.chiefOnlyHooks ?? [])];
  const creator = new ChiefSessionCreator({ scaffold, checkpointDir: opts.checkpointDir ?? null, master: opts.master ?? '', config: opts.config ?? null });
  const summaryDir = opts.summaryDir ?? opts.checkpointDir ?? null;
  const logSteps = opts.logStepCountSteps === undefined ? 100 : opts.logStepCountSteps;
  if (summaryDir) {
    if (logSteps && logSteps > 0) all.push(new StepCounterHook({ outputDir: summaryDir, everyNSteps: logSteps }));
    if ((sumSteps && sumSteps > 0) || (sumSecs && sumSecs > 0)) all.push(new SummarySaverHook({ scaffold, saveSteps: sumSteps, saveSecs: sumSecs, outputDir: summaryDir }));
  }
  if (opts.checkpointDir && ((ckSecs && ckSecs > 0) || (ckSteps && ckSteps > 0))) {
    // TF uses save_checkpoint_secs when both are given
    all.push(new CheckpointSaverHook(opts.checkpointDir, { saveSteps: ckSecs && ckSecs > 0 ? null : ckSteps, saveSecs: ckSecs && ckSecs > 0 ? ckSecs : null, scaffold, listeners: [...(opts.savingListeners ?? [])] }));
  }
  all.push(...(opts.hooks ?? []));
  return new MonitoredSession({ sessionCreator: creator, hooks: all, stopGracePeriodSecs });
}

export { Coordinator };
