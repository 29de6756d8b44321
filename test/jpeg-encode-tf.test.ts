/**
 * The JPEG encoder against libjpeg-turbo (the library TF 1.15 links): TF's own docstring
 * examples of tf.image.adjust_jpeg_quality, and a 5×4 RGB image whose libjpeg-turbo 2.1 encoding
 * (jpeg_set_defaults, jpeg_set_quality(90, TRUE), 300 dpi JFIF density as TF's EncodeJpeg sets
 * it) and IFAST/fancy-upsampling decoding were recorded from the library itself. The image has
 * an even height, so its 4:2:0 chroma exercises jcprepct's bottom padding: the source is padded
 * to a whole row group before downsampling and the rest of the iMCU row repeats the last
 * downsampled chroma row.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

async function run(build: () => Tensor[]): Promise<NDArray[]> {
  const g = new tf.Graph();
  const ts = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    return (await sess.run(ts)) as NDArray[];
  } finally {
    await sess.close();
  }
}

describe('adjustJpegQuality: TF docstring examples', () => {
  it('float image at quality 75 and uint8 image at quality 100', async () => {
    const xf = [[[0.01, 0.02, 0.03], [0.04, 0.05, 0.06]], [[0.07, 0.08, 0.09], [0.1, 0.11, 0.12]]];
    const xu = [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]];
    const [f, u] = await run(() => [
      tf.image.adjustJpegQuality(tf.constant(xf, tf.float32), 75),
      tf.image.adjustJpegQuality(tf.constant(xu, tf.uint8), 100),
    ]);
    // TF: [[[0.00392157, 0.01960784, 0.03137255], [0.02745098, 0.04313726, 0.05490196]],
    //      [[0.05882353, 0.07450981, 0.08627451], [0.08235294, 0.09803922, 0.10980393]]]
    const levels = [1, 5, 8, 7, 11, 14, 15, 19, 22, 21, 25, 28];
    expect(f!.dtype).toBe('float32');
    expect(Array.from(f!.data as Float32Array)).toEqual(levels.map((v) => Math.fround(v * Math.fround(1 / 255))));
    // numpy prints the array to 8 decimals
    const tfPrinted = [0.00392157, 0.01960784, 0.03137255, 0.02745098, 0.04313726, 0.05490196, 0.05882353, 0.07450981, 0.08627451, 0.08235294, 0.09803922, 0.10980393];
    Array.from(f!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - tfPrinted[i]!)).toBeLessThan(5e-9));
    expect(u!.dtype).toBe('uint8');
    expect(Array.from(u!.data as Uint8Array)).toEqual([0, 1, 3, 3, 4, 6, 6, 7, 9, 9, 10, 12]);
  });
});

describe('encodeJpeg / decodeJpeg against libjpeg-turbo', () => {
  const W = 5, H = 4;
  const px = Array.from({ length: W * H * 3 }, (_, i) => (i * 97 + ((i * i) % 13) * 11) % 256);
  const image = Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => px.slice((y * W + x) * 3, (y * W + x) * 3 + 3)));
  const SCAN = 'ffda000c03010002110311003f00cdf1aeabaa7c2ef17df5a787b54b8b48ee6285e560b1866da9b557e551c0c12076dc40c0c00514576e030184c4e12955af4632938abb714dbd3ab6ae7c3e6d4e0f1926e2b68ffe928fffd9';
  const DECODED = [
    76, 100, 86, 138, 154, 143, 80, 79, 75, 72, 88, 62, 155, 221, 147, 138, 161, 133, 108, 121, 101, 116, 111, 107, 119, 127, 114, 111,
    169, 118, 91, 108, 53, 143, 149, 111, 55, 39, 39, 108, 105, 114, 66, 107, 103, 166, 182, 111, 174, 177, 130, 147, 127, 126, 103, 94,
    115, 71, 102, 122,
  ];

  it('writes the same file, byte for byte, at quality 90 with 4:2:0 chroma', async () => {
    const [enc, dec] = await run(() => {
      const e = tf.image.encodeJpeg(tf.constant(image, tf.uint8), { quality: 90 });
      return [e, tf.image.decodeJpeg(e)];
    });
    const bytes = (enc!.data as unknown as Uint8Array[])[0]!;
    expect(bytes.length).toBe(698);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('b0642e13e175593d668ef304614a0d49f76f8081075e7d43824edc84861dbf5b');
    const sos = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xda);
    expect(Buffer.from(bytes.subarray(sos)).toString('hex')).toBe(SCAN);
    expect(dec!.shape).toEqual([H, W, 3]);
    expect(Array.from(dec!.data as Uint8Array)).toEqual(DECODED);
  });
});
