/**
 * tf.image bounding-box and colour-space ops of TF 1.15: sampleDistortedBoundingBox (its
 * invariants, the whole-image fallback, seeds, and boxes from a float32 re-derivation of TF's
 * kernel and Philox stream), drawBoundingBoxes, combinedNonMaxSuppression, extractGlimpse,
 * rgbToYuv / yuvToRgb / rgbToYiq / yiqToRgb, extractPatches and adjustJpegQuality, with TF's
 * error texts and finite-difference gradients of the (linear) colour conversions.
 *
 * Goldens: the colour values are numpy float64 products with TF's kernels; the NMS outputs come
 * from a numpy re-derivation of TF 1.15's BatchedNonMaxSuppressionOp (non_max_suppression_op.cc);
 * the sampled boxes from a numpy float32 re-derivation of sample_distorted_bounding_box_op.cc
 * over Philox4x32-10 (checked against Random123's known answers); draw and glimpse by hand.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { expectNear } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

async function run(build: () => Tensor | Tensor[], times = 1): Promise<NDArray[][]> {
  const g = new tf.Graph();
  const ts = g.asDefault(build);
  const list = Array.isArray(ts) ? ts : [ts];
  const sess = new tf.Session({ graph: g });
  const out: NDArray[][] = [];
  for (let i = 0; i < times; i++) out.push((await sess.run(list)) as NDArray[]);
  await sess.close();
  return out;
}
const run1 = async (build: () => Tensor | Tensor[]): Promise<NDArray[]> => (await run(build))[0]!;

async function runError(build: () => Tensor | Tensor[]): Promise<Error> {
  try {
    await run(build);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to fail');
}
function buildError(build: () => unknown): Error {
  try {
    new tf.Graph().asDefault(build);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the graph construction to fail');
}

// ----- colour spaces --------------------------------------------------------------------------

const RGB = [[[0.2, 0.5, 0.9], [1.0, 0.0, 0.25]], [[0.1, 0.8, 0.3], [0.6, 0.6, 0.6]]];
// numpy: x @ kernel in float64 with TF 1.15's _rgb_to_yuv_kernel etc.
const WANT: Record<'rgbToYuv' | 'yuvToRgb' | 'rgbToYiq' | 'yiqToRgb', number[][][]> = {
  rgbToYuv: [[[0.4559, 0.218546497, -0.224496718], [0.3275, -0.038138603, 0.589972815]], [[0.5337, -0.115006342, -0.380477636], [0.6, 0, 0]]],
  yuvToRgb: [[[1.225894727, -0.519880832, 1.216030925], [1.284970758, 0.854844538, 1.0]], [[0.441964909, -0.389900422, 1.72564948], [1.283929818, 0.01484149, 1.81923711]]],
  rgbToYiq: [[[0.4559, -0.307307745, 0.06101151], [0.3275, 0.51556461, 0.289299888]], [[0.5337, -0.256458453, -0.303679071], [0.6, 0, -2.1972e-05]]],
  yiqToRgb: [[[1.23673549, -0.518490231, 1.180437336], [1.1552062, 0.83819894, 1.426057623]], [[1.051036512, -0.311771536, -0.274123021], [1.546086684, 0.048469758, 0.958494168]]],
};

describe('rgbToYuv / yuvToRgb / rgbToYiq / yiqToRgb', () => {
  for (const fn of Object.keys(WANT) as (keyof typeof WANT)[]) {
    it(`${fn}: the last axis times TF's kernel, in float32 and float64`, async () => {
      const [a, b] = await run1(() => [tf.image[fn](tf.constant(RGB, tf.float32)), tf.image[fn](tf.constant(RGB, tf.float64))]);
      expect(a!.dtype).toBe('float32');
      expect(b!.dtype).toBe('float64');
      expectNear(a!, flat(WANT[fn]), 1e-6, fn, [2, 2, 3]);
      expectNear(b!, flat(WANT[fn]), 1e-9, fn, [2, 2, 3]);
    });
  }

  it('the inverse kernels undo the forward ones (YIQ only to TF\'s 5 digits); any rank with 3 channels', async () => {
    const x = [0.3, 0.7, 0.1];
    const [yuv, yiq, four] = await run1(() => {
      const t = tf.constant(x, tf.float64);
      return [tf.image.yuvToRgb(tf.image.rgbToYuv(t)), tf.image.yiqToRgb(tf.image.rgbToYiq(t)), tf.image.rgbToYuv(tf.zeros([2, 1, 2, 3]))];
    });
    expectNear(yuv!, x, 1e-7, 'yuv round trip', [3]);
    // numpy: [0.3, 0.7, 0.1] @ rgb_to_yiq @ yiq_to_rgb = [0.29999318, 0.70000711, 0.09998127]
    expectNear(yiq!, [0.29999318, 0.70000711, 0.09998127], 1e-8, 'yiq round trip', [3]);
    expect(four!.shape).toEqual([2, 1, 2, 3]);
  });

  it('wants a float image with 3 channels', () => {
    expect(buildError(() => tf.image.rgbToYuv(tf.zeros([2, 4])))).toHaveProperty('name', 'ValueError');
    expect(buildError(() => tf.image.rgbToYuv(tf.zeros([2, 4]))).message).toContain('Dimensions must be equal, but are 4 and 3');
    const e = buildError(() => tf.image.rgbToYiq(tf.constant([[1, 2, 3]], tf.int32)));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("Expected int32, got");
  });
});

const COLOUR_GRADS: GradCase[] = (['rgbToYuv', 'yuvToRgb', 'rgbToYiq', 'yiqToRgb'] as const).map((fn) => ({
  name: fn, ins: [{ shape: [2, 2, 3] }], f: (x: Tensor) => tf.image[fn](x),
}));
describeGradients('finite-difference gradients of the colour conversions', COLOUR_GRADS, devices);

// ----- sampleDistortedBoundingBox ---------------------------------------------------------------

interface SdbbCase { H: number; W: number; boxes: number[][]; seed: number; seed2: number; opts: Record<string, unknown> }
const SDBB_CASES: SdbbCase[] = [
  { H: 100, W: 200, boxes: [[0.1, 0.2, 0.5, 0.6]], seed: 7, seed2: 11, opts: { minObjectCovered: 0.5 } },
  { H: 480, W: 640, boxes: [[0.05, 0.1, 0.9, 0.7], [0.3, 0.3, 0.4, 0.35]], seed: 1234, seed2: 5678, opts: { minObjectCovered: 0.3, aspectRatioRange: [0.5, 2.0], areaRange: [0.1, 0.9] } },
  { H: 37, W: 53, boxes: [], seed: 3, seed2: 0, opts: { minObjectCovered: 0.0, areaRange: [0.2, 0.6], useImageIfNoBoundingBoxes: true } },
  { H: 64, W: 64, boxes: [[0, 0, 1, 1]], seed: 87654321, seed2: 42, opts: {} },
];
// [begin, size, bboxes] of runs 0, 1, 2 of each case, from the re-derived kernel and stream
const SDBB_WANT: number[][][] = [[[7, 50, 0], [43, 44, -1], [0.07, 0.25, 0.5, 0.47]]
  , [[10, 66, 0], [78, 61, -1], [0.1, 0.33, 0.88, 0.635]]
  , [[4, 4, 0], [84, 89, -1], [0.04, 0.02, 0.88, 0.465]]
  , [[133, 29, 0], [278, 417, -1], [0.2770833, 0.0453125, 0.85625, 0.696875]]
  , [[27, 9, 0], [331, 571, -1], [0.05625, 0.0140625, 0.7458333, 0.90625]]
  , [[99, 68, 0], [282, 471, -1], [0.20625, 0.10625, 0.79375, 0.8421875]]
  , [[0, 19, 0], [36, 30, -1], [0.0, 0.3584906, 0.972973, 0.9245283]]
  , [[0, 13, 0], [32, 36, -1], [0.0, 0.245283, 0.8648649, 0.9245283]]
  , [[4, 2, 0], [21, 27, -1], [0.1081081, 0.0377358, 0.6756757, 0.5471698]]
  , [[3, 7, 0], [42, 55, -1], [0.046875, 0.109375, 0.703125, 0.96875]]
  , [[12, 11, 0], [40, 34, -1], [0.1875, 0.171875, 0.8125, 0.703125]]
  , [[6, 0, 0], [53, 64, -1], [0.09375, 0.0, 0.921875, 1.0]]];

const boxesTensor = (boxes: number[][]): Tensor => (boxes.length ? tf.constant([boxes], tf.float32) : tf.zeros([1, 0, 4]));

function sampler(c: SdbbCase, extra: Record<string, unknown> = {}): [Tensor, Tensor, Tensor] {
  return tf.image.sampleDistortedBoundingBox(tf.constant([c.H, c.W, 3], tf.int32), boxesTensor(c.boxes), { seed: c.seed, seed2: c.seed2, ...c.opts, ...extra });
}

/** The kernel's pixel rectangle [x0, y0, x1, y1] of a relative box (float32 products truncated). */
const pixelRect = (b: number[], H: number, W: number): number[] => [Math.trunc(Math.fround(b[1]! * W)), Math.trunc(Math.fround(b[0]! * H)), Math.trunc(Math.fround(b[3]! * W)), Math.trunc(Math.fround(b[2]! * H))];

function checkInvariants(begin: NDArray, size: NDArray, bbox: NDArray, H: number, W: number, boxes: number[][], minCovered: number, aspect: [number, number], area: [number, number]): 'crop' | 'whole' {
  const [y0, x0, z] = Array.from(begin.data as Int32Array);
  const [h, w, minus1] = Array.from(size.data as Int32Array);
  expect([z, minus1]).toEqual([0, -1]);
  expect(y0! >= 0 && x0! >= 0 && h! > 0 && w! > 0 && y0! + h! <= H && x0! + w! <= W, `box ${[y0, x0, h, w]} inside ${H}x${W}`).toBe(true);
  expect(Array.from(bbox.data as Float32Array)).toEqual([y0! / H, x0! / W, (y0! + h!) / H, (x0! + w!) / W].map(Math.fround));
  expect(bbox.shape).toEqual([1, 1, 4]);
  if (y0 === 0 && x0 === 0 && h === H && w === W) return 'whole';
  // width = round(height · aspect) with aspect in the range; area within the range's pixels
  expect(w! / h!).toBeGreaterThanOrEqual(aspect[0] - 0.5 / h!);
  expect(w! / h!).toBeLessThanOrEqual(aspect[1] + 0.5 / h!);
  expect(w! * h!).toBeGreaterThanOrEqual(Math.fround(Math.fround(area[0] * W) * H));
  expect(w! * h!).toBeLessThanOrEqual(Math.fround(Math.fround(area[1] * W) * H));
  const crop = [x0!, y0!, x0! + w!, y0! + h!];
  const covered = boxes.map((b) => {
    const r = pixelRect(b, H, W);
    const ix = Math.max(0, Math.min(crop[2]!, r[2]!) - Math.max(crop[0]!, r[0]!));
    const iy = Math.max(0, Math.min(crop[3]!, r[3]!) - Math.max(crop[1]!, r[1]!));
    return (ix * iy) / ((r[2]! - r[0]!) * (r[3]! - r[1]!));
  });
  expect(Math.max(...covered), `coverage of ${JSON.stringify(covered)}`).toBeGreaterThanOrEqual(minCovered);
  return 'crop';
}

describe('sampleDistortedBoundingBox', () => {
  it("TF's boxes for fixed seeds, run after run (the stream advances max_attempts blocks a run)", async () => {
    for (const [k, c] of SDBB_CASES.entries()) {
      const runs = await run(() => sampler(c), 3);
      runs.forEach((r, i) => {
        const [begin, size, bbox] = SDBB_WANT[k * 3 + i]!;
        expect(Array.from(r[0]!.data as Int32Array), `case ${k} run ${i} begin`).toEqual(begin);
        expect(Array.from(r[1]!.data as Int32Array), `case ${k} run ${i} size`).toEqual(size);
        expectNear(r[2]!, bbox!, 1e-7, `case ${k} run ${i} bboxes`, [1, 1, 4]);
      });
    }
  });

  it('every box lies in the image, has the aspect and area asked for and covers enough of a box', async () => {
    const boxes = [[0.2, 0.1, 0.6, 0.5], [0.55, 0.6, 0.95, 0.9]];
    const kinds: string[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const c: SdbbCase = { H: 90, W: 120, boxes, seed, seed2: 3 * seed, opts: { minObjectCovered: 0.4, aspectRatioRange: [0.6, 1.6], areaRange: [0.1, 0.7] } };
      for (const r of await run(() => sampler(c), 4)) kinds.push(checkInvariants(r[0]!, r[1]!, r[2]!, 90, 120, boxes, 0.4, [0.6, 1.6], [0.1, 0.7]));
    }
    expect(kinds.filter((k) => k === 'crop').length).toBe(kinds.length);
  });

  it('the same seeds repeat their boxes in a new session; other seeds, and later runs, differ', async () => {
    const c = SDBB_CASES[1]!;
    const a = (await run(() => sampler(c), 3)).map((r) => flat(Array.from(r[0]!.data)).concat(Array.from(r[1]!.data)));
    const b = (await run(() => sampler(c), 3)).map((r) => flat(Array.from(r[0]!.data)).concat(Array.from(r[1]!.data)));
    const other = (await run(() => sampler({ ...c, seed2: c.seed2 + 1 }), 3)).map((r) => Array.from(r[0]!.data).concat(Array.from(r[1]!.data)));
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);
    expect(new Set(a.map((v) => v.join())).size).toBeGreaterThan(1);
  });

  it('falls back to the whole image when no attempt satisfies the constraints', async () => {
    // a crop of at most half the image can never cover all of the one box, the whole image
    const c: SdbbCase = { H: 30, W: 40, boxes: [[0, 0, 1, 1]], seed: 5, seed2: 6, opts: { minObjectCovered: 1.0, areaRange: [0.05, 0.5], maxAttempts: 20 } };
    for (const r of await run(() => sampler(c), 3)) {
      expect(Array.from(r[0]!.data)).toEqual([0, 0, 0]);
      expect(Array.from(r[1]!.data)).toEqual([30, 40, -1]);
      expect(Array.from(r[2]!.data)).toEqual([0, 0, 1, 1]);
    }
  });

  it('unseeded boxes still keep the invariants; begin and size take the dtype of imageSize', async () => {
    const boxes = [[0.1, 0.1, 0.9, 0.9]];
    const runs = await run(() => tf.image.sampleDistortedBoundingBox(tf.constant([50, 70, 3], tf.int32), tf.constant([boxes]), { minObjectCovered: 0.2 }), 5);
    for (const r of runs) expect(checkInvariants(r[0]!, r[1]!, r[2]!, 50, 70, boxes, 0.2, [0.75, 1.33], [0.05, 1])).toBe('crop');
    const [r64] = await run1(() => tf.image.sampleDistortedBoundingBox(tf.constant([50, 70, 3], tf.int64), tf.constant([boxes]), 1, 2));
    expect(r64!.dtype).toBe('int64');
  });

  it("V2 (TF2's signature): a non-zero seed is combined with the graph seed as get_seed does", async () => {
    const boxes = [[0.1, 0.2, 0.7, 0.8]];
    const [[v2b, v2s], [v1b, v1s]] = await Promise.all([
      run1(() => {
        tf.setRandomSeed(3);
        return tf.image.sampleDistortedBoundingBoxV2([80, 60, 3], tf.constant([boxes]), 5, { minObjectCovered: 0.3 }).slice(0, 2);
      }),
      run1(() => tf.image.sampleDistortedBoundingBox([80, 60, 3], tf.constant([boxes]), 3, 5, 0.3).slice(0, 2)),
    ]);
    expect(Array.from(v2b!.data)).toEqual(Array.from(v1b!.data));
    expect(Array.from(v2s!.data)).toEqual(Array.from(v1s!.data));
  });

  it("bad inputs fail the run with the kernel's texts", async () => {
    const size = (): Tensor => tf.constant([10, 10, 3], tf.int32);
    const sdbb = (...a: unknown[]): Tensor[] => (tf.image.sampleDistortedBoundingBox as (...x: unknown[]) => Tensor[])(...a);
    expect((await runError(() => sdbb(size(), tf.zeros([1, 0, 4]), 1, 1))).message).toContain('No bounding boxes provided as input. One must enable use_image_if_no_bounding_boxes if you wish to not provide any bounding boxes.');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1.5, 1]]]), 1, 1))).message).toContain('All bounding box coordinates must be in [0.0, 1.0]: 1.5');
    expect((await runError(() => sdbb(tf.constant([10, 10], tf.int32), tf.constant([[[0, 0, 1, 1]]]), 1, 1))).message).toContain('image_size must contain 3 elements[2]');
    expect((await runError(() => sdbb(tf.constant([[10, 10, 3]], tf.int32), tf.constant([[[0, 0, 1, 1]]]), 1, 1))).message).toContain('image_size must be 1-dimensional[1,3]');
    expect((await runError(() => sdbb(size(), tf.constant([[0, 0, 1, 1]]), 1, 1))).message).toContain('input boxes must be 3-dimensional [batch, num_boxes, coords]: [1,4]');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1]]]), 1, 1))).message).toContain('bounding boxes must have shape [4] or [*, 4], got [1,1,3]');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), 1, 1, -0.5))).message).toContain('Min object covered must be non-negative: -0.5');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), { areaRange: [0.5, 1.5] }))).message).toContain('Area range must be less then or equal to 1.0: [0.5, 1.5]');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), { areaRange: [0, 1] }))).message).toContain('Area range must be non-negative: [0, 1]');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), { aspectRatioRange: [-1, 1] }))).message).toContain('Aspect ratio range must be non-negative: [-1, 1]');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), { maxAttempts: 0 }))).message).toContain('Max attempts must be non-negative: 0');
    expect((await runError(() => sdbb(size(), tf.constant([[[0, 0, 1, 1]]]), { areaRange: [0.5] }))).message).toContain('Area range field must specify 2 dimensions');
    expect(buildError(() => sdbb(tf.constant([10.5, 10, 3]), tf.constant([[[0, 0, 1, 1]]])))).toBeInstanceOf(TypeError);
  });
});

// ----- drawBoundingBoxes ------------------------------------------------------------------------

describe('drawBoundingBoxes', () => {
  it("outlines each box one pixel wide in TF's colour table order; inverted boxes are skipped, clipped ones lose their outside edges", async () => {
    const H = 5, W = 6;
    const boxes = [[0.25, 0.2, 0.75, 0.8], [0.8, 0, 0.2, 1], [-0.5, 0.5, 0.5, 1.5]];
    const [out] = await run1(() => tf.image.drawBoundingBoxes(tf.zeros([1, H, W, 3]), tf.constant([boxes])));
    // box 0 (yellow): rows 1 and 3, columns 1 and 4 (0.25·4, 0.75·4, 0.2·5, 0.8·5 truncated);
    // box 1 (blue) is inverted; box 2 (red): rows −2..2, columns 2..7 — only its bottom row 2
    // (columns 2..5) and left column 2 (rows 0..2) are inside, drawn over box 0
    const want = Array.from({ length: H }, () => Array.from({ length: W }, () => [0, 0, 0]));
    const paint = (pts: [number, number][], c: number[]): void => pts.forEach(([y, x]) => { want[y]![x] = c; });
    const span = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    paint([...span(1, 4).flatMap((x) => [[1, x], [3, x]] as [number, number][]), ...span(1, 3).flatMap((y) => [[y, 1], [y, 4]] as [number, number][])], [1, 1, 0]);
    paint([...span(2, 5).map((x) => [2, x] as [number, number]), ...span(0, 2).map((y) => [y, 2] as [number, number])], [1, 0, 0]);
    expect(out!.toArray()).toEqual([want]);
  });

  it('grey images get white boxes; colors (DrawBoundingBoxesV2) replace the table; float16 kept', async () => {
    const [grey, coloured, half] = await run1(() => [
      tf.image.drawBoundingBoxes(tf.fill([1, 3, 3, 1], 0.5), tf.constant([[[0, 0, 1, 1]]])),
      tf.image.drawBoundingBoxes(tf.zeros([2, 2, 2, 3]), tf.constant([[[0, 0, 1, 1]], [[0, 0, 0, 0]]]), null, tf.constant([[0.125, 0.25, 0.375, 0.5]])),
      tf.image.drawBoundingBoxes(tf.zeros([1, 2, 2, 4], tf.float16), tf.constant([[[0, 0, 1, 1], [0, 0, 1, 1]]])),
    ]);
    expect(grey!.toArray()).toEqual([[[[1], [1], [1]], [[1], [0.5], [1]], [[1], [1], [1]]]]);
    const c = [0.125, 0.25, 0.375];
    // image 1's box is the single pixel (0, 0)
    expect(coloured!.toArray()).toEqual([[[c, c], [c, c]], [[c, [0, 0, 0]], [[0, 0, 0], [0, 0, 0]]]]);
    expect(half!.dtype).toBe('float16');
    // the second box (blue, RGBA) is drawn last
    expect(flat(half!.toArray())).toEqual(Array(4).fill([0, 0, 1, 1]).flat());
  });

  it("bad shapes: TF's texts, at graph construction where the shape function has them", async () => {
    expect(buildError(() => tf.image.drawBoundingBoxes(tf.zeros([3, 3]), tf.constant([[[0, 0, 1, 1]]]))).message).toContain('Shape must be at least rank 3 but is rank 2');
    expect((await runError(() => tf.image.drawBoundingBoxes(tf.zeros([3, 3, 3]), tf.constant([[[0, 0, 1, 1]]])))).message).toContain('The rank of the images should be 4');
    expect((await runError(() => tf.image.drawBoundingBoxes(tf.zeros([1, 3, 3, 3]), tf.constant([[0, 0, 1, 1]])))).message).toContain('The rank of the boxes tensor should be 3');
    expect((await runError(() => tf.image.drawBoundingBoxes(tf.zeros([2, 3, 3, 3]), tf.constant([[[0, 0, 1, 1]]])))).message).toContain('The batch sizes should be the same');
    expect((await runError(() => tf.image.drawBoundingBoxes(tf.zeros([1, 3, 3, 2]), tf.constant([[[0, 0, 1, 1]]])))).message).toContain('Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)');
    expect((await runError(() => tf.image.drawBoundingBoxes(tf.zeros([1, 3, 3, 3]), tf.constant([[[0, 0, 1, 1]]]), null, tf.constant([[1, 0]])))).message).toContain('colors must have equal or more channels than the image provided: [1,2]');
    expect(buildError(() => tf.image.drawBoundingBoxes(tf.zeros([1, 3, 3, 3], tf.int32), tf.constant([[[0, 0, 1, 1]]])))).toBeInstanceOf(TypeError);
  });
});

// ----- combinedNonMaxSuppression ----------------------------------------------------------------

// boxes [2, 5, 1, 4] shared by 3 classes, scores [2, 5, 3]
const NMS_BOXES = [[[[0, 0, 0.4, 0.4]], [[0.05, 0.05, 0.45, 0.45]], [[0.5, 0.5, 1.2, 1.1]], [[0.6, 0.55, 1.0, 1.0]], [[-0.1, 0.3, 0.2, 0.7]]],
  [[[0.1, 0.1, 0.3, 0.3]], [[0.3, 0.3, 0.1, 0.1]], [[0.0, 0.6, 0.4, 0.9]], [[0.5, 0.0, 0.9, 0.3]], [[0.2, 0.2, 0.25, 0.25]]]];
const NMS_SCORES = [[[0.9, 0.1, 0.3], [0.85, 0.6, 0.2], [0.4, 0.7, 0.05], [0.35, 0.65, 0.5], [0.2, 0.3, 0.95]],
  [[0.5, 0.4, 0.1], [0.45, 0.8, 0.2], [0.3, 0.1, 0.6], [0.05, 0.2, 0.7], [0.62, 0.3, 0.15]]];
// [nmsedBoxes, nmsedScores, nmsedClasses, validDetections] from the numpy re-derivation
const CNMS_1 = [[[[0.0, 0.3, 0.2, 0.7], [0.0, 0.0, 0.4, 0.4], [0.5, 0.5, 1.0, 1.0], [0.6, 0.55, 1.0, 1.0], [0.6, 0.55, 1.0, 1.0], [0.5, 0.5, 1.0, 1.0]], [[0.3, 0.3, 0.1, 0.1], [0.5, 0.0, 0.9, 0.3], [0.2, 0.2, 0.25, 0.25], [0.0, 0.6, 0.4, 0.9], [0.1, 0.1, 0.3, 0.3], [0.2, 0.2, 0.25, 0.25]]], [[0.95, 0.9, 0.7, 0.65, 0.5, 0.4], [0.8, 0.7, 0.62, 0.6, 0.5, 0.3]], [[2.0, 0.0, 1.0, 1.0, 2.0, 0.0], [1.0, 2.0, 0.0, 2.0, 0.0, 1.0]], [6, 6]];
const CNMS_1_PAD = [[[[-0.1, 0.3, 0.2, 0.7], [0.0, 0.0, 0.4, 0.4], [0.5, 0.5, 1.2, 1.1]], [[0.3, 0.3, 0.1, 0.1], [0.5, 0.0, 0.9, 0.3], [0.2, 0.2, 0.25, 0.25]]], [[0.95, 0.9, 0.7], [0.8, 0.7, 0.62]], [[2.0, 0.0, 1.0], [1.0, 2.0, 0.0]], [3, 3]];
const B2 = [[[[0.561, 0.75, 0.249, 0.513], [0.972, 0.976, 0.051, 0.149]], [[-0.038, 0.429, -0.064, 0.448], [0.679, 0.234, 0.712, 0.609]], [[-0.071, 0.571, 0.211, 0.398], [0.24, 0.732, 0.429, 0.088]], [[0.554, 0.836, 0.268, 0.166], [0.366, 1.024, 1.071, 0.707]]]];
const S2 = [[[0.903, 0.846], [0.378, 0.092], [0.653, 0.558], [0.362, 0.225]]];
const CNMS_2 = [[[[0.561, 0.75, 0.249, 0.513], [0.972, 0.976, 0.051, 0.149], [0.0, 0.571, 0.211, 0.398], [0.24, 0.732, 0.429, 0.088], [0.0, 0.429, 0.0, 0.448]]], [[0.903, 0.846, 0.653, 0.558, 0.378]], [[0.0, 1.0, 0.0, 1.0, 0.0]], [5]];


async function nms(...a: unknown[]): Promise<number[][]> {
  const out = await run1(() => (tf.image.combinedNonMaxSuppression as (...x: unknown[]) => Tensor[])(...a.map((v) => (Array.isArray(v) ? tf.constant(v as number[], tf.float32) : v))));
  expect(out.map((t) => t.dtype)).toEqual(['float32', 'float32', 'float32', 'int32']);
  return out.map((t) => Array.from(t.data as Float32Array, Number));
}

describe('combinedNonMaxSuppression', () => {
  it('per class greedy NMS above the score threshold, merged by score, boxes clipped to [0, 1]', async () => {
    const got = await nms(NMS_BOXES, NMS_SCORES, 2, 6, 0.5, 0.25);
    CNMS_1.forEach((w, i) => expect(got[i]!.length).toBe(flat(w).length));
    CNMS_1.forEach((w, i) => got[i]!.forEach((v, j) => expect(v).toBeCloseTo(flat(w)[j]!, 6)));
  });

  it('zero padding past the detections; padPerClass sizes the output to min(total, perClass · classes)', async () => {
    const got = await nms(NMS_BOXES, NMS_SCORES, 2, 8, 0.5, 0.25);
    const pad = (rows: unknown, n: number, w: number): number[] => (rows as number[][][]).flatMap((b) => [...flat(b), ...Array(n * w).fill(0)]);
    const want = [pad(CNMS_1[0], 2, 4), pad(CNMS_1[1], 2, 1), pad(CNMS_1[2], 2, 1), [6, 6]];
    want.forEach((w, i) => got[i]!.forEach((v, j) => expect(v).toBeCloseTo(w[j]!, 6)));
    const g = new tf.Graph();
    const outs = g.asDefault(() => tf.image.combinedNonMaxSuppression(tf.constant(NMS_BOXES), tf.constant(NMS_SCORES), 1, 10, { padPerClass: true, clipBoxes: false }));
    expect(outs.map((t) => t.shape)).toEqual([[2, 3, 4], [2, 3], [2, 3], [2]]);
    const padded = await nms(NMS_BOXES, NMS_SCORES, 1, 10, { padPerClass: true, clipBoxes: false });
    CNMS_1_PAD.forEach((w, i) => padded[i]!.forEach((v, j) => expect(v).toBeCloseTo(flat(w)[j]!, 6)));
  });

  it('a box per class (q = classes); the IoU threshold from its argument', async () => {
    const got = await nms(B2, S2, 3, 5, 0.3);
    CNMS_2.forEach((w, i) => got[i]!.forEach((v, j) => expect(v).toBeCloseTo(flat(w)[j]!, 6)));
  });

  it("bad shapes and values: TF's texts", async () => {
    expect(buildError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 4]), tf.zeros([1, 5, 3]), 2, 4)).message).toContain('Shape must be rank 4 but is rank 3');
    expect(buildError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 2, 4]), tf.zeros([1, 5, 3]), 2, 4)).message).toContain('third dimension of boxes must be either 1 or equal to the third dimension of scores');
    expect(buildError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 1, 3]), tf.zeros([1, 5, 3]), 2, 4)).message).toContain('Dimension must be 4 but is 3');
    expect(buildError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 1, 4]), tf.zeros([1, 6, 3]), 2, 4)).message).toContain('Dimensions must be equal, but are 5 and 6');
    expect((await runError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 1, 4]), tf.zeros([1, 5, 3]), 2, 0))).message).toContain('max_total_size must be > 0');
    expect((await runError(() => tf.image.combinedNonMaxSuppression(tf.zeros([1, 5, 1, 4]), tf.zeros([1, 5, 3]), 2, 3, 1.5))).message).toContain('iou_threshold must be in [0, 1]');
  });
});

// ----- extractGlimpse ---------------------------------------------------------------------------

const ramp = (n: number, base = 0): Tensor => tf.add(tf.reshape(tf.range(0, 20 * n, 1, tf.float32), [n, 4, 5, 1]), tf.constant(base));
const glimpse = (...a: unknown[]): Tensor => (tf.image.extractGlimpse as (...x: unknown[]) => Tensor)(...a);

describe('extractGlimpse', () => {
  it('windows around pixel, normalized and centred offsets ((y, x); the corner truncated toward zero)', async () => {
    const [px, norm, cen, batch] = await run1(() => [
      glimpse(ramp(1), [2, 3], tf.constant([[1, 2]]), false, false),
      glimpse(ramp(1), [2, 2], tf.constant([[0.5, 0.2]]), false, true),
      glimpse(ramp(1), [2, 2], tf.constant([[0, 0]])),
      glimpse(tf.concat([ramp(1), ramp(1, 100)], 0), [2, 2], tf.constant([[0, 0], [0.5, -0.5]])),
    ]);
    // image value = 5y + x; pixel offsets: corner (1 − 1, 2 − 1.5) → (0, 0)
    expect(px!.toArray()).toEqual([[[[0], [1], [2]], [[5], [6], [7]]]]);
    // normalized: (0.5·4 − 1, 0.2·5 − 1) = (1, 0)
    expect(norm!.toArray()).toEqual([[[[5], [6]], [[10], [11]]]]);
    // centred: (0/2 + 2 − 1, 0/2 + 2.5 − 1) = (1, 1.5) → (1, 1)
    expect(cen!.toArray()).toEqual([[[[6], [7]], [[11], [12]]]]);
    // second image: (0.5·4/2 + 2 − 1, −0.5·5/2 + 2.5 − 1) = (2, 0.25) → (2, 0)
    expect(batch!.shape).toEqual([2, 2, 2, 1]);
    expect(batch!.toArray()).toEqual([[[[6], [7]], [[11], [12]]], [[[110], [111]], [[115], [116]]]]);
  });

  it("a window over the edge: the image where it overlaps, noise ('zero', 'uniform', 'gaussian') elsewhere", async () => {
    // pixel offset (0, 4), size 3 × 3: corner (−1.5 → −1, 2.5 → 2); rows 1-2 take image rows 0-1
    const off = (): Tensor => tf.constant([[0, 4]]);
    const [zero, uni, gauss] = await run1(() => [
      glimpse(ramp(1), [3, 3], off(), false, false, false, { noise: 'zero' }),
      glimpse(ramp(1), [3, 3], off(), false, false),
      glimpse(ramp(1), [3, 3], off(), false, false, false, { noise: '' }),
    ]);
    expect(zero!.toArray()).toEqual([[[[0], [0], [0]], [[2], [3], [4]], [[7], [8], [9]]]]);
    for (const t of [uni!, gauss!]) {
      const v = Array.from(t.data as Float32Array);
      expect(v.slice(3)).toEqual([2, 3, 4, 7, 8, 9]);
      for (const n of v.slice(0, 3)) expect(n >= 0 && n <= 19, `noise ${n} within the image's range`).toBe(true);
    }
  });

  it("bad shapes and attrs: TF's texts; no gradient (TF registers none)", async () => {
    expect(buildError(() => glimpse(tf.zeros([4, 5, 1]), [2, 2], tf.constant([[0, 0]]))).message).toContain('Shape must be rank 4 but is rank 3');
    expect(buildError(() => glimpse(ramp(1), [2, 2], tf.constant([[0, 0, 0]]))).message).toContain('Dimension must be 2 but is 3');
    expect(buildError(() => glimpse(ramp(1), [2, 2], tf.constant([[0, 0]]), true, true, true, { noise: 'gaussian' })).message).toContain('The uniform_noise and noise should not be specified at the same time');
    expect((await runError(() => glimpse(ramp(1), [2, 2], tf.constant([[0, 0]]), { uniformNoise: false, noise: 'salt' }))).message).toContain('The noise could only be uniform, gaussian, or zero, gotsalt');
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [1, 4, 5, 1]);
      expect(tf.gradients(tf.reduceSum(glimpse(x, [2, 2], tf.constant([[0, 0]]))), [x])).toEqual([null]);
      expect(tf.gradients(tf.reduceSum(tf.image.drawBoundingBoxes(x, tf.constant([[[0, 0, 1, 1]]]))), [x])).toEqual([null]);
      const [nb] = tf.image.combinedNonMaxSuppression(tf.reshape(x, [1, 5, 1, 4]), tf.zeros([1, 5, 2]), 2, 3);
      expect(tf.gradients(tf.reduceSum(nb!), [x])).toEqual([null]);
    });
  });
});

// ----- extractPatches / adjustJpegQuality --------------------------------------------------------

describe('extractPatches (v2 name) and extractImagePatches (v1 name)', () => {
  it('2 × 2 patches at stride 2 of a 4 × 4 ramp', async () => {
    const [a, b] = await run1(() => {
      const img = tf.reshape(tf.range(1, 17, 1, tf.float32), [1, 4, 4, 1]);
      return [tf.image.extractPatches(img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], 'VALID'), tf.image.extractImagePatches(img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], 'VALID')];
    });
    const want = [[[[1, 2, 5, 6], [3, 4, 7, 8]], [[9, 10, 13, 14], [11, 12, 15, 16]]]];
    expect(a!.toArray()).toEqual(want);
    expect(b!.toArray()).toEqual(want);
  });
});

describe('adjustJpegQuality', () => {
  it('is convertImageDtype → encodeJpeg(quality) → decodeJpeg → convertImageDtype back, in the dtype given', async () => {
    const x = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, xx) => [(y * 8 + xx) / 64, 0.5, 1 - (y * 8 + xx) / 80]));
    const smooth = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, xx) => [0.3 + xx / 200, 0.5, 0.7 - y / 200]));
    const [adj, manual, u8, hi, lo] = await run1(() => {
      const t = tf.constant(x, tf.float32);
      const manual = tf.image.convertImageDtype(tf.image.decodeJpeg(tf.image.encodeJpeg(tf.image.convertImageDtype(t, 'uint8'), { quality: 30 })), 'float32');
      return [tf.image.adjustJpegQuality(t, 30), manual, tf.image.adjustJpegQuality(tf.image.convertImageDtype(t, 'uint8'), 30), tf.image.adjustJpegQuality(tf.constant(smooth), 100), tf.image.adjustJpegQuality(tf.constant(smooth), 5)];
    });
    expect(adj!.dtype).toBe('float32');
    expect(Array.from(adj!.data)).toEqual(Array.from(manual!.data));
    expect(u8!.dtype).toBe('uint8');
    // uint8 → float32 is a float32 product with 1/255, as TF's convert_image_dtype
    expect(Array.from(u8!.data, (v) => Math.fround(Number(v) * Math.fround(1 / 255)))).toEqual(Array.from(adj!.data));
    // quality 100 on a smooth image: within a few levels of the input, and closer than quality 5
    const err = (t: NDArray): number[] => flat(smooth).map((v, i) => Math.abs(Number(t.data[i]) - v));
    err(hi!).forEach((e) => expect(e).toBeLessThan(4 / 255));
    expect(err(hi!).reduce((a, b) => a + b)).toBeLessThan(err(lo!).reduce((a, b) => a + b));
  });

  it('wants a Python int quality and a 3-D image', () => {
    expect(buildError(() => tf.image.adjustJpegQuality(tf.zeros([4, 4, 3]), 0.5))).toBeInstanceOf(TypeError);
    expect(buildError(() => tf.image.adjustJpegQuality(tf.zeros([1, 4, 4, 3]), 50)).message).toContain('Shape must be rank 3 but is rank 4');
  });
});
