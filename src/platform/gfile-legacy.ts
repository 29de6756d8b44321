/** `tf.gfile`: TF1's CamelCase names for the file functions of `tf.io.gfile` (src/platform/gfile.ts). */
export {
  exists as Exists, isdir as IsDirectory, makedirs as MakeDirs, mkdir as MkDir, listdir as ListDirectory, glob as Glob,
  remove as Remove, rmtree as DeleteRecursively, copy as Copy, rename as Rename, stat as Stat, walk as Walk,
  GFile,
  /** TF1's `tf.gfile.Open` and `tf.gfile.FastGFile`: GFile under older names. */
  GFile as Open, GFile as FastGFile,
} from './gfile.js';
