/**
 * `tf.keras.optimizers` (TF 1.15: the OptimizerV2 classes) in graph mode, run through tsflow's
 * tf.train kernels with Keras's argument names and defaults: Adam (lr 0.001, β 0.9/0.999,
 * ε 1e-7, the same "epsilon hat" update as tf.train.AdamOptimizer), SGD (lr 0.01, momentum,
 * nesterov), RMSprop (lr 0.001, rho 0.9, ε 1e-7, its `rms` slot starting at zeros as V2's does),
 * Adagrad (lr 0.01, initial accumulator 0.1), Adadelta (lr 0.001, rho 0.95, ε 1e-7), Adamax
 * (ApplyAdaMax's update), Nadam (its momentum-cache schedule, `decay` being schedule_decay 0.004)
 * and Ftrl. `decay` scales the rate by 1/(1 + decay·iterations), `iterations` counting the applied
 * steps. `lr` is accepted for `learning_rate`. `getConfig`/`serialize`/`deserialize`/`get` follow
 * optimizers.py, with camelCase config keys.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import { Variable } from '../ops/variables.js';
import * as train from '../train/index.js';
import { NDArray } from '../ndarray.js';
import { getSession } from './backend.js';
import { constraintOf } from './constraints.js';
import { Optimizer } from '../train/optimizer.js';
import type { IndexedSlices } from '../ops/indexed-slices.js';
import { type KerasConfig, deserializeKerasObject, serializeKerasObject } from './generic-utils.js';

type Opts = Record<string, unknown>;

/** V2's RMSprop: tf.train's kernel, with the `rms` accumulator starting at 0 (not 1). */
class RMSpropV2 extends train.RMSPropOptimizer {
  protected override createSlots(vars: Variable[]): void {
    const zeros = (shape: number[], dtype: string): Tensor => ops.zeros(shape, dtype);
    for (const v of vars) {
      this.slotWithInitializer(v, zeros as never, 'rms');
      if (this.centered) this.slotWithInitializer(v, zeros as never, 'mg');
      this.slotWithInitializer(v, zeros as never, 'momentum');
    }
  }
}

export abstract class KerasOptimizer {
  learningRate: number;
  readonly decay: number;
  /** The step counter (made with the train op). */
  iterations: Variable | null = null;
  /** The rate as a variable (LearningRateScheduler sets it between epochs). */
  lr: Variable | null = null;
  protected readonly o: Opts;
  abstract readonly name: string;

  constructor(o: Opts, defaultLr: number) {
    this.o = o;
    const lr = (o.learningRate ?? o.lr ?? defaultLr) as number;
    if (typeof lr !== 'number' || !(lr >= 0)) throw new ValueError(`learning_rate must be a non-negative number, got ${String(lr)}`);
    this.learningRate = lr;
    this.decay = (this.decayOption(o) as number | undefined) ?? 0;
    if (!(this.decay >= 0)) throw new ValueError(`decay cannot be less than 0: ${this.decay}`);
    if (o.clipnorm !== undefined || o.clipvalue !== undefined) throw new ValueError('clipnorm/clipvalue are not supported');
  }

  /** The current base rate (read from the session once the train op exists). */
  async getLearningRate(): Promise<number> {
    if (!this.lr) return this.learningRate;
    const lr = this.lr;
    return Number((await lr.graph.asDefault(() => getSession()).readVariable(lr)).data[0]);
  }
  /** Set the base rate (`K.set_value(optimizer.lr, v)`). */
  async setLearningRate(v: number): Promise<void> {
    this.learningRate = v;
    const lr = this.lr;
    if (lr) await lr.graph.asDefault(() => getSession()).writeVariables([[lr, new NDArray(Float32Array.of(v), [], 'float32')]]);
  }

  protected abstract make(lr: Tensor | number): Optimizer;

  /** Where the `decay` of the options is (Nadam reads `scheduleDecay` there). */
  protected decayOption(o: Opts): unknown {
    return o.decay;
  }
  /** Whether `decay` scales the learning rate (Nadam's is its momentum schedule instead). */
  protected get decaysRate(): boolean {
    return true;
  }

  /** `get_config()`: `name`, `learningRate`, `decay` and the class's own hyper-parameters. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, learningRate: this.learningRate, decay: this.decay };
    for (const [k, v] of this.hyperDefaults()) c[k] = this.hyperValue(k, v);
    return c;
  }
  /** The class's own hyper-parameters with their defaults, in get_config's order. */
  protected hyperDefaults(): [string, unknown][] {
    return [];
  }
  /** An option by camelCase name, also read as TF's snake_case (`beta_1`, `l1_regularization_strength`). */
  protected hyperValue(name: string, dflt: unknown): unknown {
    const snake = name.replace(/([A-Z])/g, '_$1').replace(/^beta(\d)$/, 'beta_$1').toLowerCase();
    return this.o[name] ?? this.o[snake] ?? dflt;
  }

  /** The train op: one update of `params` down `loss`, counting `iterations`. */
  getUpdates(loss: Tensor, params: Variable[]): Operation {
    const g = getDefaultGraph();
    return g.nameScope(null, () => {
      if (!this.iterations) {
        g.nameScope(this.name, () => {
          this.iterations = new Variable(ops.constant(0, 'int64'), { name: 'iter', trainable: false });
          this.lr = new Variable(ops.constant(this.learningRate, 'float32'), { name: 'learning_rate', trainable: false });
        });
      }
      const it = this.iterations!;
      const base = this.lr!.value();
      const lr = this.decay > 0 && this.decaysRate ? ops.divide(base, ops.add(1, ops.multiply(this.decay, ops.cast(it, 'float32')))) : base;
      const step = this.make(lr).minimize(loss, { globalStep: it, varList: params });
      return applyConstraints(step, params);
    });
  }
}

/**
 * After `step`, each constrained variable of `params` is set to its constraint of the updated
 * value (OptimizerV2's `var.assign(var.constraint(var))` under the update's control dependency).
 */
export function applyConstraints(step: Operation, params: Variable[]): Operation {
  const constrained = params.filter((v) => constraintOf(v) !== null);
  if (constrained.length === 0) return step;
  return step.graph.controlDependencies([step], () => ops.group(constrained.map((v) => ops.assign(v, constraintOf(v)!(v.readValue()))) as never));
}

function opts(cls: string, names: string[], args: unknown[]): Opts {
  if (args.length === 1 && args[0] !== null && typeof args[0] === 'object') return { ...(args[0] as Opts) };
  const o: Opts = {};
  if (args.length > names.length) throw new ValueError(`${cls}: too many positional arguments`);
  args.forEach((a, i) => {
    if (i === args.length - 1 && a !== null && typeof a === 'object') Object.assign(o, a);
    else o[names[i]!] = a;
  });
  return o;
}

/** `keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name='Adam')`. */
export class Adam extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Adam', ['learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad', 'name'], args);
    super(o, 0.001);
    if (o.amsgrad) throw new ValueError('Adam: amsgrad is not supported');
    this.name = (o.name as string | undefined) ?? 'Adam';
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['beta1', 0.9], ['beta2', 0.999], ['epsilon', 1e-7], ['amsgrad', false]];
  }
  protected make(lr: Tensor | number): Optimizer {
    return new train.AdamOptimizer(lr, this.hyperValue('beta1', 0.9) as number, this.hyperValue('beta2', 0.999) as number, this.hyperValue('epsilon', 1e-7) as number, false, this.name);
  }
}

/** `keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False, name='SGD')`. */
export class SGD extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('SGD', ['learningRate', 'momentum', 'nesterov', 'name'], args);
    super(o, 0.01);
    this.name = (o.name as string | undefined) ?? 'SGD';
    const m = this.hyperValue('momentum', 0);
    if (typeof m !== 'number' || m < 0 || m > 1) throw new ValueError('`momentum` must be between [0, 1].');
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['momentum', 0], ['nesterov', false]];
  }
  protected make(lr: Tensor | number): Optimizer {
    const m = this.hyperValue('momentum', 0) as number;
    if (m === 0 && !this.o.nesterov) return new train.GradientDescentOptimizer(lr, { name: this.name });
    return new train.MomentumOptimizer(lr, m, { useNesterov: Boolean(this.o.nesterov), name: this.name });
  }
}

/** `keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name='RMSprop')`. */
export class RMSprop extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('RMSprop', ['learningRate', 'rho', 'momentum', 'epsilon', 'centered', 'name'], args);
    super(o, 0.001);
    this.name = (o.name as string | undefined) ?? 'RMSprop';
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['rho', 0.9], ['momentum', 0], ['epsilon', 1e-7], ['centered', false]];
  }
  protected make(lr: Tensor | number): Optimizer {
    return new RMSpropV2(lr, this.hyperValue('rho', 0.9) as number, this.hyperValue('momentum', 0) as number, this.hyperValue('epsilon', 1e-7) as number, false, Boolean(this.o.centered), this.name);
  }
}

/** `keras.optimizers.Adagrad(learning_rate=0.01, initial_accumulator_value=0.1, epsilon=1e-7, name='Adagrad')` (tf.train's kernel: no epsilon). */
export class Adagrad extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Adagrad', ['learningRate', 'initialAccumulatorValue', 'epsilon', 'name'], args);
    super(o, 0.01);
    this.name = (o.name as string | undefined) ?? 'Adagrad';
    const init = this.hyperValue('initialAccumulatorValue', 0.1) as number;
    if (init < 0) throw new ValueError(`initial_accumulator_value must be non-negative: ${init}`);
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['initialAccumulatorValue', 0.1], ['epsilon', 1e-7]];
  }
  protected make(lr: Tensor | number): Optimizer {
    return new train.AdagradOptimizer(lr, this.hyperValue('initialAccumulatorValue', 0.1) as number, { name: this.name });
  }
}

/** `keras.optimizers.Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7, name='Adadelta')`: tf.train's ApplyAdadelta kernel. */
export class Adadelta extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Adadelta', ['learningRate', 'rho', 'epsilon', 'name'], args);
    super(o, 0.001);
    this.name = (o.name as string | undefined) ?? 'Adadelta';
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['rho', 0.95], ['epsilon', 1e-7]];
  }
  protected make(lr: Tensor | number): Optimizer {
    return new train.AdadeltaOptimizer(lr, this.hyperValue('rho', 0.95) as number, this.hyperValue('epsilon', 1e-7) as number, false, this.name);
  }
}

const zerosSlot = (shape: number[], dtype: string): Tensor => ops.zeros(shape, dtype);

/** The step number of the update being made: `iterations + 1 + ahead`, as a float. */
function stepOf(it: Variable, ahead = 0): Tensor {
  return ops.cast(ops.add(it.value(), 1 + ahead), 'float32');
}

/**
 * Adamax's update (ApplyAdaMax): m = β1·m + (1−β1)·g; v = max(β2·v, |g|);
 * var −= lr / (1 − β1^t) · m / (v + ε), t = iterations + 1. Slots `m`, `v`.
 */
class AdamaxUpdate extends Optimizer {
  constructor(private readonly lr: Tensor | number, private readonly b1: number, private readonly b2: number, private readonly eps: number, private readonly it: Variable, name: string) {
    super(false, name);
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) this.slotWithInitializer(v, zerosSlot as never, 'm');
    for (const v of vars) this.slotWithInitializer(v, zerosSlot as never, 'v');
  }
  private t!: { lr: Tensor; scale: Tensor };
  protected override prepare(): void {
    const lr = ops.identity(typeof this.lr === 'number' ? ops.constant(this.lr, 'float32') : this.lr);
    const b1Power = ops.pow(ops.constant(this.b1, 'float32'), stepOf(this.it));
    this.t = { lr, scale: ops.divide(lr, ops.subtract(1, b1Power)) };
  }
  protected override applyDense(grad: Tensor, v: Variable): Operation {
    const m = this.getSlot(v, 'm')!;
    const u = this.getSlot(v, 'v')!;
    const mT = ops.assign(m, ops.add(ops.multiply(this.b1, m.value()), ops.multiply(1 - this.b1, grad)));
    const vT = ops.assign(u, ops.maximum(ops.multiply(this.b2, u.value()), ops.abs(grad)));
    return ops.assign(v, ops.subtract(v.value(), ops.multiply(this.t.scale, ops.divide(mT, ops.add(vT, this.eps))))).op;
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Operation {
    return this.applyDense(grad.toTensor(), v);
  }
}

/** `keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name='Adamax')`. */
export class Adamax extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Adamax', ['learningRate', 'beta1', 'beta2', 'epsilon', 'name'], args);
    super(o, 0.001);
    this.name = (o.name as string | undefined) ?? 'Adamax';
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['beta1', 0.9], ['beta2', 0.999], ['epsilon', 1e-7]];
  }
  protected make(lr: Tensor | number): Optimizer {
    return new AdamaxUpdate(lr, this.hyperValue('beta1', 0.9) as number, this.hyperValue('beta2', 0.999) as number, this.hyperValue('epsilon', 1e-7) as number, this.iterations!, this.name);
  }
}

/**
 * Nadam's update (optimizer_v2/nadam.py): μ_t = β1·(1 − ½·0.96^(decay·t)), μ_{t+1} likewise;
 * the `momentum_cache` variable (starting at 1) becomes cache·μ_t = S; g' = g/(1−S);
 * m = β1·m + (1−β1)·g; m' = m/(1 − S·μ_{t+1}); v = β2·v + (1−β2)·g²; v' = v/(1 − β2^t);
 * var −= lr·((1−μ_t)·g' + μ_{t+1}·m') / (√v' + ε).
 */
class NadamUpdate extends Optimizer {
  constructor(private readonly lr: Tensor | number, private readonly b1: number, private readonly b2: number, private readonly eps: number, private readonly decay: number, private readonly it: Variable, private readonly cache: Variable, name: string) {
    super(false, name);
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) this.slotWithInitializer(v, zerosSlot as never, 'm');
    for (const v of vars) this.slotWithInitializer(v, zerosSlot as never, 'v');
  }
  private c!: { lr: Tensor; muT: Tensor; muT1: Tensor; oneMinusNew: Tensor; oneMinusNext: Tensor; vDen: Tensor };
  protected override prepare(): void {
    const lr = ops.identity(typeof this.lr === 'number' ? ops.constant(this.lr, 'float32') : this.lr);
    const t = stepOf(this.it);
    const mu = (s: Tensor): Tensor => ops.multiply(this.b1, ops.subtract(1, ops.multiply(0.5, ops.pow(ops.constant(0.96, 'float32'), ops.multiply(this.decay, s)))));
    const muT = mu(t);
    const muT1 = mu(stepOf(this.it, 1));
    const scheduleNew = ops.identity(ops.assign(this.cache, ops.multiply(this.cache.value(), muT)));
    const scheduleNext = ops.multiply(scheduleNew, muT1);
    this.c = {
      lr, muT, muT1,
      oneMinusNew: ops.subtract(1, scheduleNew),
      oneMinusNext: ops.subtract(1, scheduleNext),
      vDen: ops.subtract(1, ops.pow(ops.constant(this.b2, 'float32'), t)),
    };
  }
  protected override applyDense(grad: Tensor, v: Variable): Operation {
    const c = this.c;
    const m = this.getSlot(v, 'm')!;
    const u = this.getSlot(v, 'v')!;
    const gPrime = ops.divide(grad, c.oneMinusNew);
    const mT = ops.assign(m, ops.add(ops.multiply(this.b1, m.value()), ops.multiply(1 - this.b1, grad)));
    const mPrime = ops.divide(mT, c.oneMinusNext);
    const vT = ops.assign(u, ops.add(ops.multiply(this.b2, u.value()), ops.multiply(1 - this.b2, ops.square(grad))));
    const vPrime = ops.divide(vT, c.vDen);
    const mBar = ops.add(ops.multiply(ops.subtract(1, c.muT), gPrime), ops.multiply(c.muT1, mPrime));
    return ops.assign(v, ops.subtract(v.value(), ops.divide(ops.multiply(c.lr, mBar), ops.add(ops.sqrt(vPrime), this.eps)))).op;
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Operation {
    return this.applyDense(grad.toTensor(), v);
  }
}

/**
 * `keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name='Nadam')`.
 * As TF, its `decay` is `schedule_decay` (default 0.004; a `decay` option is overwritten by it)
 * and drives the momentum schedule, not the learning rate.
 */
export class Nadam extends KerasOptimizer {
  readonly name: string;
  /** `momentum_cache` (made with the train op). */
  momentumCache: Variable | null = null;
  constructor(...args: unknown[]) {
    const o = opts('Nadam', ['learningRate', 'beta1', 'beta2', 'epsilon', 'name'], args);
    super(o, 0.001);
    this.name = (o.name as string | undefined) ?? 'Nadam';
  }
  protected override decayOption(o: Opts): unknown {
    return o.scheduleDecay ?? o.schedule_decay ?? 0.004;
  }
  protected override get decaysRate(): boolean {
    return false;
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['beta1', 0.9], ['beta2', 0.999], ['epsilon', 1e-7]];
  }
  protected make(lr: Tensor | number): Optimizer {
    if (!this.momentumCache) {
      const g = getDefaultGraph();
      this.momentumCache = g.nameScope(this.name, () => new Variable(ops.constant(1, 'float32'), { name: 'momentum_cache', trainable: false }));
    }
    return new NadamUpdate(lr, this.hyperValue('beta1', 0.9) as number, this.hyperValue('beta2', 0.999) as number, this.hyperValue('epsilon', 1e-7) as number, this.decay, this.iterations!, this.momentumCache, this.name);
  }
}

/**
 * `keras.optimizers.Ftrl(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
 * l1_regularization_strength=0.0, l2_regularization_strength=0.0, name='Ftrl', l2_shrinkage_regularization_strength=0.0)`:
 * tf.train's ApplyFtrl / ApplyFtrlV2 kernels.
 */
export class Ftrl extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Ftrl', ['learningRate', 'learningRatePower', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'name', 'l2ShrinkageRegularizationStrength'], args);
    super(o, 0.001);
    this.name = (o.name as string | undefined) ?? 'Ftrl';
    const check = (k: string, d: number, ok: (x: number) => boolean, text: string): void => {
      const x = this.hyperValue(k, d) as number;
      if (typeof x !== 'number' || !ok(x)) throw new ValueError(`${k.replace(/([A-Z])/g, '_$1').toLowerCase()} ${String(x)} needs to be ${text}`);
    };
    // TF's checks and texts (optimizer_v2/ftrl.py)
    check('initialAccumulatorValue', 0.1, (x) => x >= 0, 'positive or zero');
    check('learningRatePower', -0.5, (x) => x <= 0, 'less than or equal to 0.0');
    check('l1RegularizationStrength', 0, (x) => x >= 0, 'positive or zero');
    check('l2RegularizationStrength', 0, (x) => x >= 0, 'positive or zero');
    check('l2ShrinkageRegularizationStrength', 0, (x) => x >= 0, 'positive or zero');
  }
  protected override hyperDefaults(): [string, unknown][] {
    return [['initialAccumulatorValue', 0.1], ['learningRatePower', -0.5], ['l1RegularizationStrength', 0], ['l2RegularizationStrength', 0], ['l2ShrinkageRegularizationStrength', 0]];
  }
  protected make(lr: Tensor | number): Optimizer {
    const h = (k: string, d: number): number => this.hyperValue(k, d) as number;
    return new train.FtrlOptimizer(lr, {
      learningRatePower: h('learningRatePower', -0.5),
      initialAccumulatorValue: h('initialAccumulatorValue', 0.1),
      l1RegularizationStrength: h('l1RegularizationStrength', 0),
      l2RegularizationStrength: h('l2RegularizationStrength', 0),
      l2ShrinkageRegularizationStrength: h('l2ShrinkageRegularizationStrength', 0),
      name: this.name,
    });
  }
}

/** `keras.optimizers.Optimizer`: the base class (OptimizerV2); a subclass makes its tf.train update in `make(lr)`. */
export { KerasOptimizer as Optimizer };

const MODULE: Record<string, unknown> = { adadelta: Adadelta, adagrad: Adagrad, adam: Adam, adamax: Adamax, nadam: Nadam, rmsprop: RMSprop, sgd: SGD, ftrl: Ftrl };

/** `optimizers.serialize(optimizer)`: `{className, config}`. */
export function serialize(optimizer: KerasOptimizer): KerasConfig {
  if (!(optimizer instanceof KerasOptimizer)) throw new ValueError(`Cannot serialize ${String(optimizer)}`);
  return serializeKerasObject(optimizer) as KerasConfig;
}

/** `optimizers.deserialize(config, custom_objects=None)`: the class named (any case for the built-in ones) built with `config`. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): KerasOptimizer {
  let cfg = config;
  if (cfg !== null && typeof cfg === 'object' && !Array.isArray(cfg)) {
    const c = cfg as { className?: unknown; class_name?: unknown; config?: unknown };
    const name = c.className ?? c.class_name;
    if (typeof name === 'string' && name.toLowerCase() in MODULE && !(customObjects && name in customObjects)) cfg = { className: name.toLowerCase(), config: c.config };
  }
  return deserializeKerasObject(cfg, MODULE, customObjects, 'optimizer') as KerasOptimizer;
}

/**
 * `optimizers.get(identifier)`: a Keras optimizer as is, a tf.train optimizer (used as is), a
 * `{className, config}`, or a name (`'adam'`, `'Adam'`).
 */
export function get(identifier: unknown): KerasOptimizer | Optimizer {
  if (identifier instanceof KerasOptimizer) return identifier;
  if (identifier instanceof Optimizer) return identifier;
  if (identifier && typeof identifier === 'object' && typeof (identifier as Optimizer).minimize === 'function') return identifier as Optimizer;
  if (identifier !== null && typeof identifier === 'object' && !Array.isArray(identifier)) return deserialize(identifier);
  if (typeof identifier === 'string') return deserialize({ className: identifier, config: {} });
  throw new ValueError(`Could not interpret optimizer identifier: ${String(identifier)}`);
}

/** What compile uses: `get`, an unknown name reported as an uninterpretable identifier (with get's text). */
export function getOptimizer(identifier: unknown): KerasOptimizer | Optimizer {
  try {
    return get(identifier);
  } catch (e) {
    if (typeof identifier === 'string' && e instanceof ValueError) throw new ValueError(`Could not interpret optimizer identifier: ${identifier} (${e.message})`);
    throw e;
  }
}
