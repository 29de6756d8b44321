/**
 * `tf.feature_column.input_layer` and `linear_model`: a features dict through a list of columns,
 * in TF1's variable scopes (columns sorted by name, each in a scope of its own), so the
 * variables are named as TF1 names them (`input_layer/<column>/embedding_weights`,
 * `linear_model/<column>/weights`, `linear_model/bias_weights`).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { getVariable } from '../scope/get-variable.js';
import { zerosInitializer } from '../scope/initializers.js';
import { variableScope } from '../scope/variable-scope.js';
import { addToCollections } from '../scope/collections.js';
import { SparseTensor } from '../ops/sparse-tensor.js';
import { BucketizedColumn, type Cache, CategoricalColumn, type Combiner, DenseColumn, type FeatureColumn, type Features, SEQUENCE, combineRows } from './columns.js';

/** The features' tensors (a SparseTensor's values) for the scope's `values`. */
const featureValues = (features: Features): Tensor[] => Object.values(features).map((f) => (f instanceof SparseTensor ? f.values : f));

function checkColumns(featureColumns: readonly FeatureColumn[]): FeatureColumn[] {
  if (!Array.isArray(featureColumns) || featureColumns.length === 0) throw new ValueError('feature_columns must not be empty.');
  const names = new Set<string>();
  for (const c of featureColumns) {
    if (names.has(c.name)) throw new ValueError(`Duplicate feature column name found for columns: ${c.name} and ${c.name}. This usually means that these columns refer to same base feature. Either one must be discarded or a duplicated but renamed item must be inserted in features dict.`);
    names.add(c.name);
  }
  return [...featureColumns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface InputLayerOptions {
  weightCollections?: readonly string[] | null;
  trainable?: boolean;
  colsToVars?: Map<FeatureColumn, Variable[]> | null;
}

/**
 * `tf.feature_column.input_layer(features, feature_columns, weight_collections=None,
 * trainable=True, cols_to_vars=None)`: the dense columns' values concatenated, `[batch, Σ n]`.
 */
export function inputLayer(features: Features, featureColumns: readonly FeatureColumn[], opts: InputLayerOptions = {}): Tensor {
  const columns = checkColumns(featureColumns);
  for (const c of columns) {
    if (!(c instanceof DenseColumn)) {
      throw new ValueError(`Items of feature_columns must be a _DenseColumn. You can wrap a categorical column with an embedding_column or indicator_column. Given: ${String(c)}`);
    }
  }
  const trainable = opts.trainable ?? true;
  return variableScope(null, { defaultName: 'input_layer', values: featureValues(features) }, () => {
    const cache: Cache = new Map();
    const outs = (columns as DenseColumn[]).map((c) =>
      variableScope(null, { defaultName: c.varScopeName }, (scope) => {
        const before = new Set(ops.globalVariables());
        const t = ops.reshape(c.dense(features, cache, { trainable }), [-1, c.denseSize]);
        const made = ops.globalVariables().filter((v) => !before.has(v) && v.name.startsWith(`${scope.name}/`));
        if (opts.weightCollections) for (const v of made) addToCollections(opts.weightCollections, v);
        opts.colsToVars?.set(c, made);
        return t;
      }),
    );
    return ops.concat(outs, 1);
  });
}

export interface LinearModelOptions {
  units?: number;
  sparseCombiner?: Combiner;
  weightCollections?: readonly string[] | null;
  trainable?: boolean;
  colsToVars?: Map<FeatureColumn | 'bias', Variable[]> | null;
}

/**
 * `tf.feature_column.linear_model(features, feature_columns, units=1, sparse_combiner='sum',
 * weight_collections=None, trainable=True, cols_to_vars=None)`: Σ over columns of
 * dense·weights or the combined weight rows of a categorical column's ids, plus `bias_weights`.
 */
export function linearModel(features: Features, featureColumns: readonly FeatureColumn[], opts: LinearModelOptions = {}): Tensor {
  const columns = checkColumns(featureColumns);
  const units = opts.units ?? 1;
  const combiner = opts.sparseCombiner ?? 'sum';
  const trainable = opts.trainable ?? true;
  for (const c of columns) {
    if (!(c instanceof DenseColumn || c instanceof CategoricalColumn)) throw new ValueError(`Items of feature_columns must be either a _DenseColumn or _CategoricalColumn. Given: ${String(c)}`);
    if ((c as unknown as Record<symbol, unknown>)[SEQUENCE]) throw new ValueError(`In linear_model: ${c.name}. categorical_column must not be of type _SequenceCategoricalColumn; use a non-sequence categorical_column_with_*. Given: ${String(c)}`);
  }
  return variableScope(null, { defaultName: 'linear_model', values: featureValues(features) }, () => {
    const cache: Cache = new Map();
    const weight = (n: number): Variable => {
      const v = getVariable('weights', { shape: [n, units], dtype: 'float32', initializer: zerosInitializer(), trainable });
      if (opts.weightCollections) addToCollections(opts.weightCollections, v);
      return v;
    };
    const sums = columns.map((c) =>
      variableScope(null, { defaultName: c.varScopeName }, () => {
        // a bucketized column is categorical for a linear model: one weight per bucket
        if (c instanceof CategoricalColumn || c instanceof BucketizedColumn) {
          const w = weight(c.numBuckets);
          opts.colsToVars?.set(c, [w]);
          return combineRows(w, c.ids(features, cache), combiner);
        }
        const d = c as DenseColumn;
        const w = weight(d.denseSize);
        opts.colsToVars?.set(c, [w]);
        return ops.matmul(ops.reshape(d.dense(features, cache, { trainable }), [-1, d.denseSize]), w);
      }),
    );
    const noBias = sums.length === 1 ? ops.identity(sums[0]!, 'weighted_sum_no_bias') : ops.addN(sums, 'weighted_sum_no_bias');
    const bias = getVariable('bias_weights', { shape: [units], dtype: 'float32', initializer: zerosInitializer(), trainable });
    if (opts.weightCollections) addToCollections(opts.weightCollections, bias);
    opts.colsToVars?.set('bias', [bias]);
    return ops.nn.biasAdd(noBias, bias, { name: 'weighted_sum' });
  });
}
