/**
 * Reader for the IDX format used by MNIST and its look-alikes: a big-endian header
 * `0x00 0x00 <type> <ndims>`, then `ndims` big-endian uint32 sizes, then the values.
 */
import { fs as nodeFs, zlib } from '../platform/node-builtins.js';
import { basename } from '../platform/system.js';
import { DatasetError } from './errors.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** The full magic number, e.g. 0x00000803 for a rank-3 ubyte array. */
  magic: number;
  /** The element type code from the header (0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double). */
  typeCode: number;
  shape: number[];
  data: IdxData;
}

interface TypeInfo {
  name: string;
  bytes: number;
  read(view: DataView, offset: number, n: number): IdxData;
}

const TYPES: Record<number, TypeInfo> = {
  0x08: {
    name: 'ubyte',
    bytes: 1,
    read: (v, off, n) => new Uint8Array(v.buffer, v.byteOffset + off, n).slice(),
  },
  0x09: {
    name: 'byte',
    bytes: 1,
    read: (v, off, n) => new Int8Array(v.buffer, v.byteOffset + off, n).slice(),
  },
  0x0b: {
    name: 'short',
    bytes: 2,
    read: (v, off, n) => {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getInt16(off + 2 * i, false);
      return out;
    },
  },
  0x0c: {
    name: 'int',
    bytes: 4,
    read: (v, off, n) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getInt32(off + 4 * i, false);
      return out;
    },
  },
  0x0d: {
    name: 'float',
    bytes: 4,
    read: (v, off, n) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(off + 4 * i, false);
      return out;
    },
  },
  0x0e: {
    name: 'double',
    bytes: 8,
    read: (v, off, n) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(off + 8 * i, false);
      return out;
    },
  },
};

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface IdxHeader {
  magic: number;
  typeCode: number;
  info: TypeInfo;
  shape: number[];
  headerBytes: number;
  /** The file size the header declares (header + values). */
  expected: number;
}

/** Check and decode the header at the start of `bytes` (which may hold just the header). */
export function readHeader(bytes: Uint8Array, file: string, expectedMagic?: number): IdxHeader {
  const name = basename(file);
  if (bytes.length < 4) {
    throw new DatasetError(
      `${name}: truncated IDX file: expected at least 4 bytes of header, got ${bytes.length} (${file})`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DatasetError(
      `${name}: wrong magic number: expected ${hex32(expectedMagic)}, got ${hex32(magic)} (${file})`,
      file,
    );
  }
  const typeCode = bytes[2]!;
  const ndims = bytes[3]!;
  const info = TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || info === undefined) {
    throw new DatasetError(
      `${name}: not an IDX file: magic number ${hex32(magic)} should be 0x0000TTNN with a known type TT (${file})`,
      file,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      `${name}: truncated IDX file: expected ${headerBytes} header bytes for ${ndims} dimensions, got ${bytes.length} (${file})`,
      file,
    );
  }
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { magic, typeCode, info, shape, headerBytes, expected: headerBytes + count * info.bytes };
}

/**
 * Parse IDX bytes. `file` is only used in error messages. With `expectedMagic`, any other magic
 * number is an error (this pins both the element type and the rank).
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
  const name = basename(file);
  const { magic, typeCode, info, shape, headerBytes, expected } = readHeader(bytes, file, expectedMagic);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated IDX file' : 'IDX file has trailing bytes';
    throw new DatasetError(
      `${name}: ${what}: expected ${expected} bytes (${headerBytes}-byte header + ` +
        `[${shape.join(', ')}] ${info.name} values), got ${bytes.length} (${file})`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { magic, typeCode, shape, data: info.read(view, headerBytes, (expected - headerBytes) / info.bytes) };
}

/** Deflate expands at most 1032-fold, so no gzip file inflates to more than this many times its size. */
const MAX_INFLATE_RATIO = 1032;
/** The longest IDX header: 4 bytes and 255 dimensions. */
const MAX_HEADER = 4 + 4 * 255;

function gzipError(file: string, e: unknown): DatasetError {
  return new DatasetError(`${basename(file)}: corrupt or truncated gzip data: ${(e as Error).message} (${file})`, file);
}

/**
 * Gunzip an IDX file without inflating more than its header declares: the header is inflated
 * first from a growing prefix of the stream (each step bounded by the deflate ratio), checked,
 * and the whole stream is then inflated with the declared size as the output limit.
 */
function gunzipIdx(gz: Uint8Array, file: string, expectedMagic?: number): Uint8Array {
  let head = new Uint8Array(0);
  for (let take = 64; ; take *= 4) {
    const n = Math.min(take, gz.length);
    try {
      head = zlib.gunzipSync(gz.subarray(0, n), {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: n * MAX_INFLATE_RATIO + MAX_HEADER,
      });
    } catch (e) {
      throw gzipError(file, e);
    }
    if (n === gz.length || (head.length >= 4 && head.length >= 4 + 4 * head[3]!)) break;
  }
  const h = readHeader(head, file, expectedMagic);
  if (h.expected > gz.length * MAX_INFLATE_RATIO + MAX_HEADER) {
    throw new DatasetError(
      `${basename(file)}: the IDX header declares ${h.expected} bytes ([${h.shape.join(', ')}] ${h.info.name} values), ` +
        `more than ${gz.length} bytes of gzip data can inflate to (${file})`,
      file,
    );
  }
  try {
    return zlib.gunzipSync(gz, { maxOutputLength: Math.max(1, h.expected) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DatasetError(
        `${basename(file)}: IDX file has trailing bytes: the gzip data inflates to more than the ${h.expected} bytes ` +
          `its header declares ([${h.shape.join(', ')}] ${h.info.name} values) (${file})`,
        file,
      );
    }
    throw gzipError(file, e);
  }
}

/**
 * Read an IDX file from disk, gunzipping it first when it is gzip-compressed. The header is
 * checked before the values are read or inflated, and inflation stops at the size it declares.
 */
export function readIdxFile(file: string, expectedMagic?: number): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = nodeFs.readFileSync(file);
  } catch (e) {
    throw new DatasetError(`${basename(file)}: cannot read file: ${(e as Error).message}`, file);
  }
  if (isGzip(bytes)) bytes = gunzipIdx(bytes, file, expectedMagic);
  return parseIdx(bytes, file, expectedMagic);
}
