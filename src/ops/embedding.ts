/** `tf.nn.embeddingLookup`: rows of an embedding matrix by id, with a sparse gradient. */
import { UnimplementedError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { gather } from './array.js';
import { identity } from './core.js';
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
 * be a Tensor, a Variable, or a list of one (sharded lists of several are not supported).
 */
export function embeddingLookup(
  params: TensorLike | readonly TensorLike[],
  ids: TensorLike,
  partitionStrategy?: 'mod' | 'div' | EmbeddingLookupOptions,
  opts: EmbeddingLookupOptions = {},
): Tensor {
  if (partitionStrategy !== undefined && typeof partitionStrategy === 'object') opts = partitionStrategy;
  else if (partitionStrategy !== undefined) opts = { ...opts, partitionStrategy };
  const strategy = opts.partitionStrategy ?? 'mod';
  if (strategy !== 'mod' && strategy !== 'div') throw new ValueError(`Unrecognized partition strategy: ${String(strategy)}`);
  const list = Array.isArray(params) ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError('Need at least one param');
  if (list.length > 1) {
    throw new UnimplementedError('embedding_lookup over several sharded params tensors is not supported; pass one params tensor (or concat the shards)');
  }
  const p = toTensor(list[0]!);
  const i = toTensor(ids, isHostValue(ids) && !(ids instanceof NDArray) ? 'int32' : undefined);
  // TF1 names the gather after the scope and returns an Identity inside it.
  return p.graph.nameScope(opts.name ?? 'embedding_lookup', (scope) => {
    let rows = gather(p, i, { axis: 0, name: scope });
    const maxNorm = opts.maxNorm;
    if (maxNorm !== undefined && maxNorm !== null) {
      const r = rows.shape;
      const idsRank = i.shape?.length;
      if (r === null || idsRank === undefined) throw new ValueError('embedding_lookup with maxNorm needs ids and params of known rank');
      const axes = Array.from({ length: r.length - idsRank }, (_, k) => idsRank + k);
      rows = clipByNorm(rows, maxNorm, axes);
    }
    return identity(rows);
  });
}
