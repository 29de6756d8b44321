/** `tf.contrib.seq2seq`: the parts tsflow has. */
export { sequenceLoss, type SoftmaxLossFunction } from './seq2seq.js';
export { BasicDecoder, BasicDecoderOutput } from './seq2seq/basic-decoder.js';
export { Decoder, dynamicDecode } from './seq2seq/decoder.js';
export { CustomHelper, type CustomHelperArgs, GreedyEmbeddingHelper, Helper, SampleEmbeddingHelper, TrainingHelper } from './seq2seq/helper.js';
export {
  AttentionMechanism, AttentionWrapper, AttentionWrapperState, BahdanauAttention, BaseAttentionMechanism, LuongAttention, hardmax, safeCumprod,
} from './seq2seq/attention-wrapper.js';
export { BeamSearchDecoder, BeamSearchDecoderOutput, BeamSearchDecoderState, FinalBeamSearchDecoderOutput, tileBatch } from './seq2seq/beam-search-decoder.js';
export { gatherTree } from '../ops/gather-tree.js';
export { BahdanauMonotonicAttention, LuongMonotonicAttention, monotonicAttention } from './seq2seq/monotonic-attention.js';
