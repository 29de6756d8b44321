/**
 * TF1's RNN cells (`tf.nn.rnnCell.*`, aliased as `tf.contrib.rnn.*`): `BasicRNNCell`,
 * `BasicLSTMCell`, `LSTMCell` (peepholes, projection, clipping), `GRUCell`, `MultiRNNCell`,
 * `DropoutWrapper`, `ResidualWrapper` and `LSTMStateTuple`. A cell makes its variables on its
 * first call, in a variable scope named as TF1's layer would be (`basic_lstm_cell`,
 * `lstm_cell`, `gru_cell/gates`, `multi_rnn_cell/cell_0/...`, uniquified per enclosing scope),
 * so a TF-written checkpoint restores by name; later calls reuse them. Variables made while a
 * `tf.whileLoop` body is being built (`tf.nn.dynamicRnn`) are made outside the loop, as TF1's
 * variable creation leaves the control-flow context, and enter the loop as loop constants.
 */
import { ValueError } from '../../errors.js';
import { kwargs } from '../../args.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Tensor } from '../../graph/tensor.js';
import { getVariable } from '../../scope/get-variable.js';
import { type Initializer, constantInitializer, zerosInitializer } from '../../scope/initializers.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, zeros } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { add, clipByValue, matmul, multiply, sigmoid, subtract, tanh } from '../math.js';
import { dropout } from '../nn.js';
import { registerTupleType } from '../control-flow/nest.js';
import { split } from '../split.js';
import type { Variable } from '../variables.js';
import { initScope } from '../../graph/init-scope.js';

/** `LSTMStateTuple(c, h)`: an LSTM's cell state and output, TF1's namedtuple (also `[0]`, `[1]`). */
export class LSTMStateTuple<T = Tensor> {
  constructor(readonly c: T, readonly h: T) {}
  get 0(): T {
    return this.c;
  }
  get 1(): T {
    return this.h;
  }
  get length(): 2 {
    return 2;
  }
  *[Symbol.iterator](): Iterator<T> {
    yield this.c;
    yield this.h;
  }
  /** The dtype of the state (TF1's `LSTMStateTuple.dtype`); the two must agree. */
  get dtype(): string {
    const { c, h } = this as unknown as LSTMStateTuple<Tensor>;
    if (!(c instanceof Tensor) || !(h instanceof Tensor)) throw new TypeError('LSTMStateTuple.dtype needs tensors');
    if (c.dtype !== h.dtype) throw new TypeError(`Inconsistent internal state: ${c.dtype} vs ${h.dtype}`);
    return c.dtype;
  }
}

// An LSTMStateTuple nests as the pair (c, h) in tf.whileLoop's and tf.cond's structures.
registerTupleType<LSTMStateTuple<unknown>>(LSTMStateTuple, (x) => [x.c, x.h], ([c, h]) => new LSTMStateTuple(c, h));

/** A state (or a size) structure: a leaf, an LSTMStateTuple, or a tuple of structures. */
export type Struct<T> = T | LSTMStateTuple<T> | readonly Struct<T>[];
export type RNNState = Struct<Tensor>;
export type SizeStruct = Struct<number>;

export function flattenStruct<T>(s: Struct<T>): T[] {
  if (s instanceof LSTMStateTuple) return [...flattenStruct(s.c as Struct<T>), ...flattenStruct(s.h as Struct<T>)];
  if (Array.isArray(s)) return (s as Struct<T>[]).flatMap((x) => flattenStruct(x));
  return [s as T];
}

export function packStruct<T, U>(like: Struct<T>, flat: readonly U[]): Struct<U> {
  let i = 0;
  const go = (x: Struct<T>): Struct<U> => {
    if (x instanceof LSTMStateTuple) {
      const c = go(x.c as Struct<T>);
      return new LSTMStateTuple(c, go(x.h as Struct<T>)) as Struct<U>;
    }
    if (Array.isArray(x)) return (x as Struct<T>[]).map(go);
    return flat[i++]!;
  };
  const out = go(like);
  if (i !== flat.length) throw new ValueError(`Structure has ${i} elements, but the flat sequence has ${flat.length} elements.`);
  return out;
}

export function mapStruct<T, U>(s: Struct<T>, fn: (x: T, i: number) => U): Struct<U> {
  return packStruct(s, flattenStruct(s).map(fn));
}


const activationOf = (a: ((x: Tensor) => Tensor) | null | undefined): ((x: Tensor) => Tensor) => a ?? ((x) => tanh(x));

function depthOf(inputs: Tensor): number {
  const d = inputs.shape?.[inputs.shape.length - 1];
  if (d === null || d === undefined) throw new ValueError(`Expected inputs.shape[-1] to be known, saw shape: ${inputs.shape === null ? '<unknown>' : `(${inputs.shape.map((x) => (x === null ? '?' : x)).join(', ')})`}`);
  return d;
}

/** TF1's RNNCell: `call(inputs, state)` gives `[output, newState]`; `zeroState(batchSize, dtype)`. */
export abstract class RNNCell {
  protected built = false;
  /** The variable scope the cell's variables were made in (TF1's layer scope). */
  scopeName: string | null = null;

  constructor(protected readonly baseName: string) {
    // zero_state(batch_size, dtype) also by keyword: zeroState({batchSize: 1, dtype: tf.float32}),
    // for whichever subclass's zeroState is in effect
    const own = this.zeroState;
    this.zeroState = (...args: unknown[]): RNNState => {
      const o = kwargs(args, ['batchSize', 'dtype'], 'zero_state', 1) as { batchSize: number | Tensor; dtype?: string };
      return own.call(this, o.batchSize, o.dtype ?? 'float32');
    };
  }

  abstract get stateSize(): SizeStruct;
  abstract get outputSize(): SizeStruct;
  /** Make the cell's variables (inside its scope) for inputs of depth `depth`. */
  protected abstract build(inputs: Tensor): void;
  /** One step, the variables already made. */
  protected abstract step(inputs: Tensor, state: RNNState): [Tensor, RNNState];

  /** `cell(inputs, state)`: one step; the first call makes the variables in `scope` (default: the cell's layer name). */
  call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    if (!this.built) {
      initScope(getDefaultGraph(), () =>
        variableScope(scope ?? null, { defaultName: this.baseName }, (vs) => {
          this.scopeName = vs.name;
          this.build(x);
        }),
      );
      this.built = true;
    }
    return this.step(x, state);
  }

  /** Zeros of the state's structure, `[batchSize, size]` per leaf (batchSize a number or a scalar tensor). */
  zeroState(batchSize: number | Tensor | { batchSize: number | Tensor; dtype?: string }, dtype = 'float32'): RNNState {
    const g = getDefaultGraph();
    return g.nameScope(`${this.constructor.name}ZeroState`, () => mapStruct(this.stateSize, (n) => zeros([batchSize as never, n], dtype)));
  }

  /** Variables made by this cell (after its first call). */
  abstract get variables(): Variable[];
  get trainableVariables(): Variable[] {
    return this.variables.filter((v) => v.trainable);
  }
  get weights(): Variable[] {
    return this.variables;
  }
}

interface CellOpts {
  activation?: ((x: Tensor) => Tensor) | null;
  reuse?: boolean | null;
  name?: string | null;
  dtype?: string | null;
}

/**
 * A cell constructor's arguments as TF1 takes them: `(first, ...positional, {keywords})` in TF1's
 * parameter order, or one object holding the first parameter too (`{numUnits, ...}`).
 */
function cellArgs<O>(args: readonly unknown[], names: readonly string[], where: string): [unknown, O] {
  const a = kwargs(args, names, where, 1);
  return [a[names[0]!], a as O];
}
const BASIC_RNN_ARGS = ['numUnits', 'activation', 'reuse', 'name', 'dtype'] as const;
const GRU_ARGS = ['numUnits', 'activation', 'reuse', 'kernelInitializer', 'biasInitializer', 'name', 'dtype'] as const;
const BASIC_LSTM_ARGS = ['numUnits', 'forgetBias', 'stateIsTuple', 'activation', 'reuse', 'name', 'dtype'] as const;
const LSTM_ARGS = ['numUnits', 'usePeepholes', 'cellClip', 'initializer', 'numProj', 'projClip', 'numUnitShards', 'numProjShards',
  'forgetBias', 'stateIsTuple', 'activation', 'reuse', 'name', 'dtype'] as const;

type GRUCellOpts = CellOpts & { kernelInitializer?: Initializer | null; biasInitializer?: Initializer | null };
type BasicLSTMCellOpts = CellOpts & { forgetBias?: number; stateIsTuple?: boolean };

function checkUnits(n: unknown, where: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ValueError(`${where}: num_units must be a positive integer, got ${String(n)}`);
  return n;
}

/** `BasicRNNCell(numUnits, {activation, reuse, name, dtype})`: output = new state = act(W·[x, h] + b). */
export class BasicRNNCell extends RNNCell {
  readonly numUnits: number;
  private readonly activation: (x: Tensor) => Tensor;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  constructor(numUnits: number, opts?: CellOpts);
  constructor(opts: CellOpts & { numUnits: number });
  constructor(numUnits: number, ...positional: unknown[]);
  constructor(...args: unknown[]) {
    const [numUnits, opts] = cellArgs<CellOpts>(args, BASIC_RNN_ARGS, 'BasicRNNCell');
    super(opts.name ?? 'basic_rnn_cell');
    this.numUnits = checkUnits(numUnits, 'BasicRNNCell');
    this.activation = activationOf(opts.activation);
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  get variables(): Variable[] {
    return this.kernel ? [this.kernel, this.bias!] : [];
  }
  protected build(inputs: Tensor): void {
    const depth = depthOf(inputs);
    this.kernel = getVariable('kernel', { shape: [depth + this.numUnits, this.numUnits], dtype: inputs.dtype });
    this.bias = getVariable('bias', { shape: [this.numUnits], dtype: inputs.dtype, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = add(matmul(concat([inputs, state as Tensor], 1), this.kernel!.value()), this.bias!.value());
    const out = this.activation(h);
    return [out, out];
  }
}

/** `GRUCell(numUnits, {activation, reuse, kernelInitializer, biasInitializer, name, dtype})` with TF1's gates/ and candidate/ variables. */
export class GRUCell extends RNNCell {
  readonly numUnits: number;
  private readonly activation: (x: Tensor) => Tensor;
  private readonly kernelInitializer: Initializer | null;
  private readonly biasInitializer: Initializer | null;
  gateKernel: Variable | null = null;
  gateBias: Variable | null = null;
  candidateKernel: Variable | null = null;
  candidateBias: Variable | null = null;
  constructor(numUnits: number, opts?: GRUCellOpts);
  constructor(opts: GRUCellOpts & { numUnits: number });
  constructor(numUnits: number, ...positional: unknown[]);
  constructor(...args: unknown[]) {
    const [numUnits, opts] = cellArgs<GRUCellOpts>(args, GRU_ARGS, 'GRUCell');
    super(opts.name ?? 'gru_cell');
    this.numUnits = checkUnits(numUnits, 'GRUCell');
    this.activation = activationOf(opts.activation);
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
    return this.gateKernel ? [this.gateKernel, this.gateBias!, this.candidateKernel!, this.candidateBias!] : [];
  }
  protected build(inputs: Tensor): void {
    const depth = depthOf(inputs);
    const n = this.numUnits;
    const dt = inputs.dtype;
    const ki = this.kernelInitializer ? { initializer: this.kernelInitializer } : {};
    variableScope('gates', () => {
      this.gateKernel = getVariable('kernel', { shape: [depth + n, 2 * n], dtype: dt, ...ki });
      this.gateBias = getVariable('bias', { shape: [2 * n], dtype: dt, initializer: this.biasInitializer ?? constantInitializer(1.0, { dtype: dt }) });
    });
    variableScope('candidate', () => {
      this.candidateKernel = getVariable('kernel', { shape: [depth + n, n], dtype: dt, ...ki });
      this.candidateBias = getVariable('bias', { shape: [n], dtype: dt, initializer: this.biasInitializer ?? zerosInitializer() });
    });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = state as Tensor;
    const value = sigmoid(add(matmul(concat([inputs, h], 1), this.gateKernel!.value()), this.gateBias!.value()));
    const [r, u] = split(value, 2, 1) as Tensor[];
    const c = this.activation(add(matmul(concat([inputs, multiply(r!, h)], 1), this.candidateKernel!.value()), this.candidateBias!.value()));
    const newH = add(multiply(u!, h), multiply(subtract(1, u!), c));
    return [newH, newH];
  }
}

/** `BasicLSTMCell(numUnits, {forgetBias = 1, stateIsTuple = true, activation, reuse, name, dtype})`. */
export class BasicLSTMCell extends RNNCell {
  readonly numUnits: number;
  readonly forgetBias: number;
  readonly stateIsTuple: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  constructor(numUnits: number, opts?: BasicLSTMCellOpts);
  constructor(opts: BasicLSTMCellOpts & { numUnits: number });
  constructor(numUnits: number, ...positional: unknown[]);
  constructor(...args: unknown[]) {
    const [numUnits, opts] = cellArgs<BasicLSTMCellOpts>(args, BASIC_LSTM_ARGS, 'BasicLSTMCell');
    super(opts.name ?? 'basic_lstm_cell');
    this.numUnits = checkUnits(numUnits, 'BasicLSTMCell');
    this.forgetBias = opts.forgetBias ?? 1.0;
    this.stateIsTuple = opts.stateIsTuple ?? true;
    this.activation = activationOf(opts.activation);
  }
  get stateSize(): SizeStruct {
    return this.stateIsTuple ? new LSTMStateTuple(this.numUnits, this.numUnits) : 2 * this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  get variables(): Variable[] {
    return this.kernel ? [this.kernel, this.bias!] : [];
  }
  protected build(inputs: Tensor): void {
    const depth = depthOf(inputs);
    this.kernel = getVariable('kernel', { shape: [depth + this.numUnits, 4 * this.numUnits], dtype: inputs.dtype });
    this.bias = getVariable('bias', { shape: [4 * this.numUnits], dtype: inputs.dtype, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    let c: Tensor;
    let h: Tensor;
    if (this.stateIsTuple) {
      if (!(state instanceof LSTMStateTuple)) throw new TypeError('BasicLSTMCell with state_is_tuple=True expects an LSTMStateTuple state');
      [c, h] = [state.c as Tensor, state.h as Tensor];
    } else {
      [c, h] = split(state as Tensor, 2, 1) as [Tensor, Tensor];
    }
    const gates = add(matmul(concat([inputs, h], 1), this.kernel!.value()), this.bias!.value());
    const [i, j, f, o] = split(gates, 4, 1) as Tensor[];
    const newC = add(multiply(c, sigmoid(add(f!, this.forgetBias))), multiply(sigmoid(i!), this.activation(j!)));
    const newH = multiply(this.activation(newC), sigmoid(o!));
    return [newH, this.stateIsTuple ? new LSTMStateTuple(newC, newH) : concat([newC, newH], 1)];
  }
}

export interface LSTMCellOpts extends CellOpts {
  usePeepholes?: boolean;
  cellClip?: number | null;
  initializer?: Initializer | null;
  numProj?: number | null;
  projClip?: number | null;
  numUnitShards?: number | null;
  numProjShards?: number | null;
  forgetBias?: number;
  stateIsTuple?: boolean;
}

/**
 * `LSTMCell(numUnits, {usePeepholes, cellClip, initializer, numProj, projClip, forgetBias = 1,
 * stateIsTuple = true, activation, reuse, name, dtype})`: TF1's `lstm_cell/kernel`
 * `[input + (numProj || numUnits), 4·numUnits]`, `/bias`, `/w_f_diag`, `/w_i_diag`, `/w_o_diag`
 * and `/projection/kernel`.
 */
export class LSTMCell extends RNNCell {
  readonly numUnits: number;
  readonly usePeepholes: boolean;
  readonly cellClip: number | null;
  readonly numProj: number | null;
  readonly projClip: number | null;
  readonly forgetBias: number;
  readonly stateIsTuple: boolean;
  private readonly initializer: Initializer | null;
  private readonly activation: (x: Tensor) => Tensor;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  wFDiag: Variable | null = null;
  wIDiag: Variable | null = null;
  wODiag: Variable | null = null;
  projKernel: Variable | null = null;
  constructor(numUnits: number, opts?: LSTMCellOpts);
  constructor(opts: LSTMCellOpts & { numUnits: number });
  constructor(numUnits: number, ...positional: unknown[]);
  constructor(...args: unknown[]) {
    const [numUnits, opts] = cellArgs<LSTMCellOpts>(args, LSTM_ARGS, 'LSTMCell');
    super(opts.name ?? 'lstm_cell');
    this.numUnits = checkUnits(numUnits, 'LSTMCell');
    if ((opts.numUnitShards ?? null) !== null || (opts.numProjShards ?? null) !== null) {
      throw new ValueError('LSTMCell: num_unit_shards and num_proj_shards are deprecated and not supported; partition with a variable scope partitioner instead');
    }
    this.usePeepholes = opts.usePeepholes ?? false;
    this.cellClip = opts.cellClip ?? null;
    this.numProj = opts.numProj ?? null;
    if (this.numProj !== null) checkUnits(this.numProj, 'LSTMCell num_proj');
    this.projClip = opts.projClip ?? null;
    this.forgetBias = opts.forgetBias ?? 1.0;
    this.stateIsTuple = opts.stateIsTuple ?? true;
    this.initializer = opts.initializer ?? null;
    this.activation = activationOf(opts.activation);
  }
  get stateSize(): SizeStruct {
    const h = this.numProj ?? this.numUnits;
    return this.stateIsTuple ? new LSTMStateTuple(this.numUnits, h) : this.numUnits + h;
  }
  get outputSize(): number {
    return this.numProj ?? this.numUnits;
  }
  get variables(): Variable[] {
    return [this.kernel, this.bias, this.wFDiag, this.wIDiag, this.wODiag, this.projKernel].filter((v): v is Variable => v !== null);
  }
  protected build(inputs: Tensor): void {
    const depth = depthOf(inputs);
    const dt = inputs.dtype;
    const n = this.numUnits;
    const hDepth = this.numProj ?? n;
    const init = this.initializer ? { initializer: this.initializer } : {};
    this.kernel = getVariable('kernel', { shape: [depth + hDepth, 4 * n], dtype: dt, ...init });
    this.bias = getVariable('bias', { shape: [4 * n], dtype: dt, initializer: zerosInitializer() });
    if (this.usePeepholes) {
      this.wFDiag = getVariable('w_f_diag', { shape: [n], dtype: dt, ...init });
      this.wIDiag = getVariable('w_i_diag', { shape: [n], dtype: dt, ...init });
      this.wODiag = getVariable('w_o_diag', { shape: [n], dtype: dt, ...init });
    }
    if (this.numProj !== null) {
      variableScope('projection', () => {
        this.projKernel = getVariable('kernel', { shape: [n, this.numProj!], dtype: dt, ...init });
      });
    }
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const n = this.numUnits;
    let cPrev: Tensor;
    let mPrev: Tensor;
    if (this.stateIsTuple) {
      if (!(state instanceof LSTMStateTuple)) throw new TypeError('LSTMCell with state_is_tuple=True expects an LSTMStateTuple state');
      [cPrev, mPrev] = [state.c as Tensor, state.h as Tensor];
    } else {
      [cPrev, mPrev] = split(state as Tensor, [n, this.numProj ?? n], 1) as [Tensor, Tensor];
    }
    const lstm = add(matmul(concat([inputs, mPrev], 1), this.kernel!.value()), this.bias!.value());
    const [i, j, f, o] = split(lstm, 4, 1) as Tensor[];
    let c: Tensor;
    if (this.usePeepholes) {
      c = add(
        multiply(sigmoid(add(add(f!, this.forgetBias), multiply(this.wFDiag!.value(), cPrev))), cPrev),
        multiply(sigmoid(add(i!, multiply(this.wIDiag!.value(), cPrev))), this.activation(j!)),
      );
    } else {
      c = add(multiply(sigmoid(add(f!, this.forgetBias)), cPrev), multiply(sigmoid(i!), this.activation(j!)));
    }
    if (this.cellClip !== null) c = clipByValue(c, -this.cellClip, this.cellClip);
    let m = this.usePeepholes
      ? multiply(sigmoid(add(o!, multiply(this.wODiag!.value(), c))), this.activation(c))
      : multiply(sigmoid(o!), this.activation(c));
    if (this.numProj !== null) {
      m = matmul(m, this.projKernel!.value());
      if (this.projClip !== null) m = clipByValue(m, -this.projClip, this.projClip);
    }
    return [m, this.stateIsTuple ? new LSTMStateTuple(c, m) : concat([c, m], 1)];
  }
}

/** `MultiRNNCell(cells, {stateIsTuple = true})`: the cells stacked, each in `cell_<i>`. */
export class MultiRNNCell extends RNNCell {
  readonly cells: RNNCell[];
  readonly stateIsTuple: boolean;
  private vscope: VariableScope | null = null;
  constructor(cells: RNNCell[], opts?: { stateIsTuple?: boolean });
  constructor(opts: { cells: RNNCell[]; stateIsTuple?: boolean });
  constructor(cells: RNNCell[], stateIsTuple?: boolean);
  constructor(...args: unknown[]) {
    const [cells, opts] = cellArgs<{ stateIsTuple?: boolean }>(args, ['cells', 'stateIsTuple'], 'MultiRNNCell') as [RNNCell[], { stateIsTuple?: boolean }];
    super('multi_rnn_cell');
    if (!Array.isArray(cells) || cells.length === 0) throw new ValueError('Must specify at least one cell for MultiRNNCell.');
    this.cells = [...cells];
    this.stateIsTuple = opts.stateIsTuple ?? true;
    if (!this.stateIsTuple && this.cells.some((c) => flattenStruct(c.stateSize).length > 1)) {
      throw new ValueError(`Some cells return tuples of states, but the flag state_is_tuple is not set.  State sizes are: ${this.cells.map((c) => JSON.stringify(c.stateSize)).join(', ')}`);
    }
  }
  get stateSize(): SizeStruct {
    if (this.stateIsTuple) return this.cells.map((c) => c.stateSize);
    return this.cells.reduce((s, c) => s + (c.stateSize as number), 0);
  }
  get outputSize(): SizeStruct {
    return this.cells[this.cells.length - 1]!.outputSize;
  }
  get variables(): Variable[] {
    return this.cells.flatMap((c) => c.variables);
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    if (this.stateIsTuple) {
      return getDefaultGraph().nameScope('MultiRNNCellZeroState', () => this.cells.map((c) => c.zeroState(batchSize, dtype)));
    }
    return super.zeroState(batchSize, dtype);
  }
  protected build(): void {}
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    if (!this.vscope) {
      return variableScope(scope ?? null, { defaultName: this.baseName }, (vs) => {
        this.vscope = vs;
        this.scopeName = vs.name;
        return this.step(x, state);
      });
    }
    return variableScope(this.vscope, () => this.step(x, state));
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    let cur = inputs;
    const newStates: RNNState[] = [];
    let start = 0;
    this.cells.forEach((cell, i) => {
      variableScope(`cell_${i}`, () => {
        let s: RNNState;
        if (this.stateIsTuple) {
          if (!Array.isArray(state)) throw new ValueError(`Expected state to be a tuple of length ${this.cells.length}, but received: ${String(state)}`);
          s = (state as RNNState[])[i]!;
        } else {
          const size = cell.stateSize as number;
          s = splitCols(state as Tensor, start, size);
          start += size;
        }
        const [o, ns] = cell.call(cur, s);
        cur = o;
        newStates.push(ns);
      });
    });
    return [cur, this.stateIsTuple ? newStates : concat(newStates as Tensor[], 1)];
  }
}

function splitCols(x: Tensor, start: number, size: number): Tensor {
  const total = x.shape?.[1];
  if (total === null || total === undefined) throw new ValueError('MultiRNNCell with state_is_tuple=False needs the state depth known');
  const sizes = [start, size, total - start - size].filter((v, k) => v > 0 || k === 1);
  const parts = split(x, sizes, 1) as Tensor[];
  return parts[start > 0 ? 1 : 0]!;
}

/** TF1's `_gen_seed`: a per-position seed from the wrapper's seed (tsflow's own hash of the same string). */
function genSeed(seed: number | null, prefix: string, index: number): number | undefined {
  if (seed === null) return undefined;
  const s = `${seed}${prefix}_${index}`;
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

type KeepProb = number | Tensor;

export interface DropoutWrapperOpts {
  inputKeepProb?: KeepProb;
  outputKeepProb?: KeepProb;
  stateKeepProb?: KeepProb;
  variationalRecurrent?: boolean;
  inputSize?: unknown;
  dtype?: string | null;
  seed?: number | null;
  dropoutStateFilterVisitor?: ((s: Tensor | LSTMStateTuple) => boolean | LSTMStateTuple<boolean>) | null;
}

/**
 * `DropoutWrapper(cell, {inputKeepProb, outputKeepProb, stateKeepProb, seed, ...})`: dropout on
 * the cell's inputs, outputs and new state (an LSTMStateTuple's `h` only, as TF1's default state
 * filter). A keep probability of the number 1 adds no op; a tensor is fed or computed.
 */
export class DropoutWrapper extends RNNCell {
  readonly cell: RNNCell;
  private readonly inKp: KeepProb;
  private readonly outKp: KeepProb;
  private readonly stKp: KeepProb;
  private readonly seed: number | null;
  private readonly filter: NonNullable<DropoutWrapperOpts['dropoutStateFilterVisitor']>;
  constructor(cell: RNNCell, opts: DropoutWrapperOpts = {}) {
    super('dropout_wrapper');
    if (!(cell instanceof RNNCell)) throw new TypeError(`The parameter cell is not a RNNCell.`);
    if (opts.variationalRecurrent) throw new ValueError('DropoutWrapper: variational_recurrent is not supported');
    this.cell = cell;
    const check = (p: KeepProb, what: string): KeepProb => {
      if (typeof p === 'number' && (p < 0 || p > 1)) throw new ValueError(`Parameter ${what} must be between 0 and 1: ${p}`);
      return p;
    };
    this.inKp = check(opts.inputKeepProb ?? 1, 'input_keep_prob');
    this.outKp = check(opts.outputKeepProb ?? 1, 'output_keep_prob');
    this.stKp = check(opts.stateKeepProb ?? 1, 'state_keep_prob');
    this.seed = opts.seed ?? null;
    this.filter = opts.dropoutStateFilterVisitor ?? ((s) => (s instanceof LSTMStateTuple ? new LSTMStateTuple(false, true) : true));
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): SizeStruct {
    return this.cell.outputSize;
  }
  get variables(): Variable[] {
    return this.cell.variables;
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return this.cell.zeroState(batchSize, dtype);
  }
  private drop(x: Tensor, kp: KeepProb, prefix: string, index: number): Tensor {
    if (typeof kp === 'number' && kp === 1) return x;
    return dropout(x, kp, { seed: genSeed(this.seed, prefix, index) });
  }
  protected build(): void {}
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = this.drop(toTensor(inputs), this.inKp, 'input', 0);
    const [out, ns] = this.cell.call(x, state, scope);
    const filtered = this.dropState(ns);
    return [this.drop(out, this.outKp, 'output', 0), filtered];
  }
  private dropState(s: RNNState): RNNState {
    let k = 0;
    const visit = (x: RNNState): RNNState => {
      if (x instanceof Tensor || x instanceof LSTMStateTuple) {
        const f = this.filter(x as Tensor | LSTMStateTuple);
        if (x instanceof LSTMStateTuple) {
          const fl = f instanceof LSTMStateTuple ? f : new LSTMStateTuple(Boolean(f), Boolean(f));
          const c = fl.c ? this.drop(x.c as Tensor, this.stKp, 'state', k) : (x.c as Tensor);
          k++;
          const h = fl.h ? this.drop(x.h as Tensor, this.stKp, 'state', k) : (x.h as Tensor);
          k++;
          return new LSTMStateTuple(c, h);
        }
        const out = f ? this.drop(x, this.stKp, 'state', k) : x;
        k++;
        return out;
      }
      return (x as RNNState[]).map(visit);
    };
    return visit(s);
  }
  protected step(): [Tensor, RNNState] {
    throw new ValueError('DropoutWrapper steps through its cell');
  }
}

/** `ResidualWrapper(cell, residualFn?)`: output = inputs + the cell's output; the state unchanged. */
export class ResidualWrapper extends RNNCell {
  readonly cell: RNNCell;
  private readonly residualFn: (inputs: Tensor, outputs: Tensor) => Tensor;
  constructor(cell: RNNCell, residualFn?: ((inputs: Tensor, outputs: Tensor) => Tensor) | null) {
    super('residual_wrapper');
    this.cell = cell;
    this.residualFn = residualFn ?? ((i, o) => add(i, o));
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): SizeStruct {
    return this.cell.outputSize;
  }
  get variables(): Variable[] {
    return this.cell.variables;
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return this.cell.zeroState(batchSize, dtype);
  }
  protected build(): void {}
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    const [out, ns] = this.cell.call(x, state, scope);
    if (x.shape !== null && out.shape !== null && x.shape.length === out.shape.length && x.shape.some((d, i) => d !== null && out.shape![i] !== null && d !== out.shape![i])) {
      throw new ValueError(`Shapes ${String(x.shape)} and ${String(out.shape)} are incompatible`);
    }
    return [this.residualFn(x, out), ns];
  }
  protected step(): [Tensor, RNNState] {
    throw new ValueError('ResidualWrapper steps through its cell');
  }
}
