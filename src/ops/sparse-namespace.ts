/** `tf.sparse`: TF 1.15's sparse namespace (the ops built so far). */
export { sparseTensorToDense as toDense, SparseTensor, sparsePlaceholder as placeholder, sparseTensorDenseMatmul as sparseDenseMatmul } from './sparse-tensor.js';
