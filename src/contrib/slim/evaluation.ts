/**
 * `slim.evaluation.evaluateOnce` (TF 1.15 contrib/slim/python/slim/evaluation.py over
 * python/training/evaluation.py): restore a checkpoint in a MonitoredSession, run `evalOp`
 * `numEvals` times (counted by the local `eval_step` variable), write the summaries once at
 * the end to `logdir` at the checkpoint's global step, and resolve to the values of `finalOp`.
 */
import { kwargs } from '../../args.js';
import { getDefaultGraph } from '../../graph/context.js';
import { type Graph, GraphKeys } from '../../graph/graph.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { NDArray } from '../../ndarray.js';
import { identity } from '../../ops/core.js';
import { Variable, assignAdd } from '../../ops/variables.js';
import type { Session } from '../../session/session.js';
import { mergeAll } from '../../summary/summary.js';
import { getGlobalStep } from '../../train/global-step.js';
import { ChiefSessionCreator, MonitoredSession, Scaffold, type MonitoredSessionConfig } from '../../train/monitored-session.js';
import { FinalOpsHook } from '../../train/hooks/final-ops-hook.js';
import { SummaryWriterCache } from '../../train/hooks/summary-writer-cache.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../../train/session-run-hook.js';
import { Saver } from '../../train/saver.js';
import * as logging from '../../train/tf-logging.js';

/** `_get_or_create_eval_step()`: the int64 local variable `eval_step`, in EVAL_STEP. */
export function getOrCreateEvalStep(g: Graph = getDefaultGraph()): Variable {
  const have = g.getCollection<Variable>(GraphKeys.EVAL_STEP);
  if (have.length === 1) return have[0]!;
  if (have.length > 1) throw new Error('Multiple tensors added to tf.GraphKeys.EVAL_STEP');
  return g.asDefault(() => new Variable(0, { name: 'eval_step', dtype: 'int64', trainable: false, collections: [GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP] } as never));
}

/** TF's `_StopAfterNEvalsHook`: reads the eval step after each run, stops at `numEvals`. */
export class StopAfterNEvalsHook extends SessionRunHook {
  evalsCompleted: Tensor | null = null;
  constructor(private readonly numEvals: number | null, private readonly logProgress = true) {
    super();
  }
  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs({ evalsCompleted: this.evalsCompleted });
  }
  override afterRun(ctx: SessionRunContext, values: SessionRunValues): void {
    const done = Number((values.results.evalsCompleted as NDArray).data[0]);
    if (this.logProgress) {
      if (this.numEvals === null) logging.info('Evaluation [%d]', done);
      else logging.info('Evaluation [%d/%d]', done, this.numEvals);
    }
    if (this.numEvals !== null && done >= this.numEvals) ctx.requestStop();
  }
}

/** TF's `_SummaryAtEndHook`: runs the summary op once at the end and writes it to `logDir` at the global step. */
export class SummaryAtEndHook extends SessionRunHook {
  private summaryOp: Tensor | null;
  private globalStep: Tensor | Variable | null = null;
  constructor(private readonly logDir: string, summaryOp: Tensor | null = null, private readonly feedDict: unknown = null) {
    super();
    this.summaryOp = summaryOp;
  }
  override begin(): void {
    this.summaryOp ??= mergeAll();
    this.globalStep = getGlobalStep();
  }
  override async end(session: Session): Promise<void> {
    if (this.summaryOp === null) return;
    const step = this.globalStep ? Number(((await session.run(this.globalStep)) as NDArray).data[0]) : undefined;
    const summary = (await session.run(this.summaryOp, (this.feedDict ?? undefined) as never)) as NDArray;
    const writer = SummaryWriterCache.get(this.logDir);
    writer.addSummary(summary, step);
    writer.flush();
  }
}

const utcNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const USE_DEFAULT = 0 as const;

const NAMES = [
  'master', 'checkpointPath', 'logdir', 'numEvals', 'initialOp', 'initialOpFeedDict', 'evalOp', 'evalOpFeedDict', 'finalOp', 'finalOpFeedDict',
  'summaryOp', 'summaryOpFeedDict', 'variablesToRestore', 'sessionConfig', 'hooks',
] as const;

/**
 * `evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None,
 * initial_op_feed_dict=None, eval_op=None, eval_op_feed_dict=None, final_op=None,
 * final_op_feed_dict=None, summary_op=_USE_DEFAULT, summary_op_feed_dict=None,
 * variables_to_restore=None, session_config=None, hooks=None)`.
 */
export async function evaluateOnce(...args: unknown[]): Promise<any> {
  const o = kwargs(args, NAMES, 'evaluate_once', 3);
  const g = getDefaultGraph();
  const numEvals = (o.numEvals as number | null | undefined) === undefined ? 1 : (o.numEvals as number | null);
  const summaryOp = o.summaryOp === undefined || o.summaryOp === USE_DEFAULT ? mergeAll() : (o.summaryOp as Tensor | null);
  const stop = new StopAfterNEvalsHook(numEvals);
  const hooks: SessionRunHook[] = [stop];
  if (summaryOp !== null) hooks.push(new SummaryAtEndHook(o.logdir as string, summaryOp, o.summaryOpFeedDict ?? null));
  hooks.push(...((o.hooks as SessionRunHook[] | null | undefined) ?? []));
  const vars = o.variablesToRestore as readonly Variable[] | Record<string, Variable> | null | undefined;
  const saver = vars ? new Saver(vars as never) : null;

  let evalOps = o.evalOp as Tensor | Operation | (Tensor | Operation)[] | Record<string, Tensor | Operation> | null | undefined;
  if (evalOps !== undefined && evalOps !== null) {
    const step = getOrCreateEvalStep(g);
    const update = g.asDefault(() => assignAdd(step, 1));
    let deps: (Tensor | Operation)[];
    if (Array.isArray(evalOps)) evalOps = deps = [...evalOps, update];
    else if (typeof evalOps === 'object' && !('graph' in evalOps)) {
      evalOps = { ...evalOps, update_eval_step: update };
      deps = Object.values(evalOps);
    } else evalOps = deps = [evalOps as Tensor | Operation, update];
    stop.evalsCompleted = g.controlDependencies(deps, () => identity(step.readValue()));
  }
  logging.info('Starting evaluation at %s', utcNow());
  const final = new FinalOpsHook(o.finalOp ?? null, o.finalOpFeedDict ?? null);
  hooks.push(final);
  const scaffold = new Scaffold({ initOp: (o.initialOp as Operation | null | undefined) ?? null, initFeedDict: o.initialOpFeedDict ?? null, saver });
  const mon = g.asDefault(() => new MonitoredSession({
    sessionCreator: new ChiefSessionCreator({ scaffold, checkpointFilenameWithPath: o.checkpointPath as string, master: (o.master as string | undefined) ?? '', config: (o.sessionConfig as MonitoredSessionConfig | undefined) ?? undefined }),
    hooks,
  }));
  await mon.withSession(async (sess) => {
    if (evalOps === undefined || evalOps === null) return;
    while (!sess.shouldStop()) await sess.run(evalOps, (o.evalOpFeedDict ?? undefined) as never);
  });
  logging.info('Finished evaluation at %s', utcNow());
  return final.finalOpsValues;
}
