/**
 * The `tf.linalg.LinearOperator*` family (TF 1.15 tensorflow/python/ops/linalg). Importing this
 * module loads every operator, which also fills in the base class's adjoint / inverse /
 * composition / Cholesky hooks.
 */
export { LinearOperator } from './base.js';
export { LinearOperatorFullMatrix } from './full-matrix.js';
export { LinearOperatorDiag } from './diag.js';
export { LinearOperatorLowerTriangular } from './lower-triangular.js';
export { LinearOperatorIdentity, LinearOperatorScaledIdentity } from './identity.js';
export { LinearOperatorZeros } from './zeros.js';
export { LinearOperatorComposition } from './composition.js';
export { LinearOperatorAdjoint } from './adjoint.js';
export { LinearOperatorInversion } from './inversion.js';
