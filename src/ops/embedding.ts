/** `tf.nn.embeddingLookup`: rows of an embedding matrix by id, with a sparse gradient. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { PartitionedVariable } from '../scope/partitioned-variable.js';
import { concat, gather, range, reshape, shape, size, slice, stack } from './array.js';
import { constant, identity } from './core.js';
import { add, cast, floorDiv as floordiv, less, maximum, mod, reduceSum, subtract, where } from './math.js';
import { dynamicPartition, dynamicStitch } from './partition.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { clipByNorm } from './clip.js';

export interface EmbeddingLookupOptions {
  partitionStrategy?: 'mod' | 'div';
  name?: string;
  validateIndices?: boolean;
  /** Rows whose l2 norm is larger are scaled down to this norm. */
  maxNorm?: number | null;
}

/**
 * `tf.nn.embeddingLookup(params, ids, {partitionStrategy, name, validateIndices, maxNorm})`:
 * `params[ids]`, shaped `ids.shape + params.shape[1:]`. Its gradient w.r.t. `params` is a
 * `tf.IndexedSlices` of the looked-up rows, so optimizers update only those rows. `params` may
 * be a Tensor, a Variable, a PartitionedVariable, or a list of shards: then each id is looked up
 * in one shard as TF1's partition strategies say — `'mod'` (the default: id `i` is row `i / n` of
 * shard `i % n`) or `'div'` (contiguous ranges of ids, the first shards one longer; this is
 * how a partitioner lays a variable out).
 */
export function embeddingLookup(
  params: TensorLike | PartitionedVariable | readonly TensorLike[],
  ids: TensorLike,
  partitionStrategy?: 'mod' | 'div' | EmbeddingLookupOptions,
  opts: EmbeddingLookupOptions = {},
): Tensor {
  if (partitionStrategy !== undefined && typeof partitionStrategy === 'object') opts = partitionStrategy;
  else if (partitionStrategy !== undefined) opts = { ...opts, partitionStrategy };
  const strategy = opts.partitionStrategy ?? 'mod';
  if (strategy !== 'mod' && strategy !== 'div') throw new ValueError(`Unrecognized partition strategy: ${String(strategy)}`);
  const list: readonly TensorLike[] = params instanceof PartitionedVariable ? [...params] : Array.isArray(params) ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError('Need at least one param');
  const ps = list.map((x) => toTensor(x));
  const i = toTensor(ids, isHostValue(ids) && !(ids instanceof NDArray) ? 'int32' : undefined);
  const maxNorm = opts.maxNorm;
  const clip = (rows: Tensor): Tensor => {
    if (maxNorm === undefined || maxNorm === null) return rows;
    const r = rows.shape;
    const idsRank = i.shape?.length;
    if (r === null || idsRank === undefined) throw new ValueError('embedding_lookup with maxNorm needs ids and params of known rank');
    const axes = Array.from({ length: r.length - idsRank }, (_, k) => idsRank + k);
    return clipByNorm(rows, maxNorm, axes);
  };
  // TF1 names the gather after the scope and returns an Identity inside it.
  if (ps.length === 1) {
    return ps[0]!.graph.nameScope(opts.name ?? 'embedding_lookup', (scope) => identity(clip(gather(ps[0]!, i, { axis: 0, name: scope }))));
  }
  return ps[0]!.graph.nameScope(opts.name ?? 'embedding_lookup', (scope) => {
    const np = ps.length;
    const flat = reshape(i, [-1]);
    const original = range(0, size(flat));
    let assign: Tensor;
    let newIds: Tensor;
    if (strategy === 'mod') {
      assign = mod(flat, np);
      newIds = floordiv(flat, np);
    } else {
      const dims = ps.map((p) => p.shape?.[0] ?? null);
      const total = dims.every((d) => d !== null)
        ? constant((dims as number[]).reduce((a, b) => a + b, 0), flat.dtype)
        : reduceSum(cast(stack(ps.map((p) => slice(shape(p), [0], [1]))), flat.dtype));
      const perPart = floordiv(total, np);
      const extras = mod(total, np);
      assign = maximum(floordiv(flat, add(perPart, 1)), floordiv(subtract(flat, extras), perPart));
      newIds = where(less(assign, extras), mod(flat, add(perPart, 1)), mod(subtract(flat, extras), perPart));
    }
    const assign32 = cast(assign, 'int32');
    const gatherIds = dynamicPartition(newIds, assign32, np);
    const pindices = dynamicPartition(original, assign32, np);
    const pieces = ps.map((p, k) => gather(p, gatherIds[k]!));
    const stitched = dynamicStitch(pindices, pieces, { name: scope });
    // the element shape: static where every shard agrees, else the first shard's
    const inner = ps.map((p) => p.shape?.slice(1) ?? null).reduce((a, b) => (a === null || b === null ? null : a.map((d, k) => d ?? b[k] ?? null)));
    const innerDyn = inner !== null && inner.every((d) => d !== null) ? constant(inner as number[], 'int32') : slice(shape(ps[0]!), [1], [-1]);
    const out = reshape(stitched, concat([shape(i), innerDyn], 0));
    return clip(out);
  });
}
