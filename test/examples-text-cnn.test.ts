/**
 * Denny Britz's cnn-text-classification-tf ported line by line (the model
 * examples/tf1/text-cnn/text-cnn.ts, examples/tf1/text-cnn/data-helpers.ts and examples/tf1/text-cnn/train.ts, a dedicated test in
 * test/support/examples.ts) on a
 * synthetic polarity corpus (test/support/polarity-corpus.ts): the VocabularyProcessor's
 * vocabulary (41 = the corpus's 40 words after clean_str, and <UNK>), the 540/60 split, the dev
 * accuracy rising far above chance, checkpoints every N steps holding the model's variables,
 * train and dev summaries, and the saved vocabulary restoring.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode } from '../src/proto/codec.js';
import { type Event, EventT } from '../src/proto/summary.js';
import { decodeRecords } from '../src/io/records.js';
import { writePolarityCorpus } from './support/polarity-corpus.js';
import { root } from './support/examples.js';

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'tsflow-text-cnn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const TRAIN = 'examples/tf1/text-cnn/train.ts';

function tags(dir: string): Set<string> {
  const evs = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'))
    .flatMap((f) => decodeRecords(new Uint8Array(readFileSync(path.join(dir, f)))).map((r) => decode<Event>(EventT, r)));
  return new Set(evs.flatMap((e) => e.summary?.value.map((v) => v.tag) ?? []));
}

describe('examples/tf1/text-cnn (cnn-text-classification-tf) on a synthetic polarity corpus', () => {
  it(`${TRAIN} trains: the dev accuracy rises far above chance; checkpoints, summaries and the vocabulary are written`, async () => {
    const { pos, neg } = writePolarityCorpus(path.join(work, 'data'), 300);
    const outDir = path.join(work, 'run');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', TRAIN, '--positive_data_file', pos, '--negative_data_file', neg, '--out_dir', outDir,
      '--num_epochs', '12', '--evaluate_every', '36', '--checkpoint_every', '54', '--seed', '1'], { cwd: root, timeout: 240_000, maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/^Vocabulary Size: 41$/m);
    expect(stdout).toMatch(/^Train\/Dev split: 540\/60$/m);
    // 12 epochs of ceil(540 / 64) = 9 batches
    const trainLines = stdout.match(/^\S+: step \d+, loss [\d.e+-]+, acc [\d.]+$/gm)!;
    const evals = [...stdout.matchAll(/^Evaluation:\n\S+: step (\d+), loss ([\d.e+-]+), acc ([\d.]+)$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
    expect(trainLines.length).toBe(108 + evals.length);
    expect(evals.map(([s]) => s)).toEqual([36, 72, 108]);
    expect(evals.at(-1)![2]).toBeGreaterThan(0.85);
    expect(evals.at(-1)![1]).toBeLessThan(evals[0]![1]!);
    expect(stdout).toContain(`Saved model checkpoint to ${path.join(outDir, 'checkpoints', 'model-108')}`);
    const ckpt = tf.train.latestCheckpoint(path.join(outDir, 'checkpoints'));
    expect(ckpt).toBe(path.join(outDir, 'checkpoints', 'model-108'));
    const names = tf.train.listVariables(ckpt!).map(([n]) => n);
    // (the output layer's tf.get_variable('W') ignores the name scope, as in TF1: 'W', beside 'output/b')
    for (const n of ['embedding/W', 'conv-maxpool-3/W', 'conv-maxpool-5/b', 'W', 'output/b', 'global_step']) expect(names).toContain(n);
    expect(readdirSync(path.join(outDir, 'checkpoints')).filter((f) => f.endsWith('.index')).sort()).toEqual(['model-108.index', 'model-54.index']);
    // TF1's tags: 'loss' / 'accuracy' name scopes are the model's, so the summaries are loss_1 / accuracy_1; ':' cleaned
    const trainTags = tags(path.join(outDir, 'summaries', 'train'));
    for (const t of ['loss_1', 'accuracy_1', 'embedding/W_0/grad/hist', 'W_0/grad/sparsity']) expect(trainTags).toContain(t);
    expect([...tags(path.join(outDir, 'summaries', 'dev'))].sort()).toEqual(['accuracy_1', 'loss_1']);
    const vocab = tf.contrib.learn.preprocessing.VocabularyProcessor.restore(path.join(outDir, 'vocab'));
    expect(vocab.vocabulary.length).toBe(41);
    const row = [...vocab.transform(['the film is wonderful'])][0]!;
    expect(row.length).toBe(vocab.maxDocumentLength);
    expect([...vocab.reverse([row])][0]!.split(' ').slice(0, 5)).toEqual(['the', 'film', 'is', 'wonderful', '<UNK>']);
  }, 300_000);
});
