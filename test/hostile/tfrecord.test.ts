/**
 * TFRecord files (plain, GZIP, ZLIB) under hostile bytes: every mutant of a valid file reads
 * as the original records (or, for a plain file cut at a record boundary, a prefix of them), or
 * fails with a DataLossError naming the file; a length claiming 2^40 bytes fails at once; a
 * directory or a missing file is TF's errno class; a gzip bomb stops at the inflation cap.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { crc32c } from '../../src/checkpoint/index.js';
import { DataLossError, FailedPreconditionError, NotFoundError, ResourceExhaustedError } from '../../src/errors.js';
import { applyMutations, checkError, mutation, outcome, scratchDir } from './support.js';

const { dir, cleanup } = scratchDir('tfrecord');
afterAll(cleanup);
let n = 0;
const fresh = (ext = 'tfrecord'): string => join(dir, `f${n++}.${ext}`);

const records = [new Uint8Array(0), new TextEncoder().encode('hello'), Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255), Uint8Array.of(1)];
const kinds = ['', 'GZIP', 'ZLIB'] as const;
const valid = new Map<string, Uint8Array>();
for (const c of kinds) {
  const f = fresh();
  const w = new tf.io.TFRecordWriter(f, c);
  for (const r of records) w.write(r);
  w.close();
  valid.set(c, new Uint8Array(readFileSync(f)));
}

const readAll = (f: string, c: string): Uint8Array[] => [...tf.io.tfRecordIterator(f, c as never)];
const sameBytes = (a: Uint8Array[], b: Uint8Array[]): boolean => a.length === b.length && a.every((x, i) => Buffer.from(x).equals(Buffer.from(b[i]!)));

describe('TFRecord mutants', () => {
  for (const c of kinds) {
    it(`${c || 'plain'}: the original records, a prefix at a record boundary, or DataLossError naming the file`, () => {
      let failed = 0;
      let read = 0;
      fc.assert(
        fc.property(mutation, (ms) => {
          const f = fresh();
          const bytes = applyMutations(valid.get(c)!, ms);
          writeFileSync(f, bytes);
          const got = outcome(() => readAll(f, c), [DataLossError], f, `${c} ${JSON.stringify(ms)}`);
          if (got === null) return void failed++;
          read++;
          const v = got.value;
          if (c === '' && v.length < records.length) expect(sameBytes(v, records.slice(0, v.length))).toBe(true);
          else if (c === '') expect(sameBytes(v, records)).toBe(true);
          // a compressed stream may carry trailing bytes zlib ignores; the records are the original ones
          else expect(sameBytes(v, records.slice(0, v.length))).toBe(true);
        }),
        { seed: 7001 + kinds.indexOf(c), numRuns: 250 },
      );
      expect(failed).toBeGreaterThan(100);
      expect(read).toBeGreaterThan(0);
    });
  }

  it('every truncation of a plain file', () => {
    const b = valid.get('')!;
    const boundaries = new Set<number>([0]);
    let p = 0;
    for (const r of records) boundaries.add((p += 16 + r.length));
    for (let at = 0; at < b.length; at++) {
      const f = fresh();
      writeFileSync(f, b.subarray(0, at));
      const got = outcome(() => readAll(f, ''), [DataLossError], f, `cut at ${at}`);
      expect(got !== null, `cut at ${at}`).toBe(boundaries.has(at));
      if (got === null) {
        try {
          readAll(f, '');
        } catch (e) {
          // TF's texts: the record starting before the cut is truncated
          expect((e as Error).message).toMatch(/^truncated record at \d+/);
        }
      }
    }
  });

  it('a length field claiming 2^40 bytes (with a valid length crc) fails at once without allocating it', () => {
    const head = new Uint8Array(12);
    const dv = new DataView(head.buffer);
    dv.setBigUint64(0, 1n << 40n, true);
    dv.setUint32(8, crc32c.mask(crc32c.value(head.subarray(0, 8))), true);
    for (const c of kinds) {
      const f = fresh();
      const raw = Buffer.concat([valid.get('')!.subarray(0, 37), head, new Uint8Array(8)]);
      writeFileSync(f, c === 'GZIP' ? gzipSync(raw) : c === 'ZLIB' ? deflateSync(raw) : raw);
      const t0 = Date.now();
      expect(() => readAll(f, c)).toThrow(DataLossError);
      expect(() => readAll(f, c)).toThrow(`truncated record at 37 in ${f}`);
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });

  it('a zero-length file holds no records in every compression; a missing file and a directory are TF errno classes naming the path', () => {
    const empty = fresh();
    writeFileSync(empty, new Uint8Array(0));
    expect(readAll(empty, '')).toEqual([]);
    // an empty gzip/zlib file: TF's ZlibInputStream reads no data, so no records
    for (const c of ['GZIP', 'ZLIB']) expect(readAll(empty, c)).toEqual([]);
    const missing = join(dir, 'nope.tfrecord');
    for (const c of kinds) {
      try {
        readAll(missing, c);
        expect.unreachable();
      } catch (e) {
        checkError(e, [NotFoundError], missing, 'missing');
      }
    }
    const d = join(dir, 'a-dir');
    mkdirSync(d);
    for (const c of kinds) {
      try {
        readAll(d, c);
        expect.unreachable();
      } catch (e) {
        checkError(e, [FailedPreconditionError], d, 'directory');
        expect((e as Error).message).toBe(`${d}; Is a directory`);
      }
    }
  });

  it('a gzip bomb (1 MiB of gzip inflating past 1 GiB) is a ResourceExhaustedError naming the file, not a multi-gigabyte allocation', () => {
    // 17 gzip members of 64 MiB of zeros each: one stream (gzip allows concatenated members)
    const member = gzipSync(new Uint8Array(64 << 20), { level: 9 });
    const f = fresh('gz');
    writeFileSync(f, Buffer.concat(new Array<Buffer>(17).fill(member)));
    expect(readFileSync(f).length).toBeLessThan(2 << 20);
    try {
      readAll(f, 'GZIP');
      expect.unreachable();
    } catch (e) {
      checkError(e, [ResourceExhaustedError], f, 'gzip bomb');
      expect((e as Error).message).toMatch(/inflates to more than 1073741824 bytes/);
    }
  });
});

describe('TFRecordDataset and TFRecordReader on corrupt files', () => {
  it('a session pull reports DataLossError naming the file, for each compression', async () => {
    const files = kinds.map((c) => {
      const f = fresh();
      const b = new Uint8Array(valid.get(c)!);
      if (c === '') b[30] ^= 4;
      writeFileSync(f, c === '' ? b : b.subarray(0, b.length - 6));
      return f;
    });
    const g = new tf.Graph();
    const nexts = g.asDefault(() => kinds.map((c, i) => new tf.data.TFRecordDataset(files[i]!, c).makeOneShotIterator().getNext() as tf.Tensor));
    const sess = new tf.Session({ graph: g });
    for (let i = 0; i < kinds.length; i++) {
      try {
        for (let k = 0; k < 10; k++) await sess.run(nexts[i]!);
        expect.unreachable();
      } catch (e) {
        checkError(e, [DataLossError], files[i]!, kinds[i]!);
      }
    }
    await sess.close();
  });
});
