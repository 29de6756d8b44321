/** `tf.contrib.learn`: the `preprocessing` text tools (VocabularyProcessor). */
export * as preprocessing from './preprocessing/index.js';
