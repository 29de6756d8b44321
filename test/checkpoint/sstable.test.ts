import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLossError, InvalidArgumentError } from '../../src/errors.js';
import * as crc32c from '../../src/checkpoint/crc32c.js';
import {
  BlockBuilder,
  TableReader,
  TableWriter,
  buildTable,
  compareBytes,
  findShortSuccessor,
  findShortestSeparator,
} from '../../src/checkpoint/sstable.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function manyEntries(n: number): [Uint8Array, Uint8Array][] {
  const keys = Array.from({ length: n }, (_, i) => `layer${String(i).padStart(5, '0')}/weights`);
  return keys.map((k, i) => [enc(k), enc(`value-${i}-`.repeat((i % 7) + 1))]);
}

describe('key helpers', () => {
  it('FindShortSuccessor bumps the first non-0xff byte', () => {
    expect(dec(findShortSuccessor(enc('Variable_1')))).toBe('W');
    expect(dec(findShortSuccessor(enc('beta2_power')))).toBe('c');
    expect(dec(findShortSuccessor(enc('global_step')))).toBe('h');
    expect(findShortSuccessor(new Uint8Array(0)).length).toBe(0);
    expect([...findShortSuccessor(Uint8Array.from([0xff, 0xff, 3, 4]))]).toEqual([0xff, 0xff, 4]);
    expect([...findShortSuccessor(Uint8Array.from([0xff, 0xff]))]).toEqual([0xff, 0xff]);
  });

  it('FindShortestSeparator', () => {
    expect(dec(findShortestSeparator(enc('the quick brown fox'), enc('the who')))).toBe('the r');
    expect(dec(findShortestSeparator(enc('abc'), enc('abcd')))).toBe('abc'); // prefix: unchanged
    expect(dec(findShortestSeparator(enc('abc'), enc('abd')))).toBe('abc'); // adjacent bytes
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const c = compareBytes(a, b);
        if (c === 0) return;
        const [lo, hi] = c < 0 ? [a, b] : [b, a];
        const s = findShortestSeparator(lo, hi);
        expect(compareBytes(lo, s)).toBeLessThanOrEqual(0);
        expect(compareBytes(s, hi)).toBeLessThan(0);
      }),
    );
  });

  it('compares bytewise unsigned', () => {
    expect(compareBytes(enc('Variable'), enc('beta1_power'))).toBeLessThan(0);
    expect(compareBytes(enc('Variable/Adam'), enc('Variable_1'))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.from([0x7f]), Uint8Array.from([0x80]))).toBeLessThan(0);
    expect(compareBytes(enc('a'), enc('ab'))).toBeLessThan(0);
  });
});

describe('blocks', () => {
  it('an empty block is one restart at 0 plus a count of 1', () => {
    expect(hex(new BlockBuilder(16).finish())).toBe('0000000001000000');
  });

  it('prefix-compresses keys and restarts every N entries', () => {
    const b = new BlockBuilder(2);
    b.add(enc('Variable'), enc('x'));
    b.add(enc('Variable_1'), enc('y'));
    b.add(enc('Variable_2'), enc('z'));
    const out = b.finish();
    // entry 1: shared 0, 8 new; entry 2: shared 8, 2 new; entry 3: restart, shared 0
    expect(hex(out.subarray(0, 3))).toBe('000801');
    expect(hex(out.subarray(12, 15))).toBe('080201');
    expect(hex(out.subarray(18, 21))).toBe('000a01');
    expect(hex(out.subarray(out.length - 12))).toBe('00000000' + '12000000' + '02000000');
  });
});

describe('table round trip', () => {
  it('one block with the default options; lookups hit and miss', () => {
    const entries = manyEntries(100);
    const t = new TableReader(buildTable(entries), 'mem');
    expect(t.dataBlocks().length).toBe(1);
    expect([...t.entries()]).toEqual(entries);
    for (const [k, v] of entries) expect(t.get(k)).toEqual(v);
    expect(t.get(enc('layer00050'))).toBeUndefined();
    expect(t.get(enc('zzz'))).toBeUndefined();
    expect(t.get(new Uint8Array(0))).toBeUndefined();
  });

  it('many blocks when the block size is small, any restart interval', () => {
    for (const [blockSize, restart] of [
      [64, 1],
      [256, 3],
      [1024, 16],
      [4096, 128],
    ] as const) {
      const entries = manyEntries(2000);
      const bytes = buildTable(entries, { blockSize, blockRestartInterval: restart });
      const t = new TableReader(bytes, 'mem');
      const blocks = t.dataBlocks();
      expect(blocks.length).toBeGreaterThan(10);
      const back = [...t.entries()];
      expect(back.length).toBe(entries.length);
      back.forEach(([k, v], i) => {
        expect(dec(k)).toBe(dec(entries[i]![0]));
        expect(dec(v)).toBe(dec(entries[i]![1]));
      });
      for (let i = 0; i < entries.length; i += 37) expect(dec(t.get(entries[i]![0])!)).toBe(dec(entries[i]![1]));
      // a key between two stored keys, and keys past the ends
      expect(t.get(enc('layer00010/weightsX'))).toBeUndefined();
      expect(t.get(enc('a'))).toBeUndefined();
      expect(t.get(enc('z'))).toBeUndefined();
    }
  });

  it('random key sets round trip (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ maxLength: 12 }), { selector: (k) => hex(k), maxLength: 200 }),
        fc.integer({ min: 16, max: 600 }),
        fc.integer({ min: 1, max: 20 }),
        (keys, blockSize, restart) => {
          keys.sort(compareBytes);
          const entries = keys.map((k, i) => [k, enc(String(i))] as [Uint8Array, Uint8Array]);
          const t = new TableReader(buildTable(entries, { blockSize, blockRestartInterval: restart }));
          expect([...t.entries()].map(([k, v]) => [hex(k), dec(v)])).toEqual(entries.map(([k, v]) => [hex(k), dec(v)]));
          for (const [k, v] of entries) expect(dec(t.get(k)!)).toBe(dec(v));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('snappy-compressed blocks read back (and are smaller)', () => {
    const entries = manyEntries(3000);
    const raw = buildTable(entries, { blockSize: 4096 });
    const snap = buildTable(entries, { blockSize: 4096, compression: 'snappy' });
    expect(snap.length).toBeLessThan(raw.length);
    const t = new TableReader(snap, 'mem');
    expect(t.dataBlocks().every((b) => b.compression === 1)).toBe(true);
    expect([...t.entries()].length).toBe(3000);
    expect(dec(t.get(entries[1234]![0])!)).toBe(dec(entries[1234]![1]));
  });

  it('puts an entry of at least twice the block size into a block of its own', () => {
    const big = new Uint8Array(300);
    const t = new TableReader(
      buildTable(
        [
          [enc('a'), enc('1')],
          [enc('b'), big],
          [enc('c'), enc('3')],
        ],
        { blockSize: 100 },
      ),
    );
    expect(t.dataBlocks().length).toBe(3);
  });

  it('rejects keys out of order, duplicates and bad options', () => {
    const w = new TableWriter();
    w.add(enc('b'), enc(''));
    expect(() => w.add(enc('a'), enc(''))).toThrow(InvalidArgumentError);
    expect(() => w.add(enc('b'), enc(''))).toThrow(InvalidArgumentError);
    expect(() => new TableWriter({ blockSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new TableWriter({ blockRestartInterval: 0 })).toThrow(InvalidArgumentError);
  });

  it('writes the footer with the magic number last', () => {
    const bytes = buildTable([[enc(''), enc('h')]]);
    expect(hex(bytes.subarray(bytes.length - 8))).toBe('57fb808b247547db');
  });
});

describe('corruption', () => {
  const entries = manyEntries(500);
  const good = buildTable(entries, { blockSize: 2048 });

  it('a flipped byte in any block is a block checksum mismatch naming the file', () => {
    const t = new TableReader(good);
    const blocks = t.dataBlocks();
    expect(blocks.length).toBeGreaterThan(3);
    for (const { handle } of [blocks[0]!, blocks[2]!, blocks[blocks.length - 1]!]) {
      const bad = good.slice();
      bad[handle.offset + 7]! ^= 0x01;
      const r = new TableReader(bad, '/ckpt/model.index'); // index block intact: opens
      expect(() => [...r.entries()]).toThrow(DataLossError);
      expect(() => [...r.entries()]).toThrow(/block checksum mismatch.*\/ckpt\/model\.index/);
    }
    // the index block itself
    const bad = good.slice();
    bad[t.indexHandle.offset + 1]! ^= 0x40;
    expect(() => new TableReader(bad, 'idx')).toThrow(/block checksum mismatch in idx/);
    // the trailer's compression byte is covered too
    const bad2 = good.slice();
    bad2[blocks[0]!.handle.offset + blocks[0]!.handle.size]! = 1;
    expect(() => [...new TableReader(bad2).entries()]).toThrow(/block checksum mismatch/);
  });

  it('bad magic and short files', () => {
    const bad = good.slice();
    bad[bad.length - 1] = 0;
    expect(() => new TableReader(bad, 'x.index')).toThrow(DataLossError);
    expect(() => new TableReader(bad, 'x.index')).toThrow('not an sstable (bad magic number)');
    expect(() => new TableReader(good.subarray(0, 20), 'x.index')).toThrow(/too short/);
    expect(() => new TableReader(new Uint8Array(100), 'x.index')).toThrow('not an sstable (bad magic number)');
  });

  it('an unknown block type with a valid crc is rejected', () => {
    const bytes = buildTable([[enc('k'), enc('v')]]);
    const t = new TableReader(bytes);
    const h = t.dataBlocks()[0]!.handle;
    const bad = bytes.slice();
    bad[h.offset + h.size] = 9;
    const crc = crc32c.mask(crc32c.value(bad.subarray(h.offset, h.offset + h.size + 1)));
    new DataView(bad.buffer).setUint32(h.offset + h.size + 1, crc, true);
    expect(() => [...new TableReader(bad).entries()]).toThrow(/bad block type 9/);
  });

  it('garbage block contents with a valid crc are DataLoss, not a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (contents) => {
        // Build a table whose only data block is `contents`, with a correct trailer.
        const trailer = new Uint8Array(5);
        const crc = crc32c.mask(crc32c.extend(crc32c.value(contents), trailer.subarray(0, 1)));
        new DataView(trailer.buffer).setUint32(1, crc, true);
        const meta = new BlockBuilder(1).finish();
        const metaTrailer = new Uint8Array(5);
        new DataView(metaTrailer.buffer).setUint32(
          1,
          crc32c.mask(crc32c.extend(crc32c.value(meta), metaTrailer.subarray(0, 1))),
          true,
        );
        const idx = new BlockBuilder(1);
        idx.add(enc('z'), Uint8Array.from([0, contents.length]));
        const idxBytes = idx.finish();
        const idxTrailer = new Uint8Array(5);
        new DataView(idxTrailer.buffer).setUint32(
          1,
          crc32c.mask(crc32c.extend(crc32c.value(idxBytes), idxTrailer.subarray(0, 1))),
          true,
        );
        const metaOff = contents.length + 5;
        const idxOff = metaOff + meta.length + 5;
        const footer = new Uint8Array(48);
        footer.set([metaOff, meta.length, idxOff, idxBytes.length]);
        footer.set([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb], 40);
        const file = Buffer.concat([contents, trailer, meta, metaTrailer, idxBytes, idxTrailer, footer]);
        try {
          [...new TableReader(new Uint8Array(file)).entries()];
        } catch (e) {
          expect(e).toBeInstanceOf(DataLossError);
        }
      }),
    );
  });
});
