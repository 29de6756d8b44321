/**
 * `tf.contrib.seq2seq`'s sampling helpers (TF 1.15 contrib/seq2seq/python/ops/helper.py): what
 * a decoder feeds itself at each step and when each batch entry is finished.
 * - `TrainingHelper(inputs, sequenceLength, timeMajor?)`: reads the given inputs (teacher
 *   forcing); entry b is finished once `time + 1 >= sequenceLength[b]`.
 * - `GreedyEmbeddingHelper(embedding, startTokens, endToken)`: feeds back the embedding of the
 *   argmax of the outputs; finished when the sampled id is `endToken`.
 * - `SampleEmbeddingHelper(embedding, startTokens, endToken, softmaxTemperature?, seed?)`: the
 *   same with the id drawn from softmax(outputs / temperature).
 * - `CustomHelper(initializeFn, sampleFn, nextInputsFn, sampleIdsShape?, sampleIdsDtype?)`: the
 *   three steps as functions.
 * Once every entry is finished the next inputs are a stand-in (zeros, or the start inputs), so
 * nothing reads past the end.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Tensor } from '../../graph/tensor.js';
import { fill, reshape, shape as shapeOf, size, transpose, zerosLike } from '../../ops/array.js';
import { cond } from '../../ops/control-flow/cond.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { embeddingLookup } from '../../ops/embedding.js';
import { add, argmax, cast, divide, equal, greaterEqual, reduceAll } from '../../ops/math.js';
import { multinomial } from '../../ops/multinomial.js';
import { index } from '../../ops/strided-slice.js';
import { TensorArray } from '../../ops/tensor-array.js';
import type { RNNState } from '../../ops/rnn/cells.js';

const pyShape = (s: readonly (number | null)[] | null): string =>
  s === null ? '<unknown>' : `(${s.map((d) => (d === null ? '?' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;

/** TF1's `rnn._transpose_batch_time`: swap the first two axes. */
export function transposeBatchTime(x: Tensor): Tensor {
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError(`Expected input tensor ${x.name} to have known rank`);
  if (r < 2) throw new ValueError(`Expected input tensor ${x.name} to have rank at least 2`);
  return transpose(x, [1, 0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)]);
}

/** TF's Helper interface. */
export abstract class Helper {
  /** The batch size as a scalar int32 tensor. */
  abstract get batchSize(): Tensor;
  /** The batch size when the graph knows it (TF's `tensor_util.constant_value(batch_size)`). */
  abstract get staticBatchSize(): number | null;
  /** The shape of one entry's sample id (TF: `TensorShape([])`). */
  get sampleIdsShape(): number[] {
    return [];
  }
  get sampleIdsDtype(): string {
    return 'int32';
  }
  /** `[finished, nextInputs]` before the first step. */
  abstract initialize(name?: string): [Tensor, Tensor];
  /** The sample ids of a step's outputs. */
  abstract sample(time: Tensor, outputs: Tensor, state: RNNState, name?: string): Tensor;
  /** `[finished, nextInputs, nextState]` after a step. */
  abstract nextInputs(time: Tensor, outputs: Tensor, state: RNNState, sampleIds: Tensor, name?: string): [Tensor, Tensor, RNNState];
}

const TRAINING_NAMES = ['inputs', 'sequenceLength', 'timeMajor', 'name'] as const;

/** `TrainingHelper(inputs, sequenceLength, timeMajor = false, name?)`: reads `inputs` step by step. */
export class TrainingHelper extends Helper {
  readonly inputs: Tensor;
  readonly sequenceLength: Tensor;
  private readonly inputTa: TensorArray;
  private readonly zeroInputs: Tensor;
  private readonly batch: Tensor;

  constructor(...args: unknown[]) {
    super();
    const o = kwargs(args, TRAINING_NAMES, 'TrainingHelper', 2);
    const g = getDefaultGraph();
    const built = g.nameScope((o.name as string | undefined) ?? 'TrainingHelper', () => {
      const inputs = toTensor(o.inputs as TensorLike, undefined, 'inputs');
      const tm = (o.timeMajor as boolean | undefined) ?? false ? inputs : transposeBatchTime(inputs);
      if (tm.shape === null) throw new ValueError(`Expected input tensor ${inputs.name} to have known rank`);
      const ta = new TensorArray(tm.dtype, index(shapeOf(tm), 0), { elementShape: tm.shape.slice(1) }).unstack(tm);
      const seqIn = o.sequenceLength as TensorLike;
      const seq = toTensor(seqIn, Array.isArray(seqIn) || typeof seqIn === 'number' ? 'int32' : undefined, 'sequence_length');
      if (seq.shape === null || seq.shape.length !== 1) throw new ValueError(`Expected sequence_length to be a vector, but received shape: ${pyShape(seq.shape)}`);
      const zero = zerosLike(index(tm, 0));
      return { inputs, ta, seq, zero, batch: size(seq) };
    });
    this.inputs = built.inputs;
    this.inputTa = built.ta;
    this.sequenceLength = built.seq;
    this.zeroInputs = built.zero;
    this.batch = built.batch;
  }

  get batchSize(): Tensor {
    return this.batch;
  }
  get staticBatchSize(): number | null {
    return this.sequenceLength.shape?.[0] ?? null;
  }

  initialize(name?: string): [Tensor, Tensor] {
    return getDefaultGraph().nameScope(name ?? 'TrainingHelperInitialize', () => {
      const finished = equal(toTensor(0, this.sequenceLength.dtype), this.sequenceLength);
      const allFinished = reduceAll(finished);
      const next = cond(allFinished, () => this.zeroInputs, () => this.inputTa.read(0)) as Tensor;
      return [finished, next] as [Tensor, Tensor];
    });
  }

  sample(time: Tensor, outputs: Tensor, _state?: RNNState, name?: string): Tensor {
    return getDefaultGraph().nameScope(name ?? 'TrainingHelperSample', () => cast(argmax(outputs, { axis: -1 }), 'int32'));
  }

  nextInputs(time: Tensor, _outputs: Tensor, state: RNNState, _sampleIds?: Tensor, name?: string): [Tensor, Tensor, RNNState] {
    return getDefaultGraph().nameScope(name ?? 'TrainingHelperNextInputs', () => {
      const nextTime = add(time, 1);
      const finished = greaterEqual(nextTime, cast(this.sequenceLength, 'int32'));
      const allFinished = reduceAll(finished);
      const next = cond(allFinished, () => this.zeroInputs, () => this.inputTa.read(nextTime)) as Tensor;
      return [finished, next, state] as [Tensor, Tensor, RNNState];
    });
  }
}

type EmbeddingFn = (ids: Tensor) => Tensor;
const GREEDY_NAMES = ['embedding', 'startTokens', 'endToken'] as const;

/** `GreedyEmbeddingHelper(embedding, startTokens, endToken)`: feeds back the embedded argmax. */
export class GreedyEmbeddingHelper extends Helper {
  protected readonly embeddingFn: EmbeddingFn;
  readonly startTokens: Tensor;
  readonly endToken: Tensor;
  protected readonly startInputs: Tensor;
  private readonly batch: Tensor;

  constructor(...args: unknown[]) {
    super();
    const o = kwargs(args, GREEDY_NAMES, 'GreedyEmbeddingHelper', 3);
    const emb = o.embedding;
    if (emb === undefined || emb === null) throw new ValueError('embedding must be a tensor, a variable or a callable');
    this.embeddingFn = typeof emb === 'function' ? (emb as EmbeddingFn) : (ids) => embeddingLookup(emb as TensorLike, ids);
    this.startTokens = toTensor(o.startTokens as TensorLike, 'int32', 'start_tokens');
    this.endToken = toTensor(o.endToken as TensorLike, 'int32', 'end_token');
    if (this.startTokens.dtype !== 'int32') throw new TypeError(`start_tokens must be int32, got ${this.startTokens.dtype}`);
    if (this.endToken.dtype !== 'int32') throw new TypeError(`end_token must be int32, got ${this.endToken.dtype}`);
    if (this.startTokens.shape === null || this.startTokens.shape.length !== 1) throw new ValueError('start_tokens must be a vector');
    this.batch = size(this.startTokens);
    if (this.endToken.shape === null || this.endToken.shape.length !== 0) throw new ValueError('end_token must be a scalar');
    this.startInputs = this.embeddingFn(this.startTokens);
  }

  get batchSize(): Tensor {
    return this.batch;
  }
  get staticBatchSize(): number | null {
    return this.startTokens.shape?.[0] ?? null;
  }

  initialize(name?: string): [Tensor, Tensor] {
    return getDefaultGraph().nameScope(name ?? 'GreedyEmbeddingHelperInitialize', () => {
      const finished = fill(reshape(this.batch, [1]), toTensor(false, 'bool'));
      return [finished, this.startInputs] as [Tensor, Tensor];
    });
  }

  sample(_time: Tensor, outputs: Tensor, _state?: RNNState, name?: string): Tensor {
    if (!(outputs instanceof Tensor)) throw new TypeError(`Expected outputs to be a single Tensor, got: ${typeof outputs}`);
    return getDefaultGraph().nameScope(name ?? 'GreedyEmbeddingHelperSample', () => argmax(outputs, { axis: -1, outputType: 'int32' }));
  }

  nextInputs(_time: Tensor, _outputs: Tensor, state: RNNState, sampleIds: Tensor, name?: string): [Tensor, Tensor, RNNState] {
    return getDefaultGraph().nameScope(name ?? 'GreedyEmbeddingHelperNextInputs', () => {
      const finished = equal(sampleIds, this.endToken);
      const allFinished = reduceAll(finished);
      const next = cond(allFinished, () => this.startInputs, () => this.embeddingFn(sampleIds)) as Tensor;
      return [finished, next, state] as [Tensor, Tensor, RNNState];
    });
  }
}

const SAMPLE_NAMES = ['embedding', 'startTokens', 'endToken', 'softmaxTemperature', 'seed'] as const;

/**
 * `SampleEmbeddingHelper(embedding, startTokens, endToken, softmaxTemperature?, seed?)`: each id
 * drawn from the categorical distribution of softmax(outputs / softmaxTemperature).
 */
export class SampleEmbeddingHelper extends GreedyEmbeddingHelper {
  readonly softmaxTemperature: Tensor | null;
  readonly seed: number | null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, SAMPLE_NAMES, 'SampleEmbeddingHelper', 3);
    super(o.embedding, o.startTokens, o.endToken);
    const t = o.softmaxTemperature;
    this.softmaxTemperature = t === undefined || t === null ? null : toTensor(t as TensorLike, undefined, 'softmax_temperature');
    this.seed = (o.seed as number | null | undefined) ?? null;
  }

  override sample(_time: Tensor, outputs: Tensor, _state?: RNNState, name?: string): Tensor {
    if (!(outputs instanceof Tensor)) throw new TypeError(`Expected outputs to be a single Tensor, got: ${typeof outputs}`);
    return getDefaultGraph().nameScope(name ?? 'SampleEmbeddingHelperSample', () => {
      const logits = this.softmaxTemperature === null ? outputs : divide(outputs, cast(this.softmaxTemperature, outputs.dtype));
      // TF draws one id per row from Categorical(logits): Multinomial with one sample.
      return reshape(multinomial(logits, 1, { seed: this.seed, outputDtype: 'int32' }), [-1]);
    });
  }
}

/** The keyword arguments TF passes a CustomHelper's `sample_fn` and `next_inputs_fn`. */
export interface CustomHelperArgs {
  time: Tensor;
  outputs: Tensor;
  state: RNNState;
  sampleIds?: Tensor;
}
const CUSTOM_NAMES = ['initializeFn', 'sampleFn', 'nextInputsFn', 'sampleIdsShape', 'sampleIdsDtype'] as const;

/**
 * `CustomHelper(initializeFn, sampleFn, nextInputsFn, sampleIdsShape = [], sampleIdsDtype =
 * int32)`: `initializeFn()` → `[finished, nextInputs]`; `sampleFn({time, outputs, state})` →
 * sample ids; `nextInputsFn({time, outputs, state, sampleIds})` → `[finished, nextInputs,
 * nextState]`. The batch size is the size of the first `finished`.
 */
export class CustomHelper extends Helper {
  private readonly initializeFn: () => [Tensor, Tensor];
  private readonly sampleFn: (a: CustomHelperArgs) => Tensor;
  private readonly nextInputsFn: (a: CustomHelperArgs) => [Tensor, Tensor, RNNState];
  private readonly idsShape: number[];
  private readonly idsDtype: string;
  private batch: Tensor | null = null;
  private staticBatch: number | null = null;

  constructor(...args: unknown[]) {
    super();
    const o = kwargs(args, CUSTOM_NAMES, 'CustomHelper', 3);
    for (const k of ['initializeFn', 'sampleFn', 'nextInputsFn'] as const) {
      if (typeof o[k] !== 'function') throw new TypeError(`CustomHelper: ${k} must be callable`);
    }
    this.initializeFn = o.initializeFn as () => [Tensor, Tensor];
    this.sampleFn = o.sampleFn as (a: CustomHelperArgs) => Tensor;
    this.nextInputsFn = o.nextInputsFn as (a: CustomHelperArgs) => [Tensor, Tensor, RNNState];
    this.idsShape = [...((o.sampleIdsShape as number[] | null | undefined) ?? [])];
    this.idsDtype = (o.sampleIdsDtype as string | null | undefined) ?? 'int32';
  }

  get batchSize(): Tensor {
    if (this.batch === null) throw new ValueError('batch_size accessed before initialize was called');
    return this.batch;
  }
  get staticBatchSize(): number | null {
    return this.staticBatch;
  }
  override get sampleIdsShape(): number[] {
    return [...this.idsShape];
  }
  override get sampleIdsDtype(): string {
    return this.idsDtype;
  }

  initialize(name?: string): [Tensor, Tensor] {
    return getDefaultGraph().nameScope(name ?? 'CustomHelperInitialize', () => {
      const [finished, next] = this.initializeFn();
      const f = toTensor(finished as TensorLike, 'bool', 'finished');
      if (this.batch === null) {
        this.batch = size(f);
        this.staticBatch = f.shape?.[0] ?? null;
      }
      return [f, next] as [Tensor, Tensor];
    });
  }

  sample(time: Tensor, outputs: Tensor, state: RNNState, name?: string): Tensor {
    return getDefaultGraph().nameScope(name ?? 'CustomHelperSample', () => this.sampleFn({ time, outputs, state }));
  }

  nextInputs(time: Tensor, outputs: Tensor, state: RNNState, sampleIds: Tensor, name?: string): [Tensor, Tensor, RNNState] {
    return getDefaultGraph().nameScope(name ?? 'CustomHelperNextInputs', () => this.nextInputsFn({ time, outputs, state, sampleIds }));
  }
}
