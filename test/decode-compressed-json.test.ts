/**
 * tf.io.decodeCompressed (ZLIB / GZIP streams written by node:zlib, corrupt ones a
 * DataLossError) and tf.io.decodeJsonExample (proto3 JSON of tf.train.Example into bytes that
 * parseExample reads, TF's "Error while parsing JSON" on bad input).
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { MAX_DECOMPRESSED_BYTES, decompress } from '../src/ops/decode-compressed.js';

const strs = (xs: (Uint8Array | string)[], shape = [xs.length]): tf.NDArray =>
  new tf.NDArray(tf.StringArray.fromValues(xs.map((x) => (typeof x === 'string' ? new TextEncoder().encode(x) : x))) as never, shape, 'string');

async function run(build: () => unknown): Promise<any> {
  const g = new tf.Graph();
  const f = g.asDefault(build);
  await using sess = new tf.Session({ graph: g });
  return await sess.run(f as never);
}

describe('tf.io.decodeCompressed', () => {
  const text = 'tsflow '.repeat(300) + 'end';
  const raw = new TextEncoder().encode(text);

  it('inflates ZLIB and GZIP streams and passes bytes through for ""', async () => {
    const z = await run(() => tf.io.decodeCompressed(strs([deflateSync(raw), deflateSync(new Uint8Array(0))]), 'ZLIB'));
    expect(z.toArray()).toEqual([text, '']);
    const g = await run(() => tf.io.decodeCompressed(strs([gzipSync(raw)], []), { compressionType: 'GZIP' }));
    expect(g.shape).toEqual([]);
    expect(g.toArray()).toEqual(text);
    const n = await run(() => tf.io.decodeCompressed(strs(['plain'], [1, 1])));
    expect(n.toArray()).toEqual([['plain']]);
  });

  it('fails with DataLossError on corrupt or truncated data', async () => {
    const z = deflateSync(raw);
    const gz = gzipSync(raw);
    const flipped = Uint8Array.from(gz);
    flipped[flipped.length - 6]! ^= 0xff; // the CRC-32
    for (const [bytes, type, msg] of [
      [raw, 'ZLIB', 'incorrect'],
      [z.subarray(0, z.length - 10), 'ZLIB', 'unexpected end'],
      [gz, 'ZLIB', 'incorrect'],
      [z, 'GZIP', 'incorrect header check'],
      [flipped, 'GZIP', 'incorrect data check'],
      [gz.subarray(0, 12), 'GZIP', 'inflate() failed'],
    ] as const) {
      const p = run(() => tf.io.decodeCompressed(strs([bytes]), type, 'dc'));
      await expect(p).rejects.toThrow(tf.errors.DataLossError);
      await expect(run(() => tf.io.decodeCompressed(strs([bytes]), type, 'dc'))).rejects.toThrow(msg);
    }
  });

  it('caps what one element may inflate to', () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    expect(bomb.length).toBeLessThan(2000);
    expect(() => decompress(bomb, 'GZIP', 'element 0', 1000)).toThrow('Decompressed size exceeds 1000 byte limit (element 0)');
    expect(decompress(bomb, 'GZIP', 'element 0', 1 << 20).length).toBe(1 << 20);
    expect(MAX_DECOMPRESSED_BYTES).toBe(1024 ** 3);
  });

  it('rejects an unknown compression type and a non-string input', () => {
    tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      expect(() => tf.io.decodeCompressed(strs(['x']), 'BZIP2')).toThrow('Only ZLIB, GZIP or NONE are supported compressions');
      expect(() => tf.io.decodeCompressed(tf.constant([1, 2]) as never, 'ZLIB')).toThrow(/Value passed to parameter 'bytes' has DataType float32 not in list of allowed values: string/);
    });
  });
});

describe('tf.io.decodeJsonExample', () => {
  it('turns proto3 JSON Examples into bytes parseExample reads', async () => {
    const json = [
      JSON.stringify({ features: { feature: { x: { floatList: { value: [1.5, 'NaN'] } }, id: { int64List: { value: ['9007199254740991', 3] } }, s: { bytesList: { value: [btoa('hi'), 'AP8'] } } } } }),
      JSON.stringify({ features: { feature: { x: { float_list: { value: [2, '-Infinity'] } }, id: { int64_list: { value: [1, -2] } }, s: { bytes_list: { value: ['', '_-8='] } } } } }),
    ];
    const out = await run(() => tf.parseExample(tf.io.decodeJsonExample(strs(json)), {
      x: new tf.io.FixedLenFeature([2], tf.float32),
      id: new tf.io.FixedLenFeature([2], tf.int64),
      s: new tf.io.FixedLenFeature([2], tf.string),
    }));
    expect(out.x.toArray()).toEqual([[1.5, NaN], [2, -Infinity]]);
    expect(out.id.toArray()).toEqual([[9007199254740991, 3], [1, -2]]);
    const s = out.s.data as tf.StringArray;
    expect(Array.from(s, (b) => Array.from(b))).toEqual([[104, 105], [0, 255], [], [255, 239]]);
  });

  it('gives the bytes of the same Example as tf.train.Example', async () => {
    const ex = new tf.train.Example({ features: { feature: { a: { int64List: { value: [1, 2] } }, b: { floatList: { value: [0.25] } } } } });
    const json = '{"features": {"feature": {"b": {"floatList": {"value": [0.25]}}, "a": {"int64List": {"value": [1, 2]}}}}}';
    const out = await run(() => tf.io.decodeJsonExample(strs([json], [])));
    expect(Array.from(out.data[0] as Uint8Array)).toEqual(Array.from(ex.serializeToString()));
    const empty = await run(() => tf.io.decodeJsonExample(strs(['{}'], [])));
    expect((empty.data[0] as Uint8Array).length).toBe(0);
  });

  it("fails with TF's InvalidArgumentError on malformed JSON", async () => {
    for (const [json, msg] of [
      ['{"features": ', 'Error while parsing JSON: '],
      ['{"feature": {}}', 'feature: Cannot find field.'],
      ['{"features": {"feature": {"a": {"intList": {"value": [1]}}}}}', 'intList: Cannot find field.'],
      ['{"features": {"feature": {"a": {"int64List": {"value": [1.5]}}}}}', 'for type TYPE_INT64'],
      ['{"features": {"feature": {"a": {"floatList": {"value": ["x"]}}}}}', 'for type TYPE_FLOAT'],
      ['{"features": {"feature": {"a": {"bytesList": {"value": ["@@"]}}}}}', 'for type TYPE_BYTES'],
      ['{"features": {"feature": {"a": {"floatList": {}, "int64List": {}}}}}', "oneof field 'kind' is already set"],
      ['[1]', 'for type tensorflow.Example'],
    ] as const) {
      await expect(run(() => tf.io.decodeJsonExample(strs([json])))).rejects.toThrow(tf.errors.InvalidArgumentError);
      await expect(run(() => tf.io.decodeJsonExample(strs([json])))).rejects.toThrow(msg);
    }
  });
});
