/**
 * The map primitive's expression (../../expr.ts) rendered as one WebAssembly SIMD function, for
 * float32 inputs and outputs whose expression has a float32 form (map-form.ts; others keep the
 * JS loop, as do float64 and bool tensors). The function walks a block of rows: f32x4 over the
 * innermost axis, each input read by its inner stride — 0: one splat per row, 1: v128.load,
 * else four scalar loads — and a scalar tail that runs the same vector code on a splat and
 * stores lane 0, so every element gets the value the lanes would give. Arithmetic is emitted
 * by the unfused kernels' own code (elementwise.ts emitBinary / emitUnary).
 *
 * Export `map(p0, rs0, [is0,] …, o0, …, inner, rows)`: input i starts at byte p_i, its rows
 * rs_i bytes apart, its elements is_i bytes apart (stride pattern 2 only); outputs are
 * contiguous from o_j. Modules are compiled once per (memory kind, expression, stride
 * patterns) and instantiated once per memory in each thread.
 */
import { exprKey, validateExpr, type Expr } from '../../expr.js';
import { rowStart } from '../kernels/strided.js';
import { emitBinary, emitUnary, type BinaryOp, type UnaryOp } from './elementwise.js';
import { type FuncBuilder, type Local, ModuleBuilder, type ValType } from './emitter.js';
import { type F32Form, f32Form } from './map-form.js';

/** An input's inner stride: 0 (broadcast), 1 (contiguous) or any other (gathered). */
export type Pattern = 0 | 1 | 2;
export const patternOf = (stride: number): Pattern => (stride === 0 ? 0 : stride === 1 ? 1 : 2);

const BINARY: Partial<Record<string, BinaryOp>> = { add: 'add', sub: 'sub', mul: 'mul', div: 'div' };
const UNARY: Partial<Record<string, UnaryOp>> = {
  neg: 'neg', abs: 'abs', sqrt: 'sqrt', recip: 'reciprocal', floor: 'floor', ceil: 'ceil', trunc: 'trunc',
};

const MAX_PAGES = 65536;
/** Vectors per iteration of the main loop (then single vectors, then the scalar tail). */
export const UNROLL = 4;

const NARROW = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/**
 * Node values of one vector and their other views, each computed at its first use in the
 * vector's (straight-line) code: F, the f32x4 value (a mask as 1.0/0.0, a float64 value
 * rounded); D, the two f64x2 halves (lanes 0–1, 2–3); M, the truth mask (x ≠ 0 and not NaN,
 * as JS `x ? … : …`).
 */
class Views {
  private readonly locals = new Map<string, Local>();
  private done = new Set<string>();
  constructor(
    private readonly f: FuncBuilder,
    private readonly kinds: readonly (string | null)[],
    /** Per node: its f32x4 value or mask ('f', 'r', 'b'), its float64 halves ('d'). */
    readonly v: Local[],
    readonly lo: Local[],
    readonly hi: Local[],
    private readonly one: Local,
  ) {}
  /** A new vector: every view is computed again. */
  reset(): void {
    this.done = new Set();
  }
  private view(key: string, compute: (l: Local) => void): Local {
    let l = this.locals.get(key);
    if (!l) this.locals.set(key, (l = this.f.local('v128')));
    if (!this.done.has(key)) {
      this.done.add(key);
      compute(l);
    }
    return l;
  }
  F(a: number): Local {
    const f = this.f;
    const k = this.kinds[a];
    if (k === 'b') return this.view(`n${a}`, (l) => f.get(this.v[a]!).get(this.one).v128And().set(l));
    if (k === 'd') return this.view(`F${a}`, (l) => f.get(this.lo[a]!).f32x4DemoteF64x2Zero().get(this.hi[a]!).f32x4DemoteF64x2Zero().i8x16Shuffle(JOIN).set(l));
    return this.v[a]!;
  }
  D(a: number): [Local, Local] {
    if (this.kinds[a] === 'd') return [this.lo[a]!, this.hi[a]!];
    const f = this.f;
    const x = this.F(a);
    return [
      this.view(`l${a}`, (l) => f.get(x).f64x2PromoteLowF32x4().set(l)),
      this.view(`h${a}`, (l) => f.get(x).get(x).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4().set(l)),
    ];
  }
  M(a: number): Local {
    const f = this.f;
    if (this.kinds[a] === 'b') return this.v[a]!;
    if (this.kinds[a] === 'd') {
      const [l, h] = this.D(a);
      return this.view(`m${a}`, (m) => {
        for (const half of [l, h]) f.get(half).f64x2Const(0, 0).f64x2Ne().get(half).get(half).f64x2Eq().v128And();
        f.i8x16Shuffle(NARROW).set(m);
      });
    }
    const x = this.F(a);
    return this.view(`m${a}`, (m) => f.get(x).v128Zero().f32x4Ne().get(x).get(x).f32x4Eq().v128And().set(m));
  }
}

/** JS `a > b || a !== a ? a : b` (NaN from either side; max(+0, −0) is −0), `<` for min. */
function emitMaxMin(f: FuncBuilder, max: boolean, wide: boolean, a: Local, b: Local): void {
  f.get(a).get(b).get(a).get(b);
  if (wide) (max ? f.f64x2Gt() : f.f64x2Lt()).get(a).get(a).f64x2Ne();
  else (max ? f.f32x4Gt() : f.f32x4Lt()).get(a).get(a).f32x4Ne();
  f.v128Or().v128Bitselect();
}

const F64_BINARY: Partial<Record<string, (f: FuncBuilder) => void>> = {
  add: (f) => f.f64x2Add(), sub: (f) => f.f64x2Sub(), mul: (f) => f.f64x2Mul(), div: (f) => f.f64x2Div(),
};
const F64_UNARY: Partial<Record<string, (f: FuncBuilder) => void>> = {
  neg: (f) => f.f64x2Neg(), abs: (f) => f.f64x2Abs(), sqrt: (f) => f.f64x2Sqrt(),
  floor: (f) => f.f64x2Floor(), ceil: (f) => f.f64x2Ceil(), trunc: (f) => f.f64x2Trunc(),
};
const F32_CMP: Partial<Record<string, (f: FuncBuilder) => void>> = {
  cmplt: (f) => f.f32x4Lt(), cmple: (f) => f.f32x4Le(), cmpeq: (f) => f.f32x4Eq(), cmpne: (f) => f.f32x4Ne(),
};
const F64_CMP: Partial<Record<string, (f: FuncBuilder) => void>> = {
  cmplt: (f) => f.f64x2Lt(), cmple: (f) => f.f64x2Le(), cmpeq: (f) => f.f64x2Eq(), cmpne: (f) => f.f64x2Ne(),
};

/** The node computations of one vector (inputs already loaded), each into its local(s). */
function emitNodes(f: FuncBuilder, e: Expr, form: F32Form, vw: Views, tmp: Local): void {
  const { kinds, wide } = form;
  vw.reset();
  e.nodes.forEach((node, k) => {
    if (kinds[k] === null || node.op === 'const' || node.op === 'in') return;
    const [a, b, d] = node.args;
    const op = node.op;
    const get = (l: Local) => (): void => void f.get(l);
    if (op === 'f32') {
      f.get(vw.F(a!)).set(vw.v[k]!);
    } else if (kinds[k] === 'd') {
      // float64 lanes, each half as the JS loop computes it
      for (let h = 0; h < 2; h++) {
        const D = (i: number): Local => vw.D(i)[h]!;
        const bin = F64_BINARY[op], un = F64_UNARY[op];
        if (bin) { f.get(D(a!)).get(D(b!)); bin(f); }
        else if (un) { f.get(D(a!)); un(f); }
        else if (op === 'recip') f.f64x2Const(1, 1).get(D(a!)).f64x2Div();
        else if (op === 'max' || op === 'min') emitMaxMin(f, op === 'max', true, D(a!), D(b!));
        else if (op === 'select') {
          f.get(D(b!)).get(D(d!)).get(vw.M(a!));
          if (h === 0) f.i64x2ExtendLowI32x4S(); else f.i64x2ExtendHighI32x4S();
          f.v128Bitselect();
        } else throw new Error(`map: ${op} has no float64 lane form`);
        f.set(h === 0 ? vw.lo[k]! : vw.hi[k]!);
      }
    } else if (wide[k]) {
      // a comparison of float64 values: two i64x2 masks narrowed to one of 32-bit lanes
      for (let h = 0; h < 2; h++) {
        const D = (i: number): Local => vw.D(i)[h]!;
        if (op === 'isnan') f.get(D(a!)).get(D(a!)).f64x2Ne();
        else { f.get(D(a!)).get(D(b!)); F64_CMP[op]!(f); }
      }
      f.i8x16Shuffle(NARROW).set(vw.v[k]!);
    } else {
      const bin = BINARY[op], un = UNARY[op], cmp = F32_CMP[op];
      if (bin) emitBinary(f, bin, true, get(vw.F(a!)), get(vw.F(b!)), tmp);
      else if (un) emitUnary(f, un, true, get(vw.F(a!)), tmp);
      else if (cmp) { f.get(vw.F(a!)).get(vw.F(b!)); cmp(f); }
      else {
        switch (op) {
          case 'max': case 'min': emitMaxMin(f, op === 'max', false, vw.F(a!), vw.F(b!)); break;
          case 'isnan': f.get(vw.F(a!)).get(vw.F(a!)).f32x4Ne(); break;
          case 'and': f.get(vw.M(a!)).get(vw.M(b!)).v128And(); break;
          case 'or': f.get(vw.M(a!)).get(vw.M(b!)).v128Or(); break;
          case 'not': f.get(vw.M(a!)).v128Not(); break;
          case 'select': f.get(vw.F(b!)).get(vw.F(d!)).get(vw.M(a!)).v128Bitselect(); break;
          default: throw new Error(`map: ${op} has no float32 lane form`);
        }
      }
      f.set(vw.v[k]!);
    }
  });
}

/** The module bytes of `e` over inputs with these inner-stride patterns. */
export function buildMapModuleBytes(e: Expr, form: F32Form, patterns: readonly Pattern[], shared: boolean, unroll = UNROLL): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: 'env', name: 'memory', min: 0, ...(shared ? { max: MAX_PAGES } : {}), shared });
  const params: ValType[] = [];
  patterns.forEach((pt) => params.push(...(pt === 2 ? ['i32', 'i32', 'i32'] as const : ['i32', 'i32'] as const)));
  e.outs.forEach(() => params.push('i32'));
  params.push('i32', 'i32');
  const f = m.func('map', params);
  let pi = 0;
  const inP = patterns.map((pt) => {
    const p = f.params[pi++]!, rs = f.params[pi++]!;
    return { p, rs, is: pt === 2 ? f.params[pi++]! : null };
  });
  const outP = e.outs.map(() => f.params[pi++]!);
  const inner = f.params[pi++]!, rows = f.params[pi++]!;

  const { kinds } = form;
  const used = patterns.map((_, i) => e.nodes.some((nd, k) => nd.op === 'in' && nd.i === i && kinds[k] !== null));
  const x = patterns.map(() => f.local('v128'));
  const q = patterns.map(() => f.local('i32'));
  const s2 = patterns.map((pt) => (pt === 2 ? f.locals('i32', 3) : null));
  const v = e.nodes.map((nd) => (nd.op === 'in' ? x[nd.i]! : f.local('v128')));
  const wideOf = (k: number): boolean => kinds[k] === 'd';
  const lo = e.nodes.map((_, k) => (wideOf(k) ? f.local('v128') : v[k]!));
  const hi = e.nodes.map((nd, k) => (wideOf(k) ? (nd.op === 'const' ? lo[k]! : f.local('v128')) : v[k]!));
  const one = f.local('v128');
  const vw = new Views(f, kinds, v, lo, hi, one);
  const tmp = f.local('v128');
  const qo = outP.map(() => f.local('i32'));
  const t = f.local('i32'), r = f.local('i32');

  // loop invariants: constants, the gathered inputs' 2·, 3·, 4· strides
  f.f32x4Const(1, 1, 1, 1).set(one);
  e.nodes.forEach((nd, k) => {
    if (nd.op !== 'const' || kinds[k] === null) return;
    if (kinds[k] === 'd') f.f64x2Const(nd.v, nd.v).set(lo[k]!);
    else f.f32x4Const(nd.v, nd.v, nd.v, nd.v).set(v[k]!);
  });
  inP.forEach(({ is }, i) => {
    const s = s2[i];
    if (!s || !is) return;
    for (let mul = 2; mul <= 4; mul++) f.get(is).i32(mul).i32Mul().set(s[mul - 2]!);
  });
  outP.forEach((o, j) => f.get(o).set(qo[j]!));

  /**
   * One vector (`vec`, the u-th of an unrolled group) or one element of the tail. Contiguous
   * operands are addressed as row start + `t` (bytes, the one counter) + 16·u; gathered ones
   * walk their own pointer.
   */
  const at = (base: Local): void => void f.get(base).get(t).i32Add();
  const body = (vec: boolean, u = 0): void => {
    patterns.forEach((pt, i) => {
      if (!used[i] || pt === 0) return;
      const { is } = inP[i]!;
      if (pt === 1) {
        at(q[i]!);
        if (vec) f.v128Load({ offset: 16 * u }); else f.v128Load32Splat();
        f.set(x[i]!);
      } else if (!vec) {
        f.get(q[i]!).v128Load32Splat().set(x[i]!);
        f.get(q[i]!).get(is!).i32Add().set(q[i]!);
      } else {
        const [m2, m3, m4] = s2[i]!;
        f.get(q[i]!).f32Load().f32x4Splat();
        f.get(q[i]!).get(is!).i32Add().f32Load().f32x4ReplaceLane(1);
        f.get(q[i]!).get(m2!).i32Add().f32Load().f32x4ReplaceLane(2);
        f.get(q[i]!).get(m3!).i32Add().f32Load().f32x4ReplaceLane(3).set(x[i]!);
        f.get(q[i]!).get(m4!).i32Add().set(q[i]!);
      }
    });
    emitNodes(f, e, form, vw, tmp);
    e.outs.forEach((o, j) => {
      const val = vw.F(o);
      at(qo[j]!);
      f.get(val);
      if (vec) f.v128Store({ offset: 16 * u }); else f.v128Store32Lane(0);
    });
  };

  const ib = f.local('i32');
  f.get(inner).i32(4).i32Mul().set(ib);
  f.i32(0).set(r);
  f.while(() => f.get(r).get(rows).i32LtS(), () => {
    patterns.forEach((pt, i) => {
      if (!used[i]) return;
      if (pt === 0) f.get(inP[i]!.p).v128Load32Splat().set(x[i]!);
      else f.get(inP[i]!.p).set(q[i]!);
    });
    f.i32(0).set(t);
    for (const group of unroll > 1 ? [unroll, 1] : [1]) {
      f.while(() => f.get(t).i32(16 * group).i32Add().get(ib).i32LeS(), () => {
        for (let u = 0; u < group; u++) body(true, u);
        f.get(t).i32(16 * group).i32Add().set(t);
      });
    }
    f.while(() => f.get(t).get(ib).i32LtS(), () => {
      body(false);
      f.get(t).i32(4).i32Add().set(t);
    });
    inP.forEach(({ p, rs }) => f.get(p).get(rs).i32Add().set(p));
    qo.forEach((o) => f.get(o).get(ib).i32Add().set(o));
    f.get(r).i32(1).i32Add().set(r);
  });
  return m.toBytes();
}

type MapFn = (...args: number[]) => void;

interface Entry {
  key: string;
  form: F32Form | null;
  /** Instances per memory, by stride patterns (Σ pattern_i·3^i). */
  fns: WeakMap<WebAssembly.Memory, Map<number, MapFn>>;
}

/** Per expression object (a plan's step params stay the same object across runs). */
const entries = new WeakMap<Expr, Entry>();
const modules = new Map<string, WebAssembly.Module>();

function entryOf(e: Expr, nInputs: number): Entry {
  let en = entries.get(e);
  if (!en) {
    validateExpr(e, nInputs);
    en = { key: `${nInputs}:${exprKey(e)}`, form: f32Form(e), fns: new WeakMap() };
    entries.set(e, en);
  }
  return en;
}

function mapFn(memory: WebAssembly.Memory, e: Expr, en: Entry, code: number, strides: readonly (readonly number[])[], r: number): MapFn {
  let byPattern = en.fns.get(memory);
  if (!byPattern) en.fns.set(memory, (byPattern = new Map()));
  let fn = byPattern.get(code);
  if (fn) return fn;
  const patterns = strides.map((s) => patternOf(s[r - 1]!));
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const mk = `${shared ? 's' : 'u'}${patterns.join('')}|${en.key}`;
  let mod = modules.get(mk);
  if (!mod) {
    mod = new WebAssembly.Module(buildMapModuleBytes(e, en.form!, patterns, shared));
    modules.set(mk, mod);
  }
  fn = new WebAssembly.Instance(mod, { env: { memory } }).exports.map as MapFn;
  byPattern.set(code, fn);
  return fn;
}

/**
 * Rows [lo, hi) of a map over `shape` (as mapLoop) through the wasm function. Returns false,
 * having done nothing, when a tensor is not float32 or the expression has no float32 form.
 * (No closures here: this runs once per step chunk and per epilogue row block.)
 */
export function wasmMapRows(memory: WebAssembly.Memory, e: Expr, ins: readonly ArrayLike<number>[], outs: readonly ArrayLike<number>[], shape: readonly number[], strides: readonly (readonly number[])[], lo: number, hi: number): boolean {
  const r = shape.length;
  if (r === 0) return false;
  for (let i = 0; i < ins.length; i++) if (!(ins[i] instanceof Float32Array)) return false;
  for (let j = 0; j < outs.length; j++) if (!(outs[j] instanceof Float32Array)) return false;
  const en = entryOf(e, ins.length);
  if (!en.form) return false;
  const inner = shape[r - 1]!;
  if (inner === 0 || hi <= lo) return true;
  let code = 0, nArgs = 2 + outs.length;
  for (let i = ins.length - 1; i >= 0; i--) {
    const p = patternOf(strides[i]![r - 1]!);
    code = code * 3 + p;
    nArgs += p === 2 ? 3 : 2;
  }
  const fn = mapFn(memory, e, en, code, strides, r);
  const I = ins as readonly Float32Array[], O = outs as readonly Float32Array[];
  const args = new Array<number>(nArgs);
  const idx = new Array<number>(r).fill(0);
  const offs = r === 1 ? new Array<number>(ins.length).fill(0) : rowStart(shape, strides, lo, idx, new Array<number>(ins.length).fill(0));
  const d2 = r - 2;
  for (let row = lo, oo = lo * inner; row < hi;) {
    const rows = r === 1 ? 1 : Math.min(hi - row, shape[d2]! - idx[d2]!);
    let a = 0;
    for (let i = 0; i < I.length; i++) {
      const s = strides[i]!;
      args[a++] = I[i]!.byteOffset + offs[i]! * 4;
      args[a++] = r === 1 ? 0 : s[d2]! * 4;
      if (s[r - 1] !== 0 && s[r - 1] !== 1) args[a++] = s[r - 1]! * 4;
    }
    for (let j = 0; j < O.length; j++) args[a++] = O[j]!.byteOffset + oo * 4;
    args[a++] = inner;
    args[a] = rows;
    fn(...args);
    row += rows;
    oo += rows * inner;
    if (r === 1) break;
    // the odometer, `rows` rows on
    idx[d2]! += rows;
    for (let i = 0; i < offs.length; i++) offs[i]! += strides[i]![d2]! * rows;
    for (let d = d2; d >= 0 && idx[d]! >= shape[d]!; d--) {
      for (let i = 0; i < offs.length; i++) offs[i]! -= strides[i]![d]! * shape[d]!;
      idx[d] = 0;
      if (d === 0) break;
      idx[d - 1]!++;
      for (let i = 0; i < offs.length; i++) offs[i]! += strides[i]![d - 1]!;
    }
  }
  return true;
}
