/**
 * Gradients of control flow. A cond's Merge sends its gradient back through
 * `Switch(grad, pred)` (`…/Merge_grad/cond_grad`); a cond Switch gathers its branch's gradient
 * with a `Merge` (`…/Switch_grad/cond_grad`), zeros standing in for the branch that did not
 * use the value (built on the Switch's other output, so they exist only when that branch runs).
 *
 * A while loop is differentiated as a whole: a gradient loop (frame `…/while_context` under
 * the gradient scope) whose variables are the gradients of the float loop variables and the
 * accumulated gradients of the float loop constants. Its body is the vector-Jacobian product
 * of the forward body (`tf.gradients` of the body's outputs w.r.t. its inputs, weighted by the
 * gradient-loop variables); each iteration is fed one forward iteration's loop values, newest
 * first, from the forward loop's record, and recomputes that iteration's intermediates from
 * them (random draws in the body are kept and replayed, so they match the forward pass).
 */
import { isFloat } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { zerosLike } from '../array.js';
import { constant } from '../core.js';
import { gradients, inGradientFrame, registerLoopGradients } from '../gradients.js';
import { densify } from '../indexed-slices.js';
import { add } from '../math.js';
import { getOpDef, makeOp, registerGradient } from '../registry.js';
import { CondContext, WhileContext, condMerges, condSwitches, contextOf, isWithin, setContext, whileContextOf } from './context.js';
import { mergeOp, switchOp } from './ops.js';
import { buildLoop } from './while.js';

registerGradient('Merge', (op, [dy]) => {
  const pred = condMerges.get(op);
  if (!pred) throw new ValueError(`No gradient for ${op.name}: it is not the Merge of a tf.cond built here`);
  if (!dy) return op.inputs.map(() => null);
  const [gf, gt] = switchOp(dy, pred, 'cond_grad');
  return [gf, gt];
});

registerGradient('Switch', (op, dys) => {
  const info = condSwitches.get(op);
  if (!info) return [null, null];
  const g = dys[info.branch];
  if (!g) return [null, null];
  const zero = zerosLike(op.outputs[1 - info.branch]!);
  const pair = info.branch === 1 ? [zero, g] : [g, zero];
  const merged = mergeOp(pair, 'cond_grad')[0];
  // A Switch inside a cond branch (a nested cond's entry): its gradient Merge is live only where
  // that branch is, as the forward Merge it mirrors (both its inputs are dead otherwise).
  const c = contextOf(op);
  if (c instanceof CondContext && contextOf(merged.op) === null) setContext(merged.op, c);
  return [merged, null];
});

for (const t of ['Enter', 'Exit', 'NextIteration', 'LoopCond']) {
  registerGradient(t, (op) => {
    throw new ValueError(`No gradient for ${op.name} outside its loop: while loops are differentiated as a whole`);
  });
}

/** The outermost loop holding `op` that is strictly inside `frame` (the whole graph when null). */
function unitOf(op: Operation, frame: WhileContext | null): WhileContext | null {
  let unit: WhileContext | null = null;
  for (let c = whileContextOf(op); c && c !== frame; ) {
    unit = c;
    let o = c.outer;
    while (o && !(o instanceof WhileContext)) o = o.outer;
    c = o;
  }
  return unit;
}

/** Random draws in the loop's own body (not in loops nested in it), kept per iteration. */
function stochasticOutputs(w: WhileContext): Tensor[] {
  const out: Tensor[] = [];
  for (const op of w.graph.operations) {
    if (whileContextOf(op) !== w || op.outputs.length === 0) continue;
    const def = getOpDef(op.type);
    if (def.stateful && !op.type.startsWith('Assign') && !op.type.startsWith('Scatter') && op.type !== 'VariableV2') out.push(...op.outputs);
  }
  return out;
}

/**
 * The forward body's values the gradient loop's body reads directly: fed to it per iteration
 * from the forward record, they cut the forward body out of the gradient's plans. Null (the
 * gradient recomputes each forward iteration from its loop values) where either body holds a
 * nested cond or loop, or the gradient reads a loop construct's own outputs.
 */
function forwardFrontier(w: WhileContext, grad: WhileContext): Tensor[] | null {
  const out: Tensor[] = [];
  for (const op of w.graph.operations) {
    const c = contextOf(op);
    if (c !== w && c !== grad && (isWithin(c, w) || isWithin(c, grad))) return null;
    if (c !== grad) continue;
    for (const ci of op.controlInputs) if (isWithin(contextOf(ci), w)) return null;
    for (const t of op.inputs) {
      if (contextOf(t.op) !== w) continue;
      if (['Merge', 'Switch', 'LoopCond', 'NextIteration', 'Exit'].includes(t.op.type)) return null;
      if (t.op.type === 'Enter' && !w.invariants.includes(t.op)) return null;
      if (!out.includes(t)) out.push(t);
    }
  }
  return out;
}

/** Inputs (by op type, by position) whose values a plan never reads, only their shapes. */
const SHAPE_INPUTS: Readonly<Record<string, readonly number[]>> = {
  TensorArrayClearRows: [2],
  TensorArrayReadGrad: [2],
  TensorArrayAccumulateRead: [3],
  TensorArrayUnstackGrad: [2],
  TensorArrayShrink: [1],
  FillLike: [0],
  Shape: [0],
  Size: [0],
  Rank: [0],
};

/** Whether every op of `grad` that reads `t` reads only its shape. */
function shapeOnlyIn(t: Tensor, grad: WhileContext): boolean {
  for (const op of t.graph.operations) {
    if (!isWithin(contextOf(op), grad)) continue;
    const ok = SHAPE_INPUTS[op.type] ?? [];
    if (op.inputs.some((x, i) => x === t && !ok.includes(i))) return false;
  }
  return true;
}

function buildWhileGrad(w: WhileContext, dExits: (Tensor | null)[]): Map<Tensor, Tensor> {
  const out = new Map<Tensor, Tensor>();
  if (!w.backProp) return out;
  if (w.forward) throw new ValueError(`Second-order gradients through the while loop ${w.forward.frameName} are not supported`);
  const g = w.graph;
  const ks = w.merges.map((m, k) => k).filter((k) => isFloat(w.merges[k]!.outputs[0]!.dtype));
  const cs = w.invariants.filter((e) => isFloat(e.outputs[0]!.dtype));
  if (ks.length === 0) return out;
  w.recordForGradient = true;
  w.replayed = stochasticOutputs(w);
  const init = [
    ...ks.map((k) => dExits[k] ?? zerosLike(w.exits[k]!.outputs[0]!)),
    ...cs.map((e) => zerosLike(e.inputs[0]!)),
  ];
  const ys = ks.map((k) => w.nextIterations[k]!.inputs[0]!);
  const xs = [...ks.map((k) => w.identities[k]!), ...cs.map((e) => e.outputs[0]!)];
  const stops = [...w.identities, ...w.invariants.map((e) => e.outputs[0]!)];
  const { ctx: gradCtx, exits } = g.nameScope('while', () => buildLoop(
    g,
    () => constant(true, { dtype: 'bool' }),
    (vars) => {
      const dv = vars.slice(0, ks.length);
      const acc = vars.slice(ks.length);
      const grads = inGradientFrame(w, () => gradients(ys, xs, dv, { stopGradients: stops }));
      const dIn = ks.map((k, i) => {
        const d = grads[i];
        return d ? densify(d) : zerosLike(w.identities[k]!);
      });
      const dC = cs.map((_, j) => {
        const d = grads[ks.length + j];
        if (!d) return acc[j]!;
        const dt = densify(d);
        // one read of a loop constant TensorArray: its gradient row added to the sum (in place in storage)
        if (dt.op.type === 'TensorArrayReadGrad' && dt.dtype === acc[j]!.dtype) {
          const [dy, idx, like] = dt.op.inputs as [Tensor, Tensor, Tensor];
          return makeOp(g, 'TensorArrayAccumulateRead', [acc[j]!, dy, idx, like], {}, undefined, 'TensorArrayAccumulateRead').outputs[0]!;
        }
        return add(acc[j]!, dt);
      });
      return [...dIn, ...dC];
    },
    init,
    // The gradients keep the loop values' shape invariants.
    [...ks.map((k) => w.merges[k]!.outputs[0]!.shape), ...cs.map(() => undefined)],
    w.parallelIterations,
    true,
    w,
  ));
  gradCtx.fromForward = forwardFrontier(w, gradCtx);
  for (const t of gradCtx.fromForward ?? []) {
    if (w.invariants.includes(t.op)) continue;
    const k = w.identities.indexOf(t);
    if (k >= 0 && shapeOnlyIn(t, gradCtx)) w.shapeOnly.add(t);
    else if (k >= 0) {
      if (!w.savedIds.includes(k)) w.savedIds.push(k);
    } else if (!w.saved.includes(t)) w.saved.push(t);
  }
  ks.forEach((k, i) => out.set(w.enters[k]!.inputs[0]!, exits[i]!));
  cs.forEach((e, j) => {
    const t = e.inputs[0]!;
    const prev = out.get(t);
    out.set(t, prev ? add(prev, exits[ks.length + j]!) : exits[ks.length + j]!);
  });
  return out;
}

registerLoopGradients<WhileContext>({
  unitOf: (op, frame) => unitOf(op, frame),
  exits: (w) => w.exits,
  build: buildWhileGrad,
});

export { contextOf, isWithin };
