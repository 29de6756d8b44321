/**
 * TFRecord files: `tf.io.TFRecordWriter` (`tf.python_io.TFRecordWriter`), `tf.io.tfRecordIterator`,
 * `TFRecordOptions` and `TFRecordCompressionType`, with GZIP and ZLIB compression.
 *
 * A compressed file is one zlib (or gzip) stream over the framed records, as TF's
 * ZlibOutputBuffer writes it; the writer compresses what it holds on `close()` (a flush of a
 * compressed writer writes nothing yet). An uncompressed writer writes each record at once.
 */
import { ioError } from '../checkpoint/io.js';
import { DataLossError, NotFoundError, ResourceExhaustedError, ValueError } from '../errors.js';
import { fs as nodeFs, zlib } from '../platform/node-builtins.js';
import { encodeRecord, iterateRecords } from './records.js';

/** TF1's `tf.io.TFRecordCompressionType`. */
export const TFRecordCompressionType = { NONE: 0, ZLIB: 1, GZIP: 2 } as const;

export type CompressionType = '' | 'ZLIB' | 'GZIP';
type CompressionLike = CompressionType | 0 | 1 | 2 | null | undefined;

/** Normalise a compression type (string, enum value, or TFRecordOptions) to TF's string form. */
export function compressionString(c: CompressionLike | TFRecordOptions): CompressionType {
  if (c instanceof TFRecordOptions) return c.compressionType;
  if (c === null || c === undefined || c === '' || c === 0) return '';
  if (c === 'ZLIB' || c === 1) return 'ZLIB';
  if (c === 'GZIP' || c === 2) return 'GZIP';
  throw new ValueError(`Unsupported compression_type: ${String(c)}. Supported are '', 'ZLIB' and 'GZIP'.`);
}

/** TF1's `tf.io.TFRecordOptions(compressionType)`. */
export class TFRecordOptions {
  readonly compressionType: CompressionType;
  constructor(compressionType?: CompressionLike | { compressionType?: CompressionLike }) {
    const c = typeof compressionType === 'object' && compressionType !== null ? compressionType.compressionType : compressionType;
    this.compressionType = compressionString(c);
  }

  /** TF1's `TFRecordOptions.get_compression_type_string(options)`. */
  static getCompressionTypeString(options: TFRecordOptions | CompressionLike): CompressionType {
    return compressionString(options);
  }
}

const asBytes = (r: Uint8Array | string): Uint8Array => {
  if (typeof r === 'string') return new TextEncoder().encode(r);
  if (r instanceof Uint8Array) return r;
  throw new TypeError(`TFRecordWriter.write takes bytes (a Uint8Array) or a string, got ${typeof r}`);
};

/** `tf.io.TFRecordWriter(path, options?)`: write(record), flush(), close(). */
export class TFRecordWriter {
  private fd: number | null;
  private readonly compression: CompressionType;
  private pending: Uint8Array[] = [];
  readonly path: string;

  constructor(path: string, options?: TFRecordOptions | CompressionLike) {
    if (typeof path !== 'string' || path === '') throw new ValueError('TFRecordWriter needs a file path');
    this.path = path;
    this.compression = compressionString(options);
    try {
      this.fd = nodeFs.openSync(path, 'w');
    } catch (e) {
      throw new NotFoundError(`${path}; ${(e as Error).message}`);
    }
  }

  /** Append one record (bytes, or a string written as UTF-8). */
  write(record: Uint8Array | string): void {
    if (this.fd === null) throw new ValueError('Writer is closed.');
    const framed = encodeRecord(asBytes(record));
    if (this.compression === '') writeAll(this.fd, framed);
    else this.pending.push(framed);
  }

  /** Write what is buffered (uncompressed files are written record by record already). */
  flush(): void {
    if (this.fd === null) throw new ValueError('Writer is closed.');
    nodeFs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    if (this.compression !== '') {
      const all = Buffer.concat(this.pending);
      this.pending = [];
      writeAll(this.fd, this.compression === 'GZIP' ? zlib.gzipSync(all) : zlib.deflateSync(all));
    }
    nodeFs.closeSync(this.fd);
    this.fd = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += nodeFs.writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * A record file is read and inflated whole, so inflation stops here: a compressed stream that
 * inflates past this (a gzip bomb, or a file that should be sharded) is a ResourceExhaustedError
 * naming the file, not an allocation of many gigabytes.
 */
export const MAX_INFLATED_BYTES = 1 << 30;

/** `raw` (the bytes of `path`) decompressed; a broken stream is a DataLossError naming the file. */
export function decompressFile(raw: Uint8Array, compression: CompressionType, path: string): Uint8Array {
  // an empty file is an empty stream (TF's ZlibInputStream reads end of file at once), not a broken one
  if (compression === '' || raw.length === 0) return plain(raw);
  const opts = { maxOutputLength: MAX_INFLATED_BYTES };
  try {
    return plain(compression === 'GZIP' ? zlib.gunzipSync(raw, opts) : zlib.inflateSync(raw, opts));
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ResourceExhaustedError(`${compression} stream of ${path} inflates to more than ${MAX_INFLATED_BYTES} bytes; split the file into shards`);
    }
    throw new DataLossError(`${compression} stream of ${path} is corrupted or truncated: ${(e as Error).message}`);
  }
}

/** The record bytes of a record file, decompressed (a broken stream is a DataLossError naming the file). */
export function readRecordFile(path: string, compression: CompressionType): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = nodeFs.readFileSync(path);
  } catch (e) {
    // TF's errno classes: ENOENT NotFound, EISDIR FailedPrecondition, EACCES PermissionDenied
    throw ioError(e, path);
  }
  return decompressFile(raw, compression, path);
}

// Node Buffers' slice() is a view: hand out plain Uint8Arrays so copies are copies.
const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The records of one TFRecord file, lazily; each a fresh Uint8Array. */
export function* tfRecordIterator(path: string, options?: TFRecordOptions | CompressionLike): Generator<Uint8Array, void, undefined> {
  const bytes = readRecordFile(path, compressionString(options));
  for (const r of iterateRecords(bytes, path)) yield r.slice();
}
