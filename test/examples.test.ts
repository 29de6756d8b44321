/**
 * Examples are executable documentation: every file under examples/ runs here (bounded steps)
 * and its output is checked. A file declares how in comments:
 *   // test-args: --epochs 1          arguments for the run (optional)
 *   // test-check: <regular expression>   stdout must match (one or more lines)
 * or is covered by a dedicated test named in `dedicated` below.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Examples with a test file of their own (richer checks than a pattern). */
const dedicated: Record<string, string> = {
  'examples/fine-tune.ts': 'test/fine-tune-example.test.ts',
  'examples/tf1/convolutional-network.ts': 'test/examples-estimator.test.ts',
  'examples/tf1/neural-network.ts': 'test/examples-estimator.test.ts',
  'examples/tf1/tensorboard-basic.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/tensorboard-advanced.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/mnist-with-summaries.ts': 'test/examples-tensorboard.test.ts',
  'examples/tf1/char-rnn.ts': 'test/examples-char-rnn.test.ts',
  // a page script (bundled by scripts/build-demo.ts), run in headless Chromium
  'examples/browser/main.ts': 'test/browser/demo.test.ts',
};

function examples(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? examples(`${dir}/${e.name}`) : /\.(ts|mjs|js)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

describe('examples/', () => {
  for (const file of examples('examples')) {
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
