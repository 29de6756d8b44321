/**
 * `tf.keras.optimizers` (TF 1.15: the OptimizerV2 classes) in graph mode, run through tsflow's
 * tf.train kernels with Keras's argument names and defaults: Adam (lr 0.001, β 0.9/0.999,
 * ε 1e-7, the same "epsilon hat" update as tf.train.AdamOptimizer), SGD (lr 0.01, momentum,
 * nesterov), RMSprop (lr 0.001, rho 0.9, ε 1e-7, its `rms` slot starting at zeros as V2's does),
 * Adagrad (lr 0.01, initial accumulator 0.1). `decay` scales the rate by 1/(1 + decay·iterations),
 * `iterations` counting the applied steps. `lr` is accepted for `learning_rate`.
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
import type { Optimizer } from '../train/optimizer.js';

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
    this.decay = (o.decay as number | undefined) ?? 0;
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
      const lr = this.decay > 0 ? ops.divide(base, ops.add(1, ops.multiply(this.decay, ops.cast(it, 'float32')))) : base;
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
  protected make(lr: Tensor | number): Optimizer {
    const o = this.o;
    return new train.AdamOptimizer(lr, (o.beta1 ?? o.beta_1 ?? 0.9) as number, (o.beta2 ?? o.beta_2 ?? 0.999) as number, (o.epsilon ?? 1e-7) as number, false, this.name);
  }
}

/** `keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False, name='SGD')`. */
export class SGD extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('SGD', ['learningRate', 'momentum', 'nesterov', 'name'], args);
    super(o, 0.01);
    this.name = (o.name as string | undefined) ?? 'SGD';
  }
  protected make(lr: Tensor | number): Optimizer {
    const m = (this.o.momentum as number | undefined) ?? 0;
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
  protected make(lr: Tensor | number): Optimizer {
    const o = this.o;
    return new RMSpropV2(lr, (o.rho ?? 0.9) as number, (o.momentum ?? 0) as number, (o.epsilon ?? 1e-7) as number, false, Boolean(o.centered), this.name);
  }
}

/** `keras.optimizers.Adagrad(learning_rate=0.01, initial_accumulator_value=0.1, epsilon=1e-7, name='Adagrad')` (tf.train's kernel: no epsilon). */
export class Adagrad extends KerasOptimizer {
  readonly name: string;
  constructor(...args: unknown[]) {
    const o = opts('Adagrad', ['learningRate', 'initialAccumulatorValue', 'epsilon', 'name'], args);
    super(o, 0.01);
    this.name = (o.name as string | undefined) ?? 'Adagrad';
  }
  protected make(lr: Tensor | number): Optimizer {
    return new train.AdagradOptimizer(lr, (this.o.initialAccumulatorValue ?? 0.1) as number, { name: this.name });
  }
}

/** `optimizers.get(identifier)`: a Keras optimizer, a tf.train optimizer (used as is), or a name. */
export function getOptimizer(o: unknown): KerasOptimizer | Optimizer {
  if (o instanceof KerasOptimizer) return o;
  if (o && typeof o === 'object' && typeof (o as Optimizer).minimize === 'function') return o as Optimizer;
  if (typeof o === 'string') {
    const k = o.toLowerCase();
    if (k === 'adam') return new Adam();
    if (k === 'sgd') return new SGD();
    if (k === 'rmsprop') return new RMSprop();
    if (k === 'adagrad') return new Adagrad();
  }
  throw new ValueError(`Could not interpret optimizer identifier: ${String(o)}`);
}
