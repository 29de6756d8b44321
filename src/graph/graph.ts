/** The append-only graph: ops, TF1 naming and scopes, control dependencies, collections. */
import { RuntimeError, ValueError } from '../errors.js';
import type { DType } from '../dtype.js';
import type { PartialShape } from '../shape.js';
import { type Attrs, Operation, Tensor } from './tensor.js';
import { type DeviceSpecFields, canonicalDevice, deviceSpecString, mergeDeviceSpecs, parseDeviceSpec } from './device-spec.js';
import { type AsGraphDefOptions, graphToGraphDef } from '../graphdef/export.js';
import type { GraphDef } from '../proto/framework.js';

export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  LOCAL_VARIABLES: 'local_variables',
  GLOBAL_STEP: 'global_step',
  TRAIN_OP: 'train_op',
  UPDATE_OPS: 'update_ops',
  LOSSES: 'losses',
  SAVERS: 'savers',
  MODEL_VARIABLES: 'model_variables',
  METRIC_VARIABLES: 'metric_variables',
  MOVING_AVERAGE_VARIABLES: 'moving_average_variables',
  REGULARIZATION_LOSSES: 'regularization_losses',
  SUMMARIES: 'summaries',
  SUMMARY_OP: 'summary_op',
  ACTIVATIONS: 'activations',
  WEIGHTS: 'weights',
  BIASES: 'biases',
  INIT_OP: 'init_op',
  LOCAL_INIT_OP: 'local_init_op',
  READY_OP: 'ready_op',
  READY_FOR_LOCAL_INIT_OP: 'ready_for_local_init_op',
  EVAL_STEP: 'eval_step',
  QUEUE_RUNNERS: 'queue_runners',
  TABLE_INITIALIZERS: 'table_initializer',
  ASSET_FILEPATHS: 'asset_filepaths',
  CONCATENATED_VARIABLES: 'concatenated_variables',
  SAVEABLE_OBJECTS: 'saveable_objects',
  RESOURCES: 'resources',
  LOCAL_RESOURCES: 'local_resources',
  COND_CONTEXT: 'cond_context',
  WHILE_CONTEXT: 'while_context',
} as const;

const ROOT_SCOPE_RE = /^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$/;
const SCOPE_RE = /^[A-Za-z0-9_.\-/]*$/;

export interface NewOp {
  type: string;
  inputs: Tensor[];
  outputs: { dtype: DType; shape: PartialShape }[];
  attrs?: Attrs;
  /** Requested name (uniquified); a name ending in `/` is taken verbatim without the slash. */
  name?: string;
  /** Default name when `name` is absent (TF's wrapper default, e.g. `MatMul`). */
  defaultName: string;
}

/**
 * A control-flow region new ops are built in (a `tf.cond` branch, a `tf.whileLoop` body): it
 * replaces inputs from outside the region by values that enter it (Switch, Enter) and records
 * each new op as its own.
 */
export interface ControlFlowHook {
  captureInputs(inputs: readonly Tensor[]): Tensor[];
  opAdded(op: Operation): void;
}

export class Graph {
  private readonly _ops: Operation[] = [];
  /**
   * Set on a function's graph while its function is traced (TF's FuncGraph): ops made while it
   * is the default graph go in it, and an input from another graph is replaced by what this
   * returns, the placeholder that captures the outer value.
   */
  capture: ((t: Tensor) => Tensor) | null = null;
  /** The innermost control-flow region being built, or null. */
  controlFlowContext: ControlFlowHook | null = null;
  private readonly byName = new Map<string, Operation>();
  private readonly namesInUse = new Map<string, number>();
  private readonly collections = new Map<string, unknown[]>();
  /** Current name scope, '' at the root, else ending without '/'. */
  private scope = '';
  private controlStack: Operation[][] = [];
  /** `tf.device` scopes, outermost first: a spec, a device function, or null (ignore the outer ones). */
  private deviceStack: DeviceEntry[] = [];
  /** The ops of the enclosing `colocateWith` scopes, outermost first. */
  private colocationStack: Operation[] = [];
  /** Graph-level random seed (`tf.setRandomSeed`). */
  seed: number | null = null;
  /** Counter TF uses to derive op seeds when only the graph seed is set. */
  private lastOpSeed = 0;
  /** Ops whose outputs may not be fed (`preventFeeding`). */
  readonly unfeedable = new Set<Tensor>();
  /** Bumped on every new op: sessions use it to drop stale caches. */
  version = 0;
  /** `gradientOverrideMap` scopes in force: op type → registered gradient name. */
  private gradientOverrides = new Map<string, string>();
  private _finalized = false;

  /** TF1's `graph.finalized`: no op may be added any more. */
  get finalized(): boolean {
    return this._finalized;
  }

  /** TF1's `graph.finalize()` (tf.train.Supervisor and MonitoredSession call it). */
  finalize(): void {
    this._finalized = true;
  }

  /** TF1's private `graph._unsafe_unfinalize()`. */
  unsafeUnfinalize(): void {
    this._finalized = false;
  }

  /**
   * TF1's `with g.gradient_override_map({'Identity': 'FlipGradient'}):` — ops of a mapped type
   * created inside `fn` get the attr `_gradient_op_type` naming the gradient tf.gradients uses
   * (one registered by `tf.RegisterGradient`).
   */
  gradientOverrideMap<T>(opTypeMap: Record<string, string>, fn: () => T): T {
    if (typeof opTypeMap !== 'object' || opTypeMap === null || Array.isArray(opTypeMap) || opTypeMap instanceof Map) {
      throw new TypeError('op_type_map must be a dictionary mapping strings to strings');
    }
    for (const [k, v] of Object.entries(opTypeMap)) {
      if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError('op_type_map must be a dictionary mapping strings to strings');
    }
    const old = this.gradientOverrides;
    this.gradientOverrides = new Map([...old, ...Object.entries(opTypeMap)]);
    try {
      return fn();
    } finally {
      this.gradientOverrides = old;
    }
  }

  get operations(): readonly Operation[] {
    return this._ops;
  }

  getOperations(): Operation[] {
    return [...this._ops];
  }

  /** TF's `unique_name`: case-insensitive, `name_1`, `name_2`, … */
  uniqueName(name: string, markAsUsed = true): string {
    if (this.scope) name = `${this.scope}/${name}`;
    const key = name.toLowerCase();
    let i = this.namesInUse.get(key) ?? 0;
    if (markAsUsed) this.namesInUse.set(key, i + 1);
    if (i > 0) {
      const base = key;
      let k = key;
      while (this.namesInUse.has(k)) {
        k = `${base}_${i}`;
        i++;
      }
      if (markAsUsed) this.namesInUse.set(k, 1);
      name = `${name}_${i - 1}`;
    }
    return name;
  }

  /** Run `fn` inside name scope `name` (TF1 `name_scope`); `fn` receives the scope string `a/b/`. */
  nameScope<T>(name: string | null, fn: (scope: string) => T): T {
    const old = this.scope;
    let next: string;
    if (name === null || name === '') {
      next = '';
    } else if (name.endsWith('/')) {
      next = name.slice(0, -1);
    } else {
      const re = old ? SCOPE_RE : ROOT_SCOPE_RE;
      if (!re.test(name)) throw new ValueError(`'${name}' is not a valid scope name`);
      next = this.uniqueName(name);
    }
    this.scope = next;
    try {
      return fn(next ? `${next}/` : '');
    } finally {
      this.scope = old;
    }
  }

  get currentScope(): string {
    return this.scope;
  }

  controlDependencies<T>(deps: readonly (Operation | Tensor | string)[] | null, fn: () => T): T {
    const old = this.controlStack;
    if (deps === null) this.controlStack = [];
    else this.controlStack = [...old, deps.map((d) => this.controlInput(d))];
    try {
      return fn();
    } finally {
      this.controlStack = old;
    }
  }

  /** A control dependency as TF1's `control_dependencies` takes it: an element of this graph. */
  private controlInput(d: unknown): Operation {
    const e = this.asGraphElement(d, true, true);
    return e instanceof Tensor ? e.op : e;
  }

  /**
   * TF1's `with g.device(spec_or_fn):` — a device string (merged with the enclosing scopes,
   * whose fields the inner one overrides), a device function of the new op, or null to ignore
   * the enclosing scopes.
   */
  device<T>(spec: string | DeviceFunction | null, fn: () => T): T {
    const entry: DeviceEntry = spec === null || spec === undefined ? null
      : typeof spec === 'function' ? { fn: spec } : { spec: parseDeviceSpec(canonicalDevice(spec)) };
    this.deviceStack.push(entry);
    try {
      return fn();
    } finally {
      this.deviceStack.pop();
    }
  }

  /**
   * TF1's `with g.colocate_with(op, ignore_existing):` — ops made inside `fn` get the colocation
   * groups of the enclosing ops (attr `_class`, `loc:@name`) and their device; the device scopes
   * are set aside meanwhile, as in TF. `op` null (with ignoreExisting) clears the colocation.
   */
  colocateWith<T>(op: Operation | null, fn: () => T, ignoreExisting = false): T {
    if (op === null && !ignoreExisting) throw new ValueError('Trying to reset colocation (op is None) but ignore_existing is not True');
    const devices = this.deviceStack;
    const stack = this.colocationStack;
    this.deviceStack = [];
    if (ignoreExisting) this.colocationStack = [];
    if (op !== null) this.colocationStack = [...this.colocationStack, op];
    try {
      return fn();
    } finally {
      this.deviceStack = devices;
      this.colocationStack = stack;
    }
  }

  /** The device the enclosing device strings give a new op (device functions aside). */
  get currentDevice(): string {
    return this.deviceOf(null);
  }

  /** Apply the device scopes innermost first, as TF1's `_apply_device_functions` does. */
  private deviceOf(op: Operation | null): string {
    let cur: DeviceSpecFields | null = null;
    for (let i = this.deviceStack.length - 1; i >= 0; i--) {
      const e = this.deviceStack[i]!;
      if (e === null) break;
      if ('fn' in e) {
        if (!op) continue;
        // a device function sees the op with the device the inner scopes gave it
        (op as { device: string }).device = cur ? deviceSpecString(cur) : '';
        const d = e.fn(op);
        cur = parseDeviceSpec(canonicalDevice(d ?? ''));
      } else {
        cur = cur ? mergeDeviceSpecs(e.spec, cur) : e.spec;
      }
    }
    return cur ? deviceSpecString(cur) : '';
  }

  /** Add an op (shapes already inferred by the ops layer). */
  addOp(spec: NewOp): Operation {
    if (this._finalized) throw new RuntimeError('Graph is finalized and cannot be modified.');
    let name: string;
    if (spec.name !== undefined && spec.name.endsWith('/')) {
      name = spec.name.slice(0, -1);
      this.namesInUse.set(name.toLowerCase(), Math.max(1, this.namesInUse.get(name.toLowerCase()) ?? 0));
    } else {
      name = this.uniqueName(spec.name ?? spec.defaultName);
    }
    let own = spec.inputs;
    if (own.some((t) => t.graph !== this)) {
      const capture = this.capture;
      if (!capture) throw new ValueError(`${own.find((t) => t.graph !== this)} is not from the passed-in graph.`);
      own = own.map((t) => (t.graph === this ? t : capture(t)));
    }
    // The name is taken first, then values from outside a control-flow region enter it (TF1's order).
    const cf = this.controlFlowContext;
    const inputs = cf ? this.nameScope(`${name}/`, () => cf.captureInputs(own)) : own;
    const control: Operation[] = [];
    for (const frame of this.controlStack) {
      for (const op of frame) {
        if (!control.includes(op) && !inputs.some((t) => t.op === op)) control.push(op);
      }
    }
    const op = new Operation(
      this,
      this._ops.length,
      name,
      spec.type,
      inputs,
      control,
      spec.outputs,
      this.gradientOverrides.has(spec.type) ? { ...spec.attrs, _gradient_op_type: this.gradientOverrides.get(spec.type)! } : spec.attrs ?? {},
      '',
    );
    // Device functions see the op, so its device is set once it exists.
    if (this.deviceStack.length > 0) (op as { device: string }).device = this.deviceOf(op);
    if (this.colocationStack.length > 0) {
      const groups = new Set<string>();
      for (const c of this.colocationStack) {
        const cls = c.attrs._class;
        const own = Array.isArray(cls) ? (cls as string[]).filter((x) => x.startsWith('loc:@')) : [];
        for (const x of own.length > 0 ? own : [`loc:@${c.name}`]) groups.add(x);
        if (c.device && !op.device) (op as { device: string }).device = c.device;
      }
      (op as { attrs: Record<string, unknown> }).attrs = { ...op.attrs, _class: [...groups].sort() };
    }
    this._ops.push(op);
    this.byName.set(name, op);
    this.version++;
    cf?.opAdded(op);
    return op;
  }

  /** Derive (graphSeed, opSeed) as TF1's `get_seed` does. */
  getSeed(opSeed: number | undefined): [number, number] | null {
    if (this.seed !== null) {
      if (opSeed !== undefined) return [this.seed, opSeed];
      this.lastOpSeed = this._ops.length;
      return [this.seed, this.lastOpSeed];
    }
    if (opSeed !== undefined) return [87654321, opSeed];
    return null;
  }

  addToCollection(key: string, value: unknown): void {
    let c = this.collections.get(key);
    if (!c) this.collections.set(key, (c = []));
    c.push(value);
  }

  getCollection<T = unknown>(key: string, scope?: string): T[] {
    const c = (this.collections.get(key) ?? []) as T[];
    if (scope === undefined) return [...c];
    const re = new RegExp(`^(?:${scope})`);
    return c.filter((x) => re.test(String((x as { name?: string }).name ?? '')));
  }

  /** `get_all_collection_keys()`: the names of the non-empty collections. */
  getAllCollectionKeys(): string[] {
    return [...this.collections].filter(([, c]) => c.length > 0).map(([k]) => k);
  }

  getCollectionRef<T = unknown>(key: string): T[] {
    let c = this.collections.get(key);
    if (!c) this.collections.set(key, (c = []));
    return c as T[];
  }

  getOperationByName(name: string): Operation {
    return this.asGraphElement(name, false, true) as Operation;
  }

  getTensorByName(name: string): Tensor {
    return this.asGraphElement(name, true, false) as Tensor;
  }

  /** TF's `as_graph_element` with its exact error texts. */
  asGraphElement(obj: unknown, allowTensor: boolean, allowOperation: boolean): Tensor | Operation {
    const typesStr = allowTensor && allowOperation ? 'Tensor or Operation' : allowTensor ? 'Tensor' : 'Operation';
    if (typeof obj === 'string') {
      if (obj.includes(':') && allowTensor) {
        const idx = obj.lastIndexOf(':');
        const opName = obj.slice(0, idx);
        const outStr = obj.slice(idx + 1);
        const out = Number(outStr);
        if (!/^\d+$/.test(outStr)) {
          throw new ValueError(
            `The name ${JSON.stringify(obj)} looks a like a Tensor name, but is not a valid one. Tensor names must be of the form "<op_name>:<output_index>".`,
          );
        }
        const op = this.byName.get(opName);
        if (!op) {
          throw new KeyError(
            `The name '${obj}' refers to a Tensor which does not exist. The operation, '${opName}', does not exist in the graph.`,
          );
        }
        const t = op.outputs[out];
        if (!t) {
          throw new KeyError(
            `The name '${obj}' refers to a Tensor which does not exist. The operation, '${opName}', exists but only has ${op.outputs.length} outputs.`,
          );
        }
        return t;
      }
      if (obj.includes(':') && !allowTensor) {
        throw new ValueError(`Name '${obj}' appears to refer to a Tensor, not a ${typesStr}.`);
      }
      const op = this.byName.get(obj);
      if (!op) {
        if (!allowOperation) {
          throw new ValueError(
            `The name '${obj}' looks like an (invalid) Operation name, not a ${typesStr}. Tensor names must be of the form "<op_name>:<output_index>".`,
          );
        }
        throw new KeyError(`The name '${obj}' refers to an Operation not in the graph.`);
      }
      if (!allowOperation) {
        throw new ValueError(
          `The name '${obj}' refers to an Operation, not a ${typesStr}. Tensor names must be of the form "<op_name>:<output_index>".`,
        );
      }
      return op;
    }
    if (obj instanceof Tensor && allowTensor) {
      if (obj.graph !== this) throw new ValueError(`Tensor ${obj} is not an element of this graph.`);
      return obj;
    }
    if (obj instanceof Operation && allowOperation) {
      if (obj.graph !== this) throw new ValueError(`Operation ${obj} is not an element of this graph.`);
      return obj;
    }
    throw new TypeError(`Can not convert a ${describeType(obj)} into a ${typesStr}.`);
  }

  /** Stop `t` from being fed (TF's `prevent_feeding`). */
  preventFeeding(t: Tensor): void {
    this.unfeedable.add(t);
  }

  /** TF1's `as_graph_def()`: the GraphDef of every op (see graphdef/export.ts). */
  asGraphDef(opts: AsGraphDefOptions = {}): GraphDef {
    return graphToGraphDef(this, opts);
  }
}

/**
 * The graph an op over `items` belongs in (TF1's `_get_graph_from_inputs`): the graph of the
 * first graph element, which every other one must share; `dflt` when there is none.
 */
export function graphFromInputs(items: readonly (Tensor | Operation)[], dflt: Graph): Graph {
  // TF's `_get_graph_from_inputs`: while a function is traced its graph takes every op
  const building = defaultGraphLookup();
  if (building?.capture) return building;
  const first = items[0];
  if (!first) return dflt;
  for (const x of items) {
    if (x.graph !== first.graph) throw new ValueError(`${x} must be from the same graph as ${first}.`);
  }
  return first.graph;
}

let defaultGraphLookup: () => Graph | null = () => null;
/** Set once by the graph context (src/graph/context.ts): how graphFromInputs finds the default graph. */
export function setDefaultGraphLookup(f: () => Graph): void {
  defaultGraphLookup = f;
}

/** Python's KeyError, as `as_graph_element` raises it. */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export function describeType(x: unknown): string {
  if (x === null) return 'NoneType';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

export { canonicalDevice };

/** A device function (`tf.device(fn)`): the device of each new op, from the op. */
export type DeviceFunction = (op: Operation) => string | null | undefined;
type DeviceEntry = { spec: DeviceSpecFields } | { fn: DeviceFunction } | null;
