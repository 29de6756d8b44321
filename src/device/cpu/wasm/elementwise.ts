/**
 * Float32 elementwise kernels: binary ops over two equal-length arrays or an array and a
 * scalar, and unary ops. Four vectors per iteration, then single vectors, then scalars; the
 * scalar tail uses the scalar form of the same IEEE operation, so every element gets the
 * result the vector lanes would give.
 *
 * Exports (all addresses are byte offsets, counts are elements):
 *   ew_<op>(a, b, out, count)        out[i] = a[i] op b[i]
 *   ew_<op>_vs(a, s, out, count)     out[i] = a[i] op s
 *   ew_<op>_sv(a, s, out, count)     out[i] = s op a[i]      (non-commutative ops only)
 *   ew_<unary>(x, out, count)        out[i] = f(x[i])
 * `out` may equal an input (in place); partial overlaps are not supported.
 */
import type { FuncBuilder, Local, ModuleBuilder } from './emitter.js';

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min', 'squaredDifference', 'reluGrad'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Ops where a op b = b op a, which need no scalar-first form. */
const COMMUTATIVE: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['add', 'mul', 'max', 'min', 'squaredDifference']);

export const UNARY_OPS = [
  'neg', 'abs', 'square', 'sqrt', 'relu', 'relu6', 'reciprocal', 'floor', 'ceil', 'round', 'trunc', 'copy',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export const binaryExport = (op: BinaryOp, form: 'vv' | 'vs' | 'sv'): string =>
  form === 'vv' ? `ew_${op}` : `ew_${op}_${form}`;
export const unaryExport = (op: UnaryOp): string => `ew_${op}`;
export const isCommutative = (op: BinaryOp): boolean => COMMUTATIVE.has(op);

type Push = () => void;

/**
 * Emits `op(a, b)` for one vector or one scalar. `a`/`b` push an operand; `t` is a scratch
 * local of the lane type (v128 or f32).
 */
export function emitBinary(f: FuncBuilder, op: BinaryOp, vec: boolean, a: Push, b: Push, t: Local): void {
  switch (op) {
    case 'add':
      a(); b();
      if (vec) f.f32x4Add(); else f.f32Add();
      return;
    case 'sub':
      a(); b();
      if (vec) f.f32x4Sub(); else f.f32Sub();
      return;
    case 'mul':
      a(); b();
      if (vec) f.f32x4Mul(); else f.f32Mul();
      return;
    case 'div':
      a(); b();
      if (vec) f.f32x4Div(); else f.f32Div();
      return;
    case 'max':
      a(); b();
      if (vec) f.f32x4Max(); else f.f32Max();
      return;
    case 'min':
      a(); b();
      if (vec) f.f32x4Min(); else f.f32Min();
      return;
    case 'squaredDifference':
      a(); b();
      if (vec) f.f32x4Sub().tee(t).get(t).f32x4Mul();
      else f.f32Sub().tee(t).get(t).f32Mul();
      return;
    case 'reluGrad':
      // a = features, b = incoming gradient: b where a > 0, else 0 (NaN features give 0).
      if (vec) {
        b(); a(); f.v128Zero().f32x4Gt().v128And();
      } else {
        b(); f.f32(0); a(); f.f32(0).f32Gt().select();
      }
      return;
  }
}

export function emitUnary(f: FuncBuilder, op: UnaryOp, vec: boolean, x: Push, t: Local): void {
  const zero = (): void => {
    if (vec) f.v128Zero();
    else f.f32(0);
  };
  switch (op) {
    case 'neg':
      x();
      if (vec) f.f32x4Neg(); else f.f32Neg();
      return;
    case 'abs':
      x();
      if (vec) f.f32x4Abs(); else f.f32Abs();
      return;
    case 'square':
      x();
      f.tee(t).get(t);
      if (vec) f.f32x4Mul(); else f.f32Mul();
      return;
    case 'sqrt':
      x();
      if (vec) f.f32x4Sqrt(); else f.f32Sqrt();
      return;
    case 'relu':
    case 'relu6':
      // Math.max(x, 0) semantics (NaN stays NaN, −0 gives +0). Vector form: pmax(x, 0) is
      // `x < 0 ? 0 : x` (one instruction; keeps NaN), and + 0 turns −0 into +0 — cheaper than
      // the fully IEEE f32x4.max. relu6 then takes pmin(·, 6) = `6 < r ? 6 : r` (keeps NaN).
      x(); zero();
      if (vec) f.f32x4Pmax().v128Zero().f32x4Add();
      else f.f32Max();
      if (op === 'relu6') {
        if (vec) f.f32x4Const(6, 6, 6, 6).f32x4Pmin();
        else f.f32(6).f32Min();
      }
      return;
    case 'reciprocal':
      if (vec) f.f32x4Const(1, 1, 1, 1);
      else f.f32(1);
      x();
      if (vec) f.f32x4Div(); else f.f32Div();
      return;
    case 'floor':
      x();
      if (vec) f.f32x4Floor(); else f.f32Floor();
      return;
    case 'ceil':
      x();
      if (vec) f.f32x4Ceil(); else f.f32Ceil();
      return;
    case 'round':
      // half to even, as TF's Round
      x();
      if (vec) f.f32x4Nearest(); else f.f32Nearest();
      return;
    case 'trunc':
      x();
      if (vec) f.f32x4Trunc(); else f.f32Trunc();
      return;
    case 'copy':
      x();
      return;
  }
}

const UNROLL = 4;

/**
 * The shared loop: `body(vec, off)` computes one vector (or scalar) whose inputs are at byte
 * offset `i + off` from each input base; the result is stored at out + i + off.
 */
function emitLoop(
  f: FuncBuilder,
  out: Local,
  count: Local,
  body: (vec: boolean, addr: (base: Local) => void, off: number) => void,
): void {
  const i = f.local('i32');
  const nBytes = f.local('i32');
  f.get(count).i32(4).i32Mul().set(nBytes);
  f.i32(0).set(i);
  const addr = (base: Local): void => {
    f.get(base).get(i).i32Add();
  };
  f.while(
    () => f.get(i).i32(16 * UNROLL).i32Add().get(nBytes).i32LeU(),
    () => {
      for (let u = 0; u < UNROLL; u++) {
        addr(out);
        body(true, addr, 16 * u);
        f.v128Store({ offset: 16 * u });
      }
      f.get(i).i32(16 * UNROLL).i32Add().set(i);
    },
  );
  f.while(
    () => f.get(i).i32(16).i32Add().get(nBytes).i32LeU(),
    () => {
      addr(out);
      body(true, addr, 0);
      f.v128Store();
      f.get(i).i32(16).i32Add().set(i);
    },
  );
  f.while(
    () => f.get(i).get(nBytes).i32LtU(),
    () => {
      addr(out);
      body(false, addr, 0);
      f.f32Store();
      f.get(i).i32(4).i32Add().set(i);
    },
  );
}

function load(f: FuncBuilder, vec: boolean, addr: (base: Local) => void, base: Local, off: number): void {
  addr(base);
  if (vec) f.v128Load({ offset: off, align: 0 });
  else f.f32Load({ offset: off });
}

export function emitElementwise(m: ModuleBuilder): void {
  for (const op of BINARY_OPS) {
    {
      const f = m.func(binaryExport(op, 'vv'), ['i32', 'i32', 'i32', 'i32']);
      const [a, b, out, count] = f.params as [Local, Local, Local, Local];
      const tv = f.local('v128');
      const ts = f.local('f32');
      emitLoop(f, out, count, (vec, addr, off) => {
        emitBinary(f, op, vec, () => load(f, vec, addr, a, off), () => load(f, vec, addr, b, off), vec ? tv : ts);
      });
    }
    for (const form of isCommutative(op) ? (['vs'] as const) : (['vs', 'sv'] as const)) {
      const f = m.func(binaryExport(op, form), ['i32', 'f32', 'i32', 'i32']);
      const [a, s, out, count] = f.params as [Local, Local, Local, Local];
      const sv = f.local('v128');
      const tv = f.local('v128');
      const ts = f.local('f32');
      f.get(s).f32x4Splat().set(sv);
      emitLoop(f, out, count, (vec, addr, off) => {
        const arr = (): void => load(f, vec, addr, a, off);
        const sc = (): void => {
          f.get(vec ? sv : s);
        };
        if (form === 'vs') emitBinary(f, op, vec, arr, sc, vec ? tv : ts);
        else emitBinary(f, op, vec, sc, arr, vec ? tv : ts);
      });
    }
  }
  for (const op of UNARY_OPS) {
    const f = m.func(unaryExport(op), ['i32', 'i32', 'i32']);
    const [x, out, count] = f.params as [Local, Local, Local];
    const tv = f.local('v128');
    const ts = f.local('f32');
    emitLoop(f, out, count, (vec, addr, off) => {
      emitUnary(f, op, vec, () => load(f, vec, addr, x, off), vec ? tv : ts);
    });
  }
}
