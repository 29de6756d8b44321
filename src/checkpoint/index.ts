/**
 * Checkpoints in TensorFlow's V2 tensor-bundle format: reading and writing `.index` /
 * `.data-*` files byte-compatible with TF, the `checkpoint` state file, and TF-style readers.
 */
export * as crc32c from './crc32c.js';
export * as snappy from './snappy.js';
export * as proto from './proto.js';
export * as sstable from './sstable.js';
export { StringTensor } from './strings.js';
export {
  type BundleDType,
  type BundleEntry,
  type BundleFileSystem,
  type BundleTensor,
  type TensorValue,
  type WriteBundleOptions,
  type WriteBundleResult,
  BundleReader,
  TENSOR_BUNDLE_VERSION,
  bundleDTypeFromEnum,
  bundleDTypeToEnum,
  dataFilename,
  isNumericBundleDType,
  metaFilename,
  readBundle,
  writeBundle,
} from './bundle.js';
export {
  type CheckpointState,
  type UpdateCheckpointStateOptions,
  DEFAULT_STATE_FILENAME,
  atomicWriteFile,
  checkpointExists,
  formatCheckpointState,
  getCheckpointState,
  latestCheckpoint,
  parseCheckpointState,
  removeCheckpoint,
  updateCheckpointState,
} from './state.js';
export {
  CheckpointReader,
  listVariables,
  loadCheckpoint,
  loadVariable,
  newCheckpointReader,
  resolveCheckpoint,
} from './reader.js';
