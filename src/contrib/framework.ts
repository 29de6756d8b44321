/** `tf.contrib.framework`: the checkpoint and global-step helpers TF1 programs import from there. */
export { initFromCheckpoint } from '../train/init-from-checkpoint.js';
export { listVariables, loadCheckpoint, loadVariable } from '../checkpoint/reader.js';
export { getGlobalStep, getOrCreateGlobalStep, createGlobalStep } from '../train/global-step.js';
export {
  getVariables, getModelVariables, getTrainableVariables, getLocalVariables, getVariablesByName, getVariablesBySuffix, getUniqueVariable,
} from './framework-variables.js';
export { argScope, addArgScope, hasArgScope, argScopedArguments, currentArgScope, type ArgScope } from './arg-scope.js';
