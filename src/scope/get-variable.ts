/**
 * `tf.get_variable`: variables named by the variable scope (not the name scope), created once
 * per graph and shared under `reuse`, with TF1's default initializers and error texts.
 */
import { z } from 'zod';
import { type DType, isFloat, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray, inferDType } from '../ndarray.js';
import { type TensorLike, isConvertible, toTensor } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { type PartialShape, compatible, isFullyDefined, pyShape } from '../shape.js';
import { kwargs } from '../args.js';
import { type PartitionInfo, dtypeRepr, glorotUniformInitializer, isInitializerFactory, zerosInitializer } from './initializers.js';
import { type CustomGetter, type Getter, type Partitioner, type Regularizer, type Reuse, AUTO_REUSE, scopeStore } from './variable-scope.js';
import { PartitionedVariable, SaveSliceInfo, callPartitioner, iterSlices, sliceDimAndNumSlices } from './partitioned-variable.js';
import { slice } from '../ops/array.js';
import { dtypeSchema, parseOptions, parseShape } from '../validate.js';

const ARG_NAMES = [
  'shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'collections', 'cachingDevice', 'partitioner', 'validateShape',
  'useResource', 'customGetter', 'constraint',
];

const fnOrNull = z.custom<unknown>((x) => x === null || typeof x === 'function', { error: 'expected a function or null' });
const options = z.strictObject({
  shape: z.unknown().optional(),
  dtype: dtypeSchema.nullish(),
  initializer: z.unknown().optional(),
  regularizer: fnOrNull.optional(),
  trainable: z.boolean().nullish(),
  collections: z.array(z.string()).nullish(),
  cachingDevice: z.unknown().optional(),
  partitioner: fnOrNull.optional(),
  validateShape: z.literal(true, { error: 'validateShape false is not supported (a variable needs a static shape)' }).optional(),
  useResource: z.custom<boolean | null>((x) => x === false || x === null, { error: 'resource variables are not supported; expected false or null' }).optional(),
  customGetter: fnOrNull.optional(),
  constraint: z.null({ error: 'variable constraints are not supported; expected null' }).optional(),
});

interface GetOptions {
  shape: PartialShape;
  dtype: DType;
  initializer: unknown;
  regularizer: Regularizer | null;
  reuse: Reuse;
  trainable: boolean;
  collections: string[] | null;
  partitioner: Partitioner | null;
}

interface VarStore {
  vars: Map<string, Variable>;
  /** The partitioned variables, by full name (TF1's `_VariableStore._partitioned_vars`). */
  partitioned: Map<string, PartitionedVariable>;
  /** Where each variable was created (for the "already exists" error). */
  definedAt: Map<string, string>;
}

const STORE_KEY = '__variable_store';

function varStore(g: Graph): VarStore {
  const ref = g.getCollectionRef<VarStore>(STORE_KEY);
  if (ref.length === 0) ref.push({ vars: new Map(), partitioned: new Map(), definedAt: new Map() });
  return ref[0]!;
}

/** The variables `getVariable` created in `g`, by full name (TF1's `_VariableStore._vars`). */
export function storedVariables(g: Graph = getDefaultGraph()): ReadonlyMap<string, Variable> {
  return varStore(g).vars;
}

const HERE = new URL('..', import.meta.url).pathname;

/** The caller's frames outside tsflow, as TF prints the variable's creation traceback. */
function callerFrames(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines.filter((l) => !l.includes(HERE) && !l.includes('node_modules')).slice(0, 5).map((l) => `${l.trim()}\n`).join('');
}

function isValue(x: unknown): boolean {
  return x instanceof Tensor || isConvertible(x) || typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) ||
    x instanceof NDArray || ArrayBuffer.isView(x);
}

function valueDType(x: unknown): DType {
  if (x instanceof Tensor) return x.dtype;
  if (isConvertible(x)) return x.toTensor().dtype;
  if (x instanceof NDArray) return x.dtype;
  return inferDType(x);
}

/**
 * `tf.get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
 * trainable=None, collections=None, …)`: the variable `<scope>/<name>` — created (with the
 * scope's defaults) unless the scope reuses, returned when it exists and the scope reuses.
 * `initializer` is an initializer (`tf.zerosInitializer()`), a function of no arguments, or a
 * value (a tensor or host value; then `shape` must not be given).
 *
 * With a `partitioner` (given here or by the variable scope) a non-scalar variable is a
 * {@link PartitionedVariable} of parts `<name>/part_<i>`, as in TF1.
 */
export function getVariable(name: string, ...args: [...unknown[], { partitioner: Partitioner; [option: string]: unknown }]): PartitionedVariable;
export function getVariable(name: string, ...args: unknown[]): Variable;
/** Every argument by keyword, as TF1 code often writes it: `tf.getVariable({name: 'w', shape: [2, 3], initializer})`. */
export function getVariable(keywords: { name: string; partitioner: Partitioner; [option: string]: unknown }): PartitionedVariable;
export function getVariable(keywords: { name: string; [option: string]: unknown }): Variable;
export function getVariable(name: string | { name: string; [option: string]: unknown }, ...args: unknown[]): Variable | PartitionedVariable {
  if (typeof name === 'object' && name !== null && !Array.isArray(name) && args.length === 0 && 'name' in name) {
    const { name: n, ...keywords } = name;
    return getVariable(n, keywords);
  }
  if (typeof name !== 'string') throw new TypeError(`getVariable name must be a string, got ${typeof name}`);
  const o = parseOptions(options, kwargs(args, ARG_NAMES, 'getVariable'), 'getVariable');
  const g = getDefaultGraph();
  const scope = scopeStore(g).current;
  const full = scope.name ? `${scope.name}/${name}` : name;
  const shape = o.shape === undefined || o.shape === null ? null : parseShape(o.shape, 'getVariable', 'shape', 'partial');
  const dtypeArg = o.dtype === undefined || o.dtype === null ? null : parseDType(o.dtype);
  // Variable names depend on the variable scope only, so the name scope is left for their ops.
  return g.nameScope(null, () => {
    let initializer = o.initializer ?? null;
    if (dtypeArg !== null && initializer !== null && typeof initializer !== 'function' && isValue(initializer)) {
      const initDType = valueDType(initializer);
      if (initDType !== dtypeArg) {
        throw new ValueError(`Initializer type '${dtypeRepr(initDType)}' and explicit dtype '${dtypeRepr(dtypeArg)}' don't match.`);
      }
    }
    initializer ??= scope.initializer ?? null;
    const opts: GetOptions = {
      shape,
      dtype: dtypeArg ?? scope.dtype,
      initializer,
      regularizer: (o.regularizer ?? scope.regularizer ?? null) as Regularizer | null,
      reuse: scope.reuse,
      trainable: o.trainable ?? true,
      collections: o.collections ?? null,
      partitioner: (o.partitioner ?? scope.partitioner ?? null) as Partitioner | null,
    };
    const trueGetter: Getter = (n, kw) => {
      const all = { ...opts, ...(kw as Partial<GetOptions>) };
      const isScalar = all.shape !== null && all.shape.length === 0;
      if (all.partitioner !== null && !isScalar) {
        if (typeof all.partitioner !== 'function') throw new ValueError(`Partitioner must be callable, but received: ${String(all.partitioner)}`);
        return partitionedVariable(g, n, all) as unknown as Variable;
      }
      // A partitioned variable may be reused without its partitioner.
      if (all.reuse === true && varStore(g).partitioned.has(n)) return partitionedVariable(g, n, all) as unknown as Variable;
      return singleVariable(g, n, all);
    };
    const custom = (o.customGetter ?? scope.customGetter) as CustomGetter | null;
    return custom ? custom(trueGetter, full, { ...opts }) : trueGetter(full, {});
  });
}

/** TF1's `_VariableStore._get_partitioned_variable`. */
function partitionedVariable(g: Graph, name: string, o: GetOptions): PartitionedVariable {
  const store = varStore(g);
  let initializer = o.initializer;
  if (isInitializerFactory(initializer)) initializer = initializer();
  if (store.vars.has(name)) {
    throw new ValueError(
      `A partitioner was provided, but an unpartitioned version of the variable was found: ${name}.  Perhaps a variable of the same name was already created without partitioning?`,
    );
  }
  let shape = o.shape;
  if (initializer instanceof Tensor) {
    const s = initializer.shape;
    if (shape !== null && s !== null && !compatible(shape, s)) throw new ValueError(`Shapes ${pyShape(shape)} and ${pyShape(s)} are not compatible`);
    shape = shape === null ? s : s === null ? shape : shape.map((d, i) => d ?? s[i] ?? null);
  }
  const partitions = o.reuse !== true || o.partitioner !== null ? callPartitioner(o.partitioner!, shape, o.dtype) : null;
  const existing = store.partitioned.get(name);
  if (existing) {
    if (o.reuse === false) {
      throw new ValueError(`Partitioned variable with name ${name} already exists. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?`);
    }
    if (!compatible(shape, existing.shape)) {
      throw new ValueError(`Trying to reuse partitioned variable ${name}, but specified shape ${pyShape(shape)} and found shape ${pyShape([...existing.shape])}.`);
    }
    if (o.dtype !== existing.dtype) {
      throw new ValueError(`Trying to reuse partitioned variable ${name}, but specified dtype ${o.dtype} and found dtype ${existing.dtype}.`);
    }
    const found = existing.getPartitions();
    if (partitions !== null && (partitions.length !== found.length || partitions.some((p, i) => p !== found[i]))) {
      throw new ValueError(`Trying to reuse partitioned variable ${name}, but specified partitions [${partitions.join(', ')}] and found partitions [${found.join(', ')}].`);
    }
    return existing;
  }
  if (o.reuse === true) {
    throw new ValueError(`PartitionedVariable ${name} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=False or reuse=tf.AUTO_REUSE in VarScope?`);
  }
  const full = shape as number[];
  const [sliceDim, numSlices] = sliceDimAndNumSlices(partitions!);
  if (store.vars.has(`${name}/part_0`)) {
    if (!store.vars.has(`${name}/part_${numSlices - 1}`)) {
      throw new ValueError(
        `Partitioner returned a different partitioning than what was already found.  Partitioner returned ${numSlices} shards, and shard ${name}/part_0 was found, but ${name}/part_${numSlices - 1} was not.`,
      );
    }
    if (store.vars.has(`${name}/part_${numSlices}`)) {
      throw new ValueError(
        `Partitioner returned a different partitioning than what was already found.  Partitioner returned ${numSlices} shards, and shard ${name}/part_0 was found, but so was the extra shard ${name}/part_${numSlices}.`,
      );
    }
  }
  const fromValue = initializer !== null && typeof initializer !== 'function';
  let dtype = o.dtype;
  const parts = iterSlices(full, numSlices, sliceDim).map(({ offset, shape: partShape }, i) => {
    const partName = `${name}/part_${i}`;
    let init: unknown = initializer;
    let initShape: PartialShape = partShape;
    if (fromValue) {
      // A value is cut into the parts' pieces (TF's PartitionedInitializer scope).
      init = g.nameScope(`${partName}/PartitionedInitializer/`, () => {
        const t = initializer instanceof Tensor ? initializer : toTensor(initializer as TensorLike, dtype);
        if (initializer instanceof Tensor) dtype = t.dtype;
        return slice(t, offset, partShape);
      });
      initShape = null;
    }
    const v = singleVariable(g, partName, { ...o, shape: initShape, dtype, initializer: init }, { fullShape: [...full], varOffset: offset });
    v.saveSliceInfo = new SaveSliceInfo(name, full, offset, partShape);
    return v;
  });
  const pv = new PartitionedVariable(name, full, dtype, parts, partitions!);
  store.partitioned.set(name, pv);
  return pv;
}

/** TF1's `_VariableStore._get_single_variable`. */
function singleVariable(g: Graph, name: string, o: GetOptions, partitionInfo: PartitionInfo | null = null): Variable {
  const store = varStore(g);
  let initializer = o.initializer;
  if (isInitializerFactory(initializer)) initializer = initializer();
  const fromValue = initializer !== null && typeof initializer !== 'function';
  if (fromValue && o.shape !== null) throw new ValueError('If initializer is a constant, do not specify shape.');
  const found = store.vars.get(name);
  if (found) {
    if (o.reuse === false) {
      const at = store.definedAt.get(name) ?? '';
      throw new ValueError(
        `Variable ${name} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n${at}`,
      );
    }
    if (!compatible(o.shape, found.shape)) {
      throw new ValueError(`Trying to share variable ${name}, but specified shape ${pyShape(o.shape)} and found shape ${pyShape(found.shape)}.`);
    }
    if (o.dtype !== found.dtype) {
      throw new ValueError(`Trying to share variable ${name}, but specified dtype ${o.dtype} and found dtype ${found.dtype}.`);
    }
    return found;
  }
  if (o.reuse === true) {
    throw new ValueError(
      `Variable ${name} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`,
    );
  }
  if (initializer === null) {
    if (isFloat(o.dtype)) initializer = glorotUniformInitializer();
    else if (o.dtype === 'int32' || o.dtype === 'int64' || o.dtype === 'bool') initializer = zerosInitializer();
    else throw new ValueError(`An initializer for variable ${name} of ${dtypeRepr(o.dtype)} is required`);
  }
  let initVal: TensorLike | (() => TensorLike);
  let varDType: DType | undefined;
  if (fromValue) {
    initVal = initializer as TensorLike;
  } else {
    const init = initializer as (shape?: number[], dtype?: DType, partitionInfo?: PartitionInfo | null) => TensorLike;
    if (o.shape !== null && isFullyDefined(o.shape)) {
      const s = o.shape;
      initVal = () => init(s, o.dtype, partitionInfo);
      varDType = o.dtype;
    } else if (init.length === 0) {
      initVal = init as () => TensorLike;
    } else {
      throw new ValueError(
        "The initializer passed is not valid. It should be a callable with no arguments and the shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` should be fully defined.",
      );
    }
  }
  const v = new Variable(initVal, {
    name,
    trainable: o.trainable,
    ...(varDType ? { dtype: varDType } : {}),
    ...(o.collections ? { collections: o.collections } : {}),
  });
  store.vars.set(name, v);
  store.definedAt.set(name, callerFrames());
  if (o.regularizer) {
    const loss = g.nameScope(`${name}/Regularizer/`, () => g.controlDependencies(null, () => o.regularizer!(v)));
    if (loss) g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, loss);
  }
  return v;
}

export { AUTO_REUSE };

/**
 * `tf.get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
 * trainable=False, collections=None, …)`: `getVariable` with LOCAL_VARIABLES added to the
 * collections and trainable forced off, as TF1's.
 */
export function getLocalVariable(name: string, ...args: unknown[]): Variable {
  const o = kwargs(args, ARG_NAMES, 'getLocalVariable');
  const collections = o.collections === undefined || o.collections === null ? [] : [...(o.collections as string[])];
  if (!Array.isArray(o.collections ?? [])) throw new TypeError('getLocalVariable: collections must be a list of strings');
  return getVariable(name, { ...o, collections: [...collections, GraphKeys.LOCAL_VARIABLES], trainable: false });
}
