/**
 * tf.lookup's text-file tables (TF 1.15 lookup_ops.py, lookup_util.cc): TextFileInitializer
 * (whole line / line number / split columns), StaticVocabularyTable (hashed OOV buckets: TF's
 * Fingerprint64 goldens a,b,c,d → 9,2,2,5 of 10), index_table_from_file (TF's lookup_ops_test
 * goldens), index_to_string_table_from_file, and the kernel's texts for bad files.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookup-text-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const strs = (a: NDArray): string[] => Array.from(a.data as unknown as Uint8Array[], (b) => new TextDecoder().decode(b));

async function run(build: () => tf.Tensor | tf.Tensor[]): Promise<NDArray[]> {
  const g = new tf.Graph();
  const [outs, init] = g.asDefault(() => {
    const o = build();
    return [Array.isArray(o) ? o : [o], tf.tablesInitializer()] as const;
  });
  const sess = new tf.Session({ graph: g });
  try {
    await sess.run(init);
    return (await sess.run(outs)) as NDArray[];
  } finally {
    await sess.close();
  }
}

describe('tf.lookup text-file tables', () => {
  const vocab = file('vocab.txt', 'brain\nsalad\nsurgery\n');
  const ints = file('ints.txt', '42\n1\n-1000\n');

  it('TextFileIndex', () => {
    expect(tf.lookup.TextFileIndex.WHOLE_LINE).toBe(-2);
    expect(tf.lookup.TextFileIndex.LINE_NUMBER).toBe(-1);
  });

  it('TextFileInitializer: whole line → line number, and split columns', async () => {
    const cols = file('cols.txt', 'emerson 10\nlake 20\r\npalmer 30\n');
    const [a, b, c, size] = await run(() => {
      const byLine = new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(vocab, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER), -1);
      const byCol = new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(cols, tf.string, 0, tf.int64, 1, { delimiter: ' ' }), -1);
      const idToWord = new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(cols, 'int64', -1, 'string', 0, null, ' '), 'UNK');
      return [byLine.lookup(tf.constant(['surgery', 'brain', 'x'])), byCol.lookup(tf.constant(['lake', 'palmer', 'king'])), idToWord.lookup(tf.constant([2, 0, 7], tf.int64)), byCol.size()];
    });
    expect(nums(a!)).toEqual([2, 0, -1]);
    expect(nums(b!)).toEqual([20, 30, -1]);
    expect(strs(c!)).toEqual(['palmer', 'emerson', 'UNK']);
    expect(nums(size!)).toEqual([3]);
  });

  it('float values from a column; vocab_size truncates', async () => {
    const f = file('floats.txt', 'a,0.5\nb,-2.25\nc,3\n');
    const [v, t] = await run(() => {
      const table = new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(f, tf.string, 0, tf.float32, 1, { delimiter: ',' }), -1);
      const short = new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -1, 2), -1);
      return [table.lookup(tf.constant(['b', 'c', 'z'])), short.lookup(tf.constant(['brain', 'salad', 'surgery']))];
    });
    expect(nums(v!)).toEqual([-2.25, 3, -1]);
    expect(nums(t!)).toEqual([0, 1, -1]);
  });

  it('StaticVocabularyTable: TF goldens (vocabulary ids, Fingerprint64 buckets after them)', async () => {
    const [s, i, onlyHash, withVocab, size] = await run(() => {
      const strT = new tf.lookup.StaticVocabularyTable(new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -1), 1);
      const intT = new tf.lookup.StaticVocabularyTable(new tf.lookup.TextFileInitializer(ints, tf.int64, -2, tf.int64, -1), 1, tf.int32);
      const hashOnly = new tf.lookup.StaticVocabularyTable(null, 10);
      const v10 = new tf.lookup.StaticVocabularyTable(new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -1), 10);
      return [
        strT.lookup(tf.constant(['salad', 'surgery', 'tarkus'])), intT.lookup(tf.constant([42, 1, -1000, 11], tf.int32)),
        hashOnly.lookup(tf.constant(['a', 'b', 'c', 'd'])), v10.lookup(tf.constant(['a', 'brain', 'd'])), v10.size(),
      ];
    });
    expect(nums(s!)).toEqual([1, 2, 3]);
    expect(nums(i!)).toEqual([0, 1, 2, 3]);
    expect(nums(onlyHash!)).toEqual([9, 2, 2, 5]);
    expect(nums(withVocab!)).toEqual([3 + 9, 0, 3 + 5]);
    expect(nums(size!)).toEqual([13]);
  });

  it('index_table_from_file / index_to_string_table_from_file (TF lookup_ops_test goldens)', async () => {
    const [a, b, c, d] = await run(() => {
      const t1 = tf.contrib.lookup.indexTableFromFile(vocab, { numOovBuckets: 1 });
      const t2 = tf.contrib.lookup.indexTableFromFile({ vocabularyFile: ints, numOovBuckets: 1, keyDtype: tf.int64 });
      const t3 = tf.contrib.lookup.indexTableFromFile(vocab, { vocabSize: 2 });
      const t4 = tf.contrib.lookup.indexToStringTableFromFile(vocab);
      return [t1.lookup(tf.constant(['salad', 'surgery', 'tarkus'])), t2.lookup(tf.constant([42, 1, -1000, 11], tf.int64)), t3.lookup(tf.constant(['salad', 'surgery'])), t4.lookup(tf.constant([1, 2, 3], tf.int64))];
    });
    expect(nums(a!)).toEqual([1, 2, 3]);
    expect(nums(b!)).toEqual([0, 1, 2, 3]);
    expect(nums(c!)).toEqual([1, -1]);
    expect(strs(d!)).toEqual(['salad', 'surgery', 'UNK']);
  });

  it("the kernel's errors: vocab_size past the file, empty lines, bad numbers, missing columns or files", async () => {
    const blank = file('blank.txt', 'a\n\nb\n');
    const bad = file('bad.txt', 'a\t1\nb\tx\n');
    const table = (f: string, kd: string, ki: number, vd: string, vi: number, vs?: number) => () =>
      new tf.lookup.StaticHashTable(new tf.lookup.TextFileInitializer(f, kd, ki, vd, vi, vs ?? null), vd === 'string' ? 'x' : -1).size();
    await expect(run(table(vocab, 'string', -2, 'int64', -1, 4))).rejects.toThrow(`Invalid vocab_size in ${vocab}: expected 4 but got 3`);
    await expect(run(table(blank, 'string', -2, 'int64', -1))).rejects.toThrow(`Invalid content in ${blank}: empty line found at position`);
    await expect(run(table(bad, 'string', 0, 'int64', 1))).rejects.toThrow('Field x in line 1 is not a valid int64.');
    await expect(run(table(bad, 'string', 0, 'int64', 2))).rejects.toThrow(`Invalid number of columns in ${bad} line 0 (a\t1) : expected at least 3 got 2`);
    await expect(run(table(path.join(dir, 'none.txt'), 'string', -2, 'int64', -1))).rejects.toThrow('No such file or directory');
  });

  it("the constructors' checks (TF's texts)", () => {
    expect(() => new tf.lookup.TextFileInitializer('', tf.string, -2, tf.int64, -1)).toThrow('Filename required for None.');
    expect(() => new tf.lookup.TextFileInitializer(vocab, tf.string, -1, tf.int64, -2)).toThrow("Signature mismatch. Keys must be dtype <dtype: 'int64'>, got <dtype: 'string'>.");
    expect(() => new tf.lookup.TextFileInitializer(vocab, tf.string, -3, tf.int64, -1)).toThrow('Invalid key index -3.');
    expect(() => new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -2)).toThrow("Signature mismatch. Values must be dtype <dtype: 'string'>, got <dtype: 'int64'>.");
    expect(() => new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -1, 0)).toThrow('Invalid vocab_size 0.');
    const g = new tf.Graph();
    g.asDefault(() => {
      const init = new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.int64, -1);
      expect(() => new tf.lookup.StaticVocabularyTable(init, 0)).toThrow('oov_buckets must be > 0.');
      expect(() => new tf.lookup.StaticVocabularyTable(new tf.lookup.TextFileInitializer(vocab, tf.string, -2, tf.string, -2), 1)).toThrow('Invalid value dtype, expected int64 but got string.');
      expect(() => tf.contrib.lookup.indexTableFromFile('')).toThrow('vocabulary_file must be specified and must not be empty.');
      expect(() => tf.contrib.lookup.indexTableFromFile(vocab, { vocabSize: 0 })).toThrow(`vocab_size must be greater than 0, got 0. vocabulary_file: ${vocab}`);
      expect(init.sharedName).toBe(`hash_table_${vocab}_-2_-1`);
    });
  });
});
