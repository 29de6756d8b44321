/** `tf.contrib.distributions`: the core distributions and TF 1.15 contrib's additions. */
export * from './index.js';
export { Logistic } from './logistic.js';
export { Poisson } from './poisson.js';
export { OneHotCategorical, ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical } from './one-hot-categorical.js';
export { MultivariateNormalDiag } from './mvn-diag.js';
