/** `tf.contrib.learn.preprocessing`: VocabularyProcessor, CategoricalVocabulary, TF's tokenizer. */
export { VocabularyProcessor, tokenizer, TOKENIZER_RE, type TokenizerFn, type VocabularyProcessorOptions } from './text.js';
export { CategoricalVocabulary } from './categorical-vocabulary.js';
