/**
 * `tf.contrib.framework.arg_scope` / `add_arg_scope` (TF1 contrib/framework/python/ops/arg_scope.py):
 * inside `argScope([conv2d, fullyConnected], {activationFn: null}, () => …)`, calls of the listed
 * functions take those keyword arguments as defaults; the call's own keyword arguments win (one
 * the scope sets may not also be given positionally: Python's "multiple values"), inner scopes
 * override outer ones. Only functions made with `addArgScope` (the contrib layers) can be listed.
 */
import { isOptionsObject } from '../args.js';
import { ValueError } from '../errors.js';

type Fn = (...args: never[]) => unknown;
/** The defaults of each decorated function in the current scope (TF's arg_scope dict). */
export type ArgScope = ReadonlyMap<Fn, Readonly<Record<string, unknown>>>;

const DECORATED = new Map<Fn, readonly string[]>();
let current: ArgScope = new Map();

/** `add_arg_scope(func)`: `fn` taking TF1's arguments `names` in order, then an options object. */
export function addArgScope<F extends (...args: never[]) => unknown>(fn: F, names: readonly string[]): F {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const defaults = current.get(wrapped as unknown as Fn);
    if (!defaults) return (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
    // TF's `current_args.update(kwargs)`: the call's keyword arguments over the scope's; one
    // also given positionally is given twice, as in Python
    let n = args.length;
    let opts: Record<string, unknown> = {};
    if (n > 0 && isOptionsObject(args[n - 1])) opts = args[--n] as Record<string, unknown>;
    return (fn as unknown as (...a: unknown[]) => unknown).apply(this, [...args.slice(0, n), { ...defaults, ...opts }]);
  } as unknown as F;
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  DECORATED.set(wrapped as unknown as Fn, names);
  return wrapped;
}

/** `has_arg_scope(func)`. */
export function hasArgScope(fn: unknown): boolean {
  return DECORATED.has(fn as Fn);
}

/** `arg_scoped_arguments(func)`: the argument names `fn` takes. */
export function argScopedArguments(fn: unknown): string[] {
  const names = DECORATED.get(fn as Fn);
  if (!names) throw new ValueError(`${(fn as Fn)?.name ?? String(fn)} is not decorated with @add_arg_scope`);
  return [...names];
}

/** `current_arg_scope()`. */
export function currentArgScope(): ArgScope {
  return current;
}

/**
 * `arg_scope(list_ops_or_scope, **kwargs)`: `argScope(ops, kwargs, fn)` runs `fn(scope)` with
 * `kwargs` as the defaults of `ops`; `argScope(scope, fn)` re-enters a scope `fn` received.
 */
export function argScope<T>(listOpsOrScope: readonly unknown[] | ArgScope, ...rest: [Record<string, unknown>, (scope: ArgScope) => T] | [(scope: ArgScope) => T]): T {
  const fn = rest[rest.length - 1] as (scope: ArgScope) => T;
  if (typeof fn !== 'function') throw new TypeError('argScope(listOps, kwargs, fn): the last argument must be the function to run inside the scope');
  const kw = rest.length > 1 ? (rest[0] as Record<string, unknown>) : {};
  let next: Map<Fn, Readonly<Record<string, unknown>>>;
  if (listOpsOrScope instanceof Map) {
    if (Object.keys(kw).length > 0) throw new ValueError('When attempting to re-use a scope by suppling a dictionary, kwargs must be empty.');
    next = new Map(listOpsOrScope);
  } else {
    if (!Array.isArray(listOpsOrScope)) throw new TypeError('list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)');
    next = new Map(current);
    for (const op of listOpsOrScope) {
      const names = DECORATED.get(op as Fn);
      if (!names) throw new ValueError(`${(op as Fn)?.name ?? String(op)} is not decorated with @add_arg_scope`);
      next.set(op as Fn, { ...(current.get(op as Fn) ?? {}), ...kw });
    }
  }
  const saved = current;
  current = next;
  try {
    return fn(next);
  } finally {
    current = saved;
  }
}
