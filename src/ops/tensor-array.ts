/**
 * `tf.TensorArray` (TF1's graph-mode TensorArray). tsflow keeps a TensorArray's elements in its
 * `flow` tensor: the elements stacked along a new leading axis, `[size, ...elementShape]`. Every
 * operation is a pure function of that flow (a write gives a new flow with one row replaced), so
 * a TensorArray threaded through `tf.whileLoop` is an ordinary loop variable: its rows live in the
 * plan's buffers on every device, and gradients follow TF1's TensorArray rules (a read's gradient
 * is written to that index, a write's gradient is read from it, several reads of one index add
 * up) through the ops' own gradient functions. Until an element shape is known (no
 * `elementShape`, no write yet) the flow is a `[size, 0]` placeholder that the first write
 * replaces. A write past the end of a `dynamicSize` array grows it on the host before the write.
 *
 * Differences from TF1: reads never clear an element (`clearAfterRead` is accepted; reading an
 * index twice is allowed), writing an index twice replaces it, elements must share one shape
 * (`split` takes equal lengths), and a run-time index past the end of a fixed-size array is
 * checked when the index is known at plan time (a constant or a value derived from shapes).
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, isFullyDefined, pyShape, sizeOf } from '../shape.js';
import { registerHostOp } from '../session/host-stage.js';
import { reshapeLike, zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { subtract } from './math.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { isResident } from './resident.js';

// ----- plan-time helpers --------------------------------------------------------------------------

/** Whether `flow` is the `[size, 0]` placeholder of an array whose element shape is not yet known. */
function unset(flow: Val, value?: Val): boolean {
  if (flow.shape.length !== 2 || flow.shape[1] !== 0) return false;
  return !(value && value.shape.length === 1 && value.shape[0] === 0);
}

const ones = (k: number): number[] => new Array<number>(k).fill(1);

/** A bool `[n, 1, …, 1]` mask of the rows named by `idx` (a scalar or a vector of indices). */
function rowMask(b: Lower, n: number, idx: Val, restRank: number): Val {
  const i32 = idx.dtype === 'int32' ? idx : b.cast(idx, 'int32');
  const rows = b.range(n, 0, 1, 'int32');
  if (i32.shape.length === 0) {
    return b.binary('equal', b.reshape(rows, [n, ...ones(restRank)]), b.reshape(i32, ones(restRank + 1)));
  }
  const k = sizeOf(i32.shape);
  const hit = b.binary('equal', b.reshape(rows, [n, 1]), b.reshape(i32, [1, k]));
  const any = k === 0 ? b.fill([n, 1], 0, 'bool') : b.reduce('any', hit, [1], true);
  return b.reshape(any, [n, ...ones(restRank)]);
}

/**
 * For a scalar index: `[n]` int32 row numbers with `idx` replaced by `n`, so that gathering
 * them from `concat([rows, extra])` puts the extra row at `idx` (copies, no broadcasting select).
 */
function rowPerm(b: Lower, n: number, idx: Val): Val {
  const i32 = idx.dtype === 'int32' ? idx : b.cast(idx, 'int32');
  const rows = b.range(n, 0, 1, 'int32');
  return b.select(b.binary('equal', rows, b.reshape(i32, [1])), b.scalar(n, 'int32'), rows);
}

/** `rows` (n rows) with row `idx` replaced by `row` ([1, ...]). */
function replaceRow(b: Lower, rows: Val, idx: Val, row: Val): Val {
  const n = rows.shape[0]!;
  return b.gather(b.concat([rows, row], 0), rowPerm(b, n, idx), 0);
}

/** The index values when known at plan time, checked against the array size. */
function checkIndices(b: Lower, idx: Val, n: number, what: 'read from' | 'write to', dynamic: boolean): void {
  const v = b.constValue(idx);
  if (!v) return;
  for (const i of Array.from(v.data as ArrayLike<number>, Number)) {
    if (i < 0) throw new InvalidArgumentError(`Tried to ${what === 'read from' ? 'read from' : 'write to'} index ${i} but array size is: ${n}`, b.opName);
    if (i >= n && !dynamic) {
      throw new InvalidArgumentError(
        what === 'read from' ? `Tried to read from index ${i} but array size is: ${n}` : `Tried to write to index ${i} but array is not resizeable and size is: ${n}`,
        b.opName,
      );
    }
  }
}

function notWritten(b: Lower, idx: Val | null): InvalidArgumentError {
  const v = idx ? b.constValue(idx) : null;
  const at = v && v.data.length === 1 ? ` index ${Number(v.data[0])}` : idx ? ' an index' : ' index 0';
  return new InvalidArgumentError(`TensorArray ${b.opName}: Could not read from TensorArray${at} because it has not yet been written to.`, b.opName);
}

/** The flow a write lands in: the flow itself, or zeros of the written value's shape for a placeholder. */
function target(b: Lower, flow: Val, value: Val, elem: readonly number[]): Val {
  const n = flow.shape[0]!;
  if (unset(flow, value)) return b.fill([n, ...elem], 0, flow.dtype);
  const have = flow.shape.slice(1);
  if (have.length !== elem.length || have.some((d, i) => d !== elem[i])) {
    throw new InvalidArgumentError(
      `Could not write to TensorArray because the value shape is [${elem.join(',')}] which is incompatible with the TensorArray's inferred element shape: [${have.join(',')}] (consider setting infer_shape=False).`,
      b.opName,
    );
  }
  return flow;
}

// ----- ops ----------------------------------------------------------------------------------------

interface TAAttrs {
  [k: string]: unknown;
  dtype: DType;
  elementShape: PartialShape;
  dynamicSize: boolean;
  clearAfterRead: boolean;
  identicalElementShapes: boolean;
  tensorArrayName: string;
}

const flowShape = (n: Tensor, elem: PartialShape): PartialShape => {
  const c = n.op.type === 'Const' ? Number((n.op.attrs.value as NDArray).data[0]) : null;
  return elem === null ? null : [c, ...elem];
};

defineOp<TAAttrs>({
  type: 'TensorArrayV3',
  infer: ([size], a) => {
    if (size!.dtype !== 'int32') throw new TypeError(`Input 'size' of 'TensorArrayV3' Op has type ${size!.dtype} that does not match expected type of int32.`);
    return [{ dtype: a.dtype, shape: isFullyDefined(a.elementShape) ? flowShape(size!, a.elementShape) : null }];
  },
  lower: (b, [size], a) => {
    const v = b.requireValue(size!, () => new InvalidArgumentError('TensorArray needs its size known when the plan is built (a constant, or derived from tensor shapes)', b.opName));
    const n = Number(v.data[0]);
    if (n < 0) throw new InvalidArgumentError(`Size should be >= 0, got: ${n}`, b.opName);
    return [b.fill(isFullyDefined(a.elementShape) ? [n, ...a.elementShape] : [n, 0], 0, a.dtype)];
  },
});
registerGradient('TensorArrayV3', null);

/** `aggregate`: a gradient array's write, added to what the index holds (TF's multiple_writes_aggregate). */
defineOp<{ dynamicSize: boolean; aggregate?: boolean }>({
  type: 'TensorArrayWriteV3',
  infer: ([, value, flow]) => [{ dtype: flow!.dtype, shape: value!.shape === null ? null : [flow!.shape?.[0] ?? null, ...value!.shape] }],
  lower: (b, [index, value, flow], a) => {
    if (index!.shape.length !== 0) throw new InvalidArgumentError(`TensorArray index must be a scalar, got shape [${index!.shape.join(',')}]`, b.opName);
    const n = flow!.shape[0]!;
    checkIndices(b, index!, n, 'write to', a.dynamicSize);
    const buf = target(b, flow!, value!, value!.shape);
    let row = b.reshape(value!, [1, ...value!.shape]);
    if (a.aggregate && buf === flow) row = b.binary('add', b.gather(buf, b.reshape(index!.dtype === 'int32' ? index! : b.cast(index!, 'int32'), [1]), 0), row);
    // a loop's array in device storage: the row goes into the storage in place after the step
    if (buf === flow && isResident(flow!)) return [b.assignRows(flow!, b.reshape(index!, [1]), row)];
    return [replaceRow(b, buf, index!, row)];
  },
});

defineOp<{ elementShape: PartialShape }>({
  type: 'TensorArrayReadV3',
  infer: ([, flow], a) => [{ dtype: flow!.dtype, shape: a.elementShape ?? (flow!.shape === null ? null : flow!.shape.slice(1)) }],
  lower: (b, [index, flow]) => {
    if (unset(flow!)) throw notWritten(b, index!);
    const n = flow!.shape[0]!;
    checkIndices(b, index!, n, 'read from', false);
    return [b.gather(flow!, index!.dtype === 'int32' ? index! : b.cast(index!, 'int32'), 0)];
  },
});

defineOp<{ elementShape: PartialShape }>({
  type: 'TensorArrayGatherV3',
  infer: ([idx, flow], a) => {
    const elem = a.elementShape ?? (flow!.shape === null ? null : flow!.shape.slice(1));
    return [{ dtype: flow!.dtype, shape: elem === null || idx!.shape === null ? null : [...idx!.shape, ...elem] }];
  },
  lower: (b, [idx, flow]) => {
    if (unset(flow!)) throw notWritten(b, null);
    checkIndices(b, idx!, flow!.shape[0]!, 'read from', false);
    return [b.gather(flow!, idx!.dtype === 'int32' ? idx! : b.cast(idx!, 'int32'), 0)];
  },
});

defineOp<{ dynamicSize: boolean; aggregate?: boolean }>({
  type: 'TensorArrayScatterV3',
  infer: ([, value, flow]) => [{ dtype: flow!.dtype, shape: value!.shape === null ? null : [flow!.shape?.[0] ?? null, ...value!.shape.slice(1)] }],
  lower: (b, [idx, value, flow], a) => {
    if (idx!.shape.length !== 1) throw new InvalidArgumentError(`Expected indices to be a vector, but received shape: [${idx!.shape.join(',')}]`, b.opName);
    const k = idx!.shape[0]!;
    if (value!.shape[0] !== k) {
      throw new InvalidArgumentError(`Expected len(indices) == values.shape[0], but saw: ${k} vs. ${value!.shape[0]}`, b.opName);
    }
    const n = flow!.shape[0]!;
    checkIndices(b, idx!, n, 'write to', a.dynamicSize);
    const elem = value!.shape.slice(1);
    const buf = target(b, flow!, b.reshape(value!, [k, ...elem]), elem);
    const i32 = idx!.dtype === 'int32' ? idx! : b.cast(idx!, 'int32');
    const rows = b.scatterAdd(value!, i32, 0, n);
    if (a.aggregate) return [b.binary('add', buf, rows)];
    return [b.select(rowMask(b, n, i32, elem.length), rows, buf)];
  },
});

/** `unstack(value)`: rows 0..m-1 become value's rows (TF1's scatter over `range(m)`). */
defineOp<{ dynamicSize: boolean }>({
  type: 'TensorArrayUnstack',
  infer: ([value, flow]) => [{ dtype: flow!.dtype, shape: value!.shape === null ? null : [null, ...value!.shape.slice(1)] }],
  lower: (b, [value, flow], a) => {
    if (value!.shape.length < 1) throw new InvalidArgumentError('TensorArray unstack needs a value of rank >= 1', b.opName);
    const m = value!.shape[0]!;
    const n = flow!.shape[0]!;
    if (m > n && !a.dynamicSize) throw new InvalidArgumentError(`Tried to write to index ${n} but array is not resizeable and size is: ${n}`, b.opName);
    if (m >= n) return [value!];
    const elem = value!.shape.slice(1);
    const buf = target(b, flow!, b.slice(value!, value!.shape.map(() => 0), [1, ...elem]), elem);
    return [b.concat([value!, b.slice(buf, buf.shape.map((d, i) => (i === 0 ? m : 0)), [n - m, ...elem])], 0)];
  },
});

defineOp<{ elementShape: PartialShape }>({
  type: 'TensorArrayStack',
  infer: ([flow], a) => [{ dtype: flow!.dtype, shape: a.elementShape === null ? flow!.shape : [flow!.shape?.[0] ?? null, ...a.elementShape] }],
  lower: (b, [flow]) => {
    if (unset(flow!)) {
      if (flow!.shape[0] === 0) {
        throw new InvalidArgumentError('TensorArray has size zero, but element shape <unknown> is not fully defined. Currently only static shapes are supported when packing zero-size TensorArrays.', b.opName);
      }
      throw notWritten(b, null);
    }
    return [flow!];
  },
});

defineOp<{ elementShape: PartialShape }>({
  type: 'TensorArrayConcatV3',
  infer: ([flow], a) => {
    const e = a.elementShape;
    return [
      { dtype: flow!.dtype, shape: e === null || e.length === 0 ? null : [null, ...e.slice(1)] },
      { dtype: 'int64', shape: [null] },
    ];
  },
  lower: (b, [flow]) => {
    if (unset(flow!)) throw notWritten(b, null);
    const [n, ...elem] = flow!.shape as number[];
    if (elem.length === 0) throw new InvalidArgumentError('Concat saw a scalar shape at index 0 but requires at least vectors.', b.opName);
    const lengths = b.constant(new NDArray(new Float64Array(n!).fill(elem[0]!), [n!], 'int64'));
    return [b.reshape(flow!, [n! * elem[0]!, ...elem.slice(1)]), lengths];
  },
});

defineOp<{ dynamicSize: boolean }>({
  type: 'TensorArraySplitV3',
  infer: ([value, , flow]) => [{ dtype: flow!.dtype, shape: null }],
  lower: (b, [value, lengths, flow], a) => {
    const lv = b.requireValue(lengths!, () => new InvalidArgumentError('TensorArray split needs its lengths known when the plan is built', b.opName));
    const ls = Array.from(lv.data as ArrayLike<number>, Number);
    const total = ls.reduce((s, x) => s + x, 0);
    if (value!.shape.length < 1 || total !== value!.shape[0]) {
      throw new InvalidArgumentError(`Expected sum of lengths to be equal to values.shape[0], but sum of lengths is ${total} and value's shape is: [${value!.shape.join(',')}]`, b.opName);
    }
    if (ls.some((l) => l !== ls[0])) {
      throw new InvalidArgumentError(`TensorArray split: tsflow TensorArrays hold elements of one shape, so the lengths must be equal, got [${ls.join(',')}]`, b.opName);
    }
    const n = flow!.shape[0]!;
    if (ls.length > n && !a.dynamicSize) throw new InvalidArgumentError(`Tried to write to index ${n} but array is not resizeable and size is: ${n}`, b.opName);
    if (ls.length < n) throw new InvalidArgumentError(`TensorArray split: tsflow splits into every element, expected ${n} lengths, got ${ls.length}`, b.opName);
    return [b.reshape(value!, [ls.length, ls[0] ?? 0, ...value!.shape.slice(1)])];
  },
});

/**
 * TF's TensorArrayGradV3 as imported (graphdef/control-flow-import.ts): the gradient array's flow.
 * `fresh`: `flow_in` is the forward array's, and the gradient array is new (zeros of its shape);
 * otherwise `flow_in` already is the gradient array, passed on.
 */
defineOp<{ source: string; fresh: boolean }>({
  type: 'TensorArrayGradV3',
  infer: ([flow]) => [{ dtype: flow!.dtype, shape: flow!.shape }],
  lower: (b, [flow], a) => [a.fresh ? b.fill(flow!.shape, 0, flow!.dtype) : flow!],
});
registerGradient('TensorArrayGradV3', null);
/** TF's TensorArrayGradWithShape: as TensorArrayGradV3, a new array's elements shaped `shapeToPrepend` + the forward element shape. */
defineOp<{ source: string; fresh: boolean }>({
  type: 'TensorArrayGradWithShape',
  infer: ([flow]) => [{ dtype: flow!.dtype, shape: null }],
  lower: (b, [flow, pre], a) => {
    if (!a.fresh) return [flow!];
    const v = b.requireValue(pre!, () => new InvalidArgumentError('TensorArrayGradWithShape needs shape_to_prepend known when the plan is built', b.opName));
    const p = Array.from(v.data as ArrayLike<number>, Number);
    if (unset(flow!)) return [b.fill(flow!.shape, 0, flow!.dtype)];
    const [n, ...elem] = flow!.shape;
    return [b.fill([n!, ...p, ...elem], 0, flow!.dtype)];
  },
});
registerGradient('TensorArrayGradWithShape', null);

defineOp({
  type: 'TensorArraySizeV3',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lower: (b, [flow]) => [b.constant(new NDArray(Int32Array.of(flow!.shape[0]!), [], 'int32'))],
});
registerGradient('TensorArraySizeV3', null);

defineOp({
  type: 'TensorArrayCloseV3',
  infer: () => [],
  lower: () => [],
});
registerGradient('TensorArrayCloseV3', null);

/** A dynamic-size array grown (zero rows added) so that `index` (a scalar or vector) fits: on the host. */
defineOp({
  type: 'TensorArrayGrow',
  infer: ([flow]) => [{ dtype: flow!.dtype, shape: flow!.shape === null ? null : [null, ...flow!.shape.slice(1)] }],
  lower: () => {
    throw new InvalidArgumentError('TensorArrayGrow runs on the host; it cannot be lowered');
  },
});
registerHostOp('TensorArrayGrow', function* (_op, [flow, index]) {
  const idx = Array.from(index!.data as ArrayLike<number>, Number);
  const need = idx.length === 0 ? 0 : Math.max(...idx) + 1;
  const n = flow!.shape[0]!;
  if (need <= n) return [flow!];
  const rest = flow!.shape.slice(1);
  const row = sizeOf(rest);
  const Ctor = (flow!.data as unknown as { constructor: new (n: number) => ArrayLike<number> & { set(a: ArrayLike<number>): void } }).constructor;
  const data = new Ctor(need * row);
  data.set(flow!.data as ArrayLike<number>);
  return [new NDArray(data as never, [need, ...rest], flow!.dtype)];
});

// Gradient helpers: the gradient of a flow w.r.t. the flow it was made from.
defineOp({
  type: 'TensorArrayClearRows',
  infer: ([, , like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [d, idx, like]) => {
    if (unset(like!)) return [b.fill(like!.shape, 0, like!.dtype)];
    const n = like!.shape[0]!;
    const rows = d!.shape[0]! > n ? b.slice(d!, d!.shape.map(() => 0), [n, ...d!.shape.slice(1)]) : d!;
    if (idx!.shape.length === 0) {
      const zero = b.fill([1, ...rows.shape.slice(1)], 0, rows.dtype);
      if (rows === d && isResident(d!)) return [b.assignRows(d!, b.reshape(idx!, [1]), zero)];
      return [replaceRow(b, rows, idx!, zero)];
    }
    return [b.select(rowMask(b, n, idx!, rows.shape.length - 1), b.scalar(0, d!.dtype), rows)];
  },
});
/** The gradient of a read of rows `idx` of an array like `like`: `dy` at those rows, zeros elsewhere. */
function readGrad(b: Lower, dy: Val, idx: Val, like: Val): Val {
  const n = like.shape[0]!;
  const i32 = idx.dtype === 'int32' ? idx : b.cast(idx, 'int32');
  if (i32.shape.length === 0) {
    // rows gathered from [zeros, dy]: row idx takes dy, the others zeros
    const table = b.concat([b.fill([1, ...dy.shape], 0, dy.dtype), b.reshape(dy, [1, ...dy.shape])], 0);
    const pick = b.cast(b.binary('equal', b.range(n, 0, 1, 'int32'), b.reshape(i32, [1])), 'int32');
    return b.gather(table, pick, 0);
  }
  return b.scatterAdd(dy, i32, 0, n);
}
defineOp({
  type: 'TensorArrayReadGrad',
  infer: ([, , like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [dy, idx, like]) => [readGrad(b, dy!, idx!, like!)],
});
/**
 * `acc + TensorArrayReadGrad(dy, idx, like)`: a gradient loop's sum of a loop constant array's
 * read gradients. Over a loop's storage, for one index, only that row is added to, in place: the
 * same numbers, as the other rows' `acc + 0` is `acc` (a sum started at +0 is never -0).
 */
defineOp({
  type: 'TensorArrayAccumulateRead',
  infer: ([acc]) => [{ dtype: acc!.dtype, shape: acc!.shape }],
  lower: (b, [acc, dy, idx, like]) => {
    if (isResident(acc!) && idx!.shape.length === 0 && acc!.shape[0] === like!.shape[0]) {
      const i1 = b.reshape(idx!.dtype === 'int32' ? idx! : b.cast(idx!, 'int32'), [1]);
      const row = b.binary('add', b.gather(acc!, i1, 0), b.reshape(dy!, [1, ...dy!.shape]), 0);
      return [b.assignRows(acc!, i1, row)];
    }
    return [b.binary('add', acc!, readGrad(b, dy!, idx!, like!), 0)];
  },
});
defineOp({
  type: 'TensorArrayUnstackGrad',
  infer: ([, value, like]) => [{ dtype: value!.dtype, shape: value!.shape }, { dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [d, value, like]) => {
    const m = value!.shape[0]!;
    const n = like!.shape[0]!;
    const rest = d!.shape.slice(1);
    const dv = b.slice(d!, d!.shape.map(() => 0), [m, ...rest]);
    if (unset(like!) || m >= n) return [dv, b.fill(like!.shape, 0, like!.dtype)];
    const tail = b.slice(d!, d!.shape.map((_, i) => (i === 0 ? m : 0)), [n - m, ...rest]);
    return [dv, b.concat([b.fill([m, ...rest], 0, d!.dtype), tail], 0)];
  },
});
defineOp({
  type: 'TensorArrayShrink',
  infer: ([, like]) => [{ dtype: like!.dtype, shape: like!.shape }],
  lower: (b, [d, like]) => {
    if (unset(like!)) return [b.fill(like!.shape, 0, like!.dtype)];
    const n = like!.shape[0]!;
    return [d!.shape[0] === n ? d! : b.slice(d!, d!.shape.map(() => 0), [n, ...d!.shape.slice(1)])];
  },
});
for (const t of ['TensorArrayClearRows', 'TensorArrayReadGrad', 'TensorArrayAccumulateRead', 'TensorArrayUnstackGrad', 'TensorArrayShrink']) registerGradient(t, null);

registerGradient('TensorArrayWriteV3', (op, [d]) => {
  if (!d) return [null, null, null];
  const [index, , flow] = op.inputs as [Tensor, Tensor, Tensor];
  const dv = makeOp(op.graph, 'TensorArrayReadV3', [index, d], { elementShape: op.inputs[1]!.shape }, undefined, 'TensorArrayRead').outputs[0]!;
  const df = makeOp(op.graph, 'TensorArrayClearRows', [d, index, flow], {}, undefined, 'TensorArrayWrite_grad').outputs[0]!;
  return [null, dv, df];
});
registerGradient('TensorArrayReadV3', (op, [dy]) => {
  if (!dy) return [null, null];
  const [index, flow] = op.inputs as [Tensor, Tensor];
  return [null, makeOp(op.graph, 'TensorArrayReadGrad', [dy, index, flow], {}, undefined, 'TensorArrayRead_grad').outputs[0]!];
});
registerGradient('TensorArrayGatherV3', (op, [dy]) => {
  if (!dy) return [null, null];
  const [idx, flow] = op.inputs as [Tensor, Tensor];
  return [null, makeOp(op.graph, 'TensorArrayReadGrad', [dy, idx, flow], {}, undefined, 'TensorArrayGather_grad').outputs[0]!];
});
registerGradient('TensorArrayScatterV3', (op, [d]) => {
  if (!d) return [null, null, null];
  const [idx, value, flow] = op.inputs as [Tensor, Tensor, Tensor];
  const dv = makeOp(op.graph, 'TensorArrayGatherV3', [idx, d], { elementShape: value.shape === null ? null : value.shape.slice(1) }, undefined, 'TensorArrayGather').outputs[0]!;
  const df = makeOp(op.graph, 'TensorArrayClearRows', [d, idx, flow], {}, undefined, 'TensorArrayScatter_grad').outputs[0]!;
  return [null, dv, df];
});
registerGradient('TensorArrayUnstack', (op, [d]) => {
  if (!d) return [null, null];
  const [value, flow] = op.inputs as [Tensor, Tensor];
  const g = makeOp(op.graph, 'TensorArrayUnstackGrad', [d, value, flow], {}, undefined, 'TensorArrayUnstack_grad');
  return [g.outputs[0]!, g.outputs[1]!];
});
registerGradient('TensorArrayStack', (_op, [dy]) => [dy ?? null]);
registerGradient('TensorArrayConcatV3', (op, [dy]) => [dy ? reshapeLike(dy, op.inputs[0]!) : null]);
registerGradient('TensorArraySplitV3', (op, [d]) => {
  if (!d) return [null, null, null];
  return [reshapeLike(d, op.inputs[0]!), null, zerosLike(op.inputs[2]!)];
});
registerGradient('TensorArrayGrow', (op, [d]) => {
  if (!d) return [null, null];
  return [makeOp(op.graph, 'TensorArrayShrink', [d, op.inputs[0]!], {}, undefined, 'TensorArrayGrow_grad').outputs[0]!, null];
});

// ----- the TensorArray class ------------------------------------------------------------------------

/** What the TensorArrays sharing one array know: TF1 shares the element shape between them. */
interface Meta {
  dtype: DType;
  dynamicSize: boolean;
  clearAfterRead: boolean;
  inferShape: boolean;
  elementShape: PartialShape;
  /** The size when it is a constant (TF1's `tensor_util.constant_value(size)`), else null. */
  size: number | null;
  graph: Graph;
}

const CTOR_NAMES = ['dtype', 'size', 'dynamicSize', 'clearAfterRead', 'tensorArrayName', 'handle', 'flow', 'inferShape', 'elementShape', 'colocateWithFirstWriteCall', 'name'] as const;

function parsePartial(s: unknown, what: string): PartialShape {
  if (s === null || s === undefined) return null;
  if (!Array.isArray(s) || s.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 0))) {
    throw new TypeError(`TensorArray(): ${what} must be a shape (an array of non-negative integers or null), got ${String(s)}`);
  }
  return [...(s as (number | null)[])];
}

function mergeInto(meta: Meta, s: PartialShape): void {
  if (!meta.inferShape || s === null) return;
  const e = meta.elementShape;
  if (e === null) {
    meta.elementShape = [...s];
    return;
  }
  const ok = e.length === s.length && e.every((d, i) => d === null || s[i] === null || d === s[i]);
  if (!ok) throw new ValueError(`Inconsistent shapes: saw ${pyShape(s)} but expected ${pyShape(e)} (and infer_shape=True)`);
  meta.elementShape = e.map((d, i) => d ?? s[i]!);
}

const taMeta = new WeakMap<TensorArray, Meta>();
const FROM_FLOW = Symbol('fromFlow');

/**
 * `tf.TensorArray(dtype, size?, dynamicSize?, clearAfterRead?, tensorArrayName?, handle?, flow?,
 * inferShape = true, elementShape?, colocateWithFirstWriteCall?, name?)`, TF1's positional order,
 * any of them by keyword in a trailing object.
 */
export class TensorArray {
  /** The array's value: its elements stacked, `[size, ...elementShape]`. */
  readonly flow: Tensor;

  constructor(...args: unknown[]) {
    if (args[0] === FROM_FLOW) {
      taMeta.set(this, args[1] as Meta);
      this.flow = args[2] as Tensor;
      return;
    }
    const o = kwargs(args, CTOR_NAMES, 'TensorArray', 1);
    if (o.handle !== undefined && o.handle !== null) throw new ValueError('TensorArray(): wrapping an existing handle is not supported; tsflow TensorArrays are values carried by their flow');
    if (o.flow !== undefined && o.flow !== null) throw new ValueError('Cannot provide flow without handle');
    if (o.size === undefined || o.size === null) throw new ValueError('Size must be provided if handle is not provided');
    const dtype = parseDType(o.dtype as string);
    const g = o.size instanceof Tensor ? o.size.graph : getDefaultGraph();
    const meta: Meta = {
      dtype,
      dynamicSize: (o.dynamicSize as boolean | undefined) ?? false,
      clearAfterRead: (o.clearAfterRead as boolean | undefined) ?? true,
      inferShape: (o.inferShape as boolean | undefined) ?? true,
      elementShape: parsePartial(o.elementShape, 'element_shape'),
      size: null,
      graph: g,
    };
    taMeta.set(this, meta);
    const size = toTensor(o.size as TensorLike, 'int32', 'size');
    if (size.op.type === 'Const') meta.size = Number((size.op.attrs.value as NDArray).data[0]);
    this.flow = g.nameScope((o.name as string | undefined) ?? 'TensorArray', (scope) =>
      makeOp(g, 'TensorArrayV3', [size], {
        dtype,
        elementShape: meta.elementShape,
        dynamicSize: meta.dynamicSize,
        clearAfterRead: meta.clearAfterRead,
        identicalElementShapes: meta.inferShape,
        tensorArrayName: (o.tensorArrayName as string | undefined) ?? '',
      }, scope, 'TensorArrayV3').outputs[0]!,
    );
  }

  private get meta(): Meta {
    return taMeta.get(this)!;
  }

  private next(flow: Tensor): TensorArray {
    return TensorArray.fromFlow(this, flow);
  }

  /** A TensorArray sharing `like`'s array description, carried by `flow` (a loop's value of it). */
  static fromFlow(like: TensorArray, flow: Tensor): TensorArray {
    return new TensorArray(FROM_FLOW, like.meta, flow);
  }

  get dtype(): DType {
    return this.meta.dtype;
  }

  /** The element shape known so far (null: unknown). */
  get elementShape(): PartialShape {
    return this.meta.elementShape === null ? null : [...this.meta.elementShape];
  }

  /** TF1's handle: tsflow's arrays have no resource handle, the flow carries them. */
  get handle(): Tensor {
    return this.flow;
  }

  get dynamicSize(): boolean {
    return this.meta.dynamicSize;
  }

  private scoped<T>(name: string | undefined, dflt: string, fn: () => T): T {
    return this.meta.graph.nameScope(name ?? dflt, fn);
  }

  private value(v: TensorLike, what = 'value'): Tensor {
    const t = toTensor(v, this.meta.dtype, what);
    if (t.dtype !== this.meta.dtype) throw new ValueError(`TensorArray dtype is ${this.meta.dtype} but Op is trying to write dtype ${t.dtype} `);
    return t;
  }

  private index(i: TensorLike, what = 'index'): Tensor {
    const t = toTensor(i, typeof i === 'number' || Array.isArray(i) ? 'int32' : undefined, what);
    if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`TensorArray ${what} must be int32, got ${t.dtype}`);
    return t;
  }

  private grown(flow: Tensor, idx: Tensor): Tensor {
    return this.meta.dynamicSize ? makeOp(this.meta.graph, 'TensorArrayGrow', [flow, idx], {}, undefined, 'TensorArrayGrow').outputs[0]! : flow;
  }

  /** A TensorArray with the same elements (TF1's identity of the flow). */
  identity(): TensorArray {
    return this.next(makeOp(this.meta.graph, 'Identity', [this.flow], {}, undefined, 'Identity').outputs[0]!);
  }

  /** The element at `index`. */
  read(index: TensorLike, name?: string): Tensor {
    return this.scoped(name, 'TensorArrayRead', () => {
      const i = this.index(index);
      return makeOp(this.meta.graph, 'TensorArrayReadV3', [i, this.flow], { elementShape: this.meta.elementShape }, undefined, 'TensorArrayReadV3').outputs[0]!;
    });
  }

  /** A new TensorArray with `value` at `index`. */
  write(index: TensorLike, value: TensorLike, name?: string): TensorArray {
    return this.scoped(name, 'TensorArrayWrite', () => {
      const i = this.index(index);
      const v = this.value(value);
      mergeInto(this.meta, v.shape);
      const flow = makeOp(this.meta.graph, 'TensorArrayWriteV3', [i, v, this.grown(this.flow, i)], { dynamicSize: this.meta.dynamicSize }, undefined, 'TensorArrayWriteV3').outputs[0]!;
      return this.next(flow);
    });
  }

  /** Every element, stacked along a new first axis. */
  stack(name?: string): Tensor {
    return this.scoped(name, 'TensorArrayStack', () => {
      const m = this.meta;
      const v = makeOp(m.graph, 'TensorArrayStack', [this.flow], { elementShape: m.elementShape }, undefined, 'TensorArrayGatherV3').outputs[0]!;
      // TF1 sets [size, ...element_shape] when the size is a constant and the array not dynamic.
      if (m.elementShape !== null) (v as { shape: PartialShape }).shape = [!m.dynamicSize && m.size !== null ? m.size : null, ...m.elementShape];
      return v;
    });
  }

  /** The elements at `indices`, stacked. */
  gather(indices: TensorLike, name?: string): Tensor {
    return this.scoped(name, 'TensorArrayGather', () =>
      makeOp(this.meta.graph, 'TensorArrayGatherV3', [this.index(indices, 'indices'), this.flow], { elementShape: this.meta.elementShape }, undefined, 'TensorArrayGatherV3').outputs[0]!,
    );
  }

  /** Every element, concatenated along their first axis; the element lengths as the second output in TF (here the value only). */
  concat(name?: string): Tensor {
    return this.scoped(name, 'TensorArrayConcat', () =>
      makeOp(this.meta.graph, 'TensorArrayConcatV3', [this.flow], { elementShape: this.meta.elementShape }, undefined, 'TensorArrayConcatV3').outputs[0]!,
    );
  }

  /** A new TensorArray whose elements 0..n-1 are the rows of `value`. */
  unstack(value: TensorLike, name?: string): TensorArray {
    return this.scoped(name, 'TensorArrayUnstack', () => {
      const v = this.value(value);
      if (v.shape !== null) {
        if (v.shape.length === 0) throw new ValueError('Shape must be at least rank 1 but is rank 0');
        mergeInto(this.meta, v.shape.slice(1));
      }
      let flow = this.flow;
      if (this.meta.dynamicSize) {
        const last = makeOp(this.meta.graph, 'TensorArraySizeV3', [v], {}, undefined, 'num_elements').outputs[0]!;
        flow = makeOp(this.meta.graph, 'TensorArrayGrow', [flow, subtract(last, toTensor(1, 'int32'))], {}, undefined, 'TensorArrayGrow').outputs[0]!;
      }
      return this.next(makeOp(this.meta.graph, 'TensorArrayUnstack', [v, flow], { dynamicSize: this.meta.dynamicSize }, undefined, 'TensorArrayScatterV3').outputs[0]!);
    });
  }

  /** A new TensorArray with the rows of `value` at `indices`. */
  scatter(indices: TensorLike, value: TensorLike, name?: string): TensorArray {
    return this.scoped(name, 'TensorArrayScatter', () => {
      const i = this.index(indices, 'indices');
      const v = this.value(value);
      if (v.shape !== null && v.shape.length > 0) mergeInto(this.meta, v.shape.slice(1));
      return this.next(makeOp(this.meta.graph, 'TensorArrayScatterV3', [i, v, this.grown(this.flow, i)], { dynamicSize: this.meta.dynamicSize }, undefined, 'TensorArrayScatterV3').outputs[0]!);
    });
  }

  /** A new TensorArray of `value` split along its first axis into pieces of `lengths` (equal lengths). */
  split(value: TensorLike, lengths: TensorLike, name?: string): TensorArray {
    return this.scoped(name, 'TensorArraySplit', () => {
      const v = this.value(value);
      const l = toTensor(lengths, typeof lengths === 'number' || Array.isArray(lengths) ? 'int64' : undefined, 'lengths');
      const lc = l.op.type === 'Const' ? Array.from((l.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null;
      if (v.shape !== null && v.shape.length > 0) {
        const first = lc && lc.length > 0 && lc.every((x) => x === lc[0]) ? lc[0]! : null;
        mergeInto(this.meta, [first, ...v.shape.slice(1)]);
      }
      return this.next(makeOp(this.meta.graph, 'TensorArraySplitV3', [v, l, this.flow], { dynamicSize: this.meta.dynamicSize }, undefined, 'TensorArraySplitV3').outputs[0]!);
    });
  }

  /** The number of elements. */
  size(name?: string): Tensor {
    return this.scoped(name, 'TensorArraySize', () => makeOp(this.meta.graph, 'TensorArraySizeV3', [this.flow], {}, undefined, 'TensorArraySizeV3').outputs[0]!);
  }

  /** TF1's close: an op that does nothing here (the array is a value). */
  close(name?: string): Operation {
    return this.scoped(name, 'TensorArrayClose', () => makeOp(this.meta.graph, 'TensorArrayCloseV3', [this.flow], {}, undefined, 'TensorArrayCloseV3'));
  }

  grad(): never {
    throw new ValueError('TensorArray.grad(): tsflow differentiates TensorArrays through tf.gradients of their reads and stacks');
  }

  toString(): string {
    return `<tf.TensorArray '${this.flow.op.name}' dtype=${this.meta.dtype}>`;
  }
}

export const isTensorArray = (x: unknown): x is TensorArray => x instanceof TensorArray;
