/**
 * TF1's RNN drivers: `tf.nn.staticRnn` (the cell unrolled over a list of inputs),
 * `staticBidirectionalRnn`, `tf.nn.dynamicRnn` (a `tf.whileLoop` over time reading the inputs
 * from a TensorArray and writing the outputs to one, as TF1's `_dynamic_rnn_loop`) and
 * `bidirectionalDynamicRnn`. With `sequenceLength`, a batch entry's outputs past its length are
 * zeros and its state stays the one of its last valid step (TF1's `_rnn_step` with
 * `tf.where`); the dynamic loop stops after the longest sequence.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, expandDims, reshape, shape as shapeOf, stack, transpose, unstack, zeros } from '../array.js';
import { TensorShape } from '../../graph/tensor-shape.js';
import { identity } from '../core.js';
import { index } from '../strided-slice.js';
import { type TensorLike, toTensor } from '../convert.js';
import { add, cast, greaterEqual, less, maximum, minimum, reduceMax, reduceMin, where } from '../math.js';
import { reverse } from '../split.js';
import { whileLoop } from '../control-flow/while.js';
import { TensorArray } from '../tensor-array.js';
import { LSTMStateTuple, type RNNCell, type RNNState, type SizeStruct, flattenStruct, packStruct } from './cells.js';
import { reverseSequence } from './reverse-sequence.js';

type Scope = string | VariableScope | null | undefined;

const dimOf = (t: Tensor, i: number): number | null => (t.shape === null ? null : (t.shape[i] ?? null));

/** Zeros `[batch, size]` for each leaf of `sizes`. */
function zeroOutputs(sizes: SizeStruct, batch: number | Tensor, dtype: string): RNNState {
  return packStruct(sizes, flattenStruct(sizes).map((n) => zeros([batch as never, n], dtype)));
}

/** TF1's `_rnn_step` (skip_conditionals): past a sequence's length, zero output and the state carried through. */
function copyThrough(time: Tensor | number, seqLen: Tensor, zeroOut: Tensor[], state: Tensor[], newOut: Tensor[], newState: Tensor[]): [Tensor[], Tensor[]] {
  const ge = greaterEqual(time as TensorLike, seqLen);
  // [batch, 1, …] so that it broadcasts against outputs of any rank (ConvLSTMCell's are 4-D)
  const doneFor = (t: Tensor): Tensor => (t.shape !== null && t.shape.length > 2 ? reshape(ge, [-1, ...t.shape.slice(1).map(() => 1)]) : expandDims(ge, 1));
  const pick = (old: Tensor, nw: Tensor): Tensor => where(doneFor(nw), old, nw);
  return [newOut.map((o, i) => pick(zeroOut[i]!, o)), newState.map((s, i) => pick(state[i]!, s))];
}

function checkSeqLen(seq: TensorLike | null | undefined): Tensor | null {
  if (seq === undefined || seq === null) return null;
  const t = toTensor(seq, Array.isArray(seq) ? 'int32' : undefined, 'sequence_length');
  if (t.shape !== null && t.shape.length !== 1) {
    throw new ValueError(`sequence_length must be a vector of length batch_size, but saw shape: (${t.shape.map((d) => (d === null ? '?' : d)).join(', ')}${t.shape.length === 1 ? ',' : ''})`);
  }
  return t;
}

const STATIC_NAMES = ['cell', 'inputs', 'initialState', 'dtype', 'sequenceLength', 'scope'] as const;

/**
 * `tf.nn.staticRnn(cell, inputs, initialState?, dtype?, sequenceLength?, scope?)` (TF1's order,
 * or keywords): `[outputs, state]`, one output per input.
 */
export function staticRnn(...args: unknown[]): [Tensor[], RNNState] {
  const o = kwargs(args, STATIC_NAMES, 'static_rnn', 2);
  const cell = o.cell as RNNCell;
  const inputs = o.inputs as Tensor[];
  if (!Array.isArray(inputs)) throw new TypeError('inputs must be a sequence');
  if (inputs.length === 0) throw new ValueError('inputs must not be empty');
  return variableScope((o.scope as Scope) ?? 'rnn', () => {
    const first = toTensor(inputs[0]!);
    const xs = inputs.map((x) => toTensor(x));
    for (const x of xs) {
      const s = x.shape;
      if (s !== null) {
        if (s.length < 2) throw new ValueError(`Shape ${s.length === 0 ? '()' : `(${s.join(', ')},)`} must have rank at least 2`);
        s.slice(1).forEach((d, i) => {
          if (d === null) throw new ValueError(`Input size (dimension ${i} of inputs) must be accessible via shape inference, but saw value None.`);
        });
      }
    }
    const fixed = xs.map((x) => dimOf(x, 0)).find((d) => d !== null) ?? null;
    const batch: number | Tensor = fixed ?? index(shapeOf(first), 0);
    let state: RNNState;
    if (o.initialState !== undefined && o.initialState !== null) state = o.initialState as RNNState;
    else {
      if (!o.dtype) throw new ValueError('If no initial_state is provided, dtype must be specified');
      state = cell.zeroState(batch, o.dtype as string);
    }
    let seq = checkSeqLen(o.sequenceLength as TensorLike | null);
    let zeroOut: Tensor[] = [];
    if (seq) {
      zeroOut = flattenStruct(zeroOutputs(cell.outputSize, batch, first.dtype) as RNNState) as Tensor[];
      seq = cast(seq, 'int32');
      // TF1 builds these for its step conditionals; kept for the graph's shape.
      reduceMin(seq);
      reduceMax(seq);
    }
    const outputs: Tensor[] = [];
    xs.forEach((x, time) => {
      let [out, ns] = cell.call(x, state);
      if (seq) {
        const flatS = flattenStruct(ns) as Tensor[];
        const [fo, fs] = copyThrough(time === 0 ? toTensor(0, 'int32') : toTensor(time, 'int32'), seq, zeroOut, flattenStruct(state) as Tensor[], [out], flatS);
        out = fo[0]!;
        ns = packStruct(ns, fs) as RNNState;
      }
      outputs.push(out);
      state = ns;
    });
    return [outputs, state] as [Tensor[], RNNState];
  });
}

function reverseSeq(seq: Tensor[], lengths: Tensor | null): Tensor[] {
  if (lengths === null) return [...seq].reverse();
  const joined = stack(seq);
  const r = reverseSequence(joined, cast(lengths, 'int64'), { seqAxis: 0, batchAxis: 1 });
  return unstack(r) as Tensor[];
}

const SBI_NAMES = ['cellFw', 'cellBw', 'inputs', 'initialStateFw', 'initialStateBw', 'dtype', 'sequenceLength', 'scope'] as const;

/**
 * `tf.nn.staticBidirectionalRnn(cellFw, cellBw, inputs, initialStateFw?, initialStateBw?, dtype?,
 * sequenceLength?, scope?)`: `[outputs (fw and bw concatenated per step), stateFw, stateBw]`.
 */
export function staticBidirectionalRnn(...args: unknown[]): [Tensor[], RNNState, RNNState] {
  const o = kwargs(args, SBI_NAMES, 'static_bidirectional_rnn', 3);
  const inputs = o.inputs as Tensor[];
  if (!Array.isArray(inputs)) throw new TypeError('inputs must be a list');
  if (inputs.length === 0) throw new ValueError('inputs must not be empty');
  const seq = checkSeqLen(o.sequenceLength as TensorLike | null);
  let fw!: [Tensor[], RNNState];
  let bw!: [Tensor[], RNNState];
  variableScope((o.scope as Scope) ?? 'bidirectional_rnn', () => {
    variableScope('fw', (fwScope) => {
      fw = staticRnn(o.cellFw, inputs, o.initialStateFw ?? null, o.dtype ?? null, seq, fwScope);
    });
    variableScope('bw', (bwScope) => {
      const rev = reverseSeq(inputs.map((x) => toTensor(x)), seq);
      bw = staticRnn(o.cellBw, rev, o.initialStateBw ?? null, o.dtype ?? null, seq, bwScope);
    });
  });
  const outBw = reverseSeq(bw[0], seq);
  const outputs = fw[0].map((f, i) => concat([f, outBw[i]!], 1));
  return [outputs, fw[1], bw[1]];
}

const transposeBatchTime = (x: Tensor): Tensor => {
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError('dynamic_rnn needs inputs of known rank');
  if (r < 2) throw new ValueError(`Expected input tensor ${x.name} to have rank at least 2`);
  return transpose(x, [1, 0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)]);
};

const DYN_NAMES = ['cell', 'inputs', 'sequenceLength', 'initialState', 'dtype', 'parallelIterations', 'swapMemory', 'timeMajor', 'scope'] as const;

/**
 * `tf.nn.dynamicRnn(cell, inputs, sequenceLength?, initialState?, dtype?, parallelIterations?,
 * swapMemory?, timeMajor = false, scope?)`: `[outputs, state]`, outputs `[batch, time, size]`
 * (`[time, batch, size]` with timeMajor), built on tf.whileLoop and TensorArrays.
 */
export function dynamicRnn(...args: unknown[]): [Tensor, RNNState] {
  const o = kwargs(args, DYN_NAMES, 'dynamic_rnn', 2);
  const cell = o.cell as RNNCell;
  const timeMajor = (o.timeMajor as boolean | undefined) ?? false;
  return variableScope((o.scope as Scope) ?? 'rnn', () => {
    let x = toTensor(o.inputs as TensorLike);
    if (!timeMajor) x = transposeBatchTime(x);
    const parallel = (o.parallelIterations as number | undefined) ?? 32;
    let seq = checkSeqLen(o.sequenceLength as TensorLike | null);
    if (seq) seq = identity(cast(seq, 'int32'), 'sequence_length');
    const batch: number | Tensor = dimOf(x, 1) ?? index(shapeOf(x), 1);
    let state: RNNState;
    if (o.initialState !== undefined && o.initialState !== null) state = o.initialState as RNNState;
    else {
      if (!o.dtype) throw new ValueError('If there is no initial_state, you must give a dtype.');
      state = cell.zeroState(batch, o.dtype as string);
    }
    // TF1's _infer_state_dtype: the outputs have the given dtype, else the state's.
    const outDtype = (o.dtype as string | null | undefined) ?? (flattenStruct(state)[0] as Tensor).dtype;
    const [outputs, finalState] = dynamicLoop(cell, x, state, parallel, seq, outDtype);
    return [timeMajor ? outputs : transposeBatchTime(outputs), finalState] as [Tensor, RNNState];
  });
}

/** TF1's `_dynamic_rnn_loop` over time-major inputs. */
function dynamicLoop(cell: RNNCell, x: Tensor, state: RNNState, parallel: number, seq: Tensor | null, outDtype: string): [Tensor, RNNState] {
  const g = getDefaultGraph();
  if (x.shape === null || x.shape.length < 3) throw new ValueError(`Shape ${x.shape === null ? '<unknown>' : `(${x.shape.join(', ')})`} must have rank at least 3`);
  if (x.shape[2] === null) throw new ValueError('Input size (depth of inputs) must be accessible via shape inference, but saw value None.');
  const constTime = x.shape[0]!;
  const constBatch = x.shape[1]!;
  const timeSteps = index(shapeOf(x), 0);
  const batch: number | Tensor = constBatch ?? index(shapeOf(x), 1);
  const outSizes = flattenStruct(cell.outputSize);
  if (outSizes.length !== 1) throw new ValueError('dynamic_rnn: cells with nested outputs are not supported');
  // a number, or a TensorShape (ConvLSTMCell's spatial output)
  const outLeaf = outSizes[0] as unknown;
  const outDims: (number | null)[] = outLeaf instanceof TensorShape ? outLeaf.asList() : [outLeaf as number];
  const zeroOut = seq ? (zeros([batch as never, ...(outDims as number[])], outDtype) as Tensor) : null;
  let minLen: Tensor | null = null;
  let maxLen: Tensor | null = null;
  if (seq) {
    minLen = reduceMin(seq);
    maxLen = reduceMax(seq);
  }
  const time = toTensor(0, 'int32', 'time');
  const base = g.nameScope('dynamic_rnn', (s) => s);
  const outputTa = new TensorArray(outDtype, timeSteps, { elementShape: [constBatch, ...outDims], tensorArrayName: `${base}output_0` });
  const inputTa = new TensorArray(x.dtype, timeSteps, { elementShape: x.shape.slice(1), tensorArrayName: `${base}input_0` }).unstack(x);
  const flatState0 = flattenStruct(state) as Tensor[];
  const loopBound = seq ? minimum(timeSteps, maximum(1, maxLen!)) : timeSteps;
  void minLen;
  const res = whileLoop(
    (t: Tensor) => less(t, loopBound),
    (t: Tensor, ta: TensorArray, ...st: Tensor[]) => {
      const inp = inputTa.read(t);
      const prev = packStruct(state, st) as RNNState;
      let [out, ns] = cell.call(inp, prev);
      let flatNs = flattenStruct(ns) as Tensor[];
      if (seq) {
        const [fo, fs] = copyThrough(t, seq, [zeroOut!], st, [out], flatNs);
        out = fo[0]!;
        flatNs = fs;
      }
      return [add(t, 1), ta.write(t, out), ...flatNs];
    },
    [time, outputTa, ...flatState0],
    { parallelIterations: parallel, maximumIterations: timeSteps },
  ) as unknown as [Tensor, TensorArray, ...Tensor[]];
  const [, finalTa, ...finalFlat] = res;
  const outputs = finalTa.stack();
  (outputs as { shape: (number | null)[] | null }).shape = [constTime, constBatch, ...outDims];
  return [outputs, packStruct(state, finalFlat) as RNNState];
}


const BID_NAMES = ['cellFw', 'cellBw', 'inputs', 'sequenceLength', 'initialStateFw', 'initialStateBw', 'dtype', 'parallelIterations', 'swapMemory', 'timeMajor', 'scope'] as const;

/**
 * `tf.nn.bidirectionalDynamicRnn(cellFw, cellBw, inputs, sequenceLength?, initialStateFw?,
 * initialStateBw?, dtype?, parallelIterations?, swapMemory?, timeMajor?, scope?)`:
 * `[[outputFw, outputBw], [stateFw, stateBw]]`, the backward pass over each sequence reversed
 * within its length.
 */
export function bidirectionalDynamicRnn(...args: unknown[]): [[Tensor, Tensor], [RNNState, RNNState]] {
  const o = kwargs(args, BID_NAMES, 'bidirectional_dynamic_rnn', 3);
  const timeMajor = (o.timeMajor as boolean | undefined) ?? false;
  const seq = checkSeqLen(o.sequenceLength as TensorLike | null);
  const [timeAxis, batchAxis] = timeMajor ? [0, 1] : [1, 0];
  const rev = (t: Tensor): Tensor => (seq ? reverseSequence(t, seq, { seqAxis: timeAxis, batchAxis }) : reverse(t, [timeAxis]));
  let fw!: [Tensor, RNNState];
  let bw!: [Tensor, RNNState];
  const common = { dtype: o.dtype ?? null, parallelIterations: o.parallelIterations ?? null, swapMemory: o.swapMemory ?? false, timeMajor };
  variableScope((o.scope as Scope) ?? 'bidirectional_rnn', () => {
    variableScope('fw', (fwScope) => {
      fw = dynamicRnn(o.cellFw, o.inputs, { sequenceLength: seq, initialState: o.initialStateFw ?? null, ...common, scope: fwScope });
    });
    variableScope('bw', (bwScope) => {
      const inRev = rev(toTensor(o.inputs as TensorLike));
      bw = dynamicRnn(o.cellBw, inRev, { sequenceLength: seq, initialState: o.initialStateBw ?? null, ...common, scope: bwScope });
    });
  });
  return [[fw[0], rev(bw[0])], [fw[1], bw[1]]];
}

export { LSTMStateTuple };
