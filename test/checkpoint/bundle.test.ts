import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { NDArray } from '../../src/ndarray.js';
import {
  DataLossError,
  InvalidArgumentError,
  NotFoundError,
  UnimplementedError,
} from '../../src/errors.js';
import {
  type BundleFileSystem,
  type BundleTensor,
  BundleReader,
  StringTensor,
  crc32c,
  dataFilename,
  metaFilename,
  proto,
  readBundle,
  sstable,
  writeBundle,
} from '../../src/checkpoint/index.js';

const root = mkdtempSync(join(tmpdir(), 'tsflow-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let caseNo = 0;
/** A fresh directory and a prefix inside it. */
function fresh(): { dir: string; prefix: string } {
  const dir = join(root, `case${caseNo++}`);
  mkdirSync(dir);
  return { dir, prefix: join(dir, 'model.ckpt') };
}

const f32 = (v: number[], shape = [v.length]): NDArray => new NDArray(Float32Array.from(v), shape, 'float32');
const f64 = (v: number[], shape = [v.length]): NDArray => new NDArray(Float64Array.from(v), shape, 'float64');
const i32 = (v: number[], shape = [v.length]): NDArray => new NDArray(Int32Array.from(v), shape, 'int32');
const i64 = (v: number[], shape = [v.length]): NDArray => new NDArray(Float64Array.from(v), shape, 'int64');
const b8 = (v: number[], shape = [v.length]): NDArray => new NDArray(Uint8Array.from(v), shape, 'bool');

function bytesOf(a: NDArray): Buffer {
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

describe('round trip of every dtype', () => {
  it('float32, float64, int32, int64, bool and string, scalars and empty shapes', async () => {
    const { prefix } = fresh();
    const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    const tensors: BundleTensor[] = [
      { name: 'f32', array: f32([1.5, -0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1e-45], [7]) },
      { name: 'f32/scalar', array: f32([0.1], []) },
      { name: 'f32/empty', array: f32([], [0, 3]) },
      { name: 'f64', array: f64([Math.PI, -1e300, 5e-324, NaN], [2, 2]) },
      { name: 'i32', array: i32([-2147483648, 2147483647, 0, -1, 7, 8], [2, 1, 3]) },
      { name: 'i64', array: i64([0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 1234567890123, -(2 ** 40)]) },
      { name: 'i64/scalar', array: i64([42], []) },
      { name: 'bool', array: b8([1, 0, 1, 1], [2, 2]) },
      { name: 'str', array: StringTensor.from(['', 'héllo wörld ✓', binary, 'x'.repeat(200)], [2, 2]) },
      { name: 'str/scalar', array: StringTensor.scalar('just one') },
      { name: 'str/empty', array: StringTensor.from([], [0]) },
    ];
    const res = await writeBundle(prefix, tensors);
    expect(res.indexPath).toBe(`${prefix}.index`);
    expect(res.dataPath).toBe(`${prefix}.data-00000-of-00001`);

    const r = await readBundle(prefix);
    expect(r.names).toEqual([...tensors.map((t) => t.name)].sort());
    for (const t of tensors) {
      const e = r.entry(t.name);
      expect(e.dtype).toBe(t.array.dtype);
      expect(e.shape).toEqual(t.array.shape);
      const back = await r.read(t.name);
      expect(r.readSync(t.name)).toEqual(back);
      expect(back.shape).toEqual(t.array.shape);
      if (t.array instanceof StringTensor) {
        expect(back).toBeInstanceOf(StringTensor);
        expect((back as StringTensor).bytes).toEqual(t.array.bytes);
      } else {
        const a = back as NDArray;
        expect(a.dtype).toBe(t.array.dtype);
        if (a.dtype === 'int64') expect([...a.data]).toEqual([...t.array.data]);
        // bit-exact, NaN payloads and -0 included
        else expect(bytesOf(a).equals(bytesOf(t.array))).toBe(true);
      }
    }
    const s = (await r.read('str')) as StringTensor;
    expect(s.values.slice(0, 2)).toEqual(['', 'héllo wörld ✓']);
    expect(((await r.read('str/scalar')) as StringTensor).values).toEqual(['just one']);

    // data is contiguous in key order, no padding
    let off = 0;
    for (const e of r.entries) {
      expect(e.offset).toBe(off);
      off += e.size;
    }
    expect(statSync(dataFilename(prefix, 0, 1)).size).toBe(off);
  });

  it('normalises bool values and truncates int64 values', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [
      { name: 'b', array: b8([2, 0, 255]) },
      { name: 'i', array: i64([1.9, -1.9]) },
    ]);
    const r = await readBundle(prefix);
    expect([...((await r.read('b')) as NDArray).data]).toEqual([1, 0, 1]);
    expect([...((await r.read('i')) as NDArray).data]).toEqual([1, -1]);
    await expect(writeBundle(fresh().prefix, [{ name: 'i', array: i64([NaN]) }])).rejects.toThrow(InvalidArgumentError);
  });

  it('tensors larger than the write buffer', async () => {
    const { prefix } = fresh();
    const big = new Float32Array(1_500_000).map((_, i) => Math.sin(i));
    const small = f32([1, 2, 3]);
    await writeBundle(prefix, [
      { name: 'a', array: small },
      { name: 'big', array: new NDArray(big, [1500, 1000]) },
      { name: 'c', array: small },
    ]);
    const r = await readBundle(prefix);
    const back = (await r.read('big')) as NDArray;
    expect(bytesOf(back).equals(Buffer.from(big.buffer))).toBe(true);
    expect(r.entry('c').offset).toBe(12 + 6_000_000);
    expect([...((await r.read('c')) as NDArray).data]).toEqual([1, 2, 3]);
  });

  it('many tensors across several index blocks (small block size)', async () => {
    const { prefix } = fresh();
    const tensors = Array.from({ length: 300 }, (_, i) => ({ name: `layer_${i}/kernel`, array: i32([i, -i]) }));
    await writeBundle(prefix, tensors, { blockSize: 256 });
    const r = await readBundle(prefix);
    expect(r.table.dataBlocks).toBeGreaterThan(10);
    expect(r.entries.length).toBe(300);
    for (const t of tensors) expect([...((await r.read(t.name)) as NDArray).data]).toEqual([...t.array.data]);
  });
});

describe('layout', () => {
  it('sorts keys bytewise (unsigned, UTF-8), whatever order they come in', async () => {
    const { prefix } = fresh();
    const names = ['beta1_power', 'Variable_1', 'Variable/Adam_1', 'z', 'é', 'Variable', 'Variable/Adam', '\uffff', '\u{10000}'];
    await writeBundle(prefix, names.map((name, i) => ({ name, array: f32([i]) })));
    const r = await readBundle(prefix);
    expect(r.names).toEqual([
      'Variable',
      'Variable/Adam',
      'Variable/Adam_1',
      'Variable_1',
      'beta1_power',
      'z',
      'é',
      '\uffff',
      '\u{10000}',
    ]);
    for (const [i, n] of names.entries()) expect(((await r.read(n)) as NDArray).data[0]).toBe(i);
  });

  it('matches the documented two-variable layout', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [
      { name: 'Variable_1', array: f32([7, 8, 9]) },
      { name: 'Variable', array: f32([1, 2, 3, 4, 5, 6], [2, 3]) },
    ]);
    const data = readFileSync(dataFilename(prefix, 0, 1));
    expect(data.length).toBe(36);
    expect([...new Float32Array(data.buffer, data.byteOffset, 9)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const idx = new Uint8Array(readFileSync(metaFilename(prefix)));
    const t = new sstable.TableReader(idx);
    const rows = [...t.entries()];
    expect(rows.map(([k]) => Buffer.from(k).toString())).toEqual(['', 'Variable', 'Variable_1']);
    expect(Buffer.from(rows[0]![1]).toString('hex')).toBe('08011a020801');
    const crc = crc32c.mask(crc32c.value(data.subarray(0, 24)));
    const crcHex = Buffer.from(Uint32Array.of(crc).buffer).toString('hex');
    expect(Buffer.from(rows[1]![1]).toString('hex')).toBe(`08011208120208021202080328183${'5'}${crcHex}`);
    // the index block's one key is FindShortSuccessor('Variable_1') = 'W'
    const indexBlock = t.readBlock(t.indexHandle).contents;
    expect(indexBlock[0]).toBe(0); // shared
    expect(indexBlock[1]).toBe(1); // non-shared
    expect(String.fromCharCode(indexBlock[3]!)).toBe('W');
    // the second entry shares 8 bytes with the first in the data block
    const dataBlock = t.readBlock(t.dataBlocks()[0]!.handle).contents;
    const secondAt = 3 + 0 + 6; // header entry: 3 varints, empty key, 6-byte value
    expect(dataBlock[secondAt + 3 + 8 + rows[1]![1].length]).toBe(8);
    expect(idx.subarray(idx.length - 8)).toEqual(Uint8Array.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]));
  });
});

describe('errors', () => {
  it('missing files and keys have TF’s messages', async () => {
    const { prefix } = fresh();
    await expect(readBundle(prefix)).rejects.toThrow(NotFoundError);
    await expect(readBundle(prefix)).rejects.toThrow(
      `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${prefix}`,
    );
    expect(() => BundleReader.openSync(prefix)).toThrow(
      `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${prefix}`,
    );
    await writeBundle(prefix, [{ name: 'w', array: f32([1]) }]);
    const r = await readBundle(prefix);
    expect(() => r.entry('Variable_2')).toThrow(NotFoundError);
    expect(() => r.entry('Variable_2')).toThrow('Key Variable_2 not found in checkpoint');
    await expect(r.read('Variable_2')).rejects.toThrow('Key Variable_2 not found in checkpoint');
    // data file gone
    rmSync(dataFilename(prefix, 0, 1));
    await expect(r.read('w')).rejects.toThrow(NotFoundError);
    await expect(r.read('w')).rejects.toThrow(dataFilename(prefix, 0, 1));
    expect(() => r.readSync('w')).toThrow(NotFoundError);
  });

  it('rejects duplicate, empty and non-tensor entries before writing anything', async () => {
    const { dir, prefix } = fresh();
    await expect(
      writeBundle(prefix, [
        { name: 'a', array: f32([1]) },
        { name: 'a', array: f32([2]) },
      ]),
    ).rejects.toThrow('Adding duplicate key: a');
    await expect(writeBundle(prefix, [{ name: '', array: f32([1]) }])).rejects.toThrow(InvalidArgumentError);
    await expect(writeBundle(prefix, [{ name: 'x', array: [1, 2] as unknown as NDArray }])).rejects.toThrow(
      InvalidArgumentError,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a corrupted tensor is DataLoss naming the file and the tensor', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [
      { name: 'layer/bias', array: f32([1, 2, 3]) },
      { name: 'layer/kernel', array: f32([4, 5, 6, 7], [2, 2]) },
    ]);
    const path = dataFilename(prefix, 0, 1);
    const data = readFileSync(path);
    data[13]! ^= 0x10; // inside layer/kernel
    writeFileSync(path, data);
    const r = await readBundle(prefix);
    expect([...((await r.read('layer/bias')) as NDArray).data]).toEqual([1, 2, 3]);
    await expect(r.read('layer/kernel')).rejects.toThrow(DataLossError);
    await expect(r.read('layer/kernel')).rejects.toThrow(
      new RegExp(`^TensorBundle at .*model\\.ckpt shard 0 \\(16 bytes\\): Checksum does not match: stored \\d{8,} vs\\. calculated on the restored bytes \\d+`),
    );
    await expect(r.read('layer/kernel')).rejects.toThrow(/layer\/kernel/);
    await expect(r.read('layer/kernel')).rejects.toThrow(path);
    expect(() => r.readSync('layer/kernel')).toThrow(DataLossError);
  });

  it('corrupted string tensors: bytes and lengths', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [{ name: 's', array: StringTensor.from(['abc', 'defg']) }]);
    const path = dataFilename(prefix, 0, 1);
    const good = readFileSync(path);
    expect(good.length).toBe(2 + 4 + 7);
    const badBytes = Buffer.from(good);
    badBytes[8]! ^= 1;
    writeFileSync(path, badBytes);
    await expect((await readBundle(prefix)).read('s')).rejects.toThrow(/Checksum does not match.*key s/);
    const badLen = Buffer.from(good);
    badLen[0] = 2;
    writeFileSync(path, badLen);
    await expect((await readBundle(prefix)).read('s')).rejects.toThrow(/length checksum does not match/);
  });

  it('a truncated data file is DataLoss', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [{ name: 'x', array: f64([1, 2, 3]) }]);
    const path = dataFilename(prefix, 0, 1);
    writeFileSync(path, readFileSync(path).subarray(0, 10));
    await expect((await readBundle(prefix)).read('x')).rejects.toThrow(/truncated/);
    expect(() => BundleReader.openSync(prefix).readSync('x')).toThrow(DataLossError);
  });

  it('a corrupted index is DataLoss: block checksum, bad magic', async () => {
    const { prefix } = fresh();
    await writeBundle(prefix, [{ name: 'x', array: f32([1]) }]);
    const path = metaFilename(prefix);
    const good = readFileSync(path);
    const bad = Buffer.from(good);
    bad[4]! ^= 0x01;
    writeFileSync(path, bad);
    await expect(readBundle(prefix)).rejects.toThrow(DataLossError);
    await expect(readBundle(prefix)).rejects.toThrow(new RegExp(`block checksum mismatch in ${path.replace(/[.]/g, '\\.')}`));
    const bad2 = Buffer.from(good);
    bad2[bad2.length - 3] = 0;
    writeFileSync(path, bad2);
    await expect(readBundle(prefix)).rejects.toThrow('not an sstable (bad magic number)');
  });

  /** Write an index by hand from entries (for cases the writer cannot produce). */
  function writeIndex(prefix: string, header: proto.BundleHeaderProto, entries: [string, proto.BundleEntryProto][]): void {
    const rows: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), proto.encodeBundleHeader(header)]];
    for (const [k, e] of entries) rows.push([new TextEncoder().encode(k), proto.encodeBundleEntry(e)]);
    writeFileSync(metaFilename(prefix), sstable.buildTable(rows));
  }
  const header = { numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } };
  const entry = (over: Partial<proto.BundleEntryProto>): proto.BundleEntryProto => ({
    dtype: 1,
    shape: { dims: [{ size: 3 }], unknownRank: false },
    shardId: 0,
    offset: 0,
    size: 12,
    crc32c: 0,
    slices: [],
    ...over,
  });

  it('a stored size that disagrees with the shape is DataLoss', async () => {
    const { prefix } = fresh();
    writeFileSync(dataFilename(prefix, 0, 1), new Uint8Array(12));
    writeIndex(prefix, header, [['x', entry({ size: 8 })]]);
    await expect((await readBundle(prefix)).read('x')).rejects.toThrow(
      'Invalid size in bundle entry: key x; stored size 8; expected size 12',
    );
  });

  it('lists but does not read other TF dtypes; checks versions', async () => {
    const { prefix } = fresh();
    writeFileSync(dataFilename(prefix, 0, 1), new Uint8Array(24));
    writeIndex(prefix, header, [['c', entry({ dtype: 14, size: 6 })]]);
    const r = await readBundle(prefix);
    expect(r.entry('c').dtype).toBe('bfloat16');
    expect(r.debugString()).toBe('c (DT_BFLOAT16) [3]\n');
    await expect(r.read('c')).rejects.toThrow(UnimplementedError);
    await expect(r.read('c')).rejects.toThrow(`Key c has dtype bfloat16, which this reader does not support (${metaFilename(prefix)})`);

    writeIndex(prefix, { ...header, version: { producer: 1, minConsumer: 5, badConsumers: [] } }, []);
    await expect(readBundle(prefix)).rejects.toThrow(/min consumer version 5/);
    writeIndex(prefix, { ...header, version: { producer: 1, minConsumer: 0, badConsumers: [1] } }, []);
    await expect(readBundle(prefix)).rejects.toThrow(/disallows consumer version 1/);
  });

  it('reads big-endian bundles and data at any offset', async () => {
    const { prefix } = fresh();
    const be = Buffer.alloc(4 + 12 + 8);
    be.writeFloatBE(9.5, 0); // scalar 's' at offset 0
    [1, -2, 3].forEach((v, i) => be.writeInt32BE(v, 4 + 4 * i)); // 'a' at 4
    be.writeBigInt64BE(-5n, 16); // 'b' at 16
    writeFileSync(dataFilename(prefix, 0, 1), be);
    const crc = (from: number, to: number): number => crc32c.mask(crc32c.value(be.subarray(from, to)));
    writeIndex(prefix, { ...header, endianness: 1 }, [
      ['a', entry({ dtype: 3, offset: 4, size: 12, crc32c: crc(4, 16) })],
      ['b', entry({ dtype: 9, shape: { dims: [], unknownRank: false }, offset: 16, size: 8, crc32c: crc(16, 24) })],
      ['s', entry({ dtype: 1, shape: { dims: [], unknownRank: false }, offset: 0, size: 4, crc32c: crc(0, 4) })],
    ]);
    const r = await readBundle(prefix);
    expect([...((await r.read('a')) as NDArray).data]).toEqual([1, -2, 3]);
    expect(((await r.read('b')) as NDArray).toArray()).toBe(-5);
    expect(((await r.read('s')) as NDArray).toArray()).toBe(9.5);
  });
});

describe('a failed write leaves the previous checkpoint readable', () => {
  const previous = [
    { name: 'w', array: f32([1, 2, 3]) },
    { name: 'b', array: f32([4]) },
  ];
  const next = [
    { name: 'w', array: f32([10, 20, 30, 40], [2, 2]) },
    { name: 'b', array: f32([50]) },
    { name: 'extra', array: i32([7]) },
  ];
  let dir = '';
  let prefix = '';

  beforeEach(async () => {
    ({ dir, prefix } = fresh());
    await writeBundle(prefix, previous);
  });

  async function expectPrevious(): Promise<void> {
    const r = await readBundle(prefix);
    expect(r.names).toEqual(['b', 'w']);
    expect([...((await r.read('w')) as NDArray).data]).toEqual([1, 2, 3]);
    expect([...((await r.read('b')) as NDArray).data]).toEqual([4]);
    // nothing but the two checkpoint files is left behind
    expect(readdirSync(dir).sort()).toEqual(['model.ckpt.data-00000-of-00001', 'model.ckpt.index']);
  }

  function failing(which: keyof BundleFileSystem, when: (args: string[]) => boolean): Partial<BundleFileSystem> {
    const real: Record<string, (...a: never[]) => unknown> = {
      open: fsp.open,
      rename: fsp.rename,
      unlink: fsp.unlink,
      link: fsp.link,
      copyFile: fsp.copyFile,
    };
    return {
      [which]: (...args: string[]) => {
        if (when(args)) {
          const e = new Error(`injected failure in ${which}`) as NodeJS.ErrnoException;
          e.code = 'EIO';
          return Promise.reject(e);
        }
        return (real[which] as (...a: string[]) => unknown)(...args);
      },
    };
  }

  it('overwriting works and leaves no temporary files', async () => {
    await writeBundle(prefix, next);
    const r = await readBundle(prefix);
    expect(r.names).toEqual(['b', 'extra', 'w']);
    expect(readdirSync(dir).sort()).toEqual(['model.ckpt.data-00000-of-00001', 'model.ckpt.index']);
  });

  it('when renaming the index fails (after the data file was replaced)', async () => {
    await expect(
      writeBundle(prefix, next, { fs: failing('rename', ([, to]) => to!.endsWith('.index')) }),
    ).rejects.toThrow(/injected failure in rename/);
    await expectPrevious();
  });

  it('when renaming the data file fails', async () => {
    await expect(writeBundle(prefix, next, { fs: failing('rename', ([, to]) => to!.includes('.data-')) })).rejects.toThrow();
    await expectPrevious();
  });

  it('when the index temp file cannot be created', async () => {
    await expect(writeBundle(prefix, next, { fs: failing('open', ([p]) => p!.includes('.index.tempstate')) })).rejects.toThrow();
    await expectPrevious();
  });

  it('when hard links are unavailable (falls back to a copy) and the index rename fails', async () => {
    const fs = { ...failing('rename', ([, to]) => to!.endsWith('.index')), ...failing('link', () => true) };
    await expect(writeBundle(prefix, next, { fs })).rejects.toThrow();
    await expectPrevious();
  });

  it('when a write fails half-way through the data', async () => {
    let writes = 0;
    const fs: Partial<BundleFileSystem> = {
      open: async (p, flags) => {
        const fh = await fsp.open(p, flags);
        return {
          write: (buf, off, len, pos) => {
            if (++writes === 2) return Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
            return fh.write(buf, off, Math.min(len, 5), pos); // short writes
          },
          sync: () => fh.sync(),
          close: () => fh.close(),
        };
      },
    };
    await expect(writeBundle(prefix, next, { fs })).rejects.toThrow(/disk full/);
    await expectPrevious();
  });

  it('when a tensor turns out to be invalid part-way', async () => {
    const bad = [...next, { name: 'zz_last', array: i64([Infinity]) }];
    await expect(writeBundle(prefix, bad)).rejects.toThrow(InvalidArgumentError);
    await expectPrevious();
  });

  it('when the target directory is removed mid-way: no half-written checkpoint', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const p = join(sub, 'model.ckpt');
    const fs: Partial<BundleFileSystem> = {
      open: async (path, flags) => {
        if (path.includes('.index.tempstate')) rmSync(sub, { recursive: true, force: true });
        return fsp.open(path, flags);
      },
    };
    await expect(writeBundle(p, next, { fs })).rejects.toThrow(NotFoundError);
    expect(existsSync(sub)).toBe(false);
    await expect(readBundle(p)).rejects.toThrow(/Failed to find any matching files/);
    // the checkpoint next to it is untouched
    rmSync(sub, { recursive: true, force: true });
    await expectPrevious();
  });
});
