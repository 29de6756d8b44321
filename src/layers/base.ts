/**
 * `tf.layers.Layer`, TF1's graph-mode layer: it names itself (`dense`, `dense_1`, … per graph),
 * captures a variable scope on first use (the `name` when given, else the class's snake-case
 * name made unique in the current variable scope), builds its weights with `getVariable` in
 * that scope (so checkpoints hold `dense/kernel`, `conv2d_1/bias`, …), runs its ops in the
 * scope's name scope, reuses its variables on later calls, and publishes regularization losses
 * and update ops to REGULARIZATION_LOSSES and UPDATE_OPS.
 */
import { type DType, parseDType } from '../dtype.js';
import { NotImplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { Tensor, type Operation } from '../graph/tensor.js';
import { gather, shape as shapeOf } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { cast, divide } from '../ops/math.js';
import { Variable, globalVariables } from '../ops/variables.js';
import { getVariable } from '../scope/get-variable.js';
import { type Regularizer, type Reuse, VariableScope, variableScope } from '../scope/variable-scope.js';
import { bindArgs } from './kwargs.js';
import { initScope } from '../graph/init-scope.js';

export type Activation = ((x: Tensor) => Tensor) | null | undefined;

export interface LayerOptions {
  trainable?: boolean;
  name?: string | null;
  dtype?: DType | string | null;
  activityRegularizer?: Regularizer | ((x: Tensor) => Tensor | null) | null;
  /** TF1's private `_scope`: the variable scope (or its name) to build in. */
  _scope?: string | VariableScope | null;
  /** TF1's private `_reuse`. */
  _reuse?: Reuse | null;
  /** The arguments a Keras layer was constructed with (what its `getConfig` returns). */
  [LAYER_ARGS]?: Record<string, unknown>;
}

/** Key of the constructor arguments a Keras layer passes down (`keras/layer-utils.ts` prepare). */
export const LAYER_ARGS = Symbol('keras layer arguments');
const layerArgs = new WeakMap<Layer, Record<string, unknown>>();
/** The arguments `layer` was constructed with, as Keras's layers record them; undefined for a layer not built from arguments. */
export function constructorArgs(layer: object): Record<string, unknown> | undefined {
  return layerArgs.get(layer as Layer);
}
let configOf: ((layer: object) => Record<string, unknown>) | null = null;
/** How `getConfig` turns a layer's arguments into its config (Keras's serialization, registered by the Keras module). */
export function setLayerConfigSerializer(f: (layer: object) => Record<string, unknown>): void {
  configOf = f;
}

/** Keras's `to_snake_case`: `Conv2DTranspose` → `conv2d_transpose`. */
export function toSnakeCase(name: string): string {
  const s = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s.startsWith('_') ? `private${s}` : s;
}

const layerNameUids = new WeakMap<Graph, Map<string, number>>();

/** Keras's `unique_object_name`: `dense`, `dense_1`, … per graph. */
export function uniqueLayerName(base: string, g: Graph): string {
  let m = layerNameUids.get(g);
  if (!m) layerNameUids.set(g, (m = new Map()));
  const n = m.get(base) ?? 0;
  m.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Append what `collection` does not hold yet (TF1's `_add_elements_to_collection`). */
function addElements(g: Graph, collection: string, items: readonly unknown[]): void {
  const have = new Set(g.getCollection(collection));
  for (const x of items) if (!have.has(x)) g.addToCollection(collection, x);
}

export abstract class Layer {
  readonly name: string;
  trainable: boolean;
  built = false;
  protected _dtype: DType | null;
  protected readonly baseName: string;
  protected _scope: VariableScope | null = null;
  protected readonly _reuse: Reuse | null;
  protected readonly graph: Graph;
  protected readonly activityRegularizer: ((x: Tensor) => Tensor | null | undefined) | null;
  private readonly _trainableWeights: Variable[] = [];
  private readonly _nonTrainableWeights: Variable[] = [];
  private readonly _losses: Tensor[] = [];
  private readonly _updates: (Tensor | Operation)[] = [];
  /** Extra names `apply` accepts after the inputs (e.g. `training`). */
  protected readonly callArgNames: readonly string[] = [];

  constructor(opts: LayerOptions = {}) {
    this.graph = getDefaultGraph();
    if (opts[LAYER_ARGS]) layerArgs.set(this, opts[LAYER_ARGS]);
    this.trainable = opts.trainable ?? true;
    this._dtype = opts.dtype === undefined || opts.dtype === null ? null : parseDType(opts.dtype);
    this._reuse = opts._reuse ?? null;
    this.activityRegularizer = (opts.activityRegularizer as ((x: Tensor) => Tensor | null | undefined) | null | undefined) ?? null;
    const base = toSnakeCase(this.constructor.name);
    if (opts.name !== undefined && opts.name !== null && opts.name !== '') {
      this.name = opts.name;
      this.baseName = opts.name;
    } else {
      this.name = uniqueLayerName(base, this.graph);
      this.baseName = base;
    }
    const scope = opts._scope;
    if (scope instanceof VariableScope) {
      this._scope = scope;
    } else if (scope) {
      variableScope(scope, (s: VariableScope) => {
        this._scope = s;
      });
    }
  }

  get dtype(): DType | null {
    return this._dtype;
  }

  /** `layer.get_config()`: the arguments the layer was made with, serialized as Keras serializes them. */
  getConfig(): Record<string, unknown> {
    if (!configOf || !layerArgs.has(this)) throw new NotImplementedError(`Layer ${this.constructor.name} has arguments in \`__init__\` and therefore must override \`get_config\`.`);
    return configOf(this);
  }

  /** `Layer.from_config(config)`: `cls(**config)`. */
  static fromConfig<T>(this: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new this({ ...config });
  }
  /** The variable scope's name (`dense_1`, `block/conv2d`); set on first use. */
  get scopeName(): string {
    if (!this._scope) throw new ValueError('No name available for layer scope because the layer "' + this.name + '" has not been used yet. The scope name  is determined the first time the layer instance is called. You must therefore call the layer before querying `scope_name`.');
    return this._scope.name;
  }
  get trainableWeights(): Variable[] {
    return this.trainable ? [...this._trainableWeights] : [];
  }
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? [...this._nonTrainableWeights] : [...this._trainableWeights, ...this._nonTrainableWeights];
  }
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }
  get nonTrainableVariables(): Variable[] {
    return this.nonTrainableWeights;
  }
  get variables(): Variable[] {
    return this.weights;
  }
  /** Regularization (and activity) losses this layer created. */
  get losses(): Tensor[] {
    return [...this._losses];
  }
  /** Update ops this layer created (batch normalization's moving averages). */
  get updates(): (Tensor | Operation)[] {
    return [...this._updates];
  }

  /** Create the weights for inputs of this static shape (called once, before the first `call`). */
  protected build(_inputShape: readonly (number | null)[] | null): void {}

  /** The layer's computation (inside its name scope). */
  protected abstract call(inputs: Tensor, kwargs: Record<string, unknown>): Tensor;

  /** TF1's `_set_scope`: capture the variable scope on first use. */
  private setScope(scope?: string): void {
    if (this._scope) return;
    const capture = (s: VariableScope): void => {
      this._scope = s;
    };
    if (this._reuse) variableScope(scope ?? this.baseName, capture);
    else variableScope(scope ?? null, { defaultName: this.baseName }, capture);
  }

  /** Run `fn` in this layer's variable scope (reusing once built) and its original name scope. */
  private inScope<T>(fn: () => T): T {
    const reuse = this.built ? true : this._reuse;
    return this.graph.asDefault(() =>
      variableScope(this._scope!, { reuse, auxiliaryNameScope: false }, (s: VariableScope) =>
        this.graph.nameScope(s.originalNameScope || null, () => fn()),
      ),
    );
  }

  /**
   * `add_weight(name, shape, dtype, initializer, regularizer, trainable)`: `<scope>/<name>` via
   * `getVariable` (the scope's initializer when none is given, glorot-uniform for floats); the
   * regularizer's loss (`<scope>/<name>/Regularizer/…`) is recorded only for new variables.
   */
  protected addWeight(
    name: string,
    shape: readonly number[],
    o: { dtype?: DType | null; initializer?: unknown; regularizer?: Regularizer | null; trainable?: boolean } = {},
  ): Variable {
    this.setScope();
    const existing = new Set(globalVariables(this.graph));
    const trainable = (o.trainable ?? true) && this.trainable;
    return this.inScope(() => {
      const dtype = o.dtype ?? this._dtype ?? 'float32';
      // Made outside any control-flow region, as TF1's init_scope does (a layer first called in a tf.whileLoop body).
      const v = initScope(this.graph, () => getVariable(name, [...shape], {
        dtype,
        ...(o.initializer !== undefined && o.initializer !== null ? { initializer: o.initializer } : {}),
        trainable,
      }));
      if (v.trainable && trainable) this._trainableWeights.push(v);
      else this._nonTrainableWeights.push(v);
      if (o.regularizer && !existing.has(v)) {
        const loss = this.graph.nameScope(`${name}/Regularizer`, () => o.regularizer!(v));
        if (loss) this.addLoss(loss);
      }
      return v;
    });
  }

  protected addLoss(loss: Tensor): void {
    this._losses.push(loss);
    addElements(this.graph, GraphKeys.REGULARIZATION_LOSSES, [loss]);
  }

  protected addUpdate(update: Tensor | Operation): void {
    this._updates.push(update);
  }

  /** `layer.apply(inputs, ...)` (TF1's `__call__`): build on first use, then call, reusing the weights. */
  apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    const kw = bindArgs(`${this.constructor.name}.apply`, [...this.callArgNames, 'scope'], args);
    const x = inputs instanceof Tensor || inputs instanceof Variable ? toTensor(inputs) : this.graph.asDefault(() => toTensor(inputs));
    if (x.graph !== this.graph) throw new ValueError(`${x} must be from the same graph as layer ${this.name}.`);
    this.setScope(kw.scope as string | undefined);
    if (this._dtype === null) this._dtype = x.dtype;
    const out = this.inScope(() => {
      if (!this.built) {
        this.build(x.shape);
        this.built = true;
      }
      const y = this.call(x, kw);
      if (this.activityRegularizer) {
        this.graph.nameScope('ActivityRegularizer', () => {
          const loss = this.activityRegularizer!(y);
          if (loss) this.addLoss(divide(loss, cast(gather(shapeOf(y), 0), loss.dtype)));
        });
      }
      return y;
    });
    addElements(this.graph, GraphKeys.UPDATE_OPS, this._updates);
    return out;
  }
}

