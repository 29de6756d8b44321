/** The recurrent-network examples (the `rnn` shard of test/support/examples.ts): each runs bounded and its output is checked. */
import { describeExamples } from './support/examples.js';

describeExamples('rnn');
