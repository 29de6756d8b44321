/**
 * L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995; version 3.0, Morales & Nocedal 2011) as
 * `scipy.optimize.minimize(method='L-BFGS-B', jac=True)` runs it in SciPy 1.17: the generalized
 * Cauchy point along the projected gradient path, direct primal subspace minimization over the
 * free variables with the compact limited-memory matrix, and the Moré–Thuente line search
 * (dcsrch/dcstep) with ftol 1e-3, gtol 0.9, xtol 0.1. The steps, tests and counters follow
 * SciPy's C translation of lbfgsb.f (__lbfgsb.c) and its Python driver (_lbfgsb_py.py), so the
 * iterates, `nit` and `nfev` are SciPy's: matrices are column-major with SciPy's leading
 * dimensions, and the small dense factorizations are LAPACK's unblocked dpotf2/dtrsm orders.
 */
import { ValueError } from '../errors.js';

/** The objective and its gradient at `x` (a copy the callee may keep). */
export type FunAndGrad = (x: Float64Array) => Promise<[number, ArrayLike<number>]> | [number, ArrayLike<number>];
/** Called after each iteration with a copy of the iterate; may be async. */
export type StepCallback = (x: Float64Array) => unknown;

export interface LbfgsbOptions {
  /** `[low, high]` per variable (±Infinity or null: unbounded), or null for none. */
  bounds?: readonly (readonly [number | null, number | null])[] | null;
  maxcor?: number;
  ftol?: number;
  gtol?: number;
  maxfun?: number;
  maxiter?: number;
  maxls?: number;
  callback?: StepCallback | null;
  /**
   * The dtype SciPy keeps x in between evaluations (`ScalarFunction` stores x0's floating dtype:
   * float32 for TF's float32 variables without bounds; bounds make it float64), which decides
   * when an x counts as the one already evaluated.
   */
  xDtype?: 'float32' | 'float64';
}

/** `scipy.optimize.OptimizeResult`'s fields for L-BFGS-B (`nit` absent when nothing iterated). */
export interface MinimizeResult {
  x: Float64Array;
  fun: number;
  jac: Float64Array | null;
  nit?: number;
  nfev: number;
  njev: number;
  status: number;
  success: boolean;
  message: string;
}

const EPSMCH = 2.220446049250313e-16;

// task values of SciPy's setulb (its Status enum) and the messages it reports
const CONVERGENCE = 4, STOP = 5, ABNORMAL = 8;
const STATUS_NAMES: Record<number, string> = { [CONVERGENCE]: 'CONVERGENCE', [STOP]: 'STOP', [ABNORMAL]: 'ABNORMAL' };
const CONV_GRAD = 'NORM OF PROJECTED GRADIENT <= PGTOL';
const CONV_F = 'RELATIVE REDUCTION OF F <= FACTR*EPSMCH';
const STOP_FEV = 'TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT';
const STOP_ITER = 'TOTAL NO. OF ITERATIONS REACHED LIMIT';

// ----- C's fmax/fmin (a NaN argument yields the other) and the BLAS level-1 pieces -------------
const fmax = (a: number, b: number): number => (a !== a ? b : b !== b ? a : a > b ? a : b);
const fmin = (a: number, b: number): number => (a !== a ? b : b !== b ? a : a < b ? a : b);

function ddot(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[xo + i]! * y[yo + i]!;
  return s;
}

/**
 * ‖x‖₂ with the sum of squares carried in double-double: OpenBLAS's x86-64 dnrm2 (which SciPy
 * links) accumulates in 80-bit extended precision, so a plain double sum can differ in the last bit.
 */
function dnrm2(n: number, x: Float64Array): number {
  let hi = 0, lo = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const p = v * v;
    const pe = productError(v, p);
    const s = hi + p;
    const bb = s - hi;
    const se = (hi - (s - bb)) + (p - bb);
    hi = s;
    lo += se + pe;
  }
  return Math.sqrt(hi + lo);
}
/** The rounding error of p = v·v (Dekker's split). */
function productError(v: number, p: number): number {
  const c = 134217729 * v;
  const vh = c - (c - v);
  const vl = v - vh;
  return ((vh * vh - p) + 2 * vh * vl) + vl * vl;
}

// ----- LAPACK: Cholesky (dpotrf 'U') and triangular solves (dtrtrs 'U') ------------------------
/** Upper Cholesky of the n×n matrix at `a[o]` (leading dimension lda): 0, or the LAPACK info. */
function dpotrf(n: number, a: Float64Array, o: number, lda: number): number {
  for (let j = 0; j < n; j++) {
    const cj = o + lda * j;
    let ajj = a[cj + j]! - ddot(j, a, cj, a, cj);
    if (ajj <= 0 || ajj !== ajj) {
      a[cj + j] = ajj;
      return j + 1;
    }
    ajj = Math.sqrt(ajj);
    a[cj + j] = ajj;
    const rinv = 1 / ajj;
    for (let c = j + 1; c < n; c++) {
      const cc = o + lda * c;
      a[cc + j] = (a[cc + j]! - ddot(j, a, cj, a, cc)) * rinv;
    }
  }
  return 0;
}

/**
 * Solve U·X = B (trans false) or Uᵀ·X = B (trans true) in place for the nrhs columns of B at
 * `b[bo]` (leading dimension ldb), U upper n×n at `a[ao]`: 0, or i+1 where U's diagonal is 0.
 */
function dtrtrs(trans: boolean, n: number, nrhs: number, a: Float64Array, ao: number, lda: number, b: Float64Array, bo: number, ldb: number): number {
  for (let i = 0; i < n; i++) if (a[ao + i + lda * i] === 0) return i + 1;
  for (let j = 0; j < nrhs; j++) {
    const bj = bo + ldb * j;
    if (trans) {
      for (let i = 0; i < n; i++) {
        let temp = b[bj + i]!;
        const ai = ao + lda * i;
        for (let k = 0; k < i; k++) temp -= a[ai + k]! * b[bj + k]!;
        b[bj + i] = temp / a[ai + i]!;
      }
    } else {
      for (let k = n - 1; k >= 0; k--) {
        if (b[bj + k] === 0) continue;
        const ak = ao + lda * k;
        b[bj + k] = b[bj + k]! / a[ak + k]!;
        const bk = b[bj + k]!;
        for (let i = 0; i < k; i++) b[bj + i] = b[bj + i]! - bk * a[ak + i]!;
      }
    }
  }
  return 0;
}

// ----- the L-BFGS-B subroutines ---------------------------------------------------------------
/** The problem and the limited-memory matrices (SciPy's wa partition). */
interface State {
  n: number;
  m: number;
  l: Float64Array;
  u: Float64Array;
  nbd: Int32Array;
  ws: Float64Array; // n×m: the s vectors (column `pointr`)
  wy: Float64Array; // n×m: the y vectors
  sy: Float64Array; // m×m: SᵀY
  ss: Float64Array; // m×m: SᵀS
  wt: Float64Array; // m×m: Cholesky of θSᵀS + L D⁻¹ Lᵀ
  wn: Float64Array; // 2m×2m: the factored middle matrix K
  snd: Float64Array; // 2m×2m: its unfactored pieces
  theta: number;
  col: number;
  head: number;
}

/** Project x onto the bounds; iwhere: -1 unbounded, 3 fixed (l = u), 0 otherwise. */
function active(s: State, x: Float64Array, iwhere: Int32Array): { cnstnd: boolean; boxed: boolean } {
  const { n, l, u, nbd } = s;
  let cnstnd = false, boxed = true;
  for (let i = 0; i < n; i++) {
    if (nbd[i]! > 0) {
      if (nbd[i]! <= 2 && x[i]! <= l[i]!) {
        if (x[i]! < l[i]!) x[i] = l[i]!;
      } else if (nbd[i]! >= 2 && x[i]! >= u[i]!) {
        if (x[i]! > u[i]!) x[i] = u[i]!;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (nbd[i] !== 2) boxed = false;
    if (nbd[i] === 0) iwhere[i] = -1;
    else {
      cnstnd = true;
      iwhere[i] = nbd[i] === 2 && u[i]! - l[i]! <= 0 ? 3 : 0;
    }
  }
  return { cnstnd, boxed };
}

/** p = M·v for the 2col middle matrix M (from sy and the factor wt): 0, or dtrtrs' info. */
function bmv(s: State, v: Float64Array, vo: number, p: Float64Array, po: number): number {
  const { m, sy, wt, col } = s;
  if (col === 0) return 0;
  p[po + col] = v[vo + col]!;
  for (let i = 1; i < col; i++) {
    let sum = 0;
    for (let k = 0; k <= i - 1; k++) sum += (sy[i + m * k]! * v[vo + k]!) / sy[k + m * k]!;
    p[po + col + i] = v[vo + col + i]! + sum;
  }
  let info = dtrtrs(true, col, 1, wt, 0, m, p, po + col, col);
  if (info !== 0) return info;
  for (let i = 0; i < col; i++) p[po + i] = v[vo + i]! / Math.sqrt(sy[i + m * i]!);
  info = dtrtrs(false, col, 1, wt, 0, m, p, po + col, col);
  if (info !== 0) return info;
  for (let i = 0; i < col; i++) p[po + i] = -p[po + i]! / Math.sqrt(sy[i + m * i]!);
  for (let i = 0; i < col; i++) {
    let sum = 0;
    for (let k = i + 1; k < col; k++) sum += (sy[k + m * i]! * p[po + col + k]!) / sy[i + m * i]!;
    p[po + i] = p[po + i]! + sum;
  }
  return 0;
}

/** Heap of the breakpoints t[0..n] (built when iheap is 0): moves the least to t[n]. */
function hpsolb(n: number, t: Float64Array, iorder: Int32Array, iheap: number): void {
  if (iheap === 0) {
    for (let k = 2; k <= n + 1; k++) {
      const ddum = t[k - 1]!;
      const indxin = iorder[k - 1]!;
      let i = k;
      while (i > 1) {
        const j = i >> 1;
        if (!(ddum < t[j - 1]!)) break;
        t[i - 1] = t[j - 1]!;
        iorder[i - 1] = iorder[j - 1]!;
        i = j;
      }
      t[i - 1] = ddum;
      iorder[i - 1] = indxin;
    }
  }
  if (n > 0) {
    let i = 1;
    const out = t[0]!;
    const indxout = iorder[0]!;
    const ddum = t[n]!;
    const indxin = iorder[n]!;
    for (;;) {
      let j = i + i;
      if (j > n) break;
      if (t[j]! < t[j - 1]!) j++;
      if (!(t[j - 1]! < ddum)) break;
      t[i - 1] = t[j - 1]!;
      iorder[i - 1] = iorder[j - 1]!;
      i = j;
    }
    t[i - 1] = ddum;
    iorder[i - 1] = indxin;
    t[n] = out;
    iorder[n] = indxout;
  }
}

interface Work {
  z: Float64Array;
  r: Float64Array;
  d: Float64Array;
  t: Float64Array;
  xp: Float64Array;
  wa: Float64Array; // 8m: p, c, wbp, v of the Cauchy search
  index: Int32Array;
  iwhere: Int32Array;
  indx2: Int32Array;
}

/** The generalized Cauchy point into w.z (and c = Wᵀ(xcp − x) into wa[2m..]): 0, or bmv's info. */
function cauchy(s: State, w: Work, x: Float64Array, g: Float64Array, sbgnrm: number): number {
  const { n, m, l, u, nbd, ws, wy, theta, col, head } = s;
  const { t, d, iwhere } = w;
  const iorder = w.indx2;
  const xcp = w.z;
  const wa = w.wa;
  const p = 0, c = 2 * m, wbp = 4 * m, v = 6 * m;
  if (sbgnrm <= 0) {
    xcp.set(x);
    return 0;
  }
  let bnded = true;
  let nfree = n;
  let nbreak = -1;
  let ibkmin = 0;
  let bkmin = 0;
  let f1 = 0, tl = 0, tu = 0;
  const col2 = 2 * col;
  for (let i = 0; i < col2; i++) wa[p + i] = 0;
  for (let i = 0; i < n; i++) {
    const neggi = -g[i]!;
    if (iwhere[i] !== 3 && iwhere[i] !== -1) {
      if (nbd[i]! <= 2) tl = x[i]! - l[i]!;
      if (nbd[i]! >= 2) tu = u[i]! - x[i]!;
      const xlower = nbd[i]! <= 2 && tl <= 0;
      const xupper = nbd[i]! >= 2 && tu <= 0;
      iwhere[i] = 0;
      if (xlower) {
        if (neggi <= 0) iwhere[i] = 1;
      } else if (xupper) {
        if (neggi >= 0) iwhere[i] = 2;
      } else if (Math.abs(neggi) <= 0) iwhere[i] = -3;
    }
    let pointr = head;
    if (iwhere[i] !== 0 && iwhere[i] !== -1) d[i] = 0;
    else {
      d[i] = neggi;
      f1 -= neggi * neggi;
      for (let j = 0; j < col; j++) {
        wa[p + j] = wa[p + j]! + wy[i + n * pointr]! * neggi;
        wa[p + col + j] = wa[p + col + j]! + ws[i + n * pointr]! * neggi;
        pointr = (pointr + 1) % m;
      }
      if (nbd[i]! <= 2 && nbd[i] !== 0 && neggi < 0) {
        nbreak++;
        iorder[nbreak] = i;
        t[nbreak] = tl / -neggi;
        if (nbreak === 0 || t[nbreak]! < bkmin) {
          bkmin = t[nbreak]!;
          ibkmin = nbreak;
        }
      } else if (nbd[i]! >= 2 && neggi > 0) {
        nbreak++;
        iorder[nbreak] = i;
        t[nbreak] = tu / neggi;
        if (nbreak === 0 || t[nbreak]! < bkmin) {
          bkmin = t[nbreak]!;
          ibkmin = nbreak;
        }
      } else {
        nfree--;
        iorder[nfree] = i;
        if (Math.abs(neggi) > 0) bnded = false;
      }
    }
  }
  if (theta !== 1) for (let j = 0; j < col; j++) wa[p + col + j] = theta * wa[p + col + j]!;
  xcp.set(x);
  if (nbreak === -1 && nfree === n) return 0;
  for (let j = 0; j < col2; j++) wa[c + j] = 0;
  let f2 = -theta * f1;
  const f2Org = f2;
  if (col > 0) {
    const info = bmv(s, wa, p, wa, v);
    if (info !== 0) return info;
    f2 -= ddot(col2, wa, v, wa, p);
  }
  let dtm = -f1 / f2;
  let tsum = 0;
  if (nbreak !== -1) {
    let nleft = nbreak;
    let iter = 0;
    let tj = 0;
    for (;;) {
      const tj0 = tj;
      let ibp: number;
      if (iter === 0) {
        tj = bkmin;
        ibp = iorder[ibkmin]!;
      } else {
        if (iter === 1 && ibkmin !== nbreak) {
          t[ibkmin] = t[nbreak]!;
          iorder[ibkmin] = iorder[nbreak]!;
        }
        hpsolb(nleft, t, iorder, iter - 1);
        tj = t[nleft]!;
        ibp = iorder[nleft]!;
      }
      const dt = tj - tj0;
      if (dtm < dt) break;
      tsum += dt;
      nleft--;
      iter++;
      let dibp = d[ibp]!;
      d[ibp] = 0;
      let zibp: number;
      if (dibp > 0) {
        zibp = u[ibp]! - x[ibp]!;
        xcp[ibp] = u[ibp]!;
        iwhere[ibp] = 2;
      } else {
        zibp = l[ibp]! - x[ibp]!;
        xcp[ibp] = l[ibp]!;
        iwhere[ibp] = 1;
      }
      // (lbfgsb.f stops here once every variable has met its bound; its C translation's test,
      // `nbreak == n` on a 0-based count, never holds, and the step below then moves nothing)
      const dibp2 = dibp * dibp;
      f1 = f1 + dt * f2 + dibp2 - theta * dibp * zibp;
      f2 -= theta * dibp2;
      if (col > 0) {
        for (let j = 0; j < col2; j++) wa[c + j] = wa[c + j]! + dt * wa[p + j]!;
        let pointr = head;
        for (let j = 0; j < col; j++) {
          wa[wbp + j] = wy[ibp + n * pointr]!;
          wa[wbp + col + j] = theta * ws[ibp + n * pointr]!;
          pointr = (pointr + 1) % m;
        }
        const info = bmv(s, wa, wbp, wa, v);
        if (info !== 0) return info;
        const wmc = ddot(col2, wa, c, wa, v);
        const wmp = ddot(col2, wa, p, wa, v);
        const wmw = ddot(col2, wa, wbp, wa, v);
        dibp = -dibp;
        for (let j = 0; j < col2; j++) wa[p + j] = wa[p + j]! + dibp * wa[wbp + j]!;
        dibp = -dibp;
        f1 += dibp * wmc;
        f2 = f2 + dibp * 2 * wmp - dibp2 * wmw;
      }
      f2 = fmax(EPSMCH * f2Org, f2);
      if (nleft >= 0) dtm = -f1 / f2;
      else {
        dtm = bnded ? 0 : -f1 / f2;
        break;
      }
    }
  }
  if (dtm <= 0) dtm = 0;
  tsum += dtm;
  for (let i = 0; i < n; i++) xcp[i] = xcp[i]! + tsum * d[i]!;
  if (col > 0) for (let j = 0; j < col2; j++) wa[c + j] = wa[c + j]! + dtm * wa[p + j]!;
  return 0;
}

/** The free/active sets at the Cauchy point: index[0..nfree) free; indx2 the entering/leaving ones. */
function freev(s: State, w: Work, nfreeIn: number, updatd: boolean, cnstnd: boolean, iter: number) {
  const { n } = s;
  const { index: idx, indx2: idx2, iwhere } = w;
  let nenter = 0;
  let ileave = n;
  if (iter > 0 && cnstnd) {
    for (let i = 0; i < nfreeIn; i++) {
      const k = idx[i]!;
      if (iwhere[k]! > 0) idx2[--ileave] = k;
    }
    for (let i = nfreeIn; i < n; i++) {
      const k = idx[i]!;
      if (iwhere[k]! <= 0) idx2[nenter++] = k;
    }
  }
  const wrk = ileave < n || nenter > 0 || updatd;
  let nfree = 0;
  let iact = n;
  for (let i = 0; i < n; i++) {
    if (iwhere[i]! <= 0) idx[nfree++] = i;
    else idx[--iact] = i;
  }
  return { nfree, nenter, ileave, wrk };
}

/** Form and factor the middle matrix K of the subspace problem into wn (snd kept between calls): 0, or info. */
function formk(s: State, w: Work, nsub: number, nenter: number, ileave: number, iupdat: number, updatd: boolean): number {
  const { n, m, ws, wy, sy, theta, col, head } = s;
  const wn = s.wn, wn1 = s.snd;
  const ind = w.index, indx2 = w.indx2;
  const m2 = 2 * m;
  let upcl: number;
  if (updatd) {
    if (iupdat > m) {
      // shift the old part of wn1 up and left
      for (let jy = 0; jy < m - 1; jy++) {
        const js = m + jy;
        const cnt = m - (jy + 1);
        for (let q = 0; q < cnt; q++) {
          wn1[jy + m2 * jy + q] = wn1[jy + 1 + m2 * (jy + 1) + q]!;
          wn1[js + m2 * js + q] = wn1[js + 1 + m2 * (js + 1) + q]!;
        }
        for (let q = 0; q < m - 1; q++) wn1[m + m2 * jy + q] = wn1[m + 1 + m2 * (jy + 1) + q]!;
      }
    }
    // the new row and column of the blocks (Y'ZZ'Y, S'AA'S, S'AA'Y / S'ZZ'Y)
    const iy = col - 1;
    const is = m + col - 1;
    let ipntr = head + col - 1;
    if (ipntr >= m) ipntr -= m;
    let jpntr = head;
    for (let jy = 0; jy < col; jy++) {
      const js = m + jy;
      let temp1 = 0, temp2 = 0, temp3 = 0;
      for (let k = 0; k < nsub; k++) {
        const k1 = ind[k]!;
        temp1 += wy[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
      }
      for (let k = nsub; k < n; k++) {
        const k1 = ind[k]!;
        temp2 += ws[k1 + n * ipntr]! * ws[k1 + n * jpntr]!;
        temp3 += ws[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
      }
      wn1[iy + m2 * jy] = temp1;
      wn1[is + m2 * js] = temp2;
      wn1[is + m2 * jy] = temp3;
      jpntr = (jpntr + 1) % m;
    }
    const jy = col - 1;
    jpntr = head + col - 1;
    if (jpntr >= m) jpntr -= m;
    ipntr = head;
    for (let i = 0; i < col; i++) {
      const is2 = m + i;
      let temp3 = 0;
      for (let k = 0; k < nsub; k++) {
        const k1 = ind[k]!;
        temp3 += ws[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
      }
      ipntr = (ipntr + 1) % m;
      wn1[is2 + m2 * jy] = temp3;
    }
    upcl = col - 1;
  } else upcl = col;
  // the old entries, corrected for the variables that entered or left the free set
  let ipntr = head;
  for (let iy = 0; iy < upcl; iy++) {
    const is = m + iy;
    let jpntr = head;
    for (let jy = 0; jy <= iy; jy++) {
      const js = m + jy;
      let temp1 = 0, temp2 = 0, temp3 = 0, temp4 = 0;
      for (let k = 0; k < nenter; k++) {
        const k1 = indx2[k]!;
        temp1 += wy[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
        temp2 += ws[k1 + n * ipntr]! * ws[k1 + n * jpntr]!;
      }
      for (let k = ileave; k < n; k++) {
        const k1 = indx2[k]!;
        temp3 += wy[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
        temp4 += ws[k1 + n * ipntr]! * ws[k1 + n * jpntr]!;
      }
      wn1[iy + m2 * jy] = wn1[iy + m2 * jy]! + temp1 - temp3;
      wn1[is + m2 * js] = wn1[is + m2 * js]! - temp2 + temp4;
      jpntr = (jpntr + 1) % m;
    }
    ipntr = (ipntr + 1) % m;
  }
  ipntr = head;
  for (let is = m; is < m + upcl; is++) {
    let jpntr = head;
    for (let jy = 0; jy < upcl; jy++) {
      let temp1 = 0, temp3 = 0;
      for (let k = 0; k < nenter; k++) {
        const k1 = indx2[k]!;
        temp1 += ws[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
      }
      for (let k = ileave; k < n; k++) {
        const k1 = indx2[k]!;
        temp3 += ws[k1 + n * ipntr]! * wy[k1 + n * jpntr]!;
      }
      if (is <= jy + m) wn1[is + m2 * jy] = wn1[is + m2 * jy]! + temp1 - temp3;
      else wn1[is + m2 * jy] = wn1[is + m2 * jy]! - temp1 + temp3;
      jpntr = (jpntr + 1) % m;
    }
    ipntr = (ipntr + 1) % m;
  }
  // the upper triangle of K = [-D - Y'ZZ'Y/θ, L_a' - R_z'; L_a - R_z, θS'AA'S]
  for (let iy = 0; iy < col; iy++) {
    const is = col + iy;
    const is1 = m + iy;
    for (let jy = 0; jy <= iy; jy++) {
      const js = col + jy;
      const js1 = m + jy;
      wn[jy + m2 * iy] = wn1[iy + m2 * jy]! / theta;
      wn[js + m2 * is] = wn1[is1 + m2 * js1]! * theta;
    }
    for (let jy = 0; jy < iy; jy++) wn[jy + m2 * is] = -wn1[is1 + m2 * jy]!;
    for (let jy = iy; jy < col; jy++) wn[jy + m2 * is] = wn1[is1 + m2 * jy]!;
    wn[iy + m2 * iy] = wn[iy + m2 * iy]! + sy[iy + m * iy]!;
  }
  // LEL^T factorization of K
  if (dpotrf(col, wn, 0, m2) !== 0) return -1;
  const col2 = 2 * col;
  dtrtrs(true, col, col, wn, 0, m2, wn, m2 * col, m2);
  for (let is = col; is < col2; is++) {
    for (let js = is; js < col2; js++) wn[is + m2 * js] = wn[is + m2 * js]! + ddot(col, wn, m2 * is, wn, m2 * js);
  }
  if (dpotrf(col, wn, col + m2 * col, m2) !== 0) return -2;
  return 0;
}

/** Factor θSᵀS + L D⁻¹ Lᵀ into wt: 0, or -3 when it is not positive definite. */
function formt(s: State): number {
  const { m, wt, sy, ss, col, theta } = s;
  for (let j = 0; j < col; j++) wt[m * j] = theta * ss[m * j]!;
  for (let i = 1; i < col; i++) {
    for (let j = i; j < col; j++) {
      const k1 = Math.min(i, j);
      let ddum = 0;
      for (let k = 0; k < k1; k++) ddum += (sy[i + m * k]! * sy[j + m * k]!) / sy[k + m * k]!;
      wt[i + m * j] = ddum + theta * ss[i + m * j]!;
    }
  }
  return dpotrf(col, wt, 0, m) !== 0 ? -3 : 0;
}

/** r = -Z'B(xcp - xk) - Z'g over the free variables (using c from cauchy): 0, or -8. */
function cmprlb(s: State, w: Work, x: Float64Array, g: Float64Array, nfree: number, cnstnd: boolean): number {
  const { n, m, ws, wy, theta, col, head } = s;
  const { z, r, wa, index } = w;
  if (!cnstnd && col > 0) {
    for (let i = 0; i < n; i++) r[i] = -g[i]!;
    return 0;
  }
  for (let i = 0; i < nfree; i++) {
    const k = index[i]!;
    r[i] = -theta * (z[k]! - x[k]!) - g[k]!;
  }
  if (bmv(s, wa, 2 * m, wa, 0) !== 0) return -8;
  let pointr = head;
  for (let j = 0; j < col; j++) {
    const a1 = wa[j]!;
    const a2 = theta * wa[col + j]!;
    for (let i = 0; i < nfree; i++) {
      const k = index[i]!;
      r[i] = r[i]! + wy[k + n * pointr]! * a1 + ws[k + n * pointr]! * a2;
    }
    pointr = (pointr + 1) % m;
  }
  return 0;
}

/** Subspace minimization from the Cauchy point xcp (w.z, overwritten), with the projection and backtrack of v3.0. */
function subsm(s: State, w: Work, nsub: number, xx: Float64Array, gg: Float64Array): number {
  const { n, m, l, u, nbd, ws, wy, theta, col, head, wn } = s;
  const ind = w.index;
  const x = w.z, d = w.r, xp = w.xp, wv = w.wa;
  if (nsub <= 0) return 0;
  let pointr = head;
  for (let i = 0; i < col; i++) {
    let temp1 = 0, temp2 = 0;
    for (let j = 0; j < nsub; j++) {
      const k = ind[j]!;
      temp1 += wy[k + n * pointr]! * d[j]!;
      temp2 += ws[k + n * pointr]! * d[j]!;
    }
    wv[i] = temp1;
    wv[col + i] = theta * temp2;
    pointr = (pointr + 1) % m;
  }
  const m2 = 2 * m;
  const col2 = 2 * col;
  let info = dtrtrs(true, col2, 1, wn, 0, m2, wv, 0, m2);
  if (info !== 0) return info;
  for (let i = 0; i < col; i++) wv[i] = -wv[i]!;
  info = dtrtrs(false, col2, 1, wn, 0, m2, wv, 0, m2);
  if (info !== 0) return info;
  pointr = head;
  for (let jy = 0; jy < col; jy++) {
    const js = col + jy;
    for (let i = 0; i < nsub; i++) {
      const k = ind[i]!;
      d[i] = d[i]! + (wy[k + n * pointr]! * wv[jy]!) / theta + ws[k + n * pointr]! * wv[js]!;
    }
    pointr = (pointr + 1) % m;
  }
  const rtheta = 1 / theta;
  for (let i = 0; i < nsub; i++) d[i] = rtheta * d[i]!;
  // the projected Newton step, kept when it is a descent direction from xx
  let iword = 0;
  xp.set(x);
  for (let i = 0; i < nsub; i++) {
    const k = ind[i]!;
    const dk = d[i]!;
    const xk = x[k]!;
    if (nbd[k] !== 0) {
      if (nbd[k] === 1) {
        x[k] = fmax(l[k]!, xk + dk);
        if (x[k] === l[k]) iword = 1;
      } else if (nbd[k] === 2) {
        x[k] = fmin(u[k]!, fmax(l[k]!, xk + dk));
        if (x[k] === l[k] || x[k] === u[k]) iword = 1;
      } else if (nbd[k] === 3) {
        x[k] = fmin(u[k]!, xk + dk);
        if (x[k] === u[k]) iword = 1;
      }
    } else x[k] = xk + dk;
  }
  if (iword === 0) return 0;
  let ddP = 0;
  for (let i = 0; i < n; i++) ddP += (x[i]! - xx[i]!) * gg[i]!;
  if (!(ddP > 0)) return 0;
  x.set(xp);
  // otherwise backtrack from xcp along d to the first bound
  let alpha = 1, temp1 = 1, ibd = 0;
  for (let i = 0; i < nsub; i++) {
    const k = ind[i]!;
    const dk = d[i]!;
    if (nbd[k] !== 0) {
      if (dk < 0 && nbd[k]! <= 2) {
        const temp2 = l[k]! - x[k]!;
        if (temp2 >= 0) temp1 = 0;
        else if (dk * alpha < temp2) temp1 = temp2 / dk;
      } else if (dk > 0 && nbd[k]! >= 2) {
        const temp2 = u[k]! - x[k]!;
        if (temp2 <= 0) temp1 = 0;
        else if (dk * alpha > temp2) temp1 = temp2 / dk;
      }
      if (temp1 < alpha) {
        alpha = temp1;
        ibd = i;
      }
    }
  }
  if (alpha < 1) {
    const dk = d[ibd]!;
    const k = ind[ibd]!;
    if (dk > 0) {
      x[k] = u[k]!;
      d[ibd] = 0;
    } else if (dk < 0) {
      x[k] = l[k]!;
      d[ibd] = 0;
    }
  }
  for (let i = 0; i < nsub; i++) {
    const k = ind[i]!;
    x[k] = x[k]! + alpha * d[i]!;
  }
  return 0;
}

/** Add the newest correction pair (d, r) to S, Y and update SᵀY, SᵀS. */
function matupd(s: State, d: Float64Array, r: Float64Array, itail: number, iupdat: number, rr: number, dr: number, stp: number, dtd: number): number {
  const { n, m, ws, wy, sy, ss } = s;
  if (iupdat <= m) {
    s.col = iupdat;
    itail = (s.head + iupdat - 1) % m;
  } else {
    itail = (itail + 1) % m;
    s.head = (s.head + 1) % m;
  }
  ws.set(d, itail * n);
  wy.set(r, itail * n);
  s.theta = rr / dr;
  const col = s.col;
  if (iupdat > m) {
    // move the old information
    for (let j = 1; j < col; j++) {
      for (let q = 0; q < j; q++) ss[m * (j - 1) + q] = ss[1 + m * j + q]!;
      for (let q = 0; q < col - j; q++) sy[j - 1 + m * (j - 1) + q] = sy[j + m * j + q]!;
    }
  }
  let pointr = s.head;
  for (let j = 0; j < col - 1; j++) {
    sy[col - 1 + m * j] = ddot(n, d, 0, wy, pointr * n);
    ss[j + m * (col - 1)] = ddot(n, ws, pointr * n, d, 0);
    pointr = (pointr + 1) % m;
  }
  ss[col - 1 + m * (col - 1)] = stp === 1 ? dtd : stp * stp * dtd;
  sy[col - 1 + m * (col - 1)] = dr;
  return itail;
}

/** The infinity norm of the projected gradient (NaN when g holds a NaN). */
function projgr(s: State, x: Float64Array, g: Float64Array): number {
  const { n, l, u, nbd } = s;
  let sbgnrm = 0;
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    if (gi !== gi) return gi;
    if (nbd[i] !== 0) {
      if (gi < 0) {
        if (nbd[i]! >= 2) gi = fmax(x[i]! - u[i]!, gi);
      } else if (nbd[i]! <= 2) gi = fmin(x[i]! - l[i]!, gi);
    }
    sbgnrm = fmax(sbgnrm, Math.abs(gi));
  }
  return sbgnrm;
}

// ----- Moré–Thuente line search (MINPACK-2 dcsrch / dcstep) -----------------------------------
/** dcsrch's saved state between calls; `task` 'FG' asks for f, g at the new stp. */
interface Search {
  task: 'START' | 'FG' | 'CONVERGENCE' | 'WARNING' | 'ERROR';
  brackt: boolean;
  stage: number;
  ginit: number;
  gtest: number;
  gx: number;
  gy: number;
  finit: number;
  fx: number;
  fy: number;
  stx: number;
  sty: number;
  stmin: number;
  stmax: number;
  width: number;
  width1: number;
}

function newSearch(): Search {
  return { task: 'START', brackt: false, stage: 1, ginit: 0, gtest: 0, gx: 0, gy: 0, finit: 0, fx: 0, fy: 0, stx: 0, sty: 0, stmin: 0, stmax: 0, width: 0, width1: 0 };
}

/** One dcsrch call: the next trial step from f, g (= φ(stp), φ'(stp)), or a verdict in s.task. */
function dcsrch(s: Search, f: number, g: number, stp: number, ftol: number, gtol: number, xtol: number, stpmin: number, stpmax: number): number {
  const xtrapl = 1.1, xtrapu = 4.0;
  if (s.task === 'START') {
    if (stp < stpmin || stp > stpmax || g >= 0 || ftol < 0 || gtol < 0 || xtol < 0 || stpmin < 0 || stpmax < stpmin) {
      s.task = 'ERROR';
      return stp;
    }
    s.brackt = false;
    s.stage = 1;
    s.finit = f;
    s.ginit = g;
    s.gtest = ftol * g;
    s.width = stpmax - stpmin;
    s.width1 = s.width / 0.5;
    s.stx = 0;
    s.fx = f;
    s.gx = g;
    s.sty = 0;
    s.fy = f;
    s.gy = g;
    s.stmin = 0;
    s.stmax = stp + xtrapu * stp;
    s.task = 'FG';
    return stp;
  }
  const ftest = s.finit + stp * s.gtest;
  if (s.stage === 1 && f <= ftest && g >= 0) s.stage = 2;
  let verdict: Search['task'] | null = null;
  if (s.brackt && (stp <= s.stmin || stp >= s.stmax)) verdict = 'WARNING'; // rounding errors prevent progress
  if (s.brackt && s.stmax - s.stmin <= xtol * s.stmax) verdict = 'WARNING'; // xtol test satisfied
  if (stp === stpmax && f <= ftest && g <= s.gtest) verdict = 'WARNING'; // stp = stpmax
  if (stp === stpmin && (f > ftest || g >= s.gtest)) verdict = 'WARNING'; // stp = stpmin
  if (f <= ftest && Math.abs(g) <= gtol * -s.ginit) verdict = 'CONVERGENCE';
  if (verdict !== null) {
    s.task = verdict;
    return stp;
  }
  const st = { stx: s.stx, fx: s.fx, dx: s.gx, sty: s.sty, fy: s.fy, dy: s.gy, stp, brackt: s.brackt };
  if (s.stage === 1 && f <= s.fx && f > ftest) {
    // the modified function ψ(stp) = φ(stp) - φ(0) - stp·gtest
    st.fx = s.fx - s.stx * s.gtest;
    st.fy = s.fy - s.sty * s.gtest;
    st.dx = s.gx - s.gtest;
    st.dy = s.gy - s.gtest;
    dcstep(st, f - stp * s.gtest, g - s.gtest, s.stmin, s.stmax);
    s.fx = st.fx + st.stx * s.gtest;
    s.fy = st.fy + st.sty * s.gtest;
    s.gx = st.dx + s.gtest;
    s.gy = st.dy + s.gtest;
  } else {
    dcstep(st, f, g, s.stmin, s.stmax);
    s.fx = st.fx;
    s.fy = st.fy;
    s.gx = st.dx;
    s.gy = st.dy;
  }
  s.stx = st.stx;
  s.sty = st.sty;
  s.brackt = st.brackt;
  stp = st.stp;
  if (s.brackt) {
    if (Math.abs(s.sty - s.stx) >= 0.66 * s.width1) stp = s.stx + 0.5 * (s.sty - s.stx);
    s.width1 = s.width;
    s.width = Math.abs(s.sty - s.stx);
  }
  if (s.brackt) {
    s.stmin = fmin(s.stx, s.sty);
    s.stmax = fmax(s.stx, s.sty);
  } else {
    s.stmin = stp + xtrapl * (stp - s.stx);
    s.stmax = stp + xtrapu * (stp - s.stx);
  }
  stp = fmax(stp, stpmin);
  stp = fmin(stp, stpmax);
  if ((s.brackt && (stp <= s.stmin || stp >= s.stmax)) || (s.brackt && s.stmax - s.stmin <= xtol * s.stmax)) stp = s.stx;
  s.task = 'FG';
  return stp;
}

interface Step { stx: number; fx: number; dx: number; sty: number; fy: number; dy: number; stp: number; brackt: boolean }

/** dcstep: the safeguarded cubic/quadratic step, updating the interval of uncertainty. */
function dcstep(s: Step, fp: number, dp: number, stpmin: number, stpmax: number): void {
  const { stx, fx, dx, sty, fy, dy, stp } = s;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = fmax(Math.abs(theta), fmax(Math.abs(dx), Math.abs(dp)));
    let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = fmax(Math.abs(theta), fmax(Math.abs(dx), Math.abs(dp)));
    let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = fmax(Math.abs(theta), fmax(Math.abs(dx), Math.abs(dp)));
    let gamma = sc * Math.sqrt(fmax(0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? fmin(stp + 0.66 * (sty - stp), stpf) : fmax(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = fmax(stpmin, fmin(stpmax, stpf));
    }
  } else if (s.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = fmax(Math.abs(theta), fmax(Math.abs(dy), Math.abs(dp)));
    let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    const r = p / q;
    stpf = stp + r * (sty - stp);
  } else stpf = stp > stx ? stpmax : stpmin;
  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  s.stp = stpf;
}

// ----- the driver -----------------------------------------------------------------------------
/**
 * SciPy's `ScalarFunction` for `jac=True`: evaluates at an x unless it equals the last one (x
 * stored in `xDtype`), counting the evaluations (`nfev`, equal to `njev` here).
 */
class Objective {
  nfev = 0;
  private x: Float64Array | null = null;
  f = 0;
  g = new Float64Array(0);
  constructor(private readonly fg: FunAndGrad, private readonly xDtype: 'float32' | 'float64') {}
  async at(x: Float64Array): Promise<void> {
    if (this.x && this.x.length === x.length && this.x.every((v, i) => v === x[i])) return;
    const stored = Float64Array.from(x, this.xDtype === 'float32' ? Math.fround : (v) => v);
    this.x = stored;
    const [f, g] = await this.fg(Float64Array.from(stored));
    this.nfev++;
    if (g.length !== x.length) throw new ValueError(`The gradient has ${g.length} elements; x has ${x.length}`);
    this.f = Number(f);
    this.g = Float64Array.from(g as ArrayLike<number>);
  }
}

/** Bounds as SciPy's nbd codes: 0 none, 1 lower, 2 both, 3 upper. */
function boundCodes(n: number, bounds: LbfgsbOptions['bounds']) {
  const l = new Float64Array(n), u = new Float64Array(n), nbd = new Int32Array(n);
  const lb = new Float64Array(n).fill(-Infinity), ub = new Float64Array(n).fill(Infinity);
  if (bounds) {
    if (bounds.length !== n) throw new ValueError('length of x0 != length of bounds');
    bounds.forEach(([lo, hi], i) => {
      lb[i] = lo ?? -Infinity;
      ub[i] = hi ?? Infinity;
    });
    for (let i = 0; i < n; i++) {
      if (ub[i]! < lb[i]!) throw new ValueError('An upper bound is less than the corresponding lower bound.');
    }
    for (let i = 0; i < n; i++) {
      const hasL = lb[i] !== -Infinity, hasU = ub[i] !== Infinity;
      if (hasL) l[i] = lb[i]!;
      if (hasU) u[i] = ub[i]!;
      nbd[i] = hasL ? (hasU ? 2 : 1) : hasU ? 3 : 0;
    }
  }
  return { l, u, nbd, lb, ub };
}

const positiveInt = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v <= 0) throw new ValueError(`${what} must be a positive integer; got ${v}`);
  return v;
};

/**
 * `scipy.optimize.minimize(fg, x0, jac=True, method='L-BFGS-B', bounds, callback, options)`:
 * options maxcor = 10, ftol = 2.220446049250313e-09, gtol = 1e-5, maxfun = 15000,
 * maxiter = 15000, maxls = 20.
 */
export async function minimizeLbfgsb(fg: FunAndGrad, x0: ArrayLike<number>, opts: LbfgsbOptions = {}): Promise<MinimizeResult> {
  const n = x0.length;
  if (n === 0) throw new ValueError('L-BFGS-B needs at least one variable (x0 is empty)');
  const m = positiveInt(opts.maxcor ?? 10, 'maxcor');
  const ftol = opts.ftol ?? 2.220446049250313e-9;
  const pgtol = opts.gtol ?? 1e-5;
  const maxfun = opts.maxfun ?? 15000;
  const maxiter = opts.maxiter ?? 15000;
  const maxls = opts.maxls ?? 20;
  if (!(maxls > 0)) throw new ValueError('maxls must be positive.');
  if (!(ftol >= 0)) throw new ValueError(`ftol must be >= 0; got ${ftol}`);
  if (!(pgtol >= 0)) throw new ValueError(`gtol must be >= 0; got ${pgtol}`);
  const hasBounds = opts.bounds !== undefined && opts.bounds !== null;
  const { l, u, nbd, lb, ub } = boundCodes(n, opts.bounds);
  const obj = new Objective(fg, hasBounds ? 'float64' : (opts.xDtype ?? 'float64'));

  // minimize() leaves problems whose bounds fix every variable to a single evaluation
  if (hasBounds && lb.every((v, i) => v === ub[i])) {
    await obj.at(Float64Array.from(lb));
    return { x: Float64Array.from(lb), fun: obj.f, jac: null, nfev: 1, njev: 0, status: 0, success: true, message: 'All independent variables were fixed by bounds.' };
  }

  const x = Float64Array.from(x0);
  if (hasBounds) for (let i = 0; i < n; i++) x[i] = Math.min(Math.max(x[i]!, lb[i]!), ub[i]!);
  await obj.at(x); // ScalarFunction's first evaluation, at the clipped x0

  const s: State = {
    n, m, l, u, nbd,
    ws: new Float64Array(m * n), wy: new Float64Array(m * n),
    sy: new Float64Array(m * m), ss: new Float64Array(m * m), wt: new Float64Array(m * m),
    wn: new Float64Array(4 * m * m), snd: new Float64Array(4 * m * m),
    theta: 1, col: 0, head: 0,
  };
  const w: Work = {
    z: new Float64Array(n), r: new Float64Array(n), d: new Float64Array(n), t: new Float64Array(n), xp: new Float64Array(n),
    wa: new Float64Array(8 * m), index: new Int32Array(n), iwhere: new Int32Array(n), indx2: new Int32Array(n),
  };
  const { cnstnd, boxed } = active(s, x, w.iwhere);
  const tol = (ftol / EPSMCH) * EPSMCH;
  let iupdat = 0, updatd = false, itail = 0, iter = 0;
  let nfree = n, nenter = 0, ileave = 0, wrk = false;
  let fold = 0, stp = 0, gd = 0, gdold = 0, dtd = 0, dnorm = 0;
  let nIter = 0; // the driver's count (an abnormal stop's last attempt is not one)
  let task = 0, msg = '';

  await obj.at(x);
  let f = obj.f;
  const g = Float64Array.from(obj.g);
  let sbgnrm = projgr(s, x, g);
  const reset = (): void => {
    s.col = 0;
    s.head = 0;
    s.theta = 1;
    iupdat = 0;
    updatd = false;
  };

  if (sbgnrm <= pgtol) {
    task = CONVERGENCE;
    msg = CONV_GRAD;
  }
  while (task === 0) {
    // the search direction: Cauchy point, then subspace minimization (a failed factorization restarts the memory)
    for (;;) {
      let info = 0;
      if (!cnstnd && s.col > 0) {
        w.z.set(x);
        wrk = updatd;
      } else {
        info = cauchy(s, w, x, g, sbgnrm);
        if (info !== 0) {
          reset();
          continue;
        }
        ({ nfree, nenter, ileave, wrk } = freev(s, w, nfree, updatd, cnstnd, iter));
      }
      if (nfree !== 0 && s.col !== 0) {
        if (wrk) info = formk(s, w, nfree, nenter, ileave, iupdat, updatd);
        if (info === 0) info = cmprlb(s, w, x, g, nfree, cnstnd);
        if (info === 0) info = subsm(s, w, nfree, x, g);
        if (info !== 0) {
          reset();
          continue;
        }
      }
      break;
    }
    for (let i = 0; i < n; i++) w.d[i] = w.z[i]! - x[i]!;

    // the line search along d (lnsrlb)
    const { d, t, r, z } = w;
    dnorm = dnrm2(n, d);
    dtd = dnorm * dnorm;
    let stpmx = 1e10;
    if (cnstnd) {
      if (iter === 0) stpmx = 1;
      else {
        for (let i = 0; i < n; i++) {
          const a1 = d[i]!;
          if (nbd[i] === 0) continue;
          if (a1 < 0 && nbd[i]! <= 2) {
            const a2 = l[i]! - x[i]!;
            if (a2 >= 0) stpmx = 0;
            else if (a1 * stpmx < a2) stpmx = a2 / a1;
          } else if (a1 > 0 && nbd[i]! >= 2) {
            const a2 = u[i]! - x[i]!;
            if (a2 <= 0) stpmx = 0;
            else if (a1 * stpmx > a2) stpmx = a2 / a1;
          }
        }
      }
    }
    stp = iter === 0 && !boxed ? fmin(1 / dnorm, stpmx) : 1;
    t.set(x);
    r.set(g);
    fold = f;
    let ifun = 0, iback = 0;
    const search = newSearch();
    let outcome: 'newx' | 'restart' | 'abnormal';
    for (;;) {
      let info = 0;
      gd = ddot(n, g, 0, d, 0);
      if (ifun === 0) {
        gdold = gd;
        if (gd >= 0) info = -4; // not a descent direction
      }
      let trial = false;
      if (info === 0) {
        stp = dcsrch(search, f, gd, stp, 1e-3, 0.9, 0.1, 0, stpmx);
        if (search.task !== 'CONVERGENCE' && search.task !== 'WARNING') {
          trial = true;
          ifun++;
          iback = ifun - 1;
          if (stp === 1) x.set(z);
          else {
            for (let i = 0; i < n; i++) {
              let xi = stp * d[i]! + t[i]!;
              if (nbd[i] === 1 || nbd[i] === 2) xi = fmax(xi, l[i]!);
              if (nbd[i] === 2 || nbd[i] === 3) xi = fmin(xi, u[i]!);
              x[i] = xi;
            }
          }
        }
      }
      if (info !== 0 || iback >= maxls) {
        // back to the line search's start; with no memory left to drop, stop
        x.set(t);
        g.set(r);
        f = fold;
        if (s.col === 0) {
          iter++;
          outcome = 'abnormal';
        } else {
          reset();
          outcome = 'restart';
        }
        break;
      }
      if (trial) {
        await obj.at(x);
        f = obj.f;
        g.set(obj.g);
        continue;
      }
      iter++;
      sbgnrm = projgr(s, x, g);
      outcome = 'newx';
      break;
    }
    if (outcome === 'abnormal') {
      task = ABNORMAL;
      break;
    }
    if (outcome === 'restart') continue;

    // a new iterate: the driver's callback and limits, then lbfgsb's tests and the BFGS update
    nIter++;
    if (opts.callback) await opts.callback(Float64Array.from(x));
    if (nIter >= maxiter) {
      task = STOP;
      msg = STOP_ITER;
      break;
    }
    if (obj.nfev > maxfun) {
      task = STOP;
      msg = STOP_FEV;
      break;
    }
    if (sbgnrm <= pgtol) {
      task = CONVERGENCE;
      msg = CONV_GRAD;
      break;
    }
    if (fold - f <= tol * fmax(fmax(Math.abs(fold), Math.abs(f)), 1)) {
      task = CONVERGENCE;
      msg = CONV_F;
      break;
    }
    for (let i = 0; i < n; i++) r[i] = g[i]! - r[i]!;
    const rn = dnrm2(n, r);
    const rr = rn * rn;
    let dr: number, ddum: number;
    if (stp === 1) {
      dr = gd - gdold;
      ddum = -gdold;
    } else {
      dr = (gd - gdold) * stp;
      for (let i = 0; i < n; i++) d[i] = stp * d[i]!;
      ddum = -gdold * stp;
    }
    if (dr <= EPSMCH * ddum) {
      // skip the update: the curvature condition fails
      updatd = false;
      continue;
    }
    updatd = true;
    iupdat++;
    itail = matupd(s, d, r, itail, iupdat, rr, dr, stp, dtd);
    if (formt(s) !== 0) reset();
  }

  const status = task === CONVERGENCE ? 0 : obj.nfev > maxfun || nIter >= maxiter ? 1 : 2;
  return {
    x: Float64Array.from(x),
    // SciPy's driver passes f to setulb by value: the restored f of an abnormal stop does not
    // come back, so `fun` is the last value evaluated, as SciPy reports it
    fun: obj.f,
    jac: Float64Array.from(g),
    nit: nIter,
    nfev: obj.nfev,
    njev: obj.nfev,
    status,
    success: status === 0,
    message: `${STATUS_NAMES[task]}: ${msg}`,
  };
}
