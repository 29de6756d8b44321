/** `tf.graphUtil`. */
export { extractSubGraph, convertVariablesToConstants, type ConvertVariablesOptions } from './graph-util.js';
export { removeTrainingNodes, mustRunOnCpu, tensorShapeFromNodeDefName } from './graph-util-extra.js';
export { importGraphDef } from './import.js';
