/**
 * `tf.contrib.learn.preprocessing`'s text processing (TF 1.x text.py): TF's tokenizer regex and
 * `VocabularyProcessor(maxDocumentLength, minFrequency = 0, vocabulary = null, tokenizerFn = null)`
 * mapping documents to `maxDocumentLength` word ids (0 pads, and is the unknown word), with fit /
 * transform / fitTransform / reverse and save / restore. TF pickles the processor; tsflow writes
 * it as JSON (the vocabulary's mappings and frequencies), so a saved processor restores in tsflow
 * only; a tokenizerFn is not saved (a restored processor tokenizes with TF's tokenizer).
 */
import { kwargs } from '../../../args.js';
import { DataLossError } from '../../../errors.js';
import { ioError } from '../../../checkpoint/io.js';
import { fs as nodeFs } from '../../../platform/node-builtins.js';
import { CategoricalVocabulary } from './categorical-vocabulary.js';

/** TF's TOKENIZER_RE (Python's \w with re.UNICODE: letters, digits and '_'). */
export const TOKENIZER_RE = /[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|['\p{L}\p{N}_\-]+/gu;

/** `tokenizer(iterator)`: each document's tokens (TOKENIZER_RE's matches). */
export function* tokenizer(iterator: Iterable<string>): Generator<string[]> {
  for (const value of iterator) yield value.match(TOKENIZER_RE) ?? [];
}

export type TokenizerFn = (documents: Iterable<string>) => Iterable<string[]>;

export interface VocabularyProcessorOptions {
  maxDocumentLength?: number;
  minFrequency?: number;
  vocabulary?: CategoricalVocabulary | null;
  tokenizerFn?: TokenizerFn | null;
}

const FORMAT = 'tsflow.VocabularyProcessor';

export class VocabularyProcessor {
  readonly maxDocumentLength: number;
  readonly minFrequency: number;
  /** TF's `vocabulary_`. */
  vocabulary: CategoricalVocabulary;
  private readonly tokenizerFn: TokenizerFn;

  constructor(maxDocumentLength: number | VocabularyProcessorOptions, minFrequency?: number | VocabularyProcessorOptions, vocabulary?: CategoricalVocabulary | null | VocabularyProcessorOptions, tokenizerFn?: TokenizerFn | null | VocabularyProcessorOptions) {
    const o = kwargs([maxDocumentLength, minFrequency, vocabulary, tokenizerFn], ['maxDocumentLength', 'minFrequency', 'vocabulary', 'tokenizerFn'], 'VocabularyProcessor', 1) as VocabularyProcessorOptions;
    if (!Number.isInteger(o.maxDocumentLength) || o.maxDocumentLength! < 0) throw new TypeError(`VocabularyProcessor: maxDocumentLength must be a non-negative integer, got ${String(o.maxDocumentLength)}`);
    this.maxDocumentLength = o.maxDocumentLength!;
    this.minFrequency = o.minFrequency ?? 0;
    this.vocabulary = o.vocabulary ?? new CategoricalVocabulary();
    this.tokenizerFn = o.tokenizerFn ?? tokenizer;
  }

  /** Learns the vocabulary of `rawDocuments` (then trims it to `minFrequency` and freezes it). */
  fit(rawDocuments: Iterable<string>, unusedY?: unknown): this {
    void unusedY;
    for (const tokens of this.tokenizerFn(rawDocuments)) for (const token of tokens) this.vocabulary.add(token);
    if (this.minFrequency > 0) this.vocabulary.trim(this.minFrequency);
    this.vocabulary.freeze();
    return this;
  }

  /** `fit(rawDocuments)` then `transform(rawDocuments)`, as an array of the rows. */
  fitTransform(rawDocuments: Iterable<string>, unusedY?: unknown): Generator<BigInt64Array> {
    void unusedY;
    const docs = [...rawDocuments];
    this.fit(docs);
    return this.transform(docs);
  }

  /** Each document's word ids: int64 rows of `maxDocumentLength`, 0 past the words (longer documents are cut). */
  *transform(rawDocuments: Iterable<string>): Generator<BigInt64Array> {
    for (const tokens of this.tokenizerFn(rawDocuments)) {
      const wordIds = new BigInt64Array(this.maxDocumentLength);
      for (let idx = 0; idx < tokens.length && idx < this.maxDocumentLength; idx++) wordIds[idx] = BigInt(this.vocabulary.get(tokens[idx]!));
      yield wordIds;
    }
  }

  /** The words of each row of ids, joined by spaces (0 is the unknown token). */
  *reverse(documents: Iterable<Iterable<number | bigint>>): Generator<string> {
    for (const item of documents) yield [...item].map((id) => this.vocabulary.reverse(Number(id))).join(' ');
  }

  /** Writes the processor to `filename` (JSON). */
  save(filename: string): void {
    const state = { format: FORMAT, maxDocumentLength: this.maxDocumentLength, minFrequency: this.minFrequency, vocabulary: this.vocabulary.toJSON() };
    try {
      nodeFs.writeFileSync(filename, JSON.stringify(state));
    } catch (e) {
      throw ioError(e, filename);
    }
  }

  /** The processor `save` wrote to `filename`; a file that is not one is a DataLossError naming it. */
  static restore(filename: string): VocabularyProcessor {
    let text: string;
    try {
      text = nodeFs.readFileSync(filename, 'utf8');
    } catch (e) {
      throw ioError(e, filename);
    }
    const bad = (why: string): DataLossError => new DataLossError(`${filename} is not a saved VocabularyProcessor: ${why}`);
    let j: { format?: unknown; maxDocumentLength?: unknown; minFrequency?: unknown; vocabulary?: Record<string, unknown> };
    try {
      j = JSON.parse(text);
    } catch {
      throw bad('not JSON');
    }
    if (!j || typeof j !== 'object' || j.format !== FORMAT) throw bad(`no '${FORMAT}' format mark`);
    const v = j.vocabulary;
    const pairs = (x: unknown): boolean => Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && Number.isInteger(p[1]));
    if (!Number.isInteger(j.maxDocumentLength) || (j.maxDocumentLength as number) < 0 || typeof j.minFrequency !== 'number') throw bad('bad maxDocumentLength or minFrequency');
    if (!v || typeof v.unknownToken !== 'string' || typeof v.supportReverse !== 'boolean' || typeof v.frozen !== 'boolean' || !pairs(v.mapping) || !pairs(v.freq)
      || !Array.isArray(v.reverseMapping) || !v.reverseMapping.every((s) => typeof s === 'string')) throw bad('bad vocabulary');
    const vocabulary = CategoricalVocabulary.fromJSON(v as unknown as Parameters<typeof CategoricalVocabulary.fromJSON>[0]);
    return new VocabularyProcessor(j.maxDocumentLength as number, j.minFrequency, vocabulary);
  }
}
