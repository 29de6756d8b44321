/**
 * GraphDef export of tsflow's TensorArray ops in TF 1.15's form. tsflow keeps an array in its
 * flow; TF's ops take the array's resource handle first (TensorArrayV3's output :0, its flow
 * being :1), and a handle used inside a while loop enters each frame through a constant Enter
 * (one per array and frame, named after its first consumer as TF names it). tsflow's
 * TensorArrayUnstack / TensorArrayStack are written as the nodes TF's Python writes
 * (Shape/strided_slice/Range + TensorArrayScatterV3; TensorArraySizeV3 + Range +
 * TensorArrayGatherV3), TensorArrayGrow as an Identity of the flow (TF's dynamic arrays grow
 * inside their writes). Ops on an array the exporter cannot follow back to its TensorArrayV3
 * (tsflow's gradient loops) are returned as null: the caller writes them in tsflow's own form.
 */
import type { DType } from '../dtype.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import type { AttrValue, NodeDef } from '../proto/framework.js';
import { dtypeToEnum, shapeToProto, tensorToProto } from './tensor-proto.js';

const DT_RESOURCE = 20;
const DT_FLOAT = 1;
const enc = new TextEncoder();
const type = (d: DType): AttrValue => ({ type: dtypeToEnum(d) });
const shape = (s: PartialShape): AttrValue => ({ shape: shapeToProto(s) });

/** The TensorArray op types written in TF's form. */
export const TENSOR_ARRAY_EXPORT_TYPES = new Set([
  'TensorArrayV3', 'TensorArrayWriteV3', 'TensorArrayReadV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3',
  'TensorArrayUnstack', 'TensorArrayStack', 'TensorArrayConcatV3', 'TensorArraySplitV3', 'TensorArraySizeV3',
  'TensorArrayCloseV3', 'TensorArrayGrow', 'TensorArrayGradV3',
]);

/**
 * tsflow's own gradient ops of TensorArrays, and the ops of its gradient loops that read the
 * forward loop's tensors directly (across frames), which TF's form cannot carry: they are
 * written as UNEXPORTABLE_TYPE nodes naming the op, without their cross-frame inputs, which
 * import but fail when run (graphdef/opaque-ops.ts).
 */
export const GRADIENT_ONLY_TYPES = new Set(['TensorArrayClearRows', 'TensorArrayReadGrad', 'TensorArrayAccumulateRead', 'TensorArrayUnstackGrad', 'TensorArrayShrink']);
export const UNEXPORTABLE_TYPE = '_TsflowGradientLoopOp';

/** The node of an op tsflow cannot write in TF's form: its inputs, its type and output dtypes as attrs. */
export function unexportableNode(op: Operation, inputs: string[]): NodeDef {
  return {
    name: op.name,
    op: UNEXPORTABLE_TYPE,
    input: inputs,
    device: op.device,
    attr: {
      _tsflow_op: { s: enc.encode(op.type) },
      _tsflow_out_types: { list: { s: [], i: [], f: [], b: [], type: op.outputs.map((t) => dtypeToEnum(t.dtype)), shape: [], tensor: [], func: [] } },
    },
  };
}

const FLOW_OPS = new Set(['TensorArrayWriteV3', 'TensorArrayScatterV3', 'TensorArrayUnstack', 'TensorArraySplitV3', 'TensorArrayGrow']);
const PASS = /^(Enter|Identity|Switch|Merge|NextIteration|Exit|RefEnter|RefIdentity)$/;

/** The TensorArrayV3 (or imported TensorArrayGradV3) whose array `t` (a flow) holds, or null. */
export function arrayOfFlow(t: Tensor): Operation | null {
  const seen = new Set<Operation>();
  for (let x: Tensor | undefined = t; x && !seen.has(x.op); ) {
    const op: Operation = x.op;
    seen.add(op);
    if (op.type === 'TensorArrayV3' || op.type === 'TensorArrayGradV3') return op;
    if (FLOW_OPS.has(op.type)) x = op.type === 'TensorArrayGrow' ? op.inputs[0] : op.inputs[op.inputs.length - 1];
    else if (PASS.test(op.type)) x = op.inputs[0];
    else return null;
  }
  return null;
}

/** Whether `t` is a TensorArray's flow (TF's float scalar). */
export const isTensorArrayFlow = (t: Tensor): boolean => arrayOfFlow(t) !== null;
export const FLOW_T: AttrValue = { type: DT_FLOAT };

interface Frame {
  name: string;
  parent: Frame | null;
  parallelIterations: number;
}

const STATES = new WeakMap<Set<string>, State>();

interface State {
  frames: Map<Operation, Frame | null>;
  /** `<array>|<frame>` → the Enter node taking the array's handle into that frame. */
  enters: Map<string, string>;
}

/**
 * Each op's while-loop frame: Enter goes into its frame, Exit out of it, any other op is in its
 * inputs' frame (the latest-built input's: tsflow's gradient loops also read the forward loop's
 * tensors, across frames).
 */
function framesOf(g: Graph): Map<Operation, Frame | null> {
  const byName = new Map<string, Frame>();
  const m = new Map<Operation, Frame | null>();
  const order = new Map(g.operations.map((o, i) => [o, i]));
  for (const op of g.operations) {
    let f: Frame | null = null;
    let at = -1;
    for (const i of [...op.inputs.map((t) => t.op), ...op.controlInputs]) {
      if (m.has(i) && order.get(i)! > at) {
        f = m.get(i)!;
        at = order.get(i)!;
      }
    }
    if (op.type === 'Enter') {
      const name = op.attrs.frameName as string;
      const from = m.get(op.inputs[0]!.op) ?? null;
      let fr = byName.get(name);
      if (!fr) byName.set(name, (fr = { name, parent: from, parallelIterations: (op.attrs.parallelIterations as number) ?? 10 }));
      f = fr;
    } else if (op.type === 'Exit') f = f?.parent ?? null;
    m.set(op, f);
  }
  return m;
}

/** Frames per graph, recomputed when ops were added (op.nodeDef exports one op at a time). */
const FRAMES = new WeakMap<Graph, { n: number; frames: Map<Operation, Frame | null> }>();

function stateOf(op: Operation, taken: Set<string>): State {
  let st = STATES.get(taken);
  if (!st) {
    const g = op.graph;
    let f = FRAMES.get(g);
    if (!f || f.n !== g.operations.length) FRAMES.set(g, (f = { n: g.operations.length, frames: framesOf(g) }));
    STATES.set(taken, (st = { frames: f.frames, enters: new Map() }));
  }
  return st;
}

/**
 * The inputs of `op` built in another loop frame than its own (tsflow's gradient loops read the
 * forward loop's tensors directly, which a GraphDef cannot carry), or an empty list.
 */
export function crossFrameInputs(op: Operation, taken: Set<string>): Tensor[] {
  if (op.type === 'Enter' || op.type === 'Exit') return [];
  const { frames } = stateOf(op, taken);
  const f = frames.get(op) ?? null;
  return op.inputs.filter((t) => {
    const g = frames.get(t.op) ?? null;
    // ops without inputs (constants) belong to no frame
    return g !== f && !(t.op.inputs.length === 0 && t.op.controlInputs.length === 0);
  });
}


/** Names each extra node uniquely, TF-style (`name`, `name_1`, …). */
function unique(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

const inputName = (t: Tensor): string => (t.op.type === 'TensorArrayV3' || t.op.type === 'TensorArrayGradV3' ? `${t.op.name}:1` : t.index === 0 ? t.op.name : `${t.op.name}:${t.index}`);

/** Writes `op` (a type in TENSOR_ARRAY_EXPORT_TYPES) as TF's nodes, or null where it is not an array tsflow can follow. */
export function tensorArrayNodeDefs(op: Operation, taken: Set<string>): NodeDef[] | null {
  const state = stateOf(op, taken);
  const out: NodeDef[] = [];
  const ctrl = op.controlInputs.map((x) => `^${x.name}`);
  const frame = state.frames.get(op) ?? null;
  const node = (name: string, tfOp: string, input: string[], attr: Record<string, AttrValue>): string => {
    out.push({ name, op: tfOp, input, device: op.device, attr });
    return name;
  };
  // Consts made for an op in a loop are kept in its frame by a control input, as TF's pivot does.
  const anchor = frame ? op.inputs.map((t) => `^${t.op.name}`).slice(0, 1) : [];
  const constNode = (base: string, v: NDArray): string =>
    node(unique(taken, base), 'Const', anchor, { dtype: type(v.dtype), value: { tensor: tensorToProto(v) } });
  const i32 = (v: number[], s: number[]): NDArray => new NDArray(Int32Array.from(v), s, 'int32');
  /** value.shape[0] as TF's unstack computes it: Shape → strided_slice. */
  const leadingDim = (scope: string, value: Tensor, name?: string): string => {
    const sh = node(unique(taken, `${scope}/Shape`), 'Shape', [inputName(value)], { T: type(value.dtype), out_type: type('int32') });
    const b = constNode(`${scope}/strided_slice/stack`, i32([0], [1]));
    const e = constNode(`${scope}/strided_slice/stack_1`, i32([1], [1]));
    const s = constNode(`${scope}/strided_slice/stack_2`, i32([1], [1]));
    const m = (i: number): AttrValue => ({ i });
    return node(name ?? unique(taken, `${scope}/strided_slice`), 'StridedSlice', [sh, b, e, s], {
      T: type('int32'), Index: type('int32'), begin_mask: m(0), end_mask: m(0), ellipsis_mask: m(0), new_axis_mask: m(0), shrink_axis_mask: m(1),
    });
  };
  const range = (scope: string, limit: string): string => {
    const start = constNode(`${scope}/range/start`, i32([0], []));
    const delta = constNode(`${scope}/range/delta`, i32([1], []));
    return node(unique(taken, `${scope}/range`), 'Range', [start, limit, delta], { Tidx: type('int32') });
  };

  if (op.type === 'TensorArrayV3') {
    const a = op.attrs as Record<string, unknown>;
    node(op.name, 'TensorArrayV3', [...op.inputs.map(inputName), ...ctrl], {
      dtype: type(a.dtype as DType),
      element_shape: shape((a.elementShape as PartialShape) ?? null),
      dynamic_size: { b: !!a.dynamicSize },
      clear_after_read: { b: a.clearAfterRead === undefined ? true : !!a.clearAfterRead },
      identical_element_shapes: { b: !!a.identicalElementShapes },
      tensor_array_name: { s: enc.encode((a.tensorArrayName as string | undefined) ?? '') },
    });
    return out;
  }
  if (op.type === 'TensorArrayGrow') {
    if (!isTensorArrayFlow(op.inputs[0]!)) return null;
    node(op.name, 'Identity', [inputName(op.inputs[0]!), ...ctrl], { T: FLOW_T });
    return out;
  }
  // tsflow's unstack of a dynamic array sizes its value with TensorArraySizeV3: TF's value.shape[0]
  if (op.type === 'TensorArraySizeV3' && !isTensorArrayFlow(op.inputs[0]!)) {
    leadingDim(op.name, op.inputs[0]!, op.name);
    out.at(-1)!.input.push(...ctrl);
    return out;
  }

  const flow = op.inputs[op.inputs.length - 1]!;
  const ta = arrayOfFlow(flow);
  if (!ta) return null;
  // the handle, entered into each frame between the array's and the op's
  const taFrame = state.frames.get(ta) ?? null;
  const path: Frame[] = [];
  for (let f = frame; f && f !== taFrame; f = f.parent) path.unshift(f);
  if (taFrame && !path.length && frame !== taFrame) return null;
  let handle = ta.name;
  for (const f of path) {
    const key = `${ta.name}|${f.name}`;
    let e = state.enters.get(key);
    if (!e) {
      e = node(unique(taken, `${op.name}/Enter`), 'Enter', [handle], {
        T: { type: DT_RESOURCE }, frame_name: { s: enc.encode(f.name) }, is_constant: { b: true }, parallel_iterations: { i: f.parallelIterations },
      });
      state.enters.set(key, e);
    }
    handle = e;
  }
  const fl = inputName(flow);
  // TF's Python names the helper nodes of unstack/stack in the method's scope
  const scope = op.name.includes('/') ? op.name.slice(0, op.name.lastIndexOf('/')) : op.name;
  const ins = op.inputs.map(inputName);
  const a = op.attrs as Record<string, unknown>;
  const dtype = type(flow.dtype);
  const elemOf = (t: Tensor, lead: number): PartialShape => {
    const s = (a.elementShape as PartialShape | undefined) ?? null;
    if (s !== null) return s;
    return t.shape === null ? null : t.shape.slice(lead);
  };
  switch (op.type) {
    case 'TensorArrayWriteV3':
      node(op.name, op.type, [handle, ins[0]!, ins[1]!, fl, ...ctrl], { T: type(op.inputs[1]!.dtype) });
      break;
    case 'TensorArrayScatterV3':
      node(op.name, op.type, [handle, ins[0]!, ins[1]!, fl, ...ctrl], { T: type(op.inputs[1]!.dtype) });
      break;
    case 'TensorArrayReadV3':
      node(op.name, op.type, [handle, ins[0]!, fl, ...ctrl], { dtype });
      break;
    case 'TensorArrayGatherV3': {
      const idxRank = op.inputs[0]!.shape?.length ?? 1;
      node(op.name, op.type, [handle, ins[0]!, fl, ...ctrl], { dtype, element_shape: shape(elemOf(op.outputs[0]!, idxRank)) });
      break;
    }
    case 'TensorArrayConcatV3': {
      const e = (a.elementShape as PartialShape | undefined) ?? null;
      node(op.name, op.type, [handle, fl, ...ctrl], { dtype, element_shape_except0: shape(e === null || e.length === 0 ? null : e.slice(1)) });
      break;
    }
    case 'TensorArraySplitV3': {
      let lengths = ins[1]!;
      // TF's lengths are int64
      if (op.inputs[1]!.dtype !== 'int64') lengths = node(unique(taken, `${op.name}/Cast`), 'Cast', [lengths], { SrcT: type(op.inputs[1]!.dtype), DstT: type('int64'), Truncate: { b: false } });
      node(op.name, op.type, [handle, ins[0]!, lengths, fl, ...ctrl], { T: type(op.inputs[0]!.dtype) });
      break;
    }
    case 'TensorArraySizeV3':
      node(op.name, op.type, [handle, fl, ...ctrl], {});
      break;
    case 'TensorArrayCloseV3':
      node(op.name, op.type, [handle, ...ctrl], {});
      break;
    case 'TensorArrayGradV3':
      node(op.name, op.type, [handle, fl, ...ctrl], { source: { s: enc.encode((a.source as string | undefined) ?? '') } });
      break;
    case 'TensorArrayUnstack': {
      const value = op.inputs[0]!;
      const idx = range(scope, leadingDim(scope, value));
      node(op.name, 'TensorArrayScatterV3', [handle, idx, ins[0]!, fl, ...ctrl], { T: type(value.dtype) });
      break;
    }
    case 'TensorArrayStack': {
      const size = node(unique(taken, `${scope}/TensorArraySizeV3`), 'TensorArraySizeV3', [handle, fl], {});
      const idx = range(scope, size);
      node(op.name, 'TensorArrayGatherV3', [handle, idx, fl, ...ctrl], { dtype, element_shape: shape(elemOf(op.outputs[0]!, 1)) });
      break;
    }
    default:
      return null;
  }
  return out;
}
