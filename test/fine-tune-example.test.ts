import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('examples/fine-tune.ts restores what fits, shows the mismatch, and keeps training', async () => {
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/fine-tune.ts'], {
    cwd: root,
    timeout: 60_000,
    maxBuffer: 1 << 20,
  });
  expect(stdout).toContain('Assign requires shapes of both tensors to match. lhs shape= [24,10] rhs shape= [32,10]');
  expect(stdout).toContain('Key layer2/biases not found in checkpoint');
  expect(stdout).toContain('restoring layer1/weights, layer1/biases, out/biases');
  expect(stdout).toContain('layer1/weights equal to the saved ones: true');
  const acc = [...stdout.matchAll(/accuracy ([\d.]+) %/g)].map((m) => Number(m[1]));
  expect(acc).toHaveLength(3);
  expect(acc[0]).toBeGreaterThan(75);
  expect(acc[2]).toBeGreaterThan(75);
}, 90_000);
