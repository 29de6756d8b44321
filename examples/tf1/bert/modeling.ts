// The main BERT model and related functions.
//
// Port of google-research/bert's modeling.py (Copyright 2018 The Google AI Language Team Authors,
// Apache License 2.0) line by line in tsflow's conventions. Python's operators on tensors are
// tf.add / tf.multiply / …; a shape list may hold ints and scalar tensors, as in the Python.
// Run by examples/tf1/bert/train.ts.
import * as tf from 'tsflow';

/** A dimension of `getShapeList`: static (a number) or dynamic (a scalar int32 tensor). */
export type Dim = number | tf.Tensor;
export type Activation = ((x: tf.Tensor) => tf.Tensor) | null;

export interface BertConfigOptions {
  hiddenSize?: number;
  numHiddenLayers?: number;
  numAttentionHeads?: number;
  intermediateSize?: number;
  hiddenAct?: string | Activation;
  hiddenDropoutProb?: number;
  attentionProbsDropoutProb?: number;
  maxPositionEmbeddings?: number;
  typeVocabSize?: number;
  initializerRange?: number;
}

/** Configuration for `BertModel`. */
export class BertConfig {
  vocabSize: number | null;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  hiddenAct: string | Activation;
  intermediateSize: number;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  initializerRange: number;

  constructor(vocabSize: number | null, {
    hiddenSize = 768,
    numHiddenLayers = 12,
    numAttentionHeads = 12,
    intermediateSize = 3072,
    hiddenAct = 'gelu',
    hiddenDropoutProb = 0.1,
    attentionProbsDropoutProb = 0.1,
    maxPositionEmbeddings = 512,
    typeVocabSize = 16,
    initializerRange = 0.02,
  }: BertConfigOptions = {}) {
    this.vocabSize = vocabSize;
    this.hiddenSize = hiddenSize;
    this.numHiddenLayers = numHiddenLayers;
    this.numAttentionHeads = numAttentionHeads;
    this.hiddenAct = hiddenAct;
    this.intermediateSize = intermediateSize;
    this.hiddenDropoutProb = hiddenDropoutProb;
    this.attentionProbsDropoutProb = attentionProbsDropoutProb;
    this.maxPositionEmbeddings = maxPositionEmbeddings;
    this.typeVocabSize = typeVocabSize;
    this.initializerRange = initializerRange;
  }

  /** The JSON keys of bert_config.json (snake_case) and this class's fields. */
  private static readonly KEYS: Record<string, keyof BertConfig> = {
    vocab_size: 'vocabSize', hidden_size: 'hiddenSize', num_hidden_layers: 'numHiddenLayers',
    num_attention_heads: 'numAttentionHeads', hidden_act: 'hiddenAct', intermediate_size: 'intermediateSize',
    hidden_dropout_prob: 'hiddenDropoutProb', attention_probs_dropout_prob: 'attentionProbsDropoutProb',
    max_position_embeddings: 'maxPositionEmbeddings', type_vocab_size: 'typeVocabSize', initializer_range: 'initializerRange',
  };

  /** Constructs a `BertConfig` from a dictionary of parameters (bert_config.json's snake_case keys). */
  static fromDict(jsonObject: Record<string, unknown>): BertConfig {
    const config = new BertConfig(null);
    for (const [key, value] of Object.entries(jsonObject)) {
      // Python sets config.__dict__[key]: an unknown key becomes an attribute as it is.
      (config as unknown as Record<string, unknown>)[BertConfig.KEYS[key] ?? key] = value;
    }
    return config;
  }

  /** Constructs a `BertConfig` from a json file of parameters. */
  static fromJsonFile(jsonFile: string): BertConfig {
    const reader = new tf.gfile.GFile(jsonFile, 'r');
    const text = reader.read() as string;
    reader.close();
    return BertConfig.fromDict(JSON.parse(text) as Record<string, unknown>);
  }

  /** Serializes this instance to a dictionary (bert_config.json's keys). */
  toDict(): Record<string, unknown> {
    const output: Record<string, unknown> = {};
    const names = Object.fromEntries(Object.entries(BertConfig.KEYS).map(([k, v]) => [v, k]));
    for (const [key, value] of Object.entries(this)) output[names[key] ?? key] = value;
    return output;
  }

  /** Serializes this instance to a JSON string (sorted keys, indent 2, as Python's json.dumps). */
  toJsonString(): string {
    const d = this.toDict();
    const sorted = Object.fromEntries(Object.keys(d).sort().map((k) => [k, d[k]]));
    return JSON.stringify(sorted, null, 2) + '\n';
  }

  /** copy.deepcopy(config). */
  copy(): BertConfig {
    return Object.assign(Object.create(BertConfig.prototype) as BertConfig, this);
  }
}

export interface BertModelOptions {
  config: BertConfig;
  isTraining: boolean;
  inputIds: tf.Tensor;
  inputMask?: tf.Tensor | null;
  tokenTypeIds?: tf.Tensor | null;
  useOneHotEmbeddings?: boolean;
  scope?: string | null;
}

/**
 * BERT model ("Bidirectional Encoder Representations from Transformers").
 *
 *   const inputIds = tf.constant([[31, 51, 99], [15, 5, 0]]);
 *   const inputMask = tf.constant([[1, 1, 1], [1, 1, 0]]);
 *   const tokenTypeIds = tf.constant([[0, 0, 1], [0, 2, 0]]);
 *   const config = new BertConfig(32000, { hiddenSize: 512, numHiddenLayers: 8, numAttentionHeads: 6, intermediateSize: 1024 });
 *   const model = new BertModel({ config, isTraining: true, inputIds, inputMask, tokenTypeIds });
 *   const pooledOutput = model.getPooledOutput();
 */
export class BertModel {
  embeddingOutput!: tf.Tensor;
  embeddingTable!: tf.Variable;
  allEncoderLayers!: tf.Tensor[];
  sequenceOutput!: tf.Tensor;
  pooledOutput!: tf.Tensor;

  constructor({ config, isTraining, inputIds, inputMask = null, tokenTypeIds = null, useOneHotEmbeddings = false, scope = null }: BertModelOptions) {
    config = config.copy();
    if (!isTraining) {
      config.hiddenDropoutProb = 0.0;
      config.attentionProbsDropoutProb = 0.0;
    }

    const inputShape = getShapeList(inputIds, 2);
    const batchSize = inputShape[0]!;
    const seqLength = inputShape[1]!;

    if (inputMask === null) inputMask = tf.ones([batchSize, seqLength], { dtype: tf.int32 });
    if (tokenTypeIds === null) tokenTypeIds = tf.zeros([batchSize, seqLength], { dtype: tf.int32 });

    tf.variableScope(scope, { defaultName: 'bert' }, () => {
      tf.variableScope('embeddings', () => {
        // Perform embedding lookup on the word ids.
        [this.embeddingOutput, this.embeddingTable] = embeddingLookup({
          inputIds,
          vocabSize: config.vocabSize!,
          embeddingSize: config.hiddenSize,
          initializerRange: config.initializerRange,
          wordEmbeddingName: 'word_embeddings',
          useOneHotEmbeddings,
        });

        // Add positional embeddings and token type embeddings, then layer normalize and
        // perform dropout.
        this.embeddingOutput = embeddingPostprocessor({
          inputTensor: this.embeddingOutput,
          useTokenType: true,
          tokenTypeIds,
          tokenTypeVocabSize: config.typeVocabSize,
          tokenTypeEmbeddingName: 'token_type_embeddings',
          usePositionEmbeddings: true,
          positionEmbeddingName: 'position_embeddings',
          initializerRange: config.initializerRange,
          maxPositionEmbeddings: config.maxPositionEmbeddings,
          dropoutProb: config.hiddenDropoutProb,
        });
      });

      tf.variableScope('encoder', () => {
        // This converts a 2D mask of shape [batch_size, seq_length] to a 3D mask of shape
        // [batch_size, seq_length, seq_length] which is used for the attention scores.
        const attentionMask = createAttentionMaskFromInputMask(inputIds, inputMask!);

        // Run the stacked transformer.
        // `sequence_output` shape = [batch_size, seq_length, hidden_size].
        this.allEncoderLayers = transformerModel({
          inputTensor: this.embeddingOutput,
          attentionMask,
          hiddenSize: config.hiddenSize,
          numHiddenLayers: config.numHiddenLayers,
          numAttentionHeads: config.numAttentionHeads,
          intermediateSize: config.intermediateSize,
          intermediateActFn: getActivation(config.hiddenAct),
          hiddenDropoutProb: config.hiddenDropoutProb,
          attentionProbsDropoutProb: config.attentionProbsDropoutProb,
          initializerRange: config.initializerRange,
          doReturnAllLayers: true,
        }) as tf.Tensor[];
      });

      this.sequenceOutput = this.allEncoderLayers.at(-1)!;
      // The "pooler" converts the encoded sequence tensor of shape
      // [batch_size, seq_length, hidden_size] to a tensor of shape [batch_size, hidden_size].
      // This is necessary for segment-level (or segment-pair-level) classification tasks where
      // we need a fixed dimensional representation of the segment.
      tf.variableScope('pooler', () => {
        // We "pool" the model by simply taking the hidden state corresponding to the first
        // token. We assume that this has been pre-trained.
        const firstTokenTensor = tf.squeeze(tf.index(this.sequenceOutput, ':', '0:1', ':'), { axis: 1 });
        this.pooledOutput = tf.layers.dense(firstTokenTensor, config.hiddenSize, {
          activation: tf.tanh,
          kernelInitializer: createInitializer(config.initializerRange),
        });
      });
    });
  }

  getPooledOutput(): tf.Tensor {
    return this.pooledOutput;
  }

  /** Gets final hidden layer of encoder: [batch_size, seq_length, hidden_size]. */
  getSequenceOutput(): tf.Tensor {
    return this.sequenceOutput;
  }

  getAllEncoderLayers(): tf.Tensor[] {
    return this.allEncoderLayers;
  }

  /**
   * Gets output of the embedding lookup (i.e., input to the transformer): the word embeddings
   * plus the positional and token type embeddings, layer normalized.
   */
  getEmbeddingOutput(): tf.Tensor {
    return this.embeddingOutput;
  }

  getEmbeddingTable(): tf.Variable {
    return this.embeddingTable;
  }
}

/**
 * Gaussian Error Linear Unit, a smoother version of the RELU (https://arxiv.org/abs/1606.08415),
 * in BERT's tanh approximation.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const cdf = tf.multiply(0.5, tf.add(1.0, tf.tanh(
    tf.multiply(Math.sqrt(2 / Math.PI), tf.add(x, tf.multiply(0.044715, tf.pow(x, 3)))))));
  return tf.multiply(x, cdf);
}

/**
 * Maps a string to a function, e.g., "relu" => `tf.nn.relu`. Returns null for null, empty or
 * "linear", and `activationString` itself when it is not a string.
 */
export function getActivation(activationString: string | Activation): Activation {
  // We assume that anything that's not a string is already an activation function, so we just
  // return it.
  if (typeof activationString !== 'string') return activationString;
  if (!activationString) return null;
  const act = activationString.toLowerCase();
  if (act === 'linear') return null;
  else if (act === 'relu') return tf.nn.relu;
  else if (act === 'gelu') return gelu;
  else if (act === 'tanh') return tf.tanh;
  else throw new tf.errors.ValueError(`Unsupported activation: ${act}`);
}

/** Compute the union of the current variables and checkpoint variables. */
export function getAssignmentMapFromCheckpoint(tvars: tf.Variable[], initCheckpoint: string): [Map<string, string>, Record<string, number>] {
  const initializedVariableNames: Record<string, number> = {};

  const nameToVariable = new Map<string, tf.Variable>();
  for (const v of tvars) {
    let name = v.name;
    const m = /^(.*):\d+$/.exec(name);
    if (m !== null) name = m[1]!;
    nameToVariable.set(name, v);
  }

  const initVars = tf.train.listVariables(initCheckpoint);

  const assignmentMap = new Map<string, string>();
  for (const x of initVars) {
    const name = x[0];
    if (!nameToVariable.has(name)) continue;
    assignmentMap.set(name, name);
    initializedVariableNames[name] = 1;
    initializedVariableNames[`${name}:0`] = 1;
  }

  return [assignmentMap, initializedVariableNames];
}

/** Perform dropout; `dropoutProb` is the probability of dropping out a value (NOT of keeping it as in `tf.nn.dropout`). */
export function dropout(inputTensor: tf.Tensor, dropoutProb: number | null): tf.Tensor {
  if (dropoutProb === null || dropoutProb === 0.0) return inputTensor;
  const output = tf.nn.dropout(inputTensor, 1.0 - dropoutProb);
  return output;
}

/** Run layer normalization on the last dimension of the tensor. */
export function layerNorm(inputTensor: tf.Tensor, name: string | null = null): tf.Tensor {
  return tf.contrib.layers.layerNorm({ inputs: inputTensor, beginNormAxis: -1, beginParamsAxis: -1, scope: name ?? undefined });
}

/** Runs layer normalization followed by dropout. */
export function layerNormAndDropout(inputTensor: tf.Tensor, dropoutProb: number, name: string | null = null): tf.Tensor {
  let outputTensor = layerNorm(inputTensor, name);
  outputTensor = dropout(outputTensor, dropoutProb);
  return outputTensor;
}

/** Creates a `truncated_normal_initializer` with the given range. */
export function createInitializer(initializerRange = 0.02): ReturnType<typeof tf.truncatedNormalInitializer> {
  return tf.truncatedNormalInitializer({ stddev: initializerRange });
}

export interface EmbeddingLookupOptions {
  inputIds: tf.Tensor;
  vocabSize: number;
  embeddingSize?: number;
  initializerRange?: number;
  wordEmbeddingName?: string;
  useOneHotEmbeddings?: boolean;
}

/**
 * Looks up words embeddings for id tensor: `[output [batch_size, seq_length, embedding_size],
 * embedding_table]`; `useOneHotEmbeddings` multiplies a one-hot matrix instead of `tf.gather()`.
 */
export function embeddingLookup({
  inputIds, vocabSize, embeddingSize = 128, initializerRange = 0.02, wordEmbeddingName = 'word_embeddings', useOneHotEmbeddings = false,
}: EmbeddingLookupOptions): [tf.Tensor, tf.Variable] {
  // This function assumes that the input is of shape [batch_size, seq_length, num_inputs].
  //
  // If the input is a 2D tensor of shape [batch_size, seq_length], we reshape to
  // [batch_size, seq_length, 1].
  if (inputIds.getShape().ndims === 2) inputIds = tf.expandDims(inputIds, { axis: [-1] });

  const embeddingTable = tf.getVariable({
    name: wordEmbeddingName,
    shape: [vocabSize, embeddingSize],
    initializer: createInitializer(initializerRange),
  });

  const flatInputIds = tf.reshape(inputIds, [-1]);
  let output: tf.Tensor;
  if (useOneHotEmbeddings) {
    const oneHotInputIds = tf.oneHot(flatInputIds, { depth: vocabSize });
    output = tf.matmul(oneHotInputIds, embeddingTable);
  } else {
    output = tf.gather(embeddingTable, flatInputIds);
  }

  const inputShape = getShapeList(inputIds);

  output = tf.reshape(output, [...inputShape.slice(0, -1), mul(inputShape.at(-1)!, embeddingSize)]);
  return [output, embeddingTable];
}

export interface EmbeddingPostprocessorOptions {
  inputTensor: tf.Tensor;
  useTokenType?: boolean;
  tokenTypeIds?: tf.Tensor | null;
  tokenTypeVocabSize?: number;
  tokenTypeEmbeddingName?: string;
  usePositionEmbeddings?: boolean;
  positionEmbeddingName?: string;
  initializerRange?: number;
  maxPositionEmbeddings?: number;
  dropoutProb?: number;
}

/** Performs various post-processing on a word embedding tensor: token type and position embeddings, LayerNorm, dropout. */
export function embeddingPostprocessor({
  inputTensor, useTokenType = false, tokenTypeIds = null, tokenTypeVocabSize = 16, tokenTypeEmbeddingName = 'token_type_embeddings',
  usePositionEmbeddings = true, positionEmbeddingName = 'position_embeddings', initializerRange = 0.02, maxPositionEmbeddings = 512,
  dropoutProb = 0.1,
}: EmbeddingPostprocessorOptions): tf.Tensor {
  const inputShape = getShapeList(inputTensor, 3);
  const batchSize = inputShape[0]!;
  const seqLength = inputShape[1]!;
  const width = inputShape[2]!;

  let output = inputTensor;

  if (useTokenType) {
    if (tokenTypeIds === null) {
      throw new tf.errors.ValueError('`token_type_ids` must be specified if`use_token_type` is True.');
    }
    const tokenTypeTable = tf.getVariable({
      name: tokenTypeEmbeddingName,
      shape: [tokenTypeVocabSize, width as number],
      initializer: createInitializer(initializerRange),
    });
    // This vocab will be small so we always do one-hot here, since it is always faster for a
    // small vocabulary.
    const flatTokenTypeIds = tf.reshape(tokenTypeIds, [-1]);
    const oneHotIds = tf.oneHot(flatTokenTypeIds, { depth: tokenTypeVocabSize });
    let tokenTypeEmbeddings = tf.matmul(oneHotIds, tokenTypeTable);
    tokenTypeEmbeddings = tf.reshape(tokenTypeEmbeddings, [batchSize, seqLength, width]);
    output = tf.add(output, tokenTypeEmbeddings);
  }

  if (usePositionEmbeddings) {
    const assertOp = tf.assertLessEqual(seqLength, maxPositionEmbeddings);
    tf.controlDependencies([assertOp], () => {
      const fullPositionEmbeddings = tf.getVariable({
        name: positionEmbeddingName,
        shape: [maxPositionEmbeddings, width as number],
        initializer: createInitializer(initializerRange),
      });
      // Since the position embedding table is a learned variable, we create it using a (long)
      // sequence length `max_position_embeddings`. The actual sequence length might be shorter
      // than this, for faster training of tasks that do not have long sequences.
      //
      // So `full_position_embeddings` is effectively an embedding table for position
      // [0, 1, 2, ..., max_position_embeddings-1], and the current sequence has positions
      // [0, 1, 2, ... seq_length-1], so we can just perform a slice.
      let positionEmbeddings = tf.slice(fullPositionEmbeddings, [0, 0], [seqLength, -1]);
      const numDims = output.getShape().asList().length;

      // Only the last two dimensions are relevant (`seq_length` and `width`), so we broadcast
      // among the first dimensions, which is typically just the batch size.
      const positionBroadcastShape: Dim[] = [];
      for (let i = 0; i < numDims - 2; i++) positionBroadcastShape.push(1);
      positionBroadcastShape.push(seqLength, width);
      positionEmbeddings = tf.reshape(positionEmbeddings, positionBroadcastShape);
      output = tf.add(output, positionEmbeddings);
    });
  }

  output = layerNormAndDropout(output, dropoutProb);
  return output;
}

/**
 * Create 3D attention mask from a 2D tensor mask: `fromTensor` [batch_size, from_seq_length, ...],
 * `toMask` int32 [batch_size, to_seq_length] → float32 [batch_size, from_seq_length, to_seq_length].
 */
export function createAttentionMaskFromInputMask(fromTensor: tf.Tensor, toMask: tf.Tensor): tf.Tensor {
  const fromShape = getShapeList(fromTensor, [2, 3]);
  const batchSize = fromShape[0]!;
  const fromSeqLength = fromShape[1]!;

  const toShape = getShapeList(toMask, 2);
  const toSeqLength = toShape[1]!;

  toMask = tf.cast(tf.reshape(toMask, [batchSize, 1, toSeqLength]), tf.float32);

  // We don't assume that `from_tensor` is a mask (although it could be). We don't actually
  // care if we attend *from* padding tokens (only *to* padding) tokens so we create a tensor
  // of all ones.
  //
  // `broadcast_ones` = [batch_size, from_seq_length, 1]
  const broadcastOnes = tf.ones([batchSize, fromSeqLength, 1], { dtype: tf.float32 });

  // Here we broadcast along two dimensions to create the mask.
  const mask = tf.multiply(broadcastOnes, toMask);

  return mask;
}

export interface AttentionLayerOptions {
  fromTensor: tf.Tensor;
  toTensor: tf.Tensor;
  attentionMask?: tf.Tensor | null;
  numAttentionHeads?: number;
  sizePerHead?: number;
  queryAct?: Activation;
  keyAct?: Activation;
  valueAct?: Activation;
  attentionProbsDropoutProb?: number;
  initializerRange?: number;
  doReturn2dTensor?: boolean;
  batchSize?: Dim | null;
  fromSeqLength?: Dim | null;
  toSeqLength?: Dim | null;
}

/**
 * Performs multi-headed attention from `fromTensor` to `toTensor` ("Attention is all you
 * Need"): query/key/value projections, scaled dot products, the mask's adder (-10000 where the
 * mask is 0), softmax, dropout, and the heads concatenated back. Returns
 * [batch_size, from_seq_length, num_attention_heads * size_per_head], or
 * [batch_size * from_seq_length, num_attention_heads * size_per_head] with `doReturn2dTensor`.
 */
export function attentionLayer({
  fromTensor, toTensor, attentionMask = null, numAttentionHeads = 1, sizePerHead = 512, queryAct = null, keyAct = null, valueAct = null,
  attentionProbsDropoutProb = 0.0, initializerRange = 0.02, doReturn2dTensor = false, batchSize = null, fromSeqLength = null, toSeqLength = null,
}: AttentionLayerOptions): tf.Tensor {
  function transposeForScores(inputTensor: tf.Tensor, batchSize: Dim, numAttentionHeads: number, seqLength: Dim, width: number): tf.Tensor {
    let outputTensor = tf.reshape(inputTensor, [batchSize, seqLength, numAttentionHeads, width]);
    outputTensor = tf.transpose(outputTensor, [0, 2, 1, 3]);
    return outputTensor;
  }

  const fromShape = getShapeList(fromTensor, [2, 3]);
  const toShape = getShapeList(toTensor, [2, 3]);

  if (fromShape.length !== toShape.length) {
    throw new tf.errors.ValueError('The rank of `from_tensor` must match the rank of `to_tensor`.');
  }

  if (fromShape.length === 3) {
    batchSize = fromShape[0]!;
    fromSeqLength = fromShape[1]!;
    toSeqLength = toShape[1]!;
  } else if (fromShape.length === 2) {
    if (batchSize === null || fromSeqLength === null || toSeqLength === null) {
      throw new tf.errors.ValueError(
        'When passing in rank 2 tensors to attention_layer, the values for `batch_size`, `from_seq_length`, and `to_seq_length` must all be specified.');
    }
  }

  // Scalar dimensions referenced here:
  //   B = batch size (number of sequences)
  //   F = `from_tensor` sequence length
  //   T = `to_tensor` sequence length
  //   N = `num_attention_heads`
  //   H = `size_per_head`

  const fromTensor2d = reshapeToMatrix(fromTensor);
  const toTensor2d = reshapeToMatrix(toTensor);

  // `query_layer` = [B*F, N*H]
  let queryLayer = tf.layers.dense(fromTensor2d, numAttentionHeads * sizePerHead, {
    activation: queryAct,
    name: 'query',
    kernelInitializer: createInitializer(initializerRange),
  });

  // `key_layer` = [B*T, N*H]
  let keyLayer = tf.layers.dense(toTensor2d, numAttentionHeads * sizePerHead, {
    activation: keyAct,
    name: 'key',
    kernelInitializer: createInitializer(initializerRange),
  });

  // `value_layer` = [B*T, N*H]
  let valueLayer = tf.layers.dense(toTensor2d, numAttentionHeads * sizePerHead, {
    activation: valueAct,
    name: 'value',
    kernelInitializer: createInitializer(initializerRange),
  });

  // `query_layer` = [B, N, F, H]
  queryLayer = transposeForScores(queryLayer, batchSize!, numAttentionHeads, fromSeqLength!, sizePerHead);

  // `key_layer` = [B, N, T, H]
  keyLayer = transposeForScores(keyLayer, batchSize!, numAttentionHeads, toSeqLength!, sizePerHead);

  // Take the dot product between "query" and "key" to get the raw attention scores.
  // `attention_scores` = [B, N, F, T]
  let attentionScores = tf.matmul(queryLayer, keyLayer, { transposeB: true });
  attentionScores = tf.multiply(attentionScores, 1.0 / Math.sqrt(sizePerHead));

  if (attentionMask !== null) {
    // `attention_mask` = [B, 1, F, T]
    attentionMask = tf.expandDims(attentionMask, { axis: [1] });

    // Since attention_mask is 1.0 for positions we want to attend and 0.0 for masked
    // positions, this operation will create a tensor which is 0.0 for positions we want to
    // attend and -10000.0 for masked positions.
    const adder = tf.multiply(tf.subtract(1.0, tf.cast(attentionMask, tf.float32)), -10000.0);

    // Since we are adding it to the raw scores before the softmax, this is effectively the
    // same as removing these entirely.
    attentionScores = tf.add(attentionScores, adder);
  }

  // Normalize the attention scores to probabilities.
  // `attention_probs` = [B, N, F, T]
  let attentionProbs = tf.nn.softmax(attentionScores);

  // This is actually dropping out entire tokens to attend to, which might seem a bit unusual,
  // but is taken from the original Transformer paper.
  attentionProbs = dropout(attentionProbs, attentionProbsDropoutProb);

  // `value_layer` = [B, T, N, H]
  valueLayer = tf.reshape(valueLayer, [batchSize!, toSeqLength!, numAttentionHeads, sizePerHead]);

  // `value_layer` = [B, N, T, H]
  valueLayer = tf.transpose(valueLayer, [0, 2, 1, 3]);

  // `context_layer` = [B, N, F, H]
  let contextLayer = tf.matmul(attentionProbs, valueLayer);

  // `context_layer` = [B, F, N, H]
  contextLayer = tf.transpose(contextLayer, [0, 2, 1, 3]);

  if (doReturn2dTensor) {
    // `context_layer` = [B*F, N*H]
    contextLayer = tf.reshape(contextLayer, [mul(batchSize!, fromSeqLength!), numAttentionHeads * sizePerHead]);
  } else {
    // `context_layer` = [B, F, N*H]
    contextLayer = tf.reshape(contextLayer, [batchSize!, fromSeqLength!, numAttentionHeads * sizePerHead]);
  }

  return contextLayer;
}

export interface TransformerModelOptions {
  inputTensor: tf.Tensor;
  attentionMask?: tf.Tensor | null;
  hiddenSize?: number;
  numHiddenLayers?: number;
  numAttentionHeads?: number;
  intermediateSize?: number;
  intermediateActFn?: Activation;
  hiddenDropoutProb?: number;
  attentionProbsDropoutProb?: number;
  initializerRange?: number;
  doReturnAllLayers?: boolean;
}

/**
 * Multi-headed, multi-layer Transformer from "Attention is All You Need" (the original
 * Transformer encoder, https://arxiv.org/abs/1706.03762): the final hidden layer
 * [batch_size, seq_length, hidden_size], or every layer's with `doReturnAllLayers`.
 */
export function transformerModel({
  inputTensor, attentionMask = null, hiddenSize = 768, numHiddenLayers = 12, numAttentionHeads = 12, intermediateSize = 3072,
  intermediateActFn = gelu, hiddenDropoutProb = 0.1, attentionProbsDropoutProb = 0.1, initializerRange = 0.02, doReturnAllLayers = false,
}: TransformerModelOptions): tf.Tensor | tf.Tensor[] {
  if (hiddenSize % numAttentionHeads !== 0) {
    throw new tf.errors.ValueError(`The hidden size (${hiddenSize}) is not a multiple of the number of attention heads (${numAttentionHeads})`);
  }

  const attentionHeadSize = Math.trunc(hiddenSize / numAttentionHeads);
  const inputShape = getShapeList(inputTensor, 3);
  const batchSize = inputShape[0]!;
  const seqLength = inputShape[1]!;
  const inputWidth = inputShape[2]!;

  // The Transformer performs sum residuals on all layers so the input needs to be the same as
  // the hidden size.
  if (inputWidth !== hiddenSize) {
    throw new tf.errors.ValueError(`The width of the input tensor (${String(inputWidth)}) != hidden size (${hiddenSize})`);
  }

  // We keep the representation as a 2D tensor to avoid re-shaping it back and forth from a 3D
  // tensor to a 2D tensor. Re-shapes are normally free on the GPU/CPU but may not be free on
  // the TPU, so we want to minimize them to help the optimizer.
  let prevOutput = reshapeToMatrix(inputTensor);

  const allLayerOutputs: tf.Tensor[] = [];
  for (let layerIdx = 0; layerIdx < numHiddenLayers; layerIdx++) {
    tf.variableScope(`layer_${layerIdx}`, () => {
      const layerInput = prevOutput;

      let attentionOutput!: tf.Tensor;
      tf.variableScope('attention', () => {
        const attentionHeads: tf.Tensor[] = [];
        tf.variableScope('self', () => {
          const attentionHead = attentionLayer({
            fromTensor: layerInput,
            toTensor: layerInput,
            attentionMask,
            numAttentionHeads,
            sizePerHead: attentionHeadSize,
            attentionProbsDropoutProb,
            initializerRange,
            doReturn2dTensor: true,
            batchSize,
            fromSeqLength: seqLength,
            toSeqLength: seqLength,
          });
          attentionHeads.push(attentionHead);
        });

        if (attentionHeads.length === 1) {
          attentionOutput = attentionHeads[0]!;
        } else {
          // In the case where we have other sequences, we just concatenate them to the
          // self-attention head before the projection.
          attentionOutput = tf.concat(attentionHeads, -1);
        }

        // Run a linear projection of `hidden_size` then add a residual with `layer_input`.
        tf.variableScope('output', () => {
          attentionOutput = tf.layers.dense(attentionOutput, hiddenSize, { kernelInitializer: createInitializer(initializerRange) });
          attentionOutput = dropout(attentionOutput, hiddenDropoutProb);
          attentionOutput = layerNorm(tf.add(attentionOutput, layerInput));
        });
      });

      // The activation is only applied to the "intermediate" hidden layer.
      let intermediateOutput!: tf.Tensor;
      tf.variableScope('intermediate', () => {
        intermediateOutput = tf.layers.dense(attentionOutput, intermediateSize, {
          activation: intermediateActFn,
          kernelInitializer: createInitializer(initializerRange),
        });
      });

      // Down-project back to `hidden_size` then add the residual.
      tf.variableScope('output', () => {
        let layerOutput = tf.layers.dense(intermediateOutput, hiddenSize, { kernelInitializer: createInitializer(initializerRange) });
        layerOutput = dropout(layerOutput, hiddenDropoutProb);
        layerOutput = layerNorm(tf.add(layerOutput, attentionOutput));
        prevOutput = layerOutput;
        allLayerOutputs.push(layerOutput);
      });
    });
  }

  if (doReturnAllLayers) {
    const finalOutputs: tf.Tensor[] = [];
    for (const layerOutput of allLayerOutputs) {
      const finalOutput = reshapeFromMatrix(layerOutput, inputShape);
      finalOutputs.push(finalOutput);
    }
    return finalOutputs;
  } else {
    const finalOutput = reshapeFromMatrix(prevOutput, inputShape);
    return finalOutput;
  }
}

/**
 * Returns a list of the shape of tensor, preferring static dimensions: static dimensions as
 * numbers, dynamic ones as scalar tensors. With `expectedRank`, raises a ValueError for another rank.
 */
export function getShapeList(tensor: tf.Tensor, expectedRank: number | number[] | null = null, name: string | null = null): Dim[] {
  if (name === null) name = tensor.name;

  if (expectedRank !== null) assertRank(tensor, expectedRank, name);

  const shape: Dim[] = tensor.getShape().asList().map((d) => d ?? -1);

  const nonStaticIndexes: number[] = [];
  tensor.getShape().asList().forEach((dim, index) => {
    if (dim === null) nonStaticIndexes.push(index);
  });

  if (nonStaticIndexes.length === 0) return shape;

  const dynShape = tf.shape(tensor);
  for (const index of nonStaticIndexes) shape[index] = tf.index(dynShape, index);
  return shape;
}

/** Reshapes a >= rank 2 tensor to a rank 2 tensor (i.e., a matrix). */
export function reshapeToMatrix(inputTensor: tf.Tensor): tf.Tensor {
  const ndims = inputTensor.getShape().ndims!;
  if (ndims < 2) {
    throw new tf.errors.ValueError(`Input tensor must have at least rank 2. Shape = ${String(inputTensor.getShape())}`);
  }
  if (ndims === 2) return inputTensor;

  const width = inputTensor.getShape().asList().at(-1)!;
  const outputTensor = tf.reshape(inputTensor, [-1, width]);
  return outputTensor;
}

/** Reshapes a rank 2 tensor back to its original rank >= 2 tensor. */
export function reshapeFromMatrix(outputTensor: tf.Tensor, origShapeList: Dim[]): tf.Tensor {
  if (origShapeList.length === 2) return outputTensor;

  const outputShape = getShapeList(outputTensor);

  const origDims = origShapeList.slice(0, -1);
  const width = outputShape.at(-1)!;

  return tf.reshape(outputTensor, [...origDims, width]);
}

/** Raises a ValueError if the tensor rank is not of the expected rank (an integer or a list of them). */
export function assertRank(tensor: tf.Tensor, expectedRank: number | number[], name: string | null = null): void {
  if (name === null) name = tensor.name;

  const expectedRankDict = new Set<number>();
  if (typeof expectedRank === 'number') {
    expectedRankDict.add(expectedRank);
  } else {
    for (const x of expectedRank) expectedRankDict.add(x);
  }

  const actualRank = tensor.getShape().ndims;
  if (actualRank === null || !expectedRankDict.has(actualRank)) {
    const scopeName = tf.getVariableScope().name;
    const rank = typeof expectedRank === 'number' ? String(expectedRank) : `[${expectedRank.join(', ')}]`;
    throw new tf.errors.ValueError(
      `For the tensor \`${name}\` in scope \`${scopeName}\`, the actual rank \`${String(actualRank)}\` (shape = ${String(tensor.getShape())}) is not equal to the expected rank \`${rank}\``);
  }
}

/** Python's `a * b` on shape entries: a number when both are static, else a scalar tensor. */
function mul(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a * b : tf.multiply(a, b);
}
