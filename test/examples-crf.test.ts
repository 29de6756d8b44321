/**
 * examples/tf1/bilstm-crf-tagger.ts (guillaumegenthial/sequence_tagging's BiLSTM-CRF) on its
 * synthetic NER corpus, 4 epochs: the dev token accuracy and chunk F1 rise from untrained
 * levels to far above chance (20% per token; always "O" is about 55%), the epoch loss falls, and
 * crfDecode in the graph decodes every dev sentence as viterbiDecode does on the fetched scores.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { root } from './support/examples.js';

const run = promisify(execFile);
const FILE = 'examples/tf1/bilstm-crf-tagger.ts';

const num = (re: RegExp, s: string): number[] => [...s.matchAll(new RegExp(re, 'gm'))].map((m) => Number(m[1]));

describe('examples/tf1/bilstm-crf-tagger.ts (BiLSTM-CRF tagger)', () => {
  it(`${FILE} trains 4 epochs: token accuracy and F1 far above chance, crfDecode equal to viterbiDecode`, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', FILE, '--nepochs', '4', '--seed', '1'], { cwd: root, timeout: 120_000, maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/^words 32, tags 5, train 240 sentences, dev 100$/m);
    const [before] = num(/^before training: dev acc (\d+\.\d\d) - f1 \d+\.\d\d$/, stdout);
    expect(before).toBeLessThan(60);
    const losses = num(/^train loss (-?\d+\.\d{4}) - dev acc \d+\.\d\d - f1 \d+\.\d\d$/, stdout);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]! / 4);
    const accs = num(/^train loss -?\d+\.\d{4} - dev acc (\d+\.\d\d)/, stdout);
    expect(accs[3]!).toBeGreaterThan(accs[0]!);
    const m = /^final dev acc (\d+\.\d\d) - f1 (\d+\.\d\d)$/m.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(90);
    expect(Number(m![2])).toBeGreaterThanOrEqual(80);
    expect(stdout).toMatch(/^crf_decode agrees with viterbi_decode on 100 of 100 dev sentences$/m);
  }, 150_000);
});
