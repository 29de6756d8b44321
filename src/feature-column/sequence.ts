/**
 * TF 1.15's sequence feature columns (python/feature_column/sequence_feature_column.py) and
 * `tf.contrib.feature_column.sequence_input_layer`: `sequence_numeric_column` and the
 * `sequence_categorical_column_with_*` columns, read through embedding / indicator columns as
 * `[batch, T, d]` per-step values with each example's sequence length (`[batch]` int64: the
 * last present step + 1, as fc_utils.sequence_length_from_sparse_tensor counts it).
 */
import { type DType, parseDType } from '../dtype.js';
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { controlDependencies, nameScope } from '../graph/context.js';
import * as ops from '../ops/index.js';
import { VarLenFeature } from '../ops/parsing.js';
import { SparseTensor, sparseTensorToDense } from '../ops/sparse-tensor.js';
import { getVariable } from '../scope/get-variable.js';
import { variableScope } from '../scope/variable-scope.js';
import { addToCollections } from '../scope/collections.js';
import {
  type Cache, CategoricalColumn, EmbeddingColumn, type FeatureColumn, type Features, type Ids, IndicatorColumn, SEQUENCE,
  categoricalColumnWithHashBucket, categoricalColumnWithIdentity, categoricalColumnWithVocabularyList, numericColumn,
} from './columns.js';
import { type ParseSpec, categoricalColumnWithVocabularyFile, parseSpecOf } from './extra.js';

function cached<T>(cache: Cache, c: FeatureColumn, make: () => T): T {
  if (!cache.has(c)) cache.set(c, make());
  return cache.get(c) as T;
}

/** `[batch]` int64: for each row, the last position holding a value, plus one (0 for none); `/ perStep`, rounded up. */
function lengthFromMask(mask: Tensor, perStep = 1): Tensor {
  const m = ops.cast(mask, 'float32');
  const pos = ops.cumsum(ops.onesLike(m), 1); // 1, 2, … along each row
  const last = ops.reduceMax(ops.multiply(m, pos), 1);
  return ops.cast(perStep === 1 ? last : ops.ceil(ops.divide(last, perStep)), 'int64');
}

/** A sequence of categorical values: the wrapped column's ids, one per step. */
export class SequenceCategoricalColumn extends CategoricalColumn {
  readonly [SEQUENCE] = true;
  constructor(readonly categoricalColumn: CategoricalColumn) {
    super();
  }
  get name(): string {
    return this.categoricalColumn.name;
  }
  get numBuckets(): number {
    return this.categoricalColumn.numBuckets;
  }
  parseExampleSpec(): Record<string, ParseSpec> {
    return parseSpecOf(this.categoricalColumn);
  }
  ids(features: Features, cache: Cache): Ids {
    return this.categoricalColumn.ids(features, cache);
  }
  /** `[batch]` int64 steps: the last present value of each row, plus one. */
  sequenceLength(features: Features, cache: Cache): Tensor {
    const got = this.ids(features, cache);
    return lengthFromMask(got.present ?? got.valid);
  }
  override toString(): string {
    return `SequenceCategoricalColumn(categorical_column=${String(this.categoricalColumn)})`;
  }
}

/** `tf.feature_column.sequence_categorical_column_with_identity(key, num_buckets, default_value=None)`. */
export function sequenceCategoricalColumnWithIdentity(...args: unknown[]): SequenceCategoricalColumn {
  const a = kwargs(args, ['key', 'numBuckets', 'defaultValue'], 'sequence_categorical_column_with_identity', 2);
  return new SequenceCategoricalColumn(categoricalColumnWithIdentity(a.key as string, a.numBuckets as number, { defaultValue: a.defaultValue as number | null | undefined }));
}

/** `tf.feature_column.sequence_categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=tf.string)`. */
export function sequenceCategoricalColumnWithHashBucket(...args: unknown[]): SequenceCategoricalColumn {
  const a = kwargs(args, ['key', 'hashBucketSize', 'dtype'], 'sequence_categorical_column_with_hash_bucket', 2);
  return new SequenceCategoricalColumn(categoricalColumnWithHashBucket(a.key as string, a.hashBucketSize as number, a.dtype ? { dtype: parseDType(a.dtype as string) } : {}));
}

/**
 * `tf.feature_column.sequence_categorical_column_with_vocabulary_file(key, vocabulary_file,
 * vocabulary_size=None, num_oov_buckets=0, default_value=None, dtype=tf.string)`.
 */
export function sequenceCategoricalColumnWithVocabularyFile(...args: unknown[]): SequenceCategoricalColumn {
  const a = kwargs(args, ['key', 'vocabularyFile', 'vocabularySize', 'numOovBuckets', 'defaultValue', 'dtype'], 'sequence_categorical_column_with_vocabulary_file', 2);
  return new SequenceCategoricalColumn(categoricalColumnWithVocabularyFile(a));
}

/**
 * `tf.feature_column.sequence_categorical_column_with_vocabulary_list(key, vocabulary_list,
 * dtype=None, default_value=-1, num_oov_buckets=0)`.
 */
export function sequenceCategoricalColumnWithVocabularyList(...args: unknown[]): SequenceCategoricalColumn {
  const a = kwargs(args, ['key', 'vocabularyList', 'dtype', 'defaultValue', 'numOovBuckets'], 'sequence_categorical_column_with_vocabulary_list', 2);
  return new SequenceCategoricalColumn(categoricalColumnWithVocabularyList(a.key as string, a.vocabularyList as string[], {
    dtype: a.dtype ? parseDType(a.dtype as string) : null, defaultValue: a.defaultValue as number | undefined, numOovBuckets: a.numOovBuckets as number | undefined,
  }));
}

/** A sequence of numeric values: `shape` values per step, from a SparseTensor `[batch, T·Π shape]`. */
export class SequenceNumericColumn implements FeatureColumn {
  constructor(
    readonly key: string,
    readonly shape: readonly number[],
    readonly defaultValue: number,
    readonly dtype: DType,
    readonly normalizerFn: ((t: Tensor) => Tensor) | null,
  ) {}
  get name(): string {
    return this.key;
  }
  get varScopeName(): string {
    return this.key;
  }
  get numElements(): number {
    return this.shape.reduce((x, y) => x * y, 1);
  }
  parseExampleSpec(): Record<string, ParseSpec> {
    return { [this.key]: new VarLenFeature(this.dtype) };
  }
  toString(): string {
    return `SequenceNumericColumn(key='${this.key}', shape=(${this.shape.join(', ')}${this.shape.length === 1 ? ',' : ''}))`;
  }
  /** `[batch, T, ...shape]` float32 values (the padding `defaultValue`) and the `[batch]` int64 lengths. */
  sequenceDense(features: Features, cache: Cache): { dense: Tensor; length: Tensor } {
    return cached(cache, this, () => {
      const raw = features[this.key];
      if (raw === undefined) throw new ValueError(`The feature ${this.key} is not in features dictionary.`);
      if (!(raw instanceof SparseTensor)) throw new TypeError(`Input must be a SparseTensor. (sequence_numeric_column ${this.key})`);
      let sp = raw;
      if (this.normalizerFn) sp = new SparseTensor(sp.indices, this.normalizerFn(sp.values), sp.denseShape);
      let values = sparseTensorToDense(sp, { defaultValue: ops.cast(ops.constant(this.defaultValue), sp.dtype) });
      if (values.dtype !== 'float32') values = ops.cast(values, 'float32');
      const target = ops.concat([ops.slice(ops.shape(values), [0], [1]), ops.constant(Int32Array.from([-1, ...this.shape]), 'int32', [1 + this.shape.length])], 0);
      const dense = ops.reshape(values, target);
      const mask = sparseTensorToDense(new SparseTensor(sp.indices, ops.onesLike(ops.cast(sp.values, 'float32')), sp.denseShape), { defaultValue: 0 });
      const length = lengthFromMask(mask, sp.shape && sp.shape.length === 3 ? 1 : this.numElements);
      return { dense, length };
    });
  }
}

/**
 * `tf.feature_column.sequence_numeric_column(key, shape=(1,), default_value=0.0,
 * dtype=tf.float32, normalizer_fn=None)`.
 */
export function sequenceNumericColumn(...args: unknown[]): SequenceNumericColumn {
  const a = kwargs(args, ['key', 'shape', 'defaultValue', 'dtype', 'normalizerFn'], 'sequence_numeric_column', 1);
  const key = a.key as string;
  // numeric_column's checks of the key, the shape, the dtype and the normalizer
  const base = numericColumn(key, { shape: a.shape as number[] | undefined, dtype: a.dtype ? parseDType(a.dtype as string) : undefined, normalizerFn: a.normalizerFn as null | undefined });
  return new SequenceNumericColumn(key, base.shape, (a.defaultValue as number | undefined) ?? 0, base.dtype, base.normalizerFn);
}

export type SequenceDenseColumn = SequenceNumericColumn | EmbeddingColumn | IndicatorColumn;

/** A column's per-step values `[batch, T, d]` and lengths, as TF's `_get_sequence_dense_tensor`. */
function sequenceDenseOf(c: FeatureColumn, features: Features, cache: Cache, trainable: boolean): { dense: Tensor; length: Tensor; size: number } {
  if (c instanceof SequenceNumericColumn) {
    const { dense, length } = c.sequenceDense(features, cache);
    return { dense, length, size: c.numElements };
  }
  if (c instanceof EmbeddingColumn || c instanceof IndicatorColumn) {
    const cat = c.categoricalColumn;
    const which = c instanceof EmbeddingColumn ? 'embedding_column' : 'indicator_column';
    if (!(cat instanceof SequenceCategoricalColumn)) {
      throw new ValueError(`In ${which}: ${c.name}. categorical_column must be of type _SequenceCategoricalColumn to use sequence_input_layer. Suggested fix: Use one of sequence_categorical_column_with_*. Given (type <class '${cat.constructor.name}'>): ${String(cat)}`);
    }
    const { ids, valid } = cat.ids(features, cache);
    const v = ops.expandDims(valid, 2);
    const length = cat.sequenceLength(features, cache);
    if (c instanceof IndicatorColumn) {
      return { dense: ops.multiply(ops.oneHot(ids, cat.numBuckets), v), length, size: cat.numBuckets };
    }
    const weights = getVariable('embedding_weights', {
      shape: [cat.numBuckets, c.dimension], dtype: 'float32', initializer: c.initializer, trainable: c.trainable && trainable,
    });
    // one id per step: each step's row, scaled and normalized as the combiner does for one weight
    const sum = ops.multiply(ops.nn.embeddingLookup(weights, ids), v);
    const dense = c.combiner === 'sum' ? sum : ops.divNoNan(sum, c.combiner === 'mean' ? v : ops.sqrt(ops.multiply(v, v)));
    return { dense, length, size: c.dimension };
  }
  throw new ValueError(`All feature_columns must be of type _SequenceDenseColumn. You can wrap a sequence_categorical_column with an embedding_column or indicator_column. Given (type <class '${(c as object).constructor.name}'>): ${String(c)}`);
}

/**
 * `tf.contrib.feature_column.sequence_input_layer(features, feature_columns,
 * weight_collections=None, trainable=True)`: `[input, sequence_length]`, the columns' per-step
 * values concatenated `[batch, T, Σ d]` (columns sorted by name, each in its variable scope
 * under `sequence_input_layer`) and the lengths, which every column must agree on.
 */
export function sequenceInputLayer(...args: unknown[]): [Tensor, Tensor] {
  const a = kwargs(args, ['features', 'featureColumns', 'weightCollections', 'trainable'], 'sequence_input_layer', 2);
  const features = a.features as Features;
  const columns = [...(a.featureColumns as FeatureColumn[])];
  if (columns.length === 0) throw new ValueError('feature_columns must not be empty.');
  for (const c of columns) {
    if (!(c instanceof SequenceNumericColumn || c instanceof EmbeddingColumn || c instanceof IndicatorColumn)) {
      throw new ValueError(`All feature_columns must be of type _SequenceDenseColumn. You can wrap a sequence_categorical_column with an embedding_column or indicator_column. Given (type <class '${(c as object)?.constructor?.name}'>): ${String(c)}`);
    }
  }
  const trainable = (a.trainable as boolean | undefined) ?? true;
  const collections = a.weightCollections as string[] | null | undefined;
  columns.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return variableScope(null, { defaultName: 'sequence_input_layer', values: Object.values(features).map((f) => (f instanceof SparseTensor ? f.values : f)) }, () => {
    const cache: Cache = new Map();
    const outs: Tensor[] = [];
    const lengths: Tensor[] = [];
    for (const c of columns) {
      variableScope(null, { defaultName: c.varScopeName }, (scope) => {
        const before = new Set(ops.globalVariables());
        const { dense, length, size } = sequenceDenseOf(c, features, cache, trainable);
        if (collections) for (const v of ops.globalVariables()) if (!before.has(v) && v.name.startsWith(`${scope.name}/`)) addToCollections(collections, v);
        const sh = ops.shape(dense);
        outs.push(ops.reshape(dense, ops.concat([ops.slice(sh, [0], [2]), ops.constant(Int32Array.of(size), 'int32', [1])], 0)));
        lengths.push(length);
      });
    }
    const length = lengths.length === 1 ? lengths[0]! : nameScope('assert_all_equal', () =>
      controlDependencies(lengths.slice(1).map((l) => ops.assertEqual(lengths[0]!, l)), () => ops.identity(lengths[0]!)));
    return [ops.concat(outs, -1), length];
  });
}

/**
 * `tf.contrib.feature_column.concatenate_context_input(context_input, sequence_input)`: the
 * `[batch, d1]` context repeated over the `[batch, T, d0]` sequence's steps, `[batch, T, d0+d1]`.
 */
export function concatenateContextInput(...args: unknown[]): Tensor {
  const a = kwargs(args, ['contextInput', 'sequenceInput'], 'concatenate_context_input', 2);
  const ctx = a.contextInput as Tensor;
  const seq = a.sequenceInput as Tensor;
  if (seq.shape && seq.shape.length !== 3) throw new ValueError(`sequence_input must have rank 3, got rank ${seq.shape.length}`);
  if (ctx.shape && ctx.shape.length !== 2) throw new ValueError(`context_input must have rank 2, got rank ${ctx.shape.length}`);
  if (seq.dtype !== 'float32') throw new TypeError(`sequence_input must have dtype float32; got ${seq.dtype}.`);
  if (ctx.dtype !== 'float32') throw new TypeError(`context_input must have dtype float32; got ${ctx.dtype}.`);
  const steps = ops.slice(ops.shape(seq), [1], [1]);
  const tiled = ops.tile(ops.expandDims(ctx, 1), ops.concat([ops.constant(Int32Array.of(1), 'int32', [1]), steps, ops.constant(Int32Array.of(1), 'int32', [1])], 0));
  return ops.concat([seq, tiled], 2);
}
