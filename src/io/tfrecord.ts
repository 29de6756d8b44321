/**
 * TFRecord files: `tf.io.TFRecordWriter` (`tf.python_io.TFRecordWriter`), `tf.io.tfRecordIterator`,
 * `TFRecordOptions` and `TFRecordCompressionType`, with GZIP and ZLIB compression.
 *
 * A compressed file is one zlib (or gzip) stream over the framed records, as TF's
 * ZlibOutputBuffer writes it; the writer compresses what it holds on `close()` (a flush of a
 * compressed writer writes nothing yet). An uncompressed writer writes each record at once.
 */
import { ioError } from '../checkpoint/io.js';
import { DataLossError, NotFoundError, ValueError } from '../errors.js';
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

/** The record bytes of a TFRecord file, decompressed (a broken stream is a DataLossError naming the file). */
export function readRecordFile(path: string, compression: CompressionType): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = nodeFs.readFileSync(path);
  } catch (e) {
    // TF's errno classes: ENOENT NotFound, EISDIR FailedPrecondition, EACCES PermissionDenied
    throw ioError(e, path);
  }
  // an empty file is an empty stream (TF's ZlibInputStream reads end of file at once), not a broken one
  if (compression === '' || raw.length === 0) return plain(raw);
  try {
    return plain(compression === 'GZIP' ? zlib.gunzipSync(raw) : zlib.inflateSync(raw));
  } catch (e) {
    throw new DataLossError(`${compression} stream of ${path} is corrupted or truncated: ${(e as Error).message}`);
  }
}

// Node Buffers' slice() is a view: hand out plain Uint8Arrays so copies are copies.
const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The records of one TFRecord file, lazily; each a fresh Uint8Array. */
export function* tfRecordIterator(path: string, options?: TFRecordOptions | CompressionLike): Generator<Uint8Array, void, undefined> {
  const bytes = readRecordFile(path, compressionString(options));
  for (const r of iterateRecords(bytes, path)) yield r.slice();
}
