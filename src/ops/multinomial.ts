/**
 * `tf.multinomial(logits, numSamples, seed?, name?, outputDtype = tf.int64)` and
 * `tf.random.categorical(logits, numSamples, dtype?, seed?, name?)`: TF's Multinomial op, class
 * indices drawn per row from the softmax of `logits`. Lowered onto the device's counter-based
 * uniform stream (seeded by the graph and op seeds as TF1's random ops; a fresh session repeats
 * the sequence, each run draws anew): a sample is the number of entries of the row's cumulative
 * probabilities below its uniform draw. Not TF's exact samples; not differentiable, as in TF.
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { cShape } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

const REAL = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'uint16', 'float16'];

defineOp<{ seed: number; seed2: number; outputDtype: DType }>({
  type: 'Multinomial',
  infer: ([logits, num], a, name) => {
    if (!REAL.includes(logits!.dtype)) throw new TypeError(`Value passed to parameter 'logits' has DataType ${logits!.dtype} not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64`);
    const ls = logits!.shape;
    const shapes = [ls, num!.shape];
    if (ls !== null && ls.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${ls.length}`, name, 'Multinomial', shapes);
    if (num!.shape !== null && num!.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${num!.shape.length}`, name, 'Multinomial', shapes);
    const n = num!.op.type === 'Const' ? Number((num!.op.attrs.value as NDArray).data[0]) : null;
    return [{ dtype: a.outputDtype, shape: [ls?.[0] ?? null, n] }];
  },
  lower: (b, [logits, num], a) => {
    const v = b.requireValue(num!, () => new InvalidArgumentError('Multinomial needs num_samples known when the plan is built (a constant or derived from tensor shapes)', b.opName));
    const s = Number(v.data[0]);
    if (logits!.shape.length !== 2) throw new InvalidArgumentError(`logits should be a matrix, got shape ${cShape([...logits!.shape])}`, b.opName);
    if (s < 0) throw new InvalidArgumentError(`num_samples should be nonnegative, got ${s}`, b.opName);
    const [rows, c] = logits!.shape as [number, number];
    if (c <= 0) throw new InvalidArgumentError(`num_classes should be positive, got ${c}`, b.opName);
    const probs = b.softmax(logits!.dtype === 'float32' ? logits! : b.cast(logits!, 'float32'), false);
    const tri = new Float32Array(c * c);
    for (let i = 0; i < c; i++) for (let j = i; j < c; j++) tri[i * c + j] = 1;
    const cdf = b.matmul(probs, b.constant(new NDArray(tri, [c, c], 'float32')), false, false);
    const u = b.random([rows, s], 'uniform', [a.seed >>> 0, a.seed2 >>> 0], 1, 0);
    const below = b.binary('less', b.reshape(cdf, [rows, 1, c]), b.reshape(u, [rows, s, 1]));
    const count = b.reduce('sum', b.cast(below, 'int32'), [2], false);
    const idx = b.binary('minimum', count, b.scalar(c - 1, 'int32'));
    return [a.outputDtype === 'int32' ? idx : b.cast(idx, a.outputDtype)];
  },
  stateful: true,
});
registerGradient('Multinomial', null);

function multinomialOp(logits: TensorLike, numSamples: unknown, seed: unknown, name: string | undefined, dtype: unknown): Tensor {
  const l = toTensor(logits, undefined, 'logits');
  const out = dtype === undefined || dtype === null ? 'int64' : parseDType(dtype);
  if (out !== 'int32' && out !== 'int64') throw new TypeError(`Value for attr 'output_dtype' of ${out} is not in the list of allowed values: int32, int64`);
  if (seed !== undefined && seed !== null && !Number.isInteger(seed)) throw new ValueError(`seed must be an integer, got ${String(seed)}`);
  const s = l.graph.getSeed((seed as number | null | undefined) ?? undefined) ?? [(Math.random() * 2 ** 31) | 0, (Math.random() * 2 ** 31) | 0];
  return l.graph.nameScope(name ?? 'multinomial', () =>
    makeOp(l.graph, 'Multinomial', [l, toTensor(numSamples as TensorLike, 'int32', 'num_samples')], { seed: s[0], seed2: s[1], outputDtype: out }, undefined, 'Multinomial').outputs[0]!);
}

/** `tf.multinomial(logits, numSamples, seed?, name?, outputDtype = tf.int64)`: [batch, numSamples] class indices drawn from softmax(logits) per row. */
export function multinomial(logits: TensorLike, numSamples: number | Tensor | Record<string, unknown>, ...rest: unknown[]): Tensor {
  const o = kwargs([logits, numSamples, ...rest], ['logits', 'numSamples', 'seed', 'name', 'outputDtype'], 'multinomial', 2);
  return multinomialOp(o.logits as TensorLike, o.numSamples, o.seed, o.name as string | undefined, o.outputDtype);
}

/** `tf.random.categorical(logits, numSamples, dtype = tf.int64, seed?, name?)`: the Multinomial op under TF 1.15's newer name. */
export function categorical(logits: TensorLike, numSamples: number | Tensor | Record<string, unknown>, ...rest: unknown[]): Tensor {
  const o = kwargs([logits, numSamples, ...rest], ['logits', 'numSamples', 'dtype', 'seed', 'name'], 'random.categorical', 2);
  return multinomialOp(o.logits as TensorLike, o.numSamples, o.seed, (o.name as string | undefined) ?? 'categorical', o.dtype);
}
