/**
 * tf.nn.ctcLoss / ctcGreedyDecoder / ctcBeamSearchDecoder against TF 1.15's own test values
 * (ctc_loss_op_test.py testBasic: Graves' two-sequence case with its losses and gradients;
 * ctc_decoder_ops_test.py: greedy and beam-search outputs) on every device, against a
 * brute-force sum over all alignments for the merge/collapse options, TF's errors, finite-
 * difference gradients (float64 plain-JS, float32 wasm and WebGPU), GraphDef round trips, and a
 * small LSTM + CTC training loop whose greedy decode recovers the labels.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

/** TF's SimpleSparseTensorFrom: labels [batch][time] as a SparseTensor of int32. */
function sparseFrom(x: number[][]): tf.SparseTensor {
  const ix: number[][] = [];
  const vals: number[] = [];
  x.forEach((row, b) => row.forEach((v, t) => { ix.push([b, t]); vals.push(v); }));
  const width = Math.max(...ix.map((r) => r[1]!)) + 1;
  return new tf.SparseTensor(tf.constant(ix, tf.int64), tf.constant(vals, tf.int32), tf.constant([x.length, width], tf.int64));
}

// ctc_loss_op_test.py testBasic (Alex Graves' implementation).
const P0 = [
  [0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
  [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
  [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
  [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
  [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
];
const G0 = [
  [-0.366234, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
  [0.111121, -0.411608, 0.278779, 0.0055756, 0.00569609, 0.010436],
  [0.0357786, 0.633813, -0.678582, 0.00249248, 0.00272882, 0.0037688],
  [0.0663296, -0.356151, 0.280111, 0.00283995, 0.0035545, 0.00331533],
  [-0.541765, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
];
const P1 = [
  [0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
  [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
  [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
  [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
  [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
];
const G1 = [
  [-0.69824, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
  [0.24082, -0.602467, 0.0557226, 0.0546814, 0.0557528, 0.19549],
  [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, -0.797544],
  [0.280884, -0.570478, 0.0326593, 0.0339046, 0.0326856, 0.190345],
  [-0.576714, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
];
/** [7, 2, 6]: log probabilities for t < 5, NaN padding after (ignored by sequence_length 5). */
const BASIC_INPUTS: number[] = [];
const BASIC_GRAD: number[] = [];
for (let t = 0; t < 7; t++) {
  for (const [p, gr] of [[P0, G0], [P1, G1]] as const) {
    for (let c = 0; c < 6; c++) {
      BASIC_INPUTS.push(t < 5 ? Math.log(Math.fround(p[t]![c]!)) : NaN);
      BASIC_GRAD.push(t < 5 ? gr[t]![c]! : 0);
    }
  }
}
const BASIC_LOSS = [3.34211, 5.42262];

function closeTo(got: ArrayLike<number>, want: readonly number[], atol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(Number(got[i]) - want[i]!) <= atol)) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]} (atol ${atol})`);
  }
}

for (const dev of devices) {
  describe(`ctc (${dev.name})`, () => {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`ctcLoss testBasic: TF's losses and gradients (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        if (dtype === 'float64' && !dev.caps.float64) skipTest(ctx, `${dev.name} has no float64`);
        const g = new tf.Graph();
        const { x, loss, grad } = g.asDefault(() => {
          const x = tf.placeholder(dtype, [7, 2, 6]);
          // the loss goes through a device op after the host-stage CTCLoss
          const loss = tf.multiply(tf.nn.ctcLoss(sparseFrom([[0, 1, 2, 1, 0], [0, 1, 1, 0]]), x, [5, 5]), 1);
          return { x, loss, grad: tf.gradients(loss, [x])[0]! };
        });
        expect(loss.shape).toEqual([2]);
        expect(grad.shape).toEqual([7, 2, 6]);
        const sess = new tf.Session({ graph: g, ...dev.options });
        const arr = dtype === 'float32' ? Float32Array.from(BASIC_INPUTS) : Float64Array.from(BASIC_INPUTS);
        const [l, gr] = (await sess.run([loss, grad], [[x, new tf.NDArray(arr, [7, 2, 6], dtype)]])) as NDArray[];
        expect(l!.dtype).toBe(dtype);
        closeTo(l!.data as ArrayLike<number>, BASIC_LOSS, 1e-5, 'loss');
        closeTo(gr!.data as ArrayLike<number>, BASIC_GRAD, 1e-6, 'gradient');
        await sess.close();
      });
    }

    it("ctcGreedyDecoder: TF's testCTCGreedyDecoder", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const p0 = [[1, 0, 0, 0], [0, 0, 0.4, 0.6], [0, 0, 0.4, 0.6], [0, 0.9, 0.1, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
      const p1 = [[0.1, 0.9, 0, 0], [0, 0.9, 0.1, 0], [0, 0, 0.1, 0.9], [0, 0.9, 0.1, 0.1], [0.9, 0.1, 0, 0], [0, 0, 0, 0]];
      const data: number[] = [];
      for (let t = 0; t < 6; t++) for (const p of [p0, p1]) for (const v of p[t]!) data.push(Math.log(Math.fround(v)));
      const g = new tf.Graph();
      const { dec, lp } = g.asDefault(() => {
        const x = tf.constant(new tf.NDArray(Float32Array.from(data), [6, 2, 4], 'float32'));
        const [[dec], lp] = tf.nn.ctcGreedyDecoder(x, [4, 5]);
        return { dec: dec!, lp: tf.add(lp, 0) };
      });
      expect(dec.indices.shape).toEqual([null, 2]);
      expect(dec.values.shape).toEqual([null]);
      expect(dec.denseShape.shape).toEqual([2]);
      expect(lp.shape).toEqual([2, 1]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [ix, vals, shape, logp] = (await sess.run([dec.indices, dec.values, dec.denseShape, lp])) as NDArray[];
      expect(ix!.dtype).toBe('int64');
      expect(Array.from(ix!.data as ArrayLike<number>, Number)).toEqual([0, 0, 0, 1, 1, 0, 1, 1, 1, 2]);
      expect(Array.from(vals!.data as ArrayLike<number>, Number)).toEqual([0, 1, 1, 1, 0]);
      expect(Array.from(shape!.data as ArrayLike<number>, Number)).toEqual([2, 3]);
      const want = [-[1, 0.6, 0.6, 0.9].reduce((s, v) => s + Math.log(v), 0), -5 * Math.log(0.9)];
      closeTo(logp!.data as ArrayLike<number>, want, 1e-5, 'log probability');
      await sess.close();
    });

    it("ctcBeamSearchDecoder: TF's testCTCDecoderBeamSearch (beam 2, top 2)", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const p = [
        [0.30999, 0.309938, 0.0679938, 0.0673362, 0.0708352, 0.173908],
        [0.215136, 0.439699, 0.0370931, 0.0393967, 0.0381581, 0.230517],
        [0.199959, 0.489485, 0.0233221, 0.0251417, 0.0233289, 0.238763],
        [0.279611, 0.452966, 0.0204795, 0.0209126, 0.0194803, 0.20655],
        [0.51286, 0.288951, 0.0243026, 0.0220788, 0.0219297, 0.129878],
      ];
      const data = [...p.flatMap((r) => r.map((v) => Math.fround(v) + 2)), ...new Array<number>(12).fill(0)];
      const g = new tf.Graph();
      const { decoded, lp, bad } = g.asDefault(() => {
        const x = tf.constant(new tf.NDArray(Float32Array.from(data), [7, 1, 6], 'float32'));
        const [decoded, lp] = tf.nn.ctcBeamSearchDecoder(x, [5], 2, 2);
        const [, bad] = tf.nn.ctcBeamSearchDecoder(x, [5], { beamWidth: 2, topPaths: 3 });
        return { decoded, lp, bad };
      });
      expect(decoded.length).toBe(2);
      expect(lp.shape).toEqual([1, 2]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run([...decoded.flatMap((d) => [d.indices, d.values, d.denseShape]), lp])) as NDArray[];
      const ints = (a: NDArray) => Array.from(a.data as ArrayLike<number>, Number);
      expect(ints(got[0]!)).toEqual([0, 0, 0, 1]);
      expect(ints(got[1]!)).toEqual([1, 0]);
      expect(ints(got[2]!)).toEqual([1, 2]);
      expect(ints(got[3]!)).toEqual([0, 0]);
      expect(ints(got[4]!)).toEqual([1]);
      expect(ints(got[5]!)).toEqual([1, 1]);
      closeTo(got[6]!.data as ArrayLike<number>, [-5.811451, -6.63339], 1e-5, 'log probabilities');
      await expect(sess.run(bad)).rejects.toThrow(/requested more paths than the beam width/);
      await expect(sess.run(bad)).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
      await sess.close();
    });
  });
}

// ----- an independent reference: the sum over every alignment ---------------------------------------
/** -log Σ over all length-T paths whose CTC collapse (with the options) gives `label`. */
function bruteLoss(logits: number[][], label: number[], merge: boolean, collapse: boolean): number {
  const T = logits.length;
  const C = logits[0]!.length;
  const blank = C - 1;
  const target = collapse ? label.filter((v, i) => i === 0 || v !== label[i - 1]) : label;
  const sm = logits.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  let total = 0;
  const path = new Array<number>(T).fill(0);
  const visit = (t: number, p: number): void => {
    if (t === T) {
      const out: number[] = [];
      path.forEach((c, i) => {
        if (c === blank) return;
        if (merge && i > 0 && path[i - 1] === c) return;
        out.push(c);
      });
      if (out.length === target.length && out.every((v, i) => v === target[i])) total += p;
      return;
    }
    for (let c = 0; c < C; c++) {
      path[t] = c;
      visit(t + 1, p * sm[t]![c]!);
    }
  };
  visit(0, 1);
  return -Math.log(total);
}

describe('ctcLoss against the sum over all alignments', () => {
  const r = tf.NDArray; void r;
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const T = 5;
  const C = 4;
  const logits = [0, 1].map(() => Array.from({ length: T }, () => Array.from({ length: C }, () => 2 * rand())));
  const labels = [[0, 0, 1], [2, 1, 1]];
  for (const [merge, collapse] of [[true, false], [false, false], [true, true], [false, true]] as const) {
    it(`ctcMergeRepeated=${merge}, preprocessCollapseRepeated=${collapse}`, async () => {
      const g = new tf.Graph();
      const loss = g.asDefault(() => {
        const data: number[] = [];
        for (let t = 0; t < T; t++) for (let b = 0; b < 2; b++) data.push(...logits[b]![t]!);
        const x = tf.constant(new tf.NDArray(Float64Array.from(data), [T, 2, C], 'float64'));
        return tf.nn.ctcLoss(sparseFrom(labels), x, [T, T], collapse, merge);
      });
      const sess = new tf.Session({ graph: g });
      const got = sess.runSync(loss) as NDArray;
      const want = labels.map((l, b) => bruteLoss(logits[b]!, l, merge, collapse));
      closeTo(got.data as ArrayLike<number>, want, 1e-9, 'loss');
      await sess.close();
    });
  }
});

// ----- finite differences ----------------------------------------------------------------------------
const LABELS: number[][] = [[0, 1, 1], [2, 0]];
const gradCases: GradCase[] = [
  { name: 'ctcLoss [5, 2, 4] time-major', ins: [{ shape: [5, 2, 4] }], f: (x) => tf.nn.ctcLoss(sparseFrom(LABELS), x, [5, 4]) },
  { name: 'ctcLoss [2, 5, 4] batch-major, collapse and no merge', ins: [{ shape: [2, 5, 4] }], f: (x) => tf.nn.ctcLoss(sparseFrom(LABELS), x, [4, 5], { timeMajor: false, preprocessCollapseRepeated: true, ctcMergeRepeated: false }) },
];
describeGradients('ctcLoss finite differences', gradCases, devices);

// ----- errors and TF's edge behaviour ----------------------------------------------------------------
describe("ctc: checks with TF's texts", () => {
  const run = (build: () => Tensor | Tensor[]) => {
    const g = new tf.Graph();
    const t = g.asDefault(build);
    return new tf.Session({ graph: g }).runSync(t);
  };
  const x3 = (T: number, B: number, C: number) => tf.zeros([T, B, C]);
  it('labels must be a SparseTensor; labels and sequence_length int32', () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.nn.ctcLoss(tf.constant([[0]]) as never, x3(2, 1, 3), [2])).toThrow('Expected labels (first argument) to be a SparseTensor');
      const l64 = new tf.SparseTensor(tf.constant([[0, 0]], tf.int64), tf.constant([0], tf.int64), tf.constant([1, 1], tf.int64));
      expect(() => tf.nn.ctcLoss(l64, x3(2, 1, 3), [2])).toThrow("Input 'labels_values' of 'CTCLoss' Op has type int64 that does not match expected type of int32.");
      expect(() => tf.nn.ctcLoss(sparseFrom([[0]]), tf.zeros([2, 3]), [2])).toThrow('Shape must be rank 3 but is rank 2');
      expect(() => tf.nn.ctcLoss(sparseFrom([[0]]), x3(2, 1, 3), [2, 2])).toThrow('Dimensions must be equal, but are 1 and 2');
      expect(() => tf.nn.ctcGreedyDecoder(tf.zeros([2, 3]), [2])).toThrow('Shape must be rank 3 but is rank 2');
      expect(() => tf.nn.ctcBeamSearchDecoder(x3(2, 1, 3), [2], 0)).toThrow("Attr 'beam_width' of 'CTCBeamSearchDecoder' Op passed 0 less than minimum 1.");
    });
  });
  it('Not enough time for target transition sequence; ignoreLongerOutputsThanInputs gives loss and gradient 0', () => {
    expect(() => run(() => tf.nn.ctcLoss(sparseFrom([[0, 1, 0]]), x3(2, 1, 3), [2]))).toThrow(
      'Not enough time for target transition sequence (required: 3, available: 2)0You can turn this error into a warning by using the flag ignore_longer_outputs_than_inputs',
    );
    const g = new tf.Graph();
    const [l, gr] = g.asDefault(() => {
      const x = tf.constant(new tf.NDArray(Float32Array.from({ length: 12 }, (_, i) => i / 7), [2, 2, 3], 'float32'));
      const loss = tf.nn.ctcLoss(sparseFrom([[0, 1, 0], [1]]), x, [2, 2], { ignoreLongerOutputsThanInputs: true });
      return [loss, tf.gradients(loss, [x])[0]!];
    });
    const [lv, gv] = new tf.Session({ graph: g }).runSync([l!, gr!]) as NDArray[];
    expect(lv!.data[0]).toBe(0);
    expect(lv!.data[1]).toBeGreaterThan(0);
    const gd = Array.from(gv!.data as ArrayLike<number>);
    for (let t = 0; t < 2; t++) for (let c = 0; c < 3; c++) expect(gd[t * 6 + c]).toBe(0);
    expect(gd.slice(3, 6).some((v) => v !== 0)).toBe(true);
  });
  it('run-time checks: sequence lengths, batch, labels', () => {
    const withFeeds = (label: () => tf.SparseTensor, T: number, B: number, seq: number[]) => () => {
      const labels = label();
      const sl = tf.placeholder('int32', [null]);
      const x = tf.placeholder('float32', null);
      const loss = tf.nn.ctcLoss(labels, x, sl);
      return { loss, sl, x, T, B, seq };
    };
    const go = (f: ReturnType<typeof withFeeds>) => {
      const g = new tf.Graph();
      const { loss, sl, x, T, B, seq } = g.asDefault(f);
      return new tf.Session({ graph: g }).runSync(loss, [[sl, new tf.NDArray(Int32Array.from(seq), [seq.length], 'int32')], [x, tf.NDArray.zeros([T, B, 3], 'float32')]]);
    };
    expect(() => go(withFeeds(() => sparseFrom([[0]]), 2, 1, [2, 2]))).toThrow('len(sequence_length) != batch_size.  len(sequence_length):  2 batch_size: 1');
    expect(() => go(withFeeds(() => sparseFrom([[0]]), 2, 1, [3]))).toThrow('sequence_length(0) <= 2');
    expect(() => go(withFeeds(() => sparseFrom([[0]]), 2, 0, []))).toThrow('batch_size must not be 0');
    expect(() => go(withFeeds(() => sparseFrom([[0]]), 2, 2, [2, 2]))).toThrow('Labels length is zero in batch 1');
    expect(() => go(withFeeds(() => sparseFrom([[2, 0]]), 2, 1, [2]))).toThrow('Saw a non-null label (index >= num_classes - 1) following a null label, batch: 0 num_classes: 3 labels: 2,0 labels seen so far: ');
    const unordered = () => new tf.SparseTensor(tf.constant([[0, 1], [0, 0]], tf.int64), tf.constant([0, 1], tf.int32), tf.constant([1, 2], tf.int64));
    expect(() => go(withFeeds(unordered, 3, 1, [3]))).toThrow('label SparseTensor is not valid: indices[1] = [0,0] is out of order');
    expect(() => go(withFeeds(() => sparseFrom([[0]]), 2, 1, [2]))).not.toThrow();
    expect(() => run(() => tf.nn.ctcGreedyDecoder(tf.zeros([2, 1, 3]), [3])[1])).toThrow('sequence_length(0) <= 2');
    expect(() => run(() => tf.nn.ctcGreedyDecoder(tf.zeros([2, 1, 3]), [3])[1])).toThrow(tf.errors.FailedPreconditionError);
    expect(() => run(() => tf.nn.ctcGreedyDecoder(tf.zeros([2, 1, 3]), [2, 2])[1])).toThrow('Dimensions must be equal, but are 1 and 2');
  });
  it('the second derivative is refused, as TF\'s prevent_gradient does', () => {
    new tf.Graph().asDefault(() => {
      const x = tf.placeholder('float32', [2, 2, 3]);
      const loss = tf.nn.ctcLoss(sparseFrom([[0, 1], [1, 0]]), x, [2, 2]);
      const [g1] = tf.gradients(loss, [x]);
      expect(() => tf.gradients(g1!, [x])).toThrow(/Gradient explicitly disabled/);
      expect(() => tf.gradients(g1!, [x])).toThrow(tf.errors.LookupError);
    });
  });
});

describe('ctc in GraphDefs', () => {
  it("export writes TF's op types and attrs; import runs the same", () => {
    const g = new tf.Graph();
    const x0 = Float32Array.from({ length: 4 * 2 * 4 }, (_, i) => Math.sin(i));
    const names = g.asDefault(() => {
      const x = tf.constant(new tf.NDArray(x0, [4, 2, 4], 'float32'), { name: 'x' });
      const loss = tf.identity(tf.nn.ctcLoss(sparseFrom(LABELS), x, [4, 3], { ctcMergeRepeated: false }), 'loss');
      const [[d], lp] = tf.nn.ctcBeamSearchDecoder(x, [4, 3], 3, 2);
      tf.identity(lp, 'lp');
      tf.identity(d!.values, 'vals');
      const [[gd]] = tf.nn.ctcGreedyDecoder(x, [4, 3]);
      tf.identity(gd!.values, 'gvals');
      return ['loss:0', 'lp:0', 'vals:0', 'gvals:0'];
    });
    const gd = g.asGraphDef();
    const node = (op: string) => gd.node.find((n) => n.op === op)!;
    expect(node('CTCLoss').attr!.ctc_merge_repeated!.b).toBe(false);
    expect(node('CTCLoss').attr!.preprocess_collapse_repeated!.b).toBe(false);
    expect(node('CTCLoss').attr!.ignore_longer_outputs_than_inputs!.b).toBe(false);
    expect(node('CTCBeamSearchDecoder').attr!.beam_width!.i).toBe(3);
    expect(node('CTCBeamSearchDecoder').attr!.top_paths!.i).toBe(2);
    expect(node('CTCGreedyDecoder').attr!.merge_repeated!.b).toBe(true);
    const before = new tf.Session({ graph: g }).runSync(names.map((n) => g.getTensorByName(n))) as NDArray[];
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const after = new tf.Session({ graph: g2 }).runSync(names.map((n) => g2.getTensorByName(n))) as NDArray[];
    before.forEach((b, i) => expect(Array.from(after[i]!.data as ArrayLike<number>, Number)).toEqual(Array.from(b.data as ArrayLike<number>, Number)));
  });
});

describe('a tiny OCR-like model: LSTM + ctcLoss', () => {
  it('training lowers the loss and greedy decoding recovers the labels', async () => {
    // Each label c draws two frames near one-hot(c) (3 features), glyphs separated by a blank
    // frame; 12 frames, 2–3 labels per sequence, repeats included (a blank frame parts them).
    const T = 12;
    const B = 6;
    const F = 3;
    const LAB: number[][] = [[0, 1], [2, 2, 0], [1, 0, 2], [2, 1], [0, 0], [1, 2, 1]];
    let seed = 11;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const feats = new Float32Array(B * T * F);
    const lens: number[] = [];
    LAB.forEach((l, b) => {
      let t = 1;
      for (const c of l) {
        for (let k = 0; k < 2; k++, t++) for (let f = 0; f < F; f++) feats[(b * T + t) * F + f] = (f === c ? 1 : 0) + 0.1 * (rand() - 0.5);
        t++;
      }
      lens.push(T);
    });
    const g = new tf.Graph();
    g.seed = 3;
    const { loss, train, decoded } = g.asDefault(() => {
      const x = tf.constant(new tf.NDArray(feats, [B, T, F], 'float32'));
      const cell = new tf.nn.rnnCell.BasicLSTMCell(16);
      const [h] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32' }) as [Tensor, unknown];
      const logits = tf.layers.dense(h, F + 1); // [B, T, classes]
      const loss = tf.reduceMean(tf.nn.ctcLoss(sparseFrom(LAB), logits, lens, { timeMajor: false }));
      const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
      const [[decoded]] = tf.nn.ctcGreedyDecoder(tf.transpose(logits, [1, 0, 2]), lens);
      return { loss, train, decoded: decoded! };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const first = Number(((await sess.run(loss)) as NDArray).data[0]);
    let last = first;
    for (let i = 0; i < 150; i++) last = Number(((await sess.run([loss, train]))[0] as NDArray).data[0]);
    expect(last).toBeLessThan(first / 5);
    const [ix, vals] = (await sess.run([decoded.indices, decoded.values])) as NDArray[];
    const got: number[][] = Array.from({ length: B }, () => []);
    const ixs = Array.from(ix!.data as ArrayLike<number>, Number);
    Array.from(vals!.data as ArrayLike<number>, Number).forEach((v, k) => got[ixs[2 * k]!]!.push(v));
    expect(got).toEqual(LAB);
    await sess.close();
  }, 120_000);
});

describe('ctcLossV2 (dense and sparse labels, blankIndex)', () => {
  // logits [T=5, B=2, C=4] with blank 0; labels over classes 1..3
  let seed = 5;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const T = 5;
  const C = 4;
  const logits = [0, 1].map(() => Array.from({ length: T }, () => Array.from({ length: C }, () => 2 * rand())));
  const dense = [[1, 3, 3], [2, 1, 0]];
  const lengths = [3, 2];
  // the reference sums alignments with the blank last: rotate class 0 to the end, labels down by one
  const want = [0, 1].map((b) => bruteLoss(logits[b]!.map((r) => [...r.slice(1), r[0]!]), dense[b]!.slice(0, lengths[b]).map((v) => v - 1), true, false));
  const flat = (): Float64Array => {
    const d: number[] = [];
    for (let t = 0; t < T; t++) for (let b = 0; b < 2; b++) d.push(...logits[b]![t]!);
    return Float64Array.from(d);
  };
  it('dense labels with labelLength, blank 0 by default, against the sum over all alignments', async () => {
    const g = new tf.Graph();
    const loss = g.asDefault(() => {
      const x = tf.constant(new tf.NDArray(flat(), [T, 2, C], 'float64'));
      const lab = tf.constant(dense, tf.int32);
      return [tf.nn.ctcLossV2(lab, x, lengths, [T, T]), tf.nn.ctcLossV2(lab, x, lengths, [T, T], { unique: tf.nn.ctcUniqueLabels(lab) })];
    });
    const got = (await new tf.Session({ graph: g }).run(loss)) as NDArray[];
    closeTo(got[0]!.data as ArrayLike<number>, want, 1e-9, 'loss');
    closeTo(got[1]!.data as ArrayLike<number>, want, 1e-9, 'loss with unique');
  });
  it('SparseTensor labels need blankIndex; blankIndex -4 is class 0; batch-major logits', async () => {
    const g = new tf.Graph();
    const loss = g.asDefault(() => {
      const x = tf.transpose(tf.constant(new tf.NDArray(flat(), [T, 2, C], 'float64')), [1, 0, 2]);
      const sp = sparseFrom(dense.map((r, b) => r.slice(0, lengths[b])));
      expect(() => tf.nn.ctcLossV2(sp, x, null, [T, T], false)).toThrow('blank_index must be given when using SparseTensor labels.');
      return tf.nn.ctcLossV2(sp, x, null, [T, T], { logitsTimeMajor: false, blankIndex: -4 });
    });
    const got = (await new tf.Session({ graph: g }).run(loss)) as NDArray;
    closeTo(got.data as ArrayLike<number>, want, 1e-9, 'loss');
  });
});
describeGradients('ctcLossV2 finite differences', [
  { name: 'ctcLossV2 dense labels, blank 0', ins: [{ shape: [5, 2, 4] }], f: (x) => tf.nn.ctcLossV2(tf.constant([[1, 2, 2], [3, 1, 0]], tf.int32), x, [3, 2], [5, 4]) },
], devices);

describe('ctcBeamSearchDecoderV2', () => {
  it('is ctcBeamSearchDecoder with mergeRepeated false', async () => {
    const g = new tf.Graph();
    const data = Float32Array.from({ length: 6 * 2 * 4 }, (_, i) => Math.cos(1.7 * i));
    const { v2, v1, op } = g.asDefault(() => {
      const x = tf.constant(new tf.NDArray(data, [6, 2, 4], 'float32'));
      const v2 = tf.nn.ctcBeamSearchDecoderV2(x, [6, 5], 4, 2);
      const v1 = tf.nn.ctcBeamSearchDecoder(x, [6, 5], { beamWidth: 4, topPaths: 2, mergeRepeated: false });
      return { v2, v1, op: v2[1].op };
    });
    expect(op.attrs.mergeRepeated).toBe(false);
    const flat = (r: [tf.SparseTensor[], Tensor]) => [...r[0].flatMap((s) => [s.indices, s.values, s.denseShape]), r[1]];
    const sess = new tf.Session({ graph: g });
    const a = (await sess.run(flat(v2))) as NDArray[];
    const b = (await sess.run(flat(v1))) as NDArray[];
    a.forEach((x, i) => expect(Array.from(x.data as ArrayLike<number>, Number)).toEqual(Array.from(b[i]!.data as ArrayLike<number>, Number)));
  });
});

describe('ctcUniqueLabels', () => {
  it("TF's docstring example and repeats apart", async () => {
    const g = new tf.Graph();
    const [y, idx] = g.asDefault(() => tf.nn.ctcUniqueLabels(tf.constant([[3, 4, 4, 3], [1, 1, 1, 0], [2, 5, 7, 5]], tf.int32)));
    expect(y.dtype).toBe('int64');
    expect(idx.dtype).toBe('int32');
    const [yv, iv] = (await new tf.Session({ graph: g }).run([y, idx])) as NDArray[];
    expect(yv!.shape).toEqual([3, 4]);
    expect(Array.from(yv!.data as ArrayLike<number>, Number)).toEqual([3, 4, 0, 0, 1, 0, 0, 0, 2, 5, 7, 0]);
    expect(Array.from(iv!.data as ArrayLike<number>, Number)).toEqual([0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 2, 1]);
  });
});
