/**
 * The published package, as users install it: `npm pack` → install the tarball into a scratch
 * project (npm registry / local cache only, optional dependencies left out) → run the README's
 * snippets there as ESM, as CommonJS (`require`, where Node can require ES modules) and as
 * strict TypeScript compiled by `tsc`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from './support/readme.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
/** Node ≥ 20.19 / 22.12 loads ES modules from `require` without a flag. */
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19) || (major === 23);

const blocks = readmeBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));
const block = (lang: string) => {
  const b = blocks.find((x) => x.lang === lang);
  if (!b) throw new Error(`README has no \`\`\`${lang} block`);
  return b;
};

describe('the packed tarball in scratch projects', () => {
  let dir = '';
  let packed: string[] = [];
  let pkg: { scripts?: Record<string, string> } = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsflow-pack-'));
    // `npm pack` would build dist/ itself (prepack); building here first, with tsc's emit alone (the
    // same files; the type check reports type errors), keeps a type error elsewhere from hiding what
    // this test checks
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck'], { cwd: root, timeout: 300_000 }).catch(() => undefined);
    const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: root,
      timeout: 300_000,
      maxBuffer: 1 << 26,
    });
    const info = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = path.join(dir, info[0]!.filename);
    packed = info[0]!.files.map((f) => f.path);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', tarball, '@types/node@20'], {
      cwd: dir,
      timeout: 300_000,
    });
    pkg = JSON.parse(readFileSync(path.join(dir, 'node_modules/tsflow/package.json'), 'utf8'));
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the build, the sources and the licence, and no install script', () => {
    expect(packed).toContain('dist/index.js');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('dist/device/cpu/worker.js');
    expect(packed).toContain('LICENSE');
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[s]).toBeUndefined();
    expect(packed.some((f) => f.startsWith('test/') || f.startsWith('bench/'))).toBe(false);
  });

  it('ESM: the README\'s JavaScript snippet runs with plain node', async () => {
    const b = block('js');
    writeFileSync(path.join(dir, 'snippet.mjs'), b.code);
    const { stdout } = await run(process.execPath, ['snippet.mjs'], { cwd: dir, timeout: 120_000 });
    expect(stdout).toContain(b.expected!);
  }, 120_000);

  it.skipIf(!requireEsm)('CommonJS: require(\'tsflow\') runs the README\'s CommonJS snippet', async () => {
    const b = block('cjs');
    writeFileSync(path.join(dir, 'snippet.cjs'), b.code);
    const { stdout, stderr } = await run(process.execPath, ['snippet.cjs'], { cwd: dir, timeout: 120_000 });
    expect(stdout).toContain(b.expected!);
    expect(stderr).not.toMatch(/ERR_REQUIRE/);
  }, 120_000);

  it('TypeScript (strict, NodeNext): the README\'s TypeScript snippet compiles and runs', async () => {
    const b = block('ts');
    writeFileSync(path.join(dir, 'snippet.ts'), b.code);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'ESNext.Disposable'], types: ['node'], outDir: 'out' },
        files: ['snippet.ts'],
      }),
    );
    await run(process.execPath, [tsc, '-p', '.'], { cwd: dir, timeout: 120_000 }).catch((e: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${e.stdout}`);
    });
    const { stdout } = await run(process.execPath, ['out/snippet.js'], { cwd: dir, timeout: 120_000 });
    expect(stdout).toContain(b.expected!);
  }, 180_000);
});
