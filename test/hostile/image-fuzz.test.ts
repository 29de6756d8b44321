/**
 * Image decoders (PNG, JPEG, GIF, BMP) under hostile bytes, through tf.image.decodeImage /
 * decodeJpeg / decodePng in one session: every truncation of each small file, seeded single-byte
 * flips, and header fields set to huge or negative values (IHDR / SOF / screen / BMP dims, chunk
 * and marker lengths, Huffman counts, LZW code sizes). Each mutant decodes to an image of the
 * size its header claims, or fails with InvalidArgumentError; never a RangeError, a TypeError,
 * a multi-gigabyte allocation or a slow run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { InvalidArgumentError } from '../../src/errors.js';
import { crc32 } from '../../src/io/codecs/png.js';
import { checkError } from './support.js';

const PGB = new URL('../fixtures/images/pgb/', import.meta.url);
const JPG = new URL('../fixtures/images/jpeg/', import.meta.url);
const file = (dir: URL, n: string): Uint8Array => new Uint8Array(readFileSync(new URL(n, dir)));
const bytesT = (b: Uint8Array): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues([b]) as never, [], 'string');

const g = new tf.Graph();
const { p, outs } = g.asDefault(() => {
  const p = tf.placeholder(tf.string, [], 'contents');
  return { p, outs: { image: tf.image.decodeImage(p), jpeg: tf.image.decodeJpeg(p, { tryRecoverTruncated: true }), png16: tf.image.decodePng(p, 4, tf.uint16) } };
});
const sess = new tf.Session({ graph: g });
afterAll(() => sess.close());

/** Decode `b` with `which`; null when it failed as TF does (InvalidArgumentError). */
async function decode(b: Uint8Array, which: keyof typeof outs, what: string): Promise<tf.NDArray | null> {
  const t0 = Date.now();
  try {
    const [x] = (await sess.run([outs[which]], { [p.name]: bytesT(b) } as never)) as tf.NDArray[];
    // a decoded image is no bigger than its header allows (bounded: TF's 2^29 / 2^31 limits)
    expect(x!.size, what).toBeLessThan(2 ** 31);
    return x!;
  } catch (e) {
    checkError(e, [InvalidArgumentError], null, what);
    return null;
  } finally {
    expect(Date.now() - t0, what).toBeLessThan(3000);
  }
}

// a seeded PRNG (mulberry32) for the flip offsets
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cases: { name: string; bytes: Uint8Array; which: keyof typeof outs }[] = [
  { name: 'rgb8.png', bytes: file(PGB, 'rgb8.png'), which: 'image' },
  { name: 'palette-interlace.png', bytes: file(PGB, 'palette-interlace.png'), which: 'png16' },
  { name: 'gray2-interlace.png', bytes: file(PGB, 'gray2-interlace.png'), which: 'image' },
  { name: 'rgb-trns.png', bytes: file(PGB, 'rgb-trns.png'), which: 'png16' },
  { name: 'palette.gif', bytes: file(PGB, 'palette.gif'), which: 'image' },
  { name: 'palette-interlace.gif', bytes: file(PGB, 'palette-interlace.gif'), which: 'image' },
  { name: 'rgb24.bmp', bytes: file(PGB, 'rgb24.bmp'), which: 'image' },
  { name: 's420.jpg', bytes: file(JPG, 's420.jpg'), which: 'image' },
  { name: 'greyprog.jpg', bytes: file(JPG, 'greyprog.jpg'), which: 'jpeg' },
  { name: 'enc-q95-420-prog.jpg', bytes: file(JPG, 'enc-q95-420-prog.jpg'), which: 'jpeg' },
  { name: 'enc-q50-420-opt.jpg', bytes: file(JPG, 'enc-q50-420-opt.jpg'), which: 'image' },
];

describe('image decoders: truncations and flips', () => {
  for (const c of cases) {
    it(`${c.name}: truncations (every offset up to 1500, then sampled) and 300 seeded byte flips decode or are InvalidArgumentError`, async () => {
      const b = c.bytes;
      const good = await decode(b, c.which, `${c.name} intact`);
      expect(good, c.name).not.toBeNull();
      let failed = 0;
      const step = b.length <= 1500 ? 1 : Math.ceil(b.length / 1500);
      for (let at = 0; at < b.length; at += step) if ((await decode(b.subarray(0, at), c.which, `${c.name} cut at ${at}`)) === null) failed++;
      const rnd = prng(0x1ace + b.length);
      for (let k = 0; k < 300; k++) {
        const m = b.slice();
        const at = Math.floor(rnd() * m.length);
        m[at] = Math.floor(rnd() * 256);
        const x = await decode(m, c.which, `${c.name} byte ${at} = ${m[at]}`);
        if (x === null) failed++;
      }
      expect(failed).toBeGreaterThan(0);
    });
  }
});

const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

/** PNG `b` with its IHDR's bytes [at, at+n) replaced (CRC recomputed, so the header is read). */
function pngIhdr(b: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const m = b.slice();
  m.set(bytes, 16 + at);
  m.set(be32(crc32(m.subarray(12, 29))), 29);
  return m;
}

/** The offset of the first JPEG marker `code` (its 0xFF byte). */
function marker(b: Uint8Array, code: number): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === code) return i;
  throw new Error(`no marker ${code.toString(16)}`);
}
const put = (b: Uint8Array, at: number, bytes: number[]): Uint8Array => {
  const m = b.slice();
  m.set(bytes, at);
  return m;
};

describe('image decoders: targeted header fields', () => {
  it('PNG: IHDR dims huge (2^31-1, 2^32-1, 100000x100000, 1000000x1000000), chunk lengths 2^31 and 2^32-1, fail at once', async () => {
    const b = file(PGB, 'rgb8.png');
    const muts: [string, Uint8Array][] = [
      ['width 2^31-1', pngIhdr(b, 0, be32(0x7fffffff))],
      ['width 2^32-1', pngIhdr(b, 0, be32(0xffffffff))],
      ['height 2^31', pngIhdr(b, 4, be32(0x80000000))],
      ['100000x100000', pngIhdr(b, 0, [...be32(100000), ...be32(100000)])],
      ['1000000x1000000', pngIhdr(b, 0, [...be32(1000000), ...be32(1000000)])],
      ['16383x32767 rgba16', pngIhdr(b, 0, [...be32(16383), ...be32(32767), 16, 6])],
      ['width 0', pngIhdr(b, 0, be32(0))],
      ['bit depth 3', pngIhdr(b, 8, [3])],
      ['colour type 7', pngIhdr(b, 9, [7])],
      ['IHDR length 2^31', put(b, 8, be32(0x80000000))],
      ['IHDR length 2^32-1', put(b, 8, be32(0xffffffff))],
      ['IDAT length 2^31-1', put(b, 33, be32(0x7fffffff))],
    ];
    for (const [what, m] of muts) {
      expect(await decode(m, 'image', what), what).toBeNull();
      expect(await decode(m, 'png16', what), what).toBeNull();
    }
  });

  it('JPEG: SOF dims 65535x65535 and 0, component count 0/2/255, segment lengths 0, 1, 2^16-1, Huffman counts summing past 256', async () => {
    for (const n of ['s420.jpg', 'greyprog.jpg']) {
      const b = file(JPG, n);
      const sof = (() => {
        for (const c of [0xc0, 0xc1, 0xc2]) try { return marker(b, c); } catch { /* next */ }
        throw new Error('no SOF');
      })();
      const dht = marker(b, 0xc4);
      const dqt = marker(b, 0xdb);
      const sos = marker(b, 0xda);
      const muts: [string, Uint8Array][] = [
        ['SOF 65535x65535', put(b, sof + 5, [0xff, 0xff, 0xff, 0xff])],
        ['SOF height 0', put(b, sof + 5, [0, 0])],
        ['SOF 1x65535', put(b, sof + 5, [0, 1, 0xff, 0xff])],
        ['SOF 0 components', put(b, sof + 9, [0])],
        ['SOF 2 components', put(b, sof + 9, [2])],
        ['SOF 255 components', put(b, sof + 9, [255])],
        ['SOF length 0', put(b, sof + 2, [0, 0])],
        ['SOF length 65535', put(b, sof + 2, [0xff, 0xff])],
        ['DQT length 1', put(b, dqt + 2, [0, 1])],
        ['DQT table 15', put(b, dqt + 4, [0x0f])],
        ['DHT length 65535', put(b, dht + 2, [0xff, 0xff])],
        ['DHT counts 255 each', put(b, dht + 5, new Array(16).fill(255))],
        ['DHT class/id 0xff', put(b, dht + 4, [0xff])],
        ['SOS length 0', put(b, sos + 2, [0, 0])],
        ['SOS 255 components', put(b, sos + 4, [255])],
        ['SOS table ids 0xff', put(b, sos + 6, [0xff])],
      ];
      for (const [what, m] of muts) {
        await decode(m, 'image', `${n} ${what}`);
        await decode(m, 'jpeg', `${n} ${what} (recover truncated)`);
      }
      expect(await decode(muts[0]![1], 'jpeg', 'SOF 65535x65535'), 'past JPEG_MAX_DIMENSION').toBeNull();
    }
  });

  it('GIF: screen and frame dims 65535, a 1x1 frame on a 20000x20000 screen, LZW code size 0/12/255, colour-table flags past the end', async () => {
    const b = file(PGB, 'palette.gif');
    // GIF87a/89a: screen w,h at 6..9, flags at 10; the first image descriptor follows the table
    const gct = b[10]! & 0x80 ? 3 << ((b[10]! & 7) + 1) : 0;
    let desc = 13 + gct;
    while (b[desc] === 0x21) {
      desc += 2;
      while (b[desc]! !== 0) desc += b[desc]! + 1;
      desc++;
    }
    expect(b[desc]).toBe(0x2c);
    const lct = b[desc + 9]! & 0x80 ? 3 << ((b[desc + 9]! & 7) + 1) : 0;
    const lzwAt = desc + 10 + lct;
    const muts: [string, Uint8Array][] = [
      ['screen 65535x65535', put(b, 6, [0xff, 0xff, 0xff, 0xff])],
      ['screen 0x0', put(b, 6, [0, 0, 0, 0])],
      // as TF's gif_io, the output is the logical screen: 1.2 GB for these few bytes, within TF's limit
      ['screen 20000x20000 around the small frame', put(b, 6, [0x20, 0x4e, 0x20, 0x4e])],
      ['frame 65535x65535', put(b, desc + 5, [0xff, 0xff, 0xff, 0xff])],
      ['frame left/top 65535', put(b, desc + 1, [0xff, 0xff, 0xff, 0xff])],
      ['LZW min code size 0', put(b, lzwAt, [0])],
      ['LZW min code size 12', put(b, lzwAt, [12])],
      ['LZW min code size 255', put(b, lzwAt, [255])],
      ['local colour table of 256 past the end', put(b, desc + 9, [0x87])],
      ['sub-block length 255 past the end', put(b, lzwAt + 1, [255])],
    ];
    for (const [what, m] of muts) await decode(m, 'image', what);
    // (a value here is never compared whole: printing a 1.2 GB array is what would fail)
    expect(await decode(muts.find(([w]) => w === 'frame 65535x65535')![1], 'image', 'frame 65535x65535')).toBeNull();
  });

  it('BMP: header size, width, height and bpp set to 2^31-1, -2^31, -1, 0; all fail or decode within bounds', async () => {
    const b = file(PGB, 'rgb24.bmp');
    const fields: [string, number][] = [['header size', 10], ['width', 18], ['height', 22], ['bpp', 28]];
    for (const [name, at] of fields) {
      for (const v of [0x7fffffff, -0x80000000, -1, 0, 0x40000000, 65536]) {
        await decode(put(b, at, le32(v)), 'image', `${name} = ${v}`);
      }
    }
    expect(await decode(put(b, 18, le32(0x7fffffff)), 'image', 'width 2^31-1')).toBeNull();
    expect(await decode(put(b, 22, le32(-0x80000000)), 'image', 'height -2^31')).toBeNull();
    expect(await decode(put(b, 10, le32(0x7fffffff)), 'image', 'header size 2^31-1')).toBeNull();
  });
});
