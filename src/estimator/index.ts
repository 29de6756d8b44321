/** `tf.estimator`: Estimator, EstimatorSpec, ModeKeys, RunConfig and `inputs.numpyInputFn`. */
export { Estimator, type ModelFn, type InputFn, type EstimatorOptions } from './estimator.js';
export { WarmStartSettings } from '../train/warm-start.js';
export { EstimatorSpec, ModeKeys, RunConfig, type Mode, type EstimatorSpecFields, type RunConfigOptions } from './spec.js';
export * as inputs from './inputs-namespace.js';
export { DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor, DNNLinearCombinedClassifier, DNNLinearCombinedRegressor, type OptimizerSpec } from './canned/canned.js';
export { TrainSpec, EvalSpec, trainAndEvaluate, Exporter, LatestExporter, FinalExporter, BestExporter } from './training.js';
export * as export from './export-namespace.js';
// TF 1.15's tf.estimator re-exports of tf.train's hooks
export {
  CheckpointSaverHook, CheckpointSaverListener, FeedFnHook, FinalOpsHook, GlobalStepWaiterHook, LoggingTensorHook,
  NanLossDuringTrainingError, NanTensorHook, ProfilerHook, SecondOrStepTimer, StepCounterHook, StopAtStepHook, SummarySaverHook,
} from '../train/hooks/index.js';
export { SessionRunArgs, SessionRunContext, SessionRunHook, SessionRunValues } from '../train/session-run-hook.js';
export { BaselineClassifier, BaselineRegressor } from './canned/baseline.js';
export { addMetrics } from './extenders.js';
export { classifierParseExampleSpec, regressorParseExampleSpec } from './parsing-utils.js';
