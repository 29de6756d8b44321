/**
 * `tf.io.decodeCompressed(bytes, compressionType)`: each string of a tensor inflated from a ZLIB
 * (RFC 1950) or GZIP (RFC 1952) stream, or passed through for ''. TF's op type DecodeCompressed.
 * A host-stage op on the pure-TypeScript inflate (so it runs without node:zlib); corrupt data is a
 * DataLossError naming the element and what failed, as TF's ZlibInputStream reports it. A
 * truncated stream is one too (TF's kernel returns the bytes inflated before the end), and an
 * element inflating past 1 GiB is TF's "Decompressed size exceeds 1GB limit".
 */
import { StringArray } from '../dtype.js';
import { DataLossError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { CodecError, inflateRaw, inflateZlib } from '../io/codecs/inflate.js';
import { crc32 } from '../io/codecs/png.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

/** The most one element may inflate to (TF's limit): beyond it is an error, not an allocation. */
export const MAX_DECOMPRESSED_BYTES = 1 << 30;

type Compression = '' | 'ZLIB' | 'GZIP';
interface Attrs { compressionType: Compression; [k: string]: unknown }

function gunzip(src: Uint8Array, max: number): Uint8Array {
  if (src.length < 18 || src[0] !== 0x1f || src[1] !== 0x8b) throw new CodecError('inflate: incorrect header check');
  if (src[2] !== 8) throw new CodecError('inflate: unknown compression method');
  const flg = src[3]!;
  if (flg & 0xe0) throw new CodecError('inflate: unknown header flags set');
  let p = 10;
  if (flg & 4) p += 2 + (src[p]! | (src[p + 1]! << 8)); // FEXTRA
  for (const bit of [8, 16]) if (flg & bit) { while (p < src.length && src[p] !== 0) p++; p++; } // FNAME, FCOMMENT
  if (flg & 2) p += 2; // FHCRC
  if (p >= src.length) throw new CodecError('inflate: unexpected end of compressed data');
  const { data, end } = inflateRaw(src, max, 0, p);
  if (end + 8 > src.length) throw new CodecError('inflate: unexpected end of compressed data');
  const dv = new DataView(src.buffer, src.byteOffset + end, 8);
  if (dv.getUint32(0, true) !== crc32(data)) throw new CodecError('inflate: incorrect data check');
  if (dv.getUint32(4, true) !== (data.length >>> 0)) throw new CodecError('inflate: incorrect length check');
  return data;
}

export function decompress(bytes: Uint8Array, type: Compression, what: string, max = MAX_DECOMPRESSED_BYTES): Uint8Array {
  if (type === '') return bytes;
  try {
    return type === 'ZLIB' ? inflateZlib(bytes, max) : gunzip(bytes, max);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    const why = e.message.replace(/^inflate: /, '');
    if (why === 'decompressed data exceeds the expected size') throw new InvalidArgumentError(`Decompressed size exceeds ${max === MAX_DECOMPRESSED_BYTES ? '1GB' : `${max} byte`} limit (${what})`);
    throw new DataLossError(`${what}: inflate() failed with error -3: ${why}`);
  }
}

defineOp<Attrs>({
  type: 'DecodeCompressed',
  infer: ([x]) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'bytes' has DataType ${x!.dtype} not in list of allowed values: string`);
    return [{ dtype: 'string', shape: x!.shape }];
  },
  lower: () => {
    throw new Error('DecodeCompressed runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DecodeCompressed', null);
registerHostOp('DecodeCompressed', function* (op, [x]) {
  const rows = x!.data as unknown as StringArray;
  const type = (op.attrs as Attrs).compressionType;
  const out = StringArray.fromValues(Array.from(rows, (r, i) => decompress(r, type, `DecodeCompressed '${op.name}', element ${i}`)));
  return [new NDArray(out as never, x!.shape, 'string')];
});

/** `tf.io.decodeCompressed(bytes, compressionType = '', name?)`. */
export function decodeCompressed(bytes: TensorLike, compressionType: string | { compressionType?: string; name?: string } = '', name?: string): Tensor {
  const o = typeof compressionType === 'object' && compressionType !== null ? compressionType : { compressionType, name };
  const c = o.compressionType ?? '';
  if (c !== '' && c !== 'ZLIB' && c !== 'GZIP') throw new InvalidArgumentError(`Only ZLIB, GZIP or NONE are supported compressions`);
  const x = toTensor(bytes, 'string');
  return makeOp(x.graph, 'DecodeCompressed', [x], { compressionType: c }, o.name, 'DecodeCompressed').outputs[0]!;
}
