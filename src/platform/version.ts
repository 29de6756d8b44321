/**
 * `tf.VERSION` and its kin (TF 1.15 python/framework/versions.py), also as `tf.version.*`.
 * tsflow follows TF 1.15's API, so VERSION says 1.15 (the version the exported MetaGraphDefs
 * state too); the git and compiler versions are tsflow's own, as no TF build made them.
 * GRAPH_DEF_VERSION is the producer version tsflow writes into the GraphDefs it exports.
 */
import { GRAPH_DEF_VERSION as PRODUCER } from '../graphdef/export.js';

export const VERSION = '1.15.0';
export const GIT_VERSION = 'tsflow';
export const COMPILER_VERSION = 'TypeScript';
export const GRAPH_DEF_VERSION = PRODUCER;
/** TF 1.15's TF_GRAPH_DEF_VERSION_MIN_CONSUMER and _MIN_PRODUCER. */
export const GRAPH_DEF_VERSION_MIN_CONSUMER = 0;
export const GRAPH_DEF_VERSION_MIN_PRODUCER = 0;
