/**
 * TF1's calling convention, one mechanism for every public function: parameters positionally in
 * TF1's order, then an optional trailing plain object holding any of them by camelCase name
 * (`tf.constant(1, tf.int32)` and `tf.constant(1, {dtype: tf.int32, name: 'one'})`), with
 * Python's texts for too many, repeated, unknown or missing arguments.
 */
import { ValueError } from './errors.js';

/** A plain `{...}` object (not a tensor, array, typed array, NDArray, Map or function). */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Merge `args` (positional, in the order of `names`, then an optional options object) into one
 * record keyed by `names`. An option not in `names` (or in `keywordOnly`, names taken only by
 * keyword) is a TypeError naming `where` and the key — except with `keywordOnly = 'any'`, where
 * the caller's own schema checks the remaining options. The first `required` names must be
 * given one way or the other (`null` counts as given, as Python's None does). Absent values are
 * left out; `null` stays in, for the callee to read as TF1 reads None where it means something
 * else than the default (`activationFn: null` is linear, `lossCollection: null` adds nowhere).
 */
export function kwargs(
  args: readonly unknown[], names: readonly string[], where: string, required = 0, keywordOnly: readonly string[] | 'any' = [],
): Record<string, unknown> {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let opts: Record<string, unknown> = {};
  if (n > 0 && isOptionsObject(args[n - 1])) {
    opts = args[n - 1] as Record<string, unknown>;
    n--;
    while (n > 0 && args[n - 1] === undefined) n--;
  }
  if (n > names.length) {
    throw new TypeError(`${where}() takes at most ${names.length} positional argument${names.length === 1 ? '' : 's'} but ${n} were given`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (args[i] !== undefined) out[names[i]!] = args[i];
  for (const [k, v] of Object.entries(opts)) {
    if (keywordOnly !== 'any' && !names.includes(k) && !keywordOnly.includes(k)) {
      throw new TypeError(`${where}() got an unexpected keyword argument '${k}'`);
    }
    if (v === undefined) continue;
    if (k in out && out[k] !== null) throw new TypeError(`${where}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  // private symbol-keyed fields (a Keras layer's recorded arguments) pass through
  for (const sym of Object.getOwnPropertySymbols(opts)) (out as Record<symbol, unknown>)[sym] = (opts as Record<symbol, unknown>)[sym];
  const missing = names.slice(0, required).filter((m) => !(m in out));
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`);
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    throw new TypeError(`${where}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${joined}`);
  }
  return out;
}

// ----- typing of a function that follows the convention -----------------------------------
/** Every prefix of a (required) tuple, each element also undefined: [], [A?], [A?, B?], … */
type Prefixes<T extends readonly unknown[]> = T extends readonly [...infer H, infer L] ? [...Prefixes1<H>, L | undefined] | Prefixes<H> : [];
type Prefixes1<T extends readonly unknown[]> = T extends readonly [...infer H, infer L] ? [...Prefixes1<H>, L | undefined] : [];
type WithKeywords<T, K> = T extends readonly unknown[] ? [...T, K] : never;
/** The options object: each name of `N` with the type of the parameter at its position in `P`. */
export type KeywordsOf<N extends readonly string[], P extends readonly unknown[]> = {
  [I in keyof N as I extends `${number}` ? N[I] & string : never]?: I extends keyof Required<P> ? Required<P>[I] | null : never;
};
/** The arguments of a function (or constructor) that follows the convention. */
export type TF1Args<N extends readonly string[], P extends unknown[]> = P | WithKeywords<Prefixes<Required<P>>, KeywordsOf<N, P>>;
/** `fn(...positional)` or `fn(...somePositional, {keywords})`. */
export type TF1Function<N extends readonly string[], P extends unknown[], R> = {
  (...args: P): R;
  (...args: WithKeywords<Prefixes<Required<P>>, KeywordsOf<N, P>>): R;
};

/**
 * Wrap a positional implementation `impl(p0, p1, …)` so that it also takes TF1's keyword
 * options: `names[i]` is the camelCase name of parameter i; the implementation receives the
 * merged values in that order (undefined where absent, so its defaults apply).
 */
export function tf1Function<const N extends readonly string[], P extends unknown[], R>(
  where: string,
  names: N,
  impl: (...args: P) => R,
  required = 0,
): TF1Function<N, P, R> {
  const f = (...args: unknown[]): R => {
    const o = kwargs(args, names, where, required);
    return impl(...(names.map((k) => o[k]) as P));
  };
  Object.defineProperty(f, 'name', { value: impl.name || where.replace(/^.*\./, '') });
  return f as TF1Function<N, P, R>;
}

/** TF's deprecated_argument_lookup: the new name or its deprecated alias, not both. */
export function deprecatedAlias<T>(newName: string, newValue: T | null | undefined, oldName: string, oldValue: T | null | undefined): T | undefined {
  if (newValue !== undefined && newValue !== null) {
    if (oldValue !== undefined && oldValue !== null) throw new ValueError(`Cannot specify both '${newName}' and '${oldName}'`);
    return newValue;
  }
  return oldValue ?? undefined;
}
