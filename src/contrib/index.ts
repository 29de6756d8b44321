/** `tf.contrib`: the parts of TF1's contrib that everyday programs use. */
import { varianceScalingInitializer, xavierInitializer } from './initializers.js';

/** `tf.contrib.layers`. */
export const layers = {
  xavierInitializer,
  /** TF1 exports the same function under this name for conv kernels. */
  xavierInitializerConv2d: xavierInitializer,
  varianceScalingInitializer,
};
