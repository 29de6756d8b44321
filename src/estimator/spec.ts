/** `tf.estimator.ModeKeys`, `EstimatorSpec` and `RunConfig`. */
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import type { MonitoredSessionConfig, Scaffold } from '../train/monitored-session.js';
import { SessionRunHook } from '../train/session-run-hook.js';

/** TF1's mode strings. */
export const ModeKeys = { TRAIN: 'train', EVAL: 'eval', PREDICT: 'infer' } as const;
export type Mode = (typeof ModeKeys)[keyof typeof ModeKeys];

export interface EstimatorSpecFields {
  mode: Mode;
  predictions?: Tensor | Record<string, Tensor> | null;
  loss?: Tensor | null;
  trainOp?: Operation | Tensor | null;
  /** name → [value, updateOp], as tf.metrics return them. */
  evalMetricOps?: Record<string, [Tensor, Tensor | Operation]> | null;
  exportOutputs?: unknown;
  trainingChiefHooks?: readonly SessionRunHook[] | null;
  trainingHooks?: readonly SessionRunHook[] | null;
  scaffold?: Scaffold | null;
  evaluationHooks?: readonly SessionRunHook[] | null;
  predictionHooks?: readonly SessionRunHook[] | null;
}

function hooksOf(h: readonly SessionRunHook[] | null | undefined): SessionRunHook[] {
  const out = [...(h ?? [])];
  for (const x of out) if (!(x instanceof SessionRunHook)) throw new TypeError(`All hooks must be SessionRunHook instances, given: ${String(x)}`);
  return out;
}

/** What a `modelFn` returns: the ops of one mode, checked as TF1 checks them. */
export class EstimatorSpec {
  readonly mode: Mode;
  readonly predictions: Tensor | Record<string, Tensor> | null;
  readonly loss: Tensor | null;
  readonly trainOp: Operation | Tensor | null;
  readonly evalMetricOps: Record<string, [Tensor, Tensor | Operation]>;
  readonly exportOutputs: unknown;
  readonly trainingChiefHooks: SessionRunHook[];
  readonly trainingHooks: SessionRunHook[];
  readonly scaffold: Scaffold | null;
  readonly evaluationHooks: SessionRunHook[];
  readonly predictionHooks: SessionRunHook[];
  constructor(mode: Mode | EstimatorSpecFields, fields: Omit<EstimatorSpecFields, 'mode'> = {}) {
    const f: EstimatorSpecFields = typeof mode === 'object' ? mode : { ...fields, mode };
    if (!Object.values(ModeKeys).includes(f.mode)) throw new ValueError(`mode=${String(f.mode)} unrecognized.`);
    this.mode = f.mode;
    this.predictions = f.predictions ?? null;
    this.loss = f.loss ?? null;
    this.trainOp = f.trainOp ?? null;
    this.evalMetricOps = f.evalMetricOps ?? {};
    this.exportOutputs = f.exportOutputs ?? null;
    this.trainingChiefHooks = hooksOf(f.trainingChiefHooks);
    this.trainingHooks = hooksOf(f.trainingHooks);
    this.scaffold = f.scaffold ?? null;
    this.evaluationHooks = hooksOf(f.evaluationHooks);
    this.predictionHooks = hooksOf(f.predictionHooks);
    if (f.mode === ModeKeys.TRAIN && !this.trainOp) throw new ValueError('Missing train_op.');
    if ((f.mode === ModeKeys.TRAIN || f.mode === ModeKeys.EVAL) && !this.loss) throw new ValueError('Missing loss.');
    if (f.mode === ModeKeys.PREDICT && !this.predictions) throw new ValueError('Missing predictions.');
    if (this.loss && this.loss.shape !== null && this.loss.shape.length !== 0 && !this.loss.shape.every((d) => d === 1)) {
      throw new ValueError(`Loss must be scalar, given: ${this.loss.name}`);
    }
  }
}

export interface RunConfigOptions {
  modelDir?: string | null;
  tfRandomSeed?: number | null;
  saveSummarySteps?: number | null;
  saveCheckpointsSteps?: number | null;
  saveCheckpointsSecs?: number | null;
  /** The sessions' configuration: a tf.ConfigProto or Session options (`{device, threads}`). */
  sessionConfig?: MonitoredSessionConfig;
  keepCheckpointMax?: number | null;
  keepCheckpointEveryNHours?: number;
  logStepCountSteps?: number | null;
}

/**
 * `tf.estimator.RunConfig({modelDir, tfRandomSeed, saveSummarySteps = 100,
 * saveCheckpointsSteps, saveCheckpointsSecs, sessionConfig, keepCheckpointMax = 5,
 * keepCheckpointEveryNHours = 10000, logStepCountSteps = 100})`: checkpoints every 600 seconds
 * when neither checkpoint frequency is given, as in TF1.
 */
export class RunConfig {
  readonly modelDir: string | null;
  readonly tfRandomSeed: number | null;
  readonly saveSummarySteps: number | null;
  readonly saveCheckpointsSteps: number | null;
  readonly saveCheckpointsSecs: number | null;
  readonly sessionConfig: MonitoredSessionConfig;
  readonly keepCheckpointMax: number | null;
  readonly keepCheckpointEveryNHours: number;
  readonly logStepCountSteps: number | null;
  readonly isChief = true;
  readonly master = '';
  constructor(opts: RunConfigOptions = {}) {
    this.modelDir = opts.modelDir ?? null;
    this.tfRandomSeed = opts.tfRandomSeed ?? null;
    this.saveSummarySteps = opts.saveSummarySteps === undefined ? 100 : opts.saveSummarySteps;
    const steps = opts.saveCheckpointsSteps ?? null;
    const secs = opts.saveCheckpointsSecs === undefined && steps === null ? 600 : opts.saveCheckpointsSecs ?? null;
    if (steps !== null && secs !== null) throw new ValueError('Can not provide both save_checkpoints_steps and save_checkpoints_secs.');
    this.saveCheckpointsSteps = steps;
    this.saveCheckpointsSecs = secs;
    this.sessionConfig = opts.sessionConfig ?? null;
    this.keepCheckpointMax = opts.keepCheckpointMax === undefined ? 5 : opts.keepCheckpointMax;
    this.keepCheckpointEveryNHours = opts.keepCheckpointEveryNHours ?? 10000;
    this.logStepCountSteps = opts.logStepCountSteps === undefined ? 100 : opts.logStepCountSteps;
  }
  /** `config.replace(**kwargs)`: a copy with some fields changed. */
  replace(opts: RunConfigOptions): RunConfig {
    const cur: RunConfigOptions = {
      modelDir: this.modelDir, tfRandomSeed: this.tfRandomSeed, saveSummarySteps: this.saveSummarySteps, sessionConfig: this.sessionConfig,
      keepCheckpointMax: this.keepCheckpointMax, keepCheckpointEveryNHours: this.keepCheckpointEveryNHours, logStepCountSteps: this.logStepCountSteps,
    };
    const ck = 'saveCheckpointsSteps' in opts || 'saveCheckpointsSecs' in opts ? {} : { saveCheckpointsSteps: this.saveCheckpointsSteps, saveCheckpointsSecs: this.saveCheckpointsSecs };
    return new RunConfig({ ...cur, ...ck, ...opts });
  }
}
