/**
 * `tf.case` (TF1's control_flow_ops.case: nested tf.conds tried in order, a default that
 * asserts no predicate held, `exclusive` asserting at most one holds) and `tf.switchCase`
 * (branch `branchIndex`, the last branch for an index out of range).
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Tensor } from '../../graph/tensor.js';
import { stack } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { constant } from '../core.js';
import { cast, equal, lessEqual, reduceSum } from '../math.js';
import { Assert } from '../logging-ops.js';
import { cond } from './cond.js';
import * as logging from '../../train/tf-logging.js';
import type { Nested } from './nest.js';

type Branch = () => unknown;
type Pairs = readonly (readonly [Tensor, Branch])[] | ReadonlyMap<Tensor, Branch>;

/** TF's _case_verify_and_canonicalize_args: a list of (pred, fn) pairs, or a Map (sorted by predicate name). */
function canonicalize(pairs: unknown, exclusive: boolean, name: string): { preds: Tensor[]; fns: Branch[] } {
  let list: unknown[];
  if (pairs instanceof Map) {
    list = [...pairs.entries()].sort((a, b) => {
      const na = (a[0] as Tensor).name;
      const nb = (b[0] as Tensor).name;
      return na < nb ? -1 : na > nb ? 1 : 0;
    });
    if (!exclusive) {
      logging.warn('%s: An unordered dictionary of predicate/fn pairs was provided, but exclusive=False. The order of conditional tests is deterministic but not guaranteed.', name);
    }
  } else if (Array.isArray(pairs)) {
    list = pairs;
  } else {
    throw new TypeError('fns must be a list, tuple, or dict');
  }
  const preds: Tensor[] = [];
  const fns: Branch[] = [];
  for (const p of list) {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError('Each entry in pred_fn_pairs must be a 2-tuple');
    const [pred, fn] = p as [unknown, unknown];
    if (pred instanceof Tensor) {
      if (pred.dtype !== 'bool') throw new TypeError(`pred must be Tensor of type bool: ${pred.name}`);
    } else {
      throw new TypeError(`pred must be a Tensor, got: ${String(pred)}`);
    }
    if (typeof fn !== 'function') throw new TypeError(`fn for pred ${pred.name} must be callable.`);
    preds.push(pred);
    fns.push(fn as Branch);
  }
  return { preds, fns };
}

/** TF's _assert_at_most_n_true: an Assert that at most `n` of `preds` hold. */
function assertAtMostNTrue(preds: Tensor[], n: number, msg: string) {
  const predsC = preds.length > 0 ? stack(preds, { name: 'preds_c' }) : constant(new Uint8Array(0), { dtype: 'bool', shape: [0], name: 'preds_c' });
  const numTrue = reduceSum(cast(predsC, 'int32'), { name: 'num_true_conds' });
  const condition = lessEqual(numTrue, constant(n, { dtype: 'int32', name: 'n_true_conds' }));
  const names = preds.map((p) => p.name).join(', ');
  return Assert(condition, [`${msg}: more than ${n} conditions (${names}) evaluated as True:`, predsC], { summarize: preds.length });
}

const CASE_NAMES = ['predFnPairs', 'default', 'exclusive', 'strict', 'name'] as const;

/**
 * `tf.case(predFnPairs, default?, exclusive?, strict?, name?)`: the result of the first `fn`
 * whose predicate holds (pairs `[pred, fn]` in a list, or a Map of them, tried in predicate-name
 * order), else of `default`; without a default the last pair's fn is the default, guarded by an
 * Assert that its predicate holds (`Input error: None of conditions evaluated as True:`). With
 * `exclusive`, more than one true predicate fails the run (`Input error: exclusive=True: more
 * than 1 conditions (...) evaluated as True:`).
 */
export function caseFn(...args: unknown[]): Nested<Tensor> {
  const o = kwargs(args, CASE_NAMES, 'case', 1);
  const exclusive = (o.exclusive as boolean | undefined) ?? false;
  const strict = (o.strict as boolean | undefined) ?? false;
  const name = (o.name as string | undefined) ?? 'case';
  const { preds, fns } = canonicalize(o.predFnPairs as Pairs, exclusive, name);
  const g = preds[0]?.graph ?? getDefaultGraph();
  return g.nameScope(name, () => {
    let predicates = preds;
    let actions = fns;
    let dflt = o.default as Branch | undefined | null;
    if (dflt === undefined || dflt === null) {
      // TF's _case_create_default_action: the last pair becomes the default, checked.
      const k = predicates.length - 1;
      if (k < 0) throw new ValueError('No default branch and no predicates: tf.case needs at least one of them');
      const predicate = predicates[k]!;
      const action = actions[k]!;
      const otherPreds = predicates.slice(0, k);
      const all = predicates;
      dflt = () => {
        const othersMsg = `Implementation error: selected default action #${k} was called, but some of other predicates are True: `;
        const checks = [
          assertAtMostNTrue(otherPreds, 0, othersMsg),
          Assert(predicate, ['Input error: None of conditions evaluated as True:', stack(all, { name: 'preds_c' })]),
        ];
        return g.controlDependencies(checks, () => action());
      };
      predicates = otherPreds;
      actions = actions.slice(0, k);
    } else if (typeof dflt !== 'function') {
      throw new TypeError('default must be callable.');
    }
    let fn: Branch = dflt;
    for (let i = predicates.length - 1; i >= 0; i--) {
      const p = predicates[i]!;
      const a = actions[i]!;
      const rest = fn;
      fn = () => cond(p, a as never, rest as never, { strict });
    }
    if (exclusive) {
      const check = assertAtMostNTrue(predicates, 1, 'Input error: exclusive=True');
      return g.controlDependencies([check], () => fn()) as Nested<Tensor>;
    }
    return fn() as Nested<Tensor>;
  });
}

const SWITCH_NAMES = ['branchIndex', 'branchFns', 'default', 'name'] as const;

/**
 * `tf.switchCase(branchIndex, branchFns, default?, name?)`: the result of `branchFns[k]` for
 * `branchIndex` k (a list of fns, or `[key, fn]` pairs / a Map keyed 0..n-1); an index out of
 * range takes `default`, or the last branch without one. Only the branch taken runs.
 */
export function switchCase(...args: unknown[]): Nested<Tensor> {
  const o = kwargs(args, SWITCH_NAMES, 'switch_case', 2);
  const idx = o.branchIndex;
  if (!(idx instanceof Tensor)) throw new TypeError(`branch_index must a Tensor, got ${typeof idx === 'number' ? "<class 'int'>" : String(idx)}`);
  if (!['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].includes(idx.dtype)) {
    throw new TypeError(`branch_index must an integer Tensor, got <dtype: '${idx.dtype}'>`);
  }
  let fns = o.branchFns as unknown;
  if (fns instanceof Map) fns = [...fns.entries()];
  if (!Array.isArray(fns) || fns.length === 0) {
    if (Array.isArray(fns)) throw new ValueError('Must provide at least one item in branch_fns');
    throw new TypeError('branch_fns must be a list, tuple, or dict');
  }
  let pairs = fns as unknown[];
  if (pairs.every((f) => typeof f === 'function')) pairs = pairs.map((f, i) => [i, f]);
  for (const p of pairs) {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError('Each entry in branch_fns must be a 2-tuple');
    if (typeof p[0] !== 'number' || !Number.isInteger(p[0])) throw new TypeError(`key must be a Python \`int\`, got ${String(p[0])}`);
    if (typeof p[1] !== 'function') throw new TypeError(`fn for key ${p[0]} must be callable.`);
  }
  const keys = pairs.map((p) => (p as [number, Branch])[0]);
  if (Math.min(...keys) < 0 || Math.max(...keys) >= keys.length || new Set(keys).size !== keys.length) {
    throw new ValueError(`branch indices (keys) must form contiguous range of [0 to ${keys.length}) but found {${[...keys].sort((a, b) => a - b).join(',')}}`);
  }
  const actions = [...(pairs as [number, Branch][])].sort((a, b) => a[0] - b[0]).map((p) => p[1]);
  if (o.default !== undefined && o.default !== null) actions.push(o.default as Branch);
  return idx.graph.nameScope((o.name as string | undefined) ?? 'switch_case', () => {
    const i = idx.dtype === 'int32' ? idx : cast(idx, 'int32');
    let fn: Branch = actions[actions.length - 1]!;
    for (let k = actions.length - 2; k >= 0; k--) {
      const rest = fn;
      const a = actions[k]!;
      fn = () => cond(equal(i, toTensor(k as TensorLike, 'int32')), a as never, rest as never);
    }
    return fn() as Nested<Tensor>;
  });
}
