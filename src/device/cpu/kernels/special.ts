/**
 * Special functions in float64 for the CPU kernels (float32 results are these rounded once):
 * erf/erfc (a positive-term series and the incomplete-gamma continued fraction), lgamma
 * (Lanczos, reflection below 1/2), digamma (recurrence to 10, asymptotic series, reflection
 * with the integer part removed as Eigen does), Hurwitz zeta (Euler–Maclaurin after nine terms,
 * as cephes) and polygamma through zeta. Edge values follow TF's Eigen kernels: lgamma is +inf
 * at 0 and the negative integers, digamma NaN there, zeta(1, q) = +inf, zeta(x < 1, q) = NaN.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const EPS = 1e-17;

/** erf(z) for |z| < 2: (2/√π)·e^(−z²)·Σ 2ⁿz^(2n+1)/(1·3···(2n+1)), every term positive. */
function erfSeries(z: number): number {
  const z2 = z * z;
  let t = z;
  let s = z;
  for (let n = 1; n < 200; n++) {
    t *= (2 * z2) / (2 * n + 1);
    s += t;
    if (Math.abs(t) < EPS * Math.abs(s)) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-z2) * s);
}

/** erfc(z) for z ≥ 2: Γ(1/2, z²)/√π by the modified Lentz continued fraction. */
function erfcFraction(z: number): number {
  if (z > 27) return 0;
  const x = z * z;
  const tiny = 1e-300;
  let b = x + 0.5;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - 0.5);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return (Math.exp(-x) * z * h) / SQRT_PI;
}

export function erf(x: number): number {
  if (x !== x) return x;
  const z = Math.abs(x);
  const r = z < 2 ? erfSeries(z) : 1 - erfcFraction(z);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 0) return 2 - erfc(-x);
  return x < 2 ? 1 - erfSeries(x) : erfcFraction(x);
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** |sin(πx)| with the argument reduced first (exact zeros at the integers). */
function absSinPi(x: number): number {
  const r = x - Math.round(x);
  return Math.abs(Math.sin(Math.PI * r));
}

export function lgamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    const s = absSinPi(x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / s) - lgamma(1 - x);
  }
  const y = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** B₂ₖ/(2k) for k = 1…7: ψ(s) ≈ ln s − 1/(2s) − Σ B₂ₖ/(2k·s²ᵏ). */
const DIGAMMA_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

export function digamma(x: number): number {
  if (x !== x) return x;
  let nz = 0;
  let negative = false;
  if (x <= 0) {
    negative = true;
    let p = Math.floor(x);
    if (p === x) return NaN;
    // π/tan(πx) with the integer part removed (no zero of tan near the argument).
    nz = x - p;
    if (nz !== 0.5) {
      if (nz > 0.5) {
        p += 1;
        nz = x - p;
      }
      nz = Math.PI / Math.tan(Math.PI * nz);
    } else {
      nz = 0;
    }
    x = 1 - x;
  }
  if (x === Infinity) return negative ? NaN : Infinity;
  let s = x;
  let w = 0;
  while (s < 10) {
    w += 1 / s;
    s += 1;
  }
  const z = 1 / (s * s);
  let poly = 0;
  for (let k = DIGAMMA_ASYMPTOTIC.length - 1; k >= 0; k--) poly = poly * z + DIGAMMA_ASYMPTOTIC[k]!;
  const y = Math.log(s) - 0.5 / s - poly * z - w;
  return negative ? y - nz : y;
}

/** (2j)!/B₂ⱼ for j = 1…12, the Euler–Maclaurin correction denominators. */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730];
export const ZETA_DENOMS: readonly number[] = BERNOULLI.map((b, j) => {
  let f = 1;
  for (let i = 2; i <= 2 * (j + 1); i++) f *= i;
  return f / b;
});

/** q^(−x), also for q < 0 (x is then an integer). */
function powNeg(q: number, x: number): number {
  if (q >= 0) return Math.pow(q, -x);
  const p = Math.pow(-q, -x);
  return x % 2 === 0 ? p : -p;
}

/** Hurwitz zeta Σₖ (k + q)^(−x). */
export function zeta(x: number, q: number): number {
  if (x !== x || q !== q) return NaN;
  if (x === 1) return Infinity;
  if (x < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (x !== Math.floor(x)) return NaN;
  }
  let s = powNeg(q, x);
  let a = q;
  let b = 0;
  let i = 0;
  while (i < 9 || a <= 9) {
    i += 1;
    a += 1;
    b = powNeg(a, x);
    s += b;
    if (Math.abs(b / s) < EPS) return s;
  }
  const w = a;
  s += (b * w) / (x - 1);
  s -= 0.5 * b;
  let fac = 1;
  let k = 0;
  for (let j = 0; j < 12; j++) {
    fac *= x + k;
    b /= w;
    const t = (fac * b) / ZETA_DENOMS[j]!;
    s += t;
    if (Math.abs(t / s) < EPS) return s;
    k += 1;
    fac *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

/** ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x) for integer n ≥ 1, digamma for n = 0, NaN otherwise. */
export function polygamma(n: number, x: number): number {
  if (n !== n || x !== x) return NaN;
  if (n !== Math.floor(n) || n < 0) return NaN;
  if (n === 0) return digamma(x);
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return (n % 2 === 0 ? -1 : 1) * f * zeta(n + 1, x);
}

/** The helpers the generated kernel loops call (`S.erf(x)`, …). */
export const SPECIAL = { erf, erfc, lgamma, digamma, zeta, polygamma };
