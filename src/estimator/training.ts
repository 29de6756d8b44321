/**
 * `tf.estimator.train_and_evaluate` and its specs (tensorflow_estimator's training.py), run
 * locally: training, with an evaluation after each new checkpoint (at most every
 * `throttleSecs`) and one at the end, each followed by the eval spec's exporters; and the
 * exporters (exporter.py): LatestExporter, FinalExporter, BestExporter.
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { GraphKeys } from '../graph/graph.js';
import type { Session } from '../session/session.js';
import { CheckpointSaverListener } from '../train/hooks/checkpoint-saver-hook.js';
import { SecondOrStepTimer } from '../train/hooks/timer.js';
import { SessionRunHook } from '../train/session-run-hook.js';
import * as logging from '../train/tf-logging.js';
import { Estimator, type InputFn } from './estimator.js';
import type { ServingInputReceiverFn } from './export.js';

type Metrics = Record<string, number>;

function checkHooks(hooks: unknown, where: string): SessionRunHook[] {
  const hs = [...((hooks as SessionRunHook[] | null | undefined) ?? [])];
  for (const h of hs) if (!(h instanceof SessionRunHook)) throw new TypeError(`All hooks must be SessionRunHook instances, given: ${String(h)} (in ${where})`);
  return hs;
}

/** `TrainSpec(inputFn, maxSteps?, hooks?)`. */
export class TrainSpec {
  readonly inputFn: InputFn;
  readonly maxSteps: number | null;
  readonly hooks: readonly SessionRunHook[];
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['inputFn', 'maxSteps', 'hooks'], 'TrainSpec', 1);
    if (typeof a.inputFn !== 'function') throw new TypeError(`\`input_fn\` must be callable, given: ${String(a.inputFn)}`);
    const m = (a.maxSteps as number | null | undefined) ?? null;
    if (m !== null && !(m > 0)) throw new ValueError(`Must specify max_steps > 0, given: ${m}`);
    this.inputFn = a.inputFn as InputFn;
    this.maxSteps = m;
    this.hooks = checkHooks(a.hooks, 'TrainSpec');
  }
}

/** `EvalSpec(inputFn, steps = 100, name?, hooks?, exporters?, startDelaySecs = 120, throttleSecs = 600)`. */
export class EvalSpec {
  readonly inputFn: InputFn;
  readonly steps: number | null;
  readonly name: string | null;
  readonly hooks: readonly SessionRunHook[];
  readonly exporters: readonly Exporter[];
  readonly startDelaySecs: number;
  readonly throttleSecs: number;
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['inputFn', 'steps', 'name', 'hooks', 'exporters', 'startDelaySecs', 'throttleSecs'], 'EvalSpec', 1);
    if (typeof a.inputFn !== 'function') throw new TypeError(`\`input_fn\` must be callable, given: ${String(a.inputFn)}`);
    const steps = a.steps === undefined ? 100 : (a.steps as number | null);
    if (steps !== null && !(steps > 0)) throw new ValueError(`Must specify steps > 0, given: ${steps}`);
    const name = (a.name as string | null | undefined) ?? null;
    if (name !== null && typeof name !== 'string') throw new TypeError(`\`name\` must be string, given: ${String(name)}`);
    const delay = (a.startDelaySecs as number | undefined) ?? 120;
    if (!(delay >= 0)) throw new ValueError(`Must specify start_delay_secs >= 0, given: ${delay}`);
    const throttle = (a.throttleSecs as number | undefined) ?? 600;
    if (!(throttle >= 0)) throw new ValueError(`Must specify throttle_secs >= 0, given: ${throttle}`);
    const ex = a.exporters ?? [];
    const exporters = ex instanceof Exporter ? [ex] : [...(ex as Exporter[])];
    const names = new Set<string>();
    for (const e of exporters) {
      if (!(e instanceof Exporter)) throw new TypeError(`\`exporters\` must be an Exporter, an iterable of Exporter, or \`None\`, found ${String(e)}.`);
      if (!e.name || !e.name.trim()) throw new ValueError(`An Exporter cannot have a name that is \`None\` or empty. All exporter names: ${exporters.map((x) => x.name).join(', ')}`);
      if (names.has(e.name)) throw new ValueError(`\`exporters\` must have unique names. Such a name cannot be \`None\`. All exporter names: ${exporters.map((x) => x.name).join(', ')}`);
      names.add(e.name);
    }
    this.inputFn = a.inputFn as InputFn;
    this.steps = steps;
    this.name = name;
    this.hooks = checkHooks(a.hooks, 'EvalSpec');
    this.exporters = exporters;
    this.startDelaySecs = delay;
    this.throttleSecs = throttle;
  }
}

/** `tf.estimator.Exporter`: writes an export after an evaluation. */
export abstract class Exporter {
  abstract readonly name: string;
  /** Export (or not) after an evaluation; returns the export's path, or null. */
  abstract export(estimator: Estimator, exportPath: string, checkpointPath: string, evalResult: Metrics, isTheFinalExport: boolean): Promise<string | null>;
}

interface SavedModelExportOptions {
  assetsExtra?: Record<string, string> | null;
  asText?: boolean;
  exportsToKeep?: number | null;
}

/** The timestamped exports under `exportPath`, oldest first. */
function exportsIn(exportPath: string): string[] {
  if (!nodeFs.existsSync(exportPath)) return [];
  return nodeFs.readdirSync(exportPath).filter((d) => /^\d+$/.test(d)).sort((x, y) => Number(x) - Number(y));
}

/** Remove all but the newest `keep` exports, as TF's `_garbage_collect_exports`. */
function garbageCollect(exportPath: string, keep: number | null): void {
  if (keep === null) return;
  const all = exportsIn(exportPath);
  for (const d of all.slice(0, Math.max(0, all.length - keep))) {
    try {
      nodeFs.rmSync(nodePath.join(exportPath, d), { recursive: true, force: true });
    } catch (e) {
      logging.warning('Can not delete %s recursively: %s', d, String(e));
    }
  }
}

abstract class SavedModelExporter extends Exporter {
  readonly name: string;
  protected readonly receiverFn: ServingInputReceiverFn;
  protected readonly assetsExtra: Record<string, string> | null;
  protected readonly asText: boolean;
  protected constructor(where: string, a: Record<string, unknown>) {
    super();
    if (typeof a.servingInputReceiverFn !== 'function') throw new ValueError(`${where}: serving_input_receiver_fn must be defined.`);
    this.name = a.name as string;
    this.receiverFn = a.servingInputReceiverFn as ServingInputReceiverFn;
    this.assetsExtra = (a.assetsExtra as Record<string, string> | null | undefined) ?? null;
    this.asText = (a.asText as boolean | undefined) ?? false;
  }
  protected write(estimator: Estimator, exportPath: string, checkpointPath: string): Promise<string> {
    return estimator.exportSavedModel(exportPath, this.receiverFn, this.assetsExtra, this.asText, checkpointPath);
  }
}

/** `LatestExporter(name, servingInputReceiverFn, assetsExtra?, asText = false, exportsToKeep = 5)`: exports after every evaluation, keeping the newest ones. */
export class LatestExporter extends SavedModelExporter {
  readonly exportsToKeep: number | null;
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['name', 'servingInputReceiverFn', 'assetsExtra', 'asText', 'exportsToKeep'], 'LatestExporter', 2);
    super('LatestExporter', a);
    const keep = a.exportsToKeep === undefined ? 5 : (a.exportsToKeep as number | null);
    if (keep !== null && !(keep > 0)) throw new ValueError('`exports_to_keep`, if provided, must be a positive number. Got ' + String(keep));
    this.exportsToKeep = keep;
  }
  async export(estimator: Estimator, exportPath: string, checkpointPath: string): Promise<string> {
    const out = await this.write(estimator, exportPath, checkpointPath);
    garbageCollect(exportPath, this.exportsToKeep);
    return out;
  }
}

/** `FinalExporter(name, servingInputReceiverFn, assetsExtra?, asText = false)`: exports once, after the final evaluation. */
export class FinalExporter extends SavedModelExporter {
  constructor(...args: unknown[]) {
    super('FinalExporter', kwargs(args, ['name', 'servingInputReceiverFn', 'assetsExtra', 'asText'], 'FinalExporter', 2));
  }
  async export(estimator: Estimator, exportPath: string, checkpointPath: string, _evalResult: Metrics, isTheFinalExport: boolean): Promise<string | null> {
    if (!isTheFinalExport) return null;
    logging.info('Performing the final export in the end of training.');
    return this.write(estimator, exportPath, checkpointPath);
  }
}

/** TF's `_loss_smaller`: the default BestExporter comparison. */
function lossSmaller(best: Metrics, current: Metrics): boolean {
  const key = 'loss';
  if (!(key in best)) throw new ValueError('best_eval_result cannot be empty or no loss is found in it.');
  if (!(key in current)) throw new ValueError('current_eval_result cannot be empty or no loss is found in it.');
  return best[key]! > current[key]!;
}

/**
 * `BestExporter(name = 'best_exporter', servingInputReceiverFn?, eventFilePattern = 'eval/*.tfevents.*',
 * compareFn = loss smaller, assetsExtra?, asText = false, exportsToKeep = 5)`: exports when an
 * evaluation beats the best one so far (by `compareFn(best, current)`). The best starts from
 * this exporter's own evaluations; earlier runs' event files are not read.
 */
export class BestExporter extends SavedModelExporter {
  readonly exportsToKeep: number | null;
  private readonly compareFn: (best: Metrics, current: Metrics) => boolean;
  private best: Metrics | null = null;
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['name', 'servingInputReceiverFn', 'eventFilePattern', 'compareFn', 'assetsExtra', 'asText', 'exportsToKeep'], 'BestExporter');
    super('BestExporter', { ...a, name: a.name ?? 'best_exporter' });
    const cmp = a.compareFn ?? lossSmaller;
    if (typeof cmp !== 'function') throw new ValueError('`compare_fn` must not be None.');
    if (cmp.length !== 2) throw new ValueError(`compare_fn (${String(cmp)}) must include best_eval_result and current_eval_result as arguments.`);
    this.compareFn = cmp as (best: Metrics, current: Metrics) => boolean;
    const keep = a.exportsToKeep === undefined ? 5 : (a.exportsToKeep as number | null);
    if (keep !== null && !(keep > 0)) throw new ValueError('`exports_to_keep`, if provided, must be a positive number');
    this.exportsToKeep = keep;
  }
  async export(estimator: Estimator, exportPath: string, checkpointPath: string, evalResult: Metrics): Promise<string | null> {
    if (this.best !== null && !this.compareFn(this.best, evalResult)) return null;
    logging.info('Exporting a better model (%s instead of %s)...', JSON.stringify(evalResult), JSON.stringify(this.best));
    this.best = evalResult;
    const out = await this.write(estimator, exportPath, checkpointPath);
    garbageCollect(exportPath, this.exportsToKeep);
    return out;
  }
}

/** TF's `_Evaluator`: evaluates a new checkpoint and runs the exporters on the result. */
class Evaluator {
  private previousCkpt: string | null = null;
  exportResults: (string | null)[] = [];
  constructor(private readonly estimator: Estimator, private readonly spec: EvalSpec, private readonly maxSteps: number | null) {}
  async evaluateAndExport(): Promise<Metrics | null> {
    const ckpt = this.estimator.latestCheckpoint();
    if (!ckpt) {
      logging.warning('Estimator is not trained yet. Will start an evaluation when a checkpoint is ready.');
      return null;
    }
    if (ckpt === this.previousCkpt) {
      logging.warning('No new checkpoint ready for evaluation. Skip the current evaluation pass as evaluation results are expected to be same for the same checkpoint.');
      return null;
    }
    const metrics = await this.estimator.evaluate(this.spec.inputFn, { steps: this.spec.steps, name: this.spec.name, checkpointPath: ckpt, hooks: this.spec.hooks });
    if (!metrics || Object.keys(metrics).length === 0) throw new Error('Internal error: `Estimator.evaluate` should never return empty metrics.');
    if (!(GraphKeys.GLOBAL_STEP in metrics)) throw new ValueError(`Internal error: \`Estimator.evaluate\` result should have \`global_step\` in result. Given ${JSON.stringify(metrics)}`);
    const isFinal = this.maxSteps !== null && metrics[GraphKeys.GLOBAL_STEP]! >= this.maxSteps;
    for (const ex of this.spec.exporters) {
      const path = nodePath.join(this.estimator.modelDir, 'export', ex.name);
      this.exportResults.push(await ex.export(this.estimator, path, ckpt, metrics, isFinal));
    }
    this.previousCkpt = ckpt;
    return metrics;
  }
}

/** TF's `_NewCheckpointListenerForEvaluate`: an evaluation after each new checkpoint, at most every throttleSecs, and one at the end. */
class EvaluateAfterSave extends CheckpointSaverListener {
  private timer = new SecondOrStepTimer({ everySecs: 0 });
  private first = true;
  evalResult: Metrics | null = null;
  constructor(private readonly evaluator: Evaluator, private readonly throttleSecs: number) {
    super();
  }
  override begin(): void {
    this.timer = new SecondOrStepTimer({ everySecs: this.throttleSecs });
    this.first = true;
  }
  override async afterSave(_session: Session, step: number): Promise<boolean> {
    if (this.first) {
      // the checkpoint written when the session starts: nothing trained yet
      this.first = false;
      return false;
    }
    if (this.timer.shouldTriggerForStep(step)) await this.evaluate(step);
    else logging.info('Skip the current checkpoint eval due to throttle secs (%d secs).', this.throttleSecs);
    return false;
  }
  override async end(_session: Session, step: number): Promise<void> {
    if (step !== this.timer.lastTriggeredStep()) await this.evaluate(step);
  }
  private async evaluate(step: number): Promise<void> {
    this.timer.updateLastTriggeredStep(step);
    const r = await this.evaluator.evaluateAndExport();
    if (r === null) throw new Error('There was no new checkpoint after the training. Eval status: no new checkpoint');
    this.evalResult = r;
  }
}

/**
 * `trainAndEvaluate(estimator, trainSpec, evalSpec)`: trains to `trainSpec.maxSteps` (or the
 * end of its data), evaluating each new checkpoint (at most every `evalSpec.throttleSecs`) and
 * once at the end, each evaluation followed by the exporters. Returns [the last evaluation's
 * metrics, the exporters' results], as TF 1.15's local run (a TF_CONFIG cluster's
 * distributed run is not part of it).
 */
export async function trainAndEvaluate(...args: unknown[]): Promise<[Metrics | null, (string | null)[]]> {
  const a = kwargs(args, ['estimator', 'trainSpec', 'evalSpec'], 'train_and_evaluate', 3);
  const est = a.estimator;
  if (!(est instanceof Estimator)) throw new TypeError(`\`estimator\` must have type \`tf.estimator.Estimator\`. Got: ${String(est)}`);
  if (!(a.trainSpec instanceof TrainSpec)) throw new TypeError(`\`train_spec\` must have type \`tf.estimator.TrainSpec\`. Got: ${String(a.trainSpec)}`);
  if (!(a.evalSpec instanceof EvalSpec)) throw new TypeError(`\`eval_spec\` must have type \`tf.estimator.EvalSpec\`. Got: ${String(a.evalSpec)}`);
  const train = a.trainSpec;
  const evalSpec = a.evalSpec;
  const cfg = est.config;
  if (!cfg.saveCheckpointsSteps && !cfg.saveCheckpointsSecs) {
    throw new ValueError('`estimator.config` must have either `save_checkpoints_steps` or `save_checkpoints_secs` set for evaluation to run after each checkpoint.');
  }
  logging.info('Start train and evaluate loop. The evaluate will happen after every checkpoint. Checkpoint frequency is determined based on RunConfig arguments: save_checkpoints_steps %s or save_checkpoints_secs %s.', String(cfg.saveCheckpointsSteps), String(cfg.saveCheckpointsSecs));
  const evaluator = new Evaluator(est, evalSpec, train.maxSteps);
  const listener = new EvaluateAfterSave(evaluator, evalSpec.throttleSecs);
  await est.train(train.inputFn, { maxSteps: train.maxSteps, hooks: train.hooks, savingListeners: [listener] });
  return [listener.evalResult, evaluator.exportResults];
}
