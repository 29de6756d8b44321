/**
 * The README is executable documentation: its TypeScript block runs under tsx against the
 * sources here (the packed-tarball test runs the js/cjs/ts blocks against the built package), and
 * every shell command it shows is one that CI or a test runs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { readmeBlocks } from './support/readme.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const blocks = readmeBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));

it('every README code block is of a kind the tests run, and states what it prints', () => {
  expect(blocks.length).toBeGreaterThan(0);
  for (const b of blocks) {
    expect(['sh', 'ts', 'js', 'cjs', 'text'], `README block \`\`\`${b.lang}`).toContain(b.lang);
    if (b.lang !== 'sh' && b.lang !== 'text') expect(b.expected, `README \`\`\`${b.lang} block has no '// prints:' comment`).toBeDefined();
  }
});

it("the README's shell commands are exactly the two that .ci/run runs", () => {
  const ci = readFileSync(path.join(root, '.ci/run'), 'utf8');
  const commands = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.code.split('\n'))
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  expect(commands).toEqual(['npm install && npm run demo', 'npm test']);
  for (const c of commands) expect(ci).toContain(c);
});

it("the README's TypeScript block runs under tsx and prints what it says", async () => {
  const b = blocks.find((x) => x.lang === 'ts')!;
  // inside the repo (tmp/ is git-ignored), so 'tsflow' resolves to the sources through tsconfig's paths
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(root, 'tmp', 'readme-'));
  try {
    writeFileSync(path.join(dir, 'snippet.ts'), b.code);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(dir, 'snippet.ts')], {
      cwd: root,
      timeout: 120_000,
    });
    expect(stdout).toContain(b.expected!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
