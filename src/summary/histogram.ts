/** TF's `histogram::Histogram` (tensorflow/core/lib/histogram): default buckets and its proto encoding. */
import type { HistogramProto } from '../proto/summary.js';

const DBL_MAX = Number.MAX_VALUE;

let defaultLimits: number[] | null = null;

/** TF1's default bucket limits: ±1e-12 growing by 10 % to 1e20, 0, and ±DBL_MAX at the ends. */
export function defaultBucketLimits(): readonly number[] {
  if (defaultLimits) return defaultLimits;
  const pos: number[] = [];
  for (let v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push(v);
  pos.push(DBL_MAX);
  defaultLimits = [...pos.map((v) => -v).reverse(), 0, ...pos];
  return defaultLimits;
}

/** Index of the first limit greater than `v` (std::upper_bound). */
function upperBound(limits: readonly number[], v: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The HistogramProto of `values` as TF's HistogramSummary writes it: empty buckets merged into
 * the next non-empty one's limit and dropped, and one (DBL_MAX, 0) bucket when all are empty.
 */
export function histogramProto(values: ArrayLike<number>): HistogramProto {
  const limits = defaultBucketLimits();
  const counts = new Float64Array(limits.length);
  let min = limits[limits.length - 1]!;
  let max = -DBL_MAX;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    counts[upperBound(limits, v)]! += 1;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i]!;
    const count = counts[i]!;
    let j = i + 1;
    while (j < counts.length && counts[j] === 0) {
      end = limits[j]!;
      j++;
    }
    if (count !== 0) {
      bucketLimit.push(end);
      bucket.push(count);
    }
    i = j;
  }
  if (bucket.length === 0) {
    bucketLimit.push(DBL_MAX);
    bucket.push(0);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}
