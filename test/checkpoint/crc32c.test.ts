import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extend, mask, unmask, value } from '../../src/checkpoint/crc32c.js';

/** Bit-at-a-time reference, independent of the table-driven code. */
function slowCrc(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32c', () => {
  it('matches the check value and the documented float32 vector', () => {
    expect(value(ascii('123456789'))).toBe(0xe3069283);
    const f = new Uint8Array(new Float32Array([1, 2]).buffer);
    expect([...f]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]);
    expect(value(f)).toBe(0x28c0c9b1);
    expect(mask(value(f))).toBe(0x35e53c59);
  });

  it('matches the iSCSI (RFC 3720) vectors', () => {
    expect(value(new Uint8Array(0))).toBe(0);
    expect(value(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(value(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(value(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(value(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with a bitwise reference on random data of any length and alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(7), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        expect(value(view)).toBe(slowCrc(view));
      }),
    );
  });

  it('handles inputs longer than its internal chunk size', () => {
    const big = Uint8Array.from({ length: 200_003 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    expect(value(big)).toBe(slowCrc(big));
    expect(extend(value(big.subarray(0, 70_001)), big.subarray(70_001))).toBe(slowCrc(big));
  });

  it('extends across any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (data, at) => {
        const k = data.length === 0 ? 0 : at % (data.length + 1);
        expect(extend(value(data.subarray(0, k)), data.subarray(k))).toBe(value(data));
      }),
    );
  });

  it('mask and unmask are inverse and mask changes the value', () => {
    expect(mask(0)).toBe(0xa282ead8);
    expect(unmask(0xa282ead8)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (c) => {
        expect(unmask(mask(c))).toBe(c);
        expect(mask(unmask(c))).toBe(c);
        expect(mask(c)).toBeGreaterThanOrEqual(0);
        expect(mask(c)).toBeLessThanOrEqual(0xffffffff);
      }),
    );
  });
});
