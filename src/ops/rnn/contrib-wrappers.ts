/**
 * TF1's cell wrappers beyond Dropout/Residual: `AttentionCellWrapper` and `HighwayWrapper`
 * (contrib/rnn/python/ops/rnn_cell.py), `InputProjectionWrapper`, `OutputProjectionWrapper` and
 * `EmbeddingWrapper` (contrib/rnn/python/ops/core_rnn_cell.py) and `DeviceWrapper`
 * (rnn_cell_impl.py). A wrapper with variables of its own opens its layer scope
 * (`attention_cell_wrapper`, …) and calls the wrapped cell inside it, so the wrapped cell's
 * variables nest there as in TF (`attention_cell_wrapper/lstm_cell/kernel`). HighwayWrapper, as
 * TF's, opens no scope: `carry_w`, `carry_b` sit in the enclosing one.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { device, getDefaultGraph } from '../../graph/context.js';
import { initScope } from '../../graph/init-scope.js';
import type { Tensor } from '../../graph/tensor.js';
import type { DeviceFunction } from '../../graph/graph.js';
import { getVariable } from '../../scope/get-variable.js';
import { type Initializer, constantInitializer, randomUniformInitializer, zerosInitializer } from '../../scope/initializers.js';
import { type VariableScope, getVariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, expandDims, reshape, slice } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { embeddingLookup } from '../embedding.js';
import { add, matmul, multiply, reduceSum, sigmoid, subtract, tanh } from '../math.js';
import { softmax } from '../nn.js';
import type { Variable } from '../variables.js';
import { RNNCell, type RNNState, type SizeStruct, flattenStruct } from './cells.js';

type Act = (x: Tensor) => Tensor;

const lastDim = (t: Tensor): number => {
  const d = t.shape?.[t.shape.length - 1];
  if (d === null || d === undefined) throw new ValueError(`linear expects shape[1] to be provided for shape ${t.shape === null ? '<unknown>' : `(${t.shape.map((x) => x ?? '?').join(', ')})`}, but saw None`);
  return d;
};

function checkCell(cell: unknown): RNNCell {
  if (!(cell instanceof RNNCell)) throw new TypeError('The parameter cell is not RNNCell.');
  return cell;
}

/** A variable made outside any loop being built (the first step may run inside tf.nn.dynamicRnn's loop). */
function makeVar(into: Variable[], name: string, opts: Record<string, unknown>): Variable {
  const v = initScope(getDefaultGraph(), () => getVariable(name, opts));
  into.push(v);
  return v;
}

/** `_Linear`: `kernel` (scope default initializer) and `bias` (zeros) in the current scope. */
function linearVars(into: Variable[], depth: number, out: number, dtype: string): [Variable, Variable] {
  return [makeVar(into, 'kernel', { shape: [depth, out], dtype }), makeVar(into, 'bias', { shape: [out], dtype, initializer: zerosInitializer() })];
}

const applyLinear = (x: Tensor, [k, b]: [Variable, Variable]): Tensor => add(matmul(x, k.value()), b.value());

/** A wrapper that owns a layer scope: the first call opens it (uniquified), later calls re-enter it. */
abstract class ScopedWrapper extends RNNCell {
  readonly cell: RNNCell;
  protected own: Variable[] = [];
  private vscope: VariableScope | null = null;
  constructor(baseName: string, cell: unknown) {
    super(baseName);
    this.cell = checkCell(cell);
  }
  get variables(): Variable[] {
    return [...this.own, ...this.cell.variables];
  }
  protected build(): void {}
  protected step(): [Tensor, RNNState] {
    throw new ValueError(`${this.constructor.name} steps through its cell`);
  }
  protected abstract run(inputs: Tensor, state: RNNState, first: boolean): [Tensor, RNNState];
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    if (!this.vscope) {
      return variableScope(scope ?? null, { defaultName: this.baseName }, (vs) => {
        this.vscope = vs;
        this.scopeName = vs.name;
        const r = this.run(x, state, true);
        this.built = true;
        return r;
      });
    }
    return variableScope(this.vscope, () => this.run(x, state, false));
  }
}

export interface AttentionCellWrapperOpts {
  attnSize?: number | null;
  attnVecSize?: number | null;
  inputSize?: number | null;
  stateIsTuple?: boolean;
  reuse?: boolean | null;
}

/**
 * `AttentionCellWrapper(cell, attnLength, {attnSize = cell.outputSize, attnVecSize = attnSize,
 * inputSize, stateIsTuple = true})`: Bahdanau-style attention over the last attnLength outputs.
 * State `(cellState, attns [B, attnSize], attnStates [B, attnLength·attnSize])`; variables
 * `kernel`/`bias` (input projection), the cell's, `attention/attn_w` `[1, 1, attnSize,
 * attnVecSize]`, `attention/attn_v`, `attention/kernel`, `attention/bias`,
 * `attn_output_projection/kernel`, `/bias`.
 */
export class AttentionCellWrapper extends ScopedWrapper {
  readonly attnLength: number;
  readonly attnSize: number;
  readonly attnVecSize: number;
  readonly stateIsTuple: boolean;
  private readonly inputSize: number | null;
  private lin1: [Variable, Variable] | null = null;
  private lin2: [Variable, Variable] | null = null;
  private lin3: [Variable, Variable] | null = null;
  private attnW: Variable | null = null;
  private attnV: Variable | null = null;
  constructor(cell: RNNCell, attnLength: number, opts: AttentionCellWrapperOpts = {}) {
    super('attention_cell_wrapper', cell);
    this.stateIsTuple = opts.stateIsTuple ?? true;
    if (flattenStruct(this.cell.stateSize).length > 1 && !this.stateIsTuple) {
      throw new ValueError(`Cell returns tuple of states, but the flag state_is_tuple is not set. State size is: ${JSON.stringify(this.cell.stateSize)}`);
    }
    if (!(attnLength > 0)) throw new ValueError(`attn_length should be greater than zero, got ${String(attnLength)}`);
    this.attnLength = attnLength;
    this.attnSize = opts.attnSize ?? (this.cell.outputSize as number);
    this.attnVecSize = opts.attnVecSize ?? this.attnSize;
    this.inputSize = opts.inputSize ?? null;
  }
  get stateSize(): SizeStruct {
    const parts: SizeStruct[] = [this.cell.stateSize, this.attnSize, this.attnSize * this.attnLength];
    return this.stateIsTuple ? parts : (this.cell.stateSize as number) + this.attnSize + this.attnSize * this.attnLength;
  }
  get outputSize(): number {
    return this.attnSize;
  }
  protected run(inputs: Tensor, state: RNNState, first: boolean): [Tensor, RNNState] {
    const A = this.attnSize;
    const L = this.attnLength;
    const V = this.attnVecSize;
    const dt = inputs.dtype;
    let cellState: RNNState;
    let attns: Tensor;
    let attnStates: Tensor;
    if (this.stateIsTuple) {
      if (!Array.isArray(state) || state.length !== 3) throw new ValueError('AttentionCellWrapper expects the state (cell_state, attns, attn_states)');
      [cellState, attns, attnStates] = state as [RNNState, Tensor, Tensor];
    } else {
      const cs = this.cell.stateSize as number;
      const s = state as Tensor;
      cellState = slice(s, [0, 0], [-1, cs]);
      attns = slice(s, [0, cs], [-1, A]);
      attnStates = slice(s, [0, cs + A], [-1, A * L]);
    }
    attnStates = reshape(attnStates, [-1, L, A]);
    if (first) this.lin1 = linearVars(this.own, lastDim(inputs) + A, this.inputSize ?? lastDim(inputs), dt);
    const x = applyLinear(concat([inputs, attns], 1), this.lin1!);
    const [cellOut, newState] = this.cell.call(x, cellState);
    const flat = flattenStruct(newState) as Tensor[];
    const query = this.stateIsTuple ? concat(flat, 1) : (newState as Tensor);
    const [newAttns, rest] = variableScope('attention', () => {
      if (first) {
        this.attnW = makeVar(this.own, 'attn_w', { shape: [1, 1, A, V], dtype: dt });
        this.attnV = makeVar(this.own, 'attn_v', { shape: [V], dtype: dt });
        this.lin3 = linearVars(this.own, lastDim(query), V, dt);
      }
      const hidden = reshape(attnStates, [-1, L, 1, A]);
      // the 1×1 convolution of TF's attention is a matmul over the last axis
      const features = reshape(matmul(reshape(attnStates, [-1, A]), reshape(this.attnW!.value(), [A, V])), [-1, L, 1, V]);
      const y = reshape(applyLinear(query, this.lin3!), [-1, 1, 1, V]);
      const s = reduceSum(multiply(this.attnV!.value(), tanh(add(features, y))), [2, 3]);
      const a = softmax(s);
      const d = reduceSum(multiply(reshape(a, [-1, L, 1, 1]), hidden), [1, 2]);
      return [reshape(d, [-1, A]), slice(attnStates, [0, 1, 0], [-1, -1, -1])] as const;
    });
    const output = variableScope('attn_output_projection', () => {
      if (first) this.lin2 = linearVars(this.own, lastDim(cellOut) + A, A, dt);
      return applyLinear(concat([cellOut, newAttns], 1), this.lin2!);
    });
    const newAttnStates = reshape(concat([rest, expandDims(output, 1)], 1), [-1, L * A]);
    const ns: RNNState = this.stateIsTuple ? [newState, newAttns, newAttnStates] : concat([newState as Tensor, newAttns, newAttnStates], 1);
    return [output, ns];
  }
}

/**
 * `HighwayWrapper(cell, {coupleCarryTransformGates = true, carryBiasInit = 1})`: output = x·t_c +
 * cell(x)·t, t_c = σ(x·carry_w + carry_b), t = 1 − t_c (or σ(x·transform_w + transform_b)).
 */
export class HighwayWrapper extends RNNCell {
  readonly cell: RNNCell;
  private readonly couple: boolean;
  private readonly carryBiasInit: number;
  private own: Variable[] = [];
  constructor(cell: RNNCell, opts: { coupleCarryTransformGates?: boolean; carryBiasInit?: number } = {}) {
    super('highway_wrapper');
    this.cell = checkCell(cell);
    this.couple = opts.coupleCarryTransformGates ?? true;
    this.carryBiasInit = opts.carryBiasInit ?? 1.0;
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): SizeStruct {
    return this.cell.outputSize;
  }
  get variables(): Variable[] {
    return [...this.cell.variables, ...this.own];
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return getDefaultGraph().nameScope('HighwayWrapperZeroState', () => this.cell.zeroState(batchSize, dtype));
  }
  protected build(): void {}
  protected step(): [Tensor, RNNState] {
    throw new ValueError('HighwayWrapper steps through its cell');
  }
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    const [out, ns] = this.cell.call(x, state, scope);
    if (x.shape !== null && out.shape !== null && (x.shape.length !== out.shape.length || x.shape.some((d, i) => d !== null && out.shape![i] !== null && d !== out.shape![i]))) {
      throw new ValueError(`Shapes (${x.shape.map((d) => d ?? '?').join(', ')}) and (${out.shape.map((d) => d ?? '?').join(', ')}) are incompatible`);
    }
    if (!this.built) {
      if (x.shape === null || x.shape.length !== 2) throw new ValueError(`Shape must be rank 2 for HighwayWrapper inputs`);
      const d = lastDim(x);
      makeVar(this.own, 'carry_w', { shape: [d, d], dtype: x.dtype });
      makeVar(this.own, 'carry_b', { shape: [d], dtype: x.dtype, initializer: constantInitializer(this.carryBiasInit) });
      if (!this.couple) {
        makeVar(this.own, 'transform_w', { shape: [d, d], dtype: x.dtype });
        makeVar(this.own, 'transform_b', { shape: [d], dtype: x.dtype, initializer: constantInitializer(-this.carryBiasInit) });
      }
      this.built = true;
    }
    const [cw, cb, tw, tb] = this.own;
    const carry = sigmoid(add(matmul(x, cw!.value()), cb!.value()));
    const transform = this.couple ? subtract(1, carry) : sigmoid(add(matmul(x, tw!.value()), tb!.value()));
    return [add(multiply(x, carry), multiply(out, transform)), ns];
  }
}

/** `InputProjectionWrapper(cell, numProj, {activation, inputSize})`: a linear map (`kernel`, `bias`) of the inputs before the cell. */
export class InputProjectionWrapper extends ScopedWrapper {
  readonly numProj: number;
  private readonly activation: Act | null;
  private lin: [Variable, Variable] | null = null;
  constructor(cell: RNNCell, numProj: number | { numProj: number; activation?: Act | null; inputSize?: number | null; reuse?: boolean | null }, opts?: { activation?: Act | null; inputSize?: number | null; reuse?: boolean | null });
  constructor(...args: unknown[]) {
    // InputProjectionWrapper(cell, num_proj, activation=None, input_size=None, reuse=None), also by keyword
    const o = kwargs(args, ['cell', 'numProj', 'activation', 'inputSize', 'reuse'], 'InputProjectionWrapper', 1) as { cell: RNNCell; numProj: number; activation?: Act | null };
    const numProj = o.numProj;
    super('input_projection_wrapper', o.cell);
    const opts = o;
    if (!(Number.isInteger(numProj) && numProj > 0)) throw new ValueError(`Parameter num_proj must be > 0: ${String(numProj)}.`);
    this.numProj = numProj;
    this.activation = opts.activation ?? null;
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): SizeStruct {
    return this.cell.outputSize;
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return getDefaultGraph().nameScope('InputProjectionWrapperZeroState', () => this.cell.zeroState(batchSize, dtype));
  }
  protected run(inputs: Tensor, state: RNNState, first: boolean): [Tensor, RNNState] {
    if (first) this.lin = linearVars(this.own, lastDim(inputs), this.numProj, inputs.dtype);
    let p = applyLinear(inputs, this.lin!);
    if (this.activation) p = this.activation(p);
    return this.cell.call(p, state);
  }
}

/** `OutputProjectionWrapper(cell, outputSize, {activation})`: a linear map (`kernel`, `bias`) of the cell's output. */
export class OutputProjectionWrapper extends ScopedWrapper {
  private readonly outSize: number;
  private readonly activation: Act | null;
  private lin: [Variable, Variable] | null = null;
  constructor(cell: RNNCell, outputSize: number | { outputSize: number; activation?: Act | null; reuse?: boolean | null }, opts?: { activation?: Act | null; reuse?: boolean | null });
  constructor(...args: unknown[]) {
    // OutputProjectionWrapper(cell, output_size, activation=None, reuse=None), also by keyword
    const o = kwargs(args, ['cell', 'outputSize', 'activation', 'reuse'], 'OutputProjectionWrapper', 1) as { cell: RNNCell; outputSize: number; activation?: Act | null };
    const outputSize = o.outputSize;
    super('output_projection_wrapper', o.cell);
    const opts = o;
    if (!(Number.isInteger(outputSize) && outputSize > 0)) throw new ValueError(`Parameter output_size must be > 0: ${String(outputSize)}.`);
    this.outSize = outputSize;
    this.activation = opts.activation ?? null;
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): number {
    return this.outSize;
  }
  override get variables(): Variable[] {
    return [...this.cell.variables, ...this.own];
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return getDefaultGraph().nameScope('OutputProjectionWrapperZeroState', () => this.cell.zeroState(batchSize, dtype));
  }
  protected run(inputs: Tensor, state: RNNState, first: boolean): [Tensor, RNNState] {
    const [out, ns] = this.cell.call(inputs, state);
    if (first) this.lin = linearVars(this.own, lastDim(out), this.outSize, out.dtype);
    let p = applyLinear(out, this.lin!);
    if (this.activation) p = this.activation(p);
    return [p, ns];
  }
}

/**
 * `EmbeddingWrapper(cell, embeddingClasses, embeddingSize, {initializer})`: the int inputs
 * `[batch]` (or `[batch, 1]`) looked up in `embedding` `[classes, size]` (initializer: the given
 * one, else the scope's, else uniform in ±√3) before the cell. TF pins the lookup to /cpu:0;
 * tsflow leaves placement to the session.
 */
export class EmbeddingWrapper extends ScopedWrapper {
  readonly embeddingClasses: number;
  readonly embeddingSize: number;
  private readonly initializer: Initializer | null;
  private embedding: Variable | null = null;
  constructor(cell: RNNCell, embeddingClasses: number, embeddingSize: number, opts: { initializer?: Initializer | null; reuse?: boolean | null } = {}) {
    super('embedding_wrapper', cell);
    if (!(embeddingClasses > 0 && embeddingSize > 0)) {
      throw new ValueError(`Both embedding_classes and embedding_size must be > 0: ${String(embeddingClasses)}, ${String(embeddingSize)}.`);
    }
    this.embeddingClasses = embeddingClasses;
    this.embeddingSize = embeddingSize;
    this.initializer = opts.initializer ?? null;
  }
  get stateSize(): SizeStruct {
    return this.cell.stateSize;
  }
  get outputSize(): SizeStruct {
    return this.cell.outputSize;
  }
  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return getDefaultGraph().nameScope('EmbeddingWrapperZeroState', () => this.cell.zeroState(batchSize, dtype));
  }
  protected run(inputs: Tensor, state: RNNState, first: boolean): [Tensor, RNNState] {
    if (first) {
      const dtype = (flattenStruct(state)[0] as Tensor).dtype;
      const init = this.initializer ?? (getVariableScope().initializer as Initializer | null) ?? randomUniformInitializer(-Math.sqrt(3), Math.sqrt(3));
      this.embedding = makeVar(this.own, 'embedding', { shape: [this.embeddingClasses, this.embeddingSize], initializer: init, dtype });
    }
    const embedded = embeddingLookup(this.embedding!.value(), reshape(inputs, [-1]));
    return this.cell.call(embedded, state);
  }
}

/** `tf.nn.rnnCell.DeviceWrapper(cell, device)`: the cell's ops (and its zero state) placed on `device`. */
export class DeviceWrapper extends RNNCell {
  readonly cell: RNNCell;
  readonly device: string | DeviceFunction;
  constructor(cell: RNNCell, dev: string | DeviceFunction) {
    super('device_wrapper');
    this.cell = checkCell(cell);
    this.device = dev;
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
    return getDefaultGraph().nameScope('DeviceWrapperZeroState', () => device(this.device, () => this.cell.zeroState(batchSize, dtype)));
  }
  protected build(): void {}
  protected step(): [Tensor, RNNState] {
    throw new ValueError('DeviceWrapper steps through its cell');
  }
  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    return device(this.device, () => this.cell.call(inputs, state, scope));
  }
}
