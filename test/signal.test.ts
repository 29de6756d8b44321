/**
 * tf.signal (and tf.contrib.signal, tf.spectral.dct): frame, overlap_and_add, Hann/Hamming
 * windows, stft / inverse_stft, linear_to_mel_weight_matrix, dct/idct I–IV, MFCCs — against
 * float64 references written here from the textbook definitions (direct DFT and DCT sums, the
 * HTK mel formula), on every device; TF's error texts; finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const SIG = Array.from({ length: 37 }, (_, i) => Math.fround(Math.sin(i * 0.7) + 0.05 * i - 0.3 * Math.cos(i * 2.1)));

function close(got: NDArray, want: number[], tol: number, what: string): void {
  expect(got.size, what).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(Number(got.data[i]) - w), `${what}[${i}]: ${got.data[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
}

// ----- float64 references ----------------------------------------------------------------------
const refFrames = (x: number[], fl: number, step: number, padEnd: boolean): number[][] => {
  const n = padEnd ? Math.ceil(x.length / step) : Math.max(0, 1 + Math.floor((x.length - fl) / step));
  return Array.from({ length: n }, (_, f) => Array.from({ length: fl }, (_, j) => x[f * step + j] ?? 0));
};
const refWindow = (len: number, periodic: boolean, a: number, b: number): number[] => {
  if (len === 1) return [1];
  const n = len + (periodic && len % 2 === 0 ? 1 : 0) - 1;
  return Array.from({ length: len }, (_, k) => a - b * Math.cos((2 * Math.PI * k) / n));
};
const refRfftMag = (frame: number[], n: number): number[] =>
  Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    frame.forEach((v, t) => {
      if (t < n) { re += v * Math.cos((-2 * Math.PI * k * t) / n); im += v * Math.sin((-2 * Math.PI * k * t) / n); }
    });
    return Math.hypot(re, im);
  });
// scipy.fftpack.dct's definitions.
function refDct(x: number[], type: number, ortho: boolean): number[] {
  const N = x.length;
  return Array.from({ length: N }, (_, k) => {
    let s = 0;
    if (type === 1) {
      s = x[0]! + (k % 2 === 0 ? 1 : -1) * x[N - 1]!;
      for (let n = 1; n < N - 1; n++) s += 2 * x[n]! * Math.cos((Math.PI * k * n) / (N - 1));
      return s;
    }
    if (type === 2) {
      for (let n = 0; n < N; n++) s += 2 * x[n]! * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * N));
      return ortho ? s * (k === 0 ? Math.sqrt(1 / (4 * N)) : Math.sqrt(1 / (2 * N))) : s;
    }
    if (type === 3) {
      const x0 = ortho ? x[0]! / Math.sqrt(N) : x[0]!;
      s = x0;
      for (let n = 1; n < N; n++) s += 2 * (ortho ? x[n]! / Math.sqrt(2 * N) : x[n]!) * Math.cos((Math.PI * (2 * k + 1) * n) / (2 * N));
      return s;
    }
    for (let n = 0; n < N; n++) s += 2 * x[n]! * Math.cos((Math.PI * (2 * k + 1) * (2 * n + 1)) / (4 * N));
    return ortho ? s * Math.sqrt(1 / (2 * N)) : s;
  });
}
function refMel(nmb: number, nsb: number, sr: number, lo: number, hi: number): number[] {
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const edges = Array.from({ length: nmb + 2 }, (_, i) => mel(lo) + ((mel(hi) - mel(lo)) * i) / (nmb + 1));
  const out: number[] = [];
  for (let b = 0; b < nsb; b++) {
    const m = mel(((sr / 2) * b) / (nsb - 1));
    for (let j = 0; j < nmb; j++) {
      out.push(b === 0 ? 0 : Math.max(0, Math.min((m - edges[j]!) / (edges[j + 1]! - edges[j]!), (edges[j + 2]! - m) / (edges[j + 2]! - edges[j + 1]!))));
    }
  }
  return out;
}

for (const dev of devices) {
  describe(`tf.signal (${dev.name})`, () => {
    it('frame, overlap_and_add, windows, stft and inverse_stft', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const dyn = g.asDefault(() => tf.placeholder(tf.float32, [2, null]));
      const o = g.asDefault(() => {
        const x = tf.constant(Float32Array.from(SIG));
        const x2 = tf.stack([x, tf.multiply(x, 2)]);
        return {
          fr: tf.signal.frame(x, 8, 3), frPad: tf.signal.frame(x, 8, 3, true, -1),
          frAxis: tf.signal.frame(tf.transpose(x2), 5, 5, { axis: 0 }),
          frDyn: tf.signal.frame(dyn, 6, 4), frDynPad: tf.signal.frame(dyn, 6, 4, { padEnd: true }),
          ola: tf.signal.overlapAndAdd(tf.reshape(tf.range(0, 15, 1, 'float32'), [3, 5]), 2),
          olaBatch: tf.signal.overlapAndAdd(tf.signal.frame(x2, 6, 6), 6),
          olaDyn: tf.signal.overlapAndAdd(tf.signal.frame(dyn, 6, 4), 4),
          hann: tf.signal.hannWindow(8), hannSym: tf.signal.hannWindow(8, false), hann7: tf.signal.hannWindow(7),
          hamm: tf.signal.hammingWindow(10), hamm1: tf.signal.hammingWindow(1), hammSym: tf.contrib.signal.hammingWindow(9, false),
          mag: tf.abs(tf.signal.stft(x, 12, 5)), magPad: tf.abs(tf.signal.stft(x2, 10, 4, 16, null, true)),
          inv: tf.signal.inverseStft(tf.signal.stft(x, 16, 4), 16, 4, null, tf.signal.inverseStftWindowFn(4)),
          invHamm: tf.signal.inverseStft(tf.signal.stft(x, 12, 3, 16, tf.signal.hammingWindow), 12, 3, 16, tf.signal.inverseStftWindowFn(3, tf.signal.hammingWindow)),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const x2 = [SIG, SIG.map((v) => 2 * v)];
      const r = (await sess.run(o, new Map([[dyn, new tf.NDArray(Float32Array.from(x2.flat()), [2, SIG.length], 'float32')]]))) as Record<string, NDArray>;
      expect(r.fr!.shape).toEqual([10, 8]);
      close(r.fr!, refFrames(SIG, 8, 3, false).flat(), 0, 'frame');
      expect(r.frPad!.shape).toEqual([13, 8]);
      close(r.frPad!, refFrames(SIG, 8, 3, true).flat().map((v, i) => (Math.floor(i / 8) * 3 + (i % 8) >= SIG.length ? -1 : v)), 0, 'frame pad_end');
      expect(r.frAxis!.shape).toEqual([7, 5, 2]);
      close(r.frAxis!, refFrames(SIG, 5, 5, false).flatMap((f) => f.flatMap((v) => [v, Math.fround(2 * v)])), 0, 'frame axis 0');
      expect(r.frDyn!.shape).toEqual([2, 8, 6]);
      close(r.frDyn!, x2.flatMap((s) => refFrames(s, 6, 4, false).flat()), 0, 'frame, length fed');
      expect(r.frDynPad!.shape).toEqual([2, 10, 6]);
      close(r.frDynPad!, x2.flatMap((s) => refFrames(s, 6, 4, true).flat()), 0, 'frame pad_end, length fed');
      close(r.ola!, [0, 1, 2 + 5, 3 + 6, 4 + 7 + 10, 8 + 11, 9 + 12, 13, 14], 0, 'ola');
      close(r.olaBatch!, x2.flatMap((s) => s.slice(0, 36)), 0, 'ola without overlap');
      // Frames of 6 every 4: each sample summed over the frames that hold it.
      const olaRef = x2.flatMap((s) => Array.from({ length: 4 * 7 + 6 }, (_, t) => refFrames(s, 6, 4, false).reduce((a, f, fi) => a + (t - fi * 4 >= 0 && t - fi * 4 < 6 ? f[t - fi * 4]! : 0), 0)));
      close(r.olaDyn!, olaRef, 1e-6, 'ola, length fed');
      close(r.hann!, refWindow(8, true, 0.5, 0.5), 1e-6, 'hann periodic');
      close(r.hannSym!, refWindow(8, false, 0.5, 0.5), 1e-6, 'hann symmetric');
      close(r.hann7!, refWindow(7, true, 0.5, 0.5), 1e-6, 'hann odd');
      close(r.hamm!, refWindow(10, true, 0.54, 0.46), 1e-6, 'hamming');
      close(r.hamm1!, [1], 0, 'hamming of one');
      close(r.hammSym!, refWindow(9, false, 0.54, 0.46), 1e-6, 'contrib hamming symmetric');
      const hw = refWindow(12, true, 0.5, 0.5);
      expect(r.mag!.shape).toEqual([6, 9]);
      close(r.mag!, refFrames(SIG, 12, 5, false).flatMap((f) => refRfftMag(f.map((v, i) => v * hw[i]!), 16)), 2e-5, 'stft magnitudes');
      expect(r.magPad!.shape).toEqual([2, 10, 9]);
      close(r.magPad!, x2.flatMap((s) => refFrames(s, 10, 4, true).flatMap((f) => refRfftMag(f, 16))), 2e-5, 'stft, no window, pad_end');
      // Griffin–Lim's window makes the inverse exact where frames fully overlap.
      expect(r.inv!.shape).toEqual([4 * 5 + 16]);
      for (let t = 12; t < 24; t++) expect(Math.abs(Number(r.inv!.data[t]) - SIG[t]!), `inverse_stft[${t}]`).toBeLessThan(2e-5);
      for (let t = 12; t < 3 * 8 + 3; t++) expect(Math.abs(Number(r.invHamm!.data[t]) - SIG[t]!), `inverse_stft hamming[${t}]`).toBeLessThan(2e-5);
      await sess.close();
    });

    it('mel matrix, dct/idct I–IV and MFCCs', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const X = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9];
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const x = tf.constant([X, X.map((v) => v * v)]);
        const out: Record<string, Tensor> = {
          mel: tf.signal.linearToMelWeightMatrix(8, 33, 16000, 80, 7600),
          melDefault: tf.signal.linearToMelWeightMatrix(),
          mfcc: tf.signal.mfccsFromLogMelSpectrograms(x),
          contribMfcc: tf.contrib.signal.mfccsFromLogMelSpectrograms(x),
          dctN: tf.signal.dct(x, 2, 4), dctPad: tf.spectral.dct(x, 2, 8, { norm: 'ortho' }),
        };
        for (const t of [1, 2, 3, 4]) {
          out[`dct${t}`] = tf.signal.dct(x, t);
          if (t !== 1) out[`dct${t}o`] = tf.signal.dct(x, t, { norm: 'ortho' });
          if (t !== 1) out[`round${t}`] = tf.signal.idct(tf.signal.dct(x, t, { norm: 'ortho' }), t, { norm: 'ortho' });
        }
        return out;
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(o)) as Record<string, NDArray>;
      expect(r.mel!.shape).toEqual([33, 8]);
      close(r.mel!, refMel(8, 33, 16000, 80, 7600), 2e-5, 'mel weights');
      expect(r.melDefault!.shape).toEqual([129, 20]);
      close(r.melDefault!, refMel(20, 129, 8000, 125, 3800), 2e-5, 'mel weights, defaults');
      const rows = [X, X.map((v) => v * v)];
      for (const t of [1, 2, 3, 4]) {
        close(r[`dct${t}`]!, rows.flatMap((row) => refDct(row, t, false)), 2e-5, `dct type ${t}`);
        if (t === 1) continue;
        close(r[`dct${t}o`]!, rows.flatMap((row) => refDct(row, t, true)), 2e-5, `dct type ${t} ortho`);
        close(r[`round${t}`]!, rows.flat(), 2e-5, `idct(dct) type ${t} ortho`);
      }
      close(r.dctN!, rows.flatMap((row) => refDct(row.slice(0, 4), 2, false)), 2e-5, 'dct n=4 truncates');
      close(r.dctPad!, rows.flatMap((row) => refDct([...row, 0, 0], 2, true)), 2e-5, 'dct n=8 zero-pads');
      const mf = rows.flatMap((row) => refDct(row, 2, false).map((v) => v / Math.sqrt(2 * 6)));
      close(r.mfcc!, mf, 2e-5, 'mfccs');
      close(r.contribMfcc!, mf, 2e-5, 'contrib mfccs');
      await sess.close();
    });
  });
}

describe('tf.signal errors', () => {
  it('gives TF\'s texts for bad arguments', () => {
    tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      expect(() => tf.signal.linearToMelWeightMatrix(0)).toThrow('num_mel_bins must be positive. Got: 0');
      expect(() => tf.signal.linearToMelWeightMatrix(20, 129, 8000, 125, 5000)).toThrow('upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / 2). Got: 5000 for sample_rate: 8000');
      expect(() => tf.signal.linearToMelWeightMatrix(20, 129, 8000, 3000, 2000)).toThrow('lower_edge_hertz 3000.0 >= upper_edge_hertz 2000.0');
      expect(() => tf.signal.linearToMelWeightMatrix(20, 129, 8000, -1)).toThrow('lower_edge_hertz must be non-negative. Got: -1');
      expect(() => tf.signal.hannWindow(4, true, tf.int32)).toThrow("dtype must be a floating point type. Found <dtype: 'int32'>");
      expect(() => tf.signal.dct(tf.constant([1, 2]), 5)).toThrow('Types I, II, III and IV (I)DCT are supported.');
      expect(() => tf.signal.dct(tf.constant([1, 2, 3]), 1, { norm: 'ortho' })).toThrow('Normalization is not supported for the Type-I DCT.');
      expect(() => tf.signal.dct(tf.constant([1]), 1)).toThrow('Type-I DCT requires the dimension to be greater than one.');
      expect(() => tf.signal.dct(tf.constant([1, 2]), 2, { norm: 'unit' as 'ortho' })).toThrow("Unknown normalization. Expected None or 'ortho', got: unit");
      expect(() => tf.signal.dct(tf.constant([1, 2]), 2, { axis: 0 })).toThrow('axis must be -1. Got: 0');
      expect(() => tf.signal.overlapAndAdd(tf.constant([1, 2, 3]), 1)).toThrow("Shape must be at least rank 2 but is rank 1 for 'overlap_and_add' (signal)");
      expect(() => tf.signal.overlapAndAdd(tf.constant([[1, 2]]), tf.constant(1.5))).toThrow('frame_step must be an integer. Got float32');
      const fed = tf.placeholder(tf.int32, []);
      expect(() => tf.signal.frame(tf.constant([1, 2, 3]), fed, 1)).toThrow('frame_length must be a Python-style integer or a constant scalar tensor');
      expect(() => tf.signal.frame(tf.constant([1, 2, 3]), 2, 0)).toThrow('frame_step must be positive');
    });
  });
});

const GRAD: GradCase[] = [
  { name: 'frame', ins: [{ shape: [2, 11] }], f: (x) => tf.signal.frame(x, 4, 3) },
  { name: 'frame pad_end', ins: [{ shape: [11] }], f: (x) => tf.signal.frame(x, 4, 3, true) },
  { name: 'overlap_and_add', ins: [{ shape: [2, 3, 5] }], f: (x) => tf.signal.overlapAndAdd(x, 2) },
];
const GRAD32: GradCase[] = [
  { name: 'stft magnitude', ins: [{ shape: [14] }], f: (x) => tf.abs(tf.signal.stft(x, 6, 4, 8)) },
  { name: 'inverse_stft of stft', ins: [{ shape: [14] }], f: (x) => tf.signal.inverseStft(tf.signal.stft(x, 6, 2), 6, 2) },
  { name: 'dct II ortho', ins: [{ shape: [2, 5] }], f: (x) => tf.signal.dct(x, 2, { norm: 'ortho' }) },
  { name: 'dct III', ins: [{ shape: [5] }], f: (x) => tf.signal.dct(x, 3) },
  { name: 'dct I and IV', ins: [{ shape: [5] }], f: (x) => [tf.signal.dct(x, 1), tf.signal.dct(x, 4)] },
  { name: 'mfccs', ins: [{ shape: [2, 6] }], f: (x) => tf.signal.mfccsFromLogMelSpectrograms(x) },
];
describeGradients('finite-difference gradients of tf.signal', (cfg) => [...GRAD, ...(cfg.dtype === 'float32' ? GRAD32 : [])], devices);
