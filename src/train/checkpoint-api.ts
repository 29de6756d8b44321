/**
 * The checkpoint helpers of `tf.train`: finding, listing and reading checkpoints (TF V2
 * bundles, whether written by tsflow or by TensorFlow).
 */
export {
  type CheckpointState,
  CheckpointReader,
  checkpointExists,
  getCheckpointState,
  latestCheckpoint,
  listVariables,
  loadCheckpoint,
  loadVariable,
  newCheckpointReader,
  removeCheckpoint,
  updateCheckpointState,
} from '../checkpoint/index.js';
