/**
 * More of TF 1.15's `tf.feature_column`: `categorical_column_with_vocabulary_file` (ids from
 * `index_table_from_file`), `weighted_categorical_column`, `shared_embedding_columns` (one
 * variable in a graph collection, shared by the columns) and `make_parse_example_spec` (the
 * tf.parseExample spec of the columns' raw features).
 */
import { type DType, parseDType } from '../dtype.js';
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import { fs } from '../platform/node-builtins.js';
import { indexTableFromFile } from '../ops/lookup/text-file.js';
import { FixedLenFeature, VarLenFeature } from '../ops/parsing.js';
import { SparseTensor, sparseTensorToDense } from '../ops/sparse-tensor.js';
import { getVariable } from '../scope/get-variable.js';
import { addToCollection, getCollection } from '../scope/collections.js';
import { truncatedNormalInitializer } from '../scope/initializers.js';
import type { Variable } from '../ops/variables.js';
import { info } from '../train/tf-logging.js';
import {
  BucketizedColumn, type Cache, CategoricalColumn, type Combiner, CrossedColumn, DenseColumn, EmbeddingColumn, type FeatureColumn, type Features, HashedCategoricalColumn,
  IdentityCategoricalColumn, type Ids, IndicatorColumn, NumericColumn, VocabularyListCategoricalColumn, combineRows, feature,
} from './columns.js';

const isInt = (d: DType): boolean => ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].includes(d);

function cached<T>(cache: Cache, c: FeatureColumn, make: () => T): T {
  if (!cache.has(c)) cache.set(c, make());
  return cache.get(c) as T;
}

// ---- vocabulary file ------------------------------------------------------------------------

export class VocabularyFileCategoricalColumn extends CategoricalColumn {
  readonly numBuckets: number;
  constructor(
    readonly key: string,
    readonly vocabularyFile: string,
    readonly vocabularySize: number,
    readonly numOovBuckets: number,
    readonly defaultValue: number,
    readonly dtype: DType,
  ) {
    super();
    this.numBuckets = vocabularySize + numOovBuckets;
  }
  get name(): string {
    return this.key;
  }
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      let t = feature(features, this.key);
      if (t.shape?.length !== 2) t = ops.reshape(t, [-1, 1]);
      if (isInt(t.dtype) !== isInt(this.dtype)) {
        throw new ValueError(`Column dtype and SparseTensors dtype must be compatible. key: ${this.key}, column dtype: ${this.dtype}, tensor dtype: ${t.dtype}`);
      }
      if (!isInt(t.dtype) && t.dtype !== 'string') throw new ValueError(`column_name: ${this.key} input_tensor dtype must be string or integer. dtype: ${t.dtype}.`);
      const present = t.dtype === 'string' ? ops.notEqual(t, ops.constant('')) : ops.notEqual(t, ops.cast(ops.constant(-1), t.dtype));
      let keyDtype: DType = this.dtype;
      if (isInt(t.dtype)) {
        keyDtype = 'int64';
        if (t.dtype !== 'int64') t = ops.cast(t, 'int64');
      }
      const table = indexTableFromFile({
        vocabularyFile: this.vocabularyFile, numOovBuckets: this.numOovBuckets, vocabSize: this.vocabularySize, defaultValue: this.defaultValue, keyDtype, name: `${this.key}_lookup`,
      });
      const ids = ops.cast(table.lookup(t), 'int32');
      const valid = ops.logicalAnd(present, ops.greaterEqual(ids, 0));
      return { ids: ops.where(valid, ids, ops.zerosLike(ids)), valid: ops.cast(valid, 'float32'), present: ops.cast(present, 'float32') };
    });
  }
}

/**
 * `tf.feature_column.categorical_column_with_vocabulary_file(key, vocabulary_file,
 * vocabulary_size=None, num_oov_buckets=0, default_value=None, dtype=tf.string)`: the id of a
 * value is its line in the file; the size, when not given, is the file's number of lines.
 */
export function categoricalColumnWithVocabularyFile(key: string, vocabularyFile: string, vocabularySize?: number | null, numOovBuckets?: number, defaultValue?: number | null, dtype?: DType | string): VocabularyFileCategoricalColumn;
export function categoricalColumnWithVocabularyFile(...args: unknown[]): VocabularyFileCategoricalColumn;
export function categoricalColumnWithVocabularyFile(...args: unknown[]): VocabularyFileCategoricalColumn {
  const a = kwargs(args, ['key', 'vocabularyFile', 'vocabularySize', 'numOovBuckets', 'defaultValue', 'dtype'], 'categorical_column_with_vocabulary_file', 2);
  const key = a.key as string;
  const file = a.vocabularyFile as string;
  if (!file) throw new ValueError(`Missing vocabulary_file in ${key}.`);
  let size = (a.vocabularySize as number | null | undefined) ?? null;
  if (size === null) {
    if (!fs.existsSync(file)) throw new ValueError(`vocabulary_file in ${key} does not exist.`);
    // Python's `sum(1 for _ in f)`: lines, a last one without a newline counted too
    const text = fs.readFileSync(file);
    size = 0;
    for (const b of text) if (b === 10) size++;
    if (text.length > 0 && text[text.length - 1] !== 10) size++;
    info('vocabulary_size = %d in %s is inferred from the number of elements in the vocabulary_file %s.', size, key, file);
  }
  if (!(size >= 1)) throw new ValueError(`Invalid vocabulary_size in ${key}.`);
  const numOov = (a.numOovBuckets as number | null | undefined) ?? 0;
  const dv = (a.defaultValue as number | null | undefined) ?? null;
  if (numOov) {
    if (dv !== null) throw new ValueError(`Can't specify both num_oov_buckets and default_value in ${key}.`);
    if (numOov < 0) throw new ValueError(`Invalid num_oov_buckets ${numOov} in ${key}.`);
  }
  const dtype = parseDType(((a.dtype as string | undefined) ?? 'string'));
  if (dtype !== 'string' && !isInt(dtype)) throw new ValueError(`column_name: ${key} dtype must be string or integer. dtype: ${dtype}.`);
  if (typeof key !== 'string') throw new ValueError(`key must be a string. Given: ${String(key)}`);
  return new VocabularyFileCategoricalColumn(key, file, size, numOov, dv ?? -1, dtype);
}

// ---- weighted -------------------------------------------------------------------------------

export class WeightedCategoricalColumn extends CategoricalColumn {
  constructor(readonly categoricalColumn: CategoricalColumn, readonly weightFeatureKey: string, readonly dtype: DType) {
    super();
  }
  get name(): string {
    return `${this.categoricalColumn.name}_weighted_by_${this.weightFeatureKey}`;
  }
  get numBuckets(): number {
    return this.categoricalColumn.numBuckets;
  }
  /** The ids with their weights: TF's safe_embedding_lookup_sparse keeps only positive weights. */
  ids(features: Features, cache: Cache): Ids {
    return cached(cache, this, () => {
      const raw = features[this.weightFeatureKey];
      if (raw === undefined) throw new ValueError(`Missing weights ${this.weightFeatureKey}.`);
      if (raw.dtype !== this.dtype) throw new ValueError(`Bad dtype, expected ${this.dtype}, but got ${raw.dtype}.`);
      let w = raw instanceof SparseTensor ? sparseTensorToDense(raw, { defaultValue: 0 }) : raw;
      if (w.shape?.length !== 2) w = ops.reshape(w, [-1, 1]);
      if (w.dtype !== 'float32') w = ops.cast(w, 'float32');
      const base = this.categoricalColumn.ids(features, cache);
      const positive = ops.maximum(w, ops.zerosLike(w));
      return { ids: base.ids, valid: ops.multiply(base.valid, positive), present: base.present ?? base.valid };
    });
  }
}

/** `tf.feature_column.weighted_categorical_column(categorical_column, weight_feature_key, dtype=tf.float32)`. */
export function weightedCategoricalColumn(categoricalColumn: CategoricalColumn, weightFeatureKey: string, dtype?: DType | string): WeightedCategoricalColumn;
export function weightedCategoricalColumn(...args: unknown[]): WeightedCategoricalColumn;
export function weightedCategoricalColumn(...args: unknown[]): WeightedCategoricalColumn {
  const a = kwargs(args, ['categoricalColumn', 'weightFeatureKey', 'dtype'], 'weighted_categorical_column', 2);
  const dtype = a.dtype === null ? null : parseDType((a.dtype as string | undefined) ?? 'float32');
  if (dtype === null || !(isInt(dtype) || ['float16', 'float32', 'float64', 'bfloat16'].includes(dtype))) throw new ValueError(`dtype ${dtype} is not convertible to float.`);
  const c = a.categoricalColumn;
  if (!(c instanceof CategoricalColumn)) throw new ValueError(`categorical_column must be of type _CategoricalColumn. Given: ${String(c)}`);
  return new WeightedCategoricalColumn(c, a.weightFeatureKey as string, dtype);
}

// ---- shared embeddings ----------------------------------------------------------------------

export class SharedEmbeddingColumn extends DenseColumn {
  constructor(
    readonly categoricalColumn: CategoricalColumn,
    readonly dimension: number,
    readonly combiner: Combiner,
    readonly initializer: unknown,
    readonly sharedEmbeddingCollectionName: string,
    readonly trainable: boolean,
  ) {
    super();
  }
  get name(): string {
    return `${this.categoricalColumn.name}_shared_embedding`;
  }
  /** The variable scope is the collection's name, so the first column makes `<scope>/<collection>/embedding_weights`. */
  override get varScopeName(): string {
    return this.sharedEmbeddingCollectionName;
  }
  get denseSize(): number {
    return this.dimension;
  }
  /** The shared variable: the one in the collection, else a new one added to it. */
  weights(opts: { trainable: boolean }): Variable {
    const shape = [this.categoricalColumn.numBuckets, this.dimension];
    const got = getCollection<Variable>(this.sharedEmbeddingCollectionName);
    if (got.length > 0) {
      if (got.length > 1) {
        throw new ValueError(`Collection ${this.sharedEmbeddingCollectionName} can only contain one variable. Suggested fix A: Choose a unique name for this collection. Suggested fix B: Do not add any variables to this collection. The feature_column library already adds a variable under the hood.`);
      }
      const v = got[0]!;
      const vs = v.shape;
      if (!vs || vs.length !== 2 || vs[0] !== shape[0] || vs[1] !== shape[1]) {
        throw new ValueError(`Shared embedding collection ${this.sharedEmbeddingCollectionName} contains variable ${v.name} of unexpected shape (${(vs ?? []).join(', ')}). Expected shape is (${shape.join(', ')}). Suggested fix A: Choose a unique name for this collection. Suggested fix B: Do not add any variables to this collection. The feature_column library already adds a variable under the hood.`);
      }
      return v;
    }
    const v = getVariable('embedding_weights', { shape, dtype: 'float32', initializer: this.initializer, trainable: this.trainable && opts.trainable });
    addToCollection(this.sharedEmbeddingCollectionName, v);
    return v;
  }
  dense(features: Features, cache: Cache, opts: { trainable: boolean }): Tensor {
    return combineRows(this.weights(opts), this.categoricalColumn.ids(features, cache), this.combiner);
  }
}

/**
 * `tf.feature_column.shared_embedding_columns(categorical_columns, dimension, combiner='mean',
 * initializer=None, shared_embedding_collection_name=None, ckpt_to_load_from=None,
 * tensor_name_in_ckpt=None, max_norm=None, trainable=True)`: one embedding column per
 * categorical column, all reading one `[num_buckets, dimension]` variable.
 */
export function sharedEmbeddingColumns(categoricalColumns: readonly CategoricalColumn[], dimension: number, ...rest: unknown[]): SharedEmbeddingColumn[];
export function sharedEmbeddingColumns(...args: unknown[]): SharedEmbeddingColumn[];
export function sharedEmbeddingColumns(...args: unknown[]): SharedEmbeddingColumn[] {
  const a = kwargs(args, ['categoricalColumns', 'dimension', 'combiner', 'initializer', 'sharedEmbeddingCollectionName', 'ckptToLoadFrom', 'tensorNameInCkpt', 'maxNorm', 'trainable'], 'shared_embedding_columns', 2);
  const dimension = a.dimension as number;
  const combiner = ((a.combiner as Combiner | undefined) ?? 'mean');
  if (!(Number.isInteger(dimension) && dimension >= 1)) throw new ValueError(`Invalid dimension ${dimension}.`);
  if ((a.ckptToLoadFrom == null) !== (a.tensorNameInCkpt == null)) throw new ValueError('Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or none of them.');
  if (a.ckptToLoadFrom != null) throw new ValueError('ckpt_to_load_from and tensor_name_in_ckpt are not supported; restore with a tf.train.Saver instead');
  if (a.maxNorm != null) throw new ValueError('max_norm is not supported');
  if (a.initializer != null && typeof a.initializer !== 'function' && typeof a.initializer !== 'object') throw new ValueError('initializer must be callable if specified.');
  if (!['mean', 'sum', 'sqrtn'].includes(combiner)) throw new ValueError(`Invalid combiner ${combiner}`);
  const initializer = a.initializer ?? truncatedNormalInitializer({ mean: 0, stddev: 1 / Math.sqrt(dimension) });
  const cols = [...(a.categoricalColumns as CategoricalColumn[])];
  if (cols.length === 0) throw new ValueError('categorical_columns must not be empty.');
  const first = cols[0]!;
  for (const c of cols) {
    if (!(c instanceof CategoricalColumn) || c instanceof WeightedCategoricalColumn && !(c.categoricalColumn instanceof CategoricalColumn)) {
      throw new ValueError(`All categorical_columns must be subclasses of _CategoricalColumn. Given: ${String(c)}, of type: ${typeof c}`);
    }
    if (c.numBuckets !== first.numBuckets) {
      throw new ValueError(`To use shared_embedding_column, all categorical_columns must have the same number of buckets. Given column: ${String(first)} with buckets: ${first.numBuckets} does not match column: ${String(c)} with buckets: ${c.numBuckets}`);
    }
  }
  const sorted = [...cols].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const collection = (a.sharedEmbeddingCollectionName as string | undefined) || `${sorted.map((c) => c.name).join('_')}_shared_embedding`;
  return cols.map((c) => new SharedEmbeddingColumn(c, dimension, combiner, initializer, collection, (a.trainable as boolean | undefined) ?? true));
}

// ---- parse spec -----------------------------------------------------------------------------

export type ParseSpec = FixedLenFeature | VarLenFeature;

/** A column's `_parse_example_spec` (sequence columns add theirs through `parseSpecOf`). */
export function parseSpecOf(c: FeatureColumn): Record<string, ParseSpec> {
  const custom = (c as { parseExampleSpec?: () => Record<string, ParseSpec> }).parseExampleSpec;
  if (typeof custom === 'function') return custom.call(c);
  if (c instanceof NumericColumn) {
    return { [c.key]: new FixedLenFeature(c.shape, c.dtype, c.defaultValue ?? undefined) };
  }
  if (c instanceof BucketizedColumn) return parseSpecOf(c.sourceColumn);
  if (c instanceof IdentityCategoricalColumn) return { [c.key]: new VarLenFeature('int64') };
  if (c instanceof VocabularyListCategoricalColumn || c instanceof VocabularyFileCategoricalColumn || c instanceof HashedCategoricalColumn) {
    return { [c.key]: new VarLenFeature(c.dtype) };
  }
  if (c instanceof CrossedColumn) {
    const out: Record<string, ParseSpec> = {};
    for (const k of c.leafKeys()) Object.assign(out, typeof k === 'string' ? { [k]: new VarLenFeature('string') } : parseSpecOf(k));
    return out;
  }
  if (c instanceof WeightedCategoricalColumn) return { ...parseSpecOf(c.categoricalColumn), [c.weightFeatureKey]: new VarLenFeature(c.dtype) };
  if (c instanceof IndicatorColumn || c instanceof EmbeddingColumn || c instanceof SharedEmbeddingColumn) return parseSpecOf(c.categoricalColumn);
  throw new ValueError(`All feature_columns must be _FeatureColumn instances. Given: ${String(c)}`);
}

const sameSpec = (x: ParseSpec, y: ParseSpec): boolean =>
  x.constructor === y.constructor && x.dtype === y.dtype &&
  (!(x instanceof FixedLenFeature) || (JSON.stringify(x.shape) === JSON.stringify((y as FixedLenFeature).shape) && JSON.stringify(x.defaultValue) === JSON.stringify((y as FixedLenFeature).defaultValue)));

const showSpec = (s: ParseSpec): string =>
  s instanceof FixedLenFeature ? `FixedLenFeature(shape=(${s.shape.join(', ')}${s.shape.length === 1 ? ',' : ''}), dtype=tf.${s.dtype}, default_value=${s.defaultValue === null ? 'None' : String(s.defaultValue)})` : `VarLenFeature(dtype=tf.${s.dtype})`;

/**
 * `tf.feature_column.make_parse_example_spec(feature_columns)`: the union of the columns'
 * specs by feature key (FixedLenFeature for numeric columns, VarLenFeature for categorical
 * ones), for `tf.parseExample`.
 */
export function makeParseExampleSpec(featureColumns: readonly FeatureColumn[]): Record<string, ParseSpec> {
  const out: Record<string, ParseSpec> = {};
  for (const c of featureColumns) {
    if (c === null || typeof c !== 'object') throw new ValueError(`All feature_columns must be _FeatureColumn instances. Given: ${String(c)}`);
    for (const [k, s] of Object.entries(parseSpecOf(c))) {
      const had = out[k];
      if (had && !sameSpec(had, s)) throw new ValueError(`feature_columns contain different parse_spec for key ${k}. Given ${showSpec(had)} and ${showSpec(s)}`);
      out[k] = s;
    }
  }
  return out;
}
