/** Control flow: tf.cond, tf.whileLoop. */
export { cond } from './cond.js';
export { whileLoop, type WhileLoopOptions } from './while.js';
