/**
 * The ops that parse byte strings fed at run time, under hostile bytes: parseTensor,
 * deserializeManySparse, parseSingleSequenceExample, decodeJsonExample, decodeCompressed,
 * decodeRaw and decodeCsv. Valid inputs written by tsflow are truncated at every offset, flipped
 * at seeded offsets (fast-check mutations), and given targeted corruptions (dims of 2^31, 2^53,
 * 2^63 and -1, tensor_content lengths not matching the shape, varints of 11 bytes, lengths past
 * the end, wrong wire types). Each run gives a value or InvalidArgumentError / DataLossError
 * (TF's classes for these ops), never a RangeError, a TypeError or a slow run.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { DataLossError, InvalidArgumentError } from '../../src/errors.js';
import { serializeTensorValue } from '../../src/ops/sparse-serialize.js';
import { applyMutations, checkError, mutation, varint } from './support.js';

const sessions: tf.Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.close();
});

/** A session running `build(placeholder)`; `feed(bytes)` runs it on one string (or a vector of them). */
function runner(build: (p: tf.Tensor) => unknown, shape: number[] = []): (items: Uint8Array[], what: string) => Promise<unknown> {
  const g = new tf.Graph();
  const { p, out } = g.asDefault(() => {
    const p = tf.placeholder(tf.string, shape.length ? [null, ...shape.slice(1)] : []);
    return { p, out: build(p) };
  });
  const sess = new tf.Session({ graph: g });
  sessions.push(sess);
  return async (items, what) => {
    const t0 = Date.now();
    const dims = shape.length ? [items.length / (shape.slice(1).reduce((a, b) => a * b, 1)), ...shape.slice(1)] : [];
    try {
      return await sess.run(out as never, { [p.name]: new tf.NDArray(tf.StringArray.fromValues(items) as never, dims, 'string') } as never);
    } catch (e) {
      checkError(e, [InvalidArgumentError, DataLossError], null, what);
      return null;
    } finally {
      expect(Date.now() - t0, what).toBeLessThan(3000);
    }
  };
}

/** Every truncation of `b` (sampled past 600 bytes), then `runs` fast-check mutants. */
async function sweep(b: Uint8Array, f: (m: Uint8Array, what: string) => Promise<unknown>, seed: number, runs = 150): Promise<number> {
  let failed = 0;
  const step = Math.max(1, Math.ceil(b.length / 600));
  for (let at = 0; at < b.length; at += step) if ((await f(b.subarray(0, at), `cut at ${at}`)) === null) failed++;
  await fc.assert(
    fc.asyncProperty(mutation, async (ms) => {
      if ((await f(applyMutations(b, ms), JSON.stringify(ms))) === null) failed++;
    }),
    { seed, numRuns: runs },
  );
  return failed;
}

// --- protobuf pieces for the targeted corruptions -------------------------------------------
const field = (num: number, body: number[]): number[] => [...varint((num << 3) | 2), ...varint(body.length), ...body];
const vfield = (num: number, v: bigint | number): number[] => [...varint(num << 3), ...varint(v)];
/** TensorProto: dtype (1), tensor_shape (2) of `dims`, tensor_content (4). */
const tensorProto = (dtype: number, dims: (bigint | number)[], content: number[]): Uint8Array =>
  Uint8Array.from([...vfield(1, dtype), ...field(2, dims.flatMap((d) => field(2, vfield(1, typeof d === 'number' && d < 0 ? BigInt.asUintN(64, BigInt(d)) : d)))), ...field(4, content)]);

describe('parseTensor', () => {
  const out = { float32: 'float32', int32: 'int32', int64: 'int64', string: 'string', int16: 'int16', uint16: 'uint16', float16: 'float16', bool: 'bool' } as const;
  const runners = Object.fromEntries(Object.entries(out).map(([k, d]) => [k, runner((p) => tf.parseTensor(p, d))]));
  const values: [keyof typeof out, tf.NDArray][] = [
    ['float32', new tf.NDArray(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], 'float32')],
    ['int32', new tf.NDArray(Int32Array.of(-1, 7, 9), [3], 'int32')],
    ['int64', new tf.NDArray(Float64Array.of(-5, 2 ** 40), [2, 1], 'int64')],
    ['string', tf.NDArray.fromStrings(['a', '', 'hello'], [3])],
    ['int16', new tf.NDArray(Int16Array.of(-3, 4), [2], 'int16')],
    ['bool', new tf.NDArray(Uint8Array.of(1, 0, 1), [3], 'bool')],
  ];
  for (const [d, v] of values) {
    it(`${d}: truncations and mutants of a serialized [${v.shape}] tensor parse or fail as TF does`, async () => {
      const b = serializeTensorValue(v);
      const r = runners[d]!;
      expect(await r([b], 'intact')).not.toBeNull();
      const failed = await sweep(b, (m, what) => r([m], what), 7301 + b.length);
      expect(failed).toBeGreaterThan(5);
    });
  }
  it('targeted: dims 2^31, 2^53, 2^63, -1; tensor_content lengths not whole elements or not matching the shape; dtype 9999; 11-byte varints', async () => {
    const cases: [keyof typeof out, Uint8Array, string][] = [
      ['float32', tensorProto(1, [2 ** 31], [0, 0, 0x80, 0x3f]), 'dim 2^31'],
      ['float32', tensorProto(1, [2 ** 53], [0, 0, 0x80, 0x3f]), 'dim 2^53'],
      ['float32', tensorProto(1, [1n << 63n], [0, 0, 0x80, 0x3f]), 'dim 2^63'],
      ['float32', tensorProto(1, [-1], [0, 0, 0x80, 0x3f]), 'dim -1'],
      ['float32', tensorProto(1, [65536, 65536], []), '2^32 elements, no data'],
      ['float32', tensorProto(1, [3], [0, 0, 0x80, 0x3f]), '3 floats, 1 stored'],
      ['float32', tensorProto(1, [1], [0, 0, 0x80]), '3 bytes for a float'],
      ['int32', tensorProto(3, [1], [1, 0, 0, 0, 5]), '5 bytes for an int32'],
      ['int32', tensorProto(3, [2], [1, 0, 0]), '3 bytes for two int32'],
      ['int64', tensorProto(9, [1], [1, 0, 0, 0, 0, 0]), '6 bytes for an int64'],
      ['int16', tensorProto(5, [1], [1]), '1 byte for an int16'],
      ['uint16', tensorProto(17, [2], [1, 2, 3]), '3 bytes for two uint16'],
      ['float16', tensorProto(19, [1], [1, 2, 3]), '3 bytes for a half'],
      ['bool', tensorProto(10, [4], [1, 0]), '2 bytes for four bools'],
      ['string', tensorProto(7, [2], [...varint(2 ** 40), 0x61]), 'string length 2^40'],
      ['string', tensorProto(7, [2 ** 30], [1, 0x61]), 'string content for 2^30 strings'],
      ['string', tensorProto(7, [1], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), '11-byte varint length'],
      ['float32', tensorProto(9999, [1], [0, 0, 0, 0]), 'dtype 9999'],
      ['float32', Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'dtype varint of 11 bytes'],
      ['float32', Uint8Array.from([0x0d, 1, 0, 0, 0]), 'dtype with a fixed32 wire type'],
      ['float32', Uint8Array.from([0x12, ...varint(2 ** 31)]), 'shape length 2^31'],
    ];
    for (const [d, b, what] of cases) expect(await runners[d]!([b], what), what).toBeNull();
  });
});

describe('deserializeManySparse', () => {
  const r = runner((p) => {
    const sp = tf.deserializeManySparse(p, 'float32', 2);
    return [sp.indices, sp.values, sp.denseShape];
  }, [2, 3]);
  const rows = (i: number[][], v: number[], s: number[]): Uint8Array[] => [
    serializeTensorValue(new tf.NDArray(Float64Array.from(i.flat()), [i.length, 1], 'int64')),
    serializeTensorValue(new tf.NDArray(Float32Array.from(v), [v.length], 'float32')),
    serializeTensorValue(new tf.NDArray(Float64Array.from(s), [1], 'int64')),
  ];
  const good = [...rows([[0], [2]], [1.5, 2.5], [4]), ...rows([[1]], [7], [3])];
  it('each of the six serialized parts truncated and mutated: a SparseTensor or InvalidArgumentError', async () => {
    expect(await r(good, 'intact')).not.toBeNull();
    let failed = 0;
    for (let k = 0; k < 6; k++) {
      failed += await sweep(good[k]!, (m, what) => r(good.map((x, j) => (j === k ? m : x)), `part ${k} ${what}`), 7320 + k, 40);
    }
    expect(failed).toBeGreaterThan(20);
    // an index past its shape, a negative shape, a shape of 2^62, ranks that disagree
    for (const [what, parts] of [
      ['index past the shape', [...rows([[9]], [1], [4]), ...rows([[1]], [7], [3])]],
      ['negative shape', [...rows([[0]], [1], [-4]), ...rows([[1]], [7], [3])]],
      ['shape 2^62', [...rows([[0]], [1], [2 ** 62]), ...rows([[1]], [7], [3])]],
      ['values count not matching indices', [...rows([[0], [1]], [1], [4]), ...rows([[1]], [7], [3])]],
    ] as [string, Uint8Array[]][]) await r(parts, what);
  });
});

describe('parseSingleSequenceExample', () => {
  const r = runner((p) => {
    const [ctx, seq] = tf.io.parseSingleSequenceExample(p, {
      c: new tf.io.FixedLenFeature([2], tf.float32),
      s: new tf.io.VarLenFeature(tf.int64),
    }, {
      f: new tf.io.FixedLenSequenceFeature([2], tf.int64),
      b: new tf.io.VarLenFeature(tf.string),
    }) as unknown as [Record<string, unknown>, Record<string, unknown>];
    const flat = (o: Record<string, unknown>): tf.Tensor[] => Object.values(o).flatMap((v) => (v instanceof tf.SparseTensor ? [v.indices, v.values, v.denseShape] : [v as tf.Tensor]));
    return [...flat(ctx), ...flat(seq)];
  });
  // SequenceExample bytes (TF's example.proto field numbers): context (1), feature_lists (2)
  const utf8 = (t: string): number[] => [...new TextEncoder().encode(t)];
  const entry = (k: string, v: number[]): number[] => field(1, [...field(1, utf8(k)), ...field(2, v)]);
  const int64F = (v: number[]): number[] => field(3, field(1, v.flatMap((x) => varint(BigInt.asUintN(64, BigInt(x))))));
  const floatF = (v: number[]): number[] => field(2, field(1, [...new Uint8Array(Float32Array.from(v).buffer)]));
  const good = Uint8Array.from([
    ...field(1, [...entry('c', floatF([1.5, -2])), ...entry('s', int64F([3, 4, 5]))]),
    ...field(2, [...entry('f', [...field(1, int64F([1, 2])), ...field(1, int64F([3, -4]))]), ...entry('b', field(1, field(1, field(1, utf8('x')))))]),
  ]);
  it('truncations and mutants of a SequenceExample parse or fail as TF does', async () => {
    expect(await r([good], 'intact')).not.toBeNull();
    expect(await sweep(good, (m, what) => r([m], what), 7330, 250)).toBeGreaterThan(20);
  });
  it('targeted: a packed int64 list whose varint runs past the end, 11-byte varints, a float list of 2^31 bytes, wrong wire types', async () => {
    const ctx = (feature: number[]): Uint8Array => Uint8Array.from(field(1, field(1, [...field(1, [...new TextEncoder().encode('s')]), ...field(2, feature)])));
    for (const [what, b] of [
      ['packed varint cut', ctx(field(3, field(1, [0x80, 0x80])))],
      ['11-byte varint', ctx(field(3, field(1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])))],
      ['float list claiming 2^31 bytes', ctx([0x12, ...varint(2 ** 31 + 3), 0x0a, ...varint(2 ** 31)])],
      ['packed floats of 7 bytes', ctx(field(2, field(1, [1, 2, 3, 4, 5, 6, 7])))],
      ['int64 list as a fixed64', ctx([0x19, 1, 2, 3, 4, 5, 6, 7, 8])],
      ['unpacked int64 values', ctx(field(3, [0x08, 5, 0x08, 6, 0x08, 7]))],
      ['group wire type', ctx([0x1b, 0x1c])],
    ] as [string, Uint8Array][]) await r([b], what);
  });
});

describe('decodeJsonExample, decodeCompressed, decodeRaw, decodeCsv', () => {
  it('decodeJsonExample: truncations and mutants of an Example in JSON', async () => {
    const r = runner((p) => tf.io.decodeJsonExample(p));
    const json = new TextEncoder().encode(JSON.stringify({ features: { feature: { a: { int64List: { value: ['1', '-9007199254740991'] } }, b: { floatList: { value: [1.5, 'NaN', 'Infinity'] } }, c: { bytesList: { value: ['aGk='] } } } } }));
    expect(await r([json], 'intact')).not.toBeNull();
    expect(await sweep(json, (m, what) => r([m], what), 7340, 200)).toBeGreaterThan(20);
    for (const bad of ['[[[[[[[[[['.repeat(2000), '{"features":{"feature":{"a":{"int64List":{"value":["1e999"]}}}}}', '{"features":{"feature":{"a":{"bytesList":{"value":["!!!"]}}}}}', '{"features":' + '{"a":'.repeat(5000)]) {
      expect(await r([new TextEncoder().encode(bad)], bad.slice(0, 40))).toBeNull();
    }
  });

  it('decodeCompressed: truncations and mutants of GZIP and ZLIB strings', async () => {
    const data = Uint8Array.from({ length: 900 }, (_, i) => (i * 31) % 251);
    for (const [kind, b] of [['GZIP', new Uint8Array(gzipSync(data))], ['ZLIB', new Uint8Array(deflateSync(data))]] as const) {
      const r = runner((p) => tf.io.decodeCompressed(p, kind));
      const ok = (await r([b], 'intact')) as tf.NDArray;
      expect(Buffer.from((ok.data as unknown as Uint8Array[])[0]!).equals(Buffer.from(data))).toBe(true);
      expect(await sweep(b, (m, what) => r([m], `${kind} ${what}`), 7350, 150)).toBeGreaterThan(50);
    }
  });

  it('decodeRaw: every length of a byte string for each out type is a value or InvalidArgumentError', async () => {
    const b = Uint8Array.from({ length: 40 }, (_, i) => (i % 8 < 4 ? i * 5 : 0)); // int64s within ±2^53
    for (const d of ['uint8', 'int16', 'int32', 'int64', 'float32', 'float64', 'float16', 'uint16', 'int8'] as const) {
      const r = runner((p) => tf.io.decodeRaw(p, d), [2]);
      for (let n = 0; n <= 40; n += 1) {
        const out = await r([b.subarray(0, n), b.subarray(0, n)], `${d} of ${n} bytes`);
        const size = { uint8: 1, int8: 1, int16: 2, uint16: 2, float16: 2, int32: 4, float32: 4, int64: 8, float64: 8 }[d];
        expect(out !== null, `${d} of ${n} bytes`).toBe(n % size === 0);
      }
      // rows of different lengths
      expect(await r([b.subarray(0, 8), b.subarray(0, 16)], `${d} ragged`), `${d} ragged`).toBeNull();
    }
  });

  it('decodeBase64: web-safe base64 strings truncated and mutated decode (to what Node decodes) or are InvalidArgumentError', async () => {
    const r = runner((p) => tf.decodeBase64(p));
    const raw = Uint8Array.from({ length: 50 }, (_, i) => (i * 37) & 255);
    const b64 = new TextEncoder().encode(Buffer.from(raw).toString('base64url'));
    const ok = (await r([b64], 'intact')) as tf.NDArray;
    expect(Buffer.from((ok.data as unknown as Uint8Array[])[0]!).equals(Buffer.from(raw))).toBe(true);
    expect(await sweep(b64, (m, what) => r([m], what), 7355, 200)).toBeGreaterThan(20);
    for (const bad of ['a', '====', 'ab=c', 'a\u0000b', '+/+/']) expect(await r([new TextEncoder().encode(bad)], bad), bad).toBeNull();
  });

  it('decodeCsv: random records of quotes, delimiters and numbers parse or are InvalidArgumentError', async () => {
    const r = runner((p) => tf.io.decodeCsv(p, [[0], [1.5], [''], ['x']]), [1]);
    const rq = runner((p) => tf.io.decodeCsv(p, [[0], [''], ['']], { fieldDelim: '\t', useQuoteDelim: false }), [1]);
    expect(await r([new TextEncoder().encode('1,2.5,"a,""b""",c')], 'intact')).not.toBeNull();
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('"', ',', '1', '-', '.', 'e', 'a', ' ', '\t', '\n', '""', '9999999999999999999999', 'nan', '\u00e9'), { maxLength: 24 }), async (parts) => {
        const s = new TextEncoder().encode(parts.join(''));
        if ((await r([s], JSON.stringify(parts.join('')))) === null) failed++;
        await rq([s], JSON.stringify(parts.join('')));
      }),
      { seed: 7360, numRuns: 400 },
    );
    expect(failed).toBeGreaterThan(50);
    expect(await r([new TextEncoder().encode('1,2,"unterminated,x')], 'unterminated quote')).toBeNull();
  });
});
