/**
 * tf.image.decodePng / encodePng / decodeGif / decodeBmp / decodeImage / isJpeg against files made
 * by an independent encoder (Debian's netpbm: test/fixtures/images/pgb/make-fixtures.sh), compared
 * with the netpbm PNM sources they were made from; round trips; TF's channel conversions; a
 * tf.data pipeline; and corrupt bytes (always an OpError).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const DIR = new URL('./fixtures/images/pgb/', import.meta.url);
const file = (n: string): Uint8Array => new Uint8Array(readFileSync(new URL(n, DIR)));
const path = (n: string): string => new URL(n, DIR).pathname;

/** A binary PNM (P5/P6): samples (16-bit big-endian when maxval > 255). */
function pnm(n: string): { w: number; h: number; c: number; maxval: number; data: number[] } {
  const b = file(n);
  const head = new TextDecoder('latin1').decode(b.subarray(0, 40)).split(/\s+/);
  const [magic, w, h, maxval] = [head[0], Number(head[1]), Number(head[2]), Number(head[3])];
  const start = head.slice(0, 4).join(' ').length + 1;
  const c = magic === 'P6' ? 3 : 1;
  const n16 = maxval > 255;
  const data: number[] = [];
  for (let i = 0; i < w * h * c; i++) data.push(n16 ? (b[start + 2 * i]! << 8) | b[start + 2 * i + 1]! : b[start + i]!);
  return { w, h, c, maxval, data };
}

async function run(build: () => tf.Tensor | tf.Tensor[], feeds?: (g: tf.Graph) => unknown): Promise<tf.NDArray[]> {
  const g = new tf.Graph();
  const t = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    const out = await sess.run(Array.isArray(t) ? t : [t], feeds?.(g) as never);
    return out as tf.NDArray[];
  } finally {
    await sess.close();
  }
}
const bytesT = (b: Uint8Array): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues([b]) as never, [], 'string');
const vals = (a: tf.NDArray): number[] => Array.from(a.data as ArrayLike<number>);

async function decode(name: string, opts: Record<string, unknown> = {}): Promise<tf.NDArray> {
  const [r] = await run(() => tf.image.decodePng(tf.readFile(path(name)), opts));
  return r!;
}

// libpng's png_set_rgb_to_gray(png, 1, 0.299, 0.587) weights in 15-bit fixed point (truncating).
const grey8 = (r: number, g: number, b: number): number => (r === g && g === b ? r : (9797 * r + 19234 * g + 3737 * b) >> 15);

describe('decodePng: netpbm files against their PNM sources', () => {
  it.each(['rgb8.png', 'rgb8-interlace.png'])('%s: RGB 8-bit', async (n) => {
    const src = pnm('rgb8.ppm');
    const x = await decode(n);
    expect(x.dtype).toBe('uint8');
    expect(x.shape).toEqual([7, 13, 3]);
    expect(vals(x)).toEqual(src.data);
  });
  it.each([['gray8.png', 'gray8.pgm', 8], ['gray1.png', 'gray1.pgm', 1], ['gray1-interlace.png', 'gray1.pgm', 1], ['gray2.png', 'gray2.pgm', 2], ['gray2-interlace.png', 'gray2.pgm', 2], ['gray4.png', 'gray4.pgm', 4], ['gray4-interlace.png', 'gray4.pgm', 4]] as const)(
    '%s: grey, bit depth %s, scaled to 8 bits', async (n, s, _d) => {
      const src = pnm(s);
      const x = await decode(n);
      expect(x.shape).toEqual([7, 13, 1]);
      expect(vals(x)).toEqual(src.data.map((v) => (v * 255) / src.maxval));
    },
  );
  it.each(['rgb16.png', 'rgb16-interlace.png'])('%s: 16-bit, as uint16 and as uint8 (high byte)', async (n) => {
    const src = pnm('rgb16.ppm');
    const x16 = await decode(n, { dtype: tf.uint16 });
    expect(x16.dtype).toBe('uint16');
    expect(vals(x16)).toEqual(src.data);
    expect(vals(await decode(n))).toEqual(src.data.map((v) => v >> 8));
  });
  it('gray16.png as uint16; 8-bit data into uint16 is v * 257 as TF', async () => {
    expect(vals(await decode('gray16.png', { dtype: 'uint16' }))).toEqual(pnm('gray16.pgm').data);
    expect(vals(await decode('gray8.png', { dtype: 'uint16' }))).toEqual(pnm('gray8.pgm').data.map((v) => v * 257));
  });
  it.each(['palette.png', 'palette-interlace.png'])('%s: 4-bit palette to RGB', async (n) => {
    const x = await decode(n);
    expect(x.shape).toEqual([7, 13, 3]);
    expect(vals(x)).toEqual(pnm('palette.ppm').data);
  });
  it('palette + tRNS: 4 channels by default, the transparent colour alpha 0', async () => {
    const src = pnm('palette.ppm').data;
    for (const n of ['palette-trns.png', 'rgb-trns.png']) {
      const x = await decode(n, n === 'rgb-trns.png' ? { channels: 4 } : {});
      expect(x.shape).toEqual([7, 13, 4]);
      const v = vals(x);
      for (let i = 0; i < 91; i++) {
        expect(v.slice(4 * i, 4 * i + 3)).toEqual(src.slice(3 * i, 3 * i + 3));
        const clear = src[3 * i] === 10 && src[3 * i + 1] === 20 && src[3 * i + 2] === 30;
        expect(v[4 * i + 3]).toBe(clear ? 0 : 255);
      }
    }
    // rgb + tRNS has 3 channels by default (tRNS is not a channel of the file)
    expect((await decode('rgb-trns.png')).shape).toEqual([7, 13, 3]);
  });
  it.each(['rgba8.png', 'rgba8-interlace.png'])('%s: RGBA; channels 3 strips alpha, 1 is TF grey', async (n) => {
    const rgb = pnm('rgb8.ppm').data;
    const a = pnm('alpha.pgm').data;
    const x = await decode(n);
    expect(x.shape).toEqual([7, 13, 4]);
    expect(vals(x)).toEqual(a.flatMap((al, i) => [...rgb.slice(3 * i, 3 * i + 3), al]));
    expect(vals(await decode(n, { channels: 3 }))).toEqual(rgb);
    expect(vals(await decode(n, { channels: 1 }))).toEqual(a.map((_, i) => grey8(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!)));
  });
  it('grey + alpha: 2 channels; channels 4 is grey replicated plus alpha; channels 3 drops alpha', async () => {
    const g = pnm('gray8.pgm').data;
    const a = pnm('alpha.pgm').data;
    expect(vals(await decode('graya8.png'))).toEqual(g.flatMap((v, i) => [v, a[i]]));
    expect(vals(await decode('graya8.png', { channels: 4 }))).toEqual(g.flatMap((v, i) => [v, v, v, a[i]]));
    expect(vals(await decode('graya8.png', { channels: 3 }))).toEqual(g.flatMap((v) => [v, v, v]));
  });
  it("channels 4 on a file without alpha adds libpng's filler (1 << bit_depth) - 1", async () => {
    const g = pnm('gray8.pgm').data;
    expect(vals(await decode('gray8.png', { channels: 4 }))).toEqual(g.flatMap((v) => [v, v, v, 255]));
    expect(vals(await decode('rgb16.png', { channels: 4, dtype: 'uint16' })).filter((_, i) => i % 4 === 3).every((v) => v === 65535)).toBe(true);
    // TF 1.15 passes the file's bit depth to png_set_add_alpha: a 4-bit palette gets alpha 15
    expect(vals(await decode('palette.png', { channels: 4 })).filter((_, i) => i % 4 === 3).every((v) => v === 15)).toBe(true);
  });
  it('static shape [?, ?, channels]; rank-0 input required', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.image.decodePng(tf.placeholder(tf.string, []), 3).shape).toEqual([null, null, 3]);
      expect(tf.io.decodePng(tf.placeholder(tf.string, [])).shape).toEqual([null, null, null]);
      expect(() => tf.image.decodePng(tf.placeholder(tf.string, [2]))).toThrow(/rank 0/);
    });
  });
});

describe('encodePng', () => {
  it('round trips uint8 (1-4 channels) and uint16 through decodePng, every compression level', async () => {
    for (const c of [1, 2, 3, 4]) {
      const data = Array.from({ length: 5 * 6 * c }, (_, i) => (i * 37 + c) % 256);
      const [enc, dec] = await run(() => {
        const img = tf.constant(data, tf.uint8, [5, 6, c]);
        const e = tf.image.encodePng(img, c + 4);
        return [e, tf.image.decodePng(e)];
      });
      expect(enc!.shape).toEqual([]);
      expect(dec!.shape).toEqual([5, 6, c]);
      expect(vals(dec!)).toEqual(data);
    }
    const d16 = Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 4099) % 65536);
    const [dec] = await run(() => tf.image.decodePng(tf.image.encodePng(tf.constant(d16, tf.uint16, [4, 3, 3])), { dtype: tf.uint16 }));
    expect(vals(dec!)).toEqual(d16);
  });
  it("TF's errors: compression range, rank, channels", async () => {
    expect(() => tf.image.encodePng(tf.constant([1], tf.uint8, [1, 1, 1]), 10)).toThrow('compression should be in [-1,9], got 10');
    expect(() => tf.image.encodePng(tf.constant([1, 2], tf.uint8, [1, 2]))).toThrow(/rank 3/);
    await expect(run(() => tf.image.encodePng(tf.zeros([1, 1, 5], tf.uint8)))).rejects.toThrow('image must have 1, 2, 3, or 4 channels, got 5');
  });
});

describe('decodeGif / decodeBmp / decodeImage / isJpeg', () => {
  it('GIF (plain, interlaced, transparent): [1, h, w, 3]; transparent pixels black on frame 0', async () => {
    const src = pnm('palette.ppm').data;
    for (const n of ['palette.gif', 'palette-interlace.gif']) {
      const [x] = await run(() => tf.image.decodeGif(tf.readFile(path(n))));
      expect(x!.shape).toEqual([1, 7, 13, 3]);
      expect(vals(x!)).toEqual(src);
    }
    const [t] = await run(() => tf.image.decodeGif(tf.readFile(path('palette-trns.gif'))));
    const want = src.map((v, i) => {
      const p = i - (i % 3);
      return src[p] === 10 && src[p + 1] === 20 && src[p + 2] === 30 ? 0 : v;
    });
    expect(vals(t!)).toEqual(want);
  });
  it('animated GIF: frame k starts from frame k-1, a sub-rectangle and transparency as TF composes them', async () => {
    // Written here: 4x3 screen, 4-colour global table; frame 1 full, frame 2 a 2x2 patch at (1,1)
    // with colour 3 transparent. LZW codes are 3 bits wide with a clear code before every 2 literals.
    const lzw = (idx: number[]): number[] => {
      const codes: number[] = [];
      idx.forEach((v, i) => {
        if (i % 2 === 0) codes.push(4);
        codes.push(v);
      });
      codes.push(5);
      const out: number[] = [];
      let buf = 0, n = 0;
      for (const c of codes) {
        buf |= c << n;
        n += 3;
        while (n >= 8) { out.push(buf & 255); buf >>= 8; n -= 8; }
      }
      if (n) out.push(buf & 255);
      return [2, out.length, ...out, 0];
    };
    const pal = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255];
    const f1 = [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 1, 2];
    const f2 = [0, 3, 3, 2];
    const bytes = Uint8Array.from([
      ...Array.from('GIF89a', (c) => c.charCodeAt(0)), 4, 0, 3, 0, 0x81, 0, 0, ...pal,
      0x2c, 0, 0, 0, 0, 4, 0, 3, 0, 0, ...lzw(f1),
      0x21, 0xf9, 4, 1, 0, 0, 3, 0,
      0x2c, 1, 0, 1, 0, 2, 0, 2, 0, 0, ...lzw(f2),
      0x3b,
    ]);
    const rgb = (i: number): number[] => pal.slice(3 * i, 3 * i + 3);
    const [x, first] = await run(() => {
      const p = tf.placeholder(tf.string, [], 'gif');
      return [tf.image.decodeGif(p), tf.image.decodeImage(p, { expandAnimations: false })];
    }, (g) => ({ [g.getTensorByName('gif:0').name]: bytesT(bytes) }));
    expect(x!.shape).toEqual([2, 3, 4, 3]);
    const frame2 = [...f1];
    frame2[5] = 0; // (1,1) colour 0; (2,1) and (1,2) transparent keep frame 1; (2,2) colour 2
    frame2[10] = 2;
    expect(vals(x!)).toEqual([...f1.flatMap(rgb), ...frame2.flatMap(rgb)]);
    expect(first!.shape).toEqual([3, 4, 3]);
    expect(vals(first!)).toEqual(f1.flatMap(rgb));
  });
  it('BMP 24-bit bottom-up (ppmtobmp) and 32-bit top-down (written here)', async () => {
    const [x] = await run(() => tf.image.decodeBmp(tf.readFile(path('rgb24.bmp'))));
    expect(x!.shape).toEqual([7, 13, 3]);
    expect(vals(x!)).toEqual(pnm('rgb8.ppm').data);
    const w = 2, h = 2;
    const b = new Uint8Array(54 + w * h * 4);
    const dv = new DataView(b.buffer);
    b[0] = 0x42; b[1] = 0x4d;
    dv.setUint32(10, 54, true); dv.setUint32(14, 40, true); dv.setInt32(18, w, true); dv.setInt32(22, -h, true); dv.setUint16(26, 1, true); dv.setUint16(28, 32, true);
    b.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 54); // BGRA, top row first
    const [y, z] = await run(() => {
      const p = tf.placeholder(tf.string, [], 'bmp');
      return [tf.image.decodeBmp(p), tf.image.decodeImage(p)];
    }, (g) => ({ [g.getTensorByName('bmp:0').name]: bytesT(b) }));
    expect(y!.shape).toEqual([2, 2, 4]);
    expect(vals(y!)).toEqual([3, 2, 1, 4, 7, 6, 5, 8, 11, 10, 9, 12, 15, 14, 13, 16]);
    expect(vals(z!)).toEqual(vals(y!));
    await expect(run(() => tf.image.decodeBmp(tf.readFile(path('rgb24.bmp')), 4))).rejects.toThrow('channels attribute 4 does not match bits per pixel from file 3');
  });
  it('decodeImage dispatches PNG/GIF/BMP by their first bytes, converts dtype; unknown bytes fail as TF 1.15', async () => {
    const [p, g, b, f] = await run(() => [
      tf.image.decodeImage(tf.readFile(path('rgb8.png'))),
      tf.image.decodeImage(tf.readFile(path('palette.gif'))),
      tf.io.decodeImage(tf.readFile(path('rgb24.bmp'))),
      tf.image.decodeImage(tf.readFile(path('gray8.png')), { dtype: tf.float32 }),
    ]);
    expect(vals(p!)).toEqual(pnm('rgb8.ppm').data);
    expect(g!.shape).toEqual([1, 7, 13, 3]);
    expect(vals(b!)).toEqual(pnm('rgb8.ppm').data);
    expect(f!.dtype).toBe('float32');
    const gs = pnm('gray8.pgm').data;
    vals(f!).forEach((v, i) => expect(v).toBeCloseTo(gs[i]! / 255, 6));
    // JPEG: the same pixels as DecodeJpeg's (djpeg-checked) decoder; channels 4 is TF 1.15's Assert
    const jpg = new URL('../jpeg/s420.jpg', DIR).pathname;
    const [ji, jd] = await run(() => [tf.image.decodeImage(tf.readFile(jpg)), tf.image.decodeJpeg(tf.readFile(jpg))]);
    expect(ji!.shape).toEqual(jd!.shape);
    expect(vals(ji!)).toEqual(vals(jd!));
    await expect(run(() => tf.image.decodeImage(tf.readFile(jpg), 4))).rejects.toThrow('Channels must be in (None, 0, 1, 3) when decoding JPEG images');
    await expect(run(() => tf.image.decodeImage(tf.constant('hello', tf.string)))).rejects.toThrow('Unable to decode bytes as JPEG, PNG, GIF, or BMP');
    expect(() => tf.image.decodeImage(tf.constant('x', tf.string), 2)).toThrow('channels must be in (None, 0, 1, 3, 4)');
  });
  it('isJpeg compares the first three bytes', async () => {
    const [a, b2] = await run(() => {
      const p = tf.placeholder(tf.string, [], 'j');
      return [tf.image.isJpeg(p), tf.image.isJpeg(tf.readFile(path('rgb8.png')))];
    }, (g) => ({ [g.getTensorByName('j:0').name]: bytesT(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1)) }));
    expect(vals(a!)[0]).toBeTruthy();
    expect(vals(b2!)[0]).toBeFalsy();
  });
});

describe('GraphDef', () => {
  it("exports TF's op types and attrs and imports them back", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const c = tf.placeholder(tf.string, [], 'contents');
      tf.image.decodePng(c, 4, tf.uint16, 'png');
      tf.image.encodePng(tf.placeholder(tf.uint8, [2, 2, 3], 'img'), 7, 'enc');
      tf.image.decodeGif(c, 'gif');
      tf.image.decodeBmp(c, 3, 'bmp');
      tf.image.decodeImage(c, 3, { name: 'any', expandAnimations: false });
    });
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('png').op).toBe('DecodePng');
    expect(node('png').attr.channels!.i).toBe(4);
    expect(node('png').attr.dtype!.type).toBe(17); // DT_UINT16
    expect(node('enc').op).toBe('EncodePng');
    expect(node('enc').attr.compression!.i).toBe(7);
    expect(node('enc').attr.T!.type).toBe(4); // DT_UINT8
    expect(node('gif').op).toBe('DecodeGif');
    expect(node('bmp').attr.channels!.i).toBe(3);
    const img = gd.node.find((x) => x.op === 'DecodeImage')!;
    expect(img.attr.expand_animations!.b).toBe(false);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    const png = file('rgba8.png');
    const [x, y] = (await sess.run([g2.getTensorByName('png:0'), g2.getTensorByName(`${img.name}:0`)], { 'contents:0': bytesT(png) } as never)) as tf.NDArray[];
    expect(x!.dtype).toBe('uint16');
    expect(x!.shape).toEqual([7, 13, 4]);
    expect(y!.shape).toEqual([7, 13, 3]);
    expect(vals(y!)).toEqual(pnm('rgb8.ppm').data);
    await sess.close();
  });
});

describe('pipelines and hostile input', () => {
  it('tf.data: fromTensorSlices(files).map(f => decodePng(readFile(f)))', async () => {
    const names = ['rgb8.png', 'rgb8-interlace.png', 'rgb-trns.png'];
    const g = new tf.Graph();
    const next = g.asDefault(() => {
      const ds = tf.data.Dataset.fromTensorSlices(names.map(path)).map((f: tf.Tensor) => tf.image.decodePng(tf.readFile(f), 3));
      return ds.makeOneShotIterator().getNext();
    });
    const sess = new tf.Session({ graph: g });
    for (let i = 0; i < 3; i++) {
      const [x] = (await sess.run([next as tf.Tensor])) as tf.NDArray[];
      expect(x!.shape).toEqual([7, 13, 3]);
      expect(vals(x!)).toEqual(i < 2 ? pnm('rgb8.ppm').data : pnm('palette.ppm').data);
    }
    await expect(sess.run(next as tf.Tensor)).rejects.toThrow(tf.errors.OutOfRangeError);
    await sess.close();
  });
  it("TF's texts for a bad header, bad data and a bad CRC", async () => {
    const png = file('rgb8.png');
    const dec = (b: Uint8Array): Promise<unknown> => run(() => tf.image.decodePng(tf.placeholder(tf.string, [], 'c')), (g) => ({ [g.getTensorByName('c:0').name]: bytesT(b) }));
    await expect(dec(png.subarray(0, 20))).rejects.toThrow(`Invalid PNG header, data size 20`);
    await expect(dec(png.subarray(0, png.length - 30))).rejects.toThrow(`Invalid PNG data, size ${png.length - 30}`);
    const flipped = png.slice();
    flipped[60] ^= 0x10; // inside IDAT: its CRC fails
    await expect(dec(flipped)).rejects.toThrow(`Invalid PNG data, size ${png.length}`);
    await expect(dec(png.slice())).resolves.toBeDefined();
  });
  it('huge dimensions in a tiny file: TF\'s size checks, no big allocation', async () => {
    const crcT = new Uint32Array(256).map((_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const crc = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) c = crcT[(c ^ x) & 0xff]! ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: number[]): number[] => {
      const body = Uint8Array.from([...Array.from(type, (ch) => ch.charCodeAt(0)), ...data]);
      const c = crc(body);
      const n = data.length;
      return [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255, ...body, c >>> 24, (c >> 16) & 255, (c >> 8) & 255, c & 255];
    };
    const be = (v: number): number[] => [v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255];
    const png = (w: number, h: number): Uint8Array => Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ...chunk('IHDR', [...be(w), ...be(h), 8, 2, 0, 0, 0]),
      ...chunk('IDAT', [0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1]),
      ...chunk('IEND', []),
    ]);
    const dec = (b: Uint8Array): Promise<unknown> => run(() => tf.image.decodePng(tf.placeholder(tf.string, [], 'c')), (g) => ({ [g.getTensorByName('c:0').name]: bytesT(b) }));
    await expect(dec(png(1000000, 500))).rejects.toThrow(`Invalid PNG data, size ${png(1, 1).length}`);
    await expect(dec(png(100000, 100000))).rejects.toThrow('PNG size too large for int: 100000 by 100000');
    await expect(dec(png(1000001, 1))).rejects.toThrow('Invalid PNG header');
    // a GIF whose one frame claims 20000 x 20000 pixels with a few bytes of data
    const gif = Uint8Array.from([...Array.from('GIF89a', (c) => c.charCodeAt(0)), 255, 255, 255, 255, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
      0x2c, 0, 0, 0, 0, 0x20, 0x4e, 0x20, 0x4e, 0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    await expect(run(() => tf.image.decodeGif(tf.placeholder(tf.string, [], 'c')), (g) => ({ [g.getTensorByName('c:0').name]: bytesT(gif) })))
      .rejects.toThrow('Invalid GIF data (size 35), failed to slurp gif file: Image EOF detected before image complete');
  });
  it('fuzz: truncations and bit flips of every format give an OpError or a decode, nothing else', async () => {
    const files = ['rgb8.png', 'palette-interlace.png', 'rgb16.png', 'palette.gif', 'rgb24.bmp', '../jpeg/s420.jpg'].map(file);
    const g = new tf.Graph();
    const [p, out] = g.asDefault(() => {
      const c = tf.placeholder(tf.string, []);
      return [c, tf.image.decodeImage(c)] as const;
    });
    const sess = new tf.Session({ graph: g });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: files.length - 1 }), fc.nat(), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), async (k, cut, flips, truncate) => {
        const b = files[k]!.slice();
        for (const f of flips) b[8 + (f % (b.length - 8))] ^= 1 << (f % 8);
        const bytes = truncate ? b.subarray(0, cut % b.length) : b;
        try {
          await sess.run(out, { [p.name]: bytesT(bytes) } as never);
        } catch (e) {
          expect(e).toBeInstanceOf(tf.errors.OpError);
        }
      }),
      { numRuns: 300, seed: 26 },
    );
    await sess.close();
  });
});

describe('inflate (the pure-TypeScript zlib reader behind decodePng)', () => {
  it("reads node:zlib's streams at every level and the encoder's stored-block fallback", async () => {
    const { inflateZlib, zlibStored } = await import('../src/io/codecs/inflate.js');
    const zlib = await import('node:zlib');
    let seed = 5;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 100, 5000, 200000]) {
      const d = Uint8Array.from({ length: n }, (_, i) => (i % 300 < 150 ? (i * 7) % 13 : Math.floor(rnd() * 256)));
      for (const level of [0, 1, 6, 9]) {
        expect(inflateZlib(new Uint8Array(zlib.deflateSync(d, { level })), n)).toEqual(d);
      }
      expect(inflateZlib(zlibStored(d), n)).toEqual(d);
      expect(new Uint8Array(zlib.inflateSync(zlibStored(d)))).toEqual(d);
    }
    expect(() => inflateZlib(new Uint8Array(zlib.deflateSync(new Uint8Array(100))), 99)).toThrow('exceeds the expected size');
  });
});
