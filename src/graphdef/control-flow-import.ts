/**
 * Importing TF1's dataflow control flow (control flow v1: Switch, Merge, Enter, Exit,
 * NextIteration, LoopCond and their Ref variants) and the TensorArrayV3 ops that
 * `tf.nn.dynamic_rnn` emits. The nodes become tsflow's own ops of the same types; the structure
 * around them is then recognised and rebuilt as the contexts tsflow's `tf.cond` and
 * `tf.whileLoop` build (context.ts), so an imported loop or cond runs exactly as one built here:
 *
 * - frames: each node is placed in a frame as TF's executor does (an Enter's output is in the
 *   child frame named by its `frame_name`, an Exit's in its input's parent frame, every other
 *   node in its inputs' frame); a frame is one WhileContext. Loop variables are the Enters with
 *   `is_constant` false, each feeding a Merge whose other input is a NextIteration; the Merge's
 *   Switch on the frame's LoopCond gives the body's input (`:1`) and the Exit (`:0`). Enters
 *   with `is_constant` true are the loop's invariants.
 * - conds: every other Merge joins the branches of Switches on one predicate; a Merge nested in
 *   an outer branch gets that branch as its context, so an outer Merge sees it live only where
 *   that branch is taken.
 *
 * A structure that does not fit (a Merge without its NextIteration, a loop without LoopCond,
 * inputs from different frames) is an InvalidArgumentError naming the node.
 */
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import type { PartialShape } from '../shape.js';
import { CondContext, WhileContext, condMerges, setContext } from '../ops/control-flow/context.js';
import { enterOp, switchOp } from '../ops/control-flow/ops.js';
import { ONCE_PER_STEP, switchDeps } from '../ops/control-flow/exec.js';
import { makeOp } from '../ops/registry.js';
import { fitsInvariant, mergeShapes } from '../ops/control-flow/shapes.js';
import '../ops/tensor-array.js';
import type { NodeDef } from '../proto/framework.js';
import { type ImportCtx, type ImportRule, foldConst, make } from './import-rules.js';
import { STACK_RULES } from './stack-graphdef.js';
import { isStackOp } from '../ops/control-flow/stack-ops.js';

/** The Ref variants import as the plain ops (a tsflow variable's reference is its value). */
const BASE: Record<string, string> = {
  Switch: 'Switch', RefSwitch: 'Switch',
  Merge: 'Merge', RefMerge: 'Merge',
  Enter: 'Enter', RefEnter: 'Enter',
  Exit: 'Exit', RefExit: 'Exit',
  NextIteration: 'NextIteration', RefNextIteration: 'NextIteration',
  LoopCond: 'LoopCond',
};

/** TF op types tsflow knows but does not import: the older TensorArray ops, Abort. */
export const UNSUPPORTED_CONTROL_FLOW = new Set([
  'TensorArrayV2', 'TensorArrayWriteV2', 'TensorArrayReadV2',
  'TensorArrayGatherV2', 'TensorArrayScatterV2', 'TensorArraySizeV2', 'TensorArrayConcatV2', 'TensorArraySplitV2',
  'TensorArrayCloseV2', 'Abort',
]);

/** Whether input `s` of `node` is a loop's back edge (a Merge fed by a NextIteration). */
export function isBackEdge(node: NodeDef, src: NodeDef | undefined): boolean {
  return BASE[node.op] === 'Merge' && src !== undefined && BASE[src.op] === 'NextIteration';
}

/** Each imported TensorArrayGradV3: the forward TensorArrayV3 it is the gradient array of. */
const GRAD_OF = new WeakMap<Operation, Operation>();

/**
 * The TensorArrayV3 a handle or flow tensor comes from (through Enter, Identity, Switch, Merge),
 * and whether the tensor is the handle of its gradient array (a TensorArrayGradV3's).
 */
function arrayOf(t: Tensor): { ta: Operation; grad: Operation | null; entered: boolean } | null {
  const seen = new Set<Operation>();
  let entered = false;
  for (let x: Tensor | undefined = t; x && !seen.has(x.op); ) {
    seen.add(x.op);
    if (x.op.type === 'TensorArrayV3') return { ta: x.op, grad: null, entered };
    if (x.op.type === 'TensorArrayGradV3' || x.op.type === 'TensorArrayGradWithShape') {
      const ta = GRAD_OF.get(x.op);
      return ta ? { ta, grad: x.op, entered } : null;
    }
    if (x.op.type === 'Enter') entered = true;
    if (!/^(Enter|Identity|Switch|Merge|NextIteration|Exit|TensorArray\w+)$/.test(x.op.type)) return null;
    // a TensorArray op's flow is its last input
    x = x.op.type.startsWith('TensorArray') ? x.op.inputs[x.op.inputs.length - 1] : x.op.inputs[0];
  }
  return null;
}

function arrayAttrs(c: ImportCtx, handle: Tensor, shapeAttr = 'element_shape'): { dynamicSize: boolean; elementShape: PartialShape; grad: boolean; ta: Operation; flow: (f: Tensor) => Tensor } {
  const a = arrayOf(handle);
  if (!a) {
    throw new UnimplementedError(`${c.node.op} node '${c.node.name}': its handle does not come from a TensorArrayV3 node tsflow can follow (it comes from ${handle.op.type} '${handle.op.name}')`, c.name);
  }
  const own = c.attrs.has(shapeAttr) ? c.attrs.shape(shapeAttr, true) : null;
  let elementShape = (a.ta.attrs.elementShape as PartialShape) ?? own;
  if (a.grad?.type === 'TensorArrayGradWithShape') {
    // its elements are shape_to_prepend + the forward array's element shape
    const pre = foldConst(a.grad.inputs[1]!);
    elementShape = pre && elementShape ? [...Array.from(pre.data as ArrayLike<number>, Number), ...elementShape] : own;
  }
  // TF's TensorArray.grad() gives the gradient array the forward flow (its `gradient_flow`
  // identity): in tsflow that array's value is the TensorArrayGradV3's output.
  const g = a.grad;
  const flow = (f: Tensor): Tensor => (g && !a.entered && carriesForward(f) ? g.outputs[0]! : f);
  return { dynamicSize: Boolean(a.ta.attrs.dynamicSize), elementShape, grad: g !== null, ta: a.ta, flow };
}

/**
 * Whether a TensorArrayGradV3's `flow_in` carries the forward array (its gradient array is then
 * new: zeros of the forward array's shape) rather than the gradient array itself (a gradient
 * flow: the array's accumulated gradients so far, which the op passes on). TF keeps one gradient
 * array per (array, source) as a resource; tsflow's arrays are their flows, and TF's gradient
 * graphs thread each gradient array's flow from the op that first created it, so where the flow
 * comes from says which it is. Values popped off a stack are forward values.
 */
function carriesForward(t: Tensor): boolean {
  const seen = new Set<Operation>();
  const walk = (x: Tensor): boolean | null => {
    const op = x.op;
    if (seen.has(op)) return null;
    seen.add(op);
    if (op.type === 'TensorArrayV3' || /^StackPop/.test(op.type)) return true;
    if (op.type === 'TensorArrayGradV3' || op.type === 'TensorArrayGradWithShape') return false;
    if (/^(Enter|Identity|Switch|Exit|NextIteration|TensorArrayGrow)$/.test(op.type)) return walk(op.inputs[0]!);
    if (op.type === 'Merge') {
      for (const i of op.inputs) {
        const r = walk(i);
        if (r !== null) return r;
      }
      return null;
    }
    if (op.type.startsWith('TensorArray') && op.inputs.length > 0) return walk(op.inputs[op.inputs.length - 1]!);
    // an accumulator's zeros, a sum of gradients: a gradient flow
    return false;
  };
  return walk(t) === true;
}

function grown(c: ImportCtx, flow: Tensor, index: Tensor, dynamic: boolean): Tensor {
  if (!dynamic) return flow;
  return makeOp(c.g, 'TensorArrayGrow', [flow, index], {}, `${c.name}/Grow/`, 'TensorArrayGrow').outputs[0]!;
}

/** A node's outputs where they are not its op's (TensorArrayV3: the handle and the flow are both the flow). */
export const OUTPUT_ALIASES = new WeakMap<Operation, Tensor[]>();

export const CONTROL_FLOW_RULES = new Map<string, ImportRule>();
for (const [tf, base] of Object.entries(BASE)) {
  CONTROL_FLOW_RULES.set(tf, (c) => {
    if (base === 'Enter') {
      return make(c, 'Enter', c.inputs, {
        frameName: c.attrs.string('frame_name'),
        isConstant: c.attrs.bool('is_constant', false),
        parallelIterations: c.attrs.int('parallel_iterations', 10),
      });
    }
    if (base === 'Merge' && c.inputs.length < 2) {
      throw new InvalidArgumentError(`Merge node '${c.node.name}' has ${c.inputs.length} input(s); a Merge joins at least two`, c.name);
    }
    return make(c, base, c.inputs);
  });
}

// TF's TensorArrayV3 gives (handle, flow); tsflow's array lives in its flow, so both are the flow.
// Every other TensorArray op takes the handle first and the flow last: the handle is dropped.
CONTROL_FLOW_RULES.set('TensorArrayV3', (c) => {
  const op = make(c, 'TensorArrayV3', c.inputs, {
    dtype: c.attrs.type('dtype'),
    elementShape: c.attrs.shape('element_shape', true),
    dynamicSize: c.attrs.bool('dynamic_size', false),
    clearAfterRead: c.attrs.bool('clear_after_read', true),
    identicalElementShapes: c.attrs.bool('identical_element_shapes', false),
    tensorArrayName: c.attrs.string('tensor_array_name', ''),
  });
  OUTPUT_ALIASES.set(op, [op.outputs[0]!, op.outputs[0]!]);
  return op;
});
// TF's gradient arrays add up several writes of one index (multiple_writes_aggregate).
CONTROL_FLOW_RULES.set('TensorArrayWriteV3', (c) => {
  const [h, index, value, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  return make(c, 'TensorArrayWriteV3', [index!, value!, grown(c, a.flow(flow!), index!, a.dynamicSize)], { dynamicSize: a.dynamicSize, ...(a.grad ? { aggregate: true } : {}) });
});
CONTROL_FLOW_RULES.set('TensorArrayReadV3', (c) => {
  const [h, index, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  return make(c, 'TensorArrayReadV3', [index!, a.flow(flow!)], { elementShape: a.elementShape });
});
CONTROL_FLOW_RULES.set('TensorArrayGatherV3', (c) => {
  const [h, idx, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  return make(c, 'TensorArrayGatherV3', [idx!, a.flow(flow!)], { elementShape: a.elementShape });
});
CONTROL_FLOW_RULES.set('TensorArrayScatterV3', (c) => {
  const [h, idx, value, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  return make(c, 'TensorArrayScatterV3', [idx!, value!, grown(c, a.flow(flow!), idx!, a.dynamicSize)], { dynamicSize: a.dynamicSize, ...(a.grad ? { aggregate: true } : {}) });
});
CONTROL_FLOW_RULES.set('TensorArrayConcatV3', (c) => {
  const [h, flow] = c.inputs;
  const a = arrayAttrs(c, h!, 'element_shape_except0');
  return make(c, 'TensorArrayConcatV3', [a.flow(flow!)], { elementShape: a.elementShape });
});
CONTROL_FLOW_RULES.set('TensorArraySplitV3', (c) => {
  const [h, value, lengths, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  return make(c, 'TensorArraySplitV3', [value!, lengths!, a.flow(flow!)], { dynamicSize: a.dynamicSize });
});
CONTROL_FLOW_RULES.set('TensorArraySizeV3', (c) => {
  const [h, flow] = c.inputs;
  arrayAttrs(c, h!);
  return make(c, 'TensorArraySizeV3', [flow!]);
});
// TF's TensorArrayGradV3(handle, flow_in) → (grad_handle, flow_out): tsflow's gradient array is
// its flow, so both outputs are that flow (see carriesForward for which array it is).
CONTROL_FLOW_RULES.set('TensorArrayGradV3', (c) => {
  const [h, flow] = c.inputs;
  const a = arrayAttrs(c, h!);
  const op = make(c, 'TensorArrayGradV3', [flow!], { source: c.attrs.string('source'), fresh: carriesForward(flow!) });
  GRAD_OF.set(op, a.ta);
  OUTPUT_ALIASES.set(op, [op.outputs[0]!, op.outputs[0]!]);
  return op;
});
// TensorArrayGradWithShape(handle, flow_in, shape_to_prepend): the same, its elements shaped
// shape_to_prepend + the forward array's element shape.
CONTROL_FLOW_RULES.set('TensorArrayGradWithShape', (c) => {
  const [h, flow, pre] = c.inputs;
  const a = arrayAttrs(c, h!);
  const op = make(c, 'TensorArrayGradWithShape', [flow!, pre!], { source: c.attrs.string('source'), fresh: carriesForward(flow!) });
  GRAD_OF.set(op, a.ta);
  OUTPUT_ALIASES.set(op, [op.outputs[0]!, op.outputs[0]!]);
  return op;
});
for (const [t, r] of STACK_RULES) CONTROL_FLOW_RULES.set(t, r);
CONTROL_FLOW_RULES.set('TensorArrayCloseV3', (c) => {
  arrayAttrs(c, c.inputs[0]!);
  return make(c, 'TensorArrayCloseV3', [c.inputs[0]!]);
});

// ----- rebuilding the contexts -----------------------------------------------------------------

interface Frame {
  name: string;
  parent: Frame | null;
  ctx: WhileContext | null;
}

const bad = (node: string, msg: string): InvalidArgumentError => new InvalidArgumentError(msg, node);

/**
 * After the nodes are ops (`order`: creation order, every op after its inputs but the loops'
 * back edges): the loops' and conds' contexts, as tf.whileLoop and tf.cond would have built them.
 */
export function rebuildControlFlow(g: Graph, order: Operation[], local: (op: Operation) => string): void {
  if (!order.some((op) => op.type === 'Enter' || op.type === 'Merge' || op.type === 'Switch')) return;
  const root: Frame = { name: '', parent: null, ctx: null };
  const frames = new Map<string, Frame>();
  const frameOf = new Map<Operation, Frame>();
  const consumers = new Map<Operation, Operation[]>();
  for (const op of order) {
    for (const t of op.inputs) {
      const l = consumers.get(t.op) ?? [];
      if (!l.includes(op)) l.push(op);
      consumers.set(t.op, l);
    }
  }
  const inputFrame = (op: Operation, t: Tensor): Frame => {
    const f = frameOf.get(t.op);
    // Inputs mapped from outside the GraphDef (input_map) are at the top level.
    if (!f) return root;
    if (t.op.type === 'Exit') {
      if (!f.parent) throw bad(local(op), `Node '${local(op)}': its input '${local(t.op)}' is an Exit of no frame`);
      return f.parent;
    }
    return f;
  };
  for (const op of order) {
    let f: Frame;
    if (op.type === 'Enter') {
      const outer = inputFrame(op, op.inputs[0]!);
      const name = op.attrs.frameName as string;
      let fr = frames.get(name);
      if (!fr) frames.set(name, (fr = { name, parent: outer, ctx: null }));
      else if (fr.parent !== outer) {
        throw bad(local(op), `Enter node '${local(op)}' enters frame '${name}' from frame '${outer.name}', but other Enters of it come from frame '${fr.parent!.name}'`);
      }
      f = fr;
    } else {
      // A loop's Merge is in its Enter's frame (its other input, the NextIteration, comes later).
      const ins = op.type === 'Merge' ? op.inputs.filter((t) => t.op.type !== 'NextIteration') : op.inputs;
      const all = [...ins.map((t) => ({ t: t.op, f: inputFrame(op, t) })), ...op.controlInputs.map((o) => ({ t: o, f: frameOf.get(o) ?? root }))];
      f = all[0]?.f ?? root;
      for (const x of all) {
        if (x.f !== f) {
          throw bad(
            local(op),
            `The node '${local(op)}' has inputs from different frames. The input '${local(all[0]!.t)}' is in frame '${f.name}'. The input '${local(x.t)}' is in frame '${x.f.name}'.`,
          );
        }
      }
    }
    frameOf.set(op, f);
  }
  // NextIterations must be in their Merge's frame.
  for (const op of order) {
    if (op.type !== 'NextIteration') continue;
    const m = (consumers.get(op) ?? []).find((x) => x.type === 'Merge');
    if (!m) throw bad(local(op), `NextIteration node '${local(op)}' feeds no Merge`);
    if (frameOf.get(m) !== frameOf.get(op)) {
      throw bad(local(op), `NextIteration node '${local(op)}' is in frame '${frameOf.get(op)!.name}' but its Merge '${local(m)}' is in frame '${frameOf.get(m)!.name}'`);
    }
  }
  // One WhileContext per frame, outer frames first.
  const ctxOf = (fr: Frame): WhileContext | null => {
    if (fr === root) return null;
    if (fr.ctx) return fr.ctx;
    const outer = ctxOf(fr.parent!);
    const enters = order.filter((op) => op.type === 'Enter' && op.attrs.frameName === fr.name);
    const make = (): WhileContext => new WhileContext(g, fr.name, (enters[0]?.attrs.parallelIterations as number | undefined) ?? 10, false, enterOp);
    fr.ctx = outer ? outer.enter(make) : g.controlDependencies(null, () => withNoContext(g, make));
    return fr.ctx;
  };
  for (const fr of frames.values()) buildLoop(g, fr, ctxOf(fr)!, order, frameOf, consumers, local);
  // Every op in a frame belongs to its loop (an Exit to the loop it leaves).
  for (const op of order) {
    const fr = op.type === 'Exit' ? frameOf.get(op.inputs[0]!.op) : frameOf.get(op);
    const w = fr ? ctxOf(fr) : null;
    if (w && op.type !== 'Merge') setContext(op, w);
  }
  // A top-level loop whose iterations push onto or pop from a stack (TF's while-loop gradient)
  // runs once per step, as TF runs it, however many sub-runs ask for its results.
  for (const fr of frames.values()) {
    if (fr.parent === root && order.some((op) => frameOf.get(op) === fr && isStackOp(op))) ONCE_PER_STEP.add(ctxOf(fr)!);
  }
  // Cond Merges: the branch each is nested in, innermost first (creation order).
  for (const op of order) {
    if (op.type !== 'Merge') continue;
    const w = frameOf.get(op) === root ? null : ctxOf(frameOf.get(op)!);
    if (w && w.merges.includes(op)) continue;
    const own = op.inputs.flatMap((t) => switchDeps(t, new Map()));
    const preds = [...new Set(own.map((s) => s.op.inputs[1]!))];
    if (own.length === 0) throw bad(local(op), `Merge node '${local(op)}' is neither a loop's Merge (no NextIteration input) nor a cond's (no input depends on a Switch)`);
    if (preds.length === 1) condMerges.set(op, preds[0]!);
    const outerSwitches = own
      .flatMap((s) => [...switchDeps(s.op.inputs[0]!, new Map()), ...switchDeps(s.op.inputs[1]!, new Map())])
      .filter((s) => s.op.inputs[1]!.op.type !== 'LoopCond');
    const s0 = outerSwitches[0];
    if (s0) {
      const branch = (w ?? null) ? w!.enter(() => new CondContext(g, s0.op.inputs[1]!, s0.index as 0 | 1, switchOp)) : withNoContext(g, () => new CondContext(g, s0.op.inputs[1]!, s0.index as 0 | 1, switchOp));
      branch.pivot = s0;
      setContext(op, branch);
    } else if (w) {
      setContext(op, w);
    }
  }
}

/**
 * Whether a loop value is a TensorArray's flow: a TensorArray op's, or a sum of such (TF's b_acc
 * accumulator of a loop constant array's gradient flows starts at a scalar zero).
 */
function flowLike(v: Tensor, depth = 0): boolean {
  if (/^TensorArray/.test(v.op.type)) return true;
  if (depth > 4 || !/^(Add|AddV2|AddN|Identity)$/.test(v.op.type)) return false;
  return v.op.inputs.some((x) => flowLike(x, depth + 1));
}

function withNoContext<T>(g: Graph, fn: () => T): T {
  const old = g.controlFlowContext;
  g.controlFlowContext = null;
  try {
    return fn();
  } finally {
    g.controlFlowContext = old;
  }
}

function buildLoop(
  g: Graph,
  fr: Frame,
  w: WhileContext,
  order: Operation[],
  frameOf: Map<Operation, Frame>,
  consumers: Map<Operation, Operation[]>,
  local: (op: Operation) => string,
): void {
  const enters = order.filter((op) => op.type === 'Enter' && op.attrs.frameName === fr.name);
  const inFrame = order.filter((op) => frameOf.get(op) === fr);
  const conds = inFrame.filter((op) => op.type === 'LoopCond');
  const vars = enters.filter((e) => !e.attrs.isConstant);
  if (vars.length === 0) throw bad(local(enters[0]!), `Frame '${fr.name}' (Enter node '${local(enters[0]!)}') has no loop variable: no Enter with is_constant false`);
  if (conds.length !== 1) {
    throw bad(local(vars[0]!), `Frame '${fr.name}' (Enter node '${local(vars[0]!)}') has ${conds.length} LoopCond nodes; a while loop has exactly one`);
  }
  const loopCond = conds[0]!;
  const pred = loopCond.outputs[0]!;
  w.loopCond = loopCond;
  w.invariants.push(...enters.filter((e) => e.attrs.isConstant));
  for (const e of vars) {
    const merges = (consumers.get(e) ?? []).filter((x) => x.type === 'Merge');
    if (merges.length !== 1) throw bad(local(e), `Enter node '${local(e)}' (a loop variable of frame '${fr.name}') feeds ${merges.length} Merge nodes; it must feed exactly one`);
    const m = merges[0]!;
    const nexts = m.inputs.filter((t) => t.op.type === 'NextIteration');
    if (m.inputs.length !== 2 || nexts.length !== 1) {
      throw bad(local(m), `Merge node '${local(m)}' of frame '${fr.name}' must join its Enter and one NextIteration, but its inputs are [${m.inputs.map((t) => local(t.op)).join(', ')}]`);
    }
    if (m.inputs[0]!.op !== e) {
      // tsflow's loops put the Enter first and the NextIteration second, as TF does.
      (m.inputs as Tensor[]).reverse();
    }
    const sw = (consumers.get(m) ?? []).find((x) => x.type === 'Switch' && x.inputs[0]!.op === m && x.inputs[1] === pred);
    if (!sw) throw bad(local(m), `Merge node '${local(m)}' of frame '${fr.name}' feeds no Switch on the loop's LoopCond '${local(loopCond)}'`);
    const users = consumers.get(sw) ?? [];
    let exit = users.find((x) => x.type === 'Exit' && x.inputs[0] === sw.outputs[0]);
    if (!exit) {
      // A frozen graph keeps only the Exits it reads; the loop still produces every variable's.
      exit = g.controlDependencies(null, () => withNoContext(g, () => makeOp(g, 'Exit', [sw.outputs[0]!], {}, `${sw.name}/Exit/`, 'Exit')));
      frameOf.set(exit, fr);
      setContext(exit, w);
    }
    const ident = users.find((x) => x.type === 'Identity' && x.inputs[0] === sw.outputs[1]);
    const next = nexts[0]!;
    // A TensorArray carried by its flow changes shape (its element shape is set by the first
    // write); other loop variables keep their Enter's shape, and an iteration must fit it.
    // A GraphDef does not keep a loop's shape_invariants: where an iteration's value does not fit
    // the entering shape, the loop variable takes the shape both fit (as the invariant must be).
    const v = next.op.inputs[0]!;
    const ta = /^TensorArray/.test(e.inputs[0]!.op.type) || flowLike(v);
    const m0 = m.outputs[0]!;
    if (ta || !fitsInvariant(v.shape, m0.shape)) {
      const relaxed = ta ? null : mergeShapes(m0.shape, v.shape);
      const chain = [e.outputs[0]!, m0, ...sw.outputs, exit.outputs[0]!, ...(ident ? [ident.outputs[0]!] : [])];
      for (const t of chain) (t as { shape: PartialShape }).shape = relaxed;
      // what passes the loop's result on unchanged (TF's write_barrier and gradient_flow
      // identities of a gradient flow, a TensorArrayGradV3) takes its shape too
      if (ta) {
        const pass = (t: Tensor): void => {
          for (const u of consumers.get(t.op) ?? []) {
            if (!/^(Identity|StopGradient|TensorArrayGradV3)$/.test(u.type) || u.inputs[0] !== t || u.outputs[0]!.shape === relaxed) continue;
            (u.outputs[0] as { shape: PartialShape }).shape = relaxed;
            pass(u.outputs[0]!);
          }
        };
        pass(exit.outputs[0]!);
      }
    }
    g.preventFeeding(e.outputs[0]!);
    w.enters.push(e);
    w.merges.push(m);
    w.switches.push(sw);
    w.identities.push(ident ? ident.outputs[0]! : sw.outputs[1]!);
    w.nextIterations.push(next.op);
    w.exits.push(exit);
  }
  w.pivot = w.identities[0]!;
  for (const op of [...w.enters, ...w.invariants, ...w.merges]) setContext(op, w);
  g.addToCollection('while_context', w);
}
