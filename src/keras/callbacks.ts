/**
 * `tf.keras.callbacks`: the hooks `fit` calls (each may return a promise, which fit awaits) and
 * TF 1.15's History, EarlyStopping, ModelCheckpoint (weights, TF checkpoint format),
 * LearningRateScheduler and TensorBoard (epoch scalars through tf.summary.FileWriter).
 */
import { ValueError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { FileWriter } from '../summary/file-writer.js';

export type Logs = Record<string, number>;

/** What callbacks use of a model. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Promise<NDArray[]>;
  setWeights(w: NDArray[]): Promise<void>;
  saveWeights(path: string): Promise<unknown>;
  readonly optimizer: unknown;
}

export class Callback {
  model: CallbackModel | null = null;
  params: Record<string, unknown> = {};
  validationData: unknown = null;
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: Record<string, unknown>): void {
    this.params = params;
  }
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
}

/** `keras.callbacks.History`: `history[key]` per epoch and `epoch` (fit returns it). */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override onTrainBegin(): void {
    this.epoch = [];
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

function monitorOp(mode: string, monitor: string, where: string): 'min' | 'max' {
  if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`${where} mode ${mode} is unknown`);
  if (mode === 'min' || mode === 'max') return mode;
  return monitor.includes('acc') ? 'max' : 'min';
}

/** `keras.callbacks.EarlyStopping(monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto', baseline=None, restore_best_weights=False)`. */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly mode: 'min' | 'max';
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestWeights: NDArray[] | null = null;
  constructor(o: { monitor?: string; minDelta?: number; patience?: number; verbose?: number; mode?: string; baseline?: number | null; restoreBestWeights?: boolean } = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.patience = o.patience ?? 0;
    this.verbose = o.verbose ?? 0;
    this.baseline = o.baseline ?? null;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.mode = monitorOp(o.mode ?? 'auto', this.monitor, 'EarlyStopping');
    this.minDelta = Math.abs(o.minDelta ?? 0) * (this.mode === 'max' ? 1 : -1);
  }
  private better(a: number, b: number): boolean {
    return this.mode === 'max' ? a > b : a < b;
  }
  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline ?? (this.mode === 'max' ? -Infinity : Infinity);
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Early stopping conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
      return;
    }
    if (this.better(current - this.minDelta, this.best)) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = await this.model!.getWeights();
    } else {
      this.wait += 1;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.model!.stopTraining = true;
        if (this.restoreBestWeights && this.bestWeights) {
          if (this.verbose > 0) console.log('Restoring model weights from the end of the best epoch.');
          await this.model!.setWeights(this.bestWeights);
        }
      }
    }
  }
  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${String(this.stoppedEpoch + 1).padStart(5, '0')}: early stopping`);
  }
}

/** Python's `str.format` for the names Keras passes (`{epoch:02d}`, `{val_loss:.2f}`). */
export function formatPath(path: string, values: Record<string, number>): string {
  return path.replace(/\{(\w+)(?::([^}]*))?\}/g, (m, key: string, spec: string | undefined) => {
    const v = values[key];
    if (v === undefined) throw new ValueError(`Failed to format this callback filepath: "${path}". Reason: '${key}'`);
    if (!spec) return String(v);
    const d = /^0?(\d*)d$/.exec(spec);
    if (d) return String(Math.trunc(v)).padStart(Number(d[1] || 0), spec.startsWith('0') ? '0' : ' ');
    const f = /^\.(\d+)f$/.exec(spec);
    if (f) return v.toFixed(Number(f[1]));
    return m;
  });
}

/** `keras.callbacks.ModelCheckpoint(filepath, monitor='val_loss', verbose=0, save_best_only=False, save_weights_only=False, mode='auto', period=1)` (weights only here). */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly period: number;
  readonly mode: 'min' | 'max';
  best: number;
  private sinceLast = 0;
  constructor(filepath: string, o: { monitor?: string; verbose?: number; saveBestOnly?: boolean; saveWeightsOnly?: boolean; mode?: string; period?: number } = {}) {
    super();
    if (!o.saveWeightsOnly) throw new ValueError('ModelCheckpoint: saving the whole model (save_weights_only=False) is not supported; pass saveWeightsOnly: true');
    this.filepath = filepath;
    this.monitor = o.monitor ?? 'val_loss';
    this.verbose = o.verbose ?? 0;
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.period = o.period ?? 1;
    this.mode = monitorOp(o.mode ?? 'auto', this.monitor, 'ModelCheckpoint');
    this.best = this.mode === 'max' ? -Infinity : Infinity;
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    this.sinceLast += 1;
    if (this.sinceLast < this.period) return;
    this.sinceLast = 0;
    const path = formatPath(this.filepath, { epoch: epoch + 1, ...logs });
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      if (!(this.mode === 'max' ? current > this.best : current < this.best)) {
        if (this.verbose > 0) console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      if (this.verbose > 0) console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${path}`);
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: saving model to ${path}`);
    }
    await this.model!.saveWeights(path);
  }
}

/** What LearningRateScheduler needs of the model's optimizer. */
interface RateSettable {
  getLearningRate(): Promise<number>;
  setLearningRate(v: number): Promise<void>;
}

/** `keras.callbacks.LearningRateScheduler(schedule, verbose=0)`: `schedule(epoch, lr)` sets the rate before each epoch. */
export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose = 0) {
    super();
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    const opt = this.model!.optimizer as Partial<RateSettable> | null;
    if (!opt || typeof opt.setLearningRate !== 'function') throw new ValueError('Optimizer must have a "lr" attribute.');
    const lr = this.schedule(epoch, await opt.getLearningRate!());
    if (typeof lr !== 'number' || Number.isNaN(lr)) throw new ValueError('The output of the "schedule" function should be float.');
    await opt.setLearningRate(lr);
    if (this.verbose > 0) console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: LearningRateScheduler reducing learning rate to ${lr}.`);
  }
}

/** `keras.callbacks.TensorBoard(log_dir='./logs', …, update_freq='epoch')`: each epoch's logs as scalars (step = epoch). */
export class TensorBoard extends Callback {
  readonly logDir: string;
  private writer: FileWriter | null = null;
  constructor(o: { logDir?: string } | string = {}) {
    super();
    this.logDir = typeof o === 'string' ? o : (o.logDir ?? './logs');
  }
  override onTrainBegin(): void {
    this.writer ??= new FileWriter(this.logDir);
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.writer ??= new FileWriter(this.logDir);
    const value = Object.entries(logs).map(([tag, v]) => ({ tag, simpleValue: Math.fround(v) }));
    this.writer.addSummary({ value } as never, epoch);
    this.writer.flush();
  }
  override onTrainEnd(): void {
    this.writer?.close();
    this.writer = null;
  }
}
