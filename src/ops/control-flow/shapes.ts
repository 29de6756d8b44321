/** Static shapes across control-flow joins. */
import type { PartialShape } from '../../shape.js';

/** TF's Merge shape: dims equal in every input are kept, the others unknown; unknown rank on a rank mismatch. */
export function mergeShapes(a: PartialShape, b: PartialShape): PartialShape {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => (d !== null && d === b[i] ? d : null));
}

/** Whether a value of static shape `s` fits the loop invariant `inv` (TF's `_ShapeLessThanOrEqual`). */
export function fitsInvariant(s: PartialShape, inv: PartialShape): boolean {
  if (inv === null) return true;
  if (s === null || s.length !== inv.length) return false;
  return inv.every((d, i) => d === null || d === s[i]);
}
