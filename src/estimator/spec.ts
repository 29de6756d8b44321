/** `tf.estimator.ModeKeys`, `EstimatorSpec` and `RunConfig`. */
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';

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
}

/** What a `modelFn` returns: the ops of one mode, checked as TF1 checks them. */
export class EstimatorSpec {
  readonly mode: Mode;
  readonly predictions: Tensor | Record<string, Tensor> | null;
  readonly loss: Tensor | null;
  readonly trainOp: Operation | Tensor | null;
  readonly evalMetricOps: Record<string, [Tensor, Tensor | Operation]>;
  readonly exportOutputs: unknown;
  constructor(mode: Mode | EstimatorSpecFields, fields: Omit<EstimatorSpecFields, 'mode'> = {}) {
    const f: EstimatorSpecFields = typeof mode === 'object' ? mode : { ...fields, mode };
    if (!Object.values(ModeKeys).includes(f.mode)) throw new ValueError(`mode=${String(f.mode)} unrecognized.`);
    this.mode = f.mode;
    this.predictions = f.predictions ?? null;
    this.loss = f.loss ?? null;
    this.trainOp = f.trainOp ?? null;
    this.evalMetricOps = f.evalMetricOps ?? {};
    this.exportOutputs = f.exportOutputs ?? null;
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
  saveCheckpointsSteps?: number | null;
  saveSummarySteps?: number;
  keepCheckpointMax?: number;
  logStepCountSteps?: number;
}

/** `tf.estimator.RunConfig(...)`: the fields the Estimator uses. */
export class RunConfig {
  readonly modelDir: string | null;
  readonly tfRandomSeed: number | null;
  readonly saveCheckpointsSteps: number | null;
  readonly saveSummarySteps: number;
  readonly keepCheckpointMax: number;
  readonly logStepCountSteps: number;
  constructor(opts: RunConfigOptions = {}) {
    this.modelDir = opts.modelDir ?? null;
    this.tfRandomSeed = opts.tfRandomSeed ?? null;
    this.saveCheckpointsSteps = opts.saveCheckpointsSteps ?? null;
    this.saveSummarySteps = opts.saveSummarySteps ?? 100;
    this.keepCheckpointMax = opts.keepCheckpointMax ?? 5;
    this.logStepCountSteps = opts.logStepCountSteps ?? 100;
  }
}
