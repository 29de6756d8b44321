/**
 * Which map expressions (../../expr.ts) the wasm renderer computes in float32 lanes with exactly
 * the values of the JS loop. The JS loop works in float64 and rounds where an `f32` node (or a
 * float32 store) says; a node may run as one float32 instruction when that gives the same value:
 *
 * - 'f': the float64 value is a float32 number computed exactly — inputs, float32 constants,
 *   neg/abs/floor/ceil/trunc/max/min/select of such values, and any `f32` node.
 * - 'r': add/sub/mul/div/sqrt/recip of 'f' values. Its float64 value is not float32, but
 *   rounding it to float32 gives the float32 instruction's result (IEEE: both correctly
 *   rounded, and float64 has more than 2·24+2 bits, so rounding twice changes nothing). It may
 *   only reach an `f32` node or an output store, through select arms and neg/abs (rounding
 *   commutes with them); any other use (a comparison, a second add) needs the float64 value.
 * - 'b': 0 or 1 (comparisons, and/or/not, isnan), held as a lane mask.
 *
 * Transcendentals (exp, log, tanh, …) are Math.* calls in float64, constants that are not
 * float32 (leakyRelu's 0.2) need float64 products: such expressions keep the JS loop.
 */
import type { AluOp, Expr } from '../../expr.js';

export type Kind = 'f' | 'r' | 'b';

export interface F32Form {
  /** Each node's kind; null for nodes no output depends on. */
  kinds: (Kind | null)[];
  /** 'b' nodes also needed as 1.0/0.0. */
  asNum: boolean[];
  /** 'f' nodes also needed as a truth mask (x ≠ 0 and not NaN, as JS `x ? … : …`). */
  asCond: boolean[];
}

const ROUNDED: ReadonlySet<AluOp> = new Set<AluOp>(['add', 'sub', 'mul', 'div', 'sqrt', 'recip']);
const EXACT: ReadonlySet<AluOp> = new Set<AluOp>(['max', 'min', 'floor', 'ceil', 'trunc']);
const MASKS: ReadonlySet<AluOp> = new Set<AluOp>(['cmplt', 'cmple', 'cmpeq', 'cmpne', 'isnan', 'and', 'or', 'not']);
/** Ops whose arguments are truth values. */
const CONDS: ReadonlySet<AluOp> = new Set<AluOp>(['and', 'or', 'not']);

const isF32 = (v: number): boolean => v !== v || Math.fround(v) === v;

/** The float32 form of `e`, or null when some node needs float64 (see above). */
export function f32Form(e: Expr): F32Form | null {
  const n = e.nodes.length;
  const live = new Array<boolean>(n).fill(false);
  for (const o of e.outs) live[o] = true;
  for (let k = n - 1; k >= 0; k--) {
    const node = e.nodes[k]!;
    if (live[k] && 'args' in node) for (const a of node.args) live[a] = true;
  }
  const kinds: (Kind | null)[] = new Array<Kind | null>(n).fill(null);
  const asNum = new Array<boolean>(n).fill(false);
  const asCond = new Array<boolean>(n).fill(false);
  for (let k = 0; k < n; k++) {
    if (!live[k]) continue;
    const node = e.nodes[k]!;
    if (node.op === 'in') { kinds[k] = 'f'; continue; }
    if (node.op === 'const') {
      if (!isF32(node.v)) return null;
      kinds[k] = 'f';
      continue;
    }
    const op = node.op;
    const ak = node.args.map((a) => kinds[a]!);
    // a rounded value may only flow on to a rounding (see the header)
    const passes = op === 'f32' || op === 'neg' || op === 'abs';
    for (let i = 0; i < ak.length; i++) {
      if (ak[i] === 'r' && !(passes || (op === 'select' && i > 0))) return null;
    }
    const cond = (i: number): void => {
      const a = node.args[i]!;
      if (ak[i] === 'f') asCond[a] = true;
    };
    const num = (i: number): void => {
      const a = node.args[i]!;
      if (ak[i] === 'b') asNum[a] = true;
    };
    if (CONDS.has(op)) {
      node.args.forEach((_, i) => cond(i));
      kinds[k] = 'b';
    } else if (op === 'select') {
      cond(0); num(1); num(2);
      kinds[k] = ak[1] === 'r' || ak[2] === 'r' ? 'r' : 'f';
    } else {
      node.args.forEach((_, i) => num(i));
      if (MASKS.has(op)) kinds[k] = 'b';
      else if (ROUNDED.has(op)) kinds[k] = 'r';
      else if (EXACT.has(op)) kinds[k] = 'f';
      else if (passes) kinds[k] = op !== 'f32' && ak[0] === 'r' ? 'r' : 'f';
      else return null; // exp, log, tanh, …: float64 Math calls
    }
  }
  for (const o of e.outs) if (kinds[o] === 'b') asNum[o] = true;
  return { kinds, asNum, asCond };
}
