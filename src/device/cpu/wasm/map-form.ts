/**
 * How the wasm renderer computes each node of a map expression (../../expr.ts) so that it gets
 * exactly the values of the JS loop, which works in float64 and rounds where an `f32` node (or
 * a float32 store) says. Kinds:
 *
 * - 'f': the float64 value is a float32 number, computed exactly in f32x4 lanes — inputs,
 *   float32 constants, neg/abs/floor/ceil/trunc/max/min/select of such values, `f32` nodes.
 * - 'r': add/sub/mul/div/sqrt/recip of 'f' values in f32x4 lanes. Its float64 value is not
 *   float32, but rounding it gives the float32 instruction's result (IEEE: both correctly
 *   rounded, and float64 has more than 2·24+2 bits, so rounding twice changes nothing). Allowed
 *   only where it reaches an `f32` node or an output store (through select arms and neg/abs,
 *   which commute with rounding).
 * - 'd': float64 in two f64x2 halves, as the JS loop computes it: an 'r' node some other use
 *   needs unrounded (a comparison, a second product), constants that are not float32
 *   (leakyRelu's 0.2), and whatever computes from a 'd' value.
 * - 'b': 0 or 1 (comparisons, and/or/not, isnan), held as a 32-bit lane mask.
 *
 * Transcendentals (exp, log, tanh, sin, …) are Math.* calls in the JS loop, with no wasm
 * instruction to match them bit for bit: expressions using them keep the JS loop.
 */
import type { AluOp, Expr } from '../../expr.js';

export type Kind = 'f' | 'r' | 'd' | 'b';

export interface F32Form {
  /** Each node's kind; null for nodes no output depends on. */
  kinds: (Kind | null)[];
  /** Mask nodes (kind 'b') whose comparison runs on float64 lanes (an argument is 'd'). */
  wide: boolean[];
}

const ROUNDED: ReadonlySet<AluOp> = new Set<AluOp>(['add', 'sub', 'mul', 'div', 'sqrt', 'recip']);
/** Exact on float32 values; rounding does not commute with them (floor(2.9999999999) = 2). */
const EXACT: ReadonlySet<AluOp> = new Set<AluOp>(['max', 'min', 'floor', 'ceil', 'trunc']);
/** Exact, and rounding commutes with them: a rounded value may pass through. */
const PASS: ReadonlySet<AluOp> = new Set<AluOp>(['neg', 'abs', 'select']);
const MASKS: ReadonlySet<AluOp> = new Set<AluOp>(['cmplt', 'cmple', 'cmpeq', 'cmpne', 'isnan', 'and', 'or', 'not']);
/** Ops whose arguments are truth values (select: its first). */
const CONDS: ReadonlySet<AluOp> = new Set<AluOp>(['and', 'or', 'not']);

const isF32 = (v: number): boolean => v !== v || Math.fround(v) === v;

/** The lane form of `e`, or null when it needs a Math.* function (see above). */
export function f32Form(e: Expr): F32Form | null {
  const n = e.nodes.length;
  const live = new Array<boolean>(n).fill(false);
  for (const o of e.outs) live[o] = true;
  for (let k = n - 1; k >= 0; k--) {
    const node = e.nodes[k]!;
    if (live[k] && 'args' in node) for (const a of node.args) live[a] = true;
  }
  const wideOnly = new Array<boolean>(n).fill(false);
  // each pass either succeeds or moves one more rounded node to float64: at most n passes
  for (;;) {
    const kinds: (Kind | null)[] = new Array<Kind | null>(n).fill(null);
    const wide = new Array<boolean>(n).fill(false);
    let retry = false;
    for (let k = 0; k < n && !retry; k++) {
      if (!live[k]) continue;
      const node = e.nodes[k]!;
      if (node.op === 'in') { kinds[k] = 'f'; continue; }
      if (node.op === 'const') { kinds[k] = isF32(node.v) ? 'f' : 'd'; continue; }
      const op = node.op;
      // the arguments that are values (select's condition and and/or/not's are truths)
      const valueArgs = CONDS.has(op) ? [] : op === 'select' ? node.args.slice(1) : node.args;
      const ak = valueArgs.map((a) => kinds[a]!);
      const anyD = ak.includes('d');
      let kind: Kind;
      if (op === 'f32') kind = 'f';
      else if (MASKS.has(op)) { kind = 'b'; wide[k] = anyD; }
      else if (ROUNDED.has(op)) kind = anyD || wideOnly[k] ? 'd' : 'r';
      else if (PASS.has(op)) kind = anyD ? 'd' : ak.includes('r') ? (wideOnly[k] ? 'd' : 'r') : 'f';
      else if (EXACT.has(op)) kind = anyD ? 'd' : 'f';
      else return null; // exp, log, tanh, …: float64 Math calls
      kinds[k] = kind;
      // a rounded argument is fine only where the rounding still happens later
      node.args.forEach((a, i) => {
        if (retry || kinds[a] !== 'r') return;
        const cond = CONDS.has(op) || (op === 'select' && i === 0);
        if (op === 'f32' || (PASS.has(op) && !cond && kind === 'r')) return;
        wideOnly[a] = true;
        retry = true;
      });
    }
    if (!retry) return { kinds, wide };
  }
}
