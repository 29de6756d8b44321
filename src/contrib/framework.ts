/** `tf.contrib.framework`: the checkpoint and global-step helpers TF1 programs import from there. */
export { initFromCheckpoint } from '../train/init-from-checkpoint.js';
export { listVariables, loadCheckpoint, loadVariable } from '../checkpoint/reader.js';
export { getGlobalStep, getOrCreateGlobalStep, createGlobalStep } from '../train/global-step.js';
export {
  getVariables, getModelVariables, getTrainableVariables, getLocalVariables, getVariablesByName, getVariablesBySuffix, getUniqueVariable,
} from './framework-variables.js';
export { argScope, addArgScope, hasArgScope, argScopedArguments, currentArgScope, type ArgScope } from './arg-scope.js';
/** TF's contrib audio_ops (`contrib_audio`): decodeWav, encodeWav, audioSpectrogram, mfcc. */
export * as audioOps from '../ops/audio-ops-namespace.js';
export {
  variable, modelVariable, localVariable, addModelVariable, getVariablesToRestore, assignFromCheckpoint, assignFromCheckpointFn,
  assignFromValues, assignFromValuesFn,
} from './slim/variables.js';
/** `tf.contrib.framework.nest`: flatten, packSequenceAs, mapStructure, assertSameStructure, isSequence. */
export * as nest from './framework-nest.js';
