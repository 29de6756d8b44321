/** Shape ops: values, build-time shape inference with unknown dims, default names, TF error texts. */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor } from 'tsflow';

beforeEach(() => tf.resetDefaultGraph());

/** Run `t` in a fresh session on the default graph; returns nested JS values. */
function val(t: Tensor | Tensor[], feeds?: [Tensor, unknown][]): unknown {
  const sess = new tf.Session();
  const out = sess.runSync(t, feeds ? new Map(feeds as [Tensor, never][]) : undefined);
  return Array.isArray(out) ? out.map((o) => o.toArray()) : out.toArray();
}
const ph = (shape: (number | null)[] | null, dtype = 'float32'): Tensor => tf.placeholder(dtype, shape);
/** The error a build or run throws, for class and exact-text checks (a failed build takes no name). */
function err(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const A = [[1, 2, 3], [4, 5, 6]];

describe('concat', () => {
  it('joins along an axis (negative too) and names the op concat', () => {
    const c = tf.concat([A, [[7, 8, 9]]], 0);
    expect(c.op.type).toBe('ConcatV2');
    expect(c.op.name).toBe('concat');
    expect(c.shape).toEqual([3, 3]);
    expect(val(c)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(val(tf.concat([A, [[0], [0]]], -1))).toEqual([[1, 2, 3, 0], [4, 5, 6, 0]]);
  });
  it('infers partial shapes', () => {
    expect(tf.concat([ph([null, 3]), ph([2, 3])], 0).shape).toEqual([null, 3]);
    expect(tf.concat([ph([null, 3]), ph([2, null])], 1).shape).toEqual([2, null]);
    expect(tf.concat([ph([4, 3]), ph([2, 3])], 0).shape).toEqual([6, 3]);
    expect(tf.concat([ph(null), ph([2, 3])], 1).shape).toEqual([2, null]);
    expect(tf.concat([ph(null), ph(null)], 0).shape).toBeNull();
  });
  it('passes a single value through an Identity', () => {
    const c = tf.concat([tf.constant(A)], 1);
    expect(c.op.type).toBe('Identity');
    expect(val(c)).toEqual(A);
  });
  it('raises TF shape-function errors', () => {
    const a = ph([2, 3]);
    const b = ph([2, 4]);
    expect(err(() => tf.concat([a, b], 0)).message).toBe(
      "Dimension 0 in both shapes must be equal, but are 3 and 4. Shapes are [3] and [4]. for 'concat' (op: 'ConcatV2') with input shapes: [2,3], [2,4], [] and with computed input tensors: input[2] = <0>.",
    );
    const e = err(() => tf.concat([a, a], 2));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Shape must be at least rank 3 but is rank 2 for 'concat' (op: 'ConcatV2') with input shapes: [2,3], [2,3], [] and with computed input tensors: input[2] = <2>.",
    );
    expect(err(() => tf.concat([a, ph([3])], 0)).message).toMatch(/^Shapes must be equal rank, but are 1 and 0 for 'concat'/);
    expect(err(() => tf.concat([a, ph([2, 3], 'int32')], 0))).toBeInstanceOf(TypeError);
    expect(err(() => tf.concat([a, ph([2, 3], 'int32')], 0)).message).toBe(
      "Tensors in list passed to 'values' of 'ConcatV2' Op have types [float32, int32] that don't all match.",
    );
  });
  it('checks dims at run time when they are unknown at build time', () => {
    const a = ph([null, null]);
    const b = ph([null, null]);
    const e = err(() => val(tf.concat([a, b], 0), [[a, [[1, 2, 3]]], [b, [[1, 2]]]]));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toMatch(/^ConcatOp : Dimensions of inputs should match: shape\[0\] = \[1,3\] vs\. shape\[1\] = \[1,2\]/);
    expect((e as tf.errors.OpError).op).toBe('concat');
    const u = ph(null);
    expect(err(() => val(tf.concat([u, u], 2), [[u, [1, 2]]])).message).toMatch(
      /^ConcatOp : Expected concatenating dimensions in the range \[-1, 1\), but got 2/,
    );
  });
});

describe('stack / unstack', () => {
  it('stacks along axis 0, 1 and -1', () => {
    const s = tf.stack([[1, 2], [3, 4], [5, 6]]);
    expect(s.op.type).toBe('Pack');
    expect(s.op.name).toBe('stack');
    expect(val(s)).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(val(tf.stack([[1, 2], [3, 4]], 1))).toEqual([[1, 3], [2, 4]]);
    expect(val(tf.stack([A, A], -1))).toEqual([[[1, 1], [2, 2], [3, 3]], [[4, 4], [5, 5], [6, 6]]]);
    expect(val(tf.stack([1, 2]))).toEqual([1, 2]);
  });
  it('merges partial shapes', () => {
    expect(tf.stack([ph([null, 3]), ph([2, null])], 1).shape).toEqual([2, 2, 3]);
    expect(tf.stack([ph(null), ph(null)]).shape).toBeNull();
  });
  it('raises TF errors', () => {
    expect(err(() => tf.stack([A, A], 3)).message).toBe('axis = 3 not in [-3, 3)');
    expect(err(() => tf.stack([ph([2, 3]), ph([2, 4])])).message).toBe(
      "Dimension 1 in both shapes must be equal, but are 3 and 4. Shapes are [2,3] and [2,4].\n\tFrom merging shape 0 with other shapes. for 'stack' (op: 'Pack') with input shapes: [2,3], [2,4].",
    );
    const a = ph([null]);
    const b = ph([null]);
    expect(err(() => val(tf.stack([a, b]), [[a, [1, 2]], [b, [1, 2, 3]]])).message).toMatch(
      /^Shapes of all inputs must match: values\[0\]\.shape = \[2\] != values\[1\]\.shape = \[3\]/,
    );
  });
  it('unstacks along an axis, inferring num', () => {
    const parts = tf.unstack(A);
    expect(parts.map((p) => p.name)).toEqual(['unstack:0', 'unstack:1']);
    expect(parts[0]!.shape).toEqual([3]);
    expect(val(parts)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(val(tf.unstack(A, { axis: -1 }))).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(tf.unstack(ph([null, 3]), { num: 2 }).map((p) => p.shape)).toEqual([[3], [3]]);
  });
  it('raises TF errors for unstack', () => {
    expect(err(() => tf.unstack(ph([null, 3]))).message).toBe('Cannot infer num from shape (?, 3)');
    expect(err(() => tf.unstack(A, { axis: 2 })).message).toBe('axis = 2 not in [-2, 2)');
    expect(err(() => tf.unstack(A, { num: 3 })).message).toBe("Dimension must be 3 but is 2 for 'unstack' (op: 'Unpack') with input shapes: [2,3].");
  });
});

describe('expandDims / squeeze', () => {
  it('inserts a 1 at the axis', () => {
    const e = tf.expandDims(A, 0);
    expect(e.op.name).toBe('ExpandDims');
    expect(val(e)).toEqual([A]);
    expect(tf.expandDims(ph([null, 3]), -1).shape).toEqual([null, 3, 1]);
    expect(tf.expandDims(ph([null, 3]), 1).shape).toEqual([null, 1, 3]);
    expect(tf.expandDims(ph(null), 1).shape).toBeNull();
    expect(val(tf.expandDims(5, 0))).toEqual([5]);
  });
  it('raises TF errors for expandDims', () => {
    expect(err(() => tf.expandDims(A, 3)).message).toBe(
      "dim 3 not in the interval [-3, 2]. for 'ExpandDims' (op: 'ExpandDims') with input shapes: [2,3], [] and with computed input tensors: input[1] = <3>.",
    );
    const u = ph(null);
    expect(err(() => val(tf.expandDims(u, 3), [[u, [1, 2]]])).message).toMatch(/^Tried to expand dim index 3 for tensor with 1 dimensions\./);
  });
  it('drops size-1 dims (all, or the given ones)', () => {
    const x = tf.constant([[[1], [2]]]);
    const s = tf.squeeze(x);
    expect(s.op.name).toBe('Squeeze');
    expect(s.shape).toEqual([2]);
    expect(val(s)).toEqual([1, 2]);
    expect(val(tf.squeeze(x, [2]))).toEqual([[1, 2]]);
    expect(val(tf.squeeze(x, -3))).toEqual([[1], [2]]);
    expect(tf.squeeze(ph([null, 1, 3]), [1]).shape).toEqual([null, 3]);
    expect(tf.squeeze(ph([4, null, 3]), 1).shape).toEqual([4, 3]);
    expect(tf.squeeze(ph([1, null, 3])).shape).toBeNull();
  });
  it('raises TF errors for squeeze', () => {
    expect(err(() => tf.squeeze(A, [1])).message).toBe(
      "Can not squeeze dim[1], expected a dimension of 1, got 3 for 'Squeeze' (op: 'Squeeze') with input shapes: [2,3].",
    );
    expect(err(() => tf.squeeze(A, [2])).message).toBe("squeeze_dims[0] not in [-2,2). for 'Squeeze' (op: 'Squeeze') with input shapes: [2,3].");
    const u = ph([null, null]);
    const e = err(() => val(tf.squeeze(u, 1), [[u, A]]));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toMatch(/^Can not squeeze dim\[1\], expected a dimension of 1, got 3/);
  });
});

describe('slice', () => {
  it('slices with sizes, -1 meaning to the end', () => {
    const s = tf.slice(A, [0, 1], [-1, 2]);
    expect(s.op.name).toBe('Slice');
    expect(s.shape).toEqual([2, 2]);
    expect(val(s)).toEqual([[2, 3], [5, 6]]);
    expect(val(tf.slice(A, [1, 0], [1, 3]))).toEqual([[4, 5, 6]]);
    expect(val(tf.slice(A, [1, 3], [1, 0]))).toEqual([[]]);
  });
  it('infers partial shapes', () => {
    expect(tf.slice(ph([null, 4]), [0, 1], [-1, -1]).shape).toEqual([null, 3]);
    expect(tf.slice(ph([null, 4]), [1, 1], [2, 2]).shape).toEqual([2, 2]);
    expect(tf.slice(ph(null), [1, 1], [2, -1]).shape).toEqual([2, null]);
  });
  it('raises TF errors at build time', () => {
    expect(err(() => tf.slice(A, [0, 4], [1, -1])).message).toBe(
      "Negative dimension size caused by subtracting 4 from 3 for 'Slice' (op: 'Slice') with input shapes: [2,3], [2], [2] and with computed input tensors: input[1] = <0 4>, input[2] = <1 -1>.",
    );
    expect(err(() => tf.slice(A, [0, 0, 0], [1, 1, 1])).message).toMatch(/^Shape must be rank 3 but is rank 2 for 'Slice'/);
    expect(err(() => tf.slice(A, [0, 0], [1, -2])).message).toMatch(
      /^Out of bounds slicing on dimension 1 of length 3: sizes vector cannot be < -1, but was -2 for/,
    );
    expect(err(() => tf.slice(A, [0], [1, 1])).message).toMatch(/^Dimension 0 in both shapes must be equal, but are 1 and 2\. Shapes are \[1\] and \[2\]\./);
  });
  it('raises TF errors at run time', () => {
    const e = err(() => val(tf.slice(A, [1, 0], [3, 1])));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toMatch(/^Expected size\[0\] in \[0, 1\], but got 3/);
    expect(err(() => val(tf.slice(A, [0, 4], [1, 0]))).message).toMatch(/^Expected begin\[1\] in \[0, 3\], but got 4/);
  });
});

describe('gather', () => {
  it('gathers along axis 0 and 1, with nested and int64 indices', () => {
    const g = tf.gather(A, [1, 0, 1]);
    expect(g.op.type).toBe('GatherV2');
    expect(g.op.name).toBe('GatherV2');
    expect(val(g)).toEqual([[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
    expect(val(tf.gather(A, [[2, 0]], { axis: 1 }))).toEqual([[[3, 1]], [[6, 4]]]);
    expect(val(tf.gather(A, tf.constant([1], 'int64'), { axis: -2 }))).toEqual([[4, 5, 6]]);
    expect(val(tf.gather([10, 20, 30], 2))).toBe(30);
  });
  it('infers params[:axis] + indices + params[axis+1:]', () => {
    expect(tf.gather(ph([null, 4, 5]), ph([2, null], 'int32'), { axis: 1 }).shape).toEqual([null, 2, null, 5]);
    expect(tf.gather(ph(null), ph([2], 'int32')).shape).toBeNull();
  });
  it('raises TF errors', () => {
    expect(err(() => tf.gather(A, [0], { axis: 2 })).message).toBe(
      "Shape must be at least rank 3 but is rank 2 for 'GatherV2' (op: 'GatherV2') with input shapes: [2,3], [1], [] and with computed input tensors: input[2] = <2>.",
    );
    expect(err(() => tf.gather(A, tf.constant([0.5])))).toBeInstanceOf(TypeError);
    const e = err(() => val(tf.gather([1, 2, 3], [0, 5])));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toMatch(/^indices\[1\] = 5 is not in \[0, 3\)/);
  });
});

describe('oneHot', () => {
  it('encodes indices (out of range → all off) along the last axis by default', () => {
    const o = tf.oneHot([0, 2, 3, -1], 3);
    expect(o.op.type).toBe('OneHot');
    expect(o.op.name).toBe('one_hot');
    expect(o.dtype).toBe('float32');
    expect(val(o)).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]);
  });
  it('takes on/off values, an axis and a dtype', () => {
    expect(val(tf.oneHot([1, 0], 2, { onValue: 5, offValue: -1 }))).toEqual([[-1, 5], [5, -1]]);
    expect(val(tf.oneHot([1, 0], 3, { axis: 0, dtype: 'int32' }))).toEqual([[0, 1], [1, 0], [0, 0]]);
    expect(val(tf.oneHot([[0, 1]], 2, { axis: 1 }))).toEqual([[[1, 0], [0, 1]]]);
    expect(tf.oneHot([0], 2, { onValue: true, offValue: false }).dtype).toBe('bool');
  });
  it('infers shapes', () => {
    expect(tf.oneHot(ph([null], 'int32'), 4).shape).toEqual([null, 4]);
    expect(tf.oneHot(ph([null, 2], 'int32'), 4, { axis: 1 }).shape).toEqual([null, 4, 2]);
  });
  it('raises TF errors', () => {
    expect(err(() => tf.oneHot([0], 2, { axis: -2 })).message).toMatch(/^axis must be >= -1 for 'one_hot' \(op: 'OneHot'\)/);
    expect(err(() => tf.oneHot([0], -1)).message).toMatch(/^Dimension size, given by scalar input 1, must be non-negative but is -1 for/);
    expect(err(() => tf.oneHot(tf.constant([0.5]), 2))).toBeInstanceOf(TypeError);
  });
});

describe('tile', () => {
  it('repeats along each dim', () => {
    const t = tf.tile([[1, 2], [3, 4]], [2, 3]);
    expect(t.op.name).toBe('Tile');
    expect(t.shape).toEqual([4, 6]);
    expect(val(t)).toEqual([[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4], [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]]);
    expect(val(tf.tile([1, 2], [2]))).toEqual([1, 2, 1, 2]);
    expect(val(tf.tile([[1, 2]], [1, 0]))).toEqual([[]]);
  });
  it('infers partial shapes', () => {
    expect(tf.tile(ph([null, 3]), [2, 2]).shape).toEqual([null, 6]);
    expect(tf.tile(ph(null), [2, 2]).shape).toEqual([null, null]);
  });
  it('raises TF errors', () => {
    expect(err(() => tf.tile(A, [1, 2, 3])).message).toBe(
      "Shape must be rank 2 but is rank 3 for 'Tile' (op: 'Tile') with input shapes: [2,3], [3] and with computed input tensors: input[1] = <1 2 3>.",
    );
    expect(err(() => tf.tile(A, [1, -1])).message).toBe('Expected multiples[1] >= 0, but got -1');
    const u = ph(null);
    expect(err(() => val(tf.tile(u, [2, 2]), [[u, [1, 2]]])).message).toMatch(
      /^Expected multiples argument to be a vector of length 1 but got length 2/,
    );
  });
});

describe('range', () => {
  it('counts as Python range and folds to a constant', () => {
    const r = tf.range(5);
    expect(r.op.name).toBe('range');
    expect(r.dtype).toBe('int32');
    expect(r.shape).toEqual([5]);
    expect(val(r)).toEqual([0, 1, 2, 3, 4]);
    expect(val(tf.range(2, 11, 3))).toEqual([2, 5, 8]);
    expect(val(tf.range(5, 0, -2))).toEqual([5, 3, 1]);
    expect(val(tf.range(3, 3))).toEqual([]);
  });
  it('picks float32 for fractional arguments and honours dtype', () => {
    const r = tf.range(0, 1, 0.25);
    expect(r.dtype).toBe('float32');
    expect(val(r)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(tf.range(0, 1, 0.1).shape).toEqual([10]);
    expect(tf.range(3, null, 1, 'float32').dtype).toBe('float32');
    expect(val(tf.range(3, undefined, 1, 'int64'))).toEqual([0, 1, 2]);
  });
  it('raises TF errors', () => {
    expect(err(() => tf.range(5, 1)).message).toBe(
      "Requires start <= limit when delta > 0: 5/1 for 'range' (op: 'Range') with input shapes: [], [], [] and with computed input tensors: input[0] = <5>, input[1] = <1>, input[2] = <1>.",
    );
    expect(err(() => tf.range(1, 5, -1)).message).toMatch(/^Requires start >= limit when delta < 0: 1\/5 for 'range'/);
    expect(err(() => tf.range(1, 5, 0)).message).toMatch(/^Requires delta != 0 for 'range'/);
    expect(err(() => tf.range(0, 2.5, 1, 'int32'))).toBeInstanceOf(TypeError);
  });
});

describe('shape / size / rank on the new ops', () => {
  it('report run-time values', () => {
    const x = ph([null, 3]);
    const c = tf.concat([x, x], 0);
    expect(val([tf.shape(c), tf.size(c), tf.rank(c)], [[x, A]])).toEqual([[4, 3], 12, 2]);
  });
});

describe('conformance: MatMul cases', () => {
  interface Case { id: string; op: string; attrs: { transpose_a: boolean; transpose_b: boolean }; inputs: { a: number[][]; b: number[][] }; expected: number[][]; tol: { atol: number } }
  const cases = (JSON.parse(readFileSync(new URL('./fixtures/conformance/cases.json', import.meta.url), 'utf8')) as Case[]).filter((c) => c.op === 'MatMul');
  it('has the three cases', () => expect(cases.map((c) => c.id)).toEqual(['matmul_basic', 'matmul_transpose_b', 'matmul_transpose_a']));
  for (const c of cases) {
    it(c.id, () => {
      const y = tf.matmul(tf.constant(c.inputs.a, 'float32'), tf.constant(c.inputs.b, 'float32'), {
        transposeA: c.attrs.transpose_a, transposeB: c.attrs.transpose_b,
      });
      const got = (val(y) as number[][]).flat();
      c.expected.flat().forEach((e, i) => expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(c.tol.atol));
    });
  }
});
