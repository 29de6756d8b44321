/**
 * `tf.contrib.seq2seq.BeamSearchDecoder` and `tileBatch` (TF 1.15
 * contrib/seq2seq/python/ops/beam_search_decoder.py). The cell runs on `[batch·beam, ...]`
 * (its initial state tiled with `tileBatch`); the decoder's own state holds it split as
 * `[batch, beam, ...]`. Each step adds the log-softmax of the logits to the beams' log
 * probabilities (a finished beam can only continue with `endToken`, at no cost), scores them
 * (divided by TF's length penalty `((5 + len) / 6)^weight`, plus the coverage penalty), keeps
 * the `beamWidth` best of `beam·vocab` per batch entry and gathers the cell states of their
 * parents. `finalize` walks the parents back with `gatherTree`: `FinalBeamSearchDecoderOutput`'s
 * `predictedIds` are `[batch, time, beam]` under dynamicDecode, best beam first.
 * With `reorderTensorArrays` the TensorArrays of `[batch·beam, ...]` in the final cell state
 * (an AttentionWrapper's alignment history) come back stacked `[time, batch·beam, ...]`, each
 * beam's rows along its ancestry, as TF's do.
 */
import { kwargs } from '../../args.js';
import type { DType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Tensor } from '../../graph/tensor.js';
import { Layer } from '../../layers/base.js';
import { concat, expandDims, fill, gather, oneHot, onesLike, range, reshape, shape as shapeOf, size, stack, tile, transpose, zeros } from '../../ops/array.js';
import { sequenceMask } from '../../ops/scan.js';
import { gatherNd } from '../../ops/scatter-nd.js';
import { cond } from '../../ops/control-flow/cond.js';
import { type Nested, flatten, packAs, registerTupleType } from '../../ops/control-flow/nest.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { embeddingLookup } from '../../ops/embedding.js';
import { gatherTree } from '../../ops/gather-tree.js';
import { add, cast, divide, equal, floorDiv, log, logicalNot, logicalOr, minimum, mod, multiply, pow, reduceAll, reduceMax, reduceMean, reduceSum, where } from '../../ops/math.js';
import { logSoftmax } from '../../ops/nn.js';
import { index } from '../../ops/strided-slice.js';
import { TensorArray } from '../../ops/tensor-array.js';
import { topK } from '../../ops/top-k.js';
import { type RNNState, RNNCell } from '../../ops/rnn/cells.js';
import { AttentionWrapperState } from './attention-wrapper.js';
import { Decoder } from './decoder.js';

const pyShape = (s: readonly (number | null)[] | null): string =>
  s === null ? '<unknown>' : `(${s.map((d) => (d === null ? '?' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;

/** A shape argument: the plain dims when all are known (the static shape follows), else their stack. */
const shapeArg = (dims: (number | Tensor)[]): number[] | Tensor =>
  dims.every((d) => typeof d === 'number') ? (dims as number[]) : stack(dims.map((d) => toTensor(d, 'int32')));

/** `tileBatch(t, multiplier, name?)`: each tensor of the structure `[batch, ...]` → `[batch·multiplier, ...]`, each entry repeated. */
export function tileBatch(t: unknown, multiplier: number, name?: string): unknown {
  return getDefaultGraph().nameScope(name ?? 'tile_batch', () =>
    packAs(t as Nested<unknown>, flatten(t as Nested<unknown>).map((x) => {
      const v = toTensor(x as TensorLike, undefined, 't');
      if (v.shape === null) throw new ValueError('t must have statically known rank');
      if (v.shape.length === 0) throw new ValueError(`t must have rank at least 1, saw shape: ${pyShape(v.shape)}`);
      const tiling = [1, multiplier, ...v.shape.slice(1).map(() => 1)];
      const tiled = tile(expandDims(v, 1), tiling);
      const lead = v.shape[0] !== null ? toTensor(v.shape[0] * multiplier, 'int32') : multiply(index(shapeOf(v), 0), multiplier);
      const rest = v.shape.slice(1).map((d, i) => (d !== null ? toTensor(d, 'int32') : index(shapeOf(v), i + 1)));
      return reshape(tiled, stack([lead, ...rest]));
    })),
  );
}

/** `BeamSearchDecoderState(cellState, logProbs, finished, lengths, accumulatedAttentionProbs)`. */
export class BeamSearchDecoderState {
  constructor(readonly cellState: RNNState, readonly logProbs: Tensor, readonly finished: Tensor, readonly lengths: Tensor, readonly accumulatedAttentionProbs: Tensor | readonly []) {}
  fields(): unknown[] {
    return [this.cellState, this.logProbs, this.finished, this.lengths, this.accumulatedAttentionProbs];
  }
  get length(): 5 {
    return 5;
  }
  clone(c: Partial<{ cellState: RNNState; logProbs: Tensor; finished: Tensor; lengths: Tensor; accumulatedAttentionProbs: Tensor | readonly [] }>): BeamSearchDecoderState {
    return new BeamSearchDecoderState(c.cellState ?? this.cellState, c.logProbs ?? this.logProbs, c.finished ?? this.finished, c.lengths ?? this.lengths, c.accumulatedAttentionProbs ?? this.accumulatedAttentionProbs);
  }
}
registerTupleType<BeamSearchDecoderState>(BeamSearchDecoderState, (x) => x.fields(), ([a, b, c, d, e]) => new BeamSearchDecoderState(a as RNNState, b as Tensor, c as Tensor, d as Tensor, e as Tensor));

/** `BeamSearchDecoderOutput(scores, predictedIds, parentIds)`. */
export class BeamSearchDecoderOutput<T = Tensor> {
  constructor(readonly scores: T, readonly predictedIds: T, readonly parentIds: T) {}
  get length(): 3 {
    return 3;
  }
}
registerTupleType<BeamSearchDecoderOutput<unknown>>(BeamSearchDecoderOutput, (x) => [x.scores, x.predictedIds, x.parentIds], ([a, b, c]) => new BeamSearchDecoderOutput(a, b, c));

/** `FinalBeamSearchDecoderOutput(predictedIds, beamSearchDecoderOutput)`. */
export class FinalBeamSearchDecoderOutput<T = Tensor> {
  constructor(readonly predictedIds: T, readonly beamSearchDecoderOutput: BeamSearchDecoderOutput<T>) {}
  get length(): 2 {
    return 2;
  }
}
registerTupleType<FinalBeamSearchDecoderOutput<unknown>>(FinalBeamSearchDecoderOutput, (x) => [x.predictedIds, x.beamSearchDecoderOutput], ([a, b]) => new FinalBeamSearchDecoderOutput(a, b as BeamSearchDecoderOutput<unknown>));

const NAMES = ['cell', 'embedding', 'startTokens', 'endToken', 'initialState', 'beamWidth', 'outputLayer', 'lengthPenaltyWeight', 'coverageLengthPenaltyWeight', 'reorderTensorArrays'] as const;

const minOf = (dtype: string): number => (dtype === 'float64' ? -Number.MAX_VALUE : dtype === 'float16' ? -65504 : -3.4028234663852886e38);

/** The alignments of the attention wrappers in a state, `[batch, beam, max_time]` (TF's get_attention_probs). */
function attentionProbs(state: unknown): Tensor {
  const fromState = (s: AttentionWrapperState): Tensor => {
    const a = s.alignments;
    return a instanceof Tensor ? a : reduceMean(concat((a as Tensor[]).map((p) => expandDims(p, -1)), -1), -1);
  };
  const per: Tensor[] = [];
  if (state instanceof AttentionWrapperState) per.push(fromState(state));
  else if (Array.isArray(state)) for (const s of state) if (s instanceof AttentionWrapperState) per.push(fromState(s));
  if (per.length === 0) throw new ValueError('coverage_penalty_weight must be 0.0 if no cell is attentional.');
  return per.length === 1 ? per[0]! : reduceMean(concat(per.map((p) => expandDims(p, -1)), -1), -1);
}

/**
 * `BeamSearchDecoder(cell, embedding, startTokens, endToken, initialState, beamWidth,
 * outputLayer?, lengthPenaltyWeight = 0, coverageLengthPenaltyWeight = 0, reorderTensorArrays = true)`.
 */
export class BeamSearchDecoder extends Decoder {
  readonly cell: RNNCell;
  readonly outputLayer: Layer | null;
  readonly beamWidth: number;
  readonly endToken: Tensor;
  readonly startTokens: Tensor;
  readonly lengthPenaltyWeight: number;
  readonly coverageLengthPenaltyWeight: number;
  readonly reorderTensorArrays: boolean;
  private readonly embeddingFn: (ids: Tensor) => Tensor;
  private readonly batch: Tensor;
  private readonly staticBatch: number | null;
  private readonly initialCellState: RNNState;
  private readonly startInputs: Tensor;
  private readonly finished: Tensor;

  constructor(...args: unknown[]) {
    super();
    const o = kwargs(args, NAMES, 'BeamSearchDecoder', 6);
    if (!(o.cell instanceof RNNCell)) throw new TypeError(`cell must be an RNNCell, received: ${String(o.cell)}`);
    const layer = o.outputLayer ?? null;
    if (layer !== null && !(layer instanceof Layer)) throw new TypeError(`output_layer must be a Layer, received: ${String(layer)}`);
    this.cell = o.cell;
    this.outputLayer = layer;
    this.reorderTensorArrays = (o.reorderTensorArrays as boolean | undefined) ?? true;
    const emb = o.embedding;
    this.embeddingFn = typeof emb === 'function' ? (emb as (ids: Tensor) => Tensor) : (ids) => embeddingLookup(emb as TensorLike, ids);
    this.startTokens = toTensor(o.startTokens as TensorLike, 'int32', 'start_tokens');
    if (this.startTokens.shape?.length !== 1) throw new ValueError('start_tokens must be a vector');
    this.endToken = toTensor(o.endToken as TensorLike, 'int32', 'end_token');
    if (this.endToken.shape?.length !== 0) throw new ValueError('end_token must be a scalar');
    const bw = o.beamWidth;
    if (typeof bw !== 'number' || !Number.isInteger(bw) || bw <= 0) throw new ValueError(`beam_width must be a positive integer, saw: ${String(bw)}`);
    this.beamWidth = bw;
    this.lengthPenaltyWeight = (o.lengthPenaltyWeight as number | undefined) ?? 0;
    this.coverageLengthPenaltyWeight = (o.coverageLengthPenaltyWeight as number | undefined) ?? 0;
    this.staticBatch = this.startTokens.shape[0] ?? null;
    this.batch = this.staticBatch !== null ? toTensor(this.staticBatch, 'int32') : size(this.startTokens);
    this.initialCellState = this.mapState(o.initialState as RNNState, (t) => this.splitBeams(t));
    const tiled = tile(expandDims(this.startTokens, 1), [1, bw]);
    this.startInputs = this.embeddingFn(tiled);
    this.finished = oneHot(zeros([this.batch as never], 'int32'), bw, { onValue: false, offValue: true, dtype: 'bool' });
  }

  get batchSize(): Tensor {
    return this.batch;
  }
  get staticBatchSize(): number | null {
    return this.staticBatch;
  }
  override get tracksOwnFinished(): boolean {
    return true;
  }

  private get stateDtype(): string {
    return (flatten(this.initialCellState as Nested<unknown>).find((x) => x instanceof Tensor) as Tensor).dtype;
  }

  get outputSize(): Nested<number[]> {
    const k = [this.beamWidth];
    return new BeamSearchDecoderOutput(k, k, k) as unknown as Nested<number[]>;
  }
  get outputDtype(): Nested<string> {
    return new BeamSearchDecoderOutput(this.stateDtype, 'int32', 'int32') as unknown as Nested<string>;
  }

  /** The tensors of a state structure mapped by `fn`; TensorArrays and scalars pass through. */
  private mapState(s: RNNState, fn: (t: Tensor) => Tensor): RNNState {
    const flat = flatten(s as Nested<unknown>).map((x) => {
      if (x instanceof TensorArray) return x;
      const t = x as Tensor;
      if (t.shape === null) throw new ValueError(`Expected tensor (${t.name}) to have known rank, but ndims == None.`);
      return t.shape.length >= 1 ? fn(t) : t;
    });
    return packAs(s as Nested<unknown>, flat) as RNNState;
  }

  private dims(t: Tensor, from: number): (number | Tensor)[] {
    return t.shape!.slice(from).map((d, i) => (d !== null ? d : index(shapeOf(t), i + from)));
  }

  private get batchDim(): number | Tensor {
    return this.staticBatch ?? this.batch;
  }

  /** `[batch·beam, ...]` → `[batch, beam, ...]` (TF's _split_batch_beams). */
  private splitBeams(t: Tensor): Tensor {
    const lead = t.shape![0] ?? null;
    if (lead !== null && this.staticBatch !== null && lead !== this.staticBatch * this.beamWidth) {
      const exp = pyShape([this.staticBatch, this.beamWidth, ...t.shape!.slice(1)]);
      throw new ValueError(`Unexpected behavior when reshaping between beam width and batch size.  The reshaped tensor has shape: ${pyShape([this.staticBatch, lead / this.staticBatch, ...t.shape!.slice(1)])}.  We expected it to have shape (batch_size, beam_width, depth) == ${exp}.  Perhaps you forgot to create a zero_state with batch_size=encoder_batch_size * beam_width?`);
    }
    return reshape(t, shapeArg([this.batchDim, this.beamWidth, ...this.dims(t, 1)]));
  }

  /** `[batch, beam, ...]` → `[batch·beam, ...]`. */
  private mergeBeams(t: Tensor): Tensor {
    return reshape(t, shapeArg([this.staticBatch !== null ? this.staticBatch * this.beamWidth : multiply(this.batch, this.beamWidth), ...this.dims(t, 2)]));
  }

  /** TF's _tensor_gather_helper: per batch entry, rows `indices` of `from` `[batch, range, ...]`. */
  private gatherBeams(indices: Tensor, from: Tensor, rangeSize: number | Tensor, flatRows: boolean): Tensor {
    const offsets = expandDims(multiply(range(this.batch), rangeSize), 1);
    const idx = reshape(add(indices, offsets), [-1]);
    const src = flatRows ? reshape(from, shapeArg([this.staticBatch !== null ? this.staticBatch * this.beamWidth : multiply(this.batch, this.beamWidth), -1])) : reshape(from, [-1]);
    const out = gather(src, idx);
    const keep = flatRows ? 3 : 2;
    const rank = from.shape!.length;
    return reshape(out, shapeArg(this.dims(from, 0).slice(0, Math.min(keep, rank))));
  }

  initialize(name?: string): [Tensor, Tensor, RNNState] {
    return getDefaultGraph().nameScope(name ?? 'BeamSearchDecoderInit', () => {
      const dtype = this.stateDtype;
      // TF's one_hot(on 0, off -inf): beam 0 live, the others impossible.
      const dims = shapeArg([this.batchDim, this.beamWidth]);
      const logProbs = where(logicalNot(this.finished), fill(dims, toTensor(0, dtype as DType)), fill(dims, toTensor(-Infinity, dtype as DType)));
      const acc = this.coverageLengthPenaltyWeight !== 0 ? attentionProbs(this.initialCellState) : [];
      const state = new BeamSearchDecoderState(this.initialCellState, logProbs, this.finished, zeros([this.batch as never, this.beamWidth], 'int64'), acc as never);
      return [this.finished, this.startInputs, state as unknown as RNNState];
    });
  }

  step(time: Tensor, inputs: Tensor, state: RNNState, name?: string): [Nested<Tensor>, RNNState, Tensor, Tensor] {
    return getDefaultGraph().nameScope(name ?? 'BeamSearchDecoderStep', () => {
      const bs = state as unknown as BeamSearchDecoderState;
      const cellInputs = this.mergeBeams(inputs);
      const cellState = this.mapState(bs.cellState, (t) => this.mergeBeams(t));
      const [rawOut, rawNext] = this.cell.call(cellInputs, cellState);
      let logits = this.splitBeams(rawOut);
      const nextCellState = this.mapState(rawNext, (t) => this.splitBeams(t));
      if (this.outputLayer !== null) logits = this.outputLayer.apply(logits) as Tensor;
      const [output, nextState] = this.beamSearchStep(time, logits, nextCellState, bs);
      const finished = nextState.finished;
      const sampleIds = output.predictedIds;
      const nextInputs = cond(reduceAll(finished), () => this.startInputs, () => this.embeddingFn(sampleIds)) as Tensor;
      return [output as unknown as Nested<Tensor>, nextState as unknown as RNNState, nextInputs, finished];
    });
  }

  private beamSearchStep(_time: Tensor, logits: Tensor, nextCellState: RNNState, beam: BeamSearchDecoderState): [BeamSearchDecoderOutput, BeamSearchDecoderState] {
    const K = this.beamWidth;
    const dtype = logits.dtype;
    const prevFinished = beam.finished;
    const notFinished = logicalNot(prevFinished);
    const vocab = logits.shape?.[logits.shape.length - 1] ?? null;
    if (vocab === null) throw new ValueError('BeamSearchDecoder needs the vocabulary size (the logits\' last dimension) known');
    // A finished beam continues only with the end token, at log probability 0.
    const finishedRow = oneHot(this.endToken, vocab, { onValue: 0, offValue: minOf(dtype), dtype });
    const finishedProbs = tile(reshape(finishedRow, [1, 1, -1]), concat([shapeOf(prevFinished), [1]], 0));
    const finishedMask = tile(expandDims(prevFinished, 2), [1, 1, vocab]);
    const stepLogProbs = where(finishedMask, finishedProbs, logSoftmax(logits));
    const totalProbs = add(expandDims(beam.logProbs, 2), stepLogProbs);
    let lengthsToAdd = oneHot(fill(shapeArg([this.batchDim, K]), this.endToken), vocab, { onValue: 0, offValue: 1, dtype: 'int64' });
    lengthsToAdd = multiply(lengthsToAdd, expandDims(cast(notFinished, 'int64'), 2));
    const newLengths = add(lengthsToAdd, expandDims(beam.lengths, 2));
    let acc: Tensor | null = null;
    if (this.coverageLengthPenaltyWeight !== 0) {
      const probs = multiply(attentionProbs(nextCellState), expandDims(cast(notFinished, dtype), 2));
      acc = add(beam.accumulatedAttentionProbs as Tensor, probs);
    }
    const scores = this.scores(totalProbs, newLengths, prevFinished, acc);
    const [nextScores, wordIndices] = topK(reshape(scores, shapeArg([this.batchDim, -1])), K);
    const nextProbs = this.gatherBeams(wordIndices, totalProbs, K * vocab, false);
    const nextWordIds = cast(mod(wordIndices, vocab), 'int32');
    const nextBeamIds = cast(floorDiv(wordIndices, vocab), 'int32');
    const gatheredFinished = this.gatherBeams(nextBeamIds, prevFinished, K, false);
    const nextFinished = logicalOr(gatheredFinished, equal(nextWordIds, this.endToken));
    const nextLen = add(this.gatherBeams(nextBeamIds, beam.lengths, K, false), cast(logicalNot(gatheredFinished), 'int64'));
    const nextAcc = acc !== null ? this.gatherBeams(nextBeamIds, acc, K, true) : [];
    const gatheredState = this.mapState(nextCellState, (t) => (t.shape!.length >= 2 ? this.gatherBeams(nextBeamIds, t, K, true) : t));
    return [new BeamSearchDecoderOutput(nextScores, nextWordIds, nextBeamIds), new BeamSearchDecoderState(gatheredState, nextProbs, nextFinished, nextLen, nextAcc as never)];
  }

  /** TF's _get_scores: log probs over the length penalty, plus the weighted coverage penalty of finished beams. */
  private scores(logProbs: Tensor, lengths: Tensor, finished: Tensor, acc: Tensor | null): Tensor {
    const w = this.lengthPenaltyWeight;
    let scores = logProbs;
    if (w !== 0) {
      const pen = divide(pow(add(5, cast(lengths, 'float32')), w), Math.pow(6, w));
      scores = divide(logProbs, cast(pen, logProbs.dtype));
    }
    if (this.coverageLengthPenaltyWeight === 0) return scores;
    if (acc === null) throw new ValueError('accumulated_attention_probs can be None only if coverage penalty is disabled.');
    const masked = where(equal(acc, 0), onesLike(acc), acc);
    let cov = reduceSum(log(minimum(masked, 1)), 2);
    cov = multiply(cov, cast(finished, cov.dtype));
    return add(scores, expandDims(multiply(cov, this.coverageLengthPenaltyWeight), 2));
  }

  override finalize(outputs: Nested<Tensor>, finalState: RNNState, _lengths: Tensor): [Nested<Tensor>, RNNState] {
    const out = outputs as unknown as BeamSearchDecoderOutput;
    const st = finalState as unknown as BeamSearchDecoderState;
    const maxLens = cast(reduceMax(st.lengths, 1), 'int32');
    const ids = gatherTree(out.predictedIds, out.parentIds, maxLens, this.endToken);
    let state = st;
    if (this.reorderTensorArrays) {
      const flat = flatten(st.cellState as Nested<unknown>).map((x) => (x instanceof TensorArray ? this.sortArrayBeams(x, out.parentIds, st.lengths) : x));
      state = st.clone({ cellState: packAs(st.cellState as Nested<unknown>, flat) as RNNState });
    }
    return [new FinalBeamSearchDecoderOutput(ids, out) as unknown as Nested<Tensor>, state as unknown as RNNState];
  }

  /**
   * TF's _maybe_sort_array_beams: a TensorArray of `[batch·beam, ...]` per step, stacked and
   * reordered along the beams' ancestry (gather_tree_from_array); others are kept as they are.
   */
  private sortArrayBeams(ta: TensorArray, parentIds: Tensor, lengths: Tensor): TensorArray | Tensor {
    const es = ta.elementShape;
    if (es === null || es.length < 1 || es[0] === null || this.staticBatch === null || es[0] !== this.staticBatch * this.beamWidth) return ta;
    const t = ta.stack();
    const K = this.beamWidth;
    const B = this.staticBatch;
    const maxTime = index(shapeOf(parentIds), 0);
    const beamIds = tile(reshape(range(K), [1, 1, K]), stack([maxTime, toTensor(B, 'int32'), toTensor(1, 'int32')]));
    const lens = cast(lengths, 'int32');
    const sorted = gatherTree(beamIds, parentIds, reduceMax(lens, 1), K + 1);
    const inBound = transpose(sequenceMask(lens, maxTime), [2, 0, 1]);
    const ids = where(inBound, sorted, beamIds);
    const timeInd = tile(reshape(range(maxTime), [-1, 1, 1]), [1, B, K]);
    const batchInd = transpose(tile(reshape(range(B), [-1, 1, 1]), stack([toTensor(1, 'int32'), maxTime, toTensor(K, 'int32')])), [1, 0, 2]);
    const indices = stack([timeInd, batchInd, ids], -1);
    const from = reshape(t, stack([maxTime, toTensor(B, 'int32'), toTensor(K, 'int32'), toTensor(-1, 'int32')]));
    return reshape(gatherNd(from, indices), shapeOf(t));
  }
}
