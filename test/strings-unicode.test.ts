/**
 * tf.strings' Unicode and ragged-result ops: unicodeDecode(WithOffsets), unicodeSplit(WithOffsets),
 * unicodeEncode, unicodeTranscode, unicodeScript, bytesSplit, ngrams, unsortedSegmentJoin.
 * Goldens: Python's own codecs (str.encode / bytes.decode with 'replace' and 'ignore', which
 * replace each maximal ill-formed subsequence as ICU does), TF 1.15's docstring and op-test
 * cases (string_ngrams_op_test.py, unicode_script_op_test.py, unsorted_segment_join's docstring).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import {
  bytesSplit, ngrams, unicodeDecode, unicodeDecodeWithOffsets, unicodeEncode, unicodeScript, unicodeSplit, unicodeSplitWithOffsets,
  unicodeTranscode, unsortedSegmentJoin,
} from '../src/ops/strings-unicode.js';

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
async function runError(build: () => Tensor[]): Promise<Error> {
  try {
    await run(build);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to fail');
}
const nums = (x: NDArray): number[] => Array.from(x.data as ArrayLike<number>, Number);
const bytes = (x: NDArray): number[][] => Array.from(x.data as unknown as ArrayLike<Uint8Array>, (b) => Array.from(b));
const texts = (x: NDArray): string[] => Array.from(x.data as unknown as ArrayLike<Uint8Array>, (b) => new TextDecoder().decode(b));
const u8 = (b: number[]): Uint8Array => Uint8Array.from(b);
const strT = (vals: Uint8Array[], shape: number[]) => tf.constant(new tf.NDArray(tf.StringArray.fromValues(vals) as never, shape, 'string') as never);

const WORD = 'héllo\u4e16\u{1F600}';
const BAD = [97, 0xff, 98, 0xe4, 0xb8, 99, 0xf0, 0x9f, 0x98]; // b'a\xffb\xe4\xb8c\xf0\x9f\x98'

describe('unicodeDecode / unicodeDecodeWithOffsets', () => {
  it('code points and byte offsets; a scalar gives a vector, a vector [values, rowSplits]', async () => {
    const [cp, [v, sp], [[ov, osp], [oo]]] = await (async () => {
      const r = await run(() => {
        const a = unicodeDecode(WORD, 'UTF-8') as Tensor;
        const [b0, b1] = unicodeDecode([WORD, '', 'ab'], 'UTF-8') as [Tensor, Tensor];
        const [[c0, c1], [d0]] = unicodeDecodeWithOffsets([WORD, 'ab'], 'UTF-8') as [[Tensor, Tensor], [Tensor, Tensor]];
        return [a, b0, b1, c0, c1, d0];
      });
      return [r[0]!, [r[1]!, r[2]!], [[r[3]!, r[4]!], [r[5]!]]] as const;
    })();
    expect(cp.dtype).toBe('int32');
    expect(nums(cp)).toEqual([104, 233, 108, 108, 111, 19990, 128512]);
    expect(nums(v)).toEqual([104, 233, 108, 108, 111, 19990, 128512, 97, 98]);
    expect(sp.dtype).toBe('int64');
    expect(nums(sp)).toEqual([0, 7, 7, 9]);
    expect(nums(ov)).toEqual([104, 233, 108, 108, 111, 19990, 128512, 97, 98]);
    expect(nums(osp)).toEqual([0, 7, 9]);
    expect(nums(oo)).toEqual([0, 1, 3, 4, 5, 6, 9, 0, 1]);
  });

  it("ill-formed UTF-8: 'replace' per maximal subpart, a custom replacement, 'ignore', 'strict', control characters", async () => {
    const [rep, custom, ign, ctl] = await run(() => [
      unicodeDecode(strT([u8(BAD)], []), 'UTF-8') as Tensor,
      unicodeDecode(strT([u8(BAD)], []), 'UTF-8', 'replace', 63) as Tensor,
      unicodeDecode(strT([u8(BAD)], []), 'UTF-8', { errors: 'ignore' }) as Tensor,
      unicodeDecode('\x01a\tb', 'UTF-8', { replaceControlCharacters: true }) as Tensor,
    ]);
    expect(nums(rep!)).toEqual([97, 65533, 98, 65533, 99, 65533]);
    expect(nums(custom!)).toEqual([97, 63, 98, 63, 99, 63]);
    expect(nums(ign!)).toEqual([97, 98, 99]);
    expect(nums(ctl!)).toEqual([65533, 97, 65533, 98]);
    expect((await runError(() => [unicodeDecode(strT([u8(BAD)], []), 'UTF-8', 'strict') as Tensor])).message).toContain('Invalid formatting on input string');
  });

  it('UTF-16-BE and UTF-32-BE input', async () => {
    const utf16 = [0, 104, 0, 233, 0, 108, 0, 108, 0, 111, 78, 22, 216, 61, 222, 0];
    const [a, b] = await run(() => [
      unicodeDecode(strT([u8(utf16)], []), 'UTF-16-BE') as Tensor,
      unicodeDecode(strT([u8([0, 0, 0, 104, 0, 0, 0, 233, 0, 17, 0, 0])], []), 'UTF-32-BE') as Tensor,
    ]);
    expect(nums(a!)).toEqual([104, 233, 108, 108, 111, 19990, 128512]);
    expect(nums(b!)).toEqual([104, 233, 65533]);
  });

  it('refuses an unknown encoding', () => {
    expect(() => new tf.Graph().asDefault(() => unicodeDecode('a', 'latin-1'))).toThrow(/not in the list of allowed values: "UTF-8", "UTF-16-BE", "UTF-32-BE"/);
  });
});

describe('unicodeEncode / unicodeTranscode', () => {
  it('dense input along the last axis, and a [values, rowSplits] pair', async () => {
    const [s, m, r, bad] = await run(() => [
      unicodeEncode([104, 233, 108, 108, 111, 19990, 128512], 'UTF-8'),
      unicodeEncode([[72, 105], [0x4e16, 0x754c]], 'UTF-16-BE'),
      unicodeEncode([tf.constant([104, 105, 233], tf.int32), tf.constant([0, 2, 2, 3], tf.int64)], 'UTF-8'),
      unicodeEncode([97, 0xd800, 98, 0x110000], 'UTF-8'),
    ]);
    expect(s!.shape).toEqual([]);
    expect(texts(s!)).toEqual([WORD]);
    expect(m!.shape).toEqual([2]);
    expect(bytes(m!)).toEqual([[0, 72, 0, 105], [78, 22, 117, 76]]);
    expect(texts(r!)).toEqual(['hi', '', 'é']);
    expect(texts(bad!)).toEqual(['a\ufffdb\ufffd']);
  });

  it('transcodes UTF-8 → UTF-16-BE / UTF-32-BE and back, with replacement of ill-formed input', async () => {
    const [t16, t32, back, rep] = await run(() => {
      const x = tf.constant([WORD, 'ab']);
      const t16 = unicodeTranscode(x, 'UTF-8', 'UTF-16-BE');
      return [t16, unicodeTranscode(x, 'UTF-8', 'UTF-32-BE'), unicodeTranscode(t16, 'UTF-16-BE', 'UTF-8'), unicodeTranscode(strT([u8(BAD)], [1]), 'UTF-8', 'UTF-8', { replacementChar: 42 })];
    });
    expect(bytes(t16!)[0]).toEqual([0, 104, 0, 233, 0, 108, 0, 108, 0, 111, 78, 22, 216, 61, 222, 0]);
    expect(bytes(t32!)[1]).toEqual([0, 0, 0, 97, 0, 0, 0, 98]);
    expect(bytes(t32!)[0]!.slice(0, 8)).toEqual([0, 0, 0, 104, 0, 0, 0, 233]);
    expect(texts(back!)).toEqual([WORD, 'ab']);
    expect(texts(rep!)).toEqual(['a*b*c*']);
  });
});

describe('unicodeSplit / unicodeSplitWithOffsets / bytesSplit', () => {
  it('characters and their offsets; bytes', async () => {
    const [chars, [v, sp], [sv, ssp], [ov], b, [bv, bsp]] = await (async () => {
      const r = await run(() => {
        const a = unicodeSplit(WORD, 'UTF-8') as Tensor;
        const [v0, s0] = unicodeSplit(['hé', 'x'], 'UTF-8') as [Tensor, Tensor];
        const [[w0, w1], [o0]] = unicodeSplitWithOffsets(['hé', 'x'], 'UTF-8') as [[Tensor, Tensor], [Tensor, Tensor]];
        const bs = bytesSplit('hé') as Tensor;
        const [b0, b1] = bytesSplit(['ab', '', 'c']) as [Tensor, Tensor];
        return [a, v0, s0, w0, w1, o0, bs, b0, b1];
      });
      return [r[0]!, [r[1]!, r[2]!], [r[3]!, r[4]!], [r[5]!], r[6]!, [r[7]!, r[8]!]] as const;
    })();
    expect(texts(chars)).toEqual(['h', 'é', 'l', 'l', 'o', '\u4e16', '\u{1F600}']);
    expect(texts(v)).toEqual(['h', 'é', 'x']);
    expect(nums(sp)).toEqual([0, 2, 3]);
    expect(texts(sv)).toEqual(['h', 'é', 'x']);
    expect(nums(ssp)).toEqual([0, 2, 3]);
    expect(nums(ov)).toEqual([0, 1, 0]);
    expect(bytes(b)).toEqual([[104], [195], [169]]);
    expect(texts(bv)).toEqual(['a', 'b', 'c']);
    expect(nums(bsp)).toEqual([0, 2, 2, 3]);
  });
});

describe('unicodeScript', () => {
  it("ICU script codes (TF's test: a, Б, 芸, ',' → Latin 25, Cyrillic 8, Han 17, Common 0)", async () => {
    const [s] = await run(() => [unicodeScript(tf.constant([97, 0x0411, 0x82b8, 44, 0x0301, 0x0378, -1, 0x110000, 0x3042, 0x0627], tf.int32))]);
    expect(nums(s!)).toEqual([25, 8, 17, 0, 1, 103, -1, -1, 20, 2]);
  });
});

describe('ngrams', () => {
  it("TF's string_ngrams_op tests on ragged rows", async () => {
    const out = await run(() => {
      const R = [tf.constant(['aa', 'bb', 'cc', 'dd', 'ee', 'ff']), tf.constant([0, 4, 6], tf.int64)] as [Tensor, Tensor];
      return [
      ...(ngrams(R, 3, '|') as Tensor[]),
      ...(ngrams(R, 2, '|', ['LP', 'RP']) as Tensor[]),
      ...(ngrams(R, 3, '|', 'PAD', 1) as Tensor[]),
      ...(ngrams(R, 3, '|', { preserveShortSequences: true }) as Tensor[]),
      ...(ngrams(R, [2, 3], '|') as Tensor[]),
      ];
    });
    expect(texts(out[0]!)).toEqual(['aa|bb|cc', 'bb|cc|dd']);
    expect(nums(out[1]!)).toEqual([0, 2, 2]);
    expect(texts(out[2]!)).toEqual(['LP|aa', 'aa|bb', 'bb|cc', 'cc|dd', 'dd|RP', 'LP|ee', 'ee|ff', 'ff|RP']);
    expect(nums(out[3]!)).toEqual([0, 5, 8]);
    expect(texts(out[4]!)).toEqual(['PAD|aa|bb', 'aa|bb|cc', 'bb|cc|dd', 'cc|dd|PAD', 'PAD|ee|ff', 'ee|ff|PAD']);
    expect(nums(out[5]!)).toEqual([0, 4, 6]);
    expect(texts(out[6]!)).toEqual(['aa|bb|cc', 'bb|cc|dd', 'ee|ff']);
    expect(nums(out[7]!)).toEqual([0, 2, 3]);
    expect(texts(out[8]!)).toEqual(['aa|bb', 'bb|cc', 'cc|dd', 'aa|bb|cc', 'bb|cc|dd', 'ee|ff']);
    expect(nums(out[9]!)).toEqual([0, 5, 6]);
  });

  it('dense 1-D and 2-D input give dense output; default separator and full padding', async () => {
    const [a, b, c] = await run(() => [
      ngrams(tf.constant(['a', 'b', 'c', 'd']), 3, '|') as Tensor,
      ngrams(tf.constant([['a', 'b', 'c', 'd'], ['e', 'f', 'g', 'h']]), 3, '|') as Tensor,
      ngrams(tf.constant([['a', 'b'], ['c', 'd']]), 2, { padValues: '#' }) as Tensor,
    ]);
    expect(texts(a!)).toEqual(['a|b|c', 'b|c|d']);
    expect(b!.shape).toEqual([2, 2]);
    expect(texts(b!)).toEqual(['a|b|c', 'b|c|d', 'e|f|g', 'f|g|h']);
    expect(c!.shape).toEqual([2, 3]);
    expect(texts(c!)).toEqual(['# a', 'a b', 'b #', '# c', 'c d', 'd #']);
  });

  it("refuses TF's bad arguments", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => ngrams(tf.constant(['a']), 0)).toThrow('All ngram_widths must be greater than 0. Got 0');
      expect(() => ngrams(tf.constant(['a']), 2, ' ', null, 1)).toThrow('pad_values must be provided if padding_width is set.');
      expect(() => ngrams(tf.constant(['a']), 2, ' ', 'P', 0)).toThrow('padding_width must be greater than 0.');
      expect(() => ngrams(tf.constant('a'), 2)).toThrow('Data must have rank>0');
    });
  });
});

describe('unsortedSegmentJoin', () => {
  it("TF's docstring example, a vector, an empty and a dropped segment", async () => {
    const [a, b] = await run(() => [
      unsortedSegmentJoin([['Y', 'q', 'c'], ['Y', '6', '6'], ['p', 'G', 'a']], [1, 0, 1], 2, ':'),
      unsortedSegmentJoin(['this', 'is', 'a', 'test', 'x'], [0, 0, 2, 2, -1], 3, { separator: ' ' }),
    ]);
    expect(a!.shape).toEqual([2, 3]);
    expect(texts(a!)).toEqual(['Y', '6', '6', 'Y:p', 'q:G', 'c:a']);
    expect(texts(b!)).toEqual(['this is', '', 'a test']);
  });
  it('refuses ids past numSegments and a segment_ids shape that is no prefix', async () => {
    expect((await runError(() => [unsortedSegmentJoin(['a', 'b'], [0, 3], 2)])).message).toContain('segment_ids are not allowed to exceed num_segments');
    expect((await runError(() => [unsortedSegmentJoin(['a', 'b'], [0, 1, 1], 2)])).message).toContain('does not start with segment_ids.shape');
  });
});
