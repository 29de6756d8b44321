/**
 * `tf.einsum` (one or two operands, explicit or implicit output) and `tf.tensordot`, which builds
 * an einsum equation. An Einsum op lowers at plan time into reductions, a transpose to
 * [batch, free, contracted] on each side, one batched matmul and a transpose to the output order;
 * its gradient is again einsums (an operand's index summed only within it is broadcast back).
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, UnimplementedError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type Dim, sizeOf } from '../shape.js';
import { unreduceLike } from './grads/util.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

interface Equation {
  inputs: string[];
  output: string;
}

/** Parse `ij,jk->ik` (or implicit `ij,jk`: the indices seen once, sorted). */
function parseEquation(eq: string, nInputs: number): Equation {
  const clean = eq.replace(/\s+/g, '');
  if (clean.includes('.')) throw new UnimplementedError(`einsum: ellipses ('...') are not supported: ${eq}`);
  const m = /^([a-zA-Z,]*)(->([a-zA-Z]*))?$/.exec(clean);
  if (!m) throw new ValueError(`Invalid equation: ${eq}`);
  const inputs = m[1]!.split(',');
  if (inputs.length !== nInputs) throw new ValueError(`Got ${nInputs} arguments for equation "${eq}", expecting ${inputs.length}`);
  if (inputs.length > 2) throw new UnimplementedError('einsum: more than two operands are not supported');
  for (const s of inputs) {
    if (new Set(s).size !== s.length) throw new UnimplementedError(`einsum: an index repeated within one operand (a diagonal or trace) is not supported: ${eq}`);
  }
  let output: string;
  if (m[2] !== undefined) {
    output = m[3]!;
    if (new Set(output).size !== output.length) throw new ValueError(`Output subscripts contain a label appearing more than once: ${eq}`);
    for (const c of output) if (!inputs.some((s) => s.includes(c))) throw new ValueError(`Output subscript contains a label not appearing in the inputs: ${c}`);
  } else {
    const counts = new Map<string, number>();
    for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  return { inputs, output };
}

const eqString = (e: Equation): string => `${e.inputs.join(',')}->${e.output}`;

/** Sizes of each label from the shapes, or an error text. */
function labelSizes(e: Equation, shapes: readonly (readonly Dim[] | null)[]): Map<string, Dim> | string {
  const sizes = new Map<string, Dim>();
  for (let k = 0; k < e.inputs.length; k++) {
    const s = shapes[k];
    const sub = e.inputs[k]!;
    if (s === null || s === undefined) continue;
    if (s.length !== sub.length) return `Expected ${sub.length} dimensions for input ${k} of einsum equation '${eqString(e)}', got a tensor of rank ${s.length}`;
    for (let i = 0; i < sub.length; i++) {
      const c = sub[i]!;
      const d = s[i]!;
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== null && d !== null && prev !== d) return `Expected dimension ${prev} at axis ${i} of input ${k} of einsum equation '${eqString(e)}', got ${d}`;
      if (prev === undefined || prev === null) sizes.set(c, d);
    }
  }
  return sizes;
}

/** Reduce the labels of `sub` not in `keep` out of `x`; returns the value and its remaining labels. */
function sumOut(b: Lower, x: Val, sub: string, keep: string): [Val, string] {
  const axes = [...sub].map((c, i) => (keep.includes(c) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return [x, sub];
  return [b.reduce('sum', x, axes, false), [...sub].filter((c) => keep.includes(c)).join('')];
}

function permute(b: Lower, x: Val, from: string, to: string): Val {
  return b.transpose(x, [...to].map((c) => from.indexOf(c)));
}

function lowerEinsum(b: Lower, ins: Val[], e: Equation): Val {
  const sizes = labelSizes(e, ins.map((v) => v.shape));
  if (typeof sizes === 'string') throw new InvalidArgumentError(sizes, b.opName);
  const dim = (c: string): number => sizes.get(c) as number;
  const out = e.output;
  if (ins.length === 1) {
    const [v, sub] = sumOut(b, ins[0]!, e.inputs[0]!, out);
    return permute(b, v, sub, out);
  }
  const [sa, sb] = e.inputs as [string, string];
  const [a, ra] = sumOut(b, ins[0]!, sa, out + sb);
  const [c, rb] = sumOut(b, ins[1]!, sb, out + sa);
  const batch = [...ra].filter((ch) => rb.includes(ch) && out.includes(ch)).join('');
  const contracted = [...ra].filter((ch) => rb.includes(ch) && !out.includes(ch)).join('');
  const freeA = [...ra].filter((ch) => !rb.includes(ch)).join('');
  const freeB = [...rb].filter((ch) => !ra.includes(ch)).join('');
  const n = (s: string): number => sizeOf([...s].map(dim));
  const am = b.reshape(permute(b, a, ra, batch + freeA + contracted), [n(batch), n(freeA), n(contracted)]);
  const bm = b.reshape(permute(b, c, rb, batch + contracted + freeB), [n(batch), n(contracted), n(freeB)]);
  const prod = b.reshape(b.matmul(am, bm, false, false), [...(batch + freeA + freeB)].map(dim));
  return permute(b, prod, batch + freeA + freeB, out);
}

defineOp<{ equation: string }>({
  type: 'Einsum',
  infer: (ins, a, name) => {
    const e = parseEquation(a.equation, ins.length);
    if (ins.some((t) => t.dtype !== ins[0]!.dtype)) {
      throw new TypeError(`Input 'inputs' of 'Einsum' Op has types [${ins.map((t) => t.dtype).join(', ')}] that don't all match.`);
    }
    const sizes = labelSizes(e, ins.map((t) => t.shape));
    if (typeof sizes === 'string') throw new ValueError(`${sizes} for '${name}' (op: 'Einsum')`);
    return [{ dtype: ins[0]!.dtype, shape: ins.some((t) => t.shape === null) && [...e.output].some((c) => !sizes.has(c)) ? null : [...e.output].map((c) => sizes.get(c) ?? null) }];
  },
  lower: (b, ins, a) => [lowerEinsum(b, ins, parseEquation(a.equation, ins.length))],
});

/** d(einsum)/d(operand k): an einsum of dy with the other operand, broadcast over labels summed only within operand k. */
registerGradient('Einsum', (op, [dy]) => {
  if (!dy) return op.inputs.map(() => null);
  const e = parseEquation(op.attrs.equation as string, op.inputs.length);
  return op.inputs.map((x, k) => {
    const sub = e.inputs[k]!;
    const other = e.inputs.length === 2 ? e.inputs[1 - k]! : '';
    const reached = [...sub].filter((c) => e.output.includes(c) || other.includes(c)).join('');
    const eq = other ? `${e.output},${other}->${reached}` : `${e.output}->${reached}`;
    const g = makeOp(dy.graph, 'Einsum', other ? [dy, op.inputs[1 - k]!] : [dy], { equation: eq }, undefined, 'Einsum').outputs[0]!;
    if (reached === sub) return g;
    const missing = [...sub].map((c, i) => (reached.includes(c) ? -1 : i)).filter((i) => i >= 0);
    return unreduceLike(g, x, missing, false);
  });
});

/**
 * `tf.einsum(equation, ...inputs)`: one or two operands, explicit (`'ij,jk->ik'`) or implicit
 * (`'ij,jk'`) output; no ellipses or repeated labels within an operand. A trailing `{name}` names it.
 */
export function einsum(equation: string, ...inputs: (TensorLike | { name?: string })[]): Tensor {
  let name: string | undefined;
  const last = inputs[inputs.length - 1];
  if (last !== undefined && typeof last === 'object' && last !== null && !Array.isArray(last) && Object.getPrototypeOf(last) === Object.prototype) {
    name = (last as { name?: string }).name;
    inputs = inputs.slice(0, -1);
  }
  if (typeof equation !== 'string') throw new TypeError(`einsum: equation must be a string, got ${String(equation)}`);
  const ts = inputs.map((x) => toTensor(x as TensorLike));
  if (ts.length === 0) throw new ValueError('einsum needs at least one input');
  const e = parseEquation(equation, ts.length);
  return makeOp(ts[0]!.graph, 'Einsum', ts, { equation: eqString(e) }, name, 'einsum').outputs[0]!;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * `tf.tensordot(a, b, axes, name?)`: sums the products over `axes` — a number N (the last N dims
 * of a with the first N of b) or `[aAxes, bAxes]`. The result's dims are a's free dims then b's.
 */
export function tensordot(a: TensorLike, b: TensorLike, axes: number | readonly [number | readonly number[], number | readonly number[]] | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([a, b, axes, name], ['a', 'b', 'axes', 'name'], 'tensordot');
  const ta = toTensor(o.a as TensorLike);
  const tb = toTensor(o.b as TensorLike);
  if (ta.shape === null || tb.shape === null) throw new ValueError('tensordot needs operands of known rank');
  const ra = ta.shape.length;
  const rb = tb.shape.length;
  const ax = o.axes;
  let aAxes: number[];
  let bAxes: number[];
  if (typeof ax === 'number') {
    if (!Number.isInteger(ax) || ax < 0) throw new ValueError(`'axes' must be at least 0, got ${ax}`);
    if (ax > ra || ax > rb) throw new ValueError(`'axes' must not be larger than the number of dimensions of tensor ${ax > ra ? String(ta) : String(tb)}.`);
    aAxes = Array.from({ length: ax }, (_, i) => ra - ax + i);
    bAxes = Array.from({ length: ax }, (_, i) => i);
  } else if (Array.isArray(ax) && ax.length === 2) {
    const list = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.isArray(v) ? [...(v as number[])] : []);
    aAxes = list(ax[0]).map((v) => (v < 0 ? v + ra : v));
    bAxes = list(ax[1]).map((v) => (v < 0 ? v + rb : v));
    if (aAxes.length !== bAxes.length) throw new ValueError(`Different number of contraction axes 'a' and 'b', ${aAxes.length} != ${bAxes.length}.`);
  } else {
    throw new ValueError(`'axes' must be an integer or have length 2, got ${JSON.stringify(ax)}`);
  }
  if (ra + rb - aAxes.length > LETTERS.length) throw new UnimplementedError('tensordot: too many dimensions');
  const la = LETTERS.slice(0, ra).split('');
  const lb = Array.from({ length: rb }, (_, i) => LETTERS[ra + i]!);
  aAxes.forEach((axA, i) => (lb[bAxes[i]!] = la[axA]!));
  const out = [...la.filter((_, i) => !aAxes.includes(i)), ...lb.filter((_, i) => !bAxes.includes(i))].join('');
  return ta.graph.nameScope((o.name as string | undefined) ?? 'Tensordot', () => einsum(`${la.join('')},${lb.join('')}->${out}`, ta, tb));
}
