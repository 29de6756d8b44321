/** All op declarations and builders (importing this registers every op). */
export * from './core.js';
export * from './variables.js';
export * from './math.js';
export * from './array.js';
export * from './random.js';
export { divNoNan } from './div-no-nan.js';
export * from './strided-slice.js';
export { IndexedSlices, unsortedSegmentSum } from './indexed-slices.js';
export * from './segment.js';
export * from './segment-sorted.js';
export * from './set-ops.js';
export { dynamicPartition, dynamicStitch } from './partition.js';
export * from './tensor-scatter.js';
export { confusionMatrix, histogramFixedWidth, histogramFixedWidthBins } from './histogram.js';
export { multinomial } from './multinomial.js';
export * as random from './random-namespace.js';
export { norm, globalNorm, clipByNorm, clipByGlobalNorm, clipByAverageNorm } from './clip.js';
export { pad } from './pad.js';
export { split, reverse } from './split.js';
export { cumsum, cumprod, sequenceMask } from './scan.js';
export { reverseSequence } from './rnn/reverse-sequence.js';
export { gatherNd, scatterNd } from './scatter-nd.js';
export { einsum, tensordot } from './einsum.js';
export * from './casts.js';
import './shape-operands.js';
import './value-shape-grads.js';
export * as strings from './strings.js';
export * as nn from './nn-namespace.js';
export { sigmoid, tanh } from './math.js';
export { type TensorLike, toTensor } from './convert.js';
export { convertToTensor } from './convert-to-tensor.js';
export { booleanMask } from './boolean-mask.js';
export * as math from './math-namespace.js';
export * from './state-scatter.js';
export { logSigmoid } from './nn-extra.js';
export { matrixBandPart } from './band-part.js';
/** TF1's top-level spellings `tf.floordiv` and `tf.floormod` (as in tf.math). */
export { floorDiv as floordiv, mod as floormod } from './math.js';
export { reduceLogsumexp, logicalXor, scalarMul } from './math-extra.js';
export {
  accumulateN, atan2, digamma, div, erf, erfc, isFinite, lgamma, polygamma, realdiv, rint, saturateCast, truediv,
  truncatediv, truncatemod, zeta,
} from './math-special.js';
export { betainc, igamma, igammac, lbeta } from './incomplete-gamma-beta.js';
export { randomGamma, randomPoisson } from './random-gamma.js';
export {
  argsort, broadcastDynamicShape, broadcastStaticShape, broadcastTo, countNonzero, linSpace, linspace, meshgrid, reverseV2,
  roll, sort, whereV2,
} from './array-extra.js';
export * from './deprecated-aliases.js';
export { mapFn, foldl, foldr, scan } from './functional-ops.js';
export { spaceToDepth, depthToSpace, spaceToBatchNd, batchToSpaceNd, spaceToBatch, batchToSpace, extractImagePatches } from './space-batch.js';
export { requiredSpaceToBatchPaddings } from './with-space-to-batch.js';
export { extractVolumePatches } from './window3d.js';
export { caseFn as case, switchCase } from './control-flow/case.js';
export { Assert, Print, print } from './logging-ops.js';
export {
  assertEqual, assertGreater, assertGreaterEqual, assertInteger, assertLess, assertLessEqual, assertNear, assertNegative,
  assertNonNegative, assertNonPositive, assertNoneEqual, assertPositive, assertProperIterable, assertRank, assertRankAtLeast,
  assertRankIn, assertSameFloatDtype, assertScalar, assertType, isNonDecreasing, isNumericTensor, isStrictlyIncreasing,
  verifyTensorAllFinite, addCheckNumericsOps, assertVariablesInitialized,
} from './check-ops.js';
export * as debugging from './debugging-namespace.js';
export { countUpTo } from './count-up-to.js';
export {
  eye, diag, diagPart, matrixDiag, matrixDiagPart, matrixSetDiag, matrixTranspose, trace, cross, matrixInverse,
  matrixDeterminant, cholesky, matrixTriangularSolve, matrixSolve, choleskySolve, matrixSolveLs,
} from './linalg.js';
export { qr, svdOp as svd, selfAdjointEig, selfAdjointEigvals } from './linalg-decomp.js';
export { matrixSquareRoot } from './matrix-square-root.js';
export * as linalg from './linalg-namespace.js';
export {
  sparseAdd, sparseConcat, sparseReduceSum, sparseReduceSumSparse, sparseReduceMax, sparseReduceMaxSparse, sparseReshape, sparseTranspose,
  sparseSlice, sparseRetain, sparseReorder, sparseFillEmptyRows, sparseSoftmax, sparseMaximum, sparseMinimum, sparseSplit, sparseToIndicator,
  sparseMask, sparseMerge,
} from './sparse-ops.js';
export * as sets from './sets.js';
export * as bitwise from './bitwise.js';
export * as manip from './manip-namespace.js';
export * as dtypes from './dtypes-namespace.js';
export * as queue from './queue-namespace.js';
export { repeat } from './repeat.js';
export { bitcast } from './bitcast.js';
export { gradPassThrough, recomputeGrad } from './grad-wrappers.js';
export { colocateWith } from '../graph/context.js';
export { DeviceSpec, type DeviceSpecOptions } from '../graph/device-spec-class.js';
