/**
 * Image file ops: tf.image.decodePng / encodePng / decodeGif / decodeBmp / decodeImage / isJpeg
 * (also under tf.io), with TF 1.15's op types, attrs, shapes and error texts. The decoders'
 * output shapes come from the bytes, so they run on the host before the plan (as DecodeRaw),
 * also inside tf.data map functions. The codecs themselves are in src/io/codecs.
 */
import { kwargs } from '../../args.js';
import { type DType, StringArray, parseDType } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { decodeBmpBytes } from '../../io/codecs/bmp.js';
import { decodeGifBytes } from '../../io/codecs/gif.js';
import { JpegError, decodeJpegBytes } from '../../io/codecs/jpeg.js';
import { CodecError } from '../../io/codecs/inflate.js';
import { type DecodedImage, PngError, decodePngPixels, encodePng as encodePngBytes, pngInfo } from '../../io/codecs/png.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import type { PartialShape } from '../../shape.js';
import { type TensorLike, toTensor } from '../convert.js';
import { equal } from '../math.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { substr } from '../strings/ops.js';

type Opt = Record<string, unknown>;

const TF_DTYPE: Record<string, string> = { uint8: 'uint8', uint16: 'uint16', float32: 'float' };

function scalarBytes(op: Operation, x: NDArray, what = 'contents'): Uint8Array {
  if (x.shape.length !== 0) throw new InvalidArgumentError(`${what} must be scalar, got shape [${x.shape.join(',')}]`, op.name);
  return (x.data as unknown as StringArray)[0]!;
}

function checkScalarInput(t: { dtype: DType; shape: PartialShape | null }, type: string, param = 'contents'): void {
  if (t.dtype !== 'string') throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: string`);
  if (t.shape !== null && t.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${t.shape.length} for '${type}'`);
}

function hostOnly(type: string): () => never {
  return () => {
    throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
  };
}

// ----- PNG --------------------------------------------------------------------------------------

/** TF's DecodePng on one file's bytes: `[h, w, c]` of `dtype` (uint8 or uint16). */
function decodePngArray(bytes: Uint8Array, channels: number, dtype: DType, opName: string): NDArray {
  let info;
  try {
    info = pngInfo(bytes, channels);
  } catch (e) {
    if (e instanceof CodecError) throw new InvalidArgumentError(`Invalid PNG header, data size ${bytes.length}`, opName);
    throw e;
  }
  const { width, height } = info.header;
  if (width >= 2 ** 27 || height >= 2 ** 27 || width * height >= 2 ** 29) {
    throw new InvalidArgumentError(`PNG size too large for int: ${width} by ${height}`, opName);
  }
  let img: DecodedImage;
  try {
    img = decodePngPixels(info.header, info.channels, dtype === 'uint16' ? 16 : 8);
  } catch (e) {
    if (e instanceof PngError || e instanceof CodecError) throw new InvalidArgumentError(`Invalid PNG data, size ${bytes.length}`, opName);
    throw e;
  }
  return new NDArray(img.data as never, [img.height, img.width, img.channels], dtype);
}

interface DecodeAttrs { channels: number; dtype: DType; [k: string]: unknown }

function checkChannels(c: unknown, allowed: readonly number[], text: string): number {
  if (typeof c !== 'number' || !allowed.includes(c)) throw new InvalidArgumentError(`${text}${String(c)}`);
  return c;
}

defineOp<DecodeAttrs>({
  type: 'DecodePng',
  infer: ([x], a) => {
    checkScalarInput(x!, 'DecodePng');
    return [{ dtype: a.dtype, shape: [null, null, a.channels || null] }];
  },
  lower: hostOnly('DecodePng'),
  stateful: true,
});
registerGradient('DecodePng', null);
registerHostOp('DecodePng', function* (op, ins) {
  const a = op.attrs as DecodeAttrs;
  return [decodePngArray(scalarBytes(op, ins[0]!), a.channels, a.dtype, op.name)];
});

/** `tf.image.decodePng(contents, channels = 0, dtype = tf.uint8, name?)` (also tf.io.decodePng). */
export function decodePng(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['contents', 'channels', 'dtype', 'name'], 'decode_png', 1);
  const channels = checkChannels(o.channels ?? 0, [0, 1, 2, 3, 4], "Value for attr 'channels' must be an int, 0 to 4, got ");
  const dtype = parseDType((o.dtype as string | undefined) ?? 'uint8');
  if (dtype !== 'uint8' && dtype !== 'uint16') throw new TypeError(`Value passed to parameter 'dtype' has DataType ${dtype} not in list of allowed values: uint8, uint16`);
  const x = toTensor(o.contents as TensorLike, 'string');
  return makeOp(x.graph, 'DecodePng', [x], { channels, dtype }, o.name as string | undefined, 'DecodePng').outputs[0]!;
}

interface EncodeAttrs { compression: number; T: DType; [k: string]: unknown }

defineOp<EncodeAttrs>({
  type: 'EncodePng',
  infer: ([x]) => {
    if (x!.dtype !== 'uint8' && x!.dtype !== 'uint16') throw new TypeError(`Value passed to parameter 'image' has DataType ${x!.dtype} not in list of allowed values: uint8, uint16`);
    if (x!.shape !== null && x!.shape.length !== 3) throw new ValueError(`Shape must be rank 3 but is rank ${x!.shape.length} for 'EncodePng'`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: hostOnly('EncodePng'),
  stateful: true,
});
registerGradient('EncodePng', null);
registerHostOp('EncodePng', function* (op, ins) {
  const x = ins[0]!;
  const a = op.attrs as EncodeAttrs;
  if (x.shape.length !== 3) throw new InvalidArgumentError(`image must be 3-dimensional[${x.shape.join(',')}]`, op.name);
  if (x.size >= 2 ** 31 - 1) throw new InvalidArgumentError('image cannot have >= int32 max elements', op.name);
  const [h, w, c] = x.shape as [number, number, number];
  if (c < 1 || c > 4) throw new InvalidArgumentError(`image must have 1, 2, 3, or 4 channels, got ${c}`, op.name);
  if (h === 0 || w === 0) throw new InvalidArgumentError('PNG encoding failed', op.name);
  const pixels = x.dtype === 'uint16' ? Uint16Array.from(x.data as ArrayLike<number>) : Uint8Array.from(x.data as ArrayLike<number>);
  return [new NDArray(StringArray.fromValues([encodePngBytes(pixels, h, w, c, a.compression)]) as never, [], 'string')];
});

/** `tf.image.encodePng(image, compression = -1, name?)` (also tf.io.encodePng). */
export function encodePng(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['image', 'compression', 'name'], 'encode_png', 1);
  const compression = (o.compression as number | undefined) ?? -1;
  if (!Number.isInteger(compression) || compression < -1 || compression > 9) throw new InvalidArgumentError(`compression should be in [-1,9], got ${compression}`);
  const x = toTensor(o.image as TensorLike);
  return makeOp(x.graph, 'EncodePng', [x], { compression, T: x.dtype }, o.name as string | undefined, 'EncodePng').outputs[0]!;
}

// ----- GIF, BMP ---------------------------------------------------------------------------------

function decodeGifArray(bytes: Uint8Array, opName: string): NDArray {
  try {
    const g = decodeGifBytes(bytes);
    return new NDArray(g.data as never, [g.frames, g.height, g.width, 3], 'uint8');
  } catch (e) {
    if (e instanceof CodecError) throw new InvalidArgumentError(`Invalid GIF data (size ${bytes.length}), ${e.message}`, opName);
    throw e;
  }
}

defineOp({
  type: 'DecodeGif',
  infer: ([x]) => {
    checkScalarInput(x!, 'DecodeGif');
    return [{ dtype: 'uint8', shape: [null, null, null, 3] }];
  },
  lower: hostOnly('DecodeGif'),
  stateful: true,
});
registerGradient('DecodeGif', null);
registerHostOp('DecodeGif', function* (op, ins) {
  return [decodeGifArray(scalarBytes(op, ins[0]!), op.name)];
});

/** `tf.image.decodeGif(contents, name?)` (also tf.io.decodeGif): uint8 `[frames, h, w, 3]`. */
export function decodeGif(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['contents', 'name'], 'decode_gif', 1);
  const x = toTensor(o.contents as TensorLike, 'string');
  return makeOp(x.graph, 'DecodeGif', [x], {}, o.name as string | undefined, 'DecodeGif').outputs[0]!;
}

function decodeBmpArray(bytes: Uint8Array, channels: number, opName: string): NDArray {
  try {
    const b = decodeBmpBytes(bytes, channels);
    return new NDArray(b.data as never, [b.height, b.width, b.channels], 'uint8');
  } catch (e) {
    if (e instanceof CodecError) throw new InvalidArgumentError(e.message, opName);
    throw e;
  }
}

defineOp<{ channels: number; [k: string]: unknown }>({
  type: 'DecodeBmp',
  infer: ([x], a) => {
    checkScalarInput(x!, 'DecodeBmp');
    return [{ dtype: 'uint8', shape: [null, null, a.channels || null] }];
  },
  lower: hostOnly('DecodeBmp'),
  stateful: true,
});
registerGradient('DecodeBmp', null);
registerHostOp('DecodeBmp', function* (op, ins) {
  const c = op.attrs.channels as number;
  if (c !== 0 && c !== 3 && c !== 4) throw new InvalidArgumentError(`channels must be 0, 3 or 4, was ${c}`, op.name);
  return [decodeBmpArray(scalarBytes(op, ins[0]!), c, op.name)];
});

/** `tf.image.decodeBmp(contents, channels = 0, name?)` (also tf.io.decodeBmp). */
export function decodeBmp(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['contents', 'channels', 'name'], 'decode_bmp', 1);
  const channels = (o.channels as number | undefined) ?? 0;
  const x = toTensor(o.contents as TensorLike, 'string');
  return makeOp(x.graph, 'DecodeBmp', [x], { channels }, o.name as string | undefined, 'DecodeBmp').outputs[0]!;
}

// ----- decodeImage, isJpeg ----------------------------------------------------------------------

const startsWith = (b: Uint8Array, sig: readonly number[]): boolean => b.length >= sig.length && sig.every((v, i) => b[i] === v);

/** TF 1.15's convert_image_dtype from uint8/uint16 to `dtype` (ints rescaled, floats to [0, 1]). */
function convertImageDtype(x: NDArray, dtype: DType): NDArray {
  if (x.dtype === dtype) return x;
  const inMax = x.dtype === 'uint16' ? 65535 : 255;
  const src = x.data as ArrayLike<number>;
  if (dtype === 'float32') {
    const out = new Float32Array(src.length);
    const s = Math.fround(1 / inMax);
    for (let i = 0; i < src.length; i++) out[i] = Math.fround(src[i]!) * s;
    return new NDArray(out as never, x.shape, dtype);
  }
  // uint8 -> uint16: multiply by (65535 + 1) / (255 + 1); uint16 -> uint8: integer-divide by 256.
  const out = dtype === 'uint16' ? new Uint16Array(src.length) : new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = dtype === 'uint16' ? src[i]! * 256 : Math.floor(src[i]! / 256);
  return new NDArray(out as never, x.shape, dtype);
}

// expand_animations keeps TF's attr name, so GraphDef export writes DecodeImage as TF does.
interface ImageAttrs { channels: number; dtype: DType; expand_animations: boolean; [k: string]: unknown }

function decodeImageArray(bytes: Uint8Array, a: ImageAttrs, opName: string): NDArray {
  const assert = (m: string): never => {
    throw new InvalidArgumentError(`assertion failed: [${m}]`, opName);
  };
  // TF 1.15's decode_image: a tf.cond chain over the first bytes, JPEG, PNG, GIF, then BMP.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    if (a.channels === 4) assert('Channels must be in (None, 0, 1, 3) when decoding JPEG images');
    // TF 1.15's decode_jpeg(contents, channels) with DecodeJpeg's default attrs.
    let j;
    try {
      j = decodeJpegBytes(bytes, { channels: a.channels as 0 | 1 | 3 });
    } catch (e) {
      if (e instanceof JpegError || e instanceof CodecError) throw new InvalidArgumentError(`Invalid JPEG data or crop window, data size ${bytes.length}`, opName);
      throw e;
    }
    return convertImageDtype(new NDArray(j.data as never, [j.height, j.width, j.channels], 'uint8'), a.dtype);
  }
  if (startsWith(bytes, [0x89, 0x50, 0x4e])) {
    return convertImageDtype(decodePngArray(bytes, a.channels, a.dtype === 'uint16' ? 'uint16' : 'uint8', opName), a.dtype);
  }
  if (startsWith(bytes, [0x47, 0x49, 0x46])) {
    if (a.channels === 1 || a.channels === 4) assert('Channels must be in (None, 0, 3) when decoding GIF images');
    let g = decodeGifArray(bytes, opName);
    if (!a.expand_animations) g = new NDArray((g.data as Uint8Array).subarray(0, g.shape[1]! * g.shape[2]! * 3) as never, g.shape.slice(1), 'uint8');
    return convertImageDtype(g, a.dtype);
  }
  if (!startsWith(bytes, [0x42, 0x4d])) assert('Unable to decode bytes as JPEG, PNG, GIF, or BMP');
  if (a.channels === 1) assert('Channels must be in (None, 0, 3) when decoding BMP images');
  return convertImageDtype(decodeBmpArray(bytes, 0, opName), a.dtype);
}

defineOp<ImageAttrs>({
  type: 'DecodeImage',
  infer: ([x], a) => {
    checkScalarInput(x!, 'DecodeImage');
    return [{ dtype: a.dtype, shape: a.expand_animations ? null : [null, null, a.channels || null] }];
  },
  lower: hostOnly('DecodeImage'),
  stateful: true,
});
registerGradient('DecodeImage', null);
registerHostOp('DecodeImage', function* (op, ins) {
  return [decodeImageArray(scalarBytes(op, ins[0]!), op.attrs as ImageAttrs, op.name)];
});

/**
 * `tf.image.decodeImage(contents, channels = null, dtype = tf.uint8, name?, expandAnimations = true)`
 * (also tf.io.decodeImage): JPEG, PNG, GIF or BMP by the file's first bytes, as TF 1.15's
 * decode_image; one host op (TF 1.15 builds a tf.cond chain; newer TF has this DecodeImage op).
 */
export function decodeImage(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['contents', 'channels', 'dtype', 'name', 'expandAnimations'], 'decode_image', 1);
  const channels = o.channels ?? null;
  if (channels !== null && ![0, 1, 3, 4].includes(channels as number)) throw new ValueError('channels must be in (None, 0, 1, 3, 4)');
  const dtype = parseDType((o.dtype as string | undefined) ?? 'uint8');
  if (!(dtype in TF_DTYPE)) throw new TypeError(`decode_image: dtype ${dtype} is not supported: uint8, uint16 or float32`);
  const x = toTensor(o.contents as TensorLike, 'string');
  const attrs = { channels: (channels as number | null) ?? 0, dtype, expand_animations: (o.expandAnimations as boolean | undefined) ?? true };
  return x.graph.nameScope((o.name as string | undefined) ?? 'decode_image', () => makeOp(x.graph, 'DecodeImage', [x], attrs, undefined, 'DecodeImage').outputs[0]!);
}

/** `tf.image.isJpeg(contents, name?)` (also tf.io.isJpeg): TF 1.15's substr(contents, 0, 3) == b'\xff\xd8\xff'. */
export function isJpeg(...args: unknown[]): Tensor {
  const o: Opt = kwargs(args, ['contents', 'name'], 'is_jpeg', 1);
  const x = toTensor(o.contents as TensorLike, 'string');
  return x.graph.nameScope('is_jpeg', () => {
    const s = substr(x, 0, 3);
    return equal(s, new NDArray(StringArray.fromValues([Uint8Array.of(0xff, 0xd8, 0xff)]) as never, [], 'string'), o.name as string | undefined);
  });
}
