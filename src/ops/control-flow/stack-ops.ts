/**
 * TF's Stack ops (core/kernels/stack.cc): `StackV2`, `StackPushV2`, `StackPopV2`, `StackCloseV2`
 * and the older ref-handle `Stack`, `StackPush`, `StackPop`, `StackClose`. TF's gradient of a
 * `tf.while_loop` pushes each forward iteration's values onto one ("f_acc") and the gradient loop
 * pops them newest first; `ControlTrigger` ("b_sync") orders the pops of a gradient iteration.
 *
 * A stack is a per-step resource as in TF: it lives in the run's scratch store (shared by every
 * sub-run of one `Session.run`, so a loop's pushes and a later loop's pops see the same stack) and
 * goes with the run. The handle is an int32 scalar naming the stack in that store (tsflow has no
 * resource dtype; an int32 handle keeps a loop's ops on the loop's device), the stack's name being
 * `<stack_name or node name>_<counter>` as TF's. The ops run on the host; a top-level stack op
 * runs once per step, as every top-level op does in TF.
 */
import { type DType, tfName } from '../../dtype.js';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import type { Operation } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import type { PartialShape } from '../../shape.js';
import { registerHostOp, type HostContext } from '../../session/host-stage.js';
import { defineOp, registerGradient } from '../registry.js';
import { contextOf } from './context.js';

interface Stack {
  name: string;
  elemType: DType;
  maxSize: number;
  closed: boolean;
  items: NDArray[];
}

interface StackAttrs {
  [k: string]: unknown;
  elemType: DType;
  stackName: string;
  /** The popped value's shape where the graph records it (TF sets it from the pushed value). */
  shape?: PartialShape;
}

const STACKS = Symbol('stacks');
const CREATED = Symbol('stacks created');
let counter = 0;

function stacksOf(ctx: HostContext): Map<number, Stack> {
  let m = ctx.store.get(STACKS) as Map<number, Stack> | undefined;
  if (!m) ctx.store.set(STACKS, (m = new Map()));
  return m;
}

function lookup(op: Operation, h: NDArray, ctx: HostContext): Stack {
  if (h.dtype !== 'int32' || h.size !== 1) {
    throw new InvalidArgumentError(`${op.type} node '${op.name}': its handle is not a stack handle (${h.dtype} [${h.shape.join(',')}])`, op.name);
  }
  const id = Number(h.data[0]);
  const s = stacksOf(ctx).get(id);
  if (!s) throw new NotFoundError(`Resource _stacks/${id} does not exist.`, op.name);
  if (s.closed) throw new InvalidArgumentError(`Stack[${s.name}] has already been closed.`, op.name);
  return s;
}

function* create(op: Operation, maxSize: NDArray | undefined, ctx: HostContext): Generator<never, NDArray[]> {
  // A top-level op runs once per step: a second request for its value in the same run gets the same stack.
  const top = contextOf(op) === null;
  let made = ctx.store.get(CREATED) as Map<Operation, NDArray> | undefined;
  if (top && made?.has(op)) return [made.get(op)!];
  let size = -1;
  if (maxSize) {
    if (maxSize.rank !== 0) throw new InvalidArgumentError(`Stack size must be a scalar, but had shape: [${maxSize.shape.join(',')}]`, op.name);
    size = Number(maxSize.data[0]);
  }
  const a = op.attrs as StackAttrs;
  const id = counter++;
  const name = `${a.stackName || op.name}_${id}`;
  stacksOf(ctx).set(id, { name, elemType: a.elemType, maxSize: size, closed: false, items: [] });
  const h = new NDArray(Int32Array.of(id), [], 'int32');
  if (top) {
    if (!made) ctx.store.set(CREATED, (made = new Map()));
    made.set(op, h);
  }
  return [h];
}

function* push(op: Operation, [h, elem]: NDArray[], ctx: HostContext): Generator<never, NDArray[]> {
  const s = lookup(op, h!, ctx);
  if (elem!.dtype !== s.elemType) throw new InvalidArgumentError(`Must have type ${tfName(s.elemType)} but got ${tfName(elem!.dtype)}`, op.name);
  if (s.maxSize >= 0 && s.items.length >= s.maxSize) throw new InvalidArgumentError(`Stack[${s.name}] overflowed its max_size (${s.maxSize})`, op.name);
  s.items.push(elem!);
  return [elem!];
}

function* pop(op: Operation, [h]: NDArray[], ctx: HostContext): Generator<never, NDArray[]> {
  const s = lookup(op, h!, ctx);
  const v = s.items.pop();
  if (!v) throw new InvalidArgumentError(`Stack[${s.name}] is empty when calling Pop().`, op.name);
  return [v];
}

function* close(op: Operation, [h]: NDArray[], ctx: HostContext): Generator<never, NDArray[]> {
  const s = lookup(op, h!, ctx);
  s.items.length = 0;
  s.closed = true;
  return [];
}

const onHost = (t: string) => (): never => {
  throw new Error(`${t} runs on the host before the plan; it cannot be lowered`);
};
const handleOut = (): { dtype: DType; shape: PartialShape }[] => [{ dtype: 'int32', shape: [] }];

for (const [create_, push_, pop_, close_] of [
  ['StackV2', 'StackPushV2', 'StackPopV2', 'StackCloseV2'],
  ['Stack', 'StackPush', 'StackPop', 'StackClose'],
] as const) {
  defineOp<StackAttrs>({ type: create_, infer: handleOut, lower: onHost(create_), stateful: true });
  defineOp<{ swapMemory: boolean }>({
    type: push_,
    infer: ([, elem]) => [{ dtype: elem!.dtype, shape: elem!.shape }],
    lower: onHost(push_),
    stateful: true,
  });
  defineOp<StackAttrs>({ type: pop_, infer: (_ins, a) => [{ dtype: a.elemType, shape: a.shape ?? null }], lower: onHost(pop_), stateful: true });
  defineOp({ type: close_, infer: () => [], lower: onHost(close_), stateful: true });
  registerHostOp(create_, (op, ins, ctx) => create(op, ins[0], ctx));
  registerHostOp(push_, push);
  registerHostOp(pop_, pop);
  registerHostOp(close_, close);
  for (const t of [create_, push_, pop_, close_]) registerGradient(t, null);
}

/** TF's ControlTrigger: does nothing; its control inputs order work (a gradient loop's pops). */
defineOp({ type: 'ControlTrigger', infer: () => [], lower: () => [] });
registerGradient('ControlTrigger', null);

/** Whether a loop body holding `op` must run once per step (it acts on a stack). */
export const isStackOp = (op: Operation): boolean => /^Stack(V2|Push|PushV2|Pop|PopV2|Close|CloseV2)?$/.test(op.type);
