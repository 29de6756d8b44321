/**
 * tf.image.adjustJpegQuality (TF 1.15 image_ops_impl.py: the image to uint8, EncodeJpeg at the
 * quality, DecodeJpeg, back to the image's dtype) and tf.image.extractPatches /
 * extractImagePatches (TF 1.15 array_ops.py: the ExtractImagePatches op under its v2 and v1
 * names). adjustJpegQuality runs through the JPEG host ops, so, as in TF, it has no gradient.
 */
import { kwargs } from '../../args.js';
import { Tensor } from '../../graph/tensor.js';
import { type TensorLike, toTensor } from '../convert.js';
import { extractImagePatches } from '../space-batch.js';
import { convertImageDtype } from './index.js';
import { makeOp } from '../registry.js';
import { decodeJpeg } from './jpeg.js';
import './jpeg-variable-quality.js';

/**
 * `tf.image.adjustJpegQuality(image, jpegQuality, name?)`: a 3-D `[h, w, 1 | 3]` image encoded as
 * JPEG at `jpegQuality` (an int in [0, 100], or an int32 scalar tensor) and decoded again, in the image's dtype.
 */
export function adjustJpegQuality(...args: unknown[]): Tensor {
  const o = kwargs(args, ['image', 'jpegQuality', 'name'], 'adjust_jpeg_quality', 2);
  const q = o.jpegQuality;
  if (!(q instanceof Tensor) && (typeof q !== 'number' || !Number.isInteger(q))) throw new TypeError(`Expected int for argument 'quality' not ${String(q)}.`);
  const x = toTensor(o.image as TensorLike);
  const g = x.graph;
  return g.nameScope((o.name as string | undefined) ?? 'adjust_jpeg_quality', () => g.asDefault(() => {
    const orig = x.dtype;
    const u8 = convertImageDtype(x, 'uint8');
    // TF 1.15 (past its 2019-04-04 forward-compatibility date): EncodeJpegVariableQuality, the
    // quality an int32 tensor (a Python int is converted)
    const quality = q instanceof Tensor ? q : toTensor(q, 'int32');
    const encoded = makeOp(g, 'EncodeJpegVariableQuality', [u8, quality], {}, undefined, 'EncodeJpegVariableQuality').outputs[0]!;
    const decoded = decodeJpeg(encoded);
    return convertImageDtype(decoded, orig);
  }));
}

/** `tf.image.extractPatches(images, sizes, strides, rates, padding, name?)`: TF 1.15's v2 name of ExtractImagePatches. */
export function extractPatches(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'sizes', 'strides', 'rates', 'padding', 'name'], 'extract_patches', 5);
  return extractImagePatches(o.images as TensorLike, { ksizes: o.sizes, strides: o.strides, rates: o.rates, padding: o.padding, name: o.name } as never);
}

/** `tf.image.extractImagePatches(images, ksizes, strides, rates, padding, name?, sizes?)`: TF1's tf.extract_image_patches. */
export { extractImagePatches };
