/** `tf.summary.FileWriterCache` (TF1's `SummaryWriterCache`): one FileWriter per log directory, writing the default graph. */
import { getDefaultGraph } from '../../graph/context.js';
import { FileWriter } from '../../summary/file-writer.js';
import { path as nodePath } from '../../platform/node-builtins.js';

const cache = new Map<string, FileWriter>();

export const SummaryWriterCache = {
  /** The writer of `logdir`, made (with the default graph) on first use. */
  get(logdir: string): FileWriter {
    const key = nodePath.resolve(logdir);
    let w = cache.get(key);
    if (!w) cache.set(key, (w = new FileWriter(logdir, getDefaultGraph())));
    return w;
  },
  /** Close and forget every cached writer. */
  clear(): void {
    for (const w of cache.values()) w.close();
    cache.clear();
  },
};
