/**
 * TF1's canned-estimator heads (tensorflow_estimator's head.py, v1): from logits and labels, the
 * loss, the predictions dict and the evaluation metrics of a multi-class (softmax), binary
 * (sigmoid) or regression (squared error) model, and an EstimatorSpec per mode. The training
 * loss is reduced by SUM over the batch (the v1 canned estimators' default `loss_reduction`);
 * `average_loss` is the mean per example.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import * as ops from '../../ops/index.js';
import { controlDependencies, nameScope } from '../../graph/context.js';
import { asString } from '../../ops/strings/ops.js';
import { accuracy, mean } from '../../metrics/mean.js';
import { auc } from '../../metrics/auc.js';
import { precision, recall } from '../../metrics/counts.js';
import { scalar } from '../../summary/summary.js';
import { getGlobalStep } from '../../train/global-step.js';
import type { Optimizer } from '../../train/optimizer.js';
import { EstimatorSpec, type Mode, ModeKeys } from '../spec.js';
import { ClassificationOutput, type ExportOutput, PredictOutput, RegressionOutput } from '../export.js';

export type LossReduction = 'sum' | 'weighted_mean' | 'sum_over_batch_size' | 'weighted_sum_over_batch_size' | 'sum_by_nonzero_weights';

export interface HeadOptions {
  weightColumn?: string | null;
  labelVocabulary?: readonly string[] | null;
  lossReduction?: LossReduction;
}

type Features = Record<string, Tensor>;
type Metrics = Record<string, [Tensor, Tensor]>;

export abstract class Head {
  abstract readonly logitsDimension: number;
  constructor(protected readonly o: HeadOptions) {}

  protected weights(features: Features): Tensor | null {
    const w = this.o.weightColumn;
    if (!w) return null;
    const t = features[w];
    if (!t) throw new ValueError(`weight_column ${w} is not in features.`);
    return ops.reshape(ops.cast(t, 'float32'), [-1, 1]);
  }

  /** The per-example loss `[batch, 1]` and the labels as the head uses them. */
  protected abstract unreducedLoss(labels: Tensor, logits: Tensor): { loss: Tensor; labels: Tensor };
  abstract predictions(logits: Tensor): Record<string, Tensor>;
  /** The serving signatures of a PREDICT spec: 'serving_default', the head's own ('classification' / 'regression') and 'predict'. */
  protected abstract exportOutputs(preds: Record<string, Tensor>): Record<string, ExportOutput>;
  protected abstract metrics(labels: Tensor, preds: Record<string, Tensor>, weights: Tensor | null, loss: Tensor): Metrics;

  /** TF's compute_weighted_loss with the head's reduction. */
  private reduce(unreduced: Tensor, weights: Tensor | null): Tensor {
    const weighted = weights ? ops.multiply(unreduced, weights) : unreduced;
    const total = ops.reduceSum(weighted);
    switch (this.o.lossReduction ?? 'sum') {
      case 'sum':
        return total;
      case 'weighted_mean':
        return ops.divNoNan(total, weights ? ops.reduceSum(ops.multiply(weights, ops.onesLike(unreduced))) : ops.cast(ops.size(unreduced), 'float32'));
      case 'sum_over_batch_size':
      case 'weighted_sum_over_batch_size':
        return ops.divNoNan(total, ops.cast(ops.size(unreduced), 'float32'));
      case 'sum_by_nonzero_weights':
        return ops.divNoNan(total, weights ? ops.reduceSum(ops.cast(ops.notEqual(ops.multiply(weights, ops.onesLike(unreduced)), 0), 'float32')) : ops.cast(ops.size(unreduced), 'float32'));
    }
  }

  protected checkLogits(logits: Tensor): void {
    const d = logits.shape?.[logits.shape.length - 1];
    if (d !== undefined && d !== null && d !== this.logitsDimension) {
      throw new ValueError(`logits shape must be [D0, D1, ... DN, logits_dimension], got ${JSON.stringify(logits.shape)}.`);
    }
  }

  /** `head.create_estimator_spec(features, mode, logits, labels, optimizer)`. */
  createEstimatorSpec(features: Features, mode: Mode, logits: Tensor, labels: Tensor | null, optimizer: Optimizer | null, trainOpFn?: ((loss: Tensor) => Operation | Tensor) | null): EstimatorSpec {
    this.checkLogits(logits);
    const predictions = nameScope('head', () => this.predictions(logits));
    if (mode === ModeKeys.PREDICT) return new EstimatorSpec(mode, { predictions, exportOutputs: nameScope('head', () => this.exportOutputs(predictions)) });
    if (labels === null) throw new ValueError(`You must provide a labels Tensor. Given: None. Suggested troubleshooting steps: Check that your data contain your label feature. Check that your input_fn properly parses and returns labels.`);
    const weights = this.weights(features);
    const { loss: unreduced, labels: used } = nameScope('head', () => this.unreducedLoss(labels, logits));
    const trainingLoss = nameScope('head', () => this.reduce(unreduced, weights));
    if (mode === ModeKeys.EVAL) {
      return new EstimatorSpec(mode, { predictions, loss: trainingLoss, evalMetricOps: nameScope('metrics', () => this.metrics(used, predictions, weights, unreduced)) });
    }
    if (!optimizer && !trainOpFn) throw new ValueError('train_op_fn and optimizer cannot both be None.');
    if (optimizer && trainOpFn) throw new ValueError('train_op_fn and optimizer cannot both be set.');
    scalar('loss', trainingLoss);
    const examples = weights ? ops.reduceSum(ops.multiply(weights, ops.onesLike(unreduced))) : ops.cast(ops.size(unreduced), 'float32');
    scalar('average_loss', ops.divNoNan(ops.reduceSum(weights ? ops.multiply(unreduced, weights) : unreduced), examples));
    const trainOp = optimizer ? optimizer.minimize(trainingLoss, { globalStep: getGlobalStep() }) : trainOpFn!(trainingLoss);
    return new EstimatorSpec(mode, { predictions, loss: trainingLoss, trainOp });
  }
}

/** Integer class ids `[batch, 1]` from labels (ids, or strings of labelVocabulary). */
function classLabels(labels: Tensor, n: number, vocab: readonly string[] | null | undefined): Tensor {
  let l = ops.reshape(labels, [-1, 1]);
  if (vocab) {
    if (l.dtype !== 'string') throw new ValueError(`Labels dtype should be string if there is a vocabulary. Given: ${l.dtype}`);
    const hit = ops.equal(l, ops.constant([...vocab], 'string', [1, vocab.length]));
    const found = ops.reduceAny(hit, 1, true);
    const id = ops.cast(ops.argmax(ops.cast(hit, 'int32'), 1), 'int64');
    const checked = ops.Assert(ops.reduceAll(found), ['Labels must be <= n_classes - 1 (unknown label in label_vocabulary)', l]);
    return controlDependencies([checked], () => ops.reshape(id, [-1, 1]));
  }
  if (l.dtype === 'string') throw new ValueError('Labels dtype should be integer. Instead got string. Use label_vocabulary for string labels.');
  if (l.dtype !== 'int64' && l.dtype !== 'int32') l = ops.cast(l, 'int64');
  const checks = [
    ops.assertLess(l, ops.cast(ops.constant(n), l.dtype), { message: 'Labels must <= n_classes - 1' }),
    ops.assertNonNegative(l, { message: 'Labels must >= 0' }),
  ];
  return controlDependencies(checks, () => ops.identity(l));
}

function classStrings(classIds: Tensor, vocab: readonly string[] | null | undefined): Tensor {
  if (vocab) return ops.gather(ops.constant([...vocab], 'string'), classIds, { name: 'classes' });
  return asString(classIds, { name: 'str_classes' });
}

/**
 * TF's `_classification_output`: the scores with every class's name (the vocabulary, or the
 * ids as strings) tiled over the batch.
 */
function classificationOutputs(scores: Tensor, nClasses: number, vocab: readonly string[] | null | undefined, preds: Record<string, Tensor>): Record<string, ExportOutput> {
  const names = vocab ? ops.constant([...vocab], 'string') : asString(ops.range(nClasses));
  const batch = ops.slice(ops.shape(scores), [0], [1]);
  const classes = ops.tile(ops.expandDims(names, 0), ops.concat([batch, ops.constant([1], 'int32')], 0));
  const out = new ClassificationOutput(scores, classes);
  return { serving_default: out, classification: out, predict: new PredictOutput(preds) };
}

export class MultiClassHead extends Head {
  constructor(readonly nClasses: number, o: HeadOptions) {
    super(o);
    if (!(Number.isInteger(nClasses) && nClasses > 2)) throw new ValueError(`n_classes must be > 2: ${nClasses}`);
  }
  get logitsDimension(): number {
    return this.nClasses;
  }
  protected unreducedLoss(labels: Tensor, logits: Tensor): { loss: Tensor; labels: Tensor } {
    const ids = classLabels(labels, this.nClasses, this.o.labelVocabulary);
    const loss = ops.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: ops.reshape(ids, [-1]), logits });
    return { loss: ops.expandDims(loss, 1), labels: ids };
  }
  predictions(logits: Tensor): Record<string, Tensor> {
    const classIds = ops.expandDims(ops.argmax(logits, 1, 'int64'), 1, 'class_ids');
    return {
      logits,
      probabilities: ops.nn.softmax(logits, { name: 'probabilities' }),
      class_ids: classIds,
      classes: classStrings(classIds, this.o.labelVocabulary),
    };
  }
  protected exportOutputs(preds: Record<string, Tensor>): Record<string, ExportOutput> {
    return classificationOutputs(preds.probabilities!, this.nClasses, this.o.labelVocabulary, preds);
  }
  protected metrics(labels: Tensor, preds: Record<string, Tensor>, weights: Tensor | null, loss: Tensor): Metrics {
    return {
      accuracy: accuracy(labels, preds.class_ids!, { weights, name: 'accuracy' }),
      average_loss: mean(loss, { weights, name: 'average_loss' }),
    };
  }
}

export class BinaryHead extends Head {
  readonly logitsDimension = 1;
  protected unreducedLoss(labels: Tensor, logits: Tensor): { loss: Tensor; labels: Tensor } {
    const ids = classLabels(labels, 2, this.o.labelVocabulary);
    const f = ops.cast(ids, 'float32');
    return { loss: ops.nn.sigmoidCrossEntropyWithLogits({ labels: f, logits }), labels: f };
  }
  predictions(logits: Tensor): Record<string, Tensor> {
    const twoClass = ops.concat([ops.zerosLike(logits), logits], 1, 'two_class_logits');
    const classIds = ops.expandDims(ops.argmax(twoClass, 1, 'int64'), 1, 'class_ids');
    return {
      logits,
      logistic: ops.sigmoid(logits, 'logistic'),
      probabilities: ops.nn.softmax(twoClass, { name: 'probabilities' }),
      class_ids: classIds,
      classes: classStrings(classIds, this.o.labelVocabulary),
    };
  }
  protected exportOutputs(preds: Record<string, Tensor>): Record<string, ExportOutput> {
    return classificationOutputs(preds.probabilities!, 2, this.o.labelVocabulary, preds);
  }
  protected metrics(labels: Tensor, preds: Record<string, Tensor>, weights: Tensor | null, loss: Tensor): Metrics {
    const labelMean = mean(labels, { weights, name: 'label/mean' });
    const baseline: [Tensor, Tensor] = [ops.maximum(labelMean[0], ops.subtract(1, labelMean[0])), ops.maximum(labelMean[1], ops.subtract(1, labelMean[1]))];
    const classIds = ops.cast(preds.class_ids!, 'float32');
    return {
      accuracy: accuracy(labels, classIds, { weights, name: 'accuracy' }),
      precision: precision(labels, classIds, { weights, name: 'precision' }),
      recall: recall(labels, classIds, { weights, name: 'recall' }),
      'prediction/mean': mean(preds.logistic!, { weights, name: 'prediction/mean' }),
      'label/mean': labelMean,
      accuracy_baseline: baseline,
      auc: auc(labels, preds.logistic!, { weights, curve: 'ROC', name: 'auc' }),
      auc_precision_recall: auc(labels, preds.logistic!, { weights, curve: 'PR', name: 'auc_precision_recall' }),
      average_loss: mean(loss, { weights, name: 'average_loss' }),
    };
  }
}

export class RegressionHead extends Head {
  constructor(readonly labelDimension: number, o: HeadOptions) {
    super(o);
    if (!(Number.isInteger(labelDimension) && labelDimension >= 1)) throw new ValueError(`Invalid label_dimension ${labelDimension}.`);
  }
  get logitsDimension(): number {
    return this.labelDimension;
  }
  protected unreducedLoss(labels: Tensor, logits: Tensor): { loss: Tensor; labels: Tensor } {
    const l = ops.reshape(ops.cast(labels, 'float32'), [-1, this.labelDimension]);
    return { loss: ops.squaredDifference(l, logits), labels: l };
  }
  predictions(logits: Tensor): Record<string, Tensor> {
    return { predictions: logits };
  }
  protected exportOutputs(preds: Record<string, Tensor>): Record<string, ExportOutput> {
    const out = new RegressionOutput(preds.predictions!);
    return { serving_default: out, regression: out, predict: new PredictOutput(preds) };
  }
  protected metrics(labels: Tensor, preds: Record<string, Tensor>, weights: Tensor | null, loss: Tensor): Metrics {
    return {
      average_loss: mean(loss, { weights, name: 'average_loss' }),
      'prediction/mean': mean(preds.predictions!, { weights, name: 'prediction/mean' }),
      'label/mean': mean(labels, { weights, name: 'label/mean' }),
    };
  }
}

/** The head of a classifier with `nClasses` classes (binary for 2). */
export function classifierHead(nClasses: number, o: HeadOptions): Head {
  if (!(Number.isInteger(nClasses) && nClasses >= 2)) throw new ValueError(`n_classes must be >= 2. Given: ${nClasses}`);
  if (o.labelVocabulary && o.labelVocabulary.length !== nClasses) {
    throw new ValueError(`Length of label_vocabulary must equal n_classes (${nClasses}). Given: ${o.labelVocabulary.length}`);
  }
  return nClasses === 2 ? new BinaryHead(o) : new MultiClassHead(nClasses, o);
}
