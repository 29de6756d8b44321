/** Gzipped IDX files: the header is checked first and inflation stops at the size it declares. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { readIdxFile } from '../../src/data/idx.js';

const dir = mkdtempSync(join(tmpdir(), 'tsflow-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An IDX ubyte file of `shape` with the given body. */
function idx(shape: number[], body: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((d, i) => new DataView(head.buffer).setUint32(4 + 4 * i, d, false));
  return Buffer.concat([head, body]);
}

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function datasetError(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('gzip inflation bounded by the IDX header', () => {
  const body = Uint8Array.from({ length: 10 * 28 * 28 }, (_, i) => i & 0xff);

  it('a valid gzipped file reads as before, multi-member gzip included', () => {
    const bytes = idx([10, 28, 28], body);
    const one = readIdxFile(write('ok.gz', gzipSync(bytes)), 0x00000803);
    expect(one.shape).toEqual([10, 28, 28]);
    expect(Buffer.from(one.data as Uint8Array).equals(Buffer.from(body))).toBe(true);
    const split = Buffer.concat([gzipSync(bytes.subarray(0, 100)), gzipSync(bytes.subarray(100))]);
    expect(Buffer.from(readIdxFile(write('members.gz', split)).data as Uint8Array).equals(Buffer.from(body))).toBe(true);
  });

  it('a 0.5 MiB .gz that inflates to 512 MiB stops at the 7,856 bytes its header declares', () => {
    const mib = gzipSync(new Uint8Array(1 << 20));
    const bomb = Buffer.concat([gzipSync(idx([10, 28, 28], body)), ...Array.from({ length: 512 }, () => mib)]);
    expect(bomb.length).toBeLessThan(600 * 1024);
    const peak = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const e = datasetError(() => readIdxFile(write('bomb.gz', bomb), 0x00000803));
    expect(e.message).toBe(
      `bomb.gz: IDX file has trailing bytes: the gzip data inflates to more than the 7856 bytes its header declares ([10, 28, 28] ubyte values) (${join(dir, 'bomb.gz')})`,
    );
    // nowhere near inflating 512 MiB (which takes seconds and a gigabyte of memory)
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(128 * 1024);
  });

  it('a bad header is reported before the data is inflated', () => {
    const bad = idx([10, 28, 28], body);
    bad[2] = 0x42;
    const e = datasetError(() => readIdxFile(write('bad.gz', Buffer.concat([gzipSync(bad), gzipSync(new Uint8Array(1 << 24))]))));
    expect(e.message).toMatch(/^bad\.gz: not an IDX file: magic number 0x00004203/);
    const wrong = datasetError(() => readIdxFile(write('wrong.gz', gzipSync(idx([3], Uint8Array.of(1, 2, 3)))), 0x00000803));
    expect(wrong.message).toMatch(/wrong magic number: expected 0x00000803, got 0x00000801/);
  });

  it('a header declaring more than the gzip data could inflate to is rejected at once', () => {
    const e = datasetError(() => readIdxFile(write('huge.gz', gzipSync(idx([60000, 60000, 60000], new Uint8Array(16))))));
    expect(e.message).toMatch(/^huge\.gz: the IDX header declares 216000000000016 bytes \(\[60000, 60000, 60000\] ubyte values\), more than \d+ bytes of gzip data can inflate to/);
  });

  it('truncated gzip data and short files are still DatasetErrors', () => {
    const gz = gzipSync(idx([10, 28, 28], body));
    expect(datasetError(() => readIdxFile(write('cut.gz', gz.subarray(0, gz.length - 40)))).message).toMatch(
      /cut\.gz: (corrupt or truncated gzip data|truncated IDX file)/,
    );
    expect(datasetError(() => readIdxFile(write('tiny.gz', gzipSync(Uint8Array.of(0, 0))))).message).toMatch(/truncated IDX file/);
  });
});
