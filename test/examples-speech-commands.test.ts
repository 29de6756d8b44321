/**
 * examples/tf1/speech-commands/train.ts, examples/tf1/speech-commands/models.ts and
 * examples/tf1/speech-commands/input-data.ts (TF's speech_commands train.py, models.py and input_data.py): the
 * training run on synthetic words (bounded steps, accuracy well above chance), and the pieces TF
 * fixes — model settings for TF's default flags, the stable SHA-1 split, the word list.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { root } from './support/examples.js';
import { prepareModelSettings } from '../examples/tf1/speech-commands/models.js';
import { prepareWordsList, whichSet } from '../examples/tf1/speech-commands/input-data.js';

const run = promisify(execFile);

describe('examples/tf1/speech-commands', () => {
  it('model settings and data split are TF\'s', () => {
    // TF's defaults: 16 kHz, 1 s clips, 30 ms windows every 10 ms, 40 MFCC bins → 98 × 40.
    expect(prepareModelSettings(12, 16000, 1000, 30, 10, 40, 'mfcc')).toMatchObject({
      desiredSamples: 16000, windowSizeSamples: 480, windowStrideSamples: 160, spectrogramLength: 98, fingerprintWidth: 40, fingerprintSize: 3920, labelCount: 12,
    });
    expect(prepareWordsList(['yes', 'no'])).toEqual(['_silence_', '_unknown_', 'yes', 'no']);
    // The split hashes the speaker part of the name only, so a speaker's clips share a set.
    const sets = ['a1b2c3d4_nohash_0.wav', 'a1b2c3d4_nohash_1.wav', 'a1b2c3d4_nohash_7.wav'].map((f) => whichSet(`yes/${f}`, 10, 10));
    expect(new Set(sets).size).toBe(1);
    const counts = { training: 0, validation: 0, testing: 0 };
    for (let i = 0; i < 2000; i++) counts[whichSet(`w/${i.toString(16)}_nohash_0.wav`, 10, 10)]++;
    expect(counts.validation).toBeGreaterThan(140);
    expect(counts.validation).toBeLessThan(260);
    expect(counts.testing).toBeGreaterThan(140);
    expect(counts.testing).toBeLessThan(260);
  });

  it('train.ts trains tiny_conv on MFCCs of synthetic words', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/tf1/speech-commands/train.ts', '--how_many_training_steps', '160,40', '--learning_rate', '0.01,0.001', '--eval_step_interval', '100'], {
      cwd: root, timeout: 280_000, maxBuffer: 1 << 24,
    });
    expect(stdout).toMatch(/^Step #1: rate 0\.010000, accuracy \d+\.\d%, cross entropy 1\.\d+$/m);
    expect(stdout).toMatch(/^Confusion Matrix:\n(\[.*\]\n){6}Step 100: Validation accuracy = \d+\.\d% \(N=\d+\)$/m);
    const final = /^Final test accuracy = (\d+\.\d)% \(N=(\d+)\)$/m.exec(stdout);
    expect(final, stdout).not.toBeNull();
    expect(Number(final![1])).toBeGreaterThanOrEqual(75);
    expect(Number(final![2])).toBeGreaterThan(20);
  }, 300_000);
});
