/**
 * What a device tells the fusion pass (src/session/fusion.ts): how each elementwise step it
 * runs is written as an expression over the ALU vocabulary of expr.ts, so that a fused `map`
 * step computes exactly the values the steps computed one by one on that device.
 */
import type { DType } from '../dtype.js';
import type { Expr, ExprBuilder } from './expr.js';
import type { AnyStep } from './plan.js';

/** Emits a step's result from the nodes of its inputs; returns the result's node. */
export type Emit = (b: ExprBuilder, args: readonly number[]) => number;

export interface FusionRules {
  /** The step as an expression, or null where this device's kernel cannot be reproduced. */
  expr(step: AnyStep, ins: readonly DType[], out: DType): Emit | null;
  /** Most buffers (inputs and outputs together) one map step may bind. */
  maxBuffers: number;
}

/** Copies expression `e` into `b`, its inputs taken from `args`; returns its first output's node. */
export function inline(b: ExprBuilder, e: Expr, args: readonly number[]): number {
  const at: number[] = [];
  for (const n of e.nodes) {
    at.push(n.op === 'in' ? args[n.i]! : n.op === 'const' ? b.c(n.v) : b.op(n.op, ...n.args.map((a) => at[a]!)));
  }
  return at[e.outs[0]!]!;
}
