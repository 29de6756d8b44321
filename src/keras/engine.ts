/**
 * `tf.keras.Model` (functional: `new Model({inputs, outputs})`) and `tf.keras.Sequential` in TF1
 * graph mode: the layers have already built graph ops; `compile` adds the target placeholders
 * (`<output layer>_target`), the loss (mean per-sample loss + the layers' regularization
 * losses) and the metrics; `fit`/`evaluate`/`predict` feed batches of host arrays to the Keras
 * session (keras.backend.getSession), with the learning phase fed 1 while training. Epoch logs
 * are sample-weighted means over the batches, keyed as TF 1.15 keys them (`loss`, `acc`,
 * `val_loss`, `val_acc`).
 */
import { RuntimeError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { toSnakeCase, uniqueLayerName } from '../layers/base.js';
import { NDArray } from '../ndarray.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import type { Session } from '../session/session.js';
import { Saver } from '../train/saver.js';
import type { Optimizer } from '../train/optimizer.js';
import { getSession, initializeVariables, learningPhasePlaceholder } from './backend.js';
import { Callback, type CallbackModel, History, type Logs } from './callbacks.js';
import { conform, concatRows, sliceRows, takeRows, toList } from './data-utils.js';
import { type KerasLayer, countParams, nodeOf, outputsOf } from './layer-utils.js';
import { InputLayer } from './layers-core.js';
import { type LossFn, getLoss, resolveMetric } from './losses.js';
import { KerasOptimizer, applyConstraints, getOptimizer } from './optimizers.js';
import { Metric } from './metrics-classes.js';
import { modelConfig, toKerasJson } from './models-config.js';

export interface CompileOptions {
  optimizer?: unknown;
  loss?: string | LossFn | (string | LossFn)[] | Record<string, string | LossFn>;
  /** Names, functions, or keras.metrics.Metric objects (stateful: reported as their running value). */
  metrics?: (string | LossFn | Metric)[] | null;
  lossWeights?: number[] | null;
}

export interface FitOptions {
  batchSize?: number | null;
  epochs?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[] | null;
  validationSplit?: number;
  validationData?: [unknown, unknown] | null;
  shuffle?: boolean | 'batch';
  initialEpoch?: number;
  stepsPerEpoch?: number | null;
  validationSteps?: number | null;
}

interface Compiled {
  targets: Tensor[];
  totalLoss: Tensor;
  /** [name, tensor] of what fit reports after `loss` (per-output losses, then metrics). */
  reported: [string, Tensor][];
  optimizer: KerasOptimizer | Optimizer;
  /** The Metric objects among the metrics (reset at each epoch's start and before evaluating). */
  statefulMetrics: Metric[];
  /** Indices into `reported` whose value is a Metric's running result (reported as is, not averaged over batches). */
  statefulAt: Set<number>;
}

type Fetched = { data: ArrayLike<number> };

const COMPILE_FIRST = 'You must compile your model before training/testing. Use `model.compile(optimizer, loss)`.';

/** Keras's progbar number format. */
function fmt(v: number): string {
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : v.toExponential(4);
}

function shapeStr(s: readonly (number | null)[] | null): string {
  if (s === null) return '?';
  const d = s.map((x) => (x === null ? 'None' : String(x)));
  return `(${d.join(', ')}${d.length === 1 ? ',' : ''})`;
}

/** A seeded shuffle (numpy's np.random.shuffle over indices; Math.random when no seed). */
function permutation(n: number, rand: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

export class Model implements CallbackModel {
  name: string;
  inputs: Tensor[] = [];
  outputs: Tensor[] = [];
  stopTraining = false;
  history: History | null = null;
  protected graph: Graph;
  protected compiled: Compiled | null = null;
  private trainOp: Operation | null = null;
  private saver: Saver | null = null;
  private functionalLayers: KerasLayer[] = [];
  private random: () => number = Math.random;

  /** `keras.Model(inputs, outputs, name=None)` / `keras.Model({inputs, outputs, name})`. */
  constructor(...args: unknown[]) {
    this.graph = getDefaultGraph();
    const isOpts = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0]) && !('op' in (args[0] as object));
    const o = (isOpts ? args[0] : { inputs: args[0], outputs: args[1], name: args[2] }) as { inputs?: Tensor | Tensor[]; outputs?: Tensor | Tensor[]; name?: string; layers?: unknown };
    this.name = o.name || uniqueLayerName(toSnakeCase(new.target.name === 'Sequential' ? 'Sequential' : 'Model'), this.graph);
    if (new.target.name === 'Sequential' || o.inputs === undefined) return;
    if (o.outputs === undefined) throw new ValueError('Model: both `inputs` and `outputs` are required');
    this.inputs = Array.isArray(o.inputs) ? [...o.inputs] : [o.inputs];
    this.outputs = Array.isArray(o.outputs) ? [...o.outputs] : [o.outputs];
    for (const t of this.inputs) {
      if (!(nodeOf(t)?.layer instanceof InputLayer)) {
        throw new ValueError(`Input tensors to a Model must come from \`tf.keras.Input\`. Received: ${String(t)} (missing previous layer metadata).`);
      }
    }
    this.functionalLayers = this.traceLayers();
  }

  /** Layers from the inputs to the outputs, in the order they run. */
  private traceLayers(): KerasLayer[] {
    const seen = new Set<KerasLayer>();
    const order: KerasLayer[] = [];
    const inputs = new Set(this.inputs);
    const visiting = new Set<Tensor>();
    const visit = (t: Tensor): void => {
      if (visiting.has(t)) return;
      visiting.add(t);
      const node = nodeOf(t);
      if (!node) throw new ValueError(`Graph disconnected: cannot obtain value for tensor ${String(t)}: it was not made by a Keras layer.`);
      if (node.layer instanceof InputLayer && !inputs.has(t)) {
        throw new ValueError(`Graph disconnected: cannot obtain value for tensor ${String(t)} at layer "${node.layer.name}". The following previous layers were accessed without issue: ${order.map((l) => l.name).join(', ')}`);
      }
      for (const x of node.inputs) visit(x);
      if (!seen.has(node.layer)) {
        seen.add(node.layer);
        order.push(node.layer);
      }
    };
    for (const t of this.inputs) visit(t);
    for (const t of this.outputs) visit(t);
    return order;
  }

  get layers(): KerasLayer[] {
    return [...this.functionalLayers];
  }
  /** `model.get_layer(name=None, index=None)`. */
  getLayer(name?: string | null, index?: number | null): KerasLayer {
    const ls = this.layers;
    if (index !== undefined && index !== null) {
      if (index >= ls.length) throw new ValueError(`Was asked to retrieve layer at index ${index} but model only has ${ls.length} layers.`);
      return ls[index]!;
    }
    const l = ls.find((x) => x.name === name);
    if (!l) throw new ValueError(`No such layer: ${name}`);
    return l;
  }
  get input(): Tensor | Tensor[] {
    this.requireBuilt();
    return this.inputs.length === 1 ? this.inputs[0]! : this.inputs;
  }
  get output(): Tensor | Tensor[] {
    this.requireBuilt();
    return this.outputs.length === 1 ? this.outputs[0]! : this.outputs;
  }
  get built(): boolean {
    return this.outputs.length > 0;
  }
  protected requireBuilt(): void {
    if (!this.built) throw new ValueError('This model has not yet been built. Build the model first by calling `build()` or calling `fit()` with some data, or specify an `input_shape` argument in the first layer(s) for automatic build.');
  }
  private dedup(vs: Variable[]): Variable[] {
    return [...new Set(vs)];
  }
  get trainableWeights(): Variable[] {
    return this.dedup(this.layers.flatMap((l) => l.trainableWeights));
  }
  get nonTrainableWeights(): Variable[] {
    return this.dedup(this.layers.flatMap((l) => l.nonTrainableWeights));
  }
  get weights(): Variable[] {
    return this.dedup(this.layers.flatMap((l) => l.weights));
  }
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }
  get variables(): Variable[] {
    return this.weights;
  }
  /** Update ops of the layers (batch normalization's moving averages). */
  get updates(): (Tensor | Operation)[] {
    return this.layers.flatMap((l) => l.updates as (Tensor | Operation)[]);
  }
  /** Keras's `state_updates`: the update ops of stateful layers (a stateful RNN's last states), run by predict and evaluate too. */
  get stateUpdates(): (Tensor | Operation)[] {
    return this.layers.filter((l) => (l as { stateful?: boolean }).stateful === true).flatMap((l) => l.updates as (Tensor | Operation)[]);
  }
  /** Keras's `reset_states()`: every stateful layer's states to zeros. */
  async resetStates(): Promise<void> {
    for (const l of this.layers) {
      const r = l as { stateful?: boolean; resetStates?: () => Promise<void> };
      if (r.stateful === true && typeof r.resetStates === 'function') await r.resetStates();
    }
  }
  /** Regularization and activity losses of the layers. */
  get losses(): Tensor[] {
    return this.layers.flatMap((l) => l.losses);
  }
  get optimizer(): KerasOptimizer | Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }
  /** The names `evaluate` returns values for (`['loss', 'acc']`). */
  get metricsNames(): string[] {
    return this.compiled ? ['loss', ...this.compiled.reported.map(([n]) => n)] : [];
  }
  countParams(): number {
    return countParams(this.weights);
  }

  /** Called before compiling/running on data: Sequential builds itself from the data's shape here. */
  protected ensureBuilt(_x?: NDArray[]): void {
    this.requireBuilt();
  }

  /** `model.compile(optimizer, loss=None, metrics=None, loss_weights=None)`. */
  compile(...args: unknown[]): void {
    const isOpts = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !(args[0] instanceof KerasOptimizer) && typeof (args[0] as Optimizer).minimize !== 'function';
    const o = (isOpts ? args[0] : { optimizer: args[0], loss: args[1], metrics: args[2], lossWeights: args[3] }) as CompileOptions;
    const optimizer = getOptimizer(o.optimizer ?? 'rmsprop');
    if (o.loss === undefined || o.loss === null) throw new ValueError('The model cannot be compiled because it has no loss to optimize.');
    this.pendingCompile = { ...o, optimizer };
    this.compiled = null;
    this.trainOp = null;
    if (this.built) this.buildCompiled();
  }
  private pendingCompile: (CompileOptions & { optimizer: KerasOptimizer | Optimizer }) | null = null;

  /** The loss, target and metric tensors of the compile options (once the model is built). */
  protected buildCompiled(): Compiled {
    if (this.compiled) return this.compiled;
    const o = this.pendingCompile;
    if (!o) throw new RuntimeError(COMPILE_FIRST);
    const g = this.graph;
    this.compiled = g.asDefault(() => {
      const outNames = this.outputs.map((t, i) => nodeOf(t)?.layer.name ?? `output_${i + 1}`);
      const lossSpec = o.loss!;
      const lossAt = (i: number): string | LossFn => {
        if (Array.isArray(lossSpec)) {
          if (lossSpec.length !== this.outputs.length) throw new ValueError(`When passing a list as loss, it should have one entry per model outputs. The model has ${this.outputs.length} outputs, but you passed loss=${lossSpec.length} entries`);
          return lossSpec[i]!;
        }
        if (typeof lossSpec === 'object' && typeof lossSpec !== 'function') {
          const l = (lossSpec as Record<string, string | LossFn>)[outNames[i]!];
          if (l === undefined) throw new ValueError(`Output "${outNames[i]}" missing from loss dictionary.`);
          return l;
        }
        return lossSpec as string | LossFn;
      };
      const targets: Tensor[] = [];
      const perOutput: Tensor[] = [];
      const reported: [string, Tensor][] = [];
      const metricEntries: [string, Tensor][] = [];
      const statefulMetrics: Metric[] = [];
      const statefulAt = new Set<number>();
      const multi = this.outputs.length > 1;
      const weights = o.lossWeights ?? this.outputs.map(() => 1);
      let total: Tensor | null = null;
      this.outputs.forEach((out, i) => {
        const spec = lossAt(i);
        const lossName = typeof spec === 'string' ? spec.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() : null;
        const fn = getLoss(spec);
        const sparse = lossName === 'sparse_categorical_crossentropy';
        const tshape = out.shape === null ? null : sparse ? out.shape.slice(0, -1) : [...out.shape];
        const target = g.nameScope(null, () => ops.placeholder(out.dtype, tshape, `${outNames[i]}_target`));
        targets.push(target);
        const l = g.nameScope('loss', () => ops.reduceMean(fn(target, out)));
        perOutput.push(l);
        const w = weights[i] ?? 1;
        const term = w === 1 ? l : ops.multiply(l, w);
        total = total === null ? term : ops.add(total, term);
        if (multi) reported.push([`${outNames[i]}_loss`, l]);
        for (const m of o.metrics ?? []) {
          if (m instanceof Metric) {
            // TF clones a metric object for each further output.
            const mm = i === 0 ? m : g.asDefault(() => (m.constructor as typeof Metric & (new (c: Record<string, unknown>) => Metric)).fromConfig.call(m.constructor as never, m.getConfig()) as Metric);
            const t = g.nameScope('metrics', () => mm.call(target, out));
            statefulMetrics.push(mm);
            statefulAt.add(metricEntries.length);
            metricEntries.push([multi ? `${outNames[i]}_${mm.name}` : mm.name, t]);
            continue;
          }
          const r = resolveMetric(m, lossName, out);
          const t = g.nameScope('metrics', () => ops.reduceMean(r.fn(target, out)));
          metricEntries.push([multi ? `${outNames[i]}_${r.name}` : r.name, t]);
        }
      });
      const reg = this.losses;
      if (reg.length > 0) total = ops.add(total!, ops.addN(reg));
      // statefulAt holds indices into the metric entries, which follow the per-output losses.
      const shift = new Set([...statefulAt].map((j) => j + reported.length));
      return { targets, totalLoss: total!, reported: [...reported, ...metricEntries], optimizer: o.optimizer, statefulMetrics, statefulAt: shift };
    });
    return this.compiled!;
  }

  private requireCompiled(): Compiled {
    if (!this.pendingCompile) throw new RuntimeError(COMPILE_FIRST);
    return this.buildCompiled();
  }

  private ensureTrainOp(c: Compiled): Operation {
    if (this.trainOp) return this.trainOp;
    const params = this.trainableWeights;
    this.trainOp = this.graph.asDefault(() => {
      if (c.optimizer instanceof KerasOptimizer) return c.optimizer.getUpdates(c.totalLoss, params);
      return applyConstraints(this.graph.nameScope('training', () => (c.optimizer as Optimizer).minimize(c.totalLoss, { varList: params })), params);
    });
    return this.trainOp!;
  }

  private async session(): Promise<Session> {
    const sess = this.graph.asDefault(() => getSession());
    if (sess.graph !== this.graph) throw new ValueError('The Keras session does not hold this model\'s graph (was the graph reset after the model was built?)');
    await initializeVariables(sess);
    return sess;
  }

  private feeds(xs: NDArray[], ys: NDArray[] | null, c: Compiled | null, training: boolean): Map<Tensor, NDArray | boolean> {
    if (xs.length !== this.inputs.length) throw new ValueError(`Error when checking model input: the list of Numpy arrays that you are passing to your model is not the size the model expected. Expected to see ${this.inputs.length} array(s), but instead got ${xs.length} arrays`);
    const m = new Map<Tensor, NDArray | boolean>();
    this.inputs.forEach((t, i) => m.set(t, conform(xs[i]!, t.dtype, t.shape, 'input', t.op.name)));
    if (ys && c) {
      if (ys.length !== c.targets.length) throw new ValueError(`Error when checking model target: expected ${c.targets.length} array(s), but got ${ys.length}`);
      c.targets.forEach((t, i) => m.set(t, conform(ys[i]!, t.dtype, t.shape, 'target', t.op.name.replace(/_target$/, ''))));
    }
    const phase = learningPhasePlaceholder(this.graph);
    if (phase && training) m.set(phase, true);
    return m;
  }

  private checkSameLength(xs: NDArray[], ys: NDArray[] | null): number {
    const n = xs[0]!.shape[0]!;
    for (const a of [...xs, ...(ys ?? [])]) {
      if (a.shape[0] !== n) throw new ValueError(`Input arrays should have the same number of samples as target arrays. Found ${n} input samples and ${a.shape[0]} target samples.`);
    }
    return n;
  }

  /** One training step on the rows of `xs`/`ys`: [loss, ...reported]. */
  private async trainStep(sess: Session, c: Compiled, xs: NDArray[], ys: NDArray[]): Promise<number[]> {
    const fetches = [c.totalLoss, ...c.reported.map(([, t]) => t), this.ensureTrainOp(c), ...this.updates];
    const r = (await sess.run(fetches, this.feeds(xs, ys, c, true) as never)) as Fetched[];
    return r.slice(0, 1 + c.reported.length).map((v) => Number(v.data[0]));
  }

  private async testStep(sess: Session, c: Compiled, xs: NDArray[], ys: NDArray[]): Promise<number[]> {
    const k = 1 + c.reported.length;
    const r = (await sess.run([c.totalLoss, ...c.reported.map(([, t]) => t), ...this.stateUpdates], this.feeds(xs, ys, c, false) as never)) as Fetched[];
    return r.slice(0, k).map((v) => Number(v.data[0]));
  }

  /** `model.fit(x, y, batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0., validation_data=None, shuffle=True, initial_epoch=0, steps_per_epoch=None)`. */
  async fit(x: unknown, y?: unknown, opts: FitOptions = {}): Promise<History> {
    if (!this.pendingCompile) throw new RuntimeError(COMPILE_FIRST);
    let xs = toList(x, 'x');
    if (y === undefined || y === null) throw new ValueError('fit: `y` (the targets) is required for array inputs');
    let ys = toList(y, 'y');
    this.ensureBuilt(xs);
    const c = this.requireCompiled();
    this.checkSameLength(xs, ys);
    const batchSize = opts.batchSize ?? 32;
    const epochs = opts.epochs ?? 1;
    const verbose = opts.verbose ?? 1;
    const initialEpoch = opts.initialEpoch ?? 0;
    const shuffle = opts.shuffle ?? true;
    let val: [NDArray[], NDArray[]] | null = null;
    if (opts.validationData) {
      const [vx, vy] = opts.validationData;
      val = [toList(vx, 'validation x'), toList(vy, 'validation y')];
    } else if (opts.validationSplit && opts.validationSplit > 0) {
      if (!(opts.validationSplit < 1)) throw new ValueError(`validation_split must be in [0, 1), got ${opts.validationSplit}`);
      const n = xs[0]!.shape[0]!;
      const at = Math.trunc(n * (1 - opts.validationSplit));
      val = [xs.map((a) => sliceRows(a, at, n)), ys.map((a) => sliceRows(a, at, n))];
      xs = xs.map((a) => sliceRows(a, 0, at));
      ys = ys.map((a) => sliceRows(a, 0, at));
    }
    const n = this.checkSameLength(xs, ys);
    if (batchSize <= 0 || !Number.isInteger(batchSize)) throw new ValueError(`batch_size must be a positive integer, got ${batchSize}`);
    this.ensureTrainOp(c);
    const sess = await this.session();

    const history = new History();
    this.history = history;
    const callbacks = [...(opts.callbacks ?? []), history];
    const names = ['loss', ...c.reported.map(([k]) => k)];
    const params = { batch_size: batchSize, epochs, steps: opts.stepsPerEpoch ?? null, samples: n, verbose, do_validation: val !== null, metrics: [...names, ...(val ? names.map((k) => `val_${k}`) : [])] };
    for (const cb of callbacks) {
      cb.setModel(this);
      cb.setParams(params);
      cb.validationData = val;
    }
    this.stopTraining = false;
    if (verbose > 0) console.log(`Train on ${n} samples${val ? `, validate on ${val[0][0]!.shape[0]} samples` : ''}`);
    for (const cb of callbacks) await cb.onTrainBegin({});
    for (let epoch = initialEpoch; epoch < epochs; epoch++) {
      const t0 = Date.now();
      for (const cb of callbacks) await cb.onEpochBegin(epoch, {});
      await this.resetCompiledMetrics(c);
      const sums = names.map(() => 0);
      let last: number[] = names.map(() => 0);
      let seen = 0;
      const steps = opts.stepsPerEpoch ?? null;
      const batches: ArrayLike<number>[] | null = steps === null ? this.batchOrder(n, batchSize, shuffle) : null;
      const count = steps ?? batches!.length;
      for (let b = 0; b < count; b++) {
        const size = batches ? batches[b]!.length : n;
        for (const cb of callbacks) await cb.onBatchBegin(b, { batch: b, size });
        const bx = batches ? xs.map((a) => takeRows(a, batches[b]!)) : xs;
        const by = batches ? ys.map((a) => takeRows(a, batches[b]!)) : ys;
        const outs = await this.trainStep(sess, c, bx, by);
        outs.forEach((v, i) => (sums[i]! += v * size));
        last = outs;
        seen += size;
        const batchLogs: Logs = { batch: b, size };
        names.forEach((k, i) => (batchLogs[k] = outs[i]!));
        for (const cb of callbacks) await cb.onBatchEnd(b, batchLogs);
        if (this.stopTraining) break;
      }
      const logs: Logs = {};
      // A Metric object's value is its running result after the epoch's last batch.
      names.forEach((k, i) => (logs[k] = c.statefulAt.has(i - 1) ? last[i]! : sums[i]! / Math.max(seen, 1)));
      if (val) {
        const v = await this.testLoop(sess, c, val[0], val[1], batchSize);
        names.forEach((k, i) => (logs[`val_${k}`] = v[i]!));
      }
      if (verbose > 0) {
        const secs = Math.round((Date.now() - t0) / 1000);
        const vals = Object.entries(logs).map(([k, v]) => `${k}: ${fmt(v)}`).join(' - ');
        console.log(`Epoch ${epoch + 1}/${epochs}`);
        console.log(verbose === 1 ? `${n}/${n} [==============================] - ${secs}s - ${vals}` : ` - ${secs}s - ${vals}`);
      }
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
      if (this.stopTraining) break;
    }
    for (const cb of callbacks) await cb.onTrainEnd({});
    return history;
  }

  /** Seed the shuffles of `fit` (numpy's np.random.seed), for reproducible runs. */
  setShuffleSeed(seed: number): void {
    let s = seed >>> 0 || 0x9e3779b9;
    this.random = () => {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      return s / 4294967296;
    };
  }

  private batchOrder(n: number, batchSize: number, shuffle: boolean | 'batch'): Int32Array[] {
    let idx: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle === 'batch') {
      // Keras's batch_shuffle: whole batches change places (the last partial batch stays last).
      const full = Math.floor(n / batchSize);
      const order = permutation(full, this.random);
      const out = new Int32Array(n);
      order.forEach((b, k) => out.set(idx.subarray(b * batchSize, (b + 1) * batchSize), k * batchSize));
      out.set(idx.subarray(full * batchSize), full * batchSize);
      idx = out;
    } else if (shuffle) {
      idx = permutation(n, this.random);
    }
    const out: Int32Array[] = [];
    for (let s = 0; s < n; s += batchSize) out.push(idx.subarray(s, Math.min(n, s + batchSize)));
    return out;
  }

  private async testLoop(sess: Session, c: Compiled, xs: NDArray[], ys: NDArray[], batchSize: number): Promise<number[]> {
    const n = this.checkSameLength(xs, ys);
    const sums = [0, ...c.reported.map(() => 0)];
    await this.resetCompiledMetrics(c);
    let last = sums.map(() => 0);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const outs = await this.testStep(sess, c, xs.map((a) => sliceRows(a, s, e)), ys.map((a) => sliceRows(a, s, e)));
      outs.forEach((v, i) => (sums[i]! += v * (e - s)));
      last = outs;
    }
    return sums.map((v, i) => (c.statefulAt.has(i - 1) ? last[i]! : v / Math.max(n, 1)));
  }

  /** Zeros into the state of the compiled Metric objects (which also initializes it). */
  private async resetCompiledMetrics(c: Compiled): Promise<void> {
    for (const m of c.statefulMetrics) await m.resetStates();
  }

  /** `model.reset_metrics()`: resets the state of the compiled Metric objects. */
  async resetMetrics(): Promise<void> {
    if (this.compiled) await this.resetCompiledMetrics(this.compiled);
  }

  /** `model.evaluate(x, y, batch_size=None, verbose=1)`: the loss, or [loss, ...metrics] when there are metrics or several outputs. */
  async evaluate(x: unknown, y: unknown, opts: { batchSize?: number | null; verbose?: number } = {}): Promise<number | number[]> {
    if (!this.pendingCompile) throw new RuntimeError(COMPILE_FIRST);
    const xs = toList(x, 'x');
    const ys = toList(y, 'y');
    this.ensureBuilt(xs);
    const c = this.requireCompiled();
    const sess = await this.session();
    const r = await this.testLoop(sess, c, xs, ys, opts.batchSize ?? 32);
    if ((opts.verbose ?? 1) > 0) console.log(`${xs[0]!.shape[0]}/${xs[0]!.shape[0]} [==============================] - ${this.metricsNames.map((k, i) => `${k}: ${fmt(r[i]!)}`).join(' - ')}`);
    return r.length === 1 ? r[0]! : r;
  }

  /** `model.predict(x, batch_size=None)`: the outputs, batch by batch, concatenated. */
  async predict(x: unknown, opts: { batchSize?: number | null; verbose?: number } = {}): Promise<NDArray | NDArray[]> {
    const xs = toList(x, 'x');
    this.ensureBuilt(xs);
    const sess = await this.session();
    const n = this.checkSameLength(xs, null);
    const bs = opts.batchSize ?? 32;
    const parts: NDArray[][] = this.outputs.map(() => []);
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      const r = ((await sess.run([...this.outputs, ...this.stateUpdates], this.feeds(xs.map((a) => sliceRows(a, s, e)), null, null, false) as never)) as NDArray[]).slice(0, this.outputs.length);
      r.forEach((a, i) => parts[i]!.push(a));
    }
    const out = parts.map((p) => concatRows(p));
    return out.length === 1 ? out[0]! : out;
  }

  /** `model.predict_on_batch(x)`. */
  async predictOnBatch(x: unknown): Promise<NDArray | NDArray[]> {
    const xs = toList(x, 'x');
    this.ensureBuilt(xs);
    const sess = await this.session();
    const r = ((await sess.run([...this.outputs, ...this.stateUpdates], this.feeds(xs, null, null, false) as never)) as NDArray[]).slice(0, this.outputs.length);
    return r.length === 1 ? r[0]! : r;
  }

  /** `model.train_on_batch(x, y)`: one update; the loss, or [loss, ...metrics]. */
  async trainOnBatch(x: unknown, y: unknown): Promise<number | number[]> {
    if (!this.pendingCompile) throw new RuntimeError(COMPILE_FIRST);
    const xs = toList(x, 'x');
    const ys = toList(y, 'y');
    this.ensureBuilt(xs);
    const c = this.requireCompiled();
    this.checkSameLength(xs, ys);
    this.ensureTrainOp(c);
    const sess = await this.session();
    // TF's reset_metrics=True: a Metric object reports this batch alone.
    await this.resetCompiledMetrics(c);
    const r = await this.trainStep(sess, c, xs, ys);
    return r.length === 1 ? r[0]! : r;
  }

  /** `model.test_on_batch(x, y)`. */
  async testOnBatch(x: unknown, y: unknown): Promise<number | number[]> {
    if (!this.pendingCompile) throw new RuntimeError(COMPILE_FIRST);
    const xs = toList(x, 'x');
    const ys = toList(y, 'y');
    this.ensureBuilt(xs);
    const c = this.requireCompiled();
    const sess = await this.session();
    await this.resetCompiledMetrics(c);
    const r = await this.testStep(sess, c, xs, ys);
    return r.length === 1 ? r[0]! : r;
  }

  /** `model.get_weights()`: every weight's value, layer by layer. */
  async getWeights(): Promise<NDArray[]> {
    const sess = await this.session();
    return Promise.all(this.weights.map((v) => sess.readVariable(v)));
  }

  /** `model.set_weights(weights)`. */
  async setWeights(weights: NDArray[]): Promise<void> {
    const vs = this.weights;
    if (weights.length !== vs.length) {
      throw new ValueError(`You called \`set_weights(weights)\` on layer "${this.name}" with a  weight list of length ${weights.length}, but the layer was expecting ${vs.length} weights.`);
    }
    vs.forEach((v, i) => {
      const w = weights[i]!;
      if (w.shape.length !== v.shape.length || w.shape.some((d, k) => d !== v.shape[k])) {
        throw new ValueError(`Layer weight shape ${shapeStr(v.shape)} not compatible with provided weight shape ${shapeStr(w.shape)}`);
      }
    });
    const sess = await this.session();
    await sess.writeVariables(vs.map((v, i) => [v, conform(weights[i]!, v.dtype, null, 'weights', v.name)] as [Variable, NDArray]));
  }

  private getSaver(): Saver {
    if (!this.saver) this.saver = this.graph.asDefault(() => new Saver(this.weights));
    return this.saver;
  }

  /** `model.save_weights(filepath, overwrite=True)`: HDF5 for .h5/.hdf5/.keras paths, else TF checkpoint format (`filepath.index`, `filepath.data-…`). */
  async saveWeights(filepath: string, opts: { overwrite?: boolean } = {}): Promise<string | null> {
    this.requireBuilt();
    const h5 = await import('./hdf5-format.js');
    if (h5.isHdf5Path(filepath)) return h5.saveWeightsToHdf5(this, filepath, opts).then(() => null);
    const saver = this.getSaver();
    const sess = await this.session();
    return saver.save(sess, filepath, { writeMetaGraph: false });
  }

  /** `model.load_weights(filepath, by_name=False, skip_mismatch=False)`: an HDF5 file (layers by order, or by name), else a TF checkpoint (by variable name: `dense/kernel`, …). */
  async loadWeights(filepath: string, opts: { byName?: boolean; skipMismatch?: boolean } = {}): Promise<void> {
    this.requireBuilt();
    const h5 = await import('./hdf5-format.js');
    if (h5.isHdf5Path(filepath) || h5.isHdf5File(filepath)) return h5.loadWeightsFromHdf5(this, filepath, opts);
    const saver = this.getSaver();
    const sess = this.graph.asDefault(() => getSession());
    await saver.restore(sess, filepath);
    await initializeVariables(sess);
  }

  /** `model.save(filepath, overwrite=True, include_optimizer=True, save_format=None)`: HDF5, TF 1.15's default. */
  async save(filepath: string, ...args: unknown[]): Promise<void> {
    this.requireBuilt();
    return (await import('./hdf5-format.js')).saveModel(this, filepath, ...args);
  }

  /** `model.summary(line_length=None, positions=None, print_fn=None)`: Keras's table. */
  summary(opts: { lineLength?: number; positions?: number[]; printFn?: (line: string) => void } = {}): void {
    this.requireBuilt();
    const print = opts.printFn ?? ((s: string) => console.log(s));
    const sequential = this.isSequentialLike();
    const lineLength = opts.lineLength ?? (sequential ? 65 : 98);
    let positions = opts.positions ?? (sequential ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
    if (positions[positions.length - 1]! <= 1) positions = positions.map((p) => Math.trunc(lineLength * p));
    const header = sequential ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
    const row = (fields: string[]): void => {
      let line = '';
      fields.forEach((f, i) => {
        if (i > 0) line = `${line.slice(0, -1)} `;
        line += f;
        line = line.slice(0, positions[i]);
        line += ' '.repeat(Math.max(0, positions[i]! - line.length));
      });
      print(line);
    };
    print(`Model: "${this.name}"`);
    print('_'.repeat(lineLength));
    row(header);
    print('='.repeat(lineLength));
    const layers = this.layers;
    layers.forEach((l, i) => {
      const outs = outputsOf(l) ?? [];
      const shape = outs.length === 1 ? shapeStr(outs[0]!.shape) : outs.length === 0 ? 'multiple' : `[${outs.map((t) => shapeStr(t.shape)).join(', ')}]`;
      const fields = [`${l.name} (${l.kerasClass})`, shape, String(countParams(l.weights))];
      if (sequential) row(fields);
      else {
        const inbound = (outs[0] ? nodeOf(outs[0])?.inputs ?? [] : []).map((t) => {
          const src = nodeOf(t)!.layer;
          return `${src.name}[0][${Math.max(0, (outputsOf(src) ?? []).indexOf(t))}]`;
        });
        row([...fields, inbound[0] ?? '']);
        for (const extra of inbound.slice(1)) row(['', '', '', extra]);
      }
      print(i === layers.length - 1 ? '='.repeat(lineLength) : '_'.repeat(lineLength));
    });
    const trainable = countParams(this.trainableWeights);
    const nonTrainable = countParams(this.nonTrainableWeights);
    const n = (v: number): string => v.toLocaleString('en-US');
    print(`Total params: ${n(trainable + nonTrainable)}`);
    print(`Trainable params: ${n(trainable)}`);
    print(`Non-trainable params: ${n(nonTrainable)}`);
    print('_'.repeat(lineLength));
  }

  /** `model.get_config()`: a Sequential's `{name, layers}`, a functional model's layers with their inbound nodes. */
  getConfig(): Record<string, unknown> {
    return modelConfig(this, this instanceof Sequential);
  }

  /** `model.to_json(**kwargs)`: Keras's JSON (snake_case keys; `indent` as json.dumps). */
  toJson(opts: { indent?: number } = {}): string {
    return toKerasJson(this instanceof Sequential ? 'Sequential' : 'Model', this.getConfig(), opts.indent);
  }

  /** Keras prints the short table when every layer has one input and feeds the next. */
  protected isSequentialLike(): boolean {
    const layers = this.layers;
    return layers.every((l) => {
      const outs = outputsOf(l) ?? [];
      return outs.length <= 1 && (nodeOf(outs[0]!)?.inputs.length ?? 0) <= 1;
    });
  }
}

/** `keras.Sequential(layers=None, name=None)`: a linear stack; built when the first layer knows its input shape, else on first use. */
export class Sequential extends Model {
  private readonly stack: KerasLayer[] = [];
  private inputLayer: InputLayer | null = null;

  constructor(...args: unknown[]) {
    const isOpts = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0]);
    const o = (isOpts ? args[0] : { layers: args[0], name: args[1] }) as { layers?: KerasLayer[] | null; name?: string | null };
    super(o.name ? { name: o.name } : {});
    for (const l of o.layers ?? []) this.add(l);
  }

  override get layers(): KerasLayer[] {
    return [...this.stack];
  }

  /** `model.add(layer)`. */
  add(layer: KerasLayer): void {
    if (!layer || typeof layer !== 'object' || !('kerasClass' in layer)) {
      throw new TypeError(`The added layer must be an instance of class Layer. Found: ${String(layer)}`);
    }
    if (layer instanceof InputLayer) {
      if (this.built || this.stack.length > 0) throw new ValueError('An InputLayer can only be the first layer of a Sequential model');
      this.inputLayer = layer;
      this.inputs = [layer.output];
      this.outputs = [layer.output];
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ValueError(`All layers added to a Sequential model should have unique names. Name "${layer.name}" is already the name of a layer in this model. Update the \`name\` argument to pass a unique name.`);
    }
    if (!this.inputLayer && this.stack.length === 0 && layer.batchInputShape) {
      this.graph.asDefault(() => {
        this.inputLayer = new InputLayer({ batchInputShape: layer.batchInputShape, dtype: layer.inputDtype, name: `${layer.name}_input` });
      });
      this.inputs = [this.inputLayer!.output];
      this.outputs = [this.inputLayer!.output];
    }
    this.stack.push(layer);
    if (this.inputLayer) this.outputs = [this.applyLayer(layer, this.outputs[0]!)];
  }

  private applyLayer(layer: KerasLayer, x: Tensor): Tensor {
    const y = this.graph.asDefault(() => (layer as unknown as { apply(x: Tensor): Tensor | Tensor[] }).apply(x));
    if (Array.isArray(y)) {
      throw new ValueError('All layers in a Sequential model should have a single output tensor. For multi-output layers, use the functional API.');
    }
    return y;
  }

  /** `model.pop()`: only before the model is built here (a built one keeps its graph). */
  pop(): void {
    if (this.stack.length === 0) throw new TypeError('There are no layers in the model.');
    if (this.inputLayer) throw new ValueError('Sequential.pop: a built model keeps its graph; pop before building');
    this.stack.pop();
  }

  /** `model.build(input_shape)`: `[batch, ...]` with null for unknown dims. */
  build(inputShape: (number | null)[]): void {
    if (this.inputLayer) return;
    const first = this.stack[0];
    this.graph.asDefault(() => {
      this.inputLayer = new InputLayer({ batchInputShape: inputShape, dtype: first?.inputDtype ?? 'float32', name: `${first?.name ?? 'sequential'}_input` });
    });
    let x = this.inputLayer!.output;
    this.inputs = [x];
    for (const l of this.stack) x = this.applyLayer(l, x);
    this.outputs = [x];
  }

  protected override ensureBuilt(x?: NDArray[]): void {
    if (this.built) return;
    if (!x || x.length === 0) this.requireBuilt();
    this.build([null, ...x![0]!.shape.slice(1)]);
  }

  /** `model(x)` on a tensor: the layers applied in turn (their weights shared). */
  apply(x: Tensor): Tensor {
    let y = x;
    for (const l of this.stack) y = this.applyLayer(l, y);
    return y;
  }

  protected override isSequentialLike(): boolean {
    return true;
  }
}

export { NDArray };
