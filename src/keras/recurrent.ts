/**
 * Keras's recurrent layers as TF 1.15 builds them: SimpleRNN, LSTM (gates i, f, c, o;
 * recurrent activation hard_sigmoid; unit_forget_bias), GRU (gates z, r, h; reset_after=False;
 * hard_sigmoid), each with `kernel` [input, gates·units], `recurrent_kernel` [units,
 * gates·units] and `bias` [gates·units] in the layer's scope (`lstm/kernel`), and
 * Bidirectional (`bidirectional/forward_lstm/…`, `…/backward_lstm/…`). Sequences of known
 * length are unrolled; others run in tf.nn.dynamicRnn's while loop.
 */
import { ValueError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { Variable as TfVariable } from '../ops/variables.js';
import { batchSetValue } from './backend.js';
import type { Tensor } from '../graph/tensor.js';
import { LAYER_ARGS, Layer as TfLayer } from '../layers/base.js';
import { type TensorLike } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { RNNCell, type RNNState } from '../ops/rnn/cells.js';
import { dynamicRnn } from '../ops/rnn/rnn.js';
import type { Variable } from '../ops/variables.js';
import { variableScope } from '../scope/variable-scope.js';
import { type KerasLayer, asTensor, prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';
import { Layer } from './layers-base.js';
import {
  type CellLike, GRUCell, GRU_CELL_ARGS, LSTMCell, LSTM_CELL_ARGS, SIMPLE_CELL_ARGS, SimpleRNNCell, StackedRNNCells, cellOutputSize, checkCell, flatStateSize,
} from './layers-rnn-cells.js';

const RNN_LAYER_ARGS = ['returnSequences', 'returnState', 'goBackwards', 'stateful', 'unroll'];

/** One step of a Keras cell as a TF1 RNNCell, for the while-loop path (the weights exist already). */
class StepCell extends RNNCell {
  constructor(private readonly sizes: number[], private readonly out: number, private readonly fn: (x: Tensor, s: Tensor[]) => [Tensor, Tensor[]]) {
    super('keras_step');
  }
  get stateSize(): number | number[] {
    return this.sizes.length === 1 ? this.sizes[0]! : this.sizes;
  }
  get outputSize(): number {
    return this.out;
  }
  get variables(): Variable[] {
    return [];
  }
  protected build(): void {}
  protected step(x: Tensor, state: RNNState): [Tensor, RNNState] {
    const [o, ns] = this.fn(x, Array.isArray(state) ? (state as Tensor[]) : [state as Tensor]);
    return [o, this.sizes.length === 1 ? ns[0]! : ns];
  }
}

const STATEFUL_BATCH = 'If a RNN is stateful, it needs to know its batch size. Specify the batch size of your input tensors: \n- If using a Sequential model, specify the batch size by passing a `batch_input_shape` argument to your first layer.\n- If using the functional API, specify the batch size by passing a `batch_shape` argument to your Input layer.';
const UNROLL_UNKNOWN = 'Cannot unroll a RNN if the time dimension is undefined. \n- If using a Sequential model, specify the time dimension by passing an `input_shape` or `batch_input_shape` argument to your first layer. If your first layer is an Embedding, you can also use the `input_length` argument.\n- If using the functional API, specify the time dimension by passing a `shape` or `batch_shape` argument to your Input layer.';

/**
 * `keras.layers.RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
 * stateful=False, unroll=False, time_major=False)`: the cell (a list stacks them in
 * StackedRNNCells) run over the steps; its weights in the RNN's scope. `apply(x, {initialState,
 * mask, training})` or `apply([x, ...initialStates])`; a `mask` [batch, steps] keeps the previous
 * output and states at masked steps, as K.rnn. Sequences of known length are unrolled, others
 * run in tf.nn.dynamicRnn's while loop.
 */
export class RNN extends Layer {
  readonly cell: CellLike;
  readonly returnSequences: boolean = false;
  readonly returnState: boolean = false;
  readonly goBackwards: boolean = false;
  readonly unroll: boolean = false;
  readonly timeMajor: boolean = false;
  /** Whether the last states of a batch are the initial states of the next (kept in variables; `resetStates` zeroes them). */
  readonly stateful: boolean = false;
  /** A stateful layer's state variables ([batch, size] each), made by its first call. */
  private stateVars: Variable[] | null = null;
  /** The layer's options without the cell (Bidirectional makes its copies from them). */
  readonly layerConfig: Record<string, unknown>;

  constructor(...args: unknown[]) {
    const p = prepare('RNN', ['cell', ...RNN_LAYER_ARGS, 'timeMajor'], args, 1);
    const { cell, _scope: _s, name, ...layerConfig } = p.o;
    void _s;
    let c = cell as unknown;
    if (Array.isArray(c)) c = new StackedRNNCells(c);
    const checked = checkCell(c, 'rnn');
    super({ name, dtype: p.o.dtype, trainable: p.o.trainable, batchInputShape: p.batchInputShape ?? undefined, [LAYER_ARGS]: p.o[LAYER_ARGS as never] });
    this.kerasClass = 'RNN';
    this.cell = checked;
    this.layerConfig = layerConfig;
    this.init(p.o);
  }

  /** What every RNN layer sets from its options. */
  protected init(o: Record<string, unknown>): void {
    (this as { stateful: boolean }).stateful = (o.stateful as boolean | undefined) ?? false;
    (this as { returnSequences: boolean }).returnSequences = (o.returnSequences as boolean | undefined) ?? false;
    (this as { returnState: boolean }).returnState = (o.returnState as boolean | undefined) ?? false;
    (this as { goBackwards: boolean }).goBackwards = (o.goBackwards as boolean | undefined) ?? false;
    (this as { unroll: boolean }).unroll = (o.unroll as boolean | undefined) ?? false;
    (this as { timeMajor: boolean }).timeMajor = (o.timeMajor as boolean | undefined) ?? false;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? [...super.trainableWeights, ...this.cell.trainableWeights] : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? [...super.nonTrainableWeights, ...this.cell.nonTrainableWeights] : [...super.nonTrainableWeights, ...this.cell.weights];
  }
  override get losses(): Tensor[] {
    return [...super.losses, ...this.cell.losses];
  }
  /** The states of the latest call. */
  states: Tensor[] = [];

  protected override build(shape: (number | null)[] | (number | null)[][] | null): void {
    const s = (shape !== null && Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[] | null;
    if (s === null || s.length < 3) throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=3, found ndim=${s?.length ?? 'unknown'}.`);
    const step = this.timeMajor ? s.slice(1) : [s[0]!, ...s.slice(2)];
    this.cell.buildInScope(this._scope!, step, this._dtype ?? 'float32');
  }

  protected override call(inputs: Tensor | Tensor[], kw: Record<string, unknown> = {}): Tensor | Tensor[] {
    let x: Tensor;
    let given = kw.initialState as Tensor[] | Tensor | undefined | null;
    if (Array.isArray(inputs)) {
      x = inputs[0]!;
      if (inputs.length > 1) given = inputs.slice(1);
    } else {
      x = inputs;
    }
    const sizes = flatStateSize(this.cell);
    const outSize = cellOutputSize(this.cell);
    if (this.timeMajor) x = ops.transpose(x, [1, 0, 2]);
    let states: Tensor[];
    if (given !== undefined && given !== null) {
      states = (Array.isArray(given) ? given : [given]).map(asTensor);
      if (states.length !== sizes.length) throw new ValueError(`Layer has ${sizes.length} states but was passed ${states.length} initial states.`);
    } else if (this.stateful) {
      states = this.statefulStates(x, sizes).map((v) => v.value());
    } else {
      const cellInit = (this.cell as { getInitialState?: (i: Tensor | null, b: Tensor | number, d: string) => Tensor[] }).getInitialState;
      const batch = x.shape?.[0] ?? ops.gather(ops.shape(x), 0);
      states = cellInit ? cellInit.call(this.cell, null, batch, x.dtype) : sizes.map((n) => ops.zeros(typeof batch === 'number' ? [batch, n] : ops.stack([batch, n]), x.dtype));
    }
    const stepKw: Record<string, unknown> = { training: kw.training };
    const step = (s: Tensor, st: Tensor[]): [Tensor, Tensor[]] => this.cell.callStep(s, st, stepKw);
    // each call draws new dropout masks, then every step reuses them
    const dropping = resetDropoutMasks(this.cell);
    const t = x.shape?.[1] ?? null;
    const mask = kw.mask === undefined || kw.mask === null ? null : asTensor(kw.mask as Tensor);
    if (this.unroll && t === null) throw new ValueError(UNROLL_UNKNOWN);
    let outputs: Tensor;
    let last: Tensor;
    if (t !== null) {
      const steps = ops.unstack(x, t, 1);
      const masks = mask ? ops.unstack(ops.cast(mask, 'bool'), t, 1) : null;
      const order = steps.map((_, i) => i);
      if (this.goBackwards) order.reverse();
      const outs: Tensor[] = [];
      let prev: Tensor | null = null;
      for (const i of order) {
        let [o, ns] = step(steps[i]!, states);
        if (masks) {
          // K.rnn: a masked step keeps the previous output (zeros before the first) and states.
          const m = masks[i]!;
          const keep = (a: Tensor, b: Tensor): Tensor => ops.where(ops.tile(ops.expandDims(m, 1), ops.stack([1, ops.gather(ops.shape(a), 1)])), a, b);
          o = keep(o, prev ?? ops.zerosLike(o));
          ns = ns.map((v, k) => keep(v, states[k]!));
        }
        outs.push(o);
        prev = o;
        states = ns;
      }
      last = outs[outs.length - 1]!;
      outputs = this.returnSequences ? ops.stack(outs, 1) : last;
    } else {
      if (mask) throw new ValueError(`${this.name}: a mask needs the number of steps known`);
      const xin = this.goBackwards ? ops.reverse(x, [1]) : x;
      // K.rnn runs the first step once before its loop: the cells' dropout masks are made there,
      // outside the loop, so every iteration reads the same masks
      if (dropping) step(ops.gather(xin, 0, { axis: 1 }), states);
      const cell = new StepCell(sizes, outSize, step);
      const [seq, fin] = dynamicRnn(cell, xin, { initialState: sizes.length === 1 ? states[0] : states });
      states = Array.isArray(fin) ? (fin as Tensor[]) : [fin as Tensor];
      last = ops.gather(ops.transpose(seq, [1, 0, 2]), ops.subtract(ops.gather(ops.shape(seq), 1), 1));
      outputs = this.returnSequences ? seq : last;
    }
    if (this.returnSequences && this.timeMajor) outputs = ops.transpose(outputs, [1, 0, 2]);
    this.states = states;
    // Keras: a stateful layer's update ops assign the last states (run by fit, evaluate and predict)
    if (this.stateful && this.stateVars && (given === undefined || given === null)) {
      const vars = this.stateVars;
      this.addUpdate(states.map((s, i) => ops.assign(vars[i]!, s)));
    }
    return this.returnState ? [outputs, ...states] : outputs;
  }

  /** The state variables of a stateful layer: zeros of the batch's static size. */
  private statefulStates(x: Tensor, sizes: number[]): Variable[] {
    const batch = x.shape?.[0];
    if (typeof batch !== 'number') throw new ValueError(STATEFUL_BATCH);
    if (this.stateVars) {
      const was = this.stateVars[0]!.shape[0];
      if (was !== batch) throw new ValueError(`${this.name}: a stateful RNN keeps states for batches of ${was}, got a batch of ${batch}`);
      return this.stateVars;
    }
    this.stateVars = sizes.map((n) => new TfVariable(ops.zeros([batch, n], x.dtype), { trainable: false, name: 'Variable' }));
    return this.stateVars;
  }

  /**
   * Keras's `reset_states(states=None)`: a stateful layer's states set to zeros, or to `states`
   * (one [batch, size] value per state).
   */
  async resetStates(states: unknown = null): Promise<void> {
    if (!this.stateful) throw new ValueError('Layer must be stateful.'); // Keras: AttributeError
    const vars = this.stateVars;
    if (!vars) return; // states are made, as zeros, by the first call
    const given = states === null || states === undefined ? null : Array.isArray(states) && states.length === vars.length && vars.length > 1 ? states : [states];
    if (given && given.length !== vars.length) throw new ValueError(`Layer ${this.name} expects ${vars.length} states, but it received ${given.length} state values. Input received: ${String(states)}`);
    await batchSetValue(vars.map((v, i) => [v, given ? (given[i] as never) : new NDArray(new (v.dtype === 'float64' ? Float64Array : Float32Array)(v.shape.reduce<number>((a, d) => a * (d ?? 0), 1)), v.shape as number[], v.dtype)]));
  }

  /** The output, or `[output, ...states]` with returnState (typed `any` for destructuring). */
  override apply(inputs: TensorLike | TensorLike[], ...args: unknown[]): any {
    return super.apply(inputs, ...args);
  }
}

/** Reset the dropout masks of `cell` (and of a stack's cells); whether any of them drops. */
function resetDropoutMasks(cell: unknown): boolean {
  if (cell instanceof StackedRNNCells) return cell.cells.map(resetDropoutMasks).some(Boolean);
  const c = cell as { resetDropoutMask?: () => void; resetRecurrentDropoutMask?: () => void; dropout?: number; recurrentDropout?: number };
  if (typeof c.resetDropoutMask !== 'function') return false;
  c.resetDropoutMask();
  c.resetRecurrentDropoutMask?.();
  return (c.dropout ?? 0) > 0 || (c.recurrentDropout ?? 0) > 0;
}

type CellClass = new (o: Record<string, unknown>) => CellLike;

/** SimpleRNN, LSTM and GRU: an RNN over their own cell, made from the layer's cell options. */
export abstract class RNNBase extends RNN {
  /** The constructor's options (Bidirectional copies the layer from them). */
  readonly config: Record<string, unknown>;
  constructor(cls: string, cellArgs: string[], args: unknown[], Cell: CellClass) {
    const names = [...cellArgs, 'activityRegularizer', ...RNN_LAYER_ARGS];
    // GRU's reset_after comes after the layer's arguments in Keras's order.
    const ordered = cls === 'GRU' ? [...names.filter((n) => n !== 'resetAfter'), 'resetAfter'] : names;
    const p = prepare(cls, ordered, args, 1);
    const { _scope: _s, ...config } = p.o;
    void _s;
    const cellOpts: Record<string, unknown> = {};
    for (const k of cellArgs) if (p.o[k] !== undefined) cellOpts[k] = p.o[k];
    const cell = new Cell({ ...cellOpts, dtype: p.o.dtype, trainable: p.o.trainable });
    super({ cell, name: p.o.name, dtype: p.o.dtype, trainable: p.o.trainable, batchInputShape: p.batchInputShape ?? undefined, ...Object.fromEntries(RNN_LAYER_ARGS.map((k) => [k, p.o[k]])), [LAYER_ARGS]: p.o[LAYER_ARGS as never] });
    this.kerasClass = cls;
    this.config = config;
    (this as unknown as { activityRegularizer: unknown }).activityRegularizer = p.o.activityRegularizer ?? null;
  }
  get units(): number {
    return (this.cell as unknown as { units: number }).units;
  }
  get kernel(): Variable | null {
    return (this.cell as unknown as { kernel: Variable | null }).kernel;
  }
  get recurrentKernel(): Variable | null {
    return (this.cell as unknown as { recurrentKernel: Variable | null }).recurrentKernel;
  }
  get bias(): Variable | null {
    return (this.cell as unknown as { bias: Variable | null }).bias;
  }
}

/** `keras.layers.SimpleRNN(units, activation='tanh', use_bias=True, …, return_sequences=False, return_state=False, go_backwards=False)`. */
export class SimpleRNN extends RNNBase {
  constructor(...args: unknown[]) {
    super('SimpleRNN', SIMPLE_CELL_ARGS, args, SimpleRNNCell as unknown as CellClass);
  }
}

/** `keras.layers.LSTM(units, activation='tanh', recurrent_activation='hard_sigmoid', …, unit_forget_bias=True, …)`; states [h, c]. */
export class LSTM extends RNNBase {
  constructor(...args: unknown[]) {
    super('LSTM', LSTM_CELL_ARGS, args, LSTMCell as unknown as CellClass);
  }
}

/** `keras.layers.GRU(units, activation='tanh', recurrent_activation='hard_sigmoid', …, reset_after=False)` (TF 1.15's v1 GRU). */
export class GRU extends RNNBase {
  constructor(...args: unknown[]) {
    super('GRU', GRU_CELL_ARGS, args, GRUCell as unknown as CellClass);
  }
}

function gpuOnly(cls: string): new (...args: unknown[]) => never {
  return class {
    constructor() {
      throw new ValueError(`${cls} runs only on a GPU with cuDNN in TF (its kernel is cuDNN's); use keras.layers.${cls.replace('CuDNN', '')} (for CuDNN${cls.endsWith('GRU') ? 'GRU: reset_after=True, recurrent_activation=\'sigmoid\'' : 'LSTM: recurrent_activation=\'sigmoid\''}), which computes the same here`);
    }
  } as never;
}
/** `keras.layers.CuDNNGRU` / `CuDNNLSTM`: cuDNN-only in TF; constructing one says so. */
export const CuDNNGRU = gpuOnly('CuDNNGRU');
export const CuDNNLSTM = gpuOnly('CuDNNLSTM');

/** A fresh copy of an RNN layer from its options (Keras's from_config(get_config())): its own cell and weights. */
function copyRnn(layer: RNN, over: Record<string, unknown>): RNN {
  if (layer instanceof RNNBase) return new (layer.constructor as new (o: Record<string, unknown>) => RNN)({ ...layer.config, ...over });
  const cell = layer.cell as unknown as { config?: Record<string, unknown> };
  if (!(cell instanceof SimpleRNNCell || cell instanceof LSTMCell || cell instanceof GRUCell) || !cell.config) {
    throw new ValueError(`Bidirectional: the cell ${layer.cell.kerasClass} cannot be copied here (SimpleRNNCell, LSTMCell and GRUCell can)`);
  }
  const Cell = cell.constructor as new (o: Record<string, unknown>) => CellLike;
  return new RNN({ ...layer.layerConfig, cell: new Cell({ ...cell.config }), ...over });
}

/** `keras.layers.Bidirectional(layer, merge_mode='concat')`: a forward and a go-backwards copy of `layer`. */
export class Bidirectional extends SimpleLayer {
  readonly kerasClass = 'Bidirectional';
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: 'concat' | 'sum' | 'mul' | 'ave' | null;
  constructor(...args: unknown[]) {
    const p = prepare('Bidirectional', ['layer', 'mergeMode', 'weights', 'backwardLayer'], args, 1);
    const layer = p.o.layer as RNN;
    if (!(layer instanceof RNN)) throw new ValueError(`Please initialize \`Bidirectional\` layer with a \`Layer\` instance. You passed: ${String(layer)}`);
    const mode = p.o.mergeMode === undefined ? 'concat' : (p.o.mergeMode as Bidirectional['mergeMode']);
    if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode)) {
      throw new ValueError(`Invalid merge mode. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`);
    }
    super(p);
    this.mergeMode = mode;
    const [fw, bw] = variableScope(this._scope!, () => [
      copyRnn(layer, { name: `forward_${layer.name}` }),
      copyRnn(layer, { name: `backward_${layer.name}`, goBackwards: !layer.goBackwards }),
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
  /**
   * Keras's Bidirectional.call: the merged output; with merge_mode None the list [forward,
   * backward]; with the layer's return_state, then the forward layer's states and the backward's.
   */
  protected call(x: Tensor): Tensor {
    const fw = TfLayer.prototype.apply.call(this.forwardLayer, x) as unknown as Tensor | Tensor[];
    const bw = TfLayer.prototype.apply.call(this.backwardLayer, x) as unknown as Tensor | Tensor[];
    const withState = this.forwardLayer.returnState;
    const y = withState ? (fw as Tensor[])[0]! : (fw as Tensor);
    let yRev = withState ? (bw as Tensor[])[0]! : (bw as Tensor);
    const states = withState ? [...(fw as Tensor[]).slice(1), ...(bw as Tensor[]).slice(1)] : [];
    if (this.forwardLayer.returnSequences) yRev = ops.reverse(yRev, [1]);
    let out: Tensor[];
    switch (this.mergeMode) {
      case 'concat': out = [ops.concat([y, yRev], -1 + (y.shape?.length ?? 0))]; break;
      case 'sum': out = [ops.add(y, yRev)]; break;
      case 'mul': out = [ops.multiply(y, yRev)]; break;
      case 'ave': out = [ops.multiply(ops.add(y, yRev), 0.5)]; break;
      default: out = [y, yRev];
    }
    const all = [...out, ...states];
    return (all.length === 1 ? all[0]! : all) as Tensor;
  }
  /** The merged output; a list with merge_mode None or the layer's return_state (typed `any` for destructuring). */
  override apply(inputs: TensorLike, ...args: unknown[]): any {
    return super.apply(inputs, ...args);
  }
}

export type { KerasLayer };
