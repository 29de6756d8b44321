/**
 * tf.contrib.learn.preprocessing: TF's tokenizer, CategoricalVocabulary and VocabularyProcessor
 * (fit / transform / fitTransform / reverse / save / restore), with the values of TF 1.x's
 * text_test.py and categorical_vocabulary_test.py, plus trim's ordering and malformed saves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const { VocabularyProcessor, CategoricalVocabulary, tokenizer } = tf.contrib.learn.preprocessing;
const dir = mkdtempSync(join(tmpdir(), 'tsflow-vocab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rows = (g: Iterable<BigInt64Array>): number[][] => [...g].map((r) => [...r].map(Number));

describe('tf.contrib.learn.preprocessing', () => {
  it("tokenizer: TF's TOKENIZER_RE (words, '-' alone, Unicode letters, capitals)", () => {
    expect([...tokenizer(['a b c', 'a\nb\nc', 'a, b - c', 'фыв выф', '你好 怎么样'])]).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', '-', 'c'], ['фыв', 'выф'], ['你好', '怎么样']]);
    expect([...tokenizer(["HelloWorld NASA rocks ABCdef don't x_y2"])]).toEqual([['Hello', 'World', 'NASA', 'rocks', 'AB', 'Cdef', "don't", 'x_y2']]);
  });

  it('VocabularyProcessor: fitTransform with minFrequency 1, maxDocumentLength cuts and pads', () => {
    const vp = new VocabularyProcessor({ maxDocumentLength: 4, minFrequency: 1 });
    expect(rows(vp.fitTransform(['a b c', 'a\nb\nc', 'a, b - c']))).toEqual([[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 0, 3]]);
    expect(vp.vocabulary.length).toBe(4);
    expect(rows(vp.transform(['c c b a a zzz', '']))).toEqual([[3, 3, 2, 1], [0, 0, 0, 0]]);
    expect([...vp.reverse([[1, 2, 0, 3]])]).toEqual(['a b <UNK> c']);
  });

  it('VocabularyProcessor: ids in order of appearance without minFrequency; an existing frozen vocabulary', () => {
    const vp = new VocabularyProcessor(3);
    expect(rows(vp.fitTransform(['b a', 'c b d']))).toEqual([[1, 2, 0], [3, 1, 4]]);
    const vocab = new CategoricalVocabulary();
    vocab.get('A');
    vocab.get('B');
    vocab.freeze();
    const vp2 = new VocabularyProcessor({ maxDocumentLength: 4, vocabulary: vocab });
    expect(rows(vp2.fitTransform(['a b c', 'A B c']))).toEqual([[0, 0, 0, 0], [1, 2, 0, 0]]);
  });

  it('CategoricalVocabulary: get, add, trim (by decreasing frequency, ties alphabetically), reverse', () => {
    const v = new CategoricalVocabulary();
    expect(v.get('c')).toBe(1);
    for (const [w, n] of [['c', 1], ['b', 3], ['a', 3], ['d', 2], ['e', 1]] as const) v.add(w, n);
    v.add('<UNK>', 5);
    expect(v.length).toBe(6);
    v.trim(1);
    expect([1, 2, 3].map((i) => v.reverse(i))).toEqual(['a', 'b', 'd']);
    expect([v.get('a'), v.get('b'), v.get('d'), v.length]).toEqual([1, 2, 3, 4]);
    v.freeze();
    expect(v.get('e')).toBe(0);
    expect(v.reverse(0)).toBe('<UNK>');
    const v2 = new CategoricalVocabulary({ supportReverse: false });
    expect(() => v2.reverse(0)).toThrow("This vocabulary wasn't initalized with support_reverse to support reverse() function.");
  });

  it('save / restore; a malformed file is a DataLossError naming it', () => {
    const vp = new VocabularyProcessor({ maxDocumentLength: 4, minFrequency: 1 });
    [...vp.fitTransform(['a b c', 'a\nb\nc', 'a, b - c'])];
    const file = join(dir, 'vocab');
    vp.save(file);
    const back = VocabularyProcessor.restore(file);
    expect(back.maxDocumentLength).toBe(4);
    expect(rows(back.transform(['a b c', 'new c']))).toEqual([[1, 2, 3, 0], [0, 3, 0, 0]]);
    expect(back.vocabulary.length).toBe(4);
    const bad = join(dir, 'bad');
    writeFileSync(bad, '\x80\x03}q\x00');
    expect(() => VocabularyProcessor.restore(bad)).toThrow(tf.errors.DataLossError);
    expect(() => VocabularyProcessor.restore(bad)).toThrow(bad);
    writeFileSync(bad, JSON.stringify({ format: 'tsflow.VocabularyProcessor', maxDocumentLength: 4, minFrequency: 0, vocabulary: { mapping: 3 } }));
    expect(() => VocabularyProcessor.restore(bad)).toThrow(/bad vocabulary/);
    expect(() => VocabularyProcessor.restore(join(dir, 'missing'))).toThrow(tf.errors.NotFoundError);
  });
});
