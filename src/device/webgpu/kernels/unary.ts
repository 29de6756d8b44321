/** unary: out[i] = fn(x[i]). */
import type { UnaryFn } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { Elem, KernelBuilder } from './types.js';
import { SPECIAL_LIB } from './special.js';
import { FLOAT_LIB, elemOf, main1d } from './wgsl.js';

const SELU_SCALE = '1.0507009873554805';
const SELU_SCALE_ALPHA = '1.7580993408473766';

/** WGSL expression of `x` per function, for f32 inputs. */
const FLOAT: Partial<Record<UnaryFn, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  square: 'x * x',
  sqrt: 'sqrt(x)',
  rsqrt: 'inverseSqrt(x)',
  exp: 'exp(x)',
  expm1: 'expm1_(x)',
  log: 'log(x)',
  log1p: 'log1p_(x)',
  sign: 'select(sign(x), x, isnan_(x))',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  // WGSL's round() rounds half to even.
  round: 'round(x)',
  reciprocal: '1.0 / x',
  // max(x, 0) as TF evaluates it: NaN stays NaN.
  relu: 'select(x, 0.0, x < 0.0)',
  relu6: 'min6_(select(x, 0.0, x < 0.0))',
  sigmoid: 'sigmoid_(x)',
  tanh: 'tanh_(x)',
  elu: 'select(x, expm1_(x), x < 0.0)',
  selu: `select(${SELU_SCALE} * x, ${SELU_SCALE_ALPHA} * expm1_(x), x < 0.0)`,
  softplus: 'softplus_(x)',
  leakyRelu: 'select(P.alpha * x, x, x > 0.0)',
  sin: 'sin(x)',
  cos: 'cos(x)',
  tan: 'tan(x)',
  // WGSL leaves results outside the domain indeterminate; TF gives NaN there.
  // asin/acos through atan2 (drivers' asin/acos builtins are looser, 2e-4 on lavapipe).
  asin: 'select(atan2(x, sqrt((1.0 - x) * (1.0 + x))), nan_(), abs(x) > 1.0 || isnan_(x))',
  acos: 'select(atan2(sqrt((1.0 - x) * (1.0 + x)), x), nan_(), abs(x) > 1.0 || isnan_(x))',
  atan: 'atan(x)',
  sinh: 'sinh(x)',
  cosh: 'cosh(x)',
  asinh: 'select(asinh(x), x, isinf_(x))',
  acosh: 'select(acosh(x), nan_(), x < 1.0)',
  atanh: 'select(select(atanh(x), nan_(), abs(x) > 1.0), x * inf_(), abs(x) == 1.0)',
  erf: 'erf_(x)',
  erfc: 'erfc_(x)',
  lgamma: 'lgamma_(x)',
  digamma: 'digamma_(x)',
  isNan: 'select(0u, 1u, isnan_(x))',
  isInf: 'select(0u, 1u, isinf_(x))',
  identity: 'x',
};

const INT: Partial<Record<UnaryFn, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  square: 'x * x',
  sign: 'sign(x)',
  floor: 'x',
  ceil: 'x',
  round: 'x',
  relu: 'max(x, 0)',
  relu6: 'clamp(x, 0, 6)',
  identity: 'x',
};

const BOOL: Partial<Record<UnaryFn, string>> = {
  logicalNot: 'select(1u, 0u, x != 0u)',
  identity: 'x',
};

/** The functions whose shaders need SPECIAL_LIB. */
const SPECIAL_FNS: ReadonlySet<UnaryFn> = new Set<UnaryFn>(['erf', 'erfc', 'lgamma', 'digamma']);

const MIN6 = 'fn min6_(y: f32) -> f32 { return select(y, 6.0, y > 6.0); }';

const TABLES: Record<Elem, Partial<Record<UnaryFn, string>>> = { f32: FLOAT, i32: INT, u32: BOOL };

export const unary: KernelBuilder<'unary'> = (step, ctx) => {
  const { fn, n, alpha } = step.params;
  const inElem = elemOf(ctx.dtype(step.inputs[0]!));
  const outElem = elemOf(ctx.dtype(step.outputs[0]!));
  const expr = TABLES[inElem][fn];
  if (expr === undefined) {
    throw new Error(`unary ${fn} is not defined for ${ctx.dtype(step.inputs[0]!)}`);
  }
  const lib = inElem === 'f32' ? FLOAT_LIB + MIN6 + (SPECIAL_FNS.has(fn) ? SPECIAL_LIB : '') : '';
  // Four elements per invocation through vec4 loads and stores (plan buffers start 256-byte
  // aligned, so n % 4 == 0 is the only condition).
  if (n % 4 === 0 && n > 0) {
    const vu = new Uniforms().u32('n', n / 4).f32('alpha', alpha);
    return {
      dispatches: [
        {
          key: `unary/${fn}/${inElem}/${outElem}/v4`,
          uniforms: vu,
          bindings: [
            { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: `vec4<${inElem}>` },
            { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: `vec4<${outElem}>` },
          ],
          body: () => `${lib}
${main1d(`  let xv = xs[i];
  var r: vec4<${outElem}>;
${['x', 'y', 'z', 'w'].map((q) => `  { let x = xv.${q}; r.${q} = ${expr}; }`).join('\n')}
  out[i] = r;`)}`,
          grid: { threads: n / 4 },
        },
      ],
    };
  }
  const u = new Uniforms().u32('n', n).f32('alpha', alpha);
  return {
    dispatches: [
      {
        key: `unary/${fn}/${inElem}/${outElem}`,
        uniforms: u,
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
        ],
        body: () => `${lib}
${main1d(`  let x = xs[i];\n  out[i] = ${expr};`)}`,
        grid: { threads: n },
      },
    ],
  };
};
