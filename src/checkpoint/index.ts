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
  type BundleBytes,
  type BundleEntry,
  type BundleFileSystem,
  type BundleTensor,
  type TensorValue,
  type WriteBundleOptions,
  type WriteBundleResult,
  type StagedBundle,
  BundleReader,
  TENSOR_BUNDLE_VERSION,
  bundleDTypeFromEnum,
  bundleDTypeToEnum,
  dataFilename,
  encodeBundle,
  isNumericBundleDType,
  metaFilename,
  readBundle,
  removeStaleTempFiles,
  stageBundle,
  writeBundle,
} from './bundle.js';
export { ioError, setIoChunkBytes, setSaveStepHook, observeAllocations } from './io.js';
export {
  type CheckpointState,
  type UpdateCheckpointStateOptions,
  DEFAULT_STATE_FILENAME,
  ATOMIC_TEMP_PATTERN,
  atomicWriteFile,
  checkpointExists,
  checkpointExistsAsync,
  formatCheckpointState,
  getCheckpointState,
  getCheckpointStateAsync,
  latestCheckpoint,
  latestCheckpointAsync,
  parseCheckpointState,
  readStateFileSync,
  removeCheckpoint,
  updateCheckpointState,
} from './state.js';
export {
  CheckpointReader,
  listVariables,
  listVariablesAsync,
  loadCheckpoint,
  loadCheckpointAsync,
  loadVariable,
  loadVariableAsync,
  newCheckpointReader,
  newCheckpointReaderAsync,
  resolveCheckpoint,
  resolveCheckpointAsync,
} from './reader.js';
