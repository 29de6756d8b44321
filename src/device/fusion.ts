/**
 * What a device tells the fusion pass (src/session/fusion.ts): how each elementwise step it
 * runs is written as an expression over the ALU vocabulary of expr.ts, so that a fused `map`
 * step computes exactly the values the steps computed one by one on that device.
 */
import type { DType } from '../dtype.js';
import type { Expr, ExprBuilder } from './expr.js';
import type { BinaryFn } from './prims.js';
import type { AnyStep } from './plan.js';

/** Emits a step's result from the nodes of its inputs; returns the result's node. */
export type Emit = (b: ExprBuilder, args: readonly number[]) => number;

export interface FusionRules {
  /** The step as an expression, or null where this device's kernel cannot be reproduced. */
  expr(step: AnyStep, ins: readonly DType[], out: DType): Emit | null;
  /** Most buffers (inputs and outputs together) one map step may bind. */
  maxBuffers: number;
  /**
   * Whether this device runs an elementwise epilogue (prims.ts Epilogue) in this matmul or
   * conv2d step; absent: it runs none.
   */
  epilogue?(step: AnyStep, ins: readonly DType[], out: DType): boolean;
}

/** Copies expression `e` into `b`, its inputs taken from `args`; returns its first output's node. */
export function inline(b: ExprBuilder, e: Expr, args: readonly number[]): number {
  const at: number[] = [];
  for (const n of e.nodes) {
    at.push(n.op === 'in' ? args[n.i]! : n.op === 'const' ? b.c(n.v) : b.op(n.op, ...n.args.map((a) => at[a]!)));
  }
  return at[e.outs[0]!]!;
}

/** The binary functions that are one ALU op (or a fixed pair) on every device, as both devices' kernels compute them. */
export const ALU_BINARY: Partial<Record<BinaryFn, (e: ExprBuilder, a: number, b: number) => number>> = {
  add: (e, a, b) => e.op('add', a, b),
  sub: (e, a, b) => e.op('sub', a, b),
  mul: (e, a, b) => e.op('mul', a, b),
  div: (e, a, b) => e.op('div', a, b),
  maximum: (e, a, b) => e.op('max', a, b),
  minimum: (e, a, b) => e.op('min', a, b),
  squaredDifference: (e, a, b) => {
    const d = e.op('sub', a, b);
    return e.op('mul', d, d);
  },
  equal: (e, a, b) => e.op('cmpeq', a, b),
  notEqual: (e, a, b) => e.op('cmpne', a, b),
  less: (e, a, b) => e.op('cmplt', a, b),
  lessEqual: (e, a, b) => e.op('cmple', a, b),
  greater: (e, a, b) => e.op('cmplt', b, a),
  greaterEqual: (e, a, b) => e.op('cmple', b, a),
  logicalAnd: (e, a, b) => e.op('and', a, b),
  logicalOr: (e, a, b) => e.op('or', a, b),
};
