/**
 * The MLP 784-256-10 SGD training step at batch 128 in headless Chromium (Debian's, driven by
 * playwright-core; no browser download): bench/browser/page.ts, ms per step and the longest
 * main-thread stall (1 ms timer) while it trains.
 *   --impl tsflow --threads N [--no-isolation] | tfjs-wasm --threads N
 * tsflow: the browser bundle's CPU device (Web Workers over a shared WebAssembly.Memory when the
 * page is cross-origin isolated; inline with --no-isolation); tfjs: @tensorflow/tfjs-backend-wasm
 * (its threaded SIMD build when isolated). The page is built into a scratch directory and served
 * by scripts/serve.mjs.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { args, report } from '../lib/child.js';

const a = args();
const impl = a.get('impl') ?? 'tsflow';
const threads = Number(a.get('threads') ?? 2);
const minMs = Number(a.get('min-ms') ?? 1500);
const isolated = !a.has('no-isolation');
const root = fileURLToPath(new URL('../..', import.meta.url));
const here = path.join(root, 'bench/browser');
const chromium = [process.env.TSFLOW_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
if (!chromium) throw new Error('no Chromium binary at /usr/bin/chromium (scripts/install-chromium.sh installs it)');

const dir = mkdtempSync(path.join(tmpdir(), 'tsflow-bench-browser-'));
try {
  const page = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, logLevel: 'warning' } as const;
  if (impl === 'tsflow') execFileSync(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outdir', dir], { cwd: root });
  else {
    await build({ ...page, entryPoints: [path.join(here, 'tfjs-entry.ts')], outfile: path.join(dir, 'tfjs.js') });
    const wasmDir = path.join(path.dirname(createRequire(path.join(root, 'bench/package.json')).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDir, f), path.join(dir, f));
  }
  await build({ ...page, entryPoints: [path.join(here, 'page.ts')], outfile: path.join(dir, 'page.js') });
  copyFileSync(path.join(here, 'index.html'), path.join(dir, 'index.html'));

  const { serve } = (await import(path.join(root, 'scripts/serve.mjs'))) as { serve(o: object): Promise<{ url: string; close(): Promise<void> }> };
  const server = await serve({ mounts: { '/': dir }, isolated });
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${server.url}index.html?impl=${impl}&threads=${threads}&min-ms=${minMs}`);
    await tab.waitForFunction(() => {
      const w = window as unknown as { benchResult?: unknown; benchError?: string };
      return w.benchResult !== undefined || w.benchError !== undefined;
    }, null, { timeout: 240_000, polling: 200 });
    const { result, error } = await tab.evaluate(() => {
      const w = window as unknown as { benchResult?: Record<string, unknown>; benchError?: string };
      return { result: w.benchResult, error: w.benchError };
    });
    if (error || !result) throw new Error(`the benchmark page failed: ${error ?? errors.join('; ')}`);
    report(result);
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
