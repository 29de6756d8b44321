/**
 * Image decoders against tiny files that declare huge images: the memory a decode takes before it
 * fails is bounded by what the file's data can produce, not by the size its header claims.
 *
 * Each hostile file is built here (a few bytes to a few KB of header and data). Files TF 1.15
 * rejects (a JPEG cut short, a PNG whose IDAT inflates to less than the image, a GIF whose LZW
 * data runs out or whose colours are bad, a BMP without its pixels) fail with
 * InvalidArgumentError, TF's texts, while the decode's ArrayBuffer and RSS growth stays under
 * 200 MB. Files TF decodes (a JPEG whose entropy data ends at a marker decodes grey where data is
 * missing, as libjpeg pads with zero bits) decode to the image the header declares, checked
 * against values worked out by hand; TF's size limits (2^29 output bytes for JPEG, 2^29 pixels
 * for PNG) reject the rest at the header.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { InvalidArgumentError } from '../../src/errors.js';
import { decodeBmpBytes } from '../../src/io/codecs/bmp.js';
import { decodeGifBytes } from '../../src/io/codecs/gif.js';
import { decodeJpegBytes, type JpegDecodeOptions } from '../../src/io/codecs/jpeg.js';
import { crc32, decodePngPixels, pngInfo } from '../../src/io/codecs/png.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const MB = 2 ** 20;
const LIMIT = 200 * MB;

/** Runs `fn` (which must throw) and returns the ArrayBuffer and RSS growth right after it threw. */
function growthOfFailure(fn: () => unknown): { arrayBuffers: number; rss: number; error: unknown } {
  gc();
  const m0 = process.memoryUsage();
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  const m1 = process.memoryUsage();
  return { arrayBuffers: m1.arrayBuffers - m0.arrayBuffers, rss: m1.rss - m0.rss, error };
}

function expectSmallFailure(fn: () => unknown, what: string): void {
  const g = growthOfFailure(fn);
  expect(g.error, `${what}: must fail`).toBeInstanceOf(Error);
  expect((g.error as Error).name, what).not.toMatch(/RangeError|TypeError/);
  expect(g.arrayBuffers, `${what}: ArrayBuffer growth ${(g.arrayBuffers / MB).toFixed(1)} MB`).toBeLessThan(LIMIT);
  expect(g.rss, `${what}: RSS growth ${(g.rss / MB).toFixed(1)} MB`).toBeLessThan(LIMIT);
}

// ----- file builders ------------------------------------------------------------------------------

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const seg = (marker: number, body: number[]): number[] => [0xff, marker, ...be16(body.length + 2), ...body];

interface JpegSpec {
  width: number;
  height: number;
  /** Sampling factors [h, v] per component (1 or 3 components). */
  sampling: [number, number][];
  progressive?: boolean;
  /** A DRI restart interval, in MCUs. */
  restart?: number;
  /** Entropy-coded bytes after the SOS header. */
  data: Uint8Array;
  eoi: boolean;
}

/**
 * A JPEG whose Huffman tables each hold one 1-bit code: DC category 0 and AC end-of-block, both
 * the bit 0. Zero bytes of scan data are then blocks of all-zero coefficients (2 bits each in a
 * sequential scan, 1 bit in a progressive DC scan), which libjpeg decodes to mid grey.
 */
function jpeg(s: JpegSpec): Uint8Array {
  const nc = s.sampling.length;
  const dqt = seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof = seg(s.progressive ? 0xc2 : 0xc0, [8, ...be16(s.height), ...be16(s.width), nc, ...s.sampling.flatMap(([h, v], i) => [i + 1, (h << 4) | v, 0])]);
  const oneCode = [1, ...new Array<number>(15).fill(0)];
  const dht = seg(0xc4, [0x00, ...oneCode, 0x00, 0x10, ...oneCode, 0x00]);
  const sos = seg(0xda, [nc, ...s.sampling.flatMap((_, i) => [i + 1, 0x00]), 0, s.progressive ? 0 : 63, 0]);
  const dri = s.restart ? seg(0xdd, be16(s.restart)) : [];
  return cat([0xff, 0xd8], dqt, sof, dht, dri, sos, s.data, s.eoi ? [0xff, 0xd9] : []);
}

/** A PNG of the given IHDR and zlib stream (CRCs right, so everything up to the data is read). */
function png(width: number, height: number, bitDepth: number, colorType: number, zlib: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array | number[]): Uint8Array => {
    const td = cat([...type].map((c) => c.charCodeAt(0)), data);
    return cat(be32(data.length), td, be32(crc32(td)));
  };
  return cat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', [...be32(width), ...be32(height), bitDepth, colorType, 0, 0, 0]), chunk('IDAT', zlib), chunk('IEND', []));
}

/**
 * GIF LZW codes (minimum code size `min`) packed LSB first with the decoder's code widths: the
 * width grows by one when the next free code reaches 2^width (up to 12 bits), as in giflib.
 */
function lzwPack(min: number, codes: number[]): Uint8Array {
  const clear = 1 << min;
  const bytes: number[] = [];
  let acc = 0;
  let nbits = 0;
  let size = min + 1;
  let next = clear + 2;
  let first = true;
  for (const c of codes) {
    acc |= c << nbits;
    nbits += size;
    while (nbits >= 8) {
      bytes.push(acc & 255);
      acc >>>= 8;
      nbits -= 8;
    }
    if (c === clear) {
      size = min + 1;
      next = clear + 2;
      first = true;
      continue;
    }
    if (!first && next < 4096) next++;
    first = false;
    if (next === 1 << size && size < 12) size++;
  }
  if (nbits > 0) bytes.push(acc & 255);
  return Uint8Array.from(bytes);
}

/** LZW data in 255-byte sub-blocks, with the terminator. */
const subBlocks = (data: Uint8Array): number[] => {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const n = Math.min(255, data.length - i);
    out.push(n, ...data.subarray(i, i + n));
  }
  out.push(0);
  return out;
};

/** A GIF89a: `screen` dims, a 2-colour global table (or none), one frame of `frame` dims. */
function gif(screen: [number, number], frame: [number, number], min: number, lzw: Uint8Array, globalTable = true): Uint8Array {
  return cat(
    [...'GIF89a'].map((c) => c.charCodeAt(0)),
    [...le16(screen[0]), ...le16(screen[1]), globalTable ? 0x80 : 0x00, 0, 0],
    globalTable ? [0, 0, 0, 255, 255, 255] : [],
    [0x2c, 0, 0, 0, 0, ...le16(frame[0]), ...le16(frame[1]), 0x00, min],
    subBlocks(lzw),
    [0x3b],
  );
}

// ----- through the ops, for the error classes and TF's texts ----------------------------------------

const bytesT = (b: Uint8Array): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues([b]) as never, [], 'string');
const g = new tf.Graph();
const { p, outs } = g.asDefault(() => {
  const p = tf.placeholder(tf.string, [], 'contents');
  return {
    p,
    outs: {
      image: tf.image.decodeImage(p),
      jpeg: tf.image.decodeJpeg(p),
      jpegRecover: tf.image.decodeJpeg(p, { tryRecoverTruncated: true }),
      jpegRatio8: tf.image.decodeJpeg(p, { ratio: 8 }),
      png: tf.image.decodePng(p),
      gif: tf.image.decodeGif(p),
      bmp: tf.image.decodeBmp(p),
    },
  };
});
const sess = new tf.Session({ graph: g });
afterAll(() => sess.close());

async function run(b: Uint8Array, which: keyof typeof outs): Promise<tf.NDArray> {
  const [x] = (await sess.run([outs[which]], { [p.name]: bytesT(b) } as never)) as tf.NDArray[];
  return x!;
}

async function expectOpError(b: Uint8Array, which: keyof typeof outs, message: string | RegExp): Promise<void> {
  let err: unknown = null;
  try {
    await run(b, which);
  } catch (e) {
    err = e;
  }
  expect(err, `${which}: must fail`).toBeInstanceOf(InvalidArgumentError);
  if (typeof message === 'string') expect((err as Error).message).toContain(message);
  else expect((err as Error).message).toMatch(message);
}

/** Every byte of `x` equals `v`. */
function allEqual(x: ArrayLike<number>, v: number): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== v) return false;
  return true;
}

// ----- JPEG ---------------------------------------------------------------------------------------

const S420: [number, number][] = [[2, 2], [1, 1], [1, 1]];
const S444: [number, number][] = [[1, 1], [1, 1], [1, 1]];
const KB = new Uint8Array(1024);

describe('JPEG: a header claiming a huge image over 1 KB of scan data', () => {
  const cases: [string, Uint8Array, JpegDecodeOptions?][] = [
    ['baseline 13000x13000 4:2:0, cut short', jpeg({ width: 13000, height: 13000, sampling: S420, data: KB, eoi: false })],
    ['baseline 13000x13000 4:4:4, cut short', jpeg({ width: 13000, height: 13000, sampling: S444, data: KB, eoi: false })],
    ['progressive 13000x13000 4:2:0, DC scan cut short', jpeg({ width: 13000, height: 13000, sampling: S420, progressive: true, data: KB, eoi: false })],
    ['progressive 13000x13000 4:4:4, DC scan cut short', jpeg({ width: 13000, height: 13000, sampling: S444, progressive: true, data: KB, eoi: false })],
    ['grey 23000x23000, cut short', jpeg({ width: 23000, height: 23000, sampling: [[1, 1]], data: KB, eoi: false })],
    ['60000x60000 at ratio 8, cut short', jpeg({ width: 60000, height: 60000, sampling: S420, data: KB, eoi: false }), { ratio: 8 }],
  ];
  for (const [what, b, opts] of cases) {
    it(`${what}: fails as TF does (Premature end of JPEG data), allocating under 200 MB`, async () => {
      expectSmallFailure(() => decodeJpegBytes(b, opts), what);
      await expectOpError(b, opts?.ratio ? 'jpegRatio8' : 'jpeg', `Invalid JPEG data or crop window, data size ${b.length}`);
      if (!opts) await expectOpError(b, 'image', `Invalid JPEG data or crop window, data size ${b.length}`);
    });
  }

  it('a SOS segment with nothing after it, and many empty scans, fail the same way', async () => {
    const bare = jpeg({ width: 13000, height: 13000, sampling: S420, progressive: true, data: new Uint8Array(0), eoi: false });
    expectSmallFailure(() => decodeJpegBytes(bare), 'bare SOS');
    await expectOpError(bare, 'jpeg', `data size ${bare.length}`);
    // 3000 progressive DC scans, each a SOS header and one byte: each reads what it has and
    // skips the rest of its 4 M blocks at once, with and without a restart interval of 1 MCU
    const scan = [...seg(0xda, [3, 1, 0, 2, 0, 3, 0, 0, 0, 0]), 0];
    for (const restart of [0, 1]) {
      const many = cat(jpeg({ width: 13000, height: 13000, sampling: S420, progressive: true, restart, data: Uint8Array.of(0), eoi: false }), ...new Array(3000).fill(scan));
      const t0 = Date.now();
      expectSmallFailure(() => decodeJpegBytes(many), `3000 scans, restart interval ${restart}`);
      expect(Date.now() - t0, `restart interval ${restart}`).toBeLessThan(5000);
      await expectOpError(many, 'jpeg', `data size ${many.length}`);
    }
  });

  it("past TF's limit (output height x width x components >= 2^29) or JPEG_MAX_DIMENSION: rejected at the header", async () => {
    const big = jpeg({ width: 14000, height: 14000, sampling: S420, data: KB, eoi: true }); // 588,000,000 bytes
    expectSmallFailure(() => decodeJpegBytes(big), '14000x14000x3');
    await expectOpError(big, 'jpeg', `data size ${big.length}`);
    const grey = jpeg({ width: 23171, height: 23171, sampling: [[1, 1]], data: KB, eoi: true }); // 536,895,241 > 2^29
    expectSmallFailure(() => decodeJpegBytes(grey), '23171x23171x1');
    const wide = jpeg({ width: 65535, height: 8, sampling: [[1, 1]], data: KB, eoi: true });
    expect(() => decodeJpegBytes(wide)).toThrow(/Maximum supported image dimension is 65500/);
    await expectOpError(wide, 'jpeg', `data size ${wide.length}`);
  });
});

describe('JPEG: tiny files TF decodes are decoded (no size heuristic)', () => {
  it('8000x8000 grey of all-zero blocks, 250,000 bytes of scan data: every sample 128', async () => {
    // 1000 x 1000 blocks x 2 bits (DC category 0, EOB)
    const b = jpeg({ width: 8000, height: 8000, sampling: [[1, 1]], data: new Uint8Array(250_000), eoi: true });
    const x = await run(b, 'jpeg');
    expect(x.shape).toEqual([8000, 8000, 1]);
    expect(allEqual(x.data as Uint8Array, 128)).toBe(true);
  });

  it('scan data ending early at EOI: libjpeg pads with zero bits (a warning), so TF decodes it grey', async () => {
    // Y = Cb = Cr = 128 is RGB (128, 128, 128)
    const b = jpeg({ width: 3000, height: 2000, sampling: S420, data: KB, eoi: true });
    const x = await run(b, 'jpeg');
    expect(x.shape).toEqual([2000, 3000, 3]);
    expect(allEqual(x.data as Uint8Array, 128)).toBe(true);
    const prog = jpeg({ width: 3000, height: 2000, sampling: S420, progressive: true, data: KB, eoi: true });
    const y = await run(prog, 'image');
    expect(y.shape).toEqual([2000, 3000, 3]);
    expect(allEqual(y.data as Uint8Array, 128)).toBe(true);
  });

  it('a restart interval of one MCU with the data ending at EOI: grey, as TF', async () => {
    const b = jpeg({ width: 3000, height: 2000, sampling: S420, restart: 1, data: KB, eoi: true });
    const x = await run(b, 'jpeg');
    expect(x.shape).toEqual([2000, 3000, 3]);
    expect(allEqual(x.data as Uint8Array, 128)).toBe(true);
  });

  it('cut short with tryRecoverTruncated: TF inserts an EOI, so the rest is grey too', async () => {
    const b = jpeg({ width: 3000, height: 2000, sampling: S420, data: KB, eoi: false });
    const x = await run(b, 'jpegRecover');
    expect(x.shape).toEqual([2000, 3000, 3]);
    expect(allEqual(x.data as Uint8Array, 128)).toBe(true);
    await expectOpError(b, 'jpeg', `data size ${b.length}`);
  });

  it('the data that is there decodes into the blocks it reaches; blocks past it stay grey', async () => {
    // 40x8 grey, 5 blocks; quantizer 64 everywhere. DC table: category 0 is the code 0,
    // category 1 the code 10; AC table: EOB is the code 0. The one data byte 1010 0000 holds
    // block 0 (10 1 0: DC diff +1, EOB) and blocks 1-2 (0 0: diff 0, EOB), so their DC is 1.
    // Block 3 is read past the EOI marker from libjpeg's zero-bit padding (diff 0: DC 1 again),
    // and marks the data insufficient, so block 4 is skipped (all-zero coefficients).
    // A DC of 1 x 64 adds 64 / 8 = 8 to every sample: 136; zero coefficients give 128.
    const dqt = seg(0xdb, [0x00, ...new Array<number>(64).fill(64)]);
    const sof = seg(0xc0, [8, ...be16(8), ...be16(40), 1, 1, 0x11, 0]);
    const dht = seg(0xc4, [0x00, 1, 1, ...new Array<number>(14).fill(0), 0, 1, 0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
    const sos = seg(0xda, [1, 1, 0x00, 0, 63, 0]);
    const b = cat([0xff, 0xd8], dqt, sof, dht, sos, [0b10100000], [0xff, 0xd9]);
    for (const dct of ['jpeg', 'image'] as const) {
      const x = await run(b, dct);
      expect(x.shape).toEqual([8, 40, 1]);
      const d = x.data as Uint8Array;
      for (let r = 0; r < 8; r++) expect(Array.from(d.subarray(r * 40, r * 40 + 40)), `row ${r}`).toEqual([...new Array(32).fill(136), ...new Array(8).fill(128)]);
    }
  });
});

// ----- PNG ----------------------------------------------------------------------------------------

const pngDecode = (b: Uint8Array, channels = 0): unknown => {
  const { header, channels: c } = pngInfo(b, channels);
  return decodePngPixels(header, c, 8);
};

describe('PNG: IHDR claiming a huge image', () => {
  it('20000x20000 RGBA with an IDAT inflating to 100 bytes: Invalid PNG data, under 200 MB', async () => {
    const b = png(20000, 20000, 8, 6, deflateSync(new Uint8Array(100)));
    expectSmallFailure(() => pngDecode(b), 'short IDAT');
    await expectOpError(b, 'png', `Invalid PNG data, size ${b.length}`);
    await expectOpError(b, 'image', `Invalid PNG data, size ${b.length}`);
  });

  it('20000x20000 RGBA with a corrupt zlib stream, and with a stream that stops mid-block', async () => {
    const z = deflateSync(new Uint8Array(1_000_000));
    const corrupt = png(20000, 20000, 8, 6, Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff, 0xff));
    const cut = png(20000, 20000, 8, 6, z.subarray(0, z.length >> 1));
    for (const [what, b] of [['corrupt', corrupt], ['cut', cut]] as const) {
      expectSmallFailure(() => pngDecode(b), what);
      await expectOpError(b, 'png', `Invalid PNG data, size ${b.length}`);
    }
  });

  it('15000x15000 1-bit grey whose IDAT is all there but row 0 has filter type 5: fails before the samples exist', async () => {
    // 28 MB of image data from a 28 KB stream; the samples would be 225 M pixels
    const rowBytes = 1 + Math.ceil(15000 / 8);
    const raw = new Uint8Array(rowBytes * 15000);
    raw[0] = 5;
    const b = png(15000, 15000, 1, 0, deflateSync(raw, { level: 9 }));
    expect(b.length).toBeLessThan(100_000);
    expectSmallFailure(() => pngDecode(b), 'bad filter');
    await expectOpError(b, 'png', `Invalid PNG data, size ${b.length}`);
  });

  it('a whole 4000x4000 1-bit grey image from a small stream decodes (zeros are black)', async () => {
    const rowBytes = 1 + 4000 / 8;
    const b = png(4000, 4000, 1, 0, deflateSync(new Uint8Array(rowBytes * 4000)));
    const x = await run(b, 'png');
    expect(x.shape).toEqual([4000, 4000, 1]);
    expect(allEqual(x.data as Uint8Array, 0)).toBe(true);
  });

  it("past TF's limit (width x height >= 2^29): PNG size too large for int, before any data is read", async () => {
    const b = png(23171, 23171, 8, 6, deflateSync(new Uint8Array(10)));
    await expectOpError(b, 'png', 'PNG size too large for int: 23171 by 23171');
  });
});

// ----- GIF ----------------------------------------------------------------------------------------

describe('GIF: a screen or frame claiming a huge image', () => {
  it('16000x16000 frame whose LZW data runs out after 30 M pixels: giflib EOF error, under 200 MB', async () => {
    // minimum code size 1 (clear 2, EOI 3): literal 0, then each new code (4, 5, ...) is the
    // one being defined (the KwKwK case), so the k-th code emits k zeros; once the table is
    // full, code 4095 (about 4092 zeros) over and over. 16 KB of codes, no EOI code.
    const codes = [2, 0];
    for (let c = 4; c < 4096; c++) codes.push(c);
    const head = lzwPack(1, codes).length;
    for (let i = 0; i < Math.floor(((16384 - head) * 8) / 12); i++) codes.push(4095);
    const data = lzwPack(1, codes);
    const b = gif([16000, 16000], [16000, 16000], 1, data);
    expectSmallFailure(() => decodeGifBytes(b), 'LZW runs out');
    await expectOpError(b, 'gif', `Invalid GIF data (size ${b.length}), failed to slurp gif file: Image EOF detected before image complete`);
    await expectOpError(b, 'image', `Invalid GIF data (size ${b.length})`);
  });

  it('LZW data far too short for the frame fails at once', async () => {
    const b = gif([20000, 20000], [20000, 20000], 2, lzwPack(2, [4, 0, 0, 0]));
    expectSmallFailure(() => decodeGifBytes(b), 'short LZW');
    await expectOpError(b, 'gif', 'Image EOF detected before image complete');
  });

  it('a 1x1 frame on a 20000x20000 screen with a colour index past the table, or no colour table: fails before the 1.2 GB screen is allocated', async () => {
    // index 2 of a 2-colour table (minimum code size 2: clear 4, literal 2, EOI 5)
    const badIndex = gif([20000, 20000], [1, 1], 2, lzwPack(2, [4, 2, 5]));
    expectSmallFailure(() => decodeGifBytes(badIndex), 'colour index');
    await expectOpError(badIndex, 'gif', 'found color index 2 outside of color map range 2');
    const noTable = gif([20000, 20000], [1, 1], 2, lzwPack(2, [4, 0, 5]), false);
    expectSmallFailure(() => decodeGifBytes(noTable), 'no colour table');
    await expectOpError(noTable, 'gif', 'missing color map');
  });

  it('a small frame on a small screen still decodes: a 1x1 white frame on 3x2 black', async () => {
    const b = gif([3, 2], [1, 1], 2, lzwPack(2, [4, 1, 5]));
    const x = await run(b, 'gif');
    expect(x.shape).toEqual([1, 2, 3, 3]);
    expect(Array.from(x.data as Uint8Array)).toEqual([255, 255, 255, ...new Array(15).fill(0)]);
  });
});

// ----- BMP ----------------------------------------------------------------------------------------

describe('BMP: a header claiming a huge image', () => {
  it('8000x8000 24-bit with 100 bytes of pixels: Incomplete bmp content, under 200 MB', async () => {
    const header = [0x42, 0x4d, ...le32(154), 0, 0, 0, 0, ...le32(54), ...le32(40), ...le32(8000), ...le32(8000), ...le16(1), ...le16(24), ...new Array(24).fill(0)];
    const b = cat(header, new Uint8Array(100));
    expectSmallFailure(() => decodeBmpBytes(b, 0), 'bmp');
    const expected = 54 + 7999 * 24000 + 7999 * 3 + 3;
    await expectOpError(b, 'bmp', `Incomplete bmp content, requires at least ${expected} bytes, got ${b.length} bytes`);
    // TF's cap on width x height (2^31 / 8), before anything is read
    const huge = cat(header.map((v, i) => (i >= 18 && i < 26 ? [0x20, 0x4e, 0, 0][(i - 18) % 4]! : v)), new Uint8Array(100));
    expectSmallFailure(() => decodeBmpBytes(huge, 0), 'bmp 20000x20000');
    await expectOpError(huge, 'bmp', 'Total possible pixel bytes must be less than 2^30');
  });
});
