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
import type { Operation, Tensor } from '../../graph/tensor.js';
import { controlDependencies } from '../../graph/context.js';
import { getGlobalStep } from '../../train/global-step.js';
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
import type { WarmStartSettings } from '../../train/warm-start.js';
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
export function optimizerInstance(spec: OptimizerSpec, learningRate: number): Optimizer {
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

export function headOptions(a: Record<string, unknown>): HeadOptions {
  return {
    weightColumn: (a.weightColumn as string | null | undefined) ?? null,
    labelVocabulary: (a.labelVocabulary as string[] | null | undefined) ?? null,
    lossReduction: (a.lossReduction as LossReduction | undefined) ?? 'sum',
  };
}

/** An Estimator whose model function is TF1's: the network's logits through a head. */
export class CannedEstimator extends Estimator {
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
      { modelDir: (a.modelDir as string | null | undefined) ?? null, config: (a.config as RunConfig | null | undefined) ?? null, warmStartFrom: (a.warmStartFrom as string | WarmStartSettings | null | undefined) ?? null },
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

// ---- wide & deep (tensorflow_estimator's dnn_linear_combined.py, v1) ------------------------

/** dnn_linear_combined's default learning rates. */
const DNN_LEARNING_RATE = 0.001;
const LINEAR_LEARNING_RATE = 0.005;

const COMBINED_CLASSIFIER_NAMES = [
  'modelDir', 'linearFeatureColumns', 'linearOptimizer', 'dnnFeatureColumns', 'dnnOptimizer', 'dnnHiddenUnits',
  'dnnActivationFn', 'dnnDropout', 'nClasses', 'weightColumn', 'labelVocabulary', 'inputLayerPartitioner', 'config',
  'warmStartFrom', 'lossReduction', 'batchNorm', 'linearSparseCombiner',
] as const;
const COMBINED_REGRESSOR_NAMES = [
  'modelDir', 'linearFeatureColumns', 'linearOptimizer', 'dnnFeatureColumns', 'dnnOptimizer', 'dnnHiddenUnits',
  'dnnActivationFn', 'dnnDropout', 'labelDimension', 'weightColumn', 'inputLayerPartitioner', 'config', 'warmStartFrom',
  'lossReduction', 'batchNorm', 'linearSparseCombiner',
] as const;

/** TF's _add_layer_summary. */
function addLayerSummary(value: Tensor, tag: string): void {
  scalar(`${tag}/fraction_of_zero_values`, zeroFraction(value));
  histogram(`${tag}/activation`, value);
}

/**
 * An Estimator whose model function is TF's _dnn_linear_combined_model_fn: the logits of a DNN
 * (variable scope `dnn`) and of a linear model (`linear`) added, each part trained by its own
 * optimizer on its own scope's trainable variables, then the global step incremented.
 */
class CombinedEstimator extends Estimator {
  constructor(head: Head, a: Record<string, unknown>) {
    const linearColumns = (a.linearFeatureColumns as FeatureColumn[] | null | undefined) ?? [];
    const dnnColumns = (a.dnnFeatureColumns as FeatureColumn[] | null | undefined) ?? [];
    if (linearColumns.length === 0 && dnnColumns.length === 0) {
      throw new ValueError('Either linear_feature_columns or dnn_feature_columns must be defined.');
    }
    if (a.inputLayerPartitioner != null) throw new ValueError('input_layer_partitioner is not supported (variables are not partitioned)');
      let dnn: DnnConfig | null = null;
    if (dnnColumns.length > 0) {
      if (!a.dnnHiddenUnits || (a.dnnHiddenUnits as number[]).length === 0) throw new ValueError('dnn_hidden_units must be defined when dnn_feature_columns is specified.');
      dnn = dnnConfig({ hiddenUnits: a.dnnHiddenUnits, featureColumns: dnnColumns, optimizer: a.dnnOptimizer, activationFn: a.dnnActivationFn, dropout: a.dnnDropout, batchNorm: a.batchNorm });
    }
    const linear = linearColumns.length > 0 ? linearParts({ featureColumns: linearColumns, optimizer: a.linearOptimizer, sparseCombiner: a.linearSparseCombiner }) : null;
    const linearSpec = (a.linearOptimizer as OptimizerSpec | undefined) ?? 'Ftrl';
    super(
      (features: Record<string, Tensor> | Tensor, labels: Tensor | null, mode: Mode) => {
        if (!(typeof features === 'object' && features !== null && !('op' in features))) {
          throw new ValueError(`features should be a dictionary of \`Tensor\`s. Given type: ${typeof features}`);
        }
        const f = features as Record<string, Tensor>;
        const units = head.logitsDimension;
        const dnnLogitsT = dnn ? dnnLogits(f, mode, units, dnn) : null;
        let linearLogitsT: Tensor | null = null;
        if (linear) {
          linearLogitsT = linear.logits(f, mode, units);
          addLayerSummary(linearLogitsT, 'linear');
        }
        const logits = dnnLogitsT && linearLogitsT ? ops.add(dnnLogitsT, linearLogitsT) : (dnnLogitsT ?? linearLogitsT)!;
        const trainOpFn = (loss: Tensor): Tensor => {
          const trainOps: Operation[] = [];
          if (dnn) {
            const opt = optimizerInstance(dnn.optimizer, DNN_LEARNING_RATE);
            trainOps.push(opt.minimize(loss, { varList: ops.trainableVariables('dnn') }));
          }
          if (linear) {
            const opt = optimizerInstance(linearSpec, Math.min(LINEAR_LEARNING_RATE, 1 / Math.sqrt(linearColumns.length)));
            trainOps.push(opt.minimize(loss, { varList: ops.trainableVariables('linear') }));
          }
          const trainOp = ops.group(...trainOps);
          return controlDependencies([trainOp], () => ops.assignAdd(getGlobalStep()!, 1));
        };
        return head.createEstimatorSpec(f, mode, logits, labels, null, mode === ModeKeys.TRAIN ? trainOpFn : null);
      },
      { modelDir: (a.modelDir as string | null | undefined) ?? null, config: (a.config as RunConfig | null | undefined) ?? null, warmStartFrom: (a.warmStartFrom as string | WarmStartSettings | null | undefined) ?? null },
    );
  }
}

/**
 * `tf.estimator.DNNLinearCombinedClassifier(model_dir=None, linear_feature_columns=None,
 * linear_optimizer='Ftrl', dnn_feature_columns=None, dnn_optimizer='Adagrad',
 * dnn_hidden_units=None, dnn_activation_fn=tf.nn.relu, dnn_dropout=None, n_classes=2,
 * weight_column=None, label_vocabulary=None, input_layer_partitioner=None, config=None,
 * warm_start_from=None, loss_reduction=SUM, batch_norm=False, linear_sparse_combiner='sum')`:
 * TF's wide & deep model. Default learning rates: Adagrad 0.001 for the DNN, FTRL
 * min(0.005, 1/sqrt(#linear columns)) for the linear part.
 */
export class DNNLinearCombinedClassifier extends CombinedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, COMBINED_CLASSIFIER_NAMES, 'DNNLinearCombinedClassifier', 0);
    super(classifierHead((a.nClasses as number | undefined) ?? 2, headOptions(a)), a);
  }
}

/**
 * `tf.estimator.DNNLinearCombinedRegressor(model_dir=None, linear_feature_columns=None,
 * linear_optimizer='Ftrl', dnn_feature_columns=None, dnn_optimizer='Adagrad',
 * dnn_hidden_units=None, dnn_activation_fn=tf.nn.relu, dnn_dropout=None, label_dimension=1, …)`.
 */
export class DNNLinearCombinedRegressor extends CombinedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, COMBINED_REGRESSOR_NAMES, 'DNNLinearCombinedRegressor', 0);
    super(new RegressionHead((a.labelDimension as number | undefined) ?? 1, headOptions(a)), a);
  }
}
