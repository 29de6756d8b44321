/**
 * `tf.contrib.linalg`: TF 1.15 re-exports tf.linalg's LinearOperator classes here; TF ≤ 1.4
 * programs use the older names LinearOperatorTriL (= LinearOperatorLowerTriangular) and
 * LinearOperatorMatrix (= LinearOperatorFullMatrix).
 */
export * from '../ops/linear-operator/index.js';
export { LinearOperatorLowerTriangular as LinearOperatorTriL, LinearOperatorFullMatrix as LinearOperatorMatrix } from '../ops/linear-operator/index.js';
