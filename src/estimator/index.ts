/** `tf.estimator`: Estimator, EstimatorSpec, ModeKeys, RunConfig and `inputs.numpyInputFn`. */
export { Estimator, type ModelFn, type InputFn, type EstimatorOptions } from './estimator.js';
export { WarmStartSettings } from '../train/warm-start.js';
export { EstimatorSpec, ModeKeys, RunConfig, type Mode, type EstimatorSpecFields, type RunConfigOptions } from './spec.js';
export * as inputs from './inputs-namespace.js';
export { DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor, DNNLinearCombinedClassifier, DNNLinearCombinedRegressor, type OptimizerSpec } from './canned/canned.js';
