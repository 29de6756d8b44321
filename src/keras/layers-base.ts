/**
 * The base classes a Keras user subclasses, as TF 1.15's keras/engine: `Layer` (`build(inputShape)`
 * makes the weights with `addWeight(name, shape, dtype, initializer, regularizer, trainable,
 * constraint)`, `call(inputs, ...)` computes; a list of inputs reaches `build` as a list of
 * shapes and `call` as a list of tensors), `InputSpec` (checked on every call with Keras's
 * texts) and `Wrapper` (a layer around another layer).
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { parseDType } from '../dtype.js';
import { Layer as TfLayer, type LayerOptions } from '../layers/base.js';
import { globalVariables } from '../ops/variables.js';
import type { VariableScope } from '../scope/variable-scope.js';
import { bindArgs } from '../layers/kwargs.js';
import type { TensorLike } from '../ops/convert.js';
import type { Variable } from '../ops/variables.js';
import { getInitializer } from './activations.js';
import { get as getConstraint, setConstraint } from './constraints.js';
import { type KerasLayer, asTensor, callKwargs, prepare, record, trainingArg } from './layer-utils.js';
import { get as getRegularizer } from './regularizers.js';

type Shape = (number | null)[];

const fmtShape = (s: readonly (number | null)[] | null): string => (s === null ? 'None' : `[${s.map((d) => d ?? 'None').join(', ')}]`);

/** `keras.layers.InputSpec(dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None)`. */
export class InputSpec {
  readonly dtype: string | null;
  readonly shape: Shape | null;
  readonly ndim: number | null;
  readonly maxNdim: number | null;
  readonly minNdim: number | null;
  readonly axes: Record<number, number | null>;
  constructor(...args: unknown[]) {
    const o = bindArgs('InputSpec', ['dtype', 'shape', 'ndim', 'maxNdim', 'minNdim', 'axes'], args);
    this.dtype = (o.dtype as string | undefined) ?? null;
    this.shape = o.shape ? [...(o.shape as Shape)] : null;
    this.ndim = this.shape ? this.shape.length : ((o.ndim as number | undefined) ?? null);
    this.maxNdim = (o.maxNdim as number | undefined) ?? null;
    this.minNdim = (o.minNdim as number | undefined) ?? null;
    this.axes = { ...((o.axes as Record<number, number | null> | undefined) ?? {}) };
  }
}

/** Keras's `assert_input_compatibility`: each input against its spec, with Keras's texts. */
export function assertInputCompatibility(specs: InputSpec | (InputSpec | null)[] | null, inputs: Tensor[], name: string): void {
  if (!specs) return;
  const list = Array.isArray(specs) ? specs : [specs];
  if (list.length !== inputs.length) {
    throw new ValueError(`Layer ${name} expects ${list.length} inputs, but it received ${inputs.length} input tensors. Inputs received: ${inputs.map(String).join(', ')}`);
  }
  list.forEach((spec, i) => {
    if (!spec) return;
    const x = inputs[i]!;
    const shape = x.shape;
    const rank = shape === null ? null : shape.length;
    const head = `Input ${i} of layer ${name} is incompatible with the layer: `;
    if (spec.ndim !== null && rank !== null && rank !== spec.ndim) throw new ValueError(`${head}expected ndim=${spec.ndim}, found ndim=${rank}. Full shape received: ${fmtShape(shape)}`);
    if (spec.maxNdim !== null && rank !== null && rank > spec.maxNdim) throw new ValueError(`${head}expected max_ndim=${spec.maxNdim}, found ndim=${rank}`);
    if (spec.minNdim !== null && rank !== null && rank < spec.minNdim) throw new ValueError(`${head}: expected min_ndim=${spec.minNdim}, found ndim=${rank}. Full shape received: ${fmtShape(shape)}`);
    if (spec.dtype !== null && x.dtype !== spec.dtype) throw new ValueError(`${head}expected dtype=${spec.dtype}, found dtype=${x.dtype}`);
    if (rank !== null) {
      for (const [k, v] of Object.entries(spec.axes)) {
        const a = Number(k) < 0 ? Number(k) + rank : Number(k);
        const d = shape![a];
        if (v !== null && d !== null && d !== undefined && d !== v) {
          throw new ValueError(`${head}expected axis ${k} of input shape to have value ${v} but received input with shape ${fmtShape(shape)}`);
        }
      }
      if (spec.shape) {
        spec.shape.forEach((want, j) => {
          const got = shape![j];
          if (want !== null && got !== null && got !== undefined && got !== want) {
            throw new ValueError(`${head}expected shape=${fmtShape(spec.shape)}, found shape=${fmtShape(shape)}`);
          }
        });
      }
    }
  });
}

/**
 * `keras.layers.Layer(trainable=True, name=None, dtype=None, dynamic=False)`: subclass it with
 * `build(inputShape)` and `call(inputs, ...)`. Its weights live in the layer's scope
 * (`my_layer/kernel`).
 */
export class Layer extends TfLayer implements KerasLayer {
  kerasClass: string;
  readonly batchInputShape: Shape | null;
  readonly inputDtype: string;
  /** What `apply` checks each input against (Keras's `input_spec`). */
  inputSpec: InputSpec | (InputSpec | null)[] | null = null;
  /** Whether `call` takes the learning phase as `training` (the cells and RNNs do). */
  protected readonly passesTraining: boolean = true;

  constructor(...args: unknown[]) {
    const cls = new.target.name;
    const p = prepare(cls, ['trainable', 'name', 'dtype', 'dynamic'], args);
    const { dynamic: _d, ...o } = p.o;
    void _d;
    super(o as LayerOptions);
    this.kerasClass = cls;
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }

  /** Keras's default `build`: nothing to make. */
  protected override build(_inputShape: any): void {}

  /** Keras's default `call`: the inputs themselves. */
  protected call(inputs: any, ..._args: any[]): any {
    return inputs;
  }

  /**
   * `add_weight(name, shape, dtype=None, initializer=None, regularizer=None, trainable=None,
   * constraint=None)`, by position or keywords; initializers, regularizers and constraints by name
   * too ('zeros', 'l2', 'non_neg'). The default initializer is glorot-uniform.
   */
  override addWeight(...args: any[]): Variable {
    const o = bindArgs('add_weight', ['name', 'shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'constraint', 'partitioner', 'useResource', 'synchronization', 'aggregation'], args);
    if (o.partitioner) throw new ValueError('add_weight: partitioned variables are not supported');
    const shape = (o.shape as number[] | undefined) ?? [];
    if (shape.some((d) => d === null || !Number.isInteger(d))) throw new ValueError(`add_weight: the shape of weight ${String(o.name)} must be fully defined, got ${fmtShape(shape)}`);
    const init = o.initializer === undefined || o.initializer === null ? undefined : getInitializer(o.initializer, 'glorot_uniform');
    const reg = o.regularizer === undefined || o.regularizer === null ? null : getRegularizer(o.regularizer);
    const v = super.addWeight(this.weightName(String(o.name ?? 'Variable')), shape, {
      dtype: (o.dtype as never) ?? null,
      initializer: init,
      regularizer: reg as never,
      trainable: (o.trainable as boolean | undefined) ?? true,
    });
    const c = getConstraint(o.constraint);
    if (c) setConstraint(v, c);
    return v;
  }

  /** The scope of the RNN this cell was built in (its weights are the RNN's: `rnn/kernel`, then `rnn/kernel_1`). */
  private hostScope: VariableScope | null = null;

  /** The name a new weight takes: unique in the host RNN's scope when built there, as TF's graph names its variables. */
  protected weightName(name: string): string {
    if (!this.hostScope) return name;
    const taken = new Set(globalVariables(this.graph).map((v) => v.name.replace(/:\d+$/, '')));
    const base = `${this.hostScope.name}/${name}`;
    if (!taken.has(base)) return name;
    let i = 1;
    while (taken.has(`${base}_${i}`)) i++;
    return `${name}_${i}`;
  }

  /** Build in another layer's scope (an RNN builds its cell so: the cell's weights live in the RNN's scope), unless built already. */
  buildInScope(scope: VariableScope, inputShape: unknown, dtype: string): void {
    if (this.built) return;
    this._scope = scope;
    this.hostScope = scope;
    if (this._dtype === null) this._dtype = parseDType(dtype);
    this.build(inputShape);
    this.built = true;
  }

  /** One step of a cell: `call(inputs, states, kwargs)` outside `apply` (an RNN's loop runs it in its own scope). */
  callStep(x: Tensor, states: Tensor[], kw: Record<string, unknown>): [Tensor, Tensor[]] {
    return this.call(x, states, kw) as [Tensor, Tensor[]];
  }

  /** `layer.add_loss(losses)`: a tensor (or tensors) the model adds to its loss. */
  override addLoss(losses: Tensor | Tensor[]): void {
    for (const l of Array.isArray(losses) ? losses : [losses]) super.addLoss(l);
  }

  /** `layer.add_update(updates)`. */
  override addUpdate(updates: any): void {
    for (const u of Array.isArray(updates) ? updates : [updates]) super.addUpdate(u);
  }

  /** The extra positional arguments of `call` between the inputs and the keywords (an RNN cell's states). */
  protected splitCallArgs(args: unknown[]): { extra: unknown[]; kw: Record<string, unknown> } {
    return { extra: [], kw: callKwargs(args) };
  }

  /**
   * `layer(inputs, ...)`: a tensor or a list of tensors; builds on first use, checks `inputSpec`,
   * passes the learning phase as `training`, records the node for the functional model.
   */
  override apply(inputs: TensorLike | TensorLike[], ...args: unknown[]): any {
    const multi = Array.isArray(inputs) && inputs.length > 0 && inputs.every((t) => t instanceof Tensor || (typeof t === 'object' && t !== null && 'dtype' in t && !ArrayBuffer.isView(t)));
    const xs = multi ? (inputs as TensorLike[]).map(asTensor) : [asTensor(inputs as TensorLike)];
    assertInputCompatibility(this.inputSpec, xs, this.name);
    const { extra, kw } = this.splitCallArgs(args);
    if (this.passesTraining) kw.training = trainingArg(kw);
    const proto = Object.getPrototypeOf(this) as { build: (s: unknown) => void; call: (...a: unknown[]) => unknown };
    const self = this as unknown as Record<string, unknown>;
    // TF1's Layer.__call__ builds from one tensor's shape and calls with one tensor; a list reaches build and call whole.
    self.build = (s: unknown): void => proto.build.call(this, multi ? xs.map((t) => (t.shape ? [...t.shape] : null)) : s === null ? null : [...(s as Shape)]);
    self.call = (x: unknown): unknown => proto.call.call(this, multi ? xs : x, ...extra, kw);
    let y: Tensor | Tensor[];
    try {
      y = TfLayer.prototype.apply.call(this, xs[0]!) as Tensor | Tensor[];
    } finally {
      delete self.build;
      delete self.call;
    }
    const outs = Array.isArray(y) ? y.flat(2) as Tensor[] : [y];
    record(this, xs, outs);
    return y;
  }
}

/** `keras.layers.Wrapper(layer)`: the base of the layers that wrap another layer (its weights are the wrapper's). */
export class Wrapper extends Layer {
  readonly layer: KerasLayer & { apply(x: unknown, ...a: unknown[]): any };
  constructor(...args: unknown[]) {
    const layer = args[0] !== null && typeof args[0] === 'object' && 'layer' in (args[0] as object) && !('kerasClass' in (args[0] as object)) ? (args[0] as { layer: unknown }).layer : args[0];
    if (!layer || typeof layer !== 'object' || !('kerasClass' in layer)) throw new ValueError(`Please initialize \`Wrapper\` layer with a \`Layer\` instance. You passed: ${String(layer)}`);
    const rest = args[0] === layer ? args.slice(1) : [{ ...(args[0] as Record<string, unknown>), layer: undefined }];
    if (rest[0] && typeof rest[0] === 'object') delete (rest[0] as Record<string, unknown>).layer;
    super(...rest);
    this.layer = layer as Wrapper['layer'];
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? [...super.trainableWeights, ...this.layer.trainableWeights] : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? [...super.nonTrainableWeights, ...this.layer.nonTrainableWeights] : [...super.nonTrainableWeights, ...this.layer.weights];
  }
  override get losses(): Tensor[] {
    return [...super.losses, ...this.layer.losses];
  }
  override get updates(): any[] {
    return [...super.updates, ...(this.layer.updates as any[])];
  }
  /** The wrapped layer applied to the inputs (subclasses change this). */
  protected override call(inputs: any, kw?: Record<string, unknown>): any {
    return this.layer.apply(inputs, kw);
  }
}
