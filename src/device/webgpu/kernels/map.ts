/**
 * map: an elementwise expression (expr.ts) rendered as WGSL once per expression key and
 * element types. Every value is an f32 (WGSL has no f64; `f32` rounding is the identity here);
 * bool inputs (u32 0/1) and i32 inputs are converted on load, outputs on store. A condition is
 * true when it is neither 0 nor NaN, as in JS. The pipeline key holds the expression, never
 * sizes or strides (those are uniforms: per axis its extent, then each input's stride).
 */
import { type AluOp, type Expr, exprKey, validateExpr } from '../../expr.js';
import { Uniforms } from '../uniforms.js';
import type { Elem, KernelBuilder } from './types.js';
import { FLOAT_LIB, elemOf, main1d } from './wgsl.js';

const t = (x: string): string => `(${x} != 0.0 && !isnan_(${x}))`;
const b01 = (c: string): string => `select(0.0, 1.0, ${c})`;

/** WGSL of each ALU op over f32 operands; the forms the unary/binary kernels use. */
const WGSL: Record<AluOp, (a: string[]) => string> = {
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  max: ([a, b]) => `select(${b}, ${a}, ${a} > ${b} || isnan_(${a}))`,
  min: ([a, b]) => `select(${b}, ${a}, ${a} < ${b} || isnan_(${a}))`,
  cmplt: ([a, b]) => b01(`${a} < ${b}`),
  cmple: ([a, b]) => b01(`${a} <= ${b}`),
  cmpeq: ([a, b]) => b01(`${a} == ${b}`),
  cmpne: ([a, b]) => `select(1.0, 0.0, ${a} == ${b})`,
  and: ([a, b]) => b01(`${t(a!)} && ${t(b!)}`),
  or: ([a, b]) => b01(`${t(a!)} || ${t(b!)}`),
  not: ([a]) => `select(1.0, 0.0, ${t(a!)})`,
  isnan: ([a]) => b01(`isnan_(${a})`),
  select: ([c, a, b]) => `select(${b}, ${a}, ${t(c!)})`,
  neg: ([a]) => `(-${a})`,
  abs: ([a]) => `abs(${a})`,
  exp: ([a]) => `exp(${a})`,
  expm1: ([a]) => `expm1_(${a})`,
  log: ([a]) => `log(${a})`,
  log1p: ([a]) => `log1p_(${a})`,
  sqrt: ([a]) => `sqrt(${a})`,
  recip: ([a]) => `(1.0 / ${a})`,
  floor: ([a]) => `floor(${a})`,
  ceil: ([a]) => `ceil(${a})`,
  trunc: ([a]) => `trunc(${a})`,
  tanh: ([a]) => `tanh_(${a})`,
  sin: ([a]) => `sin(${a})`,
  cos: ([a]) => `cos(${a})`,
  f32: ([a]) => `${a}`,
};

const F32_MAX = 3.4028234663852886e38;

function literal(v: number): string {
  if (v !== v) return 'nan_()';
  if (v === Infinity || v > F32_MAX) return 'inf_()';
  if (v === -Infinity || v < -F32_MAX) return '(-inf_())';
  if (Object.is(v, -0)) return '(-0.0)';
  const s = String(v);
  return /[.e]/.test(s) ? `f32(${s})` : `f32(${s}.0)`;
}

const load = (e: Elem, x: string): string => (e === 'f32' ? x : `f32(${x})`);
const store = (e: Elem, v: string): string => (e === 'f32' ? v : e === 'u32' ? `select(0u, 1u, ${t(v)})` : `i32(${v})`);

/** The statements computing every node into `v<k>`, inputs read at `ix<i>`. */
export function renderWgsl(e: Expr, inElems: readonly Elem[]): string {
  return e.nodes.map((n, k) => {
    const rhs = n.op === 'in' ? load(inElems[n.i]!, `in${n.i}[ix${n.i}]`) : n.op === 'const' ? literal(n.v) : WGSL[n.op](n.args.map((a) => `v${a}`));
    return `  let v${k}: f32 = ${rhs};`;
  }).join('\n');
}

export const map: KernelBuilder<'map'> = (step, ctx) => {
  const { shape, strides, expr } = step.params;
  const nIn = step.inputs.length;
  validateExpr(expr, nIn);
  const inElems = step.inputs.map((b) => elemOf(ctx.dtype(b)));
  const outElems = step.outputs.map((b) => elemOf(ctx.dtype(b)));
  const n = shape.reduce((p, d) => p * d, 1);
  const rank = shape.length;
  // per axis: rows of four i32, [extent, stride of input 0, 1, ...]
  const per = Math.ceil((1 + nIn) / 4);
  const u = new Uniforms().u32('n', n);
  if (rank > 0) {
    const rows: number[][] = [];
    for (let d = 0; d < rank; d++) {
      const flat = [shape[d]!, ...strides.map((s) => s[d]!)];
      for (let j = 0; j < per; j++) rows.push(flat.slice(4 * j, 4 * j + 4));
    }
    u.axes('ax', rows);
  }
  const comp = (q: number): string => `P.ax[d * ${per} + ${Math.floor(q / 4)}].${'xyzw'[q % 4]}`;
  const ins = step.inputs.map((_, i) => i);
  const index = rank === 0
    ? ins.map((i) => `  let ix${i} = 0;`).join('\n')
    : `${ins.map((i) => `  var ix${i}: i32 = 0;`).join('\n')}
  var rem = i;
  for (var d = ${rank - 1}; d >= 0; d = d - 1) {
    let ext = u32(${comp(0)});
    let q = i32(rem % ext);
    rem = rem / ext;
${ins.map((i) => `    ix${i} = ix${i} + q * ${comp(1 + i)};`).join('\n')}
  }`;
  return {
    dispatches: [
      {
        key: `map/${inElems.join(',')}/${outElems.join(',')}/r${rank}/${exprKey(expr)}`,
        uniforms: u,
        bindings: [
          ...step.inputs.map((b, i) => ({ name: `in${i}`, source: { buf: b }, write: false })),
          ...step.outputs.map((b, j) => ({ name: `out${j}`, source: { buf: b }, write: true })),
        ],
        body: () => `${FLOAT_LIB}
${main1d(`${index}
${renderWgsl(expr, inElems)}
${expr.outs.map((o, j) => `  out${j}[i] = ${store(outElems[j]!, `v${o}`)};`).join('\n')}`)}`,
        grid: { threads: n },
      },
    ],
  };
};
