/**
 * `tf.contrib.framework.nest` (TF 1.15's tensorflow/python/util/nest.py): nested structures of
 * arrays (Python's lists and tuples), plain objects (dicts, flattened in sorted key order) and the
 * registered tuple classes (LSTMStateTuple …); anything else is a leaf (tensors, numbers,
 * strings, null). `flatten`, `packSequenceAs`, `mapStructure`, `assertSameStructure`,
 * `isSequence`, with TF's error texts.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { type Nested, flatten as flat, packAs, tupleTypeOf } from '../ops/control-flow/nest.js';

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && Object.getPrototypeOf(x) === Object.prototype;

/** `nest.is_sequence(seq)`: an array, a plain object or a registered tuple class's instance (a string is not). */
export function isSequence(seq: unknown): boolean {
  return Array.isArray(seq) || isPlainObject(seq) || tupleTypeOf(seq) !== undefined;
}

/** `nest.flatten(structure)`: the leaves in order (object keys sorted); a leaf gives `[leaf]`. */
export function flatten(structure: unknown): unknown[] {
  return isSequence(structure) ? flat(structure as Nested<unknown>) : [structure];
}

/** Python's str() of a value, for the error texts. */
function pyStr(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (x === true) return 'True';
  if (x === false) return 'False';
  if (typeof x === 'string') return `'${x}'`;
  if (Array.isArray(x)) return `[${x.map(pyStr).join(', ')}]`;
  const tt = tupleTypeOf(x);
  if (tt) return `${(x as object).constructor.name}(${tt.fields(x as object).map(pyStr).join(', ')})`;
  if (isPlainObject(x)) return `{${Object.keys(x).sort().map((k) => `'${k}': ${pyStr(x[k])}`).join(', ')}}`;
  return String(x);
}

const typeName = (x: unknown): string => {
  if (Array.isArray(x)) return 'list';
  if (isPlainObject(x)) return 'dict';
  if (tupleTypeOf(x)) return (x as object).constructor.name;
  if (x === null || x === undefined) return 'NoneType';
  if (x instanceof Tensor) return 'Tensor';
  return typeof x === 'number' ? (Number.isInteger(x) ? 'int' : 'float') : typeof x === 'string' ? 'str' : typeof x === 'boolean' ? 'bool' : typeof x;
};

/** The reason two structures differ, TF's "More specifically" text, or null when they match. */
function mismatch(a: unknown, b: unknown, checkTypes: boolean): { msg: string; type: boolean } | null {
  const sa = isSequence(a);
  const sb = isSequence(b);
  if (sa !== sb) {
    const [s, n] = sa ? [a, b] : [b, a];
    return { msg: `Substructure "type=${typeName(s)} str=${pyStr(s)}" is a sequence, while substructure "type=${typeName(n)} str=${pyStr(n)}" is not`, type: false };
  }
  if (!sa) return null;
  const ta = tupleTypeOf(a);
  const tb = tupleTypeOf(b);
  const kindA = ta ? 't' : Array.isArray(a) ? 'l' : 'd';
  const kindB = tb ? 't' : Array.isArray(b) ? 'l' : 'd';
  if ((checkTypes && (kindA !== kindB || ta !== tb)) || (kindA === 'd') !== (kindB === 'd')) {
    return { msg: `The two namedtuples don't have the same sequence type. First structure type=${typeName(a)} str=${pyStr(a)} has type ${typeName(a)}, while second structure type=${typeName(b)} str=${pyStr(b)} has type ${typeName(b)}`, type: true };
  }
  if (kindA === 'd') {
    const ka = Object.keys(a as object).sort();
    const kb = Object.keys(b as object).sort();
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) {
      return { msg: `The two dictionaries don't have the same set of keys. First structure has keys type=list str=${pyStr(ka)}, while second structure has keys type=list str=${pyStr(kb)}`, type: false };
    }
    for (const k of ka) {
      const m = mismatch((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], checkTypes);
      if (m) return m;
    }
    return null;
  }
  const ea = ta ? ta.fields(a as object) : (a as unknown[]);
  const eb = tb ? tb.fields(b as object) : (b as unknown[]);
  if (ea.length !== eb.length) {
    return { msg: `The two structures don't have the same sequence length. Input structure has length ${ea.length}, while shallow structure has length ${eb.length}.`, type: false };
  }
  for (let i = 0; i < ea.length; i++) {
    const m = mismatch(ea[i], eb[i], checkTypes);
    if (m) return m;
  }
  return null;
}

/** Every leaf shown as '.', as TF's message shows the entire structures. */
const dots = (x: unknown): string => pyStr(isSequence(x) ? packAs(x as Nested<unknown>, flatten(x).map(() => DOT)) : DOT);
const DOT = { toString: () => '.' };

/**
 * `nest.assert_same_structure(nest1, nest2, checkTypes = true)`: ValueError when the nestings
 * differ, TypeError when `checkTypes` and the sequence types differ (an array vs a tuple class).
 */
export function assertSameStructure(nest1: unknown, nest2: unknown, checkTypes: boolean | { checkTypes?: boolean; expandComposites?: boolean } = true): void {
  const ct = typeof checkTypes === 'object' && checkTypes !== null ? (checkTypes.checkTypes ?? true) : checkTypes;
  const m = mismatch(nest1, nest2, ct);
  if (!m) return;
  const text = `The two structures don't have the same nested structure.\n\nFirst structure: ${pyStr(nest1)}\n\nSecond structure: ${pyStr(nest2)}\n\nMore specifically: ${m.msg}\nEntire first structure:\n${dots(nest1)}\nEntire second structure:\n${dots(nest2)}`;
  throw m.type ? new TypeError(text) : new ValueError(text);
}

/**
 * `nest.pack_sequence_as(structure, flatSequence)`: `flatSequence` in the nesting of
 * `structure` (a leaf structure takes the single element).
 */
export function packSequenceAs(structure: unknown, flatSequence: unknown): unknown {
  if (!isSequence(flatSequence)) throw new TypeError('flat_sequence must be a sequence');
  // its elements as they are (an element may itself be a list)
  const seq = Array.isArray(flatSequence) ? [...flatSequence] : flatten(flatSequence);
  if (!isSequence(structure)) {
    if (seq.length !== 1) throw new ValueError(`Structure is a scalar but len(flat_sequence) == ${seq.length} > 1`);
    return seq[0];
  }
  const fs = flatten(structure);
  if (fs.length !== seq.length) {
    throw new ValueError(`Could not pack sequence. Structure had ${fs.length} elements, but flat_sequence had ${seq.length} elements.  Structure: ${pyStr(structure)}, flat_sequence: ${pyStr(flatSequence)}.`);
  }
  return packAs(structure as Nested<unknown>, seq);
}

const OPTION_KEYS = ['checkTypes', 'expandComposites'];
const isOptions = (x: unknown): x is { checkTypes?: boolean; expandComposites?: boolean } =>
  isPlainObject(x) && Object.keys(x).length > 0 && Object.keys(x).every((k) => OPTION_KEYS.includes(k));

/**
 * `nest.map_structure(func, ...structures, {checkTypes = true}?)`: `func` applied to the
 * corresponding leaves of the structures (which must match), the results in their nesting. A
 * trailing object whose only keys are `checkTypes` / `expandComposites` is the options.
 */
export function mapStructure(func: (...leaves: any[]) => unknown, ...structures: unknown[]): unknown {
  if (typeof func !== 'function') throw new TypeError(`func must be callable, got: ${String(func)}`);
  let checkTypes = true;
  const last = structures[structures.length - 1];
  if (structures.length > 1 && isOptions(last)) {
    checkTypes = last.checkTypes ?? true;
    structures = structures.slice(0, -1);
  }
  if (structures.length === 0) throw new ValueError('Must provide at least one structure');
  for (const other of structures.slice(1)) assertSameStructure(structures[0], other, checkTypes);
  const flats = structures.map(flatten);
  const results = flats[0]!.map((_, i) => func(...flats.map((f) => f[i])));
  return packSequenceAs(structures[0], results);
}
