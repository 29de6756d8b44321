/**
 * The Estimator ports of examples/tf1, each run in child processes (bounded): the MNIST CNN
 * (examples/tf1/convolutional-network.ts) trains, evaluates and predicts, then a second process
 * on the same model dir resumes from its checkpoint (the global step continues, TF1's restore
 * log line, the accuracy improves); the MLP (examples/tf1/neural-network.ts) trains and
 * evaluates.
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
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-estimator-examples-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function example(file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', file, ...args], { cwd: root, timeout: 420_000, maxBuffer: 1 << 24 });
}
const accuracyOf = (stdout: string): number => Number(/^Testing Accuracy: ([\d.]+)$/m.exec(stdout)![1]);

describe('examples/tf1 Estimator ports', () => {
  it('examples/tf1/convolutional-network.ts trains, evaluates, predicts, and resumes from its model dir in a second process', async () => {
    const modelDir = path.join(tmp, 'cnn');
    const args = ['--num_steps', '10', '--eval_size', '256', '--model_dir', modelDir];
    const first = await example('examples/tf1/convolutional-network.ts', args);
    expect(first.stdout).toMatch(/^Global step: 10$/m);
    expect(first.stdout).toMatch(/^Predictions: \d \d \d \d labels: 7 2 1 0$/m);
    const acc1 = accuracyOf(first.stdout);
    expect(acc1).toBeGreaterThan(0.2);
    expect(fs.existsSync(path.join(modelDir, 'model.ckpt-10.index'))).toBe(true);
    expect(fs.readdirSync(modelDir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(fs.readdirSync(path.join(modelDir, 'eval')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    // a second process on the same model dir restores step 10 and trains 10 more
    const second = await example('examples/tf1/convolutional-network.ts', [...args, '--verbose']);
    expect(second.stdout).toMatch(/^Global step: 20$/m);
    expect(fs.existsSync(path.join(modelDir, 'model.ckpt-20.index'))).toBe(true);
    expect(second.stderr).toContain(`INFO:tensorflow:Restoring parameters from ${path.join(modelDir, 'model.ckpt-10')}`);
    expect(second.stderr).toMatch(/^INFO:tensorflow:loss = [\d.e-]+, step = 11$/m);
    const acc2 = accuracyOf(second.stdout);
    expect(acc2).toBeGreaterThan(0.6);
    expect(acc2).toBeGreaterThan(acc1);
  }, 900_000);

  it('examples/tf1/neural-network.ts trains and evaluates', async () => {
    const { stdout } = await example('examples/tf1/neural-network.ts', ['--num_steps', '100', '--eval_size', '1000', '--model_dir', path.join(tmp, 'mlp')]);
    expect(stdout).toMatch(/^Global step: 100$/m);
    expect(accuracyOf(stdout)).toBeGreaterThan(0.75);
  }, 450_000);
});
