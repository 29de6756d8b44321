/**
 * TF1's feature columns (`tf.feature_column`): how a model's input dict of tensors becomes dense
 * inputs (numeric, bucketized, indicator and embedding columns) or bucket ids for linear models
 * (categorical columns). Each column has TF1's name (its variable scope) and turns one batch of
 * features into a `[batch, n]` float tensor (`dense`) or `[batch, k]` int32 ids with a validity
 * mask (`ids`; TF1 drops a dense input's -1 ids and empty strings as it converts it to a
 * SparseTensor, and so do these masks).
 */
import { ValueError } from '../errors.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import { asString, stringToHashBucketFast } from '../ops/strings/ops.js';
import { sparseCrossHashed } from '../ops/sparse-cross.js';
import { controlDependencies } from '../graph/context.js';
import { getVariable } from '../scope/get-variable.js';
import { truncatedNormalInitializer } from '../scope/initializers.js';
import type { Variable } from '../ops/variables.js';
import { SparseTensor, sparseTensorToDense } from '../ops/sparse-tensor.js';

/**
 * A batch of features by key: dense tensors, or SparseTensors (as tf.parseExample gives for
 * VarLenFeature specs). A categorical column reads a SparseTensor `[batch, n]` as its dense
 * form padded with -1 (integers) or '' (strings), the values its masks drop.
 */
export type Features = Record<string, Tensor | SparseTensor>;

/** Per-call cache: a column's transformed value is built once per inputLayer / linearModel call. */
export type Cache = Map<FeatureColumn, unknown>;

export abstract class FeatureColumn {
  abstract readonly name: string;
  /** TF's `_var_scope_name`. */
  get varScopeName(): string {
    return this.name;
  }
  toString(): string {
    return `${this.constructor.name}(name=${this.name})`;
  }
}

/** A column with a dense representation: `[batch, denseSize]` float32. */
export abstract class DenseColumn extends FeatureColumn {
  abstract readonly denseSize: number;
  abstract dense(features: Features, cache: Cache, opts: { trainable: boolean }): Tensor;
}

export interface Ids {
  /** `[batch, k]` int32 bucket ids, 0 where not valid. */
  ids: Tensor;
  /** `[batch, k]` float32: 1 where the id is present (a weighted column's positive weights). */
  valid: Tensor;
  /** `[batch, k]` float32: 1 where the input has a value, a valid id or not (a sequence's length counts these); `valid` if absent. */
  present?: Tensor;
}

/** A column of bucket ids in `[0, numBuckets)`. */
export abstract class CategoricalColumn extends FeatureColumn {
  abstract readonly numBuckets: number;
  abstract ids(features: Features, cache: Cache): Ids;
}

/** A feature as a dense tensor: a SparseTensor padded with -1 / '' (the values the masks drop). */
export function feature(features: Features, key: string): Tensor {
  const t = features[key];
  if (t === undefined) throw new ValueError(`The feature ${key} is not in features dictionary.`);
  if (t instanceof SparseTensor) return sparseTensorToDense(t, { defaultValue: t.dtype === 'string' ? '' : -1 });
  return t;
}

/** A numeric feature: dense only (TF's numeric columns take no SparseTensor). */
function denseFeature(features: Features, key: string): Tensor {
  const t = features[key];
  if (t instanceof SparseTensor) throw new ValueError(`The corresponding Tensor of numerical column must be a Tensor. SparseTensor is not supported. key: ${key}`);
  return feature(features, key);
}

/** A feature as `[batch, k]` (a `[batch]` tensor becomes `[batch, 1]`, as TF1's expand_dims). */
function asMatrix(t: Tensor, k: number | null): Tensor {
  if (t.shape && t.shape.length === 2 && (k === null || t.shape[1] === k)) return t;
  return ops.reshape(t, [-1, k ?? 1]);
}

function cached<T>(cache: Cache, c: FeatureColumn, make: () => T): T {
  if (!cache.has(c)) cache.set(c, make());
  return cache.get(c) as T;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

// ---- numeric and bucketized ----------------------------------------------------------------

export class NumericColumn extends DenseColumn {
  constructor(
    readonly key: string,
    readonly shape: readonly number[],
    readonly defaultValue: number | null,
    readonly dtype: DType,
    readonly normalizerFn: ((t: Tensor) => Tensor) | null,
  ) {
    super();
  }
  get name(): string {
    return this.key;
  }
  get denseSize(): number {
    return sizeOf(this.shape);
  }
  /** The feature as float `[batch, ...shape]`, normalized. */
  value(features: Features, cache: Cache): Tensor {
    return cached(cache, this, () => {
      let t = denseFeature(features, this.key);
      if (t.dtype !== 'float32') t = ops.cast(t, 'float32');
      t = ops.reshape(t, [-1, ...this.shape]);
      return this.normalizerFn ? this.normalizerFn(t) : t;
    });
  }
  dense(features: Features, cache: Cache): Tensor {
    return ops.reshape(this.value(features, cache), [-1, this.denseSize]);
  }
}

/**
 * `tf.feature_column.numeric_column(key, shape=(1,), default_value=None, dtype=tf.float32,
 * normalizer_fn=None)`.
 */
export function numericColumn(
  key: string,
  opts: { shape?: number | readonly number[]; defaultValue?: number | null; dtype?: DType; normalizerFn?: ((t: Tensor) => Tensor) | null } = {},
): NumericColumn {
  if (typeof key !== 'string' || key === '') throw new ValueError(`key must be a string. Given: ${String(key)}`);
  const shape = typeof opts.shape === 'number' ? [opts.shape] : [...(opts.shape ?? [1])];
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ValueError(`shape dimensions must be greater than 0. shape: (${shape.join(', ')}), key: ${key}`);
  const dtype = opts.dtype ?? 'float32';
  if (!['float32', 'float64', 'int32', 'int64', 'float16', 'int16', 'int8', 'uint8'].includes(dtype)) {
    throw new ValueError(`dtype must be convertible to float. dtype: ${dtype}, key: ${key}`);
  }
  if (opts.normalizerFn != null && typeof opts.normalizerFn !== 'function') throw new TypeError(`normalizer_fn must be a callable. Given: ${String(opts.normalizerFn)}`);
  return new NumericColumn(key, shape, opts.defaultValue ?? null, dtype, opts.normalizerFn ?? null);
}

export class BucketizedColumn extends DenseColumn {
  readonly numBuckets: number;
  constructor(readonly sourceColumn: NumericColumn, readonly boundaries: readonly number[]) {
    super();
    this.numBuckets = (boundaries.length + 1) * sourceColumn.denseSize;
  }
  get name(): string {
    return `${this.sourceColumn.name}_bucketized`;
  }
  get denseSize(): number {
    return this.numBuckets;
  }
  /** `[batch, d]` int32: bucket i of each value is the count of boundaries <= it (TF's Bucketize). */
  buckets(features: Features, cache: Cache): Tensor {
    return cached(cache, this, () => {
      const x = ops.reshape(this.sourceColumn.value(features, cache), [-1, this.sourceColumn.denseSize, 1]);
      const b = ops.constant(Float32Array.from(this.boundaries), 'float32', [1, 1, this.boundaries.length]);
      return ops.reduceSum(ops.cast(ops.greaterEqual(x, b), 'int32'), 2);
    });
  }
  dense(features: Features, cache: Cache): Tensor {
    const n = this.boundaries.length + 1;
    return ops.reshape(ops.oneHot(this.buckets(features, cache), n), [-1, this.denseSize]);
  }
  /** As a categorical column: element i's bucket offset by i·(len(boundaries)+1), as TF1. */
  ids(features: Features, cache: Cache): Ids {
    const d = this.sourceColumn.denseSize;
    const n = this.boundaries.length + 1;
    const offsets = ops.constant(Int32Array.from({ length: d }, (_, i) => i * n), 'int32', [1, d]);
    const ids = ops.add(this.buckets(features, cache), offsets);
    return { ids, valid: ops.onesLike(ops.cast(ids, 'float32')) };
  }
}

/** `tf.feature_column.bucketized_column(source_column, boundaries)`. */
export function bucketizedColumn(sourceColumn: NumericColumn, boundaries: readonly number[]): BucketizedColumn {
  if (!(sourceColumn instanceof NumericColumn)) {
    throw new ValueError(`source_column must be a column generated with numeric_column(). Given: ${String(sourceColumn)}`);
  }
  if (sourceColumn.shape.length > 1) throw new ValueError(`source_column must be one-dimensional column. Given: ${String(sourceColumn)}`);
  if (!Array.isArray(boundaries) || boundaries.some((b, i) => i > 0 && !(b > boundaries[i - 1]!))) {
    throw new ValueError('boundaries must be a sorted list.');
  }
  return new BucketizedColumn(sourceColumn, boundaries);
}

// ---- categorical ----------------------------------------------------------------------------

/** Ids `[batch, k]` with values out of range either replaced by `defaultValue` or failing the run. */
function rangeChecked(name: string, raw: Tensor, numBuckets: number, defaultValue: number | null): Tensor {
  const ids = ops.cast(raw, 'int32');
  if (defaultValue !== null) {
    const inRange = ops.logicalAnd(ops.greaterEqual(ids, 0), ops.less(ids, numBuckets));
    return ops.where(inRange, ids, ops.fill(ops.shape(ids), defaultValue));
  }
  // -1 marks a missing value (dropped); anything else outside [0, numBuckets) fails, as TF1
  const present = ops.where(ops.equal(ids, -1), ops.zerosLike(ids), ids);
  const checks = [
    ops.assertLess(present, numBuckets, { message: `Bucket index for categorical column "${name}" exceeds number of buckets` }),
    ops.assertGreaterEqual(present, 0, { message: `Negative bucket index for categorical column "${name}"` }),
  ];
  return controlDependencies(checks, () => ops.identity(ids));
}

export class IdentityCategoricalColumn extends CategoricalColumn {
  constructor(readonly key: string, readonly numBuckets: number, readonly defaultValue: number | null) {
    super();
  }
  get name(): string {
    return this.key;
  }
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      const t = feature(features, this.key);
      if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new ValueError(`Invalid input, not integer. key: ${this.key} dtype: ${t.dtype}`);
      const ids = rangeChecked(this.name, asMatrix(t, null), this.numBuckets, this.defaultValue);
      return masked(ids, ops.notEqual(ids, -1));
    });
  }
}

/** `tf.feature_column.categorical_column_with_identity(key, num_buckets, default_value=None)`. */
export function categoricalColumnWithIdentity(key: string, numBuckets: number, opts: { defaultValue?: number | null } = {}): IdentityCategoricalColumn {
  if (!(Number.isInteger(numBuckets) && numBuckets >= 1)) throw new ValueError(`num_buckets ${numBuckets} < 1, column_name ${key}`);
  const dv = opts.defaultValue ?? null;
  if (dv !== null && (dv < 0 || dv >= numBuckets)) throw new ValueError(`default_value ${dv} not in range [0, ${numBuckets}), column_name ${key}`);
  return new IdentityCategoricalColumn(key, numBuckets, dv);
}

/** Ids with the invalid ones zeroed, and the validity as a float mask. */
function masked(ids: Tensor, valid: Tensor): Ids {
  return { ids: ops.where(valid, ids, ops.zerosLike(ids)), valid: ops.cast(valid, 'float32') };
}

/** A string (or integer, through its decimal text) feature's bucket by TF's Fingerprint64 hash. */
function hashBuckets(t: Tensor, n: number): Tensor {
  const s = t.dtype === 'string' ? t : asString(t);
  return ops.cast(stringToHashBucketFast(s, n), 'int32');
}

export class VocabularyListCategoricalColumn extends CategoricalColumn {
  readonly numBuckets: number;
  constructor(
    readonly key: string,
    readonly vocabularyList: readonly (string | number)[],
    readonly dtype: DType,
    readonly defaultValue: number,
    readonly numOovBuckets: number,
  ) {
    super();
    this.numBuckets = vocabularyList.length + numOovBuckets;
  }
  get name(): string {
    return this.key;
  }
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      const t = asMatrix(feature(features, this.key), null);
      const isString = this.dtype === 'string';
      if ((t.dtype === 'string') !== isString) {
        throw new ValueError(`Column dtype and SparseTensors dtype must be compatible. key: ${this.key}, column dtype: ${this.dtype}, tensor dtype: ${t.dtype}`);
      }
      const vocab = isString
        ? ops.constant(this.vocabularyList as string[], 'string', [1, 1, this.vocabularyList.length])
        : ops.cast(ops.constant(Float64Array.from(this.vocabularyList as number[]), 'float64', [1, 1, this.vocabularyList.length]), t.dtype);
      const hit = ops.equal(ops.expandDims(t, 2), vocab);
      const found = ops.reduceAny(hit, 2);
      const index = ops.cast(ops.argmax(ops.cast(hit, 'int32'), 2), 'int32');
      const missing = this.numOovBuckets > 0 ? ops.add(hashBuckets(t, this.numOovBuckets), this.vocabularyList.length) : ops.fill(ops.shape(index), ops.constant(this.defaultValue, 'int32'));
      const ids = ops.where(found, index, missing);
      // a dense input's missing values (-1, or '') are dropped before the lookup
      const present = isString ? ops.notEqual(t, ops.constant('')) : ops.notEqual(t, ops.cast(ops.constant(-1), t.dtype));
      return { ...masked(ids, ops.logicalAnd(present, ops.greaterEqual(ids, 0))), present: ops.cast(present, 'float32') };
    });
  }
}

/**
 * `tf.feature_column.categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None,
 * default_value=-1, num_oov_buckets=0)`.
 */
export function categoricalColumnWithVocabularyList(
  key: string,
  vocabularyList: readonly (string | number)[],
  opts: { dtype?: DType | null; defaultValue?: number; numOovBuckets?: number } = {},
): VocabularyListCategoricalColumn {
  if (!Array.isArray(vocabularyList) || vocabularyList.length < 1) throw new ValueError(`vocabulary_list ${JSON.stringify(vocabularyList)} must be non-empty, column_name: ${key}`);
  if (new Set(vocabularyList).size !== vocabularyList.length) throw new ValueError(`Duplicate keys in vocabulary_list ${JSON.stringify(vocabularyList)}, column_name: ${key}`);
  const strings = vocabularyList.every((v) => typeof v === 'string');
  if (!strings && !vocabularyList.every((v) => Number.isInteger(v))) throw new ValueError(`dtype of vocabulary_list must be string or integer, column_name: ${key}`);
  const dtype = opts.dtype ?? (strings ? 'string' : 'int64');
  if ((dtype === 'string') !== strings) throw new ValueError(`dtype ${dtype} and vocabulary dtype ${strings ? 'string' : 'int64'} do not match, column_name: ${key}`);
  const numOov = opts.numOovBuckets ?? 0;
  const dv = opts.defaultValue ?? -1;
  if (numOov < 0) throw new ValueError(`Invalid num_oov_buckets ${numOov}.`);
  if (dv !== -1 && numOov > 0) throw new ValueError(`Can't specify both default_value ${dv} and num_oov_buckets ${numOov}.`);
  return new VocabularyListCategoricalColumn(key, vocabularyList, dtype, dv, numOov);
}

export class HashedCategoricalColumn extends CategoricalColumn {
  constructor(readonly key: string, readonly numBuckets: number, readonly dtype: DType) {
    super();
  }
  get name(): string {
    return this.key;
  }
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      const t = asMatrix(feature(features, this.key), null);
      if ((t.dtype === 'string') !== (this.dtype === 'string')) {
        throw new ValueError(`Column dtype and SparseTensors dtype must be compatible. key: ${this.key}, column dtype: ${this.dtype}, tensor dtype: ${t.dtype}`);
      }
      const present = t.dtype === 'string' ? ops.notEqual(t, ops.constant('')) : ops.notEqual(t, ops.cast(ops.constant(-1), t.dtype));
      return masked(hashBuckets(t, this.numBuckets), present);
    });
  }
}

/** `tf.feature_column.categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=tf.string)`. */
export function categoricalColumnWithHashBucket(key: string, hashBucketSize: number, opts: { dtype?: DType } = {}): HashedCategoricalColumn {
  if (!(Number.isInteger(hashBucketSize) && hashBucketSize >= 1)) throw new ValueError(`hash_bucket_size must be at least 1. hash_bucket_size: ${hashBucketSize}, key: ${key}`);
  const dtype = opts.dtype ?? 'string';
  if (dtype !== 'string' && !['int32', 'int64', 'int16', 'int8', 'uint8'].includes(dtype)) throw new ValueError(`dtype must be string or integer. dtype: ${dtype}, column_name: ${key}`);
  return new HashedCategoricalColumn(key, hashBucketSize, dtype);
}

// ---- dense wrappers of categorical columns --------------------------------------------------

export class IndicatorColumn extends DenseColumn {
  constructor(readonly categoricalColumn: CategoricalColumn | BucketizedColumn) {
    super();
  }
  get name(): string {
    return `${this.categoricalColumn.name}_indicator`;
  }
  get denseSize(): number {
    return this.categoricalColumn.numBuckets;
  }
  /** Multi-hot: each present id counted (TF1 sums the one-hot rows of a multivalent input). */
  dense(features: Features, cache: Cache): Tensor {
    notSequence('indicator_column', this.name, this.categoricalColumn);
    const { ids, valid } = this.categoricalColumn.ids(features, cache);
    const hot = ops.multiply(ops.oneHot(ids, this.denseSize), ops.expandDims(valid, 2));
    return ops.reduceSum(hot, 1);
  }
}

/** `tf.feature_column.indicator_column(categorical_column)`. */
export function indicatorColumn(categoricalColumn: CategoricalColumn | BucketizedColumn): IndicatorColumn {
  if (!(categoricalColumn instanceof CategoricalColumn || categoricalColumn instanceof BucketizedColumn)) {
    throw new ValueError(`categorical_column must be a categorical column. Given: ${String(categoricalColumn)}`);
  }
  return new IndicatorColumn(categoricalColumn);
}

export type Combiner = 'mean' | 'sum' | 'sqrtn';

/** Marks sequence categorical columns (src/feature-column/sequence.ts), which input_layer refuses. */
export const SEQUENCE = Symbol('sequence categorical column');

/** TF's refusal of a sequence categorical column under input_layer. */
function notSequence(fn: string, name: string, c: FeatureColumn): void {
  if ((c as unknown as Record<symbol, unknown>)[SEQUENCE]) {
    throw new ValueError(`In ${fn}: ${name}. categorical_column must not be of type _SequenceCategoricalColumn. Suggested fix A: If you wish to use input_layer, use a non-sequence categorical_column_with_*. Suggested fix B: If you wish to create sequence input, use sequence_input_layer instead of input_layer. Given (type <class '_SequenceCategoricalColumn'>): ${String(c)}`);
  }
}

/** Rows of `weights` for `ids`, combined over each example's present ids (TF's safe_embedding_lookup_sparse: zeros for none). */
export function combineRows(weights: Tensor | Variable, { ids, valid }: Ids, combiner: Combiner): Tensor {
  const rows = ops.nn.embeddingLookup(weights, ids);
  const sum = ops.reduceSum(ops.multiply(rows, ops.expandDims(valid, 2)), 1);
  if (combiner === 'sum') return sum;
  // TF's safe_embedding_lookup_sparse: mean divides by Σ w, sqrtn by sqrt(Σ w²) (w = 1 unweighted)
  if (combiner === 'mean') return ops.divNoNan(sum, ops.reduceSum(valid, 1, true));
  return ops.divNoNan(sum, ops.sqrt(ops.reduceSum(ops.multiply(valid, valid), 1, true)));
}

export class EmbeddingColumn extends DenseColumn {
  constructor(
    readonly categoricalColumn: CategoricalColumn | BucketizedColumn,
    readonly dimension: number,
    readonly combiner: Combiner,
    readonly initializer: unknown,
    readonly trainable: boolean,
  ) {
    super();
  }
  get name(): string {
    return `${this.categoricalColumn.name}_embedding`;
  }
  get denseSize(): number {
    return this.dimension;
  }
  dense(features: Features, cache: Cache, opts: { trainable: boolean }): Tensor {
    notSequence('embedding_column', this.name, this.categoricalColumn);
    const weights = getVariable('embedding_weights', {
      shape: [this.categoricalColumn.numBuckets, this.dimension],
      dtype: 'float32',
      initializer: this.initializer,
      trainable: this.trainable && opts.trainable,
    });
    return combineRows(weights, this.categoricalColumn.ids(features, cache), this.combiner);
  }
}

/**
 * `tf.feature_column.embedding_column(categorical_column, dimension, combiner='mean',
 * initializer=None, ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
 * trainable=True)`: the variable `<scope>/<column>_embedding/embedding_weights`, initialized
 * from a truncated normal of stddev 1/sqrt(dimension) unless `initializer` is given.
 */
export function embeddingColumn(
  categoricalColumn: CategoricalColumn | BucketizedColumn,
  dimension: number,
  opts: { combiner?: Combiner; initializer?: unknown; ckptToLoadFrom?: null; tensorNameInCkpt?: null; maxNorm?: null; trainable?: boolean } = {},
): EmbeddingColumn {
  if (!(Number.isInteger(dimension) && dimension >= 1)) throw new ValueError(`Invalid dimension ${dimension}.`);
  if (!(categoricalColumn instanceof CategoricalColumn || categoricalColumn instanceof BucketizedColumn)) {
    throw new ValueError(`categorical_column must be a categorical column. Given: ${String(categoricalColumn)}`);
  }
  if (opts.ckptToLoadFrom != null || opts.tensorNameInCkpt != null) throw new ValueError('ckpt_to_load_from and tensor_name_in_ckpt are not supported; restore with a tf.train.Saver instead');
  if (opts.maxNorm != null) throw new ValueError('max_norm is not supported');
  const combiner = opts.combiner ?? 'mean';
  if (!['mean', 'sum', 'sqrtn'].includes(combiner)) throw new ValueError(`Invalid combiner ${combiner}`);
  if (opts.initializer != null && typeof opts.initializer !== 'function' && typeof opts.initializer !== 'object') {
    throw new ValueError(`initializer must be callable if specified. Embedding of column_name: ${categoricalColumn.name}`);
  }
  const initializer = opts.initializer ?? truncatedNormalInitializer({ mean: 0, stddev: 1 / Math.sqrt(dimension) });
  return new EmbeddingColumn(categoricalColumn, dimension, combiner, initializer, opts.trainable ?? true);
}

// ---- crossed --------------------------------------------------------------------------------

type CrossKey = string | CategoricalColumn | BucketizedColumn | CrossedColumn;

export class CrossedColumn extends CategoricalColumn {
  constructor(readonly keys: readonly CrossKey[], readonly hashBucketSize: number, readonly hashKey: number | null) {
    super();
  }
  get numBuckets(): number {
    return this.hashBucketSize;
  }
  /** The keys, nested crossed columns flattened (TF's _collect_leaf_level_keys). */
  leafKeys(): (string | CategoricalColumn | BucketizedColumn)[] {
    return this.keys.flatMap((k) => (k instanceof CrossedColumn ? k.leafKeys() : [k]));
  }
  /** `'_X_'.join(sorted(leaf names))`. */
  get name(): string {
    return this.leafKeys().map((k) => (typeof k === 'string' ? k : k.name)).sort().join('_X_');
  }
  /**
   * TF crosses the leaves' sparse id tensors (the categorical keys) before the raw features
   * (dense tensors), each row's crosses in product order (the last column fastest). Here every
   * column is dense `[batch, k]` with a validity mask, so the cross is SparseCross over dense
   * inputs in that same column order, `[batch, Π k]` ids, valid where every part is: the
   * present crosses of a row and their order are TF's.
   */
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      const leaves = this.leafKeys();
      const parts: { ids: Tensor; valid: Tensor | null }[] = [];
      for (const k of leaves) if (typeof k !== 'string') parts.push(k.ids(features, cache));
      for (const k of leaves) {
        if (typeof k !== 'string') continue;
        const t = asMatrix(feature(features, k), null);
        parts.push({ ids: t, valid: null });
      }
      const widths = parts.map((p) => p.ids.shape?.[1] ?? null);
      if (widths.some((w) => w === null)) throw new ValueError(`Feature (key: ${this.name}) cannot be crossed: its inputs need a known number of values per example (shape [batch, k]).`);
      const total = (widths as number[]).reduce((a, b) => a * b, 1);
      const crossed = sparseCrossHashed([...parts.map((p) => p.ids)], { numBuckets: this.hashBucketSize, hashKey: this.hashKey ?? undefined });
      const ids = ops.cast(ops.reshape(crossed.values, [-1, total]), 'int32');
      // validity: the outer product of the parts' masks, in the same (row-major) order
      let valid: Tensor | null = null;
      let width = 1;
      parts.forEach((p, i) => {
        const w = widths[i]!;
        const v = p.valid ?? ops.fill(ops.shape(p.ids), 1);
        valid = valid === null ? v : ops.reshape(ops.multiply(ops.expandDims(valid, 2), ops.expandDims(v, 1)), [-1, width * w]);
        width *= w;
      });
      return { ids, valid: valid! };
    });
  }
}

/**
 * `tf.feature_column.crossed_column(keys, hash_bucket_size, hash_key=None)`: the hashed cross
 * of raw string/integer features (by key) and categorical columns (not hashed ones), with
 * SparseCross's hashing (TF's default key 0xDECAFCAFFE unless `hashKey`).
 */
export function crossedColumn(keys: readonly CrossKey[], hashBucketSize: number, opts: { hashKey?: number | null } = {}): CrossedColumn {
  if (!hashBucketSize || !(hashBucketSize >= 1)) throw new ValueError(`hash_bucket_size must be > 1. hash_bucket_size: ${hashBucketSize}`);
  if (!Array.isArray(keys) || keys.length < 2) throw new ValueError(`keys must be a list with length > 1. Given: ${Array.isArray(keys) ? `[${keys.map(String).join(', ')}]` : String(keys)}`);
  for (const k of keys) {
    if (!(typeof k === 'string' || k instanceof CategoricalColumn || k instanceof BucketizedColumn)) {
      throw new ValueError(`Unsupported key type. All keys must be either string, or categorical column except _HashedCategoricalColumn. Given: ${String(k)}`);
    }
    if (k instanceof HashedCategoricalColumn) {
      throw new ValueError(`categorical_column_with_hash_bucket is not supported for crossing. Hashing before crossing will increase probability of collision. Instead, use the feature name as a string. Given: ${String(k)}`);
    }
  }
  return new CrossedColumn(keys, hashBucketSize, opts.hashKey ?? null);
}
