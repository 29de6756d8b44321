/**
 * examples/tf1/char-rnn.ts (the TF1 char-rnn: MultiRNNCell of BasicLSTMCells over dynamicRnn,
 * sequence loss, clipByGlobalNorm, Adam, sampling) run bounded in a child process: the validation
 * perplexity starts near the uniform one (the vocabulary size) and falls well below it, the
 * training loss falls, and the sample is text of the vocabulary.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

describe('examples/tf1/char-rnn.ts', () => {
  it('trains a 2-layer character LSTM on Shakespeare: validation perplexity well below the uniform baseline, then samples', async () => {
    const args = ['--num_steps', '120', '--learning_rate', '0.01', '--rnn_size', '64', '--seq_length', '25', '--batch_size', '32', '--text_chars', '200000', '--display_step', '40', '--sample', '200'];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/tf1/char-rnn.ts', ...args], { cwd: root, timeout: 600_000, maxBuffer: 1 << 24 });
    const vocab = Number(/^text: 200000 characters, vocabulary of (\d+);/m.exec(stdout)![1]);
    expect(vocab).toBeGreaterThan(50);
    const before = Number(/^uniform perplexity: \d+; before training: validation perplexity ([\d.]+)$/m.exec(stdout)![1]);
    const after = Number(/^validation perplexity: ([\d.]+) \(uniform: \d+\)$/m.exec(stdout)![1]);
    // an untrained model is about as good as the uniform guess; a trained one far better
    expect(before).toBeGreaterThan(vocab * 0.8);
    expect(before).toBeLessThan(vocab * 1.25);
    expect(after).toBeLessThan(vocab / 4);
    const losses = [...stdout.matchAll(/train_loss = ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThanOrEqual(3);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 1);
    const sample = stdout.split('\nsample:\n')[1]!.trimEnd();
    expect(sample.startsWith('The ')).toBe(true);
    expect(sample.length).toBe(4 + 200);
  }, 660_000);
});
