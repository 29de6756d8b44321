/** TF's `nest` for the structures control flow passes around: tensors in arrays and plain objects. */
import { Tensor } from '../../graph/tensor.js';

export type Nested<T> = T | readonly Nested<T>[] | { readonly [k: string]: Nested<T> };

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && Object.getPrototypeOf(x) === Object.prototype;

/** Leaves in order (object keys sorted, as TF sorts dict keys). */
export function flatten<T>(s: Nested<T>): T[] {
  if (Array.isArray(s)) return (s as Nested<T>[]).flatMap((x) => flatten(x));
  if (isPlainObject(s)) return Object.keys(s).sort().flatMap((k) => flatten((s as Record<string, Nested<T>>)[k]!));
  return [s as T];
}

/** `flat` in the structure of `s`. */
export function packAs<T, U>(s: Nested<T>, flat: readonly U[]): Nested<U> {
  let i = 0;
  const go = (x: Nested<T>): Nested<U> => {
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
