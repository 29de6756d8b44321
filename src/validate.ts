/**
 * Boundary validation: public options and arguments are parsed with zod schemas, and a wrong
 * one throws a TypeError that names it, says what was expected and shows what arrived:
 *
 *     Invalid matmul option transposeA: expected a boolean, got 'yes'
 *     Invalid zeros argument shape[1]: expected a non-negative integer, got -2
 *
 * Schemas given a message of their own (`{ error: 'expected …' }`) are quoted with that text.
 * Parsing is skipped for absent options, and shapes are checked with a plain loop first, so
 * building a graph pays next to nothing for it.
 */
import { z } from 'zod';
import { DTYPES } from './dtype.js';
import { Tensor } from './graph/tensor.js';
import { Dimension, TensorShape } from './graph/tensor-shape.js';
import { NDArray } from './ndarray.js';

/** Marks issues that carry zod's default text, so that messages set by a schema are kept. */
const DEFAULT = '\u0000default';
const PARSE_PARAMS = { error: () => DEFAULT, reportInput: true } as const;

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

// ----- what arrived ------------------------------------------------------------------------------
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function quote(s: string): string {
  const t = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `'${t.replace(/'/g, "\\'")}'`;
}

/** A short description of any value: `'tpu'`, `1.5`, `null`, `[1, -2]`, `a Map`, `Tensor("x:0", …)`. */
export function describeValue(x: unknown, depth = 0): string {
  if (x === undefined) return 'undefined';
  if (x === null) return 'null';
  switch (typeof x) {
    case 'string':
      return quote(x);
    case 'number':
    case 'boolean':
      return String(x);
    case 'bigint':
      return `${x}n`;
    case 'symbol':
      return x.toString();
    case 'function':
      return x.name ? `the function ${x.name}` : 'a function';
  }
  if (Array.isArray(x)) {
    if (depth > 0 || x.length > 8) return `an array of length ${x.length}`;
    return `[${x.map((v) => describeValue(v, depth + 1)).join(', ')}]`;
  }
  if (x instanceof Tensor || isVariable(x)) return String(x);
  if (x instanceof NDArray) return `an NDArray of shape [${x.shape.join(', ')}] (${x.dtype})`;
  if (ArrayBuffer.isView(x)) {
    const name = (x as object).constructor.name;
    return 'length' in x ? `${article(name)} of length ${(x as { length: number }).length}` : article(name);
  }
  const ctor = (x as object).constructor;
  if (ctor === undefined || ctor === Object) return 'an object';
  return article(ctor.name || 'object');
}

// ----- what was expected -------------------------------------------------------------------------
const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  function: 'a function',
  null: 'null',
  undefined: 'undefined',
  bigint: 'a bigint',
};

function literal(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function list(items: string[]): string {
  const u = [...new Set(items)];
  return u.length <= 1 ? (u[0] ?? '') : `${u.slice(0, -1).join(', ')} or ${u[u.length - 1]}`;
}

function bound(origin: string, op: string, n: number | bigint): string {
  const v = Number(n);
  switch (origin) {
    case 'array':
    case 'set':
      return op === '>=' ? `at least ${v} element${v === 1 ? '' : 's'}` : `at most ${v} element${v === 1 ? '' : 's'}`;
    case 'string':
      return op === '>=' ? (v === 1 ? 'a non-empty string' : `a string of at least ${v} characters`) : `a string of at most ${v} characters`;
    default:
      if (v === 0 && op === '>') return 'a positive number';
      if (v === 0 && op === '>=') return 'a non-negative number';
      return `a number ${op} ${v}`;
  }
}

/** The expected part of one issue, without the leading `expected `. */
function expectedOf(issue: Issue): string {
  if (issue.message !== DEFAULT) return issue.message.replace(/^expected /, '');
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? article(issue.expected);
    case 'too_small':
      return bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum);
    case 'too_big':
      return bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum);
    case 'invalid_value':
      return issue.values.length === 1 ? literal(issue.values[0]) : `one of ${issue.values.map(literal).join(', ')}`;
    case 'not_multiple_of':
      return `a multiple of ${Number(issue.divisor)}`;
    case 'invalid_format':
      return `a string in ${issue.format} format`;
    case 'invalid_union':
      return list(issue.errors.map((branch) => (branch[0] ? expectedOf(branch[0]) : 'something else')));
    default:
      return 'a valid value';
  }
}

/** Known keys of the object schema reached by `path` (through optional/nullable/array/union). */
function keysAt(schema: z.core.$ZodType, path: readonly Segment[]): string[] | null {
  let s: z.core.$ZodType | undefined = schema;
  let i = 0;
  for (;;) {
    if (s === undefined) return null;
    const def = s._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; element?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; in?: z.core.$ZodType };
    if (def.innerType) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      s = def.in;
    } else if (def.type === 'array' && typeof path[i] === 'number') {
      s = def.element;
      i++;
    } else if (def.type === 'object' && def.shape) {
      if (i === path.length) return Object.keys(def.shape);
      s = def.shape[path[i] as string];
      i++;
    } else {
      return null;
    }
  }
}

/** An issue inside one union branch that got past the branch's own type check, if any. */
function deeper(issue: Issue): Issue | null {
  if (issue.code !== 'invalid_union') return null;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (first.path.length > 0 || first.code === 'unrecognized_keys' || first.code === 'invalid_union')) {
      return { ...first, path: [...issue.path, ...first.path] } as Issue;
    }
  }
  return null;
}

function pathText(path: readonly Segment[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}

/**
 * How a failure is introduced: options (`Invalid <where> option <path>`), or one named
 * argument (`Invalid <where> argument <name><path>`).
 */
interface Subject {
  where: string;
  arg?: string;
}

function head(subject: Subject, path: readonly Segment[]): string {
  if (subject.arg !== undefined) {
    const rest = pathText(path);
    return `Invalid ${subject.where} argument ${subject.arg}${rest === '' || rest.startsWith('[') ? rest : `.${rest}`}`;
  }
  return path.length === 0 ? `Invalid ${subject.where} options` : `Invalid ${subject.where} option ${pathText(path)}`;
}

function message(schema: z.core.$ZodType, issue: Issue, subject: Subject): string {
  let iss = issue;
  for (let d = deeper(iss); d; d = deeper(iss)) iss = d;
  if (iss.code === 'unrecognized_keys') {
    const key = iss.keys[0]!;
    const known = keysAt(schema, iss.path);
    const expected = known && known.length > 0 ? `one of ${known.join(', ')}` : 'no such option';
    return `${head(subject, [...iss.path, key])}: expected ${expected}, got an unknown option`;
  }
  const got = describeValue((iss as { input?: unknown }).input);
  const text = iss.message !== DEFAULT && !iss.message.startsWith('expected ') ? iss.message : `expected ${expectedOf(iss)}`;
  return `${head(subject, iss.path)}: ${text}, got ${got}`;
}

/** The first issue of a failed parse, parsed again for the details (parse params cost zod its fast path). */
function firstIssue(schema: z.core.$ZodType, value: unknown): Issue {
  const r = z.safeParse(schema, value, PARSE_PARAMS);
  return r.success ? ({ code: 'custom', path: [], message: 'expected a valid value', input: value } as Issue) : r.error.issues[0]!;
}

/**
 * `null` is Python's None: in an options object it means the default wherever the option's schema
 * does not take null itself (where it does, e.g. `activationFn: null`, None means something).
 */
function dropNones(schema: z.core.$ZodType, value: unknown): unknown {
  const shape = (schema as { shape?: Record<string, z.core.$ZodType> }).shape;
  if (shape === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    if (v !== null || shape[k] === undefined || z.safeParse(shape[k], null).success) continue;
    out ??= { ...(value as Record<string, unknown>) };
    delete out[k];
  }
  return out ?? value;
}

function run<S extends z.core.$ZodType>(schema: S, given: unknown, subject: Subject): z.output<S> {
  const value = dropNones(schema, given);
  const r = z.safeParse(schema, value);
  if (!r.success) throw new TypeError(message(schema, firstIssue(schema, value), subject));
  return r.data;
}

// ----- entry points --------------------------------------------------------------------------------
const NO_OPTIONS = Object.freeze({});

/**
 * Parse an options object (absent: `{}`). Throws TypeError
 * `Invalid <where> option <path>: expected <…>, got <…>`.
 */
export function parseOptions<S extends z.core.$ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  if (value === undefined) return NO_OPTIONS as z.output<S>;
  return run(schema, value, { where });
}

/** Parse one positional argument. Throws TypeError `Invalid <where> argument <name><path>: …`. */
export function parseArg<S extends z.core.$ZodType>(schema: S, value: unknown, where: string, name: string): z.output<S> {
  return run(schema, value, { where, arg: name });
}

/**
 * Parse several positional arguments, given as `{ name: value }` and checked by a strict object
 * schema of the same names; the first wrong one is named as an argument.
 */
export function parseArgs<S extends z.core.$ZodType>(schema: S, given: Record<string, unknown>, where: string): z.output<S> {
  const values = dropNones(schema, given);
  const r = z.safeParse(schema, values);
  if (!r.success) {
    const issue = firstIssue(schema, values);
    const [name, ...rest] = issue.path;
    throw new TypeError(message(schema, { ...issue, path: rest } as Issue, { where, arg: String(name ?? 'arguments') }));
  }
  return r.data;
}

// ----- shared schema pieces ------------------------------------------------------------------------
/** Duck-typed `tf.Variable` (the class lives in ops/, which imports this module). */
export function isVariable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { ref?: unknown }).ref instanceof Tensor && typeof (x as { toTensor?: unknown }).toTensor === 'function';
}

/** An integer in `[min, max]`, with one message for every way of missing it. */
export function intIn(min?: number, max?: number): z.ZodInt {
  const msg =
    min === 0 && max === undefined ? 'expected a non-negative integer'
      : min === 1 && max === undefined ? 'expected a positive integer'
        : min !== undefined && max !== undefined ? `expected an integer from ${min} to ${max}`
          : min !== undefined ? `expected an integer >= ${min}`
            : max !== undefined ? `expected an integer <= ${max}` : 'expected an integer';
  let s = z.int({ error: msg });
  if (min !== undefined) s = s.min(min, { error: msg });
  if (max !== undefined) s = s.max(max, { error: msg });
  return s;
}

export const nameSchema = z.string();
export const seedSchema = z.int({ error: 'expected an integer seed' });

const DTYPE_NAMES: readonly string[] = [...DTYPES, 'float', 'double', 'half'];
/** A dtype name: tsflow's own or TF's `float` / `double` (convert with parseDType). */
export const dtypeSchema = z.custom<string>((x) => typeof x === 'string' && DTYPE_NAMES.includes(x), {
  error: `expected a dtype (one of ${DTYPE_NAMES.join(', ')})`,
});

/** A symbolic tensor or a tf.Variable. */
export const tensorSchema = z.custom<Tensor>((x) => x instanceof Tensor || isVariable(x), { error: 'expected a Tensor or a Variable' });
/** A variable (duck-typed; see isVariable). */
export const variableSchema = z.custom<never>((x) => isVariable(x), { error: 'expected a tf.Variable' });

/** A scalar hyper-parameter: a number, or a tensor that holds it. */
export const scalarSchema = z.custom<number | Tensor>(
  (x) => (typeof x === 'number' && !Number.isNaN(x)) || x instanceof Tensor || isVariable(x),
  { error: 'expected a number or a Tensor' },
);

/** Anything an op accepts as a tensor (see `TensorLike`). */
export const tensorLikeSchema = z.custom<unknown>(
  (x) => typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || ArrayBuffer.isView(x) || x instanceof Tensor ||
    (typeof x === 'object' && x !== null && typeof (x as { toTensor?: unknown }).toTensor === 'function'),
  { error: 'expected a number, boolean, nested array, typed array, NDArray, Tensor or Variable' },
);

// ----- shapes --------------------------------------------------------------------------------------
const dimSchema = intIn(0);
const partialDimSchema = z.custom<number | null>((x) => x === null || (Number.isInteger(x) && (x as number) >= 0), {
  error: 'expected a non-negative integer or null',
});
const reshapeDimSchema = z.int({ error: 'expected an integer >= -1 (-1 for one unknown dim)' }).min(-1, {
  error: 'expected an integer >= -1 (-1 for one unknown dim)',
});

const shapeSchemas = {
  static: z.array(dimSchema, { error: 'expected an array of non-negative integers' }),
  partial: z.array(partialDimSchema, { error: 'expected an array of non-negative integers and nulls' }),
  reshape: z.array(reshapeDimSchema, { error: 'expected an array of integers (-1 for one unknown dim)' }),
} as const;
export type ShapeKind = keyof typeof shapeSchemas;

function dimOk(d: unknown, kind: ShapeKind): boolean {
  if (kind === 'partial' && d === null) return true;
  return Number.isInteger(d) && (d as number) >= (kind === 'reshape' ? -1 : 0);
}

/**
 * A shape given as an array, copied: `static` dims are non-negative integers, `partial` ones may
 * be null, `reshape` ones may be -1. The message names the bad element (`shape[1]`).
 */
export function parseShape(value: unknown, where: string, arg: string, kind: 'partial'): (number | null)[];
export function parseShape(value: unknown, where: string, arg: string, kind?: 'static' | 'reshape'): number[];
export function parseShape(value: unknown, where: string, arg: string, kind: ShapeKind = 'static'): (number | null)[] {
  // TF takes a TensorShape (`x.get_shape()[-1:]`) or Dimensions wherever it takes a shape
  if (value instanceof TensorShape && value.dims !== null) value = value.asList();
  // TF's TensorShape(dims) treats a lone dimension as a shape of rank 1 (placeholder(tf.float32, shape=3))
  if (kind === 'partial' && typeof value === 'number' && Number.isInteger(value) && value >= 0) return [value];
  if (Array.isArray(value) && value.some((d) => d instanceof Dimension)) value = value.map((d) => (d instanceof Dimension ? d.value : d));
  if (Array.isArray(value)) {
    let ok = true;
    for (let i = 0; i < value.length && ok; i++) ok = dimOk(value[i], kind);
    if (ok) return [...value];
  }
  return [...parseArg(shapeSchemas[kind], value, where, arg)];
}
