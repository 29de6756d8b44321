/**
 * `tf.contrib.seq2seq.Decoder` and `dynamicDecode` (TF 1.15 contrib/seq2seq/python/ops/decoder.py):
 * a `tf.whileLoop` in variable scope `decoder` calling `decoder.step` until every batch entry is
 * finished (or `maximumIterations` steps), writing each step's outputs to TensorArrays. An
 * entry's sequence length is the step at which it finished (+1); with `imputeFinished` its
 * outputs past that are zeros and its state is carried through unchanged.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { expandDims, fill, shape as shapeOf, zeros, zerosLike } from '../../ops/array.js';
import { type Nested, flatten, packAs, tupleTypeOf } from '../../ops/control-flow/nest.js';
import { whileLoop } from '../../ops/control-flow/while.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { add, greaterEqual, logicalNot, logicalOr, reduceAll, where } from '../../ops/math.js';
import { TensorArray } from '../../ops/tensor-array.js';
import type { RNNState } from '../../ops/rnn/cells.js';
import { transposeBatchTime } from './helper.js';

/** TF's Decoder interface (`tf.contrib.seq2seq.Decoder`). */
export abstract class Decoder {
  /** The batch size as a scalar int32 tensor. */
  abstract get batchSize(): Tensor;
  /** The batch size when the graph knows it. */
  abstract get staticBatchSize(): number | null;
  /** Per output: its shape without the batch dim. */
  abstract get outputSize(): Nested<number[]>;
  /** Per output: its dtype. */
  abstract get outputDtype(): Nested<string>;
  /** `[finished, initialInputs, initialState]`. */
  abstract initialize(name?: string): [Tensor, Tensor, RNNState];
  /** `[outputs, nextState, nextInputs, finished]` of one step. */
  abstract step(time: Tensor, inputs: Tensor, state: RNNState, name?: string): [Nested<Tensor>, RNNState, Tensor, Tensor];
  /** Whether the decoder says itself when an entry is finished (then dynamicDecode does not or it in). */
  get tracksOwnFinished(): boolean {
    return false;
  }
  /** Post-processing of the stacked outputs and final state; null when the decoder has none. */
  finalize(_outputs: Nested<Tensor>, _finalState: RNNState, _sequenceLengths: Tensor): [Nested<Tensor>, RNNState] | null {
    return null;
  }
}

/** TF1's `where(cond, x, y)` with a [batch] condition: picks whole rows of x or y. */
function selectRows(cond: Tensor, x: Tensor, y: Tensor): Tensor {
  const r = x.shape?.length ?? y.shape?.length;
  if (r === undefined) throw new ValueError('dynamic_decode: outputs and states need a known rank');
  let c = cond;
  for (let i = 1; i < r; i++) c = expandDims(c, -1);
  return where(c, x, y);
}

const NAMES = ['decoder', 'outputTimeMajor', 'imputeFinished', 'maximumIterations', 'parallelIterations', 'swapMemory', 'scope'] as const;

/**
 * `dynamicDecode(decoder, outputTimeMajor = false, imputeFinished = false, maximumIterations?,
 * parallelIterations = 32, swapMemory = false, scope?)`: `[finalOutputs, finalState,
 * finalSequenceLengths]`, the outputs `[batch, time, ...]` (`[time, batch, ...]` with
 * outputTimeMajor).
 */
export function dynamicDecode(...args: unknown[]): [Nested<Tensor>, RNNState, Tensor] {
  const o = kwargs(args, NAMES, 'dynamic_decode', 1);
  const decoder = o.decoder as Decoder;
  if (!(decoder instanceof Decoder)) throw new TypeError(`Expected decoder to be type Decoder, but saw: ${decoder === null || decoder === undefined ? 'None' : typeof decoder === 'object' ? `<class '${(decoder as object).constructor.name}'>` : typeof decoder}`);
  const outputTimeMajor = (o.outputTimeMajor as boolean | undefined) ?? false;
  const imputeFinished = (o.imputeFinished as boolean | undefined) ?? false;
  const parallel = (o.parallelIterations as number | undefined) ?? 32;
  const g = getDefaultGraph();
  return variableScope((o.scope as string | VariableScope | null | undefined) ?? null, { defaultName: 'decoder' }, () => {
    let maxIt: Tensor | null = null;
    if (o.maximumIterations !== undefined && o.maximumIterations !== null) {
      maxIt = toTensor(o.maximumIterations as TensorLike, 'int32', 'maximum_iterations');
      if (maxIt.shape === null || maxIt.shape.length !== 0) throw new ValueError('maximum_iterations must be a scalar');
    }
    let [initialFinished, initialInputs, initialState] = decoder.initialize();
    const batch = decoder.batchSize;
    const sizes = decoder.outputSize;
    const dtypes = flatten(decoder.outputDtype as Nested<string>);
    // A shape (an array of dims) is a leaf here, not a nested list.
    const shapes = outputShapes(sizes);
    if (shapes.length !== dtypes.length) throw new ValueError(`The decoder has ${shapes.length} output sizes but ${dtypes.length} output dtypes`);
    const zeroOutputs = g.nameScope('zero_outputs', () => shapes.map((s, i) => zeros([batch as never, ...s], dtypes[i]!)));
    if (maxIt !== null) initialFinished = logicalOr(initialFinished, greaterEqual(toTensor(0, 'int32'), maxIt));
    const initialLengths = zerosLike(initialFinished, { dtype: 'int32' });
    const initialTime = toTensor(0, 'int32');
    const staticBatch = decoder.staticBatchSize;
    const initialTas = shapes.map((s, i) => new TensorArray(dtypes[i]!, 0, { dynamicSize: true, elementShape: [staticBatch, ...s] }));
    const structure = decoder.outputSize as Nested<unknown>;
    const packOutputs = <T>(flat: T[]): Nested<T> => packShapes(structure, flat);

    const res = whileLoop(
      (_t: Tensor, _tas: unknown, _s: unknown, _i: unknown, finished: Tensor) => logicalNot(reduceAll(finished)),
      (time: Tensor, tas: Nested<TensorArray>, state: RNNState, inputs: Tensor, finished: Tensor, lengths: Tensor) => {
        const [nextOutputs, decoderState, nextInputs, decoderFinished] = decoder.step(time, inputs, state);
        const nextFinished = decoder.tracksOwnFinished ? decoderFinished : logicalOr(decoderFinished, finished);
        const nextLengths = where(logicalNot(finished), fill(shapeOf(lengths), add(time, 1)), lengths);
        const flatOut = flatten(nextOutputs as Nested<Tensor>) as Tensor[];
        if (flatOut.length !== shapes.length) throw new ValueError(`The decoder's step gave ${flatOut.length} outputs but its output_size has ${shapes.length}`);
        const emit = imputeFinished ? flatOut.map((out, i) => selectRows(finished, zeroOutputs[i]!, out)) : flatOut;
        const flatNew = flatten(decoderState as Nested<Tensor>) as Tensor[];
        const flatCur = flatten(state as Nested<Tensor>) as Tensor[];
        if (flatNew.length !== flatCur.length) throw new ValueError("The two structures don't have the same number of elements.");
        const nextState = imputeFinished
          ? (packAs(state as Nested<Tensor>, flatNew.map((nw, i) => {
              const cur = flatCur[i]!;
              // TF sets the new state's shape to the old one; scalar states and TensorArrays pass through.
              if (cur instanceof TensorArray || nw instanceof TensorArray) return nw;
              return cur.shape !== null && cur.shape.length === 0 ? nw : selectRows(finished, cur, nw);
            })) as RNNState)
          : decoderState;
        const flatTas = flatten(tas as Nested<TensorArray>) as TensorArray[];
        const nextTas = packOutputs(flatTas.map((ta, i) => ta.write(time, emit[i]!)));
        return [add(time, 1), nextTas, nextState, nextInputs, nextFinished, nextLengths];
      },
      [initialTime, packOutputs(initialTas), initialState, initialInputs, initialFinished, initialLengths] as never,
      { parallelIterations: parallel, maximumIterations: maxIt, swapMemory: (o.swapMemory as boolean | undefined) ?? false },
    ) as unknown as [Tensor, Nested<TensorArray>, RNNState, Tensor, Tensor, Tensor];
    const finalTas = flatten(res[1] as Nested<TensorArray>) as TensorArray[];
    let finalState = res[2];
    const finalLengths = res[5];
    let finalOutputs: Nested<Tensor> = packOutputs(finalTas.map((ta) => ta.stack()));
    const fin = decoder.finalize(finalOutputs, finalState, finalLengths);
    if (fin !== null) [finalOutputs, finalState] = fin;
    if (!outputTimeMajor) finalOutputs = packAs(finalOutputs, (flatten(finalOutputs) as Tensor[]).map((t) => transposeBatchTime(t))) as Nested<Tensor>;
    return [finalOutputs, finalState, finalLengths] as [Nested<Tensor>, RNNState, Tensor];
  });
}

const isShape = (x: unknown): x is number[] => Array.isArray(x) && x.every((d) => typeof d === 'number');

/** The output shapes (leaves of `sizes` that are arrays of dims), in nest order. */
function outputShapes(sizes: Nested<number[]>): number[][] {
  const out: number[][] = [];
  const go = (x: unknown): void => {
    if (isShape(x)) out.push(x);
    else if (typeof x === 'number') out.push([x]);
    else flatten1(x).forEach(go);
  };
  go(sizes);
  return out;
}

/** One level of a nested structure's children. */
function flatten1(x: unknown): unknown[] {
  if (Array.isArray(x)) return x;
  const fields = tupleFields(x);
  if (fields) return fields;
  if (typeof x === 'object' && x !== null) return Object.keys(x).sort().map((k) => (x as Record<string, unknown>)[k]);
  throw new ValueError(`dynamic_decode: bad output_size entry ${String(x)}`);
}

function tupleFields(x: unknown): unknown[] | null {
  const tt = tupleTypeOf(x);
  return tt ? tt.fields(x as object) : null;
}

/** `flat` in the structure of `sizes`, each shape leaf taking one value. */
function packShapes<T>(sizes: Nested<unknown>, flat: readonly T[]): Nested<T> {
  let i = 0;
  const go = (x: unknown): unknown => {
    if (isShape(x) || typeof x === 'number') return flat[i++];
    const tt = tupleTypeOf(x);
    if (tt) return tt.make(tt.fields(x as object).map(go));
    if (Array.isArray(x)) return x.map(go);
    const r: Record<string, unknown> = {};
    for (const k of Object.keys(x as object).sort()) r[k] = go((x as Record<string, unknown>)[k]);
    return r;
  };
  return go(sizes) as Nested<T>;
}
