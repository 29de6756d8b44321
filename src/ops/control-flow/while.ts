/**
 * `tf.whileLoop` as TF1 builds it (frame `while/while_context`): per loop variable
 * `while/Enter` → `while/Merge` → `while/Switch` on `while/LoopCond` → `while/Identity` (the
 * body's input) and `while/Exit` (the result), the body's output through `while/NextIteration`
 * back into the Merge. Values from outside enter as loop constants. It runs as a host-driven
 * loop over two cached sub-plans per iteration (see exec.ts).
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Graph } from '../../graph/graph.js';
import { Tensor } from '../../graph/tensor.js';
import { type PartialShape, pyShape } from '../../shape.js';
import { type TensorLike, toTensor } from '../convert.js';
import { TensorArray } from '../tensor-array.js';
import { identity } from '../core.js';
import { add, less, logicalAnd } from '../math.js';
import { constant } from '../core.js';
import { WhileContext, contextOf, setContext } from './context.js';
import { type Nested, flatten, packAs, sameStructure } from './nest.js';
import { enterOp, exitOp, loopCondOp, mergeOp, nextIterationOp, switchOp } from './ops.js';
import { fitsInvariant } from './shapes.js';
import './exec.js';
import './grads.js';

export interface WhileLoopOptions {
  shapeInvariants?: Nested<PartialShape | readonly (number | null)[]> | null;
  parallelIterations?: number;
  backProp?: boolean;
  swapMemory?: boolean;
  name?: string;
  maximumIterations?: TensorLike | null;
  returnSameStructure?: boolean;
}

/** A loop condition or body over the loop variables (their structure spread as arguments). */
type LoopFn = (...vars: never[]) => unknown;
type AnyFn = (...vars: unknown[]) => unknown;

const shapeStr = (s: PartialShape): string => (s === null ? '<unknown>' : s.length === 0 ? '()' : pyShape(s));

/** Build a loop in `g` over flat loop values; returns the context and the Exit values. */
export function buildLoop(
  g: Graph,
  condFn: (vars: Tensor[]) => Tensor,
  bodyFn: (vars: Tensor[]) => Tensor[],
  init: Tensor[],
  invariants: (PartialShape | undefined)[] | null,
  parallelIterations: number,
  backProp: boolean,
  /** For a gradient loop: the loop it differentiates. */
  forward: WhileContext | null = null,
): { ctx: WhileContext; exits: Tensor[] } {
  const frame = g.uniqueName('while_context');
  const ctx = new WhileContext(g, frame, parallelIterations, backProp, enterOp);
  ctx.forward = forward;
  // Loop-variable Enters are built outside any control dependencies, in the enclosing context.
  const enters = g.controlDependencies(null, () => init.map((x, i) => {
    const e = enterOp(x, frame, false, parallelIterations);
    setContext(e.op, ctx);
    g.preventFeeding(e);
    const inv = invariants?.[i];
    if (inv !== undefined) {
      if (!fitsInvariant(x.shape, inv)) {
        throw new ValueError(`The shape invariant specified for ${x.name} is not compatible with the initial shape of the loop variable. It enters the loop with shape ${shapeStr(x.shape)}, but the specified shape invariant is ${shapeStr(inv)}.`);
      }
      (e as { shape: PartialShape }).shape = inv;
    }
    return e;
  }));
  ctx.enters = enters.map((e) => e.op);
  return ctx.enter(() => {
    const merges = g.controlDependencies(null, () => enters.map((e) => mergeOp([e, e])[0]));
    ctx.merges = merges.map((m) => m.op);
    ctx.pivot = merges[0]!;
    const c = toTensor(condFn(merges));
    if (c.dtype !== 'bool' || (c.shape !== null && c.shape.length !== 0)) {
      throw new ValueError(`The condition of a while loop must be a scalar bool tensor, got ${c}`);
    }
    const pivot = loopCondOp(c, 'LoopCond');
    ctx.loopCond = pivot.op;
    const switches = merges.map((m) => switchOp(m, pivot));
    ctx.switches = switches.map(([f]) => f.op);
    const vars = switches.map(([, t]) => identity(t));
    ctx.identities = vars;
    ctx.pivot = vars[0]!;
    const result = bodyFn(vars).map((r) => toTensor(r));
    if (result.length !== merges.length) {
      throw new ValueError(`The two structures don't have the same number of elements. First structure has ${merges.length} elements, second structure has ${result.length} elements.`);
    }
    ctx.nextIterations = result.map((v, k) => {
      const m = merges[k]!;
      if (v.dtype !== m.dtype) throw new ValueError(`Loop variable ${k} has dtype ${m.dtype} on entry but ${v.dtype} after one iteration`);
      if (!fitsInvariant(v.shape, m.shape)) {
        throw new ValueError(
          `Input tensor '${init[k]!.name}' enters the loop with shape ${shapeStr(m.shape)}, but has shape ${shapeStr(v.shape)} after one iteration. To allow the shape to vary across iterations, use the \`shape_invariants\` argument of tf.while_loop to specify a less-specific shape.`,
        );
      }
      const n = nextIterationOp(v);
      // The back edge: the Merge's second input becomes the NextIteration.
      (m.op.inputs as Tensor[])[1] = n;
      return n.op;
    });
    const exits = switches.map(([f]) => exitOp(f));
    ctx.exits = exits.map((e) => e.op);
    g.addToCollection('while_context', ctx);
    return { ctx, exits };
  });
}

function whileLoopImpl(cond: LoopFn, body: LoopFn, loopVars: Nested<TensorLike | TensorArray>, opts: WhileLoopOptions = {}): Nested<Tensor> {
  if (typeof cond !== 'function') throw new TypeError('cond must be callable.');
  if (typeof body !== 'function') throw new TypeError('body must be callable.');
  const parallel = opts.parallelIterations ?? 10;
  if (!Number.isInteger(parallel) || parallel < 1) throw new TypeError('parallel_iterations must be a positive integer.');
  const leaves = flatten(loopVars as Nested<unknown>);
  // A TensorArray is carried through the loop by its flow (its shape may change: no invariant).
  const arrays = leaves.map((v) => (v instanceof TensorArray ? v : null));
  const flatVars = leaves.map((v, i) => (arrays[i] ? arrays[i]!.flow : v));
  const toUser = (vs: readonly Tensor[]): unknown[] => vs.map((v, i) => (arrays[i] ? TensorArray.fromFlow(arrays[i]!, v) : v));
  const fromUser = (x: unknown): unknown => (x instanceof TensorArray ? x.flow : x);
  if (flatVars.length === 0 || (Array.isArray(loopVars) && loopVars.length === 0)) throw new ValueError('No loop variables provided');
  const first = flatVars.find((v): v is Tensor => v instanceof Tensor);
  const g = first?.graph ?? getDefaultGraph();
  return g.nameScope(opts.name ?? 'while', () => {
    const tryToPack = !Array.isArray(loopVars) && !opts.returnSameStructure;
    const userStructure0: Nested<unknown> = tryToPack ? [loopVars as Nested<unknown>] : (loopVars as Nested<unknown>);
    let structure = userStructure0;
    let init = flatVars.map((v) => toTensor(v as TensorLike));
    let invs: Nested<unknown> | null = opts.shapeInvariants ?? null;
    if (invs !== null && tryToPack) invs = [invs];
    let condF = (vs: Tensor[]): Tensor => toTensor((cond as AnyFn)(...(packAs(userStructure0, toUser(vs)) as Nested<Tensor>[])) as TensorLike);
    let bodyF = (vs: Tensor[]): Tensor[] => {
      let r = (body as AnyFn)(...(packAs(userStructure0, toUser(vs)) as Nested<Tensor>[]));
      if (!Array.isArray(r)) r = [r];
      if (!sameStructure(userStructure0, r)) throw new ValueError("The two structures don't have the same nested structure.");
      return flatten(r as Nested<unknown>).map((x) => toTensor(fromUser(x) as TensorLike));
    };
    let counted = false;
    if (opts.maximumIterations !== undefined && opts.maximumIterations !== null) {
      const maxIt = typeof opts.maximumIterations === 'number' ? toTensor(opts.maximumIterations, 'int32', 'maximum_iterations') : toTensor(opts.maximumIterations, undefined, 'maximum_iterations');
      if (maxIt.shape !== null && maxIt.shape.length !== 0) throw new ValueError(`maximum_iterations must be a scalar, saw shape: ${shapeStr(maxIt.shape)}`);
      const counter = constant(0, { dtype: maxIt.dtype, name: 'iteration_counter' });
      const c0 = condF;
      const b0 = bodyF;
      condF = (vs) => logicalAnd(less(vs[0]!, maxIt), c0(vs.slice(1)));
      bodyF = (vs) => [add(vs[0]!, 1), ...b0(vs.slice(1))];
      init = [counter, ...init];
      if (invs !== null) invs = [[], ...(invs as Nested<unknown>[])];
      counted = true;
      structure = [counter, ...(structure as Nested<unknown>[])];
    }
    let flatInvs = invs === null ? null : flattenInvariants(invs, init.length);
    if (arrays.some((a) => a)) {
      const off = counted ? 1 : 0;
      flatInvs = init.map((_, i) => (i >= off && arrays[i - off] ? null : flatInvs?.[i]));
    }
    const { exits } = buildLoop(g, condF, bodyF, init, flatInvs, parallel, opts.backProp ?? true);
    const out = counted ? exits.slice(1) : exits;
    const userStructure = counted ? (structure as Nested<unknown>[]).slice(1) : structure;
    const packed = packAs(userStructure as Nested<unknown>, toUser(out)) as Nested<Tensor>;
    if (tryToPack) return (packed as Nested<Tensor>[])[0]!;
    return packed;
  });
}

/** Shape invariants are shapes (arrays of dims) at the leaves of the loop-variable structure. */
function flattenInvariants(invs: Nested<unknown>, n: number): (PartialShape | undefined)[] {
  const out: (PartialShape | undefined)[] = [];
  const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
  const go = (x: unknown): void => {
    if (isShape(x)) out.push(x as PartialShape);
    else if (Array.isArray(x)) x.forEach(go);
    else if (typeof x === 'object' && x !== null) Object.keys(x).sort().forEach((k) => go((x as Record<string, unknown>)[k]));
    else out.push(undefined);
  };
  go(invs);
  if (out.length !== n) throw new ValueError(`shape_invariants has ${out.length} shapes for ${n} loop variables`);
  return out;
}

const OPTION_NAMES = ['shapeInvariants', 'parallelIterations', 'backProp', 'swapMemory', 'name', 'maximumIterations', 'returnSameStructure'] as const;

/**
 * `tf.whileLoop(cond, body, loopVars, shapeInvariants?, parallelIterations?, backProp?,
 * swapMemory?, name?, maximumIterations?, returnSameStructure?)`, the parameters after
 * `loopVars` also as a trailing options object.
 */
export function whileLoop(cond: LoopFn, body: LoopFn, loopVars: Nested<TensorLike | TensorArray>, ...rest: unknown[]): Nested<Tensor> {
  const o = kwargs(rest, OPTION_NAMES, 'while_loop');
  for (const k of Object.keys(o)) {
    if (!(OPTION_NAMES as readonly string[]).includes(k)) throw new TypeError(`while_loop() got an unexpected keyword argument '${k}'`);
  }
  return whileLoopImpl(cond, body, loopVars, o as WhileLoopOptions);
}

export { contextOf };
