/** `tf.train.import_meta_graph` and `tf.train.export_meta_graph`. */
import { type ImportMetaGraphOptions, importMetaGraphDef } from '../metagraph/meta-graph.js';
import type { MetaGraphDef } from '../proto/meta-graph.js';
import { Saver } from './saver.js';

export { exportMetaGraph, readMetaGraphDef, type ExportMetaGraphOptions, type ImportMetaGraphOptions } from '../metagraph/meta-graph.js';

/**
 * `tf.train.import_meta_graph(meta_graph_or_file, {clearDevices, importScope})`: imports the
 * MetaGraph's graph into the default graph, rebuilds its collections (variables, trainable
 * variables, train_op, summaries, …) and returns a Saver over its global variables, keyed by
 * their names in the MetaGraph (so it restores checkpoints saved with it, whatever
 * `importScope` is), with the SaverDef's keep settings; null when it has no variables.
 */
export function importMetaGraph(metaGraphOrFile: string | Uint8Array | MetaGraphDef, opts: ImportMetaGraphOptions = {}): Saver | null {
  const { metaGraphDef, globalVariables } = importMetaGraphDef(metaGraphOrFile, opts);
  if (globalVariables.size === 0) return null;
  const sd = metaGraphDef.saverDef;
  const saver = new Saver(globalVariables, {
    maxToKeep: sd ? sd.maxToKeep : 5,
    keepCheckpointEveryNHours: sd && sd.keepCheckpointEveryNHours > 0 ? sd.keepCheckpointEveryNHours : 10000,
    deferBuild: true,
  });
  const g = [...globalVariables.values()][0]!.graph;
  saver.adoptSaverDef(sd, g, opts.importScope ?? '');
  saver.build();
  return saver;
}
