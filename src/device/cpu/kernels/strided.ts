/**
 * Strided loop nests (broadcasting binary/select, strided copy) in a canonical form: size-1
 * axes dropped, adjacent axes that every operand walks as one merged, and — when that leaves
 * few rows — a long last axis cut into [rows, g] so a step can split over rows.
 */

/** Rows needed before a last axis is left whole. */
const MIN_ROWS = 64;
/** Only cut a last axis at least this long, into pieces of at most MAX_PIECE. */
const MIN_CUT = 4096;
const MAX_PIECE = 4096;
const MIN_PIECE = 256;

export function canonicalStrides(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  let sh = keep.map((d) => shape[d]!);
  let st = strides.map((s) => keep.map((d) => s[d]!));
  if (sh.some((n) => n === 0)) return { shape: [...shape], strides: strides.map((s) => [...s]) };
  for (let d = sh.length - 2; d >= 0; d--) {
    if (st.every((s) => s[d] === s[d + 1]! * sh[d + 1]!)) {
      sh = [...sh.slice(0, d), sh[d]! * sh[d + 1]!, ...sh.slice(d + 2)];
      st = st.map((s) => [...s.slice(0, d), s[d + 1]!, ...s.slice(d + 2)]);
    }
  }
  const r = sh.length;
  if (r === 0) return { shape: sh, strides: st };
  const inner = sh[r - 1]!;
  const rows = sh.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows < MIN_ROWS && inner >= MIN_CUT) {
    for (let g = MAX_PIECE; g >= MIN_PIECE; g--) {
      if (inner % g !== 0) continue;
      sh = [...sh.slice(0, -1), inner / g, g];
      st = st.map((s) => [...s.slice(0, -1), s[r - 1]! * g, s[r - 1]!]);
      break;
    }
  }
  return { shape: sh, strides: st };
}

/** Rows of a loop nest: the product of all but the last axis (1 for rank ≤ 1). */
export function rowsOf(shape: readonly number[]): number {
  let rows = 1;
  for (let d = 0; d < shape.length - 1; d++) rows *= shape[d]!;
  return rows;
}

/** Odometer position of row `row`: fills `idx` and returns each operand's element offset. */
export function rowStart(shape: readonly number[], strides: readonly (readonly number[])[], row: number, idx: number[], base: number[]): number[] {
  const r = shape.length;
  const offs = base.slice();
  let rem = row;
  for (let d = r - 2; d >= 0; d--) {
    const n = shape[d]!;
    const q = rem % n;
    rem = (rem - q) / n;
    idx[d] = q;
    for (let k = 0; k < strides.length; k++) offs[k]! += q * strides[k]![d]!;
  }
  return offs;
}
