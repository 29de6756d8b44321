/**
 * `tf.keras.backend` in TF1 graph mode: one Session per default graph (made on first use, or the
 * one given to `setSession`), variables initialized lazily the first time a Keras function runs
 * (only those not initialized yet, as TF1's `_initialize_variables`), the learning-phase
 * placeholder (`keras_learning_phase`, default false) and a few element-wise helpers.
 */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph, resetDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import { isVariableInitialized } from '../ops/variable-init.js';
import { globalVariables, type Variable } from '../ops/variables.js';
import { Session } from '../session/session.js';

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

/** Initialize, in `sess`, the graph's global variables that are not initialized yet. */
export async function initializeVariables(sess: Session): Promise<void> {
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

/** `K.mean(x, axis=None, keepdims=False)`. */
export function mean(x: Tensor, axis: number | number[] | null = null, keepdims = false): Tensor {
  return ops.reduceMean(x, axis, keepdims);
}
/** `K.sum(x, axis=None, keepdims=False)`. */
export function sum(x: Tensor, axis: number | number[] | null = null, keepdims = false): Tensor {
  return ops.reduceSum(x, axis, keepdims);
}
/** `K.square(x)`. */
export function square(x: Tensor): Tensor {
  return ops.square(x);
}
/** `K.sqrt(x)`: clipped at 0 first, as Keras does. */
export function sqrt(x: Tensor): Tensor {
  return ops.sqrt(ops.clipByValue(x, 0, Infinity));
}
/** `K.concatenate(tensors, axis=-1)`. */
export function concatenate(tensors: Tensor[], axis = -1): Tensor {
  const rank = tensors[0]?.shape?.length;
  const a = axis < 0 && rank !== undefined ? axis + rank : axis;
  return ops.concat(tensors, a);
}
/** `K.int_shape(x)`. */
export function intShape(x: Tensor): (number | null)[] | null {
  return x.shape === null ? null : [...x.shape];
}
