/**
 * `tf.estimator.Estimator(modelFn, {modelDir, config, params})`: train, evaluate and predict
 * with a model function, each in a graph and session of its own, as TF1 does. Checkpoints
 * (with the global step) go to `modelDir`; every call starts from the latest one there, so a
 * second process resumes training where the first stopped.
 *
 * The input function returns a Dataset (its elements `[features, labels]` or features), or
 * the tensors `[features, labels]` (e.g. from `numpyInputFn` or an iterator's `getNext()`);
 * the end of its data (OutOfRangeError) ends training, evaluation and prediction.
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { Dataset } from '../data/dataset.js';
import '../data/iterator.js';
import { OutOfRangeError, ValueError } from '../errors.js';
import { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { mean } from '../metrics/mean.js';
import { NDArray } from '../ndarray.js';
import { globalVariablesInitializer } from '../ops/variables.js';
import { localVariablesInitializer } from '../scope/collections.js';
import { Session } from '../session/session.js';
import { latestCheckpoint } from '../checkpoint/state.js';
import { createGlobalStep } from '../train/global-step.js';
import { Saver } from '../train/saver.js';
import { EstimatorSpec, type Mode, ModeKeys, RunConfig } from './spec.js';

export type ModelFn = (features: any, labels: any, mode: Mode, params: Record<string, unknown>, config: RunConfig) => EstimatorSpec;
export type InputFn = () => unknown;

export interface EstimatorOptions {
  modelDir?: string | null;
  config?: RunConfig | null;
  params?: Record<string, unknown> | null;
}

const log = (msg: string): void => console.error(`INFO:tensorflow:${msg}`);
const scalar = (a: NDArray): number => a.data[0] as number;

function stepOfCheckpoint(path: string): number {
  const m = /-(\d+)$/.exec(path);
  return m ? Number(m[1]) : 0;
}

export class Estimator {
  readonly modelDir: string;
  readonly config: RunConfig;
  readonly params: Record<string, unknown>;
  private readonly modelFn: ModelFn;

  constructor(modelFn: ModelFn, opts: EstimatorOptions = {}) {
    if (typeof modelFn !== 'function') throw new ValueError('model_fn must be provided to Estimator.');
    this.modelFn = modelFn;
    this.config = opts.config ?? new RunConfig();
    const dir = opts.modelDir ?? this.config.modelDir;
    if (opts.modelDir && this.config.modelDir && opts.modelDir !== this.config.modelDir) {
      throw new ValueError(`model_dir are set both in constructor and RunConfig, but with different values. In constructor: '${opts.modelDir}', in RunConfig: '${this.config.modelDir}' `);
    }
    this.modelDir = dir ?? nodeFs.mkdtempSync(nodePath.join((process.env.TMPDIR ?? '/tmp'), 'tsflow-estimator-'));
    if (!dir) log(`Using temporary folder as model directory: ${this.modelDir}`);
    this.params = { ...(opts.params ?? {}) };
  }

  /** The latest checkpoint in modelDir, or null. */
  latestCheckpoint(): string | null {
    return latestCheckpoint(this.modelDir);
  }

  private build(mode: Mode, inputFn: InputFn): { g: Graph; spec: EstimatorSpec; globalStep: Tensor; saver: Saver } {
    const g = new Graph();
    return g.asDefault(() => {
      if (this.config.tfRandomSeed !== null) g.seed = this.config.tfRandomSeed;
      const globalStep = createGlobalStep(g);
      const [features, labels] = splitInput(inputFn());
      const spec = this.modelFn(features, labels, mode, this.params, this.config);
      if (!(spec instanceof EstimatorSpec)) throw new ValueError('model_fn should return an EstimatorSpec.');
      if (spec.mode !== mode) throw new ValueError(`model_fn returned an EstimatorSpec of mode ${spec.mode} for mode ${mode}`);
      const saver = new Saver(null, { maxToKeep: this.config.keepCheckpointMax });
      return { g, spec, globalStep: globalStep.value(), saver };
    });
  }

  /** Restore the latest checkpoint, or initialize (when `mayStartFresh`). */
  private async start(g: Graph, saver: Saver, mayStartFresh: boolean): Promise<Session> {
    const sess = new Session({ graph: g });
    const ckpt = this.latestCheckpoint();
    const [init, localInit] = g.asDefault(() => [globalVariablesInitializer(), localVariablesInitializer()]);
    if (!ckpt && !mayStartFresh) throw new ValueError(`Could not find trained model in model_dir: ${this.modelDir}.`);
    await sess.run(init!);
    if (ckpt) {
      log(`Restoring parameters from ${ckpt}`);
      await saver.restore(sess, ckpt);
    }
    await sess.run(localInit!);
    return sess;
  }

  /** `train(inputFn, {steps, maxSteps})`: train until the steps are done or the data ends. */
  async train(inputFn: InputFn, opts: { steps?: number | null; maxSteps?: number | null; hooks?: unknown[] } = {}): Promise<this> {
    const { steps, maxSteps } = opts;
    if (steps != null && maxSteps != null) throw new ValueError('Can not provide both steps and max_steps.');
    if (steps != null && steps <= 0) throw new ValueError(`Must specify steps > 0, given: ${steps}`);
    if (maxSteps != null && maxSteps <= 0) throw new ValueError(`Must specify max_steps > 0, given: ${maxSteps}`);
    const ckpt = this.latestCheckpoint();
    if (maxSteps != null && ckpt && stepOfCheckpoint(ckpt) >= maxSteps) {
      log('Skipping training since max_steps has already saved.');
      return this;
    }
    const { g, spec, globalStep, saver } = this.build(ModeKeys.TRAIN, inputFn);
    nodeFs.mkdirSync(this.modelDir, { recursive: true });
    const sess = await this.start(g, saver, true);
    try {
      let gs = scalar(await sess.run(globalStep));
      const last = maxSteps ?? (steps != null ? gs + steps : Infinity);
      const prefix = nodePath.join(this.modelDir, 'model.ckpt');
      const every = this.config.saveCheckpointsSteps;
      let loss = NaN;
      let saved = -1;
      while (gs < last) {
        try {
          loss = scalar((await sess.run([spec.trainOp!, spec.loss!]))[1] as NDArray);
        } catch (e) {
          if (e instanceof OutOfRangeError) break;
          throw e;
        }
        gs = scalar(await sess.run(globalStep));
        if (gs % this.config.logStepCountSteps === 1 || this.config.logStepCountSteps === 1) log(`loss = ${loss}, step = ${gs}`);
        if (every && gs % every === 0) {
          log(`Saving checkpoints for ${gs} into ${prefix}.`);
          await saver.save(sess, prefix, { globalStep: gs });
          saved = gs;
        }
      }
      if (saved !== gs) {
        log(`Saving checkpoints for ${gs} into ${prefix}.`);
        await saver.save(sess, prefix, { globalStep: gs });
      }
      log(`Loss for final step: ${loss}.`);
    } finally {
      await sess.close();
    }
    return this;
  }

  /**
   * `evaluate(inputFn, {steps, name})`: the metrics of `evalMetricOps` and the mean loss over
   * the data (or `steps` batches), with `global_step`, from the latest checkpoint.
   */
  async evaluate(inputFn: InputFn, opts: { steps?: number | null; name?: string; hooks?: unknown[] } = {}): Promise<Record<string, number>> {
    if (opts.steps != null && opts.steps <= 0) throw new ValueError(`Must specify steps > 0, given: ${opts.steps}`);
    const { g, spec, globalStep, saver } = this.build(ModeKeys.EVAL, inputFn);
    const metrics = g.asDefault(() => ({ loss: mean(spec.loss!), ...spec.evalMetricOps }));
    const sess = await this.start(g, saver, false);
    try {
      const updates = Object.values(metrics).map((m) => m[1]);
      for (let i = 0; opts.steps == null || i < opts.steps; i++) {
        try {
          await sess.run(updates);
        } catch (e) {
          if (e instanceof OutOfRangeError) break;
          throw e;
        }
      }
      const out: Record<string, number> = {};
      for (const [k, m] of Object.entries(metrics)) out[k] = scalar(await sess.run(m[0]));
      out.global_step = scalar(await sess.run(globalStep));
      log(`Saving dict for global step ${out.global_step}: ${Object.keys(out).sort().map((k) => `${k} = ${out[k]}`).join(', ')}`);
      return out;
    } finally {
      await sess.close();
    }
  }

  /** `predict(inputFn, {predictKeys})`: the predictions one example at a time. */
  async *predict(inputFn: InputFn, opts: { predictKeys?: string[] | null; yieldSingleExamples?: boolean } = {}): AsyncGenerator<unknown> {
    const { g, spec, saver } = this.build(ModeKeys.PREDICT, inputFn);
    const sess = await this.start(g, saver, false);
    try {
      let preds = spec.predictions!;
      if (opts.predictKeys && !(preds instanceof Tensor)) {
        for (const k of opts.predictKeys) if (!(k in preds)) throw new ValueError(`Expected to run at least one output from ${Object.keys(preds).join(', ')}, provided ${k}.`);
        preds = Object.fromEntries(opts.predictKeys.map((k) => [k, (preds as Record<string, Tensor>)[k]!]));
      }
      for (;;) {
        let got: NDArray | Record<string, NDArray>;
        try {
          got = (await sess.run(preds as unknown)) as NDArray | Record<string, NDArray>;
        } catch (e) {
          if (e instanceof OutOfRangeError) return;
          throw e;
        }
        if (opts.yieldSingleExamples === false) {
          yield got;
          continue;
        }
        const g0 = got;
        const arrays: NDArray[] = g0 instanceof NDArray ? [g0] : Object.values(g0);
        const n = arrays[0]!.shape[0] ?? 1;
        for (let i = 0; i < n; i++) {
          if (g0 instanceof NDArray) yield rowOf(g0, i);
          else yield Object.fromEntries(Object.entries(g0).map(([k, v]) => [k, rowOf(v, i)]));
        }
      }
    } finally {
      await sess.close();
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

/** An input function's result as [features, labels]. */
function splitInput(r: unknown): [unknown, unknown] {
  if (r instanceof Dataset) r = r.makeOneShotIterator().getNext();
  if (Array.isArray(r) && r.length === 2) return [r[0], r[1]];
  if (r instanceof Operation) throw new ValueError('input_fn must return features (and labels), not an op');
  return [r, null];
}
