/** `tf.featureColumn` (TF1's `tf.feature_column`): the columns, `inputLayer` and `linearModel`. */
export {
  numericColumn, bucketizedColumn, categoricalColumnWithIdentity, categoricalColumnWithVocabularyList,
  categoricalColumnWithHashBucket, indicatorColumn, embeddingColumn, crossedColumn, CrossedColumn,
  FeatureColumn, DenseColumn, CategoricalColumn, NumericColumn, BucketizedColumn, IdentityCategoricalColumn,
  VocabularyListCategoricalColumn, HashedCategoricalColumn, IndicatorColumn, EmbeddingColumn, type Features,
} from './columns.js';
export { inputLayer, linearModel, type InputLayerOptions, type LinearModelOptions } from './layers.js';
export {
  categoricalColumnWithVocabularyFile, weightedCategoricalColumn, sharedEmbeddingColumns, makeParseExampleSpec,
  VocabularyFileCategoricalColumn, WeightedCategoricalColumn, SharedEmbeddingColumn,
} from './extra.js';
export {
  sequenceNumericColumn, sequenceCategoricalColumnWithIdentity, sequenceCategoricalColumnWithHashBucket,
  sequenceCategoricalColumnWithVocabularyList, sequenceCategoricalColumnWithVocabularyFile, SequenceNumericColumn, SequenceCategoricalColumn,
} from './sequence.js';
