/** `tf.estimator.add_metrics` (tensorflow_estimator's extenders.py). */
import { ValueError } from '../errors.js';
import { Estimator, type ModelFn } from './estimator.js';
import { EstimatorSpec, ModeKeys } from './spec.js';

const METRIC_ARGS = ['predictions', 'features', 'labels', 'config'] as const;

/**
 * A function's parameter names, as Python's inspect reads them: `(labels, predictions) => …`
 * or `function (predictions) { … }`; a single destructured object (`({ labels, predictions })`)
 * takes them all by keyword.
 */
function paramNames(fn: (...a: never[]) => unknown): { names: string[]; keyword: boolean } {
  const src = Function.prototype.toString.call(fn);
  const m = /^(?:async\s+)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(src) ?? /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (!m) throw new ValueError(`metric_fn (${src.slice(0, 60)}): its parameters can't be read`);
  const list = m[1]!.trim();
  const keyword = list.startsWith('{');
  const body = keyword ? list.replace(/^\{|\}$/g, '') : list;
  const names = body.split(',').map((p) => p.trim().split(/[\s=:]/)[0]!).filter(Boolean);
  return { names, keyword };
}

/**
 * `addMetrics(estimator, metricFn)`: a new Estimator (same model directory, config and warm
 * start) whose evaluation also reports `metricFn`'s metrics. `metricFn` takes, by name, any of
 * `predictions` (required), `features`, `labels` and `config`, and returns
 * `{ name: [value, updateOp] }` as tf.metrics do; its names override the model's.
 */
export function addMetrics(estimator: Estimator, metricFn: (...args: any[]) => Record<string, [unknown, unknown]>): Estimator {
  if (!(estimator instanceof Estimator)) throw new TypeError(`estimator must be a tf.estimator.Estimator, given: ${String(estimator)}`);
  if (typeof metricFn !== 'function') throw new ValueError(`metric_fn (${String(metricFn)}) must be callable.`);
  const { names, keyword } = paramNames(metricFn);
  const bad = names.filter((n) => !(METRIC_ARGS as readonly string[]).includes(n));
  if (bad.length > 0) throw new ValueError(`metric_fn (${metricFn.name || 'metric_fn'}) has following not expected args: [${bad.map((b) => `'${b}'`).join(', ')}]`);
  if (!names.includes('predictions')) throw new ValueError(`metric_fn (${metricFn.name || 'metric_fn'}) must include predictions argument.`);
  const inner = estimator.modelFn;
  const modelFn: ModelFn = (features, labels, mode, params, config) => {
    const spec = inner(features, labels, mode, params, config);
    if (mode !== ModeKeys.EVAL) return spec;
    const given: Record<string, unknown> = { predictions: spec.predictions, features, labels, config };
    const extra = keyword ? metricFn(Object.fromEntries(names.map((n) => [n, given[n]]))) : metricFn(...names.map((n) => given[n]));
    if (typeof extra !== 'object' || extra === null) throw new TypeError(`metric_fn should return a dict of (value, update_op) pairs, got ${String(extra)}`);
    return new EstimatorSpec(mode, {
      predictions: spec.predictions, loss: spec.loss, trainOp: spec.trainOp, evalMetricOps: { ...spec.evalMetricOps, ...(extra as EstimatorSpec['evalMetricOps']) },
      exportOutputs: spec.exportOutputs, trainingChiefHooks: spec.trainingChiefHooks, trainingHooks: spec.trainingHooks, scaffold: spec.scaffold,
      evaluationHooks: spec.evaluationHooks, predictionHooks: spec.predictionHooks,
    });
  };
  return new Estimator(modelFn, { modelDir: estimator.modelDir, config: estimator.config, params: estimator.params, warmStartFrom: estimator.warmStartSettings });
}
