/**
 * TF's JPEG ops: DecodeJpeg, DecodeAndCropJpeg and ExtractJpegShape. Their output shapes come
 * from the bytes, so they are host-stage ops (src/session/host-stage.ts), as DecodeRaw; they run
 * in `dataset.map` functions the same way. Decoding is src/io/codecs/jpeg.ts (libjpeg-turbo's
 * numerics); the attrs are TF's, under TF's names, so GraphDefs round-trip with TF.
 */
import { kwargs } from '../../args.js';
import { StringArray } from '../../dtype.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { A, registerExporter } from '../../graphdef/export.js';
import { RULES, make } from '../../graphdef/import-rules.js';
import { type JpegDctMethod, JpegError, decodeJpegBytes, encodeJpegBytes, readJpegHeader } from '../../io/codecs/jpeg.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';

interface DecodeAttrs {
  channels: number;
  ratio: number;
  fancy_upscaling: boolean;
  try_recover_truncated: boolean;
  acceptable_fraction: number;
  dct_method: string;
  [k: string]: unknown;
}

/** absl::CEscape of the first 16 bytes, as TF's FileFormatString quotes an unknown file. */
function cEscape(b: Uint8Array): string {
  let s = '';
  for (const c of b.subarray(0, 16)) {
    if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x27) s += "\\'";
    else if (c === 0x5c) s += '\\\\';
    else if (c < 0x20 || c >= 0x7f) s += '\\' + c.toString(8).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

function scalarBytes(op: Operation, x: NDArray): Uint8Array {
  if (x.shape.length !== 0) throw new InvalidArgumentError(`contents must be scalar, got shape [${x.shape.join(',')}]`, op.name);
  return (x.data as unknown as StringArray)[0]!;
}

function checkMagic(op: Operation, b: Uint8Array): void {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return;
  const png = b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
  const gif = b.length >= 4 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38;
  if (png || gif) {
    throw new InvalidArgumentError(`${op.type}: the contents are ${png ? 'PNG' : 'GIF'}; decode them with tf.image.decodeImage or decode${png ? 'Png' : 'Gif'}`, op.name);
  }
  const what = b.length === 0 ? 'empty file' : `unknown format starting with '${cEscape(b)}'`;
  throw new InvalidArgumentError(`Expected image (JPEG, PNG, or GIF), got ${what}`, op.name);
}

function decodeHost(op: Operation, ins: NDArray[], a: DecodeAttrs, crop: boolean): NDArray {
  const bytes = scalarBytes(op, ins[0]!);
  checkMagic(op, bytes);
  let win: number[] | null = null;
  if (crop) {
    const w = ins[1]!;
    if (w.shape.length !== 1) throw new InvalidArgumentError(`crop_window must be 1-D, got shape [${w.shape.join(',')}]`, op.name);
    if (w.shape[0] !== 4) throw new InvalidArgumentError(`crop_size must have four elements [${w.shape.join(',')}]`, op.name);
    win = Array.from(w.data as Int32Array);
  }
  const bad = (): InvalidArgumentError => new InvalidArgumentError(`Invalid JPEG data or crop window, data size ${bytes.length}`, op.name);
  let img;
  try {
    let cropColumns: { x: number; width: number } | undefined;
    if (win) {
      // jpeg_mem.cc checks the window against the output size before decoding.
      const hd = readJpegHeader(bytes);
      const [y, x, h, w] = win as [number, number, number, number];
      const H = Math.ceil(hd.height / a.ratio), W = Math.ceil(hd.width / a.ratio);
      if (h <= 0 || w <= 0 || y < 0 || x < 0 || y + h > H || x + w > W) throw bad();
      cropColumns = { x, width: w };
    }
    img = decodeJpegBytes(bytes, {
      channels: a.channels as 0 | 1 | 3,
      ratio: a.ratio as 1 | 2 | 4 | 8,
      fancyUpscaling: a.fancy_upscaling,
      dctMethod: (a.dct_method === 'INTEGER_ACCURATE' ? 'INTEGER_ACCURATE' : 'INTEGER_FAST') as JpegDctMethod,
      tryRecoverTruncated: a.try_recover_truncated,
      acceptableFraction: a.acceptable_fraction,
      cropColumns,
    });
  } catch (e) {
    if (e instanceof JpegError) throw bad();
    throw e;
  }
  const { width, height, channels } = img;
  if (!win) return new NDArray(img.data, [height, width, channels], 'uint8');
  const [y, x0, h, w] = win as [number, number, number, number];
  const x = x0 - (img.xOffset ?? 0);
  const out = new Uint8Array(h * w * channels);
  for (let r = 0; r < h; r++) out.set(img.data.subarray(((y + r) * width + x) * channels, ((y + r) * width + x + w) * channels), r * w * channels);
  return new NDArray(out, [h, w, channels], 'uint8');
}

function checkDecodeAttrs(a: DecodeAttrs): void {
  if (![0, 1, 3].includes(a.channels)) throw new InvalidArgumentError(`channels must be 0, 1, or 3 for JPEG, got ${a.channels}`);
  if (![1, 2, 4, 8].includes(a.ratio)) throw new InvalidArgumentError(`ratio must be 1, 2, 4, or 8, got ${a.ratio}`);
  if (!['', 'INTEGER_FAST', 'INTEGER_ACCURATE'].includes(a.dct_method)) throw new InvalidArgumentError("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}");
}

const imageShape = (a: DecodeAttrs): (number | null)[] => [null, null, a.channels === 0 ? null : a.channels];

defineOp<DecodeAttrs>({
  type: 'DecodeJpeg',
  infer: ([x], a) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'contents' has DataType ${x!.dtype} not in list of allowed values: string`);
    if (x!.shape !== null && x!.shape.length !== 0) throw new InvalidArgumentError(`Shape must be rank 0 but is rank ${x!.shape.length} for 'DecodeJpeg' (op: 'DecodeJpeg') with input shapes: [${x!.shape.map((d) => d ?? '?').join(',')}].`);
    return [{ dtype: 'uint8', shape: imageShape(a) }];
  },
  lower: () => {
    throw new Error('DecodeJpeg runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DecodeJpeg', null);
registerHostOp('DecodeJpeg', function* (op, ins) {
  return [decodeHost(op, ins, op.attrs as DecodeAttrs, false)];
});

defineOp<DecodeAttrs>({
  type: 'DecodeAndCropJpeg',
  infer: ([x, w], a) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'contents' has DataType ${x!.dtype} not in list of allowed values: string`);
    if (w!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'crop_window' has DataType ${w!.dtype} not in list of allowed values: int32`);
    return [{ dtype: 'uint8', shape: imageShape(a) }];
  },
  lower: () => {
    throw new Error('DecodeAndCropJpeg runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DecodeAndCropJpeg', null);
registerHostOp('DecodeAndCropJpeg', function* (op, ins) {
  return [decodeHost(op, ins, op.attrs as DecodeAttrs, true)];
});

interface ShapeAttrs { output_type: 'int32' | 'int64'; [k: string]: unknown }
defineOp<ShapeAttrs>({
  type: 'ExtractJpegShape',
  infer: ([x], a) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'contents' has DataType ${x!.dtype} not in list of allowed values: string`);
    return [{ dtype: a.output_type, shape: [3] }];
  },
  lower: () => {
    throw new Error('ExtractJpegShape runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('ExtractJpegShape', null);
registerHostOp('ExtractJpegShape', function* (op, ins) {
  const bytes = scalarBytes(op, ins[0]!);
  const a = op.attrs as ShapeAttrs;
  let info;
  try {
    info = readJpegHeader(bytes);
  } catch (e) {
    if (e instanceof JpegError) throw new InvalidArgumentError(`Invalid JPEG data, size ${bytes.length}`, op.name);
    throw e;
  }
  const v = [info.height, info.width, info.components];
  return [a.output_type === 'int64' ? new NDArray(Float64Array.from(v) as never, [3], 'int64') : new NDArray(Int32Array.from(v), [3], 'int32')];
});

// ----- EncodeJpeg --------------------------------------------------------------------------
interface EncodeAttrs {
  format: string;
  quality: number;
  progressive: boolean;
  optimize_size: boolean;
  chroma_downsampling: boolean;
  density_unit: string;
  x_density: number;
  y_density: number;
  xmp_metadata: string;
  [k: string]: unknown;
}

function checkEncodeAttrs(a: EncodeAttrs): void {
  if (!['', 'grayscale', 'rgb'].includes(a.format)) throw new InvalidArgumentError(`format must be '', grayscale or rgb, got ${a.format}`);
  if (!(a.quality >= 0 && a.quality <= 100)) throw new InvalidArgumentError(`quality must be in [0,100], got ${a.quality}`);
  if (a.density_unit !== 'in' && a.density_unit !== 'cm') throw new InvalidArgumentError(`density_unit must be 'in' or 'cm'${a.density_unit}`);
}

defineOp<EncodeAttrs>({
  type: 'EncodeJpeg',
  infer: ([x]) => {
    if (x!.dtype !== 'uint8') throw new TypeError(`Value passed to parameter 'image' has DataType ${x!.dtype} not in list of allowed values: uint8`);
    if (x!.shape !== null && x!.shape.length !== 3) throw new InvalidArgumentError(`Shape must be rank 3 but is rank ${x!.shape.length} for 'EncodeJpeg' (op: 'EncodeJpeg') with input shapes: [${x!.shape.map((d) => d ?? '?').join(',')}].`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: () => {
    throw new Error('EncodeJpeg runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('EncodeJpeg', null);
registerHostOp('EncodeJpeg', function* (op, ins) {
  const a = op.attrs as EncodeAttrs;
  const x = ins[0]!;
  const dims = `[${x.shape.join(',')}]`;
  if (x.shape.length !== 3) throw new InvalidArgumentError(`image must be 3-dimensional${dims}`, op.name);
  const [h, w, c] = x.shape as [number, number, number];
  if (a.format === '') {
    if (c !== 1 && c !== 3) throw new InvalidArgumentError(`image must have 1 or 3 channels, got ${dims}`, op.name);
  } else {
    const want = a.format === 'grayscale' ? 1 : 3;
    if (c !== want) throw new InvalidArgumentError(`format ${a.format} expects ${want} channels, got ${dims}`, op.name);
  }
  let bytes: Uint8Array;
  try {
    bytes = encodeJpegBytes(x.data as Uint8Array, h, w, c as 1 | 3, {
      quality: a.quality,
      chromaDownsampling: a.chroma_downsampling,
      optimizeSize: a.optimize_size,
      progressive: a.progressive,
      densityUnit: a.density_unit === 'cm' ? 2 : 1,
      xDensity: a.x_density,
      yDensity: a.y_density,
      xmpMetadata: new TextEncoder().encode(a.xmp_metadata),
    });
  } catch (e) {
    if (e instanceof JpegError) throw new InvalidArgumentError('JPEG encoding failed', op.name);
    throw e;
  }
  return [new NDArray(StringArray.fromValues([bytes]) as never, [], 'string')];
});

// ----- GraphDef: TF's attrs both ways -------------------------------------------------------
const decodeExport = ({ attrs }: { attrs: Record<string, unknown> }) => ({
  channels: A.i(attrs.channels as number),
  ratio: A.i(attrs.ratio as number),
  fancy_upscaling: A.b(!!attrs.fancy_upscaling),
  try_recover_truncated: A.b(!!attrs.try_recover_truncated),
  acceptable_fraction: A.f(attrs.acceptable_fraction as number),
  dct_method: A.s(attrs.dct_method as string),
});
registerExporter(['DecodeJpeg', 'DecodeAndCropJpeg'], decodeExport);
registerExporter(['ExtractJpegShape'], ({ attrs }) => ({ output_type: A.type(attrs.output_type as 'int32') }));
for (const type of ['DecodeJpeg', 'DecodeAndCropJpeg']) {
  RULES.set(type, (c) =>
    make(c, type, c.inputs, {
      channels: c.attrs.int('channels', 0),
      ratio: c.attrs.int('ratio', 1),
      fancy_upscaling: c.attrs.bool('fancy_upscaling', true),
      try_recover_truncated: c.attrs.bool('try_recover_truncated', false),
      acceptable_fraction: c.attrs.float('acceptable_fraction', 1),
      dct_method: c.attrs.string('dct_method', ''),
    }),
  );
}
registerExporter(['EncodeJpeg'], ({ attrs }) => ({
  format: A.s(attrs.format as string),
  quality: A.i(attrs.quality as number),
  progressive: A.b(!!attrs.progressive),
  optimize_size: A.b(!!attrs.optimize_size),
  chroma_downsampling: A.b(!!attrs.chroma_downsampling),
  density_unit: A.s(attrs.density_unit as string),
  x_density: A.i(attrs.x_density as number),
  y_density: A.i(attrs.y_density as number),
  xmp_metadata: A.s(attrs.xmp_metadata as string),
}));
RULES.set('EncodeJpeg', (c) =>
  make(c, 'EncodeJpeg', c.inputs, {
    format: c.attrs.string('format', ''),
    quality: c.attrs.int('quality', 95),
    progressive: c.attrs.bool('progressive', false),
    optimize_size: c.attrs.bool('optimize_size', false),
    chroma_downsampling: c.attrs.bool('chroma_downsampling', true),
    density_unit: c.attrs.string('density_unit', 'in'),
    x_density: c.attrs.int('x_density', 300),
    y_density: c.attrs.int('y_density', 300),
    xmp_metadata: c.attrs.string('xmp_metadata', ''),
  }),
);
RULES.set('ExtractJpegShape', (c) => make(c, 'ExtractJpegShape', c.inputs, { output_type: c.attrs.type('output_type', 'int32') }));

// ----- public functions -------------------------------------------------------------------
const DECODE_NAMES = ['contents', 'channels', 'ratio', 'fancyUpscaling', 'tryRecoverTruncated', 'acceptableFraction', 'dctMethod', 'name'];

function decodeAttrs(o: Record<string, unknown>): DecodeAttrs {
  const a: DecodeAttrs = {
    channels: (o.channels as number | undefined) ?? 0,
    ratio: (o.ratio as number | undefined) ?? 1,
    fancy_upscaling: (o.fancyUpscaling as boolean | undefined) ?? true,
    try_recover_truncated: (o.tryRecoverTruncated as boolean | undefined) ?? false,
    acceptable_fraction: (o.acceptableFraction as number | undefined) ?? 1,
    dct_method: (o.dctMethod as string | undefined) ?? '',
  };
  checkDecodeAttrs(a);
  return a;
}

/**
 * `tf.image.decodeJpeg(contents, channels=0, ratio=1, fancyUpscaling=true,
 * tryRecoverTruncated=false, acceptableFraction=1, dctMethod='', name)`: a scalar string of JPEG
 * bytes → uint8 `[height, width, channels]`, the bytes libjpeg-turbo gives TF.
 */
export function decodeJpeg(...args: unknown[]): Tensor {
  const o = kwargs(args, DECODE_NAMES, 'decode_jpeg', 1);
  const x = toTensor(o.contents as TensorLike, 'string');
  return makeOp(x.graph, 'DecodeJpeg', [x], decodeAttrs(o), o.name as string | undefined, 'DecodeJpeg').outputs[0]!;
}

/**
 * `tf.image.decodeAndCropJpeg(contents, cropWindow, channels=0, ...)`: the window
 * `[y, x, height, width]` (int32) of the decoded image.
 */
export function decodeAndCropJpeg(...args: unknown[]): Tensor {
  const names = [DECODE_NAMES[0]!, 'cropWindow', ...DECODE_NAMES.slice(1)];
  const o = kwargs(args, names, 'decode_and_crop_jpeg', 2);
  const x = toTensor(o.contents as TensorLike, 'string');
  const w = toTensor(o.cropWindow as TensorLike, 'int32');
  return makeOp(x.graph, 'DecodeAndCropJpeg', [x, w], decodeAttrs(o), o.name as string | undefined, 'DecodeAndCropJpeg').outputs[0]!;
}

/** `tf.image.extractJpegShape(contents, outputType='int32', name)`: `[height, width, components]` from the header. */
export function extractJpegShape(...args: unknown[]): Tensor {
  const o = kwargs(args, ['contents', 'outputType', 'name'], 'extract_jpeg_shape', 1);
  const t = String(o.outputType ?? 'int32');
  if (t !== 'int32' && t !== 'int64') throw new TypeError(`Value passed to parameter 'output_type' has DataType ${t} not in list of allowed values: int32, int64`);
  const x = toTensor(o.contents as TensorLike, 'string');
  return makeOp(x.graph, 'ExtractJpegShape', [x], { output_type: t }, o.name as string | undefined, 'ExtractJpegShape').outputs[0]!;
}

/**
 * `tf.image.encodeJpeg(image, format='', quality=95, progressive=false, optimizeSize=false,
 * chromaDownsampling=true, densityUnit='in', xDensity=300, yDensity=300, xmpMetadata='', name)`:
 * a uint8 `[h, w, 1|3]` image → a scalar string of the bytes libjpeg writes for TF.
 */
export function encodeJpeg(...args: unknown[]): Tensor {
  const o = kwargs(args, ['image', 'format', 'quality', 'progressive', 'optimizeSize', 'chromaDownsampling', 'densityUnit', 'xDensity', 'yDensity', 'xmpMetadata', 'name'], 'encode_jpeg', 1);
  const a: EncodeAttrs = {
    format: (o.format as string | undefined) ?? '',
    quality: (o.quality as number | undefined) ?? 95,
    progressive: (o.progressive as boolean | undefined) ?? false,
    optimize_size: (o.optimizeSize as boolean | undefined) ?? false,
    chroma_downsampling: (o.chromaDownsampling as boolean | undefined) ?? true,
    density_unit: (o.densityUnit as string | undefined) ?? 'in',
    x_density: (o.xDensity as number | undefined) ?? 300,
    y_density: (o.yDensity as number | undefined) ?? 300,
    xmp_metadata: (o.xmpMetadata as string | undefined) ?? '',
  };
  checkEncodeAttrs(a);
  const x = toTensor(o.image as TensorLike, 'uint8');
  return makeOp(x.graph, 'EncodeJpeg', [x], a, o.name as string | undefined, 'EncodeJpeg').outputs[0]!;
}
