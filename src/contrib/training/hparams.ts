/**
 * `tf.contrib.training.HParams` (contrib/training/python/training/hparam.py): named
 * hyper-parameters with a type fixed when added, overridden from `'a=1,b=[1,2]'` strings, JSON
 * or objects with TF's type checks and error texts. The type of a JS number is Python's
 * literal type: an integral number is an `int` hyper-parameter, any other a `float`. JS can't
 * tell `0.0` from `0`: give a float hyper-parameter with an integral default as
 * `HParams.float(0)` (or `HParams.float([1, 2])` for a list).
 */
import { KeyError, ValueError } from '../../errors.js';

type Scalar = number | string | boolean | null;
type PyType = 'int' | 'float' | 'str' | 'bool' | 'NoneType' | string;
/** An index assignment of `parse` (`'arr[1]=3'`): index → value. */
type IndexMap = { [index: number]: Scalar };
type Value = unknown;

/** A number (or list of numbers) to be typed `float` though integral: `HParams.float(0)`. */
class FloatHint {
  constructor(readonly value: number | number[]) {}
}

function pyType(v: unknown): PyType {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return (v as object).constructor?.name ?? 'object';
}

/** Python's repr of a scalar, list or index map (`%r`); `as` gives the type a number is shown as. */
function pyRepr(v: unknown, as?: PyType): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return as === 'float' && Number.isInteger(v) ? `${v}.0` : String(v);
  }
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, as)).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${pyRepr(x, as)}`).join(', ')}}`;
  return String(v);
}
/** Python's str (`%s`): strings bare, everything else as repr. */
const pyStr = (v: unknown, as?: PyType): string => (typeof v === 'string' ? v : pyRepr(v, as));
const typeRepr = (t: PyType): string => `<class '${t}'>`;

const INT_RE = /^[+-]?\d(_?\d)*$/;
const FLOAT_RE = /^[+-]?((\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?|inf(inity)?|nan)$/i;

/** Python's int(s) / float(s) / str(s); a ValueError (caught by the parser) when s is not one. */
function parseAs(type: PyType, s: string): Scalar {
  const t = s.trim();
  if (type === 'int') {
    if (!INT_RE.test(t)) throw new ValueError(`invalid literal for int() with base 10: '${s}'`);
    return Number(t.replace(/_/g, ''));
  }
  if (type === 'float') {
    if (!FLOAT_RE.test(t)) throw new ValueError(`could not convert string to float: '${s}'`);
    const low = t.toLowerCase().replace(/_/g, '');
    if (low.includes('inf')) return low.startsWith('-') ? -Infinity : Infinity;
    if (low.includes('nan')) return NaN;
    return Number(low);
  }
  if (type === 'str') return s;
  if (type === 'bool') {
    if (s === 'true' || s === 'True') return true;
    if (s === 'false' || s === 'False') return false;
    return parseAs('int', s) !== 0;
  }
  throw new TypeError(`${type}() takes no arguments`);
}

// <name>[<index>]? = <value> | [<values>], then the end or a comma
const PARAM_RE = /(?<name>[a-zA-Z]\w*)(\[\s*(?<index>\d+)\s*\])?\s*=\s*((?<val>[^,[]*)|\[(?<vals>[^\]]*)\])($|,\s*)/y;

const parseFail = (name: string, type: PyType, value: string, values: string): never => {
  throw new ValueError(`Could not parse hparam '${name}' of type '${type}' with value '${value}' in ${values}`);
};
const reuseFail = (name: string, values: string): never => {
  throw new ValueError(`Multiple assignments to variable '${name}' in ${values}`);
};

/**
 * TF's `parse_values(values, type_map)`: `'x=5,L=[1,2],arr[1]=3'` → `{x: 5, L: [1, 2], arr: {1: 3}}`,
 * each value parsed as its hyper-parameter's type.
 */
export function parseValues(values: string, typeMap: ReadonlyMap<string, PyType>): Record<string, Value> {
  const out: Record<string, Value> = {};
  let pos = 0;
  while (pos < values.length) {
    PARAM_RE.lastIndex = pos;
    const m = PARAM_RE.exec(values);
    if (!m) throw new ValueError(`Malformed hyperparameter value: ${values.slice(pos)}`);
    pos = PARAM_RE.lastIndex;
    const { name, index, val, vals } = m.groups as Record<string, string | undefined>;
    if (!typeMap.has(name!)) throw new ValueError(`Unknown hyperparameter type for ${name}`);
    const type = typeMap.get(name!)!;
    const parse = (s: string): Scalar => {
      try {
        return parseAs(type, s);
      } catch (e) {
        if (e instanceof ValueError) return parseFail(name!, type, s, values);
        throw e;
      }
    };
    if (val !== undefined) {
      const parsed = parse(val);
      if (index === undefined) {
        if (name! in out) reuseFail(name!, values);
        out[name!] = parsed;
      } else {
        if (name! in out && (typeof out[name!] !== 'object' || Array.isArray(out[name!]) || out[name!] === null)) reuseFail(name!, values);
        const map = (out[name!] ??= {}) as IndexMap;
        const i = Number(index);
        if (i in map) reuseFail(`${name}[${i}]`, values);
        map[i] = parsed;
      }
    } else if (vals !== undefined) {
      if (index !== undefined) throw new ValueError('Assignment of a list to a list index.');
      if (name! in out) reuseFail(name!, values);
      const elements = vals.split(/[ ,]/).filter((e) => e !== '');
      try {
        out[name!] = elements.map((e) => parseAs(type, e));
      } catch (e) {
        if (e instanceof ValueError) parseFail(name!, type, vals, values);
        throw e;
      }
    } else {
      parseFail(name!, type, '', values);
    }
  }
  return out;
}

/** TF's `_cast_to_type_if_compatible`. */
function castIfCompatible(name: string, type: PyType, value: unknown): unknown {
  const fail = (): never => {
    throw new ValueError(`Could not cast hparam '${name}' of type '${typeRepr(type)}' from value ${pyRepr(value)}`);
  };
  if (type === 'NoneType') return value;
  if (type === 'str' && typeof value !== 'string') fail();
  if ((type === 'bool') !== (typeof value === 'boolean')) fail();
  const integral = (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
  if (type === 'int' && !integral) fail();
  if ((type === 'int' || type === 'float') && typeof value !== 'number' && typeof value !== 'bigint') fail();
  if (type === 'int' || type === 'float') return Number(value);
  return value;
}

const JSON_NAMES = ['indent', 'separators', 'sortKeys'] as const;

/** Python's json.dumps of a values() object (ensure_ascii, Python's float forms). */
function pyJson(v: unknown, type: PyType | undefined, indent: number | null, seps: [string, string], level: number): string {
  const nl = (l: number) => (indent === null ? '' : `\n${' '.repeat(indent * l)}`);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return type === 'float' && Number.isInteger(v) ? `${v}.0` : String(v);
  }
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl(level + 1) + pyJson(x, type, indent, seps, level + 1)).join(seps[0])}${nl(level)}]`;
  }
  throw new TypeError(`Object of type ${pyType(v)} is not JSON serializable`);
}

/**
 * `new HParams({ learning_rate: 0.1, num_hidden_units: 100, activations: ['relu', 'tanh'] })`:
 * each hyper-parameter is an attribute (`hp.learning_rate`). `hparamDef` (a serialized
 * HParamDef) is not read: pass the values as keywords.
 */
export class HParams {
  /** Mark an integral default as a float hyper-parameter (Python's `0.0`): `new HParams({ dropout: HParams.float(0) })`. */
  static float(value: number | number[]): FloatHint {
    return new FloatHint(value);
  }
  readonly #types = new Map<string, [type: PyType, isList: boolean]>();
  #modelStructure: unknown;
  [name: string]: unknown;

  constructor(hparamDef?: unknown, modelStructure?: unknown, kwargs?: Record<string, unknown>);
  constructor(kwargs?: Record<string, unknown>);
  constructor(...args: unknown[]) {
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    const last = args[n - 1];
    const isKw = n > 0 && typeof last === 'object' && last !== null && !Array.isArray(last) && (Object.getPrototypeOf(last) === Object.prototype || Object.getPrototypeOf(last) === null);
    const kw = { ...(isKw ? (last as Record<string, unknown>) : {}) };
    const pos = isKw ? args.slice(0, n - 1) : args.slice(0, n);
    if (pos.length > 2) throw new TypeError(`HParams() takes at most 2 positional arguments but ${pos.length} were given`);
    const hparamDef = pos[0] ?? kw.hparamDef ?? null;
    this.#modelStructure = pos[1] ?? kw.modelStructure ?? null;
    delete kw.hparamDef;
    delete kw.modelStructure;
    if (hparamDef) throw new ValueError('HParams: reading a serialized HParamDef is not supported; pass the hyperparameters as keywords');
    for (const [name, value] of Object.entries(kw)) this.addHparam(name, value);
  }

  /** `add_hparam(name, value)`: a new hyper-parameter, its type (the list's first element's, for a list) fixed from `value`. */
  addHparam(name: string, value: unknown): void {
    if (typeof name !== 'string') throw new TypeError(`add_hparam(): name must be a string, got ${pyRepr(name)}`);
    const existing = (this as Record<string, unknown>)[name];
    if ((name in this && existing !== null && existing !== undefined) || name === 'constructor') {
      throw new ValueError(`Hyperparameter name is reserved: ${name}`);
    }
    if (value instanceof FloatHint) {
      const v = value.value;
      if (typeof v !== 'number' && !(Array.isArray(v) && v.every((x) => typeof x === 'number'))) throw new TypeError(`HParams.float() takes a number or a list of numbers, got ${pyRepr(v)}`);
      if (Array.isArray(v) && v.length === 0) throw new ValueError(`Multi-valued hyperparameters cannot be empty: ${name}`);
      this.#types.set(name, ['float', Array.isArray(v)]);
      this[name] = Array.isArray(v) ? [...v] : v;
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) throw new ValueError(`Multi-valued hyperparameters cannot be empty: ${name}`);
      this.#types.set(name, [pyType(value[0]), true]);
    } else {
      this.#types.set(name, [pyType(value), false]);
    }
    this[name] = value;
  }

  /** `set_hparam(name, value)`: the value, checked against the hyper-parameter's type. */
  setHparam(name: string, value: unknown): void {
    const t = this.#types.get(name);
    if (!t) throw new KeyError(`'${name}'`);
    const [type, isList] = t;
    if (Array.isArray(value)) {
      if (!isList) throw new ValueError(`Must not pass a list for single-valued parameter: ${name}`);
      this[name] = value.map((v) => castIfCompatible(name, type, v));
    } else {
      if (isList) throw new ValueError(`Must pass a list for multi-valued parameter: ${name}.`);
      this[name] = castIfCompatible(name, type, value);
    }
  }

  /** `del_hparam(name)`: remove it (no error when absent). */
  delHparam(name: string): void {
    if (this.#types.delete(name)) delete this[name];
  }

  /** `parse(values)`: override from `'name=value,list=[a,b]'` (see parseValues); returns this. */
  parse(values: string): this {
    if (typeof values !== 'string') throw new TypeError(`parse(): values must be a string, got ${pyRepr(values)}`);
    const typeMap = new Map([...this.#types].map(([n, [type]]) => [n, type]));
    return this.overrideFromDict(parseValues(values, typeMap));
  }

  /** `override_from_dict(values_dict)`: setHparam for each entry; returns this. */
  overrideFromDict(valuesDict: Record<string, unknown>): this {
    for (const [name, value] of Object.entries(valuesDict)) this.setHparam(name, value);
    return this;
  }
  /** TF's deprecated name for overrideFromDict. */
  setFromMap(valuesMap: Record<string, unknown>): this {
    return this.overrideFromDict(valuesMap);
  }

  setModelStructure(modelStructure: unknown): void {
    this.#modelStructure = modelStructure;
  }
  getModelStructure(): unknown {
    return this.#modelStructure;
  }

  /**
   * `to_json(indent = null, separators = null, sortKeys = false)`: Python's json.dumps of
   * values() (default separators `', '` and `': '`, `','` between items with an indent).
   */
  toJson(...args: [indent?: number | null, separators?: [string, string] | null, sortKeys?: boolean] | [Record<string, unknown>]): string {
    const o = jsonArgs(args);
    const indent = o.indent ?? null;
    const seps: [string, string] = o.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
    const names = [...this.#types.keys()];
    if (o.sortKeys) names.sort();
    if (names.length === 0) return '{}';
    const nl = (l: number) => (indent === null ? '' : `\n${' '.repeat(indent * l)}`);
    const items = names.map((n) => `${nl(1)}${pyJson(n, 'str', indent, seps, 1)}${seps[1]}${pyJson(this[n], this.#types.get(n)![0], indent, seps, 1)}`);
    return `{${items.join(seps[0])}${nl(0)}}`;
  }

  /** `parse_json(values_json)`: override from a JSON object; returns this. */
  parseJson(valuesJson: string): this {
    return this.overrideFromDict(JSON.parse(valuesJson) as Record<string, unknown>);
  }

  /** `values()`: `{name: value}` of every hyper-parameter. */
  values(): Record<string, unknown> {
    return Object.fromEntries([...this.#types.keys()].map((n) => [n, this[n]]));
  }

  /** `get(key, default = null)`: the value, or `default` when absent (which must fit the type when present). */
  get(key: string, defaultValue: unknown = null): unknown {
    const t = this.#types.get(key);
    if (!t) return defaultValue;
    if (defaultValue !== null && defaultValue !== undefined) {
      const [type, isList] = t;
      const typeStr = isList ? `list<${typeRepr(type)}>` : typeRepr(type);
      const failMsg = `Hparam '${key}' of type '${typeStr}' is incompatible with default=${pyStr(defaultValue)}`;
      if (isList !== Array.isArray(defaultValue)) throw new ValueError(failMsg);
      try {
        for (const v of Array.isArray(defaultValue) ? defaultValue : [defaultValue]) castIfCompatible(key, type, v);
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`${failMsg}. ${e.message}`);
        throw e;
      }
    }
    return this[key];
  }

  /** Python's `key in hparams`. */
  has(key: string): boolean {
    return this.#types.has(key);
  }

  /** Python's str: the sorted `(name, value)` pairs. */
  toString(): string {
    const names = [...this.#types.keys()].sort();
    return `[${names.map((n) => `('${n}', ${pyRepr(this[n], this.#types.get(n)![0])})`).join(', ')}]`;
  }
}

function jsonArgs(args: unknown[]): { indent?: number | null; separators?: [string, string] | null; sortKeys?: boolean } {
  const last = args[args.length - 1];
  const kw = typeof last === 'object' && last !== null && !Array.isArray(last) ? (args.pop() as Record<string, unknown>) : {};
  for (const k of Object.keys(kw)) if (!(JSON_NAMES as readonly string[]).includes(k)) throw new TypeError(`to_json() got an unexpected keyword argument '${k}'`);
  const o: Record<string, unknown> = { ...kw };
  args.forEach((a, i) => { if (a !== undefined) o[JSON_NAMES[i]!] = a; });
  return o as { indent?: number | null; separators?: [string, string] | null; sortKeys?: boolean };
}
