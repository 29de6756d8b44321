/** `tf.debugging`: TF1's assertions and numeric checks under one namespace. */
export {
  assertEqual, assertGreater, assertGreaterEqual, assertInteger, assertLess, assertLessEqual, assertNear, assertNegative,
  assertNonNegative, assertNonPositive, assertNoneEqual, assertPositive, assertProperIterable, assertRank, assertRankAtLeast,
  assertRankIn, assertSameFloatDtype, assertScalar, assertType, isNonDecreasing, isNumericTensor, isStrictlyIncreasing,
  verifyTensorAllFinite as assertAllFinite, assertShapes,
} from './check-ops.js';
export { isFinite } from './math-special.js';
export { Assert } from './logging-ops.js';
export { checkNumerics } from './core.js';
export { isInf, isNan } from './math.js';
