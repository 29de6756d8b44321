/**
 * Every TF checkpoint under test/fixtures/tf-checkpoints reads with exactly the names,
 * dtypes, shapes, offsets, sizes and values CONTENTS.md lists, and the writer reproduces TF's
 * files byte for byte where TF1 wrote them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NDArray } from '../../src/ndarray.js';
import {
  BundleReader,
  StringTensor,
  dataFilename,
  metaFilename,
  readBundle,
  sstable,
  proto,
  writeBundle,
} from '../../src/checkpoint/index.js';
import { parseContents, parseNumericHead, parseStringHead, pyBytesRepr } from './fixtures.js';

const bundles = parseContents();
const tmp = mkdtempSync(join(tmpdir(), 'tsflow-ckpt-fixtures-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** TF1-style output: data present, contiguous in key order from 0, raw (unsnappied) blocks. */
function isTf1KeyOrdered(b: (typeof bundles)[number]): boolean {
  if (b.dataShard === null || b.blockCompression !== 'none') return false;
  let off = 0;
  for (const t of b.tensors) {
    if (t.offset !== off) return false;
    off += t.size;
  }
  return off === b.dataShard.bytes;
}

describe('CONTENTS.md', () => {
  it('lists all 17 bundles of the fixture directory', () => {
    expect(bundles.length).toBe(17);
    for (const b of bundles) {
      expect(existsSync(metaFilename(b.prefix))).toBe(true);
      expect(b.tensors.length).toBe(b.numEntries);
    }
  });
});

describe.each(bundles.map((b) => [b.indexRel, b] as const))('fixture %s', (_rel, b) => {
  it('has the listed header, table layout and entries', async () => {
    const r = await readBundle(b.prefix);
    expect(readFileSync(metaFilename(b.prefix)).length).toBe(b.indexBytes);
    expect(r.header.numShards).toBe(b.numShards);
    expect(r.header.endianness).toBe(b.endianness === 'LITTLE' ? 0 : 1);
    expect(r.header.version.producer).toBe(1);
    expect(r.table.dataBlocks).toBe(b.dataBlocks);
    expect(r.table.compressedBlocks > 0).toBe(b.blockCompression.includes('snappy'));
    expect(r.entries.map((e) => e.name)).toEqual(b.tensors.map((t) => t.key));
    for (const [i, t] of b.tensors.entries()) {
      const e = r.entries[i]!;
      expect(e.dtype).toBe(t.dtype);
      expect(e.shape).toEqual(t.shape);
      expect(e.shardId).toBe(t.shard);
      expect(e.offset).toBe(t.offset);
      expect(e.size).toBe(t.size);
    }
  });

  it.runIf(b.dataShard !== null)('reads every tensor with the listed values and a good crc', async () => {
    const r = await readBundle(b.prefix);
    expect(r.dataPath(0).endsWith(b.dataShard!.name)).toBe(true);
    for (const t of b.tensors) {
      expect(t.crc).toBe('ok');
      const v = await r.read(t.key);
      expect(r.readSync(t.key)).toEqual(v);
      expect(v.dtype).toBe(t.dtype);
      expect(v.shape).toEqual(t.shape);
      if (v instanceof StringTensor) {
        const { reprPrefix, totalBytes } = parseStringHead(t.head);
        expect(reprPrefix.length).toBeGreaterThan(20);
        expect(pyBytesRepr(v.bytes[0]!).startsWith(reprPrefix)).toBe(true);
        if (totalBytes !== null) expect(v.bytes[0]!.length).toBe(totalBytes);
      } else {
        const head = parseNumericHead(t.head);
        expect(head.length).toBeGreaterThan(0);
        head.forEach((x, i) => {
          const got = v.data[i]!;
          // Floats are listed rounded to 7 decimals; integers exactly.
          if (v.dtype === 'float32' || v.dtype === 'float64') expect(Number(got.toFixed(7))).toBe(x);
          else expect(got).toBe(x);
        });
      }
    }
  });

  it('re-encodes its index byte for byte from the parsed entries (raw-block tables)', async () => {
    const bytes = new Uint8Array(readFileSync(metaFilename(b.prefix)));
    const r = BundleReader.fromIndexBytes(b.prefix, bytes);
    const rows: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), proto.encodeBundleHeader(r.header)]];
    for (const e of r.entries) rows.push([new TextEncoder().encode(e.name), proto.encodeBundleEntry(e.proto)]);
    const rebuilt = sstable.buildTable(rows);
    // The table reader gives back the stored entry bytes unchanged in every case...
    const stored = [...new sstable.TableReader(bytes).entries()];
    expect(stored.map(([k, v]) => [k, v])).toEqual(rows);
    // ...and the table is identical wherever TF did not snappy-compress a block.
    expect(Buffer.from(rebuilt).equals(Buffer.from(bytes))).toBe(b.blockCompression === 'none');
  });
});

describe('writer reproduces TF1 checkpoints byte for byte', () => {
  const eligible = bundles.filter(isTf1KeyOrdered);

  it('covers the TF1 fixtures with data in key order and raw blocks', () => {
    expect(eligible.map((b) => b.indexRel).sort()).toEqual([
      'onnx_regression/checkpoint/model.index',
      'onnx_regression/saved_model/variables/variables.index',
      'rust_regression_model/variables/variables.index',
      'serving_counter/variables/variables.index',
      'serving_half_plus_three/variables/variables.index',
      'serving_half_plus_two_2_versions/variables/variables.index',
      'serving_half_plus_two_mkl/variables/variables.index',
    ]);
  });

  it.each(eligible.map((b, i) => [b.indexRel, b, i] as const))('%s', async (_rel, b, i) => {
    const r = await readBundle(b.prefix);
    const tensors = [];
    // Hand the tensors over in reverse order: the writer must sort them itself.
    for (const e of [...r.entries].reverse()) tensors.push({ name: e.name, array: await r.read(e.name) });
    const out = join(tmp, `tf1-${i}`, 'model.ckpt');
    mkdirSync(join(tmp, `tf1-${i}`));
    await writeBundle(out, tensors);
    expect(readFileSync(metaFilename(out)).equals(readFileSync(metaFilename(b.prefix)))).toBe(true);
    expect(readFileSync(dataFilename(out, 0, 1)).equals(readFileSync(dataFilename(b.prefix, 0, 1)))).toBe(true);
  });

  it('keeps the data bytes of the other fixtures (TF2 order, snappy index) through a round trip', async () => {
    for (const b of bundles.filter((x) => x.dataShard !== null && !isTf1KeyOrdered(x))) {
      const r = await readBundle(b.prefix);
      const vals = await r.readAll();
      const out = join(tmp, `other-${b.indexRel.replace(/\W/g, '_')}`);
      await writeBundle(out, [...vals].map(([name, array]) => ({ name, array })));
      const back = await readBundle(out);
      expect(back.entries.map((e) => [e.name, e.dtype, e.shape])).toEqual(
        r.entries.map((e) => [e.name, e.dtype, e.shape]),
      );
      for (const e of r.entries) {
        expect(await back.read(e.name)).toEqual(vals.get(e.name));
        // Same tensor bytes, same stored crc: only the offsets differ (key order now).
        expect(back.entry(e.name).crc32c).toBe(e.crc32c);
        expect(back.entry(e.name).size).toBe(e.size);
      }
      const orig = readFileSync(dataFilename(b.prefix, 0, 1));
      const mine = readFileSync(dataFilename(out, 0, 1));
      for (const e of r.entries) {
        const be = back.entry(e.name);
        expect(mine.subarray(be.offset, be.offset + be.size).equals(orig.subarray(e.offset, e.offset + e.size))).toBe(
          true,
        );
      }
    }
  });

  it('the numeric values are NDArrays of the right typed arrays', async () => {
    const r = await readBundle(bundles.find((b) => b.indexRel.startsWith('tfjs_node_int64'))!.prefix);
    const v = await r.read('v1/.ATTRIBUTES/VARIABLE_VALUE');
    expect(v).toBeInstanceOf(NDArray);
    expect((v as NDArray).data).toBeInstanceOf(Float64Array);
    expect((v as NDArray).toArray()).toBe(3);
  });
});
