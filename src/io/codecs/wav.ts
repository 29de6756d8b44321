/**
 * 16-bit PCM WAV, as TF's wav_io reads and writes it: EncodeAudioAsS16LEWav (samples scaled by
 * 2^15, rounded half away from zero, clamped to int16) and DecodeLin16WaveAsFloatVector (RIFF/WAVE,
 * optional JUNK/bext/… chunks before "fmt ", a 16- or 18-byte PCM format chunk, one data chunk,
 * int16 / 2^15). Every length is checked against the bytes present before anything is allocated.
 */

/** A malformed WAV: its message is TF's text (an InvalidArgument status in TF). */
export class WavError extends Error {}

const ascii = (b: Uint8Array, o: number, n: number): string => String.fromCharCode(...b.subarray(o, o + n));

/** TF's FloatToInt16Sample: roundf(x · 32768) clamped to [-32768, 32767] (NaN as 0). */
function toInt16(x: number): number {
  const v = Math.fround(Math.fround(x) * 32768);
  if (Number.isNaN(v)) return 0;
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return Math.min(Math.max(r, -32768), 32767);
}

/** `samples` is frames × channels, interleaved. */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number, channels: number): Uint8Array {
  if (!(sampleRate > 0 && sampleRate <= 0xffffffff)) throw new WavError(`sample_rate must be in (0, 2^32), got: ${sampleRate}`);
  if (!(channels > 0 && channels <= 0xffff)) throw new WavError(`num_channels must be in (0, 2^16), got: ${channels}`);
  const frames = Math.floor(samples.length / channels);
  const dataBytes = frames * channels * 2;
  if (44 + dataBytes > 0xffffffff) throw new WavError('Provided channels and frames cannot be encoded as a WAV.');
  const out = new Uint8Array(44 + dataBytes);
  const dv = new DataView(out.buffer);
  const put = (o: number, s: string) => [...s].forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  dv.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true); // PCM
  dv.setUint16(22, channels, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * channels * 2, true);
  dv.setUint16(32, channels * 2, true);
  dv.setUint16(34, 16, true);
  put(36, 'data');
  dv.setUint32(40, dataBytes, true);
  for (let i = 0; i < frames * channels; i++) dv.setInt16(44 + 2 * i, toInt16(samples[i]!), true);
  return out;
}

export interface DecodedWav {
  /** frames × channels, interleaved, in [-1, 1). */
  samples: Float32Array;
  frames: number;
  channels: number;
  sampleRate: number;
}

const SKIPPED_CHUNKS = new Set(['JUNK', 'bext', 'iXML', 'qlty', 'mext', 'levl', 'link', 'axml']);

export function decodeWav(b: Uint8Array): DecodedWav {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  const advance = (n: number): number => {
    const at = off;
    if (off + n > b.length) throw new WavError('Data too short when trying to read string');
    off += n;
    return at;
  };
  const text = (n: number): string => ascii(b, advance(n), n);
  const expect = (want: string): void => {
    const got = text(want.length);
    if (got !== want) throw new WavError(`Header mismatch: Expected ${want} but found ${got}`);
  };
  const u32 = (): number => dv.getUint32(advance(4), true);
  const u16 = (): number => dv.getUint16(advance(2), true);
  expect('RIFF');
  u32(); // total file size, unchecked by TF
  expect('WAVE');
  let id = text(4);
  while (id !== 'fmt ') {
    if (!SKIPPED_CHUNKS.has(id)) throw new WavError(`Unexpected field ${id}`);
    advance(u32());
    id = text(4);
  }
  const fmtSize = u32();
  if (fmtSize !== 16 && fmtSize !== 18) throw new WavError(`Bad format chunk size for WAV: Expected 16 or 18, but got${fmtSize}`);
  const format = u16();
  if (format !== 1) throw new WavError(`Bad audio format for WAV: Expected 1 (PCM), but got${format}`);
  const channels = u16();
  if (channels < 1) throw new WavError(`Bad number of channels for WAV: Expected at least 1, but got ${channels}`);
  const sampleRate = u32();
  const bytesPerSecond = u32();
  const bytesPerSample = u16();
  const bits = u16();
  if (bits !== 16) throw new WavError(`Can only read 16-bit WAV files, but received ${bits}`);
  const wantBytesPerSample = Math.floor((bits * channels + 7) / 8);
  if (bytesPerSample !== wantBytesPerSample) throw new WavError(`Bad bytes per sample in WAV header: Expected ${wantBytesPerSample} but got ${bytesPerSample}`);
  const wantPerSecond = (bytesPerSample * sampleRate) >>> 0; // a uint32 product in TF
  if (bytesPerSecond !== wantPerSecond) {
    throw new WavError(`Bad bytes per second in WAV header: Expected ${wantPerSecond} but got ${bytesPerSecond} (sample_rate=${sampleRate}, bytes_per_sample=${bytesPerSample})`);
  }
  if (fmtSize === 18) off += 2;
  let samples: Float32Array | null = null;
  let frames = 0;
  while (off < b.length) {
    const chunk = text(4);
    const size = u32();
    if (size > 0x7fffffff) throw new WavError(`WAV data chunk '${chunk}' is too large: ${size} bytes, but the limit is 2147483647`);
    if (chunk === 'data') {
      if (samples) throw new WavError('More than one data chunk found in WAV');
      frames = Math.floor(size / bytesPerSample);
      const count = frames * channels;
      if (off + 2 * count > b.length) throw new WavError('Data too short when trying to read string');
      samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = dv.getInt16(advance(2), true) / 32768;
    } else {
      off += size;
    }
  }
  if (!samples) throw new WavError('No data chunk found in WAV');
  return { samples, frames, channels, sampleRate };
}
