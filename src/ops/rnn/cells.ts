/**
 * TF1's RNN cells `BasicRNNCell` and `BasicLSTMCell` (tf.nn.rnnCell / tf.contrib.rnn) and
 * `tf.nn.staticRnn`. Variables are TF1's: `<scope>/basic_rnn_cell/kernel` and `/bias`,
 * `<scope>/basic_lstm_cell/kernel` ([input + units, 4·units], gates i, j, f, o) and `/bias`,
 * created on the cell's first call and reused at later steps, so TF-written checkpoints restore.
 */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { getVariable } from '../../scope/get-variable.js';
import { variableScope } from '../../scope/variable-scope.js';
import { concat, zeros } from '../array.js';
import { add, matmul, multiply, sigmoid, tanh } from '../math.js';
import { split } from '../split.js';
import { zerosInitializer } from '../../scope/initializers.js';
import type { Variable } from '../variables.js';

/** `LSTMStateTuple(c, h)`. */
export class LSTMStateTuple {
  constructor(readonly c: Tensor, readonly h: Tensor) {}
}

export type RNNState = Tensor | LSTMStateTuple;

abstract class RNNCellBase {
  protected kernel: Variable | null = null;
  protected bias: Variable | null = null;
  constructor(readonly numUnits: number, protected readonly scopeName: string) {}

  protected build(inputs: Tensor, gates: number): void {
    if (this.kernel) return;
    const depth = inputs.shape?.[1];
    if (depth === null || depth === undefined) throw new ValueError(`Expected inputs.shape[-1] to be known, saw shape: ${inputs}`);
    variableScope(this.scopeName, () => {
      this.kernel = getVariable('kernel', { shape: [depth + this.numUnits, gates * this.numUnits], dtype: inputs.dtype });
      this.bias = getVariable('bias', { shape: [gates * this.numUnits], dtype: inputs.dtype, initializer: zerosInitializer() });
    });
  }

  abstract get stateSize(): number | LSTMStateTuple | [number, number];
  abstract call(inputs: Tensor, state: RNNState): [Tensor, RNNState];
  abstract zeroState(batchSize: number, dtype: string): RNNState;
}

export class BasicRNNCell extends RNNCellBase {
  constructor(numUnits: number) {
    super(numUnits, 'basic_rnn_cell');
  }
  get stateSize(): number {
    return this.numUnits;
  }
  zeroState(batchSize: number, dtype = 'float32'): Tensor {
    return zeros([batchSize, this.numUnits], dtype);
  }
  call(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    this.build(inputs, 1);
    const h = add(matmul(concat([inputs, state as Tensor], 1), this.kernel!.value()), this.bias!.value());
    const out = tanh(h);
    return [out, out];
  }
}

export class BasicLSTMCell extends RNNCellBase {
  readonly forgetBias: number;
  constructor(numUnits: number, opts: { forgetBias?: number } = {}) {
    super(numUnits, 'basic_lstm_cell');
    this.forgetBias = opts.forgetBias ?? 1.0;
  }
  get stateSize(): [number, number] {
    return [this.numUnits, this.numUnits];
  }
  zeroState(batchSize: number, dtype = 'float32'): LSTMStateTuple {
    return new LSTMStateTuple(zeros([batchSize, this.numUnits], dtype), zeros([batchSize, this.numUnits], dtype));
  }
  call(inputs: Tensor, state: RNNState): [Tensor, LSTMStateTuple] {
    if (!(state instanceof LSTMStateTuple)) throw new TypeError('BasicLSTMCell expects an LSTMStateTuple state');
    this.build(inputs, 4);
    const gatesIn = add(matmul(concat([inputs, state.h], 1), this.kernel!.value()), this.bias!.value());
    const [i, j, f, o] = split(gatesIn, 4, 1) as Tensor[];
    const newC = add(multiply(state.c, sigmoid(add(f!, this.forgetBias))), multiply(sigmoid(i!), tanh(j!)));
    const newH = multiply(tanh(newC), sigmoid(o!));
    return [newH, new LSTMStateTuple(newC, newH)];
  }
}

/** `tf.nn.staticRnn(cell, inputs, {initialState, dtype, scope})`: the cell unrolled over the list of inputs. */
export function staticRnn(cell: BasicRNNCell | BasicLSTMCell, inputs: Tensor[], opts: { initialState?: RNNState; dtype?: string; scope?: string } = {}): [Tensor[], RNNState] {
  if (inputs.length === 0) throw new ValueError('inputs must not be empty');
  return variableScope(opts.scope ?? 'rnn', () => {
    const batch = inputs[0]!.shape?.[0];
    let state: RNNState | undefined = opts.initialState;
    if (!state) {
      if (batch === null || batch === undefined) throw new ValueError('If no initial_state is provided, the batch size of the inputs must be known');
      state = cell.zeroState(batch, opts.dtype ?? inputs[0]!.dtype);
    }
    const outputs: Tensor[] = [];
    for (const x of inputs) {
      const r: [Tensor, RNNState] = cell.call(x, state!);
      outputs.push(r[0]);
      state = r[1];
    }
    return [outputs, state!] as [Tensor[], RNNState];
  });
}
