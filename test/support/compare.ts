/** Tolerant comparison of numbers for the tests. */

/**
 * Whether `actual` matches `expected`: NaN matches only NaN, an infinity only itself, and a
 * finite `expected` any `actual` with |actual − expected| ≤ atol + rtol·|expected|.
 */
export function isClose(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}
