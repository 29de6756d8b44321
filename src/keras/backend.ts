/**
 * `tf.keras.backend` in TF1 graph mode: one Session per default graph (made on first use, or the
 * one given to `setSession`), variables initialized lazily the first time a Keras function runs
 * (only those not initialized yet, as TF1's `_initialize_variables`, unless
 * `manualVariableInitialization(true)`), the learning-phase placeholder (`keras_learning_phase`,
 * default false), Keras variables and their values, `K.function` and `K.gradients`; the graph
 * operations are in backend-ops.ts. Session reads are async: `getValue`, `batchGetValue`, `eval`,
 * `setValue` and a `K.function`'s call return Promises.
 */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph, resetDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import * as tf from '../index.js';
import { NDArray } from '../ndarray.js';
import { type HostValue, type TensorLike, toNDArray, toTensor } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { isVariableInitialized } from '../ops/variable-init.js';
import { globalVariables, Variable } from '../ops/variables.js';
import { Session } from '../session/session.js';
import { setConstraint } from './constraints.js';

export * from './backend-ops.js';
export { kSwitch as switch, kVar as var } from './backend-ops.js';
export { ctcBatchCost, ctcDecode, ctcLabelDenseToSparse, localConv1d, localConv2d, rnn } from './backend-extra.js';

let session: Session | null = null;
let floatxValue: DType = 'float32';
let epsilonValue = 1e-7;
/** `set_learning_phase(value)`: a fixed phase per graph (0 or 1), overriding the placeholder. */
const fixedPhase = new WeakMap<Graph, 0 | 1>();
const phasePlaceholders = new WeakMap<Graph, Tensor>();
/** Variables known initialized in a session (checked once with IsVariableInitialized). */
const initialized = new WeakMap<Session, WeakSet<Variable>>();
const initChecks = new WeakMap<Variable, Tensor>();

/** `K.get_session()`: the Keras session of the default graph (a new one when none fits it). */
export function getSession(): Session {
  const g = getDefaultGraph();
  if (session === null || session.graph !== g || session.isClosed) session = new Session({ graph: g });
  return session;
}

/** `K.set_session(session)`. */
export function setSession(sess: Session): void {
  session = sess;
}

/** `K.clear_session()`: a fresh default graph (so layer names start over) and no session. */
export function clearSession(): void {
  const old = session;
  session = null;
  if (old) void old.close();
  resetDefaultGraph();
}

let manualInit = false;
/** `K.manual_variable_initialization(value)`: true leaves variable initialization to the caller. */
export function manualVariableInitialization(value: boolean): void {
  manualInit = Boolean(value);
}

/** Initialize, in `sess`, the graph's global variables that are not initialized yet (nothing under manual initialization). */
export async function initializeVariables(sess: Session): Promise<void> {
  if (manualInit) return;
  let known = initialized.get(sess);
  if (!known) initialized.set(sess, (known = new WeakSet()));
  const candidates = globalVariables(sess.graph).filter((v) => !known!.has(v));
  if (candidates.length === 0) return;
  const checks = sess.graph.asDefault(() =>
    candidates.map((v) => {
      let c = initChecks.get(v);
      if (!c) initChecks.set(v, (c = isVariableInitialized(v)));
      return c;
    }),
  );
  const flags = (await sess.run(checks)) as { data: ArrayLike<unknown> }[];
  const todo = candidates.filter((_, i) => !flags[i]!.data[0]);
  if (todo.length > 0) await sess.run(todo.map((v) => v.initializer));
  for (const v of candidates) known.add(v);
}

/** `K.learning_phase()`: the fixed phase when set, else the graph's `keras_learning_phase` placeholder (default false). */
export function learningPhase(): Tensor | number {
  const g = getDefaultGraph();
  const fixed = fixedPhase.get(g);
  if (fixed !== undefined) return fixed;
  let p = phasePlaceholders.get(g);
  if (!p) {
    p = g.asDefault(() => g.nameScope(null, () => ops.placeholderWithDefault(false, [], 'keras_learning_phase')));
    phasePlaceholders.set(g, p);
  }
  return p;
}

/** The phase placeholder of `g` if one was made (fit feeds it true). */
export function learningPhasePlaceholder(g: Graph): Tensor | null {
  return fixedPhase.has(g) ? null : (phasePlaceholders.get(g) ?? null);
}

/** `K.set_learning_phase(value)`: 0 (test) or 1 (train). */
export function setLearningPhase(value: number | boolean): void {
  const v = typeof value === 'boolean' ? Number(value) : value;
  if (v !== 0 && v !== 1) throw new ValueError('Expected learning phase to be 0 or 1.');
  fixedPhase.set(getDefaultGraph(), v);
}

/**
 * `K.learning_phase_scope(value, fn)` (a `with` block in Python): `fn` run with the phase fixed
 * to `value`, the previous phase restored when it returns (or its Promise settles).
 */
export function learningPhaseScope<R>(value: number | boolean, fn: () => R): R {
  const v = typeof value === 'boolean' ? Number(value) : value;
  if (v !== 0 && v !== 1) throw new ValueError('Expected learning phase to be 0 or 1.');
  const g = getDefaultGraph();
  const prev = fixedPhase.get(g);
  const restore = (): void => {
    if (prev === undefined) fixedPhase.delete(g);
    else fixedPhase.set(g, prev);
  };
  fixedPhase.set(g, v);
  let r: R;
  try {
    r = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (r instanceof Promise) return r.finally(restore) as R;
  restore();
  return r;
}

let dataFormat = 'channels_last';
/** `K.image_data_format()`: 'channels_last' unless set. */
export function imageDataFormat(): string {
  return dataFormat;
}
/** `K.set_image_data_format(data_format)`. */
export function setImageDataFormat(value: string): void {
  if (value !== 'channels_last' && value !== 'channels_first') throw new ValueError(`Unknown data_format: ${String(value)}`);
  dataFormat = value;
}
/** `K.backend()`: 'tensorflow'. */
export function backend(): string {
  return 'tensorflow';
}

/** `K.floatx()` / `K.set_floatx`. */
export function floatx(): DType {
  return floatxValue;
}
export function setFloatx(value: string): void {
  if (!['float16', 'float32', 'float64'].includes(value)) throw new ValueError(`Unknown floatx type: ${value}`);
  floatxValue = parseDType(value);
}
/** `K.epsilon()` (1e-7) / `K.set_epsilon`. */
export function epsilon(): number {
  return epsilonValue;
}
export function setEpsilon(value: number): void {
  epsilonValue = value;
}
/** `K.cast_to_floatx(x)`: a host array of floatx. */
export function castToFloatx(x: HostValue): NDArray {
  return toNDArray(x, floatx());
}

const uids = new WeakMap<Graph, Map<string, number>>();
/** `K.get_uid(prefix='')`: 1, 2, … per prefix and graph. */
export function getUid(prefix = ''): number {
  const g = getDefaultGraph();
  let m = uids.get(g);
  if (!m) uids.set(g, (m = new Map()));
  const n = (m.get(prefix) ?? 0) + 1;
  m.set(prefix, n);
  return n;
}
/** `K.reset_uids()`: `get_uid` counts from 1 again (on the default graph). */
export function resetUids(): void {
  uids.delete(getDefaultGraph());
}

// ----- variables and values ------------------------------------------------------------------------
type Value = TensorLike | NDArray;
const dt = (d: string | null | undefined): DType => parseDType(d ?? floatx());

/**
 * `K.variable(value, dtype=None, name=None, constraint=None)`: a Variable of floatx by default;
 * `constraint` (a function of the variable) is applied after each Keras optimizer update.
 */
export function variable(value: Value, dtype: string | null = null, name: string | null = null, constraint: ((w: Tensor) => Tensor) | null = null): Variable {
  const d = dt(dtype ?? (value instanceof Tensor ? value.dtype : null));
  const init = value instanceof Tensor ? (value.dtype === d ? value : ops.cast(value, d)) : toTensor(value as TensorLike, d);
  const v = new Variable(init, { dtype: d, ...(name ? { name } : {}) });
  if (constraint) setConstraint(v, constraint);
  return v;
}
/** `K.constant(value, dtype=None, shape=None, name=None)`: floatx by default. */
export function constant(value: Value, dtype: string | null = null, shape: number[] | null = null, name: string | null = null): Tensor {
  return ops.constant(value as never, dt(dtype), shape ?? undefined, name ?? undefined);
}
/**
 * `K.placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None)`: floatx by default;
 * `ndim` alone gives that many unknown dims.
 */
export function placeholder(shape: (number | null)[] | null = null, ndim: number | null = null, dtype: string | null = null, sparse = false, name: string | null = null): Tensor | InstanceType<typeof tf.SparseTensor> {
  const s = shape ?? (ndim ? Array<null>(ndim).fill(null) : null);
  if (sparse) return tf.sparsePlaceholder(dt(dtype), s, name ?? undefined);
  return ops.placeholder(dt(dtype), s ?? undefined, name ?? undefined);
}
const fullyKnown = (s: readonly (number | null)[] | null): s is number[] => s !== null && s.every((d) => d !== null && d > 0);
/** `K.zeros(shape, dtype=None, name=None)`: a Variable when every dim is known (and non-zero), else the tensor. */
export function zeros(shape: number[] | Tensor, dtype: string | null = null, name: string | null = null): Variable | Tensor {
  const z = ops.zeros(shape as never, dt(dtype));
  return fullyKnown(z.shape) ? variable(z, dtype, name) : z;
}
/** `K.ones(shape, dtype=None, name=None)`. */
export function ones(shape: number[] | Tensor, dtype: string | null = null, name: string | null = null): Variable | Tensor {
  const o = ops.ones(shape as never, dt(dtype));
  return fullyKnown(o.shape) ? variable(o, dtype, name) : o;
}
/** `K.eye(size, dtype=None, name=None)`: an identity Variable (size n or [n, m]). */
export function eye(size: number | [number, number], dtype: string | null = null, name: string | null = null): Variable {
  const [n, m] = typeof size === 'number' ? [size, size] : size;
  return variable(tf.eye(n, m, { dtype: dt(dtype) }), dtype, name);
}
/** `K.random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None)`. */
export function randomNormalVariable(shape: number[], mean: number, scale: number, dtype: string | null = null, name: string | null = null, seed: number | null = null): Variable {
  return variable(ops.randomNormal(shape, { mean, stddev: scale, dtype: dt(dtype), ...(seed === null ? {} : { seed }) }), dtype, name);
}
/** `K.random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None)`. */
export function randomUniformVariable(shape: number[], low: number, high: number, dtype: string | null = null, name: string | null = null, seed: number | null = null): Variable {
  return variable(ops.randomUniform(shape, { minval: low, maxval: high, dtype: dt(dtype), ...(seed === null ? {} : { seed }) }), dtype, name);
}
/** `K.count_params(x)`: the number of scalars in x's (static) shape. */
export function countParams(x: Variable | Tensor): number {
  const s = x.shape;
  if (s === null || s.some((d) => d === null)) throw new ValueError('count_params needs a fully known shape');
  return (s as number[]).reduce((a, d) => a * d, 1);
}

/** The Keras session of `g`, with its variables initialized. */
async function readySession(g: Graph): Promise<Session> {
  const sess = g.asDefault(() => getSession());
  await initializeVariables(sess);
  return sess;
}
/** `K.batch_get_value(tensors)`: their values in the Keras session. */
export async function batchGetValue(tensors: (Tensor | Variable)[]): Promise<NDArray[]> {
  if (tensors.length === 0) return [];
  const sess = await readySession(tensors[0]!.graph);
  return (await sess.run(tensors.map((t) => (t instanceof Variable ? t.value() : t)))) as NDArray[];
}
/** `K.get_value(x)`: the value of a variable (or tensor) in the Keras session. */
export async function getValue(x: Tensor | Variable): Promise<NDArray> {
  return (await batchGetValue([x]))[0]!;
}
/** `K.eval(x)`: `get_value(to_dense(x))`. */
export async function kEval(x: Tensor | Variable | InstanceType<typeof tf.SparseTensor>): Promise<NDArray> {
  const t = x instanceof tf.SparseTensor ? x.graph.asDefault(() => tf.sparse.toDense(x)) : x;
  return getValue(t);
}
/** `K.batch_set_value(tuples)`: [variable, value] pairs written in the Keras session. */
export async function batchSetValue(tuples: [Variable, Value][]): Promise<void> {
  if (tuples.length === 0) return;
  const sess = await readySession(tuples[0]![0].graph);
  await sess.writeVariables(tuples.map(([v, val]) => {
    const a = toNDArray(val as HostValue, v.dtype);
    const want = v.shape;
    if (a.shape.length !== want.length || a.shape.some((d, i) => want[i] !== null && want[i] !== d)) {
      throw new ValueError(`Cannot assign a value of shape [${a.shape.join(', ')}] to variable ${v.name} of shape [${want.join(', ')}]`);
    }
    return [v, a] as [Variable, NDArray];
  }));
}
/** `K.set_value(x, value)`. */
export async function setValue(x: Variable, value: Value): Promise<void> {
  await batchSetValue([[x, value]]);
}

/** `K.update(x, new_x)`: assign. */
export const update = (x: Variable, newX: TensorLike | Variable): Tensor => ops.assign(x, newX as never);
/** `K.update_add(x, increment)`. */
export const updateAdd = (x: Variable, increment: TensorLike | Variable): Tensor => ops.assignAdd(x, increment as never);
/** `K.update_sub(x, decrement)`. */
export const updateSub = (x: Variable, decrement: TensorLike | Variable): Tensor => ops.assignSub(x, decrement as never);
/** `K.moving_average_update(x, value, momentum)`: tf.train.assignMovingAverage with zero debiasing, as TF1 does. */
export const movingAverageUpdate = (x: Variable, value: TensorLike | Variable, momentum: number): Tensor =>
  tf.train.assignMovingAverage(x, value as never, momentum, true) as Tensor;

/** `K.gradients(loss, variables)`: tf.gradients with colocate_gradients_with_ops. */
export function gradients(loss: Tensor, variables: (Variable | Tensor)[] | Variable | Tensor): (Tensor | null)[] {
  const vs = Array.isArray(variables) ? variables : [variables];
  return tf.gradients(loss, vs as never, null, { colocateGradientsWithOps: true }) as (Tensor | null)[];
}

type Fetchable = Tensor | Variable;
type Outputs = Fetchable | Fetchable[];
/** What `K.function` returns: call it with the inputs' values (one per input, in order). */
export interface KerasFunction {
  (inputs: unknown[]): Promise<NDArray | NDArray[]>;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  readonly updatesOp: Operation | null;
}

/**
 * `K.function(inputs, outputs, updates=None, name=None)`: a function of the inputs' values that
 * runs the outputs (and, after the first output, the updates: ops or [variable, new value] pairs
 * assigned) in the Keras session; a single output tensor gives a single value back.
 */
export function kFunction(inputs: Tensor[], outputs: Outputs, updates: (Operation | Tensor | [Variable, TensorLike | Variable])[] | null = null, name: string | null = null): KerasFunction {
  if (!Array.isArray(inputs)) throw new TypeError('`inputs` to a Keras backend function should be a list or tuple.');
  const single = !Array.isArray(outputs);
  const outs = (single ? [outputs] : outputs).map((o) => (o instanceof Variable ? o.value() : o));
  const g = outs[0]?.graph ?? inputs[0]?.graph ?? getDefaultGraph();
  let updatesOp: Operation | null = null;
  const ups = updates ?? [];
  if (ups.length > 0) {
    updatesOp = g.asDefault(() => {
      const make = (): Operation => {
        const made = ups.map((u) => (Array.isArray(u) ? ops.assign(u[0], u[1] as never) : u));
        return ops.group(made as never, { name: name ?? null });
      };
      return outs.length > 0 ? tf.controlDependencies([outs[0]!], make) : make();
    });
  }
  const fn = async (values: unknown[]): Promise<NDArray | NDArray[]> => {
    if (!Array.isArray(values)) throw new TypeError('`inputs` should be a list or tuple.');
    if (values.length !== inputs.length) throw new ValueError(`Expected ${inputs.length} input values, got ${values.length}`);
    const sess = await readySession(g);
    const feeds = new Map<Tensor, NDArray>();
    inputs.forEach((t, i) => {
      const v = values[i];
      feeds.set(t, v instanceof NDArray && v.dtype === t.dtype ? v : toNDArray(v as HostValue, t.dtype));
    });
    const fetched = (await sess.run([...outs, ...(updatesOp ? [updatesOp] : [])], feeds as never)) as NDArray[];
    const vals = fetched.slice(0, outs.length);
    return single ? vals[0]! : vals;
  };
  return Object.assign(fn, { inputs: [...inputs], outputs: outs, updatesOp });
}
export { kEval as eval, kFunction as function };

/** `K.mean(x, axis=None, keepdims=False)`: bools cast to floatx first. */
export function mean(x: Tensor | Variable, axis: number | number[] | null = null, keepdims = false): Tensor {
  const t = toTensor(x as TensorLike);
  return ops.reduceMean(t.dtype === 'bool' ? ops.cast(t, floatx()) : t, axis, keepdims);
}
/** `K.sum(x, axis=None, keepdims=False)`. */
export function sum(x: Tensor | Variable, axis: number | number[] | null = null, keepdims = false): Tensor {
  return ops.reduceSum(toTensor(x as TensorLike), axis, keepdims);
}
/** `K.square(x)`. */
export function square(x: Tensor | Variable): Tensor {
  return ops.square(toTensor(x as TensorLike));
}
/** `K.sqrt(x)`: clipped at 0 first, as Keras does. */
export function sqrt(x: Tensor | Variable): Tensor {
  return ops.sqrt(ops.clipByValue(toTensor(x as TensorLike), 0, Infinity));
}
/** `K.int_shape(x)`. */
export function intShape(x: Tensor | Variable): (number | null)[] | null {
  return x.shape === null ? null : [...x.shape];
}
