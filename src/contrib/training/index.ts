/** `tf.contrib.training`: `HParams`. */
export { HParams } from './hparams.js';
