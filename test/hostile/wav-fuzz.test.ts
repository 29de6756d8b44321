/**
 * tf.audio.decodeWav under hostile bytes: every truncation and seeded mutants of a WAV written by
 * tsflow's encoder (with a JUNK chunk and an 18-byte fmt chunk), and chunk sizes, channel counts
 * and rates set to 0, 2^31 and 2^32-1: each decodes to the header's frames × channels, or fails
 * with InvalidArgumentError (TF's wav_io texts), never a RangeError or an allocation the file
 * cannot back.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { InvalidArgumentError } from '../../src/errors.js';
import { encodeWav } from '../../src/io/codecs/wav.js';
import { applyMutations, checkError, mutation } from './support.js';

const g = new tf.Graph();
const { p, out } = g.asDefault(() => {
  const p = tf.placeholder(tf.string, []);
  const r = tf.audio.decodeWav(p);
  return { p, out: [r.audio, r.sampleRate] };
});
const sess = new tf.Session({ graph: g });
afterAll(() => sess.close());

async function decode(b: Uint8Array, what: string): Promise<tf.NDArray[] | null> {
  const t0 = Date.now();
  try {
    const r = (await sess.run(out, { [p.name]: tf.NDArray.fromStrings([b], []) } as never)) as tf.NDArray[];
    // the samples the file holds, no more: 2 bytes each
    expect(r[0]!.size * 2, what).toBeLessThanOrEqual(b.length);
    return r;
  } catch (e) {
    checkError(e, [InvalidArgumentError], null, what);
    return null;
  } finally {
    expect(Date.now() - t0, what).toBeLessThan(3000);
  }
}

const base = encodeWav(Float32Array.from({ length: 60 }, (_, i) => Math.sin(i / 3) * 0.8), 16000, 2);
// RIFF header, a JUNK chunk of 6 bytes, then an 18-byte fmt chunk (cbSize 0) and the data
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const wav = Uint8Array.from([
  ...base.subarray(0, 12), ...new TextEncoder().encode('JUNK'), ...le32(6), 1, 2, 3, 4, 5, 6,
  ...base.subarray(12, 16), ...le32(18), ...base.subarray(20, 36), 0, 0, ...base.subarray(36),
]);
const FMT = 12 + 14; // "fmt " of the wav above
const DATA = FMT + 8 + 18;

describe('decodeWav', () => {
  it('every truncation, and 300 seeded mutants, decode or fail as TF does', async () => {
    const good = await decode(wav, 'intact');
    expect(good![0]!.shape).toEqual([30, 2]);
    expect(Array.from(good![1]!.data as ArrayLike<number>)).toEqual([16000]);
    let failed = 0;
    for (let at = 0; at < wav.length; at++) if ((await decode(wav.subarray(0, at), `cut at ${at}`)) === null) failed++;
    expect(failed).toBeGreaterThan(DATA);
    await fc.assert(
      fc.asyncProperty(mutation, async (ms) => {
        await decode(applyMutations(wav, ms), JSON.stringify(ms));
      }),
      { seed: 7501, numRuns: 300 },
    );
  });

  it('targeted: JUNK / fmt / data sizes of 0, 2^31 and 2^32-1, channels 0 and 65535, rates 0 and 2^32-1', async () => {
    const put = (at: number, bytes: number[]): Uint8Array => {
      const m = wav.slice();
      m.set(bytes, at);
      return m;
    };
    const cases: [string, Uint8Array][] = [];
    for (const v of [0, 2 ** 31, 2 ** 32 - 1, 2 ** 31 - 1]) {
      cases.push([`JUNK size ${v}`, put(16, le32(v))], [`fmt size ${v}`, put(FMT + 4, le32(v))], [`data size ${v}`, put(DATA + 4, le32(v))]);
    }
    cases.push(['channels 0', put(FMT + 10, [0, 0])], ['channels 65535', put(FMT + 10, [0xff, 0xff])], ['rate 0', put(FMT + 12, le32(0))], ['rate 2^32-1', put(FMT + 12, le32(2 ** 32 - 1))]);
    for (const [what, b] of cases) await decode(b, what);
    expect(await decode(put(DATA + 4, le32(2 ** 31 - 1)), 'data claiming 2 GiB')).toBeNull();
  });
});
