import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-tfrecord-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// An independent reader: bitwise CRC-32C and the framing spelled out from TF's record_writer.cc.
function crc32cBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const masked = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
function independentRead(buf: Uint8Array): Uint8Array[] {
  const bytes = new Uint8Array(buf); // a plain copy (Buffer slices would be Buffers)
  const out: Uint8Array[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p < bytes.length) {
    const n = Number(dv.getBigUint64(p, true));
    expect(dv.getUint32(p + 8, true)).toBe(masked(crc32cBitwise(bytes.subarray(p, p + 8))));
    const data = bytes.subarray(p + 12, p + 12 + n);
    expect(dv.getUint32(p + 12 + n, true)).toBe(masked(crc32cBitwise(data)));
    out.push(data.slice());
    p += 16 + n;
  }
  return out;
}
function independentFrame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, masked(crc32cBitwise(out.subarray(0, 8))), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, masked(crc32cBitwise(data)), true);
  return out;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const records = [enc('first'), new Uint8Array(0), enc('x'.repeat(1000)), Uint8Array.from([0, 255, 7])];

function writeFile(file: string, options?: tf.io.TFRecordOptions | 'GZIP' | 'ZLIB'): void {
  const w = new tf.io.TFRecordWriter(file, options);
  for (const r of records) w.write(r);
  w.close();
}

describe('TFRecord files', () => {
  it('writes records an independent reader reads, and reads records it frames', () => {
    const f = path.join(root, 'plain.tfrecord');
    writeFile(f);
    expect(independentRead(fs.readFileSync(f))).toEqual(records);
    const g = path.join(root, 'independent.tfrecord');
    fs.writeFileSync(g, Buffer.concat(records.map(independentFrame)));
    expect([...tf.io.tfRecordIterator(g)]).toEqual(records);
    expect([...tf.pythonIo.tfRecordIterator(f)]).toEqual(records);
  });

  it('GZIP and ZLIB: whole-file streams, read back by tfRecordIterator and by zlib', () => {
    const gz = path.join(root, 'c.tfrecord.gz');
    writeFile(gz, new tf.io.TFRecordOptions('GZIP'));
    expect(independentRead(gunzipSync(fs.readFileSync(gz)))).toEqual(records);
    expect([...tf.io.tfRecordIterator(gz, 'GZIP')]).toEqual(records);
    const z = path.join(root, 'c.tfrecord.z');
    writeFile(z, tf.io.TFRecordCompressionType.ZLIB as never);
    expect(independentRead(inflateSync(fs.readFileSync(z)))).toEqual(records);
    expect([...tf.io.tfRecordIterator(z, new tf.io.TFRecordOptions({ compressionType: 'ZLIB' }))]).toEqual(records);
    // a gzip stream made by zlib itself reads too
    const ext = path.join(root, 'ext.gz');
    fs.writeFileSync(ext, gzipSync(Buffer.concat(records.map(independentFrame))));
    expect([...tf.io.tfRecordIterator(ext, 'GZIP')]).toEqual(records);
    expect(() => new tf.io.TFRecordOptions('LZ4' as never)).toThrow(/Unsupported compression_type: LZ4/);
  });

  it('truncated and corrupted files are DataLossErrors naming the file and offset', () => {
    const f = path.join(root, 'good.tfrecord');
    writeFile(f);
    const bytes = fs.readFileSync(f);
    const second = 16 + 5; // offset of record 2
    const cases: [string, Uint8Array, RegExp][] = [
      ['trunc-header', bytes.subarray(0, second + 7), new RegExp(`truncated record at ${second} in .*trunc-header`)],
      ['trunc-data', bytes.subarray(0, bytes.length - 3), /truncated record at \d+ in .*trunc-data/],
      ['bad-len', (() => { const b = Uint8Array.from(bytes); b[second + 2] ^= 1; return b; })(), new RegExp(`corrupted record at ${second} in .*bad-len`)],
      ['bad-data', (() => { const b = Uint8Array.from(bytes); b[14] ^= 0x40; return b; })(), /corrupted record at 0 in .*bad-data/],
      // a huge length whose crc is right: rejected without allocating
      ['huge', (() => { const b = new Uint8Array(12); new DataView(b.buffer).setBigUint64(0, 1n << 60n, true); new DataView(b.buffer).setUint32(8, masked(crc32cBitwise(b.subarray(0, 8))), true); return b; })(), /truncated record at 0 in .*huge/],
    ];
    for (const [name, data, re] of cases) {
      const p = path.join(root, name);
      fs.writeFileSync(p, data);
      let err: unknown;
      try {
        [...tf.io.tfRecordIterator(p)];
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(tf.errors.DataLossError);
      expect((err as Error).message, name).toMatch(re);
    }
    // the records before the damage are read first
    const p = path.join(root, 'trunc-data');
    const it = tf.io.tfRecordIterator(p);
    expect(it.next().value).toEqual(records[0]);
    const gzBad = path.join(root, 'bad.gz');
    fs.writeFileSync(gzBad, gzipSync(bytes).subarray(0, 20));
    expect(() => [...tf.io.tfRecordIterator(gzBad, 'GZIP')]).toThrow(tf.errors.DataLossError);
    expect(() => [...tf.io.tfRecordIterator(path.join(root, 'missing'))]).toThrow(tf.errors.NotFoundError);
  });
});

describe('tf.train.Example', () => {
  const example = (): tf.train.Example =>
    new tf.train.Example({
      features: new tf.train.Features({
        feature: {
          label: new tf.train.Feature({ int64List: new tf.train.Int64List({ value: [7] }) }),
          image: new tf.train.Feature({ floatList: new tf.train.FloatList({ value: [0.5, -1.25, 3] }) }),
          name: new tf.train.Feature({ bytesList: new tf.train.BytesList({ value: ['digit'] }) }),
        },
      }),
    });

  it('encodes to the protobuf wire format and decodes back', () => {
    const bytes = example().serializeToString();
    // Hand-encoded Feature{int64_list{value:[7]}}: field 3 (len 3) holding field 1 packed (len 1) 7.
    expect([...new tf.train.Feature({ int64List: new tf.train.Int64List({ value: [7] }) }).serializeToString()]).toEqual([0x1a, 3, 0x0a, 1, 7]);
    // FloatList packed: tag 0x0a, 12 bytes, three little-endian floats
    const fl = new tf.train.Feature({ floatList: { value: [0.5, -1.25, 3] } }).serializeToString();
    expect([...fl.subarray(0, 4)]).toEqual([0x12, 14, 0x0a, 12]);
    expect(new Float32Array(fl.slice(4).buffer)).toEqual(Float32Array.from([0.5, -1.25, 3]));
    const back = tf.train.Example.fromString(bytes);
    expect(back.features!.feature.label!.int64List!.value).toEqual([7]);
    expect(back.features!.feature.image!.floatList!.value).toEqual([0.5, -1.25, 3]);
    expect(new TextDecoder().decode(back.features!.feature.name!.bytesList!.value[0])).toBe('digit');
    expect(back.features!.feature.name!.whichOneof()).toBe('bytesList');
    expect(() => new tf.train.Int64List({ value: [1.5] })).toThrow(TypeError);
  });

  it('parseSingleExample / parseExample with FixedLenFeature in a session', async () => {
    const ex2 = new tf.train.Example({ features: { feature: { label: { int64List: { value: [3] } }, image: { floatList: { value: [1, 2, 3] } } } } });
    const g = new tf.Graph();
    const { single, batch, missing } = g.asDefault(() => {
      const s = tf.placeholder(tf.string, []);
      const v = tf.placeholder(tf.string, [null]);
      const spec = { label: new tf.io.FixedLenFeature([], tf.int64), image: new tf.io.FixedLenFeature([3], tf.float32) };
      const single = tf.io.parseSingleExample(s, spec);
      const batch = tf.parseExample(v, { ...spec, name: new tf.io.FixedLenFeature([], tf.string, 'none') });
      const missing = tf.io.parseSingleExample(s, { other: new tf.io.FixedLenFeature([2], tf.float32) });
      return { single: { ...single, doubled: tf.multiply(single.image!, 2), s }, batch: { ...batch, v }, missing };
    });
    const sess = new tf.Session({ graph: g });
    const e1 = example().serializeToString();
    const [lab, img, dbl] = await sess.run([single.label!, single.image!, single.doubled], new Map([[single.s, tf.NDArray.fromStrings([e1], [])]]));
    expect(lab!.dtype).toBe('int64');
    expect(lab!.toArray()).toBe(7);
    expect(img!.toArray()).toEqual([0.5, -1.25, 3]);
    expect(dbl!.toArray()).toEqual([1, -2.5, 6]);
    const out = sess.runSync(batch, new Map([[batch.v, tf.NDArray.fromStrings([e1, ex2.serializeToString()])]]));
    expect(out.label.toArray()).toEqual([7, 3]);
    expect(out.image.shape).toEqual([2, 3]);
    expect(out.image.toArray()).toEqual([[0.5, -1.25, 3], [1, 2, 3]]);
    expect(out.name.toArray()).toEqual(['digit', 'none']);
    await expect(sess.run(missing.other!, new Map([[single.s, tf.NDArray.fromStrings([e1], [])]]))).rejects.toThrow(
      /Feature: other \(data type: float\) is required but could not be found/,
    );
    const wrong = new tf.train.Example({ features: { feature: { label: { floatList: { value: [1] } }, image: { floatList: { value: [1, 2, 3] } } } } }).serializeToString();
    await expect(sess.run(single.label!, new Map([[single.s, tf.NDArray.fromStrings([wrong], [])]]))).rejects.toThrow(
      /Key: label, Index: 0\.  Data types don't match\. Data type: float but expected type: int64/,
    );
    await expect(sess.run(single.image!, new Map([[single.s, tf.NDArray.fromStrings([ex2.serializeToString().subarray(0, 0)], [])]]))).rejects.toThrow(
      /Feature: image \(data type: float\) is required/,
    );
    await expect(sess.run(single.label!, new Map([[single.s, tf.NDArray.fromStrings([Uint8Array.from([0xff, 0xff, 0xff])], [])]]))).rejects.toThrow(
      tf.errors.InvalidArgumentError,
    );
    await sess.close();
  });

  it('decodeRaw: bytes to numbers, little and big endian, TF1 errors', async () => {
    const g = new tf.Graph();
    const { x, le, be, u8 } = g.asDefault(() => {
      const x = tf.placeholder(tf.string, [null]);
      return { x, le: tf.io.decodeRaw(x, tf.float32), be: tf.decodeRaw(x, 'int16', { littleEndian: false }), u8: tf.decodeRaw(x, tf.uint8) };
    });
    const sess = new tf.Session({ graph: g });
    const f = Float32Array.from([1.5, -2, 1e-3, 7]);
    const b = new Uint8Array(f.buffer);
    const feed = new Map([[x, tf.NDArray.fromStrings([b.slice(0, 8), b.slice(8)])]]);
    const [a, c, d] = sess.runSync([le, be, u8], feed);
    expect(a!.shape).toEqual([2, 2]);
    expect(Array.from(a!.data)).toEqual(Array.from(f));
    const ref = (o: number): number => new DataView(b.buffer).getInt16(o, false);
    expect(Array.from(c!.data)).toEqual([0, 2, 4, 6, 8, 10, 12, 14].map(ref));
    expect(d!.shape).toEqual([2, 8]);
    expect(() => sess.runSync(le, new Map([[x, tf.NDArray.fromStrings([b.slice(0, 8), b.slice(0, 4)])]]))).toThrow(
      /DecodeRaw requires input strings to all be the same size, but element 1 has size 4 != 8/,
    );
    expect(() => sess.runSync(le, new Map([[x, tf.NDArray.fromStrings([b.slice(0, 6)])]]))).toThrow(
      /Input to DecodeRaw has length 6 that is not a multiple of 4, the size of float/,
    );
    await sess.close();
  });
});
