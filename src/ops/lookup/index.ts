/** `tf.lookup` and `tf.contrib.lookup`: TF 1.15's static hash tables and vocabulary tables. */
export { KeyValueTensorInitializer, StaticHashTable, HashTable, IdTableWithHashBuckets, indexTableFromTensor, indexToStringTableFromTensor } from './tables.js';
export {
  TextFileIndex, TextFileInitializer, TextFileIdTableInitializer, TextFileStringTableInitializer, StaticVocabularyTable, indexTableFromFile, indexToStringTableFromFile,
} from './text-file.js';
