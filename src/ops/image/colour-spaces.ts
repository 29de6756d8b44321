/**
 * tf.image.rgbToYuv / yuvToRgb / rgbToYiq / yiqToRgb: TF 1.15's image_ops_impl.py, a tensordot of
 * the last axis with TF's 3 × 3 kernels (in the image's float dtype), so gradients flow through
 * them as through any matmul.
 */
import type { Tensor } from '../../graph/tensor.js';
import { isFloat } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { toHalf } from '../../float16.js';
import { NDArray } from '../../ndarray.js';
import { type TensorLike, toTensor } from '../convert.js';
import { tensordot } from '../einsum.js';

// TF's kernels, row r = input channel r (image_ops_impl.py)
const RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]];
const YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]];
const RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]];
const YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]];

function convert(images: TensorLike, kernel: number[][], scope: string): Tensor {
  const x = toTensor(images);
  return x.graph.nameScope(scope, () => x.graph.asDefault(() => {
    // convert_to_tensor(kernel, dtype=images.dtype) of float literals
    if (!isFloat(x.dtype)) throw new TypeError(`Expected ${x.dtype}, got ${kernel[0]![1]} of type 'float' instead.`);
    const s = x.shape;
    if (s === null) throw new ValueError(`${scope}: tsflow needs the images' rank known when the graph is built`);
    if (s.length < 1 || (s[s.length - 1] !== null && s[s.length - 1] !== 3)) {
      throw new ValueError(`Dimensions must be equal, but are ${s[s.length - 1] ?? '?'} and 3 for 'Tensordot/MatMul' (op: 'MatMul'): the last dimension of images must be size 3`);
    }
    const flat = kernel.flat();
    const data = x.dtype === 'float64' ? Float64Array.from(flat) : x.dtype === 'float16' ? Uint16Array.from(flat, toHalf) : Float32Array.from(flat);
    const k = toTensor(new NDArray(data as Float32Array, [3, 3], x.dtype as 'float32') as unknown as TensorLike);
    return tensordot(x, k, [[s.length - 1], [0]]);
  }));
}

/** `tf.image.rgbToYiq(images)`: last dimension 3, values in [0, 1]. */
export const rgbToYiq = (images: TensorLike): Tensor => convert(images, RGB_TO_YIQ, 'rgb_to_yiq');
/** `tf.image.yiqToRgb(images)`. */
export const yiqToRgb = (images: TensorLike): Tensor => convert(images, YIQ_TO_RGB, 'yiq_to_rgb');
/** `tf.image.rgbToYuv(images)`: last dimension 3, values in [0, 1]. */
export const rgbToYuv = (images: TensorLike): Tensor => convert(images, RGB_TO_YUV, 'rgb_to_yuv');
/** `tf.image.yuvToRgb(images)`. */
export const yuvToRgb = (images: TensorLike): Tensor => convert(images, YUV_TO_RGB, 'yuv_to_rgb');
