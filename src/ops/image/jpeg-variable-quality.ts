/**
 * TF 1.15's EncodeJpegVariableQuality (encode_image_op.cc): a 3-D uint8 image, 1 channel as
 * grayscale or 3 as RGB, encoded at a quality given as an int32 scalar tensor, with EncodeJpeg's
 * other defaults (4:2:0 chroma, 300 dpi). adjust_jpeg_quality builds it in TF 1.15, and
 * random_jpeg_quality feeds it a quality drawn by random_uniform([], min, max, int32, seed).
 */
import { kwargs } from '../../args.js';
import { StringArray } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { JpegError, encodeJpegBytes } from '../../io/codecs/jpeg.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { type TensorLike, toTensor } from '../convert.js';
import { randomUniform } from '../random.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { adjustJpegQuality } from './jpeg-quality-patches.js';

defineOp<Record<string, unknown>>({
  type: 'EncodeJpegVariableQuality',
  infer: ([x, q], _a, name) => {
    if (x!.dtype !== 'uint8') throw new TypeError(`Value passed to parameter 'images' has DataType ${x!.dtype} not in list of allowed values: uint8`);
    if (q!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'quality' has DataType ${q!.dtype} not in list of allowed values: int32`);
    if (x!.shape !== null && x!.shape.length !== 3) throw new ValueError(`Shape must be rank 3 but is rank ${x!.shape.length} for '${name}' (op: 'EncodeJpegVariableQuality') with input shapes: [${x!.shape.map((d) => d ?? '?').join(',')}], [${(q!.shape ?? []).map((d) => d ?? '?').join(',')}].`);
    if (q!.shape !== null && q!.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${q!.shape.length} for '${name}' (op: 'EncodeJpegVariableQuality') with input shapes: [${(x!.shape ?? []).map((d) => d ?? '?').join(',')}], [${q!.shape.map((d) => d ?? '?').join(',')}].`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: () => {
    throw new Error('EncodeJpegVariableQuality runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('EncodeJpegVariableQuality', null);
registerHostOp('EncodeJpegVariableQuality', function* (op, [x, q]) {
  const dims = `[${x!.shape.join(',')}]`;
  if (x!.shape.length !== 3) throw new InvalidArgumentError(`image must be 3-dimensional${dims}`, op.name);
  if (q!.shape.length !== 0) throw new InvalidArgumentError(`quality must be scalar: [${q!.shape.join(',')}]`, op.name);
  const quality = Number(q!.data[0]);
  if (!(quality >= 0 && quality <= 100)) throw new InvalidArgumentError(`quality must be in [0,100], got ${quality}`, op.name);
  const [h, w, c] = x!.shape as [number, number, number];
  if (c !== 1 && c !== 3) throw new InvalidArgumentError(`image must have 1 or 3 channels, got ${dims}`, op.name);
  let bytes: Uint8Array;
  try {
    bytes = encodeJpegBytes(x!.data as Uint8Array, h, w, c, { quality });
  } catch (e) {
    if (e instanceof JpegError) throw new InvalidArgumentError('JPEG encoding failed', op.name);
    throw e;
  }
  return [new NDArray(StringArray.fromValues([bytes]) as never, [], 'string')];
});

/** `tf.image.encodeJpegVariableQuality(images, quality, name?)`: EncodeJpeg with a tensor quality. */
export function encodeJpegVariableQuality(...args: unknown[]): Tensor {
  const o = kwargs(args, ['images', 'quality', 'name'], 'encode_jpeg_variable_quality', 2);
  const x = toTensor(o.images as TensorLike, 'uint8');
  const q = x.graph.asDefault(() => toTensor(o.quality as TensorLike, 'int32'));
  return makeOp(x.graph, 'EncodeJpegVariableQuality', [x, q], {}, o.name as string | undefined, 'EncodeJpegVariableQuality').outputs[0]!;
}

/**
 * `tf.image.randomJpegQuality(image, minJpegQuality, maxJpegQuality, seed?)`: adjustJpegQuality
 * at a quality drawn uniformly from [min, max) (an int32 random_uniform, so the seed behaves as
 * every other random op's). min and max must be in [0, 100] and min < max.
 */
export function randomJpegQuality(...args: unknown[]): Tensor {
  const o = kwargs(args, ['image', 'minJpegQuality', 'maxJpegQuality', 'seed'], 'random_jpeg_quality', 3);
  const lo = o.minJpegQuality as number, hi = o.maxJpegQuality as number;
  if (lo < 0 || hi < 0 || lo > 100 || hi > 100) throw new ValueError('jpeg encoding range must be between 0 and 100.');
  if (lo >= hi) throw new ValueError('`min_jpeg_quality` must be less than `max_jpeg_quality`.');
  const x = toTensor(o.image as TensorLike);
  const q = x.graph.asDefault(() => randomUniform([], lo, hi, 'int32', (o.seed as number | null | undefined) ?? null));
  return adjustJpegQuality(x, q);
}
