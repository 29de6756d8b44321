/**
 * `tf.keras` in TF1 graph mode: layers that build graph ops, Sequential and functional models
 * whose compile/fit/evaluate/predict run in the Keras backend's Session.
 */
import { padSequences } from './utils.js';
import { fashionMnist, mnist } from './utils.js';
import { Model, Sequential } from './engine.js';
import { cloneModel, modelFromConfig, modelFromJson } from './models.js';
import { loadModel, saveModel } from './hdf5-format.js';

export * as layers from './layers-namespace.js';
export { Model, Sequential, type CompileOptions, type FitOptions } from './engine.js';
export { Input } from './layers-core.js';
export * as backend from './backend.js';
export * as callbacks from './callbacks.js';
export * as optimizers from './optimizers.js';
export * as losses from './losses.js';
export * as activations from './activations.js';
export * as initializers from './initializers.js';
export * as regularizers from './regularizers.js';
export * as constraints from './constraints.js';
export * as utils from './utils.js';

/** `keras.models`. */
export const models = { Model, Sequential, modelFromConfig, modelFromJson, cloneModel, saveModel, loadModel };
/** `keras.preprocessing.sequence`. */
export const preprocessing = { sequence: { padSequences } };
/** `keras.datasets`. */
export const datasets = { mnist, fashionMnist };
/** `keras.metrics`: the per-sample metric functions. */
export * as metrics from './metrics-namespace.js';
