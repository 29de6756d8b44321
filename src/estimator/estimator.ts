/**
 * `tf.estimator.Estimator(modelFn, {modelDir, config, params})`: train, evaluate and predict
 * with a model function, each in a graph of its own, through TF1's monitored sessions:
 *
 * - `train` runs `tf.train.MonitoredTrainingSession` on `modelDir` with the hooks TF1's
 *   Estimator adds (NanTensorHook, a LoggingTensorHook of loss and step every
 *   `logStepCountSteps`, a CheckpointSaverHook every `saveCheckpointsSteps`/`Secs` with the
 *   saving listeners, the StepCounterHook and a SummarySaverHook every `saveSummarySteps`,
 *   StopAtStepHook for `steps`/`maxSteps`), the caller's hooks and the spec's training hooks;
 *   it resumes from the latest checkpoint, so a second process continues where one stopped.
 * - `evaluate` restores the latest (or given) checkpoint in a MonitoredSession, runs the
 *   metrics' update ops until the data ends (or `steps`), reads the values with a
 *   FinalOpsHook, and writes them as summaries into `modelDir/eval` (`eval_<name>`).
 * - `predict` yields predictions (one example at a time by default) from the latest checkpoint,
 *   or from freshly initialized variables when there is none (as TF1, with its log line).
 *
 * The input function returns a Dataset (elements `[features, labels]` or features), or the
 * tensors `[features, labels]` (e.g. from `numpyInputFn` or an iterator's `getNext()`).
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { Dataset } from '../data/dataset.js';
import '../data/iterator.js';
import { OutOfRangeError, RuntimeError, ValueError } from '../errors.js';
import { Graph, GraphKeys } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { kwargs } from '../args.js';
import { mean } from '../metrics/mean.js';
import { NDArray } from '../ndarray.js';
import { group, identity } from '../ops/core.js';
import { latestCheckpoint } from '../checkpoint/state.js';
import { listVariables, loadVariable } from '../checkpoint/reader.js';
import { scalar as scalarSummary } from '../summary/summary.js';
import { createGlobalStep, getGlobalStep } from '../train/global-step.js';
import { CheckpointSaverHook, type CheckpointSaverListener } from '../train/hooks/checkpoint-saver-hook.js';
import { FinalOpsHook } from '../train/hooks/final-ops-hook.js';
import { LoggingTensorHook } from '../train/hooks/logging-tensor-hook.js';
import { NanTensorHook } from '../train/hooks/nan-tensor-hook.js';
import { StopAtStepHook } from '../train/hooks/stop-at-step-hook.js';
import { SummaryWriterCache } from '../train/hooks/summary-writer-cache.js';
import { ChiefSessionCreator, MonitoredSession, MonitoredTrainingSession, Scaffold } from '../train/monitored-session.js';
import { Saver } from '../train/saver.js';
import { type SessionRunContext, SessionRunHook } from '../train/session-run-hook.js';
import * as logging from '../train/tf-logging.js';
import { warmStart, WarmStartSettings } from '../train/warm-start.js';
import { SavedModelBuilder } from '../metagraph/saved-model-builder.js';
import { tagConstants } from '../metagraph/signature-utils.js';
import { Session } from '../session/session.js';
import { buildAllSignatureDefs, ServingInputReceiver, type ServingInputReceiverFn, servingExportOutputs } from './export.js';
import { EstimatorSpec, type Mode, ModeKeys, RunConfig } from './spec.js';

export type ModelFn = (features: any, labels: any, mode: Mode, params: Record<string, unknown>, config: RunConfig) => EstimatorSpec;
export type InputFn = () => unknown;

export interface EstimatorOptions {
  modelDir?: string | null;
  config?: RunConfig | null;
  params?: Record<string, unknown> | null;
  /** a checkpoint (file or directory) or WarmStartSettings: where training starts when modelDir has no checkpoint */
  warmStartFrom?: string | WarmStartSettings | null;
}

export interface TrainOptions {
  hooks?: readonly SessionRunHook[] | null;
  steps?: number | null;
  maxSteps?: number | null;
  savingListeners?: readonly CheckpointSaverListener[] | null;
}
export interface EvaluateOptions {
  steps?: number | null;
  hooks?: readonly SessionRunHook[] | null;
  checkpointPath?: string | null;
  name?: string | null;
}
export interface ExportSavedModelOptions {
  servingInputReceiverFn?: ServingInputReceiverFn;
  assetsExtra?: Record<string, string> | null;
  asText?: boolean;
  checkpointPath?: string | null;
  stripDefaultAttrs?: boolean;
}
export interface PredictOptions {
  predictKeys?: readonly string[] | null;
  hooks?: readonly SessionRunHook[] | null;
  checkpointPath?: string | null;
  yieldSingleExamples?: boolean;
}

const scalar = (a: NDArray): number => Number(a.data[0]);
const utcNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function checkHooks(hooks: readonly SessionRunHook[] | null | undefined): SessionRunHook[] {
  const out = [...(hooks ?? [])];
  for (const h of out) if (!(h instanceof SessionRunHook)) throw new TypeError(`Hooks must be a SessionRunHook, given: ${String(h)}`);
  return out;
}

/** TF's `_StopAfterNEvalsHook`: stops after `numEvals` runs, logging the progress. */
class StopAfterNEvalsHook extends SessionRunHook {
  private done = 0;
  private readonly every: number;
  constructor(private readonly numEvals: number | null, private readonly logProgress = true) {
    super();
    this.every = numEvals === null || numEvals < 20 ? 1 : Math.floor(numEvals / 10);
  }
  override afterRun(ctx: SessionRunContext): void {
    this.done++;
    if (this.logProgress) {
      if (this.numEvals === null) logging.info('Evaluation [%d]', this.done);
      else if (this.done % this.every === 0 || this.done === this.numEvals) logging.info('Evaluation [%d/%d]', this.done, this.numEvals);
    }
    if (this.numEvals !== null && this.done >= this.numEvals) ctx.requestStop();
  }
}

/** TF's `_get_default_warm_start_settings`: a path (a SavedModel's directory: its variables) or the settings themselves. */
function warmStartSettingsOf(w: string | WarmStartSettings | null): WarmStartSettings | null {
  if (w === null) return null;
  if (w instanceof WarmStartSettings) return w;
  if (typeof w !== 'string') throw new ValueError(`warm_start_from must be a string or a WarmStartSettings, instead got ${typeof w}`);
  const saved = nodePath.join(w, 'variables');
  if (nodeFs.existsSync(nodePath.join(saved, 'variables.index'))) return new WarmStartSettings(nodePath.join(saved, 'variables'));
  return new WarmStartSettings(w);
}

export class Estimator {
  readonly modelDir: string;
  readonly config: RunConfig;
  readonly params: Record<string, unknown>;
  readonly warmStartSettings: WarmStartSettings | null;
  /** The model function (TF's `estimator.model_fn`). */
  readonly modelFn: ModelFn;

  /**
   * `Estimator(modelFn, modelDir?, config?, params?, warmStartFrom?)`, each also by keyword
   * (`new Estimator({ modelFn, modelDir, params })` or `new Estimator(modelFn, { modelDir })`).
   */
  constructor(modelFn?: ModelFn | (EstimatorOptions & { modelFn?: ModelFn }), modelDir?: string | null | EstimatorOptions, runConfig?: RunConfig | null | EstimatorOptions, params?: Record<string, unknown> | null, warmStartFrom?: string | WarmStartSettings | null | EstimatorOptions) {
    const opts = kwargs([modelFn, modelDir, runConfig, params, warmStartFrom], ['modelFn', 'modelDir', 'config', 'params', 'warmStartFrom'], 'Estimator') as EstimatorOptions & { modelFn?: ModelFn };
    if (typeof opts.modelFn !== 'function') throw new ValueError('model_fn must be provided to Estimator.');
    this.modelFn = opts.modelFn;
    const cfg = opts.config ?? new RunConfig();
    if (!(cfg instanceof RunConfig)) throw new ValueError(`config must be an instance of \`RunConfig\`, but provided ${String(cfg)}.`);
    const dir = opts.modelDir ?? cfg.modelDir;
    if (opts.modelDir && cfg.modelDir && opts.modelDir !== cfg.modelDir) {
      throw new ValueError(`model_dir are set both in constructor and RunConfig, but with different values. In constructor: '${opts.modelDir}', in RunConfig: '${cfg.modelDir}' `);
    }
    this.modelDir = dir ?? nodeFs.mkdtempSync(nodePath.join(process.env.TMPDIR ?? '/tmp', 'tsflow-estimator-'));
    if (!dir) logging.warning('Using temporary folder as model directory: %s', this.modelDir);
    this.config = cfg.modelDir === this.modelDir ? cfg : cfg.replace({ modelDir: this.modelDir });
    logging.info('Using config: %s', JSON.stringify({ model_dir: this.modelDir, tf_random_seed: this.config.tfRandomSeed, save_summary_steps: this.config.saveSummarySteps, save_checkpoints_steps: this.config.saveCheckpointsSteps, save_checkpoints_secs: this.config.saveCheckpointsSecs, keep_checkpoint_max: this.config.keepCheckpointMax, log_step_count_steps: this.config.logStepCountSteps }));
    this.params = { ...(opts.params ?? {}) };
    this.warmStartSettings = warmStartSettingsOf(opts.warmStartFrom ?? null);
  }

  /** The latest checkpoint in modelDir, or null. */
  latestCheckpoint(): string | null {
    return latestCheckpoint(this.modelDir);
  }
  /** The names of the variables in the latest checkpoint. */
  getVariableNames(): string[] {
    this.needCheckpoint();
    return listVariables(this.modelDir).map(([n]) => n);
  }
  /** A variable's value in the latest checkpoint. */
  getVariableValue(name: string): unknown {
    this.needCheckpoint();
    return loadVariable(this.modelDir, name);
  }
  private needCheckpoint(): void {
    if (!this.latestCheckpoint()) throw new ValueError(`Could not find trained model in model_dir: ${this.modelDir}.`);
  }

  /** Build a mode's graph: seed, global step, input, the model function's spec. */
  private build(mode: Mode, inputFn: InputFn, split: (r: unknown) => [unknown, unknown] = splitInput): { g: Graph; spec: EstimatorSpec; globalStep: Tensor } {
    const g = new Graph();
    return g.asDefault(() => {
      if (this.config.tfRandomSeed !== null) g.seed = this.config.tfRandomSeed;
      const globalStep = createGlobalStep(g);
      const [features, labels] = split(inputFn());
      logging.info('Calling model_fn.');
      const spec = this.modelFn(features, mode === ModeKeys.PREDICT ? null : labels, mode, this.params, this.config);
      if (!(spec instanceof EstimatorSpec)) throw new ValueError('model_fn should return an EstimatorSpec.');
      if (spec.mode !== mode) throw new ValueError(`model_fn returned an EstimatorSpec of mode ${spec.mode} for mode ${mode}`);
      logging.info('Done calling model_fn.');
      return { g, spec, globalStep: globalStep.value() };
    });
  }

  /** `train(inputFn, hooks?, steps?, maxSteps?, savingListeners?)`: train until the steps are done or the data ends. */
  async train(inputFn: InputFn, hooks?: readonly SessionRunHook[] | null | TrainOptions, steps?: number | null, maxSteps?: number | null, savingListeners?: readonly CheckpointSaverListener[] | null): Promise<this> {
    const o = kwargs([inputFn, hooks, steps, maxSteps, savingListeners], ['inputFn', 'hooks', 'steps', 'maxSteps', 'savingListeners'], 'train', 1) as unknown as { inputFn: InputFn } & TrainOptions;
    const s = o.steps ?? null;
    const m = o.maxSteps ?? null;
    if (s !== null && m !== null) throw new ValueError('Can not provide both steps and max_steps.');
    if (s !== null && s <= 0) throw new ValueError(`Must specify steps > 0, given: ${s}`);
    if (m !== null && m <= 0) throw new ValueError(`Must specify max_steps > 0, given: ${m}`);
    if (m !== null) {
      const start = this.latestCheckpoint() ? scalar(loadVariable(this.modelDir, GraphKeys.GLOBAL_STEP) as NDArray) : 0;
      if (m <= start) {
        logging.info('Skipping training since max_steps has already saved.');
        return this;
      }
    }
    const all = checkHooks(o.hooks);
    if (s !== null || m !== null) all.push(new StopAtStepHook({ numSteps: s, lastStep: m }));
    const listeners = [...(o.savingListeners ?? [])];
    const loss = await this.trainModel(o.inputFn, all, listeners);
    logging.info('Loss for final step: %s.', loss);
    return this;
  }

  private async trainModel(inputFn: InputFn, hooks: SessionRunHook[], listeners: CheckpointSaverListener[]): Promise<number | null> {
    const { g, spec, globalStep } = this.build(ModeKeys.TRAIN, inputFn);
    const cfg = this.config;
    return g.asDefault(async () => {
      // TF's _maybe_warm_start: only a fresh model directory starts from elsewhere
      if (this.warmStartSettings && !this.latestCheckpoint()) {
        logging.info('Warm-starting with WarmStartSettings: %s', this.warmStartSettings.ckptToInitializeFrom);
        warmStart(...this.warmStartSettings.args());
      }
      const loss = spec.loss!;
      const trainOp = spec.trainOp!;
      if (!g.getCollection<Tensor>(GraphKeys.SUMMARIES).some((t) => t.op.name === 'loss')) scalarSummary('loss', loss);
      g.addToCollection(GraphKeys.LOSSES, loss);
      // the step a run reached (TF's logs show a run's own step: "loss = ..., step = 1")
      const stepVar = getGlobalStep(g)!;
      const stepAfter = g.controlDependencies([trainOp instanceof Tensor ? trainOp.op : trainOp], () => identity(stepVar.ref));
      const workerHooks = [...hooks, new NanTensorHook(loss)];
      if (cfg.logStepCountSteps !== null) workerHooks.push(new LoggingTensorHook({ loss, step: stepAfter }, { everyNIter: cfg.logStepCountSteps }));
      workerHooks.push(...spec.trainingHooks);
      const scaffold = spec.scaffold ?? new Scaffold();
      if (!scaffold.saver && g.getCollection(GraphKeys.SAVERS).length === 0) {
        g.addToCollection(GraphKeys.SAVERS, new Saver(null, { maxToKeep: cfg.keepCheckpointMax, keepCheckpointEveryNHours: cfg.keepCheckpointEveryNHours, saveRelativePaths: true, allowEmpty: true }));
      }
      const chiefHooks: SessionRunHook[] = [];
      const given = [...workerHooks, ...spec.trainingChiefHooks].filter((h): h is CheckpointSaverHook => h instanceof CheckpointSaverHook);
      if (cfg.saveCheckpointsSecs || cfg.saveCheckpointsSteps) {
        if (given.length === 0) {
          chiefHooks.push(new CheckpointSaverHook(this.modelDir, { saveSecs: cfg.saveCheckpointsSecs, saveSteps: cfg.saveCheckpointsSteps, scaffold, listeners }));
        } else if (listeners.length > 0) {
          given[0]!.listeners.push(...listeners);
        }
      } else if (listeners.length > 0) {
        if (given.length === 0) throw new ValueError('There should be a CheckpointSaverHook to use saving_listeners. Please set one of the RunConfig.save_checkpoints_steps or RunConfig.save_checkpoints_secs.');
        given[0]!.listeners.push(...listeners);
      }
      nodeFs.mkdirSync(this.modelDir, { recursive: true });
      const mon = MonitoredTrainingSession({
        master: cfg.master, isChief: cfg.isChief, checkpointDir: this.modelDir, scaffold, hooks: workerHooks,
        chiefOnlyHooks: [...chiefHooks, ...spec.trainingChiefHooks], saveCheckpointSecs: 0, saveSummariesSteps: cfg.saveSummarySteps,
        config: cfg.sessionConfig, logStepCountSteps: cfg.logStepCountSteps,
      });
      let last: number | null = null;
      let any = false;
      await mon.withSession(async (sess) => {
        while (!sess.shouldStop()) {
          const [, l] = (await sess.run([trainOp, loss])) as [unknown, NDArray];
          last = scalar(l);
          any = true;
        }
      });
      if (!any) logging.warning('Training with estimator made no steps. Perhaps input is empty or misspecified.');
      return last;
    });
  }

  /**
   * `evaluate(inputFn, steps?, hooks?, checkpointPath?, name?)`: the metrics of `evalMetricOps`
   * and the mean loss over the data (or `steps` batches), with `global_step`, from the latest
   * checkpoint (or `checkpointPath`).
   */
  async evaluate(inputFn: InputFn, steps?: number | null | EvaluateOptions, hooks?: readonly SessionRunHook[] | null, checkpointPath?: string | null, name?: string | null): Promise<Record<string, number>> {
    const o = kwargs([inputFn, steps, hooks, checkpointPath, name], ['inputFn', 'steps', 'hooks', 'checkpointPath', 'name'], 'evaluate', 1) as unknown as { inputFn: InputFn } & EvaluateOptions;
    const n = o.steps ?? null;
    if (n !== null && n <= 0) throw new ValueError(`Must specify steps > 0, given: ${n}`);
    const userHooks = checkHooks(o.hooks);
    const ckpt = o.checkpointPath ?? this.latestCheckpoint();
    if (!ckpt) throw new ValueError(`Could not find trained model in model_dir: ${this.modelDir}.`);
    const { g, spec, globalStep } = this.build(ModeKeys.EVAL, o.inputFn);
    return g.asDefault(async () => {
      if ('loss' in spec.evalMetricOps) throw new ValueError('Metric with name "loss" is not allowed, because Estimator already defines a default metric with the same name.');
      const metrics: Record<string, [Tensor, Tensor | Operation]> = { loss: mean(spec.loss!), ...spec.evalMetricOps };
      const update = group(...Object.values(metrics).map((m) => m[1]));
      const evalDict: Record<string, Tensor> = Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, m[0]]));
      evalDict[GraphKeys.GLOBAL_STEP] = globalStep;
      const final = new FinalOpsHook(evalDict);
      const all = [...userHooks, ...spec.evaluationHooks, ...(n !== null ? [new StopAfterNEvalsHook(n)] : []), final];
      logging.info('Starting evaluation at %s', utcNow());
      const mon = new MonitoredSession({ sessionCreator: new ChiefSessionCreator({ scaffold: spec.scaffold, checkpointFilenameWithPath: ckpt, master: this.config.master, config: this.config.sessionConfig }), hooks: all });
      await mon.withSession(async (sess) => {
        while (!sess.shouldStop()) await sess.run(update);
      });
      logging.info('Finished evaluation at %s', utcNow());
      const vals = final.finalOpsValues as Record<string, NDArray>;
      const out: Record<string, number> = {};
      for (const k of Object.keys(vals).sort()) out[k] = scalar(vals[k]!);
      const step = out[GraphKeys.GLOBAL_STEP]!;
      logging.info('Saving dict for global step %d: %s', step, Object.keys(out).sort().map((k) => `${k} = ${out[k]}`).join(', '));
      const evalDir = nodePath.join(this.modelDir, o.name ? `eval_${o.name}` : 'eval');
      const w = SummaryWriterCache.get(evalDir);
      w.addSummary({ value: Object.entries(out).filter(([k]) => k !== GraphKeys.GLOBAL_STEP).map(([tag, v]) => ({ tag, simpleValue: v })) }, step);
      w.flush();
      return out;
    });
  }

  /**
   * `exportSavedModel(exportDirBase, servingInputReceiverFn, assetsExtra?, asText = false,
   * checkpointPath?, stripDefaultAttrs = false)` (also `exportSavedmodel`, TF1's older name):
   * the model function's PREDICT graph over the receiver's features, with the latest checkpoint's
   * variables (or `checkpointPath`'s), written as a SavedModel tagged 'serve' to
   * `exportDirBase/<seconds since the epoch>` — built in a 'temp-' directory and renamed, so a
   * failed export leaves no half-written model. Its signatures are the spec's `exportOutputs`
   * (default: a PredictOutput of the predictions as 'serving_default'). `assetsExtra` maps a
   * path under `assets.extra/` to a file copied there. Returns the export directory.
   */
  async exportSavedModel(exportDirBase: string, servingInputReceiverFn?: ServingInputReceiverFn | ExportSavedModelOptions, assetsExtra?: Record<string, string> | null | ExportSavedModelOptions, asText?: boolean | ExportSavedModelOptions, checkpointPath?: string | null, stripDefaultAttrs?: boolean): Promise<string> {
    const names = ['exportDirBase', 'servingInputReceiverFn', 'assetsExtra', 'asText', 'checkpointPath', 'stripDefaultAttrs'];
    const given: unknown[] = [exportDirBase, servingInputReceiverFn, assetsExtra, asText, checkpointPath, stripDefaultAttrs];
    while (given.length > 0 && given[given.length - 1] === undefined) given.pop();
    // a trailing assetsExtra dict (keys: paths) is positional, not the options
    const last = given[given.length - 1];
    if (given.length === 3 && typeof last === 'object' && last !== null && Object.keys(last).some((k) => !names.includes(k))) given.push({});
    const o = kwargs(given, names, 'export_saved_model', 1) as unknown as { exportDirBase: string; servingInputReceiverFn?: ServingInputReceiverFn } & ExportSavedModelOptions;
    const receiverFn = o.servingInputReceiverFn;
    if (typeof receiverFn !== 'function') throw new ValueError('An input_receiver_fn must be defined.');
    const ckpt = o.checkpointPath ?? this.latestCheckpoint();
    if (!ckpt) throw new ValueError(`Couldn't find trained model at ${this.modelDir}.`);
    let receiver: ServingInputReceiver | null = null;
    const { g, spec } = this.build(ModeKeys.PREDICT, () => {
      const r = receiverFn();
      if (!(r instanceof ServingInputReceiver)) throw new TypeError(`serving_input_receiver_fn must return a ServingInputReceiver, got ${String(r)}`);
      receiver = r;
      return r.modelFeatures();
    }, (features) => [features, null]);
    const rec = receiver as unknown as ServingInputReceiver;
    const signatureDefMap = g.asDefault(() => buildAllSignatureDefs(rec.receiverTensors, servingExportOutputs(spec.exportOutputs, spec.predictions), rec.receiverTensorsAlternatives));
    const exportDir = timestampedExportDir(o.exportDirBase);
    const tmp = nodePath.join(o.exportDirBase, `temp-${nodePath.basename(exportDir)}`);
    try {
      await g.asDefault(async () => {
        const saver = spec.scaffold?.saver ?? new Saver(null, { sharded: true });
        const localInit = spec.scaffold?.localInitOp ?? Scaffold.defaultLocalInitOp();
        const sess = new Session({ graph: g, config: this.config.sessionConfig ?? undefined });
        try {
          await saver.restore(sess, ckpt);
          const builder = new SavedModelBuilder(tmp);
          await builder.addMetaGraphAndVariables(sess, [tagConstants.SERVING], {
            signatureDefMap, assetsCollection: g.getCollection<Tensor>(GraphKeys.ASSET_FILEPATHS), mainOp: localInit instanceof Tensor ? localInit.op : localInit,
            stripDefaultAttrs: o.stripDefaultAttrs ?? false, saver,
          });
          builder.save(o.asText ?? false);
        } finally {
          await sess.close();
        }
      });
      for (const [dest, source] of Object.entries(o.assetsExtra ?? {})) {
        const to = nodePath.join(tmp, 'assets.extra', dest);
        nodeFs.mkdirSync(nodePath.dirname(to), { recursive: true });
        nodeFs.copyFileSync(source, to);
      }
      nodeFs.renameSync(tmp, exportDir);
    } catch (e) {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    logging.info('SavedModel written to: %s', nodePath.join(exportDir, o.asText ? 'saved_model.pbtxt' : 'saved_model.pb'));
    return exportDir;
  }
  /** TF1's older name of exportSavedModel. */
  exportSavedmodel(...args: Parameters<Estimator['exportSavedModel']>): Promise<string> {
    return this.exportSavedModel(...args);
  }

  /**
   * `predict(inputFn, predictKeys?, hooks?, checkpointPath?, yieldSingleExamples = true)`: the
   * predictions, one example at a time (or a batch at a time).
   */
  async *predict(inputFn: InputFn, predictKeys?: readonly string[] | null | PredictOptions, hooks?: readonly SessionRunHook[] | null, checkpointPath?: string | null, yieldSingleExamples?: boolean): AsyncGenerator<any> {
    const o = kwargs([inputFn, predictKeys, hooks, checkpointPath, yieldSingleExamples], ['inputFn', 'predictKeys', 'hooks', 'checkpointPath', 'yieldSingleExamples'], 'predict', 1) as unknown as { inputFn: InputFn } & PredictOptions;
    const userHooks = checkHooks(o.hooks);
    const ckpt = o.checkpointPath ?? this.latestCheckpoint();
    if (!ckpt) logging.info('Could not find trained model in model_dir: %s, running initialization to predict.', this.modelDir);
    const { g, spec } = this.build(ModeKeys.PREDICT, o.inputFn);
    let preds: Tensor | Record<string, Tensor> = spec.predictions!;
    if (o.predictKeys) {
      if (preds instanceof Tensor) throw new ValueError('predict_keys argument is not valid in case of non-dict predictions.');
      const p = preds;
      const missing = o.predictKeys.filter((k) => !(k in p));
      if (missing.length > 0) throw new ValueError(`Expected to run at least one output from ${JSON.stringify(Object.keys(p))}, provided ${JSON.stringify(o.predictKeys)}.`);
      preds = Object.fromEntries(o.predictKeys.map((k) => [k, p[k]!]));
    }
    const mon = g.asDefault(() => new MonitoredSession({ sessionCreator: new ChiefSessionCreator({ scaffold: spec.scaffold, checkpointFilenameWithPath: ckpt, master: this.config.master, config: this.config.sessionConfig }), hooks: [...userHooks, ...spec.predictionHooks] }));
    let ended = false;
    try {
      while (!mon.shouldStop()) {
        let got: NDArray | Record<string, NDArray>;
        try {
          got = (await mon.run(preds)) as NDArray | Record<string, NDArray>;
        } catch (e) {
          if (e instanceof OutOfRangeError) break;
          // another error: close without the hooks' end(), as a failed with-block does
          ended = true;
          await mon.withSession(() => {
            throw e;
          });
          throw e;
        }
        if (o.yieldSingleExamples === false) {
          yield got;
          continue;
        }
        if (got instanceof NDArray) {
          for (let i = 0; i < (got.shape[0] ?? 1); i++) yield rowOf(got, i);
        } else {
          const entries = Object.entries(got);
          const n = entries[0]![1].shape[0] ?? 1;
          for (const [k, v] of entries) if ((v.shape[0] ?? 1) !== n) throw new ValueError(`Batch length of predictions should be same. ${k} has different batch length than others.`);
          for (let i = 0; i < n; i++) yield Object.fromEntries(entries.map(([k, v]) => [k, rowOf(v, i)]));
        }
      }
    } finally {
      if (!ended) await mon.close();
    }
  }
}

function rowOf(a: NDArray, i: number): NDArray {
  if (a.shape.length === 0) return a;
  const inner = a.shape.slice(1);
  const n = inner.reduce((p, q) => p * q, 1);
  const d = a.dtype === 'string' ? (a.data as unknown as unknown[]).slice(i * n, (i + 1) * n) : (a.data as Float32Array).slice(i * n, (i + 1) * n);
  return new NDArray(d as never, inner, a.dtype);
}

/** TF's `get_timestamped_export_dir`: `base/<seconds>`, waiting out a second already taken. */
function timestampedExportDir(base: string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const dir = nodePath.join(base, String(Math.floor(Date.now() / 1000)));
    if (!nodeFs.existsSync(dir) && !nodeFs.existsSync(nodePath.join(base, `temp-${nodePath.basename(dir)}`))) return dir;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  throw new RuntimeError(`Failed to obtain a unique export directory name after 10 attempts.`);
}

/** An input function's result as [features, labels]. */
function splitInput(r: unknown): [unknown, unknown] {
  if (r instanceof Dataset) r = r.makeOneShotIterator().getNext();
  if (Array.isArray(r) && r.length === 2) return [r[0], r[1]];
  if (r instanceof Operation) throw new ValueError('input_fn must return features (and labels), not an op');
  return [r, null];
}
