/** `tf.distributions` (and `tf.contrib.distributions`): TF 1.15's core probability distributions. */
export {
  Distribution, ReparameterizationType, FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, klDivergence, registerKL,
} from './distribution.js';
export { Normal } from './normal.js';
export { Bernoulli } from './bernoulli.js';
export { Categorical } from './categorical.js';
export { Uniform } from './uniform.js';
export { Multinomial } from './multinomial.js';
export { Beta } from './beta.js';
export { Gamma } from './gamma.js';
export { Dirichlet } from './dirichlet.js';
export { Exponential } from './exponential.js';
export { Laplace } from './laplace.js';
export { StudentT } from './student-t.js';
