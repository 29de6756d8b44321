/**
 * TF1's dataflow control-flow ops. A plan never holds a branch decision: Switch, Enter,
 * NextIteration and LoopCond lower to their data input, and Merge and Exit run on the host
 * (control-flow/exec.ts), which computes only the branch taken or runs the loop's body
 * sub-plans once per iteration.
 */
import { InternalError, ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import type { PartialShape } from '../../shape.js';
import { defineOp, makeOp } from '../registry.js';
import { mergeShapes } from './shapes.js';

defineOp({
  type: 'Switch',
  infer: ([x, p]) => {
    if (p!.dtype !== 'bool') throw new TypeError(`Input 'pred' of 'Switch' Op has type ${p!.dtype} that does not match expected type of bool.`);
    if (p!.shape !== null && p!.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${p!.shape.length} for 'Switch' with input shapes: ${x!.shape === null ? '?' : `[${x!.shape.map((d) => d ?? '?').join(',')}]`}, [${p!.shape.map((d) => d ?? '?').join(',')}].`);
    return [{ dtype: x!.dtype, shape: x!.shape }, { dtype: x!.dtype, shape: x!.shape }];
  },
  lower: (_b, [x]) => [x!, x!],
});

defineOp({
  type: 'Merge',
  infer: (ins) => {
    const dt = ins[0]!.dtype;
    for (const t of ins) {
      if (t.dtype !== dt) throw new TypeError(`Inputs to 'Merge' have types [${ins.map((x) => x.dtype).join(', ')}] that don't all match.`);
    }
    let shape: PartialShape = ins[0]!.shape;
    for (const t of ins.slice(1)) shape = mergeShapes(shape, t.shape);
    return [{ dtype: dt, shape }, { dtype: 'int32', shape: [] }];
  },
  lower: () => {
    throw new InternalError('Merge runs on the host; it cannot be lowered');
  },
});

defineOp<{ frameName: string; isConstant: boolean; parallelIterations: number }>({
  type: 'Enter',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (_b, [x]) => [x!],
});

defineOp({
  type: 'Exit',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: () => {
    throw new InternalError('Exit runs on the host; it cannot be lowered');
  },
});

defineOp({
  type: 'NextIteration',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (_b, [x]) => [x!],
});

defineOp({
  type: 'LoopCond',
  infer: ([x]) => {
    if (x!.dtype !== 'bool') throw new TypeError(`Input 'input' of 'LoopCond' Op has type ${x!.dtype} that does not match expected type of bool.`);
    return [{ dtype: 'bool', shape: [] }];
  },
  lower: (_b, [x]) => [x!],
});

/** `Switch(data, pred)`: [output_false, output_true]. */
export function switchOp(data: Tensor, pred: Tensor, name?: string): [Tensor, Tensor] {
  const op = makeOp(data.graph, 'Switch', [data, pred], {}, name, 'Switch');
  return [op.outputs[0]!, op.outputs[1]!];
}

/** `Merge(inputs)`: [output, value_index]. */
export function mergeOp(inputs: Tensor[], name?: string): [Tensor, Tensor] {
  const op = makeOp(inputs[0]!.graph, 'Merge', inputs, {}, name, 'Merge');
  return [op.outputs[0]!, op.outputs[1]!];
}

export function enterOp(x: Tensor, frameName: string, isConstant: boolean, parallelIterations: number, name?: string): Tensor {
  return makeOp(x.graph, 'Enter', [x], { frameName, isConstant, parallelIterations }, name, 'Enter').outputs[0]!;
}

export function exitOp(x: Tensor, name?: string): Tensor {
  return makeOp(x.graph, 'Exit', [x], {}, name, 'Exit').outputs[0]!;
}

export function nextIterationOp(x: Tensor, name?: string): Tensor {
  return makeOp(x.graph, 'NextIteration', [x], {}, name, 'NextIteration').outputs[0]!;
}

export function loopCondOp(x: Tensor, name?: string): Tensor {
  return makeOp(x.graph, 'LoopCond', [x], {}, name, 'LoopCond').outputs[0]!;
}
