/** `tf.sparse`: TF 1.15's sparse namespace (the ops built so far). */
export { sparseTensorToDense as toDense, SparseTensor, sparsePlaceholder as placeholder, sparseTensorDenseMatmul as sparseDenseMatmul, sparseTensorDenseMatmul as matmul } from './sparse-tensor.js';
export { sparseCross as cross, sparseCrossHashed as crossHashed } from './sparse-cross.js';
export { sparseResetShape as resetShape } from './sparse-extra.js';
export {
  sparseAdd as add, sparseConcat as concat, sparseReduceSum as reduceSum, sparseReduceSumSparse as reduceSumSparse, sparseReduceMax as reduceMax,
  sparseReduceMaxSparse as reduceMaxSparse, sparseReshape as reshape, sparseTranspose as transpose, sparseSlice as slice, sparseRetain as retain,
  sparseReorder as reorder, sparseFillEmptyRows as fillEmptyRows, sparseSoftmax as softmax, sparseMaximum as maximum, sparseMinimum as minimum,
  sparseSplit as split, sparseToIndicator as toIndicator, sparseEye as eye, sparseExpandDims as expandDims, sparseMask as mask,
  sparseMerge as merge,
} from './sparse-ops.js';
export { fromDense, segmentSum, segmentMean, segmentSqrtN } from './sparse-from-dense.js';
