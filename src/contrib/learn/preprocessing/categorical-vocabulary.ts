/**
 * `tf.contrib.learn.preprocessing.CategoricalVocabulary(unknownToken = '<UNK>', supportReverse = true)`:
 * TF1's mapping of categories to ids, 0 the unknown token. New categories get the next id until
 * frozen (then 0); `trim` keeps the categories seen more than `minFrequency` times and renumbers
 * them 1..n by decreasing frequency, ties in alphabetical order, as TF's does.
 */
import { kwargs } from '../../../args.js';
import { ValueError } from '../../../errors.js';

export class CategoricalVocabulary {
  private readonly unknownToken: string;
  private readonly supportReverse: boolean;
  private mapping = new Map<string, number>();
  private reverseMapping: string[] = [];
  private freq = new Map<string, number>();
  private frozen = false;

  constructor(unknownToken?: string | { unknownToken?: string; supportReverse?: boolean }, supportReverse?: boolean) {
    const o = kwargs([unknownToken, supportReverse], ['unknownToken', 'supportReverse'], 'CategoricalVocabulary') as { unknownToken?: string; supportReverse?: boolean };
    this.unknownToken = o.unknownToken ?? '<UNK>';
    this.supportReverse = o.supportReverse ?? true;
    this.mapping.set(this.unknownToken, 0);
    if (this.supportReverse) this.reverseMapping = [this.unknownToken];
  }

  /** Python's `len(vocabulary)`: the count of mappings, the unknown token included. */
  get length(): number {
    return this.mapping.size;
  }

  /** Freezes the vocabulary (true) or unfreezes it; frozen, new categories get the unknown id 0. */
  freeze(freeze = true): void {
    this.frozen = freeze;
  }

  /** The category's id, a new one if it is new and the vocabulary is not frozen. */
  get(category: string): number {
    if (!this.mapping.has(category)) {
      if (this.frozen) return 0;
      this.mapping.set(category, this.mapping.size);
      if (this.supportReverse) this.reverseMapping.push(category);
    }
    return this.mapping.get(category)!;
  }

  /** Adds `count` to the category's frequency (the unknown token and frozen-out categories count nothing). */
  add(category: string, count = 1): void {
    if (this.get(category) <= 0) return;
    this.freq.set(category, (this.freq.get(category) ?? 0) + count);
  }

  /**
   * Keeps the categories seen more than `minFrequency` times (and, with `maxFrequency` > 0, fewer
   * than `maxFrequency`), renumbered 1..n by decreasing frequency, ties alphabetically.
   */
  trim(minFrequency: number, maxFrequency = -1): void {
    const sorted = [...this.freq].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).sort((a, b) => b[1] - a[1]);
    this.mapping = new Map([[this.unknownToken, 0]]);
    if (this.supportReverse) this.reverseMapping = [this.unknownToken];
    let idx = 1;
    for (const [category, count] of sorted) {
      if (maxFrequency > 0 && count >= maxFrequency) continue;
      if (count <= minFrequency) break;
      this.mapping.set(category, idx);
      idx += 1;
      if (this.supportReverse) this.reverseMapping.push(category);
    }
    // (as TF: the first idx - 1 entries of the sorted table)
    this.freq = new Map(sorted.slice(0, idx - 1));
  }

  /** The category of an id. */
  reverse(classId: number): string {
    if (!this.supportReverse) throw new ValueError("This vocabulary wasn't initalized with support_reverse to support reverse() function.");
    return this.reverseMapping[classId]!;
  }

  /** @internal the state `VocabularyProcessor.save` writes. */
  toJSON(): { unknownToken: string; supportReverse: boolean; mapping: [string, number][]; reverseMapping: string[]; freq: [string, number][]; frozen: boolean } {
    return { unknownToken: this.unknownToken, supportReverse: this.supportReverse, mapping: [...this.mapping], reverseMapping: this.reverseMapping, freq: [...this.freq], frozen: this.frozen };
  }

  /** @internal the inverse of toJSON (its fields already checked). */
  static fromJSON(j: ReturnType<CategoricalVocabulary['toJSON']>): CategoricalVocabulary {
    const v = new CategoricalVocabulary(j.unknownToken, j.supportReverse);
    v.mapping = new Map(j.mapping);
    v.reverseMapping = j.reverseMapping;
    v.freq = new Map(j.freq);
    v.frozen = j.frozen;
    return v;
  }
}
