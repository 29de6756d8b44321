/**
 * Node's built-in modules, for the parts of tsflow that need them (file-system checkpoints and
 * summaries, idx files, worker_threads). Nothing here is imported statically: each module is
 * fetched through `process.getBuiltinModule` on first use, so bundlers for browsers see no Node
 * import and need no shims, and the package still loads synchronously under Node (no top-level
 * await). Where Node is absent (a browser), using one of these fails with an error that names
 * the module and the feature's browser alternative instead of a bundler's "could not resolve".
 */
type Builtins = {
  'node:fs': typeof import('node:fs');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
  'node:zlib': typeof import('node:zlib');
  'node:crypto': typeof import('node:crypto');
  'node:os': typeof import('node:os');
  'node:v8': typeof import('node:v8');
  'node:module': typeof import('node:module');
  'node:url': typeof import('node:url');
  'node:worker_threads': typeof import('node:worker_threads');
};

type GetBuiltin = (id: string) => unknown;
const getBuiltin: GetBuiltin | undefined = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process
  ?.getBuiltinModule;

/** Whether this is Node (or a runtime providing Node's built-ins). */
export const hasNodeBuiltins = typeof getBuiltin === 'function';

/** The built-in module `id`, or null outside Node. */
export function tryNodeBuiltin<K extends keyof Builtins>(id: K): Builtins[K] | null {
  return (getBuiltin?.(id) as Builtins[K] | undefined) ?? null;
}

/** Thrown when a Node-only feature is used where Node's built-ins are absent. */
export class NodeOnlyError extends Error {
  constructor(id: string) {
    super(
      `${id} is not available here: this feature reads or writes local files (checkpoints, summaries, ` +
        'graph files, idx datasets) and needs Node.js; graphs, sessions and the cpu and webgpu devices ' +
        'work without it.',
    );
    this.name = 'NodeOnlyError';
  }
}

/**
 * A stand-in for Node's module `id` that loads it on first property access, and throws
 * NodeOnlyError there when the platform has no Node built-ins.
 */
function lazy<K extends keyof Builtins>(id: K): Builtins[K] {
  let mod: Builtins[K] | null = null;
  const load = (): Builtins[K] => {
    mod ??= tryNodeBuiltin(id);
    if (!mod) throw new NodeOnlyError(id);
    return mod;
  };
  return new Proxy({} as Builtins[K], {
    get: (_t, key) => (load() as Record<string | symbol, unknown>)[key],
    has: (_t, key) => key in (load() as object),
  });
}

export const fs = lazy('node:fs');
export const fsp = lazy('node:fs/promises');
export const path = lazy('node:path');
export const zlib = lazy('node:zlib');
export const crypto = lazy('node:crypto');
export const nodeModule = lazy('node:module');
export const url = lazy('node:url');
