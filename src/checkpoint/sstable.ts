/**
 * LevelDB-style sorted string tables, the container of a tensor bundle's `.index` file.
 *
 *   [data block][trailer] ... [metaindex block][trailer] [index block][trailer] [footer]
 *
 * Block: entries `varint32 shared | varint32 non_shared | varint32 value_len | key delta |
 * value`, keys prefix-compressed against the previous key except at restart points, then
 * `fixed32 restart_offset[n]` and `fixed32 n`. Trailer: 1 compression byte (0 none, 1 snappy)
 * and the masked crc32c of block bytes + compression byte. Index block: one entry per data
 * block, key ≥ the block's last key (and < the next block's first), value = BlockHandle
 * `varint64 offset, varint64 size`. Footer: metaindex and index handles padded to 40 bytes,
 * then the 8-byte magic.
 */
import { DataLossError, InvalidArgumentError } from '../errors.js';
import * as crc32c from './crc32c.js';
import { ProtoWriter } from './proto.js';
import * as snappy from './snappy.js';

export const TABLE_MAGIC_LO = 0x8b80fb57;
export const TABLE_MAGIC_HI = 0xdb477524;
export const FOOTER_SIZE = 48;
export const BLOCK_TRAILER_SIZE = 5;
export const COMPRESSION_NONE = 0;
export const COMPRESSION_SNAPPY = 1;

export type TableCompression = 'none' | 'snappy';

export interface TableWriterOptions {
  /** Target uncompressed data block size; a block is cut once it reaches this. Default 262144. */
  blockSize?: number;
  /** Entries between restart points in data blocks. Default 16 (the index block always uses 1). */
  blockRestartInterval?: number;
  /**
   * 'snappy' stores a block compressed when that saves at least 1/8 of it, as LevelDB does.
   * Default 'none' (what TF's bundle writer produces).
   */
  compression?: TableCompression;
}

export const DEFAULT_BLOCK_SIZE = 262144;
export const DEFAULT_RESTART_INTERVAL = 16;

/** Bytewise unsigned comparison, the table's key order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * A short key k with `start <= k < limit` (LevelDB's bytewise FindShortestSeparator): at the
 * first differing byte, bump it and cut there when that stays below `limit`.
 */
export function findShortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const min = Math.min(start.length, limit.length);
  let i = 0;
  while (i < min && start[i] === limit[i]) i++;
  if (i >= min) return start; // one is a prefix of the other
  const b = start[i]!;
  if (b < 0xff && b + 1 < limit[i]!) {
    const out = start.slice(0, i + 1);
    out[i] = b + 1;
    return out;
  }
  return start;
}

/** A short key ≥ `key`: bump the first byte that is not 0xff and cut after it. */
export function findShortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i] = key[i]! + 1;
      return out;
    }
  }
  return key;
}

/** Builds one block: prefix-compressed entries plus the restart array. */
export class BlockBuilder {
  private buf = new ProtoWriter();
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);
  private finished = false;

  constructor(readonly restartInterval: number) {
    if (!Number.isInteger(restartInterval) || restartInterval < 1) {
      throw new InvalidArgumentError(`block restart interval must be a positive integer, got ${restartInterval}`);
    }
  }

  get empty(): boolean {
    return this.buf.length === 0;
  }

  /** Size of the block if finished now. */
  currentSizeEstimate(): number {
    return this.buf.length + this.restarts.length * 4 + 4;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    if (this.finished) throw new Error('BlockBuilder.add after finish');
    let shared = 0;
    if (this.counter < this.restartInterval) {
      const min = Math.min(this.lastKey.length, key.length);
      while (shared < min && this.lastKey[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.buf.length);
      this.counter = 0;
    }
    this.buf
      .varint(shared)
      .varint(key.length - shared)
      .varint(value.length)
      .raw(key.subarray(shared))
      .raw(value);
    this.lastKey = key;
    this.counter++;
  }

  finish(): Uint8Array {
    for (const r of this.restarts) this.buf.fixed32(r);
    this.buf.fixed32(this.restarts.length);
    this.finished = true;
    return this.buf.finish();
  }
}

function encodeHandle(w: ProtoWriter, h: BlockHandle): void {
  w.varint(h.offset).varint(h.size);
}

export interface BlockHandle {
  offset: number;
  /** Size of the block contents, not counting the 5-byte trailer. */
  size: number;
}

/**
 * Writes a table into memory. Keys must come in strictly increasing bytewise order. Mirrors
 * LevelDB's TableBuilder, so the same input gives the same bytes as TF's writer.
 */
export class TableWriter {
  private readonly blockSize: number;
  private readonly restartInterval: number;
  private readonly compression: TableCompression;
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  private dataBlock: BlockBuilder;
  private readonly indexBlock = new BlockBuilder(1);
  private lastKey: Uint8Array | null = null;
  private pendingHandle: BlockHandle | null = null;
  private numEntries = 0;
  private finished = false;

  constructor(options: TableWriterOptions = {}) {
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.restartInterval = options.blockRestartInterval ?? DEFAULT_RESTART_INTERVAL;
    this.compression = options.compression ?? 'none';
    if (!Number.isInteger(this.blockSize) || this.blockSize < 1) {
      throw new InvalidArgumentError(`block size must be a positive integer, got ${this.blockSize}`);
    }
    this.dataBlock = new BlockBuilder(this.restartInterval);
  }

  get entries(): number {
    return this.numEntries;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    if (this.finished) throw new Error('TableWriter.add after finish');
    if (this.lastKey !== null) {
      if (compareBytes(key, this.lastKey) <= 0) {
        throw new InvalidArgumentError('table keys must be added in strictly increasing bytewise order');
      }
      // An overly large entry goes into a block of its own.
      if (key.length + value.length >= 2 * this.blockSize) this.flush();
    }
    if (this.pendingHandle !== null) {
      this.addIndexEntry(findShortestSeparator(this.lastKey!, key));
    }
    this.lastKey = key.slice();
    this.numEntries++;
    this.dataBlock.add(this.lastKey, value);
    if (this.dataBlock.currentSizeEstimate() >= this.blockSize) this.flush();
  }

  private addIndexEntry(key: Uint8Array): void {
    const w = new ProtoWriter();
    encodeHandle(w, this.pendingHandle!);
    this.indexBlock.add(key, w.finish());
    this.pendingHandle = null;
  }

  /** Close the current data block (no-op when it is empty). */
  flush(): void {
    if (this.dataBlock.empty) return;
    this.pendingHandle = this.writeBlock(this.dataBlock, this.compression);
    this.dataBlock = new BlockBuilder(this.restartInterval);
  }

  private writeBlock(block: BlockBuilder, compression: TableCompression): BlockHandle {
    const raw = block.finish();
    let contents = raw;
    let type = COMPRESSION_NONE;
    if (compression === 'snappy') {
      const c = snappy.compress(raw);
      if (c.length < raw.length - Math.floor(raw.length / 8)) {
        contents = c;
        type = COMPRESSION_SNAPPY;
      }
    }
    return this.writeRawBlock(contents, type);
  }

  private writeRawBlock(contents: Uint8Array, type: number): BlockHandle {
    const handle = { offset: this.offset, size: contents.length };
    const trailer = new Uint8Array(BLOCK_TRAILER_SIZE);
    trailer[0] = type;
    const crc = crc32c.mask(crc32c.extend(crc32c.value(contents), trailer.subarray(0, 1)));
    new DataView(trailer.buffer).setUint32(1, crc, true);
    this.chunks.push(contents, trailer);
    this.offset += contents.length + BLOCK_TRAILER_SIZE;
    return handle;
  }

  /** Write the metaindex, index and footer; returns the whole table. */
  finish(): Uint8Array {
    if (this.finished) throw new Error('TableWriter.finish called twice');
    this.flush();
    this.finished = true;
    const metaindex = this.writeBlock(new BlockBuilder(this.restartInterval), this.compression);
    if (this.pendingHandle !== null) this.addIndexEntry(findShortSuccessor(this.lastKey!));
    const index = this.writeBlock(this.indexBlock, this.compression);
    const footer = new ProtoWriter();
    encodeHandle(footer, metaindex);
    encodeHandle(footer, index);
    while (footer.length < FOOTER_SIZE - 8) footer.byte(0);
    footer.fixed32(TABLE_MAGIC_LO).fixed32(TABLE_MAGIC_HI);
    this.chunks.push(footer.finish());
    const out = new Uint8Array(this.offset + FOOTER_SIZE);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}

/** Build a table from entries already in increasing key order. */
export function buildTable(
  entries: Iterable<readonly [Uint8Array, Uint8Array]>,
  options?: TableWriterOptions,
): Uint8Array {
  const w = new TableWriter(options);
  for (const [k, v] of entries) w.add(k, v);
  return w.finish();
}

// ---------------------------------------------------------------- reading

/** Decoding cursor with bounds checks; `fail` builds the error for malformed input. */
class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
    private readonly fail: () => Error,
  ) {}

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.fail();
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw this.fail();
        return result;
      }
      mul *= 0x80;
    }
    throw this.fail();
  }
}

function readU32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** One decoded block: entries are expanded lazily by iteration. */
class Block {
  readonly restartsOffset: number;
  readonly numRestarts: number;

  constructor(
    readonly data: Uint8Array,
    private readonly where: string,
  ) {
    if (data.length < 4) throw this.bad('bad block contents');
    this.numRestarts = readU32(data, data.length - 4);
    const maxRestarts = Math.floor((data.length - 4) / 4);
    if (this.numRestarts > maxRestarts) throw this.bad('bad block contents');
    this.restartsOffset = data.length - 4 - 4 * this.numRestarts;
    for (let i = 0; i < this.numRestarts; i++) {
      if (this.restartPoint(i) > this.restartsOffset) throw this.bad('bad block contents');
    }
  }

  private bad(what: string): DataLossError {
    return new DataLossError(`${what} in ${this.where}`);
  }

  restartPoint(i: number): number {
    return readU32(this.data, this.restartsOffset + 4 * i);
  }

  /** Iterate from byte `pos` (a restart point), yielding [key, value, nextPos]. */
  *from(pos: number): Generator<[Uint8Array, Uint8Array]> {
    let key = new Uint8Array(0);
    const c = new Cursor(this.data, pos, this.restartsOffset, () => this.bad('bad entry in block'));
    while (c.pos < this.restartsOffset) {
      const shared = c.varint();
      const nonShared = c.varint();
      const valueLen = c.varint();
      if (shared > key.length || c.pos + nonShared + valueLen > this.restartsOffset) {
        throw this.bad('bad entry in block');
      }
      const next = new Uint8Array(shared + nonShared);
      next.set(key.subarray(0, shared));
      next.set(this.data.subarray(c.pos, c.pos + nonShared), shared);
      c.pos += nonShared;
      const value = this.data.subarray(c.pos, c.pos + valueLen);
      c.pos += valueLen;
      key = next;
      yield [key, value];
    }
  }

  /** Key at restart point i (stored whole there). */
  private restartKey(i: number): Uint8Array {
    const it = this.from(this.restartPoint(i));
    const first = it.next();
    if (first.done) throw this.bad('bad entry in block');
    return first.value[0];
  }

  /** First entry with key ≥ target, or undefined. Binary search over restart points. */
  seek(target: Uint8Array): [Uint8Array, Uint8Array] | undefined {
    if (this.numRestarts === 0) return undefined;
    let lo = 0;
    let hi = this.numRestarts - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareBytes(this.restartKey(mid), target) < 0) lo = mid;
      else hi = mid - 1;
    }
    for (const kv of this.from(this.restartPoint(lo))) {
      if (compareBytes(kv[0], target) >= 0) return kv;
    }
    return undefined;
  }
}

export interface TableBlockInfo {
  handle: BlockHandle;
  /** 0 none, 1 snappy. */
  compression: number;
}

/**
 * An opened table. The footer and index block are read and verified on open; data blocks are
 * verified each time they are read.
 */
export class TableReader {
  readonly metaindexHandle: BlockHandle;
  readonly indexHandle: BlockHandle;
  private readonly index: Block;

  /** `name` is used in error messages (normally the file path). */
  constructor(
    readonly bytes: Uint8Array,
    readonly name: string = '<memory>',
  ) {
    if (bytes.length < FOOTER_SIZE) {
      throw new DataLossError(`file is too short to be an sstable: ${name}`);
    }
    const f = bytes.length - FOOTER_SIZE;
    if (readU32(bytes, f + 40) !== TABLE_MAGIC_LO || readU32(bytes, f + 44) !== TABLE_MAGIC_HI) {
      throw new DataLossError(`not an sstable (bad magic number): ${name}`);
    }
    const c = new Cursor(bytes, f, f + 40, () => new DataLossError(`bad block handle in the footer of ${name}`));
    this.metaindexHandle = { offset: c.varint(), size: c.varint() };
    this.indexHandle = { offset: c.varint(), size: c.varint() };
    // The metaindex is empty in bundles; it is still read so that its checksum is verified.
    new Block(this.readBlock(this.metaindexHandle).contents, `the metaindex block of ${name}`);
    this.index = new Block(this.readBlock(this.indexHandle).contents, `the index block of ${name}`);
  }

  /** Read, verify and (if needed) decompress one block. */
  readBlock(h: BlockHandle): { contents: Uint8Array; compression: number } {
    const end = h.offset + h.size + BLOCK_TRAILER_SIZE;
    if (end > this.bytes.length - FOOTER_SIZE) {
      throw new DataLossError(`truncated block read in ${this.name} (block at ${h.offset}, ${h.size} bytes)`);
    }
    const raw = this.bytes.subarray(h.offset, h.offset + h.size);
    const type = this.bytes[h.offset + h.size]!;
    const stored = readU32(this.bytes, h.offset + h.size + 1);
    const actual = crc32c.extend(crc32c.value(raw), this.bytes.subarray(h.offset + h.size, h.offset + h.size + 1));
    if (crc32c.unmask(stored) !== actual) {
      throw new DataLossError(
        `block checksum mismatch in ${this.name} (block at offset ${h.offset}, ${h.size} bytes)`,
      );
    }
    if (type === COMPRESSION_NONE) return { contents: raw, compression: type };
    if (type === COMPRESSION_SNAPPY) {
      try {
        return { contents: snappy.decompress(raw), compression: type };
      } catch (e) {
        if (e instanceof DataLossError) {
          throw new DataLossError(`${e.message} in ${this.name} (block at offset ${h.offset})`);
        }
        throw e;
      }
    }
    throw new DataLossError(`bad block type ${type} in ${this.name} (block at offset ${h.offset})`);
  }

  private decodeHandle(v: Uint8Array): BlockHandle {
    const c = new Cursor(v, 0, v.length, () => new DataLossError(`bad block handle in the index block of ${this.name}`));
    return { offset: c.varint(), size: c.varint() };
  }

  /** Data blocks in order, as the index lists them. */
  dataBlocks(): TableBlockInfo[] {
    const out: TableBlockInfo[] = [];
    for (const [, v] of this.index.from(0)) {
      const handle = this.decodeHandle(v);
      out.push({ handle, compression: this.bytes[handle.offset + handle.size] ?? -1 });
    }
    return out;
  }

  /** Every entry in key order, verifying each data block as it is reached. */
  *entries(): Generator<[key: Uint8Array, value: Uint8Array]> {
    for (const [, v] of this.index.from(0)) {
      const h = this.decodeHandle(v);
      const block = new Block(this.readBlock(h).contents, `a data block of ${this.name} at offset ${h.offset}`);
      yield* block.from(0);
    }
  }

  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    const idx = this.index.seek(key);
    if (idx === undefined) return undefined;
    const h = this.decodeHandle(idx[1]);
    const block = new Block(this.readBlock(h).contents, `a data block of ${this.name} at offset ${h.offset}`);
    const kv = block.seek(key);
    return kv !== undefined && compareBytes(kv[0], key) === 0 ? kv[1] : undefined;
  }
}
