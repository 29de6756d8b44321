/** `tf.graphUtil`. */
export { extractSubGraph, convertVariablesToConstants, type ConvertVariablesOptions } from './graph-util.js';
