/**
 * TF1's partitioners (partitioned_variables.py), for `tf.variableScope(..., {partitioner})` and
 * `tf.getVariable(..., {partitioner})`: functions of a new variable's shape and dtype returning
 * how many shards each axis is cut into.
 */
import { kwargs } from '../args.js';
import { BYTES, type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Partitioner } from './variable-scope.js';

const elementSize = (dtype: DType, bytesPerString: number): number => (dtype === 'string' ? bytesPerString : BYTES[dtype]);
const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function checkAxis(axis: number, shape: readonly number[]): void {
  if (axis >= shape.length) throw new ValueError(`Can not partition variable along axis ${axis} when shape is only [${shape.join(', ')}]`);
}

/** `tf.fixed_size_partitioner(num_shards, axis=0)`: `numShards` shards along `axis` (fewer if the axis is shorter). */
export function fixedSizePartitioner(...args: unknown[]): Partitioner {
  const o = kwargs(args, ['numShards', 'axis'], 'fixedSizePartitioner', 1);
  const numShards = o.numShards as number;
  const axis = (o.axis as number | undefined) ?? 0;
  return (shape) => {
    checkAxis(axis, shape);
    const p = shape.map(() => 1);
    p[axis] = Math.min(numShards, shape[axis]!);
    return p;
  };
}

/**
 * `tf.variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
 * max_shards=None)`: shards along `axis` small enough to stay under `maxShardBytes` (at least
 * one slice of the axis per shard), at most `maxShards`.
 */
export function variableAxisSizePartitioner(...args: unknown[]): Partitioner {
  const o = kwargs(args, ['maxShardBytes', 'axis', 'bytesPerStringElement', 'maxShards'], 'variableAxisSizePartitioner', 1);
  const maxShardBytes = o.maxShardBytes as number;
  const axis = (o.axis as number | undefined) ?? 0;
  const bytesPerString = (o.bytesPerStringElement as number | undefined) ?? 16;
  const maxShards = (o.maxShards as number | null | undefined) ?? null;
  if (maxShardBytes < 1 || bytesPerString < 1) throw new ValueError('Both max_shard_bytes and bytes_per_string_element must be positive.');
  if (maxShards !== null && maxShards < 1) throw new ValueError('max_shards must be positive.');
  return (shape, dtype) => {
    checkAxis(axis, shape);
    const p = shape.map(() => 1);
    const bytesPerSlice = (count(shape) / shape[axis]!) * elementSize(dtype, bytesPerString);
    const slicesPerShard = Math.max(1, Math.floor(maxShardBytes / bytesPerSlice));
    let shards = Math.ceil(shape[axis]! / slicesPerShard);
    if (maxShards !== null) shards = Math.min(maxShards, shards);
    p[axis] = shards;
    return p;
  };
}

/**
 * `tf.min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
 * bytes_per_string_element=16)`: as many shards along `axis` as keep each at least
 * `minSliceSize` bytes, at most `maxPartitions`.
 */
export function minMaxVariablePartitioner(...args: unknown[]): Partitioner {
  const o = kwargs(args, ['maxPartitions', 'axis', 'minSliceSize', 'bytesPerStringElement'], 'minMaxVariablePartitioner');
  const maxPartitions = (o.maxPartitions as number | undefined) ?? 1;
  const axis = (o.axis as number | undefined) ?? 0;
  const minSliceSize = (o.minSliceSize as number | undefined) ?? 256 << 10;
  const bytesPerString = (o.bytesPerStringElement as number | undefined) ?? 16;
  return (shape, dtype) => {
    checkAxis(axis, shape);
    const partitions = (count(shape) * elementSize(dtype, bytesPerString)) / minSliceSize;
    const p = shape.map(() => 1);
    p[axis] = Math.max(1, Math.min(shape[axis]!, maxPartitions, Math.ceil(partitions)));
    return p;
  };
}
