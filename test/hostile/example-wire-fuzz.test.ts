/**
 * tf.train.Example wire-format corner cases through tf.io.parseExample (a batch, VarLen, FixedLen
 * and FixedLenSequence features): int64 and float lists packed and unpacked parse to the same
 * values (protobuf readers accept both), and 11-byte varints, lengths past the end, wrong wire
 * types, a packed float list of 7 bytes, a group wire type and every truncation of a valid
 * Example fail with InvalidArgumentError / DataLossError, never a RangeError or a TypeError.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { DataLossError, InvalidArgumentError } from '../../src/errors.js';
import { checkError, varint } from './support.js';

const field = (num: number, body: number[]): number[] => [...varint((num << 3) | 2), ...varint(body.length), ...body];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const i64 = (v: number): number[] => varint(BigInt.asUintN(64, BigInt(v)));
const f32 = (v: number): number[] => [...new Uint8Array(Float32Array.of(v).buffer)];
// Feature: bytes_list (1), float_list (2), int64_list (3); each list's value is field 1
const int64Packed = (v: number[]): number[] => field(3, field(1, v.flatMap(i64)));
const int64Unpacked = (v: number[]): number[] => field(3, v.flatMap((x) => [0x08, ...i64(x)]));
const floatPacked = (v: number[]): number[] => field(2, field(1, v.flatMap(f32)));
const floatUnpacked = (v: number[]): number[] => field(2, v.flatMap((x) => [0x0d, ...f32(x)]));
const bytesF = (v: string[]): number[] => field(1, v.flatMap((s) => field(1, utf8(s))));
const example = (m: Record<string, number[]>): Uint8Array =>
  Uint8Array.from(field(1, Object.entries(m).flatMap(([k, f]) => field(1, [...field(1, utf8(k)), ...field(2, f)]))));

const g = new tf.Graph();
const { p, out } = g.asDefault(() => {
  const p = tf.placeholder(tf.string, [null]);
  const r = tf.io.parseExample(p, {
    i: new tf.io.VarLenFeature(tf.int64),
    f: new tf.io.FixedLenFeature([2], tf.float32, [0, 0]),
    s: new tf.io.FixedLenSequenceFeature([], tf.string, { allowMissing: true, defaultValue: '' }),
  } as never) as unknown as Record<string, tf.Tensor | tf.SparseTensor>;
  const i = r.i as tf.SparseTensor;
  return { p, out: [i.indices, i.values, i.denseShape, r.f as tf.Tensor, r.s as tf.Tensor] };
});
const sess = new tf.Session({ graph: g });
afterAll(() => sess.close());

async function parse(items: Uint8Array[], what: string): Promise<unknown[] | null> {
  const t0 = Date.now();
  try {
    const r = (await sess.run(out, { [p.name]: tf.NDArray.fromStrings(items, [items.length]) } as never)) as tf.NDArray[];
    return r.map((x) => x.toArray());
  } catch (e) {
    checkError(e, [InvalidArgumentError, DataLossError], null, what);
    return null;
  } finally {
    expect(Date.now() - t0, what).toBeLessThan(3000);
  }
}

describe('Example wire format through parseExample', () => {
  it('packed and unpacked int64 / float lists parse to the same values, including -1 and 2^53', async () => {
    const ints = [-1, 0, 7, 2 ** 53, -(2 ** 40)];
    const a = example({ i: int64Packed(ints), f: floatPacked([1.5, -2]), s: bytesF(['x', 'yz']) });
    const b = example({ i: int64Unpacked(ints), f: floatUnpacked([1.5, -2]), s: bytesF(['x', 'yz']) });
    const ra = await parse([a, example({})], 'packed');
    const rb = await parse([b, example({})], 'unpacked');
    expect(ra).not.toBeNull();
    expect(rb).toEqual(ra);
    expect(ra![1]).toEqual(ints);
    expect(ra![3]).toEqual([[1.5, -2], [0, 0]]);
    expect(ra![4]).toEqual([['x', 'yz'], ['', '']]);
    // a list written half packed, half unpacked is one list (protobuf merges repeated fields)
    const mixed = example({ i: field(3, [...field(1, [...i64(-1), ...i64(0)]), 0x08, ...i64(7), ...field(1, [...i64(2 ** 53), ...i64(-(2 ** 40))])]), f: floatPacked([1.5, -2]), s: bytesF(['x', 'yz']) });
    expect(await parse([mixed, example({})], 'mixed')).toEqual(ra);
  });

  it('11-byte varints, lengths past the end, wrong wire types, 7-byte packed floats, group wire types, and every truncation fail as TF does', async () => {
    const good = example({ i: int64Packed([1, 2]), f: floatPacked([1, 2]), s: bytesF(['a']) });
    const cases: [string, Uint8Array][] = [
      ['11-byte varint in a packed int64 list', example({ i: field(3, field(1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])) })],
      ['varint cut in a packed list', example({ i: field(3, field(1, [0x80, 0x80])) })],
      ['packed floats of 7 bytes', example({ f: field(2, field(1, [1, 2, 3, 4, 5, 6, 7])) })],
      ['a float list as a varint', example({ f: [0x10, 5] })],
      ['an int64 value with wire type fixed32', example({ i: field(3, [0x0d, 1, 2, 3, 4]) })],
      ['a bytes value as a varint', example({ s: field(1, [0x08, 3]) })],
      ['a group wire type', example({ i: [0x1b, 0x1c] })],
      ['a feature map entry of 2^31 bytes', Uint8Array.from(field(1, [0x0a, ...varint(2 ** 31), 0x0a]))],
      ['an Example field of 2^53 bytes', Uint8Array.from([0x0a, ...varint(2 ** 53), 1, 2])],
      ['a tag of field 0', Uint8Array.from([0x02, 0x00])],
      ['a wire type 7', Uint8Array.from([0x0f])],
      ['FixedLen [2] given 3 floats', example({ f: floatPacked([1, 2, 3]) })],
      ['FixedLen float given int64s', example({ f: int64Packed([1, 2]) })],
    ];
    expect(await parse([good], 'intact')).not.toBeNull();
    for (const [what, b] of cases) expect(await parse([good, b], what), what).toBeNull();
    let failed = 0;
    for (let at = 0; at < good.length; at++) if ((await parse([b(good, at)], `cut at ${at}`)) === null) failed++;
    expect(failed).toBeGreaterThan(good.length / 2);
  });
});

const b = (x: Uint8Array, at: number): Uint8Array => x.subarray(0, at);
