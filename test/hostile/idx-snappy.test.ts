/**
 * IDX (MNIST) files and snappy blocks under hostile bytes: every mutant reads to a result, or
 * fails with the reader's error naming the file (IDX: DatasetError) or a DataLossError (snappy),
 * never a RangeError or an allocation sized by a corrupt header.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { snappy } from '../../src/checkpoint/index.js';
import { DatasetError } from '../../src/data/errors.js';
import { readIdxFile } from '../../src/data/idx.js';
import { DataLossError } from '../../src/errors.js';
import { applyMutations, mutation, scratchDir } from './support.js';

const { dir, cleanup } = scratchDir('idx');
afterAll(cleanup);
let n = 0;

// a [3, 4, 5] uint8 IDX file (magic 0x00000803)
const idx = new Uint8Array(4 + 12 + 60);
new DataView(idx.buffer).setUint32(0, 0x803);
[3, 4, 5].forEach((d, i) => new DataView(idx.buffer).setUint32(4 + 4 * i, d));
for (let i = 0; i < 60; i++) idx[16 + i] = i;

describe('IDX files', () => {
  for (const gz of [false, true]) {
    it(`${gz ? 'gzipped' : 'plain'} mutants read or fail with DatasetError naming the file`, () => {
      let failed = 0;
      fc.assert(
        fc.property(mutation, (ms) => {
          const f = join(dir, `i${n++}.idx${gz ? '.gz' : ''}`);
          writeFileSync(f, applyMutations(gz ? gzipSync(idx) : idx, ms));
          try {
            const a = readIdxFile(f);
            const size = a.shape.reduce((x, y) => x * y, 1);
            expect(a.data.length).toBe(size);
          } catch (e) {
            failed++;
            expect(e, String(e)).toBeInstanceOf(DatasetError);
            expect((e as Error).message).toContain(f);
          }
        }),
        { seed: 7301 + (gz ? 1 : 0), numRuns: 250 },
      );
      expect(failed).toBeGreaterThan(50);
    });
  }

  it('a header claiming [2^31, 2^31, 255] float64 fails at once', () => {
    const h = new Uint8Array(16 + 8);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, 0x0e03);
    dv.setUint32(4, 0x7fffffff);
    dv.setUint32(8, 0x7fffffff);
    dv.setUint32(12, 255);
    for (const gz of [false, true]) {
      const f = join(dir, `huge${gz ? '.gz' : ''}`);
      writeFileSync(f, gz ? gzipSync(h) : h);
      const t0 = Date.now();
      expect(() => readIdxFile(f)).toThrow(DatasetError);
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });
});

describe('snappy blocks', () => {
  const src = Uint8Array.from({ length: 2000 }, (_, i) => (i % 97 < 50 ? i % 7 : (i * 31) & 255));
  const block = snappy.compress(src);
  it('mutants decompress (to the declared length) or fail with DataLossError', () => {
    let failed = 0;
    fc.assert(
      fc.property(mutation, (ms) => {
        const b = applyMutations(block, ms);
        try {
          const out = snappy.decompress(b);
          expect(out.length).toBe(snappy.uncompressedLength(b));
        } catch (e) {
          failed++;
          expect(e, String(e)).toBeInstanceOf(DataLossError);
        }
      }),
      { seed: 7303, numRuns: 400 },
    );
    expect(failed).toBeGreaterThan(50);
    expect(snappy.decompress(block)).toEqual(src);
  });
});
