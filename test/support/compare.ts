/** Tolerant comparison of numbers for the tests. */
import { expect } from 'vitest';
import type { NDArray } from 'tsflow';

/**
 * Whether `actual` matches `expected`: NaN matches only NaN, an infinity only itself, and a
 * finite `expected` any `actual` with |actual − expected| ≤ atol + rtol·|expected|.
 */
export function isClose(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/**
 * Expects `got` to hold `want` element by element within `tol` relative to 1 + |want| (and to have
 * `shape` when one is given); `what` names the value in failure messages.
 */
export function expectNear(got: NDArray, want: number[], tol: number, what: string, shape?: number[]): void {
  if (shape) expect(got.shape, `${what} shape`).toEqual(shape);
  expect(got.data.length, `${what} size`).toBe(want.length);
  want.forEach((v, i) => expect(Math.abs(Number(got.data[i]) - v), `${what}[${i}]: ${got.data[i]} vs ${v}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
}
