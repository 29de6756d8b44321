/**
 * TF1's canned estimators (tensorflow_estimator's dnn.py and linear.py, v1):
 * `DNNClassifier`, `DNNRegressor`, `LinearClassifier`, `LinearRegressor` — an Estimator whose
 * model function builds TF1's network from feature columns, with TF1's variable names
 * (`dnn/hiddenlayer_0/kernel`, `dnn/logits/bias`,
 * `dnn/input_from_feature_columns/input_layer/<column>/embedding_weights`,
 * `linear/linear_model/<column>/weights`, `linear/linear_model/bias_weights`), default optimizers
 * (Adagrad at 0.05; FTRL at min(0.2, 1/sqrt(#columns))), summaries and head.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import * as ops from '../../ops/index.js';
import { zeroFraction } from '../../ops/nn-extra.js';
import { dense } from '../../layers/dense.js';
import { dropout as dropoutLayer } from '../../layers/core.js';
import { glorotUniformInitializer } from '../../scope/initializers.js';
import { variableScope } from '../../scope/variable-scope.js';
import { histogram, scalar } from '../../summary/summary.js';
import { Optimizer } from '../../train/optimizer.js';
import { AdagradOptimizer, AdamOptimizer, FtrlOptimizer, GradientDescentOptimizer, RMSPropOptimizer } from '../../train/optimizers.js';
import type { FeatureColumn } from '../../feature-column/columns.js';
import type { Variable } from '../../ops/variables.js';
import { inputLayer, linearModel } from '../../feature-column/layers.js';
import { Estimator } from '../estimator.js';
import { type Mode, ModeKeys, type RunConfig } from '../spec.js';
import { type Head, type HeadOptions, type LossReduction, RegressionHead, classifierHead } from './head.js';

export type OptimizerSpec = string | Optimizer | (() => Optimizer);

const OPTIMIZERS: Record<string, (lr: number) => Optimizer> = {
  Adagrad: (lr) => new AdagradOptimizer(lr),
  Adam: (lr) => new AdamOptimizer(lr),
  Ftrl: (lr) => new FtrlOptimizer(lr),
  RMSProp: (lr) => new RMSPropOptimizer(lr),
  SGD: (lr) => new GradientDescentOptimizer(lr),
};

/** TF's optimizers.get_optimizer_instance: a name (with the estimator's learning rate), an instance, or a function returning one. */
function optimizerInstance(spec: OptimizerSpec, learningRate: number): Optimizer {
  if (typeof spec === 'string') {
    const make = OPTIMIZERS[spec];
    if (!make) throw new ValueError(`Unsupported optimizer name: ${spec}. Supported names are: ${Object.keys(OPTIMIZERS).sort().join(', ')}`);
    return make(learningRate);
  }
  const o = typeof spec === 'function' ? (spec as () => Optimizer)() : spec;
  if (!(o instanceof Optimizer)) throw new ValueError(`The given object is not an Optimizer instance. Given: ${String(o)}`);
  return o;
}

function checkColumns(featureColumns: readonly FeatureColumn[]): readonly FeatureColumn[] {
  if (!Array.isArray(featureColumns) || featureColumns.length === 0) throw new ValueError('feature_columns must not be empty.');
  return featureColumns;
}

/** TF's _add_hidden_layer_summary. */
function layerSummary(value: Tensor, tag: string): void {
  scalar(`${tag}/fraction_of_zero_values`, zeroFraction(value));
  histogram(`${tag}/activation`, value);
}

interface DnnConfig {
  hiddenUnits: readonly number[];
  featureColumns: readonly FeatureColumn[];
  optimizer: OptimizerSpec;
  activationFn: (t: Tensor) => Tensor;
  dropout: number | null;
  batchNorm: boolean;
}

function dnnLogits(features: Record<string, Tensor>, mode: Mode, units: number, c: DnnConfig): Tensor {
  return variableScope('dnn', { values: Object.values(features) }, () => {
    let net = variableScope('input_from_feature_columns', { values: Object.values(features) }, () => inputLayer(features, c.featureColumns));
    c.hiddenUnits.forEach((u, i) => {
      const name = `hiddenlayer_${i}`;
      net = dense(net, u, { activation: c.activationFn, kernelInitializer: glorotUniformInitializer(), name });
      if (c.dropout !== null && mode === ModeKeys.TRAIN) net = dropoutLayer(net, { rate: c.dropout, training: true });
      layerSummary(net, `dnn/${name}`);
    });
    const logits = dense(net, units, { kernelInitializer: glorotUniformInitializer(), name: 'logits' });
    layerSummary(logits, 'dnn/logits');
    return logits;
  });
}

const DNN_CLASSIFIER_NAMES = [
  'hiddenUnits', 'featureColumns', 'modelDir', 'nClasses', 'weightColumn', 'labelVocabulary', 'optimizer', 'activationFn',
  'dropout', 'inputLayerPartitioner', 'config', 'warmStartFrom', 'lossReduction', 'batchNorm',
] as const;
const DNN_REGRESSOR_NAMES = [
  'hiddenUnits', 'featureColumns', 'modelDir', 'labelDimension', 'weightColumn', 'optimizer', 'activationFn', 'dropout',
  'inputLayerPartitioner', 'config', 'warmStartFrom', 'lossReduction', 'batchNorm',
] as const;

function dnnConfig(a: Record<string, unknown>): DnnConfig {
  const hiddenUnits = a.hiddenUnits as number[];
  if (!Array.isArray(hiddenUnits) || hiddenUnits.some((u) => !(Number.isInteger(u) && u > 0))) throw new ValueError(`hidden_units must be a list of positive integers. Given: ${String(hiddenUnits)}`);
  if (a.inputLayerPartitioner != null) throw new ValueError('input_layer_partitioner is not supported (variables are not partitioned)');
  if (a.warmStartFrom != null) throw new ValueError('warm_start_from is not supported; restore from a checkpoint with the model_dir instead');
  if (a.batchNorm) throw new ValueError('batch_norm=True is not supported');
  const dropout = (a.dropout as number | null | undefined) ?? null;
  if (dropout !== null && !(dropout >= 0 && dropout < 1)) throw new ValueError(`dropout must be in [0, 1). Given: ${dropout}`);
  return {
    hiddenUnits,
    featureColumns: checkColumns(a.featureColumns as FeatureColumn[]),
    optimizer: (a.optimizer as OptimizerSpec | undefined) ?? 'Adagrad',
    activationFn: (a.activationFn as ((t: Tensor) => Tensor) | undefined) ?? ops.nn.relu,
    dropout,
    batchNorm: false,
  };
}

function headOptions(a: Record<string, unknown>): HeadOptions {
  return {
    weightColumn: (a.weightColumn as string | null | undefined) ?? null,
    labelVocabulary: (a.labelVocabulary as string[] | null | undefined) ?? null,
    lossReduction: (a.lossReduction as LossReduction | undefined) ?? 'sum',
  };
}

/** An Estimator whose model function is TF1's: the network's logits through a head. */
class CannedEstimator extends Estimator {
  constructor(head: Head, logitsFn: (features: Record<string, Tensor>, mode: Mode, units: number) => Tensor, optimizer: () => Optimizer, a: Record<string, unknown>) {
    super(
      (features: Record<string, Tensor> | Tensor, labels: Tensor | null, mode: Mode) => {
        if (!(typeof features === 'object' && features !== null && !('op' in features))) {
          throw new ValueError(`features should be a dictionary of \`Tensor\`s. Given type: ${typeof features}`);
        }
        const f = features as Record<string, Tensor>;
        const logits = logitsFn(f, mode, head.logitsDimension);
        return head.createEstimatorSpec(f, mode, logits, labels, mode === ModeKeys.TRAIN ? optimizer() : null);
      },
      { modelDir: (a.modelDir as string | null | undefined) ?? null, config: (a.config as RunConfig | null | undefined) ?? null },
    );
  }
}

/**
 * `tf.estimator.DNNClassifier(hidden_units, feature_columns, model_dir=None, n_classes=2,
 * weight_column=None, label_vocabulary=None, optimizer='Adagrad', activation_fn=tf.nn.relu,
 * dropout=None, input_layer_partitioner=None, config=None, warm_start_from=None,
 * loss_reduction=SUM, batch_norm=False)`.
 */
export class DNNClassifier extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, DNN_CLASSIFIER_NAMES, 'DNNClassifier', 2);
    const c = dnnConfig(a);
    const head = classifierHead((a.nClasses as number | undefined) ?? 2, headOptions(a));
    super(head, (f, mode, units) => dnnLogits(f, mode, units, c), () => optimizerInstance(c.optimizer, 0.05), a);
  }
}

/**
 * `tf.estimator.DNNRegressor(hidden_units, feature_columns, model_dir=None, label_dimension=1,
 * weight_column=None, optimizer='Adagrad', activation_fn=tf.nn.relu, dropout=None, …)`.
 */
export class DNNRegressor extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, DNN_REGRESSOR_NAMES, 'DNNRegressor', 2);
    const c = dnnConfig(a);
    const head = new RegressionHead((a.labelDimension as number | undefined) ?? 1, headOptions(a));
    super(head, (f, mode, units) => dnnLogits(f, mode, units, c), () => optimizerInstance(c.optimizer, 0.05), a);
  }
}

const LINEAR_CLASSIFIER_NAMES = [
  'featureColumns', 'modelDir', 'nClasses', 'weightColumn', 'labelVocabulary', 'optimizer', 'config', 'partitioner',
  'warmStartFrom', 'lossReduction', 'sparseCombiner',
] as const;
const LINEAR_REGRESSOR_NAMES = [
  'featureColumns', 'modelDir', 'labelDimension', 'weightColumn', 'optimizer', 'config', 'partitioner', 'warmStartFrom',
  'lossReduction', 'sparseCombiner',
] as const;

function linearParts(a: Record<string, unknown>): { logits: (f: Record<string, Tensor>, mode: Mode, units: number) => Tensor; optimizer: () => Optimizer } {
  const columns = checkColumns(a.featureColumns as FeatureColumn[]);
  if (a.partitioner != null) throw new ValueError('partitioner is not supported (variables are not partitioned)');
  if (a.warmStartFrom != null) throw new ValueError('warm_start_from is not supported; restore from a checkpoint with the model_dir instead');
  const combiner = (a.sparseCombiner as 'sum' | 'mean' | 'sqrtn' | undefined) ?? 'sum';
  if (!['sum', 'mean', 'sqrtn'].includes(combiner)) throw new ValueError(`sparse_combiner must be one of 'mean', 'sqrtn' or 'sum'. Given: ${combiner}`);
  const spec = (a.optimizer as OptimizerSpec | undefined) ?? 'Ftrl';
  return {
    logits: (f, _mode, units) =>
      variableScope('linear', { values: Object.values(f) }, () => {
        const colsToVars = new Map<FeatureColumn | 'bias', Variable[]>();
        const logits = linearModel(f, columns, { units, sparseCombiner: combiner, colsToVars });
        // TF's linear summaries: the bias, and the fraction of the columns' weights that are zero
        const bias = colsToVars.get('bias')![0]!.value();
        if (units > 1) histogram('bias', bias);
        else scalar('bias', ops.reshape(bias, []));
        const weights = [...colsToVars].filter(([c]) => c !== 'bias').flatMap(([, vs]) => vs);
        const zeros = ops.addN(weights.map((w) => ops.countNonzero(ops.equal(w.value(), 0), { dtype: 'float32' })));
        const total = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
        scalar('fraction_of_zero_weights', ops.divide(zeros, total));
        return logits;
      }),
    optimizer: () => optimizerInstance(spec, Math.min(0.2, 1 / Math.sqrt(columns.length))),
  };
}

/**
 * `tf.estimator.LinearClassifier(feature_columns, model_dir=None, n_classes=2, weight_column=None,
 * label_vocabulary=None, optimizer='Ftrl', config=None, partitioner=None, warm_start_from=None,
 * loss_reduction=SUM, sparse_combiner='sum')`.
 */
export class LinearClassifier extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, LINEAR_CLASSIFIER_NAMES, 'LinearClassifier', 1);
    const p = linearParts(a);
    super(classifierHead((a.nClasses as number | undefined) ?? 2, headOptions(a)), p.logits, p.optimizer, a);
  }
}

/**
 * `tf.estimator.LinearRegressor(feature_columns, model_dir=None, label_dimension=1,
 * weight_column=None, optimizer='Ftrl', config=None, partitioner=None, …)`.
 */
export class LinearRegressor extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, LINEAR_REGRESSOR_NAMES, 'LinearRegressor', 1);
    const p = linearParts(a);
    super(new RegressionHead((a.labelDimension as number | undefined) ?? 1, headOptions(a)), p.logits, p.optimizer, a);
  }
}
