/**
 * The WebGPU device's elementwise steps as expressions (see ../fusion.ts), written as its WGSL
 * kernels (kernels/unary.ts, binary.ts, select.ts, cast.ts) compute them in f32, so that the map
 * kernel's WGSL (kernels/map.ts) gives each value the unfused kernels gave. float32 and bool only.
 */
import type { DType } from '../../dtype.js';
import type { ExprBuilder } from '../expr.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../expr-table.js';
import { ALU_BINARY, type Emit, type FusionRules, inline } from '../fusion.js';
import type { AnyStep } from '../plan.js';
import type { BinaryFn, UnaryFn } from '../prims.js';

type U = (b: ExprBuilder, x: number) => number;
type B = (e: ExprBuilder, a: number, b: number) => number;

const UNARY: Partial<Record<UnaryFn, U>> = {
  neg: (b, x) => b.op('neg', x),
  abs: (b, x) => b.op('abs', x),
  square: (b, x) => b.op('mul', x, x),
  sqrt: (b, x) => b.op('sqrt', x),
  exp: (b, x) => b.op('exp', x),
  expm1: (b, x) => b.op('expm1', x),
  log: (b, x) => b.op('log', x),
  log1p: (b, x) => b.op('log1p', x),
  floor: (b, x) => b.op('floor', x),
  ceil: (b, x) => b.op('ceil', x),
  reciprocal: (b, x) => b.op('recip', x),
  // select(x, 0.0, x < 0.0): NaN and -0 stay
  relu: (b, x) => b.op('select', b.op('cmplt', x, b.c(0)), b.c(0), x),
  sigmoid: (b, x) => inline(b, UNARY_EXPRS.sigmoid, [x]),
  tanh: (b, x) => b.op('tanh', x),
  elu: (b, x) => b.op('select', b.op('cmplt', x, b.c(0)), b.op('expm1', x), x),
  sin: (b, x) => b.op('sin', x),
  cos: (b, x) => b.op('cos', x),
  isNan: (b, x) => b.op('isnan', x),
  identity: (_b, x) => x,
};

const BINARY: Partial<Record<BinaryFn, B>> = {
  ...ALU_BINARY,
  reluGrad: (e, a, b) => inline(e, BINARY_EXPRS.reluGrad, [a, b]),
  relu6Grad: (e, a, b) => inline(e, BINARY_EXPRS.relu6Grad, [a, b]),
  eluGrad: (e, a, b) => inline(e, BINARY_EXPRS.eluGrad, [a, b]),
  sigmoidGrad: (e, a, b) => inline(e, BINARY_EXPRS.sigmoidGrad, [a, b]),
  tanhGrad: (e, a, b) => inline(e, BINARY_EXPRS.tanhGrad, [a, b]),
  // b * 0.5 / a and b * (-0.5 * a * a * a), in the kernels' order
  sqrtGrad: (e, a, b) => e.op('div', e.op('mul', b, e.c(0.5)), a),
  rsqrtGrad: (e, a, b) => e.op('mul', b, e.op('mul', e.op('mul', e.op('mul', e.c(-0.5), a), a), a)),
};

const LOGICAL: ReadonlySet<BinaryFn> = new Set<BinaryFn>(['equal', 'notEqual', 'logicalAnd', 'logicalOr', 'maximum', 'minimum']);
const VALUES: ReadonlySet<DType> = new Set<DType>(['float32', 'bool']);

export function webgpuFusionRules(maxBuffers: number): FusionRules {
  return {
    maxBuffers,
    expr(step: AnyStep, ins: readonly DType[], out: DType): Emit | null {
      if (!ins.every((d) => VALUES.has(d)) || !VALUES.has(out)) return null;
      switch (step.prim) {
        case 'unary': {
          const f = ins[0] === 'float32' ? UNARY[step.params.fn] : undefined;
          return f ? (b, [x]) => f(b, x!) : null;
        }
        case 'binary': {
          const fn = step.params.fn;
          if (ins[0] !== ins[1] || (ins[0] === 'bool' && !LOGICAL.has(fn))) return null;
          const f = BINARY[fn];
          return f ? (b, [x, y]) => f(b, x!, y!) : null;
        }
        case 'select':
          if (ins[0] !== 'bool' || ins[1] !== ins[2]) return null;
          return (b, [c, x, y]) => b.op('select', c!, x!, y!);
        case 'cast':
          return out === 'bool' ? (b, [x]) => b.op('cmpne', x!, b.c(0)) : (_b, [x]) => x!;
        default:
          return null;
      }
    },
  };
}
