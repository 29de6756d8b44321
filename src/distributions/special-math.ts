/**
 * TF 1.15's python/ops/distributions/special_math.py: the standard normal cdf `ndtr` through
 * erf / erfc (each where it is accurate), and `log_ndtr` in three segments — -ndtr(-x) above
 * the upper bound (log(1 - e) ≈ -e), log(ndtr(x)) in the middle, and the asymptotic series of
 * the lower tail below the lower bound (-20 / 8 for float64, -10 / 5 for float32).
 */
import type { Tensor } from '../graph/tensor.js';
import { abs, add, divide, erf, erfc, greater, less, log, maximum, minimum, multiply, negative, square, subtract, where, zerosLike } from '../ops/index.js';
import { toTensor } from '../ops/convert.js';

const c = (v: number, like: Tensor) => toTensor(v, like.dtype);

/** Φ(x), the standard normal cdf. */
export function ndtr(x: Tensor): Tensor {
  const halfSqrt2 = c(0.5 * Math.SQRT2, x);
  const w = multiply(x, halfSqrt2);
  const z = abs(w);
  const y = where(less(z, halfSqrt2), add(c(1, x), erf(w)), where(greater(w, c(0, x)), subtract(c(2, x), erfc(z)), erfc(z)));
  return multiply(c(0.5, x), y);
}

/** (2n-1)!! for the series. */
function doubleFactorial(n: number): number {
  let p = 1;
  for (let k = n; k > 1; k -= 2) p *= k;
  return p;
}

function asymptoticSeries(x: Tensor, order: number): Tensor {
  if (order <= 0) return c(1, x);
  const x2 = square(x);
  let even = zerosLike(x);
  let odd = zerosLike(x);
  let x2n = x2;
  for (let n = 1; n <= order; n++) {
    const y = divide(c(doubleFactorial(2 * n - 1), x), x2n);
    if (n % 2) odd = add(odd, y);
    else even = add(even, y);
    x2n = multiply(x2n, x2);
  }
  return subtract(add(c(1, x), even), odd);
}

function logNdtrLower(x: Tensor, order: number): Tensor {
  const logScale = subtract(subtract(multiply(c(-0.5, x), square(x)), log(negative(x))), c(0.5 * Math.log(2 * Math.PI), x));
  return add(logScale, log(asymptoticSeries(x, order)));
}

/** log Φ(x), accurate far into both tails. */
export function logNdtr(x: Tensor, seriesOrder = 3): Tensor {
  if (!Number.isInteger(seriesOrder) || seriesOrder < 0) throw new TypeError('series_order must be a non-negative Python integer.');
  if (seriesOrder > 30) throw new RangeError('series_order must be <= 30.');
  const [lo, hi] = x.dtype === 'float64' ? [-20, 8] : [-10, 5];
  const lower = c(lo, x);
  const upper = c(hi, x);
  return where(
    greater(x, upper),
    negative(ndtr(negative(x))),
    where(greater(x, lower), log(ndtr(maximum(x, lower))), logNdtrLower(minimum(x, lower), seriesOrder)),
  );
}
