/** The convolutional and other MNIST-model examples (the `cnn` shard of test/support/examples.ts): each runs bounded and its output is checked. */
import { describeExamples } from './support/examples.js';

describeExamples('cnn');
