/**
 * TF1's baseline estimators (tensorflow_estimator's baseline.py, v1): a model that ignores its
 * features and learns one bias per output (`baseline/bias`), so it predicts the label
 * distribution (classifier) or the label mean (regressor) — the yardstick for real models.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { controlDependencies } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import * as ops from '../../ops/index.js';
import { zerosInitializer } from '../../scope/initializers.js';
import { getVariable } from '../../scope/get-variable.js';
import { variableScope } from '../../scope/variable-scope.js';
import { histogram, scalar } from '../../summary/summary.js';
import { CannedEstimator, headOptions, type OptimizerSpec, optimizerInstance } from './canned.js';
import { RegressionHead, classifierHead } from './head.js';

/** baseline.py's learning rate. */
const LEARNING_RATE = 0.3;

/** TF's `_baseline_logit_fn_builder`: the bias, one row per example (the batch size the features agree on). */
function baselineLogits(features: Record<string, Tensor>, units: number, weightColumn: string | null): Tensor {
  return variableScope('baseline', () => {
    let batch: Tensor | null = null;
    const checks: ReturnType<typeof ops.assertEqual>[] = [];
    for (const [key, f] of Object.entries(features)) {
      // the weight is not needed at serving time: no check on it
      if (key === weightColumn) continue;
      const first = ops.slice(ops.shape(f), [0], [1]);
      if (batch === null) batch = first;
      else checks.push(ops.assertEqual(batch, first));
    }
    if (batch === null) throw new ValueError('Baseline estimators need at least one feature (other than the weight column) to know the batch size.');
    const b = batch;
    return controlDependencies(checks, () => {
      const bias = getVariable('bias', [units], { initializer: zerosInitializer() });
      if (units === 1) scalar('bias', ops.reshape(bias.value(), []));
      else histogram('bias', bias.value());
      return ops.multiply(bias.value(), ops.ones(ops.concat([b, ops.constant([units], 'int32')], 0)));
    });
  });
}

const CLASSIFIER_NAMES = ['modelDir', 'nClasses', 'weightColumn', 'labelVocabulary', 'optimizer', 'config', 'lossReduction'] as const;
const REGRESSOR_NAMES = ['modelDir', 'labelDimension', 'weightColumn', 'optimizer', 'config', 'lossReduction'] as const;

/**
 * `tf.estimator.BaselineClassifier(model_dir=None, n_classes=2, weight_column=None,
 * label_vocabulary=None, optimizer='Ftrl', config=None, loss_reduction=SUM)`.
 */
export class BaselineClassifier extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, CLASSIFIER_NAMES, 'BaselineClassifier');
    const spec = (a.optimizer as OptimizerSpec | undefined) ?? 'Ftrl';
    const w = (a.weightColumn as string | null | undefined) ?? null;
    super(classifierHead((a.nClasses as number | undefined) ?? 2, headOptions(a)), (f, _mode, units) => baselineLogits(f, units, w), () => optimizerInstance(spec, LEARNING_RATE), a);
  }
}

/**
 * `tf.estimator.BaselineRegressor(model_dir=None, label_dimension=1, weight_column=None,
 * optimizer='Ftrl', config=None, loss_reduction=SUM)`.
 */
export class BaselineRegressor extends CannedEstimator {
  constructor(...args: unknown[]) {
    const a = kwargs(args, REGRESSOR_NAMES, 'BaselineRegressor');
    const spec = (a.optimizer as OptimizerSpec | undefined) ?? 'Ftrl';
    const w = (a.weightColumn as string | null | undefined) ?? null;
    super(new RegressionHead((a.labelDimension as number | undefined) ?? 1, headOptions(a)), (f, _mode, units) => baselineLogits(f, units, w), () => optimizerInstance(spec, LEARNING_RATE), a);
  }
}
