import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLossError } from '../../src/errors.js';
import {
  type BundleEntryProto,
  ProtoReader,
  ProtoWriter,
  dataTypeName,
  decodeBundleEntry,
  decodeBundleHeader,
  decodeTensorShape,
  decodeVersionDef,
  encodeBundleEntry,
  encodeBundleHeader,
  encodeTensorShape,
  encodeVersionDef,
} from '../../src/checkpoint/proto.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('varints', () => {
  it('encode as protobuf does', () => {
    expect(hex(new ProtoWriter().varint(0).finish())).toBe('00');
    expect(hex(new ProtoWriter().varint(1).finish())).toBe('01');
    expect(hex(new ProtoWriter().varint(300).finish())).toBe('ac02');
    expect(hex(new ProtoWriter().varint(2 ** 32).finish())).toBe('8080808010');
    expect(hex(new ProtoWriter().varint(-1).finish())).toBe('ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(-2n).finish())).toBe('feffffffffffffffff01');
  });

  it('round trip through the reader, negative values as signed 64-bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const r = new ProtoReader(new ProtoWriter().varint(v).finish());
        expect(r.varint()).toBe(v);
        expect(r.done).toBe(true);
      }),
    );
  });

  it('truncated input is DataLoss', () => {
    expect(() => new ProtoReader(Uint8Array.from([0x80])).varint()).toThrow(DataLossError);
    expect(() => new ProtoReader(Uint8Array.from([0x0a, 0x05, 1, 2])).skip(2)).toThrow(DataLossError);
  });
});

describe('BundleHeaderProto', () => {
  it('encodes TF’s header bytes exactly', () => {
    const h = { numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } };
    expect(hex(encodeBundleHeader(h))).toBe('08011a020801');
    expect(decodeBundleHeader(encodeBundleHeader(h))).toEqual(h);
  });

  it('round trips all fields; bad_consumers packed or not', () => {
    const h = { numShards: 3, endianness: 1, version: { producer: 7, minConsumer: 2, badConsumers: [4, 5] } };
    expect(decodeBundleHeader(encodeBundleHeader(h))).toEqual(h);
    const unpacked = new ProtoWriter().tag(3, 0).varint(4).tag(3, 0).varint(5).finish();
    expect(decodeVersionDef(unpacked).badConsumers).toEqual([4, 5]);
    expect(decodeVersionDef(encodeVersionDef(h.version))).toEqual(h.version);
  });
});

describe('TensorShapeProto', () => {
  it('encodes dims as submessages, zero sizes omitted inside', () => {
    expect(hex(encodeTensorShape({ dims: [], unknownRank: false }))).toBe('');
    expect(hex(encodeTensorShape({ dims: [{ size: 2 }, { size: 3 }], unknownRank: false }))).toBe('120208021202' + '0803');
    expect(hex(encodeTensorShape({ dims: [{ size: 0 }], unknownRank: false }))).toBe('1200');
  });

  it('round trips unknown dims, names and unknown rank', () => {
    const s = { dims: [{ size: -1 }, { size: 5, name: 'batch' }], unknownRank: false };
    expect(decodeTensorShape(encodeTensorShape(s))).toEqual(s);
    const u = { dims: [], unknownRank: true };
    expect(decodeTensorShape(encodeTensorShape(u))).toEqual(u);
  });
});

describe('BundleEntryProto', () => {
  const base: BundleEntryProto = {
    dtype: 1,
    shape: { dims: [{ size: 2 }, { size: 3 }], unknownRank: false },
    shardId: 0,
    offset: 0,
    size: 24,
    crc32c: 0x35e53c59,
    slices: [],
  };

  it('matches the documented wire layout (offset 0 omitted, shape always present)', () => {
    expect(hex(encodeBundleEntry(base))).toBe('0801' + '1208120208021202' + '0803' + '2818' + '35593ce535');
    const scalar = { ...base, shape: { dims: [], unknownRank: false }, offset: 24, size: 4 };
    expect(hex(encodeBundleEntry(scalar))).toBe('0801' + '1200' + '2018' + '2804' + '35593ce535');
  });

  it('round trips random entries', () => {
    const entry = fc.record({
      dtype: fc.integer({ min: 1, max: 23 }),
      shape: fc.record({
        dims: fc.array(fc.record({ size: fc.integer({ min: -1, max: 1e9 }) }), { maxLength: 6 }),
        unknownRank: fc.constant(false),
      }),
      shardId: fc.nat(1000),
      offset: fc.nat(),
      size: fc.nat(),
      crc32c: fc.integer({ min: 0, max: 0xffffffff }),
      slices: fc.array(
        fc.record({ extents: fc.array(fc.record({ start: fc.nat(100), length: fc.nat(100) }), { maxLength: 3 }) }),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(entry, (e) => {
        expect(decodeBundleEntry(encodeBundleEntry(e))).toEqual(e);
      }),
    );
  });

  it('accepts an absent shape and skips unknown fields', () => {
    const w = new ProtoWriter().tag(1, 0).varint(9);
    w.tag(15, 2).varint(3).raw(Uint8Array.from([1, 2, 3])); // unknown bytes field
    w.tag(16, 5).fixed32(7); // unknown fixed32
    w.tag(17, 1).raw(new Uint8Array(8)); // unknown fixed64
    w.tag(18, 0).varint(-5); // unknown varint
    w.tag(5, 0).varint(8);
    const e = decodeBundleEntry(w.finish());
    expect(e.dtype).toBe(9);
    expect(e.size).toBe(8);
    expect(e.shape).toEqual({ dims: [], unknownRank: false });
  });

  it('rejects wrong wire types and truncation', () => {
    expect(() => decodeBundleEntry(new ProtoWriter().tag(1, 2).varint(0).finish())).toThrow(DataLossError);
    expect(() => decodeBundleEntry(encodeBundleEntry(base).subarray(0, 7))).toThrow(DataLossError);
  });

  it('names DataType values', () => {
    expect(dataTypeName(1)).toBe('DT_FLOAT');
    expect(dataTypeName(9)).toBe('DT_INT64');
    expect(dataTypeName(101)).toBe('DT_FLOAT_REF');
    expect(dataTypeName(77)).toBe('77');
  });
});
