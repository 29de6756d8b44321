/**
 * Just enough protobuf for tensor bundles: the wire format (varints, fixed32, length-delimited
 * fields) and the four messages an `.index` file holds. Encoding follows proto3 and the C++
 * serializer: fields in field-number order, zero scalars omitted, set submessages written even
 * when empty. Decoding skips unknown fields and accepts packed and unpacked repeated scalars.
 *
 *   BundleHeaderProto { int32 num_shards = 1; Endianness endianness = 2; VersionDef version = 3; }
 *   BundleEntryProto  { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3;
 *                       int64 offset = 4; int64 size = 5; fixed32 crc32c = 6;
 *                       repeated TensorSliceProto slices = 7; }
 *   TensorShapeProto  { repeated Dim dim = 2; bool unknown_rank = 3; }
 *                     Dim { int64 size = 1; string name = 2; }
 *   TensorSliceProto  { repeated Extent extent = 1; }  Extent { int64 start = 1; int64 length = 2; }
 *   VersionDef        { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3; }
 */
import { DataLossError } from '../errors.js';

// ---------------------------------------------------------------- wire format

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Append-only protobuf encoder. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  /** A varint of an integer; negative values take ten bytes (64-bit two's complement). */
  varint(v: number | bigint): this {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new RangeError(`varint needs an integer, got ${v}`);
      if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
        this.ensure(8);
        while (v >= 0x80) {
          this.buf[this.len++] = (v % 0x80) | 0x80;
          v = Math.floor(v / 0x80);
        }
        this.buf[this.len++] = v;
        return this;
      }
      v = BigInt(v);
    }
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.len++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.len++] = Number(u);
    return this;
  }

  fixed32(v: number): this {
    this.ensure(4);
    const u = v >>> 0;
    this.buf[this.len++] = u & 0xff;
    this.buf[this.len++] = (u >>> 8) & 0xff;
    this.buf[this.len++] = (u >>> 16) & 0xff;
    this.buf[this.len++] = u >>> 24;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** `field` as a varint, omitted when zero (proto3). */
  varintField(field: number, v: number | bigint): this {
    if (v === 0 || v === 0n) return this;
    return this.tag(field, WIRE_VARINT).varint(v);
  }

  /** `field` as fixed32, omitted when zero (proto3). */
  fixed32Field(field: number, v: number): this {
    if (v >>> 0 === 0) return this;
    return this.tag(field, WIRE_FIXED32).fixed32(v);
  }

  /** A length-delimited field, always written. */
  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WIRE_BYTES).varint(bytes.length).raw(bytes);
  }

  /** A string field, omitted when empty (proto3). */
  stringField(field: number, s: string): this {
    if (s === '') return this;
    return this.bytesField(field, utf8Encoder.encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function truncated(): DataLossError {
  return new DataLossError('truncated protobuf message');
}

/** An int64 field whose value a double cannot hold exactly; `value` is exact. */
export class ProtoRangeError extends DataLossError {
  constructor(
    readonly field: string,
    readonly value: bigint,
  ) {
    super(`${field} ${value} is out of range (beyond 2^53)`);
  }
}

/** Sequential protobuf decoder over one message's bytes. */
export class ProtoReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as a bigint, unsigned 64-bit. */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw truncated();
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new DataLossError('malformed varint in protobuf message');
  }

  /**
   * A varint as a number, read as a signed 64-bit value (so `-1` written as int64 or int32
   * comes back as -1). Magnitudes above 2^53 lose precision.
   */
  varint(): number {
    // Fast path: up to 7 bytes fit exactly in a double.
    let result = 0;
    let mul = 1;
    const start = this.pos;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.buf.length) throw truncated();
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 0x80;
    }
    this.pos = start;
    return Number(BigInt.asIntN(64, this.varintBig()));
  }

  /** An int64 field as a number; ProtoRangeError (holding the exact value) beyond ±(2^53-1). */
  safeInt64(field: string): number {
    const v = BigInt.asIntN(64, this.varintBig());
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtoRangeError(field, v);
    return Number(v);
  }

  /** An int32 or enum field (the low 32 bits of the varint, signed). */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varintBig()));
  }

  /** A varint read as uint32 (tags, lengths). */
  uint32(): number {
    const v = this.varintBig();
    return Number(v & 0xffffffffn);
  }

  bool(): boolean {
    return this.varintBig() !== 0n;
  }

  fixed32(): number {
    if (this.pos + 4 > this.buf.length) throw truncated();
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (n < 0 || this.pos + n > this.buf.length) throw truncated();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    return utf8Decoder.decode(this.bytes());
  }

  /** Read a tag: [field number, wire type]. */
  tag(): [number, number] {
    const t = this.uint32();
    const field = t >>> 3;
    if (field === 0) throw new DataLossError('invalid protobuf tag (field number 0)');
    return [field, t & 7];
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varintBig();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.buf.length) throw truncated();
        this.pos += 8;
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.buf.length) throw truncated();
        this.pos += 4;
        return;
      default:
        throw new DataLossError(`unsupported protobuf wire type ${wire}`);
    }
  }

  /** Values of a repeated varint field, packed (wire 2) or one per tag (wire 0). */
  repeatedVarint(wire: number, into: number[]): void {
    if (wire === WIRE_BYTES) {
      const sub = new ProtoReader(this.bytes());
      while (!sub.done) into.push(sub.varint());
    } else if (wire === WIRE_VARINT) {
      into.push(this.varint());
    } else {
      throw new DataLossError(`unexpected wire type ${wire} for a repeated varint field`);
    }
  }
}

function expectWire(field: string, wire: number, want: number): void {
  if (wire !== want) {
    throw new DataLossError(`protobuf field ${field} has wire type ${wire}, expected ${want}`);
  }
}

// ---------------------------------------------------------------- DataType enum

/** TF's DataType enum values (types.proto) for the types a bundle may hold. */
export const DataTypeEnum = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_QINT8: 11,
  DT_QUINT8: 12,
  DT_QINT32: 13,
  DT_BFLOAT16: 14,
  DT_QINT16: 15,
  DT_QUINT16: 16,
  DT_UINT16: 17,
  DT_COMPLEX128: 18,
  DT_HALF: 19,
  DT_RESOURCE: 20,
  DT_VARIANT: 21,
  DT_UINT32: 22,
  DT_UINT64: 23,
} as const;

const ENUM_NAMES = new Map<number, string>(Object.entries(DataTypeEnum).map(([k, v]) => [v, k]));

/** `DT_FLOAT` for 1, and so on; `DT_FLOAT_REF` for 101; a number when unknown. */
export function dataTypeName(v: number): string {
  const base = ENUM_NAMES.get(v);
  if (base !== undefined) return base;
  const ref = ENUM_NAMES.get(v - 100);
  if (v > 100 && ref !== undefined) return `${ref}_REF`;
  return String(v);
}

const TYPE_STRINGS: Record<number, string> = {
  0: 'INVALID', 1: 'float', 2: 'double', 3: 'int32', 4: 'uint8', 5: 'int16', 6: 'int8', 7: 'string',
  8: 'complex64', 9: 'int64', 10: 'bool', 11: 'qint8', 12: 'quint8', 13: 'qint32', 14: 'bfloat16',
  15: 'qint16', 16: 'quint16', 17: 'uint16', 18: 'complex128', 19: 'half', 20: 'resource',
  21: 'variant', 22: 'uint32', 23: 'uint64',
};

/** TF's `DataTypeString`: `float`, `half`, `float_ref`, `unknown dtype enum (99)`. */
export function dataTypeString(v: number): string {
  if (v > 100) return `${dataTypeString(v - 100)}_ref`;
  return TYPE_STRINGS[v] ?? `unknown dtype enum (${v})`;
}

// ---------------------------------------------------------------- messages

export interface VersionDef {
  producer: number;
  minConsumer: number;
  badConsumers: number[];
}

export const ENDIANNESS_LITTLE = 0;
export const ENDIANNESS_BIG = 1;

export interface BundleHeaderProto {
  numShards: number;
  /** 0 = LITTLE, 1 = BIG. */
  endianness: number;
  version: VersionDef;
}

export interface TensorShapeDim {
  /** -1 for an unknown dimension. */
  size: number;
  name?: string;
}

export interface TensorShapeProto {
  dims: TensorShapeDim[];
  unknownRank: boolean;
}

export interface TensorSliceExtent {
  start: number;
  /** Absent: the full extent of the dimension. */
  length?: number;
}

export interface TensorSliceProto {
  extents: TensorSliceExtent[];
}

export interface BundleEntryProto {
  /** DataType enum value (1 = DT_FLOAT, ...). */
  dtype: number;
  shape: TensorShapeProto;
  shardId: number;
  offset: number;
  size: number;
  /** Masked crc32c of the tensor's bytes, as stored. */
  crc32c: number;
  slices: TensorSliceProto[];
}

export function encodeVersionDef(v: VersionDef): Uint8Array {
  const w = new ProtoWriter().varintField(1, v.producer).varintField(2, v.minConsumer);
  if (v.badConsumers.length > 0) {
    const packed = new ProtoWriter();
    for (const c of v.badConsumers) packed.varint(c);
    w.bytesField(3, packed.finish());
  }
  return w.finish();
}

export function decodeVersionDef(buf: Uint8Array): VersionDef {
  const r = new ProtoReader(buf);
  const v: VersionDef = { producer: 0, minConsumer: 0, badConsumers: [] };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1) {
      expectWire('VersionDef.producer', wire, WIRE_VARINT);
      v.producer = r.varint();
    } else if (field === 2) {
      expectWire('VersionDef.min_consumer', wire, WIRE_VARINT);
      v.minConsumer = r.varint();
    } else if (field === 3) {
      r.repeatedVarint(wire, v.badConsumers);
    } else {
      r.skip(wire);
    }
  }
  return v;
}

export function encodeBundleHeader(h: BundleHeaderProto): Uint8Array {
  return new ProtoWriter()
    .varintField(1, h.numShards)
    .varintField(2, h.endianness)
    .bytesField(3, encodeVersionDef(h.version))
    .finish();
}

export function decodeBundleHeader(buf: Uint8Array): BundleHeaderProto {
  const r = new ProtoReader(buf);
  const h: BundleHeaderProto = {
    numShards: 0,
    endianness: ENDIANNESS_LITTLE,
    version: { producer: 0, minConsumer: 0, badConsumers: [] },
  };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1) {
      expectWire('BundleHeaderProto.num_shards', wire, WIRE_VARINT);
      h.numShards = r.int32();
    } else if (field === 2) {
      expectWire('BundleHeaderProto.endianness', wire, WIRE_VARINT);
      h.endianness = r.varint();
    } else if (field === 3) {
      expectWire('BundleHeaderProto.version', wire, WIRE_BYTES);
      h.version = decodeVersionDef(r.bytes());
    } else {
      r.skip(wire);
    }
  }
  return h;
}

export function encodeTensorShape(s: TensorShapeProto): Uint8Array {
  const w = new ProtoWriter();
  for (const d of s.dims) {
    const dim = new ProtoWriter().varintField(1, d.size).stringField(2, d.name ?? '').finish();
    w.bytesField(2, dim);
  }
  if (s.unknownRank) w.tag(3, WIRE_VARINT).varint(1);
  return w.finish();
}

export function decodeTensorShape(buf: Uint8Array): TensorShapeProto {
  const r = new ProtoReader(buf);
  const s: TensorShapeProto = { dims: [], unknownRank: false };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 2) {
      expectWire('TensorShapeProto.dim', wire, WIRE_BYTES);
      const dr = new ProtoReader(r.bytes());
      const dim: TensorShapeDim = { size: 0 };
      while (!dr.done) {
        const [f, w] = dr.tag();
        if (f === 1) {
          expectWire('TensorShapeProto.Dim.size', w, WIRE_VARINT);
          dim.size = dr.safeInt64('shape dim size');
        } else if (f === 2) {
          expectWire('TensorShapeProto.Dim.name', w, WIRE_BYTES);
          dim.name = dr.string();
        } else {
          dr.skip(w);
        }
      }
      s.dims.push(dim);
    } else if (field === 3) {
      expectWire('TensorShapeProto.unknown_rank', wire, WIRE_VARINT);
      s.unknownRank = r.bool();
    } else {
      r.skip(wire);
    }
  }
  return s;
}

export function encodeTensorSlice(s: TensorSliceProto): Uint8Array {
  const w = new ProtoWriter();
  for (const e of s.extents) {
    const ew = new ProtoWriter().varintField(1, e.start);
    // `length` sits in a oneof: written whenever it is set, zero included.
    if (e.length !== undefined) ew.tag(2, WIRE_VARINT).varint(e.length);
    w.bytesField(1, ew.finish());
  }
  return w.finish();
}

export function decodeTensorSlice(buf: Uint8Array): TensorSliceProto {
  const r = new ProtoReader(buf);
  const s: TensorSliceProto = { extents: [] };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1) {
      expectWire('TensorSliceProto.extent', wire, WIRE_BYTES);
      const er = new ProtoReader(r.bytes());
      const ext: TensorSliceExtent = { start: 0 };
      while (!er.done) {
        const [f, w] = er.tag();
        if (f === 1) {
          expectWire('Extent.start', w, WIRE_VARINT);
          ext.start = er.varint();
        } else if (f === 2) {
          expectWire('Extent.length', w, WIRE_VARINT);
          ext.length = er.varint();
        } else {
          er.skip(w);
        }
      }
      s.extents.push(ext);
    } else {
      r.skip(wire);
    }
  }
  return s;
}

/** Encode an entry as TF's BundleWriter does: the shape submessage is always present. */
export function encodeBundleEntry(e: BundleEntryProto): Uint8Array {
  const w = new ProtoWriter()
    .varintField(1, e.dtype)
    .bytesField(2, encodeTensorShape(e.shape))
    .varintField(3, e.shardId)
    .varintField(4, e.offset)
    .varintField(5, e.size)
    .fixed32Field(6, e.crc32c);
  for (const s of e.slices) w.bytesField(7, encodeTensorSlice(s));
  return w.finish();
}

export function decodeBundleEntry(buf: Uint8Array): BundleEntryProto {
  const r = new ProtoReader(buf);
  const e: BundleEntryProto = {
    dtype: 0,
    shape: { dims: [], unknownRank: false },
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    slices: [],
  };
  while (!r.done) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1:
        expectWire('BundleEntryProto.dtype', wire, WIRE_VARINT);
        e.dtype = r.int32();
        break;
      case 2:
        expectWire('BundleEntryProto.shape', wire, WIRE_BYTES);
        e.shape = decodeTensorShape(r.bytes());
        break;
      case 3:
        expectWire('BundleEntryProto.shard_id', wire, WIRE_VARINT);
        e.shardId = r.int32();
        break;
      case 4:
        expectWire('BundleEntryProto.offset', wire, WIRE_VARINT);
        e.offset = r.safeInt64('offset');
        break;
      case 5:
        expectWire('BundleEntryProto.size', wire, WIRE_VARINT);
        e.size = r.safeInt64('size');
        break;
      case 6:
        expectWire('BundleEntryProto.crc32c', wire, WIRE_FIXED32);
        e.crc32c = r.fixed32();
        break;
      case 7:
        expectWire('BundleEntryProto.slices', wire, WIRE_BYTES);
        e.slices.push(decodeTensorSlice(r.bytes()));
        break;
      default:
        r.skip(wire);
    }
  }
  return e;
}
