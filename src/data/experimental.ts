/** `tf.data.experimental`. */
export { AUTOTUNE } from './dataset.js';
