/**
 * `tf.math`: TF1's namespace of the math ops, the same functions as `tf.*` and `tf.nn.*`
 * (TF 1.15 exports each under both names), with tf.math's own spellings (`floordiv`,
 * `floormod`, `divideNoNan`).
 */
export {
  abs, acos, acosh, add, addN, asin, asinh, atan, atanh, cosh, sinh, tan, argmax, argmin, ceil, cos, divide, equal, exp, expm1, floor, greater, greaterEqual, isInf, isNan,
  less, lessEqual, log, log1p, logicalAnd, logicalNot, logicalOr, maximum, minimum, multiply, negative, notEqual, pow,
  reciprocal, reduceAll, reduceAny, reduceMax, reduceMean, reduceMin, reduceProd, reduceSum, round, rsqrt, sigmoid,
  sign, sin, sqrt, square, squaredDifference, subtract, tanh, floorDiv as floordiv, mod as floormod,
} from './math.js';
export { divNoNan as divideNoNan } from './div-no-nan.js';
export { real, imag, conj, angle } from './complex.js';
export { cumsum, cumprod } from './scan.js';
export { countNonzero } from './array-extra.js';
export { unsortedSegmentSum } from './indexed-slices.js';
export { topK, inTopK } from './top-k.js';
export { l2Normalize } from './normalization.js';
export { softmax, logSoftmax, softplus } from './nn.js';
export { logSigmoid } from './nn-extra.js';
export { reduceLogsumexp, logicalXor, scalarMul } from './math-extra.js';
export {
  accumulateN, atan2, digamma, erf, erfc, isFinite, lgamma, polygamma, realdiv, rint, saturateCast, softsign, truediv,
  truncatediv, truncatemod, zeta,
} from './math-special.js';
export { betainc, igamma, igammac, lbeta } from './incomplete-gamma-beta.js';
export { segmentSum, segmentMean, segmentMax, segmentMin, segmentProd, sparseSegmentSum, sparseSegmentMean, sparseSegmentSqrtN } from './segment-sorted.js';
export { unsortedSegmentMax, unsortedSegmentMin, unsortedSegmentProd, unsortedSegmentMean, unsortedSegmentSqrtN } from './segment.js';
export { bincount, invertPermutation } from './set-ops.js';
export { confusionMatrix } from './histogram.js';
export { polyval, reduceStd, reduceVariance, xdivy, xlogy } from './math-composite.js';
export { zeroFraction } from './nn-extra.js';
export { besselI0, besselI0e, besselI1, besselI1e } from './bessel.js';
export { mod } from './math.js';
export { isNonDecreasing, isStrictlyIncreasing } from './check-ops.js';
export { cumulativeLogsumexp, multiplyNoNan, nextafter, reciprocalNoNan, reduceEuclideanNorm } from './math-more.js';
