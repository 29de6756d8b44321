/**
 * `tf.contrib.crf`: a linear-chain CRF as TF 1.15's contrib/crf/python/ops/crf.py builds it.
 * - `crfSequenceScore`, `crfUnaryScore`, `crfBinaryScore`: the unnormalized score of given tag
 *   sequences (positions past a sequence's length count nothing).
 * - `crfMultitagSequenceScore`: the log-sum of the scores of every sequence the tag bitmap allows.
 * - `crfLogNorm`: the log partition function by the forward algorithm (`CrfForwardRnnCell` over
 *   tf.nn.dynamicRnn); 0 for a sequence of length <= 0.
 * - `crfLogLikelihood`: score − log norm, making the `transitions` variable when none is given.
 * - `crfDecode`: Viterbi in the graph (`CrfDecodeForwardRnnCell`, reverse, `CrfDecodeBackwardRnnCell`),
 *   int32 tags (0 past each length) and the best score.
 * - `viterbiDecode`: the same on host arrays (TF's numpy version).
 * Where max_seq_len is 1 the functions take TF's single-step branch: chosen at build time when the
 * dimension is static, by tf.cond (only the chosen branch runs) when it is not.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { getVariable } from '../scope/get-variable.js';
import { concat, expandDims, fill, gather, range, reshape, shape as shapeOf, slice, squeeze, stack, zerosLike } from '../ops/array.js';
import { cond } from '../ops/control-flow/cond.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { add, argmax, cast, equal, lessEqual, maximum, multiply, reduceMax, reduceSum, subtract, where } from '../ops/math.js';
import { reduceLogsumexp } from '../ops/math-extra.js';
import { RNNCell, type RNNState } from '../ops/rnn/cells.js';
import { dynamicRnn } from '../ops/rnn/rnn.js';
import { reverseSequence } from '../ops/rnn/reverse-sequence.js';
import { sequenceMask } from '../ops/scan.js';
import { gatherNd } from '../ops/scatter-nd.js';
import { index } from '../ops/strided-slice.js';
import type { Variable } from '../ops/variables.js';
import { pyShape } from '../shape.js';

// ----- argument checks ---------------------------------------------------------------------------

function potentials(x: TensorLike, what: string, fn: string): Tensor {
  const t = toTensor(x, undefined, what);
  if (t.shape !== null && t.shape.length !== 3) throw new ValueError(`${fn}: ${what} must be [batch_size, max_seq_len, num_tags], got shape ${pyShape(t.shape)}`);
  if (!t.dtype.startsWith('float')) throw new TypeError(`${fn}: ${what} must be a float tensor, got ${t.dtype}`);
  return t;
}

function transitions(x: TensorLike, fn: string): Tensor {
  const t = toTensor(x, undefined, 'transition_params');
  if (t.shape !== null && (t.shape.length !== 2 || (t.shape[0] !== null && t.shape[1] !== null && t.shape[0] !== t.shape[1]))) {
    throw new ValueError(`${fn}: transition_params must be [num_tags, num_tags], got shape ${pyShape(t.shape)}`);
  }
  return t;
}

function lengths(x: TensorLike, fn: string): Tensor {
  const t = toTensor(x, Array.isArray(x) || typeof x === 'number' ? 'int32' : undefined, 'sequence_lengths');
  if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`${fn}: sequence_lengths must be int32 or int64, got ${t.dtype}`);
  if (t.shape !== null && t.shape.length !== 1) throw new ValueError(`${fn}: sequence_lengths must be a [batch_size] vector, got shape ${pyShape(t.shape)}`);
  return t;
}

function tagIndicesOf(x: TensorLike, fn: string): Tensor {
  const t = toTensor(x, Array.isArray(x) ? 'int32' : undefined, 'tag_indices');
  if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`${fn}: tag_indices must be int32 or int64, got ${t.dtype}`);
  if (t.shape !== null && t.shape.length !== 2) throw new ValueError(`${fn}: tag_indices must be [batch_size, max_seq_len], got shape ${pyShape(t.shape)}`);
  return t;
}

/** num_tags from the static shape (TF reads `shape[0].value`), as a number or a scalar tensor. */
function numTagsOf(trans: Tensor): number | Tensor {
  return trans.shape?.[0] ?? index(shapeOf(trans), 0);
}

/** `max(0, lengths - 1)`: the steps after the first one. */
const lengthsLessOne = (seq: Tensor): Tensor => maximum(toTensor(0, seq.dtype), subtract(seq, toTensor(1, seq.dtype)));

/** `where(lengths <= 0, 0, x)`. */
const zeroWhereEmpty = (seq: Tensor, x: Tensor): Tensor => where(lessEqual(seq, toTensor(0, seq.dtype)), zerosLike(x), x);

/**
 * TF's `smart_cond(equal(inputs.shape[1] or shape(inputs)[1], 1), single, multi)`: the branch
 * picked now for a static max_seq_len, else tf.cond.
 */
function onSeqLen<T extends Tensor | [Tensor, Tensor]>(x: Tensor, single: () => T, multi: () => T): T {
  const d = x.shape?.[1] ?? null;
  if (d !== null && d !== 0) return d === 1 ? single() : multi();
  return cond(equal(index(shapeOf(x), 1), 1), single, multi) as unknown as T;
}

// ----- scores ------------------------------------------------------------------------------------

const SCORE_NAMES = ['inputs', 'tagIndices', 'sequenceLengths', 'transitionParams'] as const;

/** `crfSequenceScore(inputs, tagIndices, sequenceLengths, transitionParams)`: `[batch_size]` unnormalized scores. */
export function crfSequenceScore(...args: unknown[]): Tensor {
  const o = kwargs(args, SCORE_NAMES, 'crf_sequence_score', 4);
  const fn = 'crf_sequence_score';
  const inputs = potentials(o.inputs as TensorLike, 'inputs', fn);
  const tags = tagIndicesOf(o.tagIndices as TensorLike, fn);
  const seq = lengths(o.sequenceLengths as TensorLike, fn);
  const trans = transitions(o.transitionParams as TensorLike, fn);
  return onSeqLen(
    inputs,
    () => {
      const batch = index(shapeOf(inputs, { outType: tags.dtype }), 0);
      const examples = reshape(range(toTensor(0, tags.dtype), batch, toTensor(1, tags.dtype)), [-1, 1]);
      const scores = gatherNd(squeeze(inputs, [1]), concat([examples, tags], 1));
      return zeroWhereEmpty(seq, scores);
    },
    () => add(crfUnaryScore(tags, seq, inputs), crfBinaryScore(tags, seq, trans)),
  );
}

/**
 * `crfMultitagSequenceScore(inputs, tagBitmap, sequenceLengths, transitionParams)`: the
 * log-sum-exp of the scores of all sequences whose tag at each step is set in the bool
 * `[batch_size, max_seq_len, num_tags]` bitmap (one-hot rows give crfSequenceScore's values).
 */
export function crfMultitagSequenceScore(...args: unknown[]): Tensor {
  const o = kwargs(args, ['inputs', 'tagBitmap', 'sequenceLengths', 'transitionParams'], 'crf_multitag_sequence_score', 4);
  const fn = 'crf_multitag_sequence_score';
  const inputs = potentials(o.inputs as TensorLike, 'inputs', fn);
  const bitmap = toTensor(o.tagBitmap as TensorLike, Array.isArray(o.tagBitmap) ? 'bool' : undefined, 'tag_bitmap');
  if (bitmap.dtype !== 'bool') throw new TypeError(`${fn}: tag_bitmap must be a bool tensor, got ${bitmap.dtype}`);
  const seq = lengths(o.sequenceLengths as TensorLike, fn);
  const trans = transitions(o.transitionParams as TensorLike, fn);
  const filtered = (): Tensor => where(bitmap, inputs, fill(shapeOf(inputs), toTensor(-Infinity, inputs.dtype)));
  return onSeqLen(
    inputs,
    () => reduceLogsumexp(filtered(), [1, 2], false),
    () => crfLogNorm(filtered(), seq, trans),
  );
}

/** `crfUnaryScore(tagIndices, sequenceLengths, inputs)`: the summed unary potentials of the tags, `[batch_size]`. */
export function crfUnaryScore(...args: unknown[]): Tensor {
  const o = kwargs(args, ['tagIndices', 'sequenceLengths', 'inputs'], 'crf_unary_score', 3);
  const fn = 'crf_unary_score';
  const tags = tagIndicesOf(o.tagIndices as TensorLike, fn);
  const seq = lengths(o.sequenceLengths as TensorLike, fn);
  const inputs = potentials(o.inputs as TensorLike, 'inputs', fn);
  const s = shapeOf(inputs);
  const [batch, maxLen, numTags] = [index(s, 0), index(s, 1), index(s, 2)];
  const flat = reshape(inputs, [-1]);
  // The flat index of inputs[b, t, tags[b, t]].
  let offsets = add(expandDims(multiply(multiply(range(batch), maxLen), numTags), 1), expandDims(multiply(range(maxLen), numTags), 0));
  if (tags.dtype === 'int64') offsets = cast(offsets, 'int64');
  const unary = reshape(gather(flat, reshape(add(offsets, tags), [-1])), stack([batch, maxLen]));
  const masks = sequenceMask(seq, index(shapeOf(tags), 1), inputs.dtype);
  return reduceSum(multiply(unary, masks), 1);
}

/** `crfBinaryScore(tagIndices, sequenceLengths, transitionParams)`: the summed transition potentials, `[batch_size]`. */
export function crfBinaryScore(...args: unknown[]): Tensor {
  const o = kwargs(args, ['tagIndices', 'sequenceLengths', 'transitionParams'], 'crf_binary_score', 3);
  const fn = 'crf_binary_score';
  const tags = tagIndicesOf(o.tagIndices as TensorLike, fn);
  const seq = lengths(o.sequenceLengths as TensorLike, fn);
  const trans = transitions(o.transitionParams as TensorLike, fn);
  const nt = numTagsOf(trans);
  const numTags = typeof nt === 'number' ? toTensor(nt, tags.dtype) : cast(nt, tags.dtype);
  const numTransitions = subtract(index(shapeOf(tags), 1), 1);
  const starts = slice(tags, [0, 0], stack([-1, numTransitions]));
  const ends = slice(tags, [0, 1], stack([-1, numTransitions]));
  const binary = gather(reshape(trans, [-1]), add(multiply(starts, numTags), ends));
  const masks = sequenceMask(seq, index(shapeOf(tags), 1), trans.dtype);
  return reduceSum(multiply(binary, slice(masks, [0, 1], [-1, -1])), 1);
}

/** `crfLogNorm(inputs, sequenceLengths, transitionParams)`: the log partition function, `[batch_size]`. */
export function crfLogNorm(...args: unknown[]): Tensor {
  const o = kwargs(args, ['inputs', 'sequenceLengths', 'transitionParams'], 'crf_log_norm', 3);
  const fn = 'crf_log_norm';
  const inputs = potentials(o.inputs as TensorLike, 'inputs', fn);
  const seq = lengths(o.sequenceLengths as TensorLike, fn);
  const trans = transitions(o.transitionParams as TensorLike, fn);
  const first = squeeze(slice(inputs, [0, 0, 0], [-1, 1, -1]), [1]);
  return onSeqLen(
    inputs,
    () => zeroWhereEmpty(seq, reduceLogsumexp(first, [1])),
    () => {
      const rest = slice(inputs, [0, 1, 0], [-1, -1, -1]);
      // (TF passes dtype float32 too; the initial state gives the same dtype and lets float64 through)
      const [, alphas] = dynamicRnn(new CrfForwardRnnCell(trans), rest, { sequenceLength: lengthsLessOne(seq), initialState: first });
      return zeroWhereEmpty(seq, reduceLogsumexp(alphas as Tensor, [1]));
    },
  );
}

/**
 * `crfLogLikelihood(inputs, tagIndices, sequenceLengths, transitionParams = null)`:
 * `[logLikelihood [batch_size], transitionParams]`; without transition params it makes the
 * `[num_tags, num_tags]` variable `transitions` in the current variable scope (tf.getVariable).
 */
export function crfLogLikelihood(...args: unknown[]): [Tensor, Tensor | Variable] {
  const o = kwargs(args, SCORE_NAMES, 'crf_log_likelihood', 3);
  const fn = 'crf_log_likelihood';
  const inputs = potentials(o.inputs as TensorLike, 'inputs', fn);
  let trans = o.transitionParams as Tensor | Variable | null | undefined;
  if (trans === undefined || trans === null) {
    const numTags = inputs.shape?.[2] ?? null;
    if (numTags === null) throw new ValueError(`${fn}: the number of tags (inputs.shape[2]) must be known to make the transitions variable, got shape ${pyShape(inputs.shape)}`);
    trans = getVariable('transitions', [numTags, numTags]);
  }
  const scores = crfSequenceScore(inputs, o.tagIndices, o.sequenceLengths, trans);
  const logNorm = crfLogNorm(inputs, o.sequenceLengths, trans);
  return [subtract(scores, logNorm), trans];
}

// ----- the RNN cells -----------------------------------------------------------------------------

/** A cell of the CRF's recursions: no variables of its own. */
abstract class CrfCell extends RNNCell {
  protected build(): void {}
  get variables(): Variable[] {
    return [];
  }
}

function cellTransitions(t: TensorLike, cell: string): [Tensor, number] {
  const trans = transitions(t, cell);
  const n = trans.shape?.[0] ?? null;
  if (n === null) throw new ValueError(`${cell}: the number of tags (transition_params.shape[0]) must be known, got shape ${pyShape(trans.shape)}`);
  return [expandDims(trans, 0), n];
}

/** `CrfForwardRnnCell(transitionParams)`: alphas_t = inputs_t + logsumexp_i(alphas_{t-1}[i] + T[i, :]) (output = state). */
export class CrfForwardRnnCell extends CrfCell {
  private readonly trans: Tensor;
  private readonly numTags: number;
  constructor(transitionParams: TensorLike) {
    super('crf_forward_rnn_cell');
    [this.trans, this.numTags] = cellTransitions(transitionParams, 'CrfForwardRnnCell');
  }
  get stateSize(): number {
    return this.numTags;
  }
  get outputSize(): number {
    return this.numTags;
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const scores = add(expandDims(state as Tensor, 2), this.trans);
    const alphas = add(inputs, reduceLogsumexp(scores, [1]));
    return [alphas, alphas];
  }
}

/** `CrfDecodeForwardRnnCell(transitionParams)`: Viterbi's max step; output the int32 backpointers, state the new scores. */
export class CrfDecodeForwardRnnCell extends CrfCell {
  private readonly trans: Tensor;
  private readonly numTags: number;
  constructor(transitionParams: TensorLike) {
    super('crf_decode_forward_rnn_cell');
    [this.trans, this.numTags] = cellTransitions(transitionParams, 'CrfDecodeForwardRnnCell');
  }
  get stateSize(): number {
    return this.numTags;
  }
  get outputSize(): number {
    return this.numTags;
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const scores = add(expandDims(state as Tensor, 2), this.trans); // [B, O, O]
    const newState = add(inputs, reduceMax(scores, [1]));
    return [argmax(scores, { axis: 1, outputType: 'int32' }), newState];
  }
}

/** `CrfDecodeBackwardRnnCell(numTags)`: follows the backpointers; state and output the `[batch, 1]` tag. */
export class CrfDecodeBackwardRnnCell extends CrfCell {
  readonly numTags: number;
  constructor(numTags: number) {
    super('crf_decode_backward_rnn_cell');
    if (!Number.isInteger(numTags) || numTags <= 0) throw new ValueError(`CrfDecodeBackwardRnnCell: num_tags must be a positive integer, got ${String(numTags)}`);
    this.numTags = numTags;
  }
  get stateSize(): number {
    return 1;
  }
  get outputSize(): number {
    return 1;
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const tag = squeeze(state as Tensor, [1]);
    const batch = range(index(shapeOf(inputs), 0));
    const newTags = expandDims(gatherNd(inputs, stack([batch, tag], 1)), -1);
    return [newTags, newTags];
  }
}

// ----- decoding ----------------------------------------------------------------------------------

/**
 * `crfDecode(potentials, transitionParams, sequenceLength)`: `[decodeTags [batch, max_seq_len]
 * int32, bestScore [batch]]`, the highest-scoring tag sequence of each batch entry.
 */
export function crfDecode(...args: unknown[]): [Tensor, Tensor] {
  const o = kwargs(args, ['potentials', 'transitionParams', 'sequenceLength'], 'crf_decode', 3);
  const fn = 'crf_decode';
  const pot = potentials(o.potentials as TensorLike, 'potentials', fn);
  const trans = transitions(o.transitionParams as TensorLike, fn);
  const seq = lengths(o.sequenceLength as TensorLike, fn);
  return onSeqLen<[Tensor, Tensor]>(
    pot,
    () => {
      const sq = squeeze(pot, [1]);
      return [expandDims(argmax(sq, { axis: 1, outputType: 'int32' }), 1), reduceMax(sq, [1])];
    },
    () => {
      const numTags = pot.shape?.[2] ?? null;
      if (numTags === null) throw new ValueError(`${fn}: the number of tags (potentials.shape[2]) must be known, got shape ${pyShape(pot.shape)}`);
      const first = squeeze(slice(pot, [0, 0, 0], [-1, 1, -1]), [1]); // [B, O]
      const rest = slice(pot, [0, 1, 0], [-1, -1, -1]); // [B, T-1, O]
      const lessOne = lengthsLessOne(seq);
      const [bp, lastScore] = dynamicRnn(new CrfDecodeForwardRnnCell(trans), rest, { sequenceLength: lessOne, initialState: first, dtype: 'int32' });
      const backpointers = reverseSequence(bp, lessOne, { seqAxis: 1 }); // [B, T-1, O]
      const last = expandDims(argmax(lastScore as Tensor, { axis: 1, outputType: 'int32' }), -1); // [B, 1]
      const [tags] = dynamicRnn(new CrfDecodeBackwardRnnCell(numTags), backpointers, { sequenceLength: lessOne, initialState: last, dtype: 'int32' });
      const decoded = reverseSequence(concat([last, squeeze(tags, [2])], 1), seq, { seqAxis: 1 }); // [B, T]
      return [decoded, reduceMax(lastScore as Tensor, [1])];
    },
  );
}

type HostMatrix = NDArray | readonly (readonly number[])[];

function hostMatrix(x: HostMatrix, what: string): { rows: number; cols: number; at: (i: number, j: number) => number; f32: boolean } {
  if (x instanceof NDArray) {
    if (x.shape.length !== 2) throw new ValueError(`viterbi_decode: ${what} must be a 2-D array, got shape ${pyShape(x.shape)}`);
    const [rows, cols] = x.shape as [number, number];
    const d = x.data as ArrayLike<number | bigint>;
    return { rows, cols, at: (i, j) => Number(d[i * cols + j]), f32: x.dtype === 'float32' };
  }
  if (!Array.isArray(x) || x.some((r) => !Array.isArray(r))) throw new TypeError(`viterbi_decode: ${what} must be an NDArray or an array of rows`);
  const cols = x[0]?.length ?? 0;
  if (x.some((r) => r.length !== cols)) throw new ValueError(`viterbi_decode: the rows of ${what} must all have the same length`);
  return { rows: x.length, cols, at: (i, j) => x[i]![j]!, f32: false };
}

/**
 * `viterbiDecode(score, transitionParams)` on host values (TF's numpy version): score
 * `[seq_len, num_tags]`, transitions `[num_tags, num_tags]` → `[viterbi (tag per step), viterbiScore]`.
 * float32 NDArrays are summed in float32, as numpy does.
 */
export function viterbiDecode(...args: unknown[]): [number[], number] {
  const o = kwargs(args, ['score', 'transitionParams'], 'viterbi_decode', 2);
  const s = hostMatrix(o.score as HostMatrix, 'score');
  const t = hostMatrix(o.transitionParams as HostMatrix, 'transition_params');
  if (s.rows === 0) throw new ValueError('viterbi_decode: score must have at least one step, got seq_len 0');
  if (t.rows !== s.cols || t.cols !== s.cols) throw new ValueError(`viterbi_decode: transition_params must be [${s.cols}, ${s.cols}] for ${s.cols} tags, got [${t.rows}, ${t.cols}]`);
  const round = s.f32 ? Math.fround : (v: number): number => v;
  const n = s.cols;
  let trellis = Array.from({ length: n }, (_, j) => round(s.at(0, j)));
  const back: number[][] = [];
  for (let step = 1; step < s.rows; step++) {
    const bp = new Array<number>(n);
    const next = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      let best = 0;
      let arg = 0;
      for (let i = 0; i < n; i++) {
        const v = round(trellis[i]! + t.at(i, j));
        if (i === 0 || v > best) [best, arg] = [v, i]; // numpy's argmax: the first of equal maxima
      }
      bp[j] = arg;
      next[j] = round(s.at(step, j) + best);
    }
    back.push(bp);
    trellis = next;
  }
  let last = 0;
  for (let j = 1; j < n; j++) if (trellis[j]! > trellis[last]!) last = j;
  const path = [last];
  for (let k = back.length - 1; k >= 0; k--) path.push(back[k]![path[path.length - 1]!]!);
  path.reverse();
  return [path, trellis[last]!];
}
