/**
 * Gradient customisation as TF1 programs write it: `tf.RegisterGradient(name)(fn)` with
 * `graph.gradientOverrideMap({...}, () => ...)` (gradient reversal, straight-through
 * estimators), `tf.NotDifferentiable(opType)`, and `tf.customGradient(f)` (TF 1.15's graph-mode
 * custom_gradient: the results, the inputs and the captured variables pass through one IdentityN
 * whose gradient is the user's).
 */
import { isFloat } from '../dtype.js';
import { KeyError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { identityN } from './deprecated-aliases.js';
import type { IndexedSlices } from './indexed-slices.js';
import { type GradFn, getGradient, registerGradient } from './registry.js';
import { Variable } from './variables.js';

/** Where each name was registered through this module (for TF's duplicate-registration error). */
const locations = new Map<string, string>();

function callerLocation(): string {
  // Frames: the Error line, this function, register, the public function, then its caller.
  const line = new Error().stack?.split('\n').slice(4, 5)[0]?.trim() ?? '';
  const m = /^at (?:(\S+) )?\(?(.*?):(\d+):\d+\)?$/.exec(line);
  return m ? `${m[1] ?? '<module>'} ${m[2]}:${m[3]}` : 'an unknown location';
}

function register(opType: unknown, fn: GradFn | null): void {
  if (typeof opType !== 'string') throw new TypeError('op_type must be a string');
  if (getGradient(opType) !== undefined) {
    const where = locations.get(opType) ?? `tsflow's built-in gradients`;
    throw new KeyError(`Registering two gradient with name '${opType}'! (Previous registration was in ${where})`);
  }
  locations.set(opType, callerLocation());
  registerGradient(opType, fn);
}

/** A user gradient function: `(op, ...grads)` → one gradient per input (a single one may be bare). */
export type UserGradFn = (op: Operation, ...grads: Tensor[]) => Tensor | IndexedSlices | null | (Tensor | IndexedSlices | null)[];

/** TF hands a gradient function zeros for float outputs no gradient reached. */
function wrap(fn: UserGradFn): GradFn {
  return (op, dys) => {
    const grads = op.outputs.map((t, i) => dys[i] ?? (isFloat(t.dtype) ? zerosLike(t) : (null as unknown as Tensor)));
    const r = fn(op, ...grads);
    return Array.isArray(r) ? r : [r];
  };
}

/**
 * `tf.RegisterGradient(opType)(fn)`: registers `fn(op, ...grads)` as the gradient of op type
 * `opType`, or of the ops a `gradientOverrideMap` maps to it; returns `fn`. A second
 * registration of one name raises TF's KeyError.
 */
export function RegisterGradient(opType: string): <F extends UserGradFn>(fn: F) => F {
  if (typeof opType !== 'string') throw new TypeError('op_type must be a string');
  return (fn) => {
    if (typeof fn !== 'function') throw new TypeError(`RegisterGradient('${opType}') expects a function, got ${String(fn)}`);
    register(opType, wrap(fn));
    return fn;
  };
}

/** `tf.NotDifferentiable(opType)` (`tf.no_gradient`): no gradient flows through ops of this type. */
export function NotDifferentiable(opType: string): void {
  register(opType, null);
}
export { NotDifferentiable as noGradient };

let uid = 0;

/** What a `customGradient` gradient function returns: the inputs' gradients, with the variables' ones when f read variables. */
type GradResult = Tensor | null | (Tensor | null)[] | [(Tensor | null)[] | Tensor | null, (Tensor | null)[]];

/**
 * `tf.customGradient(f)`: `f(...xs)` returns `[y, gradFn]` (y a tensor or a list of them); the
 * returned function computes y, and tf.gradients takes the inputs' gradients from
 * `gradFn(...dys)` instead of differentiating f. When f reads variables that are not inputs,
 * they are passed as `gradFn(...dys, {variables})`, which returns `[dxs, dvars]`.
 */
export function customGradient<R extends Tensor | Tensor[]>(
  f: (...xs: Tensor[]) => [R, (...dys: (Tensor | { variables: Variable[] })[]) => GradResult],
): (...xs: TensorLike[]) => R {
  if (typeof f !== 'function') throw new TypeError(`customGradient expects a function, got ${String(f)}`);
  return (...inputs: TensorLike[]): R => {
    const g = getDefaultGraph();
    const args = inputs.map((x) => toTensor(x));
    const first = g.operations.length;
    const out = f(...args);
    if (!Array.isArray(out) || out.length !== 2 || typeof out[1] !== 'function') {
      throw new TypeError('customGradient: f must return [result, gradFn]');
    }
    const [result, gradFn] = out;
    const flat = (Array.isArray(result) ? result : [result]).map((t) => toTensor(t));
    // Variables f read (TF 1.15 watches them on a tape): every variable an op made by f consumes.
    const byTensor = new Map<Tensor, Variable>();
    for (const key of [GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES]) {
      for (const v of g.getCollection(key)) {
        if (v instanceof Variable) {
          byTensor.set(v.ref, v);
          byTensor.set(v.value(), v);
        }
      }
    }
    const used = new Set<Variable>();
    for (const op of g.operations.slice(first)) {
      for (const t of op.inputs) {
        const v = byTensor.get(t);
        if (v) used.add(v);
      }
    }
    // Direct outputs of f that are variable reads count as read too.
    for (const t of flat) {
      const v = byTensor.get(t);
      if (v) used.add(v);
    }
    const argSet = new Set(args);
    const variables = [...used].filter((v) => !argSet.has(v.ref) && !argSet.has(v.value()));
    // TF inspects grad_fn for a `variables` keyword; here a gradFn declaring more parameters
    // than f has results takes the trailing `{variables}` (one with only a rest parameter too).
    if (variables.length > 0 && gradFn.length > 0 && gradFn.length <= flat.length) {
      throw new TypeError("If using @custom_gradient with a function that uses variables, then grad_fn must accept a keyword argument 'variables'.");
    }
    const name = `CustomGradient-${++uid}`;
    const n = flat.length;
    register(name, (op, dys) => {
      const resultGrads = op.outputs.slice(0, n).map((t, i) => dys[i] ?? zerosLike(t));
      let inputGrads: GradResult;
      let variableGrads: (Tensor | null)[] = [];
      if (variables.length > 0) {
        const r = gradFn(...resultGrads, { variables });
        if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) {
          throw new ValueError('Must return gradient for each variable from @custom_gradient grad_fn.');
        }
        inputGrads = r[0] as GradResult;
        variableGrads = r[1] as (Tensor | null)[];
        if (variableGrads.length !== variables.length) throw new ValueError('Must return gradient for each variable from @custom_gradient grad_fn.');
      } else {
        inputGrads = gradFn(...resultGrads);
      }
      const dxs = (Array.isArray(inputGrads) ? inputGrads : [inputGrads]) as (Tensor | null)[];
      return [...flat.map(() => null), ...dxs, ...variableGrads];
    });
    const all = g.gradientOverrideMap({ IdentityN: name }, () => identityN([...flat, ...args, ...variables.map((v) => v.ref)]));
    const ys = all.slice(0, n);
    return (Array.isArray(result) ? ys : ys[0]) as R;
  };
}

export { Operation };
