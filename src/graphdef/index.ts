/** GraphDef import and export: `tf.importGraphDef`, `tf.train.writeGraph`, `tf.graphUtil`. */
export { importGraphDef, type ImportGraphDefOptions } from './import.js';
export { writeGraph, serializeGraphDef, graphDefToText, graphDefFromText } from './write-graph.js';
export { type AsGraphDefOptions } from './export.js';
export * as graphUtil from './graph-util-namespace.js';
