/**
 * `tf.train.Supervisor` as TF 1.15's supervisor.py: at construction it takes (or makes and
 * collects) the ready op, init op, local init op, saver, summary op and global step, opens a
 * FileWriter on `logdir` (chief only) and finalizes the graph. A session is prepared by
 * restoring the latest checkpoint of `logdir` or running the init op (and `initFn`), then the
 * local init op, and checking the ready op; the standard services are loops on the coordinator:
 * a checkpoint to `<logdir>/model.ckpt-STEP` every `saveModelSecs`, the summary op and
 * `global_step/sec` every `saveSummariesSecs`, each the first time at once (done before
 * `prepareOrWaitForSession` returns, where TF's threads only start it). Their timers never keep the
 * process alive. As in TF, stopping saves no checkpoint of its own.
 *
 * Python's `with sv.managed_session() as sess:` is `await sv.managedSession(async (sess) => ...)`:
 * an error of the body requests a stop with it and is raised again by `stop()` (the end of the
 * input, OutOfRangeError, ends the loop cleanly), the services are joined, the STOP event is
 * written, and the session is closed.
 */
import { RuntimeError, UnimplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { globalVariables, globalVariablesInitializer, Variable } from '../ops/variables.js';
import { reportUninitializedVariables } from '../ops/variable-init.js';
import { latestCheckpoint } from '../checkpoint/state.js';
import { getCheckpointState } from '../checkpoint/state.js';
import { path as nodePath } from '../platform/node-builtins.js';
import { ConfigProto } from '../session/config.js';
import { Session, type SessionOptions } from '../session/session.js';
import { FileWriter, SessionLog } from '../summary/file-writer.js';
import { mergeAll } from '../summary/summary.js';
import type { Summary } from '../proto/summary.js';
import { writeGraph } from '../graphdef/write-graph.js';
import { exportMetaGraph, serializeMetaGraphDef } from '../metagraph/meta-graph.js';
import { Coordinator, Thread } from './coordinator.js';
import { Scaffold } from './monitored-session.js';
import type { QueueRunner } from './queue-runner.js';
import { Saver } from './saver.js';
import * as logging from './tf-logging.js';

type Awaitable<T> = T | Promise<T>;
/** TF's `Supervisor.USE_DEFAULT`: take the graph's collection or make the default (null disables). */
const USE_DEFAULT = 0 as const;
type OrDefault<T> = T | null | typeof USE_DEFAULT | undefined;

export interface SupervisorOptions {
  graph?: Graph | null;
  readyOp?: OrDefault<Tensor>;
  readyForLocalInitOp?: OrDefault<Tensor>;
  isChief?: boolean;
  initOp?: OrDefault<Operation | Tensor>;
  initFeedDict?: unknown;
  localInitOp?: OrDefault<Operation | Tensor>;
  logdir?: string | null;
  summaryOp?: OrDefault<Tensor>;
  saver?: OrDefault<Saver>;
  globalStep?: OrDefault<Tensor | Variable>;
  saveSummariesSecs?: number | null;
  saveModelSecs?: number | null;
  recoveryWaitSecs?: number;
  stopGraceSecs?: number;
  checkpointBasename?: string;
  sessionManager?: null;
  summaryWriter?: OrDefault<FileWriter>;
  /** Called as `initFn(sess)` after the init op when no checkpoint was restored. */
  initFn?: ((sess: Session) => Awaitable<void>) | null;
  localInitRunOptions?: unknown;
}

/** A session's configuration: a `tf.ConfigProto`, or Session options (`{device, threads, …}`). */
export type SupervisorSessionConfig = ConfigProto | Omit<SessionOptions, 'graph'> | null;

export interface ManagedSessionOptions {
  master?: string;
  config?: SupervisorSessionConfig;
  startStandardServices?: boolean;
  closeSummaryWriter?: boolean;
}

export interface PrepareSessionOptions {
  master?: string;
  config?: SupervisorSessionConfig;
  waitForCheckpoint?: boolean;
  maxWaitSecs?: number;
  startStandardServices?: boolean;
}

const OPTION_KEYS = new Set([
  'graph', 'readyOp', 'readyForLocalInitOp', 'isChief', 'initOp', 'initFeedDict', 'localInitOp', 'logdir', 'summaryOp', 'saver', 'globalStep',
  'saveSummariesSecs', 'saveModelSecs', 'recoveryWaitSecs', 'stopGraceSecs', 'checkpointBasename', 'sessionManager', 'summaryWriter', 'initFn',
  'localInitRunOptions',
]);

const nameOf = (x: unknown): string =>
  x === null || x === undefined ? 'None' : typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : `<no name for ${String(x)}>`;

/** `training_util.global_step(sess, tensor)`: the step's value as a number. */
async function stepValue(sess: Session, t: Tensor | Variable): Promise<number> {
  return Number(((await sess.run(t instanceof Variable ? t.value() : t)) as NDArray).data[0]);
}

/**
 * TF's `coordinator.LooperThread`: calls `fn` every `intervalSecs` (back to back when null),
 * the first time at once, until the coordinator stops. Its timer is unref'd.
 */
function looper(coord: Coordinator, intervalSecs: number | null, fn: () => Awaitable<void>, name: string, startLoop?: () => Awaitable<void>): Thread & { firstDone: Promise<void> } {
  let firstDone!: () => void;
  const first = new Promise<void>((res) => (firstDone = res));
  const t = new Thread(async () => {
    await coord.stopOnException(async () => {
      if (startLoop) await startLoop();
      let wake: (() => void) | null = null;
      void coord.waitForStop().then(() => wake?.());
      let next = Date.now();
      while (!coord.shouldStop()) {
        if (intervalSecs !== null) {
          const ms = next - Date.now();
          if (ms > 0) {
            await new Promise<void>((res) => {
              const timer = setTimeout(res, ms);
              (timer as { unref?: () => void }).unref?.();
              wake = () => {
                clearTimeout(timer);
                res();
              };
            });
            wake = null;
            if (coord.shouldStop()) break;
          }
          next += intervalSecs * 1000;
        }
        await fn();
        firstDone();
        if (intervalSecs === null) await new Promise((r) => setImmediate(r));
      }
    });
    firstDone();
  }, name);
  coord.registerThread(t);
  return Object.assign(t, { firstDone: first });
}

/** `tf.train.Supervisor` (TF 1.15): a training program's session, checkpoints, summaries and stop flag. */
export class Supervisor {
  static readonly USE_DEFAULT = USE_DEFAULT;

  private readonly _graph: Graph;
  private readonly _isChief: boolean;
  private readonly _coord = new Coordinator();
  private readonly _readyOp: Tensor | null;
  private readonly _readyForLocalInitOp: Tensor | null;
  private readonly _initOp: Operation | Tensor | null;
  private readonly _initFeedDict: unknown;
  private readonly _localInitOp: Operation | Tensor | null;
  private readonly _saver: Saver | null;
  private readonly _summaryOp: Tensor | null;
  private readonly _globalStep: Tensor | Variable | null;
  private readonly _initFn: ((sess: Session) => Awaitable<void>) | null;
  private readonly _recoveryWaitSecs: number;
  private readonly _stopGraceSecs: number;
  private readonly _logdir: string | null = null;
  private readonly _saveSummariesSecs: number | null = null;
  private readonly _saveModelSecs: number | null = null;
  private readonly _savePath: string | null = null;
  private readonly _summaryWriter: FileWriter | null = null;
  private readonly metaGraphBytes: Uint8Array;
  private graphAddedToSummary = false;

  /**
   * `Supervisor({graph, readyOp, readyForLocalInitOp, isChief = true, initOp, initFeedDict,
   * localInitOp, logdir, summaryOp, saver, globalStep, saveSummariesSecs = 120, saveModelSecs =
   * 600, recoveryWaitSecs = 30, stopGraceSecs = 120, checkpointBasename = 'model.ckpt',
   * summaryWriter, initFn})`. An op left out (or `Supervisor.USE_DEFAULT`) comes from the graph's
   * collection or is made; `null` disables it.
   */
  constructor(opts: SupervisorOptions = {}) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('Supervisor takes an options object ({logdir, isChief, initOp, …})');
    for (const k of Object.keys(opts)) if (!OPTION_KEYS.has(k)) throw new TypeError(`Supervisor() got an unexpected keyword argument '${k}'`);
    if (opts.sessionManager !== undefined && opts.sessionManager !== null) throw new UnimplementedError('Supervisor(): a custom session_manager is not supported');
    const g = opts.graph ?? getDefaultGraph();
    this._graph = g;
    const isDefault = <T>(v: OrDefault<T>): boolean => v === undefined || v === USE_DEFAULT;
    const first = <T>(key: string): T | null => {
      const l = g.getCollection<T>(key);
      if (l.length > 1) logging.info('Found %d %s operations. Returning the first one.', l.length, key);
      return l[0] ?? null;
    };
    const r = g.asDefault(() => {
      let readyOp = isDefault(opts.readyOp) ? first<Tensor>(GraphKeys.READY_OP) : (opts.readyOp as Tensor | null);
      if (isDefault(opts.readyOp) && readyOp === null) {
        readyOp = reportUninitializedVariables();
        g.addToCollection(GraphKeys.READY_OP, readyOp);
      }
      const readyForLocalInitOp = isDefault(opts.readyForLocalInitOp) ? first<Tensor>(GraphKeys.READY_FOR_LOCAL_INIT_OP) : (opts.readyForLocalInitOp as Tensor | null);
      let initOp = isDefault(opts.initOp) ? first<Operation | Tensor>(GraphKeys.INIT_OP) : (opts.initOp as Operation | Tensor | null);
      if (isDefault(opts.initOp) && initOp === null) {
        initOp = globalVariablesInitializer();
        g.addToCollection(GraphKeys.INIT_OP, initOp);
      }
      let localInitOp = isDefault(opts.localInitOp) ? first<Operation | Tensor>(GraphKeys.LOCAL_INIT_OP) : (opts.localInitOp as Operation | Tensor | null);
      if (isDefault(opts.localInitOp) && localInitOp === null) {
        localInitOp = Scaffold.defaultLocalInitOp();
        g.addToCollection(GraphKeys.LOCAL_INIT_OP, localInitOp);
      }
      let saver = isDefault(opts.saver) ? first<Saver>(GraphKeys.SAVERS) : (opts.saver as Saver | null);
      if (isDefault(opts.saver) && saver === null && globalVariables().length > 0) {
        saver = new Saver();
        g.addToCollection(GraphKeys.SAVERS, saver);
      }
      let summaryOp = isDefault(opts.summaryOp) ? first<Tensor>(GraphKeys.SUMMARY_OP) : (opts.summaryOp as Tensor | null);
      if (isDefault(opts.summaryOp) && summaryOp === null) {
        summaryOp = mergeAll();
        if (summaryOp !== null) g.addToCollection(GraphKeys.SUMMARY_OP, summaryOp);
      }
      let gs: Tensor | Variable | null = isDefault(opts.globalStep) ? first<Tensor | Variable>(GraphKeys.GLOBAL_STEP) : (opts.globalStep as Tensor | Variable | null);
      if (isDefault(opts.globalStep) && gs === null) {
        gs = defaultGlobalStepTensor(g);
        if (gs !== null) g.addToCollection(GraphKeys.GLOBAL_STEP, gs);
      }
      const globalStep = gs;
      return { readyOp, readyForLocalInitOp, initOp, localInitOp, saver, summaryOp, globalStep };
    });
    this._readyOp = r.readyOp;
    this._readyForLocalInitOp = r.readyForLocalInitOp;
    this._initOp = r.initOp;
    this._initFeedDict = opts.initFeedDict ?? null;
    this._localInitOp = r.localInitOp;
    this._saver = r.saver;
    this._summaryOp = r.summaryOp;
    this._globalStep = r.globalStep;
    this.metaGraphBytes = serializeMetaGraphDef(
      this._saver ? this._saver.exportMetaGraph(null, { graph: g }) : exportMetaGraph(null, { graph: g }),
    ) as Uint8Array;
    this._isChief = opts.isChief ?? true;
    this._recoveryWaitSecs = opts.recoveryWaitSecs ?? 30;
    this._stopGraceSecs = opts.stopGraceSecs ?? 120;
    this._initFn = opts.initFn ?? null;
    if (this._isChief) {
      this._logdir = opts.logdir ?? null;
      this._saveSummariesSecs = opts.saveSummariesSecs === undefined ? 120 : opts.saveSummariesSecs;
      this._saveModelSecs = opts.saveModelSecs === undefined ? 600 : opts.saveModelSecs;
      if (this._logdir) this._savePath = nodePath.join(this._logdir, opts.checkpointBasename ?? 'model.ckpt');
      if (isDefault(opts.summaryWriter)) {
        if (this._logdir) this._summaryWriter = new FileWriter(this._logdir);
      } else this._summaryWriter = opts.summaryWriter as FileWriter | null;
    }
    if (!this._isChief) {
      for (const op of g.operations) {
        if ((op.type === 'Variable' || op.type === 'VariableV2') && !op.device) {
          throw new ValueError(`When using replicas, all Variables must have their device set: ${op}`);
        }
      }
    }
    // The graph is not allowed to change anymore.
    g.finalize();
  }

  get isChief(): boolean {
    return this._isChief;
  }
  get coord(): Coordinator {
    return this._coord;
  }
  get initOp(): Operation | Tensor | null {
    return this._initOp;
  }
  get initFeedDict(): unknown {
    return this._initFeedDict;
  }
  get readyOp(): Tensor | null {
    return this._readyOp;
  }
  get readyForLocalInitOp(): Tensor | null {
    return this._readyForLocalInitOp;
  }
  get summaryWriter(): FileWriter | null {
    return this._summaryWriter;
  }
  get summaryOp(): Tensor | null {
    return this._summaryOp;
  }
  get saveSummariesSecs(): number | null {
    return this._saveSummariesSecs;
  }
  get globalStep(): Tensor | Variable | null {
    return this._globalStep;
  }
  get saver(): Saver | null {
    return this._saver;
  }
  get saveModelSecs(): number | null {
    return this._saveModelSecs;
  }
  get savePath(): string | null {
    return this._savePath;
  }

  private writeGraphFiles(): void {
    if (this._logdir) writeGraph(this._graph.asGraphDef({ addShapes: true }), this._logdir, 'graph.pbtxt');
    if (this._summaryWriter && !this.graphAddedToSummary) {
      this._summaryWriter.addGraph(this._graph);
      this._summaryWriter.addMetaGraph(this.metaGraphBytes);
      this.graphAddedToSummary = true;
    }
  }

  /**
   * `start_standard_services(sess)` (chief only): the START event, then the summary, step
   * counter and checkpoint loops; returns their threads (nothing without a logdir).
   */
  startStandardServices(sess: Session): Thread[] {
    if (!this._isChief) throw new RuntimeError('Only chief supervisor can start standard services. Because only chief supervisors can write events.');
    if (!this._logdir) {
      logging.warning("Standard services need a 'logdir' passed to the SessionManager");
      return [];
    }
    const threads: (Thread & { firstDone: Promise<void> })[] = [];
    const writer = this._summaryWriter;
    const gs = this._globalStep;
    const start = async (): Promise<void> => {
      if (gs !== null && writer) writer.addSessionLog(new SessionLog({ status: SessionLog.START }), await stepValue(sess, gs));
    };
    if (this._saveSummariesSecs && writer) {
      const op = this._summaryOp;
      if (op !== null) {
        threads.push(looper(this._coord, this._saveSummariesSecs, async () => {
          let step: number | undefined;
          let s: NDArray;
          if (gs !== null) {
            const [a, b] = (await sess.run([op, gs instanceof Variable ? gs.value() : gs])) as NDArray[];
            s = a!;
            step = Number(b!.data[0]);
          } else s = (await sess.run(op)) as NDArray;
          logging.info('Recording summary at step %s.', step ?? 'None');
          writer.addSummary(s, step);
        }, 'SVSummaryThread'));
      }
      if (gs !== null) {
        const tag = `${gs.op.name}/sec`;
        let lastTime = 0;
        let lastStep = 0;
        threads.push(looper(this._coord, this._saveSummariesSecs, async () => {
          const step = await stepValue(sess, gs);
          const now = Date.now() / 1000;
          const elapsed = now - lastTime;
          const perSec = elapsed > 0 ? (step - lastStep) / elapsed : Infinity;
          lastStep = step;
          lastTime = now;
          const summary: Summary = { value: [{ tag, simpleValue: perSec }] };
          writer.addSummary(summary, step);
        }, 'SVStepCounterThread', async () => {
          lastTime = Date.now() / 1000;
          lastStep = await stepValue(sess, gs);
        }));
      }
    }
    const saver = this._saver;
    if (saver && this._saveModelSecs) {
      const savePath = this._savePath!;
      threads.push(looper(this._coord, this._saveModelSecs, async () => {
        logging.info('Saving checkpoint to path %s', savePath);
        await saver.save(sess, savePath, { globalStep: gs });
        if (writer && gs !== null) {
          writer.addSessionLog(new SessionLog({ status: SessionLog.CHECKPOINT, checkpointPath: savePath }), await stepValue(sess, gs));
        }
      }, 'SVTimerCheckpointThread'));
    }
    // The START event goes before any loop writes; the loops start right after it. Their first
    // round (the checkpoint and summaries of the step the session starts at) is awaited by
    // prepareOrWaitForSession, so it is never written after the body's own saves.
    this.pendingStart = start().then(
      async () => {
        threads.forEach((t) => t.start());
        await Promise.all(threads.map((t) => t.firstDone));
      },
      (e) => {
        this._coord.requestStop(e);
      },
    );
    return threads;
  }

  private pendingStart: Promise<void> | null = null;

  /**
   * `prepare_or_wait_for_session(master = '', {config, waitForCheckpoint, maxWaitSecs,
   * startStandardServices})`: the chief restores the latest checkpoint of logdir, or runs the
   * init op and initFn; then the local init op; the model must then be ready. Starts the
   * standard services and the queue runners.
   */
  async prepareOrWaitForSession(master?: string | PrepareSessionOptions, opts: PrepareSessionOptions = {}): Promise<Session> {
    const o: PrepareSessionOptions = typeof master === 'object' && master !== null ? master : { ...opts, master };
    if (o.master !== undefined && o.master !== null && o.master !== '') {
      throw new UnimplementedError(`Supervisor: master '${o.master}': only the in-process master '' is supported`);
    }
    this._coord.clearStop();
    this._summaryWriter?.reopen();
    if (!this._isChief) {
      throw new UnimplementedError("Supervisor: a non-chief waits for its chief's session on a shared master; in-process sessions (master '') have no chief to wait for: use isChief: true");
    }
    const sess = await this.prepareSession(o);
    this.writeGraphFiles();
    const start = o.startStandardServices ?? true;
    if (start) {
      logging.info('Starting standard services.');
      this.startStandardServices(sess);
    }
    if (start) {
      // The queue runners start before the services' first round is awaited: a summary of the
      // input pipeline (TF's threads run side by side) dequeues what they enqueue.
      logging.info('Starting queue runners.');
      this.startQueueRunners(sess);
      await this.pendingStart;
    }
    return sess;
  }

  /** TF's SessionManager.prepare_session for the chief. */
  private async prepareSession(o: PrepareSessionOptions): Promise<Session> {
    const g = this._graph;
    const cfg = o.config;
    const sess = cfg === null || cfg === undefined ? new Session({ graph: g })
      : cfg instanceof ConfigProto ? new Session({ graph: g, config: cfg }) : new Session({ ...(cfg as SessionOptions), graph: g });
    try {
      const saver = this._saver;
      let ckpt: string | null = null;
      if (saver && this._logdir) {
        const until = Date.now() + (o.maxWaitSecs ?? 7200) * 1000;
        ckpt = latestCheckpoint(this._logdir);
        while (ckpt === null && o.waitForCheckpoint && Date.now() < until) {
          logging.info('Waiting for checkpoint to be available.');
          await new Promise((res) => setTimeout(res, Math.min(this._recoveryWaitSecs * 1000, Math.max(0, until - Date.now()))));
          ckpt = latestCheckpoint(this._logdir);
        }
      }
      const feed = (this._initFeedDict ?? undefined) as never;
      if (ckpt && saver) {
        // As ChiefSessionCreator: the init op first places each variable where its assign runs;
        // the restore then overwrites every value.
        if (this._initOp) await sess.run(this._initOp, feed);
        logging.info('Restoring parameters from %s', ckpt);
        await saver.restore(sess, ckpt);
        const state = getCheckpointState(this._logdir!);
        if (state) await saver.recoverLastCheckpoints(state.allModelCheckpointPaths);
      } else {
        if (this._initOp === null && !this._initFn && this._localInitOp === null) {
          throw new RuntimeError('Model is not initialized and no init_op or init_fn or local_init_op was given');
        }
        if (this._initOp !== null) await sess.run(this._initOp, feed);
        if (this._initFn) await this._initFn(sess);
      }
      if (this._localInitOp !== null) {
        if (this._readyForLocalInitOp !== null) {
          const left = (await sess.run(this._readyForLocalInitOp)) as NDArray;
          if (left.size > 0) {
            throw new RuntimeError(`Init operations did not make model ready for local_init.  Init op: ${nameOf(this._initOp)}, init fn: ${this._initFn ? 'function' : 'None'}, error: Variables not initialized: ${(left.toArray() as string[]).join(', ')}`);
          }
        }
        logging.info('Running local_init_op.');
        await sess.run(this._localInitOp);
        logging.info('Done running local_init_op.');
      }
      if (this._readyOp !== null) {
        const left = (await sess.run(this._readyOp)) as NDArray;
        if (left.size > 0) {
          throw new RuntimeError(`Init operations did not make model ready.  Init op: ${nameOf(this._initOp)}, init fn: ${this._initFn ? 'function' : 'None'}, local_init_op: ${nameOf(this._localInitOp)}, error: Variables not initialized: ${(left.toArray() as string[]).join(', ')}`);
        }
      }
      return sess;
    } catch (e) {
      await sess.close();
      throw e;
    }
  }

  /** `start_queue_runners(sess, queueRunners?)`: the graph's QUEUE_RUNNERS by default, on this coordinator. */
  startQueueRunners(sess: Session, queueRunners?: readonly QueueRunner[] | null): Thread[] {
    const qrs = queueRunners ?? this._graph.getCollection<QueueRunner>(GraphKeys.QUEUE_RUNNERS);
    return qrs.flatMap((qr) => qr.createThreads(sess, { coord: this._coord, daemon: true, start: true }));
  }

  /**
   * `loop(timerIntervalSecs, target, args?)`: a thread calling `target(...args)` every
   * interval (back to back when null) until a stop is requested.
   */
  loop(timerIntervalSecs: number | null, target: (...args: unknown[]) => Awaitable<unknown>, args: readonly unknown[] = []): Thread {
    if (typeof target !== 'function') throw new TypeError(`Supervisor.loop: target must be a function, got ${String(target)}`);
    const t = looper(this._coord, timerIntervalSecs, async () => {
      await target(...args);
    }, 'LooperThread');
    t.start();
    return t;
  }

  /**
   * `stop(threads?, closeSummaryWriter = true, ignoreLiveThreads = false)`: request a stop,
   * join the services and loops (re-raising an error they or the body stopped with), write the
   * STOP event and close the summary writer.
   */
  async stop(threads?: readonly Thread[] | null | { threads?: readonly Thread[] | null; closeSummaryWriter?: boolean; ignoreLiveThreads?: boolean }, closeSummaryWriter = true, ignoreLiveThreads = false): Promise<void> {
    const o = threads !== null && threads !== undefined && !Array.isArray(threads)
      ? (threads as { threads?: readonly Thread[] | null; closeSummaryWriter?: boolean; ignoreLiveThreads?: boolean })
      : { threads: threads as readonly Thread[] | null | undefined, closeSummaryWriter, ignoreLiveThreads };
    this._coord.requestStop();
    try {
      await this._coord.join(o.threads ?? null, { stopGracePeriodSecs: this._stopGraceSecs, ignoreLiveThreads: o.ignoreLiveThreads ?? false });
    } finally {
      if ((o.closeSummaryWriter ?? true) && this._summaryWriter) {
        this._summaryWriter.addSessionLog(new SessionLog({ status: SessionLog.STOP }));
        this._summaryWriter.close();
        this.graphAddedToSummary = false;
      }
    }
  }

  /** `request_stop(ex?)`: an error given here is re-raised by `stop()`. */
  requestStop(ex?: unknown): void {
    this._coord.requestStop(ex);
  }

  shouldStop(): boolean {
    return this._coord.shouldStop();
  }

  /** `stop_on_exception()`: TF's `with sv.stop_on_exception():` as `await sv.stopOnException(fn)`. */
  stopOnException<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
    return this._coord.stopOnException(fn);
  }

  async waitForStop(): Promise<void> {
    await this._coord.waitForStop();
  }

  /**
   * `summary_computed(sess, summary, globalStep?)`: write a computed summary (the string a
   * summary op returns, its bytes, or a Summary) at `globalStep`, by default the current step.
   */
  async summaryComputed(sess: Session, summary: NDArray | Uint8Array | Summary, globalStep?: number | null): Promise<void> {
    if (!this._summaryWriter) throw new RuntimeError('Writing a summary requires a summary writer.');
    let step = globalStep ?? undefined;
    if (step === undefined && this._globalStep !== null) step = await stepValue(sess, this._globalStep);
    this._summaryWriter.addSummary(summary, step);
  }

  /**
   * `managed_session(master = '', {config, startStandardServices = true, closeSummaryWriter =
   * true})` as an async scope: `await sv.managedSession(async (sess) => {...})` returns the
   * body's result. An OutOfRangeError from the body ends it cleanly; other errors are raised
   * again after the stop, once the session is closed.
   */
  async managedSession<T>(body: (sess: Session) => Awaitable<T>): Promise<T | undefined>;
  async managedSession<T>(master: string, body: (sess: Session) => Awaitable<T>): Promise<T | undefined>;
  async managedSession<T>(opts: ManagedSessionOptions, body: (sess: Session) => Awaitable<T>): Promise<T | undefined>;
  async managedSession<T>(master: string, opts: Omit<ManagedSessionOptions, 'master'>, body: (sess: Session) => Awaitable<T>): Promise<T | undefined>;
  async managedSession<T>(...args: unknown[]): Promise<T | undefined> {
    const body = args.pop() as (sess: Session) => Awaitable<T>;
    if (typeof body !== 'function') throw new TypeError('managedSession: the last argument must be the body, an async function of the session');
    let o: ManagedSessionOptions = {};
    for (const a of args) {
      if (typeof a === 'string') o = { ...o, master: a };
      else if (typeof a === 'object' && a !== null) o = { ...o, ...(a as ManagedSessionOptions) };
      else if (a !== undefined && a !== null) throw new TypeError(`managedSession: unexpected argument ${String(a)}`);
    }
    let sess: Session | null = null;
    let result: T | undefined;
    try {
      sess = await this.prepareOrWaitForSession({ master: o.master, config: o.config, startStandardServices: o.startStandardServices });
      result = await body(sess);
    } catch (e) {
      this.requestStop(e);
    } finally {
      try {
        await this.stop({ closeSummaryWriter: o.closeSummaryWriter ?? true });
      } finally {
        try {
          await sess?.close();
        } catch {
          // TF ignores errors from closing the session here.
        }
      }
    }
    return result;
  }
}

/** TF's `_default_global_step_tensor`: the graph's `global_step:0` when it is an int. */
function defaultGlobalStepTensor(g: Graph): Tensor | null {
  let t: Tensor;
  try {
    t = g.getTensorByName('global_step:0');
  } catch {
    return null;
  }
  if (t.dtype === 'int32' || t.dtype === 'int64') return t;
  logging.warning("Found 'global_step' is not an int type: %s", t.dtype);
  return null;
}

export { Tensor };
