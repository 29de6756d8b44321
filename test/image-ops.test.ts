/**
 * tf.image on every device: the resize methods against the expected outputs of TF 1.15's
 * tensorflow/python/ops/image_ops_test.py (ResizeImagesV1Test: testResizeUpAlignCornersFalse,
 * testResizeUpAlignCornersTrue, testResizeUpBicubic, testResizeDownArea, testResizeDown,
 * testReturnDtype; NonMaxSuppressionTest.testNonMaxSuppression; crop_and_resize_op_test.cc), the crops, pads, flips and
 * colour adjustments against float64 re-implementations of TF's kernels, TF1's argument
 * errors, and finite-difference gradients of the resize and adjust ops. half_pixel_centers:
 * ResizeImagesV2Test.testResizeUp's expected outputs (resize_images_v2 runs these ops with
 * half_pixel_centers=True) and float64 numpy goldens of TF's half-pixel mapping
 * (fixtures/resize-half-pixel-goldens.py), up- and down-scaling.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, rng, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const img = (data: number[], shape: number[], dtype: 'float32' | 'uint8' | 'float64' = 'float32'): NDArray =>
  new tf.NDArray(dtype === 'uint8' ? Uint8Array.from(data) : dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data), shape, dtype);

const near = (got: ArrayLike<number>, want: ArrayLike<number>, atol: number, what: string): void => {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(Number(got[i]) - Number(want[i])) <= atol * (1 + Math.abs(Number(want[i])));
    if (!ok) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]} (all: ${Array.from(got).join(', ')})`);
  }
};

// ----- TF 1.15 image_ops_test.py, ResizeImagesV1Test -----------------------------------------
const UP_FALSE = {
  data: [64, 32, 32, 64, 50, 100], shape: [1, 3, 2, 1], size: [6, 4],
  want: {
    0: [64, 48, 32, 32, 48, 48, 48, 48, 32, 48, 64, 64, 41, 61.5, 82, 82, 50, 75, 100, 100, 50, 75, 100, 100],
    1: [64, 64, 32, 32, 64, 64, 32, 32, 32, 32, 64, 64, 32, 32, 64, 64, 50, 50, 100, 100, 50, 50, 100, 100],
    3: [64, 64, 32, 32, 64, 64, 32, 32, 32, 32, 64, 64, 32, 32, 64, 64, 50, 50, 100, 100, 50, 50, 100, 100],
  } as Record<number, number[]>,
};
const UP_TRUE = {
  data: [6, 3, 3, 6, 6, 9], shape: [1, 3, 2, 1], size: [5, 4],
  want: {
    0: [6, 5, 4, 3, 4.5, 4.5, 4.5, 4.5, 3, 4, 5, 6, 4.5, 5.5, 6.5, 7.5, 6, 7, 8, 9],
    1: [6, 6, 3, 3, 3, 3, 6, 6, 3, 3, 6, 6, 6, 6, 9, 9, 6, 6, 9, 9],
    3: [6, 6, 6, 3, 6, 6, 6, 3, 3, 3, 3, 6, 3, 3, 3, 6, 6, 6, 6, 9],
  } as Record<number, number[]>,
};
const BICUBIC = {
  data: [128, 128, 64, 64, 128, 128, 64, 64, 64, 64, 128, 128, 64, 64, 128, 128, 50, 50, 100, 100, 50, 50, 100, 100, 50, 50, 100, 100, 50, 50, 100, 100, 50, 50, 100, 100],
  want: [128, 135, 96, 55, 64, 114, 134, 128, 78, 81, 68, 52, 57, 118, 144, 136, 55, 49, 79, 109, 103, 89, 83, 84, 74, 70, 95, 122, 115, 69, 49, 55, 100,
    105, 75, 43, 50, 89, 105, 100, 57, 54, 74, 96, 91, 65, 55, 58, 70, 69, 75, 81, 80, 72, 69, 70, 105, 112, 75, 36, 45, 92, 111, 105],
};
const AREA_DOWN = {
  data: [128, 64, 32, 16, 8, 4, 4, 8, 16, 32, 64, 128, 128, 64, 32, 16, 8, 4, 5, 10, 15, 20, 25, 30, 30, 25, 20, 15, 10, 5, 5, 10, 15, 20, 25, 30],
  want: [73, 33, 23, 39, 73, 33, 23, 39, 14, 16, 19, 21, 14, 16, 19, 21],
};
const DOWN = {
  data: [127, 127, 64, 64, 127, 127, 64, 64, 64, 64, 127, 127, 64, 64, 127, 127, 50, 50, 100, 100, 50, 50, 100, 100],
  want: [127, 64, 64, 127, 50, 100],
};

// ----- half_pixel_centers ----------------------------------------------------------------------
// TF 1.15 image_ops_test.py, ResizeImagesV2Test.testResizeUp (UP_FALSE's image to 6 x 4)
const UP_V2: Record<'bilinear' | 'nearest' | 'bicubic', number[]> = {
  bilinear: [64, 56, 40, 32, 56, 52, 44, 40, 40, 44, 52, 56, 36.5, 45.625, 63.875, 73, 45.5, 56.875, 79.625, 91, 50, 62.5, 87.5, 100],
  nearest: [64, 64, 32, 32, 64, 64, 32, 32, 32, 32, 64, 64, 32, 32, 64, 64, 50, 50, 100, 100, 50, 50, 100, 100],
  bicubic: [70.1453, 59.0252, 36.9748, 25.8547, 59.3195, 53.3386, 41.4789, 35.4981, 36.383, 41.285, 51.0051, 55.9071, 30.2232, 42.151, 65.8032, 77.731,
    41.6492, 55.823, 83.9288, 98.1026, 47.0363, 62.2744, 92.4903, 107.7284],
};
interface HalfGolden { kind: 'bilinear' | 'nearest' | 'bicubic'; size: [number, number]; input: { shape: number[]; values: number[] }; output: { shape: number[]; values: number[] } }
const HALF: Record<string, HalfGolden> = JSON.parse(readFileSync(new URL('./fixtures/resize-half-pixel-goldens.json', import.meta.url), 'utf8'));
const RAW = { bilinear: tf.image.resizeBilinear, nearest: tf.image.resizeNearestNeighbor, bicubic: tf.image.resizeBicubic };

// ----- float64 references of TF's colour kernels ----------------------------------------------
function refHsv(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const range = v - Math.min(r, g, b);
  const s = v > 0 ? range / v : 0;
  let h = 0;
  if (range > 0) {
    const norm = 1 / (6 * range);
    h = r === v ? norm * (g - b) : g === v ? norm * (b - r) + 2 / 6 : norm * (r - g) + 4 / 6;
  }
  if (h < 0) h += 1;
  return [h, s, v];
}
function refRgb(h: number, s: number, v: number): [number, number, number] {
  const c = s * v;
  const m = v - c;
  const dh = h * 6;
  const cat = Math.floor(dh);
  const fm = dh - 2 * Math.floor(dh / 2);
  const x = c * (1 - Math.abs(fm - 1));
  const t: [number, number, number][] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]];
  const [r, g, b] = t[cat] ?? [0, 0, 0];
  return [r + m, g + m, b + m];
}
const pixels = (d: ArrayLike<number>): [number, number, number][] => Array.from({ length: d.length / 3 }, (_, i) => [d[i * 3]!, d[i * 3 + 1]!, d[i * 3 + 2]!]);

const RGB = (() => {
  const r = rng(7);
  return Array.from({ length: 2 * 3 * 4 * 3 }, () => Math.fround(r()));
})();

for (const dev of devices) {
  describe(`tf.image (${dev.name})`, () => {
    it("resize methods: TF 1.15's ResizeImagesV1Test expected outputs, 3-D and 4-D, uint8 and float32", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const cases = g.asDefault(() => {
        const out: { t: Tensor; want: number[]; atol: number; what: string; dtype: string; shape: number[] }[] = [];
        for (const [name, c, align] of [['testResizeUpAlignCornersFalse', UP_FALSE, false], ['testResizeUpAlignCornersTrue', UP_TRUE, true]] as const) {
          for (const dtype of ['float32', 'uint8'] as const) {
            const x = tf.constant(img(c.data, c.shape, dtype));
            for (const m of [0, 1, 3]) {
              out.push({ t: tf.image.resizeImages(x, c.size, m, align), want: c.want[m]!, atol: 1e-5, what: `${name} method ${m} ${dtype}`, dtype: m === 1 ? dtype : 'float32', shape: [1, ...c.size, 1] });
            }
          }
        }
        const bic = tf.constant(img(BICUBIC.data, [1, 6, 6, 1], 'uint8'));
        out.push({ t: tf.image.resizeImages(bic, [8, 8], tf.image.ResizeMethod.BICUBIC), want: BICUBIC.want, atol: 1 / 50, what: 'testResizeUpBicubic', dtype: 'float32', shape: [1, 8, 8, 1] });
        const area = tf.constant(img(AREA_DOWN.data, [1, 6, 6, 1], 'uint8'));
        out.push({ t: tf.image.resizeImages(area, [4, 4], tf.image.ResizeMethod.AREA), want: AREA_DOWN.want, atol: 1 / 14, what: 'testResizeDownArea', dtype: 'float32', shape: [1, 4, 4, 1] });
        for (const shape of [[1, 6, 4, 1], [6, 4, 1]]) {
          const x = tf.constant(img(DOWN.data, shape, 'float32'));
          for (const m of [0, 1, 2, 3]) {
            out.push({ t: tf.image.resizeImages(x, [3, 2], m), want: DOWN.want, atol: 1e-5, what: `testResizeDown ${shape.length}-D method ${m}`, dtype: 'float32', shape: shape.length === 4 ? [1, 3, 2, 1] : [3, 2, 1] });
          }
        }
        // the raw ops: ResizeBilinear with a size tensor, NEAREST keeps int dtypes
        out.push({ t: tf.image.resizeBilinear(tf.constant(img(UP_FALSE.data, UP_FALSE.shape)), tf.constant([6, 4], 'int32')), want: UP_FALSE.want[0]!, atol: 1e-5, what: 'resizeBilinear', dtype: 'float32', shape: [1, 6, 4, 1] });
        return out;
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(cases.map((c) => c.t))) as NDArray[];
      cases.forEach((c, i) => {
        expect(got[i]!.dtype, c.what).toBe(c.dtype);
        expect(got[i]!.shape, c.what).toEqual(c.shape);
        near(got[i]!.data as ArrayLike<number>, c.want, c.atol, c.what);
      });
      await sess.close();
    });

    it('halfPixelCenters: ResizeImagesV2Test.testResizeUp and numpy goldens of the half-pixel mapping, up and down', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const cases = g.asDefault(() => {
        const out: { t: Tensor; want: number[]; atol: number; what: string; dtype: string; shape: number[] }[] = [];
        for (const dtype of ['float32', 'uint8'] as const) {
          const x = tf.constant(img(UP_FALSE.data, UP_FALSE.shape, dtype));
          for (const kind of ['bilinear', 'nearest', 'bicubic'] as const) {
            // the expected values are printed to 4 decimals
            out.push({ t: RAW[kind](x, [6, 4], false, undefined, true), want: UP_V2[kind], atol: kind === 'bicubic' ? 2e-6 : 1e-6, what: `testResizeUp ${kind} ${dtype}`, dtype: kind === 'nearest' ? dtype : 'float32', shape: [1, 6, 4, 1] });
          }
        }
        for (const [name, c] of Object.entries(HALF)) {
          const t = RAW[c.kind](tf.constant(img(c.input.values, c.input.shape)), c.size, { halfPixelCenters: true });
          out.push({ t, want: c.output.values, atol: 1e-5, what: name, dtype: 'float32', shape: c.output.shape });
        }
        return out;
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(cases.map((c) => c.t))) as NDArray[];
      cases.forEach((c, i) => {
        expect(got[i]!.dtype, c.what).toBe(c.dtype);
        expect(got[i]!.shape, c.what).toEqual(c.shape);
        near(got[i]!.data as ArrayLike<number>, c.want, c.atol, c.what);
      });
      await sess.close();
    });

    it('crops, pads, flips, transposes, rotations and central crops', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      // a 3 x 4 x 1 image 1..12 and a batch of two 2 x 3 x 1 images
      const a = Array.from({ length: 12 }, (_, i) => i + 1);
      const m = g.asDefault(() => {
        const x = tf.constant(img(a, [3, 4, 1]));
        const b = tf.constant(img([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3, 1]));
        return [
          tf.image.cropToBoundingBox(x, 1, 1, 2, 2),
          tf.image.padToBoundingBox(tf.image.cropToBoundingBox(x, 1, 1, 2, 2), 1, 0, 3, 3),
          tf.image.resizeImageWithCropOrPad(x, 2, 6),
          tf.image.centralCrop(x, 0.5),
          tf.image.flipLeftRight(x),
          tf.image.flipUpDown(x),
          tf.image.transposeImage(b),
          tf.image.rot90(x),
          tf.image.rot90(x, 2),
          tf.image.rot90(b, 3),
          tf.image.flipLeftRight(b),
          tf.image.resizeImageWithPad(tf.constant(img([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1])), 4, 4, tf.image.ResizeMethod.NEAREST_NEIGHBOR),
          tf.image.resizeImageWithPad(tf.constant(img([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1])), 2, 8, tf.image.ResizeMethod.NEAREST_NEIGHBOR),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = ((await sess.run(m)) as NDArray[]).map((r) => ({ s: r.shape, d: Array.from(r.data as Float32Array) }));
      await sess.close();
      expect(got[0]).toEqual({ s: [2, 2, 1], d: [6, 7, 10, 11] });
      expect(got[1]).toEqual({ s: [3, 3, 1], d: [0, 0, 0, 6, 7, 0, 10, 11, 0] });
      // height 3 → 2: crop offset 0 (floor(1/2)); width 4 → 6: pad 1 each side
      expect(got[2]).toEqual({ s: [2, 6, 1], d: [0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0] });
      // central_fraction 0.5 of 3 x 4: start int((3 - 1.5) / 2) = 0, int((4 - 2) / 2) = 1
      expect(got[3]).toEqual({ s: [3, 2, 1], d: [2, 3, 6, 7, 10, 11] });
      expect(got[4]).toEqual({ s: [3, 4, 1], d: [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9] });
      expect(got[5]).toEqual({ s: [3, 4, 1], d: [9, 10, 11, 12, 5, 6, 7, 8, 1, 2, 3, 4] });
      expect(got[6]).toEqual({ s: [2, 3, 2, 1], d: [1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12] });
      // np.rot90: counter-clockwise
      expect(got[7]).toEqual({ s: [4, 3, 1], d: [4, 8, 12, 3, 7, 11, 2, 6, 10, 1, 5, 9] });
      expect(got[8]).toEqual({ s: [3, 4, 1], d: [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1] });
      expect(got[9]).toEqual({ s: [2, 3, 2, 1], d: [4, 1, 5, 2, 6, 3, 10, 7, 11, 8, 12, 9] });
      expect(got[10]).toEqual({ s: [2, 2, 3, 1], d: [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10] });
      // 2 x 4 into 4 x 4: ratio 1, kept 2 x 4, one zero row above and below
      expect(got[11]).toEqual({ s: [4, 4, 1], d: [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0] });
      // 2 x 4 into 2 x 8: ratio 1, two zero columns each side
      expect(got[12]).toEqual({ s: [2, 8, 1], d: [0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0] });
    });

    it("cropAndResize: TF 1.15's crop_and_resize_op_test.cc cases (flipped and outside boxes, nearest)", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const i22 = tf.constant(img([1, 2, 3, 4], [1, 2, 2, 1], 'uint8'));
        const i33 = tf.constant(img([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
        return [
          tf.image.cropAndResize(i22, [[0, 0, 1, 1]], [0], [1, 1]),
          tf.image.cropAndResize(i22, [[1, 1, 0, 0]], [0], [1, 1]),
          tf.image.cropAndResize(i22, [[0, 0, 1, 1]], [0], [3, 3]),
          tf.image.cropAndResize(i22, [[-1, -1, 1, 1]], [0], [3, 3], 'bilinear', -1),
          tf.image.cropAndResize(i33, [[0, 0, 1, 1], [0, 0, 0.5, 0.5]], [0, 0], [2, 2]),
          tf.image.cropAndResize(i33, [[0, 0, 1, 1], [0, 0, 0.5, 0.5]], [0, 0], [2, 2], 'nearest'),
          tf.image.cropAndResize(i33, [[1, 1, 0, 0], [0.5, 0.5, 0, 0]], [0, 0], [2, 2]),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = ((await sess.run(outs)) as NDArray[]).map((r) => ({ s: r.shape, d: Array.from(r.data as Float32Array) }));
      await sess.close();
      expect(got).toEqual([
        { s: [1, 1, 1, 1], d: [2.5] }, // TestCropAndResize2x2To1x1Uint8
        { s: [1, 1, 1, 1], d: [2.5] }, // TestCropAndResize2x2To1x1Flipped
        { s: [1, 3, 3, 1], d: [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4] }, // TestCropAndResize2x2To3x3
        { s: [1, 3, 3, 1], d: [-1, -1, -1, -1, 1, 2, -1, 3, 4] }, // TestCropAndResize2x2To3x3Extrapolated
        { s: [2, 2, 2, 1], d: [1, 3, 7, 9, 1, 2, 4, 5] }, // TestCropAndResize3x3To2x2
        { s: [2, 2, 2, 1], d: [1, 3, 7, 9, 1, 2, 4, 5] }, // TestCropAndResize3x3To2x2_NearestNeighbor
        { s: [2, 2, 2, 1], d: [9, 7, 3, 1, 5, 4, 2, 1] }, // TestCropAndResize3x3To2x2Flipped
      ]);
    });

    it('colour adjustments, HSV, grayscale, standardization, dtype conversion against float64 references', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = tf.constant(img(RGB, [2, 3, 4, 3]));
        const u8 = tf.constant(img([0, 10, 128, 200, 250, 255], [1, 2, 1, 3], 'uint8'));
        return {
          hsv: tf.image.rgbToHsv(x),
          back: tf.image.hsvToRgb(tf.image.rgbToHsv(x)),
          sat: tf.image.adjustSaturation(x, 1.7),
          hue: tf.image.adjustHue(x, 0.3),
          bright: tf.image.adjustBrightness(x, 0.2),
          contrast: tf.image.adjustContrast(x, 1.5),
          gamma: tf.image.adjustGamma(x, 2, 1.5),
          std: tf.image.perImageStandardization(x),
          gray: tf.image.rgbToGrayscale(x),
          rgb: tf.image.grayscaleToRgb(tf.image.rgbToGrayscale(x)),
          u8f: tf.image.convertImageDtype(u8, tf.float32),
          f2u8: tf.image.convertImageDtype(tf.constant(img([0, 0.5, 0.999, 1.2, -0.1, 0.25], [1, 2, 1, 3])), tf.uint8, true),
          u8bright: tf.image.adjustBrightness(u8, 0.1),
          tv: tf.image.totalVariation(x),
          grads: tf.image.imageGradients(x),
          sobel: tf.image.sobelEdges(tf.constant(img([1, 2, 4, 8, 16, 32, 64, 128, 256], [1, 3, 3, 1]))),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(m)) as unknown as Record<string, NDArray> & { grads: NDArray[] };
      await sess.close();
      const tol = 2e-6 * dev.caps.tolScale;
      const px = pixels(RGB);
      const d = (k: string): number[] => Array.from(r[k]!.data as Float32Array);
      near(d('hsv'), px.flatMap(([a, b, c]) => refHsv(a, b, c)), tol, 'rgbToHsv');
      near(d('back'), RGB, 1e-5 * dev.caps.tolScale, 'hsvToRgb(rgbToHsv(x))');
      near(d('sat'), px.flatMap(([a, b, c]) => { const [h, s, v] = refHsv(a, b, c); return refRgb(h, Math.min(1, Math.max(0, s * 1.7)), v); }), 1e-5 * dev.caps.tolScale, 'adjustSaturation');
      near(d('hue'), px.flatMap(([a, b, c]) => { const [h, s, v] = refHsv(a, b, c); const h2 = h + 0.3; return refRgb(h2 - Math.floor(h2), s, v); }), 1e-5 * dev.caps.tolScale, 'adjustHue');
      near(d('bright'), RGB.map((v) => v + 0.2), tol, 'adjustBrightness');
      const perChannelMean = (b: number, c: number): number => { let s = 0; for (let i = 0; i < 12; i++) s += RGB[(b * 12 + i) * 3 + c]!; return s / 12; };
      near(d('contrast'), RGB.map((v, i) => { const b = Math.floor(i / 36); const c = i % 3; const mu = perChannelMean(b, c); return (v - mu) * 1.5 + mu; }), tol, 'adjustContrast');
      near(d('gamma'), RGB.map((v) => 1.5 * v * v), tol, 'adjustGamma');
      const std = RGB.map((v, i) => {
        const b = Math.floor(i / 36);
        const vals = RGB.slice(b * 36, b * 36 + 36);
        const mu = vals.reduce((p, q) => p + q, 0) / 36;
        const sd = Math.sqrt(vals.reduce((p, q) => p + (q - mu) ** 2, 0) / 36);
        return (v - mu) / Math.max(sd, 1 / 6);
      });
      near(d('std'), std, 1e-5 * dev.caps.tolScale, 'perImageStandardization');
      expect(r.gray!.shape).toEqual([2, 3, 4, 1]);
      const gray = px.map(([a, b, c]) => 0.2989 * a + 0.587 * b + 0.114 * c);
      near(d('gray'), gray, tol, 'rgbToGrayscale');
      near(d('rgb'), gray.flatMap((v) => [v, v, v]), tol, 'grayscaleToRgb');
      near(d('u8f'), [0, 10, 128, 200, 250, 255].map((v) => Math.fround(v * Math.fround(1 / 255))), 1e-7, 'convertImageDtype uint8 → float32');
      expect(r.f2u8!.dtype).toBe('uint8');
      // × 255.5, saturate, truncate: 0, 127, 255, 255 (saturated), 0 (saturated), 63
      expect(Array.from(r.f2u8!.data as Uint8Array)).toEqual([0, 127, 255, 255, 0, 63]);
      expect(r.u8bright!.dtype).toBe('uint8');
      // to float, + 0.1, back with × 255.5 and saturation
      expect(Array.from(r.u8bright!.data as Uint8Array)).toEqual([0, 10, 128, 200, 250, 255].map((v) => Math.min(255, Math.trunc(Math.fround(Math.fround(v * Math.fround(1 / 255)) + Math.fround(0.1)) * 255.5))));
      let tv0 = 0; let tv1 = 0;
      for (let b = 0; b < 2; b++) {
        const at = (h: number, w: number, c: number): number => RGB[((b * 3 + h) * 4 + w) * 3 + c]!;
        let t = 0;
        for (let h = 0; h < 3; h++) for (let w = 0; w < 4; w++) for (let c = 0; c < 3; c++) {
          if (h < 2) t += Math.abs(at(h + 1, w, c) - at(h, w, c));
          if (w < 3) t += Math.abs(at(h, w + 1, c) - at(h, w, c));
        }
        if (b === 0) tv0 = t; else tv1 = t;
      }
      near(d('tv'), [tv0, tv1], 1e-5 * dev.caps.tolScale, 'totalVariation');
      const [dy, dx] = r.grads;
      expect(dy!.shape).toEqual([2, 3, 4, 3]);
      const at = (b: number, h: number, w: number, c: number): number => RGB[((b * 3 + h) * 4 + w) * 3 + c]!;
      const wantDy: number[] = []; const wantDx: number[] = [];
      for (let b = 0; b < 2; b++) for (let h = 0; h < 3; h++) for (let w = 0; w < 4; w++) for (let c = 0; c < 3; c++) {
        wantDy.push(h < 2 ? at(b, h + 1, w, c) - at(b, h, w, c) : 0);
        wantDx.push(w < 3 ? at(b, h, w + 1, c) - at(b, h, w, c) : 0);
      }
      near(Array.from(dy!.data as Float32Array), wantDy, tol, 'imageGradients dy');
      near(Array.from(dx!.data as Float32Array), wantDx, tol, 'imageGradients dx');
      // Sobel of a 3 x 3 image with REFLECT padding, computed by hand for the centre pixel:
      // dy = (64 + 2·128 + 256) − (1 + 2·2 + 4) = 567, dx = (4 + 2·32 + 256) − (1 + 2·8 + 64) = 243
      expect(r.sobel!.shape).toEqual([1, 3, 3, 1, 2]);
      expect(Array.from(r.sobel!.data as Float32Array).slice(8, 10)).toEqual([567, 243]);
    });
  });
}

describe('tf.image declarations and host stages', () => {
  it("ResizeImagesV1Test.testReturnDtype, op types, TF1's argument errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const u8 = tf.placeholder(tf.uint8, [1, 6, 4, 1]);
      for (const m of [0, 1, 2, 3]) {
        expect(tf.image.resizeImages(u8, [3, 2], m).dtype).toBe(m === 1 ? 'uint8' : 'float32');
        // the same size: the image itself
        expect(tf.image.resizeImages(u8, [6, 4], m)).toBe(u8);
      }
      expect(tf.image.resizeImages(u8, [3, 2]).op.type).toBe('ResizeBilinear');
      expect(tf.image.resizeImages(u8, [3, 2], 1).op.type).toBe('ResizeNearestNeighbor');
      expect(tf.image.resizeImages(u8, [3, 2], 2).op.type).toBe('ResizeBicubic');
      expect(tf.image.resizeImages(u8, [3, 2], 3).op.type).toBe('ResizeArea');
      expect(tf.image.resizeImages(tf.placeholder(tf.float32, [50, 60, 3]), [55, 66]).shape).toEqual([55, 66, 3]);
      expect(tf.image.resizeImages(tf.placeholder(tf.float32, [null, null, null]), [55, 66]).shape).toEqual([55, 66, null]);
      expect(tf.image.resizeImages(tf.placeholder(tf.float32, [50, 60, 3]), [55, 66]).name.startsWith('resize_images')).toBe(true);
      const single = tf.placeholder(tf.float32, [6, 4, 1]);
      expect(() => tf.image.resizeImages(single, tf.constant(4, 'int32'))).toThrow("'size' must be a 1-D Tensor of 2 elements: new_height, new_width");
      expect(() => tf.image.resizeImages(single, tf.constant([4], 'int32'))).toThrow("'size' must be a 1-D Tensor of 2 elements");
      expect(() => tf.image.resizeImages(single, tf.constant([1, 2, 3], 'int32'))).toThrow("'size' must be a 1-D Tensor of 2 elements");
      expect(() => tf.image.resizeImages(single, [6, 4.5])).toThrow(TypeError);
      expect(() => tf.image.resizeImages(tf.placeholder(tf.float32, [2, 3]), [4, 4])).toThrow("'images' must have either 3 or 4 dimensions.");
      expect(() => tf.image.resizeBilinear(single, [4, 4])).toThrow(
        "Shape must be rank 4 but is rank 3 for 'ResizeBilinear' (op: 'ResizeBilinear') with input shapes: [6,4,1], [2].",
      );
      expect(() => tf.image.resizeImages(single, [4, 4], 7)).toThrow('Resize method is not implemented.');
      const x = tf.placeholder(tf.float32, [4, 5, 3]);
      expect(() => tf.image.cropToBoundingBox(x, 0, 0, 5, 5)).toThrow('height must be >= target + offset.');
      expect(() => tf.image.cropToBoundingBox(x, 0, 1, 4, 5)).toThrow('width must be >= target + offset.');
      expect(() => tf.image.cropToBoundingBox(x, -1, 0, 1, 1)).toThrow('offset_height must be >= 0.');
      expect(() => tf.image.cropToBoundingBox(x, 0, 0, 0, 1)).toThrow('target_height must be > 0.');
      expect(() => tf.image.padToBoundingBox(x, 0, 1, 4, 5)).toThrow('width must be <= target - offset');
      expect(() => tf.image.padToBoundingBox(x, -1, 0, 4, 5)).toThrow('offset_height must be >= 0');
      expect(() => tf.image.padToBoundingBox(tf.placeholder(tf.float32, [4, 5]), 0, 0, 4, 5)).toThrow("'image' (shape (4, 5)) must have either 3 or 4 dimensions.");
      expect(() => tf.image.flipLeftRight(tf.placeholder(tf.float32, [4, 5]))).toThrow("'image' (shape (4, 5)) must be at least three-dimensional.");
      expect(() => tf.image.centralCrop(x, 0)).toThrow('central_fraction must be within (0, 1]');
      expect(tf.image.centralCrop(x, 1)).toBe(x);
      expect(() => tf.image.randomBrightness(x, -1)).toThrow('max_delta must be non-negative.');
      expect(() => tf.image.randomContrast(x, 0.5, 0.5)).toThrow('upper must be > lower.');
      expect(() => tf.image.randomSaturation(x, -1, 0.5)).toThrow('lower must be non-negative.');
      expect(() => tf.image.randomHue(x, 0.6)).toThrow('max_delta must be <= 0.5.');
      expect(() => tf.image.adjustGamma(x, -1)).toThrow('Gamma should be a non-negative real number.');
      expect(() => tf.image.imageGradients(x)).toThrow('image_gradients expects a 4D tensor [batch_size, h, w, d], not (4, 5, 3).');
      expect(() => tf.image.rgbToHsv(tf.placeholder(tf.int32, [2, 3]))).toThrow("Value passed to parameter 'images' has DataType int32");
      expect(() => tf.image.adjustHue(tf.placeholder(tf.float32, [2, 2, 4]), 0.1)).toThrow('input must have 3 channels but instead has 4 channels.');
    });
  });

  it('ResizeImagesV1Test.testPreserveAspectRatio* output shapes', () => {
    new tf.Graph().asDefault(() => {
      const shape = (x: number[], size: [number, number]): (number | null)[] | null => tf.image.resizeImages(tf.placeholder(tf.float32, x), size, { preserveAspectRatio: true }).shape;
      expect(shape([10, 100, 100, 10], [250, 250])).toEqual([10, 250, 250, 10]);
      expect(shape([100, 100, 10], [100, 100])).toEqual([100, 100, 10]);
      expect(shape([100, 100, 10], [75, 50])).toEqual([50, 50, 10]);
      expect(shape([3, 100, 100, 10], [75, 50])).toEqual([3, 50, 50, 10]);
      expect(shape([100, 100, 10], [150, 200])).toEqual([150, 150, 10]);
      expect(shape([1920, 1080, 3], [3840, 2160])).toEqual([3840, 2160, 3]);
      expect(shape([299, 299, 3], [320, 320])).toEqual([320, 320, 3]);
    });
  });

  it('ResizeImagesV1Test.testTensorArguments: a fed size (the resize then runs on the host), every method', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const size = tf.placeholder(tf.int32, [2]);
      const x = tf.constant(img(DOWN.data, [1, 6, 4, 1], 'uint8'));
      return { size, ys: [0, 1, 2, 3].map((k) => tf.image.resizeImages(x, size, k)) };
    });
    expect(m.ys[0]!.shape).toEqual([1, null, null, 1]);
    const sess = new tf.Session({ graph: g });
    const same = (await sess.run(m.ys, [[m.size, new tf.NDArray(Int32Array.from([6, 4]), [2], 'int32')]])) as NDArray[];
    same.forEach((r, k) => {
      expect(r.shape).toEqual([1, 6, 4, 1]);
      expect(r.dtype).toBe(k === 1 ? 'uint8' : 'float32');
      near(r.data as ArrayLike<number>, DOWN.data, 1e-6, `fed size, method ${k}`);
    });
    const down = (await sess.run(m.ys, [[m.size, new tf.NDArray(Int32Array.from([3, 2]), [2], 'int32')]])) as NDArray[];
    down.forEach((r, k) => near(r.data as ArrayLike<number>, DOWN.want, 1e-6, `testResizeDown with a fed size, method ${k}`));
    await sess.close();
  });

  it("GraphDef: the resize NodeDefs carry TF's attrs (T, align_corners, half_pixel_centers) and import back", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [1, 2, 2, 1], 'x');
      tf.identity(tf.image.resizeBilinear(x, [3, 3], true), 'out');
      tf.identity(tf.gradients(tf.reduceSum(tf.image.resizeNearestNeighbor(x, [3, 3])), [x])[0]!, 'dx');
    });
    const gd = g.asGraphDef();
    const rb = gd.node.find((n) => n.op === 'ResizeBilinear')!;
    expect(Object.keys(rb.attr).sort()).toEqual(['T', 'align_corners', 'half_pixel_centers']);
    expect(rb.attr.align_corners!.b).toBe(true);
    expect(gd.node.some((n) => n.op === 'ResizeNearestNeighborGrad')).toBe(true);
    const feed = img([1, 2, 3, 4], [1, 2, 2, 1]);
    const runIn = async (def: typeof gd): Promise<NDArray[]> => {
      const g2 = new tf.Graph();
      g2.asDefault(() => tf.importGraphDef(def, { name: '' }));
      const sess = new tf.Session({ graph: g2 });
      try {
        return (await sess.run(['out:0', 'dx:0'], { 'x:0': feed } as never)) as NDArray[];
      } finally {
        await sess.close();
      }
    };
    const [out, dx] = await runIn(gd);
    expect(Array.from(out!.data as Float32Array)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    // 3 x 3 nearest from 2 x 2 (floor(o · 2/3)): rows/cols 0, 0, 1 → pixel counts 4, 2, 2, 1
    expect(Array.from(dx!.data as Float32Array)).toEqual([4, 2, 2, 1]);
    // a TF-written node with both attrs: TF's kernel error
    rb.attr.half_pixel_centers = { b: true };
    await expect(runIn(gd)).rejects.toThrow('If half_pixel_centers is True, align_corners must be False.');
    // half_pixel_centers alone: (o + 0.5)·2/3 − 0.5 = −1/6, 1/2, 7/6 → rows/cols (0, 0), (0, 1) at ½, (1, 1)
    rb.attr.align_corners = { b: false };
    const [half] = await runIn(gd);
    expect(Array.from(half!.data as Float32Array)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });

  it('halfPixelCenters: the attr on the ops and their gradient ops, a fed size, TF\'s errors', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [1, 2, 3, 1], 'x');
      const size = tf.placeholder(tf.int32, [2], 'size');
      const ys = (['bilinear', 'nearest', 'bicubic'] as const).map((k) => RAW[k](x, [4, 5], { halfPixelCenters: true }));
      for (const y of ys) expect(y.op.attrs.half_pixel_centers, y.op.type).toBe(true);
      for (const y of ys) tf.gradients(tf.reduceSum(y), [x]);
      for (const type of ['ResizeBilinearGrad', 'ResizeNearestNeighborGrad', 'ResizeBicubicGrad']) {
        const ops = g.getOperations().filter((o) => o.type === type);
        expect(ops.length, type).toBe(1);
        expect(ops[0]!.attrs.half_pixel_centers, type).toBe(true);
      }
      // resize_area has no half_pixel_centers; the v1 resizeImages keeps the legacy mapping
      expect(() => tf.image.resizeArea(x, [4, 5], { halfPixelCenters: true } as never)).toThrow("resizeArea() got an unexpected keyword argument 'halfPixelCenters'");
      expect(tf.image.resizeImages(x, [4, 5]).op.attrs.half_pixel_centers).toBe(false);
      return {
        x, size,
        fed: tf.image.resizeBilinear(x, size, { halfPixelCenters: true }),
        both: tf.image.resizeBilinear(x, [4, 5], true, undefined, true),
        bothNN: tf.image.resizeNearestNeighbor(x, [4, 5], { alignCorners: true, halfPixelCenters: true }),
        bothFed: tf.image.resizeBicubic(x, size, true, undefined, true),
      };
    });
    const sess = new tf.Session({ graph: g });
    const feed = img([1, 2, 4, 8, 16, 32], [1, 2, 3, 1]);
    const sz = new tf.NDArray(Int32Array.from([3, 2]), [2], 'int32');
    const [fed] = (await sess.run([m.fed], [[m.x, feed], [m.size, sz]])) as NDArray[];
    // rows: (o + 0.5)·2/3 − 0.5 = −1/6, 1/2, 7/6 → row 0, ½(row 0 + row 1), row 1;
    // cols: (o + 0.5)·3/2 − 0.5 = 1/4, 7/4 → ¾·c0 + ¼·c1, ¼·c1 + ¾·c2
    const r0 = [0.75 * 1 + 0.25 * 2, 0.25 * 2 + 0.75 * 4];
    const r1 = [0.75 * 8 + 0.25 * 16, 0.25 * 16 + 0.75 * 32];
    near(fed!.data as Float32Array, [...r0, (r0[0]! + r1[0]!) / 2, (r0[1]! + r1[1]!) / 2, ...r1], 1e-6, 'a fed size, half-pixel bilinear');
    for (const t of [m.both, m.bothNN]) {
      await expect(sess.run(t, [[m.x, feed]])).rejects.toThrow('If half_pixel_centers is True, align_corners must be False.');
    }
    await expect(sess.run(m.bothFed, [[m.x, feed], [m.size, sz]])).rejects.toThrow('If half_pixel_centers is True, align_corners must be False.');
    await sess.close();
  });

  it('NonMaxSuppressionTest.testNonMaxSuppression (TF 1.15), score threshold, a fed box set', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const boxes = tf.placeholder(tf.float32, [null, 4]);
      const scores = tf.placeholder(tf.float32, [null]);
      return { boxes, scores, a: tf.image.nonMaxSuppression(boxes, scores, 3, 0.5), b: tf.image.nonMaxSuppression(boxes, scores, 6, 0.5, 0.4), c: tf.image.nonMaxSuppression(boxes, scores, 6, 1) };
    });
    expect(m.a.op.type).toBe('NonMaxSuppressionV3');
    const boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1], [0, 100, 1, 101]];
    const scores = [0.9, 0.75, 0.6, 0.95, 0.5, 0.3];
    const sess = new tf.Session({ graph: g });
    const [a, b, c] = (await sess.run([m.a, m.b, m.c], [[m.boxes, img(boxes.flat(), [6, 4])], [m.scores, img(scores, [6])]])) as NDArray[];
    expect(Array.from(a!.data)).toEqual([3, 0, 5]);
    // above 0.4: 3, 0, 1, 2, 4; 1 and 2 overlap 0 and 4 overlaps 3 (IoU 0.82)
    expect(Array.from(b!.data)).toEqual([3, 0]);
    expect(Array.from(c!.data)).toEqual([3, 0, 1, 2, 4, 5]);
    await sess.close();
  });

  it('random flips, crops and adjustments: seeded, repeatable, each image its own draw', async () => {
    const run = async (): Promise<number[][]> => {
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        tf.setRandomSeed(3);
        const b = tf.constant(img(Array.from({ length: 16 * 2 * 2 }, (_, i) => i), [16, 2, 2, 1]));
        return [tf.image.randomFlipLeftRight(b, 5), tf.image.randomFlipUpDown(b, 6), tf.randomCrop(b, [16, 1, 1, 1], 7), tf.image.randomBrightness(b, 0.5, 8)];
      });
      const sess = new tf.Session({ graph: g });
      const r = ((await sess.run(outs)) as NDArray[]).map((v) => Array.from(v.data as Float32Array));
      await sess.close();
      return r;
    };
    const [r1, r2] = [await run(), await run()];
    expect(r1).toEqual(r2);
    const [lr, ud, crop, bright] = r1 as [number[], number[], number[], number[]];
    let flipped = 0;
    for (let i = 0; i < 16; i++) {
      const img4 = lr.slice(i * 4, i * 4 + 4);
      const o = [0, 1, 2, 3].map((k) => i * 4 + k);
      if (img4.join() === [o[1], o[0], o[3], o[2]].join()) flipped++;
      else expect(img4).toEqual(o);
      const u = ud.slice(i * 4, i * 4 + 4);
      expect([[o[2], o[3], o[0], o[1]].join(), o.join()]).toContain(u.join());
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(16);
    // one crop offset for the whole value: the same pixel of every image
    const k = crop[0]!;
    expect(crop).toEqual(Array.from({ length: 16 }, (_, i) => i * 4 + k));
    const delta = bright[0]! - 0;
    expect(Math.abs(delta)).toBeLessThanOrEqual(0.5);
    bright.forEach((v, i) => expect(v).toBeCloseTo(i + delta, 4));
  });
});

// ----- gradients -------------------------------------------------------------------------------
// Channel values 0.3 apart (in a per-pixel order), so a finite-difference step never swaps
// which channel is the max or min (the HSV formulas' branches).
const apart = (r: () => number, i: number): number => 0.15 + 0.3 * ((i + Math.floor(i / 3)) % 3) + 0.05 * r();
// ResizeBilinear/Bicubic/Area output float32 whatever the input (as TF1), so they are checked
// in the float32 configurations; the float64 table checks the float64-valued ops.
const GRAD32: GradCase[] = [
  { name: 'resizeBilinear up', ins: [{ shape: [1, 2, 2, 1] }], f: (x) => tf.image.resizeBilinear(x, [5, 3]) },
  { name: 'resizeBilinear down, alignCorners', ins: [{ shape: [1, 4, 3, 1] }], f: (x) => tf.image.resizeBilinear(x, [3, 2], true) },
  { name: 'resizeBicubic', ins: [{ shape: [1, 3, 3, 1] }], f: (x) => tf.image.resizeBicubic(x, [4, 5]) },
  { name: 'resizeBilinear up, halfPixelCenters', ins: [{ shape: [1, 2, 3, 1] }], f: (x) => tf.image.resizeBilinear(x, [5, 4], { halfPixelCenters: true }) },
  { name: 'resizeBilinear down, halfPixelCenters', ins: [{ shape: [1, 5, 4, 1] }], f: (x) => tf.image.resizeBilinear(x, [3, 2], { halfPixelCenters: true }) },
  { name: 'resizeBicubic up, halfPixelCenters', ins: [{ shape: [1, 3, 3, 1] }], f: (x) => tf.image.resizeBicubic(x, [4, 5], { halfPixelCenters: true }) },
  { name: 'resizeBicubic down, halfPixelCenters', ins: [{ shape: [1, 5, 4, 1] }], f: (x) => tf.image.resizeBicubic(x, [2, 3], { halfPixelCenters: true }) },
  // CropAndResize is float32 out too; gradients w.r.t. the image and the boxes (kept off pixel edges)
  { name: 'cropAndResize', ins: [{ shape: [1, 3, 3, 1] }, { shape: [1, 4], gen: (r, i) => [0.12, 0.2, 0.81, 0.9][i]! + 0.05 * r() }], f: (x, b) => tf.image.cropAndResize(x, b, [0], [2, 2]) },
  // TF1 computes the adjustments of a float64 image in float32 (convert_image_dtype), so these too
  { name: 'adjustContrast', ins: [{ shape: [2, 2, 2] }], f: (x) => tf.image.adjustContrast(x, 1.7) },
  { name: 'adjustGamma', ins: [{ shape: [1, 2, 3], gen: 'pos' }], f: (x) => tf.image.adjustGamma(x, 1.5, 0.8) },
  { name: 'adjustSaturation', ins: [{ shape: [1, 2, 3], gen: apart }], f: (x) => tf.image.adjustSaturation(x, 0.6) },
  { name: 'adjustHue', ins: [{ shape: [1, 2, 3], gen: apart }], f: (x) => tf.image.adjustHue(x, 0.1) },
];
const GRAD: GradCase[] = [
  { name: 'resizeNearestNeighbor', ins: [{ shape: [1, 2, 2, 1] }], f: (x) => tf.image.resizeNearestNeighbor(x, [3, 3]) },
  { name: 'resizeNearestNeighbor down, alignCorners', ins: [{ shape: [1, 4, 3, 1] }], f: (x) => tf.image.resizeNearestNeighbor(x, [3, 2], true) },
  { name: 'resizeNearestNeighbor up, halfPixelCenters', ins: [{ shape: [1, 2, 2, 1] }], f: (x) => tf.image.resizeNearestNeighbor(x, [3, 5], { halfPixelCenters: true }) },
  { name: 'resizeNearestNeighbor down, halfPixelCenters', ins: [{ shape: [1, 5, 4, 1] }], f: (x) => tf.image.resizeNearestNeighbor(x, [2, 3], { halfPixelCenters: true }) },
  { name: 'crop, pad, flip, rot90, transpose', ins: [{ shape: [3, 3, 1] }], f: (x) => tf.image.rot90(tf.image.transposeImage(tf.image.flipLeftRight(tf.image.padToBoundingBox(tf.image.cropToBoundingBox(x, 1, 0, 2, 2), 0, 1, 3, 4))), 3) },
  { name: 'rgbToHsv, hsvToRgb', ins: [{ shape: [1, 2, 3], gen: apart }], f: (x) => tf.image.hsvToRgb(tf.multiply(tf.image.rgbToHsv(x), tf.constant([1, 0.7, 0.9], x.dtype))) },
  { name: 'perImageStandardization', ins: [{ shape: [1, 2, 3, 1] }], f: (x) => tf.image.perImageStandardization(tf.cast(x, 'float32')) },
  { name: 'totalVariation', ins: [{ shape: [1, 2, 3, 1], gen: 'away' }], f: (x) => tf.image.totalVariation(x) },
];

describeGradients(
  'finite-difference gradients of tf.image',
  (cfg) => [...(cfg.dtype === 'float32' ? GRAD32 : []), ...GRAD].filter((c) => !(cfg.dtype === 'float64' && c.name === 'perImageStandardization')),
  devices,
);

describe('resize gradients as exact adjoints', () => {
  it('<resize(x), w> = <x, ResizeBilinearGrad(w)> in float64 for every method with a gradient', async () => {
    const g = new tf.Graph();
    const r = rng(11);
    const xs = Array.from({ length: 2 * 4 * 3 * 2 }, () => r() * 2 - 1);
    const ws = Array.from({ length: 2 * 7 * 5 * 2 }, () => r() * 2 - 1);
    const m = g.asDefault(() => {
      const x = tf.constant(img(xs, [2, 4, 3, 2], 'float64'));
      const w = tf.constant(img(ws, [2, 7, 5, 2]));
      const mappings = [{ align: false, half: false }, { align: true, half: false }, { align: false, half: true }];
      return [tf.image.resizeBilinear, tf.image.resizeBicubic, tf.image.resizeNearestNeighbor].flatMap((fn) => mappings.map(({ align, half }) => {
        const y = fn(x, [7, 5], align, undefined, half);
        const lhs = tf.reduceSum(tf.multiply(tf.cast(y, 'float64'), tf.cast(w, 'float64')));
        const [gx] = tf.gradients(lhs, [x]);
        return [lhs, tf.reduceSum(tf.multiply(x, gx!))];
      }));
    });
    const sess = new tf.Session({ graph: g, device: 'cpu', threads: 1 });
    const got = (await sess.run(m.flat())) as NDArray[];
    for (let i = 0; i < got.length; i += 2) expect(Number(got[i]!.data[0])).toBeCloseTo(Number(got[i + 1]!.data[0]), 4);
    await sess.close();
  });
});
