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
  const look = (n: string): unknown => customObjects?.[n] ?? GLOBAL_CUSTOM_OBJECTS[n] ?? (Object.prototype.hasOwnProperty.call(moduleObjects, n) ? moduleObjects[n] : undefined);
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

/** Python's `repr` of a float (`1.0`, `1e-05`, `0.1`, `nan`, `inf`). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 16) {
    const [m, e] = v.toExponential().split('e') as [string, string];
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = String(v);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Python's `json.dumps` of a flat record of numbers and strings (`{"epoch": 0, "loss": 0.5}`). */
export function pyJson(o: Record<string, unknown>, intKeys: ReadonlySet<string> = new Set()): string {
  const val = (k: string, v: unknown): string => {
    if (typeof v === 'number') {
      if (intKeys.has(k) && Number.isInteger(v)) return String(v);
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return pyFloat(v);
    }
    return JSON.stringify(v);
  };
  return `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${val(k, v)}`).join(', ')}}`;
}

/** The objects `custom_object_scope` / `get_custom_objects` register, consulted by every deserializer. */
export const GLOBAL_CUSTOM_OBJECTS: Record<string, unknown> = {};

/** `get_custom_objects()`: the live global registry (assign into it to register). */
export function getCustomObjects(): Record<string, unknown> {
  return GLOBAL_CUSTOM_OBJECTS;
}

/**
 * `CustomObjectScope(*dicts)`: while entered, the names of `dicts` are known to deserialization.
 * `enter()` / `exit()` as Python's `with`, or `scope.run(fn)` (restores on return or throw;
 * a promise-returning `fn` restores when it settles).
 */
export class CustomObjectScope {
  private readonly customObjects: Record<string, unknown>[];
  private backup: Record<string, unknown> | null = null;
  constructor(...dicts: Record<string, unknown>[]) {
    this.customObjects = dicts;
  }
  enter(): this {
    this.backup = { ...GLOBAL_CUSTOM_OBJECTS };
    for (const d of this.customObjects) Object.assign(GLOBAL_CUSTOM_OBJECTS, d);
    return this;
  }
  exit(): void {
    if (!this.backup) return;
    for (const k of Object.keys(GLOBAL_CUSTOM_OBJECTS)) delete GLOBAL_CUSTOM_OBJECTS[k];
    Object.assign(GLOBAL_CUSTOM_OBJECTS, this.backup);
    this.backup = null;
  }
  run<T>(fn: () => T): T {
    this.enter();
    let r: T;
    try {
      r = fn();
    } catch (e) {
      this.exit();
      throw e;
    }
    if (r instanceof Promise) return r.finally(() => this.exit()) as T;
    this.exit();
    return r;
  }
}

/** `custom_object_scope(*dicts)`: a CustomObjectScope; with a trailing function, runs it inside the scope. */
export function customObjectScope(...args: (Record<string, unknown> | (() => unknown))[]): unknown {
  const last = args[args.length - 1];
  if (typeof last === 'function') return new CustomObjectScope(...(args.slice(0, -1) as Record<string, unknown>[])).run(last as () => unknown);
  return new CustomObjectScope(...(args as Record<string, unknown>[]));
}

/** Keras's progbar number format (`%.4f`, or `%.4e` for magnitudes up to 1e-3). */
function progNum(v: number): string {
  if (Math.abs(v) > 1e-3) return v.toFixed(4);
  const [m, e] = v.toExponential(4).split('e') as [string, string];
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/**
 * `Progbar(target, width=30, verbose=1, interval=0.05, stateful_metrics=None, unit_name='step')`:
 * Keras's text progress bar. `update(current, values)` averages each value over the steps
 * (weighted by the step's count) unless it is a stateful metric. Output goes to `write`
 * (default process.stdout; non-dynamic display: each update that prints is a line of its own).
 */
export class Progbar {
  readonly target: number | null;
  readonly width: number;
  readonly verbose: number;
  readonly interval: number;
  readonly statefulMetrics: Set<string>;
  readonly unitName: string;
  private readonly totals = new Map<string, [number, number] | number>();
  private seenSoFar = 0;
  private readonly start = Date.now();
  private lastUpdate = -Infinity;
  write: (s: string) => void;
  /** Milliseconds since the bar started (replaceable, for reproducible output). */
  now: () => number = () => Date.now() - this.start;

  constructor(target: number | null, o: { width?: number; verbose?: number; interval?: number; statefulMetrics?: string[] | null; unitName?: string; write?: (s: string) => void } = {}) {
    this.target = target;
    this.width = o.width ?? 30;
    this.verbose = o.verbose ?? 1;
    this.interval = o.interval ?? 0.05;
    this.statefulMetrics = new Set(o.statefulMetrics ?? []);
    this.unitName = o.unitName ?? 'step';
    this.write = o.write ?? ((s: string) => (globalThis as { process?: { stdout?: { write(s: string): void } } }).process?.stdout?.write(s));
  }

  /** `update(current, values=None)`: `values` as `[name, value]` pairs. */
  update(current: number, values: [string, number][] = []): void {
    for (const [k, v] of values) {
      if (this.statefulMetrics.has(k)) this.totals.set(k, v);
      else {
        const steps = Math.max(1, current - this.seenSoFar);
        const prev = this.totals.get(k);
        const [s, n] = Array.isArray(prev) ? prev : [0, 0];
        this.totals.set(k, [s + v * steps, n + steps]);
      }
    }
    this.seenSoFar = current;
    const nowMs = this.now();
    const secs = nowMs / 1000;
    const done = this.target !== null && current >= this.target;
    let info = ` - ${Math.round(secs)}s`;
    if (this.verbose === 1) {
      if (nowMs - this.lastUpdate < this.interval * 1000 && !done) return;
      let bar: string;
      if (this.target !== null) {
        const digits = String(this.target).length;
        bar = `${String(current).padStart(digits)}/${this.target} [`;
        const prog = current / this.target;
        const progWidth = Math.trunc(this.width * prog);
        if (progWidth > 0) bar += '='.repeat(progWidth - 1) + (current < this.target ? '>' : '=');
        bar += '.'.repeat(this.width - progWidth) + ']';
      } else {
        bar = `${String(current).padStart(7)}/Unknown`;
      }
      const perUnit = current ? secs / current : 0;
      if (this.target !== null && !done) {
        const eta = perUnit * (this.target - current);
        const etaText = eta > 3600 ? `${Math.trunc(eta / 3600)}:${String(Math.trunc((eta % 3600) / 60)).padStart(2, '0')}:${String(Math.trunc(eta % 60)).padStart(2, '0')}` : eta > 60 ? `${Math.trunc(eta / 60)}:${String(Math.trunc(eta % 60)).padStart(2, '0')}` : `${Math.trunc(eta)}s`;
        info = ` - ETA: ${etaText}`;
      } else if (perUnit >= 1 || perUnit === 0) info += ` ${Math.round(perUnit)}s/${this.unitName}`;
      else if (perUnit >= 1e-3) info += ` ${Math.round(perUnit * 1e3)}ms/${this.unitName}`;
      else info += ` ${Math.round(perUnit * 1e6)}us/${this.unitName}`;
      info += this.metricsText();
      this.write(`${bar}${info}\n`);
      this.lastUpdate = nowMs;
    } else if (this.verbose === 2 && done) {
      this.write(`${info}${this.metricsText()}\n`);
    }
  }

  /** `add(n, values=None)`: update at the current count + n. */
  add(n: number, values: [string, number][] = []): void {
    this.update(this.seenSoFar + n, values);
  }

  private metricsText(): string {
    let s = '';
    for (const [k, t] of this.totals) {
      const v = Array.isArray(t) ? t[0] / Math.max(1, t[1]) : t;
      s += ` - ${k}: ${progNum(v)}`;
    }
    return s;
  }
}
