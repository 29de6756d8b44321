/**
 * WGSL special functions in f32 (the algorithms of the CPU's special.ts, with f32 iteration
 * counts): erf/erfc, lgamma (Stirling after shifting to ≥ 8), digamma, Hurwitz zeta and
 * polygamma. Uses FLOAT_LIB's nan_/inf_/isnan_/isinf_; added only to shaders that call them.
 */
import { ZETA_DENOMS } from '../../cpu/kernels/special.js';

const f = (v: number): string => {
  const s = v.toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

export const SPECIAL_LIB = /* wgsl */ `
fn erf_series_(z: f32) -> f32 {
  let z2 = z * z;
  var t = z;
  var s = z;
  for (var n = 1; n < 40; n++) {
    t = t * (2.0 * z2) / f32(2 * n + 1);
    s = s + t;
  }
  return 1.12837917 * exp(-z2) * s;
}
fn erfc_cf_(z: f32) -> f32 {
  if (z > 10.0) { return 0.0; }
  let x = z * z;
  var b = x + 0.5;
  var c = 1.0e30;
  var d = 1.0 / b;
  var h = d;
  for (var i = 1; i < 60; i++) {
    let fi = f32(i);
    let an = -fi * (fi - 0.5);
    b = b + 2.0;
    d = an * d + b;
    if (abs(d) < 1.0e-30) { d = 1.0e-30; }
    c = b + an / c;
    if (abs(c) < 1.0e-30) { c = 1.0e-30; }
    d = 1.0 / d;
    h = h * d * c;
  }
  return exp(-x) * z * h * 0.564189584;
}
fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = abs(x);
  var r: f32;
  if (z < 2.0) { r = erf_series_(z); } else { r = 1.0 - erfc_cf_(z); }
  return select(r, -r, x < 0.0);
}
fn erfc_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = abs(x);
  var r: f32;
  if (z < 2.0) { r = 1.0 - erf_series_(z); } else { r = erfc_cf_(z); }
  return select(r, 2.0 - r, x < 0.0);
}
fn abs_sinpi_(x: f32) -> f32 {
  return abs(sin(3.14159265 * (x - round(x))));
}
fn lgamma_pos_(x: f32) -> f32 {
  // x > 0: shift to s >= 8, Stirling's series there.
  var s = x;
  var p = 1.0;
  while (s < 8.0) { p = p * s; s = s + 1.0; }
  let z = 1.0 / (s * s);
  let st = (s - 0.5) * log(s) - s + 0.918938533 + (1.0 / s) * (${f(1 / 12)} + z * (${f(-1 / 360)} + z * (${f(1 / 1260)} + z * ${f(-1 / 1680)})));
  return st - log(p);
}
fn lgamma_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (isinf_(x)) { return inf_(); }
  if (x == 1.0 || x == 2.0) { return 0.0; }
  if (x < 0.5) {
    let sp = abs_sinpi_(x);
    if (sp == 0.0) { return inf_(); }
    return log(3.14159265 / sp) - lgamma_pos_(1.0 - x);
  }
  return lgamma_pos_(x);
}
fn digamma_(x0: f32) -> f32 {
  if (isnan_(x0)) { return x0; }
  var x = x0;
  var nz = 0.0;
  var negative = false;
  if (x <= 0.0) {
    negative = true;
    var p = floor(x);
    if (p == x) { return nan_(); }
    nz = x - p;
    if (nz != 0.5) {
      if (nz > 0.5) { p = p + 1.0; nz = x - p; }
      nz = 3.14159265 / tan(3.14159265 * nz);
    } else {
      nz = 0.0;
    }
    x = 1.0 - x;
  }
  if (isinf_(x)) { return select(inf_(), nan_(), negative); }
  var s = x;
  var w = 0.0;
  while (s < 10.0) { w = w + 1.0 / s; s = s + 1.0; }
  let z = 1.0 / (s * s);
  let poly = z * (${f(1 / 12)} + z * (${f(-1 / 120)} + z * (${f(1 / 252)} + z * (${f(-1 / 240)} + z * ${f(1 / 132)}))));
  let y = log(s) - 0.5 / s - poly - w;
  return select(y, y - nz, negative);
}
fn zpow_(a: f32, x: f32) -> f32 {
  if (a >= 0.0) { return pow(a, -x); }
  let p = pow(-a, -x);
  return select(p, -p, fract(x * 0.5) != 0.0);
}
fn zeta_(x: f32, q: f32) -> f32 {
  if (isnan_(x) || isnan_(q)) { return nan_(); }
  if (x == 1.0) { return inf_(); }
  if (x < 1.0) { return nan_(); }
  if (q <= 0.0) {
    if (q == floor(q)) { return inf_(); }
    if (x != floor(x)) { return nan_(); }
  }
  var s = zpow_(q, x);
  var a = q;
  var b = 0.0;
  var i = 0;
  while (i < 9 || a <= 9.0) {
    i = i + 1;
    a = a + 1.0;
    b = zpow_(a, x);
    s = s + b;
    if (abs(b / s) < 6.0e-8) { return s; }
  }
  let w = a;
  s = s + b * w / (x - 1.0) - 0.5 * b;
  var fac = 1.0;
  var k = 0.0;
  let den = array<f32, 6>(${ZETA_DENOMS.slice(0, 6).map(f).join(', ')});
  for (var j = 0; j < 6; j++) {
    fac = fac * (x + k);
    b = b / w;
    let t = fac * b / den[j];
    s = s + t;
    if (abs(t / s) < 6.0e-8) { return s; }
    k = k + 1.0;
    fac = fac * (x + k);
    b = b / w;
    k = k + 1.0;
  }
  return s;
}
fn polygamma_(n: f32, x: f32) -> f32 {
  if (isnan_(n) || isnan_(x) || n != floor(n) || n < 0.0) { return nan_(); }
  if (n == 0.0) { return digamma_(x); }
  var fac = 1.0;
  for (var i = 2.0; i <= n; i = i + 1.0) { fac = fac * i; }
  return select(fac, -fac, fract(n * 0.5) == 0.0) * zeta_(n + 1.0, x);
}
`;
