/**
 * `tf.contrib.seq2seq.BasicDecoder` (TF 1.15 contrib/seq2seq/python/ops/basic_decoder.py): each
 * step runs the cell, then the optional output layer (e.g. `tf.layers.Dense(vocab)`), asks the
 * helper for the sample ids and the next inputs. Its outputs are `BasicDecoderOutput(rnnOutput,
 * sampleId)`.
 */
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import { Layer } from '../../layers/base.js';
import { type Nested, flatten, registerTupleType } from '../../ops/control-flow/nest.js';
import { type RNNState, RNNCell, flattenStruct } from '../../ops/rnn/cells.js';
import { kwargs } from '../../args.js';
import { Decoder } from './decoder.js';
import { Helper } from './helper.js';

/** `BasicDecoderOutput(rnnOutput, sampleId)`, TF's namedtuple (also `[0]`, `[1]`). */
export class BasicDecoderOutput<T = Tensor> {
  constructor(readonly rnnOutput: T, readonly sampleId: T) {}
  get 0(): T {
    return this.rnnOutput;
  }
  get 1(): T {
    return this.sampleId;
  }
  get length(): 2 {
    return 2;
  }
  *[Symbol.iterator](): Iterator<T> {
    yield this.rnnOutput;
    yield this.sampleId;
  }
}
registerTupleType<BasicDecoderOutput<unknown>>(BasicDecoderOutput, (x) => [x.rnnOutput, x.sampleId], ([a, b]) => new BasicDecoderOutput(a, b));

const NAMES = ['cell', 'helper', 'initialState', 'outputLayer'] as const;

/** `BasicDecoder(cell, helper, initialState, outputLayer?)`. */
export class BasicDecoder extends Decoder {
  readonly cell: RNNCell;
  readonly helper: Helper;
  readonly initialState: RNNState;
  readonly outputLayer: Layer | null;

  constructor(...args: unknown[]) {
    super();
    const o = kwargs(args, NAMES, 'BasicDecoder', 3);
    if (!(o.cell instanceof RNNCell)) throw new TypeError(`The argument 'cell' (${String(o.cell)}) is not an RNNCell`);
    if (!(o.helper instanceof Helper)) throw new TypeError(`helper must be a Helper, received: ${typeOf(o.helper)}`);
    const layer = o.outputLayer ?? null;
    if (layer !== null && !(layer instanceof Layer)) throw new TypeError(`output_layer must be a Layer, received: ${typeOf(layer)}`);
    this.cell = o.cell;
    this.helper = o.helper;
    this.initialState = o.initialState as RNNState;
    this.outputLayer = layer;
  }

  get batchSize(): Tensor {
    return this.helper.batchSize;
  }
  get staticBatchSize(): number | null {
    return this.helper.staticBatchSize;
  }

  /** The cell's output size, through the output layer when there is one. */
  private rnnOutputSize(): number[] {
    const sizes = flattenStruct(this.cell.outputSize);
    if (sizes.length !== 1) throw new ValueError('BasicDecoder: cells with nested outputs are not supported');
    if (this.outputLayer === null) return [sizes[0]!];
    const units = (this.outputLayer as unknown as { units?: unknown }).units;
    if (typeof units !== 'number') throw new ValueError(`BasicDecoder: cannot tell the output size of output_layer ${this.outputLayer.name}`);
    return [units];
  }

  get outputSize(): Nested<number[]> {
    return new BasicDecoderOutput(this.rnnOutputSize(), this.helper.sampleIdsShape) as unknown as Nested<number[]>;
  }

  get outputDtype(): Nested<string> {
    // TF: nest.flatten(initial_state)[0].dtype (wrapper states such as AttentionWrapperState included).
    const dtype = (flatten(this.initialState as Nested<unknown>)[0] as Tensor).dtype;
    return new BasicDecoderOutput(dtype, this.helper.sampleIdsDtype) as unknown as Nested<string>;
  }

  initialize(name?: string): [Tensor, Tensor, RNNState] {
    const [finished, inputs] = this.helper.initialize(name);
    return [finished, inputs, this.initialState];
  }

  step(time: Tensor, inputs: Tensor, state: RNNState, name?: string): [Nested<Tensor>, RNNState, Tensor, Tensor] {
    return getDefaultGraph().nameScope(name ?? 'BasicDecoderStep', () => {
      const [cellOut, cellState] = this.cell.call(inputs, state);
      const out = this.outputLayer === null ? cellOut : this.outputLayer.apply(cellOut);
      const sampleIds = this.helper.sample(time, out, cellState);
      const [finished, nextInputs, nextState] = this.helper.nextInputs(time, out, cellState, sampleIds);
      return [new BasicDecoderOutput(out, sampleIds) as unknown as Nested<Tensor>, nextState, nextInputs, finished] as [Nested<Tensor>, RNNState, Tensor, Tensor];
    });
  }
}

const typeOf = (x: unknown): string => (x === null ? 'None' : typeof x === 'object' ? `<class '${(x as object).constructor.name}'>` : typeof x);
