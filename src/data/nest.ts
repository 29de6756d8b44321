/**
 * Nested element structures of datasets (TF's `nest`): a leaf, an array (tuple) or a plain
 * object (dict, keys in sorted order as TF flattens them) of structures.
 */
export type Structure = null | Structure[] | { [k: string]: Structure };

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** The structure of `value` and its leaves, depth first; `isLeaf` decides what is a leaf. */
export function flatten<T>(value: unknown, isLeaf: (x: unknown) => boolean): { structure: Structure; leaves: T[] } {
  const leaves: T[] = [];
  const walk = (v: unknown): Structure => {
    if (isLeaf(v)) {
      leaves.push(v as T);
      return null;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: { [k: string]: Structure } = {};
      for (const k of Object.keys(v).sort()) out[k] = walk(v[k]);
      return out;
    }
    leaves.push(v as T);
    return null;
  };
  return { structure: walk(value), leaves };
}

/** Rebuild a value of `structure` from its leaves. */
export function pack<T>(structure: Structure, leaves: readonly T[]): unknown {
  let i = 0;
  const build = (s: Structure): unknown => {
    if (s === null) return leaves[i++];
    if (Array.isArray(s)) return s.map(build);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(s)) out[k] = build(s[k]!);
    return out;
  };
  return build(structure);
}

export function leafCount(s: Structure): number {
  if (s === null) return 1;
  if (Array.isArray(s)) return s.reduce((n, x) => n + leafCount(x), 0);
  return Object.values(s).reduce((n, x) => n + leafCount(x), 0);
}

export function sameStructure(a: Structure, b: Structure): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as Structure[]).length && a.every((x, i) => sameStructure(x, (b as Structure[])[i]!));
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure(a[k]!, (b as Record<string, Structure>)[k]!));
}
