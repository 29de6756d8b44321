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

/** The node computations of one vector (inputs already in `x`), into the returned locals. */
function emitNodes(f: FuncBuilder, e: Expr, form: F32Form, v: Local[], n: Local[], c: Local[], one: Local | null, tmp: Local): void {
  const { kinds, asNum, asCond } = form;
  const num = (a: number) => (): void => void f.get(kinds[a] === 'b' ? n[a]! : v[a]!);
  const cond = (a: number) => (): void => void f.get(kinds[a] === 'b' ? v[a]! : c[a]!);
  e.nodes.forEach((node, k) => {
    if (kinds[k] === null || node.op === 'const') return;
    if (node.op !== 'in') {
      const [a, b, d] = node.args;
      const op = node.op;
      const bin = BINARY[op];
      const un = UNARY[op];
      if (bin) emitBinary(f, bin, true, num(a!), num(b!), tmp);
      else if (un) emitUnary(f, un, true, num(a!), tmp);
      else {
        switch (op) {
          case 'f32': num(a!)(); break;
          // JS `a > b || a !== a ? a : b` (NaN from either side; max(+0, −0) is −0)
          case 'max': num(a!)(); num(b!)(); num(a!)(); num(b!)(); f.f32x4Gt(); num(a!)(); num(a!)(); f.f32x4Ne().v128Or().v128Bitselect(); break;
          case 'min': num(a!)(); num(b!)(); num(a!)(); num(b!)(); f.f32x4Lt(); num(a!)(); num(a!)(); f.f32x4Ne().v128Or().v128Bitselect(); break;
          case 'cmplt': num(a!)(); num(b!)(); f.f32x4Lt(); break;
          case 'cmple': num(a!)(); num(b!)(); f.f32x4Le(); break;
          case 'cmpeq': num(a!)(); num(b!)(); f.f32x4Eq(); break;
          case 'cmpne': num(a!)(); num(b!)(); f.f32x4Ne(); break;
          case 'isnan': num(a!)(); num(a!)(); f.f32x4Ne(); break;
          case 'and': cond(a!)(); cond(b!)(); f.v128And(); break;
          case 'or': cond(a!)(); cond(b!)(); f.v128Or(); break;
          case 'not': cond(a!)(); f.v128Not(); break;
          case 'select': num(b!)(); num(d!)(); cond(a!)(); f.v128Bitselect(); break;
          default: throw new Error(`map: ${op} has no float32 lane form`);
        }
      }
      f.set(v[k]!);
    }
    emitViews(f, k, kinds[k]!, asNum[k]!, asCond[k]!, v, n, c, one);
  });
}

/** The 1.0/0.0 form of a mask node, the truth mask of a number node (x ≠ 0 and x = x). */
function emitViews(f: FuncBuilder, k: number, kind: string, asNum: boolean, asCond: boolean, v: Local[], n: Local[], c: Local[], one: Local | null): void {
  if (asNum && kind === 'b') f.get(v[k]!).get(one!).v128And().set(n[k]!);
  if (asCond && kind !== 'b') f.get(v[k]!).v128Zero().f32x4Ne().get(v[k]!).get(v[k]!).f32x4Eq().v128And().set(c[k]!);
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

  const { kinds, asNum, asCond } = form;
  const used = patterns.map((_, i) => e.nodes.some((nd, k) => nd.op === 'in' && nd.i === i && kinds[k] !== null));
  const x = patterns.map(() => f.local('v128'));
  const q = patterns.map(() => f.local('i32'));
  const s2 = patterns.map((pt) => (pt === 2 ? f.locals('i32', 3) : null));
  const v = e.nodes.map((nd) => (nd.op === 'in' ? x[nd.i]! : f.local('v128')));
  const n = e.nodes.map((_, k) => (asNum[k] ? f.local('v128') : v[k]!));
  const c = e.nodes.map((_, k) => (asCond[k] ? f.local('v128') : v[k]!));
  const one = asNum.some(Boolean) ? f.local('v128') : null;
  const tmp = f.local('v128');
  const qo = outP.map(() => f.local('i32'));
  const t = f.local('i32'), r = f.local('i32');

  // loop invariants: constants (and their views), the gathered inputs' 2·, 3·, 4· strides
  if (one) f.f32x4Const(1, 1, 1, 1).set(one);
  e.nodes.forEach((nd, k) => {
    if (nd.op !== 'const' || kinds[k] === null) return;
    f.f32x4Const(nd.v, nd.v, nd.v, nd.v).set(v[k]!);
    emitViews(f, k, 'f', false, asCond[k]!, v, n, c, one);
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
    emitNodes(f, e, form, v, n, c, one, tmp);
    e.outs.forEach((o, j) => {
      at(qo[j]!);
      f.get(kinds[o] === 'b' ? n[o]! : v[o]!);
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
