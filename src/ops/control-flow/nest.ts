/** TF's `nest` for the structures control flow passes around: tensors in arrays and plain objects. */
import { Tensor } from '../../graph/tensor.js';

export type Nested<T> = T | readonly Nested<T>[] | { readonly [k: string]: Nested<T> };

/** A class whose instances are tuples of fields (TF's namedtuples, e.g. `LSTMStateTuple`). */
interface TupleType {
  fields: (x: object) => unknown[];
  make: (fields: unknown[]) => unknown;
}
const tupleTypes = new Map<Function, TupleType>();

/** Let `ctor`'s instances nest as the tuple `fields(x)`, rebuilt by `make` (TF's namedtuple in nest). */
export function registerTupleType<T extends object>(ctor: abstract new (...a: never[]) => T, fields: (x: T) => unknown[], make: (fields: unknown[]) => T): void {
  tupleTypes.set(ctor, { fields: fields as (x: object) => unknown[], make });
}

/** The registered namedtuple type of `x`, if any. */
export const tupleTypeOf = (x: unknown): TupleType | undefined =>
  typeof x === 'object' && x !== null ? tupleTypes.get((x as object).constructor) : undefined;

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && Object.getPrototypeOf(x) === Object.prototype;

/** Leaves in order (object keys sorted, as TF sorts dict keys). */
export function flatten<T>(s: Nested<T>): T[] {
  const tt = tupleTypeOf(s);
  if (tt) return tt.fields(s as object).flatMap((x) => flatten(x as Nested<T>));
  if (Array.isArray(s)) return (s as Nested<T>[]).flatMap((x) => flatten(x));
  if (isPlainObject(s)) return Object.keys(s).sort().flatMap((k) => flatten((s as Record<string, Nested<T>>)[k]!));
  return [s as T];
}

/** `flat` in the structure of `s`. */
export function packAs<T, U>(s: Nested<T>, flat: readonly U[]): Nested<U> {
  let i = 0;
  const go = (x: Nested<T>): Nested<U> => {
    const tt = tupleTypeOf(x);
    if (tt) return tt.make(tt.fields(x as object).map((f) => go(f as Nested<T>))) as Nested<U>;
    if (Array.isArray(x)) return (x as Nested<T>[]).map(go);
    if (isPlainObject(x)) {
      const o: Record<string, Nested<U>> = {};
      for (const k of Object.keys(x).sort()) o[k] = go((x as Record<string, Nested<T>>)[k]!);
      // keep the caller's key order
      const out: Record<string, Nested<U>> = {};
      for (const k of Object.keys(x)) out[k] = o[k]!;
      return out;
    }
    return flat[i++]!;
  };
  const r = go(s);
  return r;
}

/** Whether two structures have the same nesting (leaves aside). */
export function sameStructure(a: unknown, b: unknown): boolean {
  const ta = tupleTypeOf(a);
  const tb = tupleTypeOf(b);
  if (ta || tb) {
    if (ta !== tb) return false;
    const fa = ta!.fields(a as object);
    const fb = tb!.fields(b as object);
    return fa.length === fb.length && fa.every((x, i) => sameStructure(x, fb[i]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameStructure(x, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure(a[k], b[k]));
  }
  return true;
}
