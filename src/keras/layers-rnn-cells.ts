/**
 * Keras's recurrent cells as TF 1.15's keras/layers/recurrent.py defines them (the v1 classes):
 * SimpleRNNCell, LSTMCell (gates i, f, c, o; recurrent activation hard_sigmoid; unit_forget_bias),
 * GRUCell (gates z, r, h; hard_sigmoid; reset_after=False, or True with a [2, 3·units] bias of
 * input and recurrent halves), StackedRNNCells and AbstractRNNCell. Each makes `kernel`
 * [input, gates·units], `recurrent_kernel` [units, gates·units] and `bias`; called alone
 * (`cell.apply(x, states)` → `[output, newStates]`) they live in the cell's scope
 * (`lstm_cell/kernel`), built by an RNN in the RNN's (`rnn/kernel`).
 */
import { LAYER_ARGS } from '../layers/base.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { activationFn } from './activations.js';
import { type ConstraintFn, setConstraint } from './constraints.js';
import { type Prepared, callKwargs, prepare } from './layer-utils.js';
import * as K from './backend-ops.js';
import { Layer } from './layers-base.js';

type Shape = (number | null)[];

/** The constructor arguments of the cells, in Keras's order. */
export const SIMPLE_CELL_ARGS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer',
  'recurrentRegularizer', 'biasRegularizer', 'kernelConstraint', 'recurrentConstraint', 'biasConstraint', 'dropout', 'recurrentDropout',
];
export const LSTM_CELL_ARGS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'unitForgetBias',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'kernelConstraint', 'recurrentConstraint', 'biasConstraint', 'dropout',
  'recurrentDropout', 'implementation',
];
export const GRU_CELL_ARGS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'kernelConstraint', 'recurrentConstraint', 'biasConstraint', 'dropout',
  'recurrentDropout', 'implementation', 'resetAfter',
];
const CONSTRAINTS = ['kernelConstraint', 'recurrentConstraint', 'biasConstraint'];

/** The flat list of a cell's state sizes (Keras's nest.flatten(state_size)). */
export function flatStateSize(cell: { stateSize: number | number[] | unknown }): number[] {
  const s = cell.stateSize as number | unknown[];
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  return flat(s);
}

/** A cell's output size (its `outputSize`, else its first state's). */
export function cellOutputSize(cell: { stateSize: unknown; outputSize?: unknown }): number {
  if (cell.outputSize !== undefined && cell.outputSize !== null) return cell.outputSize as number;
  return flatStateSize(cell)[0]!;
}

/**
 * `keras.layers.AbstractRNNCell`: a Layer with `stateSize`, `outputSize` and
 * `call(inputs, states)` → `[output, newStates]`; `cell.apply(x, states)` runs one step.
 */
export abstract class AbstractRNNCell extends Layer {
  abstract readonly stateSize: number | number[];
  get outputSize(): number {
    return flatStateSize(this)[0]!;
  }
  protected override splitCallArgs(args: unknown[]): { extra: unknown[]; kw: Record<string, unknown> } {
    if (args.length === 0 || args[0] === undefined || args[0] === null) throw new ValueError(`${this.name}: a cell is called with (inputs, states)`);
    const s = args[0] as Tensor | Tensor[];
    return { extra: [Array.isArray(s) ? s : [s]], kw: callKwargs(args.slice(1)) };
  }
  /** Keras's `get_initial_state(inputs=None, batch_size=None, dtype=None)`: zeros [batch, size] per state. */
  getInitialState(inputs: Tensor | null = null, batchSize: number | Tensor | null = null, dtype: string | null = null): Tensor[] {
    const b = batchSize ?? ops.gather(ops.shape(inputs!), 0);
    const dt = dtype ?? inputs?.dtype ?? 'float32';
    return flatStateSize(this).map((n) => ops.zeros(typeof b === 'number' ? [b, n] : ops.stack([b, n]), dt));
  }
  protected abstract override call(inputs: Tensor, states: Tensor[], kw: Record<string, unknown>): [Tensor, Tensor[]];
}

/** What the built-in cells share: units, activations, the three weights, Keras's constraints. */
abstract class BuiltinCell extends AbstractRNNCell {
  readonly units: number;
  readonly activation: (x: Tensor) => Tensor;
  readonly useBias: boolean;
  /** The constructor's options (a layer or Bidirectional makes its copies from them). */
  readonly config: Record<string, unknown>;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly weightConstraints: Record<string, ConstraintFn>;
  protected abstract readonly gates: number;

  /** The fraction of the inputs (`dropout`) and of the recurrent state (`recurrentDropout`) dropped while training, each in [0, 1]. */
  readonly dropout: number;
  readonly recurrentDropout: number;
  private dpMask: Tensor[] | null = null;
  private recDpMask: Tensor[] | null = null;

  constructor(p: Prepared, cls: string) {
    const o = p.o;
    const rate = (k: string): number => {
      const v = o[k] ?? 0;
      if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${cls}: ${k} must be a number, got ${String(v)}`);
      return Math.min(1, Math.max(0, v)); // Keras: min(1., max(0., dropout))
    };
    const { _scope: _s, name: _n, ...config } = o;
    void _s;
    void _n;
    super({ name: o.name, dtype: o.dtype, trainable: o.trainable, [LAYER_ARGS]: o[LAYER_ARGS as never] });
    this.kerasClass = cls;
    this.config = config;
    if (!Number.isInteger(o.units) || (o.units as number) <= 0) throw new ValueError(`units must be a positive integer, got ${String(o.units)}`);
    this.units = o.units as number;
    this.activation = activationFn(o.activation === undefined ? 'tanh' : ((o.activation as never) ?? 'linear'));
    this.useBias = (o.useBias as boolean | undefined) ?? true;
    this.weightConstraints = p.constraints;
    this.dropout = rate('dropout');
    this.recurrentDropout = rate('recurrentDropout');
  }

  /** Keras's `reset_dropout_mask()`: the next call makes new input masks (an RNN layer does this on every call). */
  resetDropoutMask(): void {
    this.dpMask = null;
  }
  resetRecurrentDropoutMask(): void {
    this.recDpMask = null;
  }
  /**
   * Keras's `get_dropout_mask_for_cell(inputs, training, count=1)`: `count` masks of `inputs`'
   * shape, K.dropout of ones while training and ones otherwise, made once and reused for every
   * step until reset; null without dropout.
   */
  getDropoutMaskForCell(inputs: Tensor, training: unknown, count = 1): Tensor[] | null {
    if (this.dropout === 0) return null;
    return (this.dpMask ??= dropoutMasks(inputs, this.dropout, training, count));
  }
  getRecurrentDropoutMaskForCell(inputs: Tensor, training: unknown, count = 1): Tensor[] | null {
    if (this.recurrentDropout === 0) return null;
    return (this.recDpMask ??= dropoutMasks(inputs, this.recurrentDropout, training, count));
  }
  /** The step's input masks and recurrent masks (null entries without dropout), applied only where 0 < rate < 1 as in Keras. */
  protected masks(x: Tensor, h: Tensor, kw: Record<string, unknown>, count: number): { dp: Tensor[] | null; rec: Tensor[] | null } {
    const dp = this.getDropoutMaskForCell(x, kw.training ?? null, count);
    const rec = this.getRecurrentDropoutMaskForCell(h, kw.training ?? null, count);
    return { dp: this.dropout < 1 ? dp : null, rec: this.recurrentDropout < 1 ? rec : null };
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }
  protected biasInit(): unknown {
    return this.config.biasInitializer;
  }

  protected override build(shape: Shape | null): void {
    const d = shape?.[shape.length - 1];
    if (d === null || d === undefined) throw new ValueError('The last dimension of the inputs to an RNN cell should be defined. Found `None`.');
    const gu = this.gates * this.units;
    const c = this.config;
    this.kernel = this.addWeight({ name: 'kernel', shape: [d, gu], initializer: c.kernelInitializer, regularizer: c.kernelRegularizer });
    this.recurrentKernel = this.addWeight({ name: 'recurrent_kernel', shape: [this.units, gu], initializer: c.recurrentInitializer, regularizer: c.recurrentRegularizer });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: this.biasShape(), initializer: this.biasInit(), regularizer: c.biasRegularizer });
    const pairs: [string, Variable | null][] = [['kernelConstraint', this.kernel], ['recurrentConstraint', this.recurrentKernel], ['biasConstraint', this.bias]];
    for (const [k, v] of pairs) if (v && this.weightConstraints[k]) setConstraint(v, this.weightConstraints[k]!);
  }

  /**
   * The first `gates` blocks of `w` applied: one input times all the blocks at once (+ bias),
   * split; or each gate's own (masked) input times its block, as Keras's implementation 1 does
   * with dropout.
   */
  protected gateParts(ins: Tensor[], w: Tensor | Variable, bias: Tensor | Variable | null, gates = this.gates): Tensor[] {
    const u = this.units;
    if (ins.length === 1) {
      let z = ops.matmul(ins[0]!, gates === this.gates ? w : ops.slice(w, [0, 0], [-1, gates * u]));
      if (bias) z = ops.nn.biasAdd(z, bias);
      return gates === 1 ? [z] : ops.split(z, gates, 1);
    }
    return ins.slice(0, gates).map((xg, g) => {
      const z = ops.matmul(xg, ops.slice(w, [0, g * u], [-1, u]));
      return bias ? ops.nn.biasAdd(z, ops.slice(bias, [g * u], [u])) : z;
    });
  }

  /** The inputs a step's gates read: `x` masked per gate (implementation 1) or once (2), or `x` itself. */
  protected masked(x: Tensor, m: Tensor[] | null): Tensor[] {
    if (!m) return [x];
    return (this as { implementation?: number }).implementation === 2 || m.length === 1 ? [ops.multiply(x, m[0]!)] : m.map((k) => ops.multiply(x, k));
  }
}

/** Keras's `_generate_dropout_mask(ones_like(x), rate, training, count)`. */
function dropoutMasks(x: Tensor, rate: number, training: unknown, count: number): Tensor[] {
  const ones = ops.onesLike(x) as Tensor;
  return Array.from({ length: count }, () => K.inTrainPhase(() => K.dropout(ones, rate), ones, (training ?? null) as never));
}

const cellPrep = (cls: string, names: string[], args: unknown[], biasDefault = 'zeros'): Prepared =>
  prepare(cls, names, args, 1, {
    initializers: { kernelInitializer: 'glorot_uniform', recurrentInitializer: 'orthogonal', biasInitializer: biasDefault },
    constraints: CONSTRAINTS,
  });

/** `keras.layers.SimpleRNNCell(units, activation='tanh', use_bias=True, …)`: h = act(x·W + b + h·U). */
export class SimpleRNNCell extends BuiltinCell {
  protected readonly gates = 1;
  constructor(...args: unknown[]) {
    super(cellPrep('SimpleRNNCell', SIMPLE_CELL_ARGS, args), 'SimpleRNNCell');
  }
  get stateSize(): number {
    return this.units;
  }
  override get outputSize(): number {
    return this.units;
  }
  protected call(x: Tensor, [h]: Tensor[], kw: Record<string, unknown> = {}): [Tensor, Tensor[]] {
    const { dp, rec } = this.masks(x, h!, kw, 1);
    const z = this.gateParts(this.masked(x, dp), this.kernel!, this.bias)[0]!;
    const out = this.activation(ops.add(z, ops.matmul(this.masked(h!, rec)[0]!, this.recurrentKernel!)));
    return [out, [out]];
  }
}

/** `keras.layers.LSTMCell(units, activation='tanh', recurrent_activation='hard_sigmoid', …, unit_forget_bias=True, …)`; states [h, c]. */
export class LSTMCell extends BuiltinCell {
  protected readonly gates = 4;
  readonly recurrentActivation: (x: Tensor) => Tensor;
  readonly unitForgetBias: boolean;
  readonly implementation: number;
  constructor(...args: unknown[]) {
    const p = cellPrep('LSTMCell', LSTM_CELL_ARGS, args);
    super(p, 'LSTMCell');
    this.recurrentActivation = activationFn(p.o.recurrentActivation === undefined ? 'hard_sigmoid' : ((p.o.recurrentActivation as never) ?? 'linear'));
    this.unitForgetBias = (p.o.unitForgetBias as boolean | undefined) ?? true;
    this.implementation = (p.o.implementation as number | undefined) ?? 1;
  }
  get stateSize(): number[] {
    return [this.units, this.units];
  }
  override get outputSize(): number {
    return this.units;
  }
  protected override biasInit(): unknown {
    if (!this.unitForgetBias) return this.config.biasInitializer;
    const base = this.config.biasInitializer as (s: number[], d?: string) => Tensor;
    const u = this.units;
    // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
    return (_shape: readonly number[], dtype?: string) => ops.concat([base([u], dtype), ops.ones([u], dtype ?? 'float32'), base([2 * u], dtype)], 0);
  }
  protected call(x: Tensor, [h, c]: Tensor[], kw: Record<string, unknown> = {}): [Tensor, Tensor[]] {
    const { dp, rec } = this.masks(x, h!, kw, 4);
    const [xi, xf, xc, xo] = this.gateParts(this.masked(x, dp), this.kernel!, this.bias);
    const [ri, rf, rc, ro] = this.gateParts(this.masked(h!, rec), this.recurrentKernel!, null);
    const i = this.recurrentActivation(ops.add(xi!, ri!));
    const f = this.recurrentActivation(ops.add(xf!, rf!));
    const cNew = ops.add(ops.multiply(f, c!), ops.multiply(i, this.activation(ops.add(xc!, rc!))));
    const o = this.recurrentActivation(ops.add(xo!, ro!));
    const hNew = ops.multiply(o, this.activation(cNew));
    return [hNew, [hNew, cNew]];
  }
}

/** `keras.layers.GRUCell(units, activation='tanh', recurrent_activation='hard_sigmoid', …, reset_after=False)`. */
export class GRUCell extends BuiltinCell {
  protected readonly gates = 3;
  readonly recurrentActivation: (x: Tensor) => Tensor;
  readonly resetAfter: boolean;
  readonly implementation: number;
  constructor(...args: unknown[]) {
    const p = cellPrep('GRUCell', GRU_CELL_ARGS, args);
    super(p, 'GRUCell');
    this.recurrentActivation = activationFn(p.o.recurrentActivation === undefined ? 'hard_sigmoid' : ((p.o.recurrentActivation as never) ?? 'linear'));
    this.resetAfter = (p.o.resetAfter as boolean | undefined) ?? false;
    this.implementation = (p.o.implementation as number | undefined) ?? 1;
  }
  get stateSize(): number {
    return this.units;
  }
  override get outputSize(): number {
    return this.units;
  }
  /** reset_after keeps the input and recurrent biases apart: [2, 3·units]. */
  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }
  protected call(x: Tensor, [h0]: Tensor[], kw: Record<string, unknown> = {}): [Tensor, Tensor[]] {
    const u = this.units;
    const rk = this.recurrentKernel!;
    const { dp, rec } = this.masks(x, h0!, kw, 3);
    let inBias: Tensor | Variable | null = this.bias;
    let recBias: Tensor | null = null;
    if (this.bias && this.resetAfter) [inBias, recBias] = ops.unstack(this.bias, 2, 0) as [Tensor, Tensor];
    const [xz, xr, xh] = this.gateParts(this.masked(x, dp), this.kernel!, inBias);
    // the state each gate reads: masked per gate (implementation 1) or once (2, which also mixes the masked state)
    const hs = this.masked(h0!, rec);
    const hOf = (g: number): Tensor => hs[hs.length === 1 ? 0 : g]!;
    const h = hs.length === 1 ? hs[0]! : h0!;
    let rz: Tensor;
    let rr: Tensor;
    let recH: Tensor;
    if (this.resetAfter) {
      const [a, b, c] = this.gateParts(hs, rk, recBias);
      rz = a!;
      rr = b!;
      const r = this.recurrentActivation(ops.add(xr!, rr));
      recH = ops.multiply(r, c!);
    } else {
      [rz, rr] = this.gateParts(hs, rk, null, 2) as [Tensor, Tensor];
      const r = this.recurrentActivation(ops.add(xr!, rr));
      recH = ops.matmul(ops.multiply(r, hOf(2)), ops.slice(rk, [0, 2 * u], [u, u]));
    }
    const z = this.recurrentActivation(ops.add(xz!, rz));
    const hh = this.activation(ops.add(xh!, recH));
    const hNew = ops.add(ops.multiply(z, h), ops.multiply(ops.subtract(1, z), hh));
    return [hNew, [hNew]];
  }
}

/** What an RNN accepts as a cell: one of these Layers with `stateSize` and `call(inputs, states)`. */
export type CellLike = Layer & { readonly stateSize: number | number[]; readonly outputSize?: number };

export function checkCell(cell: unknown, what: 'rnn' | 'stacked', all?: unknown): CellLike {
  if (!(cell instanceof Layer) || typeof (cell as unknown as { call?: unknown }).call !== 'function') {
    throw new ValueError(what === 'rnn' ? `Argument \`cell\` should have a \`call\` method. The RNN was passed: ${String(cell)}` : `All cells must have a \`call\` method. received cells: ${String(all)}`);
  }
  if ((cell as { stateSize?: unknown }).stateSize === undefined) {
    throw new ValueError(what === 'rnn' ? 'The RNN cell should have an attribute `state_size` (tuple of integers, one integer per RNN state).' : `All cells must have a \`state_size\` attribute. received cells: ${String(all)}`);
  }
  return cell as CellLike;
}

/**
 * `keras.layers.StackedRNNCells(cells)`: the cells one above the other as one cell; its states
 * are the cells' states in order, flattened ([h₁, c₁, h₂, c₂] for two LSTM cells).
 */
export class StackedRNNCells extends AbstractRNNCell {
  readonly cells: CellLike[];
  constructor(...args: unknown[]) {
    const p = prepare('StackedRNNCells', ['cells', 'reverseStateOrder'], args, 1);
    const cells = p.o.cells as unknown[];
    if (!Array.isArray(cells)) throw new ValueError(`StackedRNNCells: cells must be a list of RNN cells, got ${String(cells)}`);
    const checked = cells.map((c) => checkCell(c, 'stacked', cells));
    if (p.o.reverseStateOrder) throw new ValueError('StackedRNNCells: reverse_state_order is not supported');
    super({ name: p.o.name, dtype: p.o.dtype, trainable: p.o.trainable, [LAYER_ARGS]: p.o[LAYER_ARGS as never] });
    this.kerasClass = 'StackedRNNCells';
    this.cells = checked;
  }
  get stateSize(): number[] {
    return this.cells.flatMap((c) => flatStateSize(c));
  }
  override get outputSize(): number {
    return cellOutputSize(this.cells[this.cells.length - 1]!);
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.cells.flatMap((c) => c.trainableWeights) : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.cells.flatMap((c) => c.nonTrainableWeights) : this.cells.flatMap((c) => c.weights);
  }
  override get losses(): Tensor[] {
    return this.cells.flatMap((c) => c.losses);
  }
  protected override build(shape: Shape | null): void {
    let s: Shape | null = shape;
    for (const c of this.cells) {
      c.buildInScope(this._scope!, s, this._dtype ?? 'float32');
      s = [s?.[0] ?? null, cellOutputSize(c)];
    }
  }
  override buildInScope(scope: Parameters<Layer['buildInScope']>[0], inputShape: unknown, dtype: string): void {
    if (this.built) return;
    let s = inputShape as Shape | null;
    for (const c of this.cells) {
      c.buildInScope(scope, s, dtype);
      s = [s?.[0] ?? null, cellOutputSize(c)];
    }
    this.built = true;
  }
  protected call(x: Tensor, states: Tensor[], kw: Record<string, unknown>): [Tensor, Tensor[]] {
    let at = 0;
    let out = x;
    const next: Tensor[] = [];
    for (const c of this.cells) {
      const n = flatStateSize(c).length;
      const [o, ns] = c.callStep(out, states.slice(at, at + n), kw);
      at += n;
      out = o;
      next.push(...ns);
    }
    return [out, next];
  }
}
