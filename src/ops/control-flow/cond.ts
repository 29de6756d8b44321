/**
 * `tf.cond` as TF1 builds it: `cond/Switch(pred, pred)`, the pivots `cond/switch_t` and
 * `cond/switch_f`, `cond/pred_id`, each branch built in its CondContext (values from outside
 * enter through `cond/Switch_N`), and a `cond/Merge(false, true)` per output. Only the taken
 * branch runs (see exec.ts).
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Operation, Tensor } from '../../graph/tensor.js';
import { type TensorLike, toTensor } from '../convert.js';
import { identity } from '../core.js';
import { CondContext, condMerges } from './context.js';
import { type Nested, flatten, packAs, sameStructure } from './nest.js';
import { mergeOp, switchOp } from './ops.js';
import { TensorArray } from '../tensor-array.js';
import './exec.js';
import './grads.js';

type BranchResult = Nested<Tensor | Operation | TensorLike>;

function unpackIfSingleton<T>(r: T): T {
  return Array.isArray(r) && r.length === 1 ? (r[0] as T) : r;
}

function buildBranch(ctx: CondContext, fn: () => BranchResult): { orig: BranchResult; flat: Tensor[]; arrays: (TensorArray | null)[] } {
  return ctx.enter(() => {
    const orig = fn();
    if (orig === undefined || orig === null) throw new ValueError(`${ctx.branch === 1 ? 'true_fn' : 'false_fn'} must have a return value.`);
    const leaves = flatten(orig as Nested<unknown>);
    // A TensorArray goes through the cond by its flow, and comes out as a TensorArray of the Merge.
    const arrays = leaves.map((v) => (v instanceof TensorArray ? v : null));
    const flat = leaves.map((v) => {
      if (v instanceof Operation) return ctx.graph.controlDependencies([v], () => identity(ctx.pivot!));
      // TF converts each returned value with convert_to_tensor, which refuses Python's None.
      if (v === null || v === undefined) throw new ValueError('None values not supported.');
      // A value from outside (lambda: x) enters through the branch's Switch.
      return ctx.capture(v instanceof TensorArray ? v.flow : toTensor(v as TensorLike));
    });
    return { orig, flat, arrays };
  });
}

function condImpl(pred: TensorLike, trueFn?: () => BranchResult, falseFn?: () => BranchResult, strict = false, name?: string): Nested<Tensor> {
  if (typeof pred === 'boolean') throw new TypeError('pred must not be a Python bool');
  if (typeof trueFn !== 'function') throw new TypeError('true_fn must be callable.');
  if (typeof falseFn !== 'function') throw new TypeError('false_fn must be callable.');
  const p0 = toTensor(pred);
  const g = p0.graph ?? getDefaultGraph();
  return g.nameScope(name ?? 'cond', () => {
    const [pf, pt] = switchOp(p0, p0);
    const pivotT = identity(pt, 'switch_t');
    const pivotF = identity(pf, 'switch_f');
    const p = identity(p0, 'pred_id');
    for (const t of [pf, pt, pivotT, pivotF, p]) g.preventFeeding(t);
    const ctxT = new CondContext(g, p, 1, switchOp);
    ctxT.pivot = pivotT;
    const t = buildBranch(ctxT, trueFn);
    const ctxF = new CondContext(g, p, 0, switchOp);
    ctxF.pivot = pivotF;
    const f = buildBranch(ctxF, falseFn);
    let origT = t.orig;
    let origF = f.orig;
    if (!strict) {
      origT = unpackIfSingleton(origT);
      origF = unpackIfSingleton(origF);
    }
    if (!sameStructure(origT, origF) || t.flat.length !== f.flat.length) {
      throw new ValueError('true_fn and false_fn must return the same structure.');
    }
    t.flat.forEach((x, i) => {
      const y = f.flat[i]!;
      if (Boolean(t.arrays[i]) !== Boolean(f.arrays[i])) throw new TypeError('true_fn and false_fn must both return a TensorArray in the same places.');
      if (x.dtype !== y.dtype) throw new ValueError(`Outputs of true_fn and false_fn must have the same type: ${x.dtype}, ${y.dtype}`);
    });
    const merges = t.flat.map((x, i) => mergeOp([f.flat[i]!, x])[0]);
    for (const m of merges) condMerges.set(m.op, p);
    // (a TensorArray among the results stands where TF1 returns one too)
    const packed = packAs(origT as Nested<unknown>, merges.map((m, i) => (t.arrays[i] ? TensorArray.fromFlow(t.arrays[i]!, m) : m))) as Nested<Tensor>;
    return strict ? packed : unpackIfSingleton(packed);
  });
}

const NAMES = ['pred', 'trueFn', 'falseFn', 'strict', 'name'] as const;

/**
 * `tf.cond(pred, trueFn, falseFn, strict?, name?)` (or a trailing options object): the outputs
 * of the branch `pred` picks at run time; only that branch's ops run.
 */
export function cond(...args: unknown[]): Nested<Tensor> {
  const o = kwargs(args, NAMES, 'cond');
  for (const k of Object.keys(o)) if (!(NAMES as readonly string[]).includes(k)) throw new TypeError(`cond() got an unexpected keyword argument '${k}'`);
  return condImpl(o.pred as TensorLike, o.trueFn as () => BranchResult, o.falseFn as () => BranchResult, (o.strict as boolean | undefined) ?? false, o.name as string | undefined);
}
