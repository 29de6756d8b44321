// A CNN for text classification: an embedding layer, then convolutional, max-pooling and softmax
// layers.
//
// Port of Denny Britz's cnn-text-classification-tf text_cnn.py (Apache License 2.0) line by line
// in tsflow's conventions. Run by examples/tf1/text-cnn/train.ts.
import * as tf from 'tsflow';

export interface TextCNNOptions {
  sequenceLength: number;
  numClasses: number;
  vocabSize: number;
  embeddingSize: number;
  filterSizes: number[];
  numFilters: number;
  l2RegLambda?: number;
}

export class TextCNN {
  readonly inputX: tf.Tensor;
  readonly inputY: tf.Tensor;
  readonly dropoutKeepProb: tf.Tensor;
  readonly W: tf.Variable;
  readonly embeddedChars: tf.Tensor;
  readonly embeddedCharsExpanded: tf.Tensor;
  readonly hPool: tf.Tensor;
  readonly hPoolFlat: tf.Tensor;
  readonly hDrop: tf.Tensor;
  readonly scores: tf.Tensor;
  readonly predictions: tf.Tensor;
  readonly loss: tf.Tensor;
  readonly accuracy: tf.Tensor;

  constructor({ sequenceLength, numClasses, vocabSize, embeddingSize, filterSizes, numFilters, l2RegLambda = 0.0 }: TextCNNOptions) {
    // Placeholders for input, output and dropout
    this.inputX = tf.placeholder(tf.int32, [null, sequenceLength], 'input_x');
    this.inputY = tf.placeholder(tf.float32, [null, numClasses], 'input_y');
    this.dropoutKeepProb = tf.placeholder(tf.float32, undefined, 'dropout_keep_prob');

    // Keeping track of l2 regularization loss (optional)
    let l2Loss = tf.constant(0.0);

    // Embedding layer
    [this.W, this.embeddedChars, this.embeddedCharsExpanded] = tf.device('/cpu:0', () => tf.nameScope('embedding', () => {
      const W = new tf.Variable(tf.randomUniform([vocabSize, embeddingSize], -1.0, 1.0), { name: 'W' });
      const embeddedChars = tf.nn.embeddingLookup(W, this.inputX);
      return [W, embeddedChars, tf.expandDims(embeddedChars, -1)] as const;
    }));

    // Create a convolution + maxpool layer for each filter size
    const pooledOutputs: tf.Tensor[] = [];
    for (const filterSize of filterSizes) {
      tf.nameScope(`conv-maxpool-${filterSize}`, () => {
        // Convolution Layer
        const filterShape = [filterSize, embeddingSize, 1, numFilters];
        const W = new tf.Variable(tf.truncatedNormal(filterShape, { stddev: 0.1 }), { name: 'W' });
        const b = new tf.Variable(tf.constant(0.1, { shape: [numFilters] }), { name: 'b' });
        const conv = tf.nn.conv2d(this.embeddedCharsExpanded, W, { strides: [1, 1, 1, 1], padding: 'VALID', name: 'conv' });
        // Apply nonlinearity
        const h = tf.nn.relu(tf.nn.biasAdd(conv, b), { name: 'relu' });
        // Maxpooling over the outputs
        const pooled = tf.nn.maxPool(h, { ksize: [1, sequenceLength - filterSize + 1, 1, 1], strides: [1, 1, 1, 1], padding: 'VALID', name: 'pool' });
        pooledOutputs.push(pooled);
      });
    }

    // Combine all the pooled features
    const numFiltersTotal = numFilters * filterSizes.length;
    this.hPool = tf.concat(pooledOutputs, 3);
    this.hPoolFlat = tf.reshape(this.hPool, [-1, numFiltersTotal]);

    // Add dropout
    this.hDrop = tf.nameScope('dropout', () => tf.nn.dropout(this.hPoolFlat, this.dropoutKeepProb));

    // Final (unnormalized) scores and predictions
    [this.scores, this.predictions] = tf.nameScope('output', () => {
      const W = tf.getVariable('W', { shape: [numFiltersTotal, numClasses], initializer: tf.contrib.layers.xavierInitializer() });
      const b = new tf.Variable(tf.constant(0.1, { shape: [numClasses] }), { name: 'b' });
      l2Loss = tf.add(l2Loss, tf.nn.l2Loss(W));
      l2Loss = tf.add(l2Loss, tf.nn.l2Loss(b));
      const scores = tf.nn.xwPlusB(this.hDrop, W, b, { name: 'scores' });
      return [scores, tf.argmax(scores, 1, { name: 'predictions' })] as const;
    });

    // Calculate mean cross-entropy loss
    this.loss = tf.nameScope('loss', () => {
      const losses = tf.nn.softmaxCrossEntropyWithLogits({ logits: this.scores, labels: this.inputY });
      return tf.add(tf.reduceMean(losses), tf.multiply(l2RegLambda, l2Loss));
    });

    // Accuracy
    this.accuracy = tf.nameScope('accuracy', () => {
      const correctPredictions = tf.equal(this.predictions, tf.argmax(this.inputY, 1));
      return tf.reduceMean(tf.cast(correctPredictions, 'float32'), { name: 'accuracy' });
    });
  }
}
