/**
 * `tf.variable_scope` / `tf.get_variable_scope`: the scope that prefixes `getVariable` names and
 * carries reuse, initializer, regularizer and dtype defaults. As in TF1, a variable scope also
 * opens a name scope, scopes nest, and the state lives in the graph (its `__varscope`
 * collection), so every graph has its own scopes.
 */
import { z } from 'zod';
import { type DType, parseDType } from '../dtype.js';
import { RuntimeError, ValueError } from '../errors.js';
import { getDefaultGraph, withGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { kwargs } from '../args.js';
import { dtypeSchema, parseOptions } from '../validate.js';
import type { Variable } from '../ops/variables.js';

/** TF1's `tf.AUTO_REUSE`: get the variable if it exists, else create it. */
export class ReuseMode {
  constructor(readonly name: string) {}
  toString(): string {
    return `_ReuseMode.${this.name}`;
  }
}
export const AUTO_REUSE = new ReuseMode('AUTO_REUSE');

export type Reuse = boolean | ReuseMode;
export type Regularizer = (v: Variable) => Tensor | null | undefined;
/** The initial value's builder; `getVariable` calls it with the variable's shape and dtype. */
export type InitializerFn = (shape: readonly number[], dtype?: DType | null, partitionInfo?: unknown) => Tensor;
export type Getter = (name: string, opts: Record<string, unknown>) => Variable;
/** TF1's custom getter: `(getter, name, opts) => getter(name, opts)` or a replacement. */
export type CustomGetter = (getter: Getter, name: string, opts: Record<string, unknown>) => Variable;
/**
 * TF1's partitioner: given a new variable's full shape and dtype, how many shards each axis is
 * cut into (at most one entry above 1). See `tf.fixedSizePartitioner` and the others.
 */
export type Partitioner = (shape: number[], dtype: DType) => number[];

interface ScopeFields {
  reuse: Reuse;
  name: string;
  initializer: unknown;
  regularizer: Regularizer | null;
  dtype: DType;
  customGetter: CustomGetter | null;
  cachingDevice: unknown;
  partitioner: Partitioner | null;
  /** The name scope this scope opened, `a/b/` ('' at the root). */
  nameScope: string;
}

export class VariableScope {
  reuse: Reuse;
  readonly name: string;
  initializer: unknown;
  regularizer: Regularizer | null;
  dtype: DType;
  customGetter: CustomGetter | null;
  cachingDevice: unknown;
  partitioner: Partitioner | null;
  private readonly nameScope: string;

  constructor(f: ScopeFields) {
    this.reuse = f.reuse;
    this.name = f.name;
    this.initializer = f.initializer;
    this.regularizer = f.regularizer;
    this.dtype = f.dtype;
    this.customGetter = f.customGetter;
    this.cachingDevice = f.cachingDevice;
    this.partitioner = f.partitioner;
    this.nameScope = f.nameScope;
  }

  /** The name scope opened when this scope was first entered (`foo/`), to re-enter with `tf.nameScope`. */
  get originalNameScope(): string {
    return this.nameScope;
  }

  /** `scope.reuse_variables()`: from now on `getVariable` in this scope only reuses. */
  reuseVariables(): void {
    this.reuse = true;
  }
  setInitializer(initializer: unknown): void {
    this.initializer = initializer;
  }
  setRegularizer(regularizer: Regularizer | null): void {
    this.regularizer = regularizer;
  }
  setDtype(dtype: DType | string): void {
    this.dtype = parseDType(dtype);
  }
  setCustomGetter(getter: CustomGetter | null): void {
    this.customGetter = getter;
  }
  setCachingDevice(device: unknown): void {
    this.cachingDevice = device;
  }
  setPartitioner(partitioner: Partitioner | null): void {
    this.partitioner = partitioner;
  }

  fields(): ScopeFields {
    return {
      reuse: this.reuse, name: this.name, initializer: this.initializer, regularizer: this.regularizer, dtype: this.dtype,
      customGetter: this.customGetter, cachingDevice: this.cachingDevice, partitioner: this.partitioner, nameScope: this.nameScope,
    };
  }

  /** Items of collection `key` whose names start with this scope's name. */
  getCollection<T = unknown>(key: string, g: Graph = getDefaultGraph()): T[] {
    return g.getCollection<T>(key, this.name ? escapeRegExp(`${this.name}/`) : undefined);
  }
  globalVariables(): Variable[] {
    return this.getCollection<Variable>('variables');
  }
  trainableVariables(): Variable[] {
    return this.getCollection<Variable>('trainable_variables');
  }
  localVariables(): Variable[] {
    return this.getCollection<Variable>('local_variables');
  }

  toString(): string {
    return `<tf.VariableScope '${this.name}'>`;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ----- per-graph state ---------------------------------------------------------------------------
interface ScopeStore {
  current: VariableScope;
  /** How often each full scope name has been opened (for `defaultName` uniquification). */
  counts: Map<string, number>;
}

const SCOPE_KEY = '__varscope';

function rootScope(): VariableScope {
  return new VariableScope({
    reuse: false, name: '', initializer: null, regularizer: null, dtype: 'float32', customGetter: null, cachingDevice: null, partitioner: null, nameScope: '',
  });
}

export function scopeStore(g: Graph): ScopeStore {
  const ref = g.getCollectionRef<ScopeStore>(SCOPE_KEY);
  if (ref.length === 0) ref.push({ current: rootScope(), counts: new Map() });
  return ref[0]!;
}

/** `tf.get_variable_scope()`: the current variable scope of the default graph. */
export function getVariableScope(): VariableScope {
  return scopeStore(getDefaultGraph()).current;
}

/**
 * TF1's `_get_unique_variable_scope(prefix)`: `prefix`, or `prefix_1`, `prefix_2`, … when a
 * scope of that name was already opened under the current variable scope.
 */
export function uniqueVariableScope(prefix: string, g: Graph = getDefaultGraph()): string {
  const store = scopeStore(g);
  const cur = store.current.name;
  const name = cur ? `${cur}/${prefix}` : prefix;
  if ((store.counts.get(name) ?? 0) === 0) return prefix;
  let i = 1;
  while ((store.counts.get(`${name}_${i}`) ?? 0) > 0) i++;
  return `${prefix}_${i}`;
}

function openScope(store: ScopeStore, name: string): void {
  store.counts.set(name, (store.counts.get(name) ?? 0) + 1);
}

/** Leaving scope `name` forgets how often its sub-scopes were opened (TF1's `close_variable_subscopes`). */
function closeSubscopes(store: ScopeStore, name: string): void {
  for (const k of store.counts.keys()) if (k.startsWith(`${name}/`)) store.counts.set(k, 0);
}

/** A custom getter under an outer one: the inner calls the outer, which calls the real getter. */
function wrapGetter(inner: CustomGetter, outer: CustomGetter | null): CustomGetter {
  if (!outer) return inner;
  return (getter, name, opts) => inner((n, o) => outer(getter, n, o), name, opts);
}

// ----- tf.variableScope ----------------------------------------------------------------------------
const ARG_NAMES = [
  'defaultName', 'values', 'initializer', 'regularizer', 'cachingDevice', 'partitioner', 'customGetter', 'reuse', 'dtype',
  'useResource', 'constraint', 'auxiliaryNameScope',
];

const reuseSchema = z.custom<Reuse | null>((x) => x === true || x === false || x === null || x === AUTO_REUSE, {
  error: 'expected true, false, null or tf.AUTO_REUSE',
});
const fnOrNull = z.custom<unknown>((x) => x === null || typeof x === 'function', { error: 'expected a function or null' });

const scopeOptions = z.strictObject({
  defaultName: z.string().nullish(),
  values: z.array(z.unknown()).nullish(),
  initializer: z.unknown().optional(),
  regularizer: fnOrNull.optional(),
  cachingDevice: z.unknown().optional(),
  partitioner: fnOrNull.optional(),
  customGetter: fnOrNull.optional(),
  reuse: reuseSchema.optional(),
  dtype: dtypeSchema.nullish(),
  useResource: z.custom<boolean | null>((x) => x === false || x === null, { error: 'resource variables are not supported; expected false or null' }).optional(),
  constraint: z.null({ error: 'variable constraints are not supported; expected null' }).optional(),
  auxiliaryNameScope: z.boolean().optional(),
});
type ScopeOptions = z.output<typeof scopeOptions>;

function isThenable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * `tf.variable_scope(name_or_scope, default_name=None, values=None, initializer=None, …)` as
 * `tf.variableScope(nameOrScope, [TF1's parameters in order,] [opts,] fn)`; `fn` receives the
 * scope (TF's `as scope`) and runs synchronously.
 */
export function variableScope<T>(nameOrScope: string | VariableScope | null | undefined, ...rest: [...unknown[], (scope: VariableScope) => T]): T {
  const fn = rest[rest.length - 1];
  if (typeof fn !== 'function') {
    throw new TypeError('tf.variableScope(nameOrScope, opts?, fn): the last argument must be the function to run inside the scope');
  }
  const o = parseOptions(scopeOptions, kwargs(rest.slice(0, -1), ARG_NAMES, 'variableScope'), 'variableScope');
  if (nameOrScope === undefined) nameOrScope = null;
  if (nameOrScope === null && (o.defaultName === undefined || o.defaultName === null)) {
    throw new TypeError('If default_name is None then name_or_scope is required');
  }
  if (nameOrScope !== null && typeof nameOrScope !== 'string' && !(nameOrScope instanceof VariableScope)) {
    throw new TypeError('VariableScope: name_or_scope must be a string or VariableScope.');
  }
  const ofValues = o.values?.map((v) => (v instanceof Tensor ? v : (v as { toTensor?: () => Tensor })?.toTensor?.())).find((t) => t instanceof Tensor);
  const body = (): T => {
    const out = enter(getDefaultGraph(), nameOrScope as string | VariableScope | null, o, fn as (s: VariableScope) => T);
    if (isThenable(out)) {
      throw new RuntimeError('tf.variableScope: the callback returned a Promise; a variable scope holds only while its callback runs synchronously (build the graph without await inside it)');
    }
    return out;
  };
  return ofValues && ofValues.graph !== getDefaultGraph() ? withGraph(ofValues.graph, body) : body();
}

function enter<T>(g: Graph, nameOrScope: string | VariableScope | null, o: ScopeOptions, fn: (s: VariableScope) => T): T {
  const reuse: Reuse | null = o.reuse === false || o.reuse === undefined ? null : o.reuse;
  // auxiliaryNameScope false: stay in the current name scope instead of opening one.
  const reenter = o.auxiliaryNameScope === false ? (g.currentScope ? `${g.currentScope}/` : '') : null;
  if (nameOrScope !== null) {
    const nsName = typeof nameOrScope === 'string' ? nameOrScope : nameOrScope.name.split('/').pop()!;
    if (nsName || reenter !== null) {
      return g.nameScope(reenter ?? nsName, (opened) =>
        pure(g, nameOrScope, reuse, o, typeof nameOrScope === 'string' ? opened : nameOrScope.originalNameScope, fn));
    }
    return pure(g, nameOrScope, reuse, o, null, fn);
  }
  if (reuse) throw new ValueError('reuse=True cannot be used without a name_or_scope');
  return g.nameScope(reenter ?? o.defaultName!, (opened) => pure(g, uniqueVariableScope(o.defaultName!, g), null, o, opened, fn));
}

/** TF1's `_pure_variable_scope`: switch the variable scope (no name scope). */
function pure<T>(g: Graph, nameOrScope: string | VariableScope, reuse: Reuse | null, o: ScopeOptions, oldNameScope: string | null, fn: (s: VariableScope) => T): T {
  const store = scopeStore(g);
  const old = store.current;
  let scope: VariableScope;
  let restore: () => void;
  if (nameOrScope instanceof VariableScope) {
    const f = nameOrScope.fields();
    scope = new VariableScope({ ...f, reuse: reuse ? reuse : f.reuse });
    openScope(store, scope.name);
    const saved = new Map(store.counts);
    restore = () => {
      store.counts = saved;
    };
  } else {
    const f = old.fields();
    const name = f.name ? `${f.name}/${nameOrScope}` : nameOrScope;
    scope = new VariableScope({ ...f, reuse: reuse || f.reuse, name, nameScope: oldNameScope ?? nameOrScope });
    openScope(store, name);
    restore = () => closeSubscopes(store, name);
  }
  const outerGetter = scope.customGetter;
  if (o.initializer !== undefined && o.initializer !== null) scope.setInitializer(o.initializer);
  if (o.regularizer !== undefined && o.regularizer !== null) scope.setRegularizer(o.regularizer as Regularizer);
  if (o.dtype !== undefined && o.dtype !== null) scope.setDtype(o.dtype);
  if (o.cachingDevice !== undefined && o.cachingDevice !== null) scope.setCachingDevice(o.cachingDevice);
  if (o.partitioner !== undefined && o.partitioner !== null) scope.setPartitioner(o.partitioner as Partitioner);
  if (o.customGetter !== undefined && o.customGetter !== null) scope.setCustomGetter(wrapGetter(o.customGetter as CustomGetter, outerGetter));
  store.current = scope;
  try {
    return fn(scope);
  } finally {
    restore();
    store.current = old;
  }
}
