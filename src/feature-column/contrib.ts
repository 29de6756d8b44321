/**
 * `tf.contrib.feature_column` (TF 1.15): `sequence_input_layer`, `concatenate_context_input`
 * and the sequence columns under their contrib names.
 */
export {
  sequenceInputLayer, concatenateContextInput, sequenceNumericColumn, sequenceCategoricalColumnWithIdentity,
  sequenceCategoricalColumnWithHashBucket, sequenceCategoricalColumnWithVocabularyList, sequenceCategoricalColumnWithVocabularyFile,
} from './sequence.js';
