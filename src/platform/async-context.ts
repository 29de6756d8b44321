/**
 * An async context that follows a callback across `await`s: Node's AsyncLocalStorage (or a
 * global one where the platform provides it), loaded without a top-level await or a static Node
 * import so that browser bundles see none. Null where the platform has no async context.
 */
export interface AsyncContext<T> {
  run<R>(store: T, fn: () => R): R;
  getStore(): T | undefined;
}

type AlsCtor = new <T>() => AsyncContext<T>;

function findAls(): AlsCtor | null {
  const g = globalThis as { AsyncLocalStorage?: AlsCtor; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof g.AsyncLocalStorage === 'function') return g.AsyncLocalStorage;
  const hooks = g.process?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: AlsCtor } | undefined;
  return hooks?.AsyncLocalStorage ?? null;
}

const Als = findAls();

export function createAsyncContext<T>(): AsyncContext<T> | null {
  return Als ? new Als<T>() : null;
}
