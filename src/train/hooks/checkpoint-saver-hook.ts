/** `tf.train.CheckpointSaverHook` and `CheckpointSaverListener`: checkpoints every N steps or seconds, and at the end. */
import { RuntimeError, ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { GraphKeys } from '../../graph/graph.js';
import type { Tensor } from '../../graph/tensor.js';
import { writeGraph } from '../../graphdef/write-graph.js';
import { encode } from '../../proto/codec.js';
import { MetaGraphDefT } from '../../proto/meta-graph.js';
import { buildMetaGraphDef } from '../../metagraph/meta-graph.js';
import { path as nodePath } from '../../platform/node-builtins.js';
import type { Session } from '../../session/session.js';
import { SessionLog, type FileWriter } from '../../summary/file-writer.js';
import type { Saver } from '../saver.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { globalStepRead, scalarOf } from './common.js';
import { SummaryWriterCache } from './summary-writer-cache.js';
import { SecondOrStepTimer } from './timer.js';

type Awaitable<T> = T | Promise<T>;

/** Callbacks around the saves of a CheckpointSaverHook; `afterSave` returning true stops training. */
export class CheckpointSaverListener {
  begin(): Awaitable<void> {}
  beforeSave(session: Session, globalStepValue: number): Awaitable<void> {
    void session;
    void globalStepValue;
  }
  afterSave(session: Session, globalStepValue: number): Awaitable<boolean | void> {
    void session;
    void globalStepValue;
  }
  end(session: Session, globalStepValue: number): Awaitable<void> {
    void session;
    void globalStepValue;
  }
}

export interface CheckpointSaverHookOptions {
  saveSecs?: number | null;
  saveSteps?: number | null;
  saver?: Saver | null;
  checkpointBasename?: string;
  scaffold?: { saver: Saver | null } | null;
  listeners?: CheckpointSaverListener[] | null;
}

export class CheckpointSaverHook extends SessionRunHook {
  private saver: Saver | null;
  private readonly checkpointDir: string;
  private readonly savePath: string;
  private readonly scaffold: { saver: Saver | null } | null;
  private readonly timer: SecondOrStepTimer;
  /** @internal the Estimator adds its saving listeners to a hook the caller gave */
  readonly listeners: CheckpointSaverListener[];
  private writer: FileWriter | null = null;
  private step: Tensor | null = null;
  private readonly stepsPerRun = 1;

  /** `CheckpointSaverHook(checkpointDir, saveSecs?, saveSteps?, saver?, checkpointBasename = 'model.ckpt', scaffold?, listeners?)`. */
  constructor(checkpointDir: string, saveSecs?: number | null | CheckpointSaverHookOptions, saveSteps?: number | null, saver?: Saver | null, checkpointBasename?: string, scaffold?: { saver: Saver | null } | null, listeners?: CheckpointSaverListener[] | null) {
    super();
    const o: CheckpointSaverHookOptions = typeof saveSecs === 'object' && saveSecs !== null ? saveSecs : { saveSecs, saveSteps, saver, checkpointBasename, scaffold, listeners };
    logging.info('Create CheckpointSaverHook.');
    if (o.saver && o.scaffold) throw new ValueError('You cannot provide both saver and scaffold.');
    this.saver = o.saver ?? null;
    this.checkpointDir = checkpointDir;
    this.savePath = nodePath.join(checkpointDir, o.checkpointBasename ?? 'model.ckpt');
    this.scaffold = o.scaffold ?? null;
    this.timer = new SecondOrStepTimer({ everySecs: o.saveSecs ?? null, everySteps: o.saveSteps ?? null });
    this.listeners = [...(o.listeners ?? [])];
  }

  override async begin(): Promise<void> {
    this.writer = SummaryWriterCache.get(this.checkpointDir);
    this.step = globalStepRead('CheckpointSaverHook');
    for (const l of this.listeners) await l.begin();
  }

  override async afterCreateSession(session: Session): Promise<void> {
    const globalStep = scalarOf(await session.run(this.step!));
    // the graph is written here, not in begin: other hooks may still add ops in theirs
    const g = getDefaultGraph();
    writeGraph(g.asGraphDef({ addShapes: true }), this.checkpointDir, 'graph.pbtxt');
    const saver = this.getSaver();
    this.writer!.addGraph(g);
    this.writer!.addMetaGraph(encode(MetaGraphDefT, buildMetaGraphDef({ graph: g, ...(saver ? { saverDef: saver.saverDef } : {}) }) as never));
    // the checkpoint saved here is the state at step `globalStep`
    await this.save(session, globalStep);
    this.timer.updateLastTriggeredStep(globalStep);
  }

  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs(this.step);
  }

  override async afterRun(ctx: SessionRunContext, values: SessionRunValues): Promise<void> {
    const stale = scalarOf(values.results);
    if (this.timer.shouldTriggerForStep(stale + this.stepsPerRun)) {
      const globalStep = scalarOf(await ctx.session.run(this.step!));
      if (this.timer.shouldTriggerForStep(globalStep)) {
        this.timer.updateLastTriggeredStep(globalStep);
        if (await this.save(ctx.session, globalStep)) ctx.requestStop();
      }
    }
  }

  override async end(session: Session): Promise<void> {
    const last = scalarOf(await session.run(this.step!));
    if (last !== this.timer.lastTriggeredStep()) await this.save(session, last);
    for (const l of this.listeners) await l.end(session, last);
  }

  /** Save; true when a listener asks to stop. */
  private async save(session: Session, step: number): Promise<boolean> {
    logging.info('Saving checkpoints for %d into %s.', step, this.savePath);
    for (const l of this.listeners) await l.beforeSave(session, step);
    await this.getSaver()!.save(session, this.savePath, { globalStep: step });
    this.writer!.addSessionLog(new SessionLog({ status: SessionLog.CHECKPOINT, checkpointPath: this.savePath }), step);
    let stop = false;
    for (const l of this.listeners) {
      if (await l.afterSave(session, step)) {
        logging.info('A CheckpointSaverListener requested that training be stopped. listener: %s', l.constructor.name);
        stop = true;
      }
    }
    return stop;
  }

  private getSaver(): Saver | null {
    if (this.saver) return this.saver;
    if (this.scaffold) return this.scaffold.saver;
    const savers = getDefaultGraph().getCollection<Saver>(GraphKeys.SAVERS);
    if (savers.length === 0) throw new RuntimeError(`No items in collection ${GraphKeys.SAVERS}. Please add a saver to the collection or provide a saver or scaffold.`);
    if (savers.length > 1) throw new RuntimeError(`More than one item in collection ${GraphKeys.SAVERS}. Please indicate which one to use by passing it to the constructor.`);
    this.saver = savers[0]!;
    return this.saver;
  }
}
