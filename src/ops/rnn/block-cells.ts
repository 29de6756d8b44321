/**
 * `tf.contrib.rnn`'s block cells (TF1's lstm_ops.py and gru_ops.py): `LSTMBlockCell`,
 * `GRUBlockCell` (and `GRUBlockCellV2`), and `LSTMBlockFusedCell`, which runs a whole time-major
 * sequence. TF computes them with fused kernels whose equations are LSTMCell's (peepholes, cell
 * clip) and GRUCell's; here they run as those cells' ops, with the block cells' own variable
 * names and creation order (`lstm_cell/kernel`, `…/bias`, `…/w_i_diag`, `…/w_f_diag`,
 * `…/w_o_diag`; `lstm_fused_cell/kernel`; `gru_cell/gates/kernel`, …), so TF-written checkpoints
 * of models built with them restore by name.
 */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { kwargs } from '../../args.js';
import { getVariable } from '../../scope/get-variable.js';
import { zerosInitializer } from '../../scope/initializers.js';
import { variableScope } from '../../scope/variable-scope.js';
import { type TensorLike, toTensor } from '../convert.js';
import type { Variable } from '../variables.js';
import { GRUCell, LSTMCell, LSTMStateTuple, type RNNState } from './cells.js';
import { dynamicRnn } from './rnn.js';

export interface LSTMBlockCellOpts {
  forgetBias?: number;
  /** Clip the cell state to ±cellClip; null or negative (TF's default -1): no clipping. */
  cellClip?: number | null;
  usePeephole?: boolean;
  reuse?: boolean | null;
  name?: string | null;
  dtype?: string | null;
}

const clipOf = (c: number | null | undefined): number | null => (c === undefined || c === null || c < 0 ? null : c);

/**
 * `tf.contrib.rnn.LSTMBlockCell(numUnits, {forgetBias = 1, cellClip, usePeephole, reuse, name =
 * 'lstm_cell'})`: the LSTM of TF's LSTMBlockCell op, state `LSTMStateTuple(c, h)`.
 */
export class LSTMBlockCell extends LSTMCell {
  constructor(numUnits: number, opts: LSTMBlockCellOpts = {}) {
    super(numUnits, {
      forgetBias: opts.forgetBias ?? 1.0, cellClip: clipOf(opts.cellClip), usePeepholes: opts.usePeephole ?? false,
      reuse: opts.reuse ?? null, name: opts.name ?? 'lstm_cell', dtype: opts.dtype ?? null,
    });
  }

  /** TF's order: kernel, bias, then the peepholes w_i_diag, w_f_diag, w_o_diag. */
  protected override build(inputs: Tensor): void {
    const depth = inputs.shape?.[inputs.shape.length - 1];
    if (depth === null || depth === undefined) throw new ValueError('Expected inputs.shape[-1] to be known');
    const n = this.numUnits;
    const dtype = inputs.dtype;
    this.kernel = getVariable('kernel', { shape: [depth + n, 4 * n], dtype });
    this.bias = getVariable('bias', { shape: [4 * n], dtype, initializer: zerosInitializer() });
    if (this.usePeepholes) {
      this.wIDiag = getVariable('w_i_diag', { shape: [n], dtype });
      this.wFDiag = getVariable('w_f_diag', { shape: [n], dtype });
      this.wODiag = getVariable('w_o_diag', { shape: [n], dtype });
    }
  }

  /** Use variables made elsewhere (LSTMBlockFusedCell's) instead of making them on the first call. */
  adoptVariables(kernel: Variable, bias: Variable, peepholes: [Variable, Variable, Variable] | null): void {
    this.kernel = kernel;
    this.bias = bias;
    if (peepholes) [this.wIDiag, this.wFDiag, this.wODiag] = peepholes;
    this.built = true;
  }
}

/**
 * `tf.contrib.rnn.GRUBlockCell(numUnits, {cellSize, reuse, name = 'gru_cell'})`: TF's GRUBlockCell
 * op's GRU (GRUCell's equations and variables `gates/kernel`, `gates/bias` = 1, `candidate/…`).
 */
export class GRUBlockCell extends GRUCell {
  constructor(numUnits?: number | null, opts: { cellSize?: number | null; reuse?: boolean | null; name?: string | null } = {}) {
    const n = numUnits ?? opts.cellSize ?? null;
    if (n === null) throw new ValueError('Must specify num_units');
    super(n, { reuse: opts.reuse ?? null, name: opts.name ?? 'gru_cell' });
  }
}
/** `tf.contrib.rnn.GRUBlockCellV2`: GRUBlockCell with the same variables. */
export class GRUBlockCellV2 extends GRUBlockCell {}

/**
 * `tf.contrib.rnn.LSTMBlockFusedCell(numUnits, {forgetBias = 1, cellClip, usePeephole, reuse,
 * dtype, name = 'lstm_fused_cell'})`: called on time-major inputs `[time, batch, depth]`
 * (`cell(inputs, initialState?, dtype?, sequenceLength?, scope?)`), it gives the outputs
 * `[time, batch, numUnits]` (zero past each sequence's length) and the final
 * `LSTMStateTuple(c, h)` (at each sequence's last step). Its variables sit directly in its
 * scope: `lstm_fused_cell/kernel`, `/bias`, and the peepholes.
 */
export class LSTMBlockFusedCell {
  readonly numUnits: number;
  private readonly opts: LSTMBlockCellOpts;
  private step: LSTMBlockCell | null = null;
  scopeName: string | null = null;

  constructor(numUnits: number, opts: LSTMBlockCellOpts = {}) {
    if (!Number.isInteger(numUnits) || numUnits <= 0) throw new ValueError(`LSTMBlockFusedCell: num_units must be a positive integer, got ${String(numUnits)}`);
    this.numUnits = numUnits;
    this.opts = opts;
  }

  call(...args: unknown[]): [Tensor, LSTMStateTuple<Tensor>] {
    const o = kwargs(args, ['inputs', 'initialState', 'dtype', 'sequenceLength', 'scope'], 'LSTMBlockFusedCell', 1);
    const x = toTensor(o.inputs as TensorLike);
    if (x.shape === null || x.shape.length !== 3) throw new ValueError(`LSTMBlockFusedCell expects time-major inputs of rank 3, got shape ${x.shape === null ? '<unknown>' : `[${x.shape.join(', ')}]`}`);
    const depth = x.shape[2];
    if (depth === null || depth === undefined) throw new ValueError('Expected inputs.shape[-1] to be known');
    if (!this.step) {
      const n = this.numUnits;
      const dtype = x.dtype;
      const peep = this.opts.usePeephole ?? false;
      this.step = new LSTMBlockCell(n, this.opts);
      variableScope((o.scope as string | undefined) ?? null, { defaultName: this.opts.name ?? 'lstm_fused_cell' }, (vs) => {
        this.scopeName = vs.name;
        const kernel = getVariable('kernel', { shape: [depth + n, 4 * n], dtype });
        const bias = getVariable('bias', { shape: [4 * n], dtype, initializer: zerosInitializer() });
        const diag = peep
          ? ([getVariable('w_i_diag', { shape: [n], dtype }), getVariable('w_f_diag', { shape: [n], dtype }), getVariable('w_o_diag', { shape: [n], dtype })] as const)
          : null;
        this.step!.adoptVariables(kernel, bias, diag ? [...diag] : null);
      });
    }
    let initial: RNNState | null = null;
    const s = o.initialState;
    if (s instanceof LSTMStateTuple) initial = s as RNNState;
    else if (Array.isArray(s)) {
      if (s.length !== 2) throw new ValueError('initial_state must be a tuple (initial_cell_state, initial_output)');
      initial = new LSTMStateTuple(toTensor(s[0] as TensorLike), toTensor(s[1] as TensorLike));
    } else if (s !== undefined && s !== null) throw new ValueError('initial_state must be a tuple (initial_cell_state, initial_output)');
    const [outputs, state] = dynamicRnn(this.step, x, {
      timeMajor: true,
      ...(initial ? { initialState: initial } : { dtype: (o.dtype as string | undefined) ?? x.dtype }),
      ...(o.sequenceLength !== undefined && o.sequenceLength !== null ? { sequenceLength: o.sequenceLength } : {}),
      scope: this.scopeName ?? undefined,
    });
    return [outputs, state as LSTMStateTuple<Tensor>];
  }
}
