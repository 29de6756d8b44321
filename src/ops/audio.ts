/**
 * TF's audio ops (tensorflow/core/ops/audio_ops.cc): DecodeWav and EncodeWav (16-bit PCM WAV ↔
 * float samples `[samples, channels]`), AudioSpectrogram (periodic-Hann windows, power-of-two
 * real FFTs, squared magnitudes or magnitudes: `[channels, frames, fft/2 + 1]`) and Mfcc (HTK-style
 * mel filterbank on the spectrogram's magnitudes, log with a 1e-12 floor, DCT-II scaled by
 * sqrt(2/N)), computed in float64 as TF's kernels are, on the host before the device plan.
 * `tf.audio` and `tf.contrib.framework.audioOps` (contrib_audio in TF's speech examples) call them.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ResourceExhaustedError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { WavError, decodeWav as parseWav, encodeWav as writeWav } from '../io/codecs/wav.js';
import { NDArray } from '../ndarray.js';
import { cShape } from '../shape.js';
import { StringArray } from '../string-array.js';
import { type TensorLike, toTensor } from './convert.js';
import { registerTupleType } from './control-flow/nest.js';
import { defineHostOp } from './host-values.js';
import './audio-graphdef.js';
import { makeOp, registerGradient } from './registry.js';

const fail = (op: Operation, msg: string): InvalidArgumentError => new InvalidArgumentError(msg, op.name);

// ----- DecodeWav / EncodeWav ---------------------------------------------------------------------
interface DecodeAttrs { desiredChannels: number; desiredSamples: number; [k: string]: unknown }

defineHostOp<DecodeAttrs>({
  type: 'DecodeWav',
  infer: ([x], a, name) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'contents' has DataType ${x!.dtype} not in list of allowed values: string`);
    if (x!.shape !== null && x!.shape.length !== 0) throw new InvalidArgumentError(`Shape must be rank 0 but is rank ${x!.shape.length} for '${name}' (op: 'DecodeWav') with input shapes: ${cShape(x!.shape)}.`);
    return [
      { dtype: 'float32', shape: [a.desiredSamples === -1 ? null : a.desiredSamples, a.desiredChannels === -1 ? null : a.desiredChannels] },
      { dtype: 'int32', shape: [] },
    ];
  },
  run: ([x], a, op) => {
    if (x!.shape.length !== 0) throw fail(op, `contents must be scalar, got shape ${cShape(x!.shape)}`);
    let wav;
    try {
      wav = parseWav((x!.data as unknown as StringArray)[0]!);
    } catch (e) {
      if (e instanceof WavError) throw fail(op, e.message);
      throw e;
    }
    if (a.desiredChannels < -1) throw fail(op, `desired_channels must be >= -1, got ${a.desiredChannels}`);
    if (a.desiredSamples < -1) throw fail(op, `desired_samples must be >= -1, got ${a.desiredSamples}`);
    const frames = a.desiredSamples === -1 ? wav.frames : a.desiredSamples;
    const channels = a.desiredChannels === -1 ? wav.channels : a.desiredChannels;
    if (frames * channels > 1 << 30) throw new ResourceExhaustedError(`DecodeWav: an output of ${frames} samples × ${channels} channels is more than tsflow allocates for one tensor`, op.name);
    const out = new Float32Array(frames * channels);
    // Missing samples are zeros; channels past the file's repeat its last one.
    for (let s = 0; s < Math.min(frames, wav.frames); s++) {
      for (let c = 0; c < channels; c++) out[s * channels + c] = wav.samples[s * wav.channels + Math.min(c, wav.channels - 1)]!;
    }
    return [new NDArray(out, [frames, channels], 'float32'), new NDArray(Int32Array.of(wav.sampleRate | 0), [], 'int32')];
  },
});
registerGradient('DecodeWav', null);

defineHostOp({
  type: 'EncodeWav',
  infer: ([audio, rate], _a, name) => {
    if (audio!.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'audio' has DataType ${audio!.dtype} not in list of allowed values: float32`);
    if (rate!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'sample_rate' has DataType ${rate!.dtype} not in list of allowed values: int32`);
    if (audio!.shape !== null && audio!.shape.length !== 2) throw new InvalidArgumentError(`Shape must be rank 2 but is rank ${audio!.shape.length} for '${name}' (op: 'EncodeWav') with input shapes: ${cShape(audio!.shape)}, ${cShape(rate!.shape)}.`);
    if (rate!.shape !== null && rate!.shape.length !== 0) throw new InvalidArgumentError(`Shape must be rank 0 but is rank ${rate!.shape.length} for '${name}' (op: 'EncodeWav') with input shapes: ${cShape(audio!.shape)}, ${cShape(rate!.shape)}.`);
    return [{ dtype: 'string', shape: [] }];
  },
  run: ([audio, rate], _a, op) => {
    if (audio!.shape.length !== 2) throw fail(op, `audio must be 2-dimensional ${cShape(audio!.shape)}`);
    if (rate!.shape.length !== 0) throw fail(op, `Input sample_rate should be a scalar tensor, got ${cShape(rate!.shape)} instead.`);
    const [frames, channels] = audio!.shape as [number, number];
    let bytes: Uint8Array;
    try {
      bytes = writeWav(audio!.data as Float32Array, Number(rate!.data[0]), channels);
    } catch (e) {
      if (e instanceof WavError) throw fail(op, e.message);
      throw e;
    }
    return [new NDArray(StringArray.fromValues([bytes]) as never, [], 'string')];
  },
});
registerGradient('EncodeWav', null);

// ----- AudioSpectrogram ----------------------------------------------------------------------------
interface SpectrogramAttrs { windowSize: number; stride: number; magnitudeSquared: boolean; [k: string]: unknown }

const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

/** In-place iterative radix-2 FFT of (re, im), length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

function spectrogramShape(samples: number | null, a: SpectrogramAttrs): { frames: number | null; bins: number } {
  const bins = 1 + nextPowerOfTwo(a.windowSize) / 2;
  if (samples === null) return { frames: null, bins };
  const rest = samples - a.windowSize;
  return { frames: rest < 0 ? 0 : 1 + Math.floor(rest / a.stride), bins };
}

defineHostOp<SpectrogramAttrs>({
  type: 'AudioSpectrogram',
  infer: ([x], a, name) => {
    if (x!.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float32`);
    if (x!.shape !== null && x!.shape.length !== 2) throw new InvalidArgumentError(`Shape must be rank 2 but is rank ${x!.shape.length} for '${name}' (op: 'AudioSpectrogram') with input shapes: ${cShape(x!.shape)}.`);
    if (!(a.windowSize > 1)) throw new InvalidArgumentError(`window_size must be > 1, got ${a.windowSize}`, name);
    if (!(a.stride > 0)) throw new InvalidArgumentError(`stride must be > 0, got ${a.stride}`, name);
    const { frames, bins } = spectrogramShape(x!.shape?.[0] ?? null, a);
    return [{ dtype: 'float32', shape: [x!.shape?.[1] ?? null, frames, bins] }];
  },
  run: ([x], a, op) => {
    if (x!.shape.length !== 2) throw fail(op, `input must be 2-dimensional${cShape(x!.shape)}`);
    const [samples, channels] = x!.shape as [number, number];
    const { frames, bins } = spectrogramShape(samples, a);
    const n = nextPowerOfTwo(a.windowSize);
    // TF's GetPeriodicHann, in double.
    const window = Float64Array.from({ length: a.windowSize }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / a.windowSize));
    const out = new Float32Array(channels * frames! * bins);
    const data = x!.data as Float32Array;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let c = 0; c < channels; c++) {
      for (let f = 0; f < frames!; f++) {
        re.fill(0);
        im.fill(0);
        for (let j = 0; j < a.windowSize; j++) re[j] = data[(f * a.stride + j) * channels + c]! * window[j]!;
        fft(re, im);
        const row = (c * frames! + f) * bins;
        for (let k = 0; k < bins; k++) {
          const p = Math.fround(re[k]! * re[k]! + im[k]! * im[k]!);
          out[row + k] = a.magnitudeSquared ? p : Math.fround(Math.sqrt(p));
        }
      }
    }
    return [new NDArray(out, [channels, frames!, bins], 'float32')];
  },
});
registerGradient('AudioSpectrogram', null);

// ----- Mfcc ----------------------------------------------------------------------------------------
interface MfccAttrs { upperFrequencyLimit: number; lowerFrequencyLimit: number; filterbankChannelCount: number; dctCoefficientCount: number; [k: string]: unknown }

const freqToMel = (f: number): number => 1127.0 * Math.log1p(f / 700.0);

/** TF's MfccMelFilterbank + MfccDct, set up for one spectrogram width and sample rate; null: TF's Initialize fails. */
function mfccPlan(inputLength: number, sampleRate: number, a: MfccAttrs): ((frame: Float64Array) => Float64Array) | null {
  const channels = a.filterbankChannelCount;
  const lower = Math.fround(a.lowerFrequencyLimit);
  const upper = Math.fround(a.upperFrequencyLimit);
  const coeffs = a.dctCoefficientCount;
  if (channels < 1 || sampleRate <= 0 || inputLength < 2 || lower < 0 || upper <= lower) return null;
  if (coeffs < 1 || coeffs > channels) return null;
  const melLow = freqToMel(lower);
  const spacing = (freqToMel(upper) - melLow) / (channels + 1);
  const centers = Float64Array.from({ length: channels + 1 }, (_, i) => melLow + spacing * (i + 1));
  const hzPerBin = (0.5 * sampleRate) / (inputLength - 1);
  const start = Math.trunc(1.5 + lower / hzPerBin);
  const end = Math.trunc(upper / hzPerBin);
  const band = new Int32Array(inputLength);
  const weights = new Float64Array(inputLength);
  for (let i = 0, ch = 0; i < inputLength; i++) {
    const mel = freqToMel(i * hzPerBin);
    if (i < start || i > end) { band[i] = -2; continue; }
    while (ch < channels && centers[ch]! < mel) ch++;
    band[i] = ch - 1;
    weights[i] = ch - 1 >= 0 ? (centers[ch]! - mel) / (centers[ch]! - centers[ch - 1]!) : (centers[0]! - mel) / (centers[0]! - melLow);
  }
  const fnorm = Math.sqrt(2.0 / channels);
  const arg = Math.PI / channels;
  const cosines = Array.from({ length: coeffs }, (_, i) => Float64Array.from({ length: channels }, (_, j) => fnorm * Math.cos(i * arg * (j + 0.5))));
  return (frame) => {
    const mel = new Float64Array(channels);
    // A spectrum too short for the top band leaves the filterbank empty (TF logs and returns zeros).
    const usable = frame.length > end;
    if (usable) {
      for (let i = start; i <= end; i++) {
        const v = Math.sqrt(frame[i]!);
        const w = v * weights[i]!;
        const ch = band[i]!;
        if (ch >= 0) mel[ch] = mel[ch]! + w;
        if (ch + 1 < channels) mel[ch + 1] = mel[ch + 1]! + (v - w);
      }
    }
    const out = new Float64Array(coeffs);
    if (!usable) return out;
    for (let j = 0; j < channels; j++) mel[j] = Math.log(Math.max(mel[j]!, 1e-12));
    for (let i = 0; i < coeffs; i++) {
      let s = 0;
      for (let j = 0; j < channels; j++) s += cosines[i]![j]! * mel[j]!;
      out[i] = s;
    }
    return out;
  };
}

defineHostOp<MfccAttrs>({
  type: 'Mfcc',
  infer: ([s, rate], a, name) => {
    if (s!.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'spectrogram' has DataType ${s!.dtype} not in list of allowed values: float32`);
    if (rate!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'sample_rate' has DataType ${rate!.dtype} not in list of allowed values: int32`);
    if (s!.shape !== null && s!.shape.length !== 3) throw new InvalidArgumentError(`Shape must be rank 3 but is rank ${s!.shape.length} for '${name}' (op: 'Mfcc') with input shapes: ${cShape(s!.shape)}, ${cShape(rate!.shape)}.`);
    return [{ dtype: 'float32', shape: [s!.shape?.[0] ?? null, s!.shape?.[1] ?? null, a.dctCoefficientCount] }];
  },
  run: ([s, rate], a, op) => {
    if (s!.shape.length !== 3) throw fail(op, `spectrogram must be 3-dimensional${cShape(s!.shape)}`);
    if (rate!.shape.length !== 0) throw fail(op, `Input sample_rate should be a scalar tensor, got ${cShape(rate!.shape)} instead.`);
    const [channels, frames, width] = s!.shape as [number, number, number];
    const sampleRate = Number(rate!.data[0]);
    const plan = mfccPlan(width, sampleRate, a);
    if (!plan) throw fail(op, `Mfcc initialization failed for channel count ${width} and sample rate ${sampleRate}`);
    const data = s!.data as Float32Array;
    const out = new Float32Array(channels * frames * a.dctCoefficientCount);
    for (let r = 0; r < channels * frames; r++) out.set(plan(Float64Array.from(data.subarray(r * width, (r + 1) * width))), r * a.dctCoefficientCount);
    return [new NDArray(out, [channels, frames, a.dctCoefficientCount], 'float32')];
  },
});
registerGradient('Mfcc', null);

// ----- Python-level functions ----------------------------------------------------------------------
/** `DecodeWav(audio, sample_rate)`, TF's namedtuple (also `[0]`, `[1]`). */
export class DecodeWavResult {
  constructor(readonly audio: Tensor, readonly sampleRate: Tensor) {}
  get 0(): Tensor {
    return this.audio;
  }
  get 1(): Tensor {
    return this.sampleRate;
  }
  get length(): 2 {
    return 2;
  }
  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.audio;
    yield this.sampleRate;
  }
}

registerTupleType<DecodeWavResult>(DecodeWavResult, (x) => [x.audio, x.sampleRate], ([a, b]) => new DecodeWavResult(a as Tensor, b as Tensor));

const int = (v: unknown, what: string, fn: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${fn}: ${what} must be an integer, got ${String(v)}`);
  return v;
};

/** `tf.audio.decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None)` → `{audio, sampleRate}`. */
export function decodeWav(...args: unknown[]): DecodeWavResult {
  const o = kwargs(args, ['contents', 'desiredChannels', 'desiredSamples', 'name'], 'decodeWav');
  // Bytes given directly are one WAV file (Python's bytes object), not a list of numbers.
  const contents = o.contents instanceof Uint8Array ? NDArray.fromStrings([o.contents], []) : o.contents;
  const x = toTensor(contents as TensorLike, 'string');
  const attrs = { desiredChannels: int(o.desiredChannels ?? -1, 'desired_channels', 'decodeWav'), desiredSamples: int(o.desiredSamples ?? -1, 'desired_samples', 'decodeWav') };
  const op = makeOp(x.graph, 'DecodeWav', [x], attrs, o.name as string | undefined, 'DecodeWav');
  return new DecodeWavResult(op.outputs[0]!, op.outputs[1]!);
}

/** `tf.audio.encode_wav(audio, sample_rate, name=None)`: `[samples, channels]` float32 → a WAV string. */
export function encodeWav(...args: unknown[]): Tensor {
  const o = kwargs(args, ['audio', 'sampleRate', 'name'], 'encodeWav');
  const audio = toTensor(o.audio as TensorLike, 'float32');
  const rate = toTensor(o.sampleRate as TensorLike, 'int32');
  return makeOp(audio.graph, 'EncodeWav', [audio, rate], {}, o.name as string | undefined, 'EncodeWav').outputs[0]!;
}

/** `audio_ops.audio_spectrogram(input, window_size, stride, magnitude_squared=False, name=None)`. */
export function audioSpectrogram(...args: unknown[]): Tensor {
  const o = kwargs(args, ['input', 'windowSize', 'stride', 'magnitudeSquared', 'name'], 'audioSpectrogram');
  const x = toTensor(o.input as TensorLike, 'float32');
  const attrs = { windowSize: int(o.windowSize, 'window_size', 'audioSpectrogram'), stride: int(o.stride, 'stride', 'audioSpectrogram'), magnitudeSquared: !!(o.magnitudeSquared ?? false) };
  return makeOp(x.graph, 'AudioSpectrogram', [x], attrs, o.name as string | undefined, 'AudioSpectrogram').outputs[0]!;
}

/**
 * `audio_ops.mfcc(spectrogram, sample_rate, upper_frequency_limit=4000, lower_frequency_limit=20,
 * filterbank_channel_count=40, dct_coefficient_count=13, name=None)`; TF's Python spells the last
 * one `dct_coefficient_count` (`dctCoefficientCount`).
 */
export function mfcc(...args: unknown[]): Tensor {
  const o = kwargs(args, ['spectrogram', 'sampleRate', 'upperFrequencyLimit', 'lowerFrequencyLimit', 'filterbankChannelCount', 'dctCoefficientCount', 'name'], 'mfcc');
  const s = toTensor(o.spectrogram as TensorLike, 'float32');
  const rate = toTensor(o.sampleRate as TensorLike, 'int32');
  const attrs = {
    upperFrequencyLimit: Number(o.upperFrequencyLimit ?? 4000),
    lowerFrequencyLimit: Number(o.lowerFrequencyLimit ?? 20),
    filterbankChannelCount: int(o.filterbankChannelCount ?? 40, 'filterbank_channel_count', 'mfcc'),
    dctCoefficientCount: int(o.dctCoefficientCount ?? 13, 'dct_coefficient_count', 'mfcc'),
  };
  return makeOp(s.graph, 'Mfcc', [s, rate], attrs, o.name as string | undefined, 'Mfcc').outputs[0]!;
}
