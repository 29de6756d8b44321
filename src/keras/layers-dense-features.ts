/**
 * `keras.layers.DenseFeatures(feature_columns, trainable=True, name=None)` as TF 1.15's
 * feature_column_v2 DenseFeatures: `layer(features)` with a features dict gives
 * tf.feature_column.input_layer's value (the dense columns sorted by name, each `[batch, n]`,
 * concatenated), its variables in the layer's scope (`dense_features/<column>/embedding_weights`)
 * and reused by later calls.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { DenseColumn, type Cache, type FeatureColumn, type Features } from '../feature-column/columns.js';
import * as ops from '../ops/index.js';
import { SparseTensor } from '../ops/sparse-tensor.js';
import type { Variable } from '../ops/variables.js';
import { type VariableScope, variableScope } from '../scope/variable-scope.js';
import { record } from './layer-utils.js';
import { Layer } from './layers-base.js';

export class DenseFeatures extends Layer {
  readonly featureColumns: DenseColumn[];
  private made: Variable[] = [];
  private ownScope: VariableScope | null = null;

  constructor(...args: unknown[]) {
    const first = args[0];
    const opts = Array.isArray(first) ? args.slice(1) : [{ ...(first as Record<string, unknown>), featureColumns: undefined }];
    const cols = (Array.isArray(first) ? first : (first as { featureColumns?: unknown } | undefined)?.featureColumns) as FeatureColumn[] | undefined;
    if (opts[0] && typeof opts[0] === 'object') delete (opts[0] as Record<string, unknown>).featureColumns;
    super(...opts);
    this.kerasClass = 'DenseFeatures';
    if (!Array.isArray(cols) || cols.length === 0) throw new ValueError('feature_columns must not be empty.');
    const names = new Set<string>();
    for (const c of cols) {
      if (!(c instanceof DenseColumn)) {
        throw new ValueError(`Items of feature_columns must be a DenseColumn. You can wrap a categorical column with an embedding_column or indicator_column. Given: ${String(c)}`);
      }
      if (names.has(c.name)) throw new ValueError(`Duplicate feature column name found for columns: ${c.name} and ${c.name}. This usually means that these columns refer to same base feature. Either one must be discarded or a duplicated but renamed item must be inserted in features dict.`);
      names.add(c.name);
    }
    this.featureColumns = [...cols].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) as DenseColumn[];
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.made.filter((v) => v.trainable) : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.made.filter((v) => !v.trainable) : [...this.made];
  }
  override get weights(): Variable[] {
    return [...this.made];
  }

  /** `layer(features)`: a dict of feature name → Tensor or SparseTensor. */
  override apply(features: any, ..._args: unknown[]): any {
    if (features === null || typeof features !== 'object' || Array.isArray(features) || 'dtype' in features) {
      throw new ValueError(`We expected a dictionary here. Instead we got: ${String(features)}`);
    }
    const f = features as Features;
    const reuse = this.ownScope !== null;
    const out = variableScope(this.ownScope ?? this.name, { reuse: reuse ? true : undefined }, (scope: VariableScope) => {
      this.ownScope = scope;
      const cache: Cache = new Map();
      const outs = this.featureColumns.map((c) =>
        variableScope(null, { defaultName: c.varScopeName }, (cs: VariableScope) => {
          const before = new Set(ops.globalVariables());
          const t = ops.reshape(c.dense(f, cache, { trainable: this.trainable }), [-1, c.denseSize]);
          if (!reuse) for (const v of ops.globalVariables()) if (!before.has(v) && v.name.startsWith(`${cs.name}/`)) this.made.push(v);
          return t;
        }),
      );
      return ops.concat(outs, 1);
    });
    this.built = true;
    const ins = Object.values(f).map((t) => (t instanceof SparseTensor ? t.values : t)) as Tensor[];
    record(this, ins, out);
    return out;
  }
}
