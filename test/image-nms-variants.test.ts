/**
 * tf.image.nonMaxSuppressionPadded (NonMaxSuppressionV4), nonMaxSuppressionWithScores
 * (NonMaxSuppressionV5, Gaussian soft-NMS), nonMaxSuppressionOverlaps
 * (NonMaxSuppressionWithOverlaps) and randomJpegQuality.
 *
 * Goldens: TF 1.15's image_ops_test.py cases (three clusters; soft-NMS with sigma 0.5; the
 * overlaps "select one from three"), and for random boxes (some with flipped corners) a numpy
 * float32 re-derivation of non_max_suppression_op.cc's DoNonMaxSuppressionOp (its exp the
 * correctly rounded float32 exp, as glibc's expf).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

async function run(build: () => Tensor[], feed?: (g: tf.Graph) => Map<Tensor, unknown>): Promise<NDArray[]> {
  const g = new tf.Graph();
  const ts = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    return (await sess.run(ts, feed?.(g) as never)) as NDArray[];
  } finally {
    await sess.close();
  }
}
async function runError(build: () => Tensor[]): Promise<Error> {
  try {
    await run(build);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to fail');
}
const arr = (x: NDArray): number[] => Array.from(x.data as ArrayLike<number>, Number);

const CLUSTERS = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1], [0, 100, 1, 101]];
const CLUSTER_SCORES = [0.9, 0.75, 0.6, 0.95, 0.5, 0.3];

const R = [[0.8686574697494507, 1.1202737092971802, 0.5507978796958923, 0.7081478238105774], [0.2909047305583954, 0.5108276009559631, 0.5134501457214355, 0.6996107697486877], [0.8929469585418701, 0.8962931036949158, 1.1481354236602783, 1.3708465099334717], [0.6159834861755371, 0.5761963129043579, 0.12558531761169434, 0.20724287629127502], [0.051467202603816986, 0.44080984592437744, 0.512600839138031, 0.8791102170944214], [0.029876211658120155, 0.45683321356773376, 0.28107380867004395, 0.593720018863678], [1.010508418083191, 0.6016235947608948, 0.6491440534591675, 0.27848729491233826], [0.67625492811203, 0.5908628106117249, 0.9208808541297913, 0.7808846235275269], [0.023981882259249687, 0.5588541030883789, 0.2865898311138153, 0.8464301824569702], [0.46694669127464294, 0.6318182945251465, 0.2592524588108063, 0.41510120034217834], [0.2835250794887543, 0.6931379437446594, 0.5665996074676514, 1.1373515129089355], [0.4404537081718445, 0.15686774253845215, 0.7749548554420471, 0.37026289105415344]];
const RS = [0.27797749638557434, 0.4546220898628235, 0.20541034638881683, 0.2013787180185318, 0.5140350461006165, 0.08722937107086182, 0.48358553647994995, 0.36217620968818665, 0.7076866030693054, 0.7467462420463562, 0.6910929083824158, 0.6891804337501526];

describe('nonMaxSuppressionPadded', () => {
  it('three clusters: padded to maxOutputSize with zeros, and the valid count', async () => {
    const [idx, n, idx2, n2] = await run(() => [
      ...tf.image.nonMaxSuppressionPadded(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 5, 0.5, { padToMaxOutputSize: true }),
      ...tf.image.nonMaxSuppressionPadded(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 5, 0.5),
    ]);
    expect(arr(idx!)).toEqual([3, 0, 5, 0, 0]);
    expect(idx!.dtype).toBe('int32');
    expect(n!.shape).toEqual([]);
    expect(arr(n!)).toEqual([3]);
    expect(arr(idx2!)).toEqual([3, 0, 5]);
    expect(arr(n2!)).toEqual([3]);
  });

  it('random boxes with flipped corners and a score threshold (numpy float32 golden)', async () => {
    const [idx, n] = await run(() => tf.image.nonMaxSuppressionPadded(tf.constant(R), tf.constant(RS), 10, 0.3, 0.5, true));
    expect(arr(idx!)).toEqual([9, 8, 10, 11, 0, 0, 0, 0, 0, 0]);
    expect(arr(n!)).toEqual([4]);
  });

  it('has a static length when padding to a constant size', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const [idx] = tf.image.nonMaxSuppressionPadded(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 7, { padToMaxOutputSize: true });
      expect(idx.shape).toEqual([7]);
    });
  });
});

describe('nonMaxSuppressionWithScores', () => {
  it('soft-NMS on three clusters (TF: [3, 0, 1, 5, 4, 2], scores ≈ [0.95, 0.9, 0.384, 0.3, 0.256, 0.197])', async () => {
    const [idx, sc] = await run(() => tf.image.nonMaxSuppressionWithScores(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 6, 1.0, 0.0, 0.5));
    expect(arr(idx!)).toEqual([3, 0, 1, 5, 4, 2]);
    expect(sc!.dtype).toBe('float32');
    expect(arr(sc!)).toEqual([0.949999988079071, 0.8999999761581421, 0.38400354981422424, 0.30000001192092896, 0.25600260496139526, 0.19697244465351105]);
  });

  it('soft-NMS with a score threshold and hard NMS (sigma 0) on random boxes (numpy float32 golden)', async () => {
    const [si, ss, hi, hs] = await run(() => [
      ...tf.image.nonMaxSuppressionWithScores(tf.constant(R), tf.constant(RS), 8, 0.6, 0.05, { softNmsSigma: 0.3 }),
      ...tf.image.nonMaxSuppressionWithScores(tf.constant(R), tf.constant(RS), 8, 0.3, 0.2),
    ]);
    expect(arr(si!)).toEqual([9, 8, 10, 11, 6, 4, 7, 1]);
    expect(arr(ss!)).toEqual([0.7467462420463562, 0.7073526978492737, 0.6910865902900696, 0.6891804337501526, 0.4801526367664337, 0.3920612633228302, 0.36201411485671997, 0.3552960157394409]);
    expect(arr(hi!)).toEqual([9, 8, 10, 11, 6, 7, 0, 2]);
    expect(arr(hs!)).toEqual([0.7467462420463562, 0.7076866030693054, 0.6910929083824158, 0.6891804337501526, 0.48358553647994995, 0.36217620968818665, 0.27797749638557434, 0.20541034638881683]);
  });

  it("refuses a negative sigma and an iou_threshold outside [0, 1] with TF's texts", async () => {
    expect((await runError(() => tf.image.nonMaxSuppressionWithScores(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 6, 0.5, 0, -1))).message).toContain('soft_nms_sigma_val must be >= 0');
    expect((await runError(() => tf.image.nonMaxSuppressionWithScores(tf.constant(CLUSTERS), tf.constant(CLUSTER_SCORES), 6, 1.5))).message).toContain('iou_threshold must be in [0, 1]');
    expect((await runError(() => tf.image.nonMaxSuppressionWithScores(tf.constant(CLUSTERS), tf.constant([0.5, 0.2]), 6))).message).toContain('scores has incompatible shape');
  });
});

describe('nonMaxSuppressionOverlaps', () => {
  const O = [[1.0, 0.7, 0.2], [0.7, 1.0, 0.0], [0.2, 0.0, 1.0]];
  it('TF select-one-from-three, and without the score threshold', async () => {
    const [a, b] = await run(() => [
      tf.image.nonMaxSuppressionOverlaps(tf.constant(O), tf.constant([0.7, 0.9, 0.1]), 3, 0.6, 0.4),
      tf.image.nonMaxSuppressionOverlaps(tf.constant(O), tf.constant([0.7, 0.9, 0.1]), 3, { overlapThreshold: 0.6 }),
    ]);
    expect(arr(a!)).toEqual([1]);
    expect(arr(b!)).toEqual([1, 2]);
  });
  it('wants a square overlap matrix', async () => {
    expect((await runError(() => [tf.image.nonMaxSuppressionOverlaps(tf.constant([[1, 0, 0], [0, 1, 0]]), tf.constant([0.5, 0.2]), 3)])).message).toContain('overlaps must be square');
  });
});

describe('randomJpegQuality', () => {
  const img = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => [(x * 29 + y * 13) % 256, (x * 7 + y * 31) % 256, (x * y * 5) % 256]));
  it('is adjustJpegQuality at an int32 random_uniform quality in [min, max) with the same seed', async () => {
    const [out, q, ...each] = await run(() => {
      tf.setRandomSeed(5);
      const x = tf.constant(img, tf.uint8);
      const r = tf.image.randomJpegQuality(x, 20, 80, 7);
      tf.setRandomSeed(5);
      const q = tf.randomUniform([], 20, 80, tf.int32, 7);
      return [r, q, ...Array.from({ length: 60 }, (_, k) => tf.image.adjustJpegQuality(x, 20 + k))];
    });
    const qual = arr(q!)[0]!;
    expect(qual).toBeGreaterThanOrEqual(20);
    expect(qual).toBeLessThan(80);
    expect(out!.dtype).toBe('uint8');
    expect(arr(out!)).toEqual(arr(each[qual - 20]!));
  });
  it("refuses a bad range with TF's texts", () => {
    const x = new tf.Graph().asDefault(() => tf.zeros([4, 4, 3], tf.uint8));
    expect(() => x.graph.asDefault(() => tf.image.randomJpegQuality(x, 50, 50))).toThrow('`min_jpeg_quality` must be less than `max_jpeg_quality`.');
    expect(() => x.graph.asDefault(() => tf.image.randomJpegQuality(x, -1, 50))).toThrow('jpeg encoding range must be between 0 and 100.');
  });
});
