/** `tf.manip` (TF 1.15's deprecated home of these array ops, the same functions as `tf.*`; `reverse` is reverse_v2). */
export { reshape, tile } from './array.js';
export { roll, reverseV2 as reverse } from './array-extra.js';
export { gatherNd, scatterNd } from './scatter-nd.js';
export { spaceToBatchNd, batchToSpaceNd } from './space-batch.js';
