/**
 * `tf.contrib.cudnnRnn` (TF 1.15's contrib/cudnn_rnn): the cuDNN-compatible cells and the
 * `CudnnLSTM`, `CudnnGRU`, `CudnnRNNTanh`, `CudnnRNNRelu` layers. There is no cuDNN here: a
 * layer runs the compatible cells (the same equations, so the same numbers) through
 * tf.nn.dynamicRnn, or layer by layer bidirectionally. Its variables are the canonical ones TF's
 * CudnnOpaqueParamsSaveable writes to checkpoints instead of the opaque buffer —
 * `cudnn_lstm/rnn/multi_rnn_cell/cell_<i>/cudnn_compatible_lstm_cell/{kernel, bias}`,
 * `…/stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/{fw, bw}/…` — so checkpoints of TF's
 * layers restore by name (a TF checkpoint's extra `opaque_kernel` entry is simply not read).
 * Kernels start as TF's (Glorot uniform per cuDNN gate matrix); a given kernel or bias
 * initializer sets the whole canonical kernel or (summed) bias.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import type { DType } from '../../dtype.js';
import { getVariable } from '../../scope/get-variable.js';
import { type Initializer, constantInitializer, zerosInitializer } from '../../scope/initializers.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, shape as shapeOf, stack, transpose, unstack, zeros } from '../array.js';
import { randomUniform } from '../random.js';
import { type TensorLike, toTensor } from '../convert.js';
import { add, matmul, multiply, sigmoid, subtract, tanh } from '../math.js';
import { dropout, relu } from '../nn.js';
import { split } from '../split.js';
import { index } from '../strided-slice.js';
import type { Variable } from '../variables.js';
import { LSTMBlockCell } from './block-cells.js';
import { BasicRNNCell, DropoutWrapper, LSTMStateTuple, MultiRNNCell, RNNCell, type RNNState } from './cells.js';
import { bidirectionalDynamicRnn, dynamicRnn } from './rnn.js';

/**
 * TF's CudnnRNN layers draw each cuDNN gate matrix with Glorot uniform: the input part
 * `[inputWidth, units]` of a canonical kernel `[inputWidth + units, gates·units]` within
 * ±√(6 / (inputWidth + units)), the recurrent part within ±√(6 / (2·units)).
 */
function cudnnGlorot(units: number, seed: number | null): Initializer {
  const init = (shape: readonly number[], dtype?: DType | string | null): Tensor => {
    const [rows, cols] = shape as [number, number];
    const inW = rows - units;
    const dt = (dtype ?? 'float32') as DType;
    const part = (r: number, limit: number, k: number): Tensor =>
      randomUniform([r, cols], { minval: -limit, maxval: limit, dtype: dt, ...(seed === null ? {} : { seed: seed + k }) });
    return concat([part(inW, Math.sqrt(6 / (inW + units)), 0), part(units, Math.sqrt(6 / (2 * units)), 1)], 0);
  };
  return Object.assign(init, { className: 'GlorotUniform', getConfig: () => ({ seed }) }) as Initializer;
}

/**
 * `CudnnCompatibleLSTMCell(numUnits, {reuse})`: LSTMBlockCell with forget bias 0, no peepholes,
 * scope `cudnn_compatible_lstm_cell` — CudnnLSTM's equations on its canonical `kernel`
 * (gates i, c, f, o) and summed `bias`.
 */
export class CudnnCompatibleLSTMCell extends LSTMBlockCell {
  private readonly inits: { kernel: Initializer | null; bias: Initializer | null };
  constructor(numUnits: number, opts: { reuse?: boolean | null; kernelInitializer?: Initializer | null; biasInitializer?: Initializer | null } = {}) {
    super(numUnits, { forgetBias: 0, cellClip: null, usePeephole: false, reuse: opts.reuse ?? null, name: 'cudnn_compatible_lstm_cell' });
    this.inits = { kernel: opts.kernelInitializer ?? null, bias: opts.biasInitializer ?? null };
  }
  protected override build(inputs: Tensor): void {
    const depth = inputs.shape?.[inputs.shape.length - 1];
    if (depth === null || depth === undefined) throw new ValueError('Expected inputs.shape[-1] to be known');
    const n = this.numUnits;
    this.kernel = getVariable('kernel', { shape: [depth + n, 4 * n], dtype: inputs.dtype, ...(this.inits.kernel ? { initializer: this.inits.kernel } : {}) });
    this.bias = getVariable('bias', { shape: [4 * n], dtype: inputs.dtype, initializer: this.inits.bias ?? zerosInitializer() });
  }
}

/**
 * `CudnnCompatibleGRUCell(numUnits, {reuse, kernelInitializer})`: cuDNN's GRU, whose candidate
 * is tanh(x·W_x + b_x + r ∘ (h·W_h + b_h)) (GRUCell's is tanh([x, r∘h]·W + b)). Variables
 * `gates/kernel`, `gates/bias` (1), `candidate/input_projection/{kernel, bias}`,
 * `candidate/hidden_projection/{kernel, bias}` (biases 0) in `cudnn_compatible_gru_cell`.
 */
export class CudnnCompatibleGRUCell extends RNNCell {
  readonly numUnits: number;
  private readonly kernelInitializer: Initializer | null;
  private readonly biasInitializer: Initializer | null;
  private readonly gateKernelInitializer: Initializer | null;
  private vars: Variable[] = [];
  constructor(numUnits: number, opts: { reuse?: boolean | null; kernelInitializer?: Initializer | null; biasInitializer?: Initializer | null; gateKernelInitializer?: Initializer | null } = {}) {
    super('cudnn_compatible_gru_cell');
    this.gateKernelInitializer = opts.gateKernelInitializer ?? null;
    if (!(Number.isInteger(numUnits) && numUnits > 0)) throw new ValueError(`CudnnCompatibleGRUCell: num_units must be a positive integer, got ${String(numUnits)}`);
    this.numUnits = numUnits;
    this.kernelInitializer = opts.kernelInitializer ?? null;
    this.biasInitializer = opts.biasInitializer ?? null;
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  get variables(): Variable[] {
    return [...this.vars];
  }
  protected build(inputs: Tensor): void {
    const depth = inputs.shape?.[inputs.shape.length - 1];
    if (depth === null || depth === undefined) throw new ValueError(`Expected inputs.shape[-1] to be known, saw shape: ${String(inputs.shape)}`);
    const n = this.numUnits;
    const dtype = inputs.dtype;
    const ki = this.kernelInitializer ? { initializer: this.kernelInitializer } : {};
    const mk = (name: string, shape: number[], init: object): Variable => {
      const v = getVariable(name, { shape, dtype, ...init });
      this.vars.push(v);
      return v;
    };
    mk('gates/kernel', [depth + n, 2 * n], this.gateKernelInitializer ? { initializer: this.gateKernelInitializer } : ki);
    mk('gates/bias', [2 * n], { initializer: this.biasInitializer ?? constantInitializer(1.0, { dtype }) });
    mk('candidate/input_projection/kernel', [depth, n], ki);
    mk('candidate/hidden_projection/kernel', [n, n], ki);
    mk('candidate/input_projection/bias', [n], { initializer: this.biasInitializer ?? zerosInitializer() });
    mk('candidate/hidden_projection/bias', [n], { initializer: this.biasInitializer ?? zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = state as Tensor;
    const [gk, gb, ik, hk, ib, hb] = this.vars.map((v) => v.value());
    const [r, u] = split(sigmoid(add(matmul(concat([inputs, h], 1), gk!), gb!)), 2, 1) as Tensor[];
    const cand = tanh(add(add(matmul(inputs, ik!), ib!), multiply(r!, add(matmul(h, hk!), hb!))));
    const next = add(multiply(subtract(1, u!), cand), multiply(u!, h));
    return [next, next];
  }
}

/** BasicRNNCell (`basic_rnn_cell/kernel`, `/bias`) with the layer's initializers. */
class CanonicalBasicRNNCell extends BasicRNNCell {
  constructor(n: number, activation: ((x: Tensor) => Tensor) | null, private readonly kInit: Initializer, private readonly bInit: Initializer | null) {
    super(n, { activation });
  }
  protected override build(inputs: Tensor): void {
    const depth = inputs.shape?.[inputs.shape.length - 1];
    if (depth === null || depth === undefined) throw new ValueError('Expected inputs.shape[-1] to be known');
    this.kernel = getVariable('kernel', { shape: [depth + this.numUnits, this.numUnits], dtype: inputs.dtype, initializer: this.kInit });
    this.bias = getVariable('bias', { shape: [this.numUnits], dtype: inputs.dtype, initializer: this.bInit ?? zerosInitializer() });
  }
}

type Mode = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

export interface CudnnRNNOpts {
  inputMode?: 'linear_input' | 'skip_input' | 'auto_select';
  direction?: 'unidirectional' | 'bidirectional';
  dropout?: number;
  seed?: number | null;
  dtype?: string;
  kernelInitializer?: Initializer | null;
  biasInitializer?: Initializer | null;
  name?: string | null;
}

const CALL_NAMES = ['inputs', 'initialState', 'sequenceLengths', 'timeMajor', 'training'] as const;

abstract class CudnnRNN {
  protected abstract readonly rnnMode: Mode;
  protected abstract readonly defaultName: string;
  readonly numLayers: number;
  readonly numUnits: number;
  readonly inputMode: string;
  readonly direction: string;
  readonly dropout: number;
  readonly seed: number | null;
  readonly dtype: string;
  private readonly opts: CudnnRNNOpts;
  private cellsFw: RNNCell[] | null = null;
  private cellsBw: RNNCell[] | null = null;
  private vscope: VariableScope | null = null;
  private inSize: number | null = null;
  built = false;

  constructor(numLayers: number, numUnits: number, opts: CudnnRNNOpts = {}) {
    if (!(Number.isInteger(numLayers) && numLayers > 0)) throw new ValueError(`num_layers must be a positive integer, got ${String(numLayers)}`);
    if (!(Number.isInteger(numUnits) && numUnits > 0)) throw new ValueError(`num_units must be a positive integer, got ${String(numUnits)}`);
    this.numLayers = numLayers;
    this.numUnits = numUnits;
    this.inputMode = opts.inputMode ?? 'linear_input';
    if (!['linear_input', 'skip_input', 'auto_select'].includes(this.inputMode)) {
      throw new ValueError(`Invalid input_mode: ${this.inputMode}, expect one of (linear_input, skip_input, auto_select)`);
    }
    if (this.inputMode === 'skip_input') throw new ValueError("input_mode 'skip_input' is not supported: tsflow's cuDNN-compatible layers always project the input");
    this.direction = opts.direction ?? 'unidirectional';
    if (this.direction !== 'unidirectional' && this.direction !== 'bidirectional') {
      throw new ValueError(`Invalid direction: ${this.direction}, expecting unidirectional or bidirectional`);
    }
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ValueError(`dropout must be in [0, 1), got ${this.dropout}`);
    this.seed = opts.seed ?? null;
    this.dtype = opts.dtype ?? 'float32';
    this.opts = opts;
  }

  get numDirs(): number {
    return this.direction === 'unidirectional' ? 1 : 2;
  }
  get inputSize(): number {
    if (!this.inSize) throw new ValueError("'input_size' is unknown since layer has not been built.");
    return this.inSize;
  }
  get scopeName(): string | null {
    return this.vscope?.name ?? null;
  }
  /** `[numLayers · numDirs, batch, numUnits]` per state tensor (two for LSTM). */
  stateShape(batchSize: number): number[][] {
    const s = [this.numLayers * this.numDirs, batchSize, this.numUnits];
    return this.rnnMode === 'lstm' ? [s, [...s]] : [s];
  }
  get variables(): Variable[] {
    return [...(this.cellsFw ?? []), ...(this.cellsBw ?? [])].flatMap((c) => c.variables);
  }
  get trainableVariables(): Variable[] {
    return this.variables.filter((v) => v.trainable);
  }
  get trainableWeights(): Variable[] {
    return this.trainableVariables;
  }
  get weights(): Variable[] {
    return this.variables;
  }

  private makeCell(): RNNCell {
    const given = this.opts.kernelInitializer ?? null;
    const stitched = given ?? cudnnGlorot(this.numUnits, this.seed);
    const biasInitializer = this.opts.biasInitializer ?? null;
    switch (this.rnnMode) {
      case 'lstm':
        return new CudnnCompatibleLSTMCell(this.numUnits, { kernelInitializer: stitched, biasInitializer });
      case 'gru':
        return new CudnnCompatibleGRUCell(this.numUnits, { kernelInitializer: given, gateKernelInitializer: stitched, biasInitializer: biasInitializer ?? zerosInitializer() });
      default:
        return new CanonicalBasicRNNCell(this.numUnits, this.rnnMode === 'rnn_relu' ? (x) => relu(x) : null, stitched, biasInitializer);
    }
  }

  /** TF1's `layer(inputs, initialState?, sequenceLengths?, timeMajor = true, training = true)`. */
  apply(...args: unknown[]): [Tensor, Tensor[]] {
    return this.call(...args);
  }

  /**
   * `call(inputs, initialState?, sequenceLengths?, timeMajor = true, training = true)`:
   * `[outputs [time, batch, numDirs·numUnits], [h, c]]` (`[h]` for GRU and the plain RNNs),
   * each state `[numLayers·numDirs, batch, numUnits]` (batch-major throughout with timeMajor false).
   */
  call(...args: unknown[]): [Tensor, Tensor[]] {
    const o = kwargs(args, CALL_NAMES, this.constructor.name, 1);
    const timeMajor = (o.timeMajor as boolean | undefined) ?? true;
    const training = (o.training as boolean | undefined) ?? true;
    const init = o.initialState;
    if (init !== undefined && init !== null && !Array.isArray(init)) throw new TypeError(`Invalid initial_state type: ${String(init)}, expecting tuple.`);
    let x = toTensor(o.inputs as TensorLike, this.dtype as DType);
    if (x.shape === null || x.shape.length !== 3) throw new ValueError(`Expecting input_shape with 3 dims, got ${x.shape === null ? 'unknown' : x.shape.length}`);
    const depth = x.shape[2];
    if (depth === null || depth === undefined) throw new ValueError('The last dimension of the inputs to `CudnnRNN` should be defined. Found `None`.');
    if (this.inSize !== null && depth !== this.inSize) throw new ValueError(`Input 0 is incompatible with the layer: expected axis -1 of input shape to have value ${this.inSize} but received input with shape ${JSON.stringify(x.shape)}`);
    if (!timeMajor) x = transpose(x, [1, 0, 2]);
    const run = (): [Tensor, Tensor[]] => {
      if (!this.cellsFw) {
        if (this.inputMode === 'auto_select' && depth === this.numUnits) throw new ValueError("input_mode 'auto_select' picks skip_input here (input size == num_units), which is not supported");
        this.inSize = depth;
        this.cellsFw = Array.from({ length: this.numLayers }, () => this.makeCell());
        if (this.numDirs === 2) this.cellsBw = Array.from({ length: this.numLayers }, () => this.makeCell());
      }
      const nStates = this.rnnMode === 'lstm' ? 2 : 1;
      let given: Tensor[][] | null = null;
      if (Array.isArray(init)) {
        if (init.length !== nStates) throw new ValueError(`initial_state must be a tuple of ${nStates} tensor${nStates > 1 ? 's' : ''}, got ${init.length}`);
        given = init.map((s) => {
          let t = toTensor(s as TensorLike, this.dtype as DType);
          if (!timeMajor) t = transpose(t, [1, 0, 2]);
          return unstack(t, { num: this.numLayers * this.numDirs }) as Tensor[];
        });
      }
      const batch: number | Tensor = x.shape![1] ?? index(shapeOf(x), 1);
      const stateAt = (k: number): RNNState => {
        if (!given) {
          const z = (): Tensor => zeros([batch as never, this.numUnits], this.dtype);
          return this.rnnMode === 'lstm' ? new LSTMStateTuple(z(), z()) : z();
        }
        return this.rnnMode === 'lstm' ? new LSTMStateTuple(given[1]![k]!, given[0]![k]!) : given[0]![k]!;
      };
      const seq = o.sequenceLengths ?? null;
      const drop = training && this.dropout > 0;
      const finals: RNNState[] = [];
      let outputs: Tensor;
      if (this.numDirs === 1) {
        const layers = this.cellsFw.map((c, i) => (drop && i < this.numLayers - 1 ? new DropoutWrapper(c, { outputKeepProb: 1 - this.dropout, seed: this.seed }) : c));
        const initial = layers.map((_, i) => stateAt(i));
        const [out, st] = dynamicRnn(new MultiRNNCell(layers), x, { initialState: initial, sequenceLength: seq, timeMajor: true, scope: 'rnn' });
        outputs = out;
        finals.push(...(st as RNNState[]));
      } else {
        let prev = x;
        variableScope('stack_bidirectional_rnn', () => {
          for (let i = 0; i < this.numLayers; i++) {
            variableScope(`cell_${i}`, () => {
              const [[f, b], [sf, sb]] = bidirectionalDynamicRnn(this.cellsFw![i], this.cellsBw![i], prev, {
                initialStateFw: stateAt(2 * i), initialStateBw: stateAt(2 * i + 1), sequenceLength: seq, timeMajor: true,
              });
              prev = concat([f, b], 2);
              if (drop && i < this.numLayers - 1) prev = dropout(prev, 1 - this.dropout, { seed: this.seed ?? undefined });
              finals.push(sf, sb);
            });
          }
        });
        outputs = prev;
      }
      const pick = (which: 'c' | 'h'): Tensor =>
        stack(finals.map((s) => (s instanceof LSTMStateTuple ? (s[which] as Tensor) : (s as Tensor))));
      let states = this.rnnMode === 'lstm' ? [pick('h'), pick('c')] : [pick('h')];
      if (!timeMajor) {
        outputs = transpose(outputs, [1, 0, 2]);
        states = states.map((s) => transpose(s, [1, 0, 2]));
      }
      return [outputs, states];
    };
    if (!this.vscope) {
      return variableScope(this.opts.name ?? null, { defaultName: this.defaultName }, (vs) => {
        this.vscope = vs;
        const r = run();
        this.built = true;
        return r;
      });
    }
    return variableScope(this.vscope, run);
  }
}

/**
 * `tf.contrib.cudnnRnn.CudnnLSTM(numLayers, numUnits, {inputMode, direction, dropout, seed,
 * dtype, kernelInitializer, biasInitializer, name = 'cudnn_lstm'})`; `layer.apply(inputs, …)`
 * gives `[outputs, [h, c]]`.
 */
export class CudnnLSTM extends CudnnRNN {
  protected readonly rnnMode: Mode = 'lstm';
  protected readonly defaultName = 'cudnn_lstm';
}
/** `CudnnGRU(numLayers, numUnits, opts)`: `[outputs, [h]]`, scope `cudnn_gru`. */
export class CudnnGRU extends CudnnRNN {
  protected readonly rnnMode: Mode = 'gru';
  protected readonly defaultName = 'cudnn_gru';
}
/** `CudnnRNNTanh(numLayers, numUnits, opts)`: BasicRNNCell layers (`basic_rnn_cell`), `[outputs, [h]]`. */
export class CudnnRNNTanh extends CudnnRNN {
  protected readonly rnnMode: Mode = 'rnn_tanh';
  protected readonly defaultName = 'cudnn_rnn_tanh';
}
/** `CudnnRNNRelu(numLayers, numUnits, opts)`: BasicRNNCell layers with relu, `[outputs, [h]]`. */
export class CudnnRNNRelu extends CudnnRNN {
  protected readonly rnnMode: Mode = 'rnn_relu';
  protected readonly defaultName = 'cudnn_rnn_relu';
}

export const CUDNN_RNN_UNIDIRECTION = 'unidirectional';
export const CUDNN_RNN_BIDIRECTION = 'bidirectional';
export const CUDNN_LSTM = 'lstm';
export const CUDNN_GRU = 'gru';
export const CUDNN_RNN_RELU = 'rnn_relu';
export const CUDNN_RNN_TANH = 'rnn_tanh';
export const CUDNN_INPUT_LINEAR_MODE = 'linear_input';
export const CUDNN_INPUT_SKIP_MODE = 'skip_input';
export const CUDNN_INPUT_AUTO_MODE = 'auto_select';
