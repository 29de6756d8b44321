/**
 * `tf.random`: TF 1.15's newer spellings of the random ops (`tf.random.uniform` is
 * `tf.randomUniform`, …) and `tf.random.categorical` (TF's Multinomial op).
 */
export { randomUniform as uniform, randomNormal as normal, truncatedNormal } from './random.js';
export { categorical, multinomial } from './multinomial.js';
export { randomGamma as gamma, randomPoisson as poisson } from './random-gamma.js';
export {
  statelessUniform, statelessNormal, statelessTruncatedNormal, statelessMultinomial, statelessCategorical,
} from './stateless-random.js';
export { randomShuffle as shuffle } from './random-shuffle.js';
export { setRandomSeed } from '../graph/context.js';
export { getSeed } from './deprecated-aliases.js';
export { logUniformCandidateSampler, uniformCandidateSampler } from './candidate-sampling.js';
export { fixedUnigramCandidateSampler, learnedUnigramCandidateSampler, allCandidateSampler } from './candidate-samplers-unigram.js';
