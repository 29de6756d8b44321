/**
 * `tf.contrib.opt.ExternalOptimizerInterface` and `ScipyOptimizerInterface`
 * (contrib/opt/python/training/external_optimizer.py): the variables packed into one float64
 * vector, the loss and its packed gradient fetched together by one `session.run` per evaluation
 * (the variables fed with the point), `lossCallback(...fetches)` after each evaluation,
 * `stepCallback(x)` after each iteration, and the result assigned back to the variables. The
 * SciPy methods run in TypeScript (./lbfgsb.ts); `minimize` is async, as sessions are.
 */
import { type KeywordsOf, isOptionsObject, kwargs } from '../args.js';
import { NotImplementedError, RuntimeError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { concat, reshape, zerosLike } from '../ops/array.js';
import { placeholder } from '../ops/core.js';
import { gradients } from '../ops/gradients.js';
import { IndexedSlices } from '../ops/indexed-slices.js';
import { Variable, trainableVariables } from '../ops/variables.js';
import { emitWarning } from '../platform/system.js';
import { getDefaultSession } from '../session/default-session.js';
import type { FeedDict, FeedKey, FeedValue } from '../session/feeds.js';
import type { Session } from '../session/session.js';
import { pyShape } from '../shape.js';
import * as logging from '../train/tf-logging.js';
import { type MinimizeResult, minimizeLbfgsb } from './lbfgsb.js';

/** A bound: a number, null (none: ∓Infinity), or nested arrays of them broadcast to the variable's shape. */
export type Bound = number | null | NDArray | readonly Bound[];
/** `var_to_bounds`: a Map (or [variable, [low, high]] pairs) from variables to their bounds. */
export type VarToBounds = Map<Variable, readonly [Bound, Bound]> | readonly (readonly [Variable, readonly [Bound, Bound]])[];

/** What `_minimize` receives (TF passes these by keyword). */
export interface MinimizeArgs {
  initialVal: Float64Array;
  /** The loss and its packed gradient at x, from one session.run. */
  lossGradFunc: (x: Float64Array) => Promise<[number, Float64Array]>;
  equalityFuncs: ((x: Float64Array) => Promise<number>)[];
  equalityGradFuncs: ((x: Float64Array) => Promise<Float64Array>)[];
  inequalityFuncs: ((x: Float64Array) => Promise<number>)[];
  inequalityGradFuncs: ((x: Float64Array) => Promise<Float64Array>)[];
  /** `[low, high]` per packed element, or null without `varToBounds`. */
  packedBounds: [number, number][] | null;
  stepCallback: (x: Float64Array) => unknown;
  optimizerKwargs: Record<string, unknown>;
}

/** `lossCallback(...fetched)`: the values of `fetches`, one argument each (their types are the caller's to know). */
type EvalCallback = (...fetched: any[]) => unknown;

const INIT_NAMES = ['loss', 'varList', 'equalities', 'inequalities', 'varToBounds'] as const;
type InitParams = [loss: Tensor, varList?: Variable[] | null, equalities?: Tensor[] | null, inequalities?: Tensor[] | null, varToBounds?: VarToBounds | null];
/** The constructor's keywords, with the optimizer's own (`method`, `options`, `tol`). */
export type InitKeywords = KeywordsOf<typeof INIT_NAMES, InitParams> & { method?: string; options?: Record<string, unknown>; tol?: number };
type InitArgs =
  | [loss: Tensor, kw?: InitKeywords]
  | [loss: Tensor, varList: Variable[] | null | undefined, kw?: InitKeywords]
  | [loss: Tensor, varList: Variable[] | null | undefined, equalities: Tensor[] | null | undefined, kw?: InitKeywords]
  | [loss: Tensor, varList: Variable[] | null | undefined, equalities: Tensor[] | null | undefined, inequalities: Tensor[] | null | undefined, kw?: InitKeywords]
  | [loss: Tensor, varList: Variable[] | null | undefined, equalities: Tensor[] | null | undefined, inequalities: Tensor[] | null | undefined, varToBounds: VarToBounds | null | undefined, kw?: InitKeywords];

const MINIMIZE_NAMES = ['session', 'feedDict', 'fetches', 'stepCallback', 'lossCallback'] as const;
type StepCb = (x: Float64Array) => unknown;
type MinimizeParams = [session?: Session | null, feedDict?: FeedDict | null, fetches?: unknown[] | null, stepCallback?: StepCb | null, lossCallback?: EvalCallback | null];
/** minimize's keywords; `options` (RunOptions) and `runMetadata` go to the final assignment's run, as TF's run_kwargs. */
export type MinimizeKeywords = KeywordsOf<typeof MINIMIZE_NAMES, MinimizeParams> & { options?: unknown; runMetadata?: unknown };
type MinimizeCallArgs =
  | [kw?: MinimizeKeywords]
  | [session: Session | null | undefined, kw?: MinimizeKeywords]
  | [session: Session | null | undefined, feedDict: FeedDict | null | undefined, kw?: MinimizeKeywords]
  | [session: Session | null | undefined, feedDict: FeedDict | null | undefined, fetches: unknown[] | null | undefined, kw?: MinimizeKeywords]
  | [session: Session | null | undefined, feedDict: FeedDict | null | undefined, fetches: unknown[] | null | undefined, stepCallback: StepCb | null | undefined, kw?: MinimizeKeywords]
  | [session: Session | null | undefined, feedDict: FeedDict | null | undefined, fetches: unknown[] | null | undefined, stepCallback: StepCb | null | undefined, lossCallback: EvalCallback | null | undefined, kw?: MinimizeKeywords];

const RUN_KWARGS = ['options', 'runMetadata'] as const;
const MINIMIZE_KEYWORDS = new Set<string>([...MINIMIZE_NAMES, ...RUN_KWARGS]);

/**
 * A plain object in the feedDict position (second, and last) is minimize's keywords when each of
 * its keys is one of minimize's names, and otherwise a feed dict keyed by tensor names
 * (`minimize(sess, {'x:0': [1, 2]})`): then an empty keyword object is put after it.
 */
function splitFeedDict(args: readonly unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  if (n === 2 && isOptionsObject(last) && Object.keys(last).some((k) => !MINIMIZE_KEYWORDS.has(k))) {
    return [args[0], last, {}];
  }
  return args.slice(0, n);
}

const staticShape = (v: Variable): number[] => {
  const s = v.ref.shape;
  if (s === null || s.some((d) => d === null)) {
    throw new ValueError(`ExternalOptimizerInterface needs fully defined variable shapes; ${v.name} has shape ${pyShape(s)}`);
  }
  return s as number[];
};
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** `np.broadcast_to(bound, shape).flat` (null elements read as `missing`). */
function broadcastBound(b: Bound, shape: number[], missing: number, v: Variable): Float64Array {
  let data: number[];
  let bshape: number[];
  if (b instanceof NDArray) {
    data = Array.from(b.data as unknown as ArrayLike<number>, Number);
    bshape = b.shape;
  } else {
    bshape = [];
    for (let cur: unknown = b; Array.isArray(cur); cur = cur[0]) bshape.push(cur.length);
    data = [];
    const walk = (x: unknown, depth: number): void => {
      if (depth === bshape.length) {
        if (Array.isArray(x)) throw new ValueError(`setting an array element with a sequence: the bounds of ${v.name} are ragged`);
        if (x !== null && typeof x !== 'number') throw new TypeError(`Bounds of ${v.name} must be numbers, null or nested arrays of them; got ${String(x)}`);
        data.push(x === null ? missing : x);
        return;
      }
      if (!Array.isArray(x) || x.length !== bshape[depth]) throw new ValueError(`setting an array element with a sequence: the bounds of ${v.name} are ragged`);
      for (const e of x) walk(e, depth + 1);
    };
    walk(b, 0);
  }
  const offset = shape.length - bshape.length;
  if (offset < 0 || bshape.some((d, i) => d !== 1 && d !== shape[offset + i])) {
    throw new ValueError(
      `operands could not be broadcast together with remapped shapes [original->remapped]: ${pyShape(bshape)} and requested shape ${pyShape(shape)} (the bounds of ${v.name})`,
    );
  }
  const n = prod(shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let src = 0;
    for (let i = 0; i < bshape.length; i++) src = src * bshape[i]! + (bshape[i] === 1 ? 0 : idx[offset + i]!);
    out[k] = data[src]!;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** TF's `_compute_gradients`: tf.gradients with zeros for unconnected variables, IndexedSlices made dense. */
function computeGradients(t: Tensor, vars: Variable[]): Tensor[] {
  return gradients(t, vars).map((g, i) => (g === null ? zerosLike(vars[i]!) : g instanceof IndexedSlices ? g.toTensor() : g));
}

/** TF's `_pack`: one flattened rank-1 tensor. */
function pack(ts: Tensor[]): Tensor | null {
  if (ts.length === 0) return null;
  if (ts.length === 1) return reshape(ts[0]!, [-1]);
  return concat(ts.map((t) => reshape(t, [-1])), 0);
}

/** A feed dict's entries as [key, value] pairs. */
function feedEntries(fd: FeedDict | null | undefined): [FeedKey, FeedValue][] {
  if (fd === null || fd === undefined) return [];
  if (fd instanceof Map) return [...fd];
  if (Array.isArray(fd)) return fd as [FeedKey, FeedValue][];
  return Object.entries(fd);
}

const asNumber = (v: unknown): number => (v instanceof NDArray ? Number((v.data as unknown as ArrayLike<number>)[0]) : Number(v));
const asFloat64 = (v: unknown): Float64Array => (v instanceof NDArray ? Float64Array.from(v.data as unknown as ArrayLike<number>, Number) : Float64Array.from(v as ArrayLike<number>));

/**
 * `new ExternalOptimizerInterface(loss, varList = trainableVariables(), equalities, inequalities,
 * varToBounds, {...optimizerKwargs})`: the base of interfaces to outside optimization algorithms;
 * a subclass implements `_minimize(args)`. `await opt.minimize(session, feedDict, fetches,
 * stepCallback, lossCallback, {options, runMetadata})` runs the optimization and assigns the result.
 */
export class ExternalOptimizerInterface {
  protected readonly loss: Tensor;
  protected readonly vars: Variable[];
  protected readonly equalities: Tensor[];
  protected readonly inequalities: Tensor[];
  protected readonly packedBounds: [number, number][] | null;
  readonly optimizerKwargs: Record<string, unknown>;
  private readonly updatePlaceholders: Tensor[];
  private readonly varUpdates: Tensor[];
  private readonly packedVar: Tensor;
  private readonly packedLossGrad: Tensor;
  private readonly packedEqualityGrads: Tensor[];
  private readonly packedInequalityGrads: Tensor[];
  private readonly packingSlices: [number, number][];

  constructor(...args: InitArgs) {
    const where = `${new.target.name}.__init__`;
    const o = kwargs(args, INIT_NAMES, where, 1, 'any');
    const { loss, varList, equalities, inequalities, varToBounds, ...optimizerKwargs } = o;
    this.loss = loss as Tensor;
    this.equalities = (equalities as Tensor[] | null | undefined) ?? [];
    this.inequalities = (inequalities as Tensor[] | null | undefined) ?? [];
    const vars = varList === undefined || varList === null ? trainableVariables(this.loss.graph) : [...(varList as Variable[])];
    vars.forEach((v, i) => {
      if (!(v instanceof Variable)) throw new TypeError(`${where}: varList[${i}] must be a Variable; got ${String(v)}`);
    });
    if (vars.length === 0) throw new ValueError('No variables to optimize.');
    this.vars = vars;
    const shapes = vars.map(staticShape);

    let packed: [number, number][] | null = null;
    if (varToBounds !== undefined && varToBounds !== null) {
      const table = new Map(varToBounds instanceof Map ? varToBounds : (varToBounds as [Variable, [Bound, Bound]][]));
      for (const k of table.keys()) {
        if (!(k instanceof Variable)) throw new TypeError(`${where}: varToBounds keys must be Variables; got ${String(k)}`);
      }
      packed = [];
      vars.forEach((v, i) => {
        const b = table.get(v) ?? [-Infinity, Infinity];
        if (!Array.isArray(b) || b.length !== 2) throw new ValueError(`The bounds of ${v.name} must be a (low, high) pair; got ${String(b)}`);
        const lo = broadcastBound(b[0] as Bound, shapes[i]!, -Infinity, v);
        const hi = broadcastBound(b[1] as Bound, shapes[i]!, Infinity, v);
        lo.forEach((l, k) => packed!.push([l, hi[k]!]));
      });
    }
    this.packedBounds = packed;

    this.updatePlaceholders = vars.map((v) => placeholder(v.dtype));
    this.varUpdates = vars.map((v, i) => v.assign(reshape(this.updatePlaceholders[i]!, shapes[i]!)));
    const lossGrads = computeGradients(this.loss, vars);
    const eqGrads = this.equalities.map((e) => computeGradients(e, vars));
    const ineqGrads = this.inequalities.map((e) => computeGradients(e, vars));
    this.optimizerKwargs = optimizerKwargs;
    this.packedVar = pack(vars.map((v) => v.value()))!;
    this.packedLossGrad = pack(lossGrads)!;
    this.packedEqualityGrads = eqGrads.map((g) => pack(g)!);
    this.packedInequalityGrads = ineqGrads.map((g) => pack(g)!);
    let start = 0;
    this.packingSlices = shapes.map((s) => {
      const end = start + prod(s);
      const slice: [number, number] = [start, end];
      start = end;
      return slice;
    });
  }

  /**
   * Minimize the loss, running `session` (default: the default session): each evaluation feeds
   * the variables with the point and `feedDict`, and calls `lossCallback(...fetched fetches)`;
   * `stepCallback(x)` sees the packed variables after each iteration. The variables hold the
   * result when the promise resolves.
   */
  async minimize(...args: MinimizeCallArgs): Promise<void> {
    const o = kwargs(splitFeedDict(args), MINIMIZE_NAMES, 'minimize', 0, [...RUN_KWARGS]);
    const session = (o.session as Session | null | undefined) ?? getDefaultSession();
    if (!session) throw new RuntimeError('minimize() needs a session: pass one, or run inside session.asDefault()');
    const feedDict = feedEntries(o.feedDict as FeedDict | null | undefined);
    const fetches = (o.fetches as unknown[] | null | undefined) ?? [];
    if (!Array.isArray(fetches)) throw new TypeError(`minimize(): fetches must be a list of tensors; got ${String(fetches)}`);
    const lossCallback = (o.lossCallback as EvalCallback | null | undefined) ?? null;
    const stepCallback = (o.stepCallback as ((x: Float64Array) => unknown) | null | undefined) ?? (() => undefined);

    const lossGrad = this.makeEvalFunc([this.loss, this.packedLossGrad], session, feedDict, fetches, lossCallback);
    const one = (t: Tensor) => this.makeEvalFunc([t], session, feedDict, fetches, null);
    const scalarFn = (t: Tensor) => { const f = one(t); return async (x: Float64Array) => asNumber((await f(x))[0]); };
    const vectorFn = (t: Tensor) => { const f = one(t); return async (x: Float64Array) => asFloat64((await f(x))[0]); };

    const initialVal = asFloat64(await session.run(this.packedVar));
    const result = await this._minimize({
      initialVal,
      lossGradFunc: async (x) => {
        const [l, g] = await lossGrad(x);
        return [asNumber(l), asFloat64(g)];
      },
      equalityFuncs: this.equalities.map(scalarFn),
      equalityGradFuncs: this.packedEqualityGrads.map(vectorFn),
      inequalityFuncs: this.inequalities.map(scalarFn),
      inequalityGradFuncs: this.packedInequalityGrads.map(vectorFn),
      packedBounds: this.packedBounds,
      stepCallback,
      optimizerKwargs: this.optimizerKwargs,
    });
    const feeds = new Map<FeedKey, FeedValue>(this.updatePlaceholders.map((p, i) => [p, this.slice(result, i)]));
    await session.run(this.varUpdates, feeds, o.options, (o.runMetadata as never) ?? null);
  }

  /**
   * The optimization itself: the packed result from the packed start `initialVal`. A subclass
   * implements this (TF's `_minimize`, with its arguments by name).
   */
  protected _minimize(_args: MinimizeArgs): Promise<ArrayLike<number>> | ArrayLike<number> {
    throw new NotImplementedError('To use ExternalOptimizerInterface, subclass from it and implement the _minimize() method.');
  }

  /** The i-th variable's part of the packed x, shaped and typed as the variable. */
  private slice(x: ArrayLike<number>, i: number): NDArray {
    const [a, b] = this.packingSlices[i]!;
    const v = this.vars[i]!;
    const part = Array.prototype.slice.call(x, a, b) as number[];
    return new NDArray(v.dtype === 'float64' ? Float64Array.from(part) : Float32Array.from(part), staticShape(v), v.dtype);
  }

  /** TF's `_make_eval_func`: fetch `tensors` and `fetches` with the variables fed x; the callback gets the fetches. */
  private makeEvalFunc(tensors: Tensor[], session: Session, feedDict: [FeedKey, FeedValue][], fetches: unknown[], callback: EvalCallback | null) {
    return async (x: ArrayLike<number>): Promise<unknown[]> => {
      const feeds = new Map<FeedKey, FeedValue>(this.vars.map((v, i) => [v, this.slice(x, i)]));
      for (const [k, v] of feedDict) feeds.set(k, v);
      const vals = (await session.run([...tensors, ...fetches], feeds)) as unknown[];
      if (callback) await callback(...vals.slice(tensors.length));
      return vals.slice(0, tensors.length);
    };
  }
}

/** SciPy's method names (lower-cased) that tsflow does not run. */
const UNAVAILABLE = new Set(['nelder-mead', 'powell', 'cg', 'bfgs', 'newton-cg', 'tnc', 'cobyla', 'cobyqa', 'slsqp', 'trust-constr', 'dogleg', 'trust-ncg', 'trust-exact', 'trust-krylov']);
const HANDLES_CONSTRAINTS = new Set(['cobyla', 'cobyqa', 'slsqp', 'trust-constr']);
const LBFGSB_OPTIONS = new Set(['disp', 'maxcor', 'ftol', 'gtol', 'eps', 'maxfun', 'maxiter', 'iprint', 'maxls', 'finite_diff_rel_step', 'workers']);
/** Keywords of scipy.optimize.minimize that ScipyOptimizerInterface sets itself. */
const AUTOMATIC = ['jac', 'callback', 'method', 'constraints', 'bounds'];
const MINIMIZE_KWARGS = new Set(['tol', 'options']);

/**
 * `new tf.contrib.opt.ScipyOptimizerInterface(loss, varList, equalities, inequalities, varToBounds,
 * {method: 'L-BFGS-B', options: {maxiter, maxfun, maxcor, ftol, gtol, maxls}, tol})`: minimizes with
 * `scipy.optimize.minimize`'s algorithm, run in TypeScript — L-BFGS-B as SciPy 1.17's (same
 * iterates, nit and nfev). Other SciPy methods are refused by name (SLSQP, which TF's constraint
 * examples use, among them). Logs TF's 'Optimization terminated with:' summary at INFO.
 */
export class ScipyOptimizerInterface extends ExternalOptimizerInterface {
  static readonly DEFAULT_METHOD = 'L-BFGS-B';
  /** The last run's SciPy-style result (x, fun, jac, nit, nfev, status, success, message). */
  result: MinimizeResult | null = null;

  protected override async _minimize(a: MinimizeArgs): Promise<Float64Array> {
    const kw = { ...a.optimizerKwargs };
    const method = kw.method ?? ScipyOptimizerInterface.DEFAULT_METHOD;
    delete kw.method;
    if (typeof method !== 'string') throw new ValueError(`method must be a string naming a SciPy method; got ${String(method)}`);
    for (const k of AUTOMATIC) {
      if (k in kw) {
        if (k === 'bounds') throw new ValueError('Bounds must be set using the var_to_bounds argument');
        throw new ValueError(`Optimizer keyword arg '${k}' is set automatically and cannot be injected manually`);
      }
    }
    for (const k of Object.keys(kw)) {
      if (!MINIMIZE_KWARGS.has(k)) throw new TypeError(`minimize() got an unexpected keyword argument '${k}'`);
    }
    const meth = method.toLowerCase();
    if (UNAVAILABLE.has(meth)) {
      throw new NotImplementedError(`ScipyOptimizerInterface: method '${method}' is not implemented in tsflow; the methods available are: ${ScipyOptimizerInterface.DEFAULT_METHOD}`);
    }
    if (meth !== 'l-bfgs-b') throw new ValueError(`Unknown solver ${method}`);
    if ((a.equalityFuncs.length > 0 || a.inequalityFuncs.length > 0) && !HANDLES_CONSTRAINTS.has(meth)) {
      emitWarning(`RuntimeWarning: Method ${method} cannot handle constraints.`);
    }
    const options = kw.options ?? {};
    if (!isOptionsObject(options)) throw new TypeError(`options must be a plain object of solver options; got ${String(options)}`);
    const opts = { ...options } as Record<string, unknown>;
    if (kw.tol !== undefined && kw.tol !== null) {
      opts.ftol ??= kw.tol;
      opts.gtol ??= kw.tol;
    }
    const unknown = Object.keys(opts).filter((k) => !LBFGSB_OPTIONS.has(k));
    if (unknown.length > 0) emitWarning(`OptimizeWarning: Unknown solver options: ${unknown.join(', ')}`);
    if ('disp' in opts || 'iprint' in opts) {
      emitWarning('DeprecationWarning: scipy.optimize: The `disp` and `iprint` options of the L-BFGS-B solver are deprecated and will be removed in SciPy 1.18.0.');
    }
    const num = (k: string): number | undefined => {
      const v = opts[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number') throw new TypeError(`option ${k} must be a number; got ${String(v)}`);
      return v;
    };
    const dtype = this.vars[0]!.dtype;
    const result = await minimizeLbfgsb(a.lossGradFunc, a.initialVal, {
      bounds: a.packedBounds,
      maxcor: num('maxcor'), ftol: num('ftol'), gtol: num('gtol'), maxfun: num('maxfun'), maxiter: num('maxiter'), maxls: num('maxls'),
      callback: a.stepCallback,
      xDtype: dtype === 'float32' ? 'float32' : 'float64',
    });
    this.result = result;

    const lines = ['Optimization terminated with:', '  Message: %s', '  Objective function value: %f'];
    const values: unknown[] = [result.message, result.fun];
    if (result.nit !== undefined) {
      lines.push('  Number of iterations: %d');
      values.push(result.nit);
    }
    lines.push('  Number of functions evaluations: %d');
    values.push(result.nfev);
    logging.info(lines.join('\n'), ...values);
    return result.x;
  }
}
