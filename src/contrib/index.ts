/** `tf.contrib`: the parts of TF1's contrib that everyday programs use. */
import { varianceScalingInitializer, xavierInitializer } from './initializers.js';
import { contribLayers } from '../layers/contrib-namespace.js';
import { applyRegularization, l1L2Regularizer, l1Regularizer, l2Regularizer, sumRegularizer } from '../layers/regularizers.js';
import { optimizeLoss } from './optimize-loss.js';

/** `tf.contrib.layers`. */
export const layers = {
  xavierInitializer,
  /** TF1 exports the same function under this name for conv kernels. */
  xavierInitializerConv2d: xavierInitializer,
  varianceScalingInitializer,
  l1Regularizer,
  l2Regularizer,
  l1L2Regularizer,
  sumRegularizer,
  applyRegularization,
  optimizeLoss,
  ...contribLayers,
};

/** `tf.contrib.rnn`: TF1's aliases of the RNN cells and drivers. */
export * as rnn from '../ops/rnn/index.js';
/** `tf.contrib.cudnn_rnn` as `tf.contrib.cudnnRnn`: CudnnLSTM, CudnnGRU and the cuDNN-compatible cells. */
export * as cudnnRnn from '../ops/rnn/cudnn-namespace.js';
/** `tf.contrib.factorization`: the k-means graph (`KMeans`). */
export * as factorization from './factorization-namespace.js';
/** `tf.contrib.opt`: LazyAdam, AdamW, MomentumW, Nadam, AddSign, PowerSign optimizers and the sign decays. */
export * as opt from './opt.js';
/** `tf.contrib.framework`: initFromCheckpoint, the checkpoint readers, the global step. */
export * as framework from './framework.js';
/** `tf.contrib.seq2seq`: `sequenceLoss`. */
export * as seq2seq from './seq2seq-namespace.js';
/** `tf.contrib.legacy_seq2seq` as `tf.contrib.legacySeq2seq`: `sequenceLossByExample`, `sequenceLoss`. */
export * as legacySeq2seq from './legacy-seq2seq.js';
/** `tf.contrib.distributions`: TF 1.15 kept the core distributions here too. */
export * as distributions from '../distributions/contrib-namespace.js';
/** `tf.contrib.lookup`: HashTable, index_table_from_tensor, index_to_string_table_from_tensor. */
export * as lookup from '../ops/lookup/index.js';
/** `tf.contrib.learn`: `preprocessing.VocabularyProcessor`. */
export * as learn from './learn/index.js';
/** `tf.contrib.training`: `HParams`. */
export * as training from './training/index.js';
/** `tf.contrib.metrics`: the streaming_* metrics (predictions first), covariance, Pearson correlation, aggregation. */
export * as metrics from './metrics.js';
/** `tf.contrib.signal`: framing, windows, STFT, mel matrices and MFCCs. */
export * as signal from '../ops/signal/contrib-namespace.js';
/** `tf.contrib.crf`: the linear-chain CRF (log-likelihood, forward algorithm, Viterbi decoding). */
export * as crf from './crf.js';
/** `tf.contrib.image`: projective transforms (transform, rotate, translate, their builders) and dense_image_warp. */
export * as image from './image.js';
/** `tf.contrib.slim`: TF-Slim (layers, argScope, variables, losses, metrics, learning.train, evaluation). */
export * as slim from './slim/index.js';
/** `tf.contrib.keras`: TF1's alias of tf.keras. */
export * as keras from '../keras/index.js';
/** `tf.contrib.linalg`: the LinearOperator classes, with TF ≤ 1.4's names LinearOperatorTriL and LinearOperatorMatrix. */
export * as linalg from './linalg.js';
/** `tf.contrib.data`: the tf.data.experimental sources and transformations under TF 1.15's contrib names. */
export * as data from './data.js';
/** `tf.contrib.nn`: `alphaDropout`. */
export * as nn from './nn.js';
/** `tf.contrib.util`: `makeTensorProto`, `makeNdarray`, `constantValue`. */
export * as util from './util-namespace.js';
/** `tf.contrib.featureColumn`: `sequenceInputLayer`, `concatenateContextInput` and the sequence columns. */
export * as featureColumn from '../feature-column/contrib.js';
