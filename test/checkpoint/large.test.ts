/**
 * Tensors of 2 GiB and more: reads and writes go through bounded chunks (one fs call takes at
 * most 2^31-1 bytes). The chunking is tested at a lowered bound, and one real 2 GiB + 4 KiB
 * tensor is read from a sparse data file (no 2 GiB written to disk, one 2 GiB buffer in memory).
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BundleReader, crc32c, dataFilename, metaFilename, proto, sstable, writeBundle } from '../../src/checkpoint/index.js';
import { setIoChunkBytes } from '../../src/checkpoint/io.js';
import { NDArray } from '../../src/ndarray.js';

const root = mkdtempSync(join(tmpdir(), 'tsflow-large-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const defaultChunk = setIoChunkBytes(1 << 28);
afterEach(() => void setIoChunkBytes(defaultChunk));

describe('bounded chunks', () => {
  it('writes and reads a tensor in chunks no larger than the bound, sync and async', async () => {
    setIoChunkBytes(7);
    const prefix = join(root, 'chunks');
    const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5 - 3);
    const lengths: number[] = [];
    await writeBundle(prefix, [{ name: 'w', array: new NDArray(values, [10, 100]) }], {
      fs: {
        open: async (p, flags) => {
          const fh = await fsp.open(p, flags);
          return {
            write: (buf, off, len, pos) => {
              lengths.push(len);
              return fh.write(buf, off, len, pos);
            },
            sync: () => fh.sync(),
            close: () => fh.close(),
          };
        },
      },
    });
    expect(Math.max(...lengths)).toBe(7);
    expect(lengths.reduce((a, b) => a + b, 0)).toBeGreaterThan(4000);
    const r = BundleReader.openSync(prefix);
    expect([...(r.readSync('w') as NDArray).data]).toEqual([...values]);
    expect([...((await r.read('w')) as NDArray).data]).toEqual([...values]);
    expect([...((await BundleReader.open(prefix)).readSync('w') as NDArray).data]).toEqual([...values]);
  });
});

describe('a 2 GiB + 4 KiB float32 tensor', () => {
  it('reads from a sparse data file, the bytes past 2^31 included', () => {
    const size = 2 ** 31 + 4096;
    const prefix = join(root, 'big');
    const tail = Float32Array.from({ length: 1024 }, (_, i) => i + 1);
    const tailBytes = new Uint8Array(tail.buffer);
    const fd = openSync(dataFilename(prefix, 0, 1), 'w');
    ftruncateSync(fd, size);
    writeSync(fd, tailBytes, 0, tailBytes.length, 2 ** 31);
    closeSync(fd);
    // crc of 2^31 zero bytes, then the tail
    const zeros = new Uint8Array(1 << 26);
    let crc = 0;
    for (let i = 0; i < 32; i++) crc = crc32c.extend(crc, zeros);
    crc = crc32c.extend(crc, tailBytes);
    const e: proto.BundleEntryProto = {
      dtype: 1,
      shape: { dims: [{ size: size / 4 }], unknownRank: false },
      shardId: 0,
      offset: 0,
      size,
      crc32c: crc32c.mask(crc),
      slices: [],
    };
    const header = proto.encodeBundleHeader({ numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } });
    writeFileSync(
      metaFilename(prefix),
      sstable.buildTable([
        [new Uint8Array(0), header],
        [new TextEncoder().encode('big'), proto.encodeBundleEntry(e)],
      ]),
    );
    const a = BundleReader.openSync(prefix).readSync('big') as NDArray;
    expect(a.shape).toEqual([size / 4]);
    const d = a.data as Float32Array;
    expect(d[0]).toBe(0);
    expect(d[2 ** 29 - 1]).toBe(0);
    expect([...d.subarray(2 ** 29, 2 ** 29 + 4)]).toEqual([1, 2, 3, 4]);
    expect(d[d.length - 1]).toBe(1024);
  }, 60_000);
});
