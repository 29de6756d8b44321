/** `tf.contrib.training`: `HParams`. */
export { HParams } from './hparams.js';
export { checkpointsIterator, waitForNewCheckpoint } from '../../train/checkpoints-iterator.js';
