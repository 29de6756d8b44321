/**
 * Elementwise expressions: a DAG over a small ALU vocabulary that a device renders once (the CPU
 * as generated JS here), instead of one kernel entry per function. A node refers to earlier
 * nodes by index, so shared subexpressions are computed once. `f32` rounds to float32 where a
 * float32 tensor would have been stored (Math.fround placement), so a chain of float32 steps
 * written as one expression computes exactly what the steps computed one by one.
 */
import type { DataArray } from '../dtype.js';
import { rowStart } from './cpu/kernels/strided.js';

export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min'
  | 'cmplt' | 'cmple' | 'cmpeq' | 'cmpne' | 'and' | 'or' | 'not' | 'isnan'
  | 'select' | 'neg' | 'abs' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'recip'
  | 'floor' | 'ceil' | 'trunc' | 'tanh' | 'sin' | 'cos' | 'f32';

export type ExprNode =
  | { op: 'in'; i: number }
  | { op: 'const'; v: number }
  | { op: AluOp; args: number[] };

/** A DAG of nodes (each argument an earlier node's index) and the node each output takes. */
export interface Expr { nodes: ExprNode[]; outs: number[] }

/** Arity of each ALU op. */
export const ALU_ARITY: Record<AluOp, number> = {
  add: 2, sub: 2, mul: 2, div: 2, max: 2, min: 2, cmplt: 2, cmple: 2, cmpeq: 2, cmpne: 2,
  and: 2, or: 2, not: 1, isnan: 1, select: 3, neg: 1, abs: 1, exp: 1, expm1: 1, log: 1,
  log1p: 1, sqrt: 1, recip: 1, floor: 1, ceil: 1, trunc: 1, tanh: 1, sin: 1, cos: 1, f32: 1,
};

/** Each op's JS form; `max`/`min` propagate NaN from either side as TF's Maximum/Minimum do. */
const JS: Record<AluOp, (a: string[]) => string> = {
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  max: ([a, b]) => `(${a} > ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  min: ([a, b]) => `(${a} < ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  cmplt: ([a, b]) => `(${a} < ${b} ? 1 : 0)`,
  cmple: ([a, b]) => `(${a} <= ${b} ? 1 : 0)`,
  cmpeq: ([a, b]) => `(${a} === ${b} ? 1 : 0)`,
  cmpne: ([a, b]) => `(${a} !== ${b} ? 1 : 0)`,
  and: ([a, b]) => `(${a} && ${b} ? 1 : 0)`,
  or: ([a, b]) => `(${a} || ${b} ? 1 : 0)`,
  not: ([a]) => `(${a} ? 0 : 1)`,
  isnan: ([a]) => `(${a} !== ${a} ? 1 : 0)`,
  select: ([c, a, b]) => `(${c} ? ${a} : ${b})`,
  neg: ([a]) => `(-${a})`,
  abs: ([a]) => `Math.abs(${a})`,
  exp: ([a]) => `Math.exp(${a})`,
  expm1: ([a]) => `Math.expm1(${a})`,
  log: ([a]) => `Math.log(${a})`,
  log1p: ([a]) => `Math.log1p(${a})`,
  sqrt: ([a]) => `Math.sqrt(${a})`,
  recip: ([a]) => `(1 / ${a})`,
  floor: ([a]) => `Math.floor(${a})`,
  ceil: ([a]) => `Math.ceil(${a})`,
  trunc: ([a]) => `Math.trunc(${a})`,
  tanh: ([a]) => `Math.tanh(${a})`,
  sin: ([a]) => `Math.sin(${a})`,
  cos: ([a]) => `Math.cos(${a})`,
  f32: ([a]) => `Math.fround(${a})`,
};

/** A stable key of an expression (its generated code is cached under it). */
export function exprKey(e: Expr): string {
  return JSON.stringify([e.nodes.map((n) => (n.op === 'in' ? ['i', n.i] : n.op === 'const' ? ['c', n.v] : [n.op, ...n.args])), e.outs]);
}

/** Checks node references and arities; throws naming the bad node. */
export function validateExpr(e: Expr, nInputs: number): void {
  e.nodes.forEach((n, k) => {
    if (n.op === 'in') {
      if (!(n.i >= 0 && n.i < nInputs)) throw new Error(`map: node ${k} reads input ${n.i} of ${nInputs}`);
    } else if (n.op !== 'const') {
      if (ALU_ARITY[n.op] !== n.args.length) throw new Error(`map: node ${k} (${n.op}) has ${n.args.length} arguments, wants ${ALU_ARITY[n.op]}`);
      for (const a of n.args) if (!(a >= 0 && a < k)) throw new Error(`map: node ${k} (${n.op}) refers to node ${a}`);
    }
  });
  for (const o of e.outs) if (!(o >= 0 && o < e.nodes.length)) throw new Error(`map: output refers to node ${o}`);
}

/** JS statements computing every node of `e` into `v<k>` from the inputs' elements `x<i>`. */
function renderJs(e: Expr): string {
  return e.nodes.map((n, k) => {
    const rhs = n.op === 'in' ? `x${n.i}` : n.op === 'const' ? numberLiteral(n.v) : JS[n.op](n.args.map((a) => `v${a}`));
    return `const v${k} = ${rhs};`;
  }).join(' ');
}

function numberLiteral(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return Object.is(v, -0) ? '-0' : `(${String(v)})`;
}

/**
 * Runs rows [lo, hi) of an output `shape` (every output has that shape and walks it
 * contiguously); `strides[i]` are input i's element strides per output axis, 0 where broadcast.
 */
export type MapLoop = (ins: DataArray[], outs: DataArray[], shape: number[], strides: number[][], lo: number, hi: number) => void;

const loops = new Map<string, MapLoop>();

/** The CPU loop of `e` over `nInputs` inputs, generated once per expression key. */
export function mapLoop(e: Expr, nInputs: number): MapLoop {
  const key = `${nInputs}:${exprKey(e)}`;
  let f = loops.get(key);
  if (f) return f;
  validateExpr(e, nInputs);
  const ins = Array.from({ length: nInputs }, (_, i) => i);
  const body = renderJs(e);
  const store = (at: string) => e.outs.map((o, j) => `O${j}[${at}] = v${o};`).join(' ');
  const src = `
    ${ins.map((i) => `const X${i} = ins[${i}];`).join(' ')}
    ${e.outs.map((_, j) => `const O${j} = outs[${j}];`).join(' ')}
    const r = shape.length;
    if (r === 0) { if (lo < hi) { ${ins.map((i) => `const x${i} = X${i}[0];`).join(' ')} ${body} ${store('0')} } return; }
    const inner = shape[r - 1];
    ${ins.map((i) => `const s${i} = strides[${i}][r - 1];`).join(' ')}
    const idx = new Array(r).fill(0);
    const start = rowStart(shape, strides, lo, idx, [${ins.map(() => '0').join(',')}]);
    ${ins.map((i) => `let o${i} = start[${i}];`).join(' ')}
    let oo = lo * inner;
    for (let row = lo; row < hi; row++) {
      ${ins.map((i) => `let p${i} = o${i};`).join(' ')}
      for (let t = 0; t < inner; t++) {
        ${ins.map((i) => `const x${i} = X${i}[p${i}]; p${i} += s${i};`).join(' ')}
        ${body}
        ${store('oo + t')}
      }
      oo += inner;
      for (let d = r - 2; d >= 0; d--) {
        idx[d]++;
        ${ins.map((i) => `o${i} += strides[${i}][d];`).join(' ')}
        if (idx[d] < shape[d]) break;
        ${ins.map((i) => `o${i} -= strides[${i}][d] * shape[d];`).join(' ')}
        idx[d] = 0;
      }
    }`;
  f = new Function('rowStart', `return (ins, outs, shape, strides, lo, hi) => {${src}}`)(rowStart) as MapLoop;
  loops.set(key, f);
  return f;
}

/** Builds an expression: `b.in(i)`, `b.c(v)`, `b.op(name, ...args)`; `b.done(...outs)`. */
export class ExprBuilder {
  readonly nodes: ExprNode[] = [];
  in(i: number): number { return this.push({ op: 'in', i }); }
  c(v: number): number { return this.push({ op: 'const', v }); }
  op(op: AluOp, ...args: number[]): number { return this.push({ op, args }); }
  done(...outs: number[]): Expr { return { nodes: this.nodes.slice(), outs }; }
  private push(n: ExprNode): number { this.nodes.push(n); return this.nodes.length - 1; }
}
