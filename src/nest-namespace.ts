/**
 * `tf.nest` (TF 1.15's tensorflow/python/util/nest.py under its public name): the nested
 * structure helpers that `tf.contrib.framework.nest` also exports.
 */
export { flatten, packSequenceAs, mapStructure, assertSameStructure, isSequence as isNested } from './contrib/framework-nest.js';
