import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLossError } from '../../src/errors.js';
import { compress, decompress, uncompressedLength } from '../../src/checkpoint/snappy.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Fast byte equality (toEqual walks typed arrays element by element). */
const same = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('snappy decompress', () => {
  it('decodes literals', () => {
    // length 5, literal of 5
    expect(decompress(bytes(5, (5 - 1) << 2, ...text('hello')))).toEqual(text('hello'));
    expect(decompress(bytes(0))).toEqual(new Uint8Array(0));
  });

  it('decodes long literals (length in following bytes)', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    // 300 = 0xAC 0x02 as varint; literal length-1 = 299 in two bytes (tag 61<<2)
    const enc = bytes(0xac, 0x02, 61 << 2, 299 & 0xff, 299 >> 8, ...data);
    expect(decompress(enc)).toEqual(data);
    expect(uncompressedLength(enc)).toBe(300);
  });

  it('decodes the three copy kinds, including overlapping copies', () => {
    // "abcd" then copy1 (len 8, offset 4) -> "abcdabcdabcd"
    expect(decompress(bytes(12, 3 << 2, ...text('abcd'), 1 | ((8 - 4) << 2), 4))).toEqual(text('abcdabcdabcd'));
    // "ab" then copy2 (len 7, offset 2) -> run of "ab"
    expect(decompress(bytes(9, 1 << 2, ...text('ab'), 2 | ((7 - 1) << 2), 2, 0))).toEqual(text('ababababa'));
    // "xyz" then copy4 (len 3, offset 3)
    expect(decompress(bytes(6, 2 << 2, ...text('xyz'), 3 | ((3 - 1) << 2), 3, 0, 0, 0))).toEqual(text('xyzxyz'));
    // one byte repeated: offset 1
    expect(decompress(bytes(6, 0, 0x41, 2 | (4 << 2), 1, 0))).toEqual(text('AAAAAA'));
  });

  it('rejects malformed input with DataLossError', () => {
    const bad = [
      bytes(), // no preamble
      bytes(0x80), // truncated preamble
      bytes(5, 4 << 2, ...text('hel')), // literal past the input
      bytes(2, 4 << 2, ...text('hello')), // literal past the declared length
      bytes(4, 1 | (0 << 2), 1), // copy before any output
      bytes(8, 0, 0x41, 1 | (0 << 2), 2), // offset beyond output
      bytes(3, 0, 0x41), // fewer bytes than declared
      bytes(2, 0, 0x41, 2 | (3 << 2), 1), // truncated copy
    ];
    for (const b of bad) expect(() => decompress(b)).toThrow(DataLossError);
    expect(() => decompress(bytes(1))).toThrow(/corrupted compressed block contents/);
  });
});

describe('snappy compress', () => {
  it('round trips arbitrary and repetitive data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        expect(same(decompress(compress(data)), data)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3000 }), (unit, reps) => {
        const data = new Uint8Array(unit.length * reps);
        for (let i = 0; i < reps; i++) data.set(unit, i * unit.length);
        expect(same(decompress(compress(data)), data)).toBe(true);
      }),
    );
  });

  it('shrinks redundant data and handles far offsets', () => {
    const data = new Uint8Array(200000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 13;
    const c = compress(data);
    expect(c.length).toBeLessThan(data.length / 10);
    expect(same(decompress(c), data)).toBe(true);
    // a 70000-byte random block repeated: copies with offsets above 65535
    const rnd = Uint8Array.from({ length: 70000 }, (_, i) => (Math.imul(i, 2654435761) >>> 24) & 0xff);
    const twice = new Uint8Array(140000);
    twice.set(rnd);
    twice.set(rnd, 70000);
    expect(same(decompress(compress(twice)), twice)).toBe(true);
  });
});
