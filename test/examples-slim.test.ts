/**
 * examples/tf1/slim-lenet.ts (research/slim's LeNet with slim.learning.train and
 * slim.evaluation.evaluateOnce), run bounded in child processes: TF-Slim's variable names, the
 * logged loss falling, the checkpoint and event files, the accuracy on MNIST test digits, a second
 * run on the same train dir resuming from the checkpoint, and a bad flag refused with absl's text.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-slim-example-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const example = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'examples/tf1/slim-lenet.ts', ...args], { cwd: root, timeout: 300_000, maxBuffer: 1 << 24 });
const losses = (stderr: string) => [...stderr.matchAll(/^INFO:tensorflow:global step (\d+): loss = ([\d.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);

describe('examples/tf1/slim-lenet.ts', () => {
  it('trains LeNet with slim.learning.train, evaluates the checkpoint, and resumes from it in a second run', async () => {
    const dir = path.join(tmp, 'lenet');
    const first = await example(['--max_number_of_steps', '30', '--train_dir', dir, '--eval_size', '500', '--log_every_n_steps=10']);
    expect(first.stdout).toContain(
      'Model variables: LeNet/conv1/weights [5, 5, 1, 32], LeNet/conv1/biases [32], LeNet/conv2/weights [5, 5, 32, 64], LeNet/conv2/biases [64], '
      + 'LeNet/fc3/weights [3136, 1024], LeNet/fc3/biases [1024], LeNet/fc4/weights [1024, 10], LeNet/fc4/biases [10]',
    );
    const logged = losses(first.stderr);
    expect(logged.map(([s]) => s)).toEqual([10, 20, 30]);
    // the loss of a 10-class guess is ln 10 ≈ 2.30; it falls well below
    expect(logged[2]![1]).toBeLessThan(1.2);
    expect(logged[2]![1]).toBeLessThan(logged[0]![1]);
    expect(fs.existsSync(path.join(dir, 'model.ckpt-30.index'))).toBe(true);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'eval')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(first.stdout).toMatch(new RegExp(`^Evaluated ${path.join(dir, 'model.ckpt-30').replace(/[/\\.]/g, '\\$&')} at global step 30$`, 'm'));
    const acc1 = Number(/^Accuracy: ([\d.]+)$/m.exec(first.stdout)![1]);
    expect(acc1).toBeGreaterThan(0.7);

    // the Supervisor restores step 30 and trains on to 40
    const second = await example(['--max_number_of_steps', '40', '--train_dir', dir, '--eval_size', '500']);
    expect(second.stderr).toContain(`INFO:tensorflow:Restoring parameters from ${path.join(dir, 'model.ckpt-30')}`);
    expect(losses(second.stderr).map(([s]) => s)).toEqual([40]);
    expect(fs.existsSync(path.join(dir, 'model.ckpt-40.index'))).toBe(true);
    expect(Number(/^Accuracy: ([\d.]+)$/m.exec(second.stdout)![1])).toBeGreaterThan(0.7);
  }, 300_000);

  it('refuses a bad flag value with absl\'s text', async () => {
    const err = await example(['--max_number_of_steps=0', '--train_dir', path.join(tmp, 'never')]).then(() => null, (e: { stderr: string; code: number }) => e);
    expect(err).not.toBeNull();
    expect(err!.code).not.toBe(0);
    expect(err!.stderr).toContain('flag --max_number_of_steps=0: 0 is not a positive integer');
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
  }, 120_000);
});
