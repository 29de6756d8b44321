/**
 * `tf.dynamicPartition` and `tf.dynamicStitch` (data_flow_ops), as TF's embedding code uses them
 * for partitioned parameters. How many rows each partition gets, and how long a stitch is,
 * depends on the index values: DynamicPartition is a host-stage op, and so is a DynamicStitch
 * whose indices come from fed or computed data (one whose indices are constants or tensor
 * shapes, as TF's gradient graphs build them, lowers into the device plan: shape-operands.ts).
 * Gradients are TF 1.15's: a partition's gradient stitches the partitioned gradients back
 * (data_flow_grad.py), a stitch's gathers its rows.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { cShape, sizeOf } from '../shape.js';
import { sliceDebugString } from '../device/prims.js';
import { range, reshape, shape as shapeOf, shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { defineHostOp, reachesData, valuesOf } from './host-values.js';
import { reduceProd } from './math.js';
import { makeOp, registerGradient } from './registry.js';

const asInt = (x: TensorLike, name: string): Tensor => toTensor(x, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined, name);
const startsWith = (s: readonly number[], p: readonly number[]): boolean => p.length <= s.length && p.every((d, i) => s[i] === d);

function rowsOf(a: NDArray, rows: number[], width: number, shape: number[]): NDArray {
  const out = NDArray.zeros(shape, a.dtype);
  const src = a.data as ArrayLike<number>;
  rows.forEach((r, i) => { for (let k = 0; k < width; k++) out.data[i * width + k] = src[r * width + k]!; });
  return out;
}

defineHostOp<{ numPartitions: number }>({
  type: 'DynamicPartition',
  infer: ([data, parts], a, name) => {
    if (parts!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'partitions' has DataType ${parts!.dtype} not in list of allowed values: int32`);
    const d = data!.shape;
    const p = parts!.shape;
    if (d !== null && p !== null) {
      if (p.length > d.length) throw shapeFnError(`Shape must be at least rank ${p.length} but is rank ${d.length}`, name, 'DynamicPartition', [d, p]);
      for (let i = 0; i < p.length; i++) {
        if (d[i] !== null && p[i] !== null && d[i] !== p[i]) {
          throw shapeFnError(`Dimension ${i} in both shapes must be equal, but are ${d[i]} and ${p[i]}. Shapes are ${cShape(d.slice(0, p.length))} and ${cShape(p)}.`, name, 'DynamicPartition', [d, p]);
        }
      }
    }
    const rest = d === null || p === null ? null : d.slice(p.length);
    return Array.from({ length: a.numPartitions }, () => ({ dtype: data!.dtype, shape: rest === null ? null : [null, ...rest] }));
  },
  run: ([data, parts], a, op) => {
    if (!startsWith(data!.shape, parts!.shape)) {
      throw new InvalidArgumentError(`data.shape must start with partitions.shape, got data.shape = ${cShape(data!.shape)}, partitions.shape = ${cShape(parts!.shape)}`, op.name);
    }
    const pv = valuesOf(parts!);
    const inner = data!.shape.slice(parts!.rank);
    const w = sizeOf(inner);
    const rows: number[][] = Array.from({ length: a.numPartitions }, () => []);
    for (let i = 0; i < pv.length; i++) {
      const p = pv[i]!;
      if (!(p >= 0 && p < a.numPartitions)) {
        throw new InvalidArgumentError(`partitions${sliceDebugString(parts!.shape, i)} = ${p} is not in [0, ${a.numPartitions})`, op.name);
      }
      rows[p]!.push(i);
    }
    return rows.map((r) => rowsOf(data!, r, w, [r.length, ...inner]));
  },
});

// TF's _DynamicPartitionGrads: partition the positions the same way, stitch the gradients back.
registerGradient('DynamicPartition', (op, dys) => {
  const [data, parts] = op.inputs as [Tensor, Tensor];
  const n = op.attrs.numPartitions as number;
  if (dys.every((d) => d === null)) return [null, null];
  const prefix = shapeOf(parts);
  const original = reshape(range(0, reduceProd(prefix)), prefix);
  const partitioned = dynamicPartition(original, parts, n);
  const grads = dys.map((d, i) => d ?? makeOp(op.graph, 'FillLike', [op.outputs[i]!], { value: 0 }, undefined, 'ZerosLike').outputs[0]!);
  const stitched = dynamicStitch(partitioned, grads);
  return [reshape(stitched, shapeOf(data)), null];
});

/** `tf.dynamicPartition(data, partitions, numPartitions, name?)`: the rows of `data` split by their int32 partition numbers, in order. */
export function dynamicPartition(data: TensorLike, partitions: TensorLike, numPartitions?: number | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor[] {
  const o = kwargs([data, partitions, numPartitions, name], ['data', 'partitions', 'numPartitions', 'name'], 'dynamicPartition', 3);
  const n = o.numPartitions as number;
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`Value for attr 'num_partitions' of ${String(n)} must be at least minimum 1`);
  const d = toTensor(o.data as TensorLike);
  return makeOp(d.graph, 'DynamicPartition', [d, asInt(o.partitions as TensorLike, 'partitions')], { numPartitions: n }, o.name as string | undefined, 'DynamicPartition').outputs.slice();
}

// ----- DynamicStitch from data ---------------------------------------------------------------------
const fromDataStitch = new WeakMap<Operation, boolean>();
registerHostOp(
  'DynamicStitch',
  function* (op, ins) {
    const n = op.attrs.N as number;
    const idx = ins.slice(0, n);
    const data = ins.slice(n);
    const inner = data[0]!.shape.slice(idx[0]!.rank);
    data.forEach((d, m) => {
      const want = [...idx[m]!.shape, ...inner];
      if (d.rank !== want.length || d.shape.some((x, i) => x !== want[i])) {
        throw new InvalidArgumentError(`data[${m}].shape = ${cShape(d.shape)} does not start with indices[${m}].shape = ${cShape(idx[m]!.shape)}`, op.name);
      }
    });
    const vals = idx.map((t) => valuesOf(t));
    let size = 0;
    for (const v of vals) for (const j of v) size = Math.max(size, j + 1);
    const w = sizeOf(inner);
    const out = NDArray.zeros([size, ...inner], data[0]!.dtype);
    const set = new Uint8Array(size);
    vals.forEach((v, m) => {
      const src = data[m]!.data as ArrayLike<number>;
      v.forEach((j, i) => {
        if (!(j >= 0 && j < size)) throw new InvalidArgumentError(`indices[${i}] is out of range`, op.name);
        set[j] = 1;
        for (let k = 0; k < w; k++) out.data[j * w + k] = src[i * w + k]!;
      });
    });
    const missing = set.indexOf(0);
    if (missing >= 0) throw new InvalidArgumentError(`DynamicStitch: output row ${missing} is named by no index (tsflow does not leave rows undefined)`, op.name);
    return [out];
  },
  {
    when: (op) => {
      let r = fromDataStitch.get(op);
      if (r === undefined) fromDataStitch.set(op, (r = op.inputs.slice(0, op.attrs.N as number).some((t) => reachesData(t))));
      return r;
    },
  },
);

/**
 * `tf.dynamicStitch(indices, data, name?)`: `out[indices[m][i]] = data[m][i]` (later entries win),
 * as long as the largest index + 1; every row must be named.
 */
export function dynamicStitch(indices: TensorLike[], data: TensorLike[] | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([indices, data, name], ['indices', 'data', 'name'], 'dynamicStitch', 2);
  const idx = (o.indices as TensorLike[]).map((t) => asInt(t, 'indices'));
  const ds = (o.data as TensorLike[]).map((t) => toTensor(t));
  if (idx.length !== ds.length) throw new ValueError(`List argument 'data' to 'DynamicStitch' Op with length ${ds.length} must match length ${idx.length} of argument 'indices'.`);
  if (idx.length < 1) throw new ValueError("List argument 'indices' to 'DynamicStitch' Op with length 0 shorter than minimum length 1.");
  for (const t of idx) if (t.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'indices' has DataType ${t.dtype} not in list of allowed values: int32`);
  for (const t of ds) if (t.dtype !== ds[0]!.dtype) throw new TypeError(`Tensors in list passed to 'data' of 'DynamicStitch' Op have types [${ds.map((x) => x.dtype).join(', ')}] that don't all match.`);
  return makeOp(ds[0]!.graph, 'DynamicStitch', [...idx, ...ds], { N: idx.length }, o.name as string | undefined, 'DynamicStitch').outputs[0]!;
}
