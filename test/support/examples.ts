/**
 * Runner for the examples tests. Examples are executable documentation: every file under
 * examples/ runs (bounded steps) and its output is checked. A file declares how in comments:
 *   // test-args: --epochs 1          arguments for the run (optional)
 *   // test-check: <regular expression>   stdout must match (one or more lines)
 * or is covered by a dedicated test named in `dedicated` below.
 *
 * The examples are split over a few test files (shards) so that test workers run them side by
 * side: `SHARDS` names the examples of each shard but the default one; the default shard
 * (test/examples.test.ts) runs every other example, so each example runs exactly once.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Examples with a test file of their own (richer checks than a pattern). */
export const dedicated: Record<string, string> = {
  'examples/fine-tune.ts': 'test/fine-tune-example.test.ts',
  'examples/tf1/convolutional-network.ts': 'test/examples-estimator.test.ts',
  'examples/tf1/neural-network.ts': 'test/examples-estimator.test.ts',
  'examples/tf1/tensorboard-basic.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/tensorboard-advanced.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/mnist-with-summaries.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/char-rnn.ts': 'test/examples-char-rnn.test.ts',
  'examples/tf1/bilstm-crf-tagger.ts': 'test/examples-crf.test.ts',
  'examples/tf1/wide-and-deep.ts': 'test/estimator-wide-deep.test.ts',
  'examples/tf1/mnist-saved-model.ts': 'test/examples-saved-model.test.ts',
  'examples/tf1/slim-lenet.ts': 'test/examples-slim.test.ts',
  'examples/tf1/cifar10/cifar10-input.ts': 'test/examples-cifar10.test.ts',
  'examples/tf1/cifar10/cifar10.ts': 'test/examples-cifar10.test.ts',
  'examples/tf1/cifar10/cifar10-train.ts': 'test/examples-cifar10.test.ts',
  'examples/tf1/cifar10/cifar10-eval.ts': 'test/examples-cifar10.test.ts',
  'examples/tf1/text-cnn/text-cnn.ts': 'test/examples-text-cnn.test.ts',
  'examples/tf1/text-cnn/data-helpers.ts': 'test/examples-text-cnn.test.ts',
  'examples/tf1/text-cnn/train.ts': 'test/examples-text-cnn.test.ts',
  'examples/tf1/bert/modeling.ts': 'test/examples-bert.test.ts',
  'examples/tf1/bert/optimization.ts': 'test/examples-bert.test.ts',
  'examples/tf1/bert/train.ts': 'test/examples-bert.test.ts',
  'examples/tf1/speech-commands/models.ts': 'test/examples-speech-commands.test.ts',
  'examples/tf1/speech-commands/input-data.ts': 'test/examples-speech-commands.test.ts',
  'examples/tf1/speech-commands/train.ts': 'test/examples-speech-commands.test.ts',
  // a page script (bundled by scripts/build-demo.ts), run in headless Chromium
  'examples/browser/main.ts': 'test/browser/demo.test.ts',
};

/** The examples of each shard but the default one, by shard name (the test file test/examples-<name>.test.ts). */
export const SHARDS: Record<string, string[]> = {
  rnn: ['examples/tf1/recurrent-network.ts', 'examples/tf1/bidirectional-rnn.ts', 'examples/tf1/dynamic-rnn.ts', 'examples/tf1/word2vec-basic.ts', 'examples/tf1/ptb-word-lm.ts', 'examples/tf1/seq2seq-reverse.ts', 'examples/tf1/nmt-attention.ts'],
  cnn: [
    'examples/tf1/convolutional-network-raw.ts',
    'examples/tf1/save-restore-model.ts',
    'examples/tf1/logistic-regression.ts',
    'examples/tf1/mnist-deep.ts',
    'examples/tf1/multigpu-cnn.ts',
    'examples/tf1/autoencoder.ts',
  ],
};

export function allExamples(dir = 'examples'): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allExamples(`${dir}/${e.name}`) : /\.(ts|mjs|js)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

/** The examples of shard `name` ('default': every example no other shard names). */
export function shardExamples(name: string): string[] {
  if (name !== 'default') return SHARDS[name]!;
  const named = new Set(Object.values(SHARDS).flat());
  return allExamples().filter((f) => !named.has(f));
}

/** The tests of one shard: each example runs with its test-args and its stdout matches its test-checks. */
export function describeExamples(name: string): void {
  describe(`examples/ (${name === 'default' ? 'the examples no other shard runs' : `shard ${name}`})`, () => {
    for (const file of shardExamples(name)) {
      const src = readFileSync(path.join(root, file), 'utf8');
      const checks = [...src.matchAll(/^\/\/ test-check: (.+)$/gm)].map((m) => new RegExp(m[1]!.trim(), 'm'));
      const args = /^\/\/ test-args: (.+)$/m.exec(src)?.[1]?.trim().split(/\s+/) ?? [];
      if (dedicated[file]) {
        it(`${file} is covered by ${dedicated[file]}`, () => {
          expect(readFileSync(path.join(root, dedicated[file]!), 'utf8')).toContain(file);
        });
        continue;
      }
      it(`${file} runs and prints what it should`, async () => {
        expect(checks.length, `${file} has no '// test-check:' line`).toBeGreaterThan(0);
        const { stdout } = await run(process.execPath, ['--import', 'tsx', file, ...args], {
          cwd: root,
          timeout: 240_000,
          maxBuffer: 1 << 24,
        });
        for (const c of checks) expect(stdout).toMatch(c);
      }, 300_000);
    }
  });
}
