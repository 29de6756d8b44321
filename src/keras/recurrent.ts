/**
 * Keras's recurrent layers as TF 1.15 builds them: SimpleRNN, LSTM (gates i, f, c, o;
 * recurrent activation hard_sigmoid; unit_forget_bias), GRU (gates z, r, h; reset_after=False;
 * hard_sigmoid), each with `kernel` [input, gates·units], `recurrent_kernel` [units,
 * gates·units] and `bias` [gates·units] in the layer's scope (`lstm/kernel`), and
 * Bidirectional (`bidirectional/forward_lstm/…`, `…/backward_lstm/…`). Sequences of known
 * length are unrolled; others run in tf.nn.dynamicRnn's while loop.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { Layer } from '../layers/base.js';
import { type TensorLike } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { RNNCell, type RNNState } from '../ops/rnn/cells.js';
import { dynamicRnn } from '../ops/rnn/rnn.js';
import type { Variable } from '../ops/variables.js';
import { variableScope } from '../scope/variable-scope.js';
import { activationFn } from './activations.js';
import { type KerasLayer, asTensor, prepare, record } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';

const RNN_ARGS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'unitForgetBias', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint',
  'recurrentConstraint', 'biasConstraint', 'dropout', 'recurrentDropout', 'implementation', 'returnSequences', 'returnState',
  'goBackwards', 'stateful', 'unroll', 'resetAfter',
];

/** One step of a Keras cell as a TF1 RNNCell, for the while-loop path (the weights exist already). */
class StepCell extends RNNCell {
  constructor(private readonly n: number, private readonly units: number, private readonly fn: (x: Tensor, s: Tensor[]) => [Tensor, Tensor[]]) {
    super('keras_step');
  }
  get stateSize(): number[] {
    return Array.from({ length: this.n }, () => this.units);
  }
  get outputSize(): number {
    return this.units;
  }
  get variables(): Variable[] {
    return [];
  }
  protected build(): void {}
  protected step(x: Tensor, state: RNNState): [Tensor, RNNState] {
    return this.fn(x, state as Tensor[]);
  }
}

export abstract class RNNBase extends SimpleLayer {
  readonly units: number;
  readonly activation: (x: Tensor) => Tensor;
  readonly recurrentActivation: (x: Tensor) => Tensor;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  /** The constructor's options (Bidirectional copies the layer from them). */
  readonly config: Record<string, unknown>;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  protected abstract readonly gates: number;
  protected abstract readonly nStates: number;
  private lastStates: Tensor[] = [];

  constructor(cls: string, args: unknown[], recurrentDefault: string | null) {
    const p = prepare(cls, RNN_ARGS, args, 1, {
      initializers: { kernelInitializer: 'glorot_uniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros' },
    });
    const o = p.o;
    for (const k of ['dropout', 'recurrentDropout']) if (o[k]) throw new ValueError(`${cls}: ${k} is not supported (pass 0)`);
    if (o.stateful) throw new ValueError(`${cls}: stateful RNNs are not supported`);
    if (o.resetAfter) throw new ValueError('GRU: reset_after=True is not supported (TF1\'s default is False)');
    const { _scope: _s, ...config } = o;
    void _s;
    super(p);
    this.config = config;
    if (!Number.isInteger(o.units) || (o.units as number) <= 0) throw new ValueError(`units must be a positive integer, got ${String(o.units)}`);
    this.units = o.units as number;
    this.activation = activationFn((o.activation as never) === undefined ? 'tanh' : (o.activation as never) ?? 'linear');
    this.recurrentActivation = activationFn((o.recurrentActivation as never) ?? recurrentDefault ?? 'linear');
    this.useBias = (o.useBias as boolean | undefined) ?? true;
    this.returnSequences = (o.returnSequences as boolean | undefined) ?? false;
    this.returnState = (o.returnState as boolean | undefined) ?? false;
    this.goBackwards = (o.goBackwards as boolean | undefined) ?? false;
  }

  protected biasInitializer(): unknown {
    return this.config.biasInitializer;
  }

  protected override build(shape: readonly (number | null)[] | null): void {
    if (shape === null || shape.length !== 3) throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=3, found ndim=${shape?.length ?? 'unknown'}.`);
    const d = shape[2];
    if (d === null || d === undefined) throw new ValueError('The last dimension of the inputs to an RNN layer should be defined. Found `None`.');
    const gu = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [d, gu], { initializer: this.config.kernelInitializer, regularizer: this.config.kernelRegularizer as never });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, gu], { initializer: this.config.recurrentInitializer, regularizer: this.config.recurrentRegularizer as never });
    if (this.useBias) this.bias = this.addWeight('bias', [gu], { initializer: this.biasInitializer(), regularizer: this.config.biasRegularizer as never });
  }

  /** One step: `[output, newStates]`. */
  protected abstract stepFn(x: Tensor, states: Tensor[]): [Tensor, Tensor[]];

  /** x·kernel (+ bias), split into the gates' blocks. */
  protected inputParts(x: Tensor): Tensor[] {
    let z = ops.matmul(x, this.kernel!);
    if (this.bias) z = ops.nn.biasAdd(z, this.bias);
    return this.gates === 1 ? [z] : ops.split(z, this.gates, 1);
  }

  protected call(x: Tensor, kw: Record<string, unknown>): Tensor {
    const given = kw.initialState as Tensor[] | Tensor | undefined;
    let states: Tensor[];
    if (given !== undefined && given !== null) {
      states = (Array.isArray(given) ? given : [given]).map(asTensor);
      if (states.length !== this.nStates) throw new ValueError(`${this.name} expects ${this.nStates} initial state tensor(s), got ${states.length}`);
    } else {
      // Keras's get_initial_state: zeros [batch, units] made from the inputs.
      const z = ops.expandDims(ops.multiply(ops.reduceSum(x, [1, 2]), 0), 1);
      const zero = ops.tile(z, [1, this.units]);
      states = Array.from({ length: this.nStates }, () => zero);
    }
    const t = x.shape?.[1] ?? null;
    let outputs: Tensor;
    let last: Tensor;
    if (t !== null) {
      const steps = ops.unstack(x, t, 1);
      if (this.goBackwards) steps.reverse();
      const outs: Tensor[] = [];
      for (const s of steps) {
        const [o, ns] = this.stepFn(s, states);
        outs.push(o);
        states = ns;
      }
      last = outs[outs.length - 1]!;
      outputs = this.returnSequences ? ops.stack(outs, 1) : last;
    } else {
      const xin = this.goBackwards ? ops.reverse(x, [1]) : x;
      const cell = new StepCell(this.nStates, this.units, (s, st) => this.stepFn(s, st));
      const [seq, fin] = dynamicRnn(cell, xin, { initialState: states });
      states = fin as Tensor[];
      last = ops.gather(ops.transpose(seq, [1, 0, 2]), ops.subtract(ops.gather(ops.shape(seq), 1), 1));
      outputs = this.returnSequences ? seq : last;
    }
    this.lastStates = states;
    return outputs;
  }

  /** The output, or `[output, ...states]` with returnState (typed `any` for destructuring). */
  override apply(inputs: TensorLike, ...args: unknown[]): any {
    const x = asTensor(inputs);
    const y = super.apply(x, ...args) as Tensor;
    if (!this.returnState) return y;
    const outs = [y, ...this.lastStates];
    record(this, [x], outs);
    return outs;
  }
}

/** `keras.layers.SimpleRNN(units, activation='tanh', use_bias=True, …, return_sequences=False, return_state=False, go_backwards=False)`. */
export class SimpleRNN extends RNNBase {
  readonly kerasClass = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly nStates = 1;
  constructor(...args: unknown[]) {
    super('SimpleRNN', args, null);
  }
  protected stepFn(x: Tensor, [h]: Tensor[]): [Tensor, Tensor[]] {
    const out = this.activation(ops.add(this.inputParts(x)[0]!, ops.matmul(h!, this.recurrentKernel!)));
    return [out, [out]];
  }
}

/** `keras.layers.LSTM(units, activation='tanh', recurrent_activation='hard_sigmoid', …, unit_forget_bias=True, …)`; states [h, c]. */
export class LSTM extends RNNBase {
  readonly kerasClass = 'LSTM';
  protected readonly gates = 4;
  protected readonly nStates = 2;
  constructor(...args: unknown[]) {
    super('LSTM', args, 'hard_sigmoid');
  }
  protected override biasInitializer(): unknown {
    if (this.config.unitForgetBias === false) return this.config.biasInitializer;
    const base = this.config.biasInitializer as (s: number[], d?: string) => Tensor;
    const u = this.units;
    // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
    return (_shape: readonly number[], dtype?: string) => ops.concat([base([u], dtype), ops.ones([u], dtype ?? 'float32'), base([2 * u], dtype)], 0);
  }
  protected stepFn(x: Tensor, [h, c]: Tensor[]): [Tensor, Tensor[]] {
    const [xi, xf, xc, xo] = this.inputParts(x);
    const [ri, rf, rc, ro] = ops.split(ops.matmul(h!, this.recurrentKernel!), 4, 1);
    const i = this.recurrentActivation(ops.add(xi!, ri!));
    const f = this.recurrentActivation(ops.add(xf!, rf!));
    const cNew = ops.add(ops.multiply(f, c!), ops.multiply(i, this.activation(ops.add(xc!, rc!))));
    const o = this.recurrentActivation(ops.add(xo!, ro!));
    const hNew = ops.multiply(o, this.activation(cNew));
    return [hNew, [hNew, cNew]];
  }
}

/** `keras.layers.GRU(units, activation='tanh', recurrent_activation='hard_sigmoid', …, reset_after=False)`. */
export class GRU extends RNNBase {
  readonly kerasClass = 'GRU';
  protected readonly gates = 3;
  protected readonly nStates = 1;
  constructor(...args: unknown[]) {
    super('GRU', args, 'hard_sigmoid');
  }
  protected stepFn(x: Tensor, [h]: Tensor[]): [Tensor, Tensor[]] {
    const [xz, xr, xh] = this.inputParts(x);
    const u = this.units;
    const rk = this.recurrentKernel!;
    const rkZR = ops.slice(rk, [0, 0], [u, 2 * u]);
    const rkH = ops.slice(rk, [0, 2 * u], [u, u]);
    const [rz, rr] = ops.split(ops.matmul(h!, rkZR), 2, 1);
    const z = this.recurrentActivation(ops.add(xz!, rz!));
    const r = this.recurrentActivation(ops.add(xr!, rr!));
    const hh = this.activation(ops.add(xh!, ops.matmul(ops.multiply(r, h!), rkH)));
    const hNew = ops.add(ops.multiply(z, h!), ops.multiply(ops.subtract(1, z), hh));
    return [hNew, [hNew]];
  }
}

/** `keras.layers.Bidirectional(layer, merge_mode='concat')`: a forward and a go-backwards copy of `layer`. */
export class Bidirectional extends SimpleLayer {
  readonly kerasClass = 'Bidirectional';
  readonly forwardLayer: RNNBase;
  readonly backwardLayer: RNNBase;
  readonly mergeMode: 'concat' | 'sum' | 'mul' | 'ave' | null;
  constructor(...args: unknown[]) {
    const p = prepare('Bidirectional', ['layer', 'mergeMode', 'weights', 'backwardLayer'], args, 1);
    const layer = p.o.layer as RNNBase;
    if (!(layer instanceof RNNBase)) throw new ValueError(`Please initialize \`Bidirectional\` layer with a \`Layer\` instance. You passed: ${String(layer)}`);
    if (layer.returnState) throw new ValueError('Bidirectional: return_state is not supported');
    const mode = p.o.mergeMode === undefined ? 'concat' : (p.o.mergeMode as Bidirectional['mergeMode']);
    if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode)) {
      throw new ValueError(`Invalid merge mode. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`);
    }
    super(p);
    this.mergeMode = mode;
    const Ctor = layer.constructor as new (o: Record<string, unknown>) => RNNBase;
    const [fw, bw] = variableScope(this._scope!, () => [
      new Ctor({ ...layer.config, name: `forward_${layer.name}` }),
      new Ctor({ ...layer.config, name: `backward_${layer.name}`, goBackwards: !layer.goBackwards }),
    ]);
    this.forwardLayer = fw!;
    this.backwardLayer = bw!;
  }
  override get trainableWeights(): Variable[] {
    return [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights];
  }
  override get nonTrainableWeights(): Variable[] {
    return [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights];
  }
  override get weights(): Variable[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }
  protected call(x: Tensor): Tensor {
    const y = Layer.prototype.apply.call(this.forwardLayer, x) as Tensor;
    let yRev = Layer.prototype.apply.call(this.backwardLayer, x) as Tensor;
    if (this.forwardLayer.returnSequences) yRev = ops.reverse(yRev, [1]);
    switch (this.mergeMode) {
      case 'concat': return ops.concat([y, yRev], -1 + (y.shape?.length ?? 0));
      case 'sum': return ops.add(y, yRev);
      case 'mul': return ops.multiply(y, yRev);
      case 'ave': return ops.multiply(ops.add(y, yRev), 0.5);
      default: throw new ValueError('Bidirectional: merge_mode=None (a list of outputs) is not supported');
    }
  }
}

export type { KerasLayer };
