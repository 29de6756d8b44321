/**
 * Pieces of TF 1.15's keras/utils/generic_utils.py the Keras namespaces share: objects that are
 * called like Python's `__call__` instances (initializers, regularizers, constraints are passed
 * where a function is expected), and `serialize_keras_object` / `deserialize_keras_object` with
 * their error texts ('Unknown loss function:foo' for a name, 'Unknown initializer: Foo' for a
 * `{className, config}`).
 */
import { ValueError } from '../errors.js';

/**
 * Turn `instance`'s construction into a callable: the returned function runs `call(...args)` on
 * itself and has the class's prototype (so `instanceof`, methods and fields work). Its own `name`
 * and `length` are made plain writable fields, free for the class to use.
 */
export function callableInstance<T extends object>(proto: T, call: (self: T, args: unknown[]) => unknown): T {
  const f = function (this: unknown, ...args: unknown[]): unknown {
    return call(f as unknown as T, args);
  };
  for (const k of ['name', 'length']) Object.defineProperty(f, k, { value: undefined, writable: true, configurable: true, enumerable: false });
  Object.setPrototypeOf(f, proto);
  return f as unknown as T;
}

export interface KerasConfig {
  className: string;
  config: Record<string, unknown>;
}

interface Configurable {
  getConfig(): Record<string, unknown>;
}
const hasConfig = (x: unknown): x is Configurable => x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as Configurable).getConfig === 'function';

/**
 * `serialize_keras_object(instance)`: `{className, config}` for an object with `getConfig`, the
 * registered (or own) name of a function.
 */
export function serializeKerasObject(instance: unknown, names?: Map<unknown, string>): KerasConfig | string | null {
  if (instance === null || instance === undefined) return null;
  const known = names?.get(instance);
  if (known !== undefined) return known;
  if (hasConfig(instance)) {
    const cls = (instance as { kerasClassName?: string }).kerasClassName ?? (instance as object).constructor.name;
    return { className: cls, config: instance.getConfig() };
  }
  if (typeof instance === 'function' && instance.name) return instance.name;
  throw new ValueError(`Cannot serialize ${String(instance)}`);
}

type Ctor = new (...args: unknown[]) => unknown;

/**
 * `deserialize_keras_object(identifier, module_objects, custom_objects, printable_module_name)`:
 * a `{className, config}` builds the class (`new C(config)`; a function is called with it), a string looks the name up and
 * returns what it names (functions as they are, classes built with no arguments).
 */
export function deserializeKerasObject(
  identifier: unknown,
  moduleObjects: Record<string, unknown>,
  customObjects: Record<string, unknown> | null | undefined,
  printableModuleName: string,
): unknown {
  const look = (n: string): unknown => customObjects?.[n] ?? (Object.prototype.hasOwnProperty.call(moduleObjects, n) ? moduleObjects[n] : undefined);
  if (identifier !== null && typeof identifier === 'object' && !Array.isArray(identifier)) {
    const cfg = identifier as Partial<KerasConfig> & { class_name?: string };
    const className = cfg.className ?? cfg.class_name;
    if (typeof className !== 'string' || !('config' in cfg)) throw new ValueError(`Improper config format: ${JSON.stringify(identifier)}`);
    const cls = look(className);
    if (cls === undefined) throw new ValueError(`Unknown ${printableModuleName}: ${className}`);
    if (isClass(cls)) return new (cls as Ctor)({ ...(cfg.config ?? {}) });
    // A function (he_normal) is called with the config, as Python's cls(**config).
    if (typeof cls === 'function') return (cls as (o: Record<string, unknown>) => unknown)({ ...(cfg.config ?? {}) });
    return cls;
  }
  if (typeof identifier === 'string') {
    const fn = look(identifier);
    if (fn === undefined) throw new ValueError(`Unknown ${printableModuleName}:${identifier}`);
    return fn;
  }
  throw new ValueError(`Could not interpret serialized ${printableModuleName}: ${String(identifier)}`);
}

/** Is `x` a class (something to build with `new`) rather than a plain function? */
export function isClass(x: unknown): boolean {
  return typeof x === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(x));
}
