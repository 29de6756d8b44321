/**
 * JPEG decoding: bytes identical to libjpeg-turbo's djpeg (2.1.5) for TF's flags on cjpeg-made
 * files (4:2:0, 4:2:2, 4:4:0, 4:4:4, grey; baseline, restart intervals, progressive), through
 * the codec and through tf.image.decodeJpeg / decodeAndCropJpeg / extractJpegShape in graphs,
 * GraphDef round trips, dataset.map, TF's error texts, and fuzzed corrupt data.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decodeJpegBytes, readJpegHeader } from '../src/io/codecs/jpeg.js';

const DIR = new URL('./fixtures/images/jpeg/', import.meta.url);
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(f, DIR)));

/** A PPM/PGM (binary, maxval 255): size and pixel bytes. */
function pnm(b: Uint8Array): { w: number; h: number; c: number; data: Uint8Array } {
  const fields: string[] = [];
  let p = 0;
  const ws = (x: number) => x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09;
  while (fields.length < 4) {
    while (ws(b[p]!)) p++;
    let q = p;
    while (!ws(b[q]!)) q++;
    fields.push(new TextDecoder().decode(b.subarray(p, q)));
    p = q;
  }
  return { w: +fields[1]!, h: +fields[2]!, c: fields[0] === 'P6' ? 3 : 1, data: b.subarray(p + 1) };
}

const REFS = readdirSync(DIR).filter((f) => /\.p[gp]m$/.test(f) && !f.includes('.crop-'));

const str = (b: Uint8Array) => new tf.NDArray(tf.StringArray.fromValues([b]) as never, [], 'string');

function runWith<T>(build: (p: tf.Tensor) => T, bytes: Uint8Array): { out: T; sess: tf.Session; feed: Map<tf.Tensor, tf.NDArray> } {
  const g = new tf.Graph();
  let p!: tf.Tensor;
  const out = g.asDefault(() => {
    p = tf.placeholder(tf.string, []);
    return build(p);
  });
  return { out, sess: new tf.Session({ graph: g }), feed: new Map([[p, str(bytes)]]) };
}

describe('decodeJpegBytes matches djpeg byte for byte', () => {
  it('has the fixtures', () => expect(REFS.length).toBeGreaterThanOrEqual(56));
  for (const f of REFS) {
    const [base, mode] = f.split('.') as [string, string];
    it(`${base}.jpg as ${mode}`, () => {
      const ref = pnm(read(f));
      const img = decodeJpegBytes(read(`${base}.jpg`), {
        dctMethod: mode.startsWith('int') ? 'INTEGER_ACCURATE' : 'INTEGER_FAST',
        fancyUpscaling: !mode.includes('nosmooth'),
        channels: mode.includes('grey') ? 1 : mode.includes('rgb') ? 3 : 0,
        ratio: Number(/-r(\d)$/.exec(mode)?.[1] ?? 1) as 1 | 2 | 4 | 8,
      });
      expect([img.height, img.width, img.channels]).toEqual([ref.h, ref.w, ref.c]);
      expect(Buffer.from(img.data).equals(Buffer.from(ref.data))).toBe(true);
    });
  }

  it('decodes a 640×480 4:2:0 baseline as djpeg (its speed is measured by the benchmarks, not here)', () => {
    const img = decodeJpegBytes(read('vga420.jpg'));
    expect(createHash('sha256').update(img.data).digest('hex')).toBe(new TextDecoder().decode(read('vga420.fast.sha256')).trim());
  });

  it('reads the header alone', () => {
    expect(readJpegHeader(read('s420prog.jpg'))).toEqual({ height: 29, width: 37, components: 3, progressive: true });
    expect(readJpegHeader(read('grey.jpg'))).toEqual({ height: 29, width: 37, components: 1, progressive: false });
  });
});

describe('tf.image.decodeJpeg', () => {
  it('gives TF\'s default decode (IFAST, fancy upscaling) as uint8 [h, w, c], channels 0/1/3', () => {
    const b = read('s420.jpg');
    const { out, sess, feed } = runWith((p) => [tf.image.decodeJpeg(p), tf.image.decodeJpeg(p, 1), tf.io.decodeJpeg(p, { channels: 3, dctMethod: 'INTEGER_ACCURATE' })], b);
    expect(out[0]!.shape).toEqual([null, null, null]);
    expect(out[1]!.shape).toEqual([null, null, 1]);
    const [a, g, c] = sess.runSync(out, feed as never) as tf.NDArray[];
    expect(a!.dtype).toBe('uint8');
    expect(a!.shape).toEqual([29, 37, 3]);
    expect(Buffer.from(a!.data as Uint8Array).equals(Buffer.from(pnm(read('s420.fast.ppm')).data))).toBe(true);
    expect(g!.shape).toEqual([29, 37, 1]);
    expect(Buffer.from(g!.data as Uint8Array).equals(Buffer.from(pnm(read('s420.fast-grey.pgm')).data))).toBe(true);
    expect(Buffer.from(c!.data as Uint8Array).equals(Buffer.from(pnm(read('s420.int.ppm')).data))).toBe(true);
  });

  it('decodes at ratio 2 / 4 / 8 with libjpeg\'s scaled IDCTs', () => {
    const { out, sess, feed } = runWith((p) => [tf.image.decodeJpeg(p, { ratio: 2 }), tf.image.decodeJpeg(p, 3, 8)], read('s422.jpg'));
    const [a, b] = sess.runSync(out, feed as never) as tf.NDArray[];
    expect(a!.shape).toEqual([15, 19, 3]);
    expect(Buffer.from(a!.data as Uint8Array).equals(Buffer.from(pnm(read('s422.fast-r2.ppm')).data))).toBe(true);
    expect(b!.shape).toEqual([4, 5, 3]);
    expect(Buffer.from(b!.data as Uint8Array).equals(Buffer.from(pnm(read('s422.fast-r8.ppm')).data))).toBe(true);
  });

  it('decodes a grey JPEG to 1 channel by default and to RGB with channels=3', () => {
    const { out, sess, feed } = runWith((p) => [tf.image.decodeJpeg(p), tf.image.decodeJpeg(p, 3)], read('greyprog.jpg'));
    const [a, b] = sess.runSync(out, feed as never) as tf.NDArray[];
    expect(a!.shape).toEqual([29, 37, 1]);
    expect(b!.shape).toEqual([29, 37, 3]);
    expect(Buffer.from(b!.data as Uint8Array).equals(Buffer.from(pnm(read('greyprog.fast-rgb.ppm')).data))).toBe(true);
  });

  it('checks its attrs with TF\'s texts', () => {
    tf.resetDefaultGraph();
    expect(() => tf.image.decodeJpeg('x', 2)).toThrow('channels must be 0, 1, or 3 for JPEG, got 2');
    expect(() => tf.image.decodeJpeg('x', { ratio: 3 })).toThrow('ratio must be 1, 2, 4, or 8, got 3');
    expect(() => tf.image.decodeJpeg('x', { dctMethod: 'FLOAT' })).toThrow("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}");
  });

  it('rejects bad contents with TF\'s texts', () => {
    const bad = (b: Uint8Array) => {
      const { out, sess, feed } = runWith((p) => tf.image.decodeJpeg(p), b);
      return () => sess.runSync(out, feed as never);
    };
    expect(bad(new TextEncoder().encode('hello'))).toThrow("Expected image (JPEG, PNG, or GIF), got unknown format starting with 'hello'");
    expect(bad(new Uint8Array(0))).toThrow('Expected image (JPEG, PNG, or GIF), got empty file');
    const full = read('s420.jpg');
    const cut = full.subarray(0, 600);
    expect(bad(cut)).toThrow(tf.errors.InvalidArgumentError);
    expect(bad(cut)).toThrow('Invalid JPEG data or crop window, data size 600');
    expect(bad(full.subarray(0, 100))).toThrow('Invalid JPEG data or crop window, data size 100');
  });

  it('recovers a truncated file with tryRecoverTruncated: the rows present are the full decode\'s', () => {
    const full = read('s444.jpg');
    const ref = decodeJpegBytes(full);
    const { out, sess, feed } = runWith((p) => tf.image.decodeJpeg(p, { tryRecoverTruncated: true }), full.subarray(0, 1000));
    const r = sess.runSync(out, feed as never) as tf.NDArray;
    expect(r.shape).toEqual([29, 37, 3]);
    const d = r.data as Uint8Array;
    // The first MCU row (8 pixel rows) is fully inside the kept bytes.
    expect(Buffer.from(d.subarray(0, 8 * 37 * 3)).equals(Buffer.from(ref.data.subarray(0, 8 * 37 * 3)))).toBe(true);
    // Blocks past the end have zero coefficients: mid grey (128) in all channels.
    expect([...d.subarray(d.length - 3)]).toEqual([128, 128, 128]);
  });

  it('runs in dataset.map', () => {
    const files = [read('s420.jpg'), read('s444progrst.jpg'), read('grey.jpg')];
    const g = new tf.Graph();
    const next = g.asDefault(() => {
      const ds = tf.data.Dataset.fromTensorSlices(new tf.NDArray(tf.StringArray.fromValues(files) as never, [3], 'string') as never).map((s: tf.Tensor) => tf.image.decodeJpeg(s, 3));
      return ds.makeOneShotIterator().getNext() as tf.Tensor;
    });
    const sess = new tf.Session({ graph: g });
    const shapes: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const v = sess.runSync(next) as tf.NDArray;
      shapes.push([...v.shape]);
      if (i === 1) expect(Buffer.from(v.data as Uint8Array).equals(Buffer.from(pnm(read('s444progrst.fast.ppm')).data))).toBe(true);
    }
    expect(shapes).toEqual([[29, 37, 3], [29, 37, 3], [29, 37, 3]]);
  });
});

describe('tf.image.decodeAndCropJpeg and extractJpegShape', () => {
  it('crops as libjpeg-turbo\'s jpeg_crop_scanline (djpeg -crop), edges upsampled as the region\'s', () => {
    for (const [f, ref, [y, x, h, w], x0] of [
      ['s420.jpg', 's420.crop-7x10+5+3.ppm', [3, 5, 10, 7], 0],
      ['s422.jpg', 's422.crop-9x5+17+20.ppm', [20, 17, 5, 9], 16],
    ] as [string, string, number[], number][]) {
      const r0 = pnm(read(ref));
      const { out, sess, feed } = runWith((p) => tf.image.decodeAndCropJpeg(p, [y!, x!, h!, w!]), read(f));
      const r = sess.runSync(out, feed as never) as tf.NDArray;
      expect(r.shape).toEqual([h, w, 3]);
      const want: number[] = [];
      for (let yy = 0; yy < h!; yy++) for (let xx = x! - x0; xx < x! - x0 + w!; xx++) for (let c = 0; c < 3; c++) want.push(r0.data[(yy * r0.w + xx) * 3 + c]!);
      expect([...(r.data as Uint8Array)]).toEqual(want);
    }
    const bad = runWith((p) => tf.image.decodeAndCropJpeg(p, [20, 0, 10, 7]), read('s422.jpg'));
    expect(() => bad.sess.runSync(bad.out, bad.feed as never)).toThrow(`Invalid JPEG data or crop window, data size ${read('s422.jpg').length}`);
  });

  it('extracts [height, width, components] from the header, int32 or int64', () => {
    const { out, sess, feed } = runWith((p) => [tf.image.extractJpegShape(p), tf.image.extractJpegShape(p, 'int64')], read('big420.jpg'));
    const [a, b] = sess.runSync(out, feed as never) as tf.NDArray[];
    expect(a!.dtype).toBe('int32');
    expect([...a!.data]).toEqual([48, 64, 3]);
    expect(b!.dtype).toBe('int64');
    expect([...b!.data].map(Number)).toEqual([48, 64, 3]);
    const bad = runWith((p) => tf.image.extractJpegShape(p), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    expect(() => bad.sess.runSync(bad.out, bad.feed as never)).toThrow('Invalid JPEG data, size 6');
  });
});

describe('GraphDef', () => {
  it('writes TF\'s op types and attrs and imports them back', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.placeholder(tf.string, [], 'contents');
      tf.image.decodeJpeg(p, { channels: 3, tryRecoverTruncated: true, dctMethod: 'INTEGER_ACCURATE', name: 'dec' });
      tf.image.decodeAndCropJpeg(p, [0, 0, 4, 4], { name: 'crop' });
      tf.image.extractJpegShape(p, { name: 'shape' });
    });
    const gd = g.asGraphDef();
    const dec = gd.node.find((n) => n.name === 'dec')!;
    expect(dec.op).toBe('DecodeJpeg');
    expect(Object.keys(dec.attr).sort()).toEqual(['acceptable_fraction', 'channels', 'dct_method', 'fancy_upscaling', 'ratio', 'try_recover_truncated']);
    expect(dec.attr.try_recover_truncated!.b).toBe(true);
    expect(new TextDecoder().decode(dec.attr.dct_method!.s)).toBe('INTEGER_ACCURATE');
    expect(gd.node.find((n) => n.name === 'crop')!.op).toBe('DecodeAndCropJpeg');
    expect(gd.node.find((n) => n.name === 'shape')!.op).toBe('ExtractJpegShape');
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    const feed = new Map([[g2.getTensorByName('contents:0'), str(read('s420.jpg'))]]);
    const [d, s] = sess.runSync([g2.getTensorByName('dec:0'), g2.getTensorByName('shape:0')], feed as never) as tf.NDArray[];
    expect(Buffer.from(d!.data as Uint8Array).equals(Buffer.from(pnm(read('s420.int.ppm')).data))).toBe(true);
    expect([...s!.data]).toEqual([29, 37, 3]);
    expect(d!.shape).toEqual([29, 37, 3]);
  });
});

describe('corrupt data', () => {
  const files = ['s420.jpg', 's444progrst.jpg', 'grey.jpg', 's420rst.jpg'].map(read);
  it('truncations and bit flips decode or raise an OpError, never anything else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.integer({ min: 0, max: 2000 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }), fc.boolean(), (fi, cut, flips, recover) => {
        const b = files[fi]!.slice(0, Math.max(3, files[fi]!.length - cut));
        for (const [pos, bit] of flips) b[pos % b.length] ^= 1 << bit;
        b[0] = 0xff;
        b[1] = 0xd8;
        b[2] = 0xff;
        const { out, sess, feed } = runWith((p) => tf.image.decodeJpeg(p, { tryRecoverTruncated: recover }), b);
        try {
          const r = sess.runSync(out, feed as never) as tf.NDArray;
          expect(r.shape.length).toBe(3);
        } catch (e) {
          expect(e).toBeInstanceOf(tf.errors.OpError);
        }
      }),
      { numRuns: 400, seed: 12 },
    );
  });
});

describe('tf.image.encodeJpeg', () => {
  /** cjpeg's output with TF's JFIF density (unit 1, 300×300) in place of cjpeg's 1:1. */
  const withTfDensity = (b: Uint8Array, unit = 1, x = 300, y = 300): Uint8Array => {
    const o = b.slice();
    o.set([unit, x >> 8, x & 255, y >> 8, y & 255], 13);
    return o;
  };
  const encode = (img: tf.NDArray, opts: Record<string, unknown> = {}): Uint8Array => {
    const g = new tf.Graph();
    const e = g.asDefault(() => tf.image.encodeJpeg(tf.placeholder(tf.uint8, [null, null, null], 'img'), opts));
    const r = new tf.Session({ graph: g }).runSync(e, new Map([[g.getTensorByName('img:0'), img]]) as never) as tf.NDArray;
    expect(r.shape).toEqual([]);
    return (r.data as unknown as Uint8Array[])[0]!;
  };
  const image = (f: string): tf.NDArray => {
    const p = pnm(read(f));
    return new tf.NDArray(p.data.slice(), [p.h, p.w, p.c], 'uint8');
  };
  const cases: [string, string, Record<string, unknown>][] = [
    ['enc-q95-420.jpg', 's444.fast.ppm', {}],
    ['enc-q75-444.jpg', 's444.fast.ppm', { quality: 75, chromaDownsampling: false }],
    ['enc-q50-420-opt.jpg', 's444.fast.ppm', { quality: 50, optimizeSize: true }],
    ['enc-q10-420.jpg', 's444.fast.ppm', { quality: 10 }],
    ['enc-grey-q95.jpg', 'grey.fast.pgm', { format: 'grayscale' }],
    ['enc-q95-420-prog.jpg', 's444.fast.ppm', { progressive: true }],
    ['enc-grey-q80-prog.jpg', 'grey.fast.pgm', { quality: 80, progressive: true }],
  ];
  for (const [ref, src, opts] of cases) {
    it(`writes cjpeg's bytes (${ref})`, () => {
      expect(Buffer.from(encode(image(src), opts)).equals(Buffer.from(withTfDensity(read(ref))))).toBe(true);
    });
  }

  it('writes the density and an XMP APP1 packet as TF does, and decodes back', () => {
    const b = encode(image('s420.fast.ppm'), { densityUnit: 'cm', xDensity: 72, yDensity: 96, xmpMetadata: '<x/>' });
    expect([...b.subarray(13, 18)]).toEqual([2, 0, 72, 0, 96]);
    const ns = 'http://ns.adobe.com/xap/1.0/';
    expect([...b.subarray(20, 24)]).toEqual([0xff, 0xe1, 0, 2 + ns.length + 1 + 4]);
    expect(new TextDecoder().decode(b.subarray(24, 24 + ns.length + 5))).toBe(`${ns}\0<x/>`);
    const back = decodeJpegBytes(b);
    expect([back.height, back.width, back.channels]).toEqual([29, 37, 3]);
  });

  it('checks attrs and images with TF\'s texts', () => {
    tf.resetDefaultGraph();
    const img = tf.zeros([2, 2, 3], 'uint8');
    expect(() => tf.image.encodeJpeg(img, 'bgr')).toThrow("format must be '', grayscale or rgb, got bgr");
    expect(() => tf.image.encodeJpeg(img, { quality: 101 })).toThrow('quality must be in [0,100], got 101');
    expect(() => tf.image.encodeJpeg(img, { densityUnit: 'mm' })).toThrow("density_unit must be 'in' or 'cm'mm");
    expect(() => tf.image.encodeJpeg(tf.zeros([2, 2, 3]))).toThrow('not in list of allowed values: uint8');
    expect(() => encode(new tf.NDArray(new Uint8Array(8), [2, 2, 2], 'uint8'))).toThrow('image must have 1 or 3 channels, got [2,2,2]');
    expect(() => encode(new tf.NDArray(new Uint8Array(12), [2, 2, 3], 'uint8'), { format: 'grayscale' })).toThrow('format grayscale expects 1 channels, got [2,2,3]');
  });

  it('round-trips through GraphDef with TF\'s attrs', () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.image.encodeJpeg(tf.placeholder(tf.uint8, [null, null, 3], 'img'), { quality: 60, name: 'enc' }));
    const gd = g.asGraphDef();
    const n = gd.node.find((x) => x.name === 'enc')!;
    expect(n.op).toBe('EncodeJpeg');
    expect(Object.keys(n.attr).sort()).toEqual(['chroma_downsampling', 'density_unit', 'format', 'optimize_size', 'progressive', 'quality', 'x_density', 'xmp_metadata', 'y_density']);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const img = image('s444.fast.ppm');
    const r = new tf.Session({ graph: g2 }).runSync(g2.getTensorByName('enc:0'), new Map([[g2.getTensorByName('img:0'), img]]) as never) as tf.NDArray;
    expect(Buffer.from((r.data as unknown as Uint8Array[])[0]!).equals(Buffer.from(encode(img, { quality: 60 })))).toBe(true);
  });
});

describe('CMYK', () => {
  /**
   * A 4-component sequential JPEG built from grey.jpg: its tables, a 4-component SOF and four
   * single-component scans each holding grey.jpg's entropy-coded data, so C = M = Y = K = the
   * grey plane djpeg decodes. `adobe`: an Adobe APP14 marker with transform 0 (stored inverted).
   */
  function cmykFromGrey(adobe: boolean): Uint8Array {
    const g = read('grey.jpg');
    const parts: number[][] = [[0xff, 0xd8]];
    if (adobe) parts.push([0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0]);
    let p = 2;
    let sos: number[] = [];
    let data: number[] = [];
    while (p < g.length) {
      const m = g[p + 1]!;
      const len = (g[p + 2]! << 8) | g[p + 3]!;
      const seg = Array.from(g.subarray(p, p + 2 + len));
      if (m === 0xdb || m === 0xc4) parts.push(seg);
      else if (m === 0xc0) parts.push([0xff, 0xc0, 0, 8 + 3 * 4, ...seg.slice(4, 9), 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
      else if (m === 0xda) {
        sos = seg;
        data = Array.from(g.subarray(p + 2 + len, g.length - 2));
        break;
      }
      p += 2 + len;
    }
    for (let id = 1; id <= 4; id++) {
      const s = sos.slice();
      s[5] = id;
      parts.push(s, data);
    }
    parts.push([0xff, 0xd9]);
    return Uint8Array.from(parts.flat());
  }

  it('converts CMYK to RGB as TF does, inverted with an Adobe marker', () => {
    const grey = pnm(read('grey.fast.pgm')).data;
    for (const adobe of [false, true]) {
      const b = cmykFromGrey(adobe);
      expect(readJpegHeader(b).components).toBe(4);
      const img = decodeJpegBytes(b);
      expect([img.height, img.width, img.channels]).toEqual([29, 37, 3]);
      const want = new Uint8Array(grey.length * 3);
      grey.forEach((v, i) => want.fill(adobe ? Math.trunc((v * v) / 255) : Math.trunc(((255 - v) * (255 - v)) / 255), 3 * i, 3 * i + 3));
      expect(Buffer.from(img.data).equals(Buffer.from(want))).toBe(true);
      // libjpeg has no CMYK → greyscale conversion.
      expect(() => decodeJpegBytes(b, { channels: 1 })).toThrow('Unsupported color conversion request');
    }
  });
});
