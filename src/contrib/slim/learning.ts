/**
 * `slim.learning` (TF 1.15 contrib/slim/python/slim/learning.py over contrib/training):
 * `createTrainOp(totalLoss, optimizer, …)` builds the tensor that, run, applies one step of
 * gradients and returns the loss (the UPDATE_OPS run first, the loss checked for inf/NaN);
 * `train(trainOp, logdir, …)` runs it in a Supervisor's managed session until `numberOfSteps`
 * global steps (or a stop), logging `global step N: loss = …` every `logEveryNSteps` steps, and
 * saves a final checkpoint to `<logdir>/model.ckpt-N`. Python's blocking loop is a promise here.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { type Graph, GraphKeys } from '../../graph/graph.js';
import { type Operation, Tensor } from '../../graph/tensor.js';
import type { NDArray } from '../../ndarray.js';
import { clipByNorm, globalNorm } from '../../ops/clip.js';
import { checkNumerics, constant, group, identity, noOp } from '../../ops/core.js';
import { IndexedSlices } from '../../ops/indexed-slices.js';
import { equal, greaterEqual, mod, multiply } from '../../ops/math.js';
import { type Variable, globalVariablesInitializer, trainableVariables } from '../../ops/variables.js';
import { localVariablesInitializer } from '../../scope/collections.js';
import { reportUninitializedVariables } from '../../ops/variable-init.js';
import { tablesInitializer } from '../../metagraph/main-op.js';
import type { Session } from '../../session/session.js';
import { histogram, mergeAll, scalar } from '../../summary/summary.js';
import { getOrCreateGlobalStep } from '../../train/global-step.js';
import type { GradAndVar, Optimizer } from '../../train/optimizer.js';
import { Saver } from '../../train/saver.js';
import { Supervisor, type SupervisorSessionConfig } from '../../train/supervisor.js';
import * as logging from '../../train/tf-logging.js';

type Grad = Tensor | IndexedSlices | null;

/** TF's `with_dependencies(deps, t)`: `t` through an identity that runs after `deps`. */
function withDependencies(deps: readonly (Operation | Tensor)[], t: Tensor, name = 'control_dependency'): Tensor {
  return t.graph.controlDependencies([...deps], () => identity(t, name));
}

/** `clip_gradient_norms(gradients_to_variables, max_norm)`: each gradient clipped to norm `maxNorm`. */
export function clipGradientNorms(gradientsToVariables: readonly GradAndVar[], maxNorm: number): GradAndVar[] {
  return gradientsToVariables.map(([g, v]) => [g === null ? null : (clipByNorm(g as Tensor, maxNorm) as Tensor), v] as GradAndVar);
}

/** `multiply_gradients(grads_and_vars, gradient_multipliers)`: scale the gradients of the variables (or op names) listed. */
export function multiplyGradients(gradsAndVars: readonly GradAndVar[], gradientMultipliers: Map<Variable | string, number> | Record<string, number>): GradAndVar[] {
  if (!Array.isArray(gradsAndVars)) throw new ValueError('`grads_and_vars` must be a list.');
  const m = gradientMultipliers instanceof Map ? gradientMultipliers : new Map<Variable | string, number>(Object.entries(gradientMultipliers));
  if (m.size === 0) throw new ValueError('`gradient_multipliers` is empty.');
  return gradsAndVars.map(([grad, v]) => {
    const key = m.has(v) ? v : m.has(v.op.name) ? v.op.name : undefined;
    if (key === undefined) return [grad, v] as GradAndVar;
    if (grad === null) throw new ValueError('Requested multiple of `None` gradient.');
    const c = constant(m.get(key)!, (grad as Tensor).dtype);
    const g: Grad = grad instanceof IndexedSlices ? new IndexedSlices(multiply(grad.values, c), grad.indices, grad.denseShape) : multiply(grad as Tensor, c);
    return [g, v] as GradAndVar;
  });
}

/** `add_gradients_summaries(grads_and_vars)`: a histogram of each gradient and a scalar of its norm. */
export function addGradientsSummaries(gradsAndVars: readonly GradAndVar[]): Tensor[] {
  const out: Tensor[] = [];
  for (const [grad, v] of gradsAndVars) {
    if (grad === null) {
      logging.info('Var %s has no gradient', v.op.name);
      continue;
    }
    const values = grad instanceof IndexedSlices ? grad.values : (grad as Tensor);
    out.push(histogram(`${v.op.name}_gradient`, values));
    out.push(scalar(`${v.op.name}_gradient_norm`, globalNorm([values])));
  }
  return out;
}

const CREATE_NAMES = [
  'totalLoss', 'optimizer', 'globalStep', 'updateOps', 'variablesToTrain', 'clipGradientNorm', 'summarizeGradients', 'gateGradients',
  'aggregationMethod', 'colocateGradientsWithOps', 'gradientMultipliers', 'checkNumerics',
] as const;

/**
 * `create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
 * variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False,
 * gate_gradients=GATE_OP, aggregation_method=None, colocate_gradients_with_ops=False,
 * gradient_multipliers=None, check_numerics=True)`. `globalStep` left out is the graph's
 * (created where missing); `null` increments none. The result is added to TRAIN_OP.
 */
export function createTrainOp(...args: unknown[]): Tensor {
  const o = kwargs(args, CREATE_NAMES, 'create_train_op', 2);
  let totalLoss = o.totalLoss as Tensor;
  if (!(totalLoss instanceof Tensor)) throw new TypeError(`create_train_op(): total_loss must be a Tensor, got ${String(totalLoss)}`);
  const optimizer = o.optimizer as Optimizer;
  const g = totalLoss.graph;
  return g.asDefault(() => {
    const globalStep = o.globalStep === undefined ? getOrCreateGlobalStep(g) : (o.globalStep as Variable | Tensor | null);
    const globalUpdates = g.getCollection<Operation | Tensor>(GraphKeys.UPDATE_OPS);
    const updateOps = o.updateOps === undefined || o.updateOps === null ? globalUpdates : [...new Set(o.updateOps as (Operation | Tensor)[])];
    if (!globalUpdates.every((u) => updateOps.includes(u))) {
      logging.warning('update_ops in create_train_op does not contain all the update_ops in GraphKeys.UPDATE_OPS');
    }
    if (updateOps.length > 0) {
      const barrier = g.controlDependencies(updateOps, () => noOp('update_barrier'));
      totalLoss = withDependencies([barrier], totalLoss);
    }
    const trainable = trainableVariables();
    const vars = (o.variablesToTrain as Variable[] | null | undefined) ?? trainable;
    for (const v of vars) if (!trainable.includes(v)) throw new ValueError(`variables_to_train: ${v.name} is not a trainable variable`);
    if (vars.length === 0) throw new ValueError('create_train_op(): there are no variables to train');
    let grads = optimizer.computeGradients(totalLoss, {
      varList: vars, gateGradients: (o.gateGradients as number | undefined) ?? 1, aggregationMethod: (o.aggregationMethod as never) ?? null,
      colocateGradientsWithOps: (o.colocateGradientsWithOps as boolean | undefined) ?? false,
    });
    const multipliers = o.gradientMultipliers as Map<Variable | string, number> | Record<string, number> | null | undefined;
    if (multipliers && (multipliers instanceof Map ? multipliers.size > 0 : Object.keys(multipliers).length > 0)) {
      grads = g.nameScope('multiply_grads', () => multiplyGradients(grads, multipliers));
    }
    const clip = (o.clipGradientNorm as number | undefined) ?? 0;
    if (clip > 0) grads = g.nameScope('clip_grads', () => clipGradientNorms(grads, clip));
    if (o.summarizeGradients) g.nameScope('summarize_grads', () => addGradientsSummaries(grads));
    const gradUpdates = optimizer.applyGradients(grads, { globalStep: globalStep as never });
    const trainOp = g.nameScope('train_op', () => {
      const checked = o.checkNumerics === false ? totalLoss : checkNumerics(totalLoss, 'LossTensor is inf or nan');
      return withDependencies([gradUpdates], checked);
    });
    const ops = g.getCollectionRef<Tensor>(GraphKeys.TRAIN_OP);
    if (!ops.includes(trainOp)) ops.push(trainOp);
    return trainOp;
  });
}

/** The `train_step_kwargs` slim's train gives `train_step`: should_stop / should_log tensors. */
export interface TrainStepKwargs {
  shouldStop?: Tensor;
  shouldLog?: Tensor;
  logdir?: string | null;
  [key: string]: unknown;
}
export type TrainStepFn = (sess: Session, trainOp: Tensor, globalStep: Tensor | Variable, kw: TrainStepKwargs) => Promise<[number, boolean]>;

const num = (v: unknown): number => Number((v as NDArray).data[0]);

/** `train_step(sess, train_op, global_step, train_step_kwargs)`: one step; `[loss, shouldStop]`. */
export async function trainStep(sess: Session, trainOp: Tensor, globalStep: Tensor | Variable, kw: TrainStepKwargs): Promise<[number, boolean]> {
  const start = performance.now();
  const loss = (await sess.run(trainOp)) as NDArray;
  const elapsed = (performance.now() - start) / 1000;
  if (kw.shouldLog) {
    // the step read after the update, as TF's logs show it (`global step 10` for every 10th step)
    const [step, log] = (await sess.run([globalStep, kw.shouldLog])) as [NDArray, NDArray];
    if (num(log)) logging.info('global step %d: loss = %.4f (%.3f sec/step)', num(step), num(loss), elapsed);
  }
  const stop = kw.shouldStop ? Boolean(num(await sess.run(kw.shouldStop))) : false;
  return [num(loss), stop];
}

const USE_DEFAULT = 0 as const;
type OrDefault<T> = T | null | typeof USE_DEFAULT | undefined;

const TRAIN_NAMES = [
  'trainOp', 'logdir', 'trainStepFn', 'trainStepKwargs', 'logEveryNSteps', 'graph', 'master', 'isChief', 'globalStep', 'numberOfSteps',
  'initOp', 'initFeedDict', 'localInitOp', 'initFn', 'readyOp', 'summaryOp', 'saveSummariesSecs', 'summaryWriter', 'startupDelaySteps',
  'saver', 'saveIntervalSecs', 'syncOptimizer', 'sessionConfig', 'sessionWrapper', 'traceEveryNSteps', 'ignoreLiveThreads',
] as const;

/**
 * `train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
 * log_every_n_steps=1, graph=None, master='', is_chief=True, global_step=None,
 * number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None, local_init_op=_USE_DEFAULT,
 * init_fn=None, ready_op=_USE_DEFAULT, summary_op=_USE_DEFAULT, save_summaries_secs=600,
 * summary_writer=_USE_DEFAULT, startup_delay_steps=0, saver=None, save_interval_secs=600,
 * sync_optimizer=None, session_config=None, session_wrapper=None, trace_every_n_steps=None,
 * ignore_live_threads=False)`: resolves to the loss of the last step.
 */
export async function train(...args: unknown[]): Promise<number | undefined> {
  const o = kwargs(args, TRAIN_NAMES, 'train', 2);
  const trainOp = o.trainOp as Tensor | null;
  const logdir = (o.logdir as string | null | undefined) ?? null;
  if (trainOp === null || trainOp === undefined) throw new ValueError('train_op cannot be None.');
  const summaryOpArg = o.summaryOp as OrDefault<Tensor>;
  if (logdir === null) {
    if (summaryOpArg !== undefined && summaryOpArg !== USE_DEFAULT) throw new ValueError('Cannot provide summary_op because logdir=None');
    if (o.saver) throw new ValueError('Cannot provide saver because logdir=None');
    if (o.traceEveryNSteps !== undefined && o.traceEveryNSteps !== null) throw new ValueError('Cannot provide trace_every_n_steps because logdir=None');
  }
  if (o.syncOptimizer) throw new ValueError('train(): sync_optimizer is not supported; run the SyncReplicasOptimizer in a MonitoredTrainingSession');
  if (o.sessionWrapper) throw new ValueError('train(): session_wrapper is not supported');
  if (o.traceEveryNSteps !== undefined && o.traceEveryNSteps !== null) throw new ValueError('train(): trace_every_n_steps is not supported');
  const numberOfSteps = (o.numberOfSteps as number | null | undefined) ?? null;
  if (numberOfSteps !== null && numberOfSteps <= 0) throw new ValueError('`number_of_steps` must be either None or a positive number.');
  const isChief = (o.isChief as boolean | undefined) ?? true;
  // TF takes the default graph; the train op's is the one that holds it
  const graph = (o.graph as Graph | null | undefined) ?? trainOp.graph ?? getDefaultGraph();
  const logEvery = (o.logEveryNSteps as number | undefined) ?? 1;

  const built = graph.asDefault(() => {
    const globalStep = (o.globalStep as Tensor | Variable | null | undefined) ?? getOrCreateGlobalStep(graph);
    const saver = (o.saver as Saver | null | undefined) ?? new Saver();
    const [initOp, readyOp, localInitOp] = graph.nameScope('init_ops', () => [
      o.initOp === undefined || o.initOp === USE_DEFAULT ? globalVariablesInitializer() : (o.initOp as Operation | null),
      o.readyOp === undefined || o.readyOp === USE_DEFAULT ? reportUninitializedVariables() : (o.readyOp as Tensor | null),
      o.localInitOp === undefined || o.localInitOp === USE_DEFAULT ? group(localVariablesInitializer(), tablesInitializer()) : (o.localInitOp as Operation | null),
    ] as const);
    const summaryOp = summaryOpArg === undefined || summaryOpArg === USE_DEFAULT ? mergeAll() : summaryOpArg;
    let kw = o.trainStepKwargs as TrainStepKwargs | typeof USE_DEFAULT | undefined;
    if (kw === undefined || kw === USE_DEFAULT) {
      kw = graph.nameScope('train_step', () => ({
        shouldStop: numberOfSteps ? greaterEqual(globalStep, numberOfSteps) : constant(false),
        shouldLog: equal(mod(globalStep, logEvery), 0),
      }));
    }
    return { globalStep, saver, initOp, readyOp, localInitOp, summaryOp, kw };
  });
  const summaryWriter = o.summaryWriter === undefined ? USE_DEFAULT : (o.summaryWriter as never);
  const sv = new Supervisor({
    graph, isChief, logdir, initOp: built.initOp as never, initFeedDict: o.initFeedDict, localInitOp: built.localInitOp as never,
    readyOp: built.readyOp, summaryOp: built.summaryOp, summaryWriter, globalStep: built.globalStep, saver: built.saver,
    saveSummariesSecs: (o.saveSummariesSecs as number | undefined) ?? 600, saveModelSecs: (o.saveIntervalSecs as number | undefined) ?? 600,
    initFn: (o.initFn as ((sess: Session) => Promise<void> | void) | null | undefined) ?? null,
  });
  const kw = built.kw as TrainStepKwargs;
  if (summaryWriter !== null) kw.summaryWriter = sv.summaryWriter;
  const stepFn = (o.trainStepFn as TrainStepFn | undefined) ?? trainStep;
  const config = (o.sessionConfig as SupervisorSessionConfig | undefined) ?? null;
  let totalLoss: number | undefined;
  await sv.managedSession({ master: (o.master as string | undefined) ?? '', startStandardServices: false, config }, async (sess) => {
    logging.info('Starting Session.');
    let services: unknown[] = [];
    if (isChief) {
      if (logdir) services = sv.startStandardServices(sess);
    } else if (((o.startupDelaySteps as number | undefined) ?? 0) > 0) {
      const target = Math.min(o.startupDelaySteps as number, numberOfSteps ?? Number.MAX_SAFE_INTEGER);
      while (num(await sess.run(built.globalStep)) < target) await new Promise((r) => setTimeout(r, 1000));
    }
    sv.startQueueRunners(sess);
    logging.info('Starting Queues.');
    // TF's service threads save their first checkpoint and summary at once; awaiting that round
    // keeps its checkpoint (and the state file) from landing after a short training's final save
    await Promise.all(services.map((t) => (t as { firstDone?: Promise<void> }).firstDone));
    while (!sv.shouldStop()) {
      const [loss, stop] = await stepFn(sess, trainOp, built.globalStep, kw);
      totalLoss = loss;
      if (stop) {
        logging.info('Stopping Training.');
        break;
      }
    }
    if (logdir && sv.isChief) {
      logging.info('Finished training! Saving model to disk.');
      await sv.saver!.save(sess, sv.savePath!, sv.globalStep as never);
    }
  });
  return totalLoss;
}
