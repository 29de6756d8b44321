/**
 * The CPU device's elementwise steps as expressions (see ../fusion.ts): each is the formula of
 * its kernel (elementwise.ts) in float64, then one float32 rounding where a float32 tensor was
 * stored. Float32 steps that run on the wasm kernels are written as those compute them; where
 * that differs from the JS form (IEEE max/min, squaredDifference's two roundings, round) the
 * step is left unfused. Float32, float64 and bool only (integer stores wrap).
 */
import type { DType } from '../../dtype.js';
import type { ExprBuilder } from '../expr.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../expr-table.js';
import { ALU_BINARY, type Emit, type FusionRules, inline } from '../fusion.js';
import type { AnyStep } from '../plan.js';
import type { BinaryFn, UnaryFn } from '../prims.js';
import { canonicalStrides } from './kernels/strided.js';

type U = (b: ExprBuilder, x: number, alpha: number) => number;
type B = (e: ExprBuilder, a: number, b: number, alpha: number) => number;

const ue = (name: keyof typeof UNARY_EXPRS): U => (b, x) => inline(b, UNARY_EXPRS[name], [x]);
const be = (name: keyof typeof BINARY_EXPRS): B => (e, a, b) => inline(e, BINARY_EXPRS[name], [a, b]);

/** The JS kernels' unary formulas. */
const UNARY: Partial<Record<UnaryFn, U>> = {
  neg: (b, x) => b.op('neg', x),
  abs: (b, x) => b.op('abs', x),
  square: (b, x) => b.op('mul', x, x),
  sqrt: (b, x) => b.op('sqrt', x),
  rsqrt: (b, x) => b.op('div', b.c(1), b.op('sqrt', x)),
  exp: (b, x) => b.op('exp', x),
  expm1: (b, x) => b.op('expm1', x),
  log: (b, x) => b.op('log', x),
  log1p: (b, x) => b.op('log1p', x),
  sign: (b, x) => b.op('select', b.op('cmplt', b.c(0), x), b.c(1), b.op('select', b.op('cmplt', x, b.c(0)), b.c(-1), x)),
  floor: (b, x) => b.op('floor', x),
  ceil: (b, x) => b.op('ceil', x),
  reciprocal: (b, x) => b.op('recip', x),
  relu: ue('relu'),
  relu6: ue('relu6'),
  sigmoid: ue('sigmoid'),
  tanh: (b, x) => b.op('tanh', x),
  elu: ue('elu'),
  selu: ue('selu'),
  softplus: ue('softplus'),
  leakyRelu: (b, x, alpha) => b.op('select', b.op('cmplt', b.c(0), x), x, b.op('mul', b.c(alpha), x)),
  sin: (b, x) => b.op('sin', x),
  cos: (b, x) => b.op('cos', x),
  isNan: (b, x) => b.op('isnan', x),
  identity: (_b, x) => x,
};

/** Float32 unary functions the wasm kernels run, as they compute them (−0 → +0 in relu). */
const WASM_UNARY: Partial<Record<UnaryFn, U | null>> = {
  neg: UNARY.neg, abs: UNARY.abs, square: UNARY.square, sqrt: UNARY.sqrt,
  relu: (b, x) => b.op('add', b.op('select', b.op('cmplt', x, b.c(0)), b.c(0), x), b.c(0)),
  relu6: (b, x) => {
    const r = b.op('add', b.op('select', b.op('cmplt', x, b.c(0)), b.c(0), x), b.c(0));
    return b.op('select', b.op('cmplt', b.c(6), r), b.c(6), r);
  },
  reciprocal: UNARY.reciprocal, floor: UNARY.floor, ceil: UNARY.ceil, identity: UNARY.identity,
  round: null,
};

const BINARY: Partial<Record<BinaryFn, B>> = {
  ...ALU_BINARY,
  truncDiv: (e, a, b) => e.op('trunc', e.op('div', a, b)),
  floorDiv: (e, a, b) => e.op('floor', e.op('div', a, b)),
  mod: (e, a, b) => e.op('sub', a, e.op('mul', e.op('floor', e.op('div', a, b)), b)),
  reluGrad: be('reluGrad'),
  relu6Grad: be('relu6Grad'),
  eluGrad: be('eluGrad'),
  leakyReluGrad: (e, a, b, alpha) => e.op('select', e.op('cmplt', e.c(0), a), b, e.op('mul', e.c(alpha), b)),
  sigmoidGrad: be('sigmoidGrad'),
  tanhGrad: be('tanhGrad'),
  softplusGrad: be('softplusGrad'),
  rsqrtGrad: be('rsqrtGrad'),
  sqrtGrad: be('sqrtGrad'),
};

/** Float32 binary functions of the wasm kernels whose results differ from the JS form. */
const WASM_DIFFERENT: ReadonlySet<BinaryFn> = new Set<BinaryFn>(['maximum', 'minimum', 'squaredDifference']);
const WASM_BINARY: ReadonlySet<BinaryFn> = new Set<BinaryFn>(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'reluGrad']);

/** Whether a float32 binary step takes the wasm rows path (elementwise.ts wasmBinaryRows). */
function wasmRows(outShape: number[], aStrides: number[], bStrides: number[]): boolean {
  const c = canonicalStrides(outShape, [aStrides, bStrides]);
  const r = c.shape.length;
  if (r === 0) return false;
  const sa = c.strides[0]![r - 1]!;
  const sb = c.strides[1]![r - 1]!;
  return c.shape[r - 1]! >= 32 && ((sa === 1 && (sb === 1 || sb === 0)) || (sa === 0 && sb === 1));
}

const FLOATS: ReadonlySet<DType> = new Set<DType>(['float32', 'float64']);
const VALUES: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'bool']);
const LOGICAL: ReadonlySet<BinaryFn> = new Set<BinaryFn>(['equal', 'notEqual', 'logicalAnd', 'logicalOr']);

/** Rounds to float32 where the step stores a float32 tensor. */
const stored = (out: DType, f: Emit): Emit => (out === 'float32' ? (b, args) => b.op('f32', f(b, args)) : f);

export function cpuFusionRules(wasm: boolean): FusionRules {
  return {
    maxBuffers: 16,
    // float matmuls and forward convs run their epilogue over each range of rows they stored,
    // while those are in cache (float32 with wasm: as the expression's wasm function, ./wasm/map.ts)
    epilogue: (step, ins, out) => (step.prim === 'matmul' || step.prim === 'conv2d') && FLOATS.has(out) && ins.every((d) => d === out),
    expr(step: AnyStep, ins: readonly DType[], out: DType): Emit | null {
      if (!ins.every((d) => VALUES.has(d)) || !VALUES.has(out)) return null;
      switch (step.prim) {
        case 'unary': {
          const p = step.params;
          if (!FLOATS.has(ins[0]!) || p.noNegZero) return null;
          const f = wasm && ins[0] === 'float32' && p.fn in WASM_UNARY ? WASM_UNARY[p.fn] : UNARY[p.fn];
          if (!f) return null;
          return stored(out, (b, [x]) => f(b, x!, p.alpha));
        }
        case 'binary': {
          const p = step.params;
          if (p.noNegZero || ins[0] !== ins[1]) return null;
          if (ins[0] === 'bool' ? !LOGICAL.has(p.fn) : p.fn === 'logicalAnd' || p.fn === 'logicalOr') return null;
          if (wasm && ins[0] === 'float32' && WASM_DIFFERENT.has(p.fn) && WASM_BINARY.has(p.fn) && wasmRows(p.outShape, p.aStrides, p.bStrides)) return null;
          const f = BINARY[p.fn];
          if (!f) return null;
          return stored(out, (b, [x, y]) => f(b, x!, y!, p.alpha));
        }
        case 'select':
          if (ins[0] !== 'bool' || ins[1] !== ins[2]) return null;
          return (b, [c, x, y]) => b.op('select', c!, x!, y!);
        case 'cast': {
          const from = ins[0]!;
          if (out === 'bool') return (b, [x]) => b.op('cmpne', x!, b.c(0));
          if (from === 'float64' && out === 'float32') return (b, [x]) => b.op('f32', x!);
          return (_b, [x]) => x!;
        }
        default:
          return null;
      }
    },
  };
}
