/**
 * `tf.pyFunc`, `tf.numpyFunction`, `tf.pyFunction`: an op that calls a JS function on the
 * values of its inputs (as NDArrays) when the session runs it, on the host whatever the device.
 * The function is held in a process-wide registry under a token (`pyfunc_N`, TF's names) that
 * the op carries as its `token` attr; a GraphDef holding the op runs only where the token is
 * registered (TF's "callback pyfunc_N is not found" elsewhere). Not differentiable, as in TF:
 * a gradient can be given with `graph.gradientOverrideMap({PyFunc: 'MyGrad'}, ...)`.
 */
import { type DType, parseDType, tfName } from '../dtype.js';
import { InvalidArgumentError, OpError, OutOfRangeError, UnknownError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { graphFromInputs } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp, wait } from '../session/host-stage.js';
import { kwargs } from '../args.js';
import { type HostValue, type TensorLike, toNDArray, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

/** What the function may return for one output: an NDArray (its dtype must be Tout's), or a JS value converted to Tout. */
export type PyFuncValue = NDArray | HostValue;
export type PyFuncResult = PyFuncValue | PyFuncValue[] | null | undefined;
export type PyFuncFn = (...args: NDArray[]) => PyFuncResult | Promise<PyFuncResult>;

/** TF's FuncRegistry: token → function, tokens `pyfunc_0`, `pyfunc_1`, … in this process. */
const funcs = new Map<string, PyFuncFn>();
let nextToken = 0;

interface PyFuncAttrs {
  token: string;
  Tin: DType[];
  Tout: DType[];
  [k: string]: unknown;
}

for (const type of ['PyFunc', 'PyFuncStateless', 'EagerPyFunc']) {
  defineOp<PyFuncAttrs>({
    type,
    // The function decides the shapes; TF leaves them unknown.
    infer: (_ins, a) => a.Tout.map((dtype) => ({ dtype, shape: null })),
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: type !== 'PyFuncStateless',
  });
  // TF: ops.NotDifferentiable("PyFunc"), ("PyFuncStateless"); EagerPyFunc's gradient needs eager tapes.
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    const a = op.attrs as PyFuncAttrs;
    const fn = funcs.get(a.token);
    if (!fn) throw new InvalidArgumentError(`ValueError: callback ${a.token} is not found`, op.name);
    let ret: PyFuncResult;
    try {
      const r = fn(...ins);
      ret = r instanceof Promise ? ((yield* wait(r)) as PyFuncResult) : r;
    } catch (e) {
      throw asOpError(e, op);
    }
    return convertResults(ret, a, op);
  });
}

/**
 * The function's exception as py_func.cc maps Python's: TypeError/ValueError →
 * InvalidArgumentError, an OutOfRangeError (Python's StopIteration) → OutOfRangeError, any other
 * → UnknownError; the message is the exception's type and text, then its stack.
 */
function asOpError(e: unknown, op: Operation): OpError {
  if (!(e instanceof Error)) return new UnknownError(`exception: ${String(e)}`, op.name);
  const text = `${e.name}: ${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1).join('\n')}` : ''}`;
  if (e instanceof OutOfRangeError) return new OutOfRangeError(text, op.name);
  if (e instanceof TypeError || e instanceof ValueError || e instanceof InvalidArgumentError) return new InvalidArgumentError(text, op.name);
  return new UnknownError(text, op.name);
}

function convertResults(ret: PyFuncResult, a: PyFuncAttrs, op: Operation): NDArray[] {
  const list: PyFuncValue[] = ret === null || ret === undefined ? [] : Array.isArray(ret) && (a.Tout.length !== 1 || ret.some((v) => v instanceof NDArray)) ? ret : [ret as PyFuncValue];
  if (list.length !== a.Tout.length) {
    throw new InvalidArgumentError(`${a.token} returns ${list.length} values, but expects to see ${a.Tout.length} values.`, op.name);
  }
  return list.map((v, i) => {
    const want = a.Tout[i]!;
    if (v instanceof NDArray) {
      if (v.dtype !== want) {
        throw new InvalidArgumentError(`${i}-th value returned by ${a.token} is ${tfName(v.dtype)}, but expects ${tfName(want)}`, op.name);
      }
      return v;
    }
    try {
      return toNDArray(v as HostValue, want);
    } catch (e) {
      throw new InvalidArgumentError(`${i}-th value returned by ${a.token} cannot be converted to ${tfName(want)}: ${(e as Error).message}`, op.name);
    }
  });
}

const NAMES = ['func', 'inp', 'Tout', 'stateful', 'name'] as const;

function build(type: 'PyFunc' | 'PyFuncStateless' | 'EagerPyFunc', where: string, func: unknown, inp: unknown, tout: unknown, name: unknown): Tensor | Tensor[] {
  if (typeof func !== 'function') throw new TypeError(`${where}: func must be a function, got ${String(func)}`);
  if (inp !== undefined && inp !== null && !Array.isArray(inp)) throw new TypeError(`${where}: inp must be a list of tensors, got ${String(inp)}`);
  if (tout === undefined) throw new TypeError(`${where}() missing required argument: 'Tout'`);
  const single = !Array.isArray(tout);
  const Tout = (single ? [tout] : (tout as unknown[])).map(parseDType);
  const ins = ((inp ?? []) as TensorLike[]).map((x) => toTensor(x));
  const token = `pyfunc_${nextToken++}`;
  funcs.set(token, func as PyFuncFn);
  const g = graphFromInputs(ins, getDefaultGraph());
  const op = makeOp(g, type, ins, { token, Tin: ins.map((t) => t.dtype), Tout }, (name as string | null | undefined) ?? undefined, type);
  return single ? op.outputs[0]! : op.outputs.slice();
}

/**
 * `tf.py_func(func, inp, Tout, stateful=True, name=None)`: `func(...values)` on the inputs'
 * NDArrays; returns one tensor when Tout is one dtype, else a list. `stateful: false` makes a
 * `PyFuncStateless` op (may be merged or folded like any pure op).
 */
export function pyFunc(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, stateful?: boolean | null, name?: string | null): Tensor;
export function pyFunc(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], stateful?: boolean | null, name?: string | null): Tensor[];
export function pyFunc(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, opts: { stateful?: boolean | null; name?: string | null }): Tensor;
export function pyFunc(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], opts: { stateful?: boolean | null; name?: string | null }): Tensor[];
export function pyFunc(...args: unknown[]): Tensor | Tensor[] {
  const a = kwargs(args, NAMES, 'pyFunc', 3);
  if (a.stateful !== undefined && a.stateful !== null && typeof a.stateful !== 'boolean') throw new TypeError(`pyFunc(): stateful must be a bool, got ${String(a.stateful)}`);
  return build(a.stateful === false ? 'PyFuncStateless' : 'PyFunc', 'pyFunc', a.func, a.inp, a.Tout, a.name);
}

const NF_NAMES = ['func', 'inp', 'Tout', 'name'] as const;

/** `tf.numpy_function(func, inp, Tout, name=None)`: TF 1.15's stateful py_func. */
export function numpyFunction(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, name?: string | null): Tensor;
export function numpyFunction(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], name?: string | null): Tensor[];
export function numpyFunction(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, opts: { name?: string | null }): Tensor;
export function numpyFunction(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], opts: { name?: string | null }): Tensor[];
export function numpyFunction(...args: unknown[]): Tensor | Tensor[] {
  const a = kwargs(args, NF_NAMES, 'numpyFunction', 3);
  return build('PyFunc', 'numpyFunction', a.func, a.inp, a.Tout, a.name);
}

/** `tf.py_function(func, inp, Tout, name=None)`: an `EagerPyFunc` op; `func` gets NDArrays here too. */
export function pyFunction(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, name?: string | null): Tensor;
export function pyFunction(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], name?: string | null): Tensor[];
export function pyFunction(func: PyFuncFn, inp: TensorLike[], Tout: DType | string, opts: { name?: string | null }): Tensor;
export function pyFunction(func: PyFuncFn, inp: TensorLike[], Tout: (DType | string)[], opts: { name?: string | null }): Tensor[];
export function pyFunction(...args: unknown[]): Tensor | Tensor[] {
  const a = kwargs(args, NF_NAMES, 'pyFunction', 3);
  return build('EagerPyFunc', 'pyFunction', a.func, a.inp, a.Tout, a.name);
}
