/**
 * Worker start-up from both entry points and process lifetime, in child processes: the
 * TypeScript sources (worker.ts through tsx) and a compiled build (worker.js, plain node); a
 * script that never closes its session still exits; without SharedArrayBuffer everything runs
 * inline with the same results.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = 'test/cpu-fixtures/run-graph.mjs';

interface Summary {
  hash: number;
  threads: number;
  shared: boolean;
  workerChunks: number;
  ready: number;
}

async function child(nodeArgs: string[], module: string, threads: number, close: 'close' | 'forget'): Promise<Summary> {
  const t0 = Date.now();
  const { stdout } = await run(process.execPath, [...nodeArgs, fixture, module, String(threads), close], {
    cwd: root,
    timeout: 120_000,
  });
  // exiting at all (rather than hitting the timeout) is the point for 'forget'
  expect(Date.now() - t0).toBeLessThan(120_000);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Summary;
}

/** The reference run (the sources under tsx, inline on one thread, session closed): the same in every test, so run once. */
let reference: Promise<Summary> | null = null;
const inlineRun = (): Promise<Summary> => (reference ??= child(['--import', 'tsx'], 'src/index.ts', 1, 'close'));

describe('CPU worker entry from the sources (tsx)', () => {
  it('workers start, compute, and a script that never closes its session exits', async () => {
    const inline = await inlineRun();
    const pooled = await child(['--import', 'tsx'], 'src/index.ts', 2, 'forget');
    expect(pooled.threads).toBe(2);
    expect(pooled.ready).toBe(1);
    expect(pooled.workerChunks).toBeGreaterThan(0);
    expect(pooled.hash).toBe(inline.hash);
  });
});

describe('CPU worker entry from a compiled build', () => {
  const outDir = `node_modules/.cache/tsflow-dist-test-${process.pid}`;

  beforeAll(async () => {
    // the build's JavaScript only: tsc's emit without its type check (the type check reports type
    // errors) and without the declarations and source maps, which plain node does not read
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir, '--noCheck', '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], {
      cwd: root,
      timeout: 240_000,
    }).catch(() => undefined);
  }, 300_000);

  afterAll(() => rmSync(`${root}/${outDir}`, { recursive: true, force: true }));

  it('plain node loads worker.js; results match the sources; the script exits without close()', async () => {
    expect(existsSync(`${root}/${outDir}/device/cpu/worker.js`)).toBe(true);
    const inline = await inlineRun();
    const pooled = await child([], `${outDir}/index.js`, 2, 'forget');
    expect(pooled.ready).toBe(1);
    expect(pooled.workerChunks).toBeGreaterThan(0);
    expect(pooled.hash).toBe(inline.hash);
  });

  it('without SharedArrayBuffer everything runs inline, with the same results', async () => {
    const inline = await inlineRun();
    const noSab = await child(['--no-harmony-sharedarraybuffer'], `${outDir}/index.js`, 2, 'forget');
    expect(noSab.shared).toBe(false);
    expect(noSab.threads).toBe(1);
    expect(noSab.hash).toBe(inline.hash);
  });
});
