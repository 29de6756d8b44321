/** `tf.contrib.util`: TF 1.15's tensor_util helpers under contrib. */
export { makeTensorProto, makeNdarray, constantValue, type TensorProto } from './util.js';
