/**
 * `tf.contrib.rnn.ConvLSTMCell` and its 1-D/2-D/3-D forms (contrib/rnn/python/ops/rnn_cell.py):
 * an LSTM whose gates are SAME-padded, stride-1 convolutions of `[inputs, h]` (concatenated on
 * the channel axis), so state and output keep the input's spatial shape. Variables `kernel`
 * `[...kernelShape, inChannels + outputChannels, 4·outputChannels]` and `biases` (zeros) in
 * `conv_lstm_cell` — also for the Conv1D/2D/3D forms: TF's constructors drop their own default
 * names, so their checkpoints say `conv_lstm_cell` too.
 */
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import { TensorShape } from '../../graph/tensor-shape.js';
import { getVariable } from '../../scope/get-variable.js';
import { zerosInitializer } from '../../scope/initializers.js';
import { concat, zeros } from '../array.js';
import { conv1d, conv3d } from '../conv-family.js';
import { conv2d } from '../conv.js';
import { add, multiply, sigmoid, tanh } from '../math.js';
import { split } from '../split.js';
import type { Variable } from '../variables.js';
import { LSTMStateTuple, RNNCell, type RNNState, type SizeStruct } from './cells.js';

export interface ConvLSTMCellOpts {
  useBias?: boolean;
  skipConnection?: boolean;
  forgetBias?: number;
  initializers?: unknown;
  name?: string | null;
}

const fmt = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/**
 * `ConvLSTMCell(convNdims, inputShape, outputChannels, kernelShape, {useBias = true,
 * skipConnection = false, forgetBias = 1, name = 'conv_lstm_cell'})`: `inputShape` excludes the
 * batch (`[width, channels]`, `[h, w, channels]`, …). The state is `LSTMStateTuple(c, h)` of
 * `[batch, ...spatial, outputChannels]`; with skipConnection the output (and h) also carries
 * the inputs' channels.
 */
export class ConvLSTMCell extends RNNCell {
  readonly convNdims: number;
  readonly inputShape: number[];
  readonly outputChannels: number;
  readonly kernelShape: number[];
  readonly useBias: boolean;
  readonly skipConnection: boolean;
  readonly forgetBias: number;
  kernel: Variable | null = null;
  biases: Variable | null = null;

  constructor(convNdims: number, inputShape: readonly number[], outputChannels: number, kernelShape: readonly number[], opts: ConvLSTMCellOpts = {}) {
    super(opts.name ?? 'conv_lstm_cell');
    if (!Array.isArray(inputShape) || convNdims !== inputShape.length - 1) throw new ValueError(`Invalid input_shape ${fmt(inputShape ?? [])} for conv_ndims=${convNdims}.`);
    if (![1, 2, 3].includes(convNdims)) throw new ValueError(`conv_ndims must be 1, 2 or 3, got ${convNdims}`);
    if (!Array.isArray(kernelShape) || kernelShape.length !== convNdims) throw new ValueError(`kernel_shape ${fmt(kernelShape ?? [])} must have ${convNdims} entries`);
    if (!(Number.isInteger(outputChannels) && outputChannels > 0)) throw new ValueError(`output_channels must be a positive integer, got ${String(outputChannels)}`);
    this.convNdims = convNdims;
    this.inputShape = [...inputShape];
    this.outputChannels = outputChannels;
    this.kernelShape = [...kernelShape];
    this.useBias = opts.useBias ?? true;
    this.skipConnection = opts.skipConnection ?? false;
    this.forgetBias = opts.forgetBias ?? 1.0;
  }
  private get totalOutputChannels(): number {
    return this.outputChannels + (this.skipConnection ? this.inputShape[this.inputShape.length - 1]! : 0);
  }
  /** `LSTMStateTuple(TensorShape(spatial + [outputChannels]), …)`, as TF's. */
  get stateSize(): SizeStruct {
    const s = new TensorShape([...this.inputShape.slice(0, -1), this.outputChannels]);
    return new LSTMStateTuple(s, s) as unknown as SizeStruct;
  }
  get outputSize(): SizeStruct {
    return new TensorShape([...this.inputShape.slice(0, -1), this.totalOutputChannels]) as unknown as SizeStruct;
  }
  get variables(): Variable[] {
    return [this.kernel, this.biases].filter((v): v is Variable => v !== null);
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    const spatial = this.inputShape.slice(0, -1);
    return getDefaultGraph().nameScope('ConvLSTMCellZeroState', () => {
      const z = (): Tensor => zeros([batchSize as never, ...spatial, this.outputChannels], dtype);
      return new LSTMStateTuple(z(), z());
    });
  }
  protected build(inputs: Tensor): void {
    const s = inputs.shape;
    if (s === null || s.length !== this.convNdims + 2) throw new ValueError(`Conv Linear expects 3D, 4D or 5D arguments: ${s === null ? '<unknown>' : fmt(s.map((d) => d ?? -1))}`);
    const inC = s[s.length - 1];
    if (inC === null || inC === undefined) throw new ValueError('ConvLSTMCell: the inputs\' channel dimension must be known');
    const n = this.outputChannels;
    this.kernel = getVariable('kernel', { shape: [...this.kernelShape, inC + n, 4 * n], dtype: inputs.dtype });
    if (this.useBias) this.biases = getVariable('biases', { shape: [4 * n], dtype: inputs.dtype, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    if (!(state instanceof LSTMStateTuple)) throw new TypeError('ConvLSTMCell expects an LSTMStateTuple(c, h) state');
    const [cell, hidden] = [state.c as Tensor, state.h as Tensor];
    const axis = this.convNdims + 1;
    const x = concat([inputs, hidden], axis);
    const k = this.kernel!.value();
    let z = this.convNdims === 1 ? conv1d(x, k, 1, 'SAME') : this.convNdims === 2 ? conv2d(x, k, [1, 1, 1, 1], 'SAME') : conv3d(x, k, [1, 1, 1, 1, 1], 'SAME');
    if (this.biases) z = add(z, this.biases.value());
    const [i, j, f, o] = split(z, 4, axis) as Tensor[];
    const newCell = add(multiply(sigmoid(add(f!, this.forgetBias)), cell), multiply(sigmoid(i!), tanh(j!)));
    let output = multiply(tanh(newCell), sigmoid(o!));
    if (this.skipConnection) output = concat([output, inputs], axis);
    return [output, new LSTMStateTuple(newCell, output)];
  }
}

type SubOpts = Omit<ConvLSTMCellOpts, 'name'> & { name?: string | null };

/** `Conv1DLSTMCell(inputShape, outputChannels, kernelShape, opts)`: ConvLSTMCell with convNdims 1 (scope `conv_lstm_cell`, as TF). */
export class Conv1DLSTMCell extends ConvLSTMCell {
  constructor(inputShape: readonly number[], outputChannels: number, kernelShape: readonly number[], opts: SubOpts = {}) {
    super(1, inputShape, outputChannels, kernelShape, { ...opts, name: null });
  }
}
/** `Conv2DLSTMCell(inputShape, outputChannels, kernelShape, opts)`: ConvLSTMCell with convNdims 2. */
export class Conv2DLSTMCell extends ConvLSTMCell {
  constructor(inputShape: readonly number[], outputChannels: number, kernelShape: readonly number[], opts: SubOpts = {}) {
    super(2, inputShape, outputChannels, kernelShape, { ...opts, name: null });
  }
}
/** `Conv3DLSTMCell(inputShape, outputChannels, kernelShape, opts)`: ConvLSTMCell with convNdims 3. */
export class Conv3DLSTMCell extends ConvLSTMCell {
  constructor(inputShape: readonly number[], outputChannels: number, kernelShape: readonly number[], opts: SubOpts = {}) {
    super(3, inputShape, outputChannels, kernelShape, { ...opts, name: null });
  }
}
