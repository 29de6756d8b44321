/**
 * `tf.contrib.seq2seq`'s attention (TF 1.15 contrib/seq2seq/python/ops/attention_wrapper.py):
 * - `BahdanauAttention(numUnits, memory, memorySequenceLength?, normalize = false, probabilityFn?,
 *   scoreMaskValue?, dtype?, customKeyValueFn?, name = 'BahdanauAttention')`: additive score
 *   `sum(v · tanh(keys + W_q·query))` (normalized: `g · v / |v|` and a bias `b`).
 * - `LuongAttention(numUnits, memory, memorySequenceLength?, scale = false, ...)`: multiplicative
 *   score `query · keys` (scaled by a scalar `g`).
 * - `AttentionWrapper(cell, attentionMechanism, attentionLayerSize?, alignmentHistory = false,
 *   cellInputFn?, outputAttention = true, initialCellState?, name?, attentionLayer?)`: an RNNCell
 *   whose state is an `AttentionWrapperState`.
 * The keys are `memory_layer` (a Dense without bias) of the memory, its rows past
 * `memorySequenceLength` zeroed and their scores set to `scoreMaskValue` (-inf) before the
 * probability function. The variables carry TF's names: `memory_layer/kernel`,
 * `attention_wrapper/bahdanau_attention/query_layer/kernel`, `.../bahdanau_attention/attention_v`,
 * `attention_g`, `attention_b`, `.../luong_attention/attention_g`, `attention_wrapper/attention_layer/kernel`.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { initScope } from '../../graph/init-scope.js';
import { Tensor } from '../../graph/tensor.js';
import { Dense } from '../../layers/dense.js';
import { Layer } from '../../layers/base.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, expandDims, oneHot, onesLike, reshape, shape as shapeOf, squeeze, stack, zeros } from '../../ops/array.js';
import { registerTupleType } from '../../ops/control-flow/nest.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { add, argmax, clipByValue, exp, log, matmul, multiply, where } from '../../ops/math.js';
import { softmax } from '../../ops/nn.js';
import { cumsum, sequenceMask } from '../../ops/scan.js';
import { index } from '../../ops/strided-slice.js';
import { TensorArray } from '../../ops/tensor-array.js';
import { type RNNState, type SizeStruct, RNNCell } from '../../ops/rnn/cells.js';
import type { Variable } from '../../ops/variables.js';
import { type BahdanauVariables, bahdanauScore, bahdanauVariables, baseArgs, luongScale, luongScore } from './attention-scores.js';

const pyShape = (s: readonly (number | null)[] | null): string =>
  s === null ? '<unknown>' : `(${s.map((d) => (d === null ? '?' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;

/** Dimension `i` when the graph knows it, else the dynamic `shape(x)[i]`. */
const dimOf = (x: Tensor, i: number): number | Tensor => x.shape?.[i] ?? index(shapeOf(x), i);

/** `hardmax(logits)`: one-hot of the argmax along the last axis, in the logits' dtype. */
export function hardmax(logits: TensorLike, name?: string): Tensor {
  return getDefaultGraph().nameScope(name ?? 'Hardmax', () => {
    const x = toTensor(logits, undefined, 'logits');
    const depth = x.shape?.[x.shape.length - 1] ?? null;
    if (depth === null) throw new ValueError(`hardmax needs the last dimension of logits known, saw shape: ${pyShape(x.shape)}`);
    return oneHot(argmax(x, -1), depth, { dtype: x.dtype });
  });
}

/**
 * `safeCumprod(x, axis?, exclusive?, reverse?)`: cumprod as `exp(cumsum(log(clip(x, tiny, 1))))`,
 * whose gradient stays finite where x is (near) zero.
 */
export function safeCumprod(x: TensorLike, ...rest: unknown[]): Tensor {
  const o = kwargs([x, ...rest], ['x', 'axis', 'exclusive', 'reverse', 'name'], 'safe_cumprod', 1);
  return getDefaultGraph().nameScope((o.name as string | undefined) ?? 'SafeCumprod', () => {
    const t = toTensor(o.x as TensorLike, undefined, 'x');
    const tiny = t.dtype === 'float64' ? 2.2250738585072014e-308 : t.dtype === 'float16' ? 6.104e-5 : 1.1754943508222875e-38;
    return exp(cumsum(log(clipByValue(t, tiny, 1)), (o.axis as number | undefined) ?? 0, (o.exclusive as boolean | undefined) ?? false, (o.reverse as boolean | undefined) ?? false));
  });
}

/** TF's `AttentionMechanism` base class. */
export abstract class AttentionMechanism {}

type ProbabilityFn = (score: Tensor, previous: Tensor) => Tensor;

/** TF's `_maybe_mask_score`: scores past each entry's length set to `value`. */
function maskScore(score: Tensor, lengths: Tensor | null, value: number): Tensor {
  if (lengths === null) return score;
  const mask = sequenceMask(lengths, index(shapeOf(score), 1));
  return where(mask, score, multiply(onesLike(score), value));
}

/** TF's `_BaseAttentionMechanism`: the memory (values), its keys, and the wrapped probability function. */
export abstract class BaseAttentionMechanism extends AttentionMechanism {
  readonly values: Tensor;
  readonly keys: Tensor;
  readonly memoryLayer: Dense | null;
  readonly queryLayer: Dense | null;
  readonly batchSize: number | Tensor;
  readonly alignmentsSize: number | Tensor;
  readonly memorySequenceLength: Tensor | null;
  readonly dtype: string;
  protected readonly probabilityFn: ProbabilityFn;
  protected vscope: VariableScope | null = null;

  constructor(o: {
    queryLayer: Dense | null; memory: TensorLike; probabilityFn: ProbabilityFn; memorySequenceLength: TensorLike | null; memoryLayer: Dense | null;
    scoreMaskValue: number | null; customKeyValueFn: ((m: Tensor) => [Tensor, Tensor]) | null; name: string; dtype: string;
  }) {
    super();
    this.queryLayer = o.queryLayer;
    this.memoryLayer = o.memoryLayer;
    this.dtype = o.dtype;
    const scoreMaskValue = o.scoreMaskValue ?? -Infinity;
    [this.values, this.keys, this.memorySequenceLength] = getDefaultGraph().nameScope(o.name, () => {
      const memory = toTensor(o.memory, undefined, 'memory');
      const s = memory.shape;
      if (s === null || s.length < 3 || s.slice(2).some((d) => d === null)) {
        throw new ValueError(`Expected memory ${memory.name} to have fully defined inner dims, but saw shape: ${pyShape(s)}`);
      }
      let lengths: Tensor | null = null;
      let values = memory;
      if (o.memorySequenceLength !== null && o.memorySequenceLength !== undefined) {
        lengths = toTensor(o.memorySequenceLength, 'int32', 'memory_sequence_length');
        const lb = lengths.shape?.[0] ?? null;
        const mb = s[0] ?? null;
        if (lb !== null && mb !== null && lb !== mb) throw new ValueError('memory_sequence_length and memory tensor batch sizes do not match.');
        const mask = sequenceMask(lengths, index(shapeOf(memory), 1), memory.dtype);
        values = multiply(memory, reshape(mask, concat([shapeOf(mask), new Array<number>(s.length - 2).fill(1)], 0)));
      }
      let keys: Tensor;
      if (o.customKeyValueFn) [keys, values] = o.customKeyValueFn(values);
      else keys = values;
      if (this.memoryLayer !== null) keys = applyDense(this.memoryLayer, keys);
      return [values, keys, lengths] as const;
    });
    this.batchSize = dimOf(this.keys, 0);
    this.alignmentsSize = dimOf(this.keys, 1);
    this.probabilityFn = (score, prev) => o.probabilityFn(maskScore(score, this.memorySequenceLength, scoreMaskValue), prev);
  }

  /** The score's own variables, once created (attention_v, attention_g, ...). */
  abstract get scoreVariables(): Variable[];

  /** The state's size (TF: `alignments_size`). */
  get stateSize(): number | Tensor {
    return this.alignmentsSize;
  }

  /** Zeros `[batchSize, maxTime]`. */
  initialAlignments(batchSize: number | Tensor, dtype: string): Tensor {
    return zeros([batchSize as never, this.alignmentsSize as never], dtype);
  }

  initialState(batchSize: number | Tensor, dtype: string): Tensor {
    return this.initialAlignments(batchSize, dtype);
  }

  /** `[alignments, nextState]` for `query` `[batch, queryDepth]` and the previous state. */
  abstract call(query: Tensor, state: Tensor): [Tensor, Tensor];

  /** Runs `fn` in the mechanism's variable scope (made on the first call under the caller's scope). */
  protected inScope<T>(defaultName: string, fn: () => T): T {
    if (this.vscope === null) {
      return variableScope(null, { defaultName }, (vs) => {
        this.vscope = vs;
        return fn();
      });
    }
    return variableScope(this.vscope, { reuse: true }, fn);
  }
}

/** A Dense layer on inputs of any rank >= 2 with an unknown time dim (flatten, multiply, restore). */
function applyDense(layer: Dense, x: Tensor): Tensor {
  const s = x.shape!;
  if (s.length === 2) return layer.apply(x) as Tensor;
  const depth = s[s.length - 1]!;
  const y = layer.apply(reshape(x, [-1, depth])) as Tensor;
  const dims = s.slice(0, -1).map((d, i) => (d !== null ? toTensor(d, 'int32') : index(shapeOf(x), i)));
  return reshape(y, stack([...dims, toTensor(layer.units, 'int32')]));
}

/** The probability function of a user's `probabilityFn(score)`, default softmax. */
const wrapProb = (fn: unknown): ProbabilityFn => {
  if (fn === null || fn === undefined) return (score) => softmax(score);
  if (typeof fn !== 'function') throw new TypeError(`probability_fn must be callable, saw type: ${typeof fn}`);
  return (score) => (fn as (s: Tensor) => Tensor)(score);
};

const BAHDANAU_NAMES = ['numUnits', 'memory', 'memorySequenceLength', 'normalize', 'probabilityFn', 'scoreMaskValue', 'dtype', 'customKeyValueFn', 'name'] as const;

/** `BahdanauAttention(numUnits, memory, memorySequenceLength?, normalize = false, probabilityFn?, scoreMaskValue?, dtype?, customKeyValueFn?, name)`. */
export class BahdanauAttention extends BaseAttentionMechanism {
  readonly numUnits: number;
  readonly normalize: boolean;
  readonly name: string;
  private vars: BahdanauVariables | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, BAHDANAU_NAMES, 'BahdanauAttention', 2);
    const base = baseArgs(o, 'BahdanauAttention', true, wrapProb(o.probabilityFn));
    super(base);
    this.numUnits = base.queryLayer!.units;
    this.normalize = (o.normalize as boolean | undefined) ?? false;
    this.name = base.name;
  }

  get scoreVariables(): Variable[] {
    return this.vars ? [this.vars.v, this.vars.g, this.vars.b].filter((v): v is Variable => v !== null) : [];
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    return this.inScope('bahdanau_attention', () => {
      const processed = this.queryLayer!.apply(query) as Tensor;
      initScope(getDefaultGraph(), () => {
        this.vars ??= bahdanauVariables(this.numUnits, query.dtype, this.normalize);
      });
      const alignments = this.probabilityFn(bahdanauScore(processed, this.keys, this.vars!), state);
      return [alignments, alignments];
    });
  }
}

const LUONG_NAMES = ['numUnits', 'memory', 'memorySequenceLength', 'scale', 'probabilityFn', 'scoreMaskValue', 'dtype', 'customKeyValueFn', 'name'] as const;

/** `LuongAttention(numUnits, memory, memorySequenceLength?, scale = false, probabilityFn?, scoreMaskValue?, dtype?, customKeyValueFn?, name)`. */
export class LuongAttention extends BaseAttentionMechanism {
  readonly numUnits: number;
  readonly scale: boolean;
  readonly name: string;
  private g: Variable | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, LUONG_NAMES, 'LuongAttention', 2);
    const base = baseArgs(o, 'LuongAttention', false, wrapProb(o.probabilityFn));
    super(base);
    this.numUnits = base.memoryLayer.units;
    this.scale = (o.scale as boolean | undefined) ?? false;
    this.name = base.name;
  }

  get scoreVariables(): Variable[] {
    return this.g ? [this.g] : [];
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    return this.inScope('luong_attention', () => {
      if (this.scale && this.g === null) initScope(getDefaultGraph(), () => { this.g = luongScale(query.dtype); });
      const alignments = this.probabilityFn(luongScore(query, this.keys, this.g), state);
      return [alignments, alignments];
    });
  }
}

/**
 * `AttentionWrapperState(cellState, attention, time, alignments, alignmentHistory,
 * attentionState)`, TF's namedtuple in TF's field order; `clone({...})` replaces fields.
 */
export class AttentionWrapperState {
  constructor(
    readonly cellState: RNNState,
    readonly attention: Tensor,
    readonly time: Tensor,
    readonly alignments: Tensor | readonly Tensor[],
    readonly alignmentHistory: TensorArray | readonly TensorArray[] | readonly [],
    readonly attentionState: Tensor | readonly Tensor[],
  ) {}
  get length(): 6 {
    return 6;
  }
  *[Symbol.iterator](): Iterator<unknown> {
    yield* this.fields();
  }
  fields(): unknown[] {
    return [this.cellState, this.attention, this.time, this.alignments, this.alignmentHistory, this.attentionState];
  }
  clone(changes: Partial<{ cellState: RNNState; attention: Tensor; time: Tensor; alignments: Tensor | readonly Tensor[]; alignmentHistory: TensorArray | readonly TensorArray[]; attentionState: Tensor | readonly Tensor[] }>): AttentionWrapperState {
    const c = { ...this.asObject(), ...changes };
    return new AttentionWrapperState(c.cellState, c.attention, c.time, c.alignments, c.alignmentHistory, c.attentionState);
  }
  private asObject() {
    return { cellState: this.cellState, attention: this.attention, time: this.time, alignments: this.alignments, alignmentHistory: this.alignmentHistory, attentionState: this.attentionState };
  }
}
registerTupleType<AttentionWrapperState>(
  AttentionWrapperState,
  (x) => x.fields(),
  ([a, b, c, d, e, f]) => new AttentionWrapperState(a as RNNState, b as Tensor, c as Tensor, d as Tensor, e as TensorArray, f as Tensor),
);

type AttentionFn = (mech: BaseAttentionMechanism, cellOutput: Tensor, attentionState: Tensor, layer: Layer | null) => [Tensor, Tensor, Tensor];

/** TF's `_compute_attention`: alignments, context = alignments · values, then the attention layer of [cell output, context]. */
const computeAttention: AttentionFn = (mech, cellOutput, attentionState, layer) => {
  const [alignments, next] = mech.call(cellOutput, attentionState);
  const context = squeeze(matmul(expandDims(alignments, 1), mech.values), [1]);
  const attention = layer !== null ? (layer.apply(concat([cellOutput, context], 1)) as Tensor) : context;
  return [attention, alignments, next];
};

const WRAPPER_NAMES = ['cell', 'attentionMechanism', 'attentionLayerSize', 'alignmentHistory', 'cellInputFn', 'outputAttention', 'initialCellState', 'name', 'attentionLayer', 'attentionFn'] as const;

const typeName = (x: unknown): string => (x === null || x === undefined ? "<class 'NoneType'>" : typeof x === 'object' ? `<class '${(x as object).constructor.name}'>` : `<class '${typeof x}'>`);

/** `AttentionWrapper(cell, attentionMechanism, attentionLayerSize?, alignmentHistory?, cellInputFn?, outputAttention?, initialCellState?, name?, attentionLayer?, attentionFn?)`. */
export class AttentionWrapper extends RNNCell {
  readonly cell: RNNCell;
  readonly attentionMechanisms: BaseAttentionMechanism[];
  readonly isMulti: boolean;
  readonly attentionLayers: Layer[] | null;
  readonly attentionLayerSize: number;
  readonly alignmentHistory: boolean;
  readonly outputAttention: boolean;
  private readonly cellInputFn: (inputs: Tensor, attention: Tensor) => Tensor;
  private readonly attentionFn: AttentionFn;
  private readonly initialCellState: RNNState | null;
  private vscope: VariableScope | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, WRAPPER_NAMES, 'AttentionWrapper', 2);
    super((o.name as string | undefined) ?? 'attention_wrapper');
    if (!(o.cell instanceof RNNCell)) throw new TypeError(`The argument 'cell' (${String(o.cell)}) is not an RNNCell`);
    this.cell = o.cell;
    const am = o.attentionMechanism;
    this.isMulti = Array.isArray(am);
    const mechs = (this.isMulti ? am : [am]) as unknown[];
    for (const m of mechs) {
      if (!(m instanceof BaseAttentionMechanism)) throw new TypeError(`attention_mechanism must be an AttentionMechanism or list of multiple AttentionMechanism instances, saw type: ${typeName(m)}`);
    }
    this.attentionMechanisms = mechs as BaseAttentionMechanism[];
    const cif = o.cellInputFn ?? null;
    if (cif !== null && typeof cif !== 'function') throw new TypeError(`cell_input_fn must be callable, saw type: ${typeName(cif)}`);
    this.cellInputFn = (cif as ((i: Tensor, a: Tensor) => Tensor) | null) ?? ((i, a) => concat([i, a], -1));
    const als = o.attentionLayerSize ?? null;
    const al = o.attentionLayer ?? null;
    if (als !== null && al !== null) throw new ValueError('Only one of attention_layer_size and attention_layer should be set');
    if (als !== null) {
      const sizes = (Array.isArray(als) ? als : [als]) as number[];
      if (sizes.length !== mechs.length) throw new ValueError(`If provided, attention_layer_size must contain exactly one integer per attention_mechanism, saw: ${sizes.length} vs ${mechs.length}`);
      this.attentionLayers = sizes.map((n) => new Dense(n, { name: 'attention_layer', useBias: false, dtype: this.attentionMechanisms[0]!.dtype }));
      this.attentionLayerSize = sizes.reduce((s, n) => s + n, 0);
    } else if (al !== null) {
      const layers = (Array.isArray(al) ? al : [al]) as Layer[];
      if (layers.length !== mechs.length) throw new ValueError(`If provided, attention_layer must contain exactly one layer per attention_mechanism, saw: ${layers.length} vs ${mechs.length}`);
      this.attentionLayers = layers;
      this.attentionLayerSize = layers.reduce((s, l) => {
        const u = (l as unknown as { units?: unknown }).units;
        if (typeof u !== 'number') throw new ValueError(`AttentionWrapper: cannot tell the output size of attention_layer ${l.name}`);
        return s + u;
      }, 0);
    } else {
      this.attentionLayers = null;
      this.attentionLayerSize = this.attentionMechanisms.reduce((s, m) => s + m.values.shape![m.values.shape!.length - 1]!, 0);
    }
    this.alignmentHistory = (o.alignmentHistory as boolean | undefined) ?? false;
    this.outputAttention = (o.outputAttention as boolean | undefined) ?? true;
    this.attentionFn = (o.attentionFn as AttentionFn | undefined) ?? computeAttention;
    this.initialCellState = (o.initialCellState as RNNState | undefined) ?? null;
  }

  private itemOrTuple<T>(xs: T[]): T | T[] {
    return this.isMulti ? xs : xs[0]!;
  }

  get outputSize(): SizeStruct {
    return this.outputAttention ? this.attentionLayerSize : this.cell.outputSize;
  }

  /** TF's AttentionWrapperState of sizes (the alignments' sizes may be tensors when max time is unknown). */
  get stateSize(): SizeStruct {
    const al = this.attentionMechanisms.map((m) => m.alignmentsSize);
    return new AttentionWrapperState(
      this.cell.stateSize as never, this.attentionLayerSize as never, [] as never, this.itemOrTuple(al) as never,
      (this.alignmentHistory ? this.itemOrTuple(al) : []) as never, this.itemOrTuple(this.attentionMechanisms.map((m) => m.stateSize)) as never,
    ) as unknown as SizeStruct;
  }

  get variables(): Variable[] {
    const out: Variable[] = [...this.cell.variables];
    for (const m of this.attentionMechanisms) {
      for (const l of [m.memoryLayer, m.queryLayer]) if (l) out.push(...(l.weights as Variable[]));
      out.push(...m.scoreVariables);
    }
    for (const l of this.attentionLayers ?? []) out.push(...(l.weights as Variable[]));
    return [...new Set(out)];
  }

  override zeroState(batchSize: number | Tensor, dtype = 'float32'): RNNState {
    return getDefaultGraph().nameScope('AttentionWrapperZeroState', () => {
      const cellState = this.initialCellState ?? this.cell.zeroState(batchSize, dtype);
      const b = typeof batchSize === 'number' ? batchSize : null;
      for (const m of this.attentionMechanisms) {
        if (b !== null && typeof m.batchSize === 'number' && m.batchSize !== b) throw new ValueError(batchMessage(this.baseName, 'zero_state'));
      }
      const initialAlignments = this.attentionMechanisms.map((m) => m.initialAlignments(batchSize, dtype));
      const history = this.alignmentHistory
        ? this.itemOrTuple(initialAlignments.map((a) => new TensorArray(dtype, 0, { dynamicSize: true, elementShape: a.shape })))
        : [];
      return new AttentionWrapperState(
        cellState, zeros([batchSize as never, this.attentionLayerSize], dtype), zeros([], 'int32'), this.itemOrTuple(initialAlignments), history as never,
        this.itemOrTuple(this.attentionMechanisms.map((m) => m.initialState(batchSize, dtype))),
      ) as unknown as RNNState;
    });
  }

  protected build(): void {}
  protected step(): [Tensor, RNNState] {
    throw new Error('unreachable');
  }

  override call(inputs: TensorLike, state: RNNState, scope?: string): [Tensor, RNNState] {
    const x = toTensor(inputs);
    if (!(state instanceof AttentionWrapperState)) throw new TypeError(`Expected state to be instance of AttentionWrapperState. Received type ${typeName(state)} instead.`);
    if (!this.vscope) {
      return variableScope(scope ?? null, { defaultName: this.baseName }, (vs) => {
        this.vscope = vs;
        this.scopeName = vs.name;
        return this.wrapStep(x, state);
      });
    }
    return variableScope(this.vscope, () => this.wrapStep(x, state));
  }

  private wrapStep(inputs: Tensor, state: AttentionWrapperState): [Tensor, RNNState] {
    const cellInputs = this.cellInputFn(inputs, state.attention);
    const [cellOutput, nextCellState] = this.cell.call(cellInputs, state.cellState);
    const cb = cellOutput.shape?.[0] ?? null;
    for (const m of this.attentionMechanisms) {
      if (cb !== null && typeof m.batchSize === 'number' && m.batchSize !== cb) throw new ValueError(batchMessage(this.baseName, 'call'));
    }
    const prevStates = (this.isMulti ? state.attentionState : [state.attentionState]) as Tensor[];
    const prevHistories = (this.isMulti ? state.alignmentHistory : [state.alignmentHistory]) as TensorArray[];
    const alignments: Tensor[] = [];
    const attentions: Tensor[] = [];
    const states: Tensor[] = [];
    const histories: TensorArray[] = [];
    this.attentionMechanisms.forEach((m, i) => {
      const [attention, al, next] = this.attentionFn(m, cellOutput, prevStates[i]!, this.attentionLayers ? this.attentionLayers[i]! : null);
      if (this.alignmentHistory) histories.push(prevHistories[i]!.write(state.time, al));
      alignments.push(al);
      attentions.push(attention);
      states.push(next);
    });
    const attention = attentions.length === 1 ? attentions[0]! : concat(attentions, 1);
    const next = new AttentionWrapperState(
      nextCellState, attention, add(state.time, 1), this.itemOrTuple(alignments), (this.alignmentHistory ? this.itemOrTuple(histories) : []) as never, this.itemOrTuple(states),
    );
    return [this.outputAttention ? attention : cellOutput, next as unknown as RNNState];
  }
}

const batchMessage = (name: string, where: string): string =>
  `When ${where === 'call' ? 'applying' : 'calling zero_state of'} AttentionWrapper ${name}: Non-matching batch sizes between the memory (encoder output) and the ${where === 'call' ? 'query (decoder output)' : 'requested batch size'}.  Are you using the BeamSearchDecoder?  You may need to tile your memory input via the tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.`;

