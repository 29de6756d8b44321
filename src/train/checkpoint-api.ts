/**
 * The checkpoint helpers of `tf.train`: finding, listing and reading checkpoints (TF V2
 * bundles, whether written by tsflow or by TensorFlow). Synchronous as in TF1; each has an
 * `…Async` variant that reads without blocking.
 */
export {
  type CheckpointState,
  CheckpointReader,
  checkpointExists,
  checkpointExistsAsync,
  getCheckpointState,
  getCheckpointStateAsync,
  latestCheckpoint,
  latestCheckpointAsync,
  listVariables,
  listVariablesAsync,
  loadCheckpoint,
  loadCheckpointAsync,
  loadVariable,
  loadVariableAsync,
  newCheckpointReader,
  newCheckpointReaderAsync,
  removeCheckpoint,
  updateCheckpointState,
} from '../checkpoint/index.js';
export { initFromCheckpoint, getCheckpointMtimes, NewCheckpointReader } from './init-from-checkpoint.js';
