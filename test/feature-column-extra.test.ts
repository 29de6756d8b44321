/**
 * tf.feature_column additions (TF 1.15): categorical_column_with_vocabulary_file,
 * weighted_categorical_column, shared_embedding_columns, make_parse_example_spec, the sequence
 * columns and tf.contrib.feature_column.sequence_input_layer, run on tf.Examples parsed with
 * the columns' own spec; goldens by hand (weights assigned, sums written out), TF's texts.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const fc = tf.featureColumn;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-extra-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
const words = file('words.txt', 'a\nb\nc\n');
const codes = file('codes.txt', '42\n1\n-1000\n');

type FeatureInit = { bytes?: string[]; floats?: number[]; ints?: number[] };
function examples(rows: Record<string, FeatureInit>[]): Uint8Array[] {
  return rows.map((r) =>
    new tf.train.Example({
      features: {
        feature: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.bytes ? { bytesList: { value: v.bytes } } : v.floats ? { floatList: { value: v.floats } } : { int64List: { value: v.ints! } }])),
      },
    }).serializeToString(),
  );
}

/** Builds in a fresh graph: parsed features → the model; runs table and variable initializers, then the assignments, then the outputs. */
async function run(rows: Record<string, FeatureInit>[], columns: () => tf.featureColumn.FeatureColumn[], model: (f: tf.featureColumn.Features, cols: tf.featureColumn.FeatureColumn[]) => { outs: tf.Tensor[]; assign?: () => tf.Tensor[] }): Promise<NDArray[]> {
  const g = new tf.Graph();
  const built = g.asDefault(() => {
    const cols = columns();
    const spec = fc.makeParseExampleSpec(cols);
    const serialized = tf.constant(examples(rows).map((b) => b), tf.string);
    const features = tf.parseExample(serialized, spec as never) as unknown as tf.featureColumn.Features;
    const m = model(features, cols);
    return { ...m, init: [tf.tablesInitializer(), tf.globalVariablesInitializer()], assigns: m.assign?.() ?? [] };
  });
  const sess = new tf.Session({ graph: g });
  try {
    await sess.run(built.init);
    if (built.assigns.length) await sess.run(built.assigns);
    return (await sess.run(built.outs)) as NDArray[];
  } finally {
    await sess.close();
  }
}

const varNamed = (name: string): tf.Variable => {
  const v = tf.globalVariables().find((x) => x.name === `${name}:0` || x.name === name);
  if (!v) throw new Error(`no variable ${name}: ${tf.globalVariables().map((x) => x.name).join(', ')}`);
  return v;
};
const close = (a: NDArray, want: number[][] | number[][][], eps = 1e-5): void => {
  const got = a.toArray() as number[][];
  expect(got.flat(3).length).toBe(want.flat(3).length);
  (got.flat(3) as number[]).forEach((x, i) => expect(Math.abs(x - (want.flat(3) as number[])[i]!)).toBeLessThan(eps));
};

const rowsLinear: Record<string, FeatureInit>[] = [
  { word: { bytes: ['b', 'c'] }, w: { floats: [2, 0.5] }, price: { floats: [3] } },
  { word: { bytes: ['a'] }, w: { floats: [1] }, price: { floats: [1] } },
  { word: { bytes: ['z'] }, w: { floats: [4] }, price: { floats: [0] } },
];

describe('tf.feature_column: vocabulary file, weighted, shared embeddings, parse spec', () => {
  it('make_parse_example_spec: FixedLenFeature for numeric, VarLenFeature for categorical and weights', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const spec = fc.makeParseExampleSpec([
        fc.numericColumn('price', { shape: 2, defaultValue: 0 }),
        fc.weightedCategoricalColumn(fc.categoricalColumnWithVocabularyFile('word', words), 'w'),
        fc.embeddingColumn(fc.categoricalColumnWithIdentity('id', 5), 3),
        fc.crossedColumn(['s', fc.categoricalColumnWithIdentity('id', 5)], 10),
      ]);
      expect(Object.keys(spec).sort()).toEqual(['id', 'price', 's', 'w', 'word']);
      expect(spec.price).toBeInstanceOf(tf.FixedLenFeature);
      expect((spec.price as tf.FixedLenFeature).shape).toEqual([2]);
      expect(spec.word).toBeInstanceOf(tf.VarLenFeature);
      expect([spec.word!.dtype, spec.w!.dtype, spec.id!.dtype, spec.s!.dtype]).toEqual(['string', 'float32', 'int64', 'string']);
      expect(() => fc.makeParseExampleSpec([fc.numericColumn('x'), fc.categoricalColumnWithIdentity('x', 3)])).toThrow(
        'feature_columns contain different parse_spec for key x. Given FixedLenFeature(shape=(1,), dtype=tf.float32, default_value=None) and VarLenFeature(dtype=tf.int64)',
      );
    });
  });

  for (const [combiner, want] of [['sum', [76.5, 3.5, 0.5]], ['mean', [34.5, 3.5, 0.5]], ['sqrtn', [70 / Math.sqrt(4.25) + 6.5, 3.5, 0.5]]] as const) {
    it(`linear_model over parsed examples: vocabulary-file ids weighted, sparse_combiner=${combiner}`, async () => {
      const [out] = await run(rowsLinear, () => [fc.numericColumn('price'), fc.weightedCategoricalColumn(fc.categoricalColumnWithVocabularyFile('word', words), 'w')], (f, cols) => ({
        outs: [fc.linearModel(f, cols, { sparseCombiner: combiner })],
        assign: () => [
          tf.assign(varNamed('linear_model/word_weighted_by_w/weights'), tf.constant([[1], [10], [100]])),
          tf.assign(varNamed('linear_model/price/weights'), tf.constant([[2]])),
          tf.assign(varNamed('linear_model/bias_weights'), tf.constant([0.5])),
        ],
      }));
      // ex0: Σ w·W[id] = 2·10 + 0.5·100 = 70 (mean ÷ 2.5, sqrtn ÷ √4.25), + 2·3 + 0.5; ex2's 'z' is out of the vocabulary
      close(out!, want.map((x) => [x]));
    });
  }

  it('input_layer: shared embeddings (one variable), an indicator of integer vocabulary-file ids with an OOV bucket', async () => {
    const rows: Record<string, FeatureInit>[] = [
      { a: { ints: [0, 2] }, b: { ints: [1] }, code: { ints: [1, 7] } },
      { a: { ints: [1] }, b: { ints: [] }, code: { ints: [-1000] } },
    ];
    let names: string[] = [];
    const [out] = await run(rows, () => [
      ...fc.sharedEmbeddingColumns([fc.categoricalColumnWithIdentity('b', 3), fc.categoricalColumnWithIdentity('a', 3)], 2),
      fc.indicatorColumn(fc.categoricalColumnWithVocabularyFile('code', codes, { dtype: tf.int64, numOovBuckets: 1 })),
    ], (f, cols) => {
      const outs = [fc.inputLayer(f, cols)];
      names = tf.globalVariables().map((v) => v.name);
      return { outs, assign: () => [tf.assign(varNamed('input_layer/a_b_shared_embedding/embedding_weights'), tf.constant([[1, 2], [3, 4], [5, 6]]))] };
    });
    expect(names).toEqual(['input_layer/a_b_shared_embedding/embedding_weights:0']);
    // a: mean of rows 0, 2 = [3, 4] | b: row 1 = [3, 4] | code: 1 → id 1, 7 → the OOV id 3
    close(out!, [[3, 4, 3, 4, 0, 1, 0, 1], [3, 4, 0, 0, 0, 0, 1, 0]]);
  });

  it("TF's errors", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => fc.categoricalColumnWithVocabularyFile('k', path.join(dir, 'none.txt'))).toThrow('vocabulary_file in k does not exist.');
      expect(() => fc.categoricalColumnWithVocabularyFile('k', '')).toThrow('Missing vocabulary_file in k.');
      expect(() => fc.categoricalColumnWithVocabularyFile('k', words, 3, 2, 0)).toThrow("Can't specify both num_oov_buckets and default_value in k.");
      expect(() => fc.weightedCategoricalColumn(fc.categoricalColumnWithIdentity('i', 2), 'w', tf.string)).toThrow('dtype string is not convertible to float.');
      expect(() => fc.sharedEmbeddingColumns([fc.categoricalColumnWithIdentity('i', 2), fc.categoricalColumnWithIdentity('j', 3)], 2)).toThrow(
        'To use shared_embedding_column, all categorical_columns must have the same number of buckets.',
      );
      const sp = tf.parseExample(tf.constant(examples([{ x: { floats: [1] } }]), tf.string), { x: new tf.VarLenFeature(tf.float32) }) as unknown as tf.featureColumn.Features;
      expect(() => fc.inputLayer(sp, [fc.numericColumn('x')])).toThrow('The corresponding Tensor of numerical column must be a Tensor. SparseTensor is not supported. key: x');
    });
    // a vocabulary_size past the file's lines fails when the table is filled, with the kernel's text
    await expect(run([{ word: { bytes: ['a'] } }], () => [fc.indicatorColumn(fc.categoricalColumnWithVocabularyFile('word', words, 5))], (f, cols) => ({ outs: [fc.inputLayer(f, cols)] })))
      .rejects.toThrow(`Invalid vocab_size in ${words}: expected 5 but got 3`);
  });
});

describe('sequence columns and tf.contrib.featureColumn.sequenceInputLayer', () => {
  const rows: Record<string, FeatureInit>[] = [
    { temp: { floats: [1, 2, 3, 4] }, tok: { ints: [3, 0] }, w: { bytes: ['y', 'q'] } },
    { temp: { floats: [5, 6] }, tok: { ints: [2] }, w: { bytes: ['x'] } },
  ];

  it('numeric (2 values a step) and indicator of identity ids: per-step values, lengths', async () => {
    const [seq, len] = await run(rows, () => [fc.sequenceNumericColumn('temp', { shape: [2] }), fc.indicatorColumn(fc.sequenceCategoricalColumnWithIdentity('tok', 4))], (f, cols) => ({
      outs: tf.contrib.featureColumn.sequenceInputLayer(f, cols),
    }));
    close(seq!, [[[1, 2, 0, 0, 0, 1], [3, 4, 1, 0, 0, 0]], [[5, 6, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0]]]);
    expect(Array.from(len!.data as ArrayLike<number>, Number)).toEqual([2, 1]);
    expect(len!.dtype).toBe('int64');
  });

  it('embedding of a vocabulary-list sequence: one row a step, an OOV step zeros but counted in the length', async () => {
    const [seq, len] = await run(rows, () => [fc.embeddingColumn(fc.sequenceCategoricalColumnWithVocabularyList('w', ['x', 'y', 'z']), 2)], (f, cols) => ({
      outs: tf.contrib.featureColumn.sequenceInputLayer(f, cols),
      assign: () => [tf.assign(varNamed('sequence_input_layer/w_embedding/embedding_weights'), tf.constant([[1, -1], [2, 5], [7, 7]]))],
    }));
    close(seq!, [[[2, 5], [0, 0]], [[1, -1], [0, 0]]]);
    expect(Array.from(len!.data as ArrayLike<number>, Number)).toEqual([2, 1]);
  });

  it('hash-bucket and vocabulary-file sequences; columns whose lengths differ fail the run', async () => {
    const r2: Record<string, FeatureInit>[] = [{ s: { bytes: ['a', 'b', 'c'] }, v: { bytes: ['c', 'a'] } }];
    const [h, v] = await run(r2, () => [fc.indicatorColumn(fc.sequenceCategoricalColumnWithHashBucket('s', 10))], (f, cols) => ({
      outs: [tf.contrib.featureColumn.sequenceInputLayer(f, cols)[0], tf.stringToHashBucketFast(tf.constant(['a', 'b', 'c']), 10)],
    }));
    const buckets = Array.from(v!.data as ArrayLike<number>, Number);
    expect(buckets).toEqual([9, 2, 2]); // TF's Fingerprint64 goldens for 'a', 'b', 'c'
    close(h!, [buckets.map((b) => Array.from({ length: 10 }, (_, i) => (i === b ? 1 : 0)))]);
    const [vf] = await run(r2, () => [fc.indicatorColumn(fc.sequenceCategoricalColumnWithVocabularyFile('v', words))], (f, cols) => ({ outs: [tf.contrib.featureColumn.sequenceInputLayer(f, cols)[0]] }));
    close(vf!, [[[0, 0, 1], [1, 0, 0]]]);
    await expect(run(r2, () => [fc.indicatorColumn(fc.sequenceCategoricalColumnWithHashBucket('s', 10)), fc.indicatorColumn(fc.sequenceCategoricalColumnWithVocabularyFile('v', words))], (f, cols) => ({
      outs: tf.contrib.featureColumn.sequenceInputLayer(f, cols),
    }))).rejects.toThrow();
  });

  it('concatenate_context_input repeats the context at each step', async () => {
    const g = new tf.Graph();
    const out = g.asDefault(() => tf.contrib.featureColumn.concatenateContextInput(tf.constant([[9], [8]]), tf.constant([[[1], [2]], [[3], [4]]])));
    const sess = new tf.Session({ graph: g });
    close((await sess.run(out)) as NDArray, [[[1, 9], [2, 9]], [[3, 8], [4, 8]]]);
    await sess.close();
  });

  it("TF's errors: sequence columns under input_layer, plain columns under sequence_input_layer", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const f = { tok: tf.constant([[1, 2]], tf.int64) };
      expect(() => fc.inputLayer(f, [fc.embeddingColumn(fc.sequenceCategoricalColumnWithIdentity('tok', 4), 2)])).toThrow(
        'In embedding_column: tok_embedding. categorical_column must not be of type _SequenceCategoricalColumn. Suggested fix A: If you wish to use input_layer, use a non-sequence categorical_column_with_*.',
      );
      expect(() => fc.inputLayer(f, [fc.indicatorColumn(fc.sequenceCategoricalColumnWithIdentity('tok', 4))])).toThrow('In indicator_column: tok_indicator. categorical_column must not be of type _SequenceCategoricalColumn.');
      expect(() => tf.contrib.featureColumn.sequenceInputLayer(f, [fc.indicatorColumn(fc.categoricalColumnWithIdentity('tok', 4))])).toThrow(
        'In indicator_column: tok_indicator. categorical_column must be of type _SequenceCategoricalColumn to use sequence_input_layer.',
      );
      expect(() => tf.contrib.featureColumn.sequenceInputLayer(f, [fc.numericColumn('tok')])).toThrow('All feature_columns must be of type _SequenceDenseColumn.');
      expect(() => tf.contrib.featureColumn.sequenceInputLayer(f, [fc.sequenceNumericColumn('tok')])).toThrow('Input must be a SparseTensor.');
    });
  });
});
