/**
 * TF's V2 tensor bundle: `<prefix>.index` (a table: key "" → BundleHeaderProto, tensor name →
 * BundleEntryProto) and `<prefix>.data-SSSSS-of-NNNNN` (the tensors' bytes, little-endian,
 * row-major). The writer reproduces TF's output byte for byte for what TF1's Saver writes:
 * keys sorted bytewise, data contiguous in key order, one shard, no padding.
 */
import type { FileHandle } from 'node:fs/promises';
import { crypto as nodeCrypto, fs, fsp, path } from '../platform/node-builtins.js';
import { endianness } from '../platform/system.js';
import { type DType, BYTES, arrayCtor, isComplex } from '../dtype.js';
import {
  DataLossError,
  InvalidArgumentError,
  NotFoundError,
  UnimplementedError,
  UnknownError,
} from '../errors.js';
import { NDArray } from '../ndarray.js';
import * as crc32c from './crc32c.js';
import {
  allocate,
  fileSizeSync,
  ioChunk,
  ioError,
  readFileSync,
  readFullySync,
  registerTemp,
  releaseTemp,
  removeTempFiles,
  saveStep,
} from './io.js';
import {
  type BundleEntryProto,
  type BundleHeaderProto,
  type TensorSliceProto,
  DataTypeEnum,
  ENDIANNESS_BIG,
  ENDIANNESS_LITTLE,
  ProtoRangeError,
  dataTypeName,
  dataTypeString,
  decodeBundleEntry,
  decodeBundleHeader,
  encodeBundleEntry,
  encodeBundleHeader,
} from './proto.js';
import { TableReader, TableWriter, type TableWriterOptions, compareBytes } from './sstable.js';
import { StringTensor } from './strings.js';
import { type TensorSlice, boxSize, copyBox, coversAll, encodeTensorNameSlice, intersect, sliceDebugString, sliceShape } from './tensor-slice.js';

/** The bundle format version this code writes (`kTensorBundleVersion`). */
export const TENSOR_BUNDLE_VERSION = 1;
/** Oldest producer version the reader accepts (`kTensorBundleMinProducer`). */
export const TENSOR_BUNDLE_MIN_PRODUCER = 0;

// ---------------------------------------------------------------- dtypes

/** A bundle entry's element type: tsflow's dtypes, `string`, or another TF type by name. */
export type BundleDType =
  | DType
  | 'string'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'bfloat16'
  | 'complex64'
  | 'complex128'
  | 'qint8'
  | 'quint8'
  | 'qint16'
  | 'quint16'
  | 'qint32'
  | 'resource'
  | 'variant'
  | 'invalid';

const ENUM_TO_DTYPE = new Map<number, BundleDType>([
  [DataTypeEnum.DT_INVALID, 'invalid'],
  [DataTypeEnum.DT_FLOAT, 'float32'],
  [DataTypeEnum.DT_DOUBLE, 'float64'],
  [DataTypeEnum.DT_INT32, 'int32'],
  [DataTypeEnum.DT_UINT8, 'uint8'],
  [DataTypeEnum.DT_INT16, 'int16'],
  [DataTypeEnum.DT_INT8, 'int8'],
  [DataTypeEnum.DT_STRING, 'string'],
  [DataTypeEnum.DT_COMPLEX64, 'complex64'],
  [DataTypeEnum.DT_INT64, 'int64'],
  [DataTypeEnum.DT_BOOL, 'bool'],
  [DataTypeEnum.DT_QINT8, 'qint8'],
  [DataTypeEnum.DT_QUINT8, 'quint8'],
  [DataTypeEnum.DT_QINT32, 'qint32'],
  [DataTypeEnum.DT_BFLOAT16, 'bfloat16'],
  [DataTypeEnum.DT_QINT16, 'qint16'],
  [DataTypeEnum.DT_QUINT16, 'quint16'],
  [DataTypeEnum.DT_UINT16, 'uint16'],
  [DataTypeEnum.DT_COMPLEX128, 'complex128'],
  [DataTypeEnum.DT_HALF, 'float16'],
  [DataTypeEnum.DT_RESOURCE, 'resource'],
  [DataTypeEnum.DT_VARIANT, 'variant'],
  [DataTypeEnum.DT_UINT32, 'uint32'],
  [DataTypeEnum.DT_UINT64, 'uint64'],
]);
const DTYPE_TO_ENUM = new Map<BundleDType, number>([...ENUM_TO_DTYPE].map(([k, v]) => [v, k]));

/** The BundleDType of a DataType enum value (unknown values map to 'invalid'). */
export function bundleDTypeFromEnum(v: number): BundleDType {
  return ENUM_TO_DTYPE.get(v) ?? 'invalid';
}

/** The DataType enum value of a BundleDType. */
export function bundleDTypeToEnum(d: BundleDType): number {
  const v = DTYPE_TO_ENUM.get(d);
  if (v === undefined) throw new InvalidArgumentError(`Unknown dtype ${d}`);
  return v;
}

const NUMERIC = new Set<BundleDType>([
  'float32', 'float64', 'int32', 'int64', 'bool', 'int8', 'uint8', 'int16', 'uint16', 'float16',
  'complex64', 'complex128',
]);

/** The byte width of one stored number: a complex element is two of them, (re, im). */
const partWidth = (d: DType): number => (isComplex(d) ? BYTES[d] / 2 : BYTES[d]);

/** Whether values of this dtype can be read into an NDArray. */
export function isNumericBundleDType(d: BundleDType): d is Exclude<DType, 'string'> {
  return NUMERIC.has(d);
}

// ---------------------------------------------------------------- naming

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}

/** `<prefix>.index` */
export function metaFilename(prefix: string): string {
  return `${prefix}.index`;
}

/** `<prefix>.data-00000-of-00001` */
export function dataFilename(prefix: string, shardId: number, numShards: number): string {
  return `${prefix}.data-${pad5(shardId)}-of-${pad5(numShards)}`;
}

function missingCheckpoint(prefix: string): NotFoundError {
  return new NotFoundError(
    `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${prefix}`,
  );
}

/** TF's missing-key error. */
export function keyNotFound(name: string): NotFoundError {
  return new NotFoundError(`Key ${name} not found in checkpoint`);
}

// ---------------------------------------------------------------- entries

export interface BundleEntry {
  /** The checkpoint key (variable name). */
  readonly name: string;
  readonly dtype: BundleDType;
  /** Dimensions as stored (-1 for an unknown one, which no readable tensor has). */
  readonly shape: number[];
  readonly shardId: number;
  /** Byte offset in the data shard. */
  readonly offset: number;
  /** Byte count in the data shard. */
  readonly size: number;
  /** Masked crc32c of the tensor, as stored. */
  readonly crc32c: number;
  /** Non-empty for a partitioned variable (not readable here). */
  readonly slices: TensorSliceProto[];
  /** The decoded BundleEntryProto. */
  readonly proto: BundleEntryProto;
}

export type TensorValue = NDArray | StringTensor;

const utf8 = new TextDecoder();
const utf8Encode = new TextEncoder();
/** A binary key as a string, one character per byte (to look slice keys up). */
function latin1(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 4096) out += String.fromCharCode(...b.subarray(i, i + 4096));
  return out;
}
const HOST_LITTLE = endianness() === 'LE';

function shapeString(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

function checkVersions(h: BundleHeaderProto, indexPath: string): void {
  const v = h.version;
  if (v.producer < TENSOR_BUNDLE_MIN_PRODUCER) {
    throw new InvalidArgumentError(
      `Checkpoint producer version ${v.producer} below min producer ${TENSOR_BUNDLE_MIN_PRODUCER} supported by this reader.  Please regenerate your checkpoint. (${indexPath})`,
    );
  }
  if (v.minConsumer > TENSOR_BUNDLE_VERSION) {
    throw new InvalidArgumentError(
      `Checkpoint min consumer version ${v.minConsumer} above current version ${TENSOR_BUNDLE_VERSION} of this reader. (${indexPath})`,
    );
  }
  if (v.badConsumers.includes(TENSOR_BUNDLE_VERSION)) {
    throw new InvalidArgumentError(
      `Checkpoint disallows consumer version ${TENSOR_BUNDLE_VERSION}. (${indexPath})`,
    );
  }
}

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * A file operation of {@link BundleReader}'s read of one tensor, on the one data file it opens
 * (size: the file's size; read: fill `buf` from file `position`, giving the bytes read).
 */
type FileOp =
  | { kind: 'open'; path: string }
  | { kind: 'size' }
  | { kind: 'read'; buf: Uint8Array; position: number }
  | { kind: 'close' };

/**
 * Runs `steps`, performing each operation it yields with `perform` and sending back the number
 * that returns, or throwing in what it throws.
 */
function runSteps<T>(steps: Generator<FileOp, T, number>, perform: (op: FileOp) => number): T {
  let r = steps.next(0);
  while (!r.done) {
    let n: number;
    try {
      n = perform(r.value);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(n);
  }
  return r.value;
}

/** {@link runSteps} with operations performed asynchronously. */
async function runStepsAsync<T>(steps: Generator<FileOp, T, number>, perform: (op: FileOp) => Promise<number>): Promise<T> {
  let r = steps.next(0);
  while (!r.done) r = await perform(r.value).then((n) => steps.next(n), (err: unknown) => steps.throw(err));
  return r.value;
}

/** Read into `buf` from `position` in bounded chunks; the bytes read (short at end of file). */
async function readFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const len = Math.min(buf.length - got, ioChunk());
    const { bytesRead } = await fh.read(buf.subarray(got, got + len), 0, len, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** DataType values TF defines (a bundle holding any other value is corrupt). */
const KNOWN_DTYPES = new Set<number>(Object.values(DataTypeEnum).filter((v) => v !== DataTypeEnum.DT_INVALID));

/** The exact element count of a shape (dims already checked to be non-negative). */
function elementCount(shape: readonly number[]): bigint {
  let n = 1n;
  for (const d of shape) n *= BigInt(d);
  return n;
}

/** The DataLossError for an entry field too large for a double, with its exact value. */
function rangeError(err: ProtoRangeError, key: string, indexPath: string): DataLossError {
  if (err.field === 'size') {
    return new DataLossError(`Invalid size in bundle entry: key ${key}; stored size ${err.value} (${indexPath})`);
  }
  if (err.field === 'offset') {
    return new DataLossError(`Invalid offset in bundle entry: key ${key}; offset ${err.value} (${indexPath})`);
  }
  return new DataLossError(`Invalid shape in bundle entry: key ${key}; dimension ${err.value} (${indexPath})`);
}

/** A read-only view of one tensor bundle. Open with {@link readBundle}. */
export class BundleReader {
  /** Tensor entries in key order (the header and partition slices are not listed). */
  readonly entries: readonly BundleEntry[];
  private readonly byName: Map<string, BundleEntry>;

  private constructor(
    readonly prefix: string,
    readonly header: BundleHeaderProto,
    entries: BundleEntry[],
    /** Table statistics of the `.index` file. */
    readonly table: { dataBlocks: number; compressedBlocks: number },
    /** Entries of the stored slices of partitioned tensors, by their binary key (as latin1). */
    private readonly sliceEntries: ReadonlyMap<string, BundleEntryProto>,
  ) {
    this.entries = entries;
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Path of the `.index` file. */
  get indexPath(): string {
    return metaFilename(this.prefix);
  }

  /**
   * Parse an `.index` file's bytes; `prefix` locates the data shards. Every malformed table or
   * entry is a DataLossError naming the index file (and the key, for an entry).
   */
  static fromIndexBytes(prefix: string, bytes: Uint8Array): BundleReader {
    const indexPath = metaFilename(prefix);
    const table = new TableReader(bytes, indexPath);
    let header: BundleHeaderProto | null = null;
    const entries: BundleEntry[] = [];
    const sliceEntries = new Map<string, BundleEntryProto>();
    const seen = new Set<string>();
    for (const [key, value] of table.entries()) {
      if (header === null) {
        if (key.length !== 0) {
          throw new DataLossError(`Failed to seek to the header entry of ${indexPath}`);
        }
        try {
          header = decodeBundleHeader(value);
        } catch {
          throw new DataLossError(`Unable to parse the header entry of ${indexPath}`);
        }
        checkVersions(header, indexPath);
        if (header.endianness !== ENDIANNESS_LITTLE && header.endianness !== ENDIANNESS_BIG) {
          throw new DataLossError(`Unknown endianness ${header.endianness} in the header of ${indexPath}`);
        }
        continue;
      }
      if (key.length === 0) throw new DataLossError(`Duplicate header entry (the empty key) in ${indexPath}`);
      // Keys of partition slices are binary (they start with a 0 byte): the values of one slice,
      // read through the full tensor's entry, which lists its slices.
      if (key[0] === 0) {
        try {
          sliceEntries.set(latin1(key), decodeBundleEntry(value));
        } catch (err) {
          throw new DataLossError(`Entry for a slice key not parseable. (${indexPath}: ${(err as Error).message})`);
        }
        continue;
      }
      const name = utf8.decode(key);
      if (seen.has(name)) throw new DataLossError(`Duplicate entry for key ${name} in ${indexPath}`);
      seen.add(name);
      let proto: BundleEntryProto;
      try {
        proto = decodeBundleEntry(value);
      } catch (err) {
        if (err instanceof ProtoRangeError) throw rangeError(err, name, indexPath);
        throw new DataLossError(`Entry for key ${name} not parseable. (${indexPath}: ${(err as Error).message})`);
      }
      entries.push({
        name,
        dtype: bundleDTypeFromEnum(proto.dtype),
        shape: proto.shape.dims.map((d) => d.size),
        shardId: proto.shardId,
        offset: proto.offset,
        size: proto.size,
        crc32c: proto.crc32c,
        slices: proto.slices,
        proto,
      });
    }
    if (header === null) throw new DataLossError(`Failed to seek to the header entry of ${indexPath}`);
    const blocks = table.dataBlocks();
    return new BundleReader(prefix, header, entries, {
      dataBlocks: blocks.length,
      compressedBlocks: blocks.filter((b) => b.compression !== 0).length,
    }, sliceEntries);
  }

  /** Open `<prefix>.index` (data shards are opened only when a tensor is read). */
  static async open(prefix: string): Promise<BundleReader> {
    const indexPath = metaFilename(prefix);
    let bytes: Uint8Array;
    try {
      const fh = await fsp.open(indexPath, 'r');
      try {
        const size = (await fh.stat()).size;
        const buf = allocate(size);
        bytes = buf.subarray(0, await readFully(fh, buf, 0));
      } finally {
        await fh.close();
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw missingCheckpoint(prefix);
      throw ioError(e, indexPath);
    }
    return BundleReader.fromIndexBytes(prefix, bytes);
  }

  /** Synchronous {@link open}. */
  static openSync(prefix: string): BundleReader {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(metaFilename(prefix));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw missingCheckpoint(prefix);
      throw ioError(e, metaFilename(prefix));
    }
    return BundleReader.fromIndexBytes(prefix, bytes);
  }

  get numShards(): number {
    return this.header.numShards;
  }

  /** Tensor names in key order. */
  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entry for `name`; NotFoundError `Key <name> not found in checkpoint` when absent. */
  entry(name: string): BundleEntry {
    const e = this.byName.get(name);
    if (e === undefined) throw keyNotFound(name);
    return e;
  }

  /** Path of the data shard holding `entry`. */
  dataPath(shardId: number): string {
    return dataFilename(this.prefix, shardId, this.header.numShards);
  }

  /**
   * Check an entry's claims against each other before anything is read or allocated; returns
   * its element count. (Its offset and size are checked against the data file when it is read.)
   */
  private checkReadable(e: BundleEntry): number {
    const where = this.indexPath;
    if (!KNOWN_DTYPES.has(e.proto.dtype)) {
      throw new DataLossError(`Invalid dtype in bundle entry: key ${e.name}; dtype ${dataTypeString(e.proto.dtype)} (${where})`);
    }
    if (e.proto.shape.unknownRank || e.shape.some((d) => d < 0)) {
      throw new DataLossError(`Invalid shape in bundle entry: key ${e.name}; shape ${shapeString(e.shape)} (${where})`);
    }
    if (e.shardId < 0 || e.shardId >= Math.max(1, this.header.numShards)) {
      throw new DataLossError(
        `Invalid shard id in bundle entry: key ${e.name}; shard ${e.shardId} of ${this.header.numShards} (${where})`,
      );
    }
    if (e.offset < 0) throw new DataLossError(`Invalid offset in bundle entry: key ${e.name}; offset ${e.offset} (${where})`);
    if (e.size < 0) throw new DataLossError(`Invalid size in bundle entry: key ${e.name}; stored size ${e.size} (${where})`);
    const elements = elementCount(e.shape);
    if (isNumericBundleDType(e.dtype)) {
      const expected = elements * BigInt(BYTES[e.dtype]);
      if (BigInt(e.size) !== expected) {
        throw new DataLossError(
          `Invalid size in bundle entry: key ${e.name}; stored size ${e.size}; expected size ${expected} (${where})`,
        );
      }
    } else if (e.dtype === 'string') {
      // Each element takes at least its one-byte length, and the lengths' checksum 4 bytes.
      if (elements + 4n > BigInt(e.size)) {
        throw new DataLossError(
          `Invalid size in bundle entry: key ${e.name}; stored size ${e.size} cannot hold ${elements} strings (${where})`,
        );
      }
    } else {
      throw new UnimplementedError(
        `Key ${e.name} has dtype ${dataTypeString(e.proto.dtype)}, which this reader does not support (${where})`,
      );
    }
    return Number(elements);
  }

  /** Data shards held in memory (by file name), for a reader made by {@link fromBytes}. */
  private memory: Map<string, Uint8Array> | null = null;

  /**
   * A bundle held in memory (no file system: browsers, downloads, `fetch`ed bytes): the
   * `.index` file's bytes and its data shards' in shard order. `prefix` names the bundle in
   * error messages. Everything is checked as for files on disk.
   */
  static fromBytes(prefix: string, index: Uint8Array, shards: Uint8Array | readonly Uint8Array[]): BundleReader {
    const r = BundleReader.fromIndexBytes(prefix, index);
    const list = shards instanceof Uint8Array ? [shards] : shards;
    const n = Math.max(1, r.numShards);
    if (list.length !== n) {
      throw new InvalidArgumentError(`${r.indexPath} names ${n} data shard(s); ${list.length} given`);
    }
    r.memory = new Map(list.map((b, i) => [r.dataPath(i), b]));
    return r;
  }

  /** The file operations of readSteps, on the shards in memory. */
  private memoryOps(): (op: FileOp) => number {
    let file: Uint8Array | undefined;
    return (op) => {
      if (op.kind === 'open') {
        file = this.memory!.get(op.path);
        if (file === undefined) throw new NotFoundError(`${op.path}; No such file or directory`);
      } else if (op.kind === 'size') return file!.length;
      else if (op.kind === 'read') {
        const got = file!.subarray(op.position, op.position + op.buf.length);
        op.buf.set(got);
        return got.length;
      }
      return 0;
    };
  }

  /** Read and verify one tensor (a partitioned one is put together from its stored slices). */
  async read(name: string): Promise<TensorValue> {
    return this.readSlice(name, null);
  }

  /** Synchronous {@link read}. */
  readSync(name: string): TensorValue {
    return this.readSliceSync(name, null);
  }

  /**
   * Read the part `slice` of tensor `name` (null: all of it), from a whole tensor or from the
   * stored slices of a partitioned one (TF's BundleReader::LookupSlice; the slices must cover it).
   */
  async readSlice(name: string, slice: TensorSlice | null): Promise<TensorValue> {
    const steps = this.sliceSteps(name, slice);
    if (this.memory) return runSteps(steps, this.memoryOps());
    let fh: FileHandle | undefined;
    return runStepsAsync(steps, async (op) => {
      if (op.kind === 'open') fh = await fsp.open(op.path, 'r');
      else if (op.kind === 'size') return (await fh!.stat()).size;
      else if (op.kind === 'read') return readFully(fh!, op.buf, op.position);
      else await fh!.close();
      return 0;
    });
  }

  /** Synchronous {@link readSlice}. */
  readSliceSync(name: string, slice: TensorSlice | null): TensorValue {
    const steps = this.sliceSteps(name, slice);
    if (this.memory) return runSteps(steps, this.memoryOps());
    let fd = -1;
    return runSteps(steps, (op) => {
      if (op.kind === 'open') fd = fs.openSync(op.path, 'r');
      else if (op.kind === 'size') return fileSizeSync(fd);
      else if (op.kind === 'read') return readFullySync(fd, op.buf, op.position);
      else fs.closeSync(fd);
      return 0;
    });
  }

  /**
   * The stored pieces `want` of `e` needs, each with the slice it holds: the whole tensor, or the
   * stored slices overlapping `want`, which must cover it (TF's text otherwise).
   */
  private piecesFor(e: BundleEntry, want: TensorSlice): { entry: BundleEntry; stored: TensorSlice }[] {
    const full: TensorSlice = e.shape.map(() => ({ start: 0 }));
    if (e.slices.length === 0) return [{ entry: e, stored: full }];
    const stored = e.slices.map((p) => p.extents as TensorSlice);
    for (const st of stored) {
      if (st.length !== e.shape.length) throw new DataLossError(`Slice ${sliceDebugString(st)} of key ${e.name} does not match its rank ${e.shape.length} (${this.indexPath})`);
      try {
        sliceShape(st, e.shape);
      } catch (err) {
        throw new DataLossError(`Invalid slice of key ${e.name}: ${(err as Error).message} (${this.indexPath})`);
      }
    }
    for (let i = 0; i < stored.length; i++) {
      for (let j = i + 1; j < stored.length; j++) {
        if (intersect(stored[i]!, stored[j]!, e.shape)) {
          throw new DataLossError(`Overlapping slices of key ${e.name}: ${sliceDebugString(stored[i]!)} and ${sliceDebugString(stored[j]!)} (${this.indexPath})`);
        }
      }
    }
    const pieces: { entry: BundleEntry; stored: TensorSlice }[] = [];
    let covered = 0;
    for (const st of stored) {
      const box = intersect(st, want, e.shape);
      if (!box) continue;
      covered += boxSize(box);
      const key = latin1(encodeTensorNameSlice(e.name, st));
      const proto = this.sliceEntries.get(key);
      if (proto === undefined) throw new DataLossError(`Missing the stored slice ${sliceDebugString(st)} of key ${e.name} (${this.indexPath})`);
      const label = `${e.name} (slice ${sliceDebugString(st)})`;
      pieces.push({
        entry: { name: label, dtype: bundleDTypeFromEnum(proto.dtype), shape: proto.shape.dims.map((d) => d.size), shardId: proto.shardId, offset: proto.offset, size: proto.size, crc32c: proto.crc32c, slices: [], proto },
        stored: st,
      });
    }
    if (covered !== boxSize(intersect(want, want, e.shape) ?? [])) {
      throw new InvalidArgumentError(`Does not have sufficient slices for partitioned tensor ${e.name} to restore in slice_spec: ${sliceDebugString(want)}`);
    }
    return pieces;
  }

  /** Reading part `slice` of `name`: its pieces one after another, then copied together. */
  private *sliceSteps(name: string, slice: TensorSlice | null): Generator<FileOp, TensorValue, number> {
    const e = this.entry(name);
    const want: TensorSlice = slice ?? e.shape.map(() => ({ start: 0 }));
    if (want.length !== e.shape.length) {
      throw new InvalidArgumentError(`Slice ${sliceDebugString(want)} does not match the rank of ${name}, shape [${e.shape.join(',')}]`);
    }
    if (e.slices.length === 0 && coversAll(want, e.shape)) return yield* this.readSteps(e);
    const shape = sliceShape(want, e.shape);
    const n = shape.reduce((a, b) => a * b, 1);
    if (n === 0) {
      this.checkReadable(e);
      return e.dtype === 'string' ? new StringTensor([], shape) : NDArray.zeros(shape, e.dtype as DType);
    }
    const pieces = this.piecesFor(e, want);
    const values: TensorValue[] = [];
    for (const p of pieces) {
      const v = yield* this.readSteps(p.entry);
      const stShape = sliceShape(p.stored, e.shape);
      if (v.shape.length !== stShape.length || v.shape.some((d, i) => d !== stShape[i])) {
        throw new DataLossError(`Stored slice of key ${p.entry.name} has shape [${v.shape.join(',')}], expected [${stShape.join(',')}] (${this.indexPath})`);
      }
      if (v.dtype !== e.dtype) throw new DataLossError(`Stored slice of key ${p.entry.name} has dtype ${v.dtype}, the tensor ${e.dtype} (${this.indexPath})`);
      values.push(v);
    }
    if (pieces.length === 1 && sliceShape(pieces[0]!.stored, e.shape).every((d, i) => d === shape[i]) && intersect(pieces[0]!.stored, want, e.shape)!.every(([lo, hi], d) => hi - lo === shape[d])) {
      return values[0]!;
    }
    if (e.dtype === 'string') {
      const out: Uint8Array[] = new Array(n);
      pieces.forEach((p, i) => copyBox(e.shape, intersect(p.stored, want, e.shape)!, p.stored, (values[i] as StringTensor).bytes, want, out));
      return new StringTensor(out, shape);
    }
    const first = (values[0] as NDArray).data;
    const data = new (first.constructor as new (n: number) => typeof first)(n);
    pieces.forEach((p, i) => copyBox(e.shape, intersect(p.stored, want, e.shape)!, p.stored, (values[i] as NDArray).data as ArrayLike<number>, want, data as unknown as number[]));
    return new NDArray(data, shape, e.dtype as DType);
  }

  /**
   * Reading one stored tensor, written once for the synchronous and asynchronous readers:
   * yields the file operations for the caller to perform, synchronously or not, and is sent back
   * what each returned, or thrown what an operation threw. Nothing is allocated before the
   * entry's bytes are known to lie inside the data file.
   */
  private *readSteps(e: BundleEntry): Generator<FileOp, TensorValue, number> {
    const elements = this.checkReadable(e);
    const path = this.dataPath(e.shardId);
    try {
      yield { kind: 'open', path };
    } catch (err) {
      throw ioError(err, path);
    }
    let buf: Uint8Array;
    try {
      const fileSize = yield { kind: 'size' };
      if (e.offset + e.size > fileSize) throw this.truncated(e, path, fileSize);
      buf = allocate(e.size);
      const got = yield { kind: 'read', buf, position: e.offset };
      if (got < e.size) throw this.truncated(e, path, e.offset + got);
    } catch (err) {
      throw ioError(err, path);
    } finally {
      yield { kind: 'close' };
    }
    return this.decode(e, buf, path, elements);
  }

  private truncated(e: BundleEntry, path: string, fileSize: number): DataLossError {
    return new DataLossError(
      `Data file ${path} is truncated: key ${e.name} needs ${e.size} bytes at offset ${e.offset}, the file holds ${fileSize}`,
    );
  }

  private checksumError(e: BundleEntry, path: string, actual: number): DataLossError {
    const stored = String(crc32c.unmask(e.crc32c)).padStart(8, '0');
    return new DataLossError(
      `TensorBundle at ${this.prefix} shard ${e.shardId} (${e.size} bytes): Checksum does not match: stored ${stored} vs. calculated on the restored bytes ${actual} (key ${e.name} in ${path})`,
    );
  }

  /** Verify and convert the raw bytes of `e` (a fresh buffer, which may be reused). */
  private decode(e: BundleEntry, bytes: Uint8Array, path: string, n: number): TensorValue {
    if (e.dtype === 'string') return this.decodeStrings(e, bytes, path, n);
    const dtype = e.dtype as DType;
    const actual = crc32c.value(bytes);
    if (crc32c.mask(actual) !== e.crc32c) throw this.checksumError(e, path, actual);
    const width = partWidth(dtype);
    const fileLittle = this.header.endianness === ENDIANNESS_LITTLE;
    if (fileLittle !== HOST_LITTLE) swapBytes(bytes, width);
    const buffer = bytes.buffer as ArrayBuffer;
    switch (dtype) {
      case 'int64': {
        const src = new BigInt64Array(buffer, bytes.byteOffset, n);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
        return new NDArray(out, e.shape, 'int64');
      }
      case 'bool': {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = bytes[i]! !== 0 ? 1 : 0;
        return new NDArray(out, e.shape, 'bool');
      }
      default: {
        const Ctor = arrayCtor(dtype);
        return new NDArray(new Ctor(buffer, bytes.byteOffset, isComplex(dtype) ? 2 * n : n), e.shape, dtype);
      }
    }
  }

  /**
   * String layout: a varint64 length per element, a masked crc32c (4 bytes) of the lengths
   * (each hashed as uint32 LE, or uint64 LE when it does not fit), then the bytes. The entry's
   * crc covers the hashed lengths, the 4 stored bytes and the string bytes.
   */
  private decodeStrings(e: BundleEntry, bytes: Uint8Array, path: string, n: number): StringTensor {
    const bad = (what: string): DataLossError =>
      new DataLossError(`Bad string tensor data for key ${e.name} in ${path}: ${what}`);
    const lengths: number[] = new Array(n);
    let pos = 0;
    let crc = 0;
    const scratch = new DataView(new ArrayBuffer(8));
    const scratchBytes = new Uint8Array(scratch.buffer);
    for (let i = 0; i < n; i++) {
      let len = 0;
      let mul = 1;
      for (let k = 0; ; k++) {
        if (k >= 10 || pos >= bytes.length) throw bad('truncated element length');
        const b = bytes[pos++]!;
        len += (b & 0x7f) * mul;
        if ((b & 0x80) === 0) break;
        mul *= 0x80;
      }
      lengths[i] = len;
      if (len <= 0xffffffff) {
        scratch.setUint32(0, len, true);
        crc = crc32c.extend(crc, scratchBytes.subarray(0, 4));
      } else {
        scratch.setBigUint64(0, BigInt(len), true);
        crc = crc32c.extend(crc, scratchBytes);
      }
    }
    if (pos + 4 > bytes.length) throw bad('truncated length checksum');
    const storedBytes = bytes.subarray(pos, pos + 4);
    const storedLengthCrc = new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getUint32(0, true);
    if (storedLengthCrc !== crc32c.mask(crc)) {
      throw new DataLossError(
        `The length checksum does not match: expected ${crc32c.unmask(storedLengthCrc)} but actual is ${crc} (key ${e.name} in ${path})`,
      );
    }
    crc = crc32c.extend(crc, storedBytes);
    pos += 4;
    const out: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = lengths[i]!;
      if (pos + len > bytes.length) throw bad('element runs past the entry');
      const s = bytes.slice(pos, pos + len);
      crc = crc32c.extend(crc, s);
      out[i] = s;
      pos += len;
    }
    if (pos !== bytes.length) throw bad(`entry holds ${bytes.length} bytes but the elements use ${pos}`);
    if (crc32c.mask(crc) !== e.crc32c) throw this.checksumError(e, path, crc);
    return new StringTensor(out, e.shape);
  }

  /** Every tensor, read and verified, in key order. */
  async readAll(): Promise<Map<string, TensorValue>> {
    const out = new Map<string, TensorValue>();
    for (const e of this.entries) out.set(e.name, await this.read(e.name));
    return out;
  }

  /** Lines `name (DT_FLOAT) [2,3]`, as TF's BundleReader::DebugString prints them. */
  debugString(): string {
    return this.entries
      .map((e) => `${e.name} (${dataTypeName(e.proto.dtype)}) ${shapeString(e.shape)}\n`)
      .join('');
  }
}

/** Open a bundle by prefix: reads and verifies the index; tensors are read on demand. */
export function readBundle(prefix: string): Promise<BundleReader> {
  return BundleReader.open(prefix);
}

// ---------------------------------------------------------------- writing

export interface BundleTensor {
  name: string;
  /** The values: the whole tensor, or the slice `slice` names. */
  array: TensorValue;
  /**
   * For one slice of a partitioned variable: the full tensor's shape and where this slice lies
   * in it. The bundle lists the slice in the full tensor's entry and stores the values under
   * the slice's own key (TF's BundleWriter::AddSlice); a slice covering everything is stored
   * as a plain tensor.
   */
  slice?: { fullShape: readonly number[]; extents: TensorSlice };
}

/** The file operations the writer uses; replaceable to inject failures in tests. */
export interface BundleFileSystem {
  open(path: string, flags: string): Promise<{
    write(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
}

const nodeFs: BundleFileSystem = {
  open: (p, f) => fsp.open(p, f),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  link: (a, b) => fsp.link(a, b),
  copyFile: (a, b) => fsp.copyFile(a, b),
};

export interface WriteBundleOptions {
  /** Table block size of the `.index` (default 262144, as TF). */
  blockSize?: number;
  /** fsync the files before renaming them into place (default true). */
  sync?: boolean;
  /** Replace the file operations (fault injection in tests). Missing members use node:fs. */
  fs?: Partial<BundleFileSystem>;
}

export interface WriteBundleResult {
  prefix: string;
  indexPath: string;
  dataPath: string;
  /** The entries written, in key order. */
  entries: BundleEntry[];
}

/** Bytes of a numeric array as TF stores them (little-endian). May share memory with `a`. */
export function tensorBytes(a: NDArray): Uint8Array {
  const n = a.size;
  switch (a.dtype) {
    case 'int64': {
      const out = new BigInt64Array(n);
      const src = a.data as Float64Array;
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        if (!Number.isFinite(v)) {
          throw new InvalidArgumentError(`int64 tensor holds a non-finite value ${v}`);
        }
        out[i] = BigInt.asIntN(64, BigInt(Math.trunc(v)));
      }
      const bytes = new Uint8Array(out.buffer);
      if (!HOST_LITTLE) swapBytes(bytes, 8);
      return bytes;
    }
    case 'bool': {
      const src = a.data as Uint8Array;
      let clean = true;
      for (let i = 0; i < n && clean; i++) if (src[i]! > 1) clean = false;
      if (clean) return src;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i]! !== 0 ? 1 : 0;
      return out;
    }
    default: {
      const d = a.data;
      const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      if (HOST_LITTLE) return bytes;
      const copy = bytes.slice();
      swapBytes(copy, partWidth(a.dtype));
      return copy;
    }
  }
}

/** On-disk pieces of a string tensor and its (unmasked) crc32c. */
export function stringTensorChunks(t: StringTensor): { chunks: Uint8Array[]; size: number; crc: number } {
  const head: number[] = [];
  let crc = 0;
  const scratch = new DataView(new ArrayBuffer(8));
  const scratchBytes = new Uint8Array(scratch.buffer);
  for (const b of t.bytes) {
    let len = b.length;
    if (len <= 0xffffffff) {
      scratch.setUint32(0, len, true);
      crc = crc32c.extend(crc, scratchBytes.subarray(0, 4));
    } else {
      scratch.setBigUint64(0, BigInt(len), true);
      crc = crc32c.extend(crc, scratchBytes);
    }
    while (len >= 0x80) {
      head.push((len % 0x80) | 0x80);
      len = Math.floor(len / 0x80);
    }
    head.push(len);
  }
  const lengthCrc = new Uint8Array(4);
  new DataView(lengthCrc.buffer).setUint32(0, crc32c.mask(crc), true);
  crc = crc32c.extend(crc, lengthCrc);
  let size = head.length + 4;
  for (const b of t.bytes) {
    crc = crc32c.extend(crc, b);
    size += b.length;
  }
  return { chunks: [Uint8Array.from(head), lengthCrc, ...t.bytes], size, crc };
}

/** `<path>.tempstate<random>`, TF's name for a file being written; registered as active. */
export function tempName(path: string): string {
  return registerTemp(`${path}.tempstate${nodeCrypto.randomBytes(8).readBigUInt64LE(0)}`);
}

/** A fresh backup prefix `<prefix>.tempstate<random>`; its two file names are registered as active. */
export function backupPrefix(prefix: string): string {
  const b = `${prefix}.tempstate${nodeCrypto.randomBytes(8).readBigUInt64LE(0)}`;
  registerTemp(dataFilename(b, 0, 1));
  registerTemp(metaFilename(b));
  return b;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Remove temporary files that saves under `savePath` (or `savePath-<step>`) left behind when they
 * were killed: `.tempstate<n>` data, index and backup files. Files this process is writing now
 * and checkpoints in `keep` (prefixes a state file still lists) stay. Returns the paths removed.
 */
export function removeStaleTempFiles(savePath: string, keep: ReadonlySet<string> = new Set()): string[] {
  const dir = path.dirname(savePath);
  const base = escapeRegExp(path.basename(savePath));
  const part = '(?:\\.index|\\.data-\\d{5}-of-\\d{5})';
  const re = new RegExp(`^(${base}(?:--?\\d+)?)(${part}?)\\.tempstate\\d+(${part}?)$`);
  const keepResolved = new Set([...keep].map((k) => path.resolve(k)));
  return removeTempFiles(dir, (n) => {
    const m = re.exec(n);
    if (m === null) return null;
    // `<p>.tempstate<n>.index` / `.data-…` belong to a backup checkpoint `<p>.tempstate<n>`.
    if (m[2] === '' && m[3] !== '' && keepResolved.has(path.resolve(dir, n.slice(0, n.length - m[3]!.length)))) return null;
    return path.join(dir, n);
  });
}

/** Buffered sequential writer over a file handle; each write call moves at most {@link ioChunk} bytes. */
class Sink {
  private readonly buf = new Uint8Array(1 << 20);
  private len = 0;
  private pos = 0;
  constructor(private readonly fh: Awaited<ReturnType<BundleFileSystem['open']>>) {}

  private async writeFully(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) {
      const len = Math.min(b.length - off, ioChunk());
      const { bytesWritten } = await this.fh.write(b.subarray(off, off + len), 0, len, this.pos);
      if (bytesWritten <= 0) throw new UnknownError('write made no progress');
      off += bytesWritten;
      this.pos += bytesWritten;
    }
  }

  async write(b: Uint8Array): Promise<void> {
    if (this.len + b.length <= this.buf.length) {
      this.buf.set(b, this.len);
      this.len += b.length;
      return;
    }
    await this.flush();
    if (b.length >= this.buf.length) await this.writeFully(b);
    else {
      this.buf.set(b, 0);
      this.len = b.length;
    }
  }

  async flush(): Promise<void> {
    if (this.len === 0) return;
    const chunk = this.buf.subarray(0, this.len);
    this.len = 0;
    await this.writeFully(chunk);
  }
}

/** What the index holds, in key order: tensors with their data, and the entries of sliced tensors. */
type IndexItem =
  | { t: BundleTensor; key: Uint8Array; full?: undefined }
  | { full: BundleEntryProto; name: string; key: Uint8Array; t?: undefined };

/** Check names and values, and order the entries bytewise by key (slice keys first: they start with 0). */
function prepare(tensors: readonly BundleTensor[]): IndexItem[] {
  const plain = new Set<string>();
  const sliced = new Map<string, { proto: BundleEntryProto; specs: Set<string> }>();
  const items: IndexItem[] = [];
  for (const t of tensors) {
    if (typeof t.name !== 'string' || t.name === '') {
      throw new InvalidArgumentError('Tensor bundle keys must be non-empty strings (the empty key holds the header)');
    }
    if (!(t.array instanceof NDArray) && !(t.array instanceof StringTensor)) {
      throw new InvalidArgumentError(`Value for key ${t.name} must be an NDArray or a StringTensor`);
    }
    const s = t.slice;
    if (s === undefined || coversAll(s.extents, s.fullShape)) {
      if (plain.has(t.name) || sliced.has(t.name)) throw new InvalidArgumentError(`Adding duplicate key: ${t.name}`);
      plain.add(t.name);
      items.push({ t, key: utf8Encode.encode(t.name) });
      continue;
    }
    const shape = sliceShape(s.extents, s.fullShape);
    if (shape.length !== t.array.shape.length || shape.some((d, i) => d !== t.array.shape[i])) {
      throw new InvalidArgumentError(`Slice ${sliceDebugString(s.extents)} of ${t.name} has shape [${shape.join(',')}] but its value has shape [${t.array.shape.join(',')}]`);
    }
    if (plain.has(t.name)) throw new InvalidArgumentError(`Adding duplicate key: ${t.name}`);
    let full = sliced.get(t.name);
    if (full === undefined) {
      full = {
        proto: { dtype: bundleDTypeToEnum(t.array.dtype), shape: { dims: s.fullShape.map((d) => ({ size: d })), unknownRank: false }, shardId: 0, offset: 0, size: 0, crc32c: 0, slices: [] },
        specs: new Set(),
      };
      sliced.set(t.name, full);
      items.push({ full: full.proto, name: t.name, key: utf8Encode.encode(t.name) });
    } else {
      const dims = full.proto.shape.dims.map((d) => d.size);
      if (full.proto.dtype !== bundleDTypeToEnum(t.array.dtype) || dims.length !== s.fullShape.length || dims.some((d, i) => d !== s.fullShape[i])) {
        throw new InvalidArgumentError(`Slices of ${t.name} disagree on its dtype or full shape`);
      }
    }
    const spec = sliceDebugString(s.extents);
    if (full.specs.has(spec)) throw new InvalidArgumentError(`Adding duplicate key: ${t.name} slice ${spec}`);
    full.specs.add(spec);
    full.proto.slices.push({ extents: s.extents.map((e) => ({ ...e })) });
    items.push({ t, key: encodeTensorNameSlice(t.name, s.extents) });
  }
  items.sort((a, b) => compareBytes(a.key, b.key));
  return items;
}

/** The index entry of a sliced tensor (no data of its own), added to `table`. */
function addFullEntry(table: TableWriter, item: { full: BundleEntryProto; name: string; key: Uint8Array }): BundleEntry {
  const p = item.full;
  table.add(item.key, encodeBundleEntry(p));
  return { name: item.name, dtype: bundleDTypeFromEnum(p.dtype), shape: p.shape.dims.map((d) => d.size), shardId: 0, offset: 0, size: 0, crc32c: 0, slices: p.slices, proto: p };
}

/** A bundle written under temporary names, not yet in place. */
export interface StagedBundle extends WriteBundleResult {
  /**
   * Rename the files into place, data first and index last. A data file already there is kept
   * under a backup name until the index is in place, so that a failure puts it back.
   */
  commit(): Promise<void>;
  /** Remove the temporary files. */
  abort(): Promise<void>;
}

/**
 * Write a bundle's data file and index under temporary names next to their final ones; nothing
 * at `prefix` changes until {@link StagedBundle.commit}. On failure the temporary files are gone.
 */
export async function stageBundle(
  prefix: string,
  tensors: readonly BundleTensor[],
  options: WriteBundleOptions = {},
): Promise<StagedBundle> {
  const io: BundleFileSystem = { ...nodeFs, ...options.fs };
  const sync = options.sync ?? true;
  const items = prepare(tensors);
  const dataPath = dataFilename(prefix, 0, 1);
  const indexPath = metaFilename(prefix);
  const tmpData = tempName(dataPath);
  const tmpIndex = tempName(indexPath);
  const created: string[] = [];
  const removeTemps = async (): Promise<void> => {
    for (const p of created) await io.unlink(p).catch(() => undefined);
    releaseTemp(tmpData);
    releaseTemp(tmpIndex);
  };

  const entries: BundleEntry[] = [];
  let writing = tmpData;
  try {
    // 1. The data file, tensors in key order, contiguous.
    const table = newBundleTable(options);
    let offset = 0;
    const dfh = await openFor(io, tmpData, created);
    try {
      const sink = new Sink(dfh);
      for (const item of items) {
        if (item.full) {
          entries.push(addFullEntry(table, item));
          continue;
        }
        const { chunks, entry } = encodeEntry(table, item.t, item.key, offset);
        for (const c of chunks) await sink.write(c);
        entries.push(entry);
        offset += entry.size;
      }
      await sink.flush();
      await saveStep('bundle:data-written');
      if (sync) await dfh.sync();
    } finally {
      await dfh.close();
    }

    // 2. The index.
    const indexBytes = table.finish();
    writing = tmpIndex;
    const ifh = await openFor(io, tmpIndex, created);
    try {
      const sink = new Sink(ifh);
      await sink.write(indexBytes);
      await sink.flush();
      if (sync) await ifh.sync();
    } finally {
      await ifh.close();
    }
    await saveStep('bundle:index-written');
  } catch (e) {
    await removeTemps();
    throw typeof (e as NodeJS.ErrnoException)?.code === 'string' ? ioError(e, writing) : e;
  }

  let done = false;
  const commit = async (): Promise<void> => {
    if (done) throw new InvalidArgumentError(`The bundle staged for ${prefix} was already committed or aborted`);
    done = true;
    const backups: (string | null)[] = [];
    let dataRenamed = false;
    let indexRenamed = false;
    const dropBackups = async (): Promise<void> => {
      for (const b of backups) {
        if (b === null) continue;
        await io.unlink(b).catch(() => undefined);
        releaseTemp(b);
      }
    };
    try {
      backups.push(await keepBackup(io, dataPath), await keepBackup(io, indexPath));
      await io.rename(tmpData, dataPath);
      dataRenamed = true;
      created.splice(created.indexOf(tmpData), 1);
      await saveStep('bundle:data-renamed');
      await io.rename(tmpIndex, indexPath);
      indexRenamed = true;
      created.splice(created.indexOf(tmpIndex), 1);
      await saveStep('bundle:index-renamed');
      syncDir(path.dirname(indexPath), sync);
    } catch (e) {
      // Put back what was there (or remove what was not), index first.
      const [dataBackup = null, indexBackup = null] = backups;
      const putBack = async (renamed: boolean, backup: string | null, file: string): Promise<void> => {
        if (!renamed) return;
        if (backup !== null) {
          await io.rename(backup, file).catch(() => undefined);
          releaseTemp(backup);
        } else await io.unlink(file).catch(() => undefined);
      };
      await putBack(indexRenamed, indexBackup, indexPath);
      await putBack(dataRenamed, dataBackup, dataPath);
      await dropBackups();
      await removeTemps();
      throw typeof (e as NodeJS.ErrnoException)?.code === 'string' ? ioError(e, prefix) : e;
    }
    await dropBackups();
    releaseTemp(tmpData);
    releaseTemp(tmpIndex);
  };
  const abort = async (): Promise<void> => {
    if (done) return;
    done = true;
    await removeTemps();
  };
  return { prefix, indexPath, dataPath, entries, commit, abort };
}

/**
 * Write a bundle: `<prefix>.data-00000-of-00001` then `<prefix>.index`. Both are written
 * under temporary names and renamed into place at the end, data first and index last; if
 * anything fails, the temporary files are removed and a checkpoint previously stored under
 * the same prefix is left as it was. (A process killed between the two renames leaves the new
 * data with the old index; `Saver.save` keeps the state file off such a prefix.)
 */
export async function writeBundle(
  prefix: string,
  tensors: readonly BundleTensor[],
  options: WriteBundleOptions = {},
): Promise<WriteBundleResult> {
  const staged = await stageBundle(prefix, tensors, options);
  await staged.commit();
  return { prefix, indexPath: staged.indexPath, dataPath: staged.dataPath, entries: staged.entries };
}

/** A bundle's two files as bytes (see {@link encodeBundle}). */
export interface BundleBytes {
  /** The `<prefix>.index` file. */
  index: Uint8Array;
  /** The `<prefix>.data-00000-of-00001` file. */
  data: Uint8Array;
  /** The entries written, in key order. */
  entries: BundleEntry[];
}

/**
 * The bytes {@link writeBundle} writes, in memory (no file system): the same `.index` and
 * single data shard, byte for byte.
 */
export function encodeBundle(tensors: readonly BundleTensor[], options: Pick<WriteBundleOptions, 'blockSize'> = {}): BundleBytes {
  const items = prepare(tensors);
  const table = newBundleTable(options);
  const chunks: Uint8Array[] = [];
  const entries: BundleEntry[] = [];
  let offset = 0;
  for (const item of items) {
    if (item.full) {
      entries.push(addFullEntry(table, item));
      continue;
    }
    const e = encodeEntry(table, item.t, item.key, offset);
    chunks.push(...e.chunks);
    entries.push(e.entry);
    offset += e.entry.size;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { index: table.finish(), data, entries };
}

function tableOptions(o: WriteBundleOptions): TableWriterOptions {
  return o.blockSize === undefined ? {} : { blockSize: o.blockSize };
}

/** An index table holding the bundle header under the empty key (one little-endian shard). */
function newBundleTable(o: WriteBundleOptions): TableWriter {
  const table = new TableWriter(tableOptions(o));
  table.add(
    new Uint8Array(0),
    encodeBundleHeader({
      numShards: 1,
      endianness: ENDIANNESS_LITTLE,
      version: { producer: TENSOR_BUNDLE_VERSION, minConsumer: 0, badConsumers: [] },
    }),
  );
  return table;
}

/**
 * One tensor's data-file bytes (to be written at `offset` of shard 0) and its index entry, added
 * to `table` under `key`.
 */
function encodeEntry(table: TableWriter, t: BundleTensor, key: Uint8Array, offset: number): { chunks: Uint8Array[]; entry: BundleEntry } {
  let chunks: Uint8Array[];
  let size: number;
  let crc: number;
  if (t.array instanceof StringTensor) {
    const st = stringTensorChunks(t.array);
    ({ chunks, size, crc } = st);
  } else {
    const bytes = tensorBytes(t.array);
    chunks = [bytes];
    size = bytes.length;
    crc = crc32c.value(bytes);
  }
  const dtype: BundleDType = t.array.dtype;
  const proto: BundleEntryProto = {
    dtype: bundleDTypeToEnum(dtype),
    shape: { dims: t.array.shape.map((d) => ({ size: d })), unknownRank: false },
    shardId: 0,
    offset,
    size,
    crc32c: crc32c.mask(crc),
    slices: [],
  };
  table.add(key, encodeBundleEntry(proto));
  return { chunks, entry: { name: t.name, dtype, shape: [...t.array.shape], shardId: 0, offset, size, crc32c: proto.crc32c, slices: [], proto } };
}

async function openFor(
  io: BundleFileSystem,
  path: string,
  created: string[],
): Promise<Awaited<ReturnType<BundleFileSystem['open']>>> {
  try {
    const fh = await io.open(path, 'wx');
    created.push(path);
    return fh;
  } catch (e) {
    throw ioError(e, path);
  }
}

/** Hard-link (or copy) an existing file to a temporary name; null when there is no file. */
export async function keepBackup(io: Pick<BundleFileSystem, 'link' | 'copyFile'>, file: string, backup = tempName(file)): Promise<string | null> {
  try {
    await io.link(file, backup);
    return backup;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      releaseTemp(backup);
      return null;
    }
  }
  try {
    await io.copyFile(file, backup);
    return backup;
  } catch (e) {
    releaseTemp(backup);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(e, file);
  }
}

/** fsync a directory so that renames in it survive a power loss (best effort: not every platform can). */
export function syncDir(dir: string, enabled = true): void {
  if (!enabled) return;
  let fd = -1;
  try {
    fd = fs.openSync(dir === '' ? '.' : dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // directories cannot be opened or synced everywhere (Windows); the renames stand regardless
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
