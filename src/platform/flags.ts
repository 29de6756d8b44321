/**
 * `tf.flags` / `tf.app.flags` (TF 1.15 re-exports absl.flags): `DEFINE_string(name, default,
 * help)` and its kin register a flag on `FLAGS` (or on the `flagValues` given); `FLAGS.name` reads
 * its value. As TF 1.15's flags wrapper does, the first read of a flag parses the process's
 * command line (`process.argv.slice(1)`, the script as argv[0]; empty in a browser) tolerating
 * flags nobody defined; `FLAGS(argv)` parses explicitly and, as absl does, refuses them
 * ("Unknown command line flag 'x'"). Syntax as absl's: `--name=value`, `--name value`, one or two
 * dashes, `--bool` / `--nobool` / `--bool=false`, `--` ends the flags. A value that does not parse
 * is absl's IllegalFlagValueError, "flag --name=value: <why>".
 */
import { tf1Function } from '../args.js';
import { ValueError } from '../errors.js';

/** absl's flags.Error: the base of the errors below. */
export class FlagsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Error';
  }
}
/** absl's IllegalFlagValueError. */
export class IllegalFlagValueError extends FlagsError {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalFlagValueError';
  }
}
/** absl's UnrecognizedFlagError. */
export class UnrecognizedFlagError extends FlagsError {
  constructor(readonly flagname: string, readonly flagvalue = '') {
    super(`Unknown command line flag '${flagname}'`);
    this.name = 'UnrecognizedFlagError';
  }
}
/** absl's DuplicateFlagError. */
export class DuplicateFlagError extends FlagsError {
  constructor(name: string) {
    super(`The flag '${name}' is defined twice.`);
    this.name = 'DuplicateFlagError';
  }
}

type FlagKind = 'string' | 'integer' | 'float' | 'boolean' | 'list' | 'enum' | 'multi_string' | 'multi_integer';
export type FlagValue = string | number | boolean | string[] | number[] | null;

/** One defined flag (absl's Flag): its parser, default and current value. */
export class Flag {
  value: FlagValue;
  /** Whether the command line (or an assignment) set it. */
  present = 0;
  readonly defaultValue: FlagValue;
  constructor(
    readonly name: string, readonly kind: FlagKind, def: unknown, readonly help: string,
    private readonly extra: { lower?: number | null; upper?: number | null; enumValues?: readonly string[]; caseSensitive?: boolean } = {},
  ) {
    this.defaultValue = def === null || def === undefined ? null : this.parseDefault(def);
    this.value = copy(this.defaultValue);
  }

  private parseDefault(def: unknown): FlagValue {
    try {
      if (this.kind === 'multi_string' || this.kind === 'multi_integer') {
        const items = Array.isArray(def) ? def : [def];
        return items.map((d) => this.convertOne(d)) as string[] | number[];
      }
      return this.convertOne(def);
    } catch (e) {
      throw new IllegalFlagValueError(`flag --${this.name}=${String(def)}: ${(e as Error).message}`);
    }
  }

  /** absl's parser `convert` + bound checks, one value. */
  convertOne(v: unknown): string | number | boolean | string[] {
    switch (this.kind) {
      case 'string':
      case 'multi_string':
        return String(v);
      case 'integer':
      case 'multi_integer': {
        let n: number;
        if (typeof v === 'number') {
          if (!Number.isInteger(v)) throw new ValueError(`Expect argument to be a string or int, found ${v}`);
          n = v;
        } else {
          const s = String(v).trim();
          const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|\d+)$/i.exec(s);
          if (!m) throw new ValueError(`invalid literal for int() with base 10: '${String(v)}'`);
          n = Number(m[2]!.toLowerCase()) * (m[1] === '-' ? -1 : 1);
        }
        return this.bounded(n);
      }
      case 'float': {
        const n = typeof v === 'number' ? v : String(v).trim() === '' ? NaN : Number(String(v).trim());
        if (Number.isNaN(n) && !/^[+-]?nan$/i.test(String(v).trim())) throw new ValueError(`could not convert string to float: '${String(v)}'`);
        return this.bounded(n);
      }
      case 'boolean': {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
        const s = String(v).toLowerCase();
        if (s === 'true' || s === 't' || s === '1') return true;
        if (s === 'false' || s === 'f' || s === '0') return false;
        throw new ValueError(`Non-boolean argument to boolean flag: '${String(v)}'`);
      }
      case 'list': {
        if (Array.isArray(v)) return v.map(String);
        const s = String(v);
        return s === '' ? [] : s.split(',').map((x) => x.trim());
      }
      case 'enum': {
        const vals = this.extra.enumValues!;
        const s = String(v);
        const hit = this.extra.caseSensitive === false ? vals.find((e) => e.toLowerCase() === s.toLowerCase()) : vals.find((e) => e === s);
        if (hit === undefined) throw new ValueError(`value should be one of <${vals.join('|')}>`);
        return hit;
      }
    }
  }

  private bounded(n: number): number {
    const { lower = null, upper = null } = this.extra;
    if ((lower !== null && n < lower) || (upper !== null && n > upper)) throw new ValueError(`${n} is not ${syntacticHelp(lower, upper, this.kind)}`);
    return n;
  }

  /** absl's Flag.parse: one command-line occurrence (multi flags accumulate). */
  parse(arg: string | boolean): void {
    let v: string | number | boolean | string[];
    try {
      v = this.convertOne(arg);
    } catch (e) {
      throw new IllegalFlagValueError(`flag --${this.name}=${String(arg)}: ${(e as Error).message}`);
    }
    if (this.kind === 'multi_string' || this.kind === 'multi_integer') {
      this.value = (this.present > 0 ? [...(this.value as unknown[]), v] : [v]) as string[] | number[];
    } else {
      this.value = v as FlagValue;
    }
    this.present++;
  }

  /** absl's help text of the flag: `--[no]name: help`, its default, and what a value may be. */
  usage(): string {
    const def = this.defaultValue === null ? null : Array.isArray(this.defaultValue) ? `'${this.defaultValue.join(',')}'` : `'${String(this.defaultValue)}'`;
    const lines = [`  --${this.kind === 'boolean' ? '[no]' : ''}${this.name}: ${this.help}`];
    if (def !== null) lines.push(`    (default: ${this.kind === 'boolean' ? def.replace(/'/g, '') : def})`);
    const { lower = null, upper = null } = this.extra;
    if (this.kind === 'integer' || this.kind === 'multi_integer' || this.kind === 'float') {
      lines.push(`    (${lower === null && upper === null ? (this.kind === 'float' ? 'a number' : 'an integer') : syntacticHelp(lower, upper, this.kind)})`);
    } else if (this.kind === 'list') lines.push('    (a comma separated list)');
    else if (this.kind === 'enum') lines.push(`    (${this.extra.enumValues!.join('|')})`);
    if (this.kind.startsWith('multi_')) lines.push("    (repeat this option to specify a list of values)");
    return lines.join('\n');
  }

  reset(): void {
    this.value = copy(this.defaultValue);
    this.present = 0;
  }
}

const copy = (v: FlagValue): FlagValue => (Array.isArray(v) ? ([...v] as string[] | number[]) : v);

/** absl's bounded parsers' `syntactic_help`. */
function syntacticHelp(lower: number | null, upper: number | null, kind: FlagKind): string {
  const what = kind === 'float' ? 'number' : 'integer';
  if (lower === 0 && upper === null) return `a non-negative ${what}`;
  if (lower === 1 && upper === null && what === 'integer') return 'a positive integer';
  if (upper === 0 && lower === null) return `a non-positive ${what}`;
  if (upper === -1 && lower === null && what === 'integer') return 'a negative integer';
  if (lower !== null && upper !== null) return `${what === 'integer' ? 'an integer' : 'a number'} in the range [${lower}, ${upper}]`;
  return lower !== null ? `>= ${lower}` : `<= ${upper}`;
}

export interface ParseOptions {
  /** absl's known_only: leave flags nobody defined in the returned argv instead of refusing them. */
  knownOnly?: boolean;
}

/** Whether this runtime has a process whose argv can be read. */
function processArgv(): string[] {
  const p = (globalThis as { process?: { argv?: string[] } }).process;
  return Array.isArray(p?.argv) ? p.argv.slice(1) : [];
}

const METHODS = new Set([
  'parse', 'isParsed', 'is_parsed', 'markAsParsed', 'mark_as_parsed', 'unparseFlags', 'unparse_flags', 'flagValuesDict', 'flag_values_dict',
  'getFlag', 'has', 'names', 'define', 'reset', 'help',
]);

/** The flags registry (absl's FlagValues) behind the proxy that `FLAGS` is. */
class Registry {
  readonly flags = new Map<string, Flag>();
  parsed = false;

  define(flag: Flag): Flag {
    if (!/^[A-Za-z_][\w-]*$/.test(flag.name)) throw new ValueError(`Flag name must be a non-empty identifier, got '${flag.name}'`);
    if (METHODS.has(flag.name)) throw new ValueError(`The flag name '${flag.name}' is taken by a method of FlagValues`);
    if (this.flags.has(flag.name)) throw new DuplicateFlagError(flag.name);
    this.flags.set(flag.name, flag);
    return flag;
  }

  /** absl's `FLAGS(argv, known_only)`: parses argv[1:], returns [argv[0], ...what is not a flag]. */
  parse(argv: readonly string[], knownOnly: boolean): string[] {
    if (!Array.isArray(argv)) throw new TypeError(`argv should be a tuple/list of strings, not ${typeof argv}`);
    if (argv.length === 0) throw new ValueError('argv cannot be an empty list, and must contain the program name as the first element.');
    const rest: string[] = [argv[0]!];
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--') {
        // absl keeps the `--` for a known-only parse, whose caller parses the rest
        rest.push(...args.slice(knownOnly ? i : i + 1));
        break;
      }
      if (!arg.startsWith('-') || arg === '-') {
        rest.push(arg);
        continue;
      }
      const body = arg.replace(/^--?/, '');
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      let flag = this.flags.get(name);
      if (flag) {
        if (eq >= 0) flag.parse(body.slice(eq + 1));
        else if (flag.kind === 'boolean') flag.parse(true);
        else if (i + 1 < args.length) flag.parse(args[++i]!);
        else throw new FlagsError(`Missing value for flag ${arg}`);
        continue;
      }
      // --noname for a boolean flag
      flag = name.startsWith('no') && name.length > 2 ? this.flags.get(name.slice(2)) : undefined;
      if (flag && flag.kind === 'boolean') {
        if (eq >= 0) throw new ValueError(`${arg} does not take an argument`);
        flag.parse(false);
        continue;
      }
      if (knownOnly) {
        rest.push(arg);
        continue;
      }
      throw new UnrecognizedFlagError(name, eq >= 0 ? body.slice(eq + 1) : '');
    }
    this.parsed = true;
    return rest;
  }

  ensureParsed(): void {
    if (this.parsed) return;
    const argv = processArgv();
    if (argv.length > 0) this.parse(argv, true);
    else this.parsed = true;
  }
}

/** `FLAGS` and every `new FlagValues()`: call it with argv to parse, read and assign flags as properties. */
export interface FlagValues {
  /** `FLAGS(argv)`: parse `argv` (argv[0] the program); returns the arguments that are not flags. */
  (argv: readonly string[], opts?: ParseOptions): string[];
  /** A flag's value (after parsing; the first read parses the process's argv, tolerating undefined flags). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [name: string]: any;
  isParsed(): boolean;
  markAsParsed(): void;
  /** Back to the defaults and unparsed. */
  unparseFlags(): void;
  /** `{name: value}` of every flag. */
  flagValuesDict(): Record<string, FlagValue>;
  /** The Flag object of `name` (absl's `FLAGS['name']`). */
  getFlag(name: string): Flag;
  has(name: string): boolean;
  names(): string[];
  /** A usage text: each flag with its help and default. */
  help(): string;
}

export const FlagValues = function FlagValues(): FlagValues {
  const reg = new Registry();
  const target = function flagValues(argv: readonly string[], opts: ParseOptions = {}): string[] {
    return reg.parse(argv, opts.knownOnly ?? false);
  };
  const methods: Record<string, unknown> = {
    isParsed: () => reg.parsed,
    markAsParsed: () => void (reg.parsed = true),
    unparseFlags: () => {
      for (const f of reg.flags.values()) f.reset();
      reg.parsed = false;
    },
    flagValuesDict: () => {
      reg.ensureParsed();
      return Object.fromEntries([...reg.flags].map(([k, f]) => [k, copy(f.value)]));
    },
    getFlag: (name: string) => {
      const f = reg.flags.get(name);
      if (!f) throw new UnrecognizedFlagError(name);
      return f;
    },
    has: (name: string) => reg.flags.has(name),
    names: () => [...reg.flags.keys()],
    help: () => [...reg.flags.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => f.usage()).join('\n'),
    define: (f: Flag) => reg.define(f),
  };
  methods.is_parsed = methods.isParsed;
  methods.mark_as_parsed = methods.markAsParsed;
  methods.unparse_flags = methods.unparseFlags;
  methods.flag_values_dict = methods.flagValuesDict;
  return new Proxy(target, {
    get(t, key, recv) {
      if (typeof key !== 'string') return Reflect.get(t, key, recv);
      if (key in methods) return methods[key];
      const f = reg.flags.get(key);
      if (!f) {
        // `then` and friends are probed by await and inspectors: not a flag, undefined
        if (key === 'then' || key === 'toJSON' || key === 'constructor' || key === 'name' || key === 'length') return Reflect.get(t, key, recv);
        throw new AttributeError(key);
      }
      reg.ensureParsed();
      return copy(f.value);
    },
    set(_t, key, value) {
      if (typeof key !== 'string') return false;
      const f = reg.flags.get(key);
      if (!f) throw new UnrecognizedFlagError(key, String(value));
      let v: FlagValue;
      try {
        v = value === null ? null : f.kind === 'multi_string' || f.kind === 'multi_integer'
          ? ((Array.isArray(value) ? value : [value]).map((x) => f.convertOne(x)) as string[] | number[])
          : (f.convertOne(value) as FlagValue);
      } catch (e) {
        throw new IllegalFlagValueError(`flag --${key}=${String(value)}: ${(e as Error).message}`);
      }
      f.value = v;
      f.present++;
      return true;
    },
    has: (_t, key) => typeof key === 'string' && reg.flags.has(key),
    ownKeys: () => [...reg.flags.keys(), 'prototype'],
    getOwnPropertyDescriptor: (t, key) =>
      typeof key === 'string' && reg.flags.has(key) ? { configurable: true, enumerable: true, writable: true, value: copy(reg.flags.get(key)!.value) }
        : Reflect.getOwnPropertyDescriptor(t, key),
  }) as unknown as FlagValues;
} as unknown as { new (): FlagValues; (): FlagValues };

/** Python's AttributeError, which absl raises for `FLAGS.undefined_name`. */
export class AttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttributeError';
  }
}

/** The process-wide flags (absl's `flags.FLAGS`). */
export const FLAGS: FlagValues = new FlagValues();

type Num = number | null | undefined;
const reg = (fv: FlagValues | null | undefined, f: Flag): Flag => ((fv ?? FLAGS).define as (f: Flag) => Flag)(f);
const bounds = (lower: Num, upper: Num) => ({ lower: lower ?? null, upper: upper ?? null });

/** `DEFINE_string(name, default, help, flag_values=FLAGS)`. */
export const DEFINE_string = tf1Function('DEFINE_string', ['name', 'default', 'help', 'flagValues'],
  (name: string, def: string | null, help: string, flagValues?: FlagValues | null): Flag => reg(flagValues, new Flag(name, 'string', def, help ?? '')), 3);
/** `DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None, flag_values=FLAGS)`. */
export const DEFINE_integer = tf1Function('DEFINE_integer', ['name', 'default', 'help', 'lowerBound', 'upperBound', 'flagValues'],
  (name: string, def: number | string | null, help: string, lowerBound?: Num, upperBound?: Num, flagValues?: FlagValues | null): Flag =>
    reg(flagValues, new Flag(name, 'integer', def, help ?? '', bounds(lowerBound, upperBound))), 3);
/** `DEFINE_float(name, default, help, lower_bound=None, upper_bound=None, flag_values=FLAGS)`. */
export const DEFINE_float = tf1Function('DEFINE_float', ['name', 'default', 'help', 'lowerBound', 'upperBound', 'flagValues'],
  (name: string, def: number | string | null, help: string, lowerBound?: Num, upperBound?: Num, flagValues?: FlagValues | null): Flag =>
    reg(flagValues, new Flag(name, 'float', def, help ?? '', bounds(lowerBound, upperBound))), 3);
/** `DEFINE_boolean(name, default, help, flag_values=FLAGS)`. */
export const DEFINE_boolean = tf1Function('DEFINE_boolean', ['name', 'default', 'help', 'flagValues'],
  (name: string, def: boolean | string | null, help: string, flagValues?: FlagValues | null): Flag => reg(flagValues, new Flag(name, 'boolean', def, help ?? '')), 3);
/** `DEFINE_list(name, default, help, flag_values=FLAGS)`: a comma-separated list of strings. */
export const DEFINE_list = tf1Function('DEFINE_list', ['name', 'default', 'help', 'flagValues'],
  (name: string, def: readonly string[] | string | null, help: string, flagValues?: FlagValues | null): Flag => reg(flagValues, new Flag(name, 'list', def, help ?? '')), 3);
/** `DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS, case_sensitive=True)`. */
export const DEFINE_enum = tf1Function('DEFINE_enum', ['name', 'default', 'enumValues', 'help', 'flagValues', 'caseSensitive'],
  (name: string, def: string | null, enumValues: readonly string[], help: string, flagValues?: FlagValues | null, caseSensitive?: boolean | null): Flag => {
    if (!Array.isArray(enumValues) || enumValues.length === 0) throw new ValueError(`enum_values cannot be empty, found "${String(enumValues)}"`);
    return reg(flagValues, new Flag(name, 'enum', def, help ?? '', { enumValues, caseSensitive: caseSensitive ?? true }));
  }, 4);
/** `DEFINE_multi_string(name, default, help, flag_values=FLAGS)`: every `--name` adds one. */
export const DEFINE_multi_string = tf1Function('DEFINE_multi_string', ['name', 'default', 'help', 'flagValues'],
  (name: string, def: readonly string[] | string | null, help: string, flagValues?: FlagValues | null): Flag => reg(flagValues, new Flag(name, 'multi_string', def, help ?? '')), 3);
/** `DEFINE_multi_integer(name, default, help, lower_bound=None, upper_bound=None, flag_values=FLAGS)`. */
export const DEFINE_multi_integer = tf1Function('DEFINE_multi_integer', ['name', 'default', 'help', 'lowerBound', 'upperBound', 'flagValues'],
  (name: string, def: readonly number[] | number | null, help: string, lowerBound?: Num, upperBound?: Num, flagValues?: FlagValues | null): Flag =>
    reg(flagValues, new Flag(name, 'multi_integer', def, help ?? '', bounds(lowerBound, upperBound))), 3);
/** absl's alias of DEFINE_boolean. */
export const DEFINE_bool = DEFINE_boolean;

export const defineString = DEFINE_string;
export const defineInteger = DEFINE_integer;
export const defineFloat = DEFINE_float;
export const defineBoolean = DEFINE_boolean;
export const defineBool = DEFINE_boolean;
export const defineList = DEFINE_list;
export const defineEnum = DEFINE_enum;
export const defineMultiString = DEFINE_multi_string;
export const defineMultiInteger = DEFINE_multi_integer;
