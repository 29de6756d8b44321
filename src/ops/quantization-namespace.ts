/** `tf.quantization`: fake quantization for quantization-aware training (TF 1.15's array_ops). */
export {
  fakeQuantWithMinMaxArgs, fakeQuantWithMinMaxArgsGradient, fakeQuantWithMinMaxVars, fakeQuantWithMinMaxVarsGradient,
  fakeQuantWithMinMaxVarsPerChannel, fakeQuantWithMinMaxVarsPerChannelGradient,
} from './fake-quant.js';
