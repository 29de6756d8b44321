/**
 * The incomplete gamma and beta functions in float64 for the host kernels of Igamma, Igammac,
 * IgammaGradA, Betainc and RandomGammaGrad (float32 results are these rounded once). Edge values
 * follow TF's Eigen/Cephes kernels: igamma(a, 0) = 0, igamma NaN for x < 0 or a ≤ 0,
 * igammac(a, ∞) = 0; betainc NaN for a ≤ 0, b ≤ 0 or x outside [0, 1], 0 at x = 0, 1 at x = 1.
 */
import { digamma, lgamma } from '../device/cpu/kernels/special.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100000;

/** e^(−x)·x^a/Γ(a), the common factor of the series and the continued fraction (log space). */
function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - lgamma(a);
}

/** P(a, x) by its power series Σ x^n/(a(a+1)…(a+n)); converges fast for x < a + 1. */
function igammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by Legendre's continued fraction (modified Lentz); for x ≥ a + 1. */
function igammacFraction(a: number, x: number): number {
  if (x === Infinity) return 0;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** The regularized lower incomplete gamma P(a, x) (TF's Igamma). */
export function igamma(a: number, x: number): number {
  if (x === 0) return 0;
  if (x < 0 || a <= 0) return NaN;
  if (a !== a || x !== x) return NaN;
  if (x > 1 && x > a) return 1 - igammacFraction(a, x);
  return igammaSeries(a, x);
}

/** The regularized upper incomplete gamma Q(a, x) = 1 − P(a, x) (TF's Igammac). */
export function igammac(a: number, x: number): number {
  if (x < 0 || a <= 0) return NaN;
  if (a !== a || x !== x) return NaN;
  if (x < 1 || x < a) return 1 - igammaSeries(a, x);
  return igammacFraction(a, x);
}

/**
 * ∂P(a, x)/∂a (TF's IgammaGradA): P = Σₙ e^(−x)x^(a+n)/Γ(a+n+1), each term differentiated as
 * term·(ln x − ψ(a+n+1)), the terms kept in log space (e^(−x) underflows long before the sum
 * does). In the continued fraction's region (x > a + 1), where P ≈ 1 and the series' result
 * would be lost to cancellation, −∂Q/∂a by a Richardson-extrapolated central difference of the
 * fraction (relative error near 1e-10).
 */
export function igammaGradA(a: number, x: number): number {
  if (x === 0) return 0;
  if (x < 0 || a <= 0 || a !== a || x !== x) return NaN;
  if (x === Infinity) return 0;
  if (x > 1 && x > a + 1) {
    const h = 1e-3 * a;
    const d = (s: number) => (igammacFraction(a + s, x) - igammacFraction(a - s, x)) / (2 * s);
    return -(4 * d(h / 2) - d(h)) / 3;
  }
  const lx = Math.log(x);
  let lt = a * lx - x - lgamma(a + 1);
  let psi = digamma(a + 1);
  let sum = 0;
  let peak = 0;
  for (let n = 0; n < MAX_ITER; n++) {
    const t = Math.exp(lt);
    const term = t * (lx - psi);
    sum += term;
    if (t > peak) peak = t;
    // past the peak of the Poisson-like terms, stop once they no longer matter
    if (n > x - a && t < EPS * peak * 1e-3) break;
    const z = a + n + 1;
    lt += lx - Math.log(z);
    psi += 1 / z;
  }
  return sum;
}

/**
 * ∂x/∂α of a Gamma(α, 1) sample x (TF's RandomGammaGrad, the implicit reparameterization):
 * −(∂P/∂α)/(∂P/∂x) with ∂P/∂x = x^(α−1)e^(−x)/Γ(α).
 */
export function gammaSampleGradAlpha(alpha: number, x: number): number {
  if (x === 0) return 0;
  const dPdx = Math.exp((alpha - 1) * Math.log(x) - x - lgamma(alpha));
  const r = -igammaGradA(alpha, x) / dPdx;
  return Number.isFinite(r) ? r : alpha !== alpha || x !== x ? NaN : 0;
}

/** The continued fraction of I_x(a, b) (modified Lentz), for x < (a+1)/(a+b+2). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b) (TF's Betainc). */
export function betainc(a: number, b: number, x: number): number {
  if (a !== a || b !== b || x !== x) return NaN;
  if (a <= 0 || b <= 0) return NaN;
  if (x <= 0 || x >= 1) {
    if (x === 0) return 0;
    if (x === 1) return 1;
    return NaN;
  }
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaFraction(b, a, 1 - x)) / b;
}
