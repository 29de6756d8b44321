/**
 * `tf.keras.callbacks`: the hooks `fit` calls (each may return a promise, which fit awaits) and
 * TF 1.15's History, EarlyStopping, ModelCheckpoint (weights, TF checkpoint format),
 * LearningRateScheduler and TensorBoard (epoch scalars through tf.summary.FileWriter);
 * BaseLogger, CSVLogger, LambdaCallback, ProgbarLogger, ReduceLROnPlateau, RemoteMonitor and
 * TerminateOnNaN as TF 1.15's keras/callbacks.py.
 */
import { ValueError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { FileWriter } from '../summary/file-writer.js';
import { fs as nodeFs } from '../platform/node-builtins.js';
import { Progbar, pyFloat, pyJson } from './generic-utils.js';

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

/** `keras.callbacks.BaseLogger(stateful_metrics=None)`: the epoch means of the batch values of `params.metrics`, written into the epoch logs. */
export class BaseLogger extends Callback {
  readonly statefulMetrics: Set<string>;
  seen = 0;
  totals: Record<string, number> = {};
  constructor(statefulMetrics: string[] | { statefulMetrics?: string[] | null } | null = null) {
    super();
    const list = Array.isArray(statefulMetrics) ? statefulMetrics : (statefulMetrics?.statefulMetrics ?? []);
    this.statefulMetrics = new Set(list);
  }
  override onEpochBegin(): void {
    this.seen = 0;
    this.totals = {};
  }
  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    const size = logs.size ?? 0;
    const numSteps = logs.num_steps ?? 1;
    this.seen += size * numSteps;
    for (const [k, v] of Object.entries(logs)) {
      if (this.statefulMetrics.has(k)) this.totals[k] = v;
      else this.totals[k] = (this.totals[k] ?? 0) + v * size;
    }
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    for (const k of (this.params.metrics as string[] | undefined) ?? []) {
      if (k in this.totals) logs[k] = this.statefulMetrics.has(k) ? this.totals[k]! : this.totals[k]! / this.seen;
    }
  }
}

/** `keras.callbacks.TerminateOnNaN()`: stops training when a batch's loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

type Hook<A extends unknown[]> = ((...a: A) => void | Promise<void>) | null | undefined;
/** `keras.callbacks.LambdaCallback(on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None, on_train_begin=None, on_train_end=None)`. */
export class LambdaCallback extends Callback {
  constructor(o: {
    onEpochBegin?: Hook<[number, Logs]>; onEpochEnd?: Hook<[number, Logs]>; onBatchBegin?: Hook<[number, Logs]>; onBatchEnd?: Hook<[number, Logs]>;
    onTrainBegin?: Hook<[Logs]>; onTrainEnd?: Hook<[Logs]>;
  } = {}) {
    super();
    if (o.onEpochBegin) this.onEpochBegin = (e, l) => o.onEpochBegin!(e, l ?? {});
    if (o.onEpochEnd) this.onEpochEnd = (e, l) => o.onEpochEnd!(e, l ?? {});
    if (o.onBatchBegin) this.onBatchBegin = (b, l) => o.onBatchBegin!(b, l ?? {});
    if (o.onBatchEnd) this.onBatchEnd = (b, l) => o.onBatchEnd!(b, l ?? {});
    if (o.onTrainBegin) this.onTrainBegin = (l) => o.onTrainBegin!(l ?? {});
    if (o.onTrainEnd) this.onTrainEnd = (l) => o.onTrainEnd!(l ?? {});
  }
}

/** A CSV field as TF writes it: strings as they are, arrays as `"[a, b]"`, numbers as Python prints them. */
function csvValue(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `"[${v.map((x) => (typeof x === 'number' ? pyFloat(x) : String(x))).join(', ')}]"`;
  if (typeof v === 'number') return key === 'epoch' || key === 'batch' || key === 'size' ? String(v) : pyFloat(v);
  return String(v);
}

/**
 * `keras.callbacks.CSVLogger(filename, separator=',', append=False)`: one row per epoch, header
 * `epoch,<log keys sorted>` (Python's csv: `\r\n` line ends); with `append`, no header when the
 * file already has content; a stopped run fills missing keys with `NA`.
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly sep: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private appendHeader = true;
  private fd: number | null = null;
  constructor(filename: string, separator: string | { separator?: string; append?: boolean } = ',', append = false) {
    super();
    this.filename = filename;
    if (typeof separator === 'object') {
      this.sep = separator.separator ?? ',';
      this.append = separator.append ?? false;
    } else {
      this.sep = separator;
      this.append = append;
    }
  }
  override onTrainBegin(): void {
    this.keys = null;
    this.appendHeader = true;
    if (this.append && nodeFs.existsSync(this.filename)) this.appendHeader = nodeFs.readFileSync(this.filename, 'utf8').length === 0;
    this.fd = nodeFs.openSync(this.filename, this.append ? 'a' : 'w');
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (this.keys === null) this.keys = Object.keys(logs).sort();
    const row: Record<string, unknown> = { epoch };
    for (const k of this.keys) row[k] = k in logs ? logs[k] : this.model?.stopTraining ? 'NA' : '';
    const fields = ['epoch', ...this.keys];
    const quote = (f: string): string => (f.includes(this.sep) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replace(/"/g, '""')}"` : f);
    const fd = this.fd ?? nodeFs.openSync(this.filename, 'a');
    this.fd = fd;
    let out = '';
    if (this.appendHeader) {
      out += `${fields.map(quote).join(this.sep)}\r\n`;
      this.appendHeader = false;
    }
    out += `${fields.map((k) => { const v = row[k]; return Array.isArray(v) ? csvValue(v, k) : quote(csvValue(v, k)); }).join(this.sep)}\r\n`;
    nodeFs.writeSync(fd, out);
  }
  override onTrainEnd(): void {
    if (this.fd !== null) nodeFs.closeSync(this.fd);
    this.fd = null;
    this.keys = null;
  }
}

/**
 * `keras.callbacks.ProgbarLogger(count_mode='samples', stateful_metrics=None)`: a Progbar per
 * epoch, advanced by each batch's `size` (or by one step with count_mode 'steps').
 */
export class ProgbarLogger extends Callback {
  readonly useSteps: boolean;
  readonly statefulMetrics: string[];
  progbar: Progbar | null = null;
  target: number | null = null;
  seen = 0;
  private verbose = 1;
  private epochs = 1;
  private logValues: [string, number][] = [];
  /** Where the bars are written (default process.stdout). */
  write: ((s: string) => void) | undefined;
  constructor(countMode: string | { countMode?: string; statefulMetrics?: string[] | null } = 'samples', statefulMetrics: string[] | null = null) {
    super();
    const mode = typeof countMode === 'object' ? (countMode.countMode ?? 'samples') : countMode;
    this.statefulMetrics = (typeof countMode === 'object' ? countMode.statefulMetrics : statefulMetrics) ?? [];
    if (mode === 'samples') this.useSteps = false;
    else if (mode === 'steps') this.useSteps = true;
    else throw new ValueError(`Unknown \`count_mode\`: ${mode}`);
  }
  override onTrainBegin(): void {
    this.verbose = (this.params.verbose as number | undefined) ?? 1;
    this.epochs = (this.params.epochs as number | undefined) ?? 1;
  }
  override onEpochBegin(epoch: number): void {
    this.seen = 0;
    this.target = this.useSteps ? ((this.params.steps as number | null | undefined) ?? null) : ((this.params.samples as number | null | undefined) ?? null);
    if (this.verbose) {
      if (this.epochs > 1) console.log(`Epoch ${epoch + 1}/${this.epochs}`);
      this.progbar = new Progbar(this.target, { verbose: this.verbose, statefulMetrics: this.statefulMetrics, unitName: this.useSteps ? 'step' : 'sample', ...(this.write ? { write: this.write } : {}) });
    }
  }
  override onBatchBegin(): void {
    this.logValues = [];
  }
  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    const size = logs.size ?? 0;
    this.seen += this.useSteps ? (logs.num_steps ?? 1) : size * (logs.num_steps ?? 1);
    for (const k of (this.params.metrics as string[] | undefined) ?? []) if (k in logs) this.logValues.push([k, logs[k]!]);
    if (this.verbose && this.progbar && (this.target === null || this.seen < this.target)) this.progbar.update(this.seen, this.logValues);
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    for (const k of (this.params.metrics as string[] | undefined) ?? []) if (k in logs) this.logValues.push([k, logs[k]!]);
    if (this.verbose && this.progbar) this.progbar.update(this.seen, this.logValues);
  }
}

/**
 * `keras.callbacks.ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=10, verbose=0,
 * mode='auto', min_delta=1e-4, cooldown=0, min_lr=0)`: multiplies the optimizer's rate by
 * `factor` (not below `minLr`) after `patience` epochs without an improvement of `minDelta`,
 * then waits `cooldown` epochs. Adds `lr` to the epoch logs.
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  mode: string;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  private better: (a: number, b: number) => boolean = () => false;
  constructor(o: { monitor?: string; factor?: number; patience?: number; verbose?: number; mode?: string; minDelta?: number; epsilon?: number; cooldown?: number; minLr?: number } = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (this.factor >= 1.0) throw new ValueError('ReduceLROnPlateau does not support a factor >= 1.0.');
    if (o.epsilon !== undefined) console.warn('`epsilon` argument is deprecated and will be removed, use `min_delta` instead.');
    this.minLr = o.minLr ?? 0;
    this.minDelta = o.minDelta ?? o.epsilon ?? 1e-4;
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? 0;
    this.cooldown = o.cooldown ?? 0;
    this.mode = o.mode ?? 'auto';
    this.reset();
  }
  private reset(): void {
    if (!['auto', 'min', 'max'].includes(this.mode)) {
      console.warn(`Learning Rate Plateau Reducing mode ${this.mode} is unknown, fallback to auto mode.`);
      this.mode = 'auto';
    }
    const d = this.minDelta;
    if (this.mode === 'min' || (this.mode === 'auto' && !this.monitor.includes('acc'))) {
      this.better = (a, b) => a < b - d;
      this.best = Infinity;
    } else {
      this.better = (a, b) => a > b + d;
      this.best = -Infinity;
    }
    this.cooldownCounter = 0;
    this.wait = 0;
  }
  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }
  override onTrainBegin(): void {
    this.reset();
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const opt = this.model!.optimizer as Partial<RateSettable> | null;
    if (!opt || typeof opt.getLearningRate !== 'function') throw new ValueError('Optimizer must have a "lr" attribute.');
    logs.lr = await opt.getLearningRate();
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Reduce LR on plateau conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const oldLr = await opt.getLearningRate();
        if (oldLr > this.minLr) {
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          await opt.setLearningRate!(newLr);
          if (this.verbose > 0) console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: ReduceLROnPlateau reducing learning rate to ${pyFloat(newLr)}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/**
 * `keras.callbacks.RemoteMonitor(root='http://localhost:9000', path='/publish/epoch/end/',
 * field='data', headers=None, send_as_json=False)`: POSTs `{epoch, ...logs}` after each epoch —
 * as a JSON body, or as the form field `field` holding the JSON text. A server that cannot be
 * reached is a warning, as in TF.
 */
export class RemoteMonitor extends Callback {
  readonly root: string;
  readonly path: string;
  readonly field: string;
  readonly headers: Record<string, string> | null;
  readonly sendAsJson: boolean;
  constructor(o: { root?: string; path?: string; field?: string; headers?: Record<string, string> | null; sendAsJson?: boolean } = {}) {
    super();
    this.root = o.root ?? 'http://localhost:9000';
    this.path = o.path ?? '/publish/epoch/end/';
    this.field = o.field ?? 'data';
    this.headers = o.headers ?? null;
    this.sendAsJson = o.sendAsJson ?? false;
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const send: Record<string, unknown> = { epoch, ...logs };
    const text = pyJson(send, new Set(['epoch']));
    const headers: Record<string, string> = { ...(this.headers ?? {}) };
    let body: string;
    if (this.sendAsJson) {
      body = text;
      headers['Content-Type'] ??= 'application/json';
    } else {
      body = new URLSearchParams({ [this.field]: text }).toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    }
    try {
      await fetch(this.root + this.path, { method: 'POST', headers, body });
    } catch {
      console.warn(`Warning: could not reach RemoteMonitor root server at ${this.root}`);
    }
  }
}
