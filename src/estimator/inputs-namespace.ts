/** `tf.estimator.inputs`. */
export { numpyInputFn, type NumpyInputFnOptions } from './inputs.js';
