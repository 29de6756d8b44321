/**
 * tf.audio (DecodeWav / EncodeWav) and contrib audio_ops (AudioSpectrogram, Mfcc): WAV bytes as
 * TF's wav_io writes and reads them (hand-built files with extra chunks, channel and sample
 * padding, TF's error texts), spectrograms against a direct float64 DFT of periodic-Hann frames,
 * MFCCs against TF's own golden values (mfcc_test.cc), GraphDef round trip.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const audio = tf.contrib.framework.audioOps;

async function run<T>(build: () => T, feeds?: Map<tf.Tensor, unknown>): Promise<Record<string, NDArray>> {
  const g = new tf.Graph();
  const o = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    return (await sess.run(o as never, feeds as never)) as Record<string, NDArray>;
  } finally {
    await sess.close();
  }
}

/** A WAV file built field by field; `chunks` follow the format chunk. */
function wav(opts: { channels?: number; rate?: number; bits?: number; fmtSize?: number; pre?: [string, Uint8Array][]; chunks: [string, Uint8Array][] }): Uint8Array {
  const channels = opts.channels ?? 1;
  const rate = opts.rate ?? 16000;
  const bits = opts.bits ?? 16;
  const fmtSize = opts.fmtSize ?? 16;
  const parts: number[] = [];
  const str = (s: string) => [...s].forEach((c) => parts.push(c.charCodeAt(0)));
  const u32 = (v: number) => parts.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  const u16 = (v: number) => parts.push(v & 255, (v >>> 8) & 255);
  str('RIFF'); u32(0); str('WAVE');
  for (const [id, body] of opts.pre ?? []) { str(id); u32(body.length); parts.push(...body); }
  str('fmt '); u32(fmtSize); u16(1); u16(channels); u32(rate); u32(rate * channels * (bits / 8)); u16(channels * (bits / 8)); u16(bits);
  if (fmtSize === 18) u16(0);
  for (const [id, body] of opts.chunks) { str(id); u32(body.length); parts.push(...body); }
  return Uint8Array.from(parts);
}
const pcm = (v: number[]): Uint8Array => new Uint8Array(Int16Array.from(v).buffer);

describe('tf.audio.decodeWav / encodeWav', () => {
  it('reads what TF reads: skipped chunks, 18-byte format chunks, chunks after the data', async () => {
    const file = wav({ channels: 2, rate: 8000, fmtSize: 18, pre: [['JUNK', new Uint8Array(6)]], chunks: [['data', pcm([0, 16384, -32768, 32767, 100, -100])], ['LIST', new Uint8Array(4)]] });
    const r = await run(() => {
      const d = tf.audio.decodeWav(tf.constant(tf.NDArray.fromStrings([file], [])));
      const [a3] = tf.audio.decodeWav(file, 3);
      const a5 = tf.audio.decodeWav(file, { desiredSamples: 5, desiredChannels: 1 }).audio;
      const a2 = audio.decodeWav(file, -1, 2).audio;
      return { a: d.audio, rate: d.sampleRate, a3, a5, a2 };
    });
    expect(r.a!.shape).toEqual([3, 2]);
    expect(Array.from(r.a!.data as Float32Array)).toEqual([0, 0.5, -1, 32767 / 32768, 100 / 32768, -100 / 32768].map(Math.fround));
    expect(Number(r.rate!.data[0])).toBe(8000);
    // A third channel repeats the last one; missing samples are zeros; fewer samples truncate.
    expect(Array.from(r.a3!.data as Float32Array)).toEqual([0, 0.5, 0.5, -1, 32767 / 32768, 32767 / 32768, 100 / 32768, -100 / 32768, -100 / 32768].map(Math.fround));
    expect(r.a5!.shape).toEqual([5, 1]);
    expect(Array.from(r.a5!.data as Float32Array)).toEqual([0, -1, 100 / 32768, 0, 0].map(Math.fround));
    expect(r.a2!.shape).toEqual([2, 2]);
  });

  it('writes TF\'s bytes: x·2^15 rounded half away from zero, clamped', async () => {
    const samples = [[0], [0.5], [-1], [1], [2], [-0.25], [1.5 / 32768], [-1.5 / 32768]];
    const r = await run(() => ({ w: tf.audio.encodeWav(tf.constant(samples), 44100) }));
    const bytes = (r.w!.data as unknown as Uint8Array[])[0]!;
    expect(bytes.length).toBe(44 + 2 * samples.length);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(String.fromCharCode(...bytes.subarray(0, 4), ...bytes.subarray(8, 16))).toBe('RIFFWAVEfmt ');
    expect([dv.getUint32(4, true), dv.getUint16(22, true), dv.getUint32(24, true), dv.getUint32(28, true), dv.getUint16(32, true), dv.getUint16(34, true), dv.getUint32(40, true)])
      .toEqual([36 + 16, 1, 44100, 88200, 2, 16, 16]);
    expect(Array.from({ length: samples.length }, (_, i) => dv.getInt16(44 + 2 * i, true))).toEqual([0, 16384, -32768, 32767, 32767, -8192, 2, -2]);
    // And back.
    const back = await run(() => ({ a: tf.audio.decodeWav(bytes).audio }));
    expect(Array.from(back.a!.data as Float32Array)).toEqual([0, 16384, -32768, 32767, 32767, -8192, 2, -2].map((v) => v / 32768));
  });

  it('gives TF\'s errors for malformed files and arguments', async () => {
    const bad: [Uint8Array, string][] = [
      [Uint8Array.from([82, 73, 70]), 'Data too short when trying to read string'],
      [new TextEncoder().encode('RIFX\0\0\0\0WAVE'), 'Header mismatch: Expected RIFF but found RIFX'],
      [wav({ pre: [['abcd', new Uint8Array(2)]], chunks: [] }), 'Unexpected field abcd'],
      [wav({ bits: 8, chunks: [['data', new Uint8Array(4)]] }), 'Can only read 16-bit WAV files, but received 8'],
      [wav({ fmtSize: 20, chunks: [] }), 'Bad format chunk size for WAV: Expected 16 or 18, but got20'],
      [wav({ chunks: [['LIST', new Uint8Array(2)]] }), 'No data chunk found in WAV'],
      [wav({ chunks: [['data', pcm([1])], ['data', pcm([1])]] }), 'More than one data chunk found in WAV'],
      [wav({ chunks: [['data', pcm([1, 2, 3])]] }).subarray(0, 48), 'Data too short when trying to read string'],
    ];
    for (const [bytes, msg] of bad) {
      await expect(run(() => ({ a: tf.audio.decodeWav(bytes).audio })), msg).rejects.toThrow(msg);
      await expect(run(() => ({ a: tf.audio.decodeWav(bytes).audio }))).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
    }
    // A data chunk that claims 2^31 − 1 bytes is refused before anything is allocated.
    const huge = wav({ chunks: [['data', pcm([1, 2])]] });
    new DataView(huge.buffer).setUint32(40, 0x7fffffff, true);
    await expect(run(() => ({ a: tf.audio.decodeWav(huge).audio }))).rejects.toThrow('Data too short when trying to read string');
    expect(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), () => tf.audio.encodeWav(tf.constant([1, 2]), 8000))).toThrow("Shape must be rank 2 but is rank 1 for 'EncodeWav'");
    await expect(run(() => ({ w: tf.audio.encodeWav(tf.constant([[1]]), 0) }))).rejects.toThrow('sample_rate must be in (0, 2^32), got: 0');
  });
});

// A direct float64 DFT of periodic-Hann windowed frames, zero-padded to a power of two.
function refSpectrogram(x: number[], window: number, stride: number, squared: boolean): number[][] {
  const n = 2 ** Math.ceil(Math.log2(window));
  const frames = x.length < window ? 0 : 1 + Math.floor((x.length - window) / stride);
  const hann = Array.from({ length: window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / window));
  return Array.from({ length: frames }, (_, f) => Array.from({ length: n / 2 + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < window; t++) {
      const v = x[f * stride + t]! * hann[t]!;
      re += v * Math.cos((2 * Math.PI * k * t) / n);
      im -= v * Math.sin((2 * Math.PI * k * t) / n);
    }
    return squared ? re * re + im * im : Math.hypot(re, im);
  }));
}

describe('contrib audio_ops: audioSpectrogram and mfcc', () => {
  const chan = (c: number) => Array.from({ length: 70 }, (_, i) => Math.fround(0.6 * Math.sin(0.31 * i * (c + 1)) + 0.2 * Math.cos(1.7 * i)));
  it('spectrograms match a direct DFT, per channel, squared or not', async () => {
    const x = [chan(0), chan(1)];
    const interleaved = Array.from({ length: 70 }, (_, i) => [x[0]![i]!, x[1]![i]!]);
    const r = await run(() => ({
      sq: audio.audioSpectrogram(tf.constant(interleaved), 12, 5, true),
      mag: audio.audioSpectrogram(tf.constant(interleaved), { windowSize: 16, stride: 16 }),
      none: audio.audioSpectrogram(tf.constant(interleaved.slice(0, 10)), 12, 5),
    }));
    expect(r.sq!.shape).toEqual([2, 12, 9]);
    const want = x.flatMap((c) => refSpectrogram(c, 12, 5, true).flat());
    want.forEach((w, i) => expect(Math.abs(Number(r.sq!.data[i]) - w), `squared[${i}]`).toBeLessThanOrEqual(2e-6 * (1 + w)));
    expect(r.mag!.shape).toEqual([2, 4, 9]);
    const wantMag = x.flatMap((c) => refSpectrogram(c, 16, 16, false).flat());
    wantMag.forEach((w, i) => expect(Math.abs(Number(r.mag!.data[i]) - w), `magnitude[${i}]`).toBeLessThanOrEqual(2e-6 * (1 + w)));
    expect(r.none!.shape).toEqual([2, 0, 9]);
  });

  it('MFCCs equal TF\'s golden values (mfcc_test.cc) and stay finite on silence', async () => {
    const spec = Float32Array.from({ length: 513 }, (_, i) => i + 1);
    const r = await run(() => ({
      m: audio.mfcc(tf.constant(new tf.NDArray(spec, [1, 1, 513], 'float32')), 22050),
      zero: audio.mfcc(tf.zeros([1, 2, 513]), tf.constant(22050, tf.int32)),
      hot: audio.mfcc(tf.constant(new tf.NDArray(Float32Array.from({ length: 129 }, (_, i) => (i === 10 ? 1 : 0)), [1, 1, 129], 'float32')), 8000, { lowerFrequencyLimit: 125, upperFrequencyLimit: 3800, filterbankChannelCount: 40, dctCoefficientCount: 40 }),
    }));
    const golden = [29.13970072, -6.41568601, -0.61903012, -0.96778652, -0.26819878, -0.40907028, -0.15614748, -0.23203119, -0.10481487, -0.1543029, -0.0769791, -0.10806114, -0.06047613];
    expect(r.m!.shape).toEqual([1, 1, 13]);
    golden.forEach((w, i) => expect(Math.abs(Number(r.m!.data[i]) - w), `mfcc[${i}]`).toBeLessThan(1e-4));
    expect(Array.from(r.zero!.data as Float32Array).every(Number.isFinite)).toBe(true);
    // One low-frequency bin: beyond c0 a slow cosine, largest at c1 (TF's SimpleInputSaneResult).
    const hot = Array.from(r.hot!.data as Float32Array);
    expect(hot.indexOf(Math.max(...hot))).toBe(1);
  });

  it('refuses what TF refuses', async () => {
    expect(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), () => audio.audioSpectrogram(tf.zeros([10, 1]), 1, 1))).toThrow('window_size must be > 1, got 1');
    expect(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), () => audio.audioSpectrogram(tf.zeros([10]), 4, 1))).toThrow("Shape must be rank 2 but is rank 1 for 'AudioSpectrogram'");
    await expect(run(() => ({ m: audio.mfcc(tf.zeros([1, 1, 20]), 16000, { dctCoefficientCount: 41 }) }))).rejects.toThrow('Mfcc initialization failed for channel count 20 and sample rate 16000');
  });

  it('round-trips through a GraphDef as TF writes it', async () => {
    const file = wav({ chunks: [['data', pcm(Array.from({ length: 64 }, (_, i) => Math.round(8000 * Math.sin(i * 0.4))))]] });
    const g = new tf.Graph();
    g.asDefault(() => {
      const d = audio.decodeWav(tf.constant(tf.NDArray.fromStrings([file], [])), 1, 64, { name: 'wav' });
      const s = audio.audioSpectrogram(d.audio, 16, 8, true, { name: 'spectrogram' });
      audio.mfcc(s, d.sampleRate, { dctCoefficientCount: 5, filterbankChannelCount: 8, name: 'mfcc' });
    });
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('wav').op).toBe('DecodeWav');
    expect(node('wav').attr!.desired_samples!.i).toBe(64);
    expect(node('spectrogram').attr!.window_size!.i).toBe(16);
    expect(node('mfcc').attr!.dct_coefficient_count!.i).toBe(5);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const run2 = async (graph: tf.Graph) => {
      const sess = new tf.Session({ graph });
      try { return (await sess.run(graph.getTensorByName('mfcc:0'))) as NDArray; } finally { await sess.close(); }
    };
    const [a, b] = [await run2(g), await run2(g2)];
    expect(a.shape).toEqual([1, 7, 5]);
    expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
  });
});
